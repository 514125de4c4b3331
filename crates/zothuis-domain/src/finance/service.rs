//! Use cases of the money area: the region's finance officer records the
//! tariffs of its contracts; whoever may see the care figures sees their
//! cost, in their own area, with small amounts protected for the
//! aggregate-only roles.

use super::budget::*;
use super::cost::{self, CostCell, CostKey, CostQuery, Period, Split, TariffBook};
use super::model::*;
use crate::admin::{RequestContext, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult, Validator};
use crate::figures::facts::NONE;
use crate::policy::{Action, FigureScope, TariffArea, budget_view, cost_view, tariff_area};
use crate::reference::{CareLevel, Financing, GemeenteCode, optional};
use crate::service::Services;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::json;
use std::collections::HashMap;

fn no_tariff() -> DomainError {
    DomainError::NotFound("Dit tarief bestaat niet of is voor u niet zichtbaar".into())
}

/// A tariff with its versions, for its page.
#[derive(Debug, Clone)]
pub struct TariffHistory {
    pub current: Tariff,
    pub versions: Vec<Tariff>,
}

/// A question about the cost of care, as typed (query parameters or a
/// form).
#[derive(Debug, Clone, Default)]
pub struct CostRequest {
    /// A calendar year; or `from` and `until` (tot en met).
    pub year: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
    /// Only the stays this municipality is responsible for.
    pub municipality: Option<String>,
    /// Only the stays with this provider.
    pub provider_id: Option<String>,
    /// `maand`, `jaar` (default) or `geheel`.
    pub period: Option<String>,
    /// Comma-separated: `gemeente`, `product`, `aanbieder`, `cohort`,
    /// `financiering`.
    pub split: Option<String>,
    pub known_at: Option<DateTime<Utc>>,
}

/// How a shown amount may be hidden (DESIGN.md "Small numbers are
/// suppressed").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    No,
    /// Over fewer clients than the threshold.
    Small,
    /// Not small itself, hidden so the small one cannot be found by
    /// subtracting from the total.
    Secondary,
}

/// One row of the answer, with names.
#[derive(Debug, Clone, PartialEq)]
pub struct CostRow {
    pub period: NaiveDate,
    pub municipality: Option<(GemeenteCode, String)>,
    pub product: Option<(i64, String)>,
    pub provider: Option<(i64, String)>,
    pub cohort: Option<cost::Cohort>,
    pub financing: Option<Financing>,
    pub cell: CostCell,
    pub hidden: Hidden,
}

/// Days in care without a tariff, with names.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingRow {
    pub municipality: (GemeenteCode, String),
    pub product: (i64, String),
    pub provider: Option<(i64, String)>,
    /// The stays' financing form and level: a pgb stay needs a pgb tariff.
    pub financing: Financing,
    pub level: Option<CareLevel>,
    pub missing: cost::Missing,
    /// For a viewer with a threshold: the days and stays are hidden when
    /// fewer stays than the threshold are behind them, as a cost cell is
    /// (one stay's days would tell how long one person stayed).
    pub hidden: bool,
}

/// The answer to a `CostRequest`.
#[derive(Debug, Clone, PartialEq)]
pub struct CostReport {
    pub known_at: DateTime<Utc>,
    pub from: NaiveDate,
    /// The last day of the period (tot en met).
    pub until: NaiveDate,
    /// The last day counted: the period's, or the day known at when that
    /// is earlier. Days that have not yet happened are not cost of care
    /// (the year-end forecast is `budget_report`'s).
    pub through: NaiveDate,
    pub period: Period,
    pub split: Split,
    pub rows: Vec<CostRow>,
    pub total: CostCell,
    /// The total is hidden when a cell is and the total would reveal it.
    pub total_hidden: bool,
    pub missing: Vec<MissingRow>,
    /// Small amounts are hidden for this viewer, below this many clients.
    pub threshold: Option<u64>,
}

/// The longest period one question may cover: more is a mistake, and
/// would cost the server for nothing.
const MAX_YEARS: i32 = 25;

impl CostRequest {
    fn parse(&self, today: NaiveDate) -> DomainResult<(NaiveDate, NaiveDate, Period, Split)> {
        let mut v = Validator::new();
        let date = |v: &mut Validator, field: &str, s: &Option<String>| {
            optional(s).and_then(|d| v.check(field, crate::Datum::parse(d)).map(|d| d.0))
        };
        let year = optional(&self.year).and_then(|y| match y.trim().parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                v.add("jaar", "vul een jaar in, bijvoorbeeld 2025");
                None
            }
        });
        let from = date(&mut v, "van", &self.from);
        let until = date(&mut v, "tot", &self.until);
        let period = match optional(&self.period).unwrap_or("jaar") {
            "maand" => Some(Period::Month),
            "jaar" => Some(Period::Year),
            "geheel" => Some(Period::Whole),
            _ => {
                v.add("per", "kies maand, jaar of geheel");
                None
            }
        };
        let mut split = Split::default();
        for part in optional(&self.split)
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part {
                "gemeente" => split.municipality = true,
                "product" => split.product = true,
                "aanbieder" => split.provider = true,
                "cohort" => split.cohort = true,
                "financiering" => split.financing = true,
                _ => v.add(
                    "indeling",
                    format!("onbekende indeling '{part}'; kies uit gemeente, product, aanbieder, cohort en financiering"),
                ),
            }
        }
        let (from, until) = match (year, from, until) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                v.add("jaar", "kies een jaar of een periode, niet beide");
                (None, None)
            }
            (Some(y), None, None) => (
                NaiveDate::from_ymd_opt(y, 1, 1),
                NaiveDate::from_ymd_opt(y, 12, 31),
            ),
            (None, Some(f), Some(u)) => (Some(f), Some(u)),
            (None, None, None) => (
                NaiveDate::from_ymd_opt(today.year(), 1, 1),
                NaiveDate::from_ymd_opt(today.year(), 12, 31),
            ),
            (None, _, _) => {
                if optional(&self.from).is_none() {
                    v.add("van", "vul ook de eerste dag van de periode in");
                }
                if optional(&self.until).is_none() {
                    v.add("tot", "vul ook de laatste dag van de periode in");
                }
                (None, None)
            }
        };
        if let (Some(f), Some(u)) = (from, until) {
            if u < f {
                v.add("tot", "de laatste dag ligt niet vóór de eerste");
            } else if u.year() - f.year() >= MAX_YEARS {
                v.add(
                    "tot",
                    format!("kies een periode van hoogstens {MAX_YEARS} jaar"),
                );
            }
        }
        v.finish()?;
        match (from, until, period) {
            (Some(f), Some(u), Some(p)) => Ok((f, u, p, split)),
            _ => Err(DomainError::Internal("validatie onvolledig".into())),
        }
    }
}

impl Services {
    /// The region whose tariffs the actor records: its own.
    fn tariff_region(ctx: &RequestContext) -> Option<i64> {
        match ctx.actor.scope {
            Scope::Regio(id) => Some(id),
            _ => None,
        }
    }

    /// Checks what a tariff refers to and that no other tariff of the same
    /// product and provider applies on one of its days.
    async fn check_tariff(
        &self,
        region_id: i64,
        facts: &TariffFacts,
        itself: Option<i64>,
    ) -> DomainResult<()> {
        if let Some(p) = facts.provider_id
            && self.store.get_provider(p).await?.is_none()
        {
            return Err(DomainError::invalid(
                "aanbiederId",
                "deze aanbieder bestaat niet",
            ));
        }
        let known = self
            .store
            .list_tariffs(Some(region_id), self.clock.now())
            .await?;
        if let Some(other) = known
            .iter()
            .filter(|t| Some(t.id) != itself)
            .find(|t| t.facts.overlaps(facts))
        {
            let until = other
                .facts
                .valid_until
                .map_or("open einde".to_string(), |u| {
                    format!("t/m {}", u.format("%d-%m-%Y"))
                });
            return Err(DomainError::invalid(
                "geldigVanaf",
                format!(
                    "dit tarief overlapt met tarief {} ({} vanaf {}, {until}); beëindig dat tarief eerst of kies andere data",
                    other.id,
                    other.facts.amount,
                    other.facts.valid_from.format("%d-%m-%Y"),
                ),
            ));
        }
        Ok(())
    }

    async fn parse_tariff(&self, input: &TariffInput) -> DomainResult<TariffFacts> {
        let id = input
            .product_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0);
        let product = match id {
            Some(id) => self.store.get_product(id).await?,
            None => None,
        };
        let parsed = input.parse(|id| {
            product
                .as_ref()
                .filter(|p| p.id == id)
                .map(|p| p.tariff_unit)
        });
        // With a unit typed, `parse` never looks at the product: an unknown
        // one is named here, with the other problems, before the database
        // would refuse it.
        if id.is_some() && product.is_none() && optional(&input.unit).is_some() {
            let mut errors = match parsed {
                Ok(_) => Vec::new(),
                Err(DomainError::Invalid(errors)) => errors,
                Err(other) => return Err(other),
            };
            errors.insert(
                0,
                crate::error::FieldError::new("productId", "dit product bestaat niet"),
            );
            return Err(DomainError::Invalid(errors));
        }
        parsed
    }

    fn tariff_details(facts: &TariffFacts) -> serde_json::Value {
        json!({ "productId": facts.product_id, "aanbiederId": facts.provider_id,
            "eenheid": facts.unit.code(), "bedrag": facts.amount.decimal(),
            "geldigVanaf": facts.valid_from, "geldigTot": facts.valid_until,
            "ingetrokken": facts.withdrawn })
    }

    /// Records a new tariff of the actor's region.
    pub async fn create_tariff(
        &self,
        ctx: &RequestContext,
        input: &TariffInput,
    ) -> DomainResult<Tariff> {
        let region_id = Self::tariff_region(ctx).unwrap_or(-1);
        self.authorize(
            ctx,
            Action::ManageTariffs { region_id },
            AuditAction::Created,
            ObjectType::Tarief,
            None,
        )
        .await?;
        let facts = self.parse_tariff(input).await?;
        if facts.withdrawn {
            return Err(DomainError::invalid(
                "ingetrokken",
                "een nieuw tarief is niet ingetrokken",
            ));
        }
        self.check_tariff(region_id, &facts, None).await?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Tarief, None)
            .with_details(Self::tariff_details(&facts));
        self.store
            .create_tariff(
                region_id,
                &facts,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// Corrects or withdraws a tariff: a new version from now on; the cost
    /// as known before stays as it was.
    pub async fn change_tariff(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &TariffInput,
    ) -> DomainResult<Tariff> {
        let current = self.tariff(ctx, id, None).await?.current;
        self.authorize(
            ctx,
            Action::ManageTariffs {
                region_id: current.region_id,
            },
            AuditAction::Updated,
            ObjectType::Tarief,
            Some(id.to_string()),
        )
        .await?;
        let facts = self.parse_tariff(input).await?;
        self.check_tariff(current.region_id, &facts, Some(id))
            .await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Tarief,
                Some(id.to_string()),
            )
            .with_details(Self::tariff_details(&facts));
        self.store
            .add_tariff_version(
                id,
                expected_version,
                &facts,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// The regions whose tariffs the actor sees (`None`: all), and the
    /// provider it is limited to.
    async fn tariff_scope(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        id: Option<i64>,
    ) -> DomainResult<(Option<i64>, Option<i64>)> {
        match tariff_area(&ctx.actor) {
            Ok(TariffArea::All) => Ok((None, None)),
            Ok(TariffArea::Region(r)) => Ok((Some(r), None)),
            Ok(TariffArea::RegionOf(code)) => Ok((
                Some(
                    self.store
                        .get_municipality(&code)
                        .await?
                        .map_or(-1, |m| m.region_id),
                ),
                None,
            )),
            Ok(TariffArea::Provider(p)) => Ok((None, Some(p))),
            Err(reason) => {
                self.deny(
                    ctx,
                    attempted,
                    ObjectType::Tarief,
                    id.map(|i| i.to_string()),
                    reason,
                )
                .await
            }
        }
    }

    fn visible_tariff(t: &Tariff, region: Option<i64>, provider: Option<i64>) -> bool {
        region.is_none_or(|r| r == t.region_id)
            && provider.is_none_or(|p| t.facts.provider_id.is_none_or(|own| own == p))
    }

    /// The tariffs the actor sees, as known at a moment, by product,
    /// provider and start.
    pub async fn tariffs(
        &self,
        ctx: &RequestContext,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Vec<Tariff>> {
        let (region, provider) = self.tariff_scope(ctx, AuditAction::Listed, None).await?;
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let mut list: Vec<Tariff> = self
            .store
            .list_tariffs(region, k)
            .await?
            .into_iter()
            .filter(|t| Self::visible_tariff(t, region, provider))
            .collect();
        list.sort_by_key(|t| {
            (
                t.region_id,
                t.facts.product_id,
                t.facts.provider_id,
                t.facts.valid_from,
                t.id,
            )
        });
        Ok(list)
    }

    /// One tariff with its versions, as known at a moment.
    pub async fn tariff(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<TariffHistory> {
        let (region, provider) = self
            .tariff_scope(ctx, AuditAction::Viewed, Some(id))
            .await?;
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let (current, versions) =
            crate::history::versions_as_known(self.store.tariff_versions(id).await?, k)
                .ok_or_else(no_tariff)?;
        if !Self::visible_tariff(&current, region, provider) {
            return Err(no_tariff());
        }
        Ok(TariffHistory { current, versions })
    }

    /// The day each region's historical cohort is counted on: the
    /// configured cut-off of the region, else the installation's, else the
    /// day its regime changes to the woonplaatsbeginsel (as known at `k`).
    pub(crate) async fn cohort_cutoffs(
        &self,
        k: DateTime<Utc>,
    ) -> DomainResult<HashMap<i64, NaiveDate>> {
        let mut out = HashMap::new();
        for region in self.store.list_regions().await? {
            let configured = self
                .settings
                .historical_cutoffs
                .get(&region.code)
                .copied()
                .or(self.settings.historical_cutoff);
            let cutoff = match configured {
                Some(d) => Some(d),
                None => self
                    .store
                    .list_regimes(region.id)
                    .await?
                    .into_iter()
                    .filter(|r| {
                        r.recorded_at <= k
                            && r.regime == crate::access::woonplaats::Regime::Woonplaatsbeginsel
                    })
                    .map(|r| r.effective_from)
                    .min(),
            };
            if let Some(c) = cutoff {
                out.insert(region.id, c);
            }
        }
        Ok(out)
    }

    /// The cost of care the actor may see, as known at a moment.
    pub async fn costs(&self, ctx: &RequestContext, req: &CostRequest) -> DomainResult<CostReport> {
        let view = match cost_view(&ctx.actor) {
            Ok(v) => v,
            Err(reason) => {
                return self
                    .deny(ctx, AuditAction::Viewed, ObjectType::Kosten, None, reason)
                    .await;
            }
        };
        let (from, until, period, split) = req.parse(self.clock.today())?;
        let asked = optional(&req.municipality)
            .map(|m| {
                GemeenteCode::parse(m).map_err(|e| DomainError::invalid("gemeente", e.to_string()))
            })
            .transpose()?;
        let asked_provider = optional(&req.provider_id)
            .map(|p| {
                p.trim()
                    .parse::<i64>()
                    .map_err(|_| DomainError::invalid("aanbiederId", "kies uit de lijst"))
            })
            .transpose()?;
        let municipalities = self.store.list_municipalities().await?;
        let in_scope: Vec<GemeenteCode> = municipalities
            .iter()
            .filter(|m| match &view.scope {
                FigureScope::All | FigureScope::Provider(_) => true,
                FigureScope::Region(r) => m.region_id == *r,
                FigureScope::Municipality(code) => m.code == *code,
            })
            .map(|m| m.code.clone())
            .collect();
        let codes: Vec<GemeenteCode> = match &asked {
            Some(code) if !municipalities.iter().any(|m| m.code == *code) => {
                return Err(DomainError::invalid(
                    "gemeente",
                    "deze gemeente bestaat niet",
                ));
            }
            Some(code) if !in_scope.contains(code) => {
                return self
                    .deny(
                        ctx,
                        AuditAction::Viewed,
                        ObjectType::Kosten,
                        None,
                        "de kosten van deze gemeente vallen buiten uw gebied",
                    )
                    .await;
            }
            Some(code) => vec![code.clone()],
            None => in_scope,
        };
        let provider_id = match (&view.scope, asked_provider) {
            (FigureScope::Provider(own), Some(p)) if p != *own => {
                return self
                    .deny(
                        ctx,
                        AuditAction::Viewed,
                        ObjectType::Kosten,
                        None,
                        "u ziet alleen de kosten van uw eigen zorg",
                    )
                    .await;
            }
            (FigureScope::Provider(own), _) => Some(*own),
            (_, p) => p,
        };
        let k = req.known_at.unwrap_or_else(|| self.clock.now());
        let facts = self.figure_facts(Some(k)).await?;
        let tariffs = self.store.list_tariffs(None, k).await?;
        let book = TariffBook::new(tariffs.iter().map(|t| (t.region_id, &t.facts)));
        let through = until.min(k.date_naive());
        let query = CostQuery {
            from,
            to: through.succ_opt().unwrap_or(through).max(from),
            municipalities: match (&view.scope, &asked) {
                (FigureScope::All | FigureScope::Provider(_), None) => None,
                _ => Some(facts.municipality_set(&codes)),
            },
            provider_id,
            period,
            split,
            cohort_cutoff: if split.cohort {
                self.cohort_cutoffs(k).await?
            } else {
                HashMap::new()
            },
        };
        let result = cost::compute(&facts, &book, &query);
        let threshold = view.suppressed.then_some(self.settings.small_numbers);
        let (hidden, total_hidden) = protect(&result.cells, &result.total, threshold);
        let names = &facts.names;
        let muni = |i: u16| {
            (i != NONE)
                .then(|| facts.municipalities.key(i))
                .flatten()
                .map(|c| {
                    (
                        c.clone(),
                        names.municipality.get(c).cloned().unwrap_or_default(),
                    )
                })
        };
        let product = |i: u16| {
            (i != NONE)
                .then(|| facts.products.key(i))
                .flatten()
                .map(|id| {
                    let name = names
                        .product
                        .get(id)
                        .map(|(code, name)| format!("{name} ({code})"))
                        .unwrap_or_default();
                    (*id, name)
                })
        };
        let provider = |i: u16| {
            (i != NONE)
                .then(|| facts.providers.key(i))
                .flatten()
                .map(|id| (*id, names.provider.get(id).cloned().unwrap_or_default()))
        };
        let rows = result
            .cells
            .iter()
            .zip(hidden)
            .map(|((key, cell), hidden)| CostRow {
                period: key.period,
                municipality: muni(key.municipality),
                product: product(key.product),
                provider: provider(key.provider),
                cohort: key.cohort,
                financing: key.financing,
                cell: *cell,
                hidden,
            })
            .collect();
        let missing = result
            .missing
            .iter()
            .filter_map(|(key, m)| {
                Some(MissingRow {
                    municipality: muni(key.municipality)?,
                    product: product(key.product)?,
                    provider: provider(key.provider),
                    financing: Financing::ALL
                        .get(usize::from(key.financing))
                        .copied()
                        .unwrap_or_default(),
                    level: CareLevel::new(key.level),
                    missing: *m,
                    hidden: threshold.is_some_and(|t| m.stays > 0 && u64::from(m.stays) < t),
                })
            })
            .collect();
        Ok(CostReport {
            known_at: k,
            from,
            until,
            through,
            period,
            split,
            rows,
            total: result.total,
            total_hidden,
            missing,
            threshold,
        })
    }
}

/// A budget as typed: whose (empty municipality: the region's), its name
/// and its first version.
#[derive(Debug, Clone, Default)]
pub struct BudgetInput {
    pub municipality: Option<String>,
    pub name: String,
    pub version: BudgetVersionInput,
}

/// A budget with its versions as known at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetHistory {
    pub budget: Budget,
    pub current: BudgetVersion,
    pub versions: Vec<BudgetVersion>,
}

/// Where a line's realisation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The cost of the stays (days × tariff).
    Verblijven,
    /// Actuals entered per month.
    Ingevoerd,
    /// A later year's care cost of the historical cohort: the forecast of
    /// `finance::forecast` (nothing is realised yet).
    Prognose,
}

/// One line of budget against realisation in a year.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetReportLine {
    pub line: BudgetLine,
    pub budget: Option<Bedrag>,
    pub source: Source,
    /// Realised up to and including `BudgetReport::through`; `None` when
    /// hidden (a care-cost line over fewer clients than the threshold).
    pub realised: Option<Bedrag>,
    /// The year-end forecast: for care costs the stays known, open ones
    /// running to the end of the year at their tariff (the current
    /// occupancy); for other lines `forecast_from_actuals`.
    pub forecast: Option<Bedrag>,
    /// Forecast minus budget: more spent (lasten) or received (baten)
    /// than budgeted is positive.
    pub difference: Option<Bedrag>,
    /// For care-cost lines: the clients behind the amount.
    pub clients: Option<u32>,
    pub hidden: bool,
}

/// Budget against realisation for one year.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetReport {
    pub budget: Budget,
    pub version: BudgetVersion,
    pub year: i32,
    pub known_at: DateTime<Utc>,
    /// The last day realised: the end of the year, or today in the year
    /// itself.
    pub through: NaiveDate,
    pub lines: Vec<BudgetReportLine>,
    /// Days in care the care-cost lines could not price (no tariff).
    pub unpriced_days: i64,
}

fn no_budget() -> DomainError {
    DomainError::NotFound("Deze begroting bestaat niet of is voor u niet zichtbaar".into())
}

impl Services {
    /// The region a budget belongs to, from its municipality or the
    /// actor's region.
    pub(crate) async fn budget_owner(
        &self,
        ctx: &RequestContext,
        municipality: &Option<String>,
    ) -> DomainResult<(i64, Option<GemeenteCode>)> {
        match optional(municipality) {
            Some(m) => {
                let code = GemeenteCode::parse(m)
                    .map_err(|e| DomainError::invalid("gemeente", e.to_string()))?;
                let region = self
                    .store
                    .get_municipality(&code)
                    .await?
                    .ok_or_else(|| DomainError::invalid("gemeente", "deze gemeente bestaat niet"))?
                    .region_id;
                Ok((region, Some(code)))
            }
            None => match &ctx.actor.scope {
                Scope::Regio(id) => Ok((*id, None)),
                Scope::Gemeente(code) => Ok((
                    self.store
                        .get_municipality(code)
                        .await?
                        .map_or(-1, |m| m.region_id),
                    Some(code.clone()),
                )),
                _ => Ok((-1, None)),
            },
        }
    }

    fn budget_details(data: &BudgetVersionData) -> serde_json::Value {
        json!({ "soort": data.kind.code(), "titel": data.title,
            "regels": data.lines.iter().map(|l| &l.code).collect::<Vec<_>>() })
    }

    /// Records a new budget with its first version.
    pub async fn create_budget(
        &self,
        ctx: &RequestContext,
        input: &BudgetInput,
    ) -> DomainResult<(Budget, BudgetVersion)> {
        let (region_id, municipality) = self.budget_owner(ctx, &input.municipality).await?;
        self.authorize(
            ctx,
            Action::ManageBudget {
                region_id,
                municipality: municipality.as_ref(),
            },
            AuditAction::Created,
            ObjectType::Begroting,
            None,
        )
        .await?;
        let name = input.name.trim();
        let data = match (name.is_empty(), input.version.parse()) {
            (false, Ok(d)) => d,
            (true, Ok(_)) => {
                return Err(DomainError::invalid(
                    "naam",
                    "geef de begroting een naam, bijvoorbeeld GO Beschermd Wonen",
                ));
            }
            (empty, Err(DomainError::Invalid(mut errors))) => {
                if empty {
                    errors.insert(
                        0,
                        crate::FieldError::new(
                            "naam",
                            "geef de begroting een naam, bijvoorbeeld GO Beschermd Wonen",
                        ),
                    );
                }
                return Err(DomainError::Invalid(errors));
            }
            (_, Err(e)) => return Err(e),
        };
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Begroting, None)
            .with_details(Self::budget_details(&data));
        self.store
            .create_budget(
                &crate::store::NewBudget {
                    region_id,
                    municipality,
                    name: name.to_string(),
                },
                &data,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// Records a new version of a budget (a begrotingswijziging).
    pub async fn change_budget(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &BudgetVersionInput,
    ) -> DomainResult<BudgetVersion> {
        let b = self.budget(ctx, id, None).await?.budget;
        self.authorize(
            ctx,
            Action::ManageBudget {
                region_id: b.region_id,
                municipality: b.municipality.as_ref(),
            },
            AuditAction::Updated,
            ObjectType::Begroting,
            Some(id.to_string()),
        )
        .await?;
        let data = input.parse()?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Begroting,
                Some(id.to_string()),
            )
            .with_details(Self::budget_details(&data));
        self.store
            .add_budget_version(
                id,
                expected_version,
                &data,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// Whether the actor sees a budget: those who see the cost of care of
    /// its area (a region's budget: the region's roles and its
    /// municipalities'; a municipality's: its own and the region's).
    pub(crate) async fn sees_budget(
        &self,
        ctx: &RequestContext,
        b: &Budget,
    ) -> DomainResult<Result<(), &'static str>> {
        let view = match budget_view(&ctx.actor) {
            Ok(v) => v,
            Err(reason) => return Ok(Err(reason)),
        };
        Ok(match &view.scope {
            FigureScope::All => Ok(()),
            FigureScope::Region(r) if *r == b.region_id => Ok(()),
            FigureScope::Municipality(code) => {
                let region = self
                    .store
                    .get_municipality(code)
                    .await?
                    .map(|m| m.region_id);
                match &b.municipality {
                    Some(m) if m == code => Ok(()),
                    None if region == Some(b.region_id) => Ok(()),
                    _ => Err("deze begroting hoort bij een andere gemeente"),
                }
            }
            FigureScope::Provider(_) => Err("een aanbieder ziet geen begrotingen"),
            FigureScope::Region(_) => Err("deze begroting hoort bij een andere regio"),
        })
    }

    /// The budgets the actor sees, by id.
    pub async fn budgets(&self, ctx: &RequestContext) -> DomainResult<Vec<Budget>> {
        if let Err(reason) = budget_view(&ctx.actor) {
            return self
                .deny(
                    ctx,
                    AuditAction::Listed,
                    ObjectType::Begroting,
                    None,
                    reason,
                )
                .await;
        }
        let mut out = Vec::new();
        for b in self.store.list_budgets(None).await? {
            if self.sees_budget(ctx, &b).await?.is_ok() {
                out.push(b);
            }
        }
        Ok(out)
    }

    /// One budget with its versions as known at a moment.
    pub async fn budget(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<BudgetHistory> {
        let (b, all) = self.store.get_budget(id).await?.ok_or_else(no_budget)?;
        if let Err(reason) = self.sees_budget(ctx, &b).await? {
            return self
                .deny(
                    ctx,
                    AuditAction::Viewed,
                    ObjectType::Begroting,
                    Some(id.to_string()),
                    reason,
                )
                .await;
        }
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let (current, versions) =
            crate::history::versions_as_known(all, k).ok_or_else(no_budget)?;
        Ok(BudgetHistory {
            budget: b,
            current,
            versions,
        })
    }

    /// Records the actual of a line (not a care-cost line) for a month.
    pub async fn add_budget_actual(
        &self,
        ctx: &RequestContext,
        id: i64,
        input: &BudgetActualInput,
    ) -> DomainResult<BudgetActual> {
        let h = self.budget(ctx, id, None).await?;
        self.authorize(
            ctx,
            Action::ManageBudget {
                region_id: h.budget.region_id,
                municipality: h.budget.municipality.as_ref(),
            },
            AuditAction::Created,
            ObjectType::Begroting,
            Some(id.to_string()),
        )
        .await?;
        let data = input.parse()?;
        match h.current.lines.iter().find(|l| l.code == data.code) {
            None => {
                return Err(DomainError::invalid(
                    "code",
                    format!("regel {} staat niet in deze begroting", data.code),
                ));
            }
            Some(l) if l.category.cost_cohort().is_some() => {
                return Err(DomainError::invalid(
                    "code",
                    format!(
                        "regel {} wordt gerealiseerd uit de zorgkosten van de verblijven en krijgt geen ingevoerde realisatie",
                        data.code
                    ),
                ));
            }
            Some(_) => {}
        }
        let draft = self
            .draft(
                ctx,
                AuditAction::Created,
                ObjectType::Begroting,
                Some(id.to_string()),
            )
            .with_details(json!({ "realisatie": data.code, "jaar": data.year,
                "maand": data.month, "bedrag": data.amount.decimal() }));
        self.store
            .add_budget_actual(id, &data, self.clock.now_micros(), &ctx.actor.name, draft)
            .await
    }

    /// The actuals of a budget in force as known at a moment (per line and
    /// month the latest recorded), by year, month and line; for whoever
    /// sees the budget.
    pub async fn budget_actuals(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<Vec<BudgetActual>> {
        self.budget(ctx, id, known_at).await?;
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let all = self.store.budget_actuals(id).await?;
        let mut out: Vec<BudgetActual> = actuals_as_known(&all, k).into_iter().cloned().collect();
        out.sort_by(|a, b| (a.year, a.month, &a.code, a.id).cmp(&(b.year, b.month, &b.code, b.id)));
        Ok(out)
    }

    /// Budget against realisation and forecast for a year, as known at a
    /// moment.
    pub async fn budget_report(
        &self,
        ctx: &RequestContext,
        id: i64,
        year: i32,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<BudgetReport> {
        self.budget_report_until(ctx, id, year, known_at, None)
            .await
    }

    /// Budget against realisation with the realisation counted up to
    /// `until` at most (a report's peildatum) rather than the known-at day.
    pub async fn budget_report_until(
        &self,
        ctx: &RequestContext,
        id: i64,
        year: i32,
        known_at: Option<DateTime<Utc>>,
        until: Option<NaiveDate>,
    ) -> DomainResult<BudgetReport> {
        // The years a budget may hold (`BudgetVersionInput::parse`); a
        // year far outside them would only make the forecast work for
        // nothing.
        if !(2000..=2100).contains(&year) {
            return Err(DomainError::invalid(
                "jaar",
                "vul een jaar in van 2000 tot en met 2100, bijvoorbeeld 2025",
            ));
        }
        let h = self.budget(ctx, id, known_at).await?;
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Err(DomainError::invalid(
                "jaar",
                "vul een jaar in, bijvoorbeeld 2025",
            ));
        };
        let today = k.date_naive();
        let through = last
            .min(today.max(first.pred_opt().unwrap_or(first)))
            .min(until.unwrap_or(last));
        let view = cost_view(&ctx.actor).map_err(|r| DomainError::Forbidden(r.into()))?;
        let threshold = view.suppressed.then_some(self.settings.small_numbers);
        // The care cost of the budget's area in the year, by cohort.
        let codes: Vec<GemeenteCode> = match &h.budget.municipality {
            Some(m) => vec![m.clone()],
            None => self.region_codes(h.budget.region_id).await?,
        };
        let needs_cost = h
            .current
            .lines
            .iter()
            .any(|l| l.category.cost_cohort().is_some());
        let mut cost_lines: HashMap<Option<cost::Cohort>, (CostCell, CostCell)> = HashMap::new();
        let mut unpriced_days = 0;
        let mut cohort_forecast: Option<(Bedrag, u32)> = None;
        if needs_cost {
            let facts = self.figure_facts(Some(k)).await?;
            let tariffs = self.store.list_tariffs(None, k).await?;
            let book = TariffBook::new(tariffs.iter().map(|t| (t.region_id, &t.facts)));
            let cutoffs = self.cohort_cutoffs(k).await?;
            // A year after the current one: the historical cohort as the
            // forecast expects it to leave care, not as it is today.
            let today_year = k.date_naive().year();
            if year > today_year
                && let Some(cutoff) = cutoffs.get(&h.budget.region_id).copied()
            {
                let set = facts.municipality_set(&codes);
                let f = super::forecast::historical_cohort(
                    &facts,
                    &book,
                    Some(&set),
                    cutoff,
                    k.date_naive(),
                    u32::try_from(year - today_year + 1).unwrap_or(1),
                );
                if let Some(y) = f.years.iter().find(|y| y.year == year) {
                    cohort_forecast = Some((y.cost, f.members_at_cutoff));
                }
            }
            let mut query = CostQuery {
                from: first,
                to: last.succ_opt().unwrap_or(last),
                municipalities: Some(facts.municipality_set(&codes)),
                provider_id: None,
                period: Period::Whole,
                split: Split {
                    cohort: true,
                    ..Split::default()
                },
                cohort_cutoff: cutoffs,
            };
            let whole_year = cost::compute(&facts, &book, &query);
            unpriced_days = whole_year.missing.iter().map(|(_, m)| m.days).sum();
            query.to = through.succ_opt().unwrap_or(through);
            let realised = cost::compute(&facts, &book, &query);
            let by_cohort = |r: &cost::CostResult, c: Option<cost::Cohort>| -> CostCell {
                match c {
                    None => r.total,
                    Some(c) => r
                        .cells
                        .iter()
                        .find(|(key, _)| key.cohort == Some(c))
                        .map(|(_, cell)| *cell)
                        .unwrap_or_default(),
                }
            };
            for c in [
                None,
                Some(cost::Cohort::Historisch),
                Some(cost::Cohort::Nieuw),
            ] {
                cost_lines.insert(c, (by_cohort(&realised, c), by_cohort(&whole_year, c)));
            }
        }
        let actuals = self.store.budget_actuals(id).await?;
        let actuals = actuals_as_known(&actuals, k);
        let mut lines = Vec::new();
        for line in &h.current.lines {
            let budget = line.amount(year);
            let (source, realised, forecast, clients) = match line.category.cost_cohort() {
                Some(Some(cost::Cohort::Historisch)) if cohort_forecast.is_some() => {
                    let (amount, members) = cohort_forecast.unwrap_or_default();
                    (Source::Prognose, Bedrag(0), amount, Some(members))
                }
                Some(cohort) => {
                    let (r, f) = cost_lines.get(&cohort).copied().unwrap_or_default();
                    (Source::Verblijven, r.amount, f.amount, Some(f.clients))
                }
                None => {
                    let mine: Vec<_> = actuals
                        .iter()
                        .filter(|a| a.code == line.code && a.year == year)
                        .collect();
                    let realised = Bedrag(mine.iter().map(|a| a.amount.0).sum());
                    let last_month = mine.iter().map(|a| a.month).max();
                    let forecast =
                        forecast_from_actuals(budget.unwrap_or_default(), realised, last_month);
                    (Source::Ingevoerd, realised, forecast, None)
                }
            };
            let hidden = match (threshold, clients) {
                (Some(t), Some(c)) => c > 0 && u64::from(c) < t,
                _ => false,
            };
            lines.push(BudgetReportLine {
                line: line.clone(),
                budget,
                source,
                realised: (!hidden).then_some(realised),
                forecast: (!hidden).then_some(forecast),
                difference: (!hidden).then(|| Bedrag(forecast.0 - budget.unwrap_or_default().0)),
                clients: if hidden { None } else { clients },
                hidden,
            });
        }
        Ok(BudgetReport {
            budget: h.budget,
            version: h.current,
            year,
            known_at: k,
            through,
            lines,
            unpriced_days,
        })
    }
}

/// The forecast of the historical cohort as shown to a viewer.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortForecastView {
    pub forecast: super::forecast::CohortForecast,
    /// The region or municipality it is for.
    pub area: String,
    /// Hidden for this viewer: the cohort has fewer members than the
    /// small-number threshold.
    pub hidden: bool,
}

/// How many years a forecast looks ahead at most.
pub const MAX_FORECAST_YEARS: u32 = 10;

impl Services {
    /// The expected care cost of the historical cohort of a region (or one
    /// municipality) for the coming years (`finance::forecast`).
    pub async fn cohort_forecast(
        &self,
        ctx: &RequestContext,
        municipality: Option<&str>,
        years: u32,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<CohortForecastView> {
        let view = match cost_view(&ctx.actor) {
            Ok(v) => v,
            Err(reason) => {
                return self
                    .deny(ctx, AuditAction::Viewed, ObjectType::Kosten, None, reason)
                    .await;
            }
        };
        if !(1..=MAX_FORECAST_YEARS).contains(&years) {
            return Err(DomainError::invalid(
                "jaren",
                format!("kies 1 tot en met {MAX_FORECAST_YEARS} jaar"),
            ));
        }
        let municipalities = self.store.list_municipalities().await?;
        let asked = municipality
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| {
                GemeenteCode::parse(m).map_err(|e| DomainError::invalid("gemeente", e.to_string()))
            })
            .transpose()?;
        let (region_id, codes, area) = match (&view.scope, asked) {
            (_, Some(code)) => {
                let Some(m) = municipalities.iter().find(|m| m.code == code) else {
                    return Err(DomainError::invalid(
                        "gemeente",
                        "deze gemeente bestaat niet",
                    ));
                };
                let allowed = match &view.scope {
                    FigureScope::All => true,
                    FigureScope::Region(r) => m.region_id == *r,
                    FigureScope::Municipality(own) => *own == code,
                    FigureScope::Provider(_) => false,
                };
                if !allowed {
                    return self
                        .deny(
                            ctx,
                            AuditAction::Viewed,
                            ObjectType::Kosten,
                            None,
                            "de kosten van deze gemeente vallen buiten uw gebied",
                        )
                        .await;
                }
                (m.region_id, vec![code], m.name.clone())
            }
            (FigureScope::Region(r), None) => {
                let region = self
                    .store
                    .list_regions()
                    .await?
                    .into_iter()
                    .find(|x| x.id == *r);
                (
                    *r,
                    municipalities
                        .iter()
                        .filter(|m| m.region_id == *r)
                        .map(|m| m.code.clone())
                        .collect(),
                    region.map(|x| x.name).unwrap_or_default(),
                )
            }
            (FigureScope::Municipality(code), None) => {
                let m = municipalities.iter().find(|m| m.code == *code);
                (
                    m.map_or(-1, |m| m.region_id),
                    vec![code.clone()],
                    m.map(|m| m.name.clone()).unwrap_or_default(),
                )
            }
            (FigureScope::All, None) => {
                return Err(DomainError::invalid("gemeente", "kies een gemeente"));
            }
            (FigureScope::Provider(_), None) => {
                return self
                    .deny(
                        ctx,
                        AuditAction::Viewed,
                        ObjectType::Kosten,
                        None,
                        "een aanbieder ziet geen prognose van een regio",
                    )
                    .await;
            }
        };
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let Some(cutoff) = self.cohort_cutoffs(k).await?.get(&region_id).copied() else {
            return Err(DomainError::invalid(
                "gemeente",
                "deze regio heeft geen peildatum voor historische cliënten: stel [financien] historisch_peildatum in, of leg de overgang naar het woonplaatsbeginsel vast",
            ));
        };
        let facts = self.figure_facts(Some(k)).await?;
        let tariffs = self.store.list_tariffs(None, k).await?;
        let book = TariffBook::new(tariffs.iter().map(|t| (t.region_id, &t.facts)));
        let set = facts.municipality_set(&codes);
        let forecast = super::forecast::historical_cohort(
            &facts,
            &book,
            Some(&set),
            cutoff,
            k.date_naive(),
            years,
        );
        let hidden = view.suppressed
            && forecast.members_at_cutoff > 0
            && u64::from(forecast.members_at_cutoff) < self.settings.small_numbers;
        Ok(CohortForecastView {
            forecast,
            area,
            hidden,
        })
    }
}

/// Which cells are hidden for a viewer with a threshold: those over 1 to
/// threshold − 1 clients; when that is a single cell, also the smallest
/// other cell, so the total does not give it away; and the total itself
/// when it is small.
fn protect(
    cells: &[(CostKey, CostCell)],
    total: &CostCell,
    threshold: Option<u64>,
) -> (Vec<Hidden>, bool) {
    let Some(t) = threshold else {
        return (vec![Hidden::No; cells.len()], false);
    };
    let small = |c: &CostCell| c.clients > 0 && u64::from(c.clients) < t;
    let mut hidden: Vec<Hidden> = cells
        .iter()
        .map(|(_, c)| if small(c) { Hidden::Small } else { Hidden::No })
        .collect();
    let total_small = small(total);
    if !total_small && hidden.iter().filter(|h| **h == Hidden::Small).count() == 1 {
        let next = cells
            .iter()
            .enumerate()
            .filter(|(i, _)| hidden[*i] == Hidden::No)
            .min_by_key(|(_, (k, c))| (c.amount, *k))
            .map(|(i, _)| i);
        match next {
            Some(i) => hidden[i] = Hidden::Secondary,
            // The only cell is the total: hide the total with it.
            None => return (hidden, true),
        }
    }
    (hidden, total_small)
}

/// What one stay has cost up to a moment, for whoever may see the stay.
#[derive(Debug, Clone, PartialEq)]
pub struct StayCostReport {
    pub known_at: DateTime<Utc>,
    pub from: NaiveDate,
    /// The last day counted (tot en met): the day before leaving, or the
    /// day known at for a stay still running.
    pub through: Option<NaiveDate>,
    pub cost: cost::StayCost,
}

impl Services {
    /// The cost of one stay, as known at a moment: its days in care up to
    /// then (the day of leaving and days to come not counted) times the
    /// tariff of each day, as the cost of care counts them. A per-client
    /// amount, so it is read with the stay (`get_stay`, which checks and
    /// logs that the actor may see the client): this takes the stay
    /// itself, never an id.
    pub async fn stay_cost(
        &self,
        stay: &crate::care::Stay,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<StayCostReport> {
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let region = self
            .store
            .get_municipality(&stay.responsible)
            .await?
            .map(|m| m.region_id)
            .ok_or_else(|| DomainError::Internal("gemeente van het verblijf ontbreekt".into()))?;
        let tariffs = self.store.list_tariffs(Some(region), k).await?;
        let book = TariffBook::new(tariffs.iter().map(|t| (t.region_id, &t.facts)));
        let after_today = k.date_naive().succ_opt().unwrap_or(k.date_naive());
        let to = stay.end_date.map_or(after_today, |e| e.min(after_today));
        let by = cost::PricedBy {
            region,
            product_id: stay.product_id,
            provider_id: Some(stay.provider_id),
            financing: stay.financing.index(),
            level: stay.care_level.map_or(0, CareLevel::get),
        };
        Ok(StayCostReport {
            known_at: k,
            from: stay.start_date,
            through: (to > stay.start_date).then(|| to.pred_opt()).flatten(),
            cost: cost::stay_cost(&book, &by, stay.start_date, to),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(clients: u32, cents: i64) -> (CostKey, CostCell) {
        (
            CostKey {
                municipality: clients as u16,
                product: NONE,
                provider: NONE,
                cohort: None,
                financing: None,
                period: NaiveDate::MIN,
            },
            CostCell {
                amount: Bedrag(cents),
                days: 1,
                clients,
                stays: clients,
            },
        )
    }

    #[test]
    fn one_small_cell_takes_the_smallest_other_with_it() {
        let cells = [cell(2, 500), cell(10, 9_000), cell(20, 8_000)];
        let total = CostCell {
            clients: 32,
            ..Default::default()
        };
        let (hidden, total_hidden) = protect(&cells, &total, Some(5));
        assert_eq!(hidden, [Hidden::Small, Hidden::No, Hidden::Secondary]);
        assert!(!total_hidden);
        let (hidden, _) = protect(&cells, &total, None);
        assert!(hidden.iter().all(|h| *h == Hidden::No));
    }

    #[test]
    fn a_small_total_is_hidden() {
        let cells = [cell(3, 500)];
        let total = CostCell {
            clients: 3,
            ..Default::default()
        };
        assert_eq!(
            protect(&cells, &total, Some(5)),
            (vec![Hidden::Small], true)
        );
    }
}
