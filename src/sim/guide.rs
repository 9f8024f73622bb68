//! The simulated guide tenant: `/oauth/token` and the guide's `/api/v2` paths, answered as the
//! scenario says (the scenario comes from the client ID, then from the bearer token).

use super::common::{
    json, method_not_allowed, too_many, transport, Counted, Target, LIST_DELAY_MS, STATE_DELAY_MS,
    TOKEN_DELAY_MS, USER_DELAY_MS,
};
use super::data::{Body, Directory};
use super::token::{self, Claims};
use super::{Scenario, SimRequest, SimResponse, SimTenant, DEMO_SECRET};
use crate::inputs::Profile;
use crate::percent;
use serde_json::json;

/// The scopes a healthy demo client has.
const ALL_SCOPES: [&str; 3] = ["user:read", "agent:read", "agent:state:read"];
/// The scopes of a client that lacks `agent:state:read`.
const NO_STATE_SCOPES: [&str; 2] = ["user:read", "agent:read"];

/// One of the guide's paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Endpoint {
    Token,
    User(String),
    AgentState(String),
    StateList,
}

/// The guide's API path in `path` (after `/api/v2/`), if it is one.
pub(super) fn api_endpoint(path: &str) -> Option<Endpoint> {
    let at = path.find("/api/v2/")?;
    let segments: Vec<&str> = path[at + "/api/v2/".len()..].split('/').collect();
    match segments.as_slice() {
        ["users", id] if !id.is_empty() => Some(Endpoint::User(percent::decode(id))),
        ["agents", "states"] => Some(Endpoint::StateList),
        ["agents", id, "state"] if !id.is_empty() => {
            Some(Endpoint::AgentState(percent::decode(id)))
        }
        _ => None,
    }
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

impl SimTenant {
    /// A request to one of the guide's paths.
    pub(super) fn guide(
        &mut self,
        request: &SimRequest,
        target: &Target,
        endpoint: Endpoint,
    ) -> SimResponse {
        match endpoint {
            Endpoint::Token => self.token(request, target),
            api => self.api(request, target, api),
        }
    }

    /// `POST /oauth/token`: client credentials select the scenario.
    fn token(&mut self, request: &SimRequest, target: &Target) -> SimResponse {
        self.token_answer(request, target)
            .with_delay(TOKEN_DELAY_MS)
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
        if let Some(answer) = transport(scenario, target) {
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
