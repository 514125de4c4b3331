//! Demo people leaving detention: the Pact voor uitstroom and urgency also
//! take people whom the justice chain releases without a home (Velsen 6.4;
//! the nomination's "uitstroom uit detentie"). zothuis has no stay for
//! them: the consultant of their municipality registers them with a postal
//! address, and the region's waiting-list manager nominates them, mostly
//! for an urgency declaration. Some got a home, some were withdrawn, the
//! latest still wait. Its own dice and BSN range.

use super::{DETENTION_BSNS, Dice, FAMILY, GIVEN, REGIONS, acting, next_test_bsn};
use crate::DomainResult;
use crate::Services;

/// Nominations from detention per region and year.
const PER_YEAR: u64 = 4;

/// Loads the nominations; returns the clients created.
pub(super) async fn load(
    services: &Services,
    start: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> DomainResult<usize> {
    use crate::admin::{Role, Scope};
    use crate::clients::{AddressInput, ClientInput};
    use crate::outflow::NominationInput;
    use crate::reference::GemeenteCode;
    use chrono::Duration;
    let mut dice = Dice(0xde7e_2022_0b11_0ff5);
    let mut bsn = DETENTION_BSNS;
    let span = (today - start).num_days().max(30) as u64;
    let mut created = 0;
    for spec in &REGIONS {
        let Some(region) = services.store.find_region_by_code(spec.code).await? else {
            continue;
        };
        let manager = acting(Role::Wachtlijstbeheerder, Scope::Regio(region.id));
        let corporations: Vec<String> = services
            .store
            .list_corporations(Some(region.id))
            .await?
            .into_iter()
            .map(|c| c.id.to_string())
            .collect();
        for _ in 0..PER_YEAR * span / 365 {
            let code = dice.pick(spec.municipalities).0;
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
                        date_of_birth: chrono::NaiveDate::from_ymd_opt(
                            1975 + dice.below(30) as i32,
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
            let nominated = start + Duration::days(dice.below(span) as i64);
            services
                .add_address(
                    &consultant,
                    client.id,
                    &AddressInput {
                        kind: "briefadres".into(),
                        municipality: Some(code.to_string()),
                        effective_date: (nominated - Duration::days(20)).to_string(),
                        ..Default::default()
                    },
                )
                .await?;
            let base = NominationInput {
                route: if dice.chance(70) { "urgentie" } else { "pact" }.into(),
                leaves: "detentie".into(),
                nominated_on: nominated.to_string(),
                municipality: code.to_string(),
                ..Default::default()
            };
            let key = nominated + Duration::days(60 + dice.below(300) as i64);
            let input = match dice.below(100) {
                0..=14 => NominationInput {
                    withdrawn_on: Some(
                        (nominated + Duration::days(20 + dice.below(60) as i64))
                            .min(today)
                            .to_string(),
                    ),
                    withdrawal_reason: Some("niet-bemiddelbaar".into()),
                    ..base
                },
                _ if key <= today && !corporations.is_empty() => NominationInput {
                    corporation_id: Some(dice.pick(&corporations).clone()),
                    address_municipality: Some(code.to_string()),
                    key_on: Some(key.to_string()),
                    ..base
                },
                _ => base,
            };
            services.nominate(&manager, client.id, &input).await?;
        }
    }
    Ok(created)
}
