//! An attacker with a policy role tries to recover hidden figures by
//! combining answers: a cell asked for with filters, totals minus the shown
//! parts of a breakdown, the waiting list minus its states. Issue 13 item 2.

use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use zothuis_testkit::{TestApp, spawn_app};

/// A cell: the values it is fixed on (dimension → key); empty is the total.
type Coord = BTreeMap<&'static str, String>;

const WAITING: [&str; 3] = ["gemeente", "woongemeente", "product"];
const STAYS: [&str; 5] = [
    "gemeente",
    "woongemeente",
    "product",
    "aanbieder",
    "locatie",
];

fn parameter(dim: &str) -> &'static str {
    match dim {
        "gemeente" => "gemeenteCode",
        "woongemeente" => "woongemeenteCode",
        "product" => "productCode",
        "aanbieder" => "aanbiederId",
        "locatie" => "locatieId",
        other => panic!("{other}"),
    }
}

struct Attacker {
    app: TestApp,
    token: String,
    /// Every way each cell was shown ("<5", "×", "12"), per indicator.
    seen: BTreeMap<(String, Coord), BTreeSet<String>>,
}

impl Attacker {
    async fn ask(
        &mut self,
        indicator: &str,
        when: &str,
        filter: &Coord,
        by: Option<&str>,
    ) -> Value {
        let mut path = format!("/api/v1/indicatoren/{indicator}/waarden?{when}");
        for (d, v) in filter {
            path.push_str(&format!("&{}={v}", parameter(d)));
        }
        if let Some(b) = by {
            path.push_str(&format!("&uitsplitsing={b}"));
        }
        let r = Client::new()
            .get(self.app.url(&path))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let v: Value = r.json().await.unwrap();
        let mut note = |c: Coord, shown: &Value| {
            self.seen
                .entry((indicator.to_string(), c))
                .or_default()
                .insert(shown["weergave"].as_str().unwrap().to_string());
        };
        note(filter.clone(), &v["totaal"]);
        if let Some(b) = by {
            for cell in v["waarden"].as_array().unwrap() {
                let mut c = filter.clone();
                let dim: &'static str = [WAITING.as_slice(), STAYS.as_slice()]
                    .concat()
                    .into_iter()
                    .find(|d| *d == b)
                    .unwrap();
                c.insert(dim, cell["sleutel"].as_str().unwrap().to_string());
                note(c, cell);
            }
        }
        v
    }

    /// Every answer of one or two dimensions: each breakdown, and each
    /// breakdown filtered on every value of another dimension.
    async fn ask_everything(&mut self, indicator: &str, when: &str, dims: &[&'static str]) {
        let mut values: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for d in dims {
            let v = self.ask(indicator, when, &Coord::new(), Some(d)).await;
            values.insert(
                d,
                v["waarden"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["sleutel"].as_str().unwrap().to_string())
                    .filter(|k| k != "geen")
                    .collect(),
            );
        }
        for d in dims {
            for v in values[d].clone() {
                let filter: Coord = [(*d, v)].into_iter().collect();
                self.ask(indicator, when, &filter, None).await;
                for b in dims.iter().filter(|b| *b != d) {
                    self.ask(indicator, when, &filter, Some(b)).await;
                }
            }
        }
    }

    fn shown(&self, indicator: &str, c: &Coord) -> Option<&BTreeSet<String>> {
        self.seen.get(&(indicator.to_string(), c.clone()))
    }

    fn hidden(&self, indicator: &str, c: &Coord) -> bool {
        self.shown(indicator, c)
            .is_some_and(|s| s.iter().any(|v| v.starts_with('<') || v == "×"))
    }

    /// No cell is shown in two ways, and no line (the cells differing on
    /// one dimension) has a lone hidden cell beside a shown total.
    fn assert_nothing_recoverable(&self, indicator: &str) -> usize {
        let mut hidden = 0;
        for ((ind, c), shown) in &self.seen {
            if ind != indicator {
                continue;
            }
            assert_eq!(shown.len(), 1, "{indicator} {c:?} is shown as {shown:?}");
            if self.hidden(indicator, c) {
                hidden += 1;
            }
        }
        // Lines: group the cells by their total (one dimension left out).
        let mut lines: BTreeMap<(&str, Coord), Vec<Coord>> = BTreeMap::new();
        for (ind, c) in self.seen.keys() {
            if ind != indicator {
                continue;
            }
            for d in c.keys() {
                let mut total = c.clone();
                total.remove(d);
                lines.entry((d, total)).or_default().push(c.clone());
            }
        }
        for ((d, total), parts) in &lines {
            if self.shown(indicator, total).is_none() || self.hidden(indicator, total) {
                continue;
            }
            let lone: Vec<&Coord> = parts.iter().filter(|p| self.hidden(indicator, p)).collect();
            assert!(
                lone.len() != 1,
                "{indicator}: {:?} can be recovered as the total {total:?} minus the other {d} cells",
                lone[0]
            );
        }
        hidden
    }
}

#[tokio::test]
async fn no_hidden_figure_can_be_recovered_by_combining_answers() {
    let mut app = spawn_app().await;
    app.seed_demo_population().await;
    let token = app.token("beleidsadviseur", "regio:GV").await;
    let mut a = Attacker {
        app,
        token,
        seen: BTreeMap::new(),
    };
    let day = "peildatum=2026-01-12";
    let states = [
        "wachtend-aangemeld",
        "wachtend-actief",
        "wachtend-passief",
        "in-screening",
    ];
    for ind in ["wachtend-totaal"].iter().chain(&states) {
        a.ask_everything(ind, day, &WAITING).await;
    }
    let year = "periodeVan=2025-01-01&periodeTot=2025-12-31";
    for ind in [
        "instroom",
        "uitstroom",
        "personen-uitgestroomd",
        "eerste-instroom",
    ] {
        a.ask_everything(ind, year, &STAYS).await;
    }
    a.ask_everything("bezetting", day, &STAYS).await;

    let mut hidden = 0;
    for ind in ["wachtend-totaal"].iter().chain(&states) {
        hidden += a.assert_nothing_recoverable(ind);
    }
    for ind in [
        "instroom",
        "uitstroom",
        "personen-uitgestroomd",
        "eerste-instroom",
        "bezetting",
    ] {
        hidden += a.assert_nothing_recoverable(ind);
    }
    // The demo has small cells, so the test has something to attack.
    assert!(hidden > 20, "{hidden}");

    // The waiting list minus three of its states gives the fourth.
    let coords: Vec<Coord> = a
        .seen
        .keys()
        .filter(|(i, _)| i == "wachtend-totaal")
        .map(|(_, c)| c.clone())
        .collect();
    for c in coords {
        if a.hidden("wachtend-totaal", &c) {
            continue;
        }
        let lone = states.iter().filter(|s| a.hidden(s, &c)).count();
        assert!(
            lone != 1,
            "one waiting state at {c:?} is the total minus the others"
        );
    }

    // A question combining more dimensions than the protection covers is
    // refused, in Dutch.
    let r = Client::new()
        .get(a.app.url(
            "/api/v1/indicatoren/instroom/waarden?periodeVan=2025-01-01&periodeTot=2025-12-31\
             &gemeenteCode=GM0402&productCode=MO-DAK&aanbiederId=1&uitsplitsing=locatie",
        ))
        .bearer_auth(&a.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert!(body.to_string().contains("hoogstens 3 kenmerken"), "{body}");
    // The waitlist manager, who sees personal data anyway, may combine them.
    let manager = a.app.token("wachtlijstbeheerder", "regio:GV").await;
    let r = Client::new()
        .get(a.app.url(
            "/api/v1/indicatoren/instroom/waarden?periodeVan=2025-01-01&periodeTot=2025-12-31\
             &gemeenteCode=GM0402&productCode=MO-DAK&aanbiederId=1&uitsplitsing=locatie",
        ))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
