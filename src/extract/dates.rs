//! Dates: read the dates that Chinese government pages write, and an article's publication date.
//!
//! Pure functions over text, URLs and parsed pages (no I/O). The crawler's extract step calls
//! [`article_pub_date`] on every content page and [`pub_date_candidates`] for the forged-date
//! check (meta `PubDate` vs the date printed on the page vs the date in the URL); the list
//! extractor ([`crate::extract::items`]) uses [`find_dates`]/[`parse_date`] on list rows, and
//! `govpatrol page` shows what was read and from where ([`DateSource`]).
//!
//! Spellings understood: `2020-05-11`, `2020-5-11`, `2020/05/11`, `2020.05.11`, `2020年5月11日`,
//! `2020年05月11日 10:30`, `2025年06月03日 13时44分`, `[2020-05-11]`, `(05-11)`/`[11-20]` with the
//! year from context, labelled `发布时间：…`/`发布日期: …`, full-width digits and colons
//! (`２０２０－０５－１１`, `：`, `∶`), Chinese numerals (`二〇二〇年五月十一日`), and dates in URLs
//! (`/t20200511_…`, `/2020-05/11/`, `/art/2024/6/19/art_…`, `/20240511/…`). Impossible dates, years
//! outside 1990..=2100, phone numbers, year ranges (`2005-2026`) and month-only spellings are not
//! dates. On a page, the header "today" widget, copyright years, `Maketime`/generation stamps,
//! hidden elements, comments and dates inside the body text are never taken as the publication
//! date.
//!
//! ```
//! use govpatrol::extract::dates::{article_pub_date, parse_date, DateSource};
//! use chrono::NaiveDate;
//!
//! let (d, t) = parse_date("发布时间：２０２０年５月１１日 10:30", None).unwrap();
//! assert_eq!(d, NaiveDate::from_ymd_opt(2020, 5, 11).unwrap());
//! assert!(t.is_some());
//!
//! let html = r#"<html><head><meta name="PubDate" content="2024-06-19 07:27"></head>
//!   <body><div>今天是2026年11月25日 星期三</div><h1>标题</h1><p>发布日期：2024-06-19</p></body></html>"#;
//! let doc = scraper::Html::parse_document(html);
//! let url = url::Url::parse("https://www.example.gov.cn/art/2024/6/19/art_1_2.html").unwrap();
//! let found = article_pub_date(&doc, &url).unwrap();
//! assert_eq!(found.date, NaiveDate::from_ymd_opt(2024, 6, 19).unwrap());
//! assert_eq!(found.source, DateSource::LabelledText);
//! ```

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveTime};
use scraper::{ElementRef, Html, Node, Selector};
use serde::{Deserialize, Serialize};
use url::Url;

/// Earliest year taken as a date (government sites did not exist before).
pub const MIN_YEAR: i32 = 1990;
/// Latest year taken as a date.
pub const MAX_YEAR: i32 = 2100;

/// Where a date was read from, so every reported date can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// `<meta name="PubDate">` and its relatives (`publishdate`, `firstpublishedtime`,
    /// `article:published_time`, `og:release_date`, `published` …).
    MetaPubDate,
    /// A visible date after a label: `发布时间：`, `发布日期:`, `日期：`, `时间 :`, `成文日期：` …
    LabelledText,
    /// The date of a row in a list page.
    ListEntry,
    /// A date embedded in the page's URL.
    Url,
    /// An unlabelled date printed in the article's header line, just under the title.
    Text,
}

impl DateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::MetaPubDate => "meta_pub_date",
            DateSource::LabelledText => "labelled_text",
            DateSource::ListEntry => "list_entry",
            DateSource::Url => "url",
            DateSource::Text => "text",
        }
    }
}

/// A date read from a page, with where it came from and how it was spelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundDate {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub source: DateSource,
    /// The text the date was read from (the meta `content`, the label and date, the URL path …).
    pub raw: String,
}

// ---------------------------------------------------------------------------------------------
// Normalised characters
// ---------------------------------------------------------------------------------------------

/// One character of the input after normalisation, with its byte span in the original text.
#[derive(Clone, Copy)]
struct NChar {
    c: char,
    start: usize,
    end: usize,
}

/// Full-width digits and punctuation become ASCII; the spaces of Chinese pages become `' '`.
fn norm_char(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '－' | '‐' | '‑' | '–' => '-',
        '／' => '/',
        '．' => '.',
        '：' | '∶' | '︰' => ':',
        '（' => '(',
        '）' => ')',
        '【' | '［' | '〔' => '[',
        '】' | '］' | '〕' => ']',
        '\u{a0}' | '\u{3000}' | '\u{2002}' | '\u{2003}' | '\u{2009}' | '\t' => ' ',
        '\r' => '\n',
        _ => c,
    }
}

fn normalise(text: &str) -> Vec<NChar> {
    text.char_indices()
        .map(|(i, c)| NChar {
            c: norm_char(c),
            start: i,
            end: i + c.len_utf8(),
        })
        .collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\n' || c.is_whitespace()
}

/// Reads `min..=max` ASCII digits at `i`, not followed by another digit.
fn digits(cs: &[NChar], i: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let mut j = i;
    let mut v: u32 = 0;
    while j < cs.len() && j - i < max && cs[j].c.is_ascii_digit() {
        v = v * 10 + (cs[j].c as u32 - '0' as u32);
        j += 1;
    }
    let n = j - i;
    if n < min || n > max || (j < cs.len() && cs[j].c.is_ascii_digit()) {
        return None;
    }
    Some((v, j))
}

fn skip_spaces(cs: &[NChar], mut i: usize, max: usize) -> usize {
    let start = i;
    while i < cs.len() && i - start < max && (cs[i].c == ' ') {
        i += 1;
    }
    i
}

fn make_date(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    let y = y as i32;
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// `2020-05-11`, `2020/5/11`, `2020.05.11`, `2020年5月11日` at `i`. Returns the date and the index
/// after it.
fn numeric_at(cs: &[NChar], i: usize) -> Option<(NaiveDate, usize)> {
    if i > 0 && cs[i - 1].c.is_ascii_digit() {
        return None;
    }
    let (y, j) = digits(cs, i, 4, 4)?;
    let sep = cs.get(j)?.c;
    match sep {
        '-' | '/' | '.' | '_' => {
            let (m, k) = digits(cs, j + 1, 1, 2)?;
            if cs.get(k)?.c != sep {
                return None;
            }
            let (d, e) = digits(cs, k + 1, 1, 2)?;
            // `2020.05.11.3` or `1.2020.05.11` look like version numbers.
            if sep == '.' {
                let next_digit = cs.get(e + 1).is_some_and(|n| n.c.is_ascii_digit());
                if cs.get(e).is_some_and(|n| n.c == '.') && next_digit {
                    return None;
                }
                if i >= 2 && cs[i - 1].c == '.' && cs[i - 2].c.is_ascii_digit() {
                    return None;
                }
            }
            if sep == '_' {
                return None; // only in URLs, handled there
            }
            Some((make_date(y, m, d)?, e))
        }
        _ => {
            let j = skip_spaces(cs, j, 2);
            if cs.get(j)?.c != '年' {
                return None;
            }
            let j = skip_spaces(cs, j + 1, 2);
            let (m, k) = digits(cs, j, 1, 2)?;
            let k = skip_spaces(cs, k, 2);
            if cs.get(k)?.c != '月' {
                return None;
            }
            let k = skip_spaces(cs, k + 1, 2);
            let (d, e) = digits(cs, k, 1, 2)?;
            let mut end = e;
            let e2 = skip_spaces(cs, e, 2);
            if cs.get(e2).is_some_and(|n| n.c == '日' || n.c == '号') {
                end = e2 + 1;
            }
            Some((make_date(y, m, d)?, end))
        }
    }
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' | 'Ｏ' | 'O' | '0' | '◯' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A Chinese number from 1 to 39: `五`, `十`, `十二`, `二十`, `三十一`.
fn cn_small(cs: &[NChar], i: usize) -> Option<(u32, usize)> {
    let c0 = cs.get(i)?.c;
    if c0 == '十' {
        if let Some(u) = cs.get(i + 1).and_then(|n| cn_digit(n.c)).filter(|u| *u > 0) {
            return Some((10 + u, i + 2));
        }
        return Some((10, i + 1));
    }
    let t = cn_digit(c0).filter(|t| *t > 0)?;
    if cs.get(i + 1).is_some_and(|n| n.c == '十') {
        if let Some(u) = cs.get(i + 2).and_then(|n| cn_digit(n.c)).filter(|u| *u > 0) {
            return Some((t * 10 + u, i + 3));
        }
        return Some((t * 10, i + 2));
    }
    Some((t, i + 1))
}

/// `二〇二〇年五月十一日` at `i`.
fn chinese_at(cs: &[NChar], i: usize) -> Option<(NaiveDate, usize)> {
    if i > 0 && cn_digit(cs[i - 1].c).is_some() {
        return None;
    }
    let mut y = 0;
    for k in 0..4 {
        let c = cs.get(i + k)?.c;
        if c.is_ascii_digit() {
            return None;
        }
        y = y * 10 + cn_digit(c)?;
    }
    let j = skip_spaces(cs, i + 4, 1);
    if cs.get(j)?.c != '年' {
        return None;
    }
    let (m, k) = cn_small(cs, j + 1)?;
    if cs.get(k)?.c != '月' {
        return None;
    }
    let (d, e) = cn_small(cs, k + 1)?;
    if cs.get(e)?.c != '日' {
        return None;
    }
    Some((make_date(y, m, d)?, e + 1))
}

/// `(05-11)`, `[11-20]`, `（5月11日）` at `i` (the opening bracket), with the year given.
fn short_at(cs: &[NChar], i: usize, year: i32) -> Option<(NaiveDate, usize, usize)> {
    if !matches!(cs.get(i)?.c, '(' | '[') {
        return None;
    }
    let s = skip_spaces(cs, i + 1, 2);
    let (m, d, e) = month_day(cs, s)?;
    let e2 = skip_spaces(cs, e, 2);
    if !matches!(cs.get(e2)?.c, ')' | ']') {
        return None;
    }
    Some((make_date(year as u32, m, d)?, s, e))
}

/// `05-11`, `5/11`, `05.11`, `5月11日` at `i` (no year).
fn month_day(cs: &[NChar], i: usize) -> Option<(u32, u32, usize)> {
    if i > 0 && cs[i - 1].c.is_ascii_digit() {
        return None;
    }
    let (m, j) = digits(cs, i, 1, 2)?;
    let sep = cs.get(j)?.c;
    match sep {
        '-' | '/' | '.' => {
            let (d, e) = digits(cs, j + 1, 1, 2)?;
            Some((m, d, e))
        }
        '月' => {
            let (d, e) = digits(cs, j + 1, 1, 2)?;
            let e = if cs.get(e).is_some_and(|n| n.c == '日' || n.c == '号') {
                e + 1
            } else {
                e
            };
            Some((m, d, e))
        }
        _ => None,
    }
}

/// A time right after a date: ` 10:30`, ` 10:30:00`, `T10:30`, `-23:59:59`, ` 13时44分`.
fn time_at(cs: &[NChar], i: usize) -> Option<(NaiveTime, usize)> {
    let mut j = i;
    if cs.get(j).is_some_and(|n| n.c == 'T' || n.c == '-') {
        j += 1;
    } else {
        j = skip_spaces(cs, j, 4);
    }
    let (h, k) = digits(cs, j, 1, 2)?;
    match cs.get(k)?.c {
        ':' => {
            let (mi, e) = digits(cs, k + 1, 2, 2)?;
            if cs.get(e).is_some_and(|n| n.c == ':') {
                if let Some((s, e2)) = digits(cs, e + 1, 2, 2) {
                    return Some((NaiveTime::from_hms_opt(h, mi, s)?, e2));
                }
            }
            Some((NaiveTime::from_hms_opt(h, mi, 0)?, e))
        }
        '时' | '時' => {
            let (mi, e) = digits(cs, k + 1, 1, 2)?;
            if cs.get(e)?.c != '分' {
                return None;
            }
            let mut end = e + 1;
            let mut s = 0;
            if let Some((sec, e2)) = digits(cs, end, 1, 2) {
                if cs.get(e2).is_some_and(|n| n.c == '秒') {
                    s = sec;
                    end = e2 + 1;
                }
            }
            Some((NaiveTime::from_hms_opt(h, mi, s)?, end))
        }
        _ => None,
    }
}

/// A full date at `i` (any spelling with a year, plus the year-less bracketed form when
/// `context_year` is given). Returns (date, time, start of the date proper, end).
fn date_at(
    cs: &[NChar],
    i: usize,
    context_year: Option<i32>,
) -> Option<(NaiveDate, Option<NaiveTime>, usize, usize)> {
    let c = cs[i].c;
    let (date, start, end) = if c.is_ascii_digit() {
        let (d, e) = numeric_at(cs, i)?;
        (d, i, e)
    } else if cn_digit(c).is_some() {
        let (d, e) = chinese_at(cs, i)?;
        (d, i, e)
    } else if c == '(' || c == '[' {
        let (d, s, e) = short_at(cs, i, context_year?)?;
        (d, s, e)
    } else {
        return None;
    };
    match time_at(cs, end) {
        Some((t, e)) => Some((date, Some(t), start, e)),
        None => Some((date, None, start, end)),
    }
}

fn scan(
    cs: &[NChar],
    context_year: Option<i32>,
) -> Vec<(NaiveDate, Option<NaiveTime>, Range<usize>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if let Some((d, t, s, e)) = date_at(cs, i, context_year) {
            out.push((d, t, s..e));
            i = e.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Every date written in `text`, in order, with the byte range of its spelling (time included
/// when one follows). `context_year` fills in the year of bracketed `(05-11)` / `[11-20]` forms;
/// without it they are skipped.
pub fn find_dates(
    text: &str,
    context_year: Option<i32>,
) -> Vec<(NaiveDate, Option<NaiveTime>, Range<usize>)> {
    let cs = normalise(text);
    scan(&cs, context_year)
        .into_iter()
        .map(|(d, t, r)| (d, t, cs[r.start].start..cs[r.end - 1].end))
        .collect()
}

/// One date string, whole or with surrounding junk (`[2020-05-11]`, `发布时间：2020-05-11`,
/// `2023-08-19 10∶08`, `2024.09.30 09:24:36 GMT+08:00`). A bare `05-11` / `5月11日` is accepted
/// when it is the whole string (brackets aside) and `context_year` is given. Compact `20200511`
/// is accepted only as the whole string.
pub fn parse_date(s: &str, context_year: Option<i32>) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let cs = normalise(s);
    if let Some((d, t, _)) = scan(&cs, context_year).into_iter().next() {
        return Some((d, t));
    }
    let trimmed: Vec<NChar> = {
        let junk = |c: char| is_space(c) || matches!(c, '(' | ')' | '[' | ']' | '<' | '>');
        let a = cs.iter().position(|n| !junk(n.c))?;
        let b = cs.iter().rposition(|n| !junk(n.c))?;
        cs[a..=b].to_vec()
    };
    if trimmed.len() == 8 && trimmed.iter().all(|n| n.c.is_ascii_digit()) {
        let v: String = trimmed.iter().map(|n| n.c).collect();
        return ymd8(&v).map(|d| (d, None));
    }
    let year = context_year?;
    let (m, d, e) = month_day(&trimmed, 0)?;
    let (t, e) = match time_at(&trimmed, e) {
        Some((t, e)) => (Some(t), e),
        None => (None, e),
    };
    if e != trimmed.len() {
        return None;
    }
    Some((make_date(year as u32, m, d)?, t))
}

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

fn ymd8(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    make_date(
        s[0..4].parse().ok()?,
        s[4..6].parse().ok()?,
        s[6..8].parse().ok()?,
    )
}

fn all_digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `2020-05`, `2020_05`, `202005` → (2020, 5).
fn year_month_segment(s: &str) -> Option<(i32, u32)> {
    let (y, m) = if s.len() == 6 {
        (all_digits(&s[0..4], 4, 4)?, all_digits(&s[4..6], 2, 2)?)
    } else if s.len() >= 6 && s.is_char_boundary(4) && s.is_char_boundary(5) {
        let (a, b) = (&s[0..4], &s[5..]);
        if !matches!(&s[4..5], "-" | "_") {
            return None;
        }
        (all_digits(a, 4, 4)?, all_digits(b, 1, 2)?)
    } else {
        return None;
    };
    let y = y as i32;
    ((MIN_YEAR..=MAX_YEAR).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

/// The date embedded in a URL path: `/t20200511_123.html`, `/20240511/…`, `/2020-05/11/…`,
/// `/2020-05-11/`, `/art/2024/6/19/art_…`, `/2025/6/3/…`, `/2020/0511/…`. Month-only paths
/// (`/202005/`) give `None`; see [`month_in_url`].
pub fn date_in_url(url: &Url) -> Option<NaiveDate> {
    let segs: Vec<&str> = url.path().split('/').collect();
    // The article's own stamp first: t20200511_…
    for s in &segs {
        let b = s.as_bytes();
        if b.len() >= 9 && (b[0] == b't' || b[0] == b'T') && b[1..9].iter().all(u8::is_ascii_digit)
        {
            let rest_ok = b.get(9).is_none_or(|c| !c.is_ascii_digit());
            if rest_ok {
                if let Some(d) = ymd8(&s[1..9]) {
                    return Some(d);
                }
            }
        }
    }
    for (i, s) in segs.iter().enumerate() {
        let next = segs.get(i + 1).copied().unwrap_or("");
        let next2 = segs.get(i + 2).copied().unwrap_or("");
        // 20240511 (a whole segment, or 20240511_… / 20240511.html)
        let head: &str = s.split(['_', '.']).next().unwrap_or("");
        if let Some(d) = ymd8(head) {
            return Some(d);
        }
        // 2020-05-11 / 2020_05_11
        let parts: Vec<&str> = s.split(['-', '_']).collect();
        if parts.len() == 3 {
            if let (Some(y), Some(m), Some(d)) = (
                all_digits(parts[0], 4, 4),
                all_digits(parts[1], 1, 2),
                all_digits(parts[2], 1, 2),
            ) {
                if let Some(date) = make_date(y, m, d) {
                    return Some(date);
                }
            }
        }
        // 2020-05/11/ or 202005/11/
        if let Some((y, m)) = year_month_segment(s) {
            if let Some(d) = all_digits(next, 1, 2) {
                if let Some(date) = make_date(y as u32, m, d) {
                    return Some(date);
                }
            }
        }
        // 2024/6/19/ and 2020/0511/
        if let Some(y) = all_digits(s, 4, 4) {
            if let (Some(m), Some(d)) = (all_digits(next, 1, 2), all_digits(next2, 1, 2)) {
                if let Some(date) = make_date(y, m, d) {
                    return Some(date);
                }
            }
            if next.len() == 4 {
                if let (Some(m), Some(d)) =
                    (all_digits(&next[0..2], 2, 2), all_digits(&next[2..4], 2, 2))
                {
                    if let Some(date) = make_date(y, m, d) {
                        return Some(date);
                    }
                }
            }
        }
    }
    None
}

/// The year and month of a month folder in a URL (`/202005/`, `/2020-05/`), when the URL has
/// no full date. TRS sites file articles under such folders, so list rows that only show
/// `05-11` can borrow the year from their link.
pub fn month_in_url(url: &Url) -> Option<(i32, u32)> {
    if let Some(d) = date_in_url(url) {
        use chrono::Datelike;
        return Some((d.year(), d.month()));
    }
    url.path().split('/').find_map(year_month_segment)
}

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

/// Meta names (lower case) that carry the publication date, most trusted first.
const META_NAMES: &[&str] = &[
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "article:published_time",
    "og:release_date",
    "og:published_time",
    "datepublished",
    "publish_date",
    "published_time",
    "published",
    "releasedate",
    "dc.date.issued",
];

/// Labels after which a visible date is the publication date, and how much they are trusted
/// (0 = publication label, 1 = plain `日期`/`时间`, 2 = a date that is not quite the
/// publication: drafted, generated, updated).
const LABELS: &[(&str, u8)] = &[
    ("发布时间", 0),
    ("发布日期", 0),
    ("发表时间", 0),
    ("发表日期", 0),
    ("发稿时间", 0),
    ("发稿日期", 0),
    ("发文日期", 0),
    ("发文时间", 0),
    ("公开日期", 0),
    ("公开时间", 0),
    ("刊发时间", 0),
    ("上网时间", 0),
    ("发布", 0),
    ("日期", 1),
    ("时间", 1),
    ("成文日期", 2),
    ("生成日期", 2),
    ("印发日期", 2),
    ("更新时间", 2),
    ("更新日期", 2),
];

/// The visible text of a page's body as lines: block elements break lines, scripts, styles,
/// comments, forms and hidden elements (`display:none`, `hidden`) are left out.
pub(crate) fn visible_lines(root: ElementRef<'_>) -> Vec<String> {
    let mut buf = String::new();
    walk_visible(root, &mut buf);
    buf.split('\n')
        .map(|l| {
            let mut s = String::new();
            for w in l.split(|c: char| is_space(norm_char(c))) {
                if !w.is_empty() {
                    if !s.is_empty() {
                        s.push(' ');
                    }
                    s.push_str(w);
                }
            }
            s
        })
        .filter(|l| !l.is_empty())
        .collect()
}

pub(crate) fn is_hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "br"
            | "center"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "tbody"
            | "td"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

fn walk_visible(el: ElementRef<'_>, buf: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => {
                if t.contains(['\n', '\r']) {
                    buf.extend(
                        t.chars()
                            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
                    )
                } else {
                    buf.push_str(t);
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if matches!(
                    name,
                    "script"
                        | "style"
                        | "noscript"
                        | "template"
                        | "head"
                        | "select"
                        | "option"
                        | "textarea"
                        | "iframe"
                        | "svg"
                        | "object"
                ) || is_hidden(e)
                {
                    continue;
                }
                let block = is_block(name);
                if block {
                    buf.push('\n');
                }
                if let Some(c) = ElementRef::wrap(child) {
                    walk_visible(c, buf);
                }
                if block {
                    buf.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// A label (allowing spaces between its characters) that ends at `end` (exclusive) in `cs`.
/// Returns the label's rank and start.
fn label_before(cs: &[NChar], end: usize) -> Option<(u8, usize)> {
    let mut best: Option<(u8, usize, usize)> = None; // rank, start, label length
    for (label, rank) in LABELS {
        let lc: Vec<char> = label.chars().collect();
        let mut j = end;
        let mut ok = true;
        for (k, want) in lc.iter().rev().enumerate() {
            if k > 0 {
                while j > 0 && cs[j - 1].c == ' ' && end - j < 12 {
                    j -= 1;
                }
            }
            if j == 0 || cs[j - 1].c != *want {
                ok = false;
                break;
            }
            j -= 1;
        }
        if !ok {
            continue;
        }
        // A plain label must not be the tail of another word: 开始时间, 报名时间, 生效时间 …
        if *rank == 1 && j > 0 && is_cjk(cs[j - 1].c) {
            continue;
        }
        // `发布` alone only when it directly precedes (发布：2020-05-11), not 发布机构 etc.
        if *label == "发布" && j > 0 && is_cjk(cs[j - 1].c) {
            continue;
        }
        if best.is_none_or(|(_, _, l)| lc.len() > l) {
            best = Some((*rank, j, lc.len()));
        }
    }
    best.map(|(r, s, _)| (r, s))
}

/// The label in front of the date starting at `i`, if any: `label :` then spaces. The colon is
/// required for plain labels. Returns (rank, label start), or `Err(())` when the date is
/// preceded by some other label (`开始时间：`, `报名时间：`), which disqualifies it.
fn label_of(cs: &[NChar], i: usize) -> Result<Option<(u8, usize)>, ()> {
    let mut j = i;
    while j > 0 && cs[j - 1].c == ' ' && i - j < 40 {
        j -= 1;
    }
    let colon = j > 0 && cs[j - 1].c == ':';
    if colon {
        j -= 1;
        while j > 0 && cs[j - 1].c == ' ' && i - j < 48 {
            j -= 1;
        }
    }
    match label_before(cs, j) {
        Some((rank, s)) if colon || rank == 0 => Ok(Some((rank, s))),
        Some(_) => Ok(None),
        None => {
            // Some other `…时间：` / `…日期：` label: 开始时间, 报名时间, 截止日期 …
            if colon && j >= 2 {
                let a = cs[j - 2].c;
                let b = cs[j - 1].c;
                if (a == '时' && b == '间') || (a == '日' && b == '期') {
                    return Err(());
                }
            }
            Ok(None)
        }
    }
}

/// Words that follow a date in an article's info line (`2020-02-18 09:15来源：人民日报`).
const INFO_LINE_WORDS: &[&str] = &[
    "来源", "发布", "作者", "浏览", "点击", "字号", "阅读", "星期", "周", "编辑", "责任", "访问",
    "分享", "打印", "信息", "文章", "供稿", "撰稿", "摄影", "【", "〔",
];

/// Whether the text right after a date starts with a word that is not the next item of an
/// info line: the date is then inside a sentence.
fn glued_to_word(rest: &[NChar]) -> bool {
    let Some(first) = rest.first() else {
        return false;
    };
    if !is_cjk(first.c) {
        return false;
    }
    let head: String = rest.iter().take(4).map(|n| n.c).collect();
    !INFO_LINE_WORDS.iter().any(|w| head.starts_with(w))
}

#[derive(Debug, Clone)]
struct Visible {
    date: NaiveDate,
    time: Option<NaiveTime>,
    rank: u8,
    labelled: bool,
    in_header: bool,
    raw: String,
}

fn strip_ws(s: &str) -> Vec<char> {
    s.chars().map(norm_char).filter(|c| !is_space(*c)).collect()
}

fn find_sub(hay: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}

// Parsed once: a selector parsed per call cost as much as the search on a small page.
static HEADINGS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("h1, h2, h3, h4").expect("valid"));

fn meta_content(doc: &Html, names: &[&str]) -> Option<String> {
    for want in names {
        for m in super::elements(doc, &["meta"]) {
            let e = m.value();
            let name = e
                .attr("name")
                .or_else(|| e.attr("property"))
                .or_else(|| e.attr("itemprop"))
                .unwrap_or("");
            if name.trim().eq_ignore_ascii_case(want) {
                if let Some(c) = e.attr("content") {
                    let c = c.trim();
                    if !c.is_empty() {
                        return Some(c.to_string());
                    }
                }
            }
        }
    }
    None
}

/// The article's title as the page states it: `ArticleTitle`, `og:title`, else the part of
/// `<title>` (split at ` - ` / `_` / `|`) that a heading repeats, else its first part.
pub(crate) fn article_title(doc: &Html) -> Option<String> {
    if let Some(t) = meta_content(doc, &["ArticleTitle", "og:title"]) {
        return Some(t);
    }
    let t: String = super::elements(doc, &["title"]).next()?.text().collect();
    let parts: Vec<&str> = t
        .split(['-', '_', '|', '—', '｜'])
        .map(str::trim)
        .filter(|p| p.chars().count() >= 4)
        .collect();
    let headings: Vec<Vec<char>> = doc
        .select(&HEADINGS)
        .map(|h| strip_ws(&h.text().collect::<String>()))
        .collect();
    parts
        .iter()
        .find(|p| {
            let k = strip_ws(p);
            headings.iter().any(|h| find_sub(h, &k).is_some())
        })
        .or(parts.first())
        .map(|p| p.to_string())
}

fn visible_dates(doc: &Html) -> Vec<Visible> {
    let lines = visible_lines(doc.root_element());
    let title = article_title(doc);
    let title_key: Option<Vec<char>> = title.as_ref().map(|t| {
        let k = strip_ws(t);
        k.into_iter().take(10).collect()
    });
    // The title line: the first line carrying the title's first characters.
    let mut title_line: Option<(usize, usize)> = None; // line index, char offset after the key
    if let Some(key) = &title_key {
        if key.len() >= 4 {
            for (li, l) in lines.iter().enumerate() {
                // a line without the key's first character cannot hold the key
                if !l.chars().any(|c| norm_char(c) == key[0]) {
                    continue;
                }
                let chars: Vec<char> = l.chars().map(norm_char).collect();
                let stripped: Vec<(usize, char)> = chars
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|(_, c)| !is_space(*c))
                    .collect();
                let sc: Vec<char> = stripped.iter().map(|(_, c)| *c).collect();
                if let Some(p) = find_sub(&sc, key) {
                    let full = title.as_deref().map(strip_ws).unwrap_or_default();
                    let end = if sc[p..].starts_with(&full) {
                        p + full.len()
                    } else {
                        p + key.len()
                    };
                    let after = stripped.get(end).map(|(i, _)| *i).unwrap_or(chars.len());
                    title_line = Some((li, after));
                    break;
                }
            }
        }
    }

    let mut out = Vec::new();
    let mut header_done = false;
    let mut header_lines = 0;
    for (li, line) in lines.iter().enumerate() {
        // Every date starts with a digit or a Chinese numeral (a bracketed year-less date needs
        // a context year, and there is none here): a line without one is not normalised, it
        // only counts for the header zone below. The title line is, for `skip_before`.
        let is_title_line = title_line.is_some_and(|(tl, _)| tl == li);
        let cs = if is_title_line
            || line.chars().any(|c| {
                let c = norm_char(c);
                c.is_ascii_digit() || cn_digit(c).is_some()
            }) {
            normalise(line)
        } else {
            Vec::new()
        };
        let mut skip_before = 0; // char index before which the title is
        let in_header_zone = match title_line {
            Some((tl, after)) if li == tl => {
                skip_before = line
                    .char_indices()
                    .nth(after)
                    .map(|(b, _)| cs.iter().position(|n| n.start == b).unwrap_or(cs.len()))
                    .unwrap_or(cs.len());
                true
            }
            Some((tl, _)) if li > tl && !header_done => true,
            _ => false,
        };
        let sentence = line.contains('。')
            || line.contains('，')
            || line.contains('；')
            || line.chars().count() > 120;
        if in_header_zone && li != title_line.map(|t| t.0).unwrap_or(usize::MAX) {
            header_lines += 1;
            if sentence || header_lines > 12 {
                header_done = true;
            }
        }
        let header_ok = in_header_zone && !header_done && !sentence;
        let today_widget =
            line.contains("今天是") || line.contains("今日是") || line.contains("星期");
        for (date, time, r) in scan(&cs, None) {
            let date_text = &line[cs[r.start].start..cs[r.end - 1].end];
            // The label may sit in the element before, on the previous line:
            // <dt>开始时间：</dt><dd>2024-05-08</dd>, <td>发布日期：</td><td>2024-06-13</td>.
            let at_line_start = cs[..r.start].iter().all(|n| matches!(n.c, ' ' | '(' | '['));
            let (lab, raw) = match label_of(&cs, r.start) {
                Err(()) => continue,
                Ok(Some((rank, s))) => {
                    (Some(rank), line[cs[s].start..cs[r.end - 1].end].to_string())
                }
                Ok(None) if at_line_start && li > 0 => {
                    let prev = &lines[li - 1];
                    let pcs = normalise(prev);
                    match label_of(&pcs, pcs.len()) {
                        Err(()) => continue,
                        Ok(Some((rank, s))) => (
                            Some(rank),
                            format!("{} {}", &prev[pcs[s].start..], date_text),
                        ),
                        Ok(None) => (None, date_text.to_string()),
                    }
                }
                Ok(None) => (None, date_text.to_string()),
            };
            match lab {
                Some(rank) => {
                    if today_widget && rank > 0 {
                        continue;
                    }
                    out.push(Visible {
                        date,
                        time,
                        rank,
                        labelled: true,
                        in_header: header_ok && r.start >= skip_before,
                        raw,
                    });
                }
                None => {
                    if !header_ok || today_widget || r.start < skip_before {
                        continue;
                    }
                    // `定于2026年12月1日`, `（2007年6月29日第十届…会议通过）` — a date glued to
                    // a word is part of a sentence; glued to the info line's next item
                    // (`2020-02-18 09:15来源：`, `2024年6月13日发布`) it is not.
                    if r.start > 0 && is_cjk(cs[r.start - 1].c) || glued_to_word(&cs[r.end..]) {
                        continue;
                    }
                    out.push(Visible {
                        date,
                        time,
                        rank: 1,
                        labelled: false,
                        in_header: true,
                        raw,
                    });
                }
            }
        }
        if in_header_zone && !header_done && out.iter().any(|v| v.in_header) {
            header_done = true;
        }
    }
    out
}

fn meta_dates(doc: &Html) -> Vec<FoundDate> {
    let mut found: Vec<(usize, FoundDate)> = Vec::new();
    for m in super::elements(doc, &["meta"]) {
        let e = m.value();
        let Some(name) = e
            .attr("name")
            .or_else(|| e.attr("property"))
            .or_else(|| e.attr("itemprop"))
        else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let Some(rank) = META_NAMES.iter().position(|n| *n == name) else {
            continue;
        };
        let Some(content) = e.attr("content") else {
            continue;
        };
        if let Some((date, time)) = parse_date(content, None) {
            found.push((
                rank,
                FoundDate {
                    date,
                    time,
                    source: DateSource::MetaPubDate,
                    raw: content.trim().to_string(),
                },
            ));
        }
    }
    found.sort_by_key(|(r, _)| *r);
    found.into_iter().map(|(_, f)| f).collect()
}

/// Tiers of trust, best first (see [`article_pub_date`]).
const TIER_META: u8 = 4;
const TIER_DRAFTED: u8 = 6;
const TIER_URL: u8 = 7;

fn ordered_candidates(doc: &Html, url: &Url) -> Vec<(u8, FoundDate)> {
    let mut out: Vec<(u8, FoundDate)> = Vec::new();
    for f in meta_dates(doc) {
        out.push((TIER_META, f));
    }
    for v in visible_dates(doc) {
        // What a person reads comes first: a publication label under the title, a plain label
        // or a bare date under the title, a publication label elsewhere. Then the meta tag
        // (a CMS re-stamps it when it re-publishes a page), then a plain label elsewhere, then
        // drafted/generated dates.
        let tier = match (v.rank, v.in_header) {
            (0, true) => 1,
            (1, true) => 2,
            (0, false) => 3,
            (1, false) => 5,
            _ => TIER_DRAFTED,
        };
        let source = if v.labelled {
            DateSource::LabelledText
        } else {
            DateSource::Text
        };
        out.push((
            tier,
            FoundDate {
                date: v.date,
                time: v.time,
                source,
                raw: v.raw,
            },
        ));
    }
    if let Some(d) = date_in_url(url) {
        out.push((
            TIER_URL,
            FoundDate {
                date: d,
                time: None,
                source: DateSource::Url,
                raw: url.path().to_string(),
            },
        ));
    }
    out.sort_by_key(|(t, _)| *t);
    out
}

/// The publication date of an article page, as a person reads it, in order of trust: the date
/// printed in the article's info line (`发布时间：`, `发布日期：`, `日期：`, `时间：`, full-width
/// digits and colons, or a bare date on the line under the title), a publication label
/// elsewhere on the page, meta `PubDate` (any case or attribute order, and its relatives), a
/// plain `日期：` label elsewhere, a drafted/generated date (`成文日期`, `生成日期`), then the URL
/// date. A meta `PubDate` that disagrees with the printed date is a CMS's re-publish stamp: it
/// stays among the [`pub_date_candidates`] for the `suspect_date` check. Never the header
/// "today" widget, copyright years, `Maketime`/generation stamps, hidden elements or dates
/// inside the body text.
pub fn article_pub_date(doc: &Html, url: &Url) -> Option<FoundDate> {
    ordered_candidates(doc, url)
        .into_iter()
        .next()
        .map(|(_, f)| f)
}

/// All candidate publication dates found, most trusted first: every meta date, the visible
/// labelled dates and the date under the title, and the URL date, for the suspect-date check
/// (`PubDate` vs the printed date vs the URL date). Drafted/generated dates (`成文日期`,
/// `生成日期`, `更新时间`) are included only when the page prints no publication date, since they
/// legitimately differ from it. Exact repeats (same date, time and source) are dropped.
pub fn pub_date_candidates(doc: &Html, url: &Url) -> Vec<FoundDate> {
    candidates_of(ordered_candidates(doc, url))
}

/// [`article_pub_date`] and [`pub_date_candidates`] at once: the page's dates are read once
/// (reading them is a tenth of the crawl's CPU time on a site of articles).
pub fn pub_date_with_candidates(doc: &Html, url: &Url) -> (Option<FoundDate>, Vec<FoundDate>) {
    let all = ordered_candidates(doc, url);
    let first = all.first().map(|(_, f)| f.clone());
    (first, candidates_of(all))
}

fn candidates_of(all: Vec<(u8, FoundDate)>) -> Vec<FoundDate> {
    let has_visible = all
        .iter()
        .any(|(t, _)| *t < TIER_DRAFTED && *t != TIER_META);
    let mut out: Vec<FoundDate> = Vec::new();
    for (tier, f) in all {
        if tier == TIER_DRAFTED && has_visible {
            continue;
        }
        if out
            .iter()
            .any(|o| o.date == f.date && o.time == f.time && o.source == f.source)
        {
            continue;
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    fn pd(s: &str) -> Option<NaiveDate> {
        parse_date(s, None).map(|(d, _)| d)
    }
    fn page(html: &str, url: &str) -> Option<FoundDate> {
        article_pub_date(&Html::parse_document(html), &Url::parse(url).unwrap())
    }
    const PLAIN_URL: &str = "https://www.example.gov.cn/xwdt/content.html";

    #[test]
    fn iso_dash() {
        assert_eq!(pd("2020-05-11"), Some(ymd(2020, 5, 11)));
    }
    #[test]
    fn single_digit_month() {
        assert_eq!(pd("2020-5-11"), Some(ymd(2020, 5, 11)));
        assert_eq!(pd("2020-5-1"), Some(ymd(2020, 5, 1)));
    }
    #[test]
    fn slashes() {
        assert_eq!(pd("2020/05/11"), Some(ymd(2020, 5, 11)));
        assert_eq!(pd("日期：2021/09/06"), Some(ymd(2021, 9, 6)));
    }
    #[test]
    fn dots() {
        assert_eq!(pd("2020.05.11"), Some(ymd(2020, 5, 11)));
        assert_eq!(
            parse_date("2024.09.30 09:24:36 GMT+08:00", None),
            Some((ymd(2024, 9, 30), NaiveTime::from_hms_opt(9, 24, 36)))
        );
    }
    #[test]
    fn chinese_ymd() {
        assert_eq!(pd("2020年5月11日"), Some(ymd(2020, 5, 11)));
        assert_eq!(pd("2020 年 5 月 11 日"), Some(ymd(2020, 5, 11)));
    }
    #[test]
    fn chinese_ymd_with_time() {
        assert_eq!(
            parse_date("2020年05月11日 10:30", None),
            Some((ymd(2020, 5, 11), Some(hm(10, 30))))
        );
        assert_eq!(
            parse_date("2025年06月03日 13时44分", None),
            Some((ymd(2025, 6, 3), Some(hm(13, 44))))
        );
    }
    #[test]
    fn bracketed_full() {
        assert_eq!(pd("[2020-05-11]"), Some(ymd(2020, 5, 11)));
        assert_eq!(pd("【2020-05-11】"), Some(ymd(2020, 5, 11)));
        assert_eq!(pd("( 2012-06-04 09:20:26 )"), Some(ymd(2012, 6, 4)));
    }
    #[test]
    fn short_with_context_year() {
        assert_eq!(
            parse_date("(05-11)", Some(2020)).unwrap().0,
            ymd(2020, 5, 11)
        );
        assert_eq!(
            parse_date("[11-20]", Some(2023)).unwrap().0,
            ymd(2023, 11, 20)
        );
        assert_eq!(parse_date("05-11", Some(2020)).unwrap().0, ymd(2020, 5, 11));
        assert_eq!(
            parse_date("（5月11日）", Some(2020)).unwrap().0,
            ymd(2020, 5, 11)
        );
        // Without a year there is no date.
        assert_eq!(parse_date("(05-11)", None), None);
        // In running text only the bracketed form counts.
        let f = find_dates("通知公告 [11-20] 第3-5条", Some(2023));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, ymd(2023, 11, 20));
        // 02-30 does not exist in any year.
        assert_eq!(parse_date("[02-30]", Some(2020)), None);
    }
    #[test]
    fn labelled_publication_time() {
        assert_eq!(pd("发布时间：2020-05-11"), Some(ymd(2020, 5, 11)));
    }
    #[test]
    fn labelled_with_seconds() {
        assert_eq!(
            parse_date("发布日期: 2020-05-11 10:00:00", None),
            Some((ymd(2020, 5, 11), Some(hm(10, 0))))
        );
    }
    #[test]
    fn full_width() {
        assert_eq!(pd("２０２０－０５－１１"), Some(ymd(2020, 5, 11)));
        assert_eq!(
            parse_date("发布时间：２０２０年５月１１日　１０：３０", None),
            Some((ymd(2020, 5, 11), Some(hm(10, 30))))
        );
        assert_eq!(
            parse_date("2023-08-19 10∶08", None),
            Some((ymd(2023, 8, 19), Some(hm(10, 8))))
        );
    }
    #[test]
    fn chinese_numerals() {
        assert_eq!(pd("二〇二〇年五月十一日"), Some(ymd(2020, 5, 11)));
        assert_eq!(pd("二○二○年十二月三十一日"), Some(ymd(2020, 12, 31)));
        assert_eq!(pd("二〇一九年十月二十日"), Some(ymd(2019, 10, 20)));
        assert_eq!(pd("二〇二〇年十月"), None);
        assert_eq!(pd("2020年十月"), None);
        assert_eq!(pd("二〇二〇年二月三十日"), None);
    }
    #[test]
    fn month_only_is_not_a_date() {
        assert_eq!(pd("2020-05"), None);
        assert_eq!(pd("2020年5月"), None);
    }
    #[test]
    fn impossible_dates() {
        assert_eq!(pd("2020-02-30"), None);
        assert_eq!(pd("2020-13-01"), None);
        assert_eq!(pd("2021-02-29"), None);
        assert_eq!(pd("2020-02-29"), Some(ymd(2020, 2, 29)));
        assert_eq!(pd("2020-00-10"), None);
    }
    #[test]
    fn years_out_of_range() {
        assert_eq!(pd("1989-12-31"), None);
        assert_eq!(pd("2101-01-01"), None);
        assert_eq!(pd("1990-01-01"), Some(ymd(1990, 1, 1)));
    }
    #[test]
    fn phone_and_version_numbers() {
        assert_eq!(pd("010-65645810"), None);
        assert_eq!(pd("0106-5645"), None);
        assert_eq!(pd("2020-123"), None);
        assert_eq!(pd("电话：0371-65901234"), None);
        assert_eq!(pd("v1.2020.05.11"), None);
        assert_eq!(pd("12020-05-11"), None);
        assert_eq!(pd("2020-05-112"), None);
        assert!(find_dates("京ICP备05009132号-14 京公网安备11040102700072号", None).is_empty());
    }
    #[test]
    fn copyright_years_are_not_dates() {
        assert!(find_dates("Copyright © 2005-2026 版权所有", None).is_empty());
        assert!(find_dates("© 2005-2011 中国政府网", None).is_empty());
    }
    #[test]
    fn find_dates_ranges_and_order() {
        let s = "起于2020年5月11日，止于２０２０－０６－０１ 10:00。";
        let f = find_dates(s, None);
        assert_eq!(f.len(), 2);
        assert_eq!(&s[f[0].2.clone()], "2020年5月11日");
        assert_eq!(&s[f[1].2.clone()], "２０２０－０６－０１ 10:00");
        assert_eq!(f[1].1, Some(hm(10, 0)));
    }
    #[test]
    fn firstpublishedtime_dash_time() {
        assert_eq!(
            parse_date("2007-08-20-23:59:59", None),
            Some((ymd(2007, 8, 20), NaiveTime::from_hms_opt(23, 59, 59)))
        );
    }

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }
    #[test]
    fn url_trs_t_stamp() {
        assert_eq!(
            date_in_url(&u(
                "http://www.shaanxi.gov.cn/xw/sxyw/201312/t20131223_1501140.html"
            )),
            Some(ymd(2013, 12, 23))
        );
        assert_eq!(
            date_in_url(&u("http://www.wuhan.gov.cn/t20231106_2294796.shtml")),
            Some(ymd(2023, 11, 6))
        );
    }
    #[test]
    fn url_year_month_then_day() {
        assert_eq!(
            date_in_url(&u(
                "http://www.xinhuanet.com/local/2020-02/19/c_1125597921.htm"
            )),
            Some(ymd(2020, 2, 19))
        );
        assert_eq!(
            date_in_url(&u(
                "http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html"
            )),
            Some(ymd(2023, 12, 1))
        );
    }
    #[test]
    fn url_hanweb_art() {
        assert_eq!(
            date_in_url(&u(
                "http://www.jinan.gov.cn/art/2024/6/19/art_1861_4982441.html"
            )),
            Some(ymd(2024, 6, 19))
        );
        assert_eq!(
            date_in_url(&u(
                "http://www.sc.gov.cn/10462/11689/2025/6/3/071bf8764a6c.shtml"
            )),
            Some(ymd(2025, 6, 3))
        );
    }
    #[test]
    fn url_eight_digit_folder() {
        assert_eq!(
            date_in_url(&u(
                "http://wsjkw.sh.gov.cn/jcws2/20240511/b5c2db3d781e4c7fbcfb6bed2fe2d982.html"
            )),
            Some(ymd(2024, 5, 11))
        );
        assert_eq!(
            date_in_url(&u("https://x.gov.cn/a/2020-05-11/b.html")),
            Some(ymd(2020, 5, 11))
        );
        assert_eq!(
            date_in_url(&u("https://x.gov.cn/a/2020/0511/b.html")),
            Some(ymd(2020, 5, 11))
        );
    }
    #[test]
    fn url_without_full_date() {
        assert_eq!(date_in_url(&u("https://x.gov.cn/xw/202005/")), None);
        assert_eq!(
            month_in_url(&u("https://x.gov.cn/xw/202005/")),
            Some((2020, 5))
        );
        assert_eq!(
            date_in_url(&u("https://x.gov.cn/art/2020/art_1473.html")),
            None
        );
        assert_eq!(
            date_in_url(&u(
                "http://www.xa.gov.cn/xw/zwzx/qxrd/1833316118612205569.html"
            )),
            None
        );
        assert_eq!(
            date_in_url(&u("https://x.gov.cn/content/post_9360641.html")),
            None
        );
        assert_eq!(date_in_url(&u("https://x.gov.cn/t20201301_1.html")), None);
        // A wayback stamp (14 digits) is not the article's date; the path after it is.
        assert_eq!(
            date_in_url(&u("https://web.archive.org/web/20120611024252/http://www.he.xinhuanet.com/news/2012-06/04/content_25340717.htm")),
            Some(ymd(2012, 6, 4))
        );
    }

    #[test]
    fn meta_pubdate_any_case_and_attribute_order() {
        let f = page(
            r#"<meta content="2022-12-06 08:56" name="PubDate"><p>x</p>"#,
            PLAIN_URL,
        )
        .unwrap();
        assert_eq!(
            (f.date, f.source),
            (ymd(2022, 12, 6), DateSource::MetaPubDate)
        );
        let f = page(
            r#"<META NAME="publishdate" CONTENT="2020-01-02">"#,
            PLAIN_URL,
        )
        .unwrap();
        assert_eq!(f.date, ymd(2020, 1, 2));
        let f = page(
            r#"<meta property="article:published_time" content="2021-03-04T10:00:00+08:00">"#,
            PLAIN_URL,
        )
        .unwrap();
        assert_eq!((f.date, f.time), (ymd(2021, 3, 4), Some(hm(10, 0))));
    }
    #[test]
    fn header_today_widget_is_not_the_date() {
        let html = r#"<div class="top">今天是2026年11月25日 星期三</div><h1>关于开展检查的通知</h1>
            <div>来源：办公室</div><p>各单位：现将有关事项通知如下。</p>"#;
        assert_eq!(page(html, PLAIN_URL), None);
        let html = r#"<div>今天是2026年11月25日 星期三</div><h1>关于开展检查的通知</h1>
            <div>发布时间：2024-01-02</div>"#;
        assert_eq!(page(html, PLAIN_URL).unwrap().date, ymd(2024, 1, 2));
    }
    #[test]
    fn copyright_is_not_the_date() {
        let html =
            r#"<h1>关于开展检查的通知</h1><p>正文。</p><div>Copyright © 2005-2026 版权所有</div>"#;
        assert_eq!(page(html, PLAIN_URL), None);
    }
    #[test]
    fn maketime_is_not_the_date() {
        let html = r#"<head><meta name="Maketime" content="2024-06-19 10:12:55">
            <meta name="HtmlGenerateTime" content="2024-06-17 12:00:00"></head><h1>标题文字内容</h1>"#;
        assert_eq!(page(html, PLAIN_URL), None);
        let html = r#"<meta name="Maketime" content="2024-06-19 10:12:55">
            <meta name="PubDate" content="2020-12-29 11:07">"#;
        assert_eq!(page(html, PLAIN_URL).unwrap().date, ymd(2020, 12, 29));
    }
    #[test]
    fn event_dates_in_body_are_not_the_date() {
        let html = r#"<title>关于召开全市工作会议的通知</title><h1>关于召开全市工作会议的通知</h1>
            <div><p>各区县：</p><p>定于2026年12月1日召开全市工作会议，现将有关事项通知如下。</p>
            <p>时间安排</p><p>会议定于2026年12月1日召开</p></div>"#;
        assert_eq!(page(html, PLAIN_URL), None);
        let html = r#"<h1>展会</h1><dl><dt>开始时间：</dt><dd>2024-05-08</dd></dl>
            <p>报名时间：2024年3月7日</p>"#;
        assert_eq!(page(html, PLAIN_URL), None);
    }
    #[test]
    fn comments_are_not_the_date() {
        let html = r#"<h1>关于开展检查的通知</h1><!--发布时间：2020-01-01--><p>正文。</p>"#;
        assert_eq!(page(html, PLAIN_URL), None);
        let html = r#"<h1>标题</h1><div style="display: none">publishdate:2024/01/05 发布时间：2024-01-05</div>"#;
        assert_eq!(page(html, PLAIN_URL), None);
    }
    #[test]
    fn labelled_visible_date_beats_url() {
        let html = r#"<h1>标题</h1><span>发布日期 : 2022-12-06</span>"#;
        let f = page(html, "https://x.gov.cn/202001/t20200101_1.html").unwrap();
        assert_eq!(
            (f.date, f.source),
            (ymd(2022, 12, 6), DateSource::LabelledText)
        );
    }
    #[test]
    fn label_and_date_in_separate_elements() {
        let html = r#"<h1>标题</h1><div><span class="a">时间：</span>
            <span class="b"> 2013-12-23 07:21 </span><span>来源：</span></div>"#;
        let f = page(html, PLAIN_URL).unwrap();
        assert_eq!((f.date, f.time), (ymd(2013, 12, 23), Some(hm(7, 21))));
    }
    #[test]
    fn unlabelled_date_under_title() {
        let html = r#"<title>从信息社会迈向智能社会-中共中央网络安全和信息化委员会办公室</title>
            <div>今天是2026年11月25日</div><h1 class="title">从信息社会迈向智能社会</h1>
            <div><span>2020年02月18日 09:15</span><span>来源：人民日报</span></div>
            <p>定于2026年12月1日召开。</p>"#;
        let f = page(html, PLAIN_URL).unwrap();
        assert_eq!((f.date, f.source), (ymd(2020, 2, 18), DateSource::Text));
    }
    #[test]
    fn url_is_the_last_resort() {
        let f = page(
            "<h1>标题</h1><p>正文。</p>",
            "http://x.gov.cn/art/2024/6/19/art_1_2.html",
        )
        .unwrap();
        assert_eq!((f.date, f.source), (ymd(2024, 6, 19), DateSource::Url));
    }
    #[test]
    fn candidates_show_the_disagreement() {
        let html = r#"<meta name="PubDate" content="2023-05-12 23:20"><h1>标题文字</h1>
            <span>发布时间：2009-09-30 10:53</span>"#;
        let doc = Html::parse_document(html);
        let c = pub_date_candidates(&doc, &u("https://x.gov.cn/t20090930_1.html"));
        let got: Vec<_> = c.iter().map(|f| (f.date, f.source)).collect();
        assert_eq!(
            got,
            vec![
                (ymd(2009, 9, 30), DateSource::LabelledText),
                (ymd(2023, 5, 12), DateSource::MetaPubDate),
                (ymd(2009, 9, 30), DateSource::Url),
            ]
        );
    }
    #[test]
    fn publication_label_beats_generated_date() {
        let html = r#"<h1>教育部办公厅关于举办活动的通知</h1><table><tr><td>生成日期：</td><td>2024-06-04</td></tr></table>
            <p>正文。</p><div>发布日期：2024-06-13　来源：教育部</div>"#;
        let doc = Html::parse_document(html);
        let f = article_pub_date(&doc, &u(PLAIN_URL)).unwrap();
        assert_eq!(f.date, ymd(2024, 6, 13));
        let c = pub_date_candidates(&doc, &u(PLAIN_URL));
        assert!(c.iter().all(|f| f.date != ymd(2024, 6, 4)));
    }
}

/// The real pages under `tests/fixtures/pages/` (see its README for sources and labels).
#[cfg(test)]
mod fixture_tests {
    use super::*;

    pub(crate) fn load(rel: &str) -> String {
        let path = format!("{}/tests/fixtures/pages/{rel}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        if bytes.starts_with(&[0xFF, 0xFE]) {
            return encoding_rs::UTF_16LE.decode(&bytes).0.into_owned();
        }
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
        }
    }

    /// (file, URL, publication date an inspector reads, date printed on the page, meta PubDate
    /// when it disagrees with the printed date). The labels are in `docs/date-accuracy.md`.
    #[allow(clippy::type_complexity)]
    const ARTICLES: &[(&str, &str, &str, Option<&str>, Option<&str>)] = &[
        ("article/beijing_gov_cn.html", "https://www.beijing.gov.cn/", "2024-03-01", None, None),
        ("article/cac_gov_cn.html", "https://www.cac.gov.cn/", "2020-02-18", Some("2020-02-18"), None),
        ("article/cznd_gov_cn.html", "https://www.cznd.gov.cn/", "2016-07-20", Some("2016-07-20"), None),
        ("article/gd_gov_cn.html", "https://www.gd.gov.cn/", "2023-02-25", Some("2023-02-25"), None),
        ("article/gxzf_gov_cn.html", "http://www.gxzf.gov.cn/zzqzyxx/t19107548.shtml", "2024-10-17", Some("2024-10-17"), None),
        ("article/gz_gov_cn.html", "https://www.gz.gov.cn/ysgz/xwdt/ysdt/content/post_9360641.html", "2023-12-05", Some("2023-12-05"), None),
        ("article/jinan_gov_cn.html", "http://www.jinan.gov.cn/art/2024/6/19/art_1861_4982441.html", "2024-06-19", Some("2024-06-19"), None),
        ("article/jw_beijing_gov_cn.html", "https://jw.beijing.gov.cn/", "2023-11-30", Some("2023-11-30"), None),
        ("article/kepu_gov_cn.html", "http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html", "2023-12-01", Some("2023-12-01"), None),
        ("article/miit_gov_cn.html", "https://www.miit.gov.cn/xwdt/gxdt/dfgz/art/2020/art_14730801a8ae49e99b132c83575b7810.html", "2009-09-30", Some("2009-09-30"), Some("2023-05-12")),
        ("article/neac_gov_cn.html", "https://www.neac.gov.cn/", "2021-09-06", Some("2021-09-06"), Some("2023-11-10")),
        ("article/qingdao_gov_cn.html", "http://www.qingdao.gov.cn/", "2022-12-06", Some("2022-12-06"), None),
        ("article/shaanxi_gov_cn.html", "http://www.shaanxi.gov.cn/xw/sxyw/201312/t20131223_1501140.html", "2013-12-23", Some("2013-12-23"), None),
        ("article/shanghai_gov_cn.html", "https://www.shanghai.gov.cn/", "2023-08-19", Some("2023-08-19"), None),
        ("article/wlmq_gov_cn.html", "http://www.wlmq.gov.cn/fjbm/llj/tzgg/562718.htm", "2024-03-03", Some("2024-03-03"), None),
        ("article/wuhan_gov_cn.html", "http://www.wuhan.gov.cn/t20231106_2294796.shtml", "2023-11-06", Some("2023-11-06"), None),
        ("article/xa_gov_cn.html", "http://www.xa.gov.cn/xw/zwzx/qxrd/1833316118612205569.html", "2024-09-10", Some("2024-09-10"), None),
        ("article/xiangtan_gov_cn.html", "http://www.xiangtan.gov.cn/109/171/174/content_1335045.html", "2024-09-30", Some("2024-09-30"), None),
        ("policy/ct_zj_gov_cn.html", "http://ct.zj.gov.cn/art/2020/12/29/art_1229678763_4982889.html", "2020-12-29", Some("2020-12-29"), None),
        ("policy/hefei_shushan_gov_cn.html", "https://www.shushan.gov.cn/", "2017-04-12", Some("2017-04-12"), None),
        ("policy/moe_gov_cn.html", "http://www.moe.gov.cn/", "2024-06-13", Some("2024-06-13"), None),
        ("policy/wsjkw_sh_gov_cn.html", "http://wsjkw.sh.gov.cn/jcws2/20240511/b5c2db3d781e4c7fbcfb6bed2fe2d982.html", "2024-05-11", Some("2024-05-11"), None),
        ("interactive/sc_gov_cn.html", "http://www.sc.gov.cn/10462/11689/11698/11704/2025/6/3/071bf8764a6c4ac791d78c1c0acab3c5.shtml", "2025-06-03", Some("2025-06-03"), None),
        ("reference_dates/xinhuanet_com.htm", "http://www.xinhuanet.com/local/2020-02/19/c_1125597921.htm", "2020-02-19", Some("2020-02-19"), None),
        ("reference_dates/banyuetan_org.html", "http://www.banyuetan.org/jmcs/detail/20200102/1000200033136171577956287380194268_1.html", "2020-01-02", Some("2020-01-02"), None),
        ("reference_dates/archive_org.html", "https://web.archive.org/web/20120611024252/http://www.he.xinhuanet.com/news/2012-06/04/content_25340717.htm", "2012-06-04", Some("2012-06-04"), None),
        // The six corpus pages whose licence keeps them out of the repository: read from
        // `../shared/corpus/pages` when it is there (see `corpus_page`).
        ("article/shanxi_gov_cn.html", "http://www.shanxi.gov.cn/", "2019-09-18", Some("2019-09-18"), None),
        ("article/fgw_zj_gov_cn.html", "http://fzggw.zj.gov.cn/", "2016-11-22", Some("2016-11-22"), None),
        ("article/cmse_gov_cn.html", "http://www.cmse.gov.cn/", "2012-06-24", Some("2012-06-24"), None),
        ("article/nfra_gov_cn_1.html", "https://www.nfra.gov.cn/", "2024-07-12", Some("2024-07-12"), None),
        ("article/nfra_gov_cn_2.html", "https://www.nfra.gov.cn/", "2025-06-03", Some("2025-06-03"), None),
        ("policy/gov_cn.html", "https://www.gov.cn/", "2007-08-20", None, None),
    ];

    /// The text of a labelled page: from `tests/fixtures/pages/`, else from the shared corpus
    /// (`$GOVPATROL_CORPUS`, or `../shared/corpus/pages` beside the repository or its parent,
    /// where CI and the worktrees have it); `None` when neither holds it.
    fn corpus_page(rel: &str) -> Option<String> {
        let root = env!("CARGO_MANIFEST_DIR");
        let in_repo = format!("{root}/tests/fixtures/pages/{rel}");
        if std::path::Path::new(&in_repo).exists() {
            return Some(load(rel));
        }
        let dirs = std::env::var("GOVPATROL_CORPUS").ok().into_iter().chain([
            format!("{root}/../shared/corpus/pages"),
            format!("{root}/../../shared/corpus/pages"),
        ]);
        for dir in dirs {
            if let Ok(bytes) = std::fs::read(format!("{dir}/{rel}")) {
                return Some(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
        None
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The visible labelled date wins: on every labelled page the publication date is the one a
    /// person reads, and where the meta `PubDate` was re-stamped later the candidates keep both
    /// for `suspect_date`.
    #[test]
    fn corpus_article_dates() {
        let mut right = 0;
        let mut read = 0;
        let mut misses = Vec::new();
        let mut absent = Vec::new();
        for (file, url, inspector, printed, meta) in ARTICLES {
            let Some(html) = corpus_page(file) else {
                absent.push(*file);
                continue;
            };
            read += 1;
            let doc = Html::parse_document(&html);
            let url = Url::parse(url).unwrap();
            let got = article_pub_date(&doc, &url).map(|f| f.date);
            let cands = pub_date_candidates(&doc, &url);
            // The crawl's one-read version gives both the same.
            let (once, once_cands) = pub_date_with_candidates(&doc, &url);
            assert_eq!((once.map(|f| f.date), &once_cands), (got, &cands), "{file}");
            let visible = cands
                .iter()
                .find(|f| matches!(f.source, DateSource::LabelledText | DateSource::Text))
                .map(|f| f.date);
            assert_eq!(visible, printed.map(d), "{file}: printed date");
            if let Some(m) = meta {
                assert!(cands
                    .iter()
                    .any(|f| f.source == DateSource::MetaPubDate && f.date == d(m)));
            }
            if got == Some(d(inspector)) {
                right += 1;
            } else {
                misses.push((*file, got));
            }
        }
        eprintln!(
            "publication date as an inspector reads it: {right}/{read} (misses: {misses:?}; not found: {absent:?})"
        );
        assert!(misses.is_empty(), "{misses:?}");
        // The 26 pages in the repository are always there.
        assert!(read >= 26, "{read}");
    }
    /// The forged-date check on the real pages: it flags exactly the two whose meta `PubDate`
    /// contradicts the printed date, and no other.
    #[test]
    fn corpus_suspect_dates() {
        let mut flagged = Vec::new();
        for (file, url, _, _, _) in ARTICLES {
            let Some(html) = corpus_page(file) else {
                continue;
            };
            let doc = Html::parse_document(&html);
            let url = Url::parse(url).unwrap();
            let pub_date = article_pub_date(&doc, &url);
            let cands = pub_date_candidates(&doc, &url);
            if crate::checks::columns::suspect_date(
                "s",
                url.as_str(),
                "t",
                pub_date.as_ref(),
                &cands,
            )
            .is_some()
            {
                flagged.push(*file);
            }
        }
        eprintln!("suspect_date on the corpus: {flagged:?}");
        assert_eq!(
            flagged,
            ["article/miit_gov_cn.html", "article/neac_gov_cn.html"]
        );
    }
}
