//! Complete before it is sent: what a report lacks (a place, a time, enough words to act on)
//! and which category and agency it reads as, by a transparent rule.
//!
//! Pure and small, so that the form's island runs the very same checks in the browser
//! (WebAssembly) as the server does when the report is filed. Nothing here refuses a report:
//! the citizen is told once, with the reason, and may always send it as it is.

use serde::{Deserialize, Serialize};

/// Something a report does not say yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gap {
    /// Neither the fields nor the text name where.
    Place,
    /// Neither the date nor the text say when.
    Time,
    /// Too short to act on.
    Short,
    /// Too few words that say what happened.
    Vague,
}

impl Gap {
    pub const ALL: [Gap; 4] = [Gap::Place, Gap::Time, Gap::Short, Gap::Vague];

    pub fn code(self) -> &'static str {
        match self {
            Gap::Place => "place",
            Gap::Time => "time",
            Gap::Short => "short",
            Gap::Vague => "vague",
        }
    }

    pub fn from_code(code: &str) -> Option<Gap> {
        Gap::ALL.into_iter().find(|g| g.code() == code)
    }

    /// Translation key of the advice.
    pub fn label_key(self) -> &'static str {
        match self {
            Gap::Place => "gap.place",
            Gap::Time => "gap.time",
            Gap::Short => "gap.short",
            Gap::Vague => "gap.vague",
        }
    }
}

/// A body shorter than this (in characters) is too short to act on.
pub const SHORT: usize = 80;
/// A report with fewer distinct words that say something is vague.
pub const VAGUE: usize = 6;

/// Words that name a place when a name or a number follows them ("Jalan Ahmad Yani", "RT 05",
/// "SDN Kuin 2"; "jalan rusak" names none).
const PLACE_WORDS: &[&str] = &[
    "jalan",
    "jl",
    "jln",
    "gang",
    "gg",
    "lorong",
    "kelurahan",
    "kel",
    "kecamatan",
    "kec",
    "desa",
    "dusun",
    "kampung",
    "kp",
    "komplek",
    "kompleks",
    "perumahan",
    "perum",
    "blok",
    "rt",
    "rw",
    "pasar",
    "sekolah",
    "sd",
    "sdn",
    "smp",
    "smpn",
    "sma",
    "sman",
    "smk",
    "smkn",
    "puskesmas",
    "rsud",
    "kantor",
    "terminal",
    "pelabuhan",
    "bandara",
    "masjid",
    "musala",
    "mushola",
    "gereja",
    "simpang",
    "bundaran",
    "taman",
    "lapangan",
    "sungai",
    "km",
    "kota",
    "kabupaten",
    "kab",
    "provinsi",
    "jembatan",
    "stasiun",
    "halte",
    "tps",
    "posyandu",
    "di",
];

/// Words that say when (folded).
const TIME_WORDS: &[&str] = &[
    "senin",
    "selasa",
    "rabu",
    "kamis",
    "jumat",
    "sabtu",
    "minggu",
    "januari",
    "februari",
    "maret",
    "april",
    "mei",
    "juni",
    "juli",
    "agustus",
    "september",
    "oktober",
    "november",
    "desember",
    "kemarin",
    "kemaren",
    "tadi",
    "semalam",
    "sejak",
    "hari",
    "pekan",
    "bulan",
    "tahun",
    "pagi",
    "siang",
    "sore",
    "malam",
    "pukul",
    "tanggal",
    "tgl",
    "sekarang",
    "kini",
    "selama",
    "seminggu",
    "sebulan",
    "setahun",
    "berhari",
];

/// What a report says, as typed in the form.
#[derive(Debug, Clone, Copy, Default)]
pub struct Draft<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub location: &'a str,
    pub place: &'a str,
    pub incident_date: &'a str,
}

/// The folded words of a text.
fn folded_words(text: &str) -> Vec<String> {
    let folded = crate::search::fold(text);
    crate::search::words(&folded)
        .into_iter()
        .map(|(s, e)| folded[s..e].to_owned())
        .collect()
}

/// The words of a text as written, without the punctuation around them.
fn tokens(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether a word of `words` in `list` is followed by a name or a number.
fn followed_by_name(words: &[&str], list: &[&str]) -> bool {
    words.windows(2).any(|pair| {
        list.contains(&crate::search::fold(pair[0]).as_str())
            && pair[1]
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    })
}

/// Whether a text names a place: a place word before a name or a number ("di Banjarmasin",
/// "Gang Mawar", "RT 05").
fn names_place(text: &str) -> bool {
    followed_by_name(&tokens(text), PLACE_WORDS)
}

/// Whether a text says when: a time word, a date (`12/11`, `2026`) or a clock time.
fn names_time(text: &str) -> bool {
    let words = folded_words(text);
    if words.iter().any(|w| TIME_WORDS.contains(&w.as_str()))
        || followed_by_name(&tokens(text), &["jam"])
    {
        return true;
    }
    let year = |w: &String| {
        w.len() == 4
            && (w.starts_with("19") || w.starts_with("20"))
            && w.chars().all(|c| c.is_ascii_digit())
    };
    words.iter().any(year)
        || text
            .split_whitespace()
            .any(|t| t.contains('/') && t.chars().filter(char::is_ascii_digit).count() >= 2)
}

/// The distinct words of a text that say something ([`crate::duplicates::says_something`]).
fn content_words(text: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for w in folded_words(text) {
        if crate::duplicates::says_something(&w) && !seen.contains(&w) {
            seen.push(w);
        }
    }
    seen
}

/// What `d` does not say yet, in the order the form asks for it.
pub fn gaps(d: &Draft) -> Vec<Gap> {
    let text = format!("{}\n{}", d.title, d.body);
    let mut out = Vec::new();
    if d.location.trim().is_empty() && d.place.trim().is_empty() && !names_place(&text) {
        out.push(Gap::Place);
    }
    if d.incident_date.trim().is_empty() && !names_time(&text) {
        out.push(Gap::Time);
    }
    if d.body.trim().chars().count() < SHORT {
        out.push(Gap::Short);
    }
    if content_words(d.body).len() < VAGUE {
        out.push(Gap::Vague);
    }
    out
}

/// The words that make a report read as a category (folded; a word of five letters or more
/// also matches inside a longer word, "berlubang" for "lubang"), and the words of the name of
/// the agency that usually answers for it.
pub const CATEGORY_WORDS: &[(&str, &[&str], &[&str])] = &[
    (
        "infrastruktur",
        &[
            "lubang", "aspal", "jembatan", "drainase", "gorong", "selokan", "saluran", "genang",
            "amblas", "longsor", "trotoar", "tanggul", "irigasi", "banjir", "retak", "aspal",
        ],
        &["pekerjaan umum", "pupr"],
    ),
    (
        "fasilitas_umum",
        &[
            "lampu",
            "penerangan",
            "taman",
            "toilet",
            "pdam",
            "pipa",
            "listrik",
            "pln",
            "makam",
            "pemakaman",
            "fasilitas",
            "bangku",
            "ledeng",
        ],
        &["pekerjaan umum", "pupr"],
    ),
    (
        "perhubungan",
        &[
            "angkot",
            "angkutan",
            "bus",
            "terminal",
            "parkir",
            "macet",
            "rambu",
            "ojek",
            "pelabuhan",
            "kapal",
            "truk",
            "dishub",
            "halte",
            "klakson",
            "lintas",
            "kendaraan",
        ],
        &["perhubungan"],
    ),
    (
        "lingkungan_hidup",
        &[
            "sampah",
            "limbah",
            "asap",
            "polusi",
            "cemar",
            "pohon",
            "tebang",
            "tps",
            "bising",
            "bakar",
            "bau",
            "menyengat",
        ],
        &["lingkungan hidup"],
    ),
    (
        "pendidikan",
        &[
            "sekolah", "guru", "murid", "siswa", "ppdb", "rapor", "ijazah", "seragam", "sdn",
            "smpn", "sman", "beasiswa", "kelas", "mengajar",
        ],
        &["pendidikan"],
    ),
    (
        "kesehatan",
        &[
            "puskesmas",
            "rsud",
            "dokter",
            "perawat",
            "obat",
            "bpjs",
            "posyandu",
            "ambulans",
            "pasien",
            "vaksin",
            "imunisasi",
            "stunting",
            "bidan",
            "klinik",
            "berobat",
        ],
        &["kesehatan"],
    ),
    (
        "kependudukan",
        &[
            "ktp",
            "kk",
            "akta",
            "kelahiran",
            "dukcapil",
            "nik",
            "domisili",
            "kia",
            "kartu",
            "kependudukan",
            "pindah",
        ],
        &["kependudukan"],
    ),
    (
        "kinerja_asn",
        &[
            "pungli",
            "pungutan",
            "suap",
            "asn",
            "pns",
            "pegawai",
            "calo",
            "gratifikasi",
            "bolos",
            "absen",
            "ketus",
            "kasar",
            "kuitansi",
            "tanda terima",
            "meminta uang",
        ],
        &[],
    ),
];

/// The folded words of a text that say what it is about: a place word before a name is part
/// of the name ("SDN Kuin 2" says where, not that the report is about a school).
fn subject_words(text: &str) -> Vec<String> {
    let raw = tokens(text);
    let mut out = Vec::new();
    for (i, t) in raw.iter().enumerate() {
        let names_next = raw
            .get(i + 1)
            .and_then(|n| n.chars().next())
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        let folded = crate::search::fold(t);
        if names_next && PLACE_WORDS.contains(&folded.as_str()) {
            continue;
        }
        out.extend(folded_words(t));
    }
    out
}

/// The category a report reads as, with the words that made it so: the one with the most
/// distinct words, the first of the list on a tie; `None` when no word matches. A word of
/// five letters or more also matches inside a longer one; two words match as a phrase.
pub fn suggest_category(title: &str, body: &str) -> Option<(&'static str, Vec<String>)> {
    let words = subject_words(&format!("{title}\n{body}"));
    let joined = format!(" {} ", words.join(" "));
    let mut best: Option<(&'static str, Vec<String>)> = None;
    for (code, keys, _) in CATEGORY_WORDS {
        let mut hits: Vec<String> = Vec::new();
        for k in keys.iter().filter(|k| k.contains(' ')) {
            if joined.contains(&format!(" {k} ")) && !hits.contains(&k.to_string()) {
                hits.push(k.to_string());
            }
        }
        for w in &words {
            let hit = keys
                .iter()
                .any(|k| w == k || (k.chars().count() >= 5 && !k.contains(' ') && w.contains(k)));
            if hit && !hits.contains(w) {
                hits.push(w.clone());
            }
        }
        if !hits.is_empty() && best.as_ref().is_none_or(|(_, b)| hits.len() > b.len()) {
            best = Some((code, hits));
        }
    }
    best
}

/// Of `agencies` (`(id, name)`, those of one government), the one that usually answers for
/// category `code`: the first whose name has one of the category's agency words.
pub fn agency_for(code: &str, agencies: &[(i64, String)]) -> Option<i64> {
    let (_, _, names) = CATEGORY_WORDS.iter().find(|(c, _, _)| *c == code)?;
    agencies
        .iter()
        .find(|(_, name)| {
            let name = crate::search::fold(name);
            names.iter().any(|n| name.contains(n))
        })
        .map(|(id, _)| *id)
}

/// What the form advises beyond the gaps: the category the report reads as and the agency
/// that usually answers for it, each only when it differs from what the citizen chose, with
/// the words that made it so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    /// `(category id, the words)`.
    pub category: Option<(i64, Vec<String>)>,
    /// `(agency id, its name, the category it answers for)`.
    pub agency: Option<(i64, String, crate::orgs::Category)>,
}

impl Advice {
    pub fn is_empty(&self) -> bool {
        self.category.is_none() && self.agency.is_none()
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

    /// One report of the shipped test data: what it lacks and what it reads as.
    struct Case {
        line: usize,
        gaps: Vec<Gap>,
        category: Option<String>,
        chosen: String,
        title: String,
        body: String,
        location: String,
        date: String,
    }

    fn cases() -> Vec<Case> {
        let text = include_str!("../data/completeness/reports.tsv");
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
            .map(|(i, l)| {
                let f: Vec<&str> = l.split('\t').collect();
                assert_eq!(f.len(), 7, "line {}: {l}", i + 1);
                let list = |s: &str| -> Vec<Gap> {
                    s.split(',')
                        .filter(|c| *c != "-")
                        .map(|c| Gap::from_code(c).unwrap_or_else(|| panic!("line {}: {c}", i + 1)))
                        .collect()
                };
                Case {
                    line: i + 1,
                    gaps: list(f[0]),
                    category: (f[1] != "-").then(|| f[1].to_owned()),
                    chosen: f[2].to_owned(),
                    title: f[3].to_owned(),
                    body: f[4].to_owned(),
                    location: f[5].trim_start_matches('-').to_owned(),
                    date: f[6].trim_start_matches('-').to_owned(),
                }
            })
            .collect()
    }

    #[test]
    fn the_shipped_reports_are_checked_as_a_reader_would() {
        let cases = cases();
        assert!(cases.len() >= 60, "{} reports", cases.len());
        for c in &cases {
            let d = Draft {
                title: &c.title,
                body: &c.body,
                location: &c.location,
                place: "",
                incident_date: &c.date,
            };
            assert_eq!(gaps(&d), c.gaps, "line {}: {}", c.line, c.title);
            let suggested = suggest_category(&c.title, &c.body).map(|(code, _)| code.to_owned());
            assert_eq!(suggested, c.category, "line {}: {}", c.line, c.title);
        }
        // Varied: complete ones, and each kind of gap, several times.
        let with = |g: Gap| cases.iter().filter(|c| c.gaps.contains(&g)).count();
        assert!(cases.iter().filter(|c| c.gaps.is_empty()).count() >= 20);
        for g in Gap::ALL {
            assert!(with(g) >= 5, "{g:?}: {}", with(g));
        }
    }

    #[test]
    fn a_wrong_agency_is_told_with_the_one_that_answers() {
        let banjarmasin: Vec<(i64, String)> = [
            (11, "Dinas Kependudukan dan Pencatatan Sipil"),
            (12, "Dinas Kesehatan"),
            (13, "Dinas Lingkungan Hidup"),
            (14, "Dinas Pekerjaan Umum dan Penataan Ruang"),
            (15, "Dinas Pendidikan"),
            (16, "Dinas Perhubungan"),
        ]
        .into_iter()
        .map(|(id, n)| (id, n.to_owned()))
        .collect();
        let name = |id: Option<i64>| {
            banjarmasin
                .iter()
                .find(|(i, _)| Some(*i) == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        let mut wrong = 0;
        for c in cases() {
            let Some(category) = &c.category else {
                continue;
            };
            let suggested = name(agency_for(category, &banjarmasin));
            if c.chosen != "-" && !suggested.is_empty() && suggested != c.chosen {
                wrong += 1;
            }
        }
        assert!(
            wrong >= 5,
            "{wrong} reports sent to another agency than the one that answers"
        );
        assert_eq!(agency_for("kesehatan", &banjarmasin), Some(12));
        assert_eq!(agency_for("infrastruktur", &banjarmasin), Some(14));
        assert_eq!(agency_for("kinerja_asn", &banjarmasin), None);
    }

    #[test]
    fn the_reason_is_the_words_found() {
        let (code, words) = suggest_category(
            "Jalan berlubang di depan pasar",
            "Lubang besar dan genangan air setiap hujan.",
        )
        .expect("a category");
        assert_eq!(code, "infrastruktur");
        assert!(words.contains(&"berlubang".to_owned()) && words.contains(&"genangan".to_owned()));
        assert_eq!(
            suggest_category("Halo", "Terima kasih atas perhatiannya."),
            None
        );
    }
}
