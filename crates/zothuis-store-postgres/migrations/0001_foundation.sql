-- Reference data, accounts, sessions and the audit log (PostgreSQL; the
-- same tables as the SQLite migration of the same name).
-- Timestamps are UTC; dates are calendar dates (YYYY-MM-DD).

create table regions (
    id bigserial primary key,
    code text not null unique,
    name text not null,
    centrumgemeente text,
    version bigint not null default 1
);

create table municipalities (
    code text primary key,
    name text not null,
    region_id bigint not null references regions(id),
    version bigint not null default 1
);
create index municipalities_region on municipalities(region_id);

create table providers (
    id bigserial primary key,
    name text not null,
    agb_code text unique,
    version bigint not null default 1
);

create table products (
    id bigserial primary key,
    code text not null unique,
    name text not null,
    category text not null,
    kind text not null,
    tariff_unit text not null,
    version bigint not null default 1
);

create table locations (
    id bigserial primary key,
    provider_id bigint not null references providers(id),
    municipality_code text not null references municipalities(code),
    name text not null,
    address text,
    secret_address boolean not null default false,
    version bigint not null default 1
);
create index locations_provider on locations(provider_id);

create table location_products (
    location_id bigint not null references locations(id) on delete cascade,
    product_id bigint not null references products(id),
    primary key (location_id, product_id)
);

-- Append-only capacity history: a change of places is a new row.
create table capacity (
    id bigserial primary key,
    location_id bigint not null references locations(id),
    product_id bigint not null references products(id),
    places bigint not null check (places >= 0),
    valid_from date not null,
    valid_to date,
    recorded_at timestamptz not null,
    recorded_by text not null
);
create index capacity_location on capacity(location_id, product_id, valid_from);

create table users (
    id bigserial primary key,
    username text not null unique,
    display_name text not null,
    password_hash text not null,
    role text not null,
    scope_kind text not null,
    scope_ref text,
    active boolean not null default true,
    created_at timestamptz not null,
    version bigint not null default 1
);

create table api_tokens (
    id bigserial primary key,
    name text not null,
    role text not null,
    scope_kind text not null,
    scope_ref text,
    digest text not null unique,
    created_at timestamptz not null,
    created_by text not null,
    revoked_at timestamptz
);

create table sessions (
    digest text primary key,
    user_id bigint not null references users(id),
    csrf_token text not null,
    created_at timestamptz not null,
    last_seen_at timestamptz not null
);
create index sessions_user on sessions(user_id);

create table login_attempts (
    id bigserial primary key,
    key text not null,
    attempted_at timestamptz not null,
    success boolean not null
);
create index login_attempts_key on login_attempts(key, attempted_at);

-- NEN 7513 audit log, hash-chained (see zothuis_domain::audit).
create table audit_log (
    seq bigint primary key,
    occurred_at timestamptz not null,
    actor_kind text not null,
    actor_id bigint not null,
    actor_name text not null,
    actor_role text not null,
    on_behalf_of text,
    action text not null,
    object_type text not null,
    object_id text,
    client_id bigint,
    outcome text not null,
    origin text,
    request_id text not null,
    details text not null,
    prev_hash text not null,
    hash text not null
);
create index audit_log_object on audit_log(object_type, object_id);
create index audit_log_actor on audit_log(actor_name);

-- Normal use never changes or removes an audit row; the hash chain detects
-- anyone who goes around these triggers.
create function audit_log_refuse() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        raise exception 'het auditlog kan niet worden gewijzigd';
    end if;
    raise exception 'het auditlog kan niet worden verwijderd';
end;
$$;
create trigger audit_log_no_update before update on audit_log
    for each row execute function audit_log_refuse();
create trigger audit_log_no_delete before delete on audit_log
    for each row execute function audit_log_refuse();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_refuse();
