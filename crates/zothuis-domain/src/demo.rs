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

mod detention;
mod finance;
mod onder_de_pannen;
mod outreach;
mod tenancy;

struct RegionSpec {
    /// (regime, from): how the region determines the responsible municipality.
    regimes: &'static [(&'static str, &'static str)],
    code: &'static str,
    name: &'static str,
    centrum: &'static str,
    municipalities: &'static [(&'static str, &'static str)],
    /// The housing corporations of its Pact voor uitstroom.
    corporations: &'static [&'static str],
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
        corporations: &["Woningstichting Het Gooi en Omstreken", "Dudok Wonen"],
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
        corporations: &["Pré Wonen", "Elan Wonen"],
    },
];

// (code, name, iWmo category, kind, tariff unit)
const PRODUCTS: [(&str, &str, &str, &str, &str); 11] = [
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
    // A room with a host household for at most a year (Velsen 6.4: the
    // pilot Onder de Pannen in Kennemerland).
    ("ODP", "Onder de Pannen", "18", "kortdurend", "per-maand"),
];

/// The demo's providers, with invented AGB codes (8 digits, not those of
/// the real organisations) so that the demo can exchange iWmo messages.
const PROVIDERS: [(&str, &str); 6] = [
    ("Kwintes", "98900001"),
    ("Leger des Heils", "98900002"),
    ("Blijf Groep", "98900003"),
    ("RIBW Kennemerland Amstelland Meerlanden", "98900004"),
    ("Kennemerhart", "98900005"),
    ("De Regenboog Groep", "98900006"),
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
const LOCATIONS: [LocationSpec; 12] = [
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
    // The rooms offered by host households; their addresses are private.
    LocationSpec {
        provider: "De Regenboog Groep",
        municipality: "GM0392",
        name: "Onder de Pannen Kennemerland",
        address: "Bij gastgezinnen in de regio",
        secret: true,
        capacity: &[("ODP", 12, "2022-01-01"), ("ODP", 16, "2024-01-01")],
        at_home: &[],
    },
];

/// True when the installation holds no reference data and no users yet.
pub async fn is_empty(services: &Services) -> DomainResult<bool> {
    Ok(services.store.count_users().await? == 0 && services.store.list_regions().await?.is_empty())
}

/// Loads the demo reference data and one account per role.
/// The cut-off of the demo's historical cohort when the configuration sets
/// none (`serve --demo`): the demo's regions record no change to the
/// woonplaatsbeginsel, whose day would otherwise be the cut-off.
pub const HISTORICAL_CUTOFF: &str = "2025-01-01";

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
    // The regional framework (afwegingskader) per product; texts written for the demo.
    let framework: [(&str, &[&str]); 3] = [
        (
            "BW-INT",
            &[
                "Er is sprake van psychische of psychosociale problematiek",
                "Zelfstandig wonen lukt ook met ambulante ondersteuning niet",
                "Toezicht of begeleiding is nodig op onvoorspelbare momenten, ook 's nachts",
                "Er is geen Wlz-indicatie en geen recht op zorg uit een andere wet",
            ],
        ),
        (
            "BT",
            &[
                "Er is sprake van psychische of psychosociale problematiek",
                "Wonen in de eigen woning is mogelijk met 24-uurs bereikbare ondersteuning",
                "Er is een netwerk of een plan om het netwerk te versterken",
            ],
        ),
        (
            "BW-BESCHUT",
            &[
                "Er is sprake van psychische of psychosociale problematiek",
                "Geclusterd wonen met begeleiding overdag is voldoende",
            ],
        ),
    ];
    for (code, texts) in framework {
        if let Some(id) = products.get(code) {
            for t in texts {
                services.add_criterion(&ctx, *id, t).await?;
            }
        }
    }
    let mut providers = std::collections::HashMap::new();
    for (name, agb) in PROVIDERS {
        let p = services
            .create_provider(
                &ctx,
                &ProviderInput {
                    name: name.into(),
                    agb_code: Some(agb.into()),
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
    let mut corporations = std::collections::HashMap::new();
    for spec in &REGIONS {
        let region = services.store.find_region_by_code(spec.code).await?;
        for name in spec.corporations {
            let c = services
                .create_corporation(
                    &ctx,
                    &CorporationInput {
                        name: (*name).into(),
                        region_id: region.as_ref().map(|r| r.id),
                    },
                )
                .await?;
            corporations.insert(*name, c.id);
        }
    }
    finance::load(services).await?;
    let corporation = |name: &str| {
        format!(
            "corporatie:{}",
            corporations.get(name).copied().unwrap_or_default()
        )
    };
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
            "beleid.zkih",
            "Beleidsadviseur Zuid-Kennemerland en IJmond",
            "beleidsadviseur",
            "regio:ZKIH".into(),
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
        (
            "toegang.gv",
            "Centrale toegang Gooi en Vechtstreek",
            "toegangsmedewerker",
            "regio:GV".into(),
        ),
        (
            "toegang.zkih",
            "Brede Centrale Toegang Zuid-Kennemerland",
            "toegangsmedewerker",
            "regio:ZKIH".into(),
        ),
        (
            "zorgcoordinatie.gv",
            "Zorgcoördinatie Gooi en Vechtstreek",
            "zorgcoordinator",
            "regio:GV".into(),
        ),
        (
            "zorgcoordinatie.zkih",
            "Zorgcoördinatie Zuid-Kennemerland",
            "zorgcoordinator",
            "regio:ZKIH".into(),
        ),
        (
            "financieel.gv",
            "Financieel adviseur Gooi en Vechtstreek",
            "financieel-adviseur",
            "regio:GV".into(),
        ),
        (
            "financieel.zkih",
            "Financieel adviseur GO BW Zuid-Kennemerland",
            "financieel-adviseur",
            "regio:ZKIH".into(),
        ),
        (
            "financieel.velsen",
            "Financieel adviseur Velsen",
            "financieel-adviseur",
            "gemeente:GM0453".into(),
        ),
        (
            "corporatie.gooi",
            "Woonconsulent Het Gooi en Omstreken",
            "corporatie",
            corporation("Woningstichting Het Gooi en Omstreken"),
        ),
        (
            "corporatie.prewonen",
            "Woonconsulent Pré Wonen",
            "corporatie",
            corporation("Pré Wonen"),
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

// ---- synthetic population ------------------------------------------------------

/// Where a product can be delivered: (provider, location, none for at home).
type Places = Vec<(i64, Option<i64>)>;

/// A small deterministic generator (xorshift), so every demo looks the same.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const GIVEN: [&str; 24] = [
    "Anouk", "Bram", "Chantal", "Dennis", "Esra", "Fleur", "Gerrit", "Hanneke", "Ilias", "Jolanda",
    "Kevin", "Lotte", "Mohamed", "Nina", "Orlando", "Petra", "Quinten", "Ria", "Sander", "Tamara",
    "Umut", "Vera", "Wouter", "Yara",
];
const FAMILY: [&str; 24] = [
    "Bakker",
    "van Dijk",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "Schouten",
    "Willems",
    "Hoekstra",
];

/// Where the demo's BSN counters start: the population from 0, Onder de
/// Pannen and detention each in a range of their own, all below 50,000 (the
/// tests write their own clients from 999950000 on).
const ONDER_DE_PANNEN_BSNS: u32 = 20_000;
const DETENTION_BSNS: u32 = 30_000;

/// The next BSN from the test range (starting with 9999) that passes the elfproef.
fn next_test_bsn(counter: &mut u32) -> String {
    loop {
        *counter += 1;
        let candidate = format!("9999{:05}", *counter);
        if crate::clients::Bsn::parse(&candidate).is_ok() {
            return candidate;
        }
    }
}

fn acting(role: crate::admin::Role, scope: crate::admin::Scope) -> RequestContext {
    RequestContext {
        actor: crate::admin::Actor {
            kind: crate::admin::ActorKind::System,
            id: 0,
            name: "demo".into(),
            role,
            scope,
        },
        on_behalf_of: None,
        origin: Some("cli".into()),
        request_id: "demo".into(),
    }
}

/// Invented clients for both regions from 2022 until `today`: addresses,
/// applications, decisions and the waiting list with realistic statuses.
/// Returns the number of clients created.
pub async fn load_population(services: &Services, today: chrono::NaiveDate) -> DomainResult<usize> {
    use crate::access::{ApplicationInput, DecisionInput};
    use crate::admin::{Role, Scope};
    use crate::clients::{AddressInput, ClientInput};
    use crate::reference::GemeenteCode;
    use crate::waitlist::TransitionInput;
    use chrono::Duration;

    let mut dice = Dice(0x5eed_2022_cafe_f00d);
    let mut bsn_counter = 0u32;
    let products = services.store.list_products().await?;
    let product = |code: &str| products.iter().find(|p| p.code == code).map(|p| p.id);
    let start = chrono::NaiveDate::from_ymd_opt(2022, 1, 3).unwrap_or(today);
    let span = (today - start).num_days().max(30) as u64;
    let mut created = 0;
    for spec in &REGIONS {
        let Some(region) = services.store.find_region_by_code(spec.code).await? else {
            continue;
        };
        let manager = acting(Role::Wachtlijstbeheerder, Scope::Regio(region.id));
        // Where each product can be delivered in this region: (provider, location).
        let region_codes: Vec<&str> = spec.municipalities.iter().map(|(c, _)| *c).collect();
        let locations = services.store.list_locations().await?;
        let places_for = |product_id: i64, at_home: bool| -> Places {
            let mut v: Vec<(i64, Option<i64>)> = locations
                .iter()
                .filter(|l| {
                    region_codes.contains(&l.municipality.as_str())
                        && l.product_ids.contains(&product_id)
                })
                .map(|l| (l.provider_id, (!at_home).then_some(l.id)))
                .collect();
            v.dedup();
            v
        };
        let offered: Vec<(&str, Places)> = [
            "BW-INT",
            "BW-INT",
            "BW-INT",
            "BW-BESCHUT",
            "BT",
            "BT",
            "HF",
            "SKAEVE",
        ]
        .into_iter()
        .filter_map(|code| {
            let p = products.iter().find(|p| p.code == code)?;
            let places = places_for(p.id, !p.kind.uses_location_capacity());
            (!places.is_empty()).then_some((code, places))
        })
        .collect();
        let count = if spec.code == "GV" { 70 } else { 80 };
        for _ in 0..count {
            // The centrumgemeente has about a third of the residents.
            let (code, _) = if dice.chance(35) {
                spec.municipalities
                    .iter()
                    .find(|(c, _)| *c == spec.centrum)
                    .unwrap_or(&spec.municipalities[0])
            } else {
                dice.pick(spec.municipalities)
            };
            let Ok(municipality) = GemeenteCode::parse(code) else {
                continue;
            };
            let consultant = acting(Role::WmoConsulent, Scope::Gemeente(municipality.clone()));
            let born = chrono::NaiveDate::from_ymd_opt(
                1950 + dice.below(55) as i32,
                1 + dice.below(12) as u32,
                1 + dice.below(28) as u32,
            )
            .unwrap_or(start);
            let client = services
                .register_client(
                    &consultant,
                    &ClientInput {
                        given_name: (*dice.pick(&GIVEN)).into(),
                        family_name: (*dice.pick(&FAMILY)).into(),
                        date_of_birth: born.to_string(),
                        bsn: dice.chance(90).then(|| next_test_bsn(&mut bsn_counter)),
                        ..Default::default()
                    },
                )
                .await?;
            let applied = start + Duration::days(dice.below(span.saturating_sub(20)) as i64);
            let lived_since = applied - Duration::days(200 + dice.below(3000) as i64);
            if dice.chance(15) {
                // Came out of a clinic: the institutional address after a home address.
                services
                    .add_address(
                        &consultant,
                        client.id,
                        &AddressInput {
                            kind: "woonadres".into(),
                            municipality: Some(code.to_string()),
                            effective_date: (lived_since - Duration::days(900)).to_string(),
                            ..Default::default()
                        },
                    )
                    .await?;
                services
                    .add_address(
                        &consultant,
                        client.id,
                        &AddressInput {
                            kind: "woonadres".into(),
                            municipality: Some(spec.centrum.into()),
                            institution: Some("ggz-kliniek".into()),
                            effective_date: lived_since.to_string(),
                            ..Default::default()
                        },
                    )
                    .await?;
            } else {
                let kind = if dice.chance(12) {
                    "briefadres"
                } else {
                    "woonadres"
                };
                services
                    .add_address(
                        &consultant,
                        client.id,
                        &AddressInput {
                            kind: kind.into(),
                            municipality: Some(code.to_string()),
                            effective_date: lived_since.to_string(),
                            ..Default::default()
                        },
                    )
                    .await?;
            }
            let (product_code, places) = dice.pick(&offered).clone();
            let Some(product_id) = product(product_code) else {
                continue;
            };
            let application = services
                .register_application(
                    &consultant,
                    &ApplicationInput {
                        client_id: Some(client.id),
                        product_id: Some(product_id),
                        applied_on: applied.to_string(),
                        source: (*dice.pick(&[
                            "zelf",
                            "ggz",
                            "huisarts",
                            "netwerk",
                            "maatschappelijk-werk",
                            "ziekenhuis",
                        ]))
                        .into(),
                        municipality: None,
                    },
                )
                .await?;
            let decided = (applied + Duration::days(7 + dice.below(35) as i64)).min(today);
            let granted = dice.chance(88);
            services
                .decide(
                    &consultant,
                    application.id,
                    &DecisionInput {
                        outcome: if granted { "toegekend" } else { "afgewezen" }.into(),
                        decided_on: decided.to_string(),
                        valid_from: granted.then(|| decided.to_string()),
                        reference: format!(
                            "{}-{}-{:04}",
                            spec.code,
                            decided.format("%Y"),
                            application.id
                        ),
                        ..Default::default()
                    },
                )
                .await?;
            created += 1;
            if !granted {
                continue;
            }
            let entries = services
                .store
                .list_entries(&crate::store::Clients::All)
                .await?;
            let Some(entry) = entries.iter().find(|e| e.client_id == client.id) else {
                continue;
            };
            // Walk the entry through the list; older entries are further along.
            let mut day = decided + Duration::days(1 + dice.below(10) as i64);
            let mut chosen = places[0];
            let step = |status: &str,
                        reason: Option<&str>,
                        provider_id: Option<i64>,
                        at: chrono::NaiveDate| TransitionInput {
                status: status.into(),
                reason: reason.map(str::to_string),
                provider_id,
                effective_date: at.to_string(),
                note: None,
                supersedes: None,
                retract: false,
            };
            if day > today {
                continue;
            }
            services
                .add_transition(
                    &manager,
                    entry.id,
                    &step("actief-wachtend", None, None, day),
                )
                .await?;
            loop {
                day += Duration::days(30 + dice.below(150) as i64);
                if day > today {
                    break;
                }
                let roll = dice.below(100);
                if roll >= 50 {
                    // Most months nothing changes: the client keeps waiting.
                    continue;
                }
                let next = if roll < 20 {
                    step(
                        "passief-wachtend",
                        Some(*dice.pick(&[
                            "niet-gemotiveerd",
                            "klinische-opname",
                            "niet-plaatsbaar",
                        ])),
                        None,
                        day,
                    )
                } else if roll < 25 {
                    step(
                        "afgevoerd",
                        Some(*dice.pick(&[
                            "wlz-indicatie",
                            "niet-meer-nodig",
                            "vertrokken",
                            "geen-contact",
                        ])),
                        None,
                        day,
                    )
                } else {
                    {
                        chosen = *dice.pick(&places);
                        step("in-screening", None, Some(chosen.0), day)
                    }
                };
                let to = next.status.clone();
                if services
                    .add_transition(&manager, entry.id, &next)
                    .await
                    .is_err()
                {
                    // From passive back to active first.
                    services
                        .add_transition(
                            &manager,
                            entry.id,
                            &step("actief-wachtend", None, None, day),
                        )
                        .await?;
                    continue;
                }
                if to == "afgevoerd" {
                    break;
                }
                if to == "in-screening" {
                    day += Duration::days(14 + dice.below(45) as i64);
                    if day > today {
                        break;
                    }
                    let placed = dice.chance(65);
                    let screening = services
                        .store
                        .list_screenings(
                            &crate::store::Clients::All,
                            &crate::store::ScreeningFilter {
                                entry_id: Some(entry.id),
                                ..Default::default()
                            },
                        )
                        .await?
                        .last()
                        .map(|sc| sc.id)
                        .unwrap_or_default();
                    if !placed {
                        services
                            .record_screening(
                                &manager,
                                screening,
                                &crate::care::ScreeningInput {
                                    outcome: "afgewezen".into(),
                                    declined_by: Some(
                                        (*dice.pick(&["client", "aanbieder"])).into(),
                                    ),
                                    reason: Some(
                                        (*dice.pick(&[
                                            "groepssamenstelling",
                                            "zorgzwaarte-te-hoog",
                                            "locatie",
                                            "niet-gemotiveerd",
                                        ]))
                                        .into(),
                                    ),
                                    decided_on: day.to_string(),
                                    note: None,
                                },
                            )
                            .await?;
                        continue;
                    }
                    services
                        .record_screening(
                            &manager,
                            screening,
                            &crate::care::ScreeningInput {
                                outcome: "geaccepteerd".into(),
                                decided_on: day.to_string(),
                                ..Default::default()
                            },
                        )
                        .await?;
                    let stay = services
                        .place(
                            &manager,
                            entry.id,
                            &crate::care::PlacementInput {
                                location_id: chosen.1,
                                start_date: day.to_string(),
                                funding: finance::demo_funding(product_code, entry.id),
                            },
                        )
                        .await?;
                    // Stays of protected housing last months to years.
                    let end = day + Duration::days(120 + dice.below(1100) as i64);
                    if end <= today && dice.chance(70) {
                        services
                            .end_stay(
                                &manager,
                                stay.id,
                                stay.version_id,
                                &crate::care::ExitInput {
                                    end_date: end.to_string(),
                                    destination: (*dice.pick(&[
                                        "zelfstandig",
                                        "zelfstandig",
                                        "zelfstandig-pact",
                                        "zelfstandig-pact",
                                        "beschermd-thuis",
                                        "andere-voorziening",
                                        "wlz",
                                        "kliniek",
                                        "familie-vrienden",
                                        "onbekend",
                                    ]))
                                    .into(),
                                },
                            )
                            .await?;
                    }
                    break;
                }
                if to == "passief-wachtend" {
                    day += Duration::days(60 + dice.below(180) as i64);
                    if day > today {
                        break;
                    }
                    services
                        .add_transition(
                            &manager,
                            entry.id,
                            &step("actief-wachtend", None, None, day),
                        )
                        .await?;
                }
            }
        }
    }
    // Shelter: direct stays of days to months on a granted decision.
    for spec in &REGIONS {
        let region_codes: Vec<&str> = spec.municipalities.iter().map(|(c, _)| *c).collect();
        let locations = services.store.list_locations().await?;
        let shelters: Vec<(i64, i64, i64)> = ["MO-DAK", "MO-DAK", "MO-DAK", "MO-JONG", "MO-CRISIS"]
            .iter()
            .filter_map(|code| product(code))
            .flat_map(|p| {
                locations
                    .iter()
                    .filter(|l| {
                        region_codes.contains(&l.municipality.as_str())
                            && l.product_ids.contains(&p)
                    })
                    .map(move |l| (p, l.provider_id, l.id))
                    .collect::<Vec<_>>()
            })
            .collect();
        if shelters.is_empty() {
            continue;
        }
        for _ in 0..if spec.code == "GV" { 30 } else { 35 } {
            let (code, _) = dice.pick(spec.municipalities);
            let Ok(municipality) = GemeenteCode::parse(code) else {
                continue;
            };
            let consultant = acting(Role::WmoConsulent, Scope::Gemeente(municipality.clone()));
            let client = services
                .register_client(
                    &consultant,
                    &ClientInput {
                        given_name: (*dice.pick(&GIVEN)).into(),
                        family_name: (*dice.pick(&FAMILY)).into(),
                        date_of_birth: chrono::NaiveDate::from_ymd_opt(
                            1960 + dice.below(45) as i32,
                            1 + dice.below(12) as u32,
                            1 + dice.below(28) as u32,
                        )
                        .unwrap_or(start)
                        .to_string(),
                        bsn: dice.chance(75).then(|| next_test_bsn(&mut bsn_counter)),
                        ..Default::default()
                    },
                )
                .await?;
            let kind = if dice.chance(60) {
                "briefadres"
            } else {
                "geen"
            };
            services
                .add_address(
                    &consultant,
                    client.id,
                    &AddressInput {
                        kind: kind.into(),
                        municipality: (kind == "briefadres").then(|| code.to_string()),
                        effective_date: (start - Duration::days(dice.below(400) as i64))
                            .to_string(),
                        ..Default::default()
                    },
                )
                .await?;
            let (product_id, provider_id, location_id) = *dice.pick(&shelters);
            let applied = start + Duration::days(dice.below(span.saturating_sub(3)) as i64);
            let application = services
                .register_application(
                    &consultant,
                    &ApplicationInput {
                        client_id: Some(client.id),
                        product_id: Some(product_id),
                        applied_on: applied.to_string(),
                        source: (*dice.pick(&[
                            "zelf",
                            "politie",
                            "ziekenhuis",
                            "maatschappelijk-werk",
                        ]))
                        .into(),
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
                        decided_on: applied.to_string(),
                        valid_from: Some(applied.to_string()),
                        reference: format!("MO-{}-{:04}", applied.format("%Y"), application.id),
                        ..Default::default()
                    },
                )
                .await?;
            created += 1;
            let stay = services
                .start_direct_stay(
                    &consultant,
                    decision.id,
                    Some(provider_id),
                    Some(location_id),
                    &applied.to_string(),
                    &Default::default(),
                )
                .await?;
            let end = applied + Duration::days(3 + dice.below(120) as i64);
            if end <= today {
                services
                    .end_stay(
                        &acting(
                            Role::Wachtlijstbeheerder,
                            Scope::Regio(
                                services
                                    .store
                                    .find_region_by_code(spec.code)
                                    .await?
                                    .map(|r| r.id)
                                    .unwrap_or_default(),
                            ),
                        ),
                        stay.id,
                        stay.version_id,
                        &crate::care::ExitInput {
                            end_date: end.to_string(),
                            destination: (*dice.pick(&[
                                "zelfstandig",
                                "familie-vrienden",
                                "andere-voorziening",
                                "onbekend",
                                "onbekend",
                                "beschermd-thuis",
                            ]))
                            .into(),
                        },
                    )
                    .await?;
            }
        }
    }

    // Review cycles and the last review per municipality (Gooi en
    // Vechtstreek: Hilversum every six weeks, the others every eight).
    for spec in &REGIONS {
        let Some(region) = services.store.find_region_by_code(spec.code).await? else {
            continue;
        };
        let manager = acting(Role::Wachtlijstbeheerder, Scope::Regio(region.id));
        if spec.code == "GV" {
            services.set_review_cycle(&manager, "GM0402", 6).await?;
        }
        for (code, _) in spec.municipalities {
            let agenda = services.review_agenda(&manager, code).await?;
            let held = today - Duration::weeks(3 + dice.below(7) as i64);
            let outcomes: Vec<crate::waitlist::review::ReviewOutcome> = agenda
                .iter()
                .take(3)
                .map(|l| crate::waitlist::review::ReviewOutcome {
                    entry_id: l.state.entry.id,
                    outcome: "Besproken; blijft op de lijst".into(),
                })
                .collect();
            services
                .record_review(&manager, code, &held.to_string(), &outcomes)
                .await?;
        }
    }
    load_access_points(services, start, today).await?;
    load_outflow(services, start, today).await?;
    outreach::load(services, start, today).await?;
    tenancy::load(services, start, today).await?;
    created += onder_de_pannen::load(services, start, today).await?;
    created += detention::load(services, start, today).await?;
    finance::publish_settlements(services, today).await?;
    Ok(created)
}

/// The Pact voor uitstroom in each region since `start`: agreements per
/// municipality and year (the centrumgemeente makes most homes available;
/// this year's agreement of one municipality revised once), nominations of
/// people who left protected housing or shelter for a home of their own
/// (allocated, the key on the day the stay ended, with aftercare and, after
/// a year, how living went), of people still in care (waiting, some
/// withdrawn) and of people leaving detention. Invented figures of the
/// seeds' shape; its own dice, so the rest of the demo stays as it was.
async fn load_outflow(
    services: &Services,
    start: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> DomainResult<()> {
    use crate::admin::{Role, Scope};
    use crate::outflow::{NominationInput, QuotaInput};
    use crate::store::{ClientLink, Clients};
    use chrono::{Datelike, Duration, Months};
    let mut dice = Dice(0x9ac7_2022_0075_7e00);
    let products = services.store.list_products().await?;
    let leaves_of = |product_id: i64| {
        let code = products
            .iter()
            .find(|p| p.id == product_id)
            .map(|p| p.code.as_str())
            .unwrap_or_default();
        match code {
            c if c.starts_with("BW") => Some("bw"),
            c if c.starts_with("MO") => Some("mo"),
            "VO" => Some("vo"),
            _ => None,
        }
    };
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
        for year in start.year()..=today.year() {
            for (code, _) in spec.municipalities {
                let homes = if *code == spec.centrum {
                    8
                } else {
                    2 + dice.below(3)
                };
                services
                    .set_quota(
                        &manager,
                        &QuotaInput {
                            municipality: (*code).into(),
                            year: year.to_string(),
                            homes: homes.to_string(),
                            note: None,
                        },
                    )
                    .await?;
            }
        }
        services
            .set_quota(
                &manager,
                &QuotaInput {
                    municipality: spec.centrum.into(),
                    year: today.year().to_string(),
                    homes: "10".into(),
                    note: Some("Bijgesteld na het bestuurlijk overleg met de corporaties".into()),
                },
            )
            .await?;
        let in_region = |m: &crate::reference::GemeenteCode| {
            spec.municipalities.iter().any(|(c, _)| *c == m.as_str())
        };
        let scope = Clients::Linked(ClientLink::Region(region.id));
        let headers = services.store.list_stay_headers(&scope).await?;
        let mut latest: std::collections::HashMap<i64, crate::care::StayVersion> =
            std::collections::HashMap::new();
        for v in services.store.list_stay_versions(&scope).await? {
            if latest.get(&v.stay_id).is_none_or(|o| o.id < v.id) {
                latest.insert(v.stay_id, v);
            }
        }
        let mut nominated: Vec<i64> = Vec::new();
        for h in &headers {
            let Some(v) = latest.get(&h.id) else { continue };
            let Some(leaves) = leaves_of(v.product_id) else {
                continue;
            };
            if nominated.contains(&h.client_id) {
                continue;
            }
            let sought = if in_region(&h.responsible) {
                h.responsible.to_string()
            } else {
                spec.centrum.to_string()
            };
            let base = |nominated_on: chrono::NaiveDate| NominationInput {
                route: if dice_route(h.id) { "urgentie" } else { "pact" }.into(),
                leaves: leaves.into(),
                stay_id: Some(h.id.to_string()),
                nominated_on: nominated_on.to_string(),
                municipality: sought.clone(),
                ..Default::default()
            };
            let input = match (v.end_date, v.exit) {
                // Left for a home of one's own: the key on the day of leaving.
                (Some(end), Some(crate::care::ExitDestination::Zelfstandig)) => {
                    let nominated_on =
                        (end - Duration::days(40 + dice.below(260) as i64)).max(v.start_date);
                    let home = if dice.chance(80) {
                        sought.clone()
                    } else {
                        dice.pick(spec.municipalities).0.to_string()
                    };
                    let after = |months: u32| end.checked_add_months(Months::new(months));
                    let (housing, housing_on) = match (after(12), dice.below(100)) {
                        (Some(m), 0..=7) if m <= today => (
                            Some("uitgezet"),
                            Some(end + Duration::days(90 + dice.below(270) as i64)),
                        ),
                        (Some(m), 8..=11) if m <= today => (
                            Some("terug-in-zorg"),
                            Some(end + Duration::days(60 + dice.below(300) as i64)),
                        ),
                        (Some(m), 12..=14) if m <= today => (
                            Some("uit-beeld"),
                            Some(end + Duration::days(120 + dice.below(200) as i64)),
                        ),
                        (Some(m), _) if m <= today => (Some("gehuisvest"), Some(m)),
                        _ => (None, None),
                    };
                    let aftercare_until = after(24).filter(|d| *d <= today);
                    NominationInput {
                        corporation_id: Some(dice.pick(&corporations).clone()),
                        address_municipality: Some(home),
                        key_on: Some(end.to_string()),
                        aftercare_provider: Some(v.provider_id.to_string()),
                        aftercare_from: Some(end.to_string()),
                        // Aftercare ends after two years, or earlier when
                        // the home is lost or the person is out of sight.
                        aftercare_until: match (housing, housing_on) {
                            (Some(h), Some(on)) if h != "gehuisvest" => Some(on.min(today)),
                            _ => aftercare_until,
                        }
                        .map(|d| d.to_string()),
                        housing: housing.map(str::to_string),
                        housing_on: housing_on.map(|d| d.min(today).to_string()),
                        ..base(nominated_on)
                    }
                }
                // Still in care for over a year: some are waiting for a home.
                (None, _) if (today - v.start_date).num_days() > 365 && dice.chance(60) => {
                    let nominated_on = today - Duration::days(10 + dice.below(330) as i64);
                    if dice.chance(12) {
                        NominationInput {
                            withdrawn_on: Some(
                                (nominated_on + Duration::days(30)).min(today).to_string(),
                            ),
                            withdrawal_reason: Some(
                                (*dice.pick(&["niet-bemiddelbaar", "woning-geweigerd"])).into(),
                            ),
                            ..base(nominated_on)
                        }
                    } else if h.id % 3 == 0 && !corporations.is_empty() {
                        // Offered to a corporation, waiting for a home
                        // (fixed per stay, so the dice stay as they were).
                        NominationInput {
                            corporation_id: Some(
                                corporations[h.id as usize % corporations.len()].clone(),
                            ),
                            ..base(nominated_on)
                        }
                    } else {
                        base(nominated_on)
                    }
                }
                _ => continue,
            };
            services.nominate(&manager, h.client_id, &input).await?;
            nominated.push(h.client_id);
        }
    }
    Ok(())
}

/// Whether a nomination is for an urgency declaration rather than a Pact
/// home (about one in four, fixed per stay so the demo is stable).
fn dice_route(stay_id: i64) -> bool {
    stay_id % 4 == 0
}

/// Registrations at each region's central access point since `start`:
/// trajectories, signals and threatened homelessness, from the region's
/// municipalities (the centrumgemeente most), from elsewhere and unknown,
/// some people coming back; older trajectories have their outcome. Its own
/// dice, so the rest of the demo stays as it was.
async fn load_access_points(
    services: &Services,
    start: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> DomainResult<()> {
    use crate::admin::{Role, Scope};
    use crate::clients::ClientInput;
    use crate::shelter::RegistrationInput;
    use crate::shelter::service::PersonInput;
    use chrono::Duration;
    // Municipalities outside both demo regions (CBS codes: Amsterdam,
    // Utrecht, Zaanstad, Almere).
    const ELSEWHERE: [&str; 4] = ["GM0363", "GM0344", "GM0479", "GM0034"];
    let mut dice = Dice(0xb0c7_2022_0a11_ce55);
    let span = (today - start).num_days().max(30) as u64;
    for spec in &REGIONS {
        let Some(region) = services.store.find_region_by_code(spec.code).await? else {
            continue;
        };
        let staff = acting(Role::Toegangsmedewerker, Scope::Regio(region.id));
        let mut known: Vec<i64> = Vec::new();
        let per_year = if spec.code == "GV" { 30 } else { 45 };
        let count = per_year * span / 365;
        for _ in 0..count {
            let reported = start + Duration::days(dice.below(span) as i64);
            let kind = match dice.below(100) {
                0..=64 => "traject",
                65..=89 => "signaal",
                _ => "dreigend-dakloos",
            };
            let origin = match dice.below(100) {
                0..=34 => Some(spec.centrum),
                35..=79 => Some(dice.pick(spec.municipalities).0),
                80..=91 => Some(*dice.pick(&ELSEWHERE)),
                _ => None,
            };
            let age = (today - reported).num_days();
            let (outcome, reason) = match (kind, age > 30, dice.below(100)) {
                (_, false, _) | ("signaal", _, _) => (None, None),
                ("traject", _, 0..=34) => (Some("zelfredzaam"), None),
                ("traject", _, 35..=84) => (Some("toegang-opvang"), None),
                ("traject", _, _) => (
                    Some("beeindigd"),
                    Some(*dice.pick(&["niet-verschenen", "teruggetrokken", "elders-opgevangen"])),
                ),
                (_, _, 0..=59) => (Some("woning-behouden"), None),
                (_, _, 60..=79) => (Some("doorverwezen"), None),
                _ => (Some("dakloos-geworden"), None),
            };
            let input = RegistrationInput {
                kind: kind.into(),
                reported_on: reported.to_string(),
                stated_origin: origin.map(str::to_string),
                outcome: outcome.map(str::to_string),
                outcome_on: outcome.map(|_| {
                    (reported + Duration::days(3 + dice.below(25) as i64))
                        .min(today)
                        .to_string()
                }),
                referred_to: None,
                end_reason: reason.map(str::to_string),
                note: None,
            };
            let person = if !known.is_empty() && dice.chance(15) {
                PersonInput::Existing(*dice.pick(&known))
            } else {
                let born = chrono::NaiveDate::from_ymd_opt(
                    1960 + dice.below(45) as i32,
                    1 + dice.below(12) as u32,
                    1 + dice.below(28) as u32,
                )
                .unwrap_or(start);
                PersonInput::New(ClientInput {
                    given_name: (*dice.pick(&GIVEN)).into(),
                    family_name: (*dice.pick(&FAMILY)).into(),
                    date_of_birth: born.to_string(),
                    ..Default::default()
                })
            };
            // A referral needs an origin; without one the demo leaves the
            // trajectory open.
            let input = if outcome == Some("zelfredzaam") && origin.is_none() {
                RegistrationInput {
                    outcome: None,
                    outcome_on: None,
                    ..input
                }
            } else {
                input
            };
            let r = services
                .register_at_access_point(&staff, &person, &input)
                .await?;
            if !known.contains(&r.client_id) {
                known.push(r.client_id);
            }
        }
    }
    Ok(())
}

/// The demo policy plans: the regional plan of Gooi en Vechtstreek (three
/// programme lines, thirty-one measures) and the implementation programme of
/// Velsen (four goals with actions), written for the demo.
pub const PLANS: [&str; 2] = [
    include_str!("demo/beleidsplan-gooi-en-vechtstreek.json"),
    include_str!("demo/uitvoeringsprogramma-velsen.json"),
];

/// Loads the demo plans as the system.
pub async fn load_plans(services: &Services) -> DomainResult<Vec<crate::plan::PlanVersion>> {
    let ctx = RequestContext::system("demo");
    let mut out = Vec::new();
    for text in PLANS {
        out.push(services.load_plan(&ctx, text).await?);
    }
    Ok(out)
}

/// The demo's population forecast: invented numbers of the right shape for
/// the municipalities of both demo regions, 2020 to 2040, in the documented
/// format (`forecast::population`). Not a real forecast.
pub const POPULATION_FORECAST: &str = include_str!("demo/bevolkingsprognose-demo.csv");

/// Loads the demo population forecast, one per demo region, as the system.
pub async fn load_population_forecasts(
    services: &Services,
) -> DomainResult<Vec<crate::forecast::population::PopulationForecast>> {
    use crate::forecast::population::{NewPopulation, Population, parse};
    let all = parse(POPULATION_FORECAST).map_err(|e| {
        crate::error::DomainError::Internal(format!("demoprognose onleesbaar: {:?}", e.first()))
    })?;
    let ctx = RequestContext::system("demo");
    let mut out = Vec::new();
    for region in services.store.list_regions().await? {
        let own = services.region_codes(region.id).await?;
        let rows: Population = Population {
            rows: all
                .rows
                .iter()
                .filter(|((g, _, _), _)| own.contains(g))
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        };
        if rows.rows.is_empty() {
            continue;
        }
        let draft = services
            .draft(
                &ctx,
                crate::audit::AuditAction::Created,
                crate::audit::ObjectType::Bevolkingsprognose,
                None,
            )
            .with_details(serde_json::json!({ "naam": "Demoprognose", "regels": rows.rows.len() }));
        out.push(
            services
                .store
                .create_population(
                    &NewPopulation {
                        region_id: region.id,
                        name: format!("Demoprognose {}", region.name),
                        source: "Verzonnen voor de demo: geen echte cijfers".into(),
                    },
                    &rows,
                    services.clock.now_micros(),
                    "demo",
                    draft,
                )
                .await?,
        );
    }
    Ok(out)
}
