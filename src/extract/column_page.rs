//! A page reached like a column that shows no list rows: an empty column (its list holds only a
//! placeholder phrase, 暂无信息 …) or a single page (单页: 概况, 简介, 机构职能, 领导信息,
//! 联系我们, 网站地图 …; one document, not a list of them). Pure functions over a parsed page,
//! used by [`super::page_content`] to decide the page's kind: an empty column is judged by the
//! column checks, a single page is not (an office that wants one judged pins it in
//! `targets.toml`).
//!
//! Read by structure and wording, never by one CMS's class names: the placeholder may sit in a
//! `<li>`, a `<td colspan>` (an ASP.NET GridView's `EmptyDataText`), a `<p>` or a `<div>`, but it
//! must be visible (a hidden "no data" element that a script shows when a list is empty is not
//! one) and the element's whole text must be little more than the phrase.
//!
//! ```
//! use govpatrol::extract::column_page::{shows_placeholder, is_single_page_name};
//! let doc = scraper::Html::parse_document(
//!     r#"<ul class="list"><li style="text-align:center">暂无信息</li></ul>
//!        <div class="nodata" style="display:none">暂无数据</div>"#);
//! assert!(shows_placeholder(&doc));
//! assert!(is_single_page_name("机构概况"));
//! assert!(!is_single_page_name("领导活动"));
//! ```

use scraper::{ElementRef, Html, Node};

/// Phrases a list shows in place of its rows when it has none (an empty column, 空白栏目).
const PLACEHOLDERS: &[&str] = &[
    "暂无信息",
    "暂无内容",
    "暂无数据",
    "暂无记录",
    "暂无文章",
    "暂无相关信息",
    "暂无相关内容",
    "暂无相关数据",
    "没有记录",
    "无记录",
    "没有相关信息",
    "没有相关内容",
    "没有找到相关",
    "无相关信息",
    "信息正在更新中",
    "内容正在更新中",
    "正在更新中",
    "该栏目暂无内容",
    "本栏目暂无内容",
    "栏目建设中",
    "正在建设中",
];

/// Longest text (in characters) of an element that is a placeholder: the phrase and a little
/// around it (`该栏目暂无内容！`, `信息正在更新中...`), not a sentence that contains it.
const MAX_PLACEHOLDER_CHARS: usize = 20;

/// Words in a page's name that make it a single page: one document reached from the navigation,
/// which is kept current by editing it, not by adding items.
const SINGLE_PAGE_WORDS: &[&str] = &[
    "概况",
    "简介",
    "介绍",
    "机构职能",
    "主要职能",
    "职能职责",
    "主要职责",
    "工作职责",
    "机构设置",
    "内设机构",
    "领导信息",
    "领导简介",
    "领导分工",
    "现任领导",
    "领导班子",
    "联系我们",
    "联系方式",
    "网站地图",
    "关于我们",
    "网站声明",
    "法律声明",
    "隐私声明",
    "使用帮助",
    "地理位置",
    "历史沿革",
    "交通指南",
];

/// Characters of prose (sentences, with `。` or `，`) that make a page a document rather than an
/// empty list: an empty list page has a heading, a breadcrumb and the placeholder, nothing to read.
pub(crate) const SINGLE_PAGE_PROSE: usize = 100;

/// Whether a page's name (its `ColumnName`, breadcrumb or title) says it is a single page.
pub fn is_single_page_name(name: &str) -> bool {
    SINGLE_PAGE_WORDS.iter().any(|w| name.contains(w))
}

/// Whether an element or one of its ancestors is not shown (script, style, hidden).
fn shown(node: ElementRef<'_>) -> bool {
    !std::iter::successors(Some(node), |e| e.parent().and_then(ElementRef::wrap)).any(|e| {
        matches!(
            e.value().name(),
            "script" | "style" | "noscript" | "template" | "head" | "textarea" | "option"
        ) || super::dates::is_hidden(e.value())
    })
}

/// Whether the page shows a placeholder phrase in an element of its own: a visible text that is
/// little more than `暂无信息`, `没有记录`, `信息正在更新中` ….
pub fn shows_placeholder(doc: &Html) -> bool {
    for node in doc.tree.root().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        // Cheap first: every phrase has one of these characters.
        if !t.contains(['暂', '无', '没', '正', '该', '本', '栏']) {
            continue;
        }
        let text = super::collapse(t);
        let core = text.trim_matches(|c: char| !c.is_alphanumeric());
        if core.is_empty() || core.chars().count() > MAX_PLACEHOLDER_CHARS {
            continue;
        }
        if !PLACEHOLDERS.iter().any(|p| core.contains(p)) {
            continue;
        }
        // The element's whole text must be the placeholder, not a sentence around it.
        let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        let whole = super::collapse(&parent.text().collect::<String>());
        if whole.chars().count() <= MAX_PLACEHOLDER_CHARS + 4 && shown(parent) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> Html {
        Html::parse_document(s)
    }

    #[test]
    fn placeholders_in_any_element() {
        for html in [
            "<ul><li>暂无信息</li></ul>",
            r#"<table id="GridView1"><tr><td colspan="2">没有记录</td></tr></table>"#,
            "<ul class=\"e2\"><li>信息正在更新中...</li></ul>",
            "<td align=center><font color=#999>该栏目暂无内容！</font></td>",
            "<div class=\"no-data\"><span>暂无相关信息</span></div>",
        ] {
            assert!(shows_placeholder(&doc(html)), "{html}");
        }
    }

    #[test]
    fn hidden_scripted_or_sentence_placeholders_are_not() {
        for html in [
            r#"<ul><li><a href="a.html">通知</a></li></ul><div style="display:none">暂无数据</div>"#,
            "<script>if(!n){el.innerHTML='暂无信息'}</script>",
            "<p>该系统暂无数据接口，相关信息请到政务服务网查询办理。</p>",
            "<p>本次检查中没有记录到违规行为的单位将予以通报表扬。</p>",
        ] {
            assert!(!shows_placeholder(&doc(html)), "{html}");
        }
    }

    #[test]
    fn single_page_names() {
        for n in [
            "机构概况",
            "单位简介",
            "领导信息",
            "联系我们",
            "网站地图",
            "机构职能",
        ] {
            assert!(is_single_page_name(n), "{n}");
        }
        for n in ["领导活动", "通知公告", "政策文件", "工作动态", "人事信息"] {
            assert!(!is_single_page_name(n), "{n}");
        }
    }
}
