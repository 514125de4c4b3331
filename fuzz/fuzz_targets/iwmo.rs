//! The iWmo message reader: any bytes a provider sends are read or refused
//! with a reason, never a panic; what is read validates without a panic
//! against every message type, and writes out and reads back the same. A
//! message that fits its schema is read, judged and answered with its
//! retour without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zothuis_domain::exchange::iwmo::regie::{Regiebericht, retour};
use zothuis_domain::exchange::iwmo::schema::{BASIS_NS, Message, validate};
use zothuis_domain::exchange::iwmo::verzoek::{Situation, Verzoekbericht, judge};
use zothuis_domain::exchange::iwmo::xml::{parse, write};

fuzz_target!(|data: &[u8]| {
    let Ok(node) = parse(data) else {
        return;
    };
    for m in Message::ALL {
        let _ = validate(&node, m);
    }
    if let Some(m) = Message::of(&node)
        && validate(&node, m).is_empty()
    {
        let today = zothuis_domain::Datum::parse("2026-01-12").expect("a date").0;
        if matches!(m, Message::Wmo305 | Message::Wmo307) {
            assert!(Regiebericht::read(&node).is_some(), "a fitting message reads");
        }
        if let Some(v) = Verzoekbericht::read(&node) {
            let j = judge(&v, &Situation::default(), today);
            let answer = retour(&node, &j, "1", today).expect("a retour");
            let answer_type = m.retour().expect("a request has a retour");
            assert_eq!(validate(&answer, answer_type), vec![]);
        }
    }
    let ns = node.ns.clone();
    let text = write(&node, &[(ns.as_str(), "m"), (BASIS_NS, "iwmo")]);
    let again = parse(text.as_bytes()).expect("what was written reads back");
    assert_eq!(
        validate(&again, Message::Wmo305),
        validate(&node, Message::Wmo305)
    );
});
