//! Screening outcomes and stays. A stay is versioned: a correction (of a
//! start date, say) adds a version, so a figure as known before the
//! correction stays the same.

use crate::error::{DomainError, DomainResult, Validator};
use crate::history::Recorded;
use crate::reference::{CareLevel, Financing, GemeenteCode, optional};
use chrono::{DateTime, NaiveDate, Utc};

// Exit destinations as DESIGN.md lists them (in line with the destinations
// the GGZ/BW monitors use: independent, via Pact/urgency, other provision …).
code_list!(ExitDestination, "kies waar de cliënt naartoe ging",
    Zelfstandig => ("zelfstandig", "Zelfstandig wonen"),
    ZelfstandigPact => ("zelfstandig-pact", "Zelfstandig via Pact of urgentie"),
    BeschermdThuis => ("beschermd-thuis", "Beschermd Thuis"),
    AndereVoorziening => ("andere-voorziening", "Andere voorziening"),
    Wlz => ("wlz", "Wlz-zorg"),
    Kliniek => ("kliniek", "Kliniek"),
    Detentie => ("detentie", "Detentie"),
    FamilieVrienden => ("familie-vrienden", "Familie of vrienden"),
    Onbekend => ("onbekend", "Onbekend"),
    Overleden => ("overleden", "Overleden"),
    BuitenRegio => ("buiten-regio", "Buiten de regio"),
);

code_list!(DeclineReason, "kies een reden van afwijzing",
    ZorgzwaarteTeHoog => ("zorgzwaarte-te-hoog", "Zorgvraag te zwaar voor deze plek"),
    ZorgzwaarteTeLaag => ("zorgzwaarte-te-laag", "Zorgvraag te licht voor deze plek"),
    GeenPassendAanbod => ("geen-passend-aanbod", "Geen passend aanbod"),
    Veiligheid => ("veiligheid", "Veiligheid of risico"),
    Groepssamenstelling => ("groepssamenstelling", "Past niet in de groep"),
    NietGemotiveerd => ("niet-gemotiveerd", "Niet gemotiveerd"),
    Locatie => ("locatie", "Locatie niet gewenst"),
    Anders => ("anders", "Anders"),
);

code_list!(DeclinedBy, "kies wie afwees",
    Client => ("client", "De cliënt"),
    Aanbieder => ("aanbieder", "De aanbieder"),
);

/// The outcome of a screening by a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreeningResult {
    Accepted,
    Declined {
        by: DeclinedBy,
        reason: DeclineReason,
    },
}

/// A screening: an in-screening transition on the waiting list, with its
/// outcome once the provider records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Screening {
    /// The id of the in-screening transition.
    pub id: i64,
    pub entry_id: i64,
    pub client_id: i64,
    pub provider_id: i64,
    pub started_on: NaiveDate,
    pub outcome: Option<ScreeningOutcome>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningOutcome {
    pub result: ScreeningResult,
    pub decided_on: NaiveDate,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Default)]
pub struct ScreeningInput {
    /// geaccepteerd or afgewezen
    pub outcome: String,
    pub declined_by: Option<String>,
    pub reason: Option<String>,
    pub decided_on: String,
    pub note: Option<String>,
}

impl ScreeningInput {
    pub fn parse(&self) -> DomainResult<(ScreeningResult, NaiveDate, Option<String>)> {
        let mut v = Validator::new();
        let decided = v.check("datum", crate::Datum::parse(&self.decided_on));
        let result = match self.outcome.trim() {
            "geaccepteerd" => Some(ScreeningResult::Accepted),
            "afgewezen" => {
                let by = v.check(
                    "afgewezenDoor",
                    DeclinedBy::parse(optional(&self.declined_by).unwrap_or("")),
                );
                let reason = v.check(
                    "reden",
                    DeclineReason::parse(optional(&self.reason).unwrap_or("")),
                );
                match (by, reason) {
                    (Some(by), Some(reason)) => Some(ScreeningResult::Declined { by, reason }),
                    _ => None,
                }
            }
            _ => {
                v.add("uitkomst", "kies geaccepteerd of afgewezen");
                None
            }
        };
        v.finish()?;
        match (result, decided) {
            (Some(r), Some(d)) => Ok((r, d.0, optional(&self.note).map(str::to_string))),
            _ => Err(DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

/// A stay as known at a moment: its latest version recorded by then.
#[derive(Debug, Clone, PartialEq)]
pub struct Stay {
    pub id: i64,
    pub client_id: i64,
    /// The waiting-list entry it ended, if the stay came from the list.
    pub entry_id: Option<i64>,
    /// The stay this one continues after a transfer.
    pub transferred_from: Option<i64>,
    pub responsible: GemeenteCode,
    pub product_id: i64,
    pub provider_id: i64,
    /// None for care at home (Beschermd Thuis).
    pub location_id: Option<i64>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub exit: Option<ExitDestination>,
    pub financing: Financing,
    pub care_level: Option<CareLevel>,
    /// The id of the version row: the ETag of the stay.
    pub version_id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl Stay {
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.start_date <= day && self.end_date.is_none_or(|e| day < e)
    }

    /// Days in care up to `day` (the end date is the day of leaving).
    pub fn days_until(&self, day: NaiveDate) -> i64 {
        let end = self.end_date.map_or(day, |e| e.min(day));
        (end - self.start_date).num_days().max(0)
    }
}

/// One stored version of a stay.
#[derive(Debug, Clone, PartialEq)]
pub struct StayVersion {
    pub id: i64,
    pub stay_id: i64,
    pub product_id: i64,
    pub provider_id: i64,
    pub location_id: Option<i64>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub exit: Option<ExitDestination>,
    pub financing: Financing,
    pub care_level: Option<CareLevel>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl Recorded for StayVersion {
    fn row_id(&self) -> i64 {
        self.id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn supersedes(&self) -> Option<i64> {
        None
    }
}

/// The header of a stay: what never changes.
#[derive(Debug, Clone, PartialEq)]
pub struct StayHeader {
    pub id: i64,
    pub client_id: i64,
    pub entry_id: Option<i64>,
    /// The decision of a stay started without the waiting list.
    pub decision_id: Option<i64>,
    pub transferred_from: Option<i64>,
    pub responsible: GemeenteCode,
    pub created_at: DateTime<Utc>,
}

/// Combines a header with its version as known at `known_at`.
pub fn stay_at(
    header: &StayHeader,
    versions: &[StayVersion],
    known_at: DateTime<Utc>,
) -> Option<Stay> {
    stay_of(
        header,
        versions.iter().filter(|v| v.stay_id == header.id),
        known_at,
    )
}

/// Every stay of `headers` as known at `known_at` (those with a version by
/// then), from all their versions: grouped once, because matching every
/// header against every version costs headers × versions, seconds for a
/// region.
pub fn stays_at(
    headers: &[StayHeader],
    versions: &[StayVersion],
    known_at: DateTime<Utc>,
) -> Vec<Stay> {
    let mut by_stay: std::collections::HashMap<i64, Vec<&StayVersion>> =
        std::collections::HashMap::new();
    for v in versions {
        by_stay.entry(v.stay_id).or_default().push(v);
    }
    headers
        .iter()
        .filter_map(|h| {
            let own = by_stay.get(&h.id).into_iter().flatten().copied();
            stay_of(h, own, known_at)
        })
        .collect()
}

/// The stay as its latest version recorded by `known_at` has it.
fn stay_of<'a>(
    header: &StayHeader,
    own: impl Iterator<Item = &'a StayVersion>,
    known_at: DateTime<Utc>,
) -> Option<Stay> {
    let v = own
        .filter(|v| v.recorded_at <= known_at)
        .max_by_key(|v| (v.recorded_at, v.id))?;
    Some(Stay {
        id: header.id,
        client_id: header.client_id,
        entry_id: header.entry_id,
        transferred_from: header.transferred_from,
        responsible: header.responsible.clone(),
        product_id: v.product_id,
        provider_id: v.provider_id,
        location_id: v.location_id,
        start_date: v.start_date,
        end_date: v.end_date,
        exit: v.exit,
        financing: v.financing,
        care_level: v.care_level,
        version_id: v.id,
        recorded_at: v.recorded_at,
        recorded_by: v.recorded_by.clone(),
    })
}

/// Where a stay of `product` with `provider` may be: at home products have
/// no location; otherwise a location of that provider offering the product.
/// The message is for the location field.
pub fn check_stay_location(
    product: &crate::reference::Product,
    provider_id: i64,
    location: Option<&crate::reference::Location>,
) -> Result<(), &'static str> {
    match (product.kind.uses_location_capacity(), location) {
        (false, None) => Ok(()),
        (false, Some(_)) => Err("dit product wordt thuis geleverd; kies geen locatie"),
        (true, None) => Err("kies de locatie van het verblijf"),
        (true, Some(l)) if l.provider_id != provider_id => {
            Err("deze locatie hoort niet bij de aanbieder")
        }
        (true, Some(l)) if !l.product_ids.contains(&product.id) => {
            Err("deze locatie biedt dit product niet")
        }
        (true, Some(_)) => Ok(()),
    }
}

/// The facts of a new version of a stay.
#[derive(Debug, Clone)]
pub struct StayFacts {
    pub product_id: i64,
    pub provider_id: i64,
    pub location_id: Option<i64>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub exit: Option<ExitDestination>,
    pub financing: Financing,
    pub care_level: Option<CareLevel>,
}

impl StayFacts {
    /// The facts of a stay as it is now, to build a new version from.
    pub fn of(stay: &Stay) -> StayFacts {
        StayFacts {
            product_id: stay.product_id,
            provider_id: stay.provider_id,
            location_id: stay.location_id,
            start_date: stay.start_date,
            end_date: stay.end_date,
            exit: stay.exit,
            financing: stay.financing,
            care_level: stay.care_level,
        }
    }
}

/// How a stay is paid for and its care intensity level, as typed. An empty
/// field keeps what the stay had (a new stay: zorg in natura without a
/// level); `geen` as the level removes it.
#[derive(Debug, Clone, Default)]
pub struct FundingInput {
    pub financing: Option<String>,
    pub care_level: Option<String>,
}

impl FundingInput {
    /// Checks both fields into `v` (`financieringsvorm`, `zorgzwaarte`);
    /// an empty field keeps `current`.
    pub fn check(
        &self,
        v: &mut Validator,
        current: (Financing, Option<CareLevel>),
    ) -> (Financing, Option<CareLevel>) {
        let financing = match optional(&self.financing) {
            Some(f) => v
                .check("financieringsvorm", Financing::parse(f))
                .unwrap_or(current.0),
            None => current.0,
        };
        let level = match optional(&self.care_level) {
            Some(l) if l.trim().eq_ignore_ascii_case("geen") => None,
            Some(l) => v.check("zorgzwaarte", CareLevel::parse(l)).or(current.1),
            None => current.1,
        };
        (financing, level)
    }
}

#[derive(Debug, Clone, Default)]
pub struct PlacementInput {
    pub location_id: Option<i64>,
    pub start_date: String,
    pub funding: FundingInput,
}

#[derive(Debug, Clone, Default)]
pub struct ExitInput {
    pub end_date: String,
    pub destination: String,
}

impl ExitInput {
    pub fn parse(&self, start: NaiveDate) -> DomainResult<(NaiveDate, ExitDestination)> {
        let mut v = Validator::new();
        let end = v.check("einddatum", crate::Datum::parse(&self.end_date));
        let destination = v.check(
            "uitstroombestemming",
            ExitDestination::parse(&self.destination),
        );
        if let Some(e) = end
            && e.0 < start
        {
            v.add(
                "einddatum",
                format!("de einddatum ligt vóór het begin van het verblijf ({start})"),
            );
        }
        v.finish()?;
        match (end, destination) {
            (Some(e), Some(d)) => Ok((e.0, d)),
            _ => Err(DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CorrectionInput {
    pub start_date: String,
    pub end_date: Option<String>,
    pub location_id: Option<i64>,
    pub funding: FundingInput,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_declined_screening_says_by_whom_and_why() {
        let input = ScreeningInput {
            outcome: "afgewezen".into(),
            decided_on: "2026-02-01".into(),
            ..Default::default()
        };
        match input.parse() {
            Err(DomainError::Invalid(e)) => {
                let fields: Vec<_> = e.iter().map(|f| f.field.as_str()).collect();
                assert_eq!(fields, ["afgewezenDoor", "reden"]);
            }
            other => panic!("{other:?}"),
        }
        let ok = ScreeningInput {
            declined_by: Some("client".into()),
            reason: Some("locatie".into()),
            ..input
        };
        assert_eq!(
            ok.parse().unwrap().0,
            ScreeningResult::Declined {
                by: DeclinedBy::Client,
                reason: DeclineReason::Locatie
            }
        );
    }

    #[test]
    fn an_exit_cannot_precede_the_start() {
        let input = ExitInput {
            end_date: "2025-12-31".into(),
            destination: "zelfstandig".into(),
        };
        assert!(input.parse(d("2026-01-01")).is_err());
        assert_eq!(
            input.parse(d("2025-06-01")).unwrap().1,
            ExitDestination::Zelfstandig
        );
    }

    #[test]
    fn a_stay_as_known_before_a_correction_keeps_its_old_start() {
        let header = StayHeader {
            id: 1,
            client_id: 1,
            entry_id: None,
            decision_id: None,
            transferred_from: None,
            responsible: GemeenteCode::parse("GM0402").unwrap(),
            created_at: Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
        };
        let v = |id, start: &str, day| StayVersion {
            id,
            stay_id: 1,
            product_id: 1,
            provider_id: 1,
            location_id: None,
            start_date: d(start),
            end_date: None,
            exit: None,
            financing: Financing::Zin,
            care_level: None,
            recorded_at: Utc.with_ymd_and_hms(2026, 3, day, 0, 0, 0).unwrap(),
            recorded_by: "t".into(),
        };
        let versions = vec![v(1, "2026-03-01", 1), v(2, "2026-02-15", 10)];
        let then = stay_at(
            &header,
            &versions,
            Utc.with_ymd_and_hms(2026, 3, 5, 0, 0, 0).unwrap(),
        )
        .unwrap();
        let now = stay_at(
            &header,
            &versions,
            Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap(),
        )
        .unwrap();
        assert!(!then.is_active_on(d("2026-02-20")));
        assert!(now.is_active_on(d("2026-02-20")));
        assert_eq!(now.days_until(d("2026-03-17")), 30);
        // Many stays at once give each the same version as one at a time;
        // a header without a version by then is left out.
        let second = StayHeader {
            id: 2,
            ..header.clone()
        };
        let mut all = versions.clone();
        all.push(StayVersion {
            id: 3,
            stay_id: 2,
            ..v(3, "2026-03-12", 12)
        });
        for day in [5, 11, 20] {
            let at = Utc.with_ymd_and_hms(2026, 3, day, 0, 0, 0).unwrap();
            let one_by_one: Vec<Stay> = [&header, &second]
                .into_iter()
                .filter_map(|h| stay_at(h, &all, at))
                .collect();
            assert_eq!(
                stays_at(&[header.clone(), second.clone()], &all, at),
                one_by_one
            );
        }
        let at = Utc.with_ymd_and_hms(2026, 3, 11, 0, 0, 0).unwrap();
        assert_eq!(stays_at(&[header.clone(), second], &all, at).len(), 1);
    }
}
