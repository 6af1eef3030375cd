-- Open to other systems (Open311 GeoReport v2): the keys the system admin issues to the
-- systems that may file reports through the API, and where a report filed with one came from.
-- A key is shown once when issued; only its SHA-256 is kept (keys are long random strings,
-- so a plain hash is enough), with a short hint so the admin can tell keys apart.
create table api_keys (
    id bigserial primary key,
    name text not null,
    key_hash text not null unique,
    hint text not null,
    created_by bigint references accounts(id),
    created_at bigint not null,
    -- Set when the admin revoked it: from then on it is refused.
    revoked_at bigint,
    last_used_at bigint
);

-- Coordinates a report may come with (an Open311 client sends `lat` and `long`).
alter table reports add column latitude double precision;
alter table reports add column longitude double precision;
-- The API key a report was filed with (null: not through the API).
alter table reports add column api_key_id bigint references api_keys(id);

-- `servicerequestupdates` reads thread entries by when they were written.
create index report_events_at on report_events(at);
