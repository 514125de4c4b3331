-- Lists read the clients linked to a region, municipality or provider
-- (store-sql common.rs `linked_clients_sql`): each link is an index lookup.
create index clients_registered_by on clients(registered_by);
create index applications_municipality on applications(municipality_code);
create index decisions_responsible on decisions(responsible_municipality);
create index waitlist_transitions_provider on waitlist_transitions(provider_id);
create index stay_versions_provider on stay_versions(provider_id);
