//! A compromised page, crawled end to end by the built binary, then read through what a person
//! opens: broken_links.csv in Excel, report.html and the rectification notices in a browser or
//! Word, findings.jsonl in a script, `govpatrol page --json` in a terminal. Its title and link
//! texts carry spreadsheet formulas, script and event-handler markup, and control characters (a
//! bell, a terminal colour escape, a right-to-left override, NUL); every link on it is broken,
//! so all of it lands in the findings.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse};

/// Link texts (as the page's markup writes them) and the text the crawler must keep of each.
const TEXTS: &[(&str, &str)] = &[
    (
        "=HYPERLINK(\"http://evil\",\"x\")",
        "=HYPERLINK(\"http://evil\",\"x\")",
    ),
    ("+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0"),
    ("@SUM(1)", "@SUM(1)"),
    ("-2+3", "-2+3"),
    (
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<script>alert(1)</script>",
    ),
    (
        "&lt;img src=x onerror=alert(1)&gt;",
        "<img src=x onerror=alert(1)>",
    ),
    ("\u{7}响铃\u{1b}[31m红色\u{1b}[0m", "响铃[31m红色[0m"),
    ("通知\u{202E}fdp.exe", "通知fdp.exe"),
];

/// The title as the page writes it, and as it must be kept.
const TITLE: (&str, &str) = (
    "=HYPERLINK(\"http://evil\")\u{7}\u{1b}[31m&lt;script&gt;alert(1)&lt;/script&gt;\u{202E}通知",
    "=HYPERLINK(\"http://evil\")[31m<script>alert(1)</script>通知",
);

async fn server() -> url::Url {
    let app = axum::Router::new().fallback(|uri: Uri| async move {
        if uri.path() != "/" {
            return StatusCode::NOT_FOUND.into_response();
        }
        let links: String = TEXTS
            .iter()
            .enumerate()
            .map(|(i, (t, _))| format!("<li><a href=\"/gone-{i}.html\">{t}</a></li>\n"))
            .collect();
        Html(format!(
            "<html><head><title>{}</title><script>alert(1)</script></head><body>\
             <img src=x onerror=alert(1)><ul>{links}</ul>\
             <a href=\"/nul.html\">空\0字符</a></body></html>",
            TITLE.0
        ))
        .into_response()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// Any character no output may carry: C0/C1 controls other than line breaks and tabs, and
/// the bidirectional formatting characters.
fn bad_char(s: &str) -> Option<char> {
    s.chars().find(|c| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// Every string in a JSON value, recursively.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

async fn govpatrol(args: &[&str], targets: &Path) -> std::process::Output {
    tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"))
            .args(args)
            .arg("--targets")
            .arg(targets)
            .env("NO_COLOR", "1")
            .output(),
    )
    .await
    .expect("govpatrol finishes")
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_page_cannot_inject_formulas_markup_or_control_characters_into_the_outputs() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    let out = dir.path().join("out");
    std::fs::write(
        &targets,
        format!(
            "[defaults]\nrequests_per_second = 50\nretries = 0\ntimeout_secs = 5\n\n\
             [[site]]\nid = \"evil\"\nname = \"被篡改的网站\"\nurl = \"{base}\"\nrole = \"portal\"\nowner = \"某司\"\n"
        ),
    )
    .unwrap();
    let out_s = out.to_str().unwrap();
    let monthly = govpatrol(
        &[
            "monthly",
            "--month",
            "2026-11",
            "--as-of",
            "2026-11-25",
            "--out",
            out_s,
        ],
        &targets,
    )
    .await;
    assert!(
        monthly.status.success(),
        "{}",
        String::from_utf8_lossy(&monthly.stderr)
    );
    // The report is rebuilt from the store the way an office does after a fix to the code.
    let rebuilt = govpatrol(&["report", "--period", "2026-11", "--out", out_s], &targets).await;
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );

    let period = out.join("2026-11");
    let mut all = Vec::new();
    files(&period, &mut all);
    let by_name = |name: &str| {
        all.iter()
            .find(|p| p.file_name().is_some_and(|n| n == name))
            .unwrap_or_else(|| panic!("{name} not written: {all:?}"))
            .clone()
    };

    // findings.jsonl: every link text arrived, cleaned of control characters, and no string
    // anywhere in it carries one.
    let findings: Vec<serde_json::Value> = std::fs::read_to_string(by_name("findings.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let link_texts: Vec<&str> = findings
        .iter()
        .filter(|f| f["check"] == "broken_link")
        .filter_map(|f| f["evidence"]["link_text"].as_str())
        .collect();
    for (_, kept) in TEXTS {
        assert!(
            link_texts.contains(kept),
            "{kept:?} missing from {link_texts:?}"
        );
    }
    assert!(link_texts.contains(&"空字符"), "{link_texts:?}");
    for f in &findings {
        let mut s = Vec::new();
        strings(f, &mut s);
        for text in s {
            assert_eq!(bad_char(&text), None, "{text:?} in findings.jsonl");
        }
    }

    // broken_links.csv: no cell a spreadsheet would run, and the formulas are there as text.
    let csv_path = by_name("broken_links.csv");
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut cells = Vec::new();
    for row in csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..])
        .records()
    {
        cells.extend(row.unwrap().iter().map(str::to_string));
    }
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "live formula cell {cell:?}"
        );
        assert_eq!(bad_char(cell), None, "{cell:?} in broken_links.csv");
    }
    for (_, kept) in TEXTS
        .iter()
        .filter(|(_, k)| k.starts_with(['=', '+', '-', '@']))
    {
        assert!(
            cells.contains(&format!("'{kept}")),
            "{kept:?} not neutralised"
        );
    }
    // Every CSV and every text file of the period is free of control characters.
    for p in &all {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "csv" | "html" | "md" | "jsonl" | "json") {
            let text = String::from_utf8(std::fs::read(p).unwrap()).unwrap();
            assert_eq!(bad_char(&text), None, "{}", p.display());
        }
    }

    // report.html and the notice (HTML and Markdown): the page's markup is shown, never live.
    let report = std::fs::read_to_string(period.join("report.html")).unwrap();
    let notice_html = std::fs::read_to_string(by_name("evil.html")).unwrap();
    let notice_md = std::fs::read_to_string(by_name("evil.md")).unwrap();
    for (name, html) in [
        ("report.html", &report),
        ("notices/evil.html", &notice_html),
    ] {
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{name} has a live <script>");
        assert!(!lower.contains("<img"), "{name} has a live <img>");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                && html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{name} does not show the page's text escaped"
        );
    }
    // In Markdown, `\<` is a literal `<`: every `<` from the page is escaped.
    assert!(notice_md.contains("\\<script\\>alert(1)\\</script\\>"));
    assert!(!notice_md.replace("\\<", "").contains("<script"));
    assert!(!notice_md.replace("\\<", "").contains("<img"));

    // What the crawler shows a webmaster of the page: the title without control characters.
    let page = tokio::time::timeout(
        Duration::from_secs(30),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"))
            .args(["page", "--json", base.as_str()])
            .output(),
    )
    .await
    .unwrap()
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&page.stdout).unwrap();
    assert_eq!(v["title"], TITLE.1);
    let mut s = Vec::new();
    strings(&v, &mut s);
    for text in s {
        assert_eq!(bad_char(&text), None, "{text:?} in page --json");
    }
}
