//! The team sweep: one finding per agent of a tenant, a team or a pasted list, in a few round
//! trips. Beside [`Diagnosis`](super::Diagnosis), with the same sans-I/O contract: [`Sweep::poll`]
//! says which requests to send, [`Sweep::receive`] is handed each answer, and the sweep ends in a
//! [`SweepReport`] (one [`SweepRow`] per agent).
//!
//! # The path
//! 1. The token (skipped with a cached token still valid), then discovery where the profile
//!    finds its API host that way (skipped with the API host field).
//! 2. The first page of every list the profile has: the roster (the Admin agent list: team,
//!    `isActive`, `locked`, `hiddenAgents`) and the all-agents state list.
//! 3. Once a first page gives `totalRecords`, every further page within [`MAX_SWEEP_PAGES`] goes
//!    out at once (without a total: a full page or `_links.next` asks for the next one).
//! 4. Only what no list answers is looked up one entity at a time, at most [`MAX_IN_FLIGHT`]
//!    calls in flight: a pasted user ID the roster does not map (and on a profile without a
//!    roster, every pasted ID that the state list does not show).
//!
//! "All agents" on a profile with a roster is therefore four rounds after the token at any size
//! the bound allows (token, discovery, first pages, the rest).
//!
//! # Load and retries
//! A 429 (or a 503 with `Retry-After`) slows the whole sweep: the call is sent again after its
//! `Retry-After` ([`DEFAULT_RETRY_MS`](super::DEFAULT_RETRY_MS) when unreadable), and until an
//! answer that is not a 429 arrives, one call at a time is in flight. It does not fail a row: a
//! call is tried up to [`SWEEP_MAX_TRIES`] times, within [`SWEEP_MAX_WAIT_MS`] of waiting; past
//! that the row's finding is `rate_limited` (a bound, so that a tenant that always answers 429
//! cannot hold the page forever).
//!
//! # Rounds
//! The sweep counts rounds as the longest chain of answers each request waited for (a request
//! sent after an answer of round `n` is in round `n + 1`), so that a window of lookups that
//! slides as answers arrive counts as the real latency it costs.

mod lists;
mod rows;
mod target;
mod token;

pub use rows::SweepRow;
pub use target::{parse_ids, SweepTarget};

use super::classify::{self, Reading, Settled};
use super::exchange::{Answer, Request, RequestId, RequestKind};
use super::tree::CachedToken;
use super::verdict::Verdict;
use super::{jwt, DEFAULT_RETRY_MS, PAGE_SIZE};
use crate::inputs::{Inputs, DEFAULT_TIMEOUT_SECS};
use crate::profile::{self, ApiProfile, Call, Page, RosterAgent, StateRow, TokenVia};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// At most this many single-entity lookups are in flight at once.
pub const MAX_IN_FLIGHT: usize = 6;
/// At most this many pages of each list are read (of [`PAGE_SIZE`]): 6,000 agents. The single
/// diagnosis reads 10; a sweep wants the whole tenant.
pub const MAX_SWEEP_PAGES: u32 = 60;
/// At most this many tries per call when the API answers 429 (or 503 with `Retry-After`).
pub const SWEEP_MAX_TRIES: u32 = 6;
/// At most this much `Retry-After` waiting over the whole sweep, in milliseconds.
pub const SWEEP_MAX_WAIT_MS: u64 = 60_000;

/// What the caller should do next.
#[derive(Debug)]
pub enum SweepStep {
    /// Send these requests (each after its `delay_ms`) and hand every answer back to
    /// [`Sweep::receive`]; then poll again. More may follow as answers arrive.
    Send(Vec<Request>),
    /// Requests are out; call [`Sweep::receive`] first.
    Waiting,
    /// The sweep is over. Polling again answers the same report.
    Done(Box<SweepReport>),
}

/// Pages and lookups done, out of those known so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepProgress {
    /// Calls answered (pages and lookups, the token and discovery included).
    pub done: u32,
    /// Calls known so far: answered, out, or still to send.
    pub total: u32,
}

/// The finished sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepReport {
    /// One row per agent, in list order (pasted order for pasted IDs).
    pub rows: Vec<SweepRow>,
    /// Why the sweep could not read the lists (token refused, list forbidden, ...), if it could
    /// not; the rows are then empty, or the pasted IDs with finding `unknown`.
    pub failure: Option<(Verdict, String)>,
    /// Notes on what the lists could not say (`hiddenAgents`, the bound, a profile without teams).
    pub notes: Vec<String>,
    /// `hiddenAgents` as the roster gave it.
    pub hidden: Option<u64>,
    /// Rounds of requests (the longest chain of answers waited for).
    pub rounds: u32,
    /// Requests sent, retries included.
    pub requests: u32,
    /// The most requests in flight at once.
    pub peak_in_flight: usize,
    /// `Retry-After` waiting asked for, in milliseconds (each slowdown counted once).
    pub waited_ms: u64,
    /// The token to reuse (never shown, never exported).
    pub token: Option<CachedToken>,
}

/// What a call is for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Job {
    Token,
    Discovery(String),
    Roster(u32),
    States(u32),
    /// A pasted ID looked up as a user.
    User(String),
    /// A pasted ID (or a user's agent ID) looked up on the agent's own state endpoint.
    AgentState(String),
}

impl Job {
    fn kind(&self) -> RequestKind {
        match self {
            Job::Token => RequestKind::Token,
            Job::Discovery(_) => RequestKind::Discovery,
            Job::Roster(_) => RequestKind::AgentLookup,
            Job::States(_) => RequestKind::StateList,
            Job::User(_) => RequestKind::User,
            Job::AgentState(_) => RequestKind::AgentState,
        }
    }

    fn is_lookup(&self) -> bool {
        matches!(self, Job::User(_) | Job::AgentState(_))
    }
}

/// A call waiting to go out, through its retries.
#[derive(Clone, Debug)]
struct Queued {
    job: Job,
    attempts: u32,
    delay_ms: u64,
}

/// A call out.
#[derive(Clone, Debug)]
struct Out {
    id: RequestId,
    queued: Queued,
    round: u32,
}

/// Where the sweep stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Start,
    Token,
    Discovery,
    Lists,
    Lookups,
    Done,
}

/// What a pasted ID's lookups found.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Looked {
    /// The user record: its agent ID, name and status.
    User {
        agent_id: Option<String>,
        name: Option<String>,
        status: Option<String>,
    },
    /// The ID is unknown as a user.
    NoUser,
    /// The agent's own state: `Some(state)` with a session, `None` without.
    State(Option<String>),
    /// The ID is unknown as an agent.
    NoAgent,
    /// The call gave nothing usable.
    Failed(Verdict, String),
}

/// A team sweep: a sans-I/O state machine (see the [module docs](self)).
pub struct Sweep {
    inputs: Inputs,
    api: &'static dyn ApiProfile,
    target: SweepTarget,
    now_ms: u64,
    timeout_ms: u64,
    phase: Phase,
    queue: VecDeque<Queued>,
    out: Vec<Out>,
    next_id: RequestId,
    /// The deepest round of the answers received so far.
    answered_round: u32,
    rounds: u32,
    requests: u32,
    peak: usize,
    done: u32,
    /// A 429 was seen and no answer since said otherwise: one call at a time.
    cooling: bool,
    waited_ms: u64,
    access_token: Option<String>,
    cached: Option<CachedToken>,
    new_token: Option<CachedToken>,
    roster: BTreeMap<u32, Vec<RosterAgent>>,
    roster_asked: Vec<u32>,
    roster_total: Option<u64>,
    hidden: Option<u64>,
    states: BTreeMap<u32, Vec<StateRow>>,
    states_asked: Vec<u32>,
    states_total: Option<u64>,
    /// The lookups' findings, by job.
    looked: Vec<(Job, Looked)>,
    /// The lists read, indexed by ID (lowercased) once every page is in: the state list by
    /// agent ID, the roster by agent ID and by user ID. Rows are found in constant time, so
    /// 5,000 agents cost milliseconds, not a quadratic scan.
    state_index: HashMap<String, (u32, usize)>,
    roster_index: HashMap<String, (u32, usize)>,
    failure: Option<(Verdict, String)>,
    notes: Vec<String>,
    report: Option<SweepReport>,
}

impl Sweep {
    /// Starts a sweep of `target` with `inputs` (the user and agent ID fields are not used) at
    /// `now_ms`. `cached` is reused while valid for the same credentials. Nothing is sent
    /// until [`Sweep::poll`].
    pub fn new(
        inputs: Inputs,
        target: SweepTarget,
        cached: Option<CachedToken>,
        now_ms: u64,
    ) -> Self {
        let api = profile::for_profile(inputs.profile).expect("every profile is implemented");
        let timeout_secs = if inputs.timeout_secs == 0 {
            DEFAULT_TIMEOUT_SECS
        } else {
            inputs.timeout_secs
        };
        let cached = cached.filter(|c| c.is_valid_for(&inputs, now_ms));
        Sweep {
            inputs,
            api,
            target,
            now_ms,
            timeout_ms: u64::from(timeout_secs) * 1000,
            phase: Phase::Start,
            queue: VecDeque::new(),
            out: Vec::new(),
            next_id: 1,
            answered_round: 0,
            rounds: 0,
            requests: 0,
            peak: 0,
            done: 0,
            cooling: false,
            waited_ms: 0,
            access_token: None,
            cached,
            new_token: None,
            roster: BTreeMap::new(),
            roster_asked: Vec::new(),
            roster_total: None,
            hidden: None,
            states: BTreeMap::new(),
            states_asked: Vec::new(),
            states_total: None,
            looked: Vec::new(),
            state_index: HashMap::new(),
            roster_index: HashMap::new(),
            failure: None,
            notes: Vec::new(),
            report: None,
        }
    }

    /// What to do next: send requests, wait for answers, or take the finished report.
    pub fn poll(&mut self) -> SweepStep {
        loop {
            if let Some(report) = &self.report {
                return SweepStep::Done(Box::new(report.clone()));
            }
            let sent = self.send_what_fits();
            if !sent.is_empty() {
                return SweepStep::Send(sent);
            }
            if !self.out.is_empty() {
                return SweepStep::Waiting;
            }
            if !self.queue.is_empty() {
                // Nothing fits yet only while calls are out; with none out, something fits.
                unreachable!("a queued call always fits when none is out");
            }
            self.advance();
        }
    }

    /// Hands over the answer to request `id`; `false` (changing nothing) when `id` is not out.
    pub fn receive(&mut self, id: RequestId, answer: Answer) -> bool {
        let Some(index) = self.out.iter().position(|o| o.id == id) else {
            return false;
        };
        let out = self.out.remove(index);
        self.answered_round = self.answered_round.max(out.round);
        let reading = classify::read(&answer, out.queued.job.kind(), self.timeout_ms, self.now_ms);
        if let Reading::TooMany { retry_after_ms, .. } = &reading {
            let wait = retry_after_ms.unwrap_or(DEFAULT_RETRY_MS);
            if out.queued.attempts < SWEEP_MAX_TRIES && self.waited_ms + wait <= SWEEP_MAX_WAIT_MS {
                if !self.cooling {
                    self.waited_ms += wait;
                }
                self.cooling = true;
                self.queue.push_front(Queued {
                    delay_ms: wait,
                    ..out.queued
                });
                return true;
            }
        } else {
            self.cooling = false;
        }
        self.done += 1;
        let settled = Settled::from_reading(reading, out.queued.attempts, self.waited_ms);
        self.on_answer(out.queued.job, settled);
        true
    }

    /// Stops the sweep: nothing more is sent, and the report holds what was read so far.
    pub fn cancel(&mut self) {
        self.queue.clear();
        self.out.clear();
        if self.report.is_none() {
            self.notes
                .push("Cancelled: the rows show what was read before.".into());
            self.finish();
        }
    }

    /// Pages and lookups done, out of those known so far.
    pub fn progress(&self) -> SweepProgress {
        SweepProgress {
            done: self.done,
            total: self.done + (self.out.len() + self.queue.len()) as u32,
        }
    }

    /// Rounds of requests so far.
    pub fn rounds(&self) -> u32 {
        self.rounds
    }

    /// True once the report stands.
    pub fn is_finished(&self) -> bool {
        self.report.is_some()
    }

    /// The calls of the queue that fit now: every page at once, lookups up to
    /// [`MAX_IN_FLIGHT`], and one call at a time while cooling after a 429.
    fn send_what_fits(&mut self) -> Vec<Request> {
        let mut sent = Vec::new();
        let mut kept = VecDeque::new();
        while let Some(queued) = self.queue.pop_front() {
            let out_now = self.out.len();
            let lookups_out = self.out.iter().filter(|o| o.queued.job.is_lookup()).count();
            let fits = if self.cooling {
                out_now == 0
            } else if queued.job.is_lookup() {
                lookups_out < MAX_IN_FLIGHT
            } else {
                true
            };
            if !fits {
                kept.push_back(queued);
                continue;
            }
            let queued = Queued {
                attempts: queued.attempts + 1,
                ..queued
            };
            let id = self.next_id;
            self.next_id += 1;
            let round = self.answered_round + 1;
            self.rounds = self.rounds.max(round);
            self.requests += 1;
            sent.push(self.build(&queued, id));
            self.out.push(Out { id, queued, round });
            self.peak = self.peak.max(self.out.len());
        }
        self.queue = kept;
        sent
    }

    fn token(&self) -> &str {
        self.access_token
            .as_deref()
            .or(self.cached.as_ref().map(CachedToken::access_token))
            .unwrap_or_default()
    }

    fn build(&self, queued: &Queued, id: RequestId) -> Request {
        let inputs = &self.inputs;
        let env = inputs.environment;
        let token = self.token();
        let api = self.api;
        let call = match &queued.job {
            Job::Token => api.token_call(inputs, env, &TokenVia::default()),
            Job::Discovery(tenant) => api.discovery_call(inputs, tenant).unwrap_or_else(nowhere),
            Job::Roster(skip) => api
                .roster_call(inputs, env, token, page(*skip))
                .unwrap_or_else(nowhere),
            Job::States(skip) => api.state_list_call(inputs, env, token, page(*skip)),
            Job::User(user) => api.user_call(inputs, env, user, token),
            Job::AgentState(agent) => api.agent_state_call(inputs, env, agent, token),
        };
        Request {
            id,
            kind: queued.job.kind(),
            environment: env,
            attempt: queued.attempts,
            method: call.method,
            url: call.url,
            headers: call.headers,
            body: call.body,
            timeout_ms: self.timeout_ms,
            delay_ms: queued.delay_ms,
        }
    }

    fn push(&mut self, job: Job) {
        self.queue.push_back(Queued {
            job,
            attempts: 0,
            delay_ms: 0,
        });
    }

    /// Everything queued was answered: the next phase.
    fn advance(&mut self) {
        match self.phase {
            Phase::Start => {
                if self.cached.is_some() {
                    self.after_token();
                } else {
                    self.phase = Phase::Token;
                    self.push(Job::Token);
                }
            }
            Phase::Token => {
                if self.failure.is_some() {
                    return self.finish();
                }
                self.after_token();
            }
            Phase::Discovery => {
                if self.failure.is_some() {
                    return self.finish();
                }
                self.begin_lists();
            }
            Phase::Lists => {
                if self.failure.is_some() {
                    return self.finish();
                }
                self.begin_lookups();
            }
            Phase::Lookups | Phase::Done => self.finish(),
        }
    }

    fn after_token(&mut self) {
        let needs_discovery = self.api.capabilities().discovery && self.inputs.api_host.is_none();
        if !needs_discovery {
            return self.begin_lists();
        }
        let claims = self
            .new_token
            .as_ref()
            .or(self.cached.as_ref())
            .and_then(|t| t.id_claims.clone());
        let tenant = claims
            .as_ref()
            .and_then(|c| profile::id_of(c.get("tenantId")))
            .or_else(|| {
                let claims = jwt::claims(self.token())?;
                profile::id_of(claims.get("tenantId"))
            });
        match tenant {
            Some(tenant) => {
                self.phase = Phase::Discovery;
                self.push(Job::Discovery(tenant));
            }
            None => {
                self.failure = Some((
                    Verdict::DiscoveryFailed,
                    "The token names no tenantId, so the tenant's API host is unknown.".into(),
                ));
                self.finish();
            }
        }
    }

    fn begin_lists(&mut self) {
        self.phase = Phase::Lists;
        let env = self.inputs.environment;
        let has_roster = self
            .api
            .roster_call(&self.inputs, env, "", page(0))
            .is_some();
        if has_roster {
            self.roster_asked.push(0);
            self.push(Job::Roster(0));
        }
        self.states_asked.push(0);
        self.push(Job::States(0));
    }

    fn begin_lookups(&mut self) {
        self.phase = Phase::Lookups;
        self.index();
        for job in self.lookups_needed() {
            self.push(job);
        }
    }

    fn on_answer(&mut self, job: Job, settled: Settled) {
        match job {
            Job::Token => self.on_token(settled),
            Job::Discovery(_) => self.on_discovery(settled),
            Job::Roster(skip) => self.on_roster(skip, settled),
            Job::States(skip) => self.on_states(skip, settled),
            Job::User(_) | Job::AgentState(_) => self.on_lookup(job, settled),
        }
    }

    fn finish(&mut self) {
        self.phase = Phase::Done;
        self.index();
        let rows = if self.failure.is_some() {
            match &self.target {
                SweepTarget::Ids(ids) => ids
                    .iter()
                    .map(|id| SweepRow::unread(id, self.failure.as_ref().map(|f| f.0)))
                    .collect(),
                _ => Vec::new(),
            }
        } else {
            self.decide_rows()
        };
        if let Some(hidden) = self.hidden.filter(|h| *h > 0) {
            self.notes.push(format!(
                "{hidden} agents exist that the access key's user may not see (hiddenAgents): no list shows them."
            ));
        }
        self.report = Some(SweepReport {
            rows,
            failure: self.failure.clone(),
            notes: self.notes.clone(),
            hidden: self.hidden,
            rounds: self.rounds,
            requests: self.requests,
            peak_in_flight: self.peak,
            waited_ms: self.waited_ms,
            token: self.new_token.clone().or(self.cached.clone()),
        });
    }
}

/// An ID as the indexes compare it (IDs match trimmed, ignoring case).
fn key(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

/// The page of a paged list that skips `skip` entries.
fn page(skip: u32) -> Page {
    Page {
        top: PAGE_SIZE,
        skip,
    }
}

fn nowhere() -> Call {
    Call {
        method: profile::Method::Get,
        url: String::new(),
        headers: Vec::new(),
        body: None,
    }
}

fn describe(settled: &Settled) -> String {
    match settled {
        Settled::Json(_) => "an answer without what was asked.".into(),
        Settled::Status { status, detail, .. } => format!("HTTP {status}{detail}."),
        Settled::Failed(f) => f.describe(),
    }
}

/// The verdict a call that gave nothing usable stands for, in the single diagnosis' words.
fn failure_verdict(failure: &classify::Failure) -> Verdict {
    use classify::Failure as F;
    match failure {
        F::NoAnswer { .. } => Verdict::CorsBlocked,
        F::TimedOut { .. } => Verdict::Timeout,
        F::TenantUnreachable { .. } => Verdict::TenantUnreachable,
        F::NotApi { .. } | F::RelayRefusedHost => Verdict::RelayMisconfigured,
        F::RateLimited { .. } => Verdict::RateLimited,
        F::ServiceError { .. } => Verdict::ServiceError,
        F::BadCredentials { .. } => Verdict::BadCredentials,
        F::TokenRejected => Verdict::TokenRejected,
        F::Forbidden { area: Some(_), .. } => Verdict::MissingPermission,
        F::Forbidden { .. } => Verdict::MissingScope,
    }
}
