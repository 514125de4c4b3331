-- The regime under which a region determines the responsible municipality,
-- from a date on. Append-only.
create table region_regimes (
    id bigserial primary key,
    region_id bigint not null references regions(id),
    regime text not null,
    effective_from date not null,
    recorded_at timestamptz not null,
    recorded_by text not null
);
create index region_regimes_region on region_regimes(region_id);
