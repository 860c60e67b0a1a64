//! Micro-benchmark of the crawl's per-page parse path ([`govpatrol::crawl::parse_page`]: charset
//! decoding, the HTML parse, the page facts and the column content), without HTTP, SQLite or the
//! checks.
//!
//! ```text
//! cargo run --release --example parse_bench -- DIR [REPEAT]
//! ```
//!
//! Walks `DIR` for `*.html` files, reads them all into memory first (untimed), then parses each,
//! in sorted path order, exactly as the crawl parses a fetched page: content type `text/html`,
//! URL `http://127.0.0.1:18080/<path relative to DIR>` (the bench site's address under
//! `bench/run.sh`), and `index.html` at the root as the homepage. `REPEAT` (default 1) parses the
//! whole set that many times and reports the best pass.
//!
//! Prints the pages, the seconds of the parse loop (wall), the process CPU seconds per 1,000
//! pages, and a SHA-256 of the outputs (`serde_json` of facts, content, encoding and its source,
//! each page's path first) in sorted order: a change that only makes parsing faster must leave
//! the hash as it was. The outputs of a pass are kept until the pass is timed and hashed, so the
//! time is parsing alone, not serialising or hashing.

use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            html_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

/// This process's user + system CPU seconds (Linux `/proc/self/stat`, clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: parse_bench DIR [REPEAT]");
        std::process::exit(2);
    };
    let repeat: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1).max(1);
    let root = PathBuf::from(dir);
    let mut files = Vec::new();
    html_files(&root, &mut files);
    files.sort();
    let pages: Vec<(String, url::Url, bool, Vec<u8>)> = files
        .iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .expect("under DIR")
                .to_string_lossy()
                .replace('\\', "/");
            let url = url::Url::parse(&format!("http://127.0.0.1:18080/{rel}")).expect("a URL");
            let homepage = rel == "index.html";
            (rel, url, homepage, std::fs::read(p).expect("readable"))
        })
        .collect();
    let mut best: Option<(f64, f64)> = None;
    let mut hash = String::new();
    for pass in 0..repeat {
        let cpu0 = cpu_seconds();
        let t0 = Instant::now();
        let out: Vec<_> = pages
            .iter()
            .map(|(_, url, homepage, body)| {
                govpatrol::crawl::parse_page(body, Some("text/html"), url, true, *homepage)
            })
            .collect();
        let secs = t0.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(cpu0).map_or(f64::NAN, |(b, a)| b - a);
        let mut h = Sha256::new();
        for ((rel, ..), p) in pages.iter().zip(&out) {
            let json =
                serde_json::to_string(&(&p.facts, &p.content, p.encoding, p.encoding_source))
                    .expect("serialisable");
            h.update(rel.as_bytes());
            h.update(b"\0");
            h.update(json.as_bytes());
            h.update(b"\0");
        }
        hash = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        eprintln!("pass {}: {secs:.3} s, cpu {cpu:.2} s", pass + 1);
        if best.is_none_or(|(s, _)| secs < s) {
            best = Some((secs, cpu));
        }
    }
    let (secs, cpu) = best.expect("one pass");
    let n = pages.len();
    println!("pages {n}");
    println!("seconds {secs:.3}");
    println!("cpu_s_per_1k {:.4}", cpu / n.max(1) as f64 * 1000.0);
    println!("sha256 {hash}");
}
