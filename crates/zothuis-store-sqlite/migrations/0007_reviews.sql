-- Waiting-list review meetings per municipality and their cycle.

create table review_cycles (
    municipality_code text primary key references municipalities(code),
    weeks integer not null check (weeks between 1 and 52)
);

create table reviews (
    id integer primary key,
    municipality_code text not null references municipalities(code),
    held_on date not null,
    recorded_at timestamp not null,
    recorded_by text not null
);

create table review_outcomes (
    review_id integer not null references reviews(id),
    entry_id integer not null references waitlist_entries(id),
    outcome text not null,
    primary key (review_id, entry_id)
);
