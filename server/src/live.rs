//! `GET /langsung`: one Server-Sent Events stream per viewer with every change it may know
//! of, as it happens (groundwork for the live pages).
//!
//! Each event is a reference (`id` = the thread entry's id, `data` = the report's tracking ID
//! and what happened); the page fetches what changed itself. A reconnecting client sends
//! `Last-Event-ID` and first receives what it missed, from the table. Comments every 15 s keep
//! idle streams open through mobile networks; the compression layer leaves
//! `text/event-stream` alone, so nothing is buffered.

use app::live::{Audience, Audiences, EventFacts, own_reports, since, staff_audience};
use app::reports::{Claim, reporter_report_id};
use app::state::{AppState, RequestCtx};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{Request, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Deserialize;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::{Receiver, error::RecvError};

/// How many missed events a reconnecting stream is sent at most; older ones need a reload.
const BACKLOG: i64 = 1_000;
/// How many reports one public stream may watch.
const MAX_WATCHED: usize = 100;

#[derive(Debug, Default, Deserialize)]
pub struct LiveQuery {
    /// Tracking IDs of the reports on the page, comma-separated.
    #[serde(default)]
    laporan: String,
    /// The access code of a private link (proves the reporter of the listed reports).
    #[serde(default)]
    kode: String,
}

/// Who is behind this request, for routing.
async fn audiences(
    state: &AppState,
    ctx: &RequestCtx,
    q: &LiveQuery,
) -> app::error::AppResult<Audiences> {
    let db = &state.db;
    let mut all = Vec::new();
    if let Some(staff) = &ctx.viewer.staff
        && let Some(a) = staff_audience(db, staff).await?
    {
        all.push(a);
    }
    let watching: HashSet<String> = q
        .laporan
        .split(',')
        .map(app::secrets::normalize_code)
        .filter(|t| !t.is_empty())
        .take(MAX_WATCHED)
        .collect();
    let mut reports = match &ctx.viewer.account {
        Some(account) => own_reports(db, account.id).await?,
        None => HashSet::new(),
    };
    if !q.kode.trim().is_empty() {
        for tracking in &watching {
            let claim = Claim {
                code: Some(q.kode.as_str()),
                account_id: None,
            };
            if let Ok((id, _)) = reporter_report_id(db, tracking, claim).await {
                reports.insert(id);
            }
        }
    }
    if !reports.is_empty() {
        all.push(Audience::Reporter { reports });
    }
    if !watching.is_empty() {
        all.push(Audience::Public { watching });
    }
    Ok(Audiences(all))
}

fn sse_event(f: &EventFacts) -> Event {
    Event::default()
        .id(f.id.to_string())
        .event("laporan")
        // Reconnect quickly after a break (the browser default is a few seconds).
        .retry(Duration::from_secs(2))
        .data(format!(
            "{{\"laporan\":\"{}\",\"jenis\":\"{}\"}}",
            f.tracking_id,
            f.kind.code()
        ))
}

/// Other officials coming to, typing on or leaving the pages of reports this stream's
/// official may see: `event: hadir`, `data` the report's tracking ID. No id: presence is not
/// part of what a reconnecting stream catches up on (the page asks afresh).
fn presence_events(
    rx: Receiver<Arc<app::live::PresenceNote>>,
    audiences: Audiences,
    me: Option<i64>,
) -> impl futures::Stream<Item = Result<Event, std::convert::Infallible>> {
    futures::stream::unfold(rx, move |mut rx| {
        let audiences = audiences.clone();
        async move {
            loop {
                match rx.recv().await {
                    Ok(n) if Some(n.account_id) != me && audiences.admits(&n.facts()) => {
                        let event = Event::default()
                            .event("hadir")
                            .data(format!("{{\"laporan\":\"{}\"}}", n.tracking_id));
                        return Some((Ok(event), rx));
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    })
}

/// What one stream holds between two events.
struct Cursor {
    state: AppState,
    rx: Receiver<Arc<EventFacts>>,
    pending: VecDeque<EventFacts>,
    last: i64,
    audiences: Audiences,
    /// Counted in the metrics while the stream is open.
    _open: crate::metrics::OpenStream,
    /// Its place under the cap on streams, given back when it ends.
    _place: Option<crate::limits::StreamPermit>,
}

impl Cursor {
    /// The next event this stream may send; `None` when the server shuts down.
    async fn next(&mut self) -> Option<EventFacts> {
        loop {
            if let Some(f) = self.pending.pop_front() {
                self.last = f.id;
                return Some(f);
            }
            match self.rx.recv().await {
                Ok(f) if f.id > self.last && self.audiences.admits(&f) => {
                    self.pending.push_back((*f).clone())
                }
                Ok(_) => {}
                // Too slow to keep up: re-read from the table what this stream missed. (Boxed:
                // the query's state exists only while it runs, not in every idle stream.)
                Err(RecvError::Lagged(_)) => {
                    let missed = Box::pin(since(&self.state.db, self.last, BACKLOG))
                        .await
                        .ok()?;
                    self.pending
                        .extend(missed.into_iter().filter(|f| self.audiences.admits(f)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

/// `GET /langsung?laporan=ID,…&kode=…`.
pub async fn stream(
    State(state): State<AppState>,
    Query(q): Query<LiveQuery>,
    req: Request<Body>,
) -> Response {
    let (parts, _) = req.into_parts();
    let place = parts
        .extensions
        .get::<crate::limits::StreamPermit>()
        .cloned();
    let ctx = RequestCtx::from_parts(&parts, &state).await;
    let audiences = match audiences(&state, &ctx, &q).await {
        Ok(a) if !a.0.is_empty() => a,
        Ok(_) => return (StatusCode::BAD_REQUEST, "nothing to watch").into_response(),
        Err(e) => return (e.status(), e.user_message(ctx.locale)).into_response(),
    };
    let last = parts
        .headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    // Subscribe before reading the backlog, so nothing falls between the two.
    let rx = state.db.hub.subscribe(&state.db).await;
    let pending = if last > 0 {
        match since(&state.db, last, BACKLOG).await {
            Ok(missed) => missed.into_iter().filter(|f| audiences.admits(f)).collect(),
            Err(e) => return (e.status(), e.user_message(ctx.locale)).into_response(),
        }
    } else {
        VecDeque::new()
    };
    let shutdown = state.shutdown.clone();
    // Only officials see who else is on a report's page; a citizen's stream does not listen.
    let presence = ctx.viewer.staff.is_some().then(|| {
        presence_events(
            state.db.hub.subscribe_presence(),
            audiences.clone(),
            ctx.viewer.account.as_ref().map(|a| a.id),
        )
    });
    let cursor = Cursor {
        state,
        rx,
        pending,
        last,
        audiences,
        _open: crate::metrics::OpenStream::new(),
        _place: place,
    };
    // A stopping server ends every stream; the browser reconnects by itself and resumes
    // from its Last-Event-ID.
    let events = futures::stream::unfold(cursor, |mut c| async move {
        let f = c.next().await?;
        Some((Ok::<_, std::convert::Infallible>(sse_event(&f)), c))
    });
    // A first frame at once (only the reconnection delay): a proxy that holds the response
    // headers until body bytes come (nginx over HTTP/2 does) lets the stream open now rather
    // than at the first event or keep-alive.
    let opening = futures::stream::once(async {
        Ok::<_, std::convert::Infallible>(Event::default().retry(Duration::from_secs(2)))
    });
    let events = match presence {
        Some(presence) => futures::stream::select(events, presence).left_stream(),
        None => events.right_stream(),
    };
    let events = opening
        .chain(events)
        .take_until(Box::pin(async move { shutdown.wait().await }));
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
