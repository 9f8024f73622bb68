//! The simulated platform tenant: NICE CXone's published paths (`/auth/token`, discovery,
//! User Hub, `incontactapi`), answered by path whatever the host, as the scenario says.

use super::common::{
    json, method_not_allowed, proxy_error, too_many, transport, Counted, Target, HEALTH_DELAY_MS,
    LIST_DELAY_MS, STATE_DELAY_MS, TOKEN_DELAY_MS, USER_DELAY_MS,
};
use super::token;
use super::{
    platform_tenant_id, Scenario, SimRequest, SimResponse, SimTenant, DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET, DEMO_AGENT_ID, DEMO_API_ENDPOINT, DEMO_SECRET, DEMO_USER_ID,
};
use crate::inputs::{Profile, DEFAULT_ISSUER};
use crate::percent;
use crate::profile::platform::{is_numeric_id, is_uuid};
use crate::profile::same_id;
use serde_json::{json, Value};

/// The agent ID that the agent-not-found scenario types, which no agent has.
pub(crate) const MISSING_AGENT_ID: &str = "4999";
/// A fixed time for error bodies and poll times (the simulation has no clock).
const NOW_TEXT: &str = "2025-03-04T12:00:00.000+00:00";

/// A platform path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `POST /auth/token`
    Token,
    /// `GET /.well-known/cxone-configuration?tenantId=...`
    Discovery,
    /// `GET /user-management/v1/users/{id}` (User Hub)
    User(String),
    /// `GET /incontactapi/services/{v}/agents/{id}/states`
    AgentState(String),
    /// `GET /incontactapi/services/{v}/agents/states`
    StateList,
    /// `GET /incontactapi/services/{v}/agents?searchString=...` (Admin)
    AgentSearch,
    /// `GET /incontactapi/services/{v}/agents/{id}` (Admin)
    Agent(String),
}

/// The platform endpoint of `path` (no query, no trailing slash), if it is one.
pub(super) fn endpoint(path: &str) -> Option<Endpoint> {
    if path.ends_with("/auth/token") {
        return Some(Endpoint::Token);
    }
    if path.ends_with("/.well-known/cxone-configuration") {
        return Some(Endpoint::Discovery);
    }
    if let Some(at) = path.find("/user-management/v1/users/") {
        let id = &path[at + "/user-management/v1/users/".len()..];
        return (!id.is_empty() && !id.contains('/')).then(|| Endpoint::User(percent::decode(id)));
    }
    let at = path.find("/incontactapi/services/")?;
    let segments: Vec<&str> = path[at + "/incontactapi/services/".len()..]
        .split('/')
        .collect();
    match segments.as_slice() {
        [version, rest @ ..] if version.starts_with(['v', 'V']) => match rest {
            ["agents"] => Some(Endpoint::AgentSearch),
            ["agents", "states"] => Some(Endpoint::StateList),
            ["agents", id, "states"] if !id.is_empty() => {
                Some(Endpoint::AgentState(percent::decode(id)))
            }
            ["agents", id] if !id.is_empty() => Some(Endpoint::Agent(percent::decode(id))),
            _ => None,
        },
        _ => None,
    }
}

/// A state as the agent-state API names it. The `agentStateId`s other than 0 (LoggedOut) are
/// illustrative: API.md lists 0 to 8 without the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct State {
    id: u8,
    name: &'static str,
    reason: &'static str,
    skill: Option<(u32, &'static str)>,
    since: &'static str,
}

const AVAILABLE_BILLING: State = State {
    id: 1,
    name: "Available",
    reason: "",
    skill: Some((88, "Billing")),
    since: "2025-03-04T08:01:12.000Z",
};
const LOGGED_OUT: State = State {
    id: 0,
    name: "LoggedOut",
    reason: "",
    skill: None,
    since: "2025-03-03T17:02:44.000Z",
};
const UNAVAILABLE_LUNCH: State = State {
    id: 2,
    name: "Unavailable",
    reason: "Lunch",
    skill: None,
    since: "2025-03-04T11:30:40.000Z",
};
const INBOUND_SUPPORT: State = State {
    id: 3,
    name: "InboundContact",
    reason: "",
    skill: Some((91, "Support")),
    since: "2025-03-04T09:12:55.000Z",
};

#[derive(Clone, Debug)]
struct Person {
    user_id: &'static str,
    first: &'static str,
    last: &'static str,
    /// The ACD agent mapped to the user, with what the agent's own endpoint and the list say.
    agent: Option<(&'static str, State, State)>,
}

/// The older answers wrap their lists in `resultSet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Current,
    ResultSet,
}

/// The platform tenant's people, as one scenario sees them.
struct Directory {
    people: Vec<Person>,
    shape: Shape,
}

impl Directory {
    fn of(scenario: Scenario) -> Directory {
        let mut dana = Some((DEMO_AGENT_ID, AVAILABLE_BILLING, AVAILABLE_BILLING));
        let mut shape = Shape::Current;
        match scenario {
            Scenario::PlatformLoggedOut | Scenario::PlatformIdIsAgentId => {
                dana = Some((DEMO_AGENT_ID, LOGGED_OUT, LOGGED_OUT));
            }
            Scenario::PlatformResultSet => {
                dana = Some((DEMO_AGENT_ID, UNAVAILABLE_LUNCH, UNAVAILABLE_LUNCH));
                shape = Shape::ResultSet;
            }
            Scenario::PlatformInconsistentState => {
                dana = Some((DEMO_AGENT_ID, LOGGED_OUT, AVAILABLE_BILLING));
            }
            Scenario::PlatformNotAnAgent => dana = None,
            _ => {}
        }
        Directory {
            people: vec![
                Person {
                    user_id: DEMO_USER_ID,
                    first: "Dana",
                    last: "Whitfield",
                    agent: dana,
                },
                Person {
                    user_id: "22222222-3333-4444-5555-666666666666",
                    first: "Sam",
                    last: "Okafor",
                    agent: Some(("4007", UNAVAILABLE_LUNCH, UNAVAILABLE_LUNCH)),
                },
                Person {
                    user_id: token::ACCESS_KEY_USER_ID,
                    first: "Pat",
                    last: "Admin",
                    agent: None,
                },
                Person {
                    user_id: "44444444-5555-6666-7777-888888888888",
                    first: "Lee",
                    last: "Nakamura",
                    agent: Some(("4133", INBOUND_SUPPORT, INBOUND_SUPPORT)),
                },
            ],
            shape,
        }
    }

    fn agent(&self, id: &str) -> Option<(&Person, State, State)> {
        self.people.iter().find_map(|p| {
            let (agent, own, listed) = p.agent?;
            same_id(agent, id).then_some((p, own, listed))
        })
    }

    /// `GET /user-management/v1/users/{id}`.
    fn user(&self, id: &str, path: &str) -> SimResponse {
        if !is_uuid(id) {
            return user_hub_error(
                400,
                "Bad Request",
                &format!("Invalid UUID string: {id}"),
                path,
            );
        }
        let Some(person) = self.people.iter().find(|p| same_id(p.user_id, id)) else {
            return user_hub_error(404, "Not Found", "User not found", path);
        };
        json(
            200,
            json!({"user": {
                "id": person.user_id,
                "userName": user_name(person),
                "firstName": person.first,
                "lastName": person.last,
                "emailAddress": user_name(person),
                "status": "ACTIVE",
                "timeZone": "America/Denver",
                "createdAt": "2023-06-01T15:04:05.000Z",
                "roleId": null,
            }}),
        )
    }

    /// `GET .../agents?searchString=...`: agents whose user ID, agent ID or name matches;
    /// 204 when none does.
    fn search(&self, query: Option<&str>) -> SimResponse {
        let found: Vec<Value> = self
            .people
            .iter()
            .filter(|p| p.agent.is_some())
            .filter(|p| match query.map(str::trim).filter(|q| !q.is_empty()) {
                None => true,
                Some(q) => {
                    let (agent, ..) = p.agent.expect("filtered");
                    let q = q.to_ascii_lowercase();
                    same_id(p.user_id, &q)
                        || agent == q
                        || p.first.to_ascii_lowercase().contains(&q)
                        || p.last.to_ascii_lowercase().contains(&q)
                }
            })
            .map(agent_record)
            .collect();
        if found.is_empty() {
            return SimResponse::new(204, "");
        }
        self.wrap("agents", found)
    }

    /// `GET .../agents/{id}`.
    fn admin_agent(&self, id: &str) -> SimResponse {
        match self.known_agent(id) {
            Err(refused) => refused,
            Ok((person, ..)) => self.wrap("agents", vec![agent_record(person)]),
        }
    }

    /// The agent `id`, or the API's refusal: 400 for an ID that is no number, 404 for an unknown one.
    fn known_agent(&self, id: &str) -> Result<(&Person, State, State), SimResponse> {
        if !is_numeric_id(id) {
            return Err(json(
                400,
                json!({"error": "InvalidParameter", "error_description": format!("Invalid agentId: '{id}' is not a number.")}),
            ));
        }
        self.agent(id).ok_or_else(|| {
            json(
                404,
                json!({"error": "NotFound", "error_description": format!("Agent {id} was not found.")}),
            )
        })
    }

    /// `GET .../agents/{id}/states`.
    fn agent_state(&self, id: &str) -> SimResponse {
        match self.known_agent(id) {
            Err(refused) => refused,
            Ok((person, own, _)) => {
                let entry = state_entry(person, own);
                match self.shape {
                    // The older single-agent answer names its list `agentState`.
                    Shape::ResultSet => json(
                        200,
                        json!({"resultSet": {"lastPollTime": NOW_TEXT, "agentState": [entry]}}),
                    ),
                    Shape::Current => self.wrap("agentStates", vec![entry]),
                }
            }
        }
    }

    /// `GET .../agents/states`: every agent, logged-out ones as `LoggedOut` entries.
    fn state_list(&self) -> SimResponse {
        let entries: Vec<Value> = self
            .people
            .iter()
            .filter_map(|p| p.agent.map(|(_, _, listed)| state_entry(p, listed)))
            .collect();
        self.wrap("agentStates", entries)
    }

    fn wrap(&self, key: &str, entries: Vec<Value>) -> SimResponse {
        let mut inner = json!({"lastPollTime": NOW_TEXT, "totalRecords": entries.len()});
        inner[key] = Value::Array(entries);
        match self.shape {
            Shape::Current => json(200, inner),
            Shape::ResultSet => json(200, json!({"resultSet": inner})),
        }
    }
}

fn user_name(person: &Person) -> String {
    format!(
        "{}.{}@demo.example",
        person.first.to_ascii_lowercase(),
        person.last.to_ascii_lowercase()
    )
}

/// An Admin agent record (the user's UUID as `userID`, as the Admin API spells it).
fn agent_record(person: &Person) -> Value {
    let (agent, ..) = person.agent.expect("an agent");
    json!({
        "agentId": agent.parse::<u64>().unwrap_or_default(),
        "userID": person.user_id,
        "userName": user_name(person),
        "firstName": person.first,
        "lastName": person.last,
        "isActive": true,
        "teamId": 12,
        "teamName": "Billing East",
        "lastLogin": "2025-03-04T08:00:02.000Z",
    })
}

fn state_entry(person: &Person, state: State) -> Value {
    let (agent, ..) = person.agent.expect("an agent");
    json!({
        "agentId": agent.parse::<u64>().unwrap_or_default(),
        "agentStateId": state.id,
        "agentStateName": state.name,
        "startDate": state.since,
        "outStateId": if state.reason.is_empty() { 0 } else { 7 },
        "outStateDescription": state.reason,
        "skillId": state.skill.map(|(id, _)| id),
        "skillName": state.skill.map(|(_, name)| name),
        "contactId": null,
        "teamId": 12,
        "teamName": "Billing East",
        "firstName": person.first,
        "lastName": person.last,
        "userName": user_name(person),
        "isActive": true,
    })
}

/// User Hub's error body.
fn user_hub_error(status: u16, error: &str, message: &str, path: &str) -> SimResponse {
    json(
        status,
        json!({"timestamp": NOW_TEXT, "status": status, "error": error, "message": message, "path": path}),
    )
}

fn token_error(status: u16, error: &str, description: &str) -> SimResponse {
    json(
        status,
        json!({"error": error, "errorDescription": description}),
    )
}

impl SimTenant {
    /// A request to one of the platform's paths.
    pub(super) fn platform(
        &mut self,
        request: &SimRequest,
        target: &Target,
        endpoint: Endpoint,
    ) -> SimResponse {
        let delay = match endpoint {
            Endpoint::Token => TOKEN_DELAY_MS,
            Endpoint::Discovery => HEALTH_DELAY_MS * 2,
            Endpoint::User(_) | Endpoint::AgentSearch | Endpoint::Agent(_) => USER_DELAY_MS,
            Endpoint::AgentState(_) => STATE_DELAY_MS,
            Endpoint::StateList => LIST_DELAY_MS,
        };
        let answer = match endpoint {
            Endpoint::Token => self.platform_token(request, target),
            Endpoint::Discovery => discovery(request, target),
            api => self.platform_api(request, target, api),
        };
        if answer.delay_ms == 0 && answer.fault.is_none() {
            answer.with_delay(delay)
        } else {
            answer
        }
    }

    /// `POST /auth/token`: the client selects the scenario, the access key must be the demo one.
    fn platform_token(&mut self, request: &SimRequest, target: &Target) -> SimResponse {
        let client = match self.token_client(request, target) {
            Ok(client) => client,
            Err(answer) => return answer,
        };
        let scenario = client
            .as_ref()
            .and_then(|(id, _)| Scenario::from_client_id(id));
        let Some((client_id, secret)) = client else {
            return token_error(
                401,
                "invalid_client",
                "Client authentication is required (HTTP Basic)",
            )
            .with_header("WWW-Authenticate", "Basic realm=\"cxone\"");
        };
        let Some(scenario) = scenario.filter(|s| s.profile() == Profile::Platform) else {
            return token_error(401, "invalid_client", "Unknown client application");
        };
        if secret != DEMO_SECRET {
            return token_error(401, "invalid_client", "Client authentication failed");
        }
        let form = request.body.as_deref().unwrap_or("");
        let field = |name: &str| {
            form.split('&').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                (key.trim() == name).then(|| percent::decode(value))
            })
        };
        if field("grant_type").as_deref() != Some("password") {
            return token_error(
                400,
                "unsupported_grant_type",
                "grant_type must be password, authorization_code or refresh_token",
            );
        }
        if field("username").as_deref() != Some(DEMO_ACCESS_KEY_ID)
            || field("password").as_deref() != Some(DEMO_ACCESS_KEY_SECRET)
        {
            return token_error(
                400,
                "invalid_grant",
                "The access key ID or secret is not valid",
            );
        }
        if scenario == Scenario::PlatformBadCredentials {
            return token_error(
                401,
                "unauthorized_client",
                &format!("Client application '{client_id}' not authorized for user"),
            );
        }
        self.issued += 1;
        let issuer = if target.host.is_empty() {
            DEFAULT_ISSUER.to_string()
        } else {
            format!("https://{}", target.host)
        };
        let (access, refresh, id_token) =
            token::issue_platform(scenario, &client_id, &issuer, self.issued);
        json(
            200,
            json!({
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": refresh,
                "id_token": id_token,
            }),
        )
    }

    /// The API calls: the scenario comes from the bearer token.
    fn platform_api(
        &mut self,
        request: &SimRequest,
        target: &Target,
        endpoint: Endpoint,
    ) -> SimResponse {
        let path = target.path.as_str();
        let claims = request
            .header("authorization")
            .and_then(token::bearer)
            .and_then(token::read);
        let Some(claims) = claims else {
            return user_hub_error(
                401,
                "Unauthorized",
                "Full authentication is required to access this resource",
                path,
            );
        };
        let scenario = claims.scenario;
        if let Some(answer) = transport(scenario, target) {
            return answer;
        }
        if scenario.profile() != Profile::Platform {
            return user_hub_error(
                401,
                "Unauthorized",
                "The access token is not valid for this API",
                path,
            );
        }
        if scenario == Scenario::PlatformTenantUnreachable {
            return proxy_error(target, "api-na1.niceincontact.com");
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
            Scenario::PlatformTokenRejected => {
                return user_hub_error(401, "Unauthorized", "Invalid access token", path)
            }
            Scenario::PlatformRateLimited => return too_many(),
            Scenario::PlatformRateLimitedThenOk if counted == Counted::User && nth % 2 == 1 => {
                return too_many()
            }
            Scenario::PlatformMissingScope
                if matches!(endpoint, Endpoint::AgentState(_) | Endpoint::StateList) =>
            {
                return json(
                    403,
                    json!({"error": "Forbidden", "error_description": "The user does not have the permission to view agent states."}),
                );
            }
            _ => {}
        }
        let directory = Directory::of(scenario);
        match endpoint {
            Endpoint::User(id) => directory.user(&id, path),
            Endpoint::AgentSearch => directory.search(target.query_param("searchString").as_deref()),
            Endpoint::Agent(id) => directory.admin_agent(&id),
            Endpoint::AgentState(_) if scenario == Scenario::PlatformServiceError => json(
                503,
                json!({"error": "ServiceUnavailable", "error_description": "Agent state is temporarily unavailable"}),
            )
            .with_header("Retry-After", "30"),
            Endpoint::AgentState(id) => {
                let answer = directory.agent_state(&id);
                if scenario == Scenario::PlatformTimeout {
                    answer.with_delay(super::SLOW_DELAY_MS)
                } else {
                    answer
                }
            }
            _ => directory.state_list(),
        }
    }
}

/// `GET /.well-known/cxone-configuration?tenantId=...`: no credentials; the tenant ID names the
/// scenario.
fn discovery(request: &SimRequest, target: &Target) -> SimResponse {
    if !request.method.eq_ignore_ascii_case("GET") {
        return method_not_allowed("GET");
    }
    let Some(tenant) = target
        .query_param("tenantId")
        .filter(|t| !t.trim().is_empty())
    else {
        return json(
            400,
            json!({"error": "invalid_request", "message": "tenantId is required"}),
        );
    };
    let scenario = Scenario::ALL
        .iter()
        .copied()
        .find(|s| s.profile() == Profile::Platform && platform_tenant_id(*s) == tenant);
    match scenario {
        Some(s) if s != Scenario::PlatformDiscoveryFailed => json(
            200,
            json!({
                "tenantId": tenant,
                "area": "na1",
                "domain": "niceincontact.com",
                "api_endpoint": DEMO_API_ENDPOINT,
                "ui_endpoint": "https://na1.nice-incontact.com",
                "auth_endpoint": "https://na1.nice-incontact.com",
                "acd_endpoint": "https://api-c57.nice-incontact.com",
            }),
        ),
        _ => json(
            404,
            json!({"error": "not_found", "message": format!("No configuration for tenant {tenant}")}),
        ),
    }
}
