//! Messages (留言) and solicitations (征集) read out of one page. Pure functions, no I/O.
//!
//! Consultation columns (部长信箱、领导信箱、咨询、留言、网民留言) publish messages in three
//! layouts, all read here by [`read`]:
//!
//! - a table whose header names the columns (标题 / 留言时间 / 状态 / 回复时间);
//! - `<li>` rows with a link, a status tag (已回复 / 办理中 …) and the dates;
//! - a message page with labelled blocks (来信时间 / 留言时间 / 提问时间, 回复时间 / 答复时间 /
//!   办理时间, 回复内容 / 答复内容, 回复单位). A reply block that is present but empty means the
//!   message is unanswered, whatever the status says.
//!
//! Solicitations (意见征集、征求意见、网上调查) are read from the same layouts: the title, the period
//! (征集时间 from–to, 截止日期 / 截止时间, 反馈时间), the status (进行中 / 已结束 / 已截止) and the
//! links to their feedback (结果反馈 / 采纳情况 / 意见反馈). Whether a result item elsewhere names a
//! solicitation (《…》) is judged by the check, from the titles the crawl stored.
//!
//! Never a site's class names: only the words the national practice uses.

use chrono::NaiveDate;
use scraper::{ElementRef, Html, Node};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::extract::collapse;
use crate::extract::dates::{find_dates, parse_date};
use crate::extract::items::link_url;

/// Most messages or solicitations kept per page.
pub const MAX_PER_PAGE: usize = 500;

/// Whether a message was answered, as the page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    /// 已回复, 已答复, 已办结, 已处理.
    Answered,
    /// 未回复, 待回复, 办理中, 处理中, 已受理, or an empty reply block.
    Pending,
    /// No status and no reply block.
    #[default]
    Unknown,
}

/// Where a message was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Table,
    #[default]
    List,
    /// The message's own page.
    Page,
}

/// One published message (留言) and what is known of its reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Message {
    pub title: String,
    /// The message's page: the row's link, or the page itself for [`Layout::Page`].
    pub url: Option<Url>,
    /// 来信时间 / 留言时间 / 提问时间.
    pub asked: Option<NaiveDate>,
    /// 回复时间 / 答复时间 / 办理时间.
    pub replied: Option<NaiveDate>,
    pub status: MessageStatus,
    /// A 回复内容 block is there but says nothing.
    #[serde(default)]
    pub reply_empty: bool,
    /// 回复单位.
    #[serde(default)]
    pub reply_unit: Option<String>,
    pub layout: Layout,
}

impl Message {
    /// Answered: the status says so (or a reply date is printed) and no reply block is empty.
    pub fn answered(&self) -> bool {
        !self.reply_empty
            && match self.status {
                MessageStatus::Answered => true,
                MessageStatus::Pending => false,
                MessageStatus::Unknown => self.replied.is_some(),
            }
    }
}

/// The status a solicitation shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SolicitationStatus {
    /// 进行中.
    Open,
    /// 已结束, 已截止, 已完成.
    Closed,
    #[default]
    Unknown,
}

/// One solicitation (意见征集 / 征求意见 / 网上调查).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Solicitation {
    pub title: String,
    pub url: Option<Url>,
    /// Start of 征集时间.
    pub from: Option<NaiveDate>,
    /// End of 征集时间, or 截止日期 / 截止时间.
    pub to: Option<NaiveDate>,
    /// 反馈时间.
    pub feedback_date: Option<NaiveDate>,
    pub status: SolicitationStatus,
    /// Links to its feedback (结果反馈 / 采纳情况 / 意见反馈 …).
    #[serde(default)]
    pub feedback_links: Vec<Url>,
    pub layout: Layout,
}

/// What [`read`] finds on one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interactions {
    pub messages: Vec<Message>,
    pub solicitations: Vec<Solicitation>,
}

const ANSWERED: &[&str] = &["已回复", "已答复", "已办结", "已处理", "已反馈"];
const PENDING: &[&str] = &[
    "未回复",
    "待回复",
    "办理中",
    "处理中",
    "已受理",
    "未答复",
    "待处理",
];
const SOL_OPEN: &[&str] = &["进行中", "征集中", "正在征集"];
const SOL_CLOSED: &[&str] = &["已结束", "已截止", "已完成", "已过期"];

const ASKED: &[&str] = &[
    "来信时间",
    "留言时间",
    "提问时间",
    "咨询时间",
    "写信时间",
    "来信日期",
    "留言日期",
];
const REPLIED: &[&str] = &[
    "回复时间",
    "答复时间",
    "办理时间",
    "办结时间",
    "回复日期",
    "答复日期",
];
const REPLY_BODY: &[&str] = &["回复内容", "答复内容", "回复意见", "答复意见", "办理结果"];
const REPLY_UNIT: &[&str] = &["回复单位", "答复单位", "办理单位", "承办单位", "回复部门"];
const STATUS: &[&str] = &["办理状态", "回复状态", "处理状态", "征集状态", "状态"];
const TITLE: &[&str] = &["留言标题", "信件标题", "来信标题", "标题", "主题", "名称"];
/// Labels that only end the value before them.
const OTHER: &[&str] = &[
    "留言内容",
    "来信内容",
    "咨询内容",
    "问题内容",
    "留言人",
    "来信人",
    "编号",
];
const PERIOD: &[&str] = &[
    "征集时间",
    "征求意见时间",
    "意见征集时间",
    "征集期限",
    "征集日期",
    "起止时间",
];
const PERIOD_END: &[&str] = &["截止日期", "截止时间", "结束时间", "结束日期"];
const FEEDBACK_TIME: &[&str] = &["反馈时间", "反馈日期"];
/// Link texts that lead to a solicitation's feedback.
pub const FEEDBACK_WORDS: &[&str] = &[
    "结果反馈",
    "采纳情况",
    "意见反馈",
    "征集结果",
    "反馈情况",
    "意见采纳",
    "调查结果",
];

fn status_word(s: &str) -> Option<MessageStatus> {
    let s = s.trim();
    if ANSWERED.iter().any(|w| s.contains(w)) {
        Some(MessageStatus::Answered)
    } else if PENDING.iter().any(|w| s.contains(w)) {
        Some(MessageStatus::Pending)
    } else {
        None
    }
}

fn solicitation_word(s: &str) -> Option<SolicitationStatus> {
    let s = s.trim();
    if SOL_OPEN.iter().any(|w| s.contains(w)) {
        Some(SolicitationStatus::Open)
    } else if SOL_CLOSED.iter().any(|w| s.contains(w)) {
        Some(SolicitationStatus::Closed)
    } else {
        None
    }
}

/// Titles in 《…》 brackets, in order: what a result item names.
pub fn book_titles(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(a) = rest.find('《') {
        let after = &rest[a + '《'.len_utf8()..];
        let Some(b) = after.find('》') else { break };
        let t = collapse(&after[..b]);
        if !t.is_empty() {
            out.push(t);
        }
        rest = &after[b + '》'.len_utf8()..];
    }
    out
}

/// Messages and solicitations on one page (see the module doc).
///
/// Each layout is read only when the page's text holds a word it cannot do without (a header
/// label, a status word, a submission date label, a period label), so that the many pages with
/// none of them cost one look at their text (`page_text`).
pub fn read(doc: &Html, url: &Url) -> Interactions {
    let mut out = Interactions::default();
    let text = page_text(doc);
    let has = |words: &[&[&str]]| {
        words
            .iter()
            .flat_map(|w| w.iter())
            .any(|w| text.contains(w))
    };
    // a table header names a title and one of these
    if has(&[ASKED, PERIOD, PERIOD_END, STATUS]) && has(&[TITLE]) {
        tables(doc, url, &mut out);
    }
    if has(&[ANSWERED, PENDING, SOL_OPEN, SOL_CLOSED]) {
        list_rows(doc, url, &mut out);
    }
    if out.messages.is_empty() && has(&[ASKED]) {
        out.messages.extend(message_page(doc, url));
    }
    if out.solicitations.is_empty() && has(&[PERIOD, PERIOD_END]) {
        out.solicitations.extend(solicitation_page(doc, url));
    }
    out.messages.truncate(MAX_PER_PAGE);
    out.solicitations.truncate(MAX_PER_PAGE);
    out
}

/// Every text node of the page in document order (scripts included), without the characters
/// [`collapse`] removes (controls and bidi marks; whitespace is kept). A word without whitespace
/// that [`collapse`] leaves in the text of any element or text node is in here, since an
/// element's text is a run of consecutive text nodes: a word missing here is on no row.
fn page_text(doc: &Html) -> String {
    let mut out = String::new();
    for n in doc.tree.root().descendants() {
        if let Node::Text(t) = n.value() {
            if t.chars().any(is_removed) {
                out.extend(t.chars().filter(|c| !is_removed(*c)));
            } else {
                out.push_str(t);
            }
        }
    }
    out
}

/// A character [`collapse`] drops rather than reads as a space.
fn is_removed(c: char) -> bool {
    crate::extract::is_control(c) && !crate::extract::is_separator(c)
}

fn text_of(e: ElementRef<'_>) -> String {
    collapse(&e.text().collect::<String>())
}

fn first_link(e: ElementRef<'_>, base: &Url) -> Option<(String, Url)> {
    e.descendent_elements()
        .filter(|d| d.value().name() == "a")
        .find_map(|a| link_url(a, base).map(|u| (text_of(a), u)))
}

fn header_index(cells: &[String], labels: &[&str]) -> Option<usize> {
    cells
        .iter()
        .position(|c| labels.iter().any(|l| c.contains(l)))
}

fn cells(r: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    r.children()
        .filter_map(ElementRef::wrap)
        .filter(|c| matches!(c.value().name(), "td" | "th"))
        .collect()
}

/// Rows of tables whose header names a title and a date or status column.
fn tables(doc: &Html, base: &Url, out: &mut Interactions) {
    for table in doc.root_element().descendent_elements() {
        if table.value().name() != "table" {
            continue;
        }
        let rows: Vec<ElementRef<'_>> = table
            .descendent_elements()
            .filter(|r| r.value().name() == "tr")
            // Rows of nested tables belong to those.
            .filter(|r| {
                r.ancestors()
                    .filter_map(ElementRef::wrap)
                    .find(|a| a.value().name() == "table")
                    .is_some_and(|t| t == table)
            })
            .collect();
        let Some(h) = rows.iter().position(|r| {
            let t: Vec<String> = cells(*r).into_iter().map(text_of).collect();
            header_index(&t, TITLE).is_some()
                && (header_index(&t, ASKED).is_some()
                    || header_index(&t, PERIOD).is_some()
                    || header_index(&t, PERIOD_END).is_some()
                    || header_index(&t, STATUS).is_some())
        }) else {
            continue;
        };
        let head: Vec<String> = cells(rows[h]).into_iter().map(text_of).collect();
        let title = header_index(&head, TITLE);
        let asked = header_index(&head, ASKED);
        let replied = header_index(&head, REPLIED);
        let status = header_index(&head, STATUS);
        let period = header_index(&head, PERIOD);
        let end = header_index(&head, PERIOD_END);
        let unit = header_index(&head, REPLY_UNIT);
        let is_message = asked.is_some() || replied.is_some();
        for r in &rows[h + 1..] {
            let cs = cells(*r);
            let get = |i: Option<usize>| i.and_then(|i| cs.get(i)).map(|c| text_of(*c));
            let Some(tcell) = title.and_then(|i| cs.get(i)) else {
                continue;
            };
            let (link_text, url) = match first_link(*tcell, base) {
                Some((t, u)) => (t, Some(u)),
                None => (String::new(), None),
            };
            let title = Some(text_of(*tcell))
                .filter(|t| !t.is_empty())
                .unwrap_or(link_text);
            if title.is_empty() {
                continue;
            }
            let date = |i: Option<usize>| get(i).and_then(|s| parse_date(&s, None)).map(|d| d.0);
            if is_message {
                let st = get(status).and_then(|s| status_word(&s));
                out.messages.push(Message {
                    title,
                    url,
                    asked: date(asked),
                    replied: date(replied),
                    status: st.unwrap_or_default(),
                    reply_empty: false,
                    reply_unit: get(unit).filter(|u| !u.is_empty()),
                    layout: Layout::Table,
                });
            } else {
                let p: Vec<NaiveDate> = get(period)
                    .map(|s| find_dates(&s, None).into_iter().map(|d| d.0).collect())
                    .unwrap_or_default();
                out.solicitations.push(Solicitation {
                    title,
                    url,
                    from: p.first().copied(),
                    to: date(end).or_else(|| p.get(1).copied()),
                    feedback_date: None,
                    status: get(status)
                        .and_then(|s| solicitation_word(&s))
                        .unwrap_or_default(),
                    feedback_links: Vec::new(),
                    layout: Layout::Table,
                });
            }
        }
    }
}

/// The own text of the elements inside `e` that are a status tag: the whole text of a child
/// element equals a status word.
/// Only children and grandchildren are looked at, so nested lists stay linear.
fn tag_texts(e: ElementRef<'_>) -> impl Iterator<Item = String> + '_ {
    e.children()
        .filter_map(ElementRef::wrap)
        .flat_map(|c| std::iter::once(c).chain(c.children().filter_map(ElementRef::wrap)))
        .filter(|d| d.value().name() != "a")
        .map(text_of)
        .filter(|t| t.chars().count() <= 6)
}

/// `<li>` rows with a link and a status tag.
fn list_rows(doc: &Html, base: &Url, out: &mut Interactions) {
    for li in doc.root_element().descendent_elements() {
        if li.value().name() != "li" {
            continue;
        }
        let Some((title, url)) = first_link(li, base) else {
            continue;
        };
        let mstatus = tag_texts(li).find_map(|t| status_word(&t));
        let sstatus = tag_texts(li).find_map(|t| solicitation_word(&t));
        if mstatus.is_none() && sstatus.is_none() {
            continue;
        }
        let text = text_of(li);
        let segs = labelled(std::slice::from_ref(&text));
        let dates: Vec<NaiveDate> = find_dates(&text, None).into_iter().map(|d| d.0).collect();
        if let Some(st) = mstatus {
            let asked = segs.date(ASKED).or(dates.first().copied());
            let replied = segs
                .date(REPLIED)
                .or_else(|| segs.date(ASKED).is_none().then(|| dates.get(1).copied())?);
            out.messages.push(Message {
                title,
                url: Some(url),
                asked,
                replied,
                status: st,
                reply_empty: false,
                reply_unit: segs.value(REPLY_UNIT),
                layout: Layout::List,
            });
        } else if let Some(st) = sstatus {
            let period = segs.dates(PERIOD);
            let (from, to) = match (period.first(), period.get(1)) {
                (Some(a), Some(b)) => (Some(*a), Some(*b)),
                _ => match segs.date(PERIOD_END) {
                    Some(e) => (dates.first().copied().filter(|d| *d < e), Some(e)),
                    None => (dates.first().copied(), dates.get(1).copied()),
                },
            };
            out.solicitations.push(Solicitation {
                title,
                url: Some(url),
                from,
                to,
                feedback_date: segs.date(FEEDBACK_TIME),
                status: st,
                feedback_links: Vec::new(),
                layout: Layout::List,
            });
        }
    }
}

/// Labelled values in a run of text segments.
struct Labelled {
    /// (label, value), in page order.
    pairs: Vec<(&'static str, String)>,
}

impl Labelled {
    fn value(&self, labels: &[&str]) -> Option<String> {
        self.pairs
            .iter()
            .find(|(l, _)| labels.contains(l))
            .map(|(_, v)| v.clone())
    }
    fn has(&self, labels: &[&str]) -> bool {
        self.pairs.iter().any(|(l, _)| labels.contains(l))
    }
    fn dates(&self, labels: &[&str]) -> Vec<NaiveDate> {
        self.value(labels)
            .map(|v| find_dates(&v, None).into_iter().map(|d| d.0).collect())
            .unwrap_or_default()
    }
    fn date(&self, labels: &[&str]) -> Option<NaiveDate> {
        self.dates(labels).first().copied()
    }
}

fn all_labels() -> impl Iterator<Item = &'static str> {
    [
        ASKED,
        REPLIED,
        REPLY_BODY,
        REPLY_UNIT,
        STATUS,
        TITLE,
        OTHER,
        PERIOD,
        PERIOD_END,
        FEEDBACK_TIME,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// Splits segments into labelled values. A label counts when a colon follows it or it is a whole
/// segment (a `<th>`/`<dt>` cell); its value runs to the next label.
fn labelled(segments: &[String]) -> Labelled {
    let mut labels: Vec<&'static str> = all_labels().collect();
    labels.sort_by_key(|l| std::cmp::Reverse(l.len()));
    let mut text = String::new();
    let mut seg_bounds = Vec::new();
    for s in segments {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(s);
        seg_bounds.push((start, text.len()));
    }
    // (label, label start, value start)
    let mut hits: Vec<(&'static str, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let mut matched = None;
        for l in &labels {
            if !rest.starts_with(l) {
                continue;
            }
            let after = rest[l.len()..].trim_start();
            let colon = after.starts_with('：') || after.starts_with(':');
            let whole = seg_bounds.iter().any(|(a, b)| {
                *a == i
                    && text[i + l.len()..*b]
                        .trim_matches(|c| c == '：' || c == ':')
                        .trim()
                        .is_empty()
            });
            if colon || whole {
                let skip = rest.len() - after.len();
                let vstart = i
                    + l.len()
                    + (skip - l.len())
                    + if colon {
                        after.chars().next().map_or(0, char::len_utf8)
                    } else {
                        0
                    };
                matched = Some((*l, vstart));
                break;
            }
        }
        match matched {
            Some((l, v)) => {
                hits.push((l, i, v));
                i = v;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    let pairs = hits
        .iter()
        .enumerate()
        .map(|(k, (l, _, v))| {
            let end = hits.get(k + 1).map_or(text.len(), |n| n.1);
            (*l, collapse(&text[*v..end.max(*v)]))
        })
        .collect();
    Labelled { pairs }
}

/// Visible text segments under `node` (text nodes, scripts and styles left out).
fn segments(root: ElementRef<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![*root];
    while let Some(n) = stack.pop() {
        match n.value() {
            Node::Text(t) => {
                let t = collapse(t);
                if !t.is_empty() {
                    out.push(t);
                }
            }
            Node::Element(e)
                if matches!(
                    e.name(),
                    "script" | "style" | "noscript" | "head" | "template"
                ) => {}
            _ => stack.extend(n.children().rev()),
        }
    }
    out
}

/// The deepest element holding a text node with one of `a` and one with one of `b`.
fn container<'a>(doc: &'a Html, a: &[&str], b: &[&str]) -> Option<ElementRef<'a>> {
    let find = |labels: &[&str]| {
        doc.tree
            .root()
            .descendants()
            .find(|n| matches!(n.value(), Node::Text(t) if labels.iter().any(|l| t.contains(l))))
    };
    let x = find(a)?;
    let y = find(b)?;
    let ya: Vec<_> = y.ancestors().map(|n| n.id()).collect();
    x.ancestors()
        .find(|n| ya.contains(&n.id()))
        .and_then(ElementRef::wrap)
}

fn page_title(doc: &Html) -> String {
    for name in ["h1", "h2", "title"] {
        if let Some(e) = doc
            .root_element()
            .descendent_elements()
            .find(|e| e.value().name() == name)
        {
            let t = text_of(e);
            if !t.is_empty() {
                return t;
            }
        }
    }
    String::new()
}

/// A message's own page: labelled blocks with a submission date.
fn message_page(doc: &Html, url: &Url) -> Option<Message> {
    let reply_labels: Vec<&str> = [REPLIED, REPLY_BODY, REPLY_UNIT, STATUS]
        .into_iter()
        .flatten()
        .copied()
        .collect();
    let node = container(doc, ASKED, &reply_labels)?;
    let l = labelled(&segments(node));
    let asked = l.date(ASKED)?;
    let body = l.value(REPLY_BODY);
    let reply_empty = body.as_ref().is_some_and(|b| b.is_empty());
    let status = match l.value(STATUS).and_then(|s| status_word(&s)) {
        _ if reply_empty => MessageStatus::Pending,
        Some(s) => s,
        None if body.is_some() => MessageStatus::Answered,
        None => MessageStatus::Unknown,
    };
    Some(Message {
        title: l
            .value(&TITLE[..4])
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| page_title(doc)),
        url: Some(url.clone()),
        asked: Some(asked),
        replied: l.date(REPLIED),
        status,
        reply_empty,
        reply_unit: l.value(REPLY_UNIT).filter(|u| !u.is_empty()),
        layout: Layout::Page,
    })
}

/// A solicitation's own page: a labelled period or deadline.
fn solicitation_page(doc: &Html, url: &Url) -> Option<Solicitation> {
    let segs = segments(doc.root_element());
    if !segs
        .iter()
        .any(|s| PERIOD.iter().chain(PERIOD_END).any(|l| s.contains(l)))
    {
        return None;
    }
    let l = labelled(&segs);
    if !l.has(PERIOD) && !l.has(PERIOD_END) {
        return None;
    }
    let period = l.dates(PERIOD);
    let to = l.date(PERIOD_END).or(period.get(1).copied());
    if period.is_empty() && to.is_none() {
        return None;
    }
    let status = l
        .value(STATUS)
        .and_then(|s| solicitation_word(&s))
        .or_else(|| {
            segs.iter()
                .filter(|s| s.chars().count() <= 6)
                .find_map(|s| solicitation_word(s))
        })
        .unwrap_or_default();
    let feedback_links = doc
        .root_element()
        .descendent_elements()
        .filter(|a| a.value().name() == "a")
        .filter(|a| {
            let t = text_of(*a);
            FEEDBACK_WORDS.iter().any(|w| t.contains(w))
        })
        .filter_map(|a| link_url(a, url))
        .filter(|u| u != url)
        .collect();
    Some(Solicitation {
        title: l
            .value(&TITLE[3..4])
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| page_title(doc)),
        url: Some(url.clone()),
        from: period
            .first()
            .copied()
            .filter(|f| Some(*f) != to || period.len() > 1),
        to,
        feedback_date: l.date(FEEDBACK_TIME),
        status,
        feedback_links,
        layout: Layout::Page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn read_html(html: &str, url: &str) -> Interactions {
        read(&crate::extract::parse_html(html), &Url::parse(url).unwrap())
    }

    #[test]
    fn table_layout() {
        let r = read_html(
            r#"<table><tr><th>序号</th><th>标题</th><th>留言时间</th><th>状态</th><th>回复时间</th></tr>
            <tr><td>1</td><td><a href="m1.html">关于社保转移的咨询</a></td><td>2026-01-05</td><td>已回复</td><td>2026-01-09</td></tr>
            <tr><td>2</td><td><a href="m2.html">噪声扰民</a></td><td>2026年3月2日</td><td>办理中</td><td></td></tr>
            </table>"#,
            "http://x.gov.cn/hdjl/xx/",
        );
        assert_eq!(r.messages.len(), 2);
        let m = &r.messages[0];
        assert_eq!(m.title, "关于社保转移的咨询");
        assert_eq!(
            m.url.as_ref().unwrap().as_str(),
            "http://x.gov.cn/hdjl/xx/m1.html"
        );
        assert_eq!(
            (m.asked, m.replied),
            (Some(d("2026-01-05")), Some(d("2026-01-09")))
        );
        assert!(m.answered());
        assert_eq!(m.layout, Layout::Table);
        let m = &r.messages[1];
        assert_eq!((m.asked, m.replied), (Some(d("2026-03-02")), None));
        assert_eq!(m.status, MessageStatus::Pending);
        assert!(!m.answered());
        assert!(r.solicitations.is_empty());
    }

    #[test]
    fn list_layout_with_status_tags() {
        let r = read_html(
            r#"<ul><li><a href="/m/3.html">道路维修何时完成</a><span class="zt">已答复</span>
                <span>留言时间：2026-02-02</span><span>回复时间：2026-02-20</span></li>
            <li><a href="/m/4.html">学位申请</a><em>待回复</em><span>2026-06-01</span></li>
            <li><a href="/news/1.html">新闻一则</a><span>2026-06-01</span></li></ul>"#,
            "http://x.gov.cn/hdjl/",
        );
        assert_eq!(r.messages.len(), 2);
        assert_eq!(r.messages[0].asked, Some(d("2026-02-02")));
        assert_eq!(r.messages[0].replied, Some(d("2026-02-20")));
        assert_eq!(r.messages[0].status, MessageStatus::Answered);
        assert_eq!(r.messages[1].asked, Some(d("2026-06-01")));
        assert_eq!(r.messages[1].replied, None);
        assert_eq!(r.messages[1].status, MessageStatus::Pending);
    }

    #[test]
    fn message_page_with_labelled_blocks() {
        let r = read_html(
            r#"<html><head><title>信件详情</title></head><body><div class="nav">首页 > 互动交流</div>
            <div class="letter"><h2>关于公交线路调整的建议</h2>
            <p>来信时间：2026-03-10 09:12</p><p>办理状态：已办结</p>
            <table><tr><th>回复单位</th><td>市交通运输局</td></tr>
            <tr><th>答复时间</th><td>2026年3月30日</td></tr>
            <tr><th>答复内容</th><td>您好，经研究……</td></tr></table></div>
            <div class="foot">网站地图 联系我们</div></body></html>"#,
            "http://x.gov.cn/hdjl/m/5.html",
        );
        assert_eq!(r.messages.len(), 1);
        let m = &r.messages[0];
        assert_eq!(m.title, "关于公交线路调整的建议");
        assert_eq!(m.asked, Some(d("2026-03-10")));
        assert_eq!(m.replied, Some(d("2026-03-30")));
        assert_eq!(m.reply_unit.as_deref(), Some("市交通运输局"));
        assert!(m.answered());
        assert_eq!(m.layout, Layout::Page);
    }

    #[test]
    fn an_empty_reply_block_is_unanswered() {
        let r = read_html(
            r#"<div><h1>小区停车难</h1><p>留言时间：2026-04-01</p><p>状态：已回复</p>
            <dl><dt>回复内容：</dt><dd></dd></dl></div><div>网站地图</div>"#,
            "http://x.gov.cn/hdjl/m/6.html",
        );
        let m = &r.messages[0];
        assert!(m.reply_empty);
        assert_eq!(m.status, MessageStatus::Pending);
        assert!(!m.answered());
    }

    #[test]
    fn solicitation_page_and_lists() {
        let r = read_html(
            r#"<h1>关于《某某条例（征求意见稿）》公开征求意见的通知</h1>
            <p>征集时间：2026-01-05 至 2026-02-04</p><p>状态：已结束</p>
            <a href="fk.html">意见反馈</a><a href="/">首页</a>"#,
            "http://x.gov.cn/zj/1.html",
        );
        assert!(r.messages.is_empty());
        let s = &r.solicitations[0];
        assert_eq!(
            (s.from, s.to),
            (Some(d("2026-01-05")), Some(d("2026-02-04")))
        );
        assert_eq!(s.status, SolicitationStatus::Closed);
        assert_eq!(s.feedback_links[0].as_str(), "http://x.gov.cn/zj/fk.html");
        let r = read_html(
            r#"<ul><li><a href="a.html">《甲办法》征求意见</a><span>进行中</span>
            <span>征集时间：2026-06-01至2026-07-01</span></li></ul>"#,
            "http://x.gov.cn/zj/",
        );
        assert_eq!(r.solicitations[0].status, SolicitationStatus::Open);
        assert_eq!(r.solicitations[0].to, Some(d("2026-07-01")));
        let r = read_html(
            r#"<table><tr><td>标题</td><td>截止日期</td><td>状态</td></tr>
            <tr><td><a href="b.html">乙规划意见征集</a></td><td>2026-03-01</td><td>已截止</td></tr></table>"#,
            "http://x.gov.cn/zj/",
        );
        assert_eq!(r.solicitations[0].to, Some(d("2026-03-01")));
        assert_eq!(r.solicitations[0].status, SolicitationStatus::Closed);
    }

    #[test]
    fn book_titles_are_read() {
        assert_eq!(
            book_titles("关于《甲办法》和《乙 规划》意见采纳情况"),
            vec!["甲办法".to_string(), "乙 规划".to_string()]
        );
        assert!(book_titles("《未闭合").is_empty());
    }

    /// A real reply letter (复函) on a provincial portal: a deputy's proposal answered as an
    /// article, no message labels. It must not be read as a message nor a solicitation, though
    /// it is full of dates.
    #[test]
    fn real_reply_letter_is_not_a_message() {
        let html = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/pages/interactive/sc_gov_cn.html"
        ))
        .unwrap();
        let url = "http://www.sc.gov.cn/10462/11689/11698/11704/2025/6/3/071bf8764a6c4ac791d78c1c0acab3c5.shtml";
        let r = read_html(&html, url);
        assert!(r.messages.is_empty(), "{:?}", r.messages);
        assert!(r.solicitations.is_empty(), "{:?}", r.solicitations);
    }
}
