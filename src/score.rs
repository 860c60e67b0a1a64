//! Scoring: one site's verdict for a period, as `inspection-rules.md` ("Scoring") describes it.
//!
//! Pure: findings and the column veto counts in, a [`SiteScore`] out.
//!
//! - Any veto item hit (homepage not updated, site unreachable, one of the three column counts
//!   at its threshold, any finding of severity `veto`) → 不合格, whatever the points.
//! - Otherwise 100 minus the deductions; below [`ScoringConfig::pass_mark`] (60) fails.
//! - Deductions are summed per indicator and capped at the indicator's share; the same column
//!   is deducted once even when it is both stale and empty.
//!
//! The values are configuration (`[scoring]` in targets.toml) with the spec's defaults: −1 per
//! broken homepage link, −0.1 per broken link elsewhere, −5 per stale first-level
//! notice/policy column below the veto count. The shares (caps) are not given by the spec; the
//! defaults below are the office's working values and can be changed without a release.
//!
//! ```
//! use govpatrol::score::{score_site, ScoringConfig};
//! let s = score_site(&[], &Default::default(), &ScoringConfig::default());
//! assert_eq!(s.score, 100.0);
//! assert!(s.pass);
//! ```

use std::collections::BTreeSet;

pub use crate::config::ScoringConfig;
pub use crate::domain::{Deduction, SiteScore, VetoHit};

use crate::checks::columns::{
    VetoCounts, EMPTY_COLUMN, STALE_COLUMN, VETO_EMPTY, VETO_NEWS_NOTICE_POLICY, VETO_STALE,
};
use crate::checks::{Finding, Severity, BROKEN_LINK};

impl VetoHit {
    /// `指标（测量值，阈值 X）` as the verdict and the notice say it (no empty part).
    pub fn phrase(&self) -> String {
        crate::wording::veto_phrase(&self.indicator, &self.value, &self.threshold)
    }
}

impl SiteScore {
    /// 合格 or 不合格.
    pub fn verdict_zh(&self) -> &'static str {
        if self.pass {
            "合格"
        } else {
            "不合格"
        }
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Scores one site from its findings and column veto counts.
pub fn score_site(findings: &[Finding], veto: &VetoCounts, cfg: &ScoringConfig) -> SiteScore {
    let mut vetoes = Vec::new();
    let counts = [
        (
            "stale_news_notice_policy",
            "栏目不更新：动态要闻类＋一级通知公告/政策文件类未按期更新",
            veto.news_notice_policy,
            VETO_NEWS_NOTICE_POLICY,
        ),
        (
            "stale_columns",
            "栏目不更新：应更新但长期未更新的栏目",
            veto.stale,
            VETO_STALE,
        ),
        (
            "empty_columns",
            "栏目不更新：空白栏目",
            veto.empty,
            VETO_EMPTY,
        ),
    ];
    for (key, label, n, at) in counts {
        if n >= at {
            vetoes.push(VetoHit {
                key: key.into(),
                indicator: label.into(),
                value: format!("{n} 个"),
                threshold: format!("≥ {at} 个"),
            });
        }
    }
    for f in findings.iter().filter(|f| f.severity == Severity::Veto) {
        let (indicator, value, threshold) = crate::wording::veto_item(f);
        vetoes.push(VetoHit {
            key: f.check.to_string(),
            indicator,
            value,
            threshold,
        });
    }

    let mut deductions = Vec::new();
    let mut push = |key, indicator, count: usize, raw: f64, cap: f64| {
        if count > 0 {
            deductions.push(Deduction {
                key,
                indicator,
                count,
                raw: round1(raw),
                cap,
                points: round1(raw.min(cap)),
            });
        }
    };
    let broken = |home: bool| {
        findings
            .iter()
            .filter(|f| {
                f.check == BROKEN_LINK
                    && f.evidence["on_homepage"].as_bool().unwrap_or(false) == home
            })
            .count()
    };
    let (bh, bo) = (broken(true), broken(false));
    push(
        "broken_links",
        "链接不可用",
        bh + bo,
        bh as f64 * cfg.broken_link_homepage + bo as f64 * cfg.broken_link_other,
        cfg.links_cap,
    );
    // One deduction per column: the first verdict seen (stale before empty) wins.
    let mut seen = BTreeSet::new();
    let (mut n, mut raw) = (0, 0.0);
    for f in findings
        .iter()
        .filter(|f| f.check == STALE_COLUMN || f.check == EMPTY_COLUMN)
    {
        if !seen.insert(f.url.clone()) {
            continue;
        }
        n += 1;
        let e = &f.evidence;
        let policy = matches!(e["category"].as_str(), Some("notice" | "policy"))
            && e["level"].as_u64() == Some(1);
        raw += if f.check == EMPTY_COLUMN {
            cfg.empty_column
        } else if policy {
            cfg.stale_policy_column
        } else {
            cfg.stale_column
        };
    }
    push("columns", "栏目不更新", n, raw, cfg.columns_cap);
    let meta = findings
        .iter()
        .filter(|f| f.check == "missing_metadata" || f.check == "metadata_mismatch")
        .count();
    push(
        "metadata",
        "页面元数据",
        meta,
        meta as f64 * cfg.metadata,
        cfg.metadata_cap,
    );
    let other = findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Deduction
                && ![
                    BROKEN_LINK,
                    STALE_COLUMN,
                    EMPTY_COLUMN,
                    "missing_metadata",
                    "metadata_mismatch",
                ]
                .contains(&f.check)
        })
        .count();
    push(
        "other",
        "其他扣分项",
        other,
        other as f64 * cfg.other,
        cfg.other_cap,
    );
    let total: f64 = deductions.iter().map(|d| d.points).sum();
    let score = round1((100.0 - total).max(0.0));
    SiteScore {
        pass: vetoes.is_empty() && score >= cfg.pass_mark,
        vetoes,
        deductions,
        score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(check: &'static str, sev: Severity, url: &str, evidence: serde_json::Value) -> Finding {
        Finding {
            id: url.into(),
            site: "s".into(),
            check,
            severity: sev,
            url: url.into(),
            page_url: url.into(),
            observed_at: String::new(),
            first_seen: String::new(),
            evidence,
        }
    }

    #[test]
    fn links_are_capped_and_columns_counted_once() {
        let mut fs: Vec<Finding> = (0..200)
            .map(|i| {
                f(
                    BROKEN_LINK,
                    Severity::Deduction,
                    &format!("u{i}"),
                    json!({"on_homepage": false}),
                )
            })
            .collect();
        fs.push(f(
            BROKEN_LINK,
            Severity::Deduction,
            "h",
            json!({"on_homepage": true}),
        ));
        let pol = json!({"category": "policy", "level": 1});
        fs.push(f(STALE_COLUMN, Severity::Deduction, "c1", pol.clone()));
        fs.push(f(EMPTY_COLUMN, Severity::Deduction, "c1", pol));
        fs.push(f(
            STALE_COLUMN,
            Severity::Deduction,
            "c2",
            json!({"category": "news", "level": 2}),
        ));
        let s = score_site(&fs, &VetoCounts::default(), &ScoringConfig::default());
        let links = &s.deductions[0];
        assert_eq!((links.count, links.raw, links.points), (201, 21.0, 10.0));
        let cols = &s.deductions[1];
        assert_eq!((cols.count, cols.points), (2, 6.0));
        assert_eq!(s.score, 84.0);
        assert!(s.pass);
    }

    #[test]
    fn any_veto_fails_and_low_scores_fail() {
        let home = f(
            "homepage_not_updated",
            Severity::Veto,
            "h",
            json!({"days_since_update": 21}),
        );
        let s = score_site(&[home], &VetoCounts::default(), &ScoringConfig::default());
        assert!(!s.pass);
        assert_eq!(s.score, 100.0);
        assert_eq!(s.vetoes[0].value, "最近更新 21 天前");
        let cfg = ScoringConfig {
            pass_mark: 95.0,
            ..Default::default()
        };
        let v = VetoCounts {
            empty: 5,
            ..Default::default()
        };
        let s = score_site(&[], &v, &cfg);
        assert_eq!(s.vetoes[0].threshold, "≥ 5 个");
        assert!(!s.pass);
    }
}
