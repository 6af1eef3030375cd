-- The conversation reaches the citizen: where each reporter is told of a report's changes,
-- the outbox of everything to send, the texts that came in by SMS, and password resets.

-- Where a report's reporter is told of its changes: an email address or a phone number, and
-- the language they used. Read only by the outbox worker and the unsubscribe page, never by a
-- staff query: for an anonymous report this is the only place its address is kept.
create table subscriptions (
    id integer primary key,
    report_id integer not null references reports(id) on delete cascade,
    channel text not null check (channel in ('email', 'sms')),
    address text not null,
    locale text not null default 'id',
    created_at bigint not null,
    unsubscribed_at bigint
);
create unique index subscriptions_report on subscriptions(report_id, channel);
create index subscriptions_address on subscriptions(channel, address);

-- Everything to send, written in the same transaction as the change that causes it and sent
-- by a worker on every server. A report's events waiting for one address gather in one row
-- (`events`: their ids, comma-separated), rendered when it is sent; other kinds carry their
-- text in `body`. `dedupe_key` keeps a row from being written twice (a daily digest).
create table outbox (
    id integer primary key,
    channel text not null check (channel in ('email', 'sms')),
    address text not null,
    locale text not null default 'id',
    kind text not null,
    report_id integer references reports(id) on delete cascade,
    subscription_id integer references subscriptions(id) on delete cascade,
    events text not null default '',
    subject text not null default '',
    body text not null default '',
    dedupe_key text unique,
    state text not null default 'waiting'
        check (state in ('waiting', 'sending', 'sent', 'failed', 'unsent')),
    attempts bigint not null default 0,
    last_error text not null default '',
    created_at bigint not null,
    due_at bigint not null,
    claimed_until bigint not null default 0,
    sent_at bigint
);
create index outbox_due on outbox(state, due_at);
create index outbox_gather on outbox(report_id, channel, address, state);

-- Each text the SMS gateway delivered, once: a repeated delivery of the same message is
-- recognised by its gateway id; a flood from one number by counting its recent texts.
create table sms_inbox (
    id integer primary key,
    gateway_id text not null unique,
    sender text not null,
    received_at bigint not null,
    outcome text not null default ''
);
create index sms_inbox_sender on sms_inbox(sender, received_at);

-- One-time password reset links (by email) and codes (by SMS); only a hash is stored.
create table password_resets (
    token_hash text primary key,
    account_id integer not null references accounts(id) on delete cascade,
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint
);
create index password_resets_account on password_resets(account_id);

-- Officials may ask to be emailed when a report is forwarded to their organisation, and for
-- a daily digest of the overdue reports in their scope.
alter table accounts add column notify_forwarded bigint not null default 0;
alter table accounts add column notify_digest bigint not null default 0;
