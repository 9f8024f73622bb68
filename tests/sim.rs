//! The simulated tenant drives the real engine to every verdict: each scenario's form, validated
//! as the page does, diagnosed against one `SimTenant`, ends in the scenario's verdict. Runs
//! natively and in headless Chromium.

mod common;

use agent_state_doctor::engine::{
    Answer, Check, Diagnosis, Outcome, Report, Request, RequestKind, Step, Verdict,
};
use agent_state_doctor::inputs::{Environment, Field, Form};
use agent_state_doctor::profile::guide::basic_credentials;
use agent_state_doctor::sim::{
    Fault, Scenario, SimRequest, SimResponse, SimTenant, DEMO_AGENT_ID, DEMO_SECRET, DEMO_USER_ID,
    SCENARIO_HEADER, SLOW_DELAY_MS,
};
use serde_json::Value;
use std::collections::HashSet;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The caller's clock at the start of every run.
const NOW: u64 = 1_700_000_000_000;
const PROD: &str = "https://demo.nicecxone.com";
const DEVTEST: &str = "https://demo.devtest.nicecxone.com";

/// A finished run: the report and every request with the answer it got.
struct Run {
    report: Report,
    sent: Vec<(Request, Answer)>,
}

impl Run {
    fn verdict(&self) -> Verdict {
        self.report.verdict().expect("a verdict")
    }
    fn branch(&self, check: Check) -> &str {
        self.report.tree.node(check).branch.as_deref().unwrap_or("")
    }
    fn outcome(&self, check: Check) -> Outcome {
        self.report.tree.node(check).outcome
    }
    fn tree_json(&self) -> String {
        serde_json::to_string(&self.report.tree).expect("the tree serializes")
    }
    fn sent_to(&self, url: &str) -> Vec<&(Request, Answer)> {
        self.sent.iter().filter(|(r, _)| r.url == url).collect()
    }
}

/// Diagnoses `form` against `tenant` the way the demo transport does: every request becomes a
/// `SimRequest`, every `SimResponse` an engine `Answer` under the request's time limit.
fn diagnose(form: &Form, tenant: &mut SimTenant) -> Run {
    let mut dx = match form.validate() {
        Ok(inputs) => Diagnosis::new(inputs, None, NOW),
        Err(_) => Diagnosis::from_form(form, None, NOW),
    };
    let mut sent = Vec::new();
    let mut rounds = 0;
    loop {
        match dx.poll() {
            Step::Send(requests) => {
                for request in requests {
                    let response = tenant.answer(&SimRequest::from(&request));
                    let answer = to_answer(&response, request.timeout_ms);
                    assert_eq!(
                        answer,
                        response.to_answer(request.timeout_ms),
                        "the helper converts as the browser would"
                    );
                    assert!(dx.receive(request.id, answer.clone()));
                    sent.push((request, answer));
                }
                rounds += 1;
                assert!(rounds < 30, "the diagnosis ends");
            }
            Step::Waiting => panic!("every request was answered"),
            Step::Done(report) => {
                common::assert_sound(&report);
                return Run {
                    report: *report,
                    sent,
                };
            }
        }
    }
}

/// The conversion spelled out: a fault is no answer, an answer slower than the limit timed out.
fn to_answer(response: &SimResponse, timeout_ms: u64) -> Answer {
    if response.delay_ms > timeout_ms {
        return Answer::TimedOut {
            elapsed_ms: timeout_ms,
        };
    }
    match response.fault {
        Some(Fault::NoAnswer) => Answer::NoAnswer {
            message: "TypeError: Failed to fetch".into(),
            elapsed_ms: response.delay_ms,
        },
        None => Answer::Response(agent_state_doctor::engine::Response {
            status: response.status,
            headers: response.headers.clone(),
            body: response.body.clone(),
            elapsed_ms: response.delay_ms,
        }),
    }
}

fn run(scenario: Scenario) -> Run {
    diagnose(&scenario.form(), &mut SimTenant::new())
}

fn token_request(host: &str, client_id: &str, secret: &str) -> SimRequest {
    SimRequest::new("POST", &format!("{host}/oauth/token"))
        .with_header(
            "Authorization",
            &format!("Basic {}", basic_credentials(client_id, secret)),
        )
        .with_header("Content-Type", "application/x-www-form-urlencoded")
        .with_body("grant_type=client_credentials")
}

fn access_token(tenant: &mut SimTenant, host: &str, scenario: Scenario) -> String {
    let answer = tenant.answer(&token_request(host, &scenario.client_id(), DEMO_SECRET));
    assert_eq!(answer.status, 200, "{}", answer.body);
    let json: Value = serde_json::from_str(&answer.body).unwrap();
    json["access_token"].as_str().unwrap().to_string()
}

fn get(url: &str, token: &str) -> SimRequest {
    SimRequest::new("GET", url).with_header("Authorization", &format!("Bearer {token}"))
}

// ----- every scenario reaches its verdict -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_scenario_reaches_its_verdict_on_one_shared_tenant() {
    // One tenant serves all scenarios, twice over: counters must not leak between runs.
    let mut tenant = SimTenant::new();
    for pass in 0..2 {
        for &scenario in Scenario::ALL {
            let run = diagnose(&scenario.form(), &mut tenant);
            assert_eq!(
                run.verdict(),
                scenario.verdict(),
                "scenario {} (pass {pass}): {}",
                scenario.id(),
                run.report.tree.summary
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_verdict_is_reached_by_some_scenario() {
    let covered: HashSet<Verdict> = Scenario::ALL.iter().map(|s| s.verdict()).collect();
    for verdict in Verdict::ALL {
        assert!(
            covered.contains(&verdict),
            "no scenario ends in {}",
            verdict.code()
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_secret_and_the_tokens_never_reach_the_tree() {
    let mut tenant = SimTenant::new();
    for &scenario in Scenario::ALL {
        let run = diagnose(&scenario.form(), &mut tenant);
        let tree = run.tree_json();
        assert!(
            !tree.contains(DEMO_SECRET),
            "{}: the secret is in the tree",
            scenario.id()
        );
        let basic = basic_credentials(&scenario.client_id(), DEMO_SECRET);
        assert!(
            !tree.contains(&basic),
            "{}: Basic credentials",
            scenario.id()
        );
        for (_, answer) in &run.sent {
            let Some(response) = answer.response() else {
                continue;
            };
            assert!(
                !response.body.contains(DEMO_SECRET),
                "the tenant never echoes the secret"
            );
            let json: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
            if let Some(token) = json.get("access_token").and_then(Value::as_str) {
                assert!(
                    !tree.contains(token),
                    "{}: the access token is in the tree",
                    scenario.id()
                );
            }
        }
    }
}

// ----- the stories, checked in more detail -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn logged_in_shows_state_and_skill_group_and_both_endpoints_agree() {
    let run = run(Scenario::LoggedIn);
    let verdict = run.report.tree.verdict.as_ref().unwrap();
    assert!(verdict.explanation.contains("Dana Whitfield"));
    assert!(verdict.explanation.contains("Available"));
    assert!(verdict.explanation.contains("Billing"));
    assert_eq!(run.branch(Check::CrossCheck), "agree_in");
    assert_eq!(run.branch(Check::Scopes), "all");
    assert_eq!(run.branch(Check::AgentId), "present");
    assert_eq!(run.report.tree.rounds, 3);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rate_limited_then_ok_recovers_after_honouring_retry_after_on_every_run() {
    let mut tenant = SimTenant::new();
    for _ in 0..3 {
        let run = diagnose(&Scenario::RateLimitedThenOk.form(), &mut tenant);
        assert_eq!(run.verdict(), Verdict::LoggedIn);
        let tries = run.sent_to(&format!("{PROD}/api/v2/users/{DEMO_USER_ID}"));
        assert_eq!(tries.len(), 2, "one 429, then the answer");
        assert_eq!(tries[0].0.delay_ms, 0);
        assert_eq!(tries[1].0.delay_ms, 1_000, "Retry-After: 1 honoured");
        let first = tries[0].1.response().unwrap();
        assert_eq!(first.status, 429);
        assert_eq!(first.header("retry-after"), Some("1"));
        assert_eq!(tries[1].1.response().unwrap().status, 200);
        assert_eq!(run.report.tree.node(Check::User).exchanges.len(), 2);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rate_limited_keeps_answering_429_through_every_retry() {
    let run = run(Scenario::RateLimited);
    let tries = run.sent_to(&format!("{PROD}/api/v2/users/{DEMO_USER_ID}"));
    assert_eq!(tries.len(), 3, "three tries in total");
    assert!(tries
        .iter()
        .all(|(_, a)| a.response().is_some_and(|r| r.status == 429)));
    assert_eq!(run.branch(Check::User), "rate_limited");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn logged_out_asks_devtest_too_and_reads_a_bare_array_a_string_expiry_and_a_204() {
    let run = run(Scenario::LoggedOut);
    assert_eq!(run.branch(Check::OtherEnvironment), "logged_out");
    assert_eq!(run.branch(Check::CrossCheck), "agree_out");
    assert_eq!(run.branch(Check::StateList), "absent", "others are working");
    assert_eq!(run.sent_to(&format!("{DEVTEST}/oauth/token")).len(), 1);
    let list = run.sent_to(&format!("{PROD}/api/v2/agents/states"))[0]
        .1
        .response()
        .unwrap()
        .body
        .clone();
    assert!(list.trim_start().starts_with('['), "a bare array: {list}");
    let devtest_state = run.sent_to(&format!("{DEVTEST}/api/v2/agents/{DEMO_AGENT_ID}/state"))[0]
        .1
        .response()
        .unwrap()
        .clone();
    assert_eq!(devtest_state.status, 204);
    assert_eq!(run.branch(Check::TokenLifetime), "long");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wrong_environment_finds_the_session_on_devtest() {
    let run = run(Scenario::WrongEnvironment);
    assert_eq!(run.branch(Check::OtherEnvironment), "logged_in");
    let explanation = &run.report.tree.verdict.as_ref().unwrap().explanation;
    assert!(explanation.contains("DevTest") && explanation.contains("Training"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn missing_scope_silent_answers_empty_200s_and_the_token_lacks_state_read() {
    let run = run(Scenario::MissingScopeSilent);
    assert_eq!(run.branch(Check::Scopes), "lacks_state_read");
    assert_eq!(run.branch(Check::AgentState), "no_session");
    assert_eq!(run.branch(Check::StateList), "empty");
    assert_eq!(run.branch(Check::OtherEnvironment), "scope");
    for (request, answer) in &run.sent {
        if matches!(
            request.kind,
            RequestKind::AgentState | RequestKind::StateList
        ) {
            let r = answer.response().unwrap();
            assert_eq!(r.status, 200);
            assert!(r.body == "{}" || r.body == "[]", "{}", r.body);
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn missing_scope_forbidden_answers_403_and_names_scopes_only_in_the_jwt() {
    let run = run(Scenario::MissingScopeForbidden);
    assert_eq!(run.branch(Check::AgentState), "forbidden");
    assert_eq!(run.branch(Check::Scopes), "lacks_state_read");
    let summary = &run.report.tree.node(Check::Scopes).summary;
    assert!(summary.contains("JWT"), "{summary}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_id_stories_take_the_engines_extra_calls() {
    let run = run(Scenario::IdIsAgentId);
    assert_eq!(run.branch(Check::User), "is_agent_id");
    assert_eq!(
        run.sent_to(&format!("{PROD}/api/v2/agents/{DEMO_AGENT_ID}/state"))
            .len(),
        1,
        "the typed user ID was tried as an agent ID"
    );
    let run = self::run(Scenario::IdIsUserId);
    assert_eq!(run.branch(Check::AgentState), "is_user_id");
    assert!(run
        .report
        .tree
        .node(Check::AgentState)
        .summary
        .contains(DEMO_AGENT_ID));
    let run = self::run(Scenario::UserNotFound);
    assert_eq!(run.branch(Check::User), "not_found");
    let run = self::run(Scenario::NotAnAgent);
    assert_eq!(run.branch(Check::AgentId), "none");
    let run = self::run(Scenario::AgentNotFound);
    assert_eq!(run.branch(Check::AgentState), "not_found");
    assert!(run
        .report
        .tree
        .node(Check::AgentState)
        .summary
        .contains("4999"));
    let run = self::run(Scenario::InconsistentState);
    assert_eq!(run.branch(Check::CrossCheck), "disagree");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_failing_api_stories_fail_where_they_say() {
    let run = run(Scenario::ServiceError);
    assert_eq!(run.branch(Check::AgentState), "service_error");
    let run = self::run(Scenario::TokenRejected);
    assert_eq!(run.outcome(Check::Token), Outcome::Pass);
    assert_eq!(run.branch(Check::User), "token_rejected");
    assert!(run.report.token.is_none());
    let run = self::run(Scenario::BadCredentials);
    assert_eq!(run.branch(Check::Token), "refused");
    assert!(run
        .report
        .tree
        .node(Check::Token)
        .summary
        .contains("invalid_client"));
    let run = self::run(Scenario::Timeout);
    assert_eq!(run.branch(Check::AgentState), "timeout");
    assert!(run.sent.iter().all(|(r, _)| r.timeout_ms == 2_000));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_path_stories_settle_the_relay_check() {
    let run = run(Scenario::RelayMisconfigured);
    assert_eq!(run.branch(Check::Token), "not_api");
    assert_eq!(run.branch(Check::Relay), "not_api");
    let run = self::run(Scenario::TenantUnreachable);
    assert_eq!(run.branch(Check::Relay), "cannot_reach_host");
    assert!(run
        .report
        .tree
        .node(Check::Token)
        .summary
        .contains("ENOTFOUND"));
    let run = self::run(Scenario::RelayUnreachable);
    assert_eq!(run.branch(Check::Relay), "unreachable");
    let run = self::run(Scenario::CorsBlocked);
    assert_eq!(run.branch(Check::Relay), "direct");
    assert_eq!(run.branch(Check::Token), "no_answer");
    let run = self::run(Scenario::InvalidInput);
    assert!(run.sent.is_empty(), "nothing was sent");
}

// ----- the scenarios' own promises -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn scenario_ids_are_stable_kebab_case_and_select_by_client_id() {
    let mut ids = HashSet::new();
    for &scenario in Scenario::ALL {
        let id = scenario.id();
        assert!(ids.insert(id), "{id} is unique");
        assert!(id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        assert!(!id.starts_with('-') && !id.ends_with('-') && !id.contains("--"));
        assert_eq!(Scenario::parse(id), Some(scenario));
        assert_eq!(scenario.client_id(), format!("demo-{id}"));
        assert_eq!(
            Scenario::from_client_id(&scenario.client_id()),
            Some(scenario)
        );
        assert!(!scenario.title().is_empty());
        let description = scenario.description();
        assert!(description.ends_with('.') && description.len() > 40, "{id}");
    }
    assert_eq!(Scenario::parse("nope"), None);
    assert_eq!(Scenario::from_client_id("logged-in"), None);
    assert_eq!(Scenario::from_client_id("acme-logged-in"), None);
    assert_eq!(Scenario::parse("logged-in"), Some(Scenario::LoggedIn));
    assert_eq!(
        Scenario::parse("wrong-environment"),
        Some(Scenario::WrongEnvironment)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_form_is_a_demo_form_and_only_invalid_input_fails_validation() {
    // The guide's forms; the platform's are checked in sim_platform.rs.
    for &scenario in Scenario::ALL
        .iter()
        .filter(|s| s.profile() == agent_state_doctor::inputs::Profile::Guide)
    {
        let form = scenario.form();
        assert_eq!(form.get(Field::ClientId), scenario.client_id());
        assert_eq!(form.get(Field::ClientSecret), DEMO_SECRET);
        assert_eq!(form.get(Field::Environment), "prod");
        assert_eq!(form.get(Field::Profile), "guide");
        assert_eq!(form.get(Field::ApiHost), "");
        assert_eq!(form.get(Field::Relay), scenario.relay().unwrap_or(""));
        match form.validate() {
            Ok(inputs) => {
                assert_ne!(scenario, Scenario::InvalidInput);
                assert_eq!(inputs.tenant, "demo");
                assert_eq!(inputs.environment, Environment::Prod);
                let timeout = if scenario == Scenario::Timeout { 2 } else { 15 };
                assert_eq!(inputs.timeout_secs, timeout, "{}", scenario.id());
                assert!(inputs.user_id.is_some() || inputs.agent_id.is_some());
            }
            Err(errors) => {
                assert_eq!(scenario, Scenario::InvalidInput);
                assert_eq!(errors[0].field, Field::Tenant);
            }
        }
    }
    assert_eq!(Scenario::LoggedIn.form().get(Field::UserId), DEMO_USER_ID);
    assert_eq!(
        Scenario::IdIsAgentId.form().get(Field::UserId),
        DEMO_AGENT_ID
    );
    let swapped = Scenario::IdIsUserId.form();
    assert_eq!(swapped.get(Field::UserId), "");
    assert_eq!(swapped.get(Field::AgentId), DEMO_USER_ID);
    assert_eq!(Scenario::CorsBlocked.form().get(Field::Relay), "");
    assert_eq!(
        Scenario::RelayUnreachable.form().get(Field::Relay),
        "/relay/"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn only_the_transport_scenarios_answer_with_faults_and_are_not_over_http() {
    let mut tenant = SimTenant::new();
    for &scenario in Scenario::ALL {
        let answers: Vec<SimResponse> = {
            let form = scenario.form();
            let Ok(inputs) = form.validate() else {
                continue;
            };
            let mut dx = Diagnosis::new(inputs, None, NOW);
            let mut answers = Vec::new();
            while let Step::Send(requests) = dx.poll() {
                for request in requests {
                    let response = tenant.answer(&SimRequest::from(&request));
                    dx.receive(request.id, response.to_answer(request.timeout_ms));
                    answers.push(response);
                }
            }
            answers
        };
        let faults = answers.iter().any(|a| a.fault.is_some());
        assert_eq!(faults, !scenario.over_http(), "{}", scenario.id());
        for answer in &answers {
            if answer.fault.is_some() {
                assert_eq!(answer.status, 0);
                assert!(answer.body.is_empty() && answer.headers.is_empty());
            } else {
                assert!(answer.status >= 200, "{}", scenario.id());
            }
        }
    }
    assert!(!Scenario::CorsBlocked.over_http());
    assert!(!Scenario::RelayUnreachable.over_http());
    assert!(Scenario::Timeout.over_http());
}

// ----- the tenant's answers, request by request -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_token_endpoint_refuses_wrong_secrets_unknown_clients_and_missing_credentials() {
    let mut tenant = SimTenant::new();
    let wrong = tenant.answer(&token_request(PROD, "demo-logged-in", "not-the-secret"));
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("invalid_client"));
    assert!(!wrong.body.contains("not-the-secret"));
    let unknown = tenant.answer(&token_request(PROD, "acme-client", DEMO_SECRET));
    assert_eq!(unknown.status, 401);
    let bare = tenant.answer(
        &SimRequest::new("POST", &format!("{PROD}/oauth/token"))
            .with_body("grant_type=client_credentials"),
    );
    assert_eq!(bare.status, 401);
    assert!(bare.header("www-authenticate").is_some());
    let refused = tenant.answer(&token_request(PROD, "demo-bad-credentials", DEMO_SECRET));
    assert_eq!(refused.status, 401);
    assert_eq!(refused.body, wrong.body, "a refusal says nothing more");
    let no_grant = tenant.answer(
        &token_request(PROD, "demo-logged-in", DEMO_SECRET).with_body("grant_type=password"),
    );
    assert_eq!(no_grant.status, 400);
    assert_eq!(tenant.tokens_issued(), 0);
    let ok = tenant.answer(&token_request(PROD, "demo-logged-in", DEMO_SECRET));
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let json: Value = serde_json::from_str(&ok.body).unwrap();
    assert_eq!(json["token_type"], "Bearer");
    assert_eq!(json["expires_in"], 3600);
    assert_eq!(json["scope"], "user:read agent:read agent:state:read");
    assert_eq!(tenant.tokens_issued(), 1);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_token_is_a_jwt_that_carries_scenario_environment_and_scopes() {
    use agent_state_doctor::engine::jwt;
    let mut tenant = SimTenant::new();
    let prod = access_token(&mut tenant, PROD, Scenario::MissingScopeSilent);
    let claims = jwt::claims(&prod).expect("a JWT");
    assert_eq!(claims["scenario"], "missing-scope-silent");
    assert_eq!(claims["env"], "prod");
    assert_eq!(
        jwt::scopes(&prod).unwrap(),
        vec!["user:read".to_string(), "agent:read".to_string()]
    );
    let devtest = access_token(&mut tenant, DEVTEST, Scenario::LoggedIn);
    assert_eq!(jwt::claims(&devtest).unwrap()["env"], "devtest");
    assert_ne!(prod, devtest);
    let expired = access_token(&mut tenant, PROD, Scenario::TokenRejected);
    assert!(jwt::claims(&expired).unwrap()["exp"].as_u64().unwrap() < NOW / 1000);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn api_calls_need_a_token_this_tenant_issued_for_that_environment() {
    let mut tenant = SimTenant::new();
    let user_url = format!("{PROD}/api/v2/users/{DEMO_USER_ID}");
    let missing = tenant.answer(&SimRequest::new("GET", &user_url));
    assert_eq!(missing.status, 401);
    assert!(missing.body.contains("invalid_token"));
    let forged = tenant.answer(&get(&user_url, "at-9f8e7d6c5b4a3210-prod"));
    assert_eq!(forged.status, 401);
    let devtest = access_token(&mut tenant, DEVTEST, Scenario::LoggedIn);
    assert_eq!(tenant.answer(&get(&user_url, &devtest)).status, 401);
    let prod = access_token(&mut tenant, PROD, Scenario::LoggedIn);
    let user = tenant.answer(&get(&user_url, &prod));
    assert_eq!(user.status, 200);
    let json: Value = serde_json::from_str(&user.body).unwrap();
    assert_eq!(json["agentId"], 4021, "a numeric ID here");
    assert!(json["lastLogin"].is_null());
    let list = tenant.answer(&get(&format!("{PROD}/api/v2/agents/states"), &prod));
    let json: Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(json["entities"][0]["agentId"], "4021", "a string ID there");
    let unknown = tenant.answer(&get(&format!("{PROD}/api/v2/skills"), &prod));
    assert_eq!(unknown.status, 404);
    let posted = tenant.answer(&get(&user_url, &prod).with_body("{}"));
    assert_eq!(posted.status, 200, "a body on GET is ignored");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_environment_comes_from_the_host_even_behind_a_relay_or_a_host_header() {
    let mut tenant = SimTenant::new();
    let token = access_token(&mut tenant, DEVTEST, Scenario::WrongEnvironment);
    let state = format!("/api/v2/agents/{DEMO_AGENT_ID}/state");
    // Relay prefix, {url} template, and a bare path with the original host in a header.
    let prefixed = get(&format!("/relay/{DEVTEST}{state}"), &token);
    let templated = get(
        &format!(
            "https://r.example/?url={}",
            agent_state_doctor::percent::encode(&format!("{DEVTEST}{state}"))
        ),
        &token,
    );
    let bare = get(&state, &token).with_header("Host", "demo.devtest.nicecxone.com:443");
    for request in [prefixed, templated, bare] {
        let answer = tenant.answer(&request);
        assert_eq!(answer.status, 200, "{request:?}: {}", answer.body);
        assert!(answer.body.contains("Training"), "DevTest's session");
    }
    // The same token on a Production host is refused.
    let prod = tenant.answer(&get(&format!("{PROD}{state}"), &token));
    assert_eq!(prod.status, 401);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_relay_probe_is_silent_only_when_the_relay_is_down() {
    let mut tenant = SimTenant::new();
    let healthy = tenant.answer(&SimRequest::new("GET", ""));
    assert_eq!(healthy.status, 200);
    assert!(healthy.body.contains("relay"));
    let named = tenant.answer(&SimRequest::relay_health(Some(Scenario::RelayUnreachable)));
    assert_eq!(named.fault, Some(Fault::NoAnswer));
    let by_query = tenant.answer(&SimRequest::new(
        "GET",
        "https://relay.example/healthz?scenario=relay-unreachable",
    ));
    assert_eq!(by_query.fault, Some(Fault::NoAnswer));
    assert!(tenant
        .answer(&SimRequest::relay_health(Some(Scenario::LoggedIn)))
        .fault
        .is_none());
    // Without a hint, the latest token request's scenario decides.
    let down = tenant.answer(&token_request(PROD, "demo-relay-unreachable", DEMO_SECRET));
    assert_eq!(down.fault, Some(Fault::NoAnswer));
    assert_eq!(tenant.latest_scenario(), Some(Scenario::RelayUnreachable));
    assert_eq!(
        tenant.answer(&SimRequest::new("GET", "")).fault,
        Some(Fault::NoAnswer)
    );
    assert!(SimRequest::relay_health(Some(Scenario::LoggedIn))
        .header(SCENARIO_HEADER)
        .is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_odd_answers_look_like_the_real_thing() {
    let mut tenant = SimTenant::new();
    let html = tenant.answer(&token_request(
        PROD,
        "demo-relay-misconfigured",
        DEMO_SECRET,
    ));
    assert_eq!(html.header("content-type"), Some("text/html"));
    assert!(html.body.contains("<html>"));
    let proxy = tenant.answer(&token_request(PROD, "demo-tenant-unreachable", DEMO_SECRET));
    assert_eq!(proxy.status, 404);
    assert!(
        proxy.body.contains("proxy error") && proxy.body.contains("ENOTFOUND demo.nicecxone.com")
    );
    let token = access_token(&mut tenant, PROD, Scenario::Timeout);
    let slow = tenant.answer(&get(
        &format!("{PROD}/api/v2/agents/{DEMO_AGENT_ID}/state"),
        &token,
    ));
    assert_eq!(slow.delay_ms, SLOW_DELAY_MS);
    assert!(matches!(
        slow.to_answer(2_000),
        Answer::TimedOut { elapsed_ms: 2_000 }
    ));
    assert!(
        matches!(slow.to_answer(0), Answer::Response(_)),
        "0 means no limit"
    );
    let token = access_token(&mut tenant, PROD, Scenario::ServiceError);
    let down = tenant.answer(&get(
        &format!("{PROD}/api/v2/agents/{DEMO_AGENT_ID}/state"),
        &token,
    ));
    assert_eq!(down.status, 503);
    let token = access_token(&mut tenant, PROD, Scenario::RateLimited);
    let limited = tenant.answer(&get(&format!("{PROD}/api/v2/agents/states"), &token));
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("Retry-After"), Some("1"));
    let fault = SimResponse::fault(Fault::NoAnswer, 30).to_answer(15_000);
    assert!(matches!(fault, Answer::NoAnswer { elapsed_ms: 30, .. }));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn over_an_api_host_override_every_http_scenario_but_wrong_environment_keeps_its_verdict() {
    // How the end-to-end tests reach the HTTP server: the API host replaces the tenant's host,
    // so there is no other environment to ask.
    let mut tenant = SimTenant::new();
    for &scenario in Scenario::ALL.iter().filter(|s| s.over_http()) {
        let mut form = scenario.form();
        form.set(Field::ApiHost, "http://127.0.0.1:8788");
        let run = diagnose(&form, &mut tenant);
        let expected = if scenario.needs_other_environment() {
            Verdict::LoggedOut
        } else if scenario.needs_discovery() {
            // The API host replaces discovery: the platform's tenant is then healthy.
            Verdict::LoggedIn
        } else {
            scenario.verdict()
        };
        assert_eq!(expected, scenario.verdict_with_api_host());
        assert_eq!(run.verdict(), expected, "{}", scenario.id());
    }
}
