-- The figures read the waiting-list history as known at a moment: a row is
-- left out when a correction recorded by then supersedes it.
create index waitlist_transitions_supersedes on waitlist_transitions(supersedes);
create index stay_versions_recorded on stay_versions(stay_id, recorded_at, id);
