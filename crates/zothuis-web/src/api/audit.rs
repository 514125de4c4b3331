//! The audit log over the API (privacy officer only).

use super::{ApiQuery, Lijst};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::audit::AuditRecord;
use zothuis_domain::paging::PageRequest;
use zothuis_domain::store::AuditFilter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

/// Eén regel uit het auditlog (NEN 7513).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Auditregel {
    #[schema(example = 42)]
    pub volgnummer: i64,
    #[schema(example = "2024-01-05T10:00:00.123456Z", value_type = String, format = DateTime)]
    pub tijdstip: DateTime<Utc>,
    /// gebruiker, api-token of systeem.
    #[schema(example = "gebruiker")]
    pub soort_actor: String,
    #[schema(example = "beheerder")]
    pub actor: String,
    #[schema(example = "beheerder")]
    pub rol: String,
    /// Namens wie een koppeling handelde.
    #[schema(example = json!(null))]
    pub namens: Option<String>,
    #[schema(example = "gewijzigd")]
    pub actie: String,
    #[schema(example = "regio")]
    pub object_type: String,
    #[schema(example = "1")]
    pub object_id: Option<String>,
    #[schema(example = json!(null))]
    pub client_id: Option<i64>,
    /// geslaagd, geweigerd of mislukt.
    #[schema(example = "geslaagd")]
    pub resultaat: String,
    /// IP-adres of `cli`.
    #[schema(example = "127.0.0.1")]
    pub herkomst: Option<String>,
    #[schema(example = "3f2a9c1d0b7e4a65")]
    pub request_id: String,
    /// Wat er veranderde of gevraagd werd.
    #[schema(example = json!({"voor": {"naam": "Oud"}, "na": {"naam": "Nieuw"}}))]
    pub details: serde_json::Map<String, serde_json::Value>,
    /// SHA-256 van deze regel, gekoppeld aan de vorige.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub hash: String,
}

impl From<AuditRecord> for Auditregel {
    fn from(r: AuditRecord) -> Self {
        Auditregel {
            volgnummer: r.seq,
            tijdstip: r.occurred_at,
            soort_actor: r.actor_kind,
            actor: r.actor_name,
            rol: r.actor_role,
            namens: r.on_behalf_of,
            actie: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            client_id: r.client_id,
            resultaat: r.outcome,
            herkomst: r.origin,
            request_id: r.request_id,
            details: serde_json::from_str(&r.details).unwrap_or_default(),
            hash: r.hash,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AuditFilterQuery {
    /// Gebruikersnaam (of token:naam) van de actor.
    #[param(example = "beheerder")]
    pub actor: Option<String>,
    #[param(example = "gebruiker")]
    pub object_type: Option<String>,
    #[param(example = "3")]
    pub object_id: Option<String>,
    #[param(example = "bekeken")]
    pub actie: Option<String>,
    #[param(example = 12)]
    pub client_id: Option<i64>,
    /// Vanaf dit tijdstip (RFC 3339).
    #[param(example = "2024-01-01T00:00:00Z", value_type = Option<String>)]
    pub van: Option<DateTime<Utc>>,
    /// Tot dit tijdstip (RFC 3339).
    #[param(example = "2025-01-01T00:00:00Z", value_type = Option<String>)]
    pub tot: Option<DateTime<Utc>>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// Het auditlog, nieuwste eerst (functionaris gegevensbescherming). Ook dit opvragen wordt gelogd.
#[utoipa::path(get, path = "/auditlog", tag = "Privacy", params(AuditFilterQuery),
    responses((status = 200, description = "Auditregels", body = Lijst<Auditregel>),
              (status = 403, description = "Geen toegang", body = Problem)))]
async fn list_audit(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<AuditFilterQuery>,
) -> ApiResult<axum::Json<Lijst<Auditregel>>> {
    let filter = AuditFilter {
        actor_name: q.actor,
        object_type: q.object_type,
        object_id: q.object_id,
        action: q.actie,
        client_id: q.client_id,
        from: q.van,
        to: q.tot,
        region: None,
    };
    let page = s
        .services
        .list_audit(
            &caller.ctx,
            &filter,
            PageRequest::new(q.pagina, q.pagina_grootte),
        )
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/auditlog",
        Auditregel::from,
    )))
}
