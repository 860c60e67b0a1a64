//! Messages and solicitations end to end on the sample portal: each outcome of the mailbox
//! (部长信箱 in a table, 网民留言 in a list) and of the solicitations (意见征集) is pinned, with the
//! statistics in summary.csv and the rows of messages.csv and solicitations.csv.

use crate::common::*;
use chrono::Duration;
use govpatrol::calendar::Calendar;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_and_solicitation_outcome() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    let summary = crawl(&targets, &["portal"], &out, as_of()).await;
    let portal = &summary.sites[0];
    let base = sites.sites[0].url.clone();
    let u = |p: &str| base.join(p).unwrap().to_string();

    let mut got: Vec<(&str, &str, String)> = portal
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.check,
                "unanswered_message"
                    | "late_reply"
                    | "solicitation_without_feedback"
                    | "short_solicitation_period"
                    | "no_consultation_channel"
            )
        })
        .map(|f| (f.check, f.severity.as_str(), f.url.clone()))
        .collect();
    got.sort();
    let mut want = vec![
        ("late_reply", "deduction", u("/hdjl/bzxx/xj_02.html")),
        ("unanswered_message", "veto", u("/hdjl/bzxx/xj_03.html")),
        ("unanswered_message", "warning", u("/hdjl/bzxx/xj_04.html")),
        // marked 已回复 in the list, but the page's reply block is empty
        ("unanswered_message", "warning", u("/hdjl/bzxx/xj_06.html")),
        (
            "solicitation_without_feedback",
            "deduction",
            u("/hdjl/yjzj/zj_04.html"),
        ),
        (
            "short_solicitation_period",
            "review",
            u("/hdjl/yjzj/zj_04.html"),
        ),
    ];
    want.sort();
    assert_eq!(got, want);
    // Every finding sits on the message's own page, evidence says what was seen.
    let late = portal
        .findings
        .iter()
        .find(|f| f.check == "late_reply")
        .unwrap();
    assert_eq!(late.page_url, late.url);
    let (asked, replied) = (as_of() - Duration::days(60), as_of() - Duration::days(30));
    assert_eq!(late.evidence["asked"], asked.to_string());
    assert_eq!(late.evidence["replied"], replied.to_string());
    // The calendar of the sample's targets: China's official one plus the sample's holiday.
    let h = Calendar::china().with(&sites.holidays, &[]);
    assert_eq!(
        late.evidence["reply_working_days"],
        h.working_days_between(asked, replied)
    );
    assert_eq!(late.evidence["column"], "部长信箱");

    // summary.csv: the veto count and the statistics per column and site.
    let site_dir = out.join("2026-11").join("portal");
    let summary_rows = csv_rows(&site_dir.join("summary.csv"));
    let value = |key: &str, indicator: &str| -> String {
        summary_rows
            .iter()
            .find(|r| r[1] == key && r[0].ends_with(indicator))
            .unwrap_or_else(|| panic!("{key} {indicator} in {summary_rows:?}"))[2]
            .clone()
    };
    assert_eq!(value("unanswered_messages_veto", "未回复"), "1");
    let wd = |a: i64, b: i64| {
        h.working_days_between(as_of() - Duration::days(a), as_of() - Duration::days(b))
    };
    let (fast, slow) = (wd(40, 35), wd(60, 30));
    assert_eq!(
        value("message_stats_column", "部长信箱"),
        format!(
            "收到 5，已回复 2，回复率 40.0%，回复用时中位数 {} 个工作日，最慢 {slow} 个工作日，最久未回复 {}（122 天）",
            (fast + slow) / 2,
            as_of() - Duration::days(122)
        )
    );
    assert_eq!(value("message_stats_column", "网民留言"), {
        let mut v = [wd(12, 8), wd(20, 17), wd(33, 31)];
        v.sort();
        format!(
                "收到 4，已回复 3，回复率 75.0%，回复用时中位数 {} 个工作日，最慢 {} 个工作日，最久未回复 {}（5 天）",
                v[1],
                v[2],
                as_of() - Duration::days(5)
            )
    });
    // The site adds 留言选登 (6 messages, all answered) to both mailboxes.
    assert!(value("message_stats_site", "全站").starts_with("收到 15，已回复 11，回复率 73.3%"));

    // messages.csv: one row per message finding.
    let m = csv_rows(&site_dir.join("messages.csv"));
    assert_eq!(m[0][0], "问题编号");
    assert_eq!(m.len(), 1 + 4);
    assert!(m
        .iter()
        .any(|r| r[1] == "留言超过3个月未回复" && r[2] == "单项否决"));

    // solicitations.csv: every solicitation, its feedback, its verdict.
    let s = csv_rows(&site_dir.join("solicitations.csv"));
    assert_eq!(s.len(), 1 + 4);
    let row = |file: &str| {
        s.iter()
            .find(|r| r[1] == u(&format!("/hdjl/yjzj/{file}")))
            .unwrap()
            .clone()
    };
    assert_eq!(row("zj_01.html")[6], "进行中");
    assert_eq!(row("zj_01.html")[9], "合格");
    assert_eq!(row("zj_02.html")[8], u("/hdjl/yjzj/fk_02.html"));
    assert_eq!(row("zj_03.html")[8], u("/hdjl/yjzj/jg_03.html"));
    assert_eq!(row("zj_04.html")[8], "");
    assert!(row("zj_04.html")[9].contains("结束后未公开意见采纳情况"));
}
