//! Issue 16, end to end: a crawl of the adversarial site ([`site`]: ~40 endpoints of hostile
//! pages and network faults, on the site and on an external host) finishes on its own within
//! its budgets and reports exactly the broken links, with the URLs it could not read whole
//! counted in `urls.read_limit`. And the hostile pages alone: every one is read in bounded time,
//! and a link after the hostile part is found.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

pub(crate) mod site;

use site::Verdict;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crawl_of_the_adversarial_site_ends_on_its_own_and_reports_exactly_the_broken_links() {
    let _alone = crate::common::HOSTILE.lock().await;
    let site = site::start("127.0.0.1", 0, 0, site::Scale::Light).await;
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    // Short timeouts and budgets so that the test takes seconds; the benchmark
    // (bench/hostile.sh) runs the same site at the 50 requests a second.
    std::fs::write(
        &targets,
        format!(
            "[defaults]\nrequests_per_second = 400\nconcurrency = 8\ntimeout_secs = 4\nretries = 2\n\
             url_budget_secs = 8\nmax_pages = 300\nmax_body_bytes = 4194304\nallow_private = true\n\n\
             [[site]]\nid = \"hostile\"\nname = \"恶意站点\"\nurl = \"{}\"\nrole = \"unit\"\n",
            site.home
        ),
    )
    .unwrap();
    let started = Instant::now();
    let summary = tokio::time::timeout(
        Duration::from_secs(60),
        crate::common::crawl(
            &targets,
            &[],
            &dir.path().join("out"),
            crate::common::as_of(),
        ),
    )
    .await
    .expect("the crawl ends on its own");
    let elapsed = started.elapsed();

    let name = |url: &str| {
        if let Some(p) = url.strip_prefix(site.home.trim_end_matches('/')) {
            p.to_string()
        } else if let Some(p) = url.strip_prefix(&site.external) {
            format!("ext:{p}")
        } else {
            url.to_string()
        }
    };
    let got: BTreeSet<String> = summary.sites[0]
        .findings
        .iter()
        .filter(|f| f.check == "broken_link")
        .map(|f| name(&f.url))
        .collect();
    let want: BTreeSet<String> = site::ENDPOINTS
        .iter()
        .filter(|(_, v, _)| *v == Verdict::Broken)
        .map(|(p, _, _)| p.to_string())
        .collect();
    let unexpected: Vec<_> = summary.sites[0]
        .findings
        .iter()
        .filter(|f| f.check == "broken_link" && !want.contains(&name(&f.url)))
        .map(|f| f.evidence.to_string())
        .collect();
    // On a failure, what the store says of every URL the site named.
    let stored = || {
        let store =
            govpatrol::store::Store::open(&govpatrol::store::db_path(&dir.path().join("out")))
                .unwrap();
        let run = store
            .latest_done_run("hostile", "2026-11")
            .unwrap()
            .unwrap();
        store
            .records(run.id, "")
            .unwrap()
            .into_iter()
            .filter(|r| !r.url.contains("/item/") && !r.url.contains("calendar"))
            .map(|r| {
                format!(
                    "{} {:?} {:?} {:?} attempts {}",
                    name(&r.url),
                    r.result.status,
                    r.result.error,
                    r.result.read_limit,
                    r.result.attempts
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        got,
        want,
        "after {elapsed:?}: {unexpected:?}\n{}",
        if got == want { String::new() } else { stored() }
    );
    let review: Vec<String> = summary.sites[0]
        .findings
        .iter()
        .filter(|f| f.check == "link_needs_review")
        .map(|f| name(&f.url))
        .collect();
    assert!(review.is_empty(), "{review:?}");
    // Seconds when the machine is idle (budget 8 s, then one 4 s re-check); generous for a
    // shared one. Before issue 16 it did not end.
    assert!(elapsed < Duration::from_secs(45), "{elapsed:?}");

    // The chains are the evidence of a redirect loop and of a chain too long.
    let evidence = |p: &str| {
        summary.sites[0]
            .findings
            .iter()
            .find(|f| name(&f.url) == p)
            .unwrap()
            .evidence
            .clone()
    };
    let e = evidence("/chain/0");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("more than 10 redirects"),
        "{e}"
    );
    assert_eq!(e["redirects"].as_array().map(Vec::len), Some(11), "{e}");
    let e = evidence("/loop-a.html");
    assert_eq!(e["redirects"].as_array().map(Vec::len), Some(2), "{e}");
    assert!(evidence("/trickle.html")["error"]
        .as_str()
        .unwrap()
        .contains("timed out"));

    // Bounded requests: the 100,000-link page revealed 1,000 items, not 100,000; the traps
    // stayed small; a fault was asked at most its attempts and the re-check.
    let items = site.counts.starting("GET /item/") + site.counts.starting("HEAD /item/");
    assert!(items <= 1000, "{items} item requests");
    assert!(site.counts.starting("GET /dots/") <= 5);
    assert!(site.counts.starting("GET /session.html") <= 3);
    assert!(site.counts.starting("GET /always-503.html") <= 4);
    assert!(site.counts.starting("GET /loop-a.html") <= 2);
    assert!(
        site.counts.total() < 1600,
        "{} requests",
        site.counts.total()
    );

    // What was not read whole is counted in urls.read_limit, for the coverage report.
    let store =
        govpatrol::store::Store::open(&govpatrol::store::db_path(&dir.path().join("out"))).unwrap();
    let run = store
        .latest_done_run("hostile", "2026-11")
        .unwrap()
        .unwrap();
    let limits: std::collections::BTreeMap<String, String> = store
        .records(run.id, "AND u.read_limit IS NOT NULL")
        .unwrap()
        .into_iter()
        .map(|r| (name(&r.url), r.result.read_limit.unwrap()))
        .collect();
    for (p, why) in [
        ("/links-100k.html", "too_large"),
        ("/links-oneline.html", "too_large"),
        ("/oneline-8mb.html", "too_large"),
        ("/huge-length.html", "too_large"),
        ("/huge-chunked.html", "too_large"),
        ("/bomb.html", "too_large"),
    ] {
        assert_eq!(
            limits.get(p).map(String::as_str),
            Some(why),
            "{p}: {limits:?}"
        );
    }
    // ... and said in the site's summary, so the office knows the report is not of the whole site.
    let coverage = store.coverage(run.id).unwrap();
    assert!(
        coverage.urls_not_read_whole >= limits.len() && coverage.is_partial(),
        "{coverage:?} for {limits:?}"
    );
}

/// A page of each hostile shape, read by the crawl's parse path: each in bounded time, and the
/// link placed after the hostile part is found.
#[test]
fn every_hostile_page_is_read_in_linear_time_and_the_link_after_it_is_found() {
    let url = url::Url::parse("http://s.gov.cn/col/").unwrap();
    let after = "<a href=\"/after.html\">之后</a>";
    fn rows(n: usize, row: impl Fn(usize) -> String) -> String {
        (0..n).map(row).collect()
    }
    // Built one at a time, so that the test holds one page (it shares its process).
    type Page = Box<dyn Fn(&str) -> String>;
    let pages: Vec<(&str, Page)> = vec![
        // Within the DOM caps (2 MiB, 60,000 tags): a list of 10,000 rows, 10,000 numbered
        // links, 10,000 bare links with dates. The list and pagination steps were quadratic in
        // the rows: over a minute for 20,000 rows in a release build, far more in this debug
        // one; now about a second each.
        (
            "10,000 list rows",
            Box::new(|after| {
                let r = rows(10_000, |i| {
                    format!(
                        "<li><a href=\"/a/{i}.html\">第{i}条通知</a><span>2026-11-{:02}</span></li>",
                        i % 28 + 1
                    )
                });
                format!("<ul>{r}</ul>{after}")
            }),
        ),
        (
            "10,000 numbered links in one parent",
            Box::new(|after| {
                let r = rows(10_000, |i| format!("<a href=\"?page={i}\">{i}</a>"));
                format!("<div>{r}</div>{after}")
            }),
        ),
        (
            "10,000 bare links with dates",
            Box::new(|after| {
                let r = rows(10_000, |i| {
                    format!("<a href=\"/b/{i}.html\">标题{i}</a> 2026-11-20<br>")
                });
                format!("<div>{r}</div>{after}")
            }),
        ),
        // Over the caps: read by the stream.
        (
            "100,000 links",
            Box::new(|after| {
                let r = rows(100_000, |i| {
                    format!("<li><a href=\"/l/{i}.html\">链接{i}</a></li>")
                });
                format!("<ul>{r}</ul>{after}")
            }),
        ),
        (
            "100,000 links to 5 URLs",
            Box::new(|after| {
                let r = rows(100_000, |i| format!("<a href=\"/r/{}.html\">r</a>", i % 5));
                format!("{r}{after}")
            }),
        ),
        (
            "100,000-deep nesting",
            Box::new(|after| {
                format!(
                    "{}{after}{}",
                    "<div>".repeat(100_000),
                    "</div>".repeat(100_000)
                )
            }),
        ),
        (
            "8 MB of one line",
            Box::new(|after| format!("<p>{}</p>{after}", "政务公开".repeat(650_000))),
        ),
        (
            "100,000 links never closed",
            Box::new(|after| {
                format!(
                    "{}{after}",
                    rows(100_000, |i| format!("<a href=/u/{i}>链接"))
                )
            }),
        ),
    ];
    for (what, page) in pages {
        let html = page(after);
        let started = Instant::now();
        let page = govpatrol::crawl::parse_page(
            html.as_bytes(),
            Some("text/html; charset=utf-8"),
            &url,
            true,
            false,
        );
        let took = started.elapsed();
        assert!(
            page.facts
                .links
                .iter()
                .any(|l| l.url.as_str() == "http://s.gov.cn/after.html"),
            "{what}: the link after the hostile part is lost"
        );
        // Debug build on a shared machine: generous, but a quadratic step takes minutes.
        assert!(took < Duration::from_secs(20), "{what}: {took:?}");
    }
}

/// The per-URL budget and `Retry-After`, one URL at a time against the same site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_over_its_budget_is_given_up_and_retry_after_is_honoured() {
    use govpatrol::crawl::fetch::{FetchError, Fetcher, Want};
    let site = site::start("127.0.0.1", 0, 0, site::Scale::Light).await;
    let fetcher = Fetcher::new("govpatrol-test", 8, govpatrol::crawl::guard::Guard::open());
    let mut settings = govpatrol::config::Settings {
        requests_per_second: 100.0,
        timeout: Duration::from_secs(10),
        url_budget: Duration::from_secs(1),
        respect_robots: false,
        ..Default::default()
    };
    let url = |p: &str| url::Url::parse(&format!("{}{}", site.home, &p[1..])).unwrap();
    // A body at 1 byte/s: the request's own limit (10 s) would be long; the budget ends it.
    let started = Instant::now();
    let out = fetcher
        .fetch(&url("/trickle.html"), Want::Page, &settings)
        .await;
    assert_eq!(out.result.as_ref().unwrap_err(), &FetchError::TooSlow(1));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let stored = govpatrol::crawl::url_result(&out);
    assert_eq!(stored.read_limit.as_deref(), Some("too_slow"));
    // A request's time limit covers its body, not only the wait for headers.
    settings.timeout = Duration::from_secs(1);
    settings.url_budget = Duration::from_secs(30);
    settings.retries = 0;
    let out = fetcher
        .fetch(&url("/trickle.html"), Want::Page, &settings)
        .await;
    assert_eq!(out.result.unwrap_err(), FetchError::Timeout(1));
    // 429 with Retry-After (2 s; an HTTP date 3 s ahead, to the second): the next attempt waits
    // that long, not only the 1 s back-off, and the link is fine.
    settings.retries = 2;
    for (path, at_least) in [("/busy-secs.html", 2.0), ("/busy-date.html", 2.0)] {
        let started = Instant::now();
        let out = fetcher.fetch(&url(path), Want::Page, &settings).await;
        assert_eq!(
            out.result.as_ref().map(|f| f.status).ok(),
            Some(200),
            "{path}"
        );
        assert_eq!(out.attempts, 2, "{path}");
        let waited = started.elapsed().as_secs_f64();
        assert!(waited >= at_least, "{path}: retried after {waited} s");
    }
}
