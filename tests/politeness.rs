//! Politeness against small fault-injecting servers on 127.0.0.1: Crawl-delay, a robots.txt that
//! answers 5xx, and a 429 whose Retry-After pauses the whole host.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use govpatrol::config::Settings;
use govpatrol::crawl::fetch::{FetchError, Fetcher, Want};
use govpatrol::crawl::guard::Guard;

type Log = Arc<Mutex<Vec<(String, Instant)>>>;

/// Serves `robots` at /robots.txt (status, body); /busy answers 429 with Retry-After: 2 the first
/// time; everything else 200.
async fn server(robots: (u16, &'static str)) -> (url::Url, Log) {
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
                    "/robots.txt" => {
                        (StatusCode::from_u16(robots.0).unwrap(), robots.1).into_response()
                    }
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
