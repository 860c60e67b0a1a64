//! Small helpers to write the sample sites' HTML: a page builder that records every link it
//! writes (so the planted-defect list is computed from the very links the pages carry), escaping,
//! date formats as Chinese government CMSs print them, text pools and tiny attachment bodies.

use chrono::{Datelike, NaiveDate};
use url::Url;

use super::content::{Link, PageInfo, Resource};

/// Escapes text for HTML element content.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes an attribute value (double-quoted).
pub(crate) fn esc_attr(s: &str) -> String {
    esc(s).replace('"', "&quot;")
}

/// Trims and collapses whitespace, as the crawler reports link texts.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds one HTML page and records its links.
pub(crate) struct PageBuilder {
    pub url: Url,
    base: Url,
    html: String,
    links: Vec<Link>,
}

impl PageBuilder {
    pub(crate) fn new(url: Url) -> PageBuilder {
        PageBuilder {
            base: url.clone(),
            url,
            html: String::with_capacity(8192),
            links: Vec::new(),
        }
    }

    /// The directory links on this page are written relative to (the base's directory).
    pub(crate) fn dir(&self) -> String {
        let path = self.base.path();
        path[..path.rfind('/').map_or(0, |i| i + 1)].to_string()
    }

    /// A relative href from this page's base directory to the site path `to`.
    pub(crate) fn rel(&self, to: &str) -> String {
        rel(&self.dir(), to)
    }

    /// Whether the page has a `<base href>` (fragment-only links would then point elsewhere).
    pub(crate) fn has_base(&self) -> bool {
        self.base != self.url
    }

    /// Appends literal HTML.
    pub(crate) fn raw(&mut self, s: &str) -> &mut Self {
        self.html.push_str(s);
        self
    }

    /// Appends escaped text.
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.html.push_str(&esc(s));
        self
    }

    /// Writes `<base href>` (absolute) and resolves later links against it.
    pub(crate) fn base(&mut self, href: &str) -> &mut Self {
        self.base = self.url.join(href).expect("valid base href");
        self.html
            .push_str(&format!("<base href=\"{}\">\n", esc_attr(href)));
        self
    }

    fn record(&mut self, href: &str, element: &'static str, text: &str) {
        self.links.push(Link {
            href: href.to_string(),
            element,
            text: collapse(text),
        });
    }

    /// `<a href>text</a>`.
    pub(crate) fn a(&mut self, href: &str, text: &str) -> &mut Self {
        self.a_attrs(href, text, "")
    }

    /// `<a href …attrs>text</a>`; `attrs` is literal HTML such as `target="_blank"`.
    pub(crate) fn a_attrs(&mut self, href: &str, text: &str, attrs: &str) -> &mut Self {
        self.record(href, "a", text);
        let sep = if attrs.is_empty() { "" } else { " " };
        self.html.push_str(&format!(
            "<a href=\"{}\"{sep}{attrs}>{}</a>",
            esc_attr(href),
            esc(text)
        ));
        self
    }

    /// `<a href><img src alt></a>` (the link has no text).
    pub(crate) fn a_img(&mut self, href: &str, src: &str, alt: &str) -> &mut Self {
        self.record(href, "a", "");
        self.html.push_str(&format!(
            "<a href=\"{}\" target=\"_blank\">",
            esc_attr(href)
        ));
        self.img(src, alt);
        self.html.push_str("</a>");
        self
    }

    /// `<img src alt>`.
    pub(crate) fn img(&mut self, src: &str, alt: &str) -> &mut Self {
        self.record(src, "img", alt);
        self.html.push_str(&format!(
            "<img src=\"{}\" alt=\"{}\">",
            esc_attr(src),
            esc_attr(alt)
        ));
        self
    }

    /// `<script src>`.
    pub(crate) fn script(&mut self, src: &str) -> &mut Self {
        self.record(src, "script", "");
        self.html.push_str(&format!(
            "<script type=\"text/javascript\" src=\"{}\"></script>\n",
            esc_attr(src)
        ));
        self
    }

    /// `<link rel="stylesheet" href>`.
    pub(crate) fn stylesheet(&mut self, href: &str) -> &mut Self {
        self.record(href, "link", "");
        self.html.push_str(&format!(
            "<link rel=\"stylesheet\" type=\"text/css\" href=\"{}\">\n",
            esc_attr(href)
        ));
        self
    }

    /// `<link rel=… href>` of another kind (icon, …).
    pub(crate) fn link_rel(&mut self, rel: &str, href: &str) -> &mut Self {
        self.record(href, "link", "");
        self.html.push_str(&format!(
            "<link rel=\"{rel}\" href=\"{}\">\n",
            esc_attr(href)
        ));
        self
    }

    /// Finishes the page: UTF-8 with `Content-Type: text/html; charset=utf-8`, or GBK with a bare
    /// `text/html` (the charset is then only in the page's `<meta>`).
    pub(crate) fn finish(self, gbk: bool) -> Resource {
        let (body, content_type) = if gbk {
            let (bytes, _, had_errors) = encoding_rs::GBK.encode(&self.html);
            assert!(!had_errors, "sample page {} not GBK-encodable", self.url);
            (bytes.into_owned(), "text/html")
        } else {
            (self.html.into_bytes(), "text/html; charset=utf-8")
        };
        let mut r = Resource::new(content_type, body);
        r.page = Some(PageInfo {
            base: self.base,
            links: self.links,
        });
        r
    }
}

/// Relative URL from a directory (site path ending in `/`) to a site path, as TRS writes it
/// (`./x`, `../../y/index.html`).
pub(crate) fn rel(from_dir: &str, to_path: &str) -> String {
    let f: Vec<&str> = from_dir.split('/').filter(|p| !p.is_empty()).collect();
    let t: Vec<&str> = to_path.split('/').collect();
    let (tdirs, tfile) = t.split_at(t.len() - 1);
    let tdirs: Vec<&str> = tdirs.iter().copied().filter(|p| !p.is_empty()).collect();
    let mut i = 0;
    while i < f.len() && i < tdirs.len() && f[i] == tdirs[i] {
        i += 1;
    }
    let up = f.len() - i;
    let mut parts: Vec<String> = vec!["..".to_string(); up];
    parts.extend(tdirs[i..].iter().map(|s| s.to_string()));
    parts.push(tfile[0].to_string());
    let s = parts.join("/");
    if up == 0 {
        format!("./{s}")
    } else {
        s
    }
}

/// `2026-11-20`.
pub(crate) fn dash(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `2026年11月20日`.
pub(crate) fn cn(d: NaiveDate) -> String {
    format!("{}年{:02}月{:02}日", d.year(), d.month(), d.day())
}

/// `[11-20]` (year from context).
pub(crate) fn bracket(d: NaiveDate) -> String {
    format!("[{:02}-{:02}]", d.month(), d.day())
}

/// `202611`.
pub(crate) fn ym(d: NaiveDate) -> String {
    d.format("%Y%m").to_string()
}

/// `20261120`.
pub(crate) fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// Deterministic pick from a pool.
pub(crate) fn pick<'a>(pool: &[&'a str], i: usize) -> &'a str {
    pool[(i * 7 + 3) % pool.len()]
}

pub(crate) const PROVINCES: &[&str] = &[
    "北京", "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
    "湖北", "湖南", "广东", "广西", "四川", "贵州", "云南", "陕西", "甘肃", "新疆",
];

pub(crate) const TOPICS: &[&str] = &[
    "大气污染防治",
    "水生态环境保护",
    "土壤污染风险管控",
    "固体废物管理",
    "生态环境监测",
    "排污许可管理",
    "环境影响评价",
    "生态保护修复",
    "应对气候变化",
    "核与辐射安全",
    "生态环境执法",
    "农村环境整治",
    "海洋生态环境保护",
    "新污染物治理",
    "美丽中国建设",
];

pub(crate) const PHRASES: &[&str] = &[
    "为深入贯彻落实党中央、国务院决策部署",
    "进一步规范和加强相关工作",
    "会议强调",
    "要坚持问题导向",
    "切实提高工作质量和效率",
    "各地要结合实际",
    "认真组织实施",
    "确保各项任务落到实处",
    "现将有关事项通知如下",
    "请各单位高度重视",
    "加强组织领导",
    "明确责任分工",
    "强化监督检查",
    "推动形成长效机制",
    "不断提升服务水平",
    "会议指出",
    "统筹发展和安全",
    "按照有关规定",
];

/// A paragraph of plausible official prose, deterministic in `seed`.
pub(crate) fn para(seed: usize) -> String {
    let n = 2 + seed % 4;
    let parts: Vec<&str> = (0..n).map(|k| pick(PHRASES, seed * 3 + k * 5)).collect();
    format!("{}。", parts.join("，"))
}

/// A 1×1 PNG.
pub(crate) const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x01, 0x54, 0xa2, 0x4f, 0x5d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// A tiny JPEG-looking body (SOI … EOI).
pub(crate) fn tiny_jpg() -> Vec<u8> {
    let mut v = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10];
    v.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    v.extend_from_slice(&[0xff, 0xd9]);
    v
}

/// A tiny PDF whose trailing comment names `title`.
pub(crate) fn tiny_pdf(title: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n%{title}\n"
    )
    .into_bytes()
}

/// A tiny OLE2-looking `.doc`/`.xls` body.
pub(crate) fn tiny_ole(title: &str) -> Vec<u8> {
    let mut v = vec![0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    v.extend(std::iter::repeat_n(0u8, 504));
    v.extend_from_slice(title.as_bytes());
    v
}

/// A tiny ZIP-looking `.xlsx`/`.docx` body.
pub(crate) fn tiny_zip(title: &str) -> Vec<u8> {
    let mut v = b"PK\x05\x06".to_vec();
    v.extend(std::iter::repeat_n(0u8, 18));
    v.extend_from_slice(title.as_bytes());
    v
}

/// Content type and body for an attachment named by its extension.
pub(crate) fn attachment(name: &str, title: &str) -> Resource {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => Resource::new("application/pdf", tiny_pdf(title)),
        "doc" => Resource::new("application/msword", tiny_ole(title)),
        "xls" => Resource::new("application/vnd.ms-excel", tiny_ole(title)),
        "xlsx" => Resource::new(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            tiny_zip(title),
        ),
        "docx" => Resource::new(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            tiny_zip(title),
        ),
        "png" => Resource::new("image/png", TINY_PNG.to_vec()),
        "jpg" | "jpeg" => Resource::new("image/jpeg", tiny_jpg()),
        "css" => Resource::new("text/css", b"body{font-family:sans-serif}\n".to_vec()),
        "js" => Resource::new(
            "application/javascript",
            b"function createPageHTML(n,c,p,e){}\nfunction addFavorite(){}\n".to_vec(),
        ),
        _ => Resource::new("application/octet-stream", title.as_bytes().to_vec()),
    }
}
