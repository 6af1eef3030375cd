//! The officials' intake pages: typing in a report taken at the counter, by phone or by
//! letter (`/petugas/catat`), its printable receipt (`/petugas/catat/:id`), and importing a
//! backlog from a spreadsheet (`/petugas/impor`, `/petugas/impor/:id`). Plain forms, no
//! island: they work the same with and without JavaScript.

use super::staff::failure;
use super::{ErrorNotice, FormEcho, page_data, set_error_status, use_locale, use_time_zone};
use crate::error::{AppError, FieldError};
use crate::i18n::Locale;
use crate::intake::import::{COLUMNS, ImportState, ImportView, import_status, recent_imports};
use crate::intake::{ManualInput, ManualOptions, manual_form_options, manual_receipt};
use crate::reports::{Channel, ReportKind};
use crate::tr;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The message of `field` among `errors`, under its field.
fn field_error(errors: &[FieldError], field: &'static str) -> impl IntoView + use<> {
    let message = errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone());
    view! { <super::FieldMessage field message /> }
}

/// `/petugas/catat`: the form for a report that reached the official another way.
#[component]
pub fn ManualIntakePage() -> impl IntoView {
    let loc = use_locale();
    let echo = use_context::<FormEcho<ManualInput>>();
    let options = page_data(manual_form_options());
    view! {
        <Title text=tr!(loc, "intake.title") />
        <h1>{tr!(loc, "intake.title")}</h1>
        <p class="lead">{tr!(loc, "intake.intro")}</p>
        <p><a href="/petugas/impor">{tr!(loc, "import.title")}</a></p>
        <Suspense fallback=|| ()>
            {move || {
                let (options, echo) = (options.clone(), echo.clone());
                Suspend::new(async move {
                    match options.await {
                        Ok(options) => {
                            let (input, errors, general) = match echo {
                                Some(FormEcho { input, error }) => {
                                    set_error_status(&error);
                                    let general = error.user_message(loc);
                                    let errors = match error {
                                        AppError::Invalid(list) => list,
                                        _ => Vec::new(),
                                    };
                                    (input, errors, Some(general))
                                }
                                None => (fresh(&options), Vec::new(), None),
                            };
                            view! { <ManualForm options input errors general loc /> }.into_any()
                        }
                        Err(e) => failure(e, loc),
                    }
                })
            }}
        </Suspense>
    }
}

/// A fresh form: received now, at the counter.
fn fresh(options: &ManualOptions) -> ManualInput {
    ManualInput {
        submission_key: options.submission_key.clone(),
        channel: Channel::WalkIn.code().to_owned(),
        received_date: options.today.clone(),
        received_time: options.time_now.clone(),
        kind: ReportKind::Pengaduan.code().to_owned(),
        target_org_id: options.own_org.map(|o| o.to_string()).unwrap_or_default(),
        ..Default::default()
    }
}

#[component]
fn ManualForm(
    options: ManualOptions,
    input: ManualInput,
    errors: Vec<FieldError>,
    general: Option<String>,
    loc: Locale,
) -> impl IntoView {
    let key = if input.submission_key.is_empty() {
        options.submission_key.clone()
    } else {
        input.submission_key.clone()
    };
    let invalid = |field: &str| errors.iter().any(|e| e.field == field).then_some("true");
    let text = |name: &'static str, label: &'static str, value: &str, kind: &'static str| {
        view! {
            <label for=name>{tr!(loc, label)}</label>
            <input id=name name=name type=kind value=value.to_owned() aria-invalid=invalid(name) />
            {field_error(&errors, name)}
        }
    };
    let categories = options.categories.clone();
    let groups = super::file_report::agency_groups(&options.agencies);
    view! {
        <form method="post" action="/petugas/catat" class="report-form" enctype="multipart/form-data" novalidate>
            {general.map(|g| view! { <p class="notice error" role="alert">{g}</p> })}
            {field_error(&errors, "form")}
            <input type="hidden" name="submission_key" value=key />
            <fieldset>
                <legend>{tr!(loc, "intake.channel")}</legend>
                <div class="choices">
                    {Channel::MANUAL.iter().map(|c| {
                        let id = format!("channel-{}", c.code());
                        let label_for = id.clone();
                        view! {
                            <label for=label_for class="choice">
                                <input type="radio" id=id name="channel" value=c.code() checked=input.channel == c.code() />
                                {tr!(loc, c.label_key())}
                            </label>
                        }
                    }).collect_view()}
                </div>
                {field_error(&errors, "channel")}
            </fieldset>
            <fieldset>
                <legend>{tr!(loc, "intake.received")}</legend>
                <p class="hint" id="hint-received">{tr!(loc, "intake.received_hint")}</p>
                <div class="row">
                    <div>
                        <label for="received_date">{tr!(loc, "intake.received_date")}</label>
                        <input id="received_date" name="received_date" type="date" required value=input.received_date.clone()
                            aria-invalid=invalid("received_at") aria-describedby="hint-received" />
                    </div>
                    <div>
                        <label for="received_time">{tr!(loc, "intake.received_time")}</label>
                        <input id="received_time" name="received_time" type="time" required value=input.received_time.clone()
                            aria-invalid=invalid("received_at") />
                    </div>
                </div>
                {field_error(&errors, "received_at")}
            </fieldset>
            <fieldset>
                <legend>{tr!(loc, "form.kind")}</legend>
                <div class="choices">
                    {ReportKind::ALL.iter().map(|k| {
                        let id = format!("kind-{}", k.code());
                        let label_for = id.clone();
                        view! {
                            <label for=label_for class="choice">
                                <input type="radio" id=id name="kind" value=k.code() checked=input.kind == k.code() />
                                {tr!(loc, k.label_key())}
                            </label>
                        }
                    }).collect_view()}
                </div>
                {field_error(&errors, "kind")}
            </fieldset>
            {text("title", "form.report_title", &input.title, "text")}
            <label for="body">{tr!(loc, "intake.body")}</label>
            <textarea id="body" name="body" rows="7" maxlength="5000" aria-invalid=invalid("body")
                inner_html=super::textarea_text(&input.body)></textarea>
            {field_error(&errors, "body")}
            <label for="category_id">{tr!(loc, "form.category")}</label>
            <select id="category_id" name="category_id" aria-invalid=invalid("category_id")>
                <option value="">{tr!(loc, "form.choose")}</option>
                {categories.into_iter().map(|c| {
                    let selected = input.category_id == c.id.to_string();
                    view! { <option value=c.id.to_string() selected=selected>{c.name(loc).to_owned()}</option> }
                }).collect_view()}
            </select>
            {field_error(&errors, "category_id")}
            {text("incident_date", "form.incident_date", &input.incident_date, "date")}
            {text("location", "form.location", &input.location, "text")}
            {text("place", "form.place", &input.place, "text")}
            <label for="target_org_id">{tr!(loc, "form.agency")}</label>
            <select id="target_org_id" name="target_org_id" aria-invalid=invalid("target_org_id")>
                <option value="">{tr!(loc, "form.agency_none")}</option>
                {groups.into_iter().map(|(group, items)| view! {
                    <optgroup label=group>
                        {items.into_iter().map(|(id, name)| {
                            let selected = input.target_org_id == id.to_string();
                            view! { <option value=id.to_string() selected=selected>{name}</option> }
                        }).collect_view()}
                    </optgroup>
                }).collect_view()}
            </select>
            {field_error(&errors, "target_org_id")}
            <fieldset>
                <legend>{tr!(loc, "intake.privacy")}</legend>
                <label class="check" for="anonymous">
                    <input type="checkbox" id="anonymous" name="anonymous" value="on" checked=input.anonymous.is_some() />
                    {tr!(loc, "form.anonymous")}
                </label>
                <label class="check" for="confidential">
                    <input type="checkbox" id="confidential" name="confidential" value="on" checked=input.confidential.is_some() />
                    {tr!(loc, "form.confidential")}
                </label>
            </fieldset>
            <fieldset>
                <legend>{tr!(loc, "form.contact")}</legend>
                <p class="hint">{tr!(loc, "intake.contact_hint")}</p>
                {text("name", "form.name", &input.name, "text")}
                {text("email", "form.email", &input.email, "email")}
                {text("phone", "form.phone", &input.phone, "tel")}
            </fieldset>
            <fieldset>
                <legend>{tr!(loc, "intake.notify")}</legend>
                <p class="hint">{tr!(loc, "intake.notify_hint")}</p>
                {text("notify_email", "intake.notify_email", &input.notify_email, "email")}
                {text("notify_phone", "intake.notify_phone", &input.notify_phone, "tel")}
            </fieldset>
            <super::files::FilePicker kept=input.attachments.clone() loc
                error=errors.iter().find(|e| e.field == "lampiran").map(|e| e.message.clone()) />
            <button type="submit" class="primary">{tr!(loc, "intake.submit")}</button>
        </form>
    }
}

/// `/petugas/catat/:id`: the receipt to print and hand (or read out) to the citizen.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let loc = use_locale();
    let tz = use_time_zone();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let receipt = page_data(manual_receipt(id));
    view! {
        <Title text=tr!(loc, "slip.title") />
        <Suspense fallback=|| ()>
            {move || {
                let receipt = receipt.clone();
                Suspend::new(async move {
                    match receipt.await {
                        Ok(r) => view! {
                            <section class="receipt" aria-labelledby="receipt-title">
                                <h1 id="receipt-title">{tr!(loc, "slip.title")}</h1>
                                <p class="lead">{tr!(loc, "slip.lead")}</p>
                                <dl class="facts">
                                    <dt>{tr!(loc, "receipt.tracking")}</dt>
                                    <dd class="code" data-tracking-id>{r.tracking_id.clone()}</dd>
                                    {r.access_code.clone().map(|code| view! {
                                        <dt>{tr!(loc, "receipt.code")}</dt>
                                        <dd class="code" data-access-code>{code}</dd>
                                    })}
                                    <dt>{tr!(loc, "form.report_title")}</dt>
                                    <dd>{r.title.clone()}</dd>
                                    <dt>{tr!(loc, "slip.channel")}</dt>
                                    <dd>{tr!(loc, r.channel.label_key())}</dd>
                                    <dt>{tr!(loc, "slip.received")}</dt>
                                    <dd>{loc.datetime(r.received_at, tz)}</dd>
                                    <dt>{tr!(loc, "slip.entered")}</dt>
                                    <dd>{loc.datetime(r.entered_at, tz)}</dd>
                                    {r.agency.clone().map(|a| view! { <dt>{tr!(loc, "form.agency")}</dt><dd>{a}</dd> })}
                                </dl>
                                {match r.access_code {
                                    Some(_) => view! { <p>{tr!(loc, "slip.keep")}</p> }.into_any(),
                                    None => view! { <p class="notice">{tr!(loc, "slip.no_code")}</p> }.into_any(),
                                }}
                                <p>{tr!(loc, "slip.follow")}</p>
                                {(r.by_email || r.by_sms).then(|| view! {
                                    <p class="notice ok">{match (r.by_email, r.by_sms) {
                                        (true, true) => tr!(loc, "slip.sent_both"),
                                        (true, false) => tr!(loc, "slip.sent_email"),
                                        _ => tr!(loc, "slip.sent_sms"),
                                    }}</p>
                                })}
                            </section>
                            <p class="no-print">{tr!(loc, "slip.print")}</p>
                            <p class="no-print">
                                <a href="/petugas/catat">{tr!(loc, "slip.another")}</a>
                                {r.in_scope.then(|| view! {
                                    " · "<a href=crate::staff::case_path(&r.tracking_id)>{tr!(loc, "slip.open")}</a>
                                })}
                            </p>
                        }.into_any(),
                        Err(e) => failure(e, loc),
                    }
                })
            }}
        </Suspense>
    }
}

/// `/petugas/impor`: the upload form, the template and the columns, the recent imports.
#[component]
pub fn ImportPage() -> impl IntoView {
    let loc = use_locale();
    let tz = use_time_zone();
    let echo = use_context::<FormEcho<()>>();
    let recent = page_data(recent_imports());
    view! {
        <Title text=tr!(loc, "import.title") />
        <h1>{tr!(loc, "import.title")}</h1>
        <p class="lead">{tr!(loc, "import.intro")}</p>
        {echo.map(|e| {
            set_error_status(&e.error);
            view! { <ErrorNotice message=e.error.field_message("file").unwrap_or_else(|| e.error.user_message(loc)) /> }
        })}
        <form method="post" action="/petugas/impor" enctype="multipart/form-data" class="narrow">
            <label for="file">{tr!(loc, "import.file")}</label>
            <input id="file" name="file" type="file" accept=".csv,text/csv" required />
            <button type="submit" class="primary">{tr!(loc, "import.upload")}</button>
        </form>
        <p><a href="/petugas/impor/templat.csv" download="templat-impor-laporan.csv">{tr!(loc, "import.template")}</a></p>
        <details>
            <summary>{tr!(loc, "import.columns")}</summary>
            <ul>
                {COLUMNS.iter().map(|(c, required)| {
                    let key = format!("import.col.{c}");
                    view! {
                    <li><code>{*c}</code>" — "{tr!(loc, key.as_str())}
                        {required.then(|| format!(" ({})", tr!(loc, "import.required")))}</li>
                }}).collect_view()}
            </ul>
        </details>
        <Suspense fallback=|| ()>
            {move || {
                let recent = recent.clone();
                Suspend::new(async move {
                    match recent.await {
                        Ok(list) if list.is_empty() => ().into_any(),
                        Ok(list) => view! {
                            <h2>{tr!(loc, "import.recent")}</h2>
                            <ul class="cases">
                                {list.into_iter().map(|i| {
                                    let state = format!("import.state.{}", i.state.code());
                                    view! {
                                    <li>
                                        <a href=format!("/petugas/impor/{}", i.id)>{i.file_name}</a>
                                        " · "{loc.datetime(i.created_at, tz)}" · "
                                        {tr!(loc, state.as_str())}
                                        " · "{format!("{}/{}", i.rows_done, i.rows_total)}
                                    </li>
                                }}).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => failure(e, loc),
                    }
                })
            }}
        </Suspense>
    }
}

/// `/petugas/impor/:id`: the preview with every row's problems and the confirmation; the
/// progress while the rows are imported (the page reloads itself every two seconds, with or
/// without JavaScript); the tracking IDs once done.
#[component]
pub fn ImportDetailPage() -> impl IntoView {
    let loc = use_locale();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let started = use_query_map().read_untracked().get("mulai").is_some();
    let import = page_data(async move {
        match id.parse::<i64>() {
            Ok(id) => import_status(id).await,
            Err(_) => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=tr!(loc, "import.title") />
        <Suspense fallback=|| ()>
            {move || {
                let import = import.clone();
                Suspend::new(async move {
                    match import.await {
                        Ok(v) => view! { <ImportDetail v loc started /> }.into_any(),
                        Err(e) => failure(e, loc),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ImportDetail(v: ImportView, loc: Locale, started: bool) -> impl IntoView {
    let tz = use_time_zone();
    let action = format!("/petugas/impor/{}/mulai", v.id);
    let to_import = v.rows_valid - v.rows_already;
    let body = match v.state {
        ImportState::Preview => view! {
            <p role="status">{tr!(loc, "import.summary", total = v.rows_total, valid = v.rows_valid, problems = v.problems.len(), already = v.rows_already)}</p>
            {(!v.problems.is_empty()).then(|| view! {
                <h2>{tr!(loc, "import.problems")}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label=tr!(loc, "import.problems")>
                    <table class="import-problems">
                        <thead><tr><th scope="col">{tr!(loc, "import.line")}</th><th scope="col">{tr!(loc, "form.report_title")}</th><th scope="col">{tr!(loc, "import.what")}</th></tr></thead>
                        <tbody>
                            {v.problems.iter().map(|p| view! {
                                <tr>
                                    <th scope="row">{p.line}</th>
                                    <td>{p.title.clone()}</td>
                                    <td><ul>{p.problems.iter().map(|(col, msg)| view! { <li><code>{col.clone()}</code>": "{msg.clone()}</li> }).collect_view()}</ul></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            {(!v.sample.is_empty()).then(|| view! {
                <h2>{tr!(loc, "import.sample")}</h2>
                <ul class="cases">
                    {v.sample.iter().map(|r| view! {
                        <li>{format!("{} · ", r.line)}{loc.datetime(r.received_at, tz)}" · "{r.title.clone()}
                            {r.already.then(|| format!(" ({})", tr!(loc, "import.already")))}</li>
                    }).collect_view()}
                </ul>
            })}
            {if v.rows_valid > 0 {
                view! {
                    <form method="post" action=action class="narrow">
                        <button type="submit" class="primary">{tr!(loc, "import.confirm", count = to_import)}</button>
                    </form>
                    <p class="hint">{tr!(loc, "import.confirm_hint")}</p>
                }.into_any()
            } else {
                view! { <p><a href="/petugas/impor">{tr!(loc, "import.again")}</a></p> }.into_any()
            }}
        }.into_any(),
        ImportState::Running => view! {
            {(!v.stalled).then(|| view! { <Meta http_equiv="refresh" content="2" /> })}
            <p role="status">{tr!(loc, "import.running", done = v.rows_done, total = v.rows_valid)}</p>
            <progress max=v.rows_valid.max(1) value=v.rows_done>{format!("{}/{}", v.rows_done, v.rows_valid)}</progress>
            {v.stalled.then(|| view! {
                <p class="notice">{tr!(loc, "import.stalled")}</p>
                <form method="post" action=action class="narrow">
                    <button type="submit" class="primary">{tr!(loc, "import.resume")}</button>
                </form>
            })}
        }.into_any(),
        ImportState::Done => {
            let created = v.imported.iter().filter(|i| i.created).count();
            view! {
                <p class="notice ok" role="status">{tr!(loc, "import.done", created = created, already = v.imported.len() - created)}</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label=tr!(loc, "import.result")>
                    <table class="import-result">
                        <caption>{tr!(loc, "import.result")}</caption>
                        <thead><tr><th scope="col">{tr!(loc, "import.line")}</th><th scope="col">{tr!(loc, "receipt.tracking")}</th><th scope="col">{tr!(loc, "import.outcome")}</th></tr></thead>
                        <tbody>
                            {v.imported.iter().map(|i| view! {
                                <tr>
                                    <th scope="row">{i.line}</th>
                                    <td><a href=crate::staff::case_path(&i.tracking_id) data-tracking-id>{i.tracking_id.clone()}</a></td>
                                    <td>{if i.created { tr!(loc, "import.created") } else { tr!(loc, "import.already") }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }
    };
    view! {
        <h1>{tr!(loc, "import.title")}": "{v.file_name.clone()}</h1>
        {(started && v.state != ImportState::Preview).then(|| view! { <p class="notice ok">{tr!(loc, "import.started")}</p> })}
        {body}
        <p><a href="/petugas/impor">{tr!(loc, "import.back")}</a></p>
    }
}
