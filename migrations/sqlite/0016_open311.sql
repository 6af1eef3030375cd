-- Open to other systems (Open311 GeoReport v2): the keys the system admin issues to the
-- systems that may file reports through the API, and where a report filed with one came from.
-- A key is shown once when issued; only its SHA-256 is kept (keys are long random strings,
-- so a plain hash is enough), with a short hint so the admin can tell keys apart.
create table api_keys (
    id integer primary key,
    name text not null,
    key_hash text not null unique,
    hint text not null,
    created_by integer references accounts(id),
    created_at integer not null,
    -- Set when the admin revoked it: from then on it is refused.
    revoked_at integer,
    last_used_at integer
);

-- Coordinates a report may come with (an Open311 client sends `lat` and `long`).
alter table reports add column latitude real;
alter table reports add column longitude real;
-- The API key a report was filed with (null: not through the API).
alter table reports add column api_key_id integer references api_keys(id);

-- `servicerequestupdates` reads thread entries by when they were written.
create index report_events_at on report_events(at);
