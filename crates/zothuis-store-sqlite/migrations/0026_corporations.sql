-- Housing corporations of a region's Pact voor uitstroom (domain
-- reference/model.rs `Corporation`). A nomination is addressed to one of
-- them; its staff see those nominations and nothing else. The free-text
-- corporation of a nomination becomes a reference: every name already
-- used becomes a corporation of the nomination's region.
create table corporations (
    id integer primary key,
    region_id integer not null references regions(id),
    name text not null,
    version integer not null default 1,
    unique (region_id, name)
);

alter table outflow_nomination_versions
    add column corporation_id integer references corporations(id);

insert into corporations (region_id, name)
select distinct n.region_id, v.corporation
  from outflow_nomination_versions v
  join outflow_nominations n on n.id = v.nomination_id
 where v.corporation is not null;

update outflow_nomination_versions
   set corporation_id = (
       select c.id from corporations c, outflow_nominations n
        where n.id = outflow_nomination_versions.nomination_id
          and c.region_id = n.region_id
          and c.name = outflow_nomination_versions.corporation)
 where corporation is not null;

alter table outflow_nomination_versions drop column corporation;

create index outflow_nomination_versions_corporation
    on outflow_nomination_versions(corporation_id, nomination_id);
