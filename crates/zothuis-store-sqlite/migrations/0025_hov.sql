-- Huren Onder Voorwaarden (HOV; domain tenancy/model.rs): tenancies under
-- conditions agreed by corporation, provider and municipality. Only the
-- minimum to recognise the tenant is kept, on the versions. Append-only: a
-- correction or the end adds a version.
create table hov_trajectories (
    id integer primary key,
    region_id integer not null references regions(id),
    created_at timestamp not null
);
create index hov_trajectories_region on hov_trajectories(region_id, id);

create table hov_trajectory_versions (
    id integer primary key,
    trajectory_id integer not null references hov_trajectories(id),
    municipality_code text not null,
    tenant text not null,
    corporation text not null,
    provider_id integer references providers(id),
    reason text not null,
    started_on date not null,
    ended_on date,
    result text,
    note text,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index hov_trajectory_versions_trajectory on hov_trajectory_versions(trajectory_id, id);
