-- Labels and the map of complaints: officials name what a report is about ("jalan rusak",
-- "banjir"), per organisation, and note where it happened (kelurahan/kecamatan), so that the
-- inbox can be filtered by label and the figures show what and where people complain about.

create table labels (
    id bigserial primary key,
    org_id bigint not null references organizations(id),
    name text not null,
    created_at bigint not null,
    unique (org_id, name)
);

create table report_labels (
    report_id bigint not null references reports(id) on delete cascade,
    label_id bigint not null references labels(id) on delete cascade,
    added_by bigint references accounts(id),
    added_at bigint not null,
    primary key (report_id, label_id)
);
create index report_labels_label on report_labels(label_id, report_id);

-- The kelurahan/kecamatan of a report as an official noted it ('' : not noted yet).
alter table reports add column area text not null default '';
create index reports_area on reports(area) where area <> '';
