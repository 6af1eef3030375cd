//! How deadlines read on a page: a badge in lists ("3,5 hari kerja lagi", "Terlambat 2 hari
//! kerja", "Jeda"), and the table of a report's clocks under its thread heading.

use crate::calendar::days_tenths;
use crate::deadlines::{Clock, ClockState, Clocks, DeadlineView};
use crate::i18n::{Locale, TimeZone};
use crate::tr;
use leptos::prelude::*;

/// Working seconds as "2,5 hari kerja" / "2.5 working days".
pub fn working_days(loc: Locale, secs: i64) -> String {
    let days = days_tenths(secs.abs());
    let number = if days.fract() == 0.0 {
        format!("{days:.0}")
    } else {
        format!("{days:.1}")
    };
    let number = match loc {
        Locale::Id => number.replace('.', ","),
        Locale::En => number,
    };
    tr!(loc, "deadline.working_days", n = number)
}

/// The badge of a report in a list.
#[component]
pub fn DeadlineBadge(d: DeadlineView, loc: Locale) -> impl IntoView {
    let (class, text) = match d.due_at {
        None => ("deadline paused", tr!(loc, "deadline.paused")),
        Some(_) if d.overdue() => (
            "deadline overdue",
            tr!(
                loc,
                "deadline.overdue_by",
                days = working_days(loc, d.left_secs)
            ),
        ),
        Some(_) => (
            "deadline",
            tr!(loc, "deadline.left", days = working_days(loc, d.left_secs)),
        ),
    };
    view! {
        <span class=class data-testid="deadline">
            {tr!(loc, d.kind.label_key())}": "{text}
        </span>
    }
}

/// What one clock says, in a sentence.
fn clock_text(c: &Clock, loc: Locale, tz: TimeZone) -> String {
    match c.state {
        ClockState::Idle => String::new(),
        ClockState::Paused => tr!(
            loc,
            "deadline.paused_left",
            days = working_days(loc, c.left_secs().max(0))
        ),
        ClockState::Running { due_at } if c.is_overdue() => tr!(
            loc,
            "deadline.overdue_since",
            days = working_days(loc, c.left_secs()),
            due = loc.datetime(due_at, tz)
        ),
        ClockState::Running { due_at } => tr!(
            loc,
            "deadline.due",
            due = loc.datetime(due_at, tz),
            days = working_days(loc, c.left_secs())
        ),
        ClockState::Stopped { .. } => {
            let key = if c.within() == Some(true) {
                "deadline.took_in_time"
            } else {
                "deadline.took_late"
            };
            tr!(loc, key, days = working_days(loc, c.used_secs))
        }
    }
}

/// Every clock that has started, as a definition list.
#[component]
pub fn ClockList(clocks: Clocks, loc: Locale, tz: TimeZone) -> impl IntoView {
    let lines: Vec<_> = clocks
        .all()
        .into_iter()
        .filter(|c| c.state != ClockState::Idle)
        .map(|c| {
            let class = if c.is_overdue() {
                "overdue"
            } else {
                ""
            };
            view! {
                <dt>{tr!(loc, c.kind.label_key())}</dt>
                <dd class=class data-testid=format!("clock-{}", c.kind.label_key().trim_start_matches("deadline."))>
                    {clock_text(&c, loc, tz)}
                </dd>
            }
        })
        .collect();
    view! {
        <section class="clocks" aria-labelledby="clocks-title">
            <h2 id="clocks-title">{tr!(loc, "deadline.title")}</h2>
            <p class="hint">{tr!(loc, "deadline.hint")}</p>
            <dl class="facts">{lines}</dl>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::DAY;

    #[test]
    fn days_read_with_a_decimal_comma_in_indonesian() {
        assert_eq!(working_days(Locale::Id, DAY * 5 / 2), "2,5 hari kerja");
        assert_eq!(working_days(Locale::En, DAY * 5 / 2), "2.5 working days");
        assert_eq!(working_days(Locale::Id, -3 * DAY), "3 hari kerja");
    }
}
