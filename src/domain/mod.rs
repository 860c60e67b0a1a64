//! Domain: the types several layers share, and nothing else. It imports nothing of the crate,
//! so every module may use it: a finding and its severity, the check names (the findings.jsonl
//! contract), a column's category and update window, the transport facts of a homepage, a
//! site's score as data, how a rendered page was read, a host's robots.txt answer, why a URL was not read whole, and the mark of a URL the crawler was
//! kept from contacting.
//!
//! Behaviour stays with its layer: how a finding reads lives in [`crate::wording`], how a
//! score is computed in [`crate::score`], how facts are fetched in [`crate::crawl`] and
//! [`crate::transport`]. The modules that used to define these types re-export them
//! (`crate::checks::Finding` is `crate::domain::Finding`). See ARCHITECTURE.md, "Layers".

mod column;
mod finding;
mod read_limit;
mod render;
mod robots;
mod score;
mod transport;

pub use column::{Category, Window, CATEGORIES};
pub use finding::*;
pub use read_limit::{TOO_COMPLEX, TOO_LARGE, TOO_SLOW};
pub use render::Rendering;
pub use robots::RobotsAnswer;
pub use score::{Deduction, SiteScore, VetoHit};
pub use transport::{Ipv6Facts, TlsFacts, TransportFacts};

/// How the stored error of a URL the guard kept the crawler from contacting starts
/// ([`crate::crawl::fetch::FetchError::Blocked`]); the link check reports such links for review
/// by it.
pub const NOT_CONTACTED: &str = "not contacted: ";
