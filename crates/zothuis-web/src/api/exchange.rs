//! The iWmo 3.2 exchange over the API: assigning a decision to a provider
//! (WMO301), a provider delivering its starts and stops (WMO305, WMO307)
//! and fetching what zothuis put ready for it (301, 306, 308), a provider's
//! requests (WMO315, WMO317) and their answer (301 or 319), and the message
//! log.

use super::{ApiJson, ApiPath, ApiQuery, Lijst, Paginering};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::exchange::iwmo::model::{
    Assignment, IwmoRequest, MessageRecord, Receipt, Remark,
};
use zothuis_domain::exchange::iwmo::{
    AssignmentChange, AssignmentInput, RequestReply, answer_by, schema::Message,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(assign))
        .routes(routes!(change))
        .routes(routes!(client_assignments))
        .routes(routes!(list_messages, receive))
        .routes(routes!(message_text))
        .routes(routes!(list_requests))
        .routes(routes!(get_request))
        .routes(routes!(answer_request))
}

/// Een toewijzing van een beschikking aan een aanbieder (iWmo 3.2 WMO301).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Toewijzing {
    /// Het ToewijzingNummer: blijft gelijk zolang de toewijzing bestaat.
    #[schema(example = 1001)]
    pub toewijzingnummer: i64,
    #[schema(example = 7)]
    pub beschikking_id: i64,
    #[schema(example = 12)]
    pub client_id: i64,
    #[schema(example = 2)]
    pub aanbieder_id: i64,
    #[schema(example = json!(null))]
    pub locatie_id: Option<i64>,
    #[schema(example = 3)]
    pub product_id: i64,
    /// De gemeente die toewijst (CBS-code).
    #[schema(example = "GM0406")]
    pub gemeente: String,
    #[schema(example = "2026-03-09", value_type = String, format = Date)]
    pub ingangsdatum: NaiveDate,
    #[schema(example = "2027-03-08", value_type = Option<String>, format = Date)]
    pub einddatum: Option<NaiveDate>,
    /// Het verblijf waarin de toewijzing wordt geleverd, zodra dat er is.
    #[schema(example = json!(null))]
    pub verblijf_id: Option<i64>,
    /// De reden van de laatste wijziging (iWmo-codelijst WMO002); 13 is verwijderd.
    #[schema(example = json!(null))]
    pub reden_wijziging: Option<String>,
    /// De ReferentieAanbieder van het verzoek waarop deze toewijzing het antwoord is.
    #[schema(example = json!(null))]
    pub referentie_aanbieder: Option<String>,
    #[schema(example = "2026-03-02T10:15:00Z", value_type = String, format = DateTime)]
    pub vastgelegd_op: DateTime<Utc>,
}

impl From<Assignment> for Toewijzing {
    fn from(a: Assignment) -> Self {
        Toewijzing {
            toewijzingnummer: a.id,
            beschikking_id: a.decision_id,
            client_id: a.client_id,
            aanbieder_id: a.provider_id,
            locatie_id: a.location_id,
            product_id: a.product_id,
            gemeente: a.municipality.to_string(),
            ingangsdatum: a.start_date,
            einddatum: a.end_date,
            verblijf_id: a.stay_id,
            reden_wijziging: a.change_reason,
            referentie_aanbieder: a.reference,
            vastgelegd_op: a.recorded_at,
        }
    }
}

/// Een iWmo-bericht in het berichtenlogboek, zonder de inhoud.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IwmoBericht {
    #[schema(example = 31)]
    pub id: i64,
    /// WMO301, WMO302, WMO305 tot en met WMO308, of WMO315 tot en met WMO319.
    #[schema(example = "WMO305")]
    pub bericht: String,
    /// ontvangen (van de aanbieder) of verzonden (door de gemeente).
    #[schema(example = "ontvangen")]
    pub richting: String,
    #[schema(example = 2)]
    pub aanbieder_id: i64,
    #[schema(example = 12)]
    pub client_id: Option<i64>,
    /// BerichtIdentificatie van de afzender.
    #[schema(example = "305-0042")]
    pub identificatie: String,
    /// Het bericht waarop dit een retour is.
    #[schema(example = json!(null))]
    pub antwoord_op: Option<i64>,
    /// klaargezet, opgehaald, verwerkt of afgekeurd.
    #[schema(example = "verwerkt")]
    pub status: String,
    /// De retourcodes (iWmo-codelijst WJ001), de header eerst; leeg voor wat de gemeente zelf stuurt.
    #[schema(example = json!(["0200", "0200"]))]
    pub retourcodes: Vec<String>,
    #[schema(example = "2026-03-10T09:00:00Z", value_type = String, format = DateTime)]
    pub vastgelegd_op: DateTime<Utc>,
    /// Wanneer de aanbieder een bericht van de gemeente ophaalde.
    #[schema(example = json!(null), value_type = Option<String>, format = DateTime)]
    pub opgehaald_op: Option<DateTime<Utc>>,
    /// De inhoud als XML.
    #[schema(example = "/api/v1/iwmo-berichten/31/inhoud")]
    pub inhoud: String,
}

impl From<MessageRecord> for IwmoBericht {
    fn from(m: MessageRecord) -> Self {
        IwmoBericht {
            inhoud: format!("/api/v1/iwmo-berichten/{}/inhoud", m.id),
            id: m.id,
            bericht: format!("WMO{}", m.message.number()),
            richting: if m.incoming { "ontvangen" } else { "verzonden" }.into(),
            aanbieder_id: m.provider_id,
            client_id: m.client_id,
            identificatie: m.identification,
            antwoord_op: m.answers,
            status: m.status.code().into(),
            retourcodes: m.codes,
            vastgelegd_op: m.recorded_at,
            opgehaald_op: m.fetched_at,
        }
    }
}

/// Een retourcode met wat zij betekent.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Opmerking {
    /// Waar: Header, of de regel (StartProduct 2).
    #[schema(example = "StartProduct 1")]
    pub plaats: String,
    #[schema(example = "9019")]
    pub retourcode: String,
    #[schema(example = "Het regiebericht kan niet gekoppeld worden aan een toewijzing.")]
    pub betekenis: String,
}

impl From<Remark> for Opmerking {
    fn from(r: Remark) -> Self {
        Opmerking {
            plaats: r.at,
            retourcode: r.code,
            betekenis: r.meaning,
        }
    }
}

/// Wat de ontvangst van een bericht opleverde: het bericht en zijn retour.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ontvangst {
    /// verwerkt of afgekeurd (een afgekeurd bericht is in zijn geheel niet verwerkt).
    #[schema(example = "verwerkt")]
    pub status: String,
    pub bericht: IwmoBericht,
    /// Het retourbericht (WMO306, WMO308, WMO316 of WMO318); de inhoud staat klaar om op te halen. Leeg voor een ontvangen retour (WMO302).
    pub retour: Option<IwmoBericht>,
    /// Elke retourcode anders dan 0200, met haar plaats (bij een WMO302: de codes van de aanbieder op de toewijzing).
    pub opmerkingen: Vec<Opmerking>,
}

impl From<Receipt> for Ontvangst {
    fn from(r: Receipt) -> Self {
        Ontvangst {
            status: r.message.status.code().into(),
            bericht: r.message.into(),
            retour: r.retour.map(IwmoBericht::from),
            opmerkingen: r.remarks.into_iter().map(Opmerking::from).collect(),
        }
    }
}

/// Een iWmo-bericht als bestand.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct XmlBestand(Vec<u8>);

/// Een toewijzing maken.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ToewijzingInvoer {
    #[schema(example = 2)]
    pub aanbieder_id: Option<i64>,
    #[schema(example = json!(null))]
    pub locatie_id: Option<i64>,
    /// Standaard de ingangsdatum van de beschikking.
    #[schema(example = json!(null))]
    pub ingangsdatum: Option<String>,
    /// Standaard de einddatum van de beschikking.
    #[schema(example = json!(null))]
    pub einddatum: Option<String>,
}

/// Wijst een toegekende beschikking toe aan een aanbieder en zet het iWmo-bericht WMO301 voor die aanbieder klaar. Een product van de regionale wachtlijst wordt toegewezen nadat de cliënt bij de aanbieder is geplaatst; een ander product vooraf, waarna de aanbieder de start meldt met een WMO305.
#[utoipa::path(post, path = "/beschikkingen/{id}/toewijzingen", tag = "Berichten",
    params(("id" = i64, Path, description = "Id van de beschikking", example = 7)),
    request_body = ToewijzingInvoer,
    responses((status = 201, description = "Toegewezen; het WMO301 staat klaar", body = Toewijzing),
              (status = 400, description = "Ongeldige invoer, of de gegevens passen niet in een WMO301", body = Problem),
              (status = 403, description = "Alleen de Wmo-consulent of de wachtlijstbeheerder", body = Problem),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem),
              (status = 409, description = "Al toegewezen aan deze aanbieder", body = Problem)))]
async fn assign(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ToewijzingInvoer>,
) -> ApiResult<(StatusCode, axum::Json<Toewijzing>)> {
    let (a, _) = s
        .services
        .assign(
            &caller.ctx,
            id,
            &AssignmentInput {
                provider_id: b.aanbieder_id,
                location_id: b.locatie_id,
                start_date: b.ingangsdatum,
                end_date: b.einddatum,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(a.into())))
}

/// Een toewijzing wijzigen of verwijderen.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ToewijzingWijziging {
    /// iWmo-codelijst WMO002: 02, 03, 05–12, 13 (verwijderd: ten onrechte verstuurd) of 14.
    #[schema(example = "05")]
    pub reden: Option<String>,
    /// De nieuwe einddatum; niet bij 13 (dan is de einddatum de ingangsdatum).
    #[schema(example = "2026-06-30")]
    pub einddatum: Option<String>,
}

/// Wijzigt de einddatum van een toewijzing, of verwijdert een toewijzing die ten onrechte is verstuurd (reden 13, alleen zolang de aanbieder geen start meldde). Het nummer blijft; een WMO301 met de wijziging en de andere lopende toewijzingen bij die aanbieder staat klaar.
#[utoipa::path(post, path = "/toewijzingen/{nummer}/wijzigingen", tag = "Berichten",
    params(("nummer" = i64, Path, description = "Toewijzingnummer", example = 1001)),
    request_body = ToewijzingWijziging,
    responses((status = 200, description = "Gewijzigd; het WMO301 staat klaar", body = Toewijzing),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de Wmo-consulent of de wachtlijstbeheerder", body = Problem),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem),
              (status = 409, description = "De toewijzing is verwijderd", body = Problem)))]
async fn change(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(nummer): ApiPath<i64>,
    ApiJson(b): ApiJson<ToewijzingWijziging>,
) -> ApiResult<axum::Json<Toewijzing>> {
    let (a, _) = s
        .services
        .change_assignment(
            &caller.ctx,
            nummer,
            &AssignmentChange {
                reason: b.reden.unwrap_or_default(),
                end_date: b.einddatum,
            },
        )
        .await?;
    Ok(axum::Json(a.into()))
}

/// De toewijzingen van een cliënt (een aanbieder ziet de eigen).
#[utoipa::path(get, path = "/clienten/{id}/toewijzingen", tag = "Berichten",
    params(("id" = i64, Path, description = "Id van de cliënt", example = 12)),
    responses((status = 200, description = "Toewijzingen, oudste eerst", body = Vec<Toewijzing>),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem)))]
async fn client_assignments(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<Vec<Toewijzing>>> {
    let found = s.services.assignments(&caller.ctx, id).await?;
    Ok(axum::Json(
        found.into_iter().map(Toewijzing::from).collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BerichtenFilter {
    /// De berichten over deze cliënt; zonder cliënt alleen voor een aanbieder: de eigen berichten.
    #[param(example = 12)]
    pub client_id: Option<i64>,
    /// Paginanummer, vanaf 1.
    #[param(example = 1, minimum = 1)]
    pub pagina: Option<u32>,
    /// Aantal resultaten per pagina (standaard 50, hoogstens 500).
    #[param(example = 50, minimum = 1, maximum = 500)]
    pub pagina_grootte: Option<u32>,
}

/// Het berichtenlogboek, nieuwste eerst: de berichten over een cliënt (voor wie de cliënt mag zien), of zonder cliënt de eigen berichten van een aanbieder.
#[utoipa::path(get, path = "/iwmo-berichten", tag = "Berichten", params(BerichtenFilter),
    responses((status = 200, description = "Berichten", body = Lijst<IwmoBericht>),
              (status = 403, description = "Zonder cliënt alleen voor een aanbieder", body = Problem),
              (status = 404, description = "Onbekende of niet zichtbare cliënt", body = Problem)))]
async fn list_messages(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(f): ApiQuery<BerichtenFilter>,
) -> ApiResult<axum::Json<Lijst<IwmoBericht>>> {
    let all = s.services.iwmo_messages(&caller.ctx, f.client_id).await?;
    Ok(axum::Json(Lijst::from_page(
        Paginering {
            pagina: f.pagina,
            pagina_grootte: f.pagina_grootte,
        }
        .request()
        .slice(&all),
        "/iwmo-berichten",
        IwmoBericht::from,
    )))
}

/// Levert een iWmo 3.2-bericht aan als XML: een WMO305 (start), WMO307 (stop), WMO315 (verzoek om toewijzing), WMO317 (verzoek om wijziging) of WMO302 (retour op een toewijzing). Een bericht dat niet aan zijn schema voldoet, krijgt geen retour maar 400 met elke fout bij zijn element. Anders wordt het beoordeeld volgens de regels van de standaard, in zijn geheel verwerkt of in zijn geheel afgekeurd, en beantwoord met een retourbericht (WMO306, WMO308, WMO316 of WMO318) met de retourcodes. Een aanvaard verzoek wordt een taak voor de consulent; een WMO302 legt uw retourcodes vast bij het toewijzingsbericht.
#[utoipa::path(post, path = "/iwmo-berichten", tag = "Berichten",
    request_body(content = XmlBestand, description = "Een WMO302, 305, 307, 315 of 317 als XML-bestand (UTF-8); ook als application/xml", content_type = "application/octet-stream"),
    responses((status = 201, description = "Ontvangen; het antwoord noemt het retourbericht", body = Ontvangst),
              (status = 400, description = "Geen leesbaar bericht, of het past niet in zijn schema", body = Problem),
              (status = 403, description = "Alleen een aanbieder, voor de eigen AGB-code", body = Problem),
              (status = 409, description = "Deze WMO302 is al ontvangen", body = Problem)))]
async fn receive(
    State(s): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> ApiResult<(StatusCode, axum::Json<Ontvangst>)> {
    let receipt = s.services.receive_iwmo(&caller.ctx, &body).await?;
    Ok((StatusCode::CREATED, axum::Json(receipt.into())))
}

/// De inhoud van een bericht als XML. Haalt de aanbieder een bericht van de gemeente op, dan staat het daarna als opgehaald in het logboek.
#[utoipa::path(get, path = "/iwmo-berichten/{id}/inhoud", tag = "Berichten",
    params(("id" = i64, Path, description = "Id van het bericht", example = 31)),
    responses((status = 200, description = "Het bericht", content_type = "application/xml", body = String),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem)))]
async fn message_text(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let m = s.services.iwmo_message(&caller.ctx, id).await?;
    Ok(xml_response(&m))
}

/// Een product waar een verzoek om vraagt.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GevraagdProduct {
    /// nieuw (een toewijzing), wijzigen (een toewijzing wijzigen) of ongewijzigd.
    #[schema(example = "wijzigen")]
    pub soort: String,
    #[schema(example = 1001)]
    pub toewijzingnummer: Option<i64>,
    /// Productcategorie (iWmo-codelijst WMO020).
    #[schema(example = json!(null))]
    pub categorie: Option<String>,
    #[schema(example = json!(null))]
    pub productcode: Option<String>,
    #[schema(example = "2026-03-01", value_type = Option<String>, format = Date)]
    pub ingangsdatum: Option<NaiveDate>,
    #[schema(example = "2026-12-31", value_type = Option<String>, format = Date)]
    pub einddatum: Option<NaiveDate>,
}

/// Een verzoek van een aanbieder (WMO315 verzoek om toewijzing of WMO317 verzoek om wijziging).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verzoek {
    #[schema(example = 4)]
    pub id: i64,
    /// WMO315 of WMO317.
    #[schema(example = "WMO317")]
    pub bericht: String,
    /// Het ontvangen bericht in het berichtenlogboek.
    #[schema(example = 40)]
    pub bericht_id: i64,
    #[schema(example = 2)]
    pub aanbieder_id: i64,
    /// De cliënt met het BSN uit het verzoek; leeg als zothuis die niet kent.
    #[schema(example = 12)]
    pub client_id: Option<i64>,
    /// De gemeente aan wie het verzoek is gericht (CBS-code).
    #[schema(example = "GM0406")]
    pub gemeente: String,
    #[schema(example = "KW-VOW-0001")]
    pub referentie_aanbieder: String,
    /// Reden van het verzoek (iWmo-codelijst WJ758), alleen bij een WMO317.
    #[schema(example = "1")]
    pub reden_verzoek: Option<String>,
    pub producten: Vec<GevraagdProduct>,
    /// open, in-onderzoek, toegewezen of afgewezen.
    #[schema(example = "open")]
    pub status: String,
    /// Reden van afwijzing (iWmo-codelijst WJ759).
    #[schema(example = json!(null))]
    pub reden_afwijzing: Option<String>,
    /// Het antwoord: een WMO301 of WMO319 in het berichtenlogboek.
    #[schema(example = json!(null))]
    pub antwoord_bericht_id: Option<i64>,
    #[schema(example = "2026-01-12T09:00:00Z", value_type = String, format = DateTime)]
    pub ontvangen_op: DateTime<Utc>,
    /// Uiterlijk te beantwoorden op: 5 werkdagen na ontvangst (iWmo OP274).
    #[schema(example = "2026-01-19", value_type = String, format = Date)]
    pub beantwoorden_voor: NaiveDate,
    #[schema(example = json!(null), value_type = Option<String>, format = DateTime)]
    pub beantwoord_op: Option<DateTime<Utc>>,
}

impl From<IwmoRequest> for Verzoek {
    fn from(r: IwmoRequest) -> Self {
        Verzoek {
            beantwoorden_voor: answer_by(r.received_at.date_naive()),
            id: r.id,
            bericht: format!("WMO{}", r.message.number()),
            bericht_id: r.message_id,
            aanbieder_id: r.provider_id,
            client_id: r.client_id,
            gemeente: r.municipality.to_string(),
            referentie_aanbieder: r.reference,
            reden_verzoek: r.reason,
            producten: r
                .products
                .into_iter()
                .map(|p| GevraagdProduct {
                    soort: p.soort,
                    toewijzingnummer: p.toewijzing,
                    categorie: p.categorie,
                    productcode: p.code,
                    ingangsdatum: p.ingangsdatum,
                    einddatum: p.einddatum,
                })
                .collect(),
            status: r.status.code().into(),
            reden_afwijzing: r.rejection,
            antwoord_bericht_id: r.answer_message_id,
            ontvangen_op: r.received_at,
            beantwoord_op: r.answered_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct VerzoekenFilter {
    /// Alleen de verzoeken die nog beantwoord moeten worden (open of in onderzoek); standaard ja.
    #[param(example = true)]
    pub te_beantwoorden: Option<bool>,
    /// Paginanummer, vanaf 1.
    #[param(example = 1, minimum = 1)]
    pub pagina: Option<u32>,
    /// Aantal resultaten per pagina (standaard 50, hoogstens 500).
    #[param(example = 50, minimum = 1, maximum = 500)]
    pub pagina_grootte: Option<u32>,
}

/// De verzoeken van aanbieders (WMO315, WMO317), nieuwste eerst: voor de consulent en de wachtlijstbeheerder die aan hun gemeenten, voor een aanbieder de eigen.
#[utoipa::path(get, path = "/iwmo-verzoeken", tag = "Berichten", params(VerzoekenFilter),
    responses((status = 200, description = "Verzoeken", body = Lijst<Verzoek>),
              (status = 403, description = "Alleen de consulent, de wachtlijstbeheerder of een aanbieder", body = Problem)))]
async fn list_requests(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(f): ApiQuery<VerzoekenFilter>,
) -> ApiResult<axum::Json<Lijst<Verzoek>>> {
    let all = s
        .services
        .iwmo_requests(&caller.ctx, f.te_beantwoorden.unwrap_or(true))
        .await?;
    Ok(axum::Json(Lijst::from_page(
        Paginering {
            pagina: f.pagina,
            pagina_grootte: f.pagina_grootte,
        }
        .request()
        .slice(&all),
        "/iwmo-verzoeken",
        Verzoek::from,
    )))
}

/// Eén verzoek van een aanbieder.
#[utoipa::path(get, path = "/iwmo-verzoeken/{id}", tag = "Berichten",
    params(("id" = i64, Path, description = "Id van het verzoek", example = 4)),
    responses((status = 200, description = "Het verzoek", body = Verzoek),
              (status = 403, description = "Alleen de consulent, de wachtlijstbeheerder of de aanbieder", body = Problem),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem)))]
async fn get_request(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<Verzoek>> {
    Ok(axum::Json(
        s.services.iwmo_request(&caller.ctx, id).await?.into(),
    ))
}

/// Het antwoord op een verzoek.
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct VerzoekAntwoord {
    /// toewijzen (een WMO301 met de referentie van de aanbieder), afwijzen of in-onderzoek (een WMO319).
    #[schema(example = "toewijzen")]
    pub antwoord: Option<String>,
    /// Bij afwijzen: de reden (iWmo-codelijst WJ759, 1 tot en met 9).
    #[schema(example = json!(null))]
    pub reden: Option<String>,
    /// Bij toewijzen van een nieuw product: de toegekende beschikking waaronder het valt.
    #[schema(example = 7)]
    pub beschikking_id: Option<i64>,
    /// Bij toewijzen van een nieuw product: de locatie; standaard die van de laatste toewijzing van dat product bij deze aanbieder.
    #[schema(example = json!(null))]
    pub locatie_id: Option<i64>,
}

/// Wat een antwoord opleverde: het verzoek en het bericht aan de aanbieder.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Beantwoord {
    pub verzoek: Verzoek,
    /// De WMO301 of WMO319 die voor de aanbieder klaarstaat.
    pub bericht: IwmoBericht,
}

/// Beantwoordt een verzoek van een aanbieder: toewijzen (nieuwe producten onder een toegekende beschikking, gevraagde wijzigingen met reden 12; een WMO301 met alle lopende toewijzingen bij die aanbieder en de ReferentieAanbieder), afwijzen met een reden, of in onderzoek (beide een WMO319). Een verzoek wordt één keer definitief beantwoord; in onderzoek kan één keer voorafgaan.
#[utoipa::path(post, path = "/iwmo-verzoeken/{id}/antwoord", tag = "Berichten",
    params(("id" = i64, Path, description = "Id van het verzoek", example = 4)),
    request_body = VerzoekAntwoord,
    responses((status = 201, description = "Beantwoord; het bericht staat klaar", body = Beantwoord),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 403, description = "Alleen de consulent of de wachtlijstbeheerder", body = Problem),
              (status = 404, description = "Onbekend of niet zichtbaar", body = Problem),
              (status = 409, description = "Al beantwoord", body = Problem)))]
async fn answer_request(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<VerzoekAntwoord>,
) -> ApiResult<(StatusCode, axum::Json<Beantwoord>)> {
    let (request, message) = s
        .services
        .answer_request(
            &caller.ctx,
            id,
            &RequestReply {
                antwoord: b.antwoord.unwrap_or_default(),
                reden: b.reden,
                beschikking_id: b.beschikking_id,
                locatie_id: b.locatie_id,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Beantwoord {
            verzoek: request.into(),
            bericht: message.into(),
        }),
    ))
}

/// A message as a file to save: `WMO301-<identificatie>.xml`.
pub(crate) fn xml_response(m: &MessageRecord) -> Response {
    let name = file_name(m.message, &m.identification);
    (
        [
            (
                header::CONTENT_TYPE,
                "application/xml; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        m.body.clone(),
    )
        .into_response()
}

/// The file name of a message: its type and the sender's identification,
/// with anything but letters, digits and dashes left out.
pub(crate) fn file_name(message: Message, identification: &str) -> String {
    let id: String = identification
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!("WMO{}-{id}.xml", message.number())
}
