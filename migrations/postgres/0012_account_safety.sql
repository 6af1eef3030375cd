-- Officials' accounts kept safe: a second factor (an authenticator app, RFC 6238) with
-- recovery codes, and an audit log of what the system admin did and of every view of a
-- reporter's contact, which nobody can change afterwards.

-- An account's authenticator: its secret (base32), when the owner proved to have it (null
-- while enrolling), and the last time step accepted, so that one code signs in only once.
create table second_factors (
    account_id bigint primary key references accounts(id) on delete cascade,
    secret text not null,
    confirmed_at bigint,
    last_step bigint not null default 0,
    created_at bigint not null
);

-- One-time recovery codes for a lost phone; only their SHA-256 is kept.
create table recovery_codes (
    id bigserial primary key,
    account_id bigint not null references accounts(id) on delete cascade,
    code_hash text not null,
    used_at bigint
);
create index recovery_codes_account on recovery_codes(account_id);

-- What was done, by whom, to what, when. `actor_name` is kept as it was then; `org_id` is the
-- organisation the entry concerns (an account's, a report's holder), null when national.
create table audit_log (
    id bigserial primary key,
    at bigint not null,
    actor_id bigint,
    actor_name text not null,
    action text not null,
    subject text not null default '',
    detail text not null default '',
    org_id bigint
);
create index audit_log_at on audit_log(at);
create index audit_log_action on audit_log(action, at);
create index audit_log_actor on audit_log(actor_id, at);

-- Entries are only ever added: changing, deleting or truncating them fails.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only();
