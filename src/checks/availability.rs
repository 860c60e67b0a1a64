//! Availability (站点无法访问) and transport: `site_unreachable`, `too_few_probes`,
//! `tls_certificate`, `ipv6_not_ready`. Pure functions over the stored probes and transport facts.
//!
//! **Window.** The probes of the 7 whole days before the check point's date (local time):
//! `[as_of − 7 days 00:00, as_of 00:00)`. A crawl on any hour of the check point's day judges the
//! same probes, so a report can be reproduced later.
//!
//! **Verdict.** With at least 20 probes a day on average (140 in the week): `site_unreachable`
//! (veto) when failures are ≥ 5 % of the probes. With fewer, the week cannot be judged and the
//! report says so with a `too_few_probes` warning instead of pretending the site was reachable.
//!
//! **Transport.** `tls_certificate` (deduction) when the https homepage's certificate is expired,
//! not yet valid, for another name, or from an untrusted chain, or the handshake fails; a warning
//! when it expires within 30 days. `ipv6_not_ready` (warning) when `check_ipv6` is on and the host
//! has no AAAA record or does not answer over IPv6. http→https redirection is recorded in
//! `availability.csv`, never a finding.

use chrono::{Local, NaiveDate, TimeZone};
use serde::Serialize;
use serde_json::json;

use super::{Finding, Severity};
use crate::domain::TransportFacts;
use crate::store::Probe;

pub use crate::domain::IPV6_NOT_READY;
pub use crate::domain::SITE_UNREACHABLE;
pub use crate::domain::TLS_CERTIFICATE;
pub use crate::domain::TOO_FEW_PROBES;

/// Days of probes judged.
pub const WINDOW_DAYS: i64 = 7;
/// Probes a day the indicators require, on average.
pub const MIN_PROBES_PER_DAY: usize = 20;
/// Failure share that vetoes the site.
pub const VETO_RATE: f64 = 0.05;
/// A certificate expiring within this many days gets a warning.
pub const TLS_WARN_DAYS: i64 = 30;

/// The judged week, as unix seconds and RFC 3339.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Window {
    pub from_unix: i64,
    pub to_unix: i64,
    pub from: String,
    pub to: String,
}

fn local_midnight(d: NaiveDate) -> chrono::DateTime<Local> {
    let naive = d.and_hms_opt(0, 0, 0).expect("midnight exists");
    Local
        .from_local_datetime(&naive)
        .earliest()
        .unwrap_or_else(|| Local.from_utc_datetime(&naive))
}

/// The 7 whole days before `as_of` (local time).
pub fn window(as_of: NaiveDate) -> Window {
    let to = local_midnight(as_of);
    let from = local_midnight(as_of - chrono::Duration::days(WINDOW_DAYS));
    let fmt = |t: chrono::DateTime<Local>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    Window {
        from_unix: from.timestamp(),
        to_unix: to.timestamp(),
        from: fmt(from),
        to: fmt(to),
    }
}

/// What a week of probes says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Availability {
    pub site: String,
    pub home: String,
    pub window: Window,
    pub probes: usize,
    pub failures: usize,
    /// failures / probes (0 when there were none).
    pub failure_rate: f64,
    pub probes_per_day: f64,
    /// Total time of the slowest and the median probe that got an answer.
    pub slowest_ms: Option<u64>,
    pub median_ms: Option<u64>,
    /// Enough probes to judge (≥ 20 a day on average).
    pub judged: bool,
    pub unreachable: bool,
    /// Up to 20 failed probes: (time, error).
    pub failed: Vec<(String, String)>,
}

/// Summarises the probes of one site in `window` (probes outside it are ignored).
pub fn summarise(site: &str, home: &str, probes: &[Probe], window: &Window) -> Availability {
    let inside: Vec<&Probe> = probes
        .iter()
        .filter(|p| p.at_unix >= window.from_unix && p.at_unix < window.to_unix)
        .collect();
    let failed: Vec<&&Probe> = inside.iter().filter(|p| !p.ok).collect();
    let mut times: Vec<u64> = inside.iter().filter_map(|p| p.total_ms).collect();
    times.sort_unstable();
    let n = inside.len();
    let rate = if n == 0 {
        0.0
    } else {
        failed.len() as f64 / n as f64
    };
    let judged = n >= MIN_PROBES_PER_DAY * WINDOW_DAYS as usize;
    Availability {
        site: site.to_string(),
        home: home.to_string(),
        window: window.clone(),
        probes: n,
        failures: failed.len(),
        failure_rate: rate,
        probes_per_day: n as f64 / WINDOW_DAYS as f64,
        slowest_ms: times.last().copied(),
        median_ms: (!times.is_empty()).then(|| times[(times.len() - 1) / 2]),
        judged,
        unreachable: judged && rate >= VETO_RATE,
        failed: failed
            .iter()
            .take(20)
            .map(|p| (p.at.clone(), p.error.clone().unwrap_or_default()))
            .collect(),
    }
}

/// `site_unreachable` or `too_few_probes`, or nothing when the week was fine.
pub fn check_availability(a: &Availability) -> Vec<Finding> {
    let evidence = json!({
        "probes": a.probes,
        "failures": a.failures,
        "rate": (a.failure_rate * 10000.0).round() / 10000.0,
        "probes_per_day": (a.probes_per_day * 10.0).round() / 10.0,
        "from": a.window.from,
        "to": a.window.to,
        "threshold_rate": VETO_RATE,
        "min_probes_per_day": MIN_PROBES_PER_DAY,
        "slowest_ms": a.slowest_ms,
        "median_ms": a.median_ms,
        "failed": a.failed.iter().map(|(at, e)| json!({"at": at, "error": e})).collect::<Vec<_>>(),
    });
    let (check, severity) = if !a.judged {
        (TOO_FEW_PROBES, Severity::Warning)
    } else if a.unreachable {
        (SITE_UNREACHABLE, Severity::Veto)
    } else {
        return Vec::new();
    };
    vec![Finding::new(
        check,
        severity,
        &a.site,
        &a.home,
        &a.home,
        &a.window.to,
        evidence,
    )]
}

/// `tls_certificate` and (when `check_ipv6`) `ipv6_not_ready`.
pub fn check_transport(site: &str, t: &TransportFacts, check_ipv6: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let finding = |check: &'static str, severity, evidence| {
        Finding::new(
            check,
            severity,
            site,
            &t.url,
            &t.url,
            &t.checked_at,
            evidence,
        )
    };
    if let Some(tls) = &t.tls {
        let mut problems = tls.problems.clone();
        if let Some(e) = &tls.handshake_error {
            problems.insert(0, format!("handshake_failed: {e}"));
        }
        let soon = tls
            .days_left
            .is_some_and(|d| (0..TLS_WARN_DAYS).contains(&d));
        if !problems.is_empty() || soon {
            out.push(finding(
                TLS_CERTIFICATE,
                if problems.is_empty() {
                    Severity::Warning
                } else {
                    Severity::Deduction
                },
                json!({
                    "problems": problems,
                    "expires_soon": soon,
                    "not_after": tls.not_after,
                    "days_left": tls.days_left,
                    "subject": tls.subject,
                    "issuer": tls.issuer,
                    "names": tls.names,
                    "verify_error": tls.verify_error,
                    "host": tls.host,
                }),
            ));
        }
    }
    if check_ipv6 && t.ipv6.answers != Some(true) {
        out.push(finding(
            IPV6_NOT_READY,
            Severity::Warning,
            json!({
                "host": t.ipv6.host,
                "aaaa": t.ipv6.aaaa,
                "answers": t.ipv6.answers,
                "status": t.ipv6.status,
                "error": t.ipv6.error,
            }),
        ));
    }
    out
}

/// Header of `availability.csv` (one row per site): Chinese label and English key.
pub const AVAILABILITY_COLUMNS: &[(&str, &str)] = &[
    ("网站首页", "url"),
    ("统计起点", "from"),
    ("统计终点", "to"),
    ("探测次数", "probes"),
    ("日均探测次数", "probes_per_day"),
    ("失败次数", "failures"),
    ("失败率", "rate"),
    ("最慢响应(毫秒)", "slowest_ms"),
    ("响应中位数(毫秒)", "median_ms"),
    ("结论", "verdict"),
    ("HTTPS", "https"),
    ("证书到期时间", "not_after"),
    ("证书剩余天数", "days_left"),
    ("证书问题", "tls_problems"),
    ("HTTP跳转HTTPS", "http_to_https"),
    ("IPv6地址(AAAA)", "aaaa"),
    ("IPv6可访问", "ipv6_answers"),
];

/// The one data row of `availability.csv`.
pub fn availability_row(a: &Availability, t: Option<&TransportFacts>) -> Vec<String> {
    let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "是".to_string(),
        Some(false) => "否".to_string(),
        None => "未知".to_string(),
    };
    let verdict = if !a.judged {
        format!(
            "探测次数不足（需日均不少于{MIN_PROBES_PER_DAY}次，共{}次），无法判断",
            MIN_PROBES_PER_DAY * WINDOW_DAYS as usize
        )
    } else if a.unreachable {
        "站点无法访问（单项否决）".to_string()
    } else {
        "正常".to_string()
    };
    let tls = t.and_then(|t| t.tls.as_ref());
    let mut problems: Vec<String> = tls.map(|t| t.problems.clone()).unwrap_or_default();
    if let Some(e) = tls.and_then(|t| t.handshake_error.as_ref()) {
        problems.insert(0, format!("握手失败: {e}"));
    }
    vec![
        a.home.clone(),
        a.window.from.clone(),
        a.window.to.clone(),
        a.probes.to_string(),
        format!("{:.1}", a.probes_per_day),
        a.failures.to_string(),
        format!("{:.2}%", a.failure_rate * 100.0),
        opt(a.slowest_ms),
        opt(a.median_ms),
        verdict,
        yes_no(t.map(|t| t.https)),
        tls.and_then(|t| t.not_after.clone()).unwrap_or_default(),
        tls.and_then(|t| t.days_left)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        problems.join("; "),
        yes_no(t.and_then(|t| t.http_to_https)),
        t.map(|t| t.ipv6.aaaa.join(" ")).unwrap_or_default(),
        yes_no(t.and_then(|t| t.ipv6.answers)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(as_of: NaiveDate, n: usize, failures: usize) -> Vec<Probe> {
        let w = window(as_of);
        let step = (w.to_unix - w.from_unix) / n as i64;
        (0..n)
            .map(|i| Probe {
                site: "s".into(),
                url: "http://s.gov.cn/".into(),
                at: format!("t{i}"),
                at_unix: w.from_unix + step * i as i64,
                ok: i >= failures,
                status: (i >= failures).then_some(200),
                ttfb_ms: Some(10),
                total_ms: (i >= failures).then_some(100 + i as u64),
                error: (i < failures).then(|| "timed out".into()),
            })
            .collect()
    }

    fn judge(n: usize, failures: usize) -> Availability {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        summarise(
            "s",
            "http://s.gov.cn/",
            &week(as_of, n, failures),
            &window(as_of),
        )
    }

    #[test]
    fn five_percent_of_enough_probes_vetoes_and_just_under_does_not() {
        let a = judge(140, 7);
        assert!(a.judged && a.unreachable, "{a:?}");
        let f = check_availability(&a);
        assert_eq!(f[0].check, SITE_UNREACHABLE);
        assert_eq!(f[0].severity, Severity::Veto);
        assert_eq!(f[0].evidence["failures"], 7);
        let a = judge(140, 6);
        assert!(a.judged && !a.unreachable);
        assert!(check_availability(&a).is_empty());
    }

    #[test]
    fn too_few_probes_is_said_not_hidden() {
        let a = judge(139, 0);
        assert!(!a.judged);
        let f = check_availability(&a);
        assert_eq!(
            (f[0].check, f[0].severity),
            (TOO_FEW_PROBES, Severity::Warning)
        );
        let row = availability_row(&a, None);
        assert!(row[9].contains("探测次数不足"), "{row:?}");
    }

    #[test]
    fn slowest_and_median_of_answered_probes() {
        let a = judge(140, 2);
        assert_eq!(a.slowest_ms, Some(100 + 139));
        assert_eq!(a.median_ms, Some(100 + 2 + (138 - 1) / 2));
    }

    #[test]
    fn probes_outside_the_week_do_not_count() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let w = window(as_of);
        let mut probes = week(as_of, 140, 0);
        probes[0].at_unix = w.to_unix; // the check point's own day
        probes[1].at_unix = w.from_unix - 1;
        assert_eq!(summarise("s", "h", &probes, &w).probes, 138);
        assert_eq!(w.to_unix - w.from_unix, 7 * 86400);
    }
}
