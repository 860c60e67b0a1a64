//! The rectification notice as a Word file (`notices/<site id>.docx`), laid out as a 公文 after
//! GB/T 9704-2012 as far as a generated file reasonably can, for the office to open in Word or
//! WPS, number, stamp and send.
//!
//! What is laid out as the standard says:
//! - A4, margins 37 mm top and 28 mm left, a 156 × 225 mm type area; 22 lines of 28 characters
//!   (document grid: line pitch 28.95 pt, 3号 = 16 pt characters closed up to 15.8 pt).
//! - 版头: the issuing office ([`crate::config::NoticeConfig::issuer`]) in red 方正小标宋简体,
//!   a red separator line across the type area.
//! - Title in 2号 方正小标宋简体, centred, two lines below the red line; 主送 (the site's owner)
//!   one line below, flush left, with a full-width colon; the body in 3号 仿宋_GB2312, first
//!   lines indented two characters; first-level headings 一、 in 黑体, second-level （一） in
//!   楷体_GB2312.
//! - 附件说明 ("附件：…问题清单"), the signature centred over the date (右空四字), the date as
//!   `2026年12月6日`, the contact as 附注 in brackets below it (left out when not configured).
//! - 附件 on a new page: "附件" in 黑体, its title, and the problems table (序号, 检查项, 问题对象,
//!   所在页面, 问题描述, 首次发现, 状态; URLs are links), then the problems fixed since the last
//!   notice; 版记 with the issuing office and the date of issue between two lines.
//! - Page numbers `— 1 —` in 4号 宋体, odd pages right and even pages left, one character in.
//!
//! Fonts are named as government PCs have them (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体), and
//! the file's font table gives each its common fallback (宋体, 仿宋, 楷体, SimHei) and the GB2312
//! character set, so Word or WPS without the 方正 fonts substitutes a Chinese font of the same
//! kind. The document itself is built with docx-rs; only that font table part is replaced.
//!
//! What is left to the office: 发文字号 and 份号 (assigned when the notice is registered), the
//! seal, 抄送.

use docx_rs::{
    AlignmentType, BorderType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer,
    Hyperlink, HyperlinkType, InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts,
    SpecialIndentType, Tab, TabValueType, Table, TableCell, TableCellMargins, TableLayoutType,
    TableRow, VAlignType, WidthType,
};

use super::notice::{date_zh, Notice};
use crate::checks::Finding;
use crate::period::Status;
use crate::wording::{check_name, evidence_beside_page};

/// 方正小标宋简体: the title and the issuing office's name.
pub const TITLE_FONT: &str = "方正小标宋简体";
/// 仿宋_GB2312: the body.
pub const BODY_FONT: &str = "仿宋_GB2312";
/// 黑体: first-level headings and "附件".
pub const HEADING_FONT: &str = "黑体";
/// 楷体_GB2312: second-level headings.
pub const KAI_FONT: &str = "楷体_GB2312";
/// 宋体: page numbers.
pub const PAGE_NUMBER_FONT: &str = "宋体";

/// Each font with the one Word and WPS fall back to when it is missing.
const FALLBACKS: &[(&str, &str, &str)] = &[
    // (name, fallback, family)
    (TITLE_FONT, "宋体", "roman"),
    (BODY_FONT, "仿宋", "modern"),
    (KAI_FONT, "楷体", "modern"),
    (HEADING_FONT, "SimHei", "modern"),
    (PAGE_NUMBER_FONT, "SimSun", "auto"),
];

/// Font sizes in half-points: 一号, 2号, 3号, 4号, 五号.
const SIZE_1: usize = 52;
const SIZE_2: usize = 44;
const SIZE_3: usize = 32;
const SIZE_4: usize = 28;
const SIZE_5: usize = 21;

/// Millimetres to twentieths of a point.
const fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4 + 0.5) as i32
}
/// The type area's width (156 mm) in twips.
const TYPE_WIDTH: i32 = mm(156.0);
/// One character of 3号 text (16 pt) in twips.
const CHAR: i32 = 320;
/// How much each 3号 character is closed up (twips) so 28 fit on a line of the type area.
const CLOSE_UP: i32 = -5;
/// The fixed line height of the body: 225 mm / 22 lines ≈ 28.95 pt.
const LINE: i32 = 579;

// The type area is 156 × 225 mm, with 22 lines of 28 characters (checked when compiling).
const _: () = {
    assert!((mm(210.0) - mm(28.0) - mm(26.0) - TYPE_WIDTH).abs() <= 2);
    assert!((mm(297.0) - mm(37.0) - mm(35.0) - 22 * LINE).abs() < 40);
    assert!(28 * (CHAR + CLOSE_UP) <= TYPE_WIDTH && 29 * (CHAR + CLOSE_UP) > TYPE_WIDTH);
};

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

fn run(text: &str, font: &str, size: usize) -> Run {
    let r = Run::new().add_text(text).fonts(fonts(font)).size(size);
    if size == SIZE_3 {
        // 28 characters of 16 pt in 156 mm: each closed up by a quarter point.
        r.character_spacing(CLOSE_UP)
    } else {
        r
    }
}

fn exact(p: Paragraph, line: i32) -> Paragraph {
    // 22 lines on every page: no line moved to the next page to avoid a widow.
    p.widow_control(false).line_spacing(
        LineSpacing::new()
            .line_rule(LineSpacingType::Exact)
            .line(line)
            .before(0)
            .after(0),
    )
}

/// A body paragraph: 3号 仿宋, first line indented two characters.
fn body(text: &str) -> Paragraph {
    exact(
        Paragraph::new()
            .add_run(run(text, BODY_FONT, SIZE_3))
            .indent(
                None,
                Some(SpecialIndentType::FirstLine(2 * CHAR)),
                None,
                None,
            ),
        LINE,
    )
}

fn blank() -> Paragraph {
    exact(Paragraph::new().size(SIZE_3), LINE)
}

/// `一、…` in 黑体.
fn heading1(text: &str) -> Paragraph {
    exact(
        Paragraph::new()
            .add_run(run(text, HEADING_FONT, SIZE_3))
            .indent(
                None,
                Some(SpecialIndentType::FirstLine(2 * CHAR)),
                None,
                None,
            )
            .keep_next(true),
        LINE,
    )
}

/// How wide a text is in characters of its size (ASCII counts half).
fn width_chars(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

/// The first-level heading numbers.
const NUMBERS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn second_level_number(i: usize) -> String {
    let n = i + 1;
    let zh = match n {
        1..=10 => NUMBERS[n - 1].to_string(),
        11..=19 => format!("十{}", NUMBERS[n - 11]),
        _ => n.to_string(),
    };
    format!("（{zh}）")
}

fn link_or_text(url: &str, size: usize) -> Paragraph {
    let r = run(url, BODY_FONT, size);
    let p = Paragraph::new();
    if url.starts_with("http://") || url.starts_with("https://") {
        p.add_hyperlink(
            Hyperlink::new(url, HyperlinkType::External)
                .add_run(r.color("0563C1").underline("single")),
        )
    } else {
        p.add_run(r)
    }
}

fn cell(p: Paragraph, width: i32) -> TableCell {
    // Off the 28.95 pt grid of the body: a table row is as tall as its text.
    let p = p.snap_to_grid(false).line_spacing(
        LineSpacing::new()
            .line_rule(LineSpacingType::Auto)
            .line(240)
            .before(0)
            .after(0),
    );
    TableCell::new()
        .add_paragraph(p)
        .width(width as usize, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

fn text_cell(text: &str, width: i32, font: &str) -> TableCell {
    cell(Paragraph::new().add_run(run(text, font, SIZE_5)), width)
}

/// 1 mm on the left and right of a table cell's text, 0.5 mm above and below.
fn cell_margins() -> TableCellMargins {
    TableCellMargins::new().margin(28, 57, 28, 57)
}

/// The header row of a table: labels in 黑体, centred; never split over two pages.
fn header_row(labels: &[&str], widths: &[i32]) -> TableRow {
    TableRow::new(
        labels
            .iter()
            .zip(widths)
            .map(|(h, w)| {
                cell(
                    Paragraph::new().align(AlignmentType::Center).add_run(run(
                        h,
                        HEADING_FONT,
                        SIZE_5,
                    )),
                    *w,
                )
            })
            .collect(),
    )
    .cant_split()
}

/// A table across the type area with fixed column widths (twips).
fn table(rows: Vec<TableRow>, widths: &[i32]) -> Table {
    Table::new(rows)
        .margins(cell_margins())
        .set_grid(widths.iter().map(|w| *w as usize).collect())
        .layout(TableLayoutType::Fixed)
        .width(TYPE_WIDTH as usize, WidthType::Dxa)
}

/// The problems table of the attachment.
fn problems_table(rows: &[&(Finding, Status, i64)]) -> Table {
    // 10 + 16 + 31 + 25 + 39 + 22 + 13 = 156 mm: a date fits on one line, so does 序号.
    let widths = [
        mm(10.0),
        mm(16.0),
        mm(31.0),
        mm(25.0),
        mm(39.0),
        mm(22.0),
        mm(13.0),
    ];
    let header = [
        "序号",
        "检查项",
        "问题对象",
        "所在页面",
        "问题描述",
        "首次发现",
        "状态",
    ];
    let mut out = vec![header_row(&header, &widths)];
    for (i, (f, st, days)) in rows.iter().enumerate() {
        let page = if f.page_url == f.url {
            text_cell("同左", widths[3], BODY_FONT)
        } else {
            cell(link_or_text(&f.page_url, SIZE_5), widths[3])
        };
        out.push(TableRow::new(vec![
            text_cell(&(i + 1).to_string(), widths[0], BODY_FONT),
            text_cell(check_name(f.check), widths[1], BODY_FONT),
            cell(link_or_text(&f.url, SIZE_5), widths[2]),
            page,
            text_cell(&evidence_beside_page(f), widths[4], BODY_FONT),
            text_cell(
                f.first_seen.get(..10).unwrap_or(&f.first_seen),
                widths[5],
                BODY_FONT,
            ),
            text_cell(
                &match st {
                    Status::Open => format!("仍未整改（已 {days} 天）"),
                    other => other.label_zh().to_string(),
                },
                widths[6],
                BODY_FONT,
            ),
        ]));
    }
    table(out, &widths)
}

/// The table of problems fixed since the last notice.
fn fixed_table(fixed: &[&Finding]) -> Table {
    let widths = [mm(10.0), mm(30.0), mm(96.0), mm(20.0)];
    let mut rows = vec![header_row(
        &["序号", "检查项", "问题对象", "首次发现"],
        &widths,
    )];
    for (i, f) in fixed.iter().enumerate() {
        rows.push(TableRow::new(vec![
            text_cell(&(i + 1).to_string(), widths[0], BODY_FONT),
            text_cell(check_name(f.check), widths[1], BODY_FONT),
            cell(link_or_text(&f.url, SIZE_5), widths[2]),
            text_cell(
                f.first_seen.get(..10).unwrap_or(&f.first_seen),
                widths[3],
                BODY_FONT,
            ),
        ]));
    }
    table(rows, &widths)
}

/// `— 1 —` in 4号 宋体, one character in from the outer edge.
fn page_number_footer(odd: bool) -> Footer {
    let r = || Run::new().fonts(fonts(PAGE_NUMBER_FONT)).size(SIZE_4);
    let one_char = 280; // one 4号 character
    let p = Paragraph::new()
        .add_run(r().add_text("— "))
        .add_run(r().add_field_char(FieldCharType::Begin, false))
        .add_run(r().add_instr_text(InstrText::PAGE(InstrPAGE::new())))
        .add_run(r().add_field_char(FieldCharType::Separate, false))
        .add_run(r().add_text("1"))
        .add_run(r().add_field_char(FieldCharType::End, false))
        .add_run(r().add_text(" —"));
    let p = if odd {
        p.align(AlignmentType::Right)
            .indent(None, None, Some(one_char), None)
    } else {
        p.align(AlignmentType::Left)
            .indent(Some(one_char), None, None, None)
    };
    Footer::new().add_paragraph(p)
}

/// A paragraph with a line above and/or below it across the type area (the red line of the
/// header, the lines of 版记). `size` in eighths of a point.
fn ruled(p: Paragraph, top: Option<(usize, &str)>, bottom: Option<(usize, &str)>) -> Paragraph {
    let mut b = ParagraphBorders::with_empty();
    for (pos, rule) in [
        (ParagraphBorderPosition::Top, top),
        (ParagraphBorderPosition::Bottom, bottom),
    ] {
        if let Some((size, color)) = rule {
            b = b.set(
                ParagraphBorder::new(pos)
                    .val(BorderType::Single)
                    .size(size)
                    .space(1)
                    .color(color),
            );
        }
    }
    p.set_borders(b)
}

/// The font table: each font with its fallback (`w:altName`), the GB2312 character set and its
/// family, so a PC without the 方正 fonts substitutes a Chinese font of the same kind.
fn font_table() -> Vec<u8> {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>",
    );
    for (name, alt, family) in FALLBACKS {
        x.push_str(&format!(
            "<w:font w:name=\"{name}\"><w:altName w:val=\"{alt}\"/><w:charset w:val=\"86\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"fixed\"/></w:font>"
        ));
    }
    x.push_str("</w:fonts>");
    x.into_bytes()
}

/// The notice as the bytes of a .docx file.
pub fn notice(n: &Notice) -> Vec<u8> {
    let site = n.site;
    let issuer = &n.report.notice.issuer;
    let mut d = Docx::new()
        .page_size(mm(210.0) as u32, mm(297.0) as u32)
        .page_margin(PageMargin {
            top: mm(37.0),
            bottom: mm(35.0),
            left: mm(28.0),
            right: mm(26.0),
            header: mm(15.0),
            footer: mm(23.0),
            gutter: 0,
        })
        .default_fonts(fonts(BODY_FONT))
        .default_size(SIZE_3)
        .footer(page_number_footer(true))
        .even_footer(page_number_footer(false));
    d.document = d.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::Lines)
            .line_pitch(LINE as usize),
    );

    // 版头: the issuing office in red, then the red separator line.
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run(issuer, TITLE_FONT, SIZE_1).color("FF0000")),
    );
    d = d.add_paragraph(ruled(
        exact(Paragraph::new().size(8), 160),
        None,
        Some((18, "FF0000")),
    ));
    d = d.add_paragraph(blank()).add_paragraph(blank());
    // Title, 主送.
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(
                LineSpacing::new()
                    .line_rule(LineSpacingType::Auto)
                    .line(240),
            )
            .add_run(run(&n.title(), TITLE_FONT, SIZE_2)),
    );
    d = d.add_paragraph(blank());
    d = d.add_paragraph(exact(
        Paragraph::new().add_run(run(&format!("{}：", site.owner), BODY_FONT, SIZE_3)),
        LINE,
    ));
    // Body.
    d = d.add_paragraph(body(&n.intro()));
    let groups = n.groups();
    let mut section = 0;
    let mut heading = |t: &str| {
        section += 1;
        heading1(&format!("{}、{t}", NUMBERS[section - 1]))
    };
    if groups.is_empty() {
        d = d.add_paragraph(body("本期未发现需要整改的问题。"));
    } else {
        d = d.add_paragraph(heading("存在的问题"));
        for (i, (check, rows)) in groups.iter().enumerate() {
            d = d.add_paragraph(exact(
                Paragraph::new()
                    .indent(
                        None,
                        Some(SpecialIndentType::FirstLine(2 * CHAR)),
                        None,
                        None,
                    )
                    .add_run(run(
                        &format!(
                            "{}{}，{} 处。",
                            second_level_number(i),
                            check_name(check),
                            rows.len()
                        ),
                        KAI_FONT,
                        SIZE_3,
                    ))
                    .add_run(run(
                        &format!("整改要求：{}", crate::wording::advice(check)),
                        BODY_FONT,
                        SIZE_3,
                    )),
                LINE,
            ));
        }
        d = d.add_paragraph(body("每个问题的地址、问题描述和首次发现时间见附件。"));
        d = d.add_paragraph(heading("整改要求"));
        d = d.add_paragraph(body(&n.deadline_text()));
        d = d.add_paragraph(body(&n.report_back()));
    }
    let fixed: Vec<&Finding> = site
        .fixed
        .iter()
        .filter(|f| super::notice::for_the_unit(f))
        .collect();
    if !fixed.is_empty() {
        d = d.add_paragraph(heading("已整改的问题"));
        d = d.add_paragraph(body(&format!(
            "上次通知以来已整改 {} 处，见附件。",
            fixed.len()
        )));
    }
    // 附件说明, signature, date, 附注: one block that a page break never splits (each line
    // keeps with the next), so the date and the contact never stand alone on a page.
    let attachment = format!("{}网站问题清单", site.name);
    d = d.add_paragraph(blank().keep_next(true));
    d = d.add_paragraph(exact(
        Paragraph::new()
            .keep_next(true)
            // 左空二字; a second line aligns with the attachment's name, after "附件：".
            .indent(
                Some(5 * CHAR),
                Some(SpecialIndentType::Hanging(3 * CHAR)),
                None,
                None,
            )
            .add_run(run(&format!("附件：{attachment}"), BODY_FONT, SIZE_3)),
        LINE,
    ));
    d = d
        .add_paragraph(blank().keep_next(true))
        .add_paragraph(blank().keep_next(true));
    let date = n.issued_zh();
    // The signature centred over the date; the date four characters in from the right.
    let sig_right = 4.0 + (width_chars(&date) - width_chars(issuer)) / 2.0;
    d = d.add_paragraph(exact(
        Paragraph::new()
            .keep_next(true)
            .align(AlignmentType::Right)
            .indent(
                None,
                None,
                Some((sig_right.max(2.0) * CHAR as f64) as i32),
                None,
            )
            .add_run(run(issuer, BODY_FONT, SIZE_3)),
        LINE,
    ));
    d = d.add_paragraph(exact(
        Paragraph::new()
            // Kept with the contact line under it, when there is one.
            .keep_next(n.contact_line().is_some())
            .align(AlignmentType::Right)
            .indent(None, None, Some(4 * CHAR), None)
            .add_run(run(&date, BODY_FONT, SIZE_3)),
        LINE,
    ));
    if let Some(c) = n.contact_line() {
        d = d.add_paragraph(exact(
            Paragraph::new()
                .indent(Some(2 * CHAR), None, None, None)
                .add_run(run(&format!("（{c}）"), BODY_FONT, SIZE_3)),
            LINE,
        ));
    }

    // 附件 on a new page.
    d = d.add_paragraph(
        exact(Paragraph::new(), LINE)
            .add_run(Run::new().add_break(BreakType::Page))
            .add_run(run("附件", HEADING_FONT, SIZE_3)),
    );
    d = d.add_paragraph(blank());
    d = d.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
        &attachment,
        TITLE_FONT,
        SIZE_2,
    )));
    d = d.add_paragraph(blank());
    let rows: Vec<&(Finding, Status, i64)> = groups.values().flatten().copied().collect();
    if rows.is_empty() {
        d = d.add_paragraph(body("本期未发现需要整改的问题。"));
    } else {
        d = d.add_table(problems_table(&rows));
    }
    if !fixed.is_empty() {
        d = d.add_paragraph(blank());
        d = d.add_paragraph(exact(
            Paragraph::new().add_run(run("上次通知以来已整改的问题", HEADING_FONT, SIZE_3)),
            LINE,
        ));
        d = d.add_table(fixed_table(&fixed));
    }
    // 版记: the issuing office and the date of issue between two lines.
    d = d.add_paragraph(blank());
    d = d.add_paragraph(ruled(
        Paragraph::new()
            .add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .pos((TYPE_WIDTH - 280) as usize),
            )
            .indent(Some(280), None, None, None)
            .add_run(run(issuer, BODY_FONT, SIZE_4))
            .add_run(Run::new().add_tab())
            .add_run(run(
                &format!("{}印发", date_zh(n.issued)),
                BODY_FONT,
                SIZE_4,
            )),
        Some((8, "000000")),
        Some((8, "000000")),
    ));

    let mut xml = d.build();
    xml.font_table = font_table();
    let mut buf = std::io::Cursor::new(Vec::new());
    xml.pack(&mut buf).expect("a docx packs into memory");
    buf.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_level_numbers_read_as_chinese() {
        assert_eq!(second_level_number(0), "（一）");
        assert_eq!(second_level_number(10), "（十一）");
    }
}
