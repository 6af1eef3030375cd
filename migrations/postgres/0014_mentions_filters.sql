-- Working together at the desk: an internal note that names a colleague (`@nama`) reaches
-- them (their inbox lists it until they open the report), and officials keep the inbox
-- filters they use often under a name of their own.

create table mentions (
    event_id bigint not null references report_events(id) on delete cascade,
    account_id bigint not null references accounts(id),
    report_id bigint not null references reports(id) on delete cascade,
    by_account_id bigint references accounts(id),
    created_at bigint not null,
    -- When the official opened the report after the note (null: not yet).
    seen_at bigint,
    primary key (event_id, account_id)
);
create index mentions_unseen on mentions(account_id, report_id) where seen_at is null;

create table saved_filters (
    id bigserial primary key,
    account_id bigint not null references accounts(id),
    name text not null,
    -- The inbox's query string as the filter was saved (`lihat=saya&label=3`).
    query text not null,
    created_at bigint not null,
    unique (account_id, name)
);
