//! Client pages: search, register, details with address history as known at
//! a chosen moment, corrections, and access to restricted clients.

use super::*;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use chrono::{DateTime, TimeZone, Utc};
use zothuis_domain::clients::merge::{ClientMerge, MergeInput};
use zothuis_domain::clients::*;
use zothuis_domain::paging::PageRequest;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clienten", get(search))
        .route("/clienten/nieuw", get(new_form).post(create))
        .route("/clienten/mogelijke-dubbelen", get(duplicates))
        .route("/clienten/{id}", get(detail))
        .route("/clienten/{id}/wijzigen", get(edit_form).post(update))
        .route("/clienten/{id}/adressen", post(add_address))
        .route("/clienten/{id}/toegang", post(grant))
        .route("/clienten/{id}/samenvoegen", get(merge_form).post(merge))
        .route(
            "/clienten/{id}/samenvoeging-ongedaan-maken",
            post(undo_merge),
        )
}

async fn layout(s: &AppState, u: &PageUser, title: &str, notice: Option<&str>) -> Layout {
    Layout::new(s, u, title, Section::Clients)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![link("/clienten", "Cliënten")])
}

fn may_register(u: &PageUser) -> bool {
    matches!(u.user.role, Role::WmoConsulent | Role::Wachtlijstbeheerder)
}

#[derive(serde::Deserialize, Default)]
struct SearchQuery {
    zoek: Option<String>,
    pagina: Option<u32>,
    melding: Option<String>,
}

async fn search(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<SearchQuery>,
) -> PageResult<TablePage> {
    let term = q.zoek.clone().unwrap_or_default();
    let page = s
        .services
        .search_clients(&u.ctx, &term, PageRequest::new(q.pagina, Some(50)))
        .await?;
    let rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                link_cell(c.full_name(), format!("/clienten/{}", c.id)),
                date_cell(c.date_of_birth),
                cell(
                    c.bsn
                        .as_ref()
                        .map(|b| b.masked())
                        .unwrap_or_else(|| "—".into()),
                ),
                cell(c.registered_by.to_string()),
                match (c.restricted, c.merged_into) {
                    (_, Some(into)) => badge_cell(format!("samengevoegd met nr. {into}"), "muted"),
                    (true, None) => badge_cell("afgeschermd", "warn"),
                    (false, None) => cell(""),
                },
            ]
        })
        .collect();
    let link_for = |n: u32| {
        format!(
            "/clienten?{}",
            serde_urlencoded::to_string([("zoek", term.as_str()), ("pagina", &n.to_string())])
                .unwrap_or_default()
        )
    };
    Ok(TablePage {
        layout: Layout::new(&s, &u, "Cliënten", Section::Clients).await.with_notice(q.melding.as_deref()),
        heading: "Cliënten".into(),
        intro: Some("Cliënten in uw werkgebied. Zoek op naam, geboortedatum (jjjj-mm-dd) of BSN. Elke inzage wordt vastgelegd.".into()),
        actions: if may_register(&u) {
            vec![
                link("/clienten/nieuw", "Nieuwe cliënt"),
                link("/clienten/mogelijke-dubbelen", "Mogelijke dubbele registraties"),
            ]
        } else {
            Vec::new()
        },
        filters: Some(FormBlock::get("/clienten", "Zoeken", vec![Field::text("zoek", "Zoeken", term.clone())]).anchor("zoeken")),
        table: Table {
            caption: "Gevonden cliënten".into(),
            columns: columns(&["Naam", "Geboortedatum", "BSN", "Geregistreerd door", "Bijzonderheden"]),
            rows,
            empty: "Geen cliënten gevonden.".into(),
        },
        pager: Some(Pager::of(&page, "cliënten", link_for)),
    })
}

#[derive(serde::Deserialize, Default)]
struct PageQuery {
    pagina: Option<u32>,
}

/// "Mohammed El Amrani (12)": a record by name and number, since the two of
/// a pair often have the same name.
fn record_cell(c: &zothuis_domain::clients::Client) -> Cell {
    link_cell(
        format!("{} (nr. {})", c.full_name(), c.id),
        format!("/clienten/{}", c.id),
    )
}

/// The likely duplicates among the user's clients, most alike first, with
/// why each pair may be one person.
async fn duplicates(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<PageQuery>,
) -> PageResult<TablePage> {
    let page = s
        .services
        .likely_duplicates(&u.ctx, PageRequest::new(q.pagina, Some(50)))
        .await?;
    let born =
        |c: &zothuis_domain::clients::Client| zothuis_domain::dates::dutch_long(c.date_of_birth);
    let rows = page
        .items
        .iter()
        .map(|(d, first, second)| {
            let dates = if first.date_of_birth == second.date_of_birth {
                born(first)
            } else {
                format!("{} en {}", born(first), born(second))
            };
            let reasons: Vec<&str> = d.reasons.iter().map(|r| r.label()).collect();
            vec![
                record_cell(first),
                record_cell(second),
                cell(dates),
                cell(format!("{} %", (d.score * 100.0).round())),
                cell(reasons.join(", ")),
                link_cell(
                    "Vergelijken en samenvoegen",
                    format!("/clienten/{}/samenvoegen?met={}", first.id, second.id),
                ),
            ]
        })
        .collect();
    let link_for = |n: u32| format!("/clienten/mogelijke-dubbelen?pagina={n}");
    Ok(TablePage {
        layout: layout(&s, &u, "Mogelijke dubbele registraties", None).await,
        heading: "Mogelijke dubbele registraties".into(),
        intro: Some(
            "Registraties in uw werkgebied die één persoon kunnen zijn: dezelfde geboortedatum en \
             sterk gelijkende namen (ook met voor- en achternaam verwisseld), of dezelfde naam en een \
             geboortedatum met één tikfout. Twee verschillende BSN's zijn nooit één persoon. \
             Overeenkomst is hoe sterk de namen lijken. Vergelijk beide registraties voordat u ze \
             samenvoegt; een samenvoeging kan ongedaan worden gemaakt. Deze lijst wordt vastgelegd \
             als inzage."
                .into(),
        ),
        actions: Vec::new(),
        filters: None,
        table: Table {
            caption: "Mogelijke dubbele registraties, meest gelijkend eerst".into(),
            columns: columns(&["Registratie", "Andere registratie", "Geboortedatum", "Overeenkomst", "Waarom", "Actie"]),
            rows,
            empty: "Geen mogelijke dubbele registraties gevonden.".into(),
        },
        pager: Some(Pager::of(&page, "paren", link_for)),
    })
}

async fn region_municipalities(s: &AppState, u: &PageUser) -> PageResult<Vec<(String, String)>> {
    let mut o = vec![(String::new(), "— kies een gemeente —".to_string())];
    if let Scope::Regio(region) = &u.user.scope {
        o.extend(
            s.services
                .list_municipalities(&u.ctx)
                .await?
                .into_iter()
                .filter(|m| m.region_id == *region)
                .map(|m| (m.code.to_string(), m.name)),
        );
    }
    Ok(o)
}

async fn client_fields(
    s: &AppState,
    u: &PageUser,
    input: &ClientInput,
    new: bool,
) -> PageResult<Vec<Field>> {
    let mut fields = vec![
        Field::text("voornaam", "Voornaam", &input.given_name).required().autocomplete("off"),
        Field::text("achternaam", "Achternaam", &input.family_name).hint("Met tussenvoegsel, bijvoorbeeld 'de Boer'.").required(),
        Field::date("geboortedatum", "Geboortedatum", &input.date_of_birth).required(),
        Field::text("bsn", "BSN", input.bsn.clone().unwrap_or_default()).hint("Negen cijfers; wordt gecontroleerd met de elfproef."),
        Field::text("telefoon", "Telefoonnummer", input.phone.clone().unwrap_or_default()),
        Field::text("email", "E-mailadres", input.email.clone().unwrap_or_default()),
        Field::checkbox("afgeschermd", "Afgeschermde cliënt", input.restricted)
            .hint("Bijvoorbeeld bij vrouwenopvang: alleen gebruikers die u uitdrukkelijk toegang geeft, zien deze cliënt."),
    ];
    if new && u.user.role == Role::Wachtlijstbeheerder {
        fields.push(
            Field::select(
                "gemeenteCode",
                "Geregistreerd voor gemeente",
                input.registered_by.as_deref().unwrap_or(""),
                region_municipalities(s, u).await?,
            )
            .hint("De gemeente namens welke het regioteam de cliënt registreert.")
            .required(),
        );
    }
    Ok(fields)
}

fn client_input(f: &FormData) -> ClientInput {
    ClientInput {
        given_name: f.get("voornaam"),
        family_name: f.get("achternaam"),
        date_of_birth: f.get("geboortedatum"),
        bsn: f.opt("bsn"),
        phone: f.opt("telefoon"),
        email: f.opt("email"),
        restricted: f.checked("afgeschermd"),
        registered_by: f.opt("gemeenteCode"),
    }
}

async fn new_page(s: &AppState, u: &PageUser, input: &ClientInput) -> PageResult<FormPage> {
    if !may_register(u) {
        return Err(PageError(DomainError::Forbidden(
            "uw rol registreert geen cliënten".into(),
        )));
    }
    let form = FormBlock::post(
        "/clienten/nieuw",
        "Cliënt registreren",
        client_fields(s, u, input, true).await?,
    )
    .cancel("/clienten");
    Ok(FormPage::new(layout(s, u, "Nieuwe cliënt", None).await, "Nieuwe cliënt", form)
        .intro("Controleer eerst met 'Zoeken' of de cliënt al bekend is. Een BSN kan maar bij één cliënt horen."))
}

async fn new_form(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    new_page(&s, &u, &ClientInput::default()).await
}

async fn create(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let input = client_input(&f);
    match s.services.register_client(&u.ctx, &input).await {
        Ok(c) => Ok(done(&format!("/clienten/{}", c.id), "aangemaakt")),
        Err(e) => Ok(new_page(&s, &u, &input).await?.failed(e, None)),
    }
}

#[derive(serde::Deserialize, Default)]
struct DetailQuery {
    #[serde(rename = "bekendOp")]
    bekend_op: Option<String>,
    melding: Option<String>,
}

/// "As known at" a date means: at the end of that day.
pub(super) fn known_at(date: Option<&str>) -> Result<Option<DateTime<Utc>>, DomainError> {
    match date.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => {
            let day = zothuis_domain::Datum::parse(d)
                .map_err(|e| DomainError::invalid("bekendOp", e.to_string()))?;
            let end = day
                .0
                .and_hms_opt(23, 59, 59)
                .ok_or_else(|| DomainError::invalid("bekendOp", "ongeldige datum"))?;
            Ok(Some(Utc.from_utc_datetime(&end)))
        }
    }
}

fn address_text(a: &AddressRow, names: &std::collections::HashMap<String, String>) -> String {
    let place = a
        .municipality
        .as_ref()
        .map(|m| {
            names
                .get(m.as_str())
                .cloned()
                .unwrap_or_else(|| m.to_string())
        })
        .unwrap_or_default();
    match &a.address {
        Some(line) => format!("{line} ({place})"),
        None => place,
    }
}

fn address_form(
    client_id: i64,
    rows: &[AddressRow],
    municipalities: Vec<(String, String)>,
    input: &AddressInput,
) -> FormBlock {
    let mut kinds = vec![(String::new(), "— kies —".to_string())];
    kinds.extend(
        AddressKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), k.label().to_string())),
    );
    let institutions = Institution::ALL
        .iter()
        .map(|i| (i.code().to_string(), i.label().to_string()))
        .collect();
    let mut corrects = vec![(String::new(), "Nee, dit is een nieuw adres".to_string())];
    corrects.extend(rows.iter().map(|r| {
        (
            r.id.to_string(),
            format!(
                "Regel van {} ({})",
                zothuis_domain::dates::dutch_long(r.effective_date),
                r.kind.label()
            ),
        )
    }));
    FormBlock::post(
        format!("/clienten/{client_id}/adressen"),
        "Adres vastleggen",
        vec![
            Field::select("soort", "Soort adres", &input.kind, kinds).required(),
            Field::select("gemeenteCode", "Gemeente", input.municipality.as_deref().unwrap_or(""), municipalities),
            Field::text("adres", "Straat, huisnummer en plaats", input.address.clone().unwrap_or_default()),
            Field::select("instelling", "Adres van een instelling", input.institution.as_deref().unwrap_or("geen"), institutions)
                .hint("Voor de woonplaatsbepaling telt bij een verblijf in een instelling het adres van daarvoor."),
            Field::date("ingangsdatum", "Geldig vanaf", &input.effective_date)
                .hint("Mag in het verleden liggen, bijvoorbeeld volgens de BRP-historie.")
                .required(),
            Field::select("vervangt", "Corrigeert een eerdere regel", &input.supersedes.map(|v| v.to_string()).unwrap_or_default(), corrects)
                .hint("Een correctie vervangt de gekozen regel; de oude blijft bewaard en zichtbaar in 'zoals bekend op'."),
            Field::checkbox("vervallen", "De gekozen regel laten vervallen zonder nieuw adres", input.retract),
        ],
    )
    .heading("Adres toevoegen of corrigeren")
    .anchor("adres")
}

struct DetailInputs<'a> {
    address: AddressInput,
    application: Option<&'a zothuis_domain::access::ApplicationInput>,
    /// The undo of a merge as typed: the merge and the reason.
    undo: (&'a str, &'a str),
}

/// The client page with a rejected application form filled in again.
pub async fn detail_for(
    s: &AppState,
    u: &PageUser,
    id: i64,
    application: Option<&zothuis_domain::access::ApplicationInput>,
) -> PageResult<DetailPage> {
    detail_page(
        s,
        u,
        id,
        &DetailQuery::default(),
        DetailInputs {
            address: AddressInput::default(),
            application,
            undo: ("", ""),
        },
    )
    .await
}

async fn detail_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    q: &DetailQuery,
    inputs: DetailInputs<'_>,
) -> PageResult<DetailPage> {
    let k = known_at(q.bekend_op.as_deref())?;
    let c = s.services.get_client(&u.ctx, id, k).await?;
    let addresses = s.services.client_addresses(&u.ctx, id, k).await?;
    let versions = s.services.client_history(&u.ctx, id).await?;
    let municipalities = s.services.list_municipalities(&u.ctx).await?;
    let names: std::collections::HashMap<String, String> = municipalities
        .iter()
        .map(|m| (m.code.to_string(), m.name.clone()))
        .collect();
    let l = layout(s, u, &c.full_name(), q.melding.as_deref()).await;
    let mut page = DetailPage::new(l, c.full_name())
        .fact(
            "Geboortedatum",
            zothuis_domain::dates::dutch_long(c.date_of_birth),
        )
        .fact(
            "BSN",
            c.bsn
                .as_ref()
                .map(|b| b.to_string())
                .unwrap_or_else(|| "niet bekend".into()),
        )
        .fact("Telefoon", c.phone.clone().unwrap_or_else(|| "—".into()))
        .fact("E-mail", c.email.clone().unwrap_or_else(|| "—".into()))
        .fact(
            "Geregistreerd door",
            names
                .get(c.registered_by.as_str())
                .cloned()
                .unwrap_or_else(|| c.registered_by.to_string()),
        )
        .fact(
            "Afgeschermd",
            if c.restricted {
                "ja, alleen zichtbaar voor gemachtigden"
            } else {
                "nee"
            },
        );
    if let Some(k) = k {
        page.intro = Some(format!(
            "U bekijkt de gegevens zoals zothuis ze kende op {} (einde van de dag). Latere correcties zijn niet meegenomen.",
            zothuis_domain::dates::dutch_long(k.date_naive())
        ));
    }
    if let Some(into) = c.merged_into {
        page.alert = Some(Alert {
            text: format!(
                "Dit dossier is samengevoegd met cliëntnummer {into}. Aanmeldingen, beschikkingen, \
                 wachtlijst en verblijven staan daar; hier blijven de persoonsgegevens en adressen \
                 zoals dit dossier ze had, alleen om te lezen."
            ),
            link: Some(link(
                format!("/clienten/{into}"),
                "Naar het dossier dat blijft",
            )),
        });
    }
    let merges = s.services.merges_of_client(&u.ctx, &c).await?;
    let may_change = u.user.role != Role::Aanbieder && k.is_none() && c.merged_into.is_none();
    if may_change {
        page.actions.push(link(
            format!("/clienten/{id}/wijzigen"),
            "Gegevens wijzigen",
        ));
    }
    // The client's iWmo assignments and messages, for whoever works with
    // the client (the access point and outreach team exchange none).
    if k.is_none() && super::works_with_clients(u.actor()) {
        page.actions
            .push(link(format!("/clienten/{id}/berichten"), "iWmo-berichten"));
    }
    if k.is_none() && super::outflow::may_nominate(u) {
        page.actions.push(link(
            format!("/uitstroom/nieuw?client={id}"),
            "Voordragen voor uitstroom",
        ));
    }
    page.forms.push(
        FormBlock::get(
            format!("/clienten/{id}"),
            "Tonen",
            vec![
                Field::date(
                    "bekendOp",
                    "Zoals bekend op",
                    q.bekend_op.clone().unwrap_or_default(),
                )
                .hint("Leeg laten voor de gegevens van nu."),
            ],
        )
        .anchor("bekend-op"),
    );
    page.tables.push(Table {
        caption: "Adreshistorie".into(),
        columns: columns(&[
            "Geldig vanaf",
            "Soort",
            "Adres",
            "Instelling",
            "Vastgelegd op",
            "Door",
        ]),
        rows: addresses
            .iter()
            .map(|a| {
                vec![
                    date_cell(a.effective_date),
                    cell(a.kind.label()),
                    cell(address_text(a, &names)),
                    cell(if a.institution == Institution::None {
                        String::new()
                    } else {
                        a.institution.label().to_string()
                    }),
                    cell(zothuis_domain::dates::dutch_timestamp(a.recorded_at, false)),
                    cell(&a.recorded_by),
                ]
            })
            .collect(),
        empty: "Er is nog geen adres vastgelegd.".into(),
    });
    page.tables.push(Table {
        caption: "Versies van de persoonsgegevens".into(),
        columns: columns(&["Vastgelegd op", "Door", "Naam", "Geboortedatum"]),
        rows: versions
            .iter()
            .rev()
            .map(|v| {
                vec![
                    cell(zothuis_domain::dates::dutch_timestamp(v.recorded_at, false)),
                    cell(&v.recorded_by),
                    cell(format!("{} {}", v.given_name, v.family_name)),
                    date_cell(v.date_of_birth),
                ]
            })
            .collect(),
        empty: String::new(),
    });
    if k.is_none() {
        let (apps, decisions) = s.services.client_access_history(&u.ctx, id).await?;
        let products: std::collections::HashMap<i64, String> = s
            .services
            .list_products(&u.ctx)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        page.tables.push(Table {
            caption: "Aanmeldingen en beschikkingen".into(),
            columns: columns(&[
                "Aanmelddatum",
                "Product",
                "Aanmeldgemeente",
                "Beschikking",
                "Verantwoordelijke gemeente",
            ]),
            rows: apps
                .iter()
                .map(|a| {
                    let d = decisions.iter().find(|d| d.application_id == a.id);
                    vec![
                        link_cell(
                            zothuis_domain::dates::dutch_long(a.applied_on),
                            format!("/aanmeldingen/{}", a.id),
                        ),
                        cell(products.get(&a.product_id).cloned().unwrap_or_default()),
                        cell(
                            names
                                .get(a.municipality.as_str())
                                .cloned()
                                .unwrap_or_default(),
                        ),
                        match d {
                            Some(d) => link_cell(
                                format!("{} ({})", d.outcome.label(), d.reference),
                                format!("/beschikkingen/{}", d.id),
                            ),
                            None => badge_cell("nog geen besluit", "warn"),
                        },
                        cell(
                            d.map(|d| {
                                names
                                    .get(d.responsible.as_str())
                                    .cloned()
                                    .unwrap_or_default()
                            })
                            .unwrap_or_default(),
                        ),
                    ]
                })
                .collect(),
            empty: "Nog geen aanmeldingen.".into(),
        });
        let stays = s
            .services
            .list_stays(
                &u.ctx,
                Some(id),
                None,
                None,
                zothuis_domain::paging::PageRequest::everything(),
            )
            .await?
            .items;
        if !stays.is_empty() {
            page.tables.push(Table {
                caption: "Verblijven".into(),
                columns: columns(&["Product", "Start", "Einde", "Uitstroom"]),
                rows: stays
                    .iter()
                    .map(|st| {
                        vec![
                            link_cell(
                                products.get(&st.product_id).cloned().unwrap_or_default(),
                                format!("/verblijven/{}", st.id),
                            ),
                            date_cell(st.start_date),
                            cell(
                                st.end_date
                                    .map(|d| d.to_string())
                                    .unwrap_or_else(|| "loopt".into()),
                            ),
                            cell(st.exit.map(|e| e.label().to_string()).unwrap_or_default()),
                        ]
                    })
                    .collect(),
                empty: String::new(),
            });
        }
        let entries = s.services.client_waitlist(&u.ctx, id).await?;
        if !entries.is_empty() {
            page.tables.push(Table {
                caption: "Wachtlijst".into(),
                columns: columns(&["Product", "Status", "Sinds", "#Wachttijd (dagen)"]),
                rows: entries
                    .iter()
                    .map(|e| {
                        vec![
                            link_cell(
                                products
                                    .get(&e.entry.product_id)
                                    .cloned()
                                    .unwrap_or_default(),
                                format!("/wachtlijst/{}", e.entry.id),
                            ),
                            cell(e.status.label()),
                            date_cell(e.status_since),
                            num_cell(e.waiting_days),
                        ]
                    })
                    .collect(),
                empty: String::new(),
            });
        }
        if may_register(u) {
            let mut products_options = vec![(String::new(), "— kies een product —".to_string())];
            products_options.extend(products.iter().map(|(id, n)| (id.to_string(), n.clone())));
            products_options[1..].sort_by(|a, b| a.1.cmp(&b.1));
            let municipalities_choice = if u.user.role == Role::Wachtlijstbeheerder {
                Some(region_municipalities(s, u).await?)
            } else {
                None
            };
            let default_app = zothuis_domain::access::ApplicationInput::default();
            page.forms.push(super::access::application_form(
                id,
                products_options,
                municipalities_choice,
                inputs.application.unwrap_or(&default_app),
            ));
        }
    }
    if !merges.is_empty() {
        page.tables.push(merges_table(id, &merges));
    }
    let holding: Vec<&ClientMerge> = merges
        .iter()
        .filter(|m| m.holds() && m.survivor_id == id)
        .collect();
    if k.is_none() && may_merge(u) && !holding.is_empty() {
        page.forms.push(undo_form(id, &holding, inputs.undo));
    }
    if may_change {
        let mut options = vec![(String::new(), "— kies een gemeente —".to_string())];
        options.extend(
            municipalities
                .iter()
                .map(|m| (m.code.to_string(), m.name.clone())),
        );
        page.forms
            .push(address_form(id, &addresses, options, &inputs.address));
        if c.restricted {
            page.forms.push(
                FormBlock::post(
                    format!("/clienten/{id}/toegang"),
                    "Toegang geven",
                    vec![Field::text("gebruikersnaam", "Gebruikersnaam", "").required()],
                )
                .heading("Toegang tot deze afgeschermde cliënt geven")
                .anchor("toegang"),
            );
        }
    }
    Ok(page)
}

async fn detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<DetailQuery>,
) -> PageResult<DetailPage> {
    detail_page(
        &s,
        &u,
        id,
        &q,
        DetailInputs {
            address: AddressInput::default(),
            application: None,
            undo: ("", ""),
        },
    )
    .await
}

async fn edit_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    input: &ClientInput,
    version: i64,
) -> PageResult<FormPage> {
    let form = FormBlock::post(
        format!("/clienten/{id}/wijzigen"),
        "Opslaan",
        client_fields(s, u, input, false).await?,
    )
    .version(version)
    .cancel(format!("/clienten/{id}"));
    Ok(FormPage::new(
        layout(s, u, "Gegevens wijzigen", None).await,
        "Gegevens van de cliënt wijzigen",
        form,
    )
    .intro("De vorige gegevens blijven bewaard als eerdere versie."))
}

async fn edit_form(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<FormPage> {
    let c = s.services.get_client(&u.ctx, id, None).await?;
    if u.user.role == Role::Aanbieder {
        return Err(PageError(DomainError::Forbidden(
            "een aanbieder wijzigt geen persoonsgegevens".into(),
        )));
    }
    let input = ClientInput {
        given_name: c.given_name.clone(),
        family_name: c.family_name.clone(),
        date_of_birth: c.date_of_birth.to_string(),
        bsn: c.bsn.as_ref().map(|b| b.to_string()),
        phone: c.phone.clone(),
        email: c.email.clone(),
        restricted: c.restricted,
        registered_by: None,
    };
    edit_page(&s, &u, id, &input, c.version).await
}

async fn update(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = client_input(&f);
    match s
        .services
        .update_client(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => Ok(done(&format!("/clienten/{id}"), "opgeslagen")),
        Err(
            e @ (DomainError::Invalid(_)
            | DomainError::StaleVersion(_)
            | DomainError::Duplicate { .. }
            | DomainError::Conflict(_)),
        ) => {
            let current = s
                .services
                .store
                .get_client(id)
                .await
                .ok()
                .flatten()
                .map(|c| c.version);
            Ok(edit_page(&s, &u, id, &input, f.version())
                .await?
                .failed(e, current))
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn add_address(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = AddressInput {
        kind: f.get("soort"),
        municipality: f.opt("gemeenteCode"),
        address: f.opt("adres"),
        institution: f.opt("instelling"),
        effective_date: f.get("ingangsdatum"),
        supersedes: f.id("vervangt"),
        retract: f.checked("vervallen"),
    };
    match s.services.add_address(&u.ctx, id, &input).await {
        Ok(_) => Ok(done(&format!("/clienten/{id}"), "opgeslagen")),
        Err(DomainError::Invalid(errors)) => {
            let inputs = DetailInputs {
                address: input,
                application: None,
                undo: ("", ""),
            };
            rejected(&s, &u, id, inputs, "adres", &errors).await
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn grant(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    match s
        .services
        .grant_client_access(&u.ctx, id, &f.get("gebruikersnaam"))
        .await
    {
        Ok(()) => Ok(done(&format!("/clienten/{id}"), "opgeslagen")),
        Err(DomainError::Invalid(errors)) => {
            let inputs = DetailInputs {
                address: AddressInput::default(),
                application: None,
                undo: ("", ""),
            };
            rejected(&s, &u, id, inputs, "toegang", &errors).await
        }
        Err(e) => Err(PageError(e)),
    }
}

/// The client page again with a rejected form's errors at its fields.
async fn rejected(
    s: &AppState,
    u: &PageUser,
    id: i64,
    inputs: DetailInputs<'_>,
    anchor: &str,
    errors: &[FieldError],
) -> PageResult<Response> {
    let mut page = detail_page(s, u, id, &DetailQuery::default(), inputs).await?;
    if let Some(form) = page.forms.iter_mut().find(|f| f.anchor == anchor) {
        page.errors = form.apply_errors(errors);
    }
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

fn may_merge(u: &PageUser) -> bool {
    zothuis_domain::policy::can(&u.ctx.actor, zothuis_domain::policy::Action::MergeClients)
        .is_allowed()
}

/// The merges a record took part in: with which record, when, by whom, why,
/// what moved, and whether it was undone.
fn merges_table(id: i64, merges: &[ClientMerge]) -> Table {
    let when = |at| zothuis_domain::dates::dutch_timestamp(at, false);
    Table {
        caption: "Samenvoegingen".into(),
        columns: columns(&[
            "Dossier",
            "Rol",
            "Samengevoegd op",
            "Door",
            "Reden",
            "Verplaatst",
            "Ongedaan gemaakt",
        ]),
        rows: merges
            .iter()
            .map(|m| {
                let (other, role) = if m.survivor_id == id {
                    (m.merged_id, "opgenomen in dit dossier")
                } else {
                    (m.survivor_id, "dit dossier is hierin opgenomen")
                };
                let moved: Vec<String> = m
                    .moved
                    .iter()
                    .map(|(t, n)| format!("{n} {}", t.description()))
                    .collect();
                vec![
                    link_cell(format!("nr. {other}"), format!("/clienten/{other}")),
                    cell(role),
                    cell(when(m.merged_at)),
                    cell(&m.merged_by),
                    cell(&m.reason),
                    cell(if moved.is_empty() {
                        "niets".into()
                    } else {
                        moved.join(", ")
                    }),
                    cell(match (m.undone_at, &m.undo_reason) {
                        (Some(at), Some(r)) => format!("{} ({r})", when(at)),
                        (Some(at), None) => when(at),
                        (None, _) => "nee".into(),
                    }),
                ]
            })
            .collect(),
        empty: String::new(),
    }
}

/// Undoing one of the merges into this record: which, and why.
fn undo_form(id: i64, holding: &[&ClientMerge], typed: (&str, &str)) -> FormBlock {
    let mut options = vec![(String::new(), "— kies de samenvoeging —".to_string())];
    options.extend(holding.iter().map(|m| {
        (
            m.id.to_string(),
            format!(
                "met nr. {}, op {}",
                m.merged_id,
                zothuis_domain::dates::dutch_timestamp(m.merged_at, false)
            ),
        )
    }));
    FormBlock::post(
        format!("/clienten/{id}/samenvoeging-ongedaan-maken"),
        "Samenvoeging ongedaan maken",
        vec![
            Field::select("samenvoeging", "Samenvoeging", typed.0, options).required(),
            Field::textarea("reden", "Reden", typed.1).required().hint(
                "Wat uit het andere dossier kwam, gaat daarheen terug. Wat sinds de samenvoeging hier is vastgelegd, blijft hier.",
            ),
        ],
    )
    .heading("Samenvoeging ongedaan maken")
    .anchor("ongedaan-maken")
    .danger()
}

#[derive(serde::Deserialize, Default)]
struct MergeQuery {
    met: Option<String>,
}

/// The page that compares two records and merges them: both side by side,
/// the record to keep, and why.
async fn merge_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    other: Option<i64>,
    typed: (&str, &str),
) -> PageResult<DetailPage> {
    let first = s.services.get_client(&u.ctx, id, None).await?;
    let l = layout(s, u, "Dossiers samenvoegen", None).await;
    let mut page = DetailPage::new(l, format!("{} samenvoegen", first.full_name()));
    page.intro = Some(
        "Vergelijk de twee dossiers. Het dossier dat blijft, krijgt de aanmeldingen, \
         beschikkingen, beoordelingen, wachtlijst, verblijven, meldingen en voordrachten van het \
         andere. Het andere dossier blijft bestaan met zijn eigen persoonsgegevens en adressen, \
         alleen om te lezen. De samenvoeging wordt vastgelegd en kan ongedaan worden gemaakt."
            .into(),
    );
    let Some(other) = other else {
        page.forms.push(
            FormBlock::get(
                format!("/clienten/{id}/samenvoegen"),
                "Vergelijken",
                vec![Field::text("met", "Cliëntnummer van het andere dossier", "").required()],
            )
            .anchor("met"),
        );
        return Ok(page);
    };
    let second = s.services.get_client(&u.ctx, other, None).await?;
    let row = |label: &str, f: &dyn Fn(&zothuis_domain::clients::Client) -> String| {
        vec![cell(label), cell(f(&first)), cell(f(&second))]
    };
    page.tables.push(Table {
        caption: "De twee dossiers".into(),
        columns: columns(&[
            "Gegeven",
            &format!("Nr. {}", first.id),
            &format!("Nr. {}", second.id),
        ]),
        rows: vec![
            row("Naam", &|c| c.full_name()),
            row("Geboortedatum", &|c| {
                zothuis_domain::dates::dutch_long(c.date_of_birth)
            }),
            row("BSN", &|c| {
                c.bsn
                    .as_ref()
                    .map_or("niet bekend".into(), |b| b.to_string())
            }),
            row("Telefoon", &|c| {
                c.phone.clone().unwrap_or_else(|| "—".into())
            }),
            row("E-mail", &|c| c.email.clone().unwrap_or_else(|| "—".into())),
            row("Geregistreerd op", &|c| {
                zothuis_domain::dates::dutch_timestamp(c.created_at, false)
            }),
        ],
        empty: String::new(),
    });
    let option = |c: &zothuis_domain::clients::Client| {
        (
            c.id.to_string(),
            format!(
                "nr. {}: {}, geboren {}",
                c.id,
                c.full_name(),
                zothuis_domain::dates::dutch_long(c.date_of_birth)
            ),
        )
    };
    let mut options = vec![(String::new(), "— kies het dossier dat blijft —".to_string())];
    options.extend([option(&first), option(&second)]);
    page.forms.push(
        FormBlock::post(
            format!("/clienten/{id}/samenvoegen?met={other}"),
            "Samenvoegen",
            vec![
                Field::select("behouden", "Dossier dat blijft", typed.0, options)
                    .required()
                    .hint("Kies bij voorkeur het dossier met BSN, of het dossier waarin al gewerkt wordt."),
                Field::textarea("reden", "Reden", typed.1)
                    .required()
                    .hint("Bijvoorbeeld: zelfde persoon, eerst zonder BSN geregistreerd bij de centrale toegang."),
            ],
        )
        .heading("Samenvoegen")
        .anchor("samenvoegen")
        .cancel("/clienten/mogelijke-dubbelen"),
    );
    Ok(page)
}

/// The other record of the pair, as typed in `met`.
fn other_record(typed: Option<&str>) -> PageResult<Option<i64>> {
    match typed.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| {
                PageError(DomainError::invalid(
                    "met",
                    "Vul een cliëntnummer in (alleen cijfers).",
                ))
            }),
    }
}

async fn merge_form(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<MergeQuery>,
) -> PageResult<DetailPage> {
    let other = other_record(q.met.as_deref())?;
    merge_page(&s, &u, id, other, ("", "")).await
}

async fn merge(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<MergeQuery>,
    f: FormData,
) -> PageResult<Response> {
    let other = other_record(q.met.as_deref())?;
    let (behouden, reden) = (f.get("behouden"), f.get("reden"));
    let parsed = MergeInput::parse(&f.opt("behouden"), Some(&reden));
    // The pair is this record and `met`; the one not kept is merged.
    let result = match (parsed, other) {
        (Err(e), _) => Err(e),
        (Ok(_), None) => Err(DomainError::invalid(
            "behouden",
            "Kies eerst het andere dossier.",
        )),
        (Ok(input), Some(other)) => {
            let merged = if input.survivor_id == id {
                Some(other)
            } else if input.survivor_id == other {
                Some(id)
            } else {
                None
            };
            match merged {
                Some(merged) => s.services.merge_clients(&u.ctx, merged, input).await,
                None => Err(DomainError::invalid(
                    "behouden",
                    "Kies een van de twee dossiers.",
                )),
            }
        }
    };
    match result {
        Ok(m) => Ok(done(
            &format!("/clienten/{}", m.survivor_id),
            "samengevoegd",
        )),
        Err(DomainError::Invalid(errors)) => {
            let mut page = merge_page(&s, &u, id, other, (&behouden, &reden)).await?;
            if let Some(form) = page.forms.iter_mut().find(|f| f.anchor == "samenvoegen") {
                page.errors = form.apply_errors(&errors);
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn undo_merge(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let (chosen, reden) = (f.get("samenvoeging"), f.get("reden"));
    let merges = s
        .services
        .merges_of_client(&u.ctx, &s.services.get_client(&u.ctx, id, None).await?)
        .await?;
    let merge = f
        .id("samenvoeging")
        .filter(|m| merges.iter().any(|x| x.id == *m && x.survivor_id == id));
    let result = match merge {
        Some(m) => s.services.undo_merge(&u.ctx, m, Some(&reden)).await,
        None => Err(DomainError::invalid(
            "samenvoeging",
            "Kies een samenvoeging van dit dossier.",
        )),
    };
    match result {
        Ok(m) => Ok(done(
            &format!("/clienten/{}", m.survivor_id),
            "samenvoeging-ongedaan",
        )),
        Err(DomainError::Invalid(errors)) => {
            let inputs = DetailInputs {
                address: AddressInput::default(),
                application: None,
                undo: (&chosen, &reden),
            };
            rejected(&s, &u, id, inputs, "ongedaan-maken", &errors).await
        }
        Err(e) => Err(PageError(e)),
    }
}
