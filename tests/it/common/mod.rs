//! Shared helpers for the integration tests: the sample sites, a targets file for them, a run.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use govpatrol::checks::Finding;
use govpatrol::config::Targets;
use govpatrol::run::{self, RunOptions, RunSummary};
use govpatrol_sample::SampleSites;

/// The check point every test pins.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

pub async fn sample() -> SampleSites {
    SampleSites::start(as_of())
        .await
        .expect("sample sites start")
}

/// Writes a targets file for the sample sites into `dir`.
pub fn write_targets(dir: &Path, sites: &SampleSites, rps: f64) -> PathBuf {
    let path = dir.join("targets.toml");
    std::fs::write(&path, govpatrol::demo::targets_toml(sites, rps)).unwrap();
    path
}

pub fn options(out: &Path, as_of: NaiveDate) -> RunOptions {
    RunOptions {
        out: out.to_path_buf(),
        as_of,
        fresh: false,
        progress_bars: false,
        progress_lines: false,
    }
}

/// Crawls `targets` (optionally only some sites) into `out`.
pub async fn crawl(targets: &Path, only: &[&str], out: &Path, as_of: NaiveDate) -> RunSummary {
    crawl_with(targets, only, &options(out, as_of)).await
}

/// [`crawl`] with `--fresh`: a new run even when one of the same check point is finished
/// (which the same command would only report again).
pub async fn crawl_fresh(
    targets: &Path,
    only: &[&str],
    out: &Path,
    as_of: NaiveDate,
) -> RunSummary {
    crawl_with(
        targets,
        only,
        &RunOptions {
            fresh: true,
            ..options(out, as_of)
        },
    )
    .await
}

async fn crawl_with(targets: &Path, only: &[&str], opts: &RunOptions) -> RunSummary {
    let mut t = Targets::load(targets).expect("targets load");
    t.select(&only.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .unwrap();
    let (_tx, stop) = tokio::sync::watch::channel(false);
    run::crawl(&t, opts, stop).await.expect("crawl runs")
}

/// The columns `govpatrol columns --json` lists for the only site of `targets` after a crawl
/// into `out`, one JSON object each (`url`, `verdict`, `newest` …).
pub fn listed_columns(targets: &Path, out: &Path) -> Vec<serde_json::Value> {
    let site = Targets::load(targets).unwrap().sites.remove(0);
    let listed = govpatrol::columns_cmd::list_columns(&site, out, None, true).unwrap();
    match serde_json::from_str(&listed).unwrap() {
        serde_json::Value::Array(a) => a,
        other => panic!("not a list of columns: {other}"),
    }
}

/// (site, check, page_url, url) of a finding: what "the same finding" means in the tests.
pub type Key = (String, String, String, String);

pub fn key(f: &Finding) -> Key {
    (
        f.site.clone(),
        f.check.to_string(),
        f.page_url.clone(),
        f.url.clone(),
    )
}

pub fn keys(summary: &RunSummary) -> BTreeSet<Key> {
    summary
        .sites
        .iter()
        .flat_map(|s| s.findings.iter().map(key))
        .collect()
}

/// Reads a findings.jsonl file back as JSON values.
pub fn read_jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The sorted finding ids of a findings.jsonl file.
pub fn finding_ids(path: &Path) -> Vec<String> {
    let mut ids: Vec<String> = read_jsonl(path)
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// The rows of a CSV report (header included), after checking its byte-order mark.
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "{} has no BOM",
        path.display()
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    r.records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The first of these programs on the PATH.
pub fn which(names: &[&str]) -> Option<PathBuf> {
    names.iter().find_map(|b| {
        let o = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {b}")])
            .output()
            .ok()?;
        o.status
            .success()
            .then(|| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
    })
}

/// Debian's Chromium (or another Chrome) on the PATH.
pub fn chromium() -> Option<PathBuf> {
    which(&["chromium", "chromium-browser", "google-chrome"])
}

/// Headless Chromium with a profile of its own in `profile` and no network of its own (no
/// updates, sync or first-run pages): add the page's flags and its URL.
pub fn headless_chromium(bin: &Path, profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(bin);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Held by the tests that crawl a hostile server with big bodies (`hostile`, `hostile_web`), so
/// that they do not run at once: `hostile` asserts the process's peak memory, which is the sum of
/// every test running beside it.
pub static HOSTILE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
