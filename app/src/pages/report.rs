//! `/laporan/:id`: one report, its status and its thread. With the access code (`?kode=`) or
//! as the signed-in reporter, the citizen also sees their contact details and can reply.

use super::{ErrorNotice, FieldMessage, FormEcho, set_error_status, use_locale};
use crate::i18n::{Locale, TimeZone};
use crate::lifecycle::ArchiveReason;
use crate::reports::{ReportView, Status, get_report};
use crate::resolution::FeedbackInput;
use crate::threads::{AuthorRole, EventKind, MessageInput, ThreadEntry};
use crate::tr;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ReportPage() -> impl IntoView {
    let loc = use_locale();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let query = use_query_map().read_untracked().clone();
    let code = query.get("kode").filter(|c| !c.trim().is_empty());
    let is_new = query.get("baru").is_some();
    let sent = query.get("terkirim").is_some();
    let echo = use_context::<FormEcho<MessageInput>>();
    let feedback_echo = use_context::<FormEcho<FeedbackInput>>();
    let answered = query.get("dijawab");
    let supported = query.get("didukung");
    let support_echo = use_context::<FormEcho<crate::reports::ReportInput>>();
    let viewer = use_context::<crate::accounts::Viewer>().unwrap_or_default();
    // Officials do not support complaints; a signed-in citizen is counted by their account.
    let supporter = match (&viewer.staff, &viewer.account) {
        (Some(_), _) => None,
        (None, account) => Some(account.is_some()),
    };
    let report = super::page_data(get_report(id, code.clone()));
    view! {
        // The private link carries a secret: keep it out of search engines.
        <Meta name="robots" content="noindex" />
        <Suspense fallback=|| ()>
            {move || {
                let report = report.clone();
                let code = code.clone();
                let echo = echo.clone();
                let feedback_echo = feedback_echo.clone();
                let answered = answered.clone();
                let support = Support {
                    done: supported.clone(),
                    echo: support_echo.clone(),
                    signed_in: supporter,
                };
                Suspend::new(async move {
                    match report.await {
                        Ok(r) => view! { <ReportBody r code is_new sent echo feedback_echo answered support loc /> }.into_any(),
                        Err(e) => {
                            set_error_status(&e);
                            let message = if e == crate::error::AppError::NotFound {
                                tr!(loc, "report.not_found")
                            } else {
                                e.user_message(loc)
                            };
                            view! {
                                <Title text=message.clone() />
                                <h1>{tr!(loc, "nav.track")}</h1>
                                <ErrorNotice message />
                                <p><a href="/lacak">{tr!(loc, "track.title")}</a></p>
                            }
                            .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// "Saya juga mengalami ini" on a report page: the outcome of a support (`didukung`), a
/// refused one, and who may give one (`None`: an official, who does not; else whether a
/// citizen is signed in).
#[derive(Debug, Clone)]
struct Support {
    done: Option<String>,
    echo: Option<FormEcho<crate::reports::ReportInput>>,
    signed_in: Option<bool>,
}

#[component]
#[allow(clippy::too_many_arguments)]
fn ReportBody(
    r: ReportView,
    code: Option<String>,
    is_new: bool,
    sent: bool,
    echo: Option<FormEcho<MessageInput>>,
    feedback_echo: Option<FormEcho<FeedbackInput>>,
    answered: Option<String>,
    support: Support,
    loc: Locale,
) -> impl IntoView {
    // Times read in the zone of the report's region (WITA for Kalimantan Selatan).
    let tz = r.zone;
    if let Some(e) = &echo {
        set_error_status(&e.error);
    }
    if let Some(e) = &feedback_echo {
        set_error_status(&e.error);
    }
    let answered = answered.map(|a| {
        let key = if a == "sanggah" {
            "feedback.contested"
        } else {
            "feedback.confirmed"
        };
        view! { <p class="notice ok" role="status">{tr!(loc, key)}</p> }
    });
    let feedback = (r.is_reporter && r.status == Status::Resolved && !r.closed).then(|| {
        let until = r.clocks.and_then(|c| c.contest.due_at());
        view! { <Feedback tracking=r.tracking_id.clone() code=code.clone().unwrap_or_default() until echo=feedback_echo.clone() loc tz /> }
    });
    let privacy = match (r.anonymous, r.confidential) {
        (false, false) => vec![tr!(loc, "report.public")],
        (a, c) => {
            let mut v = Vec::new();
            if a {
                v.push(tr!(loc, "report.anonymous"));
            }
            if c {
                v.push(tr!(loc, "report.confidential"));
            }
            v
        }
    };
    let receipt = (is_new && r.is_reporter).then(|| {
        let code = code.clone().unwrap_or_default();
        let link = format!("/laporan/{}?kode={}", r.tracking_id, code);
        view! {
            <section class="receipt" aria-labelledby="receipt-title">
                <h2 id="receipt-title">{tr!(loc, "receipt.title")}</h2>
                <p>{tr!(loc, "receipt.save")}</p>
                <dl>
                    <dt>{tr!(loc, "receipt.tracking")}</dt>
                    <dd class="code" data-testid="tracking-id">{r.tracking_id.clone()}</dd>
                    <dt>{tr!(loc, "receipt.code")}</dt>
                    <dd class="code" data-testid="access-code">{code}</dd>
                    <dt>{tr!(loc, "receipt.link")}</dt>
                    <dd><a href=link.clone() data-testid="private-link">{link.clone()}</a></dd>
                </dl>
            </section>
        }
    });
    let supported = support.done.as_deref().map(|d| {
        let text = match d {
            "1" => tr!(loc, "support.done", n = r.reporters),
            _ => tr!(loc, "support.again"),
        };
        view! { <p class="notice ok" role="status" data-testid="supported">{text}</p> }
    });
    if let Some(e) = &support.echo {
        set_error_status(&e.error);
    }
    let support_form = support
        .signed_in
        .filter(|_| {
            !r.is_reporter && r.published && !r.confidential && r.status != Status::Archived
        })
        .map(|signed_in| {
            let error = support.echo.clone().map(|e| e.error);
            view! { <super::similar::SupportForm tracking_id=r.tracking_id.clone() signed_in loc error /> }
        });
    let duplicate = r.duplicate_of.clone().map(|original| {
        let link = format!("/laporan/{original}");
        view! {
            <p class="notice" data-testid="duplicate-of">
                {tr!(loc, "report.duplicate_of", id = original.clone())}" "
                <a href=link>{format!("#{original}")}</a>
            </p>
        }
    });
    let accepts = r.status.accepts_messages() && !r.closed;
    let reply = r.is_reporter.then(|| {
        let (typed, error, kept, key) = match &echo {
            Some(FormEcho { input, error }) => (
                input.body.clone(),
                Some(error.clone()),
                input.attachments.clone(),
                input.kunci.clone(),
            ),
            None => (String::new(), None, String::new(), super::fresh_key()),
        };
        let field_msg = error.as_ref().and_then(|e| e.field_message("body"));
        let file_msg = error.as_ref().and_then(|e| e.field_message("lampiran"));
        let general = error
            .as_ref()
            .filter(|_| field_msg.is_none() && file_msg.is_none())
            .map(|e| e.user_message(loc));
        let action = format!("/laporan/{}/pesan", r.tracking_id);
        if accepts {
            view! {
                <form method="post" action=action class="reply" id="balas" enctype="multipart/form-data" data-draft=""
                    data-chat="" data-me="citizen" data-sending=tr!(loc, "chat.sending")
                    data-kept=tr!(loc, "chat.kept") data-failed=tr!(loc, "chat.failed")>
                    {general.map(|m| view! { <ErrorNotice message=m /> })}
                    <input type="hidden" name="kode" value=code.clone().unwrap_or_default() />
                    <input type="hidden" name="kunci" value=key />
                    <label for="reply-body">{tr!(loc, "report.reply")}</label>
                    <textarea id="reply-body" name="body" rows="4" maxlength="4000" required
                        aria-invalid=field_msg.is_some().then_some("true")
                        aria-describedby=field_msg.is_some().then_some("err-body")
                        inner_html=super::textarea_text(&typed)></textarea>
                    <FieldMessage field="body" message=field_msg />
                    <super::files::FilePicker kept loc error=file_msg />
                    <button type="submit" class="primary">{tr!(loc, "report.send")}</button>
                </form>
            }
            .into_any()
        } else {
            view! { <p class="notice">{tr!(loc, "report.closed")}</p> }.into_any()
        }
    });
    view! {
        <Title text=r.title.clone() />
        {receipt}
        {sent.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "report.sent")}</p> })}
        {answered}
        {supported}
        // A conversation first: the report opens it, the newest message is last, the reply box
        // under it; what the report is about waits folded below (beside, on a wide screen).
        <div class="chat-page">
            <header class="case-head">
                <p class="meta">
                    <span class="tracking">{"#"}{r.tracking_id.clone()}</span>
                    " · "{tr!(loc, r.kind.label_key())}
                    " · "{privacy.join(", ")}
                </p>
                <h1>{r.title.clone()}</h1>
                <div data-live="status">
                    <p class=format!("status status-{}", r.status.code()) data-testid="status">
                        {tr!(loc, r.status.label_key())}
                    </p>
                    {(r.is_reporter && !r.published).then(|| view! {
                        <p class="notice" data-testid="awaits-verification">{tr!(loc, "report.awaits_verification")}</p>
                    })}
                </div>
                {(r.reporters > 1).then(|| view! {
                    <p class="meta" data-testid="reporters">{tr!(loc, "report.reporters", n = r.reporters)}</p>
                })}
                {duplicate}
            </header>
            <section class="thread" aria-labelledby="thread-title">
                <h2 id="thread-title">{tr!(loc, "report.thread")}</h2>
                <ol data-live="thread">
                    <Opening r=r.clone() loc tz />
                    {r.thread.iter().map(|e| view! { <Entry e=e.clone() loc tz /> }).collect_view()}
                </ol>
                <super::LiveUpdates
                    watch=r.tracking_id.clone()
                    code=code.clone().unwrap_or_default()
                    only=String::new()
                    offline=tr!(loc, "report.offline")
                />
                {reply}
                {support_form}
            </section>
            <div class="case-side">
                <div data-live="clocks">
                    {r.clocks.map(|clocks| view! { <super::deadline::ClockList clocks loc tz /> })}
                    {r.rating.map(|n| view! { <p class="notice">{tr!(loc, "feedback.rated", n = n)}</p> })}
                    {feedback}
                </div>
                <details class="more">
                    <summary>{tr!(loc, "chat.details")}</summary>
                    <Facts r=r.clone() loc tz />
                    {r.is_reporter.then(|| view! { <p class="notice">{tr!(loc, "report.you")}</p> })}
                    {r.is_reporter.then(|| view! { <PublicVersion r=r.clone() loc /> })}
                    {r.reporter.clone().map(|p| view! {
                        <section class="contact-box">
                            <h2>{tr!(loc, "report.contact")}</h2>
                            <p>{p.name}</p>
                            <p>{p.email}</p>
                            <p>{p.phone}</p>
                        </section>
                    })}
                </details>
            </div>
        </div>
    }
}

/// The report itself, as the first message of its conversation.
#[component]
pub fn Opening(r: ReportView, loc: Locale, tz: TimeZone) -> impl IntoView {
    view! {
        <li class="event message from-citizen opening">
            <article class="report">
                <strong>{tr!(loc, "chat.opening")}</strong>
                <div class="body">{r.body.clone()}</div>
                <super::files::Files files=r.attachments.clone() loc />
                <time>{loc.datetime(r.received_at, tz)}</time>
            </article>
        </li>
    }
}

/// Under a resolved report, for its reporter: confirm and rate, or contest.
#[component]
fn Feedback(
    tracking: String,
    code: String,
    until: Option<i64>,
    echo: Option<FormEcho<FeedbackInput>>,
    loc: Locale,
    tz: TimeZone,
) -> impl IntoView {
    let input = echo.as_ref().map(|e| e.input.clone()).unwrap_or_default();
    let error = echo.map(|e| e.error);
    let field = |name: &str| error.as_ref().and_then(|e| e.field_message(name));
    let general = error
        .as_ref()
        .filter(|e| !matches!(e, crate::error::AppError::Invalid(_)))
        .map(|e| e.user_message(loc));
    let rating_msg = field("rating");
    let comment_msg = field("comment");
    let reason_msg = field("reason");
    let window = until
        .map(|u| tr!(loc, "feedback.window", until = loc.datetime(u, tz)))
        .unwrap_or_default();
    view! {
        <section class="feedback" aria-labelledby="feedback-title">
            <h2 id="feedback-title">{tr!(loc, "feedback.title")}</h2>
            <p>{window}</p>
            {general.map(|m| view! { <ErrorNotice message=m /> })}
            <form method="post" action=format!("/laporan/{tracking}/konfirmasi") class="confirm" data-draft="">
                <input type="hidden" name="kode" value=code.clone() />
                <fieldset aria-invalid=rating_msg.is_some().then_some("true")
                    aria-describedby=rating_msg.is_some().then_some("err-rating")>
                    <legend>{tr!(loc, "feedback.rating")}</legend>
                    <div class="stars">
                        {(1..=crate::resolution::RATING_MAX).map(|n| {
                            let id = format!("rating-{n}");
                            view! {
                                <input type="radio" id=id.clone() name="rating" value=n.to_string()
                                    checked=input.rating == n.to_string() />
                                <label for=id>{tr!(loc, "feedback.star", n = n)}</label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <FieldMessage field="rating" message=rating_msg />
                <label for="feedback-comment">{tr!(loc, "feedback.comment")}</label>
                <textarea id="feedback-comment" name="comment" rows="2" maxlength="1000"
                    aria-invalid=comment_msg.is_some().then_some("true")
                    inner_html=super::textarea_text(&input.comment)></textarea>
                <FieldMessage field="comment" message=comment_msg />
                <button type="submit" class="primary">{tr!(loc, "feedback.confirm")}</button>
            </form>
            <form method="post" action=format!("/laporan/{tracking}/sanggah") class="contest" data-draft="">
                <input type="hidden" name="kode" value=code />
                <label for="feedback-reason">{tr!(loc, "feedback.reason")}</label>
                <textarea id="feedback-reason" name="reason" rows="3" maxlength="4000" required
                    aria-invalid=reason_msg.is_some().then_some("true")
                    aria-describedby=reason_msg.is_some().then_some("err-reason")
                    inner_html=super::textarea_text(&input.reason)></textarea>
                <FieldMessage field="reason" message=reason_msg />
                <button type="submit" class="secondary">{tr!(loc, "feedback.contest")}</button>
            </form>
        </section>
    }
}

/// What a report is about, as a definition list; `children` adds lines at the end.
#[component]
pub fn Facts(
    r: ReportView,
    loc: Locale,
    tz: TimeZone,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let category = match loc {
        Locale::Id => r.category_name_id.clone(),
        Locale::En => r.category_name_en.clone(),
    };
    view! {
        <dl class="facts">
            <dt>{tr!(loc, "report.received")}</dt>
            <dd>{loc.datetime(r.received_at, tz)}</dd>
            <dt>{tr!(loc, "report.category")}</dt>
            <dd>{category}</dd>
            {r.incident_date.clone().map(|d| view! {
                <dt>{tr!(loc, "report.incident_date")}</dt>
                <dd>{loc.date(&d)}</dd>
            })}
            {(!r.location.is_empty()).then(|| view! {
                <dt>{tr!(loc, "report.location")}</dt>
                <dd>{r.location.clone()}</dd>
            })}
            {r.place.clone().map(|place| view! {
                <dt>{tr!(loc, "report.place")}</dt>
                <dd data-testid="place">{place}</dd>
            })}
            <dt>{tr!(loc, "report.agency")}</dt>
            <dd>{r.agency.clone().unwrap_or_else(|| tr!(loc, "report.agency_none"))}</dd>
            {children.map(|c| c())}
        </dl>
    }
}

/// What the public reads of a report an official redacted, for its reporter and officials
/// (nothing when the original is public).
#[component]
pub fn PublicVersion(r: ReportView, loc: Locale) -> impl IntoView {
    (r.public_title.is_some() || r.public_body.is_some()).then(|| {
        view! {
            <section class="public-version" aria-labelledby="public-version-title" data-testid="public-version">
                <h2 id="public-version-title">{tr!(loc, "report.public_version")}</h2>
                <p class="hint">{tr!(loc, "report.public_version_hint")}</p>
                <p><strong>{r.public_title.clone().unwrap_or_else(|| r.title.clone())}</strong></p>
                <div class="body">{r.public_body.clone().unwrap_or_else(|| r.body.clone())}</div>
            </section>
        }
    })
}

/// The labels of an entry's comma-separated `reason` codes, by `(code, translation key)`.
fn reason_labels(e: &ThreadEntry, loc: Locale, labels: &[(&str, &str)]) -> String {
    e.reason
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter_map(|code| labels.iter().find(|(c, _)| *c == code))
        .map(|(_, key)| tr!(loc, key))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One entry of a thread. Officials' entries show their organisation; the staff view also
/// shows internal notes (marked) and the officials-only reasons, which the public thread never
/// even receives.
#[component]
pub fn Entry(e: ThreadEntry, loc: Locale, tz: TimeZone) -> impl IntoView {
    let when = loc.datetime(e.at, tz);
    let by = match (e.author, &e.author_org) {
        (AuthorRole::Official, Some(org)) => format!("{} · {org}", tr!(loc, e.author.label_key())),
        (author, _) => tr!(loc, author.label_key()),
    };
    let by = match &e.author_name {
        Some(name) => format!("{by} ({name})"),
        None => by,
    };
    let note = (!e.note.is_empty()).then(|| {
        view! { <p class="note"><strong>{tr!(loc, "thread.internal")}": "</strong>{e.note.clone()}</p> }
    });
    let headline = match e.kind {
        EventKind::Status => match (e.from_status, e.to_status) {
            (None, Some(Status::Submitted)) => Some(tr!(loc, "thread.received")),
            (_, Some(to)) => {
                let mut text = format!(
                    "{} {}",
                    tr!(loc, "thread.status_to"),
                    tr!(loc, to.label_key())
                );
                if let Some(org) = &e.org {
                    text = format!("{text} → {org}");
                }
                if let Some(reason) = e.reason.as_deref().and_then(ArchiveReason::from_code) {
                    text = format!("{text} ({})", tr!(loc, reason.label_key()));
                }
                Some(text)
            }
            _ => None,
        },
        EventKind::Routed => Some(format!(
            "{} {}",
            tr!(loc, "thread.routed"),
            e.org.clone().unwrap_or_default()
        )),
        EventKind::Reclassified => Some(tr!(loc, "thread.reclassified")),
        EventKind::Tightened => Some(format!(
            "{} {}",
            tr!(loc, "thread.tightened"),
            reason_labels(
                &e,
                loc,
                &[
                    ("anonymous", "report.anonymous"),
                    ("confidential", "report.confidential")
                ]
            )
        )),
        EventKind::Closed => Some(if e.reason.as_deref() == Some("expired") {
            tr!(loc, "thread.closed_expired")
        } else {
            tr!(loc, "thread.closed_confirmed")
        }),
        EventKind::Redacted => Some(format!(
            "{} ({})",
            tr!(loc, "thread.redacted"),
            reason_labels(
                &e,
                loc,
                &[("title", "form.field_title"), ("body", "form.field_body")]
            )
        )),
        EventKind::Entered => Some(format!(
            "{} ({})",
            tr!(loc, "thread.entered"),
            e.reason
                .as_deref()
                .and_then(crate::reports::Channel::from_code)
                .map(|c| tr!(loc, c.label_key()))
                .unwrap_or_default()
        )),
        EventKind::Assigned => Some(match (&e.assignee, e.reason.as_deref()) {
            (Some(name), _) => tr!(loc, "thread.assigned", name = name),
            (None, Some("deactivated")) => tr!(loc, "thread.released_deactivated"),
            (None, _) => tr!(loc, "thread.released"),
        }),
        EventKind::Message => None,
    };
    let who = if e.author == AuthorRole::Citizen {
        "citizen"
    } else {
        "official"
    };
    let class = match (e.kind, e.internal) {
        (_, true) => format!("event internal from-{who}"),
        (EventKind::Message, false) => format!("event message from-{who}"),
        _ => "event status-change".to_owned(),
    };
    view! {
        <li class=class>
            {e.internal.then(|| view! { <span class="tag">{tr!(loc, "thread.internal")}</span> })}
            {match headline {
                Some(text) => view! { <span class="headline">{text}</span> }.into_any(),
                None => view! { <strong>{by.clone()}</strong> }.into_any(),
            }}
            {(!e.body.is_empty()).then(|| view! { <p>{e.body.clone()}</p> })}
            <super::files::Files files=e.attachments.clone() loc />
            {note}
            <time>{when}{(e.kind != EventKind::Message).then(|| format!(" · {by}"))}</time>
        </li>
    }
}
