//! Line charts as SVG, rendered on the server (no JavaScript). Every chart
//! is an image with a title and a description, and the page always shows
//! the same numbers in a table beside it (DESIGN.md "Charts are SVG rendered
//! on the server, always with the data table beside them"). Series differ in
//! colour, dash pattern and marker, so that colour is never the only cue.

use std::fmt::Write;

pub struct Series {
    pub name: String,
    /// One value per label; `None` is a gap (hidden or unknown).
    pub values: Vec<Option<f64>>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 72.0;
// Dark enough for 3:1 contrast against white (WCAG 1.4.11).
const STYLES: [(&str, &str); 4] = [
    ("#01689b", ""),
    ("#a33f00", "6 4"),
    ("#3b3b8f", "2 3"),
    ("#2d6a2d", "10 3 2 3"),
];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A round upper bound for the axis: 1, 2 or 5 times a power of ten.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 5.0, 10.0] {
        if max <= step * magnitude {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}").replace('.', ",")
    }
}

/// The chart, as an SVG element for inclusion in a page. `id` makes the
/// title and description ids unique on the page.
pub fn line_chart(id: &str, title: &str, labels: &[String], series: &[Series]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0f64, |a, b| a.max(*b));
    let top = nice_max(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = labels.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h - plot_h * v / top;
    let description = series
        .iter()
        .map(|s| {
            let points: Vec<String> = labels
                .iter()
                .zip(&s.values)
                .map(|(l, v)| match v {
                    Some(v) => format!("{l}: {}", number(*v)),
                    None => format!("{l}: verborgen (geen nul, maar een klein aantal of ter bescherming daarvan)"),
                })
                .collect();
            format!("{}: {}", s.name, points.join(", "))
        })
        .collect::<Vec<_>>()
        .join(". ");

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="zt-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-titel {id}-beschrijving" xmlns="http://www.w3.org/2000/svg"><title id="{id}-titel">{}</title><desc id="{id}-beschrijving">{}</desc>"#,
        escape(title),
        escape(&description)
    );
    // Grid and y axis labels.
    for i in 0..=4 {
        let v = top * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#b4b4b4" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end" font-size="12" fill="#1b1b1b">{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(v) + 4.0,
            number(v),
            y = y(v)
        );
    }
    // X labels: at most about eight, always the last.
    let every = n.div_ceil(8).max(1);
    for (i, l) in labels.iter().enumerate() {
        if i % every == 0 || i + 1 == n {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12" fill="#1b1b1b" transform="rotate(-35 {:.1} {:.1})">{}</text>"##,
                x(i),
                TOP + plot_h + 16.0,
                x(i),
                TOP + plot_h + 16.0,
                escape(l)
            );
        }
    }
    // The series: a path with gaps where a value is hidden, and markers.
    for (k, s) in series.iter().enumerate() {
        let (colour, dash) = STYLES[k % STYLES.len()];
        let mut d = String::new();
        let mut pen_down = false;
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        x(i),
                        y(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let dash_attr = if dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{dash}""#)
        };
        let _ = write!(
            svg,
            r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>"#,
            d.trim()
        );
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let (cx, cy) = (x(i), y(*v));
                let marker = match k % 3 {
                    0 => format!(r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="3.5" fill="{colour}"/>"#),
                    1 => format!(
                        r#"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{colour}"/>"#,
                        cx - 3.5,
                        cy - 3.5
                    ),
                    _ => format!(
                        r#"<path d="M{cx:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z" fill="{colour}"/>"#,
                        cy - 4.5,
                        cx + 4.5,
                        cy + 3.5,
                        cx - 4.5,
                        cy + 3.5
                    ),
                };
                svg.push_str(&marker);
            }
        }
        // Legend below the plot.
        let lx = LEFT + 160.0 * k as f64;
        let ly = HEIGHT - 12.0;
        let _ = write!(
            svg,
            r##"<line x1="{lx:.1}" x2="{:.1}" y1="{ly:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="2.5"{dash_attr}/><text x="{:.1}" y="{:.1}" font-size="12" fill="#1b1b1b">{}</text>"##,
            lx + 28.0,
            lx + 34.0,
            ly + 4.0,
            escape(&s.name)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_describes_its_numbers_and_leaves_gaps_for_hidden_values() {
        let labels: Vec<String> = ["jan", "feb", "mrt"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let svg = line_chart(
            "wacht",
            "Wachtenden <regio>",
            &labels,
            &[
                Series {
                    name: "Actief".into(),
                    values: vec![Some(12.0), None, Some(14.0)],
                },
                Series {
                    name: "Passief".into(),
                    values: vec![Some(3.0), Some(4.0), Some(5.0)],
                },
            ],
        );
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"wacht-titel\">Wachtenden &lt;regio&gt;</title>"));
        assert!(svg.contains("Actief: jan: 12, feb: verborgen (geen nul, maar een klein aantal of ter bescherming daarvan), mrt: 14"));
        // The gap restarts the line: the first series is drawn in two pieces.
        let first = svg.split("<path d=\"").nth(1).unwrap();
        let d = &first[..first.find('"').unwrap()];
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(nice_max(14.0), 20.0);
        assert_eq!(nice_max(0.0), 1.0);
    }
}
