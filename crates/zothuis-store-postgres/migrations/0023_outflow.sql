-- The Pact voor uitstroom and urgency (domain outflow/model.rs): the homes
-- agreed per municipality per year, and nominations from care to a home of
-- one's own with their allocation or withdrawal and the aftercare after the
-- move. Append-only: a new agreement or a new version of a nomination adds a
-- row, the latest recorded by a moment is what was known then.
create table outflow_quotas (
    id bigserial primary key,
    region_id bigint not null references regions(id),
    municipality_code text not null,
    year bigint not null,
    homes bigint not null check (homes >= 0),
    note text,
    recorded_at timestamptz not null,
    recorded_by text not null
);
create index outflow_quotas_key on outflow_quotas(region_id, municipality_code, year, id);

create table outflow_nominations (
    id bigserial primary key,
    client_id bigint not null references clients(id),
    region_id bigint not null references regions(id),
    created_at timestamptz not null
);
create index outflow_nominations_client on outflow_nominations(client_id);
create index outflow_nominations_region on outflow_nominations(region_id, client_id);

create table outflow_nomination_versions (
    id bigserial primary key,
    nomination_id bigint not null references outflow_nominations(id),
    route text not null check (route in ('pact', 'urgentie')),
    leaves text not null,
    stay_id bigint references stays(id),
    nominated_on date not null,
    municipality_code text not null,
    corporation text,
    address_municipality text,
    key_on date,
    withdrawn_on date,
    withdrawal_reason text,
    aftercare_provider_id bigint references providers(id),
    aftercare_from date,
    aftercare_until date,
    housing text,
    housing_on date,
    note text,
    recorded_at timestamptz not null,
    recorded_by text not null
);
create index outflow_nomination_versions_nomination on outflow_nomination_versions(nomination_id, id);
