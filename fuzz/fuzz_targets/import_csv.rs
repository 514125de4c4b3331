//! The CSV import reader: any bytes, under each of the five table names,
//! give tables or Dutch problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 5] = [
    "clienten.csv",
    "adressen.csv",
    "beschikkingen.csv",
    "wachtlijst.csv",
    "verblijven.csv",
];

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(*first) % NAMES.len()];
    match zothuis_import::read_file(name, rest) {
        Ok(_) => {}
        Err(problems) => assert!(!problems.is_empty()),
    }
});
