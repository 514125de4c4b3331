-- The iWmo 3.2 exchange with providers (domain exchange/iwmo).
--
-- An assignment (toewijzing) of a granted decision to a provider. Its id is
-- the ToewijzingNummer: kept for the life of the assignment (IV066) and
-- unique within the municipality's Wmo domain (TR332). A provider with an
-- assignment may see the client: it received the client's data in the 301.
create table iwmo_assignments (
    id integer primary key,
    decision_id integer not null references decisions(id),
    client_id integer not null references clients(id),
    provider_id integer not null references providers(id),
    location_id integer references locations(id),
    product_id integer not null references products(id),
    municipality text not null references municipalities(code),
    start_date date not null,
    end_date date,
    stay_id integer references stays(id),
    -- WMO002 reden wijziging of the latest change, and its moment.
    change_reason text,
    changed_at timestamp,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index iwmo_assignments_client on iwmo_assignments(client_id);
create index iwmo_assignments_provider on iwmo_assignments(provider_id, client_id);

-- Every message sent or received, with its text and retour status; a
-- retour names the message it answers. Codes: the retourcodes (WJ001) as
-- a JSON array, header first.
create table iwmo_messages (
    id integer primary key,
    incoming boolean not null,
    message text not null,
    provider_id integer not null references providers(id),
    client_id integer references clients(id),
    identification text not null,
    answers integer references iwmo_messages(id),
    status text not null,
    codes text not null,
    body text not null,
    recorded_at timestamp not null,
    recorded_by text not null,
    fetched_at timestamp
);
create index iwmo_messages_identification
    on iwmo_messages(provider_id, incoming, message, identification);
create index iwmo_messages_client on iwmo_messages(client_id);

-- The starts (WMO305) and stops (WMO307) received, keyed by assignment and
-- Begindatum (TR074); a start or stop taken back (StatusAanlevering 3) is
-- removed, the message log keeps what was received.
create table iwmo_deliveries (
    assignment_id integer not null references iwmo_assignments(id),
    start_date date not null,
    end_date date,
    end_reason text,
    primary key (assignment_id, start_date)
);

-- Numbers handed out: ToewijzingNummer and the identification of each
-- message type zothuis sends (unique per type per sender, TR056).
create table iwmo_counters (
    name text primary key,
    value bigint not null
);
