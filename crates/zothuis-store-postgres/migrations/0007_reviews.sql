-- Waiting-list review meetings per municipality and their cycle.

create table review_cycles (
    municipality_code text primary key references municipalities(code),
    weeks bigint not null check (weeks between 1 and 52)
);

create table reviews (
    id bigserial primary key,
    municipality_code text not null references municipalities(code),
    held_on date not null,
    recorded_at timestamptz not null,
    recorded_by text not null
);

create table review_outcomes (
    review_id bigint not null references reviews(id),
    entry_id bigint not null references waitlist_entries(id),
    outcome text not null,
    primary key (review_id, entry_id)
);
