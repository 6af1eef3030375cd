//! Reading a backlog file and checking its rows: plain functions with no database, so that
//! the preview and the import check every row by the same rules.

use super::COLUMNS;
use crate::error::FieldError;
use crate::i18n::TimeZone;
use crate::reports::{Channel, ReportInput, ReportKind};
use std::collections::HashMap;

/// One data row of the file: its line number (the header is line 1) and its cells by column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: i64,
    pub cells: HashMap<String, String>,
}

impl RawRow {
    fn get(&self, column: &str) -> &str {
        self.cells.get(column).map(|s| s.trim()).unwrap_or("")
    }
}

/// The file as text: UTF-8, with Excel's byte-order mark removed. Anything else (a file
/// saved as Windows-1252, a spreadsheet's binary format, a photo) is refused by name.
pub fn text_of(bytes: &[u8]) -> Result<&str, FieldError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FieldError::new("file", "err.csv_empty"));
    }
    std::str::from_utf8(bytes).map_err(|_| FieldError::new("file", "err.csv_encoding"))
}

/// The file's text without NUL characters (no one types them; PostgreSQL cannot store them).
pub fn without_nul(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\0') {
        text.replace('\0', "").into()
    } else {
        text.into()
    }
}

/// The column name as a person may have typed it: `Diterima pada` is `diterima_pada`.
fn column_name(header: &str) -> String {
    header
        .trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Reads the rows of a backlog file. Excel in Indonesian separates fields with `;` (the comma
/// is the decimal sign there); the header line tells which. A file without a required column,
/// or with more than [`super::MAX_ROWS`] rows, is refused as a whole.
pub fn read_rows(text: &str) -> Result<Vec<RawRow>, FieldError> {
    // The csv crate counts lines by `\n` only after a `\r\n` header; one line ending makes
    // the line numbers the preview shows those of the file.
    let text = text.replace("\r\n", "\n");
    let text = text.as_str();
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| FieldError::new("file", "err.csv_unreadable"))?
        .iter()
        .map(column_name)
        .collect();
    if COLUMNS
        .iter()
        .any(|(c, required)| *required && !headers.iter().any(|h| h == c))
    {
        return Err(FieldError::new("file", "err.csv_columns"));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| FieldError::new("file", "err.csv_unreadable"))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() == super::MAX_ROWS {
            return Err(FieldError::new("file", "err.csv_too_many"));
        }
        let line = record.position().map_or(0, |p| p.line() as i64);
        let cells = headers
            .iter()
            .cloned()
            .zip(record.iter().map(str::to_owned))
            .collect();
        rows.push(RawRow { line, cells });
    }
    if rows.is_empty() {
        return Err(FieldError::new("file", "err.csv_empty"));
    }
    Ok(rows)
}

/// What a row is checked against: the categories and agencies by the names and codes a
/// person may write, the organisation a row naming none goes to, and the moment of checking.
pub struct Lookups {
    /// Lower-case code and name → id.
    pub categories: HashMap<String, i64>,
    /// Lower-case code, name and `name — government` → id; only the importer's scope.
    pub agencies: HashMap<String, i64>,
    pub default_agency: Option<i64>,
    /// The importing organisation: part of every row's key, so that the same row imported
    /// by two governments is two reports.
    pub org_id: i64,
    pub zone: TimeZone,
    pub now: i64,
    pub server_secret: String,
}

/// A row that passed: the report as the form would carry it, and when it was received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRow {
    pub line: i64,
    pub input: ReportInput,
    pub received_at: i64,
}

/// The kind as written: its code, its Indonesian name, or the short `informasi`.
fn kind_of(text: &str) -> Option<ReportKind> {
    let t = column_name(text);
    match t.as_str() {
        "informasi" | "permintaan_informasi" => Some(ReportKind::PermintaanInformasi),
        other => ReportKind::from_code(other),
    }
}

/// A yes/no cell: empty is no.
fn flag_of(text: &str) -> Result<bool, ()> {
    match text.trim().to_lowercase().as_str() {
        "" | "tidak" | "t" | "n" | "no" | "0" | "false" => Ok(false),
        "ya" | "y" | "yes" | "1" | "true" | "x" => Ok(true),
        _ => Err(()),
    }
}

/// The submission key of a row: derived from everything in it (keyed with the server
/// secret, so no one else can make it), which makes the same row the same report.
pub fn row_key(server_secret: &str, org_id: i64, row: &RawRow) -> String {
    let mut canonical: Vec<String> = COLUMNS
        .iter()
        .map(|(c, _)| row.get(c).split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    canonical.push(org_id.to_string());
    let digest = crate::secrets::keyed(server_secret, "import-row", &canonical.join("\u{1f}"));
    hex::encode(&digest[..16])
}

/// Checks one row by the rules of the report form, plus the file's own: a received-at in
/// `dd/mm/yyyy hh:mm`, a category and an agency that exist (in the importer's scope), yes/no
/// flags. Problems name the file's columns.
pub fn check_row(row: &RawRow, l: &Lookups) -> Result<CheckedRow, Vec<FieldError>> {
    let mut errors = Vec::new();
    let received = row.get("diterima_pada");
    let (date, time) = received
        .split_once(char::is_whitespace)
        .unwrap_or((received, ""));
    let received_at = super::super::received_at(date, time.trim(), l.zone, l.now)
        .map_err(|e| errors.push(FieldError::new("diterima_pada", &e.key)))
        .ok();
    let kind = kind_of(row.get("jenis"));
    if kind.is_none() {
        errors.push(FieldError::new("jenis", "err.kind"));
    }
    let category = l
        .categories
        .get(&row.get("kategori").to_lowercase())
        .copied();
    if category.is_none() {
        errors.push(FieldError::new("kategori", "err.category_unknown"));
    }
    let agency = match row.get("instansi") {
        "" => l.default_agency,
        name => {
            let found = l.agencies.get(&name.to_lowercase()).copied();
            if found.is_none() {
                errors.push(FieldError::new("instansi", "err.agency_unknown"));
            }
            found
        }
    };
    let mut flags = [false; 2];
    for (flag, column) in flags.iter_mut().zip(["anonim", "rahasia"]) {
        match flag_of(row.get(column)) {
            Ok(v) => *flag = v,
            Err(()) => errors.push(FieldError::new(column, "err.yes_no")),
        }
    }
    let on = |b: bool| b.then(|| "on".to_owned());
    let input = ReportInput {
        submission_key: row_key(&l.server_secret, l.org_id, row),
        kind: kind.map(|k| k.code().to_owned()).unwrap_or_default(),
        title: row.get("judul").to_owned(),
        body: row.get("isi").to_owned(),
        category_id: category.map(|c| c.to_string()).unwrap_or_default(),
        incident_date: super::super::day_as_iso(row.get("tanggal_kejadian")),
        location: row.get("lokasi").to_owned(),
        place: row.get("wilayah").to_owned(),
        target_org_id: agency.map(|a| a.to_string()).unwrap_or_default(),
        anonymous: on(flags[0]),
        confidential: on(flags[1]),
        name: row.get("nama").to_owned(),
        email: row.get("email").to_owned(),
        phone: row.get("telepon").to_owned(),
        notify_email: String::new(),
        mirip: String::new(),
        attachments: String::new(),
        latitude: String::new(),
        longitude: String::new(),
    };
    let today = l.zone.date_at(l.now);
    if let Err(more) = crate::reports::validate_for(&input, &today, Channel::Import) {
        // Named by the file's columns; the ones this function checked are not repeated.
        for e in more {
            let column = column_of(&e.field);
            if !errors.iter().any(|known| known.field == column) {
                errors.push(FieldError::new(column, &e.key));
            }
        }
    }
    match received_at {
        Some(received_at) if errors.is_empty() => Ok(CheckedRow {
            line: row.line,
            input,
            received_at,
        }),
        _ => Err(errors),
    }
}

/// The file's column of a report form field.
fn column_of(field: &str) -> &'static str {
    match field {
        "kind" => "jenis",
        "title" => "judul",
        "body" => "isi",
        "category_id" => "kategori",
        "incident_date" => "tanggal_kejadian",
        "location" => "lokasi",
        "place" => "wilayah",
        "target_org_id" => "instansi",
        "name" => "nama",
        "email" => "email",
        "phone" => "telepon",
        _ => "diterima_pada",
    }
}

/// The title a row shows in the preview (cut, for a row whose title is a whole paragraph).
pub fn row_title(row: &RawRow) -> String {
    crate::reports::excerpt(row.get("judul"), 80)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000; // 2026-11-18 (WIB)

    fn lookups() -> Lookups {
        Lookups {
            categories: [("infrastruktur".to_owned(), 3), ("kesehatan".to_owned(), 4)].into(),
            agencies: [("dinas pupr".to_owned(), 12)].into(),
            default_agency: Some(10),
            org_id: 10,
            zone: TimeZone::Wib,
            now: NOW,
            server_secret: "s".repeat(64),
        }
    }

    fn one(text: &str) -> RawRow {
        read_rows(text).expect("rows").remove(0)
    }

    const HEAD: &str = "diterima_pada,jenis,judul,isi,kategori,instansi,anonim,nama,telepon\n";

    #[test]
    fn the_template_reads_back_as_one_good_row() {
        let rows = read_rows(&super::super::template()).expect("template");
        assert_eq!(rows.len(), 1);
        let checked = check_row(&rows[0], &lookups()).expect("valid");
        assert_eq!(checked.input.target_org_id, "10");
        assert_eq!(checked.input.incident_date, "2026-11-01");
        assert_eq!(checked.line, 2);
    }

    #[test]
    fn excel_files_with_a_bom_and_semicolons_are_read() {
        let text = "\u{feff}Diterima Pada;Jenis;Judul;Isi;Kategori;Nama\n\
                    02/11/2026 08:30;Aspirasi;Taman kota perlu lampu;Taman kota gelap sekali setiap malam, mohon dipasang lampu;Infrastruktur;Budi\n";
        let text = text_of(text.as_bytes()).expect("utf-8");
        let row = one(text);
        let checked = check_row(&row, &lookups()).expect("valid");
        assert_eq!(checked.input.kind, "aspirasi");
        assert_eq!(checked.input.category_id, "3");
    }

    #[test]
    fn a_file_that_is_not_utf8_or_lacks_a_column_is_refused_by_name() {
        let latin1 = b"diterima_pada,judul\n02/11/2026 08:30,Jalan \xe9\n";
        assert_eq!(
            text_of(latin1).map_err(|e| e.key),
            Err("err.csv_encoding".to_owned())
        );
        assert_eq!(
            read_rows("diterima_pada,judul\n1,2\n").map_err(|e| e.key),
            Err("err.csv_columns".to_owned())
        );
        assert_eq!(
            text_of(b"  \n").map_err(|e| e.key),
            Err("err.csv_empty".to_owned())
        );
        assert_eq!(
            read_rows(HEAD).map_err(|e| e.key),
            Err("err.csv_empty".to_owned())
        );
    }

    #[test]
    fn every_problem_of_a_row_is_named_by_its_column() {
        let row = one(&format!(
            "{HEAD}01/01/2031 08:00,gosip,Pendek,,Olahraga,Dinas Fiktif,mungkin,,\n"
        ));
        let errors = check_row(&row, &lookups()).expect_err("invalid");
        let named: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.key.as_str()))
            .collect();
        assert_eq!(
            named,
            vec![
                ("diterima_pada", "err.date_future"),
                ("jenis", "err.kind"),
                ("kategori", "err.category_unknown"),
                ("instansi", "err.agency_unknown"),
                ("anonim", "err.yes_no"),
                ("judul", "err.title_short"),
                ("isi", "err.required"),
                ("nama", "err.name"),
            ]
        );
        let old = one(&format!(
            "{HEAD}31/12/1999 08:00,pengaduan,Jalan berlubang sekali,Lubang besar di depan pasar sejak lama sekali,infrastruktur,,ya,,\n"
        ));
        assert_eq!(
            check_row(&old, &lookups()).map_err(|e| e[0].key.clone()),
            Err("err.received_old".to_owned())
        );
    }

    #[test]
    fn the_same_row_has_the_same_key_wherever_it_comes_from() {
        let a = one(&format!(
            "{HEAD}02/11/2026 08:30,pengaduan,Jalan berlubang,Isi,infrastruktur,,,Siti,0812\n"
        ));
        let spaced = one(&format!(
            "{HEAD}02/11/2026  08:30 ,pengaduan,Jalan  berlubang,Isi,infrastruktur,,,Siti,0812\n\n"
        ));
        let other = one(&format!(
            "{HEAD}02/11/2026 08:31,pengaduan,Jalan berlubang,Isi,infrastruktur,,,Siti,0812\n"
        ));
        let key = |r: &RawRow| row_key("secret", 10, r);
        assert_eq!(key(&a), key(&spaced));
        assert_ne!(key(&a), key(&other));
        assert_ne!(
            key(&a),
            row_key("secret", 11, &a),
            "another government's row"
        );
        assert!(crate::secrets::is_submission_key(&key(&a)));
    }
}
