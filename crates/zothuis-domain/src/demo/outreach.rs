//! Demo zorgcoördinatie: each region's outreach team since `start`, with
//! trajectories of the seed's shape (Velsen annex 2: hundreds of new
//! trajectories a year, a few more meldingen than trajectories because
//! several concern one person, most closed within the year, some people
//! coming back). Invented people, described only as the team would.

use super::{Dice, REGIONS, acting};
use crate::DomainResult;
use crate::Services;
use crate::outreach::{ReportInput, TrajectoryInput};

const SOURCES: [&str; 9] = [
    "buren",
    "buren",
    "familie",
    "politie",
    "corporatie",
    "huisarts",
    "ggz",
    "wijkteam",
    "gemeente",
];

const OUTCOMES: [&str; 7] = [
    "toegeleid",
    "toegeleid",
    "toegeleid",
    "opvang",
    "geen-zorg-nodig",
    "zorgmijdend",
    "uit-beeld",
];

const WHO: [&str; 8] = [
    "man, ca. 50",
    "vrouw, ca. 40",
    "man, ca. 30",
    "vrouw, ca. 70",
    "man, ca. 60",
    "jonge vrouw",
    "oudere man",
    "man, ca. 45",
];

const WHERE: [&str; 6] = [
    "vervuilde woning",
    "slaapt buiten",
    "overlast in portiek",
    "huurachterstand, deur blijft dicht",
    "verward op straat",
    "zorgmijdend, familie ongerust",
];

/// Loads the trajectories as each region's team.
pub(super) async fn load(
    services: &Services,
    start: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> DomainResult<()> {
    use crate::admin::{Role, Scope};
    use chrono::Duration;
    let mut dice = Dice(0x0995_2022_b3e0_2023);
    let span = (today - start).num_days().max(30) as u64;
    for spec in &REGIONS {
        let Some(region) = services.store.find_region_by_code(spec.code).await? else {
            continue;
        };
        let team = acting(Role::Zorgcoordinator, Scope::Regio(region.id));
        // People whose trajectory closed: some come back.
        let mut closed: Vec<(i64, String, String, chrono::NaiveDate)> = Vec::new();
        let per_year = if spec.code == "GV" { 40 } else { 60 };
        let mut days: Vec<chrono::NaiveDate> = (0..per_year * span / 365)
            .map(|_| start + Duration::days(dice.below(span) as i64))
            .collect();
        days.sort();
        for started in days {
            let back = closed
                .iter()
                .position(|(_, _, _, until)| *until < started)
                .filter(|_| dice.chance(10));
            let (person_id, person, municipality) = match back {
                Some(i) => {
                    let (id, person, municipality, _) = closed.remove(i);
                    (Some(id), person, municipality)
                }
                None => (
                    None,
                    format!("{}, {}", dice.pick(&WHO), dice.pick(&WHERE)),
                    if dice.chance(35) {
                        spec.centrum.to_string()
                    } else {
                        dice.pick(spec.municipalities).0.to_string()
                    },
                ),
            };
            let input = TrajectoryInput {
                municipality: municipality.clone(),
                person: person.clone(),
                started_on: started.to_string(),
                ..Default::default()
            };
            let (opened, _) = services
                .open_trajectory(
                    &team,
                    person_id,
                    &input,
                    &ReportInput {
                        reported_on: started.to_string(),
                        source: (*dice.pick(&SOURCES)).into(),
                    },
                )
                .await?;
            let length = Duration::days(20 + dice.below(380) as i64);
            let end = started + length;
            // More meldingen about the same person while it runs.
            let extra = match dice.below(100) {
                0..=79 => 0,
                80..=94 => 1,
                _ => 2,
            };
            for _ in 0..extra {
                let day = started + Duration::days(1 + dice.below(length.num_days() as u64) as i64);
                if day <= today {
                    services
                        .add_melding(
                            &team,
                            opened.id,
                            &ReportInput {
                                reported_on: day.to_string(),
                                source: (*dice.pick(&SOURCES)).into(),
                            },
                        )
                        .await?;
                }
            }
            if end < today {
                services
                    .change_trajectory(
                        &team,
                        opened.id,
                        opened.version_id,
                        &TrajectoryInput {
                            closed_on: Some(end.to_string()),
                            outcome: Some((*dice.pick(&OUTCOMES)).into()),
                            ..input
                        },
                    )
                    .await?;
                closed.push((opened.person_id, person, municipality, end));
            }
        }
    }
    Ok(())
}
