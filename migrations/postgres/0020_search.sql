-- Search by words (search.rs). One row per report: what officials in scope may find (title,
-- body with location and place, the thread's messages, internal notes, weighted A to D) and
-- what the public may find (the published, redacted title and body), each as a tsvector of
-- the `indonesian` configuration over the folded text. Which reports a search may return is
-- decided by the listing's conditions, never by this table. Filled for the reports already
-- there by the server at start (`search::index_missing`).
create table report_search (
    report_id bigint primary key references reports(id) on delete cascade,
    staff tsvector not null,
    public tsvector not null
);
create index report_search_staff on report_search using gin (staff);
create index report_search_public on report_search using gin (public);
