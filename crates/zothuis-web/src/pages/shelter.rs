//! Pages of the central access point for shelter: its registrations, a new
//! registration (for a person it knows or a new one), and one registration
//! with its outcome and every earlier version.

use super::*;
use axum::extract::{Query, State};
use axum::routing::get;
use std::collections::HashMap;
use zothuis_domain::clients::ClientInput;
use zothuis_domain::shelter::service::{PersonInput, RegistrationFilter};
use zothuis_domain::shelter::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meldingen-opvang", get(list))
        .route("/meldingen-opvang/nieuw", get(new_form).post(create))
        .route("/meldingen-opvang/{id}", get(detail).post(change))
}

async fn layout(s: &AppState, u: &PageUser, title: &str, notice: Option<&str>) -> Layout {
    Layout::new(s, u, title, Section::Shelter)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![link("/meldingen-opvang", "Meldingen opvang")])
}

fn municipality_options(names: &HashMap<String, String>, empty: &str) -> Vec<(String, String)> {
    let mut sorted: Vec<(String, String)> =
        names.iter().map(|(c, n)| (c.clone(), n.clone())).collect();
    sorted.sort_by(|a, b| a.1.cmp(&b.1));
    let mut options = vec![(String::new(), empty.to_string())];
    options.extend(sorted);
    options
}

/// "Haarlem (opgave)", "onbekend".
fn origin_text(f: &RegistrationFacts, names: &HashMap<String, String>) -> String {
    match &f.origin {
        None => "onbekend".into(),
        Some(m) => format!(
            "{} ({})",
            names
                .get(m.as_str())
                .cloned()
                .unwrap_or_else(|| m.to_string()),
            f.origin_basis.label().to_lowercase()
        ),
    }
}

fn outcome_text(f: &RegistrationFacts) -> String {
    match (f.outcome, f.outcome_on) {
        (Some(o), Some(d)) => format!("{} ({})", o.label(), zothuis_domain::dates::dutch_long(d)),
        (Some(o), None) => o.label().to_string(),
        (None, _) if f.kind == RegistrationKind::Signaal => "— (adviesvraag)".into(),
        (None, _) => "loopt nog".into(),
    }
}

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    soort: Option<String>,
    open: Option<String>,
    pagina: Option<u32>,
}

async fn list(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult<TablePage> {
    let open = q.open.as_deref() == Some("ja");
    let kind = q.soort.clone().filter(|k| !k.is_empty());
    let filter = RegistrationFilter {
        kind: kind.clone(),
        open_only: open,
        client_id: None,
    };
    let page = s
        .services
        .list_registrations(
            &u.ctx,
            &filter,
            None,
            zothuis_domain::paging::PageRequest::new(q.pagina, Some(50)),
        )
        .await?;
    let names = municipality_names(&s, &u).await?;
    let people: HashMap<i64, String> = s
        .services
        .store
        .list_clients(&zothuis_domain::store::Clients::Ids(
            page.items.iter().map(|r| r.client_id).collect(),
        ))
        .await?
        .into_iter()
        .map(|c| (c.id, c.full_name()))
        .collect();
    let rows = page
        .items
        .iter()
        .map(|r| {
            vec![
                date_cell(r.facts.reported_on),
                link_cell(
                    people.get(&r.client_id).cloned().unwrap_or_default(),
                    format!("/meldingen-opvang/{}", r.id),
                ),
                cell(r.facts.kind.label()),
                cell(origin_text(&r.facts, &names)),
                cell(outcome_text(&r.facts)),
            ]
        })
        .collect();
    let mut kinds = vec![(String::new(), "Alle soorten".to_string())];
    kinds.extend(
        RegistrationKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label().to_string())),
    );
    let which = vec![
        ("nee".to_string(), "Alle meldingen".to_string()),
        ("ja".to_string(), "Alleen lopende".to_string()),
    ];
    let kind_value = kind.clone().unwrap_or_default();
    Ok(TablePage {
        layout: layout(&s, &u, "Meldingen opvang", None).await,
        heading: "Meldingen bij de centrale toegang".into(),
        intro: Some(
            "Wie zich meldt voor de maatschappelijke opvang of dreigt dakloos te raken, waar die vandaan komt en wat het onderzoek opleverde. Alleen de centrale toegang van de regio ziet deze meldingen."
                .into(),
        ),
        actions: vec![link("/meldingen-opvang/nieuw", "Nieuwe melding")],
        filters: Some(
            FormBlock::get(
                "/meldingen-opvang",
                "Tonen",
                vec![
                    Field::select("soort", "Soort", &kind_value, kinds),
                    Field::select("open", "Welke", if open { "ja" } else { "nee" }, which),
                ],
            )
            .anchor("filters"),
        ),
        table: Table {
            caption: match page.total {
                1 => "1 melding".to_string(),
                n => format!("{n} meldingen"),
            },
            columns: columns(&["Meldingsdatum", "Persoon", "Soort", "Herkomst", "Uitkomst"]),
            rows,
            empty: "Geen meldingen.".into(),
        },
        pager: Some(Pager::of(&page, "meldingen", |n| {
            format!(
                "/meldingen-opvang?soort={kind_value}&open={}&pagina={n}",
                if open { "ja" } else { "nee" }
            )
        })),
    })
}

/// The fields of a registration, as typed (`input`).
fn registration_fields(
    input: &RegistrationInput,
    names: &HashMap<String, String>,
    with_outcome: bool,
) -> Vec<Field> {
    let mut kinds = vec![(String::new(), "— kies —".to_string())];
    kinds.extend(
        RegistrationKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label().to_string())),
    );
    let mut fields = vec![
        Field::select("soort", "Soort melding", &input.kind, kinds).required(),
        Field::date("meldingsdatum", "Meldingsdatum", &input.reported_on).required(),
        Field::select(
            "herkomstOpgegeven",
            "Gemeente van herkomst volgens de persoon",
            input.stated_origin.as_deref().unwrap_or(""),
            municipality_options(names, "— niet opgegeven —"),
        )
        .hint("Welke herkomst telt, bepaalt de regel van de regio: meestal het laatst geregistreerde adres, anders wat de persoon opgeeft."),
    ];
    if with_outcome {
        let mut outcomes = vec![(String::new(), "— nog geen uitkomst —".to_string())];
        outcomes.extend(
            RegistrationOutcome::ALL
                .iter()
                .map(|o| (o.code().to_string(), o.label().to_string())),
        );
        let mut reasons = vec![(String::new(), "— kies bij anders beëindigd —".to_string())];
        reasons.extend(
            EndReason::ALL
                .iter()
                .map(|r| (r.code().to_string(), r.label().to_string())),
        );
        fields.extend([
            Field::select(
                "uitkomst",
                "Uitkomst",
                input.outcome.as_deref().unwrap_or(""),
                outcomes,
            )
            .hint("Een traject eindigt in toegang tot de opvang, voldoende zelfredzaam of anders; dreigend dakloos in woning behouden, toch dakloos, doorverwezen of anders."),
            Field::date(
                "uitkomstdatum",
                "Datum van de uitkomst",
                input.outcome_on.clone().unwrap_or_default(),
            ),
            Field::select(
                "terugverwezenNaar",
                "Terugverwezen naar (bij voldoende zelfredzaam)",
                input.referred_to.as_deref().unwrap_or(""),
                municipality_options(names, "— de gemeente van herkomst —"),
            ),
            Field::select(
                "redenEinde",
                "Reden (bij anders beëindigd)",
                input.end_reason.as_deref().unwrap_or(""),
                reasons,
            ),
        ]);
    }
    fields.push(Field::textarea(
        "toelichting",
        "Toelichting",
        input.note.clone().unwrap_or_default(),
    ));
    fields
}

fn registration_input(f: &FormData) -> RegistrationInput {
    RegistrationInput {
        kind: f.get("soort"),
        reported_on: f.get("meldingsdatum"),
        stated_origin: f.opt("herkomstOpgegeven"),
        outcome: f.opt("uitkomst"),
        outcome_on: f.opt("uitkomstdatum"),
        referred_to: f.opt("terugverwezenNaar"),
        end_reason: f.opt("redenEinde"),
        note: f.opt("toelichting"),
    }
}

/// The choice of person that links by BSN and date of birth.
const KNOWN: &str = "bsn";

struct NewForm {
    person: String,
    client: ClientInput,
    registration: RegistrationInput,
}

async fn new_page(s: &AppState, u: &PageUser, input: &NewForm) -> PageResult<FormPage> {
    // The people this access point registered before, for a returning person.
    let known = s
        .services
        .search_clients(
            &u.ctx,
            "",
            zothuis_domain::paging::PageRequest::everything(),
        )
        .await?;
    let mut people = vec![
        (String::new(), "— een nieuwe persoon —".to_string()),
        (
            KNOWN.to_string(),
            "— een persoon die zothuis al kent: zoeken op BSN en geboortedatum —".to_string(),
        ),
    ];
    people.extend(known.items.iter().map(|c| {
        (
            c.id.to_string(),
            format!(
                "{} ({})",
                c.full_name(),
                zothuis_domain::dates::dutch_long(c.date_of_birth)
            ),
        )
    }));
    let names = municipality_names(s, u).await?;
    let mut fields = vec![
        Field::select("persoon", "Persoon", &input.person, people)
            .hint("Iemand die zich eerder meldde, of een nieuwe persoon: vul dan de gegevens hieronder in. \
                Was de persoon elders in de regio al in beeld (bijvoorbeeld in beschermd wonen), \
                kies dan zoeken op BSN en geboortedatum: beide moeten kloppen en de opzoeking wordt vastgelegd."),
        Field::text("voornaam", "Voornaam (nieuwe persoon)", &input.client.given_name)
            .autocomplete("off"),
        Field::text("achternaam", "Achternaam (nieuwe persoon)", &input.client.family_name),
        Field::date(
            "geboortedatum",
            "Geboortedatum (nieuwe of bekende persoon)",
            &input.client.date_of_birth,
        ),
        Field::text(
            "bsn",
            "BSN (nieuwe of bekende persoon)",
            input.client.bsn.clone().unwrap_or_default(),
        )
        .hint("Als bekend; wordt gecontroleerd met de elfproef."),
    ];
    fields.extend(registration_fields(&input.registration, &names, true));
    let form = FormBlock::post("/meldingen-opvang/nieuw", "Melding registreren", fields)
        .cancel("/meldingen-opvang");
    Ok(FormPage::new(
        layout(s, u, "Nieuwe melding", None).await,
        "Nieuwe melding bij de centrale toegang",
        form,
    )
    .intro("Een nieuwe persoon wordt geregistreerd voor de centrumgemeente van de regio."))
}

async fn new_form(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    let today = s.services.clock.today().to_string();
    let input = NewForm {
        person: String::new(),
        client: ClientInput::default(),
        registration: RegistrationInput {
            reported_on: today,
            ..Default::default()
        },
    };
    new_page(&s, &u, &input).await
}

async fn create(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let input = NewForm {
        person: f.get("persoon"),
        client: ClientInput {
            given_name: f.get("voornaam"),
            family_name: f.get("achternaam"),
            date_of_birth: f.get("geboortedatum"),
            bsn: f.opt("bsn"),
            ..Default::default()
        },
        registration: registration_input(&f),
    };
    let person = match input.person.parse::<i64>() {
        Ok(id) => PersonInput::Existing(id),
        Err(_) if input.person == KNOWN => PersonInput::Known {
            bsn: input.client.bsn.clone().unwrap_or_default(),
            date_of_birth: input.client.date_of_birth.clone(),
        },
        Err(_) => PersonInput::New(input.client.clone()),
    };
    match s
        .services
        .register_at_access_point(&u.ctx, &person, &input.registration)
        .await
    {
        Ok(r) => Ok(done(&format!("/meldingen-opvang/{}", r.id), "aangemaakt")),
        Err(e) => Ok(new_page(&s, &u, &input).await?.failed(e, None)),
    }
}

/// The registration's form, filled in with what it says now.
fn as_input(r: &Registration) -> RegistrationInput {
    let f = &r.facts;
    RegistrationInput {
        kind: f.kind.code().to_string(),
        reported_on: f.reported_on.to_string(),
        stated_origin: (f.origin_basis == OriginBasis::Opgave)
            .then(|| f.origin.as_ref().map(|m| m.to_string()))
            .flatten(),
        outcome: f.outcome.map(|o| o.code().to_string()),
        outcome_on: f.outcome_on.map(|d| d.to_string()),
        referred_to: f.referred_to.as_ref().map(|m| m.to_string()),
        end_reason: f.end_reason.map(|e| e.code().to_string()),
        note: f.note.clone(),
    }
}

async fn detail_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    notice: Option<&str>,
    typed: Option<&RegistrationInput>,
) -> PageResult<DetailPage> {
    let h = s.services.registration(&u.ctx, id, None).await?;
    let r = &h.current;
    let client = s.services.get_client(&u.ctx, r.client_id, None).await?;
    let names = municipality_names(s, u).await?;
    let name_of = |m: &Option<zothuis_domain::reference::GemeenteCode>| {
        m.as_ref()
            .map(|m| {
                names
                    .get(m.as_str())
                    .cloned()
                    .unwrap_or_else(|| m.to_string())
            })
            .unwrap_or_else(|| "—".into())
    };
    let mut page = DetailPage::new(
        layout(s, u, "Melding", notice).await,
        format!("Melding van {}", client.full_name()),
    )
    .fact("Soort", r.facts.kind.label())
    .fact(
        "Meldingsdatum",
        zothuis_domain::dates::dutch_long(r.facts.reported_on),
    )
    .fact("Gemeente van herkomst", origin_text(&r.facts, &names))
    .fact("Uitkomst", outcome_text(&r.facts))
    .fact("Terugverwezen naar", name_of(&r.facts.referred_to))
    .fact(
        "Reden",
        r.facts
            .end_reason
            .map(|e| e.label().to_string())
            .unwrap_or_else(|| "—".into()),
    )
    .fact(
        "Toelichting",
        r.facts.note.clone().unwrap_or_else(|| "—".into()),
    );
    page.actions
        .push(link(format!("/clienten/{}", client.id), "Naar de persoon"));
    page.tables.push(Table {
        caption: "Versies van deze melding (correcties en uitkomst)".into(),
        columns: columns(&["Vastgelegd", "Door", "Soort", "Herkomst", "Uitkomst"]),
        rows: h
            .versions
            .iter()
            .map(|v| {
                vec![
                    cell(zothuis_domain::dates::dutch_moment(v.recorded_at)),
                    cell(v.recorded_by.clone()),
                    cell(v.facts.kind.label()),
                    cell(origin_text(&v.facts, &names)),
                    cell(outcome_text(&v.facts)),
                ]
            })
            .collect(),
        empty: "Geen versies.".into(),
    });
    let input = typed.cloned().unwrap_or_else(|| as_input(r));
    page.forms.push(
        FormBlock::post(
            format!("/meldingen-opvang/{id}"),
            "Opslaan",
            registration_fields(&input, &names, true),
        )
        .heading("Uitkomst vastleggen of corrigeren")
        .version(r.version_id)
        .anchor("wijzigen"),
    );
    Ok(page)
}

async fn detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    detail_page(&s, &u, id, q.melding.as_deref(), None).await
}

async fn change(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = registration_input(&f);
    match s
        .services
        .change_registration(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => Ok(done(&format!("/meldingen-opvang/{id}"), "opgeslagen")),
        Err(
            e @ (DomainError::Invalid(_) | DomainError::Conflict(_) | DomainError::StaleVersion(_)),
        ) => Ok(detail_page(&s, &u, id, None, Some(&input))
            .await?
            .failed("wijzigen", e)),
        Err(e) => Err(PageError(e)),
    }
}
