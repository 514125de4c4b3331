//! Generating and publishing progress reports. A concept uses the plan and
//! the figures as known now; publishing freezes the plan text, introduction,
//! period, peildatum and moment, so that the report always reads the same:
//! its figures are regenerated as known at publication, whatever was
//! corrected later, and the differences with today's figures are explained.

use super::report::{self, Published, Report, ReportFigure, ReportInput, report_indicators};
use super::{NewPublication, PlanDocument, Publication, Rapportageperiode};
use crate::admin::RequestContext;
use crate::audit::{AuditAction, ObjectType};
use crate::dates::dutch_long;
use crate::error::{DomainError, DomainResult};
use crate::figures::service::FigureRequest;
use crate::figures::{Timing, display};
use crate::policy::{FigureScope, FigureView, may_manage_plan};
use crate::service::Services;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// What the policy officer asks for.
#[derive(Debug, Clone, Default)]
pub struct ReportRequest {
    /// "2025-H1".
    pub periode: String,
    /// Empty: the end of the period (or today, while the period runs).
    pub peildatum: Option<String>,
    /// Empty: the standard introduction.
    pub inleiding: Option<String>,
    /// The plan version the officer saw; publishing refuses when the plan
    /// changed since.
    pub plan_versie: Option<i64>,
    /// The officer confirms publishing although measures have no progress
    /// for the period.
    pub onvolledig_bevestigd: bool,
}

/// A figure that reads differently today than in the published report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FigureDifference {
    pub indicator: String,
    pub naam: String,
    pub gepubliceerd: String,
    pub vandaag: String,
    pub reden: String,
}

/// A published report as it is reopened.
#[derive(Debug, Clone)]
pub struct PublishedReport {
    pub publication: Publication,
    pub report: Report,
    /// The regenerated figures equal the snapshot taken at publication.
    pub same_as_published: bool,
    pub differences: Vec<FigureDifference>,
}

impl Services {
    /// Checks period and peildatum.
    fn report_moment(&self, req: &ReportRequest) -> DomainResult<(Rapportageperiode, NaiveDate)> {
        let periode = Rapportageperiode::parse_field(&req.periode)
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        let today = self.clock.today();
        let peildatum = match req
            .peildatum
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => periode.usual_peildatum(today),
            Some(p) => {
                crate::Datum::parse(p)
                    .map_err(|e| DomainError::invalid("peildatum", e.to_string()))?
                    .0
            }
        };
        if peildatum < periode.begin() {
            return Err(DomainError::invalid(
                "peildatum",
                format!(
                    "de peildatum ligt voor het begin van de periode ({})",
                    dutch_long(periode.begin())
                ),
            ));
        }
        if peildatum > periode.einde() {
            return Err(DomainError::invalid(
                "peildatum",
                format!(
                    "de peildatum valt na de periode; kies een dag tot en met {}",
                    dutch_long(periode.einde())
                ),
            ));
        }
        if peildatum > today {
            return Err(DomainError::invalid(
                "peildatum",
                "de peildatum ligt in de toekomst; cijfers zijn er tot en met vandaag",
            ));
        }
        Ok((periode, peildatum))
    }

    /// The financial chapter: the region's own budget (not a
    /// municipality's) that has amounts for the report's year, the latest
    /// recorded, against its realisation up to the peildatum, as known at
    /// `known_at`. Like the figures, it reads as for the region's policy
    /// adviser whoever asks (small amounts hidden), so every reader and
    /// the published report see the same.
    async fn report_finance(
        &self,
        ctx: &RequestContext,
        region_id: i64,
        periode: Rapportageperiode,
        peildatum: NaiveDate,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Option<report::FinanceChapter>> {
        use crate::admin::{Role, Scope};
        use crate::finance::service::Source;
        let mut reader = ctx.clone();
        reader.actor.role = Role::Beleidsadviseur;
        reader.actor.scope = Scope::Regio(region_id);
        let year = periode.jaar;
        let mut chosen = None;
        for b in self.store.list_budgets(Some(region_id)).await? {
            if b.municipality.is_some() || b.created_at > known_at {
                continue;
            }
            let h = self.budget(&reader, b.id, Some(known_at)).await?;
            if h.current.lines.iter().any(|l| l.amount(year).is_some()) {
                chosen = Some(b.id);
            }
        }
        let Some(id) = chosen else {
            return Ok(None);
        };
        let r = self
            .budget_report_until(&reader, id, year, Some(known_at), Some(peildatum))
            .await?;
        let money = |a: Option<crate::finance::Bedrag>, hidden: bool| match (a, hidden) {
            (_, true) => format!("<{}", self.settings.small_numbers),
            (Some(a), false) => a.to_string(),
            (None, false) => "–".to_string(),
        };
        let regels = r
            .lines
            .iter()
            .map(|l| report::FinanceLine {
                code: l.line.code.clone(),
                omschrijving: l.line.label.clone(),
                zijde: l.line.side.label().to_string(),
                begroot: money(l.budget, false),
                gerealiseerd: match l.source {
                    Source::Prognose => "–".to_string(),
                    _ => money(l.realised, l.hidden),
                },
                prognose: money(l.forecast, l.hidden),
                verschil: money(l.difference, l.hidden),
                bron: match l.source {
                    Source::Verblijven => "verblijven × tarieven",
                    Source::Ingevoerd => "ingevoerde realisatie",
                    Source::Prognose => "prognose historische cliënten",
                }
                .to_string(),
            })
            .collect();
        Ok(Some(report::FinanceChapter {
            begroting: r.budget.name.clone(),
            versie: r.version.title.clone(),
            jaar: year,
            gerealiseerd_tot: dutch_long(r.through),
            regels,
            dagen_zonder_tarief: r.unpriced_days,
        }))
    }

    /// The forecast chapter: the region's scenario published last by
    /// `known_at`, as it was published (small counts already hidden).
    async fn report_forecast(
        &self,
        region_id: i64,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Option<report::ForecastChapter>> {
        let Some(latest) = self
            .store
            .list_scenarios(Some(region_id))
            .await?
            .into_iter()
            .filter(|s| s.published_at.is_some_and(|at| at <= known_at))
            .max_by_key(|s| s.published_at)
        else {
            return Ok(None);
        };
        let Some((scenario, Some(json))) = self.store.get_scenario(latest.id).await? else {
            return Ok(None);
        };
        let forecast: crate::forecast::run::Forecast =
            serde_json::from_str(&json).map_err(|e| {
                DomainError::Internal(format!("ongeldige prognose in de database: {e}"))
            })?;
        let names: std::collections::HashMap<String, String> = self
            .store
            .list_municipalities()
            .await?
            .into_iter()
            .map(|m| (m.code.to_string(), m.name))
            .collect();
        let a = &scenario.assumptions;
        let category = crate::reference::ProductCategorie::BeschermdWonen.code();
        let number = |x: f64| format!("{x:.1}").replace('.', ",");
        let mut cells: Vec<&crate::forecast::run::Cell> = forecast
            .cells
            .iter()
            .filter(|c| c.category && c.product == category)
            .collect();
        // The municipalities by name, the region last.
        cells.sort_by_key(|c| {
            (
                c.gemeente.is_none(),
                c.gemeente
                    .as_ref()
                    .map(|g| names.get(g).cloned().unwrap_or_else(|| g.clone())),
            )
        });
        let regels = cells
            .iter()
            .map(|c| {
                let y = c.year(a.last_year);
                let persons = y.map_or(0.0, |y| y.persons);
                let places = y.map_or(0.0, |y| y.places);
                report::ForecastLine {
                    gemeente: c.gemeente.as_ref().map_or_else(
                        || "Regio".to_string(),
                        |g| names.get(g).cloned().unwrap_or_else(|| g.clone()),
                    ),
                    basisjaar: c
                        .actual
                        .map_or_else(|| format!("<{}", self.settings.small_numbers), number),
                    prognose: number(persons),
                    plaatsen: number(places),
                    tekort: number((persons - places).max(0.0)),
                }
            })
            .collect();
        Ok(Some(report::ForecastChapter {
            scenario: scenario.name.clone(),
            gepubliceerd_op: scenario
                .published_at
                .map(|at| crate::dates::dutch_timestamp(at, false))
                .unwrap_or_default(),
            basisjaar: a.base_year,
            tot_jaar: a.last_year,
            regels,
        }))
    }

    /// The report's figures for the region, suppressed as for aggregate
    /// roles whoever asks, as known at `known_at`.
    async fn report_figures(
        &self,
        ctx: &RequestContext,
        doc: &PlanDocument,
        region_id: i64,
        periode: Rapportageperiode,
        peildatum: NaiveDate,
        known_at: DateTime<Utc>,
    ) -> DomainResult<Vec<ReportFigure>> {
        let view = FigureView {
            scope: FigureScope::Region(region_id),
            suppressed: true,
        };
        let area = self.figure_municipalities(&view).await?;
        let facts = self.figure_facts(Some(known_at)).await?;
        let end = peildatum.min(periode.einde());
        let request = FigureRequest {
            peildatum: Some(peildatum.to_string()),
            periode_van: Some(periode.begin().to_string()),
            periode_tot: Some(end.to_string()),
            ..FigureRequest::default()
        };
        let mut out = Vec::new();
        for id in report_indicators(doc) {
            let r = self
                .answer(ctx, &facts, id, &request, &view, area.as_deref())
                .await?;
            let threshold = r.shown.threshold;
            out.push(ReportFigure {
                indicator: r.indicator.code.to_string(),
                naam: r.indicator.name.to_string(),
                wanneer: match r.indicator.timing {
                    Timing::Peildatum => format!("op {}", dutch_long(peildatum)),
                    Timing::Periode => {
                        format!("{} t/m {}", dutch_long(periode.begin()), dutch_long(end))
                    }
                },
                waarde: display(r.shown.total, threshold),
                eenheid: r.indicator.unit.code().to_string(),
                onderdrukt: r.shown.total.suppressed,
            });
        }
        Ok(out)
    }

    async fn region_of(&self, region_id: i64) -> DomainResult<(String, String)> {
        let r = self
            .store
            .get_region(region_id)
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("regio {region_id}")))?;
        Ok((r.code, r.name))
    }

    async fn managed_plan(
        &self,
        ctx: &RequestContext,
        plan_id: i64,
        action: AuditAction,
        object: ObjectType,
    ) -> DomainResult<(super::PlanVersion, PlanDocument)> {
        let (version, doc) = self.plan(ctx, plan_id, None).await?;
        if let Err(reason) = may_manage_plan(&ctx.actor, version.region_id) {
            return self
                .deny(ctx, action, object, Some(plan_id.to_string()), reason)
                .await;
        }
        Ok((version, doc))
    }

    /// A concept report: the plan and the figures as known now. Only the
    /// plan's managers see concepts.
    pub async fn concept_report(
        &self,
        ctx: &RequestContext,
        plan_id: i64,
        req: &ReportRequest,
    ) -> DomainResult<Report> {
        let (periode, peildatum) = self.report_moment(req)?;
        let (version, doc) = self
            .managed_plan(
                ctx,
                plan_id,
                AuditAction::Viewed,
                ObjectType::Voortgangsrapportage,
            )
            .await?;
        let now = self.clock.now_micros();
        let figures = self
            .report_figures(ctx, &doc, version.region_id, periode, peildatum, now)
            .await?;
        let (code, name) = self.region_of(version.region_id).await?;
        let finance = self
            .report_finance(ctx, version.region_id, periode, peildatum, now)
            .await?;
        let forecast = self.report_forecast(version.region_id, now).await?;
        Ok(report::build(ReportInput {
            plan_id,
            plan_version_id: version.version_id,
            region_code: &code,
            region_name: &name,
            document: &doc,
            periode,
            peildatum,
            introduction: req.inleiding.as_deref().unwrap_or_default(),
            figures,
            known_at: now,
            published: None,
            threshold: self.settings.small_numbers,
            finance,
            forecast,
        }))
    }

    /// Publishes a report: freezes it and stores it.
    pub async fn publish_report(
        &self,
        ctx: &RequestContext,
        plan_id: i64,
        req: &ReportRequest,
    ) -> DomainResult<PublishedReport> {
        let (periode, peildatum) = self.report_moment(req)?;
        let (version, doc) = self
            .managed_plan(
                ctx,
                plan_id,
                AuditAction::Created,
                ObjectType::Voortgangsrapportage,
            )
            .await?;
        if let Some(seen) = req.plan_versie
            && seen != version.version_id
        {
            return Err(DomainError::StaleVersion(
                "Het beleidsplan is gewijzigd nadat u de concept-rapportage opende. Bekijk het concept opnieuw en publiceer dan."
                    .into(),
            ));
        }
        // A report with measures left unreported goes to the council only
        // when the officer says so: it reads as "no progress".
        let missing: Vec<&str> = doc
            .missing_progress(periode)
            .into_iter()
            .map(|m| m.nummer.as_str())
            .collect();
        if !missing.is_empty() && !req.onvolledig_bevestigd {
            let all = doc.measures().count();
            return Err(DomainError::invalid(
                "onvolledigPubliceren",
                format!(
                    "voor {} van de {all} maatregelen is over {} nog geen voortgang gemeld ({}); vul die aan, of bevestig dat u toch publiceert",
                    missing.len(),
                    report::period_name(periode),
                    missing.join(", ")
                ),
            ));
        }
        let introduction = req
            .inleiding
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| report::default_introduction(&doc, periode, peildatum));
        let at = self.clock.now_micros();
        let figures = self
            .report_figures(ctx, &doc, version.region_id, periode, peildatum, at)
            .await?;
        let snapshot = serde_json::to_string(&figures)
            .map_err(|e| DomainError::Internal(format!("cijfers niet vast te leggen: {e}")))?;
        let audit = self
            .draft(
                ctx,
                AuditAction::Created,
                ObjectType::Voortgangsrapportage,
                None,
            )
            .with_details(serde_json::json!({
                "beleidsplan": plan_id,
                "planversie": version.version_id,
                "periode": periode.code(),
                "peildatum": peildatum,
            }));
        let publication = self
            .store
            .publish_report(
                NewPublication {
                    plan_id,
                    plan_version_id: version.version_id,
                    period: periode.code(),
                    peildatum,
                    introduction,
                    document: version.document.clone(),
                    figures: snapshot,
                    published_at: at,
                    published_by: ctx.actor.name.clone(),
                },
                audit,
            )
            .await?;
        self.published_report(ctx, publication.id).await
    }

    /// The published reports of a plan the caller may read, newest first.
    pub async fn published_reports(
        &self,
        ctx: &RequestContext,
        plan_id: i64,
    ) -> DomainResult<Vec<Publication>> {
        self.plan(ctx, plan_id, None).await?;
        self.store.list_reports(plan_id).await
    }

    /// Reopens a published report: the frozen text with its figures
    /// regenerated as known at publication, compared with the snapshot and
    /// with today's figures.
    pub async fn published_report(
        &self,
        ctx: &RequestContext,
        report_id: i64,
    ) -> DomainResult<PublishedReport> {
        let missing = || DomainError::NotFound(format!("voortgangsrapportage {report_id}"));
        let publication = self
            .store
            .get_report(report_id)
            .await?
            .ok_or_else(missing)?;
        let p = &publication.report;
        // Readable by whoever may read the plan.
        let (version, _) = self
            .plan(ctx, p.plan_id, Some(p.published_at))
            .await
            .map_err(|e| match e {
                DomainError::NotFound(_) => missing(),
                other => other,
            })?;
        let doc: PlanDocument = serde_json::from_str(&p.document)
            .map_err(|e| DomainError::Internal(format!("gepubliceerde tekst onleesbaar: {e}")))?;
        let periode = Rapportageperiode::parse(&p.period)
            .ok_or_else(|| DomainError::Internal(format!("periode {} onleesbaar", p.period)))?;
        let figures = self
            .report_figures(
                ctx,
                &doc,
                version.region_id,
                periode,
                p.peildatum,
                p.published_at,
            )
            .await?;
        let snapshot: Vec<ReportFigure> = serde_json::from_str(&p.figures)
            .map_err(|e| DomainError::Internal(format!("vastgelegde cijfers onleesbaar: {e}")))?;
        let same_as_published = snapshot == figures;
        let today = self.clock.now_micros();
        let current = self
            .report_figures(ctx, &doc, version.region_id, periode, p.peildatum, today)
            .await?;
        let differences = self
            .explain_differences(&figures, &current, p.published_at, p.peildatum)
            .await?;
        let (code, name) = self.region_of(version.region_id).await?;
        let finance = self
            .report_finance(ctx, version.region_id, periode, p.peildatum, p.published_at)
            .await?;
        let forecast = self
            .report_forecast(version.region_id, p.published_at)
            .await?;
        let report = report::build(ReportInput {
            plan_id: p.plan_id,
            plan_version_id: p.plan_version_id,
            region_code: &code,
            region_name: &name,
            document: &doc,
            periode,
            peildatum: p.peildatum,
            introduction: &p.introduction,
            figures,
            known_at: p.published_at,
            published: Some(Published::new(
                publication.id,
                p.published_at,
                &p.published_by,
            )),
            threshold: self.settings.small_numbers,
            finance,
            forecast,
        });
        Ok(PublishedReport {
            publication,
            report,
            same_as_published,
            differences,
        })
    }

    /// Which figures read differently today, and why: the registrations
    /// made after publication that reach back to before the peildatum.
    async fn explain_differences(
        &self,
        published: &[ReportFigure],
        today: &[ReportFigure],
        published_at: DateTime<Utc>,
        peildatum: NaiveDate,
    ) -> DomainResult<Vec<FigureDifference>> {
        let changed: Vec<(&ReportFigure, &ReportFigure)> = published
            .iter()
            .filter_map(|p| {
                today
                    .iter()
                    .find(|t| t.indicator == p.indicator)
                    .filter(|t| t.waarde != p.waarde)
                    .map(|t| (p, t))
            })
            .collect();
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        let h = self.figure_history().await?;
        let late = |at: DateTime<Utc>, from: NaiveDate| at > published_at && from <= peildatum;
        let counts = [
            (
                h.entries
                    .iter()
                    .filter(|e| late(e.created_at, e.waiting_since))
                    .count(),
                "nieuwe wachtlijstplaatsing",
                "nieuwe wachtlijstplaatsingen",
            ),
            (
                h.transitions
                    .iter()
                    .filter(|t| late(t.recorded_at, t.effective_date))
                    .count(),
                "wachtlijstwijziging",
                "wachtlijstwijzigingen",
            ),
            (
                h.stay_versions
                    .iter()
                    .filter(|v| late(v.recorded_at, v.start_date))
                    .count(),
                "verblijfsregistratie of -correctie",
                "verblijfsregistraties of -correcties",
            ),
            (
                h.capacity
                    .iter()
                    .filter(|c| late(c.recorded_at, c.valid_from))
                    .count(),
                "capaciteitswijziging",
                "capaciteitswijzigingen",
            ),
        ];
        let parts: Vec<String> = counts
            .iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
            .collect();
        let reden = if parts.is_empty() {
            "De registratie is na publicatie gewijzigd (bijvoorbeeld de indeling van gemeenten of producten).".to_string()
        } else {
            format!(
                "Na publicatie zijn met terugwerkende kracht tot op of voor de peildatum vastgelegd: {}.",
                parts.join(", ")
            )
        };
        Ok(changed
            .into_iter()
            .map(|(p, t)| FigureDifference {
                indicator: p.indicator.clone(),
                naam: p.naam.clone(),
                gepubliceerd: p.waarde.clone(),
                vandaag: t.waarde.clone(),
                reden: reden.clone(),
            })
            .collect())
    }
}
