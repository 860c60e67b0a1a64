//! Stream: the facts of a page too large or too complex to build a DOM of, read in one pass.
//!
//! A DOM costs memory in proportion to the page and some of what is asked of it (list blocks,
//! pagination, dates) grows faster than the page. [`crate::crawl::parse_text`] hands a page over
//! [`MAX_DOM_BYTES`] or with more than [`MAX_DOM_ELEMENTS`] tags here instead ([`too_big`]):
//! one scan, linear in the bytes and never building a tree, reads what the crawl must not lose
//! of any page — its links (with element and text), title, `<base>`, `<meta name>` tags and
//! enough visible text for the soft-404 signs and the fingerprint. What the column checks read
//! (list rows, dates, kind) is not: the page is stored as not read whole
//! (`urls.read_limit`). Links are resolved, normalised and deduplicated exactly as the
//! DOM path does (`resolve_links_by`), so a link after the pathological part of the
//! page is found like any other.
//!
//! ```
//! use govpatrol::extract::stream;
//! let url = url::Url::parse("http://s.gov.cn/a/").unwrap();
//! let page = format!("<title>大页</title>{}<a href=\"b.html?x=1&amp;y=2\">最后 <b>一个</b></a>", "x".repeat(1000));
//! let f = stream::facts(&page, &url, encoding_rs::UTF_8);
//! assert_eq!(f.title, "大页");
//! assert_eq!(f.links[0].url.as_str(), "http://s.gov.cn/a/b.html?x=1&y=2");
//! assert_eq!(f.links[0].text, "最后 一个");
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;

use encoding_rs::Encoding;
use url::Url;

use super::{collapse, find_ci, find_from, link_attr, PageFacts, MAX_META, MAX_TEXT};

/// Largest page parsed into a DOM; a larger one is read by [`facts`].
pub const MAX_DOM_BYTES: usize = 2 * 1024 * 1024;
/// Most tags (`<` followed by a letter) of a page parsed into a DOM; a page with more is read by
/// [`facts`]. A government list page has a few thousand.
pub const MAX_DOM_ELEMENTS: usize = 60_000;
/// Most attributes read of one tag.
pub const MAX_ATTRS: usize = 64;
/// Visible text kept for the soft-404 signs and the fingerprint.
const MAX_KEPT_TEXT: usize = 64 * 1024;
/// How far after `<a …>` its text is looked for.
const MAX_TEXT_SCAN: usize = 4 * 1024;

/// Why a page is read by [`facts`] instead of a DOM, if it is: [`crate::domain::TOO_LARGE`]
/// (over [`MAX_DOM_BYTES`]) or [`crate::domain::TOO_COMPLEX`] (over [`MAX_DOM_ELEMENTS`] tags).
/// Linear, stops counting at the cap.
pub fn too_big(html: &str) -> Option<&'static str> {
    if html.len() > MAX_DOM_BYTES {
        return Some(crate::domain::TOO_LARGE);
    }
    // A tag takes at least two bytes (`<a`): most pages are too short to hold too many, and
    // are not scanned (this runs on every page the crawl parses).
    if html.len() <= 2 * MAX_DOM_ELEMENTS {
        return None;
    }
    let b = html.as_bytes();
    let mut tags = 0usize;
    let mut at = 0;
    while let Some(i) = find_from(b, at, b"<") {
        at = i + 1;
        if b.get(at).is_some_and(u8::is_ascii_alphabetic) {
            tags += 1;
            if tags > MAX_DOM_ELEMENTS {
                return Some(crate::domain::TOO_COMPLEX);
            }
        }
    }
    None
}

/// The page's facts read in one pass (see the module doc); `kind` and `footer` are left at
/// their defaults.
pub fn facts(html: &str, url: &Url, encoding: &'static Encoding) -> PageFacts {
    let b = html.as_bytes();
    let mut title: Option<String> = None;
    let mut meta = BTreeMap::new();
    let mut text = String::new();
    // The first `<base href>` applies to every link, before it or after.
    let base = first_base(html)
        .and_then(|h| url.join(h.trim()).ok())
        .unwrap_or_else(|| url.clone());
    // Links are resolved as they are met: nothing is held per link but the links kept.
    let links = super::resolve_links_by(&base, encoding, |push| {
        let mut at = 0;
        while let Some(lt) = find_from(b, at, b"<") {
            if text.len() < MAX_KEPT_TEXT {
                push_text(&mut text, &html[at..lt]);
            }
            at = lt + 1;
            if b[at..].starts_with(b"!--") {
                at = find_from(b, at + 3, b"-->").map_or(b.len(), |e| e + 3);
                continue;
            }
            if matches!(b.get(at), Some(b'/' | b'!' | b'?')) {
                at = find_from(b, at, b">").map_or(b.len(), |e| e + 1);
                continue;
            }
            let name_end = b[at..]
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .map_or(b.len(), |p| at + p);
            if name_end == at {
                continue; // a `<` in text
            }
            let name = html[at..name_end].to_ascii_lowercase();
            let (attrs, end) = attributes(html, name_end);
            if end >= b.len() && b.last() != Some(&b'>') {
                break; // a tag cut off by the end of the body (the cap) is not read, as a parser would not
            }
            at = end;
            let attr = |k: &str| {
                attrs
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v.as_ref())
            };
            match name.as_str() {
                "script" | "style" | "textarea" | "title" | "noscript" | "template" => {
                    let close = format!("</{name}");
                    let stop = find_ci(b, at, close.as_bytes()).unwrap_or(b.len());
                    if name == "title" && title.is_none() {
                        title = Some(collapse(&decode_entities(&html[at..stop])));
                    }
                    if name == "script" {
                        if let Some(src) = attr("src") {
                            push("script", src, &String::new);
                        }
                    }
                    at = find_from(b, stop, b">").map_or(b.len(), |e| e + 1);
                }
                "meta" if meta.len() < MAX_META => {
                    if let (Some(n), Some(c)) = (attr("name"), attr("content")) {
                        meta.entry(n.trim().to_ascii_lowercase())
                            .or_insert_with(|| collapse(c));
                    }
                }
                other => {
                    let Some(element) = ELEMENTS.iter().find(|e| **e == other) else {
                        continue;
                    };
                    let Some(target) = link_attr(element).and_then(attr) else {
                        continue;
                    };
                    if *element == "link" {
                        let rel = attr("rel").unwrap_or("").to_ascii_lowercase();
                        if rel.contains("dns-prefetch") || rel.contains("preconnect") {
                            continue;
                        }
                    }
                    let label = || {
                        let mut label = String::new();
                        if matches!(*element, "a" | "area") {
                            label = anchor_text(html, end);
                        }
                        if label.is_empty() {
                            label = attr("alt")
                                .or_else(|| attr("title"))
                                .map(collapse)
                                .unwrap_or_default();
                        }
                        if label.chars().count() > MAX_TEXT {
                            label = label.chars().take(MAX_TEXT).collect();
                        }
                        label
                    };
                    push(element, target, &label);
                }
            }
        }
        if text.len() < MAX_KEPT_TEXT && at < b.len() {
            push_text(&mut text, &html[at..]);
        }
    });
    let title = title.unwrap_or_default();
    let text = collapse(&text);
    PageFacts {
        soft404: super::soft404_reason(&title, &text),
        fingerprint: super::fingerprint(&title, &text),
        title,
        links,
        meta,
        ..Default::default()
    }
}

/// The `href` of the page's first `<base>` tag, if any.
fn first_base(html: &str) -> Option<String> {
    let b = html.as_bytes();
    let mut at = 0;
    while let Some(i) = find_ci(b, at, b"<base") {
        let end = i + 5;
        at = end;
        if b.get(end)
            .is_some_and(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
        {
            let (attrs, _) = attributes(html, end);
            return attrs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("href"))
                .map(|(_, v)| v.to_string());
        }
    }
    None
}

/// The linking elements, as `'static` names.
const ELEMENTS: &[&str] = &[
    "a", "area", "link", "img", "script", "iframe", "frame", "embed", "source", "video", "audio",
    "object",
];

fn push_text(text: &mut String, s: &str) {
    if s.trim().is_empty() {
        return;
    }
    let room = MAX_KEPT_TEXT.saturating_sub(text.len());
    let mut end = s.len().min(room);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    text.push_str(&decode_entities(&s[..end]));
    text.push(' ');
}

/// The text of an `<a>` whose start tag ends at `from`: up to its `</a>` (or the next `<a`),
/// tags removed, at most [`MAX_TEXT_SCAN`] bytes looked at.
fn anchor_text(html: &str, from: usize) -> String {
    let b = html.as_bytes();
    let mut limit = (from + MAX_TEXT_SCAN).min(b.len());
    while !html.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &b[from..limit];
    let mut out = String::new();
    let mut i = 0;
    while i < window.len() {
        let Some(lt) = window[i..].iter().position(|c| *c == b'<') else {
            out.push_str(&html[from + i..limit]);
            break;
        };
        out.push_str(&html[from + i..from + i + lt]);
        let tag = &window[i + lt..];
        if tag.len() >= 3
            && (tag[1..3].eq_ignore_ascii_case(b"/a")
                || tag[1..].len() >= 2
                    && tag[1].eq_ignore_ascii_case(&b'a')
                    && !tag[2].is_ascii_alphanumeric())
        {
            break;
        }
        match window[i + lt..].iter().position(|c| *c == b'>') {
            Some(gt) => {
                out.push(' ');
                i += lt + gt + 1;
            }
            None => break,
        }
    }
    collapse(&decode_entities(&out))
}

/// The attributes of a tag whose name ends at `from`, and where the tag ends. At most
/// [`MAX_ATTRS`] are kept; values are entity-decoded.
fn attributes(html: &str, from: usize) -> (Vec<(&str, Cow<'_, str>)>, usize) {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = from;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, b.len());
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &html[name_start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value: &str = "";
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i) {
                Some(q @ (b'"' | b'\'')) => {
                    let end = find_from(b, i + 1, &[*q]).unwrap_or(b.len());
                    value = &html[i + 1..end];
                    i = (end + 1).min(b.len());
                }
                Some(_) => {
                    let start = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = &html[start..i];
                }
                None => {}
            }
        }
        if attrs.len() < MAX_ATTRS && !name.is_empty() {
            attrs.push((name, decode_entities(value)));
        }
    }
}

/// The character references of HTML text or an attribute value that matter in links and
/// titles: `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&nbsp;` and numeric ones. Others stay as they
/// are.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .char_indices()
            .take(10)
            .find(|(_, c)| !c.is_ascii_alphanumeric() && *c != '#')
            .map_or(rest.len().min(11), |(j, _)| j + 1);
        let name = &rest[1..end];
        let semi = rest[end..].starts_with(';');
        let ch = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + usize::from(semi)..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("http://s.gov.cn/x/").unwrap()
    }

    #[test]
    fn the_stream_reads_the_same_links_as_the_dom_on_an_ordinary_page() {
        let html = r##"<html><head><title>政策 &amp; 文件</title><base href="/b/">
            <meta name="SiteName" content="某部"><link rel="stylesheet" href="s.css">
            <link rel="dns-prefetch" href="//cdn.example.com"></head><body>
            <!-- <a href="/commented">no</a> -->
            <a href="a.html?x=1&amp;y=2">通知 <span>公告</span></a>
            <a href='/a.html?x=1&y=2'>dup</a><A HREF=c.html TITLE="标题">  </A>
            <img src="p.png" alt="图片"><script src="j.js"></script>
            <script>var s = '<a href="/in-script">x</a>';</script>
            <a href="javascript:void(0)">js</a><a href="#top">top</a>
            <iframe src="/frame.html"></iframe></body></html>"##;
        let dom = super::super::extract(html, &url(), encoding_rs::UTF_8);
        let s = facts(html, &url(), encoding_rs::UTF_8);
        assert_eq!(s.title, dom.title);
        assert_eq!(s.meta, dom.meta);
        assert_eq!(s.links, dom.links);
    }

    #[test]
    fn a_page_over_the_caps_is_read_by_the_stream() {
        assert_eq!(too_big("<p>x</p>"), None);
        assert_eq!(
            too_big(&"<b>".repeat(MAX_DOM_ELEMENTS + 1)),
            Some("too_complex")
        );
        assert_eq!(too_big(&"x".repeat(MAX_DOM_BYTES + 1)), Some("too_large"));
        // `a < b` in text is not a tag
        assert_eq!(too_big(&"a < b ".repeat(MAX_DOM_ELEMENTS + 1)), None);
    }

    #[test]
    fn a_tag_with_endless_attributes_or_no_end_is_read_in_linear_time() {
        let many = format!(
            "<a {} href=\"/x\">x</a><a href=\"/y\">y</a>",
            "k=v ".repeat(200_000)
        );
        let started = std::time::Instant::now();
        let f = facts(&many, &url(), encoding_rs::UTF_8);
        // The 64-attribute cap drops the first tag's href; the next link is read.
        assert_eq!(f.links.len(), 1);
        assert_eq!(f.links[0].url.as_str(), "http://s.gov.cn/y");
        let unclosed = format!("<a href=\"/z\">{}", "<a href=\"/w".repeat(100_000));
        let f = facts(&unclosed, &url(), encoding_rs::UTF_8);
        assert_eq!(f.links[0].url.as_str(), "http://s.gov.cn/z");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_tag_cut_off_by_the_body_cap_is_not_a_link() {
        let f = facts(
            "<a href=\"/a.html\">a</a><a href=\"/ok.",
            &url(),
            encoding_rs::UTF_8,
        );
        assert_eq!(f.links.len(), 1);
        assert_eq!(f.links[0].url.as_str(), "http://s.gov.cn/a.html");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            decode_entities("a&amp;b&#x4e2d;&#25991;&unknown;&"),
            "a&b中文&unknown;&"
        );
    }
}
