//! Columns end to end on the built-in sample sites at a fixed check point: every column is found
//! with the category, level and verdict an inspector gives it; the CSVs and the `columns` and
//! `page` commands show what a webmaster needs.

use std::collections::BTreeMap;
use std::process::Command;

use crate::common::*;
use govpatrol::checks::columns::Verdict;

fn govpatrol() -> Command {
    Command::new(env!("CARGO_BIN_EXE_govpatrol"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_column_verdict_is_pinned_at_the_check_point() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    let summary = crawl(&targets, &[], &out, as_of()).await;

    // (site, url) -> (name, category, level, verdict, newest)
    type Row = (String, String, u8, String, Option<String>);
    let expected: BTreeMap<(String, String), Row> = sites
        .expected_columns
        .iter()
        .map(|c| {
            (
                (c.site.clone(), c.url.clone()),
                (
                    c.name.clone(),
                    c.category.to_string(),
                    c.level,
                    c.verdict.to_string(),
                    c.newest.map(|d| d.to_string()),
                ),
            )
        })
        .collect();
    let got: BTreeMap<(String, String), Row> = summary
        .sites
        .iter()
        .flat_map(|s| {
            s.columns.iter().map(|c| {
                (
                    (s.site.clone(), c.column.url.clone()),
                    (
                        c.column.name.clone(),
                        c.column.category.as_str().to_string(),
                        c.column.level,
                        c.verdict.as_str().to_string(),
                        c.newest
                            .as_ref()
                            .and_then(|n| n.date)
                            .map(|d| d.to_string()),
                    ),
                )
            })
        })
        .collect();
    assert_eq!(got, expected);

    let portal = &summary.sites[0];
    assert_eq!(portal.site, "portal");
    // Later list pages (index_1.html …) belong to their column: no column is listed twice.
    assert!(portal
        .columns
        .iter()
        .all(|c| !c.column.url.contains("index_")));
    let spxw = portal
        .columns
        .iter()
        .find(|c| c.column.name == "视频新闻")
        .unwrap();
    let pages = |name: &str| {
        portal
            .columns
            .iter()
            .find(|c| c.column.name == name)
            .unwrap()
            .column
            .pages
    };
    assert_eq!(
        pages("工作动态"),
        2,
        "index_1.html and index_2.html fold in"
    );
    assert_eq!(pages("通知公告"), 1, "its GBK second page folds in");
    assert_eq!(
        spxw.newest.as_ref().unwrap().date_source,
        Some(govpatrol::checks::columns::ItemDateSource::Article),
        "a list without dates takes its articles' dates"
    );
    let ghjh = portal
        .columns
        .iter()
        .find(|c| c.column.name == "规划计划")
        .unwrap();
    let items = ghjh.column.items.as_ref().unwrap();
    assert!(items[0].pinned, "the old row on top is pinned");
    assert_eq!(
        ghjh.verdict,
        Verdict::Fresh,
        "a pinned old row hides nothing"
    );
    let zxft = portal
        .columns
        .iter()
        .find(|c| c.column.name == "在线访谈")
        .unwrap();
    assert_eq!(zxft.undated_items, zxft.item_count);

    // Veto counts: the excluded topic counts nowhere; `other` not in the first count.
    assert_eq!(
        (
            portal.veto.news_notice_policy,
            portal.veto.stale,
            portal.veto.empty
        ),
        (1, 3, 1)
    );
    let unit_a = &summary.sites[1];
    assert!(!unit_a.homepage.as_ref().unwrap().updated);
    assert_eq!(
        unit_a.homepage.as_ref().unwrap().days_since_update,
        Some(21)
    );
    assert!(summary.sites[2].homepage.as_ref().unwrap().updated);

    // The evidence of a stale column says what the contract promises.
    let stale = portal
        .findings
        .iter()
        .find(|f| f.check == "stale_column" && f.evidence["column_name"] == "地方快讯")
        .unwrap();
    assert_eq!(stale.evidence["category"], "news");
    assert_eq!(stale.evidence["window_days"], 14);
    assert_eq!(stale.evidence["days_since_update"], 17);
    assert_eq!(stale.evidence["source"], "discovered");
    assert!(stale.evidence["newest_item_url"]
        .as_str()
        .unwrap()
        .contains("/xwdt/dfkx/"));
    assert_eq!(
        stale.evidence["newest_item_date"],
        (as_of() - chrono::Duration::days(17)).to_string()
    );
    let suspect = portal
        .findings
        .iter()
        .filter(|f| f.check == "suspect_date")
        .collect::<Vec<_>>();
    assert_eq!(suspect.len(), 2);
    assert!(suspect.iter().all(|f| f.severity.as_str() == "review"));

    // stale_columns.csv: Chinese header, one row per stale/empty column.
    let folder = out.join("2026-11/portal");
    let rows = csv_rows(&folder.join("stale_columns.csv"));
    assert_eq!(
        &rows[0][..4],
        ["问题编号", "栏目名称", "栏目地址", "栏目类别"]
    );
    assert_eq!(rows.len(), 1 + 4);
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    for n in ["地方快讯", "水质月报", "在线访谈", "公示公告"] {
        assert!(names.contains(&n), "{n} not in {names:?}");
    }
    assert!(!names.contains(&"打赢蓝天保卫战专题"));

    // summary.csv: one row per indicator with value, threshold and verdict.
    let rows = csv_rows(&out.join("2026-11/unit-a/summary.csv"));
    assert_eq!(rows[0], ["指标", "键", "测量值", "阈值", "结论", "扣分"]);
    let by_key: BTreeMap<&str, &Vec<String>> =
        rows[1..].iter().map(|r| (r[1].as_str(), r)).collect();
    assert_eq!(by_key["homepage_not_updated"][4], "单项否决");
    assert_eq!(by_key["stale_news_notice_policy"][2], "1");
    assert_eq!(by_key["stale_news_notice_policy"][4], "合格");
    assert_eq!(by_key["empty_columns"][2], "0");
    assert_eq!(by_key["broken_links_other"][2], "1");
    let rows = csv_rows(&folder.join("summary.csv"));
    let home = rows
        .iter()
        .find(|r| r[1] == "homepage_not_updated")
        .unwrap();
    assert_eq!(home[4], "合格");

    // `govpatrol columns` lists the stored run's columns for review, without crawling.
    sites.clear_requests();
    let listed = govpatrol()
        .args(["columns", "--site", "portal", "--json", "--targets"])
        .arg(&targets)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let cols = v.as_array().unwrap();
    assert_eq!(
        cols.len(),
        expected.keys().filter(|(s, _)| s == "portal").count()
    );
    assert!(cols.iter().all(|c| c["category"].is_string()
        && c["level"].is_u64()
        && c["source"] == "discovered"
        && c["verdict"].is_string()));
    let table = govpatrol()
        .args(["columns", "--site", "unit-a", "--targets"])
        .arg(&targets)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("监测动态") && text.contains("stale"),
        "{text}"
    );
    assert!(sites.requests().is_empty(), "columns must not crawl");
    let none = govpatrol()
        .args([
            "columns",
            "--site",
            "portal",
            "--period",
            "2020-01",
            "--targets",
        ])
        .arg(&targets)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no finished run"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_shows_dates_column_meta_and_list_items() {
    let sites = sample().await;
    let portal = sites.site("portal").unwrap().url.clone();
    let run = |url: &url::Url| {
        let out = govpatrol()
            .args([
                "page",
                "--json",
                "--requests-per-second",
                "50",
                url.as_str(),
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let tzgg = sites
        .expected_columns
        .iter()
        .find(|c| c.site == "portal" && c.name == "通知公告")
        .unwrap();
    let list_url = url::Url::parse(&tzgg.url).unwrap();
    let v = tokio::task::spawn_blocking(move || run(&list_url))
        .await
        .unwrap();
    assert_eq!(v["kind"], "list");
    assert_eq!(v["column"]["name"], "通知公告");
    assert_eq!(v["column"]["column_type"], "通知公告");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 8);
    assert_eq!(items[0]["date"], tzgg.newest.unwrap().to_string());
    assert!(items.iter().all(|i| i["date_raw"].is_string()));
    assert!(!v["pagination"].as_array().unwrap().is_empty());

    let article = items[1]["url"].as_str().unwrap().to_string();
    let art_url = url::Url::parse(&article).unwrap();
    let v = tokio::task::spawn_blocking(move || run(&art_url))
        .await
        .unwrap();
    assert_eq!(v["kind"], "article");
    // The printed date is what a person reads; the meta tag is kept among the candidates.
    assert_eq!(v["pub_date"]["source"], "labelled_text");
    assert_eq!(v["pub_date"]["date"], items[1]["date"]);
    assert!(v["date_candidates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["source"] == "meta_pub_date"));
    let text = govpatrol()
        .args(["page", "--requests-per-second", "50", portal.as_str()])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("kind:       other"), "{text}");
    assert!(text.contains("rows of its blocks"), "{text}");
}
