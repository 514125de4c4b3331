-- A region's list of stays running on a day reads, for each of its stays,
-- the version in force from this index alone (store-sql care.rs
-- `current_stay_keys`), not from the table's wide rows.
create index stay_versions_current on stay_versions(stay_id, start_date, end_date, provider_id)
 where not replaced;
