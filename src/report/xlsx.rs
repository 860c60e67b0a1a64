//! The workbook `<period>/<site>/findings.xlsx`: what the CSV files say, ready to work in
//! Excel or WPS.
//!
//! The first sheet is the summary (summary.csv's rows), then one sheet per check with findings,
//! named in Chinese, in the order of [`crate::wording`]. A check that has a CSV file gets that
//! file's columns (broken_links.csv, stale_columns.csv, messages.csv, from the same
//! [`super::Table`] builders); the others get [`GENERIC_COLUMNS`] with the evidence in words.
//! Every sheet has its header frozen and filters on, column widths from its contents, long texts
//! wrapped, and http(s) addresses as clickable links. Cells are written as text, never as
//! formulas, so a page title such as `=HYPERLINK(…)` stays text (no `'` needed, unlike CSV).
//! The CSV files stay as they are.

use rust_xlsxwriter::{Color, Format, FormatBorder, Url, Workbook, Worksheet, XlsxError};

use super::messages::{is_message_finding, messages_table};
use super::{broken_links_table, is_link_finding, stale_columns_table, SummaryRow, Table};
use crate::checks::Finding;
use crate::wording;

/// Columns of a check that has no CSV file of its own (Chinese label, findings.jsonl key).
pub const GENERIC_COLUMNS: &[(&str, &str)] = &[
    ("问题编号", "id"),
    ("检查项", "check"),
    ("严重程度", "severity"),
    ("问题对象", "url"),
    ("所在页面", "page_url"),
    ("问题描述", "evidence"),
    ("整改建议", "advice"),
    ("首次发现", "first_seen"),
    ("观测时间", "observed_at"),
];

/// The generic table of one check's findings: the evidence as a sentence, the advice.
pub fn generic_table<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Table {
    let rows = findings
        .into_iter()
        .map(|f| {
            vec![
                f.id.clone(),
                wording::check_name(f.check).to_string(),
                f.severity.label_zh().to_string(),
                f.url.clone(),
                f.page_url.clone(),
                wording::evidence(f),
                wording::advice(f.check).to_string(),
                f.first_seen.clone(),
                f.observed_at.clone(),
            ]
        })
        .collect();
    Table::new(GENERIC_COLUMNS, rows)
}

/// The table of one check's sheet: its CSV file's columns where it has one.
fn check_table(check: &str, findings: &[&Finding]) -> Table {
    let of = findings.iter().copied();
    if findings.iter().all(|f| is_link_finding(f)) {
        broken_links_table(of)
    } else if findings.iter().all(|f| is_message_finding(f)) {
        messages_table(of)
    } else if check == "stale_column" || check == "empty_column" {
        stale_columns_table(of)
    } else {
        generic_table(of)
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '、' } else { c })
        .take(31)
        .collect()
}

/// Display width of a cell's text, CJK counting double, clamped for a column.
fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

/// Most links Excel keeps on one sheet; further addresses are written as text.
const MAX_LINKS: usize = 65_000;

fn is_link(s: &str) -> bool {
    (s.starts_with("http://") || s.starts_with("https://")) && s.chars().count() <= 2_000
}

/// Writes one table into a sheet: header frozen, filters, widths, wrapped text, links.
fn write_sheet(ws: &mut Worksheet, name: &str, t: &Table) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(name))?;
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE8EDF3))
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    let link = Format::new()
        .set_font_color(Color::RGB(0x0563C1))
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);
    let mut widths: Vec<f64> = t.header.iter().map(|h| width(h) + 4.0).collect();
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
    }
    let mut links = 0;
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            if is_link(cell)
                && links < MAX_LINKS
                && ws
                    .write_url_with_format(r, col, Url::new(cell.as_str()), &link)
                    .is_ok()
            {
                links += 1;
            } else if width(cell) > 60.0 {
                ws.write_string_with_format(r, col, cell, &wrap)?;
            } else {
                ws.write_string(r, col, cell)?;
            }
            if let Some(w) = widths.get_mut(c) {
                *w = w.max(width(cell) + 2.0);
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, w.clamp(8.0, 60.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    let last_col = t.header.len().saturating_sub(1) as u16;
    ws.autofilter(0, 0, t.rows.len() as u32, last_col)?;
    Ok(())
}

/// The workbook's sheets: the summary, then one per check with findings.
pub fn sheets(findings: &[Finding], summary: &[SummaryRow]) -> Vec<(String, Table)> {
    let mut out = vec![("汇总".to_string(), super::summary_table(summary))];
    let mut checks: Vec<&str> = wording::known_checks().collect();
    for f in findings {
        if !checks.contains(&f.check) {
            checks.push(f.check);
        }
    }
    for check in checks {
        let of: Vec<&Finding> = findings.iter().filter(|f| f.check == check).collect();
        if !of.is_empty() {
            out.push((
                wording::check_name(check).to_string(),
                check_table(check, &of),
            ));
        }
    }
    out
}

/// The bytes of `findings.xlsx`.
pub fn workbook(findings: &[Finding], summary: &[SummaryRow]) -> Result<Vec<u8>, XlsxError> {
    {
        let mut wb = Workbook::new();
        let mut used: Vec<String> = Vec::new();
        for (name, table) in sheets(findings, summary) {
            // Two checks an older version does not know are both 其他问题: keep names unique.
            let mut unique = sheet_name(&name);
            let mut n = 2;
            while used.contains(&unique) {
                unique = format!(
                    "{}{n}",
                    sheet_name(&name).chars().take(29).collect::<String>()
                );
                n += 1;
            }
            write_sheet(wb.add_worksheet(), &unique, &table)?;
            used.push(unique);
        }
        wb.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_ones_excel_accepts() {
        assert_eq!(
            sheet_name("网站标识码/备案号不符"),
            "网站标识码、备案号不符"
        );
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
