//! Use cases of the forecasts: a region's policy officer loads population
//! forecasts (the file's own source named); the policy roles and the board
//! of the region read them.

use super::population::{self, NewPopulation, Population, PopulationForecast};
use crate::admin::{RequestContext, Role, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult, Validator};
use crate::service::Services;
use serde_json::json;

/// The longest name and source.
pub const NAME_MAX: usize = 200;
pub const SOURCE_MAX: usize = 500;

/// What the policy officer fills in to load a population forecast.
#[derive(Debug, Clone, Default)]
pub struct PopulationInput {
    pub name: String,
    /// Where the numbers come from.
    pub source: String,
    /// The file's text (`population::parse`).
    pub csv: String,
}

fn not_found() -> DomainError {
    DomainError::NotFound("Deze bevolkingsprognose bestaat niet of is voor u niet zichtbaar".into())
}

impl Services {
    /// The region whose forecasts the actor reads: a policy officer's, the
    /// board's or the financial adviser's; others are refused (audited).
    async fn forecast_region(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        load: bool,
    ) -> DomainResult<i64> {
        let allowed = if load {
            matches!(ctx.actor.role, Role::Beleidsadviseur)
        } else {
            matches!(
                ctx.actor.role,
                Role::Beleidsadviseur | Role::Bestuurder | Role::FinancieelAdviseur
            )
        };
        match (&ctx.actor.scope, allowed) {
            (Scope::Regio(r), true) => Ok(*r),
            _ => {
                self.deny(
                    ctx,
                    attempted,
                    ObjectType::Bevolkingsprognose,
                    None,
                    if load {
                        "een bevolkingsprognose laadt de beleidsadviseur van de regio"
                    } else {
                        "prognoses zien de beleidsadviseur, de bestuurder en de financieel adviseur van de regio"
                    },
                )
                .await
            }
        }
    }

    /// Loads a population forecast for the actor's region: every line is
    /// checked and named; every municipality must be of the region.
    pub async fn load_population(
        &self,
        ctx: &RequestContext,
        input: &PopulationInput,
    ) -> DomainResult<PopulationForecast> {
        let region = self
            .forecast_region(ctx, AuditAction::Created, true)
            .await?;
        let mut v = Validator::new();
        let name = input.name.trim();
        let source = input.source.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX {
            v.add("naam", format!("geef een naam van 1 tot {NAME_MAX} tekens"));
        }
        if source.chars().count() < 3 || source.chars().count() > SOURCE_MAX {
            v.add(
                "bron",
                format!("zeg waar de cijfers vandaan komen (3 tot {SOURCE_MAX} tekens)"),
            );
        }
        let data = match population::parse(&input.csv) {
            Ok(d) => Some(d),
            Err(lines) => {
                for e in lines.iter().take(20) {
                    v.add("bestand", format!("regel {}: {}", e.line, e.message));
                }
                if lines.len() > 20 {
                    v.add("bestand", format!("en nog {} fouten", lines.len() - 20));
                }
                None
            }
        };
        if let Some(d) = &data {
            if d.rows.is_empty() {
                v.add("bestand", "het bestand bevat geen regels met inwoners");
            }
            let own = self.region_codes(region).await?;
            let mut outside: Vec<&str> = d
                .rows
                .keys()
                .map(|(g, _, _)| g)
                .filter(|g| !own.contains(g))
                .map(|g| g.as_str())
                .collect();
            outside.dedup();
            if !outside.is_empty() {
                v.add(
                    "bestand",
                    format!("{} hoort niet bij uw regio", outside.join(", ")),
                );
            }
        }
        v.finish()?;
        let Some(data) = data else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        let ((first, last), municipalities) = data.extent();
        let draft = self
            .draft(
                ctx,
                AuditAction::Created,
                ObjectType::Bevolkingsprognose,
                None,
            )
            .with_details(
                json!({ "naam": name, "bron": source, "regels": data.rows.len(),
                "gemeenten": municipalities, "jaren": [first, last] }),
            );
        self.store
            .create_population(
                &NewPopulation {
                    region_id: region,
                    name: name.to_string(),
                    source: source.to_string(),
                },
                &data,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// The population forecasts of the actor's region, newest first.
    pub async fn populations(&self, ctx: &RequestContext) -> DomainResult<Vec<PopulationForecast>> {
        let region = self
            .forecast_region(ctx, AuditAction::Listed, false)
            .await?;
        self.store.list_populations(Some(region)).await
    }

    /// One population forecast of the actor's region with its rows.
    pub async fn population(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> DomainResult<(PopulationForecast, Population)> {
        let region = self
            .forecast_region(ctx, AuditAction::Viewed, false)
            .await?;
        self.store
            .get_population(id)
            .await?
            .filter(|(p, _)| p.region_id == region)
            .ok_or_else(not_found)
    }
}
