//! Everything zothuis holds about one client, as one document for the
//! person's request of access (AVG art. 15; art. 20 for the machine-readable
//! copy). The document is a list of sections, each a table with named
//! columns, so that the readable page and the JSON come from one source.
//!
//! What the law asks of other people's data in it (AVG art. 15 lid 4: the
//! copy may not harm the rights of others):
//! - staff appear by role and organisation, never by name or username;
//! - other clients never appear: every read is of this client's rows only;
//! - a secret address (women's shelter) is not written into the document:
//!   the street address of a restricted client and the name of a location
//!   with a secret address are replaced by a notice, and the person can see
//!   them in person (the document may reach someone else, AVG art. 23 lid 1
//!   i, the protection of the person).

use super::AccessRequest;
use crate::access::assessment::{Answer, Assessment};
use crate::access::{Application, Decision};
use crate::admin::{Role, Scope};
use crate::audit::{AuditAction, AuditRecord};
use crate::care::{StayHeader, StayVersion};
use crate::clients::{AddressKind, AddressRow, Client, ClientVersion, Institution};
use crate::outflow::Nomination;
use crate::shelter::Registration;
use crate::waitlist::{Entry, Transition};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// What takes the place of a secret address in the document.
pub const WITHHELD: &str = "afgeschermd: in te zien op afspraak";

/// One part of the document: a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Stable key of the part in the JSON (camelCase Dutch).
    pub key: &'static str,
    pub title: &'static str,
    /// Key (JSON) and heading (page) per column.
    pub columns: Vec<(&'static str, &'static str)>,
    pub rows: Vec<Vec<String>>,
    /// What the page says when there are no rows.
    pub empty: &'static str,
}

/// The whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Dossier {
    pub request: AccessRequest,
    pub client_id: i64,
    pub produced_at: DateTime<Utc>,
    /// What the reader should know about the document, in Dutch.
    pub notices: Vec<String>,
    pub sections: Vec<Section>,
}

impl Dossier {
    /// The title of the document.
    pub const TITLE: &'static str = "Overzicht van uw gegevens in zothuis";

    /// The facts of the request and the document, as label and value, in
    /// Dutch: what every form of the document shows above its parts.
    pub fn facts(&self) -> Vec<(String, String)> {
        let r = &self.request;
        let mut facts = vec![
            ("Inzageverzoek".to_string(), format!("nummer {}", r.id)),
            ("Cliëntnummer".to_string(), r.client_id.to_string()),
            (
                "Ontvangen op".to_string(),
                crate::dates::dutch_long(r.received_on),
            ),
            (
                "Te beantwoorden vóór".to_string(),
                crate::dates::dutch_long(r.due_on()),
            ),
            ("Overzicht gemaakt op".to_string(), moment(self.produced_at)),
        ];
        if let Some(n) = &r.note {
            facts.push(("Toelichting bij het verzoek".to_string(), n.clone()));
        }
        facts
    }
}

/// Everything read about the client, all of it the client's own rows.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub client: Option<Client>,
    pub versions: Vec<ClientVersion>,
    pub addresses: Vec<AddressRow>,
    pub applications: Vec<Application>,
    pub assessments: Vec<Assessment>,
    pub decisions: Vec<Decision>,
    pub entries: Vec<Entry>,
    pub transitions: Vec<Transition>,
    pub stays: Vec<StayHeader>,
    pub stay_versions: Vec<StayVersion>,
    pub registrations: Vec<Registration>,
    pub nominations: Vec<Nomination>,
    /// iWmo assignments to providers, and the messages about the client,
    /// oldest first.
    pub assignments: Vec<crate::exchange::iwmo::model::Assignment>,
    pub messages: Vec<crate::exchange::iwmo::model::MessageRecord>,
    /// Rows of the audit log about the client, newest first.
    pub audit: Vec<AuditRecord>,
}

/// Names of what the record refers to.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub municipalities: HashMap<String, String>,
    pub products: HashMap<i64, String>,
    pub providers: HashMap<i64, String>,
    /// Name, and whether the location's address is secret.
    pub locations: HashMap<i64, (String, bool)>,
    pub regions: HashMap<i64, String>,
    pub corporations: HashMap<i64, String>,
    /// Role and scope of each user (by username) and API token (by its
    /// actor name, `token:<name>`), to name whoever recorded or read
    /// something by role and organisation.
    pub staff: HashMap<String, (Role, Scope)>,
}

impl Names {
    fn municipality(&self, code: &str) -> String {
        self.municipalities
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    fn product(&self, id: i64) -> String {
        self.products.get(&id).cloned().unwrap_or_default()
    }

    fn organisation(&self, scope: &Scope) -> String {
        match scope {
            Scope::Installatie => "zothuis (hele installatie)".into(),
            Scope::Regio(id) => format!(
                "regio {}",
                self.regions.get(id).cloned().unwrap_or_default()
            ),
            Scope::Gemeente(code) => format!("gemeente {}", self.municipality(code.as_str())),
            Scope::Aanbieder(id) => format!(
                "aanbieder {}",
                self.providers.get(id).cloned().unwrap_or_default()
            ),
            Scope::Corporatie(id) => format!(
                "woningcorporatie {}",
                self.corporations.get(id).cloned().unwrap_or_default()
            ),
        }
    }

    /// Whoever recorded or read a row, by role and organisation (never by
    /// name); `role` is the role as logged at the time, if known.
    fn staff(&self, actor: &str, role: Option<&str>) -> String {
        let known = self.staff.get(actor);
        let role = role
            .and_then(|r| Role::parse(r).ok())
            .or(known.map(|(r, _)| *r));
        match (known, role) {
            // "Aanbieder, aanbieder Kwintes" says the organisation twice.
            (Some((_, scope @ (Scope::Aanbieder(_) | Scope::Corporatie(_)))), Some(_)) => {
                let org = self.organisation(scope);
                let mut chars = org.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
            (Some((_, scope)), Some(role)) => {
                format!("{}, {}", role.label(), self.organisation(scope))
            }
            (None, Some(role)) => role.label().to_string(),
            (_, None) if actor.starts_with("system") || actor.is_empty() => {
                "zothuis (automatisch)".into()
            }
            (_, None) => "medewerker".into(),
        }
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

fn moment(at: DateTime<Utc>) -> String {
    crate::dates::dutch_timestamp(at, false)
}

fn yes_no(b: bool) -> String {
    if b { "ja" } else { "nee" }.to_string()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// The document for `request` from the client's `record`.
pub fn build(
    request: &AccessRequest,
    record: &Record,
    names: &Names,
    produced_at: DateTime<Utc>,
) -> Dossier {
    let restricted = record.client.as_ref().is_some_and(|c| c.restricted);
    let by = |who: &str| names.staff(who, None);
    let mut notices = vec![
        "Dit overzicht bevat alle gegevens die zothuis over u bewaart, met hun geschiedenis, \
         en wie uw gegevens heeft ingezien of gewijzigd (AVG artikel 15). Medewerkers staan \
         erin met hun rol en organisatie, niet met hun naam."
            .to_string(),
        "Uw gegevens worden verwerkt voor de toegang tot en de uitvoering van beschermd wonen \
         en opvang (Wet maatschappelijke ondersteuning 2015). Klopt er iets niet, dan kunt u \
         vragen het te verbeteren (AVG artikel 16)."
            .to_string(),
        "Meldingen bij zorgcoördinatie (bemoeizorg) en trajecten Huren Onder Voorwaarden worden \
         zonder koppeling aan uw registratie bijgehouden en staan daarom niet in dit overzicht; \
         vraag de functionaris gegevensbescherming ernaar."
            .to_string(),
    ];
    if restricted || record_has_secret_location(record, names) {
        notices.push(format!(
            "Voor uw veiligheid staan geheime adressen niet in dit document (\"{WITHHELD}\"). \
             U kunt ze bij de functionaris gegevensbescherming inzien."
        ));
    }
    let mut sections = Vec::new();

    sections.push(Section {
        key: "persoonsgegevens",
        title: "Persoonsgegevens en hun geschiedenis",
        columns: vec![
            // The client number: another one is a record merged into this
            // one (`clients::merge`).
            ("dossier", "Dossier"),
            ("vastgelegdOp", "Vastgelegd op"),
            ("door", "Door"),
            ("voornaam", "Voornaam"),
            ("achternaam", "Achternaam"),
            ("geboortedatum", "Geboortedatum"),
            ("bsn", "BSN"),
            ("telefoon", "Telefoon"),
            ("email", "E-mail"),
            ("afgeschermd", "Afgeschermd"),
        ],
        rows: record
            .versions
            .iter()
            .map(|v| {
                vec![
                    v.client_id.to_string(),
                    moment(v.recorded_at),
                    by(&v.recorded_by),
                    v.given_name.clone(),
                    v.family_name.clone(),
                    date(v.date_of_birth),
                    v.bsn.as_ref().map(|b| b.to_string()).unwrap_or_default(),
                    opt(&v.phone),
                    opt(&v.email),
                    yes_no(v.restricted),
                ]
            })
            .collect(),
        empty: "Geen persoonsgegevens.",
    });

    sections.push(Section {
        key: "adressen",
        title: "Adressen",
        columns: vec![
            ("dossier", "Dossier"),
            ("geldigVanaf", "Geldig vanaf"),
            ("soort", "Soort"),
            ("gemeente", "Gemeente"),
            ("adres", "Adres"),
            ("instelling", "Instelling"),
            ("vervallen", "Vervallen"),
            ("vastgelegdOp", "Vastgelegd op"),
            ("door", "Door"),
        ],
        rows: record
            .addresses
            .iter()
            .map(|a| {
                let street = match (&a.address, restricted, a.kind) {
                    (_, _, AddressKind::Geen) | (None, _, _) => String::new(),
                    (Some(_), true, _) => WITHHELD.to_string(),
                    (Some(s), false, _) => s.clone(),
                };
                vec![
                    a.client_id.to_string(),
                    date(a.effective_date),
                    a.kind.label().to_string(),
                    a.municipality
                        .as_ref()
                        .map(|m| names.municipality(m.as_str()))
                        .unwrap_or_default(),
                    street,
                    if a.institution == Institution::None {
                        String::new()
                    } else {
                        a.institution.label().to_string()
                    },
                    yes_no(a.retracted),
                    moment(a.recorded_at),
                    by(&a.recorded_by),
                ]
            })
            .collect(),
        empty: "Er is geen adres vastgelegd.",
    });

    sections.push(Section {
        key: "aanmeldingen",
        title: "Aanmeldingen",
        columns: vec![
            ("aanmelddatum", "Aanmelddatum"),
            ("product", "Product"),
            ("gemeente", "Aanmeldgemeente"),
            ("bron", "Bron"),
            ("vastgelegdOp", "Vastgelegd op"),
            ("door", "Door"),
        ],
        rows: record
            .applications
            .iter()
            .map(|a| {
                vec![
                    date(a.applied_on),
                    names.product(a.product_id),
                    names.municipality(a.municipality.as_str()),
                    a.source.label().to_string(),
                    moment(a.recorded_at),
                    by(&a.recorded_by),
                ]
            })
            .collect(),
        empty: "Geen aanmeldingen.",
    });

    let application_product: HashMap<i64, i64> = record
        .applications
        .iter()
        .map(|a| (a.id, a.product_id))
        .collect();
    sections.push(Section {
        key: "beoordelingen",
        title: "Beoordelingen van de toegangscriteria",
        columns: vec![
            ("datum", "Datum"),
            ("product", "Product"),
            ("voldoet", "Voldoet aan de criteria"),
            ("antwoorden", "Antwoorden"),
            ("motivering", "Motivering"),
            ("vastgelegdOp", "Vastgelegd op"),
            ("door", "Door"),
        ],
        rows: record
            .assessments
            .iter()
            .map(|a| {
                let answers: Vec<String> = a
                    .answers
                    .iter()
                    .map(|(criterion, answer, note)| {
                        let word = match answer {
                            Answer::Ja => "ja",
                            Answer::Nee => "nee",
                            Answer::NietVanToepassing => "niet van toepassing",
                        };
                        match note {
                            Some(n) => format!("criterium {criterion}: {word} ({n})"),
                            None => format!("criterium {criterion}: {word}"),
                        }
                    })
                    .collect();
                vec![
                    date(a.assessed_on),
                    application_product
                        .get(&a.application_id)
                        .map(|p| names.product(*p))
                        .unwrap_or_default(),
                    yes_no(a.meets),
                    answers.join("; "),
                    a.motivation.clone(),
                    moment(a.recorded_at),
                    by(&a.recorded_by),
                ]
            })
            .collect(),
        empty: "Geen beoordelingen.",
    });

    sections.push(Section {
        key: "beschikkingen",
        title: "Beschikkingen en de verantwoordelijke gemeente",
        columns: vec![
            ("besluitdatum", "Besluitdatum"),
            ("product", "Product"),
            ("besluit", "Besluit"),
            ("kenmerk", "Kenmerk"),
            ("geldigVanaf", "Geldig vanaf"),
            ("geldigTot", "Geldig tot"),
            ("verantwoordelijkeGemeente", "Verantwoordelijke gemeente"),
            ("uitleg", "Waarom deze gemeente"),
            ("afwijking", "Reden van afwijking"),
            ("vastgelegdOp", "Vastgelegd op"),
            ("door", "Door"),
        ],
        rows: record
            .decisions
            .iter()
            .map(|d| {
                vec![
                    date(d.decided_on),
                    names.product(d.product_id),
                    d.outcome.label().to_string(),
                    d.reference.clone(),
                    opt_date(d.valid_from),
                    opt_date(d.valid_to),
                    names.municipality(d.responsible.as_str()),
                    d.explanation.clone(),
                    opt(&d.override_reason),
                    moment(d.recorded_at),
                    by(&d.recorded_by),
                ]
            })
            .collect(),
        empty: "Geen beschikkingen.",
    });

    let entry_product: HashMap<i64, i64> = record
        .entries
        .iter()
        .map(|e| (e.id, e.product_id))
        .collect();
    sections.push(Section {
        key: "wachtlijst",
        title: "Wachtlijst: elke statuswijziging",
        columns: vec![
            ("product", "Product"),
            ("status", "Status"),
            ("ingangsdatum", "Ingangsdatum"),
            ("toelichting", "Toelichting"),
            ("gecorrigeerd", "Later gecorrigeerd"),
            ("vastgelegdOp", "Vastgelegd op"),
            ("door", "Door"),
        ],
        rows: record
            .transitions
            .iter()
            .map(|t| {
                let corrected = t.retracted
                    || record
                        .transitions
                        .iter()
                        .any(|later| later.supersedes == Some(t.id));
                vec![
                    entry_product
                        .get(&t.entry_id)
                        .map(|p| names.product(*p))
                        .unwrap_or_default(),
                    t.status.label().to_string(),
                    date(t.effective_date),
                    opt(&t.note),
                    yes_no(corrected),
                    moment(t.recorded_at),
                    by(&t.recorded_by),
                ]
            })
            .collect(),
        empty: "Nooit op de wachtlijst.",
    });

    sections.push(Section {
        key: "verblijven",
        title: "Verblijven: elke vastgelegde versie",
        columns: vec![
            ("verblijf", "Verblijf"),
            ("product", "Product"),
            ("aanbieder", "Aanbieder"),
            ("locatie", "Locatie"),
            ("start", "Start"),
            ("einde", "Einde"),
            ("uitstroom", "Uitstroom naar"),
            ("financiering", "Financiering"),
            ("verantwoordelijkeGemeente", "Verantwoordelijke gemeente"),
            ("vastgelegdOp", "Vastgelegd op"),
            ("door", "Door"),
        ],
        rows: record
            .stay_versions
            .iter()
            .map(|v| {
                let header = record.stays.iter().find(|h| h.id == v.stay_id);
                vec![
                    v.stay_id.to_string(),
                    names.product(v.product_id),
                    names
                        .providers
                        .get(&v.provider_id)
                        .cloned()
                        .unwrap_or_default(),
                    v.location_id
                        .map(|l| match names.locations.get(&l) {
                            Some((_, true)) => WITHHELD.to_string(),
                            Some((name, false)) => name.clone(),
                            None => String::new(),
                        })
                        .unwrap_or_default(),
                    date(v.start_date),
                    opt_date(v.end_date),
                    v.exit.map(|e| e.label().to_string()).unwrap_or_default(),
                    v.financing.label().to_string(),
                    header
                        .map(|h| names.municipality(h.responsible.as_str()))
                        .unwrap_or_default(),
                    moment(v.recorded_at),
                    by(&v.recorded_by),
                ]
            })
            .collect(),
        empty: "Geen verblijven.",
    });

    sections.push(Section {
        key: "meldingenOpvang",
        title: "Meldingen bij de centrale toegang tot de opvang",
        columns: vec![
            ("soort", "Soort"),
            ("gemeldOp", "Gemeld op"),
            ("herkomst", "Gemeente van herkomst"),
            ("hoeVastgesteld", "Hoe vastgesteld"),
            ("uitkomst", "Uitkomst"),
            ("uitkomstOp", "Datum uitkomst"),
            ("toelichting", "Toelichting"),
            ("vastgelegdOp", "Vastgelegd op"),
            ("door", "Door"),
        ],
        rows: record
            .registrations
            .iter()
            .map(|r| {
                let f = &r.facts;
                vec![
                    f.kind.label().to_string(),
                    date(f.reported_on),
                    f.origin
                        .as_ref()
                        .map(|m| names.municipality(m.as_str()))
                        .unwrap_or_default(),
                    f.origin_basis.label().to_string(),
                    f.outcome.map(|o| o.label().to_string()).unwrap_or_default(),
                    opt_date(f.outcome_on),
                    opt(&f.note),
                    moment(r.recorded_at),
                    by(&r.recorded_by),
                ]
            })
            .collect(),
        empty: "Geen meldingen.",
    });

    sections.push(Section {
        key: "voordrachten",
        title: "Voordrachten voor een woning (Pact voor uitstroom en urgentie)",
        columns: vec![
            ("route", "Route"),
            ("voorgedragenOp", "Voorgedragen op"),
            ("gemeente", "Gemeente"),
            ("corporatie", "Woningcorporatie"),
            ("sleutelOp", "Sleutel op"),
            ("ingetrokkenOp", "Ingetrokken op"),
            ("toelichting", "Toelichting"),
            ("vastgelegdOp", "Vastgelegd op"),
            ("door", "Door"),
        ],
        rows: record
            .nominations
            .iter()
            .map(|n| {
                let f = &n.facts;
                vec![
                    f.route.label().to_string(),
                    date(f.nominated_on),
                    names.municipality(f.municipality.as_str()),
                    f.corporation_id
                        .and_then(|c| names.corporations.get(&c).cloned())
                        .unwrap_or_default(),
                    opt_date(f.key_on),
                    opt_date(f.withdrawn_on),
                    opt(&f.note),
                    moment(n.recorded_at),
                    by(&n.recorded_by),
                ]
            })
            .collect(),
        empty: "Geen voordrachten.",
    });

    sections.push(Section {
        key: "toewijzingen",
        title: "Toewijzingen aan aanbieders (iWmo)",
        columns: vec![
            ("toewijzingnummer", "Toewijzingnummer"),
            ("aanbieder", "Aanbieder"),
            ("product", "Product"),
            ("ingangsdatum", "Ingangsdatum"),
            ("einddatum", "Einddatum"),
            ("gemeente", "Gemeente"),
            ("vastgelegdOp", "Vastgelegd op"),
            ("door", "Door"),
        ],
        rows: record
            .assignments
            .iter()
            .map(|a| {
                vec![
                    a.id.to_string(),
                    names
                        .providers
                        .get(&a.provider_id)
                        .cloned()
                        .unwrap_or_default(),
                    names.product(a.product_id),
                    date(a.start_date),
                    opt_date(a.end_date),
                    names.municipality(a.municipality.as_str()),
                    moment(a.recorded_at),
                    by(&a.recorded_by),
                ]
            })
            .collect(),
        empty: "Niet toegewezen aan een aanbieder.",
    });

    // What was sent about the client and to whom: the messages carry the
    // details above (BSN, name, address, assignment), not more.
    sections.push(Section {
        key: "iwmoBerichten",
        title: "Berichten met aanbieders (iWmo)",
        columns: vec![
            ("bericht", "Bericht"),
            ("richting", "Richting"),
            ("aanbieder", "Aanbieder"),
            ("status", "Status"),
            ("tijdstip", "Tijdstip"),
        ],
        rows: record
            .messages
            .iter()
            .map(|m| {
                vec![
                    format!("WMO{}", m.message.number()),
                    if m.incoming {
                        "van de aanbieder"
                    } else {
                        "aan de aanbieder"
                    }
                    .to_string(),
                    names
                        .providers
                        .get(&m.provider_id)
                        .cloned()
                        .unwrap_or_default(),
                    m.status.label().to_string(),
                    moment(m.recorded_at),
                ]
            })
            .collect(),
        empty: "Geen berichten met aanbieders.",
    });

    sections.push(Section {
        key: "inzage",
        title: "Wie uw gegevens heeft ingezien of gewijzigd (NEN 7513)",
        columns: vec![
            ("tijdstip", "Tijdstip"),
            ("wie", "Wie"),
            ("actie", "Wat"),
            ("gegeven", "Welk gegeven"),
            ("resultaat", "Resultaat"),
        ],
        rows: record
            .audit
            .iter()
            .map(|r| {
                let who = if r.actor_kind == "systeem" {
                    "zothuis (automatisch)".to_string()
                } else {
                    names.staff(&r.actor_name, Some(&r.actor_role))
                };
                vec![
                    moment(r.occurred_at),
                    who,
                    AuditAction::label(&r.action).to_string(),
                    r.object_type.replace('-', " "),
                    r.outcome.clone(),
                ]
            })
            .collect(),
        empty: "Niemand heeft uw gegevens ingezien.",
    });

    Dossier {
        request: request.clone(),
        client_id: request.client_id,
        produced_at,
        notices,
        sections,
    }
}

fn record_has_secret_location(record: &Record, names: &Names) -> bool {
    record.stay_versions.iter().any(|v| {
        v.location_id
            .and_then(|l| names.locations.get(&l))
            .is_some_and(|(_, secret)| *secret)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::{Financing, GemeenteCode};
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 12, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn huizen() -> GemeenteCode {
        GemeenteCode::parse("GM0406").unwrap_or_else(|e| panic!("{e}"))
    }

    fn request() -> AccessRequest {
        AccessRequest {
            id: 3,
            client_id: 12,
            region_id: Some(1),
            received_on: day(2026, 1, 9),
            identity_check: "paspoort".into(),
            note: None,
            recorded_at: at(),
            recorded_by: "fg.gv".into(),
            answered_at: None,
            answered_by: None,
        }
    }

    fn client(restricted: bool) -> Client {
        Client {
            id: 12,
            given_name: "Inge".into(),
            family_name: "Visser".into(),
            date_of_birth: day(1979, 2, 3),
            bsn: None,
            phone: None,
            email: None,
            restricted,
            registered_by: huizen(),
            created_at: at(),
            version: 1,
            merged_into: None,
        }
    }

    fn names() -> Names {
        let mut n = Names::default();
        n.municipalities.insert("GM0406".into(), "Huizen".into());
        n.providers.insert(1, "Kwintes".into());
        n.products.insert(1, "Beschermd wonen".into());
        n.locations.insert(1, ("Huis aan de Brink".into(), false));
        n.locations.insert(2, ("Opvang Zuid".into(), true));
        n.staff.insert(
            "consulent.huizen".into(),
            (Role::WmoConsulent, Scope::Gemeente(huizen())),
        );
        n.staff.insert(
            "token:kwintes".into(),
            (Role::Aanbieder, Scope::Aanbieder(1)),
        );
        n
    }

    fn address() -> AddressRow {
        AddressRow {
            id: 1,
            client_id: 12,
            kind: AddressKind::Woonadres,
            municipality: Some(huizen()),
            address: Some("Lindelaan 4".into()),
            institution: Institution::None,
            effective_date: day(2025, 3, 1),
            recorded_at: at(),
            recorded_by: "consulent.huizen".into(),
            supersedes: None,
            retracted: false,
        }
    }

    fn stay_at(location: i64) -> StayVersion {
        StayVersion {
            id: location,
            stay_id: location,
            product_id: 1,
            provider_id: 1,
            location_id: Some(location),
            start_date: day(2025, 4, 1),
            end_date: None,
            exit: None,
            financing: Financing::Zin,
            care_level: None,
            recorded_at: at(),
            recorded_by: "someone.gone".into(),
        }
    }

    fn rows<'a>(d: &'a Dossier, key: &str) -> &'a Vec<Vec<String>> {
        &d.sections
            .iter()
            .find(|s| s.key == key)
            .unwrap_or_else(|| panic!("no {key}"))
            .rows
    }

    #[test]
    fn every_part_has_a_cell_per_column_and_staff_appear_by_role_and_organisation() {
        let record = Record {
            client: Some(client(false)),
            addresses: vec![address()],
            stay_versions: vec![stay_at(1)],
            ..Default::default()
        };
        let d = build(&request(), &record, &names(), at());
        for s in &d.sections {
            for row in &s.rows {
                assert_eq!(row.len(), s.columns.len(), "{}", s.key);
            }
        }
        let address = &rows(&d, "adressen")[0];
        assert_eq!(address[4], "Lindelaan 4");
        assert_eq!(address[8], "Wmo-consulent, gemeente Huizen");
        let stay = &rows(&d, "verblijven")[0];
        assert_eq!(stay[3], "Huis aan de Brink");
        // Someone no longer known is not named either.
        assert_eq!(stay[10], "medewerker");
        assert_eq!(names().staff("token:kwintes", None), "Aanbieder Kwintes");
        assert_eq!(
            names().staff("consulent.huizen", Some("wachtlijstbeheerder")),
            "Wachtlijstbeheerder, gemeente Huizen",
            "the role as logged at the time"
        );
        assert!(!format!("{d:?}").contains("consulent.huizen"));
    }

    #[test]
    fn a_secret_address_and_a_secret_location_are_withheld() {
        let record = Record {
            client: Some(client(true)),
            addresses: vec![address()],
            stay_versions: vec![stay_at(2)],
            ..Default::default()
        };
        let d = build(&request(), &record, &names(), at());
        assert_eq!(rows(&d, "adressen")[0][4], WITHHELD);
        assert_eq!(rows(&d, "verblijven")[0][3], WITHHELD);
        assert!(!format!("{d:?}").contains("Lindelaan"));
        assert!(!format!("{d:?}").contains("Opvang Zuid"));
        assert!(d.notices.iter().any(|n| n.contains("geheime adressen")));
        // Without anything secret, no such notice.
        let open = build(
            &request(),
            &Record {
                client: Some(client(false)),
                ..Default::default()
            },
            &names(),
            at(),
        );
        assert!(!open.notices.iter().any(|n| n.contains("geheime adressen")));
    }
}
