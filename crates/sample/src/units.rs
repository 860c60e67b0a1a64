//! The two sample affiliated-unit sites (部属单位), smaller than the portal:
//!
//! - `unit-a`, written like a Hanweb/大汉 CMS site, whose content stopped three weeks before the
//!   check point (its homepage is not updated, its news column is stale): lists at `/col/col1231/index.html` (second page
//!   `?uid=4521&pageNum=2`), articles at `/art/2026/11/20/art_1231_56789.html`, downloads through
//!   `/module/download/downfile.jsp?…`; unknown paths give a real 404.
//! - `unit-b`, a home-made ASP.NET-like site: `/News/List.aspx?page=2`,
//!   `/News/Detail.aspx?id=12`; it answers unknown paths with `200` and a constant
//!   "您访问的页面不存在" page (a soft-404 site).

use chrono::{Datelike, NaiveDate};

use super::content::{authority, Resource, SiteContent};
use super::html::{attachment, dash, esc, esc_attr, para, pick, PageBuilder, PROVINCES, TOPICS};
use super::Ctx;

pub(crate) const UNIT_A_NAME: &str = "示例生态环境部环境监测中心";
pub(crate) const UNIT_B_NAME: &str = "示例生态环境部宣传教育中心";

pub(crate) const UNIT_A_CODE: &str = "bm17000101";
pub(crate) const UNIT_B_CODE: &str = "bm17000102";
/// unit-a's ICP number as configured (its footer writes it with the `-1` site suffix).
pub(crate) const UNIT_A_ICP: &str = "京ICP备12034567号";
/// The wrong SiteIDCode unit-a's 监测动态 articles carry (a template copied from another site).
pub(crate) const UNIT_A_WRONG_CODE: &str = "bm17000011";

/// Missing script planted on one unit-a article.
pub(crate) const UNIT_A_MISSING_JS: &str = "/script/0/share.js";
/// Missing article planted on unit-b (answers 200 with the error page).
pub(crate) const UNIT_B_MISSING: &str = "/News/Detail.aspx?id=999";

/// The site tags, then `extra`. An `extra` entry named like a site tag replaces it (a wrong
/// value planted); an entry with an empty value is left out (a missing tag planted).
fn metas(p: &mut PageBuilder, name: &str, domain: &str, code: &str, extra: &[(&str, String)]) {
    let site = [
        ("SiteName", name.to_string()),
        ("SiteDomain", domain.to_string()),
        ("SiteIDCode", code.to_string()),
    ];
    let over = |k: &str| extra.iter().find(|(e, _)| *e == k).map(|(_, v)| v.clone());
    let tags = site
        .iter()
        .map(|(k, v)| (*k, over(k).unwrap_or_else(|| v.clone())))
        .chain(
            extra
                .iter()
                .filter(|(k, _)| !site.iter().any(|(s, _)| s == k))
                .cloned(),
        );
    for (k, v) in tags.filter(|(_, v)| !v.is_empty()) {
        p.raw(&format!(
            "<meta name=\"{k}\" content=\"{}\">\n",
            esc_attr(&v)
        ));
    }
}

// ---------------------------------------------------------------- unit-a (Hanweb)

struct ColA {
    id: u32,
    name: &'static str,
    ctype: &'static str,
    count: usize,
    first: i64,
    step: i64,
}

const COLS_A: &[ColA] = &[
    ColA {
        id: 1231,
        name: "通知公告",
        ctype: "通知公告",
        count: 10,
        // the unit stopped updating three weeks ago: its homepage is not updated (a veto)
        first: 22,
        step: 9,
    },
    ColA {
        id: 1232,
        name: "监测动态",
        ctype: "工作动态",
        count: 8,
        // stale: a week over the 2-week window
        first: 21,
        step: 3,
    },
];

const PER_PAGE_A: usize = 6;

struct ArtA {
    col: usize,
    idx: usize,
    date: NaiveDate,
    title: String,
    path: String,
}

fn arts_a(as_of: NaiveDate) -> Vec<Vec<ArtA>> {
    let mut next = 56_701u32;
    COLS_A
        .iter()
        .enumerate()
        .map(|(c, col)| {
            (0..col.count)
                .map(|i| {
                    let date = as_of - chrono::Duration::days(col.first + col.step * i as i64);
                    let id = next;
                    next += 1;
                    let topic = TOPICS[(i * 2 + c * 5) % TOPICS.len()];
                    let prov = PROVINCES[(i * 3 + c) % PROVINCES.len()];
                    let title = if c == 0 {
                        format!("关于开展{prov}{topic}能力验证工作的通知")
                    } else {
                        format!("{prov}{topic}监测网络运行情况通报")
                    };
                    ArtA {
                        col: c,
                        idx: i,
                        date,
                        title,
                        path: format!(
                            "/art/{}/{}/{}/art_{}_{}.html",
                            date.year(),
                            date.month(),
                            date.day(),
                            col.id,
                            id
                        ),
                    }
                })
                .collect()
        })
        .collect()
}

fn col_a_list(c: usize, k: usize) -> String {
    if k == 0 {
        format!("/col/col{}/index.html", COLS_A[c].id)
    } else {
        format!(
            "/col/col{}/index.html?uid=4521&pageNum={}",
            COLS_A[c].id,
            k + 1
        )
    }
}

fn head_a(p: &mut PageBuilder, ctx: &Ctx, title: &str, extra: &[(&str, String)]) {
    p.raw("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n");
    p.raw(&format!("<title>{}</title>\n", esc(title)));
    metas(p, UNIT_A_NAME, &authority(&ctx.unit_a), UNIT_A_CODE, extra);
    p.stylesheet("/images/3/style.css");
    p.script("/script/jquery.min.js");
    p.script("/script/common.js");
    p.raw("</head>\n<body>\n<div class=\"head\">");
    p.a_img("/", "/images/3/logo.png", UNIT_A_NAME);
    p.raw("</div>\n<div class=\"nav\">");
    p.a("/", "首页");
    for (c, col) in COLS_A.iter().enumerate() {
        p.raw(" ");
        p.a(&col_a_list(c, 0), col.name);
    }
    p.raw(" ");
    p.a_attrs(ctx.portal.as_str(), "部门户网站", "target=\"_blank\"");
    p.raw("</div>\n");
}

fn foot_a(p: &mut PageBuilder, ctx: &Ctx) {
    p.raw("<div class=\"foot\"><p>主办单位：");
    p.text(UNIT_A_NAME);
    p.raw("　网站标识码：");
    p.text(UNIT_A_CODE);
    p.raw("　");
    let ok = ctx.external.join("ok.html").expect("url");
    p.a_attrs(ok.as_str(), "京ICP备12034567号-1", "target=\"_blank\"");
    p.raw("</p><p>");
    p.a("/col/col1230/index.html", "网站地图");
    p.raw(" | ");
    p.a("mailto:cnemc@sample.gov.cn", "联系我们");
    p.raw("</p></div>\n</body>\n</html>\n");
}

/// Builds unit-a (Hanweb style).
pub(crate) fn build_a(ctx: &Ctx) -> SiteContent {
    let mut site = SiteContent::new("unit-a", ctx.unit_a.clone());
    site.disallow = vec!["/admin/".to_string()];
    site.not_found_body = super::portal::not_found_page().into_bytes();
    site.insert(
        "/robots.txt",
        Resource::new(
            "text/plain; charset=utf-8",
            b"User-agent: *\nDisallow: /admin/\n".to_vec(),
        ),
    );
    for p in [
        "/images/3/style.css",
        "/script/jquery.min.js",
        "/script/common.js",
        "/images/3/logo.png",
    ] {
        site.insert(p, attachment(p, ""));
    }
    let arts = arts_a(ctx.as_of);

    // homepage
    let mut p = PageBuilder::new(ctx.unit_a.clone());
    head_a(&mut p, ctx, UNIT_A_NAME, &[]);
    for (c, col) in COLS_A.iter().enumerate() {
        p.raw(&format!("<div class=\"bt\"><h3>{}</h3>", esc(col.name)));
        p.a(&col_a_list(c, 0), "更多");
        p.raw("</div><ul>\n");
        for a in arts[c].iter().take(5) {
            p.raw("<li>");
            p.a_attrs(&a.path, &a.title, "target=\"_blank\"");
            p.raw(&format!("<span>{}</span></li>\n", dash(a.date)));
        }
        p.raw("</ul>\n");
    }
    p.raw("<p>");
    p.a("/admin/index.html", "内网办公入口");
    p.raw("</p>\n");
    foot_a(&mut p, ctx);
    site.insert("/", p.finish(false));

    // site map column
    let mut p = PageBuilder::new(ctx.unit_a.join("/col/col1230/index.html").expect("url"));
    head_a(&mut p, ctx, &format!("网站地图 {UNIT_A_NAME}"), &[]);
    for (c, col) in COLS_A.iter().enumerate() {
        p.raw("<p>");
        p.a(&col_a_list(c, 0), col.name);
        p.raw("</p>\n");
    }
    foot_a(&mut p, ctx);
    site.insert("/col/col1230/index.html", p.finish(false));

    // admin page (robots-disallowed)
    let mut p = PageBuilder::new(ctx.unit_a.join("/admin/index.html").expect("url"));
    head_a(&mut p, ctx, "内网办公", &[]);
    p.raw("<p>请使用内网访问。</p>\n");
    foot_a(&mut p, ctx);
    site.insert("/admin/index.html", p.finish(false));

    // lists
    for (c, col) in COLS_A.iter().enumerate() {
        let n = col.count.div_ceil(PER_PAGE_A);
        for k in 0..n {
            let path = col_a_list(c, k);
            let mut p = PageBuilder::new(ctx.unit_a.join(&path).expect("url"));
            head_a(
                &mut p,
                ctx,
                &format!("{} {UNIT_A_NAME}", col.name),
                &[
                    ("ColumnName", col.name.to_string()),
                    ("ColumnType", col.ctype.to_string()),
                ],
            );
            p.raw("<div id=\"4521\">\n<ul class=\"list\">\n");
            for a in &arts[c][k * PER_PAGE_A..((k + 1) * PER_PAGE_A).min(col.count)] {
                p.raw("<li>");
                p.a_attrs(&a.path, &a.title, "target=\"_blank\"");
                p.raw(&format!("<span>{}</span></li>\n", dash(a.date)));
            }
            p.raw("</ul></div>\n<div class=\"page\">");
            if k > 0 {
                p.a(&col_a_list(c, k - 1), "上一页");
                p.raw(" ");
            }
            p.raw(&format!("第{}/{}页 ", k + 1, n));
            if k + 1 < n {
                p.a(&col_a_list(c, k + 1), "下一页");
            }
            p.raw("</div>\n");
            foot_a(&mut p, ctx);
            site.insert(&path, p.finish(false));
        }
    }

    // articles
    for col_arts in &arts {
        for a in col_arts {
            let col = &COLS_A[a.col];
            let mut p = PageBuilder::new(ctx.unit_a.join(&a.path).expect("url"));
            // planted metadata defects (see `super::identity`): the 监测动态 articles carry a
            // wrong SiteIDCode, and three articles each lack one article tag
            let mut tags = vec![
                ("ColumnName", col.name.to_string()),
                ("ColumnType", col.ctype.to_string()),
                ("ArticleTitle", a.title.clone()),
                ("PubDate", format!("{} 09:{:02}", dash(a.date), a.idx * 5)),
                ("ContentSource", UNIT_A_NAME.to_string()),
            ];
            let drop = match (a.col, a.idx) {
                (0, 5) => Some("ContentSource"),
                (1, 4) => Some("PubDate"),
                (1, 6) => Some("ArticleTitle"),
                _ => None,
            };
            tags.retain(|(k, _)| Some(*k) != drop);
            if a.col == 1 {
                tags.push(("SiteIDCode", UNIT_A_WRONG_CODE.to_string()));
            }
            head_a(&mut p, ctx, &format!("{} {UNIT_A_NAME}", a.title), &tags);
            if (a.col, a.idx) == (1, 2) {
                // planted: a share-button script that is gone
                p.script(UNIT_A_MISSING_JS);
            }
            p.raw(&format!(
                "<div class=\"article\"><h1>{}</h1>\n<div class=\"info\">发布日期：{}　来源：{}　",
                esc(&a.title),
                dash(a.date),
                esc(UNIT_A_NAME)
            ));
            p.a("javascript:window.print();", "【打印】");
            p.raw("</div>\n<div id=\"zoom\">\n");
            for k in 0..3 {
                p.raw(&format!("<p>{}</p>\n", para(a.idx * 3 + k + 7)));
            }
            if a.col == 0 && a.idx < 4 {
                let file = format!(
                    "/module/download/downfile.jsp?classid=0&filename={}{:04}.pdf",
                    a.date.format("%y%m%d"),
                    a.idx
                );
                p.raw("<p>附件：");
                p.a(&file, &format!("附件：{}报名表.pdf", TOPICS[a.idx]));
                p.raw("</p>\n");
                site.insert(&file, attachment("x.pdf", "报名表"));
            }
            p.raw("</div>\n</div>\n");
            foot_a(&mut p, ctx);
            site.insert(&a.path, p.finish(false));
        }
    }
    site
}

// ---------------------------------------------------------------- unit-b (ASP.NET)

const COUNT_B: usize = 12;
const PER_PAGE_B: usize = 8;

/// The constant error page unit-b serves with `200` for unknown paths.
fn error_page_b() -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>提示信息 - {UNIT_B_NAME}</title></head>\n<body><div class=\"msg\"><h2>提示信息</h2><p>对不起，您访问的页面不存在！</p><p><a href=\"/\">返回首页</a></p></div></body></html>\n"
    )
}

fn head_b(p: &mut PageBuilder, ctx: &Ctx, title: &str, extra: &[(&str, String)]) {
    p.raw("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
    p.raw(&format!("<title>{}</title>\n", esc(title)));
    metas(p, UNIT_B_NAME, &authority(&ctx.unit_b), UNIT_B_CODE, extra);
    p.stylesheet("/Content/site.css");
    p.script("/Scripts/jquery-1.8.2.min.js");
    p.raw("</head>\n<body>\n<form id=\"form1\" method=\"post\" action=\"./Default.aspx\">\n<input type=\"hidden\" name=\"__VIEWSTATE\" id=\"__VIEWSTATE\" value=\"/wEPDwUKMTY1NDU2MTA1MmRk\" />\n</form>\n<div id=\"header\"><h1>");
    p.text(UNIT_B_NAME);
    p.raw("</h1><ul id=\"menu\"><li>");
    p.a("/", "首页");
    p.raw("</li><li>");
    p.a("/News/List.aspx", "中心新闻");
    p.raw("</li><li>");
    p.a("/About/Index.aspx", "中心简介");
    p.raw("</li></ul></div>\n");
}

fn foot_b(p: &mut PageBuilder, _ctx: &Ctx) {
    p.raw("<div id=\"footer\">主办单位：");
    p.text(UNIT_B_NAME);
    p.raw("　网站标识码：");
    p.text(UNIT_B_CODE);
    // planted: no ICP备案编号 (nor 公网安备, 网站地图, 联系方式, 党政机关 badge) in the footer
    p.raw("　");
    p.a("/Manage/Login.aspx", "管理登录");
    p.raw("</div>\n</body>\n</html>\n");
}

fn list_b(k: usize) -> String {
    if k == 0 {
        "/News/List.aspx".to_string()
    } else {
        format!("/News/List.aspx?page={}", k + 1)
    }
}

/// Builds unit-b (ASP.NET-like, soft-404 site).
pub(crate) fn build_b(ctx: &Ctx) -> SiteContent {
    let mut site = SiteContent::new("unit-b", ctx.unit_b.clone());
    site.disallow = vec!["/Manage/".to_string()];
    site.soft_404_site = true;
    site.not_found_body = error_page_b().into_bytes();
    site.insert(
        "/robots.txt",
        Resource::new(
            "text/plain; charset=utf-8",
            b"User-agent: *\nDisallow: /Manage/\n".to_vec(),
        ),
    );
    site.insert("/Content/site.css", attachment("x.css", ""));
    site.insert("/Scripts/jquery-1.8.2.min.js", attachment("x.js", ""));
    site.insert("/Content/images/banner.jpg", attachment("x.jpg", ""));

    let arts: Vec<(u32, NaiveDate, String)> = (0..COUNT_B)
        .map(|i| {
            let date = ctx.as_of - chrono::Duration::days(2 + 6 * i as i64);
            let topic = TOPICS[(i * 3 + 1) % TOPICS.len()];
            let title = match i % 3 {
                0 => format!("中心开展“{topic}”主题宣传活动"),
                1 => format!("{}{topic}宣传教育进社区", pick(PROVINCES, i)),
                _ => format!("中心召开{topic}宣传工作座谈会"),
            };
            (112 - i as u32, date, title)
        })
        .collect();
    let detail = |id: u32| format!("/News/Detail.aspx?id={id}");

    // homepage
    let mut p = PageBuilder::new(ctx.unit_b.clone());
    head_b(&mut p, ctx, UNIT_B_NAME, &[]);
    p.raw("<div class=\"banner\">");
    p.img("Content/images/banner.jpg", "宣传教育");
    p.raw("</div>\n<div class=\"news\"><h3>中心新闻</h3><ul>\n");
    for (id, date, title) in arts.iter().take(6) {
        p.raw("<li>");
        p.a(detail(*id).trim_start_matches('/'), title);
        p.raw(&format!("<span>{}</span></li>\n", date.format("%Y/%m/%d")));
    }
    p.raw("</ul></div>\n");
    foot_b(&mut p, ctx);
    site.insert("/", p.finish(false));

    // about
    let mut p = PageBuilder::new(ctx.unit_b.join("/About/Index.aspx").expect("url"));
    // planted: the about page lacks SiteName
    head_b(
        &mut p,
        ctx,
        &format!("中心简介-{UNIT_B_NAME}"),
        &[("SiteName", String::new())],
    );
    p.raw(&format!(
        "<div class=\"content\"><p>{}</p><p>{}</p>\n<p>联系电话：",
        para(3),
        para(4)
    ));
    p.a("tel:010-84665555", "010-84665555");
    p.raw("</p></div>\n");
    foot_b(&mut p, ctx);
    site.insert("/About/Index.aspx", p.finish(false));

    // login (robots-disallowed)
    let mut p = PageBuilder::new(ctx.unit_b.join("/Manage/Login.aspx").expect("url"));
    head_b(&mut p, ctx, "管理登录", &[]);
    foot_b(&mut p, ctx);
    site.insert("/Manage/Login.aspx", p.finish(false));

    // lists, query-string pagination
    let n = COUNT_B.div_ceil(PER_PAGE_B);
    for k in 0..n {
        let path = list_b(k);
        let mut p = PageBuilder::new(ctx.unit_b.join(&path).expect("url"));
        // planted: the second list page lacks ColumnName and ColumnType
        let column = if k == 1 {
            String::new()
        } else {
            "中心新闻".to_string()
        };
        let ctype = if k == 1 {
            String::new()
        } else {
            "工作动态".to_string()
        };
        head_b(
            &mut p,
            ctx,
            &format!("中心新闻-{UNIT_B_NAME}"),
            &[("ColumnName", column), ("ColumnType", ctype)],
        );
        p.raw("<table class=\"GridView\">\n");
        for (id, date, title) in &arts[k * PER_PAGE_B..((k + 1) * PER_PAGE_B).min(COUNT_B)] {
            p.raw("<tr><td>");
            p.a(&format!("Detail.aspx?id={id}"), title);
            p.raw(&format!("</td><td>{}</td></tr>\n", date.format("%Y/%m/%d")));
        }
        if k + 1 == n {
            // planted: an item whose record was deleted (the site answers 200 + error page)
            p.raw("<tr><td>");
            p.a(
                UNIT_B_MISSING.trim_start_matches("/News/"),
                "中心举办环境日主题宣传活动",
            );
            p.raw(&format!(
                "</td><td>{}</td></tr>\n",
                (ctx.as_of - chrono::Duration::days(80)).format("%Y/%m/%d")
            ));
        }
        p.raw("</table>\n<div class=\"pager\">");
        if k > 0 {
            p.a_attrs(
                &list_b(k - 1).replace("/News/", ""),
                "上一页",
                "class=\"prev\"",
            );
        }
        p.raw(&format!(" 第{}页/共{n}页 ", k + 1));
        if k + 1 < n {
            p.a_attrs(
                &list_b(k + 1).replace("/News/", ""),
                "下一页",
                "class=\"next\"",
            );
        }
        p.raw("</div>\n");
        foot_b(&mut p, ctx);
        site.insert(&path, p.finish(false));
    }

    // details
    for (i, (id, date, title)) in arts.iter().enumerate() {
        let path = detail(*id);
        let mut p = PageBuilder::new(ctx.unit_b.join(&path).expect("url"));
        head_b(
            &mut p,
            ctx,
            &format!("{title}-{UNIT_B_NAME}"),
            &[
                ("ColumnName", "中心新闻".to_string()),
                ("ColumnType", "工作动态".to_string()),
                ("ArticleTitle", title.clone()),
                ("PubDate", format!("{} 10:30", dash(*date))),
                ("ContentSource", UNIT_B_NAME.to_string()),
                // planted: one detail lacks SiteDomain, another SiteIDCode
                (
                    match i {
                        1 => "SiteDomain",
                        2 => "SiteIDCode",
                        _ => "Keywords",
                    },
                    if i == 1 || i == 2 {
                        String::new()
                    } else {
                        title.clone()
                    },
                ),
            ],
        );
        p.raw(&format!(
            "<div class=\"detail\"><h2>{}</h2><div class=\"info\">发布时间：{} 10:30:00　点击数：{}</div>\n",
            esc(title),
            date.format("%Y/%m/%d"),
            100 + i * 17
        ));
        for k in 0..3 {
            p.raw(&format!("<p>{}</p>\n", para(i * 2 + k + 11)));
        }
        p.raw("<p>");
        p.a("List.aspx", "返回列表");
        p.raw("</p></div>\n");
        foot_b(&mut p, ctx);
        site.insert(&path, p.finish(false));
    }
    site
}

/// The units' columns as an inspector finds them at the check point, and their planted column
/// defects (unit-a: a stale news column and a homepage not updated).
pub(crate) fn expected(ctx: &Ctx) -> (Vec<super::ExpectedColumn>, Vec<super::Planted>) {
    let mut cols = Vec::new();
    let mut planted = Vec::new();
    let arts = arts_a(ctx.as_of);
    for (c, col) in COLS_A.iter().enumerate() {
        let newest = arts[c].iter().take(PER_PAGE_A).map(|a| a.date).max();
        let category = if c == 0 { "notice" } else { "news" };
        let url = ctx.unit_a.join(&col_a_list(c, 0)).expect("url").to_string();
        let e = super::ExpectedColumn::judged(
            "unit-a", url, col.name, category, 1, col.count, newest, false, ctx.as_of,
        );
        planted.extend(e.planted());
        cols.push(e);
    }
    let home_newest = arts.iter().flatten().map(|a| a.date).max();
    if home_newest.is_none_or(|d| (ctx.as_of - d).num_days() > 14) {
        planted.push(super::Planted::about(
            "unit-a",
            "homepage_not_updated",
            ctx.unit_a.to_string(),
            "homepage's newest item is three weeks old",
        ));
    }
    let newest_b = ctx.as_of - chrono::Duration::days(2);
    let url = ctx.unit_b.join(&list_b(0)).expect("url").to_string();
    let e = super::ExpectedColumn::judged(
        "unit-b",
        url,
        "中心新闻",
        "news",
        1,
        COUNT_B,
        Some(newest_b),
        false,
        ctx.as_of,
    );
    planted.extend(e.planted());
    cols.push(e);
    (cols, planted)
}
