//! How the diagnosis works beyond the verdicts: speed (rounds), retries, tolerant reading of
//! answers, where scopes come from, redaction of evidence, and the tree's shape while running.
//! Runs natively and in headless Chromium.

mod common;

use agent_state_doctor::engine::{
    Answer, CachedToken, Check, Diagnosis, Outcome, RequestKind, Response, Step, Tree, Verdict,
};
use agent_state_doctor::inputs::{Field, Profile};
use base64::Engine as _;
use common::*;
use serde_json::json;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn jwt(claims: serde_json::Value) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.{}",
        b64.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        b64.encode(claims.to_string()),
        "c2lnbmF0dXJl"
    )
}

fn token_without_scope(access_token: &str) -> Answer {
    json(
        200,
        json!({"access_token": access_token, "token_type": "bearer", "expires_in": 3600}),
    )
}

// ----- speed -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn three_rounds_token_then_user_with_list_together_then_agent_state() {
    let run = run(inputs(), Tenant::logged_in());
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(
        run.kinds(),
        vec![
            vec![RequestKind::Token],
            vec![RequestKind::User, RequestKind::StateList],
            vec![RequestKind::AgentState],
        ]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn two_rounds_with_the_token_cached_by_the_previous_run() {
    let first = run(inputs(), Tenant::logged_in());
    let cached = first
        .report
        .token
        .clone()
        .expect("the report hands back the token");
    assert_eq!(cached.access_token(), ACCESS_TOKEN);
    assert_eq!(cached.expires_at_ms, NOW + 3_600_000);
    assert!(
        !first.tree_json().contains(ACCESS_TOKEN),
        "the token stays out of the tree"
    );

    let again = run_cached(inputs(), cached, Tenant::logged_in());
    assert_eq!(again.verdict(), Verdict::LoggedIn);
    assert_eq!(again.round_count(), 2);
    assert!(again.sent_to(&token_url(PROD)).is_empty());
    assert_eq!(again.branch(Check::Token), "reused");
    assert_eq!(
        again.outcome(Check::Scopes),
        Outcome::Pass,
        "the cached token keeps its scopes"
    );
    assert!(again.sent()[0]
        .header("Authorization")
        .unwrap()
        .ends_with(ACCESS_TOKEN));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_cached_token_is_not_reused_for_another_secret_or_once_expired() {
    let cached = CachedToken::new(ACCESS_TOKEN, NOW + 3_600_000, None, &inputs());
    let other_secret = inputs_with(|f| f.set(Field::ClientSecret, "another-secret"));
    assert!(!cached.is_valid_for(&other_secret, NOW));
    assert!(!cached.is_valid_for(&inputs_with(|f| f.set(Field::Environment, "devtest")), NOW));
    assert!(cached.is_valid_for(&inputs(), NOW));
    assert!(
        !cached.is_valid_for(&inputs(), NOW + 3_590_000),
        "not within its last minute"
    );
    let run = run_cached(other_secret, cached, Tenant::logged_in());
    assert_eq!(run.round_count(), 3, "a fresh token was fetched");
    assert_eq!(run.branch(Check::Token), "issued");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_cached_token_refused_with_401_is_replaced_by_a_fresh_one() {
    let revoked = CachedToken::new("at-revoked", NOW + 3_600_000, None, &inputs());
    let tenant = Tenant::logged_in()
        .on_each(
            &user_url(PROD, USER),
            vec![json(401, json!({"error": "invalid_token"})), user_answer()],
        )
        .on_each(
            &list_url(PROD),
            vec![
                json(401, json!({"error": "invalid_token"})),
                list_with_agent(),
            ],
        );
    let run = run_cached(inputs(), revoked, tenant);
    assert_eq!(
        run.verdict(),
        Verdict::LoggedIn,
        "a stale cached token is not token_rejected"
    );
    assert_eq!(run.sent_to(&token_url(PROD)).len(), 1);
    assert_eq!(
        run.report.token.as_ref().unwrap().access_token(),
        ACCESS_TOKEN
    );
    assert!(!run.tree_json().contains("at-revoked"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_agent_id_given_alone_skips_the_user_lookup() {
    let agent_only = inputs_with(|f| {
        f.set(Field::UserId, "");
        f.set(Field::AgentId, AGENT);
    });
    let run = run(agent_only, Tenant::logged_in());
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(
        run.kinds(),
        vec![
            vec![RequestKind::Token],
            vec![RequestKind::StateList, RequestKind::AgentState]
        ]
    );
    assert_eq!(run.branch(Check::User), "not_given");
    assert_eq!(run.outcome(Check::User), Outcome::Skipped);
    assert_eq!(run.branch(Check::AgentId), "given");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_agent_id_given_with_the_user_is_cross_checked() {
    let both = inputs_with(|f| f.set(Field::AgentId, AGENT));
    let run = run(both, Tenant::logged_in());
    assert_eq!(run.branch(Check::AgentId), "matches");
    assert_eq!(
        run.round_count(),
        2,
        "the typed agent's state went out with the user lookup"
    );

    let wrong = inputs_with(|f| f.set(Field::AgentId, OTHER_AGENT));
    let run = run_typed(wrong);
    assert_eq!(run.branch(Check::AgentId), "mismatch");
    assert_eq!(run.outcome(Check::AgentId), Outcome::Warn);
    assert_eq!(
        run.verdict(),
        Verdict::LoggedIn,
        "the user's own agent ID is diagnosed"
    );
    assert_eq!(run.sent_to(&state_url(PROD, AGENT)).len(), 1);
}

fn run_typed(inputs: agent_state_doctor::inputs::Inputs) -> Run {
    run(
        inputs,
        Tenant::logged_in().on(&state_url(PROD, OTHER_AGENT), active_state()),
    )
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_relay_probe_goes_out_with_the_first_round_only_when_a_relay_is_set() {
    let relayed = inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let run = run(relayed, Tenant::logged_in());
    assert_eq!(
        run.kinds()[0],
        vec![RequestKind::Token, RequestKind::RelayHealth]
    );
    assert_eq!(run.sent()[1].url, "https://relay.acme.example/healthz");
    assert_eq!(run.branch(Check::Relay), "reference");
    assert_eq!(run.round_count(), 3);

    let direct = run_direct();
    assert!(direct
        .sent()
        .iter()
        .all(|r| r.kind != RequestKind::RelayHealth));
    assert_eq!(direct.branch(Check::Relay), "direct");
}

fn run_direct() -> Run {
    run(inputs(), Tenant::logged_in())
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_relay_without_healthz_that_forwards_calls_only_warns() {
    let relayed = inputs_with(|f| f.set(Field::Relay, "https://cors-anywhere.acme.example/"));
    let run = run(relayed, Tenant::logged_in().health(no_answer()));
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(run.branch(Check::Relay), "no_health");
    assert_eq!(run.outcome(Check::Relay), Outcome::Warn);
}

// ----- retries -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_429_then_success_recovers_after_waiting_retry_after() {
    let too_many = with_header(json(429, json!({})), "Retry-After", "3");
    let tenant = Tenant::logged_in().on_each(&user_url(PROD, USER), vec![too_many, user_answer()]);
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    let tries = run.sent_to(&user_url(PROD, USER));
    assert_eq!(tries.len(), 2);
    assert_eq!(tries[1].delay_ms, 3000);
    assert_eq!(tries[1].attempt, 2);
    assert_eq!(
        run.sent_to(&list_url(PROD)).len(),
        1,
        "only the refused call is sent again"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn retries_wait_at_most_10_seconds_in_total() {
    // Retry-After 6: the first wait fits in 10 s, a second would not, so it gives up after 2 tries.
    let too_many = with_header(json(429, json!({})), "Retry-After", "6");
    let run = run(inputs(), Tenant::logged_in().on(&token_url(PROD), too_many));
    assert_eq!(run.verdict(), Verdict::RateLimited);
    let tries = run.sent_to(&token_url(PROD));
    assert_eq!(tries.len(), 2);
    let waited: u64 = run.sent().iter().map(|r| r.delay_ms).sum();
    assert!(waited <= 10_000, "waited {waited} ms");

    // A Retry-After beyond the budget is not waited for at all.
    let long = with_header(json(429, json!({})), "Retry-After", "120");
    let run = run_token(long);
    assert_eq!(run.verdict(), Verdict::RateLimited);
    assert_eq!(run.sent_to(&token_url(PROD)).len(), 1);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn retries_of_one_round_wait_side_by_side_and_are_reported_as_the_real_wait() {
    // The user lookup and the list both answer 429 with Retry-After 1, three times each: two
    // rounds of retries, each waiting 1 s with both calls waiting side by side: 2 s in all.
    let too_many = with_header(json(429, json!({})), "Retry-After", "1");
    let tenant = Tenant::logged_in()
        .on(&user_url(PROD, USER), too_many.clone())
        .on(&list_url(PROD), too_many);
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::RateLimited);
    assert_eq!(run.sent_to(&user_url(PROD, USER)).len(), 3);
    assert_eq!(run.sent_to(&list_url(PROD)).len(), 3);
    assert_eq!(run.real_wait_ms(), 2_000);
    let text = run.verdict_text();
    assert!(
        text.contains("after 3 tries and 2.0 s of waiting"),
        "the real wait, not the sum of both calls' waits: {text}"
    );
    assert!(run.node(Check::User).summary.contains("2.0 s"));

    // The engine's own count agrees.
    let mut dx = Diagnosis::new(inputs(), None, NOW);
    let mut tenant = Tenant::logged_in()
        .on(
            &user_url(PROD, USER),
            with_header(json(429, json!({})), "Retry-After", "1"),
        )
        .on(
            &list_url(PROD),
            with_header(json(429, json!({})), "Retry-After", "1"),
        );
    while let Step::Send(requests) = dx.poll() {
        for request in &requests {
            dx.receive(request.id, tenant.answer(request));
        }
    }
    assert_eq!(dx.retry_wait_ms(), 2_000);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_10_second_budget_counts_retries_waiting_side_by_side_once() {
    // Retry-After 6 on both calls of round 2: both retry together after 6 s (6 s of real
    // waiting, within 10 s); another 6 s would pass the budget, so each call stops at 2 tries.
    let too_many = with_header(json(429, json!({})), "Retry-After", "6");
    let tenant = Tenant::logged_in()
        .on(&user_url(PROD, USER), too_many.clone())
        .on(&list_url(PROD), too_many);
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::RateLimited);
    assert_eq!(run.sent_to(&user_url(PROD, USER)).len(), 2);
    assert_eq!(
        run.sent_to(&list_url(PROD)).len(),
        2,
        "the list's retry waits beside the user's, so it costs no extra time"
    );
    assert_eq!(run.real_wait_ms(), 6_000);
    assert!(run
        .verdict_text()
        .contains("after 2 tries and 6.0 s of waiting"));

    // Waits in different rounds add up: 4 s for the user lookup, then 4 s for the agent's state
    // leaves 2 s, so the state's next 4 s wait is not taken.
    let four = with_header(json(429, json!({})), "Retry-After", "4");
    let tenant = Tenant::logged_in()
        .on_each(&user_url(PROD, USER), vec![four.clone(), user_answer()])
        .on(&state_url(PROD, AGENT), four);
    let run = self::run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::RateLimited);
    assert_eq!(run.sent_to(&state_url(PROD, AGENT)).len(), 2);
    assert_eq!(run.real_wait_ms(), 8_000);
}

fn run_token(answer: Answer) -> Run {
    run(inputs(), Tenant::logged_in().on(&token_url(PROD), answer))
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_429_without_retry_after_waits_one_second() {
    let run = run_token(json(429, json!({})));
    assert_eq!(run.verdict(), Verdict::RateLimited);
    let delays: Vec<u64> = run
        .sent_to(&token_url(PROD))
        .iter()
        .map(|r| r.delay_ms)
        .collect();
    assert_eq!(delays, vec![0, 1000, 1000]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_429_with_a_retry_after_http_date_4_s_ahead_is_waited_for_not_rate_limited() {
    // RFC 9110: Retry-After may be an HTTP-date. Without a Date header it is measured against
    // the time the diagnosis was given (NOW is Tue, 14 Nov 2023 22:13:20 GMT).
    let dated = with_header(
        json(429, json!({})),
        "Retry-After",
        "Tue, 14 Nov 2023 22:13:24 GMT",
    );
    let tenant = Tenant::logged_in().on_each(&user_url(PROD, USER), vec![dated, user_answer()]);
    let first = run(inputs(), tenant);
    assert_eq!(first.verdict(), Verdict::LoggedIn);
    assert_eq!(first.sent_to(&user_url(PROD, USER))[1].delay_ms, 4_000);
    // With a Date header, the server's own clock measures it (the obsolete RFC 850 form too).
    let dated = with_header(
        with_header(
            json(429, json!({})),
            "Date",
            "Sunday, 06-Nov-94 08:49:37 GMT",
        ),
        "Retry-After",
        "Sun, 06 Nov 1994 08:49:39 GMT",
    );
    let tenant = Tenant::logged_in().on_each(&user_url(PROD, USER), vec![dated, user_answer()]);
    let second = run(inputs(), tenant);
    assert_eq!(second.sent_to(&user_url(PROD, USER))[1].delay_ms, 2_000);
    // A date past the budget is not waited for.
    let far = with_header(
        json(429, json!({})),
        "Retry-After",
        "Tue, 14 Nov 2023 22:14:20 GMT",
    );
    let third = run(inputs(), Tenant::logged_in().on(&user_url(PROD, USER), far));
    assert_eq!(third.verdict(), Verdict::RateLimited);
}

// ----- tolerant reading -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn answers_are_read_tolerantly() {
    // Numeric IDs, a bare-array list, unknown fields, nulls, Content-Type with parameters.
    let tenant = Tenant::logged_in()
        .on(
            &user_url(PROD, USER),
            json(200, json!({"id": USER, "name": "Dana Whitfield", "agentId": 1204587, "teamId": null, "extra": {"a": 1}})),
        )
        .on(
            &list_url(PROD),
            json(200, json!([{"agentId": 1204587, "state": {"name": "Available"}, "unknown": true}, {"agentId": null}])),
        )
        .on(
            &state_url(PROD, AGENT),
            raw(
                200,
                "application/json;charset=UTF-8",
                r#"{"state":{"name":"Available","skillGroup":{"name":"Billing"},"reason":null},"agentId":1204587}"#,
            ),
        );
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(run.branch(Check::StateList), "listed");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_empty_body_from_the_agent_state_endpoint_means_no_session() {
    let empty = Answer::Response(Response::new(200, "").with_header("Content-Length", "0"));
    let tenant = Tenant::logged_out_everywhere()
        .on(&state_url(PROD, AGENT), empty.clone())
        .on(&state_url(DEVTEST, AGENT), empty);
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::LoggedOut);
    assert_eq!(run.branch(Check::AgentState), "no_session");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_state_named_logged_out_or_a_null_state_means_no_session() {
    for state in [
        json!({"state": {"name": "Logged Out"}}),
        json!({"state": null}),
        json!([]),
    ] {
        let run = run(
            inputs(),
            Tenant::logged_out_everywhere().on(&state_url(PROD, AGENT), json(200, state.clone())),
        );
        assert_eq!(run.verdict(), Verdict::LoggedOut, "state {state}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_list_in_entities_or_bare_and_ids_in_any_case_are_the_same() {
    for list in [
        json!({"entities": [{"agentId": "1204587", "state": {"name": "Available"}}]}),
        json!([{"agentId": 1204587, "state": "Available"}]),
    ] {
        let run = run(
            inputs(),
            Tenant::logged_in().on(&list_url(PROD), json(200, list.clone())),
        );
        assert_eq!(run.verdict(), Verdict::LoggedIn, "list {list}");
    }
    let upper = "4F1C8A52-7C1E-4B7E-9A57-2B6F0D1E3C11";
    let typed = inputs_with(|f| {
        f.set(Field::UserId, "");
        f.set(Field::AgentId, upper);
    });
    let tenant = Tenant::logged_in()
        .on(&state_url(PROD, upper), active_state())
        .on(
            &list_url(PROD),
            json(
                200,
                json!([{"agentId": USER, "state": {"name": "Available"}}]),
            ),
        );
    assert_eq!(
        run(typed, tenant).branch(Check::StateList),
        "listed",
        "UUIDs compare without case"
    );
}

// ----- scopes -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn scopes_come_from_a_jwt_scope_claim_as_a_string() {
    let token =
        jwt(json!({"sub": "diag-client-7", "scope": "agent:read user:read", "exp": 1700003600}));
    let tenant = Tenant::logged_out_everywhere()
        .on(&token_url(PROD), token_without_scope(&token))
        .on(&list_url(PROD), empty_list());
    let run = run(inputs(), tenant);
    assert_eq!(run.branch(Check::Scopes), "lacks_state_read");
    assert!(run.node(Check::Scopes).summary.contains("JWT"));
    assert_eq!(run.verdict(), Verdict::MissingScope);
    assert!(!run.tree_json().contains(&token), "the JWT is redacted too");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn scopes_come_from_a_jwt_scp_claim_as_an_array_even_with_padding() {
    let token = jwt(
        json!({"scp": ["agent:read", "agent:state:read", "user:read"], "iss": "https://acme.nicecxone.com"}),
    );
    let (head, rest) = token.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let padded = format!(
        "{head}.{payload}{}.{signature}",
        "=".repeat((4 - payload.len() % 4) % 4)
    );
    let run = run(
        inputs(),
        Tenant::logged_in().on(&token_url(PROD), token_without_scope(&padded)),
    );
    assert_eq!(run.branch(Check::Scopes), "all");
    assert_eq!(run.outcome(Check::Scopes), Outcome::Pass);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn scopes_are_unknown_not_passed_when_neither_the_answer_nor_the_token_says() {
    let tenant = Tenant::logged_out_everywhere()
        .on(&token_url(PROD), token_without_scope("opaque-token-123"));
    let run = run(inputs(), tenant);
    assert_eq!(run.outcome(Check::Scopes), Outcome::Unknown);
    assert_eq!(
        run.verdict(),
        Verdict::LoggedOut,
        "without proof of a missing scope, the empty state stands"
    );
    assert!(run
        .report
        .tree
        .verdict
        .as_ref()
        .unwrap()
        .explanation
        .contains("scopes could not be read"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn missing_user_or_agent_read_only_warns_and_a_short_lifetime_warns() {
    let token = json(
        200,
        json!({"access_token": ACCESS_TOKEN, "expires_in": "120", "scope": ["agent:state:read", "agent:read"]}),
    );
    let run = run(inputs(), Tenant::logged_in().on(&token_url(PROD), token));
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    assert_eq!(run.branch(Check::Scopes), "lacks_other");
    assert_eq!(run.outcome(Check::TokenLifetime), Outcome::Warn);
}

fn token_with_exp(exp_secs: u64, expires_in: Option<u64>) -> (String, Answer) {
    let token = jwt(json!({"sub": CLIENT_ID, "scope": ALL_SCOPES, "exp": exp_secs}));
    let mut answer = json!({"access_token": token, "token_type": "bearer"});
    if let Some(secs) = expires_in {
        answer["expires_in"] = json!(secs);
    }
    (token, json(200, answer))
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_token_lifetime_reads_a_jwt_access_tokens_exp_against_the_callers_clock() {
    let now = NOW / 1000;
    let lifetime = |exp: u64, expires_in: Option<u64>| {
        let (_, answer) = token_with_exp(exp, expires_in);
        run(inputs(), Tenant::logged_in().on(&token_url(PROD), answer))
    };

    // Already expired, whatever expires_in says: it fails, and says so.
    let run = lifetime(now - 90, Some(3600));
    assert_eq!(
        run.verdict(),
        Verdict::LoggedIn,
        "the lifetime alone decides nothing"
    );
    assert_eq!(run.branch(Check::TokenLifetime), "expired");
    assert_eq!(run.outcome(Check::TokenLifetime), Outcome::Fail);
    let summary = &run.node(Check::TokenLifetime).summary;
    assert!(
        summary.contains("exp") && summary.contains("expired") && summary.contains("90 s"),
        "{summary}"
    );
    assert!(!run.node(Check::TokenLifetime).fix.is_empty());

    // Expiring within 5 minutes by exp, although expires_in says an hour.
    let run = lifetime(now + 120, Some(3600));
    assert_eq!(run.branch(Check::TokenLifetime), "short");
    assert_eq!(run.outcome(Check::TokenLifetime), Outcome::Warn);
    assert!(run.node(Check::TokenLifetime).summary.contains("exp"));
    assert_eq!(
        run.report.token.as_ref().map(|t| t.expires_at_ms),
        Some((now + 120) * 1000),
        "the token is not offered for reuse past its exp"
    );

    // No expires_in: exp tells the lifetime, short or long.
    let run = lifetime(now + 120, None);
    assert_eq!(run.branch(Check::TokenLifetime), "short");
    let summary = &run.node(Check::TokenLifetime).summary;
    assert!(
        summary.contains("120 s") && summary.contains("no expires_in"),
        "{summary}"
    );
    let run = lifetime(now + 7200, None);
    assert_eq!(run.branch(Check::TokenLifetime), "long");
    assert_eq!(run.outcome(Check::TokenLifetime), Outcome::Pass);
    let run = lifetime(now - 1, None);
    assert_eq!(run.branch(Check::TokenLifetime), "expired");

    // A long expires_in and a later exp: the sooner one counts, and it is long.
    let run = lifetime(now + 7200, Some(3600));
    assert_eq!(run.branch(Check::TokenLifetime), "long");
    assert!(run
        .node(Check::TokenLifetime)
        .summary
        .starts_with("3600 s expires_in"));

    // Neither expires_in nor a JWT: unknown, as before.
    let opaque = json(
        200,
        json!({"access_token": ACCESS_TOKEN, "scope": ALL_SCOPES}),
    );
    let run = self::run(inputs(), Tenant::logged_in().on(&token_url(PROD), opaque));
    assert_eq!(run.branch(Check::TokenLifetime), "unknown");
}

// ----- the other environment -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn with_an_api_host_override_the_other_environment_is_skipped_with_a_reason() {
    let host = "https://api-c32.nice-incontact.com";
    let overridden = inputs_with(|f| f.set(Field::ApiHost, host));
    let tenant = Tenant::empty()
        .on(&token_url(host), token_answer(ALL_SCOPES))
        .on(&user_url(host, USER), user_answer())
        .on(&list_url(host), list_without_agent())
        .on(&state_url(host, AGENT), no_session());
    let run = run(overridden, tenant);
    assert_eq!(run.verdict(), Verdict::LoggedOut);
    assert_eq!(run.branch(Check::OtherEnvironment), "same_host");
    assert!(run
        .node(Check::OtherEnvironment)
        .summary
        .contains("override"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn failures_on_the_other_environment_leave_it_unknown_and_the_verdict_logged_out() {
    let tenant = Tenant::logged_out_everywhere().on(
        &token_url(DEVTEST),
        json(401, json!({"error": "invalid_client"})),
    );
    let run = run(inputs(), tenant);
    assert_eq!(run.verdict(), Verdict::LoggedOut);
    assert_eq!(run.outcome(Check::OtherEnvironment), Outcome::Unknown);
    assert!(run
        .report
        .tree
        .verdict
        .as_ref()
        .unwrap()
        .explanation
        .contains("DevTest"));
}

// ----- evidence and redaction -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_serialized_tree_holds_neither_the_secret_nor_any_token() {
    // An API that echoes what it was sent, to make leaks visible.
    let echo = json(
        200,
        json!({"entities": [], "debug": format!("Bearer {ACCESS_TOKEN} secret={SECRET}")}),
    );
    let relayed = inputs_with(|f| f.set(Field::Relay, "https://relay.acme.example/"));
    let run = run(
        relayed,
        Tenant::logged_out_everywhere().on(&list_url(PROD), echo),
    );
    let text = run.tree_json();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{SECRET}"));
    for secret in [
        SECRET,
        ACCESS_TOKEN,
        REFRESH_TOKEN,
        DEVTEST_TOKEN,
        basic.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret} leaked into the tree");
    }
    let token_exchange = &run.node(Check::Token).exchanges[0];
    let auth = token_exchange
        .request_headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .unwrap();
    assert_eq!(auth.1, "Basic <redacted>");
    let user_exchange = &run.node(Check::User).exchanges[0];
    let auth = user_exchange
        .request_headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .unwrap();
    assert_eq!(auth.1, "Bearer <redacted>");
    assert!(token_exchange
        .response_body
        .as_ref()
        .unwrap()
        .contains("\"access_token\":\"<redacted>\""));
    assert_eq!(
        token_exchange.request_body.as_deref(),
        Some("grant_type=client_credentials")
    );
    // The tree reads back as the same data.
    let back: Tree = serde_json::from_str(&text).unwrap();
    assert_eq!(back, run.report.tree);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn exchanges_carry_method_url_status_time_and_bodies_cut_at_64_kb() {
    let mut entities = vec![json!({"agentId": AGENT, "state": {"name": "Available"}})];
    for i in 0..2000 {
        entities.push(json!({"agentId": 5_000_000 + i, "state": {"name": "Available", "note": "x".repeat(40)}}));
    }
    let big = json(200, json!({ "entities": entities }));
    let run = run(inputs(), Tenant::logged_in().on(&list_url(PROD), big));
    assert_eq!(run.verdict(), Verdict::LoggedIn);
    let exchange = &run.node(Check::StateList).exchanges[0];
    assert_eq!(exchange.method, "GET");
    assert_eq!(exchange.url, list_url(PROD));
    assert_eq!(exchange.status, Some(200));
    assert_eq!(exchange.elapsed_ms, Some(40));
    assert!(exchange.response_truncated);
    assert!(exchange.response_bytes > 64 * 1024);
    let body = exchange.response_body.as_ref().unwrap();
    assert!(
        body.len() < 64 * 1024 + 100 && body.contains("cut:"),
        "the cut is marked"
    );
    assert!(exchange
        .response_headers
        .iter()
        .any(|(n, v)| n == "Content-Type" && v.starts_with("application/json")));
}

// ----- the tree's shape -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn checks_that_did_not_run_are_never_pass() {
    let run = run(
        inputs(),
        Tenant::logged_in().on(&token_url(PROD), no_answer()),
    );
    for check in [
        Check::Scopes,
        Check::TokenLifetime,
        Check::User,
        Check::AgentId,
        Check::AgentState,
        Check::StateList,
        Check::CrossCheck,
        Check::OtherEnvironment,
    ] {
        assert_eq!(run.outcome(check), Outcome::Skipped, "{check:?}");
        assert_eq!(run.branch(check), "not_run");
        assert!(run.node(check).summary.starts_with("Not run"));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_all_agents_list_shows_its_answer_when_the_diagnosis_ends_after_it_was_read() {
    // The agent-state call of round 3 ends the diagnosis; the list of round 2 was answered.
    for (state, verdict) in [
        (
            json(403, json!({"error": "forbidden"})),
            Verdict::MissingScope,
        ),
        (
            json(404, json!({"message": "Agent not found"})),
            Verdict::AgentNotFound,
        ),
        (
            json(503, json!({"message": "Service Unavailable"})),
            Verdict::ServiceError,
        ),
        (timed_out(), Verdict::Timeout),
    ] {
        let run = run(
            inputs(),
            Tenant::logged_in().on(&state_url(PROD, AGENT), state),
        );
        assert_eq!(run.verdict(), verdict, "the verdict is unchanged");
        assert_eq!(run.node(Check::AgentState).exchanges.len(), 1);
        let list = run.node(Check::StateList);
        assert_eq!(list.exchanges.len(), 1, "{verdict:?}");
        assert_eq!(run.branch(Check::StateList), "listed", "{verdict:?}");
        assert_eq!(run.outcome(Check::StateList), Outcome::Pass);
        assert!(list.summary.contains(AGENT) && list.summary.contains("Available"));
        assert_eq!(
            run.report.tree.verdict.as_ref().unwrap().decided_by,
            Check::AgentState
        );
        // Checks that made no call still did not run.
        assert_eq!(run.branch(Check::CrossCheck), "not_run");
        assert_eq!(run.branch(Check::OtherEnvironment), "not_run");
    }

    // The agent is not in the list: it says so.
    let run = self::run(
        inputs(),
        Tenant::logged_in()
            .on(&state_url(PROD, AGENT), timed_out())
            .on(&list_url(PROD), list_without_agent()),
    );
    assert_eq!(run.verdict(), Verdict::Timeout);
    assert_eq!(run.branch(Check::StateList), "absent");
    assert_eq!(run.outcome(Check::StateList), Outcome::Warn);

    // The list call failed: it shows its failure, without deciding.
    let run = self::run(
        inputs(),
        Tenant::logged_in()
            .on(&state_url(PROD, AGENT), json(404, json!({})))
            .on(&list_url(PROD), json(500, json!({"message": "boom"}))),
    );
    assert_eq!(run.verdict(), Verdict::AgentNotFound);
    assert_eq!(run.branch(Check::StateList), "service_error");
    assert_eq!(run.outcome(Check::StateList), Outcome::Fail);

    // A typed agent ID that is a user ID: the list was read for it.
    let agent_only = inputs_with(|f| {
        f.set(Field::UserId, "");
        f.set(Field::AgentId, USER);
    });
    let run = self::run(
        agent_only,
        Tenant::logged_in().on(&state_url(PROD, USER), json(404, json!({}))),
    );
    assert_eq!(run.verdict(), Verdict::IdIsUserId);
    assert_eq!(run.branch(Check::StateList), "absent");
    assert!(run.node(Check::StateList).summary.contains(USER));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_call_answered_in_round_two_shows_its_answer_whatever_ends_the_diagnosis() {
    // The user lookup ends it: the list, and the typed agent ID's state, still show their answers.
    let with_agent = inputs_with(|f| f.set(Field::AgentId, AGENT));
    let run = run(
        with_agent.clone(),
        Tenant::logged_in()
            .on(&user_url(PROD, USER), json(404, json!({})))
            .on(&state_url(PROD, USER), json(404, json!({}))),
    );
    assert_eq!(run.verdict(), Verdict::UserNotFound);
    assert_eq!(
        run.branch(Check::StateList),
        "absent",
        "the user ID is no listed agent"
    );
    assert_eq!(
        run.branch(Check::AgentState),
        "active",
        "the typed agent ID's own answer"
    );
    assert!(run.node(Check::AgentState).summary.contains("Available"));
    assert_eq!(run.branch(Check::AgentId), "not_run", "no call, so not run");

    // The typed user ID is listed as an agent: the list shows it.
    let run = self::run(
        inputs(),
        Tenant::logged_in()
            .on(&user_url(PROD, USER), json(404, json!({})))
            .on(
                &list_url(PROD),
                json(
                    200,
                    json!([{"agentId": USER, "state": {"name": "Available"}}]),
                ),
            ),
    );
    assert_eq!(run.verdict(), Verdict::IdIsAgentId);
    assert_eq!(run.branch(Check::StateList), "listed");

    // The user lookup fails; the typed state failed more fundamentally and decides, and the
    // user lookup shows its own failure.
    let run = self::run(
        with_agent.clone(),
        Tenant::logged_in()
            .on(&user_url(PROD, USER), json(503, json!({})))
            .on(&state_url(PROD, AGENT), no_answer()),
    );
    assert_eq!(run.verdict(), Verdict::CorsBlocked);
    assert_eq!(run.branch(Check::AgentState), "no_answer");
    assert_eq!(run.branch(Check::User), "service_error");
    assert_eq!(
        run.branch(Check::StateList),
        "listed",
        "the typed agent ID is looked for"
    );

    // A user with no agent ID: the list was read, but there is no agent ID to look for.
    let run = self::run(
        inputs(),
        Tenant::logged_in().on(
            &user_url(PROD, USER),
            json(200, json!({"id": USER, "name": "Pat Admin"})),
        ),
    );
    assert_eq!(run.verdict(), Verdict::NotAnAgent);
    assert_eq!(run.branch(Check::StateList), "no_agent_id");
    assert_eq!(run.outcome(Check::StateList), Outcome::Unknown);
    assert_eq!(
        run.outcome(Check::AgentState),
        Outcome::Skipped,
        "never asked"
    );

    // Both round-two calls 429 to the end: the list shows its own rate limit.
    let too_many = with_header(json(429, json!({})), "Retry-After", "1");
    let run = self::run(
        inputs(),
        Tenant::logged_in()
            .on(&user_url(PROD, USER), too_many.clone())
            .on(&list_url(PROD), too_many),
    );
    assert_eq!(run.verdict(), Verdict::RateLimited);
    assert_eq!(
        run.report.tree.verdict.as_ref().unwrap().decided_by,
        Check::User
    );
    assert_eq!(run.branch(Check::StateList), "rate_limited");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_check_lists_its_branches_and_the_verdicts_they_lead_to() {
    let run = run(inputs(), Tenant::logged_out_everywhere());
    let node = run.node(Check::OtherEnvironment);
    let logged_in = node.branches.iter().find(|b| b.id == "logged_in").unwrap();
    assert_eq!(logged_in.leads_to, vec![Verdict::WrongEnvironment]);
    assert!(!logged_in.taken, "the untaken branch is there, not taken");
    assert!(node
        .branches
        .iter()
        .any(|b| b.id == "logged_out" && b.taken));
    for check in Check::ALL {
        assert!(
            run.node(check).branches.iter().any(|b| b.id == "not_run"),
            "{check:?}"
        );
    }
    // Every verdict is the end of some branch, so the whole decision tree can be drawn.
    let reachable: Vec<Verdict> = Check::ALL
        .iter()
        .flat_map(|c| c.branches())
        .flat_map(|b| b.leads_to)
        .collect();
    for verdict in Verdict::ALL {
        assert!(reachable.contains(&verdict), "{verdict:?} has a branch");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_tree_shows_progress_while_requests_are_out() {
    let mut dx = Diagnosis::new(inputs(), None, NOW);
    assert!(dx
        .tree()
        .checks
        .iter()
        .all(|n| n.outcome == Outcome::Pending));
    let Step::Send(requests) = dx.poll() else {
        panic!("the token call goes out first")
    };
    let tree = dx.tree();
    assert_eq!(tree.node(Check::Inputs).outcome, Outcome::Pass);
    assert_eq!(tree.node(Check::Token).outcome, Outcome::Running);
    assert!(tree.node(Check::Token).exchanges[0].in_flight());
    assert_eq!(tree.node(Check::User).outcome, Outcome::Pending);
    assert!(tree.verdict.is_none() && !tree.finished);
    assert!(
        matches!(dx.poll(), Step::Waiting),
        "no new round while one is out"
    );
    assert!(
        !dx.receive(999, no_answer()),
        "an unknown request id is refused"
    );
    assert!(dx.receive(requests[0].id, token_answer(ALL_SCOPES)));
    assert!(
        !dx.receive(requests[0].id, token_answer(ALL_SCOPES)),
        "one answer per request"
    );
    let Step::Send(next) = dx.poll() else {
        panic!("the lookups go out next")
    };
    assert_eq!(next.len(), 2);
    assert_eq!(dx.tree().node(Check::User).outcome, Outcome::Running);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_platform_profile_is_diagnosed_starting_at_the_issuers_token_endpoint() {
    // The platform profile's whole path is in engine_platform.rs; here only that the guide's
    // tests do not hide it: it no longer ends at once.
    let mut platform = form();
    platform.set(Field::Profile, "platform");
    platform.set(Field::AccessKeyId, "AKIA-123");
    platform.set(Field::AccessKeySecret, "ak-secret");
    let mut dx = Diagnosis::from_form(&platform, None, NOW);
    let Step::Send(requests) = dx.poll() else {
        panic!("the token call goes out first")
    };
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].url,
        "https://cxone.niceincontact.com/auth/token"
    );
    let tree = dx.tree();
    assert_eq!(tree.profile, Profile::Platform);
    assert_eq!(tree.node(Check::Inputs).outcome, Outcome::Pass);
    assert_eq!(tree.node(Check::OtherEnvironment).outcome, Outcome::Skipped);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_reference_relays_own_load_limits_slow_the_run_like_the_apis_429() {
    // doctor-relay answers its per-client rate limit with 429 and its connection cap with 503,
    // each with Retry-After and X-Relay-Error: the run waits and goes on, it does not blame the
    // relay's setup.
    for (status, kind) in [(429, "rate-limited"), (503, "too-many-connections")] {
        let busy = with_header(
            with_header(
                json(status, json!({"relay_error": kind, "detail": "slow down"})),
                "Retry-After",
                "1",
            ),
            "X-Relay-Error",
            kind,
        );
        let run = run(
            inputs(),
            Tenant::logged_in().on_each(&user_url(PROD, USER), vec![busy, user_answer()]),
        );
        assert_eq!(run.verdict(), Verdict::LoggedIn, "{kind}");
        let tries = run.sent_to(&user_url(PROD, USER));
        assert_eq!(
            tries.iter().map(|r| r.delay_ms).collect::<Vec<_>>(),
            vec![0, 1000],
            "{kind}: Retry-After honoured"
        );
    }
    // Its other errors still say the relay is set up wrong: a page it does not know.
    let refused = with_header(
        json(403, json!({"relay_error": "forbidden-origin"})),
        "X-Relay-Error",
        "forbidden-origin",
    );
    let run = run(
        inputs(),
        Tenant::logged_in().on(&user_url(PROD, USER), refused),
    );
    assert_eq!(run.verdict(), Verdict::RelayMisconfigured);
}
