-- Published progress reports (voortgangsrapportages). Publishing freezes a
-- report: the plan text as it was (document), the introduction, the
-- reporting period, the peildatum and the moment of publication. The
-- figures are regenerated as known at that moment; the snapshot taken at
-- publication lets zothuis prove they come out the same.
create table plan_reports (
    id integer primary key,
    plan_id integer not null references plans(id),
    plan_version_id integer not null references plan_versions(id),
    period text not null,
    peildatum date not null,
    introduction text not null,
    document text not null,
    figures text not null,
    published_at timestamp not null,
    published_by text not null
);
create index plan_reports_plan on plan_reports(plan_id, id);
