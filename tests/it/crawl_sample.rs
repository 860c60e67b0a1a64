//! The foundation's promises, checked end to end on the built-in sample site over real HTTP on
//! 127.0.0.1: every planted defect (links, columns, homepage, suspect dates) is reported and
//! nothing else; the servers see a polite crawl;
//! the files follow the output contract.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_planted_defect_is_reported_and_nothing_else() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let summary = crawl(&targets, &[], &dir.path().join("out"), as_of()).await;
    assert!(!summary.interrupted);

    let expected: BTreeSet<Key> = sites
        .planted
        .iter()
        .map(|p| {
            (
                p.site.clone(),
                p.check.to_string(),
                p.page_url.clone(),
                p.url.clone(),
            )
        })
        .collect();
    let got = keys(&summary);
    let missed: Vec<_> = expected.difference(&got).collect();
    let false_alarms: Vec<_> = got.difference(&expected).collect();
    assert!(
        missed.is_empty() && false_alarms.is_empty(),
        "missed: {missed:#?}\nfalse alarms: {false_alarms:#?}"
    );

    // The evidence says what a webmaster needs: element, text, homepage or not, internal or not.
    let by_key: HashMap<Key, &govpatrol::checks::Finding> = summary
        .sites
        .iter()
        .flat_map(|s| s.findings.iter().map(|f| (key(f), f)))
        .collect();
    for p in sites
        .planted
        .iter()
        .filter(|p| p.check == "broken_link" || p.check == "link_needs_review")
    {
        let f = by_key[&(
            p.site.clone(),
            p.check.to_string(),
            p.page_url.clone(),
            p.url.clone(),
        )];
        assert_eq!(f.evidence["element"], p.element, "{}", p.note);
        assert_eq!(f.evidence["link_text"], p.link_text.as_str(), "{}", p.note);
        assert_eq!(f.evidence["on_homepage"], p.on_homepage, "{}", p.note);
        assert_eq!(f.evidence["internal"], p.internal, "{}", p.note);
        assert!(
            f.evidence["status"].is_u64() || f.evidence["error"].is_string(),
            "no status or error for {}: {}",
            p.note,
            f.evidence
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_see_a_polite_crawl() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let rps = 8.0;
    let targets = write_targets(dir.path(), &sites, rps);
    let summary = crawl(
        &targets,
        &["unit-a", "unit-b"],
        &dir.path().join("out"),
        as_of(),
    )
    .await;
    assert_eq!(summary.sites.len(), 2);
    let log = sites.requests();
    assert!(log.len() > 40, "the crawl made {} requests", log.len());

    // No one-second window holds more than `rps` requests to one host (a little slack for
    // loopback jitter: the window is 0.95 s).
    let mut by_host: HashMap<&str, Vec<std::time::Instant>> = HashMap::new();
    for r in &log {
        by_host.entry(r.authority.as_str()).or_default().push(r.at);
    }
    for (host, mut times) in by_host {
        times.sort();
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..]
                .iter()
                .take_while(|u| u.duration_since(*t) < Duration::from_millis(950))
                .count();
            assert!(
                in_window as f64 <= rps,
                "{host}: {in_window} requests within 0.95 s"
            );
        }
    }

    // Identifiable, never a disallowed path, robots.txt read once per host.
    assert!(log.iter().all(|r| r.user_agent.starts_with("govpatrol/")));
    for (site, prefix) in sites.disallowed_paths() {
        let host = sites.site(&site).unwrap().url.authority().to_string();
        if let Some(r) = log
            .iter()
            .find(|r| r.authority == host && r.path_and_query.starts_with(&prefix))
        {
            panic!(
                "fetched {} on {site}, which robots.txt disallows",
                r.path_and_query
            );
        }
    }
    let mut robots: HashMap<&str, usize> = HashMap::new();
    for r in log.iter().filter(|r| r.path_and_query == "/robots.txt") {
        *robots.entry(r.authority.as_str()).or_default() += 1;
    }
    assert!(robots.values().all(|n| *n == 1), "{robots:?}");

    // Every URL fetched once: only failures (retried and re-checked) and HEAD-then-GET fallbacks
    // are asked for more than once.
    let failing: BTreeSet<String> = sites.planted.iter().map(|p| p.url.clone()).collect();
    let mut gets: HashMap<String, usize> = HashMap::new();
    for r in log
        .iter()
        .filter(|r| r.method == "GET" && r.path_and_query != "/robots.txt")
    {
        *gets
            .entry(format!("http://{}{}", r.authority, r.path_and_query))
            .or_default() += 1;
    }
    for (url, n) in gets {
        assert!(n == 1 || failing.contains(&url), "{url} fetched {n} times");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_has_a_bom_and_neutralises_formulas_and_jsonl_has_the_contract_keys() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    crawl(&targets, &["portal"], &out, as_of()).await;
    let folder = out.join("2026-11").join("portal");

    let csv = std::fs::read(folder.join("broken_links.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(
        text.starts_with("问题编号,检查项,所在页面,链接地址,链接文字"),
        "{}",
        &text[..80]
    );
    let planted_formula = sites
        .planted
        .iter()
        .find(|p| p.link_text.starts_with('='))
        .expect("the sample plants a link text starting with =");
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let cells: Vec<String> = rows
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    assert!(
        cells.contains(&format!("'{}", planted_formula.link_text)),
        "formula not neutralised"
    );
    assert!(!cells.iter().any(|c| c.starts_with('=')));

    for f in read_jsonl(&folder.join("findings.jsonl")) {
        for k in [
            "id",
            "site",
            "check",
            "severity",
            "url",
            "page_url",
            "observed_at",
            "first_seen",
            "evidence",
        ] {
            assert!(f.get(k).is_some(), "finding without {k}: {f}");
        }
        chrono::DateTime::parse_from_rfc3339(f["observed_at"].as_str().unwrap()).unwrap();
        chrono::DateTime::parse_from_rfc3339(f["first_seen"].as_str().unwrap()).unwrap();
    }
    // No temporary file is left next to the reports.
    let leftovers: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_months_run_keeps_first_seen_and_ids() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    let oct = chrono::NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
    let first = crawl(&targets, &["unit-b"], &out, oct).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = crawl(&targets, &["unit-b"], &out, as_of()).await;
    let a = &first.sites[0].findings;
    let b = &second.sites[0].findings;
    assert!(!a.is_empty());
    assert_eq!(
        a.iter().map(|f| &f.id).collect::<Vec<_>>(),
        b.iter().map(|f| &f.id).collect::<Vec<_>>()
    );
    for (fa, fb) in a.iter().zip(b) {
        assert_eq!(fb.first_seen, fa.first_seen);
        assert_ne!(fb.observed_at, fa.observed_at);
    }
    assert!(out.join("2026-10/unit-b/findings.jsonl").exists());
    assert!(out.join("2026-11/unit-b/findings.jsonl").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gbk_page_reads_its_chinese_links_right() {
    let sites = sample().await;
    // Find a GBK page with a Chinese-named attachment among the planted defects.
    let p = sites
        .planted
        .iter()
        .find(|p| p.url.contains("%E9%99%84%E4%BB%B6"))
        .expect("a Chinese-named attachment is planted");
    let url = url::Url::parse(&p.page_url).unwrap();
    let s = govpatrol::config::Settings {
        requests_per_second: 50.0,
        ..Default::default()
    };
    let view = govpatrol::page::inspect_page(&url, &s).await;
    assert_eq!(view.encoding.as_deref(), Some("gb18030"), "{view:?}");
    assert_eq!(view.encoding_source.as_deref(), Some("meta"));
    let link = view
        .links
        .iter()
        .find(|l| l.url.as_str() == p.url)
        .expect("the attachment link");
    assert_eq!(link.text, p.link_text);
    assert!(
        link.text
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        link.text
    );
    assert!(view
        .title
        .unwrap()
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
}
