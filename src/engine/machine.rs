//! The diagnosis as a state machine: it says which requests to send, is handed the answers, and
//! settles one check after another until one verdict stands.

use super::check::{BranchId, Check, CheckNode, Outcome};
use super::classify::{self, Failure, Reading};
use super::exchange::{Answer, Exchange, Request, RequestId, RequestKind};
use super::jwt;
use super::redact::Redactor;
use super::tree::{CachedToken, Report, Tree, SCHEMA_VERSION};
use super::verdict::{Verdict, VerdictReport};
use crate::inputs::{Environment, Form, Inputs, Profile, DEFAULT_TIMEOUT_SECS};
use crate::profile::{self, AgentState, ApiProfile, Call, IdKind, ListedAgent, Method, UserRecord};
use crate::relay::Relay;
use serde_json::Value;
use BranchId as B;

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
    inputs: Option<Inputs>,
    api: Option<&'static dyn ApiProfile>,
    now_ms: u64,
    timeout_ms: u64,
    cached: Option<CachedToken>,
    tree: Tree,
    phase: Phase,
    slots: Vec<Slot>,
    next_id: RequestId,
    /// Real `Retry-After` waiting of the rounds sent so far: each round's longest delay.
    waited_ms: u64,
    /// The wait of the retry round being gathered: the longest delay of the calls it will resend.
    round_wait_ms: u64,
    redactor: Redactor,
    report: Option<Report>,
    probe_sent: bool,
    /// The relay answered its health check.
    probe_up: bool,
    /// Some API call came back with an HTTP answer through the relay.
    relay_up: bool,
    token: Option<String>,
    token_reused: bool,
    /// The access token's `exp` claim was already past when the diagnosis read it.
    token_expired: bool,
    /// The user lookup found no user: the user ID is then looked for as an agent ID.
    no_such_user: bool,
    token_expires_at_ms: Option<u64>,
    token_scope: Option<Vec<String>>,
    scopes: Option<Vec<String>>,
    user: Option<UserRecord>,
    agent_id: Option<String>,
    list: Option<Result<Vec<ListedAgent>, Failure>>,
    /// The answer to the typed agent ID's state, sent beside the user lookup, until `agent_state`
    /// settles (it shows what this answer said if the diagnosis ends first).
    typed_state: Option<Reading>,
    other_env: Option<Environment>,
    other_token: Option<String>,
    /// Why the other environment could not be asked, for the verdict's explanation.
    other_note: Option<String>,
    /// The claims of the token answer's `id_token` (platform), or of the reused token's.
    id_claims: Option<Value>,
    /// The answer to the agent lookup sent beside the user lookup (platform), until `agent_id`
    /// settles.
    lookup: Option<Reading>,
    /// The agent's own state named the logged-out state itself (platform: a `LoggedOut` entry).
    no_session_explicit: bool,
    /// The status of the user lookup that found no user (404, or the platform's 400).
    user_status: u16,
    /// The status of the typed agent ID's state call that found no agent.
    agent_status: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Start,
    Token,
    Discovery,
    Lookup,
    State,
    UserIdAsAgent,
    AgentIdAsUser,
    OtherToken,
    OtherUser,
    OtherState,
    Done,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    RelayHealth,
    Token(Environment),
    Discovery(String),
    User(Environment, String),
    AgentLookup(Environment, String),
    AgentState(Environment, String),
    StateList(Environment),
}

impl Target {
    fn kind(&self) -> RequestKind {
        match self {
            Target::RelayHealth => RequestKind::RelayHealth,
            Target::Token(_) => RequestKind::Token,
            Target::Discovery(_) => RequestKind::Discovery,
            Target::User(..) => RequestKind::User,
            Target::AgentLookup(..) => RequestKind::AgentLookup,
            Target::AgentState(..) => RequestKind::AgentState,
            Target::StateList(_) => RequestKind::StateList,
        }
    }
}

/// One call of the current phase, through its retries, until it has a final answer.
struct Slot {
    target: Target,
    check: Check,
    in_flight: Option<(RequestId, usize)>,
    attempts: u32,
    delay_ms: u64,
    answer: Option<Answer>,
}

impl Slot {
    fn new(target: Target, check: Check) -> Self {
        Slot {
            target,
            check,
            in_flight: None,
            attempts: 0,
            delay_ms: 0,
            answer: None,
        }
    }
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
        let mut redactor = Redactor::new(inputs.secrets().into_iter().map(str::to_string));
        if !inputs.client_secret.is_empty() {
            redactor.add(format!("{}:{}", inputs.client_id, inputs.client_secret));
            redactor.add(profile::guide::basic_credentials(
                &inputs.client_id,
                &inputs.client_secret,
            ));
        }
        if !inputs.access_key_secret.is_empty() {
            // The password grant's body carries the access key secret percent-encoded.
            redactor.add(crate::percent::encode(&inputs.access_key_secret));
        }
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
        tree: Tree,
        redactor: Redactor,
    ) -> Self {
        Diagnosis {
            id_claims: None,
            lookup: None,
            no_session_explicit: false,
            user_status: 404,
            agent_status: 404,
            api,
            now_ms,
            timeout_ms,
            cached,
            tree,
            phase: Phase::Start,
            slots: Vec::new(),
            next_id: 1,
            waited_ms: 0,
            round_wait_ms: 0,
            redactor,
            report: None,
            probe_sent: false,
            probe_up: false,
            relay_up: false,
            token: None,
            token_reused: false,
            token_expired: false,
            no_such_user: false,
            token_expires_at_ms: None,
            token_scope: None,
            scopes: None,
            user: None,
            agent_id: None,
            list: None,
            typed_state: None,
            other_env: None,
            other_token: None,
            other_note: None,
            inputs,
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
            if self.slots.iter().any(|s| s.in_flight.is_some()) {
                return Step::Waiting;
            }
            if self.slots.iter().any(|s| s.answer.is_none()) {
                return Step::Send(self.send_round());
            }
            self.advance();
        }
    }

    /// Hands over the answer to request `id`. Answers `false` (and changes nothing) when `id` is
    /// not a request of the current round that is still waiting for its answer.
    pub fn receive(&mut self, id: RequestId, answer: Answer) -> bool {
        let Some(index) = self
            .slots
            .iter()
            .position(|s| s.in_flight.is_some_and(|(i, _)| i == id))
        else {
            return false;
        };
        let (_, exchange) = self.slots[index].in_flight.take().expect("in flight");
        let kind = self.slots[index].target.kind();
        let check = self.slots[index].check;
        if let Answer::Response(response) = &answer {
            // Tokens in the answer are hidden before the answer becomes evidence.
            self.redactor.add_tokens_in(&response.body);
            if kind != RequestKind::RelayHealth && self.via_relay() {
                self.relay_up = true;
            }
        }
        self.record(check, exchange, &answer);
        if kind != RequestKind::RelayHealth {
            if let Reading::TooMany { retry_after_ms } =
                classify::read(&answer, kind, self.timeout_ms)
            {
                let wait = retry_after_ms.unwrap_or(DEFAULT_RETRY_MS);
                let slot = &mut self.slots[index];
                // The retries of one round wait side by side: the round waits its longest delay,
                // so each retry fits the budget when its own wait does.
                if slot.attempts < MAX_TRIES && self.waited_ms + wait <= MAX_RETRY_WAIT_MS {
                    self.round_wait_ms = self.round_wait_ms.max(wait);
                    slot.delay_ms = wait;
                    return true;
                }
            }
        }
        self.slots[index].answer = Some(answer);
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
        self.waited_ms + self.round_wait_ms
    }

    // ----- sending and recording -----

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

    fn send_round(&mut self) -> Vec<Request> {
        self.tree.rounds += 1;
        self.waited_ms += std::mem::take(&mut self.round_wait_ms);
        self.tree.summary = format!("Running: round {} of requests is out.", self.tree.rounds);
        let mut requests = Vec::new();
        for index in 0..self.slots.len() {
            if self.slots[index].answer.is_some() {
                continue;
            }
            let id = self.next_id;
            self.next_id += 1;
            self.slots[index].attempts += 1;
            let request = self.build(&self.slots[index], id);
            self.slots[index].delay_ms = 0;
            let check = self.slots[index].check;
            let node = self.node_mut(check);
            if !node.outcome.is_settled() {
                node.outcome = Outcome::Running;
                node.summary = "Asking...".into();
            }
            let exchange = Exchange {
                request_id: id,
                kind: request.kind,
                environment: request.environment,
                attempt: request.attempt,
                method: request.method.as_str().into(),
                url: self.redactor.text(&request.url),
                request_headers: self.redactor.headers(&request.headers),
                request_body: request.body.as_deref().map(|b| self.redactor.text(b)),
                delay_ms: request.delay_ms,
                status: None,
                error: None,
                elapsed_ms: None,
                response_headers: Vec::new(),
                response_body: None,
                response_bytes: 0,
                response_truncated: false,
            };
            let node = self.node_mut(check);
            node.exchanges.push(exchange);
            let position = node.exchanges.len() - 1;
            self.slots[index].in_flight = Some((id, position));
            requests.push(request);
        }
        requests
    }

    fn build(&self, slot: &Slot, id: RequestId) -> Request {
        let inputs = self.inputs();
        let api = self.api();
        let token = |env: Environment| -> &str {
            let token = if env == inputs.environment {
                self.token.as_deref()
            } else {
                self.other_token.as_deref()
            };
            token.unwrap_or_default()
        };
        let (environment, call) = match &slot.target {
            Target::RelayHealth => {
                let url = match inputs.relay.origin("") {
                    Some(origin) if origin.starts_with("http") => format!("{origin}/healthz"),
                    _ => String::new(),
                };
                (
                    inputs.environment,
                    Call {
                        method: Method::Get,
                        url,
                        headers: Vec::new(),
                        body: None,
                    },
                )
            }
            Target::Token(env) => (*env, api.token_call(inputs, *env)),
            Target::Discovery(tenant) => (
                inputs.environment,
                api.discovery_call(inputs, tenant)
                    .unwrap_or_else(empty_call),
            ),
            Target::User(env, user) => (*env, api.user_call(inputs, *env, user, token(*env))),
            Target::AgentLookup(env, user) => (
                *env,
                api.agent_lookup_call(inputs, *env, user, token(*env))
                    .unwrap_or_else(empty_call),
            ),
            Target::AgentState(env, agent) => {
                (*env, api.agent_state_call(inputs, *env, agent, token(*env)))
            }
            Target::StateList(env) => (*env, api.state_list_call(inputs, *env, token(*env))),
        };
        Request {
            id,
            kind: slot.target.kind(),
            environment,
            attempt: slot.attempts,
            method: call.method,
            url: call.url,
            headers: call.headers,
            body: call.body,
            timeout_ms: self.timeout_ms,
            delay_ms: slot.delay_ms,
        }
    }

    fn record(&mut self, check: Check, position: usize, answer: &Answer) {
        let redactor = self.redactor.clone();
        let timeout_ms = self.timeout_ms;
        let exchange = &mut self.node_mut(check).exchanges[position];
        exchange.elapsed_ms = Some(answer.elapsed_ms());
        match answer {
            Answer::Response(response) => {
                let (body, cut) = redactor.body(&response.body);
                exchange.status = Some(response.status);
                exchange.response_headers = redactor.headers(&response.headers);
                exchange.response_body = Some(body);
                exchange.response_bytes = response.body.len();
                exchange.response_truncated = cut;
            }
            Answer::NoAnswer { message, .. } => {
                exchange.error = Some(format!("no answer: {}", redactor.text(message)));
            }
            Answer::TimedOut { elapsed_ms } => {
                exchange.error = Some(format!(
                    "timed out after {} ms",
                    (*elapsed_ms).max(timeout_ms)
                ));
            }
        }
    }

    fn node_mut(&mut self, check: Check) -> &mut CheckNode {
        self.tree
            .checks
            .iter_mut()
            .find(|n| n.id == check)
            .expect("every check has a node")
    }

    fn settle(&mut self, check: Check, branch: BranchId, summary: impl Into<String>) {
        self.node_mut(check).settle(branch, summary);
    }

    fn is_settled(&self, check: Check) -> bool {
        self.tree.node(check).outcome.is_settled()
    }

    /// The answer as read for its call; a 429 that outlived its retries becomes `rate_limited`.
    fn reading(&self, slot: &Slot) -> Reading {
        let answer = slot.answer.as_ref().expect("a settled slot has an answer");
        match classify::read(answer, slot.target.kind(), self.timeout_ms) {
            Reading::TooMany { .. } => Reading::Failed(Failure::RateLimited {
                tries: slot.attempts,
                waited_ms: self.waited_ms,
            }),
            other => other,
        }
    }

    /// Adds the relay's health check to the first round that goes out.
    fn with_probe(&mut self, mut slots: Vec<Slot>) -> Vec<Slot> {
        if self.via_relay() && !self.probe_sent {
            self.probe_sent = true;
            slots.push(Slot::new(Target::RelayHealth, Check::Relay));
        }
        slots
    }

    // ----- the decision steps -----

    fn advance(&mut self) {
        let slots = std::mem::take(&mut self.slots);
        match self.phase {
            Phase::Start => self.start(),
            Phase::Token => self.on_token(slots),
            Phase::Discovery => self.on_discovery(slots),
            Phase::Lookup => self.on_lookup(slots),
            Phase::State => {
                let reading = self.reading(&slots[0]);
                self.on_agent_state(reading, false);
            }
            Phase::UserIdAsAgent => self.on_user_id_as_agent(slots),
            Phase::AgentIdAsUser => self.on_agent_id_as_user(slots),
            Phase::OtherToken => self.on_other_token(slots),
            Phase::OtherUser => self.on_other_user(slots),
            Phase::OtherState => self.on_other_state(slots),
            Phase::Done => {}
        }
    }

    fn start(&mut self) {
        if self.api.is_none() {
            return self.finish_unsupported();
        }
        let problems = self.input_problems();
        if !problems.is_empty() {
            return self.finish_invalid(problems);
        }
        let inputs = self.inputs().clone();
        let api = self.api();
        let host = api.host(&inputs, inputs.environment);
        let who = match (&inputs.user_id, &inputs.agent_id) {
            (Some(u), Some(a)) => format!("user {u} with agent ID {a}"),
            (Some(u), None) => format!("user {u}"),
            (None, Some(a)) => format!("agent ID {a}"),
            (None, None) => String::new(),
        };
        let summary = if api.discovers() {
            let host = if host.is_empty() {
                "found by discovery".to_string()
            } else {
                format!("{host} (API host field)")
            };
            format!(
                "{who} on the tenant of access key {}: issuer {}, API host {host}, API {}, client {}.",
                inputs.access_key_id, inputs.issuer, inputs.api_version, inputs.client_id
            )
        } else {
            format!(
                "{} on {} ({host}), client {}.",
                who,
                inputs.environment.label(),
                inputs.client_id
            )
        };
        self.settle(Check::Inputs, B::Ok, summary);
        if !api.discovers() {
            self.settle(
                Check::Discovery,
                B::Guide,
                "Not needed: the guide profile's host comes from the tenant name.",
            );
        } else if let Some(host) = &inputs.api_host {
            self.settle(
                Check::Discovery,
                B::Overridden,
                format!("Skipped: the API host field sends every API call to {host}."),
            );
        }
        if !api.has_environments() {
            self.settle(
                Check::OtherEnvironment,
                B::NoEnvironments,
                format!("Not asked: {}.", profile::platform::NO_ENVIRONMENTS),
            );
        }
        if inputs.relay == Relay::Direct {
            self.settle(
                Check::Relay,
                B::Direct,
                "No relay: calls go straight to the API.",
            );
        }
        if inputs.user_id.is_none() {
            self.settle(
                Check::User,
                B::NotGiven,
                "Only an agent ID was given, so the user lookup is skipped.",
            );
            let agent = inputs.agent_id.clone().unwrap_or_default();
            self.settle(
                Check::AgentId,
                B::Given,
                format!("Using the agent ID given: {agent}."),
            );
            self.agent_id = Some(agent);
        }
        match self
            .cached
            .clone()
            .filter(|c| c.is_valid_for(&inputs, self.now_ms))
        {
            Some(cached) => {
                self.token = Some(cached.access_token().to_string());
                self.token_reused = true;
                self.token_expires_at_ms = Some(cached.expires_at_ms);
                self.token_scope = cached.scope.clone();
                self.id_claims = cached.id_claims.clone();
                let left = cached.expires_at_ms.saturating_sub(self.now_ms) / 1000;
                self.settle(
                    Check::Token,
                    B::Reused,
                    format!("Reused the token from the previous run ({left} s left)."),
                );
                self.token_facts(Some(left), cached.scope.clone(), true);
                self.after_token();
            }
            None => {
                self.phase = Phase::Token;
                let slots = vec![Slot::new(Target::Token(inputs.environment), Check::Token)];
                self.slots = self.with_probe(slots);
            }
        }
    }

    /// The engine's own sanity check of inputs (they come validated from the form).
    fn input_problems(&self) -> Vec<String> {
        let inputs = self.inputs();
        let mut problems = Vec::new();
        if inputs.profile == Profile::Platform {
            if inputs.access_key_id.trim().is_empty() {
                problems.push("Access key ID: enter the access key ID".to_string());
            }
            if inputs.access_key_secret.is_empty() {
                problems.push("Access key secret: enter the access key secret".to_string());
            }
            if inputs.issuer.trim().is_empty() {
                problems.push("Issuer: enter the issuer".to_string());
            }
        } else if inputs.tenant.trim().is_empty() && inputs.api_host.is_none() {
            problems.push("Tenant: enter the tenant name (or an API host)".to_string());
        }
        if inputs.client_id.trim().is_empty() {
            problems.push("Client ID: enter the client ID".into());
        }
        if inputs.client_secret.is_empty() {
            problems.push("Client secret: enter the client secret".into());
        }
        if inputs.user_id.is_none() && inputs.agent_id.is_none() {
            problems.push("User ID: enter the user ID (or an agent ID)".into());
        }
        problems
    }

    /// Settles the relay check from the first round, when an API call came back through it.
    fn settle_relay(&mut self, slots: &[Slot]) {
        let Some(probe) = slots.iter().find(|s| s.target == Target::RelayHealth) else {
            return;
        };
        let response = probe.answer.as_ref().and_then(Answer::response);
        self.probe_up = response.is_some();
        let passed_through = slots.iter().any(|s| {
            s.target != Target::RelayHealth
                && s.answer.as_ref().is_some_and(|a| a.response().is_some())
        });
        if !passed_through {
            return; // The failing call settles the relay check (see `fail`).
        }
        match response {
            Some(r) if r.status == 200 && is_reference_health(&r.body) => self.settle(
                Check::Relay,
                B::Reference,
                "The reference relay answers /healthz and forwards calls.",
            ),
            Some(r) => self.settle(
                Check::Relay,
                B::Answers,
                format!(
                    "The relay answers (/healthz: {}) and forwards calls.",
                    r.status
                ),
            ),
            None => self.settle(
                Check::Relay,
                B::NoHealth,
                "/healthz got no answer, but calls pass through the relay.",
            ),
        }
    }

    fn on_token(&mut self, slots: Vec<Slot>) {
        self.settle_relay(&slots);
        let slot = slots
            .iter()
            .find(|s| s.check == Check::Token)
            .expect("token slot");
        match self.reading(slot) {
            Reading::Json(json) => match self.api().read_token(&json) {
                Some(answer) => {
                    self.redactor.add(answer.access_token.clone());
                    if let Some(id_token) = &answer.id_token {
                        self.redactor.add(id_token.clone());
                    }
                    self.id_claims = answer.id_token.as_deref().and_then(jwt::claims);
                    self.token = Some(answer.access_token.clone());
                    self.token_expires_at_ms = answer.expires_in.map(|s| self.now_ms + s * 1000);
                    self.token_scope = answer.scope.clone();
                    let kind = answer.token_type.clone().unwrap_or_else(|| "access".into());
                    let lifetime = match answer.expires_in {
                        Some(s) => format!(", expires in {s} s"),
                        None => String::new(),
                    };
                    self.settle(
                        Check::Token,
                        B::Issued,
                        format!("The token endpoint issued a {kind} token{lifetime}."),
                    );
                    self.token_facts(answer.expires_in, answer.scope, false);
                    self.after_token();
                }
                // Some servers answer an OAuth error with 200; it is still a refusal.
                None => match self
                    .api()
                    .token_error(Some(&json), "")
                    .filter(|_| json.get("error").is_some())
                {
                    Some(error) => self.fail(
                        Check::Token,
                        Failure::BadCredentials {
                            status: 200,
                            error: Some(error),
                        },
                    ),
                    None => self.fail(
                        Check::Token,
                        Failure::NotApi {
                            detail: "a 2xx answer without an access_token".into(),
                        },
                    ),
                },
            },
            Reading::Status { status, json } if matches!(status, 400 | 401 | 403) => {
                let body = slot
                    .answer
                    .as_ref()
                    .and_then(Answer::response)
                    .map(|r| r.body.clone())
                    .unwrap_or_default();
                let error = self.api().token_error(json.as_ref(), &body);
                let error = error.map(|e| self.redactor.text(&e));
                self.fail(Check::Token, Failure::BadCredentials { status, error });
            }
            Reading::Status { status, .. } => self.fail(
                Check::Token,
                Failure::ServiceError {
                    status,
                    detail: " (a status the token endpoint does not use)".into(),
                },
            ),
            Reading::Failed(failure) => self.fail(Check::Token, failure),
            Reading::TooMany { .. } => unreachable!("429 is turned into rate_limited"),
        }
    }

    /// Settles `scopes` and `token_lifetime` from what the token answer (or cache) says.
    fn token_facts(
        &mut self,
        lifetime_secs: Option<u64>,
        answer_scope: Option<Vec<String>>,
        reused: bool,
    ) {
        let token = self.token.clone().unwrap_or_default();
        let found = match answer_scope {
            Some(scopes) => Some((scopes, "the token answer's scope")),
            None => jwt::scopes(&token).map(|s| (s, "the access token's scope claim (JWT)")),
        };
        match found {
            None => {
                let mut summary =
                    "Neither the token answer nor the access token names its scopes.".to_string();
                if !self.api().has_environments() {
                    summary.push_str(" Platform tokens usually name none: what an access key may do comes from its user's role, and a refusal shows as 403.");
                }
                self.settle(Check::Scopes, B::Unknown, summary)
            }
            Some((scopes, source)) => {
                let missing: Vec<&str> = REQUIRED_SCOPES
                    .into_iter()
                    .filter(|need| !scopes.iter().any(|s| s.eq_ignore_ascii_case(need)))
                    .collect();
                let named = if scopes.is_empty() {
                    "none".to_string()
                } else {
                    scopes.join(" ")
                };
                let branch = if missing.contains(&"agent:state:read") {
                    B::LacksStateRead
                } else if missing.is_empty() {
                    B::All
                } else {
                    B::LacksOther
                };
                let summary = if missing.is_empty() {
                    format!("From {source}: {named}.")
                } else {
                    format!("From {source}: {named}; missing {}.", missing.join(", "))
                };
                self.settle(Check::Scopes, branch, summary);
                if branch != B::All {
                    self.node_mut(Check::Scopes).fix =
                        Verdict::MissingScope.fix_for(self.tree.profile);
                }
                self.scopes = Some(scopes);
            }
        }
        self.lifetime_facts(&token, lifetime_secs, reused);
    }

    /// Settles `token_lifetime` from `expires_in` (or what is left on a reused token) and, when the
    /// access token is a JWT, its `exp` claim against `now_ms`: the sooner of the two counts, and
    /// an `exp` already past fails.
    fn lifetime_facts(&mut self, token: &str, lifetime_secs: Option<u64>, reused: bool) {
        let what = if reused {
            "left on the reused token"
        } else {
            "expires_in"
        };
        let exp_at = jwt::expires_at_ms(token);
        self.token_expired = exp_at.is_some_and(|at| at <= self.now_ms);
        if let (Some(at), Some(until)) = (exp_at, self.token_expires_at_ms) {
            // The token is not to be reused past its own exp.
            self.token_expires_at_ms = Some(until.min(at));
        }
        if let Some(at) = exp_at.filter(|at| *at <= self.now_ms) {
            let ago = duration((self.now_ms - at) / 1000);
            let besides = match lifetime_secs {
                Some(s) if reused => {
                    format!(", although {s} s were counted as left on the reused token")
                }
                Some(s) => format!(", although expires_in says {s} s"),
                None => String::new(),
            };
            self.settle(
                Check::TokenLifetime,
                B::Expired,
                format!(
                    "The access token's exp claim (JWT) is {ago} in the past: the token has already expired{besides}."
                ),
            );
            self.node_mut(Check::TokenLifetime).fix = vec![
                "Check the clock of the computer running this page, and the token server's: a token that is expired when issued points at one of them.".into(),
                "Ask for a fresh token; if the token endpoint keeps issuing expired tokens, report it to the administrator of the CXone tenant (or of the identity provider).".into(),
            ];
            return;
        }
        let exp_left = exp_at.map(|at| (at - self.now_ms) / 1000);
        let by_exp = "left by the access token's exp claim (JWT)";
        let (left, source, other) = match (lifetime_secs, exp_left) {
            (None, None) => {
                return self.settle(
                    Check::TokenLifetime,
                    B::Unknown,
                    "The token answer gives no expires_in, and the access token is no JWT with an exp claim.",
                )
            }
            (Some(s), None) => (s, what, None),
            (None, Some(e)) => (e, by_exp, Some("no expires_in".to_string())),
            (Some(s), Some(e)) if e < s => (e, by_exp, Some(format!("{s} s {what}"))),
            (Some(s), Some(_)) => (s, what, None),
        };
        let besides = other.map(|o| format!(" ({o})")).unwrap_or_default();
        if left < SHORT_LIFETIME_SECS {
            self.settle(
                Check::TokenLifetime,
                B::Short,
                format!("{left} s {source}{besides}: under 5 minutes."),
            );
            self.node_mut(Check::TokenLifetime).fix = vec![
                "Refresh the token before it expires: invalidate a cached token 5 minutes before it runs out (expires_in, or the JWT's exp)."
                    .into(),
            ];
        } else {
            self.settle(
                Check::TokenLifetime,
                B::Long,
                format!("{left} s {source}{besides} ({} min).", left / 60),
            );
        }
    }

    /// False when the scopes are known and lack `scope`; true when present or unknown.
    fn lacks_scope(&self, scope: &str) -> bool {
        self.scopes
            .as_ref()
            .is_some_and(|s| !s.iter().any(|x| x.eq_ignore_ascii_case(scope)))
    }

    /// After the token: discovery when the profile finds its API host that way (and the API host
    /// field does not replace it), else the lookups.
    fn after_token(&mut self) {
        if self.api().discovers() && !self.is_settled(Check::Discovery) {
            self.begin_discovery();
        } else {
            self.begin_lookup();
        }
    }

    /// The tenant ID: the `id_token`'s `tenantId` claim, else the access token's (when a JWT).
    fn tenant_id(&self) -> Option<String> {
        let from_id_token = self
            .id_claims
            .as_ref()
            .and_then(|c| profile::id_of(c.get("tenantId")));
        from_id_token.or_else(|| {
            let claims = jwt::claims(self.token.as_deref()?)?;
            profile::id_of(claims.get("tenantId"))
        })
    }

    /// What the `id_token` says about whom the access key belongs to, for the tree.
    fn id_token_note(&self) -> String {
        let Some(claims) = &self.id_claims else {
            return String::new();
        };
        let parts: Vec<String> = [
            ("tenantId", "tenant"),
            ("area", "area"),
            ("userId", "user"),
            ("icAgentId", "agent"),
            ("icBUId", "business unit"),
        ]
        .iter()
        .filter_map(|(claim, label)| {
            profile::id_of(claims.get(*claim)).map(|v| format!("{label} {v}"))
        })
        .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" The id_token says: {}.", parts.join(", "))
        }
    }

    /// The agent ID the `id_token` gives for `user`, when `user` is the access key's own user.
    fn token_user_agent(&self, user: &str) -> Option<String> {
        let claims = self.id_claims.as_ref()?;
        let own = profile::id_of(claims.get("userId"))?;
        let agent = profile::id_of(claims.get("icAgentId")).filter(|a| a != "0")?;
        profile::same_id(&own, user).then_some(agent)
    }

    fn begin_discovery(&mut self) {
        match self.tenant_id() {
            Some(tenant) => {
                self.phase = Phase::Discovery;
                let slots = vec![Slot::new(Target::Discovery(tenant), Check::Discovery)];
                self.slots = self.with_probe(slots);
            }
            None => {
                let (branch, summary) = if self.id_claims.is_none() {
                    (
                        B::NoIdToken,
                        "The token answer carries no id_token (and the access token names no tenantId), so the tenant is unknown.",
                    )
                } else {
                    (
                        B::NoTenantId,
                        "The id_token (and the access token) name no tenantId, so the tenant is unknown.",
                    )
                };
                let note = self.id_token_note();
                self.discovery_failed(branch, format!("{summary}{note}"));
            }
        }
    }

    fn discovery_failed(&mut self, branch: BranchId, summary: String) {
        self.settle(Check::Discovery, branch, summary.clone());
        self.node_mut(Check::Discovery).fix = Verdict::DiscoveryFailed.fix_for(self.tree.profile);
        self.finish(Verdict::DiscoveryFailed, Check::Discovery, summary);
    }

    fn on_discovery(&mut self, slots: Vec<Slot>) {
        self.settle_relay(&slots);
        let slot = slots
            .iter()
            .find(|s| s.check == Check::Discovery)
            .expect("discovery slot");
        let tenant = match &slot.target {
            Target::Discovery(tenant) => tenant.clone(),
            _ => String::new(),
        };
        let note = self.id_token_note();
        match self.reading(slot) {
            Reading::Json(json) => match self.api().read_discovery(&json) {
                Some(found) => {
                    let place = [
                        found.area.as_ref().map(|a| format!("area {a}")),
                        found.domain.as_ref().map(|d| format!("domain {d}")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>();
                    let place = if place.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", place.join(", "))
                    };
                    self.settle(
                        Check::Discovery,
                        B::Found,
                        format!(
                            "Tenant {tenant}: api_endpoint {}{place}.{note}",
                            found.api_endpoint
                        ),
                    );
                    self.tree.host = found.api_endpoint.clone();
                    if let Some(inputs) = self.inputs.as_mut() {
                        inputs.api_host = Some(found.api_endpoint);
                    }
                    self.begin_lookup();
                }
                None => self.discovery_failed(
                    B::NoEndpoint,
                    format!("The configuration of tenant {tenant} names no usable api_endpoint (an https origin).{note}"),
                ),
            },
            Reading::Status { status: 404, .. } => self.discovery_failed(
                B::NotFound,
                format!("The issuer's cxone-configuration answers 404 for tenant {tenant}.{note}"),
            ),
            Reading::Status { status, .. } => self.discovery_failed(
                B::Refused,
                format!("The issuer's cxone-configuration answers {status} for tenant {tenant}.{note}"),
            ),
            Reading::Failed(failure) => self.fail(Check::Discovery, failure),
            Reading::TooMany { .. } => unreachable!("429 is turned into rate_limited"),
        }
    }

    /// After the token (and discovery): the user lookup and the all-agents list go out together
    /// (and the typed agent ID's state with them, when one was typed; on the platform also the
    /// agent lookup that maps the user to an agent ID, unless the id_token already does).
    fn begin_lookup(&mut self) {
        let inputs = self.inputs().clone();
        let env = inputs.environment;
        let mut slots = Vec::new();
        if let Some(user) = &inputs.user_id {
            slots.push(Slot::new(Target::User(env, user.clone()), Check::User));
            let mapped = self.token_user_agent(user).is_some();
            let lookup = self
                .api()
                .agent_lookup_call(&inputs, env, user, "")
                .is_some();
            if lookup && !mapped {
                slots.push(Slot::new(
                    Target::AgentLookup(env, user.clone()),
                    Check::AgentId,
                ));
            }
        }
        slots.push(Slot::new(Target::StateList(env), Check::StateList));
        if let Some(agent) = &inputs.agent_id {
            slots.push(Slot::new(
                Target::AgentState(env, agent.clone()),
                Check::AgentState,
            ));
        }
        self.phase = Phase::Lookup;
        self.slots = self.with_probe(slots);
    }

    /// A reused token refused with 401 is dropped and a fresh one fetched (once).
    fn refresh_if_stale(&mut self, slots: &[Slot]) -> bool {
        if !self.token_reused {
            return false;
        }
        let refused = slots.iter().any(|s| {
            s.target != Target::RelayHealth
                && s.answer
                    .as_ref()
                    .and_then(Answer::response)
                    .is_some_and(|r| r.status == 401)
        });
        if !refused {
            return false;
        }
        self.token_reused = false;
        self.token = None;
        self.cached = None;
        for check in [
            Check::Token,
            Check::Scopes,
            Check::TokenLifetime,
            Check::StateList,
            Check::AgentState,
        ] {
            let node = self.node_mut(check);
            node.outcome = Outcome::Pending;
            node.branch = None;
            node.branches.iter_mut().for_each(|b| b.taken = false);
        }
        if self.inputs().user_id.is_some() {
            self.node_mut(Check::User).outcome = Outcome::Pending;
        }
        for node in &mut self.tree.checks {
            if node.outcome == Outcome::Running {
                node.outcome = Outcome::Pending;
            }
        }
        self.node_mut(Check::Token).summary =
            "The reused token was refused (401); getting a fresh one.".into();
        let env = self.inputs().environment;
        self.phase = Phase::Token;
        self.slots = vec![Slot::new(Target::Token(env), Check::Token)];
        true
    }

    fn read_list(&self, slot: &Slot) -> Result<Vec<ListedAgent>, Failure> {
        match self.reading(slot) {
            Reading::Json(json) => {
                self.api()
                    .read_state_list(&json)
                    .ok_or_else(|| Failure::NotApi {
                        detail: "a 2xx answer that is not a list of agents".into(),
                    })
            }
            Reading::Status { status, .. } => Err(api_status_failure(status)),
            Reading::Failed(failure) => Err(failure),
            Reading::TooMany { .. } => unreachable!("429 is turned into rate_limited"),
        }
    }

    fn on_lookup(&mut self, slots: Vec<Slot>) {
        self.settle_relay(&slots);
        if self.refresh_if_stale(&slots) {
            return;
        }
        let list_slot = slots
            .iter()
            .find(|s| s.check == Check::StateList)
            .expect("list slot");
        self.list = Some(self.read_list(list_slot));
        let state = slots
            .iter()
            .find(|s| s.check == Check::AgentState)
            .map(|s| self.reading(s));
        self.lookup = slots
            .iter()
            .find(|s| s.check == Check::AgentId)
            .map(|s| self.reading(s));
        let Some(user_slot) = slots.iter().find(|s| s.check == Check::User) else {
            // An agent ID given alone: its state went out with the list.
            return self.on_agent_state(state.expect("agent state slot"), true);
        };
        self.typed_state = state.clone();
        match self.reading(user_slot) {
            Reading::Json(json) => {
                let record = self.api().read_user(&json);
                self.on_user_found(record, state);
            }
            Reading::Status { status, .. } if self.api().is_unknown_id(status) => {
                self.on_user_not_found(status)
            }
            Reading::Status { status, .. } => self.fail(Check::User, api_status_failure(status)),
            Reading::Failed(failure) => {
                // When another call of the same round failed more fundamentally, that one speaks.
                let mut worst = (Check::User, failure.clone());
                for (check, reading) in [
                    (Check::AgentState, state.as_ref()),
                    (Check::AgentId, self.lookup.as_ref()),
                ] {
                    if let Some(Reading::Failed(other)) = reading {
                        if other.rank() < worst.1.rank() {
                            worst = (check, other.clone());
                        }
                    }
                }
                if worst.0 != Check::User {
                    // The user lookup was answered too: it shows its own failure.
                    self.settle(Check::User, failure.branch(), failure.describe());
                }
                self.fail(worst.0, worst.1)
            }
            Reading::TooMany { .. } => unreachable!("429 is turned into rate_limited"),
        }
    }

    /// The user's agent ID when the user record does not name it (platform): from the agent
    /// lookup sent beside the user lookup, else the id_token when the user is the access key's
    /// own. `Err` when the lookup failed; `Ok((None, _))` when nothing maps the user.
    fn mapped_agent(&mut self, user: &str) -> Result<(Option<String>, &'static str), Failure> {
        let api = self.api();
        match self.lookup.take() {
            Some(Reading::Json(json)) => match api.read_agent_lookup(&json, user) {
                Some(agent) => Ok((agent, "the Admin agent lookup")),
                None => Err(Failure::NotApi {
                    detail: "a 2xx answer to the agent lookup that is not a list of agents".into(),
                }),
            },
            Some(Reading::Status { status, .. }) if api.is_unknown_id(status) => {
                Ok((None, "the Admin agent lookup"))
            }
            Some(Reading::Status { status, .. }) => Err(api_status_failure(status)),
            Some(Reading::Failed(failure)) => Err(failure),
            Some(Reading::TooMany { .. }) => unreachable!("429 is turned into rate_limited"),
            None => Ok((
                self.token_user_agent(user),
                "the id_token's icAgentId (the access key's own user)",
            )),
        }
    }

    fn on_user_found(&mut self, mut record: UserRecord, typed_state: Option<Reading>) {
        let inputs = self.inputs().clone();
        let platform = !self.api().has_environments();
        let name = record.name.clone().unwrap_or_else(|| "(no name)".into());
        if record.empty {
            self.settle(
                Check::User,
                B::Empty,
                "The user lookup answered 200 with an empty record.",
            );
        } else {
            let status = match &record.status {
                Some(status) if platform => format!(" (status {status})"),
                _ => String::new(),
            };
            self.settle(
                Check::User,
                B::Found,
                format!("Found the user: {name}{status}."),
            );
        }
        let user_id = inputs.user_id.clone().unwrap_or_default();
        let mut source = "the user record";
        if record.agent_id.is_none() {
            match self.mapped_agent(&user_id) {
                Ok((agent, from)) => {
                    record.agent_id = agent;
                    source = from;
                }
                Err(failure) => {
                    self.user = Some(record);
                    return self.fail(Check::AgentId, failure);
                }
            }
        } else {
            // The record named the agent: the lookup beside it is not needed.
            self.lookup = None;
        }
        self.user = Some(record.clone());
        let Some(agent) = record.agent_id.clone() else {
            let summary = if platform {
                format!("No agent maps to this user: {source} names no agent whose user ID is {user_id}, and the User Hub record names none.")
            } else {
                "The user record has no agentId (absent, null or empty).".to_string()
            };
            self.settle(Check::AgentId, B::NotAnAgent, summary);
            if record.empty && self.lacks_scope("user:read") {
                let finding =
                    "The user lookup answered an empty record and the token lacks user:read."
                        .to_string();
                return self.finish(Verdict::MissingScope, Check::User, finding);
            }
            let finding = format!("User {name} exists but has no agent ID.");
            return self.finish(Verdict::NotAnAgent, Check::AgentId, finding);
        };
        match &inputs.agent_id {
            Some(typed) if profile::same_id(typed, &agent) => self.settle(
                Check::AgentId,
                B::Matches,
                format!("The agent ID given is the user's agentId: {agent}."),
            ),
            Some(typed) => self.settle(
                Check::AgentId,
                B::Mismatch,
                format!("The user's agentId is {agent}, not {typed} as given; using {agent}."),
            ),
            None if platform => self.settle(
                Check::AgentId,
                B::Present,
                format!("The user's agent ID is {agent} (from {source})."),
            ),
            None => self.settle(
                Check::AgentId,
                B::Present,
                format!("The user's agentId is {agent}."),
            ),
        }
        self.agent_id = Some(agent.clone());
        match (typed_state, &inputs.agent_id) {
            (Some(reading), Some(typed)) if profile::same_id(typed, &agent) => {
                self.on_agent_state(reading, false)
            }
            _ => {
                let env = inputs.environment;
                self.phase = Phase::State;
                self.slots = vec![Slot::new(Target::AgentState(env, agent), Check::AgentState)];
            }
        }
    }

    /// A hint, as a sentence, when `id` has the shape of the other kind of ID than `kind`.
    fn shape_hint(&self, id: &str, kind: IdKind) -> String {
        self.api()
            .id_shape_hint(id, kind)
            .map(|h| format!(" ({h})"))
            .unwrap_or_default()
    }

    fn on_user_not_found(&mut self, status: u16) {
        let user = self.inputs().user_id.clone().unwrap_or_default();
        self.user_status = status;
        self.no_such_user = true;
        let listed = match &self.list {
            Some(Ok(list)) => list.iter().any(|a| profile::same_id(&a.agent_id, &user)),
            _ => false,
        };
        let hint = self.shape_hint(&user, IdKind::User);
        if listed {
            self.settle(
                Check::User,
                B::IsAgentId,
                format!("No user {user} ({status}), but the all-agents list has an agent with this ID{hint}."),
            );
            let finding = format!(
                "{user} is not a user ID ({status}), but the all-agents list shows it as an agent ID{hint}."
            );
            return self.finish(Verdict::IdIsAgentId, Check::User, finding);
        }
        if !self.api().could_be(&user, IdKind::Agent) {
            let why = format!("by its shape it cannot be an agent ID either ({user} is no number, and CXone agent IDs are numbers)");
            self.settle(
                Check::User,
                B::NotFound,
                format!("No user {user} ({status}); {why}."),
            );
            let finding = format!("The user lookup answers {status} for {user}, and {why}.");
            return self.finish(Verdict::UserNotFound, Check::User, finding);
        }
        // Try the same ID as an agent ID before calling it unknown.
        let env = self.inputs().environment;
        self.phase = Phase::UserIdAsAgent;
        self.slots = vec![Slot::new(Target::AgentState(env, user), Check::User)];
    }

    fn on_user_id_as_agent(&mut self, slots: Vec<Slot>) {
        let user = self.inputs().user_id.clone().unwrap_or_default();
        let status = self.user_status;
        let hint = self.shape_hint(&user, IdKind::User);
        match self.reading(&slots[0]) {
            Reading::Json(json) if self.api().knows_agent(&json) => {
                self.settle(
                    Check::User,
                    B::IsAgentId,
                    format!("No user {user} ({status}), but the agent-state endpoint knows it as an agent ID{hint}."),
                );
                let finding = format!(
                    "{user} is not a user ID ({status}), but it answers the agent-state endpoint{hint}."
                );
                self.finish(Verdict::IdIsAgentId, Check::User, finding);
            }
            other => {
                let api = self.api();
                let tried = match other {
                    Reading::Status { status, .. } if api.is_unknown_id(status) => {
                        format!("it is no agent ID either ({status})")
                    }
                    Reading::Json(_) => {
                        "it is no agent ID either (the agent-state endpoint answers no state for it)"
                            .to_string()
                    }
                    Reading::Status { status, .. } => {
                        format!("trying it as an agent ID answered {status}")
                    }
                    Reading::Failed(f) => {
                        format!("trying it as an agent ID failed: {}", f.describe())
                    }
                    _ => "it could not be tried as an agent ID".into(),
                };
                self.settle(
                    Check::User,
                    B::NotFound,
                    format!("No user {user} ({status}); {tried}."),
                );
                let finding = format!("The user lookup answers {status} for {user}, and {tried}.");
                self.finish(Verdict::UserNotFound, Check::User, finding);
            }
        }
    }

    fn on_agent_state(&mut self, reading: Reading, typed_alone: bool) {
        let agent = self.agent_id.clone().unwrap_or_default();
        let api = self.api();
        match reading {
            Reading::Json(json) => {
                let own = api.read_agent_state(&json);
                let detail = api.no_session_detail(&json);
                let explicit = api.no_session_is_explicit(&json);
                self.decide(own, detail, explicit);
            }
            Reading::Status { status, .. }
                if typed_alone
                    && api.is_unknown_id(status)
                    && api.could_be(&agent, IdKind::User) =>
            {
                // Before calling it unknown: is it a user ID typed as the agent ID?
                self.agent_status = status;
                let inputs = self.inputs().clone();
                let env = inputs.environment;
                self.phase = Phase::AgentIdAsUser;
                let mut slots = vec![Slot::new(
                    Target::User(env, agent.clone()),
                    Check::AgentState,
                )];
                if api.agent_lookup_call(&inputs, env, &agent, "").is_some() {
                    slots.push(Slot::new(
                        Target::AgentLookup(env, agent),
                        Check::AgentState,
                    ));
                }
                self.slots = slots;
            }
            Reading::Status { status, .. } if api.is_unknown_id(status) => {
                self.settle(
                    Check::AgentState,
                    B::NotFound,
                    format!("The state endpoint answers {status} for agent {agent}."),
                );
                let finding =
                    format!("The state endpoint does not know agent ID {agent} ({status}).");
                self.finish(Verdict::AgentNotFound, Check::AgentState, finding);
            }
            Reading::Status { status, .. } => {
                self.fail(Check::AgentState, api_status_failure(status))
            }
            Reading::Failed(failure) => self.fail(Check::AgentState, failure),
            Reading::TooMany { .. } => unreachable!("429 is turned into rate_limited"),
        }
    }

    fn on_agent_id_as_user(&mut self, slots: Vec<Slot>) {
        let agent = self.agent_id.clone().unwrap_or_default();
        let status = self.agent_status;
        let hint = self.shape_hint(&agent, IdKind::Agent);
        let user_slot = slots
            .iter()
            .find(|s| s.target.kind() == RequestKind::User)
            .expect("user slot");
        let mapped = slots
            .iter()
            .find(|s| s.target.kind() == RequestKind::AgentLookup)
            .and_then(|s| match self.reading(s) {
                Reading::Json(json) => self.api().read_agent_lookup(&json, &agent).flatten(),
                _ => None,
            });
        if let Reading::Json(json) = self.reading(user_slot) {
            let record = self.api().read_user(&json);
            if !record.empty {
                let real = match record.agent_id.clone().or(mapped) {
                    Some(real) => format!("; that user's agent ID is {real}"),
                    None => "; no agent ID is known for that user".into(),
                };
                self.settle(
                    Check::AgentState,
                    B::IsUserId,
                    format!(
                        "No agent {agent} ({status}), but the user lookup knows it as a user{real}{hint}."
                    ),
                );
                let finding = format!(
                    "{agent} answers {status} as an agent ID but is a user ID{real}{hint}."
                );
                return self.finish(Verdict::IdIsUserId, Check::AgentState, finding);
            }
        }
        self.settle(
            Check::AgentState,
            B::NotFound,
            format!(
                "The state endpoint answers {status} for agent {agent}, and it is no user ID either."
            ),
        );
        let finding = format!(
            "The state endpoint does not know agent ID {agent} ({status}), nor is it a user ID."
        );
        self.finish(Verdict::AgentNotFound, Check::AgentState, finding);
    }

    /// The agent's own state is known: compare with the list, then conclude or look elsewhere.
    fn decide(&mut self, own: AgentState, detail: String, explicit: bool) {
        let agent = self.agent_id.clone().unwrap_or_default();
        self.no_session_explicit = explicit;
        if self.list.is_none() {
            self.list = Some(Ok(Vec::new()));
        }
        let list = self.list.clone().unwrap_or(Ok(Vec::new()));
        let in_list = self.settle_list(Some(&agent));
        match own {
            AgentState::Active { state, skill_group } => {
                let group = skill_group
                    .clone()
                    .map(|g| format!(", skill group {g}"))
                    .unwrap_or_default();
                self.settle(
                    Check::AgentState,
                    B::Active,
                    format!("Agent {agent} is in state {state}{group}."),
                );
                self.settle_other(B::NotNeeded, "Not asked: the agent has a session here.");
                let who = self.agent_label(&agent);
                match in_list {
                    Some(true) => {
                        self.settle(
                            Check::CrossCheck,
                            B::AgreeIn,
                            "Both show the agent logged in.",
                        );
                        let finding = format!("{who} is logged in: state {state}{group}.");
                        self.finish(Verdict::LoggedIn, Check::AgentState, finding);
                    }
                    Some(false) => {
                        self.settle(
                            Check::CrossCheck,
                            B::Disagree,
                            "The agent's own endpoint shows a session; the all-agents list does not.",
                        );
                        let finding = format!(
                            "The state endpoint shows {who} in state {state}{group}, but the all-agents list does not include the agent."
                        );
                        self.finish(Verdict::InconsistentState, Check::CrossCheck, finding);
                    }
                    None => {
                        self.settle(
                            Check::CrossCheck,
                            B::Unknown,
                            "The all-agents list could not be read to compare.",
                        );
                        let finding = format!(
                            "{who} is logged in: state {state}{group}. (The all-agents list could not be read to confirm.)"
                        );
                        self.finish(Verdict::LoggedIn, Check::AgentState, finding);
                    }
                }
            }
            AgentState::NoSession => {
                self.settle(
                    Check::AgentState,
                    B::NoSession,
                    format!("No active session for agent {agent} ({detail})."),
                );
                match (&list, in_list) {
                    (_, Some(true)) => {
                        self.settle(
                            Check::CrossCheck,
                            B::Disagree,
                            "The all-agents list shows a session; the agent's own endpoint does not.",
                        );
                        self.settle_other(
                            B::NotNeeded,
                            "Not asked: the list shows a session here.",
                        );
                        let finding = format!(
                            "The all-agents list shows agent {agent} logged in, but the agent's own state endpoint answers no session."
                        );
                        self.finish(Verdict::InconsistentState, Check::CrossCheck, finding);
                    }
                    (Err(failure), _) => {
                        self.settle(
                            Check::CrossCheck,
                            B::Unknown,
                            "The all-agents list could not be read to compare.",
                        );
                        self.fail(Check::StateList, failure.clone());
                    }
                    (Ok(_), _) => {
                        self.settle(
                            Check::CrossCheck,
                            B::AgreeOut,
                            "Neither shows a session for the agent.",
                        );
                        // A LoggedOut entry proves the state was read, whatever the scopes say.
                        if !explicit && self.lacks_scope("agent:state:read") {
                            self.settle_other(
                                B::Scope,
                                "Not asked: without agent:state:read an empty state means nothing.",
                            );
                            let finding = "The state calls answered empty, and the token lacks agent:state:read: CXone answers an empty 200 instead of 403 then, so this is no proof the agent is logged out.".to_string();
                            return self.finish(Verdict::MissingScope, Check::Scopes, finding);
                        }
                        self.begin_other_environment();
                    }
                }
            }
        }
    }

    /// Settles `state_list` from the list's answer: the list call failed, the list is empty, or
    /// `agent` is (or is not) in it with a state; with no agent ID known, only that it was read.
    /// Answers whether the list shows `agent` with a state (`None` when the list failed).
    fn settle_list(&mut self, agent: Option<&str>) -> Option<bool> {
        let list = match self.list.clone()? {
            Ok(list) => list,
            Err(failure) => {
                self.settle(Check::StateList, failure.branch(), failure.describe());
                return None;
            }
        };
        if list.is_empty() {
            self.settle(Check::StateList, B::Empty, "The all-agents list is empty.");
            return Some(false);
        }
        let Some(agent) = agent else {
            self.settle(
                Check::StateList,
                B::NoAgentId,
                format!(
                    "The list was read ({} agent(s)), but the diagnosis ended before an agent ID was known to look for.",
                    list.len()
                ),
            );
            return Some(false);
        };
        let entry = list.iter().find(|a| profile::same_id(&a.agent_id, agent));
        let others = list.len() - usize::from(entry.is_some());
        match entry.map(|a| a.state.clone()) {
            Some(Some(state)) => {
                self.settle(
                    Check::StateList,
                    B::Listed,
                    format!("The list shows agent {agent} in state {state}."),
                );
                Some(true)
            }
            Some(None) => {
                self.settle(
                    Check::StateList,
                    B::Absent,
                    format!("The list names agent {agent} with no session (a logged-out entry), beside {others} other agent(s)."),
                );
                Some(false)
            }
            None => {
                self.settle(
                    Check::StateList,
                    B::Absent,
                    format!(
                        "Agent {agent} is not in the list, which shows {others} other agent(s)."
                    ),
                );
                Some(false)
            }
        }
    }

    /// The ID to look for in the all-agents list when the diagnosis ends before the user's agent
    /// ID is known: the user ID when it was tried as an agent ID, else the agent ID typed.
    fn list_candidate(&self) -> Option<String> {
        if let Some(agent) = &self.agent_id {
            return Some(agent.clone());
        }
        let inputs = self.inputs.as_ref()?;
        match &inputs.user_id {
            Some(user) if self.no_such_user => Some(user.clone()),
            _ => inputs.agent_id.clone(),
        }
    }

    /// Settles `agent_state` from the typed agent ID's answer (sent beside the user lookup) when
    /// the diagnosis ended before the path reached it.
    fn settle_typed_state(&mut self, reading: Reading) {
        let agent = self.inputs().agent_id.clone().unwrap_or_default();
        match reading {
            Reading::Json(json) => match self.api().read_agent_state(&json) {
                AgentState::Active { state, skill_group } => {
                    let group = skill_group
                        .map(|g| format!(", skill group {g}"))
                        .unwrap_or_default();
                    self.settle(
                        Check::AgentState,
                        B::Active,
                        format!("Agent {agent} (as typed) is in state {state}{group}."),
                    );
                }
                AgentState::NoSession => self.settle(
                    Check::AgentState,
                    B::NoSession,
                    format!("No active session for agent {agent} (as typed; {{}} or empty)."),
                ),
            },
            Reading::Status { status, .. } if self.api().is_unknown_id(status) => self.settle(
                Check::AgentState,
                B::NotFound,
                format!("The state endpoint answers {status} for agent {agent} (as typed)."),
            ),
            Reading::Status { status, .. } => {
                let failure = api_status_failure(status);
                self.settle(Check::AgentState, failure.branch(), failure.describe());
            }
            Reading::Failed(failure) => {
                self.settle(Check::AgentState, failure.branch(), failure.describe())
            }
            Reading::TooMany { .. } => unreachable!("429 is turned into rate_limited"),
        }
    }

    /// Before the diagnosis ends: a check whose call went out and was answered shows what that
    /// answer said, even when the path never reached it. Only checks with no call answered are
    /// left to `not_run`.
    fn settle_answered(&mut self) {
        if !self.is_settled(Check::StateList) && self.list.is_some() {
            let agent = self.list_candidate();
            self.settle_list(agent.as_deref());
        }
        if !self.is_settled(Check::AgentState) {
            if let Some(reading) = self.typed_state.take() {
                self.settle_typed_state(reading);
            }
        }
        if !self.is_settled(Check::AgentId) {
            if let Some(reading) = self.lookup.take() {
                match reading {
                    Reading::Failed(failure) => {
                        self.settle(Check::AgentId, failure.branch(), failure.describe())
                    }
                    Reading::Status { status, .. } if !self.api().is_unknown_id(status) => {
                        let failure = api_status_failure(status);
                        self.settle(Check::AgentId, failure.branch(), failure.describe())
                    }
                    other => {
                        let said = match other {
                            Reading::Status { status, .. } => format!("answered {status}"),
                            _ => "answered".into(),
                        };
                        self.settle(
                            Check::AgentId,
                            B::LookupUnused,
                            format!("The agent lookup {said}, but the diagnosis ended before it was needed."),
                        )
                    }
                }
            }
        }
    }

    /// Settles `other_environment`, unless the profile has no other environment (then it was
    /// settled `no_environments` at the start).
    fn settle_other(&mut self, branch: BranchId, summary: &str) {
        if self.api().has_environments() {
            self.settle(Check::OtherEnvironment, branch, summary);
        }
    }

    fn agent_label(&self, agent: &str) -> String {
        match self.user.as_ref().and_then(|u| u.name.clone()) {
            Some(name) => format!("{name} (agent {agent})"),
            None => format!("Agent {agent}"),
        }
    }

    fn begin_other_environment(&mut self) {
        if !self.api().has_environments() {
            return self.finish_logged_out(Check::CrossCheck);
        }
        match self.api().other_environment(self.inputs()) {
            Err(reason) => {
                self.settle(Check::OtherEnvironment, B::SameHost, reason.clone());
                self.other_note = Some(reason);
                self.finish_logged_out(Check::CrossCheck);
            }
            Ok(env) => {
                self.other_env = Some(env);
                self.phase = Phase::OtherToken;
                self.slots = vec![Slot::new(Target::Token(env), Check::OtherEnvironment)];
            }
        }
    }

    fn other_label(&self) -> &'static str {
        self.other_env
            .map(Environment::label)
            .unwrap_or("the other environment")
    }

    fn other_unknown(&mut self, why: String) {
        let summary = format!("Could not check {}: {why}", self.other_label());
        self.settle(Check::OtherEnvironment, B::CouldNotCheck, summary.clone());
        self.other_note = Some(summary);
        self.finish_logged_out(Check::CrossCheck);
    }

    fn other_logged_out(&mut self, why: String) {
        let summary = format!("No session on {} either: {why}", self.other_label());
        self.settle(Check::OtherEnvironment, B::LoggedOut, summary);
        self.finish_logged_out(Check::OtherEnvironment);
    }

    fn on_other_token(&mut self, slots: Vec<Slot>) {
        let env = self.other_env.expect("other environment");
        let reading = self.reading(&slots[0]);
        let answer = match &reading {
            Reading::Json(json) => self.api().read_token(json),
            _ => None,
        };
        let Some(answer) = answer else {
            return self.other_unknown(format!(
                "its token endpoint did not issue a token ({}).",
                describe(&reading)
            ));
        };
        self.redactor.add(answer.access_token.clone());
        self.other_token = Some(answer.access_token);
        let inputs = self.inputs().clone();
        match (&inputs.user_id, &inputs.agent_id) {
            (Some(user), _) => {
                self.phase = Phase::OtherUser;
                self.slots = vec![Slot::new(
                    Target::User(env, user.clone()),
                    Check::OtherEnvironment,
                )];
            }
            (None, Some(agent)) => {
                self.phase = Phase::OtherState;
                self.slots = vec![Slot::new(
                    Target::AgentState(env, agent.clone()),
                    Check::OtherEnvironment,
                )];
            }
            (None, None) => self.other_unknown("no ID to look up.".into()),
        }
    }

    fn on_other_user(&mut self, slots: Vec<Slot>) {
        let env = self.other_env.expect("other environment");
        match self.reading(&slots[0]) {
            Reading::Json(json) => match self.api().read_user(&json).agent_id {
                Some(agent) => {
                    self.phase = Phase::OtherState;
                    self.slots = vec![Slot::new(
                        Target::AgentState(env, agent),
                        Check::OtherEnvironment,
                    )];
                }
                None => self.other_logged_out("the user is not an agent there.".into()),
            },
            Reading::Status { status: 404, .. } => {
                self.other_logged_out("the user does not exist there (404).".into())
            }
            other => self.other_unknown(format!(
                "the user lookup there failed ({}).",
                describe(&other)
            )),
        }
    }

    fn on_other_state(&mut self, slots: Vec<Slot>) {
        let other = self.other_label();
        match self.reading(&slots[0]) {
            Reading::Json(json) => match self.api().read_agent_state(&json) {
                AgentState::Active { state, skill_group } => {
                    let group = skill_group
                        .map(|g| format!(", skill group {g}"))
                        .unwrap_or_default();
                    self.settle(
                        Check::OtherEnvironment,
                        B::LoggedIn,
                        format!("Logged in on {other}: state {state}{group}."),
                    );
                    let here = self.inputs().environment.label();
                    let finding =
                        format!("The agent has no session on {here}, but is logged in on {other} (state {state}{group}).");
                    self.finish(Verdict::WrongEnvironment, Check::OtherEnvironment, finding);
                }
                AgentState::NoSession => {
                    self.other_logged_out("its state endpoint answers no session.".into())
                }
            },
            Reading::Status { status: 404, .. } => {
                self.other_logged_out("the agent ID is unknown there (404).".into())
            }
            other => self.other_unknown(format!(
                "the state call there failed ({}).",
                describe(&other)
            )),
        }
    }

    /// The platform's `logged_out`: no other environment; a `LoggedOut` entry proves it, an
    /// empty answer ("no data") is reported with its caveat.
    fn finish_logged_out_here(&mut self) {
        let agent = self.agent_id.clone().unwrap_or_default();
        let label = self.agent_label(&agent);
        let explicit = self.no_session_explicit;
        let mut finding = if explicit {
            format!("{label} is logged out: the agent-state API names the state LoggedOut, and the all-agents list shows no session either.")
        } else {
            format!("{label} has no active session that the API shows: the agent's own state call answered no state entry at all (not even LoggedOut), and the all-agents list shows no session.")
        };
        if !explicit {
            finding.push_str(" CXone lists a logged-out agent as a LoggedOut entry, so an empty answer means no data, not proof");
            match &self.list {
                Some(Ok(list)) if !list.is_empty() => finding.push_str(
                    "; the all-agents list does answer entries, so the access key can read states.",
                ),
                _ => finding.push_str(
                    "; if the agent is working, the access key's role may lack the permission to view agent states.",
                ),
            }
        }
        let decided_by = if explicit {
            Check::AgentState
        } else {
            Check::CrossCheck
        };
        self.finish_with(Verdict::LoggedOut, decided_by, finding, explicit);
    }

    /// `decided_by` is `other_environment` when the other environment was asked and showed no
    /// session either; `cross_check` when the state here is all that is known.
    fn finish_logged_out(&mut self, decided_by: Check) {
        if !self.api().has_environments() {
            return self.finish_logged_out_here();
        }
        let agent = self.agent_id.clone().unwrap_or_default();
        let here = self.inputs().environment.label();
        let mut finding = format!(
            "{} has no active session on {here}",
            self.agent_label(&agent)
        );
        match &self.other_note {
            None => finding.push_str(&format!(" or {}.", self.other_label())),
            Some(note) => finding.push_str(&format!(". {note}")),
        }
        let scopes_known = self.scopes.is_some();
        if !scopes_known {
            finding.push_str(" The token's scopes could not be read, so an empty answer caused by a missing agent:state:read cannot be ruled out");
            match &self.list {
                Some(Ok(list)) if list.iter().any(|a| a.state.is_some()) => finding.push_str(
                    "; but the all-agents list shows other agents, so the token can read states.",
                ),
                _ => finding.push('.'),
            }
        }
        // "The scopes are fine" would overstate what is known when they could not be read.
        self.finish_with(Verdict::LoggedOut, decided_by, finding, scopes_known);
    }

    /// Ends the diagnosis on a call that gave nothing usable.
    fn fail(&mut self, check: Check, failure: Failure) {
        self.settle(check, failure.branch(), failure.describe());
        let via = self.via_relay();
        let verdict = match &failure {
            Failure::NoAnswer { .. } if !via => Verdict::CorsBlocked,
            Failure::NoAnswer { .. } if self.probe_up || self.relay_up => {
                self.settle(
                    Check::Relay,
                    B::Blocked,
                    "The relay answers, but the calls through it get no answer the browser can read.",
                );
                Verdict::RelayMisconfigured
            }
            Failure::NoAnswer { .. } => {
                self.settle(
                    Check::Relay,
                    B::Unreachable,
                    "Neither /healthz nor the calls through the relay got any answer.",
                );
                Verdict::RelayUnreachable
            }
            Failure::RelayRefusedHost => {
                if via {
                    self.settle(
                        Check::Relay,
                        B::RefusedHost,
                        "The relay refuses to forward to this API host.",
                    );
                }
                Verdict::RelayMisconfigured
            }
            Failure::NotApi { detail } => {
                if via {
                    self.settle(
                        Check::Relay,
                        B::NotApi,
                        format!("Through the relay came {detail}."),
                    );
                }
                Verdict::RelayMisconfigured
            }
            Failure::TenantUnreachable { .. } => {
                if via {
                    self.settle(
                        Check::Relay,
                        B::CannotReachHost,
                        "The relay answers, but cannot reach the API host.",
                    );
                }
                Verdict::TenantUnreachable
            }
            Failure::TimedOut { .. } => Verdict::Timeout,
            Failure::RateLimited { .. } => Verdict::RateLimited,
            Failure::ServiceError { .. } => Verdict::ServiceError,
            Failure::BadCredentials { .. } => Verdict::BadCredentials,
            Failure::TokenRejected => Verdict::TokenRejected,
            Failure::Forbidden { .. } => Verdict::MissingScope,
        };
        if via && !self.is_settled(Check::Relay) {
            if self.probe_up {
                self.settle(Check::Relay, B::Answers, "The relay answers /healthz.");
            } else {
                self.settle(
                    Check::Relay,
                    B::Undecided,
                    "/healthz got no answer, and no call came back through the relay.",
                );
            }
        }
        let decided_by = match verdict {
            Verdict::RelayUnreachable | Verdict::RelayMisconfigured if via => Check::Relay,
            _ => check,
        };
        let call = match check {
            Check::Token => "The token call",
            Check::Discovery => "The discovery call",
            Check::User => "The user lookup",
            Check::AgentId => "The agent lookup",
            Check::AgentState => "The agent-state call",
            Check::StateList => "The all-agents list",
            _ => "A call",
        };
        let mut finding = format!("{call}: {}", failure.describe());
        if let Failure::NotApi { .. } = failure {
            if !via {
                finding.push_str(" No relay is set, so check the API host override.");
            }
        }
        if failure == Failure::TokenRejected && self.token_expired {
            finding.push_str(
                " The token was already expired when it was issued: its exp claim is past.",
            );
        }
        if let Failure::RelayRefusedHost = failure {
            let inputs = self.inputs();
            let host = if self.api().discovers() && matches!(check, Check::Token | Check::Discovery)
            {
                inputs.issuer.clone()
            } else {
                self.api().host(inputs, inputs.environment)
            };
            finding.push_str(&format!(" Add {host} to the relay's allowlist."));
        }
        self.node_mut(check).fix = verdict.fix_for(self.tree.profile);
        let mut fix = verdict.fix_for(self.tree.profile);
        if via && failure == Failure::RelayRefusedHost {
            // Lead with the step that fits what was seen: the allowlist.
            fix.rotate_right(1);
        }
        self.finish_fixed(verdict, decided_by, finding, true, fix);
    }

    // ----- endings -----

    fn finish(&mut self, verdict: Verdict, decided_by: Check, finding: String) {
        self.finish_with(verdict, decided_by, finding, true);
    }

    fn finish_with(
        &mut self,
        verdict: Verdict,
        decided_by: Check,
        finding: String,
        with_meaning: bool,
    ) {
        let fix = verdict.fix_for(self.tree.profile);
        self.finish_fixed(verdict, decided_by, finding, with_meaning, fix);
    }

    fn finish_fixed(
        &mut self,
        verdict: Verdict,
        decided_by: Check,
        finding: String,
        with_meaning: bool,
        fix: Vec<String>,
    ) {
        self.settle_answered();
        let ended_at = decided_by.id();
        for node in &mut self.tree.checks {
            if !node.outcome.is_settled() {
                node.settle(
                    B::NotRun,
                    format!("Not run: the diagnosis ended at the {ended_at} check."),
                );
            }
        }
        let profile = self.tree.profile;
        if self.node_mut(decided_by).fix.is_empty() {
            self.node_mut(decided_by).fix = fix.clone();
        }
        let evidence = self
            .tree
            .checks
            .iter()
            .filter(|n| n.id == decided_by || matches!(n.outcome, Outcome::Fail | Outcome::Warn))
            .map(|n| format!("{}: {}", n.id.id(), n.summary))
            .collect();
        let explanation = if with_meaning {
            format!("{finding} {}", verdict.meaning_for(profile))
        } else {
            finding.clone()
        };
        self.tree.summary = format!("{}: {finding}", verdict.title());
        self.tree.verdict = Some(VerdictReport {
            code: verdict,
            title: verdict.title().into(),
            explanation,
            fix,
            decided_by,
            evidence,
        });
        self.tree.finished = true;
        self.phase = Phase::Done;
        self.slots.clear();
        let token = self.reusable_token(verdict);
        self.report = Some(Report {
            tree: self.tree.clone(),
            token,
        });
    }

    fn reusable_token(&self, verdict: Verdict) -> Option<CachedToken> {
        if verdict == Verdict::TokenRejected {
            return None;
        }
        if self.token_reused {
            return self.cached.clone();
        }
        let inputs = self.inputs.as_ref()?;
        Some(
            CachedToken::new(
                self.token.clone()?,
                self.token_expires_at_ms?,
                self.token_scope.clone(),
                inputs,
            )
            .with_id_claims(self.id_claims.clone()),
        )
    }

    fn finish_invalid(&mut self, problems: Vec<String>) {
        self.settle(Check::Inputs, B::Invalid, problems.join("; "));
        let finding = format!("Nothing was sent. {}.", problems.join("; "));
        self.finish(Verdict::InvalidInput, Check::Inputs, finding);
    }

    fn finish_unsupported(&mut self) {
        let message = "This profile is not supported by this version; nothing was sent. Choose another profile.";
        for node in &mut self.tree.checks {
            if node.id == Check::Inputs {
                node.settle(B::Unsupported, message);
            } else {
                node.settle(B::NotRun, "Not run: the profile is not supported.");
            }
        }
        self.tree.summary = message.into();
        self.tree.finished = true;
        self.phase = Phase::Done;
        self.report = Some(Report {
            tree: self.tree.clone(),
            token: None,
        });
    }
}

fn blank_tree(profile: Profile, environment: Environment, host: String) -> Tree {
    Tree {
        schema: SCHEMA_VERSION,
        profile,
        environment,
        host,
        finished: false,
        rounds: 0,
        summary: "Not started.".into(),
        verdict: None,
        checks: Check::ALL
            .into_iter()
            .map(|check| match profile::for_profile(profile) {
                Some(_) => CheckNode::pending_for(check, profile),
                None => CheckNode::pending(check),
            })
            .collect(),
    }
}

/// A call that goes nowhere, for a target the profile has no call for (never sent: the engine
/// makes such targets only when the profile has the call).
fn empty_call() -> Call {
    Call {
        method: Method::Get,
        url: String::new(),
        headers: Vec::new(),
        body: None,
    }
}

/// What a refusal status from an API call (not the token endpoint) means.
fn api_status_failure(status: u16) -> Failure {
    match status {
        401 => Failure::TokenRejected,
        403 => Failure::Forbidden { status },
        _ => Failure::ServiceError {
            status,
            detail: " (a status this call does not use)".into(),
        },
    }
}

/// The reference relay's health answer: 200 JSON that names a relay.
fn is_reference_health(body: &str) -> bool {
    serde_json::from_str::<Value>(body.trim())
        .is_ok_and(|v| v.is_object() && body.to_ascii_lowercase().contains("relay"))
}

/// A duration in seconds as a person reads it: seconds, minutes, hours or days.
fn duration(secs: u64) -> String {
    match secs {
        0..=119 => format!("{secs} s"),
        120..=7_199 => format!("{} min", secs / 60),
        7_200..=172_799 => format!("{} h", secs / 3_600),
        _ => format!("{} days", secs / 86_400),
    }
}

fn describe(reading: &Reading) -> String {
    match reading {
        Reading::Json(_) => "an answer without what was asked".into(),
        Reading::Status { status, .. } => format!("status {status}"),
        Reading::TooMany { .. } => "429".into(),
        Reading::Failed(failure) => failure.describe(),
    }
}
