//! A robots.txt answer as the store keeps it between processes, so a run continued after a
//! kill does not ask every host again ([`crate::crawl::politeness`] reads and judges it).

/// A host's robots.txt answer: its status, whether it came as HTML, and the body read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotsAnswer {
    pub status: u16,
    /// Served with an HTML `Content-Type`.
    pub html: bool,
    /// The body read (2xx only; `None` when it could not be read).
    pub body: Option<Vec<u8>>,
}
