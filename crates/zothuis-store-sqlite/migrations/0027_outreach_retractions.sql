-- A melding of zorgcoördinatie recorded in error is retracted, not
-- deleted (domain outreach/model.rs `Retraction`): the retraction is a row
-- of its own, so figures as known before it still count the melding.
create table outreach_report_retractions (
    id integer primary key,
    report_id integer not null unique references outreach_reports(id),
    reason text not null,
    recorded_at timestamp not null,
    recorded_by text not null
);
