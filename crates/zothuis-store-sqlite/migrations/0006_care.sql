-- Screening outcomes (a screening is an in-screening transition) and stays,
-- versioned: every change of a stay is a new version row.

create table screening_outcomes (
    transition_id integer primary key references waitlist_transitions(id),
    outcome text not null,
    declined_by text,
    reason text,
    decided_on date not null,
    note text,
    recorded_at timestamp not null,
    recorded_by text not null
);

create table stays (
    id integer primary key,
    client_id integer not null references clients(id),
    entry_id integer references waitlist_entries(id),
    transferred_from integer references stays(id),
    responsible_municipality text not null references municipalities(code),
    created_at timestamp not null
);
create index stays_client on stays(client_id);

create table stay_versions (
    id integer primary key,
    stay_id integer not null references stays(id),
    product_id integer not null references products(id),
    provider_id integer not null references providers(id),
    location_id integer references locations(id),
    start_date date not null,
    end_date date,
    exit_destination text,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index stay_versions_stay on stay_versions(stay_id);
