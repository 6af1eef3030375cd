//! The officials' pages: the inbox (`/petugas`), the watch table (`/petugas/pantau`) and a
//! report with its whole thread and the actions the official may take
//! (`/petugas/laporan/:id`). Plain server-rendered pages with plain forms: they work the same
//! with JavaScript off, on a phone, on a weak network.

use super::report::{Entry, Facts};
use super::{ErrorNotice, FieldMessage, FormEcho, page_data, set_error_status, use_locale};
use crate::casework::{
    ActInput, CaseSummary, CaseView, StaffAction, StaffMessageInput, case_path, staff_case,
    staff_inbox, staff_search, staff_watch,
};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::lifecycle::ArchiveReason;
use crate::reports::{ReportKind, Status};
use crate::tr;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

/// What a staff page shows when its data could not be loaded: a signed-out visitor is sent to
/// the login page and back; anything else is explained.
pub(super) fn failure(e: AppError, loc: Locale) -> AnyView {
    if e == AppError::Unauthorized {
        let here = use_location().pathname.get_untracked();
        // An official signed in without the second step they owe goes to set it up.
        let due = use_context::<crate::accounts::Viewer>().is_some_and(|v| v.second_factor_due);
        let target = if due {
            crate::accounts::SETUP_PAGE.to_owned()
        } else {
            format!("/masuk?ke={}", super::url_encode(&here))
        };
        #[cfg(feature = "ssr")]
        leptos_axum::redirect(&target);
        return view! { <p><a href=target>{tr!(loc, "err.unauthorized")}</a></p> }.into_any();
    }
    set_error_status(&e);
    let message = if e == AppError::NotFound {
        tr!(loc, "staff.not_found")
    } else {
        e.user_message(loc)
    };
    view! {
        <ErrorNotice message />
        <p><a href="/petugas">{tr!(loc, "staff.inbox")}</a></p>
    }
    .into_any()
}

fn days(loc: Locale, n: i64) -> String {
    if n == 1 {
        tr!(loc, "staff.one_day")
    } else {
        tr!(loc, "staff.days", n = n)
    }
}

/// One report in a list of cases; in an inbox also who handles it and what is new, and for a
/// coordinator a box to tick it for the bulk form.
#[component]
fn CaseItem(
    c: CaseSummary,
    loc: Locale,
    #[prop(optional)] desk: bool,
    #[prop(optional)] pick: bool,
) -> impl IntoView {
    let category = match loc {
        Locale::Id => c.category_name_id.clone(),
        Locale::En => c.category_name_en.clone(),
    };
    let marks = desk.then(|| {
        let news = if c.unread > 0 {
            Some(tr!(loc, "desk.unread", n = c.unread))
        } else {
            c.unseen.then(|| tr!(loc, "desk.new"))
        };
        view! {
            <p class="meta desk">
                {news.map(|n| view! { <span class="badge unread">{n}</span>" " })}
                {c.awaiting.then(|| view! { <span class="badge waiting">{tr!(loc, "desk.awaiting")}</span>" " })}
                <span class="handler">{match &c.assignee {
                    Some(name) => tr!(loc, "desk.handled_by", name = name.clone()),
                    None => tr!(loc, "desk.unassigned"),
                }}</span>
            </p>
        }
    });
    view! {
        <li class=if desk && c.unseen { "case unseen" } else { "case" }>
            {pick.then(|| view! { <super::desk::PickBox tracking_id=c.tracking_id.clone() title=c.title.clone() loc /> })}
            <a href=case_path(&c.tracking_id)>{c.title.clone()}</a>
            <p class="meta">
                <span class="tracking">{"#"}{c.tracking_id.clone()}</span>
                " · "<span class=format!("status status-{}", c.status.code())>{tr!(loc, c.status.label_key())}</span>
                " · "{tr!(loc, c.kind.label_key())}" · "{category}
                {c.anonymous.then(|| view! { " · "{tr!(loc, "report.anonymous")} })}
                {c.confidential.then(|| view! { " · "{tr!(loc, "report.confidential")} })}
                {(c.channel != crate::reports::Channel::Web).then(|| view! {
                    " · "<span class=format!("channel channel-{}", c.channel.code())>{tr!(loc, c.channel.label_key())}</span>
                })}
            </p>
            <p class="meta">
                {tr!(loc, "staff.age")}" "<strong class="age">{days(loc, c.age_days)}</strong>
                " · "{tr!(loc, "staff.waiting")}" "{days(loc, c.waited_days)}
                {c.opd.clone().map(|o| view! { " · "{o} })}
            </p>
            {c.deadline.map(|d| view! { <p class="meta"><super::deadline::DeadlineBadge d loc /></p> })}
            {marks}
        </li>
    }
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let loc = use_locale();
    let query = use_query_map().read_untracked();
    let inbox = page_data(staff_inbox(
        query.get("lihat").unwrap_or_default(),
        query.get("label").unwrap_or_default(),
    ));
    let done = query
        .get("selesai")
        .as_deref()
        .and_then(StaffAction::from_code)
        .map(|a| tr!(loc, "staff.done", action = tr!(loc, a.label_key())));
    let bulk_echo = use_context::<FormEcho<crate::casework::BulkInput>>();
    if let Some(e) = &bulk_echo {
        set_error_status(&e.error);
    }
    let filter_echo = use_context::<FormEcho<crate::desk::FilterInput>>();
    if let Some(e) = &filter_echo {
        set_error_status(&e.error);
    }
    let filter_saved = query.get("filter").is_some();
    view! {
        <Title text=tr!(loc, "staff.inbox") />
        {done.map(|m| view! { <p class="notice ok" role="status">{m}</p> })}
        <super::desk::BulkNotice loc />
        {filter_saved.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "desk.filter_saved")}</p> })}
        <Suspense fallback=|| ()>
            {move || {
                let inbox = inbox.clone();
                let bulk_echo = bulk_echo.clone();
                let filter_echo = filter_echo.clone();
                Suspend::new(async move {
                match inbox.await {
                    Ok(inbox) => {
                        // Only who verifies and forwards acts on many at once.
                        let pick = inbox.sections.iter().any(|s| s.key == "staff.to_verify");
                        view! {
                        <h1>{tr!(loc, "staff.inbox")}</h1>
                        <p class="lead">{inbox.org_name.clone()}" · "<a href="/petugas/pantau">{tr!(loc, "staff.watch")}</a>" · "<a href="/petugas/cari">{tr!(loc, "search.staff_title")}</a>" · "<a href="/petugas/templat">{tr!(loc, "desk.templates")}</a>" · "<a href="/petugas/email">{tr!(loc, "staff.email_title")}</a></p>
                        <super::LiveUpdates watch=String::new() code=String::new() only=String::new() offline=tr!(loc, "report.offline") />
                        <p class="hint kbd-hint" hidden="">{tr!(loc, "desk.shortcuts_hint")}</p>
                        <super::desk::ShortcutHelp loc />
                        // Outside the live part: a name being typed is never swapped away.
                        <super::desk::FilterBox filters=inbox.filters.clone() view=inbox.view label=inbox.label echo=filter_echo.clone() loc />
                        <div data-live="inbox" class="desk-list">
                        <super::desk::MentionBox mentions=inbox.mentions.clone() loc />
                        <super::desk::ViewMenu current=inbox.view counts=inbox.counts label=inbox.label loc />
                        <super::desk::LabelMenu view=inbox.view labels=inbox.labels.clone() current=inbox.label loc />
                        {inbox.sections.into_iter().map(|s| {
                            let id = format!("sec-{}", s.key.replace('.', "-"));
                            let labelled = id.clone();
                            view! {
                                <section class="inbox" aria-labelledby=labelled>
                                    <h2 id=id>{tr!(loc, &s.key)}" ("{s.items.len()}")"</h2>
                                    {if s.items.is_empty() {
                                        view! { <p class="empty">{tr!(loc, "staff.empty")}</p> }.into_any()
                                    } else {
                                        view! { <ul class="cases">{s.items.into_iter().map(|c| view! { <CaseItem c loc desk=true pick /> }).collect_view()}</ul> }.into_any()
                                    }}
                                </section>
                            }
                        }).collect_view()}
                        </div>
                        {pick.then(|| view! { <super::desk::BulkForm opds=inbox.opds.clone() echo=bulk_echo.clone() loc /> })}
                    }.into_any()
                    }
                    Err(e) => failure(e, loc),
                }
            })}}
        </Suspense>
    }
}

/// `/petugas/email`: which emails the official wants: a report forwarded to their
/// organisation, and the daily digest of overdue reports in their scope.
#[component]
pub fn StaffEmailPage() -> impl IntoView {
    let loc = use_locale();
    let prefs = page_data(crate::casework::staff_email_prefs());
    let saved = use_query_map().read_untracked().get("selesai").is_some();
    view! {
        <Title text=tr!(loc, "staff.email_title") />
        <h1>{tr!(loc, "staff.email_title")}</h1>
        {saved.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "admin.saved")}</p> })}
        <Suspense fallback=|| ()>
            {move || {
                let prefs = prefs.clone();
                Suspend::new(async move {
                    match prefs.await {
                        Ok(p) => view! {
                            <form method="post" action="/petugas/email" class="narrow">
                                <label class="check" for="forwarded">
                                    <input type="checkbox" id="forwarded" name="forwarded" value="on" checked=p.forwarded />
                                    {tr!(loc, "staff.email_forwarded")}
                                </label>
                                <label class="check" for="digest">
                                    <input type="checkbox" id="digest" name="digest" value="on" checked=p.digest />
                                    {tr!(loc, "staff.email_digest")}
                                </label>
                                <button type="submit" class="primary">{tr!(loc, "staff.email_save")}</button>
                            </form>
                        }.into_any(),
                        Err(e) => failure(e, loc),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn WatchPage() -> impl IntoView {
    let loc = use_locale();
    let watch = page_data(staff_watch());
    view! {
        <Title text=tr!(loc, "staff.watch") />
        <Suspense fallback=|| ()>
            {move || {
                let watch = watch.clone();
                Suspend::new(async move {
                match watch.await {
                    Ok(w) => view! {
                        <h1>{tr!(loc, "staff.watch")}</h1>
                        <p class="lead">{w.org_name.clone()}</p>
                        <super::LiveUpdates watch=String::new() code=String::new() only=String::new() offline=tr!(loc, "report.offline") />
                        <div data-live="watch">
                        <div class="table-wrap" tabindex="0" role="region" aria-label=tr!(loc, "staff.by_opd")>
                            <table class="watch">
                                <caption>{tr!(loc, "staff.by_opd")}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{tr!(loc, "staff.opd")}</th>
                                        {Status::ALL.iter().map(|s| view! { <th scope="col">{tr!(loc, s.label_key())}</th> }).collect_view()}
                                        <th scope="col">{tr!(loc, "staff.oldest")}</th>
                                        <th scope="col">{tr!(loc, "staff.overdue_count")}</th>
                                        <th scope="col">{tr!(loc, "desk.unassigned_count")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {w.rows.into_iter().map(|r| view! {
                                        <tr>
                                            <th scope="row">{r.opd.unwrap_or_else(|| tr!(loc, "staff.not_forwarded"))}</th>
                                            {r.counts.into_iter().map(|n| view! { <td>{n}</td> }).collect_view()}
                                            <td>{days(loc, r.oldest_waiting_days)}</td>
                                            <td class=(r.overdue > 0).then_some("overdue")>{r.overdue}</td>
                                            <td>{r.unassigned}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <h2>{tr!(loc, "staff.open_reports")}</h2>
                        {if w.items.is_empty() {
                            view! { <p class="empty">{tr!(loc, "staff.empty")}</p> }.into_any()
                        } else {
                            view! { <ul class="cases">{w.items.into_iter().map(|c| view! { <CaseItem c loc /> }).collect_view()}</ul> }.into_any()
                        }}
                        </div>
                    }.into_any(),
                    Err(e) => failure(e, loc),
                }
            })}}
        </Suspense>
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    let loc = use_locale();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let done = use_query_map().read_untracked().get("selesai");
    let act_echo = use_context::<FormEcho<ActInput>>();
    let msg_echo = use_context::<FormEcho<StaffMessageInput>>();
    let assign_echo = use_context::<FormEcho<crate::desk::AssignInput>>();
    // A label or an area that was refused: its message, next to the form.
    let label_echo = use_context::<FormEcho<crate::labels::LabelInput>>().map(|e| {
        set_error_status(&e.error);
        e.error
            .field_message("nama")
            .or_else(|| e.error.field_message("wilayah"))
            .unwrap_or_else(|| e.error.user_message(loc))
    });
    let template: Option<i64> = use_query_map()
        .read_untracked()
        .get("templat")
        .and_then(|t| t.parse().ok());
    let case = page_data(staff_case(id));
    // The inbox beside the report on a wide screen.
    let side = page_data(staff_inbox(String::new(), String::new()));
    view! {
        <Meta name="robots" content="noindex" />
        <Suspense fallback=|| ()>
            {move || {
                let act_echo = act_echo.clone();
                let msg_echo = msg_echo.clone();
                let assign_echo = assign_echo.clone();
                let label_echo = label_echo.clone();
                let done = done.clone();
                let case = case.clone();
                let side = side.clone();
                Suspend::new(async move {
                    match case.await {
                        Ok(c) => {
                            let side = side.await.ok();
                            view! { <CaseBody c side done act_echo msg_echo assign_echo label_echo template loc /> }.into_any()
                        }
                        Err(e) => failure(e, loc),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CaseBody(
    c: CaseView,
    side: Option<crate::casework::Inbox>,
    done: Option<String>,
    act_echo: Option<FormEcho<ActInput>>,
    msg_echo: Option<FormEcho<StaffMessageInput>>,
    assign_echo: Option<FormEcho<crate::desk::AssignInput>>,
    label_echo: Option<String>,
    template: Option<i64>,
    loc: Locale,
) -> impl IntoView {
    // Times read in the zone of the report's region.
    let tz = c.report.zone;
    if let Some(e) = &act_echo {
        set_error_status(&e.error);
    }
    if let Some(e) = &assign_echo {
        set_error_status(&e.error);
    }
    // A template chosen from the list without JavaScript: the composer starts with it.
    let chosen = template
        .and_then(|id| c.templates.iter().find(|t| t.id == id))
        .map(|t| t.text.clone());
    let assigned = use_query_map().read_untracked().get("ditugaskan").is_some();
    if let Some(e) = &msg_echo {
        set_error_status(&e.error);
    }
    let r = c.report.clone();
    let done = done
        .as_deref()
        .and_then(StaffAction::from_code)
        .map(|a| tr!(loc, "staff.done", action = tr!(loc, a.label_key())));
    let reporter = if r.anonymous {
        view! { <p class="notice">{tr!(loc, "staff.identity_hidden")}</p> }.into_any()
    } else {
        r.reporter
            .clone()
            .map(|p| {
                view! {
                    <section class="contact-box">
                        <h2>{tr!(loc, "staff.reporter")}</h2>
                        <p>{p.name}</p>
                        <p>{p.email}</p>
                        <p>{p.phone}</p>
                    </section>
                }
                .into_any()
            })
            .unwrap_or_else(|| ().into_any())
    };
    let tracking = r.tracking_id.clone();
    let actions = c
        .actions
        .iter()
        .map(|a| {
            let echo = act_echo.clone().filter(|e| e.input.action == a.code());
            view! { <ActionForm action=*a c=c.clone() echo loc /> }
        })
        .collect_view();
    // Open when the official is acting: an action just done (the next one often follows) or
    // one that came back with an error to fix.
    let open_actions = act_echo.is_some() || done.is_some();
    let action_names = c
        .actions
        .iter()
        .map(|a| tr!(loc, a.label_key()))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <Title text=r.title.clone() />
        {done.map(|m| view! { <p class="notice ok" role="status">{m}</p> })}
        {assigned.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "desk.assigned")}</p> })}
        // The conversation first, the reply box under the newest message; the actions folded
        // right under the title, so that none needs scrolling past the history (and beside
        // the conversation on a wide screen).
        <p class="hint kbd-hint" hidden="">{tr!(loc, "desk.shortcuts_hint")}</p>
        <super::desk::ShortcutHelp loc />
        <div class="desk-split">
        {side.map(|inbox| view! { <super::desk::SideInbox inbox open=tracking.clone() loc /> })}
        <div class="chat-page">
            <header class="case-head">
                <p class="meta">
                    <span class="tracking">{"#"}{r.tracking_id.clone()}</span>
                    " · "{tr!(loc, r.kind.label_key())}
                    {r.anonymous.then(|| view! { " · "{tr!(loc, "report.anonymous")} })}
                    {r.confidential.then(|| view! { " · "{tr!(loc, "report.confidential")} })}
                </p>
                <h1>{r.title.clone()}</h1>
                <div data-live="status">
                    <p class=format!("status status-{}", r.status.code()) data-testid="status">
                        {tr!(loc, r.status.label_key())}
                    </p>
                </div>
                <div data-live="presence" data-presence=tracking.clone()>
                    <super::desk::PresenceLine presence=c.presence.clone() loc />
                </div>
            </header>
            <div class="case-actions" data-live="actions">
                {(!c.actions.is_empty()).then(|| view! {
                    <details class="actions" id="tindakan" open=open_actions>
                        <summary>
                            <strong>{tr!(loc, "staff.actions")}</strong>
                            " "<span class="hint">{action_names}</span>
                        </summary>
                        {actions}
                    </details>
                })}
                <SimilarCases c=c.clone() loc />
            </div>
            <section class="thread" aria-labelledby="thread-title">
                <h2 id="thread-title">{tr!(loc, "report.thread")}</h2>
                <ol data-live="thread">
                    <super::report::Opening r=r.clone() loc tz />
                    {r.thread.iter().map(|e| view! { <Entry e=e.clone() loc tz /> }).collect_view()}
                </ol>
                <super::LiveUpdates
                    watch=String::new()
                    code=String::new()
                    only=tracking.clone()
                    offline=tr!(loc, "report.offline")
                />
                <ReplyForm tracking=tracking.clone() can_reply=c.can_reply can_note=c.can_note draft=chosen.or(c.draft.clone()) last=c.last_event_id echo=msg_echo loc />
                {(c.can_reply || c.can_note).then(|| view! { <super::desk::TemplatePicker templates=c.templates.clone() loc /> })}
            </section>
            <div class="case-side">
                <div data-live="assign">
                    <super::desk::AssignBox tracking_id=tracking.clone() a=c.assignment.clone() echo=assign_echo loc />
                </div>
                <super::desk::LabelBox tracking_id=tracking.clone() l=c.labels.clone() echo=label_echo loc />
                <div data-live="clocks">
                    {r.clocks.map(|clocks| view! { <super::deadline::ClockList clocks loc tz /> })}
                    {r.rating.map(|n| view! { <p class="notice">{tr!(loc, "feedback.rated", n = n)}</p> })}
                </div>
                <details class="more">
                    <summary>{tr!(loc, "chat.details")}</summary>
                    <Facts r=r.clone() loc tz>
                        <dt>{tr!(loc, "staff.waiting")}</dt>
                        <dd>{days(loc, c.waited_days)}</dd>
                        <dt>{tr!(loc, "staff.owner")}</dt>
                        <dd>{c.owner.clone().unwrap_or_else(|| tr!(loc, "staff.national_queue"))}</dd>
                        <dt>{tr!(loc, "staff.opd")}</dt>
                        <dd>{c.opd.clone().unwrap_or_else(|| tr!(loc, "staff.not_forwarded"))}</dd>
                    </Facts>
                    {(!r.published).then(|| view! { <p class="notice">{tr!(loc, "staff.unpublished")}</p> })}
                    <super::report::PublicVersion r=r.clone() loc />
                    {reporter}
                </details>
            </div>
        </div>
        </div>
    }
}

/// The official's message box: to the citizen (the OPD) and/or an internal note.
#[component]
fn ReplyForm(
    tracking: String,
    can_reply: bool,
    can_note: bool,
    draft: Option<String>,
    /// The newest entry of the thread on screen ([`StaffMessageInput::terakhir`]).
    last: i64,
    echo: Option<FormEcho<StaffMessageInput>>,
    loc: Locale,
) -> impl IntoView {
    if !can_reply && !can_note {
        return ().into_any();
    }
    let (typed, internal, error, kept, key) = match &echo {
        Some(FormEcho { input, error }) => (
            input.body.clone(),
            input.internal.is_some(),
            Some(error.clone()),
            input.attachments.clone(),
            input.kunci.clone(),
        ),
        None => (
            draft.unwrap_or_default(),
            !can_reply,
            None,
            String::new(),
            super::fresh_key(),
        ),
    };
    let field_msg = error.as_ref().and_then(|e| e.field_message("body"));
    let file_msg = error.as_ref().and_then(|e| e.field_message("lampiran"));
    let general = error
        .as_ref()
        .filter(|_| field_msg.is_none() && file_msg.is_none())
        .map(|e| e.user_message(loc));
    let label = if can_reply {
        tr!(loc, "staff.reply")
    } else {
        tr!(loc, "staff.note")
    };
    view! {
        <form method="post" action=format!("{}/pesan", case_path(&tracking)) class="reply" id="balas" enctype="multipart/form-data" data-draft=""
            data-chat="" data-me="official" data-sending=tr!(loc, "chat.sending")
            data-kept=tr!(loc, "chat.kept") data-failed=tr!(loc, "chat.failed")>
            {general.map(|m| view! { <ErrorNotice message=m /> })}
            <input type="hidden" name="kunci" value=key />
            // Always the thread as now shown: after "read the new message first" the same
            // text goes out with the next tap.
            <input type="hidden" name="terakhir" value=last.to_string() />
            <label for="reply-body">{label}</label>
            <textarea id="reply-body" name="body" rows="4" maxlength="4000" required
                aria-invalid=field_msg.is_some().then_some("true")
                aria-describedby=field_msg.is_some().then_some("err-body")
                inner_html=super::textarea_text(&typed)></textarea>
            <FieldMessage field="body" message=field_msg />
            <super::files::FilePicker kept loc error=file_msg />
            {if can_reply && can_note {
                view! {
                    <label class="check">
                        <input type="checkbox" name="internal" value="on" checked=internal />
                        {tr!(loc, "staff.internal_check")}
                    </label>
                }.into_any()
            } else if !can_reply {
                view! { <input type="hidden" name="internal" value="on" /> }.into_any()
            } else {
                ().into_any()
            }}
            {can_note.then(|| view! { <p class="hint">{tr!(loc, "desk.mention_hint")}</p> })}
            <button type="submit" class="primary">{tr!(loc, "report.send")}</button>
        </form>
    }
    .into_any()
}

/// The open reports most like this one, each with the one-step "mark as a duplicate of it"
/// (archived with that reason; the reporter is told and follows the original).
#[component]
fn SimilarCases(c: CaseView, loc: Locale) -> impl IntoView {
    let action = format!("{}/aksi", case_path(&c.report.tracking_id));
    (!c.similar.is_empty()).then(|| view! {
        <section class="similar" data-testid="staff-similar">
            <h2>{tr!(loc, "similar.staff_title")}</h2>
            <ul>
                {c.similar.iter().map(|s| view! {
                    <li data-testid="similar">
                        <a href=case_path(&s.tracking_id)>{"#"}{s.tracking_id.clone()}" "{s.title.clone()}</a>
                        <span class="meta">
                            {tr!(loc, s.status.label_key())}
                            " · "{tr!(loc, "similar.reporters", n = s.reporters)}
                            " · "{tr!(loc, "similar.shared", words = s.shared.join(", "))}
                        </span>
                        <form method="post" action=action.clone() class="inline">
                            <input type="hidden" name="action" value=StaffAction::Archive.code() />
                            <input type="hidden" name="reason" value=ArchiveReason::Duplicate.code() />
                            <input type="hidden" name="duplicate_of" value=s.tracking_id.clone() />
                            <button type="submit" class="secondary">{tr!(loc, "similar.mark")}</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    })
}

/// The form of one action, with the fields that action needs.
#[component]
fn ActionForm(
    action: StaffAction,
    c: CaseView,
    echo: Option<FormEcho<ActInput>>,
    loc: Locale,
) -> impl IntoView {
    let code = action.code();
    let input = echo.as_ref().map(|e| e.input.clone()).unwrap_or_default();
    let error = echo.map(|e| e.error);
    let field = {
        let error = error.clone();
        move |name: &str| error.as_ref().and_then(|e| e.field_message(name))
    };
    let general = error
        .as_ref()
        .filter(|e| !matches!(e, AppError::Invalid(_)))
        .map(|e| e.user_message(loc));
    let id = |name: &str| format!("{code}-{name}");
    let text = |name: &'static str, label_key: &'static str, required: bool, value: String| {
        let msg = field(name);
        let fid = id(name);
        view! {
            <label for=fid.clone()>{tr!(loc, label_key)}</label>
            <textarea id=fid name=name rows="3" maxlength="4000" required=required
                aria-invalid=msg.is_some().then_some("true")
                aria-describedby=msg.is_some().then(|| format!("err-{name}"))
                inner_html=super::textarea_text(&value)></textarea>
            <FieldMessage field=name message=msg />
        }
    };
    let fields = match action {
        StaffAction::Dispose => {
            let msg = field("opd_id");
            view! {
                <label for=id("opd_id")>{tr!(loc, "staff.to_opd")}</label>
                <select id=id("opd_id") name="opd_id" required aria-invalid=msg.is_some().then_some("true")>
                    <option value="">{tr!(loc, "staff.choose")}</option>
                    {c.opds.iter().map(|o| view! {
                        <option value=o.id.to_string() selected=input.opd_id == o.id.to_string()>{o.name.clone()}</option>
                    }).collect_view()}
                </select>
                <FieldMessage field="opd_id" message=msg />
                {text("note", "staff.dispose_note", false, input.note.clone())}
            }
            .into_any()
        }
        StaffAction::Route => {
            let msg = field("org_id");
            view! {
                <label for=id("org_id")>{tr!(loc, "staff.to_government")}</label>
                <select id=id("org_id") name="org_id" required aria-invalid=msg.is_some().then_some("true")>
                    <option value="">{tr!(loc, "staff.choose")}</option>
                    {c.governments.iter().map(|o| view! {
                        <option value=o.id.to_string() selected=input.org_id == o.id.to_string()>{o.label()}</option>
                    }).collect_view()}
                </select>
                <FieldMessage field="org_id" message=msg />
                {text("note", "staff.internal_note", false, input.note.clone())}
            }
            .into_any()
        }
        StaffAction::Hold => text("message", "staff.hold_question", true, input.message.clone()).into_any(),
        StaffAction::Resolve => text("message", "staff.closing", true, input.message.clone()).into_any(),
        StaffAction::Resume => text("message", "staff.public_message", false, input.message.clone()).into_any(),
        StaffAction::HandBack => text("note", "staff.hand_back_reason", true, input.note.clone()).into_any(),
        StaffAction::Archive => {
            let msg = field("reason");
            view! {
                <label for=id("reason")>{tr!(loc, "staff.archive_reason")}</label>
                <select id=id("reason") name="reason" required aria-invalid=msg.is_some().then_some("true")>
                    <option value="">{tr!(loc, "staff.choose")}</option>
                    {ArchiveReason::ALL.iter().map(|r| view! {
                        <option value=r.code() selected=input.reason == r.code()>{tr!(loc, r.label_key())}</option>
                    }).collect_view()}
                </select>
                <FieldMessage field="reason" message=msg />
                {
                    let msg = field("duplicate_of");
                    view! {
                        <label for=id("duplicate_of")>{tr!(loc, "form.duplicate_of")}</label>
                        <input id=id("duplicate_of") name="duplicate_of" type="text" maxlength="20"
                            value=input.duplicate_of.clone() autocomplete="off"
                            aria-invalid=msg.is_some().then_some("true")
                            aria-describedby=msg.is_some().then_some("err-duplicate_of") />
                        <FieldMessage field="duplicate_of" message=msg />
                    }
                }
                {text("message", "staff.public_message", false, input.message.clone())}
            }
            .into_any()
        }
        StaffAction::Reclassify => {
            let kind = if input.kind.is_empty() { c.kind_code.clone() } else { input.kind.clone() };
            let category = if input.category_id.is_empty() { c.category_id.to_string() } else { input.category_id.clone() };
            view! {
                <label for=id("kind")>{tr!(loc, "staff.kind")}</label>
                <select id=id("kind") name="kind">
                    {ReportKind::ALL.iter().map(|k| view! {
                        <option value=k.code() selected=kind == k.code()>{tr!(loc, k.label_key())}</option>
                    }).collect_view()}
                </select>
                <FieldMessage field="kind" message=field("kind") />
                <label for=id("category_id")>{tr!(loc, "report.category")}</label>
                <select id=id("category_id") name="category_id">
                    {c.categories.iter().map(|cat| view! {
                        <option value=cat.id.to_string() selected=category == cat.id.to_string()>{cat.name(loc).to_owned()}</option>
                    }).collect_view()}
                </select>
                <FieldMessage field="category_id" message=field("category_id") />
            }
            .into_any()
        }
        StaffAction::Tighten => view! {
            <p class="hint">{tr!(loc, "staff.tighten_hint")}</p>
            {(!c.report.anonymous).then(|| view! {
                <label class="check"><input type="checkbox" name="anonymous" value="on" />{tr!(loc, "report.anonymous")}</label>
            })}
            {(!c.report.confidential).then(|| view! {
                <label class="check"><input type="checkbox" name="confidential" value="on" />{tr!(loc, "report.confidential")}</label>
            })}
            <FieldMessage field="anonymous" message=field("anonymous") />
        }
        .into_any(),
        StaffAction::Verify | StaffAction::Redact => {
            let title = if input.public_title.is_empty() {
                c.report.public_title.clone().unwrap_or_else(|| c.report.title.clone())
            } else {
                input.public_title.clone()
            };
            let body = if input.public_body.is_empty() {
                c.report.public_body.clone().unwrap_or_else(|| c.report.body.clone())
            } else {
                input.public_body.clone()
            };
            let title_msg = field("public_title");
            let body_msg = field("public_body");
            view! {
                <p class="hint">{tr!(loc, "staff.redact_hint")}</p>
                <label for=id("public_title")>{tr!(loc, "staff.public_title")}</label>
                <input id=id("public_title") name="public_title" type="text" maxlength="150" value=title
                    aria-invalid=title_msg.is_some().then_some("true")
                    aria-describedby=title_msg.is_some().then_some("err-public_title") />
                <FieldMessage field="public_title" message=title_msg />
                <label for=id("public_body")>{tr!(loc, "staff.public_body")}</label>
                <textarea id=id("public_body") name="public_body" rows="5" maxlength="5000"
                    aria-invalid=body_msg.is_some().then_some("true")
                    aria-describedby=body_msg.is_some().then_some("err-public_body")
                    inner_html=super::textarea_text(&body)></textarea>
                <FieldMessage field="public_body" message=body_msg />
            }
            .into_any()
        }
        StaffAction::StartWork => ().into_any(),
    };
    view! {
        <form method="post" action=format!("{}/aksi", case_path(&c.report.tracking_id)) class=format!("action action-{code}")
            data-draft=format!("{}/aksi/{code}", case_path(&c.report.tracking_id))>
            <input type="hidden" name="action" value=code />
            {general.map(|m| view! { <ErrorNotice message=m /> })}
            {fields}
            <button type="submit" class="secondary">{tr!(loc, action.label_key())}</button>
        </form>
    }
}

/// `/petugas/cari`: every report in the official's scope, filtered and searched by words (the
/// thread and internal notes too), ranked, the words marked.
#[component]
pub fn StaffSearchPage() -> impl IntoView {
    let loc = use_locale();
    let q = use_query_map().read_untracked().clone();
    let filter = crate::reports::ListFilter {
        q: q.get("q").unwrap_or_default(),
        status: q.get("status").unwrap_or_default(),
        kategori: q.get("kategori").unwrap_or_default(),
        instansi: q.get("instansi").unwrap_or_default(),
        hal: q.get("hal").unwrap_or_default(),
    };
    let page = page_data(staff_search(filter.clone()));
    let options = page_data(crate::orgs::get_catalogue());
    view! {
        <Title text=tr!(loc, "search.staff_title") />
        <h1>{tr!(loc, "search.staff_title")}</h1>
        <p class="hint">{tr!(loc, "search.staff_hint")}</p>
        <Suspense fallback=|| ()>
            {move || {
                let (page, options, filter) = (page.clone(), options.clone(), filter.clone());
                Suspend::new(async move {
                    match futures::join!(page, options) {
                        (Ok(page), Ok(catalogue)) => view! {
                            <super::listing::Results page filter catalogue base="/petugas/cari" staff=true loc />
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => failure(e, loc),
                    }
                })
            }}
        </Suspense>
    }
}
