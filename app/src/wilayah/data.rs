//! The shipped data, parsed once, and the places a person can name in it.

use super::*;
use std::borrow::Cow;
use std::sync::LazyLock;

const PROVINCES_CSV: &str = include_str!("../../data/wilayah/provinces.csv");
const REGENCIES_CSV: &str = include_str!("../../data/wilayah/regencies.csv");
const DISTRICTS_CSV: &str = include_str!("../../data/wilayah/districts.csv");
const VILLAGES_CSV: &str = include_str!("../../data/wilayah/villages.csv");

/// How many places a suggestion or an error lists at most.
pub const SUGGESTIONS: usize = 8;

/// One area: its code, its name as Kemendagri writes it, and that name as compared.
#[derive(Debug, Clone)]
pub struct Area {
    pub code: &'static str,
    pub name: Cow<'static, str>,
    key: Box<str>,
}

/// Every area of the country, each level sorted by code.
#[derive(Debug)]
pub struct Country {
    pub provinces: Vec<Area>,
    pub regencies: Vec<Area>,
    pub districts: Vec<Area>,
    pub villages: Vec<Area>,
}

/// What a place typed by a person names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Exactly one district or village: its code.
    Found(String),
    /// None: the closest names, as [`Country::label`]s.
    Unknown(Vec<String>),
    /// Several: their labels, so the person can say which.
    Ambiguous(Vec<String>),
}

/// The country, parsed on first use (about 90,000 areas).
pub fn country() -> &'static Country {
    static COUNTRY: LazyLock<Country> = LazyLock::new(|| Country {
        provinces: parse(PROVINCES_CSV),
        regencies: parse(REGENCIES_CSV),
        districts: parse(DISTRICTS_CSV),
        villages: parse(VILLAGES_CSV),
    });
    &COUNTRY
}

/// Rows of `code,parent,name` (provinces: `code,name`) after the header. A name in quotes (a
/// handful hold a comma or a quote) goes through the CSV reader; the rest are borrowed.
fn parse(text: &'static str) -> Vec<Area> {
    let mut areas: Vec<Area> = text
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| {
            let (code, rest) = line.split_once(',')?;
            let name: Cow<'static, str> = if rest.contains('"') {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(line.as_bytes());
                let record = reader.records().next()?.ok()?;
                Cow::Owned(record.get(record.len() - 1)?.to_owned())
            } else {
                Cow::Borrowed(rest.rsplit(',').next()?)
            };
            let key = normalise(&name).into_boxed_str();
            Some(Area { code, name, key })
        })
        .collect();
    areas.sort_by(|a, b| a.code.cmp(b.code));
    areas
}

impl Country {
    fn level(&self, level: Level) -> &[Area] {
        match level {
            Level::Province => &self.provinces,
            Level::Regency => &self.regencies,
            Level::District => &self.districts,
            Level::Village => &self.villages,
        }
    }

    /// The area with this code.
    pub fn get(&self, code: &str) -> Option<&Area> {
        let areas = self.level(level(code)?);
        areas
            .binary_search_by(|a| a.code.cmp(code))
            .ok()
            .map(|i| &areas[i])
    }

    /// The areas of a level within `area` (a code of a higher level).
    pub fn within<'a>(&'a self, lvl: Level, area: &'a str) -> impl Iterator<Item = &'a Area> {
        self.level(lvl)
            .iter()
            .filter(move |a| is_within(a.code, area))
    }

    /// A place as a person can type it back: the names from it up to its province,
    /// `Sungai Miai, Banjarmasin Utara, Kota Banjarmasin, Kalimantan Selatan`.
    pub fn label(&self, code: &str) -> String {
        let mut names = Vec::new();
        let mut at = Some(code);
        while let Some(c) = at {
            if let Some(a) = self.get(c) {
                names.push(a.name.as_ref());
            }
            at = parent(c);
        }
        names.join(", ")
    }

    /// A place as a page shows it, with the word of each level:
    /// `Kelurahan Sungai Miai, Kecamatan Banjarmasin Utara, Kota Banjarmasin`.
    pub fn describe(&self, code: &str) -> String {
        let mut parts = Vec::new();
        let mut at = Some(code);
        while let Some(c) = at {
            if let (Some(a), Some(lvl)) = (self.get(c), level(c)) {
                let word = match lvl {
                    Level::Village if c.rsplit('.').next().is_some_and(|v| v.starts_with('1')) => {
                        "Kelurahan "
                    }
                    Level::Village => "Desa ",
                    // Papua's provinces (91 to 96) call their districts distrik.
                    Level::District if c.starts_with('9') => "Distrik ",
                    Level::District => "Kecamatan ",
                    Level::Regency | Level::Province => "",
                };
                parts.push(format!("{word}{}", a.name));
            }
            at = parent(c);
        }
        parts.join(", ")
    }

    /// Whether an ancestor of `code` (above the place itself) is called `part` (normalised),
    /// with or without the word of its level.
    fn has_ancestor_named(&self, code: &str, part: &str) -> bool {
        let mut at = parent(code);
        while let Some(c) = at {
            if let Some(a) = self.get(c)
                && (&*a.key == part || bare(&a.key) == bare(part))
            {
                return true;
            }
            at = parent(c);
        }
        false
    }

    /// The districts and villages a typed place names: its first part is the place (with or
    /// without `Kecamatan`/`Kelurahan`/`Desa`), the rest names anything above it, in any
    /// order (`Sungai Miai, Banjarmasin Utara`). A code names itself.
    fn candidates(&self, text: &str) -> Vec<&Area> {
        let text = text.trim();
        if matches!(level(text), Some(Level::District | Level::Village)) {
            return self.get(text).into_iter().collect();
        }
        let mut parts = text.split(',').map(normalise).filter(|p| !p.is_empty());
        let Some(first) = parts.next() else {
            return Vec::new();
        };
        let rest: Vec<String> = parts.collect();
        let levels: &[Level] = if first.starts_with("kecamatan ") || first.starts_with("distrik ") {
            &[Level::District]
        } else if first.starts_with("kelurahan ") || first.starts_with("desa ") {
            &[Level::Village]
        } else {
            &[Level::District, Level::Village]
        };
        let name = bare(&first);
        levels
            .iter()
            .flat_map(|l| self.level(*l).iter())
            .filter(|a| &*a.key == name)
            .filter(|a| rest.iter().all(|p| self.has_ancestor_named(a.code, p)))
            .collect()
    }

    /// What `text` names, preferring what lies within `region` (the code of the region the
    /// report is addressed to) when the name is found there.
    pub fn resolve(&self, text: &str, region: Option<&str>) -> Resolution {
        let mut found = self.candidates(text);
        if let Some(region) = region
            && found.iter().any(|a| is_within(a.code, region))
        {
            found.retain(|a| is_within(a.code, region));
        }
        match found.as_slice() {
            [one] => Resolution::Found(one.code.to_owned()),
            [] => Resolution::Unknown(self.suggest(text, region)),
            many => Resolution::Ambiguous(
                many.iter()
                    .take(SUGGESTIONS)
                    .map(|a| self.label(a.code))
                    .collect(),
            ),
        }
    }

    /// Up to [`SUGGESTIONS`] places whose name starts with (else contains a word starting
    /// with) the first part of `text`, those within `region` first, as labels.
    pub fn suggest(&self, text: &str, region: Option<&str>) -> Vec<String> {
        let mut parts = text.split(',').map(normalise).filter(|p| !p.is_empty());
        let Some(first) = parts.next() else {
            return Vec::new();
        };
        let rest: Vec<String> = parts.collect();
        let name = bare(&first).to_owned();
        if name.chars().count() < 3 {
            return Vec::new();
        }
        let word = format!(" {name}");
        // Rank: within the region, then the name's start, then a district before a village.
        let mut scored: Vec<(u8, &Area)> = [Level::District, Level::Village]
            .iter()
            .enumerate()
            .flat_map(|(l, level)| self.level(*level).iter().map(move |a| (l as u8, a)))
            .filter_map(|(l, a)| {
                let starts = a.key.starts_with(&name);
                (starts || a.key.contains(&word)).then(|| {
                    let outside = region.is_some_and(|r| !is_within(a.code, r));
                    (u8::from(outside) * 4 + u8::from(!starts) * 2 + l, a)
                })
            })
            .filter(|(_, a)| rest.iter().all(|p| self.has_ancestor_named(a.code, p)))
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.code.cmp(b.1.code)));
        scored
            .into_iter()
            .take(SUGGESTIONS)
            .map(|(_, a)| self.label(a.code))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_data_is_the_whole_country() {
        let c = country();
        assert_eq!(c.provinces.len() as i64, PROVINCES);
        assert_eq!(c.regencies.len() as i64, REGIONS);
        assert_eq!(c.districts.len(), 7_285);
        assert_eq!(c.villages.len(), 83_762);
        for (lvl, areas) in [
            (Level::Province, &c.provinces),
            (Level::Regency, &c.regencies),
            (Level::District, &c.districts),
            (Level::Village, &c.villages),
        ] {
            for a in areas.iter() {
                assert_eq!(level(a.code), Some(lvl), "{}", a.code);
                assert!(!a.name.trim().is_empty(), "{}", a.code);
                if let Some(p) = parent(a.code) {
                    assert!(c.get(p).is_some(), "{} has no parent", a.code);
                }
            }
        }
        // Every regency-level name says which it is, and agrees with its code.
        for r in &c.regencies {
            let city = r.name.starts_with("Kota ");
            assert!(city || r.name.starts_with("Kabupaten "), "{}", r.name);
            assert_eq!(city, is_city(r.code), "{} {}", r.code, r.name);
        }
        // Kalimantan Timur has the ten regencies and cities the seeds count.
        assert_eq!(c.within(Level::Regency, "64").count(), 10);
        // Names with a comma or a quote are read whole.
        assert_eq!(
            c.get("14.02.09.2010").map(|a| a.name.as_ref()),
            Some("Lambang Sari I, II, III")
        );
        assert_eq!(c.get("35.29.22").map(|a| a.name.as_ref()), Some("Ra\"as"));
    }

    #[test]
    fn a_place_is_labelled_and_described_up_to_its_province() {
        let c = country();
        assert_eq!(
            c.label("63.71.04.1005"),
            "Sungai Miai, Banjarmasin Utara, Kota Banjarmasin, Kalimantan Selatan"
        );
        assert_eq!(
            c.describe("63.71.04.1005"),
            "Kelurahan Sungai Miai, Kecamatan Banjarmasin Utara, Kota Banjarmasin, Kalimantan Selatan"
        );
        assert!(
            c.describe("11.01.01.2001")
                .starts_with("Desa Keude Bakongan, Kecamatan ")
        );
        let papua = c
            .districts
            .iter()
            .find(|d| d.code.starts_with("91."))
            .expect("Papua has districts");
        assert!(c.describe(papua.code).starts_with("Distrik "));
    }

    #[test]
    fn a_typed_place_resolves_to_one_area_or_says_why_not() {
        let c = country();
        let miai = Resolution::Found("63.71.04.1005".into());
        assert_eq!(c.resolve("Sungai Miai", None), miai);
        assert_eq!(c.resolve("  kel. SUNGAI MIAI ", None), miai);
        assert_eq!(c.resolve("63.71.04.1005", None), miai);
        // Its own label, as a suggestion offers it, names it again.
        assert_eq!(c.resolve(&c.label("63.71.04.1005"), None), miai);
        assert_eq!(
            c.resolve("Kecamatan Banjarmasin Utara", None),
            Resolution::Found("63.71.04".into())
        );
        // A name many villages share: ambiguous, unless the rest or the region says which.
        let Resolution::Ambiguous(many) = c.resolve("Sungai Lulut", None) else {
            panic!("Sungai Lulut is a village in several regencies");
        };
        assert!(many.len() >= 2, "{many:?}");
        assert!(matches!(
            c.resolve("Sungai Lulut, Kabupaten Banjar", None),
            Resolution::Found(code) if code.starts_with("63.03.")
        ));
        assert!(matches!(
            c.resolve("Sungai Lulut", Some("63.03")),
            Resolution::Found(code) if code.starts_with("63.03.")
        ));
        // Within a region that has none, the whole country still answers.
        assert_eq!(c.resolve("Sungai Miai", Some("64.72")), miai);
        // Unknown: the closest names are offered.
        let Resolution::Unknown(near) = c.resolve("Sungai Mia", None) else {
            panic!("no place is called Sungai Mia");
        };
        assert!(
            near.iter().any(|l| l.starts_with("Sungai Miai,")),
            "{near:?}"
        );
        assert_eq!(c.resolve("", None), Resolution::Unknown(Vec::new()));
        assert_eq!(c.resolve("63.71", None), Resolution::Unknown(Vec::new()));
        assert!(matches!(
            c.resolve("<script>", None),
            Resolution::Unknown(_)
        ));
    }

    #[test]
    fn suggestions_start_with_the_region_and_the_name() {
        let c = country();
        let listed = c.suggest("sungai", Some("63.71"));
        assert_eq!(listed.len(), SUGGESTIONS);
        // Banjarmasin's six kelurahan called "Sungai …" first, then the rest of the country.
        let inside = listed
            .iter()
            .take_while(|l| l.contains("Kota Banjarmasin"))
            .count();
        assert_eq!(inside, 6, "{listed:?}");
        assert!(
            !listed[inside..]
                .iter()
                .any(|l| l.contains("Kota Banjarmasin"))
        );
        assert!(c.suggest("su", None).is_empty(), "too short to search");
        let narrowed = c.suggest("sungai, banjarbaru", None);
        assert!(!narrowed.is_empty() && narrowed.iter().all(|l| l.contains("Banjarbaru")));
    }
}
