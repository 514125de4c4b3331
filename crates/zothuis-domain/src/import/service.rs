//! The import use case: check everything, then write everything in one
//! transaction, or nothing.

use super::plan::{ImportAudit, ImportCounts, ImportWorld, known_bsns, plan};
use super::registers::RegisterWorld;
use super::{Table, TableKind};
use crate::access::service::RuleWorld;
use crate::admin::{ActorKind, RequestContext, Role, Scope};
use crate::audit::{AuditAction, ObjectType, Outcome};
use crate::error::{DomainError, DomainResult};
use crate::import::Problem;
use crate::policy::{Action, Decision, can};
use crate::service::Services;
use crate::store::Tenancies;
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Check only; write nothing.
    pub dry_run: bool,
    /// The user who gets access to imported restricted clients. An importing
    /// user gets it without asking; the operator names one.
    pub grant_to: Option<String>,
}

/// The result of an import: what it holds and, if it could not be
/// imported, every problem found.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub counts: ImportCounts,
    pub problems: Vec<Problem>,
    /// Whether the data was written (not a dry run and no problems).
    pub applied: bool,
    /// The ids of the created clients, in file order.
    pub client_ids: Vec<i64>,
}

impl Services {
    /// Imports clients with their addresses, decisions, waiting-list history,
    /// stays, registrations at the access point and nominations for outflow,
    /// and the registers without clients (Pact agreements, HOV,
    /// zorgcoördinatie). Each table is decided for the actor
    /// (`Action::ImportTable`): one it may not import is a problem naming
    /// it, and an actor who may import none of the tables is refused.
    /// Progress is reported per client written (done, total).
    pub async fn import(
        &self,
        ctx: &RequestContext,
        tables: &[Table],
        options: &ImportOptions,
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> DomainResult<ImportReport> {
        let mut kinds: Vec<TableKind> = tables.iter().map(|t| t.kind).collect();
        kinds.sort();
        kinds.dedup();
        let refused: Vec<(TableKind, &'static str)> = kinds
            .iter()
            .filter_map(|k| match can(&ctx.actor, Action::ImportTable(*k)) {
                Decision::Allow => None,
                Decision::Deny(reason) => Some((*k, reason)),
            })
            .collect();
        match refused.first() {
            Some((_, reason)) if refused.len() == kinds.len() => {
                return self
                    .deny(ctx, AuditAction::Created, ObjectType::Import, None, reason)
                    .await;
            }
            None if kinds.is_empty() && !crate::policy::may_import(&ctx.actor) => {
                return self
                    .deny(
                        ctx,
                        AuditAction::Created,
                        ObjectType::Import,
                        None,
                        "u mag geen van de tabellen importeren",
                    )
                    .await;
            }
            _ => {}
        }
        let is_refused = |t: &Table| refused.iter().any(|(k, _)| *k == t.kind);
        let mut refusals: Vec<Problem> = tables
            .iter()
            .filter_map(|t| {
                let (_, reason) = refused.iter().find(|(k, _)| *k == t.kind)?;
                Some(Problem::file(
                    &t.source,
                    format!("u mag de tabel {} niet importeren: {reason}", t.kind.name()),
                ))
            })
            .collect();
        refusals.sort();
        if !refused.is_empty() {
            let names: Vec<&str> = refused.iter().map(|(k, _)| k.name()).collect();
            let draft = self
                .draft(ctx, AuditAction::Created, ObjectType::Import, None)
                .with_outcome(Outcome::Denied)
                .with_details(json!({ "reden": refused[0].1, "tabellen": names,
                    "proefimport": options.dry_run }));
            self.store.append_audit(draft).await?;
        }
        let allowed: Vec<&Table> = tables.iter().filter(|t| !is_refused(t)).collect();
        let journey = allowed.iter().any(|t| !t.kind.is_register());
        let has = |kind: TableKind| allowed.iter().any(|t| t.kind == kind);
        let region = match (&ctx.actor.kind, &ctx.actor.scope) {
            (ActorKind::System, _) => None,
            (_, Scope::Regio(id)) => Some(*id),
            _ if journey => {
                return Err(DomainError::Forbidden("u importeert voor een regio".into()));
            }
            _ => None,
        };
        let grant_to = match (&options.grant_to, &ctx.actor.kind) {
            (Some(name), _) => {
                let user = self
                    .store
                    .list_users()
                    .await?
                    .into_iter()
                    .find(|u| u.username == *name && u.active)
                    .ok_or_else(|| {
                        DomainError::invalid(
                            "toegang",
                            format!("er is geen actieve gebruiker {name}"),
                        )
                    })?;
                Some(user.id)
            }
            (None, ActorKind::User) => Some(ctx.actor.id),
            (None, _) => None,
        };
        // What the client tables are checked against is read only for them.
        let (clients, decisions, locations) = if journey {
            (
                self.store.list_clients(&crate::store::Clients::All).await?,
                self.store
                    .list_decisions(&crate::store::Clients::All)
                    .await?,
                self.store.list_locations().await?,
            )
        } else {
            Default::default()
        };
        // Nominations and HOV trajectories name their corporation.
        let corporations = match journey || has(TableKind::HovTrajecten) {
            true => self.store.list_corporations(None).await?,
            false => Vec::new(),
        };
        let rules = RuleWorld::load(self).await?;
        let origin_rules = rules
            .regions
            .iter()
            .map(|r| (r.id, self.origin_rule_of(&r.code)))
            .collect();
        let providers = self.store.list_providers().await?;
        let registers = RegisterWorld {
            actor: ctx.actor.clone(),
            municipalities: rules.municipalities.clone(),
            providers: providers.clone(),
            corporations: corporations.clone(),
            existing_tenancies: match has(TableKind::HovTrajecten) {
                true => self.visible_tenancies(ctx).await?,
                false => vec![],
            },
            existing_trajectories: match (&ctx.actor.role, &ctx.actor.scope) {
                (Role::Zorgcoordinator, Scope::Regio(r))
                    if has(TableKind::ZorgcoordinatieTrajecten) =>
                {
                    self.store
                        .list_trajectories(Some(*r), self.clock.now())
                        .await?
                        .into_iter()
                        .map(|t| t.facts)
                        .collect()
                }
                _ => vec![],
            },
            today: self.clock.today(),
        };
        let world = ImportWorld {
            rules,
            providers,
            locations,
            existing_bsns: clients
                .iter()
                .filter_map(|c| c.bsn.as_ref().map(|b| (b.to_string(), c.id)))
                .collect(),
            existing_references: decisions.into_iter().map(|d| d.reference).collect(),
            region,
            today: self.clock.today(),
            now: self.clock.now(),
            registers,
            origin_rules,
            corporations,
        };
        // Every BSN that is already registered is audited on that client,
        // masked, dry run or not: a bulk check of BSNs must show in the log.
        for (bsn, client_id) in known_bsns(&allowed, &world.existing_bsns) {
            let draft = self
                .draft(ctx, AuditAction::Created, ObjectType::Import, None)
                .for_client(client_id)
                .with_outcome(Outcome::Denied)
                .with_details(json!({ "reden": "bsn-bestaat-al", "bsn": bsn.masked(),
                    "proefimport": options.dry_run }));
            self.store.append_audit(draft).await?;
        }
        let batch = match plan(&allowed, &world) {
            Ok(b) if refusals.is_empty() => b,
            Ok(_) => {
                return Ok(ImportReport {
                    problems: refusals,
                    ..Default::default()
                });
            }
            Err(mut problems) => {
                problems.extend(refusals);
                problems.sort();
                return Ok(ImportReport {
                    problems,
                    ..Default::default()
                });
            }
        };
        let counts = batch.counts();
        if batch.clients.iter().any(|c| c.data.restricted) && grant_to.is_none() {
            return Ok(ImportReport {
                counts,
                problems: vec![Problem::file(
                    "import",
                    "het bestand bevat afgeschermde cliënten; noem met --toegang de gebruiker die hen mag zien",
                )],
                ..Default::default()
            });
        }
        if options.dry_run {
            return Ok(ImportReport {
                counts,
                ..Default::default()
            });
        }
        let sources: Vec<&str> = tables.iter().map(|t| t.source.as_str()).collect();
        let audit = ImportAudit {
            per_client: self
                .draft(ctx, AuditAction::Created, ObjectType::Client, None)
                .with_details(json!({ "bron": "import" })),
            per_record: self.draft(ctx, AuditAction::Created, ObjectType::Import, None),
            summary: self
                .draft(ctx, AuditAction::Created, ObjectType::Import, None)
                .with_details(json!({
                    "bestanden": sources,
                    "clienten": counts.clients,
                    "adressen": counts.addresses,
                    "beschikkingen": counts.decisions,
                    "wachtlijstovergangen": counts.transitions,
                    "verblijven": counts.stays,
                    "toegangsmeldingen": counts.registrations,
                    "voordrachten": counts.nominations,
                    "pactAfspraken": counts.quotas,
                    "hovTrajecten": counts.tenancies,
                    "zorgcoordinatieTrajecten": counts.trajectories,
                    "zorgcoordinatieMeldingen": counts.reports,
                })),
        };
        let total = batch.clients.len();
        let client_ids = self
            .store
            .import_batch(
                &batch,
                self.clock.now_micros(),
                &ctx.actor.name,
                grant_to,
                audit,
                &|done| progress(done, total),
            )
            .await?;
        Ok(ImportReport {
            counts,
            problems: vec![],
            applied: true,
            client_ids,
        })
    }
}

impl Services {
    /// The HOV trajectories in the actor's own list, as known now (the same
    /// as `list_tenancies` shows it, unaudited: only compared, never shown).
    async fn visible_tenancies(
        &self,
        ctx: &RequestContext,
    ) -> DomainResult<Vec<crate::tenancy::TenancyFacts>> {
        let which = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::WmoConsulent, Scope::Gemeente(g)) => Tenancies::Municipality(g.clone()),
            (Role::Aanbieder, Scope::Aanbieder(p)) => Tenancies::Provider(*p),
            _ => return Ok(vec![]),
        };
        Ok(self
            .store
            .list_tenancies(&which, self.clock.now())
            .await?
            .into_iter()
            .map(|t| t.facts)
            .collect())
    }
}
