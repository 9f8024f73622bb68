//! One test per verdict of the README's Verdicts table, named after it and built from the answers that lead there.
//! Read top to bottom, these are the diagnosis rules. Runs natively and in headless Chromium.

mod common;

use agent_state_doctor::engine::{Check, Diagnosis, Outcome, Verdict};
use agent_state_doctor::inputs::Field;
use common::*;
use serde_json::json;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

// ----- before anything is sent -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn invalid_input_when_the_form_fails_validation_and_nothing_is_sent() {
    let mut bad = form();
    bad.set(Field::Tenant, "Acme Corp");
    let run = drive(Diagnosis::from_form(&bad, None, NOW), Tenant::empty());
    assert_eq!(run.verdict(), Verdict::InvalidInput);
    assert_eq!(run.round_count(), 0, "nothing was sent");
    assert_eq!(run.outcome(Check::Inputs), Outcome::Fail);
    assert!(run.node(Check::Inputs).summary.contains("Tenant"));
    assert_eq!(run.outcome(Check::Token), Outcome::Skipped);
}

// ----- getting through to the API -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn cors_blocked_when_calling_directly_and_the_browser_gets_no_answer() {
    let run = run(
        inputs(),
        Tenant::logged_in().on(&token_url(PROD), no_answer()),
    );
    assert_eq!(run.verdict(), Verdict::CorsBlocked);
    assert_eq!(
        run.outcome(Check::Relay),
        Outcome::Skipped,
        "no relay: the relay check is skipped"
    );
    assert_eq!(run.branch(Check::Token), "no_answer");
    assert!(
        run.verdict_text().contains("relay"),
        "the fix suggests a relay"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_unreachable_when_neither_healthz_nor_the_token_call_get_an_answer() {
    let relayed = inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let tenant = Tenant::logged_in()
        .health(no_answer())
        .on(&token_url(PROD), no_answer());
    let run = run(relayed, tenant);
    assert_eq!(run.verdict(), Verdict::RelayUnreachable);
    assert_eq!(run.branch(Check::Relay), "unreachable");
    assert_eq!(
        run.report.tree.verdict.as_ref().unwrap().decided_by,
        Check::Relay
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_misconfigured_when_the_relay_is_up_but_calls_through_it_get_no_answer() {
    // /healthz answers, the token call through the relay does not: the relay drops CORS headers.
    let relayed = inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let run = run(
        relayed,
        Tenant::logged_in().on(&token_url(PROD), no_answer()),
    );
    assert_eq!(run.verdict(), Verdict::RelayMisconfigured);
    assert_eq!(run.branch(Check::Relay), "blocked");
    assert_eq!(run.outcome(Check::Relay), Outcome::Fail);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_misconfigured_when_an_html_page_comes_back_instead_of_the_api() {
    // A relay path on a static site answers the site's own page with 200.
    let relayed = inputs_with(|f| f.set(Field::Relay, "/relay/"));
    let page =
        "<!DOCTYPE html><html><head><title>Agent State Doctor</title></head><body></body></html>";
    let run = run(
        relayed,
        Tenant::logged_in().on(&token_url(PROD), raw(200, "text/html; charset=utf-8", page)),
    );
    assert_eq!(run.verdict(), Verdict::RelayMisconfigured);
    assert_eq!(run.branch(Check::Token), "not_api");
    assert_eq!(run.branch(Check::Relay), "not_api");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_misconfigured_when_a_2xx_answer_carries_no_json() {
    let relayed = inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/?url={url}"));
    let tenant = Tenant::logged_in().on(&user_url(PROD, USER), raw(200, "text/plain", "OK"));
    let run = run(relayed, tenant);
    assert_eq!(run.verdict(), Verdict::RelayMisconfigured);
    assert_eq!(run.branch(Check::User), "not_api");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_misconfigured_when_the_relay_reports_its_own_error_rather_than_the_tenants() {
    let relayed = inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let refused = with_header(
        json(
            400,
            json!({"relay_error": "bad-target", "detail": "no target URL after the prefix"}),
        ),
        "X-Relay-Error",
        "bad-target",
    );
    let run = run(relayed, Tenant::logged_in().on(&token_url(PROD), refused));
    assert_eq!(
        run.verdict(),
        Verdict::RelayMisconfigured,
        "only dns, connect, tls and timeout errors mean the tenant is unreachable"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_misconfigured_when_the_relay_refuses_the_host_as_forbidden_host() {
    let relayed = inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let refused = with_header(
        json(
            403,
            json!({"relay_error": "forbidden-host", "detail": "acme.nicecxone.com is not allowed"}),
        ),
        "X-Relay-Error",
        "forbidden-host",
    );
    let run = run(relayed, Tenant::logged_in().on(&token_url(PROD), refused));
    assert_eq!(
        run.verdict(),
        Verdict::RelayMisconfigured,
        "a relay refusing the host is not a missing scope"
    );
    assert_eq!(run.branch(Check::Relay), "refused_host");
    let verdict = run.report.tree.verdict.as_ref().unwrap();
    assert!(
        verdict.fix[0].contains("allowlist"),
        "the first fix step is to allowlist the host"
    );
    assert!(verdict.explanation.contains("https://acme.nicecxone.com"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tenant_unreachable_when_the_reference_relay_answers_502_with_x_relay_error() {
    let relayed = inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let dns = with_header(
        json(
            502,
            json!({"relay_error": "dns", "detail": "acme.nicecxone.com: no such host"}),
        ),
        "X-Relay-Error",
        "dns",
    );
    let run = run(relayed, Tenant::logged_in().on(&token_url(PROD), dns));
    assert_eq!(
        run.verdict(),
        Verdict::TenantUnreachable,
        "a relay's 502 is not the API's 5xx"
    );
    assert_eq!(run.branch(Check::Relay), "cannot_reach_host");
    assert!(run.node(Check::Token).summary.contains("no such host"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tenant_unreachable_when_cors_anywhere_reports_a_proxy_error_enotfound() {
    let relayed = inputs_with(|f| f.set(Field::Relay, "https://cors-anywhere.acme.example/"));
    let text = "Not found because of proxy error: Error: getaddrinfo ENOTFOUND acme.nicecxone.com";
    let run = run(
        relayed,
        Tenant::logged_in().on(&token_url(PROD), raw(404, "text/plain", text)),
    );
    assert_eq!(run.verdict(), Verdict::TenantUnreachable);
}

// ----- credentials and token -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bad_credentials_when_the_token_endpoint_answers_401() {
    let refused = json(
        401,
        json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
    );
    let run = run(inputs(), Tenant::logged_in().on(&token_url(PROD), refused));
    assert_eq!(run.verdict(), Verdict::BadCredentials);
    assert_eq!(run.branch(Check::Token), "refused");
    assert_eq!(run.round_count(), 1);
    for later in [
        Check::Scopes,
        Check::User,
        Check::AgentState,
        Check::OtherEnvironment,
    ] {
        assert_eq!(
            run.outcome(later),
            Outcome::Skipped,
            "{later:?} did not run"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bad_credentials_when_the_token_endpoint_answers_400_invalid_client() {
    let refused = json(400, json!({"error": "invalid_client"}));
    let run = run(inputs(), Tenant::logged_in().on(&token_url(PROD), refused));
    assert_eq!(run.verdict(), Verdict::BadCredentials);
    assert!(run.node(Check::Token).summary.contains("invalid_client"));
    // The same OAuth error with status 200 is still a refusal.
    let refused_ok = json(200, json!({"error": "invalid_client"}));
    let run = run_again(Tenant::logged_in().on(&token_url(PROD), refused_ok));
    assert_eq!(run.verdict(), Verdict::BadCredentials);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn token_rejected_when_the_api_answers_401_to_a_freshly_issued_token() {
    let tenant = Tenant::logged_in().on(
        &user_url(PROD, USER),
        json(401, json!({"error": "invalid_token"})),
    );
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::TokenRejected);
    assert_eq!(
        run.outcome(Check::Token),
        Outcome::Pass,
        "the token was issued"
    );
    assert_eq!(run.branch(Check::User), "token_rejected");
    assert!(
        run.report.token.is_none(),
        "a rejected token is not offered for reuse"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn token_rejected_when_the_token_issued_has_already_expired_by_its_jwt_exp() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    // An unsigned JWT whose exp is a day before the caller's clock, with an hour's expires_in.
    let expired = format!(
        "{}.{}.",
        b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(json!({"sub": CLIENT_ID, "exp": NOW / 1000 - 86_400}).to_string())
    );
    let tenant = Tenant::logged_in()
        .on(
            &token_url(PROD),
            json(
                200,
                json!({"access_token": expired, "token_type": "bearer", "expires_in": 3600, "scope": ALL_SCOPES}),
            ),
        )
        .on(
            &user_url(PROD, USER),
            json(401, json!({"error": "invalid_token"})),
        );
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::TokenRejected);
    assert_eq!(run.branch(Check::TokenLifetime), "expired");
    assert_eq!(run.outcome(Check::TokenLifetime), Outcome::Fail);
    assert!(run.verdict_text().contains("already expired"));
    assert!(!run.tree_json().contains(&expired), "the JWT is redacted");
}

// ----- scopes -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn missing_scope_when_the_api_answers_403() {
    let tenant = Tenant::logged_in().on(
        &state_url(PROD, AGENT),
        json(403, json!({"error": "forbidden"})),
    );
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::MissingScope);
    assert_eq!(run.branch(Check::AgentState), "forbidden");
    assert!(run.verdict_text().contains("agent:state:read"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn missing_scope_when_token_lacks_state_scope_and_state_is_empty() {
    // The guide's silent failure: 200 with {} and [] instead of 403. Not logged_out.
    let tenant = Tenant::logged_in()
        .on(&token_url(PROD), token_answer("agent:read user:read"))
        .on(&state_url(PROD, AGENT), no_session())
        .on(&list_url(PROD), empty_list());
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::MissingScope);
    assert_eq!(run.branch(Check::Scopes), "lacks_state_read");
    assert_eq!(run.outcome(Check::Scopes), Outcome::Fail);
    assert_eq!(
        run.branch(Check::OtherEnvironment),
        "scope",
        "no point asking the other environment"
    );
    assert!(run.sent_to(&token_url(DEVTEST)).is_empty());
}

// ----- the IDs -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn user_not_found_when_the_user_lookup_answers_404_and_the_id_is_no_agent_id_either() {
    let not_found = json(
        404,
        json!({"error": "not_found", "message": "User not found"}),
    );
    let tenant = Tenant::logged_in()
        .on(&user_url(PROD, USER), not_found.clone())
        .on(&state_url(PROD, USER), not_found);
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::UserNotFound);
    assert_eq!(
        run.sent_to(&state_url(PROD, USER)).len(),
        1,
        "the same ID was tried as an agent ID"
    );
    assert_eq!(run.outcome(Check::AgentId), Outcome::Skipped);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn id_is_agent_id_when_the_user_lookup_404s_but_the_agent_state_endpoint_knows_the_id() {
    // Someone typed the agent ID into the User ID field.
    let typed_agent = inputs_with(|f| f.set(Field::UserId, AGENT));
    let tenant = Tenant::logged_in()
        .on(
            &user_url(PROD, AGENT),
            json(404, json!({"message": "User not found"})),
        )
        .on(&list_url(PROD), list_without_agent())
        .on(&state_url(PROD, AGENT), no_session());
    let run = run(typed_agent, tenant);
    assert_eq!(run.verdict(), Verdict::IdIsAgentId);
    assert_eq!(run.branch(Check::User), "is_agent_id");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn id_is_agent_id_straight_from_the_list_when_it_shows_the_typed_user_id_as_an_agent() {
    let typed_agent = inputs_with(|f| f.set(Field::UserId, AGENT));
    let tenant = Tenant::logged_in().on(&user_url(PROD, AGENT), json(404, json!({})));
    let run = run(typed_agent, tenant);
    assert_eq!(run.verdict(), Verdict::IdIsAgentId);
    assert_eq!(run.round_count(), 2, "no extra call needed");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn id_is_user_id_when_the_agent_id_given_404s_as_an_agent_but_is_a_known_user() {
    // Only an agent ID given, and it is really the user ID.
    let agent_only = inputs_with(|f| {
        f.set(Field::UserId, "");
        f.set(Field::AgentId, USER);
    });
    let tenant = Tenant::logged_in().on(
        &state_url(PROD, USER),
        json(404, json!({"message": "Agent not found"})),
    );
    let run = run(agent_only, tenant);
    assert_eq!(run.verdict(), Verdict::IdIsUserId);
    assert_eq!(run.branch(Check::AgentState), "is_user_id");
    assert!(
        run.node(Check::AgentState).summary.contains(AGENT),
        "it names the user's real agent ID"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn not_an_agent_when_the_user_has_no_agent_id() {
    for agent_id in [json!(null), json!(""), json!("absent")] {
        let mut user = json!({"id": USER, "name": "Pat Admin", "email": "pat@acme.example"});
        if agent_id != json!("absent") {
            user["agentId"] = agent_id.clone();
        }
        let run = run(
            inputs(),
            Tenant::logged_in().on(&user_url(PROD, USER), json(200, user)),
        );
        assert_eq!(run.verdict(), Verdict::NotAnAgent, "agentId {agent_id}");
        assert_eq!(run.branch(Check::AgentId), "none");
        assert_eq!(run.outcome(Check::AgentState), Outcome::Skipped);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn agent_not_found_when_the_state_endpoint_answers_404_for_the_users_agent_id() {
    let tenant = Tenant::logged_in().on(
        &state_url(PROD, AGENT),
        json(404, json!({"message": "Agent not found"})),
    );
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::AgentNotFound);
    assert_eq!(run.branch(Check::AgentState), "not_found");
}

// ----- the state itself -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn inconsistent_state_when_the_list_shows_a_session_that_the_agents_own_endpoint_does_not() {
    let tenant = Tenant::logged_in().on(&state_url(PROD, AGENT), no_session());
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::InconsistentState);
    assert_eq!(run.branch(Check::CrossCheck), "disagree");
    assert_eq!(run.branch(Check::StateList), "listed");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn inconsistent_state_when_the_own_endpoint_shows_a_session_that_the_list_does_not() {
    let run = run(
        inputs(),
        Tenant::logged_in().on(&list_url(PROD), list_without_agent()),
    );
    assert_eq!(run.verdict(), Verdict::InconsistentState);
    assert_eq!(run.branch(Check::AgentState), "active");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wrong_environment_when_logged_out_here_but_logged_in_on_devtest() {
    let tenant = Tenant::logged_out_everywhere().on(&state_url(DEVTEST, AGENT), active_state());
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::WrongEnvironment);
    assert_eq!(run.branch(Check::OtherEnvironment), "logged_in");
    // Token, user and state were repeated on DevTest with the same inputs.
    assert_eq!(run.sent_to(&token_url(DEVTEST)).len(), 1);
    assert_eq!(run.sent_to(&user_url(DEVTEST, USER)).len(), 1);
    assert_eq!(run.sent_to(&state_url(DEVTEST, AGENT)).len(), 1);
    assert!(run
        .report
        .tree
        .verdict
        .as_ref()
        .unwrap()
        .explanation
        .contains("DevTest"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn logged_out_when_everything_works_and_no_session_here_or_on_the_other_environment() {
    let run = run(inputs(), Tenant::logged_out_everywhere());
    assert_eq!(run.verdict(), Verdict::LoggedOut);
    assert_eq!(run.outcome(Check::Scopes), Outcome::Pass);
    assert_eq!(run.branch(Check::CrossCheck), "agree_out");
    assert_eq!(run.branch(Check::OtherEnvironment), "logged_out");
    assert_eq!(run.outcome(Check::OtherEnvironment), Outcome::Pass);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn logged_in_shows_the_state_name_and_skill_group() {
    let run = run(inputs(), Tenant::logged_in());
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    let verdict = run.report.tree.verdict.as_ref().unwrap();
    assert!(
        verdict.explanation.contains("Available"),
        "{}",
        verdict.explanation
    );
    assert!(verdict.explanation.contains("Billing"));
    assert!(verdict.explanation.contains("Dana Whitfield"));
    assert_eq!(run.branch(Check::CrossCheck), "agree_in");
    assert_eq!(run.branch(Check::OtherEnvironment), "not_needed");
    assert_eq!(run.outcome(Check::OtherEnvironment), Outcome::Skipped);
}

// ----- the API misbehaving -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rate_limited_when_429_persists_after_three_tries() {
    let too_many = with_header(
        json(429, json!({"message": "Too Many Requests"})),
        "Retry-After",
        "2",
    );
    let run = run(
        inputs(),
        Tenant::logged_in().on(&user_url(PROD, USER), too_many),
    );
    assert_eq!(run.verdict(), Verdict::RateLimited);
    let tries = run.sent_to(&user_url(PROD, USER));
    assert_eq!(tries.len(), 3, "three tries in total");
    assert_eq!(
        tries.iter().map(|r| r.delay_ms).collect::<Vec<_>>(),
        vec![0, 2000, 2000],
        "Retry-After honoured"
    );
    assert_eq!(
        run.node(Check::User).exchanges.len(),
        3,
        "every try is evidence"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn service_error_when_the_api_answers_5xx() {
    let down = json(503, json!({"message": "Service Unavailable"}));
    let run = run(
        inputs(),
        Tenant::logged_in()
            .on(&list_url(PROD), down.clone())
            .on(&state_url(PROD, AGENT), no_session()),
    );
    assert_eq!(
        run.verdict(),
        Verdict::ServiceError,
        "with the state empty, a failed list cannot be ignored"
    );
    assert_eq!(run.branch(Check::StateList), "service_error");
    let run = run_again(Tenant::logged_in().on(
        &token_url(PROD),
        json(500, json!({"error": "server_error"})),
    ));
    assert_eq!(run.verdict(), Verdict::ServiceError);
}

fn run_again(tenant: Tenant) -> Run {
    run(inputs(), tenant)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn timeout_when_a_call_takes_longer_than_the_time_limit() {
    let slow = inputs_with(|f| f.set(Field::Timeout, "5"));
    let run = run(
        slow,
        Tenant::logged_in().on(&state_url(PROD, AGENT), timed_out()),
    );
    assert_eq!(run.verdict(), Verdict::Timeout);
    assert_eq!(run.branch(Check::AgentState), "timeout");
    assert!(
        run.sent().iter().all(|r| r.timeout_ms == 5_000),
        "every call carries the time limit"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_verdict_is_reached_by_a_test_in_this_file() {
    // A guard against a verdict being added without its story. `discovery_failed` and the
    // verdicts of role permissions and agent records are the platform's alone (the guide
    // discovers nothing, and its users carry no status), as is `inconclusive` (only the platform's
    // lists are paged within a bound or answer "no data"): engine_platform.rs has their stories.
    let source = include_str!("engine_verdicts.rs");
    let platform_only = [
        Verdict::DiscoveryFailed,
        Verdict::MissingPermission,
        Verdict::AgentHidden,
        Verdict::AgentInactive,
        Verdict::AgentLocked,
        Verdict::UserDisabled,
        Verdict::Inconclusive,
    ];
    for verdict in Verdict::ALL
        .into_iter()
        .filter(|v| !platform_only.contains(v))
    {
        assert!(
            source.contains(&format!("fn {}_", verdict.code())),
            "no test named after {}",
            verdict.code()
        );
    }
}
