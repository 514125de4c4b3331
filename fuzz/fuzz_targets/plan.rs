//! The policy plan file: any text is a plan or a list of Dutch problems;
//! a plan that is accepted writes back to a file that reads the same, and
//! its progress texts parse into blocks without losing text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zothuis_domain::plan::PlanDocument;
use zothuis_domain::plan::text::{blocks, plain};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = plain(&blocks(&s));
    match PlanDocument::parse(&s) {
        Ok(doc) => {
            let again = PlanDocument::parse(&doc.to_json());
            assert_eq!(again.ok().as_ref(), Some(&doc));
        }
        Err(problems) => assert!(!problems.is_empty()),
    }
});
