//! The CBS Monitor Dakloosheid as a use case: a policy officer or the
//! privacy officer of the region makes the delivery for a period, with its
//! purpose, and the audit log keeps who, when, why and how many.

use super::cbs::{Extract, extract};
use crate::admin::{RequestContext, Role, Scope};
use crate::audit::{AuditAction, ObjectType};
use crate::error::{DomainError, DomainResult, Validator};
use crate::service::Services;
use crate::store::{ClientLink, Clients};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// What the delivery is asked for.
#[derive(Debug, Clone, Default)]
pub struct CbsInput {
    pub from: String,
    pub to: String,
    /// Why the data leave zothuis (AVG art. 5 lid 1 b, doelbinding).
    pub purpose: String,
    /// The file with BSNs, or only its summary.
    pub file: bool,
}

const REFUSED: &str = "de levering aan het CBS maakt een beleidsadviseur of de functionaris gegevensbescherming van de regio";

impl Services {
    /// The delivery for the region of the caller: its persons in ETHOS
    /// Light 2 and 3 in the period, with BSN. Audited with its purpose and
    /// counts, never the BSNs.
    pub async fn cbs_extract(
        &self,
        ctx: &RequestContext,
        input: &CbsInput,
    ) -> DomainResult<Extract> {
        let region = match (&ctx.actor.role, &ctx.actor.scope) {
            (Role::Beleidsadviseur | Role::Fg, Scope::Regio(r)) => *r,
            _ => {
                return self
                    .deny(
                        ctx,
                        AuditAction::Created,
                        ObjectType::CbsLevering,
                        None,
                        REFUSED,
                    )
                    .await;
            }
        };
        let mut v = Validator::new();
        let from = v.check("periodeVan", crate::Datum::parse(&input.from));
        let to = v.check("periodeTot", crate::Datum::parse(&input.to));
        if let (Some(f), Some(t)) = (from, to)
            && t.0 < f.0
        {
            v.add("periodeTot", "het einde van de periode ligt vóór het begin");
        }
        let purpose = input.purpose.trim();
        if purpose.chars().count() < 10 {
            v.add(
                "doel",
                "geef het doel van deze levering (AVG artikel 5 lid 1 onder b), bijvoorbeeld de uitvraag van het CBS over een jaar",
            );
        } else if purpose.chars().count() > 500 {
            v.add("doel", "het doel is te lang (hoogstens 500 tekens)");
        }
        v.finish()?;
        let (Some(from), Some(to)) = (from, to) else {
            return Err(DomainError::Internal("validatie onvolledig".into()));
        };
        let municipalities: HashSet<_> = self.region_codes(region).await?.into_iter().collect();
        let scope = Clients::Linked(ClientLink::Region(region));
        let headers = self.store.list_stay_headers(&scope).await?;
        let versions = self.store.list_stay_versions(&scope).await?;
        let stays: Vec<_> = crate::care::stays_at(&headers, &versions, self.clock.now())
            .into_iter()
            .filter(|s| municipalities.contains(&s.responsible))
            .collect();
        let ids: Vec<i64> = stays
            .iter()
            .map(|s| s.client_id)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let bsn: HashMap<i64, Option<String>> = self
            .store
            .list_clients(&Clients::Ids(ids))
            .await?
            .into_iter()
            .map(|c| (c.id, c.bsn.map(|b| b.as_str().to_string())))
            .collect();
        let codes: HashMap<i64, String> = self
            .store
            .list_products()
            .await?
            .into_iter()
            .map(|p| (p.id, p.code))
            .collect();
        let e = extract(
            &stays,
            &codes,
            &bsn,
            &self.settings.ethos,
            from.0,
            to.0,
            self.clock.today(),
        );
        let per_category: serde_json::Map<String, serde_json::Value> = e
            .per_category
            .iter()
            .map(|(c, n)| (c.number().to_string(), (*n).into()))
            .collect();
        let draft = self
            .draft(ctx, AuditAction::Created, ObjectType::CbsLevering, None)
            .with_details(json!({ "periodeVan": from.0.to_string(), "periodeTot": to.0.to_string(),
                "doel": purpose, "bestand": input.file, "personen": e.rows.len(), "zonderBsn": e.without_bsn,
                "perCategorie": per_category }));
        self.store.append_audit(draft).await?;
        Ok(e)
    }
}
