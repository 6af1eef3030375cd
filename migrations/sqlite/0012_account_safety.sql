-- Officials' accounts kept safe: a second factor (an authenticator app, RFC 6238) with
-- recovery codes, and an audit log of what the system admin did and of every view of a
-- reporter's contact, which nobody can change afterwards.

-- An account's authenticator: its secret (base32), when the owner proved to have it (null
-- while enrolling), and the last time step accepted, so that one code signs in only once.
create table second_factors (
    account_id integer primary key references accounts(id) on delete cascade,
    secret text not null,
    confirmed_at integer,
    last_step integer not null default 0,
    created_at integer not null
);

-- One-time recovery codes for a lost phone; only their SHA-256 is kept.
create table recovery_codes (
    id integer primary key,
    account_id integer not null references accounts(id) on delete cascade,
    code_hash text not null,
    used_at integer
);
create index recovery_codes_account on recovery_codes(account_id);

-- What was done, by whom, to what, when. `actor_name` is kept as it was then; `org_id` is the
-- organisation the entry concerns (an account's, a report's holder), null when national.
-- `autoincrement`: an id is never given twice, even after the newest entry.
create table audit_log (
    id integer primary key autoincrement,
    at integer not null,
    actor_id integer,
    actor_name text not null,
    action text not null,
    subject text not null default '',
    detail text not null default '',
    org_id integer
);
create index audit_log_at on audit_log(at);
create index audit_log_action on audit_log(action, at);
create index audit_log_actor on audit_log(actor_id, at);

create trigger audit_log_no_update before update on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;
create trigger audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;
