-- The few restricted clients (vrouwenopvang) of a scope are found without
-- reading the others (store-sql clients.rs `restricted_clients`).
create index clients_restricted on clients(id) where restricted;
