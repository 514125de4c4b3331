-- Policy plans. Every change of a plan (progress entered, a decision added)
-- is a new version of the whole plan document, so a published report can
-- be regenerated from the plan as it was then.
create table plans (
    id bigserial primary key,
    region_id bigint not null references regions(id),
    title text not null,
    created_at timestamptz not null
);

create table plan_versions (
    id bigserial primary key,
    plan_id bigint not null references plans(id),
    document text not null,
    recorded_at timestamptz not null,
    recorded_by text not null
);
create index plan_versions_plan on plan_versions(plan_id, id);
