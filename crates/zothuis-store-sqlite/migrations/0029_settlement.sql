-- Distribution keys (domain finance/settlement.rs `KeyData`): the shares
-- of a region's municipalities under the historical budget, the objective
-- distribution model or another agreement. A change is a new version of
-- the whole key; the shares of a version are kept as JSON
-- ([{"gemeente": "GM0402", "aandeel": 625000}], millionths), read only as
-- a whole.
create table distribution_keys (
    id integer primary key,
    region_id integer not null references regions(id),
    created_at timestamp not null
);
create index distribution_keys_region on distribution_keys(region_id, id);

create table distribution_key_versions (
    id integer primary key,
    key_id integer not null references distribution_keys(id),
    kind text not null,
    name text not null,
    source text,
    shares text not null,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index distribution_key_versions_key on distribution_key_versions(key_id, id);

-- Published settlement statements: frozen like published reports. The
-- statement is regenerated as known at publication and compared with the
-- snapshot taken then (`statement`, JSON of its lines).
create table settlements (
    id integer primary key,
    region_id integer not null references regions(id),
    period text not null,
    agreement text not null,
    key_version_id integer references distribution_key_versions(id),
    statement text not null,
    published_at timestamp not null,
    published_by text not null
);
create index settlements_region on settlements(region_id, id);
