-- Occupancy of a region's or a provider's places reads the stays at their
-- locations as known now (store-sql care.rs `list_stays_at_locations`), not
-- the country's stays. A stay's versions are append-only; `replaced` marks
-- a version after which a later one was recorded (the latest by recorded at,
-- then id, as `care::stay_at` takes it), kept by a trigger on every write.
-- The index holds only the versions in force, by location and the day they
-- end (open-ended last), so a region's places read its current residents.
alter table stay_versions add column replaced boolean not null default false;

update stay_versions set replaced = true
 where id <> (select w.id from stay_versions w where w.stay_id = stay_versions.stay_id
               order by w.recorded_at desc, w.id desc limit 1);

create index stay_versions_at_location on stay_versions(location_id, (coalesce(end_date, '9999-12-31')))
 where not replaced;

create function stay_versions_replaced() returns trigger language plpgsql as $$
begin
    update stay_versions set replaced = true
     where stay_id = new.stay_id and not replaced
       and id <> (select w.id from stay_versions w where w.stay_id = new.stay_id
                   order by w.recorded_at desc, w.id desc limit 1);
    return null;
end;
$$;

create trigger stay_versions_replaced after insert on stay_versions
    for each row execute function stay_versions_replaced();
