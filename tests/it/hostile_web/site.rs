//! The adversarial web site (issue 16): one site and one "external" host on loopback, each
//! endpoint a hostile page or network fault with the verdict a crawl must give it.
//!
//! Shared by the end-to-end test (`tests/it/hostile_web.rs`) and the benchmark
//! (`examples/hostile_site.rs`, `bench/hostile.sh`), so the two judge the same site.
//! Raw TCP, one request per connection (`Connection: close`), so every fault can be
//! staged: slow headers, a body trickled a byte a second, silence, a reset mid-body, 1 GiB
//! bodies generated as they are sent (never held), a gzip bomb, pages of 100,000 links, a
//! 100,000-deep nesting, an 8 MB page of one line, binary served as HTML, broken GBK, a 10 MB
//! robots.txt, 503s that recover and ones that do not, 429 with `Retry-After` in seconds and as
//! an HTTP date, redirect loops and 30-hop chains, a calendar, session ids and a `../` loop.
//! Every page that a hostile part could hide a link in ends with a link to a missing page: the
//! crawl reports that link broken only if it read past the hostile part.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a crawl must say of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No link finding.
    Fine,
    /// `broken_link`.
    Broken,
}

/// Every endpoint the homepage links (path on the site, or `ext:` path on the external host)
/// with its verdict. The missing pages linked after hostile parts are listed too.
pub const ENDPOINTS: &[(&str, Verdict, &str)] = &[
    (
        "/links-100k.html",
        Verdict::Fine,
        "100,000 distinct links in a list",
    ),
    (
        "/gone-after-100k.html",
        Verdict::Broken,
        "linked after the 100,000 links",
    ),
    (
        "/links-repeat.html",
        Verdict::Fine,
        "100,000 links to the same 5 URLs",
    ),
    (
        "/gone-after-repeat.html",
        Verdict::Broken,
        "linked after the repeated links",
    ),
    (
        "/links-oneline.html",
        Verdict::Fine,
        "100,000 links on one 8 MB line",
    ),
    (
        "/gone-after-oneline.html",
        Verdict::Broken,
        "linked after the one-line links",
    ),
    ("/nested.html", Verdict::Fine, "100,000-deep nesting"),
    (
        "/gone-after-nesting.html",
        Verdict::Broken,
        "linked after the nesting",
    ),
    (
        "/oneline-8mb.html",
        Verdict::Fine,
        "an 8 MB page of one line (Full scale)",
    ),
    (
        "/gone-after-8mb.html",
        Verdict::Broken,
        "linked after 8 MB of one line",
    ),
    (
        "/huge-length.html",
        Verdict::Fine,
        "1 GiB body with Content-Length",
    ),
    (
        "/huge-chunked.html",
        Verdict::Fine,
        "1 GiB body without Content-Length",
    ),
    ("/bomb.html", Verdict::Fine, "gzip bomb (256 MiB of spaces)"),
    ("/binary.html", Verdict::Fine, "binary served as text/html"),
    ("/bad-gbk.html", Verdict::Fine, "invalid GBK bytes"),
    (
        "/gone-after-gbk.html",
        Verdict::Broken,
        "linked after the invalid GBK",
    ),
    (
        "/slow-headers.html",
        Verdict::Broken,
        "20 s to the first header",
    ),
    (
        "/trickle.html",
        Verdict::Broken,
        "body trickled at 1 byte/s",
    ),
    ("/silent.html", Verdict::Broken, "accepts and never answers"),
    ("/reset.html", Verdict::Broken, "reset mid-body"),
    ("/flaky-503.html", Verdict::Fine, "503 twice, then 200"),
    ("/always-503.html", Verdict::Broken, "503 always"),
    (
        "/busy-secs.html",
        Verdict::Fine,
        "429 with Retry-After: 2, then 200",
    ),
    (
        "/busy-date.html",
        Verdict::Fine,
        "429 with Retry-After as an HTTP date, then 200",
    ),
    ("/loop-a.html", Verdict::Broken, "redirect loop a → b → a"),
    ("/chain/0", Verdict::Broken, "a 30-hop redirect chain"),
    ("/calendar?d=0", Verdict::Fine, "an endless calendar (trap)"),
    (
        "/session.html?PHPSESSID=a1b2c3d4e5f6a7b8c9",
        Verdict::Fine,
        "a new session id in every link (trap)",
    ),
    (
        "/dots/x/",
        Verdict::Fine,
        "a relative link that adds a path segment forever (trap)",
    ),
    ("/missing.html", Verdict::Broken, "a plain 404"),
    ("/ok.html", Verdict::Fine, "a plain page"),
    ("ext:/ok.html", Verdict::Fine, "external: a plain page"),
    ("ext:/missing.html", Verdict::Broken, "external: 404"),
    (
        "ext:/no-head.html",
        Verdict::Fine,
        "external: HEAD refused (405), GET fine",
    ),
    (
        "ext:/slow-headers.html",
        Verdict::Broken,
        "external: 20 s to the first header",
    ),
    (
        "ext:/trickle.html",
        Verdict::Broken,
        "external: HEAD refused, GET body trickled",
    ),
    (
        "ext:/silent.html",
        Verdict::Broken,
        "external: never answers",
    ),
    (
        "ext:/reset.html",
        Verdict::Broken,
        "external: HEAD refused, GET reset mid-body",
    ),
    (
        "ext:/flaky-503.html",
        Verdict::Fine,
        "external: 503 twice, then 200",
    ),
    (
        "ext:/always-503.html",
        Verdict::Broken,
        "external: 503 always",
    ),
    (
        "ext:/busy-date.html",
        Verdict::Fine,
        "external: 429 with an HTTP-date Retry-After",
    ),
    (
        "ext:/loop-a.html",
        Verdict::Broken,
        "external: redirect loop",
    ),
    (
        "ext:/chain/0",
        Verdict::Broken,
        "external: 30-hop redirect chain",
    ),
];

/// Requests per method and target (`GET /x`), for "fails the first N times" and for the tests'
/// request budgets.
#[derive(Default)]
pub struct Counts(Mutex<HashMap<String, usize>>);

impl Counts {
    fn hit(&self, key: &str) -> usize {
        let mut m = self.0.lock().unwrap();
        let n = m.entry(key.to_string()).or_default();
        *n += 1;
        *n
    }

    /// Requests whose `METHOD target` starts with `prefix`.
    pub fn starting(&self, prefix: &str) -> usize {
        let m = self.0.lock().unwrap();
        m.iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }

    /// All requests.
    pub fn total(&self) -> usize {
        self.0.lock().unwrap().values().sum()
    }
}

/// The running site: its homepage, the external host's base, and the request counts of each.
pub struct Site {
    pub home: String,
    pub external: String,
    pub counts: Arc<Counts>,
    pub external_counts: Arc<Counts>,
}

/// The big bodies, built once.
struct Bodies {
    links_100k: Vec<u8>,
    links_repeat: Vec<u8>,
    links_oneline: Vec<u8>,
    nested: Vec<u8>,
    oneline: Vec<u8>,
    bomb: Vec<u8>,
    robots: Vec<u8>,
}

/// How big the big bodies are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// The sizes, for the benchmark with the default `max_body_bytes` (8 MiB): a
    /// 100,000-link list of ~5 MB, an 8 MB line, a 256 MiB gzip bomb.
    Full,
    /// For the test (a debug build, `max_body_bytes` of 4 MiB): the same 100,000 links in
    /// shorter markup (under 3 MB a page), a 2.5 MB line (still over the DOM cap), a 16 MiB bomb.
    Light,
}

fn bodies(scale: Scale) -> Bodies {
    let full = scale == Scale::Full;
    let page = |body: String| {
        format!("<html><head><title>页面</title></head><body>{body}</body></html>").into_bytes()
    };
    let links_100k: String = (0..100_000)
        .map(|i| {
            if full {
                format!("<li><a href=\"/item/{i}.html\">条目{i}</a></li>\n")
            } else {
                format!("<a href=/item/{i}>x</a>")
            }
        })
        .collect();
    let links_repeat: String = (0..100_000)
        .map(|i| {
            if full {
                format!("<a href=\"/ok.html?v={}\">链接{i}</a>\n", i % 5)
            } else {
                format!("<a href=/ok.html?v={}>x</a>", i % 5)
            }
        })
        .collect();
    // One line, no newline, ~8 MB: 100,000 links to 10 URLs.
    let links_oneline: String = (0..100_000)
        .map(|i| if full {
            format!("<span class=\"x\"><a href=\"/ok.html?line={}\" title=\"第{i}条\">条目{i}</a></span>", i % 10)
        } else {
            format!("<a href=/ok.html?line={}>x</a>", i % 10)
        })
        .collect();
    let nested = format!(
        "{}<a href=\"/ok.html\">深处</a>{}",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    // One line of ~7.8 MB (Full) or ~2.5 MB (Light).
    let oneline = format!(
        "<p>{}</p>",
        "政务公开".repeat(if full { 650_000 } else { 210_000 })
    );
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    bomb.write_all(b"<html><head><title>bomb</title></head><body><a href=\"/ok.html\">ok</a>")
        .unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..if full { 256 } else { 16 } {
        bomb.write_all(&spaces).unwrap();
    }
    let mut robots = String::with_capacity(10 << 20);
    while robots.len() < 10 << 20 {
        robots.push_str("# a robots.txt of ten megabytes, comments all the way down\n");
    }
    robots.push_str("User-agent: *\nDisallow: /never-read-this-far/\n");
    Bodies {
        links_100k: page(links_100k + "<a href=\"/gone-after-100k.html\">之后</a>"),
        links_repeat: page(links_repeat + "<a href=\"/gone-after-repeat.html\">之后</a>"),
        links_oneline: page(links_oneline + "<a href=\"/gone-after-oneline.html\">之后</a>"),
        nested: page(nested + "<a href=\"/gone-after-nesting.html\">之后</a>"),
        oneline: page(oneline + "<a href=\"/gone-after-8mb.html\">之后</a>"),
        bomb: bomb.finish().unwrap(),
        robots: robots.into_bytes(),
    }
}

/// Starts the site on `host:port` and the external host on `127.0.0.1:ext_port` (0: any free
/// port), its big bodies at `scale`. The site links the external host as `http://localhost:PORT/`, another host.
pub async fn start(host: &str, port: u16, ext_port: u16, scale: Scale) -> Site {
    let listener = TcpListener::bind((host, port)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let ext = TcpListener::bind(("127.0.0.1", ext_port)).await.unwrap();
    let ext_port = ext.local_addr().unwrap().port();
    let external = format!("http://localhost:{ext_port}");
    let bodies = Arc::new(bodies(scale));
    let counts = Arc::new(Counts::default());
    let external_counts = Arc::new(Counts::default());
    let (c, b, e) = (counts.clone(), bodies.clone(), external.clone());
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(serve(s, c.clone(), b.clone(), Some(e.clone())));
        }
    });
    let (c, b) = (external_counts.clone(), bodies.clone());
    tokio::spawn(async move {
        while let Ok((s, _)) = ext.accept().await {
            tokio::spawn(serve(s, c.clone(), b.clone(), None));
        }
    });
    Site {
        home: format!("http://{host}:{port}/"),
        external,
        counts,
        external_counts,
    }
}

fn head(status: &str, ctype: &str, len: usize) -> String {
    format!("HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
}

async fn respond(mut s: TcpStream, head: &str, body: &[u8], send_body: bool) {
    let _ = s.write_all(head.as_bytes()).await;
    if send_body {
        let _ = s.write_all(body).await;
    }
    let _ = s.shutdown().await;
}

fn redirect(to: &str) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

/// Reads a request's head (at most 64 KiB): its method, its target, and the target's path
/// without the query; `None` when the client goes away or sends too much.
pub async fn read_head(s: &mut TcpStream) -> Option<(String, String, String)> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut tmp).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&tmp[..n]),
        }
        if buf.len() > 65536 {
            return None;
        }
    }
    let req = String::from_utf8_lossy(&buf);
    let mut parts = req.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let path = target.split('?').next().unwrap_or("/").to_string();
    Some((method, target, path))
}

/// One connection. `external`: the external host's base when this is the site (its homepage
/// links there), `None` when this is the external host.
async fn serve(
    mut s: TcpStream,
    counts: Arc<Counts>,
    bodies: Arc<Bodies>,
    external: Option<String>,
) {
    let Some((method, target, path)) = read_head(&mut s).await else {
        return;
    };
    let n = counts.hit(&format!("{method} {target}"));
    let get = method == "GET";
    let html = |b: &str| {
        (
            head("200 OK", "text/html; charset=utf-8", b.len()),
            b.as_bytes().to_vec(),
        )
    };
    let is_site = external.is_some();
    match path.as_str() {
        "/robots.txt" => {
            respond(s, &head("200 OK", "text/plain", bodies.robots.len()), &bodies.robots, get).await
        }
        "/" if is_site => {
            let ext = external.unwrap_or_default();
            let links: String = ENDPOINTS
                .iter()
                .filter(|(p, _, _)| !p.starts_with("/gone-after"))
                .map(|(p, _, what)| match p.strip_prefix("ext:") {
                    Some(p) => format!("<li><a href=\"{ext}{p}\">{what}</a></li>\n"),
                    None => format!("<li><a href=\"{p}\">{what}</a></li>\n"),
                })
                .collect();
            let (h, b) = html(&format!("<html><head><title>恶意测试站</title></head><body><ul>{links}</ul></body></html>"));
            respond(s, &h, &b, get).await
        }
        "/links-100k.html" => respond(s, &head("200 OK", "text/html; charset=utf-8", bodies.links_100k.len()), &bodies.links_100k, get).await,
        "/links-repeat.html" => respond(s, &head("200 OK", "text/html; charset=utf-8", bodies.links_repeat.len()), &bodies.links_repeat, get).await,
        "/links-oneline.html" => respond(s, &head("200 OK", "text/html; charset=utf-8", bodies.links_oneline.len()), &bodies.links_oneline, get).await,
        "/nested.html" => respond(s, &head("200 OK", "text/html; charset=utf-8", bodies.nested.len()), &bodies.nested, get).await,
        "/oneline-8mb.html" => respond(s, &head("200 OK", "text/html; charset=utf-8", bodies.oneline.len()), &bodies.oneline, get).await,
        "/huge-length.html" | "/huge-chunked.html" => {
            let total: u64 = 1 << 30;
            let h = if path == "/huge-length.html" {
                head("200 OK", "text/html; charset=utf-8", total as usize)
            } else {
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n".to_string()
            };
            if s.write_all(h.as_bytes()).await.is_err() || !get {
                return;
            }
            let start = b"<title>huge</title><a href=\"/ok.html\">ok</a>";
            if s.write_all(start).await.is_err() {
                return;
            }
            // Generated as it is sent: 1 GiB never exists anywhere.
            let chunk = "<p>生态环境保护</p>\n".repeat(2048);
            let mut sent = start.len() as u64;
            while sent < total {
                let n = (chunk.len() as u64).min(total - sent) as usize;
                if s.write_all(&chunk.as_bytes()[..n]).await.is_err() {
                    return;
                }
                sent += n as u64;
            }
        }
        "/bomb.html" => {
            let h = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bodies.bomb.len()
            );
            respond(s, &h, &bodies.bomb, get).await
        }
        "/binary.html" => {
            let body: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
            respond(s, &head("200 OK", "text/html", body.len()), &body, get).await
        }
        "/bad-gbk.html" => {
            let mut b = encoding_rs::GBK.encode("<meta charset=\"gbk\"><title>政策文件</title><p>正文").0.into_owned();
            for _ in 0..1000 {
                b.extend_from_slice(&[0x81, 0x20, 0xFF, 0xFE, 0x80, 0xA1]);
            }
            b.extend_from_slice(b"<a href=\"/gone-after-gbk.html\">after</a>");
            respond(s, &head("200 OK", "text/html", b.len()), &b, get).await
        }
        "/no-head.html" | "/trickle.html" | "/reset.html" if !is_site && method == "HEAD" => {
            respond(s, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"", false).await
        }
        "/slow-headers.html" => {
            tokio::time::sleep(Duration::from_secs(20)).await;
            let (h, b) = html("<title>late</title>");
            respond(s, &h, &b, get).await
        }
        "/trickle.html" => {
            if s.write_all(head("200 OK", "text/html", 100_000).as_bytes()).await.is_err() {
                return;
            }
            for _ in 0..100_000 {
                if s.write_all(b"<").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        "/silent.html" => {
            // Keeps the connection open and says nothing, for longer than any budget.
            let _ = tokio::time::timeout(Duration::from_secs(600), s.read(&mut [0u8; 4096])).await;
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
        "/reset.html" => {
            let _ = s.write_all(head("200 OK", "text/html", 100_000).as_bytes()).await;
            let _ = s.write_all(b"<title>cut</title><p>half a page").await;
            #[allow(deprecated)]
            let _ = s.set_linger(Some(Duration::ZERO));
            drop(s); // RST
        }
        "/flaky-503.html" if n <= 2 => {
            respond(s, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"", false).await
        }
        "/always-503.html" => {
            respond(s, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"", false).await
        }
        "/busy-secs.html" if n == 1 => {
            respond(s, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"", false).await
        }
        "/busy-date.html" if n == 1 => {
            let when = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc2822().replace("+0000", "GMT");
            let h = format!("HTTP/1.1 429 Too Many Requests\r\nRetry-After: {when}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            respond(s, &h, b"", false).await
        }
        "/loop-a.html" => respond(s, &redirect("/loop-b.html"), b"", false).await,
        "/loop-b.html" => respond(s, &redirect("/loop-a.html"), b"", false).await,
        p if p.starts_with("/chain/") => {
            let k: usize = p[7..].parse().unwrap_or(0);
            let to = if k < 30 { format!("/chain/{}", k + 1) } else { "/ok.html".to_string() };
            respond(s, &redirect(&to), b"", false).await
        }
        "/calendar" => {
            let d: i64 = target.split("d=").nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
            let (h, b) = html(&format!(
                "<title>日历 {d}</title><a href=\"/calendar?d={}\">下一天</a><a href=\"/calendar?d={}\">前一天</a>",
                d + 1,
                d - 1
            ));
            respond(s, &h, &b, get).await
        }
        "/session.html" => {
            let token: String = (0..24).map(|_| fastrand::alphanumeric()).collect();
            let (h, b) = html(&format!(
                "<title>会话</title><a href=\"/session.html?PHPSESSID={token}\">again</a><a href=\"/ok.html;jsessionid={token}\">ok</a>"
            ));
            respond(s, &h, &b, get).await
        }
        p if p.starts_with("/dots/") => {
            let (h, b) = html("<title>点</title><a href=\"x/\">deeper</a><a href=\"../x/\">sideways</a>");
            respond(s, &h, &b, get).await
        }
        p if p.starts_with("/item/") => {
            let (h, b) = html("<title>条目</title><p>内容</p>");
            respond(s, &h, &b, get).await
        }
        "/ok.html" | "/no-head.html" | "/flaky-503.html" | "/busy-secs.html" | "/busy-date.html" => {
            let (h, b) = html("<title>fine</title><p>正常页面</p>");
            respond(s, &h, &b, get).await
        }
        _ => respond(s, "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\nConnection: close\r\n\r\n", b"not found", get).await,
    }
}
