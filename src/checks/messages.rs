//! Messages (留言) and solicitations (征集): who is still waiting for an answer. No I/O.
//!
//! Judged from what [`crate::extract::messages`] stored per page, at the check point `as_of`:
//!
//! | finding | when | severity |
//! |---|---|---|
//! | `unanswered_message` | a message from the year before the check point waits more than 3 months | veto (互动回应差) |
//! | `unanswered_message` | it waits longer than the expected reply time, less than 3 months | warning |
//! | `late_reply` | a reply came later than the expected reply time (default 10 working days) | deduction |
//! | `stale_column` (`basis: reply_date`) | the column's newest published reply is more than 2 months old | deduction |
//! | `solicitation_without_feedback` | a solicitation closed more than the grace period (default 30 days) ago with no feedback found | deduction |
//! | `short_solicitation_period` | a regulation draft (条例、办法、规定、草案、征求意见稿) open for less than 30 days | review |
//!
//! Messages older than a year before the check point are neither judged nor counted. The same
//! message read from a list row and from its own page is one message (its page wins).
//!
//! A solicitation has feedback when its page links a 结果反馈 / 采纳情况 / 意见反馈 page, or when a
//! result item (a title with 结果、反馈 or 采纳) names it in 《…》 anywhere on the site.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use serde_json::json;

use super::{Finding, Severity};
use crate::extract::messages::{book_titles, Message, Solicitation, SolicitationStatus};

pub use crate::domain::LATE_REPLY;
pub use crate::domain::SHORT_SOLICITATION_PERIOD;
pub use crate::domain::SOLICITATION_WITHOUT_FEEDBACK;
pub use crate::domain::UNANSWERED_MESSAGE;

pub use crate::config::messages::Rules;

/// A consultation column's messages, as gathered from the stored pages.
#[derive(Debug, Clone, Default)]
pub struct ColumnMessages {
    pub name: String,
    /// The column's list page.
    pub url: String,
    /// Expected reply time of this column in working days (`None`: [`Rules::reply_days`]).
    pub reply_days: Option<i64>,
    /// (the page it was read on, the message).
    pub messages: Vec<(String, Message)>,
}

/// Statistics of one column, or of the whole site (`column` empty).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageStats {
    pub column: String,
    pub column_url: String,
    /// Messages from the year before the check point.
    pub received: usize,
    pub answered: usize,
    /// `answered / received`; `None` without messages.
    pub answer_rate: Option<f64>,
    /// Median and slowest reply, in working days (answered messages with both dates).
    pub median_reply_days: Option<i64>,
    pub slowest_reply_days: Option<i64>,
    /// The oldest message still waiting, and for how many days.
    pub oldest_waiting: Option<NaiveDate>,
    pub oldest_waiting_days: Option<i64>,
    /// Reply times behind the median (kept to merge columns into the site's figures).
    pub reply_days: Vec<i64>,
}

/// One message per page URL (or per title and date for rows without a page); a message's own
/// page wins over its list row, whose facts fill the gaps.
pub fn merge(messages: Vec<(String, Message)>) -> Vec<(String, Message)> {
    let mut order: Vec<String> = Vec::new();
    let mut by_key: HashMap<String, (String, Message)> = HashMap::new();
    for (page, m) in messages {
        let key = match &m.url {
            Some(u) => u.to_string(),
            None => format!("{page}#{}#{:?}", m.title, m.asked),
        };
        match by_key.get_mut(&key) {
            None => {
                order.push(key.clone());
                by_key.insert(key, (page, m));
            }
            Some((p, old)) => {
                let (mut base, other) = if m.layout == crate::extract::messages::Layout::Page
                    && old.layout != crate::extract::messages::Layout::Page
                {
                    *p = page;
                    (m, old.clone())
                } else {
                    (old.clone(), m)
                };
                base.asked = base.asked.or(other.asked);
                base.replied = base.replied.or(other.replied);
                if base.status == Default::default() {
                    base.status = other.status;
                }
                if base.title.is_empty() {
                    base.title = other.title;
                }
                base.reply_unit = base.reply_unit.or(other.reply_unit);
                *old = base;
            }
        }
    }
    order
        .into_iter()
        .filter_map(|k| by_key.remove(&k))
        .collect()
}

fn median(v: &[i64]) -> Option<i64> {
    let mut v = v.to_vec();
    v.sort_unstable();
    match v.len() {
        0 => None,
        n if n % 2 == 1 => Some(v[n / 2]),
        n => Some((v[n / 2 - 1] + v[n / 2]) / 2),
    }
}

/// Whether `asked` is in the year before the check point.
fn in_year(asked: NaiveDate, as_of: NaiveDate) -> bool {
    let start = as_of.checked_sub_months(Months::new(12)).unwrap_or(as_of);
    asked > start && asked <= as_of
}

/// Judges one column's messages: findings and statistics.
pub fn judge_column(
    site: &str,
    col: &ColumnMessages,
    as_of: NaiveDate,
    rules: &Rules,
    observed_at: &str,
) -> (Vec<Finding>, MessageStats) {
    let limit = col.reply_days.unwrap_or(rules.reply_days);
    let mut findings = Vec::new();
    let mut stats = MessageStats {
        column: col.name.clone(),
        column_url: col.url.clone(),
        ..Default::default()
    };
    let mut newest_reply: Option<(NaiveDate, String)> = None;
    for (page, m) in &col.messages {
        if let (Some(r), true) = (m.replied, m.answered()) {
            if newest_reply.as_ref().is_none_or(|(d, _)| r > *d) {
                let u = m.url.as_ref().map_or(page.clone(), |u| u.to_string());
                newest_reply = Some((r, u));
            }
        }
        let Some(asked) = m.asked else { continue };
        if !in_year(asked, as_of) {
            continue;
        }
        stats.received += 1;
        let url = m
            .url
            .as_ref()
            .map_or_else(|| format!("{page}#{}", m.title), |u| u.to_string());
        let evidence = |extra: serde_json::Value| {
            let mut e = json!({
                "title": m.title,
                "column": col.name,
                "column_url": col.url,
                "asked": asked.to_string(),
                "replied": m.replied.map(|d| d.to_string()),
                "status": m.status,
                "reply_empty": m.reply_empty,
                "layout": m.layout,
                "reply_days_limit": limit,
            });
            if let (Some(o), serde_json::Value::Object(x)) = (e.as_object_mut(), extra) {
                o.extend(x);
            }
            e
        };
        let finding = |check: &'static str, severity, evidence| {
            Finding::new(check, severity, site, &url, page, observed_at, evidence)
        };
        if m.answered() {
            stats.answered += 1;
            if let Some(r) = m.replied {
                let wd = rules.calendar.working_days_between(asked, r);
                stats.reply_days.push(wd);
                if wd > limit {
                    findings.push(finding(
                        LATE_REPLY,
                        Severity::Deduction,
                        evidence(json!({ "reply_working_days": wd })),
                    ));
                }
            }
            continue;
        }
        let waited = (as_of - asked).num_days();
        if stats.oldest_waiting.is_none_or(|o| asked < o) {
            stats.oldest_waiting = Some(asked);
            stats.oldest_waiting_days = Some(waited);
        }
        let wd = rules.calendar.working_days_between(asked, as_of);
        let veto_from = asked
            .checked_add_months(Months::new(rules.veto_months))
            .unwrap_or(asked);
        let severity = if as_of > veto_from {
            Severity::Veto
        } else if wd > limit {
            Severity::Warning
        } else {
            continue;
        };
        findings.push(finding(
            UNANSWERED_MESSAGE,
            severity,
            evidence(json!({ "waited_days": waited, "waited_working_days": wd })),
        ));
    }
    if let Some((newest, newest_url)) = newest_reply {
        let due = newest
            .checked_add_months(Months::new(rules.stale_months))
            .unwrap_or(newest);
        if as_of > due {
            findings.push(Finding::new(
                "stale_column",
                Severity::Deduction,
                site,
                &col.url,
                &col.url,
                observed_at,
                json!({
                    "category": "consultation",
                    "column": col.name,
                    "basis": "reply_date",
                    "window_days": (due - newest).num_days(),
                    "newest_item_date": newest.to_string(),
                    "newest_item_url": newest_url,
                }),
            ));
        }
    }
    stats.answer_rate = (stats.received > 0).then(|| stats.answered as f64 / stats.received as f64);
    stats.median_reply_days = median(&stats.reply_days);
    stats.slowest_reply_days = stats.reply_days.iter().copied().max();
    (findings, stats)
}

/// The site's figures from its columns' (`column` left empty).
pub fn site_stats(columns: &[MessageStats]) -> MessageStats {
    let mut s = MessageStats::default();
    for c in columns {
        s.received += c.received;
        s.answered += c.answered;
        s.reply_days.extend(&c.reply_days);
        if let Some(o) = c.oldest_waiting {
            if s.oldest_waiting.is_none_or(|x| o < x) {
                s.oldest_waiting = Some(o);
                s.oldest_waiting_days = c.oldest_waiting_days;
            }
        }
    }
    s.answer_rate = (s.received > 0).then(|| s.answered as f64 / s.received as f64);
    s.median_reply_days = median(&s.reply_days);
    s.slowest_reply_days = s.reply_days.iter().copied().max();
    s
}

/// One solicitation with its verdict, a row of solicitations.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SolicitationStatusRow {
    pub page_url: String,
    pub solicitation: Solicitation,
    /// Closed at the check point (by its status, or its end date passed).
    pub closed: bool,
    /// Where the feedback was found: a linked page or a result item's URL.
    pub feedback: Option<String>,
}

/// Words that make a title a result item (it reports on a solicitation).
const RESULT_WORDS: &[&str] = &["结果", "反馈", "采纳"];

/// Whether a list row's or article's title can be a solicitation's result item (征集结果,
/// 意见采纳情况 …): it says so and names a document in 《》. Only such titles need to be kept
/// for [`judge_solicitations`].
pub fn is_result_title(title: &str) -> bool {
    RESULT_WORDS.iter().any(|w| title.contains(w)) && title.contains('《')
}
/// Words of a regulation draft or major decision (at least 30 days open).
const DRAFT_WORDS: &[&str] = &[
    "条例",
    "办法",
    "规定",
    "规章",
    "草案",
    "征求意见稿",
    "实施细则",
];

/// One solicitation per URL; its own page wins over list rows, which fill the gaps.
pub fn merge_solicitations(items: Vec<(String, Solicitation)>) -> Vec<(String, Solicitation)> {
    let mut order: Vec<String> = Vec::new();
    let mut by_key: HashMap<String, (String, Solicitation)> = HashMap::new();
    for (page, s) in items {
        let key = s
            .url
            .as_ref()
            .map_or_else(|| format!("{page}#{}", s.title), |u| u.to_string());
        match by_key.get_mut(&key) {
            None => {
                order.push(key.clone());
                by_key.insert(key, (page, s));
            }
            Some((p, old)) => {
                let page_wins = s.layout == crate::extract::messages::Layout::Page
                    && old.layout != crate::extract::messages::Layout::Page;
                let (mut base, other) = if page_wins {
                    *p = page;
                    (s, old.clone())
                } else {
                    (old.clone(), s)
                };
                base.from = base.from.or(other.from);
                base.to = base.to.or(other.to);
                base.feedback_date = base.feedback_date.or(other.feedback_date);
                if base.status == SolicitationStatus::Unknown {
                    base.status = other.status;
                }
                base.feedback_links.extend(other.feedback_links);
                *old = base;
            }
        }
    }
    order
        .into_iter()
        .filter_map(|k| by_key.remove(&k))
        .collect()
}

/// Judges solicitations. `titles` are (title, URL) of the list rows and articles on the site
/// where result items are looked for (those that are not [`is_result_title`] are ignored).
pub fn judge_solicitations(
    site: &str,
    solicitations: &[(String, Solicitation)],
    titles: &[(String, String)],
    as_of: NaiveDate,
    rules: &Rules,
    observed_at: &str,
) -> (Vec<Finding>, Vec<SolicitationStatusRow>) {
    let results: Vec<(Vec<String>, &String)> = titles
        .iter()
        .filter(|(t, _)| is_result_title(t))
        .map(|(t, u)| (book_titles(t), u))
        .filter(|(b, _)| !b.is_empty())
        .collect();
    let mut findings = Vec::new();
    let mut rows = Vec::new();
    for (page, s) in solicitations {
        let url = s
            .url
            .as_ref()
            .map_or_else(|| format!("{page}#{}", s.title), |u| u.to_string());
        let names = book_titles(&s.title);
        let named = |b: &Vec<String>| {
            b.iter()
                .any(|t| names.contains(t) || (names.is_empty() && s.title.contains(t.as_str())))
        };
        let feedback = s.feedback_links.first().map(|u| u.to_string()).or_else(|| {
            results
                .iter()
                .find(|(b, u)| **u != url && named(b))
                .map(|(_, u)| (*u).clone())
        });
        let closed = match s.status {
            SolicitationStatus::Closed => true,
            SolicitationStatus::Open => false,
            SolicitationStatus::Unknown => s.to.is_some_and(|t| t < as_of),
        };
        let finding = |check: &'static str, severity, evidence| {
            Finding::new(check, severity, site, &url, page, observed_at, evidence)
        };
        let evidence = json!({
            "title": s.title,
            "from": s.from.map(|d| d.to_string()),
            "to": s.to.map(|d| d.to_string()),
            "status": s.status,
            "grace_days": rules.feedback_grace_days,
        });
        if closed && feedback.is_none() {
            if let Some(to) = s.to {
                let since = (as_of - to).num_days();
                if since > rules.feedback_grace_days {
                    let mut e = evidence.clone();
                    e["closed_days"] = json!(since);
                    findings.push(finding(
                        SOLICITATION_WITHOUT_FEEDBACK,
                        Severity::Deduction,
                        e,
                    ));
                }
            }
        }
        if let (Some(f), Some(t)) = (s.from, s.to) {
            let days = (t - f).num_days();
            if days < rules.min_period_days && DRAFT_WORDS.iter().any(|w| s.title.contains(w)) {
                let mut e = evidence.clone();
                e["period_days"] = json!(days);
                e["min_period_days"] = json!(rules.min_period_days);
                findings.push(finding(SHORT_SOLICITATION_PERIOD, Severity::Review, e));
            }
        }
        rows.push(SolicitationStatusRow {
            page_url: page.clone(),
            solicitation: s.clone(),
            closed,
            feedback,
        });
    }
    (findings, rows)
}

/// The veto "no working consultation channel": `None` when some consultation column's entry
/// page opened. `columns` are (list URL, whether it failed); `home` is the portal's homepage.
pub fn channel_finding(
    site: &str,
    home: &str,
    columns: &[(String, bool)],
    observed_at: &str,
) -> Option<Finding> {
    if columns.iter().any(|(_, failed)| !failed) {
        return None;
    }
    Some(Finding::new(
        NO_CONSULTATION_CHANNEL,
        Severity::Veto,
        site,
        home,
        home,
        observed_at,
        json!({
            "consultation_columns": columns.iter().map(|(u, _)| u).collect::<Vec<_>>(),
            "reason": if columns.is_empty() { "no consultation column" } else { "every consultation column's page is broken" },
        }),
    ))
}

/// The check name of [`channel_finding`].
pub use crate::domain::NO_CONSULTATION_CHANNEL;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::extract::messages::{Layout, MessageStatus};
    use url::Url;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn msg(n: u32, asked: &str, replied: Option<&str>, status: MessageStatus) -> Message {
        Message {
            title: format!("留言{n}"),
            url: Some(Url::parse(&format!("http://x.gov.cn/xx/{n}.html")).unwrap()),
            asked: Some(d(asked)),
            replied: replied.map(d),
            status,
            layout: Layout::Table,
            ..Default::default()
        }
    }

    fn col(messages: Vec<Message>) -> ColumnMessages {
        ColumnMessages {
            name: "部长信箱".into(),
            url: "http://x.gov.cn/xx/".into(),
            reply_days: None,
            messages: messages
                .into_iter()
                .map(|m| ("http://x.gov.cn/xx/".to_string(), m))
                .collect(),
        }
    }

    #[test]
    fn a_reply_after_the_national_day_holiday_is_not_late() {
        // Asked Monday 2026-09-28, answered 2026-10-14: 12 weekdays, but 10-01 to 10-07 are
        // the holiday and Saturday 10-10 is worked, so 8 working days, within 10.
        let c = col(vec![msg(
            1,
            "2026-09-28",
            Some("2026-10-14"),
            MessageStatus::Answered,
        )]);
        let (f, s) = judge_column("x", &c, d("2026-11-20"), &Rules::default(), "t");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(s.slowest_reply_days, Some(8));
    }

    #[test]
    fn each_outcome() {
        use MessageStatus::*;
        let as_of = d("2026-11-20"); // a Friday
        let c = col(vec![
            msg(1, "2026-10-05", Some("2026-10-09"), Answered), // 4 working days
            msg(2, "2026-09-01", Some("2026-09-30"), Answered), // 21: late
            msg(3, "2026-07-10", None, Pending),                // > 3 months: veto
            msg(4, "2026-10-30", None, Pending),                // 15 working days: warning
            msg(5, "2026-11-16", None, Pending),                // 4 working days: fine
            msg(6, "2024-10-01", None, Pending),                // outside the year
        ]);
        // Plain weekdays, so the counts in the comments are easy to check by hand.
        let rules = Rules {
            calendar: Calendar::none(),
            ..Default::default()
        };
        let (f, s) = judge_column("x", &c, as_of, &rules, "t");
        let got: Vec<(&str, Severity, &str)> = f
            .iter()
            .map(|f| (f.check, f.severity, f.url.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (LATE_REPLY, Severity::Deduction, "http://x.gov.cn/xx/2.html"),
                (
                    UNANSWERED_MESSAGE,
                    Severity::Veto,
                    "http://x.gov.cn/xx/3.html"
                ),
                (
                    UNANSWERED_MESSAGE,
                    Severity::Warning,
                    "http://x.gov.cn/xx/4.html"
                ),
            ]
        );
        assert_eq!(f[0].evidence["reply_working_days"], 21);
        assert_eq!((s.received, s.answered), (5, 2));
        assert_eq!(s.answer_rate, Some(0.4));
        assert_eq!(s.median_reply_days, Some(12));
        assert_eq!(s.slowest_reply_days, Some(21));
        assert_eq!(s.oldest_waiting, Some(d("2026-07-10")));
        assert_eq!(s.oldest_waiting_days, Some(133));
        let site = site_stats(&[s.clone(), s]);
        assert_eq!((site.received, site.answered), (10, 4));
    }

    #[test]
    fn per_column_reply_days_and_stale_replies() {
        let as_of = d("2026-11-20");
        let mut c = col(vec![msg(
            1,
            "2026-08-03",
            Some("2026-08-21"),
            MessageStatus::Answered,
        )]);
        let (f, _) = judge_column("x", &c, as_of, &Rules::default(), "t");
        let checks: Vec<&str> = f.iter().map(|f| f.check).collect();
        assert_eq!(checks, vec![LATE_REPLY, "stale_column"]);
        assert_eq!(f[1].evidence["newest_item_date"], "2026-08-21");
        c.reply_days = Some(15);
        let (f, _) = judge_column("x", &c, as_of, &Rules::default(), "t");
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn a_page_wins_over_its_list_row() {
        let row = msg(1, "2026-10-05", None, MessageStatus::Answered);
        let mut page = msg(1, "2026-10-05", None, MessageStatus::Pending);
        page.layout = Layout::Page;
        page.reply_empty = true;
        let m = merge(vec![
            ("http://x.gov.cn/xx/".into(), row),
            ("http://x.gov.cn/xx/1.html".into(), page),
        ]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].0, "http://x.gov.cn/xx/1.html");
        assert!(!m[0].1.answered());
    }

    fn sol(
        n: u32,
        title: &str,
        from: &str,
        to: &str,
        status: SolicitationStatus,
    ) -> (String, Solicitation) {
        (
            "http://x.gov.cn/zj/".into(),
            Solicitation {
                title: title.into(),
                url: Some(Url::parse(&format!("http://x.gov.cn/zj/{n}.html")).unwrap()),
                from: Some(d(from)),
                to: Some(d(to)),
                status,
                ..Default::default()
            },
        )
    }

    #[test]
    fn solicitations_feedback() {
        use SolicitationStatus::*;
        let as_of = d("2026-11-20");
        let mut linked = sol(2, "《乙办法》征求意见", "2026-06-01", "2026-07-01", Closed);
        linked.1.feedback_links = vec![Url::parse("http://x.gov.cn/zj/fk2.html").unwrap()];
        let sols = vec![
            sol(1, "《甲规划》征求意见", "2026-11-01", "2026-12-01", Open),
            linked,
            sol(
                3,
                "关于《丙条例》公开征求意见",
                "2026-05-01",
                "2026-05-20",
                Closed,
            ),
            sol(4, "《丁方案》网上调查", "2026-08-01", "2026-09-01", Closed),
            sol(5, "《戊计划》征集", "2026-10-01", "2026-11-01", Closed), // within grace
        ];
        let titles = vec![
            (
                "关于《丙条例》征求意见采纳情况的说明".to_string(),
                "http://x.gov.cn/zj/r3.html".to_string(),
            ),
            (
                "《丁方案》征集通知".to_string(),
                "http://x.gov.cn/zj/x.html".to_string(),
            ),
        ];
        let (f, rows) = judge_solicitations("x", &sols, &titles, as_of, &Rules::default(), "t");
        let got: Vec<(&str, &str)> = f.iter().map(|f| (f.check, f.url.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (SHORT_SOLICITATION_PERIOD, "http://x.gov.cn/zj/3.html"),
                (SOLICITATION_WITHOUT_FEEDBACK, "http://x.gov.cn/zj/4.html"),
            ]
        );
        assert_eq!(
            rows[1].feedback.as_deref(),
            Some("http://x.gov.cn/zj/fk2.html")
        );
        assert_eq!(
            rows[2].feedback.as_deref(),
            Some("http://x.gov.cn/zj/r3.html")
        );
        assert!(!rows[0].closed && rows[3].closed);
    }

    #[test]
    fn consultation_channel() {
        assert!(channel_finding("x", "http://x/", &[("http://x/a".into(), false)], "t").is_none());
        let f = channel_finding("x", "http://x/", &[("http://x/a".into(), true)], "t").unwrap();
        assert_eq!(f.severity, Severity::Veto);
        assert!(channel_finding("x", "http://x/", &[], "t").is_some());
    }
}
