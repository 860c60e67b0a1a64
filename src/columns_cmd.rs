//! `govpatrol columns --site ID`: the columns of a site as the latest stored run found them
//! (name, URL, category, level, window, source, newest item, verdict), so an office can review
//! them and pin the right ones as `[[site.column]]` in targets.toml. Reads the store only: the
//! same [`crate::run::gather_columns`] the run uses, at the run's own check point.

use std::fmt::Write;
use std::path::Path;

use chrono::NaiveDate;

use crate::config::Site;
use crate::run::{gather_columns, RunError};
use crate::store::{self, Store};

/// Renders the column list of the latest finished run of `site` (in `period` when given) as a
/// table, or as a JSON array with `json`.
pub fn list_columns(
    site: &Site,
    out: &Path,
    period: Option<&str>,
    json: bool,
) -> Result<String, RunError> {
    let db = store::db_path(out);
    if !db.exists() {
        return Err(RunError::NoRun {
            site: site.id.clone(),
            detail: format!("no history database at {}", db.display()),
        });
    }
    let store = Store::open(&db)?;
    let run = match period {
        Some(p) => store.latest_done_run(&site.id, p)?,
        None => store.latest_done_run_any(&site.id)?,
    }
    .ok_or_else(|| RunError::NoRun {
        site: site.id.clone(),
        detail: match period {
            Some(p) => format!("no finished run in {p}; run `govpatrol crawl` first"),
            None => "no finished run; run `govpatrol crawl` first".into(),
        },
    })?;
    let as_of = NaiveDate::parse_from_str(&run.as_of, "%Y-%m-%d")
        .unwrap_or_else(|_| chrono::Local::now().date_naive());
    let homepages = vec![site.url.to_string(), run.home_url.clone()];
    let report = gather_columns(&store, site, run.id, &homepages, as_of)?;
    if json {
        let mut s = serde_json::to_string_pretty(&report.columns).unwrap_or_default();
        s.push('\n');
        return Ok(s);
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({}), run of {} at check point {}: {} columns",
        site.id,
        site.name,
        run.period,
        run.as_of,
        report.columns.len()
    );
    let _ = writeln!(
        s,
        "{:<20} {:<14} {:>5} {:>6} {:<10} {:<10} {:<9} URL",
        "name", "category", "level", "window", "source", "newest", "verdict"
    );
    for c in &report.columns {
        let newest = c
            .newest
            .as_ref()
            .and_then(|n| n.date)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            s,
            "{:<20} {:<14} {:>5} {:>6} {:<10} {:<10} {:<9} {}",
            c.column.name,
            c.column.category.as_str(),
            c.column.level,
            c.column.window.to_string(),
            c.column.source.as_str(),
            newest,
            c.verdict.as_str(),
            c.column.url
        );
    }
    let v = report.veto;
    let _ = writeln!(
        s,
        "veto counts: news+notice/policy stale {} (veto at 5), stale {} (at 10), empty {} (at 5)",
        v.news_notice_policy, v.stale, v.empty
    );
    Ok(s)
}
