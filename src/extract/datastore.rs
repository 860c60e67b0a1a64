//! Lists that 大汉/Hanweb JCMS writes inside a script: the first page of a column's rows is
//! served as `<script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href=…>…</a>
//! <span>2026-11-20</span></li>]]></record>…</recordset></datastore></script>`, and a script
//! (`jpage`) pages through the rest. A browser shows the rows; an HTML parser sees one script.
//!
//! [`unwrap`] turns each such script into the markup of its records (in a `<div>`) before the
//! page is parsed, so the rows are read like any other list (links, dates, list detection) with
//! no browser: it runs in [`super::parse_html`], the one way govpatrol parses a page. The
//! `<nextgroup>` (the pager's proxy URL) is dropped: the first page of a column is what the
//! checks judge. A page without `<datastore` is returned untouched (borrowed).
//!
//! ```
//! let html = r#"<div id="2"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1"></a>]]></nextgroup>
//!   <recordset><record><![CDATA[<li><a href="/art/2026/11/20/art_1_2.html">通知</a><span>2026-11-20</span></li>]]></record></recordset>
//!   </datastore></script></div>"#;
//! let out = govpatrol::extract::datastore::unwrap(html);
//! assert!(out.contains(r#"<li><a href="/art/2026/11/20/art_1_2.html">通知</a><span>2026-11-20</span></li>"#));
//! assert!(!out.contains("dataproxy"));
//! ```

use std::borrow::Cow;

use super::{find_ci, find_from};

/// The script elements of `html` that hold a `<datastore>` replaced by their records' markup.
pub fn unwrap(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    if !has_datastore(b) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(open) = find_ci(b, at, b"<script") {
        let Some(gt) = find_from(b, open, b">") else {
            break;
        };
        let Some(close) = find_ci(b, gt, b"</script") else {
            break;
        };
        let end = find_from(b, close, b">").map_or(b.len(), |i| i + 1);
        let body = &html[gt + 1..close];
        at = end;
        let data = body.trim_start().as_bytes();
        if !data
            .get(..DATASTORE.len())
            .is_some_and(|d| d.eq_ignore_ascii_case(DATASTORE))
        {
            continue;
        }
        out.push_str(&html[copied..open]);
        out.push_str("<div>");
        records(body, &mut out);
        out.push_str("</div>");
        copied = end;
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// Appends the content of every `<record>` of a datastore, its `<![CDATA[ … ]]>` wrapper removed.
fn records(xml: &str, out: &mut String) {
    let b = xml.as_bytes();
    let mut at = 0;
    while let Some(open) = find_ci(b, at, b"<record>") {
        let start = open + "<record>".len();
        let Some(close) = find_ci(b, start, b"</record>") else {
            break;
        };
        let mut rec = xml[start..close].trim();
        if let Some(inner) = rec.strip_prefix("<![CDATA[") {
            rec = inner.strip_suffix("]]>").unwrap_or(inner);
        }
        out.push_str(rec);
        out.push('\n');
        at = close + "</record>".len();
    }
}

/// Whether `b` holds the tag `<datastore` in any case: only a `<` is looked for byte by byte,
/// since this runs on every page read.
fn has_datastore(b: &[u8]) -> bool {
    let mut at = 0;
    while let Some(i) = find_from(b, at, b"<") {
        if b.get(i..i + DATASTORE.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(DATASTORE))
        {
            return true;
        }
        at = i + 1;
    }
    false
}

const DATASTORE: &[u8] = b"<datastore";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_become_markup_and_other_scripts_stay() {
        let html = r#"<script>var a = "<datastore>";</script><p>x</p>
            <script type="text/xml"><datastore><recordset>
            <record><![CDATA[<li><a href="/a.html">甲</a></li>]]></record>
            <record><![CDATA[<li><a href="/b.html">乙</a></li>]]></record>
            </recordset></datastore></script><script>new Jpage({});</script>"#;
        let out = unwrap(html);
        assert!(out
            .contains("<li><a href=\"/a.html\">甲</a></li>\n<li><a href=\"/b.html\">乙</a></li>"));
        assert!(out.contains("new Jpage({});"), "{out}");
        assert!(out.contains(r#"var a = "<datastore>";"#), "{out}");
        assert!(!out.contains("<record>"));
    }

    #[test]
    fn a_page_without_a_datastore_is_borrowed() {
        assert!(matches!(unwrap("<p>正文</p>"), Cow::Borrowed(_)));
        // An unclosed script does not lose the rest of the page.
        let html = "<datastore><script type=\"text/xml\"><datastore><record>";
        assert_eq!(unwrap(html), html);
    }
}
