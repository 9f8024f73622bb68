//! The simulated tenant: a pure request-to-answer imitation of the `guide` API and of the
//! `platform` API (NICE CXone as published), with one [`Scenario`] per verdict of each profile,
//! for the page's demo mode and the end-to-end tests.
//!
//! One [`SimTenant`] serves every scenario at once, the way one real tenant serves many OAuth
//! clients:
//!
//! - **The token request selects the scenario.** Its Basic credentials must be
//!   `demo-<scenario id>` ([`Scenario::client_id`]) and [`DEMO_SECRET`]; anything else is refused
//!   with `401 invalid_client`, as a real tenant would.
//! - **The access token carries it.** The token is an unsigned JWT (`alg: none`) whose payload
//!   holds `scenario`, `env`, `scope` (or `scp`), `exp`, `sub` and `jti`. API calls are answered
//!   according to the scenario read back from the `Bearer` token; a missing or unreadable token,
//!   or one issued for the other environment, gets `401 invalid_token`.
//! - **The environment comes from the URL's host.** A host containing `.devtest.` is DevTest,
//!   anything else Production. When the URL is a bare path, the `X-Forwarded-Host` or `Host`
//!   header names the host. A relay-wrapped URL (`/relay/https://...` or `...?url=https%3A...`)
//!   is unwrapped first.
//!
//! Answers look like the real thing: JSON with `Content-Type: application/json; charset=utf-8`,
//! IDs as numbers in some places and strings in others, unknown extra fields, `null`s, a bare
//! array for the all-agents list in one scenario and `{"entities": [...]}` elsewhere, `429` with
//! `Retry-After: 1`, an nginx HTML page, cors-anywhere's `proxy error ... ENOTFOUND` text.
//! Each answer says how long it takes ([`SimResponse::delay_ms`]); the slow scenario takes
//! [`SLOW_DELAY_MS`], longer than any sane time limit.
//!
//! # The platform tenant
//! The same [`SimTenant`] answers the platform's paths, whatever the host (so an API host
//! override or a relay's upstream override works): `POST /auth/token`,
//! `GET /.well-known/cxone-configuration?tenantId=...`, `GET /user-management/v1/users/{id}` and
//! `GET /incontactapi/services/{version}/agents/...` (`agents/states`, `agents/{id}/states`,
//! `agents?searchString=`, `agents/{id}`).
//!
//! - **The token request selects the scenario** as for the guide: Basic credentials
//!   `demo-platform-<...>` with [`DEMO_SECRET`], and the `password` grant with
//!   [`DEMO_ACCESS_KEY_ID`] and [`DEMO_ACCESS_KEY_SECRET`] (a wrong access key gets
//!   `400 invalid_grant`). The answer carries an access token, a refresh token and an `id_token`
//!   (unsigned JWTs) but no `scope`, as NICE's does.
//! - **Discovery needs no credentials**, so the tenant ID carries the scenario:
//!   `demo-tenant-<scenario id>` ([`platform_tenant_id`]). It answers `api_endpoint`
//!   [`DEMO_API_ENDPOINT`].
//! - **API calls** are answered by the scenario of the bearer token, like the guide's; a
//!   guide token is refused on the platform's paths and a platform token on the guide's.
//!
//! # The relay probe
//! A relayed diagnosis also sends `GET <relay>/healthz` ([`RequestKind::RelayHealth`](crate::engine::RequestKind::RelayHealth)), whose
//! URL is empty when the relay template is relative (`/relay/`). The simulation answers every
//! request whose URL is empty or whose path ends with `/healthz` as that probe: a small JSON body
//! naming a relay, or [`Fault::NoAnswer`] in [`Scenario::RelayUnreachable`]. The probe carries
//! no credentials, so the scenario is taken from, in order: the [`SCENARIO_HEADER`] header
//! (the demo transport should set it, see [`SimRequest::relay_health`]), a `scenario=<id>` query
//! parameter, and finally the scenario of the latest token request this tenant saw (the engine
//! puts the token request before the probe in the same round, so a transport that answers a
//! round in order gets it right without the header).
//!
//! # Scenarios the HTTP server cannot imitate
//! [`Scenario::CorsBlocked`] and [`Scenario::RelayUnreachable`] happen before any HTTP answer:
//! every answer is [`Fault::NoAnswer`] and [`Scenario::over_http`] is false. The end-to-end
//! tests produce them for real (no relay against a host without CORS; a relay that is down).
//!
//! # Using it
//! ```text
//! let mut tenant = SimTenant::new();
//! let mut dx = Diagnosis::from_form(&Scenario::LoggedIn.form(), None, now_ms);
//! loop {
//!     match dx.poll() {
//!         Step::Send(requests) => for r in requests {
//!             let answer = tenant.answer(&SimRequest::from(&r)).to_answer(r.timeout_ms);
//!             dx.receive(r.id, answer);
//!         },
//!         Step::Waiting => {}
//!         Step::Done(report) => break,
//!     }
//! }
//! ```
//! Nothing here touches a clock, threads, I/O or `async`: it runs the same natively and in the
//! browser.

mod common;
mod data;
mod guide;
mod offline;
mod platform;
mod scenario;
mod sweep;
mod tenant;
mod token;

pub use offline::diagnose_offline;
pub use scenario::Scenario;
pub use sweep::{
    sweep_agent, sweep_agent_id, sweep_client_id, sweep_user_id, SweepAgent, SWEEP_TEAMS,
};
pub use tenant::SimTenant;

use crate::engine::{Answer, Request, Response};
use std::fmt;

/// The client secret every demo client uses. It is no secret: it only shows that a wrong secret
/// is refused.
pub const DEMO_SECRET: &str = "demo-secret";
/// The tenant name of every demo form (`demo.nicecxone.com`, `demo.devtest.nicecxone.com`).
pub const DEMO_TENANT: &str = "demo";
/// The user every scenario knows (Dana Whitfield), unless the scenario is about the IDs.
pub const DEMO_USER_ID: &str = "11111111-2222-3333-4444-555555555555";
/// Dana Whitfield's agent ID.
pub const DEMO_AGENT_ID: &str = "4021";
/// The access key ID of every platform demo form. It belongs to Pat Admin, not to Dana.
pub const DEMO_ACCESS_KEY_ID: &str = "DEMOAKID7QX2";
/// The access key secret of every platform demo form: no secret either (its `+`, `/` and `=`
/// show that the grant's body is percent-encoded, and redacted encoded too).
pub const DEMO_ACCESS_KEY_SECRET: &str = "demo+access/key=secret";
/// The API host the simulated platform's discovery answers.
pub const DEMO_API_ENDPOINT: &str = "https://api-na1.niceincontact.com";

/// The tenant ID the simulated platform issues for `scenario`: `demo-tenant-<scenario id>`.
pub fn platform_tenant_id(scenario: Scenario) -> String {
    format!("demo-tenant-{}", scenario.id())
}
/// The prefix of every demo client ID: `demo-<scenario id>`.
pub const CLIENT_ID_PREFIX: &str = "demo-";
/// How long the slow scenario's answer takes, in milliseconds: longer than any time limit the
/// form allows (120 s at most, 2 s in that scenario's form).
pub const SLOW_DELAY_MS: u64 = 20_000;
/// The header a transport may set on the relay probe to name the scenario (a scenario ID).
pub const SCENARIO_HEADER: &str = "X-Sim-Scenario";
/// What `fetch` says when it gets no answer at all, used by [`SimResponse::to_answer`].
pub const NO_ANSWER_MESSAGE: &str = "TypeError: Failed to fetch";

/// One request as the simulation sees it: the API URL (relay-wrapped or not), headers and body.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SimRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The full URL (`https://demo.nicecxone.com/api/v2/users/...`), a bare path with a `Host`
    /// header, or empty for the probe of a relative relay.
    pub url: String,
    /// Request headers (names in any case).
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<String>,
}

impl SimRequest {
    /// A request with no headers and no body.
    pub fn new(method: &str, url: &str) -> Self {
        SimRequest {
            method: method.to_string(),
            url: url.to_string(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// The same request with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The same request with a body.
    pub fn with_body(mut self, body: &str) -> Self {
        self.body = Some(body.to_string());
        self
    }

    /// The relay's health probe as the demo transport should send it: `GET /healthz`, naming
    /// `scenario` in [`SCENARIO_HEADER`] when known.
    pub fn relay_health(scenario: Option<Scenario>) -> Self {
        let request = SimRequest::new("GET", "/healthz");
        match scenario {
            Some(s) => request.with_header(SCENARIO_HEADER, s.id()),
            None => request,
        }
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl From<&Request> for SimRequest {
    /// The engine's request as the simulation takes it: method, API URL (never relay-wrapped),
    /// headers and body. The relay probe keeps its (possibly empty) URL.
    fn from(request: &Request) -> Self {
        SimRequest {
            method: request.method.as_str().to_string(),
            url: request.url.clone(),
            headers: request.headers.clone(),
            body: request.body.clone(),
        }
    }
}

// Credentials stay out of logs and panic messages, as with the engine's own `Request`.
impl fmt::Debug for SimRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), crate::engine::redact::authorization_value(n, v)))
            .collect();
        f.debug_struct("SimRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(|_| "<body>"))
            .finish()
    }
}

/// How a request fails below HTTP, where the browser sees no answer at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Connection refused, DNS failure, or an answer without CORS headers: `fetch` rejects with a
    /// `TypeError`.
    NoAnswer,
}

/// The simulation's answer: an HTTP answer after `delay_ms`, or a [`Fault`].
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SimResponse {
    /// The HTTP status (0 when `fault` is set).
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
    /// How long the answer takes, in milliseconds ([`SLOW_DELAY_MS`] for the slow scenario).
    pub delay_ms: u64,
    /// Set when there is no HTTP answer at all; `status`, `headers` and `body` are then empty.
    pub fault: Option<Fault>,
}

impl SimResponse {
    /// An HTTP answer with `status` and `body`, no headers, no delay.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        SimResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay_ms: 0,
            fault: None,
        }
    }

    /// No HTTP answer at all, after `delay_ms`.
    pub fn fault(fault: Fault, delay_ms: u64) -> Self {
        SimResponse {
            status: 0,
            headers: Vec::new(),
            body: String::new(),
            delay_ms,
            fault: Some(fault),
        }
    }

    /// The same answer with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The same answer taking `delay_ms`.
    pub fn with_delay(mut self, delay_ms: u64) -> Self {
        self.delay_ms = delay_ms;
        self
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// What a browser transport with time limit `timeout_ms` would hand the engine: a fault is
    /// [`Answer::NoAnswer`] (`TypeError: Failed to fetch`), an answer slower than the limit is
    /// [`Answer::TimedOut`] after `timeout_ms`, anything else the [`Answer::Response`] with
    /// `delay_ms` as its elapsed time. A `timeout_ms` of 0 means no limit.
    pub fn to_answer(&self, timeout_ms: u64) -> Answer {
        let limited = timeout_ms > 0 && self.delay_ms > timeout_ms;
        match self.fault {
            Some(Fault::NoAnswer) if !limited => Answer::NoAnswer {
                message: NO_ANSWER_MESSAGE.into(),
                elapsed_ms: self.delay_ms,
            },
            _ if limited => Answer::TimedOut {
                elapsed_ms: timeout_ms,
            },
            _ => Answer::Response(Response {
                status: self.status,
                headers: self.headers.clone(),
                body: self.body.clone(),
                elapsed_ms: self.delay_ms,
            }),
        }
    }
}
