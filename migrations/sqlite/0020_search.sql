-- Search by words (search.rs). One row per report, its rowid the report's id, holding the
-- Snowball stems of its words: what officials in scope may find (title, body with location
-- and place, the thread's messages, internal notes) and what the public may find (the
-- published, redacted title and body). Contentless: the text itself stays in `reports` and
-- `report_events`; `contentless_delete` lets a report's row be replaced when it changes.
-- Filled for the reports already there by the server at start (`search::index_missing`).
create virtual table report_search using fts5(
    title, body, thread, notes, public_title, public_body,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
