//! The run's two halves meet correctly: the checks over pages start as soon as the last page is
//! read, while links are still being checked, and a link whose check ends only after that (a
//! slow host that finally answers 404) is still judged and reported; and the re-check, which
//! starts its fetches a window at a time, re-checks every failure.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

async fn serve(app: axum::Router) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    port
}

/// A slow host: every answer takes 1.5 s; `/late.pdf` is missing, `/late-ok.pdf` is there.
async fn slow_host() -> u16 {
    serve(axum::Router::new().fallback(|uri: Uri| async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        match uri.path() {
            "/late-ok.pdf" => (StatusCode::OK, "%PDF-1.4").into_response(),
            _ => StatusCode::NOT_FOUND.into_response(),
        }
    }))
    .await
}

/// A two-page site whose homepage links the slow host.
async fn site(slow: u16) -> u16 {
    serve(axum::Router::new().fallback(move |uri: Uri| async move {
        let page = |title: &str, body: String| -> Response {
            Html(format!(
                "<html><head><title>{title}</title></head><body>{body}</body></html>"
            ))
            .into_response()
        };
        match uri.path() {
            "/" => page(
                "首页",
                format!(
                    "<a href=\"/about.html\">关于</a>\
                     <a href=\"http://127.0.0.1:{slow}/late.pdf\">迟到的附件</a>\
                     <a href=\"http://127.0.0.1:{slow}/late-ok.pdf\">慢但在的附件</a>"
                ),
            ),
            "/about.html" => page("关于", "<p>本站简介</p>".into()),
            _ => StatusCode::NOT_FOUND.into_response(),
        }
    }))
    .await
}

#[tokio::test]
async fn a_link_that_fails_after_the_last_page_is_read_is_still_reported() {
    let slow = slow_host().await;
    let port = site(slow).await;
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    std::fs::write(
        &targets,
        format!(
            "[defaults]\nrequests_per_second = 100\ntimeout_secs = 10\n\n\
             [[site]]\nid = \"s\"\nname = \"示例单位\"\nurl = \"http://127.0.0.1:{port}/\"\nrole = \"unit\"\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let summary = crate::common::crawl(&targets, &[], &out, crate::common::as_of()).await;
    let broken: Vec<(String, String)> = summary.sites[0]
        .findings
        .iter()
        .filter(|f| f.check == "broken_link")
        .map(|f| (f.page_url.clone(), f.url.clone()))
        .collect();
    assert_eq!(
        broken,
        vec![(
            format!("http://127.0.0.1:{port}/"),
            format!("http://127.0.0.1:{slow}/late.pdf")
        )],
        "the slow 404 is reported from the homepage, the slow 200 is not"
    );
}

/// A homepage linking twelve missing pages and three that fail once (500) and then answer.
/// Counts every request by path.
async fn many_failures(hits: Arc<Mutex<HashMap<String, usize>>>) -> u16 {
    serve(axum::Router::new().fallback(move |uri: Uri| {
        let hits = hits.clone();
        async move {
            let path = uri.path().to_string();
            let n = {
                let mut h = hits.lock().unwrap();
                let n = h.entry(path.clone()).or_default();
                *n += 1;
                *n
            };
            let page = |body: String| -> Response {
                Html(format!(
                    "<html><head><title>页</title></head><body>{body}</body></html>"
                ))
                .into_response()
            };
            if path == "/" {
                let links: String = (0..12)
                    .map(|i| format!("<a href=\"/gone/{i}.html\">缺{i}</a>"))
                    .chain((0..3).map(|i| format!("<a href=\"/flaky/{i}.html\">时好时坏{i}</a>")))
                    .collect();
                page(links)
            } else if path.starts_with("/flaky/") && n > 1 {
                page("<p>又好了</p>".into())
            } else if path.starts_with("/flaky/") {
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            } else {
                StatusCode::NOT_FOUND.into_response()
            }
        }
    }))
    .await
}

/// The re-check spawns its fetches a window at a time (twice `max_connections`, at least 8: the
/// 15 failures here are more); every failure must still be re-checked once, not only the first
/// window's.
#[tokio::test]
async fn every_failure_is_rechecked_when_there_are_more_than_the_recheck_window() {
    let hits = Arc::new(Mutex::new(HashMap::new()));
    let port = many_failures(hits.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    std::fs::write(
        &targets,
        format!(
            "[defaults]\nrequests_per_second = 1000\nconcurrency = 1\nmax_connections = 1\n\
             retries = 0\nrespect_robots = false\n\n\
             [[site]]\nid = \"s\"\nname = \"示例单位\"\nurl = \"http://127.0.0.1:{port}/\"\nrole = \"unit\"\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let summary = crate::common::crawl(&targets, &[], &out, crate::common::as_of()).await;
    let mut broken: Vec<String> = summary.sites[0]
        .findings
        .iter()
        .filter(|f| f.check == "broken_link")
        .map(|f| f.url.clone())
        .collect();
    broken.sort();
    let mut want: Vec<String> = (0..12)
        .map(|i| format!("http://127.0.0.1:{port}/gone/{i}.html"))
        .collect();
    want.sort();
    assert_eq!(
        broken, want,
        "the missing pages, and none of the recovered ones"
    );
    let hits = hits.lock().unwrap();
    for i in 0..12 {
        assert_eq!(
            hits[&format!("/gone/{i}.html")],
            2,
            "/gone/{i}.html: found, then re-checked"
        );
    }
    for i in 0..3 {
        assert_eq!(
            hits[&format!("/flaky/{i}.html")],
            2,
            "/flaky/{i}.html: failed, then recovered"
        );
    }
}
