-- The waiting list of a region asks, for thousands of entries at once, which
-- transition is in force today as known now. Each entry keeps the answer as
-- known after its latest transition: the status and effective date of the
-- transition in force last (the rule of `history::in_force_on`: not
-- retracted, not superseded, latest by effective date, recorded at, id), and
-- when that was known (the latest recorded_at of the entry's transitions).
-- A trigger keeps it, so every path that writes a transition (screens, API,
-- import, placement, correction of a stay) keeps it alike. A read uses it
-- only when it answers the question asked: known by the moment asked, in
-- force by the day asked (store-sql waitlist.rs `entries_in_status`);
-- otherwise it reads the transitions.
alter table waitlist_entries add column current_status text;
alter table waitlist_entries add column current_from date;
alter table waitlist_entries add column state_recorded_at timestamptz;

create function waitlist_entries_current() returns trigger language plpgsql as $$
begin
    update waitlist_entries set
        (current_status, current_from) = (select t.status, t.effective_date from waitlist_transitions t
            where t.entry_id = new.entry_id and not t.retracted
              and not exists (select 1 from waitlist_transitions c where c.supersedes = t.id)
            order by t.effective_date desc, t.recorded_at desc, t.id desc limit 1),
        state_recorded_at = (select max(recorded_at) from waitlist_transitions where entry_id = new.entry_id)
    where id = new.entry_id;
    return null;
end;
$$;

create trigger waitlist_entries_current after insert on waitlist_transitions
    for each row execute function waitlist_entries_current();

update waitlist_entries set
    (current_status, current_from) = (select t.status, t.effective_date from waitlist_transitions t
        where t.entry_id = waitlist_entries.id and not t.retracted
          and not exists (select 1 from waitlist_transitions c where c.supersedes = t.id)
        order by t.effective_date desc, t.recorded_at desc, t.id desc limit 1),
    state_recorded_at = (select max(recorded_at) from waitlist_transitions where entry_id = waitlist_entries.id);

-- The clients linked to a region (store-sql common.rs `linked_clients_sql`)
-- are read from these indexes alone, without visiting the rows.
drop index applications_municipality;
create index applications_municipality on applications(municipality_code, client_id);
drop index decisions_responsible;
create index decisions_responsible on decisions(responsible_municipality, client_id);
