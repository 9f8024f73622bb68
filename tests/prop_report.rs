//! Property tests of opening a report and replaying it: no input makes them panic or loop.
//! Arbitrary bytes, and the page's own reports with one field changed to any JSON value.
//! Native only (proptest), a fixed number of cases.
#![cfg(not(target_arch = "wasm32"))]

use agent_state_doctor::report::replay::{open, open_and_replay, replay};
use proptest::prelude::*;
use serde_json::Value;

const NOW: u64 = 1_700_000_000_000;

/// Real reports to mutate: both profiles, paged lists, retries, the other environment.
const REPORTS: [&str; 4] = [
    include_str!("reports/logged-in.json"),
    include_str!("reports/wrong-environment.json"),
    include_str!("reports/platform-third-page.json"),
    include_str!("reports/platform-rate-limited-then-ok.json"),
];

/// Every path to a value in `value` (object keys and array indices), at most `limit` of them.
fn paths(value: &Value, prefix: Vec<String>, out: &mut Vec<Vec<String>>, limit: usize) {
    if out.len() >= limit {
        return;
    }
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let mut p = prefix.clone();
                p.push(k.clone());
                paths(v, p, out, limit);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let mut p = prefix.clone();
                p.push(i.to_string());
                paths(v, p, out, limit);
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, key| match v {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => items.get_mut(key.parse::<usize>().ok()?),
        _ => None,
    })
}

/// Any small JSON value, hostile strings included.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,40}".prop_map(Value::String),
        Just(Value::String("<script>alert(1)</script>".into())),
        Just(Value::String("\u{202e}\u{0}<redacted>".into())),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = open_and_replay(&text, NOW);
    }

    #[test]
    fn a_cut_report_is_refused_or_replays(which in 0..REPORTS.len(), cut in 0.0f64..1.0) {
        let text = REPORTS[which];
        let mut end = (text.len() as f64 * cut) as usize;
        while !text.is_char_boundary(end) { end -= 1; }
        let _ = open_and_replay(&text[..end], NOW);
    }

    #[test]
    fn a_report_with_one_field_changed_never_panics(
        which in 0..REPORTS.len(),
        pick in any::<prop::sample::Index>(),
        replacement in json_value(),
    ) {
        let mut value: Value = serde_json::from_str(REPORTS[which]).unwrap();
        let mut all = Vec::new();
        paths(&value, Vec::new(), &mut all, 20_000);
        let path = pick.get(&all).clone();
        if let Some(slot) = at(&mut value, &path) {
            *slot = replacement;
        }
        let text = value.to_string();
        if let Ok(opened) = open(&text) {
            let replayed = replay(&opened, NOW);
            // Whatever it decides, the tree has every check.
            prop_assert_eq!(replayed.tree.checks.len(), opened.recorded.checks.len());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_inputs_never_panic(
        which in 0..REPORTS.len(),
        field in prop::sample::select(vec!["profile", "tenant", "environment", "client_id", "user_id", "agent_id", "api_host", "relay", "timeout", "issuer", "access_key_id", "api_version"]),
        text in prop_oneof!["\\PC{0,40}", "(https?://)?[a-z0-9.:/-]{0,30}", "[0-9]{0,25}"],
    ) {
        let mut value: Value = serde_json::from_str(REPORTS[which]).unwrap();
        value["inputs"][field] = Value::String(text);
        let _ = open_and_replay(&value.to_string(), NOW);
    }
}

#[test]
fn a_50_mb_file_is_refused_before_parsing() {
    let text = format!("[{}]", "0,".repeat(25 * 1024 * 1024));
    let error = open(&text).unwrap_err();
    assert!(error.to_string().contains("KB"), "{error}");
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(open(&text).is_err());
}

#[test]
fn a_newer_schema_version_is_refused_by_name() {
    let text = REPORTS[0].replacen("\"schema_version\": 2", "\"schema_version\": 99", 1);
    assert!(open(&text).unwrap_err().to_string().contains("newer"));
}

#[test]
fn a_version_1_report_opens_and_says_what_it_lacks() {
    let mut value: Value = serde_json::from_str(REPORTS[0]).unwrap();
    value["schema_version"] = 1.into();
    value["diagnosis"]
        .as_object_mut()
        .unwrap()
        .remove("started_at_ms");
    let opened = open(&value.to_string()).unwrap();
    assert!(opened
        .lacks()
        .iter()
        .any(|l| l.contains("when it was made")));
    assert_eq!(
        replay(&opened, NOW).today.map(|v| v.code()),
        Some("logged_in")
    );
}
