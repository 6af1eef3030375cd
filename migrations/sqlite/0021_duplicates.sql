-- Possible duplicates (duplicates.rs). A report the coordinator marked as a duplicate names its
-- original (it is archived; its reporter follows the original from then on, and the figures
-- count only the original). A support ("saya juga mengalami ini") is one person reporting
-- the same as a public report: the account, or a keyed hash of the email or phone number,
-- never the address itself; one per person and report.
alter table reports add column duplicate_of integer references reports(id);
create index reports_duplicate_of on reports(duplicate_of) where duplicate_of is not null;
create table report_supports (
    report_id integer not null references reports(id) on delete cascade,
    supporter text not null,
    created_at integer not null,
    primary key (report_id, supporter)
);
