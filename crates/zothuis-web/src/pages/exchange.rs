//! The iWmo exchange on pages: a provider delivers its start and stop
//! messages and fetches what the municipality put ready (`/berichten`);
//! everyone who may see a client sees the client's messages
//! (`/clienten/{id}/berichten`); the consultant assigns a decision to a
//! provider on the decision's page (`assignment_section`).

use super::*;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::routing::{get, post};
use std::collections::HashMap;
use zothuis_domain::DomainResult;
use zothuis_domain::dates::dutch_timestamp;
use zothuis_domain::exchange::iwmo::model::CHANGE_REASONS;
use zothuis_domain::exchange::iwmo::model::{
    Assignment, MessageRecord, MessageStatus, Receipt, RequestStatus,
};
use zothuis_domain::exchange::iwmo::schema::Message;
use zothuis_domain::exchange::iwmo::{ANSWER_WORKING_DAYS, AssignmentChange, AssignmentInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/berichten", get(own).post(upload))
        .route("/berichten/{id}/inhoud", get(text))
        .route("/clienten/{id}/berichten", get(client_log).post(change))
        .route("/beschikkingen/{id}/toewijzing", post(assign))
        .layer(DefaultBodyLimit::max(crate::middleware::MAX_UPLOAD_BYTES))
}

/// Whether the user delivers messages: a provider's user.
pub fn is_provider(u: &PageUser) -> bool {
    matches!(
        (&u.user.role, &u.user.scope),
        (Role::Aanbieder, Scope::Aanbieder(_))
    )
}

fn message_table(caption: &str, found: &[MessageRecord], empty: &str) -> Table {
    Table {
        caption: caption.into(),
        columns: columns(&[
            "Bericht",
            "Richting",
            "Identificatie",
            "#Cliëntnummer",
            "Status",
            "Retourcodes",
            "Vastgelegd op",
        ]),
        rows: found
            .iter()
            .map(|m| {
                vec![
                    link_cell(
                        format!("WMO{}", m.message.number()),
                        format!("/berichten/{}/inhoud", m.id),
                    ),
                    cell(if m.incoming {
                        "ontvangen van de aanbieder"
                    } else {
                        "verzonden door de gemeente"
                    }),
                    cell(m.identification.clone()),
                    m.client_id.map_or_else(|| cell("—"), num_cell),
                    badge_cell(
                        m.status.label(),
                        match m.status.code() {
                            "afgekeurd" => "warn",
                            "klaargezet" => "muted",
                            _ => "ok",
                        },
                    ),
                    cell(
                        m.codes
                            .iter()
                            .filter(|c| *c != "0200")
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    cell(dutch_timestamp(m.recorded_at, false)),
                ]
            })
            .collect(),
        empty: empty.into(),
    }
}

fn upload_form() -> FormBlock {
    FormBlock::post(
        "/berichten",
        "Aanleveren",
        vec![
            Field::files("bestand", "Bericht (XML)", ".xml,application/xml,text/xml")
                .required()
                .hint("Een WMO305 (start), WMO307 (stop), WMO315 (verzoek om toewijzing), WMO317 (verzoek om wijziging) of WMO302 (retour op een toewijzing) volgens iWmo 3.2, zoals uw systeem het maakt."),
        ],
    )
    .heading("Bericht aanleveren")
    .anchor("aanleveren")
    .upload()
}

async fn own_page(s: &AppState, u: &PageUser, notice: Option<&str>) -> PageResult<DetailPage> {
    let found = s.services.iwmo_messages(&u.ctx, None).await?;
    let l = Layout::new(s, u, "Berichten", Section::Messages)
        .await
        .with_notice(notice);
    let mut page = DetailPage::new(l, "iWmo-berichten");
    page.intro = Some(
        "Hier levert u uw berichten aan (iWmo 3.2): start en stop (WMO305, WMO307), verzoeken om toewijzing of wijziging (WMO315, WMO317) \
         en uw retour op een toewijzing (WMO302). U haalt op wat de gemeente klaarzette: toewijzingen (WMO301), antwoorden op uw verzoeken (WMO319) \
         en de retourberichten op uw berichten (WMO306, WMO308, WMO316, WMO318). \
         Een bericht wordt in zijn geheel verwerkt of in zijn geheel afgekeurd; het retourbericht noemt elke fout bij de regel waar zij zit."
            .into(),
    );
    page.forms.push(upload_form());
    let requests = s.services.iwmo_requests(&u.ctx, false).await?;
    page.tables.push(Table {
        caption: "Uw verzoeken, nieuwste eerst".into(),
        columns: columns(&["Referentie", "Verzoek", "Ontvangen", "Status"]),
        rows: requests
            .iter()
            .map(|r| {
                vec![
                    cell(r.reference.clone()),
                    cell(format!("WMO{}", r.message.number())),
                    cell(dutch_timestamp(r.received_at, false)),
                    cell(match r.status {
                        RequestStatus::Open => "Nog niet beantwoord",
                        other => other.label(),
                    }),
                ]
            })
            .collect(),
        empty: "U heeft nog geen verzoeken ingediend.".into(),
    });
    page.tables.push(message_table(
        "Uw berichten, nieuwste eerst",
        &found,
        "Er zijn nog geen berichten uitgewisseld.",
    ));
    Ok(page)
}

async fn own(
    State(s): State<AppState>,
    u: PageUser,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    own_page(&s, &u, q.melding.as_deref()).await
}

/// The one file of the upload form.
async fn read_file(mut form: Multipart) -> DomainResult<Vec<u8>> {
    let unreadable = || {
        DomainError::invalid(
            "bestand",
            "het formulier kon niet worden gelezen (verwacht een XML-bestand)",
        )
    };
    while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
        if field.name() == Some("bestand") {
            let bytes = field.bytes().await.map_err(|_| unreadable())?;
            if !bytes.is_empty() {
                return Ok(bytes.to_vec());
            }
        }
    }
    Err(DomainError::invalid(
        "bestand",
        "kies het bestand met het bericht",
    ))
}

async fn upload(State(s): State<AppState>, u: PageUser, form: Multipart) -> PageResult<Response> {
    let received = match read_file(form).await {
        Ok(body) => s.services.receive_iwmo(&u.ctx, &body).await,
        Err(e) => Err(e),
    };
    match received {
        Ok(receipt) => Ok(receipt_page(&s, &u, &receipt).await?.into_response()),
        Err(DomainError::Invalid(errors)) => {
            let mut page = own_page(&s, &u, None).await?;
            page.heading = "Bericht niet ontvangen".into();
            let mut form = upload_form();
            // The schema's errors name an element path, not a form field:
            // each is shown at the file field and listed in full.
            let at_field: Vec<FieldError> = errors
                .iter()
                .map(|e| FieldError {
                    field: "bestand".into(),
                    message: if e.field == "bestand" || e.field == "bericht" {
                        e.message.clone()
                    } else {
                        format!("{}: {}", e.field, e.message)
                    },
                })
                .collect();
            page.errors = form.apply_errors(&at_field[..1]);
            page.forms = vec![form];
            page.tables.insert(
                0,
                Table {
                    caption: "Waarom het bericht niet is ontvangen".into(),
                    columns: columns(&["Element", "Fout"]),
                    rows: errors
                        .iter()
                        .map(|e| vec![cell(e.field.clone()), cell(e.message.clone())])
                        .collect(),
                    empty: String::new(),
                },
            );
            page.intro = Some(
                "Het bericht voldoet niet aan iWmo 3.2 en is niet verwerkt; er komt geen retourbericht (iWmo IV032, controleniveau 1). \
                 Verbeter het bericht in uw systeem en lever het opnieuw aan."
                    .into(),
            );
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn receipt_page(s: &AppState, u: &PageUser, r: &Receipt) -> PageResult<DetailPage> {
    let l = Layout::new(s, u, "Bericht ontvangen", Section::Messages)
        .await
        .with_breadcrumbs(vec![link("/berichten", "Berichten")]);
    let accepted = r.message.status == MessageStatus::Verwerkt;
    let kind = format!("WMO{}", r.message.message.number());
    let mut page = DetailPage::new(
        l,
        if accepted {
            format!("{kind} ontvangen en verwerkt")
        } else {
            format!("{kind} ontvangen en afgekeurd")
        },
    )
    .fact("Identificatie", r.message.identification.clone())
    .fact("Status", r.message.status.label());
    if let Some(retour) = &r.retour {
        page = page.fact(
            "Retourbericht",
            format!("WMO{} {}", retour.message.number(), retour.identification),
        );
    }
    page.intro = Some(match (r.message.message, accepted) {
        (_, false) => "Het bericht is in zijn geheel niet verwerkt. Het retourbericht noemt elke fout; verbeter het bericht en lever het opnieuw aan.".into(),
        (Message::Wmo315 | Message::Wmo317, true) => format!(
            "Het verzoek is ontvangen. De gemeente beantwoordt het binnen {ANSWER_WORKING_DAYS} werkdagen met een toewijzing (WMO301) of een antwoordbericht (WMO319). Het retourbericht staat klaar."
        ),
        (Message::Wmo302, true) if r.remarks.is_empty() => "Uw retour is bij het toewijzingsbericht vastgelegd: de toewijzing is zonder opmerkingen ontvangen.".into(),
        (Message::Wmo302, true) => "Uw retour is bij het toewijzingsbericht vastgelegd. De gemeente ziet de retourcodes hieronder bij de toewijzing.".into(),
        _ => "Het bericht is verwerkt: het verblijf is bijgewerkt. Het retourbericht staat klaar.".into(),
    });
    if !r.remarks.is_empty() {
        page.tables.push(Table {
            caption: "Retourcodes".into(),
            columns: columns(&["Plaats", "Retourcode", "Betekenis"]),
            rows: r
                .remarks
                .iter()
                .map(|m| {
                    vec![
                        cell(m.at.clone()),
                        cell(m.code.clone()),
                        cell(m.meaning.clone()),
                    ]
                })
                .collect(),
            empty: String::new(),
        });
    }
    if let Some(retour) = &r.retour {
        page.actions.push(link(
            format!("/berichten/{}/inhoud", retour.id),
            "Retourbericht downloaden",
        ));
    }
    page.actions.push(link("/berichten", "Naar de berichten"));
    Ok(page)
}

async fn text(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let m = s.services.iwmo_message(&u.ctx, id).await?;
    Ok(crate::api::exchange::xml_response(&m))
}

async fn client_log(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    q: Result<Query<NoticeQuery>, QueryRejection>,
) -> PageResult<DetailPage> {
    let q = query(q)?;
    client_log_page(&s, &u, id, q.melding.as_deref(), None).await
}

async fn client_log_page(
    s: &AppState,
    u: &PageUser,
    id: i64,
    notice: Option<&str>,
    typed: Option<(Option<i64>, &AssignmentChange)>,
) -> PageResult<DetailPage> {
    let client = s.services.get_client(&u.ctx, id, None).await?;
    let found = s.services.iwmo_messages(&u.ctx, Some(id)).await?;
    let assignments = s.services.assignments(&u.ctx, id).await?;
    let l = Layout::new(s, u, "iWmo-berichten", Section::Clients)
        .await
        .with_notice(notice)
        .with_breadcrumbs(vec![
            link("/clienten", "Cliënten"),
            link(format!("/clienten/{id}"), client.full_name()),
        ]);
    let mut page = DetailPage::new(l, format!("iWmo-berichten van {}", client.full_name()));
    page.intro = Some(
        "De toewijzingen aan aanbieders en elk bericht dat over deze cliënt is uitgewisseld, met zijn retourstatus."
            .into(),
    );
    page.tables
        .push(assignment_table(s, u, &assignments).await?);
    page.tables.push(message_table(
        "Berichten, nieuwste eerst",
        &found,
        "Er zijn over deze cliënt nog geen berichten uitgewisseld.",
    ));
    let open: Vec<(String, String)> = assignments
        .iter()
        .filter(|a| !a.withdrawn())
        .map(|a| (a.id.to_string(), format!("toewijzing {}", a.id)))
        .collect();
    if matches!(u.user.role, Role::WmoConsulent | Role::Wachtlijstbeheerder) && !open.is_empty() {
        let (chosen, input) = match typed {
            Some((n, i)) => (n.map(|n| n.to_string()).unwrap_or_default(), i.clone()),
            None => (String::new(), AssignmentChange::default()),
        };
        let mut choices = vec![(String::new(), "— kies een toewijzing —".to_string())];
        choices.extend(open);
        let mut reasons = vec![(String::new(), "— kies een reden —".to_string())];
        reasons.extend(
            CHANGE_REASONS
                .iter()
                .map(|(c, l)| (c.to_string(), format!("{c} – {l}"))),
        );
        page.forms.push(
            FormBlock::post(
                format!("/clienten/{id}/berichten"),
                "Wijziging versturen",
                vec![
                    Field::select("toewijzing", "Toewijzing", &chosen, choices).required(),
                    Field::select("reden", "Reden (WMO002)", &input.reason, reasons)
                        .required()
                        .hint("13 verwijdert een toewijzing die ten onrechte is verstuurd, zolang de aanbieder geen start meldde."),
                    Field::date(
                        "einddatum",
                        "Nieuwe einddatum",
                        input.end_date.clone().unwrap_or_default(),
                    )
                    .hint("Niet bij reden 13: dan wordt de einddatum de ingangsdatum."),
                ],
            )
            .heading("Toewijzing wijzigen of verwijderen")
            .anchor("wijzigen"),
        );
    }
    Ok(page)
}

async fn change(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = AssignmentChange {
        reason: f.get("reden"),
        end_date: f.opt("einddatum"),
    };
    let chosen = f.id("toewijzing");
    let result = match chosen {
        // Only an assignment of this client: another is as unknown here.
        Some(n)
            if s.services
                .assignments(&u.ctx, id)
                .await?
                .iter()
                .any(|a| a.id == n) =>
        {
            s.services.change_assignment(&u.ctx, n, &input).await
        }
        _ => Err(DomainError::invalid("toewijzing", "kies de toewijzing")),
    };
    match result {
        Ok(_) => Ok(done(
            &format!("/clienten/{id}/berichten"),
            "toewijzing-gewijzigd",
        )),
        Err(e @ (DomainError::Invalid(_) | DomainError::Conflict(_))) => {
            let page = client_log_page(&s, &u, id, None, Some((chosen, &input))).await?;
            Ok(failed_at(page, "wijzigen", e, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn assignment_table(s: &AppState, u: &PageUser, found: &[Assignment]) -> PageResult<Table> {
    let providers: HashMap<i64, String> = s
        .services
        .list_providers(&u.ctx)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(Table {
        caption: "Toewijzingen".into(),
        columns: columns(&[
            "#Toewijzingnummer",
            "Aanbieder",
            "Ingangsdatum",
            "Einddatum",
            "Verblijf",
        ]),
        rows: found
            .iter()
            .map(|a| {
                vec![
                    num_cell(a.id),
                    cell(providers.get(&a.provider_id).cloned().unwrap_or_default()),
                    date_cell(a.start_date),
                    a.end_date.map_or_else(|| cell("—"), date_cell),
                    match a.stay_id {
                        Some(st) => link_cell("verblijf", format!("/verblijven/{st}")),
                        None => cell("nog niet gestart"),
                    },
                ]
            })
            .collect(),
        empty: "Nog niet toegewezen aan een aanbieder.".into(),
    })
}

/// What the decision's page shows of its assignments, with the form to
/// assign it (for the consultant and the waitlist manager, on a granted
/// decision).
pub async fn assignment_section(
    s: &AppState,
    u: &PageUser,
    page: &mut DetailPage,
    d: &zothuis_domain::access::Decision,
    typed: Option<&AssignmentInput>,
) -> PageResult<()> {
    if d.outcome != zothuis_domain::access::Outcome::Toegekend
        || !matches!(u.user.role, Role::WmoConsulent | Role::Wachtlijstbeheerder)
    {
        return Ok(());
    }
    let found: Vec<Assignment> = s
        .services
        .assignments(&u.ctx, d.client_id)
        .await?
        .into_iter()
        .filter(|a| a.decision_id == d.id)
        .collect();
    page.tables.push(assignment_table(s, u, &found).await?);
    let mut providers = vec![(String::new(), "— kies een aanbieder —".to_string())];
    providers.extend(
        s.services
            .list_providers(&u.ctx)
            .await?
            .into_iter()
            .filter(|p| p.agb_code.is_some())
            .map(|p| (p.id.to_string(), p.name)),
    );
    let mut locations = vec![(String::new(), "— geen (zorg thuis) —".to_string())];
    locations.extend(
        s.services
            .list_locations(&u.ctx)
            .await?
            .into_iter()
            .filter(|l| l.product_ids.contains(&d.product_id))
            .map(|l| (l.id.to_string(), l.name)),
    );
    let empty = AssignmentInput::default();
    let input = typed.unwrap_or(&empty);
    let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
    page.forms.push(
        FormBlock::post(
            format!("/beschikkingen/{}/toewijzing", d.id),
            "Toewijzen",
            vec![
                Field::select(
                    "aanbiederId",
                    "Aanbieder",
                    &id(input.provider_id),
                    providers,
                )
                .required()
                .hint("De aanbieder krijgt de toewijzing als iWmo-bericht (WMO301)."),
                Field::select("locatieId", "Locatie", &id(input.location_id), locations),
                Field::date(
                    "ingangsdatum",
                    "Ingangsdatum",
                    input.start_date.clone().unwrap_or_default(),
                )
                .hint("Leeg: de ingangsdatum van de beschikking."),
                Field::date(
                    "einddatum",
                    "Einddatum",
                    input.end_date.clone().unwrap_or_default(),
                )
                .hint("Leeg: de einddatum van de beschikking."),
            ],
        )
        .heading("Toewijzen aan een aanbieder")
        .anchor("toewijzen"),
    );
    Ok(())
}

async fn assign(
    State(s): State<AppState>,
    u: PageUser,
    PagePath(id): PagePath<i64>,
    f: FormData,
) -> PageResult<Response> {
    let input = AssignmentInput {
        provider_id: f.id("aanbiederId"),
        location_id: f.id("locatieId"),
        start_date: f.opt("ingangsdatum"),
        end_date: f.opt("einddatum"),
    };
    match s.services.assign(&u.ctx, id, &input).await {
        Ok(_) => Ok(done(&format!("/beschikkingen/{id}"), "toegewezen")),
        Err(e @ (DomainError::Invalid(_) | DomainError::Conflict(_))) => {
            let page = super::access::decision_page(&s, &u, id, None, Some(&input)).await?;
            Ok(failed_at(page, "toewijzen", e, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(PageError(e)),
    }
}
