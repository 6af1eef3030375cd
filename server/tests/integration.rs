//! Integration tests: the plain domain functions against every database engine, and the HTTP
//! surface (pages, form posts, server functions) driven through the router with `oneshot`.
//!
//! SQLite always runs. PostgreSQL runs when `LAPOR_TEST_POSTGRES` names a server
//! (e.g. `postgres://postgres@127.0.0.1:5432`); each test gets a fresh database there. In CI
//! the variable is required, so a missing PostgreSQL fails the run instead of skipping half of it.

mod integration {
    pub mod account_safety;
    pub mod accounts;
    pub mod attachments;
    pub mod attachments_http;
    pub mod casework;
    pub mod change;
    pub mod completeness;
    pub mod connectedness;
    pub mod connections;
    pub mod deadlines;
    pub mod desk;
    pub mod duplicates;
    pub mod figures;
    pub mod figures_http;
    pub mod hardening;
    pub mod hostile;
    pub mod http;
    pub mod intake;
    pub mod intake_http;
    pub mod labels;
    pub mod live;
    pub mod migrations;
    pub mod notify;
    pub mod notify_http;
    pub mod open311;
    pub mod open311_client;
    pub mod ops;
    pub mod page_cache;
    pub mod processes;
    pub mod publication;
    pub mod real_servers;
    pub mod reports;
    pub mod rig;
    pub mod rolling_restart;
    pub mod search;
    pub mod shutdown;
    pub mod sms;
    pub mod staff_http;
    pub mod startup;
    pub mod support;
    pub mod threads;
    pub mod time_zones;
    pub mod together;
    pub mod two_servers;
    pub mod wilayah;
}
