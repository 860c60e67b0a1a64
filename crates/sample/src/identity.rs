//! The planted availability and identity defects of the sample sites (issue 7), listed by hand
//! from what `portal` and `units` write, so the end-to-end test pins each outcome:
//!
//! - every site: no probes were recorded, so the week cannot be judged (`too_few_probes`);
//! - `portal`: the 在线访谈 interview pages carry no `PubDate` (they are undated everywhere);
//! - `unit-a`: list pages without `ColumnDescription`/`ColumnKeywords`, one article each without
//!   `ContentSource`, `PubDate`, `ArticleTitle`; its 监测动态 articles carry the wrong
//!   `SiteIDCode` (`metadata_mismatch`); its footer lacks 公安机关备案号 and the 党政机关 badge;
//! - `unit-b`: list pages without `ColumnDescription`/`ColumnKeywords`, the second list page
//!   without `ColumnName`/`ColumnType`, the about page without `SiteName`, one detail without
//!   `SiteDomain`, one without `SiteIDCode`; its footer has no ICP number, no 公网安备 number, no
//!   site map, no contact and no 党政机关 badge.
//!
//! Aggregated findings point at the homepage (`url` = `page_url` = homepage); `detail` is the
//! finding's `evidence.item` (`meta:<tag>`, `footer:<item>`, `meta:SiteIDCode:<found>`).

use super::{units, Planted};

fn planted(
    site: &str,
    home: &url::Url,
    check: &'static str,
    detail: &str,
    note: &'static str,
) -> Planted {
    Planted {
        site: site.to_string(),
        check,
        page_url: home.to_string(),
        url: home.to_string(),
        element: "",
        link_text: String::new(),
        on_homepage: true,
        internal: true,
        note,
        detail: detail.to_string(),
    }
}

/// The availability and identity defects of the three sample sites.
pub(crate) fn planted_identity(ctx: &super::Ctx) -> Vec<Planted> {
    let mut out = Vec::new();
    for (id, home) in [
        ("portal", &ctx.portal),
        ("unit-a", &ctx.unit_a),
        ("unit-b", &ctx.unit_b),
    ] {
        out.push(planted(
            id,
            home,
            "too_few_probes",
            "",
            "no probes recorded: the week cannot be judged",
        ));
    }
    let meta = "missing national meta tag";
    let footer = "missing footer item";
    for (site, home, details) in [
        // The 在线访谈 interviews are undated everywhere (the columns issue's undated column),
        // so they lack PubDate too.
        ("portal", &ctx.portal, &["meta:PubDate"][..]),
        (
            "unit-a",
            &ctx.unit_a,
            &[
                "meta:ColumnDescription",
                "meta:ColumnKeywords",
                "meta:ArticleTitle",
                "meta:PubDate",
                "meta:ContentSource",
                "footer:党政机关网站标识",
                "footer:公安机关备案号",
            ][..],
        ),
        (
            "unit-b",
            &ctx.unit_b,
            &[
                "meta:SiteName",
                "meta:SiteDomain",
                "meta:SiteIDCode",
                "meta:ColumnName",
                "meta:ColumnDescription",
                "meta:ColumnKeywords",
                "meta:ColumnType",
                "footer:党政机关网站标识",
                "footer:联系方式",
                "footer:ICP备案编号",
                "footer:公安机关备案号",
                "footer:网站地图",
            ][..],
        ),
    ] {
        for d in details {
            let note = if d.starts_with("meta:") { meta } else { footer };
            out.push(planted(site, home, "missing_metadata", d, note));
        }
    }
    out.push(planted(
        "unit-a",
        &ctx.unit_a,
        "metadata_mismatch",
        &format!("meta:SiteIDCode:{}", units::UNIT_A_WRONG_CODE),
        "SiteIDCode differs from the configured 网站标识码",
    ));
    out
}
