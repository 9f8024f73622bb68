//! Every simulated scenario of both profiles, diagnosed to its JSON report, compared byte for
//! byte with a committed file under `tests/snapshots/`: a refactor of the engine that changes
//! any node, branch, finding or exchange shows up here. Runs natively and in headless Chromium.
//!
//! Each scenario runs three ways: as its form says (`<id>.json`), over an API host override
//! (`<id>@api-host.json`, scenarios answered over HTTP only), and again with the token the
//! first run handed back (`<id>@cached.json`, when it handed one back).
//!
//! To rewrite the files after a change that is meant to change a report, run natively with
//! `UPDATE_SNAPSHOTS=1 cargo test -p agent-state-doctor --test report_snapshots`, and read the
//! diff before committing it. A new scenario also needs its file names in `snapshots!` below.

use agent_state_doctor::engine::{CachedToken, Diagnosis, Report, RequestKind, Step};
use agent_state_doctor::inputs::{Field, Form};
use agent_state_doctor::report;
use agent_state_doctor::sim::{Scenario, SimRequest, SimTenant};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The caller's clock at the start of every run.
const NOW: u64 = 1_700_000_000_000;
/// The page version the reports are signed with, fixed so that a version bump changes no file.
const PAGE_VERSION: &str = "0.0.0-snapshot";
/// The API host the `@api-host` runs set.
const API_HOST: &str = "http://127.0.0.1:8788";

/// Lists every snapshot file by name. In wasm, where there is no file system, the files are
/// embedded at compile time; natively they are read from disk, so a missing file is reported by
/// the test instead of breaking the build.
macro_rules! snapshots {
    ($($name:literal),* $(,)?) => {
        const NAMES: &[&str] = &[$($name),*];
        #[cfg(target_arch = "wasm32")]
        const EMBEDDED: &[(&str, &str)] = &[$(
            ($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/", $name, ".json"))),
        )*];
    };
}

snapshots![
    "logged-in",
    "logged-in@api-host",
    "logged-in@cached",
    "logged-out",
    "logged-out@api-host",
    "logged-out@cached",
    "wrong-environment",
    "wrong-environment@api-host",
    "wrong-environment@cached",
    "missing-scope-silent",
    "missing-scope-silent@api-host",
    "missing-scope-silent@cached",
    "missing-scope-forbidden",
    "missing-scope-forbidden@api-host",
    "missing-scope-forbidden@cached",
    "bad-credentials",
    "bad-credentials@api-host",
    "user-not-found",
    "user-not-found@api-host",
    "user-not-found@cached",
    "id-is-agent-id",
    "id-is-agent-id@api-host",
    "id-is-agent-id@cached",
    "id-is-user-id",
    "id-is-user-id@api-host",
    "id-is-user-id@cached",
    "not-an-agent",
    "not-an-agent@api-host",
    "not-an-agent@cached",
    "agent-not-found",
    "agent-not-found@api-host",
    "agent-not-found@cached",
    "inconsistent-state",
    "inconsistent-state@api-host",
    "inconsistent-state@cached",
    "rate-limited-then-ok",
    "rate-limited-then-ok@api-host",
    "rate-limited-then-ok@cached",
    "rate-limited",
    "rate-limited@api-host",
    "rate-limited@cached",
    "service-error",
    "service-error@api-host",
    "service-error@cached",
    "token-rejected",
    "token-rejected@api-host",
    "relay-misconfigured",
    "relay-misconfigured@api-host",
    "timeout",
    "timeout@api-host",
    "timeout@cached",
    "tenant-unreachable",
    "tenant-unreachable@api-host",
    "cors-blocked",
    "relay-unreachable",
    "invalid-input",
    "invalid-input@api-host",
    "platform-logged-in",
    "platform-logged-in@api-host",
    "platform-logged-in@cached",
    "platform-logged-out",
    "platform-logged-out@api-host",
    "platform-logged-out@cached",
    "platform-result-set",
    "platform-result-set@api-host",
    "platform-result-set@cached",
    "platform-missing-permission",
    "platform-missing-permission@api-host",
    "platform-missing-permission@cached",
    "platform-bad-credentials",
    "platform-bad-credentials@api-host",
    "platform-discovery-failed",
    "platform-discovery-failed@api-host",
    "platform-discovery-failed@cached",
    "platform-user-not-found",
    "platform-user-not-found@api-host",
    "platform-user-not-found@cached",
    "platform-id-is-agent-id",
    "platform-id-is-agent-id@api-host",
    "platform-id-is-agent-id@cached",
    "platform-id-is-user-id",
    "platform-id-is-user-id@api-host",
    "platform-id-is-user-id@cached",
    "platform-not-an-agent",
    "platform-not-an-agent@api-host",
    "platform-not-an-agent@cached",
    "platform-agent-not-found",
    "platform-agent-not-found@api-host",
    "platform-agent-not-found@cached",
    "platform-inconsistent-state",
    "platform-inconsistent-state@api-host",
    "platform-inconsistent-state@cached",
    "platform-rate-limited-then-ok",
    "platform-rate-limited-then-ok@api-host",
    "platform-rate-limited-then-ok@cached",
    "platform-rate-limited",
    "platform-rate-limited@api-host",
    "platform-rate-limited@cached",
    "platform-service-error",
    "platform-service-error@api-host",
    "platform-service-error@cached",
    "platform-token-rejected",
    "platform-token-rejected@api-host",
    "platform-relay-misconfigured",
    "platform-relay-misconfigured@api-host",
    "platform-timeout",
    "platform-timeout@api-host",
    "platform-timeout@cached",
    "platform-tenant-unreachable",
    "platform-tenant-unreachable@api-host",
    "platform-tenant-unreachable@cached",
    "platform-cors-blocked",
    "platform-relay-unreachable",
    "platform-invalid-input",
    "platform-invalid-input@api-host",
    "platform-user-disabled",
    "platform-user-disabled@api-host",
    "platform-user-disabled@cached",
    "platform-agent-inactive",
    "platform-agent-inactive@api-host",
    "platform-agent-inactive@cached",
    "platform-agent-locked",
    "platform-agent-locked@api-host",
    "platform-agent-locked@cached",
    "platform-agent-hidden",
    "platform-agent-hidden@api-host",
    "platform-agent-hidden@cached",
    "platform-third-page",
    "platform-third-page@api-host",
    "platform-third-page@cached",
    "platform-list-no-data",
    "platform-list-no-data@api-host",
    "platform-list-no-data@cached",
    "platform-no-data",
    "platform-no-data@api-host",
    "platform-no-data@cached",
    "platform-busy-then-ok",
    "platform-busy-then-ok@api-host",
    "platform-busy-then-ok@cached",
    "platform-client-secret-post",
    "platform-client-secret-post@api-host",
    "platform-client-secret-post@cached",
    "platform-token-endpoint-moved",
    "platform-token-endpoint-moved@api-host",
    "platform-token-endpoint-moved@cached",
];

/// Diagnoses `form` against `tenant`, every request answered at once, starting from `cached`.
fn diagnose(form: &Form, cached: Option<CachedToken>, tenant: &mut SimTenant) -> Report {
    let scenario = Scenario::from_client_id(form.get(Field::ClientId));
    let mut dx = Diagnosis::from_form(form, cached, NOW);
    for _ in 0..64 {
        match dx.poll() {
            Step::Send(requests) => {
                for request in requests {
                    let sim_request = match request.kind {
                        RequestKind::RelayHealth => SimRequest::relay_health(scenario),
                        _ => SimRequest::from(&request),
                    };
                    let answer = tenant.answer(&sim_request).to_answer(request.timeout_ms);
                    assert!(dx.receive(request.id, answer));
                }
            }
            Step::Waiting => panic!("every request was answered"),
            Step::Done(report) => return *report,
        }
    }
    panic!("the diagnosis did not finish within 64 rounds")
}

/// Every report, by snapshot name, in [`Scenario::ALL`] order.
fn reports() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for &scenario in Scenario::ALL {
        let id = scenario.id();
        let form = scenario.form();
        let mut tenant = SimTenant::new();
        let first = diagnose(&form, None, &mut tenant);
        out.push((
            id.to_string(),
            report::json(&first.tree, &form, PAGE_VERSION),
        ));
        if let Some(token) = first.token {
            let again = diagnose(&form, Some(token), &mut tenant);
            out.push((
                format!("{id}@cached"),
                report::json(&again.tree, &form, PAGE_VERSION),
            ));
        }
        if scenario.over_http() {
            let mut form = form.clone();
            form.set(Field::ApiHost, API_HOST);
            let report = diagnose(&form, None, &mut SimTenant::new());
            out.push((
                format!("{id}@api-host"),
                report::json(&report.tree, &form, PAGE_VERSION),
            ));
        }
    }
    out
}

/// The first line where `expected` and `actual` differ, both sides shown.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    for line in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (None, None) => break,
            (e, a) if e == a => continue,
            (e, a) => {
                return format!(
                    "line {line}:\n  snapshot: {}\n  now:      {}",
                    e.unwrap_or("<end>"),
                    a.unwrap_or("<end>")
                )
            }
        }
    }
    "the same lines, different line endings".to_string()
}

#[cfg(not(target_arch = "wasm32"))]
fn snapshot(name: &str) -> Option<String> {
    std::fs::read_to_string(path(name)).ok()
}

#[cfg(target_arch = "wasm32")]
fn snapshot(name: &str) -> Option<String> {
    EMBEDDED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| text.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
fn path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.json"))
}

#[cfg(not(target_arch = "wasm32"))]
fn updating() -> bool {
    std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1")
}

#[cfg(target_arch = "wasm32")]
fn updating() -> bool {
    false
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_scenario_report_matches_its_snapshot() {
    let reports = reports();
    if updating() {
        #[cfg(not(target_arch = "wasm32"))]
        for (name, json) in &reports {
            std::fs::create_dir_all(path(name).parent().unwrap()).unwrap();
            std::fs::write(path(name), format!("{json}\n")).unwrap();
        }
    }
    let mut failures = Vec::new();
    for (name, json) in &reports {
        match snapshot(name) {
            None => failures.push(format!(
                "{name}: no snapshot (run natively with UPDATE_SNAPSHOTS=1)"
            )),
            Some(expected) if expected != format!("{json}\n") => failures.push(format!(
                "{name}: the report differs from tests/snapshots/{name}.json at {}\n  (run natively \
                 with UPDATE_SNAPSHOTS=1 and `git diff tests/snapshots` to see all of it)",
                first_difference(&expected, &format!("{json}\n"))
            )),
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_snapshot_list_names_every_report_and_nothing_else() {
    let made: Vec<String> = reports().into_iter().map(|(name, _)| name).collect();
    let missing: Vec<&String> = made
        .iter()
        .filter(|m| !NAMES.contains(&m.as_str()))
        .collect();
    let extra: Vec<&&str> = NAMES
        .iter()
        .filter(|n| !made.iter().any(|m| m == *n))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "`snapshots!` must list exactly the reports the scenarios make: add {missing:?}, remove {extra:?}"
    );
}
