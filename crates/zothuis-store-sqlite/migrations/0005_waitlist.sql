-- The regional waiting list: one entry per granted decision for a product
-- with a waiting list, and its append-only, effective-dated transitions.

create table waitlist_entries (
    id integer primary key,
    client_id integer not null references clients(id),
    decision_id integer not null unique references decisions(id),
    product_id integer not null references products(id),
    responsible_municipality text not null references municipalities(code),
    waiting_since date not null,
    created_at timestamp not null
);
create index waitlist_entries_client on waitlist_entries(client_id);

create table waitlist_transitions (
    id integer primary key,
    entry_id integer not null references waitlist_entries(id),
    status text not null,
    reason text,
    provider_id integer references providers(id),
    effective_date date not null,
    note text,
    recorded_at timestamp not null,
    recorded_by text not null,
    supersedes integer references waitlist_transitions(id),
    retracted boolean not null default false
);
create index waitlist_transitions_entry on waitlist_transitions(entry_id);
