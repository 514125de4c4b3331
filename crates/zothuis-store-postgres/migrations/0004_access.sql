-- Applications (aanmeldingen) and decisions (beschikkingen) with the
-- responsible municipality as determined, and an override with its reason.

create table applications (
    id bigserial primary key,
    client_id bigint not null references clients(id),
    product_id bigint not null references products(id),
    municipality_code text not null references municipalities(code),
    applied_on date not null,
    source text not null,
    recorded_at timestamptz not null,
    recorded_by text not null
);
create index applications_client on applications(client_id);

create table decisions (
    id bigserial primary key,
    application_id bigint not null unique references applications(id),
    client_id bigint not null references clients(id),
    product_id bigint not null references products(id),
    outcome text not null,
    decided_on date not null,
    valid_from date,
    valid_to date,
    reference text not null,
    responsible_municipality text not null references municipalities(code),
    determined_municipality text not null references municipalities(code),
    rule text not null,
    explanation text not null,
    inputs text not null,
    override_reason text,
    recorded_at timestamptz not null,
    recorded_by text not null
);
create index decisions_client on decisions(client_id);
