//! Screenings and stays over the API.

use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, Paginering, with_etag};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::care::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_screenings))
        .routes(routes!(record_screening))
        .routes(routes!(list_stays, place))
        .routes(routes!(get_stay, correct_stay))
        .routes(routes!(end_stay))
        .routes(routes!(transfer_stay))
        .routes(routes!(stay_cost))
}

/// Een screening door een aanbieder.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScreeningDto {
    #[schema(example = 9)]
    pub id: i64,
    #[schema(example = 4)]
    pub wachtlijst_id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = 1)]
    pub aanbieder_id: i64,
    #[schema(example = "2026-02-10", value_type = String, format = Date)]
    pub gestart_op: NaiveDate,
    /// geaccepteerd, afgewezen, of leeg zolang de screening loopt
    #[schema(example = json!(null))]
    pub uitkomst: Option<String>,
    /// client of aanbieder, bij een afwijzing
    #[schema(example = json!(null))]
    pub afgewezen_door: Option<String>,
    #[schema(example = json!(null))]
    pub reden: Option<String>,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub datum_uitkomst: Option<NaiveDate>,
}

impl From<Screening> for ScreeningDto {
    fn from(s: Screening) -> Self {
        let (uitkomst, by, reason) = match s.outcome.as_ref().map(|o| o.result) {
            None => (None, None, None),
            Some(ScreeningResult::Accepted) => (Some("geaccepteerd".to_string()), None, None),
            Some(ScreeningResult::Declined { by, reason }) => (
                Some("afgewezen".to_string()),
                Some(by.code().to_string()),
                Some(reason.code().to_string()),
            ),
        };
        ScreeningDto {
            id: s.id,
            wachtlijst_id: s.entry_id,
            client_id: s.client_id,
            aanbieder_id: s.provider_id,
            gestart_op: s.started_on,
            uitkomst,
            afgewezen_door: by,
            reden: reason,
            datum_uitkomst: s.outcome.map(|o| o.decided_on),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ScreeningFilter {
    /// Alleen lopende screeningen.
    #[param(example = true)]
    pub open: Option<bool>,
    /// Zoals bekend op dit moment (RFC 3339): later vastgelegde screeningen en
    /// uitkomsten tellen dan niet mee.
    #[param(example = "2026-02-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// Screeningen die u mag zien; een aanbieder ziet de eigen screeningen.
#[utoipa::path(get, path = "/screeningen", tag = "Zorg", params(ScreeningFilter),
    responses((status = 200, description = "Screeningen", body = Lijst<ScreeningDto>),
              (status = 403, description = "Geen toegang tot persoonsgegevens", body = Problem)))]
async fn list_screenings(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<ScreeningFilter>,
) -> ApiResult<axum::Json<Lijst<ScreeningDto>>> {
    let p = Paginering {
        pagina: q.pagina,
        pagina_grootte: q.pagina_grootte,
    };
    let page = s
        .services
        .list_screenings(
            &caller.ctx,
            q.open.unwrap_or(false),
            q.bekend_op,
            p.request(),
        )
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/screeningen",
        ScreeningDto::from,
    )))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ScreeningUitkomst {
    /// geaccepteerd of afgewezen
    #[schema(example = "afgewezen")]
    pub uitkomst: String,
    /// client of aanbieder (bij afwijzing)
    #[schema(example = "aanbieder")]
    pub afgewezen_door: Option<String>,
    /// zorgzwaarte-te-hoog, zorgzwaarte-te-laag, geen-passend-aanbod, veiligheid, groepssamenstelling, niet-gemotiveerd, locatie, anders
    #[schema(example = "groepssamenstelling")]
    pub reden: Option<String>,
    #[schema(example = "2026-02-20")]
    pub datum: String,
    #[schema(example = "Past nu niet in de groep")]
    pub toelichting: Option<String>,
}

/// De uitkomst van een screening vastleggen (de aanbieder zelf of de wachtlijstbeheerder). Bij afwijzing gaat de cliënt terug naar actief wachtend.
#[utoipa::path(post, path = "/screeningen/{id}/uitkomst", tag = "Zorg", request_body = ScreeningUitkomst,
    params(("id" = i64, Path, description = "Id van de screening", example = 9)),
    responses((status = 204, description = "Vastgelegd"),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 409, description = "Al vastgelegd of status veranderd", body = Problem)))]
async fn record_screening(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ScreeningUitkomst>,
) -> ApiResult<StatusCode> {
    let input = ScreeningInput {
        outcome: b.uitkomst,
        declined_by: b.afgewezen_door,
        reason: b.reden,
        decided_on: b.datum,
        note: b.toelichting,
    };
    s.services.record_screening(&caller.ctx, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Een verblijf of traject bij een aanbieder.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verblijf {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = 4)]
    pub wachtlijst_id: Option<i64>,
    /// Het verblijf waarop dit volgt na een overplaatsing.
    #[schema(example = json!(null))]
    pub overplaatsing_van: Option<i64>,
    #[schema(example = "GM0402")]
    pub verantwoordelijke_gemeente: String,
    #[schema(example = 1)]
    pub product_id: i64,
    #[schema(example = 1)]
    pub aanbieder_id: i64,
    /// Leeg bij zorg in de eigen woning.
    #[schema(example = 4)]
    pub locatie_id: Option<i64>,
    #[schema(example = "2026-03-01", value_type = String, format = Date)]
    pub startdatum: NaiveDate,
    #[schema(example = json!(null), value_type = Option<String>, format = Date)]
    pub einddatum: Option<NaiveDate>,
    /// zelfstandig, zelfstandig-pact, beschermd-thuis, andere-voorziening, wlz, kliniek, detentie, familie-vrienden, onbekend, overleden, buiten-regio
    #[schema(example = json!(null))]
    pub uitstroombestemming: Option<String>,
    /// Versie (ook de ETag).
    #[schema(example = 15)]
    pub versie: i64,
    #[schema(example = "2026-03-01T10:00:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "aanbieder.kwintes")]
    pub geregistreerd_door: String,
    /// zin (zorg in natura) of pgb (Wmo 2015 art. 2.3.6).
    #[schema(example = "zin")]
    pub financieringsvorm: String,
    /// Zorgzwaarte 1 tot en met 9 volgens het contract van de regio.
    #[schema(example = json!(null))]
    pub zorgzwaarte: Option<u8>,
}

/// The financing fields of a request body as the domain reads them; a
/// level of 0 removes the stay's level.
fn funding(financing: Option<String>, level: Option<i64>) -> FundingInput {
    FundingInput {
        financing,
        care_level: level.map(|n| {
            if n == 0 {
                "geen".to_string()
            } else {
                n.to_string()
            }
        }),
    }
}

impl From<Stay> for Verblijf {
    fn from(s: Stay) -> Self {
        Verblijf {
            id: s.id,
            client_id: s.client_id,
            wachtlijst_id: s.entry_id,
            overplaatsing_van: s.transferred_from,
            verantwoordelijke_gemeente: s.responsible.to_string(),
            product_id: s.product_id,
            aanbieder_id: s.provider_id,
            locatie_id: s.location_id,
            startdatum: s.start_date,
            einddatum: s.end_date,
            uitstroombestemming: s.exit.map(|e| e.code().to_string()),
            versie: s.version_id,
            geregistreerd_op: s.recorded_at,
            geregistreerd_door: s.recorded_by,
            financieringsvorm: s.financing.code().to_string(),
            zorgzwaarte: s.care_level.map(|l| l.get()),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct VerblijfFilter {
    #[param(example = 12)]
    pub client_id: Option<i64>,
    /// Alleen verblijven die op deze datum liepen.
    #[param(example = "2026-03-15", value_type = Option<String>)]
    pub actief_op: Option<NaiveDate>,
    /// Zoals bekend op dit moment (RFC 3339).
    #[param(example = "2026-04-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

/// Verblijven die u mag zien; een aanbieder ziet de eigen verblijven.
#[utoipa::path(get, path = "/verblijven", tag = "Zorg", params(VerblijfFilter),
    responses((status = 200, description = "Verblijven", body = Lijst<Verblijf>),
              (status = 403, description = "Geen toegang tot persoonsgegevens", body = Problem)))]
async fn list_stays(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<VerblijfFilter>,
) -> ApiResult<axum::Json<Lijst<Verblijf>>> {
    let p = Paginering {
        pagina: q.pagina,
        pagina_grootte: q.pagina_grootte,
    };
    let page = s
        .services
        .list_stays(
            &caller.ctx,
            q.client_id,
            q.actief_op,
            q.bekend_op,
            p.request(),
        )
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/verblijven",
        Verblijf::from,
    )))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Plaatsing {
    /// De inschrijving op de wachtlijst (in screening bij de aanbieder).
    #[schema(example = 4)]
    pub wachtlijst_id: Option<i64>,
    /// Voor opvang zonder wachtlijst: de toegekende beschikking.
    #[schema(example = json!(null))]
    pub beschikking_id: Option<i64>,
    /// Voor opvang zonder wachtlijst: de aanbieder.
    #[schema(example = json!(null))]
    pub aanbieder_id: Option<i64>,
    /// Leeg bij zorg in de eigen woning.
    #[schema(example = 4)]
    pub locatie_id: Option<i64>,
    #[schema(example = "2026-03-01")]
    pub startdatum: String,
    /// zin (zorg in natura) of pgb; leeg: zin.
    #[schema(example = "zin")]
    pub financieringsvorm: Option<String>,
    /// Zorgzwaarte 1 tot en met 9 volgens het contract van de regio; leeg: geen.
    #[schema(example = json!(null), minimum = 1, maximum = 9)]
    pub zorgzwaarte: Option<i64>,
}

/// Plaatsen: het verblijf start en de inschrijving op de wachtlijst eindigt als geplaatst. Voor opvang zonder wachtlijst: met `beschikkingId` en `aanbiederId`.
#[utoipa::path(post, path = "/verblijven", tag = "Zorg", request_body = Plaatsing,
    responses((status = 201, description = "Verblijf gestart", body = Verblijf),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 409, description = "Niet in screening", body = Problem)))]
async fn place(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(b): ApiJson<Plaatsing>,
) -> ApiResult<Response> {
    if let Some(decision) = b.beschikking_id {
        let stay = s
            .services
            .start_direct_stay(
                &caller.ctx,
                decision,
                b.aanbieder_id,
                b.locatie_id,
                &b.startdatum,
                &funding(b.financieringsvorm, b.zorgzwaarte),
            )
            .await?;
        return Ok(with_etag(
            StatusCode::CREATED,
            stay.version_id,
            Verblijf::from(stay),
        ));
    }
    let Some(entry) = b.wachtlijst_id else {
        return Err(crate::error::ApiError::bad_request(
            "wachtlijstId",
            "kies de inschrijving op de wachtlijst, of voor opvang de beschikking",
        ));
    };
    let input = PlacementInput {
        location_id: b.locatie_id,
        start_date: b.startdatum,
        funding: funding(b.financieringsvorm, b.zorgzwaarte),
    };
    let stay = s.services.place(&caller.ctx, entry, &input).await?;
    Ok(with_etag(
        StatusCode::CREATED,
        stay.version_id,
        Verblijf::from(stay),
    ))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BekendOp {
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2026-04-01T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

/// Eén verblijf, eventueel zoals bekend op een eerder moment. Wordt gelogd.
#[utoipa::path(get, path = "/verblijven/{id}", tag = "Zorg",
    params(("id" = i64, Path, description = "Id van het verblijf", example = 7), BekendOp),
    responses((status = 200, description = "Het verblijf", body = Verblijf),
              (status = 404, description = "Bestaat niet of niet zichtbaar", body = Problem)))]
async fn get_stay(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOp>,
) -> ApiResult<Response> {
    let stay = s.services.get_stay(&caller.ctx, id, q.bekend_op).await?;
    Ok(with_etag(
        StatusCode::OK,
        stay.version_id,
        Verblijf::from(stay),
    ))
}

/// Wat een verblijf heeft gekost tot een moment: de dagen in zorg maal het
/// tarief van elke dag, zoals de zorgkosten ze tellen.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verblijfskosten {
    #[schema(example = 7)]
    pub verblijf_id: i64,
    #[schema(example = "2025-03-01", value_type = String, format = Date)]
    pub van: NaiveDate,
    /// De laatste getelde dag (tot en met): de dag vóór vertrek, of de dag
    /// van `bekendOp` bij een lopend verblijf; leeg als er nog geen dag is.
    #[schema(example = "2025-03-10", value_type = Option<String>, format = Date)]
    pub tot_en_met: Option<NaiveDate>,
    /// Het bedrag in euro's, exact op de cent.
    #[schema(example = "1512.30")]
    pub bedrag: String,
    #[schema(example = "€ 1.512,30")]
    pub weergave: String,
    #[schema(example = 10)]
    pub dagen: i64,
    /// Dagen in zorg zonder tarief: niet in het bedrag, ook niet als nul.
    #[schema(example = 0)]
    pub dagen_zonder_tarief: i64,
    #[schema(example = "2026-04-01T12:00:00Z", value_type = String, format = DateTime)]
    pub bekend_op: DateTime<Utc>,
}

/// De kosten van één verblijf tot nu (of zoals bekend op een moment). Alleen voor wie het verblijf mag zien; wordt gelogd.
#[utoipa::path(get, path = "/verblijven/{id}/kosten", tag = "Zorg",
    params(("id" = i64, Path, description = "Id van het verblijf", example = 7), BekendOp),
    responses((status = 200, description = "De kosten", body = Verblijfskosten),
              (status = 404, description = "Bestaat niet of niet zichtbaar", body = Problem)))]
async fn stay_cost(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOp>,
) -> ApiResult<axum::Json<Verblijfskosten>> {
    let stay = s.services.get_stay(&caller.ctx, id, q.bekend_op).await?;
    let r = s.services.stay_cost(&stay, q.bekend_op).await?;
    Ok(axum::Json(Verblijfskosten {
        verblijf_id: stay.id,
        van: r.from,
        tot_en_met: r.through,
        bedrag: r.cost.amount.decimal(),
        weergave: r.cost.amount.to_string(),
        dagen: r.cost.days,
        dagen_zonder_tarief: r.cost.unpriced_days,
        bekend_op: r.known_at,
    }))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct VerblijfCorrectie {
    #[schema(example = "2026-02-15")]
    pub startdatum: String,
    /// Alleen bij een al beëindigd verblijf.
    #[schema(example = json!(null))]
    pub einddatum: Option<String>,
    #[schema(example = json!(null))]
    pub locatie_id: Option<i64>,
    /// zin (zorg in natura) of pgb; leeg: ongewijzigd.
    #[schema(example = json!(null))]
    pub financieringsvorm: Option<String>,
    /// Zorgzwaarte 1 tot en met 9; 0 verwijdert het niveau; leeg: ongewijzigd.
    #[schema(example = json!(null), minimum = 0, maximum = 9)]
    pub zorgzwaarte: Option<i64>,
}

/// Een verblijf corrigeren (datums, locatie, financieringsvorm, zorgzwaarte); de vorige versie blijft bewaard. Vereist If-Match.
#[utoipa::path(put, path = "/verblijven/{id}", tag = "Zorg", request_body = VerblijfCorrectie,
    params(("id" = i64, Path, description = "Id van het verblijf", example = 7),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v15\"")),
    responses((status = 200, description = "Gecorrigeerd", body = Verblijf),
              (status = 409, description = "De nieuwe startdatum past niet bij de wachtlijst", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn correct_stay(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<VerblijfCorrectie>,
) -> ApiResult<Response> {
    let input = CorrectionInput {
        start_date: b.startdatum,
        end_date: b.einddatum,
        location_id: b.locatie_id,
        funding: funding(b.financieringsvorm, b.zorgzwaarte),
    };
    let stay = s
        .services
        .correct_stay(&caller.ctx, id, version, &input)
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        stay.version_id,
        Verblijf::from(stay),
    ))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Beeindiging {
    #[schema(example = "2026-09-30")]
    pub einddatum: String,
    #[schema(example = "zelfstandig-pact")]
    pub uitstroombestemming: String,
}

/// Een verblijf beëindigen met de uitstroombestemming. Vereist If-Match.
#[utoipa::path(post, path = "/verblijven/{id}/einde", tag = "Zorg", request_body = Beeindiging,
    params(("id" = i64, Path, description = "Id van het verblijf", example = 7),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v15\"")),
    responses((status = 200, description = "Beëindigd", body = Verblijf),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 409, description = "Het verblijf is al beëindigd", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem)))]
async fn end_stay(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<Beeindiging>,
) -> ApiResult<Response> {
    let input = ExitInput {
        end_date: b.einddatum,
        destination: b.uitstroombestemming,
    };
    let stay = s
        .services
        .end_stay(&caller.ctx, id, version, &input)
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        stay.version_id,
        Verblijf::from(stay),
    ))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Overplaatsing {
    /// Einde van het huidige en begin van het nieuwe verblijf.
    #[schema(example = "2026-06-01")]
    pub datum: String,
    /// Standaard hetzelfde product.
    #[schema(example = json!(null))]
    pub product_id: Option<i64>,
    /// Standaard dezelfde aanbieder.
    #[schema(example = json!(null))]
    pub aanbieder_id: Option<i64>,
    #[schema(example = 5)]
    pub locatie_id: Option<i64>,
    /// zin (zorg in natura) of pgb; leeg: als het huidige verblijf.
    #[schema(example = json!(null))]
    pub financieringsvorm: Option<String>,
    /// Zorgzwaarte 1 tot en met 9; 0 verwijdert het niveau; leeg: als het huidige verblijf.
    #[schema(example = json!(null), minimum = 0, maximum = 9)]
    pub zorgzwaarte: Option<i64>,
}

/// Overplaatsen: het verblijf eindigt en een gekoppeld nieuw verblijf begint. Vereist If-Match.
#[utoipa::path(post, path = "/verblijven/{id}/overplaatsing", tag = "Zorg", request_body = Overplaatsing,
    params(("id" = i64, Path, description = "Id van het verblijf", example = 7),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v15\"")),
    responses((status = 201, description = "Het nieuwe verblijf", body = Verblijf),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 409, description = "Het verblijf is al beëindigd", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem)))]
async fn transfer_stay(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(b): ApiJson<Overplaatsing>,
) -> ApiResult<Response> {
    let stay = s
        .services
        .transfer_stay(
            &caller.ctx,
            id,
            version,
            &b.datum,
            b.product_id,
            b.aanbieder_id,
            b.locatie_id,
            &funding(b.financieringsvorm, b.zorgzwaarte),
        )
        .await?;
    Ok(with_etag(
        StatusCode::CREATED,
        stay.version_id,
        Verblijf::from(stay),
    ))
}
