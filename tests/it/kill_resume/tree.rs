//! A generated loopback site counting the requests it receives, for the kill/resume test
//! (`tests/it/kill_resume.rs`) and its measurement (`examples/kill_resume.rs`, which includes this
//! file): large enough that the few requests in flight at a kill are a small part of it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A generated site of `pages` pages counting requests in `hits`: a tree (page i links pages
/// 3i+1…3i+3), an attachment per page, and every seventh page a link to a page that does not
/// exist (404: the re-check has work).
pub async fn tree_site(pages: usize, hits: Arc<AtomicUsize>) -> url::Url {
    use axum::http::{header, StatusCode};
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let hits = hits.clone();
        async move {
            hits.fetch_add(1, Ordering::Relaxed);
            let path = uri.path();
            let page = |i: usize| {
                let mut links: String = (3 * i + 1..=3 * i + 3)
                    .filter(|k| *k < pages)
                    .map(|k| format!("<li><a href=\"/p/{k}.html\">第{k}页</a></li>"))
                    .collect();
                links.push_str(&format!("<li><a href=\"/f/{i}.pdf\">附件{i}</a></li>"));
                if i % 7 == 3 {
                    links.push_str(&format!("<li><a href=\"/gone/{i}.html\">旧文章{i}</a></li>"));
                }
                format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>第{i}页</title></head><body><ul>{links}</ul></body></html>").into_bytes()
            };
            let html = "text/html; charset=utf-8";
            let n = path
                .strip_prefix("/p/")
                .and_then(|p| p.strip_suffix(".html"))
                .and_then(|i| i.parse::<usize>().ok());
            match (path, n) {
                ("/", _) => (StatusCode::OK, [(header::CONTENT_TYPE, html)], page(0)),
                (_, Some(i)) => (StatusCode::OK, [(header::CONTENT_TYPE, html)], page(i)),
                (p, _) if p.starts_with("/f/") => (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/pdf")],
                    b"%PDF-1.4".to_vec(),
                ),
                _ => (
                    StatusCode::NOT_FOUND,
                    [(header::CONTENT_TYPE, html)],
                    b"<html><head><title>404</title></head></html>".to_vec(),
                ),
            }
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = url::Url::parse(&format!("http://{}/", l.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    url
}
