//! The duplicates' server functions: thin wrappers that authorise, call the plain functions in
//! `store`, and translate errors for the user.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

/// A support form: the contact fields of the report form (or of the report page's small
/// form). The signed-in account, when there is one, is used instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SupportInput {
    pub email: String,
    pub phone: String,
}

/// The open public reports most like the one being written (see [`similar_public`]).
#[server(prefix = "/api", endpoint = "similar_reports")]
pub async fn similar_reports(probe: Probe) -> Result<Vec<Similar>, AppError> {
    let (state, ctx) = crate::state::server_ctx();
    similar_public(&state.db, &probe.bounded())
        .await
        .map_err(|e| e.localize(ctx.locale))
}

/// "Saya juga mengalami ini": the caller reports the same as public report `tracking_id`
/// (see [`support`]).
#[server(prefix = "/api", endpoint = "support_report")]
pub async fn support_report(
    tracking_id: String,
    input: SupportInput,
) -> Result<Supported, AppError> {
    let (state, ctx) = crate::state::server_ctx();
    let account = ctx.viewer.account.as_ref().map(|a| a.id);
    let result = match Supporter::from_form(account, &input.email, &input.phone) {
        Ok(who) => {
            support(
                &state.db,
                &state.config.server_secret,
                &tracking_id,
                &who,
                crate::db::now(),
            )
            .await
        }
        Err(e) => Err(AppError::Invalid(vec![e])),
    };
    result.map_err(|e| e.localize(ctx.locale))
}

impl Probe {
    /// The probe cut to what a report may hold, so that a huge request costs no more than a
    /// report does.
    pub fn bounded(&self) -> Probe {
        let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        Probe {
            title: cut(&self.title, 200),
            body: cut(&self.body, 5000),
            category_id: cut(&self.category_id, 20),
            target_org_id: cut(&self.target_org_id, 20),
            place: cut(&self.place, 200),
            location: cut(&self.location, 200),
        }
    }
}
