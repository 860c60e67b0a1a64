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
//!
//! `--render` reads the page a second time from the DOM headless Chromium renders of it
//! ([`compare_rendered`], [`crate::render`]) and shows both readings side by side: kind, title,
//! dates, rows and links, and what only one of them has.

use serde::Serialize;
use url::Url;

use std::sync::Arc;

use crate::config::{Settings, Site};
use crate::crawl::fetch::{Fetched, Fetcher, Hop, Want};
use crate::extract::identity::{FooterFacts, FOOTER_ITEMS};
use crate::extract::{self, charset, Link, PageContent, PageKind};
use crate::render::{Renderer, Rendering};

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
    /// Why the page was not read whole, as the crawl stores it in `urls.read_limit`
    /// (`too_large`, `too_complex`): only its links, title and meta tags were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_limit: Option<String>,
    /// `kind`, `pub_date`, `date_candidates`, `column`, `items`, `pagination`.
    #[serde(flatten)]
    pub content: PageContent,
}

/// Fetches and reads one page.
pub async fn inspect_page(url: &Url, settings: &Settings) -> PageView {
    fetch_view(&fetcher(settings), url, settings).await.0
}

fn fetcher(settings: &Settings) -> Arc<Fetcher> {
    Arc::new(Fetcher::new(
        &settings.user_agent,
        settings.max_connections,
        crate::crawl::guard::Guard::open(),
    ))
}

/// Fetches a page and reads it as the crawl does; also returns the response when it is an HTML
/// page (what a browser would render).
async fn fetch_view(
    fetcher: &Fetcher,
    url: &Url,
    settings: &Settings,
) -> (PageView, Option<Fetched>) {
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
        read_limit: None,
        content: PageContent::default(),
    };
    match out.result {
        Err(e) => {
            view.error = Some(e.to_string());
            (view, None)
        }
        Ok(f) => {
            view.final_url = Some(f.final_url.to_string());
            view.status = Some(f.status);
            view.redirects = f.redirects.clone();
            view.content_type = f.content_type.clone();
            view.elapsed_ms = u64::try_from(f.elapsed.as_millis()).unwrap_or(u64::MAX);
            if f.truncated {
                view.read_limit = Some(crate::crawl::TOO_LARGE.to_string());
            }
            match (f.body.as_deref(), f.is_html()) {
                (Some(body), true) => {
                    let d = charset::decode(body, f.content_type.as_deref());
                    read_html(
                        &mut view,
                        &f.final_url,
                        &d.text,
                        d.encoding,
                        d.source.as_str(),
                    );
                    (view, Some(f))
                }
                _ => (view, None),
            }
        }
    }
}

/// Reads a page's HTML (decoded from `encoding`) into `view`: what the crawl extracts of it.
fn read_html(
    view: &mut PageView,
    url: &Url,
    html: &str,
    encoding: &'static str,
    encoding_source: &'static str,
) {
    view.encoding = Some(encoding.to_string());
    view.encoding_source = Some(encoding_source.to_string());
    let homepage = url.path() == "/" && url.query().is_none();
    // The crawl's limits: a page too large or complex for a DOM is read for its links only.
    if let Some(limit) = extract::stream::too_big(html) {
        let facts = extract::stream::facts(html, url, charset::encoding_for(encoding));
        view.read_limit = Some(limit.to_string());
        view.title = Some(facts.title);
        view.soft404 = facts.soft404;
        view.meta = facts.meta;
        view.links = facts.links;
        return;
    }
    let doc = extract::parse_html(html);
    let facts = extract::facts_of(&doc, url, charset::encoding_for(encoding));
    view.content = extract::page_content(&doc, url, homepage);
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

/// A page read twice: as its HTML was sent and as headless Chromium renders it
/// (`govpatrol page URL --render`).
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    /// Why the page was rendered (`rendered: …`), or why it could not be (`not rendered: …`);
    /// `None` when it was not an HTML page.
    pub render: Option<String>,
    /// Why its HTML looks built by script, if it does ([`extract::script_built`]).
    pub script_built: Option<String>,
    #[serde(rename = "static")]
    pub static_view: PageView,
    pub rendered: Option<PageView>,
}

/// Fetches a page once, reads it statically and from the DOM headless Chromium renders of it
/// (its requests answered through the same fetcher, see [`crate::render`]).
pub async fn compare_rendered(url: &Url, settings: &Settings) -> Compared {
    let fetcher = fetcher(settings);
    let (static_view, fetched) = fetch_view(&fetcher, url, settings).await;
    let mut cmp = Compared {
        render: None,
        script_built: None,
        static_view,
        rendered: None,
    };
    let Some(f) = fetched else {
        return cmp;
    };
    let site = Arc::new(Site::adhoc(&f.final_url, settings.clone()));
    let (enc, source) = (
        cmp.static_view.encoding.clone().unwrap_or_default(),
        cmp.static_view.encoding_source.clone().unwrap_or_default(),
    );
    let page = crate::crawl::parse_page(
        f.body.as_deref().unwrap_or_default(),
        f.content_type.as_deref(),
        &f.final_url,
        true,
        cmp.static_view
            .final_url
            .as_deref()
            .is_some_and(|u| Url::parse(u).is_ok_and(|u| u.path() == "/" && u.query().is_none())),
    );
    cmp.script_built = page.script_built.clone();
    let renderer = Renderer::new();
    let charset = (source == "detected").then_some(enc.as_str());
    let result = renderer.render(&fetcher, &site, &f, charset).await;
    renderer.shutdown().await;
    match result {
        Ok(html) => {
            let mut view = cmp.static_view.clone();
            read_html(
                &mut view,
                &f.final_url,
                &html,
                page.encoding,
                page.encoding_source,
            );
            cmp.rendered = Some(view);
            cmp.render = Some(
                Rendering::Rendered(
                    page.script_built
                        .clone()
                        .unwrap_or_else(|| "asked for (--render)".into()),
                )
                .stored(),
            );
        }
        Err(why) => cmp.render = Some(Rendering::Failed(why).stored()),
    }
    cmp
}

/// The two readings of [`compare_rendered`] side by side: what each shows, then the rows and
/// links only one of them has.
pub fn render_compared(c: &Compared) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "URL:        {}", c.static_view.url);
    if let Some(why) = &c.script_built {
        let _ = writeln!(s, "script-built: {why}");
    }
    let _ = writeln!(
        s,
        "render:     {}",
        c.render.as_deref().unwrap_or("- (not an HTML page)")
    );
    let Some(r) = &c.rendered else {
        s.push('\n');
        s.push_str(&render_text(&c.static_view));
        return s;
    };
    let v = &c.static_view;
    let kind = |k: PageKind| match k {
        PageKind::List => "list page",
        PageKind::Article => "article",
        PageKind::Other => "other",
    };
    let date = |v: &PageView| {
        v.content
            .pub_date
            .as_ref()
            .map_or_else(|| "-".to_string(), |d| d.date.to_string())
    };
    let newest = |v: &PageView| {
        v.content
            .items
            .iter()
            .filter_map(|i| i.date)
            .max()
            .map_or_else(|| "-".to_string(), |d| d.to_string())
    };
    let rows: Vec<(&str, String, String)> = vec![
        (
            "title",
            v.title.clone().unwrap_or_default(),
            r.title.clone().unwrap_or_default(),
        ),
        (
            "kind",
            kind(v.content.kind).into(),
            kind(r.content.kind).into(),
        ),
        ("published", date(v), date(r)),
        (
            "items",
            v.content.items.len().to_string(),
            r.content.items.len().to_string(),
        ),
        ("newest item", newest(v), newest(r)),
        (
            "links",
            v.links.len().to_string(),
            r.links.len().to_string(),
        ),
        (
            "missing tags",
            v.missing_tags.len().to_string(),
            r.missing_tags.len().to_string(),
        ),
    ];
    // Columns a terminal gives a character: two for Chinese (full-width), one for the rest.
    let cols = |c: char| if c >= '\u{1100}' { 2 } else { 1 };
    let width = rows
        .iter()
        .map(|(_, a, _)| a.chars().map(cols).sum::<usize>())
        .max()
        .unwrap_or(0)
        .clamp(16, 40);
    let cell = |t: &str| {
        let mut used = 0;
        let mut out = String::new();
        for c in t.chars() {
            if used + cols(c) > width {
                break;
            }
            used += cols(c);
            out.push(c);
        }
        format!("{out}{}", " ".repeat(width - used))
    };
    let _ = writeln!(
        s,
        "\n{:<13} {}  rendered (headless Chromium)",
        "",
        cell("static (HTML)")
    );
    for (label, a, b) in &rows {
        let _ = writeln!(s, "{label:<13} {}  {b}", cell(a));
    }
    let only = |a: &PageView, b: &PageView| -> Vec<String> {
        let have: std::collections::HashSet<&Url> = b.links.iter().map(|l| &l.url).collect();
        a.links
            .iter()
            .filter(|l| !have.contains(&l.url))
            .map(|l| format!("  {:<7} {}  {}", l.element, l.url, l.text))
            .collect()
    };
    if r.content.kind == PageKind::List || !r.content.items.is_empty() {
        let _ = writeln!(
            s,
            "\nitems of the rendered page ({}):",
            r.content.items.len()
        );
        for i in &r.content.items {
            let d = i
                .date
                .map_or_else(|| "undated".to_string(), |d| d.to_string());
            let _ = writeln!(s, "  {d:<10} {}  {}", i.title, i.url);
        }
    }
    for (label, lines) in [
        ("links only in the rendered page", only(r, v)),
        ("links only in the static page", only(v, r)),
    ] {
        let _ = writeln!(s, "\n{label} ({}):", lines.len());
        for l in lines {
            let _ = writeln!(s, "{l}");
        }
    }
    s
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
    if let Some(limit) = &v.read_limit {
        let why = match limit.as_str() {
            crate::crawl::TOO_LARGE => "larger than max_body_bytes or than a DOM is built for",
            crate::crawl::TOO_COMPLEX => "more tags than a DOM is built for",
            _ => "over the per-URL budget",
        };
        let _ = writeln!(
            s,
            "not read whole: {limit} ({why}): only its links, title and meta tags were read"
        );
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
