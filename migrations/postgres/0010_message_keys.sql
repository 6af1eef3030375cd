-- A message's one-time key (`kunci`, handed out with its reply form): a message posted twice
-- with the same key (a retry after a lost answer, a phone's outbox sending again once the
-- signal returns) is stored once. Null for everything but messages from a form.
alter table report_events add column client_key text;
create unique index report_events_client_key on report_events (report_id, client_key)
    where client_key is not null;
