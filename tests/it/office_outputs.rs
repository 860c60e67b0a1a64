//! What the office opens, end to end on the built-in sample ministry: after a monthly run,
//! report.html and the portal's notice rendered by headless Chromium, the notice's .docx opened
//! by LibreOffice (converted to PDF), and the workbook, each read back as a person sees it.
//!
//! The rendered text (Chromium's and LibreOffice's PDF through `pdftotext`) must hold the
//! verdict table and a finding's evidence sentence, in Chinese, with no code or raw JSON where a
//! person reads. Needs Debian's `chromium`, `libreoffice-writer-nogui` and `poppler-utils`
//! (`.ci/run` installs them); where a program is missing, its part says so and is skipped.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use crate::common::*;
use chrono::NaiveDate;
use govpatrol::config::Targets;
use govpatrol::period::{self, Period};
use govpatrol_sample::SampleSites;

/// The text of a PDF as `pdftotext` reads it, with every space and line break removed (a PDF
/// breaks lines wherever the layout did).
fn pdf_text(pdf: &Path) -> String {
    pdf_pages(pdf).concat()
}

/// The text of each page of a PDF, squeezed as by `pdf_text`.
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let o = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .split('\u{c}')
        .map(squeeze)
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Prints a page to PDF with headless Chromium and returns its text.
fn chromium_text(bin: &Path, page: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("page.pdf");
    let o = headless_chromium(bin, &dir.path().join("profile"))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        o.status.success() && pdf.exists(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    pdf_text(&pdf)
}

/// Converts a .docx to PDF with LibreOffice and returns the text of each page.
fn libreoffice_pages(bin: &Path, docx: &Path) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(bin)
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        .arg(docx)
        .output()
        .unwrap();
    let pdf = dir
        .path()
        .join(docx.file_stem().unwrap())
        .with_extension("pdf");
    assert!(
        o.status.success() && pdf.exists(),
        "LibreOffice could not open {}: {}{}",
        docx.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    pdf_pages(&pdf)
}

fn zip_entry(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name)
        .unwrap_or_else(|e| panic!("{name} in {}: {e}", path.display()))
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_reads_the_verdict_and_the_evidence_in_every_format() {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let sites = SampleSites::start(as_of).await.unwrap();
    // Quick: the sample is on loopback, and the test is about what the outputs say.
    let targets = write_targets(dir.path(), &sites, 500.0);
    let t = Targets::load(&targets).unwrap();
    let (_tx, stop) = tokio::sync::watch::channel(false);
    let done = period::monthly(&t, &options(&out, as_of), &Period::month_of(as_of), stop)
        .await
        .expect("monthly run");
    let month = out.join("2026-11");
    let portal = &done.report.as_ref().unwrap().sites[0];
    let name = squeeze(&portal.name);
    // A broken link the sample plants, and its evidence as every format words it.
    let evidence = "打开时返回HTTP404（页面不存在）";
    let veto = "互动回应差：留言超过3个月未答复";

    // The workbook: the summary first, a sheet per check in Chinese, frozen header, filters,
    // clickable addresses.
    let xlsx = month.join("portal/findings.xlsx");
    let workbook = zip_entry(&xlsx, "xl/workbook.xml");
    assert!(
        workbook.contains("<sheet name=\"汇总\" sheetId=\"1\""),
        "{workbook}"
    );
    assert!(workbook.contains("name=\"链接不可用\""), "{workbook}");
    assert!(!workbook.contains("broken_link"), "{workbook}");
    let links = zip_entry(&xlsx, "xl/worksheets/sheet2.xml");
    assert!(links.contains("state=\"frozen\""), "header not frozen");
    assert!(links.contains("<autoFilter ref=\"A1:"), "no filters");
    assert!(links.contains("<hyperlink "), "addresses are not links");
    let strings = squeeze(&zip_entry(&xlsx, "xl/sharedStrings.xml"));
    assert!(strings.contains(evidence), "{strings}");

    // The notice as a Word file: fonts as offices name them, A4.
    let docx = month.join("notices/portal.docx");
    let document = zip_entry(&docx, "word/document.xml");
    for font in ["方正小标宋简体", "仿宋_GB2312", "黑体"] {
        assert!(document.contains(font), "{font} not used");
    }
    assert!(document.contains("w:w=\"11906\""), "not A4");
    let fonts = zip_entry(&docx, "word/fontTable.xml");
    assert!(fonts.contains("<w:altName w:val=\"仿宋\"/>"), "{fonts}");

    match which(&["pdftotext"]) {
        None => {
            eprintln!("SKIPPED the rendered checks: no pdftotext (apt-get install poppler-utils)")
        }
        Some(_) => {
            match which(&["soffice", "libreoffice"]) {
                None => eprintln!(
                    "SKIPPED the .docx check: no LibreOffice (apt-get install libreoffice-writer-nogui)"
                ),
                Some(soffice) => {
                    let pages = libreoffice_pages(&soffice, &docx);
                    let text = pages.concat();
                    // The 落款 is one block: the issuing office, the date and the contact line
                    // on one page (a page break once left the date and contact alone on a page).
                    assert!(
                        pages.iter().any(|p| p.contains(
                            "示例生态环境部办公厅2026年11月25日（联系人：王明，联系电话：010-12345678）"
                        )),
                        "the signature block is split over pages: {pages:#?}"
                    );
                    for want in [
                        format!("关于{name}网站检查发现问题整改的通知"),
                        format!("{}：", squeeze(&portal.owner)),
                        "示例生态环境部办公厅".to_string(),
                        "请于2026年12月16日前完成整改".to_string(),
                        veto.to_string(),
                        evidence.to_string(),
                        "（联系人：王明，联系电话：010-12345678）".to_string(),
                        "2026年11月25日印发".to_string(),
                    ] {
                        assert!(text.contains(&want), "the .docx lacks {want}:\n{text}");
                    }
                    assert!(!text.contains("unanswered_message") && !text.contains("{\""));
                }
            }
            match chromium() {
                None => {
                    eprintln!("SKIPPED the browser check: no chromium (apt-get install chromium)")
                }
                Some(chromium) => {
                    let report = chromium_text(&chromium, &month.join("report.html"));
                    // The verdict table: rank, site, score, verdict, veto items.
                    assert!(
                        report.contains("检查结论排名网站得分结论单项否决"),
                        "{report}"
                    );
                    assert!(
                        report.contains(&format!("1{name}（portal）85.3不合格")),
                        "{report}"
                    );
                    assert!(report.contains(veto), "{report}");
                    assert!(report.contains(evidence), "{report}");
                    let notice = chromium_text(&chromium, &month.join("notices/portal.html"));
                    assert!(notice.contains("检查结论：不合格，得分85.3"), "{notice}");
                    assert!(notice.contains(evidence), "{notice}");
                    for text in [&report, &notice] {
                        assert!(!text.contains("{\"") && !text.contains("阈值）"), "{text}");
                    }
                }
            }
        }
    }
}
