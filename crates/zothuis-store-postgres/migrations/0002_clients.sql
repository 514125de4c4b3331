-- Clients: current details (with the BSN, unique), every version of the
-- details, the append-only address history and explicit access grants.

create table clients (
    id bigserial primary key,
    given_name text not null,
    family_name text not null,
    date_of_birth date not null,
    bsn text,
    phone text,
    email text,
    restricted boolean not null default false,
    registered_by text not null references municipalities(code),
    created_at timestamptz not null,
    version bigint not null default 1
);
create unique index clients_bsn on clients(bsn) where bsn is not null;

create table client_versions (
    id bigserial primary key,
    client_id bigint not null references clients(id),
    given_name text not null,
    family_name text not null,
    date_of_birth date not null,
    bsn text,
    phone text,
    email text,
    restricted boolean not null,
    recorded_at timestamptz not null,
    recorded_by text not null
);
create index client_versions_client on client_versions(client_id);

create table client_addresses (
    id bigserial primary key,
    client_id bigint not null references clients(id),
    kind text not null,
    municipality_code text references municipalities(code),
    address text,
    institution text not null,
    effective_date date not null,
    recorded_at timestamptz not null,
    recorded_by text not null,
    supersedes bigint references client_addresses(id),
    retracted boolean not null default false
);
create index client_addresses_client on client_addresses(client_id);

create table client_grants (
    client_id bigint not null references clients(id),
    user_id bigint not null references users(id),
    granted_by text not null,
    granted_at timestamptz not null,
    primary key (client_id, user_id)
);
