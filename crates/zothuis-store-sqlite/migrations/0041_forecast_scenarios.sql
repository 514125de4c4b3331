-- Scenarios of the forecasts of demand (domain forecast::scenario): a
-- region's assumptions (JSON of forecast::run::Assumptions) on a population
-- forecast. A published scenario is not changed any more and keeps its
-- result as computed at publication (JSON of forecast::run::Forecast).
create table forecast_scenarios (
    id integer primary key,
    region_id integer not null references regions(id),
    name text not null,
    description text not null,
    population_id integer not null references population_forecasts(id),
    assumptions text not null,
    copied_from integer references forecast_scenarios(id),
    created_at timestamp not null,
    created_by text not null,
    updated_at timestamp not null,
    updated_by text not null,
    version integer not null,
    published_at timestamp,
    published_by text,
    result text
);
create index forecast_scenarios_region on forecast_scenarios(region_id);
