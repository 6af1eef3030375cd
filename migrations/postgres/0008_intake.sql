-- Every complaint gets in: reports an official types in (taken at a counter, by phone, by
-- letter) or imports from a spreadsheet of a backlog, and the channel in the figures.

-- A report typed in by an official carries an 'entered' entry: who typed it in (its author)
-- and when (its `at`), with the channel as `reason`; its receipt stays at the original
-- received-at.
alter table report_events drop constraint report_events_kind_check;
alter table report_events add constraint report_events_kind_check
    check (kind in ('status', 'message', 'routed', 'reclassified', 'tightened', 'closed', 'redacted', 'entered'));

-- Reports received per channel, summed like `figure_cells` (month, government, OPD). Each
-- report's channel joins what it contributes (`report_figures`); emptied here, the sums are
-- rebuilt from `reports` at the next start (figures' `ensure`).
alter table report_figures add column channel text not null default 'web';
delete from report_figures;
create table figure_channels (
    month bigint not null,
    owner_id bigint not null,
    opd_id bigint not null,
    channel text not null,
    received bigint not null default 0,
    finished bigint not null default 0,
    primary key (month, owner_id, opd_id, channel)
);
create index figure_channels_owner on figure_channels(owner_id, month);
create index figure_channels_opd on figure_channels(opd_id, month);

-- A backlog file a coordinator uploaded: kept as uploaded (UTF-8 text) between the preview
-- and the official's confirmation, then imported row by row; `rows_done` is the progress.
create table imports (
    id bigserial primary key,
    org_id bigint not null references organizations(id),
    account_id bigint not null references accounts(id),
    file_name text not null,
    file_sha text not null,
    content text not null,
    rows_total bigint not null,
    rows_valid bigint not null,
    state text not null default 'preview' check (state in ('preview', 'running', 'done')),
    rows_done bigint not null default 0,
    created_at bigint not null,
    started_at bigint,
    progressed_at bigint,
    finished_at bigint
);
create index imports_org on imports(org_id, id);

-- What each line of an import became: the report it created, or the one that already held
-- the same row (`created` 0: a second import of the same row creates nothing).
create table import_rows (
    import_id bigint not null references imports(id) on delete cascade,
    line bigint not null,
    report_id bigint not null references reports(id) on delete cascade,
    created bigint not null,
    primary key (import_id, line)
);
