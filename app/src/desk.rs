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

/// An internal note that named the official, in a report they have not opened since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub tracking_id: String,
    pub title: String,
    /// Who wrote the note.
    pub by: String,
    pub at: i64,
}

/// The officials an internal note names, among `people` (those who may read it): `@` and a
/// person's whole name in any case (the longest that fits, so "@Budi Santoso" is not also
/// "Budi"), or `@` and their first name when nobody else among them shares it. A name ends
/// at the end of the text or before anything that is not a letter or a digit ("@Budi,");
/// an `@` inside a word (an email address) names nobody.
/// Each person once, in the order of `people`.
pub fn mentioned(body: &str, people: &[Colleague]) -> Vec<i64> {
    let text = body.to_lowercase();
    let names: Vec<(i64, String)> = people
        .iter()
        .map(|p| (p.id, p.name.trim().to_lowercase()))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    let first = |n: &str| n.split_whitespace().next().unwrap_or("").to_owned();
    let ends_at = |rest: &str, len: usize| {
        rest.get(len..)
            .is_some_and(|after| after.chars().next().is_none_or(|c| !c.is_alphanumeric()))
    };
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@') {
        // In the middle of a word it is an address (`sari@dinas.id`), not a name.
        if text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let rest = &text[at + 1..];
        let whole = names
            .iter()
            .filter(|(_, n)| rest.starts_with(n.as_str()) && ends_at(rest, n.len()))
            .max_by_key(|(_, n)| n.len())
            .map(|(id, _)| *id);
        let by_first = || {
            let mut hits = names.iter().filter(|(_, n)| {
                let f = first(n);
                rest.starts_with(f.as_str()) && ends_at(rest, f.len())
            });
            match (hits.next(), hits.next()) {
                (Some((id, _)), None) => Some(*id),
                _ => None,
            }
        };
        if let Some(id) = whole.or_else(by_first)
            && !found.contains(&id)
        {
            found.push(id);
        }
    }
    people
        .iter()
        .map(|p| p.id)
        .filter(|id| found.contains(id))
        .collect()
}

/// An inbox filter an official saved under a name of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFilter {
    pub id: i64,
    pub name: String,
    /// The inbox's query string (`lihat=saya&label=3`).
    pub query: String,
}

/// The form that saves the inbox's current filter: its name, and the view and label shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilterInput {
    pub nama: String,
    pub lihat: String,
    pub label: String,
}

pub const FILTER_NAME_MAX: usize = 60;
/// The most filters one official keeps.
pub const FILTERS_MAX: i64 = 30;

/// The query string of an inbox filter, rebuilt from what it means (never stored as typed):
/// the view, and the label when one is chosen.
pub fn filter_query(view: View, label: Option<i64>) -> String {
    match label {
        Some(l) => format!("lihat={}&label={l}", view.code()),
        None => format!("lihat={}", view.code()),
    }
}

/// The filter's name trimmed and within bounds, or the field to fix.
pub fn validate_filter_name(name: &str) -> Result<String, crate::error::FieldError> {
    use crate::error::FieldError;
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err(FieldError::new("nama", "err.required"))
    } else if name.chars().count() > FILTER_NAME_MAX {
        Err(FieldError::new("nama", "desk.filter_name_long"))
    } else {
        Ok(name)
    }
}

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;
#[cfg(feature = "ssr")]
mod together;
#[cfg(feature = "ssr")]
pub use together::*;

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

    fn people(names: &[&str]) -> Vec<Colleague> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Colleague {
                id: i as i64 + 1,
                name: (*n).to_owned(),
            })
            .collect()
    }

    #[test]
    fn a_note_names_colleagues_by_whole_name_or_an_unshared_first_name() {
        let p = people(&["Budi Santoso", "Budi Hartono", "Sari Dewi", "Ani"]);
        assert_eq!(mentioned("@budi santoso tolong cek", &p), [1]);
        // "Budi" alone is two people: nobody is named.
        assert!(mentioned("@Budi tolong", &p).is_empty());
        assert_eq!(mentioned("cc @Sari, @ani!", &p), [3, 4]);
        assert_eq!(mentioned("@Sari @sari dewi @SARI", &p), [3]);
        // Part of a longer word, an address, or no @ at all.
        assert!(mentioned("@Anita sari@ani.id Ani", &p).is_empty());
        assert!(mentioned("@", &p).is_empty());
        let long = people(&["Budi", "Budi Santoso"]);
        assert_eq!(mentioned("@Budi Santoso", &long), [2]);
        assert_eq!(mentioned("@Budi Hartono", &long), [1]);
        assert_eq!(mentioned("(@budi)", &long), [1]);
        assert_eq!(mentioned("İİ @BUDI", &long), [1]);
    }

    #[test]
    fn a_saved_filter_is_rebuilt_from_what_it_means() {
        assert_eq!(filter_query(View::Mine, Some(3)), "lihat=saya&label=3");
        assert_eq!(filter_query(View::All, None), "lihat=semua");
        assert_eq!(
            validate_filter_name("  jalan   rusak ").expect("a name"),
            "jalan rusak"
        );
        assert!(validate_filter_name(" ").is_err());
        assert!(validate_filter_name(&"x".repeat(FILTER_NAME_MAX + 1)).is_err());
    }
}
