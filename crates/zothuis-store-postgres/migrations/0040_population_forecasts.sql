-- Population forecasts per municipality, year and age band, loaded by a
-- region's policy officer (domain forecast::population), for the forecasts
-- of demand for places. The rows are as the file gave them; the source says
-- where the numbers come from.
create table population_forecasts (
    id bigserial primary key,
    region_id bigint not null references regions(id),
    name text not null,
    source text not null,
    uploaded_at timestamptz not null,
    uploaded_by text not null
);
create index population_forecasts_region on population_forecasts(region_id);

create table population_rows (
    forecast_id bigint not null references population_forecasts(id),
    municipality text not null references municipalities(code),
    year bigint not null,
    -- The age band: from and to (inclusive); no end for "65+".
    age_from bigint not null,
    age_to bigint,
    residents bigint not null,
    primary key (forecast_id, municipality, year, age_from)
);
