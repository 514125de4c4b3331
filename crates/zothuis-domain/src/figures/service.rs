//! Figures as a use case: who may see which area, the projection as known at
//! the asked moment, and suppression for aggregate-only roles.

use super::catalogue::{Dimension, Indicator, IndicatorId, Timing};
use super::engine::{Filter, Query, When, compute};
use super::facts::{Facts, FactsBuilder, History, NeedsRebuild};
use super::protect::{self, Pattern};
use super::suppress::ShownAnswer;
use crate::admin::RequestContext;
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult, FieldError};
use crate::policy::{FigureScope, FigureView, figure_view};
use crate::reference::GemeenteCode;
use crate::service::Services;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

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
    /// Only residents of this municipality (gemeentecode).
    pub woongemeente: Option<String>,
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

/// Patterns kept per projection: every family on every day or period a
/// dashboard and its tables ask for, with room to spare.
const PATTERNS_KEPT: usize = 512;

/// Whether the data changed only by new rows (`figure_stamp`, see
/// `facts::STAMP_APPENDED`): the reference data must be unchanged.
fn only_appended(seen: &[i64], now: &[i64]) -> bool {
    use super::facts::{STAMP_APPENDED, STAMP_LEN};
    seen.len() == STAMP_LEN
        && now.len() == STAMP_LEN
        && seen[..STAMP_APPENDED]
            .iter()
            .zip(&now[..STAMP_APPENDED])
            .all(|(a, b)| a <= b)
        && seen[STAMP_APPENDED..] == now[STAMP_APPENDED..]
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
            births: s
                .list_clients(&crate::store::Clients::All)
                .await?
                .into_iter()
                .filter(|c| c.given_name != crate::privacy::retention::ANONYMISED_NAME)
                .map(|c| (c.id, c.date_of_birth))
                .collect(),
            applications: s.list_applications(&crate::store::Clients::All).await?,
            decisions: s.list_decisions(&crate::store::Clients::All).await?,
            regions: s.list_regions().await?,
            registrations: {
                let mut all = Vec::new();
                for r in s
                    .list_registrations(
                        &crate::store::Clients::All,
                        None,
                        crate::history::END_OF_TIME,
                    )
                    .await?
                {
                    all.extend(s.registration_versions(r.id).await?);
                }
                all
            },
            nominations: {
                let mut all = Vec::new();
                for n in s
                    .list_nominations(
                        &crate::store::Clients::All,
                        None,
                        crate::history::END_OF_TIME,
                    )
                    .await?
                {
                    all.extend(s.nomination_versions(n.id).await?);
                }
                all
            },
            quotas: s.quota_rows(None).await?,
            trajectories: {
                let mut all = Vec::new();
                for t in s
                    .list_trajectories(None, crate::history::END_OF_TIME)
                    .await?
                {
                    all.extend(s.trajectory_versions(t.id).await?);
                }
                all
            },
            outreach_reports: {
                let mut all = Vec::new();
                for t in s
                    .list_trajectories(None, crate::history::END_OF_TIME)
                    .await?
                {
                    all.extend(s.outreach_reports(t.id).await?);
                }
                all
            },
            tenancies: {
                let mut all = Vec::new();
                for t in s
                    .list_tenancies(&crate::store::Tenancies::All, crate::history::END_OF_TIME)
                    .await?
                {
                    all.extend(s.tenancy_versions(t.id).await?);
                }
                all
            },
            merges: s.merge_moves().await?,
        })
    }

    /// The projection as known at a moment. As known now, it is kept until
    /// the data it reads changes (`FigureStore::figure_stamp`); a national
    /// projection takes seconds to build and answers in microseconds.
    ///
    /// After a write it is updated in place: the persons with a row beyond
    /// the stamp it was built at are read again (`FigureStore::figure_changes`)
    /// and replace what it held about them (`Facts::merge`). A change of
    /// reference data, or anything the update cannot prove equal to a full
    /// build, builds it again from scratch.
    pub async fn figure_facts(&self, known_at: Option<DateTime<Utc>>) -> DomainResult<Arc<Facts>> {
        if let Some(at) = known_at {
            return Ok(Arc::new(self.build_facts(at).await?));
        }
        let stamp = self.store.figure_stamp().await?;
        if let Some(facts) = self.cached_facts(&stamp) {
            return Ok(facts);
        }
        let _refresh = self.figure_refresh.lock().await;
        // Another request may have refreshed it meanwhile.
        let stamp = self.store.figure_stamp().await?;
        if let Some(facts) = self.cached_facts(&stamp) {
            return Ok(facts);
        }
        let at = self.clock.now_micros();
        let cached = self.figure_cache.lock().ok().and_then(|mut c| c.take());
        if let Some((seen, mut facts)) = cached
            && only_appended(&seen, &stamp)
            && facts.known_at.is_some_and(|k| k <= at)
        {
            // Readers still holding the old projection keep it; otherwise
            // it is changed without a copy.
            let changed = {
                let f = Arc::make_mut(&mut facts);
                let mut builder = FactsBuilder::changes_of(f, at);
                let persons = self
                    .store
                    .figure_changes(at, &seen, &stamp, &mut builder)
                    .await?;
                let persons: Option<HashSet<u32>> =
                    persons.iter().map(|p| u32::try_from(*p).ok()).collect();
                match persons {
                    Some(persons) => f.merge(
                        builder.finish(),
                        &persons,
                        super::facts::STAMP_WHOLE
                            .iter()
                            .any(|i| seen[*i] != stamp[*i]),
                    ),
                    None => Err(NeedsRebuild("een persoon-id past niet in de projectie")),
                }
            };
            // What the update cannot do (`NeedsRebuild`), a full build
            // below does.
            if changed.is_ok() {
                if let Ok(mut cache) = self.figure_cache.lock() {
                    *cache = Some((stamp, facts.clone()));
                }
                return Ok(facts);
            }
        }
        let facts = Arc::new(self.build_facts(at).await?);
        self.figure_rebuilds.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut cache) = self.figure_cache.lock() {
            *cache = Some((stamp, facts.clone()));
        }
        Ok(facts)
    }

    fn cached_facts(&self, stamp: &[i64]) -> Option<Arc<Facts>> {
        let cache = self.figure_cache.lock().ok()?;
        let (s, facts) = cache.as_ref()?;
        (s.as_slice() == stamp).then(|| facts.clone())
    }

    /// How often the projection as known now was built from scratch (not
    /// updated in place) since start.
    pub fn figure_rebuilds(&self) -> u64 {
        self.figure_rebuilds.load(Ordering::Relaxed)
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
        let mut facts = builder.finish();
        facts.outflow_target_months = Some(self.settings.outflow_target_months);
        facts.set_ethos(&self.settings.ethos);
        Ok(facts)
    }

    /// The municipalities of the caller's area (None: all).
    pub async fn figure_municipalities(
        &self,
        view: &FigureView,
    ) -> DomainResult<Option<Vec<GemeenteCode>>> {
        Ok(match &view.scope {
            FigureScope::All | FigureScope::Provider(_) => None,
            FigureScope::Municipality(code) => Some(vec![code.clone()]),
            FigureScope::Region(id) => Some(self.region_codes(*id).await?),
        })
    }

    /// What is hidden of a family in an area, decided once per projection
    /// and kept (`protect`).
    fn pattern(
        &self,
        facts: &Facts,
        family: &'static [IndicatorId],
        days: (super::facts::Day, super::facts::Day),
        area: Option<Vec<bool>>,
        threshold: u64,
    ) -> Arc<Pattern> {
        let key = protect::PatternKey {
            facts: (std::ptr::from_ref(facts) as usize, facts.known_at),
            family: family[0],
            days,
            area,
            threshold,
        };
        if let Some(p) = self
            .figure_patterns
            .lock()
            .ok()
            .and_then(|c| c.get(&key).cloned())
        {
            return p;
        }
        let p = Arc::new(Pattern::build(
            facts,
            family,
            days,
            key.area.as_deref(),
            threshold,
        ));
        if let Ok(mut cache) = self.figure_patterns.lock() {
            // Patterns of older projections are of no use any more.
            cache.retain(|k, _| k.facts == key.facts);
            if cache.len() >= PATTERNS_KEPT {
                cache.clear();
            }
            cache.insert(key, p.clone());
        }
        p
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
            filter.municipalities = Some(facts.municipality_set(list));
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
        if let Some(code) = req
            .woongemeente
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            if !info.dimensions.contains(&Dimension::Woongemeente) {
                errors.push(FieldError::new(
                    "woongemeenteCode",
                    format!("{} kan niet per woongemeente worden bekeken", info.name),
                ));
            }
            match GemeenteCode::parse(code) {
                Err(e) => errors.push(FieldError::new("woongemeenteCode", e.to_string())),
                // Nobody lives in an unknown municipality: zero, not an error.
                Ok(c) => {
                    filter.residence = Some(
                        facts
                            .municipalities
                            .get(&c)
                            .unwrap_or(super::facts::NONE - 1),
                    )
                }
            }
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }

        // Places are not people: capacity is never hidden.
        let threshold = if view.suppressed && info.unit != super::Unit::Plaatsen {
            self.settings.small_numbers
        } else {
            0
        };
        // Where the answer's total lies among the area's cells: a filter on
        // a municipality narrows only an area of more than one.
        let narrowed = match (&municipalities, area) {
            (Some(m), Some(a)) if m.len() == 1 && a.len() == 1 => None,
            (Some(m), _) if m.len() == 1 => facts.municipalities.get(&m[0]),
            _ => None,
        };
        let total_at = filter.coord(narrowed);
        if threshold > 1 && protect::axes_used(&total_at, breakdown) > protect::MAX_AXES {
            return Err(DomainError::invalid(
                "uitsplitsing",
                format!(
                    "wie alleen geaggregeerde cijfers ziet, combineert in één vraag hoogstens {} kenmerken (filters en uitsplitsing samen)",
                    protect::MAX_AXES
                ),
            ));
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
        let pattern = match protect::family(id) {
            Some(family) if threshold > 1 => {
                // The pattern is the area's, whatever the filter narrowed.
                let area_set = area.map(|list| facts.municipality_set(list));
                let days = super::engine::days_of(id, when)
                    .map_err(|e| DomainError::invalid("indicator", e.0))?;
                Some(self.pattern(facts, family, days, area_set, threshold))
            }
            _ => None,
        };
        Ok(FigureResult {
            indicator: info,
            when,
            known_at: facts.known_at.unwrap_or_else(|| self.clock.now_micros()),
            breakdown,
            shown: protect::show(answer, pattern.as_deref(), total_at, breakdown, threshold),
            suppressed_for_role: view.suppressed,
        })
    }
}
