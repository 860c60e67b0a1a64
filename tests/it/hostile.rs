//! A hostile web server on 127.0.0.1 and a crawl that must survive it: slow headers, a body
//! trickled byte by byte, silence, a reset mid-body, an endless body, a gzip bomb, 30 redirects,
//! redirects to another scheme and to the cloud metadata address, 5xx storms that recover and
//! ones that persist, a 429 with an HTTP-date Retry-After, deeply nested and truncated markup,
//! binary served as HTML, a header that lies about the charset, broken GBK bytes and an endless
//! calendar; connections half-closed before or during the answer, a redirect loop, and redirects
//! to private and loopback addresses the site does not live on. The crawl must finish, stay within
//! its memory, and report exactly the right links.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::hostile_web::site::read_head;

/// Per-path request counters, for "fails the first time" behaviours.
#[derive(Default)]
struct Counts(std::sync::Mutex<std::collections::HashMap<String, usize>>);

impl Counts {
    fn get(&self, key: &str) -> usize {
        self.0.lock().unwrap().get(key).copied().unwrap_or(0)
    }

    fn hit(&self, path: &str) -> usize {
        let mut m = self.0.lock().unwrap();
        let n = m.entry(path.to_string()).or_default();
        *n += 1;
        *n
    }
}

fn gzip_bomb() -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    enc.write_all(b"<html><head><title>bomb</title></head><body>")
        .unwrap();
    for _ in 0..256 {
        enc.write_all(&chunk).unwrap(); // 256 MiB of spaces, ~250 KiB compressed
    }
    enc.finish().unwrap()
}

async fn respond(mut s: TcpStream, head: &str, body: &[u8]) {
    let _ = s.write_all(head.as_bytes()).await;
    let _ = s.write_all(body).await;
    let _ = s.shutdown().await;
}

fn ok_head(ctype: &str, len: usize) -> String {
    format!("HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
}

/// Shuts down the write half (a FIN) and keeps the read half open until the client gives up, as
/// a broken proxy or a crashed worker behind a load balancer does.
async fn half_close(mut s: TcpStream) {
    let _ = s.shutdown().await;
    let mut sink = [0u8; 1024];
    let _ = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(n) = s.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

async fn serve(mut s: TcpStream, counts: Arc<Counts>, bomb: Arc<Vec<u8>>, loopback: u16) {
    let Some((method, target, path)) = read_head(&mut s).await else {
        return;
    };
    let n = counts.hit(&format!("{method} {target}"));
    let html = |b: &str| {
        (
            ok_head("text/html; charset=utf-8", b.len()),
            b.as_bytes().to_vec(),
        )
    };
    match path.as_str() {
        "/robots.txt" => {
            let (h, b) = (ok_head("text/plain", 23), b"User-agent: *\nAllow: /\n".to_vec());
            respond(s, &h, &b).await
        }
        "/" => {
            let links = [
                "/slow-headers.html", "/trickle.html", "/silent.html", "/reset.html", "/huge.html",
                "/bomb.html", "/chain/0", "/to-ftp", "/to-metadata", "/storm-recovers.html",
                "/storm-persists.html", "/busy-date.html", "/nested.html", "/truncated.html",
                "/binary.html", "/liar.html", "/bad-gbk.html", "/calendar?d=0",
                "/half-closed.html", "/half-body.html", "/loop-a", "/to-private-10",
                "/to-private-192", "/to-loopback", "http://10.0.0.7/intranet/",
            ];
            let body: String = links.iter().map(|l| format!("<a href=\"{l}\">{l}</a>\n")).collect();
            let (h, b) = html(&format!("<title>hostile</title>{body}"));
            respond(s, &h, &b).await
        }
        "/slow-headers.html" => {
            tokio::time::sleep(Duration::from_secs(6)).await;
            let (h, b) = html("<title>late</title>");
            respond(s, &h, &b).await
        }
        "/trickle.html" => {
            let _ = s.write_all(ok_head("text/html", 100_000).as_bytes()).await;
            for _ in 0..200 {
                if s.write_all(b"<").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        "/silent.html" => tokio::time::sleep(Duration::from_secs(30)).await,
        // The request is read, then the server half-closes without a word.
        "/half-closed.html" => half_close(s).await,
        // Headers promise 100,000 bytes; 30 come, then the write half is shut.
        "/half-body.html" => {
            let _ = s.write_all(ok_head("text/html", 100_000).as_bytes()).await;
            let _ = s.write_all(b"<title>half</title><p>cut</p>").await;
            half_close(s).await
        }
        "/loop-a" => respond(s, "HTTP/1.1 302 Found\r\nLocation: /loop-b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"").await,
        "/loop-b" => respond(s, "HTTP/1.1 302 Found\r\nLocation: /loop-a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"").await,
        "/to-private-10" => respond(s, "HTTP/1.1 302 Found\r\nLocation: http://10.0.0.7/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"").await,
        "/to-private-192" => respond(s, "HTTP/1.1 301 Moved\r\nLocation: http://192.168.1.1/admin\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"").await,
        "/to-loopback" => {
            // Another loopback address, where something internal listens: not the site's host.
            let head = format!("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:{loopback}/secret\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            respond(s, &head, b"").await
        }
        "/reset.html" => {
            let _ = s.write_all(ok_head("text/html", 100_000).as_bytes()).await;
            let _ = s.write_all(b"<title>cut</title><p>half a page").await;
            // A zero linger makes close() send RST; with zero it never blocks.
            #[allow(deprecated)]
            let _ = s.set_linger(Some(Duration::ZERO));
            drop(s); // RST
        }
        "/huge.html" => {
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<title>huge</title><a href=\"/huge-link\">x</a>")
                .await;
            let chunk = "<p>生态环境</p>".repeat(4096);
            // Up to 1 GiB; the crawler stops reading long before.
            for _ in 0..(1 << 30) / chunk.len() {
                if s.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
        "/huge-link" | "/ok" => {
            let (h, b) = html("<title>fine</title>");
            respond(s, &h, &b).await
        }
        "/bomb.html" => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bomb.len()
            );
            respond(s, &head, &bomb).await
        }
        p if p.starts_with("/chain/") => {
            let k: usize = p[7..].parse().unwrap_or(0);
            let head = format!("HTTP/1.1 302 Found\r\nLocation: /chain/{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", k + 1);
            respond(s, &head, b"").await
        }
        "/to-ftp" => respond(s, "HTTP/1.1 301 Moved\r\nLocation: ftp://127.0.0.1/file\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"").await,
        "/to-metadata" => respond(s, "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"").await,
        "/storm-recovers.html" if n <= 2 => respond(s, "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"").await,
        "/storm-persists.html" => respond(s, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"").await,
        "/busy-date.html" if n == 1 => {
            let when = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc2822().replace("+0000", "GMT");
            let head = format!("HTTP/1.1 429 Too Many\r\nRetry-After: {when}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            respond(s, &head, b"").await
        }
        "/nested.html" => {
            let body = format!("<title>deep</title>{}<a href=\"/ok\">deep link</a>", "<div>".repeat(100_000));
            let (h, b) = html(&body);
            respond(s, &h, &b).await
        }
        "/truncated.html" => {
            let (h, b) = html("<title>trunc</title><table><tr><td><a href=\"/missing-in-truncated\">gone</a><div><span><a href=\"/ok\"");
            respond(s, &h, &b).await
        }
        "/binary.html" => {
            let body: Vec<u8> = (0..200_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
            respond(s, &ok_head("text/html", body.len()), &body).await
        }
        "/liar.html" => {
            // The header says UTF-8; the bytes are GBK, as the meta says.
            let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=\"gbk\"><title>通知公告</title><a href=\"/ok\">返回首页</a>");
            respond(s, &ok_head("text/html; charset=utf-8", gbk.len()), &gbk).await
        }
        "/bad-gbk.html" => {
            let mut b = encoding_rs::GBK.encode("<meta charset=\"gbk\"><title>政策文件</title>").0.into_owned();
            b.extend_from_slice(&[0x81, 0x20, 0xFF, 0xFE, 0x80]);
            b.extend_from_slice(b"<a href=\"/ok\">ok</a>");
            respond(s, &ok_head("text/html", b.len()), &b).await
        }
        "/calendar" => {
            let d: i64 = target.split("d=").nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
            let body = format!(
                "<title>日历 {d}</title><a href=\"/calendar?d={}\">下一天</a><a href=\"/calendar?d={}\">前一天</a>",
                d + 1,
                d - 1
            );
            let (h, b) = html(&body);
            respond(s, &h, &b).await
        }
        "/storm-recovers.html" | "/busy-date.html" => {
            let (h, b) = html("<title>fine now</title>");
            respond(s, &h, &b).await
        }
        _ => respond(s, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"").await,
    }
}

/// The hostile site on 127.0.0.1, its request counts, and how many connections an internal
/// service on 127.0.0.2 (which the site redirects to) received.
async fn start() -> (url::Url, Arc<Counts>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let internal = TcpListener::bind("127.0.0.2:0").await.unwrap();
    let loopback = internal.local_addr().unwrap().port();
    let internal_conns = Arc::new(AtomicUsize::new(0));
    let k = internal_conns.clone();
    tokio::spawn(async move {
        while let Ok((s, _)) = internal.accept().await {
            k.fetch_add(1, Ordering::Relaxed);
            respond(s, &ok_head("text/plain", 6), b"secret").await;
        }
    });
    let counts = Arc::new(Counts::default());
    let bomb = Arc::new(gzip_bomb());
    let c = counts.clone();
    tokio::spawn(async move {
        loop {
            let Ok((s, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(serve(s, c.clone(), bomb.clone(), loopback));
        }
    });
    (
        url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap(),
        counts,
        internal_conns,
    )
}

/// The peak resident memory of a running process, in MB (`VmHWM`; 0 once it has exited).
fn peak_rss_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// A targets file for the hostile server at `base`, in `dir`.
fn hostile_targets(dir: &std::path::Path, base: &url::Url) -> std::path::PathBuf {
    let targets = dir.join("targets.toml");
    std::fs::write(
        &targets,
        format!(
            "[defaults]\nrequests_per_second = 50\nconcurrency = 8\ntimeout_secs = 2\nretries = 2\n\
             max_pages = 60\nmax_body_bytes = 2000000\n\n\
             [[site]]\nid = \"hostile\"\nname = \"恶意站点\"\nurl = \"{base}\"\nrole = \"unit\"\n"
        ),
    )
    .unwrap();
    targets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crawler_survives_a_hostile_server_and_reports_exactly_the_broken_links() {
    let _alone = crate::common::HOSTILE.lock().await;
    let (base, counts, internal_conns) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = hostile_targets(dir.path(), &base);
    let started = std::time::Instant::now();
    let summary = tokio::time::timeout(
        Duration::from_secs(120),
        crate::common::crawl(
            &targets,
            &[],
            &dir.path().join("out"),
            crate::common::as_of(),
        ),
    )
    .await
    .expect("the crawl finishes");
    let elapsed = started.elapsed();

    let got: BTreeSet<(String, String)> = summary.sites[0]
        .findings
        .iter()
        // The link checks are what this server tests; columns, metadata and availability
        // findings of a site with no content have their own tests.
        .filter(|f| f.check == "broken_link" || f.check == "link_needs_review")
        .map(|f| {
            (
                f.check.to_string(),
                f.url.trim_start_matches(base.as_str()).to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = [
        "slow-headers.html",   // timeout
        "trickle.html",        // timeout while the body trickles
        "silent.html",         // timeout, no answer at all
        "reset.html",          // reset mid-body
        "chain/0",             // more than 10 redirects
        "to-ftp",              // redirect to another scheme
        "storm-persists.html", // 502 that never recovers
        "missing-in-truncated",
        "half-closed.html", // FIN instead of an answer
        "half-body.html",   // FIN before Content-Length was reached
        "loop-a",           // /loop-a → /loop-b → /loop-a
    ]
    .iter()
    .map(|u| ("broken_link".to_string(), u.to_string()))
    // Links and redirects to internal addresses: not contacted, reported for review.
    .chain(
        [
            "to-metadata",
            "to-private-10",
            "to-private-192",
            "to-loopback",
            "http://10.0.0.7/intranet/",
        ]
        .iter()
        .map(|u| ("link_needs_review".to_string(), u.to_string())),
    )
    .collect();
    assert_eq!(got, want, "after {elapsed:?}");

    let f = |u: &str| {
        summary.sites[0]
            .findings
            .iter()
            .find(|f| f.url.ends_with(u))
            .unwrap()
            .evidence
            .clone()
    };
    assert!(f("slow-headers.html")["error"]
        .as_str()
        .unwrap()
        .contains("timed out"));
    assert!(
        f("reset.html")["error"].as_str().unwrap().contains("reset"),
        "{}",
        f("reset.html")
    );
    assert!(f("chain/0")["error"]
        .as_str()
        .unwrap()
        .contains("redirects"));

    // Half-closed connections: retried (2 retries), re-checked once at the end, then reported
    // in words; the server saw every one of those 4 requests.
    for (path, words) in [
        (
            "half-closed.html",
            "connection closed before message completed",
        ),
        (
            "half-body.html",
            "end of file before message length reached",
        ),
    ] {
        let e = f(path);
        let error = e["error"].as_str().unwrap();
        assert_eq!(
            error,
            format!("connection reset or closed: {words}"),
            "{path}"
        );
        assert_eq!(e["attempts"], 4, "{path}: {e}");
        assert_eq!(counts.get(&format!("GET /{path}")), 4, "{path}");
    }
    // The redirect loop: one finding naming the loop, and two requests per pass (no retries of
    // a loop, one re-check): the loop is not run until some budget stops it.
    let e = f("loop-a");
    assert_eq!(
        e["error"].as_str().unwrap(),
        format!("redirect loop back to {base}loop-a"),
        "{e}"
    );
    assert_eq!(
        summary.sites[0]
            .findings
            .iter()
            .filter(|f| f.url.contains("loop-"))
            .count(),
        1
    );
    assert_eq!(
        (counts.get("GET /loop-a"), counts.get("GET /loop-b")),
        (2, 2)
    );
    // Redirects and links to private and loopback addresses the site does not live on are not
    // contacted, only reported for review (the set above): the internal service on 127.0.0.2
    // never saw a connection, and the store marks them skipped with the reason.
    assert_eq!(internal_conns.load(Ordering::Relaxed), 0);

    // Bounded: the endless calendar stopped at the page budget, the 1 GiB body and the gzip bomb
    // were cut at max_body_bytes, and nothing was held whole in memory.
    let calendar_pages = counts
        .0
        .lock()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("GET /calendar"))
        .count();
    assert!(
        calendar_pages <= 60,
        "{calendar_pages} calendar pages fetched"
    );
    assert!(summary.sites[0].pages <= 60);
    // The metadata address was never contacted (it is not ours); the link is not broken.
    assert!(!got.contains(&("broken_link".to_string(), "to-metadata".to_string())));
    // Links inside the deeply nested, truncated, lying-charset and broken-GBK pages were read.
    let store =
        govpatrol::store::Store::open(&govpatrol::store::db_path(&dir.path().join("out"))).unwrap();
    let run = store
        .latest_done_run("hostile", "2026-11")
        .unwrap()
        .unwrap();
    let ok_url = format!("{base}ok");
    let records = store.records(run.id, "").unwrap();
    let known: BTreeSet<String> = records.iter().map(|r| r.url.clone()).collect();
    for (url, host) in [
        (format!("{base}to-private-10"), "10.0.0.7"),
        (format!("{base}to-private-192"), "192.168.1.1"),
        (format!("{base}to-loopback"), "127.0.0.2"),
        ("http://10.0.0.7/intranet/".to_string(), "10.0.0.7"),
    ] {
        let r = records.iter().find(|r| r.url == url).unwrap();
        assert!(r.result.skipped, "{url}: {:?}", r.result);
        assert_eq!(
            r.result.error.as_deref(),
            Some(format!("not contacted: {host} is an internal address").as_str()),
            "{url}"
        );
    }
    assert!(known.contains(&ok_url));
    assert!(known.contains(&format!("{base}huge-link")));
}

#[test]
fn a_page_with_100000_links_is_read_whole() {
    let body: String = (0..100_000)
        .map(|i| format!("<a href=\"/l/{i}\">链接{i}</a>"))
        .collect();
    let url = url::Url::parse("http://s.gov.cn/").unwrap();
    let facts = govpatrol::extract::extract(&body, &url, encoding_rs::UTF_8);
    assert_eq!(facts.links.len(), 100_000);
    assert_eq!(facts.links[99_999].text, "链接99999");
}

/// The same hostile server crawled by `govpatrol crawl` in its own process, whose peak memory is
/// the crawl's alone (the test binary runs other tests beside it): the 1 GiB body, the gzip bomb
/// and the endless calendar are never held whole. (The memory bar once measured the whole test
/// process, and failed whenever other tests peaked at the same time.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crawl_of_a_hostile_server_stays_within_its_memory() {
    let _alone = crate::common::HOSTILE.lock().await;
    let (base, _, _) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = hostile_targets(dir.path(), &base);
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"))
        .args(["crawl", "--quiet", "--as-of", "2026-11-25", "--targets"])
        .arg(&targets)
        .arg("--out")
        .arg(dir.path().join("out"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    let mut peak = 0;
    let status = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            // VmHWM only grows: the last reading before the exit is the peak (to 20 ms).
            peak = peak.max(peak_rss_mb(pid));
            tokio::select! {
                s = child.wait() => break s.unwrap(),
                _ = tokio::time::sleep(Duration::from_millis(20)) => {}
            }
        }
    })
    .await
    .expect("the crawl finishes");
    assert!(status.success(), "{status:?}");
    assert!(peak > 0, "the crawl's memory was never read");
    // A debug build; the release build peaks at about 50 MB on a harder site (bench/hostile.sh).
    assert!(peak < 200, "peak RSS {peak} MB");
}
