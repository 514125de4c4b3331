//! Demo tariffs: every demo product priced in both regions from 2022, with
//! an indexation on 1 January 2025, one provider with a contract of its
//! own, Beschermd Thuis in three levels of care and a pgb tariff for
//! intramural BW, so that the cost of care of the demo stays is complete. Invented
//! amounts of a plausible size (issue 15: Beschermd Thuis € 8.000 to
//! € 24.000 a year, intramural BW about € 55.000 a year), not any region's
//! contract. Recorded by each region's finance officer.

use super::{REGIONS, acting};
use crate::DomainResult;
use crate::Services;
use crate::admin::{Role, Scope};
use crate::finance::TariffInput;
use crate::finance::budget::{BudgetLineInput, BudgetVersionInput};
use crate::finance::service::BudgetInput;

/// (product code, unit, 2022–2024, from 2025); amounts as typed on the
/// page. Beschermd Thuis is priced per year (a care-intensity budget),
/// the rest in the product's own unit.
const TARIFFS: [(&str, &str, &str, &str); 11] = [
    ("BW-INT", "per-dag", "148,50", "154,75"),
    ("BT", "per-jaar", "15.000", "15.600"),
    ("BW-BESCHUT", "per-dag", "118,00", "122,95"),
    ("MO-DAK", "per-dag", "92,40", "96,30"),
    ("MO-JONG", "per-dag", "104,00", "108,35"),
    ("MO-CRISIS", "per-dag", "136,80", "142,55"),
    ("VO", "per-dag", "131,20", "136,70"),
    ("SKAEVE", "per-dag", "87,50", "91,20"),
    ("HF", "per-maand", "1.650,00", "1.720,00"),
    ("PAUZE", "per-dag", "165,00", "171,95"),
    ("ODP", "per-maand", "850,00", "885,00"),
];

/// Beschermd Thuis in three levels of care (zorgzwaarte): (level, 2022–2024,
/// from 2025) per year; level 2 is the general BT tariff above.
const BT_LEVELS: [(&str, &str, &str); 2] = [("1", "9.000", "9.360"), ("3", "23.000", "24.000")];

/// Intramural BW on a pgb: a lower amount per day than in natura, as a
/// municipality's verordening sets it (invented, like the rest).
const BW_PGB: (&str, &str) = ("112,00", "116,70");

/// How a demo placement is paid for, from its entry's number so that the
/// demo's random draws stay the same: Beschermd Thuis at a level of care
/// from 1 to 3, one in eight intramural BW stays on a pgb.
pub(super) fn demo_funding(product_code: &str, entry_id: i64) -> crate::care::FundingInput {
    match product_code {
        "BT" => crate::care::FundingInput {
            financing: None,
            care_level: Some((entry_id % 3 + 1).to_string()),
        },
        "BW-INT" if entry_id % 8 == 0 => crate::care::FundingInput {
            financing: Some("pgb".into()),
            care_level: None,
        },
        _ => crate::care::FundingInput::default(),
    }
}

pub(super) async fn load(services: &Services) -> DomainResult<()> {
    let products = services.store.list_products().await?;
    let providers = services.store.list_providers().await?;
    let kwintes = providers.iter().find(|p| p.name == "Kwintes").map(|p| p.id);
    let bw = products.iter().find(|p| p.code == "BW-INT").map(|p| p.id);
    for spec in &REGIONS {
        let Some(region) = services.store.find_region_by_code(spec.code).await? else {
            continue;
        };
        let officer = acting(Role::FinancieelAdviseur, Scope::Regio(region.id));
        for (code, unit, old, new) in TARIFFS {
            let Some(product) = products.iter().find(|p| p.code == code) else {
                continue;
            };
            for (amount, from, until) in [
                (old, "2022-01-01", Some("2024-12-31")),
                (new, "2025-01-01", None),
            ] {
                services
                    .create_tariff(
                        &officer,
                        &TariffInput {
                            product_id: product.id.to_string(),
                            unit: Some(unit.into()),
                            amount: amount.into(),
                            valid_from: from.into(),
                            valid_until: until.map(str::to_string),
                            note: Some("Regionaal contract (demo)".into()),
                            ..TariffInput::default()
                        },
                    )
                    .await?;
            }
        }
        let periods = |old: &'static str, new: &'static str| {
            [
                (old, "2022-01-01", Some("2024-12-31")),
                (new, "2025-01-01", None),
            ]
        };
        if let Some(bt) = products.iter().find(|p| p.code == "BT") {
            for (level, old, new) in BT_LEVELS {
                for (amount, from, until) in periods(old, new) {
                    services
                        .create_tariff(
                            &officer,
                            &TariffInput {
                                product_id: bt.id.to_string(),
                                unit: Some("per-jaar".into()),
                                amount: amount.into(),
                                valid_from: from.into(),
                                valid_until: until.map(str::to_string),
                                care_level: Some(level.into()),
                                note: Some(format!("Beschermd Thuis niveau {level} (demo)")),
                                ..TariffInput::default()
                            },
                        )
                        .await?;
                }
            }
        }
        if let Some(bw) = bw {
            for (amount, from, until) in periods(BW_PGB.0, BW_PGB.1) {
                services
                    .create_tariff(
                        &officer,
                        &TariffInput {
                            product_id: bw.to_string(),
                            amount: amount.into(),
                            valid_from: from.into(),
                            valid_until: until.map(str::to_string),
                            financing: Some("pgb".into()),
                            note: Some("Pgb-tarief uit de verordening (demo)".into()),
                            ..TariffInput::default()
                        },
                    )
                    .await?;
            }
        }
        // Kwintes' intramural BW in Gooi en Vechtstreek has a contract of
        // its own from 2025 (a heavier target group).
        if let (Some(kwintes), Some(bw), "GV") = (kwintes, bw, spec.code) {
            services
                .create_tariff(
                    &officer,
                    &TariffInput {
                        product_id: bw.to_string(),
                        provider_id: Some(kwintes.to_string()),
                        amount: "162,40".into(),
                        valid_from: "2025-01-01".into(),
                        note: Some("Aanvullende afspraak zwaardere doelgroep (demo)".into()),
                        ..TariffInput::default()
                    },
                )
                .await?;
        }
        let lines = match spec.code {
            "ZKIH" => GO_BW,
            _ => GV_BUDGET,
        };
        let name = match spec.code {
            "ZKIH" => "Gemeenschappelijk Orgaan Beschermd Wonen",
            _ => "Bescherming en Opvang Gooi en Vechtstreek",
        };
        services
            .create_budget(
                &officer,
                &BudgetInput {
                    municipality: None,
                    name: name.into(),
                    version: BudgetVersionInput {
                        kind: "begroting".into(),
                        title: "Begroting 2025–2028".into(),
                        note: None,
                        thousands: true,
                        lines: lines
                            .iter()
                            .map(|(code, side, category, label, amounts)| BudgetLineInput {
                                code: (*code).into(),
                                side: (*side).into(),
                                category: (*category).into(),
                                label: (*label).into(),
                                amounts: YEARS
                                    .iter()
                                    .zip(amounts.iter())
                                    .map(|(y, a)| (y.to_string(), (*a).to_string()))
                                    .collect(),
                            })
                            .collect(),
                    },
                },
            )
            .await?;
    }
    load_keys(services).await?;
    Ok(())
}

const YEARS: [i32; 5] = [2024, 2025, 2026, 2027, 2028];

type Line = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    [&'static str; 5],
);

/// The GO BW budget 2025–2028 of Zuid-Kennemerland, IJmond and
/// Haarlemmermeer in thousands of euros, as in Velsen's programme (section
/// 8, "Tabel 1 GO-begroting Beschermd Wonen"; source: Begroting en
/// kadernota 2025–2028 GO BW).
const GO_BW: &[Line] = &[
    (
        "a",
        "lasten",
        "zorgkosten-historisch",
        "Zorgkosten oude cliënten (ZIN en PGB)",
        ["39.483", "39.834", "35.729", "26.014", "17.870"],
    ),
    (
        "b",
        "lasten",
        "tekort-mo",
        "Middelen ter inzet van tekort MO",
        ["3.000", "3.000", "3.000", "3.000", "3.000"],
    ),
    (
        "c",
        "lasten",
        "innovatie",
        "Innovatiemiddelen",
        ["-", "-", "-", "-", "-"],
    ),
    (
        "d",
        "lasten",
        "ontwikkel-frictie",
        "Ontwikkeling- en frictiekosten",
        ["500", "500", "500", "337", "243"],
    ),
    (
        "e",
        "lasten",
        "dagbesteding",
        "Gekantelde dagbesteding",
        ["1.110", "1.110", "1.002", "749", "539"],
    ),
    (
        "f",
        "lasten",
        "personeel",
        "Personeelskosten GO",
        ["1.389", "1.094", "1.004", "1.004", "1.004"],
    ),
    (
        "g",
        "lasten",
        "subsidies",
        "Subsidies (Herstelacademie)",
        ["250", "250", "250", "250", "250"],
    ),
    (
        "h",
        "lasten",
        "advies",
        "Advieskosten",
        ["270", "270", "270", "270", "270"],
    ),
    (
        "i",
        "lasten",
        "overige-lasten",
        "Overige kosten",
        ["110", "110", "110", "110", "110"],
    ),
    (
        "j",
        "baten",
        "gemeentelijke-bijdrage",
        "Gemeentelijke bijdrage GO",
        ["-", "-", "-160", "-532", "-841"],
    ),
    (
        "k",
        "baten",
        "rijksbijdrage-historisch",
        "Rijksbijdrage - historisch budget",
        ["-45.065", "-45.122", "-40.723", "-30.448", "-21.894"],
    ),
    (
        "l",
        "baten",
        "eigen-bijdrage",
        "Eigen bijdrage - historische cliënten",
        ["-1.047", "-1.047", "-982", "-754", "-550"],
    ),
];

/// Gooi en Vechtstreek: the income sources its report names (IUBW, eigen
/// bijdrage BW, DUVO, DUMO, IUSD, the reserve) with invented amounts in
/// thousands of euros, balanced each year by a growing draw on the
/// reserve; the seed gives no figures.
const GV_BUDGET: &[Line] = &[
    (
        "a",
        "lasten",
        "zorgkosten",
        "Zorgkosten beschermd wonen, beschermd thuis en opvang",
        ["21.400", "22.100", "22.650", "23.050", "23.400"],
    ),
    (
        "b",
        "lasten",
        "subsidies",
        "Subsidies inloop, dagopvang en bemoeizorg",
        ["2.350", "2.420", "2.480", "2.480", "2.480"],
    ),
    (
        "c",
        "lasten",
        "personeel",
        "Uitvoering regionale toegang",
        ["980", "1.010", "1.040", "1.040", "1.040"],
    ),
    (
        "d",
        "lasten",
        "innovatie",
        "Plan van aanpak dakloosheid (Onder de Pannen, Housing First)",
        ["450", "600", "600", "400", "400"],
    ),
    (
        "e",
        "baten",
        "iubw",
        "Integratie-uitkering beschermd wonen",
        ["-17.900", "-18.300", "-18.600", "-18.600", "-18.600"],
    ),
    (
        "f",
        "baten",
        "eigen-bijdrage",
        "Eigen bijdrage beschermd wonen",
        ["-640", "-650", "-660", "-660", "-660"],
    ),
    (
        "g",
        "baten",
        "duvo",
        "Decentralisatie-uitkering vrouwenopvang",
        ["-2.150", "-2.200", "-2.250", "-2.250", "-2.250"],
    ),
    (
        "h",
        "baten",
        "dumo",
        "Decentralisatie-uitkering maatschappelijke opvang",
        ["-3.300", "-3.380", "-3.450", "-3.450", "-3.450"],
    ),
    (
        "i",
        "baten",
        "iusd",
        "Integratie-uitkering sociaal domein (deel B&O)",
        ["-840", "-860", "-880", "-880", "-880"],
    ),
    (
        "j",
        "baten",
        "reserve",
        "Onttrekking reserve Bescherming en Opvang",
        ["-350", "-740", "-930", "-1.130", "-1.480"],
    ),
];

/// A demo key: region, kind, name and (municipality, share in %).
type KeySpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// Invented distribution keys of a plausible shape for each region: the
/// historical shares lean on the centrumgemeente, the "objective" ones are
/// spread more by size. Not the national distribution model's figures,
/// which zothuis does not have; a region enters its own.
/// (region, kind, name, [(municipality, share in %)]).
const KEYS: [KeySpec; 4] = [
    (
        "GV",
        "historisch",
        "Historisch budget centrumgemeente (demo)",
        &[
            ("GM0376", "5"),
            ("GM0317", "5"),
            ("GM1942", "15"),
            ("GM0402", "48"),
            ("GM0406", "14"),
            ("GM0417", "5"),
            ("GM1696", "8"),
        ],
    ),
    (
        "GV",
        "objectief",
        "Objectief verdeelmodel (demo)",
        &[
            ("GM0376", "5,5"),
            ("GM0317", "5"),
            ("GM1942", "18"),
            ("GM0402", "40"),
            ("GM0406", "16"),
            ("GM0417", "5,5"),
            ("GM1696", "10"),
        ],
    ),
    (
        "ZKIH",
        "historisch",
        "Historisch budget centrumgemeente (demo)",
        &[
            ("GM0392", "52"),
            ("GM0473", "3"),
            ("GM0377", "3,5"),
            ("GM0397", "4"),
            ("GM0453", "9"),
            ("GM0375", "7"),
            ("GM0396", "5,5"),
            ("GM0394", "16"),
        ],
    ),
    (
        "ZKIH",
        "objectief",
        "Objectief verdeelmodel (demo)",
        &[
            ("GM0392", "41"),
            ("GM0473", "3,5"),
            ("GM0377", "4"),
            ("GM0397", "4,5"),
            ("GM0453", "10"),
            ("GM0375", "8"),
            ("GM0396", "6"),
            ("GM0394", "23"),
        ],
    ),
];

async fn load_keys(services: &Services) -> DomainResult<()> {
    use crate::finance::settlement::KeyInput;
    for (region, kind, name, shares) in KEYS {
        let Some(region) = services.store.find_region_by_code(region).await? else {
            continue;
        };
        let officer = acting(Role::FinancieelAdviseur, Scope::Regio(region.id));
        services
            .create_distribution_key(
                &officer,
                &KeyInput {
                    kind: kind.into(),
                    name: name.into(),
                    source: Some("Demo: verzonnen aandelen".into()),
                    shares: shares
                        .iter()
                        .map(|(c, a)| ((*c).to_string(), (*a).to_string()))
                        .collect(),
                },
            )
            .await?;
    }
    Ok(())
}

/// The settlement of the last whole year before `today`, published by each
/// region's finance officer by the historical key, once the demo's stays
/// are there. Skipped when that year has days without a tariff.
pub(super) async fn publish_settlements(
    services: &Services,
    today: chrono::NaiveDate,
) -> DomainResult<()> {
    use crate::finance::settlement_service::SettlementRequest;
    use chrono::Datelike;
    for spec in &REGIONS {
        let Some(region) = services.store.find_region_by_code(spec.code).await? else {
            continue;
        };
        let officer = acting(Role::FinancieelAdviseur, Scope::Regio(region.id));
        let Some((key, _)) = services
            .distribution_keys(&officer)
            .await?
            .into_iter()
            .find(|(_, v)| v.data.kind == crate::finance::settlement::KeyKind::Historisch)
        else {
            continue;
        };
        let request = SettlementRequest {
            period: (today.year() - 1).to_string(),
            agreement: "verdeelsleutel".into(),
            key_id: Some(key.id.to_string()),
            known_at: None,
        };
        match services.publish_settlement(&officer, &request).await {
            Ok(_) | Err(crate::DomainError::Invalid(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
