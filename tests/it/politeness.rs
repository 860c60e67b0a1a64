//! Politeness against small fault-injecting servers on 127.0.0.1: Crawl-delay, a robots.txt that
//! answers 5xx, is 5 MB long or is an HTML page, a 429 whose Retry-After (in seconds) pauses the
//! whole host, and a 503 storm during which the host is left alone and after which the crawl
//! goes on.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use govpatrol::config::Settings;
use govpatrol::crawl::fetch::{FetchError, Fetcher, Want};
use govpatrol::crawl::guard::Guard;

type Log = Arc<Mutex<Vec<(String, Instant)>>>;

/// Serves `robots` at /robots.txt (status, body) as text/plain; /busy answers 429 with
/// Retry-After: 2 the first time; everything else 200.
async fn server(robots: (u16, &'static str)) -> (url::Url, Log) {
    server_typed(robots, "text/plain").await
}

/// [`server`] with robots.txt served as `content_type`.
async fn server_typed(robots: (u16, &'static str), content_type: &'static str) -> (url::Url, Log) {
    let log: Log = Arc::default();
    let busy_seen = Arc::new(Mutex::new(false));
    let app = axum::Router::new()
        .fallback(move |State(log): State<Log>, uri: Uri| {
            let busy_seen = busy_seen.clone();
            async move {
                log.lock()
                    .unwrap()
                    .push((uri.path().to_string(), Instant::now()));
                match uri.path() {
                    "/robots.txt" => (
                        StatusCode::from_u16(robots.0).unwrap(),
                        [("content-type", content_type)],
                        robots.1,
                    )
                        .into_response(),
                    "/busy" if !std::mem::replace(&mut *busy_seen.lock().unwrap(), true) => (
                        StatusCode::TOO_MANY_REQUESTS,
                        [("retry-after", "2")],
                        "slow down",
                    )
                        .into_response(),
                    _ => (
                        StatusCode::OK,
                        [("content-type", "text/html")],
                        "<title>ok</title>",
                    )
                        .into_response(),
                }
            }
        })
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, log)
}

/// A fetcher that may contact 127.0.0.1 (where the test servers live) and nothing else internal.
fn fetcher() -> Fetcher {
    Fetcher::new(
        "govpatrol-test",
        8,
        Guard::new(["127.0.0.1".to_string()], false),
    )
}

fn fast() -> Settings {
    Settings {
        requests_per_second: 100.0,
        concurrency: 4,
        timeout: Duration::from_secs(5),
        ..Default::default()
    }
}

#[tokio::test]
async fn crawl_delay_spaces_requests_even_when_the_configured_rate_is_higher() {
    let (base, log) = server((200, "User-agent: *\nCrawl-delay: 1\n")).await;
    let fetcher = fetcher();
    let s = fast();
    let urls: Vec<url::Url> = (0..3)
        .map(|i| base.join(&format!("/p{i}")).unwrap())
        .collect();
    let tasks = urls.iter().map(|u| fetcher.fetch(u, Want::Page, &s));
    for out in futures::future::join_all(tasks).await {
        assert_eq!(out.result.unwrap().status, 200);
    }
    let log = log.lock().unwrap();
    let pages: Vec<Instant> = log
        .iter()
        .filter(|(p, _)| p != "/robots.txt")
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(pages.len(), 3);
    for w in pages.windows(2) {
        assert!(
            w[1] - w[0] >= Duration::from_millis(950),
            "{:?}",
            w[1] - w[0]
        );
    }
}

#[tokio::test]
async fn a_robots_txt_answering_5xx_means_nothing_is_fetched_from_that_host() {
    let (base, log) = server((503, "down")).await;
    let fetcher = fetcher();
    let out = fetcher
        .fetch(&base.join("/page.html").unwrap(), Want::Page, &fast())
        .await;
    match out.result {
        Err(FetchError::Robots(why)) => assert!(why.contains("503"), "{why}"),
        other => panic!("expected a robots refusal, got {other:?}"),
    }
    let paths: Vec<String> = log.lock().unwrap().iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(paths, vec!["/robots.txt".to_string()]);
}

#[tokio::test]
async fn a_missing_robots_txt_allows_everything() {
    let (base, _log) = server((404, "")).await;
    let fetcher = fetcher();
    let out = fetcher
        .fetch(&base.join("/page.html").unwrap(), Want::Page, &fast())
        .await;
    assert_eq!(out.result.unwrap().status, 200);
}

#[tokio::test]
async fn retry_after_pauses_the_whole_host_and_the_retry_succeeds() {
    let (base, log) = server((404, "")).await;
    let fetcher = fetcher();
    let s = fast();
    let busy_url = base.join("/busy").unwrap();
    let busy = fetcher.fetch(&busy_url, Want::Page, &s);
    let other = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        fetcher
            .fetch(&base.join("/other").unwrap(), Want::Page, &s)
            .await
    };
    let (busy, other) = tokio::join!(busy, other);
    assert_eq!(busy.result.unwrap().status, 200);
    assert_eq!(busy.attempts, 2);
    assert_eq!(other.result.unwrap().status, 200);
    let log = log.lock().unwrap();
    let first_busy = log.iter().find(|(p, _)| p == "/busy").unwrap().1;
    let other_at = log.iter().find(|(p, _)| p == "/other").unwrap().1;
    assert!(
        other_at - first_busy >= Duration::from_millis(1900),
        "the host was not paused"
    );
}

#[tokio::test]
async fn internal_addresses_no_site_lives_on_are_never_contacted() {
    let (base, log) = server((404, "")).await;
    let fetcher = fetcher();
    for target in [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
        "http://[::1]:9/",
    ] {
        let out = fetcher
            .fetch(&url::Url::parse(target).unwrap(), Want::Check, &fast())
            .await;
        assert!(
            matches!(out.result, Err(FetchError::Blocked(_))),
            "{target}: {:?}",
            out.result
        );
    }
    // `localhost` is a name that resolves to loopback: blocked after resolution.
    let sneaky = format!("http://localhost:{}/", base.port().unwrap());
    let out = fetcher
        .fetch(&url::Url::parse(&sneaky).unwrap(), Want::Check, &fast())
        .await;
    assert!(
        matches!(out.result, Err(FetchError::Blocked(_))),
        "{:?}",
        out.result
    );
    assert!(log.lock().unwrap().is_empty(), "the server was contacted");
}

#[tokio::test]
async fn a_5_mb_robots_txt_is_read_up_to_500_kib_and_the_rules_read_apply() {
    // A rule at the top, 5 MB of filler rules, and one more rule after the first megabyte.
    let mut robots = String::from("User-agent: *\nDisallow: /private/\n");
    let filler = |robots: &mut String, until: usize| {
        let mut i = 0;
        while robots.len() < until {
            robots.push_str(&format!("Disallow: /filler/{i:07}/\n"));
            i += 1;
        }
    };
    filler(&mut robots, 1 << 20);
    robots.push_str("Disallow: /late/\n");
    filler(&mut robots, 5 << 20);
    let (base, log) = server((200, Box::leak(robots.into_boxed_str()))).await;
    let fetcher = fetcher();
    let started = Instant::now();
    let settings = fast();
    let get = |path: &str| {
        let (fetcher, settings, url) = (&fetcher, &settings, base.join(path).unwrap());
        async move { fetcher.fetch(&url, Want::Page, settings).await }
    };
    match get("/private/report.html").await.result {
        Err(FetchError::Robots(why)) => assert_eq!(why, "disallowed by robots.txt"),
        other => panic!("/private/ was not refused: {other:?}"),
    }
    // Beyond the 500 KiB read, a rule does not exist for the crawler.
    assert_eq!(get("/late/page.html").await.result.unwrap().status, 200);
    assert_eq!(get("/public.html").await.result.unwrap().status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let paths: Vec<String> = log.lock().unwrap().iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(paths, ["/robots.txt", "/late/page.html", "/public.html"]);
}

#[tokio::test]
async fn a_robots_txt_served_as_an_html_page_is_ignored_and_everything_is_allowed() {
    // A portal that answers every path with its homepage: the page happens to contain
    // robots-looking lines, which must not be read as rules.
    let page = "<!DOCTYPE html>\n<html><head><title>首页</title></head><body><pre>\n\
                User-agent: *\nDisallow: /\n</pre></body></html>\n";
    let (base, log) = server_typed((200, page), "text/html; charset=utf-8").await;
    let out = fetcher()
        .fetch(&base.join("/page.html").unwrap(), Want::Page, &fast())
        .await;
    assert_eq!(out.result.unwrap().status, 200);
    assert_eq!(log.lock().unwrap().len(), 2, "robots.txt and the page");
    // Real rules with a wrong Content-Type are still rules.
    let (base, log) = server_typed((200, "User-agent: *\nDisallow: /\n"), "text/html").await;
    let out = fetcher()
        .fetch(&base.join("/page.html").unwrap(), Want::Page, &fast())
        .await;
    assert!(
        matches!(out.result, Err(FetchError::Robots(_))),
        "{:?}",
        out.result
    );
    assert_eq!(log.lock().unwrap().len(), 1, "only robots.txt");
}

/// Every request (path, when, status) to the storm server.
type StormLog = Arc<Mutex<Vec<(String, Instant, u16)>>>;

/// A homepage linking 20 pages; from the first request for one of them, every request answers
/// 503 (no Retry-After) for `storm`, then everything is fine again.
async fn storm_server(storm: Duration) -> (url::Url, StormLog) {
    let log: StormLog = Arc::default();
    let started: Arc<Mutex<Option<Instant>>> = Arc::default();
    let l = log.clone();
    let app = axum::Router::new().fallback(move |uri: Uri| {
        let (l, started) = (l.clone(), started.clone());
        async move {
            let now = Instant::now();
            let path = uri.path().to_string();
            let in_storm = {
                let mut s = started.lock().unwrap();
                if s.is_none() && path.starts_with("/p/") {
                    *s = Some(now);
                }
                s.is_some_and(|t| now - t < storm)
            };
            let (status, body) = if in_storm {
                (StatusCode::SERVICE_UNAVAILABLE, String::new())
            } else if path == "/" {
                let links: String = (0..20)
                    .map(|i| format!("<a href=\"/p/{i}\">第{i}页</a>"))
                    .collect();
                (StatusCode::OK, format!("<title>首页</title>{links}"))
            } else if path.starts_with("/p/") {
                (StatusCode::OK, "<title>正文</title><p>内容</p>".to_string())
            } else {
                (StatusCode::NOT_FOUND, String::new())
            };
            l.lock().unwrap().push((path, now, status.as_u16()));
            (status, [("content-type", "text/html; charset=utf-8")], body).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, log)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_in_a_503_storm_is_paused_not_hammered_and_the_crawl_resumes_after_it() {
    use govpatrol::crawl::politeness::DISTRESS_STREAK;
    let storm = Duration::from_secs(8);
    let (base, log) = storm_server(storm).await;
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    let concurrency = 2;
    std::fs::write(
        &targets,
        format!(
            "[defaults]\nrequests_per_second = 20\nconcurrency = {concurrency}\ntimeout_secs = 5\n\
             retries = 3\n\n[[site]]\nid = \"storm\"\nname = \"风暴\"\nurl = \"{base}\"\nrole = \"unit\"\n"
        ),
    )
    .unwrap();
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
    .expect("the crawl finishes");

    let log = log.lock().unwrap().clone();
    let failed: Vec<Instant> = log
        .iter()
        .filter(|(_, _, s)| *s == 503)
        .map(|(_, t, _)| *t)
        .collect();
    // One 503 pauses the host for a second; a streak of DISTRESS_STREAK pauses it for 10 s,
    // longer than the rest of the storm. Only the requests already let through by then can add
    // to the streak: an unpaused crawler would have sent about two a second for 8 s.
    assert!(
        failed.len() >= DISTRESS_STREAK as usize
            && failed.len() <= DISTRESS_STREAK as usize + concurrency,
        "{} requests answered 503 during the storm",
        failed.len()
    );
    let streak_end = failed[DISTRESS_STREAK as usize - 1];
    let next_ok = log
        .iter()
        .filter(|(_, t, s)| *t > streak_end && *s != 503)
        .map(|(_, t, _)| *t)
        .min()
        .expect("requests after the storm");
    assert!(
        next_ok - streak_end >= Duration::from_millis(9500),
        "the host was asked again {:?} after the streak",
        next_ok - streak_end
    );
    // After the storm every page was read, and none is reported broken.
    for i in 0..20 {
        let path = format!("/p/{i}");
        assert!(
            log.iter().any(|(p, _, s)| *p == path && *s == 200),
            "{path} was never read after the storm"
        );
    }
    let site = &summary.sites[0];
    assert!(
        !site.findings.iter().any(|f| f.check == "broken_link"),
        "{:?}",
        site.findings
            .iter()
            .filter(|f| f.check == "broken_link")
            .map(|f| (&f.url, &f.evidence["error"]))
            .collect::<Vec<_>>()
    );
    assert_eq!(site.pages, 21);
}
