//! The citizen's report form: the one island of the app.
//!
//! Without JavaScript the form posts to `/lapor` and the server answers with a full page:
//! the receipt, or the same form with the typed values and the errors. The fields are rendered
//! on the server only ([`ReportFields`]) and handed to the island as its children, so none of
//! their markup, texts or options travel in the WebAssembly. With WebAssembly loaded the island
//! ([`ReportForm`]) sends the very same multipart form in the background (the same door, the
//! same server function, one place that renders errors): a refusal swaps in the server's fields
//! with its messages, without a reload and with everything typed still there; success goes on
//! to the receipt. It also makes large photos smaller before they are sent, disables the button
//! while sending, and leaves a form sent without a connection to the service worker, which
//! keeps it on the phone. The one-time submission key makes a retry or a double tap file one
//! report, not two.
//!
//! Keeping the island this thin is what keeps the form page within its first-load budget on a
//! rural network (issue 14): the island has no props to decode, no server-function client and
//! no text of its own (the words of its states are on the button, written by the server).

use super::{ErrorNotice, FieldMessage, FormEcho, set_error_status, use_locale};
use crate::error::{AppError, FieldError};
use crate::i18n::Locale;
use crate::orgs::Agency;
use crate::reports::{FormOptions, ReportInput, ReportKind, report_form_options};
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;

/// Every text the form shows, translated on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub place: String,
    pub place_hint: String,
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
            place: tr!(loc, "form.place"),
            place_hint: tr!(loc, "form.place_hint"),
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
        }
    }
}

/// The words of the island's own states: the button, and what it says when sending fails.
/// The server writes them on the button (`data-*`), where the island reads them: props would
/// be decoded from JSON, and serde_json with the float formatting its errors use is a fifth of
/// the island's bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormStates {
    pub submit: String,
    pub sending: String,
    pub shrinking: String,
    pub retry: String,
    pub internal: String,
}

impl FormStates {
    pub fn new(loc: Locale) -> Self {
        FormStates {
            submit: tr!(loc, "form.submit"),
            sending: tr!(loc, "form.sending"),
            shrinking: tr!(loc, "files.shrinking"),
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
    // Held back to show the form's advice first: it is looked up again for the page.
    let held = echo
        .as_ref()
        .filter(|e| e.error.field_message("mirip").is_some())
        .map(|e| e.input.probe());
    let help = super::page_data(async move {
        match held {
            Some(probe) => (
                crate::duplicates::similar_reports(probe.clone())
                    .await
                    .unwrap_or_default(),
                crate::completeness::form_advice(probe)
                    .await
                    .unwrap_or_default(),
            ),
            None => Default::default(),
        }
    });
    view! {
        <Title text=tr!(loc, "form.title") />
        <h1>{tr!(loc, "form.title")}</h1>
        <p class="lead">{tr!(loc, "form.intro")}</p>
        <Suspense fallback=|| ()>
            {move || {
                let options = options.clone();
                let echo = echo.clone();
                let help = help.clone();
                Suspend::new(async move {
                    let (similar, advice) = help.await;
                    match options.await {
                        Ok(mut options) => {
                            let (mut initial, errors, general) = match echo {
                                Some(FormEcho { input, error }) => {
                                    set_error_status(&error);
                                    // Held back only to show similar reports: no mistake to
                                    // announce.
                                    let general = match &error {
                                        AppError::Invalid(e) if e.iter().all(|e| e.field == "mirip") => None,
                                        _ => Some(error.user_message(loc)),
                                    };
                                    let errors = match error {
                                        AppError::Invalid(errors) => errors,
                                        _ => Vec::new(),
                                    };
                                    // Keep the key of the first attempt: a retry must not
                                    // become a second report.
                                    if !input.submission_key.is_empty() {
                                        options.submission_key = input.submission_key.clone();
                                    }
                                    (input, errors, general)
                                }
                                None => (prefilled(&options), Vec::new(), None),
                            };
                            let categories = options.categories.iter().map(|c| (c.id, c.code.clone(), c.name(loc).to_owned())).collect();
                            // What the server held the report back for (advice shown, once).
                            let held = errors.iter().any(|e| e.field == "mirip");
                            let gaps = if held { crate::completeness::gaps(&initial.draft()) } else { Vec::new() };
                            let mut text = ReportFormText::new(loc);
                            let kept = crate::attachments::tokens(&initial.attachments).len();
                            // Shown once: sent again, the report is filed.
                            if held {
                                initial.mirip = "1".to_owned();
                            }
                            text.files_kept = (kept > 0).then(|| tr!(loc, "files.kept", count = kept));
                            view! {
                                <ReportForm>
                                    <ReportFields
                                        text=text
                                        categories=categories
                                        agencies=agency_groups(&options.agencies)
                                        submission_key=options.submission_key
                                        initial=initial
                                        errors=errors
                                        general=general
                                        similar=similar
                                        gaps=gaps
                                        advice=advice
                                        loc=loc
                                    />
                                    <SendButton states=FormStates::new(loc) />
                                </ReportForm>
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

/// Whether the browser knows it has no connection now.
fn is_offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

/// The header with which the island asks the form's door where to go after success, instead
/// of being sent there (a `303` that `fetch` would follow, fetching the receipt once for
/// nothing before the browser opens it).
pub const NEXT_HEADER: &str = "x-lapor-next";

/// How a background send of the form ended.
enum Sent {
    /// Filed: the page to open (the receipt).
    Filed(String),
    /// No connection: the service worker keeps it on the phone.
    Kept,
    /// Refused: the server's page, with the form and its messages.
    Refused(String),
    /// Neither the server nor the service worker answered.
    Lost,
}

/// Sends the form as the browser would (multipart, with its files) to where it posts.
async fn send(action: &str, data: &web_sys::FormData) -> Sent {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let Some(window) = web_sys::window() else {
        return Sent::Lost;
    };
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(data);
    if let Ok(headers) = web_sys::Headers::new() {
        let _ = headers.set(NEXT_HEADER, "1");
        init.set_headers(&headers);
    }
    let response: web_sys::Response =
        match JsFuture::from(window.fetch_with_str_and_init(action, &init))
            .await
            .and_then(|r| r.dyn_into())
        {
            Ok(r) => r,
            Err(_) => return Sent::Lost,
        };
    let header = |name: &str| response.headers().get(name).ok().flatten();
    if response.status() == 202 && header("x-lapor-kept").is_some() {
        return Sent::Kept;
    }
    if let (true, Some(next)) = (response.ok(), header(NEXT_HEADER)) {
        return Sent::Filed(next);
    }
    match response.text().map(JsFuture::from) {
        Ok(text) => match text.await.ok().and_then(|t| t.as_string()) {
            Some(html) => Sent::Refused(html),
            None => Sent::Lost,
        },
        Err(_) => Sent::Lost,
    }
}

/// The text the server answers a GET of `url` with; `None` on any failure.
async fn fetch_text(url: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let response: web_sys::Response = JsFuture::from(web_sys::window()?.fetch_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// The places the server suggests for `text` (one per line), those of the region of agency
/// `region` first.
async fn places_for(text: &str, region: &str) -> Option<Vec<String>> {
    let url = format!(
        "/wilayah/saran?q={}&instansi={}",
        js_sys::encode_uri_component(text),
        js_sys::encode_uri_component(region)
    );
    let body = fetch_text(&url).await?;
    Some(body.lines().map(str::to_owned).collect())
}

/// The fields similar reports are looked for by, and how much of each is sent (a URL is no
/// place for a whole letter; its beginning says what it is about).
const SIMILAR_FIELDS: [(&str, usize); 6] = [
    ("title", 150),
    ("body", 600),
    ("category_id", 20),
    ("target_org_id", 20),
    ("place", 200),
    ("location", 200),
];

/// The question for similar reports of the form as typed now, or `None` while the title is
/// too short to say anything.
fn similar_query(form: &web_sys::HtmlFormElement) -> Option<String> {
    let data = web_sys::FormData::new_with_form(form).ok()?;
    let field = |name: &str| data.get(name).as_string().unwrap_or_default();
    if field("title").trim().chars().count() < crate::reports::TITLE_MIN {
        return None;
    }
    let pairs: Vec<String> = SIMILAR_FIELDS
        .iter()
        .map(|(name, max)| {
            let value: String = field(name).chars().take(*max).collect();
            format!("{name}={}", js_sys::encode_uri_component(&value))
        })
        .collect();
    Some(pairs.join("&"))
}

/// The server's section of similar reports for `query` (its inner HTML).
async fn similar_for(query: &str) -> Option<String> {
    let html = fetch_text(&format!("/lapor/mirip?{query}")).await?;
    let doc = web_sys::DomParser::new()
        .ok()?
        .parse_from_string(&html, web_sys::SupportedType::TextHtml)
        .ok()?;
    Some(doc.query_selector("#mirip").ok()??.inner_html())
}

/// Waits `ms` milliseconds.
async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Shows the advice that applies to the form as typed now: what it lacks, and the category it
/// reads as when another one is chosen. The same checks as the server's
/// ([`crate::completeness`]), run here in WebAssembly; the words are the server's, in
/// `#saran`. Nothing is said before the body is long enough to judge.
fn show_advice(form: &web_sys::HtmlFormElement) {
    use wasm_bindgen::JsCast;
    let Ok(data) = web_sys::FormData::new_with_form(form) else {
        return;
    };
    let field = |name: &str| data.get(name).as_string().unwrap_or_default();
    let (title, body) = (field("title"), field("body"));
    let (location, place, date) = (field("location"), field("place"), field("incident_date"));
    let started = body.trim().chars().count() >= crate::reports::BODY_MIN;
    let gaps = crate::completeness::gaps(&crate::completeness::Draft {
        title: &title,
        body: &body,
        location: &location,
        place: &place,
        incident_date: &date,
    });
    let show = |el: &web_sys::Element, on: bool| {
        let _ = match on {
            true => el.remove_attribute("hidden"),
            false => el.set_attribute("hidden", ""),
        };
    };
    if let Ok(items) = form.query_selector_all("#saran [data-gap]") {
        for i in 0..items.length() {
            let Some(el) = items
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let code = el.get_attribute("data-gap").unwrap_or_default();
            show(&el, started && gaps.iter().any(|g| g.code() == code));
        }
    }
    let Ok(Some(advice)) = form.query_selector("#saran-kategori") else {
        return;
    };
    let chosen = field("category_id");
    let read = crate::completeness::suggest_category(&title, &body).and_then(|(code, words)| {
        let option = form
            .query_selector(&format!("#category_id option[data-code=\"{code}\"]"))
            .ok()
            .flatten()?;
        let value = option.get_attribute("value").unwrap_or_default();
        (value != chosen).then(|| (option.text_content().unwrap_or_default(), words))
    });
    match read.filter(|_| started) {
        Some((name, words)) => {
            let text = advice
                .get_attribute("data-text")
                .unwrap_or_default()
                .replace("{words}", &words.join(", "))
                .replace("{name}", &name);
            advice.set_text_content(Some(&text));
            show(&advice, true);
        }
        None => show(&advice, false),
    }
}

/// Marks the form as having shown the similar reports (the server then files it at once).
fn similar_seen(form: &web_sys::HtmlFormElement) {
    if let Ok(Some(seen)) = form.query_selector("#mirip-seen") {
        let _ = seen.set_attribute("value", "1");
    }
}

/// Offers `places` in the place field's list.
fn show_places(places: &[String]) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(list) = document.get_element_by_id("place-list") else {
        return;
    };
    list.set_text_content(None);
    for place in places {
        if let Ok(option) = document.create_element("option") {
            let _ = option.set_attribute("value", place);
            let _ = list.append_child(&option);
        }
    }
}

/// Puts the fields of the server's page into the form (`#isian`), with their messages and
/// everything typed, and moves to the first field to correct. False when the page has no
/// form (an error page).
fn show_fields_again(form: &web_sys::HtmlFormElement, html: &str) -> bool {
    use wasm_bindgen::JsCast;
    let theirs = web_sys::DomParser::new()
        .and_then(|p| p.parse_from_string(html, web_sys::SupportedType::TextHtml))
        .ok()
        .and_then(|doc| doc.query_selector("#isian").ok().flatten());
    let (Some(theirs), Ok(Some(mine))) = (theirs, form.query_selector("#isian")) else {
        return false;
    };
    mine.set_inner_html(&theirs.inner_html());
    let first = mine
        .query_selector("[aria-invalid=true]")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    match first {
        Some(field) => {
            let _ = field.focus();
        }
        None => {
            if let Ok(Some(notice)) = mine.query_selector("[role=alert]") {
                notice.scroll_into_view();
            }
        }
    }
    true
}

/// The report form. The island holds only what runs in the browser (sending, the button's
/// state, shrinking photos); the fields and the button are its children, rendered on the
/// server.
#[island]
pub fn ReportForm(children: Children) -> impl IntoView {
    // What went wrong with the last send, and what the form is busy with (a photo being made
    // smaller), in the words the server wrote on the button.
    let note = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let says = move |what: &str| {
        form_ref
            .get_untracked()
            .and_then(|form| send_button(&form))
            .and_then(|b| b.get_attribute(&["data-", what].concat()))
            .unwrap_or_default()
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if pending.get_untracked() {
            ev.prevent_default();
            return;
        }
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        // "Saya juga mengalami ini" posts the plain way to its own address, without the
        // photos, which a support does not take.
        if ev
            .submitter()
            .is_some_and(|b| b.has_attribute("formaction"))
        {
            if let Ok(Some(files)) = form.query_selector("input[type=file]") {
                let _ = files.set_attribute("disabled", "");
            }
            return;
        }
        // Without a connection the browser sends it the plain way, which the service worker
        // keeps on the phone. The browser checks the required fields first, since the server
        // will only see them later. It is filed when it arrives: similar reports cannot be
        // shown now.
        if is_offline() {
            similar_seen(&form);
            if !form.report_validity() {
                ev.prevent_default();
            }
            return;
        }
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        ev.prevent_default();
        pending.set(true);
        note.set(None);
        leptos::task::spawn_local(async move {
            let go = |to: &str| {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().set_href(to);
                }
            };
            match send(&form.action(), &data).await {
                // The button stays "sending" until the next page opens.
                Sent::Filed(next) => go(&next),
                Sent::Kept => go("/tersimpan"),
                Sent::Refused(html) => {
                    pending.set(false);
                    if !show_fields_again(&form, &html) {
                        note.set(Some(says("internal")));
                    }
                }
                Sent::Lost => {
                    pending.set(false);
                    note.set(Some(says("retry")));
                }
            }
        });
    };

    // Photos chosen in the file field are made smaller before they can be sent.
    let on_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .filter(|i| i.type_() == "file")
        else {
            return;
        };
        busy.set(Some(says("shrinking")));
        leptos::task::spawn_local(async move {
            let _ = shrink_photos(input).await;
            busy.set(None);
        });
    };

    // Similar reports, asked of the server once the citizen pauses: one question at a time,
    // and again while what is typed changes; the section shows what came back.
    let looking = RwSignal::new(false);
    let look_for_similar = move || {
        if looking.get_untracked() {
            return;
        }
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        looking.set(true);
        leptos::task::spawn_local(async move {
            let mut asked = String::new();
            loop {
                pause(700).await;
                let Some(query) = similar_query(&form) else {
                    break;
                };
                if query == asked {
                    break;
                }
                asked = query.clone();
                if let Some(html) = similar_for(&query).await
                    && let Ok(Some(section)) = form.query_selector("#mirip")
                {
                    section.set_inner_html(&html);
                    similar_seen(&form);
                }
            }
            looking.set(false);
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let chose = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| matches!(e.id().as_str(), "category_id" | "target_org_id"));
        if chose {
            look_for_similar();
        }
        if let Some(form) = form_ref.get_untracked() {
            show_advice(&form);
        }
        on_change(ev);
    };

    // Places to pick from, asked of the server while the citizen types one: one question at
    // a time (a slow network gets the latest text once the answer before it is in).
    let asking = RwSignal::new(false);
    let on_input = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let typed_in = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| e.id())
            .unwrap_or_default();
        if matches!(typed_in.as_str(), "title" | "body" | "location" | "place") {
            look_for_similar();
        }
        if let Some(form) = form_ref.get_untracked() {
            show_advice(&form);
        }
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .filter(|i| i.id() == "place")
        else {
            return;
        };
        if asking.get_untracked() {
            return;
        }
        asking.set(true);
        let form = form_ref.get_untracked();
        leptos::task::spawn_local(async move {
            let mut asked = String::new();
            loop {
                let text = input.value();
                if text == asked || text.trim().chars().count() < 3 {
                    break;
                }
                asked = text.clone();
                let region = form
                    .as_ref()
                    .and_then(|f| f.query_selector("#target_org_id").ok().flatten())
                    .and_then(|s| s.dyn_into::<web_sys::HtmlSelectElement>().ok())
                    .map(|s| s.value())
                    .unwrap_or_default();
                if let Some(places) = places_for(&text, &region).await {
                    show_places(&places);
                }
            }
            asking.set(false);
        });
    };

    // The button follows the form's state; the form is marked once its WebAssembly runs, for
    // the browser tests and for styling.
    Effect::new(move |_| {
        let (sending, waiting) = (pending.get(), busy.with(Option::is_some));
        let Some(form) = form_ref.get() else {
            return;
        };
        let _ = form.set_attribute("data-hydrated", "true");
        if let Some(button) = send_button(&form) {
            let _ = match sending || waiting {
                true => button.set_attribute("disabled", ""),
                false => button.remove_attribute("disabled"),
            };
            let label = if sending {
                "data-sending"
            } else {
                "data-submit"
            };
            if let Some(text) = button.get_attribute(label) {
                button.set_text_content(Some(&text));
            }
        }
    });

    view! {
        <form method="post" action="/lapor" class="report-form" enctype="multipart/form-data" data-draft=""
            node_ref=form_ref on:submit=on_submit on:change=on_change on:input=on_input novalidate>
            {move || note.get().map(|n| view! { <p class="notice error" role="alert">{n}</p> })}
            {children()}
            {move || busy.get().map(|b| view! { <p class="hint" role="status">{b}</p> })}
        </form>
    }
}

/// The form's own send button (not the support button of a similar report).
fn send_button(form: &web_sys::HtmlFormElement) -> Option<web_sys::Element> {
    form.query_selector("button[data-submit]").ok().flatten()
}

/// The form's button, carrying the words of the states the island shows.
#[component]
pub fn SendButton(states: FormStates) -> impl IntoView {
    let label = states.submit.clone();
    view! {
        <button type="submit" class="primary" data-submit=states.submit data-sending=states.sending
            data-shrinking=states.shrinking data-retry=states.retry data-internal=states.internal>
            {label}
        </button>
    }
}

/// The form's fields, rendered on the server with what was typed and the messages of a
/// refused attempt. Their wrapper (`#isian`) is what the island swaps after a refusal.
#[component]
pub fn ReportFields(
    text: ReportFormText,
    /// `(id, code, name)`.
    categories: Vec<(i64, String, String)>,
    agencies: Vec<(String, Vec<(i64, String)>)>,
    submission_key: String,
    initial: ReportInput,
    errors: Vec<FieldError>,
    general: Option<String>,
    /// Similar open reports the server held the report back to show (see `similar`).
    similar: Vec<crate::duplicates::Similar>,
    /// What the report lacks, and the category and agency it reads as (when the server held
    /// it back; the island shows the same as the citizen writes).
    gaps: Vec<crate::completeness::Gap>,
    advice: crate::completeness::Advice,
    loc: Locale,
) -> impl IntoView {
    let alert = !similar.is_empty();
    let category_advice = advice.category.as_ref().and_then(|(id, words)| {
        categories
            .iter()
            .find(|(c, _, _)| c == id)
            .map(|(_, _, name)| {
                tr!(
                    loc,
                    "advice.category",
                    words = words.join(", "),
                    name = name
                )
            })
    });
    let agency_advice = advice.agency.as_ref().map(|(_, agency, category)| {
        tr!(
            loc,
            "advice.agency",
            category = category.name(loc),
            agency = agency
        )
    });
    let advice_template = tr!(loc, "advice.category", words = "{words}", name = "{name}");
    let message = |field: &'static str| {
        let m = errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone());
        view! { <FieldMessage field message=m /> }
    };
    let has_error = |field: &str| errors.iter().any(|e| e.field == field);
    let invalid = |field: &str| has_error(field).then_some("true");
    let described = |field: &str, hint: bool| {
        let ids: Vec<String> = [
            hint.then(|| format!("hint-{field}")),
            has_error(field).then(|| format!("err-{field}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let t = text;
    let value = |v: &str| v.to_owned();
    view! {
        <div id="isian">
            {general.map(|g| view! { <p class="notice error" role="alert">{g}</p> })}
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

            // The island fills it from `/lapor/mirip` while the citizen writes, and sets
            // `mirip` once it did; without it the server holds a report back once to show
            // them.
            <input type="hidden" name="mirip" id="mirip-seen" value=value(&initial.mirip) />
            {message("mirip")}
            // Each piece of advice is always there, hidden until it applies: the server shows
            // those it held the report back for, the island the same as the citizen writes.
            <ul class="advice" id="saran" aria-live="polite">
                {crate::completeness::Gap::ALL.into_iter().map(|g| view! {
                    <li data-gap=g.code() hidden=!gaps.contains(&g)>{tr!(loc, g.label_key())}</li>
                }).collect_view()}
                <li id="saran-kategori" data-text=advice_template hidden=category_advice.is_none()>
                    {category_advice.clone()}
                </li>
                {agency_advice.map(|a| view! { <li data-testid="advice-agency">{a}</li> })}
            </ul>
            <super::similar::SimilarReports items=similar loc alert />

            <label for="category_id">{t.category.clone()}</label>
            <select id="category_id" name="category_id" required aria-invalid=invalid("category_id") aria-describedby=described("category_id", false)>
                <option value="">{t.choose.clone()}</option>
                {categories.into_iter().map(|(id, code, name)| {
                    let selected = initial.category_id == id.to_string();
                    view! { <option value=id.to_string() data-code=code selected=selected>{name}</option> }
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

            // The island fills the list from `/wilayah/saran` as the citizen types; without it
            // the server checks the name and offers the places it could mean.
            <label for="place">{t.place.clone()}</label>
            <input id="place" name="place" type="text" maxlength="200" autocomplete="off" list="place-list"
                value=value(&initial.place) aria-invalid=invalid("place") aria-describedby=described("place", true) />
            <datalist id="place-list"></datalist>
            <p class="hint" id="hint-place">{t.place_hint.clone()}</p>
            {message("place")}

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
                    <input type="checkbox" id="anonymous" name="anonymous" value="on" checked=initial.is_anonymous() />
                    {t.anonymous.clone()}
                </label>
                <label class="check" for="confidential">
                    <input type="checkbox" id="confidential" name="confidential" value="on" checked=initial.is_confidential() />
                    {t.confidential.clone()}
                </label>
            </fieldset>

            // Muted by the stylesheet while "anonymous" is ticked, with or without JavaScript.
            <fieldset class="contact">
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
                    aria-invalid=invalid("lampiran") aria-describedby=described("lampiran", true) />
                {t.files_kept.clone().map(|k| view! { <p class="notice ok">{k}</p> })}
                {message("lampiran")}
            </div>
        </div>
    }
}
