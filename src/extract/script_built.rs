//! Does a page's HTML look built by script, so that what a visitor sees is not in it? Used by
//! `render = "auto"` ([`crate::render`]) to choose the pages worth a browser. Pure, over a
//! parsed page and what [`super::page_content`] read of it.
//!
//! Read by structure, never by one CMS's names. A page looks script-built when:
//!
//! - a front-end framework's root is empty (`<div id="app"></div>`, `id="root"`, `__nuxt`,
//!   `__next`, `ng-app`, `data-v-app`, `<app-root>`), or its markup is a template that a
//!   script fills (`v-for`, `ng-repeat`, `{{ item.title }}`), and the page has a script;
//! - a block that holds content (`ul`, `ol`, `tbody`, `table`, `dl`, `div`, `section`,
//!   `article`, `main`) is empty in the HTML and an inline script of the page both names it (by
//!   its id or class) and asks for data or writes markup (`$.ajax`, `$.getJSON`, `fetch(`,
//!   `XMLHttpRequest`, `axios`, `.innerHTML`, `.html(`, `.append(`);
//! - an inline script writes markup with `document.write` on a page that shows no list rows and
//!   little prose of its own (an article body or a list written at load time).
//!
//! A list page that shows dated rows already is read as it is: its newest rows are there.

use scraper::{ElementRef, Html, Node};

use super::{PageContent, PageKind};

/// Ids of the elements front-end frameworks mount into.
const ROOT_IDS: &[&str] = &["app", "root", "__nuxt", "__next", "q-app", "vue-app"];

/// Attributes that mark a framework's root or a template a script fills.
const ROOT_ATTRS: &[&str] = &["ng-app", "data-v-app", "data-reactroot", "v-cloak"];
const TEMPLATE_ATTRS: &[&str] = &["v-for", "ng-repeat", "v-html", "ng-bind-html", "x-for"];

/// Calls of an inline script that fetch data or write markup into the page.
const FILLS: &[&str] = &[
    "$.ajax",
    "$.get",
    "$.post",
    "jQuery.ajax",
    "jQuery.get",
    "fetch(",
    "XMLHttpRequest",
    "axios",
    ".innerHTML",
    ".html(",
    ".append(",
    ".load(",
    "template(",
];

/// Blocks that hold a list or a body when they are not empty.
const CONTAINERS: &[&str] = &[
    "ul", "ol", "tbody", "table", "dl", "div", "section", "article", "main",
];

/// Most bytes of inline scripts looked at (a page that inlines megabytes of script is not
/// made faster to judge by reading them all).
const MAX_SCRIPT_TEXT: usize = 512 * 1024;

/// Why the page looks built by script, or `None` when its HTML holds what it shows.
pub fn reason(doc: &Html, content: &PageContent) -> Option<String> {
    if content.kind == PageKind::List && !content.items.is_empty() {
        return None;
    }
    let mut has_script = false;
    let mut roots = Vec::new();
    let mut template = false;
    let mut empty_blocks: Vec<ElementRef<'_>> = Vec::new();
    for node in doc.tree.nodes() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let e = el.value();
        let name = e.name();
        if name == "script" {
            has_script = true;
            continue;
        }
        if TEMPLATE_ATTRS.iter().any(|a| e.attr(a).is_some()) {
            template = true;
        }
        let root_id = e.id().filter(|id| ROOT_IDS.contains(id));
        if root_id.is_some() || ROOT_ATTRS.iter().any(|a| e.attr(a).is_some()) || name == "app-root"
        {
            roots.push(el);
        }
        if CONTAINERS.contains(&name)
            && (e.id().is_some() || e.attr("class").is_some())
            && empty(el)
        {
            empty_blocks.push(el);
        }
    }
    if !has_script {
        return None;
    }
    if let Some(root) = roots.iter().find(|r| empty(**r) || mustache(**r)) {
        return Some(format!(
            "an empty front-end framework root ({}) filled by script",
            describe(*root)
        ));
    }
    if template || roots.iter().any(|r| mustache(*r)) {
        return Some("a template that a script fills (v-for, ng-repeat, {{ }})".into());
    }
    let scripts = inline_scripts(doc);
    if scripts.is_empty() {
        return None;
    }
    let fills = FILLS.iter().any(|f| scripts.contains(f));
    if fills {
        for b in &empty_blocks {
            let e = b.value();
            let named_by_id = e
                .id()
                .filter(|id| id.len() >= 2)
                .is_some_and(|id| names(&scripts, id, '#'));
            let named_by_class = e
                .classes()
                .filter(|c| c.len() >= 3)
                .any(|c| names(&scripts, c, '.'));
            if named_by_id || named_by_class {
                return Some(format!(
                    "an empty {} that a script of the page fills",
                    describe(*b)
                ));
            }
        }
    }
    if scripts.contains("document.write")
        && writes_markup(&scripts)
        && content.items.is_empty()
        && super::items::sentence_text_len(doc) < super::column_page::SINGLE_PAGE_PROSE
    {
        return Some("markup written by document.write".into());
    }
    None
}

/// An element with nothing shown in it: no element children, no text but whitespace.
fn empty(el: ElementRef<'_>) -> bool {
    el.children().all(|c| match c.value() {
        Node::Text(t) => t.trim().is_empty(),
        Node::Comment(_) => true,
        Node::Element(e) => matches!(e.name(), "script" | "noscript" | "template"),
        _ => true,
    })
}

/// An element whose text is a template (`{{ item.title }}`).
fn mustache(el: ElementRef<'_>) -> bool {
    let mut text = String::new();
    for t in el.text() {
        text.push_str(t);
        if text.len() > 64 * 1024 {
            break;
        }
    }
    text.find("{{").is_some_and(|i| text[i..].contains("}}"))
}

/// `ul#news`, `div.list`: how the log and the evidence name an element.
fn describe(el: ElementRef<'_>) -> String {
    let e = el.value();
    match (e.id(), e.classes().next()) {
        (Some(id), _) => format!("{}#{id}", e.name()),
        (None, Some(c)) => format!("{}.{c}", e.name()),
        _ => e.name().to_string(),
    }
}

/// The text of the page's inline scripts (not data blocks such as `<script type="text/xml">`
/// or templates), up to [`MAX_SCRIPT_TEXT`] bytes.
fn inline_scripts(doc: &Html) -> String {
    let mut out = String::new();
    for el in super::elements(doc, &["script"]) {
        let e = el.value();
        if e.attr("src").is_some() {
            continue;
        }
        let ty = e.attr("type").unwrap_or("").trim().to_ascii_lowercase();
        if !(ty.is_empty() || ty.contains("javascript") || ty == "module") {
            continue;
        }
        for t in el.text() {
            let room = MAX_SCRIPT_TEXT.saturating_sub(out.len());
            if room == 0 {
                return out;
            }
            let cut = floor(t, room);
            out.push_str(&t[..cut]);
        }
        out.push('\n');
    }
    out
}

/// Whether `scripts` names `name` as a selector (`#news`, `.list`) or a quoted id (`"news"`,
/// `getElementById('news')`).
fn names(scripts: &str, name: &str, sigil: char) -> bool {
    let selector = format!("{sigil}{name}");
    let found = |needle: &str| {
        scripts.match_indices(needle).any(|(i, _)| {
            // The name must end there: `#list` is not `#listTitle`.
            !scripts[i + needle.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
    };
    found(&selector)
        || (sigil == '#' && (found(&format!("\"{name}")) || found(&format!("'{name}"))))
}

/// The largest char boundary of `s` at or before `i`.
fn floor(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    (0..=i).rev().find(|&j| s.is_char_boundary(j)).unwrap_or(0)
}

/// Whether a `document.write` call writes markup (`document.write("<li>…")`), not a date.
fn writes_markup(scripts: &str) -> bool {
    scripts.match_indices("document.write").any(|(i, _)| {
        let rest = &scripts[i..];
        let call = &rest[..floor(rest, 200)];
        call.contains('<') || call.contains("unescape(") || call.contains("decodeURI")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(html: &str) -> Option<String> {
        let url = url::Url::parse("http://s.gov.cn/lm/").unwrap();
        let doc = super::super::parse_html(html);
        let content = super::super::page_content(&doc, &url, false);
        reason(&doc, &content)
    }

    #[test]
    fn an_empty_framework_root_with_a_script_is_script_built() {
        let r =
            why(r#"<title>公开目录</title><div id="app"></div><script src="/js/app.js"></script>"#);
        assert!(r.unwrap().contains("div#app"));
        // the same root without any script is just an empty page
        assert_eq!(why(r#"<div id="app"></div>"#), None);
        // a root that holds the page's markup is not script-built
        let full = r#"<div id="app"><ul><li><a href="/a/1.html">关于开展某项工作的通知</a><span>2026-11-20</span></li></ul></div><script src="/js/app.js"></script>"#;
        assert_eq!(why(full), None);
    }

    #[test]
    fn a_template_is_script_built() {
        let r = why(
            r#"<div id="list"><li v-for="item in list"><a :href="item.url">{{ item.title }}</a></li></div><script src="/vue.js"></script>"#,
        );
        assert!(r.is_some());
    }

    #[test]
    fn an_empty_list_that_an_inline_script_fills_is_script_built() {
        let page = |script: &str| {
            format!(
                r#"<h2>通知公告</h2><ul id="newsList" class="list"></ul><script>{script}</script>"#
            )
        };
        let r = why(&page(
            "$.getJSON('/api/list.json', function (d) { $('#newsList').html(rows(d)); });",
        ));
        assert!(r.unwrap().contains("ul#newsList"));
        let r = why(&page(
            "fetch('/api/list.json').then(r => r.json()).then(d => { document.querySelector('.list').innerHTML = rows(d); });",
        ));
        assert!(r.is_some());
        // a script that names another element, or that fetches nothing, does not count
        assert_eq!(
            why(&page(
                "$.getJSON('/api/c', function (d) { $('#newsListTitle').text(d.n); });"
            )),
            None
        );
        assert_eq!(why(&page("var newsList = 1;")), None);
    }

    #[test]
    fn a_list_page_with_dated_rows_is_read_as_it_is() {
        let rows: String = (1..=6)
            .map(|i| format!(r#"<li><a href="/lm/t2026112{i}_{i}.html">关于开展第{i}项重点工作的通知公告</a><span>2026-11-2{i}</span></li>"#))
            .collect();
        let html = format!(
            r#"<title>通知公告</title><ul>{rows}</ul><div id="more"></div><script>$.get('/x', function (d) {{ $('#more').html(d); }});</script>"#
        );
        assert_eq!(why(&html), None);
    }

    #[test]
    fn document_write_of_markup_on_an_empty_page_is_script_built() {
        let body = r#"<h1>标题</h1><div class="content"><script>document.write(unescape("%3Cp%3E%u6B63%u6587%3C/p%3E"));</script></div>"#;
        assert!(why(body).is_some());
        // writing today's date is not writing the page
        let date = r#"<h1>标题</h1><script>document.write(new Date().getFullYear());</script>"#;
        assert_eq!(why(date), None);
    }
}
