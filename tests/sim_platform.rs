//! The simulated platform tenant drives the real engine to every platform verdict: each platform
//! scenario's form, validated as the page does, diagnosed against one `SimTenant`, ends in the
//! scenario's verdict; and the tenant answers NICE's published paths as API.md describes them.
//! Runs natively and in headless Chromium.

mod common;

use agent_state_doctor::engine::{jwt, Check, Outcome, RequestKind, Verdict};
use agent_state_doctor::inputs::{Field, Profile, DEFAULT_ISSUER};
use agent_state_doctor::profile::guide::basic_credentials;
use agent_state_doctor::profile::platform::password_grant_body;
use agent_state_doctor::sim::{
    diagnose_offline, platform_tenant_id, Scenario, SimRequest, SimResponse, SimTenant,
    DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_AGENT_ID, DEMO_API_ENDPOINT, DEMO_SECRET,
    DEMO_USER_ID,
};
use serde_json::Value;
use std::collections::HashSet;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const NOW: u64 = 1_700_000_000_000;

fn platform() -> impl Iterator<Item = Scenario> {
    Scenario::ALL
        .iter()
        .copied()
        .filter(|s| s.profile() == Profile::Platform)
}

fn token_request(client_id: &str, secret: &str, body: &str) -> SimRequest {
    SimRequest::new("POST", &format!("{DEFAULT_ISSUER}/auth/token"))
        .with_header(
            "Authorization",
            &format!("Basic {}", basic_credentials(client_id, secret)),
        )
        .with_header("Content-Type", "application/x-www-form-urlencoded")
        .with_body(body)
}

fn demo_grant() -> String {
    password_grant_body(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
}

fn body(answer: &SimResponse) -> Value {
    serde_json::from_str(&answer.body).unwrap_or(Value::Null)
}

fn access_token(tenant: &mut SimTenant, scenario: Scenario) -> String {
    let answer = tenant.answer(&token_request(
        &scenario.client_id(),
        DEMO_SECRET,
        &demo_grant(),
    ));
    assert_eq!(answer.status, 200, "{}", answer.body);
    body(&answer)["access_token"].as_str().unwrap().to_string()
}

fn get(url: &str, token: &str) -> SimRequest {
    SimRequest::new("GET", url).with_header("Authorization", &format!("Bearer {token}"))
}

fn services(path: &str) -> String {
    format!("{DEMO_API_ENDPOINT}/incontactapi/services/v27.0/{path}")
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_platform_scenario_reaches_its_verdict_on_one_shared_tenant() {
    let mut tenant = SimTenant::new();
    for pass in 0..2 {
        for scenario in platform() {
            let report = diagnose_offline(&scenario.form(), &mut tenant, NOW);
            common::assert_sound(&report);
            assert_eq!(report.tree.profile, Profile::Platform);
            assert_eq!(
                report.verdict(),
                Some(scenario.verdict()),
                "{} (pass {pass}): {}",
                scenario.id(),
                report.tree.summary
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_verdict_but_wrong_environment_and_missing_scope_is_reached_by_a_platform_scenario() {
    // missing_scope is the guide's vocabulary: a platform 403 is missing_permission.
    let covered: HashSet<Verdict> = platform().map(|s| s.verdict()).collect();
    for verdict in Verdict::ALL {
        assert_eq!(
            covered.contains(&verdict),
            !matches!(verdict, Verdict::WrongEnvironment | Verdict::MissingScope),
            "{}",
            verdict.code()
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn over_an_api_host_override_every_http_platform_scenario_keeps_its_verdict_but_discovery() {
    let mut tenant = SimTenant::new();
    for scenario in platform().filter(|s| s.over_http()) {
        let mut form = scenario.form();
        form.set(Field::ApiHost, "http://127.0.0.1:8788");
        let report = diagnose_offline(&form, &mut tenant, NOW);
        assert_eq!(
            report.verdict(),
            Some(scenario.verdict_with_api_host()),
            "{}",
            scenario.id()
        );
        if scenario.verdict() != Verdict::InvalidInput {
            assert_ne!(
                report.tree.node(Check::Discovery).branch.as_deref(),
                Some("found")
            );
        }
    }
    assert!(Scenario::PlatformDiscoveryFailed.needs_own_hosts());
    assert!(!Scenario::PlatformLoggedIn.needs_own_hosts());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn no_secret_access_key_secret_or_token_reaches_the_tree() {
    let mut tenant = SimTenant::new();
    let encoded = agent_state_doctor::percent::encode(DEMO_ACCESS_KEY_SECRET);
    assert_ne!(
        encoded, DEMO_ACCESS_KEY_SECRET,
        "the demo secret needs encoding"
    );
    for scenario in platform() {
        let report = diagnose_offline(&scenario.form(), &mut tenant, NOW);
        let tree = serde_json::to_string(&report.tree).unwrap();
        for secret in [DEMO_SECRET, DEMO_ACCESS_KEY_SECRET, encoded.as_str()] {
            assert!(!tree.contains(secret), "{}: {secret}", scenario.id());
        }
        assert!(
            !tree.contains("sim-refresh-"),
            "{}: refresh token",
            scenario.id()
        );
        for node in &report.tree.checks {
            for exchange in &node.exchanges {
                let body = exchange.response_body.as_deref().unwrap_or("");
                let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
                for key in ["access_token", "refresh_token", "id_token"] {
                    if let Some(value) = json.get(key).and_then(Value::as_str) {
                        assert_eq!(value, "<redacted>", "{}: {key}", scenario.id());
                    }
                }
            }
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn platform_forms_are_demo_forms_and_only_invalid_input_fails_validation() {
    let mut ids = HashSet::new();
    for scenario in platform() {
        assert!(scenario.id().starts_with("platform-"));
        assert!(ids.insert(scenario.id()));
        assert_eq!(
            Scenario::from_client_id(&scenario.client_id()),
            Some(scenario)
        );
        let form = scenario.form();
        assert_eq!(form.get(Field::Profile), "platform");
        assert_eq!(form.get(Field::ClientId), scenario.client_id());
        assert_eq!(form.get(Field::ClientSecret), DEMO_SECRET);
        assert_eq!(form.get(Field::AccessKeyId), DEMO_ACCESS_KEY_ID);
        assert_eq!(form.get(Field::AccessKeySecret), DEMO_ACCESS_KEY_SECRET);
        assert_eq!(form.get(Field::Tenant), "");
        assert_eq!(form.get(Field::ApiHost), "");
        assert_eq!(form.get(Field::Relay), scenario.relay().unwrap_or(""));
        assert!(!scenario.needs_other_environment());
        match form.validate() {
            Ok(inputs) => {
                assert_ne!(scenario, Scenario::PlatformInvalidInput);
                assert_eq!(inputs.issuer, DEFAULT_ISSUER);
                assert_eq!(inputs.api_version, "v27.0");
            }
            Err(errors) => {
                assert_eq!(scenario, Scenario::PlatformInvalidInput);
                assert_eq!(errors[0].field, Field::Issuer);
            }
        }
    }
    // Every guide scenario ID is there too, none clashes.
    let guide: HashSet<&str> = Scenario::ALL
        .iter()
        .filter(|s| s.profile() == Profile::Guide)
        .map(|s| s.id())
        .collect();
    assert!(ids.is_disjoint(&guide));
    assert!(!Scenario::PlatformCorsBlocked.over_http());
    assert!(!Scenario::PlatformRelayUnreachable.over_http());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_stories_take_the_path_they_tell() {
    let mut tenant = SimTenant::new();
    let mut run = |s: Scenario| diagnose_offline(&s.form(), &mut tenant, NOW).tree;
    let tree = run(Scenario::PlatformLoggedIn);
    assert_eq!(tree.rounds, 4);
    assert_eq!(tree.host, DEMO_API_ENDPOINT);
    assert_eq!(tree.node(Check::Discovery).branch.as_deref(), Some("found"));
    assert_eq!(tree.node(Check::Scopes).outcome, Outcome::Unknown);
    let tree = run(Scenario::PlatformLoggedOut);
    assert!(tree.node(Check::AgentState).summary.contains("LoggedOut"));
    let tree = run(Scenario::PlatformResultSet);
    assert!(tree
        .verdict
        .unwrap()
        .explanation
        .contains("Unavailable (Lunch)"));
    let tree = run(Scenario::PlatformIdIsAgentId);
    assert_eq!(
        tree.node(Check::User).branch.as_deref(),
        Some("is_agent_id")
    );
    let tree = run(Scenario::PlatformIdIsUserId);
    assert!(tree
        .node(Check::AgentState)
        .summary
        .contains(&format!("agent ID is {DEMO_AGENT_ID}")));
    let tree = run(Scenario::PlatformNotAnAgent);
    assert_eq!(tree.node(Check::AgentId).branch.as_deref(), Some("none"));
    let tree = run(Scenario::PlatformDiscoveryFailed);
    assert_eq!(
        tree.node(Check::Discovery).branch.as_deref(),
        Some("not_found")
    );
    let tree = run(Scenario::PlatformTenantUnreachable);
    assert_eq!(tree.node(Check::Discovery).branch.as_deref(), Some("found"));
    assert!(tree.node(Check::User).summary.contains("ENOTFOUND api-na1"));
    let tree = run(Scenario::PlatformBadCredentials);
    assert!(tree
        .node(Check::Token)
        .summary
        .contains("not authorized for user"));
    let tree = run(Scenario::PlatformMissingPermission);
    assert_eq!(
        tree.node(Check::AgentState).branch.as_deref(),
        Some("no_permission")
    );
    let tree = run(Scenario::PlatformRateLimitedThenOk);
    assert_eq!(tree.node(Check::User).exchanges.len(), 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_token_endpoint_wants_the_demo_client_and_access_key() {
    let mut tenant = SimTenant::new();
    let client = Scenario::PlatformLoggedIn.client_id();
    let wrong_secret = tenant.answer(&token_request(&client, "nope", &demo_grant()));
    assert_eq!(wrong_secret.status, 401);
    let wrong_key = tenant.answer(&token_request(
        &client,
        DEMO_SECRET,
        &password_grant_body(DEMO_ACCESS_KEY_ID, "guess"),
    ));
    assert_eq!(wrong_key.status, 400);
    assert_eq!(body(&wrong_key)["error"], "invalid_grant");
    let client_credentials = tenant.answer(&token_request(
        &client,
        DEMO_SECRET,
        "grant_type=client_credentials",
    ));
    assert_eq!(body(&client_credentials)["error"], "unsupported_grant_type");
    let guide_client = tenant.answer(&token_request(
        &Scenario::LoggedIn.client_id(),
        DEMO_SECRET,
        &demo_grant(),
    ));
    assert_eq!(guide_client.status, 401, "a guide client has no access key");
    assert_eq!(tenant.tokens_issued(), 0);
    let ok = tenant.answer(&token_request(&client, DEMO_SECRET, &demo_grant()));
    let json = body(&ok);
    assert_eq!(json["token_type"], "Bearer");
    assert!(
        json.get("scope").is_none(),
        "NICE's token answer names no scope"
    );
    assert!(json["refresh_token"].is_string());
    let claims = jwt::claims(json["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(
        claims["tenantId"],
        platform_tenant_id(Scenario::PlatformLoggedIn)
    );
    assert_eq!(claims["area"], "na1");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_tenant_answers_the_published_paths_by_path_on_any_host() {
    let mut tenant = SimTenant::new();
    let config = tenant.answer(&SimRequest::new(
        "GET",
        &format!(
            "{DEFAULT_ISSUER}/.well-known/cxone-configuration?tenantId={}",
            platform_tenant_id(Scenario::PlatformLoggedIn)
        ),
    ));
    assert_eq!(config.status, 200);
    assert_eq!(body(&config)["api_endpoint"], DEMO_API_ENDPOINT);
    let token = access_token(&mut tenant, Scenario::PlatformLoggedIn);
    let user = tenant.answer(&get(
        &format!("{DEMO_API_ENDPOINT}/user-management/v1/users/{DEMO_USER_ID}"),
        &token,
    ));
    assert_eq!(body(&user)["user"]["id"], DEMO_USER_ID);
    // searchString matches names only, as far as NICE documents it: not a user ID.
    let search = tenant.answer(&get(&services("agents?searchString=Whitfield"), &token));
    assert_eq!(body(&search)["agents"][0]["agentId"], 4021);
    assert_eq!(body(&search)["agents"][0]["userID"], DEMO_USER_ID);
    let by_uuid = tenant.answer(&get(
        &services(&format!("agents?searchString={DEMO_USER_ID}")),
        &token,
    ));
    assert_eq!(by_uuid.status, 204);
    // The lists are paged at 100, with more than 100 agents.
    let first = body(&tenant.answer(&get(&services("agents?top=500"), &token)));
    assert_eq!(first["agents"].as_array().unwrap().len(), 100);
    assert!(first["totalRecords"].as_u64().unwrap() > 100);
    assert!(first["_links"]["next"].is_string());
    assert_eq!(first["hiddenAgents"], 0);
    let second = body(&tenant.answer(&get(&services("agents/states?skip=100"), &token)));
    assert!(!second["agentStates"].as_array().unwrap().is_empty());
    let agent = tenant.answer(&get(&services("agents/4021"), &token));
    assert_eq!(body(&agent)["agents"][0]["userID"], DEMO_USER_ID);
    let own = tenant.answer(&get(&services("agents/4021/states"), &token));
    assert_eq!(body(&own)["agentStates"][0]["agentStateName"], "Available");
    // Another origin (an API host override, a relay's upstream) and another version: same tenant.
    let relayed = tenant.answer(&get(
        "/relay/http://127.0.0.1:8788/incontactapi/services/v31.0/agents/states",
        &token,
    ));
    assert_eq!(relayed.status, 200, "{}", relayed.body);
    let list = body(&relayed);
    assert!(list["agentStates"].as_array().unwrap().len() >= 3);
    // IDs of the wrong shape are refused as the API would.
    let uuid_as_agent = tenant.answer(&get(
        &services(&format!("agents/{DEMO_USER_ID}/states")),
        &token,
    ));
    assert_eq!(uuid_as_agent.status, 400);
    let digits_as_user = tenant.answer(&get(
        &format!("{DEMO_API_ENDPOINT}/user-management/v1/users/4021"),
        &token,
    ));
    assert_eq!(digits_as_user.status, 400);
    let unknown = tenant.answer(&get(&services("agents/4999/states"), &token));
    assert_eq!(unknown.status, 404);
    // A guide token is refused on the platform's paths, and a platform token on the guide's.
    let guide = tenant.answer(&get(&services("agents/states"), "not-a-token"));
    assert_eq!(guide.status, 401);
    let cross = tenant.answer(&get(
        &format!("https://demo.nicecxone.com/api/v2/users/{DEMO_USER_ID}"),
        &token,
    ));
    assert_eq!(cross.status, 401);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_older_shape_and_the_logged_out_entry_look_like_the_real_thing() {
    let mut tenant = SimTenant::new();
    let token = access_token(&mut tenant, Scenario::PlatformResultSet);
    let own = body(&tenant.answer(&get(&services("agents/4021/states"), &token)));
    assert_eq!(
        own["resultSet"]["agentState"][0]["agentStateName"],
        "Unavailable"
    );
    assert_eq!(
        own["resultSet"]["agentState"][0]["outStateDescription"],
        "Lunch"
    );
    let list = body(&tenant.answer(&get(&services("agents/states"), &token)));
    assert!(list["resultSet"]["agentStates"].is_array());
    let token = access_token(&mut tenant, Scenario::PlatformLoggedOut);
    let own = body(&tenant.answer(&get(&services("agents/4021/states"), &token)));
    assert_eq!(own["agentStates"][0]["agentStateName"], "LoggedOut");
    assert_eq!(own["agentStates"][0]["agentStateId"], 0);
    let token = access_token(&mut tenant, Scenario::PlatformNotAnAgent);
    let search = tenant.answer(&get(&services("agents?searchString=Whitfield"), &token));
    assert_eq!(search.status, 204);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_relayed_platform_run_sends_the_probe_with_the_token_and_settles_the_relay() {
    let mut tenant = SimTenant::new();
    let report = diagnose_offline(
        &Scenario::PlatformTenantUnreachable.form(),
        &mut tenant,
        NOW,
    );
    assert_eq!(
        report.tree.node(Check::Relay).branch.as_deref(),
        Some("cannot_reach_host")
    );
    let token = &report.tree.node(Check::Token).exchanges;
    assert_eq!(token[0].kind, RequestKind::Token);
    let report = diagnose_offline(&Scenario::PlatformRelayUnreachable.form(), &mut tenant, NOW);
    assert_eq!(
        report.tree.node(Check::Relay).branch.as_deref(),
        Some("unreachable")
    );
}
