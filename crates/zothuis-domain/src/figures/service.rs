//! Figures as a use case: who may see which area, the projection as known at
//! the asked moment, and suppression for aggregate-only roles.

use super::catalogue::{Dimension, Indicator, IndicatorId, Timing};
use super::engine::{Filter, Query, When, compute};
use super::facts::{Facts, FactsBuilder, History};
use super::suppress::{ShownAnswer, suppress};
use crate::admin::RequestContext;
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult, FieldError};
use crate::policy::{FigureScope, FigureView, figure_view};
use crate::reference::GemeenteCode;
use crate::service::Services;
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

/// A question about one indicator, as the API and the pages ask it.
#[derive(Debug, Clone, Default)]
pub struct FigureRequest {
    pub peildatum: Option<String>,
    pub periode_van: Option<String>,
    pub periode_tot: Option<String>,
    pub known_at: Option<DateTime<Utc>>,
    pub gemeente: Option<String>,
    pub product: Option<String>,
    pub aanbieder: Option<i64>,
    pub locatie: Option<i64>,
    pub uitsplitsing: Option<String>,
}

/// An answer as this user may see it.
#[derive(Debug, Clone)]
pub struct FigureResult {
    pub indicator: Indicator,
    pub when: When,
    pub known_at: DateTime<Utc>,
    pub breakdown: Option<Dimension>,
    pub shown: ShownAnswer,
    /// Small numbers are hidden for this user.
    pub suppressed_for_role: bool,
}

fn date(errors: &mut Vec<FieldError>, name: &str, value: &Option<String>) -> Option<NaiveDate> {
    let v = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    match crate::Datum::parse(v) {
        Ok(d) => Some(d.0),
        Err(e) => {
            errors.push(FieldError::new(name, e.to_string()));
            None
        }
    }
}

impl Services {
    /// Which area and suppression apply to this caller.
    pub async fn figure_view(&self, ctx: &RequestContext) -> DomainResult<FigureView> {
        match figure_view(&ctx.actor) {
            Ok(v) => Ok(v),
            Err(reason) => {
                self.deny(ctx, AuditAction::Viewed, ObjectType::Cijfers, None, reason)
                    .await
            }
        }
    }

    /// The journey's history, for the projection.
    pub async fn figure_history(&self) -> DomainResult<History> {
        let s = &self.store;
        let locations = s.list_locations().await?;
        let mut capacity = Vec::new();
        for l in &locations {
            capacity.extend(s.list_capacity(l.id).await?);
        }
        Ok(History {
            municipalities: s.list_municipalities().await?,
            products: s.list_products().await?,
            providers: s.list_providers().await?,
            locations,
            capacity,
            entries: s.list_entries(&crate::store::Clients::All).await?,
            transitions: s.list_transitions(None).await?,
            stay_headers: s.list_stay_headers(&crate::store::Clients::All).await?,
            stay_versions: s.list_stay_versions(&crate::store::Clients::All).await?,
        })
    }

    /// The projection as known at a moment. As known now, it is kept until
    /// the data it reads changes (`FigureStore::figure_stamp`); a national
    /// projection takes seconds to build and answers in microseconds.
    pub async fn figure_facts(&self, known_at: Option<DateTime<Utc>>) -> DomainResult<Arc<Facts>> {
        if let Some(at) = known_at {
            return Ok(Arc::new(self.build_facts(at).await?));
        }
        let stamp = self.store.figure_stamp().await?;
        if let Ok(cache) = self.figure_cache.lock()
            && let Some((s, facts)) = cache.as_ref()
            && *s == stamp
        {
            return Ok(facts.clone());
        }
        let facts = Arc::new(self.build_facts(self.clock.now_micros()).await?);
        if let Ok(mut cache) = self.figure_cache.lock() {
            *cache = Some((stamp, facts.clone()));
        }
        Ok(facts)
    }

    /// Builds the projection from the store, streamed.
    pub async fn build_facts(&self, at: DateTime<Utc>) -> DomainResult<Facts> {
        let s = &self.store;
        let mut builder = FactsBuilder::new(
            at,
            &s.list_municipalities().await?,
            &s.list_products().await?,
            &s.list_providers().await?,
            &s.list_locations().await?,
        );
        s.figure_rows(at, &mut builder).await?;
        Ok(builder.finish())
    }

    /// The municipalities of the caller's area (None: all).
    pub async fn figure_municipalities(
        &self,
        view: &FigureView,
    ) -> DomainResult<Option<Vec<GemeenteCode>>> {
        Ok(match &view.scope {
            FigureScope::All | FigureScope::Provider(_) => None,
            FigureScope::Municipality(code) => Some(vec![code.clone()]),
            FigureScope::Region(id) => Some(
                self.store
                    .list_municipalities()
                    .await?
                    .into_iter()
                    .filter(|m| m.region_id == *id)
                    .map(|m| m.code)
                    .collect(),
            ),
        })
    }

    /// One indicator for the caller: checked, computed and suppressed.
    pub async fn indicator_values(
        &self,
        ctx: &RequestContext,
        code: &str,
        req: &FigureRequest,
    ) -> DomainResult<FigureResult> {
        let id = IndicatorId::parse(code)
            .ok_or_else(|| DomainError::NotFound(format!("indicator {code}")))?;
        let view = self.figure_view(ctx).await?;
        let area = self.figure_municipalities(&view).await?;
        let facts = self.figure_facts(req.known_at).await?;
        self.answer(ctx, &facts, id, req, &view, area.as_deref())
            .await
    }

    /// Answers from a projection the caller already has (a dashboard asks
    /// many questions of one projection).
    pub async fn answer(
        &self,
        ctx: &RequestContext,
        facts: &Facts,
        id: IndicatorId,
        req: &FigureRequest,
        view: &FigureView,
        area: Option<&[GemeenteCode]>,
    ) -> DomainResult<FigureResult> {
        let info = id.info();
        let mut errors = Vec::new();
        let when = match info.timing {
            Timing::Peildatum => {
                let d = date(&mut errors, "peildatum", &req.peildatum)
                    .unwrap_or_else(|| self.clock.today());
                When::On(d)
            }
            Timing::Periode => {
                let from = date(&mut errors, "periodeVan", &req.periode_van);
                let to = date(&mut errors, "periodeTot", &req.periode_tot);
                match (from, to) {
                    (Some(a), Some(b)) if a <= b => When::Period(a, b),
                    (Some(_), Some(_)) => {
                        errors.push(FieldError::new(
                            "periodeTot",
                            "het einde ligt voor het begin",
                        ));
                        When::Period(self.clock.today(), self.clock.today())
                    }
                    _ => {
                        if req.periode_van.is_none() {
                            errors.push(FieldError::new(
                                "periodeVan",
                                "geef het begin van de periode",
                            ));
                        }
                        if req.periode_tot.is_none() {
                            errors.push(FieldError::new(
                                "periodeTot",
                                "geef het einde van de periode",
                            ));
                        }
                        When::Period(self.clock.today(), self.clock.today())
                    }
                }
            }
        };
        let breakdown = match req.uitsplitsing.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(b) => match Dimension::parse(b) {
                Some(d) if info.dimensions.contains(&d) => Some(d),
                Some(d) => {
                    errors.push(FieldError::new(
                        "uitsplitsing",
                        format!(
                            "{} kan niet worden uitgesplitst naar {}",
                            info.name,
                            d.label().to_lowercase()
                        ),
                    ));
                    None
                }
                None => {
                    errors.push(FieldError::new(
                        "uitsplitsing",
                        format!(
                            "kies uit: {}",
                            info.dimensions
                                .iter()
                                .map(|d| d.code())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                    None
                }
            },
        };

        // The caller's area, narrowed by the filter.
        let mut filter = Filter::default();
        let mut municipalities: Option<Vec<GemeenteCode>> = area.map(<[_]>::to_vec);
        if let Some(code) = req
            .gemeente
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            match GemeenteCode::parse(code) {
                Err(e) => errors.push(FieldError::new("gemeenteCode", e.to_string())),
                Ok(c) => {
                    if municipalities.as_ref().is_some_and(|m| !m.contains(&c)) {
                        return self
                            .deny(
                                ctx,
                                AuditAction::Viewed,
                                ObjectType::Cijfers,
                                Some(c.to_string()),
                                "deze gemeente valt buiten uw gebied",
                            )
                            .await;
                    }
                    municipalities = Some(vec![c]);
                }
            }
        }
        if let Some(list) = &municipalities {
            filter.municipalities = Some(
                (0..facts.municipalities.len())
                    .map(|i| {
                        u16::try_from(i)
                            .ok()
                            .and_then(|i| facts.municipalities.key(i))
                            .is_some_and(|c| list.contains(c))
                    })
                    .collect(),
            );
        }
        if let Some(code) = req
            .product
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let found = facts
                .names
                .product
                .iter()
                .find(|(_, (c, _))| c.eq_ignore_ascii_case(code))
                .and_then(|(id, _)| facts.products.get(id));
            match found {
                Some(p) => filter.product = Some(p),
                None => errors.push(FieldError::new(
                    "productCode",
                    format!("onbekend product {code}"),
                )),
            }
        }
        let mut provider = req.aanbieder;
        if let FigureScope::Provider(own) = view.scope {
            if provider.is_some_and(|p| p != own) {
                return self
                    .deny(
                        ctx,
                        AuditAction::Viewed,
                        ObjectType::Cijfers,
                        provider.map(|p| p.to_string()),
                        "u ziet alleen de cijfers van uw eigen organisatie",
                    )
                    .await;
            }
            if !info.dimensions.contains(&Dimension::Aanbieder) {
                return self
                    .deny(
                        ctx,
                        AuditAction::Viewed,
                        ObjectType::Cijfers,
                        Some(info.code.to_string()),
                        "dit cijfer gaat over de hele wachtlijst en is niet per aanbieder beschikbaar",
                    )
                    .await;
            }
            provider = Some(own);
        }
        if let Some(p) = provider {
            if !info.dimensions.contains(&Dimension::Aanbieder) {
                errors.push(FieldError::new(
                    "aanbiederId",
                    format!("{} kan niet per aanbieder worden bekeken", info.name),
                ));
            }
            // An unknown provider has no records: zero, not an error.
            filter.provider = Some(facts.providers.get(&p).unwrap_or(super::facts::NONE - 1));
        }
        if let Some(l) = req.locatie {
            if !info.dimensions.contains(&Dimension::Locatie) {
                errors.push(FieldError::new(
                    "locatieId",
                    format!("{} kan niet per locatie worden bekeken", info.name),
                ));
            }
            filter.location = Some(facts.locations.get(&l).unwrap_or(super::facts::NONE - 1));
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }

        let answer = compute(
            facts,
            &Query {
                indicator: id,
                when,
                filter,
                breakdown,
            },
        )
        .map_err(|e| DomainError::invalid("indicator", e.0))?;
        // Places are not people: capacity is never hidden.
        let threshold = if view.suppressed && info.unit != super::Unit::Plaatsen {
            self.settings.small_numbers
        } else {
            0
        };
        Ok(FigureResult {
            indicator: info,
            when,
            known_at: facts.known_at.unwrap_or_else(|| self.clock.now_micros()),
            breakdown,
            shown: suppress(answer, threshold),
            suppressed_for_role: view.suppressed,
        })
    }
}
