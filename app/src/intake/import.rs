//! A backlog from a spreadsheet: the reports a coordinator collected by hand while the system
//! was down ("menampung aduan yang masuk secara manual hingga nanti normal kembali"), uploaded
//! as CSV, previewed with every row's problems, and imported once the official confirms.
//!
//! The columns have Indonesian names ([`COLUMNS`], a [`template`] to download), dates are
//! written as people type them in Indonesia (`dd/mm/yyyy hh:mm`), the file may come from
//! Excel (UTF-8 with or without its byte-order mark, `,` or `;` between fields). Each row's
//! submission key is derived from the row itself, so a file imported twice, or a row that
//! appears in two files, files one report.

use serde::{Deserialize, Serialize};

/// The columns of the backlog file, in the template's order, and whether each is required.
pub const COLUMNS: [(&str, bool); 14] = [
    ("diterima_pada", true),
    ("jenis", true),
    ("judul", true),
    ("isi", true),
    ("kategori", true),
    ("lokasi", false),
    ("tanggal_kejadian", false),
    ("instansi", false),
    ("anonim", false),
    ("rahasia", false),
    ("nama", false),
    ("email", false),
    ("telepon", false),
    ("wilayah", false),
];

/// The most bytes and rows one file may have (a month of a busy province is a few thousand).
pub const MAX_BYTES: usize = 16 << 20;
pub const MAX_ROWS: usize = 20_000;

/// The template offered for download: the header line, and one example row that shows how
/// each column is written.
pub fn template() -> String {
    let header: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
    format!(
        "{}\r\n{}\r\n",
        header.join(","),
        "03/11/2026 09:15,pengaduan,Jalan berlubang di depan Pasar Lama,\"Lubang besar di \
         depan pasar, sudah dua minggu, membahayakan pengendara motor.\",infrastruktur,\
         \"Jl. Pasar Lama, Banjarmasin\",01/11/2026,,tidak,tidak,Siti Aminah,,0812 3456 7890,\
         \"Sungai Miai, Banjarmasin Utara\""
    )
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    /// Uploaded and checked; nothing imported until the official confirms.
    Preview,
    Running,
    Done,
}

impl ImportState {
    pub fn code(self) -> &'static str {
        match self {
            ImportState::Preview => "preview",
            ImportState::Running => "running",
            ImportState::Done => "done",
        }
    }

    pub fn from_code(code: &str) -> Option<ImportState> {
        [
            ImportState::Preview,
            ImportState::Running,
            ImportState::Done,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// A row with problems: its line in the file, its title as typed, and what is wrong, in the
/// official's language (`column: message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: i64,
    pub title: String,
    pub problems: Vec<(String, String)>,
}

/// A row that will be (or was) imported, as the preview lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowLine {
    pub line: i64,
    pub received_at: i64,
    pub title: String,
    /// Already in lapor (an earlier import of the same row): importing creates nothing.
    pub already: bool,
}

/// What a report of the import became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub line: i64,
    pub tracking_id: String,
    /// `false`: the row was in lapor already, this is that report.
    pub created: bool,
}

/// An import as its page shows it: the preview before confirmation, the progress while it
/// runs, the tracking IDs once done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i64,
    pub file_name: String,
    pub state: ImportState,
    pub created_at: i64,
    pub rows_total: i64,
    pub rows_valid: i64,
    pub rows_done: i64,
    /// Valid rows already in lapor.
    pub rows_already: i64,
    pub problems: Vec<RowProblem>,
    /// The first valid rows (at most [`SAMPLE_ROWS`]).
    pub sample: Vec<RowLine>,
    pub imported: Vec<Imported>,
    /// A running import that has not moved for a minute (its server stopped): it can be
    /// resumed, and resuming creates nothing twice.
    pub stalled: bool,
}

pub const SAMPLE_ROWS: usize = 20;

/// One import in the list of an organisation's imports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: i64,
    pub file_name: String,
    pub state: ImportState,
    pub created_at: i64,
    pub rows_total: i64,
    pub rows_done: i64,
}

#[cfg(feature = "ssr")]
mod parse;
#[cfg(feature = "ssr")]
pub use parse::*;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

mod server_fns;
pub use server_fns::*;
