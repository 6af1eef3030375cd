-- Deadlines and the figures regions are judged by (DOMAIN.md, "Deadlines", "Figures").

-- Days off besides weekends: national holidays and collective leave, edited by the system
-- admin. 2026 ships with the app (SKB 3 Menteri No. 1497, 2 and 5 of 2025).
create table holidays (
    date text primary key,
    name text not null,
    kind text not null check (kind in ('libur', 'cuti_bersama'))
);
insert into holidays (date, name, kind) values
    ('2026-01-01', 'Tahun Baru 2026 Masehi', 'libur'),
    ('2026-01-16', 'Isra Mikraj Nabi Muhammad SAW', 'libur'),
    ('2026-02-16', 'Cuti bersama Tahun Baru Imlek', 'cuti_bersama'),
    ('2026-02-17', 'Tahun Baru Imlek 2577 Kongzili', 'libur'),
    ('2026-03-18', 'Cuti bersama Hari Suci Nyepi', 'cuti_bersama'),
    ('2026-03-19', 'Hari Suci Nyepi Tahun Baru Saka 1948', 'libur'),
    ('2026-03-20', 'Cuti bersama Idulfitri', 'cuti_bersama'),
    ('2026-03-21', 'Idulfitri 1447 Hijriah', 'libur'),
    ('2026-03-22', 'Idulfitri 1447 Hijriah', 'libur'),
    ('2026-03-23', 'Cuti bersama Idulfitri', 'cuti_bersama'),
    ('2026-03-24', 'Cuti bersama Idulfitri', 'cuti_bersama'),
    ('2026-04-03', 'Wafat Yesus Kristus', 'libur'),
    ('2026-04-05', 'Kebangkitan Yesus Kristus (Paskah)', 'libur'),
    ('2026-05-01', 'Hari Buruh Internasional', 'libur'),
    ('2026-05-14', 'Kenaikan Yesus Kristus', 'libur'),
    ('2026-05-15', 'Cuti bersama Kenaikan Yesus Kristus', 'cuti_bersama'),
    ('2026-05-27', 'Iduladha 1447 Hijriah', 'libur'),
    ('2026-05-28', 'Cuti bersama Iduladha', 'cuti_bersama'),
    ('2026-05-31', 'Hari Raya Waisak 2570 BE', 'libur'),
    ('2026-06-01', 'Hari Lahir Pancasila', 'libur'),
    ('2026-06-16', 'Tahun Baru Islam 1448 Hijriah', 'libur'),
    ('2026-08-17', 'Hari Kemerdekaan Republik Indonesia', 'libur'),
    ('2026-08-25', 'Maulid Nabi Muhammad SAW', 'libur'),
    ('2026-12-24', 'Cuti bersama Hari Raya Natal', 'cuti_bersama'),
    ('2026-12-25', 'Hari Raya Natal', 'libur');

-- A category may take longer (or shorter) to resolve than the default.
alter table categories add column resolve_days bigint;

-- Closed for good: confirmed by the citizen, or its contest window ran out.
alter table reports add column closed_at bigint;
-- The citizen's rating (1-5) when confirming, with an optional comment.
alter table reports add column rating bigint;
alter table reports add column rating_comment text not null default '';
-- The clocks (app/src/deadlines.rs), kept so that figures and "overdue now" are plain SQL:
-- working seconds a stopped clock took and whether that was within its limit (as the limit
-- was then), and the deadline of each running clock. `due_at` is the earliest of those.
alter table reports add column verify_secs bigint;
alter table reports add column follow_up_secs bigint;
alter table reports add column resolve_secs bigint;
alter table reports add column verify_ok bigint;
alter table reports add column follow_up_ok bigint;
alter table reports add column resolve_ok bigint;
alter table reports add column verify_due_at bigint;
alter table reports add column follow_up_due_at bigint;
alter table reports add column resolve_due_at bigint;
alter table reports add column contest_until bigint;
alter table reports add column due_at bigint;
-- Whether the clocks were ever computed (reports filed before this migration are computed
-- once at the next start).
alter table reports add column clocks_at bigint;
create index reports_due on reports(due_at);
create index reports_received on reports(received_at);
create index reports_contest on reports(contest_until);

-- New thread entries: a report closed for good (reason: confirmed or expired).
alter table report_events drop constraint report_events_kind_check;
alter table report_events add constraint report_events_kind_check
    check (kind in ('status', 'message', 'routed', 'reclassified', 'tightened', 'closed'));
