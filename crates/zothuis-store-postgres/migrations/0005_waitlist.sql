-- The regional waiting list: one entry per granted decision for a product
-- with a waiting list, and its append-only, effective-dated transitions.

create table waitlist_entries (
    id bigserial primary key,
    client_id bigint not null references clients(id),
    decision_id bigint not null unique references decisions(id),
    product_id bigint not null references products(id),
    responsible_municipality text not null references municipalities(code),
    waiting_since date not null,
    created_at timestamptz not null
);
create index waitlist_entries_client on waitlist_entries(client_id);

create table waitlist_transitions (
    id bigserial primary key,
    entry_id bigint not null references waitlist_entries(id),
    status text not null,
    reason text,
    provider_id bigint references providers(id),
    effective_date date not null,
    note text,
    recorded_at timestamptz not null,
    recorded_by text not null,
    supersedes bigint references waitlist_transitions(id),
    retracted boolean not null default false
);
create index waitlist_transitions_entry on waitlist_transitions(entry_id);
