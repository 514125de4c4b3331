//! The import use case: check everything, then write everything in one
//! transaction, or nothing.

use super::Table;
use super::plan::{ImportCounts, ImportWorld, known_bsns, plan};
use crate::access::service::RuleWorld;
use crate::admin::{ActorKind, RequestContext, Scope};
use crate::audit::{AuditAction, ObjectType, Outcome};
use crate::error::{DomainError, DomainResult};
use crate::import::Problem;
use crate::policy::Action;
use crate::service::Services;
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
    /// Imports clients with their addresses, decisions, waiting-list history
    /// and stays. Progress is reported per client written (done, total).
    pub async fn import(
        &self,
        ctx: &RequestContext,
        tables: &[Table],
        options: &ImportOptions,
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> DomainResult<ImportReport> {
        self.authorize(
            ctx,
            Action::ImportClients,
            AuditAction::Created,
            ObjectType::Import,
            None,
        )
        .await?;
        let region = match (&ctx.actor.kind, &ctx.actor.scope) {
            (ActorKind::System, _) => None,
            (_, Scope::Regio(id)) => Some(*id),
            _ => return Err(DomainError::Forbidden("u importeert voor een regio".into())),
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
        let clients = self.store.list_clients(&crate::store::Clients::All).await?;
        let world = ImportWorld {
            rules: RuleWorld::load(self).await?,
            providers: self.store.list_providers().await?,
            locations: self.store.list_locations().await?,
            existing_bsns: clients
                .iter()
                .filter_map(|c| c.bsn.as_ref().map(|b| (b.to_string(), c.id)))
                .collect(),
            existing_references: self
                .store
                .list_decisions(&crate::store::Clients::All)
                .await?
                .into_iter()
                .map(|d| d.reference)
                .collect(),
            region,
            today: self.clock.today(),
            now: self.clock.now(),
        };
        // Every BSN that is already registered is audited on that client,
        // masked, dry run or not: a bulk check of BSNs must show in the log.
        for (bsn, client_id) in known_bsns(tables, &world.existing_bsns) {
            let draft = self
                .draft(ctx, AuditAction::Created, ObjectType::Import, None)
                .for_client(client_id)
                .with_outcome(Outcome::Denied)
                .with_details(json!({ "reden": "bsn-bestaat-al", "bsn": bsn.masked(),
                    "proefimport": options.dry_run }));
            self.store.append_audit(draft).await?;
        }
        let batch = match plan(tables, &world) {
            Ok(b) => b,
            Err(problems) => {
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
        let per_client = self
            .draft(ctx, AuditAction::Created, ObjectType::Client, None)
            .with_details(json!({ "bron": "import" }));
        let summary = self
            .draft(ctx, AuditAction::Created, ObjectType::Import, None)
            .with_details(json!({
                "bestanden": sources,
                "clienten": counts.clients,
                "adressen": counts.addresses,
                "beschikkingen": counts.decisions,
                "wachtlijstovergangen": counts.transitions,
                "verblijven": counts.stays,
            }));
        let total = batch.clients.len();
        let client_ids = self
            .store
            .import_batch(
                &batch,
                self.clock.now_micros(),
                &ctx.actor.name,
                grant_to,
                per_client,
                summary,
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
