//! Use cases of the forecasts: a region's policy officer loads population
//! forecasts (the file's own source named); the policy roles and the board
//! of the region read them.

use super::population::{self, NewPopulation, Population, PopulationForecast};
use super::run::{self, Forecast};
use super::scenario::{self, Scenario, ScenarioDraft, ScenarioInput};
use crate::admin::{RequestContext, Role, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult, Validator};
use crate::finance::cost::TariffBook;
use crate::service::Services;
use chrono::{DateTime, Datelike, Utc};
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
        self.forecast_region_for(ctx, attempted, load, ObjectType::Bevolkingsprognose)
            .await
    }

    async fn forecast_region_for(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        load: bool,
        object: ObjectType,
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
                    object,
                    None,
                    if load {
                        "prognoses en scenario's maakt de beleidsadviseur van de regio"
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

/// A scenario with its forecast: computed now from the history as known
/// now, or, once published, as it was computed then.
#[derive(Debug, Clone)]
pub struct ScenarioView {
    pub scenario: Scenario,
    pub population: PopulationForecast,
    pub forecast: Forecast,
    /// The moment whose history the forecast rests on.
    pub known_at: DateTime<Utc>,
}

fn no_scenario() -> DomainError {
    DomainError::NotFound("Dit scenario bestaat niet of is voor u niet zichtbaar".into())
}

impl Services {
    /// The region whose scenarios the actor reads (or, `write`, makes).
    async fn scenario_region(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        write: bool,
    ) -> DomainResult<i64> {
        self.forecast_region_for(ctx, attempted, write, ObjectType::Prognosescenario)
            .await
    }

    /// Who sees a scenario: the board only published ones.
    fn sees(ctx: &RequestContext, s: &Scenario, region: i64) -> bool {
        s.region_id == region
            && (s.published_at.is_some() || !matches!(ctx.actor.role, Role::Bestuurder))
    }

    /// A new scenario's form: the last whole year as base, the newest
    /// population forecast, the defaults of `scenario`.
    pub async fn scenario_defaults(&self, ctx: &RequestContext) -> DomainResult<ScenarioInput> {
        let region = self
            .scenario_region(ctx, AuditAction::Created, true)
            .await?;
        let newest = self.store.list_populations(Some(region)).await?;
        Ok(ScenarioInput {
            population_id: newest.first().map(|p| p.id.to_string()).unwrap_or_default(),
            base_year: (self.clock.now().year() - 1).to_string(),
            window_years: scenario::DEFAULT_WINDOW_YEARS.to_string(),
            last_year: scenario::DEFAULT_LAST_YEAR.to_string(),
            backtest_years: scenario::DEFAULT_BACKTEST_YEARS.to_string(),
            min_spells: scenario::DEFAULT_MIN_SPELLS.to_string(),
            ..ScenarioInput::default()
        })
    }

    /// Checks a scenario's input for the region.
    async fn scenario_draft(
        &self,
        region: i64,
        input: &ScenarioInput,
        copied_from: Option<i64>,
    ) -> DomainResult<ScenarioDraft> {
        let codes = self.region_codes(region).await?;
        let products = self.store.list_products().await?;
        let mut v = Validator::new();
        let checked = scenario::check(
            input,
            &scenario::Known {
                municipalities: &codes,
                products: &products,
                last_whole_year: self.clock.now().year() - 1,
            },
            &mut v,
        );
        if let Some((_, _, population, _)) = &checked {
            let ours = self
                .store
                .list_populations(Some(region))
                .await?
                .iter()
                .any(|p| p.id == *population);
            if !ours {
                v.add(
                    "bevolkingsprognose",
                    "kies een bevolkingsprognose van uw regio",
                );
            }
        }
        v.finish()?;
        let Some((name, description, population_id, assumptions)) = checked else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        Ok(ScenarioDraft {
            region_id: region,
            name,
            description,
            population_id,
            assumptions,
            copied_from,
        })
    }

    /// Stores a new scenario of the actor's region.
    pub async fn create_scenario(
        &self,
        ctx: &RequestContext,
        input: &ScenarioInput,
    ) -> DomainResult<Scenario> {
        let region = self
            .scenario_region(ctx, AuditAction::Created, true)
            .await?;
        let draft = self.scenario_draft(region, input, None).await?;
        self.write_new_scenario(ctx, &draft).await
    }

    async fn write_new_scenario(
        &self,
        ctx: &RequestContext,
        draft: &ScenarioDraft,
    ) -> DomainResult<Scenario> {
        let audit = self
            .draft(
                ctx,
                AuditAction::Created,
                ObjectType::Prognosescenario,
                None,
            )
            .with_details(
                json!({ "naam": draft.name, "bevolkingsprognose": draft.population_id,
                "aannames": draft.assumptions, "kopieVan": draft.copied_from }),
            );
        self.store
            .create_scenario(draft, self.clock.now_micros(), &ctx.actor.name, audit)
            .await
    }

    /// Changes a scenario not yet published, at the version read.
    pub async fn update_scenario(
        &self,
        ctx: &RequestContext,
        id: i64,
        version: i64,
        input: &ScenarioInput,
    ) -> DomainResult<Scenario> {
        let region = self
            .scenario_region(ctx, AuditAction::Updated, true)
            .await?;
        let current = self.own_scenario(ctx, region, id).await?;
        let draft = self
            .scenario_draft(region, input, current.copied_from)
            .await?;
        let audit = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Prognosescenario,
                Some(id.to_string()),
            )
            .with_details(json!({ "naam": draft.name, "versie": version,
                "bevolkingsprognose": draft.population_id, "aannames": draft.assumptions }));
        self.store
            .update_scenario(
                id,
                version,
                &draft,
                self.clock.now_micros(),
                &ctx.actor.name,
                audit,
            )
            .await
    }

    /// A copy of a scenario (published or not) to change: "kopie van …".
    pub async fn copy_scenario(&self, ctx: &RequestContext, id: i64) -> DomainResult<Scenario> {
        let region = self
            .scenario_region(ctx, AuditAction::Created, true)
            .await?;
        let from = self.own_scenario(ctx, region, id).await?;
        let mut name = format!("Kopie van {}", from.name);
        if name.chars().count() > scenario::NAME_MAX {
            name = name.chars().take(scenario::NAME_MAX).collect();
        }
        self.write_new_scenario(
            ctx,
            &ScenarioDraft {
                region_id: region,
                name,
                description: from.description,
                population_id: from.population_id,
                assumptions: from.assumptions,
                copied_from: Some(from.id),
            },
        )
        .await
    }

    /// Publishes a scenario: its forecast is computed from the history as
    /// known now and kept; the scenario is not changed any more.
    pub async fn publish_scenario(
        &self,
        ctx: &RequestContext,
        id: i64,
        version: i64,
    ) -> DomainResult<Scenario> {
        let region = self
            .scenario_region(ctx, AuditAction::Updated, true)
            .await?;
        let current = self.own_scenario(ctx, region, id).await?;
        let forecast = self.compute_forecast(&current, None).await?;
        let result =
            serde_json::to_string(&forecast).map_err(|e| DomainError::Internal(e.to_string()))?;
        let audit = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Prognosescenario,
                Some(id.to_string()),
            )
            .with_details(json!({ "naam": current.name, "versie": version, "gepubliceerd": true }));
        self.store
            .publish_scenario(
                id,
                version,
                &result,
                self.clock.now_micros(),
                &ctx.actor.name,
                audit,
            )
            .await
    }

    /// A scenario to change on its form (the policy officer; without its
    /// forecast).
    pub async fn scenario_to_change(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> DomainResult<Scenario> {
        let region = self
            .scenario_region(ctx, AuditAction::Updated, true)
            .await?;
        self.own_scenario(ctx, region, id).await
    }

    /// The scenario of the region the actor may see, or `NotFound`.
    async fn own_scenario(
        &self,
        ctx: &RequestContext,
        region: i64,
        id: i64,
    ) -> DomainResult<Scenario> {
        self.store
            .get_scenario(id)
            .await?
            .map(|(s, _)| s)
            .filter(|s| Self::sees(ctx, s, region))
            .ok_or_else(no_scenario)
    }

    /// The scenarios of the actor's region, newest first (the board: the
    /// published ones).
    pub async fn scenarios(&self, ctx: &RequestContext) -> DomainResult<Vec<Scenario>> {
        let region = self
            .scenario_region(ctx, AuditAction::Listed, false)
            .await?;
        Ok(self
            .store
            .list_scenarios(Some(region))
            .await?
            .into_iter()
            .filter(|s| Self::sees(ctx, s, region))
            .collect())
    }

    /// A scenario with its forecast.
    pub async fn scenario(&self, ctx: &RequestContext, id: i64) -> DomainResult<ScenarioView> {
        let region = self
            .scenario_region(ctx, AuditAction::Viewed, false)
            .await?;
        let (scenario, frozen) = self
            .store
            .get_scenario(id)
            .await?
            .filter(|(s, _)| Self::sees(ctx, s, region))
            .ok_or_else(no_scenario)?;
        let population = self
            .store
            .list_populations(Some(region))
            .await?
            .into_iter()
            .find(|p| p.id == scenario.population_id)
            .ok_or_else(not_found)?;
        let (forecast, known_at) = match (frozen, scenario.published_at) {
            (Some(json), Some(at)) => (
                serde_json::from_str(&json).map_err(|e| {
                    DomainError::Internal(format!("ongeldige prognose in de database: {e}"))
                })?,
                at,
            ),
            _ => {
                let now = self.clock.now();
                (self.compute_forecast(&scenario, None).await?, now)
            }
        };
        Ok(ScenarioView {
            scenario,
            population,
            forecast,
            known_at,
        })
    }

    /// Computes a scenario's forecast from the history as known at the
    /// moment (none: now), small counts hidden.
    pub async fn compute_forecast(
        &self,
        s: &Scenario,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Forecast> {
        let facts = self.figure_facts(known_at).await?;
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let tariffs = self.store.list_tariffs(None, k).await?;
        let book = TariffBook::new(tariffs.iter().map(|t| (t.region_id, &t.facts)));
        let (_, population) = self
            .store
            .get_population(s.population_id)
            .await?
            .ok_or_else(not_found)?;
        let codes = self.region_codes(s.region_id).await?;
        let products = self.store.list_products().await?;
        let mut forecast = run::run(
            &run::Region {
                facts: &facts,
                population: &population,
                municipalities: &codes,
                products: &products,
                tariffs: Some(&book),
            },
            &s.assumptions,
        );
        forecast.protect(self.settings.small_numbers);
        Ok(forecast)
    }
}
