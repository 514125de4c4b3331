//! Setting up the second factor of a local login (TOTP): the QR code and
//! key for an authenticator app, proved by a code from the app.

use super::*;
use axum::extract::State;
use axum::routing::{get, post};
use qrcodegen::{QrCode, QrCodeEcc};
use zothuis_domain::admin::second_factor;

pub const PATH: &str = "/account/tweede-factor";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(form).post(set_up))
        .route(REMOVE, post(remove))
}

/// Where a user turns off their own second factor, where the role allows.
const REMOVE: &str = "/account/tweede-factor/uitzetten";

#[derive(Template, WebTemplate)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    layout: Layout,
    intro: String,
    /// The QR code as inline SVG, drawn here from the code's modules only.
    qr: String,
    errors: Vec<Link>,
    form: FormBlock,
    /// Turning the factor off: for a user who has one and whose role does
    /// not require it.
    remove: Vec<FormBlock>,
}

/// The QR code of `text` as SVG: one path of dark squares with a quiet zone
/// of four modules (ISO/IEC 18004), scaled by the browser.
fn qr_svg(text: &str) -> String {
    let Ok(code) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let full = size + 8;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" width=\"240\" height=\"240\" role=\"img\" aria-label=\"QR-code met de sleutel voor uw authenticator-app\"><rect width=\"{full}\" height=\"{full}\" fill=\"#ffffff\"/><path d=\"{path}\" fill=\"#000000\"/></svg>"
    )
}

async fn page(
    s: &AppState,
    u: &PageUser,
    secret: &str,
    errors: &[FieldError],
) -> PageResult<SecondFactorPage> {
    let url = second_factor::otpauth_url(secret, &u.user.username)?;
    let mut form = FormBlock::post(
        PATH,
        "Tweede factor instellen",
        vec![
            Field::text("geheim", "Sleutel (om over te typen)", secret)
                .readonly()
                .required()
                .hint("Tijdgebaseerd, zes cijfers, elke 30 seconden een nieuwe code."),
            Field::text("code", "Code uit de app", "")
                .autocomplete("one-time-code")
                .required(),
        ],
    )
    .anchor("tweede-factor");
    let errors = form.apply_errors(errors);
    let required = s.services.needs_second_factor(&u.user);
    Ok(SecondFactorPage {
        layout: Layout::new(s, u, "Tweede factor", Section::Account).await,
        intro: if required {
            "Uw rol vereist dat u inlogt met een tweede factor: na het wachtwoord een code uit een app op uw telefoon. Stel die eerst in; daarna kunt u verder.".into()
        } else if u.user.second_factor {
            "U logt al in met een tweede factor. Stelt u hier een nieuwe in, dan werkt de code van de oude app niet meer.".into()
        } else {
            "Met een tweede factor logt u in met uw wachtwoord én een code uit een app op uw telefoon. Wie uw wachtwoord kent, kan dan nog niet bij de gegevens.".into()
        },
        qr: qr_svg(&url),
        errors,
        form,
        remove: if u.user.second_factor && !s.services.second_factor_required(u.user.role) {
            vec![
                FormBlock::post(REMOVE, "Tweede factor uitzetten", Vec::new())
                    .heading("Tweede factor uitzetten")
                    .anchor("uitzetten")
                    .danger(),
            ]
        } else {
            Vec::new()
        },
    })
}

async fn form(State(s): State<AppState>, u: PageUser) -> PageResult<SecondFactorPage> {
    page(&s, &u, &second_factor::new_secret(), &[]).await
}

async fn set_up(State(s): State<AppState>, u: PageUser, f: FormData) -> PageResult<Response> {
    let secret = f.get("geheim");
    match s
        .services
        .set_up_second_factor(&u.ctx, &secret, &f.get("code"))
        .await
    {
        Ok(()) => Ok(done("/account", "tweede-factor")),
        Err(DomainError::Invalid(errors)) => {
            // A key that was tampered with is replaced by a new one.
            let secret = if errors.iter().any(|e| e.field == "geheim") {
                second_factor::new_secret()
            } else {
                secret
            };
            let p = page(&s, &u, &secret, &errors).await?;
            Ok((StatusCode::BAD_REQUEST, p).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

/// Turns off the user's own second factor (refused, and audited, where
/// the role requires one: `Services::remove_second_factor`).
async fn remove(State(s): State<AppState>, u: PageUser, _f: FormData) -> PageResult<Response> {
    s.services.remove_second_factor(&u.ctx, u.user.id).await?;
    Ok(done("/account", "tweede-factor-verwijderd"))
}

#[cfg(test)]
mod tests {
    use super::qr_svg;

    #[test]
    fn the_qr_code_is_an_svg_of_squares_only() {
        let svg = qr_svg(
            "otpauth://totp/zothuis:beheerder?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=zothuis",
        );
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.contains("h1v1h-1z"));
        assert!(!svg.contains("secret="), "the key is drawn, not written");
    }
}
