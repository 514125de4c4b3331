-- Scenarios of the forecasts of demand (domain forecast::scenario): a
-- region's assumptions (JSON of forecast::run::Assumptions) on a population
-- forecast. A published scenario is not changed any more and keeps its
-- result as computed at publication (JSON of forecast::run::Forecast).
create table forecast_scenarios (
    id bigserial primary key,
    region_id bigint not null references regions(id),
    name text not null,
    description text not null,
    population_id bigint not null references population_forecasts(id),
    assumptions text not null,
    copied_from bigint references forecast_scenarios(id),
    created_at timestamptz not null,
    created_by text not null,
    updated_at timestamptz not null,
    updated_by text not null,
    version bigint not null,
    published_at timestamptz,
    published_by text,
    result text
);
create index forecast_scenarios_region on forecast_scenarios(region_id);
