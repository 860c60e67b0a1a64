//! How a finding reads in Chinese: the one place that owns the words people read.
//!
//! report.html, the notices (.md, .html, .docx), the CSV files and the workbook all name checks,
//! statuses and evidence through this module, so one finding reads the same everywhere, and a
//! code (`broken_link`) appears only in brackets after its Chinese name, if at all.
//! findings.jsonl (the machine contract) keeps its English keys; nothing here changes it.
//!
//! - [`check_name`]: the Chinese name of a check; [`advice`]: what a webmaster does about it.
//! - [`evidence`]: one sentence of facts per finding, built from its evidence keys by a
//!   template per check ([`evidence`]'s `match` is the table). A new evidence key gets its words
//!   in the template of its check; a key no template knows is left out of the sentence (it is
//!   still in findings.jsonl), never shown as raw JSON.
//! - [`fetch_error`], [`http_status`], [`soft404`], [`redirect_chain`], [`element`],
//!   [`window`]: the pieces the templates are made of, used by the CSV columns too.
//! - [`veto_item`]: how a finding of severity `veto` is named in the verdict ("单项否决").
//! - [`coverage`]: what a site's reports say when the run did not read all of it (a time,
//!   page or depth budget), so that an incomplete report is never read as a whole one.
//!
//! Rule for every template: no empty field. A value that is missing leaves its phrase out
//! ("阈值 " with nothing after it never appears).
//!
//! ```
//! use govpatrol::checks::{Finding, Severity};
//! let f = Finding::new("too_few_probes", Severity::Warning, "mee", "http://a.gov.cn/",
//!     "http://a.gov.cn/", "2026-11-25T00:00:00Z",
//!     serde_json::json!({"probes": 0, "probes_per_day": 0.0, "min_probes_per_day": 20,
//!                        "from": "2026-11-18T00:00:00+00:00", "to": "2026-11-25T00:00:00+00:00"}));
//! assert_eq!(govpatrol::wording::check_name(f.check), "可用性探测次数不足");
//! assert!(govpatrol::wording::evidence(&f).starts_with("近 7 天共探测 0 次，少于每天 20 次"));
//! ```

use std::fmt::Write;

use serde_json::Value;

use crate::domain::Finding;

/// What a report says of a site the run did not read whole ([`crate::store::Coverage`]): the
/// time budget passed (URLs left, failures not re-checked), pages left unread by `max_pages`
/// or `max_depth`, bodies cut at `max_body_bytes`; `None` when the site was read whole.
///
/// ```
/// use govpatrol::store::Coverage;
/// let c = Coverage { crawl_complete: false, urls_left: 120, failures_not_rechecked: 3,
///                    ..Default::default() };
/// let s = govpatrol::wording::coverage(&c).unwrap();
/// assert!(s.starts_with("本次检查未完成"), "{s}");
/// assert!(s.contains("尚有 120 个网址未检查"), "{s}");
/// let cut = Coverage { crawl_complete: true, pages_over_max_pages: 33, ..Default::default() };
/// assert!(govpatrol::wording::coverage(&cut).unwrap().contains("有 33 个页面只检查能否打开"));
/// let whole = Coverage { crawl_complete: true, ..Default::default() };
/// assert_eq!(govpatrol::wording::coverage(&whole), None);
/// ```
pub fn coverage(c: &crate::store::Coverage) -> Option<String> {
    let mut parts = Vec::new();
    if !c.crawl_complete {
        let mut t = "本次检查未完成：检查时间已用尽（max_duration）".to_string();
        if c.urls_left > 0 {
            let _ = write!(t, "，尚有 {} 个网址未检查", c.urls_left);
        }
        if c.failures_not_rechecked > 0 {
            let _ = write!(
                t,
                "，{} 个打不开的网址未经最后复查（按重试后的结果列出）",
                c.failures_not_rechecked
            );
        }
        t.push_str("；本报告只反映已检查的部分，未检查部分的问题未列入，也不能据此认定已整改。再次运行同一命令即可接着完成检查");
        parts.push(t);
    }
    let mut budget = Vec::new();
    if c.pages_over_max_pages > 0 {
        budget.push(format!(
            "因页面数量上限（max_pages）有 {} 个页面只检查能否打开、未读取内容，其中的链接和栏目未检查",
            c.pages_over_max_pages
        ));
    }
    if c.pages_over_max_depth > 0 {
        budget.push(format!(
            "因链接层级上限（max_depth）有 {} 个页面只检查能否打开、未读取内容",
            c.pages_over_max_depth
        ));
    }
    if c.urls_not_read_whole > 0 {
        budget.push(format!(
            "{} 个网址过大、结构过于复杂或超过处理时限（max_body_bytes、url_budget_secs），未完整读取",
            c.urls_not_read_whole
        ));
    }
    if !budget.is_empty() {
        parts.push(format!(
            "本次检查未覆盖全站：{}；如需全站检查，请调大相应上限后重新检查",
            budget.join("；")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("。") + "。")
}

/// Every check: code, Chinese name, what to do about it (for a webmaster, not a programmer).
const CHECKS: &[(&str, &str, &str)] = &[
    ("broken_link", "链接不可用", "打开“所在页面”，把失效链接改成正确地址；内容已撤下的，删除该链接或恢复原内容。"),
    ("link_needs_review", "链接需人工核查", "服务器拒绝了检查程序（登录或访问限制）。请用浏览器打开该链接，确认普通访问者能否正常打开；不能打开的按失效链接处理。"),
    ("stale_column", "栏目不更新", "按栏目的更新周期发布新信息，信息须标注发布日期；确已不用的栏目请撤并，已结束的专题请归档。"),
    ("empty_column", "空白栏目", "为该栏目发布应有的信息，或撤销、合并该栏目，不要保留空白栏目。"),
    ("homepage_not_updated", "首页不更新", "首页须在两周内有新信息，请及时在首页发布本单位最新动态。"),
    ("site_unreachable", "站点无法访问", "检查服务器、网络和域名解析，保证首页全天可以打开；必要时联系主机或云服务商。"),
    ("too_few_probes", "可用性探测次数不足", "这不是网站的问题：检查方的可用性探测次数不足，无需整改。"),
    ("missing_metadata", "页面元数据缺失", "在页面模板中补齐规定的元数据标签和页脚信息（网站标识码、ICP备案编号、公安备案号、主办单位等）。"),
    ("metadata_mismatch", "网站标识码/备案号不符", "把页面和页脚中的网站标识码、ICP备案编号改成与登记一致的值。"),
    ("suspect_date", "发布日期存疑", "核对该文章的真实发布日期，页面显示的日期与元数据须一致，不得改动发布日期。"),
    ("missing_interpretation", "政策文件缺少解读", "为该政策文件发布解读材料，并与文件相互链接。"),
    ("late_interpretation", "解读未同步发布", "解读应与文件同步发布，今后请同时审核、同时发布。"),
    ("unlinked_interpretation", "文件与解读未关联", "在文件页面和解读页面之间加上相互链接。"),
    ("unanswered_message", "留言未答复", "尽快答复该留言，并在网站公开答复内容。"),
    ("late_reply", "留言答复超时", "按时限答复留言，今后在规定的工作日内办结。"),
    ("no_consultation_channel", "无可用的咨询渠道", "开设留言咨询栏目，并保证其页面可以正常打开。"),
    ("solicitation_without_feedback", "征集调查无结果反馈", "公布该征集调查的结果反馈（采纳情况和理由）。"),
    ("short_solicitation_period", "征求意见期限过短", "规章、规范性文件草案公开征求意见的期限一般不少于 30 日，请核实；确有特殊情况的，在征集页面说明理由。"),
    ("tls_certificate", "HTTPS 证书问题", "更换有效的 HTTPS 证书，并在到期前及时续期。"),
    ("ipv6_not_ready", "IPv6 未就绪", "为网站域名配置 IPv6 地址（AAAA 记录）并保证 IPv6 访问正常。"),
];

/// The Chinese name of a check; `其他问题` for a code this version does not know.
///
/// ```
/// assert_eq!(govpatrol::wording::check_name("unanswered_message"), "留言未答复");
/// ```
pub fn check_name(check: &str) -> &'static str {
    CHECKS
        .iter()
        .find(|c| c.0 == check)
        .map_or("其他问题", |c| c.1)
}

/// The Chinese name with the code in brackets after it: `链接不可用（broken_link）`.
pub fn check_name_and_code(check: &str) -> String {
    format!("{}（{check}）", check_name(check))
}

/// What a webmaster should do about a problem of this check.
pub fn advice(check: &str) -> &'static str {
    CHECKS
        .iter()
        .find(|c| c.0 == check)
        .map_or("请按检查指标的要求整改。", |c| c.2)
}

/// The codes of every check named here (for tests that every check has its words).
pub fn known_checks() -> impl Iterator<Item = &'static str> {
    CHECKS.iter().map(|c| c.0)
}

/// A JSON value as text; `None` when missing, null or empty.
fn val(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.is_empty() => None,
        other => Some(other.to_string()),
    }
}

/// The date part of an RFC 3339 time (`2026-11-18T00:00:00+00:00` → `2026-11-18`).
fn day(v: &Value) -> Option<String> {
    val(v).map(|s| s.get(..10).map(str::to_string).unwrap_or(s))
}

fn quoted(s: &str) -> String {
    format!("「{s}」")
}

/// What an HTTP status means, in words: `HTTP 404（页面不存在）`.
pub fn http_status(status: u64) -> String {
    let meaning = match status {
        400 => "请求无效",
        401 => "需要登录",
        403 => "禁止访问",
        404 => "页面不存在",
        410 => "页面已永久删除",
        429 => "访问过于频繁被限制",
        500 => "服务器内部错误",
        502 => "网关错误",
        503 => "服务暂不可用",
        504 => "网关超时",
        _ => match status / 100 {
            2 => "正常",
            3 => "跳转",
            4 => "请求被拒绝",
            5 => "服务器错误",
            _ => "",
        },
    };
    if meaning.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}（{meaning}）")
    }
}

/// A fetch error (as `crawl::fetch::FetchError` words it) in Chinese, the original in brackets
/// where it names something (an address, a message from the TLS library).
pub fn fetch_error(e: &str) -> String {
    let rest = |p: &str| e.strip_prefix(p).map(str::trim);
    if e == "connection refused" {
        "连接被拒绝（服务器未在该端口提供服务）".into()
    } else if let Some(s) = rest("timed out after") {
        format!(
            "超过 {} 秒没有完整响应（超时）",
            s.trim_end_matches(" s").trim()
        )
    } else if let Some(d) = rest("DNS lookup failed:") {
        format!("域名无法解析（{d}）")
    } else if let Some(d) = rest("connection reset or closed:") {
        format!("连接被服务器重置或中断（{d}）")
    } else if let Some(d) = rest("TLS failure:") {
        format!("HTTPS 加密连接失败（{d}）")
    } else if let Some(u) = rest("redirect loop back to") {
        format!("重定向循环：又跳回了 {u}")
    } else if let Some(n) = rest("more than").and_then(|s| s.strip_suffix("redirects")) {
        format!("重定向超过 {} 次", n.trim())
    } else if let Some(d) = rest("not contacted:") {
        format!("未访问：该地址是内网地址，公众无法打开（{d}）")
    } else if let Some(d) = rest("not fetched:") {
        format!("未访问（{d}）")
    } else if let Some(u) = rest("redirect to unsupported scheme:") {
        format!("跳转到了非网页地址 {u}")
    } else {
        format!("无法打开（{e}）")
    }
}

/// Why a 200 page was judged an error page (a soft 404), from the `reason` the link check
/// gives: which phrase was seen where, or that it is the site's not-found page; for an
/// attachment or image ([`crate::crawl::resource`]) also the sign that made the crawler look
/// (`… (the server answers 200 for paths that do not exist; text/html for a .pdf)`).
pub fn soft404(reason: &str) -> String {
    let r = reason.strip_prefix("soft 404:").unwrap_or(reason).trim();
    // A resource's reason: what confirmed it, then the signs seen in brackets.
    let (confirmed, signs) = match r.strip_suffix(')').and_then(|r| r.rsplit_once(" (")) {
        Some((c, s)) => (c, s.split("; ").map(soft404_sign).collect::<Vec<_>>()),
        None => (r, Vec::new()),
    };
    let confirmed = confirmed
        .strip_prefix("the page served")
        .unwrap_or(confirmed)
        .trim();
    let what = if let Some(p) = confirmed.strip_prefix("title says") {
        format!("页面标题含“{}”", p.trim())
    } else if let Some(p) = confirmed.strip_prefix("short page says") {
        format!("页面正文很短且含“{}”", p.trim())
    } else if confirmed.starts_with("same page as the site serves")
        || confirmed.starts_with("is the one the server answers for a path")
    {
        "与网站对不存在的地址返回的页面相同（页面指纹一致）".to_string()
    } else if let Some(rest) = confirmed.strip_prefix("is the one the server answers for a .") {
        match rest.split_once(" that does not exist in ") {
            Some((ext, folder)) => format!(
                "与同一目录（{folder}）下不存在的 .{ext} 文件返回的页面相同（页面指纹一致）"
            ),
            None => confirmed.to_string(),
        }
    } else {
        confirmed.to_string()
    };
    let mut t = String::from("服务器返回 HTTP 200，看似正常，但打开的是错误页面（软 404）：");
    t.push_str(&what);
    if !signs.is_empty() {
        t.push_str("；复查原因：");
        t.push_str(&signs.join("，"));
    }
    t
}

/// One sign that made the crawler ask for a resource again (see [`soft404`]).
fn soft404_sign(sign: &str) -> String {
    if sign == "the server answers 200 for paths that do not exist" {
        "该网站对不存在的地址也返回 HTTP 200".to_string()
    } else if let Some((ct, ext)) = sign.split_once(" for a .") {
        format!("文件（.{ext}）却以网页类型（{ct}）返回")
    } else {
        sign.to_string()
    }
}

/// The hops of a redirect chain as stored in a link finding's `redirects`
/// (`[{"url": …, "status": 302}, …]`), ending at `final_url`:
/// `A（302 跳转）→ B（301 跳转）→ C`.
pub fn redirect_chain(redirects: &Value, final_url: Option<&str>) -> Option<String> {
    let hops = redirects.as_array().filter(|a| !a.is_empty())?;
    let mut parts: Vec<String> = hops
        .iter()
        .map(|h| {
            let url = h["url"].as_str().unwrap_or("?");
            match h["status"].as_u64() {
                Some(s) => format!("{url}（{s} 跳转）"),
                None => url.to_string(),
            }
        })
        .collect();
    if let Some(f) = final_url {
        parts.push(f.to_string());
    }
    Some(parts.join(" → "))
}

/// The element a link sits in, in words, with the tag in brackets: `图片（img）`.
pub fn element(e: &str) -> String {
    match element_name(e) {
        Some(name) => format!("{name}（{e}）"),
        None => e.to_string(),
    }
}

/// The element a link sits in, in words only: `图片`.
fn element_name(e: &str) -> Option<&'static str> {
    Some(match e {
        "a" | "area" => "超链接",
        "img" => "图片",
        "script" => "脚本",
        "link" => "样式表或页面资源",
        "iframe" | "frame" => "内嵌页面",
        "embed" | "object" => "嵌入对象",
        "source" | "video" | "audio" => "音视频",
        _ => return None,
    })
}

/// An update window (`14d`, `6mo`, `1y`) in words: `14 天`, `6 个月`, `1 年`.
pub fn window(w: &str) -> String {
    match crate::domain::Window::parse(w) {
        Ok(crate::domain::Window::Days(n)) => format!("{n} 天"),
        Ok(crate::domain::Window::Months(n)) if n % 12 == 0 => format!("{} 年", n / 12),
        Ok(crate::domain::Window::Months(n)) => format!("{n} 个月"),
        Err(_) => w.to_string(),
    }
}

/// A failure rate (0.0713) as a percentage: `7.1%`.
fn percent(v: &Value) -> Option<String> {
    v.as_f64().map(|r| format!("{:.1}%", r * 100.0))
}

/// What happened when a link was opened, from a link finding's evidence: the status in words,
/// the error in Chinese or the soft-404 sign, then the redirect hops if any (the `错误` column
/// of broken_links.csv, and the second half of the link sentence).
pub fn link_outcome(e: &Value) -> String {
    let status = e["status"].as_u64();
    let mut t = if let Some(reason) = val(&e["reason"]).filter(|r| r.starts_with("soft 404")) {
        soft404(&reason)
    } else if let Some(err) = val(&e["error"]) {
        fetch_error(&err)
    } else if let Some(r) = val(&e["reason"]) {
        fetch_error(&r)
    } else if let Some(s) = status {
        format!("打开时返回 {}", http_status(s))
    } else {
        "无法打开".to_string()
    };
    if let Some(chain) = redirect_chain(&e["redirects"], e["final_url"].as_str()) {
        let _ = write!(t, "；跳转经过 {chain}");
    }
    t
}

/// The sentence for a link finding (`broken_link`, `link_needs_review`); `with_page` names the
/// page holding the link (left out where a column beside it shows the page).
fn link_sentence(f: &Finding, with_page: bool) -> String {
    let e = &f.evidence;
    let mut t = String::new();
    let what = val(&e["element"])
        .and_then(|el| element_name(&el))
        .unwrap_or("链接");
    if e["on_homepage"].as_bool() == Some(true) {
        let _ = write!(t, "首页上的{what}");
    } else if with_page {
        let _ = write!(t, "页面 {} 上的{what}", f.page_url);
    } else {
        t.push_str(what);
    }
    if let Some(text) = val(&e["link_text"]) {
        t.push_str(&quoted(&text));
    }
    let _ = write!(t, "：{}", link_outcome(e));
    if let Some(n) = e["attempts"].as_u64().filter(|n| *n > 1) {
        let _ = write!(t, "；共尝试 {n} 次，结果相同");
    }
    t
}

/// The sentence for a column finding (`stale_column`, `empty_column`).
fn column_sentence(f: &Finding) -> String {
    let e = &f.evidence;
    let name = val(&e["column_name"])
        .or_else(|| val(&e["column"]))
        .map_or_else(|| "该栏目".to_string(), |n| format!("栏目{}", quoted(&n)));
    if e["basis"] == "reply_date" {
        let mut t = format!("留言咨询{name}最新公开的答复是");
        match day(&e["newest_item_date"]) {
            Some(d) => {
                let _ = write!(t, " {d} 发布的");
            }
            None => t.push_str("没有日期的"),
        }
        if let Some(days) = e["window_days"].as_i64() {
            let _ = write!(t, "，超过 2 个月（已 {days} 天）未公开新的答复");
        }
        return t;
    }
    let win = val(&e["window"]).map(|w| window(&w));
    let mut t = name;
    if f.check == "empty_column" || e["verdict"] == "empty" {
        t.push_str("没有任何信息（空白栏目）");
    } else if let Some(d) = day(&e["newest_item_date"]) {
        let _ = write!(t, "最新信息发布于 {d}");
        if let Some(title) = val(&e["newest_item_title"]) {
            let _ = write!(t, "（{}）", quoted(&title));
        }
        if let Some(n) = e["days_since_update"].as_i64() {
            let _ = write!(t, "，距检查时点 {n} 天");
        }
        if let Some(w) = &win {
            let _ = write!(t, "，超过更新周期 {w}");
        }
    } else {
        match e["undated_items"].as_u64().or(e["items"].as_u64()) {
            Some(n) => {
                let _ = write!(t, "的 {n} 条信息都没有标注发布日期，视为未更新");
            }
            None => t.push_str("的信息没有标注发布日期，视为未更新"),
        }
        if let Some(w) = &win {
            let _ = write!(t, "（更新周期 {w}）");
        }
    }
    t
}

fn homepage_sentence(f: &Finding) -> String {
    let e = &f.evidence;
    let window = e["window_days"].as_i64().unwrap_or(14);
    let mut t = match day(&e["newest_item_date"]) {
        Some(d) => {
            let mut t = format!("首页最新信息发布于 {d}");
            if let Some(title) = val(&e["newest_item_title"]) {
                let _ = write!(t, "（{}）", quoted(&title));
            }
            if let Some(n) = e["days_since_update"].as_i64() {
                let _ = write!(t, "，距检查时点 {n} 天");
            }
            let _ = write!(t, "，超过 {window} 天未更新");
            t
        }
        None => format!("首页没有带发布日期的信息，无法证明 {window} 天内有更新"),
    };
    if e["navigation_only"].as_bool() == Some(true) {
        t.push_str("（首页为导航页，按其链接的二级页面计）");
    }
    t
}

fn probes_sentence(f: &Finding) -> String {
    let e = &f.evidence;
    let probes = e["probes"].as_u64().unwrap_or(0);
    let span = match (day(&e["from"]), day(&e["to"])) {
        (Some(a), Some(b)) => format!("（{a} 至 {b}）"),
        _ => String::new(),
    };
    if f.check == "too_few_probes" {
        let mut t = format!("近 7 天共探测 {probes} 次");
        if let Some(min) = e["min_probes_per_day"].as_u64() {
            let _ = write!(t, "，少于每天 {min} 次");
        }
        let mut facts: Vec<String> = Vec::new();
        if let (Some(a), Some(b)) = (day(&e["from"]), day(&e["to"])) {
            facts.push(format!("{a} 至 {b}"));
        }
        if let Some(avg) = e["probes_per_day"].as_f64() {
            facts.push(format!("日均 {avg:.1} 次"));
        }
        if !facts.is_empty() {
            let _ = write!(t, "（{}）", facts.join("，"));
        }
        t.push_str("，不足以判断网站能否访问；请每 30 分钟运行一次 govpatrol probe");
        return t;
    }
    let mut t = format!(
        "近 7 天{span}共探测首页 {probes} 次，失败 {} 次",
        e["failures"].as_u64().unwrap_or(0)
    );
    if let Some(r) = percent(&e["rate"]) {
        let _ = write!(t, "，失败率 {r}");
        if let Some(th) = percent(&e["threshold_rate"]) {
            let _ = write!(t, "（不得达到 {th}）");
        }
    }
    if let Some(last) = e["failed"].as_array().and_then(|a| a.last()) {
        if let (Some(at), Some(err)) = (val(&last["at"]), val(&last["error"])) {
            let _ = write!(t, "；最近一次失败：{at}，{}", fetch_error(&err));
        }
    }
    t
}

fn tls_sentence(f: &Finding) -> String {
    let e = &f.evidence;
    let host = val(&e["host"]).unwrap_or_default();
    let problems: Vec<String> = e["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|p| {
            match p {
                "expired" => "证书已过期",
                "not_yet_valid" => "证书尚未生效",
                "name_mismatch" => "证书上的域名与网站域名不符",
                "untrusted" => "证书不是受信任机构签发的",
                "revoked" => "证书已被吊销",
                _ => "证书无效或加密握手失败",
            }
            .to_string()
        })
        .collect();
    let mut t = if host.is_empty() {
        "HTTPS 证书".to_string()
    } else {
        format!("{host} 的 HTTPS 证书")
    };
    if problems.is_empty() {
        t.push_str("即将到期");
    } else {
        let _ = write!(t, "：{}", problems.join("，"));
    }
    if let Some(d) = day(&e["not_after"]) {
        let _ = write!(t, "；有效期至 {d}");
        if let Some(n) = e["days_left"].as_i64() {
            if n >= 0 {
                let _ = write!(t, "（还剩 {n} 天）");
            } else {
                let _ = write!(t, "（已过期 {} 天）", -n);
            }
        }
    }
    if let Some(v) = val(&e["verify_error"]) {
        let _ = write!(t, "；校验结果：{v}");
    }
    t
}

fn ipv6_sentence(f: &Finding) -> String {
    let e = &f.evidence;
    let host = val(&e["host"]).unwrap_or_else(|| "网站域名".into());
    if e["aaaa"].as_array().is_none_or(|a| a.is_empty()) {
        return format!("{host} 没有 IPv6 地址（AAAA 记录）");
    }
    let mut t = format!("{host} 有 IPv6 地址，但通过 IPv6 无法正常访问");
    if let Some(s) = e["status"].as_u64() {
        let _ = write!(t, "（返回 {}）", http_status(s));
    } else if let Some(err) = val(&e["error"]) {
        let _ = write!(t, "（{}）", fetch_error(&err));
    }
    t
}

fn examples(e: &Value, n: usize) -> Option<String> {
    let list: Vec<&str> = e["examples"]
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .take(n)
        .collect();
    (!list.is_empty()).then(|| list.join("、"))
}

fn metadata_sentence(f: &Finding) -> String {
    let e = &f.evidence;
    let item = val(&e["missing"]).unwrap_or_default();
    if f.check == "metadata_mismatch" {
        let field = val(&e["field"]).unwrap_or_else(|| "网站标识码".into());
        let place = match e["where"].as_str() {
            Some("meta") => "页面元数据中的",
            Some("homepage footer") => "首页页脚的",
            _ => "",
        };
        let mut t = format!("{place}{field}");
        if let Some(found) = val(&e["found"]) {
            let _ = write!(t, "为{}", quoted(&found));
        }
        if let Some(exp) = val(&e["expected"]) {
            let from = match e["expected_from"].as_str() {
                Some("targets.toml") => "登记",
                Some(_) => "首页页脚",
                None => "登记",
            };
            let _ = write!(t, "，与{from}的{}不一致", quoted(&exp));
        }
        if let Some(n) = e["pages"].as_u64().filter(|n| *n > 1) {
            let _ = write!(t, "，共 {n} 个页面");
        }
        if let Some(x) = examples(e, 3) {
            let _ = write!(t, "；例如 {x}");
        }
        return t;
    }
    if e["kind"] == "footer_item" {
        return format!("首页页脚缺少{}", quoted(&item));
    }
    let mut t = match (e["pages_checked"].as_u64(), e["pages_missing"].as_u64()) {
        (Some(c), Some(m)) => format!("检查的 {c} 个页面中有 {m} 个缺少元数据{}", quoted(&item)),
        _ => format!("页面缺少元数据{}", quoted(&item)),
    };
    let kinds: Vec<&str> = e["page_kinds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|k| match k {
            "article" => "文章页",
            "list" => "栏目页",
            _ => "其他页面",
        })
        .collect();
    if !kinds.is_empty() {
        let _ = write!(t, "（{}须有）", kinds.join("、"));
    }
    if let Some(x) = examples(e, 3) {
        let _ = write!(t, "；例如 {x}");
    }
    t
}

fn suspect_date_sentence(f: &Finding) -> String {
    let e = &f.evidence;
    let mut seen = Vec::new();
    if let Some(p) = day(&e["printed_date"]) {
        seen.push(match val(&e["printed_raw"]) {
            Some(raw) => format!("页面显示 {p}（{}）", quoted(&raw)),
            None => format!("页面显示 {p}"),
        });
    }
    if let Some(m) = day(&e["meta_date"]) {
        seen.push(format!("元数据 PubDate 为 {m}"));
    }
    if let Some(u) = day(&e["url_date"]) {
        seen.push(format!("网址中的日期为 {u}"));
    }
    let reasons: Vec<&str> = e["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|r| match r {
            "meta_vs_printed" => "元数据日期与页面显示的日期相差超过 1 天",
            "before_url_date" => "发布日期早于网址中的日期（可能改动过发布日期）",
            other => other,
        })
        .collect();
    let mut t = seen.join("，");
    if !reasons.is_empty() {
        if !t.is_empty() {
            t.push('：');
        }
        t.push_str(&reasons.join("；"));
    }
    t
}

fn document(e: &Value) -> String {
    let mut t = match val(&e["title"]) {
        Some(title) => format!("政策文件{}", quoted(&title)),
        None => "政策文件".to_string(),
    };
    let mut facts = Vec::new();
    // The 文号 once: not again when the title already carries it.
    if let Some(n) = val(&e["doc_number"]).filter(|n| !t.contains(n.as_str())) {
        facts.push(n);
    }
    if let Some(d) = day(&e["date"]) {
        facts.push(format!("{d} 发布"));
    }
    if let Some(c) = val(&e["column"]) {
        facts.push(format!("栏目{}", quoted(&c)));
    }
    if !facts.is_empty() {
        let _ = write!(t, "（{}）", facts.join("，"));
    }
    t
}

fn interpretation_sentence(f: &Finding) -> String {
    let e = &f.evidence;
    let mut t = document(e);
    let interp = match (
        val(&e["interpretation_title"]),
        val(&e["interpretation_url"]),
    ) {
        (Some(title), _) => format!("解读{}", quoted(&title)),
        (None, Some(u)) => format!("解读 {u}"),
        _ => "解读".to_string(),
    };
    match f.check {
        "missing_interpretation" => {
            t.push_str("没有找到对应的解读");
            if let Some(n) = e["interpretations_searched"].as_u64() {
                let _ = write!(t, "（已比对本站 {n} 篇解读）");
            }
        }
        "late_interpretation" => {
            let _ = write!(t, "的{interp}");
            if let Some(d) = day(&e["interpretation_date"]) {
                let _ = write!(t, "于 {d} 发布");
            }
            if let Some(n) = e["working_days"].as_i64() {
                let _ = write!(t, "，比文件晚 {n} 个工作日");
            }
            if let Some(m) = e["max_working_days"].as_i64() {
                let _ = write!(t, "，超过 {m} 个工作日");
            }
        }
        _ => {
            let fwd = e["document_links_interpretation"].as_bool();
            let back = e["interpretation_links_document"].as_bool();
            let mut missing = Vec::new();
            if fwd == Some(false) {
                missing.push(format!("文件页面没有链接到{interp}"));
            }
            if back == Some(false) {
                missing.push("解读页面没有链接回文件".to_string());
            }
            if missing.is_empty() {
                missing.push(format!("文件与{interp}未相互链接"));
            }
            let _ = write!(t, "：{}", missing.join("，"));
        }
    }
    t
}

fn message_sentence(f: &Finding) -> String {
    let e = &f.evidence;
    let mut t = String::new();
    if let Some(c) = val(&e["column"]) {
        let _ = write!(t, "{}栏目的", quoted(&c));
    }
    t.push_str("留言");
    if let Some(title) = val(&e["title"]) {
        t.push_str(&quoted(&title));
    }
    if let Some(d) = day(&e["asked"]) {
        let _ = write!(t, "提交于 {d}");
    }
    let limit = e["reply_days_limit"].as_i64();
    if f.check == "late_reply" {
        if let Some(r) = day(&e["replied"]) {
            let _ = write!(t, "，{r} 才答复");
        }
        if let Some(n) = e["reply_working_days"].as_i64() {
            let _ = write!(t, "，用时 {n} 个工作日");
        }
        if let Some(l) = limit {
            let _ = write!(t, "，超过答复时限 {l} 个工作日");
        }
        return t;
    }
    match (e["waited_days"].as_i64(), e["waited_working_days"].as_i64()) {
        (Some(d), Some(w)) => {
            let _ = write!(t, "，至检查时点已 {d} 天（{w} 个工作日）未答复");
        }
        (Some(d), None) => {
            let _ = write!(t, "，至检查时点已 {d} 天未答复");
        }
        _ => t.push_str("，尚未答复"),
    }
    if let Some(l) = limit {
        let _ = write!(t, "（答复时限 {l} 个工作日）");
    }
    if e["reply_empty"].as_bool() == Some(true) {
        t.push_str("；页面上有答复栏，但内容为空");
    }
    t
}

fn channel_sentence(f: &Finding) -> String {
    let cols: Vec<&str> = f.evidence["consultation_columns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if cols.is_empty() {
        "网站没有留言咨询类栏目".to_string()
    } else {
        format!("网站的留言咨询栏目都无法打开：{}", cols.join("、"))
    }
}

fn solicitation_sentence(f: &Finding) -> String {
    let e = &f.evidence;
    let mut t = match val(&e["title"]) {
        Some(title) => format!("征集{}", quoted(&title)),
        None => "征集".to_string(),
    };
    match (day(&e["from"]), day(&e["to"])) {
        (Some(a), Some(b)) => {
            let _ = write!(t, "（{a} 至 {b}）");
        }
        (None, Some(b)) => {
            let _ = write!(t, "（截止于 {b}）");
        }
        _ => {}
    }
    if f.check == "short_solicitation_period" {
        if let Some(n) = e["period_days"].as_i64() {
            let _ = write!(t, "征集期只有 {n} 天");
        }
        if let Some(m) = e["min_period_days"].as_i64() {
            let _ = write!(t, "，少于 {m} 天");
        }
        return t;
    }
    match e["closed_days"].as_i64() {
        Some(n) => {
            let _ = write!(t, "已结束 {n} 天，");
        }
        None => t.push_str("已结束，"),
    }
    t.push_str("未公布意见采纳情况或结果反馈");
    if let Some(g) = e["grace_days"].as_i64() {
        let _ = write!(t, "（应在结束后 {g} 天内公布）");
    }
    t
}

/// One sentence of facts about a finding, for a person: what was seen, where, since when it
/// is a problem, measured against which limit. Never raw JSON.
pub fn evidence(f: &Finding) -> String {
    sentence(f, true)
}

/// [`evidence`] for a table that shows the page (`page_url`) in a column of its own: the
/// sentence does not name the page again.
pub fn evidence_beside_page(f: &Finding) -> String {
    sentence(f, false)
}

fn sentence(f: &Finding, with_page: bool) -> String {
    let t = match f.check {
        "broken_link" | "link_needs_review" => link_sentence(f, with_page),
        "stale_column" | "empty_column" => column_sentence(f),
        "homepage_not_updated" => homepage_sentence(f),
        "site_unreachable" | "too_few_probes" => probes_sentence(f),
        "tls_certificate" => tls_sentence(f),
        "ipv6_not_ready" => ipv6_sentence(f),
        "missing_metadata" | "metadata_mismatch" => metadata_sentence(f),
        "suspect_date" => suspect_date_sentence(f),
        "missing_interpretation" | "late_interpretation" | "unlinked_interpretation" => {
            interpretation_sentence(f)
        }
        "unanswered_message" | "late_reply" => message_sentence(f),
        "no_consultation_channel" => channel_sentence(f),
        "solicitation_without_feedback" | "short_solicitation_period" => solicitation_sentence(f),
        _ => String::new(),
    };
    let mut t = if t.is_empty() {
        format!("{}：{}", check_name(f.check), f.url)
    } else {
        t
    };
    if let Some(how) = rendering(&f.evidence) {
        let _ = write!(t, "（{how}）");
    }
    t
}

/// How the page of a finding was read when its content is built by script
/// ([`crate::render`]): `rendered` or `render_failed` in the evidence; `None` for a page read
/// as usual. Also the 页面读取方式 column of the CSV files.
pub fn rendering(e: &Value) -> Option<String> {
    if e["rendered"].as_bool() == Some(true) {
        Some("该页面内容由脚本生成，按浏览器渲染后的页面检查".into())
    } else {
        val(&e["render_failed"]).map(|why| {
            format!(
                "该页面内容由脚本生成，但浏览器渲染未成功（{}），按页面源代码检查",
                render_failure(&why)
            )
        })
    }
}

/// Why a page was not rendered ([`crate::render`]), in words.
fn render_failure(why: &str) -> String {
    if why.starts_with("no browser") {
        return "检查程序所在的计算机没有可用的浏览器".into();
    }
    if let Some(rest) = why.strip_prefix("not rendered within ") {
        let secs = rest.split_whitespace().next().unwrap_or("");
        return format!("{secs} 秒内未完成");
    }
    for (prefix, words) in [
        (
            "a request of the page's scripts failed: ",
            "页面脚本请求的数据未能正常取得：",
        ),
        (
            "a request of the page's scripts was not answered: ",
            "页面脚本请求的数据未能取得：",
        ),
    ] {
        if let Some(rest) = why.strip_prefix(prefix) {
            let (url, detail) = rest.split_once(' ').unwrap_or((rest, ""));
            let detail = match detail.strip_prefix("answered ").map(str::parse::<u64>) {
                Some(Ok(status)) => format!("返回 {}", http_status(status)),
                _ => fetch_error(detail.trim_matches(['(', ')'])),
            };
            return format!("{words}{url}，{detail}");
        }
    }
    if why.starts_with("the page's script sends ") {
        return "页面脚本以提交方式（非 GET）请求数据，检查程序只读取、不提交".into();
    }
    if why.starts_with("the page makes more than") {
        return "页面请求过多".into();
    }
    if why.starts_with("the page's script leaves it for") {
        return "页面脚本跳转到了其他页面".into();
    }
    why.to_string()
}

/// How a finding of severity `veto` is named in a verdict: the indicator, the measured value,
/// the threshold (empty when the indicator has none to state).
pub fn veto_item(f: &Finding) -> (String, String, String) {
    let e = &f.evidence;
    match f.check {
        "homepage_not_updated" => (
            "首页不更新".into(),
            match e["days_since_update"].as_i64() {
                Some(d) => format!("最近更新 {d} 天前"),
                None => "首页无带日期的信息".into(),
            },
            format!("{} 天内有更新", e["window_days"].as_i64().unwrap_or(14)),
        ),
        "site_unreachable" => (
            "站点无法访问".into(),
            match percent(&e["rate"]) {
                Some(r) => format!("失败率 {r}"),
                None => "首页无法访问".into(),
            },
            format!(
                "失败率 < {}",
                percent(&e["threshold_rate"]).unwrap_or_else(|| "5.0%".into())
            ),
        ),
        "unanswered_message" => (
            "互动回应差：留言超过 3 个月未答复".into(),
            {
                let mut t = val(&e["title"])
                    .map_or_else(|| "留言".into(), |t| format!("留言{}", quoted(&t)));
                if let Some(d) = day(&e["asked"]) {
                    let _ = write!(t, "提交于 {d}");
                }
                if let Some(n) = e["waited_days"].as_i64() {
                    let _ = write!(t, "，已 {n} 天未答复");
                }
                t
            },
            "3 个月内答复".into(),
        ),
        "no_consultation_channel" => (
            "互动回应差：无可用的咨询渠道".into(),
            channel_sentence(f),
            "至少有一个能打开的留言咨询栏目".into(),
        ),
        other => (check_name(other).into(), evidence(f), String::new()),
    }
}

/// `指标（测量值，阈值 X）`, each part left out when empty.
pub fn veto_phrase(indicator: &str, value: &str, threshold: &str) -> String {
    let inner: Vec<String> = [
        (!value.is_empty()).then(|| value.to_string()),
        (!threshold.is_empty()).then(|| format!("阈值 {threshold}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if inner.is_empty() {
        indicator.to_string()
    } else {
        format!("{indicator}（{}）", inner.join("，"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_on_a_rendered_page_says_how_the_page_was_read() {
        let f = |e: serde_json::Value| {
            Finding::new(
                "empty_column",
                crate::domain::Severity::Deduction,
                "s",
                "http://a.gov.cn/zcwj/",
                "http://a.gov.cn/zcwj/",
                "2026-11-25T00:00:00Z",
                e,
            )
        };
        let plain = evidence(&f(serde_json::json!({"column_name": "政策文件"})));
        assert!(!plain.contains("脚本"), "{plain}");
        let rendered = evidence(&f(
            serde_json::json!({"column_name": "政策文件", "rendered": true}),
        ));
        assert!(
            rendered.ends_with("（该页面内容由脚本生成，按浏览器渲染后的页面检查）"),
            "{rendered}"
        );
        for (why, words) in [
            ("not rendered within 30 s (render_timeout_secs)", "30 秒内未完成"),
            ("no browser: no chromium on the PATH", "没有可用的浏览器"),
            (
                "a request of the page's scripts failed: http://a.gov.cn/api/x.json answered 404",
                "http://a.gov.cn/api/x.json，返回 HTTP 404（页面不存在）",
            ),
            (
                "a request of the page's scripts was not answered: http://a.gov.cn/api/x.json (timed out after 15 s)",
                "超过 15 秒没有完整响应",
            ),
        ] {
            let t = evidence(&f(serde_json::json!({"render_failed": why})));
            assert!(t.contains("浏览器渲染未成功") && t.contains(words), "{why}: {t}");
        }
    }
    use crate::domain::Severity;
    use serde_json::json;

    fn f(check: &'static str, evidence: Value) -> Finding {
        Finding::new(
            check,
            Severity::Warning,
            "s",
            "http://s.gov.cn/x",
            "http://s.gov.cn/p",
            "2026-11-25T00:00:00Z",
            evidence,
        )
    }

    #[test]
    fn every_check_has_a_chinese_name_and_advice() {
        for c in crate::domain::all_checks() {
            assert_ne!(check_name(c), "其他问题", "{c} has no Chinese name");
            assert_ne!(advice(c), "请按检查指标的要求整改。", "{c} has no advice");
        }
    }

    #[test]
    fn too_few_probes_reads_as_a_sentence_not_json() {
        let t = evidence(&f(
            "too_few_probes",
            json!({"failed":[],"failures":0,"from":"2026-11-29T00:00:00+00:00","median_ms":null,
                   "min_probes_per_day":20,"probes":0,"probes_per_day":0.0,"rate":0.0,
                   "slowest_ms":null,"threshold_rate":0.05,"to":"2026-12-06T00:00:00+00:00"}),
        ));
        assert!(t.starts_with("近 7 天共探测 0 次，少于每天 20 次"), "{t}");
        assert!(!t.contains('{') && !t.contains("failed"), "{t}");
    }

    #[test]
    fn a_soft_404_says_so_with_the_sign_seen_not_just_status_200() {
        let t = evidence(&f(
            "broken_link",
            json!({"status": 200, "reason": "soft 404: title says 页面不存在", "link_text": "专题",
                   "element": "a", "on_homepage": false, "attempts": 1}),
        ));
        assert!(t.contains("软 404") && t.contains("“页面不存在”"), "{t}");
        assert!(!t.contains("HTTP 状态 200"), "{t}");
        let t = evidence(&f(
            "broken_link",
            json!({"status": 200, "reason": "soft 404: same page as the site serves for a path that does not exist"}),
        ));
        assert!(t.contains("页面指纹一致"), "{t}");
    }

    #[test]
    fn a_soft_404_attachment_names_what_confirmed_it_and_the_sign_seen_in_chinese() {
        let t = evidence(&f(
            "broken_link",
            json!({"status": 200, "element": "a",
                   "reason": "soft 404: the page served is the one the server answers for a .pdf \
                              that does not exist in /attach/ (the server answers 200 for paths \
                              that do not exist; text/html for a .pdf)"}),
        ));
        assert!(
            t.contains("软 404") && t.contains("（/attach/）下不存在的 .pdf"),
            "{t}"
        );
        assert!(t.contains("该网站对不存在的地址也返回 HTTP 200"), "{t}");
        assert!(
            t.contains("文件（.pdf）却以网页类型（text/html）返回"),
            "{t}"
        );
        assert!(!t.contains("the server") && !t.contains("served"), "{t}");
        let t = evidence(&f(
            "broken_link",
            json!({"status": 200, "reason": "soft 404: the page served title says 页面不存在 (text/html for a .doc)"}),
        ));
        assert!(
            t.contains("页面标题含“页面不存在”") && t.contains(".doc"),
            "{t}"
        );
    }

    #[test]
    fn a_redirect_chain_lists_its_hops() {
        let t = evidence(&f(
            "broken_link",
            json!({"status": 404, "final_url": "http://s.gov.cn/c",
                   "redirects": [{"url": "http://s.gov.cn/a", "status": 301}, {"url": "http://s.gov.cn/b", "status": 302}]}),
        ));
        assert!(
            t.contains(
                "http://s.gov.cn/a（301 跳转） → http://s.gov.cn/b（302 跳转） → http://s.gov.cn/c"
            ),
            "{t}"
        );
        assert!(t.contains("HTTP 404（页面不存在）"), "{t}");
    }

    #[test]
    fn errors_are_in_chinese() {
        assert_eq!(
            fetch_error("connection refused"),
            "连接被拒绝（服务器未在该端口提供服务）"
        );
        assert_eq!(
            fetch_error("timed out after 15 s"),
            "超过 15 秒没有完整响应（超时）"
        );
        assert!(fetch_error("redirect loop back to http://a/").contains("重定向循环"));
        assert_eq!(fetch_error("more than 10 redirects"), "重定向超过 10 次");
    }

    #[test]
    fn the_unanswered_message_veto_has_a_name_a_value_and_a_threshold() {
        let m = f(
            "unanswered_message",
            json!({"asked":"2026-08-06","column":"部长信箱","replied":null,"reply_days_limit":10,
                   "status":"pending","title":"反映某化工厂夜间偷排废水问题","waited_days":122,
                   "waited_working_days":81}),
        );
        let (name, value, threshold) = veto_item(&m);
        assert!(name.starts_with("互动回应差"), "{name}");
        assert!(value.contains("122 天"), "{value}");
        assert!(!threshold.is_empty());
        assert!(!veto_phrase(&name, &value, &threshold).contains("unanswered"));
        assert_eq!(veto_phrase("X", "1 个", ""), "X（1 个）");
    }

    #[test]
    fn no_template_prints_json_on_the_evidence_the_checks_write() {
        // The evidence shapes each check writes (src/checks/), as in the demo's findings.jsonl.
        let samples = [
            (
                "empty_column",
                json!({"category":"notice","column_name":"公示公告","items":0,"verdict":"empty","window":"6mo"}),
            ),
            (
                "stale_column",
                json!({"column_name":"在线访谈","items":5,"undated_items":5,"verdict":"undated","window":"1y"}),
            ),
            (
                "stale_column",
                json!({"column_name":"地方快讯","newest_item_date":"2026-11-19","days_since_update":17,"window":"14d","verdict":"stale"}),
            ),
            (
                "late_interpretation",
                json!({"column":"规范性文件","date":"2026-10-27","doc_number":"环办〔2026〕28号","interpretation_date":"2026-11-03","interpretation_title":"《细则》政策解读","matched_by":["link","title"],"max_working_days":3,"title":"关于印发《细则》的通知","working_days":5}),
            ),
            (
                "late_reply",
                json!({"asked":"2026-10-07","column":"部长信箱","replied":"2026-11-06","reply_days_limit":10,"reply_working_days":23,"status":"answered","title":"咨询"}),
            ),
            (
                "missing_interpretation",
                json!({"column":"部令","date":"2026-07-14","doc_number":"部令第37号","interpretations_searched":11,"title":"办法"}),
            ),
            (
                "short_solicitation_period",
                json!({"from":"2026-09-17","min_period_days":30,"period_days":20,"status":"closed","title":"征求意见","to":"2026-10-07"}),
            ),
            (
                "solicitation_without_feedback",
                json!({"closed_days":60,"from":"2026-09-17","grace_days":30,"status":"closed","title":"征求意见","to":"2026-10-07"}),
            ),
            (
                "unlinked_interpretation",
                json!({"title":"通知","document_links_interpretation":false,"interpretation_links_document":true,"interpretation_title":"解读"}),
            ),
            (
                "missing_metadata",
                json!({"examples":["http://s/a"],"item":"meta:PubDate","kind":"meta_tag","missing":"PubDate","page_kinds":["article"],"pages_checked":139,"pages_missing":7}),
            ),
            (
                "missing_metadata",
                json!({"kind":"footer_item","missing":"网站标识码","pages_missing":1,"pages_checked":1,"examples":["http://s/"]}),
            ),
            (
                "metadata_mismatch",
                json!({"field":"SiteIDCode","where":"meta","expected":"bm17000009","expected_from":"targets.toml","found":"bm17000001","pages":4,"examples":["http://s/a"]}),
            ),
            (
                "suspect_date",
                json!({"meta_date":"2026-10-19","printed_date":"2026-10-19","printed_raw":"发布时间：2026-10-19","reasons":["before_url_date"],"url_date":"2026-10-29"}),
            ),
            (
                "site_unreachable",
                json!({"probes":300,"failures":30,"rate":0.1,"threshold_rate":0.05,"failed":[{"at":"2026-11-20T01:00:00Z","error":"timed out after 15 s"}]}),
            ),
            (
                "tls_certificate",
                json!({"problems":["expired"],"expires_soon":false,"not_after":"2026-10-01T00:00:00Z","days_left":-5,"host":"s.gov.cn"}),
            ),
            (
                "ipv6_not_ready",
                json!({"host":"s.gov.cn","aaaa":[],"answers":null}),
            ),
            (
                "no_consultation_channel",
                json!({"consultation_columns":[],"reason":"no consultation column"}),
            ),
            (
                "homepage_not_updated",
                json!({"window_days":14,"navigation_only":false,"newest_item_date":"2026-10-01","days_since_update":56}),
            ),
            (
                "link_needs_review",
                json!({"status":403,"link_text":"平台","element":"a"}),
            ),
        ];
        for (check, e) in samples {
            let t = evidence(&f(check, e));
            assert!(
                !t.contains('{') && !t.contains('"') && !t.contains('_'),
                "{check}: {t}"
            );
            assert!(
                !t.contains("阈值 ）") && !t.contains("  ") && !t.contains("null"),
                "{check}: {t}"
            );
        }
    }

    #[test]
    fn windows_in_words() {
        assert_eq!(window("14d"), "14 天");
        assert_eq!(window("6mo"), "6 个月");
        assert_eq!(window("1y"), "1 年");
    }
}
