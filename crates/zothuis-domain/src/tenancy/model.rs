//! Huren Onder Voorwaarden (HOV): a tenant at risk of losing their home
//! (or leaving care for one) rents under conditions agreed by the covenant
//! partners: the housing corporation (the home), a provider (the support)
//! and the municipality (process control). Gooi en Vechtstreek 2024,
//! measure 22 (Huisvesting Maatschappelijke Doelgroepen): 75–80 trajectories
//! a year, monitored on their number, what led to them ("aanleiding") and
//! how they ended ("eindresultaat"), evictions in particular. Only the
//! minimum to recognise the tenant is kept (AVG art. 5 lid 1 c); the
//! trajectory is versioned, so a figure as known before a correction
//! stays the same.

use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::{GemeenteCode, optional};
use chrono::{DateTime, NaiveDate, Utc};

// What led to the trajectory (the monitor's "aanleiding voor HOV").
code_list!(TenancyReason, "kies de aanleiding uit de lijst",
    Huurachterstand => ("huurachterstand", "Huurachterstand"),
    Overlast => ("overlast", "Overlast"),
    Vervuiling => ("vervuiling", "Vervuiling of verwaarlozing van de woning"),
    Uitstroom => ("uitstroom", "Uitstroom uit beschermd wonen of opvang"),
    TweedeKans => ("tweede-kans", "Tweede kans na een huisuitzetting"),
    Anders => ("anders", "Anders"),
);

// How the trajectory ended (the monitor's "eindresultaat").
code_list!(TenancyResult, "kies het eindresultaat uit de lijst",
    HuurOpNaam => ("huur-op-naam", "Regulier afgerond: huurcontract op eigen naam"),
    Regulier => ("regulier", "Regulier afgerond: voorwaarden vervallen"),
    Voortijdig => ("voortijdig", "Voortijdig gestopt"),
    Verhuisd => ("verhuisd", "Verhuisd"),
    Huisuitzetting => ("huisuitzetting", "Huisuitzetting"),
    Zorg => ("zorg", "Naar beschermd wonen, opvang of Wlz-zorg"),
    Overleden => ("overleden", "Overleden"),
    Anders => ("anders", "Anders"),
);

impl TenancyResult {
    /// The trajectory reached its aim: the tenant keeps the home without
    /// conditions.
    pub fn is_success(self) -> bool {
        matches!(self, TenancyResult::HuurOpNaam | TenancyResult::Regulier)
    }
}

/// What a trajectory says, in one version.
#[derive(Debug, Clone, PartialEq)]
pub struct TenancyFacts {
    /// Where the home is: the municipality that keeps process control and
    /// that the trajectory counts for.
    pub municipality: GemeenteCode,
    /// The minimum to recognise the tenant (a name or initials).
    pub tenant: String,
    /// The housing corporation of the covenant, one of the region's
    /// (reference data, like a Pact nomination's).
    pub corporation_id: i64,
    /// The provider giving the support, when there is one.
    pub provider_id: Option<i64>,
    pub reason: TenancyReason,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub result: Option<TenancyResult>,
    pub note: Option<String>,
}

/// A trajectory as known at a moment: its latest version recorded by then.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenancy {
    pub id: i64,
    pub region_id: i64,
    pub created_at: DateTime<Utc>,
    pub facts: TenancyFacts,
    /// The corporation's name, as the reference data has it now.
    pub corporation: String,
    /// The id of the version row: the ETag of the trajectory.
    pub version_id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// A trajectory or a new version of one, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenancyInput {
    pub municipality: String,
    pub tenant: String,
    /// The corporation's id, as chosen from the list.
    pub corporation_id: Option<String>,
    /// The supporting provider's id, as chosen from the list.
    pub provider_id: Option<String>,
    pub reason: String,
    pub started_on: String,
    pub ended_on: Option<String>,
    pub result: Option<String>,
    pub note: Option<String>,
}

/// The message for a corporation left empty or not chosen from the list.
const CORPORATION: &str =
    "vul de woningcorporatie van het convenant in: een van de corporaties van de regio";

impl TenancyInput {
    /// Checks every field and reports all problems at once, in Dutch.
    pub fn parse(&self, today: NaiveDate) -> DomainResult<TenancyFacts> {
        let mut v = Validator::new();
        let municipality = v.check("gemeente", GemeenteCode::parse(&self.municipality));
        let tenant = crate::outreach::model::minimum_person(
            &mut v,
            "huurder",
            &self.tenant,
            "vul in aan wie de huurder te herkennen is (naam of initialen)",
        );
        let corporation_id = v.chosen_id("corporatieId", &self.corporation_id, CORPORATION);
        if optional(&self.corporation_id).is_none() {
            v.add("corporatieId", CORPORATION);
        }
        let reason = v.check("aanleiding", TenancyReason::parse(&self.reason));
        let started_on = v
            .check("startdatum", crate::Datum::parse(&self.started_on))
            .map(|d| d.0);
        let ended_on = optional(&self.ended_on)
            .and_then(|d| v.check("einddatum", crate::Datum::parse(d)))
            .map(|d| d.0);
        let result =
            optional(&self.result).and_then(|r| v.check("eindresultaat", TenancyResult::parse(r)));
        if started_on.is_some_and(|d| d > today) {
            v.add("startdatum", "een traject begint niet in de toekomst");
        }
        if let Some(e) = ended_on {
            if started_on.is_some_and(|s| e < s) {
                v.add("einddatum", "een traject eindigt niet vóór het begon");
            }
            if e > today {
                v.add("einddatum", "het einde ligt niet in de toekomst");
            }
        }
        match (
            optional(&self.ended_on).is_some(),
            optional(&self.result).is_some(),
        ) {
            (true, false) => v.add("eindresultaat", "kies hoe het traject eindigde"),
            (false, true) => v.add("einddatum", "vul in wanneer het traject eindigde"),
            _ => {}
        }
        let provider_id = v.chosen_id(
            "aanbiederId",
            &self.provider_id,
            "kies een aanbieder uit de lijst",
        );
        v.finish()?;
        let (Some(municipality), Some(corporation_id), Some(reason), Some(started_on)) =
            (municipality, corporation_id, reason, started_on)
        else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        Ok(TenancyFacts {
            municipality,
            tenant: tenant.to_string(),
            corporation_id,
            provider_id,
            reason,
            started_on,
            ended_on,
            result,
            note: optional(&self.note).map(str::to_string),
        })
    }
}

impl TenancyFacts {
    /// The corporation (of region `corporation_region`, None when it does
    /// not exist) must be one of the covenant partners of the region of
    /// the home's municipality (`region_id`): the covenant is regional
    /// (Gooi en Vechtstreek 2024, measure 22).
    pub fn check_corporation(
        &self,
        region_id: i64,
        corporation_region: Option<i64>,
    ) -> DomainResult<()> {
        match corporation_region {
            Some(r) if r == region_id => Ok(()),
            Some(_) => Err(DomainError::invalid(
                "corporatieId",
                "kies een corporatie uit de regio van de gemeente",
            )),
            None => Err(DomainError::invalid("corporatieId", CORPORATION)),
        }
    }
}

impl crate::history::Recorded for Tenancy {
    fn row_id(&self) -> i64 {
        self.version_id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn supersedes(&self) -> Option<i64> {
        None
    }
}

impl crate::history::Versioned for Tenancy {
    fn record_id(&self) -> i64 {
        self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(r: DomainResult<impl std::fmt::Debug>) -> Vec<String> {
        match r {
            Err(DomainError::Invalid(e)) => e.into_iter().map(|f| f.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_trajectory_names_its_partners_and_ends_with_its_result() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let empty = TenancyInput {
            municipality: "GM0406".into(),
            started_on: "2026-04-01".into(),
            ended_on: Some("2026-02-01".into()),
            ..Default::default()
        };
        assert_eq!(
            fields(empty.parse(today)),
            [
                "huurder",
                "corporatieId",
                "aanleiding",
                "startdatum",
                "einddatum",
                "eindresultaat"
            ]
        );
        let ok = TenancyInput {
            municipality: "GM0406".into(),
            tenant: " J.K. ".into(),
            corporation_id: Some("7".into()),
            provider_id: Some("3".into()),
            reason: "huurachterstand".into(),
            started_on: "2025-01-10".into(),
            ended_on: Some("2026-01-10".into()),
            result: Some("huisuitzetting".into()),
            note: Some(" ".into()),
        }
        .parse(today)
        .unwrap();
        assert_eq!((ok.tenant.as_str(), ok.corporation_id), ("J.K.", 7));
        assert_eq!(ok.result, Some(TenancyResult::Huisuitzetting));
        assert_eq!(ok.note, None);
        assert!(!TenancyResult::Huisuitzetting.is_success());
        assert!(TenancyResult::HuurOpNaam.is_success());
    }
}
