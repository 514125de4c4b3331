//! Zorgcoördinatie / bemoeizorg: outreach to people of the OGGZ target
//! group who do not find care themselves (Velsen, annex 2, "Bemoeizorg /
//! Vangnet en Advies"). Meldingen about a person come in, often several
//! about one person, and fall within one trajectory; a trajectory is open
//! until it is closed with its outcome. The person is often not a client
//! of zothuis: only the minimum to recognise them is kept (AVG art. 5 lid 1
//! c), and only the region's outreach team sees it. Trajectories are
//! versioned, so a figure as known before a correction stays the same.

use crate::error::{DomainError, DomainResult, Validator};
use crate::reference::{GemeenteCode, optional};
use chrono::{DateTime, NaiveDate, Utc};

// Who raised the concern.
code_list!(ReportSource, "kies van wie de melding komt",
    Buren => ("buren", "Buren of omgeving"),
    Familie => ("familie", "Familie of naasten"),
    Politie => ("politie", "Politie"),
    Corporatie => ("corporatie", "Woningcorporatie"),
    Huisarts => ("huisarts", "Huisarts"),
    Ggz => ("ggz", "Ggz-instelling"),
    Wijkteam => ("wijkteam", "Sociaal wijkteam"),
    Gemeente => ("gemeente", "Gemeente"),
    Zelf => ("zelf", "De persoon zelf"),
    Anders => ("anders", "Anders"),
);

// How a trajectory ended: the aim is to lead the person to suitable
// regular care.
code_list!(TrajectoryOutcome, "kies hoe het traject eindigde",
    Toegeleid => ("toegeleid", "Toegeleid naar passende zorg"),
    Opvang => ("opvang", "Naar opvang of beschermd wonen"),
    GeenZorgNodig => ("geen-zorg-nodig", "Geen zorg (meer) nodig"),
    Zorgmijdend => ("zorgmijdend", "Zorg blijft geweigerd; afgesloten"),
    UitBeeld => ("uit-beeld", "Verhuisd of uit beeld"),
    Overleden => ("overleden", "Overleden"),
    Anders => ("anders", "Anders"),
);

/// What a trajectory says, in one version.
#[derive(Debug, Clone, PartialEq)]
pub struct TrajectoryFacts {
    /// Where the person lives or stays: the municipality the trajectory
    /// counts for.
    pub municipality: GemeenteCode,
    /// The minimum to recognise the person (a name or initials, or a
    /// description such as "man, ca. 50, slaapt in het park").
    pub person: String,
    pub started_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<TrajectoryOutcome>,
    pub note: Option<String>,
}

/// A trajectory as known at a moment: its latest version recorded by then.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    pub id: i64,
    /// The person, across trajectories (a person may come back).
    pub person_id: i64,
    pub region_id: i64,
    pub created_at: DateTime<Utc>,
    pub facts: TrajectoryFacts,
    /// The id of the version row: the ETag of the trajectory.
    pub version_id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

/// One melding within a trajectory. Meldingen are facts as they came in:
/// recorded once, never changed; one recorded in error is retracted.
#[derive(Debug, Clone, PartialEq)]
pub struct OutreachReport {
    pub id: i64,
    pub trajectory_id: i64,
    pub reported_on: NaiveDate,
    pub source: ReportSource,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub retracted: Option<Retraction>,
}

/// The retraction of a melding recorded in error: from its moment on the
/// melding no longer counts; as known before, it still does.
#[derive(Debug, Clone, PartialEq)]
pub struct Retraction {
    pub reason: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl OutreachReport {
    /// Whether the melding counts as known at `known_at`: recorded by then
    /// and not retracted by then.
    pub fn counts_at(&self, known_at: DateTime<Utc>) -> bool {
        self.recorded_at <= known_at
            && self
                .retracted
                .as_ref()
                .is_none_or(|r| r.recorded_at > known_at)
    }

    /// The melding as known at `known_at`: a later retraction not yet.
    pub fn as_known(mut self, known_at: DateTime<Utc>) -> Self {
        if self
            .retracted
            .as_ref()
            .is_some_and(|r| r.recorded_at > known_at)
        {
            self.retracted = None;
        }
        self
    }
}

/// The most characters of a retraction's reason.
pub const RETRACTION_REASON_MAX: usize = 500;

/// Why a melding is retracted, as typed: required, so that the register
/// says why a melding no longer counts.
pub fn parse_retraction_reason(reason: &str) -> DomainResult<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DomainError::invalid(
            "reden",
            "vul in waarom de melding wordt ingetrokken",
        ));
    }
    if reason.chars().count() > RETRACTION_REASON_MAX {
        return Err(DomainError::invalid(
            "reden",
            format!("hoogstens {RETRACTION_REASON_MAX} tekens"),
        ));
    }
    Ok(reason.to_string())
}

/// A trajectory or a new version of one, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrajectoryInput {
    pub municipality: String,
    pub person: String,
    pub started_on: String,
    pub closed_on: Option<String>,
    pub outcome: Option<String>,
    pub note: Option<String>,
}

/// The most characters of the person's description: the minimum needed.
pub const PERSON_MAX: usize = 120;

/// A description of a person who need not be a client: required, and no
/// more than the minimum (AVG art. 5 lid 1 c); `missing` says what to fill
/// in. Returns it trimmed.
pub(crate) fn minimum_person<'a>(
    v: &mut Validator,
    field: &str,
    value: &'a str,
    missing: &str,
) -> &'a str {
    let value = value.trim();
    if value.is_empty() {
        v.add(field, missing);
    } else if value.chars().count() > PERSON_MAX {
        v.add(
            field,
            format!("houd het bij het minimum: hoogstens {PERSON_MAX} tekens"),
        );
    }
    value
}

impl TrajectoryInput {
    /// Checks every field and reports all problems at once, in Dutch.
    pub fn parse(&self, today: NaiveDate) -> DomainResult<TrajectoryFacts> {
        let mut v = Validator::new();
        let municipality = v.check("gemeente", GemeenteCode::parse(&self.municipality));
        let person = minimum_person(
            &mut v,
            "persoon",
            &self.person,
            "vul in aan wie de persoon te herkennen is (naam of initialen, of een korte omschrijving)",
        );
        let started_on = v
            .check("startdatum", crate::Datum::parse(&self.started_on))
            .map(|d| d.0);
        let closed_on = optional(&self.closed_on)
            .and_then(|d| v.check("afgeslotenOp", crate::Datum::parse(d)))
            .map(|d| d.0);
        let outcome =
            optional(&self.outcome).and_then(|o| v.check("uitkomst", TrajectoryOutcome::parse(o)));
        if started_on.is_some_and(|d| d > today) {
            v.add("startdatum", "een traject begint niet in de toekomst");
        }
        if let Some(c) = closed_on {
            if started_on.is_some_and(|s| c < s) {
                v.add("afgeslotenOp", "een traject sluit niet vóór het begon");
            }
            if c > today {
                v.add("afgeslotenOp", "afsluiten ligt niet in de toekomst");
            }
        }
        match (
            optional(&self.closed_on).is_some(),
            optional(&self.outcome).is_some(),
        ) {
            (true, false) => v.add("uitkomst", "kies hoe het traject eindigde"),
            (false, true) => v.add("afgeslotenOp", "vul in wanneer het traject is afgesloten"),
            _ => {}
        }
        v.finish()?;
        let (Some(municipality), Some(started_on)) = (municipality, started_on) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        Ok(TrajectoryFacts {
            municipality,
            person: person.to_string(),
            started_on,
            closed_on,
            outcome,
            note: optional(&self.note).map(str::to_string),
        })
    }
}

/// A melding as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportInput {
    pub reported_on: String,
    pub source: String,
}

/// A checked melding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportData {
    pub reported_on: NaiveDate,
    pub source: ReportSource,
}

impl ReportInput {
    pub fn parse(&self, today: NaiveDate) -> DomainResult<ReportData> {
        let mut v = Validator::new();
        let reported_on = v
            .check("meldingsdatum", crate::Datum::parse(&self.reported_on))
            .map(|d| d.0);
        let source = v.check("bron", ReportSource::parse(&self.source));
        if reported_on.is_some_and(|d| d > today) {
            v.add("meldingsdatum", "een melding ligt niet in de toekomst");
        }
        v.finish()?;
        match (reported_on, source) {
            (Some(reported_on), Some(source)) => Ok(ReportData {
                reported_on,
                source,
            }),
            _ => Err(DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

impl ReportData {
    /// A melding falls within a trajectory that was open on its day.
    pub fn fits(&self, t: &TrajectoryFacts) -> Result<(), &'static str> {
        if self.reported_on < t.started_on {
            return Err("deze melding ligt vóór het begin van het traject");
        }
        if t.closed_on.is_some_and(|c| self.reported_on > c) {
            return Err(
                "het traject was toen al afgesloten: een nieuwe melding opent een nieuw traject",
            );
        }
        Ok(())
    }
}

impl crate::history::Recorded for Trajectory {
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

impl crate::history::Versioned for Trajectory {
    fn record_id(&self) -> i64 {
        self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fields(r: DomainResult<impl std::fmt::Debug>) -> Vec<String> {
        match r {
            Err(DomainError::Invalid(e)) => e.into_iter().map(|f| f.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_trajectory_keeps_the_minimum_and_closes_with_its_outcome() {
        let today = d("2026-03-01");
        let too_much = TrajectoryInput {
            municipality: "GM0392".into(),
            person: "x".repeat(PERSON_MAX + 1),
            started_on: "2026-01-05".into(),
            closed_on: Some("2026-01-04".into()),
            ..Default::default()
        };
        assert_eq!(
            fields(too_much.parse(today)),
            ["persoon", "afgeslotenOp", "uitkomst"]
        );
        let ok = TrajectoryInput {
            municipality: "GM0392".into(),
            person: "  man, ca. 50, slaapt in het park ".into(),
            started_on: "2026-01-05".into(),
            closed_on: Some("2026-02-01".into()),
            outcome: Some("toegeleid".into()),
            note: None,
        }
        .parse(today)
        .unwrap();
        assert_eq!(ok.person, "man, ca. 50, slaapt in het park");
        let after = ReportData {
            reported_on: d("2026-02-02"),
            source: ReportSource::Buren,
        };
        assert!(after.fits(&ok).is_err());
        let within = ReportData {
            reported_on: d("2026-01-20"),
            ..after
        };
        assert!(within.fits(&ok).is_ok());
        assert_eq!(
            fields(
                ReportInput {
                    reported_on: "2026-04-01".into(),
                    source: "pers".into()
                }
                .parse(today)
            ),
            ["bron", "meldingsdatum"]
        );
    }
}
