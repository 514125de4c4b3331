//! The audit log page for the privacy officer.

use super::*;
use axum::extract::{Query, State};
use axum::routing::get;
use zothuis_domain::audit::AuditAction;
use zothuis_domain::paging::PageRequest;
use zothuis_domain::store::AuditFilter;

pub fn router() -> Router<AppState> {
    Router::new().route("/auditlog", get(audit_log))
}

#[derive(serde::Deserialize, Default)]
struct AuditQuery {
    actor: Option<String>,
    #[serde(rename = "objectType")]
    object_type: Option<String>,
    #[serde(rename = "objectId")]
    object_id: Option<String>,
    actie: Option<String>,
    pagina: Option<u32>,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

async fn audit_log(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<AuditQuery>,
) -> PageResult<TablePage> {
    let filter = AuditFilter {
        actor_name: non_empty(&q.actor),
        object_type: non_empty(&q.object_type),
        object_id: non_empty(&q.object_id),
        action: non_empty(&q.actie),
        ..AuditFilter::default()
    };
    let page = s
        .services
        .list_audit(&u.ctx, &filter, PageRequest::new(q.pagina, Some(100)))
        .await?;
    let rows = page
        .items
        .iter()
        .map(|r| {
            let who = match &r.on_behalf_of {
                Some(n) => format!("{} (namens {n})", r.actor_name),
                None => r.actor_name.clone(),
            };
            vec![
                num_cell(r.seq),
                cell(zothuis_domain::dates::dutch_timestamp(r.occurred_at, true)),
                cell(who),
                cell(&r.actor_role),
                cell(AuditAction::label(&r.action)),
                cell(match &r.object_id {
                    Some(id) => format!("{} {id}", r.object_type),
                    None => r.object_type.clone(),
                }),
                match r.outcome.as_str() {
                    "geslaagd" => badge_cell("geslaagd", "ok"),
                    other => badge_cell(other, "warn"),
                },
                cell(r.origin.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let query = |n: u32| {
        let mut pairs = vec![("pagina".to_string(), n.to_string())];
        for (k, v) in [
            ("actor", &filter.actor_name),
            ("objectType", &filter.object_type),
            ("objectId", &filter.object_id),
            ("actie", &filter.action),
        ] {
            if let Some(v) = v {
                pairs.push((k.to_string(), v.clone()));
            }
        }
        format!(
            "/auditlog?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    };
    let pager = Pager::of(&page, "regels", query);
    let filters = FormBlock::get(
        "/auditlog",
        "Filteren",
        vec![
            Field::text(
                "actor",
                "Gebruiker",
                filter.actor_name.clone().unwrap_or_default(),
            ),
            Field::text(
                "objectType",
                "Soort gegeven",
                filter.object_type.clone().unwrap_or_default(),
            )
            .hint("Bijvoorbeeld gebruiker, regio, locatie"),
            Field::text(
                "objectId",
                "Id",
                filter.object_id.clone().unwrap_or_default(),
            ),
            Field::text("actie", "Actie", filter.action.clone().unwrap_or_default())
                .hint("Bijvoorbeeld bekeken, gewijzigd"),
        ],
    )
    .anchor("filters");
    Ok(TablePage {
        layout: Layout::new(&s, &u, "Auditlog", Section::Audit).await,
        heading: "Auditlog".into(),
        intro: Some("Elke wijziging, elke inzage in persoonsgegevens en elke geweigerde poging, nieuwste eerst. De regels zijn aan elkaar gekoppeld met een hashketen; controleer die met 'zothuis audit verify'. Ook het openen van deze pagina wordt vastgelegd.".into()),
        actions: Vec::new(),
        filters: Some(filters),
        table: Table {
            caption: "Auditregels".into(),
            columns: columns(&["#Nr", "Tijdstip", "Wie", "Rol", "Actie", "Gegeven", "Resultaat", "Herkomst"]),
            rows,
            empty: "Geen regels gevonden.".into(),
        },
        pager: Some(pager),
    })
}
