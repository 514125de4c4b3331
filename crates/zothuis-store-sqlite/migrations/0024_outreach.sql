-- Zorgcoördinatie / bemoeizorg (OGGZ outreach; domain outreach/model.rs):
-- meldingen about a person, grouped into trajectories. The person is often
-- not a client of zothuis: only the minimum to recognise them is kept, on
-- the trajectory's versions, and only the region's outreach team sees it.
-- Append-only: a correction or the closing adds a version.
create table outreach_persons (
    id integer primary key,
    region_id integer not null references regions(id),
    created_at timestamp not null
);

create table outreach_trajectories (
    id integer primary key,
    person_id integer not null references outreach_persons(id),
    region_id integer not null references regions(id),
    created_at timestamp not null
);
create index outreach_trajectories_region on outreach_trajectories(region_id, id);
create index outreach_trajectories_person on outreach_trajectories(person_id);

create table outreach_trajectory_versions (
    id integer primary key,
    trajectory_id integer not null references outreach_trajectories(id),
    municipality_code text not null,
    person text not null,
    started_on date not null,
    closed_on date,
    outcome text,
    note text,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index outreach_trajectory_versions_trajectory on outreach_trajectory_versions(trajectory_id, id);

create table outreach_reports (
    id integer primary key,
    trajectory_id integer not null references outreach_trajectories(id),
    reported_on date not null,
    source text not null,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index outreach_reports_trajectory on outreach_reports(trajectory_id, id);
