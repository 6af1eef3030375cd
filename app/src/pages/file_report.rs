//! The citizen's report form: the one island of the app.
//!
//! Without JavaScript the form posts to `/lapor` and the server answers with a full page:
//! the receipt, or the same form with the typed values and the errors. With WebAssembly loaded
//! the island sends the same fields to the `submit_report` server function instead, shows
//! errors in place without a reload, disables the button while sending, and keeps everything
//! typed when the network drops. The one-time submission key makes a retry or a double tap
//! file one report, not two.

use super::{ErrorNotice, FormEcho, set_error_status, use_locale};
use crate::error::{AppError, FieldError};
use crate::i18n::Locale;
use crate::orgs::Agency;
use crate::reports::{FormOptions, ReportInput, ReportKind, report_form_options, submit_report};
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// Every text the island shows, translated on the server so that the browser bundle carries
/// no translation table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFormText {
    pub kind: String,
    pub kinds: Vec<(String, String)>,
    pub title: String,
    pub title_hint: String,
    pub body: String,
    pub body_hint: String,
    pub category: String,
    pub choose: String,
    pub incident_date: String,
    pub location: String,
    pub location_hint: String,
    pub agency: String,
    pub agency_none: String,
    pub privacy: String,
    pub anonymous: String,
    pub confidential: String,
    pub contact: String,
    pub contact_hint: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub notify: String,
    pub notify_email: String,
    pub notify_hint: String,
    pub files_pick: String,
    pub files_hint: String,
    pub files_kept: Option<String>,
    pub files_shrinking: String,
    pub submit: String,
    pub sending: String,
    pub fix: String,
    pub retry: String,
    pub internal: String,
}

impl ReportFormText {
    pub fn new(loc: Locale) -> Self {
        ReportFormText {
            kind: tr!(loc, "form.kind"),
            kinds: ReportKind::ALL
                .iter()
                .map(|k| (k.code().to_owned(), tr!(loc, k.label_key())))
                .collect(),
            title: tr!(loc, "form.report_title"),
            title_hint: tr!(loc, "form.report_title_hint"),
            body: tr!(loc, "form.body"),
            body_hint: tr!(loc, "form.body_hint"),
            category: tr!(loc, "form.category"),
            choose: tr!(loc, "form.choose"),
            incident_date: tr!(loc, "form.incident_date"),
            location: tr!(loc, "form.location"),
            location_hint: tr!(loc, "form.location_hint"),
            agency: tr!(loc, "form.agency"),
            agency_none: tr!(loc, "form.agency_none"),
            privacy: tr!(loc, "form.privacy"),
            anonymous: tr!(loc, "form.anonymous"),
            confidential: tr!(loc, "form.confidential"),
            contact: tr!(loc, "form.contact"),
            contact_hint: tr!(loc, "form.contact_hint"),
            name: tr!(loc, "form.name"),
            email: tr!(loc, "form.email"),
            phone: tr!(loc, "form.phone"),
            notify: tr!(loc, "form.notify"),
            notify_email: tr!(loc, "form.notify_email"),
            notify_hint: tr!(loc, "form.notify_hint"),
            files_pick: tr!(loc, "files.pick", max = crate::attachments::MAX_FILES),
            files_hint: tr!(loc, "files.hint"),
            files_kept: None,
            files_shrinking: tr!(loc, "files.shrinking"),
            submit: tr!(loc, "form.submit"),
            sending: tr!(loc, "form.sending"),
            fix: tr!(loc, "form.fix"),
            retry: tr!(loc, "form.retry"),
            internal: tr!(loc, "err.internal"),
        }
    }
}

/// `/lapor`: the page around the form.
#[component]
pub fn FileReportPage() -> impl IntoView {
    let loc = use_locale();
    let echo = use_context::<FormEcho<ReportInput>>();
    let options = super::page_data(report_form_options());
    view! {
        <Title text=tr!(loc, "form.title") />
        <h1>{tr!(loc, "form.title")}</h1>
        <p class="lead">{tr!(loc, "form.intro")}</p>
        <Suspense fallback=|| ()>
            {move || {
                let options = options.clone();
                let echo = echo.clone();
                Suspend::new(async move {
                    match options.await {
                        Ok(mut options) => {
                            let (initial, errors, general) = match echo {
                                Some(FormEcho { input, error }) => {
                                    set_error_status(&error);
                                    let general = error.user_message(loc);
                                    let errors = match error {
                                        AppError::Invalid(errors) => errors,
                                        _ => Vec::new(),
                                    };
                                    // Keep the key of the first attempt: a retry must not
                                    // become a second report.
                                    if !input.submission_key.is_empty() {
                                        options.submission_key = input.submission_key.clone();
                                    }
                                    (input, errors, Some(general))
                                }
                                None => (prefilled(&options), Vec::new(), None),
                            };
                            let categories = options.categories.iter().map(|c| (c.id, c.name(loc).to_owned())).collect();
                            let mut text = ReportFormText::new(loc);
                            let kept = crate::attachments::tokens(&initial.attachments).len();
                            text.files_kept = (kept > 0).then(|| tr!(loc, "files.kept", count = kept));
                            view! {
                                <ReportForm
                                    text=text
                                    categories=categories
                                    agencies=agency_groups(&options.agencies)
                                    submission_key=options.submission_key
                                    initial=initial
                                    errors=errors
                                    general=general
                                />
                            }
                            .into_any()
                        }
                        Err(e) => {
                            set_error_status(&e);
                            view! { <ErrorNotice message=e.user_message(loc) /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// A fresh form, with the signed-in citizen's contact details filled in.
fn prefilled(options: &FormOptions) -> ReportInput {
    let mut input = ReportInput {
        kind: ReportKind::Pengaduan.code().to_owned(),
        ..Default::default()
    };
    if let Some(account) = &options.account {
        input.name = account.name.clone();
        input.email = account.email.clone();
        input.phone = account.phone.clone();
    }
    input
}

/// Agencies grouped under their government, for `<optgroup>`s.
pub(super) fn agency_groups(agencies: &[Agency]) -> Vec<(String, Vec<(i64, String)>)> {
    let mut groups: Vec<(String, Vec<(i64, String)>)> = Vec::new();
    for a in agencies {
        let group = if a.parent_name.is_empty() {
            a.name.clone()
        } else {
            a.parent_name.clone()
        };
        match groups.last_mut() {
            Some((name, items)) if *name == group => items.push((a.id, a.name.clone())),
            _ => groups.push((group, vec![(a.id, a.name.clone())])),
        }
    }
    groups
}

/// Photos larger than this are made smaller in the browser before they are sent.
const SHRINK_ABOVE: f64 = 400_000.0;
/// The longest side of a photo made smaller in the browser (the server keeps at most 2048).
const SHRINK_SIDE: f64 = 1600.0;

/// Makes the photos chosen in `input` smaller before they are sent, on the phone: a 4 MB
/// camera photo becomes a few hundred KB, which on a 400 kbit/s link is a minute saved; the
/// canvas keeps only pixels, so the position the camera wrote never leaves the phone either.
/// A photo the browser cannot read is sent as it is (the server decides).
async fn shrink_photos(input: web_sys::HtmlInputElement) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsValue;
    let (Some(files), Some(window)) = (input.files(), web_sys::window()) else {
        return Ok(());
    };
    let out = web_sys::DataTransfer::new()?;
    let mut changed = false;
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        let photo = matches!(
            file.type_().as_str(),
            "image/jpeg" | "image/png" | "image/webp"
        );
        let file = match photo && file.size() > SHRINK_ABOVE {
            true => match shrink(&window, &file).await {
                Ok(small) if small.size() < file.size() => {
                    changed = true;
                    small
                }
                _ => file,
            },
            false => file,
        };
        out.items().add_with_file(&file)?;
    }
    if changed {
        input.set_files(Some(&out.files().ok_or(JsValue::NULL)?));
    }
    Ok(())
}

/// One photo drawn at most [`SHRINK_SIDE`] pixels a side (turned upright by the browser) and
/// encoded as JPEG.
async fn shrink(
    window: &web_sys::Window,
    file: &web_sys::File,
) -> Result<web_sys::File, wasm_bindgen::JsValue> {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(window.create_image_bitmap_with_blob(file)?)
        .await?
        .dyn_into()?;
    let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
    let scale = (SHRINK_SIDE / w.max(h)).min(1.0);
    let (cw, ch) = ((w * scale).round(), (h * scale).round());
    let document = window.document().ok_or(JsValue::NULL)?;
    let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width(cw as u32);
    canvas.set_height(ch as u32);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or(JsValue::NULL)?.dyn_into()?;
    context.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, cw, ch)?;
    let encoded = js_sys::Promise::new(&mut |resolve, _| {
        let _ = canvas.to_blob_with_type_and_encoder_options(
            &resolve,
            "image/jpeg",
            &JsValue::from(0.82),
        );
    });
    let blob: web_sys::Blob = JsFuture::from(encoded).await?.dyn_into()?;
    let options = web_sys::FilePropertyBag::new();
    options.set_type("image/jpeg");
    let name = file.name();
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    web_sys::File::new_with_blob_sequence_and_options(
        &js_sys::Array::of1(&blob),
        &format!("{stem}.jpg"),
        &options,
    )
}

/// Whether a file was chosen in the form's file field.
fn chose_files(form: &web_sys::HtmlFormElement) -> bool {
    use wasm_bindgen::JsCast;
    form.query_selector("input[type=file]")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .is_some_and(|files| files.length() > 0)
}

/// Whether the browser knows it has no connection now.
fn is_offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

/// Whether a service worker controls this page (and so keeps a plain form post offline).
fn has_service_worker() -> bool {
    // `navigator.serviceWorker` is missing where service workers are (plain http, some
    // private modes): ask before touching it.
    web_sys::window().is_some_and(|w| {
        let navigator = w.navigator();
        js_sys::Reflect::has(
            &navigator,
            &wasm_bindgen::JsValue::from_str("serviceWorker"),
        )
        .unwrap_or(false)
            && navigator.service_worker().controller().is_some()
    })
}

/// The report form. Rendered on the server with the same props the browser receives, so the
/// markup is identical before and after hydration.
#[island]
pub fn ReportForm(
    text: ReportFormText,
    categories: Vec<(i64, String)>,
    agencies: Vec<(String, Vec<(i64, String)>)>,
    submission_key: String,
    initial: ReportInput,
    errors: Vec<FieldError>,
    general: Option<String>,
) -> impl IntoView {
    let errors = RwSignal::new(errors);
    let general = RwSignal::new(general);
    let pending = RwSignal::new(false);
    let shrinking = RwSignal::new(false);
    let anonymous = RwSignal::new(initial.is_anonymous());
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let text = StoredValue::new(text);

    let message = move |field: &'static str| {
        move || {
            errors.with(|list| {
                list.iter()
                    .find(|e| e.field == field)
                    .map(|e| view! { <p class="field-error" id=format!("err-{field}")>{e.message.clone()}</p> })
            })
        }
    };
    let invalid = move |field: &'static str| {
        move || {
            errors
                .with(|l| l.iter().any(|e| e.field == field))
                .then_some("true")
        }
    };
    let described = move |field: &'static str, hint: bool| {
        move || {
            let has_error = errors.with(|l| l.iter().any(|e| e.field == field));
            let mut ids = Vec::new();
            if hint {
                ids.push(format!("hint-{field}"));
            }
            if has_error {
                ids.push(format!("err-{field}"));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };

    // Set when the form is handed to the browser to send the plain way (see below).
    let native = StoredValue::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if native.get_value() {
            return;
        }
        if pending.get_untracked() {
            ev.prevent_default();
            return;
        }
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        // Files go as the plain form sends them (multipart), which the server takes the same.
        if chose_files(&form) {
            return;
        }
        // Without a connection, too: the service worker keeps that request on the phone and
        // sends it when the signal returns. The browser checks the required fields first,
        // since the server will only see them later.
        if is_offline() {
            if !form.report_validity() {
                ev.prevent_default();
            }
            return;
        }
        ev.prevent_default();
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        let field = |name: &str| data.get(name).as_string().unwrap_or_default();
        let flag = |name: &str| data.get(name).as_string();
        let input = ReportInput {
            submission_key: field("submission_key"),
            kind: field("kind"),
            title: field("title"),
            body: field("body"),
            category_id: field("category_id"),
            incident_date: field("incident_date"),
            location: field("location"),
            target_org_id: field("target_org_id"),
            anonymous: flag("anonymous"),
            confidential: flag("confidential"),
            name: field("name"),
            email: field("email"),
            phone: field("phone"),
            notify_email: field("notify_email"),
            attachments: field("attachments"),
        };
        pending.set(true);
        leptos::task::spawn_local(async move {
            match submit_report(input).await {
                Ok(filed) => {
                    let target = format!("{}&baru=1", filed.private_link());
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().set_href(&target);
                    }
                }
                Err(e) => {
                    pending.set(false);
                    let (list, note) = match e {
                        AppError::Invalid(list) => (list, text.with_value(|t| t.fix.clone())),
                        // The connection dropped on the way: send it the plain way, which the
                        // service worker keeps on the phone when it cannot reach the server.
                        AppError::Network(_) if has_service_worker() => {
                            if let Some(form) = form_ref.get_untracked() {
                                native.set_value(true);
                                let _ = form.request_submit();
                            }
                            return;
                        }
                        AppError::Network(_) => (Vec::new(), text.with_value(|t| t.retry.clone())),
                        _ => (Vec::new(), text.with_value(|t| t.internal.clone())),
                    };
                    errors.set(list);
                    general.set(Some(note));
                }
            }
        });
    };

    // Marks the form once its WebAssembly runs, for the browser tests and for styling.
    Effect::new(move |_| {
        if let Some(form) = form_ref.get() {
            let _ = form.set_attribute("data-hydrated", "true");
        }
    });

    let t = text.get_value();
    let value = |v: &str| v.to_owned();
    view! {
        <form method="post" action="/lapor" class="report-form" enctype="multipart/form-data" data-draft="" node_ref=form_ref on:submit=on_submit novalidate>
            {move || general.get().map(|g| view! { <p class="notice error" role="alert">{g}</p> })}
            {message("form")}
            <input type="hidden" name="submission_key" value=submission_key />
            <fieldset>
                <legend>{t.kind.clone()}</legend>
                <div class="choices">
                    {t.kinds.iter().map(|(code, label)| {
                        let checked = initial.kind == *code;
                        let id = format!("kind-{code}");
                        let label_for = id.clone();
                        view! {
                            <label for=label_for class="choice">
                                <input type="radio" id=id name="kind" value=code.clone() checked=checked />
                                {label.clone()}
                            </label>
                        }
                    }).collect_view()}
                </div>
                {message("kind")}
            </fieldset>

            <label for="title">{t.title.clone()}</label>
            <p class="hint" id="hint-title">{t.title_hint.clone()}</p>
            <input id="title" name="title" type="text" maxlength="150" required
                value=value(&initial.title) aria-invalid=invalid("title") aria-describedby=described("title", true) />
            {message("title")}

            <label for="body">{t.body.clone()}</label>
            <p class="hint" id="hint-body">{t.body_hint.clone()}</p>
            <textarea id="body" name="body" rows="7" maxlength="5000" required
                aria-invalid=invalid("body") aria-describedby=described("body", true)
                inner_html=super::textarea_text(&initial.body)></textarea>
            {message("body")}

            <label for="category_id">{t.category.clone()}</label>
            <select id="category_id" name="category_id" required aria-invalid=invalid("category_id") aria-describedby=described("category_id", false)>
                <option value="">{t.choose.clone()}</option>
                {categories.into_iter().map(|(id, name)| {
                    let selected = initial.category_id == id.to_string();
                    view! { <option value=id.to_string() selected=selected>{name}</option> }
                }).collect_view()}
            </select>
            {message("category_id")}

            <div class="row">
                <div>
                    <label for="incident_date">{t.incident_date.clone()}</label>
                    <input id="incident_date" name="incident_date" type="date" value=value(&initial.incident_date)
                        aria-invalid=invalid("incident_date") aria-describedby=described("incident_date", false) />
                    {message("incident_date")}
                </div>
                <div>
                    <label for="location">{t.location.clone()}</label>
                    <input id="location" name="location" type="text" maxlength="200" value=value(&initial.location)
                        aria-invalid=invalid("location") aria-describedby=described("location", true) />
                    <p class="hint" id="hint-location">{t.location_hint.clone()}</p>
                    {message("location")}
                </div>
            </div>

            <label for="target_org_id">{t.agency.clone()}</label>
            <select id="target_org_id" name="target_org_id" aria-invalid=invalid("target_org_id") aria-describedby=described("target_org_id", false)>
                <option value="">{t.agency_none.clone()}</option>
                {agencies.into_iter().map(|(group, items)| view! {
                    <optgroup label=group>
                        {items.into_iter().map(|(id, name)| {
                            let selected = initial.target_org_id == id.to_string();
                            view! { <option value=id.to_string() selected=selected>{name}</option> }
                        }).collect_view()}
                    </optgroup>
                }).collect_view()}
            </select>
            {message("target_org_id")}

            <fieldset>
                <legend>{t.privacy.clone()}</legend>
                <label class="check" for="anonymous">
                    <input type="checkbox" id="anonymous" name="anonymous" value="on" checked=initial.is_anonymous()
                        on:change=move |ev| anonymous.set(event_target_checked(&ev)) />
                    {t.anonymous.clone()}
                </label>
                <label class="check" for="confidential">
                    <input type="checkbox" id="confidential" name="confidential" value="on" checked=initial.is_confidential() />
                    {t.confidential.clone()}
                </label>
            </fieldset>

            <fieldset class="contact" class:muted=move || anonymous.get()>
                <legend>{t.contact.clone()}</legend>
                <p class="hint" id="hint-contact">{t.contact_hint.clone()}</p>
                <label for="name">{t.name.clone()}</label>
                <input id="name" name="name" type="text" autocomplete="name" value=value(&initial.name)
                    aria-invalid=invalid("name") aria-describedby=described("name", false) />
                {message("name")}
                <label for="email">{t.email.clone()}</label>
                <input id="email" name="email" type="email" autocomplete="email" value=value(&initial.email)
                    aria-invalid=invalid("email") aria-describedby=described("email", false) />
                {message("email")}
                <label for="phone">{t.phone.clone()}</label>
                <input id="phone" name="phone" type="tel" autocomplete="tel" value=value(&initial.phone)
                    aria-invalid=invalid("phone") aria-describedby=described("phone", false) />
                {message("phone")}
            </fieldset>

            <fieldset>
                <legend>{t.notify.clone()}</legend>
                <label for="notify_email">{t.notify_email.clone()}</label>
                <input id="notify_email" name="notify_email" type="email" autocomplete="email" value=value(&initial.notify_email)
                    aria-invalid=invalid("notify_email") aria-describedby=described("notify_email", true) />
                <p class="hint" id="hint-notify_email">{t.notify_hint.clone()}</p>
                {message("notify_email")}
            </fieldset>

            <div class="file-picker">
                <label for="lampiran">{t.files_pick.clone()}</label>
                <p class="hint" id="hint-lampiran">{t.files_hint.clone()}</p>
                <input type="hidden" name="attachments" value=initial.attachments.clone() />
                <input type="file" id="lampiran" name="lampiran" multiple
                    accept="image/jpeg,image/png,image/webp,application/pdf"
                    aria-invalid=invalid("lampiran") aria-describedby=described("lampiran", true)
                    on:change=move |ev| {
                        let input = event_target::<web_sys::HtmlInputElement>(&ev);
                        shrinking.set(true);
                        leptos::task::spawn_local(async move {
                            let _ = shrink_photos(input).await;
                            shrinking.set(false);
                        });
                    } />
                {move || shrinking.get().then(|| view! { <p class="hint" role="status">{text.with_value(|t| t.files_shrinking.clone())}</p> })}
                {t.files_kept.clone().map(|k| view! { <p class="notice ok">{k}</p> })}
                {message("lampiran")}
            </div>

            <button type="submit" class="primary" disabled=move || pending.get() || shrinking.get()>
                {move || if pending.get() { text.with_value(|t| t.sending.clone()) } else { text.with_value(|t| t.submit.clone()) }}
            </button>
        </form>
    }
}
