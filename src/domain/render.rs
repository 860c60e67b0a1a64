//! How a page that was to be rendered in headless Chromium ([`crate::render`]) was read, and
//! its stored form (`pages.render`), which the checks read back.

/// How a page was read when rendering was asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendering {
    /// From the DOM headless Chromium built; why it was rendered.
    Rendered(String),
    /// Read statically although it was to be rendered; why it was not rendered.
    Failed(String),
}

impl Rendering {
    /// The stored form (`pages.render`): `rendered: WHY` or `not rendered: WHY`.
    pub fn stored(&self) -> String {
        match self {
            Rendering::Rendered(why) => format!("{RENDERED}{why}"),
            Rendering::Failed(why) => format!("{NOT_RENDERED}{why}"),
        }
    }

    /// Reads the stored form back.
    pub fn parse(s: &str) -> Option<Rendering> {
        if let Some(why) = s.strip_prefix(RENDERED) {
            Some(Rendering::Rendered(why.to_string()))
        } else {
            s.strip_prefix(NOT_RENDERED)
                .map(|why| Rendering::Failed(why.to_string()))
        }
    }
}

const RENDERED: &str = "rendered: ";
const NOT_RENDERED: &str = "not rendered: ";
