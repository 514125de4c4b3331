-- Screening outcomes (a screening is an in-screening transition) and stays,
-- versioned: every change of a stay is a new version row.

create table screening_outcomes (
    transition_id bigint primary key references waitlist_transitions(id),
    outcome text not null,
    declined_by text,
    reason text,
    decided_on date not null,
    note text,
    recorded_at timestamptz not null,
    recorded_by text not null
);

create table stays (
    id bigserial primary key,
    client_id bigint not null references clients(id),
    entry_id bigint references waitlist_entries(id),
    transferred_from bigint references stays(id),
    responsible_municipality text not null references municipalities(code),
    created_at timestamptz not null
);
create index stays_client on stays(client_id);

create table stay_versions (
    id bigserial primary key,
    stay_id bigint not null references stays(id),
    product_id bigint not null references products(id),
    provider_id bigint not null references providers(id),
    location_id bigint references locations(id),
    start_date date not null,
    end_date date,
    exit_destination text,
    recorded_at timestamptz not null,
    recorded_by text not null
);
create index stay_versions_stay on stay_versions(stay_id);
