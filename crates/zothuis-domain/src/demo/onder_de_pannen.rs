//! Demo Onder de Pannen: people who would otherwise become homeless get a
//! room with a host household for at most a year, supported by the
//! provider, in Kennemerland except Haarlemmermeer, in Velsen from 2023
//! (Velsen 6.4: 11, 17 and 20 people placed in 2021–2023). A product
//! without a waiting list, so each placement is a decision and a stay;
//! the figures count them as any other (instroom by product). Its own dice
//! and its own BSN range, so the rest of the demo stays as it was.

use super::{Dice, FAMILY, GIVEN, ONDER_DE_PANNEN_BSNS, acting, next_test_bsn};
use crate::DomainResult;
use crate::Services;

/// Placements per calendar year: the seed's for 2022 and 2023, then as 2023.
fn placements(year: i32) -> u64 {
    match year {
        2022 => 17,
        _ => 20,
    }
}

const DESTINATIONS: [&str; 10] = [
    "zelfstandig",
    "zelfstandig",
    "zelfstandig",
    "zelfstandig",
    "zelfstandig-pact",
    "familie-vrienden",
    "familie-vrienden",
    "andere-voorziening",
    "andere-voorziening",
    "onbekend",
];

/// Loads the placements in Zuid-Kennemerland; returns the clients created.
pub(super) async fn load(
    services: &Services,
    start: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> DomainResult<usize> {
    use crate::access::{ApplicationInput, DecisionInput};
    use crate::admin::{Role, Scope};
    use crate::clients::{AddressInput, ClientInput};
    use crate::reference::GemeenteCode;
    use chrono::{Datelike, Duration, NaiveDate};
    let Some(region) = services.store.find_region_by_code("ZKIH").await? else {
        return Ok(0);
    };
    let products = services.store.list_products().await?;
    let Some(product) = products.iter().find(|p| p.code == "ODP") else {
        return Ok(0);
    };
    let Some(location) = services
        .store
        .list_locations()
        .await?
        .into_iter()
        .find(|l| l.product_ids.contains(&product.id))
    else {
        return Ok(0);
    };
    let manager = acting(Role::Wachtlijstbeheerder, Scope::Regio(region.id));
    let mut dice = Dice(0x0d90_2022_0a11_0d90);
    let mut bsn = ONDER_DE_PANNEN_BSNS;
    let mut created = 0;
    for year in start.year()..=today.year() {
        // Not Haarlemmermeer; Velsen from 2023.
        let mut area = vec!["GM0392", "GM0392", "GM0377", "GM0397", "GM0375", "GM0396"];
        if year >= 2023 {
            area.push("GM0453");
        }
        let first = NaiveDate::from_ymd_opt(year, 1, 1)
            .unwrap_or(start)
            .max(start);
        let last = NaiveDate::from_ymd_opt(year, 12, 31)
            .unwrap_or(today)
            .min(today);
        let days = (last - first).num_days();
        if days <= 0 {
            continue;
        }
        // A part of a year gets its share, rounded.
        let count = (placements(year) * (days as u64 + 1) + 182) / 365;
        for _ in 0..count {
            let code = *dice.pick(&area);
            let Ok(municipality) = GemeenteCode::parse(code) else {
                continue;
            };
            let consultant = acting(Role::WmoConsulent, Scope::Gemeente(municipality));
            let client = services
                .register_client(
                    &consultant,
                    &ClientInput {
                        given_name: (*dice.pick(&GIVEN)).into(),
                        family_name: (*dice.pick(&FAMILY)).into(),
                        date_of_birth: NaiveDate::from_ymd_opt(
                            1970 + dice.below(40) as i32,
                            1 + dice.below(12) as u32,
                            1 + dice.below(28) as u32,
                        )
                        .unwrap_or(start)
                        .to_string(),
                        bsn: Some(next_test_bsn(&mut bsn)),
                        ..Default::default()
                    },
                )
                .await?;
            created += 1;
            let placed = first + Duration::days(dice.below(days as u64) as i64);
            services
                .add_address(
                    &consultant,
                    client.id,
                    &AddressInput {
                        kind: "briefadres".into(),
                        municipality: Some(code.to_string()),
                        effective_date: (placed - Duration::days(30 + dice.below(300) as i64))
                            .to_string(),
                        ..Default::default()
                    },
                )
                .await?;
            let application = services
                .register_application(
                    &consultant,
                    &ApplicationInput {
                        client_id: Some(client.id),
                        product_id: Some(product.id),
                        applied_on: placed.to_string(),
                        source: (*dice.pick(&["zelf", "maatschappelijk-werk", "netwerk"])).into(),
                        municipality: None,
                    },
                )
                .await?;
            let decision = services
                .decide(
                    &consultant,
                    application.id,
                    &DecisionInput {
                        outcome: "toegekend".into(),
                        decided_on: placed.to_string(),
                        valid_from: Some(placed.to_string()),
                        reference: format!("ODP-{}-{:04}", placed.format("%Y"), application.id),
                        ..Default::default()
                    },
                )
                .await?;
            let stay = services
                .start_direct_stay(
                    &consultant,
                    decision.id,
                    Some(location.provider_id),
                    Some(location.id),
                    &placed.to_string(),
                    &Default::default(),
                )
                .await?;
            // At most a year with the hosts.
            let end = placed + Duration::days(60 + dice.below(305) as i64);
            if end <= today {
                services
                    .end_stay(
                        &manager,
                        stay.id,
                        stay.version_id,
                        &crate::care::ExitInput {
                            end_date: end.to_string(),
                            destination: (*dice.pick(&DESTINATIONS)).into(),
                        },
                    )
                    .await?;
            }
        }
    }
    Ok(created)
}
