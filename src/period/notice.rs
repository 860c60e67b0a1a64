//! Rectification notices (整改通知): one per site with findings, in Word, Markdown and HTML
//! (`<out>/<period>/notices/<site id>.docx`, `.md` and `.html`).
//!
//! Content (outputs.md): the addressee (the site's owner), the period and check point, the
//! verdict and score, the problems numbered and grouped by check with their URLs and evidence,
//! what to do for each in plain words for a webmaster, the deadline (`deadline_working_days` of
//! `[notice]`, default 15 working days after the issue date — weekends and the official public
//! holidays skipped, see [`crate::calendar`]), how to report back to the issuing office and whom
//! to call (`[notice]`, [`crate::config::NoticeConfig`]), and the problems fixed since the last
//! notice. Every name and evidence sentence comes from [`crate::wording`].
//!
//! The Word file of the same notice, laid out as a 公文, is [`super::docx`]; the text of every
//! part (title, opening, deadline, how to report back, contact) comes from [`Notice`], so the
//! three files say the same.

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

/// A date as a 公文 writes it (GB/T 9704: Arabic numerals, no leading zeros): `2026年12月6日`.
///
/// ```
/// let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
/// assert_eq!(govpatrol::period::notice::date_zh(d), "2026年1月5日");
/// ```
pub fn date_zh(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
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
                .add_working_days(issued, i64::from(report.notice.deadline_working_days)),
        }
    }

    /// The findings of the notice grouped by check (`too_few_probes` left out).
    pub fn groups(&self) -> BTreeMap<&'static str, Vec<&'a (Finding, Status, i64)>> {
        let mut g: BTreeMap<&'static str, Vec<_>> = BTreeMap::new();
        for c in self.site.current.iter().filter(|c| for_the_unit(&c.0)) {
            g.entry(c.0.check).or_default().push(c);
        }
        g
    }

    /// How a problem stands: new, or notified before and still open (for how long).
    pub fn status_text(st: Status, days: i64) -> String {
        match st {
            Status::New => "本期新发现".into(),
            Status::Open => format!("上期已通知，仍未整改（首次发现至今 {days} 天）"),
            Status::Fixed => "已整改".into(),
        }
    }

    /// The deadline sentence, counted in working days in the project's calendar.
    pub fn deadline_text(&self) -> String {
        format!(
            "请于 {} 前完成整改（自本通知之日起 {} 个工作日，已扣除周末和法定节假日）。",
            date_zh(self.deadline),
            self.report.notice.deadline_working_days
        )
    }

    /// How to report back: to the issuing office.
    pub fn report_back(&self) -> String {
        format!(
            "整改完成后，请将整改情况报告（逐条说明整改措施，附整改后的页面地址）报送{}。我们将在下次检查时逐条核验，未整改的问题将再次通报。",
            self.report.notice.issuer
        )
    }

    /// [`Notice::report_back`] followed by the contact when one is configured.
    fn report_back_and_contact(&self) -> String {
        match self.contact_line() {
            Some(c) => format!("{}{c}。", self.report_back()),
            None => self.report_back(),
        }
    }

    /// `联系人：张三，联系电话：010-…`; `None` when neither is configured (no empty field).
    pub fn contact_line(&self) -> Option<String> {
        let n = &self.report.notice;
        let parts: Vec<String> = [
            n.contact.as_ref().map(|c| format!("联系人：{c}")),
            n.phone.as_ref().map(|p| format!("联系电话：{p}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join("，"))
    }

    /// The title of the notice: `关于…网站检查发现问题整改的通知`.
    pub fn title(&self) -> String {
        format!("关于{}网站检查发现问题整改的通知", self.site.name)
    }

    /// The issue date as a 公文 writes it: `2026年12月6日`.
    pub fn issued_zh(&self) -> String {
        date_zh(self.issued)
    }

    /// The opening paragraph: when and what was inspected, the verdict, score, veto items and
    /// the counts of problems; and a 说明 when the site was not read whole
    /// ([`crate::wording::coverage`]: a time budget, the page or depth budget).
    pub fn intro(&self) -> String {
        let s = self.site;
        let sc = &s.summary.score;
        let mut t = format!(
            "我们于 {} 对你单位主办的网站“{}”（{}）进行了{}（检查期 {}）。检查结论：{}，得分 {:.1}。",
            date_zh(s.as_of),
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
        if let Some(c) = crate::wording::coverage(&s.summary.coverage) {
            let _ = write!(t, "说明：{c}");
        }
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
            "# {}\n\n{}：\n\n{}\n\n",
            md(&self.title()),
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
            md(&self.report_back_and_contact())
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
        let _ = write!(
            out,
            "\n{}\n{}\n",
            md(&self.report.notice.issuer),
            self.issued_zh()
        );
        out
    }

    /// The notice as a self-contained HTML page (opens in Word and WPS too).
    pub fn html(&self) -> String {
        let s = self.site;
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{0}</title><style>body{{font-family:'FangSong','Noto Serif CJK SC',serif;max-width:46em;margin:2em auto;line-height:1.7}}h1{{text-align:center}}li{{margin:.3em 0;word-break:break-all}}@page{{size:A4;margin:20mm}}</style></head><body><h1>{0}</h1><p>{1}：</p><p>{2}</p><h2>问题清单</h2>",
            escape(&self.title()),
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
            escape(&self.report_back_and_contact())
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
            "<p style=\"text-align:right\">{}<br>{}</p></body></html>",
            escape(&self.report.notice.issuer),
            self.issued_zh()
        );
        out
    }
}
