-- Population forecasts per municipality, year and age band, loaded by a
-- region's policy officer (domain forecast::population), for the forecasts
-- of demand for places. The rows are as the file gave them; the source says
-- where the numbers come from.
create table population_forecasts (
    id integer primary key,
    region_id integer not null references regions(id),
    name text not null,
    source text not null,
    uploaded_at timestamp not null,
    uploaded_by text not null
);
create index population_forecasts_region on population_forecasts(region_id);

create table population_rows (
    forecast_id integer not null references population_forecasts(id),
    municipality text not null references municipalities(code),
    year integer not null,
    -- The age band: from and to (inclusive); no end for "65+".
    age_from integer not null,
    age_to integer,
    residents bigint not null,
    primary key (forecast_id, municipality, year, age_from)
);
