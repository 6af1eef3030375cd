//! The officials' desk: what turns an organisation's inbox into a shared one.
//!
//! - *Assignment*: one official of the organisation that holds a report handles it. They take
//!   it ("ambil") or a colleague assigns it; each taking, assignment and release is an
//!   internal entry of the report's history (`assigned`). A report that moves to another
//!   organisation arrives there unassigned; an official who is deactivated leaves their
//!   reports unassigned, with an entry saying why.
//! - *Views*: an inbox shows the official's own reports, the unassigned ones, or all of the
//!   organisation's ([`View`]), each with its count.
//! - *What is new*: the newest entry of a report each official has seen, so that a row shows
//!   what arrived since they last opened it, and sending a reply after a message came in
//!   meanwhile shows that message first.
//! - *Reply templates* ("balasan cepat"): an organisation's texts with placeholders
//!   ([`PLACEHOLDERS`]), filled for the report at hand ([`fill`]) and edited before sending.
//!
//! None of it ever reads or shows anything about the reporter.

use serde::{Deserialize, Serialize};

/// Which reports of an organisation's inbox an official looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    /// Assigned to the official.
    Mine,
    /// Assigned to nobody.
    Unassigned,
    /// Everything that waits for the organisation.
    #[default]
    All,
}

impl View {
    pub const ALL: [View; 3] = [View::Mine, View::Unassigned, View::All];

    /// The value of the inbox's `lihat` query parameter.
    pub fn code(self) -> &'static str {
        match self {
            View::Mine => "saya",
            View::Unassigned => "belum",
            View::All => "semua",
        }
    }

    /// The view named in a query; anything else is every report.
    pub fn from_code(code: &str) -> View {
        View::ALL
            .into_iter()
            .find(|v| v.code() == code.trim())
            .unwrap_or_default()
    }

    pub fn label_key(self) -> &'static str {
        match self {
            View::Mine => "desk.view_mine",
            View::Unassigned => "desk.view_unassigned",
            View::All => "desk.view_all",
        }
    }
}

/// How many reports each view holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewCounts {
    pub mine: i64,
    pub unassigned: i64,
    pub all: i64,
}

impl ViewCounts {
    pub fn of(&self, view: View) -> i64 {
        match view {
            View::Mine => self.mine,
            View::Unassigned => self.unassigned,
            View::All => self.all,
        }
    }
}

/// An official of the same organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: i64,
    pub name: String,
}

/// Who handles a report, and whom the viewer may hand it to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub assignee: Option<Colleague>,
    /// The active officials of the organisation holding the report; empty when the viewer
    /// may not assign it (another organisation holds it, or they only read).
    pub colleagues: Vec<Colleague>,
    /// The viewer's account.
    pub me: i64,
}

impl Assignment {
    pub fn can_assign(&self) -> bool {
        !self.colleagues.is_empty()
    }

    pub fn is_mine(&self) -> bool {
        self.assignee.as_ref().is_some_and(|a| a.id == self.me)
    }
}

/// The assignment form: `kepada` is the account to hand the report to (empty: nobody),
/// `dari` the one the official saw handling it (empty: nobody), so that two officials acting
/// at once cannot silently undo each other.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssignInput {
    pub kepada: String,
    pub dari: String,
}

/// A reply template as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyTemplate {
    pub id: i64,
    pub title: String,
    pub body: String,
}

/// A template filled for one report: what the composer inserts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilledTemplate {
    pub id: i64,
    pub title: String,
    pub text: String,
}

/// The template form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateInput {
    pub title: String,
    pub body: String,
}

pub const TEMPLATE_TITLE_MAX: usize = 80;

/// The placeholders a template may hold, with the translation key of what each becomes.
/// Nothing about the reporter is among them: a template is the same for an anonymous report.
pub const PLACEHOLDERS: [(&str, &str); 4] = [
    ("{nomor}", "desk.ph_tracking"),
    ("{instansi}", "desk.ph_org"),
    ("{petugas}", "desk.ph_official"),
    ("{tenggat}", "desk.ph_deadline"),
];

/// What the placeholders stand for in one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholders<'a> {
    pub tracking_id: &'a str,
    pub org: &'a str,
    pub official: &'a str,
    /// The next deadline, written out; `None` when no clock runs.
    pub deadline: Option<&'a str>,
}

/// `body` with its placeholders filled. A placeholder with nothing to stand for (no deadline
/// runs) stays as typed, for the official to see and edit; text that only looks like one is
/// left alone. Values are never scanned again, so a name with braces cannot inject another.
pub fn fill(body: &str, p: &Placeholders) -> String {
    let value = |name: &str| -> Option<&str> {
        match name {
            "{nomor}" => Some(p.tracking_id),
            "{instansi}" => Some(p.org),
            "{petugas}" => Some(p.official),
            "{tenggat}" => p.deadline,
            _ => None,
        }
    };
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('}').map(|e| e + 1);
        match end.and_then(|e| value(&tail[..e]).map(|v| (e, v))) {
            Some((e, v)) => {
                out.push_str(v);
                rest = &tail[e..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The template's title and text trimmed and within bounds, or the fields to fix.
pub fn validate_template(
    input: &TemplateInput,
) -> Result<(String, String), Vec<crate::error::FieldError>> {
    use crate::error::FieldError;
    let title = input.title.trim();
    let body = input.body.trim();
    let mut errors = Vec::new();
    if title.is_empty() {
        errors.push(FieldError::new("title", "err.required"));
    } else if title.chars().count() > TEMPLATE_TITLE_MAX {
        errors.push(FieldError::new("title", "err.template_title_long"));
    }
    if let Err(e) = crate::threads::validate_message(body) {
        errors.push(FieldError::new("body", &e.key));
    }
    if errors.is_empty() {
        Ok((title.to_owned(), body.to_owned()))
    } else {
        Err(errors)
    }
}

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

mod server_fns;
pub use server_fns::*;

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Placeholders<'static> {
        Placeholders {
            tracking_id: "LPR-ABC123",
            org: "Dinas PUPR",
            official: "Budi",
            deadline: Some("30 November 2026"),
        }
    }

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_stay() {
        assert_eq!(
            fill(
                "Laporan {nomor} ditangani {instansi} ({petugas}), paling lambat {tenggat}.",
                &p()
            ),
            "Laporan LPR-ABC123 ditangani Dinas PUPR (Budi), paling lambat 30 November 2026."
        );
        assert_eq!(fill("{nama} {x {nomor}}", &p()), "{nama} {x LPR-ABC123}");
        let sneaky = Placeholders {
            official: "{nomor}",
            ..p()
        };
        assert_eq!(fill("{petugas}", &sneaky), "{nomor}");
        let no_clock = Placeholders {
            deadline: None,
            ..p()
        };
        assert_eq!(fill("sebelum {tenggat}", &no_clock), "sebelum {tenggat}");
        assert_eq!(fill("{", &p()), "{");
        assert_eq!(fill("é{nomor}é", &p()), "éLPR-ABC123é");
    }

    #[test]
    fn views_read_from_the_query_default_to_everything() {
        for v in View::ALL {
            assert_eq!(View::from_code(v.code()), v);
        }
        assert_eq!(View::from_code("<script>"), View::All);
    }

    #[test]
    fn templates_need_a_title_and_a_text() {
        let Err(bad) = validate_template(&TemplateInput {
            title: " ".into(),
            body: "".into(),
        }) else {
            panic!("an empty template is refused");
        };
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "body"]);
        assert!(
            validate_template(&TemplateInput {
                title: "t".repeat(TEMPLATE_TITLE_MAX + 1),
                body: "x".into()
            })
            .is_err()
        );
    }
}
