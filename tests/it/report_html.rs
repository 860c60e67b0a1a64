//! report.html in a real browser: headless Chromium renders it with no failed request and no
//! script error, and text from web pages (a title holding `<script>`) shows as text.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it). Without the binary the browser test says
//! so and skips; the escaping is still checked on the HTML itself.

use std::path::PathBuf;

use crate::common::{chromium, headless_chromium};
use govpatrol::checks::{Finding, Severity};
use govpatrol::config::Role;
use govpatrol::period::{Period, PeriodReport, SiteReport, Status, TrendPoint};
use govpatrol::run::SiteSummary;
use govpatrol::score::{score_site, ScoringConfig};

const EVIL: &str = "<script>document.title='pwned'</script>通知公告";

fn finding(check: &'static str, url: &str, evidence: serde_json::Value) -> Finding {
    Finding {
        id: govpatrol::checks::finding_id(check, "evil", url, url),
        site: "evil".into(),
        check,
        severity: Severity::Deduction,
        url: url.into(),
        page_url: "http://example.gov.cn/".into(),
        observed_at: "2026-11-25T10:00:00+08:00".into(),
        first_seen: "2026-10-25T10:00:00+08:00".into(),
        evidence,
    }
}

fn report() -> PeriodReport {
    let findings = vec![
        finding(
            "broken_link",
            "http://example.gov.cn/a.html",
            serde_json::json!({"link_text": EVIL, "status": 404, "on_homepage": true}),
        ),
        finding(
            "stale_column",
            "javascript:alert(1)",
            serde_json::json!({"column_name": EVIL, "newest_item_date": "2026-01-01", "days_since_update": 328, "window": "6mo", "category": "policy", "level": 1}),
        ),
    ];
    let score = score_site(&findings, &Default::default(), &ScoringConfig::default());
    let summary = SiteSummary {
        site: "evil".into(),
        dir: PathBuf::from("evil"),
        resumed: false,
        urls: 10,
        pages: 5,
        findings: findings.clone(),
        homepage_error: None,
        columns: vec![],
        homepage: None,
        veto: Default::default(),
        score,
        unchanged: 0,
        saved_bytes: 0,
        coverage: Default::default(),
    };
    PeriodReport {
        period: Period::parse("2026-11").unwrap(),
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        sites: vec![SiteReport {
            summary,
            name: EVIL.into(),
            url: "http://example.gov.cn/".into(),
            owner: EVIL.into(),
            role: Role::Unit,
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            previous_period: Some("2026-10".into()),
            current: vec![
                (findings[0].clone(), Status::Open, 31),
                (findings[1].clone(), Status::New, 0),
            ],
            fixed: vec![finding(
                "empty_column",
                "http://example.gov.cn/old/",
                serde_json::json!({}),
            )],
            previous_counts: [("broken_link".to_string(), 1usize)].into(),
        }],
        sample: None,
        trend: vec![
            TrendPoint {
                period: "2026-10".into(),
                site: "evil".into(),
                score: Some(90.0),
                pass: Some(true),
                findings: 2,
            },
            TrendPoint {
                period: "2026-11".into(),
                site: "evil".into(),
                score: Some(94.0),
                pass: Some(true),
                findings: 2,
            },
        ],
        notice: Default::default(),
        calendar: govpatrol::calendar::Calendar::china(),
    }
}

#[test]
fn web_text_is_escaped_and_only_http_urls_are_links() {
    let r = report();
    let html = govpatrol::period::html::period_page(&r);
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    assert!(!html.contains("href=\"javascript:"));
    assert!(html.contains("仍未整改（已 31 天）"));
    let n = govpatrol::period::notice::Notice::new(&r, &r.sites[0]);
    assert!(!n.html().to_lowercase().contains("<script"));
    assert!(n.markdown().contains("请于 2026年12月16日 前完成整改"));
    assert!(n.markdown().contains("\\<script\\>"), "{}", n.markdown());
}

#[test]
fn report_renders_in_headless_chromium() {
    let Some(bin) = chromium() else {
        eprintln!("SKIPPED: no chromium binary (apt-get install -y chromium); escaping is still checked by web_text_is_escaped_and_only_http_urls_are_links");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, govpatrol::period::html::period_page(&report())).unwrap();
    let url = format!("file://{}", page.display());
    let run = |extra: &[&str]| {
        let profile = tempfile::tempdir().unwrap();
        let o = headless_chromium(&bin, profile.path())
            .args(["--enable-logging=stderr", "--v=0"])
            .args(extra)
            .arg(&url)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let log = String::from_utf8_lossy(&o.stderr).to_string();
        for bad in [
            "Uncaught",
            "net::ERR_",
            "Failed to load resource",
            "Refused to",
            "CONSOLE",
        ] {
            assert!(!log.contains(bad), "browser log has `{bad}`:\n{log}");
        }
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let dom = run(&["--dump-dom"]);
    assert!(dom.contains("id=\"verdicts\""), "{dom}");
    assert!(dom.contains("<svg"), "trend chart drawn");
    assert!(
        !dom.to_lowercase().contains("<script"),
        "no script element: {dom}"
    );
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(dom.contains("<title>网站月度自查报告 2026-11</title>"));
    run(&["--screenshot", "--window-size=1240,1754"]);
    let png = std::fs::read(dir.path().join("screenshot.png")).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"));
}
