//! Discovery of pages that only a script links: TRS list pages write their pagination with
//! `createPageHTML(...)`, so without following it a crawler never sees a column's later pages.

use axum::http::Uri;
use axum::response::Html;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn script_only_pagination_is_followed_and_a_stale_page_count_is_not_a_finding() {
    let app = axum::Router::new().fallback(|uri: Uri| async move {
        let list = |k: usize| {
            format!(
                "<html><head><title>通知公告</title><meta name=\"ColumnName\" content=\"通知公告\"></head><body>\
                 <ul><li><a href=\"./t2026110{k}_1.html\">通知{k}</a><span>2026-11-0{k}</span></li>\
                 <li><a href=\"./t2026110{k}_2.html\">公告{k}</a><span>2026-11-0{k}</span></li>\
                 <li><a href=\"./t2026110{k}_3.html\">公示{k}</a><span>2026-11-0{k}</span></li></ul>\
                 <script>createPageHTML(4, {k}, \"index\", \"html\");</script></body></html>"
            )
        };
        match uri.path() {
            "/" => Html("<title>首页</title><a href=\"/tzgg/index.html\">通知公告</a>".to_string()).into_response(),
            "/tzgg/index.html" => Html(list(0)).into_response(),
            // index_3.html does not exist although the script counts 4 pages
            "/tzgg/index_1.html" => Html(list(1)).into_response(),
            "/tzgg/index_2.html" => Html(list(2)).into_response(),
            p if p.starts_with("/tzgg/t") => Html("<title>文章</title><p>正文</p>".to_string()).into_response(),
            _ => axum::http::StatusCode::NOT_FOUND.into_response(),
        }
    });
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    std::fs::write(
        &targets,
        format!("[defaults]\nrequests_per_second = 50\n[[site]]\nid = \"s\"\nname = \"s\"\nurl = \"{base}\"\nrole = \"unit\"\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let summary = crate::common::crawl(&targets, &[], &out, crate::common::as_of()).await;
    let store = govpatrol::store::Store::open(&govpatrol::store::db_path(&out)).unwrap();
    let run = store.latest_done_run("s", "2026-11").unwrap().unwrap();
    let urls: Vec<String> = store
        .records(run.id, "")
        .unwrap()
        .into_iter()
        .map(|r| r.url)
        .collect();
    for k in 1..=2 {
        let page = format!("{base}tzgg/index_{k}.html");
        assert!(urls.contains(&page), "{page} was not reached");
        assert!(
            urls.contains(&format!("{base}tzgg/t2026110{k}_1.html")),
            "items of page {k} not reached"
        );
    }
    assert!(
        summary.sites[0]
            .findings
            .iter()
            .all(|f| f.check != "broken_link"),
        "{:#?}",
        summary.sites[0].findings
    );
}
