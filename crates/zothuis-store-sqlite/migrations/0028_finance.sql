-- Tariffs of a region's contracts (domain finance/model.rs `Tariff`): per
-- product and, optionally, provider, from a date, per day, week, month or
-- year. Append-only: a correction or a withdrawal adds a version, so the
-- cost of care as known before it can be computed again.
create table tariffs (
    id integer primary key,
    region_id integer not null references regions(id),
    created_at timestamp not null
);
create index tariffs_region on tariffs(region_id, id);

create table tariff_versions (
    id integer primary key,
    tariff_id integer not null references tariffs(id),
    product_id integer not null references products(id),
    provider_id integer references providers(id),
    unit text not null,
    amount_cents integer not null check (amount_cents >= 0),
    valid_from date not null,
    valid_until date,
    withdrawn boolean not null default false,
    note text,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index tariff_versions_tariff on tariff_versions(tariff_id, id);

-- Budgets (domain finance/budget.rs): of a region, or of one of its
-- municipalities. A version holds all lines; a begrotingswijziging is a
-- new version. Actuals of the lines not computed from the stays, per
-- month; a later actual for the same line and month replaces the earlier
-- one from its recording on.
create table budgets (
    id integer primary key,
    region_id integer not null references regions(id),
    municipality_code text,
    name text not null,
    created_at timestamp not null
);
create index budgets_region on budgets(region_id, id);

create table budget_versions (
    id integer primary key,
    budget_id integer not null references budgets(id),
    kind text not null,
    title text not null,
    note text,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index budget_versions_budget on budget_versions(budget_id, id);

create table budget_lines (
    id integer primary key,
    version_id integer not null references budget_versions(id),
    position integer not null,
    code text not null,
    side text not null,
    category text not null,
    label text not null,
    year integer,
    amount_cents integer check (amount_cents >= 0)
);
create index budget_lines_version on budget_lines(version_id, position, year);

create table budget_actuals (
    id integer primary key,
    budget_id integer not null references budgets(id),
    code text not null,
    year integer not null,
    month integer not null check (month between 1 and 12),
    amount_cents integer not null,
    note text,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index budget_actuals_budget on budget_actuals(budget_id, id);
