//! Reports: what a citizen files, how it is checked, stored, shown and listed.
//!
//! Privacy is enforced here rather than remembered by whoever writes a page:
//! - a *confidential* (`rahasia`) report is never returned to anyone but its reporter (the
//!   public listing filters it out in SQL; opening it without proof answers "not found", the
//!   same answer as for a report that does not exist);
//! - an *anonymous* (`anonim`) report stores no name, email or phone at all, and the reporter's
//!   contact details of any report are only read by the reporter's own view
//!   ([`ReportView::reporter`] is `None` for everyone else).

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// The three kinds of report SP4N-LAPOR! takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportKind {
    Pengaduan,
    Aspirasi,
    PermintaanInformasi,
}

impl ReportKind {
    pub const ALL: [ReportKind; 3] = [
        ReportKind::Pengaduan,
        ReportKind::Aspirasi,
        ReportKind::PermintaanInformasi,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportKind::Pengaduan => "pengaduan",
            ReportKind::Aspirasi => "aspirasi",
            ReportKind::PermintaanInformasi => "permintaan_informasi",
        }
    }

    pub fn from_code(code: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Translation key of the kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            ReportKind::Pengaduan => "kind.pengaduan",
            ReportKind::Aspirasi => "kind.aspirasi",
            ReportKind::PermintaanInformasi => "kind.permintaan_informasi",
        }
    }
}

pub use crate::lifecycle::Status;

/// How a report reached us (DOMAIN.md, "A report").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Web,
    Sms,
    Api,
    WalkIn,
    Phone,
    Letter,
    Import,
}

impl Channel {
    /// The channels an official types a report in from (DOMAIN.md: counter, phone, letter).
    pub const MANUAL: [Channel; 3] = [Channel::WalkIn, Channel::Phone, Channel::Letter];

    /// Whether a named report of this channel must give a way to reach the reporter. One
    /// typed in by an official need not: a letter or a visitor at the counter may leave none,
    /// and the printed receipt (tracking ID and access code) is how they follow it.
    pub fn needs_contact(self) -> bool {
        matches!(self, Channel::Web | Channel::Api)
    }

    pub const ALL: [Channel; 7] = [
        Channel::Web,
        Channel::Sms,
        Channel::Api,
        Channel::WalkIn,
        Channel::Phone,
        Channel::Letter,
        Channel::Import,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Sms => "sms",
            Channel::Api => "api",
            Channel::WalkIn => "walk_in",
            Channel::Phone => "phone",
            Channel::Letter => "letter",
            Channel::Import => "import",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Translation key of the channel's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Channel::Web => "channel.web",
            Channel::Sms => "channel.sms",
            Channel::Api => "channel.api",
            Channel::WalkIn => "channel.walk_in",
            Channel::Phone => "channel.phone",
            Channel::Letter => "channel.letter",
            Channel::Import => "channel.import",
        }
    }
}

/// How and when a report came in: its channel, and when the citizen actually complained
/// (for a report taken at a counter or imported from a backlog, the original moment, not
/// the moment it was typed in), which starts its deadline clocks; the language the citizen
/// used (their notifications speak it), and for a report that came by SMS the number it
/// came from (where its news goes, and the only number its thread takes messages from); for a
/// report an official typed in, who did (the thread records it, with when).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    pub channel: Channel,
    pub received_at: i64,
    pub locale: crate::i18n::Locale,
    pub sms_from: Option<String>,
    pub entered_by: Option<i64>,
    /// For a report another system filed through the API: the key it used.
    pub api_key_id: Option<i64>,
    /// The web form's door: a complete report that resembles open public reports, lacks a
    /// place, a time or specifics, or reads as another category or agency than chosen, comes
    /// back once with that advice (see [`ReportInput::mirip`]) instead of being filed.
    pub offers_help: bool,
}

impl Intake {
    /// Typed on the web form, received as it is sent.
    pub fn web(now: i64) -> Intake {
        Intake {
            channel: Channel::Web,
            received_at: now,
            locale: crate::i18n::Locale::Id,
            sms_from: None,
            entered_by: None,
            api_key_id: None,
            offers_help: false,
        }
    }

    /// The same intake, with the citizen's language.
    pub fn in_language(self, locale: crate::i18n::Locale) -> Intake {
        Intake { locale, ..self }
    }

    /// The same intake, offering the form's advice first (the web form).
    pub fn offering_help(self) -> Intake {
        Intake {
            offers_help: true,
            ..self
        }
    }
}

/// The report form as the browser sends it: every field is text, exactly as typed, so that a
/// form with mistakes can be shown again with nothing lost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportInput {
    /// One-time key handed out with the form; makes a retried submission harmless.
    pub submission_key: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub category_id: String,
    pub incident_date: String,
    pub location: String,
    /// The kecamatan or kelurahan, as typed or picked (`Sungai Miai, Banjarmasin Utara`) or
    /// as a Kemendagri code; checked against the country's data when the report is filed.
    pub place: String,
    pub target_org_id: String,
    /// Checkbox: present (any value) means on.
    pub anonymous: Option<String>,
    pub confidential: Option<String>,
    pub name: String,
    pub email: String,
    pub phone: String,
    /// An email only to be told of the report's progress: allowed for an anonymous report
    /// too, and never shown to an official.
    pub notify_email: String,
    /// The tokens of the files staged for this report (see `attachments`).
    pub attachments: String,
    /// Where it happened, in decimal degrees (WGS 84); both or neither.
    pub latitude: String,
    pub longitude: String,
    /// Set (`1`) once the citizen was shown the form's advice (similar reports that exist,
    /// what the report lacks, the category and agency it reads as): then the report is filed;
    /// before, a report with such advice comes back once with it.
    pub mirip: String,
}

impl ReportInput {
    /// What the completeness checks read of this report.
    pub fn draft(&self) -> crate::completeness::Draft<'_> {
        crate::completeness::Draft {
            title: &self.title,
            body: &self.body,
            location: &self.location,
            place: &self.place,
            incident_date: &self.incident_date,
        }
    }

    /// What possible duplicates of this report are looked for by.
    pub fn probe(&self) -> crate::duplicates::Probe {
        crate::duplicates::Probe {
            title: self.title.clone(),
            body: self.body.clone(),
            category_id: self.category_id.clone(),
            target_org_id: self.target_org_id.clone(),
            place: self.place.clone(),
            location: self.location.clone(),
        }
    }
}

impl ReportInput {
    pub fn is_anonymous(&self) -> bool {
        self.anonymous.is_some()
    }
    pub fn is_confidential(&self) -> bool {
        self.confidential.is_some()
    }
}

pub const TITLE_MIN: usize = 10;
pub const TITLE_MAX: usize = 150;
pub const BODY_MIN: usize = 30;
pub const BODY_MAX: usize = 5000;
pub const LOCATION_MAX: usize = 200;

/// A report that passed validation, in domain types.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidReport {
    pub kind: ReportKind,
    pub title: String,
    pub body: String,
    pub category_id: i64,
    pub incident_date: Option<String>,
    pub location: String,
    pub target_org_id: Option<i64>,
    pub anonymous: bool,
    pub confidential: bool,
    /// Contact details; all empty for an anonymous report, which must not keep them.
    pub name: String,
    pub email: String,
    pub phone: String,
    /// Where the reporter asked to be told of progress (empty: the contact email, else the
    /// account's); kept apart from the contact details, so also for an anonymous report.
    pub notify_email: String,
    /// Latitude and longitude, when given.
    pub coordinates: Option<(f64, f64)>,
}

/// Checks a report form against the rules that need no database. `today` is `YYYY-MM-DD` in
/// the deployment's time zone (an incident cannot happen in the future).
pub fn validate(input: &ReportInput, today: &str) -> Result<ValidReport, Vec<FieldError>> {
    validate_for(input, today, Channel::Web)
}

/// [`validate`] for a report that came through `channel` (see [`Channel::needs_contact`]).
pub fn validate_for(
    input: &ReportInput,
    today: &str,
    channel: Channel,
) -> Result<ValidReport, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = ReportKind::from_code(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", "err.kind"));
    }
    let title = input.title.trim().to_owned();
    match title.chars().count() {
        0 => errors.push(FieldError::new("title", "err.required")),
        n if n < TITLE_MIN => errors.push(FieldError::new("title", "err.title_short")),
        n if n > TITLE_MAX => errors.push(FieldError::new("title", "err.title_long")),
        _ => {}
    }
    let body = input.body.trim().to_owned();
    match body.chars().count() {
        0 => errors.push(FieldError::new("body", "err.required")),
        n if n < BODY_MIN => errors.push(FieldError::new("body", "err.body_short")),
        n if n > BODY_MAX => errors.push(FieldError::new("body", "err.body_long")),
        _ => {}
    }
    let category_id = input.category_id.trim().parse::<i64>().ok();
    if category_id.is_none() {
        errors.push(FieldError::new("category_id", "err.category"));
    }
    let incident_date = match input.incident_date.trim() {
        "" => None,
        date => match crate::i18n::parse_iso_date(date) {
            None => {
                errors.push(FieldError::new("incident_date", "err.date_invalid"));
                None
            }
            // ISO dates compare correctly as text.
            Some(_) if date > today => {
                errors.push(FieldError::new("incident_date", "err.date_future"));
                None
            }
            Some(_) => Some(date.to_owned()),
        },
    };
    let location = input.location.trim().to_owned();
    if location.chars().count() > LOCATION_MAX {
        errors.push(FieldError::new("location", "err.location_long"));
    }
    if input.place.trim().chars().count() > crate::wilayah::PLACE_MAX {
        errors.push(FieldError::new("place", "err.place_long"));
    }
    let target_org_id = match input.target_org_id.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError::new("target_org_id", "err.agency"));
                None
            }
        },
    };
    let notify_email = input.notify_email.trim().to_lowercase();
    if !notify_email.is_empty() && !crate::accounts::email_is_plausible(&notify_email) {
        errors.push(FieldError::new("notify_email", "err.email"));
    }
    let coordinates = match coordinates(&input.latitude, &input.longitude) {
        Ok(c) => c,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let anonymous = input.is_anonymous();
    let (name, email, phone) = if anonymous {
        (String::new(), String::new(), String::new())
    } else {
        let name = input.name.trim().to_owned();
        let email = input.email.trim().to_lowercase();
        let phone = input.phone.trim().to_owned();
        if name.chars().count() < 2 || name.chars().count() > 100 {
            errors.push(FieldError::new("name", "err.name"));
        }
        if !email.is_empty() && !crate::accounts::email_is_plausible(&email) {
            errors.push(FieldError::new("email", "err.email"));
        }
        if !phone.is_empty() && !crate::accounts::phone_is_plausible(&phone) {
            errors.push(FieldError::new("phone", "err.phone"));
        }
        if email.is_empty() && phone.is_empty() && channel.needs_contact() {
            errors.push(FieldError::new("email", "err.contact"));
        }
        (name, email, phone)
    };
    match (kind, category_id) {
        (Some(kind), Some(category_id)) if errors.is_empty() => Ok(ValidReport {
            kind,
            title,
            body,
            category_id,
            incident_date,
            location,
            target_org_id,
            anonymous,
            confidential: input.is_confidential(),
            name,
            email,
            phone,
            notify_email,
            coordinates,
        }),
        _ => Err(errors),
    }
}

/// A place in decimal degrees: both empty is none; one without the other, text that is not a
/// finite number, or a value off the globe is refused.
pub fn coordinates(latitude: &str, longitude: &str) -> Result<Option<(f64, f64)>, FieldError> {
    let (lat, long) = (latitude.trim(), longitude.trim());
    if lat.is_empty() && long.is_empty() {
        return Ok(None);
    }
    let parse = |t: &str, max: f64| {
        t.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.abs() <= max)
    };
    match (parse(lat, 90.0), parse(long, 180.0)) {
        (Some(lat), Some(long)) => Ok(Some((lat, long))),
        _ => Err(FieldError::new("latitude", "err.coordinates")),
    }
}

/// What a citizen gets back after filing: the tracking ID and the code that proves they are
/// the reporter. The code is shown once on the receipt page and never stored in the clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledReport {
    pub tracking_id: String,
    pub access_code: String,
}

impl FiledReport {
    /// The private link that opens the report as its reporter.
    pub fn private_link(&self) -> String {
        format!("/laporan/{}?kode={}", self.tracking_id, self.access_code)
    }
}

/// The reporter's own contact details, shown only to the reporter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReporterView {
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// One report as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub tracking_id: String,
    pub kind: ReportKind,
    pub title: String,
    pub body: String,
    pub category_name_id: String,
    pub category_name_en: String,
    pub incident_date: Option<String>,
    pub location: String,
    /// The kecamatan or kelurahan it names, described (`Kelurahan Sungai Miai, Kecamatan
    /// Banjarmasin Utara, Kota Banjarmasin, Kalimantan Selatan`).
    pub place: Option<String>,
    pub agency: Option<String>,
    pub anonymous: bool,
    pub confidential: bool,
    pub status: Status,
    pub received_at: i64,
    /// The time zone of the report's region: its times are shown and its working days
    /// counted in it.
    pub zone: crate::i18n::TimeZone,
    /// Whether the viewer proved to be the reporter (access code or own account).
    pub is_reporter: bool,
    /// Contact details: only for the reporter, and never for an anonymous report.
    pub reporter: Option<ReporterView>,
    pub thread: Vec<crate::threads::ThreadEntry>,
    /// Closed for good (confirmed, or the contest window ran out).
    pub closed: bool,
    /// The citizen's rating, once confirmed.
    pub rating: Option<i64>,
    /// The deadline clocks as of when the page was made (filled by the pages' loaders).
    pub clocks: Option<crate::deadlines::Clocks>,
    /// Whether the public may read the report: only once an official verified it.
    pub published: bool,
    /// For the reporter and officials: the public versions an official redacted (`None`:
    /// the original is public). The public only ever gets these, as `title` and `body`.
    pub public_title: Option<String>,
    pub public_body: Option<String>,
    /// The files of the report itself (those of messages are on their thread entries).
    pub attachments: Vec<crate::attachments::AttachmentView>,
    /// How many people reported it: its reporter, those who supported it ("saya juga
    /// mengalami ini") and the reporters of the reports marked as its duplicates.
    pub reporters: i64,
    /// For a report marked as a duplicate: the tracking ID of the original, followed from
    /// then on.
    pub duplicate_of: Option<String>,
}

/// One line of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub tracking_id: String,
    pub kind: ReportKind,
    pub title: String,
    pub excerpt: String,
    pub category_name_id: String,
    pub category_name_en: String,
    pub agency: Option<String>,
    pub status: Status,
    pub received_at: i64,
    pub confidential: bool,
    /// The time zone of the report's region.
    pub zone: crate::i18n::TimeZone,
    /// In search results: the title and an excerpt with the words found marked.
    #[serde(default)]
    pub marked: Option<crate::search::Marked>,
}

/// Filters of the public listing, as they appear in its query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListFilter {
    /// Words to search by (see `search`); empty: every report, newest first.
    pub q: String,
    pub status: String,
    pub kategori: String,
    pub instansi: String,
    pub hal: String,
}

impl ListFilter {
    pub fn page(&self) -> i64 {
        self.hal
            .trim()
            .parse::<i64>()
            .unwrap_or(1)
            .clamp(1, 100_000)
    }

    /// The query string of this filter on page `page`.
    pub fn query_for_page(&self, page: i64) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("q", &self.q),
            ("status", &self.status),
            ("kategori", &self.kategori),
            ("instansi", &self.instansi),
        ] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", encode_query_value(value)));
            }
        }
        if page > 1 {
            parts.push(format!("hal={page}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A page of the public listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPage {
    pub items: Vec<ReportSummary>,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// A search that found more than it ranks ([`crate::search::CANDIDATES`]): `total` is
    /// the newest of them.
    #[serde(default)]
    pub capped: bool,
}

pub const PAGE_SIZE: i64 = 20;

/// Shortens a body to an excerpt at a word boundary.
pub fn excerpt(body: &str, max_chars: usize) -> String {
    if body.chars().count() <= max_chars {
        return body.to_owned();
    }
    let cut: String = body.chars().take(max_chars).collect();
    let cut = cut
        .rsplit_once(char::is_whitespace)
        .map(|(head, _)| head)
        .unwrap_or(&cut);
    format!("{}…", cut.trim_end())
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

    fn good() -> ReportInput {
        ReportInput {
            submission_key: "k".into(),
            kind: "pengaduan".into(),
            title: "Jalan berlubang di Jl. A. Yani".into(),
            body: "Sejak dua minggu lubang besar di depan pasar membahayakan pengendara motor."
                .into(),
            category_id: "3".into(),
            incident_date: "2026-11-20".into(),
            location: "Banjarmasin".into(),
            place: String::new(),
            target_org_id: "".into(),
            anonymous: None,
            confidential: None,
            name: "Siti".into(),
            email: "siti@example.id".into(),
            phone: "".into(),
            notify_email: "".into(),
            mirip: String::new(),
            attachments: "".into(),
            latitude: String::new(),
            longitude: String::new(),
        }
    }

    #[test]
    fn an_anonymous_report_keeps_only_its_notification_email() {
        let input = ReportInput {
            anonymous: Some("on".into()),
            notify_email: " Warga@Example.ID ".into(),
            ..good()
        };
        let v = validate(&input, "2026-11-23").expect("valid");
        assert_eq!((v.name.as_str(), v.email.as_str()), ("", ""));
        assert_eq!(v.notify_email, "warga@example.id");
        let bad = ReportInput {
            notify_email: "bukan email".into(),
            ..good()
        };
        assert_eq!(
            validate(&bad, "2026-11-23").map_err(|e| e[0].field.clone()),
            Err("notify_email".to_owned())
        );
    }

    fn fields(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.key.as_str()))
            .collect()
    }

    #[test]
    fn a_complete_named_report_passes() {
        let v = validate(&good(), "2026-11-23").expect("valid");
        assert_eq!(v.kind, ReportKind::Pengaduan);
        assert_eq!(v.category_id, 3);
        assert_eq!(v.name, "Siti");
        assert!(!v.anonymous);
    }

    #[test]
    fn every_broken_field_is_named() {
        let input = ReportInput {
            kind: "gossip".into(),
            title: "Jalan".into(),
            body: "".into(),
            category_id: "x".into(),
            incident_date: "2026-12-01".into(),
            target_org_id: "abc".into(),
            name: "".into(),
            email: "".into(),
            ..good()
        };
        let errors = validate(&input, "2026-11-23").expect_err("invalid");
        assert_eq!(
            fields(&errors),
            vec![
                ("kind", "err.kind"),
                ("title", "err.title_short"),
                ("body", "err.required"),
                ("category_id", "err.category"),
                ("incident_date", "err.date_future"),
                ("target_org_id", "err.agency"),
                ("name", "err.name"),
                ("email", "err.contact"),
            ]
        );
    }

    #[test]
    fn anonymous_reports_keep_no_contact_details() {
        let input = ReportInput {
            anonymous: Some("on".into()),
            name: "Siti".into(),
            phone: "0812345678".into(),
            ..good()
        };
        let v = validate(&input, "2026-11-23").expect("valid");
        assert!(v.anonymous);
        assert_eq!(
            (v.name.as_str(), v.email.as_str(), v.phone.as_str()),
            ("", "", "")
        );
    }

    #[test]
    fn anonymous_reports_need_no_contact_details() {
        let input = ReportInput {
            anonymous: Some("on".into()),
            name: "".into(),
            email: "".into(),
            ..good()
        };
        assert!(validate(&input, "2026-11-23").is_ok());
    }

    #[test]
    fn a_named_report_needs_a_way_to_reach_the_reporter() {
        let input = ReportInput {
            email: "".into(),
            phone: "0812 3456 7890".into(),
            ..good()
        };
        assert!(validate(&input, "2026-11-23").is_ok());
        let input = ReportInput {
            email: "bukan-email".into(),
            ..good()
        };
        assert_eq!(
            fields(&validate(&input, "2026-11-23").expect_err("bad email")),
            vec![("email", "err.email")]
        );
    }

    #[test]
    fn lengths_are_counted_in_characters_not_bytes() {
        // Ten characters of which several are multi-byte.
        let input = ReportInput {
            title: "Jalan ré…é".into(),
            ..good()
        };
        assert!(validate(&input, "2026-11-23").is_ok());
        let input = ReportInput {
            title: "x".repeat(TITLE_MAX + 1),
            ..good()
        };
        assert_eq!(
            fields(&validate(&input, "2026-11-23").expect_err("long")),
            vec![("title", "err.title_long")]
        );
    }

    #[test]
    fn impossible_incident_dates_are_refused() {
        let input = ReportInput {
            incident_date: "2026-02-30".into(),
            ..good()
        };
        assert_eq!(
            fields(&validate(&input, "2026-11-23").expect_err("bad date")),
            vec![("incident_date", "err.date_invalid")]
        );
    }

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(excerpt("pendek", 10), "pendek");
        assert_eq!(excerpt("jalan rusak parah sekali", 14), "jalan rusak…");
    }

    #[test]
    fn listing_links_keep_their_filters() {
        let f = ListFilter {
            status: "submitted".into(),
            kategori: "2".into(),
            ..Default::default()
        };
        assert_eq!(f.query_for_page(2), "?status=submitted&kategori=2&hal=2");
        let searched = ListFilter {
            q: "jembatan & rusak".into(),
            ..f
        };
        assert_eq!(
            searched.query_for_page(1),
            "?q=jembatan%20%26%20rusak&status=submitted&kategori=2"
        );
        assert_eq!(ListFilter::default().query_for_page(1), "");
        assert_eq!(
            ListFilter {
                hal: "-4".into(),
                ..Default::default()
            }
            .page(),
            1
        );
    }
}
