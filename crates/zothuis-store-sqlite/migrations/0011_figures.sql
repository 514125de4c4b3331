-- The figures read the history as known at a moment, in the order the
-- projection is built in: transitions per entry in effective order (a row
-- is left out when a correction recorded by then supersedes it), and the
-- latest version of each stay recorded by then.
create index waitlist_transitions_supersedes on waitlist_transitions(supersedes);
create index waitlist_transitions_timeline on waitlist_transitions(entry_id, effective_date, recorded_at, id);
create index stay_versions_recorded on stay_versions(stay_id, recorded_at, id);
