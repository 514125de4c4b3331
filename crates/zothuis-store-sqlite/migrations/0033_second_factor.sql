-- A second factor for local logins (TOTP, RFC 6238; domain
-- admin/second_factor.rs): the shared secret in base32, and the last time
-- step a code was accepted for, so that a code is accepted once (RFC 6238
-- § 5.2).
alter table users add column totp_secret text;
alter table users add column totp_last_step integer;
