//! Rectification notices (整改通知): one per site with findings, in Markdown and HTML
//! (`<out>/<period>/notices/<site id>.md` and `.html`).
//!
//! Content (outputs.md): the addressee (the site's owner), the period and check point, the
//! verdict and score, the problems numbered and grouped by check with their URLs and evidence,
//! what to do for each in plain words for a webmaster, the deadline (`deadline_working_days` of
//! `[scoring]`, default 15 working days after the issue date — weekends and the official public
//! holidays skipped, see [`crate::calendar`]), how to report back, and the problems
//! fixed since the last notice.
//!
//! No Word file: no maintained Rust crate writes .docx well enough yet; the HTML opens in Word
//! and WPS and can be saved as .docx from there.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;

use super::html::{check_label, escape, evidence_text, link};
use crate::checks::Finding;
use crate::period::{PeriodReport, SiteReport, Status};

/// Whether a finding goes into the unit's notice: everything except `too_few_probes`, which is
/// about the inspector's own probing, not about the site.
pub fn for_the_unit(f: &Finding) -> bool {
    f.check != "too_few_probes"
}

/// What a webmaster should do about a problem of this check.
pub fn advice(check: &str) -> &'static str {
    match check {
        "broken_link" => "打开“所在页面”，把失效链接改成正确地址；内容已撤下的，删除该链接或恢复原内容。",
        "link_needs_review" => "服务器拒绝了检查程序（登录或访问限制）。请用浏览器打开该链接，确认普通访问者能否正常打开；不能打开的按失效链接处理。",
        "stale_column" => "按栏目的更新周期发布新信息，信息须标注发布日期；确已不用的栏目请撤并，已结束的专题请归档。",
        "empty_column" => "为该栏目发布应有的信息，或撤销、合并该栏目，不要保留空白栏目。",
        "homepage_not_updated" => "首页须在两周内有新信息，请及时在首页发布本单位最新动态。",
        "site_unreachable" => "检查服务器、网络和域名解析，保证首页全天可以打开；必要时联系主机或云服务商。",
        "missing_metadata" => "在页面模板中补齐规定的元数据标签和页脚信息（网站标识码、ICP备案编号、公安备案号、主办单位等）。",
        "metadata_mismatch" => "把页面和页脚中的网站标识码、ICP备案编号改成与登记一致的值。",
        "suspect_date" => "核对该文章的真实发布日期，页面显示的日期与元数据须一致，不得改动发布日期。",
        "missing_interpretation" => "为该政策文件发布解读材料，并与文件相互链接。",
        "late_interpretation" => "解读应与文件同步发布，今后请同时审核、同时发布。",
        "unlinked_interpretation" => "在文件页面和解读页面之间加上相互链接。",
        "unanswered_message" => "尽快答复该留言，并在网站公开答复内容。",
        "late_reply" => "按时限答复留言，今后在规定的工作日内办结。",
        "solicitation_without_feedback" => "公布该征集调查的结果反馈（采纳情况和理由）。",
        "tls_certificate" => "更换有效的 HTTPS 证书，并在到期前及时续期。",
        "ipv6_not_ready" => "为网站域名配置 IPv6 地址（AAAA 记录）并保证 IPv6 访问正常。",
        "too_few_probes" => "这不是网站的问题：检查方的可用性探测次数不足，无需整改。",
        _ => "请按检查指标的要求整改。",
    }
}

/// One notice, ready to render.
pub struct Notice<'a> {
    pub report: &'a PeriodReport,
    pub site: &'a SiteReport,
    pub issued: NaiveDate,
    pub deadline: NaiveDate,
}

impl<'a> Notice<'a> {
    /// The notice for a site of a period, issued at the period's check point.
    pub fn new(report: &'a PeriodReport, site: &'a SiteReport) -> Notice<'a> {
        let issued = report.as_of;
        Notice {
            report,
            site,
            issued,
            deadline: report
                .calendar
                .add_working_days(issued, i64::from(report.deadline_working_days)),
        }
    }

    fn groups(&self) -> BTreeMap<&'static str, Vec<&'a (Finding, Status, i64)>> {
        let mut g: BTreeMap<&'static str, Vec<_>> = BTreeMap::new();
        for c in self.site.current.iter().filter(|c| for_the_unit(&c.0)) {
            g.entry(c.0.check).or_default().push(c);
        }
        g
    }

    fn status_text(st: Status, days: i64) -> String {
        match st {
            Status::New => "本期新发现".into(),
            Status::Open => format!("上期已通知，仍未整改（首次发现至今 {days} 天）"),
            Status::Fixed => "已整改".into(),
        }
    }

    fn deadline_text(&self) -> String {
        format!(
            "请于 {} 前完成整改（自本通知之日起 {} 个工作日，已扣除周末和法定节假日）。",
            self.deadline, self.report.deadline_working_days
        )
    }

    const REPORT_BACK: &'static str = "整改完成后，请将整改情况报告（逐条说明整改措施，附整改后的页面地址）报送办公厅（网信办）。我们将在下次检查时逐条核验，未整改的问题将再次通报。";

    fn intro(&self) -> String {
        let s = self.site;
        let sc = &s.summary.score;
        let mut t = format!(
            "我们于 {} 对你单位主办的网站“{}”（{}）进行了{}（检查期 {}）。检查结论：{}，得分 {:.1}。",
            s.as_of,
            s.name,
            s.url,
            self.report.period.label_zh(),
            self.report.period.name,
            sc.verdict_zh(),
            sc.score
        );
        if !sc.vetoes.is_empty() {
            t.push_str("触发单项否决：");
            t.push_str(
                &sc.vetoes
                    .iter()
                    .map(|v| format!("{}（{}，阈值 {}）", v.indicator, v.value, v.threshold))
                    .collect::<Vec<_>>()
                    .join("；"),
            );
            t.push('。');
        }
        let listed: Vec<Status> = s
            .current
            .iter()
            .filter(|c| for_the_unit(&c.0))
            .map(|c| c.1)
            .collect();
        let fixed = s.fixed.iter().filter(|f| for_the_unit(f)).count();
        let _ = write!(
            t,
            "共发现问题 {} 处，其中新发现 {} 处、上期未整改 {} 处；上期问题已整改 {fixed} 处。",
            listed.len(),
            listed.iter().filter(|x| **x == Status::New).count(),
            listed.iter().filter(|x| **x == Status::Open).count(),
        );
        t
    }

    /// The notice in Markdown.
    pub fn markdown(&self) -> String {
        let s = self.site;
        // Web text must not turn into Markdown links, emphasis or HTML.
        let md = |t: &str| {
            let mut o = String::with_capacity(t.len());
            for c in t.chars() {
                match c {
                    '\n' | '\r' => o.push(' '),
                    '\\' | '[' | ']' | '<' | '>' | '*' | '_' | '`' | '#' | '|' => {
                        o.push('\\');
                        o.push(c);
                    }
                    c => o.push(c),
                }
            }
            o
        };
        let mut out = format!(
            "# 网站问题整改通知\n\n{}：\n\n{}\n\n",
            md(&s.owner),
            md(&self.intro())
        );
        let mut n = 0;
        out.push_str("## 问题清单\n\n");
        for (check, rows) in self.groups() {
            let _ = write!(
                out,
                "### {}（{} 处）\n\n怎么改：{}\n\n",
                check_label(check),
                rows.len(),
                advice(check)
            );
            for (f, st, days) in rows {
                n += 1;
                let _ = writeln!(
                    out,
                    "{n}. <{}> — {}。{}。问题编号 {}",
                    f.url,
                    md(&evidence_text(f)),
                    Self::status_text(*st, *days),
                    f.id
                );
            }
            out.push('\n');
        }
        if n == 0 {
            out.push_str("本期未发现问题。\n\n");
        }
        let _ = write!(
            out,
            "## 整改期限\n\n{}\n\n## 整改反馈\n\n{}\n\n",
            self.deadline_text(),
            Self::REPORT_BACK
        );
        out.push_str("## 上次通知以来已整改的问题\n\n");
        let fixed: Vec<&Finding> = s.fixed.iter().filter(|f| for_the_unit(f)).collect();
        if fixed.is_empty() {
            out.push_str("无。\n");
        } else {
            for (i, f) in fixed.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{}. {}：<{}>（问题编号 {}）",
                    i + 1,
                    check_label(f.check),
                    f.url,
                    f.id
                );
            }
        }
        let _ = write!(out, "\n办公厅（网信办）\n{}\n", self.issued);
        out
    }

    /// The notice as a self-contained HTML page (opens in Word and WPS too).
    pub fn html(&self) -> String {
        let s = self.site;
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>网站问题整改通知 {}</title><style>body{{font-family:'FangSong','Noto Serif CJK SC',serif;max-width:46em;margin:2em auto;line-height:1.7}}h1{{text-align:center}}li{{margin:.3em 0;word-break:break-all}}@page{{size:A4;margin:20mm}}</style></head><body><h1>网站问题整改通知</h1><p>{}：</p><p>{}</p><h2>问题清单</h2>",
            escape(&s.summary.site),
            escape(&s.owner),
            escape(&self.intro())
        );
        let mut n = 0;
        for (check, rows) in self.groups() {
            let _ = write!(
                out,
                "<h3>{}（{} 处）</h3><p>怎么改：{}</p><ol start=\"{}\">",
                check_label(check),
                rows.len(),
                advice(check),
                n + 1
            );
            for (f, st, days) in rows {
                n += 1;
                let _ = write!(
                    out,
                    "<li>{} — {}。{}。问题编号 {}</li>",
                    link(&f.url, &f.url),
                    escape(&evidence_text(f)),
                    Self::status_text(*st, *days),
                    escape(&f.id)
                );
            }
            out.push_str("</ol>");
        }
        let _ = write!(
            out,
            "<h2>整改期限</h2><p>{}</p><h2>整改反馈</h2><p>{}</p><h2>上次通知以来已整改的问题</h2>",
            escape(&self.deadline_text()),
            Self::REPORT_BACK
        );
        let fixed: Vec<&Finding> = s.fixed.iter().filter(|f| for_the_unit(f)).collect();
        if fixed.is_empty() {
            out.push_str("<p>无。</p>");
        } else {
            out.push_str("<ol>");
            for f in fixed {
                let _ = write!(
                    out,
                    "<li>{}：{}（问题编号 {}）</li>",
                    check_label(f.check),
                    link(&f.url, &f.url),
                    escape(&f.id)
                );
            }
            out.push_str("</ol>");
        }
        let _ = writeln!(
            out,
            "<p style=\"text-align:right\">办公厅（网信办）<br>{}</p></body></html>",
            self.issued
        );
        out
    }
}
