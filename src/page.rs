//! `govpatrol page URL`: what the crawler sees on one page, so a webmaster can ask "why did you
//! say that?".
//!
//! It fetches the page exactly as a crawl would (same politeness, robots.txt, charset rules and
//! extraction) and shows the final URL after redirects, the status, the encoding and where it came
//! from, the title, the `<meta>` tags, whether the page reads as an error page, and every link
//! with its element and text. `--json` prints the same as one JSON object for scripts.

use serde::Serialize;
use url::Url;

use crate::config::Settings;
use crate::crawl::fetch::{Fetcher, Hop, Want};
use crate::extract::identity::{FooterFacts, PageKind, FOOTER_ITEMS};
use crate::extract::{self, charset, Link};

/// What the crawler sees on one page.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub url: String,
    pub final_url: Option<String>,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub redirects: Vec<Hop>,
    pub content_type: Option<String>,
    pub encoding: Option<String>,
    pub encoding_source: Option<String>,
    pub title: Option<String>,
    pub soft404: Option<String>,
    pub meta: std::collections::BTreeMap<String, String>,
    pub links: Vec<Link>,
    /// Column list, article or other page, and the national tags it should carry but lacks.
    pub kind: Option<PageKind>,
    pub missing_tags: Vec<&'static str>,
    /// The footer items recognised (网站标识码, ICP备案编号 …; see `extract::identity`).
    pub footer: Option<FooterFacts>,
    pub attempts: u32,
    pub elapsed_ms: u64,
}

/// Fetches and reads one page.
pub async fn inspect_page(url: &Url, settings: &Settings) -> PageView {
    let fetcher = Fetcher::new(&settings.user_agent, settings.max_connections);
    let out = fetcher.fetch(url, Want::Body, settings).await;
    let mut view = PageView {
        url: url.to_string(),
        final_url: None,
        status: None,
        error: None,
        redirects: Vec::new(),
        content_type: None,
        encoding: None,
        encoding_source: None,
        title: None,
        soft404: None,
        meta: Default::default(),
        links: Vec::new(),
        kind: None,
        missing_tags: Vec::new(),
        footer: None,
        attempts: out.attempts,
        elapsed_ms: 0,
    };
    match out.result {
        Err(e) => view.error = Some(e.to_string()),
        Ok(f) => {
            view.final_url = Some(f.final_url.to_string());
            view.status = Some(f.status);
            view.redirects = f.redirects.clone();
            view.content_type = f.content_type.clone();
            view.elapsed_ms = u64::try_from(f.elapsed.as_millis()).unwrap_or(u64::MAX);
            if let (Some(body), true) = (f.body.as_deref(), f.is_html()) {
                let d = charset::decode(body, f.content_type.as_deref());
                let facts =
                    extract::extract(&d.text, &f.final_url, charset::encoding_for(d.encoding));
                view.encoding = Some(d.encoding.to_string());
                view.encoding_source = Some(d.source.as_str().to_string());
                view.title = Some(facts.title);
                view.soft404 = facts.soft404;
                let homepage = f.final_url.path() == "/" && f.final_url.query().is_none();
                view.missing_tags = crate::checks::metadata::required(facts.kind, homepage)
                    .into_iter()
                    .filter(|t| {
                        facts
                            .meta
                            .get(&t.to_ascii_lowercase())
                            .is_none_or(|v| v.trim().is_empty())
                    })
                    .collect();
                view.kind = Some(facts.kind);
                view.footer = Some(facts.footer);
                view.meta = facts.meta;
                view.links = facts.links;
            }
        }
    }
    view
}

/// The human-readable rendering.
pub fn render_text(v: &PageView) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    let _ = writeln!(s, "URL:        {}", v.url);
    for h in &v.redirects {
        let _ = writeln!(s, "redirect:   {} ({})", h.url, h.status);
    }
    let _ = writeln!(s, "final URL:  {}", opt(&v.final_url));
    match (&v.error, v.status) {
        (Some(e), _) => {
            let _ = writeln!(s, "error:      {e} (after {} attempts)", v.attempts);
        }
        (None, Some(st)) => {
            let _ = writeln!(s, "status:     {st} ({} ms)", v.elapsed_ms);
        }
        _ => {}
    }
    let _ = writeln!(s, "type:       {}", opt(&v.content_type));
    if let Some(enc) = &v.encoding {
        let _ = writeln!(s, "encoding:   {enc} (from {})", opt(&v.encoding_source));
    }
    let _ = writeln!(s, "title:      {}", opt(&v.title));
    if let Some(why) = &v.soft404 {
        let _ = writeln!(s, "soft 404:   {why}");
    }
    if !v.meta.is_empty() {
        let _ = writeln!(s, "meta:");
        for (k, val) in &v.meta {
            let _ = writeln!(s, "  {k} = {val}");
        }
    }
    if let Some(kind) = v.kind {
        let _ = writeln!(s, "page kind:  {}", kind.as_str());
        let missing = if v.missing_tags.is_empty() {
            "none".to_string()
        } else {
            v.missing_tags.join(", ")
        };
        let _ = writeln!(s, "missing national meta tags: {missing}");
    }
    if let Some(f) = &v.footer {
        let _ = writeln!(s, "footer:");
        let value = |item: &str| match item {
            "网站标识码" => f.site_id_code.clone(),
            "ICP备案编号" => f.icp.clone(),
            "公安机关备案号" => f.police.clone(),
            "主办单位" => f.sponsor.clone(),
            _ => None,
        };
        for item in FOOTER_ITEMS {
            let mark = if f.has(item) { "found  " } else { "MISSING" };
            let _ = writeln!(s, "  {mark} {item} {}", value(item).unwrap_or_default());
        }
    }
    let _ = writeln!(s, "links ({}):", v.links.len());
    for l in &v.links {
        let _ = writeln!(s, "  {:<7} {}  {}", l.element, l.url, l.text);
    }
    s
}
