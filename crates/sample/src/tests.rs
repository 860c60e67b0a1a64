//! Unit tests of the sample sites with a minimal raw HTTP/1.1 client (no HTTP client crate):
//! the planted list covers every required kind of defect, and the servers answer as documented.

use std::collections::{HashMap, HashSet};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
}

/// `GET` (or another method) with `Connection: close`; returns (status, raw head, body).
async fn raw(method: &str, u: &Url) -> std::io::Result<(u16, String, Vec<u8>)> {
    let addr = format!("{}:{}", u.host_str().unwrap_or(""), u.port().unwrap_or(80));
    let mut s = TcpStream::connect(addr).await?;
    let pq = content::path_and_query(u);
    let req = format!(
        "{method} {pq} HTTP/1.1\r\nHost: {}\r\nUser-Agent: sample-test\r\nConnection: close\r\n\r\n",
        content::authority(u)
    );
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buf.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, head, buf[split..].to_vec()))
}

#[tokio::test]
async fn planted_list_covers_every_required_kind() {
    let s = SampleSites::start(as_of()).await.expect("start");
    let ids: Vec<&str> = s.sites.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["portal", "unit-a", "unit-b"]);
    let broken: Vec<&Planted> = s
        .planted
        .iter()
        .filter(|p| p.check == "broken_link")
        .collect();
    let count = |check: &str| s.planted.iter().filter(|p| p.check == check).count();
    assert_eq!((broken.len(), count("link_needs_review")), (15, 2));
    assert_eq!(
        (
            count("stale_column"),
            count("empty_column"),
            count("homepage_not_updated"),
            count("suspect_date")
        ),
        (4, 1, 1, 2)
    );
    // Columns of every category and every verdict.
    let cats: HashSet<&str> = s.expected_columns.iter().map(|c| c.category).collect();
    for c in [
        "news",
        "notice",
        "policy",
        "interpretation",
        "consultation",
        "solicitation",
        "personnel",
        "data",
        "other",
    ] {
        assert!(cats.contains(c), "{c}");
    }
    let verdicts: HashSet<&str> = s.expected_columns.iter().map(|c| c.verdict).collect();
    assert_eq!(verdicts.len(), 5, "{verdicts:?}");
    let notes: HashSet<&str> = s.planted.iter().map(|p| p.note).collect();
    for n in [
        "missing page (404)",
        "missing image (404)",
        "missing attachment (404)",
        "missing Chinese-named attachment (404)",
        "missing stylesheet (404)",
        "missing script (404)",
        "external page missing (404)",
        "connection refused",
        "persistent 503",
        "redirect loop",
        "soft 404: 200 page saying 页面不存在",
        "missing page on a soft-404 site (200 error page)",
        "403 Forbidden (needs a person)",
        "always 429 with Retry-After: 1 (needs a person)",
    ] {
        assert!(notes.contains(n), "{n}");
    }
    assert!(broken.iter().any(|p| p.on_homepage && p.internal));
    assert!(broken.iter().any(|p| p.link_text.starts_with('=')));
    let mut pages_by_target: HashMap<&str, usize> = HashMap::new();
    for p in &broken {
        *pages_by_target.entry(&p.url).or_default() += 1;
    }
    assert!(pages_by_target.values().any(|&n| n == 2));
    let mut unique = HashSet::new();
    for p in &s.planted {
        assert!(
            unique.insert((&p.page_url, &p.url, &p.detail, p.check)),
            "duplicate {p:?}"
        );
        assert!(!p.url.contains('#') && !p.page_url.contains('#'));
    }
}

#[tokio::test]
async fn servers_answer_as_documented() {
    let s = SampleSites::start(as_of()).await.expect("start");
    let portal = s.sites[0].url.clone();
    let unit_b = s.sites[2].url.clone();
    for site in &s.sites {
        let (st, _, body) = raw("GET", &site.url.join("/robots.txt").expect("url"))
            .await
            .expect("robots");
        assert_eq!(st, 200);
        let t = String::from_utf8(body).expect("utf8");
        let (_, prefix) = s
            .disallowed_paths()
            .into_iter()
            .find(|(id, _)| id == &site.id)
            .expect("disallow");
        assert!(t.contains("User-agent: *") && t.contains(&format!("Disallow: {prefix}")));
    }
    let (st, head, body) = raw("GET", &portal).await.expect("home");
    assert_eq!(st, 200);
    assert!(head
        .to_ascii_lowercase()
        .contains("text/html; charset=utf-8"));
    assert!(String::from_utf8(body)
        .expect("utf8")
        .contains("网站标识码"));
    assert_eq!(
        raw("GET", &portal.join("/no/such.html").expect("url"))
            .await
            .expect("404")
            .0,
        404
    );
    let (st, _, body) = raw("GET", &unit_b.join("/no/such.html").expect("url"))
        .await
        .expect("soft");
    assert_eq!(st, 200);
    assert!(String::from_utf8(body)
        .expect("utf8")
        .contains("您访问的页面不存在"));
    let (st, head, _) = raw("GET", &portal.join("/loop/a").expect("url"))
        .await
        .expect("loop");
    assert_eq!(st, 302);
    assert!(head.contains("/loop/b"));
    assert!(TcpStream::connect(content::authority(&s.closed))
        .await
        .is_err());
    let (st, _, _) = raw("HEAD", &s.external.join("forbidden").expect("url"))
        .await
        .expect("403");
    assert_eq!(st, 403);
    let log = s.requests();
    assert!(log.len() >= 8);
    assert!(log.iter().all(|r| r.user_agent == "sample-test"));
    assert!(log.iter().any(|r| r.method == "HEAD"
        && r.path_and_query == "/forbidden"
        && r.authority == content::authority(&s.external)));
    s.clear_requests();
    assert!(s.requests().is_empty());
    s.shutdown();
}
