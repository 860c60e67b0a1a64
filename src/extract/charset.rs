//! Charset: turn a page's bytes into text the way a browser would, and say how it decided.
//!
//! Order: a byte-order mark; the HTTP `Content-Type` charset; `<meta charset>` /
//! `<meta http-equiv="Content-Type">` in the first 4 KiB; statistical detection (chardetng,
//! with the `.cn` hint). GBK and GB2312 are decoded as GB18030, their superset, as browsers do.
//! A header that claims a charset the bytes are not in (common on old servers that say
//! `charset=utf-8` over GBK pages) loses to a `<meta>` or detection that decodes cleanly.
//!
//! ```
//! use govpatrol::extract::charset::{decode, CharsetSource};
//! let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=\"gbk\"><title>通知公告</title>");
//! let d = decode(&gbk, Some("text/html"));
//! assert_eq!(d.encoding, "gb18030");
//! assert_eq!(d.source, CharsetSource::Meta);
//! assert!(d.text.contains("通知公告"));
//! ```

use encoding_rs::{Encoding, GB18030, UTF_8};
use serde::Serialize;

/// Where the encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CharsetSource {
    Bom,
    Header,
    Meta,
    Detected,
}

impl CharsetSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CharsetSource::Bom => "bom",
            CharsetSource::Header => "header",
            CharsetSource::Meta => "meta",
            CharsetSource::Detected => "detected",
        }
    }
}

/// Decoded text and how the encoding was chosen.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// Borrowed from the bytes when they are already valid UTF-8: a page is not copied.
    pub text: std::borrow::Cow<'a, str>,
    /// The encoding's WHATWG name, e.g. `UTF-8`, `gb18030`.
    pub encoding: &'static str,
    pub source: CharsetSource,
    /// Some bytes were not valid in that encoding (replaced by U+FFFD).
    pub had_errors: bool,
}

/// The encoding object for a name from [`Decoded::encoding`].
pub fn encoding_for(name: &str) -> &'static Encoding {
    widen(Encoding::for_label(name.as_bytes()).unwrap_or(UTF_8))
}

/// GBK and GB2312 pages are decoded as GB18030; UTF-16 labels in a byte stream mean UTF-8.
fn widen(enc: &'static Encoding) -> &'static Encoding {
    if enc == encoding_rs::GBK {
        GB18030
    } else if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        UTF_8
    } else {
        enc
    }
}

/// The charset parameter of a Content-Type header.
pub fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("charset") {
            Encoding::for_label(v.trim().trim_matches(['"', '\'']).as_bytes())
        } else {
            None
        }
    })
}

/// The charset declared in a `<meta>` within the first 4 KiB.
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = find(&lower[at..], b"<meta") {
        let start = at + i;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest.trim_ascii_start();
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = rest.trim_ascii_start();
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                    return Some(enc);
                }
            }
        }
        at = end.max(start + 5);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes a page; `content_type` is the HTTP header, if any.
pub fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text,
            encoding: enc.name(),
            source: CharsetSource::Bom,
            had_errors,
        };
    }
    let header = content_type.and_then(header_charset).map(widen);
    let meta = meta_charset(bytes).map(widen);
    let attempt = |enc: &'static Encoding, source| {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        Decoded {
            text,
            encoding: enc.name(),
            source,
            had_errors,
        }
    };
    if let Some(enc) = header {
        let d = attempt(enc, CharsetSource::Header);
        if !d.had_errors {
            return d;
        }
        // The header is wrong about the bytes: let the page's own declaration or detection speak.
        let fallback = match meta {
            Some(m) if m != enc => attempt(m, CharsetSource::Meta),
            _ => detect(bytes),
        };
        return if fallback.had_errors { d } else { fallback };
    }
    if let Some(enc) = meta {
        let d = attempt(enc, CharsetSource::Meta);
        if !d.had_errors || enc != UTF_8 {
            return d;
        }
        let guess = detect(bytes);
        return if guess.had_errors { d } else { guess };
    }
    detect(bytes)
}

fn detect(bytes: &[u8]) -> Decoded<'_> {
    let mut det = chardetng::EncodingDetector::new();
    det.feed(
        &bytes[..bytes.len().min(64 * 1024)],
        bytes.len() <= 64 * 1024,
    );
    let enc = widen(det.guess(Some(b"cn"), true));
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding: enc.name(),
        source: CharsetSource::Detected,
        had_errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    #[test]
    fn gbk_declared_only_in_http_equiv_meta() {
        let b = gbk("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>政策文件</body></html>");
        let d = decode(&b, Some("text/html"));
        assert_eq!((d.encoding, d.source), ("gb18030", CharsetSource::Meta));
        assert!(d.text.contains("政策文件"));
    }

    #[test]
    fn header_wins_when_it_is_right() {
        let d = decode(
            "<meta charset=gbk>通知".as_bytes(),
            Some("text/html; charset=UTF-8"),
        );
        assert_eq!((d.encoding, d.source), ("UTF-8", CharsetSource::Header));
    }

    #[test]
    fn header_claiming_utf8_over_gbk_bytes_loses_to_meta() {
        let b = gbk("<meta charset=\"gbk\"><p>生态环境部关于印发通知</p>");
        let d = decode(&b, Some("text/html; charset=utf-8"));
        assert_eq!((d.encoding, d.source), ("gb18030", CharsetSource::Meta));
        assert!(d.text.contains("生态环境部"));
    }

    #[test]
    fn undeclared_gbk_is_detected() {
        let b = gbk("<html><body><p>生态环境部关于印发《国家生态环境标准管理办法》的通知，各省、自治区、直辖市生态环境厅（局）</p></body></html>");
        let d = decode(&b, None);
        assert_eq!((d.encoding, d.source), ("gb18030", CharsetSource::Detected));
        assert!(d.text.contains("生态环境标准"));
    }

    #[test]
    fn bom_wins_over_meta() {
        let mut b = vec![0xFF, 0xFE];
        for u in "<meta charset=gb2312>湘潭".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&b, None);
        assert_eq!((d.encoding, d.source), ("UTF-16LE", CharsetSource::Bom));
        assert!(d.text.contains("湘潭"));
    }
}
