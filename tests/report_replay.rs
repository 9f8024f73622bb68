//! Reports as tests: every file under `tests/reports/` is opened and diagnosed again from its
//! recorded answers, and must give the verdict `cases!` names for it, with the same checks and
//! outcomes it recorded. Runs natively and in headless Chromium (the files are embedded).
//! Natively, every report snapshot under `tests/snapshots/` (as typed and over the API host field)
//! replays to its recorded tree too. `tests/reports/README.md` says how to add a case.

use agent_state_doctor::engine::Tree;
use agent_state_doctor::report::replay::{open, open_and_replay, replay};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// A clock for reports that do not say when they were made (none of these).
const FALLBACK_NOW: u64 = 1_700_000_000_000;

/// Each case: the file `tests/reports/<name>.json` and the verdict code its replay must give.
macro_rules! cases {
    ($(($name:literal, $verdict:literal)),* $(,)?) => {
        const CASES: &[(&str, &str, &str)] = &[$(
            ($name, $verdict, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reports/", $name, ".json"))),
        )*];
    };
}

cases![
    ("agent-not-found", "agent_not_found"),
    ("bad-credentials", "bad_credentials"),
    ("cors-blocked", "cors_blocked"),
    ("id-is-agent-id", "id_is_agent_id"),
    ("id-is-user-id", "id_is_user_id"),
    ("inconsistent-state", "inconsistent_state"),
    ("invalid-input", "invalid_input"),
    ("logged-in", "logged_in"),
    ("logged-out", "logged_out"),
    ("missing-scope-forbidden", "missing_scope"),
    ("missing-scope-silent", "missing_scope"),
    ("not-an-agent", "not_an_agent"),
    ("platform-agent-hidden", "agent_hidden"),
    ("platform-agent-inactive", "agent_inactive"),
    ("platform-agent-locked", "agent_locked"),
    ("platform-agent-not-found", "agent_not_found"),
    ("platform-bad-credentials", "bad_credentials"),
    ("platform-busy-then-ok", "logged_in"),
    ("platform-client-secret-post", "logged_in"),
    ("platform-cors-blocked", "cors_blocked"),
    ("platform-discovery-failed", "discovery_failed"),
    ("platform-id-is-agent-id", "id_is_agent_id"),
    ("platform-id-is-user-id", "id_is_user_id"),
    ("platform-inconsistent-state", "inconsistent_state"),
    ("platform-invalid-input", "invalid_input"),
    ("platform-list-no-data", "logged_in"),
    ("platform-no-data", "inconclusive"),
    ("platform-logged-in", "logged_in"),
    ("platform-logged-out", "logged_out"),
    ("platform-missing-permission", "missing_permission"),
    ("platform-not-an-agent", "not_an_agent"),
    ("platform-rate-limited-then-ok", "logged_in"),
    ("platform-rate-limited", "rate_limited"),
    ("platform-relay-misconfigured", "relay_misconfigured"),
    ("platform-relay-unreachable", "relay_unreachable"),
    ("platform-result-set", "logged_in"),
    ("platform-service-error", "service_error"),
    ("platform-tenant-unreachable", "tenant_unreachable"),
    ("platform-third-page", "logged_in"),
    ("platform-timeout", "timeout"),
    ("platform-token-endpoint-moved", "logged_in"),
    ("platform-token-rejected", "token_rejected"),
    ("platform-user-disabled", "user_disabled"),
    ("platform-user-not-found", "user_not_found"),
    ("rate-limited-then-ok", "logged_in"),
    ("rate-limited", "rate_limited"),
    ("relay-misconfigured", "relay_misconfigured"),
    ("relay-unreachable", "relay_unreachable"),
    ("service-error", "service_error"),
    ("tenant-unreachable", "tenant_unreachable"),
    ("timeout", "timeout"),
    ("token-rejected", "token_rejected"),
    ("user-not-found", "user_not_found"),
    ("wrong-environment", "wrong_environment")
];

/// The tree as the page lists it: each check's id, outcome and branch, in order.
fn shape(tree: &Tree) -> Vec<String> {
    tree.checks
        .iter()
        .map(|n| {
            format!(
                "{} {} {}",
                n.id.id(),
                n.outcome.as_str(),
                n.branch.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

/// What went wrong replaying `text` (named `name`), expecting `verdict`; `None` when it holds.
fn replay_problem(name: &str, text: &str, verdict: Option<&str>) -> Option<String> {
    let (opened, replayed) = match open_and_replay(text, FALLBACK_NOW) {
        Ok(done) => done,
        Err(e) => return Some(format!("{name}: did not open: {e}")),
    };
    let today = replayed.today.map(|v| v.code());
    let recorded = opened.recorded.verdict_code().map(|v| v.code());
    if let Some(verdict) = verdict {
        if today != Some(verdict) {
            return Some(format!("{name}: replayed to {today:?}, expected {verdict}"));
        }
    }
    if today != recorded {
        return Some(format!(
            "{name}: recorded {recorded:?}, replayed to {today:?}"
        ));
    }
    if !replayed.not_in_report.is_empty() {
        return Some(format!(
            "{name}: asked for calls not in the report: {:?}",
            replayed.not_in_report
        ));
    }
    let (before, after) = (shape(&opened.recorded), shape(&replayed.tree));
    if before != after {
        return Some(format!(
            "{name}: the tree differs:\n  recorded {before:?}\n  today    {after:?}"
        ));
    }
    None
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_report_in_tests_reports_replays_to_its_verdict() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|(name, verdict, text)| replay_problem(name, text, Some(verdict)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_file_in_tests_reports_is_a_case() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reports");
    let mut unlisted = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".json") {
            if !CASES.iter().any(|(n, _, _)| *n == stem) {
                unlisted.push(stem.to_string());
            }
        }
    }
    assert!(
        unlisted.is_empty(),
        "add these to `cases!` with their verdict: {unlisted:?}"
    );
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_report_snapshot_replays_to_its_recorded_tree() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut failures = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        // A run on a reused token recorded no token answer: its scopes and claims are not in
        // the report (the banner says so), so those replay only as far as the report allows.
        if path.to_string_lossy().contains("@cached") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        count += 1;
        if let Some(problem) = replay_problem(&path.display().to_string(), &text, None) {
            failures.push(problem);
        }
    }
    assert!(count > 90, "only {count} snapshots found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_changed_answer_is_decided_again_and_both_verdicts_show() {
    // The agent's user record names an agent ID: take it away, and the user is not an agent.
    let text = CASES.iter().find(|(n, _, _)| *n == "logged-in").unwrap().2;
    let changed = text.replacen(r#"\"agentId\":4021"#, r#"\"agentId\":null"#, 1);
    assert_ne!(changed, text, "the recorded user answer names agentId 4021");
    let opened = open(&changed).unwrap();
    let replayed = replay(&opened, FALLBACK_NOW);
    assert_eq!(replayed.recorded.map(|v| v.code()), Some("logged_in"));
    assert_eq!(replayed.today.map(|v| v.code()), Some("not_an_agent"));
    assert!(replayed.differs());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_call_the_report_does_not_hold_is_unknown_never_invented() {
    // Drop the agent's own state answer: today's rules still ask for it.
    let text = CASES.iter().find(|(n, _, _)| *n == "logged-in").unwrap().2;
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    for node in value["diagnosis"]["checks"].as_array_mut().unwrap() {
        if node["id"] == "agent_state" {
            node["exchanges"] = serde_json::json!([]);
        }
    }
    let opened = open(&value.to_string()).unwrap();
    let replayed = replay(&opened, FALLBACK_NOW);
    assert_eq!(replayed.today, None, "no verdict is invented");
    assert_eq!(
        replayed.not_in_report.len(),
        1,
        "{:?}",
        replayed.not_in_report
    );
    let node = replayed
        .tree
        .checks
        .iter()
        .find(|n| n.id.id() == "agent_state")
        .unwrap();
    assert_eq!(node.outcome.as_str(), "unknown");
    assert!(
        node.summary.contains("Not in the report"),
        "{}",
        node.summary
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_banner_says_when_a_report_was_made_in_utc() {
    use agent_state_doctor::report::replay::utc_time;
    assert_eq!(utc_time(1_700_000_000_000), "2023-11-14 22:13 UTC");
    assert_eq!(utc_time(951_782_400_000), "2000-02-29 00:00 UTC");
    assert_eq!(utc_time(0), "unknown");
}
