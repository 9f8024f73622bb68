//! Property tests of the link reader: whatever a link holds, reading it never panics, and a
//! secret in it, in any spelling, never reaches the form, the scrubbed address or a notice.
//! Native only (proptest); the fixed cases of `tests/form.rs` run in the browser too.
#![cfg(not(target_arch = "wasm32"))]

use agent_state_doctor::inputs::{Field, Form};
use agent_state_doctor::link;
use agent_state_doctor::percent;
use agent_state_doctor::session::Session;
use proptest::prelude::*;

/// A secret key in one of the spellings people, browsers and attackers produce.
fn secret_key() -> impl Strategy<Value = String> {
    let base = prop::sample::select(vec![
        "client_secret",
        "access_key_secret",
        "secret",
        "Client_Secret",
        "CLIENT_SECRET",
        "clientSecret",
        "client-secret",
        "Access_Key_Secret",
    ]);
    (base, 0..6usize, 0..3usize).prop_map(|(base, spelling, encodings)| {
        let mut key = match spelling {
            0 => base.to_string(),
            1 => format!("{base}[]"),
            2 => format!(" {base}\t"),
            3 => base.replace('_', "%5F"),
            4 => format!("{base}%5B%5D"),
            _ => base.replace('_', "+"),
        };
        for _ in 0..encodings {
            key = percent::encode(&key);
        }
        key
    })
}

/// A secret pair: `key=VALUE`, or the whole pair encoded so that no raw `=` is left.
fn secret_pair() -> impl Strategy<Value = (String, String)> {
    (secret_key(), "[A-Z]{10,16}", any::<bool>()).prop_map(|(key, tail, hide_equals)| {
        let value = format!("ZQ{tail}");
        let pair = if hide_equals {
            format!("{key}%3D{value}")
        } else {
            format!("{key}={value}")
        };
        (pair, value)
    })
}

/// Ordinary pairs: known and unknown keys, values without upper case (so none spells a secret).
fn other_pairs() -> impl Strategy<Value = Vec<String>> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "tenant",
            "env",
            "user",
            "agent",
            "client_id",
            "relay",
            "host",
            "profile",
            "v",
            "timeout",
            "issuer",
        ])
        .prop_map(str::to_string),
        "[a-z_.\\[\\] -]{0,10}",
    ];
    prop::collection::vec((key, "[a-z0-9 ./:_{}?=-]{0,16}"), 0..6)
        .prop_map(|pairs| pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect())
}

fn join(pairs: &[String], semicolons: bool) -> String {
    pairs.join(if semicolons { ";" } else { "&" })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn reading_any_link_never_panics(query in "\\PC{0,80}", fragment in "\\PC{0,80}") {
        let read = link::read(&query, &fragment, &Form::default());
        let _ = link::scrub(&query, &fragment);
        let _ = link::write(&read.form);
        let (session, _) = Session::open(Form::default(), "https://page.example/", false, &query, &fragment);
        let _ = session.needs_confirmation();
    }

    #[test]
    fn reading_url_shaped_links_never_panics(
        query in "[a-zA-Z0-9%&;=+_\\[\\] .-]{0,60}",
        fragment in "[a-zA-Z0-9%&;=+_\\[\\]#? .-]{0,60}",
    ) {
        let _ = link::read(&query, &fragment, &Form::default());
        let _ = link::scrub(&query, &fragment);
    }

    #[test]
    fn no_secret_value_survives_a_link(
        others in other_pairs(),
        (secret, value) in secret_pair(),
        at in 0..8usize,
        in_query in any::<bool>(),
        semicolons in any::<bool>(),
    ) {
        let mut pairs = others;
        let at = at.min(pairs.len());
        pairs.insert(at, secret);
        let (query, fragment) = if in_query {
            (format!("?{}", join(&pairs, semicolons)), "#tenant=acme".to_string())
        } else {
            (String::new(), format!("#{}", join(&pairs, semicolons)))
        };
        let read = link::read(&query, &fragment, &Form::default());
        prop_assert!(read.had_secret, "{query}{fragment}");
        for field in Field::ALL {
            prop_assert!(!read.form.get(field).contains(&value), "{}: {}", field.name(), read.form.get(field));
        }
        let lower = value.to_lowercase();
        for key in &read.unknown {
            prop_assert!(!key.to_lowercase().contains(&lower), "notice shows {key}");
            prop_assert!(!key.contains("secret"), "notice shows {key}");
        }
        let (q, f) = link::scrub(&query, &fragment);
        prop_assert!(!q.contains(&value) && !f.contains(&value), "{q} {f}");
        // The same through the page's session, a typed secret kept.
        let (session, address) = Session::open(Form::default(), "https://page.example/", false, &query, &fragment);
        prop_assert!(address.changed);
        prop_assert!(!address.query.contains(&value) && !address.fragment.contains(&value));
        let notice = format!("{:?}", session.notice()).to_lowercase();
        prop_assert!(!notice.contains(&lower), "{}", notice);
        prop_assert_eq!(session.form().get(Field::ClientSecret), "");
    }

    #[test]
    fn copy_link_round_trips_plain_values(
        tenant in "[a-zA-Z0-9 ./:{}?_-]{0,20}",
        user in "[a-zA-Z0-9 ./:{}?_-]{0,20}",
        relay in "[a-zA-Z0-9 ./:{}?_-]{0,20}",
        host in "[a-zA-Z0-9 ./:{}?_-]{0,20}",
    ) {
        let mut form = Form::default();
        form.set(Field::Tenant, &tenant);
        form.set(Field::UserId, &user);
        form.set(Field::Relay, &relay);
        form.set(Field::ApiHost, &host);
        form.set(Field::ClientSecret, "never-in-a-link");
        let written = link::write(&form);
        prop_assert!(!written.contains("never-in-a-link"));
        let back = link::read("", &written, &Form::default());
        prop_assert!(!back.had_secret);
        for (field, value) in [(Field::Tenant, &tenant), (Field::UserId, &user), (Field::Relay, &relay), (Field::ApiHost, &host)] {
            prop_assert_eq!(back.form.get(field), value.trim());
        }
    }
}
