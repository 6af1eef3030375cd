//! After "Selesai": the citizen confirms the result and rates it (1–5, with an optional
//! comment), or contests it with a reason inside the contest window, which reopens the report
//! at the same OPD with its resolution clock resumed. A window that passes in silence closes
//! the report for good ([`crate::deadlines::close_expired`], a scheduled job).

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// The reporter's form under a resolved report, as typed. One form for both answers, so that
/// whichever was refused comes back whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedbackInput {
    /// The access code, when the reporter came through the private link.
    pub kode: String,
    /// `1`–`5` (confirm).
    pub rating: String,
    /// Optional, with the rating (confirm).
    pub comment: String,
    /// Why the result is not right (contest).
    pub reason: String,
}

pub const RATING_MAX: i64 = 5;
pub const COMMENT_MAX: usize = 1000;

/// Checks a confirmation: a rating from 1 to 5 and a comment of at most [`COMMENT_MAX`]
/// characters.
pub fn validate_confirmation(input: &FeedbackInput) -> Result<(i64, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let rating = input
        .rating
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|r| (1..=RATING_MAX).contains(r));
    if rating.is_none() {
        errors.push(FieldError::new("rating", "err.rating"));
    }
    let comment = input.comment.trim().to_owned();
    if comment.chars().count() > COMMENT_MAX {
        errors.push(FieldError::new("comment", "err.message_long"));
    }
    match rating {
        Some(r) if errors.is_empty() => Ok((r, comment)),
        _ => Err(errors),
    }
}

/// Checks a contest: a reason, like any message.
pub fn validate_contest(input: &FeedbackInput) -> Result<String, FieldError> {
    crate::threads::validate_message(&input.reason).map_err(|e| FieldError::new("reason", &e.key))
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::change::Store;
    use crate::db::Db;
    use crate::deadlines::{CLOSED_CONFIRMED, CLOSED_EXPIRED};
    use crate::error::{AppError, AppResult, Refusal};
    use crate::lifecycle::{Action, Role, next_status};
    use crate::reports::{Claim, Status, reporter_report_id};
    use crate::threads::{EventKind, NewEvent};

    /// The report's id if the claim proves its reporter and it is resolved and still open
    /// for an answer at `now`.
    async fn open_for_answer(
        db: &Db,
        tracking_id: &str,
        claim: Claim<'_>,
        now: i64,
    ) -> AppResult<i64> {
        let (id, status) = reporter_report_id(db, tracking_id, claim).await?;
        let (closed_at, until): (Option<i64>, Option<i64>) =
            sqlx::query_as("select closed_at, contest_until from reports where id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await?;
        if status != Status::Resolved || closed_at.is_some() {
            return Err(AppError::Refused(Refusal::WrongStatus));
        }
        if until.is_some_and(|u| u <= now) {
            return Err(AppError::Refused(Refusal::WindowOver));
        }
        Ok(id)
    }

    /// The reporter confirms the result with a rating: the report is closed for good.
    pub async fn confirm(
        db: &Store,
        tracking_id: &str,
        claim: Claim<'_>,
        input: &FeedbackInput,
        now: i64,
    ) -> AppResult<()> {
        let id = open_for_answer(db, tracking_id, claim, now).await?;
        let (rating, comment) = validate_confirmation(input).map_err(AppError::Invalid)?;
        let mut change = db.change(now).await?;
        let won = sqlx::query(
            "update reports set closed_at = $1, rating = $2, rating_comment = $3, updated_at = $1 \
             where id = $4 and status = 'resolved' and closed_at is null",
        )
        .bind(now)
        .bind(rating)
        .bind(&comment)
        .bind(id)
        .execute(change.conn())
        .await?
        .rows_affected();
        if won == 0 {
            return Err(AppError::Refused(Refusal::WrongStatus));
        }
        change
            .record(NewEvent {
                body: &comment,
                reason: Some(CLOSED_CONFIRMED),
                ..NewEvent::new(id, now, EventKind::Closed, "pelapor", claim.account_id)
            })
            .await?;
        change.commit().await?;
        Ok(())
    }

    /// The reporter contests the result: back to "in progress" at the same OPD.
    pub async fn contest(
        db: &Store,
        tracking_id: &str,
        claim: Claim<'_>,
        input: &FeedbackInput,
        now: i64,
    ) -> AppResult<()> {
        let id = open_for_answer(db, tracking_id, claim, now).await?;
        let reason = validate_contest(input).map_err(|e| AppError::Invalid(vec![e]))?;
        let to = next_status(Status::Resolved, Action::Contest, Role::Citizen, None)?;
        let mut change = db.change(now).await?;
        let won = sqlx::query(
            "update reports set status = $1, status_changed_at = $2, updated_at = $2 \
             where id = $3 and status = 'resolved' and closed_at is null",
        )
        .bind(to.code())
        .bind(now)
        .bind(id)
        .execute(change.conn())
        .await?
        .rows_affected();
        if won == 0 {
            return Err(AppError::Refused(Refusal::WrongStatus));
        }
        change
            .record(NewEvent {
                from_status: Some(Status::Resolved),
                to_status: Some(to),
                body: &reason,
                ..NewEvent::new(id, now, EventKind::Status, "pelapor", claim.account_id)
            })
            .await?;
        change.commit().await?;
        Ok(())
    }

    /// The scheduled job: closes for good every report whose contest window ran out by `now`.
    /// Safe when several servers run it at once: each report is closed by the one update that
    /// finds it still open, and only that server records it. Returns the reports it closed.
    pub async fn close_expired(db: &Store, now: i64) -> Result<Vec<i64>, sqlx::Error> {
        let due: Vec<(i64, i64)> = sqlx::query_as(
            "select id, contest_until from reports where status = 'resolved' and closed_at is null \
             and contest_until is not null and contest_until <= $1 order by contest_until limit 1000",
        )
        .bind(now)
        .fetch_all(&db.pool)
        .await?;
        let mut closed = Vec::new();
        for (id, until) in due {
            let mut change = db.change(now).await?;
            let won = sqlx::query(
                "update reports set closed_at = $1, updated_at = $2 where id = $3 \
                 and status = 'resolved' and closed_at is null",
            )
            .bind(until)
            .bind(now)
            .bind(id)
            .execute(change.conn())
            .await?
            .rows_affected();
            if won == 1 {
                change
                    .record(NewEvent {
                        reason: Some(CLOSED_EXPIRED),
                        ..NewEvent::new(id, until, EventKind::Closed, "system", None)
                    })
                    .await?;
                change.commit().await?;
                closed.push(id);
            }
        }
        Ok(closed)
    }
}

/// The reporter confirms and rates a resolved report (see [`confirm`]).
#[leptos::server(prefix = "/api", endpoint = "confirm_report")]
pub async fn confirm_report(
    tracking_id: String,
    input: FeedbackInput,
) -> Result<(), crate::error::AppError> {
    let (state, ctx) = crate::state::server_ctx();
    confirm(
        &state.db,
        &tracking_id,
        crate::reports::caller_claim(Some(&input.kode), &ctx),
        &input,
        crate::db::now(),
    )
    .await
    .map_err(|e| e.localize(ctx.locale))
}

/// The reporter contests a resolved report (see [`contest`]).
#[leptos::server(prefix = "/api", endpoint = "contest_report")]
pub async fn contest_report(
    tracking_id: String,
    input: FeedbackInput,
) -> Result<(), crate::error::AppError> {
    let (state, ctx) = crate::state::server_ctx();
    contest(
        &state.db,
        &tracking_id,
        crate::reports::caller_claim(Some(&input.kode), &ctx),
        &input,
        crate::db::now(),
    )
    .await
    .map_err(|e| e.localize(ctx.locale))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(rating: &str, comment: &str) -> FeedbackInput {
        FeedbackInput {
            rating: rating.into(),
            comment: comment.into(),
            ..Default::default()
        }
    }

    #[test]
    fn ratings_are_one_to_five() {
        assert_eq!(
            validate_confirmation(&input("5", " bagus ")),
            Ok((5, "bagus".to_owned()))
        );
        for bad in ["0", "6", "", "lima", "-1"] {
            let errors = validate_confirmation(&input(bad, "")).expect_err(bad);
            assert_eq!(errors[0].key, "err.rating");
        }
        let long = "x".repeat(COMMENT_MAX + 1);
        assert_eq!(
            validate_confirmation(&input("3", &long)).expect_err("long")[0].field,
            "comment"
        );
    }

    #[test]
    fn a_contest_needs_a_reason() {
        let empty = FeedbackInput::default();
        assert_eq!(
            validate_contest(&empty).map_err(|e| e.field),
            Err("reason".to_owned())
        );
        let given = FeedbackInput {
            reason: "Jalan masih berlubang".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_contest(&given).as_deref(),
            Ok("Jalan masih berlubang")
        );
    }
}
