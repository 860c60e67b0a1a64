//! Reports: the files a period's folder holds, written so a reader never sees half of one.
//!
//! ```text
//! <out>/<period>/<site id>/findings.jsonl     one finding a line (the machine contract)
//! <out>/<period>/<site id>/broken_links.csv   the webmaster's view of link findings
//! <out>/<period>/<site id>/stale_columns.csv  stale and empty columns (栏目不更新、空白栏目)
//! <out>/<period>/<site id>/summary.csv        one row per indicator: value, threshold, verdict
//! <out>/<period>/<site id>/messages.csv       message findings ([`messages`])
//! <out>/<period>/<site id>/solicitations.csv  every solicitation and its feedback
//! ```
//!
//! Every file is written to a temporary name in the same folder and renamed into place
//! ([`write_atomic`]). Site ids are validated by the config (`[a-z0-9_-]`), so a folder can never
//! escape the output folder.

pub mod csv;
pub mod messages;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::checks::columns::{
    HomepageStatus, VetoCounts, EMPTY_COLUMN, HOMEPAGE_WINDOW_DAYS, STALE_COLUMN, VETO_EMPTY,
    VETO_NEWS_NOTICE_POLICY, VETO_STALE,
};
use crate::checks::{Finding, BROKEN_LINK, LINK_NEEDS_REVIEW};

/// Errors writing reports.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot render {path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: ::csv::Error,
    },
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let io = |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".govpatrol-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// `findings.jsonl`: one JSON object a line.
pub fn findings_jsonl(findings: &[Finding]) -> Vec<u8> {
    let mut out = Vec::new();
    for f in findings {
        serde_json::to_writer(&mut out, f).expect("findings serialise");
        out.push(b'\n');
    }
    out
}

/// Header of `broken_links.csv`: Chinese label and the findings.jsonl key it shows.
pub const BROKEN_LINKS_COLUMNS: &[(&str, &str)] = &[
    ("问题编号", "id"),
    ("检查项", "check"),
    ("所在页面", "page_url"),
    ("链接地址", "url"),
    ("链接文字", "link_text"),
    ("元素", "element"),
    ("状态码", "status"),
    ("错误", "error"),
    ("首页链接", "on_homepage"),
    ("站内链接", "internal"),
    ("尝试次数", "attempts"),
    ("整改建议", "advice"),
    ("首次发现", "first_seen"),
    ("观测时间", "observed_at"),
];

fn yes_no(v: &serde_json::Value) -> String {
    if v.as_bool().unwrap_or(false) {
        "是"
    } else {
        "否"
    }
    .to_string()
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The rows of `broken_links.csv`.
pub fn broken_links_csv(findings: &[Finding]) -> Result<Vec<u8>, ::csv::Error> {
    let header: Vec<&str> = BROKEN_LINKS_COLUMNS.iter().map(|c| c.0).collect();
    let rows: Vec<Vec<String>> = findings
        .iter()
        .filter(|f| f.check == BROKEN_LINK || f.check == LINK_NEEDS_REVIEW)
        .map(|f| {
            let e = &f.evidence;
            let review = f.check == LINK_NEEDS_REVIEW;
            let mut error = text(&e["error"]);
            if let Some(reason) = e["reason"].as_str() {
                if !error.contains(reason) {
                    if !error.is_empty() {
                        error.push_str("; ");
                    }
                    error.push_str(reason);
                }
            }
            vec![
                f.id.clone(),
                if review {
                    "需人工核查"
                } else {
                    "链接不可用"
                }
                .to_string(),
                f.page_url.clone(),
                f.url.clone(),
                text(&e["link_text"]),
                text(&e["element"]),
                text(&e["status"]),
                error,
                yes_no(&e["on_homepage"]),
                yes_no(&e["internal"]),
                text(&e["attempts"]),
                if review {
                    "服务器拒绝了检查程序（登录或访问限制），请人工打开该链接确认能否正常访问"
                        .to_string()
                } else if e["internal"].as_bool().unwrap_or(false) {
                    "恢复该地址的内容，或在所在页面修改/删除该链接".to_string()
                } else {
                    "外部链接失效：在所在页面更新为正确地址或删除该链接".to_string()
                },
                f.first_seen.clone(),
                f.observed_at.clone(),
            ]
        })
        .collect();
    csv::render(&header, &rows)
}

/// Header of `stale_columns.csv`: Chinese label and the findings.jsonl key it shows.
pub const STALE_COLUMNS_COLUMNS: &[(&str, &str)] = &[
    ("问题编号", "id"),
    ("栏目名称", "column_name"),
    ("栏目地址", "url"),
    ("栏目类别", "category"),
    ("栏目层级", "level"),
    ("更新周期", "window"),
    ("周期天数", "window_days"),
    ("最新信息日期", "newest_item_date"),
    ("最新信息标题", "newest_item_title"),
    ("最新信息地址", "newest_item_url"),
    ("距今天数", "days_since_update"),
    ("结论", "verdict"),
    ("来源", "source"),
    ("整改建议", "advice"),
    ("首次发现", "first_seen"),
    ("观测时间", "observed_at"),
];

/// The rows of `stale_columns.csv`: every `stale_column` and `empty_column` finding.
pub fn stale_columns_csv(findings: &[Finding]) -> Result<Vec<u8>, ::csv::Error> {
    let header: Vec<&str> = STALE_COLUMNS_COLUMNS.iter().map(|c| c.0).collect();
    let rows: Vec<Vec<String>> = findings
        .iter()
        .filter(|f| f.check == STALE_COLUMN || f.check == EMPTY_COLUMN)
        .map(|f| {
            let e = &f.evidence;
            let category = e["category"]
                .as_str()
                .and_then(crate::checks::columns::Category::parse)
                .map(|c| format!("{}（{}）", c.label_zh(), c.as_str()))
                .unwrap_or_default();
            let (verdict, advice) = match e["verdict"].as_str().unwrap_or("") {
                "empty" => ("空白栏目", "发布该栏目应有的信息，或撤并该栏目"),
                "undated" => (
                    "信息无发布日期（视为未更新）",
                    "为栏目中的信息标注发布日期，并按期更新",
                ),
                _ => (
                    "未按时更新",
                    "按更新周期发布新信息；已结束的专题请归档或在配置中排除",
                ),
            };
            vec![
                f.id.clone(),
                text(&e["column_name"]),
                f.url.clone(),
                category,
                text(&e["level"]),
                text(&e["window"]),
                text(&e["window_days"]),
                text(&e["newest_item_date"]),
                text(&e["newest_item_title"]),
                text(&e["newest_item_url"]),
                text(&e["days_since_update"]),
                verdict.to_string(),
                if e["source"] == "config" {
                    "配置"
                } else {
                    "自动识别"
                }
                .to_string(),
                advice.to_string(),
                f.first_seen.clone(),
                f.observed_at.clone(),
            ]
        })
        .collect();
    csv::render(&header, &rows)
}

/// One row of `summary.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    /// The indicator, in Chinese.
    pub indicator: String,
    /// Stable English key.
    pub key: &'static str,
    pub value: String,
    pub threshold: String,
    /// 合格 / 单项否决 / 扣分 / 未检测.
    pub verdict: String,
    pub deduction: String,
}

/// Header of `summary.csv`.
pub const SUMMARY_COLUMNS: &[(&str, &str)] = &[
    ("指标", "indicator"),
    ("键", "key"),
    ("测量值", "value"),
    ("阈值", "threshold"),
    ("结论", "verdict"),
    ("扣分", "deduction"),
];

/// The indicators measured so far: homepage update, the three column veto counts, and broken
/// links on the homepage and elsewhere (−1 and −0.1 each, the commonly used values).
pub fn summary_rows(
    findings: &[Finding],
    veto: &VetoCounts,
    homepage: Option<&HomepageStatus>,
) -> Vec<SummaryRow> {
    let row =
        |indicator: &str, key, value: String, threshold: &str, verdict: &str, deduction: String| {
            SummaryRow {
                indicator: indicator.to_string(),
                key,
                value,
                threshold: threshold.to_string(),
                verdict: verdict.to_string(),
                deduction,
            }
        };
    let count = |n: usize, at: usize| if n >= at { "单项否决" } else { "合格" };
    let mut out = Vec::new();
    out.push(match homepage {
        Some(h) => row(
            "首页不更新",
            "homepage_not_updated",
            match (&h.newest, h.days_since_update) {
                (Some(n), Some(days)) => format!(
                    "最新信息 {}（{days} 天前）{}",
                    n.date.map(|d| d.to_string()).unwrap_or_default(),
                    if h.navigation_only {
                        "，首页为导航页，按二级页面计"
                    } else {
                        ""
                    }
                ),
                _ => "首页无带日期的信息".to_string(),
            },
            &format!("{HOMEPAGE_WINDOW_DAYS} 天内有更新"),
            if h.updated { "合格" } else { "单项否决" },
            String::new(),
        ),
        None => row(
            "首页不更新",
            "homepage_not_updated",
            "首页未能读取".into(),
            &format!("{HOMEPAGE_WINDOW_DAYS} 天内有更新"),
            "未检测",
            String::new(),
        ),
    });
    out.push(row(
        "栏目不更新：动态要闻类2周未更新＋一级通知公告/政策文件类6个月未更新",
        "stale_news_notice_policy",
        veto.news_notice_policy.to_string(),
        &format!("≥ {VETO_NEWS_NOTICE_POLICY} 个"),
        count(veto.news_notice_policy, VETO_NEWS_NOTICE_POLICY),
        String::new(),
    ));
    out.push(row(
        "栏目不更新：应更新但长期未更新的栏目",
        "stale_columns",
        veto.stale.to_string(),
        &format!("≥ {VETO_STALE} 个"),
        count(veto.stale, VETO_STALE),
        String::new(),
    ));
    out.push(row(
        "栏目不更新：空白栏目",
        "empty_columns",
        veto.empty.to_string(),
        &format!("≥ {VETO_EMPTY} 个"),
        count(veto.empty, VETO_EMPTY),
        String::new(),
    ));
    let broken = |home: bool| {
        findings
            .iter()
            .filter(|f| f.check == BROKEN_LINK && f.evidence["on_homepage"].as_bool() == Some(home))
            .count()
    };
    for (home, label, key, per) in [
        (true, "链接不可用：首页", "broken_links_homepage", 1.0),
        (false, "链接不可用：其他页面", "broken_links_other", 0.1),
    ] {
        let n = broken(home);
        out.push(row(
            label,
            key,
            n.to_string(),
            &format!("每个扣 {per} 分"),
            if n == 0 { "合格" } else { "扣分" },
            if n == 0 {
                String::new()
            } else {
                format!("{:.1}", n as f64 * per)
            },
        ));
    }
    out
}

/// The bytes of `summary.csv`.
pub fn summary_csv(rows: &[SummaryRow]) -> Result<Vec<u8>, ::csv::Error> {
    let header: Vec<&str> = SUMMARY_COLUMNS.iter().map(|c| c.0).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.indicator.clone(),
                r.key.to_string(),
                r.value.clone(),
                r.threshold.clone(),
                r.verdict.clone(),
                r.deduction.clone(),
            ]
        })
        .collect();
    csv::render(&header, &rows)
}

/// The folder of one site in one period.
pub fn site_dir(out: &Path, period: &str, site: &str) -> PathBuf {
    out.join(period).join(site)
}

/// Writes a site's report files for a period.
pub fn write_site(
    out: &Path,
    period: &str,
    site: &str,
    findings: &[Finding],
    summary: &[SummaryRow],
) -> Result<PathBuf, ReportError> {
    let dir = site_dir(out, period, site);
    write_atomic(&dir.join("findings.jsonl"), &findings_jsonl(findings))?;
    let files: [(&str, Result<Vec<u8>, ::csv::Error>); 3] = [
        ("broken_links.csv", broken_links_csv(findings)),
        ("stale_columns.csv", stale_columns_csv(findings)),
        ("summary.csv", summary_csv(summary)),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        let csv = bytes.map_err(|source| ReportError::Csv {
            path: path.clone(),
            source,
        })?;
        write_atomic(&path, &csv)?;
    }
    Ok(dir)
}
