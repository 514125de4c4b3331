//! The iWmo message reader: any bytes a provider sends are read or refused
//! with a reason, never a panic; what is read validates without a panic
//! against every message type, and writes out and reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zothuis_domain::exchange::iwmo::schema::{BASIS_NS, Message, validate};
use zothuis_domain::exchange::iwmo::xml::{parse, write};

fuzz_target!(|data: &[u8]| {
    let Ok(node) = parse(data) else {
        return;
    };
    for m in Message::ALL {
        let _ = validate(&node, m);
    }
    let ns = node.ns.clone();
    let text = write(&node, &[(ns.as_str(), "m"), (BASIS_NS, "iwmo")]);
    let again = parse(text.as_bytes()).expect("what was written reads back");
    assert_eq!(
        validate(&again, Message::Wmo305),
        validate(&node, Message::Wmo305)
    );
});
