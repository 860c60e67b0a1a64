//! The sample ministry portal (site id `portal`), written the way TRS-CMS ministry sites are:
//! first-level sections and columns, `index.html`/`index_1.html` list pages with
//! `createPageHTML`, articles at `/<column>/<yyyymm>/t<yyyymmdd>_<id>.html` carrying the national
//! meta tags, attachments, images, some GBK pages with Chinese-named attachment hrefs, and the
//! special URLs (persistent and transient errors, redirects, a slow page) that exercise the
//! crawler. All content is dated relative to the check point given to
//! [`super::SampleSites::start`].

use std::time::Duration;

use chrono::{Datelike, NaiveDate};

use super::content::{Behavior, Resource, SiteContent};
use super::html::{
    attachment, bracket, cn, dash, esc, esc_attr, para, pick, ym, ymd, PageBuilder, PROVINCES,
    TOPICS,
};
use super::Ctx;
use govpatrol_calendar::Calendar;

mod mailbox;

pub(crate) const SITE_NAME: &str = "中华人民共和国示例生态环境部";
const SHORT: &str = "示例生态环境部";
pub(crate) const SITE_ID_CODE: &str = "bm17000099";
pub(crate) const ICP: &str = "京ICP备05009999号";

/// How a page declares its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cs {
    Utf8,
    /// `<meta charset="gbk">`, body GBK, HTTP `Content-Type: text/html`.
    GbkMeta,
    /// `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`, body GBK.
    Gb2312,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    News,
    Photo,
    Decree,
    Policy,
    Interp,
    Notice,
    Personnel,
    Message,
    Survey,
    /// 数据发布: monthly data releases.
    Data,
    /// 在线访谈: neither the list nor the pages carry a date.
    Interview,
    /// A finished topic (专题), excluded by configuration.
    Topic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListStyle {
    Ul,
    Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    Dash,
    Bracket,
    Cn,
    /// The list shows no date.
    None,
}

struct Column {
    /// Directory without slashes at the ends, e.g. `xwdt/gzdt`.
    dir: &'static str,
    name: &'static str,
    /// `<meta name="ColumnType">`.
    ctype: &'static str,
    /// The category an inspector gives this column (what the checks must find).
    category: &'static str,
    /// Section (`xwdt`, …) and its name, or `None` for a first-level column.
    section: Option<(&'static str, &'static str)>,
    kind: Kind,
    count: usize,
    /// Newest item is `first` days before the check point, then one every `step` days.
    first: i64,
    step: i64,
    per_page: usize,
    list: ListStyle,
    dates: DateStyle,
}

const XWDT: (&str, &str) = ("xwdt", "要闻动态");
const ZCWJ: (&str, &str) = ("zcwj", "政策文件");
const HDJL: (&str, &str) = ("hdjl", "互动交流");

const COLUMNS: &[Column] = &[
    Column {
        dir: "xwdt/gzdt",
        name: "工作动态",
        ctype: "工作动态",
        category: "news",
        section: Some(XWDT),
        kind: Kind::News,
        count: 24,
        first: 1,
        step: 2,
        per_page: 10,
        list: ListStyle::Ul,
        dates: DateStyle::Dash,
    },
    Column {
        dir: "xwdt/tpxw",
        name: "图片新闻",
        ctype: "图片新闻",
        category: "news",
        section: Some(XWDT),
        kind: Kind::Photo,
        count: 8,
        first: 2,
        step: 4,
        per_page: 12,
        list: ListStyle::Ul,
        dates: DateStyle::Dash,
    },
    Column {
        dir: "zcwj/bl",
        name: "部令",
        ctype: "政策文件",
        category: "policy",
        section: Some(ZCWJ),
        kind: Kind::Decree,
        count: 4,
        first: 25,
        step: 40,
        per_page: 15,
        list: ListStyle::Table,
        dates: DateStyle::Cn,
    },
    Column {
        dir: "zcwj/gfxwj",
        name: "规范性文件",
        ctype: "政策文件",
        category: "policy",
        section: Some(ZCWJ),
        kind: Kind::Policy,
        // 6 documents, then the interpretation scenarios (see `CASES`)
        count: GFXWJ_BASE + CASES.len(),
        first: 10,
        step: 21,
        per_page: 15,
        list: ListStyle::Table,
        dates: DateStyle::Cn,
    },
    Column {
        dir: "zcwj/zcjd",
        name: "政策解读",
        ctype: "政策解读",
        category: "interpretation",
        section: Some(ZCWJ),
        kind: Kind::Interp,
        // 6 interpretations, then those of the scenarios that have one (see `CASES`)
        count: ZCJD_BASE + CASE_INTERPS,
        first: 10,
        step: 21,
        per_page: 15,
        list: ListStyle::Ul,
        dates: DateStyle::Dash,
    },
    Column {
        dir: "tzgg",
        name: "通知公告",
        ctype: "通知公告",
        category: "notice",
        section: None,
        kind: Kind::Notice,
        count: 14,
        first: 3,
        step: 5,
        per_page: 8,
        list: ListStyle::Ul,
        dates: DateStyle::Bracket,
    },
    Column {
        dir: "rsxx",
        name: "人事信息",
        ctype: "人事信息",
        category: "personnel",
        section: None,
        kind: Kind::Personnel,
        count: 5,
        first: 30,
        step: 45,
        per_page: 15,
        list: ListStyle::Ul,
        dates: DateStyle::Cn,
    },
    Column {
        dir: "hdjl/lyxd",
        name: "留言选登",
        ctype: "咨询投诉",
        category: "consultation",
        section: Some(HDJL),
        kind: Kind::Message,
        count: 6,
        first: 4,
        step: 9,
        per_page: 15,
        list: ListStyle::Ul,
        dates: DateStyle::Dash,
    },
    Column {
        dir: "hdjl/zjdc",
        name: "征集调查",
        ctype: "征集调查",
        category: "solicitation",
        section: Some(HDJL),
        kind: Kind::Survey,
        count: 4,
        first: 20,
        step: 50,
        per_page: 15,
        list: ListStyle::Ul,
        dates: DateStyle::Dash,
    },
    Column {
        dir: "xwdt/dfkx",
        name: "地方快讯",
        ctype: "工作动态",
        category: "news",
        section: Some(XWDT),
        kind: Kind::News,
        count: 6,
        // stale: 3 days over the 2-week window
        first: 17,
        step: 5,
        per_page: 10,
        list: ListStyle::Ul,
        dates: DateStyle::Dash,
    },
    Column {
        dir: "xwdt/spxw",
        name: "视频新闻",
        ctype: "视频新闻",
        category: "news",
        section: Some(XWDT),
        kind: Kind::News,
        count: 7,
        // the list shows no dates; the articles carry them (fresh)
        first: 3,
        step: 4,
        per_page: 5,
        list: ListStyle::Ul,
        dates: DateStyle::None,
    },
    Column {
        dir: "sjfb/szyb",
        name: "水质月报",
        ctype: "数据发布",
        category: "data",
        section: None,
        kind: Kind::Data,
        count: 4,
        // stale: a few days over 3 months
        first: 96,
        step: 30,
        per_page: 15,
        list: ListStyle::Ul,
        dates: DateStyle::Dash,
    },
    Column {
        dir: "gsgg",
        name: "公示公告",
        ctype: "通知公告",
        category: "notice",
        section: None,
        kind: Kind::Notice,
        // empty: the list says 暂无信息
        count: 0,
        first: 1,
        step: 1,
        per_page: 15,
        list: ListStyle::Ul,
        dates: DateStyle::Dash,
    },
    Column {
        dir: "ghjh",
        name: "规划计划",
        ctype: "规划计划",
        category: "personnel",
        section: None,
        kind: Kind::Personnel,
        // the first row is pinned (置顶) and 500 days old; the newest is 100 days old (fresh)
        count: 5,
        first: 40,
        step: 60,
        per_page: 15,
        list: ListStyle::Ul,
        dates: DateStyle::Cn,
    },
    Column {
        dir: "hdjl/zxft",
        name: "在线访谈",
        ctype: "在线访谈",
        category: "other",
        section: Some(HDJL),
        kind: Kind::Interview,
        // undated everywhere: counts as not updated
        count: 7,
        first: 6,
        step: 20,
        per_page: 5,
        list: ListStyle::Ul,
        dates: DateStyle::None,
    },
    Column {
        dir: "ztzl/lsbw",
        name: "打赢蓝天保卫战专题",
        ctype: "专题专栏",
        category: "other",
        section: None,
        kind: Kind::Topic,
        // a finished topic, two years old: `exclude = true` in the targets
        count: 5,
        first: 700,
        step: 30,
        per_page: 15,
        list: ListStyle::Ul,
        dates: DateStyle::Dash,
    },
];

const SECTIONS: &[(&str, &str)] = &[XWDT, ZCWJ, HDJL];

const C_GZDT: usize = 0;
const C_TPXW: usize = 1;
const C_BL: usize = 2;
const C_GFXWJ: usize = 3;
const C_ZCJD: usize = 4;
const C_TZGG: usize = 5;
const C_RSXX: usize = 6;
const GZDT_RESTAMPED: usize = 12;
const TZGG_BEFORE_URL: usize = 7;
const C_GHJH: usize = 13;
/// The first 规范性文件 / 政策解读 index of the interpretation scenarios.
const GFXWJ_BASE: usize = 6;
const ZCJD_BASE: usize = 6;

/// Policy interpretation scenarios: each adds one 规范性文件 (index `GFXWJ_BASE + k`) and, when it
/// has one, its interpretation (政策解读 index `ZCJD_BASE + k`). The first six 规范性文件 are
/// outcomes too: 0–3 linked both ways on the same day (fine), 4–5 matched by the quoted title
/// only, on the same day, with no link either way (`unlinked_interpretation`). The four 部令 have
/// no interpretation (`missing_interpretation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// Interpretation 5 working days later, linked both ways: `late_interpretation`.
    Late,
    /// Interpretation 3 working days later across a weekend and a (configured) holiday: fine.
    OverHoliday,
    /// Matched only by the document number quoted in the interpretation: no link, other title.
    DocNumberOnly,
    /// The document links its interpretation, which does not link back.
    DocLinksOnly,
    /// The interpretation links its document, which does not link to it.
    InterpLinksOnly,
    /// No interpretation at all: `missing_interpretation`.
    NoInterpretation,
    /// A personnel notice (任免): excluded by title, no finding.
    Personnel,
}

pub(crate) const CASES: &[(Case, &str, &str)] = &[
    (
        Case::Late,
        "生态环境信息公开实施细则",
        "《生态环境信息公开实施细则》政策解读",
    ),
    (
        Case::OverHoliday,
        "排污许可证申请与核发办法",
        "一图读懂《排污许可证申请与核发办法》",
    ),
    (
        Case::DocNumberOnly,
        "固体废物跨省转移审批规程",
        "一图读懂：跨省转移审批新规要点",
    ),
    (
        Case::DocLinksOnly,
        "环境影响评价公众参与细则",
        "《环境影响评价公众参与细则》解读",
    ),
    (
        Case::InterpLinksOnly,
        "生态环境执法案卷评查办法",
        "司负责人就《生态环境执法案卷评查办法》答记者问",
    ),
    (Case::NoInterpretation, "温室气体自愿减排管理规则", ""),
    (Case::Personnel, "", ""),
];
/// Scenarios with an interpretation: the first five of `CASES`.
const CASE_INTERPS: usize = 5;

/// The calendar of the sample: China's official one plus the sample's configured holiday.
pub(crate) fn sample_calendar(as_of: NaiveDate) -> Calendar {
    Calendar::china().with(&[sample_holiday(as_of)], &[])
}

/// The Thursday before the `OverHoliday` document's Friday holiday: the latest Thursday at least
/// 60 days before the check point whose Thursday, Friday and next Monday–Wednesday are ordinary
/// working days in the official calendar, and whose weekend is not worked.
fn holiday_case_thursday(as_of: NaiveDate) -> NaiveDate {
    let china = Calendar::china();
    let mut d = as_of - chrono::Duration::days(60);
    while d.weekday() != chrono::Weekday::Thu {
        d = d.pred_opt().expect("date");
    }
    loop {
        let working = |k: i64| china.is_working_day(d + chrono::Duration::days(k));
        if [0, 1, 4, 5, 6].into_iter().all(working) && ![2, 3].into_iter().any(working) {
            return d;
        }
        d -= chrono::Duration::days(7);
    }
}

/// The holiday `[calendar] holidays` of the sample's targets declares: the Friday after
/// the `OverHoliday` document.
pub(crate) fn sample_holiday(as_of: NaiveDate) -> NaiveDate {
    holiday_case_thursday(as_of) + chrono::Duration::days(1)
}

/// (document date, interpretation date) of scenario `k`.
fn case_dates(as_of: NaiveDate, k: usize) -> (NaiveDate, NaiveDate) {
    let cal = sample_calendar(as_of);
    let working_before = |mut d: NaiveDate| {
        while !cal.is_working_day(d) {
            d = d.pred_opt().expect("date");
        }
        d
    };
    match CASES[k].0 {
        Case::Late => {
            let p = working_before(as_of - chrono::Duration::days(40));
            (p, cal.add_working_days(p, 5))
        }
        Case::OverHoliday => {
            let p = holiday_case_thursday(as_of);
            (p, cal.add_working_days(p, 3))
        }
        _ => {
            let p = working_before(as_of - chrono::Duration::days(80 + 7 * k as i64));
            (p, p)
        }
    }
}

/// Title of a scenario's document or interpretation, if `(c, i)` is one.
fn case_title(c: usize, i: usize) -> Option<String> {
    match c {
        C_GFXWJ if i >= GFXWJ_BASE => Some(match CASES[i - GFXWJ_BASE] {
            (Case::Personnel, _, _) => "关于张某某等同志任免的通知".to_string(),
            (_, doc, _) => format!("关于印发《{doc}》的通知"),
        }),
        C_ZCJD if i >= ZCJD_BASE => Some(CASES[i - ZCJD_BASE].2.to_string()),
        _ => None,
    }
}

/// What the interpretation check must report for a policy article, with the interpretation that
/// proves it (`None`: nothing to report).
fn expected_interpretation_finding(c: usize, i: usize) -> Option<&'static str> {
    match (c, i) {
        (C_BL, _) => Some("missing_interpretation"),
        (C_GFXWJ, 0..=3) => None,
        (C_GFXWJ, 4 | 5) => Some("unlinked_interpretation"),
        (C_GFXWJ, i) => match CASES[i - GFXWJ_BASE].0 {
            Case::Late => Some("late_interpretation"),
            Case::OverHoliday | Case::Personnel => None,
            Case::DocNumberOnly | Case::DocLinksOnly | Case::InterpLinksOnly => {
                Some("unlinked_interpretation")
            }
            Case::NoInterpretation => Some("missing_interpretation"),
        },
        _ => None,
    }
}
const C_ZT: usize = 15;

/// Index of the 通知公告 list page served as GBK (`index_1.html`).
const TZGG_GBK_LIST_PAGE: usize = 1;

const DEPTS: &[&str] = &[
    "办公厅",
    "法规与标准司",
    "大气环境司",
    "水生态环境司",
    "土壤生态环境司",
    "生态环境监测司",
    "生态环境执法局",
    "科技与财务司",
];

const SOURCES: &[&str] = &["本部网站", "办公厅", "新华社", "人民日报", "中国环境报"];

#[derive(Debug, Clone)]
struct Art {
    col: usize,
    idx: usize,
    id: u64,
    date: NaiveDate,
    hm: (u32, u32),
    title: String,
    path: String,
    cs: Cs,
}

impl Art {
    fn dir(&self) -> String {
        self.path[..self.path.rfind('/').unwrap_or(0) + 1].to_string()
    }
}

fn col_index(c: usize) -> String {
    format!("/{}/index.html", COLUMNS[c].dir)
}

fn list_path(c: usize, k: usize) -> String {
    if k == 0 {
        col_index(c)
    } else {
        format!("/{}/index_{k}.html", COLUMNS[c].dir)
    }
}

fn pages_of(c: usize) -> usize {
    COLUMNS[c].count.div_ceil(COLUMNS[c].per_page).max(1)
}

fn title_for(c: usize, i: usize, d: NaiveDate) -> String {
    if let Some(t) = case_title(c, i) {
        return t;
    }
    let topic = TOPICS[(i * 4 + c * 3) % TOPICS.len()];
    let prov = PROVINCES[(i * 5 + c * 2) % PROVINCES.len()];
    let dept = pick(DEPTS, i + c);
    let year = d.year();
    match COLUMNS[c].kind {
        Kind::News => match i % 4 {
            0 => format!("{dept}召开{topic}工作推进会"),
            1 => format!("{prov}扎实推进{topic}工作"),
            2 => format!("部领导赴{prov}调研{topic}工作"),
            _ => format!("{topic}专题培训班在{prov}举办"),
        },
        Kind::Photo => format!("部领导在{prov}检查{topic}工作"),
        Kind::Decree => format!("{topic}管理办法（部令第{}号）", 40 - i),
        Kind::Policy => format!("关于印发《{}管理规定》的通知", TOPICS[i % TOPICS.len()]),
        Kind::Interp => format!("《{}管理规定》政策解读", TOPICS[i % TOPICS.len()]),
        Kind::Notice => match i % 3 {
            0 => format!("关于开展{year}年度{topic}工作的通知"),
            1 => format!("关于{topic}有关事项的公告"),
            _ => format!("关于公布{year}年{topic}先进典型名单的通知"),
        },
        Kind::Personnel => match i % 2 {
            0 => format!("{year}年度考试录用公务员拟录用人员公示（第{}批）", 5 - i),
            _ => format!("{SHORT}直属单位{year}年公开招聘工作人员公告"),
        },
        Kind::Message => format!("关于{prov}{topic}有关问题的咨询"),
        Kind::Survey => format!("关于征求《{topic}技术规范（征求意见稿）》意见的通知"),
        Kind::Data => format!("{year}年{}月全国地表水水质月报", d.month()),
        Kind::Interview => format!("{dept}负责同志就{topic}工作接受在线访谈"),
        Kind::Topic => format!("{prov}打赢蓝天保卫战{topic}工作进展"),
    }
}

struct Plan {
    arts: Vec<Vec<Art>>,
}

impl Plan {
    fn new(as_of: NaiveDate) -> Plan {
        let mut next_id = 1_157_001u64;
        let mut arts = Vec::new();
        for (c, col) in COLUMNS.iter().enumerate() {
            let mut v = Vec::new();
            for i in 0..col.count {
                let days = if (c, i) == (C_GHJH, 0) {
                    500
                } else {
                    col.first + col.step * i as i64
                };
                let scenario = match c {
                    C_GFXWJ if i >= GFXWJ_BASE => Some(case_dates(as_of, i - GFXWJ_BASE).0),
                    C_ZCJD if i >= ZCJD_BASE => Some(case_dates(as_of, i - ZCJD_BASE).1),
                    _ => None,
                };
                let date = scenario.unwrap_or(as_of - chrono::Duration::days(days));
                // scenario articles take ids of their own, so the others keep theirs
                let id = if scenario.is_some() {
                    1_158_501 + (c * 100 + i) as u64
                } else {
                    next_id += 1;
                    next_id - 1
                };
                let path = if col.kind == Kind::Interview {
                    format!("/{}/content_{}.html", col.dir, id)
                } else {
                    format!("/{}/{}/t{}_{}.html", col.dir, ym(date), ymd(date), id)
                };
                let cs = match (c, i) {
                    (C_TZGG, 3) => Cs::GbkMeta,
                    (C_TZGG, 9) => Cs::GbkMeta,
                    (C_GFXWJ, 2) => Cs::Gb2312,
                    _ => Cs::Utf8,
                };
                v.push(Art {
                    col: c,
                    idx: i,
                    id,
                    date,
                    hm: (8 + (i as u32 * 3) % 10, [0, 10, 20, 30, 40, 50][i % 6]),
                    title: title_for(c, i, date),
                    path,
                    cs,
                });
            }
            arts.push(v);
        }
        Plan { arts }
    }

    fn art(&self, c: usize, i: usize) -> &Art {
        &self.arts[c][i]
    }
}

/// The paths of the portal's special behaviours (documented for the crawler engineer).
pub(crate) mod special {
    /// Always `503`.
    pub const ALWAYS_503: &str = "/sjfb/kqzl/index.html";
    /// Always `429` with `Retry-After: 1`.
    pub const ALWAYS_429: &str = "/hdjl/zxzx/index.html";
    /// `302` to `LOOP_B`, which `302`s back.
    pub const LOOP_A: &str = "/loop/a";
    pub const LOOP_B: &str = "/loop/b";
    /// `200` page saying 您访问的页面不存在.
    pub const SOFT_404: &str = "/ztzl/2019zt/index.html";
    /// `301` to `/zcwj/index.html`.
    pub const MOVED: &str = "/xxgk/index.html";
    /// Missing, linked from the homepage.
    pub const HOME_MISSING: &str = "/ztzl/2025zt/index.html";
    /// Missing stylesheet, linked from the 部令 list page.
    pub const MISSING_CSS: &str = "/css/print.css";
    /// Missing page whose link text starts with `=`.
    pub const FORMULA_MISSING: &str = "/xwdt/gzdt/hyperlink.html";
    /// The site map, answered after 1 s.
    pub const SLOW_SITEMAP: &str = "/wzdt/index.html";
    /// Robots-disallowed page (exists; never to be requested).
    pub const PRIVATE: &str = "/private/nbtz/index.html";
}

/// Builds the portal.
pub(crate) fn build(ctx: &Ctx) -> SiteContent {
    let mut site = SiteContent::new("portal", ctx.portal.clone());
    site.disallow = vec!["/private/".to_string()];
    site.not_found_body = not_found_page().into_bytes();
    let plan = Plan::new(ctx.as_of);

    assets(&mut site);
    site.insert(
        "/robots.txt",
        Resource::new(
            "text/plain; charset=utf-8",
            b"User-agent: *\nDisallow: /private/\n".to_vec(),
        ),
    );

    let home = homepage(ctx, &plan);
    site.insert("/", home);
    for s in SECTIONS {
        let r = section_page(ctx, &plan, s);
        site.insert(&format!("/{}/index.html", s.0), r);
    }
    for (c, col) in COLUMNS.iter().enumerate() {
        for k in 0..pages_of(c) {
            let r = list_page(ctx, &plan, c, k);
            site.insert(&list_path(c, k), r);
        }
        for i in 0..col.count {
            article(ctx, &plan, &mut site, c, i);
        }
    }
    mailbox::build(ctx, &mut site);
    specials(ctx, &plan, &mut site);
    site
}

fn assets(site: &mut SiteContent) {
    for p in [
        "/css/common.css",
        "/js/jquery.min.js",
        "/js/common.js",
        "/images/logo.png",
        "/images/red.png",
        "/images/jgbs.png",
    ] {
        site.insert(p, attachment(p, ""));
    }
    site.insert(
        "/favicon.ico",
        Resource::new("image/x-icon", super::html::TINY_PNG.to_vec()),
    );
}

/// The real 404 page of the portal and unit-a.
pub(crate) fn not_found_page() -> String {
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>\n<body><h1>404 Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n".to_string()
}

/// The portal's soft-404 page (served with `200`).
fn soft_404_page() -> String {
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>页面不存在</title></head>\n<body><div class=\"error\"><p>抱歉，您访问的页面不存在或已被删除！</p><p><a href=\"/\">返回首页</a></p></div></body></html>\n".to_string()
}

fn head(p: &mut PageBuilder, cs: Cs, title: &str, metas: &[(&str, String)], base: Option<&str>) {
    p.raw("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n");
    p.raw(match cs {
        Cs::Utf8 => "<meta charset=\"utf-8\">\n",
        Cs::GbkMeta => "<meta charset=\"gbk\">\n",
        Cs::Gb2312 => "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\n",
    });
    p.raw("<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">\n");
    p.raw(&format!("<title>{}</title>\n", esc(title)));
    for (k, v) in metas {
        p.raw(&format!(
            "<meta name=\"{k}\" content=\"{}\">\n",
            esc_attr(v)
        ));
    }
    if let Some(b) = base {
        p.base(b);
    }
    p.link_rel("shortcut icon", "/favicon.ico");
    p.stylesheet("/css/common.css");
    p.script("/js/jquery.min.js");
    p.script("/js/common.js");
    p.raw("</head>\n<body>\n<a name=\"top\"></a>\n");
}

fn site_metas(ctx: &Ctx) -> Vec<(&'static str, String)> {
    vec![
        ("SiteName", SITE_NAME.to_string()),
        ("SiteDomain", super::content::authority(&ctx.portal)),
        ("SiteIDCode", SITE_ID_CODE.to_string()),
    ]
}

fn column_metas(ctx: &Ctx, name: &str, ctype: &str) -> Vec<(&'static str, String)> {
    let mut m = site_metas(ctx);
    m.push(("ColumnName", name.to_string()));
    m.push(("ColumnDescription", name.to_string()));
    m.push(("ColumnKeywords", format!("{name},{SITE_NAME}")));
    m.push(("ColumnType", ctype.to_string()));
    m
}

fn header(p: &mut PageBuilder, ctx: &Ctx) {
    p.raw("<div class=\"header\"><div class=\"top\"><span class=\"today\">");
    // today's date in the header: a date that is NOT a publication date
    p.text(&cn(ctx.as_of));
    p.raw("</span> ");
    p.a_attrs(
        "javascript:void(0)",
        "无障碍浏览",
        "onclick=\"aria.start()\"",
    );
    p.raw("</div>\n<div class=\"logo\">");
    p.a_img("/", "/images/logo.png", SITE_NAME);
    p.raw("</div>\n<form action=\"/search/index.html\" method=\"get\"><input name=\"searchword\" type=\"text\"><button type=\"submit\">搜索</button></form>\n");
    p.raw("<ul class=\"nav\">\n<li>");
    p.a("/", "首页");
    p.raw("</li>\n");
    for (dir, name) in [
        ("/xwdt/index.html", "要闻动态"),
        ("/zcwj/index.html", "政策文件"),
        ("/tzgg/index.html", "通知公告"),
        ("/rsxx/index.html", "人事信息"),
        ("/hdjl/index.html", "互动交流"),
    ] {
        p.raw("<li>");
        p.a(dir, name);
        p.raw("</li>\n");
    }
    p.raw("</ul></div>\n");
}

fn footer(p: &mut PageBuilder, ctx: &Ctx) {
    p.raw("<div class=\"footer\">\n<p>");
    p.a(special::SLOW_SITEMAP, "网站地图");
    p.raw(" | ");
    p.a("/lxwm/index.html", "联系我们");
    p.raw(" | ");
    p.a_attrs(
        "javascript:void(0)",
        "加入收藏",
        "onclick=\"addFavorite()\"",
    );
    p.raw(" | ");
    // `#top` would resolve against a <base href>, so that page scrolls by script
    let top = if p.has_base() {
        "javascript:scroll(0,0)"
    } else {
        "#top"
    };
    p.a(top, "返回顶部");
    p.raw("</p>\n<p>主办单位：");
    p.text(SITE_NAME);
    p.raw("　　网站标识码：");
    p.text(SITE_ID_CODE);
    p.raw("</p>\n<p>");
    let ok = ctx.external.join("ok.html").expect("url");
    p.a_attrs(ok.as_str(), ICP, "target=\"_blank\"");
    p.raw("　");
    p.img("/images/jgbs.png", "");
    let ga = ctx
        .external
        .join("ok.html?recordcode=11010202000099")
        .expect("url");
    p.a_attrs(
        ga.as_str(),
        "京公网安备 11010202000099号",
        "target=\"_blank\"",
    );
    p.raw("</p>\n<p>");
    let red = ctx
        .external
        .join("ok.html?sitecode=bm17000099")
        .expect("url");
    p.a_img(red.as_str(), "/images/red.png", "党政机关");
    p.raw("</p>\n</div>\n</body>\n</html>\n");
}

fn homepage(ctx: &Ctx, plan: &Plan) -> Resource {
    let mut p = PageBuilder::new(ctx.portal.clone());
    let mut metas = site_metas(ctx);
    metas.push(("Keywords", format!("{SHORT},生态环境,政务公开")));
    head(&mut p, Cs::Utf8, SITE_NAME, &metas, None);
    header(&mut p, ctx);

    // photo carousel
    p.raw("<div class=\"tpxw\" id=\"slide\"><ul>\n");
    for a in plan.arts[C_TPXW].iter().take(4) {
        let img = format!("{}W0{}{}_1.jpg", a.dir(), ymd(a.date), a.id);
        p.raw("<li>");
        let href = p.rel(&a.path);
        p.a_img(&href, &img, &a.title);
        p.raw("<p>");
        p.a_attrs(&href, &a.title, "target=\"_blank\"");
        p.raw("</p></li>\n");
    }
    p.raw("</ul></div>\n");

    type Block = (&'static str, usize, usize, fn(NaiveDate) -> String);
    let blocks: [Block; 4] = [
        ("要闻动态", C_GZDT, 8, dash),
        ("通知公告", C_TZGG, 6, bracket),
        ("政策解读", C_ZCJD, 4, dash),
        ("人事信息", C_RSXX, 3, dash),
    ];
    for (name, c, n, fmt) in blocks {
        p.raw("<div class=\"block\"><div class=\"hd\"><h3>");
        p.text(name);
        p.raw("</h3>");
        let more = p.rel(&col_index(c));
        p.a_attrs(&more, "更多>>", "class=\"more\"");
        p.raw("</div><ul>\n");
        for a in plan.arts[c].iter().take(n) {
            p.raw("<li>");
            let href = p.rel(&a.path);
            p.a_attrs(
                &href,
                &a.title,
                &format!("target=\"_blank\" title=\"{}\"", esc_attr(&a.title)),
            );
            p.raw(&format!("<span>{}</span></li>\n", fmt(a.date)));
        }
        p.raw("</ul></div>\n");
    }

    // policy files: decrees and normative documents, newest first
    let mut pol: Vec<&Art> = plan.arts[C_BL]
        .iter()
        .chain(plan.arts[C_GFXWJ].iter())
        .collect();
    pol.sort_by_key(|a| std::cmp::Reverse(a.date));
    p.raw("<div class=\"block\"><div class=\"hd\"><h3>政策文件</h3>");
    p.a_attrs("/zcwj/index.html", "更多>>", "class=\"more\"");
    p.raw("</div><ul>\n");
    for a in pol.iter().take(5) {
        p.raw("<li>");
        let href = p.rel(&a.path);
        p.a_attrs(&href, &a.title, "target=\"_blank\"");
        p.raw(&format!("<span>{}</span></li>\n", dash(a.date)));
    }
    p.raw("</ul></div>\n");

    p.raw("<div class=\"hdjl\"><h3>互动交流</h3><ul>\n<li>");
    p.a("/hdjl/lyxd/index.html", "留言选登");
    p.raw("</li>\n<li>");
    p.a("/hdjl/zjdc/index.html", "征集调查");
    p.raw("</li>\n</ul></div>\n");

    p.raw("<div class=\"ztzl\"><h3>专题专栏</h3><ul>\n<li>");
    p.a_attrs(
        special::HOME_MISSING,
        "深入打好污染防治攻坚战",
        "target=\"_blank\"",
    );
    p.raw("</li>\n<li>");
    p.a_attrs(
        "/xwdt/tpxw/index.html",
        "美丽中国建设图片展",
        "target=\"_blank\"",
    );
    p.raw("</li>\n<li>");
    p.a_attrs(&col_index(C_ZT), COLUMNS[C_ZT].name, "target=\"_blank\"");
    p.raw("</li>\n</ul></div>\n");

    p.raw("<div class=\"links\"><h3>部属单位</h3>");
    p.a_attrs(
        ctx.unit_a.as_str(),
        super::units::UNIT_A_NAME,
        "target=\"_blank\"",
    );
    p.raw(" ");
    p.a_attrs(
        ctx.unit_b.as_str(),
        super::units::UNIT_B_NAME,
        "target=\"_blank\"",
    );
    p.raw("<h3>友情链接</h3>");
    let ok = ctx.external.join("ok.html").expect("url");
    p.a_attrs(ok.as_str(), "中国政府网", "target=\"_blank\"");
    p.raw("</div>\n");
    footer(&mut p, ctx);
    p.finish(false)
}

fn crumbs(p: &mut PageBuilder, c: Option<usize>, section: Option<(&str, &str)>) {
    p.raw("<div class=\"crumbs\">当前位置：");
    let home = p.rel("/");
    p.a(&home, "首页");
    if let Some((sdir, sname)) = section {
        p.raw(" &gt; ");
        let h = p.rel(&format!("/{sdir}/index.html"));
        p.a(&h, sname);
    }
    if let Some(c) = c {
        p.raw(" &gt; ");
        let h = p.rel(&col_index(c));
        p.a(&h, COLUMNS[c].name);
    }
    p.raw("</div>\n");
}

fn section_page(ctx: &Ctx, plan: &Plan, s: &(&str, &str)) -> Resource {
    let url = ctx
        .portal
        .join(&format!("/{}/index.html", s.0))
        .expect("url");
    let mut p = PageBuilder::new(url);
    let ctype = match s.0 {
        "xwdt" => "工作动态",
        "zcwj" => "政策文件",
        _ => "咨询投诉",
    };
    // A channel page: several columns' blocks, no column tags of its own.
    let _ = ctype;
    head(
        &mut p,
        Cs::Utf8,
        &format!("{}_{SHORT}", s.1),
        &site_metas(ctx),
        None,
    );
    header(&mut p, ctx);
    crumbs(&mut p, None, Some(*s));
    for (c, col) in COLUMNS.iter().enumerate() {
        if col.section.map(|x| x.0) != Some(s.0) {
            continue;
        }
        p.raw("<div class=\"block\"><div class=\"hd\"><h3>");
        let h = p.rel(&col_index(c));
        p.a(&h, col.name);
        p.raw("</h3>");
        p.a_attrs(&h, "更多", "class=\"more\"");
        p.raw("</div><ul>\n");
        for a in plan.arts[c].iter().take(6) {
            p.raw("<li>");
            let href = p.rel(&a.path);
            p.a_attrs(&href, &a.title, "target=\"_blank\"");
            if col.dates == DateStyle::None {
                p.raw("</li>\n");
            } else {
                p.raw(&format!("<span>{}</span></li>\n", bracket(a.date)));
            }
        }
        p.raw("</ul></div>\n");
    }
    if s.0 == HDJL.0 {
        mailbox::section_links(&mut p);
    }
    footer(&mut p, ctx);
    p.finish(false)
}

fn fmt_date(style: DateStyle, d: NaiveDate) -> String {
    match style {
        DateStyle::Dash => dash(d),
        DateStyle::Bracket => bracket(d),
        DateStyle::Cn => cn(d),
        DateStyle::None => String::new(),
    }
}

fn list_page(ctx: &Ctx, plan: &Plan, c: usize, k: usize) -> Resource {
    let col = &COLUMNS[c];
    let url = ctx.portal.join(&list_path(c, k)).expect("url");
    let mut p = PageBuilder::new(url);
    let cs = match (c, k) {
        (C_TZGG, TZGG_GBK_LIST_PAGE) => Cs::Gb2312,
        (C_RSXX, 0) => Cs::GbkMeta,
        _ => Cs::Utf8,
    };
    head(
        &mut p,
        cs,
        &format!("{}_{SHORT}", col.name),
        &column_metas(ctx, col.name, col.ctype),
        None,
    );
    if c == C_BL {
        // planted: a stylesheet that is no longer on the server
        p.stylesheet(special::MISSING_CSS);
    }
    header(&mut p, ctx);
    crumbs(&mut p, None, col.section);
    p.raw(&format!(
        "<div class=\"main\"><div class=\"lm_name\">{}</div>\n",
        esc(col.name)
    ));
    let n = pages_of(c);
    let items = &plan.arts[c][k * col.per_page..((k + 1) * col.per_page).min(col.count)];
    match col.list {
        ListStyle::Ul if items.is_empty() => {
            p.raw("<ul class=\"list\"></ul>\n<p class=\"empty\">暂无信息</p>\n");
        }
        ListStyle::Ul => {
            p.raw("<ul class=\"list\">\n");
            for a in items {
                p.raw("<li>");
                if (c, a.idx) == (C_GHJH, 0) {
                    p.raw("<span class=\"zd\">[置顶]</span>");
                }
                let href = p.rel(&a.path);
                p.a_attrs(
                    &href,
                    &a.title,
                    &format!("target=\"_blank\" title=\"{}\"", esc_attr(&a.title)),
                );
                if col.dates == DateStyle::None {
                    p.raw("</li>\n");
                } else {
                    p.raw(&format!(
                        "<span class=\"date\">{}</span></li>\n",
                        fmt_date(col.dates, a.date)
                    ));
                }
            }
            p.raw("</ul>\n");
        }
        ListStyle::Table => {
            p.raw("<table class=\"zcwj\" width=\"100%\">\n<tr><th>标题</th><th>文号</th><th>发布日期</th></tr>\n");
            for a in items {
                p.raw("<tr><td>");
                let href = p.rel(&a.path);
                p.a_attrs(&href, &a.title, "target=\"_blank\"");
                p.raw(&format!(
                    "</td><td>{}</td><td>{}</td></tr>\n",
                    esc(&doc_number(a)),
                    fmt_date(col.dates, a.date)
                ));
            }
            p.raw("</table>\n");
        }
    }
    if c == C_TZGG && k == 0 {
        p.raw("<p class=\"nw\">");
        p.a(special::PRIVATE, "内部通知（仅限内网访问）");
        p.raw("</p>\n");
    }
    // TRS pagination
    p.raw(&format!("<div class=\"page\">共{n}页 "));
    let name = |i: usize| {
        if i == 0 {
            "index.html".to_string()
        } else {
            format!("index_{i}.html")
        }
    };
    p.a(&name(0), "首页");
    p.raw(" ");
    if k > 0 {
        p.a(&name(k - 1), "上一页");
    } else {
        p.raw("<span>上一页</span>");
    }
    p.raw(" ");
    if k + 1 < n {
        p.a(&name(k + 1), "下一页");
    } else {
        p.raw("<span>下一页</span>");
    }
    p.raw(" ");
    p.a(&name(n - 1), "尾页");
    p.raw("</div>\n");
    p.raw(&format!(
        "<script type=\"text/javascript\">\nvar countPage = {n}//共多少页\nvar currentPage = {k}//当前页\ncreatePageHTML({n}, {k}, \"index\", \"html\");\n</script>\n</div>\n"
    ));
    footer(&mut p, ctx);
    p.finish(cs != Cs::Utf8)
}

fn doc_number(a: &Art) -> String {
    match COLUMNS[a.col].kind {
        Kind::Decree => format!("部令第{}号", 40 - a.idx),
        _ => format!("环办〔{}〕{}号", a.date.year(), 10 + a.idx * 3),
    }
}

fn article(ctx: &Ctx, plan: &Plan, site: &mut SiteContent, c: usize, i: usize) {
    let col = &COLUMNS[c];
    let a = plan.art(c, i);
    let url = ctx.portal.join(&a.path).expect("url");
    let mut p = PageBuilder::new(url);
    let src = pick(SOURCES, i + c);
    let mut metas = column_metas(ctx, col.name, col.ctype);
    metas.retain(|(k, _)| *k != "ColumnDescription" && *k != "ColumnKeywords");
    let (meta_date, printed_date) = article_dates(a);
    let dated = col.kind != Kind::Interview;
    metas.push(("ArticleTitle", a.title.clone()));
    if dated {
        metas.push((
            "PubDate",
            format!("{} {:02}:{:02}", dash(meta_date), a.hm.0, a.hm.1),
        ));
    }
    metas.extend([
        ("ContentSource", src.to_string()),
        ("Keywords", TOPICS[(i + c) % TOPICS.len()].to_string()),
        ("Author", pick(DEPTS, i).to_string()),
        ("Description", a.title.clone()),
        ("Url", a.path.clone()),
    ]);
    // one article carries <base href> pointing at its column directory
    let base = if (c, i) == (C_GZDT, 4) {
        Some(
            ctx.portal
                .join(&format!("/{}/", col.dir))
                .expect("url")
                .to_string(),
        )
    } else {
        None
    };
    head(
        &mut p,
        a.cs,
        &format!("{}_{}_{SHORT}", a.title, col.name),
        &metas,
        base.as_deref(),
    );
    header(&mut p, ctx);
    crumbs(&mut p, Some(c), col.section);
    let published = if dated {
        format!(
            "<span>发布时间：{} {:02}:{:02}</span> ",
            dash(printed_date),
            a.hm.0,
            a.hm.1
        )
    } else {
        String::new()
    };
    p.raw(&format!(
        "<div class=\"article\">\n<h1>{}</h1>\n<div class=\"info\">{published}<span>来源：{}</span> ",
        esc(&a.title),
        esc(src)
    ));
    p.a("javascript:window.print()", "打印");
    p.raw(" ");
    p.a("javascript:window.close()", "关闭");
    p.raw(" ");
    let share = if p.has_base() {
        "javascript:void(0);"
    } else {
        "#"
    };
    p.a(share, "分享");
    p.raw("</div>\n");
    if matches!(col.kind, Kind::Decree | Kind::Policy) {
        p.raw(&format!(
            "<table class=\"xxgk\"><tr><td>索引号：</td><td>000014672/{}-{:05}</td><td>发文机关：</td><td>{}</td></tr>\n<tr><td>文号：</td><td>{}</td><td>成文日期：</td><td>{}</td></tr></table>\n",
            a.date.year(),
            a.id % 100_000,
            SHORT,
            esc(&doc_number(a)),
            cn(a.date)
        ));
    }
    p.raw("<div class=\"TRS_Editor\" id=\"zoom\">\n");
    if col.kind == Kind::Message {
        let reply = a.date + chrono::Duration::days(2);
        p.raw(&format!(
            "<p><b>留言标题：</b>{}</p><p><b>留言时间：</b>{}</p><p><b>留言内容：</b>{}</p><p><b>办理状态：</b>已答复</p><p><b>答复单位：</b>{}</p><p><b>答复时间：</b>{}</p><p><b>答复内容：</b>{}{}</p>\n",
            esc(&a.title),
            dash(a.date - chrono::Duration::days(5)),
            para(i + 1),
            pick(DEPTS, i + 2),
            dash(reply),
            para(i + 2),
            para(i + 3)
        ));
    } else {
        if c == C_ZCJD && i >= ZCJD_BASE && CASES[i - ZCJD_BASE].0 == Case::DocNumberOnly {
            let doc = plan.art(C_GFXWJ, i - ZCJD_BASE + GFXWJ_BASE);
            p.raw(&format!(
                "<p>近日，我部印发了新规（{}），现将要点图解如下。</p>\n",
                esc(&doc_number(doc))
            ));
        }
        for k in 0..(3 + (i + c) % 4) {
            p.raw(&format!("<p>{}</p>\n", para(i * 5 + k + c)));
        }
    }
    if col.kind == Kind::Photo {
        let name = format!("W0{}{}_1.jpg", ymd(a.date), a.id);
        p.raw("<p style=\"text-align:center\">");
        let src = p.rel(&format!("{}{}", a.dir(), name));
        p.img(&src, &a.title);
        p.raw("</p>\n");
        site.insert(&format!("{}{}", a.dir(), name), attachment(&name, ""));
    }
    extras(ctx, plan, site, &mut p, a);
    p.raw("</div>\n");
    attachments(plan, site, &mut p, a);
    related(plan, &mut p, a);
    // prev / next within the column
    p.raw("<div class=\"pn\">");
    if i > 0 {
        let o = plan.art(c, i - 1);
        p.raw("<p>上一篇：");
        let h = p.rel(&o.path);
        p.a(&h, &o.title);
        p.raw("</p>");
    }
    if i + 1 < col.count {
        let o = plan.art(c, i + 1);
        p.raw("<p>下一篇：");
        let h = p.rel(&o.path);
        p.a(&h, &o.title);
        p.raw("</p>");
    }
    p.raw("</div>\n</div>\n");
    footer(&mut p, ctx);
    let mut r = p.finish(a.cs != Cs::Utf8);
    if (c, i) == (C_GZDT, 6) {
        // transient: 503 on the first request, 200 afterwards
        r.behavior = Behavior::FailFirst(503);
    }
    site.insert(&a.path, r);
}

/// The (meta `PubDate`, printed) dates of an article: its date, except the two planted
/// suspect dates (a `PubDate` re-stamped 20 days after the printed date; both dates 10 days
/// before the date in the article's own URL).
fn article_dates(a: &Art) -> (NaiveDate, NaiveDate) {
    match (a.col, a.idx) {
        (C_GZDT, GZDT_RESTAMPED) => (a.date + chrono::Duration::days(20), a.date),
        (C_TZGG, TZGG_BEFORE_URL) => {
            let d = a.date - chrono::Duration::days(10);
            (d, d)
        }
        _ => (a.date, a.date),
    }
}

/// Attachments of notices and policy documents.
fn attachments(plan: &Plan, site: &mut SiteContent, p: &mut PageBuilder, a: &Art) {
    let kind = COLUMNS[a.col].kind;
    if !matches!(
        kind,
        Kind::Notice | Kind::Policy | Kind::Decree | Kind::Survey
    ) {
        return;
    }
    let _ = plan;
    p.raw("<div class=\"fj\"><p>附件：</p>\n");
    if (a.col, a.idx) == (C_TZGG, 3) {
        // GBK page with raw Chinese hrefs: one exists, one is missing (planted)
        let ymn = ym(a.date);
        let ok = format!("/files/{ymn}/附件1.pdf");
        p.raw("<p>");
        p.a(&ok, "附件1：拟表扬单位名单.pdf");
        p.raw("</p>\n<p>");
        p.a(
            &format!("/files/{ymn}/附件2.xlsx"),
            "附件2：申报汇总表.xlsx",
        );
        p.raw("</p>\n</div>\n");
        site.insert(&ok, attachment(&ok, "附件1"));
        return;
    }
    let base = format!("P0{}{}", ymd(a.date), a.id);
    let exts: &[&str] = match kind {
        Kind::Notice => &["pdf", "doc"],
        Kind::Survey => &["docx"],
        _ => &["pdf"],
    };
    let labels = ["名单", "申报表", "实施方案"];
    for (k, ext) in exts.iter().enumerate() {
        let name = format!("{base}{}.{ext}", k + 1);
        let label = format!(
            "附件{}：{}{}.{ext}",
            k + 1,
            TOPICS[(a.idx + k) % TOPICS.len()],
            labels[k % labels.len()]
        );
        let path = format!("{}{}", a.dir(), name);
        p.raw("<p>");
        let h = p.rel(&path);
        p.a(&h, &label);
        p.raw("</p>\n");
        if (a.col, a.idx, *ext) == (C_TZGG, 0, "doc") {
            // planted: the .doc was never uploaded
            continue;
        }
        let mut r = attachment(&name, &label);
        if (a.col, a.idx, *ext) == (C_TZGG, 4, "doc") {
            r.behavior = Behavior::HeadNotAllowed;
        }
        site.insert(&path, r);
    }
    p.raw("</div>\n");
}

/// Links between policy documents and their interpretations (关联).
fn related(plan: &Plan, p: &mut PageBuilder, a: &Art) {
    let case = |base: usize| a.idx.checked_sub(base).map(|k| CASES[k].0);
    let (other, label) = match COLUMNS[a.col].kind {
        Kind::Policy if a.idx < 4 => (plan.art(C_ZCJD, a.idx), "相关解读"),
        Kind::Interp if a.idx < 4 => (plan.art(C_GFXWJ, a.idx), "相关文件"),
        Kind::Policy
            if matches!(
                case(GFXWJ_BASE),
                Some(Case::Late | Case::OverHoliday | Case::DocLinksOnly)
            ) =>
        {
            (plan.art(C_ZCJD, a.idx - GFXWJ_BASE + ZCJD_BASE), "相关解读")
        }
        Kind::Interp
            if matches!(
                case(ZCJD_BASE),
                Some(Case::Late | Case::OverHoliday | Case::InterpLinksOnly)
            ) =>
        {
            (
                plan.art(C_GFXWJ, a.idx - ZCJD_BASE + GFXWJ_BASE),
                "相关文件",
            )
        }
        _ => return,
    };
    p.raw(&format!("<div class=\"xgjd\"><p>{label}：</p><ul><li>"));
    let h = p.rel(&other.path);
    p.a(&h, &other.title);
    p.raw("</li></ul></div>\n");
}

/// Per-article extra links: the planted defects and the tricky-but-fine links.
fn extras(ctx: &Ctx, plan: &Plan, site: &mut SiteContent, p: &mut PageBuilder, a: &Art) {
    // a missing article linked from two pages (relative on one, absolute on the other)
    let anchor = plan.art(C_GZDT, 1);
    let missing = format!("{}t{}_{}.html", anchor.dir(), ymd(anchor.date), 1_199_001);
    let missing_title = "关于进一步加强生态环境监测质量管理的意见";
    match (a.col, a.idx) {
        (C_GZDT, 1) => {
            p.raw("<p>详见：");
            let h = p.rel(&missing);
            p.a(&h, missing_title);
            p.raw("</p>\n");
        }
        (C_TZGG, 2) => {
            p.raw("<p>相关文件：");
            let abs = ctx.portal.join(&missing).expect("url");
            p.a_attrs(abs.as_str(), missing_title, "target=\"_blank\"");
            p.raw("</p>\n");
        }
        (C_GZDT, 2) => {
            p.raw("<p>原文链接：");
            let m = ctx.external.join("missing.html").expect("url");
            p.a_attrs(m.as_str(), "人民网相关报道", "target=\"_blank\"");
            p.raw("</p>\n<p>");
            let ok = ctx.external.join("ok.html").expect("url");
            p.a_attrs(
                &format!("{ok}#content"),
                "中国政府网相关报道",
                "target=\"_blank\"",
            );
            p.raw("</p>\n");
        }
        (C_GZDT, 3) => {
            p.raw("<p>");
            let cl = ctx.closed.join("xinwen/2026/index.html").expect("url");
            p.a_attrs(cl.as_str(), "新华网专题报道", "target=\"_blank\"");
            p.raw("</p>\n");
        }
        (C_GZDT, 4) => {
            // this page has <base href="/xwdt/gzdt/">: ./ and ../ resolve against it
            p.raw("<p>延伸阅读：");
            p.a("./index_1.html", "工作动态（第2页）");
            p.raw(" ");
            p.a("../tpxw/index.html", "图片新闻");
            p.raw(" ");
            p.a("../../tzgg/index.html#list", "通知公告");
            p.raw("</p>\n");
        }
        (C_GZDT, 5) => {
            p.raw("<p>");
            p.a(special::FORMULA_MISSING, "=HYPERLINK(\"x\")");
            p.raw("</p>\n");
        }
        (C_GZDT, 7) => {
            p.raw("<p>更多信息请访问");
            p.a(special::MOVED, "政府信息公开专栏");
            p.raw("。</p>\n");
        }
        (C_GZDT, 8) => {
            p.raw("<p>实时数据：");
            p.a_attrs(
                special::ALWAYS_503,
                "全国空气质量实时发布",
                "target=\"_blank\"",
            );
            p.raw("</p>\n");
        }
        (C_GZDT, 9) => {
            p.raw("<p>");
            p.a(special::LOOP_A, "监测数据查询");
            p.raw("</p>\n");
        }
        (C_GZDT, 10) => {
            p.raw("<p>");
            p.a(special::SOFT_404, "2019年专题回顾");
            p.raw("</p>\n");
        }
        (C_GZDT, 11) => {
            p.raw("<p>联系邮箱：");
            p.a("mailto:xxgk@sample.gov.cn", "xxgk@sample.gov.cn");
            p.raw("　电话：");
            p.a("tel:010-65645555", "010-65645555");
            p.raw("</p>\n");
        }
        (C_TZGG, 5) => {
            p.raw("<p>申报入口：");
            let f = ctx.external.join("forbidden").expect("url");
            p.a_attrs(
                f.as_str(),
                "全国一体化在线政务服务平台",
                "target=\"_blank\"",
            );
            p.raw("</p>\n");
        }
        (C_TZGG, 6) => {
            p.raw("<p>如有疑问，请通过");
            p.a(special::ALWAYS_429, "在线咨询");
            p.raw("栏目反映。</p>\n");
        }
        (C_TPXW, 1) => {
            p.raw("<p style=\"text-align:center\">");
            let src = p.rel(&format!("{}W0{}{}_2.jpg", a.dir(), ymd(a.date), a.id));
            p.img(&src, "调研现场");
            p.raw("</p>\n");
        }
        (C_TPXW, 2) => {
            let path = format!("{}W0{}{}_2.jpg", a.dir(), ymd(a.date), a.id);
            p.raw("<p style=\"text-align:center\">");
            let src = p.rel(&path);
            p.img(&src, "座谈会现场");
            p.raw("</p>\n");
            site.insert(&path, attachment(&path, "").with(Behavior::FailFirst(429)));
        }
        (C_TZGG, 9) => {
            p.raw("<p>");
            p.a("../index_1.html", "返回列表");
            p.raw("</p>\n");
        }
        _ => {}
    }
}

fn simple_page(
    ctx: &Ctx,
    path: &str,
    title: &str,
    body: impl FnOnce(&mut PageBuilder),
) -> Resource {
    let url = ctx.portal.join(path).expect("url");
    let mut p = PageBuilder::new(url);
    head(
        &mut p,
        Cs::Utf8,
        &format!("{title}_{SHORT}"),
        &site_metas(ctx),
        None,
    );
    header(&mut p, ctx);
    crumbs(&mut p, None, None);
    p.raw(&format!("<div class=\"main\"><h2>{}</h2>\n", esc(title)));
    body(&mut p);
    p.raw("</div>\n");
    footer(&mut p, ctx);
    p.finish(false)
}

fn specials(ctx: &Ctx, plan: &Plan, site: &mut SiteContent) {
    // the site map: a heavy page, answered after 1 s
    let mut map = simple_page(ctx, special::SLOW_SITEMAP, "网站地图", |p| {
        p.raw("<ul class=\"wzdt\">\n");
        for s in SECTIONS {
            p.raw("<li>");
            p.a(&format!("/{}/index.html", s.0), s.1);
            p.raw("<ul>");
            for (c, col) in COLUMNS.iter().enumerate() {
                if col.section.map(|x| x.0) == Some(s.0) {
                    p.raw("<li>");
                    p.a(&col_index(c), col.name);
                    p.raw("</li>");
                }
            }
            p.raw("</ul></li>\n");
        }
        let first_level = (0..COLUMNS.len()).filter(|c| COLUMNS[*c].section.is_none());
        for c in first_level {
            p.raw("<li>");
            p.a(&col_index(c), COLUMNS[c].name);
            p.raw("</li>\n");
        }
        p.raw("</ul>\n");
    });
    map.delay = Some(Duration::from_secs(1));
    site.insert(special::SLOW_SITEMAP, map);

    let contact = simple_page(ctx, "/lxwm/index.html", "联系我们", |p| {
        p.raw("<p>地址：北京市东城区示例大街115号　邮编：100006</p>\n<p>电话：");
        p.a("tel:010-65645555", "（010）65645555");
        p.raw("</p>\n<p>网站邮箱：");
        p.a("mailto:webmaster@sample.gov.cn", "webmaster@sample.gov.cn");
        p.raw("</p>\n");
    });
    site.insert("/lxwm/index.html", contact);

    let private = simple_page(ctx, special::PRIVATE, "内部通知", |p| {
        p.raw("<p>本页面仅限内网访问。</p>\n");
        p.a("/private/nbtz/missing.html", "内部文件");
    });
    site.insert(special::PRIVATE, private);

    site.insert(
        special::SOFT_404,
        Resource::new("text/html; charset=utf-8", soft_404_page().into_bytes())
            .with(Behavior::SoftNotFound),
    );
    site.insert(
        special::ALWAYS_503,
        Resource::new(
            "text/html; charset=utf-8",
            b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>".to_vec(),
        )
        .with(Behavior::Always(503)),
    );
    site.insert(
        special::ALWAYS_429,
        Resource::new(
            "text/html; charset=utf-8",
            "<html><body><h1>429 Too Many Requests</h1><p>访问过于频繁，请稍后再试。</p></body></html>"
                .as_bytes()
                .to_vec(),
        )
        .with(Behavior::Always(429)),
    );
    site.insert(
        special::LOOP_A,
        Resource::new("text/html", Vec::new())
            .with(Behavior::Redirect(302, special::LOOP_B.to_string())),
    );
    site.insert(
        special::LOOP_B,
        Resource::new("text/html", Vec::new())
            .with(Behavior::Redirect(302, special::LOOP_A.to_string())),
    );
    site.insert(
        special::MOVED,
        Resource::new("text/html", Vec::new())
            .with(Behavior::Redirect(301, "/zcwj/index.html".to_string())),
    );
    let _ = plan;
}

/// The portal's columns as an inspector finds them at the check point (the configured
/// exclusion included), and its planted column and date defects.
pub(crate) fn expected(ctx: &Ctx) -> (Vec<super::ExpectedColumn>, Vec<super::Planted>) {
    let plan = Plan::new(ctx.as_of);
    let mut cols = Vec::new();
    let mut planted = Vec::new();
    for (c, col) in COLUMNS.iter().enumerate() {
        let url = ctx.portal.join(&col_index(c)).expect("url").to_string();
        let first_page = &plan.arts[c][..col.per_page.min(col.count)];
        let newest = if col.kind == Kind::Interview {
            None
        } else {
            first_page.iter().map(|a| a.date).max()
        };
        let exclude = c == C_ZT;
        let e = super::ExpectedColumn::judged(
            "portal",
            url,
            col.name,
            col.category,
            if col.section.is_some() { 2 } else { 1 },
            col.count,
            newest,
            exclude,
            ctx.as_of,
        );
        planted.extend(e.planted());
        cols.push(e);
    }
    for (c, i, note) in [
        (
            C_GZDT,
            GZDT_RESTAMPED,
            "PubDate re-stamped 20 days after the printed date",
        ),
        (
            C_TZGG,
            TZGG_BEFORE_URL,
            "dated 10 days before the date in its own URL",
        ),
    ] {
        let url = ctx
            .portal
            .join(&plan.art(c, i).path)
            .expect("url")
            .to_string();
        planted.push(super::Planted::about("portal", "suspect_date", url, note));
    }
    for c in [C_BL, C_GFXWJ] {
        for a in &plan.arts[c] {
            if let Some(check) = expected_interpretation_finding(c, a.idx) {
                let url = ctx.portal.join(&a.path).expect("url").to_string();
                planted.push(super::Planted::about(
                    "portal",
                    check,
                    url,
                    "policy interpretation outcome",
                ));
            }
        }
    }
    let (mcols, mplanted) = mailbox::expected(ctx);
    cols.extend(mcols);
    planted.extend(mplanted);
    (cols, planted)
}

/// Every policy document of the portal with the interpretation outcome it must get (see
/// [`Case`]): for the tests, with the URLs that prove it.
pub(crate) fn interpretation_cases(ctx: &Ctx) -> Vec<super::InterpretationCase> {
    let plan = Plan::new(ctx.as_of);
    let url = |a: &Art| ctx.portal.join(&a.path).expect("url").to_string();
    let mut out = Vec::new();
    for c in [C_BL, C_GFXWJ] {
        for a in &plan.arts[c] {
            let (name, interp, matched_by, missing): (&str, Option<usize>, &str, &str) =
                match (c, a.idx) {
                    (C_BL, _) => ("decree without interpretation", None, "", ""),
                    (_, 0..=3) => ("linked both ways, same day", Some(a.idx), "link", ""),
                    (_, 4 | 5) => (
                        "matched only by title, no links",
                        Some(a.idx),
                        "title",
                        "document_to_interpretation,interpretation_to_document",
                    ),
                    (_, i) => {
                        let k = i - GFXWJ_BASE;
                        let j = Some(ZCJD_BASE + k);
                        match CASES[k].0 {
                            Case::Late => ("late: 5 working days", j, "link", ""),
                            Case::OverHoliday => {
                                ("over a weekend and a holiday, on time", j, "link", "")
                            }
                            Case::DocNumberOnly => (
                                "matched only by document number",
                                j,
                                "doc_number",
                                "document_to_interpretation,interpretation_to_document",
                            ),
                            Case::DocLinksOnly => (
                                "one-way link: document to interpretation",
                                j,
                                "link",
                                "interpretation_to_document",
                            ),
                            Case::InterpLinksOnly => (
                                "one-way link: interpretation to document",
                                j,
                                "link",
                                "document_to_interpretation",
                            ),
                            Case::NoInterpretation => ("no interpretation", None, "", ""),
                            Case::Personnel => ("personnel notice, excluded", None, "", ""),
                        }
                    }
                };
            let i = interp.map(|j| plan.art(C_ZCJD, j));
            out.push(super::InterpretationCase {
                name,
                doc_url: url(a),
                doc_title: a.title.clone(),
                doc_number: doc_number(a),
                doc_date: a.date,
                interp_url: i.map(url),
                interp_date: i.map(|i| i.date),
                matched_by,
                missing_links: missing,
                finding: expected_interpretation_finding(c, a.idx).unwrap_or(""),
            });
        }
    }
    out
}
