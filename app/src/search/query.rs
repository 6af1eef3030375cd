//! A query as both engines take it, and the stems it is matched and marked by.

use super::*;
use snowball_stemmers_rs::{Algorithm, Stemmer};
use std::collections::BTreeSet;
use std::sync::LazyLock;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Indonesian));

/// The stem of a folded word, as PostgreSQL's `indonesian` configuration makes it.
pub fn stem(folded: &str) -> String {
    STEMMER.stem(folded).into_owned()
}

/// A text as SQLite's index holds it: the stems of its words, space-separated.
pub fn stems(text: &str) -> String {
    let folded = fold(text);
    words(&folded)
        .into_iter()
        .map(|(s, e)| stem(&folded[s..e]))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a person typed into a search box, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The folded words, at most [`MAX_TERMS`] (PostgreSQL stems them itself).
    pub words: Vec<String>,
    /// Their stems (SQLite's terms, and what marks a word in a result).
    pub stems: BTreeSet<String>,
    /// The query as a tracking ID, when it is one (`ABCD-2345`): then it finds that report.
    pub tracking_id: Option<String>,
}

impl Query {
    /// `None` for a query with no word to search by.
    pub fn parse(text: &str) -> Option<Query> {
        let text: String = text.chars().take(MAX_QUERY).collect();
        let code = crate::secrets::normalize_code(&text);
        let tracking_id = crate::secrets::is_tracking_id(&code).then_some(code);
        let folded = fold(&text);
        let words: Vec<String> = words(&folded)
            .into_iter()
            .map(|(s, e)| folded[s..e].to_owned())
            .fold(Vec::new(), |mut seen, w| {
                if !seen.contains(&w) {
                    seen.push(w);
                }
                seen
            })
            .into_iter()
            .take(MAX_TERMS)
            .collect();
        if words.is_empty() {
            return None;
        }
        let stems = words.iter().map(|w| stem(w)).collect();
        Some(Query {
            words,
            stems,
            tracking_id,
        })
    }

    /// An FTS5 query over `columns`: every stem, in any of them. Stems hold only letters and
    /// digits, and each is quoted, so nothing typed becomes FTS5 syntax.
    pub fn fts5(&self, columns: &str) -> String {
        let terms: Vec<String> = self.stems.iter().map(|s| format!("\"{s}\"")).collect();
        format!("{{{columns}}} : ({})", terms.join(" AND "))
    }

    /// The words for PostgreSQL's `plainto_tsquery('indonesian', …)`.
    pub fn plain(&self) -> String {
        self.words.join(" ")
    }

    /// Whether a word of a text is one the query matched.
    pub fn hits(&self, word: &str) -> bool {
        self.stems.contains(&stem(&fold(word)))
    }

    /// A title and a body as a listing shows them, the matched words marked.
    pub fn marked(&self, title: &str, body: &str) -> Marked {
        Marked {
            title: mark(title, |w| self.hits(w)),
            excerpt: window(mark(body, |w| self.hits(w)), EXCERPT),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_words_meet_at_their_stem() {
        for (a, b) in [
            ("perbaikan", "diperbaiki"),
            ("jembatan", "Jembatannya"),
            ("pelayanan", "dilayani"),
            ("kelurahan", "lurah"),
        ] {
            assert_eq!(stem(&fold(a)), stem(&fold(b)), "{a} {b}");
        }
        assert_eq!(stems("Perbaikan jalan"), "baik jalan");
    }

    #[test]
    fn a_query_is_words_and_never_syntax() {
        assert_eq!(Query::parse("  ,.;  "), None);
        let q = Query::parse("Perbaikan \"jembatan\" OR NEAR(x) *").expect("query");
        assert_eq!(q.words, ["perbaikan", "jembatan", "or", "near", "x"]);
        assert_eq!(
            q.fts5("title body"),
            "{title body} : (\"baik\" AND \"jembat\" AND \"near\" AND \"or\" AND \"x\")"
        );
        let many = Query::parse(&"kata lain ".repeat(50)).expect("query");
        assert_eq!(many.words.len(), 2, "repeated words count once");
        let long =
            Query::parse(&(0..50).map(|i| format!("w{i} ")).collect::<String>()).expect("query");
        assert_eq!(long.words.len(), MAX_TERMS);
    }

    #[test]
    fn a_tracking_id_is_recognised() {
        let q = Query::parse("abcd-2345").expect("query");
        assert_eq!(q.tracking_id.as_deref(), Some("ABCD-2345"));
        assert_eq!(Query::parse("jalan rusak").expect("q").tracking_id, None);
    }

    #[test]
    fn results_mark_every_form_of_the_words() {
        let q = Query::parse("perbaikan jembatan").expect("query");
        let m = q.marked(
            "Jembatan Sungai Miai belum diperbaiki",
            "Warga minta perbaikan segera.",
        );
        let marked: Vec<&str> = m
            .title
            .iter()
            .chain(m.excerpt.iter())
            .filter(|p| p.marked)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["Jembatan", "diperbaiki", "perbaikan"]);
    }
}
