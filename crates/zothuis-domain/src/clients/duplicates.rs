//! Likely duplicates among client records: the same person registered
//! twice (without a BSN, or with a name spelled differently) splits their
//! history over two records, and the personal data are then no longer
//! accurate (AVG art. 5 lid 1 d). zothuis only points them out, with the
//! reasons; a person decides, and merges.
//!
//! Two records with different BSNs are never proposed: a BSN passed the
//! elfproef and identifies one person (Wet algemene bepalingen
//! burgerservicenummer art. 2). Names are compared with Jaro-Winkler
//! similarity (the `strsim` crate), which weighs a shared beginning and
//! suits short strings such as names; the threshold is configuration.

use super::Bsn;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// The default threshold: names at least this alike (with the same date of
/// birth) are proposed. A choice of this product, not a rule: spelling
/// variants of one name ("Mohammed"/"Mohamed") score above it, different
/// names with one letter in common far below. `[privacy] dubbel_drempel`.
pub const DEFAULT_THRESHOLD: f64 = 0.9;

// Why two records may be one person: the same date of birth, the same
// name or names alike, day and month of the date of birth swapped (3 April
// and 4 March), dates of birth one digit apart, and one of the two (or
// both) without a BSN.
code_list!(Reason, "kies een reden uit de lijst",
    SameBirthDate => ("zelfde-geboortedatum", "zelfde geboortedatum"),
    SameName => ("zelfde-naam", "zelfde naam"),
    SimilarName => ("naam-lijkt", "naam lijkt sterk"),
    DayMonthSwapped => ("dag-en-maand-verwisseld", "geboortedatum met dag en maand verwisseld"),
    OneDigitOff => ("geboortedatum-een-cijfer-anders", "geboortedatum wijkt één cijfer af"),
    WithoutBsn => ("zonder-bsn", "niet allebei met BSN"),
);

/// Two records that may be one person: `score` is how alike the names are
/// (1 is the same name), `reasons` what else they share.
#[derive(Debug, Clone, PartialEq)]
pub struct LikelyDuplicate {
    pub first: i64,
    pub second: i64,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// The name as compared: letters and digits only, without accents, in
/// lower case, with single spaces ("Ré  de Jong-Smit" → "re de jong smit").
pub fn normalized(name: &str) -> String {
    // Most names are plain ASCII: no accents to take off (a region's list
    // normalises tens of thousands of names).
    if name.is_ascii() {
        let mut out = String::with_capacity(name.len());
        for word in name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        }
        return out;
    }
    let folded: String = name
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the comparison reads of a record: a light read of every record in
/// the actor's scope (`ClientStore::client_names`), not the whole record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRecord {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    pub bsn: Option<Bsn>,
}

struct Prepared<'a> {
    client: &'a NameRecord,
    name: String,
    /// Family name first: the two fields swapped at registration.
    swapped: String,
}

/// How alike two names are, in either order of given and family name.
fn name_score(a: &Prepared<'_>, b: &Prepared<'_>) -> f64 {
    strsim::jaro_winkler(&a.name, &b.name).max(strsim::jaro_winkler(&a.swapped, &b.name))
}

/// The dates one typing slip away from `d`: day and month swapped, and
/// every valid date that differs from it in one digit of `jjjjmmdd`.
fn slips(d: NaiveDate) -> Vec<(NaiveDate, Reason)> {
    let mut out = Vec::new();
    let swapped = NaiveDate::from_ymd_opt(d.year(), d.day(), d.month()).filter(|s| *s != d);
    if let Some(s) = swapped {
        out.push((s, Reason::DayMonthSwapped));
    }
    // The digits of `jjjjmmdd`, changed one at a time, as numbers (no text
    // is formatted or parsed: a region's list asks this for thousands).
    let (Ok(year), month, day) = (u32::try_from(d.year()), d.month(), d.day()) else {
        return out;
    };
    let places: [(usize, u32); 8] = [
        (0, 1000),
        (0, 100),
        (0, 10),
        (0, 1),
        (1, 10),
        (1, 1),
        (2, 10),
        (2, 1),
    ];
    for (part, unit) in places {
        let value = [year, month, day][part];
        let current = value / unit % 10;
        for digit in 0..10 {
            if digit == current {
                continue;
            }
            let mut parts = [year, month, day];
            parts[part] = value - current * unit + digit * unit;
            let candidate = i32::try_from(parts[0])
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, parts[1], parts[2]));
            if let Some(v) = candidate
                && Some(v) != swapped
            {
                out.push((v, Reason::OneDigitOff));
            }
        }
    }
    out
}

/// The pairs among `clients` that may be one person, most alike first:
/// the same date of birth and names at least `threshold` alike, or the
/// same name and dates of birth one slip apart. Records are compared
/// within those two groups only, so the work grows with the group sizes,
/// not with the square of all records.
pub fn find(clients: &[NameRecord], threshold: f64) -> Vec<LikelyDuplicate> {
    let prepared: Vec<Prepared<'_>> = clients
        .iter()
        .map(|c| {
            let (given, family) = (normalized(&c.given_name), normalized(&c.family_name));
            let join = |a: &str, b: &str| match (a.is_empty(), b.is_empty()) {
                (true, _) => b.to_string(),
                (_, true) => a.to_string(),
                _ => format!("{a} {b}"),
            };
            Prepared {
                client: c,
                name: join(&given, &family),
                swapped: join(&family, &given),
            }
        })
        .collect();
    let mut by_birth: HashMap<NaiveDate, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in prepared.iter().enumerate() {
        by_birth.entry(p.client.date_of_birth).or_default().push(i);
        by_name.entry(p.name.as_str()).or_default().push(i);
    }
    let mut out = Vec::new();
    let mut pair = |a: &Prepared<'_>, b: &Prepared<'_>, score: f64, mut reasons: Vec<Reason>| {
        let (first, second) = (a.client.id.min(b.client.id), a.client.id.max(b.client.id));
        if a.client.bsn.is_none() || b.client.bsn.is_none() {
            reasons.push(Reason::WithoutBsn);
        }
        out.push(LikelyDuplicate {
            first,
            second,
            score,
            reasons,
        });
    };
    let distinct_bsns = |a: &Prepared<'_>, b: &Prepared<'_>| matches!((&a.client.bsn, &b.client.bsn), (Some(x), Some(y)) if x != y);
    for group in by_birth.values() {
        for (n, &i) in group.iter().enumerate() {
            for &j in &group[n + 1..] {
                let (a, b) = (&prepared[i], &prepared[j]);
                if distinct_bsns(a, b) {
                    continue;
                }
                let score = name_score(a, b);
                if score >= threshold {
                    let name = if a.name == b.name {
                        Reason::SameName
                    } else {
                        Reason::SimilarName
                    };
                    pair(a, b, score, vec![Reason::SameBirthDate, name]);
                }
            }
        }
    }
    // Within a name, the dates one slip apart are looked up rather than
    // every pair compared: a common name costs its size, not its square.
    for group in by_name.values() {
        if group.len() < 2 {
            continue;
        }
        let mut by_date: HashMap<NaiveDate, Vec<usize>> = HashMap::new();
        for &i in group {
            by_date
                .entry(prepared[i].client.date_of_birth)
                .or_default()
                .push(i);
        }
        for &i in group {
            for (date, slip) in slips(prepared[i].client.date_of_birth) {
                for &j in by_date.get(&date).map_or(&[][..], Vec::as_slice) {
                    // Each pair once: the relation is symmetric.
                    let (a, b) = (&prepared[i], &prepared[j]);
                    if i < j && !distinct_bsns(a, b) {
                        pair(a, b, 1.0, vec![Reason::SameName, slip]);
                    }
                }
            }
        }
    }
    out.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then(x.first.cmp(&y.first))
            .then(x.second.cmp(&y.second))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: i64, given: &str, family: &str, born: &str, bsn: Option<&str>) -> NameRecord {
        NameRecord {
            id,
            given_name: given.into(),
            family_name: family.into(),
            date_of_birth: born.parse().unwrap(),
            bsn: bsn.map(|b| Bsn::parse(b).unwrap()),
        }
    }

    #[test]
    fn the_dates_one_slip_away_are_every_valid_one() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let found = slips(d("1990-03-04"));
        assert!(found.contains(&(d("1990-04-03"), Reason::DayMonthSwapped)));
        assert!(found.contains(&(d("1991-03-04"), Reason::OneDigitOff)));
        assert!(found.contains(&(d("1990-03-24"), Reason::OneDigitOff)));
        assert!(!found.iter().any(|(v, _)| *v == d("1990-03-04")));
        // 1990-03-34 is no date; the swap is not counted twice.
        assert_eq!(
            found.iter().filter(|(v, _)| *v == d("1990-04-03")).count(),
            1
        );
        assert!(found.len() < 73);
        // Every valid date one digit of jjjjmmdd away, as text would give.
        for day in ["1990-03-04", "2000-02-29", "1985-12-31", "1970-01-10"] {
            let date = d(day);
            let text = date.format("%Y%m%d").to_string().into_bytes();
            let mut expected: Vec<NaiveDate> = Vec::new();
            for at in 0..8 {
                for digit in b'0'..=b'9' {
                    let mut other = text.clone();
                    other[at] = digit;
                    let other = String::from_utf8(other).unwrap();
                    if let Ok(v) = NaiveDate::parse_from_str(&other, "%Y%m%d")
                        && v != date
                    {
                        expected.push(v);
                    }
                }
            }
            let found = slips(date);
            let swapped = found
                .iter()
                .find(|(_, r)| *r == Reason::DayMonthSwapped)
                .map(|(v, _)| *v);
            expected.retain(|v| Some(*v) != swapped);
            let mut got: Vec<NaiveDate> = found
                .into_iter()
                .filter(|(_, r)| *r == Reason::OneDigitOff)
                .map(|(v, _)| v)
                .collect();
            expected.sort();
            expected.dedup();
            got.sort();
            got.dedup();
            assert_eq!(got, expected, "{day}");
        }
        // Day and month the same: no swap.
        assert!(
            !slips(d("1990-05-05"))
                .iter()
                .any(|(_, r)| *r == Reason::DayMonthSwapped)
        );
    }

    /// Many records of one name (or one placeholder) cost their number, not
    /// its square, and numbered names stay apart.
    #[test]
    fn a_common_name_is_looked_up_not_compared_pairwise() {
        let many: Vec<NameRecord> = (0..20_000)
            .map(|i| {
                let born = NaiveDate::from_num_days_from_ce_opt(715_000 + i % 9_000).unwrap();
                client(
                    i64::from(i),
                    "Persoon",
                    &i.to_string(),
                    &born.to_string(),
                    None,
                )
            })
            .collect();
        // Numbered names are not one name: only records born on one day
        // are compared (and "persoon 5" and "persoon 9005" look alike).
        assert!(
            find(&many, 0.9)
                .iter()
                .all(|d| d.reasons[0] == Reason::SameBirthDate && (d.second - d.first) % 9_000 == 0)
        );
        let same: Vec<NameRecord> = (0..20_000)
            .map(|i| {
                let born = NaiveDate::from_num_days_from_ce_opt(715_000 + i * 40).unwrap();
                client(i64::from(i), "Jan", "de Vries", &born.to_string(), None)
            })
            .collect();
        let found = find(&same, 0.9);
        assert!(found.iter().all(|d| d.reasons[0] == Reason::SameName));
    }

    #[test]
    fn names_are_compared_without_accents_case_or_punctuation() {
        assert_eq!(normalized(" Ré  de Jong-Smit "), "re de jong smit");
        // The plain-ASCII path gives what the general one gives.
        assert_eq!(normalized("  Jan--de  Vries 2e"), "jan de vries 2e");
        assert_eq!(normalized("Jan--de  Vries é"), "jan de vries e");
        assert_eq!(normalized("--"), "");
        assert_eq!(normalized("ÇELİK"), normalized("celik"));
    }

    #[test]
    fn the_same_person_typed_twice_is_found_with_the_reasons() {
        let clients = [
            client(1, "Mohammed", "El Amrani", "1980-04-03", None),
            client(2, "Mohamed", "El-Amrani", "1980-04-03", Some("999957053")),
            // Given and family name swapped.
            client(3, "Jansen", "Piet", "1975-01-01", None),
            client(4, "Piet", "Jansen", "1975-01-01", None),
            // Same name, day and month swapped; and one digit off.
            client(5, "Anna", "de Boer", "1990-03-04", None),
            client(6, "Anna", "de Boer", "1990-04-03", None),
            client(7, "Anna", "de Boer", "1991-03-04", None),
            // Same date of birth, another person.
            client(8, "Kees", "Visser", "1980-04-03", None),
            // Two BSNs: two people, however alike.
            client(9, "Sara", "Bakker", "1985-06-07", Some("999957065")),
            client(10, "Sarah", "Bakker", "1985-06-07", Some("999957077")),
        ];
        let found = find(&clients, 0.9);
        let pairs: Vec<(i64, i64)> = found.iter().map(|d| (d.first, d.second)).collect();
        assert_eq!(pairs.len(), 4, "{found:#?}");
        for p in [(1, 2), (3, 4), (5, 6), (5, 7)] {
            assert!(pairs.contains(&p), "{p:?}: {found:#?}");
        }
        let get = |p: (i64, i64)| found.iter().find(|d| (d.first, d.second) == p).unwrap();
        let mohammed = get((1, 2));
        assert!(mohammed.score > 0.9 && mohammed.score < 1.0);
        assert_eq!(
            mohammed.reasons,
            [
                Reason::SameBirthDate,
                Reason::SimilarName,
                Reason::WithoutBsn
            ]
        );
        assert_eq!(get((3, 4)).score, 1.0, "swapped fields are the same name");
        assert_eq!(
            get((5, 6)).reasons,
            [
                Reason::SameName,
                Reason::DayMonthSwapped,
                Reason::WithoutBsn
            ]
        );
        assert_eq!(
            get((5, 7)).reasons,
            [Reason::SameName, Reason::OneDigitOff, Reason::WithoutBsn]
        );
        // Most alike first.
        assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
        // A stricter threshold leaves the spelling variant out.
        assert!(
            !find(&clients, 0.99)
                .iter()
                .any(|d| (d.first, d.second) == (1, 2))
        );
    }
}
