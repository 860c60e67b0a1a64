//! What the sample needs to know of the indicators to say what a correct inspector reports: a
//! column category's update window and the defaults of the message rules. Written down here, not
//! imported from govpatrol (this crate does not depend on it): they are the indicators' values
//! (国办秘函〔2019〕19号 and the 留言 rules), the same that govpatrol's `domain::Category` and
//! `config::messages::Rules` default to. Should the inspector's defaults change, the end-to-end
//! test (`tests/it/crawl_sample.rs`) compares the two and fails.

use chrono::{Months, NaiveDate};

/// How long a column may go without a new item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Days(u32),
    Months(u32),
}

impl Window {
    /// The oldest date that still counts as updated at `as_of`.
    pub fn cutoff(self, as_of: NaiveDate) -> NaiveDate {
        match self {
            Window::Days(n) => as_of - chrono::Duration::days(i64::from(n)),
            Window::Months(n) => as_of
                .checked_sub_months(Months::new(n))
                .unwrap_or(NaiveDate::MIN),
        }
    }
}

/// The update window the indicators give a column category (as written in targets.toml:
/// `news`, `notice`, …); `None` for an unknown one.
pub fn default_window(category: &str) -> Option<Window> {
    Some(match category {
        "news" => Window::Days(14),
        "notice" | "policy" | "interpretation" => Window::Months(6),
        "consultation" => Window::Months(2),
        "data" => Window::Months(3),
        "solicitation" | "personnel" | "other" => Window::Months(12),
        _ => return None,
    })
}

/// The limits of the message and solicitation checks, with the indicators' defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Expected reply time in working days.
    pub reply_days: i64,
    /// A message unanswered this many months is a veto.
    pub veto_months: u32,
    /// Days after a solicitation closes before its feedback is due.
    pub feedback_grace_days: i64,
    /// Shortest period for a regulation draft, in days.
    pub min_period_days: i64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            reply_days: 10,
            veto_months: 3,
            feedback_grace_days: 30,
            min_period_days: 30,
        }
    }
}
