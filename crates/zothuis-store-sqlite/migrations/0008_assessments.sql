-- The framework (afwegingskader) per product and assessments against it.

create table framework_criteria (
    id integer primary key,
    product_id integer not null references products(id),
    text text not null,
    position integer not null
);
create index framework_criteria_product on framework_criteria(product_id, position);

create table assessments (
    id integer primary key,
    application_id integer not null references applications(id),
    client_id integer not null references clients(id),
    assessed_on date not null,
    answers text not null,
    motivation text not null,
    meets boolean not null,
    recorded_at timestamp not null,
    recorded_by text not null
);
create index assessments_application on assessments(application_id);
