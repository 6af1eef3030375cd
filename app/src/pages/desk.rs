//! The desk's parts of the officials' pages: the inbox's views with their counts, the
//! coordinator's form for many reports at once and what it did, who handles a report and the
//! forms to take or assign it, the reply templates under the composer, and the page where an
//! organisation keeps its templates (`/petugas/templat`). Plain forms and links: all of it
//! works without JavaScript.

use super::{ErrorNotice, FieldMessage, FormEcho, page_data, use_locale};
use crate::casework::{BULK_ACTIONS, BulkInput, StaffAction, case_path, refusal_key};
use crate::desk::{
    AssignInput, Assignment, FilledTemplate, PLACEHOLDERS, ReplyTemplate, TemplateInput, View,
    ViewCounts,
};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::lifecycle::ArchiveReason;
use crate::orgs::Agency;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Who else is on this report's page: "Budi sedang membalas · Sari sedang melihat".
#[component]
pub fn PresenceLine(presence: Vec<crate::live::Presence>, loc: Locale) -> impl IntoView {
    (!presence.is_empty()).then(|| {
        let text = presence
            .iter()
            .map(|p| {
                let key = if p.typing {
                    "desk.typing"
                } else {
                    "desk.viewing"
                };
                tr!(loc, key, name = p.name.clone())
            })
            .collect::<Vec<_>>()
            .join(" · ");
        view! { <p class="presence" role="status" data-testid="presence">{text}</p> }
    })
}

/// The inbox's views, each with its count; the one shown is marked.
#[component]
pub fn ViewMenu(
    current: View,
    counts: ViewCounts,
    label: Option<i64>,
    loc: Locale,
) -> impl IntoView {
    let label = label.map(|l| format!("&label={l}")).unwrap_or_default();
    view! {
        <nav class="views" aria-label=tr!(loc, "desk.views")>
            {View::ALL.into_iter().map(|v| view! {
                <a href=format!("/petugas?lihat={}{label}", v.code())
                    aria-current=(v == current).then_some("page")>
                    {tr!(loc, v.label_key())}" "<span class="count">{counts.of(v)}</span>
                </a>
            }).collect_view()}
        </nav>
    }
}

/// The organisation's labels as filters of the inbox (in the current view), with how many
/// reports carry each.
#[component]
pub fn LabelMenu(
    view: View,
    labels: Vec<crate::labels::Label>,
    current: Option<i64>,
    loc: Locale,
) -> impl IntoView {
    if labels.is_empty() {
        return ().into_any();
    }
    let base = format!("/petugas?lihat={}", view.code());
    view! {
        <nav class="views labels" aria-label=tr!(loc, "labels.filter")>
            <a href=base.clone() aria-current=current.is_none().then_some("page")>{tr!(loc, "labels.any")}</a>
            {labels.into_iter().map(|l| {
                let name = l.name.clone();
                view! {
                    <a href=format!("{base}&label={}", l.id) aria-current=(current == Some(l.id)).then_some("page")
                        data-label=name>
                        {l.name}" "<span class="count">{l.reports}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
    .into_any()
}

/// A report's labels (each with a button that takes it off) and area, with forms that add a
/// label (suggested from the organisation's earlier ones) and note the area.
#[component]
pub fn LabelBox(
    tracking_id: String,
    l: crate::labels::ReportLabels,
    echo: Option<String>,
    loc: Locale,
) -> impl IntoView {
    let path = case_path(&tracking_id);
    let chips = l
        .labels
        .iter()
        .map(|label| {
            let remove = l.can_edit.then(|| {
                view! {
                    <form method="post" action=format!("{path}/label/hapus") class="inline">
                        <input type="hidden" name="label" value=label.id.to_string() />
                        <button type="submit" class="link" aria-label=tr!(loc, "labels.remove", name = label.name.clone())>"×"</button>
                    </form>
                }
            });
            view! { <li class="label">{label.name.clone()}{remove}</li> }
        })
        .collect_view();
    let forms = l.can_edit.then(|| {
        view! {
            <form method="post" action=format!("{path}/label") class="label-form">
                <label for="label-name">{tr!(loc, "labels.add")}</label>
                <input id="label-name" name="nama" type="text" list="label-list" required
                    maxlength=crate::labels::NAME_MAX.to_string() autocomplete="off"
                    aria-invalid=echo.is_some().then_some("true") />
                <datalist id="label-list">
                    {l.suggested.iter().map(|s| view! { <option value=s.clone()></option> }).collect_view()}
                </datalist>
                {echo.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                <button type="submit" class="secondary">{tr!(loc, "labels.add_button")}</button>
            </form>
            <form method="post" action=format!("{path}/wilayah") class="label-form">
                <label for="area-name">{tr!(loc, "labels.area")}</label>
                <input id="area-name" name="wilayah" type="text" list="area-list"
                    maxlength=crate::labels::NAME_MAX.to_string() autocomplete="off" value=l.area.clone() />
                <datalist id="area-list">
                    {l.areas.iter().map(|s| view! { <option value=s.clone()></option> }).collect_view()}
                </datalist>
                <button type="submit" class="secondary">{tr!(loc, "labels.area_save")}</button>
            </form>
        }
    });
    view! {
        <section class="labels-box" aria-labelledby="labels-title">
            <h2 id="labels-title">{tr!(loc, "labels.title")}</h2>
            <ul class="label-list" data-testid="labels">{chips}</ul>
            {(!l.can_edit && !l.area.is_empty()).then(|| view! { <p>{tr!(loc, "labels.area")}": "{l.area.clone()}</p> })}
            {forms}
        </section>
    }
}

/// The box of one report in a list that can be ticked for the bulk form (`#massal`).
#[component]
pub fn PickBox(tracking_id: String, title: String, loc: Locale) -> impl IntoView {
    view! {
        <input type="checkbox" class="pick" form="massal" name=format!("r.{tracking_id}")
            value="on" data-keep="" aria-label=tr!(loc, "desk.pick", title = title) />
    }
}

/// The coordinator's form for many reports at once: the reports are the ticked boxes of the
/// list (`form="massal"`), so the form itself stays small and outside the list.
#[component]
pub fn BulkForm(
    opds: Vec<Agency>,
    echo: Option<FormEcho<BulkInput>>,
    loc: Locale,
) -> impl IntoView {
    let input = echo.as_ref().map(|e| e.input.clone()).unwrap_or_default();
    let error = echo.map(|e| e.error);
    let field = |name: &str| error.as_ref().and_then(|e| e.field_message(name));
    let general = error
        .as_ref()
        .filter(|e| !matches!(e, AppError::Invalid(_)))
        .map(|e| e.user_message(loc));
    let picked_msg = field("pilih");
    view! {
        <form id="massal" method="post" action="/petugas/massal" class="bulk">
            <h2>{tr!(loc, "desk.bulk_title")}</h2>
            <p class="hint">{tr!(loc, "desk.bulk_hint")}</p>
            {general.map(|m| view! { <ErrorNotice message=m /> })}
            <FieldMessage field="pilih" message=picked_msg />
            <label for="bulk-action">{tr!(loc, "desk.bulk_action")}</label>
            <select id="bulk-action" name="action" required>
                {BULK_ACTIONS.iter().map(|a| view! {
                    <option value=a.code() selected=input.action == a.code()>{tr!(loc, a.label_key())}</option>
                }).collect_view()}
            </select>
            <FieldMessage field="action" message=field("action") />
            {(!opds.is_empty()).then(|| view! {
                <label for="bulk-opd">{tr!(loc, "desk.bulk_opd")}</label>
                <select id="bulk-opd" name="opd_id">
                    <option value="">{tr!(loc, "staff.choose")}</option>
                    {opds.iter().map(|o| view! {
                        <option value=o.id.to_string() selected=input.opd_id == o.id.to_string()>{o.name.clone()}</option>
                    }).collect_view()}
                </select>
                <FieldMessage field="opd_id" message=field("opd_id") />
            })}
            <label for="bulk-reason">{tr!(loc, "desk.bulk_reason")}</label>
            <select id="bulk-reason" name="reason">
                <option value="">{tr!(loc, "staff.choose")}</option>
                {ArchiveReason::ALL.iter().map(|r| view! {
                    <option value=r.code() selected=input.reason == r.code()>{tr!(loc, r.label_key())}</option>
                }).collect_view()}
            </select>
            <FieldMessage field="reason" message=field("reason") />
            <button type="submit" class="secondary">{tr!(loc, "desk.bulk_submit")}</button>
        </form>
    }
}

/// What a bulk action did, read from the inbox's address after it: `massal` (the action),
/// `ok` (how many were changed) and `tolak` (`ID.code,…`: each refused report and why).
#[component]
pub fn BulkNotice(loc: Locale) -> impl IntoView {
    let query = use_query_map().read_untracked();
    let Some(action) = query
        .get("massal")
        .as_deref()
        .and_then(StaffAction::from_code)
    else {
        return ().into_any();
    };
    let done: usize = query.get("ok").and_then(|n| n.parse().ok()).unwrap_or(0);
    let refused: Vec<(String, String)> = query
        .get("tolak")
        .unwrap_or_default()
        .split(',')
        .filter_map(|item| item.split_once('.'))
        .take(crate::casework::BULK_MAX)
        .map(|(id, code)| (id.to_owned(), tr!(loc, refusal_key(code))))
        .collect();
    view! {
        <div class="notice ok" role="status">
            <p>{tr!(loc, "desk.bulk_done", action = tr!(loc, action.label_key()), n = done)}</p>
            {(!refused.is_empty()).then(|| view! {
                <p>{tr!(loc, "desk.bulk_refused", n = refused.len())}</p>
                <ul class="refused">
                    {refused.into_iter().map(|(id, why)| view! {
                        <li><a href=case_path(&id)>{"#"}{id.clone()}</a>" — "{why}</li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
    .into_any()
}

/// Who handles a report, and the forms to take it or hand it to a colleague.
#[component]
pub fn AssignBox(
    tracking_id: String,
    a: Assignment,
    echo: Option<FormEcho<AssignInput>>,
    loc: Locale,
) -> impl IntoView {
    let current = a
        .assignee
        .as_ref()
        .map(|c| c.id.to_string())
        .unwrap_or_default();
    let action = format!("{}/tugas", case_path(&tracking_id));
    let message = echo.map(|e| {
        e.error
            .field_message("kepada")
            .unwrap_or_else(|| e.error.user_message(loc))
    });
    let handler = match &a.assignee {
        Some(c) if c.id == a.me => tr!(loc, "desk.handled_by_me"),
        Some(c) => tr!(loc, "desk.handled_by", name = c.name.clone()),
        None => tr!(loc, "desk.unassigned"),
    };
    let take = (a.can_assign() && !a.is_mine()).then(|| {
        view! {
            <form method="post" action=action.clone() class="inline take">
                <input type="hidden" name="kepada" value=a.me.to_string() />
                <input type="hidden" name="dari" value=current.clone() />
                <button type="submit" class="secondary" data-key="a">{tr!(loc, "desk.take")}</button>
            </form>
        }
    });
    let hand = a.can_assign().then(|| {
        view! {
            <form method="post" action=action.clone() class="assign-form">
                <input type="hidden" name="dari" value=current.clone() />
                <label for="assign-to">{tr!(loc, "desk.assign_to")}</label>
                <select id="assign-to" name="kepada">
                    <option value="">{tr!(loc, "desk.nobody")}</option>
                    {a.colleagues.iter().map(|c| view! {
                        <option value=c.id.to_string() selected=a.assignee.as_ref().is_some_and(|x| x.id == c.id)>{c.name.clone()}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="secondary">{tr!(loc, "desk.assign")}</button>
            </form>
        }
    });
    view! {
        <section class="assign" aria-labelledby="assign-title">
            <h2 id="assign-title">{tr!(loc, "desk.handler")}</h2>
            <p data-testid="handler">{handler}</p>
            {message.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            {take}
            {hand}
        </section>
    }
}

/// The reply templates under the composer: links that fill it (without JavaScript) and the
/// texts `/` inserts (with it, `data-text`).
#[component]
pub fn TemplatePicker(templates: Vec<FilledTemplate>, loc: Locale) -> impl IntoView {
    view! {
        <details class="templates" id="templat">
            <summary>{tr!(loc, "desk.templates")}</summary>
            {if templates.is_empty() {
                view! { <p class="empty">{tr!(loc, "desk.templates_none")}</p> }.into_any()
            } else {
                view! {
                    <p class="hint">{tr!(loc, "desk.templates_hint")}</p>
                    <ul data-templates="">
                        {templates.into_iter().map(|t| view! {
                            <li><a href=format!("?templat={}#balas", t.id) data-text=t.text>{t.title}</a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a href="/petugas/templat">{tr!(loc, "desk.templates_manage")}</a></p>
        </details>
    }
}

/// `/petugas/templat`: the organisation's reply templates, to add, change and remove.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    let loc = use_locale();
    let list = page_data(crate::desk::reply_templates());
    let query = use_query_map().read_untracked();
    let editing: Option<i64> = query.get("ubah").and_then(|v| v.parse().ok());
    let saved = query.get("selesai").is_some();
    let removed = query.get("dihapus").is_some();
    let echo = use_context::<FormEcho<TemplateInput>>();
    if let Some(e) = &echo {
        super::set_error_status(&e.error);
    }
    view! {
        <Title text=tr!(loc, "desk.templates") />
        <h1>{tr!(loc, "desk.templates")}</h1>
        {saved.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "admin.saved")}</p> })}
        {removed.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "desk.template_removed")}</p> })}
        <p class="lead">{tr!(loc, "desk.templates_lead")}</p>
        <dl class="placeholders">
            {PLACEHOLDERS.iter().map(|(name, key)| view! { <dt><code>{*name}</code></dt><dd>{tr!(loc, *key)}</dd> }).collect_view()}
        </dl>
        <Suspense fallback=|| ()>
            {move || {
                let list = list.clone();
                let echo = echo.clone();
                Suspend::new(async move {
                    match list.await {
                        Ok(list) => {
                            let for_new = echo.clone().filter(|_| editing.is_none());
                            view! {
                                <TemplateForm id=None t=None echo=for_new loc />
                                <ul class="template-list">
                                    {list.into_iter().map(|t| {
                                        let mine = echo.clone().filter(|_| editing == Some(t.id));
                                        view! { <li><TemplateForm id=Some(t.id) t=Some(t) echo=mine loc /></li> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                        Err(e) => super::staff::failure(e, loc),
                    }
                })
            }}
        </Suspense>
    }
}

/// The form of one template (`id` `None`: a new one).
#[component]
fn TemplateForm(
    id: Option<i64>,
    t: Option<ReplyTemplate>,
    echo: Option<FormEcho<TemplateInput>>,
    loc: Locale,
) -> impl IntoView {
    let (title, body) = match (&echo, &t) {
        (Some(e), _) => (e.input.title.clone(), e.input.body.clone()),
        (None, Some(t)) => (t.title.clone(), t.body.clone()),
        (None, None) => (String::new(), String::new()),
    };
    let error = echo.map(|e| e.error);
    let field = |name: &str| error.as_ref().and_then(|e| e.field_message(name));
    let general = error
        .as_ref()
        .filter(|e| !matches!(e, AppError::Invalid(_)))
        .map(|e| e.user_message(loc));
    let prefix = id
        .map(|i| format!("t{i}"))
        .unwrap_or_else(|| "new".to_owned());
    let action = id
        .map(|i| format!("/petugas/templat/{i}"))
        .unwrap_or_else(|| "/petugas/templat".to_owned());
    let (title_msg, body_msg) = (field("title"), field("body"));
    view! {
        <form method="post" action=action class="template">
            {id.is_none().then(|| view! { <h2>{tr!(loc, "desk.template_new")}</h2> })}
            {general.map(|m| view! { <ErrorNotice message=m /> })}
            <label for=format!("{prefix}-title")>{tr!(loc, "desk.template_title")}</label>
            <input id=format!("{prefix}-title") name="title" type="text" required
                maxlength=crate::desk::TEMPLATE_TITLE_MAX.to_string() value=title
                aria-invalid=title_msg.is_some().then_some("true") />
            <FieldMessage field="title" message=title_msg />
            <label for=format!("{prefix}-body")>{tr!(loc, "desk.template_body")}</label>
            <textarea id=format!("{prefix}-body") name="body" rows="4" required maxlength="4000"
                aria-invalid=body_msg.is_some().then_some("true")
                inner_html=super::textarea_text(&body)></textarea>
            <FieldMessage field="body" message=body_msg />
            <button type="submit" class="secondary">{tr!(loc, "desk.template_save")}</button>
        </form>
        {id.map(|i| view! {
            <form method="post" action=format!("/petugas/templat/{i}/hapus") class="inline">
                <button type="submit" class="link">{tr!(loc, "desk.template_remove")}</button>
            </form>
        })}
    }
}

/// The internal notes naming the official in reports they have not opened since, above the
/// inbox: each is a link to the report, which marks it read.
#[component]
pub fn MentionBox(mentions: Vec<crate::desk::Mention>, loc: Locale) -> impl IntoView {
    (!mentions.is_empty()).then(|| {
        view! {
            <section class="mentions" aria-labelledby="mentions-title" data-testid="mentions">
                <h2 id="mentions-title">{tr!(loc, "desk.mentions")}" ("{mentions.len()}")"</h2>
                <ul class="cases">
                    {mentions.into_iter().map(|m| view! {
                        <li class="case unseen">
                            <a href=case_path(&m.tracking_id)>{m.title}</a>
                            <p class="meta">
                                <span class="tracking">{"#"}{m.tracking_id.clone()}</span>
                                " · "{tr!(loc, "desk.mention_by", name = m.by)}
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// The official's saved filters as links, each with a button that deletes it, and the form
/// that saves what the inbox shows now under a name.
#[component]
pub fn FilterBox(
    filters: Vec<crate::desk::SavedFilter>,
    view: View,
    label: Option<i64>,
    echo: Option<FormEcho<crate::desk::FilterInput>>,
    loc: Locale,
) -> impl IntoView {
    let current = crate::desk::filter_query(view, label);
    let typed = echo
        .as_ref()
        .map(|e| e.input.nama.clone())
        .unwrap_or_default();
    let message = echo.map(|e| {
        e.error
            .field_message("nama")
            .unwrap_or_else(|| e.error.user_message(loc))
    });
    let failed = message.is_some();
    let list = (!filters.is_empty()).then(|| {
        view! {
            <nav class="views filters" aria-label=tr!(loc, "desk.filters")>
                {filters.into_iter().map(|f| {
                    let here = f.query == current;
                    view! {
                        <span class="filter">
                            <a href=format!("/petugas?{}", f.query) aria-current=here.then_some("page")>{f.name.clone()}</a>
                            <form method="post" action=format!("/petugas/filter/{}/hapus", f.id) class="inline">
                                <button type="submit" class="link" aria-label=tr!(loc, "desk.filter_delete", name = f.name)>"×"</button>
                            </form>
                        </span>
                    }
                }).collect_view()}
            </nav>
        }
    });
    view! {
        <details class="filter-box" open=failed>
            <summary>{tr!(loc, "desk.filters")}</summary>
            {list}
            <form method="post" action="/petugas/filter" class="label-form">
                <input type="hidden" name="lihat" value=view.code() />
                <input type="hidden" name="label" value=label.map(|l| l.to_string()).unwrap_or_default() />
                <label for="filter-name">{tr!(loc, "desk.filter_name")}</label>
                <input id="filter-name" name="nama" type="text" required value=typed
                    maxlength=crate::desk::FILTER_NAME_MAX.to_string()
                    aria-invalid=failed.then_some("true") />
                {message.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                <button type="submit" class="secondary">{tr!(loc, "desk.filter_save")}</button>
            </form>
        </details>
    }
}

/// The keyboard shortcuts of the desk, listed on the overlay `?` opens (the desk's
/// WebAssembly shows and hides it; without it the keys do nothing and the list stays hidden).
pub const SHORTCUTS: [(&str, &str); 6] = [
    ("j", "desk.key_next"),
    ("k", "desk.key_prev"),
    ("o", "desk.key_open"),
    ("r", "desk.key_reply"),
    ("u", "desk.key_inbox"),
    ("?", "desk.key_help"),
];

#[component]
pub fn ShortcutHelp(loc: Locale) -> impl IntoView {
    view! {
        <div id="pintasan" class="shortcuts" role="dialog" aria-modal="true"
            aria-labelledby="pintasan-title" hidden="">
            <div class="sheet">
                <h2 id="pintasan-title">{tr!(loc, "desk.shortcuts")}</h2>
                <dl>
                    {SHORTCUTS.iter().map(|(key, what)| view! {
                        <dt><kbd>{*key}</kbd></dt><dd>{tr!(loc, *what)}</dd>
                    }).collect_view()}
                </dl>
                <button type="button" class="secondary" data-close="">{tr!(loc, "desk.key_close")}</button>
            </div>
        </div>
    }
}

/// The most reports listed beside a report (the inbox itself lists them all).
const SIDE_ROWS: usize = 100;

/// The inbox beside a report on a wide screen (hidden on a phone by the style sheet): the
/// first [`SIDE_ROWS`] reports of the official's default view, the one open marked.
#[component]
pub fn SideInbox(inbox: crate::casework::Inbox, open: String, loc: Locale) -> impl IntoView {
    let mut seen = Vec::new();
    let items: Vec<_> = inbox
        .sections
        .into_iter()
        .flat_map(|s| s.items)
        .filter(|c| {
            let first = !seen.contains(&c.tracking_id);
            seen.push(c.tracking_id.clone());
            first
        })
        .take(SIDE_ROWS)
        .collect();
    view! {
        <nav class="desk-side" aria-label=tr!(loc, "desk.side")>
            <p><a href="/petugas">{tr!(loc, "desk.side")}</a>" "<span class="count">{inbox.counts.of(inbox.view)}</span></p>
            <ul class="cases side">
                {items.into_iter().map(|c| {
                    let here = c.tracking_id == open;
                    view! {
                        <li class=if c.unseen { "case unseen" } else { "case" }>
                            <a href=case_path(&c.tracking_id) aria-current=here.then_some("page")>{c.title}</a>
                            <p class="meta"><span class="tracking">{"#"}{c.tracking_id.clone()}</span>
                                {(c.unread > 0).then(|| view! { " · "<span class="badge unread">{tr!(loc, "desk.unread", n = c.unread)}</span> })}
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}
