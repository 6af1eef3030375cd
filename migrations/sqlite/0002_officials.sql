-- Officials at work: who answers for a report, the thread's richer events, staff accounts
-- that can be disabled, sessions that can all be ended, and slowed-down password guessing.

-- The government that verifies a report (null: the national admin's queue) and the OPD it is
-- forwarded to (null until disposition, and again after a "bukan wewenang" hand-back).
alter table reports add column owner_org_id integer references organizations(id);
alter table reports add column opd_id integer references organizations(id);
-- The status a report had when it was put on hold, to resume to.
alter table reports add column before_hold text;
-- When the status last changed: how long a report has waited where it is.
alter table reports add column status_changed_at bigint not null default 0;
update reports set status_changed_at = received_at;
update reports set owner_org_id = (
    select case when o.kind = 'opd' then o.parent_id else o.id end
    from organizations o where o.id = reports.target_org_id);
create index reports_owner on reports(owner_org_id, status);
create index reports_opd on reports(opd_id, status);

-- SQLite cannot change a check constraint in place: rebuild the events table with the new
-- kinds, the organisation an event assigned the report to (routing, disposition), the archive
-- reason, and the officials-only part of why (the public part is `body`).
create table report_events_new (
    id integer primary key,
    report_id integer not null references reports(id) on delete cascade,
    at bigint not null,
    kind text not null check (kind in ('status', 'message', 'routed', 'reclassified', 'tightened')),
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
insert into report_events_new (id, report_id, at, kind, author_role, author_account_id,
    from_status, to_status, body, internal)
select id, report_id, at, kind, author_role, author_account_id, from_status, to_status, body,
    internal from report_events;
drop table report_events;
alter table report_events_new rename to report_events;
create index report_events_report on report_events(report_id, id);

alter table accounts add column active bigint not null default 1;

-- The account a session belongs to, so that "log out everywhere" and disabling an account end
-- every session at once.
alter table sessions add column account_id integer;
create index sessions_account on sessions(account_id);

-- Failed logins per email address, to slow down guessing.
create table login_failures (
    email text not null,
    at bigint not null
);
create index login_failures_email on login_failures(email, at);
