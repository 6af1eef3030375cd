//! The report server functions: thin wrappers that authorise, call the plain functions in
//! `store`, and translate errors for the user.

use super::*;
use crate::accounts::AccountSummary;
use crate::error::AppError;
use crate::orgs::{Agency, Category};
use leptos::prelude::*;

/// What the report form needs to draw itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormOptions {
    pub categories: Vec<Category>,
    pub agencies: Vec<Agency>,
    /// A fresh one-time key for this form.
    pub submission_key: String,
    /// The signed-in citizen, whose contact details prefill the form.
    pub account: Option<AccountSummary>,
}

#[server(prefix = "/api", endpoint = "report_form_options")]
pub async fn report_form_options() -> Result<FormOptions, AppError> {
    let (state, ctx) = crate::state::server_ctx();
    Ok(FormOptions {
        categories: crate::orgs::categories(&state.db).await?,
        agencies: crate::orgs::agencies(&state.db).await?,
        submission_key: crate::secrets::new_submission_key(),
        account: ctx.viewer.account,
    })
}

/// Files a report; see [`store::file_report`].
#[server(prefix = "/api", endpoint = "submit_report")]
pub async fn submit_report(input: ReportInput) -> Result<FiledReport, AppError> {
    let (state, ctx) = crate::state::server_ctx();
    let now = crate::db::now();
    let today = state.config.time_zone.date_at(now);
    let account = ctx.viewer.account.as_ref().map(|a| a.id);
    let mut intake = Intake::web(now).in_language(ctx.locale);
    if !ctx.replayed {
        intake = intake.offering_help();
    }
    file(
        &state.db,
        &state.config.server_secret,
        &input,
        account,
        intake,
        now,
        &today,
    )
    .await
    .map_err(|e| e.localize(ctx.locale))
}

/// The caller's claim to be a report's reporter: the access code they came with, or their
/// signed-in account. The one check of "the reporter of this report" behind every citizen
/// server function (whether it holds is decided by the report's store).
#[cfg(feature = "ssr")]
pub fn caller_claim<'a>(code: Option<&'a str>, ctx: &crate::state::RequestCtx) -> Claim<'a> {
    Claim {
        code: code.filter(|c| !c.trim().is_empty()),
        account_id: ctx.viewer.account.as_ref().map(|a| a.id),
    }
}

/// Opens a report: publicly, with its access code, or as the signed-in reporter.
#[server(prefix = "/api", endpoint = "get_report")]
pub async fn get_report(tracking_id: String, code: Option<String>) -> Result<ReportView, AppError> {
    let (state, ctx) = crate::state::server_ctx();
    let claim = caller_claim(code.as_deref(), &ctx);
    let now = crate::db::now();
    let mut view = find_report_at(&state.db, &tracking_id, claim, now).await?;
    let audience = if view.is_reporter {
        crate::attachments::Audience::Reporter
    } else {
        crate::attachments::Audience::Public
    };
    sign_files(&mut view, &state.config.server_secret, audience, now);
    Ok(view)
}

/// Signs the links to a report's files for `audience` (see `attachments`).
#[cfg(feature = "ssr")]
pub fn sign_files(
    view: &mut ReportView,
    secret: &str,
    audience: crate::attachments::Audience,
    now: i64,
) {
    crate::attachments::sign(&mut view.attachments, secret, audience, now);
    for e in &mut view.thread {
        crate::attachments::sign(&mut e.attachments, secret, audience, now);
    }
}

/// A page of the public listing.
#[server(prefix = "/api", endpoint = "public_reports")]
pub async fn public_reports(filter: ListFilter) -> Result<PublicPage, AppError> {
    let (state, _) = crate::state::server_ctx();
    list_public(&state.db, &filter).await
}

/// The signed-in citizen's own reports.
#[server(prefix = "/api", endpoint = "my_reports")]
pub async fn my_reports() -> Result<Vec<ReportSummary>, AppError> {
    let (state, ctx) = crate::state::server_ctx();
    let account = ctx.viewer.account.ok_or(AppError::Unauthorized)?;
    list_for_account(&state.db, account.id).await
}

/// The message form under a report, for the reporter.
#[server(prefix = "/api", endpoint = "post_message")]
pub async fn post_message(
    tracking_id: String,
    input: crate::threads::MessageInput,
) -> Result<i64, AppError> {
    let (state, ctx) = crate::state::server_ctx();
    let claim = caller_claim(Some(&input.kode), &ctx);
    add_citizen_message_with(
        &state.db,
        &tracking_id,
        claim,
        &input.body,
        &crate::attachments::tokens(&input.attachments),
        Some(&input.kunci),
        crate::db::now(),
    )
    .await
    .map_err(|e| e.localize(ctx.locale))
}

/// The unsubscribe page's subscription (`/berhenti/{link}`), from the link alone: no sign-in.
#[server(prefix = "/api", endpoint = "subscription_status")]
pub async fn subscription_status(
    link: String,
) -> Result<crate::notify::SubscriptionView, AppError> {
    let (state, _) = crate::state::server_ctx();
    crate::notify::subscription(&state.db, &state.config.server_secret, &link).await
}

/// Ends the notifications of one report to one address: the link in every email, and the
/// one-click `List-Unsubscribe-Post` of mail programs (RFC 8058), both without signing in.
#[server(prefix = "/api", endpoint = "unsubscribe")]
pub async fn unsubscribe_report(link: String) -> Result<crate::notify::SubscriptionView, AppError> {
    let (state, _) = crate::state::server_ctx();
    crate::notify::unsubscribe(
        &state.db,
        &state.config.server_secret,
        &link,
        crate::db::now(),
    )
    .await
}
