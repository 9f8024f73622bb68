#![warn(missing_docs)]
//! The diagnosis engine: a pure, sans-I/O state machine that decides why an agent shows as
//! "not logged in".
//!
//! [`Diagnosis`] says which [`Request`]s to send ([`Step::Send`], one round at a time), is handed
//! each [`Answer`] ([`Diagnosis::receive`]), and finally yields a [`Report`]: the decision
//! [`Tree`] (plain serde data, one [`CheckNode`] per [`Check`], every [`Exchange`] redacted) with
//! exactly one [`Verdict`], plus the token to reuse on the next run. It never touches the
//! network, a clock, the page or `async`, so the browser's fetch, a simulated tenant and plain
//! tests all drive the same engine.
//!
//! # Where things are
//! `machine/mod.rs` holds [`Diagnosis`] and the one dispatcher from phase to handler; each group
//! of checks has its file under `machine/` (`token.rs`, `discovery.rs`, `user.rs`,
//! `agent_state.rs`, `other_environment.rs`, ...), named after the [`Check`] that decides its
//! verdicts; `check/branch.rs` names every branch ([`BranchId`], and one enum per check such as
//! [`UserBranch`]), `check/table.rs` says what each means. `docs/architecture.md` draws the
//! layers and lists which file decides each verdict.
//!
//! # The checks
//! In the tree's order: `inputs`, `relay`, `token`, `scopes`, `token_lifetime`, `discovery`,
//! `user`, `agent_id`, `agent_state`, `state_list`, `cross_check`, `other_environment`.
//! `discovery` sits after the token's own checks because it needs the token answer (the
//! `id_token`'s tenant) and before every API call because it says where they go. It is the
//! platform's: for the guide it is `skipped` (branch `guide`, the host comes from the tenant
//! name), and on the platform the API host field skips it too (branch `overridden`).
//! `other_environment` is the guide's: on the platform it is `skipped` from the start (branch
//! `no_environments`), so `wrong_environment` is a guide-only verdict. Each node lists only the
//! branches its profile can take ([`Check::branches_for`]).
//!
//! # The path (guide)
//! 1. `token` (with the relay's `/healthz` probe beside it when a relay is set); skipped when a
//!    cached token is still valid.
//! 2. `user` lookup and `state_list` together (and the typed agent ID's state, when one is typed).
//! 3. `agent_state` for the user's agent ID. Then `cross_check` the two, and when the state is
//!    empty and the scopes allow reading it, `other_environment`: token, user and state again on
//!    the other environment.
//!
//! That is three rounds to a verdict in the common case, two with a cached token.
//!
//! # The path (platform)
//! 1. `token`: the `password` grant with the access key at `{issuer}/auth/token` (and the relay
//!    probe); a cached token is reused with the `id_token` claims it was issued with.
//! 2. `discovery`: the `id_token`'s `tenantId` (else the access token's), then
//!    `{issuer}/.well-known/cxone-configuration?tenantId=...` for `api_endpoint`. Skipped with
//!    the API host field; a token answer without a tenant ends in `discovery_failed` at once.
//! 3. User Hub's `user` lookup, the Admin agent lookup that maps the user's UUID to the numeric
//!    agent ID (`agent_id`; not sent when the `id_token` is the user's own and names its
//!    `icAgentId`), and `state_list`, together (and the typed agent ID's state).
//! 4. `agent_state`, then `cross_check`. A `LoggedOut` entry proves a logged-out agent; an empty
//!    answer (`[]`, 204, 304) is "no data" and ends `logged_out` with that caveat.
//!
//! That is four rounds in the common case, three with the API host field (or a cached token
//! with the field), three when the agent ID is typed (beside the user, or alone).
//! The ID mix-ups use the IDs' shapes (user IDs are UUIDs, agent IDs numbers): an ID is tried
//! as the other kind only when its shape allows it, and the findings say what the shape shows.
//! A 400 to an ID-addressed call reads like a 404 (an ID of the wrong shape is malformed there).
//!
//! # Precedence
//! The first thing that goes wrong decides; later checks whose calls never went out are
//! `skipped` (branch `not_run`). A call that did go out and was answered is never shown as
//! skipped: its check settles on the branch its answer supports (the all-agents list read, with
//! or without the agent, or its own failure; the typed agent ID's state), without changing the
//! verdict.
//! When several calls of one round fail (the user lookup, the platform's agent lookup, the typed
//! agent ID's state), the more fundamental failure wins, in this order:
//! 1. no answer at all: `cors_blocked` (direct), `relay_unreachable` (relay silent too), or
//!    `relay_misconfigured` (relay up, calls through it unreadable);
//! 2. the relay refusing the host (403 `X-Relay-Error: forbidden-host`): `relay_misconfigured`;
//! 3. the relay unable to reach the host: `tenant_unreachable`;
//! 4. an answer that is not the API's (HTML, a relay's text, a 2xx without JSON):
//!    `relay_misconfigured`;
//! 5. `timeout`; 6. `bad_credentials`; 7. `token_rejected`; 8. `rate_limited`;
//!    9. `service_error`; 10. a 403: `missing_scope` (guide) or `missing_permission` (a profile
//!    whose tokens carry a role, naming the permission area of the call refused).
//!
//! Discovery decides before any API call: it fails with `discovery_failed` when no tenant ID is
//! known or the configuration answers a 4xx or no usable `api_endpoint` (an answer that is not
//! JSON is `relay_misconfigured`, as for every call).
//!
//! Past the calls, the data decide, in the order the path meets them: `user_not_found` or
//! `id_is_agent_id`, then `not_an_agent`, then `agent_not_found` or `id_is_user_id`, then
//! `inconsistent_state`, then `missing_scope` (the state is empty and the token's known scopes
//! lack `agent:state:read`), then `wrong_environment`, and finally `logged_out`. An active
//! session is `logged_in` (or `inconsistent_state` when the all-agents list does not show it).
//! On the platform, the verdicts that name a cause win over `logged_out`, `agent_not_found` and
//! `not_an_agent`: `user_disabled` as soon as User Hub's status is not `ACTIVE`, `agent_hidden`
//! where `not_an_agent` would stand and `hiddenAgents` > 0, `agent_inactive` / `agent_locked`
//! where `logged_out` or `agent_not_found` would stand. "No data" (a 204, 304 or empty body) is
//! not "empty": a cross-check against it is `unknown` and the endpoint that answered decides; a
//! user not found within the paging bound leaves `agent_id` `unknown`.
//!
//! Two calls are "soft": the relay probe never decides by itself (it only tells
//! `relay_unreachable` from `relay_misconfigured`), and a failed all-agents list decides only
//! when the agent's own state is empty (with an active session the verdict stays `logged_in`, and
//! `cross_check` is `unknown`). Failures on the other environment never decide either: that check
//! becomes `unknown` and the verdict `logged_out`, saying why.
//!
//! # Retries and the token's lifetime
//! A 429 is retried after its `Retry-After` (1 s when unreadable), at most [`MAX_TRIES`] tries
//! per call and [`MAX_RETRY_WAIT_MS`] of waiting per diagnosis. Waiting is counted as real time:
//! the retries of one round wait side by side, so a round counts its longest wait, and the budget
//! and the `rate_limited` finding use that same measure.
//!
//! `token_lifetime` reads `expires_in` and, when the access token is a JWT, its `exp` claim
//! against the `now_ms` the diagnosis was created with: the sooner of the two counts (under
//! [`SHORT_LIFETIME_SECS`] warns), and an `exp` already past fails.

mod check;
mod classify;
mod exchange;
pub mod jwt;
mod machine;
pub mod redact;
mod seconds;
pub mod sweep;
mod tree;
pub(crate) mod verdict;
mod words;

pub use check::{
    AgentIdBranch, AgentStateBranch, Branch, BranchId, Check, CheckNode, CrossCheckBranch,
    DiscoveryBranch, InputsBranch, OtherEnvironmentBranch, Outcome, RelayBranch, ScopesBranch,
    StateListBranch, Taken, TokenBranch, TokenLifetimeBranch, UserBranch,
};
pub use exchange::{Answer, Exchange, Request, RequestId, RequestKind, Response};
pub use machine::{
    Diagnosis, Step, DEFAULT_RETRY_MS, MAX_PAGES, MAX_RETRY_WAIT_MS, MAX_TRIES, PAGE_SIZE,
    REQUIRED_SCOPES, SHORT_LIFETIME_SECS,
};
pub use sweep::{
    Sweep, SweepProgress, SweepReport, SweepRow, SweepStep, SweepTarget, MAX_IN_FLIGHT,
    MAX_SWEEP_PAGES,
};
pub use tree::{CachedToken, Report, Tree, VerdictReport, REUSE_MARGIN_MS, SCHEMA_VERSION};
pub use verdict::Verdict;

pub use crate::profile::Method;
