-- The client's preference on a waiting-list entry: a provider and/or a
-- municipality to live in.
create table waitlist_preferences (
    entry_id bigint primary key references waitlist_entries(id),
    provider_id bigint references providers(id),
    municipality_code text references municipalities(code),
    recorded_at timestamptz not null,
    recorded_by text not null
);
