-- Two records of one person merged into one (AVG art. 5 lid 1 d; domain
-- clients/merge.rs). The rows of the merged record (applications,
-- decisions, assessments, waiting-list entries, stays, registrations at an
-- access point, nominations, requests of access) move to the surviving
-- record, and each moved row is written down, so that an undo moves exactly
-- those back and the figures as known before the merge still count two
-- persons (`MergeLog::person_at`). The merged record keeps its own details
-- and addresses, and points to the survivor while the merge holds.
create table client_merges (
    id integer primary key,
    survivor_id integer not null references clients(id),
    merged_id integer not null references clients(id),
    reason text not null,
    merged_at timestamp not null,
    merged_by text not null,
    undone_at timestamp,
    undone_by text,
    undo_reason text
);
create index client_merges_survivor on client_merges(survivor_id);
create index client_merges_merged on client_merges(merged_id);
-- A record is merged into one other at a time.
create unique index client_merges_active on client_merges(merged_id) where undone_at is null;

create table client_merge_rows (
    merge_id integer not null references client_merges(id),
    row_table text not null,
    row_id integer not null,
    primary key (row_table, row_id, merge_id)
);
create index client_merge_rows_merge on client_merge_rows(merge_id);

alter table clients add column merged_into integer references clients(id);
