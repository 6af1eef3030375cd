-- Figures that stay fast with millions of reports: what every report adds to the figures is
-- summed per month, government, OPD and category (`figure_cells`), and its measured durations
-- are counted per tenth of a working day for medians (`figure_durations`, per government and
-- per OPD). `report_figures` keeps what each report added, so that a change takes out exactly
-- that and adds the new. All three are rebuilt from `reports` when they disagree with it.
create table report_figures (
    report_id bigint primary key references reports(id) on delete cascade,
    month bigint not null,
    owner_id bigint not null,
    opd_id bigint not null,
    category_id bigint not null,
    finished bigint not null,
    archived bigint not null,
    followed bigint not null,
    rated bigint not null,
    rating bigint not null,
    verify_secs bigint,
    verify_ok bigint not null,
    follow_up_secs bigint,
    follow_up_ok bigint not null,
    resolve_secs bigint,
    resolve_ok bigint not null
);

create table figure_cells (
    month bigint not null,
    owner_id bigint not null,
    opd_id bigint not null,
    category_id bigint not null,
    received bigint not null default 0,
    finished bigint not null default 0,
    archived bigint not null default 0,
    followed bigint not null default 0,
    rated bigint not null default 0,
    rating_sum bigint not null default 0,
    verify_n bigint not null default 0,
    verify_sum bigint not null default 0,
    verify_ok bigint not null default 0,
    follow_up_n bigint not null default 0,
    follow_up_sum bigint not null default 0,
    follow_up_ok bigint not null default 0,
    resolve_n bigint not null default 0,
    resolve_sum bigint not null default 0,
    resolve_ok bigint not null default 0,
    primary key (month, owner_id, opd_id, category_id)
);
create index figure_cells_owner on figure_cells(owner_id, month);
create index figure_cells_opd on figure_cells(opd_id, month);

-- level 0: per government (owner_id; 0 for reports no government answers for yet),
-- level 1: per OPD.
create table figure_durations (
    level bigint not null,
    org_id bigint not null,
    month bigint not null,
    measure text not null,
    tenths bigint not null,
    n bigint not null default 0,
    primary key (level, org_id, month, measure, tenths)
);
