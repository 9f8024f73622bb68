//! The decision tree the diagnosis yields (plain serde data), the finished [`Report`], and the
//! [`CachedToken`] handed back for reuse.

use super::check::{Check, CheckNode};
use super::verdict::Verdict;
use crate::inputs::{Environment, Inputs, Profile};
use std::fmt;

/// The tree's schema version; bumped whenever a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// The decision tree: one node per check in the README's order, and the verdict once finished.
/// It holds no secret: every exchange in it is redacted.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tree {
    /// [`SCHEMA_VERSION`] at the time it was made.
    pub schema: u32,
    /// The API profile used.
    pub profile: Profile,
    /// The environment diagnosed.
    pub environment: Environment,
    /// The API host called for that environment (empty when no profile applies).
    pub host: String,
    /// True once the diagnosis is over.
    pub finished: bool,
    /// How many rounds of requests went out (one round = one batch sent together).
    pub rounds: u32,
    /// One line saying where the diagnosis stands or what it concluded.
    pub summary: String,
    /// The verdict, once finished. `None` while running, and for a profile not supported yet.
    pub verdict: Option<VerdictReport>,
    /// One node per check, in [`Check::ALL`] order.
    pub checks: Vec<CheckNode>,
    /// The caller's clock when the diagnosis started (milliseconds since the Unix epoch): a
    /// replay decides as at this time (a JWT's `exp`). 0 in reports made before it was kept.
    #[serde(default)]
    pub started_at_ms: u64,
}

impl Tree {
    /// The node of `check`.
    pub fn node(&self, check: Check) -> &CheckNode {
        self.checks
            .iter()
            .find(|n| n.id == check)
            .expect("every check has a node")
    }

    /// The verdict's code, once finished.
    pub fn verdict_code(&self) -> Option<Verdict> {
        self.verdict.as_ref().map(|v| v.code)
    }
}

/// A finished diagnosis: the tree, and the token to reuse on "Run again" (kept out of the tree so
/// that it is never serialized or exported).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The decision tree with its verdict.
    pub tree: Tree,
    /// The token of the diagnosed environment, when one was issued or reused and is still usable.
    pub token: Option<CachedToken>,
}

impl Report {
    /// The verdict's code (`None` only for a profile not supported yet).
    pub fn verdict(&self) -> Option<Verdict> {
        self.tree.verdict_code()
    }
}

/// A token kept in memory between runs, bound to the token URL, client ID and client secret it
/// was issued for. Not serializable, and its `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct CachedToken {
    access_token: String,
    /// When the token expires, in the caller's clock (milliseconds).
    pub expires_at_ms: u64,
    /// The token URL it was issued by.
    pub token_url: String,
    /// The client ID it was issued to.
    pub client_id: String,
    secret_fingerprint: u64,
    /// The scopes the token answer named, if it did.
    pub scope: Option<Vec<String>>,
    /// The claims of the `id_token` issued with it (platform: `tenantId`, `userId`,
    /// `icAgentId`, ...), kept so that discovery works with a reused token. Claims, not the
    /// token: nothing here is a credential.
    pub id_claims: Option<serde_json::Value>,
}

/// A token is reused only while it has at least this long to live.
pub const REUSE_MARGIN_MS: u64 = 60_000;

impl CachedToken {
    /// Binds `access_token`, expiring at `expires_at_ms`, to `inputs`' token URL and credentials
    /// (the client ID and secret, and the access key ID and secret).
    pub fn new(
        access_token: impl Into<String>,
        expires_at_ms: u64,
        scope: Option<Vec<String>>,
        inputs: &Inputs,
    ) -> Self {
        CachedToken {
            access_token: access_token.into(),
            expires_at_ms,
            token_url: inputs.token_url(),
            client_id: inputs.client_id.clone(),
            secret_fingerprint: credentials_fingerprint(inputs),
            scope,
            id_claims: None,
        }
    }

    /// The same token with the claims of the `id_token` issued with it.
    pub fn with_id_claims(mut self, claims: Option<serde_json::Value>) -> Self {
        self.id_claims = claims;
        self
    }

    /// The bearer token itself.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// True when the token was issued for `inputs`' token URL, client ID and secret (and access
    /// key), and has at least [`REUSE_MARGIN_MS`] left at `now_ms`.
    pub fn is_valid_for(&self, inputs: &Inputs, now_ms: u64) -> bool {
        self.token_url == inputs.token_url()
            && self.client_id == inputs.client_id
            && self.secret_fingerprint == credentials_fingerprint(inputs)
            && now_ms.saturating_add(REUSE_MARGIN_MS) < self.expires_at_ms
    }
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("access_token", &"<redacted>")
            .field("expires_at_ms", &self.expires_at_ms)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .finish()
    }
}

/// The fingerprint of everything that identifies whom a token was issued to, besides the client
/// ID: the client secret and the access key ID and secret (empty for the guide).
fn credentials_fingerprint(inputs: &Inputs) -> u64 {
    fingerprint(&format!(
        "{}\u{0}{}\u{0}{}",
        inputs.client_secret, inputs.access_key_id, inputs.access_key_secret
    ))
}

/// FNV-1a: tells a changed secret apart without keeping a second copy of it.
fn fingerprint(secret: &str) -> u64 {
    secret.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The verdict of a finished diagnosis with its explanation and fix, as the tree carries it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VerdictReport {
    /// The code.
    pub code: Verdict,
    /// A short title.
    pub title: String,
    /// What was found in this run and what it means, in plain words.
    pub explanation: String,
    /// What to do, step by step.
    pub fix: Vec<String>,
    /// The check whose finding decided the verdict.
    pub decided_by: Check,
    /// One line per check that supports the verdict (its summary), in tree order.
    pub evidence: Vec<String>,
}
