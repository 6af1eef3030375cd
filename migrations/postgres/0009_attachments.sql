-- Attachments (lampiran): photos and PDF documents on a report and on thread messages.
-- A file is *staged* when it arrives (processed and put in the file store; `report_id` and
-- `attached_at` null) and *attached* in the transaction that writes its report or message;
-- staged files never attached are swept. `token` is the staged file's handle in the form.
-- `event_id` names the thread entry (no foreign key: SQLite rebuilds that table to change
-- its checks); null is the report itself. The bytes live in the file store under the keys.
create table attachments (
    id bigserial primary key,
    token text not null unique,
    report_id bigint references reports(id) on delete cascade,
    event_id bigint,
    kind text not null check (kind in ('photo', 'pdf')),
    name text not null,
    bytes bigint not null,
    file_key text not null,
    thumb_key text,
    staged_at bigint not null,
    attached_at bigint
);
create index attachments_report on attachments(report_id, event_id);
create index attachments_staged on attachments(staged_at) where attached_at is null;
