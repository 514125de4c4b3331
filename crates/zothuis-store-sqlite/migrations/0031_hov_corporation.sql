-- The corporation of a Huren Onder Voorwaarden trajectory becomes a
-- reference to the region's corporations (domain tenancy/model.rs
-- `TenancyFacts::corporation_id`), like a Pact nomination's (0026). Every
-- name already typed becomes a corporation of the trajectory's region,
-- unless the region has one of that name in any case; variants in case of
-- one new name become one corporation.
alter table hov_trajectory_versions
    add column corporation_id integer references corporations(id);

insert into corporations (region_id, name)
select t.region_id, min(v.corporation)
  from hov_trajectory_versions v
  join hov_trajectories t on t.id = v.trajectory_id
 where not exists (
       select 1 from corporations c
        where c.region_id = t.region_id and lower(c.name) = lower(v.corporation))
 group by t.region_id, lower(v.corporation);

update hov_trajectory_versions
   set corporation_id = (
       select min(c.id) from corporations c, hov_trajectories t
        where t.id = hov_trajectory_versions.trajectory_id
          and c.region_id = t.region_id
          and lower(c.name) = lower(hov_trajectory_versions.corporation));

alter table hov_trajectory_versions drop column corporation;

create index hov_trajectory_versions_corporation
    on hov_trajectory_versions(corporation_id, trajectory_id);
