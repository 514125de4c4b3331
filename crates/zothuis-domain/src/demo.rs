//! Demo data for two real regions, entered through the same services as
//! users do (so every row is audited). Names of regions, municipalities and
//! providers are public facts; people and passwords are invented at load time.

use crate::admin::secrets::random_password;
use crate::admin::{NewUserInput, RequestContext};
use crate::error::DomainResult;
use crate::reference::*;
use crate::service::Services;

/// A demo login, printed once and kept in the data directory.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub role: String,
    pub scope: String,
    pub password: String,
}

struct RegionSpec {
    /// (regime, from): how the region determines the responsible municipality.
    regimes: &'static [(&'static str, &'static str)],
    code: &'static str,
    name: &'static str,
    centrum: &'static str,
    municipalities: &'static [(&'static str, &'static str)],
}

// CBS gemeentecodes (Gemeentelijke indeling 2024).
const REGIONS: [RegionSpec; 2] = [
    RegionSpec {
        regimes: &[("centrumgemeente", "2022-01-01")],
        code: "GV",
        name: "Gooi en Vechtstreek",
        centrum: "GM0402",
        municipalities: &[
            ("GM0376", "Blaricum"),
            ("GM0317", "Eemnes"),
            ("GM1942", "Gooise Meren"),
            ("GM0402", "Hilversum"),
            ("GM0406", "Huizen"),
            ("GM0417", "Laren"),
            ("GM1696", "Wijdemeren"),
        ],
    },
    RegionSpec {
        // Zuid-Kennemerland: woonadres for new clients since 2025-01-01.
        regimes: &[
            ("centrumgemeente", "2022-01-01"),
            ("regionale-afspraak", "2025-01-01"),
        ],
        code: "ZKIH",
        name: "Zuid-Kennemerland, IJmond en Haarlemmermeer",
        centrum: "GM0392",
        municipalities: &[
            ("GM0392", "Haarlem"),
            ("GM0473", "Zandvoort"),
            ("GM0377", "Bloemendaal"),
            ("GM0397", "Heemstede"),
            ("GM0453", "Velsen"),
            ("GM0375", "Beverwijk"),
            ("GM0396", "Heemskerk"),
            ("GM0394", "Haarlemmermeer"),
        ],
    },
];

// (code, name, iWmo category, kind, tariff unit)
const PRODUCTS: [(&str, &str, &str, &str, &str); 10] = [
    (
        "BW-INT",
        "Beschermd wonen intramuraal",
        "15",
        "intramuraal",
        "per-dag",
    ),
    ("BT", "Beschermd Thuis", "15", "thuis", "per-dag"),
    (
        "BW-BESCHUT",
        "Beschut wonen",
        "15",
        "beschut-wonen",
        "per-dag",
    ),
    ("MO-DAK", "Daklozenopvang", "16", "opvang", "per-dag"),
    ("MO-JONG", "Jongerenopvang", "16", "opvang", "per-dag"),
    (
        "MO-CRISIS",
        "Crisisopvang gezinnen",
        "17",
        "opvang",
        "per-dag",
    ),
    ("VO", "Vrouwenopvang", "16", "opvang", "per-dag"),
    ("SKAEVE", "Skaeve Huse", "18", "woonvoorziening", "per-dag"),
    ("HF", "Housing First", "18", "woonvoorziening", "per-maand"),
    ("PAUZE", "Pauzeplek", "18", "kortdurend", "per-dag"),
];

const PROVIDERS: [&str; 5] = [
    "Kwintes",
    "Leger des Heils",
    "Blijf Groep",
    "RIBW Kennemerland Amstelland Meerlanden",
    "Kennemerhart",
];

struct LocationSpec {
    provider: &'static str,
    municipality: &'static str,
    name: &'static str,
    address: &'static str,
    secret: bool,
    /// (product code, places, valid from); a later row for the same product
    /// changes the number of places from its date.
    capacity: &'static [(&'static str, i64, &'static str)],
    /// Products delivered without location places.
    at_home: &'static [&'static str],
}

// Addresses are invented.
const LOCATIONS: [LocationSpec; 11] = [
    LocationSpec {
        provider: "Kwintes",
        municipality: "GM0402",
        name: "Opvang Hilversum",
        address: "Voorbeeldweg 12, Hilversum",
        secret: false,
        capacity: &[
            ("MO-DAK", 40, "2022-01-01"),
            ("MO-JONG", 8, "2022-01-01"),
            ("MO-DAK", 44, "2024-01-01"),
        ],
        at_home: &[],
    },
    LocationSpec {
        provider: "Kwintes",
        municipality: "GM0402",
        name: "De Orchidee",
        address: "Bloemenlaan 3, Hilversum",
        secret: false,
        capacity: &[("MO-CRISIS", 6, "2022-01-01")],
        at_home: &[],
    },
    LocationSpec {
        provider: "Kwintes",
        municipality: "GM0406",
        name: "Gezinsunits Huizen",
        address: "Havenstraat 8, Huizen",
        secret: false,
        capacity: &[("MO-CRISIS", 3, "2023-04-01")],
        at_home: &[],
    },
    LocationSpec {
        provider: "Kwintes",
        municipality: "GM1942",
        name: "Woonvorm Bussum",
        address: "Parklaan 20, Bussum",
        secret: false,
        capacity: &[("BW-INT", 24, "2022-01-01"), ("BW-INT", 30, "2025-01-01")],
        at_home: &["BT"],
    },
    LocationSpec {
        provider: "Kwintes",
        municipality: "GM0402",
        name: "Keerpunt Zuid",
        address: "Buitenpad 1, Hilversum",
        secret: false,
        capacity: &[("SKAEVE", 8, "2022-01-01")],
        at_home: &[],
    },
    LocationSpec {
        provider: "Leger des Heils",
        municipality: "GM0406",
        name: "Woonvorm Huizen",
        address: "Kerkstraat 40, Huizen",
        secret: false,
        capacity: &[
            ("BW-INT", 18, "2022-01-01"),
            ("BW-BESCHUT", 6, "2023-01-01"),
        ],
        at_home: &[],
    },
    LocationSpec {
        provider: "Blijf Groep",
        municipality: "GM0402",
        name: "Vrouwenopvang Gooi",
        address: "Niet openbaar 1, Hilversum",
        secret: true,
        capacity: &[("VO", 10, "2024-01-01")],
        at_home: &[],
    },
    LocationSpec {
        provider: "Leger des Heils",
        municipality: "GM0392",
        name: "Nachtopvang Haarlem",
        address: "Stationsplein 5, Haarlem",
        secret: false,
        capacity: &[("MO-DAK", 30, "2022-01-01"), ("MO-JONG", 6, "2022-01-01")],
        at_home: &[],
    },
    LocationSpec {
        provider: "RIBW Kennemerland Amstelland Meerlanden",
        municipality: "GM0453",
        name: "Beschermd wonen IJmuiden",
        address: "Zeeweg 100, IJmuiden",
        secret: false,
        capacity: &[("BW-INT", 16, "2022-01-01"), ("BW-INT", 14, "2024-07-01")],
        at_home: &["BT"],
    },
    LocationSpec {
        provider: "RIBW Kennemerland Amstelland Meerlanden",
        municipality: "GM0392",
        name: "Beschut wonen Haarlem-Noord",
        address: "Noorderweg 22, Haarlem",
        secret: false,
        capacity: &[("BW-BESCHUT", 20, "2022-01-01"), ("HF", 12, "2023-01-01")],
        at_home: &[],
    },
    LocationSpec {
        provider: "Kennemerhart",
        municipality: "GM0396",
        name: "Pauzeplekken Heemskerk",
        address: "Rustlaan 2, Heemskerk",
        secret: false,
        capacity: &[("PAUZE", 2, "2024-01-01")],
        at_home: &[],
    },
];

/// True when the installation holds no reference data and no users yet.
pub async fn is_empty(services: &Services) -> DomainResult<bool> {
    Ok(services.store.count_users().await? == 0 && services.store.list_regions().await?.is_empty())
}

/// Loads the demo reference data and one account per role.
pub async fn load(services: &Services) -> DomainResult<Vec<DemoLogin>> {
    let ctx = RequestContext::system("demo");
    for spec in &REGIONS {
        let region = services
            .create_region(
                &ctx,
                &RegionInput {
                    code: spec.code.into(),
                    name: spec.name.into(),
                    centrumgemeente: None,
                },
            )
            .await?;
        for (code, name) in spec.municipalities {
            services
                .create_municipality(
                    &ctx,
                    &MunicipalityInput {
                        code: (*code).into(),
                        name: (*name).into(),
                        region_id: Some(region.id),
                    },
                )
                .await?;
        }
        services
            .update_region(
                &ctx,
                region.id,
                region.version,
                &RegionInput {
                    code: spec.code.into(),
                    name: spec.name.into(),
                    centrumgemeente: Some(spec.centrum.into()),
                },
            )
            .await?;
        for (regime, from) in spec.regimes {
            services
                .add_regime(
                    &ctx,
                    region.id,
                    &RegimeInput {
                        regime: (*regime).into(),
                        effective_from: (*from).into(),
                    },
                )
                .await?;
        }
    }
    let mut products = std::collections::HashMap::new();
    for (code, name, category, kind, unit) in PRODUCTS {
        let p = services
            .create_product(
                &ctx,
                &ProductInput {
                    code: code.into(),
                    name: name.into(),
                    category: category.into(),
                    kind: kind.into(),
                    tariff_unit: unit.into(),
                },
            )
            .await?;
        products.insert(code, p.id);
    }
    let mut providers = std::collections::HashMap::new();
    for name in PROVIDERS {
        let p = services
            .create_provider(
                &ctx,
                &ProviderInput {
                    name: name.into(),
                    agb_code: None,
                },
            )
            .await?;
        providers.insert(name, p.id);
    }
    for spec in &LOCATIONS {
        let mut product_ids: Vec<i64> = spec
            .capacity
            .iter()
            .map(|(code, _, _)| *code)
            .chain(spec.at_home.iter().copied())
            .filter_map(|code| products.get(code).copied())
            .collect();
        product_ids.sort_unstable();
        product_ids.dedup();
        let location = services
            .create_location(
                &ctx,
                &LocationInput {
                    provider_id: providers.get(spec.provider).copied(),
                    municipality: spec.municipality.into(),
                    name: spec.name.into(),
                    address: Some(spec.address.into()),
                    secret_address: spec.secret,
                    product_ids,
                },
            )
            .await?;
        for (code, places, from) in spec.capacity {
            services
                .add_capacity(
                    &ctx,
                    location.id,
                    &CapacityInput {
                        product_id: products.get(code).copied(),
                        places: places.to_string(),
                        valid_from: (*from).into(),
                        valid_to: None,
                    },
                )
                .await?;
        }
    }
    let kwintes = providers.get("Kwintes").copied().unwrap_or_default();
    let ribw = providers
        .get("RIBW Kennemerland Amstelland Meerlanden")
        .copied()
        .unwrap_or_default();
    let accounts = [
        (
            "beheerder",
            "Demo Beheerder",
            "beheerder",
            "installatie".to_string(),
        ),
        (
            "wachtlijst.gv",
            "Wachtlijstbeheer Gooi en Vechtstreek",
            "wachtlijstbeheerder",
            "regio:GV".into(),
        ),
        (
            "wachtlijst.zkih",
            "Wachtlijstbeheer Zuid-Kennemerland",
            "wachtlijstbeheerder",
            "regio:ZKIH".into(),
        ),
        (
            "consulent.huizen",
            "Consulent Huizen",
            "wmo-consulent",
            "gemeente:GM0406".into(),
        ),
        (
            "consulent.hilversum",
            "Consulent Hilversum",
            "wmo-consulent",
            "gemeente:GM0402".into(),
        ),
        (
            "consulent.velsen",
            "Consulent Velsen",
            "wmo-consulent",
            "gemeente:GM0453".into(),
        ),
        (
            "aanbieder.kwintes",
            "Intake Kwintes",
            "aanbieder",
            format!("aanbieder:{kwintes}"),
        ),
        (
            "aanbieder.ribw",
            "Intake RIBW K/AM",
            "aanbieder",
            format!("aanbieder:{ribw}"),
        ),
        (
            "beleid.gv",
            "Beleidsadviseur Gooi en Vechtstreek",
            "beleidsadviseur",
            "regio:GV".into(),
        ),
        (
            "beleid.velsen",
            "Beleidsadviseur Velsen",
            "beleidsadviseur",
            "gemeente:GM0453".into(),
        ),
        (
            "bestuurder.gv",
            "Portefeuillehouder Gooi en Vechtstreek",
            "bestuurder",
            "regio:GV".into(),
        ),
        (
            "fg.gv",
            "Functionaris gegevensbescherming",
            "fg",
            "regio:GV".into(),
        ),
    ];
    let mut logins = Vec::new();
    for (username, display, role, scope) in accounts {
        let password = random_password();
        services
            .create_user(
                &ctx,
                &NewUserInput {
                    username: username.into(),
                    display_name: display.into(),
                    role: role.into(),
                    scope: scope.clone(),
                    password: password.clone(),
                },
            )
            .await?;
        logins.push(DemoLogin {
            username: username.into(),
            role: role.into(),
            scope,
            password,
        });
    }
    Ok(logins)
}
