-- Sign-in through the municipality's identity provider (OpenID Connect;
-- domain admin/oidc.rs). A user made at a first sign-in there is that
-- provider's person: its issuer and subject (OpenID Connect Core 1.0
-- § 2: together they identify the person), never a local account by the
-- same name. Such a user has no password.
alter table users add column idp_issuer text;
alter table users add column idp_subject text;
create unique index users_idp on users(idp_issuer, idp_subject) where idp_subject is not null;

-- A sign-in under way: between the redirect to the provider and its answer.
-- The state is kept as a digest, bound to the browser that started it (a
-- digest of a cookie), with the nonce and the PKCE verifier (RFC 7636) it
-- needs to finish; taken once.
create table external_logins (
    state_digest text primary key,
    browser_digest text not null,
    nonce text not null,
    pkce_verifier text not null,
    back text not null,
    created_at timestamptz not null
);
create index external_logins_created on external_logins(created_at);
