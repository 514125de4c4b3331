//! The simple formatting of progress texts: paragraphs separated by an empty
//! line, lines starting with "- " as a list, `*emphasis*` and
//! `[text](https://…)` links. Parsed once here so that the HTML page and the
//! PDF show the same thing; anything else is plain text.

use serde::Serialize;

/// A run of text inside a paragraph or list item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "soort", rename_all = "camelCase")]
pub enum Inline {
    Tekst { tekst: String },
    Nadruk { tekst: String },
    Link { tekst: String, url: String },
}

/// A paragraph or a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "soort", rename_all = "camelCase")]
pub enum Block {
    Alinea { delen: Vec<Inline> },
    Lijst { items: Vec<Vec<Inline>> },
}

/// Parses a text into blocks.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut items: Vec<Vec<Inline>> = Vec::new();
    let flush_paragraph = |paragraph: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            out.push(Block::Alinea {
                delen: inlines(&paragraph.join(" ")),
            });
            paragraph.clear();
        }
    };
    let flush_list = |items: &mut Vec<Vec<Inline>>, out: &mut Vec<Block>| {
        if !items.is_empty() {
            out.push(Block::Lijst {
                items: std::mem::take(items),
            });
        }
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            flush_paragraph(&mut paragraph, &mut out);
            flush_list(&mut items, &mut out);
        } else if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            flush_paragraph(&mut paragraph, &mut out);
            items.push(inlines(item.trim()));
        } else if !items.is_empty() && paragraph.is_empty() {
            // A continuation line of the last list item.
            if let Some(last) = items.last_mut() {
                last.push(Inline::Tekst { tekst: " ".into() });
                last.extend(inlines(line));
            }
        } else {
            paragraph.push(line);
        }
    }
    flush_paragraph(&mut paragraph, &mut out);
    flush_list(&mut items, &mut out);
    out
}

/// Parses emphasis and links within one paragraph.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '*'
            && let Some(end) = rest[1..].find('*')
            && end > 0
        {
            push_plain(&mut out, &mut plain);
            out.push(Inline::Nadruk {
                tekst: rest[1..1 + end].to_string(),
            });
            rest = &rest[end + 2..];
            continue;
        }
        if c == '['
            && let Some(close) = rest.find("](")
            && let Some(end) = rest[close + 2..].find(')')
        {
            let label = &rest[1..close];
            let url = &rest[close + 2..close + 2 + end];
            if !label.is_empty()
                && !label.contains(['[', ']'])
                && (url.starts_with("https://") || url.starts_with("http://"))
                && !url.contains(char::is_whitespace)
            {
                push_plain(&mut out, &mut plain);
                out.push(Inline::Link {
                    tekst: label.to_string(),
                    url: url.to_string(),
                });
                rest = &rest[close + 2 + end + 1..];
                continue;
            }
        }
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    push_plain(&mut out, &mut plain);
    out
}

fn push_plain(out: &mut Vec<Inline>, plain: &mut String) {
    if !plain.is_empty() {
        out.push(Inline::Tekst {
            tekst: std::mem::take(plain),
        });
    }
}

/// The text without its formatting (for summaries and comparisons).
pub fn plain(blocks: &[Block]) -> String {
    fn runs(parts: &[Inline]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Inline::Tekst { tekst } | Inline::Nadruk { tekst } | Inline::Link { tekst, .. } => {
                    tekst.as_str()
                }
            })
            .collect()
    }
    blocks
        .iter()
        .map(|b| match b {
            Block::Alinea { delen } => runs(delen),
            Block::Lijst { items } => items.iter().map(|i| runs(i)).collect::<Vec<_>>().join("; "),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Tekst { tekst: s.into() }
    }

    #[test]
    fn paragraphs_lists_emphasis_and_links() {
        let b = blocks(
            "Het loket is open\nin alle gemeenten.\n\n- Bereikbaar op *werkdagen*\n- Zie [de evaluatie](https://www.example.nl/evaluatie)\n\nSlot.",
        );
        assert_eq!(
            b,
            vec![
                Block::Alinea {
                    delen: vec![t("Het loket is open in alle gemeenten.")]
                },
                Block::Lijst {
                    items: vec![
                        vec![
                            t("Bereikbaar op "),
                            Inline::Nadruk {
                                tekst: "werkdagen".into()
                            }
                        ],
                        vec![
                            t("Zie "),
                            Inline::Link {
                                tekst: "de evaluatie".into(),
                                url: "https://www.example.nl/evaluatie".into()
                            }
                        ],
                    ]
                },
                Block::Alinea {
                    delen: vec![t("Slot.")]
                },
            ]
        );
    }

    #[test]
    fn odd_text_stays_plain_and_nothing_is_lost() {
        for s in [
            "3 * 4 = 12",
            "[geen link](javascript:alert(1))",
            "**",
            "[a](https://x",
            "é*",
        ] {
            let b = blocks(s);
            let text = plain(&b);
            assert_eq!(
                text.replace(' ', ""),
                s.trim_start_matches("- ").replace(' ', ""),
                "{s}"
            );
        }
        assert_eq!(plain(&blocks("Zie [hier](https://a.nl).")), "Zie hier.");
    }
}
