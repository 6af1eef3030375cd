//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) and mySociety's
//! `servicerequestupdates` extension, so that the civic-tech world's clients and apps work
//! against lapor unmodified.
//!
//! How lapor maps onto it:
//! - a *jurisdiction* is a government in the tree (its Kemendagri area code, `63.71`, or its
//!   organisation code); none means the whole deployment;
//! - a *service* is a category (the same everywhere);
//! - a *service request* is a published, non-confidential report in its public (redacted)
//!   version, named by its tracking ID; its status is `open` or `closed`, with lapor's own in
//!   `status_notes`, and `expected_datetime` is its resolution deadline in working days;
//! - an *update* is an entry of the report's public thread.
//!
//! Everything the API says obeys the pages' privacy rules: it reads the same public columns
//! and never the reporter. Each response is built once as a [`Document`] and written as JSON
//! or XML from it, so a field is spelled in one place for both formats.

use crate::i18n::{Locale, TimeZone};
use crate::lifecycle::Status;

/// The specification lapor implements, as discovery names it.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// At most this many requests or updates in one answer (the specification's default).
pub const MAX_RESULTS: i64 = 1000;
/// The longest date range a query may span, and the default one (the most recent).
pub const WINDOW_DAYS: i64 = 90;
/// The longest `description` a client may send (the specification's limit).
pub const DESCRIPTION_MAX: usize = 4000;
const DAY: i64 = 86_400;

/// The two formats, chosen by the path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// `requests.json` → (`requests`, JSON); `None` without a known extension.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        let (stem, ext) = file.rsplit_once('.')?;
        let format = match ext {
            "json" => Format::Json,
            "xml" => Format::Xml,
            _ => return None,
        };
        Some((stem, format))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// A value of a response, before it is written in either format.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An empty element in XML, `null` in JSON.
    Null,
    /// Named fields, in the specification's order.
    Object(Vec<(&'static str, Node)>),
    /// A list: an array in JSON; in XML one element of this name per item.
    List(&'static str, Vec<Node>),
}

impl Node {
    pub fn text(value: impl Into<String>) -> Node {
        Node::Text(value.into())
    }

    pub fn text_or_null(value: Option<String>) -> Node {
        value.map_or(Node::Null, Node::Text)
    }
}

/// A whole response: the XML root's name and the body. A list body is a bare array in JSON
/// (the "Spark convention" the specification follows).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub root: &'static str,
    pub body: Node,
}

impl Document {
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => json(&self.body).to_string(),
            Format::Xml => {
                let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
                xml(&mut out, self.root, &self.body);
                out
            }
        }
    }
}

fn json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match node {
        Node::Text(t) => Value::String(t.clone()),
        Node::Int(n) => Value::from(*n),
        Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Node::Bool(b) => Value::Bool(*b),
        Node::Null => Value::Null,
        Node::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, value)| ((*name).to_owned(), json(value)))
                .collect(),
        ),
        Node::List(_, items) => Value::Array(items.iter().map(json).collect()),
    }
}

fn xml(out: &mut String, name: &str, node: &Node) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    match node {
        Node::Text(t) => out.push_str(&xml_text(t)),
        Node::Int(n) => out.push_str(&n.to_string()),
        Node::Float(f) => out.push_str(&f.to_string()),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Null => {}
        Node::Object(fields) => {
            for (field, value) in fields {
                xml(out, field, value);
            }
        }
        Node::List(item, items) => {
            for value in items {
                xml(out, item, value);
            }
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Text as XML character data: markup escaped, and the characters XML 1.0 cannot carry at
/// all (control characters but tab and line breaks, unpaired surrogates cannot occur in a
/// Rust string, U+FFFE and U+FFFF) left out, so a citizen's text never breaks a document.
pub fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// An answer other than success: the HTTP status and what went wrong, in the
/// specification's error format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub description: String,
}

impl ApiError {
    pub fn new(status: u16, description: impl Into<String>) -> ApiError {
        ApiError {
            status,
            description: description.into(),
        }
    }

    pub fn bad(description: impl Into<String>) -> ApiError {
        ApiError::new(400, description)
    }

    pub fn not_found(description: impl Into<String>) -> ApiError {
        ApiError::new(404, description)
    }
}

/// `<errors><error><code/><description/></error></errors>`.
pub fn errors_document(errors: &[ApiError]) -> Document {
    Document {
        root: "errors",
        body: Node::List(
            "error",
            errors
                .iter()
                .map(|e| {
                    Node::Object(vec![
                        ("code", Node::Int(i64::from(e.status))),
                        ("description", Node::text(e.description.clone())),
                    ])
                })
                .collect(),
        ),
    }
}

/// What Open311 calls a lapor status: `closed` once resolved or archived, else `open`.
pub fn status_of(status: Status) -> &'static str {
    match status {
        Status::Resolved | Status::Archived => "closed",
        _ => "open",
    }
}

/// A moment as the W3C profile of ISO 8601 with the offset of `zone`, such as
/// `2026-11-23T09:00:00+08:00`.
pub fn datetime(unix: i64, zone: TimeZone) -> String {
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(unix) else {
        return String::new();
    };
    let at = at.to_offset(zone.offset());
    let (h, m, _) = zone.offset().as_hms();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+{:02}:{:02}",
        at.year(),
        at.month() as u8,
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        h,
        m.abs()
    )
}

/// A moment a client sent: a W3C datetime with `Z` or an offset (`2026-11-23T09:00:00+08:00`,
/// seconds optional), or a bare date, read as its start in `zone`.
pub fn parse_datetime(text: &str, zone: TimeZone) -> Option<i64> {
    let text = text.trim();
    if let Some((y, m, d)) = crate::i18n::parse_iso_date(text).filter(|_| text.len() == 10) {
        let month = time::Month::try_from(m).ok()?;
        let date = time::Date::from_calendar_date(y, month, d).ok()?;
        return Some(
            date.midnight()
                .assume_offset(zone.offset())
                .unix_timestamp(),
        );
    }
    let rfc = time::format_description::well_known::Rfc3339;
    if let Ok(at) = time::OffsetDateTime::parse(text, &rfc) {
        return Some(at.unix_timestamp());
    }
    // Without seconds: `2026-11-23T09:00+08:00`.
    let (date_time, offset) = match text.strip_suffix('Z') {
        Some(rest) => (rest, "Z".to_owned()),
        None => {
            let cut = text.len().checked_sub(6)?;
            (text.get(..cut)?, text.get(cut..)?.to_owned())
        }
    };
    if date_time.len() == 16 {
        let full = format!("{date_time}:00{offset}");
        return time::OffsetDateTime::parse(&full, &rfc)
            .ok()
            .map(|at| at.unix_timestamp());
    }
    None
}

/// A category as a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub code: String,
    pub name_id: String,
    pub name_en: String,
}

impl Service {
    /// A `<service>`: every service takes the attributes of [`service_definition`].
    pub fn node(&self) -> Node {
        Node::Object(vec![
            ("service_code", Node::text(self.code.clone())),
            ("service_name", Node::text(self.name_id.clone())),
            ("description", Node::text(self.name_en.clone())),
            ("metadata", Node::Bool(true)),
            ("type", Node::text("realtime")),
            ("keywords", Node::text(String::new())),
            ("group", Node::text(String::new())),
        ])
    }
}

/// `services.{format}`.
pub fn services_document(services: &[Service]) -> Document {
    Document {
        root: "services",
        body: Node::List("service", services.iter().map(Service::node).collect()),
    }
}

/// The attributes a report takes beyond the standard fields (`attribute[code]=value`).
pub mod attribute {
    pub const TITLE: &str = "judul";
    pub const KIND: &str = "jenis";
    pub const ANONYMOUS: &str = "anonim";
    pub const CONFIDENTIAL: &str = "rahasia";
    pub const INCIDENT_DATE: &str = "tanggal_kejadian";
    /// A key the client chooses per report: a retried POST with the same key files nothing
    /// new and answers with the same request.
    pub const RETRY_KEY: &str = "kunci";
    /// The kecamatan or kelurahan: its Kemendagri code or its name.
    pub const PLACE: &str = "wilayah";
}

/// `services/{code}.{format}`: the attributes every service takes.
pub fn service_definition(code: &str) -> Document {
    let yes_no = || {
        Node::List(
            "value",
            [("ya", "Ya"), ("tidak", "Tidak")]
                .into_iter()
                .map(|(k, n)| Node::Object(vec![("key", Node::text(k)), ("name", Node::text(n))]))
                .collect(),
        )
    };
    let kinds = Node::List(
        "value",
        [
            ("pengaduan", "Pengaduan"),
            ("aspirasi", "Aspirasi"),
            ("permintaan_informasi", "Permintaan informasi"),
        ]
        .into_iter()
        .map(|(k, n)| Node::Object(vec![("key", Node::text(k)), ("name", Node::text(n))]))
        .collect(),
    );
    let attr = |order: i64, code: &str, datatype: &str, description: &str, values: Node| {
        Node::Object(vec![
            ("variable", Node::Bool(true)),
            ("code", Node::text(code)),
            ("datatype", Node::text(datatype)),
            ("required", Node::Bool(false)),
            ("datatype_description", Node::text(String::new())),
            ("order", Node::Int(order)),
            ("description", Node::text(description)),
            ("values", values),
        ])
    };
    let none = || Node::List("value", Vec::new());
    Document {
        root: "service_definition",
        body: Node::Object(vec![
            ("service_code", Node::text(code)),
            (
                "attributes",
                Node::List(
                    "attribute",
                    vec![
                        attr(
                            1,
                            attribute::TITLE,
                            "string",
                            "Judul laporan (10–150 karakter); bila kosong, diambil dari awal \
                             deskripsi.",
                            none(),
                        ),
                        attr(
                            2,
                            attribute::KIND,
                            "singlevaluelist",
                            "Jenis laporan (bawaan: pengaduan).",
                            kinds,
                        ),
                        attr(
                            3,
                            attribute::ANONYMOUS,
                            "singlevaluelist",
                            "Anonim: identitas pelapor disembunyikan dari semua petugas. \
                             Email hanya dipakai untuk kabar perkembangan.",
                            yes_no(),
                        ),
                        attr(
                            4,
                            attribute::CONFIDENTIAL,
                            "singlevaluelist",
                            "Rahasia: laporan tidak tampil untuk publik (juga tidak di API ini).",
                            yes_no(),
                        ),
                        attr(
                            5,
                            attribute::INCIDENT_DATE,
                            "datetime",
                            "Kapan kejadiannya.",
                            none(),
                        ),
                        attr(
                            6,
                            attribute::RETRY_KEY,
                            "string",
                            "Kunci pilihan klien per laporan (8–64 karakter): kiriman ulang \
                             dengan kunci yang sama tidak membuat laporan baru.",
                            none(),
                        ),
                        attr(
                            7,
                            attribute::PLACE,
                            "string",
                            "Kecamatan atau kelurahan/desa: kode wilayah Kemendagri \
                             (63.71.04.1005) atau namanya (Sungai Miai, Banjarmasin Utara).",
                            none(),
                        ),
                    ],
                ),
            ),
        ]),
    }
}

/// A service request as the public may read it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRequest {
    pub tracking_id: String,
    pub status: Status,
    pub service_code: String,
    pub service_name: String,
    /// The public title and body.
    pub title: String,
    pub body: String,
    /// The organisation handling it: the OPD, else the government.
    pub agency: Option<String>,
    pub received_at: i64,
    pub updated_at: i64,
    /// The resolution deadline while it runs.
    pub resolve_due_at: Option<i64>,
    pub location: String,
    pub coordinates: Option<(f64, f64)>,
    pub zone: TimeZone,
}

impl ServiceRequest {
    /// A `<request>` with every field of the specification, in its order.
    pub fn node(&self) -> Node {
        let coordinate = |v: Option<f64>| v.map_or(Node::Null, Node::Float);
        Node::Object(vec![
            ("service_request_id", Node::text(self.tracking_id.clone())),
            ("status", Node::text(status_of(self.status))),
            (
                "status_notes",
                Node::text(crate::tr!(Locale::Id, self.status.label_key())),
            ),
            ("service_name", Node::text(self.service_name.clone())),
            ("service_code", Node::text(self.service_code.clone())),
            (
                "description",
                Node::text(format!("{}\n\n{}", self.title, self.body)),
            ),
            (
                "agency_responsible",
                Node::text_or_null(self.agency.clone()),
            ),
            ("service_notice", Node::Null),
            (
                "requested_datetime",
                Node::text(datetime(self.received_at, self.zone)),
            ),
            (
                "updated_datetime",
                Node::text(datetime(self.updated_at, self.zone)),
            ),
            (
                "expected_datetime",
                Node::text_or_null(self.resolve_due_at.map(|t| datetime(t, self.zone))),
            ),
            ("address", Node::text(self.location.clone())),
            ("address_id", Node::Null),
            ("zipcode", Node::Null),
            ("lat", coordinate(self.coordinates.map(|c| c.0))),
            ("long", coordinate(self.coordinates.map(|c| c.1))),
            ("media_url", Node::Null),
        ])
    }
}

/// `requests.{format}` and `requests/{id}.{format}`.
pub fn requests_document(requests: &[ServiceRequest]) -> Document {
    Document {
        root: "service_requests",
        body: Node::List(
            "request",
            requests.iter().map(ServiceRequest::node).collect(),
        ),
    }
}

/// The answer to a POST: the new request's ID (lapor gives it at once, so never a token).
pub fn created_document(tracking_id: &str, notice: &str) -> Document {
    Document {
        root: "service_requests",
        body: Node::List(
            "request",
            vec![Node::Object(vec![
                ("service_request_id", Node::text(tracking_id)),
                ("service_notice", Node::text(notice)),
                ("account_id", Node::Null),
            ])],
        ),
    }
}

/// One entry of a report's public thread, as mySociety's extension spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub id: i64,
    pub tracking_id: String,
    pub at: i64,
    /// The report's status once this entry happened.
    pub status: Status,
    pub description: String,
    pub zone: TimeZone,
}

impl Update {
    pub fn node(&self) -> Node {
        Node::Object(vec![
            ("update_id", Node::text(self.id.to_string())),
            ("service_request_id", Node::text(self.tracking_id.clone())),
            ("status", Node::text(status_of(self.status))),
            ("updated_datetime", Node::text(datetime(self.at, self.zone))),
            ("description", Node::text(self.description.clone())),
            ("media_url", Node::text(String::new())),
            ("external_status_code", Node::text(self.status.code())),
        ])
    }
}

/// `servicerequestupdates.{format}`.
pub fn updates_document(updates: &[Update]) -> Document {
    Document {
        root: "service_request_updates",
        body: Node::List("request_update", updates.iter().map(Update::node).collect()),
    }
}

/// The first value of `name` among a request's parameters; an empty one counts as absent
/// (the specification: "the same whether a parameter is passed and is empty or is not").
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The value of `attribute[name]`.
pub fn attribute_value<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    param(params, &format!("attribute[{name}]"))
}

/// A date range of a query: `start_date` and `end_date`, at most [`WINDOW_DAYS`] apart; the
/// most recent 90 days when neither is given, 90 days from or up to the one given.
pub fn date_range(
    params: &[(String, String)],
    now: i64,
    zone: TimeZone,
) -> Result<(i64, i64), ApiError> {
    let read = |name: &str| -> Result<Option<i64>, ApiError> {
        match param(params, name) {
            None => Ok(None),
            Some(text) => parse_datetime(text, zone)
                .map(Some)
                .ok_or_else(|| ApiError::bad(format!("{name}: not a W3C datetime"))),
        }
    };
    let window = WINDOW_DAYS * DAY;
    let (from, to) = match (read("start_date")?, read("end_date")?) {
        (None, None) => (now - window, now),
        (Some(from), None) => (from, from + window),
        (None, Some(to)) => (to - window, to),
        (Some(from), Some(to)) => (from, to),
    };
    if to < from {
        return Err(ApiError::bad("end_date is before start_date"));
    }
    if to - from > window {
        return Err(ApiError::bad(
            "the date range may not span more than 90 days",
        ));
    }
    Ok((from, to))
}

/// What `GET requests` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestQuery {
    /// `service_request_id` given: those requests, whatever the other parameters say.
    Ids(Vec<String>),
    Filter {
        service_codes: Vec<String>,
        /// Open311 statuses asked for (empty: both).
        statuses: Vec<&'static str>,
        from: i64,
        to: i64,
    },
}

/// Reads the parameters of `GET requests`.
pub fn request_query(
    params: &[(String, String)],
    now: i64,
    zone: TimeZone,
) -> Result<RequestQuery, ApiError> {
    let list = |text: &str| -> Vec<String> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    if let Some(ids) = param(params, "service_request_id") {
        let ids = list(ids);
        if ids.len() > MAX_RESULTS as usize {
            return Err(ApiError::bad("too many service_request_id values"));
        }
        return Ok(RequestQuery::Ids(
            ids.into_iter().map(|i| i.to_uppercase()).collect(),
        ));
    }
    let mut statuses = Vec::new();
    for s in param(params, "status").map(list).unwrap_or_default() {
        match s.as_str() {
            "open" => statuses.push("open"),
            "closed" => statuses.push("closed"),
            _ => return Err(ApiError::bad("status must be open or closed")),
        }
    }
    let service_codes = param(params, "service_code").map(list).unwrap_or_default();
    if service_codes.len() > 100 {
        return Err(ApiError::bad("too many service_code values"));
    }
    let (from, to) = date_range(params, now, zone)?;
    Ok(RequestQuery::Filter {
        service_codes,
        statuses,
        from,
        to,
    })
}

/// Whether an attribute's value means yes.
fn yes(value: Option<&str>) -> bool {
    matches!(
        value.map(str::to_lowercase).as_deref(),
        Some("ya" | "yes" | "1" | "true" | "y")
    )
}

/// A title from the start of a description: its first line, cut at a word boundary to fit.
pub fn title_from(description: &str) -> String {
    let first = description.trim().lines().next().unwrap_or("").trim();
    if first.chars().count() <= 80 {
        return first.to_owned();
    }
    let mut cut: String = first.chars().take(80).collect();
    if let Some(space) = cut.rfind(' ').filter(|i| *i >= 40) {
        cut.truncate(space);
    }
    format!("{}…", cut.trim_end())
}

/// The report form a POST amounts to, filled as a citizen would fill the web form: an
/// anonymous report keeps no name or phone, and its email only as where to send news
/// (never shown to an official), exactly as on the form.
pub fn report_input(
    params: &[(String, String)],
    category_id: i64,
    target_org_id: Option<i64>,
    submission_key: String,
    zone: TimeZone,
) -> crate::reports::ReportInput {
    let description = param(params, "description").unwrap_or("");
    let mut body = description.to_owned();
    if let Some(url) = param(params, "media_url")
        .filter(|u| (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 500)
    {
        // lapor never fetches a third party's URL (it could point inside the network); the
        // link is kept for the officials to open.
        body.push_str(&format!("\n\nMedia: {url}"));
    }
    let title = attribute_value(params, attribute::TITLE)
        .map(str::to_owned)
        .unwrap_or_else(|| title_from(description));
    let anonymous = yes(attribute_value(params, attribute::ANONYMOUS));
    let name = [param(params, "first_name"), param(params, "last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let email = param(params, "email").unwrap_or("").to_owned();
    let incident_date = attribute_value(params, attribute::INCIDENT_DATE)
        .and_then(|t| parse_datetime(t, zone))
        .map(|t| zone.date_at(t))
        .unwrap_or_default();
    let mut input = crate::reports::ReportInput {
        submission_key,
        kind: attribute_value(params, attribute::KIND)
            .unwrap_or("pengaduan")
            .to_owned(),
        title,
        body,
        category_id: category_id.to_string(),
        incident_date,
        location: param(params, "address_string").unwrap_or("").to_owned(),
        place: attribute_value(params, attribute::PLACE)
            .unwrap_or("")
            .to_owned(),
        target_org_id: target_org_id.map(|i| i.to_string()).unwrap_or_default(),
        anonymous: anonymous.then(|| "1".to_owned()),
        confidential: yes(attribute_value(params, attribute::CONFIDENTIAL)).then(|| "1".to_owned()),
        latitude: param(params, "lat").unwrap_or("").to_owned(),
        longitude: param(params, "long").unwrap_or("").to_owned(),
        ..Default::default()
    };
    if anonymous {
        input.notify_email = email;
    } else {
        input.name = name;
        input.email = email;
        input.phone = param(params, "phone").unwrap_or("").to_owned();
    }
    input
}

/// What a POST must have before anything is looked up: a service, a place, a description
/// of acceptable length.
pub fn check_post(params: &[(String, String)]) -> Result<(), ApiError> {
    if param(params, "service_code").is_none() {
        return Err(ApiError::bad("service_code is required"));
    }
    let located = (param(params, "lat").is_some() && param(params, "long").is_some())
        || param(params, "address_string").is_some()
        || param(params, "address_id").is_some()
        || attribute_value(params, attribute::PLACE).is_some();
    if !located {
        return Err(ApiError::bad(
            "a location is required: lat and long, address_string, or attribute[wilayah]",
        ));
    }
    match param(params, "description") {
        None => Err(ApiError::bad("description is required")),
        Some(d) if d.chars().count() > DESCRIPTION_MAX => {
            Err(ApiError::bad("description is longer than 4000 characters"))
        }
        Some(_) => Ok(()),
    }
}

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn one_document_is_written_as_json_and_xml_with_the_same_names() {
        let doc = services_document(&[Service {
            code: "jalan".into(),
            name_id: "Jalan & jembatan".into(),
            name_en: "Roads <and> bridges".into(),
        }]);
        let json: serde_json::Value =
            serde_json::from_str(&doc.render(Format::Json)).expect("json");
        assert_eq!(json[0]["service_code"], "jalan");
        assert_eq!(json[0]["metadata"], true);
        assert_eq!(
            doc.render(Format::Xml),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service>\
             <service_code>jalan</service_code><service_name>Jalan &amp; jembatan</service_name>\
             <description>Roads &lt;and&gt; bridges</description><metadata>true</metadata>\
             <type>realtime</type><keywords></keywords><group></group></service></services>"
        );
        let errors = errors_document(&[ApiError::new(403, "bad key")]);
        assert_eq!(
            errors.render(Format::Json),
            r#"[{"code":403,"description":"bad key"}]"#
        );
        assert!(errors.render(Format::Xml).ends_with(
            "<errors><error><code>403</code><description>bad key</description></error></errors>"
        ));
    }

    #[test]
    fn xml_text_escapes_markup_and_drops_what_xml_cannot_carry() {
        assert_eq!(
            xml_text("<b>\"a\" & 'b'</b>\u{1}\u{FFFF}\tx\n"),
            "&lt;b&gt;&quot;a&quot; &amp; &apos;b&apos;&lt;/b&gt;\tx\n"
        );
    }

    #[test]
    fn datetimes_carry_the_zone_and_read_back() {
        // 2026-11-23 01:00 UTC.
        let t = 1_795_395_600;
        assert_eq!(datetime(t, TimeZone::Wita), "2026-11-23T09:00:00+08:00");
        assert_eq!(datetime(t, TimeZone::Wib), "2026-11-23T08:00:00+07:00");
        for text in [
            "2026-11-23T09:00:00+08:00",
            "2026-11-23T01:00:00Z",
            "2026-11-23T10:00+09:00",
            "2026-11-23T01:00Z",
        ] {
            assert_eq!(parse_datetime(text, TimeZone::Wib), Some(t), "{text}");
        }
        assert_eq!(
            parse_datetime("2026-11-23", TimeZone::Wita),
            Some(t - 9 * 3600)
        );
        for bad in [
            "",
            "kemarin",
            "2026-13-01",
            "2026-11-23T25:00:00Z",
            "2026-11-23T09:00",
        ] {
            assert_eq!(parse_datetime(bad, TimeZone::Wib), None, "{bad}");
        }
    }

    #[test]
    fn statuses_map_to_open_and_closed() {
        assert_eq!(status_of(Status::Submitted), "open");
        assert_eq!(status_of(Status::OnHold), "open");
        assert_eq!(status_of(Status::Resolved), "closed");
        assert_eq!(status_of(Status::Archived), "closed");
    }

    #[test]
    fn queries_default_to_the_last_90_days_and_refuse_more() {
        let now = 1_795_395_600;
        let zone = TimeZone::Wib;
        assert_eq!(
            request_query(&params(&[("status", "")]), now, zone),
            Ok(RequestQuery::Filter {
                service_codes: vec![],
                statuses: vec![],
                from: now - 90 * DAY,
                to: now
            })
        );
        let q = request_query(
            &params(&[("status", "open,closed"), ("service_code", "jalan, air")]),
            now,
            zone,
        );
        assert!(
            matches!(q, Ok(RequestQuery::Filter { ref statuses, ref service_codes, .. })
            if statuses == &["open", "closed"] && service_codes == &["jalan", "air"])
        );
        assert_eq!(
            request_query(
                &params(&[("start_date", "2026-01-01"), ("end_date", "2026-06-01")]),
                now,
                zone
            )
            .map_err(|e| e.status),
            Err(400)
        );
        assert!(request_query(&params(&[("status", "pending")]), now, zone).is_err());
        assert!(request_query(&params(&[("start_date", "kemarin")]), now, zone).is_err());
        // An ID list overrides every other parameter, even a bad one.
        assert_eq!(
            request_query(
                &params(&[
                    ("service_request_id", "ab12-cd34,EF56-GH78"),
                    ("status", "x")
                ]),
                now,
                zone
            ),
            Ok(RequestQuery::Ids(vec![
                "AB12-CD34".into(),
                "EF56-GH78".into()
            ]))
        );
    }

    #[test]
    fn a_post_is_filled_in_like_the_form_and_anonymity_drops_identity() {
        let p = params(&[
            ("service_code", "jalan"),
            ("lat", "-0.5"),
            ("long", "117.15"),
            (
                "description",
                "Jembatan di Sungai Miai rusak\nSudah dua minggu tidak diperbaiki.",
            ),
            ("first_name", "Siti"),
            ("last_name", "Aminah"),
            ("email", "siti@example.org"),
            ("phone", "081234567890"),
            ("attribute[anonim]", "ya"),
        ]);
        assert_eq!(check_post(&p), Ok(()));
        let input = report_input(&p, 3, Some(7), "k".into(), TimeZone::Wita);
        assert_eq!(input.title, "Jembatan di Sungai Miai rusak");
        assert!(input.is_anonymous());
        assert_eq!(
            (
                input.name.as_str(),
                input.email.as_str(),
                input.phone.as_str()
            ),
            ("", "", "")
        );
        assert_eq!(input.notify_email, "siti@example.org");
        assert_eq!(
            (input.category_id.as_str(), input.target_org_id.as_str()),
            ("3", "7")
        );
        assert_eq!(
            (input.latitude.as_str(), input.longitude.as_str()),
            ("-0.5", "117.15")
        );
        let named = report_input(
            &params(&[
                ("first_name", "Siti"),
                ("email", "s@example.org"),
                ("description", "x"),
            ]),
            3,
            None,
            "k".into(),
            TimeZone::Wib,
        );
        assert_eq!(
            (named.name.as_str(), named.email.as_str()),
            ("Siti", "s@example.org")
        );
        assert_eq!(named.kind, "pengaduan");
        assert!(!named.is_confidential());
    }

    #[test]
    fn a_post_without_place_service_or_description_is_refused() {
        assert!(
            check_post(&params(&[
                ("lat", "1"),
                ("long", "1"),
                ("description", "x")
            ]))
            .is_err()
        );
        assert!(check_post(&params(&[("service_code", "a"), ("description", "x")])).is_err());
        assert!(check_post(&params(&[("service_code", "a"), ("lat", "1")])).is_err());
        assert!(
            check_post(&params(&[
                ("service_code", "a"),
                ("address_string", "Jl. A")
            ]))
            .is_err()
        );
        let long = "x".repeat(DESCRIPTION_MAX + 1);
        assert!(
            check_post(&params(&[
                ("service_code", "a"),
                ("address_string", "Jl. A"),
                ("description", &long)
            ]))
            .is_err()
        );
    }

    #[test]
    fn titles_come_from_the_first_line() {
        assert_eq!(
            title_from("  Lampu jalan mati\nsejak Senin"),
            "Lampu jalan mati"
        );
        let long = "kata ".repeat(40);
        let t = title_from(&long);
        assert!(t.chars().count() <= 81 && t.ends_with('…'), "{t}");
    }
}
