//! The Excel import reader: any bytes as a workbook give tables or Dutch
//! problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(problems) = zothuis_import::read_file("import.xlsx", data) {
        assert!(!problems.is_empty());
    }
});
