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

use super::html::{escape, link};
use crate::checks::Finding;
use crate::period::{PeriodReport, SiteReport, Status};
use crate::wording::{advice, check_name, evidence};

/// Whether a finding goes into the unit's notice: everything except `too_few_probes`, which is
/// about the inspector's own probing, not about the site.
pub fn for_the_unit(f: &Finding) -> bool {
    f.check != "too_few_probes"
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
                    .map(|v| v.phrase())
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
                check_name(check),
                rows.len(),
                advice(check)
            );
            for (f, st, days) in rows {
                n += 1;
                let _ = writeln!(
                    out,
                    "{n}. <{}> — {}。{}。问题编号 {}",
                    f.url,
                    md(&evidence(f)),
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
                    check_name(f.check),
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
                check_name(check),
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
                    escape(&evidence(f)),
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
                    check_name(f.check),
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
