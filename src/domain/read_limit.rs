//! Why a URL was not read whole: the values of `urls.read_limit`, written by the crawl, read by
//! the extractor that decides a page is too big for a DOM, and counted in a site's coverage.

/// A page whose body was cut at `max_body_bytes`, or that was read for its links only because
/// it is larger than a DOM is built for (`extract::stream::MAX_DOM_BYTES`).
pub const TOO_LARGE: &str = "too_large";
/// A page with more tags than a DOM is built for (`extract::stream::MAX_DOM_ELEMENTS`): read
/// for its links, title and meta tags only.
pub const TOO_COMPLEX: &str = "too_complex";
/// A URL given up at the per-URL budget (`url_budget_secs`).
pub const TOO_SLOW: &str = "too_slow";
