//! One unit of work for every change of a report.
//!
//! A change of a report is more than its own `update`: the thread records it, the deadline
//! clocks and the figures' running sums derive from it, and the streams of everyone watching
//! must hear of it, but only once it is committed. Written out by hand at every writer, one
//! of those steps is eventually forgotten by the next writer. So every writer opens a
//! [`Change`], makes its statements and records its events through it, and ends with
//! [`Change::commit`], which does the rest in order:
//!
//! 1. the events are already recorded, in the same transaction as the statements;
//! 2. the clocks of every report that got an event are recomputed and stored, and the figures'
//!    sums brought in step (`deadlines::refresh`); its entry in the search index too
//!    (`search::index`: its words, its thread's, its public version);
//! 3. the notifications they cause are written to the outbox (`notify::enqueue`): the
//!    reporter's email or SMS, an official's "forwarded to you";
//! 4. the transaction commits, so the events, their clocks and their notifications are
//!    stored together or not at all;
//! 5. the events are announced to the live streams of every server.
//!
//! A change dropped without commit rolls back: nothing is stored and nothing announced.
//!
//! [`Store`] is what a writer needs for that: the database, the live hub beside it, and the
//! file store attachments live in.

use crate::db::Db;
use crate::live::Hub;
use crate::threads::{self, EventKind, NewEvent};
use sqlx::{Any, AnyConnection, Transaction};

/// The database and the live hub of this server: what every change is written to and
/// announced through. Reads only need the [`Db`] inside (it dereferences to it).
#[derive(Debug, Clone)]
pub struct Store {
    pub db: Db,
    pub hub: Hub,
    pub blobs: crate::attachments::blobs::Blobs,
}

impl std::ops::Deref for Store {
    type Target = Db;

    fn deref(&self) -> &Db {
        &self.db
    }
}

impl Store {
    /// Connects to `url` (see [`Db::connect`]); on PostgreSQL the hub listens there for the
    /// changes other servers make.
    pub async fn connect(url: &str) -> Result<Store, sqlx::Error> {
        let db = Db::connect(url).await?;
        Ok(Store::new(db, url))
    }

    /// A store over a database already connected to `url`, with its files in the default
    /// place for it ([`crate::attachments::blobs::default_dir`]).
    pub fn new(db: Db, url: &str) -> Store {
        let postgres = matches!(db.engine, crate::db::Engine::Postgres);
        let dir = crate::attachments::blobs::default_dir(url);
        let blobs = crate::attachments::blobs::Blobs::open(
            &crate::attachments::blobs::BlobConfig::Dir(dir.clone()),
        )
        .unwrap_or_else(|e| panic!("file directory {}: {e}", dir.display()));
        Store {
            db,
            hub: Hub::new(postgres.then(|| url.to_owned())),
            blobs,
        }
    }

    /// The same store with its files in `blobs`.
    pub fn with_blobs(self, blobs: crate::attachments::blobs::Blobs) -> Store {
        Store { blobs, ..self }
    }

    /// Opens a change at `now`.
    pub async fn change(&self, now: i64) -> Result<Change<'_>, sqlx::Error> {
        Ok(Change {
            store: self,
            tx: self.db.pool.begin().await?,
            now,
            events: Vec::new(),
            reports: Vec::new(),
            recorded: Vec::new(),
        })
    }
}

/// A change being made; see the module documentation.
pub struct Change<'s> {
    store: &'s Store,
    tx: Transaction<'static, Any>,
    now: i64,
    events: Vec<i64>,
    reports: Vec<i64>,
    recorded: Vec<crate::notify::Recorded>,
}

impl Change<'_> {
    /// The moment of the change.
    pub fn now(&self) -> i64 {
        self.now
    }

    /// The connection of the change's transaction, for its own statements.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Records an entry in a report's thread; that report's clocks and sums are refreshed
    /// at commit.
    pub async fn record(&mut self, event: NewEvent<'_>) -> Result<i64, sqlx::Error> {
        let report = event.report_id;
        let id = threads::record(&mut self.tx, &event).await?;
        // Whether the citizen waits for an answer: their public words set it, an official's
        // (a reply, a question while on hold, a closing message) clear it.
        if !event.internal
            && !event.body.is_empty()
            && matches!(event.kind, EventKind::Message | EventKind::Status)
        {
            sqlx::query("update reports set awaiting_answer = $1 where id = $2")
                .bind(i64::from(event.author_role == "pelapor"))
                .bind(report)
                .execute(&mut *self.tx)
                .await?;
        }
        self.events.push(id);
        self.recorded.push(crate::notify::Recorded::of(&event, id));
        if !self.reports.contains(&report) {
            self.reports.push(report);
        }
        Ok(id)
    }

    /// Refreshes, commits and announces (see the module documentation); returns the ids of
    /// the recorded events.
    pub async fn commit(mut self) -> Result<Vec<i64>, sqlx::Error> {
        for &report in &self.reports {
            crate::deadlines::refresh(&self.store.db, &mut self.tx, report, self.now).await?;
            crate::search::index(self.store.db.engine, &mut self.tx, report).await?;
        }
        crate::notify::enqueue(
            &mut self.tx,
            &self.recorded,
            self.now,
            self.store.db.gather_secs,
        )
        .await?;
        self.tx.commit().await?;
        self.store.hub.announce(&self.store.db, &self.events).await;
        Ok(self.events)
    }
}
