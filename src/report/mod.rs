//! The report a person hands on: a ticket-ready Markdown summary ([`markdown`]), the full tree in
//! a versioned JSON envelope ([`json`], documented in `docs/report-schema.md`), and each exchange
//! as a `curl` command ([`curl`]), with placeholders or, on explicit request, with the secrets.
//!
//! Everything here is pure: text in, text out, no I/O, the same natively and in the browser.
//!
//! # Secrets
//! The tree is already redacted by the engine. The Markdown and JSON exports redact once more
//! whatever secret the form holds (the client secret, the access key secret, their `Basic` and
//! percent-encoded forms) wherever it would appear, so a redaction gap upstream cannot leak into
//! a ticket. A `curl` command never copies a credential out of the (redacted) exchange: it
//! rebuilds every credential from shell variables, or from [`CurlSecrets`] when the person picks
//! "Copy as curl with secret".

mod curl;
mod json;
mod markdown;
pub mod replay;
mod scrub;

pub use curl::{curl, curl_secrets, shell_quote, CurlSecrets};
pub use json::json;
pub use markdown::{markdown, outcome_label};

/// The report's schema version: bumped whenever a field of the JSON envelope changes meaning or
/// goes away, or a replay needs more of it (2: `started_at_ms`, `token_claims`). Reports of
/// version 1 still open ([`replay::open`]). The tree inside carries its own version ([`crate::engine::SCHEMA_VERSION`]).
pub const REPORT_SCHEMA_VERSION: u32 = 2;

/// The `schema` value of the JSON envelope, naming what the document is.
pub const REPORT_SCHEMA: &str = "agent-state-doctor/report";

/// The `generated_by` value of the JSON envelope, and the name the Markdown report signs with.
pub const GENERATED_BY: &str = "Agent State Doctor";
