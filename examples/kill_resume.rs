//! Kill/resume measurement (`bench/kill-resume.sh`): serves the built-in sample sites on
//! loopback, crawls them once cleanly with the given binary, then, for each kill pattern,
//! crawls them again into a fresh folder, `kill -9`s the process at the pattern's moments,
//! finishes with one more run of the same command and prints how many more requests the sites
//! received than in the clean run, and whether every findings.jsonl is identical.
//!
//! A moment is picked by watching, not by sleeping: `0.6` is "once the sample servers have
//! received 60 % of the clean run's requests (counted over the whole killed sequence)"; `files`
//! is "once a findings.jsonl is written by this process" (checks and report writing);
//! `recheck` is "once this process has stored a re-check of a failure" (the end-of-crawl
//! re-check, watched in the history database).
//!
//! ```text
//! cargo run --release --example kill_resume -- target/release/govpatrol [RPS] [PATTERN …]
//! bench/kill-resume.sh [RPS] [PATTERN …]          # builds both, same arguments
//! ```
//! A pattern is comma-separated moments, e.g. `0.3,0.6,0.9` or `0.95,0.99,files`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use govpatrol::sample::SampleSites;

/// The sites crawled: all three, or those named in `SITES` (comma-separated).
fn site_ids() -> Vec<String> {
    let default = if tree_pages().is_some() {
        "t1,t2,t3,t4"
    } else {
        "portal,unit-a,unit-b"
    };
    std::env::var("SITES")
        .unwrap_or_else(|_| default.into())
        .split(',')
        .map(str::to_string)
        .collect()
}

fn command(bin: &Path, targets: &Path, out: &Path) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(bin);
    c.args(["crawl", "--quiet", "--as-of", "2026-11-25"]);
    for s in site_ids() {
        c.args(["--site", &s]);
    }
    c.arg("--targets")
        .arg(targets)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

fn findings(out: &Path) -> Vec<Vec<u8>> {
    site_ids()
        .iter()
        .map(|s| std::fs::read(out.join(format!("2026-11/{s}/findings.jsonl"))).unwrap_or_default())
        .collect()
}

/// `TREE_PAGES=N`: crawl four generated loopback sites of N pages each instead of the sample
/// sites (the issue's measurement was a 4-site crawl of about 1,650 requests: N = 190).
fn tree_pages() -> Option<usize> {
    std::env::var("TREE_PAGES").ok()?.parse().ok()
}

#[path = "../tests/it/kill_resume/tree.rs"]
mod tree;
use tree::tree_site;

/// How many URLs of the history database in `out` have been re-checked (0 before it exists).
fn rechecked(out: &Path) -> i64 {
    let db = govpatrol::store::db_path(out);
    if !db.exists() {
        return 0;
    }
    rusqlite::Connection::open(&db)
        .and_then(|c| {
            c.query_row("SELECT COUNT(*) FROM urls WHERE rechecked = 1", [], |r| {
                r.get(0)
            })
        })
        .unwrap_or(0)
}

/// Strips what differs between two runs of the same crawl (observation times) from a
/// findings.jsonl: the ids, checks, URLs and evidence stay.
fn comparable(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.remove("observed_at");
                o.remove("first_seen");
            }
            v.to_string()
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bin = PathBuf::from(
        args.first()
            .expect("usage: kill_resume BIN [RPS] [PATTERN …]"),
    );
    let rps: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50.0);
    let mut patterns: Vec<String> = args.iter().skip(2).cloned().collect();
    if patterns.is_empty() {
        patterns = [
            "0.1,0.2,0.3",
            "0.5,0.7,0.9",
            "0.9,0.95,0.99",
            "0.97,0.99,files",
            "0.99,files,files",
            "recheck,recheck,recheck",
            "0.8,recheck,files",
        ]
        .map(String::from)
        .to_vec();
    }
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    // The servers and their request count: the sample sites' log, or the generated sites'
    // counter.
    let hits = Arc::new(AtomicUsize::new(0));
    let sample = match tree_pages() {
        None => {
            let sites = SampleSites::start(as_of).await.expect("sample sites");
            std::fs::write(&targets, govpatrol::demo::targets_toml(&sites, rps)).unwrap();
            Some(sites)
        }
        Some(n) => {
            let mut t = format!(
                "[defaults]\nrequests_per_second = {rps}\nconcurrency = 4\ntimeout_secs = 5\n"
            );
            for id in site_ids() {
                let url = tree_site(n, hits.clone()).await;
                t.push_str(&format!(
                    "\n[[site]]\nid = \"{id}\"\nname = \"{id}\"\nurl = \"{url}\"\nrole = \"unit\"\n"
                ));
            }
            std::fs::write(&targets, t).unwrap();
            None
        }
    };
    let count = || match &sample {
        Some(s) => s.requests().len(),
        None => hits.load(Ordering::Relaxed),
    };
    let clear = || match &sample {
        Some(s) => s.clear_requests(),
        None => hits.store(0, Ordering::Relaxed),
    };
    let clean_out = dir.path().join("clean");
    let t = Instant::now();
    let st = command(&bin, &targets, &clean_out).status().await.unwrap();
    assert!(st.success(), "the clean run failed");
    let clean_log = sample.as_ref().map(|s| s.requests()).unwrap_or_default();
    let clean = count();
    let clean_findings = findings(&clean_out);
    println!(
        "clean run: {clean} requests in {:.1} s, {} findings",
        t.elapsed().as_secs_f64(),
        clean_findings
            .iter()
            .map(|f| comparable(f).len())
            .sum::<usize>()
    );
    println!(
        "| kill moments | killed at (requests so far) | requests | extra | findings identical |"
    );
    println!("|---|---|---|---|---|");
    for pattern in &patterns {
        clear();
        let out = dir
            .path()
            .join(format!("killed-{}", pattern.replace(',', "_")));
        let mut at = Vec::new();
        for moment in pattern.split(',') {
            let mut child = command(&bin, &targets, &out).spawn().unwrap();
            let spawned = std::time::SystemTime::now();
            let rechecked_before = rechecked(&out);
            loop {
                let reached = match moment {
                    // a findings.jsonl written by this process: the checks are done, the
                    // reports are being written
                    "files" => site_ids().iter().any(|s| {
                        std::fs::metadata(out.join("2026-11").join(s).join("findings.jsonl"))
                            .and_then(|m| m.modified())
                            .is_ok_and(|m| m >= spawned)
                    }),
                    "recheck" => rechecked(&out) > rechecked_before,
                    f => count() as f64 >= f.parse::<f64>().unwrap() * clean as f64,
                };
                if reached {
                    let _ = child.start_kill();
                    break;
                }
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let _ = child.wait().await;
            at.push(count().to_string());
        }
        let st = command(&bin, &targets, &out).status().await.unwrap();
        let total = count();
        if let (Some(sites), Some(_)) = (&sample, std::env::var_os("DIFF")) {
            // The requests the killed sequence made more often than the clean run.
            let mut n: std::collections::BTreeMap<String, i64> = Default::default();
            for r in sites.requests() {
                *n.entry(format!("{} {}{}", r.method, r.authority, r.path_and_query))
                    .or_default() += 1;
            }
            for r in &clean_log {
                *n.entry(format!("{} {}{}", r.method, r.authority, r.path_and_query))
                    .or_default() -= 1;
            }
            for (k, v) in n.iter().filter(|(_, v)| **v != 0) {
                eprintln!("  {v:+} {k}");
            }
        }
        let same = st.success()
            && findings(&out)
                .iter()
                .zip(&clean_findings)
                .all(|(a, b)| comparable(a) == comparable(b));
        println!(
            "| {pattern} | {} | {total} | {:+.1} % | {} |",
            at.join(", "),
            (total as f64 / clean as f64 - 1.0) * 100.0,
            if same { "yes" } else { "NO" }
        );
        let _ = std::fs::remove_dir_all(&out);
    }
}
