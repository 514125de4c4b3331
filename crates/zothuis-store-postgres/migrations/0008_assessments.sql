-- The framework (afwegingskader) per product and assessments against it.

create table framework_criteria (
    id bigserial primary key,
    product_id bigint not null references products(id),
    text text not null,
    position bigint not null
);
create index framework_criteria_product on framework_criteria(product_id, position);

create table assessments (
    id bigserial primary key,
    application_id bigint not null references applications(id),
    client_id bigint not null references clients(id),
    assessed_on date not null,
    answers text not null,
    motivation text not null,
    meets boolean not null,
    recorded_at timestamptz not null,
    recorded_by text not null
);
create index assessments_application on assessments(application_id);
