//! lapor: the shared half of the application.
//!
//! Everything a page shows and every server function lives here, compiled twice: with `ssr`
//! into the server, with `hydrate` into the browser bundle. The app is built from *islands*:
//! pages are plain server-rendered HTML that work without JavaScript, and only the few parts
//! that gain from running in the browser (the report form) are shipped as WebAssembly. That is
//! what keeps the citizen's first load small on a cheap phone and a weak network.
//!
//! One module per domain concept: [`reports`] (filing, reading, listing), [`threads`] (the
//! conversation under a report), [`accounts`] (who signs in), [`staff`] (officials and their
//! scope), [`lifecycle`] (the state machine of a report), [`casework`] (inboxes and every
//! action officials take), [`admin`] (organisations, categories, staff accounts), [`orgs`] (the
//! government tree and categories). [`pages`] holds the components, [`error`] the one error
//! type, [`i18n`] the two languages.

// The admin and case pages are deep views; their types nest past the default limit.
#![recursion_limit = "256"]

rust_i18n::i18n!("locales", fallback = "id");

pub mod accounts;
pub mod admin;
pub mod calendar;
pub mod casework;
pub mod deadlines;
pub mod error;
pub mod figures;
pub mod i18n;
pub mod lifecycle;
pub mod live;
pub mod orgs;
pub mod pages;
pub mod reports;
pub mod resolution;
pub mod staff;
pub mod threads;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod state;

pub use pages::{App, shell};
