//! The diagnosis as a state machine: it says which requests to send, is handed the answers, and
//! settles one check after another until one verdict stands.
//!
//! This file holds the machine itself ([`Diagnosis`], [`Diagnosis::poll`],
//! [`Diagnosis::receive`]) and the one dispatcher, `advance`, that hands a finished round to the
//! handler of its phase. The handlers live in one file per group of checks, each a child
//! `impl Diagnosis` block:
//!
//! | file | checks | verdicts it decides |
//! |---|---|---|
//! | `inputs.rs` | `inputs` | `invalid_input` |
//! | `relay.rs` | `relay` | `cors_blocked`, `relay_unreachable`, `relay_misconfigured` |
//! | `token.rs` | `token`, `scopes`, `token_lifetime` | `missing_scope` (an empty state without `agent:state:read`) |
//! | `discovery.rs` | `discovery` | `discovery_failed` |
//! | `user.rs` | `user`, `agent_id` | `user_not_found`, `id_is_agent_id`, `not_an_agent`, `missing_scope` (an empty user record), `user_disabled`, `agent_hidden`, `agent_inactive`, `agent_locked` |
//! | `agent_state.rs` | `agent_state`, `state_list`, `cross_check` | `logged_in`, `agent_not_found`, `id_is_user_id`, `inconsistent_state`, `logged_out` |
//! | `other_environment.rs` | `other_environment` | `wrong_environment`, `logged_out` (asked there too) |
//! | `failure.rs` | any check whose call failed | the call failures: `tenant_unreachable`, `bad_credentials`, `token_rejected`, `rate_limited`, `service_error`, `timeout`, `missing_scope` / `missing_permission` (403) |
//! | `finish.rs` | every check still open | none: it writes the verdict others decided |
//!
//! `round.rs` holds the calls of the current phase through their retries; `pages.rs` reads the
//! paged lists to the end within the bound ([`MAX_PAGES`] of [`PAGE_SIZE`]).

mod agent_state;
mod discovery;
mod failure;
mod finish;
mod inputs;
mod other_environment;
mod pages;
mod relay;
mod round;
mod token;
mod user;

use super::check::{BranchId, Check, CheckNode, Taken};
use super::classify::{self, Failure, Reading, Settled};
use super::exchange::{Answer, Request, RequestId, RequestKind};
use super::redact::Redactor;
use super::tree::{CachedToken, Report, Tree};
use super::verdict::Verdict;
use crate::inputs::{Environment, Form, Inputs, DEFAULT_TIMEOUT_SECS};
use crate::profile::{self, ApiProfile, ListedAgent, UserRecord};
use crate::relay::Relay;
use finish::blank_tree;
use relay::RelaySeen;
use round::Round;
use token::TokenFacts;

/// At most this many tries per call when the API answers 429.
pub const MAX_TRIES: u32 = 3;
/// At most this much waiting for `Retry-After`, over the whole diagnosis, in milliseconds.
///
/// It is measured as the time that really passes: the requests of one round wait side by side,
/// so a round of retries counts its longest `Retry-After` (not the sum of its requests' waits),
/// and the rounds' waits add up. A 429 is retried only while the waiting so far plus its own
/// `Retry-After` stays within this budget; the same measure is reported in the `rate_limited`
/// finding and by [`Diagnosis::retry_wait_ms`].
pub const MAX_RETRY_WAIT_MS: u64 = 10_000;
/// The wait before a retry when a 429 carries no readable `Retry-After`, in milliseconds.
pub const DEFAULT_RETRY_MS: u64 = 1_000;
/// Entries asked per page of a paged list (the platform's lists come in pages of 100).
pub const PAGE_SIZE: u32 = 100;
/// At most this many pages of each paged list are read: past them, the finding says "not
/// found in the first N agents" and the outcome is `unknown`.
pub const MAX_PAGES: u32 = 10;
/// The scopes the diagnosis needs; `agent:state:read` matters most.
pub const REQUIRED_SCOPES: [&str; 3] = ["agent:state:read", "agent:read", "user:read"];
/// Under this lifetime (seconds) the `token_lifetime` check warns.
pub const SHORT_LIFETIME_SECS: u64 = 300;

/// What the caller should do next.
#[derive(Debug)]
pub enum Step {
    /// Send these requests together (one round), each after its `delay_ms`, and hand every answer
    /// back to [`Diagnosis::receive`]. Then poll again.
    Send(Vec<Request>),
    /// Requests of the last round are still unanswered; call [`Diagnosis::receive`] first.
    Waiting,
    /// The diagnosis is over. Polling again answers the same report.
    Done(Box<Report>),
}

/// One diagnosis run: a sans-I/O state machine.
///
/// ```text
/// let mut dx = Diagnosis::new(inputs, cached_token, now_ms);
/// loop {
///     match dx.poll() {
///         Step::Send(requests) => for r in requests { let a = transport(&r); dx.receive(r.id, a); },
///         Step::Waiting => { /* answers still out */ }
///         Step::Done(report) => break,
///     }
/// }
/// ```
/// It never touches the network, a clock or the page: time comes in through `now_ms` and the
/// answers' elapsed times. [`Diagnosis::tree`] shows progress at any moment.
pub struct Diagnosis {
    /// `None` for a form that failed validation (the diagnosis is over before it starts).
    inputs: Option<Inputs>,
    /// `None` for a profile this version does not implement.
    api: Option<&'static dyn ApiProfile>,
    now_ms: u64,
    timeout_ms: u64,
    tree: Tree,
    redactor: Redactor,
    /// Where the diagnosis stands, with what that phase waits for.
    phase: Phase,
    /// The calls of the current phase, through their retries.
    round: Round,
    /// What the relay showed so far.
    relay: RelaySeen,
    /// What the token check learned.
    token: TokenFacts,
    /// What the lookups found.
    found: Found,
    report: Option<Report>,
}

/// Where the diagnosis stands. Each phase but `Start` and `Done` waits for the round of calls
/// in [`Round`], and carries what its handler needs beyond their answers.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Phase {
    /// Nothing sent yet.
    Start,
    /// The token call (and the relay's `/healthz` beside it).
    Token,
    /// The issuer's OpenID configuration, after the token endpoint answered 404.
    OpenId,
    /// The discovery call for the tenant the token names.
    Discovery { tenant: String },
    /// The user lookup, the first pages of the lists, and what goes out beside them.
    Lookup,
    /// The further pages of the paged lists, once their first pages said how many there are.
    Pages,
    /// The state of the user's agent ID.
    AgentState,
    /// The user ID, unknown as a user (`status`), tried as an agent ID.
    UserIdAsAgent { status: u16 },
    /// The typed agent ID, unknown as an agent (`status`), tried as a user ID.
    AgentIdAsUser { status: u16 },
    /// A token for the other environment.
    OtherToken { env: Environment },
    /// The user lookup on the other environment, with its token.
    OtherUser { env: Environment, token: String },
    /// The agent's state on the other environment, with its token.
    OtherState { env: Environment, token: String },
    /// The verdict stands.
    Done,
}

/// What the lookups found, kept until the checks that need it settle.
#[derive(Default)]
struct Found {
    /// The user record, once read.
    user: Option<UserRecord>,
    /// The agent ID the state calls use: the user's, or the one typed alone.
    agent_id: Option<String>,
    /// The all-agents list as read, or why it could not be.
    list: Option<Result<Vec<ListedAgent>, Failure>>,
    /// The answer to the typed agent ID's state, sent beside the user lookup, until `agent_state`
    /// settles (it shows what this answer said if the diagnosis ends first).
    typed_state: Option<Settled>,
    /// The answer to the agent lookup sent beside the user lookup (platform), until `agent_id`
    /// settles.
    lookup: Option<Settled>,
    /// The agent's own state named the logged-out state itself (a `LoggedOut` entry).
    no_session_explicit: bool,
    /// The user lookup found no user: the user ID is then looked for as an agent ID.
    no_such_user: bool,
    /// The answered slots of the lookup round and its further pages, until every page is in.
    paged: Vec<round::Slot>,
    /// The agent lookup's pages read as one (paged profiles).
    listing: Option<pages::Listing>,
    /// Why the all-agents list gave no data (a 204, 304 or empty body), when it did not.
    list_gap: Option<String>,
    /// The all-agents list goes on past the pages read (the bound).
    list_cut: Option<pages::ListCut>,
    /// A cause the agent record names (`agent_inactive`, `agent_locked`): it wins over a
    /// missing session or an unknown agent ID.
    agent_flag: Option<Verdict>,
}

impl Diagnosis {
    /// Starts a diagnosis of `inputs` at time `now_ms` (the caller's clock, in milliseconds).
    /// `cached` is the token a previous report handed back; it is used only while it is valid for
    /// the same token URL, client ID and secret. Nothing is sent until [`Diagnosis::poll`].
    pub fn new(inputs: Inputs, cached: Option<CachedToken>, now_ms: u64) -> Self {
        let api = profile::for_profile(inputs.profile);
        let timeout_secs = if inputs.timeout_secs == 0 {
            DEFAULT_TIMEOUT_SECS
        } else {
            inputs.timeout_secs
        };
        let mut redactor = Redactor::new(api.map(|a| a.secrets(&inputs)).unwrap_or_default());
        if let Some(token) = &cached {
            redactor.add(token.access_token());
        }
        let host = api
            .map(|a| a.host(&inputs, inputs.environment))
            .unwrap_or_default();
        let tree = blank_tree(inputs.profile, inputs.environment, host);
        let timeout_ms = u64::from(timeout_secs) * 1000;
        Diagnosis::initial(
            Some(inputs),
            api,
            now_ms,
            timeout_ms,
            cached,
            tree,
            redactor,
        )
    }

    /// The state every diagnosis starts from; `inputs` is `None` for a form that failed validation.
    fn initial(
        inputs: Option<Inputs>,
        api: Option<&'static dyn ApiProfile>,
        now_ms: u64,
        timeout_ms: u64,
        cached: Option<CachedToken>,
        mut tree: Tree,
        redactor: Redactor,
    ) -> Self {
        tree.started_at_ms = now_ms;
        Diagnosis {
            inputs,
            api,
            now_ms,
            timeout_ms,
            tree,
            redactor,
            phase: Phase::Start,
            round: Round::default(),
            relay: RelaySeen::default(),
            token: TokenFacts::with_cached(cached),
            found: Found::default(),
            report: None,
        }
    }

    /// Validates `form` and starts a diagnosis of it; a form that fails validation gives a
    /// diagnosis that is already over with `invalid_input`, having sent nothing.
    pub fn from_form(form: &Form, cached: Option<CachedToken>, now_ms: u64) -> Self {
        match form.validate() {
            Ok(inputs) => Diagnosis::new(inputs, cached, now_ms),
            Err(errors) => {
                let problems = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field.label(), e.message))
                    .collect();
                let profile = form.profile();
                let tree = blank_tree(
                    profile,
                    Environment::parse(form.get(crate::inputs::Field::Environment))
                        .unwrap_or_default(),
                    String::new(),
                );
                let redactor = Redactor::new([
                    form.get(crate::inputs::Field::ClientSecret).to_string(),
                    form.get(crate::inputs::Field::AccessKeySecret).to_string(),
                    crate::percent::encode(form.get(crate::inputs::Field::AccessKeySecret)),
                ]);
                let timeout_ms = u64::from(DEFAULT_TIMEOUT_SECS) * 1000;
                let api = profile::for_profile(profile);
                let mut dx =
                    Diagnosis::initial(None, api, now_ms, timeout_ms, None, tree, redactor);
                dx.finish_invalid(problems);
                dx
            }
        }
    }

    /// What to do next: send a round of requests, wait for answers, or take the finished report.
    pub fn poll(&mut self) -> Step {
        loop {
            if let Some(report) = &self.report {
                return Step::Done(Box::new(report.clone()));
            }
            if self.round.slots.iter().any(|s| s.in_flight.is_some()) {
                return Step::Waiting;
            }
            if self.round.slots.iter().any(|s| s.answer.is_none()) {
                return Step::Send(self.send_round());
            }
            self.advance();
        }
    }

    /// Hands over the answer to request `id`. Answers `false` (and changes nothing) when `id` is
    /// not a request of the current round that is still waiting for its answer.
    pub fn receive(&mut self, id: RequestId, answer: Answer) -> bool {
        let Some(index) = self
            .round
            .slots
            .iter()
            .position(|s| s.in_flight.is_some_and(|(i, _)| i == id))
        else {
            return false;
        };
        let (_, exchange) = self.round.slots[index].in_flight.take().expect("in flight");
        let kind = self.round.slots[index].target.kind();
        let check = self.round.slots[index].check;
        // The body is parsed here, once, for every reader of the answer: the redaction, the
        // evidence, its reading and (for a list page) its entries.
        let mut json = None;
        if let Answer::Response(response) = &answer {
            json = classify::parse_body(&response.body);
            let as_is = classify::untrimmed(&response.body, json.as_ref());
            // Tokens in the answer are hidden before the answer becomes evidence.
            if let Some(body) = as_is {
                self.redactor.add_tokens_in(body);
            }
            if kind != RequestKind::RelayHealth && self.via_relay() {
                self.relay.relay_up = true;
            }
            self.record(check, exchange, &answer, as_is);
        } else {
            self.record(check, exchange, &answer, None);
        }
        let reading = classify::read_parsed(&answer, json, kind, self.timeout_ms, self.now_ms);
        if kind != RequestKind::RelayHealth && self.retry_later(index, &reading) {
            return true;
        }
        let page = match &reading {
            Reading::Json(json) => self.read_page(&self.round.slots[index].target, json),
            _ => None,
        };
        let slot = &mut self.round.slots[index];
        slot.answer = Some(answer);
        slot.read = Some(reading);
        slot.page = page;
        true
    }

    /// A snapshot of the tree as it stands: settled checks, `running` ones with requests out,
    /// `pending` ones not started. Never holds a secret.
    pub fn tree(&self) -> Tree {
        self.tree.clone()
    }

    /// True once the verdict stands.
    pub fn is_finished(&self) -> bool {
        self.report.is_some()
    }

    /// Rounds of requests sent so far.
    pub fn rounds(&self) -> u32 {
        self.tree.rounds
    }

    /// Milliseconds spent (or to be spent, for the retry round about to go out) waiting for
    /// `Retry-After` so far, as real time: each round counts its longest wait, since the requests
    /// of a round wait side by side (see [`MAX_RETRY_WAIT_MS`]).
    pub fn retry_wait_ms(&self) -> u64 {
        self.round.waited_ms + self.round.round_wait_ms
    }

    fn inputs(&self) -> &Inputs {
        self.inputs
            .as_ref()
            .expect("a running diagnosis has inputs")
    }

    fn api(&self) -> &'static dyn ApiProfile {
        self.api.expect("a running diagnosis has a profile")
    }

    fn via_relay(&self) -> bool {
        self.inputs
            .as_ref()
            .is_some_and(|i| i.relay != Relay::Direct)
    }

    fn node_mut(&mut self, check: Check) -> &mut CheckNode {
        self.tree
            .checks
            .iter_mut()
            .find(|n| n.id == check)
            .expect("every check has a node")
    }

    /// Settles a check on a branch it takes, with a one-line summary of what was found.
    fn settle(&mut self, taken: impl Into<Taken>, summary: impl Into<String>) {
        let taken = taken.into();
        self.node_mut(taken.check).settle(taken.id, summary);
    }

    fn is_settled(&self, check: Check) -> bool {
        self.tree.node(check).outcome.is_settled()
    }

    /// Hands the finished round to the handler of the phase it belongs to.
    fn advance(&mut self) {
        let slots = std::mem::take(&mut self.round.slots);
        // A handler that goes on sets the next phase; one that ends the diagnosis leaves `Done`.
        match std::mem::replace(&mut self.phase, Phase::Done) {
            Phase::Start => self.start(),
            Phase::Token => self.on_token(slots),
            Phase::OpenId => self.on_openid(slots),
            Phase::Discovery { tenant } => self.on_discovery(slots, tenant),
            Phase::Lookup => self.on_lookup(slots),
            Phase::Pages => self.on_pages(slots),
            Phase::AgentState => {
                let reading = self.reading(&slots[0]);
                self.on_agent_state(reading, false);
            }
            Phase::UserIdAsAgent { status } => self.on_user_id_as_agent(slots, status),
            Phase::AgentIdAsUser { status } => self.on_agent_id_as_user(slots, status),
            Phase::OtherToken { env } => self.on_other_token(slots, env),
            Phase::OtherUser { env, token } => self.on_other_user(slots, env, token),
            Phase::OtherState { env, .. } => self.on_other_state(slots, env),
            Phase::Done => {}
        }
    }
}
