//! CSV for webmasters: opened in Excel or WPS on Chinese Windows.
//!
//! UTF-8 with a byte-order mark (so Excel reads Chinese right), RFC 4180 quoting, one header row
//! in Chinese, and every cell neutralised against formula injection: a cell that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a page title such as
//! `=HYPERLINK(...)` shows as text instead of running.
//!
//! ```
//! assert_eq!(govpatrol::report::csv::neutralise("=1+1"), "'=1+1");
//! assert_eq!(govpatrol::report::csv::neutralise("通知"), "通知");
//! ```

use std::borrow::Cow;

/// The byte-order mark that starts every CSV file.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Prefixes `'` to a cell a spreadsheet would read as a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Renders a table as the bytes of a CSV file (BOM, header, rows).
pub fn render(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    w.write_record(header)?;
    for row in rows {
        w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_header_quoting_and_injection() {
        let bytes = render(
            &["标题", "地址"],
            &[
                vec!["=HYPERLINK(\"http://evil\")".into(), "a,b".into()],
                vec!["-1".into(), "@x".into()],
            ],
        )
        .unwrap();
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "标题,地址\r\n\"'=HYPERLINK(\"\"http://evil\"\")\",\"a,b\"\r\n'-1,'@x\r\n"
        );
    }
}
