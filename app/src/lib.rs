//! lapor: the shared half of the application.
//!
//! Everything a page shows and every server function lives here, compiled twice: with `ssr`
//! into the server, with `hydrate` into the browser bundle. The app is built from *islands*:
//! pages are plain server-rendered HTML that work without JavaScript, and only the few parts
//! that gain from running in the browser (the report form) are shipped as WebAssembly. That is
//! what keeps the citizen's first load small on a cheap phone and a weak network.
//!
//! One module per domain concept: [`reports`] (filing, reading, listing), [`threads`] (the
//! conversation under a report), [`accounts`] (who signs in), [`staff`] (officials and their
//! scope), [`lifecycle`] (the state machine of a report), [`desk`] (assignment, what is new
//! for each official, reply templates), [`casework`] (inboxes and every action officials
//! take), [`admin`] (organisations, categories, staff accounts), [`orgs`] (the
//! government tree and categories). [`pages`] holds the components, [`error`] the one error
//! type, [`i18n`] the two languages.

// The admin and case pages are deep views; their types nest past the default limit.
#![recursion_limit = "256"]

rust_i18n::i18n!("locales", fallback = "id");

pub mod accounts;
pub mod admin;
pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod calendar;
pub mod casework;
pub mod completeness;
pub mod connectedness;
pub mod deadlines;
pub mod desk;
pub mod duplicates;
pub mod error;
pub mod figures;
pub mod i18n;
pub mod intake;
pub mod labels;
pub mod lifecycle;
pub mod live;
pub mod notify;
pub mod orgs;
pub mod pages;
pub mod reports;
pub mod resolution;
pub mod search;
pub mod second_factor;
pub mod sms;
pub mod staff;
pub mod threads;
pub mod wilayah;

#[cfg(feature = "ssr")]
pub mod change;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod open311;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod sms_inbox;
#[cfg(feature = "ssr")]
pub mod state;

pub use pages::{App, shell};

/// The house has no circles: no module reaches, through the modules it uses, back to itself.
/// Read from the sources, so that a new `use` that closes a circle fails here.
#[cfg(test)]
mod module_graph {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// The top-level module each file of `src/` belongs to, and the modules its code names.
    fn graph() -> BTreeMap<String, BTreeSet<String>> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        let mut dirs = vec![src.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("src folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in files {
            let relative = file.strip_prefix(&src).expect("under src");
            let top = relative
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .map(|s| s.trim_end_matches(".rs").to_owned())
                .expect("a name");
            if top == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("read");
            let code: String = text
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            let uses = graph.entry(top.clone()).or_default();
            for (i, _) in code.match_indices("crate::") {
                let rest = &code[i + "crate::".len()..];
                let names: Vec<&str> = match rest.strip_prefix('{') {
                    Some(group) => group
                        .split('}')
                        .next()
                        .unwrap_or("")
                        .split(',')
                        .map(|n| n.trim().split("::").next().unwrap_or(""))
                        .collect(),
                    None => vec![
                        rest.split(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                            .next()
                            .unwrap_or(""),
                    ],
                };
                for name in names {
                    if !name.is_empty() && name != top && name != "tr" {
                        uses.insert(name.to_owned());
                    }
                }
            }
        }
        graph
    }

    /// A path from `from` back to `from`, if there is one.
    fn circle(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
        let mut stack = vec![(from.to_owned(), vec![from.to_owned()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if next == from {
                    let mut path = path.clone();
                    path.push(next.clone());
                    return Some(path);
                }
                if graph.contains_key(next) && seen.insert(next.clone()) {
                    let mut path = path.clone();
                    path.push(next.clone());
                    stack.push((next.clone(), path));
                }
            }
        }
        None
    }

    #[test]
    fn no_module_reaches_back_to_itself() {
        let graph = graph();
        assert!(graph.contains_key("reports") && graph.contains_key("change"));
        for module in graph.keys() {
            if let Some(path) = circle(&graph, module) {
                panic!("import circle: {}", path.join(" -> "));
            }
        }
    }

    #[test]
    fn the_guard_sees_a_circle() {
        let mut graph = graph();
        graph
            .entry("db".to_owned())
            .or_default()
            .insert("reports".to_owned());
        assert!(circle(&graph, "db").is_some(), "db -> reports -> db");
    }
}
