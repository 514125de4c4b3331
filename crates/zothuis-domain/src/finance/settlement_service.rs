//! Distribution keys, settlement statements and the transition
//! calculator through the services: who may, what is audited, and the
//! cost engine and budgets they draw on (`finance::settlement`).

use super::cost::{self, CostQuery, Period, Split, TariffBook};
use super::model::Bedrag;
use super::settlement::{
    self, Agreement, DistributionKey, KeyInput, KeyVersion, PublishedSettlement, SettlementPeriod,
    StatementLine, TransitionRow,
};
use crate::admin::RequestContext;
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult, Validator};
use crate::policy::{Action, SettlementArea, settlement_view};
use crate::reference::GemeenteCode;
use crate::service::Services;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

/// A key with its versions as known at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyHistory {
    pub key: DistributionKey,
    pub current: KeyVersion,
    pub versions: Vec<KeyVersion>,
}

/// A statement asked for: the period, the agreement and (for
/// `verdeelsleutel`) the key, as typed; as known at a moment.
#[derive(Debug, Clone, Default)]
pub struct SettlementRequest {
    pub period: String,
    pub agreement: String,
    pub key_id: Option<String>,
    pub known_at: Option<DateTime<Utc>>,
}

/// A statement: the lines the viewer sees and the region's totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Settlement {
    pub region_id: i64,
    pub region_name: String,
    pub period: SettlementPeriod,
    pub agreement: Agreement,
    pub key: Option<KeyVersion>,
    pub known_at: DateTime<Utc>,
    /// The last day counted: the period's last day, or the known-at day
    /// within the period.
    pub through: NaiveDate,
    /// Every municipality of the region for the region's adviser; only
    /// its own for a municipality's.
    pub lines: Vec<StatementLine>,
    pub total_cost: Bedrag,
    pub total_contribution: Bedrag,
    /// Days in care of the region's residents no tariff covers: the
    /// statement is incomplete while there are any.
    pub unpriced_days: i64,
    /// Set when the statement is a published one.
    pub published: Option<PublishedSettlement>,
    /// For a published statement: whether it comes out the same when
    /// computed again as known at its publication.
    pub same_as_published: Option<bool>,
}

/// A transition asked for, as typed.
#[derive(Debug, Clone, Default)]
pub struct TransitionRequest {
    pub historical_key: String,
    pub objective_key: String,
    pub budget_id: String,
    pub line: String,
    pub path: String,
}

/// The transition per municipality and year.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub historical: KeyVersion,
    pub objective: KeyVersion,
    pub budget_name: String,
    pub line_label: String,
    pub path: Vec<settlement::PathStep>,
    pub rows: Vec<TransitionRow>,
    /// Municipality names by code.
    pub names: Vec<(GemeenteCode, String)>,
}

fn no_key() -> DomainError {
    DomainError::NotFound("Deze verdeelsleutel bestaat niet of is voor u niet zichtbaar".into())
}

fn no_settlement() -> DomainError {
    DomainError::NotFound("Deze verrekening bestaat niet of is voor u niet zichtbaar".into())
}

impl Services {
    /// The region an actor's settlements are about, or the refusal.
    async fn settlement_area(
        &self,
        ctx: &RequestContext,
        attempted: AuditAction,
        object: ObjectType,
    ) -> DomainResult<(i64, SettlementArea)> {
        let area = match settlement_view(&ctx.actor) {
            Ok(a) => a,
            Err(reason) => return self.deny(ctx, attempted, object, None, reason).await,
        };
        let region = match &area {
            SettlementArea::Region(id) => *id,
            SettlementArea::Municipality(code) => self
                .store
                .get_municipality(code)
                .await?
                .map_or(-1, |m| m.region_id),
        };
        Ok((region, area))
    }

    /// The municipalities of a region, by name.
    async fn region_municipalities(
        &self,
        region: i64,
    ) -> DomainResult<Vec<(GemeenteCode, String)>> {
        let mut out: Vec<(GemeenteCode, String)> = self
            .store
            .list_municipalities()
            .await?
            .into_iter()
            .filter(|m| m.region_id == region)
            .map(|m| (m.code, m.name))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    fn key_details(data: &settlement::KeyData) -> serde_json::Value {
        json!({ "soort": data.kind.code(), "naam": data.name,
            "aandelen": data.shares.iter().map(|(g, a)| json!({"gemeente": g.as_str(), "aandeel": a.decimal()})).collect::<Vec<_>>() })
    }

    /// Records a distribution key of the actor's region.
    pub async fn create_distribution_key(
        &self,
        ctx: &RequestContext,
        input: &KeyInput,
    ) -> DomainResult<(DistributionKey, KeyVersion)> {
        let (region_id, _) = self
            .settlement_area(ctx, AuditAction::Created, ObjectType::Verdeelsleutel)
            .await?;
        self.authorize(
            ctx,
            Action::ManageBudget {
                region_id,
                municipality: None,
            },
            AuditAction::Created,
            ObjectType::Verdeelsleutel,
            None,
        )
        .await?;
        let codes: Vec<GemeenteCode> = self
            .region_municipalities(region_id)
            .await?
            .into_iter()
            .map(|m| m.0)
            .collect();
        let data = input.parse(&codes)?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Verdeelsleutel, None)
            .with_details(Self::key_details(&data));
        self.store
            .create_distribution_key(
                region_id,
                &data,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// Records a new version of a key.
    pub async fn change_distribution_key(
        &self,
        ctx: &RequestContext,
        id: i64,
        expected_version: i64,
        input: &KeyInput,
    ) -> DomainResult<KeyVersion> {
        let key = self.distribution_key(ctx, id, None).await?.key;
        self.authorize(
            ctx,
            Action::ManageBudget {
                region_id: key.region_id,
                municipality: None,
            },
            AuditAction::Updated,
            ObjectType::Verdeelsleutel,
            Some(id.to_string()),
        )
        .await?;
        let codes: Vec<GemeenteCode> = self
            .region_municipalities(key.region_id)
            .await?
            .into_iter()
            .map(|m| m.0)
            .collect();
        let data = input.parse(&codes)?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Updated,
                ObjectType::Verdeelsleutel,
                Some(id.to_string()),
            )
            .with_details(Self::key_details(&data));
        self.store
            .add_distribution_key_version(
                id,
                expected_version,
                &data,
                self.clock.now_micros(),
                &ctx.actor.name,
                draft,
            )
            .await
    }

    /// The keys of the actor's region, each with its current version.
    pub async fn distribution_keys(
        &self,
        ctx: &RequestContext,
    ) -> DomainResult<Vec<(DistributionKey, KeyVersion)>> {
        let (region, _) = self
            .settlement_area(ctx, AuditAction::Listed, ObjectType::Verdeelsleutel)
            .await?;
        let now = self.clock.now();
        let mut out = Vec::new();
        for key in self.store.list_distribution_keys(Some(region)).await? {
            if let Some((_, versions)) = self.store.get_distribution_key(key.id).await?
                && let Some((current, _)) = crate::history::versions_as_known(versions, now)
            {
                out.push((key, current));
            }
        }
        Ok(out)
    }

    /// One key of the actor's region with its versions as known at a
    /// moment.
    pub async fn distribution_key(
        &self,
        ctx: &RequestContext,
        id: i64,
        known_at: Option<DateTime<Utc>>,
    ) -> DomainResult<KeyHistory> {
        let (region, _) = self
            .settlement_area(ctx, AuditAction::Viewed, ObjectType::Verdeelsleutel)
            .await?;
        let (key, all) = self
            .store
            .get_distribution_key(id)
            .await?
            .ok_or_else(no_key)?;
        if key.region_id != region {
            return self
                .deny(
                    ctx,
                    AuditAction::Viewed,
                    ObjectType::Verdeelsleutel,
                    Some(id.to_string()),
                    "deze verdeelsleutel hoort bij een andere regio",
                )
                .await;
        }
        let k = known_at.unwrap_or_else(|| self.clock.now());
        let (current, versions) = crate::history::versions_as_known(all, k).ok_or_else(no_key)?;
        Ok(KeyHistory {
            key,
            current,
            versions,
        })
    }

    /// A settlement statement of the actor's region, computed from the
    /// stays and tariffs as known at the moment asked (now by default).
    pub async fn settlement(
        &self,
        ctx: &RequestContext,
        req: &SettlementRequest,
    ) -> DomainResult<Settlement> {
        let (region, area) = self
            .settlement_area(ctx, AuditAction::Viewed, ObjectType::Verrekening)
            .await?;
        let (period, agreement, key, k) = self.settlement_input(ctx, req).await?;
        let mut s = self
            .compute_settlement(region, period, agreement, key, k)
            .await?;
        self.only_visible(&mut s, &area);
        let draft = self
            .draft(ctx, AuditAction::Viewed, ObjectType::Verrekening, None)
            .with_details(json!({ "periode": period.code(), "verdeling": agreement.code() }));
        self.store.append_audit(draft).await?;
        Ok(s)
    }

    /// A statement request checked: period, agreement, the key's version
    /// as known at the moment asked, and that moment.
    async fn settlement_input(
        &self,
        ctx: &RequestContext,
        req: &SettlementRequest,
    ) -> DomainResult<(
        SettlementPeriod,
        Agreement,
        Option<KeyVersion>,
        DateTime<Utc>,
    )> {
        let mut v = Validator::new();
        let period = v.check("periode", SettlementPeriod::parse(&req.period));
        let agreement = v.check("verdeling", Agreement::parse(&req.agreement));
        let key_id = match (agreement, crate::reference::optional(&req.key_id)) {
            (Some(Agreement::Verdeelsleutel), None) => {
                v.add("verdeelsleutel", "kies de verdeelsleutel");
                None
            }
            (Some(Agreement::Verdeelsleutel), Some(k)) => match k.trim().parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    v.add("verdeelsleutel", "kies uit de lijst");
                    None
                }
            },
            _ => None,
        };
        v.finish()?;
        let (Some(period), Some(agreement)) = (period, agreement) else {
            return Err(DomainError::invalid("periode", "kies een periode"));
        };
        let k = req.known_at.unwrap_or_else(|| self.clock.now_micros());
        let key = match key_id {
            Some(id) => Some(self.distribution_key(ctx, id, Some(k)).await?.current),
            None => None,
        };
        Ok((period, agreement, key, k))
    }

    /// The statement of a region before it is narrowed to a viewer.
    async fn compute_settlement(
        &self,
        region: i64,
        period: SettlementPeriod,
        agreement: Agreement,
        key: Option<KeyVersion>,
        k: DateTime<Utc>,
    ) -> DomainResult<Settlement> {
        let municipalities = self.region_municipalities(region).await?;
        let (from, to) = period.days();
        let through = to.pred_opt().unwrap_or(to).min(k.date_naive());
        let facts = self.figure_facts(Some(k)).await?;
        let tariffs = self.store.list_tariffs(Some(region), k).await?;
        let book = TariffBook::new(tariffs.iter().map(|t| (t.region_id, &t.facts)));
        let codes: Vec<GemeenteCode> = municipalities.iter().map(|m| m.0.clone()).collect();
        let query = CostQuery {
            from,
            to: through.succ_opt().unwrap_or(through).max(from),
            municipalities: Some(facts.municipality_set(&codes)),
            provider_id: None,
            period: Period::Whole,
            split: Split {
                municipality: true,
                ..Split::default()
            },
            cohort_cutoff: Default::default(),
        };
        let result = cost::compute(&facts, &book, &query);
        let costs: Vec<(GemeenteCode, String, Bedrag, i64, u32)> = municipalities
            .iter()
            .map(|(code, name)| {
                let index = facts.municipalities.get(code);
                let cell = result
                    .cells
                    .iter()
                    .find(|(key, _)| Some(key.municipality) == index)
                    .map(|(_, c)| *c)
                    .unwrap_or_default();
                (
                    code.clone(),
                    name.clone(),
                    cell.amount,
                    cell.days,
                    cell.clients,
                )
            })
            .collect();
        let lines = settlement::statement(&costs, key.as_ref().map(|k| k.data.shares.as_slice()));
        let region_name = self
            .store
            .list_regions()
            .await?
            .into_iter()
            .find(|r| r.id == region)
            .map(|r| r.name)
            .unwrap_or_default();
        Ok(Settlement {
            region_id: region,
            region_name,
            period,
            agreement,
            key,
            known_at: k,
            through,
            total_cost: Bedrag(lines.iter().map(|l| l.kosten).sum()),
            total_contribution: Bedrag(lines.iter().map(|l| l.bijdrage).sum()),
            lines,
            unpriced_days: result.missing.iter().map(|(_, m)| m.days).sum(),
            published: None,
            same_as_published: None,
        })
    }

    fn only_visible(&self, s: &mut Settlement, area: &SettlementArea) {
        if let SettlementArea::Municipality(code) = area {
            s.lines.retain(|l| l.gemeente == code.as_str());
        }
    }

    /// Publishes a statement of the actor's region: frozen as computed now.
    pub async fn publish_settlement(
        &self,
        ctx: &RequestContext,
        req: &SettlementRequest,
    ) -> DomainResult<Settlement> {
        let (region, _) = self
            .settlement_area(ctx, AuditAction::Created, ObjectType::Verrekening)
            .await?;
        self.authorize(
            ctx,
            Action::ManageBudget {
                region_id: region,
                municipality: None,
            },
            AuditAction::Created,
            ObjectType::Verrekening,
            None,
        )
        .await?;
        let asked = SettlementRequest {
            known_at: None,
            ..req.clone()
        };
        let (period, agreement, key, k) = self.settlement_input(ctx, &asked).await?;
        let s = self
            .compute_settlement(region, period, agreement, key, k)
            .await?;
        if s.unpriced_days > 0 {
            return Err(DomainError::invalid(
                "periode",
                format!(
                    "{} dagen in zorg hebben nog geen tarief; leg de ontbrekende tarieven vast voordat u de verrekening vaststelt",
                    s.unpriced_days
                ),
            ));
        }
        let statement = serde_json::to_string(&s.lines)
            .map_err(|e| DomainError::Internal(format!("verrekening niet vast te leggen: {e}")))?;
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::Verrekening, None)
            .with_details(json!({
                "periode": s.period.code(),
                "verdeling": s.agreement.code(),
                "verdeelsleutelversie": s.key.as_ref().map(|k| k.version_id),
                "totaal": s.total_cost.decimal(),
            }));
        let published = self
            .store
            .publish_settlement(
                &PublishedSettlement {
                    id: 0,
                    region_id: region,
                    period: s.period.code(),
                    agreement: s.agreement.code().to_string(),
                    key_version_id: s.key.as_ref().map(|k| k.version_id),
                    statement,
                    published_at: s.known_at,
                    published_by: ctx.actor.name.clone(),
                },
                draft,
            )
            .await?;
        let (_, area) = self
            .settlement_area(ctx, AuditAction::Viewed, ObjectType::Verrekening)
            .await?;
        self.reopen(region, &area, published).await
    }

    /// The published statements of the actor's region, newest first.
    pub async fn published_settlements(
        &self,
        ctx: &RequestContext,
    ) -> DomainResult<Vec<PublishedSettlement>> {
        let (region, _) = self
            .settlement_area(ctx, AuditAction::Listed, ObjectType::Verrekening)
            .await?;
        self.store.list_settlements(Some(region)).await
    }

    /// A published statement: computed again as known at its publication
    /// and compared with what was frozen then.
    pub async fn published_settlement(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> DomainResult<Settlement> {
        let (region, area) = self
            .settlement_area(ctx, AuditAction::Viewed, ObjectType::Verrekening)
            .await?;
        let p = self
            .store
            .get_settlement(id)
            .await?
            .ok_or_else(no_settlement)?;
        if p.region_id != region {
            return self
                .deny(
                    ctx,
                    AuditAction::Viewed,
                    ObjectType::Verrekening,
                    Some(id.to_string()),
                    "deze verrekening hoort bij een andere regio",
                )
                .await;
        }
        let s = self.reopen(region, &area, p).await?;
        let draft = self
            .draft(
                ctx,
                AuditAction::Viewed,
                ObjectType::Verrekening,
                Some(id.to_string()),
            )
            .with_details(json!({ "periode": s.period.code() }));
        self.store.append_audit(draft).await?;
        Ok(s)
    }

    /// A published statement computed again as known at its publication,
    /// beside what was frozen then.
    async fn reopen(
        &self,
        region: i64,
        area: &SettlementArea,
        p: PublishedSettlement,
    ) -> DomainResult<Settlement> {
        let unreadable =
            |what: &str| DomainError::Internal(format!("vastgelegde {what} onleesbaar"));
        let period = SettlementPeriod::parse(&p.period).map_err(|_| unreadable("periode"))?;
        let agreement = Agreement::parse(&p.agreement).map_err(|_| unreadable("verdeling"))?;
        let key = match p.key_version_id {
            Some(version) => {
                let all = self.store.list_distribution_keys(Some(region)).await?;
                let mut found = None;
                for k in all {
                    if let Some((_, versions)) = self.store.get_distribution_key(k.id).await? {
                        found = found.or(versions.into_iter().find(|v| v.version_id == version));
                    }
                }
                Some(found.ok_or_else(|| unreadable("verdeelsleutel"))?)
            }
            None => None,
        };
        let frozen: Vec<StatementLine> =
            serde_json::from_str(&p.statement).map_err(|_| unreadable("regels"))?;
        let mut s = self
            .compute_settlement(region, period, agreement, key, p.published_at)
            .await?;
        s.same_as_published = Some(s.lines == frozen);
        // What was published is what the statement says.
        s.total_cost = Bedrag(frozen.iter().map(|l| l.kosten).sum());
        s.total_contribution = Bedrag(frozen.iter().map(|l| l.bijdrage).sum());
        s.lines = frozen;
        s.published = Some(p);
        self.only_visible(&mut s, area);
        Ok(s)
    }

    /// The transition calculator: a budget line's amounts per year
    /// distributed by the historical key, the objective key and the path.
    pub async fn transition(
        &self,
        ctx: &RequestContext,
        req: &TransitionRequest,
    ) -> DomainResult<Transition> {
        let (region, area) = self
            .settlement_area(ctx, AuditAction::Viewed, ObjectType::Verrekening)
            .await?;
        let mut v = Validator::new();
        let id = |field: &str, s: &str, v: &mut Validator| match s.trim().parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                v.add(field, "kies uit de lijst");
                None
            }
        };
        let h = id("historisch", &req.historical_key, &mut v);
        let o = id("objectief", &req.objective_key, &mut v);
        let b = id("begroting", &req.budget_id, &mut v);
        let path = match settlement::parse_path(&req.path) {
            Ok(p) => Some(p),
            Err(e) => {
                v.add("pad", e);
                None
            }
        };
        if req.line.trim().is_empty() {
            v.add("regel", "kies de begrotingsregel die verdeeld wordt");
        }
        v.finish()?;
        let (Some(h), Some(o), Some(b), Some(path)) = (h, o, b, path) else {
            return Err(DomainError::invalid("pad", "vul alle velden in"));
        };
        let historical = self.distribution_key(ctx, h, None).await?.current;
        let objective = self.distribution_key(ctx, o, None).await?.current;
        let budget = self.budget(ctx, b, None).await?;
        if budget.budget.region_id != region {
            return self
                .deny(
                    ctx,
                    AuditAction::Viewed,
                    ObjectType::Verrekening,
                    None,
                    "deze begroting hoort bij een andere regio",
                )
                .await;
        }
        let code = req.line.trim().to_lowercase();
        let Some(line) = budget.current.lines.iter().find(|l| l.code == code) else {
            return Err(DomainError::invalid(
                "regel",
                format!("de begroting heeft geen regel {code}"),
            ));
        };
        let totals: Vec<(i32, Bedrag)> = line.amounts.clone();
        if totals.is_empty() {
            return Err(DomainError::invalid(
                "regel",
                "deze regel heeft geen bedragen per jaar",
            ));
        }
        let names = self.region_municipalities(region).await?;
        let codes: Vec<GemeenteCode> = names.iter().map(|m| m.0.clone()).collect();
        let mut rows = settlement::transition(
            &totals,
            &codes,
            &historical.data.shares,
            &objective.data.shares,
            &path,
        );
        if let SettlementArea::Municipality(own) = &area {
            rows.retain(|r| r.gemeente == *own);
        }
        let draft = self
            .draft(ctx, AuditAction::Viewed, ObjectType::Verrekening, None)
            .with_details(json!({ "overgangspad": req.path, "begroting": b, "regel": code }));
        self.store.append_audit(draft).await?;
        Ok(Transition {
            historical,
            objective,
            budget_name: budget.budget.name.clone(),
            line_label: line.label.clone(),
            path,
            rows,
            names,
        })
    }
}
