//! The monthly self-inspection, the quarterly spot check, scores, notices and report.html, end to
//! end on the built-in sample sites: what the office receives, month after month.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::*;
use chrono::NaiveDate;
use govpatrol::config::Targets;
use govpatrol::period::{self, Period, PeriodOutcome, SampleRequest, Status};
use govpatrol_sample::SampleSites;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn stop() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    std::mem::forget(tx);
    rx
}

async fn monthly(targets: &Path, out: &Path, as_of: NaiveDate) -> PeriodOutcome {
    let t = Targets::load(targets).unwrap();
    period::monthly(&t, &options(out, as_of), &Period::month_of(as_of), stop())
        .await
        .expect("monthly run")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The notice lists exactly the site's findings (all but `too_few_probes`, which is about the
/// inspector): one numbered line per finding, with its URL and id.
fn assert_notice_lists(md: &str, site: &period::SiteReport) {
    let listed: Vec<_> = site
        .current
        .iter()
        .filter(|c| c.0.check != "too_few_probes")
        .collect();
    let numbered = md
        .lines()
        .take_while(|l| !l.starts_with("## 整改期限"))
        .filter(|l| {
            l.split_once(". <")
                .is_some_and(|(n, _)| n.parse::<usize>().is_ok())
        })
        .count();
    assert_eq!(numbered, listed.len(), "{md}");
    assert!(!md.contains("too_few_probes") && !md.contains("可用性探测次数不足"));
    for (f, _, _) in listed {
        assert!(md.contains(&format!("<{}>", f.url)), "{} missing", f.url);
        assert!(md.contains(&f.id), "{} missing", f.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_months_track_new_open_and_fixed_problems() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let sites = SampleSites::start(day(2026, 11, 25)).await.unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let nov = monthly(&targets, &out, day(2026, 11, 25)).await;
    let ports = sites.ports();
    drop(sites);

    // Only the portal is inspected monthly; it is scored and pinned.
    let r = nov.report.as_ref().unwrap();
    assert_eq!(r.sites.len(), 1);
    let portal = &r.sites[0];
    assert_eq!(portal.summary.site, "portal");
    assert_eq!(portal.count(Status::Open), 0);
    assert_eq!(portal.count(Status::Fixed), 0);
    let sc = &portal.summary.score;
    assert_eq!((sc.score, sc.pass), (PORTAL_NOV.0, PORTAL_NOV.1), "{sc:#?}");
    assert!(!out.join("2026-11/unit-a").exists());

    let html = read(&out.join("2026-11/report.html"));
    assert!(html.contains("id=\"verdicts\""));
    assert!(html.contains(if PORTAL_NOV.1 { "合格" } else { "不合格" }));
    assert!(html.contains("portal/broken_links.csv"));
    let summary = read(&out.join("2026-11/portal/summary.csv"));
    assert!(summary.contains("总分与结论"), "{summary}");
    assert!(summary.contains("扣分：链接不可用"), "{summary}");
    let md = read(&out.join("2026-11/notices/portal.md"));
    assert!(md.contains(portal.owner.as_str()));
    assert!(md.contains("请于 2026年12月16日 前完成整改"), "{md}");
    assert_notice_lists(&md, portal);
    assert!(out.join("2026-11/notices/portal.html").exists());

    // A month later the same sites (same URLs) are served as they are at the new check point.
    // (The old servers' ports are freed when their aborted tasks are dropped: retry a moment.)
    let mut tries = 0;
    let sites = loop {
        match SampleSites::start_on(day(2026, 12, 28), ports).await {
            Ok(s) => break s,
            Err(e) if tries < 100 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                let _ = e;
            }
            Err(e) => panic!("cannot serve the sample on the same ports again: {e}"),
        }
    };
    let dec = monthly(&targets, &out, day(2026, 12, 28)).await;
    drop(sites);
    let r2 = dec.report.as_ref().unwrap();
    let p2 = &r2.sites[0];
    assert_eq!(p2.previous_period.as_deref(), Some("2026-11"));
    let before: BTreeSet<&str> = portal.current.iter().map(|c| c.0.id.as_str()).collect();
    let now: BTreeSet<&str> = p2.current.iter().map(|c| c.0.id.as_str()).collect();
    for (f, st, days) in &p2.current {
        assert_eq!(*st == Status::Open, before.contains(f.id.as_str()), "{f:?}");
        if *st == Status::Open {
            assert!(*days >= 0);
        }
    }
    let fixed: BTreeSet<&str> = p2.fixed.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(fixed, before.difference(&now).copied().collect());
    let counts = (
        p2.count(Status::New),
        p2.count(Status::Open),
        p2.count(Status::Fixed),
    );
    assert_eq!(counts, PORTAL_DEC_NEW_OPEN_FIXED, "new/open/fixed");
    assert_eq!(r2.trend.len(), 2);
    let html = read(&out.join("2026-12/report.html"));
    assert!(html.contains("上期问题本期已整改"));
    assert!(html.contains("仍未整改"));
    assert!(html.contains("<polyline"), "trend line over two months");
    let md = read(&out.join("2026-12/notices/portal.md"));
    assert_notice_lists(&md, p2);
    for f in &p2.fixed {
        assert!(md.contains(&f.id));
    }

    // Rebuilding November from the store gives the same verdict, without any server running.
    let o = Command::new(env!("CARGO_BIN_EXE_govpatrol"))
        .args(["report", "--period", "2026-11", "--targets"])
        .arg(&targets)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("portal"), "{stdout}");
    assert!(read(&out.join("2026-11/report.html")).contains("id=\"verdicts\""));
    let bad = Command::new(env!("CARGO_BIN_EXE_govpatrol"))
        .args(["report", "--period", "2026-13", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// (score, pass) of the portal on 2026-11-25: it fails on the planted message left unanswered
/// for four months (互动回应差, a veto), whatever its score.
const PORTAL_NOV: (f64, bool) = (85.3, false);
/// (new, open, fixed) of the portal on 2026-12-28 against 2026-11-25.
/// The sample is rebuilt around each check point, so its dated articles, messages and policy
/// documents move to new URLs: their findings show as fixed and new; link defects on fixed pages
/// stay open.
const PORTAL_DEC_NEW_OPEN_FIXED: (usize, usize, usize) = (27, 14, 26);
/// (site, score, pass) of the units on 2026-11-25, in rank order.
const UNITS: [(&str, f64, bool); 2] = [("unit-b", 94.9, true), ("unit-a", 94.9, false)];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quarterly_spot_check_is_reproducible_ranked_and_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let sites = sample().await;
    let targets_path = write_targets(dir.path(), &sites, 50.0);
    let targets = Targets::load(&targets_path).unwrap();
    let q4 = Period::parse("2026-Q4").unwrap();
    let req = SampleRequest {
        size: Some(1),
        seed: 7,
        ..Default::default()
    };
    let units = vec!["unit-a".to_string(), "unit-b".to_string()];
    let picked = period::pick_sample(&units, &req);
    assert_eq!(picked, period::pick_sample(&units, &req));
    assert_eq!(picked.units.len(), 1);

    let out = dir.path().join("one");
    let one = period::quarterly(&targets, &options(&out, as_of()), &q4, req, stop())
        .await
        .unwrap();
    let r = one.report.as_ref().unwrap();
    assert_eq!(
        r.sites
            .iter()
            .map(|s| s.summary.site.clone())
            .collect::<Vec<_>>(),
        picked.units
    );
    let html = read(&out.join("2026-Q4/report.html"));
    assert!(html.contains("随机种子 7"), "the seed is in the report");
    let json = read(&out.join("2026-Q4/sample.json"));
    assert!(json.contains(&picked.units[0]));
    let other = units.iter().find(|u| **u != picked.units[0]).unwrap();
    assert!(!out.join("2026-Q4").join(other).exists());
    assert!(!out.join(format!("2026-Q4/notices/{other}.md")).exists());

    // Every unit, ranked, each with a notice listing exactly its findings.
    let out = dir.path().join("all");
    let all = period::quarterly(
        &targets,
        &options(&out, as_of()),
        &q4,
        SampleRequest {
            size: None,
            seed: 7,
            ..Default::default()
        },
        stop(),
    )
    .await
    .unwrap();
    let r = all.report.as_ref().unwrap();
    let got: Vec<(&str, f64, bool)> = r
        .sites
        .iter()
        .map(|s| {
            (
                s.summary.site.as_str(),
                s.summary.score.score,
                s.summary.score.pass,
            )
        })
        .collect();
    assert_eq!(got, UNITS.to_vec());
    for s in &r.sites {
        let md = read(&out.join(format!("2026-Q4/notices/{}.md", s.summary.site)));
        assert_notice_lists(&md, s);
        assert!(md.contains(&s.owner));
        let html = read(&out.join(format!("2026-Q4/notices/{}.html", s.summary.site)));
        assert!(html.contains("整改期限"));
    }
}

#[test]
fn wrong_periods_and_unknown_units_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    std::fs::write(
        &targets,
        "[[site]]\nid = \"p\"\nname = \"P\"\nurl = \"http://127.0.0.1:9/\"\nrole = \"portal\"\n\n[[site]]\nid = \"u\"\nname = \"U\"\nurl = \"http://127.0.0.1:9/\"\nrole = \"unit\"\n\n[scoring]\npass_mark = 70.0\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_govpatrol"))
            .args(args)
            .arg("--targets")
            .arg(&targets)
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let (code, err) = run(&["monthly", "--month", "2026-Q4"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("YYYY-MM"), "{err}");
    let (code, err) = run(&["quarterly", "--quarter", "2026-Q4", "--include", "nosuch"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("nosuch") && err.contains("units: u"), "{err}");
    let (code, err) = run(&["report", "--period", "2026-11"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no history"), "{err}");
    std::fs::write(&targets, "[[site]]\nid = \"p\"\nname = \"P\"\nurl = \"http://127.0.0.1:9/\"\nrole = \"portal\"\n[scoring]\npass_mrk = 1\n").unwrap();
    let (code, err) = run(&["monthly"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("pass_mrk"), "{err}");
}
