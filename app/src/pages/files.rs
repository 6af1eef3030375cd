//! Attachments on pages: the files of a report or thread entry (thumbnails linking to the
//! photo, a link to a PDF), and the file picker of a form, which also carries back the files
//! already sent with a form that came back with mistakes.

use crate::attachments::{AttachmentView, FileKind, MAX_FILES};
use crate::i18n::Locale;
use crate::tr;
use leptos::prelude::*;

/// A size in kB or MB, as people read it.
fn size(bytes: i64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}

/// The files of a report or of one thread entry.
#[component]
pub fn Files(files: Vec<AttachmentView>, loc: Locale) -> impl IntoView {
    (!files.is_empty()).then(|| {
        view! {
            <ul class="files" aria-label=tr!(loc, "files.label")>
                {files.into_iter().map(|f| {
                    let label = format!("{} ({})", f.name, size(f.bytes));
                    match f.kind {
                        FileKind::Photo => view! {
                            <li><a href=f.url.clone() data-file="photo">
                                <img src=f.thumb_url.clone() alt=label.clone() loading="lazy" width="160" />
                            </a></li>
                        }.into_any(),
                        FileKind::Pdf => view! {
                            <li><a href=f.url.clone() data-file="pdf">{format!("PDF: {label}")}</a></li>
                        }.into_any(),
                    }
                }).collect_view()}
            </ul>
        }
    })
}

/// The file field of a form (`name="lampiran"`; the form must be `multipart/form-data`), and
/// the tokens of files a previous try of the form already sent (`attachments`), so that a
/// form shown again with mistakes keeps them.
#[component]
pub fn FilePicker(
    /// The tokens carried back, as the form sent them.
    kept: String,
    loc: Locale,
    /// The message of a refused file, if any.
    #[prop(optional_no_strip)]
    error: Option<String>,
) -> impl IntoView {
    let count = crate::attachments::tokens(&kept).len();
    view! {
        <div class="file-picker">
            <label for="lampiran">{tr!(loc, "files.pick", max = MAX_FILES)}</label>
            <p class="hint" id="hint-lampiran">{tr!(loc, "files.hint")}</p>
            // Before the files: a multipart form cut off in a file still brings these back.
            <input type="hidden" name="attachments" value=kept />
            <input type="file" id="lampiran" name="lampiran" multiple
                accept="image/jpeg,image/png,image/webp,application/pdf"
                aria-describedby="hint-lampiran" aria-invalid=error.is_some().then_some("true") />
            {(count > 0).then(|| view! { <p class="notice ok">{tr!(loc, "files.kept", count = count)}</p> })}
            {error.map(|m| view! { <p class="field-error" id="err-lampiran">{m}</p> })}
        </div>
    }
}
