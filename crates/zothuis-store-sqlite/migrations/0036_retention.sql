-- Retention (domain privacy/retention.rs): a record anonymised at the end of
-- its retention period says when; each approved run is kept, without
-- personal data: who approved it, when, for which region, how many records
-- and how many audit rows' details were erased.
alter table clients add column anonymised_at timestamp;

create table retention_runs (
    id integer primary key,
    -- The privacy officer's region; null for one of the whole installation.
    region_id integer references regions(id),
    approved_at timestamp not null,
    approved_by text not null,
    clients integer not null,
    audit_rows integer not null
);
create index retention_runs_region on retention_runs(region_id, id);
