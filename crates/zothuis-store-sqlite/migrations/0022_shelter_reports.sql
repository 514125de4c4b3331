-- Registrations at a region's central access point for shelter (Brede
-- Centrale Toegang; domain shelter/model.rs). Append-only like stays: a
-- correction or an outcome adds a version, the latest recorded by a moment
-- is the registration as known then.
create table shelter_reports (
    id integer primary key,
    client_id integer not null references clients(id),
    region_id integer not null references regions(id),
    created_at timestamp not null
);
create index shelter_reports_client on shelter_reports(client_id);
create index shelter_reports_region on shelter_reports(region_id, client_id);

create table shelter_report_versions (
    id integer primary key,
    report_id integer not null references shelter_reports(id),
    kind text not null check (kind in ('signaal', 'traject', 'dreigend-dakloos')),
    reported_on date not null,
    origin_municipality text,
    origin_basis text not null check (origin_basis in ('adres', 'opgave', 'onbekend')),
    outcome text,
    outcome_on date,
    referred_to text,
    end_reason text,
    note text,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index shelter_report_versions_report on shelter_report_versions(report_id, id);
