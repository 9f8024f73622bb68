//! The simulated tenant itself: routes each request, checks its credentials, and answers as the
//! scenario says.

use super::data::{Body, Directory};
use super::platform;
use super::token::{self, Claims};
use super::{Fault, Scenario, SimRequest, SimResponse, DEMO_SECRET, SCENARIO_HEADER};
use crate::inputs::{Environment, Profile};
use crate::percent;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The scopes a healthy demo client has.
const ALL_SCOPES: [&str; 3] = ["user:read", "agent:read", "agent:state:read"];
/// The scopes of a client that lacks `agent:state:read`.
const NO_STATE_SCOPES: [&str; 2] = ["user:read", "agent:read"];

/// How long each kind of call takes, in milliseconds: enough to look real in the demo, little
/// enough to keep tests and the HTTP server quick.
pub(super) const TOKEN_DELAY_MS: u64 = 120;
pub(super) const USER_DELAY_MS: u64 = 60;
pub(super) const STATE_DELAY_MS: u64 = 45;
pub(super) const LIST_DELAY_MS: u64 = 90;
pub(super) const HEALTH_DELAY_MS: u64 = 15;
pub(super) const NO_ANSWER_DELAY_MS: u64 = 30;

/// The nginx page a web server answers for a path it does not know.
pub(super) const NGINX_404: &str = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n";

/// What a request is for, read from its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Endpoint {
    Health,
    Token,
    User(String),
    AgentState(String),
    StateList,
    /// One of the platform's paths.
    Platform(platform::Endpoint),
    Unknown,
}

/// The counted kinds of API call (for scenarios that answer differently on later tries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Counted {
    User,
    AgentState,
    StateList,
}

/// The request's target after unwrapping a relay: host, path and query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) host: String,
    pub(super) path: String,
    pub(super) query: String,
}

impl Target {
    fn of(request: &SimRequest) -> Target {
        let url = unwrap_relay(request.url.trim());
        let (host, rest) = match url.split_once("://") {
            Some((_, after)) => {
                let end = after.find(['/', '?', '#']).unwrap_or(after.len());
                (host_of(&after[..end]), after[end..].to_string())
            }
            None => {
                let host = request
                    .header("x-forwarded-host")
                    .or_else(|| request.header("host"))
                    .map(|h| host_of(h.split(',').next().unwrap_or("")))
                    .unwrap_or_default();
                (host, url)
            }
        };
        let rest = rest.split('#').next().unwrap_or("");
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        Target {
            host,
            path: path.to_string(),
            query: query.to_string(),
        }
    }

    /// DevTest when the host contains `.devtest.`, Production otherwise.
    fn environment(&self) -> Environment {
        if self.host.contains(".devtest.") {
            Environment::Devtest
        } else {
            Environment::Prod
        }
    }

    pub(super) fn query_param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| percent::decode(value))
        })
    }

    fn endpoint(&self, raw_url: &str) -> Endpoint {
        let path = self.path.trim_end_matches('/');
        if raw_url.trim().is_empty() || path.ends_with("/healthz") || path == "healthz" {
            return Endpoint::Health;
        }
        if path.ends_with("/oauth/token") {
            return Endpoint::Token;
        }
        if let Some(endpoint) = platform::endpoint(path) {
            return Endpoint::Platform(endpoint);
        }
        let Some(at) = path.find("/api/v2/") else {
            return Endpoint::Unknown;
        };
        let segments: Vec<&str> = path[at + "/api/v2/".len()..].split('/').collect();
        match segments.as_slice() {
            ["users", id] if !id.is_empty() => Endpoint::User(percent::decode(id)),
            ["agents", "states"] => Endpoint::StateList,
            ["agents", id, "state"] if !id.is_empty() => Endpoint::AgentState(percent::decode(id)),
            _ => Endpoint::Unknown,
        }
    }
}

/// A relay-wrapped URL's target: the `url` query parameter of a `{url}` template, or the
/// absolute URL that follows a prefix (`/relay/https://...`); the URL itself otherwise.
fn unwrap_relay(url: &str) -> String {
    if let Some((_, query)) = url.split_once('?') {
        for pair in query.split('&') {
            if let Some(value) = pair.strip_prefix("url=") {
                let decoded = percent::decode(value);
                if decoded.starts_with("http://") || decoded.starts_with("https://") {
                    return decoded;
                }
            }
        }
    }
    let inner = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| url.get(1..)?.find(scheme).map(|i| i + 1))
        .min();
    match inner {
        Some(i) => url[i..].to_string(),
        None => url.to_string(),
    }
}

/// The host of an authority (`user@host:port` → `host`), lowercased.
fn host_of(authority: &str) -> String {
    let authority = authority.trim();
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let host = if authority.starts_with('[') {
        authority.split(']').next().map(|h| format!("{h}]"))
    } else {
        authority.split(':').next().map(str::to_string)
    };
    host.unwrap_or_default().to_ascii_lowercase()
}

/// A JSON answer as the tenant sends it.
pub(super) fn json(status: u16, body: Value) -> SimResponse {
    SimResponse::new(status, body.to_string())
        .with_header("Content-Type", "application/json; charset=utf-8")
        .with_header("Cache-Control", "no-store")
}

fn body(body: Body) -> SimResponse {
    match body {
        Body::Json(status, value) => json(status, value),
        Body::Empty(status) => SimResponse::new(status, ""),
    }
}

fn invalid_client(description: &str) -> SimResponse {
    json(
        401,
        json!({"error": "invalid_client", "error_description": description}),
    )
    .with_header("WWW-Authenticate", "Basic realm=\"demo\"")
}

fn invalid_token(description: &str) -> SimResponse {
    json(
        401,
        json!({"error": "invalid_token", "error_description": description}),
    )
    .with_header(
        "WWW-Authenticate",
        &format!("Bearer error=\"invalid_token\", error_description=\"{description}\""),
    )
}

pub(super) fn too_many() -> SimResponse {
    json(
        429,
        json!({"error": "too_many_requests", "message": "Too Many Requests: rate limit exceeded"}),
    )
    .with_header("Retry-After", "1")
}

pub(super) fn method_not_allowed(allowed: &str) -> SimResponse {
    json(
        405,
        json!({"error": "method_not_allowed", "message": format!("Use {allowed}")}),
    )
    .with_header("Allow", allowed)
}

/// A simulated tenant that serves every [`Scenario`] at once (see the [module docs](super)).
/// It keeps only counters: tokens issued, calls per scenario and kind, and the scenario of the
/// latest token request (for the relay probe).
#[derive(Clone, Debug, Default)]
pub struct SimTenant {
    pub(super) issued: u64,
    pub(super) calls: HashMap<(Scenario, Counted), u64>,
    pub(super) latest: Option<Scenario>,
}

impl SimTenant {
    /// A tenant that has answered nothing yet.
    pub fn new() -> Self {
        SimTenant::default()
    }

    /// The answer to `request`.
    pub fn answer(&mut self, request: &SimRequest) -> SimResponse {
        let target = Target::of(request);
        match target.endpoint(&request.url) {
            Endpoint::Health => self.health(request, &target),
            Endpoint::Token => self.token(request, &target),
            Endpoint::Platform(endpoint) => self.platform(request, &target, endpoint),
            Endpoint::Unknown => json(
                404,
                json!({"error": "not_found", "message": format!("No route for {} {}", request.method, target.path)}),
            )
            .with_delay(USER_DELAY_MS),
            api => self.api(request, &target, api),
        }
    }

    /// How many tokens this tenant has issued.
    pub fn tokens_issued(&self) -> u64 {
        self.issued
    }

    /// The scenario of the latest token request, which the relay probe falls back on.
    pub fn latest_scenario(&self) -> Option<Scenario> {
        self.latest
    }

    /// Forgets every counter, as a freshly started tenant.
    pub fn reset(&mut self) {
        *self = SimTenant::new();
    }

    /// What happens below the API in scenarios about the path to it: the same for every call.
    pub(super) fn transport(scenario: Scenario, target: &Target) -> Option<SimResponse> {
        match scenario {
            Scenario::CorsBlocked
            | Scenario::RelayUnreachable
            | Scenario::PlatformCorsBlocked
            | Scenario::PlatformRelayUnreachable => {
                Some(SimResponse::fault(Fault::NoAnswer, NO_ANSWER_DELAY_MS))
            }
            Scenario::RelayMisconfigured | Scenario::PlatformRelayMisconfigured => Some(
                SimResponse::new(404, NGINX_404)
                    .with_header("Content-Type", "text/html")
                    .with_header("Server", "nginx/1.24.0")
                    .with_delay(HEALTH_DELAY_MS),
            ),
            Scenario::TenantUnreachable => Some(proxy_error(target, "demo.nicecxone.com")),
            _ => None,
        }
    }

    /// `GET <relay>/healthz`: the relay's own answer (see the module docs for the scenario).
    fn health(&mut self, request: &SimRequest, target: &Target) -> SimResponse {
        let scenario = request
            .header(SCENARIO_HEADER)
            .and_then(Scenario::parse)
            .or_else(|| {
                target
                    .query_param("scenario")
                    .as_deref()
                    .and_then(Scenario::parse)
            })
            .or(self.latest);
        if matches!(
            scenario,
            Some(Scenario::RelayUnreachable | Scenario::PlatformRelayUnreachable)
        ) {
            return SimResponse::fault(Fault::NoAnswer, NO_ANSWER_DELAY_MS);
        }
        json(
            200,
            json!({"relay": "agent-state-doctor-relay (simulated)", "version": "sim", "status": "ok"}),
        )
        .with_delay(HEALTH_DELAY_MS)
    }

    /// `POST /oauth/token`: client credentials select the scenario.
    fn token(&mut self, request: &SimRequest, target: &Target) -> SimResponse {
        self.token_answer(request, target)
            .with_delay(TOKEN_DELAY_MS)
    }

    /// The Basic credentials of a token request, after what every token request meets first:
    /// the scenario they select is remembered (the relay probe may need it), its transport fault
    /// answers at once, and only `POST` is accepted. `Err` is the answer to give.
    pub(super) fn token_client(
        &mut self,
        request: &SimRequest,
        target: &Target,
    ) -> Result<Option<(String, String)>, SimResponse> {
        let client = request.header("authorization").and_then(token::basic);
        let scenario = client
            .as_ref()
            .and_then(|(id, _)| Scenario::from_client_id(id));
        if let Some(scenario) = scenario {
            self.latest = Some(scenario);
            if let Some(answer) = SimTenant::transport(scenario, target) {
                return Err(answer);
            }
        }
        if !request.method.eq_ignore_ascii_case("POST") {
            return Err(method_not_allowed("POST"));
        }
        Ok(client)
    }

    /// Counts this call in `scenario` and answers which try it is (1 for the first): scenarios
    /// such as "429 then success" answer differently on later tries.
    pub(super) fn count_call(&mut self, scenario: Scenario, counted: Counted) -> u64 {
        let calls = self.calls.entry((scenario, counted)).or_insert(0);
        *calls += 1;
        *calls
    }

    fn token_answer(&mut self, request: &SimRequest, target: &Target) -> SimResponse {
        let client = match self.token_client(request, target) {
            Ok(client) => client,
            Err(answer) => return answer,
        };
        let scenario = client
            .as_ref()
            .and_then(|(id, _)| Scenario::from_client_id(id));
        let Some((_, secret)) = client else {
            return invalid_client("Client authentication is required (HTTP Basic)");
        };
        let Some(scenario) = scenario.filter(|s| s.profile() == Profile::Guide) else {
            return invalid_client("Unknown client");
        };
        // Refused the same way whether the secret is wrong or the client is refused: a real
        // tenant does not say which.
        if secret != DEMO_SECRET || scenario == Scenario::BadCredentials {
            return invalid_client("Client authentication failed");
        }
        let grant = request
            .body
            .as_deref()
            .unwrap_or("")
            .split('&')
            .any(|pair| pair.trim() == "grant_type=client_credentials");
        if !grant {
            return json(
                400,
                json!({"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"}),
            );
        }
        let scopes: &[&str] = match scenario {
            Scenario::MissingScopeSilent | Scenario::MissingScopeForbidden => &NO_STATE_SCOPES,
            _ => &ALL_SCOPES,
        };
        // One client names its scopes only inside the JWT (`scp`), as some tenants do.
        let in_jwt_only = scenario == Scenario::MissingScopeForbidden;
        self.issued += 1;
        let issuer = if target.host.is_empty() {
            "https://demo.nicecxone.com".to_string()
        } else {
            format!("https://{}", target.host)
        };
        let access_token = token::issue(
            scenario,
            target.environment(),
            scopes,
            in_jwt_only,
            &issuer,
            self.issued,
        );
        let mut answer = json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": null,
        });
        if scenario == Scenario::LoggedOut {
            answer["expires_in"] = json!("3600"); // a numeric string, read tolerantly
        }
        if !in_jwt_only {
            answer["scope"] = json!(scopes.join(" "));
        }
        json(200, answer).with_header("Pragma", "no-cache")
    }

    /// The API calls: the scenario comes from the bearer token.
    fn api(&mut self, request: &SimRequest, target: &Target, endpoint: Endpoint) -> SimResponse {
        let delay = match endpoint {
            Endpoint::User(_) => USER_DELAY_MS,
            Endpoint::AgentState(_) => STATE_DELAY_MS,
            _ => LIST_DELAY_MS,
        };
        let answer = self.api_answer(request, target, endpoint);
        if answer.delay_ms == 0 {
            answer.with_delay(delay)
        } else {
            answer
        }
    }

    fn api_answer(
        &mut self,
        request: &SimRequest,
        target: &Target,
        endpoint: Endpoint,
    ) -> SimResponse {
        let Some(bearer) = request.header("authorization").and_then(token::bearer) else {
            return invalid_token("The request carries no bearer token");
        };
        let Some(claims) = token::read(bearer) else {
            return invalid_token("The access token is not valid");
        };
        let scenario = claims.scenario;
        if let Some(answer) = SimTenant::transport(scenario, target) {
            return answer;
        }
        if scenario.profile() != Profile::Guide {
            return invalid_token("This access token is not valid for this API");
        }
        let environment = target.environment();
        if claims.environment != environment {
            return invalid_token("The access token was issued for another environment");
        }
        if !request.method.eq_ignore_ascii_case("GET") {
            return method_not_allowed("GET");
        }
        let counted = match &endpoint {
            Endpoint::User(_) => Counted::User,
            Endpoint::AgentState(_) => Counted::AgentState,
            _ => Counted::StateList,
        };
        let nth = self.count_call(scenario, counted);
        match scenario {
            Scenario::TokenRejected => return invalid_token("The access token expired"),
            Scenario::RateLimited => return too_many(),
            // Each run's first try at the user lookup is refused, its retry served.
            Scenario::RateLimitedThenOk if counted == Counted::User && nth % 2 == 1 => {
                return too_many()
            }
            _ => {}
        }
        if let Some(answer) = SimTenant::scope_gate(&claims, &endpoint) {
            return answer;
        }
        let directory = Directory::of(scenario, environment);
        match endpoint {
            Endpoint::User(id) => body(directory.user(&id)),
            Endpoint::AgentState(_) if scenario == Scenario::ServiceError => json(
                503,
                json!({"error": "service_unavailable", "message": "Service Unavailable: agent state is temporarily unavailable"}),
            )
            .with_header("Retry-After", "30"),
            Endpoint::AgentState(id) => {
                let answer = body(directory.agent_state(&id));
                if scenario == Scenario::Timeout {
                    answer.with_delay(super::SLOW_DELAY_MS)
                } else {
                    answer
                }
            }
            _ => body(directory.state_list()),
        }
    }

    /// Scope checks: the user lookup needs `user:read`; the state endpoints need
    /// `agent:state:read`, and without it answer 403 in the forbidden scenario and the guide's
    /// silent empty `200 {}` / `[]` everywhere else.
    fn scope_gate(claims: &Claims, endpoint: &Endpoint) -> Option<SimResponse> {
        let forbidden = |scope: &str| {
            json(
                403,
                json!({"error": "insufficient_scope", "message": format!("The access token lacks the scope {scope}"), "requiredScope": scope}),
            )
        };
        match endpoint {
            Endpoint::User(_) if !claims.has("user:read") => Some(forbidden("user:read")),
            Endpoint::AgentState(_) | Endpoint::StateList if !claims.has("agent:state:read") => {
                if claims.scenario == Scenario::MissingScopeForbidden {
                    return Some(forbidden("agent:state:read"));
                }
                let empty = match endpoint {
                    Endpoint::StateList => json!([]),
                    _ => json!({}),
                };
                Some(json(200, empty))
            }
            _ => None,
        }
    }
}

/// cors-anywhere's answer when it cannot resolve the target's host (`fallback` when the request
/// names none). It sets no Content-Type on its own error text.
pub(super) fn proxy_error(target: &Target, fallback: &str) -> SimResponse {
    let host = if target.host.is_empty() {
        fallback
    } else {
        &target.host
    };
    SimResponse::new(
        404,
        format!("Not found because of proxy error: Error: getaddrinfo ENOTFOUND {host}"),
    )
    .with_header("Access-Control-Allow-Origin", "*")
    .with_delay(NO_ANSWER_DELAY_MS)
}
