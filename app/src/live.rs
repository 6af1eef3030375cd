//! Who may learn of a change as it happens (groundwork for live updates).
//!
//! Every change to a report is a row of `report_events` (filing, status changes, messages,
//! internal notes, routing). A live update announces only a *reference* to that row; each
//! server loads the few facts below once per event and decides, in memory and per open
//! stream, whether the viewer behind the stream may know of it. The facts carry nothing about
//! the reporter, so even a wrong decision could not leak an identity; the decision itself keeps
//! confidential reports off public pages, internal notes away from citizens, and each OPD to
//! its own reports.

use crate::threads::EventKind;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What a server needs to know about one new thread entry to route it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFacts {
    /// `report_events.id`: also the SSE event id a reconnecting client resumes from.
    pub id: i64,
    pub report_id: i64,
    pub tracking_id: String,
    pub kind: EventKind,
    /// An internal note (or an internal record such as a reclassification).
    pub internal: bool,
    pub confidential: bool,
    /// Verified, so public: before that the public hears nothing of the report.
    pub published: bool,
    /// The government answering for the report; `None`: the national queue.
    pub owner_org_id: Option<i64>,
    /// The OPD holding the report.
    pub opd_id: Option<i64>,
}

/// Who is behind an open stream, as far as routing is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Anyone, watching the public pages of these reports (tracking IDs).
    Public { watching: HashSet<String> },
    /// A reporter, proven (by access code or account) for these reports.
    Reporter { reports: HashSet<i64> },
    /// An official whose scope is these organisations (its subtree); `root` also sees the
    /// reports that name no agency.
    Staff { scope: HashSet<i64>, root: bool },
}

/// Everyone behind one stream: a viewer may be, at once, a reporter of some reports and a
/// public reader of others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audiences(pub Vec<Audience>);

impl Audiences {
    pub fn admits(&self, e: &EventFacts) -> bool {
        self.0.iter().any(|a| a.admits(e))
    }
}

impl Audience {
    /// Whether this audience may learn of the event.
    pub fn admits(&self, e: &EventFacts) -> bool {
        match self {
            Audience::Public { watching } => {
                !e.internal && !e.confidential && e.published && watching.contains(&e.tracking_id)
            }
            Audience::Reporter { reports } => !e.internal && reports.contains(&e.report_id),
            Audience::Staff { scope, root } => {
                let in_scope = |org: Option<i64>| org.is_some_and(|o| scope.contains(&o));
                in_scope(e.owner_org_id)
                    || in_scope(e.opd_id)
                    || (*root && e.owner_org_id.is_none())
            }
        }
    }
}

/// What an official is doing on a report's page, as the others there are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Activity {
    /// The page is open.
    Viewing,
    /// Typing in the reply box.
    Typing,
    /// The page was closed.
    Left,
}

impl Activity {
    pub const ALL: [Activity; 3] = [Activity::Viewing, Activity::Typing, Activity::Left];

    pub fn code(self) -> &'static str {
        match self {
            Activity::Viewing => "lihat",
            Activity::Typing => "ketik",
            Activity::Left => "pergi",
        }
    }

    pub fn from_code(code: &str) -> Option<Activity> {
        Activity::ALL.into_iter().find(|a| a.code() == code.trim())
    }
}

/// Another official on the same report's page now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub name: String,
    pub typing: bool,
}

/// An official's presence on a report's page, as servers pass it on: who (by name only), on
/// which report (with what routes it to officials in scope), doing what, since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceNote {
    pub tracking_id: String,
    pub owner_org_id: Option<i64>,
    pub opd_id: Option<i64>,
    pub account_id: i64,
    pub name: String,
    pub activity: Activity,
    pub at: i64,
    /// The server that heard it first (it does not take its own note twice).
    #[serde(default)]
    pub server: u64,
}

impl PresenceNote {
    /// What routing needs of it: an internal fact of the report, for officials in scope only.
    pub fn facts(&self) -> EventFacts {
        EventFacts {
            id: 0,
            report_id: 0,
            tracking_id: self.tracking_id.clone(),
            kind: EventKind::Message,
            internal: true,
            confidential: true,
            published: false,
            owner_org_id: self.owner_org_id,
            opd_id: self.opd_id,
        }
    }
}

/// How long a page counts as open after its last sign of life (pages send one every 20 s).
pub const PRESENCE_SECS: i64 = 45;

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::Db;
    use crate::error::AppResult;
    use crate::staff::Staff;
    use sqlx::Row;
    use sqlx::any::AnyRow;

    const FACTS: &str = "select e.id, e.report_id, r.tracking_id, e.kind, e.internal, \
         r.confidential, r.published_at, r.owner_org_id, r.opd_id \
         from report_events e join reports r on r.id = e.report_id";

    fn facts_of(row: &AnyRow) -> Result<EventFacts, sqlx::Error> {
        let kind: String = row.try_get("kind")?;
        Ok(EventFacts {
            id: row.try_get("id")?,
            report_id: row.try_get("report_id")?,
            tracking_id: row.try_get("tracking_id")?,
            kind: EventKind::from_code(&kind)
                .ok_or_else(|| sqlx::Error::Decode(format!("unknown event kind {kind}").into()))?,
            internal: row.try_get::<i64, _>("internal")? != 0,
            confidential: row.try_get::<i64, _>("confidential")? != 0,
            published: row.try_get::<Option<i64>, _>("published_at")?.is_some(),
            owner_org_id: row.try_get("owner_org_id")?,
            opd_id: row.try_get("opd_id")?,
        })
    }

    /// The facts of one event, as the report stands now (a report made confidential after
    /// the event is routed as confidential).
    pub async fn facts(db: &Db, event_id: i64) -> AppResult<Option<EventFacts>> {
        let sql = format!("{FACTS} where e.id = $1");
        let row = sqlx::query(&sql)
            .bind(event_id)
            .fetch_optional(&db.pool)
            .await?;
        Ok(row.as_ref().map(facts_of).transpose()?)
    }

    /// The events after `after`, oldest first, at most `limit`: what a reconnecting stream
    /// missed (`Last-Event-ID`), before its audience filters them.
    pub async fn since(db: &Db, after: i64, limit: i64) -> AppResult<Vec<EventFacts>> {
        let sql = format!("{FACTS} where e.id > $1 order by e.id limit $2");
        let rows = sqlx::query(&sql)
            .bind(after)
            .bind(limit)
            .fetch_all(&db.pool)
            .await?;
        Ok(rows.iter().map(facts_of).collect::<Result<_, _>>()?)
    }

    /// Hands every new event to the streams open on this server, wherever it was produced.
    ///
    /// On SQLite (one process) the server that stores an event hands it over itself. On
    /// PostgreSQL every server may have produced it: the producer announces a reference with
    /// `NOTIFY` after its transaction committed, and each server's one listener (started with
    /// the first subscription) loads the facts once and hands them to its streams. A listener
    /// that lost its connection reconnects and re-reads what it missed from the table.
    #[derive(Clone)]
    pub struct Hub {
        inner: std::sync::Arc<HubInner>,
    }

    struct HubInner {
        tx: tokio::sync::broadcast::Sender<std::sync::Arc<EventFacts>>,
        /// Set for PostgreSQL: where the listener connects.
        postgres_url: Option<String>,
        listening: tokio::sync::OnceCell<()>,
        /// Who has which report's page open, by tracking ID and account; kept in memory by
        /// every server (pages keep telling, so a restarted server knows again in seconds).
        presence: std::sync::Mutex<std::collections::HashMap<String, Vec<PresenceNote>>>,
        presence_tx: tokio::sync::broadcast::Sender<std::sync::Arc<PresenceNote>>,
        server: u64,
        versions: PageVersions,
    }

    /// Versions of what the public pages are made from, moved on by every event this server
    /// hands over, *before* its streams get it: a page kept from before an event (the page
    /// cache) is then never served to the browser that the event sends to fetch the page
    /// again. One counter per group of reports (a report's page) and one for all (listings,
    /// figures).
    struct PageVersions {
        reports: Vec<std::sync::atomic::AtomicU64>,
        all: std::sync::atomic::AtomicU64,
    }

    /// Groups of reports with a version of their own: few enough to cost 32 KB, many enough
    /// that an event elsewhere rarely touches a page someone is reading.
    const VERSION_GROUPS: usize = 4_096;

    impl PageVersions {
        fn new() -> PageVersions {
            PageVersions {
                reports: (0..VERSION_GROUPS)
                    .map(|_| std::sync::atomic::AtomicU64::new(0))
                    .collect(),
                all: std::sync::atomic::AtomicU64::new(0),
            }
        }

        fn group(&self, tracking_id: &str) -> &std::sync::atomic::AtomicU64 {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            tracking_id.hash(&mut h);
            &self.reports[(h.finish() % VERSION_GROUPS as u64) as usize]
        }

        fn bump(&self, tracking_id: &str) {
            use std::sync::atomic::Ordering::SeqCst;
            self.group(tracking_id).fetch_add(1, SeqCst);
            self.all.fetch_add(1, SeqCst);
        }
    }

    impl std::fmt::Debug for Hub {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Hub")
                .field("postgres", &self.inner.postgres_url.is_some())
                .field("streams", &self.inner.tx.receiver_count())
                .finish()
        }
    }

    /// The PostgreSQL channel events are announced on.
    const CHANNEL: &str = "lapor_events";
    /// The PostgreSQL channel officials' presence is passed on.
    const PRESENCE_CHANNEL: &str = "lapor_presence";

    impl Hub {
        pub fn new(postgres_url: Option<String>) -> Hub {
            let (tx, _) = tokio::sync::broadcast::channel(4096);
            let (presence_tx, _) = tokio::sync::broadcast::channel(1024);
            Hub {
                inner: std::sync::Arc::new(HubInner {
                    tx,
                    postgres_url,
                    listening: tokio::sync::OnceCell::new(),
                    presence: Default::default(),
                    presence_tx,
                    server: rand::random(),
                    versions: PageVersions::new(),
                }),
            }
        }

        /// An official's presence on a report's page: kept here, passed to the streams of
        /// this server when it changed what others see, and to every other server.
        pub async fn present(&self, db: &Db, mut note: PresenceNote) {
            note.server = self.inner.server;
            self.take_presence(note.clone());
            if self.inner.postgres_url.is_some() {
                let Ok(payload) = serde_json::to_string(&note) else {
                    return;
                };
                let sent = sqlx::query("select 1 as sent from (select pg_notify($1, $2)) as n")
                    .bind(PRESENCE_CHANNEL)
                    .bind(payload)
                    .execute(&db.pool)
                    .await;
                if sent.is_err() {
                    tracing::warn!("presence not passed on");
                }
            }
        }

        /// Keeps `note`; hands it to this server's streams when it changes what the page
        /// shows (someone came, left, started or stopped typing), not for every sign of life.
        fn take_presence(&self, note: PresenceNote) {
            let changed = {
                let Ok(mut all) = self.inner.presence.lock() else {
                    return;
                };
                let here = all.entry(note.tracking_id.clone()).or_default();
                let before = here
                    .iter()
                    .position(|p| p.account_id == note.account_id)
                    .map(|i| here.remove(i));
                let fresh = |p: &PresenceNote| p.at > note.at - PRESENCE_SECS;
                let was = before.filter(fresh).map(|p| p.activity);
                if note.activity != Activity::Left {
                    here.push(note.clone());
                }
                here.retain(fresh);
                if here.is_empty() {
                    all.remove(&note.tracking_id);
                }
                was != Some(note.activity) && !(was.is_none() && note.activity == Activity::Left)
            };
            if changed {
                let _ = self.inner.presence_tx.send(std::sync::Arc::new(note));
            }
        }

        /// The other officials on report `tracking_id`'s page at `now`.
        pub fn present_on(&self, tracking_id: &str, me: i64, now: i64) -> Vec<Presence> {
            let Ok(all) = self.inner.presence.lock() else {
                return Vec::new();
            };
            let mut out: Vec<Presence> = all
                .get(tracking_id)
                .into_iter()
                .flatten()
                .filter(|p| p.account_id != me && p.at > now - PRESENCE_SECS)
                .map(|p| Presence {
                    name: p.name.clone(),
                    typing: p.activity == Activity::Typing,
                })
                .collect();
            out.sort_by(|a, b| a.name.cmp(&b.name));
            out
        }

        /// This server's presence notes, from now on.
        pub fn subscribe_presence(
            &self,
        ) -> tokio::sync::broadcast::Receiver<std::sync::Arc<PresenceNote>> {
            self.inner.presence_tx.subscribe()
        }

        /// Announces stored events (call after their transaction committed). A failure is
        /// logged, not returned: the change itself is stored, and streams catch up from the
        /// table when they reconnect.
        pub async fn announce(&self, db: &Db, event_ids: &[i64]) {
            for &id in event_ids {
                let sent = match self.inner.postgres_url {
                    // `pg_notify` returns void, which the Any driver cannot describe.
                    Some(_) => sqlx::query("select 1 as sent from (select pg_notify($1, $2)) as n")
                        .bind(CHANNEL)
                        .bind(id.to_string())
                        .execute(&db.pool)
                        .await
                        .map(|_| ())
                        .map_err(crate::error::AppError::from),
                    None => self.hand_over(db, id).await,
                };
                if sent.is_err() {
                    tracing::warn!(event = id, "live update not announced");
                }
            }
        }

        async fn hand_over(&self, db: &Db, id: i64) -> AppResult<()> {
            if let Some(f) = facts(db, id).await? {
                self.publish(f);
            }
            Ok(())
        }

        /// Moves the pages' versions on, then gives the event to this server's streams.
        fn publish(&self, f: EventFacts) {
            self.inner.versions.bump(&f.tracking_id);
            // No open stream is not an error.
            let _ = self.inner.tx.send(std::sync::Arc::new(f));
        }

        /// Moves every page's version on (the clock jumped, in the browser tests): no page
        /// kept from before is served again.
        pub fn pages_changed(&self) {
            use std::sync::atomic::Ordering::SeqCst;
            for group in &self.inner.versions.reports {
                group.fetch_add(1, SeqCst);
            }
            self.inner.versions.all.fetch_add(1, SeqCst);
        }

        /// The version of report `tracking_id`'s page (`None`: of the pages that show many
        /// reports): it changes whenever an event that may change the page is handed over.
        pub fn page_version(&self, tracking_id: Option<&str>) -> u64 {
            use std::sync::atomic::Ordering::SeqCst;
            match tracking_id {
                Some(id) => self.inner.versions.group(id).load(SeqCst),
                None => self.inner.versions.all.load(SeqCst),
            }
        }

        /// A new stream of this server's events (starting the PostgreSQL listener on first
        /// use).
        pub async fn subscribe(
            &self,
            db: &Db,
        ) -> tokio::sync::broadcast::Receiver<std::sync::Arc<EventFacts>> {
            let rx = self.inner.tx.subscribe();
            if let Some(url) = &self.inner.postgres_url {
                let (hub, db, url) = (self.clone(), db.clone(), url.clone());
                self.inner
                    .listening
                    .get_or_init(|| async move {
                        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
                        tokio::spawn(hub.listen(db, url, ready_tx));
                        let _ = ready_rx.await;
                    })
                    .await;
            }
            rx
        }

        /// The PostgreSQL listener of this server: runs as long as the process.
        async fn listen(self, db: Db, url: String, ready: tokio::sync::oneshot::Sender<()>) {
            let mut ready = Some(ready);
            let mut last_seen: Option<i64> = None;
            // Ids handed over lately: after a reconnection an event may come both from the
            // table and as a notification; it is handed over once.
            let mut recent = Recent::default();
            loop {
                let listener = async {
                    let mut l = sqlx::postgres::PgListener::connect(&url).await?;
                    l.listen_all([CHANNEL, PRESENCE_CHANNEL]).await?;
                    Ok::<_, sqlx::Error>(l)
                };
                let mut listener = match listener.await {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::warn!(error = %e, "live listener cannot connect; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        continue;
                    }
                };
                if last_seen.is_none() {
                    // Listening already: everything after this is announced to us.
                    match sqlx::query_scalar::<_, i64>(
                        "select coalesce(max(id), 0) from report_events",
                    )
                    .fetch_one(&db.pool)
                    .await
                    {
                        Ok(max) => last_seen = Some(max),
                        Err(_) => continue,
                    }
                    // Listening from here on: nothing to catch up on yet.
                } else if let Some(after) = last_seen {
                    // Reconnected: whatever was announced while no listener was connected.
                    match since(&db, after, 10_000).await {
                        Ok(missed) => {
                            for f in missed {
                                last_seen = Some(f.id);
                                if recent.first_time(f.id) {
                                    self.publish(f);
                                }
                            }
                        }
                        Err(_) => continue,
                    }
                }
                if let Some(r) = ready.take() {
                    let _ = r.send(());
                }
                loop {
                    let note = match listener.try_recv().await {
                        Ok(Some(note)) => note,
                        // The connection was lost (and will be re-opened): re-read from the
                        // table what may have been missed meanwhile.
                        Ok(None) | Err(_) => break,
                    };
                    if note.channel() == PRESENCE_CHANNEL {
                        if let Ok(p) = serde_json::from_str::<PresenceNote>(note.payload())
                            && p.server != self.inner.server
                        {
                            self.take_presence(p);
                        }
                        continue;
                    }
                    let Ok(id) = note.payload().parse::<i64>() else {
                        continue;
                    };
                    if !recent.first_time(id) {
                        continue;
                    }
                    if self.hand_over(&db, id).await.is_ok() {
                        last_seen = Some(last_seen.map_or(id, |l| l.max(id)));
                    }
                }
            }
        }
    }

    /// The reports a signed-in citizen filed.
    pub async fn own_reports(db: &Db, account_id: i64) -> AppResult<HashSet<i64>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("select report_id from reporters where account_id = $1")
                .bind(account_id)
                .fetch_all(&db.pool)
                .await?;
        Ok(ids.into_iter().collect())
    }

    /// A bounded memory of the event ids handed over lately.
    #[derive(Default)]
    struct Recent {
        order: std::collections::VecDeque<i64>,
        set: HashSet<i64>,
    }

    impl Recent {
        const KEEP: usize = 4096;

        /// Whether `id` is new; remembers it.
        fn first_time(&mut self, id: i64) -> bool {
            if !self.set.insert(id) {
                return false;
            }
            self.order.push_back(id);
            if self.order.len() > Self::KEEP
                && let Some(old) = self.order.pop_front()
            {
                self.set.remove(&old);
            }
            true
        }
    }

    /// The audience of an official's stream: the organisations of its subtree. `None` for an
    /// account that sees no reports.
    pub async fn staff_audience(db: &Db, staff: &Staff) -> AppResult<Option<Audience>> {
        let Some(scope) = crate::staff::scope(staff, 1) else {
            return Ok(None);
        };
        let sql = format!("{} select id from in_scope", scope.with);
        let ids: Vec<i64> = sqlx::query_scalar(&sql)
            .bind(scope.org_id)
            .fetch_all(&db.pool)
            .await?;
        Ok(Some(Audience::Staff {
            scope: ids.into_iter().collect(),
            root: staff.org_is_root,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> EventFacts {
        EventFacts {
            id: 10,
            report_id: 1,
            tracking_id: "ABCD-EFGH".into(),
            kind: EventKind::Message,
            internal: false,
            confidential: false,
            published: true,
            owner_org_id: Some(100),
            opd_id: Some(101),
        }
    }

    fn public() -> Audience {
        Audience::Public {
            watching: ["ABCD-EFGH".to_owned()].into(),
        }
    }

    #[test]
    fn the_public_learns_only_of_public_entries_of_public_reports_it_watches() {
        assert!(public().admits(&event()));
        assert!(!public().admits(&EventFacts {
            confidential: true,
            ..event()
        }));
        assert!(!public().admits(&EventFacts {
            internal: true,
            ..event()
        }));
        assert!(!public().admits(&EventFacts {
            tracking_id: "ZZZZ-ZZZZ".into(),
            ..event()
        }));
        assert!(
            !public().admits(&EventFacts {
                published: false,
                ..event()
            }),
            "nothing of a report no official has verified yet"
        );
    }

    #[test]
    fn reporters_learn_of_their_own_reports_even_confidential_but_never_internal_notes() {
        let reporter = Audience::Reporter {
            reports: [1].into(),
        };
        assert!(reporter.admits(&EventFacts {
            confidential: true,
            published: false,
            ..event()
        }));
        assert!(!reporter.admits(&EventFacts {
            internal: true,
            ..event()
        }));
        assert!(!reporter.admits(&EventFacts {
            report_id: 2,
            ..event()
        }));
    }

    #[test]
    fn officials_learn_of_what_is_in_their_scope_only() {
        let opd = Audience::Staff {
            scope: [101].into(),
            root: false,
        };
        let other_opd = Audience::Staff {
            scope: [102].into(),
            root: false,
        };
        let coordinator = Audience::Staff {
            scope: [100, 101, 102].into(),
            root: false,
        };
        let national = Audience::Staff {
            scope: [1].into(),
            root: true,
        };
        let internal = EventFacts {
            internal: true,
            ..event()
        };
        assert!(opd.admits(&internal));
        assert!(!other_opd.admits(&internal));
        assert!(coordinator.admits(&EventFacts {
            opd_id: None,
            ..event()
        }));
        let unrouted = EventFacts {
            owner_org_id: None,
            opd_id: None,
            ..event()
        };
        assert!(national.admits(&unrouted));
        assert!(!coordinator.admits(&unrouted));
    }
}
