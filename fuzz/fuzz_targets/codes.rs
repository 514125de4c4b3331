//! The small parsers of outside input: BSN (elfproef), gemeentecode, AGB
//! code, dates (ISO and dd-mm-jjjj) and reporting periods. None may panic,
//! and what they accept must read back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zothuis_domain::Datum;
use zothuis_domain::clients::Bsn;
use zothuis_domain::plan::Rapportageperiode;
use zothuis_domain::reference::{AgbCode, GemeenteCode};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Ok(b) = Bsn::parse(&s) {
        assert!(Bsn::parse(b.as_str()).ok() == Some(b.clone()));
    }
    if let Ok(g) = GemeenteCode::parse(&s) {
        assert_eq!(GemeenteCode::parse(g.as_str()).ok().as_ref(), Some(&g));
    }
    let _ = AgbCode::parse(&s);
    if let Ok(d) = Datum::parse(&s) {
        assert_eq!(Datum::parse(&d.to_string()).ok().map(|x| x.0), Some(d.0));
    }
    if let Some(p) = Rapportageperiode::parse(&s) {
        assert_eq!(Rapportageperiode::parse(&p.code()), Some(p));
        assert!(p.begin() <= p.einde());
    }
});
