//! The registers bound to the imported clients: registrations at the
//! region's central access point for shelter (`toegangsmeldingen`) and
//! nominations for outflow (`voordrachten`). Each row runs through its
//! screen's input type (`RegistrationInput`, `NominationInput`) and the
//! checks its service makes — the origin by the region's `OriginRule`
//! (`ParsedRegistration::decide_origin`), what a nomination refers to
//! (`NominationFacts::check_references`), one running nomination per client
//! (`NominationFacts::runs_alongside`) and the outflow policy for an
//! importing user. What only the import knows (the client, its addresses,
//! the stay a nomination leaves) comes from the other tables, in `plan`.

use super::plan::{ImportWorld, field_problems};
use super::{Checked, Problem, Row, normalize_code};
use crate::admin::ActorKind;
use crate::audit::{AuditDraft, ObjectType};
use crate::clients::AddressRow;
use crate::outflow::{NominationFacts, NominationInput, NominationReferences};
use crate::policy::{Action, Decision, can};
use crate::reference::GemeenteCode;
use crate::shelter::{RegistrationFacts, RegistrationInput};
use serde_json::json;

/// A registration at the access point of `region_id`, with its first
/// version.
#[derive(Debug, Clone)]
pub struct ImportRegistration {
    pub region_id: i64,
    pub facts: RegistrationFacts,
}

/// A nomination in `region_id`, with its first version. `stay` is the index
/// (in the client's `stays`) of the stay the person leaves; the store sets
/// its id as the version's `stay_id`.
#[derive(Debug, Clone)]
pub struct ImportNomination {
    pub region_id: i64,
    pub stay: Option<usize>,
    pub facts: NominationFacts,
}

/// A client's record row on the base of the import's (who, when, which
/// request): what the record's own screen audits, marked as imported.
fn record(
    base: &AuditDraft,
    object_type: ObjectType,
    client_id: i64,
    mut details: serde_json::Value,
) -> AuditDraft {
    if let Some(fields) = details.as_object_mut() {
        fields.insert("via".into(), json!("import"));
    }
    AuditDraft {
        object_type,
        object_id: None,
        client_id: Some(client_id),
        details,
        ..base.clone()
    }
}

impl ImportRegistration {
    /// Its audit row, once its client has an id.
    pub fn audit(&self, base: &AuditDraft, client_id: i64) -> AuditDraft {
        record(
            base,
            ObjectType::MeldingOpvang,
            client_id,
            crate::shelter::service::details(&self.facts),
        )
    }
}

impl ImportNomination {
    /// Its audit row, once its client has an id.
    pub fn audit(&self, base: &AuditDraft, client_id: i64) -> AuditDraft {
        record(
            base,
            ObjectType::Voordracht,
            client_id,
            crate::outflow::service::details(&self.facts),
        )
    }
}

/// The nomination's fields as the screen names them → the import's columns.
const NOMINATION_COLUMNS: &[(&str, &str)] = &[
    ("corporatieId", "corporatie"),
    ("nazorgAanbiederId", "nazorgAanbieder"),
    ("verblijfId", "beschikkingsnummer"),
];

/// A toegangsmeldingen row of a client registered by `registered_by`, with
/// the origin decided by the rule of the registration's region from the
/// client's imported address history (`addresses`).
pub(super) fn registration(
    t: &Checked<'_>,
    row: &Row,
    world: &ImportWorld,
    registered_by: &GemeenteCode,
    addresses: &[AddressRow],
) -> Result<ImportRegistration, Vec<Problem>> {
    let input = RegistrationInput {
        kind: normalize_code(t.get(row, "soort")),
        reported_on: t.get(row, "meldingsdatum").into(),
        stated_origin: t.opt(row, "herkomstOpgegeven").map(Into::into),
        outcome: t.opt(row, "uitkomst").map(normalize_code),
        outcome_on: t.opt(row, "uitkomstdatum").map(Into::into),
        referred_to: t.opt(row, "terugverwezenNaar").map(Into::into),
        end_reason: t.opt(row, "redenEinde").map(normalize_code),
        note: t.opt(row, "toelichting").map(Into::into),
    };
    let parsed = input
        .parse(world.today)
        .map_err(|e| field_problems(t, row, e, &[]))?;
    // The access point of the importing region: an importing user registers
    // clients for municipalities of the own region only, so this is the
    // region of the registering municipality, which is also the operator's.
    let (region_id, rule) = world
        .region_of(registered_by)
        .and_then(|r| world.origin_rule(r).map(|rule| (r, rule)))
        .map_err(|m| vec![t.problem(row, "clientnummer", m)])?;
    let facts = parsed
        .decide_origin(rule, addresses, world.now)
        .map_err(|e| field_problems(t, row, e, &[]))?;
    Ok(ImportRegistration { region_id, facts })
}

/// A voordrachten row as its screen checks it: the corporation by name and
/// the aftercare provider by AGB code or name, then the input, what it
/// refers to, and for an importing user who may nominate and allocate in
/// that region. The stay it leaves is linked by `plan`. Returns the region
/// and the facts (without `stay_id`).
pub(super) fn nomination(
    t: &Checked<'_>,
    row: &Row,
    world: &ImportWorld,
) -> Result<(i64, NominationFacts), Vec<Problem>> {
    let mut problems = Vec::new();
    // The region whose corporations the name is looked up among.
    let region = world.region_typed(t.get(row, "gemeente"));
    let corporation = t.opt(row, "corporatie").and_then(|name| {
        world
            .corporation(name, region)
            .map_err(|m| problems.push(t.problem(row, "corporatie", m)))
            .ok()
    });
    let provider = t.opt(row, "nazorgAanbieder").and_then(|p| {
        world
            .provider(p)
            .map_err(|m| problems.push(t.problem(row, "nazorgAanbieder", m)))
            .ok()
    });
    let input = NominationInput {
        route: normalize_code(t.get(row, "route")),
        leaves: normalize_code(t.get(row, "uitstroomUit")),
        stay_id: None,
        nominated_on: t.get(row, "voordrachtdatum").into(),
        municipality: t.get(row, "gemeente").into(),
        corporation_id: corporation.map(|c| c.id.to_string()),
        address_municipality: t.opt(row, "adresgemeente").map(Into::into),
        key_on: t.opt(row, "sleuteldatum").map(Into::into),
        withdrawn_on: t.opt(row, "ingetrokkenOp").map(Into::into),
        withdrawal_reason: t.opt(row, "redenIntrekking").map(normalize_code),
        aftercare_provider: provider.map(|p| p.id.to_string()),
        aftercare_from: t.opt(row, "nazorgVanaf").map(Into::into),
        aftercare_until: t.opt(row, "nazorgTot").map(Into::into),
        housing: t.opt(row, "wonen").map(normalize_code),
        housing_on: t.opt(row, "wonenPer").map(Into::into),
        note: t.opt(row, "toelichting").map(Into::into),
    };
    let facts = match input.parse(world.today) {
        Ok(facts) if problems.is_empty() => facts,
        Ok(_) => return Err(problems),
        Err(e) => {
            // A name that was not found is named once, not again as missing.
            let mut parsed = field_problems(t, row, e, NOMINATION_COLUMNS);
            parsed.retain(|p| !problems.iter().any(|q| q.column == p.column));
            problems.extend(parsed);
            return Err(problems);
        }
    };
    let found = NominationReferences {
        // The stay is linked through its decision by `plan`, within the
        // client's own rows; `stay_id` is still empty here.
        stay_client: None,
        // Found above by AGB code or name.
        aftercare_provider_known: true,
        municipality_region: world.region_of(&facts.municipality).ok(),
        corporation_region: corporation.map(|c| c.region_id),
        address_region: facts
            .address_municipality
            .as_ref()
            .and_then(|m| world.region_of(m).ok()),
    };
    let region_id = facts
        .check_references(0, &found)
        .map_err(|e| field_problems(t, row, e, NOMINATION_COLUMNS))?;
    // The operator at the command line imports the clients of any region
    // (`ImportClients`); who nominates and allocates on the screens is
    // asked of an importing user, whose region must be the nomination's.
    let actor = &world.registers.actor;
    if actor.kind != ActorKind::System {
        let placement = facts.key_on.is_some() || facts.withdrawn_on.is_some();
        let nominate = Action::NominateForOutflow {
            region_id,
            providers: &[],
        };
        let allocate = placement.then_some(Action::ManageOutflow { region_id });
        for action in std::iter::once(nominate).chain(allocate) {
            if let Decision::Deny(reason) = can(actor, action) {
                return Err(vec![t.problem(row, "gemeente", reason)]);
            }
        }
    }
    Ok((region_id, facts))
}
