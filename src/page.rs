//! `govpatrol page URL`: what the crawler sees on one page, so a webmaster can ask "why did you
//! say that?".
//!
//! It fetches the page exactly as a crawl would (same politeness, robots.txt, charset rules and
//! extraction) and shows the final URL after redirects, the status, the encoding and where it came
//! from, the title, the `<meta>` tags, whether the page reads as an error page, every link with
//! its element and text, and what the column checks read ([`crate::extract::PageContent`]): the
//! page's kind, its publication date and where it came from (with the other candidates), its
//! column meta and breadcrumb, and for a list page its rows with their dates and its other
//! pages. `--json` prints the same as one JSON object for scripts.

use serde::Serialize;
use url::Url;

use crate::config::Settings;
use crate::crawl::fetch::{Fetcher, Hop, Want};
use crate::extract::identity::{FooterFacts, FOOTER_ITEMS};
use crate::extract::{self, charset, Link, PageContent, PageKind};

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
    /// The national tags this page should carry but lacks (by its kind, see `content.kind`).
    pub missing_tags: Vec<&'static str>,
    /// The footer items recognised (网站标识码, ICP备案编号 …; see `extract::identity`).
    pub footer: Option<FooterFacts>,
    pub attempts: u32,
    pub elapsed_ms: u64,
    /// `kind`, `pub_date`, `date_candidates`, `column`, `items`, `pagination`.
    #[serde(flatten)]
    pub content: PageContent,
}

/// Fetches and reads one page.
pub async fn inspect_page(url: &Url, settings: &Settings) -> PageView {
    let fetcher = Fetcher::new(
        &settings.user_agent,
        settings.max_connections,
        crate::crawl::guard::Guard::open(),
    );
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
        missing_tags: Vec::new(),
        footer: None,
        attempts: out.attempts,
        elapsed_ms: 0,
        content: PageContent::default(),
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
                let doc = extract::parse_html(&d.text);
                let facts =
                    extract::facts_of(&doc, &f.final_url, charset::encoding_for(d.encoding));
                let homepage = f.final_url.path() == "/" && f.final_url.query().is_none();
                view.content = extract::page_content(&doc, &f.final_url, homepage);
                view.encoding = Some(d.encoding.to_string());
                view.encoding_source = Some(d.source.as_str().to_string());
                view.title = Some(facts.title);
                view.soft404 = facts.soft404;
                view.missing_tags = crate::checks::metadata::required(facts.kind, homepage)
                    .into_iter()
                    .filter(|t| {
                        facts
                            .meta
                            .get(&t.to_ascii_lowercase())
                            .is_none_or(|v| v.trim().is_empty())
                    })
                    .collect();
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
    let c = &v.content;
    let kind = match c.kind {
        PageKind::List => "list page (栏目列表页)",
        PageKind::Article => "article",
        PageKind::Other => "other (homepage, navigation …)",
    };
    let _ = writeln!(s, "kind:       {kind}");
    if let Some(d) = &c.pub_date {
        let _ = writeln!(
            s,
            "published:  {} (from {}: {})",
            d.date,
            d.source.as_str(),
            d.raw
        );
        for o in c.date_candidates.iter().skip(1) {
            let _ = writeln!(
                s,
                "  also:     {} (from {}: {})",
                o.date,
                o.source.as_str(),
                o.raw
            );
        }
    }
    let m = &c.column;
    if m.name.is_some() || m.column_type.is_some() || !m.breadcrumb.is_empty() {
        let _ = writeln!(
            s,
            "column:     {} (ColumnType {}); breadcrumb: {}",
            opt(&m.name),
            opt(&m.column_type),
            m.breadcrumb.join(" > ")
        );
    }
    if c.kind == PageKind::List || !c.items.is_empty() {
        let label = if c.kind == PageKind::List {
            "items"
        } else {
            "rows of its blocks"
        };
        let _ = writeln!(s, "{label} ({}):", c.items.len());
        for i in &c.items {
            let date = match (i.date, &i.date_raw) {
                (Some(d), _) => d.to_string(),
                (None, Some(raw)) => format!("? ({raw})"),
                (None, None) => "undated".to_string(),
            };
            let pinned = if i.pinned { " [pinned]" } else { "" };
            let _ = writeln!(s, "  {date:<10} {}{pinned}  {}", i.title, i.url);
        }
    }
    if !c.pagination.is_empty() {
        let _ = writeln!(s, "other pages of the list: {}", c.pagination.len());
    }
    if c.kind == PageKind::Article {
        let numbers = if c.doc_numbers.is_empty() {
            "none".to_string()
        } else {
            c.doc_numbers.join(", ")
        };
        let _ = writeln!(s, "document number (文号): {numbers}");
        let quoted =
            crate::checks::interpretations::quoted_titles(c.headline.as_deref().unwrap_or(""));
        if !quoted.is_empty() {
            let _ = writeln!(s, "quoted titles: 《{}》", quoted.join("》《"));
        }
        if let Some(h) = &c.headline {
            if crate::checks::interpretations::is_interpretation_title(h) {
                let _ = writeln!(s, "reads like an interpretation (解读) by its title");
            }
        }
        let _ = writeln!(s, "related links ({}):", c.related.len());
        for r in &c.related {
            let _ = writeln!(s, "  {}: {}  {}", r.label, r.url, r.text);
        }
    }
    if v.status.is_some() && v.encoding.is_some() {
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
