-- Requests of access by the person the data are about (AVG art. 15 and 20;
-- domain privacy/mod.rs): recorded by the privacy officer after checking
-- who asks, answered with one export of the client's record. Answering sets
-- answered_at once; every export is an audit row of its own.
create table subject_access_requests (
    id integer primary key,
    client_id integer not null references clients(id),
    -- The privacy officer's region; null for one of the whole installation.
    region_id integer references regions(id),
    received_on date not null,
    identity_check text not null,
    note text,
    recorded_at timestamp not null,
    recorded_by text not null,
    answered_at timestamp,
    answered_by text
);
create index subject_access_requests_region on subject_access_requests(region_id, id);
create index subject_access_requests_client on subject_access_requests(client_id);
