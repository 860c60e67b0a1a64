//! Reports: the files a period's folder holds, written so a reader never sees half of one.
//!
//! ```text
//! <out>/<period>/<site id>/findings.jsonl     one finding a line (the machine contract)
//! <out>/<period>/<site id>/broken_links.csv   the webmaster's view of link findings
//! ```
//!
//! Every file is written to a temporary name in the same folder and renamed into place
//! ([`write_atomic`]). Site ids are validated by the config (`[a-z0-9_-]`), so a folder can never
//! escape the output folder.

pub mod csv;

use std::io::Write;
use std::path::{Path, PathBuf};

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
) -> Result<PathBuf, ReportError> {
    let dir = site_dir(out, period, site);
    write_atomic(&dir.join("findings.jsonl"), &findings_jsonl(findings))?;
    let path = dir.join("broken_links.csv");
    let csv = broken_links_csv(findings).map_err(|source| ReportError::Csv {
        path: path.clone(),
        source,
    })?;
    write_atomic(&path, &csv)?;
    Ok(dir)
}
