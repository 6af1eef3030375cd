-- Officials at work: who answers for a report, the thread's richer events, staff accounts
-- that can be disabled, sessions that can all be ended, and slowed-down password guessing.

-- The government that verifies a report (null: the national admin's queue) and the OPD it is
-- forwarded to (null until disposition, and again after a "bukan wewenang" hand-back).
alter table reports add column owner_org_id bigint references organizations(id);
alter table reports add column opd_id bigint references organizations(id);
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

alter table report_events drop constraint report_events_kind_check;
alter table report_events add constraint report_events_kind_check
    check (kind in ('status', 'message', 'routed', 'reclassified', 'tightened'));
-- The organisation an event assigned the report to (routing, disposition), the archive
-- reason, and the officials-only part of why (the public part is `body`).
alter table report_events add column org_id bigint references organizations(id);
alter table report_events add column reason text;
alter table report_events add column note text not null default '';

alter table accounts add column active bigint not null default 1;

-- The account a session belongs to, so that "log out everywhere" and disabling an account end
-- every session at once.
alter table sessions add column account_id bigint;
create index sessions_account on sessions(account_id);

-- Failed logins per email address, to slow down guessing.
create table login_failures (
    email text not null,
    at bigint not null
);
create index login_failures_email on login_failures(email, at);
