-- Requests from providers (iWmo 3.2 WMO315 verzoek om toewijzing, WMO317
-- verzoek om wijziging) as tasks for the consultant, and the provider's
-- reference an assignment answers (ReferentieAanbieder, IV093).
alter table iwmo_assignments add column reference text;

-- One row per request: a 315 has one per AangevraagdProduct (each with its
-- own reference), a 317 one. Products: what is asked, as JSON. The answer
-- is a 301 or a 319 (answer_message_id, the latest).
create table iwmo_requests (
    id integer primary key,
    message_id integer not null references iwmo_messages(id),
    message text not null,
    provider_id integer not null references providers(id),
    client_id integer references clients(id),
    municipality text not null references municipalities(code),
    reference text not null,
    reason text,
    products text not null,
    status text not null,
    rejection text,
    answer_message_id integer references iwmo_messages(id),
    received_at timestamp not null,
    answered_at timestamp,
    answered_by text
);
create index iwmo_requests_provider on iwmo_requests(provider_id, client_id);
create index iwmo_requests_municipality on iwmo_requests(municipality, status);
create index iwmo_requests_client on iwmo_requests(client_id);
