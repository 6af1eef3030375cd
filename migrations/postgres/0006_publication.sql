-- Published only after verification (DOMAIN.md, "A report"): a report is public from the
-- moment an official verified it (`published_at`), never before. The verifying official may
-- redact the public version of the title and body (`public_title`, `public_body`; null: the
-- original is public); the reporter and officials keep the original. Reports verified before
-- this migration were public already and stay so, from their verification.
alter table reports add column published_at bigint;
alter table reports add column public_title text;
alter table reports add column public_body text;
update reports set published_at = (
    select min(e.at) from report_events e
    where e.report_id = reports.id and e.to_status = 'verified'
);

-- A redaction is recorded in the report's history ('redacted', reason: the fields).
alter table report_events drop constraint report_events_kind_check;
alter table report_events add constraint report_events_kind_check
    check (kind in ('status', 'message', 'routed', 'reclassified', 'tightened', 'closed', 'redacted'));
