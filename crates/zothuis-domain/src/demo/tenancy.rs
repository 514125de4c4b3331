//! Demo Huren Onder Voorwaarden: each region's trajectories since `start`,
//! of the seed's shape (Gooi en Vechtstreek 2024, measure 22: 75–80 new
//! trajectories a year in the region, mostly after rent arrears, most
//! ending with the lease in the tenant's own name, a few evictions).
//! Recorded by the Wmo consultant of the municipality where the home is;
//! tenants are initials, corporations the region's (`REGIONS`).

use super::{Dice, REGIONS, acting};
use crate::DomainResult;
use crate::Services;
use crate::tenancy::TenancyInput;

const REASONS: [&str; 20] = [
    "huurachterstand",
    "huurachterstand",
    "huurachterstand",
    "huurachterstand",
    "huurachterstand",
    "huurachterstand",
    "huurachterstand",
    "huurachterstand",
    "overlast",
    "overlast",
    "overlast",
    "overlast",
    "overlast",
    "vervuiling",
    "vervuiling",
    "uitstroom",
    "uitstroom",
    "uitstroom",
    "tweede-kans",
    "anders",
];

const RESULTS: [&str; 20] = [
    "huur-op-naam",
    "huur-op-naam",
    "huur-op-naam",
    "huur-op-naam",
    "huur-op-naam",
    "huur-op-naam",
    "huur-op-naam",
    "huur-op-naam",
    "huur-op-naam",
    "regulier",
    "regulier",
    "regulier",
    "regulier",
    "voortijdig",
    "voortijdig",
    "verhuisd",
    "verhuisd",
    "huisuitzetting",
    "zorg",
    "anders",
];

/// Loads the trajectories as each municipality's consultant.
pub(super) async fn load(
    services: &Services,
    start: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> DomainResult<()> {
    use crate::admin::{Role, Scope};
    use crate::reference::GemeenteCode;
    use chrono::Duration;
    let mut dice = Dice(0x4e0e_2022_0b0e_7a11);
    let span = (today - start).num_days().max(30) as u64;
    let locations = services.store.list_locations().await?;
    for spec in &REGIONS {
        // The providers with a location in the region give the support.
        let mut providers: Vec<i64> = locations
            .iter()
            .filter(|l| {
                spec.municipalities
                    .iter()
                    .any(|(c, _)| *c == l.municipality.as_str())
            })
            .map(|l| l.provider_id)
            .collect();
        providers.sort_unstable();
        providers.dedup();
        let region = services.store.find_region_by_code(spec.code).await?;
        let corporations: Vec<String> = services
            .store
            .list_corporations(region.map(|r| r.id))
            .await?
            .into_iter()
            .map(|c| c.id.to_string())
            .collect();
        let per_year = if spec.code == "GV" { 78 } else { 60 };
        let mut days: Vec<chrono::NaiveDate> = (0..per_year * span / 365)
            .map(|_| start + Duration::days(dice.below(span) as i64))
            .collect();
        days.sort();
        for started in days {
            let code = if dice.chance(35) {
                spec.centrum
            } else {
                dice.pick(spec.municipalities).0
            };
            let Ok(municipality) = GemeenteCode::parse(code) else {
                continue;
            };
            let consultant = acting(Role::WmoConsulent, Scope::Gemeente(municipality));
            let tenant: String = [
                (b'A' + dice.below(26) as u8) as char,
                '.',
                (b'A' + dice.below(26) as u8) as char,
                '.',
            ]
            .iter()
            .collect();
            let input = TenancyInput {
                municipality: code.to_string(),
                tenant,
                corporation_id: Some(dice.pick(&corporations).clone()),
                provider_id: (!providers.is_empty() && dice.chance(90))
                    .then(|| dice.pick(&providers).to_string()),
                reason: (*dice.pick(&REASONS)).into(),
                started_on: started.to_string(),
                ..Default::default()
            };
            let created = services.create_tenancy(&consultant, &input).await?;
            // Conditions run one to two and a half years.
            let end = started + Duration::days(365 + dice.below(540) as i64);
            if end < today {
                services
                    .change_tenancy(
                        &consultant,
                        created.id,
                        created.version_id,
                        &TenancyInput {
                            ended_on: Some(end.to_string()),
                            result: Some((*dice.pick(&RESULTS)).into()),
                            ..input
                        },
                    )
                    .await?;
            }
        }
    }
    Ok(())
}
