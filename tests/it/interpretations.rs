//! Policy interpretation (政策解读) end to end on the sample portal at a fixed check point: every
//! policy document gets the outcome its scenario plants (missing, late, one-way or no links,
//! matched by link, title or document number, excluded), with the URLs that prove it, in
//! findings.jsonl, interpretations.csv and summary.csv; `govpatrol page` shows a document's
//! number and related links.

use std::collections::HashMap;
use std::process::Command;

use crate::common::*;
use govpatrol::checks::interpretations::Calendar;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_policy_document_gets_its_planted_outcome() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    let summary = crawl(&targets, &["portal"], &out, as_of()).await;
    let portal = &summary.sites[0];
    let cases = &sites.interpretation_cases;
    for name in [
        "linked both ways, same day",
        "matched only by title, no links",
        "late: 5 working days",
        "over a weekend and a holiday, on time",
        "matched only by document number",
        "one-way link: document to interpretation",
        "one-way link: interpretation to document",
        "no interpretation",
        "personnel notice, excluded",
        "decree without interpretation",
    ] {
        assert!(cases.iter().any(|c| c.name == name), "no scenario {name}");
    }

    // Each document: exactly its planted finding, on its own page, with the proving URLs.
    let by_doc: HashMap<&str, Vec<&govpatrol::checks::Finding>> = portal
        .findings
        .iter()
        .filter(|f| f.check.ends_with("_interpretation"))
        .fold(HashMap::new(), |mut m, f| {
            m.entry(f.url.as_str()).or_default().push(f);
            m
        });
    for c in cases {
        let got: Vec<&str> = by_doc
            .get(c.doc_url.as_str())
            .map(|v| v.iter().map(|f| f.check).collect())
            .unwrap_or_default();
        let want: Vec<&str> = if c.finding.is_empty() {
            vec![]
        } else {
            vec![c.finding]
        };
        assert_eq!(got, want, "{}: {}", c.name, c.doc_url);
        let Some(f) = by_doc.get(c.doc_url.as_str()).and_then(|v| v.first()) else {
            continue;
        };
        assert_eq!(f.page_url, c.doc_url, "{}", c.name);
        assert_eq!(f.evidence["title"], c.doc_title.as_str(), "{}", c.name);
        assert_eq!(f.evidence["date"], c.doc_date.to_string(), "{}", c.name);
        assert!(
            c.doc_number
                .ends_with(f.evidence["doc_number"].as_str().unwrap_or("?"))
                || f.evidence["doc_number"]
                    .as_str()
                    .unwrap_or("")
                    .ends_with(&c.doc_number),
            "{}: document number {} vs {}",
            c.name,
            f.evidence["doc_number"],
            c.doc_number
        );
        match c.finding {
            "missing_interpretation" => {
                assert_eq!(f.severity.as_str(), "deduction");
            }
            _ => {
                assert_eq!(f.severity.as_str(), "warning");
                assert_eq!(
                    f.evidence["interpretation_url"],
                    c.interp_url.as_deref().unwrap(),
                    "{}",
                    c.name
                );
                assert_eq!(f.evidence["matched_by"][0], c.matched_by, "{}", c.name);
            }
        }
        if c.finding == "late_interpretation" {
            assert_eq!(f.evidence["working_days"], 5);
            assert_eq!(f.evidence["max_working_days"], 3);
            assert_eq!(
                f.evidence["interpretation_date"],
                c.interp_date.unwrap().to_string()
            );
        }
        if c.finding == "unlinked_interpretation" {
            let missing: Vec<&str> = f.evidence["missing_links"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(missing.join(","), c.missing_links, "{}", c.name);
        }
    }

    // The holiday case is on time only because of the configured holiday.
    let holiday = cases
        .iter()
        .find(|c| c.name == "over a weekend and a holiday, on time")
        .unwrap();
    let (d, i) = (holiday.doc_date, holiday.interp_date.unwrap());
    assert!(i - d >= chrono::Duration::days(5), "spans a weekend");
    assert_eq!(
        Calendar::china()
            .with(&sites.holidays, &[])
            .working_days_between(d, i),
        3
    );
    assert_eq!(Calendar::china().working_days_between(d, i), 4);

    // interpretations.csv: one row per document, the excluded one says why.
    let dir_site = &portal.dir;
    let rows = csv_rows(&dir_site.join("interpretations.csv"));
    assert_eq!(rows[0][0], "政策文件标题");
    assert!(rows[0].contains(&"匹配依据".to_string()));
    assert!(rows[0].contains(&"首次发现".to_string()));
    for c in cases {
        let row = rows
            .iter()
            .find(|r| r[3] == c.doc_url)
            .unwrap_or_else(|| panic!("{} has no row in interpretations.csv", c.name));
        if c.name.contains("excluded") {
            assert!(row[11].contains("任免"), "{row:?}");
            continue;
        }
        assert_eq!(
            row[5],
            c.interp_url.clone().unwrap_or_default(),
            "{}",
            c.name
        );
        let by = match c.matched_by {
            "link" => "链接",
            "title" => "标题",
            "doc_number" => "文号",
            _ => "",
        };
        assert!(row[8].starts_with(by), "{}: {row:?}", c.name);
        if c.finding.is_empty() {
            assert_eq!(row[11], "无", "{}", c.name);
        } else {
            assert!(!row[12].is_empty(), "{}: first_seen", c.name);
        }
    }

    // summary.csv: coverage figures.
    let summary_rows = csv_rows(&dir_site.join("summary.csv"));
    let value = |key: &str| {
        summary_rows
            .iter()
            .find(|r| r[1] == key)
            .unwrap_or_else(|| panic!("no {key} in summary.csv"))[2]
            .clone()
    };
    let judged = cases
        .iter()
        .filter(|c| !c.name.contains("excluded"))
        .count();
    let interpreted = cases.iter().filter(|c| c.interp_url.is_some()).count();
    let on_time = interpreted
        - cases
            .iter()
            .filter(|c| c.finding == "late_interpretation")
            .count();
    let both = cases
        .iter()
        .filter(|c| c.interp_url.is_some() && c.missing_links.is_empty())
        .count();
    assert!(value("policy_documents").starts_with(&format!("{judged}（另有 1 件")));
    assert!(value("policy_documents").contains("任免×1"));
    assert!(value("policy_interpreted").starts_with(&format!("{interpreted}/{judged}")));
    assert!(value("policy_interpreted_on_time").starts_with(&format!("{on_time}/{judged}")));
    assert!(value("policy_linked_both_ways").starts_with(&format!("{both}/{judged}")));

    // `govpatrol page` shows the document number and the related links it recognised.
    let doc = cases
        .iter()
        .find(|c| c.name == "one-way link: document to interpretation")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_govpatrol"))
        .args(["page", &doc.doc_url])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("document number (文号): {}", doc.doc_number)),
        "{text}"
    );
    assert!(text.contains("related links (1):"), "{text}");
    assert!(
        text.contains(&format!("相关解读: {}", doc.interp_url.as_deref().unwrap())),
        "{text}"
    );
}

/// Regression (issue 19, one read of the stored pages for every check): a policy document or an
/// interpretation known only from the column that lists it (no column meta; the documents'
/// titles do not read like interpretations) is kept by no page's own words while the pages are
/// read, so it is read again once the columns are known, and judged exactly as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_known_only_from_their_column_lists_are_judged_as_with_column_meta() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    let summary = crawl(&targets, &["portal"], &out, as_of()).await;
    let judged = |findings: Vec<(String, String, String)>| {
        let mut v: Vec<_> = findings
            .into_iter()
            .filter(|(check, _, _)| check.ends_with("_interpretation"))
            .collect();
        v.sort();
        v
    };
    let before = judged(
        summary.sites[0]
            .findings
            .iter()
            .map(|f| (f.check.to_string(), f.url.clone(), f.page_url.clone()))
            .collect(),
    );
    assert!(before.len() >= 5, "{before:?}");
    let db = rusqlite::Connection::open(out.join("govpatrol.sqlite")).unwrap();
    let stripped = db
        .execute(
            "UPDATE page_content SET content = json_set(content, '$.column.name', json('null'),
                 '$.column.column_type', json('null')) WHERE kind = 'article'",
            [],
        )
        .unwrap();
    assert!(stripped > 10, "{stripped} articles");
    drop(db);
    let rebuilt = Command::new(env!("CARGO_BIN_EXE_govpatrol"))
        .args(["report", "--period", "2026-11", "--out"])
        .arg(&out)
        .arg("--targets")
        .arg(&targets)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    let jsonl = std::fs::read_to_string(out.join("2026-11/portal/findings.jsonl")).unwrap();
    let after = judged(
        jsonl
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                (s("check"), s("url"), s("page_url"))
            })
            .collect(),
    );
    assert_eq!(after, before);
}
