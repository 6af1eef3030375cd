//! Many at once: a coordinator verifies, forwards to an OPD or archives several reports in
//! one go. Each report is its own [`act`] (its own change, its own record in its history, its
//! own notifications); one refused (another official moved it on meanwhile) is reported and
//! does not stop the others.

use super::StaffAction;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The actions a coordinator takes on many reports at once.
pub const BULK_ACTIONS: [StaffAction; 3] = [
    StaffAction::Verify,
    StaffAction::Dispose,
    StaffAction::Archive,
];

/// The most reports one bulk action takes.
pub const BULK_MAX: usize = 200;

/// The bulk form: the action with its fields, and one checkbox per report, named
/// `r.<tracking ID>` (plain forms send one field per ticked box).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BulkInput {
    pub action: String,
    pub opd_id: String,
    pub reason: String,
    pub message: String,
    #[serde(flatten)]
    pub picked: BTreeMap<String, String>,
}

impl BulkInput {
    /// The tracking IDs ticked, each once.
    #[cfg(feature = "ssr")]
    pub fn tracking_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .picked
            .keys()
            .filter_map(|k| k.strip_prefix("r."))
            .map(crate::secrets::normalize_code)
            .filter(|id| !id.is_empty())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// What a bulk action did: the reports it changed, and each refused one with why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub action: String,
    pub done: Vec<String>,
    /// Tracking ID and the reason's code ([`refusal_code`]).
    pub refused: Vec<(String, String)>,
}

/// A short code for why one report of a bulk action was refused, carried in the inbox's
/// address after the action (so a reload shows the same outcome without doing anything).
pub fn refusal_code(e: &crate::error::AppError) -> &'static str {
    use crate::error::{AppError, Refusal};
    match e {
        AppError::Refused(Refusal::WrongStatus) => "status",
        AppError::Refused(_) => "role",
        AppError::NotFound => "missing",
        AppError::Invalid(_) => "invalid",
        _ => "error",
    }
}

/// The translation key of a [`refusal_code`].
pub fn refusal_key(code: &str) -> &'static str {
    match code {
        "status" => "desk.bulk_refused_status",
        "role" => "err.not_your_role",
        "missing" => "staff.not_found",
        "invalid" => "desk.bulk_refused_invalid",
        _ => "err.internal",
    }
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::change::Store;
    use crate::error::{AppError, AppResult};
    use crate::staff::Staff;

    /// Takes `input`'s action on every ticked report, one by one. Refused as a whole only
    /// when nothing could be tried (no report ticked, too many, an action that is not for
    /// many) or when every report was refused for the same field (an OPD that is not one of
    /// the government's): then the form comes back with that field marked.
    pub async fn act_many(
        db: &Store,
        staff: &Staff,
        input: &BulkInput,
        now: i64,
    ) -> AppResult<BulkOutcome> {
        if !staff.role.routes() {
            return Err(AppError::Refused(crate::error::Refusal::NotYourRole));
        }
        let action = StaffAction::from_code(input.action.trim())
            .filter(|a| BULK_ACTIONS.contains(a))
            .ok_or_else(|| AppError::invalid("action", "err.action"))?;
        let ids = input.tracking_ids();
        if ids.is_empty() {
            return Err(AppError::invalid("pilih", "desk.bulk_none"));
        }
        if ids.len() > BULK_MAX {
            return Err(AppError::invalid("pilih", "desk.bulk_too_many"));
        }
        let each = crate::casework::ActInput {
            action: action.code().to_owned(),
            opd_id: input.opd_id.clone(),
            reason: input.reason.clone(),
            message: input.message.clone(),
            ..Default::default()
        };
        let mut outcome = BulkOutcome {
            action: action.code().to_owned(),
            ..Default::default()
        };
        let mut invalid = None;
        for id in ids {
            match crate::casework::act(db, staff, &id, &each, now).await {
                Ok(_) => outcome.done.push(id),
                Err(e) => {
                    if let AppError::Invalid(fields) = &e {
                        invalid.get_or_insert_with(|| fields.clone());
                    }
                    outcome.refused.push((id, refusal_code(&e).to_owned()));
                }
            }
        }
        match invalid {
            Some(fields)
                if outcome.done.is_empty()
                    && outcome.refused.iter().all(|(_, c)| c == "invalid") =>
            {
                Err(AppError::Invalid(fields))
            }
            _ => Ok(outcome),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn the_bulk_form_yields_each_ticked_report_once() {
        let mut input = BulkInput::default();
        input.picked.insert("r.k7q4-m2xp".into(), "on".into());
        input.picked.insert("r.K7Q4M2XP".into(), "on".into());
        input.picked.insert("other".into(), "on".into());
        input.picked.insert("r.".into(), "on".into());
        assert_eq!(input.tracking_ids(), vec!["K7Q4-M2XP".to_owned()]);
        let form = serde_urlencoded::from_str::<BulkInput>(
            "action=verify&r.AAAA-1111=on&r.BBBB-2222=on&opd_id=",
        )
        .expect("a plain form decodes");
        assert_eq!(form.action, "verify");
        assert_eq!(form.tracking_ids().len(), 2);
    }
}
