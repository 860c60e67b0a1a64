//! A CMS zoo: six sites built the way six families of Chinese government CMS build them, each
//! served on loopback with its server's habits, crawled end to end, and compared with the exact
//! set of findings a careful inspector would write.
//!
//! The static trees are under `tests/fixtures/zoo/<family>/` (a query string is written `@` in a
//! file name: `NewsList.aspx?ClassID=3` is `NewsList.aspx@ClassID=3`). Every family has a fresh
//! list, a stale column, a column whose list shows only a placeholder (暂无信息 …), a single page
//! reached from the menu (机构概况, 领导信息, 联系我们 …), articles, a real attachment and an
//! attachment that is gone but answered with 200 by the server. What differs is everything else:
//!
//! | family | markup | the server's not-found answer |
//! |---|---|---|
//! | `trs` (TRS WCM) | `t20261120_1234567.html`, `createPageHTML`, national meta tags, a re-stamped `PubDate` | `302` to `/404.html`, which answers `200` |
//! | `hanweb` (大汉 JCMS) | `/col/col1234/index.html`, rows inside `<script type="text/xml"><datastore>` | `404`, but `/attach/` answers `200` with an HTML error page |
//! | `aspnet` (ASP.NET WebForms on IIS) | `NewsList.aspx?ClassID=3`, a GridView paged by `__doPostBack`, `EmptyDataText` | `200` and an HTML "not found" page for every unknown path |
//! | `dede` (DedeCMS) | `/a/xinwen/`, `list_1_2.html`, `ul.e2` rows with intros | `200` and the homepage (everything rewritten to `index.php`) |
//! | `kpy` (开普云 / gkmlpt site group) | `content/post_3812345.html`, `index_2.html`, a script-only `/gkmlpt/index` | `404`, but `/attachment/` answers `200` with nginx's own 404 page |
//! | `handmade` | GBK tables, `news.htm`, `[2026-11-20]` | `404`; `/download/` is redirected to the homepage; every file is sent as `text/html` |

use std::collections::BTreeSet;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Response, StatusCode, Uri};

/// How a family's server answers.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Family {
    Trs,
    Hanweb,
    AspNet,
    Dede,
    Kpy,
    Handmade,
}

impl Family {
    fn dir(self) -> &'static str {
        match self {
            Family::Trs => "trs",
            Family::Hanweb => "hanweb",
            Family::AspNet => "aspnet",
            Family::Dede => "dede",
            Family::Kpy => "kpy",
            Family::Handmade => "handmade",
        }
    }

    fn default_document(self) -> &'static str {
        match self {
            Family::AspNet => "Default.aspx",
            Family::Handmade => "index.htm",
            _ => "index.html",
        }
    }
}

fn root(f: Family) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/zoo")
        .join(f.dir())
}

fn content_type(f: Family, path: &str) -> &'static str {
    if f == Family::Handmade {
        // A hand-configured server that sends every file as a page.
        return "text/html";
    }
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "css" => "text/css",
        "js" => "application/javascript",
        _ => "text/html; charset=utf-8",
    }
}

fn respond(status: StatusCode, ct: &str, body: Vec<u8>, head: bool) -> Response<Body> {
    let mut r = Response::new(if head {
        Body::empty()
    } else {
        Body::from(body)
    });
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
    r
}

fn redirect(status: StatusCode, to: &str) -> Response<Body> {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::LOCATION, HeaderValue::from_str(to).unwrap());
    r
}

fn serve(f: Family, method: &Method, uri: &Uri) -> Response<Body> {
    let head = method == Method::HEAD;
    let mut path = uri.path().to_string();
    if path.ends_with('/') {
        path.push_str(f.default_document());
    }
    let dir = root(f);
    let plain = dir.join(path.trim_start_matches('/'));
    let with_query = uri
        .query()
        .map(|q| dir.join(format!("{}@{q}", path.trim_start_matches('/'))));
    let file = with_query
        .filter(|p| p.is_file())
        .or_else(|| plain.is_file().then_some(plain));
    if let Some(file) = file {
        if !path.starts_with("/_errors/") {
            let body = std::fs::read(file).unwrap();
            return respond(StatusCode::OK, content_type(f, &path), body, head);
        }
    }
    let page = |rel: &str| std::fs::read(dir.join(rel)).unwrap();
    let html = "text/html; charset=utf-8";
    let nginx_404 = || {
        respond(
            StatusCode::NOT_FOUND,
            "text/html",
            b"<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center></body></html>".to_vec(),
            head,
        )
    };
    match f {
        Family::Trs => redirect(StatusCode::FOUND, "/404.html"),
        Family::Hanweb if path.starts_with("/attach/") => {
            respond(StatusCode::OK, html, page("_errors/attach.html"), head)
        }
        Family::AspNet => respond(StatusCode::OK, html, page("_errors/notfound.html"), head),
        Family::Dede => respond(StatusCode::OK, html, page("index.html"), head),
        Family::Kpy if path.starts_with("/attachment/") => respond(
            StatusCode::OK,
            "text/html",
            page("_errors/attachment.html"),
            head,
        ),
        Family::Handmade if path.starts_with("/download/") => {
            redirect(StatusCode::MOVED_PERMANENTLY, "/")
        }
        _ => nginx_404(),
    }
}

/// Serves a family on an ephemeral loopback port; returns its base URL.
async fn start(f: Family) -> String {
    let app = axum::Router::new()
        .fallback(move |method: Method, uri: Uri| async move { serve(f, &method, &uri) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// A finding as the expectations write it: check, the page's path, the object's path, and for
/// `missing_metadata` the item.
type Key = (String, String, String, String);

/// What a crawl of a family found: its findings, the columns `govpatrol columns` lists (path and
/// verdict) and the evidence of each finding by key.
struct Crawl {
    findings: BTreeSet<Key>,
    columns: BTreeSet<(String, String)>,
    evidence: std::collections::BTreeMap<Key, serde_json::Value>,
}

async fn crawl(f: Family, site_extra: &str) -> Crawl {
    let base = start(f).await;
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    std::fs::write(
        &targets,
        format!(
            "[defaults]\nrequests_per_second = 200\nconcurrency = 8\nretries = 0\ntimeout_secs = 5\ncheck_external = false\n\
             [[site]]\nid = \"{}\"\nname = \"zoo\"\nurl = \"{base}\"\nrole = \"unit\"\n{}",
            f.dir(),
            site_extra.replace("{base}", &base)
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let summary = crate::common::crawl(&targets, &[], &out, crate::common::as_of()).await;
    let path = |u: &str| {
        u.strip_prefix(base.trim_end_matches('/'))
            .unwrap_or(u)
            .to_string()
    };
    let mut evidence = std::collections::BTreeMap::new();
    let findings = summary.sites[0]
        .findings
        .iter()
        .map(|x| {
            let item = x.evidence["item"].as_str().unwrap_or("").to_string();
            let k = (x.check.to_string(), path(&x.page_url), path(&x.url), item);
            evidence.insert(k.clone(), x.evidence.clone());
            k
        })
        .collect();
    let columns = crate::common::listed_columns(&targets, &out)
        .iter()
        .map(|c| {
            (
                path(c["url"].as_str().unwrap()),
                c["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    Crawl {
        findings,
        columns,
        evidence,
    }
}

fn expected(rows: &[(&str, &str, &str, &str)]) -> BTreeSet<Key> {
    rows.iter()
        .map(|(c, p, u, i)| (c.to_string(), p.to_string(), u.to_string(), i.to_string()))
        .collect()
}

/// The findings a site without the national meta tags and footer items gets, besides `missing`.
fn no_metadata(
    footer_except: &[&str],
) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    let footer = [
        "footer:ICP备案编号",
        "footer:主办单位",
        "footer:党政机关网站标识",
        "footer:公安机关备案号",
        "footer:网站地图",
        "footer:网站标识码",
        "footer:联系方式",
    ];
    let meta = [
        "meta:ArticleTitle",
        "meta:ColumnDescription",
        "meta:ColumnKeywords",
        "meta:ColumnName",
        "meta:ColumnType",
        "meta:ContentSource",
        "meta:PubDate",
        "meta:SiteDomain",
        "meta:SiteIDCode",
        "meta:SiteName",
    ];
    footer
        .into_iter()
        .filter(|i| !footer_except.contains(i))
        .chain(meta)
        .map(|i| ("missing_metadata", "/", "/", i))
        .collect()
}

/// Crawls a family and compares its findings and its listed columns with the expectations.
async fn assert_zoo(
    f: Family,
    rows: &[(&str, &str, &str, &str)],
    columns: &[(&str, &str)],
) -> Crawl {
    let got = crawl(f, "").await;
    let mut want = expected(rows);
    // No probe history in a test: the availability week cannot be judged, on every site.
    want.insert((
        "too_few_probes".into(),
        "/".into(),
        "/".into(),
        String::new(),
    ));
    let missed: Vec<_> = want.difference(&got.findings).collect();
    let false_alarms: Vec<_> = got.findings.difference(&want).collect();
    let line = |k: &&Key| format!("    {:?},", (&k.0, &k.1, &k.2, &k.3));
    let lines = |ks: &[&Key]| ks.iter().map(line).collect::<Vec<_>>().join("\n");
    assert!(
        missed.is_empty() && false_alarms.is_empty(),
        "{f:?}\nmissed:\n{}\nfalse alarms:\n{}",
        lines(&missed),
        lines(&false_alarms)
    );
    let want_cols: BTreeSet<(String, String)> = columns
        .iter()
        .map(|(u, v)| (u.to_string(), v.to_string()))
        .collect();
    assert_eq!(got.columns, want_cols, "{f:?}: the columns listed");
    got
}

/// The evidence of a soft-404 attachment says which sign was seen and what confirmed it.
fn assert_soft404(got: &Crawl, page: &str, url: &str, sign: &str, confirmed: &str) {
    let k = (
        "broken_link".to_string(),
        page.to_string(),
        url.to_string(),
        String::new(),
    );
    let e = &got.evidence[&k];
    assert_eq!(e["status"], 200, "{e}");
    let reason = e["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(sign) && reason.contains(confirmed),
        "{reason}"
    );
}

const SERVER_200: &str = "the server answers 200 for paths that do not exist";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoo_trs() {
    let got = assert_zoo(
        Family::Trs,
        &[
            (
                "broken_link",
                "/gzdt/202611/t20261120_1234567.html",
                "/gzdt/202611/P020261120512345678902.doc",
                "",
            ),
            ("stale_column", "/tzgg/", "/tzgg/", ""),
            ("empty_column", "/zcwj/", "/zcwj/", ""),
            // re-published by the CMS: the meta PubDate says 2026-11-10, the page 2025-03-10
            (
                "suspect_date",
                "/tzgg/202503/t20250310_1100001.html",
                "/tzgg/202503/t20250310_1100001.html",
                "",
            ),
        ],
        &[
            ("/gzdt/", "fresh"),
            ("/tzgg/", "stale"),
            ("/zcwj/", "empty"),
        ],
    )
    .await;
    assert_soft404(
        &got,
        "/gzdt/202611/t20261120_1234567.html",
        "/gzdt/202611/P020261120512345678902.doc",
        "text/html for a .doc",
        "页面不存在",
    );
    let e = &got.evidence[&(
        "suspect_date".to_string(),
        "/tzgg/202503/t20250310_1100001.html".to_string(),
        "/tzgg/202503/t20250310_1100001.html".to_string(),
        String::new(),
    )];
    assert_eq!(
        (&e["pub_date"], &e["meta_date"], &e["printed_date"]),
        (
            &"2025-03-10".into(),
            &"2026-11-10".into(),
            &"2025-03-10".into()
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoo_hanweb() {
    let got = assert_zoo(
        Family::Hanweb,
        &[
            (
                "broken_link",
                "/art/2026/11/20/art_1234_567891.html",
                "/attach/0/2611201030124.doc",
                "",
            ),
            (
                "stale_column",
                "/col/col1235/index.html",
                "/col/col1235/index.html",
                "",
            ),
            (
                "empty_column",
                "/col/col1236/index.html",
                "/col/col1236/index.html",
                "",
            ),
        ],
        &[
            ("/col/col1234/index.html", "fresh"),
            ("/col/col1235/index.html", "stale"),
            ("/col/col1236/index.html", "empty"),
        ],
    )
    .await;
    assert_soft404(
        &got,
        "/art/2026/11/20/art_1234_567891.html",
        "/attach/0/2611201030124.doc",
        "text/html for a .doc",
        "does not exist in /attach/0/",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoo_aspnet() {
    let mut rows = vec![
        (
            "broken_link",
            "/News/NewsShow.aspx?ID=1024",
            "/UploadFiles/2026112009301234.doc",
            "",
        ),
        (
            "broken_link",
            "/News/NewsShow.aspx?ID=1024",
            "/UploadFiles/Images/20261120093011.jpg",
            "",
        ),
        (
            "stale_column",
            "/News/NewsList.aspx?ClassID=5",
            "/News/NewsList.aspx?ClassID=5",
            "",
        ),
        (
            "empty_column",
            "/News/NewsList.aspx?ClassID=8",
            "/News/NewsList.aspx?ClassID=8",
            "",
        ),
    ];
    rows.extend(no_metadata(&[]));
    let got = assert_zoo(
        Family::AspNet,
        &rows,
        &[
            ("/News/NewsList.aspx?ClassID=3", "fresh"),
            ("/News/NewsList.aspx?ClassID=5", "stale"),
            ("/News/NewsList.aspx?ClassID=8", "empty"),
        ],
    )
    .await;
    for url in [
        "/UploadFiles/2026112009301234.doc",
        "/UploadFiles/Images/20261120093011.jpg",
    ] {
        assert_soft404(
            &got,
            "/News/NewsShow.aspx?ID=1024",
            url,
            SERVER_200,
            "the one the server answers for a path that does not exist",
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoo_dede() {
    let mut rows = vec![
        (
            "broken_link",
            "/a/xinwen/2026/1120/31.html",
            "/uploads/soft/261120/1-2611201012461.doc",
            "",
        ),
        ("stale_column", "/a/tongzhi/", "/a/tongzhi/", ""),
        ("empty_column", "/a/zhengce/", "/a/zhengce/", ""),
    ];
    rows.extend(no_metadata(&[]));
    let got = assert_zoo(
        Family::Dede,
        &rows,
        &[
            ("/a/xinwen/", "fresh"),
            ("/a/tongzhi/", "stale"),
            ("/a/zhengce/", "empty"),
        ],
    )
    .await;
    assert_soft404(
        &got,
        "/a/xinwen/2026/1120/31.html",
        "/uploads/soft/261120/1-2611201012461.doc",
        SERVER_200,
        "the one the server answers for a path that does not exist",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoo_kpy() {
    let got = assert_zoo(
        Family::Kpy,
        &[
            (
                "broken_link",
                "/zwgk/xwdt/content/post_3812345.html",
                "/attachment/0/512/512346/3812345.docx",
                "",
            ),
            ("stale_column", "/zwgk/tzgg/", "/zwgk/tzgg/", ""),
            ("empty_column", "/zwgk/zcjd/", "/zwgk/zcjd/", ""),
        ],
        &[
            ("/zwgk/xwdt/", "fresh"),
            ("/zwgk/tzgg/", "stale"),
            ("/zwgk/zcjd/", "empty"),
        ],
    )
    .await;
    assert_soft404(
        &got,
        "/zwgk/xwdt/content/post_3812345.html",
        "/attachment/0/512/512346/3812345.docx",
        "text/html for a .docx",
        "title says 404",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoo_handmade() {
    let mut rows = vec![
        (
            "broken_link",
            "/news/20261120.htm",
            "/download/dagl2019.doc",
            "",
        ),
        ("stale_column", "/notice.htm", "/notice.htm", ""),
        ("empty_column", "/policy.htm", "/policy.htm", ""),
    ];
    rows.extend(no_metadata(&["footer:联系方式"]));
    let got = assert_zoo(
        Family::Handmade,
        &rows,
        &[
            ("/news.htm", "fresh"),
            ("/notice.htm", "stale"),
            ("/policy.htm", "empty"),
        ],
    )
    .await;
    // Every file is sent as text/html here, the real ones included: a real .doc is not a finding.
    assert_soft404(
        &got,
        "/news/20261120.htm",
        "/download/dagl2019.doc",
        "text/html for a .doc",
        "does not exist in /download/",
    );
}

/// `targets.toml` can still pin a single page as a column when the office wants it judged: it is
/// then judged by its own date (an undated page counts as not updated).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_page_pinned_in_targets_is_judged() {
    let got = crawl(
        Family::Trs,
        "[[site.column]]\nname = \"工作动态\"\nurl = \"{base}gzdt/\"\n\
         [[site.column]]\nname = \"机构概况\"\nurl = \"{base}jggk/\"\ncategory = \"other\"\n",
    )
    .await;
    assert_eq!(
        got.columns,
        [("/gzdt/", "fresh"), ("/jggk/", "undated")]
            .iter()
            .map(|(u, v)| (u.to_string(), v.to_string()))
            .collect()
    );
    assert!(got.findings.contains(&(
        "stale_column".into(),
        "/jggk/".into(),
        "/jggk/".into(),
        String::new()
    )));
}
