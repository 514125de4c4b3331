//! WMO315 Verzoek om toewijzing and WMO317 Verzoek om wijziging from a
//! provider: read from a message that fits its schema, judged by the
//! standard's technical rules, and answered with a WMO316 or WMO318 retour.
//! An accepted request becomes a task for the consultant, whose answer is a
//! WMO301 (with the provider's ReferentieAanbieder) or a WMO319.
//!
//! Rules (iWmo 3.2 "Regels op berichten"; retourcode in brackets):
//! - TR056 the identification is unique per sender and type (9056); TR135
//!   the dagtekening is not after today (8848); CS003 an end date is not
//!   before its start (0001: the whole message);
//! - TR347 the ReferentieAanbieder is unique for the provider (9347);
//! - TR374 no new request while one of this provider for this client is
//!   still being handled (9374);
//! - TR349 a request for change names every current assignment of the
//!   client at the provider, unchanged or to change (9349); TR350 an
//!   unchanged product is a current assignment (9350); TR351 a product to
//!   change is a current assignment (9351).

use super::regie::{Heading, Judgement, code, date};
use super::schema::Message;
use super::xml::Node;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Retourcodes (WJ001) for requests, beyond those of `regie::code`.
pub mod codes {
    pub const REFERENCE_NOT_UNIQUE: &str = "9347";
    pub const NOT_ALL_CURRENT: &str = "9349";
    pub const UNCHANGED_NOT_CURRENT: &str = "9350";
    pub const CHANGE_NOT_CURRENT: &str = "9351";
    pub const REQUEST_PENDING: &str = "9374";

    /// The meaning of these codes (WJ001), for people.
    pub fn meaning(code: &str) -> Option<&'static str> {
        Some(match code {
            REFERENCE_NOT_UNIQUE => {
                "ReferentieAanbieder is niet uniek voor de aanbieder binnen het wettelijk domein."
            }
            NOT_ALL_CURRENT => {
                "Het verzoek om wijziging bevat niet alle actuele toegewezen producten van de cliënt."
            }
            UNCHANGED_NOT_CURRENT => {
                "OngewijzigdProduct is niet gerelateerd aan een actueel toegewezen product."
            }
            CHANGE_NOT_CURRENT => {
                "TeWijzigenProduct is niet gerelateerd aan een actuele toewijzing."
            }
            REQUEST_PENDING => "Er is al een verzoek onderhanden.",
            // Codes a provider gives on a 301 (WMO302).
            "9332" => "Toewijzing heeft geen uniek nummer binnen wettelijk domein.",
            "9379" => {
                "ReferentieAanbieder refereert niet naar een verzoek om toewijzing of verzoek om wijziging."
            }
            "9385" => "Toewijzing heeft goedgekeurde declaratieregels.",
            "S300" => "Gemeentecode komt niet voor in de lijst van CBS.",
            "S329" => "ProductCode hoort niet bij de ProductCategorie.",
            _ => return None,
        })
    }
}

/// What a request asks for one product: a new assignment (a 315's
/// AangevraagdProduct, a 317's NieuwProduct), a change of an assignment
/// (TeWijzigenProduct) or none (OngewijzigdProduct).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requested {
    /// "nieuw", "wijzigen" or "ongewijzigd".
    pub soort: String,
    /// ToewijzingNummer of the assignment to change or keep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toewijzing: Option<i64>,
    /// WMO020 category and the product code, as asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categorie: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The wished Ingangsdatum and Einddatum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingangsdatum: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub einddatum: Option<NaiveDate>,
    /// A 315's BeschikkingNummer, where the provider knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beschikking: Option<i64>,
    /// COD327 type of the referrer (315).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verwijzer: Option<String>,
}

/// One request as the consultant answers it: each AangevraagdProduct of a
/// 315 is a request of its own (it has its own ReferentieAanbieder); a 317
/// is one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    pub reference: String,
    /// WJ758 RedenVerzoek (317 only).
    pub reason: Option<String>,
    pub products: Vec<Requested>,
}

/// A 315 or 317 as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Verzoekbericht {
    pub message: Message,
    pub identificatie: String,
    pub dagtekening: NaiveDate,
    pub agb: String,
    pub gemeente: String,
    pub bsn: String,
    pub asks: Vec<Ask>,
}

fn text(n: &Node, path: &[&str]) -> Option<String> {
    n.text_at(path).map(|v| v.trim().to_string())
}

fn number(n: &Node, path: &[&str]) -> Option<i64> {
    n.text_at(path).and_then(|v| v.trim().parse().ok())
}

fn items<'a>(parent: Option<&'a Node>, name: &'a str) -> impl Iterator<Item = &'a Node> {
    parent
        .into_iter()
        .flat_map(|p| p.children.iter())
        .filter(move |c| c.name == name)
}

impl Verzoekbericht {
    /// Reads a 315 or 317 that fits its schema; `None` for anything else.
    pub fn read(node: &Node) -> Option<Verzoekbericht> {
        let message =
            Message::of(node).filter(|m| matches!(m, Message::Wmo315 | Message::Wmo317))?;
        let client = node.child("Client")?;
        let asks = match message {
            Message::Wmo315 => items(client.child("AangevraagdeProducten"), "AangevraagdProduct")
                .map(|p| {
                    Some(Ask {
                        reference: text(p, &["ReferentieAanbieder"])?,
                        reason: None,
                        products: vec![Requested {
                            soort: "nieuw".into(),
                            toewijzing: None,
                            categorie: text(p, &["Product", "Categorie"]),
                            code: text(p, &["Product", "Code"]),
                            ingangsdatum: Some(date(p.text_at(&["ToewijzingIngangsdatum"]))?),
                            einddatum: date(p.text_at(&["ToewijzingEinddatum"])),
                            beschikking: number(p, &["BeschikkingNummer"]),
                            verwijzer: text(p, &["Verwijzer", "Type"]),
                        }],
                    })
                })
                .collect::<Option<Vec<_>>>()?,
            _ => {
                let v = client.child("Verzoek")?;
                let mut products = Vec::new();
                for p in items(v.child("OngewijzigdeProducten"), "OngewijzigdProduct") {
                    products.push(Requested {
                        soort: "ongewijzigd".into(),
                        toewijzing: Some(number(p, &["ToewijzingNummer"])?),
                        categorie: None,
                        code: None,
                        ingangsdatum: None,
                        einddatum: None,
                        beschikking: None,
                        verwijzer: None,
                    });
                }
                for p in items(v.child("TeWijzigenProducten"), "TeWijzigenProduct") {
                    products.push(Requested {
                        soort: "wijzigen".into(),
                        toewijzing: Some(number(p, &["ToewijzingNummer"])?),
                        categorie: None,
                        code: None,
                        ingangsdatum: Some(date(p.text_at(&["GewensteIngangsdatum"]))?),
                        einddatum: date(p.text_at(&["Einddatum"])),
                        beschikking: None,
                        verwijzer: None,
                    });
                }
                for p in items(v.child("NieuweProducten"), "NieuwProduct") {
                    products.push(Requested {
                        soort: "nieuw".into(),
                        toewijzing: None,
                        categorie: text(p, &["Product", "Categorie"]),
                        code: text(p, &["Product", "Code"]),
                        ingangsdatum: Some(date(p.text_at(&["GewensteIngangsdatum"]))?),
                        einddatum: date(p.text_at(&["Einddatum"])),
                        beschikking: None,
                        verwijzer: None,
                    });
                }
                vec![Ask {
                    reference: text(v, &["ReferentieAanbieder"])?,
                    reason: text(v, &["RedenVerzoek"]),
                    products,
                }]
            }
        };
        let h = Heading::read(node)?;
        Some(Verzoekbericht {
            message,
            identificatie: h.identificatie,
            dagtekening: h.dagtekening,
            agb: h.agb,
            gemeente: h.gemeente,
            bsn: h.bsn,
            asks,
        })
    }
}

/// What judging a request looks up, for its provider and client.
#[derive(Debug, Clone, Default)]
pub struct Situation {
    /// This provider sent a message of this type with this identification.
    pub seen: bool,
    /// References this provider used in earlier requests.
    pub references: Vec<String>,
    /// A request of this provider for this client is still being handled.
    pub pending: bool,
    /// The client's current assignments at this provider from the
    /// addressed municipality (ToewijzingNummers).
    pub current: Vec<i64>,
}

/// Judges a request by the rules above, as of `today`. The lines are in
/// the order of `Message::judged`: a 315's AangevraagdProducts; a 317's
/// Verzoek, then its products in document order (unchanged, to change,
/// new).
pub fn judge(msg: &Verzoekbericht, known: &Situation, today: NaiveDate) -> Judgement {
    let lines: usize = match msg.message {
        Message::Wmo315 => msg.asks.len(),
        _ => 1 + msg.asks.iter().map(|a| a.products.len()).sum::<usize>(),
    };
    let none = |header| Judgement {
        header,
        lines: vec![code::NO_REMARK; lines],
    };
    // CS003: an end before its start rejects the message technically.
    let reversed = msg
        .asks
        .iter()
        .flat_map(|a| &a.products)
        .any(|p| matches!((p.ingangsdatum, p.einddatum), (Some(s), Some(e)) if e < s));
    if reversed {
        return none(code::TECHNICAL);
    }
    if known.seen {
        return none(code::IDENTIFICATION_NOT_UNIQUE);
    }
    if msg.dagtekening > today {
        return none(code::DAGTEKENING_IN_FUTURE);
    }
    let reference_code = |i: usize, reference: &str| {
        let twice = msg.asks[..i].iter().any(|a| a.reference == reference);
        if twice || known.references.iter().any(|r| r == reference) {
            Some(codes::REFERENCE_NOT_UNIQUE)
        } else if known.pending {
            Some(codes::REQUEST_PENDING)
        } else {
            None
        }
    };
    let mut out = Vec::with_capacity(lines);
    match msg.message {
        Message::Wmo315 => {
            for (i, ask) in msg.asks.iter().enumerate() {
                out.push(reference_code(i, &ask.reference).unwrap_or(code::NO_REMARK));
            }
        }
        _ => {
            let ask = &msg.asks[0];
            let named: Vec<i64> = ask
                .products
                .iter()
                .filter(|p| p.soort != "nieuw")
                .filter_map(|p| p.toewijzing)
                .collect();
            let verzoek = reference_code(0, &ask.reference).or_else(|| {
                known
                    .current
                    .iter()
                    .any(|c| !named.contains(c))
                    .then_some(codes::NOT_ALL_CURRENT)
            });
            out.push(verzoek.unwrap_or(code::NO_REMARK));
            for p in &ask.products {
                let current = p.toewijzing.is_some_and(|n| known.current.contains(&n));
                out.push(match p.soort.as_str() {
                    "ongewijzigd" if !current => codes::UNCHANGED_NOT_CURRENT,
                    "wijzigen" if !current => codes::CHANGE_NOT_CURRENT,
                    _ => code::NO_REMARK,
                });
            }
        }
    }
    Judgement {
        header: code::NO_REMARK,
        lines: out,
    }
}

/// WJ759 Reden afwijzing verzoek, for the consultant's choice.
pub const REJECTION_REASONS: [(&str, &str); 9] = [
    ("1", "Geen wijziging, maar nieuwe aanvraag"),
    ("2", "Past niet binnen budget"),
    ("3", "Geen contract"),
    ("4", "Past niet binnen contract"),
    ("5", "Andere gemeente"),
    ("6", "Stapeling"),
    ("7", "Zorginhoudelijke afkeur"),
    ("8", "Woonplaatsbeginsel"),
    ("9", "Leeftijdsgrens is bereikt"),
];

/// A WMO319 Antwoordbericht: the municipality's answer to a request that
/// is no assignment: refused (WJ760 1, with its WJ759 reason, CD085) or
/// under investigation (WJ760 2, without a reason, CD086).
pub fn antwoord(
    parties: &super::toewijzing::Parties,
    reference: &str,
    refused: Option<&str>,
) -> Node {
    let ns = Message::Wmo319.namespace();
    let ns = ns.as_str();
    let basis = super::schema::BASIS_NS;
    let mut answer = vec![
        Node::leaf(ns, "ReferentieAanbieder", reference),
        Node::leaf(
            ns,
            "VerzoekAntwoord",
            if refused.is_some() { "1" } else { "2" },
        ),
    ];
    if let Some(reason) = refused {
        answer.push(Node::leaf(ns, "RedenAfwijzingVerzoek", reason));
    }
    Node::group(
        ns,
        "Bericht",
        vec![
            Node::group(
                ns,
                "Header",
                vec![
                    Node::leaf(ns, "BerichtCode", Message::Wmo319.bericht_code()),
                    Node::leaf(ns, "BerichtVersie", "3"),
                    Node::leaf(ns, "BerichtSubversie", "2"),
                    Node::leaf(ns, "Afzender", parties.gemeente.as_str()),
                    Node::leaf(ns, "Ontvanger", parties.agb.as_str()),
                    Node::group(
                        ns,
                        "BerichtIdentificatie",
                        vec![
                            Node::leaf(basis, "Identificatie", parties.identificatie.as_str()),
                            Node::leaf(
                                basis,
                                "Dagtekening",
                                parties.dagtekening.format("%Y-%m-%d").to_string(),
                            ),
                        ],
                    ),
                    Node::group(
                        ns,
                        "XsdVersie",
                        vec![
                            Node::leaf(
                                basis,
                                "BasisschemaXsdVersie",
                                super::BASISSCHEMA_XSD_VERSIE,
                            ),
                            Node::leaf(basis, "BerichtXsdVersie", super::BERICHT_XSD_VERSIE),
                        ],
                    ),
                ],
            ),
            Node::group(ns, "Antwoord", answer),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::super::regie::retour;
    use super::super::schema::validate;
    use super::super::xml::parse;
    use super::*;

    const VOT: &str = include_str!("../../../../../fuzz/seeds/iwmo/verzoek-315.xml");
    const VOW: &str = include_str!("../../../../../fuzz/seeds/iwmo/wijziging-317.xml");

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn read(text: &str) -> (Node, Verzoekbericht) {
        let node = parse(text.as_bytes()).unwrap();
        let m = Message::of(&node).unwrap();
        assert_eq!(validate(&node, m), vec![], "the example fits its schema");
        let v = Verzoekbericht::read(&node).unwrap();
        (node, v)
    }

    #[test]
    fn a_request_for_an_assignment_is_read_and_judged() {
        let (node, vot) = read(VOT);
        assert_eq!(vot.message, Message::Wmo315);
        assert_eq!(vot.agb, "98900001");
        assert_eq!(vot.gemeente, "0406");
        assert_eq!(vot.asks.len(), 1);
        assert_eq!(vot.asks[0].reference, "KW-VOT-0001");
        assert_eq!(vot.asks[0].products[0].ingangsdatum, Some(d("2026-02-01")));
        assert_eq!(vot.asks[0].products[0].categorie.as_deref(), Some("15"));
        let today = d("2026-01-12");
        let ok = judge(&vot, &Situation::default(), today);
        assert!(ok.accepted());
        let answer = retour(&node, &ok, "ZH316", today).unwrap();
        assert_eq!(validate(&answer, Message::Wmo316), vec![]);
        assert!(answer.child("Client").is_none(), "accepted: header only");

        let used = Situation {
            references: vec!["KW-VOT-0001".into()],
            ..Situation::default()
        };
        let j = judge(&vot, &used, today);
        assert_eq!(j.lines, vec![codes::REFERENCE_NOT_UNIQUE]);
        let answer = retour(&node, &j, "ZH316", today).unwrap();
        assert_eq!(
            validate(&answer, Message::Wmo316),
            vec![],
            "refused fits 316"
        );
        let product = answer
            .child("Client")
            .and_then(|c| c.child("AangevraagdeProducten"))
            .and_then(|c| c.child("AangevraagdProduct"))
            .unwrap();
        assert_eq!(
            product.text_at(&["RetourCodes", "RetourCode"]),
            Some("9347")
        );
        let pending = Situation {
            pending: true,
            ..Situation::default()
        };
        assert_eq!(
            judge(&vot, &pending, today).lines,
            vec![codes::REQUEST_PENDING]
        );
        let seen = Situation {
            seen: true,
            ..Situation::default()
        };
        assert_eq!(
            judge(&vot, &seen, today).header,
            code::IDENTIFICATION_NOT_UNIQUE
        );
        assert_eq!(
            judge(&vot, &Situation::default(), d("2026-01-09")).header,
            code::DAGTEKENING_IN_FUTURE
        );
        let (_, reversed) = read(&VOT.replace(
            "</ToewijzingIngangsdatum>",
            "</ToewijzingIngangsdatum><ToewijzingEinddatum>2026-01-31</ToewijzingEinddatum>",
        ));
        assert!(judge(&reversed, &Situation::default(), today).technical());
    }

    #[test]
    fn a_request_for_change_must_name_every_current_assignment() {
        let (node, vow) = read(VOW);
        assert_eq!(vow.message, Message::Wmo317);
        let ask = &vow.asks[0];
        assert_eq!(ask.reference, "KW-VOW-0001");
        assert_eq!(ask.reason.as_deref(), Some("1"));
        assert_eq!(ask.products.len(), 1);
        assert_eq!(ask.products[0].soort, "wijzigen");
        assert_eq!(ask.products[0].toewijzing, Some(1));
        assert_eq!(ask.products[0].einddatum, Some(d("2026-12-31")));
        let today = d("2026-01-12");
        let known = Situation {
            current: vec![1],
            ..Situation::default()
        };
        assert!(judge(&vow, &known, today).accepted());
        // Another current assignment left out (TR349).
        let more = Situation {
            current: vec![1, 2],
            ..Situation::default()
        };
        let j = judge(&vow, &more, today);
        assert_eq!(j.lines, vec![codes::NOT_ALL_CURRENT, code::NO_REMARK]);
        // Changing what is not a current assignment (TR351).
        let j = judge(&vow, &Situation::default(), today);
        assert_eq!(j.lines, vec![code::NO_REMARK, codes::CHANGE_NOT_CURRENT]);
        let answer = retour(&node, &j, "ZH318", today).unwrap();
        assert_eq!(validate(&answer, Message::Wmo318), vec![], "fits 318");
        let verzoek = answer
            .child("Client")
            .and_then(|c| c.child("Verzoek"))
            .unwrap();
        assert_eq!(
            verzoek.text_at(&["RetourCodes", "RetourCode"]),
            Some("0200")
        );
        assert_eq!(
            verzoek.text_at(&[
                "TeWijzigenProducten",
                "TeWijzigenProduct",
                "RetourCodes",
                "RetourCode"
            ]),
            Some("9351")
        );
        // An unchanged product that is not current (TR350).
        let (_, with_unchanged) = read(&VOW.replace(
            "<TeWijzigenProducten>",
            "<OngewijzigdeProducten><OngewijzigdProduct><ToewijzingNummer>7</ToewijzingNummer></OngewijzigdProduct></OngewijzigdeProducten><TeWijzigenProducten>",
        ));
        let parties = super::super::toewijzing::Parties {
            identificatie: "1".into(),
            dagtekening: today,
            gemeente: "0406".into(),
            agb: "98900001".into(),
        };
        for refused in [Some("3"), None] {
            let answer = antwoord(&parties, "KW-VOW-0001", refused);
            assert_eq!(validate(&answer, Message::Wmo319), vec![], "a 319 fits");
        }
        assert_eq!(
            judge(&with_unchanged, &known, today).lines,
            vec![
                code::NO_REMARK,
                codes::UNCHANGED_NOT_CURRENT,
                code::NO_REMARK
            ]
        );
    }
}
