//! The conversation with the municipality's identity provider (OpenID
//! Connect Core 1.0 with Discovery 1.0): the provider's metadata and keys,
//! the authorization request with state, nonce and a PKCE challenge
//! (RFC 7636, S256), the exchange of the code, and the checks of the ID
//! token (signature by the provider's published keys, issuer, audience,
//! expiry, nonce, and the access-token hash where present), all by the
//! `openidconnect` crate. Who the verified person is in zothuis is the
//! domain's (`admin::oidc`).

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AsyncHttpClient, AuthorizationCode, ClaimsVerificationError,
    ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, HttpRequest, HttpResponse, IdTokenFields, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;
use zothuis_domain::admin::oidc::{ExternalIdentity, OidcSettings, PendingExternalLogin};

/// The claims besides the standard ones, kept whole: the groups claim's
/// name is configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}
impl AdditionalClaims for OtherClaims {}

type IdFields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<IdFields, CoreTokenType>;
type OidcClient = openidconnect::Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long discovered metadata and keys are used before they are read
/// again (a provider rotates its keys now and then).
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// The most a provider's answer may be.
const MAX_BODY: usize = 1 << 20;

/// Why a sign-in through the provider did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The provider could not be reached or answered nonsense: nobody's
    /// fault at the login page (502).
    Unreachable(String),
    /// The provider's answer does not prove who the person is: `reason`
    /// for the audit row, `message` for the person.
    Refused {
        reason: &'static str,
        message: &'static str,
    },
}

/// The provider as this installation knows it: an HTTP client that follows
/// no redirects (or why there is none), and the discovered metadata with
/// its time.
pub struct IdentityProvider {
    http: Result<Http, String>,
    discovered: RwLock<Option<(Instant, String, OidcClient)>>,
}

impl Default for IdentityProvider {
    fn default() -> Self {
        IdentityProvider {
            http: Http::new().map_err(|e| e.0),
            discovered: RwLock::new(None),
        }
    }
}

/// Where to send the browser, and what to keep until it comes back.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

impl IdentityProvider {
    fn http(&self) -> Result<&Http, Failure> {
        self.http
            .as_ref()
            .map_err(|e| Failure::Unreachable(e.clone()))
    }

    async fn client(&self, settings: &OidcSettings) -> Result<OidcClient, Failure> {
        if let Some((at, issuer, client)) = self.discovered.read().await.as_ref()
            && at.elapsed() < METADATA_TTL
            && issuer == &settings.issuer
        {
            return Ok(client.clone());
        }
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| Failure::Unreachable(format!("issuer: {e}")))?;
        // Discovery checks that the document names this issuer.
        let metadata = CoreProviderMetadata::discover_async(issuer, self.http()?)
            .await
            .map_err(|e| Failure::Unreachable(format!("discovery: {e}")))?;
        let redirect = RedirectUrl::new(settings.redirect_url.clone())
            .map_err(|e| Failure::Unreachable(format!("redirect_url: {e}")))?;
        let client = OidcClient::from_provider_metadata(
            metadata,
            ClientId::new(settings.client_id.clone()),
            Some(ClientSecret::new(settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        *self.discovered.write().await =
            Some((Instant::now(), settings.issuer.clone(), client.clone()));
        Ok(client)
    }

    /// The authorization request (code flow, S256 PKCE) with fresh secrets.
    pub async fn authorization(&self, settings: &OidcSettings) -> Result<Authorization, Failure> {
        let client = self.client(settings).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in &settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Checks the answer's issuer, exchanges the code and checks the ID
    /// token against `now` (the installation's clock); the person the
    /// provider vouches for.
    pub async fn verify(
        &self,
        settings: &OidcSettings,
        code: &str,
        iss: Option<&str>,
        pending: &PendingExternalLogin,
        now: DateTime<Utc>,
    ) -> Result<ExternalIdentity, Failure> {
        // RFC 9207 § 2.4: an answer that names another issuer is not from
        // this provider (a mix-up of providers).
        if iss.is_some_and(|iss| iss != settings.issuer) {
            return Err(Failure::Refused {
                reason: "antwoord van een andere uitgever (iss)",
                message: "Het antwoord komt niet van de ingestelde identiteitsprovider. Begin opnieuw met inloggen.",
            });
        }
        let client = self.client(settings).await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| Failure::Unreachable(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(self.http()?)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(_) => Failure::Refused {
                    reason: "code geweigerd door de identiteitsprovider",
                    message: "De identiteitsprovider weigerde de inlogcode. Begin opnieuw met inloggen.",
                },
                other => Failure::Unreachable(format!("token: {other}")),
            })?;
        let id_token = tokens.id_token().ok_or(Failure::Refused {
            reason: "geen ID-token",
            message: "De identiteitsprovider stuurde geen ID-token mee.",
        })?;
        let verifier = client.id_token_verifier().set_time_fn(move || now);
        let claims = id_token
            .claims(&verifier, &Nonce::new(pending.nonce.clone()))
            .map_err(refusal)?;
        // OpenID Connect Core 1.0 § 3.1.3.8: where the token says the hash
        // of the access token, it must be this access token's.
        if let Some(expected) = claims.access_token_hash() {
            let unverifiable = || Failure::Refused {
                reason: "at_hash niet te controleren",
                message: "Het ID-token van de identiteitsprovider is niet te controleren.",
            };
            let alg = id_token.signing_alg().map_err(|_| unverifiable())?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|_| unverifiable())?;
            let signing = AccessTokenHash::from_token(tokens.access_token(), alg, key)
                .map_err(|_| unverifiable())?;
            if signing != *expected {
                return Err(Failure::Refused {
                    reason: "at_hash klopt niet",
                    message: "Het ID-token hoort niet bij dit antwoord van de identiteitsprovider.",
                });
            }
        }
        let extra = &claims.additional_claims().rest;
        let strings = |value: Option<&serde_json::Value>| -> Vec<String> {
            match value {
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                Some(serde_json::Value::String(s)) => vec![s.clone()],
                _ => Vec::new(),
            }
        };
        Ok(ExternalIdentity {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            username: claims
                .preferred_username()
                .map(|u| u.to_string())
                .or_else(|| claims.email().map(|e| e.to_string())),
            groups: strings(extra.get(&settings.groups_claim)),
            amr: claims
                .auth_method_refs()
                .map(|m| m.iter().map(|r| r.to_string()).collect())
                .unwrap_or_default(),
        })
    }
}

/// What a failed check of the ID token means, for the audit row and the person.
fn refusal(e: ClaimsVerificationError) -> Failure {
    let (reason, message) = match e {
        ClaimsVerificationError::InvalidAudience(_) => (
            "ID-token voor een andere toepassing (audience)",
            "Het ID-token is niet voor zothuis uitgegeven. Begin opnieuw met inloggen.",
        ),
        ClaimsVerificationError::Expired(_) => (
            "ID-token verlopen",
            "Het ID-token van de identiteitsprovider is verlopen. Begin opnieuw met inloggen; staat de klok van de server goed?",
        ),
        ClaimsVerificationError::InvalidNonce(_) => (
            "nonce klopt niet",
            "Het ID-token hoort niet bij deze inlogpoging. Begin opnieuw met inloggen.",
        ),
        ClaimsVerificationError::InvalidIssuer(_) => (
            "ID-token van een andere uitgever",
            "Het ID-token komt niet van de ingestelde identiteitsprovider.",
        ),
        ClaimsVerificationError::SignatureVerification(_) => (
            "handtekening van het ID-token ongeldig",
            "De handtekening van het ID-token klopt niet.",
        ),
        _ => (
            "ID-token ongeldig",
            "Het ID-token van de identiteitsprovider is ongeldig. Begin opnieuw met inloggen.",
        ),
    };
    Failure::Refused { reason, message }
}

/// The HTTP client of `openidconnect`: hyper, TLS by rustls with the *ring*
/// provider given here (deprecated in rustls 0.23.48 for want of
/// post-quantum key exchange, which only aws-lc-rs, a large C build,
/// offers), the system's root certificates (a municipality's own CA
/// included), no redirects followed, bounded time and body.
struct Http {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Http {
    fn new() -> Result<Self, HttpError> {
        #[allow(deprecated)]
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        for cert in native.certs {
            let _ = roots.add(cert);
        }
        if roots.is_empty() {
            tracing::warn!(
                "geen basiscertificaten van het systeem gevonden: HTTPS naar de identiteitsprovider zal mislukken"
            );
        }
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| HttpError(format!("TLS instellen: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut connector = HttpConnector::new();
        connector.enforce_http(false);
        connector.set_connect_timeout(Some(Duration::from_secs(5)));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(connector);
        Ok(Http {
            client: Client::builder(TokioExecutor::new()).build(https),
        })
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let err = |e: &dyn std::fmt::Display| HttpError(e.to_string());
        let request = request.map(|body| Full::new(Bytes::from(body)));
        let response = self.client.request(request).await.map_err(|e| err(&e))?;
        let (parts, body) = response.into_parts();
        let body = Limited::new(body, MAX_BODY)
            .collect()
            .await
            .map_err(|e| err(&e))?
            .to_bytes();
        Ok(HttpResponse::from_parts(parts, body.to_vec()))
    }
}
#[derive(Debug)]
pub struct HttpError(String);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for HttpError {}

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            tokio::time::timeout(Duration::from_secs(15), self.send(request))
                .await
                .map_err(|_| HttpError("geen antwoord binnen 15 seconden".into()))?
        })
    }
}
