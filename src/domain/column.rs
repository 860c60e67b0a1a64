//! A column's category and update window: what a column carries sets how often it must be
//! updated (the indicators' windows), and `targets.toml` may set another window.

use std::fmt;

use chrono::{Months, NaiveDate};
use serde::Serialize;

/// What a column carries, which sets how often it must be updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// 动态、要闻 (news): 2 weeks.
    News,
    /// 通知公告 (notice): 6 months.
    Notice,
    /// 政策文件 (policy): 6 months.
    Policy,
    /// 政策解读 (interpretation): 6 months.
    Interpretation,
    /// 咨询、留言答复 (consultation, message replies): 2 months.
    Consultation,
    /// 意见征集、调查 (solicitation): 1 year.
    Solicitation,
    /// 人事、规划计划 (personnel and plans): 1 year.
    Personnel,
    /// 数据发布、办件统计 (data releases): 3 months unless configured.
    Data,
    /// Anything else: 1 year; never counts toward the 2-week/6-month veto count.
    Other,
}

pub const CATEGORIES: &[Category] = &[
    Category::News,
    Category::Notice,
    Category::Policy,
    Category::Interpretation,
    Category::Consultation,
    Category::Solicitation,
    Category::Personnel,
    Category::Data,
    Category::Other,
];

/// Words in a column's name or `ColumnType` that give its category, most specific first.
const KEYWORDS: &[(Category, &[&str])] = &[
    (
        Category::Interpretation,
        &["解读", "回应关切", "答记者问", "政策问答"],
    ),
    (Category::Solicitation, &["征集", "征求意见", "调查"]),
    (
        Category::Consultation,
        &["咨询", "留言", "信箱", "投诉", "答复", "问答"],
    ),
    (
        Category::Data,
        &[
            "数据",
            "统计",
            "日报",
            "周报",
            "月报",
            "季报",
            "执法情况",
            "办件",
        ],
    ),
    (
        Category::Personnel,
        &["人事", "任免", "招聘", "招录", "录用", "规划", "计划"],
    ),
    (
        Category::Policy,
        &[
            "政策文件",
            "规章",
            "规范性文件",
            "部令",
            "法规",
            "文件",
            "政策",
        ],
    ),
    (
        Category::Notice,
        &["通知公告", "公示公告", "公告", "通知", "公示"],
    ),
    (
        Category::News,
        &["要闻", "动态", "新闻", "快讯", "资讯", "发布会", "图片"],
    ),
];

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::News => "news",
            Category::Notice => "notice",
            Category::Policy => "policy",
            Category::Interpretation => "interpretation",
            Category::Consultation => "consultation",
            Category::Solicitation => "solicitation",
            Category::Personnel => "personnel",
            Category::Data => "data",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        CATEGORIES.iter().copied().find(|c| c.as_str() == s)
    }

    /// The label a webmaster reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            Category::News => "动态要闻",
            Category::Notice => "通知公告",
            Category::Policy => "政策文件",
            Category::Interpretation => "政策解读",
            Category::Consultation => "咨询留言",
            Category::Solicitation => "征集调查",
            Category::Personnel => "人事规划",
            Category::Data => "数据发布",
            Category::Other => "其他",
        }
    }

    /// The update window the indicators (or the tool's default) give this category.
    pub fn default_window(self) -> Window {
        match self {
            Category::News => Window::Days(14),
            Category::Notice | Category::Policy | Category::Interpretation => Window::Months(6),
            Category::Consultation => Window::Months(2),
            Category::Data => Window::Months(3),
            Category::Solicitation | Category::Personnel | Category::Other => Window::Months(12),
        }
    }

    /// The category a name or a `ColumnType` value points at, if any word of it is known.
    pub fn from_words(s: &str) -> Option<Category> {
        KEYWORDS
            .iter()
            .find(|(_, words)| words.iter().any(|w| s.contains(w)))
            .map(|(c, _)| *c)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long a column may go without a new item: `14d`, `2w`, `6mo`, `1y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Days(u32),
    Months(u32),
}

impl Window {
    /// Parses `14d`, `2w`, `6mo`, `1y` (also `1d` for daily data releases).
    ///
    /// ```
    /// use govpatrol::checks::columns::Window;
    /// assert_eq!(Window::parse("6mo"), Ok(Window::Months(6)));
    /// assert!(Window::parse("6 months").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Window, String> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (n, unit) = t.split_at(split);
        let bad = || {
            format!("{s:?} is not a window: write a number and d, w, mo or y (14d, 2w, 6mo, 1y)")
        };
        let n: u32 = n.parse().map_err(|_| bad())?;
        if n == 0 {
            return Err(format!("{s:?}: a window must be at least 1"));
        }
        match unit {
            "d" => Ok(Window::Days(n)),
            "w" => Ok(Window::Days(n * 7)),
            "mo" => Ok(Window::Months(n)),
            "y" => Ok(Window::Months(n * 12)),
            _ => Err(bad()),
        }
    }

    /// The oldest date that still counts as updated at `as_of`.
    pub fn cutoff(self, as_of: NaiveDate) -> NaiveDate {
        match self {
            Window::Days(n) => as_of - chrono::Duration::days(i64::from(n)),
            Window::Months(n) => as_of
                .checked_sub_months(Months::new(n))
                .unwrap_or(NaiveDate::MIN),
        }
    }

    /// The window in days at `as_of` (months vary in length).
    pub fn days_at(self, as_of: NaiveDate) -> i64 {
        (as_of - self.cutoff(as_of)).num_days()
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::Days(n) => write!(f, "{n}d"),
            Window::Months(n) if n % 12 == 0 => write!(f, "{}y", n / 12),
            Window::Months(n) => write!(f, "{n}mo"),
        }
    }
}

impl std::str::FromStr for Window {
    type Err = String;
    fn from_str(s: &str) -> Result<Window, String> {
        Window::parse(s)
    }
}

impl Serialize for Window {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
