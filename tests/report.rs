//! The report a person hands on: Markdown for a ticket, JSON for tools, curl per exchange.
//! Trees come from the real engine run against the simulated tenant. Runs natively and in
//! headless Chromium.

use agent_state_doctor::engine::redact::PLACEHOLDER;
use agent_state_doctor::engine::{
    Answer, Check, Diagnosis, Exchange, Outcome, Report, RequestKind, Response, Step, Tree, Verdict,
};
use agent_state_doctor::inputs::{Environment, Field, Form, Profile};
use agent_state_doctor::percent;
use agent_state_doctor::report::{
    self, curl, curl_secrets, shell_quote, CurlSecrets, REPORT_SCHEMA_VERSION,
};
use agent_state_doctor::sim::{diagnose_offline, Scenario, SimRequest, SimTenant, DEMO_SECRET};
use base64::Engine as _;
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const NOW: u64 = 1_700_000_000_000;
const PAGE_VERSION: &str = "9.8.7-report-test";
const REFRESH_TOKEN: &str = "rt-7Hq2-refresh-value-0042";
const ID_TOKEN: &str = "idt-Zx81-identity-value-0042";

/// The scenarios the report tests run, each ending in a different verdict.
const SCENARIOS: [Scenario; 10] = [
    Scenario::LoggedIn,
    Scenario::WrongEnvironment,
    Scenario::BadCredentials,
    Scenario::RateLimited,
    Scenario::MissingScopeSilent,
    Scenario::TokenRejected,
    Scenario::RelayMisconfigured,
    Scenario::Timeout,
    Scenario::InvalidInput,
    Scenario::LoggedOut,
];

fn diagnose(scenario: Scenario) -> (Form, Report) {
    let form = scenario.form();
    let report = diagnose_offline(&form, &mut SimTenant::new(), NOW);
    assert_eq!(report.verdict(), Some(scenario.verdict()), "{scenario:?}");
    (form, report)
}

fn basic(form: &Form) -> String {
    let pair = format!("{}:{}", form.get(Field::ClientId), DEMO_SECRET);
    base64::engine::general_purpose::STANDARD.encode(pair)
}

fn exchanges(tree: &Tree) -> Vec<&Exchange> {
    tree.checks
        .iter()
        .flat_map(|n| n.exchanges.iter())
        .collect()
}

fn exchange_of(tree: &Tree, kind: RequestKind, environment: Environment) -> &Exchange {
    exchanges(tree)
        .into_iter()
        .find(|e| e.kind == kind && e.environment == environment)
        .unwrap_or_else(|| panic!("no {kind:?} exchange on {environment:?}"))
}

/// Every form a secret of `form` or `report`'s token could take in an export.
fn forbidden(form: &Form, report: &Report) -> Vec<String> {
    let mut out = vec![
        basic(form),
        // The simulated tenant's access tokens are JWTs: no JWT may appear at all.
        "eyJ".to_string(),
    ];
    for field in [Field::ClientSecret, Field::AccessKeySecret] {
        let secret = form.get(field);
        if !secret.is_empty() {
            out.push(secret.to_string());
            out.push(percent::encode(secret));
        }
    }
    if let Some(token) = &report.token {
        out.push(token.access_token().to_string());
    }
    out
}

fn assert_clean(what: &str, text: &str, forbidden: &[String]) {
    for secret in forbidden {
        assert!(
            !text.contains(secret.as_str()),
            "{what} holds {secret:?}:\n{text}"
        );
    }
}

// ----- Markdown -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn markdown_and_json_hold_no_secret_nor_token_in_any_scenario() {
    for scenario in SCENARIOS {
        let (form, report) = diagnose(scenario);
        let forbidden = forbidden(&form, &report);
        let md = report::markdown(&report.tree, &form, PAGE_VERSION);
        let json = report::json(&report.tree, &form, PAGE_VERSION);
        assert_clean(&format!("{scenario:?} Markdown"), &md, &forbidden);
        assert_clean(&format!("{scenario:?} JSON"), &json, &forbidden);
    }
    // The token the logged-in run holds is real, so the check above is not vacuous.
    let (_, report) = diagnose(Scenario::LoggedIn);
    assert!(report.token.unwrap().access_token().starts_with("eyJ"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn no_export_of_any_scenario_of_any_profile_holds_a_secret() {
    for scenario in Scenario::ALL.iter().copied() {
        let form = scenario.form();
        let report = diagnose_offline(&form, &mut SimTenant::new(), NOW);
        let forbidden = forbidden(&form, &report);
        let what = format!("{scenario:?}");
        assert_clean(
            &what,
            &report::markdown(&report.tree, &form, PAGE_VERSION),
            &forbidden,
        );
        assert_clean(
            &what,
            &report::json(&report.tree, &form, PAGE_VERSION),
            &forbidden,
        );
        for exchange in exchanges(&report.tree) {
            let command = curl(exchange, None);
            assert_clean(&what, &command, &forbidden);
            assert!(!command.contains(PLACEHOLDER), "{what}: {command}");
        }
    }
}

/// A platform scenario in which the agent is logged in.
fn platform_logged_in() -> Scenario {
    Scenario::ALL
        .iter()
        .copied()
        .find(|s| s.form().profile() == Profile::Platform && s.verdict() == Verdict::LoggedIn)
        .expect("the simulation has a logged-in platform scenario")
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn platform_report_shows_its_own_inputs_and_rebuilds_the_access_key_grant() {
    let (form, report) = diagnose(platform_logged_in());
    let access_key_secret = form.get(Field::AccessKeySecret);
    assert!(!access_key_secret.is_empty());
    let md = report::markdown(&report.tree, &form, PAGE_VERSION);
    for field in [Field::AccessKeyId, Field::Issuer, Field::ApiVersion] {
        let row = format!("| {} | {} |", field.label(), form.get(field).trim());
        assert!(md.contains(&row), "{row}:\n{md}");
    }
    assert!(
        !md.contains("| Tenant |") && !md.contains("**Environment:**"),
        "{md}"
    );
    assert!(md.contains("Not included: the client secret and the access key secret"));
    assert!(md.contains("`discovery`"), "{md}");

    let json: Value =
        serde_json::from_str(&report::json(&report.tree, &form, PAGE_VERSION)).unwrap();
    let inputs = json["inputs"].as_object().unwrap();
    assert_eq!(inputs["access_key_id"], form.get(Field::AccessKeyId).trim());
    assert!(!inputs.contains_key("access_key_secret") && !inputs.contains_key("tenant"));

    let token = exchange_of(&report.tree, RequestKind::Token, report.tree.environment);
    let command = curl(token, None);
    assert!(
        command.contains(r#"--data-urlencode "password=$CXONE_ACCESS_KEY_SECRET""#),
        "{command}"
    );
    assert!(
        command.contains(&format!("username={}", form.get(Field::AccessKeyId).trim())),
        "{command}"
    );
    assert!(!command.contains(PLACEHOLDER), "{command}");
    let secrets = curl_secrets(&form.validate().unwrap(), report.token.as_ref());
    let command = curl(token, Some(&secrets));
    assert!(
        command.contains(&format!(
            "--data-urlencode {}",
            shell_quote(&format!("password={access_key_secret}"))
        )),
        "{command}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn markdown_names_the_verdict_every_check_its_calls_and_the_versions() {
    let (form, report) = diagnose(Scenario::LoggedIn);
    let tree = &report.tree;
    let md = report::markdown(tree, &form, PAGE_VERSION);
    let verdict = tree.verdict.as_ref().unwrap();
    let title = md.lines().next().unwrap();
    assert!(title.starts_with("# "), "{title}");
    assert!(
        title.contains("`logged_in`") && title.contains(&verdict.title),
        "{title}"
    );
    for node in &tree.checks {
        let row = md
            .lines()
            .find(|l| l.contains(&format!("`{}`", node.id.id())) && l.starts_with("| "))
            .unwrap_or_else(|| panic!("no row for {}:\n{md}", node.id.id()));
        assert!(row.contains(&node.question), "{row}");
        assert!(row.contains(report::outcome_label(node.outcome)), "{row}");
        assert!(
            row.contains(node.outcome.as_str()),
            "an outcome word: {row}"
        );
        for exchange in &node.exchanges {
            let status = exchange.status.unwrap();
            let ms = exchange.elapsed_ms.unwrap();
            assert!(
                row.contains(&format!("{} ", exchange.method))
                    && row.contains(&format!("→ {status} in {ms} ms")),
                "{row}"
            );
        }
    }
    assert!(md.contains("POST /oauth/token → 200 in "), "{md}");
    assert!(md.contains("✓ pass"));
    assert!(md.contains(PAGE_VERSION));
    assert!(md.contains(&format!("report schema {REPORT_SCHEMA_VERSION}")));
    assert!(md.contains("**Total time:**"));
    // The inputs, without the secret's value or field.
    for value in [
        "demo",
        "demo-logged-in",
        agent_state_doctor::sim::DEMO_USER_ID,
    ] {
        assert!(md.contains(&format!("| {value} |")), "{value}:\n{md}");
    }
    assert!(md.contains("| Environment | Production (`prod`) |"), "{md}");
    assert!(!md.contains("| Client secret |"));
    assert!(md.contains("Not included: the client secret"));
    // Guide inputs only: the platform's fields do not apply.
    assert!(!md.contains("Access key ID") && !md.contains("| Issuer |"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn markdown_lists_the_fix_steps_numbered_and_the_failing_status_codes() {
    let (form, report) = diagnose(Scenario::WrongEnvironment);
    let md = report::markdown(&report.tree, &form, PAGE_VERSION);
    let verdict = report.tree.verdict.as_ref().unwrap();
    assert!(md.contains("`wrong_environment`"));
    assert!(md.contains(&verdict.explanation));
    for (i, step) in verdict.fix.iter().enumerate() {
        assert!(
            md.contains(&format!("\n{}. {step}\n", i + 1)),
            "{step}:\n{md}"
        );
    }
    assert!(
        md.contains("(DevTest) → 200"),
        "the other environment's calls: {md}"
    );

    let (form, report) = diagnose(Scenario::BadCredentials);
    let md = report::markdown(&report.tree, &form, PAGE_VERSION);
    assert!(md.contains("`bad_credentials`"));
    assert!(md.contains("POST /oauth/token → 401 in "), "{md}");
    assert!(md.contains("✗ fail"));
    assert!(md.contains("– skipped"));

    let (form, report) = diagnose(Scenario::RateLimited);
    let md = report::markdown(&report.tree, &form, PAGE_VERSION);
    assert!(md.contains("`rate_limited`"));
    assert!(md.contains("→ 429 in "), "{md}");
    assert!(
        md.contains("(try 2, after waiting "),
        "retries are told: {md}"
    );

    let (form, report) = diagnose(Scenario::Timeout);
    let md = report::markdown(&report.tree, &form, PAGE_VERSION);
    assert!(md.contains("`timeout`") && md.contains("timed out"), "{md}");
    assert!(
        md.contains("| Time limit per call (seconds) | 2 s |"),
        "{md}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn markdown_table_cells_escape_pipes_and_newlines() {
    let (form, mut report) = diagnose(Scenario::LoggedIn);
    report.tree.checks[2].summary = "first | second\nthird".into();
    report.tree.checks[3].question = "a|b?".into();
    let md = report::markdown(&report.tree, &form, PAGE_VERSION);
    assert!(md.contains("first \\| second third"), "{md}");
    assert!(md.contains("a\\|b?"), "{md}");
    // Every row of the checks table has exactly its six cell borders.
    let header = "| # | Check | Outcome | Finding | Calls |";
    let rows: Vec<&str> = md
        .lines()
        .skip_while(|l| *l != header)
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(rows.len(), report.tree.checks.len());
    for row in rows {
        let borders = row
            .match_indices('|')
            .filter(|(i, _)| !row[..*i].ends_with('\\'))
            .count();
        assert_eq!(borders, 6, "{row}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn markdown_rows_follow_whatever_checks_the_tree_holds() {
    let (form, mut report) = diagnose(Scenario::LoggedIn);
    let mut extra = report.tree.checks[0].clone();
    extra.question = "A check added later?".into();
    extra.summary = "Found by a newer engine.".into();
    extra.outcome = Outcome::Warn;
    report.tree.checks.push(extra);
    report.tree.checks.retain(|n| n.id != Check::Relay);
    let md = report::markdown(&report.tree, &form, PAGE_VERSION);
    assert!(
        md.contains("A check added later? | ⚠ warn | Found by a newer engine."),
        "{md}"
    );
    assert!(
        !md.contains("`relay`"),
        "a check the tree lacks has no row: {md}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn exports_redact_a_secret_that_slipped_into_the_tree() {
    let (form, mut report) = diagnose(Scenario::LoggedIn);
    let leak = format!("leaked {DEMO_SECRET} and Basic {}", basic(&form));
    report.tree.summary = leak.clone();
    let token = report
        .tree
        .checks
        .iter_mut()
        .find(|n| n.id == Check::Token)
        .unwrap();
    token.summary = leak.clone();
    token.exchanges[0].request_headers[0].1 = format!("Basic {}", basic(&form));
    let forbidden = forbidden(&form, &report);
    let md = report::markdown(&report.tree, &form, PAGE_VERSION);
    assert_clean("Markdown", &md, &forbidden);
    let json = report::json(&report.tree, &form, PAGE_VERSION);
    assert_clean("JSON", &json, &forbidden);
    let parsed: Value = serde_json::from_str(&json).expect("still valid JSON");
    let tree: Tree = serde_json::from_value(parsed["diagnosis"].clone()).unwrap();
    assert_eq!(
        tree.summary,
        format!("leaked {PLACEHOLDER} and Basic {PLACEHOLDER}")
    );
}

// ----- JSON -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn json_is_a_versioned_envelope_whose_diagnosis_is_the_tree() {
    for scenario in SCENARIOS {
        let (form, report) = diagnose(scenario);
        let json = report::json(&report.tree, &form, PAGE_VERSION);
        assert!(json.contains("\n  \"schema\""), "pretty-printed: {json}");
        let value: Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value["schema"], "agent-state-doctor/report");
        assert_eq!(value["schema_version"], REPORT_SCHEMA_VERSION);
        assert_eq!(value["page_version"], PAGE_VERSION);
        assert_eq!(value["generated_by"], "Agent State Doctor");
        let inputs = value["inputs"].as_object().unwrap();
        assert_eq!(inputs["profile"], "guide");
        assert_eq!(inputs["client_id"], scenario.client_id().as_str());
        assert!(inputs.contains_key("tenant") && inputs.contains_key("user_id"));
        assert!(!inputs.contains_key("client_secret"));
        assert!(!inputs.contains_key("access_key_secret"));
        assert!(
            !inputs.contains_key("issuer"),
            "platform fields do not apply"
        );
        let tree: Tree = serde_json::from_value(value["diagnosis"].clone()).unwrap();
        assert_eq!(tree, report.tree, "{scenario:?}");
        assert_eq!(
            value["diagnosis"]["verdict"]["code"],
            scenario.verdict().code()
        );
    }
}

/// The schema document the README links to.
const SCHEMA_DOC: &str = include_str!("../docs/report-schema.md");

/// Every object key in `value`, recursively, with the values of `id`, `kind`, `code`, ... kept
/// out (they are documented as values, not fields), and the claims inside `token_claims` too
/// (they are the token issuer's, not the report's).
fn keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                out.push(key.clone());
                if key == "token_claims" {
                    continue;
                }
                keys(item, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keys(item, out)),
        _ => {}
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_schema_document_names_every_field_and_its_example_parses() {
    for scenario in [
        Scenario::WrongEnvironment,
        Scenario::RateLimited,
        platform_logged_in(),
    ] {
        let (form, report) = diagnose(scenario);
        let json: Value =
            serde_json::from_str(&report::json(&report.tree, &form, PAGE_VERSION)).unwrap();
        let mut names = Vec::new();
        keys(&json, &mut names);
        for name in names {
            assert!(
                SCHEMA_DOC.contains(&format!("| `{name}` |")),
                "docs/report-schema.md does not document `{name}`"
            );
        }
        for node in &report.tree.checks {
            assert!(
                SCHEMA_DOC.contains(&format!("`{}`", node.id.id())),
                "{:?}",
                node.id
            );
        }
        let code = report.tree.verdict.as_ref().unwrap().code.code();
        assert!(SCHEMA_DOC.contains(&format!("`{code}`")), "{code}");
    }
    let example = SCHEMA_DOC
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a JSON example");
    let example: Value = serde_json::from_str(example).expect("the example is JSON");
    assert_eq!(example["schema_version"], REPORT_SCHEMA_VERSION);
    let _: Tree = serde_json::from_value(example["diagnosis"].clone()).expect("a Tree");
}

// ----- refresh and id tokens -----

/// The whole diagnosis against the simulated tenant, whose token answers also carry a refresh
/// token and an ID token.
fn diagnose_with_extra_tokens(scenario: Scenario) -> (Form, Report) {
    let form = scenario.form();
    let mut tenant = SimTenant::new();
    let mut dx = Diagnosis::from_form(&form, None, NOW);
    for _ in 0..64 {
        match dx.poll() {
            Step::Send(requests) => {
                for request in requests {
                    let mut answer = tenant
                        .answer(&SimRequest::from(&request))
                        .to_answer(request.timeout_ms);
                    if let (RequestKind::Token, Answer::Response(r)) = (request.kind, &answer) {
                        let mut body: Value = serde_json::from_str(&r.body).unwrap();
                        body["refresh_token"] = REFRESH_TOKEN.into();
                        body["id_token"] = ID_TOKEN.into();
                        let mut changed = Response::new(r.status, body.to_string());
                        changed.headers = r.headers.clone();
                        answer = Answer::Response(changed.with_elapsed(r.elapsed_ms));
                    }
                    dx.receive(request.id, answer);
                }
            }
            Step::Waiting => unreachable!(),
            Step::Done(report) => return (form, *report),
        }
    }
    panic!("no verdict");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn no_export_holds_a_refresh_or_id_token() {
    for scenario in [Scenario::LoggedIn, Scenario::WrongEnvironment] {
        let (form, report) = diagnose_with_extra_tokens(scenario);
        let mut forbidden = forbidden(&form, &report);
        forbidden.extend([REFRESH_TOKEN.to_string(), ID_TOKEN.to_string()]);
        let md = report::markdown(&report.tree, &form, PAGE_VERSION);
        assert_clean("Markdown", &md, &forbidden);
        assert_clean(
            "JSON",
            &report::json(&report.tree, &form, PAGE_VERSION),
            &forbidden,
        );
        for exchange in exchanges(&report.tree) {
            assert_clean("curl", &curl(exchange, None), &forbidden);
        }
    }
}

// ----- curl -----

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn curl_without_secrets_uses_variables_for_every_credential() {
    let (form, report) = diagnose(Scenario::LoggedIn);
    let forbidden = forbidden(&form, &report);

    let token = curl(
        exchange_of(&report.tree, RequestKind::Token, Environment::Prod),
        None,
    );
    assert!(
        token.starts_with(
            "# Set these shell variables first: CXONE_CLIENT_ID CXONE_CLIENT_SECRET\n"
        ),
        "{token}"
    );
    assert!(
        token.contains("curl -i 'https://demo.nicecxone.com/oauth/token'"),
        "{token}"
    );
    assert!(
        token.contains(r#"-u "$CXONE_CLIENT_ID:$CXONE_CLIENT_SECRET""#),
        "{token}"
    );
    assert!(
        token.contains("-H 'Content-Type: application/x-www-form-urlencoded'"),
        "{token}"
    );
    assert!(
        token.contains("--data-raw 'grant_type=client_credentials'"),
        "{token}"
    );
    assert!(!token.contains("Basic"), "{token}");

    let user = curl(
        exchange_of(&report.tree, RequestKind::User, Environment::Prod),
        None,
    );
    assert!(
        user.contains(r#"-H "Authorization: Bearer $CXONE_ACCESS_TOKEN""#),
        "{user}"
    );
    assert!(
        user.contains("CXONE_ACCESS_TOKEN\n"),
        "named in the comment: {user}"
    );
    assert!(
        user.contains("'https://demo.nicecxone.com/api/v2/users/"),
        "{user}"
    );
    assert!(!user.contains(" -X "), "GET is curl's default: {user}");

    for exchange in exchanges(&report.tree) {
        let command = curl(exchange, None);
        assert_clean("curl", &command, &forbidden);
        assert!(!command.contains(PLACEHOLDER), "{command}");
        assert!(
            !command.contains("/relay/"),
            "never through the relay: {command}"
        );
        assert!(!command.contains("# This command holds"), "{command}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn curl_with_secrets_writes_the_real_values_in() {
    let (form, report) = diagnose(Scenario::LoggedIn);
    let secrets = curl_secrets(&form.validate().unwrap(), report.token.as_ref());
    let access_token = report.token.as_ref().unwrap().access_token();

    let token = curl(
        exchange_of(&report.tree, RequestKind::Token, Environment::Prod),
        Some(&secrets),
    );
    assert!(token.contains("-u 'demo-logged-in:demo-secret'"), "{token}");
    assert!(
        token.starts_with("# This command holds a secret"),
        "{token}"
    );
    assert!(!token.contains("$CXONE_"), "{token}");

    let state = curl(
        exchange_of(&report.tree, RequestKind::AgentState, Environment::Prod),
        Some(&secrets),
    );
    assert!(
        state.contains(&format!("-H 'Authorization: Bearer {access_token}'")),
        "{state}"
    );
    assert!(
        !state.contains(PLACEHOLDER) && !state.contains("$CXONE_"),
        "{state}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn curl_with_secrets_keeps_the_variable_for_the_other_environments_token() {
    let (form, report) = diagnose(Scenario::WrongEnvironment);
    let secrets = curl_secrets(&form.validate().unwrap(), report.token.as_ref());
    let access_token = report.token.as_ref().unwrap().access_token();
    let devtest = curl(
        exchange_of(&report.tree, RequestKind::AgentState, Environment::Devtest),
        Some(&secrets),
    );
    assert!(
        devtest.contains("'https://demo.devtest.nicecxone.com/api/v2/agents/"),
        "{devtest}"
    );
    assert!(
        devtest.contains(r#""Authorization: Bearer $CXONE_ACCESS_TOKEN""#),
        "{devtest}"
    );
    assert!(!devtest.contains(access_token), "{devtest}");
}

/// A token request as the `platform` profile sends it: Basic client credentials and a password
/// grant with the access key, redacted as the engine stores it.
fn password_grant() -> Exchange {
    let (_, report) = diagnose(Scenario::LoggedIn);
    let mut exchange = exchange_of(&report.tree, RequestKind::Token, Environment::Prod).clone();
    exchange.url = "https://cxone.niceincontact.com/auth/token".into();
    exchange.request_body = Some(format!(
        "grant_type=password&username=AKID-42&password={PLACEHOLDER}"
    ));
    exchange
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn curl_rebuilds_the_password_grant_from_the_access_key_secret() {
    let exchange = password_grant();
    let command = curl(&exchange, None);
    assert!(command.starts_with(
        "# Set these shell variables first: CXONE_CLIENT_ID CXONE_CLIENT_SECRET CXONE_ACCESS_KEY_SECRET\n"
    ), "{command}");
    assert!(
        command.contains("--data-raw 'grant_type=password&username=AKID-42'"),
        "{command}"
    );
    assert!(
        command.contains(r#"--data-urlencode "password=$CXONE_ACCESS_KEY_SECRET""#),
        "{command}"
    );
    assert!(
        !command.contains(PLACEHOLDER) && !command.contains("%3C"),
        "{command}"
    );

    let secrets = CurlSecrets {
        client_id: "client-1".into(),
        client_secret: "s3cret".into(),
        access_key_secret: "it's&a+key".into(),
        access_token: None,
        environment: Environment::Prod,
    };
    let command = curl(&exchange, Some(&secrets));
    assert!(
        command.contains(r"--data-urlencode 'password=it'\''s&a+key'"),
        "{command}"
    );
    assert!(command.contains("-u 'client-1:s3cret'"), "{command}");
    assert!(!command.contains("$CXONE_"), "{command}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn curl_never_sends_a_placeholder_as_a_value() {
    let (_, report) = diagnose(Scenario::LoggedIn);
    let mut exchange = exchange_of(&report.tree, RequestKind::User, Environment::Prod).clone();
    exchange
        .request_headers
        .push(("Cookie".into(), PLACEHOLDER.into()));
    exchange.request_body = Some(format!(r#"{{"token": "{PLACEHOLDER}"}}"#));
    exchange.method = "PUT".into();
    let command = curl(&exchange, None);
    assert!(
        command.contains(r#"-H "Cookie: $CXONE_COOKIE""#),
        "{command}"
    );
    assert!(command.contains("-X PUT"), "{command}");
    assert!(
        command.contains(r#"--data-raw '{"token": "'"${CXONE_REDACTED_VALUE}"'"}'"#),
        "{command}"
    );
    assert!(!command.contains(PLACEHOLDER), "{command}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn shell_quoting_survives_single_quotes() {
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
    assert_eq!(shell_quote(""), "''");
    assert_eq!(
        shell_quote("$HOME `x` \"q\" \\ !"),
        "'$HOME `x` \"q\" \\ !'"
    );

    let (form, report) = diagnose(Scenario::LoggedIn);
    let mut exchange = exchange_of(&report.tree, RequestKind::User, Environment::Prod).clone();
    exchange.url = "https://demo.nicecxone.com/api/v2/users/o'brien".into();
    let mut secrets = curl_secrets(&form.validate().unwrap(), None);
    secrets.access_token = Some("tok'en$1".into());
    let command = curl(&exchange, Some(&secrets));
    assert!(
        command.contains(r"'https://demo.nicecxone.com/api/v2/users/o'\''brien'"),
        "{command}"
    );
    assert!(
        command.contains(r"-H 'Authorization: Bearer tok'\''en$1'"),
        "{command}"
    );

    // Natively, a real shell reads the words back exactly.
    #[cfg(not(target_arch = "wasm32"))]
    {
        let args = shell_words(&command, &[]);
        assert!(
            args.contains(&"https://demo.nicecxone.com/api/v2/users/o'brien".to_string()),
            "{args:?}"
        );
        assert!(
            args.contains(&"Authorization: Bearer tok'en$1".to_string()),
            "{args:?}"
        );

        let command = curl(&password_grant(), None);
        let args = shell_words(
            &command,
            &[
                ("CXONE_CLIENT_ID", "id"),
                ("CXONE_CLIENT_SECRET", "s e'c\"r$t"),
                ("CXONE_ACCESS_KEY_SECRET", "k&y+'1"),
            ],
        );
        assert!(args.contains(&"id:s e'c\"r$t".to_string()), "{args:?}");
        assert!(args.contains(&"password=k&y+'1".to_string()), "{args:?}");
    }
}

/// The arguments `command` hands to `curl` when a POSIX shell runs it with `vars` set.
#[cfg(not(target_arch = "wasm32"))]
fn shell_words(command: &str, vars: &[(&str, &str)]) -> Vec<String> {
    let script =
        format!("curl() {{ for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }}\n{command}");
    let mut sh = std::process::Command::new("sh");
    sh.arg("-c").arg(script);
    for (name, value) in vars {
        sh.env(name, value);
    }
    let output = sh.output().expect("sh runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .split('\0')
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn curl_secrets_debug_prints_no_value() {
    let (form, report) = diagnose(Scenario::LoggedIn);
    let secrets = curl_secrets(&form.validate().unwrap(), report.token.as_ref());
    let access_token = report.token.as_ref().unwrap().access_token();
    assert_eq!(secrets.access_token.as_deref(), Some(access_token));
    assert_eq!(secrets.client_secret, DEMO_SECRET);
    let debug = format!("{secrets:?}");
    assert!(
        !debug.contains(DEMO_SECRET) && !debug.contains(access_token),
        "{debug}"
    );
    assert!(!debug.contains("demo-logged-in"), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
}

/// Cell borders of a Markdown table row: a `|` counts unless an odd run of `\` escapes it.
fn cell_borders(row: &str) -> usize {
    let mut borders = 0;
    let mut backslashes = 0;
    for c in row.chars() {
        match c {
            '\\' => backslashes += 1,
            '|' if backslashes % 2 == 0 => {
                borders += 1;
                backslashes = 0;
            }
            _ => backslashes = 0,
        }
    }
    borders
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn markdown_a_backslash_cannot_undo_the_escaping() {
    let (form, mut report) = diagnose(Scenario::LoggedIn);
    // Without escaping backslashes first, `\|` would become `\\|`: an escaped backslash and a
    // live cell border; `\<b>` would become `\\<b>`: a live HTML tag.
    report.tree.checks[2].summary = "a\\|b \\<img src=x>".into();
    report.tree.checks[3].question = "ends with \\".into();
    let md = report::markdown(&report.tree, &form, PAGE_VERSION);
    assert!(md.contains("a\\\\\\|b"), "{md}");
    assert!(md.contains("\\\\\\<img"), "{md}");
    assert!(md.contains("ends with \\\\"), "{md}");
    let header = "| # | Check | Outcome | Finding | Calls |";
    let rows: Vec<&str> = md
        .lines()
        .skip_while(|l| *l != header)
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(rows.len(), report.tree.checks.len());
    for row in rows {
        assert_eq!(cell_borders(row), 6, "{row}");
    }
}
