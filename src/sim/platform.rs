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
/// The same time as an HTTP-date, for the `Date` header of a dated `Retry-After`.
const NOW_HTTP_DATE: &str = "Tue, 04 Mar 2025 12:00:00 GMT";
/// Two seconds after [`NOW_HTTP_DATE`].
const RETRY_HTTP_DATE: &str = "Tue, 04 Mar 2025 12:00:02 GMT";
/// The token endpoint the simulated OpenID configuration names.
const MOVED_TOKEN_PATH: &str = "/connect/token";
/// The lists' page size, as NICE pages them, and the default `top`.
const SIM_PAGE: usize = 100;

/// A platform path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `POST /auth/token` (and `/connect/token`, the token endpoint the simulated OpenID
    /// configuration names)
    Token,
    /// `GET /.well-known/openid-configuration`
    OpenId,
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
    if path.ends_with("/auth/token") || path.ends_with(MOVED_TOKEN_PATH) {
        return Some(Endpoint::Token);
    }
    if path.ends_with("/.well-known/openid-configuration") {
        return Some(Endpoint::OpenId);
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
    /// The agent record's `isActive`.
    active: bool,
    /// The agent record's `locked`.
    locked: bool,
}

/// The older answers wrap their lists in `resultSet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Current,
    ResultSet,
}

/// The platform tenant's people, as one scenario sees them: the named people, and as many more
/// agents (all logged out) as make the lists longer than one page.
struct Directory {
    people: Vec<Person>,
    shape: Shape,
    /// Agents in the lists, the named ones included.
    total: usize,
    /// Where Dana's agent stands in both lists (0-based).
    dana_at: usize,
    /// `hiddenAgents`: Dana's agent, hidden from the key's user, is in no list.
    hidden: u64,
    /// User Hub's status for Dana.
    dana_status: &'static str,
}

/// A row of the lists: a named person's agent, or one of the others (by number).
enum Row<'a> {
    Named(&'a Person),
    Other(usize),
}

/// The `n`th of the other agents: agent ID and user ID.
fn other_agent(n: usize) -> (u64, String) {
    (5000 + n as u64, format!("00000000-0000-4000-8000-{n:012}"))
}

impl Directory {
    fn of(scenario: Scenario) -> Directory {
        let mut dana = Some((DEMO_AGENT_ID, AVAILABLE_BILLING, AVAILABLE_BILLING));
        let mut shape = Shape::Current;
        let (mut total, mut dana_at, mut hidden) = (120, 0, 0);
        let (mut active, mut locked, mut dana_status) = (true, false, "ACTIVE");
        match scenario {
            Scenario::PlatformThirdPage => (total, dana_at) = (250, 210),
            Scenario::PlatformAgentHidden => hidden = 1,
            Scenario::PlatformUserDisabled => dana_status = "BLOCKED",
            Scenario::PlatformAgentInactive => {
                dana = Some((DEMO_AGENT_ID, LOGGED_OUT, LOGGED_OUT));
                active = false;
            }
            Scenario::PlatformAgentLocked => {
                dana = Some((DEMO_AGENT_ID, LOGGED_OUT, LOGGED_OUT));
                locked = true;
            }
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
                    active,
                    locked,
                },
                Person {
                    user_id: "22222222-3333-4444-5555-666666666666",
                    first: "Sam",
                    last: "Okafor",
                    agent: Some(("4007", UNAVAILABLE_LUNCH, UNAVAILABLE_LUNCH)),
                    active: true,
                    locked: false,
                },
                Person {
                    user_id: token::ACCESS_KEY_USER_ID,
                    first: "Pat",
                    last: "Admin",
                    agent: None,
                    active: true,
                    locked: false,
                },
                Person {
                    user_id: "44444444-5555-6666-7777-888888888888",
                    first: "Lee",
                    last: "Nakamura",
                    agent: Some(("4133", INBOUND_SUPPORT, INBOUND_SUPPORT)),
                    active: true,
                    locked: false,
                },
            ],
            shape,
            total,
            dana_at,
            hidden,
            dana_status,
        }
    }

    /// The agents of the lists in order: Dana at `dana_at` (unless hidden), the other named
    /// agents first, then the others.
    fn rows(&self) -> Vec<Row<'_>> {
        let named: Vec<&Person> = self.people.iter().filter(|p| p.agent.is_some()).collect();
        let dana = named.iter().copied().find(|p| p.user_id == DEMO_USER_ID);
        let others: Vec<&Person> = named
            .iter()
            .copied()
            .filter(|p| p.user_id != DEMO_USER_ID)
            .collect();
        let mut rows: Vec<Row> = others.into_iter().map(Row::Named).collect();
        let fillers = self.total.saturating_sub(rows.len() + 1);
        rows.extend((0..fillers).map(Row::Other));
        if let Some(dana) = dana.filter(|_| self.hidden == 0) {
            rows.insert(self.dana_at.min(rows.len()), Row::Named(dana));
        }
        rows
    }

    /// One page of `rows` as `top`/`skip` ask (pages of at most 100), answered with its
    /// `totalRecords` and, when more follow, `_links.next`.
    fn page(&self, key: &str, rows: Vec<Value>, target: &Target) -> SimResponse {
        let total = rows.len();
        let top = target
            .query_param("top")
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(SIM_PAGE)
            .clamp(1, SIM_PAGE);
        let skip = target
            .query_param("skip")
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(0);
        // `fields` keeps only the fields asked for, as the API does.
        let fields: Option<Vec<String>> = target
            .query_param("fields")
            .map(|f| f.split(',').map(|n| n.trim().to_string()).collect());
        let page: Vec<Value> = rows
            .into_iter()
            .skip(skip)
            .take(top)
            .map(|mut row| {
                if let (Some(fields), Value::Object(map)) = (&fields, &mut row) {
                    map.retain(|k, _| fields.iter().any(|f| f == k));
                }
                row
            })
            .collect();
        let mut inner = json!({"lastPollTime": NOW_TEXT, "totalRecords": total});
        if key == "agents" {
            inner["hiddenAgents"] = json!(self.hidden);
        }
        inner[key] = Value::Array(page);
        if skip + top < total {
            inner["_links"] =
                json!({"next": format!("{}?top={top}&skip={}", target.path, skip + top)});
        }
        match self.shape {
            Shape::Current => json(200, inner),
            Shape::ResultSet => json(200, json!({"resultSet": inner})),
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
                "status": if person.user_id == DEMO_USER_ID { self.dana_status } else { "ACTIVE" },
                "timeZone": "America/Denver",
                "createdAt": "2023-06-01T15:04:05.000Z",
                "roleId": null,
            }}),
        )
    }

    /// `GET .../agents`, paged: every agent the key's user may see, or with `searchString`
    /// those whose first or last name contains it (names only: NICE does not document it
    /// matching a user ID).
    fn agents(&self, target: &Target) -> SimResponse {
        let query = target
            .query_param("searchString")
            .map(|q| q.trim().to_ascii_lowercase())
            .filter(|q| !q.is_empty());
        let rows: Vec<Value> = self
            .rows()
            .into_iter()
            .filter_map(|row| match row {
                Row::Named(p) => {
                    let matches = query.as_ref().is_none_or(|q| {
                        p.first.to_ascii_lowercase().contains(q)
                            || p.last.to_ascii_lowercase().contains(q)
                    });
                    matches.then(|| agent_record(p))
                }
                Row::Other(n) if query.is_none() => {
                    let (agent, user) = other_agent(n);
                    Some(json!({"agentId": agent, "userID": user, "firstName": "Agent", "lastName": agent.to_string(), "isActive": true, "locked": false}))
                }
                Row::Other(_) => None,
            })
            .collect();
        if rows.is_empty() && query.is_some() {
            return SimResponse::new(204, "");
        }
        self.page("agents", rows, target)
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

    /// `GET .../agents/states`, paged: every agent, logged-out ones as `LoggedOut` entries.
    fn state_list(&self, target: &Target) -> SimResponse {
        let entries: Vec<Value> = self
            .rows()
            .into_iter()
            .map(|row| match row {
                Row::Named(p) => {
                    let (_, _, listed) = p.agent.expect("an agent");
                    state_entry(p, listed)
                }
                Row::Other(n) => {
                    let (agent, _) = other_agent(n);
                    json!({"agentId": agent, "agentStateId": 0, "agentStateName": "LoggedOut"})
                }
            })
            .collect();
        self.page("agentStates", entries, target)
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
        "isActive": person.active,
        "locked": person.locked,
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
        "isActive": person.active,
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
            Endpoint::Discovery | Endpoint::OpenId => HEALTH_DELAY_MS * 2,
            Endpoint::User(_) | Endpoint::AgentSearch | Endpoint::Agent(_) => USER_DELAY_MS,
            Endpoint::AgentState(_) => STATE_DELAY_MS,
            Endpoint::StateList => LIST_DELAY_MS,
        };
        let answer = match endpoint {
            Endpoint::Token => self.platform_token(request, target),
            Endpoint::Discovery => discovery(request, target),
            Endpoint::OpenId => openid(request, target),
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
        let basic = match self.token_client(request, target) {
            Ok(client) => client,
            Err(answer) => return answer,
        };
        let form = request.body.as_deref().unwrap_or("");
        let field = |name: &str| {
            form.split('&').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                (key.trim() == name).then(|| percent::decode(value))
            })
        };
        let in_body = basic.is_none();
        // client_secret_post: the credentials in the form body.
        let client = basic.or_else(|| Some((field("client_id")?, field("client_secret")?)));
        let scenario = client
            .as_ref()
            .and_then(|(id, _)| Scenario::from_client_id(id));
        if in_body {
            if let Some(scenario) = scenario {
                self.latest = Some(scenario);
            }
        }
        if scenario == Some(Scenario::PlatformTokenEndpointMoved)
            && target.path.ends_with("/auth/token")
        {
            return token_error(404, "not_found", "No token endpoint here");
        }
        if scenario == Some(Scenario::PlatformClientSecretPost) && !in_body {
            return token_error(
                401,
                "invalid_client",
                "Client authentication failed: this client uses client_secret_post",
            );
        }
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
            Scenario::PlatformMissingPermission
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
            Endpoint::AgentSearch => directory.agents(target),
            Endpoint::StateList
                if matches!(
                    scenario,
                    Scenario::PlatformListNoData | Scenario::PlatformNoData
                ) =>
            {
                SimResponse::new(304, "")
            }
            Endpoint::AgentState(_) if scenario == Scenario::PlatformNoData => {
                SimResponse::new(204, "")
            }
            Endpoint::AgentState(_) if scenario == Scenario::PlatformBusyThenOk && nth % 2 == 1 => {
                json(
                    503,
                    json!({"error": "ServiceUnavailable", "error_description": "Busy: try again after the date in Retry-After"}),
                )
                .with_header("Date", NOW_HTTP_DATE)
                .with_header("Retry-After", RETRY_HTTP_DATE)
                .with_header("icStatusDescription", "Service busy")
            }
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
            _ => directory.state_list(target),
        }
    }
}

/// `GET /.well-known/openid-configuration`: public, the same for every scenario; its
/// `token_endpoint` is `/connect/token` (which the moved-endpoint scenario needs).
fn openid(request: &SimRequest, target: &Target) -> SimResponse {
    if !request.method.eq_ignore_ascii_case("GET") {
        return method_not_allowed("GET");
    }
    let issuer = if target.host.is_empty() {
        DEFAULT_ISSUER.to_string()
    } else {
        format!("https://{}", target.host)
    };
    json(
        200,
        json!({
            "issuer": issuer,
            "token_endpoint": format!("{issuer}{MOVED_TOKEN_PATH}"),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid"],
            "grant_types_supported": ["authorization_code", "password", "refresh_token"],
        }),
    )
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
