//! Clients over the API. Every read is audited with the client's id.

use super::{ApiJson, ApiPath, ApiQuery, IfMatch, Lijst, with_etag};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiResult, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zothuis_domain::clients::merge::{ClientMerge, MergeInput};
use zothuis_domain::clients::{AddressInput, AddressRow, Client, ClientInput};
use zothuis_domain::paging::PageRequest;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_clients, register_client))
        .routes(routes!(get_client, update_client))
        .routes(routes!(list_addresses, add_address))
        .routes(routes!(grant_access))
        .routes(routes!(likely_duplicates))
        .routes(routes!(merge_clients))
        .routes(routes!(client_merges))
        .routes(routes!(undo_merge))
}

/// Twee registraties die één persoon kunnen zijn.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MogelijkDubbel {
    pub eerste: ClientDto,
    pub tweede: ClientDto,
    /// Hoe sterk de namen lijken (Jaro-Winkler, 0 tot 1; 1 is dezelfde naam).
    #[schema(example = 0.96)]
    pub overeenkomst: f64,
    /// Waarom: zelfde-geboortedatum, zelfde-naam, naam-lijkt,
    /// dag-en-maand-verwisseld, geboortedatum-een-cijfer-anders, zonder-bsn.
    #[schema(example = json!(["zelfde-geboortedatum", "naam-lijkt", "zonder-bsn"]))]
    pub redenen: Vec<String>,
}

/// Mogelijke dubbele registraties onder de cliënten die u ziet, de meest gelijkende eerst: dezelfde geboortedatum en sterk gelijkende namen, of dezelfde naam en een geboortedatum met één tikfout. Twee verschillende BSN's zijn nooit één persoon.
#[utoipa::path(get, path = "/clienten/mogelijke-dubbelen", tag = "Cliënten", params(super::Paginering),
    responses((status = 200, description = "Mogelijke dubbelen", body = Lijst<MogelijkDubbel>),
              (status = 403, description = "Alleen voor de Wmo-consulent en de wachtlijstbeheerder", body = Problem)))]
async fn likely_duplicates(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(p): ApiQuery<super::Paginering>,
) -> ApiResult<axum::Json<Lijst<MogelijkDubbel>>> {
    let page = s
        .services
        .likely_duplicates(&caller.ctx, p.request())
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/clienten/mogelijke-dubbelen",
        |(d, first, second)| MogelijkDubbel {
            eerste: first.into(),
            tweede: second.into(),
            overeenkomst: (d.score * 100.0).round() / 100.0,
            redenen: d.reasons.iter().map(|r| r.code().to_string()).collect(),
        },
    )))
}

/// Een cliënt.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientDto {
    #[schema(example = 12)]
    pub id: i64,
    #[schema(example = "Sanne")]
    pub voornaam: String,
    #[schema(example = "de Boer")]
    pub achternaam: String,
    #[schema(example = "1990-04-12", value_type = String, format = Date)]
    pub geboortedatum: NaiveDate,
    #[schema(example = "999990019")]
    pub bsn: Option<String>,
    #[schema(example = "06-12345678")]
    pub telefoon: Option<String>,
    #[schema(example = "sanne@example.org")]
    pub email: Option<String>,
    /// Alleen zichtbaar voor uitdrukkelijk gemachtigde gebruikers (vrouwenopvang).
    #[schema(example = false)]
    pub afgeschermd: bool,
    /// Gemeente die de cliënt registreerde.
    #[schema(example = "GM0406")]
    pub geregistreerd_door: String,
    #[schema(example = "2024-01-05T10:00:00Z", value_type = String, format = DateTime)]
    pub aangemaakt_op: DateTime<Utc>,
    #[schema(example = 1)]
    pub versie: i64,
    /// Het dossier waarin deze registratie is samengevoegd; dit dossier is dan alleen te lezen.
    #[schema(example = json!(null))]
    pub samengevoegd_met: Option<i64>,
}

impl From<Client> for ClientDto {
    fn from(c: Client) -> Self {
        ClientDto {
            id: c.id,
            voornaam: c.given_name,
            achternaam: c.family_name,
            geboortedatum: c.date_of_birth,
            bsn: c.bsn.map(|b| b.to_string()),
            telefoon: c.phone,
            email: c.email,
            afgeschermd: c.restricted,
            geregistreerd_door: c.registered_by.to_string(),
            aangemaakt_op: c.created_at,
            versie: c.version,
            samengevoegd_met: c.merged_into,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientInvoer {
    #[schema(example = "Sanne")]
    pub voornaam: String,
    #[schema(example = "de Boer")]
    pub achternaam: String,
    /// jjjj-mm-dd
    #[schema(example = "1990-04-12")]
    pub geboortedatum: String,
    /// Wordt gecontroleerd met de elfproef; uniek.
    #[schema(example = "999990019")]
    pub bsn: Option<String>,
    #[schema(example = "06-12345678")]
    pub telefoon: Option<String>,
    #[schema(example = "sanne@example.org")]
    pub email: Option<String>,
    #[schema(example = false)]
    pub afgeschermd: bool,
    /// Alleen voor het regioteam: voor welke gemeente de cliënt wordt geregistreerd.
    #[schema(example = "GM0406")]
    pub gemeente_code: Option<String>,
}

impl ClientInvoer {
    pub(crate) fn input(self) -> ClientInput {
        ClientInput {
            given_name: self.voornaam,
            family_name: self.achternaam,
            date_of_birth: self.geboortedatum,
            bsn: self.bsn,
            phone: self.telefoon,
            email: self.email,
            restricted: self.afgeschermd,
            registered_by: self.gemeente_code,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ClientZoek {
    /// Naam, geboortedatum (jjjj-mm-dd) of BSN.
    #[param(example = "de Boer")]
    pub zoek: Option<String>,
    #[param(example = 1)]
    pub pagina: Option<u32>,
    #[param(example = 50)]
    pub pagina_grootte: Option<u32>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BekendOp {
    /// Zoals bekend op dit moment (RFC 3339); standaard nu.
    #[param(example = "2024-06-13T12:00:00Z", value_type = Option<String>)]
    pub bekend_op: Option<DateTime<Utc>>,
}

/// Cliënten zoeken die u mag zien. Afgeschermde cliënten alleen voor wie gemachtigd is.
#[utoipa::path(get, path = "/clienten", tag = "Cliënten", params(ClientZoek),
    responses((status = 200, description = "Cliënten", body = Lijst<ClientDto>),
              (status = 403, description = "Geen toegang tot persoonsgegevens", body = Problem)))]
async fn search_clients(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<ClientZoek>,
) -> ApiResult<axum::Json<Lijst<ClientDto>>> {
    let page = s
        .services
        .search_clients(
            &caller.ctx,
            q.zoek.as_deref().unwrap_or(""),
            PageRequest::new(q.pagina, q.pagina_grootte),
        )
        .await?;
    Ok(axum::Json(Lijst::from_page(
        page,
        "/clienten",
        ClientDto::from,
    )))
}

/// Cliënt registreren (Wmo-consulent voor de eigen gemeente, wachtlijstbeheerder voor een gemeente in de regio).
#[utoipa::path(post, path = "/clienten", tag = "Cliënten", request_body = ClientInvoer,
    responses((status = 201, description = "Geregistreerd", body = ClientDto),
              (status = 400, description = "Ongeldige invoer", body = Problem),
              (status = 409, description = "BSN bestaat al; `bestaand` wijst de cliënt aan", body = Problem)))]
async fn register_client(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<ClientInvoer>,
) -> ApiResult<Response> {
    let c = s
        .services
        .register_client(&caller.ctx, &body.input())
        .await?;
    Ok(with_etag(
        StatusCode::CREATED,
        c.version,
        ClientDto::from(c),
    ))
}

/// Eén cliënt, eventueel zoals bekend op een eerder moment. Wordt gelogd.
#[utoipa::path(get, path = "/clienten/{id}", tag = "Cliënten",
    params(("id" = i64, Path, description = "Id van de cliënt", example = 12), BekendOp),
    responses((status = 200, description = "De cliënt", body = ClientDto),
              (status = 404, description = "Bestaat niet of niet zichtbaar", body = Problem)))]
async fn get_client(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOp>,
) -> ApiResult<Response> {
    let c = s.services.get_client(&caller.ctx, id, q.bekend_op).await?;
    Ok(with_etag(StatusCode::OK, c.version, ClientDto::from(c)))
}

/// Gegevens van een cliënt wijzigen; de eerdere versie blijft bewaard. Vereist If-Match.
#[utoipa::path(put, path = "/clienten/{id}", tag = "Cliënten", request_body = ClientInvoer,
    params(("id" = i64, Path, description = "Id van de cliënt", example = 12),
           ("If-Match" = String, Header, description = "ETag van de laatst opgehaalde versie", example = "\"v1\"")),
    responses((status = 200, description = "Gewijzigd", body = ClientDto),
              (status = 409, description = "Er is al een cliënt met dit BSN", body = Problem),
              (status = 412, description = "Intussen gewijzigd door een ander", body = Problem),
              (status = 428, description = "If-Match ontbreekt", body = Problem)))]
async fn update_client(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<ClientInvoer>,
) -> ApiResult<Response> {
    let c = s
        .services
        .update_client(&caller.ctx, id, version, &body.input())
        .await?;
    Ok(with_etag(StatusCode::OK, c.version, ClientDto::from(c)))
}

/// Een regel uit de adreshistorie.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Adres {
    #[schema(example = 31)]
    pub id: i64,
    /// woonadres, briefadres of geen
    #[schema(example = "woonadres")]
    pub soort: String,
    #[schema(example = "GM0406")]
    pub gemeente_code: Option<String>,
    #[schema(example = "Voorbeeldstraat 3, Huizen")]
    pub adres: Option<String>,
    /// geen, ggz-kliniek, detentie, jeugdzorg of bw-mo-voorziening
    #[schema(example = "geen")]
    pub instelling: String,
    /// Vanaf deze datum geldt dit adres.
    #[schema(example = "2023-05-01", value_type = String, format = Date)]
    pub ingangsdatum: NaiveDate,
    #[schema(example = "2023-05-03T09:12:00Z", value_type = String, format = DateTime)]
    pub geregistreerd_op: DateTime<Utc>,
    #[schema(example = "consulent.huizen")]
    pub geregistreerd_door: String,
    /// De regel die deze regel corrigeert.
    #[schema(example = json!(null))]
    pub vervangt: Option<i64>,
}

impl From<AddressRow> for Adres {
    fn from(a: AddressRow) -> Self {
        Adres {
            id: a.id,
            soort: a.kind.code().into(),
            gemeente_code: a.municipality.map(|m| m.to_string()),
            adres: a.address,
            instelling: a.institution.code().into(),
            ingangsdatum: a.effective_date,
            geregistreerd_op: a.recorded_at,
            geregistreerd_door: a.recorded_by,
            vervangt: a.supersedes,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct AdresInvoer {
    #[schema(example = "woonadres")]
    pub soort: String,
    #[schema(example = "GM0406")]
    pub gemeente_code: Option<String>,
    #[schema(example = "Voorbeeldstraat 3, Huizen")]
    pub adres: Option<String>,
    #[schema(example = "geen")]
    pub instelling: Option<String>,
    /// Vanaf wanneer dit adres geldt (mag in het verleden liggen).
    #[schema(example = "2023-05-01")]
    pub ingangsdatum: String,
    /// Id van de regel die deze regel corrigeert.
    #[schema(example = json!(null))]
    pub vervangt: Option<i64>,
    /// Laat de regel uit `vervangt` vervallen zonder vervanging.
    #[schema(example = false)]
    pub vervallen: bool,
}

/// Adreshistorie van een cliënt, zoals bekend op een moment. Wordt gelogd.
#[utoipa::path(get, path = "/clienten/{id}/adressen", tag = "Cliënten",
    params(("id" = i64, Path, description = "Id van de cliënt", example = 12), BekendOp),
    responses((status = 200, description = "Adressen in volgorde van ingangsdatum", body = Vec<Adres>),
              (status = 404, description = "Bestaat niet of niet zichtbaar", body = Problem)))]
async fn list_addresses(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BekendOp>,
) -> ApiResult<axum::Json<Vec<Adres>>> {
    let rows = s
        .services
        .client_addresses(&caller.ctx, id, q.bekend_op)
        .await?;
    Ok(axum::Json(rows.into_iter().map(Adres::from).collect()))
}

/// Een adres toevoegen, of een eerdere regel corrigeren (`vervangt`) of laten vervallen.
#[utoipa::path(post, path = "/clienten/{id}/adressen", tag = "Cliënten", request_body = AdresInvoer,
    params(("id" = i64, Path, description = "Id van de cliënt", example = 12)),
    responses((status = 201, description = "Vastgelegd", body = Adres),
              (status = 400, description = "Ongeldige invoer", body = Problem)))]
async fn add_address(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AdresInvoer>,
) -> ApiResult<impl IntoResponse> {
    let input = AddressInput {
        kind: b.soort,
        municipality: b.gemeente_code,
        address: b.adres,
        institution: b.instelling,
        effective_date: b.ingangsdatum,
        supersedes: b.vervangt,
        retract: b.vervallen,
    };
    let row = s.services.add_address(&caller.ctx, id, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(Adres::from(row))))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ToegangInvoer {
    /// De gebruiker die toegang krijgt tot deze (afgeschermde) cliënt.
    #[schema(example = "wachtlijst.gv")]
    pub gebruikersnaam: String,
}

/// Een gebruiker toegang geven tot een afgeschermde cliënt.
#[utoipa::path(post, path = "/clienten/{id}/toegang", tag = "Cliënten", request_body = ToegangInvoer,
    params(("id" = i64, Path, description = "Id van de cliënt", example = 12)),
    responses((status = 204, description = "Toegang verleend"),
              (status = 400, description = "Onbekende gebruiker of rol zonder toegang", body = Problem),
              (status = 409, description = "De toegang kan zo niet worden verleend", body = Problem)))]
async fn grant_access(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ToegangInvoer>,
) -> ApiResult<StatusCode> {
    s.services
        .grant_client_access(&caller.ctx, id, &b.gebruikersnaam)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Twee registraties van één persoon samengevoegd tot één dossier.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Samenvoeging {
    #[schema(example = 3)]
    pub id: i64,
    /// Het dossier dat blijft en nu alles van beide heeft.
    #[schema(example = 12)]
    pub behouden: i64,
    /// Het dossier dat erin is opgenomen; het blijft bestaan, alleen om te lezen.
    #[schema(example = 31)]
    pub samengevoegd: i64,
    #[schema(example = "Zelfde persoon, eerst zonder BSN geregistreerd")]
    pub reden: String,
    #[schema(example = "2026-03-01T10:00:00Z", value_type = String, format = DateTime)]
    pub samengevoegd_op: DateTime<Utc>,
    #[schema(example = "consulent.huizen")]
    pub door: String,
    /// Aantal verplaatste regels per soort (aanmeldingen, beschikkingen, verblijven, …).
    #[schema(example = json!({"aanmeldingen": 1, "verblijven": 1}))]
    pub verplaatst: std::collections::BTreeMap<String, i64>,
    #[schema(example = json!(null), value_type = Option<String>, format = DateTime)]
    pub ongedaan_gemaakt_op: Option<DateTime<Utc>>,
    #[schema(example = json!(null))]
    pub ongedaan_gemaakt_door: Option<String>,
    #[schema(example = json!(null))]
    pub reden_ongedaan_maken: Option<String>,
}

impl From<ClientMerge> for Samenvoeging {
    fn from(m: ClientMerge) -> Self {
        Samenvoeging {
            id: m.id,
            behouden: m.survivor_id,
            samengevoegd: m.merged_id,
            reden: m.reason,
            samengevoegd_op: m.merged_at,
            door: m.merged_by,
            verplaatst: m
                .moved
                .iter()
                .map(|(t, n)| (t.label().to_string(), *n))
                .collect(),
            ongedaan_gemaakt_op: m.undone_at,
            ongedaan_gemaakt_door: m.undone_by,
            reden_ongedaan_maken: m.undo_reason,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SamenvoegInvoer {
    /// Id van het dossier dat blijft.
    #[schema(example = 12)]
    pub behouden: Option<i64>,
    #[schema(example = "Zelfde persoon, eerst zonder BSN geregistreerd")]
    pub reden: Option<String>,
}

/// Dit dossier samenvoegen met het dossier `behouden` (Wmo-consulent, wachtlijstbeheerder). Aanmeldingen, beschikkingen, beoordelingen, wachtlijst, verblijven, meldingen bij de toegang, voordrachten en inzageverzoeken gaan naar het dossier dat blijft; dit dossier houdt zijn persoonsgegevens en adressen en is daarna alleen te lezen. Cijfers zoals bekend vóór de samenvoeging blijven gelijk. Wordt gelogd; ongedaan te maken.
#[utoipa::path(post, path = "/clienten/{id}/samenvoegen", tag = "Cliënten", request_body = SamenvoegInvoer,
    params(("id" = i64, Path, description = "Id van het dossier dat wordt opgenomen", example = 31)),
    responses((status = 201, description = "Samengevoegd", body = Samenvoeging),
              (status = 400, description = "Ongeldige keuze, of een van beide dossiers is al samengevoegd", body = Problem)))]
async fn merge_clients(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SamenvoegInvoer>,
) -> ApiResult<Response> {
    let input = MergeInput::parse(&b.behouden.map(|i| i.to_string()), b.reden.as_deref())?;
    let m = s.services.merge_clients(&caller.ctx, id, input).await?;
    Ok((StatusCode::CREATED, axum::Json(Samenvoeging::from(m))).into_response())
}

/// De samenvoegingen waarin dit dossier behouden of opgenomen is, ook de ongedaan gemaakte, oudste eerst. Wordt gelogd als inzage van de cliënt.
#[utoipa::path(get, path = "/clienten/{id}/samenvoegingen", tag = "Cliënten",
    params(("id" = i64, Path, description = "Id van de cliënt", example = 12)),
    responses((status = 200, description = "Samenvoegingen", body = Vec<Samenvoeging>)))]
async fn client_merges(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::Json<Vec<Samenvoeging>>> {
    let c = s.services.get_client(&caller.ctx, id, None).await?;
    let merges = s.services.merges_of_client(&caller.ctx, &c).await?;
    Ok(axum::Json(
        merges.into_iter().map(Samenvoeging::from).collect(),
    ))
}

#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct OngedaanInvoer {
    #[schema(example = "Toch twee personen: andere moeder")]
    pub reden: Option<String>,
}

/// Een samenvoeging ongedaan maken: wat zij verplaatste, gaat terug naar het opgenomen dossier; wat sindsdien bij het behouden dossier is vastgelegd, blijft daar. Wordt gelogd.
#[utoipa::path(post, path = "/samenvoegingen/{id}/ongedaan-maken", tag = "Cliënten", request_body = OngedaanInvoer,
    params(("id" = i64, Path, description = "Id van de samenvoeging", example = 3)),
    responses((status = 200, description = "Ongedaan gemaakt", body = Samenvoeging),
              (status = 409, description = "Al ongedaan gemaakt", body = Problem)))]
async fn undo_merge(
    State(s): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<OngedaanInvoer>,
) -> ApiResult<axum::Json<Samenvoeging>> {
    let m = s
        .services
        .undo_merge(&caller.ctx, id, b.reden.as_deref())
        .await?;
    Ok(axum::Json(Samenvoeging::from(m)))
}
