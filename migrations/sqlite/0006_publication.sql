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
create table report_events_new (
    id integer primary key,
    report_id integer not null references reports(id) on delete cascade,
    at bigint not null,
    kind text not null check (kind in ('status', 'message', 'routed', 'reclassified', 'tightened', 'closed', 'redacted')),
    author_role text not null,
    author_account_id integer references accounts(id),
    from_status text,
    to_status text,
    body text not null default '',
    internal bigint not null default 0,
    org_id integer references organizations(id),
    reason text,
    note text not null default ''
);
insert into report_events_new select id, report_id, at, kind, author_role, author_account_id,
    from_status, to_status, body, internal, org_id, reason, note from report_events;
drop table report_events;
alter table report_events_new rename to report_events;
create index report_events_report on report_events(report_id, id);
