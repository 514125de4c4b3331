-- A role's assessments are read within its scope (store-sql access.rs
-- `list_assessments`), by client, not from the whole installation.
create index assessments_client on assessments(client_id);
