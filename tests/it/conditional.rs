//! A second run of a site asks for each page only if it changed (`If-None-Match` /
//! `If-Modified-Since`), end to end on the built-in sample sites, which answer like nginx does for
//! static files: what the server sees, what the office gets (the same findings as a full
//! download), a page edited between the runs, the count of saved downloads, and a history
//! database from before the validators were stored.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use crate::common::*;
use chrono::NaiveDate;
use govpatrol::config::{CrawlSettings, Targets};
use govpatrol::run::{self, RunSummary};
use govpatrol_sample::{RequestRecord, SampleSites};

/// A month after the first run: a new period, so a new run.
fn next_month() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

async fn crawl_with(targets: &Path, out: &Path, as_of: NaiveDate, conditional: bool) -> RunSummary {
    let mut t = Targets::load(targets).expect("targets load");
    t.apply_cli(&CrawlSettings {
        conditional_requests: Some(conditional),
        ..Default::default()
    })
    .unwrap();
    let (_tx, stop) = tokio::sync::watch::channel(false);
    let s = run::crawl(&t, &options(out, as_of), stop)
        .await
        .expect("crawl runs");
    assert!(!s.interrupted);
    s
}

/// `authority/path` of a URL, as the sample's request log names it.
fn log_key(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    let pq = match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    };
    format!("{}:{}{pq}", u.host_str().unwrap(), u.port().unwrap())
}

fn key_of(r: &RequestRecord) -> String {
    format!("{}{}", r.authority, r.path_and_query)
}

/// `(url, method, status, rechecked)` of every URL of the latest run of each site in `period`.
fn stored_urls(out: &Path, period: &str) -> Vec<(String, String, Option<u16>, bool)> {
    let db = rusqlite::Connection::open(out.join("govpatrol.sqlite")).unwrap();
    let mut st = db
        .prepare(
            "SELECT u.url, COALESCE(u.method, ''), u.status, u.rechecked FROM urls u
             WHERE u.run_id IN (SELECT MAX(id) FROM runs WHERE period = ?1 GROUP BY site)",
        )
        .unwrap();
    st.query_map([period], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The pages (read with GET, answered 200 and parsed) of the latest run of each site in
/// `period`, as request-log keys.
fn parsed_pages(out: &Path, period: &str) -> HashSet<String> {
    let db = rusqlite::Connection::open(out.join("govpatrol.sqlite")).unwrap();
    let mut st = db
        .prepare(
            "SELECT u.url FROM urls u JOIN pages p ON p.run_id = u.run_id AND p.url_id = u.id
             WHERE u.status = 200
               AND u.run_id IN (SELECT MAX(id) FROM runs WHERE period = ?1 GROUP BY site)",
        )
        .unwrap();
    st.query_map([period], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|u| log_key(&u.unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_revalidates_unchanged_pages_and_finds_the_same_problems() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");

    // First run: everything is downloaded; the pages' validators are stored.
    let first = crawl_with(&targets, &out, as_of(), true).await;
    assert!(first.sites.iter().all(|s| s.unchanged == 0));
    let first_pages = parsed_pages(&out, "2026-11");
    assert!(first_pages.len() > 100, "{}", first_pages.len());

    // Between the runs the webmaster edits one policy document: it gains a link to nowhere.
    let edited = sites.interpretation_cases[0].doc_url.clone();
    let new_link = sites.sites[0]
        .url
        .join("/govpatrol-test/new-broken.html")
        .unwrap()
        .to_string();
    assert!(sites.edit_page(
        &url::Url::parse(&edited).unwrap(),
        "<p><a href=\"/govpatrol-test/new-broken.html\">新增附件</a></p>"
    ));

    // Second run, a month later.
    sites.clear_requests();
    let second = crawl_with(&targets, &out, next_month(), true).await;
    let log = sites.requests();

    // (a) The server answered the unchanged pages 304 and sent no body again: every page it
    // sent in full was the edited one or a failure the crawler re-checks before reporting it.
    let stored = stored_urls(&out, "2026-12");
    let rechecked: HashSet<String> = stored
        .iter()
        .filter(|(.., r)| *r)
        .map(|(u, ..)| log_key(u))
        .collect();
    let not_modified: Vec<&RequestRecord> = log.iter().filter(|r| r.status == 304).collect();
    let resent: BTreeSet<String> = log
        .iter()
        .filter(|r| r.method == "GET" && r.status == 200 && first_pages.contains(&key_of(r)))
        .map(key_of)
        .filter(|k| !rechecked.contains(k))
        .collect();
    assert_eq!(
        resent,
        BTreeSet::from([log_key(&edited)]),
        "pages downloaded again although unchanged"
    );
    assert!(
        not_modified.len() + 10 >= first_pages.len(),
        "{} pages answered 304 of {} read on the first run",
        not_modified.len(),
        first_pages.len()
    );
    assert!(not_modified.iter().all(|r| r.method == "GET"));
    eprintln!(
        "first run: {} pages downloaded; second run: {} answered 304, {} downloaded again \
         (edited), {} re-checked failures",
        first_pages.len(),
        not_modified.len(),
        resent.len(),
        rechecked.len()
    );

    // (d) The saved downloads are counted per site, and equal what the server saw.
    let unchanged: usize = second.sites.iter().map(|s| s.unchanged).sum();
    assert_eq!(unchanged, not_modified.len());
    assert!(second
        .sites
        .iter()
        .all(|s| s.saved_bytes > 0 && s.unchanged > 0));
    let rows = csv_rows(&out.join("2026-12/portal/summary.csv"));
    let row = rows
        .iter()
        .find(|r| r[1] == "pages_unchanged")
        .expect("a pages_unchanged row in summary.csv");
    let portal = &second.sites[0];
    assert!(
        row[2].starts_with(&format!("{}/{}", portal.unchanged, portal.pages)),
        "{row:?}"
    );

    // A revalidated page is a healthy 200 page wherever a person reads a status; the stored
    // method says how it was read.
    assert!(stored.iter().all(|(_, _, s, _)| *s != Some(304)));
    assert_eq!(
        stored.iter().filter(|(_, m, ..)| m == "GET 304").count(),
        unchanged
    );
    assert!(stored
        .iter()
        .filter(|(_, m, ..)| m == "GET 304")
        .all(|(_, _, s, _)| *s == Some(200)));
    for s in &second.sites {
        for f in &s.findings {
            assert_ne!(f.evidence["status"], 304, "{f:?}");
        }
    }

    // (c) The edited page was read again and its new link checked: a new broken link.
    let got = keys(&second);
    let new_finding = (
        "portal".to_string(),
        "broken_link".to_string(),
        edited.clone(),
        new_link.clone(),
    );
    assert!(got.contains(&new_finding), "{got:#?}");
    assert!(!keys(&first).contains(&new_finding));

    // (b) The findings depend on the site, not on how its pages were obtained: a full download
    // at the same check point finds exactly the same, over the same URLs and pages.
    let full = crawl_with(&targets, &dir.path().join("full"), next_month(), false).await;
    assert!(full.sites.iter().all(|s| s.unchanged == 0));
    let full_keys = keys(&full);
    assert_eq!(
        got.difference(&full_keys).collect::<Vec<_>>(),
        Vec::<&Key>::new(),
        "only with conditional requests"
    );
    assert_eq!(
        full_keys.difference(&got).collect::<Vec<_>>(),
        Vec::<&Key>::new(),
        "only with a full download"
    );
    for (a, b) in second.sites.iter().zip(&full.sites) {
        assert_eq!((&a.site, a.urls, a.pages), (&b.site, b.urls, b.pages));
        assert_eq!(a.score.score, b.score.score, "{}", a.site);
    }

    // A third run revalidates against the second: the copied pages kept their validators, and
    // the edited page is unchanged since.
    sites.clear_requests();
    let third = crawl_with(
        &targets,
        &out,
        NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
        true,
    )
    .await;
    let unchanged3: usize = third.sites.iter().map(|s| s.unchanged).sum();
    assert!(unchanged3 > unchanged, "{unchanged3} vs {unchanged}");
    assert!(sites
        .requests()
        .iter()
        .any(|r| key_of(r) == log_key(&edited) && r.status == 304));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turned_off_every_page_is_downloaded_again() {
    let sites = SampleSites::start(as_of()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    crawl_with(&targets, &out, as_of(), true).await;
    sites.clear_requests();
    let again = crawl_with(&targets, &out, next_month(), false).await;
    assert!(again.sites.iter().all(|s| s.unchanged == 0));
    let log = sites.requests();
    assert!(log.iter().all(|r| r.status != 304));
    assert!(
        log.iter()
            .filter(|r| r.method == "GET" && r.status == 200)
            .count()
            > 100
    );
}

/// The schema of `urls` and `runs` before the validators were stored.
const OLD_SCHEMA: &str = "
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, site TEXT NOT NULL, period TEXT NOT NULL, as_of TEXT NOT NULL,
    started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, home_url TEXT NOT NULL,
    notfound_status INTEGER, notfound_fingerprint INTEGER
);
CREATE TABLE urls (
    run_id INTEGER NOT NULL, id INTEGER NOT NULL, url TEXT NOT NULL, depth INTEGER NOT NULL,
    kind TEXT NOT NULL, state TEXT NOT NULL, status INTEGER, error TEXT, final_url TEXT,
    content_type TEXT, method TEXT, attempts INTEGER, redirects TEXT, fetched_at TEXT,
    rechecked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (run_id, id)
) WITHOUT ROWID;
INSERT INTO runs VALUES (1, 'portal', '2026-10', '2026-10-25', '2026-10-25T02:30:00+08:00',
    '2026-10-25T02:40:00+08:00', 'done', 'http://127.0.0.1:1/', 404, NULL);
INSERT INTO urls (run_id, id, url, depth, kind, state, status, method, attempts)
    VALUES (1, 0, 'http://127.0.0.1:1/', 0, 'page', 'done', 200, 'GET', 1);
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_database_from_before_the_validators_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let db = govpatrol::store::db_path(&out);
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(OLD_SCHEMA)
        .unwrap();

    let store = govpatrol::store::Store::open(&db).expect("an old database opens");
    // the old run is still there, and its URLs read back
    let run = store.run(1).unwrap();
    assert_eq!(
        (run.period.as_str(), run.status.as_str()),
        ("2026-10", "done")
    );
    assert_eq!(store.urls(1).unwrap().len(), 1);
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    for (table, column) in [
        ("urls", "etag"),
        ("urls", "last_modified"),
        ("urls", "body_bytes"),
        ("runs", "facts_key"),
    ] {
        let n: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = ?1"),
                [column],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{table}.{column} added");
    }
    drop(conn);
    // Opening again changes nothing; the old run offers nothing to revalidate (no validators,
    // no facts key), so a crawl over it simply downloads everything.
    govpatrol::store::Store::open(&db).expect("opens twice");
    let site = Targets::parse(
        "[[site]]\nid='portal'\nname='p'\nurl='http://127.0.0.1:1/'\nrole='portal'\n",
        "t.toml".as_ref(),
    )
    .unwrap()
    .sites
    .remove(0);
    let key = govpatrol::crawl::facts_key(&site);
    assert!(govpatrol::store::Previous::open(&db, "portal", 2, &key)
        .unwrap()
        .is_none());

    // And a real crawl into that folder works and stores validators.
    let sites = sample().await;
    let targets = write_targets(dir.path(), &sites, 50.0);
    let s = crawl_with(&targets, &out, as_of(), true).await;
    assert!(s.sites.iter().all(|s| s.unchanged == 0 && s.pages > 0));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let with_etag: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM urls WHERE run_id > 1 AND etag IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(with_etag > 100, "{with_etag}");
}

#[test]
fn a_run_under_another_scope_does_not_reuse_stored_links() {
    let site = |extra: &str| {
        Targets::parse(
            &format!("[[site]]\nid='a'\nname='a'\nurl='http://a.gov.cn/'\nrole='unit'\n{extra}"),
            "t.toml".as_ref(),
        )
        .unwrap()
        .sites
        .remove(0)
    };
    let key = |extra: &str| govpatrol::crawl::facts_key(&site(extra));
    let base = key("");
    assert_eq!(base, key(""), "stable");
    assert!(base.starts_with(govpatrol::extract::EXTRACTOR));
    // the rate and the budgets do not change what a page's stored links are
    assert_eq!(
        base,
        key("[site.settings]\nrequests_per_second = 9\nmax_pages = 10\n")
    );
    for other in [
        "[site.settings]\ncheck_external = false\n",
        "[site.scope]\nexclude = ['/old/']\n",
        "[site.scope]\nhosts = ['b.gov.cn']\n",
    ] {
        assert_ne!(base, key(other), "{other}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_whose_stored_rows_are_gone_is_downloaded_again_after_its_304() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    let only_unit_a = |mut t: Targets| {
        t.select(&["unit-a".to_string()]).unwrap();
        t
    };
    let crawl_a = |as_of: NaiveDate| {
        let t = only_unit_a(Targets::load(&targets).unwrap());
        let out = out.clone();
        async move {
            let (_tx, stop) = tokio::sync::watch::channel(false);
            run::crawl(&t, &options(&out, as_of), stop).await.unwrap()
        }
    };
    let first = crawl_a(as_of()).await;
    // Lose one page's content row, as a damaged or hand-edited history would.
    let db = rusqlite::Connection::open(out.join("govpatrol.sqlite")).unwrap();
    let (run, id, url): (i64, u32, String) = db
        .query_row(
            "SELECT u.run_id, u.id, u.url FROM urls u JOIN pages p ON p.run_id = u.run_id AND p.url_id = u.id
             WHERE u.id > 0 AND u.status = 200 AND u.rechecked = 0 ORDER BY u.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    db.execute(
        "DELETE FROM page_content WHERE run_id = ?1 AND url_id = ?2",
        rusqlite::params![run, id],
    )
    .unwrap();
    drop(db);

    sites.clear_requests();
    let second = crawl_a(next_month()).await;
    let statuses: Vec<u16> = sites
        .requests()
        .iter()
        .filter(|r| key_of(r) == log_key(&url) && r.method == "GET")
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [304, 200], "{url}");
    assert_eq!(second.sites[0].pages, first.sites[0].pages);
    assert!(second.sites[0].unchanged > 0);
    assert!(second.sites[0].unchanged < first.sites[0].pages);
    assert_eq!(
        keys(&second),
        keys(&crawl_with_full(&targets, &dir.path().join("full")).await)
    );
}

async fn crawl_with_full(targets: &Path, out: &Path) -> RunSummary {
    let mut t = Targets::load(targets).unwrap();
    t.select(&["unit-a".to_string()]).unwrap();
    t.apply_cli(&CrawlSettings {
        conditional_requests: Some(false),
        ..Default::default()
    })
    .unwrap();
    let (_tx, stop) = tokio::sync::watch::channel(false);
    run::crawl(&t, &options(out, next_month()), stop)
        .await
        .unwrap()
}
