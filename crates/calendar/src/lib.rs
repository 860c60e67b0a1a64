//! Working days (工作日), the one calendar every deadline uses: reply times of messages (留言),
//! the interpretation window (解读, 三同步), rectification deadlines. Weekends are skipped, and so
//! are public holidays; make-up working days (调休上班) on a weekend count as working days.
//!
//! [`Calendar::china`] carries the State Council's official lists for 2025 and 2026; a check's
//! configuration adds days (`[calendar]` of targets.toml, [`Calendar::with`]). The State Council
//! publishes next year's list every November or December: add it there until a release carries it.
//!
//! ```
//! use chrono::NaiveDate;
//! use govpatrol_calendar::Calendar;
//! let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
//! // Thursday → next Monday: Friday and Monday.
//! assert_eq!(Calendar::none().working_days_between(d("2026-11-19"), d("2026-11-23")), 2);
//! // 国庆: 2025-09-30 (Tue) → 2025-10-09 (Thu) holds the make-up Saturday 10-11 after it only.
//! assert_eq!(Calendar::china().working_days_between(d("2025-09-30"), d("2025-10-09")), 1);
//! ```

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// Public holidays (法定节假日及调休放假日) of 2025, from 国务院办公厅关于2025年部分节假日安排的
/// 通知 (国办发明电〔2024〕12号), and of 2026, from 国务院办公厅关于2026年部分节假日安排的通知
/// (dated 2025-11-04, published by Xinhua the same day; the 2026 dates and make-up working days
/// below were checked against its text). Later years go in `[calendar]` of targets.toml
/// until the list here is extended.
pub const CHINA_HOLIDAYS: &[&str] = &[
    // 2025
    "2025-01-01",
    "2025-01-28",
    "2025-01-29",
    "2025-01-30",
    "2025-01-31",
    "2025-02-01",
    "2025-02-02",
    "2025-02-03",
    "2025-02-04",
    "2025-04-04",
    "2025-04-05",
    "2025-04-06",
    "2025-05-01",
    "2025-05-02",
    "2025-05-03",
    "2025-05-04",
    "2025-05-05",
    "2025-05-31",
    "2025-06-01",
    "2025-06-02",
    "2025-10-01",
    "2025-10-02",
    "2025-10-03",
    "2025-10-04",
    "2025-10-05",
    "2025-10-06",
    "2025-10-07",
    "2025-10-08",
    // 2026
    "2026-01-01",
    "2026-01-02",
    "2026-01-03",
    "2026-02-15",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-21",
    "2026-02-22",
    "2026-02-23",
    "2026-04-04",
    "2026-04-05",
    "2026-04-06",
    "2026-05-01",
    "2026-05-02",
    "2026-05-03",
    "2026-05-04",
    "2026-05-05",
    "2026-06-19",
    "2026-06-20",
    "2026-06-21",
    "2026-09-25",
    "2026-09-26",
    "2026-09-27",
    "2026-10-01",
    "2026-10-02",
    "2026-10-03",
    "2026-10-04",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
];

/// Make-up working days (调休上班, weekends that are worked) of the same two notices.
pub const CHINA_WORKDAYS: &[&str] = &[
    // 2025
    "2025-01-26",
    "2025-02-08",
    "2025-04-27",
    "2025-09-28",
    "2025-10-11",
    // 2026
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
];

fn dates(list: &[&str]) -> BTreeSet<NaiveDate> {
    list.iter()
        .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .collect()
}

/// Official holidays (法定节假日, days off on a weekday) and make-up working days (调休, a
/// Saturday or Sunday that is worked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub off: BTreeSet<NaiveDate>,
    pub worked: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// No holidays: Monday to Friday are working days.
    pub fn none() -> Calendar {
        Calendar::default()
    }

    /// China's official holidays and make-up working days ([`CHINA_HOLIDAYS`], [`CHINA_WORKDAYS`]).
    pub fn china() -> Calendar {
        Calendar {
            off: dates(CHINA_HOLIDAYS),
            worked: dates(CHINA_WORKDAYS),
        }
    }

    /// Adds holidays and make-up working days (a configured day wins over a built-in one).
    pub fn with(mut self, holidays: &[NaiveDate], workdays: &[NaiveDate]) -> Calendar {
        for d in holidays {
            self.worked.remove(d);
            self.off.insert(*d);
        }
        for d in workdays {
            self.off.remove(d);
            self.worked.insert(*d);
        }
        self
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.worked.contains(&d) {
            return true;
        }
        if self.off.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Working days after `a` up to and including `b` (so an answer on the next working day took
    /// 1); negative when `b` is before `a`, 0 when equal.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        between(a, b, self)
    }

    /// The day `n` working days after `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: i64) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("date in range");
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
}

/// [`Calendar::working_days_between`].
fn between(a: NaiveDate, b: NaiveDate, holidays: &Calendar) -> i64 {
    if b < a {
        return -between(b, a, holidays);
    }
    // Whole weeks at once, then the remainder day by day (years of waiting stay cheap).
    let span = (b - a).num_days();
    let mut n = 0;
    let mut d = a;
    let weeks = span / 7;
    if weeks > 0 {
        let end = a + chrono::Duration::days(weeks * 7);
        n += weeks * 5;
        // Adjust for holidays inside (a, end].
        n -= holidays
            .off
            .range(a.succ_opt().unwrap_or(a)..=end)
            .filter(|h| !matches!(h.weekday(), Weekday::Sat | Weekday::Sun))
            .count() as i64;
        n += holidays
            .worked
            .range(a.succ_opt().unwrap_or(a)..=end)
            .filter(|h| matches!(h.weekday(), Weekday::Sat | Weekday::Sun))
            .count() as i64;
        d = end;
    }
    while d < b {
        d = d.succ_opt().unwrap_or(d);
        if holidays.is_working_day(d) {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_deadline_skips_the_national_day_holiday() {
        // Tuesday 2025-09-30 + 2 working days: 10-01 to 10-08 are off, Saturday 10-11 is worked.
        let china = Calendar::china();
        assert_eq!(china.add_working_days(d("2025-09-30"), 2), d("2025-10-10"));
        assert_eq!(china.add_working_days(d("2025-09-30"), 3), d("2025-10-11"));
        // 2026: 10-01 to 10-07 off, Saturday 10-10 worked.
        assert_eq!(china.add_working_days(d("2026-09-30"), 1), d("2026-10-08"));
    }

    #[test]
    fn weekends_are_skipped() {
        let h = Calendar::none();
        // 2026-01-02 is a Friday.
        assert_eq!(h.working_days_between(d("2026-01-02"), d("2026-01-05")), 1);
        assert_eq!(h.working_days_between(d("2026-01-02"), d("2026-01-02")), 0);
        assert_eq!(h.working_days_between(d("2026-01-05"), d("2026-01-19")), 10);
        assert_eq!(
            h.working_days_between(d("2026-01-19"), d("2026-01-05")),
            -10
        );
    }

    #[test]
    fn holidays_and_make_up_days() {
        let mut h = Calendar::none();
        h.off.insert(d("2026-01-06"));
        h.worked.insert(d("2026-01-10")); // a Saturday
        assert_eq!(h.working_days_between(d("2026-01-05"), d("2026-01-19")), 10);
        assert_eq!(h.working_days_between(d("2026-01-05"), d("2026-01-09")), 3);
    }

    #[test]
    fn week_shortcut_agrees_with_day_by_day() {
        let mut h = Calendar::none();
        h.off.insert(d("2026-05-01"));
        h.worked.insert(d("2026-05-09"));
        let a = d("2026-04-01");
        for k in 0..80 {
            let b = a + chrono::Duration::days(k);
            let mut slow = 0;
            let mut x = a;
            while x < b {
                x = x.succ_opt().unwrap();
                slow += i64::from(h.is_working_day(x));
            }
            assert_eq!(h.working_days_between(a, b), slow, "{b}");
        }
    }
}
