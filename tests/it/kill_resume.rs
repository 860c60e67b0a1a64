//! Kill/resume in every phase (issue 16): `kill -9` in the middle of the pages, during the
//! end-of-crawl re-check and while the reports are written, then the same command: the same
//! findings as one clean run, with at most 10 % more requests. And the time budget
//! (`--max-duration`): the run stops fetching, writes every report marked incomplete with the
//! URLs left, exits 3, and the same command finishes it.
//!
//! Moments are picked by watching the sample servers' request log, the history database and the
//! report folder, never by sleeping a guessed time.

mod tree;

use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::common::*;

const SITES: [&str; 2] = ["unit-a", "unit-b"];

fn command(targets: &Path, out: &Path, extra: &[&str]) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"));
    c.args(["crawl", "--quiet", "--as-of", "2026-11-25"]);
    for s in SITES {
        c.args(["--site", s]);
    }
    c.args(extra)
        .arg("--targets")
        .arg(targets)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// A site's findings.jsonl without what differs between two runs of the same crawl (the times
/// each URL was read).
fn comparable(out: &Path, site: &str) -> Vec<String> {
    read_jsonl(&out.join(format!("2026-11/{site}/findings.jsonl")))
        .into_iter()
        .map(|mut v| {
            let o = v.as_object_mut().unwrap();
            o.remove("observed_at");
            o.remove("first_seen");
            v.to_string()
        })
        .collect()
}

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

/// A loopback site of `PAGES` pages counting the requests it receives: a tree, page i links
/// pages 3i+1 to 3i+3, an attachment and, every seventh page, a page that does not exist (404, so
/// there is a re-check at the end). Large enough that the few requests in flight at a kill are
/// a small part of it, small enough to crawl in about a second.
const PAGES: usize = 150;

async fn counted_site() -> (url::Url, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    (tree::tree_site(PAGES, hits.clone()).await, hits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_the_recheck_and_the_reports_loses_no_finished_work() {
    let (url, hits) = counted_site().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    std::fs::write(
        &targets,
        format!(
            "[defaults]\nrequests_per_second = 400\nconcurrency = 4\ntimeout_secs = 5\n\
             [[site]]\nid = \"big\"\nname = \"大站\"\nurl = \"{url}\"\nrole = \"unit\"\n"
        ),
    )
    .unwrap();
    let command = |out: &Path| {
        let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"));
        c.args(["crawl", "--quiet", "--as-of", "2026-11-25", "--targets"])
            .arg(&targets)
            .arg("--out")
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    let findings = |out: &Path| -> Vec<String> {
        read_jsonl(&out.join("2026-11/big/findings.jsonl"))
            .into_iter()
            .map(|mut v| {
                let o = v.as_object_mut().unwrap();
                o.remove("observed_at");
                o.remove("first_seen");
                v.to_string()
            })
            .collect()
    };
    let clean_out = dir.path().join("clean");
    let first = command(&clean_out)
        .stderr(Stdio::piped())
        .output()
        .await
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let clean = hits.swap(0, Ordering::Relaxed);
    let broken = findings(&clean_out)
        .iter()
        .filter(|f| f.contains("broken_link"))
        .count();
    assert_eq!(
        broken,
        (0..PAGES).filter(|i| i % 7 == 3).count(),
        "the site's 404s"
    );

    let out = dir.path().join("killed");
    // (what is watched, whether the kill happened, the exit code)
    let mut kills = Vec::new();
    for moment in ["half the requests", "the re-check", "the reports"] {
        let mut child = command(&out).spawn().unwrap();
        let started = SystemTime::now();
        let before = rechecked(&out);
        let deadline = Instant::now() + Duration::from_secs(60);
        let killed = loop {
            let reached = match moment {
                "half the requests" => hits.load(Ordering::Relaxed) * 2 >= clean,
                "the re-check" => rechecked(&out) > before,
                _ => std::fs::metadata(out.join("2026-11/big/findings.jsonl"))
                    .and_then(|m| m.modified())
                    .is_ok_and(|m| m >= started),
            };
            if reached {
                child.start_kill().unwrap();
                break true;
            }
            if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                break false;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        let status = child.wait().await.unwrap();
        kills.push((moment, killed, status.code(), hits.load(Ordering::Relaxed)));
    }
    let last = command(&out).stderr(Stdio::piped()).output().await.unwrap();
    assert!(
        last.status.success(),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    // Each moment was met in a run of its own (the watching works), and the kills landed.
    assert!(
        kills
            .iter()
            .all(|(_, killed, code, _)| *killed && code.is_none()),
        "{kills:?}"
    );
    assert_eq!(findings(&out), findings(&clean_out));
    let total = hits.load(Ordering::Relaxed);
    eprintln!("kill/resume: {total} requests against {clean} for one clean run ({kills:?})");
    assert!(
        total as f64 <= clean as f64 * 1.10,
        "{total} requests over three kills and a finish against {clean} for one clean run \
         ({kills:?})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_run_is_not_crawled_again_by_the_same_command() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    assert!(command(&targets, &out, &[])
        .status()
        .await
        .unwrap()
        .success());
    let first = comparable(&out, "unit-a");
    sites.clear_requests();
    // Same command, same check point: the reports are written again from the store.
    std::fs::remove_file(out.join("2026-11/unit-a/findings.jsonl")).unwrap();
    assert!(command(&targets, &out, &[])
        .status()
        .await
        .unwrap()
        .success());
    assert_eq!(
        sites.requests().len(),
        0,
        "the finished run was crawled again"
    );
    assert_eq!(comparable(&out, "unit-a"), first);
    // --fresh starts over.
    assert!(command(&targets, &out, &["--fresh"])
        .status()
        .await
        .unwrap()
        .success());
    assert!(!sites.requests().is_empty());
    assert_eq!(comparable(&out, "unit-a"), first);
}

/// A targets file with only unit-b, as the month's portal (`monthly` inspects it).
fn unit_b_as_portal(dir: &Path, sites: &govpatrol::sample::SampleSites) -> std::path::PathBuf {
    let full = govpatrol::demo::targets_toml(sites, 50.0);
    let mut parts = full.split("\n[[site]]\n");
    let mut toml = parts.next().unwrap().to_string();
    for block in parts {
        if block.contains("id = \"unit-b\"") {
            toml.push_str("\n[[site]]\n");
            toml.push_str(&block.replace("role = \"unit\"", "role = \"portal\""));
        }
    }
    let targets = dir.join("targets.toml");
    std::fs::write(&targets, toml).unwrap();
    targets
}

/// The CSV row of `summary.csv` with this key: (value, verdict).
fn summary_value(out: &Path, site: &str, key: &str) -> (String, String) {
    let rows = csv_rows(&out.join(format!("2026-11/{site}/summary.csv")));
    let row = rows
        .iter()
        .find(|r| r.get(1).is_some_and(|k| k == key))
        .unwrap_or_else(|| panic!("no {key} in summary.csv: {rows:?}"));
    (row[2].clone(), row[4].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_budget_writes_every_report_marked_incomplete_and_the_same_command_finishes() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = unit_b_as_portal(dir.path(), &sites);
    let monthly = |out: &Path, extra: &[&str]| {
        let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"));
        c.args(["monthly", "--month", "2026-11", "--as-of", "2026-11-25"])
            .args(extra)
            .arg("--targets")
            .arg(&targets)
            .arg("--out")
            .arg(out)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    };
    let clean = dir.path().join("clean");
    let first = monthly(&clean, &[]).output().await.unwrap();
    assert!(
        first.status.success(),
        "{}{}",
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&first.stderr)
    );
    let clean_requests = sites.requests().len();
    sites.clear_requests();

    // Four requests a second: one second reads only part of the site.
    let out = dir.path().join("out");
    let t = Instant::now();
    let cut = monthly(
        &out,
        &["--max-duration", "1s", "--requests-per-second", "4"],
    )
    .output()
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&cut.stdout);
    assert_eq!(
        cut.status.code(),
        Some(3),
        "{stdout}{}",
        String::from_utf8_lossy(&cut.stderr)
    );
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    assert!(stdout.contains("INCOMPLETE"), "{stdout}");
    let site = out.join("2026-11/unit-b");
    for f in [
        "findings.jsonl",
        "summary.csv",
        "broken_links.csv",
        "stale_columns.csv",
        "findings.xlsx",
    ] {
        assert!(site.join(f).exists(), "{f} missing");
    }
    let (complete, verdict) = summary_value(&out, "unit-b", "crawl_complete");
    assert_eq!((complete.as_str(), verdict.as_str()), ("否", "未完成"));
    let left: usize = summary_value(&out, "unit-b", "urls_left")
        .0
        .parse()
        .unwrap();
    assert!(left > 0);
    let html = std::fs::read_to_string(out.join("2026-11/report.html")).unwrap();
    assert!(
        html.contains("class=\"incomplete\"")
            && html.contains(&format!("尚有 {left} 个网址未检查")),
        "report.html does not say the check is incomplete"
    );
    // and the verdict table does not show a verdict on part of the site as the site's
    assert!(html.contains("（检查未完成）</td>"));
    if let Ok(notice) = std::fs::read_to_string(out.join("2026-11/notices/unit-b.html")) {
        assert!(notice.contains("说明：本次检查未完成"), "{notice}");
    }
    let cut_requests = sites.requests().len();
    sites.clear_requests();

    // The same command without the budget continues and finishes: nothing says incomplete,
    // the findings are the clean run's, and what was read before the budget passed is not
    // asked for again.
    let done = monthly(&out, &[]).output().await.unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(summary_value(&out, "unit-b", "crawl_complete").0, "是");
    assert_eq!(summary_value(&out, "unit-b", "urls_left").0, "0");
    let html = std::fs::read_to_string(out.join("2026-11/report.html")).unwrap();
    assert!(!html.contains("本次检查未完成"));
    let ids = |o: &Path| finding_ids(&o.join("2026-11/unit-b/findings.jsonl"));
    assert_eq!(ids(&out), ids(&clean));
    let finish_requests = sites.requests().len();
    assert!(
        finish_requests + cut_requests <= clean_requests + 8,
        "{cut_requests} requests before the budget passed, {finish_requests} to finish, \
         {clean_requests} in one clean run"
    );
}

/// Issue 20 item 6: a page budget that cuts a site is said in the console, summary.csv,
/// report.html and the notice, with the number of pages left unread (it was one log line).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_budget_that_cuts_the_site_is_said_in_every_report() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = unit_b_as_portal(dir.path(), &sites);
    let out = dir.path().join("out");
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"))
        .args(["monthly", "--month", "2026-11", "--as-of", "2026-11-25"])
        .args(["--max-pages", "3"])
        .arg("--targets")
        .arg(&targets)
        .arg("--out")
        .arg(&out)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    // A budget is the office's setting, not a failure: the run completed.
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (cut, verdict) = summary_value(&out, "unit-b", "pages_over_max_pages");
    let cut: usize = cut.parse().unwrap();
    assert!(cut > 0 && verdict == "未覆盖全站", "{cut} {verdict}");
    assert_eq!(summary_value(&out, "unit-b", "crawl_complete").0, "是");
    assert!(
        stdout.contains(&format!("{cut} pages only checked, not read (max_pages)")),
        "{stdout}"
    );
    let said = format!("因页面数量上限（max_pages）有 {cut} 个页面只检查能否打开");
    let html = std::fs::read_to_string(out.join("2026-11/report.html")).unwrap();
    assert!(
        html.contains(&said),
        "report.html does not say the budget cut the site"
    );
    let notice = std::fs::read_to_string(out.join("2026-11/notices/unit-b.html")).unwrap();
    assert!(
        notice.contains(&format!("说明：本次检查未覆盖全站：{said}")),
        "{notice}"
    );
}
