//! report.html: one self-contained page per period for the office (inline CSS and SVG, no
//! script, no network; prints on A4).
//!
//! Sections: the verdict table (rank, score, 合格/不合格, veto items, new/open/fixed), the veto
//! items with measured values and thresholds, deductions per indicator, counts per check with the
//! change since the previous period, a trend chart of the scores over the periods in the history,
//! and the findings grouped by site and check with links to the evidence and the CSV files.
//!
//! Every piece of text goes through [`escape`]; links are only made from `http(s)` URLs.
//!
//! ```
//! use govpatrol::period::html::escape;
//! assert_eq!(escape("<script>\"a\"&'b'"), "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;");
//! ```

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::checks::Finding;
use crate::period::{PeriodReport, SiteReport, Status, TrendPoint};
use crate::wording::{check_name, evidence};

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A link to `url` when it is http(s), else the escaped text.
pub fn link(url: &str, text: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        format!(
            "<a href=\"{}\" rel=\"noreferrer\">{}</a>",
            escape(url),
            escape(text)
        )
    } else {
        escape(text)
    }
}

const CSS: &str = "
body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:1.5em;color:#222;font-size:14px}
h1{font-size:22px;margin-bottom:.2em}h2{font-size:18px;border-bottom:2px solid #345;padding-bottom:.2em;margin-top:1.6em}
h3{font-size:16px;margin-top:1.2em}h4{font-size:14px;margin:.8em 0 .3em}
table{border-collapse:collapse;width:100%;margin:.4em 0}th,td{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#e8edf3}td.num{text-align:right}.pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}
.new{color:#c62828}.open{color:#b26a00}.fixed{color:#1a7f37}.meta{color:#555}
td.url{word-break:break-all;max-width:28em}
.incomplete{border-left:4px solid #c62828;background:#fdecea;padding:.4em .8em;color:#7f1d1d}
@page{size:A4;margin:15mm}
@media print{body{margin:0;font-size:11px}a{color:#000;text-decoration:none}h2{page-break-after:avoid}tr{page-break-inside:avoid}.site{page-break-before:always}}
";

/// Most findings listed per site and check (the CSV files have them all).
pub const MAX_ROWS: usize = 300;

fn verdict_cell(pass: bool) -> &'static str {
    if pass {
        "<td class=\"pass\">合格</td>"
    } else {
        "<td class=\"fail\">不合格</td>"
    }
}

/// The trend chart: one line of scores per site over the periods in the history.
pub fn trend_svg(points: &[TrendPoint]) -> String {
    let mut periods: Vec<&str> = points.iter().map(|p| p.period.as_str()).collect();
    periods.sort();
    periods.dedup();
    let mut by_site: BTreeMap<&str, Vec<&TrendPoint>> = BTreeMap::new();
    for p in points {
        by_site.entry(p.site.as_str()).or_default().push(p);
    }
    let (w, h, left, top, bottom) = (640.0, 240.0, 40.0, 10.0, 30.0);
    let plot_w = w - left - 120.0;
    let plot_h = h - top - bottom;
    let x = |i: usize| {
        if periods.len() <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (periods.len() - 1) as f64
        }
    };
    let y = |score: f64| top + plot_h * (1.0 - score / 100.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"得分趋势\">"
    );
    for s in [0.0, 60.0, 100.0] {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{1}\" y2=\"{1}\" stroke=\"{2}\" stroke-dasharray=\"4 3\"/><text x=\"{3}\" y=\"{4}\" font-size=\"10\" text-anchor=\"end\">{s}</text>",
            left + plot_w,
            y(s),
            if s == 60.0 { "#c62828" } else { "#bbb" },
            left - 4.0,
            y(s) + 3.0
        );
    }
    for (i, p) in periods.iter().enumerate() {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            x(i),
            h - 10.0,
            escape(p)
        );
    }
    const COLORS: [&str; 6] = [
        "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
    ];
    for (k, (site, pts)) in by_site.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let coords: Vec<(f64, f64)> = pts
            .iter()
            .filter_map(|p| {
                let i = periods.iter().position(|q| *q == p.period)?;
                Some((x(i), y(p.score?)))
            })
            .collect();
        if coords.len() > 1 {
            let path: Vec<String> = coords
                .iter()
                .map(|(a, b)| format!("{a:.1},{b:.1}"))
                .collect();
            let _ = write!(
                svg,
                "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
                path.join(" ")
            );
        }
        for (a, b) in &coords {
            let _ = write!(
                svg,
                "<circle cx=\"{a:.1}\" cy=\"{b:.1}\" r=\"3\" fill=\"{color}\"/>"
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{color}\">{}</text>",
            left + plot_w + 10.0,
            top + 14.0 * (k as f64 + 1.0),
            escape(site)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn status_cell(s: Status, days: i64) -> String {
    match s {
        Status::New => "<td class=\"new\">新发现</td>".into(),
        Status::Open => format!("<td class=\"open\">仍未整改（已 {days} 天）</td>"),
        Status::Fixed => "<td class=\"fixed\">已整改</td>".into(),
    }
}

fn site_section(out: &mut String, s: &SiteReport) {
    let id = &s.summary.site;
    let _ = write!(
        out,
        "<section class=\"site\" id=\"site-{0}\"><h3>{1}（{0}）</h3><p class=\"meta\">{2} · 检查时点 {3} · 上期 {4} · <a href=\"{0}/findings.xlsx\">问题清单工作簿（findings.xlsx）</a> · <a href=\"{0}/summary.csv\">指标汇总（summary.csv）</a> · <a href=\"{0}/broken_links.csv\">链接问题（broken_links.csv）</a> · <a href=\"{0}/stale_columns.csv\">栏目更新（stale_columns.csv）</a> · <a href=\"{0}/findings.jsonl\">机读数据（findings.jsonl）</a></p>",
        escape(id),
        escape(&s.name),
        link(&s.url, &s.url),
        s.as_of,
        escape(s.previous_period.as_deref().unwrap_or("无"))
    );
    if let Some(c) = crate::wording::coverage(&s.summary.coverage) {
        let _ = write!(out, "<p class=\"incomplete\">{}</p>", escape(&c));
    }
    let sc = &s.summary.score;
    out.push_str("<h4>扣分明细</h4>");
    if sc.deductions.is_empty() {
        out.push_str("<p>无扣分。</p>");
    } else {
        out.push_str("<table class=\"deductions\"><tr><th>指标</th><th>问题数</th><th>应扣</th><th>本项上限</th><th>实扣</th></tr>");
        for d in &sc.deductions {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1}</td><td class=\"num\">{:.1}</td><td class=\"num\">{:.1}</td></tr>",
                escape(d.indicator),
                d.count,
                d.raw,
                d.cap,
                d.points
            );
        }
        out.push_str("</table>");
    }
    let mut by_check: BTreeMap<&str, Vec<&(Finding, Status, i64)>> = BTreeMap::new();
    for c in &s.current {
        by_check.entry(c.0.check).or_default().push(c);
    }
    for (check, rows) in &by_check {
        let _ = write!(
            out,
            "<h4>{}（{check}）：{} 处</h4><table class=\"findings\"><tr><th>#</th><th>状态</th><th>问题对象</th><th>证据</th><th>首次发现</th></tr>",
            check_name(check),
            rows.len()
        );
        for (i, (f, st, days)) in rows.iter().take(MAX_ROWS).enumerate() {
            let _ = write!(
                out,
                "<tr><td class=\"num\">{}</td>{}<td class=\"url\">{}</td><td>{}</td><td>{}</td></tr>",
                i + 1,
                status_cell(*st, *days),
                link(&f.url, &f.url),
                escape(&evidence(f)),
                escape(f.first_seen.get(..10).unwrap_or(&f.first_seen))
            );
        }
        out.push_str("</table>");
        if rows.len() > MAX_ROWS {
            let _ = write!(
                out,
                "<p class=\"meta\">另有 {} 处，见 CSV 文件。</p>",
                rows.len() - MAX_ROWS
            );
        }
    }
    if !s.fixed.is_empty() {
        let _ = write!(
            out,
            "<h4>上期问题本期已整改：{} 处</h4><table class=\"fixed-list\"><tr><th>#</th><th>检查项</th><th>问题对象</th><th>首次发现</th></tr>",
            s.fixed.len()
        );
        for (i, f) in s.fixed.iter().take(MAX_ROWS).enumerate() {
            let _ = write!(
                out,
                "<tr><td class=\"num\">{}</td><td class=\"fixed\">{}</td><td class=\"url\">{}</td><td>{}</td></tr>",
                i + 1,
                check_name(f.check),
                link(&f.url, &f.url),
                escape(f.first_seen.get(..10).unwrap_or(&f.first_seen))
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
}

/// The whole report.html of a period.
pub fn period_page(r: &PeriodReport) -> String {
    let title = format!("网站{}报告 {}", r.period.label_zh(), r.period.name);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{0}</title><style>{CSS}</style></head><body><h1>{0}</h1><p class=\"meta\">检查期 {1} 至 {2} · 检查时点 {3} · 共 {4} 个网站 · 由 govpatrol 生成</p>",
        escape(&title),
        r.period.first_day,
        r.period.last_day,
        r.as_of,
        r.sites.len()
    );
    if let Some(s) = &r.sample {
        let _ = write!(
            out,
            "<p class=\"sample\">抽查方式：随机种子 {}，抽取 {} 个；必查 {}；随机抽中 {}。用同一种子重新运行得到同样的抽查名单。</p>",
            s.seed,
            s.size.map(|n| n.to_string()).unwrap_or_else(|| "全部".into()),
            escape(&if s.forced.is_empty() { "无".into() } else { s.forced.join("、") }),
            escape(&if s.drawn.is_empty() { "无".into() } else { s.drawn.join("、") })
        );
    }
    // Sites not read whole are named before the verdicts, so no one reads a verdict on half a
    // site as a verdict on the site.
    for s in r.sites.iter() {
        if let Some(c) = crate::wording::coverage(&s.summary.coverage) {
            let _ = write!(
                out,
                "<p class=\"incomplete\"><a href=\"#site-{}\">{}</a>：{}</p>",
                escape(&s.summary.site),
                escape(&s.name),
                escape(&c)
            );
        }
    }
    out.push_str("<h2>检查结论</h2><table id=\"verdicts\"><tr><th>排名</th><th>网站</th><th>得分</th><th>结论</th><th>单项否决</th><th>新发现</th><th>仍未整改</th><th>已整改</th></tr>");
    for (i, s) in r.sites.iter().enumerate() {
        let sc = &s.summary.score;
        let _ = write!(
            out,
            "<tr><td class=\"num\">{}</td><td><a href=\"#site-{2}\">{1}</a>（{2}）</td><td class=\"num\">{3:.1}</td>{4}<td>{5}</td><td class=\"num\">{6}</td><td class=\"num\">{7}</td><td class=\"num\">{8}</td></tr>",
            i + 1,
            escape(&s.name),
            escape(&s.summary.site),
            sc.score,
            // A verdict on part of a site is not a verdict on the site.
            if s.summary.coverage.crawl_complete {
                verdict_cell(sc.pass).to_string()
            } else {
                verdict_cell(sc.pass).replace("</td>", "（检查未完成）</td>")
            },
            if sc.vetoes.is_empty() {
                "无".to_string()
            } else {
                escape(
                    &sc.vetoes
                        .iter()
                        .map(|v| v.indicator.as_str())
                        .collect::<Vec<_>>()
                        .join("；"),
                )
            },
            s.count(Status::New),
            s.count(Status::Open),
            s.count(Status::Fixed)
        );
    }
    out.push_str("</table>");

    out.push_str("<h2>单项否决</h2>");
    let vetoes: Vec<_> = r
        .sites
        .iter()
        .flat_map(|s| s.summary.score.vetoes.iter().map(move |v| (s, v)))
        .collect();
    if vetoes.is_empty() {
        out.push_str("<p>没有网站触发单项否决。</p>");
    } else {
        out.push_str(
            "<table id=\"vetoes\"><tr><th>网站</th><th>指标</th><th>测量值</th><th>阈值</th></tr>",
        );
        for (s, v) in vetoes {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&s.summary.site),
                escape(&v.indicator),
                escape(&v.value),
                escape(if v.threshold.is_empty() {
                    "—"
                } else {
                    &v.threshold
                })
            );
        }
        out.push_str("</table>");
    }

    out.push_str("<h2>各检查项问题数</h2><table id=\"counts\"><tr><th>网站</th><th>检查项</th><th>本期</th><th>上期</th><th>变化</th></tr>");
    for s in &r.sites {
        let mut now: BTreeMap<&str, usize> = BTreeMap::new();
        for (f, _, _) in &s.current {
            *now.entry(f.check).or_insert(0) += 1;
        }
        let mut checks: Vec<&str> = now.keys().copied().collect();
        checks.extend(s.previous_counts.keys().map(String::as_str));
        checks.sort();
        checks.dedup();
        for c in checks {
            let n = now.get(c).copied().unwrap_or(0);
            let p = s.previous_counts.get(c).copied();
            let change = match p {
                None => "—".to_string(),
                Some(p) => format!("{:+}", n as i64 - p as i64),
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}（{}）</td><td class=\"num\">{n}</td><td class=\"num\">{}</td><td class=\"num\">{change}</td></tr>",
                escape(&s.summary.site),
                check_name(c),
                escape(c),
                p.map(|p| p.to_string()).unwrap_or_else(|| "—".into())
            );
        }
    }
    out.push_str("</table>");

    out.push_str("<h2>得分趋势</h2>");
    out.push_str(&trend_svg(&r.trend));

    out.push_str("<h2>问题清单</h2>");
    for s in &r.sites {
        site_section(&mut out, s);
    }
    out.push_str("</body></html>\n");
    out
}
