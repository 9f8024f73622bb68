//! A scripted tenant for the engine tests: it answers the engine's requests from canned answers,
//! keyed by URL, and the driver records every round the engine sends.
//!
//! `Tenant::logged_in()` is a healthy Production tenant where the agent is logged in; each test
//! changes only the answers its story needs.
#![allow(dead_code)]

use agent_state_doctor::engine::{
    Answer, CachedToken, Check, CheckNode, Diagnosis, Outcome, Report, Request, RequestKind,
    Response, Step, Verdict,
};
use agent_state_doctor::inputs::{Field, Form, Inputs};
use serde_json::{json, Value};
use std::collections::VecDeque;

pub const CLIENT_ID: &str = "diag-client-7";
pub const SECRET: &str = "Sup3r-s3cret-Value!";
pub const ACCESS_TOKEN: &str = "at-9f8e7d6c5b4a3210-prod";
pub const REFRESH_TOKEN: &str = "rt-0a1b2c3d4e5f-refresh";
pub const DEVTEST_TOKEN: &str = "at-devtest-1122334455";
pub const USER: &str = "4f1c8a52-7c1e-4b7e-9a57-2b6f0d1e3c11";
pub const AGENT: &str = "1204587";
pub const OTHER_AGENT: &str = "1200001";
pub const PROD: &str = "https://acme.nicecxone.com";
pub const DEVTEST: &str = "https://acme.devtest.nicecxone.com";
pub const ALL_SCOPES: &str = "agent:read agent:state:read user:read";
/// The caller's clock at the start of every run.
pub const NOW: u64 = 1_700_000_000_000;

/// A filled guide form: tenant `acme`, Production, the user ID, no relay.
pub fn form() -> Form {
    let mut form = Form::default();
    form.set(Field::Tenant, "acme");
    form.set(Field::ClientId, CLIENT_ID);
    form.set(Field::ClientSecret, SECRET);
    form.set(Field::UserId, USER);
    form
}

/// The inputs of [`form`], changed by `change`.
pub fn inputs_with(change: impl FnOnce(&mut Form)) -> Inputs {
    let mut form = form();
    change(&mut form);
    form.validate().expect("a valid form")
}

/// The inputs of [`form`].
pub fn inputs() -> Inputs {
    inputs_with(|_| {})
}

pub fn token_url(host: &str) -> String {
    format!("{host}/oauth/token")
}
pub fn user_url(host: &str, id: &str) -> String {
    format!("{host}/api/v2/users/{id}")
}
pub fn state_url(host: &str, id: &str) -> String {
    format!("{host}/api/v2/agents/{id}/state")
}
pub fn list_url(host: &str) -> String {
    format!("{host}/api/v2/agents/states")
}

/// A JSON answer (`application/json; charset=utf-8`).
pub fn json(status: u16, body: Value) -> Answer {
    Answer::Response(
        Response::new(status, body.to_string())
            .with_header("Content-Type", "application/json; charset=utf-8")
            .with_elapsed(40),
    )
}

/// An answer with a raw body and a content type.
pub fn raw(status: u16, content_type: &str, body: &str) -> Answer {
    Answer::Response(
        Response::new(status, body)
            .with_header("Content-Type", content_type)
            .with_elapsed(40),
    )
}

/// The same answer with one more header.
pub fn with_header(answer: Answer, name: &str, value: &str) -> Answer {
    match answer {
        Answer::Response(r) => Answer::Response(r.with_header(name, value)),
        other => other,
    }
}

/// What `fetch` gives when CORS or the network blocks a call.
pub fn no_answer() -> Answer {
    Answer::NoAnswer {
        message: "TypeError: Failed to fetch".into(),
        elapsed_ms: 12,
    }
}

/// What the transport gives when the time limit passes.
pub fn timed_out() -> Answer {
    Answer::TimedOut { elapsed_ms: 15_000 }
}

/// A token answer with `scope`.
pub fn token_answer(scope: &str) -> Answer {
    json(
        200,
        json!({"access_token": ACCESS_TOKEN, "token_type": "bearer", "expires_in": 3600,
               "refresh_token": REFRESH_TOKEN, "scope": scope}),
    )
}

/// The user record: Dana Whitfield, agent [`AGENT`].
pub fn user_answer() -> Answer {
    json(
        200,
        json!({"id": USER, "name": "Dana Whitfield", "agentId": AGENT, "email": "dana@acme.example",
               "teamId": 12, "status": "ACTIVE"}),
    )
}

/// The agent's own state: Available in skill group Billing.
pub fn active_state() -> Answer {
    json(
        200,
        json!({"agentId": AGENT, "state": {"name": "Available", "skillGroup": {"id": 88, "name": "Billing"}},
               "since": "2024-05-02T08:01:00Z"}),
    )
}

/// No session: `{}`.
pub fn no_session() -> Answer {
    json(200, json!({}))
}

/// The all-agents list with the agent in it.
pub fn list_with_agent() -> Answer {
    json(
        200,
        json!({"entities": [
            {"agentId": AGENT, "state": {"name": "Available"}},
            {"agentId": OTHER_AGENT, "state": {"name": "Unavailable"}}
        ]}),
    )
}

/// The all-agents list without the agent (another agent is working).
pub fn list_without_agent() -> Answer {
    json(
        200,
        json!({"entities": [{"agentId": OTHER_AGENT, "state": {"name": "Available"}}]}),
    )
}

/// The guide's silent empty answer.
pub fn empty_list() -> Answer {
    json(200, json!([]))
}

/// The reference relay's health answer.
pub fn relay_health() -> Answer {
    json(
        200,
        json!({"relay": "agent-state-doctor-relay", "version": "0.1.0"}),
    )
}

struct Route {
    key: String,
    answers: VecDeque<Answer>,
}

/// Canned answers by URL (and `RelayHealth` by kind). A URL's answers are given in order; the
/// last one repeats. A request nobody scripted fails the test.
pub struct Tenant {
    routes: Vec<Route>,
}

const HEALTH: &str = "<relay>/healthz";

impl Tenant {
    /// Nothing scripted.
    pub fn empty() -> Self {
        Tenant { routes: Vec::new() }
    }

    /// A healthy Production tenant where the agent is logged in.
    pub fn logged_in() -> Self {
        Tenant::empty()
            .on(&token_url(PROD), token_answer(ALL_SCOPES))
            .on(&user_url(PROD, USER), user_answer())
            .on(&state_url(PROD, AGENT), active_state())
            .on(&list_url(PROD), list_with_agent())
            .health(relay_health())
    }

    /// A healthy tenant where the agent has no session here, and DevTest is scripted the same.
    pub fn logged_out_everywhere() -> Self {
        Tenant::logged_in()
            .on(&state_url(PROD, AGENT), no_session())
            .on(&list_url(PROD), list_without_agent())
            .on(&token_url(DEVTEST), token_answer_for_devtest())
            .on(&user_url(DEVTEST, USER), user_answer())
            .on(&state_url(DEVTEST, AGENT), no_session())
    }

    /// `url` answers `answer` from now on (replacing what was scripted).
    pub fn on(mut self, url: &str, answer: Answer) -> Self {
        self.routes.retain(|r| r.key != url);
        self.routes.push(Route {
            key: url.to_string(),
            answers: VecDeque::from([answer]),
        });
        self
    }

    /// `url` answers each of `answers` in turn (the last one repeats).
    pub fn on_each(mut self, url: &str, answers: Vec<Answer>) -> Self {
        self.routes.retain(|r| r.key != url);
        self.routes.push(Route {
            key: url.to_string(),
            answers: answers.into(),
        });
        self
    }

    /// The relay's `/healthz` answers `answer`.
    pub fn health(self, answer: Answer) -> Self {
        self.on(HEALTH, answer)
    }

    /// The answer to `request`.
    pub fn answer(&mut self, request: &Request) -> Answer {
        let key = if request.kind == RequestKind::RelayHealth {
            HEALTH.to_string()
        } else {
            request.url.clone()
        };
        let route = self
            .routes
            .iter_mut()
            .find(|r| r.key == key)
            .unwrap_or_else(|| {
                panic!(
                    "the scripted tenant has no answer for {} {}",
                    request.method.as_str(),
                    key
                )
            });
        if route.answers.len() > 1 {
            route.answers.pop_front().expect("an answer")
        } else {
            route.answers.front().cloned().expect("an answer")
        }
    }
}

pub fn token_answer_for_devtest() -> Answer {
    json(
        200,
        json!({"access_token": DEVTEST_TOKEN, "token_type": "bearer", "expires_in": 3600, "scope": ALL_SCOPES}),
    )
}

/// A finished run: the report and every round the engine sent.
pub struct Run {
    pub report: Report,
    pub rounds: Vec<Vec<Request>>,
}

impl Run {
    pub fn verdict(&self) -> Verdict {
        self.report.verdict().expect("a verdict")
    }
    pub fn node(&self, check: Check) -> &CheckNode {
        self.report.tree.node(check)
    }
    pub fn outcome(&self, check: Check) -> Outcome {
        self.node(check).outcome
    }
    pub fn branch(&self, check: Check) -> &str {
        self.node(check).branch.as_deref().unwrap_or("")
    }
    /// How many rounds of requests went out.
    pub fn round_count(&self) -> usize {
        self.rounds.len()
    }
    /// The kinds of each round, for asserting what went out together.
    pub fn kinds(&self) -> Vec<Vec<RequestKind>> {
        self.rounds
            .iter()
            .map(|r| r.iter().map(|q| q.kind).collect())
            .collect()
    }
    /// The `Retry-After` waiting that really passed: the requests of a round wait side by side,
    /// so each round counts its longest delay.
    pub fn real_wait_ms(&self) -> u64 {
        self.rounds
            .iter()
            .map(|r| r.iter().map(|q| q.delay_ms).max().unwrap_or(0))
            .sum()
    }
    /// Every request sent, in order.
    pub fn sent(&self) -> Vec<&Request> {
        self.rounds.iter().flatten().collect()
    }
    /// Every request sent to `url`.
    pub fn sent_to(&self, url: &str) -> Vec<&Request> {
        self.sent().into_iter().filter(|r| r.url == url).collect()
    }
    /// The whole tree as JSON, as a report would export it.
    pub fn tree_json(&self) -> String {
        serde_json::to_string(&self.report.tree).expect("the tree serializes")
    }
    /// The verdict's explanation and fix, as one text.
    pub fn verdict_text(&self) -> String {
        let v = self.report.tree.verdict.as_ref().expect("a verdict");
        format!("{} {} {}", v.title, v.explanation, v.fix.join(" "))
    }
}

/// Runs a fresh diagnosis of `inputs` against `tenant`.
pub fn run(inputs: Inputs, tenant: Tenant) -> Run {
    drive(Diagnosis::new(inputs, None, NOW), tenant)
}

/// Runs with a token cached by a previous run.
pub fn run_cached(inputs: Inputs, cached: CachedToken, tenant: Tenant) -> Run {
    drive(Diagnosis::new(inputs, Some(cached), NOW), tenant)
}

/// Drives `dx` to its end: each round's requests are answered by `tenant`, and the tree is checked
/// for the promises every run keeps.
pub fn drive(mut dx: Diagnosis, mut tenant: Tenant) -> Run {
    let mut rounds = Vec::new();
    loop {
        match dx.poll() {
            Step::Send(requests) => {
                assert!(!requests.is_empty(), "a round sends something");
                for request in &requests {
                    let answer = tenant.answer(request);
                    assert!(
                        dx.receive(request.id, answer),
                        "the engine accepts the answer to its own request"
                    );
                }
                rounds.push(requests);
                assert!(rounds.len() < 30, "the diagnosis ends");
            }
            Step::Waiting => panic!("every request was answered"),
            Step::Done(report) => {
                assert_sound(&report);
                return Run {
                    report: *report,
                    rounds,
                };
            }
        }
    }
}

/// What every finished tree promises: one node per check in order, every node settled on one of
/// its own branches, checks that did not run marked so (never `pass`), and one verdict.
pub fn assert_sound(report: &Report) {
    let tree = &report.tree;
    assert!(tree.finished);
    assert_eq!(tree.schema, agent_state_doctor::engine::SCHEMA_VERSION);
    let ids: Vec<Check> = tree.checks.iter().map(|n| n.id).collect();
    assert_eq!(
        ids,
        Check::ALL.to_vec(),
        "one node per check, in the Checks table's order"
    );
    for node in &tree.checks {
        assert!(node.outcome.is_settled(), "{:?} is settled", node.id);
        let taken: Vec<_> = node.branches.iter().filter(|b| b.taken).collect();
        assert_eq!(taken.len(), 1, "{:?} took exactly one branch", node.id);
        assert_eq!(Some(&taken[0].id), node.branch.as_ref());
        assert_eq!(
            taken[0].outcome, node.outcome,
            "{:?}: outcome follows the branch",
            node.id
        );
        if node.branch.as_deref() == Some("not_run") {
            assert_eq!(
                node.outcome,
                Outcome::Skipped,
                "{:?}: a check that did not run is skipped",
                node.id
            );
            assert!(
                node.exchanges.is_empty(),
                "{:?}: a check whose call went out and was answered shows that answer, not `not_run`",
                node.id
            );
        }
        assert!(!node.summary.is_empty(), "{:?} says what it found", node.id);
        assert!(
            node.exchanges.iter().all(|e| !e.in_flight()),
            "{:?}: no exchange left in flight",
            node.id
        );
    }
    for node in &tree.checks {
        let drawn: Vec<&str> = node.branches.iter().map(|b| b.id.as_str()).collect();
        let own: Vec<String> = node
            .id
            .branches_for(tree.profile)
            .into_iter()
            .map(|b| b.id)
            .collect();
        assert_eq!(
            drawn, own,
            "{:?}: the tree draws the branches of its own profile",
            node.id
        );
    }
    {
        let verdict = tree
            .verdict
            .as_ref()
            .expect("a finished diagnosis has a verdict, whatever the profile");
        assert!(!verdict.title.is_empty() && !verdict.explanation.is_empty());
        if verdict.code != Verdict::LoggedIn {
            assert!(
                !verdict.fix.is_empty(),
                "{:?} comes with fix steps",
                verdict.code
            );
        }
    }
}

// ----- the platform profile -----

pub const ISSUER: &str = "https://cxone.niceincontact.com";
pub const API: &str = "https://api-na1.niceincontact.com";
pub const ACCESS_KEY_ID: &str = "AKID5TQ9ZC";
/// With `/`, `+`, `=` and `&`, so that its percent-encoded form differs from it.
pub const ACCESS_KEY_SECRET: &str = "ak/S3cr+et=val&ue";
pub const TENANT_ID: &str = "11eb2c3d-4e5f-6789-abcd-ef0123456789";
/// The user the access key belongs to (an administrator, not the agent diagnosed).
pub const KEY_USER: &str = "9a9a9a9a-1111-2222-3333-444444444444";
pub const V: &str = "v27.0";

/// An unsigned JWT with `claims`.
pub fn unsigned_jwt(claims: Value) -> String {
    use base64::Engine as _;
    let enc = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.", enc(&json!({"alg": "none"})), enc(&claims))
}

/// The id_token of the access key's user in [`TENANT_ID`].
pub fn id_token() -> String {
    unsigned_jwt(
        json!({"iss": ISSUER, "tenantId": TENANT_ID, "userId": KEY_USER, "icAgentId": "1200777",
                        "icBUId": 4600123, "area": "na1"}),
    )
}

/// A filled platform form: the access key, the user ID, the default issuer and version.
pub fn platform_form() -> Form {
    let mut form = Form::default();
    form.set(Field::Profile, "platform");
    form.set(Field::ClientId, CLIENT_ID);
    form.set(Field::ClientSecret, SECRET);
    form.set(Field::AccessKeyId, ACCESS_KEY_ID);
    form.set(Field::AccessKeySecret, ACCESS_KEY_SECRET);
    form.set(Field::UserId, USER);
    form
}

/// The inputs of [`platform_form`], changed by `change`.
pub fn platform_inputs_with(change: impl FnOnce(&mut Form)) -> Inputs {
    let mut form = platform_form();
    change(&mut form);
    form.validate().expect("a valid platform form")
}

pub fn platform_inputs() -> Inputs {
    platform_inputs_with(|_| {})
}

pub fn auth_url() -> String {
    format!("{ISSUER}/auth/token")
}
pub fn discovery_url(tenant: &str) -> String {
    format!("{ISSUER}/.well-known/cxone-configuration?tenantId={tenant}")
}
pub fn hub_user_url(host: &str, id: &str) -> String {
    format!("{host}/user-management/v1/users/{id}")
}
/// The first page of the Admin agent list, which the user is matched against locally (`user`
/// is not in the URL: NICE does not document `searchString` matching a UUID).
pub fn lookup_url(host: &str, _user: &str) -> String {
    lookup_page_url(host, 0)
}
/// The page of the Admin agent list that skips `skip` agents.
pub fn lookup_page_url(host: &str, skip: u32) -> String {
    format!("{host}/incontactapi/services/{V}/agents?fields=agentId,userID,isActive,locked&top=100&skip={skip}")
}
pub fn p_state_url(host: &str, agent: &str) -> String {
    format!("{host}/incontactapi/services/{V}/agents/{agent}/states")
}
/// The first page of the all-agents state list.
pub fn p_list_url(host: &str) -> String {
    p_list_page_url(host, 0)
}
/// The page of the all-agents state list that skips `skip` agents.
pub fn p_list_page_url(host: &str, skip: u32) -> String {
    format!("{host}/incontactapi/services/{V}/agents/states?top=100&skip={skip}")
}

/// The platform's token answer: no scope, a refresh token and an id_token.
pub fn platform_token_answer() -> Answer {
    json(
        200,
        json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600,
               "refresh_token": REFRESH_TOKEN, "id_token": id_token()}),
    )
}

pub fn config_answer() -> Answer {
    json(
        200,
        json!({"tenantId": TENANT_ID, "area": "na1", "domain": "niceincontact.com", "api_endpoint": API,
               "ui_endpoint": "https://na1.nice-incontact.com"}),
    )
}

/// User Hub's record of Dana Whitfield.
pub fn hub_user_answer() -> Answer {
    json(
        200,
        json!({"user": {"id": USER, "userName": "dana@acme.example", "firstName": "Dana",
                        "lastName": "Whitfield", "status": "ACTIVE"}}),
    )
}

/// The Admin lookup: Dana is agent [`AGENT`] (`userID` spelled as the Admin API does).
pub fn lookup_answer() -> Answer {
    json(
        200,
        json!({"totalRecords": 1, "agents": [{"agentId": 1204587, "userID": USER, "firstName": "Dana",
               "lastName": "Whitfield", "isActive": true}]}),
    )
}

/// One agent-state entry.
pub fn state_entry(agent: &str, name: &str, id: u8) -> Value {
    json!({"agentId": agent.parse::<u64>().unwrap(), "agentStateId": id, "agentStateName": name,
           "skillName": if name == "Available" { json!("Billing") } else { Value::Null },
           "outStateDescription": if name == "Unavailable" { "Lunch" } else { "" }})
}

/// `{"agentStates": [entries]}`.
pub fn states(entries: Vec<Value>) -> Answer {
    json(
        200,
        json!({"totalRecords": entries.len(), "lastPollTime": "2025-03-04T12:00:00Z", "agentStates": entries}),
    )
}

impl Tenant {
    /// A healthy platform tenant where Dana (agent [`AGENT`]) is Available.
    pub fn platform_logged_in() -> Self {
        Tenant::empty()
            .on(&auth_url(), platform_token_answer())
            .on(&discovery_url(TENANT_ID), config_answer())
            .on(&hub_user_url(API, USER), hub_user_answer())
            .on(&lookup_url(API, USER), lookup_answer())
            .on(
                &p_state_url(API, AGENT),
                states(vec![state_entry(AGENT, "Available", 1)]),
            )
            .on(
                &p_list_url(API),
                states(vec![
                    state_entry(AGENT, "Available", 1),
                    state_entry(OTHER_AGENT, "Unavailable", 2),
                ]),
            )
            .health(relay_health())
    }
}
