//! Pages built by script, read with `render = "off"` and `"auto"` (headless Chromium).
//!
//! The site is the `jsapi` family of the CMS zoo (`tests/fixtures/zoo/jsapi/`): a newer
//! site-group platform whose columns fill their lists from a JSON API (`/api/list/<col>.json`),
//! one column through a Vue-style bundle mounted on an empty `#app`, and whose articles fetch
//! their bodies (with the attachments) from `/api/content/<id>.json`. Its columns: 通知公告
//! (fresh), 工作动态 (stale), 政策文件 (an empty API answer: the script shows 暂无数据) and
//! 人事信息 (its API answers 404, and the script shows 暂无数据 all the same: not an empty
//! column, a failed request). The article `post_1002` links a missing `.docx` from its
//! script-written body (and greets its visitor with an `alert()` first, which must not hold
//! the page).
//!
//! Statically the lists and bodies are not there: nothing is judged (as before rendering
//! existed). With `auto` the right columns, dates and the broken attachment are reported, the
//! evidence says the pages were rendered, and every request the browser needed was made by
//! govpatrol (its User-Agent, its politeness). Without a browser, `auto` says once that it is
//! unavailable and the crawl goes on statically; a page that does not render in time is read
//! statically; Ctrl-C leaves no browser process behind.
//!
//! Tests that need Chromium print `SKIPPED` and pass without it, unless
//! `GOVPATROL_REQUIRE_CHROMIUM=1` (`.ci/run`), where they fail.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode, Uri};

/// Requests the server saw: (path and query, User-Agent).
type Log = Arc<Mutex<Vec<(String, String)>>>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zoo/jsapi")
}

/// Serves a file of the tree, with an `ETag` (its length) that a conditional request can match.
fn serve(uri: &Uri, if_none_match: Option<&str>) -> Response<Body> {
    let mut path = uri.path().to_string();
    if path.ends_with('/') {
        path.push_str("index.html");
    }
    let file = root().join(path.trim_start_matches('/'));
    let (status, ct, body) = match std::fs::read(&file) {
        Ok(b) if file.is_file() => {
            let ct = match path.rsplit_once('.').map_or("", |(_, e)| e) {
                "json" => "application/json; charset=utf-8",
                "js" => "application/javascript",
                "css" => "text/css",
                "png" => "image/png",
                "pdf" => "application/pdf",
                _ => "text/html; charset=utf-8",
            };
            (StatusCode::OK, ct, b)
        }
        _ => (
            StatusCode::NOT_FOUND,
            "text/html",
            b"<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center></body></html>".to_vec(),
        ),
    };
    let etag = format!("\"{}\"", body.len());
    if status == StatusCode::OK && if_none_match == Some(etag.as_str()) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        return r;
    }
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    if status == StatusCode::OK {
        r.headers_mut()
            .insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
    }
    r
}

/// Serves the `jsapi` tree on loopback; `/api/slow/…` answers after 30 s. Returns the base URL
/// and the request log.
async fn start() -> (String, Log) {
    let log: Log = Arc::default();
    let l = log.clone();
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let l = l.clone();
        async move {
            let ua = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            l.lock().unwrap().push((uri.to_string(), ua));
            if uri.path().starts_with("/api/slow/") {
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
            serve(
                &uri,
                headers
                    .get(header::IF_NONE_MATCH)
                    .and_then(|v| v.to_str().ok()),
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, log)
}

/// Whether the tests that need Chromium can run; `false` (after saying SKIPPED) when it is
/// missing, a failure when `GOVPATROL_REQUIRE_CHROMIUM=1`.
fn have_chromium(test: &str) -> bool {
    if crate::common::chromium().is_some() {
        return true;
    }
    assert!(
        std::env::var("GOVPATROL_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
        "{test}: GOVPATROL_REQUIRE_CHROMIUM=1 but no chromium on the PATH"
    );
    eprintln!("SKIPPED: {test}: no chromium binary (apt-get install -y chromium)");
    false
}

fn write_targets(dir: &Path, base: &str, render: &str, timeout: u32, extra: &str) -> PathBuf {
    let targets = dir.join("targets.toml");
    std::fs::write(
        &targets,
        format!(
            "[defaults]\nrequests_per_second = 200\nconcurrency = 8\nretries = 0\ntimeout_secs = 5\n\
             check_external = false\n\
             [[site]]\nid = \"jsapi\"\nname = \"zoo\"\nurl = \"{base}\"\nrole = \"unit\"\n\
             [site.settings]\nrender = \"{render}\"\nrender_timeout_secs = {timeout}\n{extra}"
        ),
    )
    .unwrap();
    targets
}

/// The findings this test is about: (check, page path, object path) with their evidence.
type Key = (String, String, String);

struct Crawl {
    findings: std::collections::BTreeMap<Key, serde_json::Value>,
    /// (column path, verdict, newest item date)
    columns: BTreeSet<(String, String, String)>,
    out: PathBuf,
    _dir: tempfile::TempDir,
}

async fn crawl(base: &str, render: &str) -> Crawl {
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), base, render, 10, "");
    let out = dir.path().join("out");
    let summary = crate::common::crawl(&targets, &[], &out, crate::common::as_of()).await;
    let path = |u: &str| {
        u.strip_prefix(base.trim_end_matches('/'))
            .unwrap_or(u)
            .to_string()
    };
    let findings = summary.sites[0]
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.check,
                "broken_link" | "stale_column" | "empty_column" | "homepage_not_updated"
            )
        })
        .map(|f| {
            (
                (f.check.to_string(), path(&f.page_url), path(&f.url)),
                f.evidence.clone(),
            )
        })
        .collect();
    let columns = crate::common::listed_columns(&targets, &out)
        .iter()
        .map(|c| {
            (
                path(c["url"].as_str().unwrap()),
                c["verdict"].as_str().unwrap().to_string(),
                c["newest"]["date"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    Crawl {
        findings,
        columns,
        out,
        _dir: dir,
    }
}

fn key(check: &str, page: &str, url: &str) -> Key {
    (check.into(), page.into(), url.into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statically_a_script_built_site_shows_no_lists_and_nothing_is_judged() {
    let (base, _) = start().await;
    let got = crawl(&base, "off").await;
    // No list, no body: no column is listed or judged, no attachment is seen. (The homepage's
    // own block is static and fresh.)
    assert_eq!(got.findings.keys().collect::<Vec<_>>(), Vec::<&Key>::new());
    assert_eq!(got.columns, BTreeSet::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_renders_script_built_lists_and_bodies_and_reports_them() {
    if !have_chromium("auto_renders_script_built_lists_and_bodies_and_reports_them") {
        return;
    }
    let (base, log) = start().await;
    let got = crawl(&base, "auto").await;
    let want: BTreeSet<Key> = [
        key("stale_column", "/xxgk/gzdt/", "/xxgk/gzdt/"),
        key("empty_column", "/xxgk/zcwj/", "/xxgk/zcwj/"),
        key(
            "broken_link",
            "/xxgk/tzgg/content/post_1002.html",
            "/attachment/files/1002.docx",
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(got.findings.keys().cloned().collect::<BTreeSet<_>>(), want);
    for (k, e) in &got.findings {
        assert_eq!(e["rendered"], true, "{k:?}: {e}");
    }
    // The newest item of each column, read from the rendered list; 人事信息, whose data request
    // failed (its script then shows 暂无数据 too), is not taken for an empty column.
    let cols: BTreeSet<(String, String, String)> = [
        ("/xxgk/tzgg/", "fresh", "2026-11-20"),
        ("/xxgk/gzdt/", "stale", "2026-06-01"),
        ("/xxgk/zcwj/", "empty", "-"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got.columns, cols);
    // Every request reached the server from govpatrol itself (its User-Agent, so through its
    // politeness): the browser made none of its own, and nothing it did not need (images,
    // stylesheets) was asked for on its behalf.
    let seen = log.lock().unwrap().clone();
    for (path, ua) in &seen {
        assert!(ua.starts_with("govpatrol/"), "{path} asked by {ua:?}");
    }
    let asked = |p: &str| seen.iter().filter(|(path, _)| path.starts_with(p)).count();
    assert_eq!(asked("/api/list/tzgg.json"), 1, "{seen:?}");
    assert_eq!(asked("/api/content/1002.json"), 1, "{seen:?}");
    // The webmaster's CSV and the sentence say the page was rendered.
    let csv = crate::common::csv_rows(&got.out.join("2026-11/jsapi/broken_links.csv"));
    let col = csv[0].iter().position(|h| h == "页面读取方式").unwrap();
    assert!(csv[1][col].contains("浏览器渲染"), "{:?}", csv[1]);

    // A second run asks for unchanged pages conditionally, but a rendered page is fetched and
    // rendered again: its HTML's 304 says nothing of the data its script fetches. (`--fresh`:
    // the same check point's finished run would otherwise only be reported again.)
    log.lock().unwrap().clear();
    let again = crate::common::crawl_fresh(
        &got.out.parent().unwrap().join("targets.toml"),
        &[],
        &got.out,
        crate::common::as_of(),
    )
    .await;
    let again: BTreeSet<Key> = again.sites[0]
        .findings
        .iter()
        .filter(|f| f.evidence["rendered"] == true)
        .map(|f| {
            let p = |u: &str| {
                u.strip_prefix(base.trim_end_matches('/'))
                    .unwrap_or(u)
                    .to_string()
            };
            (f.check.to_string(), p(&f.page_url), p(&f.url))
        })
        .collect();
    assert_eq!(again, want);
    let db = govpatrol::store::db_path(&got.out);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let method = |path: &str| -> String {
        conn.query_row(
            "SELECT u.method FROM urls u WHERE u.run_id = (SELECT MAX(id) FROM runs) AND u.url = ?1",
            [format!("{base}{}", path.trim_start_matches('/'))],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(method("/xxgk/tzgg/"), "GET");
    assert_eq!(method("/xxgk/tzgg/content/post_1002.html"), "GET");
    assert_eq!(method("/jggk/"), "GET 304");
}

/// Runs `govpatrol crawl` on the site with its own temporary folder (where the browser's
/// profile goes, so its processes can be told from other tests').
fn cli(targets: &Path, out: &Path, tmp: &Path, chromium: Option<&str>) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"));
    c.args(["crawl", "--as-of", "2026-11-25", "--targets"])
        .arg(targets)
        .arg("--out")
        .arg(out)
        .env("TMPDIR", tmp)
        .env("RUST_LOG", "govpatrol=info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(bin) = chromium {
        c.env("GOVPATROL_CHROMIUM", bin);
    }
    c
}

/// Processes (not zombies) whose command line names `dir`: the browser started with its
/// profile there, and every process it started.
fn processes_under(dir: &Path) -> Vec<String> {
    let needle = dir.to_string_lossy().to_string();
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        if cmd.contains(&needle) && !cmd.contains("govpatrol crawl") {
            found.push(format!("{}: {cmd}", e.file_name().to_string_lossy()));
        }
    }
    found
}

/// Whether `cond` holds within `secs` seconds (asked every 50 ms).
async fn eventually(secs: u64, cond: impl Fn() -> bool) -> bool {
    let until = std::time::Instant::now() + Duration::from_secs(secs);
    while !cond() {
        if std::time::Instant::now() > until {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_browser_auto_says_so_once_and_reads_statically() {
    let (base, _) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &base, "auto", 10, "");
    let out = dir.path().join("out");
    let o = cli(&targets, &out, dir.path(), Some("/nonexistent/chromium"))
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("rendering is unavailable").count(), 1, "{err}");
    let found = crate::common::read_jsonl(&out.join("2026-11/jsapi/findings.jsonl"));
    assert!(
        !found
            .iter()
            .any(|f| f["check"] == "empty_column" || f["check"] == "stale_column"),
        "{found:?}"
    );
}

/// A column pinned in targets.toml whose data request does not answer (`/xxgk/slow/`, not
/// linked from the site).
fn slow_column(base: &str) -> String {
    format!(
        "[[site.column]]\nname = \"统计数据\"\nurl = \"{base}xxgk/slow/\"\ncategory = \"data\"\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_does_not_render_in_time_is_read_statically_and_says_so() {
    if !have_chromium("a_page_that_does_not_render_in_time_is_read_statically_and_says_so") {
        return;
    }
    let (base, _) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &base, "auto", 2, &slow_column(&base));
    let out = dir.path().join("out");
    let started = std::time::Instant::now();
    let summary = crate::common::crawl(&targets, &[], &out, crate::common::as_of()).await;
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "{:?}",
        started.elapsed()
    );
    // The pinned column is judged as the office asked, on its static HTML (no list: no dated
    // item), and the evidence says the page could not be rendered and why.
    let f = summary.sites[0]
        .findings
        .iter()
        .find(|f| f.check == "stale_column" && f.url.ends_with("/xxgk/slow/"))
        .expect("the pinned column is judged");
    let why = f.evidence["render_failed"].as_str().unwrap_or_default();
    assert!(why.contains("within 2 s"), "{}", f.evidence);
    assert!(f.evidence.get("rendered").is_none(), "{}", f.evidence);
    let sentence = govpatrol::wording::evidence(f);
    assert!(
        sentence.contains("浏览器渲染未成功（2 秒内未完成）"),
        "{sentence}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_render_leaves_no_browser_process() {
    if !have_chromium("ctrl_c_during_a_render_leaves_no_browser_process") {
        return;
    }
    let (base, _) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &base, "always", 10, &slow_column(&base));
    let out = dir.path().join("out");
    let child = cli(&targets, &out, dir.path(), None).spawn().unwrap();
    let pid = child.id().unwrap();
    // Wait for the browser to be running, then stop the crawl as Ctrl-C does.
    assert!(
        eventually(20, || !processes_under(dir.path()).is_empty()).await,
        "the browser never started"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    // SAFETY: signals the child this test started.
    unsafe {
        libc::kill(pid as i32, libc::SIGINT);
    }
    let o = child.wait_with_output().await.unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    // Every process of the browser is gone (a killed process may linger a moment as a zombie,
    // which has no command line).
    let gone = eventually(2, || processes_under(dir.path()).is_empty()).await;
    assert!(
        gone,
        "left behind: {:?}\n{err}",
        processes_under(dir.path())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_render_shows_the_static_and_the_rendered_page_side_by_side() {
    if !have_chromium("page_render_shows_the_static_and_the_rendered_page_side_by_side") {
        return;
    }
    let (base, _) = start().await;
    let tmp = tempfile::tempdir().unwrap();
    let o = tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"))
        .args(["page", &format!("{base}xxgk/tzgg/"), "--render"])
        .env("TMPDIR", tmp.path())
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("rendered (headless Chromium)"), "{text}");
    let row = |label: &str| {
        text.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_default()
            .split_whitespace()
            .skip(label.split_whitespace().count())
            .collect::<Vec<_>>()
    };
    assert_eq!(row("kind"), ["other", "list", "page"], "{text}");
    assert_eq!(row("newest item"), ["-", "2026-11-20"], "{text}");
    assert!(
        text.contains("links only in the rendered page (3)"),
        "{text}"
    );
    assert!(processes_under(tmp.path()).is_empty());
}
