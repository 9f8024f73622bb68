//! The calls of the current phase ([`Round`]): each one a [`Slot`] that goes out, is retried after
//! a 429 within the budget, and ends with one final answer; and how a slot becomes a request and
//! its answer evidence in the tree.

use super::pages::ListPage;
use super::{Diagnosis, Phase, DEFAULT_RETRY_MS, MAX_RETRY_WAIT_MS, MAX_TRIES, PAGE_SIZE};
use crate::engine::check::{Check, Outcome};
use crate::engine::classify::{Reading, Settled};
use crate::engine::exchange::{Answer, Exchange, Request, RequestId, RequestKind};
use crate::engine::redact::Redactor;
use crate::inputs::Environment;
use crate::profile::{Call, Method, Page, TokenVia};

/// The calls of the current phase and the retry bookkeeping of the whole diagnosis.
pub(super) struct Round {
    /// One per call of the current phase.
    pub(super) slots: Vec<Slot>,
    /// The id the next request gets.
    pub(super) next_id: RequestId,
    /// Real `Retry-After` waiting of the rounds sent so far: each round's longest delay.
    pub(super) waited_ms: u64,
    /// The wait of the retry round being gathered: the longest delay of the calls it will resend.
    pub(super) round_wait_ms: u64,
}

impl Default for Round {
    fn default() -> Self {
        Round {
            slots: Vec::new(),
            next_id: 1,
            waited_ms: 0,
            round_wait_ms: 0,
        }
    }
}

/// What a call asks for, and on which environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Target {
    RelayHealth,
    /// The token call, made as the token check's fallbacks say.
    Token(Environment, TokenVia),
    /// The issuer's OpenID configuration, after the token endpoint answered 404.
    OpenId,
    Discovery(String),
    User(Environment, String),
    /// A page (`skip`) of the agent lookup for a user.
    AgentLookup(Environment, String, u32),
    AgentState(Environment, String),
    /// A page (`skip`) of the all-agents list.
    StateList(Environment, u32),
}

impl Target {
    pub(super) fn kind(&self) -> RequestKind {
        match self {
            Target::RelayHealth => RequestKind::RelayHealth,
            Target::Token(..) => RequestKind::Token,
            Target::OpenId => RequestKind::OpenId,
            Target::Discovery(_) => RequestKind::Discovery,
            Target::User(..) => RequestKind::User,
            Target::AgentLookup(..) => RequestKind::AgentLookup,
            Target::AgentState(..) => RequestKind::AgentState,
            Target::StateList(..) => RequestKind::StateList,
        }
    }
}

/// One call of the current phase, through its retries, until it has a final answer.
pub(super) struct Slot {
    pub(super) target: Target,
    /// The check whose node shows the call.
    pub(super) check: Check,
    /// The request out and the position of its exchange in the node.
    pub(super) in_flight: Option<(RequestId, usize)>,
    pub(super) attempts: u32,
    /// The wait before the next try (a 429's `Retry-After`).
    pub(super) delay_ms: u64,
    /// The final answer, once there is one (set once: a call sent again is a new slot).
    pub(super) answer: Option<Answer>,
    /// The final answer as [`classify::read`] reads it, from its body parsed once on arrival
    /// (`Diagnosis::receive`): the handlers read a slot more than once.
    pub(super) read: Option<Reading>,
    /// A list page's entries and paging, read once on arrival (`pages.rs`): the pages already
    /// in are not read again as further pages come in.
    pub(super) page: Option<ListPage>,
}

impl Slot {
    pub(super) fn new(target: Target, check: Check) -> Self {
        Slot {
            target,
            check,
            in_flight: None,
            attempts: 0,
            delay_ms: 0,
            answer: None,
            read: None,
            page: None,
        }
    }
}

impl Diagnosis {
    pub(super) fn send_round(&mut self) -> Vec<Request> {
        self.tree.rounds += 1;
        self.round.waited_ms += std::mem::take(&mut self.round.round_wait_ms);
        self.tree.summary = format!("Running: round {} of requests is out.", self.tree.rounds);
        let mut requests = Vec::new();
        for index in 0..self.round.slots.len() {
            if self.round.slots[index].answer.is_some() {
                continue;
            }
            let id = self.round.next_id;
            self.round.next_id += 1;
            self.round.slots[index].attempts += 1;
            let request = self.build(&self.round.slots[index], id);
            self.round.slots[index].delay_ms = 0;
            let check = self.round.slots[index].check;
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
                token_claims: Vec::new(),
            };
            let node = self.node_mut(check);
            node.exchanges.push(exchange);
            let position = node.exchanges.len() - 1;
            self.round.slots[index].in_flight = Some((id, position));
            requests.push(request);
        }
        requests
    }

    fn build(&self, slot: &Slot, id: RequestId) -> Request {
        let inputs = self.inputs();
        let api = self.api();
        let other_token = match &self.phase {
            Phase::OtherUser { token, .. } | Phase::OtherState { token, .. } => token.as_str(),
            _ => "",
        };
        let token = |env: Environment| -> &str {
            if env == inputs.environment {
                self.token.access_token.as_deref().unwrap_or_default()
            } else {
                other_token
            }
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
            Target::Token(env, via) => (*env, api.token_call(inputs, *env, via)),
            Target::OpenId => (
                inputs.environment,
                api.openid_call(inputs).unwrap_or_else(empty_call),
            ),
            Target::Discovery(tenant) => (
                inputs.environment,
                api.discovery_call(inputs, tenant)
                    .unwrap_or_else(empty_call),
            ),
            Target::User(env, user) => (*env, api.user_call(inputs, *env, user, token(*env))),
            Target::AgentLookup(env, user, skip) => (
                *env,
                api.agent_lookup_call(inputs, *env, user, token(*env), page(*skip))
                    .unwrap_or_else(empty_call),
            ),
            Target::AgentState(env, agent) => {
                (*env, api.agent_state_call(inputs, *env, agent, token(*env)))
            }
            Target::StateList(env, skip) => (
                *env,
                api.state_list_call(inputs, *env, token(*env), page(*skip)),
            ),
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

    /// Writes `answer` (its body parsed as `json`) into the exchange at `position` of `check`.
    pub(super) fn record(
        &mut self,
        check: Check,
        position: usize,
        answer: &Answer,
        json: Option<&serde_json::Value>,
    ) {
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
                exchange.token_claims = token_claims(json, &redactor);
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

    /// The answer as read for its call; a 429 that outlived its retries becomes `rate_limited`.
    pub(super) fn reading(&self, slot: &Slot) -> Settled {
        let reading = slot.read.as_ref().expect("a settled slot has an answer");
        Settled::from_reading(reading.clone(), slot.attempts, self.round.waited_ms)
    }

    /// Schedules a retry of slot `index` when its answer, read as `reading`, is a 429 (or a 503
    /// with `Retry-After`) that the tries and the waiting budget allow; answers whether it did.
    pub(super) fn retry_later(&mut self, index: usize, reading: &Reading) -> bool {
        let Reading::TooMany { retry_after_ms, .. } = reading else {
            return false;
        };
        let wait = retry_after_ms.unwrap_or(DEFAULT_RETRY_MS);
        let round = &mut self.round;
        let slot = &mut round.slots[index];
        // The retries of one round wait side by side: the round waits its longest delay,
        // so each retry fits the budget when its own wait does.
        if slot.attempts < MAX_TRIES && round.waited_ms + wait <= MAX_RETRY_WAIT_MS {
            round.round_wait_ms = round.round_wait_ms.max(wait);
            slot.delay_ms = wait;
            return true;
        }
        false
    }

    /// Adds the relay's health check to the first round that goes out.
    pub(super) fn with_probe(&mut self, mut slots: Vec<Slot>) -> Vec<Slot> {
        if self.via_relay() && !self.relay.probe_sent {
            self.relay.probe_sent = true;
            slots.push(Slot::new(Target::RelayHealth, Check::Relay));
        }
        slots
    }
}

/// The page of a paged list that skips `skip` entries.
pub(super) fn page(skip: u32) -> Page {
    Page {
        top: PAGE_SIZE,
        skip,
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

/// The claims of the JWTs in a token answer's token fields (`body` as parsed), by field name,
/// redacted.
fn token_claims(
    body: Option<&serde_json::Value>,
    redactor: &Redactor,
) -> Vec<(String, serde_json::Value)> {
    let Some(serde_json::Value::Object(map)) = body else {
        return Vec::new();
    };
    ["access_token", "id_token", "refresh_token", "token"]
        .into_iter()
        .filter_map(|field| {
            let claims = crate::engine::jwt::claims(map.get(field)?.as_str()?)?;
            let text = redactor.text(&claims.to_string());
            Some((field.to_string(), serde_json::from_str(&text).ok()?))
        })
        .collect()
}
