-- Time zones of a nation: each government may have its own (Kalimantan Selatan and Timur are
-- WITA, Papua WIT). `time_zone` is what the system admin set (null: the same as the government
-- above); `zone` is the one in force, the organisation's own or the nearest one above it
-- (null: the deployment's, LAPOR_TIME_ZONE), kept by `orgs::set_time_zone` so that a report's
-- zone is one join away.
alter table organizations add column time_zone text check (time_zone in ('WIB', 'WITA', 'WIT'));
alter table organizations add column zone text check (zone in ('WIB', 'WITA', 'WIT'));
