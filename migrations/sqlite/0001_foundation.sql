-- The government tree: national -> ministry or province -> regency/city -> OPD.
create table organizations (
    id integer primary key,
    parent_id integer references organizations(id),
    kind text not null check (kind in ('national', 'ministry', 'province', 'regency', 'city', 'opd')),
    code text not null unique,
    name text not null
);
create index organizations_parent on organizations(parent_id);

create table categories (
    id integer primary key,
    code text not null unique,
    name_id text not null,
    name_en text not null
);

create table accounts (
    id integer primary key,
    email text not null unique,
    password_hash text not null,
    name text not null,
    phone text not null default '',
    role text not null default 'pelapor',
    org_id integer references organizations(id),
    created_at bigint not null
);

create table sessions (
    id text primary key,
    data text not null,
    expires_at bigint not null
);
create index sessions_expiry on sessions(expires_at);

create table reports (
    id integer primary key,
    tracking_id text not null unique,
    access_hash text not null,
    submission_key text unique,
    kind text not null check (kind in ('pengaduan', 'aspirasi', 'permintaan_informasi')),
    title text not null,
    body text not null,
    category_id integer not null references categories(id),
    incident_date text,
    location text not null default '',
    target_org_id integer references organizations(id),
    anonymous bigint not null default 0,
    confidential bigint not null default 0,
    channel text not null default 'web',
    status text not null default 'submitted',
    received_at bigint not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index reports_public_listing on reports(confidential, received_at desc);
create index reports_status on reports(status);

-- Who filed a report. Kept apart from the report so that no query that shows a report to
-- anyone else can pick it up by accident: only the reporter's own views read this table.
create table reporters (
    report_id integer primary key references reports(id) on delete cascade,
    account_id integer references accounts(id),
    name text not null default '',
    email text not null default '',
    phone text not null default ''
);
create index reporters_account on reporters(account_id);

-- Flags are 0/1 integers: sqlx's Any driver reads no SQLite boolean.
-- The thread under a report: messages and status changes, oldest first.
create table report_events (
    id integer primary key,
    report_id integer not null references reports(id) on delete cascade,
    at bigint not null,
    kind text not null check (kind in ('status', 'message')),
    author_role text not null,
    author_account_id integer references accounts(id),
    from_status text,
    to_status text,
    body text not null default '',
    internal bigint not null default 0
);
create index report_events_report on report_events(report_id, id);

create table settings (
    key text primary key,
    value text not null
);
