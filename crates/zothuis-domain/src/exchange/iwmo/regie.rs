//! WMO305 Start and WMO307 Stop Wmo-ondersteuning ("regieberichten") from a
//! provider: read from a message that fits its schema, judged against what
//! the municipality knows by the standard's technical rules, and answered
//! with a WMO306 or WMO308 retour carrying the retourcodes (iWmo 3.2
//! codelist WJ001).
//!
//! Rules (iWmo 3.2 "Regels op berichten"; retourcode in brackets):
//! - TR056 the message's identification is unique per sender and message
//!   type (9056); TR135 the dagtekening is not after today (8848);
//! - TR019 a start or stop refers to an assignment of this provider for
//!   this client by its ToewijzingNummer (9019);
//! - TR074 a line with a key already received is not received again (9074);
//! - TR326 a new start while the current one is not stopped (9326);
//! - TR063 deleting (StatusAanlevering 3) what was never received (9063);
//! - TR071 deleting a start whose care is stopped already (9071);
//! - TR382 a stop carries the key of a current start (9069);
//! - TR018 a stop's end is not before its start (0001: the whole message).
//!
//! A message with any refused line is refused whole (IV032): nothing of it
//! is applied. The retour then copies the client and every line, each with
//! its code (0200 for a line without remarks); an accepted message is
//! answered with the header only (IV028).

use super::schema::{BASIS_NS, Content, Decl, Message};
use super::xml::Node;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Retourcodes (WJ001) zothuis gives.
pub mod code {
    /// Bericht is afgekeurd om technische redenen.
    pub const TECHNICAL: &str = "0001";
    /// Geen opmerking over deze berichtklasse.
    pub const NO_REMARK: &str = "0200";
    pub const DAGTEKENING_IN_FUTURE: &str = "8848";
    pub const UNKNOWN_ASSIGNMENT: &str = "9019";
    pub const IDENTIFICATION_NOT_UNIQUE: &str = "9056";
    pub const NOTHING_TO_DELETE: &str = "9063";
    pub const NO_CURRENT_START: &str = "9069";
    pub const STOPPED_ALREADY: &str = "9071";
    pub const KEY_RECEIVED_BEFORE: &str = "9074";
    pub const CURRENT_NOT_STOPPED: &str = "9326";

    /// The meaning of a retourcode zothuis gives (WJ001), for people.
    pub fn meaning(code: &str) -> &'static str {
        match code {
            TECHNICAL => "Bericht is afgekeurd om technische redenen.",
            NO_REMARK => "Geen opmerking over deze berichtklasse.",
            DAGTEKENING_IN_FUTURE => {
                "Dagtekening moet gelijk zijn aan of voor de systeemdatum liggen."
            }
            UNKNOWN_ASSIGNMENT => "Het regiebericht kan niet gekoppeld worden aan een toewijzing.",
            IDENTIFICATION_NOT_UNIQUE => {
                "Identificatie moet uniek zijn (per berichtsoort per verzender)."
            }
            NOTHING_TO_DELETE => {
                "Het bericht kan niet verwerkt worden omdat geen eerder bericht ontvangen is."
            }
            NO_CURRENT_START => "Er is geen actueel startbericht met dezelfde sleutel.",
            STOPPED_ALREADY => {
                "Het eerdere startbericht kan niet verwijderd worden omdat de zorg al beëindigd is."
            }
            KEY_RECEIVED_BEFORE => "Er is al een eerder bericht ontvangen met dezelfde sleutel.",
            CURRENT_NOT_STOPPED => "De actuele levering is nog niet gestopt met een Stopbericht.",
            other => {
                super::super::verzoek::codes::meaning(other).unwrap_or("Onbekende retourcode.")
            }
        }
    }
}

/// COD467 StatusAanlevering as allowed in 305 and 307 (CS058).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 1: eerste aanlevering.
    First,
    /// 3: verwijderen aanlevering.
    Delete,
}

/// One StartProduct or StopProduct.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub toewijzing: Option<u32>,
    pub begindatum: NaiveDate,
    /// Stop only: WMO588 reason and end date.
    pub stop: Option<(String, NaiveDate)>,
    pub status: Status,
}

/// A start or stop message as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Regiebericht {
    pub message: Message,
    pub identificatie: String,
    pub dagtekening: NaiveDate,
    pub agb: String,
    pub gemeente: String,
    pub bsn: String,
    pub lines: Vec<Line>,
}

pub(super) fn date(s: Option<&str>) -> Option<NaiveDate> {
    s.and_then(|v| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
}

/// What every message from a provider says of itself and its client:
/// identification, dagtekening, sender (AGB), receiver (gemeente) and BSN.
pub(super) struct Heading {
    pub identificatie: String,
    pub dagtekening: NaiveDate,
    pub agb: String,
    pub gemeente: String,
    pub bsn: String,
}

impl Heading {
    pub(super) fn read(node: &Node) -> Option<Heading> {
        let header = node.child("Header")?;
        let text = |n: &Node, path: &[&str]| n.text_at(path).map(|v| v.trim().to_string());
        Some(Heading {
            identificatie: text(header, &["BerichtIdentificatie", "Identificatie"])?,
            dagtekening: date(header.text_at(&["BerichtIdentificatie", "Dagtekening"]))?,
            agb: text(header, &["Afzender"])?,
            gemeente: text(header, &["Ontvanger"])?,
            bsn: text(node.child("Client")?, &["Bsn"])?,
        })
    }
}

impl Regiebericht {
    /// Reads a 305 or 307 that fits its schema (`schema::validate` found
    /// nothing); `None` for any other message.
    pub fn read(node: &Node) -> Option<Regiebericht> {
        let message =
            Message::of(node).filter(|m| matches!(m, Message::Wmo305 | Message::Wmo307))?;
        let client = node.child("Client")?;
        let (list, item) = match message {
            Message::Wmo305 => ("StartProducten", "StartProduct"),
            _ => ("StopProducten", "StopProduct"),
        };
        let lines = client
            .child(list)?
            .children
            .iter()
            .filter(|n| n.name == item)
            .map(|n| {
                Some(Line {
                    toewijzing: n
                        .text_at(&["ToewijzingNummer"])
                        .and_then(|v| v.trim().parse().ok()),
                    begindatum: date(n.text_at(&["Begindatum"]))?,
                    stop: match message {
                        Message::Wmo307 => Some((
                            n.text_at(&["RedenBeeindiging"])?.trim().to_string(),
                            date(n.text_at(&["Einddatum"]))?,
                        )),
                        _ => None,
                    },
                    status: match n.text_at(&["StatusAanlevering"])?.trim() {
                        "1" => Status::First,
                        "3" => Status::Delete,
                        _ => return None,
                    },
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let h = Heading::read(node)?;
        Some(Regiebericht {
            message,
            identificatie: h.identificatie,
            dagtekening: h.dagtekening,
            agb: h.agb,
            gemeente: h.gemeente,
            bsn: h.bsn,
            lines,
        })
    }
}

/// What the municipality knows of one assignment and its starts and stops.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssignmentState {
    /// The client's BSN the assignment is for.
    pub bsn: String,
    /// Starts received and not deleted, by Begindatum; with the stop's end
    /// where one was received and not deleted.
    pub starts: Vec<(NaiveDate, Option<NaiveDate>)>,
}

/// What judging needs to look up.
pub trait Known {
    /// The assignment with this number to the provider with this AGB code.
    fn assignment(&self, agb: &str, nummer: u32) -> Option<AssignmentState>;
    /// Whether this provider sent a message of this type with this
    /// identification before.
    fn seen(&self, agb: &str, message: Message, identificatie: &str) -> bool;
}

/// The verdict on a message: a code for the header, and for each line.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub header: &'static str,
    pub lines: Vec<&'static str>,
}

impl Judgement {
    /// Whether the message may be applied: no remark anywhere.
    pub fn accepted(&self) -> bool {
        self.header == code::NO_REMARK && self.lines.iter().all(|c| *c == code::NO_REMARK)
    }

    /// Whether the whole message is refused for a technical reason.
    pub fn technical(&self) -> bool {
        self.header == code::TECHNICAL
    }
}

/// Judges a start or stop by the rules above, as of `today`.
pub fn judge(msg: &Regiebericht, known: &dyn Known, today: NaiveDate) -> Judgement {
    let none = || Judgement {
        header: code::NO_REMARK,
        lines: vec![code::NO_REMARK; msg.lines.len()],
    };
    // TR018: an end before its start rejects the message technically.
    if msg
        .lines
        .iter()
        .any(|l| l.stop.as_ref().is_some_and(|(_, end)| *end < l.begindatum))
    {
        return Judgement {
            header: code::TECHNICAL,
            ..none()
        };
    }
    if known.seen(&msg.agb, msg.message, &msg.identificatie) {
        return Judgement {
            header: code::IDENTIFICATION_NOT_UNIQUE,
            ..none()
        };
    }
    if msg.dagtekening > today {
        return Judgement {
            header: code::DAGTEKENING_IN_FUTURE,
            ..none()
        };
    }
    let lines = msg
        .lines
        .iter()
        .map(|line| {
            let Some(state) = line
                .toewijzing
                .and_then(|n| known.assignment(&msg.agb, n))
                .filter(|s| s.bsn == msg.bsn)
            else {
                return code::UNKNOWN_ASSIGNMENT;
            };
            let same_start = state.starts.iter().find(|(b, _)| *b == line.begindatum);
            match (msg.message, line.status) {
                (Message::Wmo305, Status::First) => match same_start {
                    Some(_) => code::KEY_RECEIVED_BEFORE,
                    None if state.starts.iter().any(|(_, end)| end.is_none()) => {
                        code::CURRENT_NOT_STOPPED
                    }
                    None => code::NO_REMARK,
                },
                (Message::Wmo305, Status::Delete) => match same_start {
                    None => code::NOTHING_TO_DELETE,
                    Some((_, Some(_))) => code::STOPPED_ALREADY,
                    Some((_, None)) => code::NO_REMARK,
                },
                (_, Status::First) => match same_start {
                    None => code::NO_CURRENT_START,
                    Some((_, Some(_))) => code::KEY_RECEIVED_BEFORE,
                    Some((_, None)) => code::NO_REMARK,
                },
                (_, Status::Delete) => match same_start {
                    Some((_, Some(_))) => code::NO_REMARK,
                    _ => code::NOTHING_TO_DELETE,
                },
            }
        })
        .collect();
    Judgement {
        header: code::NO_REMARK,
        lines,
    }
}

/// The retour to a message that fitted its schema (306 for a 305, 308 for a
/// 307, 316 for a 315, 318 for a 317, 302 for a 301): the original header
/// with the retour's own identification, and where a class was refused, the
/// whole message with a code at every class: each judged class (see
/// `Message::judged`) its own, in the order they appear, the others 0200.
pub fn retour(
    original: &Node,
    judgement: &Judgement,
    identificatie: &str,
    dagtekening: NaiveDate,
) -> Option<Node> {
    let message = Message::of(original)?;
    let answer = message.retour()?;
    let code_retour = answer.bericht_code();
    let ns = answer.namespace();
    let ns = ns.as_str();
    let from = message.namespace();
    let original_header = original.child("Header")?;
    let mut header: Vec<Node> = original_header
        .children
        .iter()
        .map(|c| moved(c, &from, ns))
        .collect();
    // IV028: the retour's own BerichtCode; everything else copied.
    if let Some(first) = header.first_mut() {
        first.text = code_retour.to_string();
    }
    header.push(Node::leaf(ns, "IdentificatieRetour", identificatie));
    header.push(Node::leaf(
        ns,
        "DagtekeningRetour",
        dagtekening.format("%Y-%m-%d").to_string(),
    ));
    header.push(Node::group(
        ns,
        "XsdVersieRetour",
        vec![
            Node::leaf(
                BASIS_NS,
                "BasisschemaXsdVersie",
                super::BASISSCHEMA_XSD_VERSIE,
            ),
            Node::leaf(BASIS_NS, "BerichtXsdVersie", super::BERICHT_XSD_VERSIE),
        ],
    ));
    let lines_refused = judgement.lines.iter().any(|c| *c != code::NO_REMARK);
    if judgement.header != code::NO_REMARK || lines_refused {
        header.push(codes_node(ns, judgement.header));
    }
    let mut root = vec![Node::group(ns, "Header", header)];
    if judgement.header == code::NO_REMARK && lines_refused {
        let Content::Group(classes) = answer.root().content else {
            return None;
        };
        let mut codes = judgement.lines.iter().copied();
        for class in original.children.iter().filter(|c| c.name != "Header") {
            let decl = classes.iter().find(|d| d.name == class.name)?;
            root.push(coded(class, decl, &from, ns, message.judged(), &mut codes));
        }
    }
    Some(Node::group(ns, "Bericht", root))
}

fn codes_node(ns: &str, code: &str) -> Node {
    Node::group(ns, "RetourCodes", vec![Node::leaf(ns, "RetourCode", code)])
}

/// The message's own elements move into the retour's namespace; those of
/// the basisschema stay.
fn moved(node: &Node, from: &str, to: &str) -> Node {
    Node {
        ns: if node.ns == from {
            to.to_string()
        } else {
            node.ns.clone()
        },
        name: node.name.clone(),
        text: node.text.clone(),
        children: node.children.iter().map(|c| moved(c, from, to)).collect(),
    }
}

/// A class copied into the retour with its `RetourCodes` where the retour's
/// schema (`decl`) has them: a judged class takes the next code.
fn coded(
    node: &Node,
    decl: &Decl,
    from: &str,
    to: &str,
    judged: &[&str],
    codes: &mut impl Iterator<Item = &'static str>,
) -> Node {
    let own = judged
        .contains(&node.name.as_str())
        .then(|| codes.next().unwrap_or(code::NO_REMARK));
    let Content::Group(children) = decl.content else {
        return moved(node, from, to);
    };
    let mut out = Node {
        children: Vec::new(),
        ..moved(node, from, to)
    };
    for child in &node.children {
        out.children
            .push(match children.iter().find(|d| d.name == child.name) {
                Some(d) => coded(child, d, from, to, judged, codes),
                None => moved(child, from, to),
            });
    }
    if children.last().is_some_and(|d| d.name == "RetourCodes") {
        out.children
            .push(codes_node(to, own.unwrap_or(code::NO_REMARK)));
    }
    out
}

/// Where each judged class of a message is, for people: "StartProduct 2",
/// "Verzoek 1", in the order of `Judgement::lines`.
pub fn judged_places(original: &Node, message: Message) -> Vec<String> {
    fn walk(
        node: &Node,
        judged: &[&str],
        seen: &mut HashMap<String, usize>,
        out: &mut Vec<String>,
    ) {
        if judged.contains(&node.name.as_str()) {
            let n = seen.entry(node.name.clone()).or_default();
            *n += 1;
            out.push(format!("{} {n}", node.name));
        }
        for c in &node.children {
            walk(c, judged, seen, out);
        }
    }
    let mut out = Vec::new();
    walk(original, message.judged(), &mut HashMap::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::super::schema::validate;
    use super::super::xml::parse;
    use super::*;

    #[derive(Default)]
    struct World {
        assignments: HashMap<u32, AssignmentState>,
        seen: Vec<String>,
    }

    impl Known for World {
        fn assignment(&self, agb: &str, nummer: u32) -> Option<AssignmentState> {
            (agb == "98765432")
                .then(|| self.assignments.get(&nummer).cloned())
                .flatten()
        }
        fn seen(&self, _: &str, _: Message, id: &str) -> bool {
            self.seen.iter().any(|s| s == id)
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn start(status: Status, begin: &str) -> Regiebericht {
        Regiebericht {
            message: Message::Wmo305,
            identificatie: "KW305-0001".into(),
            dagtekening: d("2026-03-10"),
            agb: "98765432".into(),
            gemeente: "0406".into(),
            bsn: "999990020".into(),
            lines: vec![Line {
                toewijzing: Some(1001),
                begindatum: d(begin),
                stop: None,
                status,
            }],
        }
    }

    fn stop(status: Status, begin: &str, end: &str) -> Regiebericht {
        let mut m = start(status, begin);
        m.message = Message::Wmo307;
        m.lines[0].stop = Some(("19".into(), d(end)));
        m
    }

    fn world(starts: &[(&str, Option<&str>)]) -> World {
        let mut w = World::default();
        w.assignments.insert(
            1001,
            AssignmentState {
                bsn: "999990020".into(),
                starts: starts.iter().map(|(b, e)| (d(b), e.map(d))).collect(),
            },
        );
        w
    }

    fn line_code(msg: &Regiebericht, w: &World) -> &'static str {
        let j = judge(msg, w, d("2026-03-10"));
        assert_eq!(j.header, code::NO_REMARK);
        j.lines[0]
    }

    #[test]
    fn starts_are_judged_by_the_rules_of_the_standard() {
        use Status::*;
        assert_eq!(
            line_code(&start(First, "2026-03-09"), &world(&[])),
            code::NO_REMARK
        );
        assert_eq!(
            line_code(&start(First, "2026-03-09"), &World::default()),
            code::UNKNOWN_ASSIGNMENT
        );
        let mut other_client = start(First, "2026-03-09");
        other_client.bsn = "999990032".into();
        assert_eq!(
            line_code(&other_client, &world(&[])),
            code::UNKNOWN_ASSIGNMENT
        );
        let mut other_provider = start(First, "2026-03-09");
        other_provider.agb = "11111111".into();
        assert_eq!(
            line_code(&other_provider, &world(&[])),
            code::UNKNOWN_ASSIGNMENT
        );
        let started = world(&[("2026-03-09", None)]);
        assert_eq!(
            line_code(&start(First, "2026-03-09"), &started),
            code::KEY_RECEIVED_BEFORE
        );
        assert_eq!(
            line_code(&start(First, "2026-04-01"), &started),
            code::CURRENT_NOT_STOPPED
        );
        assert_eq!(
            line_code(&start(Delete, "2026-03-09"), &started),
            code::NO_REMARK
        );
        assert_eq!(
            line_code(&start(Delete, "2026-04-01"), &started),
            code::NOTHING_TO_DELETE
        );
        let stopped = world(&[("2026-03-09", Some("2026-06-30"))]);
        assert_eq!(
            line_code(&start(Delete, "2026-03-09"), &stopped),
            code::STOPPED_ALREADY
        );
        assert_eq!(
            line_code(&start(First, "2026-07-01"), &stopped),
            code::NO_REMARK
        );
    }

    #[test]
    fn stops_are_judged_by_the_rules_of_the_standard() {
        use Status::*;
        let started = world(&[("2026-03-09", None)]);
        assert_eq!(
            line_code(&stop(First, "2026-03-09", "2026-06-30"), &started),
            code::NO_REMARK
        );
        assert_eq!(
            line_code(&stop(First, "2026-03-01", "2026-06-30"), &started),
            code::NO_CURRENT_START
        );
        assert_eq!(
            line_code(&stop(Delete, "2026-03-09", "2026-06-30"), &started),
            code::NOTHING_TO_DELETE
        );
        let stopped = world(&[("2026-03-09", Some("2026-06-30"))]);
        assert_eq!(
            line_code(&stop(First, "2026-03-09", "2026-06-30"), &stopped),
            code::KEY_RECEIVED_BEFORE
        );
        assert_eq!(
            line_code(&stop(Delete, "2026-03-09", "2026-06-30"), &stopped),
            code::NO_REMARK
        );
        // TR018: technical, the whole message.
        let j = judge(
            &stop(First, "2026-03-09", "2026-03-08"),
            &started,
            d("2026-03-10"),
        );
        assert!(j.technical() && !j.accepted());
    }

    #[test]
    fn the_header_is_judged_first() {
        let mut w = world(&[]);
        w.seen.push("KW305-0001".into());
        let j = judge(&start(Status::First, "2026-03-09"), &w, d("2026-03-10"));
        assert_eq!(j.header, code::IDENTIFICATION_NOT_UNIQUE);
        let j = judge(
            &start(Status::First, "2026-03-09"),
            &world(&[]),
            d("2026-03-09"),
        );
        assert_eq!(
            j.header,
            code::DAGTEKENING_IN_FUTURE,
            "dagtekening after today"
        );
    }

    const START: &str = include_str!("../../../../../fuzz/seeds/iwmo/start-305.xml");

    #[test]
    fn a_start_is_read_and_answered_with_its_codes() {
        let node = parse(START.as_bytes()).unwrap();
        let msg = Regiebericht::read(&node).unwrap();
        assert_eq!(msg, start(Status::First, "2026-03-09"));

        // Accepted: the header only, no codes.
        let ok = judge(&msg, &world(&[]), d("2026-03-10"));
        assert!(ok.accepted());
        let answer = retour(&node, &ok, "ZH306000001", d("2026-03-11")).unwrap();
        assert_eq!(
            answer.ns,
            "http://www.istandaarden.nl/iwmo/3_2/wmo306/schema"
        );
        assert_eq!(answer.children.len(), 1);
        let header = answer.child("Header").unwrap();
        assert_eq!(header.text_at(&["BerichtCode"]), Some("419"));
        assert_eq!(
            header.text_at(&["Afzender"]),
            Some("98765432"),
            "copied (IV028)"
        );
        assert_eq!(
            header.text_at(&["IdentificatieRetour"]),
            Some("ZH306000001")
        );
        assert!(header.child("RetourCodes").is_none());
        assert_eq!(validate(&answer, Message::Wmo306), vec![], "fits WMO306");

        // Refused line: client and line copied, each with its code.
        let refused = judge(&msg, &World::default(), d("2026-03-10"));
        assert!(!refused.accepted());
        let answer = retour(&node, &refused, "ZH306000002", d("2026-03-11")).unwrap();
        let codes = |n: &Node| {
            n.text_at(&["RetourCodes", "RetourCode"])
                .map(str::to_string)
        };
        assert_eq!(
            codes(answer.child("Header").unwrap()).as_deref(),
            Some("0200")
        );
        let client = answer.child("Client").unwrap();
        assert_eq!(codes(client).as_deref(), Some("0200"));
        let line = client
            .child("StartProducten")
            .unwrap()
            .child("StartProduct")
            .unwrap();
        assert_eq!(codes(line).as_deref(), Some("9019"));
        assert_eq!(line.text_at(&["ToewijzingNummer"]), Some("1001"));
        assert_eq!(
            line.child("Product")
                .unwrap()
                .child("Categorie")
                .unwrap()
                .ns,
            BASIS_NS,
            "basisschema elements stay in their namespace"
        );
    }
}
