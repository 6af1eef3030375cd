-- Admin activity, one of the figures regions are evaluated by: when each account last signed
-- in (null: not since this column exists). With the sessions used within the last 30 days it
-- tells which officials are active (app/src/connectedness.rs).
alter table accounts add column last_sign_in_at bigint;
