//! Validation of the registers without clients: the Pact voor uitstroom's
//! agreements, Huren Onder Voorwaarden and zorgcoördinatie. Every row runs
//! through its screen's input type (`QuotaInput`, `TenancyInput`,
//! `TrajectoryInput`, `ReportInput`) and through its register's policy for
//! the importing actor (`ManageOutflow`, `ManageTenancy`, `ManageOutreach`),
//! so a file can record nothing a screen would refuse.

use super::plan::field_problems;
use super::{Checked, Problem, Row, Table, TableKind, normalize_code};
use crate::admin::{Actor, Scope};
use crate::audit::{AuditDraft, ObjectType};
use crate::outflow::{QuotaData, QuotaInput};
use crate::outreach::{
    ReportData, ReportInput, TrajectoryFacts, TrajectoryInput, TrajectoryOutcome,
};
use crate::policy::{Action, Decision, can};
use crate::reference::{Corporation, GemeenteCode, Municipality, Provider};
use crate::tenancy::{TenancyFacts, TenancyInput, TenancyResult};
use chrono::NaiveDate;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// The validated registers of an import; ids are the store's to give.
#[derive(Debug, Clone, Default)]
pub struct RegisterBatch {
    pub quotas: Vec<ImportQuota>,
    pub tenancies: Vec<ImportTenancy>,
    pub outreach: Vec<ImportOutreachPerson>,
}

/// A Pact agreement, for a municipality of `region_id`.
#[derive(Debug, Clone)]
pub struct ImportQuota {
    pub region_id: i64,
    pub data: QuotaData,
}

/// A HOV trajectory, with its first version.
#[derive(Debug, Clone)]
pub struct ImportTenancy {
    pub region_id: i64,
    pub facts: TenancyFacts,
}

/// One person of the outreach team's register (the rows of one
/// persoonsnummer) with their trajectories, in file order.
#[derive(Debug, Clone)]
pub struct ImportOutreachPerson {
    pub region_id: i64,
    pub trajectories: Vec<ImportTrajectory>,
}

/// A zorgcoördinatie trajectory with its meldingen (at least one), by date.
#[derive(Debug, Clone)]
pub struct ImportTrajectory {
    pub facts: TrajectoryFacts,
    pub reports: Vec<ReportData>,
}

/// A record's audit row on the base of the import's (who, when, which
/// request): its own object type and details, marked as imported. The
/// details hold what the screens audit, never the tenant, the person or a
/// note.
fn record(base: &AuditDraft, object_type: ObjectType, details: serde_json::Value) -> AuditDraft {
    AuditDraft {
        object_type,
        object_id: None,
        client_id: None,
        details,
        ..base.clone()
    }
}

impl ImportQuota {
    pub fn audit(&self, base: &AuditDraft) -> AuditDraft {
        let d = &self.data;
        record(
            base,
            ObjectType::PactAfspraak,
            json!({ "gemeente": d.municipality.to_string(), "jaar": d.year,
                "woningen": d.homes, "via": "import" }),
        )
    }
}

impl ImportTenancy {
    pub fn audit(&self, base: &AuditDraft) -> AuditDraft {
        let f = &self.facts;
        record(
            base,
            ObjectType::HovTraject,
            json!({ "gemeente": f.municipality.to_string(),
                "aanbieder": f.provider_id, "aanleiding": f.reason.code(),
                "startdatum": f.started_on.to_string(),
                "einddatum": f.ended_on.map(|d| d.to_string()),
                "eindresultaat": f.result.map(TenancyResult::code), "via": "import" }),
        )
    }
}

impl ImportTrajectory {
    /// The trajectory's row; `known_person` when an earlier trajectory of
    /// the import already made the person.
    pub fn audit(&self, base: &AuditDraft, known_person: bool) -> AuditDraft {
        let f = &self.facts;
        record(
            base,
            ObjectType::Zorgcoordinatie,
            json!({ "gemeente": f.municipality.to_string(),
                "startdatum": f.started_on.to_string(),
                "afgeslotenOp": f.closed_on.map(|d| d.to_string()),
                "uitkomst": f.outcome.map(TrajectoryOutcome::code),
                "bekendePersoon": known_person, "meldingen": self.reports.len(),
                "via": "import" }),
        )
    }

    /// A melding's row, once its trajectory has an id.
    pub fn report_audit(base: &AuditDraft, trajectory_id: i64, report: &ReportData) -> AuditDraft {
        record(
            base,
            ObjectType::MeldingZorgcoordinatie,
            json!({ "traject": trajectory_id,
                "meldingsdatum": report.reported_on.to_string(),
                "bron": report.source.code(), "via": "import" }),
        )
    }
}

/// What the validation of the registers needs to know.
#[derive(Debug, Clone)]
pub struct RegisterWorld {
    /// The importing actor: each row must pass its register's policy.
    pub actor: Actor,
    pub municipalities: Vec<Municipality>,
    pub providers: Vec<Provider>,
    /// The housing corporations of every region, looked up by name.
    pub corporations: Vec<Corporation>,
    /// The HOV trajectories the actor sees, as known now: a row repeating
    /// one is a file imported twice.
    pub existing_tenancies: Vec<TenancyFacts>,
    /// Likewise the trajectories of the actor's outreach team.
    pub existing_trajectories: Vec<TrajectoryFacts>,
    pub today: NaiveDate,
}

impl RegisterWorld {
    fn region_of(&self, code: &GemeenteCode) -> Result<i64, String> {
        self.municipalities
            .iter()
            .find(|m| m.code == *code)
            .map(|m| m.region_id)
            .ok_or_else(|| format!("gemeente {code} bestaat niet in zothuis"))
    }

    /// A provider by id, AGB code or exact name (any case).
    fn provider(&self, wanted: &str) -> Result<i64, String> {
        let wanted = wanted.trim();
        let found: Vec<&Provider> = self
            .providers
            .iter()
            .filter(|p| {
                p.id.to_string() == wanted
                    || p.agb_code.as_deref() == Some(wanted)
                    || p.name.to_lowercase() == wanted.to_lowercase()
            })
            .collect();
        match found.as_slice() {
            [one] => Ok(one.id),
            [] => Err(format!(
                "aanbieder {wanted} bestaat niet in zothuis (vul het id, de AGB-code of de naam in)"
            )),
            _ => Err(format!(
                "meerdere aanbieders passen bij {wanted}; gebruik het id"
            )),
        }
    }
}

/// The column a refusal of `ManageTenancy` is about: a provider may record
/// only what it supports, a consultant only homes in its municipality.
fn tenancy_refusal_column(actor: &Actor) -> &'static str {
    match actor.scope {
        Scope::Aanbieder(_) => "aanbieder",
        _ => "gemeente",
    }
}

/// Validates the register tables into a batch, or reports every problem.
pub fn plan(tables: &[&Table], world: &RegisterWorld) -> Result<RegisterBatch, Vec<Problem>> {
    let mut problems = Vec::new();
    let checked: Vec<Option<Checked<'_>>> = tables
        .iter()
        .map(|t| Checked::new(t, &mut problems))
        .collect();
    let of_kind = |kind: TableKind| {
        checked
            .iter()
            .flatten()
            .filter(move |c| c.table.kind == kind)
    };
    let mut batch = RegisterBatch::default();

    // ---- Pact agreements ---------------------------------------------------
    let mut agreed: HashMap<(GemeenteCode, i32), usize> = HashMap::new();
    for t in of_kind(TableKind::PactAfspraken) {
        for row in &t.table.rows {
            let input = QuotaInput {
                municipality: t.get(row, "gemeente").into(),
                year: t.get(row, "jaar").into(),
                homes: t.get(row, "woningen").into(),
                note: t.opt(row, "toelichting").map(Into::into),
            };
            let data = match input.parse() {
                Ok(d) => d,
                Err(e) => {
                    problems.extend(field_problems(t, row, e, &[]));
                    continue;
                }
            };
            let region_id = match world.region_of(&data.municipality) {
                Ok(r) => r,
                Err(m) => {
                    problems.push(t.problem(row, "gemeente", m));
                    continue;
                }
            };
            if let Decision::Deny(reason) = can(&world.actor, Action::ManageOutflow { region_id }) {
                problems.push(t.problem(row, "gemeente", reason));
                continue;
            }
            let key = (data.municipality.clone(), data.year);
            if let Some(line) = agreed.get(&key) {
                problems.push(t.problem(
                    row,
                    "jaar",
                    format!("deze gemeente en dit jaar staan ook op regel {line}"),
                ));
                continue;
            }
            agreed.insert(key, row.line);
            batch.quotas.push(ImportQuota { region_id, data });
        }
    }

    // ---- Huren Onder Voorwaarden -----------------------------------------
    let same_tenancy = |a: &TenancyFacts, b: &TenancyFacts| {
        a.municipality == b.municipality
            && a.started_on == b.started_on
            && a.tenant.to_lowercase() == b.tenant.to_lowercase()
    };
    let mut tenancy_lines: Vec<usize> = Vec::new();
    for t in of_kind(TableKind::HovTrajecten) {
        for row in &t.table.rows {
            let before = problems.len();
            let provider_id = t.opt(row, "aanbieder").and_then(|p| {
                world
                    .provider(p)
                    .map_err(|m| problems.push(t.problem(row, "aanbieder", m)))
                    .ok()
            });
            let region = GemeenteCode::parse(t.get(row, "gemeente"))
                .ok()
                .and_then(|m| world.region_of(&m).ok());
            let corporation = t.opt(row, "corporatie").and_then(|name| {
                super::plan::find_corporation(&world.corporations, name, region)
                    .map_err(|m| problems.push(t.problem(row, "corporatie", m)))
                    .ok()
            });
            let input = TenancyInput {
                municipality: t.get(row, "gemeente").into(),
                tenant: t.get(row, "huurder").into(),
                corporation_id: corporation.map(|c| c.id.to_string()),
                provider_id: provider_id.map(|p: i64| p.to_string()),
                reason: normalize_code(t.get(row, "aanleiding")),
                started_on: t.get(row, "startdatum").into(),
                ended_on: t.opt(row, "einddatum").map(Into::into),
                result: t.opt(row, "eindresultaat").map(normalize_code),
                note: t.opt(row, "toelichting").map(Into::into),
            };
            let facts = input
                .parse(world.today)
                .map_err(|e| {
                    let found = field_problems(
                        t,
                        row,
                        e,
                        &[("aanbiederId", "aanbieder"), ("corporatieId", "corporatie")],
                    );
                    // A name not found is named once, by the look-up.
                    let unknown = t.opt(row, "corporatie").is_some() && corporation.is_none();
                    problems.extend(
                        found
                            .into_iter()
                            .filter(|p| !(unknown && p.column.as_deref() == Some("corporatie"))),
                    )
                })
                .ok();
            let Some(facts) = facts.filter(|_| problems.len() == before) else {
                continue;
            };
            let region_id = match world.region_of(&facts.municipality) {
                Ok(r) => r,
                Err(m) => {
                    problems.push(t.problem(row, "gemeente", m));
                    continue;
                }
            };
            if let Err(e) = facts.check_corporation(region_id, corporation.map(|c| c.region_id)) {
                problems.extend(field_problems(t, row, e, &[("corporatieId", "corporatie")]));
                continue;
            }
            if let Decision::Deny(reason) = can(
                &world.actor,
                Action::ManageTenancy {
                    municipality: &facts.municipality,
                    provider: facts.provider_id,
                },
            ) {
                problems.push(t.problem(row, tenancy_refusal_column(&world.actor), reason));
                continue;
            }
            if let Some(i) = batch
                .tenancies
                .iter()
                .position(|x| same_tenancy(&x.facts, &facts))
            {
                problems.push(t.problem(
                    row,
                    "huurder",
                    format!(
                        "een traject met deze gemeente, huurder en startdatum staat ook op regel {}",
                        tenancy_lines[i]
                    ),
                ));
                continue;
            }
            if world
                .existing_tenancies
                .iter()
                .any(|x| same_tenancy(x, &facts))
            {
                problems.push(t.problem(
                    row,
                    "huurder",
                    "een HOV-traject met deze gemeente, huurder en startdatum staat al in zothuis; is dit bestand al eens geïmporteerd?",
                ));
                continue;
            }
            tenancy_lines.push(row.line);
            batch.tenancies.push(ImportTenancy { region_id, facts });
        }
    }

    // ---- zorgcoördinatie ---------------------------------------------------
    batch.outreach = plan_outreach(tables, &checked, world, &mut problems);

    if problems.is_empty() {
        Ok(batch)
    } else {
        problems.sort();
        problems.dedup();
        Err(problems)
    }
}

/// A trajectory row that passed its own checks, waiting for its meldingen.
struct TrajectoryRow<'a> {
    checked: &'a Checked<'a>,
    row: &'a Row,
    person: Option<String>,
    region_id: i64,
    facts: TrajectoryFacts,
    reports: Vec<ReportData>,
    /// A melding of it had a problem: reported there, not again here.
    failed_report: bool,
}

fn plan_outreach(
    tables: &[&Table],
    checked: &[Option<Checked<'_>>],
    world: &RegisterWorld,
    problems: &mut Vec<Problem>,
) -> Vec<ImportOutreachPerson> {
    let has = |kind| tables.iter().any(|t| t.kind == kind);
    let (with_trajectories, with_reports) = (
        has(TableKind::ZorgcoordinatieTrajecten),
        has(TableKind::ZorgcoordinatieMeldingen),
    );
    if !with_trajectories && !with_reports {
        return vec![];
    }
    for t in tables {
        if t.kind == TableKind::ZorgcoordinatieTrajecten && !with_reports {
            problems.push(Problem::file(
                &t.source,
                "de tabel zorgcoordinatie-meldingen ontbreekt: elk traject heeft minstens één melding",
            ));
        }
        if t.kind == TableKind::ZorgcoordinatieMeldingen && !with_trajectories {
            problems.push(Problem::file(
                &t.source,
                "de tabel zorgcoordinatie-trajecten ontbreekt: een melding hoort bij een traject",
            ));
        }
    }
    let of_kind = |kind: TableKind| {
        checked
            .iter()
            .flatten()
            .filter(move |c| c.table.kind == kind)
    };
    let same = |a: &TrajectoryFacts, b: &TrajectoryFacts| {
        a.municipality == b.municipality
            && a.started_on == b.started_on
            && a.person.to_lowercase() == b.person.to_lowercase()
    };

    let mut rows: Vec<TrajectoryRow<'_>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut lines: HashMap<String, usize> = HashMap::new();
    let mut failed: HashSet<String> = HashSet::new();
    for t in of_kind(TableKind::ZorgcoordinatieTrajecten) {
        for row in &t.table.rows {
            let key = t.get(row, "trajectnummer").to_string();
            let before = problems.len();
            if key.is_empty() {
                problems.push(t.problem(row, "trajectnummer", "vul het trajectnummer in"));
            } else if let Some(line) = lines.get(&key) {
                problems.push(t.problem(
                    row,
                    "trajectnummer",
                    format!("dit trajectnummer staat ook op regel {line}"),
                ));
            } else {
                lines.insert(key.clone(), row.line);
            }
            let input = TrajectoryInput {
                municipality: t.get(row, "gemeente").into(),
                person: t.get(row, "persoon").into(),
                started_on: t.get(row, "startdatum").into(),
                closed_on: t.opt(row, "afgeslotenOp").map(Into::into),
                outcome: t.opt(row, "uitkomst").map(normalize_code),
                note: t.opt(row, "toelichting").map(Into::into),
            };
            let facts = input
                .parse(world.today)
                .map_err(|e| problems.extend(field_problems(t, row, e, &[])))
                .ok();
            let region_id = facts.as_ref().and_then(|f| {
                let region_id = world
                    .region_of(&f.municipality)
                    .map_err(|m| problems.push(t.problem(row, "gemeente", m)))
                    .ok()?;
                match can(&world.actor, Action::ManageOutreach { region_id }) {
                    Decision::Allow => Some(region_id),
                    Decision::Deny(reason) => {
                        problems.push(t.problem(row, "gemeente", reason));
                        None
                    }
                }
            });
            if let Some(f) = &facts
                && region_id.is_some()
                && world.existing_trajectories.iter().any(|x| same(x, f))
            {
                problems.push(t.problem(
                    row,
                    "persoon",
                    "een traject met deze gemeente, persoon en startdatum staat al in zothuis; is dit bestand al eens geïmporteerd?",
                ));
            }
            match (facts, region_id) {
                (Some(facts), Some(region_id)) if problems.len() == before => {
                    index.insert(key, rows.len());
                    rows.push(TrajectoryRow {
                        checked: t,
                        row,
                        person: t.opt(row, "persoonsnummer").map(str::to_string),
                        region_id,
                        facts,
                        reports: vec![],
                        failed_report: false,
                    });
                }
                _ => {
                    failed.insert(key);
                }
            }
        }
    }
    // Meldingen of a trajectories table whose header failed would only
    // repeat that problem.
    let trajectories_readable = checked
        .iter()
        .zip(tables)
        .all(|(c, t)| t.kind != TableKind::ZorgcoordinatieTrajecten || c.is_some());
    for t in of_kind(TableKind::ZorgcoordinatieMeldingen) {
        if !with_trajectories || !trajectories_readable {
            break;
        }
        for row in &t.table.rows {
            let key = t.get(row, "trajectnummer");
            let Some(&ti) = index.get(key) else {
                if !failed.contains(key) {
                    problems.push(t.problem(
                        row,
                        "trajectnummer",
                        if key.is_empty() {
                            "vul het trajectnummer in".to_string()
                        } else {
                            format!("traject {key} staat niet in zorgcoordinatie-trajecten")
                        },
                    ));
                }
                continue;
            };
            let input = ReportInput {
                reported_on: t.get(row, "meldingsdatum").into(),
                source: normalize_code(t.get(row, "bron")),
            };
            let trajectory = &mut rows[ti];
            match input.parse(world.today) {
                Ok(report) => match report.fits(&trajectory.facts) {
                    Ok(()) => trajectory.reports.push(report),
                    Err(m) => {
                        problems.push(t.problem(row, "meldingsdatum", m));
                        trajectory.failed_report = true;
                    }
                },
                Err(e) => {
                    problems.extend(field_problems(t, row, e, &[]));
                    trajectory.failed_report = true;
                }
            }
        }
    }
    if with_reports && trajectories_readable {
        for r in rows
            .iter()
            .filter(|r| r.reports.is_empty() && !r.failed_report)
        {
            problems.push(r.checked.problem(
                r.row,
                "trajectnummer",
                "een traject heeft minstens één melding: zet de meldingen met dit trajectnummer in zorgcoordinatie-meldingen",
            ));
        }
    }

    // One person per persoonsnummer, with at most one open trajectory.
    let mut persons: Vec<ImportOutreachPerson> = Vec::new();
    let mut person_index: HashMap<String, usize> = HashMap::new();
    let mut open_line: HashMap<usize, usize> = HashMap::new();
    for r in rows {
        let pi = match &r.person {
            Some(p) => *person_index.entry(p.clone()).or_insert_with(|| {
                persons.push(ImportOutreachPerson {
                    region_id: r.region_id,
                    trajectories: vec![],
                });
                persons.len() - 1
            }),
            None => {
                persons.push(ImportOutreachPerson {
                    region_id: r.region_id,
                    trajectories: vec![],
                });
                persons.len() - 1
            }
        };
        if r.facts.closed_on.is_none() {
            if let Some(line) = open_line.get(&pi) {
                problems.push(r.checked.problem(
                    r.row,
                    "afgeslotenOp",
                    format!(
                        "persoon {} heeft ook een open traject op regel {line}; een persoon heeft hoogstens één open traject",
                        r.person.as_deref().unwrap_or_default()
                    ),
                ));
                continue;
            }
            open_line.insert(pi, r.row.line);
        }
        let mut reports = r.reports;
        reports.sort_by_key(|x| x.reported_on);
        persons[pi].trajectories.push(ImportTrajectory {
            facts: r.facts,
            reports,
        });
    }
    persons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::{ActorKind, Role};

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor {
            kind: ActorKind::User,
            id: 1,
            name: "t".into(),
            role,
            scope,
        }
    }

    fn gm(code: &str) -> GemeenteCode {
        GemeenteCode::parse(code).unwrap()
    }

    /// Huizen and Hilversum in region 1, Haarlem in region 2; Kwintes is
    /// provider 3.
    fn world(actor: Actor) -> RegisterWorld {
        let m = |code: &str, region_id| Municipality {
            code: gm(code),
            name: code.into(),
            region_id,
            version: 1,
        };
        RegisterWorld {
            actor,
            municipalities: vec![m("GM0406", 1), m("GM0402", 1), m("GM0392", 2)],
            providers: vec![Provider {
                id: 3,
                name: "Kwintes".into(),
                agb_code: Some("73730101".into()),
                version: 1,
            }],
            corporations: vec![
                Corporation {
                    id: 5,
                    region_id: 1,
                    name: "De Alliantie".into(),
                    version: 1,
                },
                Corporation {
                    id: 6,
                    region_id: 2,
                    name: "Ymere".into(),
                    version: 1,
                },
            ],
            existing_tenancies: vec![],
            existing_trajectories: vec![],
            today: NaiveDate::from_ymd_opt(2026, 1, 12).unwrap(),
        }
    }

    fn table(kind: TableKind, text: &str) -> Table {
        let mut lines = text
            .lines()
            .map(|l| l.split(';').map(str::to_string).collect());
        Table {
            kind,
            source: format!("{}.csv", kind.name()),
            header: lines.next().unwrap(),
            rows: lines
                .enumerate()
                .map(|(i, cells)| Row { line: i + 2, cells })
                .collect(),
        }
    }

    fn problems(tables: &[Table], world: &RegisterWorld) -> Vec<String> {
        let refs: Vec<&Table> = tables.iter().collect();
        match plan(&refs, world) {
            Ok(b) => panic!("expected problems, got {b:?}"),
            Err(p) => p.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn pact_agreements_are_checked_like_the_screen_and_only_for_the_own_region() {
        let manager = world(actor(Role::Wachtlijstbeheerder, Scope::Regio(1)));
        let pact = table(
            TableKind::PactAfspraken,
            "gemeente;jaar;woningen;toelichting\n\
             GM0402;2026;32;Convenant\n\
             GM0392;2026;10;\n\
             GM0406;1999;-3;\n\
             GM0402;2026;30;\n\
             GM9999;2026;1;",
        );
        let text = problems(std::slice::from_ref(&pact), &manager);
        assert_eq!(
            text,
            [
                "pact-afspraken.csv, regel 3, kolom gemeente: het Pact voor uitstroom van een andere regio beheert u niet",
                "pact-afspraken.csv, regel 4, kolom jaar: vul een jaar in, bijvoorbeeld 2025",
                "pact-afspraken.csv, regel 4, kolom woningen: vul het aantal woningen in als geheel getal van 0 of meer",
                "pact-afspraken.csv, regel 5, kolom jaar: deze gemeente en dit jaar staan ook op regel 2",
                "pact-afspraken.csv, regel 6, kolom gemeente: gemeente GM9999 bestaat niet in zothuis",
            ]
        );
        let good = table(
            TableKind::PactAfspraken,
            "Gemeente;Jaar;Woningen\nGM0402;2026;32\nGM0406;2026;12",
        );
        let batch = plan(&[&good], &manager).unwrap();
        assert_eq!(batch.quotas.len(), 2);
        assert_eq!(
            (batch.quotas[0].region_id, batch.quotas[0].data.homes),
            (1, 32)
        );
    }

    #[test]
    fn a_hov_row_must_pass_the_policy_of_the_importing_consultant_or_provider() {
        let text = "gemeente;huurder;corporatie;aanbieder;aanleiding;startdatum;einddatum;eindresultaat;toelichting\n\
             GM0406;J.K.;De Alliantie;Kwintes;Huurachterstand;02-06-2025;;;\n\
             GM0402;P.V.;De Alliantie;3;overlast;2025-03-01;2025-12-01;Huur op naam;\n\
             GM0406;A.B.;De Alliantie;Onbekend;overlast;2025-03-01;;;\n\
             GM0406;j.k.;de alliantie;;uitstroom;2025-06-02;;;\n\
             GM0406;X.Y.;Ymere;;overlast;2025-03-01;;;\n\
             GM0406;Q.R.;Onbekend Wonen;;overlast;2025-03-01;;;\n\
             GM0406;E.F.;;;overlast;2025-03-01;;;";
        let hov = table(TableKind::HovTrajecten, text);
        let consultant = world(actor(Role::WmoConsulent, Scope::Gemeente(gm("GM0406"))));
        assert_eq!(
            problems(std::slice::from_ref(&hov), &consultant),
            [
                "hov-trajecten.csv, regel 3, kolom gemeente: dit HOV-traject hoort bij een woning in een andere gemeente",
                "hov-trajecten.csv, regel 4, kolom aanbieder: aanbieder Onbekend bestaat niet in zothuis (vul het id, de AGB-code of de naam in)",
                "hov-trajecten.csv, regel 5, kolom huurder: een traject met deze gemeente, huurder en startdatum staat ook op regel 2",
                "hov-trajecten.csv, regel 6, kolom corporatie: kies een corporatie uit de regio van de gemeente",
                "hov-trajecten.csv, regel 7, kolom corporatie: corporatie Onbekend Wonen staat niet in zothuis; de corporaties van de regio zijn: De Alliantie",
                "hov-trajecten.csv, regel 8, kolom corporatie: vul de woningcorporatie van het convenant in: een van de corporaties van de regio",
            ]
        );
        // The provider imports what it supports, in any municipality; a row
        // without it is refused on the provider's column.
        let provider = world(actor(Role::Aanbieder, Scope::Aanbieder(3)));
        let text = problems(std::slice::from_ref(&hov), &provider);
        assert!(
            text.contains(
                &"hov-trajecten.csv, regel 5, kolom aanbieder: u begeleidt dit HOV-traject niet"
                    .to_string()
            ),
            "{text:#?}"
        );
        assert!(
            !text
                .iter()
                .any(|t| t.contains("regel 2,") || t.contains("regel 3,"))
        );
        // A file read twice: the trajectory the consultant already sees.
        let mut again = consultant.clone();
        let first = table(
            TableKind::HovTrajecten,
            "gemeente;huurder;corporatie;aanbieder;aanleiding;startdatum\n\
             GM0406;J.K.;De Alliantie;73730101;huurachterstand;02-06-2025",
        );
        let batch = plan(&[&first], &consultant).unwrap();
        assert_eq!(batch.tenancies[0].facts.reason.code(), "huurachterstand");
        assert_eq!(batch.tenancies[0].facts.corporation_id, 5);
        assert_eq!(batch.tenancies[0].facts.provider_id, Some(3));
        again.existing_tenancies = vec![batch.tenancies[0].facts.clone()];
        assert!(problems(&[first], &again)[0].contains("staat al in zothuis"));
    }

    const TRAJECTORIES: &str = "trajectnummer;persoonsnummer;gemeente;persoon;startdatum;afgeslotenOp;uitkomst;toelichting\n\
         ZC-1;P-1;GM0402;man, ca. 50;2025-03-05;2025-06-30;toegeleid;\n\
         ZC-2;P-1;GM0402;man, ca. 50;2025-11-10;;;\n\
         ZC-3;;GM0406;vrouw, ca. 70;2025-12-02;;;";

    #[test]
    fn meldingen_fall_within_their_trajectory_and_a_person_has_one_open_trajectory() {
        let team = world(actor(Role::Zorgcoordinator, Scope::Regio(1)));
        let trajectories = table(TableKind::ZorgcoordinatieTrajecten, TRAJECTORIES);
        let reports = table(
            TableKind::ZorgcoordinatieMeldingen,
            "trajectnummer;meldingsdatum;bron\n\
             ZC-1;2025-03-05;politie\n\
             ZC-2;2025-11-10;Buren\n\
             ZC-1;2025-03-01;buren\n\
             ZC-3;2025-12-02;huisarts",
        );
        let batch = plan(&[&trajectories, &reports], &team);
        let text: Vec<String> = batch.unwrap_err().iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "zorgcoordinatie-meldingen.csv, regel 4, kolom meldingsdatum: deze melding ligt vóór het begin van het traject"
            ]
        );

        let reports = table(
            TableKind::ZorgcoordinatieMeldingen,
            "trajectnummer;meldingsdatum;bron\n\
             ZC-1;2025-03-20;buren\n\
             ZC-1;2025-03-05;politie\n\
             ZC-2;2025-11-10;buren\n\
             ZC-3;2025-12-02;huisarts",
        );
        let batch = plan(&[&trajectories, &reports], &team).unwrap();
        // ZC-1 and ZC-2 are one person; ZC-3 another.
        assert_eq!(batch.outreach.len(), 2);
        let first = &batch.outreach[0].trajectories;
        assert_eq!(first.len(), 2);
        assert_eq!(first[0].reports[0].source.code(), "politie", "by date");
        assert_eq!(first[0].reports.len(), 2);

        // A second open trajectory of P-1; a trajectory without meldingen;
        // a melding of an unknown trajectory.
        let open_twice = TRAJECTORIES.replace("2025-06-30;toegeleid", ";");
        let trajectories = table(TableKind::ZorgcoordinatieTrajecten, &open_twice);
        let reports = table(
            TableKind::ZorgcoordinatieMeldingen,
            "trajectnummer;meldingsdatum;bron\nZC-1;2025-03-05;politie\nZC-2;2025-11-10;buren\nZC-9;2025-12-02;huisarts",
        );
        assert_eq!(
            problems(&[trajectories, reports], &team),
            [
                "zorgcoordinatie-meldingen.csv, regel 4, kolom trajectnummer: traject ZC-9 staat niet in zorgcoordinatie-trajecten",
                "zorgcoordinatie-trajecten.csv, regel 3, kolom afgeslotenOp: persoon P-1 heeft ook een open traject op regel 2; een persoon heeft hoogstens één open traject",
                "zorgcoordinatie-trajecten.csv, regel 4, kolom trajectnummer: een traject heeft minstens één melding: zet de meldingen met dit trajectnummer in zorgcoordinatie-meldingen",
            ]
        );
    }

    #[test]
    fn only_the_regions_own_team_imports_its_register() {
        let trajectories = table(TableKind::ZorgcoordinatieTrajecten, TRAJECTORIES);
        let reports = table(
            TableKind::ZorgcoordinatieMeldingen,
            "trajectnummer;meldingsdatum;bron\nZC-1;2025-03-05;politie\nZC-2;2025-11-10;buren\nZC-3;2025-12-02;huisarts",
        );
        let other_team = world(actor(Role::Zorgcoordinator, Scope::Regio(2)));
        let text = problems(&[trajectories.clone(), reports.clone()], &other_team);
        assert_eq!(text.len(), 3, "{text:#?}");
        assert!(text.iter().all(|t| {
            t.contains("kolom gemeente: dit traject hoort bij het team van een andere regio")
        }));
        let manager = world(actor(Role::Wachtlijstbeheerder, Scope::Regio(1)));
        assert!(
            problems(std::slice::from_ref(&trajectories), &manager)
                .iter()
                .any(|t| t.contains("alleen het team zorgcoördinatie"))
        );
        // Without the meldingen the trajectories cannot be imported.
        let team = world(actor(Role::Zorgcoordinator, Scope::Regio(1)));
        assert_eq!(
            problems(&[trajectories], &team),
            [
                "zorgcoordinatie-trajecten.csv: de tabel zorgcoordinatie-meldingen ontbreekt: elk traject heeft minstens één melding"
            ]
        );
    }
}
