//! The `platform` profile: one test per verdict it can reach, named after it, built from the
//! answers NICE CXone's published API gives (see API.md); then its path, rounds, answer shapes,
//! ID mix-ups and redaction. Runs natively and in headless Chromium.

mod common;

use agent_state_doctor::engine::{
    Answer, Check, Diagnosis, Outcome, RequestKind, Verdict, MAX_RETRY_WAIT_MS,
};
use agent_state_doctor::inputs::{Field, Profile};
use agent_state_doctor::profile::guide::basic_credentials;
use common::*;
use serde_json::json;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn healthy() -> Tenant {
    Tenant::platform_logged_in()
}

fn run_platform(tenant: Tenant) -> Run {
    run(platform_inputs(), tenant)
}

fn finding(run: &Run) -> String {
    run.report
        .tree
        .verdict
        .as_ref()
        .unwrap()
        .explanation
        .clone()
}

// ----- the verdicts -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn invalid_input_when_the_access_key_secret_is_missing_and_nothing_is_sent() {
    let mut form = platform_form();
    form.set(Field::AccessKeySecret, "");
    let run = drive(Diagnosis::from_form(&form, None, NOW), Tenant::empty());
    assert_eq!(run.verdict(), Verdict::InvalidInput);
    assert_eq!(run.round_count(), 0);
    assert!(run
        .node(Check::Inputs)
        .summary
        .contains("Access key secret"));
    assert_eq!(run.report.tree.profile, Profile::Platform);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn cors_blocked_when_the_issuer_gets_no_answer_without_a_relay() {
    let run = run_platform(healthy().on(&auth_url(), no_answer()));
    assert_eq!(run.verdict(), Verdict::CorsBlocked);
    assert_eq!(run.branch(Check::Token), "no_answer");
    assert!(run.verdict_text().contains("relay"));
    assert!(
        run.verdict_text().contains("issuer"),
        "the platform's words"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_unreachable_when_neither_healthz_nor_the_token_call_answer() {
    let relayed = platform_inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let tenant = healthy().health(no_answer()).on(&auth_url(), no_answer());
    let run = run(relayed, tenant);
    assert_eq!(run.verdict(), Verdict::RelayUnreachable);
    assert_eq!(run.branch(Check::Relay), "unreachable");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_misconfigured_when_discovery_comes_back_as_an_html_page() {
    let relayed = platform_inputs_with(|f| f.set(Field::Relay, "/relay/"));
    let page = "<!DOCTYPE html><html><body>Agent State Doctor</body></html>";
    let tenant = healthy().on(
        &discovery_url(TENANT_ID),
        raw(200, "text/html; charset=utf-8", page),
    );
    let run = run(relayed, tenant);
    assert_eq!(run.verdict(), Verdict::RelayMisconfigured);
    assert_eq!(run.branch(Check::Discovery), "not_api");
    assert_eq!(run.branch(Check::Relay), "not_api");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_misconfigured_when_the_relay_refuses_the_issuer_names_the_issuer_to_allow() {
    let relayed = platform_inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let refused = with_header(
        json(403, json!({"relay_error": "forbidden-host"})),
        "X-Relay-Error",
        "forbidden-host",
    );
    let run = run(relayed, healthy().on(&auth_url(), refused));
    assert_eq!(run.verdict(), Verdict::RelayMisconfigured);
    assert!(finding(&run).contains(&format!("Add {ISSUER} to the relay's allowlist")));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tenant_unreachable_when_the_relay_cannot_reach_the_discovered_api_host() {
    let relayed = platform_inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let down = with_header(
        json(
            502,
            json!({"relay_error": "dns", "detail": "api-na1.niceincontact.com: no such host"}),
        ),
        "X-Relay-Error",
        "dns",
    );
    let tenant = healthy()
        .on(&hub_user_url(API, USER), down.clone())
        .on(&lookup_url(API, USER), down.clone())
        .on(&p_list_url(API), down);
    let run = run(relayed, tenant);
    assert_eq!(run.verdict(), Verdict::TenantUnreachable);
    assert_eq!(run.branch(Check::Discovery), "found");
    assert_eq!(run.branch(Check::Relay), "cannot_reach_host");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bad_credentials_when_the_client_application_is_not_authorized_for_user() {
    let refused = json(
        401,
        json!({"error": "unauthorized_client", "errorDescription": "Client application 'diag-client-7' not authorized for user"}),
    );
    let run = run_platform(healthy().on(&auth_url(), refused));
    assert_eq!(run.verdict(), Verdict::BadCredentials);
    assert_eq!(run.branch(Check::Token), "refused");
    let summary = &run.node(Check::Token).summary;
    assert!(summary.contains("not authorized for user"), "{summary}");
    assert!(run.verdict_text().contains("access key"));
    assert_eq!(run.outcome(Check::Discovery), Outcome::Skipped);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bad_credentials_when_the_access_key_is_refused_in_any_error_spelling() {
    for body in [
        json!({"error": "invalid_grant", "error_description": "Invalid access key"}),
        json!({"error": "invalid_grant", "errorDescription": "Invalid access key"}),
    ] {
        let run = run_platform(healthy().on(&auth_url(), json(400, body)));
        assert_eq!(run.verdict(), Verdict::BadCredentials);
        assert!(run
            .node(Check::Token)
            .summary
            .contains("invalid_grant: Invalid access key"));
    }
    // A plain-text 401, as some gateways answer, is read too.
    let text = raw(
        401,
        "text/plain",
        "Client application 'x' not authorized for user",
    );
    let run = run_platform(healthy().on(&auth_url(), text));
    assert_eq!(run.verdict(), Verdict::BadCredentials);
    assert!(run
        .node(Check::Token)
        .summary
        .contains("not authorized for user"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn discovery_failed_when_the_token_answer_has_no_id_token() {
    let token = json(
        200,
        json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600}),
    );
    let run = run_platform(healthy().on(&auth_url(), token));
    assert_eq!(run.verdict(), Verdict::DiscoveryFailed);
    assert_eq!(run.branch(Check::Discovery), "no_id_token");
    assert_eq!(run.round_count(), 1, "nothing to ask without a tenant");
    assert!(run.verdict_text().contains("API host field"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn discovery_failed_when_the_id_token_names_no_tenant() {
    let token = json(
        200,
        json!({"access_token": ACCESS_TOKEN, "expires_in": 3600,
               "id_token": unsigned_jwt(json!({"userId": KEY_USER, "area": "uk1"}))}),
    );
    let run = run_platform(healthy().on(&auth_url(), token));
    assert_eq!(run.verdict(), Verdict::DiscoveryFailed);
    assert_eq!(run.branch(Check::Discovery), "no_tenant_id");
    assert!(run.node(Check::Discovery).summary.contains("area uk1"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn discovery_failed_when_the_configuration_answers_404_or_names_no_api_endpoint() {
    let run = run_platform(healthy().on(
        &discovery_url(TENANT_ID),
        json(404, json!({"error": "not_found"})),
    ));
    assert_eq!(run.verdict(), Verdict::DiscoveryFailed);
    assert_eq!(run.branch(Check::Discovery), "not_found");
    assert_eq!(
        run.report.tree.verdict.as_ref().unwrap().decided_by,
        Check::Discovery
    );
    for config in [
        json!({"tenantId": TENANT_ID, "area": "na1"}),
        json!({"api_endpoint": "ftp://api-na1.niceincontact.com"}),
        json!({"api_endpoint": "http://api-na1.niceincontact.com"}),
    ] {
        let run = run_platform(healthy().on(&discovery_url(TENANT_ID), json(200, config)));
        assert_eq!(run.verdict(), Verdict::DiscoveryFailed);
        assert_eq!(run.branch(Check::Discovery), "no_endpoint");
    }
    let run = run_platform(healthy().on(&discovery_url(TENANT_ID), json(400, json!({}))));
    assert_eq!(run.branch(Check::Discovery), "refused");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn missing_permission_when_the_state_calls_answer_403() {
    // Real CXone tokens carry a role, not scopes: a 403 is the key's user lacking a permission,
    // named after the call refused (the agent-state calls: Real-Time Data).
    let forbidden = json(403, json!({"error": "Forbidden"}));
    let tenant = healthy()
        .on(&p_state_url(API, AGENT), forbidden.clone())
        .on(&p_list_url(API), forbidden);
    let run = run_platform(tenant);
    assert_eq!(run.verdict(), Verdict::MissingPermission);
    assert_eq!(run.branch(Check::AgentState), "no_permission");
    assert!(
        finding(&run).contains("Real-Time Data"),
        "{}",
        finding(&run)
    );
    assert!(!run.verdict_text().contains("agent:state:read"));
    assert_eq!(
        run.branch(Check::Scopes),
        "unknown",
        "platform tokens name no scope"
    );
    assert!(run.verdict_text().contains("role"), "the platform's fix");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn token_rejected_when_user_hub_answers_401_to_a_fresh_token() {
    let refused = json(
        401,
        json!({"timestamp": "2025-03-04T12:00:00Z", "status": 401, "error": "Unauthorized",
               "message": "Invalid token", "path": "/user-management/v1/users"}),
    );
    let tenant = healthy()
        .on(&hub_user_url(API, USER), refused.clone())
        .on(&lookup_url(API, USER), refused.clone())
        .on(&p_list_url(API), refused);
    let run = run_platform(tenant);
    assert_eq!(run.verdict(), Verdict::TokenRejected);
    assert_eq!(run.branch(Check::User), "token_rejected");
    assert!(run.report.token.is_none());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn user_not_found_when_user_hub_answers_404_for_a_uuid() {
    let typo = "4f1c8a52-7c1e-4b7e-9a57-2b6f0d1e3c12";
    let tenant = healthy()
        .on(
            &hub_user_url(API, typo),
            json(404, json!({"status": 404, "error": "Not Found"})),
        )
        .on(&lookup_url(API, typo), raw(204, "text/plain", ""));
    let run = run(platform_inputs_with(|f| f.set(Field::UserId, typo)), tenant);
    assert_eq!(run.verdict(), Verdict::UserNotFound);
    assert_eq!(run.branch(Check::User), "not_found");
    assert_eq!(
        run.round_count(),
        3,
        "a UUID cannot be an agent ID: it is not tried as one"
    );
    assert_eq!(run.branch(Check::AgentId), "lookup_unused");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn id_is_agent_id_when_digits_typed_as_the_user_id_are_in_the_all_agents_list() {
    // A logged-out agent is a LoggedOut entry in the list: the number is found there at once.
    let tenant = healthy()
        .on(
            &hub_user_url(API, AGENT),
            json(400, json!({"status": 400, "error": "Bad Request"})),
        )
        .on(&lookup_url(API, AGENT), raw(204, "text/plain", ""))
        .on(
            &p_list_url(API),
            states(vec![state_entry(AGENT, "LoggedOut", 0)]),
        );
    let run = run(
        platform_inputs_with(|f| f.set(Field::UserId, AGENT)),
        tenant,
    );
    assert_eq!(run.verdict(), Verdict::IdIsAgentId);
    assert_eq!(run.branch(Check::User), "is_agent_id");
    assert_eq!(run.round_count(), 3);
    assert!(
        finding(&run).contains("shape of an agent ID"),
        "{}",
        finding(&run)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn id_is_agent_id_confirmed_by_the_agent_state_endpoint_when_the_list_does_not_show_it() {
    let tenant = healthy()
        .on(&hub_user_url(API, AGENT), json(404, json!({})))
        .on(&lookup_url(API, AGENT), raw(204, "text/plain", ""))
        .on(&p_list_url(API), states(vec![]));
    let run = run(
        platform_inputs_with(|f| f.set(Field::UserId, AGENT)),
        tenant,
    );
    assert_eq!(run.verdict(), Verdict::IdIsAgentId);
    assert_eq!(run.sent_to(&p_state_url(API, AGENT)).len(), 1);
    // An answer with no state entry does not confirm it.
    let tenant = healthy()
        .on(&hub_user_url(API, AGENT), json(404, json!({})))
        .on(&lookup_url(API, AGENT), raw(204, "text/plain", ""))
        .on(&p_list_url(API), states(vec![]))
        .on(&p_state_url(API, AGENT), states(vec![]));
    let run = self::run(
        platform_inputs_with(|f| f.set(Field::UserId, AGENT)),
        tenant,
    );
    assert_eq!(run.verdict(), Verdict::UserNotFound);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn id_is_user_id_when_a_uuid_typed_as_the_agent_id_is_a_user() {
    let only_agent = platform_inputs_with(|f| {
        f.set(Field::UserId, "");
        f.set(Field::AgentId, USER);
    });
    let tenant = healthy().on(
        &p_state_url(API, USER),
        json(400, json!({"error": "InvalidParameter"})),
    );
    let run = run(only_agent, tenant);
    assert_eq!(run.verdict(), Verdict::IdIsUserId);
    assert_eq!(run.branch(Check::AgentState), "is_user_id");
    let text = finding(&run);
    assert!(
        text.contains(&format!("agent ID is {AGENT}")),
        "the real agent ID: {text}"
    );
    assert!(text.contains("shape of a user ID"), "{text}");
    assert_eq!(run.sent_to(&hub_user_url(API, USER)).len(), 1);
    assert_eq!(run.sent_to(&lookup_url(API, USER)).len(), 1);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn not_an_agent_when_no_agent_maps_to_the_user() {
    for lookup in [
        raw(204, "text/plain", ""),
        json(200, json!({"agents": []})),
        // Another person matched the search: only a userID match counts.
        json(
            200,
            json!({"agents": [{"agentId": 1200001, "userID": KEY_USER}]}),
        ),
    ] {
        let run = run_platform(healthy().on(&lookup_url(API, USER), lookup));
        assert_eq!(run.verdict(), Verdict::NotAnAgent);
        assert_eq!(run.branch(Check::AgentId), "none");
        assert_eq!(run.branch(Check::User), "found");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn agent_not_found_when_the_users_agent_answers_404() {
    let run = run_platform(healthy().on(
        &p_state_url(API, AGENT),
        json(404, json!({"error": "NotFound"})),
    ));
    assert_eq!(run.verdict(), Verdict::AgentNotFound);
    assert_eq!(run.branch(Check::AgentState), "not_found");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn agent_not_found_when_a_typed_agent_number_is_unknown_without_trying_it_as_a_user() {
    let only_agent = platform_inputs_with(|f| {
        f.set(Field::UserId, "");
        f.set(Field::AgentId, "4999");
    });
    let tenant = healthy().on(&p_state_url(API, "4999"), json(404, json!({})));
    let run = run(only_agent, tenant);
    assert_eq!(run.verdict(), Verdict::AgentNotFound);
    assert_eq!(run.round_count(), 3, "a number cannot be a user ID");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn inconsistent_state_when_the_own_entry_is_logged_out_and_the_list_shows_a_session() {
    let run = run_platform(healthy().on(
        &p_state_url(API, AGENT),
        states(vec![state_entry(AGENT, "LoggedOut", 0)]),
    ));
    assert_eq!(run.verdict(), Verdict::InconsistentState);
    assert_eq!(run.branch(Check::CrossCheck), "disagree");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wrong_environment_is_a_guide_verdict_the_platform_never_reaches() {
    let logged_out = vec![state_entry(AGENT, "LoggedOut", 0)];
    let tenant = healthy()
        .on(&p_state_url(API, AGENT), states(logged_out.clone()))
        .on(&p_list_url(API), states(logged_out));
    let run = run_platform(tenant);
    assert_eq!(run.verdict(), Verdict::LoggedOut);
    assert_eq!(run.branch(Check::OtherEnvironment), "no_environments");
    assert!(run
        .node(Check::OtherEnvironment)
        .summary
        .contains("wrong_environment is a guide-profile verdict"));
    assert!(run.sent().iter().all(|r| !r.url.contains("devtest")));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn logged_out_when_the_state_entry_is_logged_out_not_an_empty_list() {
    for entry in [
        state_entry(AGENT, "LoggedOut", 0),
        json!({"agentId": 1204587, "agentStateId": 0}),
    ] {
        let tenant = healthy()
            .on(&p_state_url(API, AGENT), states(vec![entry.clone()]))
            .on(&p_list_url(API), states(vec![entry]));
        let run = run_platform(tenant);
        assert_eq!(run.verdict(), Verdict::LoggedOut);
        assert_eq!(run.branch(Check::AgentState), "no_session");
        assert!(run.node(Check::AgentState).summary.contains("LoggedOut"));
        let text = finding(&run);
        assert!(
            !text.contains("no data"),
            "a LoggedOut entry is proof: {text}"
        );
        assert_eq!(
            run.report.tree.verdict.as_ref().unwrap().decided_by,
            Check::AgentState
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn logged_out_with_its_caveat_when_the_state_answer_is_empty_204_or_304() {
    for empty in [
        states(vec![]),
        raw(204, "text/plain", ""),
        raw(304, "text/plain", ""),
        json(200, json!({"resultSet": {"agentStates": []}})),
    ] {
        let tenant = healthy().on(&p_state_url(API, AGENT), empty).on(
            &p_list_url(API),
            states(vec![state_entry(OTHER_AGENT, "Available", 1)]),
        );
        let run = run_platform(tenant);
        assert_eq!(run.verdict(), Verdict::LoggedOut);
        assert!(run.node(Check::AgentState).summary.contains("no data"));
        let text = finding(&run);
        assert!(text.contains("no data, not proof"), "{text}");
        assert!(text.contains("can read states"), "{text}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn logged_in_shows_the_state_the_skill_and_the_unavailable_reason() {
    let run = run_platform(healthy());
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    let text = finding(&run);
    assert!(
        text.contains("Dana Whitfield") && text.contains("Available") && text.contains("Billing")
    );
    assert_eq!(run.branch(Check::AgentId), "present");
    assert!(run
        .node(Check::AgentId)
        .summary
        .contains("Admin agent list"));
    let lunch = vec![state_entry(AGENT, "Unavailable", 2)];
    let tenant = healthy()
        .on(&p_state_url(API, AGENT), states(lunch.clone()))
        .on(&p_list_url(API), states(lunch));
    let run = run_platform(tenant);
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert!(finding(&run).contains("Unavailable (Lunch)"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn logged_in_read_from_the_older_result_set_shape_too() {
    let entry = state_entry(AGENT, "InboundContact", 3);
    for (own, list) in [
        (
            json!({"resultSet": {"lastPollTime": "x", "agentState": [entry.clone()]}}),
            json!({"resultSet": {"lastPollTime": "x", "agentStates": [entry.clone()]}}),
        ),
        (
            json!({"resultSet": {"agentState": entry.clone()}}),
            json!({"resultSet": {"agentState": [entry.clone()]}}),
        ),
    ] {
        let tenant = healthy()
            .on(&p_state_url(API, AGENT), json(200, own))
            .on(&p_list_url(API), json(200, list));
        let run = run_platform(tenant);
        assert_eq!(
            run.verdict(),
            Verdict::LoggedIn,
            "{}",
            run.report.tree.summary
        );
        assert_eq!(run.branch(Check::StateList), "listed");
        assert!(finding(&run).contains("InboundContact"));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rate_limited_when_429_persists_after_retry_after() {
    let limited = with_header(json(429, json!({"error": "too many"})), "Retry-After", "1");
    let tenant = healthy()
        .on(&hub_user_url(API, USER), limited.clone())
        .on(&lookup_url(API, USER), limited.clone())
        .on(&p_list_url(API), limited);
    let run = run_platform(tenant);
    assert_eq!(run.verdict(), Verdict::RateLimited);
    assert_eq!(run.sent_to(&hub_user_url(API, USER)).len(), 3);
    assert!(run.real_wait_ms() <= MAX_RETRY_WAIT_MS);
    // A 429 on discovery is retried the same way.
    let limited = with_header(json(429, json!({})), "Retry-After", "1");
    let tenant = healthy().on_each(&discovery_url(TENANT_ID), vec![limited, config_answer()]);
    let run = run_platform(tenant);
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(run.node(Check::Discovery).exchanges.len(), 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn service_error_when_the_state_call_answers_503() {
    let down = with_header(
        json(503, json!({"error": "ServiceUnavailable"})),
        "Retry-After",
        "30",
    );
    let run = run_platform(healthy().on(&p_state_url(API, AGENT), down));
    assert_eq!(run.verdict(), Verdict::ServiceError);
    assert_eq!(
        run.sent_to(&p_state_url(API, AGENT)).len(),
        1,
        "503 is not retried"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn timeout_when_the_state_call_takes_longer_than_the_time_limit() {
    let run = run_platform(healthy().on(&p_state_url(API, AGENT), timed_out()));
    assert_eq!(run.verdict(), Verdict::Timeout);
    assert_eq!(run.branch(Check::AgentState), "timeout");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_platform_verdict_is_reached_by_a_test_in_this_file() {
    let source = include_str!("engine_platform.rs");
    for verdict in Verdict::ALL {
        assert!(
            source.contains(&format!("fn {}_", verdict.code())),
            "no test named after {}",
            verdict.code()
        );
    }
}

// ----- the path -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn four_rounds_token_then_discovery_then_user_lookup_and_list_then_agent_state() {
    let run = run_platform(healthy());
    assert_eq!(
        run.kinds(),
        vec![
            vec![RequestKind::Token],
            vec![RequestKind::Discovery],
            vec![
                RequestKind::User,
                RequestKind::AgentLookup,
                RequestKind::StateList
            ],
            vec![RequestKind::AgentState],
        ]
    );
    assert_eq!(run.report.tree.rounds, 4);
    assert_eq!(
        run.report.tree.host, API,
        "the tree shows the discovered host"
    );
    assert_eq!(run.branch(Check::Discovery), "found");
    let summary = &run.node(Check::Discovery).summary;
    assert!(
        summary.contains(TENANT_ID) && summary.contains(API),
        "{summary}"
    );
    assert_eq!(run.node(Check::Discovery).exchanges.len(), 1);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_api_host_field_replaces_discovery_and_saves_a_round() {
    let host = "https://api-eu1.niceincontact.com";
    let overridden = platform_inputs_with(|f| f.set(Field::ApiHost, host));
    let tenant = Tenant::empty()
        .on(&auth_url(), platform_token_answer())
        .on(&hub_user_url(host, USER), hub_user_answer())
        .on(&lookup_url(host, USER), lookup_answer())
        .on(
            &p_state_url(host, AGENT),
            states(vec![state_entry(AGENT, "Available", 1)]),
        )
        .on(
            &p_list_url(host),
            states(vec![state_entry(AGENT, "Available", 1)]),
        );
    let run = run(overridden, tenant);
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(run.round_count(), 3);
    assert_eq!(run.branch(Check::Discovery), "overridden");
    assert_eq!(run.outcome(Check::Discovery), Outcome::Skipped);
    assert!(run.node(Check::Discovery).summary.contains(host));
    assert_eq!(run.report.tree.host, host);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_guide_skips_discovery_with_its_reason() {
    let run = run(inputs(), Tenant::logged_in());
    assert_eq!(run.branch(Check::Discovery), "guide");
    assert_eq!(run.outcome(Check::Discovery), Outcome::Skipped);
    assert!(run.node(Check::Discovery).summary.contains("tenant name"));
    assert!(run.sent().iter().all(|r| r.kind != RequestKind::Discovery));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_token_call_sends_the_password_grant_with_the_client_in_basic() {
    let run = run_platform(healthy());
    let token = run.sent_to(&auth_url())[0];
    assert_eq!(token.method.as_str(), "POST");
    assert_eq!(
        token.header("Authorization"),
        Some(format!("Basic {}", basic_credentials(CLIENT_ID, SECRET)).as_str())
    );
    assert_eq!(
        token.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token.body.as_deref(),
        Some("grant_type=password&username=AKID5TQ9ZC&password=ak%2FS3cr%2Bet%3Dval%26ue")
    );
    let discovery = run.sent_to(&discovery_url(TENANT_ID))[0];
    assert_eq!(
        discovery.header("Authorization"),
        None,
        "discovery is public"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_api_version_goes_in_the_path_as_the_form_normalises_it() {
    let v21 = platform_inputs_with(|f| f.set(Field::ApiVersion, "21"));
    let tenant = Tenant::empty()
        .on(&auth_url(), platform_token_answer())
        .on(&discovery_url(TENANT_ID), config_answer())
        .on(&hub_user_url(API, USER), hub_user_answer())
        .on(
            &format!("{API}/incontactapi/services/v21.0/agents?fields=agentId,userID,isActive,locked&top=100&skip=0"),
            lookup_answer(),
        )
        .on(
            &format!("{API}/incontactapi/services/v21.0/agents/{AGENT}/states"),
            states(vec![state_entry(AGENT, "Available", 1)]),
        )
        .on(
            &format!("{API}/incontactapi/services/v21.0/agents/states?top=100&skip=0"),
            states(vec![state_entry(AGENT, "Available", 1)]),
        );
    assert_eq!(run(v21, tenant).verdict(), Verdict::LoggedIn);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_id_tokens_own_user_is_mapped_by_its_ic_agent_id_without_the_lookup() {
    let own = platform_inputs_with(|f| f.set(Field::UserId, KEY_USER));
    let tenant = healthy()
        .on(&hub_user_url(API, KEY_USER), hub_user_answer())
        .on(
            &p_state_url(API, "1200777"),
            states(vec![state_entry("1200777", "Available", 1)]),
        )
        .on(
            &p_list_url(API),
            states(vec![state_entry("1200777", "Available", 1)]),
        );
    let run = run(own, tenant);
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert!(run
        .sent()
        .iter()
        .all(|r| r.kind != RequestKind::AgentLookup));
    assert!(run.node(Check::AgentId).summary.contains("id_token"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_agent_id_typed_beside_the_user_is_cross_checked_and_sent_in_the_lookup_round() {
    let both = platform_inputs_with(|f| f.set(Field::AgentId, AGENT));
    let run = run(both, healthy());
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(run.branch(Check::AgentId), "matches");
    assert_eq!(run.round_count(), 3);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_failed_agent_lookup_decides_with_its_own_failure() {
    let run = run_platform(healthy().on(&lookup_url(API, USER), json(403, json!({}))));
    assert_eq!(run.verdict(), Verdict::MissingPermission);
    assert_eq!(run.branch(Check::AgentId), "no_permission");
    assert!(finding(&run).contains("Admin agents"), "{}", finding(&run));
    assert_eq!(run.branch(Check::User), "found");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_cached_platform_token_is_reused_with_its_claims_and_bound_to_the_access_key() {
    let first = run_platform(healthy());
    let cached = first.report.token.clone().expect("a token to reuse");
    assert!(
        cached.id_claims.is_some(),
        "the claims travel with the token"
    );
    let again = run_cached(platform_inputs(), cached.clone(), healthy());
    assert_eq!(again.verdict(), Verdict::LoggedIn);
    assert_eq!(again.branch(Check::Token), "reused");
    assert_eq!(again.branch(Check::Discovery), "found");
    assert_eq!(again.round_count(), 3, "discovery, lookups, state");
    let other_key = platform_inputs_with(|f| f.set(Field::AccessKeySecret, "another-secret"));
    assert!(!cached.is_valid_for(&other_key, NOW));
    let other_id = platform_inputs_with(|f| f.set(Field::AccessKeyId, "AKIDOTHER"));
    assert!(!cached.is_valid_for(&other_id, NOW));
    assert!(cached.is_valid_for(&platform_inputs(), NOW));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_tree_holds_no_secret_no_access_key_secret_and_no_token_but_shows_the_claims() {
    let relayed = platform_inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let run = run(relayed, healthy());
    let tree = run.tree_json();
    let encoded = agent_state_doctor::percent::encode(ACCESS_KEY_SECRET);
    for secret in [
        SECRET,
        ACCESS_KEY_SECRET,
        encoded.as_str(),
        ACCESS_TOKEN,
        REFRESH_TOKEN,
        id_token().as_str(),
        basic_credentials(CLIENT_ID, SECRET).as_str(),
    ] {
        assert!(!tree.contains(secret), "{secret} is in the tree");
    }
    let body = run.node(Check::Token).exchanges[0]
        .request_body
        .clone()
        .unwrap();
    assert_eq!(
        body,
        "grant_type=password&username=AKID5TQ9ZC&password=<redacted>"
    );
    assert!(
        tree.contains(TENANT_ID),
        "the id_token's claims are evidence"
    );
    assert!(
        tree.contains(ACCESS_KEY_ID),
        "the access key ID is no secret"
    );
    // Also when the token endpoint refuses: nothing of the request leaks through its error.
    let refused = json(401, json!({"error": "invalid_client"}));
    let run = run_platform(healthy().on(&auth_url(), refused));
    assert!(!run.tree_json().contains(&encoded));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_platform_tree_draws_only_its_own_branches() {
    let run = run_platform(healthy());
    let ids = |check: Check| -> Vec<String> {
        run.node(check)
            .branches
            .iter()
            .map(|b| b.id.clone())
            .collect()
    };
    assert_eq!(
        ids(Check::OtherEnvironment),
        vec!["no_environments", "not_run"]
    );
    assert!(ids(Check::Discovery).contains(&"found".to_string()));
    assert!(!ids(Check::Discovery).contains(&"guide".to_string()));
    assert!(ids(Check::AgentId).contains(&"rate_limited".to_string()));
    let discovery = run.node(Check::Discovery);
    assert!(discovery
        .branches
        .iter()
        .any(|b| b.leads_to == vec![Verdict::DiscoveryFailed]));
    let guide = self::run(inputs(), Tenant::logged_in());
    let guide_ids: Vec<String> = guide
        .node(Check::Discovery)
        .branches
        .iter()
        .map(|b| b.id.clone())
        .collect();
    assert_eq!(guide_ids, vec!["guide", "not_run"]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_cached_platform_token_refused_with_401_is_replaced_without_discovering_again() {
    let cached = run_platform(healthy())
        .report
        .token
        .expect("a token to reuse");
    let refused = json(401, json!({"status": 401, "error": "Unauthorized"}));
    let tenant = healthy()
        .on_each(
            &hub_user_url(API, USER),
            vec![refused.clone(), hub_user_answer()],
        )
        .on_each(
            &lookup_url(API, USER),
            vec![refused.clone(), lookup_answer()],
        )
        .on_each(
            &p_list_url(API),
            vec![refused, states(vec![state_entry(AGENT, "Available", 1)])],
        );
    let run = run_cached(platform_inputs(), cached, tenant);
    assert_eq!(
        run.verdict(),
        Verdict::LoggedIn,
        "{}",
        run.report.tree.summary
    );
    assert_eq!(run.branch(Check::Token), "issued");
    assert_eq!(run.sent_to(&discovery_url(TENANT_ID)).len(), 1);
}

// ----- issue 11: platform truth (published behaviour, or "could not tell") -----

/// An Admin agent list page: `agents` entries, `totalRecords`, `hiddenAgents`.
fn agents_page(agents: Vec<serde_json::Value>, total: usize, hidden: u64) -> Answer {
    json(
        200,
        json!({"totalRecords": total, "hiddenAgents": hidden, "agents": agents}),
    )
}

/// An Admin record: agent `agent` of user `user`.
fn agent_record(agent: u64, user: &str) -> serde_json::Value {
    json!({"agentId": agent, "userID": user, "isActive": true, "locked": false})
}

/// `n` other agents from `first`, as Admin records.
fn others(first: u64, n: u64) -> Vec<serde_json::Value> {
    (first..first + n)
        .map(|a| agent_record(a, &format!("00000000-0000-4000-8000-{a:012}")))
        .collect()
}

/// `n` other agents' logged-out state entries from `first`.
fn other_states(first: u64, n: u64) -> Vec<serde_json::Value> {
    (first..first + n)
        .map(|a| json!({"agentId": a, "agentStateId": 0, "agentStateName": "LoggedOut"}))
        .collect()
}

/// A state-list page with `totalRecords` `total`.
fn states_page(entries: Vec<serde_json::Value>, total: usize) -> Answer {
    json(200, json!({"totalRecords": total, "agentStates": entries}))
}

/// A tenant of 250 agents paged at 100, Dana on page `page` (1-based) of both lists.
fn paged_tenant(page: u32) -> Tenant {
    let mut tenant = healthy();
    for p in 0..3u32 {
        let from = 3_000_000 + u64::from(p) * 100;
        let size = if p == 2 { 50 } else { 100 };
        let mut agents = others(from, size);
        let mut entries = other_states(from, size);
        if p + 1 == page {
            agents[7] = agent_record(AGENT.parse().unwrap(), USER);
            entries[7] = state_entry(AGENT, "Available", 1);
        }
        tenant = tenant
            .on(&lookup_page_url(API, p * 100), agents_page(agents, 250, 0))
            .on(&p_list_page_url(API, p * 100), states_page(entries, 250));
    }
    tenant
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn missing_scope_is_the_guides_word_a_platform_403_is_missing_permission() {
    let run = run_platform(healthy().on(
        &hub_user_url(API, USER),
        with_header(
            json(403, json!({})),
            "icStatusDescription",
            "Access denied to User Hub",
        ),
    ));
    assert_eq!(run.verdict(), Verdict::MissingPermission);
    assert_ne!(run.verdict(), Verdict::MissingScope);
    assert_eq!(run.branch(Check::User), "no_permission");
    let text = finding(&run);
    assert!(text.contains("User Hub"), "{text}");
    assert!(
        text.contains("Access denied to User Hub"),
        "icStatusDescription shows in the finding: {text}"
    );
    assert!(run.node(Check::User).exchanges.iter().any(|e| e
        .response_headers
        .iter()
        .any(|(n, _)| n == "icStatusDescription")));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn user_disabled_when_user_hub_status_is_not_active() {
    for status in ["BLOCKED", "DELETED"] {
        // No agent maps to her either: the cause wins over not_an_agent.
        let tenant = healthy()
            .on(
                &hub_user_url(API, USER),
                json(
                    200,
                    json!({"user": {"id": USER, "firstName": "Dana", "lastName": "Whitfield", "status": status}}),
                ),
            )
            .on(&lookup_url(API, USER), agents_page(others(1, 3), 3, 0));
        let run = run_platform(tenant);
        assert_eq!(run.verdict(), Verdict::UserDisabled, "{status}");
        assert_eq!(run.branch(Check::User), "disabled");
        assert!(finding(&run).contains(status));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn agent_inactive_when_the_agent_record_has_is_active_false() {
    let inactive = agents_page(
        vec![json!({"agentId": 1204587, "userID": USER, "isActive": false, "locked": false})],
        1,
        0,
    );
    let logged_out = states(vec![state_entry(AGENT, "LoggedOut", 0)]);
    let tenant = healthy()
        .on(&lookup_url(API, USER), inactive.clone())
        .on(&p_state_url(API, AGENT), logged_out.clone())
        .on(&p_list_url(API), logged_out);
    let run = run_platform(tenant);
    assert_eq!(
        run.verdict(),
        Verdict::AgentInactive,
        "wins over logged_out"
    );
    assert_eq!(run.branch(Check::AgentId), "inactive");
    // It wins over agent_not_found too.
    let tenant = healthy().on(&lookup_url(API, USER), inactive).on(
        &p_state_url(API, AGENT),
        json(404, json!({"error": "NotFound"})),
    );
    assert_eq!(run_platform(tenant).verdict(), Verdict::AgentInactive);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn agent_locked_when_the_agent_record_is_locked() {
    let locked = agents_page(
        vec![json!({"agentId": "1204587", "userId": USER, "isActive": true, "locked": true})],
        1,
        0,
    );
    let logged_out = states(vec![state_entry(AGENT, "LoggedOut", 0)]);
    let tenant = healthy()
        .on(&lookup_url(API, USER), locked.clone())
        .on(&p_state_url(API, AGENT), logged_out.clone())
        .on(&p_list_url(API), logged_out);
    let run = run_platform(tenant);
    assert_eq!(run.verdict(), Verdict::AgentLocked);
    assert_eq!(run.branch(Check::AgentId), "locked");
    // A locked record with a live session is still logged in: the cause explains only absence.
    let run = run_platform(healthy().on(&lookup_url(API, USER), locked));
    assert_eq!(run.verdict(), Verdict::LoggedIn);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn agent_hidden_when_no_visible_list_has_the_agent_and_hidden_agents_is_positive() {
    let tenant = healthy().on(&lookup_url(API, USER), agents_page(others(1, 3), 3, 2));
    let run = run_platform(tenant);
    assert_eq!(
        run.verdict(),
        Verdict::AgentHidden,
        "wins over not_an_agent"
    );
    assert_eq!(run.branch(Check::AgentId), "hidden");
    assert!(finding(&run).contains("hiddenAgents"));
    // Without hidden agents, the same answer is not_an_agent.
    let tenant = healthy().on(&lookup_url(API, USER), agents_page(others(1, 3), 3, 0));
    assert_eq!(run_platform(tenant).verdict(), Verdict::NotAnAgent);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_user_is_mapped_from_the_paged_agent_list_never_by_search_string() {
    let run = run(platform_inputs(), paged_tenant(3));
    assert_eq!(
        run.verdict(),
        Verdict::LoggedIn,
        "{}",
        run.report.tree.summary
    );
    assert!(run.sent().iter().all(|r| !r.url.contains("searchString")));
    assert!(run.sent().iter().any(|r| r
        .url
        .contains("agents?fields=agentId,userID,isActive,locked&top=100&skip=200")));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_agent_on_the_third_page_of_both_lists_costs_one_round_more_than_on_the_first() {
    let first = run(platform_inputs(), paged_tenant(1));
    let third = run(platform_inputs(), paged_tenant(3));
    assert_eq!(first.verdict(), Verdict::LoggedIn);
    assert_eq!(third.verdict(), Verdict::LoggedIn);
    assert_eq!(first.round_count(), 4, "token, discovery, lookup, state");
    assert_eq!(third.round_count(), first.round_count() + 1);
    // The further pages of both lists go out together, in one round.
    let pages = &third.kinds()[3];
    assert_eq!(
        pages
            .iter()
            .filter(|k| **k == RequestKind::StateList)
            .count(),
        2
    );
    assert_eq!(
        pages
            .iter()
            .filter(|k| **k == RequestKind::AgentLookup)
            .count(),
        2
    );
    assert_eq!(third.branch(Check::StateList), "listed");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn inconclusive_when_the_user_is_not_in_the_first_1000_agents_no_cause_is_named() {
    let mut tenant = healthy();
    for p in 0..10u32 {
        let from = 2_000_000 + u64::from(p) * 100;
        tenant = tenant
            .on(
                &lookup_page_url(API, p * 100),
                agents_page(others(from, 100), 5000, 0),
            )
            .on(
                &p_list_page_url(API, p * 100),
                states_page(other_states(from, 100), 5000),
            );
    }
    let run = run(platform_inputs(), tenant);
    assert_eq!(
        run.verdict(),
        Verdict::Inconclusive,
        "not not_an_agent: no cause is known"
    );
    assert_eq!(run.branch(Check::AgentId), "beyond_bound");
    assert_eq!(run.outcome(Check::AgentId), Outcome::Unknown);
    assert!(finding(&run).contains("first 1000"), "{}", finding(&run));
    assert!(finding(&run).contains("Could not tell"));
    let lookups = run
        .sent()
        .iter()
        .filter(|r| r.kind == RequestKind::AgentLookup)
        .count();
    assert_eq!(lookups, 10, "the bound: 10 pages");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn logged_in_when_the_list_answers_304_no_data_is_not_an_empty_list() {
    for no_data in [
        raw(304, "text/plain", ""),
        raw(204, "text/plain", ""),
        raw(200, "application/json", ""),
    ] {
        let run = run_platform(healthy().on(&p_list_url(API), no_data));
        assert_eq!(
            run.verdict(),
            Verdict::LoggedIn,
            "{}",
            run.report.tree.summary
        );
        assert_eq!(run.branch(Check::StateList), "no_data");
        assert_eq!(run.branch(Check::CrossCheck), "unknown");
    }
    // The agent's own endpoint gives no data: the list that did answer decides.
    let run = run_platform(healthy().on(&p_state_url(API, AGENT), raw(204, "text/plain", "")));
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(run.branch(Check::AgentState), "no_data");
    assert_eq!(run.branch(Check::CrossCheck), "unknown");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn inconclusive_when_neither_state_endpoint_gives_data_not_logged_out() {
    let run = run_platform(
        healthy()
            .on(&p_state_url(API, AGENT), raw(204, "text/plain", ""))
            .on(&p_list_url(API), raw(304, "text/plain", "")),
    );
    assert_eq!(
        run.verdict(),
        Verdict::Inconclusive,
        "{}",
        run.report.tree.summary
    );
    assert_eq!(run.branch(Check::AgentState), "no_data");
    assert_eq!(run.branch(Check::StateList), "no_data");
    assert_eq!(run.branch(Check::CrossCheck), "unknown");
    assert!(
        finding(&run).contains("Could not tell"),
        "{}",
        finding(&run)
    );
    // Only one endpoint without data: the other one decides, as before.
    let run = run_platform(healthy().on(&p_state_url(API, AGENT), raw(204, "text/plain", "")));
    assert_ne!(run.verdict(), Verdict::Inconclusive);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_503_with_retry_after_is_retried_like_a_429_and_service_error_when_it_persists() {
    let busy = with_header(json(503, json!({})), "Retry-After", "1");
    let ok = states(vec![state_entry(AGENT, "Available", 1)]);
    let run = run_platform(healthy().on_each(&p_state_url(API, AGENT), vec![busy.clone(), ok]));
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(run.sent_to(&p_state_url(API, AGENT)).len(), 2);
    let run = run_platform(healthy().on(&p_state_url(API, AGENT), busy));
    assert_eq!(run.verdict(), Verdict::ServiceError);
    assert_eq!(run.sent_to(&p_state_url(API, AGENT)).len(), 3);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_retry_after_http_date_4_s_ahead_is_waited_for_within_the_budget() {
    let dated = with_header(
        with_header(
            json(429, json!({})),
            "Date",
            "Tue, 04 Mar 2025 12:00:00 GMT",
        ),
        "Retry-After",
        "Tue, 04 Mar 2025 12:00:04 GMT",
    );
    let run =
        run_platform(healthy().on_each(&hub_user_url(API, USER), vec![dated, hub_user_answer()]));
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    let retry = run.sent_to(&hub_user_url(API, USER))[1].delay_ms;
    assert_eq!(retry, 4_000);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_token_goes_in_the_form_body_after_basic_is_refused_with_invalid_client() {
    let refused = json(
        401,
        json!({"error": "invalid_client", "errorDescription": "use client_secret_post"}),
    );
    let run = run_platform(healthy().on_each(&auth_url(), vec![refused, platform_token_answer()]));
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    let tries = run.sent_to(&auth_url());
    assert_eq!(tries.len(), 2);
    assert!(tries[0].header("authorization").is_some());
    assert!(tries[1].header("authorization").is_none());
    let body = tries[1].body.clone().unwrap();
    assert!(body.contains(&format!("client_id={CLIENT_ID}")));
    assert!(run
        .node(Check::Token)
        .summary
        .contains("client_secret_post"));
    // The secret in the body, percent-encoded, is redacted like the one in Basic.
    let tree = run.tree_json();
    assert!(!tree.contains(SECRET) && !tree.contains("Sup3r-s3cret-Value%21"));
    assert!(
        tree.contains("client_secret=<redacted>"),
        "the body shows where it went"
    );
    // The common case: Basic works, one try, and the evidence says so.
    let run = run_platform(healthy());
    assert_eq!(run.sent_to(&auth_url()).len(), 1);
    assert!(run.node(Check::Token).summary.contains("HTTP Basic"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_token_endpoint_comes_from_openid_configuration_only_after_a_404() {
    let openid = format!("{ISSUER}/.well-known/openid-configuration");
    let moved = format!("{ISSUER}/connect/token");
    let tenant = healthy()
        .on(&auth_url(), json(404, json!({"error": "not_found"})))
        .on(&openid, json(200, json!({"token_endpoint": moved, "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})))
        .on(&moved, platform_token_answer());
    let run = run_platform(tenant);
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(run.sent_to(&moved).len(), 1);
    assert!(run.node(Check::Token).summary.contains("OpenID"));
    // No extra round in the common case.
    let run = run_platform(healthy());
    assert!(run.sent().iter().all(|r| r.kind != RequestKind::OpenId));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_id_tokens_user_comes_from_sub_without_user_id_and_ic_agent_id_is_optional() {
    let own = platform_inputs_with(|f| f.set(Field::UserId, KEY_USER));
    let token = |claims| {
        json(
            200,
            json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600,
                   "id_token": unsigned_jwt(claims)}),
        )
    };
    let with_sub = token(
        json!({"sub": format!("user:{KEY_USER}"), "tenantId": TENANT_ID, "icAgentId": "1200777"}),
    );
    let tenant = healthy()
        .on(&auth_url(), with_sub)
        .on(&hub_user_url(API, KEY_USER), hub_user_answer())
        .on(
            &p_state_url(API, "1200777"),
            states(vec![state_entry("1200777", "Available", 1)]),
        )
        .on(
            &p_list_url(API),
            states(vec![state_entry("1200777", "Available", 1)]),
        );
    let first = run(own.clone(), tenant);
    assert_eq!(first.verdict(), Verdict::LoggedIn);
    assert!(first
        .sent()
        .iter()
        .all(|r| r.kind != RequestKind::AgentLookup));
    // Without icAgentId (NICE's published sample has none), the agent list maps the user.
    let published = token(
        json!({"sub": format!("user:{KEY_USER}"), "userId": KEY_USER, "tenantId": TENANT_ID}),
    );
    let tenant = healthy()
        .on(&auth_url(), published)
        .on(&hub_user_url(API, KEY_USER), hub_user_answer())
        .on(
            &lookup_url(API, KEY_USER),
            agents_page(vec![agent_record(1200777, KEY_USER)], 1, 0),
        )
        .on(
            &p_state_url(API, "1200777"),
            states(vec![state_entry("1200777", "Available", 1)]),
        )
        .on(
            &p_list_url(API),
            states(vec![state_entry("1200777", "Available", 1)]),
        );
    let second = run(own, tenant);
    assert_eq!(second.verdict(), Verdict::LoggedIn);
    assert!(second
        .sent()
        .iter()
        .any(|r| r.kind == RequestKind::AgentLookup));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_inference_shows_in_the_evidence_of_its_check() {
    let run = run_platform(healthy());
    for check in [
        Check::Token,
        Check::AgentId,
        Check::AgentState,
        Check::StateList,
    ] {
        assert!(
            run.node(check).summary.contains("Inference:"),
            "{}: {}",
            check.id(),
            run.node(check).summary
        );
    }
    assert!(!run.node(Check::Discovery).summary.contains("Inference:"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn without_total_records_the_next_link_is_followed_page_by_page() {
    let next = |skip: u32| json!({"next": format!("{API}/incontactapi/services/{V}/agents?top=100&skip={skip}")});
    let mut agents = others(7_000_000, 40);
    agents[3] = agent_record(AGENT.parse().unwrap(), USER);
    let mut entries = other_states(7_000_000, 40);
    entries[3] = state_entry(AGENT, "Available", 1);
    let tenant = healthy()
        .on(
            &lookup_page_url(API, 0),
            json(
                200,
                json!({"agents": others(6_000_000, 100), "_links": next(100)}),
            ),
        )
        .on(
            &lookup_page_url(API, 100),
            json(200, json!({"agents": agents})),
        )
        .on(
            &p_list_page_url(API, 0),
            json(
                200,
                json!({"agentStates": other_states(6_000_000, 100), "_links": next(100)}),
            ),
        )
        .on(
            &p_list_page_url(API, 100),
            json(200, json!({"agentStates": entries})),
        );
    let run = run(platform_inputs(), tenant);
    assert_eq!(
        run.verdict(),
        Verdict::LoggedIn,
        "{}",
        run.report.tree.summary
    );
    assert_eq!(run.branch(Check::StateList), "listed");
    assert_eq!(
        run.round_count(),
        5,
        "token, discovery, first pages, second pages, state"
    );
}
