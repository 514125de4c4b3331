//! Administration pages: users and API tokens.

use super::*;
use crate::api::scope_text_pub as scope_text;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use zothuis_domain::admin::{NewUserInput, User, UserUpdateInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/gebruikers", get(users))
        .route("/beheer/gebruikers/nieuw", get(user_new).post(user_create))
        .route("/beheer/gebruikers/{id}", get(user_detail))
        .route(
            "/beheer/gebruikers/{id}/wijzigen",
            get(user_edit).post(user_update),
        )
        .route("/beheer/gebruikers/{id}/wachtwoord", post(user_password))
        .route(
            "/beheer/gebruikers/{id}/tweede-factor",
            post(user_second_factor),
        )
        .route("/beheer/api-tokens", get(tokens))
        .route(
            "/beheer/api-tokens/nieuw",
            get(token_new).post(token_create),
        )
        .route("/beheer/api-tokens/{id}/intrekken", post(token_revoke))
}

async fn layout(
    s: &AppState,
    u: &PageUser,
    title: &str,
    section: Section,
    notice: Option<&str>,
) -> Layout {
    Layout::new(s, u, title, section).await.with_notice(notice)
}

/// Every scope a user or token can be given, as select options.
async fn scope_options(s: &AppState, u: &PageUser) -> PageResult<Vec<(String, String)>> {
    let mut o = vec![
        (String::new(), "— kies een werkgebied —".to_string()),
        (
            "installatie".to_string(),
            "Hele installatie (beheerder)".to_string(),
        ),
    ];
    for r in s.services.list_regions(&u.ctx).await? {
        o.push((format!("regio:{}", r.code), format!("Regio {}", r.name)));
    }
    for m in s.services.list_municipalities(&u.ctx).await? {
        o.push((
            format!("gemeente:{}", m.code),
            format!("Gemeente {}", m.name),
        ));
    }
    for p in s.services.list_providers(&u.ctx).await? {
        o.push((
            format!("aanbieder:{}", p.id),
            format!("Aanbieder {}", p.name),
        ));
    }
    for c in s.services.list_corporations(&u.ctx, None).await? {
        o.push((
            format!("corporatie:{}", c.id),
            format!("Corporatie {}", c.name),
        ));
    }
    Ok(o)
}

/// A stored scope as the option value of `scope_options`.
async fn scope_value(s: &AppState, u: &PageUser, scope: &Scope) -> String {
    match scope {
        Scope::Regio(id) => match s.services.get_region(&u.ctx, *id).await {
            Ok(r) => format!("regio:{}", r.code),
            Err(_) => String::new(),
        },
        other => scope_text(other),
    }
}

async fn scope_name(
    s: &AppState,
    u: &PageUser,
    scope: &Scope,
    options: &[(String, String)],
) -> String {
    let value = scope_value(s, u, scope).await;
    options
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, l)| l.clone())
        .unwrap_or(value)
}

fn role_select(value: &str) -> Field {
    let mut options = vec![(String::new(), "— kies een rol —".to_string())];
    options.extend(role_options());
    Field::select("rol", "Rol", value, options).required()
}

fn scope_hint() -> &'static str {
    "Beheerder: hele installatie. Wachtlijstbeheerder, bestuurder, functionaris gegevensbescherming, toegangsmedewerker en zorgcoördinator: een regio. Wmo-consulent: een gemeente. Aanbieder: een aanbieder. Woningcorporatie: een corporatie. Beleidsadviseur: een regio of gemeente."
}

// ---- users --------------------------------------------------------------------

async fn users(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult<TablePage> {
    let list = s.services.list_users(&u.ctx).await?;
    let options = scope_options(&s, &u).await?;
    let mut rows = Vec::new();
    for x in &list {
        rows.push(vec![
            link_cell(&x.display_name, format!("/beheer/gebruikers/{}", x.id)),
            cell(if x.external {
                format!("{} (identiteitsprovider)", x.username)
            } else {
                x.username.clone()
            }),
            cell(x.role.label()),
            cell(scope_name(&s, &u, &x.scope, &options).await),
            if x.active {
                badge_cell("actief", "ok")
            } else {
                badge_cell("gedeactiveerd", "muted")
            },
        ]);
    }
    Ok(TablePage {
        layout: layout(&s, &u, "Gebruikers", Section::Users, q.melding.as_deref()).await,
        heading: "Gebruikers".into(),
        intro: Some("Wie met zothuis werkt, in welke rol en voor welk werkgebied. Het openen van deze lijst wordt vastgelegd.".into()),
        actions: vec![link("/beheer/gebruikers/nieuw", "Nieuwe gebruiker")],
        filters: None,
        table: Table {
            caption: "Gebruikers".into(),
            columns: columns(&["Naam", "Gebruikersnaam", "Rol", "Werkgebied", "Status"]),
            rows,
            empty: "Er zijn nog geen gebruikers.".into(),
        },
        pager: None,
    })
}

async fn user_new_page(s: &AppState, u: &PageUser, input: &NewUserInput) -> PageResult<FormPage> {
    let fields = vec![
        Field::text("naam", "Naam", &input.display_name).required(),
        Field::text("gebruikersnaam", "Gebruikersnaam", &input.username)
            .hint("Kleine letters, cijfers en . - _ @")
            .required(),
        role_select(&input.role),
        Field::select(
            "scope",
            "Werkgebied",
            &input.scope,
            scope_options(s, u).await?,
        )
        .hint(scope_hint())
        .required(),
        Field::password("wachtwoord", "Eerste wachtwoord")
            .hint("Minstens 12 tekens. Geef het de gebruiker op een veilige manier door.")
            .required(),
    ];
    let form = FormBlock::post("/beheer/gebruikers/nieuw", "Gebruiker aanmaken", fields)
        .cancel("/beheer/gebruikers");
    Ok(FormPage::new(
        layout(s, u, "Nieuwe gebruiker", Section::Users, None).await,
        "Nieuwe gebruiker",
        form,
    ))
}

async fn user_new(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    require(&u, Action::ManageUsers)?;
    user_new_page(&s, &u, &NewUserInput::default()).await
}

async fn user_create(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let input = NewUserInput {
        username: f.get("gebruikersnaam"),
        display_name: f.get("naam"),
        role: f.get("rol"),
        scope: f.get("scope"),
        password: f.get("wachtwoord"),
    };
    match s.services.create_user(&u.ctx, &input).await {
        Ok(created) => Ok(done(
            &format!("/beheer/gebruikers/{}", created.id),
            "aangemaakt",
        )),
        Err(e) => Ok(user_new_page(&s, &u, &input).await?.failed(e, None)),
    }
}

async fn user_page(
    s: &AppState,
    u: &PageUser,
    x: &User,
    notice: Option<&str>,
) -> PageResult<DetailPage> {
    let options = scope_options(s, u).await?;
    let l = layout(s, u, &x.display_name, Section::Users, notice)
        .await
        .with_breadcrumbs(vec![link("/beheer/gebruikers", "Gebruikers")]);
    let mut page = DetailPage::new(l, format!("Gebruiker {}", x.display_name))
        .fact("Gebruikersnaam", &x.username)
        .fact("Rol", x.role.label())
        .fact("Werkgebied", scope_name(s, u, &x.scope, &options).await)
        .fact("Status", if x.active { "actief" } else { "gedeactiveerd" })
        .fact(
            "Inloggen",
            match (x.external, x.second_factor) {
                (true, _) => "via de identiteitsprovider: rol en werkgebied volgen bij elke aanmelding de groepen daar",
                (false, true) => "met wachtwoord en tweede factor",
                (false, false) => "met wachtwoord, zonder tweede factor",
            },
        )
        .fact(
            "Aangemaakt op",
            zothuis_domain::dates::dutch_timestamp(x.created_at, false),
        );
    page.actions.push(link(
        format!("/beheer/gebruikers/{}/wijzigen", x.id),
        "Wijzigen",
    ));
    page.actions.push(link(
        format!("/auditlog?actor={}", crate::auth::urlencode(&x.username)),
        "Activiteit in het auditlog",
    ));
    // A user of the identity provider gets no password: that would be a
    // second way in, around the provider (`reset_password` refuses it too).
    if x.external {
        return Ok(page);
    }
    page.forms.push(
        FormBlock::post(
            format!("/beheer/gebruikers/{}/wachtwoord", x.id),
            "Wachtwoord instellen",
            vec![
                Field::password("wachtwoord", "Nieuw wachtwoord")
                    .hint("Minstens 12 tekens. Alle sessies van de gebruiker worden beëindigd.")
                    .required(),
            ],
        )
        .heading("Nieuw wachtwoord instellen")
        .anchor("wachtwoord"),
    );
    if x.second_factor {
        page.forms.push(
            FormBlock::post(
                format!("/beheer/gebruikers/{}/tweede-factor", x.id),
                "Tweede factor verwijderen",
                Vec::new(),
            )
            .heading("Tweede factor verwijderen")
            .anchor("tweede-factor")
            .danger(),
        );
    }
    Ok(page)
}

async fn user_detail(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    let x = s.services.get_user(&u.ctx, id).await?;
    user_page(&s, &u, &x, q.melding.as_deref()).await
}

async fn user_edit_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    input: &UserUpdateInput,
    version: i64,
) -> PageResult<FormPage> {
    let fields = vec![
        Field::text("naam", "Naam", &input.display_name).required(),
        role_select(&input.role),
        Field::select("scope", "Werkgebied", &input.scope, scope_options(s, u).await?).hint(scope_hint()).required(),
        Field::checkbox("actief", "Actief", input.active).hint("Een gedeactiveerde gebruiker kan niet meer inloggen; lopende sessies worden beëindigd."),
    ];
    let form = FormBlock::post(
        format!("/beheer/gebruikers/{id}/wijzigen"),
        "Opslaan",
        fields,
    )
    .version(version)
    .cancel(format!("/beheer/gebruikers/{id}"));
    Ok(FormPage::new(
        layout(s, u, "Gebruiker wijzigen", Section::Users, None).await,
        "Gebruiker wijzigen",
        form,
    ))
}

async fn user_edit(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<FormPage> {
    let x = s.services.get_user(&u.ctx, id).await?;
    let input = UserUpdateInput {
        display_name: x.display_name.clone(),
        role: x.role.code().into(),
        scope: scope_value(&s, &u, &x.scope).await,
        active: x.active,
    };
    user_edit_page(&s, &u, id, &input, x.version).await
}

async fn user_update(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = UserUpdateInput {
        display_name: f.get("naam"),
        role: f.get("rol"),
        scope: f.get("scope"),
        active: f.checked("actief"),
    };
    match s
        .services
        .update_user(&u.ctx, id, f.version(), &input)
        .await
    {
        Ok(_) => Ok(done(&format!("/beheer/gebruikers/{id}"), "opgeslagen")),
        Err(e) => {
            let current = s
                .services
                .get_user(&u.ctx, id)
                .await
                .ok()
                .map(|x| x.version);
            Ok(user_edit_page(&s, &u, id, &input, f.version())
                .await?
                .failed(e, current))
        }
    }
}

async fn user_password(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    match s
        .services
        .reset_password(&u.ctx, id, &f.get("wachtwoord"))
        .await
    {
        Ok(()) => Ok(done(&format!("/beheer/gebruikers/{id}"), "wachtwoord")),
        Err(DomainError::Invalid(errors)) => {
            let x = s.services.get_user(&u.ctx, id).await?;
            let mut page = user_page(&s, &u, &x, None).await?;
            if let Some(form) = page.forms.first_mut() {
                page.errors = form.apply_errors(&errors);
            }
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

/// A lost phone: the second factor goes, and the user sets up a new one at
/// the next login where the role requires it.
async fn user_second_factor(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    s.services.remove_second_factor(&u.ctx, id).await?;
    Ok(done(
        &format!("/beheer/gebruikers/{id}"),
        "tweede-factor-verwijderd",
    ))
}

// ---- API tokens -----------------------------------------------------------------

async fn tokens(
    State(s): State<AppState>,
    u: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult<DetailPage> {
    let list = s.services.list_tokens(&u.ctx).await?;
    let options = scope_options(&s, &u).await?;
    let l = layout(&s, &u, "API-tokens", Section::Tokens, q.melding.as_deref()).await;
    let mut page = DetailPage::new(l, "API-tokens");
    page.intro = Some("Koppelingen gebruiken een API-token met een rol en werkgebied, net als een gebruiker. Een token wordt maar één keer getoond.".into());
    page.actions
        .push(link("/beheer/api-tokens/nieuw", "Nieuw API-token"));
    let mut rows = Vec::new();
    for t in list.iter() {
        rows.push(vec![
            cell(&t.name),
            cell(t.role.label()),
            cell(scope_name(&s, &u, &t.scope, &options).await),
            cell(t.created_at.format("%Y-%m-%d").to_string()),
            match t.revoked_at {
                Some(at) => badge_cell(format!("ingetrokken {}", at.format("%Y-%m-%d")), "muted"),
                None => badge_cell("actief", "ok"),
            },
        ]);
    }
    page.tables.push(Table {
        caption: "API-tokens".into(),
        columns: columns(&["Naam", "Rol", "Werkgebied", "Aangemaakt", "Status"]),
        rows,
        empty: "Er zijn nog geen API-tokens.".into(),
    });
    let active: Vec<(String, String)> = list
        .iter()
        .filter(|t| t.revoked_at.is_none())
        .map(|t| (t.id.to_string(), t.name.clone()))
        .collect();
    if !active.is_empty() {
        let mut options = vec![(String::new(), "— kies een token —".to_string())];
        options.extend(active);
        page.forms.push(
            FormBlock::post(
                "/beheer/api-tokens/0/intrekken",
                "Token intrekken",
                vec![Field::select("tokenId", "Token", "", options).required()],
            )
            .heading("Token intrekken")
            .danger()
            .anchor("intrekken"),
        );
    }
    Ok(page)
}

async fn token_new_page(
    s: &AppState,
    u: &PageUser,
    name: &str,
    role: &str,
    scope: &str,
) -> PageResult<FormPage> {
    let fields = vec![
        Field::text("naam", "Naam", name)
            .hint("Waarvoor het token is, bijvoorbeeld 'koppeling Kwintes'.")
            .required(),
        role_select(role),
        Field::select("scope", "Werkgebied", scope, scope_options(s, u).await?)
            .hint(scope_hint())
            .required(),
    ];
    let form = FormBlock::post("/beheer/api-tokens/nieuw", "Token aanmaken", fields)
        .cancel("/beheer/api-tokens");
    Ok(FormPage::new(
        layout(s, u, "Nieuw API-token", Section::Tokens, None).await,
        "Nieuw API-token",
        form,
    ))
}

async fn token_new(State(s): State<AppState>, u: PageUser) -> PageResult<FormPage> {
    require(&u, Action::ManageTokens)?;
    token_new_page(&s, &u, "", "", "").await
}

#[derive(Template, WebTemplate)]
#[template(path = "token_created.html")]
struct TokenCreated {
    layout: Layout,
    name: String,
    role: &'static str,
    scope: String,
    secret: String,
}

async fn token_create(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let (name, role, scope) = (f.get("naam"), f.get("rol"), f.get("scope"));
    match s.services.create_token(&u.ctx, &name, &role, &scope).await {
        Ok(t) => {
            let options = scope_options(&s, &u).await?;
            Ok(TokenCreated {
                layout: layout(&s, &u, "API-token aangemaakt", Section::Tokens, None).await,
                name: t.token.name.clone(),
                role: t.token.role.label(),
                scope: scope_name(&s, &u, &t.token.scope, &options).await,
                secret: t.secret,
            }
            .into_response())
        }
        Err(e) => Ok(token_new_page(&s, &u, &name, &role, &scope)
            .await?
            .failed(e, None)),
    }
}

/// The token to revoke comes from the form's select (the `0` in the path is a
/// placeholder) or from the path.
async fn token_revoke(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let id = f.id("tokenId").filter(|i| *i > 0).unwrap_or(id);
    s.services.revoke_token(&u.ctx, id).await?;
    Ok(done("/beheer/api-tokens", "ingetrokken"))
}
