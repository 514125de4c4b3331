-- How a stay is paid for (Wmo 2015 art. 2.3.6: zorg in natura or a
-- persoonsgebonden budget) and its care intensity level (zorgzwaarte,
-- 1 to 9, the region's contract says what each means). Per version, so a
-- correction of either changes today's cost but not the cost as known
-- before it. Tariffs get the same two keys: a pgb stay is priced by pgb
-- tariffs only, a tariff for a level applies to stays of that level.
alter table stay_versions add column financing text not null default 'zin';
alter table stay_versions add column care_level bigint;
alter table tariff_versions add column financing text not null default 'zin';
alter table tariff_versions add column care_level bigint;
