//! Attachments (*lampiran*): photos and PDF documents on a report and on thread messages.
//!
//! What a file may reveal is decided here, once:
//! - every photo is decoded and encoded anew on the server ([`process`]): nothing of the
//!   original file survives but its pixels, so no metadata (EXIF, GPS position, camera serial,
//!   XMP, ICC comments) ever reaches anyone, for every report, anonymous or not; the camera's
//!   orientation is applied first, and a thumbnail is made;
//! - a file that is not what it claims (an executable named `.pdf`, a bomb of 10,000 ×
//!   10,000 pixels) is refused with a message, before anything is stored;
//! - a file is served only through a link signed for one audience ([`Audience`]), which the
//!   page that showed the report to that viewer made: the public gets links only to files of
//!   public entries of published, non-confidential reports, the reporter never to files of
//!   internal notes; anything else answers "not found".
//!
//! Files go through two steps, so that a file counts as stored only once its report or
//! message is: a file is *staged* when it arrives (processed, put in the store, recorded as
//! pending), and *attached* in the unit of work that files the report or records the message;
//! pending files that were never attached are removed by a sweep.

use serde::{Deserialize, Serialize};

/// What kind of file an attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    /// A photo, re-encoded as JPEG, with a thumbnail.
    Photo,
    /// A PDF document, kept as sent (checked to be one).
    Pdf,
}

impl FileKind {
    pub fn code(self) -> &'static str {
        match self {
            FileKind::Photo => "photo",
            FileKind::Pdf => "pdf",
        }
    }

    pub fn from_code(code: &str) -> Option<FileKind> {
        [FileKind::Photo, FileKind::Pdf]
            .into_iter()
            .find(|k| k.code() == code)
    }

    /// The content type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Photo => "image/jpeg",
            FileKind::Pdf => "application/pdf",
        }
    }
}

/// At most this many files per report and per message.
pub const MAX_FILES: usize = 5;
/// The largest file taken (a camera photo is 3–8 MB).
pub const MAX_FILE_BYTES: usize = 12 << 20;
/// The most pixels a photo may have (a 50-megapixel phone camera); more is refused before
/// it is decoded.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The longest side of a stored photo and of its thumbnail.
pub const PHOTO_SIDE: u32 = 2048;
pub const THUMB_SIDE: u32 = 320;

/// Who a link to a file was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    /// Anyone reading a published report: checked again when the file is served (a report
    /// made confidential since loses its public files at once).
    Public,
    /// The reporter, who proved it on the page.
    Reporter,
    /// An official in scope.
    Staff,
}

impl Audience {
    pub fn code(self) -> &'static str {
        match self {
            Audience::Public => "p",
            Audience::Reporter => "r",
            Audience::Staff => "s",
        }
    }

    pub fn from_code(code: &str) -> Option<Audience> {
        [Audience::Public, Audience::Reporter, Audience::Staff]
            .into_iter()
            .find(|a| a.code() == code)
    }
}

/// How long a signed link to a file stays valid.
pub const LINK_SECS: i64 = 24 * 3600;

/// One attachment as a page shows it. The links are empty until [`sign`] fills them for the
/// viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    pub kind: FileKind,
    pub name: String,
    pub bytes: i64,
    pub url: String,
    pub thumb_url: String,
}

/// A file as it arrived in a form: its name as the browser gave it, its declared type, its
/// bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A file name safe to show and to put in a header: no path, no control or quote
/// characters, at most 80 characters, never empty.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | ';' | '<' | '>'))
        .take(80)
        .collect();
    match cleaned.trim() {
        "" => "lampiran".to_owned(),
        name => name.to_owned(),
    }
}

/// Parses the staged-file tokens a form carries back (comma- or space-separated), keeping
/// only well-formed ones, at most [`MAX_FILES`] and each once.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in text.split([',', ' ', '\n']).map(str::trim) {
        let t = t.to_ascii_lowercase();
        let well_formed = t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit());
        if well_formed && !out.contains(&t) && out.len() < MAX_FILES {
            out.push(t);
        }
    }
    out
}

#[cfg(feature = "ssr")]
pub mod blobs;
#[cfg(feature = "ssr")]
pub mod process;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_quotes_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\siti\\IMG_0001.JPG"), "IMG_0001.JPG");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b;\r\nc<script>.pdf"), "abcscript.pdf");
        assert_eq!(clean_name("   "), "lampiran");
        assert_eq!(clean_name(&"x".repeat(500)).len(), 80);
    }

    #[test]
    fn only_well_formed_tokens_are_kept_once() {
        let t = "0123456789abcdef0123456789abcdef";
        let text = format!("{t}, {t} bogus 0123 {}", t.to_uppercase());
        assert_eq!(tokens(&text), vec![t.to_owned()]);
        assert!(tokens("").is_empty());
    }
}
