//! `messages.csv` (one row per message finding), `solicitations.csv` (one row per solicitation,
//! with its feedback and verdict) and the message statistics rows of `summary.csv`.

use std::path::Path;

use super::{csv, text, write_csv, ReportError, SummaryRow, Table};
use crate::checks::messages::{
    MessageStats, SolicitationStatusRow, LATE_REPLY, NO_CONSULTATION_CHANNEL,
    SHORT_SOLICITATION_PERIOD, SOLICITATION_WITHOUT_FEEDBACK, UNANSWERED_MESSAGE,
};
use crate::checks::{Finding, Severity};
use crate::extract::messages::{MessageStatus, SolicitationStatus};

/// Header of `messages.csv`: Chinese label and the findings.jsonl key it shows.
pub const MESSAGES_COLUMNS: &[(&str, &str)] = &[
    ("问题编号", "id"),
    ("检查项", "check"),
    ("严重程度", "severity"),
    ("栏目", "column"),
    ("栏目地址", "column_url"),
    ("留言标题", "title"),
    ("留言地址", "url"),
    ("所在页面", "page_url"),
    ("留言时间", "asked"),
    ("回复时间", "replied"),
    ("状态", "status"),
    ("回复用时（工作日）", "reply_working_days"),
    ("已等待（天）", "waited_days"),
    ("已等待（工作日）", "waited_working_days"),
    ("答复时限（工作日）", "reply_days_limit"),
    ("整改建议", "advice"),
    ("首次发现", "first_seen"),
    ("观测时间", "observed_at"),
];

fn status_zh(v: &serde_json::Value) -> &'static str {
    match serde_json::from_value::<MessageStatus>(v.clone()) {
        Ok(MessageStatus::Answered) => "已回复",
        Ok(MessageStatus::Pending) => "未回复",
        _ => "未标明",
    }
}

/// Whether a finding is a row of `messages.csv`.
pub fn is_message_finding(f: &Finding) -> bool {
    [UNANSWERED_MESSAGE, LATE_REPLY, NO_CONSULTATION_CHANNEL].contains(&f.check)
        || (f.check == "stale_column" && f.evidence["basis"] == "reply_date")
}

/// The bytes of `messages.csv`: every message finding.
pub fn messages_csv(findings: &[Finding]) -> Result<Vec<u8>, ::csv::Error> {
    messages_table(findings.iter().filter(|f| is_message_finding(f))).csv()
}

/// The table of `messages.csv` over the given message findings.
pub fn messages_table<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Table {
    let rows: Vec<Vec<String>> = findings
        .into_iter()
        .map(|f| {
            let e = &f.evidence;
            let (label, advice) = match (f.check, f.severity) {
                (UNANSWERED_MESSAGE, Severity::Veto) => {
                    ("留言超过3个月未回复", "立即答复并公开答复内容")
                }
                (UNANSWERED_MESSAGE, _) => ("留言超过答复时限未回复", "尽快答复并公开答复内容"),
                (LATE_REPLY, _) => ("留言答复超时", "按时限答复，核查办理流程"),
                (NO_CONSULTATION_CHANNEL, _) => (
                    "无可用的咨询渠道",
                    "开设咨询或留言栏目并确保入口页面可以打开",
                ),
                _ => ("留言答复长期未更新", "及时公开留言答复"),
            };
            vec![
                f.id.clone(),
                label.to_string(),
                f.severity.label_zh().to_string(),
                text(&e["column"]),
                text(&e["column_url"]),
                text(&e["title"]),
                f.url.clone(),
                f.page_url.clone(),
                text(&e["asked"]),
                text(if f.check == "stale_column" {
                    &e["newest_item_date"]
                } else {
                    &e["replied"]
                }),
                if e["status"].is_null() {
                    String::new()
                } else {
                    status_zh(&e["status"]).to_string()
                },
                text(&e["reply_working_days"]),
                text(&e["waited_days"]),
                text(&e["waited_working_days"]),
                text(&e["reply_days_limit"]),
                advice.to_string(),
                f.first_seen.clone(),
                f.observed_at.clone(),
            ]
        })
        .collect();
    Table::new(MESSAGES_COLUMNS, rows)
}

/// Header of `solicitations.csv`.
pub const SOLICITATIONS_COLUMNS: &[&str] = &[
    "征集标题",
    "征集地址",
    "所在页面",
    "开始日期",
    "截止日期",
    "反馈时间",
    "状态",
    "已结束",
    "结果反馈",
    "结论",
];

/// The rows of `solicitations.csv`: every solicitation, its feedback and the finding on it.
pub fn solicitations_csv(
    rows: &[SolicitationStatusRow],
    findings: &[Finding],
) -> Result<Vec<u8>, ::csv::Error> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let s = &r.solicitation;
            let url = s
                .url
                .as_ref()
                .map_or_else(|| format!("{}#{}", r.page_url, s.title), |u| u.to_string());
            let verdicts: Vec<&str> = findings
                .iter()
                .filter(|f| f.url == url)
                .filter_map(|f| match f.check {
                    SOLICITATION_WITHOUT_FEEDBACK => Some("结束后未公开意见采纳情况"),
                    SHORT_SOLICITATION_PERIOD => Some("征集期少于30天，需人工核查"),
                    _ => None,
                })
                .collect();
            vec![
                s.title.clone(),
                url,
                r.page_url.clone(),
                date(s.from),
                date(s.to),
                date(s.feedback_date),
                match s.status {
                    SolicitationStatus::Open => "进行中",
                    SolicitationStatus::Closed => "已结束",
                    SolicitationStatus::Unknown => "未标明",
                }
                .to_string(),
                if r.closed { "是" } else { "否" }.to_string(),
                r.feedback.clone().unwrap_or_default(),
                if verdicts.is_empty() {
                    "合格".to_string()
                } else {
                    verdicts.join("；")
                },
            ]
        })
        .collect();
    csv::render(SOLICITATIONS_COLUMNS, &rows)
}

/// The statistics rows of `summary.csv`: the site's figures, then each column's, and the
/// 互动回应差 veto count.
pub fn summary_rows(
    site: &MessageStats,
    columns: &[MessageStats],
    findings: &[Finding],
) -> Vec<SummaryRow> {
    let vetoes = findings
        .iter()
        .filter(|f| f.check == UNANSWERED_MESSAGE && f.severity == Severity::Veto)
        .count();
    let no_channel = findings.iter().any(|f| f.check == NO_CONSULTATION_CHANNEL);
    let mut out = vec![SummaryRow {
        indicator: "互动回应差：留言超过3个月未回复".into(),
        key: "unanswered_messages_veto",
        value: vetoes.to_string(),
        threshold: "0 条".into(),
        verdict: if vetoes > 0 { "单项否决" } else { "合格" }.into(),
        deduction: String::new(),
    }];
    if no_channel {
        out.push(SummaryRow {
            indicator: "互动回应差：无可用的咨询渠道".into(),
            key: "no_consultation_channel",
            value: "是".into(),
            threshold: "有可用的咨询栏目".into(),
            verdict: "单项否决".into(),
            deduction: String::new(),
        });
    }
    for s in std::iter::once(site).chain(columns) {
        out.push(stats_row(s));
    }
    out
}

fn stats_row(s: &MessageStats) -> SummaryRow {
    let rate = s
        .answer_rate
        .map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "—".into());
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
    let waiting = match (s.oldest_waiting, s.oldest_waiting_days) {
        (Some(d), Some(n)) => format!("{d}（{n} 天）"),
        _ => "无".into(),
    };
    SummaryRow {
        indicator: if s.column.is_empty() {
            "留言办理统计：全站".to_string()
        } else {
            format!("留言办理统计：{}", s.column)
        },
        key: if s.column.is_empty() {
            "message_stats_site"
        } else {
            "message_stats_column"
        },
        value: format!(
            "收到 {}，已回复 {}，回复率 {rate}，回复用时中位数 {} 个工作日，最慢 {} 个工作日，最久未回复 {waiting}",
            s.received,
            s.answered,
            opt(s.median_reply_days),
            opt(s.slowest_reply_days)
        ),
        threshold: "近一年留言".into(),
        verdict: "统计".into(),
        deduction: String::new(),
    }
}

/// Writes `messages.csv` and `solicitations.csv` into a site's folder.
pub fn write(
    dir: &Path,
    findings: &[Finding],
    solicitations: &[SolicitationStatusRow],
) -> Result<(), ReportError> {
    for (name, bytes) in [
        ("messages.csv", messages_csv(findings)),
        (
            "solicitations.csv",
            solicitations_csv(solicitations, findings),
        ),
    ] {
        write_csv(dir, name, bytes)?;
    }
    Ok(())
}
