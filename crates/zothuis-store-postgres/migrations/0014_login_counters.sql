-- Failed logins counted per key ("gebruiker:NAME" or "herkomst:ADDRESS") in
-- one row per key, so that counting an attempt and checking the limit is one
-- statement (an upsert with RETURNING): parallel attempts can no longer all
-- pass the check before any of them is recorded. Also used to bound how many
-- refused API requests per address are written to the audit log.
create table login_counters (
    key text primary key,
    failures bigint not null,
    window_start timestamptz not null
);
create index login_counters_window on login_counters(window_start);

-- One row per attempt, holding the username exactly as typed (a megabyte per
-- attempt was possible): replaced by login_counters.
drop table login_attempts;
