//! Reports: the files a period's folder holds, written so a reader never sees half of one.
//!
//! ```text
//! <out>/<period>/<site id>/findings.jsonl     one finding a line (the machine contract)
//! <out>/<period>/<site id>/broken_links.csv   the webmaster's view of link findings
//! <out>/<period>/<site id>/stale_columns.csv  stale and empty columns (栏目不更新、空白栏目)
//! <out>/<period>/<site id>/interpretations.csv policy documents and their interpretations
//! <out>/<period>/<site id>/summary.csv        one row per indicator: value, threshold, verdict
//! <out>/<period>/<site id>/messages.csv       message findings ([`messages`])
//! <out>/<period>/<site id>/solicitations.csv  every solicitation and its feedback
//! <out>/<period>/<site id>/findings.xlsx      the workbook: the summary, then a sheet per check
//! ```
//!
//! The CSV files and the workbook are rendered from the same [`Table`]s, so a sheet has its
//! CSV's columns; every word a person reads comes from [`crate::wording`].
//!
//! Every file is written to a temporary name in the same folder and renamed into place
//! ([`write_atomic`]). Site ids are validated by the config (`[a-z0-9_-]`), so a folder can never
//! escape the output folder.

pub mod csv;
pub mod messages;
pub mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::checks::columns::{
    HomepageStatus, VetoCounts, EMPTY_COLUMN, HOMEPAGE_WINDOW_DAYS, STALE_COLUMN, VETO_EMPTY,
    VETO_NEWS_NOTICE_POLICY, VETO_STALE,
};
use crate::checks::{Finding, BROKEN_LINK, LINK_NEEDS_REVIEW};
use crate::wording;

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
    Xlsx {
        path: PathBuf,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("cannot render {path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: ::csv::Error,
    },
}

/// Writes a rendered CSV file `name` into `dir` ([`write_atomic`]); a rendering error names the
/// file it was for.
pub fn write_csv(
    dir: &Path,
    name: &str,
    rendered: Result<Vec<u8>, ::csv::Error>,
) -> Result<(), ReportError> {
    let path = dir.join(name);
    let bytes = rendered.map_err(|source| ReportError::Csv {
        path: path.clone(),
        source,
    })?;
    write_atomic(&path, &bytes)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Writes `path` as [`write_atomic`] does, with `fill` writing the content (buffered) straight
/// into the temporary file, so a large file is never whole in memory.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), ReportError> {
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
    let mut w = std::io::BufWriter::new(tmp.as_file_mut());
    fill(&mut w).and_then(|()| w.flush()).map_err(io)?;
    drop(w);
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// `findings.jsonl`: one JSON object a line.
pub fn write_findings_jsonl(w: &mut dyn Write, findings: &[Finding]) -> std::io::Result<()> {
    for f in findings {
        serde_json::to_writer(&mut *w, f)?;
        w.write_all(b"\n")?;
    }
    Ok(())
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
    ("打开结果", "error"),
    ("首页链接", "on_homepage"),
    ("站内链接", "internal"),
    ("尝试次数", "attempts"),
    ("整改建议", "advice"),
    ("首次发现", "first_seen"),
    ("观测时间", "observed_at"),
    ("页面读取方式", "rendered"),
];

fn yes_no(v: &serde_json::Value) -> String {
    if v.as_bool().unwrap_or(false) {
        "是"
    } else {
        "否"
    }
    .to_string()
}

/// The first of two values that is there, as text.
fn val_or(a: &serde_json::Value, b: &serde_json::Value) -> String {
    if a.is_null() {
        text(b)
    } else {
        text(a)
    }
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A table as people read it: the Chinese header and the rows, rendered as a CSV file
/// ([`Table::csv`]) and as a sheet of the workbook ([`xlsx`]) from the same rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with the Chinese labels of `columns` as its header.
    pub fn new(columns: &[(&'static str, &str)], rows: Vec<Vec<String>>) -> Table {
        Table {
            header: columns.iter().map(|c| c.0).collect(),
            rows,
        }
    }

    /// The bytes of the CSV file ([`csv::render`]).
    pub fn csv(&self) -> Result<Vec<u8>, ::csv::Error> {
        csv::render(&self.header, &self.rows)
    }
}

/// The table of `broken_links.csv` over the given link findings.
pub fn broken_links_table<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Table {
    let rows: Vec<Vec<String>> = findings
        .into_iter()
        .map(|f| {
            let e = &f.evidence;
            let review = f.check == LINK_NEEDS_REVIEW;
            vec![
                f.id.clone(),
                wording::check_name(f.check).to_string(),
                f.page_url.clone(),
                f.url.clone(),
                text(&e["link_text"]),
                e["element"]
                    .as_str()
                    .map(wording::element)
                    .unwrap_or_default(),
                text(&e["status"]),
                wording::link_outcome(e),
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
                wording::rendering(e).unwrap_or_default(),
            ]
        })
        .collect();
    Table::new(BROKEN_LINKS_COLUMNS, rows)
}

/// Whether a finding is a row of `broken_links.csv`.
pub fn is_link_finding(f: &Finding) -> bool {
    f.check == BROKEN_LINK || f.check == LINK_NEEDS_REVIEW
}

/// The bytes of `broken_links.csv`: every link finding.
pub fn broken_links_csv(findings: &[Finding]) -> Result<Vec<u8>, ::csv::Error> {
    broken_links_table(findings.iter().filter(|f| is_link_finding(f))).csv()
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
    ("页面读取方式", "rendered"),
];

/// The table of `stale_columns.csv` over the given column findings.
pub fn stale_columns_table<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Table {
    let rows: Vec<Vec<String>> = findings
        .into_iter()
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
                val_or(&e["column_name"], &e["column"]),
                f.url.clone(),
                category,
                text(&e["level"]),
                e["window"]
                    .as_str()
                    .map(wording::window)
                    .unwrap_or_default(),
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
                wording::rendering(e).unwrap_or_default(),
            ]
        })
        .collect();
    Table::new(STALE_COLUMNS_COLUMNS, rows)
}

/// Whether a finding is a row of `stale_columns.csv`.
pub fn is_column_finding(f: &Finding) -> bool {
    f.check == STALE_COLUMN || f.check == EMPTY_COLUMN
}

/// The bytes of `stale_columns.csv`: every `stale_column` and `empty_column` finding.
pub fn stale_columns_csv(findings: &[Finding]) -> Result<Vec<u8>, ::csv::Error> {
    stale_columns_table(findings.iter().filter(|f| is_column_finding(f))).csv()
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
            match (h.newest.as_ref().and_then(|n| n.date), h.days_since_update) {
                (Some(date), Some(days)) => format!(
                    "最新信息 {date}（{days} 天前）{}",
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

/// The rows of `summary.csv` that say how much of the site was read ([`crate::store::Coverage`]):
/// always present, so a script can rely on the keys; the verdict column says 未完成 / 未覆盖全站
/// where something was left.
pub fn coverage_rows(c: &crate::store::Coverage) -> Vec<SummaryRow> {
    let row = |indicator: &str, key, value: String, verdict: &str| SummaryRow {
        indicator: format!("检查范围：{indicator}"),
        key,
        value,
        threshold: String::new(),
        verdict: verdict.into(),
        deduction: String::new(),
    };
    let count = |n: usize, bad: &str| {
        if n > 0 {
            bad.to_string()
        } else {
            String::new()
        }
    };
    vec![
        row(
            "抓取是否完成（时间用尽则未完成，再次运行同一命令接着完成）",
            "crawl_complete",
            if c.crawl_complete { "是" } else { "否" }.into(),
            if c.crawl_complete {
                "完成"
            } else {
                "未完成"
            },
        ),
        row(
            "未检查的网址数",
            "urls_left",
            c.urls_left.to_string(),
            &count(c.urls_left, "未完成"),
        ),
        row(
            "未经最后复查的失败网址数",
            "failures_not_rechecked",
            c.failures_not_rechecked.to_string(),
            &count(c.failures_not_rechecked, "未完成"),
        ),
        row(
            "因页面数量上限（max_pages）未读取内容的页面数",
            "pages_over_max_pages",
            c.pages_over_max_pages.to_string(),
            &count(c.pages_over_max_pages, "未覆盖全站"),
        ),
        row(
            "因链接层级上限（max_depth）未读取内容的页面数",
            "pages_over_max_depth",
            c.pages_over_max_depth.to_string(),
            &count(c.pages_over_max_depth, "未覆盖全站"),
        ),
        row(
            "未完整读取的页面数（超过大小或处理时限）",
            "urls_not_read_whole",
            c.urls_not_read_whole.to_string(),
            &count(c.urls_not_read_whole, "未覆盖全站"),
        ),
    ]
}

/// Appends the scoring rows to `summary.csv`: one per indicator with deductions (capped at its
/// share), one per veto item hit, the score and the verdict (合格/不合格).
pub fn add_score_rows(rows: &mut Vec<SummaryRow>, score: &crate::score::SiteScore) {
    for d in &score.deductions {
        rows.push(SummaryRow {
            indicator: format!("扣分：{}", d.indicator),
            key: d.key,
            value: format!("{} 处，合计 {:.1} 分", d.count, d.raw),
            threshold: format!("本项最多扣 {:.1} 分", d.cap),
            verdict: "扣分".into(),
            deduction: format!("{:.1}", d.points),
        });
    }
    rows.push(SummaryRow {
        indicator: "单项否决".into(),
        key: "veto_items",
        value: if score.vetoes.is_empty() {
            "无".into()
        } else {
            score
                .vetoes
                .iter()
                .map(|v| v.phrase())
                .collect::<Vec<_>>()
                .join("；")
        },
        threshold: "任一项即不合格".into(),
        verdict: if score.vetoes.is_empty() {
            "合格"
        } else {
            "单项否决"
        }
        .into(),
        deduction: String::new(),
    });
    rows.push(SummaryRow {
        indicator: "总分与结论".into(),
        key: "score",
        value: format!("{:.1}", score.score),
        threshold: "无单项否决且 ≥ 60 分为合格".into(),
        verdict: score.verdict_zh().into(),
        deduction: format!(
            "{:.1}",
            score.deductions.iter().map(|d| d.points).sum::<f64>()
        ),
    });
}

/// The bytes of `summary.csv`.
pub fn summary_csv(rows: &[SummaryRow]) -> Result<Vec<u8>, ::csv::Error> {
    summary_table(rows).csv()
}

/// The table of `summary.csv`.
pub fn summary_table(rows: &[SummaryRow]) -> Table {
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
    Table::new(SUMMARY_COLUMNS, rows)
}

/// Header of `interpretations.csv` (Chinese label, stable English key).
pub const INTERPRETATION_COLUMNS: &[(&str, &str)] = &[
    ("政策文件标题", "title"),
    ("文号", "doc_number"),
    ("发布日期", "date"),
    ("政策文件网址", "url"),
    ("解读标题", "interpretation_title"),
    ("解读网址", "interpretation_url"),
    ("解读日期", "interpretation_date"),
    ("相隔工作日", "working_days"),
    ("匹配依据", "matched_by"),
    ("文件链接解读", "document_links_interpretation"),
    ("解读链接文件", "interpretation_links_document"),
    ("问题", "finding"),
    ("首次发现", "first_seen"),
];

fn yes_no_read(b: Option<bool>) -> String {
    match b {
        Some(true) => "是".into(),
        Some(false) => "否".into(),
        None => "未读取".into(),
    }
}

/// The bytes of `interpretations.csv`: one row per policy document in the window (excluded ones
/// say which pattern left them out); `first_seen` of the document's finding, if any.
pub fn interpretations_csv(
    r: &crate::checks::interpretations::Report,
    findings: &[Finding],
) -> Result<Vec<u8>, ::csv::Error> {
    let header: Vec<&str> = INTERPRETATION_COLUMNS.iter().map(|c| c.0).collect();
    let first_seen = |url: &str, check: &str| {
        findings
            .iter()
            .filter(|f| f.url == url && (check.is_empty() || f.check == check))
            .map(|f| f.first_seen.clone())
            .min()
            .unwrap_or_default()
    };
    let label = |c: &str| match c {
        "missing_interpretation" => "未发布解读",
        "late_interpretation" => "解读发布不及时",
        "unlinked_interpretation" => "文件与解读未相互关联",
        _ => "",
    };
    let mut rows: Vec<Vec<String>> = r
        .outcomes
        .iter()
        .map(|o| {
            let mut problems: Vec<&str> = findings
                .iter()
                .filter(|f| f.url == o.doc_url && f.check.ends_with("_interpretation"))
                .map(|f| label(f.check))
                .collect();
            problems.dedup();
            vec![
                o.doc_title.clone(),
                o.doc_number.clone().unwrap_or_default(),
                o.doc_date.map(|d| d.to_string()).unwrap_or_default(),
                o.doc_url.clone(),
                o.interp_title.clone().unwrap_or_default(),
                o.interp_url.clone().unwrap_or_default(),
                o.interp_date.map(|d| d.to_string()).unwrap_or_default(),
                o.working_days.map(|d| d.to_string()).unwrap_or_default(),
                o.matched_by
                    .iter()
                    .map(|s| s.label_zh())
                    .collect::<Vec<_>>()
                    .join("、"),
                if o.interp_url.is_some() {
                    yes_no_read(o.doc_links_interp)
                } else {
                    String::new()
                },
                if o.interp_url.is_some() {
                    yes_no_read(o.interp_links_doc)
                } else {
                    String::new()
                },
                if problems.is_empty() {
                    "无".to_string()
                } else {
                    problems.join("；")
                },
                if problems.is_empty() {
                    String::new()
                } else {
                    first_seen(&o.doc_url, "")
                },
            ]
        })
        .collect();
    rows.extend(r.excluded.iter().map(|e| {
        let mut row = vec![String::new(); INTERPRETATION_COLUMNS.len()];
        row[0] = e.title.clone();
        row[2] = e.date.map(|d| d.to_string()).unwrap_or_default();
        row[3] = e.url.clone();
        row[11] = format!("不需解读，已排除（标题含“{}”）", e.pattern);
        row
    }));
    csv::render(&header, &rows)
}

/// Writes `interpretations.csv` into a site's folder.
pub fn write_interpretations(
    dir: &Path,
    r: &crate::checks::interpretations::Report,
    findings: &[Finding],
) -> Result<(), ReportError> {
    write_csv(dir, "interpretations.csv", interpretations_csv(r, findings))
}

/// The coverage rows of the interpretation check for summary.csv: documents in the window,
/// interpreted, on time, linked both ways, excluded.
pub fn interpretation_rows(r: &crate::checks::interpretations::Report) -> Vec<SummaryRow> {
    let c = r.coverage;
    let pct = |n: usize| {
        if c.documents == 0 {
            "—".to_string()
        } else {
            format!(
                "{n}/{}（{:.0}%）",
                c.documents,
                n as f64 * 100.0 / c.documents as f64
            )
        }
    };
    let verdict = |ok: bool| if ok { "合格" } else { "扣分" }.to_string();
    let mut reasons: Vec<String> = Vec::new();
    for e in &r.excluded {
        let n = r.excluded.iter().filter(|x| x.pattern == e.pattern).count();
        let s = format!("{}×{n}", e.pattern);
        if !reasons.contains(&s) {
            reasons.push(s);
        }
    }
    vec![
        SummaryRow {
            indicator: "政策解读：窗口期内政策文件".into(),
            key: "policy_documents",
            value: format!(
                "{}（另有 {} 件不需解读已排除{}）",
                c.documents,
                c.excluded,
                if reasons.is_empty() {
                    String::new()
                } else {
                    format!("：{}", reasons.join("、"))
                }
            ),
            threshold: "统计项，不设阈值".into(),
            verdict: "统计".into(),
            deduction: String::new(),
        },
        SummaryRow {
            indicator: "政策解读：已解读".into(),
            key: "policy_interpreted",
            value: pct(c.interpreted),
            threshold: "全覆盖".into(),
            verdict: verdict(c.interpreted == c.documents),
            deduction: String::new(),
        },
        SummaryRow {
            indicator: "政策解读：按时解读".into(),
            key: "policy_interpreted_on_time",
            value: pct(c.on_time),
            threshold: "解读与文件同步（3 个工作日内）".into(),
            verdict: verdict(c.on_time == c.interpreted),
            deduction: String::new(),
        },
        SummaryRow {
            indicator: "政策解读：文件与解读相互关联".into(),
            key: "policy_linked_both_ways",
            value: pct(c.linked_both_ways),
            threshold: "相互链接".into(),
            verdict: verdict(c.linked_both_ways == c.interpreted),
            deduction: String::new(),
        },
    ]
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
    write_atomic_with(&dir.join("findings.jsonl"), |w| {
        write_findings_jsonl(w, findings)
    })?;
    // one file rendered at a time: a site's findings can be megabytes
    write_csv(&dir, "broken_links.csv", broken_links_csv(findings))?;
    write_csv(&dir, "stale_columns.csv", stale_columns_csv(findings))?;
    write_csv(&dir, "summary.csv", summary_csv(summary))?;
    let path = dir.join("findings.xlsx");
    let bytes = xlsx::workbook(findings, summary).map_err(|source| ReportError::Xlsx {
        path: path.clone(),
        source,
    })?;
    write_atomic(&path, &bytes)?;
    Ok(dir)
}
