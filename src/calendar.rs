//! Working days (工作日) for reply deadlines: weekends are skipped, and so are the holidays
//! listed in [`Holidays`]; make-up working days (调休上班) on a weekend count as working days.
//!
//! Kept small and self-contained so other checks (e.g. interpretations, 解读) can share it. The
//! holiday list is configuration, not knowledge: the State Council publishes it every December,
//! and a run without one simply counts Monday to Friday.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// Official holidays (法定节假日, days off on a weekday) and make-up working days (调休, a
/// Saturday or Sunday that is worked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holidays {
    pub off: BTreeSet<NaiveDate>,
    pub worked: BTreeSet<NaiveDate>,
}

impl Holidays {
    /// No holidays: Monday to Friday are working days.
    pub fn none() -> Holidays {
        Holidays::default()
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
}

/// Working days after `a` up to and including `b` (so a reply on the next working day took 1);
/// negative when `b` is before `a`, 0 when equal.
pub fn working_days_between(a: NaiveDate, b: NaiveDate, holidays: &Holidays) -> i64 {
    if b < a {
        return -working_days_between(b, a, holidays);
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
    fn weekends_are_skipped() {
        let h = Holidays::none();
        // 2026-01-02 is a Friday.
        assert_eq!(
            working_days_between(d("2026-01-02"), d("2026-01-05"), &h),
            1
        );
        assert_eq!(
            working_days_between(d("2026-01-02"), d("2026-01-02"), &h),
            0
        );
        assert_eq!(
            working_days_between(d("2026-01-05"), d("2026-01-19"), &h),
            10
        );
        assert_eq!(
            working_days_between(d("2026-01-19"), d("2026-01-05"), &h),
            -10
        );
    }

    #[test]
    fn holidays_and_make_up_days() {
        let mut h = Holidays::none();
        h.off.insert(d("2026-01-06"));
        h.worked.insert(d("2026-01-10")); // a Saturday
        assert_eq!(
            working_days_between(d("2026-01-05"), d("2026-01-19"), &h),
            10
        );
        assert_eq!(
            working_days_between(d("2026-01-05"), d("2026-01-09"), &h),
            3
        );
    }

    #[test]
    fn week_shortcut_agrees_with_day_by_day() {
        let mut h = Holidays::none();
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
            assert_eq!(working_days_between(a, b, &h), slow, "{b}");
        }
    }
}
