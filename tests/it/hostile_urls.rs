//! Endless URL spaces, crawled end to end by the built binary so the run log can be read: session
//! ids written fresh into every link (`;jsessionid=`, `?sid=`, `?PHPSESSID=`), a query string
//! that grows on every page, a relative link that makes paths grow `/x/x/x/…`, and one page under
//! endless `?utm=<n>` URLs; plus redirects to a private address. Each must be bounded by the
//! per-site budgets and URL-shape limits, and each cut said once in the run log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

/// Every request the server saw: (method, path with `;` parameters, query).
type Log = Arc<Mutex<Vec<(Method, String, String)>>>;

/// A fresh session token, as a Java or PHP server writes into every link it renders.
fn token() -> String {
    (0..24).map(|_| fastrand::alphanumeric()).collect()
}

fn page(title: &str, links: &[String]) -> Response {
    let body: String = links
        .iter()
        .map(|l| format!("<a href=\"{l}\">{l}</a>\n"))
        .collect();
    Html(format!(
        "<html><head><title>{title}</title></head><body>{body}</body></html>"
    ))
    .into_response()
}

async fn server() -> (url::Url, Log) {
    let log: Log = Arc::default();
    let l = log.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri| {
        let l = l.clone();
        async move {
            let path = uri.path().to_string();
            let query = uri.query().unwrap_or("").to_string();
            l.lock()
                .unwrap()
                .push((method, path.clone(), query.clone()));
            // What a session server puts into each link: a new id every time.
            let sess = |p: &str| format!("{p};jsessionid={}", token());
            let sid = |p: &str| format!("{p}?sid={}", token());
            let php = |p: &str| format!("{p}?PHPSESSID={}&lang=zh", token());
            let bare = path.split(';').next().unwrap_or("").to_string();
            match bare.as_str() {
                "/robots.txt" => StatusCode::NOT_FOUND.into_response(),
                "/" => page(
                    "首页",
                    &[
                        sess("/sess/a"),
                        sid("/sid/a"),
                        php("/php/a"),
                        format!("/grow?k0={}", "v".repeat(300)),
                        "/x/".to_string(),
                        "/page?utm=0".to_string(),
                        "/to-private".to_string(),
                    ],
                ),
                // Two pages per session style, each linking both (and itself) with fresh ids.
                "/sess/a" | "/sess/b" => {
                    page("会话", &[sess("/sess/a"), sess("/sess/b"), sid("/sid/b")])
                }
                "/sid/a" | "/sid/b" => page("会话", &[sid("/sid/a"), sid("/sid/b"), php("/php/b")]),
                "/php/a" | "/php/b" => page(
                    "会话",
                    &[php("/php/a"), php("/php/b"), "/to-private-too".to_string()],
                ),
                // Every page adds one more 300-character parameter to the query.
                "/grow" => {
                    let n = query.split('&').count();
                    page("查询", &[format!("/grow?{query}&k{n}={}", "v".repeat(300))])
                }
                // A relative link to a folder of the same name: /x/ → /x/x/ → /x/x/x/ …
                p if p.starts_with("/x/") => page("目录", &["x/".to_string()]),
                // The same page under endless URLs.
                "/page" => {
                    let n: u64 = query.trim_start_matches("utm=").parse().unwrap_or(0);
                    let links: Vec<String> = (1..=2)
                        .map(|i| format!("/page?utm={}", n * 2 + i))
                        .collect();
                    page("同一页面", &links)
                }
                "/to-private" | "/to-private-too" => {
                    (StatusCode::FOUND, [("location", "http://10.0.0.7/admin")]).into_response()
                }
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, log)
}

/// How many lines of `log` contain `needle`.
fn lines_with(log: &str, needle: &str) -> usize {
    log.lines().filter(|l| l.contains(needle)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_url_spaces_are_bounded_and_each_cut_is_logged_once() {
    let (base, log) = server().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    let max_pages = 300;
    std::fs::write(
        &targets,
        format!(
            "[defaults]\nrequests_per_second = 400\nconcurrency = 4\ntimeout_secs = 5\nretries = 0\n\
             max_pages = {max_pages}\n\n\
             [[site]]\nid = \"traps\"\nname = \"陷阱站点\"\nurl = \"{base}\"\nrole = \"unit\"\n"
        ),
    )
    .unwrap();
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"))
            .args(["crawl", "--as-of", "2026-11-25", "--targets"])
            .arg(&targets)
            .arg("--out")
            .arg(dir.path().join("out"))
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG")
            .output(),
    )
    .await
    .expect("the crawl finishes")
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");

    let requests = log.lock().unwrap().clone();
    let count = |pred: &dyn Fn(&(Method, String, String)) -> bool| {
        requests.iter().filter(|r| pred(r)).count()
    };

    // Session ids are dropped when links are read: each session page is fetched once, without
    // its session id, however many fresh ids the pages wrote.
    let mut per_page: HashMap<String, usize> = HashMap::new();
    for (_, path, query) in &requests {
        if path.starts_with("/sess/") || path.starts_with("/sid/") || path.starts_with("/php/") {
            assert!(
                !path.contains(";jsessionid") && !query.contains("sid="),
                "a session id was sent: {path}?{query}"
            );
            *per_page.entry(format!("{path}?{query}")).or_default() += 1;
        }
    }
    let want: HashMap<String, usize> = [
        "/sess/a?",
        "/sess/b?",
        "/sid/a?",
        "/sid/b?",
        "/php/a?lang=zh",
        "/php/b?lang=zh",
    ]
    .iter()
    .map(|p| (p.to_string(), 1))
    .collect();
    assert_eq!(per_page, want);

    // The growing query is cut once its URL passes 2,048 characters: URLs with up to 6
    // parameters of 300 characters are fetched, the one with 7 is never asked for.
    let grow = count(&|r| r.0 == Method::GET && r.1 == "/grow");
    assert_eq!(grow, 6, "{grow} /grow pages read");
    assert_eq!(
        count(&|r| r.1 == "/grow"),
        6,
        "only read as pages, never cut by the budget"
    );
    assert!(requests
        .iter()
        .filter(|r| r.1 == "/grow")
        .all(|r| r.2.len() < 2048));

    // The relative-link loop stops before a segment appears a third time.
    let mut x: Vec<&str> = requests
        .iter()
        .filter(|r| r.1.starts_with("/x/"))
        .map(|r| r.1.as_str())
        .collect();
    x.sort();
    assert_eq!(x, vec!["/x/", "/x/x/"]);

    // The same page under endless URLs (each linking two more): the page budget stops the
    // parsing (at most max_pages pages of the whole site are read), and what is beyond it is only
    // checked, never parsed, so nothing new is found there. The utm pages double on every level,
    // so the site has about twice as many pages queued as read: the other traps (the deepest
    // ends at page ~90) are over long before the budget runs out.
    let parsed = count(&|r| r.0 == Method::GET && r.1 != "/robots.txt");
    let utm_checked = count(&|r| r.0 == Method::HEAD && r.1 == "/page");
    assert!(
        parsed <= max_pages + 1, // + the not-found probe
        "{parsed} pages fetched with GET"
    );
    assert!(
        utm_checked <= 2 * max_pages,
        "{utm_checked} /page URLs checked"
    );
    assert!(utm_checked > 0, "the budget was never reached");

    // Each cut is said once in the run log, with what was cut.
    for needle in [
        "crawler trap cut (URL longer than 2048 characters)",
        "crawler trap cut (path repeats a segment (relative-link loop))",
        &format!("page budget reached (max_pages = {max_pages}"),
        "(10.0.0.7 is an internal address; allow_private = true would allow it)",
    ] {
        assert_eq!(lines_with(&stderr, needle), 1, "{needle:?} in\n{stderr}");
    }
    // Nothing but those four lines is a warning.
    assert_eq!(lines_with(&stderr, " WARN "), 4, "{stderr}");
}
