-- The officials' desk: who in an organisation handles a report, what each official has read,
-- whether the citizen waits for an answer, and the organisation's reply templates.

-- The official handling a report in the organisation that holds it (null: unassigned). Moving
-- the report to another organisation leaves it unassigned there.
alter table reports add column assignee_id integer references accounts(id);
create index reports_assignee on reports(assignee_id);
-- 1 when the last public message is the citizen's: they wait for an answer.
alter table reports add column awaiting_answer bigint not null default 0;
update reports set awaiting_answer = coalesce((
    select case when e.author_role = 'pelapor' then 1 else 0 end from report_events e
    where e.report_id = reports.id and e.internal = 0 and e.body <> ''
      and e.kind in ('message', 'status')
    order by e.id desc limit 1), 0);

-- An 'assigned' entry records a taking, an assignment or a release (internal): its author did
-- it, `assignee_id` is who handles the report from then on (null: nobody), `reason` why a
-- release happened without anyone choosing it (`deactivated`).
create table report_events_new (
    id integer primary key,
    report_id integer not null references reports(id) on delete cascade,
    at bigint not null,
    kind text not null check (kind in ('status', 'message', 'routed', 'reclassified', 'tightened', 'closed', 'redacted', 'entered', 'assigned')),
    author_role text not null,
    author_account_id integer references accounts(id),
    from_status text,
    to_status text,
    body text not null default '',
    internal bigint not null default 0,
    org_id integer references organizations(id),
    reason text,
    note text not null default '',
    client_key text,
    assignee_id integer references accounts(id)
);
insert into report_events_new select id, report_id, at, kind, author_role, author_account_id,
    from_status, to_status, body, internal, org_id, reason, note, client_key, null
    from report_events;
drop table report_events;
alter table report_events_new rename to report_events;
create index report_events_report on report_events(report_id, id);
create unique index report_events_client_key on report_events (report_id, client_key)
    where client_key is not null;

-- The newest entry of a report each official has seen: what is new for them since.
create table case_reads (
    account_id integer not null references accounts(id) on delete cascade,
    report_id integer not null references reports(id) on delete cascade,
    seen_event_id bigint not null,
    primary key (account_id, report_id)
);

-- An organisation's reply templates ("balasan cepat"), with placeholders filled when used.
create table reply_templates (
    id integer primary key,
    org_id integer not null references organizations(id),
    title text not null,
    body text not null,
    updated_at bigint not null
);
create index reply_templates_org on reply_templates(org_id, title);
