//! Labels and the map of complaints.
//!
//! Officials name what a report is about with their organisation's labels ("jalan rusak",
//! "banjir", "lampu jalan"): typed once, then suggested from the organisation's earlier ones.
//! The inbox filters by a label. An official also notes where it happened, the kelurahan or
//! kecamatan (`area`), typed or chosen from the ones noted before. The figures count both per
//! region and period ([`MapOfComplaints`]), only over reports that are not confidential and
//! only where at least [`MIN_REPORTS`] reports share a label or an area, so that a count never
//! points at one report.
//!
//! Labels and areas are officials' words about a report, never anything about its reporter.
//! Their server functions are casework's (`staff_add_label`, `staff_remove_label`,
//! `staff_set_area`): the figures read this module, so it must not reach the request state.

use serde::{Deserialize, Serialize};

/// The longest label and area, in characters.
pub const NAME_MAX: usize = 40;
/// The most labels an organisation keeps, and a report carries from one organisation.
pub const ORG_MAX: i64 = 500;
pub const REPORT_MAX: i64 = 20;
/// The fewest reports a label or an area needs to appear in the public figures.
pub const MIN_REPORTS: i64 = 3;
/// How many labels and areas the figures list.
pub const TOP: i64 = 10;

/// A label of an organisation, with how many reports carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub id: i64,
    pub name: String,
    pub reports: i64,
}

/// A report's labels (of the official's organisation), its area, and what to suggest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLabels {
    pub labels: Vec<Label>,
    pub area: String,
    /// The organisation's labels not on this report, most used first.
    pub suggested: Vec<String>,
    /// Areas noted before on reports the official sees, most used first.
    pub areas: Vec<String>,
    pub can_edit: bool,
}

/// The form that adds a label.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelInput {
    #[serde(default)]
    pub nama: String,
}

/// The form that notes the area.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaInput {
    #[serde(default)]
    pub wilayah: String,
}

/// What and where people complain about most, in a region and period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapOfComplaints {
    pub labels: Vec<(String, i64)>,
    pub areas: Vec<(String, i64)>,
}

/// A label or area as stored: spaces collapsed, lower case (labels), within [`NAME_MAX`];
/// `None` when empty or too long.
pub fn clean(typed: &str, lowercase: bool) -> Option<String> {
    let collapsed = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = if lowercase {
        collapsed.to_lowercase()
    } else {
        collapsed
    };
    let n = cleaned.chars().count();
    ((1..=NAME_MAX).contains(&n) && !cleaned.chars().any(char::is_control)).then_some(cleaned)
}

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_kept_in_one_form() {
        assert_eq!(
            clean("  Jalan   RUSAK ", true).as_deref(),
            Some("jalan rusak")
        );
        assert_eq!(
            clean("Kel. Sungai Miai", false).as_deref(),
            Some("Kel. Sungai Miai")
        );
        assert_eq!(clean("   ", true), None);
        assert_eq!(clean(&"x".repeat(NAME_MAX + 1), true), None);
        assert_eq!(clean("a\u{7}b", true), None);
    }
}
