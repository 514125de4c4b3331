//! Validation of import tables into one batch. Every row is checked with the
//! same rules as the screens (the input types' own `parse`), the waiting-list
//! history of each decision runs through the status state machine, and the
//! responsible municipality of every decision is determined by the rule
//! engine from the imported address history. Registrations at the access
//! point and nominations for outflow follow the client's other rows
//! (`client_registers`).

use super::client_registers::{self, ImportNomination, ImportRegistration};
use super::registers::{RegisterBatch, RegisterWorld};
use super::{Checked, Problem, Row, Table, TableKind, normalize_code};
use crate::access::service::RuleWorld;
use crate::access::{
    ApplicationData, DecisionInput, DecisionRecord, Outcome, Source, woonplaats::EndedProvision,
};
use crate::audit::AuditDraft;
use crate::care::{ExitInput, ScreeningInput, ScreeningResult, StayFacts};
use crate::clients::{AddressData, AddressInput, AddressRow, Bsn, ClientData, ClientInput};
use crate::error::DomainError;
use crate::reference::{
    CareLevel, Corporation, Financing, GemeenteCode, Location, Product, Provider,
};
use crate::shelter::OriginRule;
use crate::waitlist::{Status, TransitionData, TransitionInput, check_transition};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};

/// Everything validated, ready to be written in one transaction. Ids of
/// rows created by the batch itself (client, application, decision, entry)
/// are zero here; the store fills them in.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    pub clients: Vec<ImportClient>,
    /// The registers without clients (Pact, HOV, zorgcoördinatie).
    pub registers: RegisterBatch,
}

/// The audit rows of a written import, in its transaction.
#[derive(Debug, Clone)]
pub struct ImportAudit {
    /// Each client's row; the store sets the client.
    pub per_client: AuditDraft,
    /// The base of each record's row (who, when, which request): of the
    /// registers, and of a client's registrations and nominations; the
    /// object type and details come from the record (`ImportQuota::audit`,
    /// `ImportNomination::audit`, …), the id from the store.
    pub per_record: AuditDraft,
    /// The import's own row, with what it held.
    pub summary: AuditDraft,
}

#[derive(Debug, Clone)]
pub struct ImportClient {
    /// The client number in the files.
    pub key: String,
    pub data: ClientData,
    pub registered_by: GemeenteCode,
    pub addresses: Vec<AddressData>,
    pub decisions: Vec<ImportDecision>,
    pub stays: Vec<ImportStay>,
    /// Registrations at the access point, in file order.
    pub registrations: Vec<ImportRegistration>,
    /// Nominations for outflow, in file order.
    pub nominations: Vec<ImportNomination>,
}

#[derive(Debug, Clone)]
pub struct ImportDecision {
    pub application: ApplicationData,
    pub record: DecisionRecord,
    /// The transitions after the opening `aangemeld`, in order.
    pub transitions: Vec<ImportTransition>,
}

#[derive(Debug, Clone)]
pub struct ImportTransition {
    pub data: TransitionData,
    /// For an in-screening transition: how the screening ended, if it did.
    pub outcome: Option<(ScreeningResult, NaiveDate)>,
}

#[derive(Debug, Clone)]
pub struct ImportStay {
    /// The index of the decision (in the client's `decisions`) it follows.
    pub decision: Option<usize>,
    pub responsible: GemeenteCode,
    pub facts: StayFacts,
    /// The transition to geplaatst this stay writes on the waiting list.
    pub placement: Option<TransitionData>,
}

/// How much an import holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub clients: usize,
    pub addresses: usize,
    pub decisions: usize,
    pub transitions: usize,
    pub stays: usize,
    pub registrations: usize,
    pub nominations: usize,
    pub quotas: usize,
    pub tenancies: usize,
    pub trajectories: usize,
    pub reports: usize,
}

impl std::fmt::Display for ImportCounts {
    /// The clients' part as ever; each register only when the import has it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        let registers = [
            (self.quotas, "Pact-afspraken"),
            (self.tenancies, "HOV-trajecten"),
            (self.trajectories, "trajecten zorgcoördinatie"),
            (self.reports, "meldingen zorgcoördinatie"),
        ];
        if self.clients > 0 || registers.iter().all(|(n, _)| *n == 0) {
            parts.push(format!(
                "{} cliënten, {} adressen, {} beschikkingen, {} wachtlijstovergangen, {} verblijven",
                self.clients, self.addresses, self.decisions, self.transitions, self.stays
            ));
            for (n, what) in [
                (self.registrations, "toegangsmeldingen"),
                (self.nominations, "voordrachten"),
            ] {
                if n > 0 {
                    parts.push(format!("{n} {what}"));
                }
            }
        }
        for (n, what) in registers {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        write!(f, "{}", parts.join(", "))
    }
}

impl ImportBatch {
    pub fn counts(&self) -> ImportCounts {
        let mut c = ImportCounts {
            clients: self.clients.len(),
            ..Default::default()
        };
        for cl in &self.clients {
            c.addresses += cl.addresses.len();
            c.decisions += cl.decisions.len();
            c.transitions += cl
                .decisions
                .iter()
                .map(|d| d.transitions.len())
                .sum::<usize>();
            c.stays += cl.stays.len();
            c.registrations += cl.registrations.len();
            c.nominations += cl.nominations.len();
        }
        let r = &self.registers;
        c.quotas = r.quotas.len();
        c.tenancies = r.tenancies.len();
        for p in &r.outreach {
            c.trajectories += p.trajectories.len();
            c.reports += p
                .trajectories
                .iter()
                .map(|t| t.reports.len())
                .sum::<usize>();
        }
        c
    }
}

/// What the validation needs to know about zothuis as it is.
pub struct ImportWorld {
    pub rules: RuleWorld,
    pub providers: Vec<Provider>,
    pub locations: Vec<Location>,
    /// BSN → the client registered with it.
    pub existing_bsns: HashMap<String, i64>,
    pub existing_references: HashSet<String>,
    /// The region the importing user works for; `None` for the operator.
    pub region: Option<i64>,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub registers: RegisterWorld,
    /// Each region's rule for the municipality of origin of a registration
    /// at its access point, as the screens decide it (`Services::origin_rule_of`).
    pub origin_rules: HashMap<i64, OriginRule>,
    /// The housing corporations of every region, looked up by name.
    pub corporations: Vec<Corporation>,
}

impl ImportWorld {
    fn product(&self, code: &str) -> Option<&Product> {
        self.rules
            .products
            .iter()
            .find(|p| p.code.eq_ignore_ascii_case(code.trim()))
    }

    pub(super) fn provider(&self, name_or_agb: &str) -> Result<&Provider, String> {
        let wanted = name_or_agb.trim();
        let found: Vec<&Provider> = self
            .providers
            .iter()
            .filter(|p| {
                p.agb_code.as_deref() == Some(wanted)
                    || p.name.to_lowercase() == wanted.to_lowercase()
            })
            .collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(format!(
                "aanbieder {wanted} bestaat niet in zothuis (zoek op AGB-code of naam)"
            )),
            _ => Err(format!(
                "meerdere aanbieders passen bij {wanted}; gebruik de AGB-code"
            )),
        }
    }

    /// The region of a municipality; Err with the message.
    pub(super) fn region_of(&self, code: &GemeenteCode) -> Result<i64, String> {
        self.rules
            .municipalities
            .iter()
            .find(|m| m.code == *code)
            .map(|m| m.region_id)
            .ok_or_else(|| format!("gemeente {code} bestaat niet in zothuis"))
    }

    /// The region whose reference data (corporations) a row's names are
    /// looked up among: that of the municipality typed, else the importing
    /// user's.
    pub(super) fn region_typed(&self, municipality: &str) -> Option<i64> {
        GemeenteCode::parse(municipality)
            .ok()
            .and_then(|m| self.region_of(&m).ok())
            .or(self.region)
    }

    /// The rule for the municipality of origin of a region's access point.
    pub(super) fn origin_rule(&self, region_id: i64) -> Result<OriginRule, String> {
        self.origin_rules
            .get(&region_id)
            .copied()
            .ok_or_else(|| "de regio van deze cliënt staat niet in zothuis".to_string())
    }

    /// A corporation by its name (any case), one of `region` first.
    pub(super) fn corporation(
        &self,
        name: &str,
        region: Option<i64>,
    ) -> Result<&Corporation, String> {
        find_corporation(&self.corporations, name, region)
    }

    /// A municipality the importing user may register for; Err with the message.
    fn own_municipality(&self, code: &str) -> Result<GemeenteCode, String> {
        let code = GemeenteCode::parse(code).map_err(|e| e.to_string())?;
        let m = self
            .rules
            .municipalities
            .iter()
            .find(|m| m.code == code)
            .ok_or_else(|| format!("gemeente {code} bestaat niet in zothuis"))?;
        if self.region.is_some_and(|r| r != m.region_id) {
            return Err(format!(
                "{} hoort niet bij uw regio; u importeert alleen voor uw eigen regio",
                m.name
            ));
        }
        Ok(code)
    }
}

/// Maps the field names of an input's validation onto the import's columns.
pub(super) fn field_problems(
    t: &Checked<'_>,
    row: &Row,
    err: DomainError,
    map: &[(&str, &str)],
) -> Vec<Problem> {
    match err.renamed(map) {
        DomainError::Invalid(fields) => fields
            .into_iter()
            .map(|f| t.problem(row, &f.field, f.message))
            .collect(),
        other => vec![t.row_problem(row, other.to_string())],
    }
}

struct ClientRow<'a> {
    row: &'a Row,
    client: ImportClient,
}

struct DecisionRow<'a> {
    t: usize,
    row: &'a Row,
    client: String,
    product: &'a Product,
    override_to: Option<GemeenteCode>,
    decision: ImportDecision,
    /// The history so far: status and since when (after `transitions`).
    current: (Status, NaiveDate),
    /// The wachtlijst row that set `current`, if any.
    current_row: Option<(usize, &'a Row)>,
    placed_by_stay: bool,
}

/// A nomination that passed its checks, before assembly.
struct NominationRow {
    client: usize,
    line: usize,
    /// The index of the stay it leaves in `stays`.
    stay: Option<usize>,
    nomination: ImportNomination,
}

/// A client's imported address history as the rows the rule engine and
/// the origin of a registration read (ids in order, recorded now).
fn address_rows(client: &ImportClient, now: DateTime<Utc>) -> Vec<AddressRow> {
    client
        .addresses
        .iter()
        .enumerate()
        .map(|(n, a)| AddressRow {
            id: n as i64 + 1,
            client_id: 0,
            kind: a.kind,
            municipality: a.municipality.clone(),
            address: a.address.clone(),
            institution: a.institution,
            effective_date: a.effective_date,
            recorded_at: now,
            recorded_by: String::new(),
            supersedes: None,
            retracted: false,
        })
        .collect()
}

struct StayRow<'a> {
    t: usize,
    row: &'a Row,
    client: String,
    decision: Option<String>,
    responsible_column: Option<GemeenteCode>,
    facts: StayFacts,
}

/// The registered clients whose BSN appears in the clients tables, with the
/// BSN as typed there: each such hit is audited on that client.
pub fn known_bsns(tables: &[&Table], existing: &HashMap<String, i64>) -> Vec<(Bsn, i64)> {
    let mut scratch = Vec::new();
    let mut hits = Vec::new();
    for t in tables.iter().filter(|t| t.kind == TableKind::Clienten) {
        let Some(c) = Checked::new(t, &mut scratch) else {
            continue;
        };
        for row in &t.rows {
            if let Some(bsn) = c.opt(row, "bsn").and_then(|b| Bsn::parse(b).ok())
                && let Some(id) = existing.get(&bsn.to_string())
            {
                hits.push((bsn, *id));
            }
        }
    }
    hits
}

/// Validates every table into a batch, or reports every problem found: the
/// clients' journey and the registers, each by its own rules.
pub fn plan(tables: &[&Table], world: &ImportWorld) -> Result<ImportBatch, Vec<Problem>> {
    if tables.is_empty() {
        return Err(vec![Problem::file(
            "import",
            "er is geen tabel om te importeren; noem de bestanden of werkbladen zoals in docs/import.md",
        )]);
    }
    let (registers, journey): (Vec<&Table>, Vec<&Table>) =
        tables.iter().copied().partition(|t| t.kind.is_register());
    let mut problems = Vec::new();
    let clients = match journey.is_empty() {
        true => vec![],
        false => plan_clients(&journey, world).unwrap_or_else(|p| {
            problems.extend(p);
            vec![]
        }),
    };
    let registers = match registers.is_empty() {
        true => RegisterBatch::default(),
        false => super::registers::plan(&registers, &world.registers).unwrap_or_else(|p| {
            problems.extend(p);
            RegisterBatch::default()
        }),
    };
    if problems.is_empty() {
        Ok(ImportBatch { clients, registers })
    } else {
        problems.sort();
        problems.dedup();
        Err(problems)
    }
}

/// The clients with their journey, from the tables other than the registers.
fn plan_clients(tables: &[&Table], world: &ImportWorld) -> Result<Vec<ImportClient>, Vec<Problem>> {
    let mut problems = Vec::new();
    let checked: Vec<Option<Checked<'_>>> = tables
        .iter()
        .map(|t| Checked::new(t, &mut problems))
        .collect();
    if !tables.iter().any(|t| t.kind == TableKind::Clienten) {
        problems.push(Problem::file(
            "import",
            "er is geen tabel clienten; een import begint bij de cliënten",
        ));
    }
    let of_kind = |kind: TableKind| {
        checked
            .iter()
            .enumerate()
            .filter_map(move |(i, c)| c.as_ref().filter(|c| c.table.kind == kind).map(|c| (i, c)))
    };

    // Keys of rows that failed: later rows referring to them are skipped
    // without a second, confusing message.
    let mut failed_clients: HashSet<String> = HashSet::new();
    let mut failed_decisions: HashSet<String> = HashSet::new();

    // ---- clients --------------------------------------------------------
    let mut clients: Vec<ClientRow<'_>> = Vec::new();
    let mut client_index: HashMap<String, usize> = HashMap::new();
    let mut bsns: HashMap<String, usize> = HashMap::new();
    for (_, t) in of_kind(TableKind::Clienten) {
        for row in &t.table.rows {
            let key = t.get(row, "clientnummer").to_string();
            let before = problems.len();
            if key.is_empty() {
                problems.push(t.problem(row, "clientnummer", "vul het clientnummer in"));
            } else if let Some(i) = client_index.get(&key) {
                problems.push(t.problem(
                    row,
                    "clientnummer",
                    format!(
                        "dit clientnummer staat ook op regel {}",
                        clients[*i].row.line
                    ),
                ));
            }
            let restricted = match normalize_code(t.get(row, "afgeschermd")).as_str() {
                "" | "nee" | "n" | "0" | "false" | "onwaar" => Some(false),
                "ja" | "j" | "1" | "true" | "waar" => Some(true),
                _ => {
                    problems.push(t.problem(row, "afgeschermd", "vul ja of nee in"));
                    None
                }
            };
            let input = ClientInput {
                given_name: t.get(row, "voornaam").into(),
                family_name: t.get(row, "achternaam").into(),
                date_of_birth: t.get(row, "geboortedatum").into(),
                bsn: t.opt(row, "bsn").map(Into::into),
                phone: t.opt(row, "telefoon").map(Into::into),
                email: t.opt(row, "email").map(Into::into),
                restricted: restricted.unwrap_or(false),
                registered_by: None,
            };
            let data = input
                .parse(world.today)
                .map_err(|e| problems.extend(field_problems(t, row, e, &[])))
                .ok();
            let registered_by = world
                .own_municipality(t.get(row, "gemeente"))
                .map_err(|m| problems.push(t.problem(row, "gemeente", m)))
                .ok();
            if let Some(bsn) = data.as_ref().and_then(|d| d.bsn.as_ref()) {
                let b = bsn.to_string();
                if world.existing_bsns.contains_key(&b) {
                    // The same answer whether or not the importer may see that
                    // client (see `Services::check_bsn_unique`).
                    problems.push(t.problem(row, "bsn", crate::clients::BSN_NOT_IMPORTABLE));
                } else if let Some(i) = bsns.get(&b) {
                    problems.push(t.problem(
                        row,
                        "bsn",
                        format!("dit BSN staat ook op regel {}", clients[*i].row.line),
                    ));
                }
            }
            match (data, registered_by) {
                (Some(data), Some(registered_by)) if problems.len() == before => {
                    if let Some(b) = &data.bsn {
                        bsns.insert(b.to_string(), clients.len());
                    }
                    client_index.insert(key.clone(), clients.len());
                    clients.push(ClientRow {
                        row,
                        client: ImportClient {
                            key,
                            data,
                            registered_by,
                            addresses: vec![],
                            decisions: vec![],
                            stays: vec![],
                            registrations: vec![],
                            nominations: vec![],
                        },
                    });
                }
                _ => {
                    failed_clients.insert(key);
                }
            }
        }
    }
    // A reference to a client: the index, a problem, or silently nothing
    // when the client's own row already failed.
    let mut client_ref = |t: &Checked<'_>, row: &Row, problems: &mut Vec<Problem>| {
        let key = t.get(row, "clientnummer");
        match client_index.get(key) {
            Some(i) => Some(*i),
            None if failed_clients.contains(key) => None,
            None => {
                problems.push(t.problem(
                    row,
                    "clientnummer",
                    if key.is_empty() {
                        "vul het clientnummer in".to_string()
                    } else {
                        format!("clientnummer {key} staat niet in clienten")
                    },
                ));
                failed_clients.insert(key.to_string());
                None
            }
        }
    };

    // ---- addresses ------------------------------------------------------
    for (_, t) in of_kind(TableKind::Adressen) {
        for row in &t.table.rows {
            let Some(ci) = client_ref(t, row, &mut problems) else {
                continue;
            };
            let input = AddressInput {
                kind: normalize_code(t.get(row, "soort")),
                municipality: t.opt(row, "gemeente").map(Into::into),
                address: t.opt(row, "adres").map(Into::into),
                institution: t.opt(row, "instelling").map(normalize_code),
                effective_date: t.get(row, "ingangsdatum").into(),
                supersedes: None,
                retract: false,
            };
            match input.parse(0) {
                Ok(a) => clients[ci].client.addresses.push(a),
                Err(e) => {
                    problems.extend(field_problems(t, row, e, &[("gemeenteCode", "gemeente")]))
                }
            }
        }
    }
    for c in &mut clients {
        c.client.addresses.sort_by_key(|a| a.effective_date);
    }

    // ---- decisions ------------------------------------------------------
    let mut decisions: Vec<DecisionRow<'_>> = Vec::new();
    let mut decision_index: HashMap<String, usize> = HashMap::new();
    for (ti, t) in of_kind(TableKind::Beschikkingen) {
        for row in &t.table.rows {
            let reference = t.get(row, "beschikkingsnummer").to_string();
            let before = problems.len();
            let ci = client_ref(t, row, &mut problems);
            if let Some(i) = decision_index.get(&reference) {
                problems.push(t.problem(
                    row,
                    "beschikkingsnummer",
                    format!(
                        "dit beschikkingsnummer staat ook op regel {}",
                        decisions[*i].row.line
                    ),
                ));
            } else if world.existing_references.contains(&reference) {
                problems.push(t.problem(
                    row,
                    "beschikkingsnummer",
                    "een beschikking met dit nummer staat al in zothuis; is dit bestand al eens geïmporteerd?",
                ));
            }
            let product = match world.product(t.get(row, "product")) {
                Some(p) => Some(p),
                None => {
                    problems.push(t.problem(
                        row,
                        "product",
                        format!("product {} bestaat niet in zothuis", t.get(row, "product")),
                    ));
                    None
                }
            };
            let applied_to = match (t.opt(row, "aanmeldgemeente"), ci) {
                (Some(code), _) => world
                    .own_municipality(code)
                    .map_err(|m| problems.push(t.problem(row, "aanmeldgemeente", m)))
                    .ok(),
                (None, Some(ci)) => Some(clients[ci].client.registered_by.clone()),
                (None, None) => None,
            };
            let applied_on = crate::Datum::parse(t.get(row, "aanmelddatum"))
                .map_err(|e| problems.push(t.problem(row, "aanmelddatum", e.to_string())))
                .ok();
            let source = Source::parse(&normalize_code(t.get(row, "bron")))
                .map_err(|e| problems.push(t.problem(row, "bron", e)))
                .ok();
            let input = DecisionInput {
                outcome: normalize_code(t.get(row, "uitkomst")),
                decided_on: t.get(row, "besluitdatum").into(),
                valid_from: t.opt(row, "geldigVanaf").map(Into::into),
                valid_to: t.opt(row, "geldigTot").map(Into::into),
                reference: reference.clone(),
                override_municipality: None,
                override_reason: None,
            };
            let data = input
                .parse()
                .map_err(|e| problems.extend(field_problems(t, row, e, &[])))
                .ok();
            let override_to = t.opt(row, "verantwoordelijkeGemeente").and_then(|c| {
                match GemeenteCode::parse(c) {
                    Ok(code) if world.rules.municipalities.iter().any(|m| m.code == code) => {
                        Some(code)
                    }
                    Ok(code) => {
                        problems.push(t.problem(
                            row,
                            "verantwoordelijkeGemeente",
                            format!("gemeente {code} bestaat niet in zothuis"),
                        ));
                        None
                    }
                    Err(e) => {
                        problems.push(t.problem(row, "verantwoordelijkeGemeente", e.to_string()));
                        None
                    }
                }
            });
            if let (Some(d), Some(a)) = (&data, applied_on)
                && d.decided_on < a.0
            {
                problems.push(t.problem(
                    row,
                    "besluitdatum",
                    "de besluitdatum ligt vóór de aanmelddatum",
                ));
            }
            match (ci, product, applied_to, applied_on, source, data) {
                (
                    Some(ci),
                    Some(product),
                    Some(applied_to),
                    Some(applied_on),
                    Some(source),
                    Some(data),
                ) if problems.len() == before => {
                    let key = clients[ci].client.key.clone();
                    let opens_waitlist =
                        data.outcome == Outcome::Toegekend && product.kind.has_waitlist();
                    let decided_on = data.decided_on;
                    decision_index.insert(reference, decisions.len());
                    decisions.push(DecisionRow {
                        t: ti,
                        row,
                        client: key,
                        product,
                        override_to,
                        current: (Status::Aangemeld, decided_on),
                        current_row: None,
                        placed_by_stay: false,
                        decision: ImportDecision {
                            application: ApplicationData {
                                client_id: 0,
                                product_id: product.id,
                                municipality: applied_to.clone(),
                                applied_on: applied_on.0,
                                source,
                            },
                            record: DecisionRecord {
                                application_id: 0,
                                client_id: 0,
                                product_id: product.id,
                                data,
                                // Set once the rule engine has run, below.
                                responsible: applied_to.clone(),
                                determined: applied_to,
                                rule: crate::access::woonplaats::Rule::Centrumgemeente,
                                explanation: String::new(),
                                inputs: serde_json::Value::Null,
                                opens_waitlist,
                            },
                            transitions: vec![],
                        },
                    });
                }
                _ => {
                    failed_decisions.insert(reference);
                }
            }
        }
    }

    // ---- waiting-list history -------------------------------------------
    for (ti, t) in of_kind(TableKind::Wachtlijst) {
        for row in &t.table.rows {
            let reference = t.get(row, "beschikkingsnummer");
            let Some(&di) = decision_index.get(reference) else {
                if !failed_decisions.contains(reference) {
                    problems.push(t.problem(
                        row,
                        "beschikkingsnummer",
                        if reference.is_empty() {
                            "vul het beschikkingsnummer in".to_string()
                        } else {
                            format!("beschikking {reference} staat niet in beschikkingen")
                        },
                    ));
                    failed_decisions.insert(reference.to_string());
                }
                continue;
            };
            // After a mistake in a decision's history, its later rows would
            // only report follow-on errors.
            if failed_decisions.contains(reference) {
                continue;
            }
            let d = &mut decisions[di];
            if !d.decision.record.opens_waitlist {
                problems.push(t.problem(
                    row,
                    "beschikkingsnummer",
                    if d.decision.record.data.outcome != Outcome::Toegekend {
                        "deze beschikking is afgewezen en heeft geen wachtlijstgeschiedenis"
                    } else {
                        "dit product heeft geen regionale wachtlijst"
                    },
                ));
                continue;
            }
            let provider = match t.opt(row, "aanbieder") {
                Some(p) => match world.provider(p) {
                    Ok(p) => Some(p.id),
                    Err(m) => {
                        problems.push(t.problem(row, "aanbieder", m));
                        continue;
                    }
                },
                None => None,
            };
            let input = TransitionInput {
                status: normalize_code(t.get(row, "status")),
                reason: t.opt(row, "reden").map(normalize_code),
                provider_id: provider,
                effective_date: t.get(row, "ingangsdatum").into(),
                note: t.opt(row, "toelichting").map(Into::into),
                supersedes: None,
                retract: false,
            };
            let data = match input.parse(0) {
                Ok(data) => data,
                Err(e) => {
                    problems.extend(field_problems(t, row, e, &[("aanbiederId", "aanbieder")]));
                    failed_decisions.insert(reference.to_string());
                    continue;
                }
            };
            // The decision opens the entry as aangemeld on its date; a row
            // repeating that is accepted and skipped.
            if data.status == Status::Aangemeld
                && d.decision.transitions.is_empty()
                && data.effective_date == d.current.1
            {
                continue;
            }
            if let Err(e) = check_transition(Some(d.current), data.status, data.effective_date) {
                problems.extend(field_problems(t, row, e, &[]));
                failed_decisions.insert(reference.to_string());
                continue;
            }
            // The outcome of the screening this transition ends.
            if let Some(prev) = d.decision.transitions.last_mut()
                && let Status::InScreening { .. } = prev.data.status
                && let Some((pt, prow)) = d.current_row
                && let Some(pc) = checked[pt].as_ref()
            {
                match screening_outcome(pc, prow, prev.data.effective_date, data.effective_date) {
                    Ok(Some(outcome)) => {
                        if data.status == Status::Geplaatst
                            && matches!(outcome.0, ScreeningResult::Declined { .. })
                        {
                            problems.push(pc.problem(
                                prow,
                                "screeningUitkomst",
                                "de screening werd afgewezen, maar de volgende status is geplaatst",
                            ));
                        }
                        prev.outcome = Some(outcome);
                    }
                    Ok(None) if data.status == Status::Geplaatst => {
                        prev.outcome = Some((ScreeningResult::Accepted, data.effective_date));
                    }
                    Ok(None) => problems.push(pc.problem(
                        prow,
                        "screeningUitkomst",
                        "de screening eindigde zonder plaatsing: vul geaccepteerd of afgewezen in, met afgewezenDoor en redenAfwijzing",
                    )),
                    Err(p) => problems.extend(p),
                }
            } else if t.opt(row, "screeningUitkomst").is_some()
                && !matches!(data.status, Status::InScreening { .. })
            {
                problems.push(t.problem(
                    row,
                    "screeningUitkomst",
                    "een screeningsuitkomst hoort alleen bij de status in-screening",
                ));
            }
            d.current = (data.status, data.effective_date);
            d.current_row = Some((ti, row));
            d.decision.transitions.push(ImportTransition {
                data,
                outcome: None,
            });
        }
    }

    // ---- stays ----------------------------------------------------------
    let mut stays: Vec<StayRow<'_>> = Vec::new();
    for (ti, t) in of_kind(TableKind::Verblijven) {
        for row in &t.table.rows {
            let before = problems.len();
            let Some(ci) = client_ref(t, row, &mut problems) else {
                continue;
            };
            let reference = t.opt(row, "beschikkingsnummer");
            let decision = match reference {
                Some(r) if failed_decisions.contains(r) => continue,
                Some(r) => match decision_index.get(r) {
                    Some(&di) if decisions[di].client == clients[ci].client.key => Some(di),
                    Some(_) => {
                        problems.push(t.problem(
                            row,
                            "beschikkingsnummer",
                            "deze beschikking hoort bij een andere cliënt",
                        ));
                        continue;
                    }
                    None => {
                        problems.push(t.problem(
                            row,
                            "beschikkingsnummer",
                            format!("beschikking {r} staat niet in beschikkingen"),
                        ));
                        continue;
                    }
                },
                None => None,
            };
            let product = match (t.opt(row, "product"), decision) {
                (Some(code), d) => match world.product(code) {
                    Some(p) if d.is_some_and(|d| decisions[d].product.id != p.id) => {
                        problems.push(t.problem(
                            row,
                            "product",
                            "het product verschilt van dat van de beschikking",
                        ));
                        None
                    }
                    Some(p) => Some(p),
                    None => {
                        problems.push(t.problem(
                            row,
                            "product",
                            format!("product {code} bestaat niet in zothuis"),
                        ));
                        None
                    }
                },
                (None, Some(d)) => Some(decisions[d].product),
                (None, None) => {
                    problems.push(t.problem(
                        row,
                        "product",
                        "vul het product in, of de beschikking waarop het verblijf volgt",
                    ));
                    None
                }
            };
            let start = crate::Datum::parse(t.get(row, "startdatum"))
                .map_err(|e| problems.push(t.problem(row, "startdatum", e.to_string())))
                .ok()
                .map(|d| d.0);
            let (end, exit) = match (t.opt(row, "einddatum"), t.opt(row, "uitstroom"), start) {
                (None, None, _) => (None, None),
                (None, Some(_), _) => {
                    problems.push(t.problem(
                        row,
                        "einddatum",
                        "een uitstroombestemming hoort bij een einddatum",
                    ));
                    (None, None)
                }
                (Some(e), u, Some(s)) => match (ExitInput {
                    end_date: e.into(),
                    destination: u.map(normalize_code).unwrap_or_default(),
                })
                .parse(s)
                {
                    Ok((e, x)) => (Some(e), Some(x)),
                    Err(err) => {
                        problems.extend(field_problems(
                            t,
                            row,
                            err,
                            &[("uitstroombestemming", "uitstroom")],
                        ));
                        (None, None)
                    }
                },
                (Some(_), _, None) => (None, None),
            };
            // The provider: named, or the one screening the waiting client.
            let screening_provider = decision.and_then(|d| {
                let d = &decisions[d];
                d.decision
                    .transitions
                    .iter()
                    .rev()
                    .find_map(|x| x.data.status.provider_id())
            });
            let provider = match t.opt(row, "aanbieder") {
                Some(p) => match world.provider(p) {
                    Ok(p) => Some(p.id),
                    Err(m) => {
                        problems.push(t.problem(row, "aanbieder", m));
                        None
                    }
                },
                None if screening_provider.is_some() => screening_provider,
                None => {
                    problems.push(t.problem(row, "aanbieder", "vul de aanbieder in"));
                    None
                }
            };
            let location = match (product, provider) {
                (Some(product), Some(provider)) => {
                    check_location(t, row, world, product, provider, &mut problems)
                }
                _ => None,
            };
            let responsible_column = t.opt(row, "verantwoordelijkeGemeente").and_then(|c| {
                GemeenteCode::parse(c)
                    .map_err(|e| {
                        problems.push(t.problem(row, "verantwoordelijkeGemeente", e.to_string()))
                    })
                    .ok()
            });
            let financing = match Financing::parse_or_default(t.opt(row, "financieringsvorm")) {
                Ok(f) => f,
                Err(e) => {
                    problems.push(t.problem(row, "financieringsvorm", e));
                    Financing::Zin
                }
            };
            let care_level = match CareLevel::parse_optional(t.opt(row, "zorgzwaarte")) {
                Ok(l) => l,
                Err(e) => {
                    problems.push(t.problem(row, "zorgzwaarte", e.0));
                    None
                }
            };
            if decision.is_none() && product.is_some_and(|p| p.kind.has_waitlist()) {
                problems.push(t.problem(
                    row,
                    "beschikkingsnummer",
                    "een verblijf in een product met wachtlijst volgt op een beschikking; vul het beschikkingsnummer in",
                ));
            }
            if problems.len() != before {
                continue;
            }
            let (Some(product), Some(provider), Some(start), Some(location)) =
                (product, provider, start, location)
            else {
                continue;
            };
            stays.push(StayRow {
                t: ti,
                row,
                client: clients[ci].client.key.clone(),
                decision: reference.map(str::to_string),
                responsible_column,
                facts: StayFacts {
                    product_id: product.id,
                    provider_id: provider,
                    location_id: location,
                    start_date: start,
                    end_date: end,
                    exit,
                    financing,
                    care_level,
                },
            });
        }
    }

    // ---- stays against their decisions ----------------------------------
    let mut placements: Vec<Option<TransitionData>> = Vec::new();
    for s in &stays {
        let Some(t) = checked[s.t].as_ref() else {
            placements.push(None);
            continue;
        };
        let mut placement = None;
        if let Some(di) = s.decision.as_ref().and_then(|r| decision_index.get(r)) {
            let d = &mut decisions[*di];
            let data = &d.decision.record.data;
            if data.outcome != Outcome::Toegekend {
                problems.push(t.problem(
                    s.row,
                    "beschikkingsnummer",
                    "de beschikking is afgewezen",
                ));
            } else if !d.decision.record.opens_waitlist {
                if s.facts.start_date < data.valid_from.unwrap_or(data.decided_on) {
                    problems.push(t.problem(
                        s.row,
                        "startdatum",
                        "het verblijf begint vóór de ingangsdatum van de beschikking",
                    ));
                }
            } else if d.placed_by_stay {
                problems.push(t.problem(
                    s.row,
                    "beschikkingsnummer",
                    "voor deze beschikking staat al een plaatsing in verblijven",
                ));
            } else {
                d.placed_by_stay = true;
                match d.current {
                    (Status::InScreening { provider_id }, _) if provider_id != s.facts.provider_id => {
                        problems.push(t.problem(
                            s.row,
                            "aanbieder",
                            "de cliënt is in screening bij een andere aanbieder",
                        ))
                    }
                    (Status::InScreening { .. }, _) => {
                        match check_transition(Some(d.current), Status::Geplaatst, s.facts.start_date) {
                            Ok(()) => {
                                placement = Some(TransitionData {
                                    entry_id: 0,
                                    status: Status::Geplaatst,
                                    effective_date: s.facts.start_date,
                                    note: Some("Geplaatst: verblijf gestart".into()),
                                    supersedes: None,
                                    retracted: false,
                                });
                                if let Some(last) = d.decision.transitions.last_mut()
                                    && last.outcome.is_none()
                                {
                                    last.outcome =
                                        Some((ScreeningResult::Accepted, s.facts.start_date));
                                }
                            }
                            Err(e) => problems.extend(field_problems(
                                t,
                                s.row,
                                e,
                                &[("ingangsdatum", "startdatum"), ("status", "beschikkingsnummer")],
                            )),
                        }
                    }
                    (Status::Geplaatst, since) if since != s.facts.start_date => {
                        problems.push(t.problem(
                            s.row,
                            "startdatum",
                            format!("de wachtlijst zegt geplaatst op {since}; de startdatum moet gelijk zijn"),
                        ))
                    }
                    (Status::Geplaatst, _) => {}
                    (other, _) => problems.push(t.problem(
                        s.row,
                        "beschikkingsnummer",
                        format!(
                            "plaatsen kan alleen vanuit in screening; de cliënt is {} (voeg in wachtlijst een regel in-screening toe)",
                            other.label().to_lowercase()
                        ),
                    )),
                }
            }
        }
        placements.push(placement);
    }
    for d in &decisions {
        if d.current.0 == Status::Geplaatst
            && !d.placed_by_stay
            && let Some((ti, row)) = d.current_row
            && let Some(t) = checked[ti].as_ref()
        {
            problems.push(t.problem(
                row,
                "status",
                "geplaatst zonder verblijf: zet het verblijf met dit beschikkingsnummer in verblijven",
            ));
        }
    }

    // ---- registrations at the access point -------------------------------
    let mut registrations: Vec<(usize, ImportRegistration)> = Vec::new();
    for (_, t) in of_kind(TableKind::Toegangsmeldingen) {
        for row in &t.table.rows {
            let Some(ci) = client_ref(t, row, &mut problems) else {
                continue;
            };
            let client = &clients[ci].client;
            let addresses = address_rows(client, world.now);
            match client_registers::registration(t, row, world, &client.registered_by, &addresses) {
                Ok(r) => registrations.push((ci, r)),
                Err(p) => problems.extend(p),
            }
        }
    }

    // ---- nominations for outflow ----------------------------------------
    // The decisions a verblijven row names: a nomination naming one whose
    // stay had a problem is not reported again.
    let named_by_stays: HashSet<&str> = of_kind(TableKind::Verblijven)
        .flat_map(|(_, t)| {
            t.table
                .rows
                .iter()
                .filter_map(|r| t.opt(r, "beschikkingsnummer"))
        })
        .collect();
    let mut nominations: Vec<NominationRow> = Vec::new();
    for (_, t) in of_kind(TableKind::Voordrachten) {
        for row in &t.table.rows {
            let Some(ci) = client_ref(t, row, &mut problems) else {
                continue;
            };
            let key = clients[ci].client.key.as_str();
            let checked = client_registers::nomination(t, row, world);
            // The stay the person leaves: the one imported for the decision.
            // `Err(None)`: a problem of the decision or its stay, reported there.
            let stay: Result<Option<usize>, Option<Problem>> =
                match t.opt(row, "beschikkingsnummer") {
                    None => Ok(None),
                    Some(r) if failed_decisions.contains(r) => Err(None),
                    Some(r) => match decision_index.get(r) {
                        None => Err(Some(t.problem(
                            row,
                            "beschikkingsnummer",
                            format!("beschikking {r} staat niet in beschikkingen"),
                        ))),
                        Some(&di) if decisions[di].client != key => Err(Some(t.problem(
                            row,
                            "beschikkingsnummer",
                            "deze beschikking hoort bij een andere cliënt",
                        ))),
                        Some(_) => {
                            let nominated_on = checked.as_ref().ok().map(|(_, f)| f.nominated_on);
                            match left_stay(&stays, key, r, nominated_on) {
                                Some(i) => Ok(Some(i)),
                                None if named_by_stays.contains(r) => Err(None),
                                None => Err(Some(t.problem(row, "beschikkingsnummer", no_stay(r)))),
                            }
                        }
                    },
                };
            let (stay, (region_id, facts)) = match (stay, checked) {
                (Ok(stay), Ok(checked)) => (stay, checked),
                (stay, checked) => {
                    problems.extend(stay.err().flatten());
                    problems.extend(checked.err().unwrap_or_default());
                    continue;
                }
            };
            if let Some(other) = nominations
                .iter()
                .find(|n| n.client == ci && facts.runs_alongside(&n.nomination.facts, world.today))
            {
                problems.push(t.problem(
                    row,
                    "clientnummer",
                    format!(
                        "deze cliënt heeft ook een lopende voordracht op regel {}; een cliënt heeft één lopende voordracht tegelijk (vul bij de andere de sleuteldatum of de intrekking in)",
                        other.line
                    ),
                ));
                continue;
            }
            nominations.push(NominationRow {
                client: ci,
                line: row.line,
                stay,
                nomination: ImportNomination {
                    region_id,
                    stay: None,
                    facts,
                },
            });
        }
    }

    if !problems.is_empty() {
        problems.sort();
        problems.dedup();
        return Err(problems);
    }

    // ---- the responsible municipality, decision by decision ----------------
    let mut by_client: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, d) in decisions.iter().enumerate() {
        by_client.entry(d.client.clone()).or_default().push(i);
    }
    for (key, mut idx) in by_client {
        let Some(&ci) = client_index.get(&key) else {
            continue;
        };
        idx.sort_by_key(|i| (decisions[*i].decision.record.data.decided_on, *i));
        let addresses = address_rows(&clients[ci].client, world.now);
        let mut earlier: Vec<(Outcome, NaiveDate)> = vec![];
        let mut decided: HashMap<String, GemeenteCode> = HashMap::new();
        for i in idx {
            let day = decisions[i].decision.record.data.decided_on;
            // BW stays of this client that ended before the decision, with
            // the municipality that was responsible for them.
            let ended: Vec<(i64, GemeenteCode, Option<NaiveDate>)> = stays
                .iter()
                .filter(|s| s.client == key && s.facts.end_date.is_some_and(|e| e <= day))
                .filter_map(|s| {
                    let responsible = match &s.decision {
                        Some(r) => decided.get(r).cloned()?,
                        None => s
                            .responsible_column
                            .clone()
                            .unwrap_or_else(|| clients[ci].client.registered_by.clone()),
                    };
                    Some((s.facts.product_id, responsible, s.facts.end_date))
                })
                .collect();
            let ended_bw: Vec<EndedProvision> = world.rules.ended_bw(&ended);
            let d = &mut decisions[i];
            let determination = match world.rules.determine(
                &d.decision.application.municipality,
                day,
                world.now,
                &earlier,
                &addresses,
                &ended_bw,
            ) {
                Ok(x) => x,
                Err(e) => {
                    if let Some(t) = checked[d.t].as_ref() {
                        problems.push(t.row_problem(d.row, e.to_string()));
                    }
                    continue;
                }
            };
            let rec = &mut d.decision.record;
            rec.determined = determination.municipality.clone();
            rec.rule = determination.rule;
            rec.explanation = determination.explanation;
            rec.inputs = determination.inputs;
            rec.responsible = match &d.override_to {
                Some(m) if *m != determination.municipality => {
                    rec.data.override_municipality = Some(m.clone());
                    rec.data.override_reason = Some(format!(
                        "Overgenomen uit het importbestand ({}, regel {})",
                        checked[d.t]
                            .as_ref()
                            .map_or("", |t| t.table.source.as_str()),
                        d.row.line
                    ));
                    m.clone()
                }
                _ => determination.municipality,
            };
            decided.insert(rec.data.reference.clone(), rec.responsible.clone());
            earlier.push((rec.data.outcome, day));
        }
    }
    if !problems.is_empty() {
        problems.sort();
        return Err(problems);
    }

    // ---- assemble -------------------------------------------------------
    let mut out: Vec<ImportClient> = clients.into_iter().map(|c| c.client).collect();
    let mut position: HashMap<String, usize> = HashMap::new();
    for d in decisions {
        let ci = client_index[&d.client];
        position.insert(
            d.decision.record.data.reference.clone(),
            out[ci].decisions.len(),
        );
        out[ci].decisions.push(d.decision);
    }
    // Where each stay lands in its client's `stays`.
    let mut stay_position: Vec<usize> = Vec::with_capacity(stays.len());
    for (s, placement) in stays.into_iter().zip(placements) {
        let ci = client_index[&s.client];
        stay_position.push(out[ci].stays.len());
        let decision = s.decision.as_ref().and_then(|r| position.get(r).copied());
        let responsible = match decision {
            Some(di) => out[ci].decisions[di].record.responsible.clone(),
            None => s
                .responsible_column
                .unwrap_or_else(|| out[ci].registered_by.clone()),
        };
        out[ci].stays.push(ImportStay {
            decision,
            responsible,
            facts: s.facts,
            placement,
        });
    }
    for (ci, r) in registrations {
        out[ci].registrations.push(r);
    }
    for n in nominations {
        out[n.client].nominations.push(ImportNomination {
            stay: n.stay.map(|i| stay_position[i]),
            ..n.nomination
        });
    }
    Ok(out)
}

/// A nomination naming a decision without a stay in the import.
fn no_stay(reference: &str) -> String {
    format!(
        "op beschikking {reference} volgt geen verblijf in verblijven; laat het beschikkingsnummer leeg als zothuis het verblijf niet kent"
    )
}

/// The stay a nomination leaves, among the client's stays on the decision
/// `reference`: the last that began on or before the nomination, else the
/// first. An index in `stays`.
fn left_stay(
    stays: &[StayRow<'_>],
    client: &str,
    reference: &str,
    nominated_on: Option<NaiveDate>,
) -> Option<usize> {
    let mut on_decision: Vec<(usize, NaiveDate)> = stays
        .iter()
        .enumerate()
        .filter(|(_, s)| s.client == client && s.decision.as_deref() == Some(reference))
        .map(|(i, s)| (i, s.facts.start_date))
        .collect();
    on_decision.sort_by_key(|(i, start)| (*start, *i));
    on_decision
        .iter()
        .rev()
        .find(|(_, start)| nominated_on.is_none_or(|n| *start <= n))
        .or(on_decision.first())
        .map(|(i, _)| *i)
}

/// The outcome columns of an in-screening row that was followed by a status
/// on `next_date`.
fn screening_outcome(
    t: &Checked<'_>,
    row: &Row,
    started: NaiveDate,
    next_date: NaiveDate,
) -> Result<Option<(ScreeningResult, NaiveDate)>, Vec<Problem>> {
    let Some(outcome) = t.opt(row, "screeningUitkomst") else {
        return Ok(None);
    };
    let input = ScreeningInput {
        outcome: normalize_code(outcome),
        declined_by: t.opt(row, "afgewezenDoor").map(normalize_code),
        reason: t.opt(row, "redenAfwijzing").map(normalize_code),
        decided_on: t
            .opt(row, "datumUitkomst")
            .map_or_else(|| next_date.to_string(), str::to_string),
        note: None,
    };
    let (result, decided_on, _) = input.parse().map_err(|e| {
        field_problems(
            t,
            row,
            e,
            &[
                ("uitkomst", "screeningUitkomst"),
                ("reden", "redenAfwijzing"),
                ("datum", "datumUitkomst"),
            ],
        )
    })?;
    if decided_on < started || decided_on > next_date {
        return Err(vec![t.problem(
            row,
            "datumUitkomst",
            format!("de datum van de uitkomst ligt niet tussen {started} en {next_date}"),
        )]);
    }
    Ok(Some((result, decided_on)))
}

/// The location of a stay, looked up by name among the provider's
/// locations and checked with the same rule as the screens. `Some(None)` is
/// "no location, correctly"; `None` is a problem (pushed).
fn check_location(
    t: &Checked<'_>,
    row: &Row,
    world: &ImportWorld,
    product: &Product,
    provider: i64,
    problems: &mut Vec<Problem>,
) -> Option<Option<i64>> {
    let location = match t.opt(row, "locatie") {
        None => None,
        Some(name) => {
            let found: Vec<&Location> = world
                .locations
                .iter()
                .filter(|l| {
                    l.provider_id == provider && l.name.to_lowercase() == name.to_lowercase()
                })
                .collect();
            match found.as_slice() {
                [l] => Some(*l),
                [] => {
                    problems.push(t.problem(
                        row,
                        "locatie",
                        format!("de aanbieder heeft geen locatie {name}"),
                    ));
                    return None;
                }
                _ => {
                    problems.push(t.problem(
                        row,
                        "locatie",
                        "de aanbieder heeft meerdere locaties met deze naam",
                    ));
                    return None;
                }
            }
        }
    };
    match crate::care::check_stay_location(product, provider, location) {
        Ok(()) => Some(location.map(|l| l.id)),
        Err(m) => {
            problems.push(t.problem(row, "locatie", m));
            None
        }
    }
}

/// A corporation by its name (any case), one of `region` first; Err with
/// the names of the region's corporations.
pub(super) fn find_corporation<'a>(
    corporations: &'a [Corporation],
    name: &str,
    region: Option<i64>,
) -> Result<&'a Corporation, String> {
    let wanted = name.trim();
    let named: Vec<&Corporation> = corporations
        .iter()
        .filter(|c| c.name.to_lowercase() == wanted.to_lowercase())
        .collect();
    if let Some(c) = named
        .iter()
        .find(|c| Some(c.region_id) == region)
        .or(named.first())
    {
        return Ok(c);
    }
    let mut known: Vec<&str> = corporations
        .iter()
        .filter(|c| region.is_none_or(|r| c.region_id == r))
        .map(|c| c.name.as_str())
        .collect();
    known.sort_unstable();
    Err(if known.is_empty() {
        format!("corporatie {wanted} staat niet in zothuis; de regio heeft nog geen corporaties")
    } else {
        format!(
            "corporatie {wanted} staat niet in zothuis; de corporaties van de regio zijn: {}",
            known.join(", ")
        )
    })
}
