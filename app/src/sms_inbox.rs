//! A text from the SMS gateway: recorded once, limited per number, and turned into a report,
//! a status answer or a thread message (the formats are the `sms` module's). Every answer
//! goes out through the outbox.

use crate::change::Store;
use crate::db::is_unique_violation;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::notify::{self, Message, Purpose, Via};
use crate::reports::{self, Channel, Claim, Intake, ReportInput};
use crate::sms::{Command, SmsPolicy, fit, normalize_number, parse};
use crate::tr;
use sqlx::Row;

/// A text as the gateway delivered it.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    /// The gateway's id of the message (Kannel's `%I`): the same on a repeated delivery.
    pub gateway_id: &'a str,
    pub from: &'a str,
    pub text: &'a str,
    /// When the operator's network received it (the gateway's timestamp).
    pub received_at: i64,
}

/// What became of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A report was filed (or had been, by an earlier delivery of the same text).
    Filed(reports::FiledReport),
    /// A message was added to a report's thread.
    Replied(i64),
    /// Answered by a text only (status, help, a refusal).
    Answered,
    /// The gateway delivered this text before: nothing done again.
    Repeated,
    /// Past the number's hourly limit.
    Limited,
    /// Not from a number that can be answered.
    Ignored,
}

impl Outcome {
    fn code(&self) -> &'static str {
        match self {
            Outcome::Filed(_) => "filed",
            Outcome::Replied(_) => "replied",
            Outcome::Answered => "answered",
            Outcome::Repeated => "repeated",
            Outcome::Limited => "limited",
            Outcome::Ignored => "ignored",
        }
    }
}

/// Handles one text at `now` (`today` in the deployment's time zone). A repeated delivery
/// of the same gateway id does nothing again. An internal error forgets the text, so that
/// the gateway's retry is handled as new.
pub async fn receive(
    store: &Store,
    server_secret: &str,
    policy: &SmsPolicy,
    sms: &Incoming<'_>,
    now: i64,
    today: &str,
) -> AppResult<Outcome> {
    let Some(number) = normalize_number(sms.from) else {
        return Ok(Outcome::Ignored);
    };
    let gateway_id = if sms.gateway_id.trim().is_empty() {
        // No id from the gateway: the same sender, moment and text are the same text.
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(
            format!("{number}\n{}\n{}", sms.received_at, sms.text).as_bytes(),
        ))
    } else {
        sms.gateway_id.trim().chars().take(100).collect()
    };
    let inbox_id = match sqlx::query_scalar::<_, i64>(
        "insert into sms_inbox (gateway_id, sender, received_at) values ($1, $2, $3) returning id",
    )
    .bind(&gateway_id)
    .bind(&number)
    .bind(now)
    .fetch_one(&store.pool)
    .await
    {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => return Ok(Outcome::Repeated),
        Err(e) => return Err(e.into()),
    };
    let handled = handle(
        store,
        server_secret,
        policy,
        sms,
        &number,
        &gateway_id,
        now,
        today,
    )
    .await;
    match handled {
        Ok(outcome) => {
            sqlx::query("update sms_inbox set outcome = $2 where id = $1")
                .bind(inbox_id)
                .bind(outcome.code())
                .execute(&store.pool)
                .await?;
            Ok(outcome)
        }
        Err(e) => {
            sqlx::query("delete from sms_inbox where id = $1")
                .bind(inbox_id)
                .execute(&store.pool)
                .await?;
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn handle(
    store: &Store,
    server_secret: &str,
    policy: &SmsPolicy,
    sms: &Incoming<'_>,
    number: &str,
    gateway_id: &str,
    now: i64,
    today: &str,
) -> AppResult<Outcome> {
    let loc = Locale::Id;
    let recent: i64 =
        sqlx::query_scalar("select count(*) from sms_inbox where sender = $1 and received_at > $2")
            .bind(number)
            .bind(now - 3600)
            .fetch_one(&store.pool)
            .await?;
    if recent > policy.per_hour {
        // Told once, the first time the limit is passed within the hour.
        if recent == policy.per_hour + 1 {
            answer(store, number, &tr!(loc, "sms.limited"), now).await?;
        }
        return Ok(Outcome::Limited);
    }
    match parse(sms.text) {
        Command::Report {
            text,
            anonymous,
            confidential,
        } => {
            let input = report_input(
                store,
                policy,
                &text,
                number,
                gateway_id,
                anonymous,
                confidential,
            )
            .await?;
            let intake = Intake {
                channel: Channel::Sms,
                received_at: sms.received_at.min(now),
                locale: loc,
                sms_from: Some(number.to_owned()),
                entered_by: None,
                api_key_id: None,
                offers_help: false,
            };
            match reports::file(store, server_secret, &input, None, intake, now, today).await {
                Ok(filed) => Ok(Outcome::Filed(filed)),
                Err(AppError::Invalid(errors)) => {
                    let key = match errors.iter().find(|e| e.field == "body") {
                        Some(e) if e.key == "err.body_long" => "sms.too_long",
                        _ => "sms.too_short",
                    };
                    answer(store, number, &tr!(loc, key, min = reports::BODY_MIN), now).await?;
                    Ok(Outcome::Answered)
                }
                Err(e) => Err(e),
            }
        }
        Command::Check { tracking_id } => {
            let text = status_answer(store, server_secret, &tracking_id, number, now).await?;
            answer(store, number, &text, now).await?;
            Ok(Outcome::Answered)
        }
        Command::Reply { tracking_id, text } => {
            reply(store, server_secret, &tracking_id, number, &text, now).await
        }
        Command::Confirm {
            tracking_id,
            rating,
            comment,
        } => {
            let input = crate::resolution::FeedbackInput {
                rating,
                comment,
                ..Default::default()
            };
            let answer = match own_code(store, server_secret, &tracking_id, number).await? {
                None => Feedback::NotFound,
                Some(code) => feedback(
                    crate::resolution::confirm(store, &tracking_id, claim_of(&code), &input, now)
                        .await,
                )?,
            };
            let key = match answer {
                Feedback::Taken => "sms.confirmed",
                Feedback::Invalid => "sms.confirm_how",
                Feedback::Refused => "sms.not_resolved",
                Feedback::NotFound => "sms.not_found",
            };
            answer_with(store, number, key, &tracking_id, now).await
        }
        Command::Contest {
            tracking_id,
            reason,
        } => {
            let input = crate::resolution::FeedbackInput {
                reason,
                ..Default::default()
            };
            let answer = match own_code(store, server_secret, &tracking_id, number).await? {
                None => Feedback::NotFound,
                Some(code) => feedback(
                    crate::resolution::contest(store, &tracking_id, claim_of(&code), &input, now)
                        .await,
                )?,
            };
            let key = match answer {
                Feedback::Taken => "sms.contested",
                Feedback::Invalid => "sms.contest_how",
                Feedback::Refused => "sms.not_resolved",
                Feedback::NotFound => "sms.not_found",
            };
            answer_with(store, number, key, &tracking_id, now).await
        }
        Command::Stop => {
            let mut conn = store.pool.acquire().await?;
            notify::stop_number(&mut conn, number, now).await?;
            drop(conn);
            answer(store, number, &tr!(loc, "sms.stopped"), now).await?;
            Ok(Outcome::Answered)
        }
        Command::Unknown => {
            answer(store, number, &tr!(loc, "sms.help"), now).await?;
            Ok(Outcome::Answered)
        }
    }
}

/// The report form as an SMS fills it: the text is the body, its first words the title; the
/// category "lainnya" (the coordinator reclassifies); the number is the contact of a report
/// that is not anonymous. The submission key comes from the gateway's id, so that a repeated
/// delivery files nothing twice.
async fn report_input(
    store: &Store,
    policy: &SmsPolicy,
    text: &str,
    number: &str,
    gateway_id: &str,
    anonymous: bool,
    confidential: bool,
) -> AppResult<ReportInput> {
    use sha2::Digest;
    let key = hex::encode(&sha2::Sha256::digest(format!("sms:{gateway_id}").as_bytes())[..16]);
    let category: Option<i64> = sqlx::query_scalar(
        "select id from categories order by case when code = 'lainnya' then 0 else 1 end, id limit 1",
    )
    .fetch_optional(&store.pool)
    .await?;
    Ok(ReportInput {
        submission_key: key,
        kind: crate::reports::ReportKind::Pengaduan.code().to_owned(),
        title: title_of(text),
        body: text.to_owned(),
        category_id: category.map(|c| c.to_string()).unwrap_or_default(),
        target_org_id: policy.intake_org.map(|o| o.to_string()).unwrap_or_default(),
        anonymous: anonymous.then(|| "on".to_owned()),
        confidential: confidential.then(|| "on".to_owned()),
        name: if anonymous {
            String::new()
        } else {
            number.to_owned()
        },
        phone: if anonymous {
            String::new()
        } else {
            number.to_owned()
        },
        ..ReportInput::default()
    })
}

/// The first words of a text, as a title of at most 80 characters.
fn title_of(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 80 {
        return flat;
    }
    let cut: String = flat.chars().take(77).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if i > 40 => cut[..i].to_owned(),
        _ => cut,
    };
    format!("{at_word}…")
}

/// `CEK`: the status of a report filed from this number, or of any public report.
async fn status_answer(
    store: &Store,
    server_secret: &str,
    tracking_id: &str,
    number: &str,
    now: i64,
) -> AppResult<String> {
    let loc = Locale::Id;
    // Who may see the report is the reports module's rule: the reporter (here, the number
    // that filed it) or, once published and unless confidential, anyone.
    let code = own_code(store, server_secret, tracking_id, number).await?;
    let claim = code.as_deref().map(claim_of).unwrap_or_default();
    let view = match reports::find_report_at(store, tracking_id, claim, now).await {
        Ok(view) => view,
        Err(AppError::NotFound) => return Ok(tr!(loc, "sms.not_found", id = tracking_id)),
        Err(e) => return Err(e),
    };
    let due = view
        .clocks
        .as_ref()
        .and_then(|c| c.current())
        .and_then(|c| c.due_at())
        .map(|at| tr!(loc, "sms.due", at = loc.datetime(at, view.zone)))
        .unwrap_or_default();
    let status = tr!(loc, view.status.label_key());
    Ok(format!(
        "{} {due}",
        tr!(loc, "sms.status_answer", id = tracking_id, status = status)
    )
    .trim()
    .to_owned())
}

/// `<tracking ID> <text>`: a message for the thread, taken only from the number that filed
/// the report. For any other number the report does not exist.
async fn reply(
    store: &Store,
    server_secret: &str,
    tracking_id: &str,
    number: &str,
    text: &str,
    now: i64,
) -> AppResult<Outcome> {
    let loc = Locale::Id;
    let Some(code) = own_code(store, server_secret, tracking_id, number).await? else {
        answer(
            store,
            number,
            &tr!(loc, "sms.not_found", id = tracking_id),
            now,
        )
        .await?;
        return Ok(Outcome::Answered);
    };
    let claim = claim_of(&code);
    match reports::add_citizen_message(store, tracking_id, claim, text, now).await {
        Ok(id) => {
            answer(
                store,
                number,
                &tr!(loc, "sms.reply_taken", id = tracking_id),
                now,
            )
            .await?;
            Ok(Outcome::Replied(id))
        }
        Err(AppError::Invalid(_)) => {
            answer(store, number, &tr!(loc, "sms.reply_invalid"), now).await?;
            Ok(Outcome::Answered)
        }
        Err(AppError::Refused(_)) => {
            answer(
                store,
                number,
                &tr!(loc, "sms.reply_closed", id = tracking_id),
                now,
            )
            .await?;
            Ok(Outcome::Answered)
        }
        Err(e) => Err(e),
    }
}

/// How a confirmation or contest by SMS went.
enum Feedback {
    Taken,
    Invalid,
    Refused,
    NotFound,
}

/// What became of an answer to a resolution, as the text back says it.
fn feedback(result: AppResult<()>) -> AppResult<Feedback> {
    match result {
        Ok(()) => Ok(Feedback::Taken),
        Err(AppError::Invalid(_)) => Ok(Feedback::Invalid),
        Err(AppError::Refused(_) | AppError::NotFound) => Ok(Feedback::Refused),
        Err(e) => Err(e),
    }
}

/// The claim of the number that filed a report: its access code.
fn claim_of(code: &str) -> Claim<'_> {
    Claim {
        code: Some(code),
        account_id: None,
    }
}

/// The access code of a report filed from `number` (derived, never stored).
async fn own_code(
    store: &Store,
    server_secret: &str,
    tracking_id: &str,
    number: &str,
) -> AppResult<Option<String>> {
    let key: Option<Option<String>> = sqlx::query_scalar(
        "select r.submission_key from reports r join subscriptions s on s.report_id = r.id \
         where r.tracking_id = $1 and s.channel = 'sms' and s.address = $2",
    )
    .bind(tracking_id)
    .bind(number)
    .fetch_optional(&store.pool)
    .await?;
    Ok(key
        .flatten()
        .map(|k| crate::secrets::access_code(server_secret, &k)))
}

async fn answer_with(
    store: &Store,
    number: &str,
    key: &str,
    tracking_id: &str,
    now: i64,
) -> AppResult<Outcome> {
    answer(store, number, &tr!(Locale::Id, key, id = tracking_id), now).await?;
    Ok(Outcome::Answered)
}

/// Queues a text back to `number`.
async fn answer(store: &Store, number: &str, text: &str, now: i64) -> AppResult<()> {
    let mut conn = store.pool.acquire().await?;
    notify::queue_message(
        &mut conn,
        &Message {
            via: Via::Sms,
            address: number,
            locale: Locale::Id,
            purpose: Purpose::SmsAnswer,
            subject: "",
            body: &fit(&crate::sms::plain(text), ""),
            dedupe_key: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// The texts a number sent that the service took, newest first (for tests and support).
pub async fn inbox_outcomes(store: &Store, number: &str) -> AppResult<Vec<String>> {
    let rows = sqlx::query("select outcome from sms_inbox where sender = $1 order by id desc")
        .bind(number)
        .fetch_all(&store.pool)
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("outcome"))
        .collect::<Result<_, _>>()
        .map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_first_words() {
        assert_eq!(title_of("Jalan  rusak\ndi desa"), "Jalan rusak di desa");
        let long = "kata ".repeat(40);
        let title = title_of(&long);
        assert!(title.chars().count() <= 80, "{title}");
        assert!(title.ends_with("kata…"), "{title}");
    }
}
