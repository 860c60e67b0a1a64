//! The portal's mailbox and solicitations (互动交流): messages (留言) and solicitations (征集)
//! with every outcome the message checks judge, and the findings they must give.
//!
//! - 部长信箱 (`/hdjl/bzxx/`, a table list): answered in time, answered late (`late_reply`),
//!   unanswered for four months (`unanswered_message`, veto), unanswered for three weeks (over 10
//!   working days: warning), unanswered from two years ago (outside the year: not counted), and
//!   one marked 已回复 whose page has an empty reply block (warning);
//! - 网民留言 (`/hdjl/wyly/`, a `<li>` list with status tags): three answered in time, and one
//!   pending for five days (within the reply time);
//! - 意见征集 (`/hdjl/yjzj/`, a `<li>` list): open, closed with a linked 意见反馈 page, closed with
//!   feedback only as a separate result item (《…》 names it), and closed without feedback (a
//!   regulation draft open for 20 days: also a review note).
//!
//! [`expected`] computes the columns and findings from the same tables that render the pages.

use chrono::NaiveDate;

use super::super::content::{Resource, SiteContent};
use super::super::html::{dash, esc, para, PageBuilder};
use super::super::{Ctx, ExpectedColumn, Planted};
use super::{column_metas, footer, head, header, site_metas, Cs, SHORT};

/// A message: (file, title, days before the check point it was asked, days before it was
/// answered, list status, page shows an empty reply block).
struct Msg {
    file: &'static str,
    title: &'static str,
    asked: i64,
    replied: Option<i64>,
    status: &'static str,
    empty_reply: bool,
}

const BZXX: &str = "/hdjl/bzxx/";
const WYLY: &str = "/hdjl/wyly/";
const YJZJ: &str = "/hdjl/yjzj/";

const BZXX_MSGS: &[Msg] = &[
    Msg {
        file: "xj_01.html",
        title: "关于排污许可证延续办理时限的咨询",
        asked: 40,
        replied: Some(35),
        status: "已回复",
        empty_reply: false,
    },
    Msg {
        file: "xj_02.html",
        title: "关于建设项目环评审批进度的咨询",
        asked: 60,
        replied: Some(30),
        status: "已答复",
        empty_reply: false,
    },
    Msg {
        file: "xj_03.html",
        title: "反映某化工厂夜间偷排废水问题",
        asked: 122,
        replied: None,
        status: "办理中",
        empty_reply: false,
    },
    Msg {
        file: "xj_04.html",
        title: "关于农村生活污水处理设施运维的建议",
        asked: 21,
        replied: None,
        status: "待回复",
        empty_reply: false,
    },
    Msg {
        file: "xj_05.html",
        title: "关于噪声污染防治的咨询",
        asked: 730,
        replied: None,
        status: "未回复",
        empty_reply: false,
    },
    Msg {
        file: "xj_06.html",
        title: "关于固体废物跨省转移审批的咨询",
        asked: 50,
        replied: None,
        status: "已回复",
        empty_reply: true,
    },
];

const WYLY_MSGS: &[Msg] = &[
    Msg {
        file: "ly_01.html",
        title: "小区周边餐饮油烟扰民",
        asked: 12,
        replied: Some(8),
        status: "已办结",
        empty_reply: false,
    },
    Msg {
        file: "ly_02.html",
        title: "河道垃圾清理问题",
        asked: 5,
        replied: None,
        status: "处理中",
        empty_reply: false,
    },
    Msg {
        file: "ly_03.html",
        title: "建筑工地夜间施工噪声问题",
        asked: 20,
        replied: Some(17),
        status: "已回复",
        empty_reply: false,
    },
    Msg {
        file: "ly_04.html",
        title: "秸秆焚烧监管问题",
        asked: 33,
        replied: Some(31),
        status: "已处理",
        empty_reply: false,
    },
];

/// A solicitation: (file, title, from and to in days before the check point, status, feedback).
struct Sol {
    file: &'static str,
    title: &'static str,
    from: i64,
    to: i64,
    status: &'static str,
    feedback: Feedback,
}

#[derive(PartialEq)]
enum Feedback {
    None,
    /// A page linked from the solicitation's page.
    Linked(&'static str),
    /// A separate result item in the list that names it.
    ResultItem(&'static str, &'static str),
}

const SOLS: &[Sol] = &[
    Sol {
        file: "zj_01.html",
        title: "关于《生态环境监测数据管理办法（征求意见稿）》公开征求意见的通知",
        from: 10,
        to: -20,
        status: "进行中",
        feedback: Feedback::None,
    },
    Sol {
        file: "zj_02.html",
        title: "关于《重点排污单位名录管理规定（征求意见稿）》公开征求意见的通知",
        from: 120,
        to: 90,
        status: "已结束",
        feedback: Feedback::Linked("fk_02.html"),
    },
    Sol {
        file: "zj_03.html",
        title: "关于《环境影响评价公众参与办法（修订草案）》公开征求意见的通知",
        from: 100,
        to: 70,
        status: "已截止",
        feedback: Feedback::ResultItem(
            "jg_03.html",
            "关于《环境影响评价公众参与办法（修订草案）》征求意见采纳情况的说明",
        ),
    },
    Sol {
        file: "zj_04.html",
        title: "关于《机动车排放召回管理规定（征求意见稿）》公开征求意见的通知",
        from: 80,
        to: 60,
        status: "已结束",
        feedback: Feedback::None,
    },
];

fn day(ctx: &Ctx, before: i64) -> NaiveDate {
    ctx.as_of - chrono::Duration::days(before)
}

fn crumbs(p: &mut PageBuilder, col: Option<(&str, &str)>) {
    p.raw("<div class=\"crumbs\">当前位置：");
    let h = p.rel("/");
    p.a(&h, "首页");
    p.raw(" &gt; ");
    let h = p.rel("/hdjl/index.html");
    p.a(&h, "互动交流");
    if let Some((dir, name)) = col {
        p.raw(" &gt; ");
        let h = p.rel(&format!("{dir}index.html"));
        p.a(&h, name);
    }
    p.raw("</div>\n");
}

/// The three columns: (list dir, name, ColumnType, category).
const COLUMNS: &[(&str, &str, &str, &str)] = &[
    (BZXX, "部长信箱", "咨询投诉", "consultation"),
    (WYLY, "网民留言", "咨询投诉", "consultation"),
    (YJZJ, "意见征集", "征集调查", "solicitation"),
];

/// Links to the three columns, for the 互动交流 channel page.
pub(super) fn section_links(p: &mut PageBuilder) {
    p.raw("<div class=\"block\"><div class=\"hd\"><h3>信箱与征集</h3></div><ul>\n");
    for (dir, name, _, _) in COLUMNS {
        p.raw("<li>");
        let h = p.rel(&format!("{dir}index.html"));
        p.a(&h, name);
        p.raw("</li>\n");
    }
    p.raw("</ul></div>\n");
}

fn list_head(ctx: &Ctx, dir: &str, name: &str, ctype: &str) -> PageBuilder {
    let url = ctx.portal.join(&format!("{dir}index.html")).expect("url");
    let mut p = PageBuilder::new(url);
    head(
        &mut p,
        Cs::Utf8,
        &format!("{name}_{SHORT}"),
        &column_metas(ctx, name, ctype),
        None,
    );
    header(&mut p, ctx);
    crumbs(&mut p, Some((dir, name)));
    p.raw(&format!("<div class=\"main\"><h2>{name}</h2>\n"));
    p
}

fn finish(ctx: &Ctx, mut p: PageBuilder) -> Resource {
    p.raw("</div>\n");
    footer(&mut p, ctx);
    p.finish(false)
}

/// A content page: the article meta tags and a printed 发布时间 equal to `PubDate`.
fn content_page(
    ctx: &Ctx,
    path: &str,
    col: (&str, &str, &str),
    title: &str,
    published: NaiveDate,
    body: impl FnOnce(&mut PageBuilder),
) -> Resource {
    let url = ctx.portal.join(path).expect("url");
    let mut p = PageBuilder::new(url);
    let mut metas = column_metas(ctx, col.1, col.2);
    metas.retain(|(k, _)| *k != "ColumnDescription" && *k != "ColumnKeywords");
    metas.extend([
        ("ArticleTitle", title.to_string()),
        ("PubDate", format!("{} 09:00", dash(published))),
        ("ContentSource", SHORT.to_string()),
    ]);
    head(&mut p, Cs::Utf8, &format!("{title}_{SHORT}"), &metas, None);
    header(&mut p, ctx);
    crumbs(&mut p, Some((col.0, col.1)));
    p.raw(&format!(
        "<div class=\"article\">\n<h1>{}</h1>\n<div class=\"info\"><span>发布时间：{} 09:00</span> <span>来源：{SHORT}</span></div>\n",
        esc(title),
        dash(published)
    ));
    body(&mut p);
    p.raw("</div>\n");
    footer(&mut p, ctx);
    p.finish(false)
}

fn message_page(ctx: &Ctx, site: &mut SiteContent, col: (&str, &str, &str), m: &Msg, k: usize) {
    let path = format!("{}{}", col.0, m.file);
    let asked = day(ctx, m.asked);
    let replied = m.replied.map(|r| day(ctx, r));
    let r = content_page(ctx, &path, col, m.title, replied.unwrap_or(asked), |p| {
        p.raw(&format!(
            "<div class=\"letter\"><p><b>留言标题：</b>{}</p><p><b>留言时间：</b>{}</p><p><b>留言内容：</b>{}</p>\n",
            esc(m.title),
            dash(asked),
            para(k + 40)
        ));
        match replied {
            Some(d) => p.raw(&format!(
                "<table class=\"reply\"><tr><th>办理状态</th><td>{}</td></tr><tr><th>回复单位</th><td>办公厅</td></tr><tr><th>回复时间</th><td>{}</td></tr><tr><th>回复内容</th><td>{}</td></tr></table></div>\n",
                m.status,
                dash(d),
                para(k + 41)
            )),
            None if m.empty_reply => p.raw(&format!(
                "<table class=\"reply\"><tr><th>办理状态</th><td>{}</td></tr><tr><th>回复内容</th><td></td></tr></table></div>\n",
                m.status
            )),
            None => p.raw(&format!(
                "<table class=\"reply\"><tr><th>办理状态</th><td>{}</td></tr></table></div>\n",
                m.status
            )),
        };
    });
    site.insert(&path, r);
}

/// Adds the mailbox and solicitation pages to the portal.
pub(super) fn build(ctx: &Ctx, site: &mut SiteContent) {
    // 部长信箱: a table.
    let (dir, name, ctype, _) = COLUMNS[0];
    let mut p = list_head(ctx, dir, name, ctype);
    p.raw("<table class=\"xxlb\"><tr><th>序号</th><th>标题</th><th>留言时间</th><th>状态</th><th>回复时间</th></tr>\n");
    for (k, m) in BZXX_MSGS.iter().enumerate() {
        p.raw(&format!("<tr><td>{}</td><td>", k + 1));
        let h = p.rel(&format!("{dir}{}", m.file));
        p.a(&h, m.title);
        p.raw(&format!(
            "</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            dash(day(ctx, m.asked)),
            m.status,
            m.replied.map(|r| dash(day(ctx, r))).unwrap_or_default()
        ));
        message_page(ctx, site, (dir, name, ctype), m, k);
    }
    p.raw("</table>\n");
    site.insert(&format!("{dir}index.html"), finish(ctx, p));

    // 网民留言: a list with status tags.
    let (dir, name, ctype, _) = COLUMNS[1];
    let mut p = list_head(ctx, dir, name, ctype);
    p.raw("<ul class=\"lylb\">\n");
    for (k, m) in WYLY_MSGS.iter().enumerate() {
        p.raw("<li>");
        let h = p.rel(&format!("{dir}{}", m.file));
        p.a(&h, m.title);
        p.raw(&format!(
            "<span class=\"zt\">{}</span><span>留言时间：{}</span>",
            m.status,
            dash(day(ctx, m.asked))
        ));
        if let Some(r) = m.replied {
            p.raw(&format!("<span>回复时间：{}</span>", dash(day(ctx, r))));
        }
        p.raw("</li>\n");
        message_page(ctx, site, (dir, name, ctype), m, k + 10);
    }
    p.raw("</ul>\n");
    site.insert(&format!("{dir}index.html"), finish(ctx, p));

    // 意见征集: a list with status tags, result items among the rows.
    let (dir, name, ctype, _) = COLUMNS[2];
    let col = (dir, name, ctype);
    let mut p = list_head(ctx, dir, name, ctype);
    p.raw("<ul class=\"zjlb\">\n");
    for (k, s) in SOLS.iter().enumerate() {
        let (from, to) = (day(ctx, s.from), day(ctx, s.to));
        if let Feedback::ResultItem(file, title) = s.feedback {
            p.raw("<li>");
            let h = p.rel(&format!("{dir}{file}"));
            p.a(&h, title);
            p.raw(&format!(
                "<span>{}</span></li>\n",
                dash(day(ctx, s.to - 20))
            ));
            let path = format!("{dir}{file}");
            let r = content_page(ctx, &path, col, title, day(ctx, s.to - 20), |p| {
                p.raw(&format!("<p>{}</p>\n", para(k + 60)));
            });
            site.insert(&path, r);
        }
        p.raw("<li>");
        let h = p.rel(&format!("{dir}{}", s.file));
        p.a(&h, s.title);
        p.raw(&format!(
            "<span class=\"zt\">{}</span><span>征集时间：{} 至 {}</span></li>\n",
            s.status,
            dash(from),
            dash(to)
        ));
        let path = format!("{dir}{}", s.file);
        let r = content_page(ctx, &path, col, s.title, from, |p| {
            p.raw(&format!(
                "<div class=\"zj\"><p>征集时间：{} 至 {}</p><p>状态：{}</p><p>{}</p>\n",
                dash(from),
                dash(to),
                s.status,
                para(k + 50)
            ));
            if let Feedback::Linked(file) = s.feedback {
                p.raw("<p>");
                let h = p.rel(&format!("{dir}{file}"));
                p.a(&h, "意见反馈");
                p.raw("</p>");
            }
            p.raw("</div>\n");
        });
        site.insert(&path, r);
        if let Feedback::Linked(file) = s.feedback {
            let path = format!("{dir}{file}");
            let title = format!("{}意见反馈", s.title.trim_end_matches("的通知"));
            let r = content_page(ctx, &path, col, &title, day(ctx, s.to - 15), |p| {
                p.raw(&format!("<p>{}</p>\n", para(k + 70)));
            });
            site.insert(&path, r);
        }
    }
    p.raw("</ul>\n");
    site.insert(&format!("{dir}index.html"), finish(ctx, p));
    let _ = site_metas;
}

/// The three columns as a correct crawler judges them, and the findings on their messages and
/// solicitations, computed with the same rules as the checks ([`crate::checks::messages`]).
pub(super) fn expected(ctx: &Ctx) -> (Vec<ExpectedColumn>, Vec<Planted>) {
    let rules = crate::rules::Rules::default();
    // The calendar of the sample's targets, as the check will count.
    let h = super::sample_calendar(ctx.as_of);
    let mut cols = Vec::new();
    let mut planted = Vec::new();
    let url = |path: &str| ctx.portal.join(path).expect("url").to_string();
    for (k, (dir, name, _, category)) in COLUMNS.iter().enumerate() {
        // A row's date is the latest it shows (留言时间 or 回复时间; a result item's date).
        let newest = match k {
            0 => BZXX_MSGS
                .iter()
                .map(|m| m.asked.min(m.replied.unwrap_or(i64::MAX)))
                .min(),
            1 => WYLY_MSGS
                .iter()
                .map(|m| m.asked.min(m.replied.unwrap_or(i64::MAX)))
                .min(),
            _ => SOLS
                .iter()
                .map(|s| match s.feedback {
                    Feedback::ResultItem(..) => s.to.min(s.to - 20),
                    _ => s.to,
                })
                .min(),
        };
        let count = [BZXX_MSGS.len(), WYLY_MSGS.len(), SOLS.len() + 1][k];
        let e = ExpectedColumn::judged(
            "portal",
            url(&format!("{dir}index.html")),
            name,
            category,
            2,
            count,
            newest.map(|n| day(ctx, n)),
            false,
            ctx.as_of,
        );
        planted.extend(e.planted());
        cols.push(e);
    }
    for (dir, msgs) in [(BZXX, BZXX_MSGS), (WYLY, WYLY_MSGS)] {
        for m in msgs {
            let asked = day(ctx, m.asked);
            if asked <= ctx.as_of - chrono::Months::new(12) {
                continue; // outside the year: not counted
            }
            let page = url(&format!("{dir}{}", m.file));
            let answered = m.replied.is_some() && !m.empty_reply;
            if let (true, Some(r)) = (answered, m.replied) {
                if h.working_days_between(asked, day(ctx, r)) > rules.reply_days {
                    planted.push(Planted::about(
                        "portal",
                        "late_reply",
                        page,
                        "reply later than 10 working days",
                    ));
                }
                continue;
            }
            let veto = ctx.as_of > asked + chrono::Months::new(rules.veto_months);
            if veto || h.working_days_between(asked, ctx.as_of) > rules.reply_days {
                planted.push(Planted::about(
                    "portal",
                    "unanswered_message",
                    page,
                    if veto {
                        "message unanswered for more than 3 months (veto)"
                    } else {
                        "message unanswered beyond the reply time (warning)"
                    },
                ));
            }
        }
    }
    for s in SOLS {
        let page = url(&format!("{YJZJ}{}", s.file));
        let closed_days = s.to;
        if s.status != "进行中"
            && s.feedback == Feedback::None
            && closed_days > rules.feedback_grace_days
        {
            planted.push(Planted::about(
                "portal",
                "solicitation_without_feedback",
                page.clone(),
                "closed solicitation without published feedback",
            ));
        }
        if s.from - s.to < rules.min_period_days {
            planted.push(Planted::about(
                "portal",
                "short_solicitation_period",
                page,
                "regulation draft open for less than 30 days",
            ));
        }
    }
    (cols, planted)
}
