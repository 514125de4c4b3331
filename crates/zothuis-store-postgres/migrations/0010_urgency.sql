-- Urgency of a waiting-list entry, set by the waitlist manager with a reason.
create table waitlist_urgency (
    entry_id bigint primary key references waitlist_entries(id),
    reason text not null,
    recorded_at timestamptz not null,
    recorded_by text not null
);
