-- Retention (domain privacy/retention.rs): a record anonymised at the end of
-- its retention period says when; each approved run is kept, without
-- personal data: who approved it, when, for which region, how many records
-- and how many audit rows' details were erased.
alter table clients add column anonymised_at timestamptz;

create table retention_runs (
    id bigserial primary key,
    -- The privacy officer's region; null for one of the whole installation.
    region_id bigint references regions(id),
    approved_at timestamptz not null,
    approved_by text not null,
    clients bigint not null,
    audit_rows bigint not null
);
create index retention_runs_region on retention_runs(region_id, id);
