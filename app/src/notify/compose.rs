//! The words of a notification, written when it is sent (so that the events gathered in one
//! row become one email or one text), in the language the reporter used.

use super::*;
use crate::db::Db;
use crate::error::AppResult;
use crate::i18n::Locale;
use crate::lifecycle::Status;
use crate::threads::{AuthorRole, EventKind, ThreadEntry};
use crate::tr;
use sqlx::Row;

/// What links in a notification are built from.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    /// The site's public address, without a trailing slash.
    pub public_url: &'a str,
    pub server_secret: &'a str,
}

/// A notification ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// Empty for a text message.
    pub subject: String,
    pub text: String,
    /// A reporter's unsubscribe link (emails only): in the text and in `List-Unsubscribe`.
    pub unsubscribe: Option<String>,
}

/// Writes the notification of a claimed row; `None` when there is nothing left to say (its
/// report is gone).
pub async fn compose(db: &Db, links: &Links<'_>, row: &Claimed) -> AppResult<Option<Composed>> {
    match row.purpose {
        Purpose::Report => report_notification(db, links, row).await,
        Purpose::Forwarded => forwarded(db, links, row).await,
        Purpose::Mention => mention(db, links, row).await,
        Purpose::PasswordReset => Ok(Some(password_reset(links, row))),
        Purpose::Digest | Purpose::SmsAnswer => Ok(Some(Composed {
            subject: row.subject.clone(),
            text: row.body.clone(),
            unsubscribe: None,
        })),
    }
}

struct ReportFacts {
    tracking_id: String,
    title: String,
    private_link: String,
    access_code: Option<String>,
    /// For a report marked as a duplicate: the original's tracking ID and public link.
    duplicate_of: Option<(String, String)>,
    /// Whether the public may read it (published, not confidential).
    public: bool,
    contest_until: Option<i64>,
    /// The zone of the report's region, which its times are written in.
    zone: crate::i18n::TimeZone,
}

async fn report_facts(db: &Db, links: &Links<'_>, id: i64) -> AppResult<Option<ReportFacts>> {
    let sql = format!(
        "select r.tracking_id, r.title, r.submission_key, r.contest_until, zo.zone, \
         r.published_at, r.confidential, \
         (select d.tracking_id from reports d where d.id = r.duplicate_of) as duplicate_of \
         from reports r{} where r.id = $1",
        crate::orgs::REPORT_ZONE_JOIN
    );
    let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    let tracking_id: String = row.try_get("tracking_id")?;
    let key: Option<String> = row.try_get("submission_key")?;
    let access_code = key.map(|k| crate::secrets::access_code(links.server_secret, &k));
    let private_link = match &access_code {
        Some(code) => format!("{}/laporan/{tracking_id}?kode={code}", links.public_url),
        None => format!("{}/laporan/{tracking_id}", links.public_url),
    };
    Ok(Some(ReportFacts {
        tracking_id,
        title: row.try_get("title")?,
        private_link,
        access_code,
        duplicate_of: row
            .try_get::<Option<String>, _>("duplicate_of")?
            .map(|id| (id.clone(), format!("{}/laporan/{id}", links.public_url))),
        public: row.try_get::<Option<i64>, _>("published_at")?.is_some()
            && row.try_get::<i64, _>("confidential")? == 0,
        contest_until: row.try_get("contest_until")?,
        zone: crate::orgs::zone_or(
            row.try_get::<Option<String>, _>("zone")?.as_deref(),
            db.time_zone,
        ),
    }))
}

async fn report_notification(
    db: &Db,
    links: &Links<'_>,
    row: &Claimed,
) -> AppResult<Option<Composed>> {
    let Some(report_id) = row.report_id else {
        return Ok(None);
    };
    let Some(mut facts) = report_facts(db, links, report_id).await? else {
        return Ok(None);
    };
    // The reporter of a duplicate follows its original: told its public news, by its public
    // link, and only while the public may read it.
    let following = match row.subscription_id {
        Some(sub) => {
            sqlx::query_scalar::<_, i64>("select report_id from subscriptions where id = $1")
                .bind(sub)
                .fetch_optional(&db.pool)
                .await?
                .is_some_and(|own| own != report_id)
        }
        None => false,
    };
    if following {
        if !facts.public {
            return Ok(None);
        }
        facts.private_link = format!("{}/laporan/{}", links.public_url, facts.tracking_id);
        facts.access_code = None;
    }
    // The public thread: what the reporter may read, and nothing an official wrote for
    // officials only, even if a row named such an event.
    let thread = crate::threads::public_thread(db, report_id).await?;
    let entries: Vec<&ThreadEntry> = thread
        .iter()
        .filter(|e| row.events.contains(&e.id))
        .collect();
    if entries.is_empty() {
        return Ok(None);
    }
    // The contest window's length is only said with a resolution.
    let resolves = entries
        .iter()
        .any(|e| e.kind == EventKind::Status && e.to_status == Some(Status::Resolved));
    let contest_days = if resolves {
        crate::deadlines::load_policy(&db.pool).await?.contest_days
    } else {
        0
    };
    let say = Say {
        loc: row.locale,
        zone: facts.zone,
        facts: &facts,
        contest_days,
        following,
    };
    Ok(Some(match row.via {
        Via::Email => {
            let unsubscribe = row.subscription_id.map(|id| {
                format!(
                    "{}{}",
                    links.public_url,
                    unsubscribe_path(links.server_secret, id)
                )
            });
            say.email(&entries, unsubscribe)
        }
        Via::Sms => say.sms(&entries),
    }))
}

struct Say<'a> {
    loc: Locale,
    zone: crate::i18n::TimeZone,
    facts: &'a ReportFacts,
    contest_days: i64,
    /// Told to the reporter of a duplicate, of the original (no choice is theirs to make).
    following: bool,
}

impl Say<'_> {
    /// One entry in words, for an email.
    fn entry(&self, e: &ThreadEntry) -> String {
        let loc = self.loc;
        let org = e
            .author_org
            .clone()
            .unwrap_or_else(|| tr!(loc, "thread.official"));
        let body = e.body.trim();
        let with_body = |head: String| {
            if body.is_empty() {
                head
            } else {
                format!("{head}\n{body}")
            }
        };
        match (e.kind, e.to_status) {
            (EventKind::Status, Some(Status::Submitted)) => {
                tr!(loc, "notify.receipt", id = self.facts.tracking_id)
            }
            (EventKind::Message, _) => with_body(tr!(loc, "notify.message", org = org)),
            (EventKind::Status, Some(Status::OnHold)) => with_body(tr!(loc, "notify.on_hold")),
            (EventKind::Status, Some(Status::Resolved)) if self.following => {
                with_body(tr!(loc, "notify.resolved"))
            }
            (EventKind::Status, Some(Status::Resolved)) => {
                format!(
                    "{}\n{}",
                    with_body(tr!(loc, "notify.resolved")),
                    self.contest_choice()
                )
            }
            (EventKind::Status, Some(Status::Archived)) if self.duplicate(e).is_some() => {
                format!(
                    "{}\n{}",
                    with_body(tr!(
                        loc,
                        "notify.status",
                        status = tr!(loc, Status::Archived.label_key())
                    )),
                    self.duplicate(e).unwrap_or_default()
                )
            }
            (EventKind::Status, Some(status)) => with_body(tr!(
                loc,
                "notify.status",
                status = tr!(loc, status.label_key())
            )),
            (EventKind::Closed, _) => tr!(loc, "notify.closed_expired"),
            _ => with_body(tr!(loc, "notify.update")),
        }
    }

    /// Where the original of a report archived as its duplicate is, for the entry that
    /// archived it.
    fn duplicate(&self, e: &ThreadEntry) -> Option<String> {
        let (id, link) = self.facts.duplicate_of.as_ref()?;
        (e.to_status == Some(Status::Archived) && e.reason.as_deref() == Some("duplicate"))
            .then(|| tr!(self.loc, "notify.duplicate", id = id, link = link))
    }

    fn contest_choice(&self) -> String {
        match self.facts.contest_until {
            Some(until) => tr!(
                self.loc,
                "notify.resolved_choice",
                until = self.loc.datetime(until, self.zone),
                days = self.contest_days
            ),
            None => String::new(),
        }
    }

    /// The confirm / contest choice as texts to send back, with its deadline.
    fn sms_choice(&self) -> String {
        match self.facts.contest_until {
            Some(until) => tr!(
                self.loc,
                "sms.resolved_choice",
                id = self.facts.tracking_id,
                until = self.loc.datetime(until, self.zone),
                days = self.contest_days
            ),
            None => String::new(),
        }
    }

    fn email(&self, entries: &[&ThreadEntry], unsubscribe: Option<String>) -> Composed {
        let loc = self.loc;
        let id = &self.facts.tracking_id;
        let subject = match entries {
            [one] => format!("[LAPOR!] {id}: {}", self.headline(one)),
            many => tr!(loc, "notify.subject_many", id = id, n = many.len()),
        };
        let mut text = String::new();
        if self.following {
            text.push_str(&tr!(loc, "notify.following", id = id));
            text.push('\n');
        }
        text.push_str(&tr!(loc, "notify.intro", id = id, title = self.facts.title));
        text.push_str("\n\n");
        for e in entries {
            text.push_str(&format!(
                "{}\n{}\n\n",
                loc.datetime(e.at, self.zone),
                self.entry(e)
            ));
        }
        text.push_str(&tr!(loc, "notify.open", link = self.facts.private_link));
        text.push('\n');
        text.push_str(&tr!(loc, "notify.keep_link"));
        text.push('\n');
        if let Some(link) = &unsubscribe {
            text.push_str("\n-- \n");
            text.push_str(&tr!(loc, "notify.unsubscribe", link = link));
            text.push('\n');
        }
        Composed {
            subject,
            text,
            unsubscribe,
        }
    }

    /// A subject line for one entry.
    fn headline(&self, e: &ThreadEntry) -> String {
        let loc = self.loc;
        match (e.kind, e.to_status) {
            (EventKind::Status, Some(Status::Submitted)) => tr!(loc, "notify.head.receipt"),
            (EventKind::Message, _) => tr!(loc, "notify.head.message"),
            (EventKind::Status, Some(Status::OnHold)) => tr!(loc, "notify.head.on_hold"),
            (EventKind::Status, Some(Status::Resolved)) => tr!(loc, "notify.head.resolved"),
            (EventKind::Status, Some(status)) => tr!(loc, status.label_key()),
            _ => tr!(loc, "notify.head.update"),
        }
    }

    /// The text message: the same news, short, and cut to at most three parts with the link
    /// to read the rest.
    fn sms(&self, entries: &[&ThreadEntry]) -> Composed {
        let loc = self.loc;
        let id = &self.facts.tracking_id;
        // What an official wrote comes first; a text has little room.
        let mut parts = Vec::new();
        let mut latest_status = None;
        for e in entries {
            let body = e.body.trim();
            let line = match (e.kind, e.to_status) {
                (EventKind::Status, Some(Status::Submitted)) => tr!(
                    loc,
                    "sms.receipt",
                    id = id,
                    code = self.facts.access_code.clone().unwrap_or_default()
                ),
                (EventKind::Message, _) => {
                    let who = match e.author {
                        AuthorRole::Official => e
                            .author_org
                            .clone()
                            .unwrap_or_else(|| tr!(loc, "thread.official")),
                        _ => tr!(loc, "thread.system"),
                    };
                    format!("{who}: {body}")
                }
                (EventKind::Status, Some(Status::OnHold)) => {
                    format!(
                        "{} {body} {}",
                        tr!(loc, "sms.on_hold"),
                        tr!(loc, "sms.answer_how", id = id)
                    )
                }
                (EventKind::Status, Some(Status::Resolved)) if self.following => {
                    format!("{} {body}", tr!(loc, "sms.resolved"))
                }
                (EventKind::Status, Some(Status::Resolved)) => {
                    format!("{} {body} {}", tr!(loc, "sms.resolved"), self.sms_choice())
                }
                (EventKind::Status, Some(Status::Archived)) if self.duplicate(e).is_some() => {
                    let head = tr!(
                        loc,
                        "sms.status",
                        status = tr!(loc, Status::Archived.label_key())
                    );
                    format!("{head} {body} {}", self.duplicate(e).unwrap_or_default())
                }
                (EventKind::Status, Some(status)) => {
                    // Plain status changes: only the latest is told, after the words.
                    let head = tr!(loc, "sms.status", status = tr!(loc, status.label_key()));
                    latest_status = Some(if body.is_empty() {
                        head
                    } else {
                        format!("{head} {body}")
                    });
                    continue;
                }
                (EventKind::Closed, _) => tr!(loc, "notify.closed_expired"),
                _ => tr!(loc, "notify.head.update"),
            };
            parts.push(line.trim().to_owned());
        }
        parts.extend(latest_status);
        let text = format!("LAPOR! {id}: {}", parts.join(" | "));
        let more = tr!(loc, "sms.more", link = self.facts.private_link);
        Composed {
            subject: String::new(),
            text: crate::sms::fit(&crate::sms::plain(&text), &crate::sms::plain(&more)),
            unsubscribe: None,
        }
    }
}

async fn forwarded(db: &Db, links: &Links<'_>, row: &Claimed) -> AppResult<Option<Composed>> {
    let Some(report_id) = row.report_id else {
        return Ok(None);
    };
    let Some(facts) = report_facts(db, links, report_id).await? else {
        return Ok(None);
    };
    let loc = row.locale;
    let link = format!(
        "{}{}",
        links.public_url,
        crate::staff::case_path(&facts.tracking_id)
    );
    Ok(Some(Composed {
        subject: tr!(loc, "notify.forwarded_subject", id = facts.tracking_id),
        text: tr!(
            loc,
            "notify.forwarded",
            id = facts.tracking_id,
            title = facts.title,
            link = link
        ),
        unsubscribe: None,
    }))
}

/// An official named in an internal note: who wrote it and where, never the note itself
/// (it stays on the desk, behind the sign-in).
async fn mention(db: &Db, links: &Links<'_>, row: &Claimed) -> AppResult<Option<Composed>> {
    let (Some(report_id), Some(&event)) = (row.report_id, row.events.first()) else {
        return Ok(None);
    };
    let Some(facts) = report_facts(db, links, report_id).await? else {
        return Ok(None);
    };
    let by: Option<String> = sqlx::query_scalar(
        "select a.name from report_events e join accounts a on a.id = e.author_account_id \
         where e.id = $1",
    )
    .bind(event)
    .fetch_optional(&db.pool)
    .await?;
    let loc = row.locale;
    let link = format!(
        "{}{}",
        links.public_url,
        crate::staff::case_path(&facts.tracking_id)
    );
    Ok(Some(Composed {
        subject: tr!(loc, "notify.mention_subject", id = facts.tracking_id),
        text: tr!(
            loc,
            "notify.mention",
            name = by.unwrap_or_default(),
            id = facts.tracking_id,
            title = facts.title,
            link = link
        ),
        unsubscribe: None,
    }))
}

/// A reset code (kept in the row's body until it is sent): a link by email, the code by SMS.
fn password_reset(links: &Links<'_>, row: &Claimed) -> Composed {
    let loc = row.locale;
    let minutes = RESET_VALID_SECS / 60;
    match row.via {
        Via::Email => Composed {
            subject: tr!(loc, "notify.reset_subject"),
            text: tr!(
                loc,
                "notify.reset_email",
                link = format!("{}/atur-sandi?kode={}", links.public_url, row.body),
                minutes = minutes
            ),
            unsubscribe: None,
        },
        Via::Sms => Composed {
            subject: String::new(),
            text: tr!(loc, "sms.reset", code = row.body, minutes = minutes),
            unsubscribe: None,
        },
    }
}

/// The daily digest's subject and text.
pub fn compose_digest(org: &str, lines: &[String]) -> (String, String) {
    let loc = Locale::Id;
    (
        tr!(loc, "notify.digest_subject", n = lines.len()),
        format!(
            "{}\n\n{}\n\n{}\n",
            tr!(loc, "notify.digest_intro", org = org, n = lines.len()),
            lines.join("\n"),
            tr!(loc, "notify.digest_settings")
        ),
    )
}
