-- A melding of zorgcoördinatie recorded in error is retracted, not
-- deleted (domain outreach/model.rs `Retraction`): the retraction is a row
-- of its own, so figures as known before it still count the melding.
create table outreach_report_retractions (
    id bigserial primary key,
    report_id bigint not null unique references outreach_reports(id),
    reason text not null,
    recorded_at timestamptz not null,
    recorded_by text not null
);
