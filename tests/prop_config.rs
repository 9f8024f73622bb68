//! The site configuration's plain reader (`SiteConfig::read_plain`, kept out of serde_json so
//! that the page's first load does without it) against the full one (`SiteConfig::read_json`,
//! serde_json): whatever text the plain reader reads, it reads exactly as serde_json does, and it
//! reads the files it is written for. Native only (proptest).
#![cfg(not(target_arch = "wasm32"))]

use agent_state_doctor::config::SiteConfig;
use proptest::prelude::*;

const NAME: &str = "config.json";

fn agree(text: &str) -> Result<(), TestCaseError> {
    if let Some(plain) = SiteConfig::read_plain(text, NAME) {
        prop_assert_eq!(plain, SiteConfig::read_json(text, NAME), "text: {:?}", text);
    }
    Ok(())
}

/// A JSON-ish value: mostly what a config holds, sometimes what it must not.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\"[a-z0-9:/.\\-]{0,24}\"",
        Just("\"/relay/\"".to_string()),
        Just("\"https://relay.example/\"".to_string()),
        prop_oneof![
            Just("\"guide\""),
            Just("\"platform\""),
            Just("\"prod\""),
            Just("\"devtest\""),
            Just("\"v27.0\""),
        ]
        .prop_map(str::to_string),
        "[0-9]{1,3}",
        "-?[0-9]{1,22}(\\.[0-9]{0,3})?([eE][+-]?[0-9]{1,3})?",
        prop_oneof![
            Just("null"),
            Just("true"),
            Just("false"),
            Just("nul"),
            Just("[1, \"a\"]"),
            Just("{\"a\": {}}")
        ]
        .prop_map(str::to_string),
        "\"[a-z\\\\\"\\t\u{e9}\u{1F600}]{0,8}\"",
        "\\PC{0,6}",
    ]
}

/// A key a config holds, or `colour` (one it does not), quoted.
fn named_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("relay"),
        Just("profile"),
        Just("environment"),
        Just("api_host"),
        Just("timeout"),
        Just("issuer"),
        Just("api_version"),
        Just("colour"),
    ]
    .prop_map(|k| format!("\"{k}\""))
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        named_key(),
        Just("\"Relay\"".to_string()),
        "\"[a-z_\\\\]{0,8}\"",
        "[a-z]{0,3}",
    ]
}

fn space() -> impl Strategy<Value = String> {
    "[ \n\r\t]{0,2}|\u{a0}|\u{feff}|/"
}

/// Object members `key<space>:<space>value`, joined by `separator`.
fn members<K, S, V, T>(entries: Vec<(K, S, V, T)>, separator: &str) -> String
where
    K: std::fmt::Display,
    S: std::fmt::Display,
    V: std::fmt::Display,
    T: std::fmt::Display,
{
    let body: Vec<String> = entries
        .into_iter()
        .map(|(k, s, v, t)| format!("{k}{s}:{t}{v}"))
        .collect();
    body.join(separator)
}

/// An object of such entries, with spacing and separators that are sometimes wrong.
fn object_like() -> impl Strategy<Value = String> {
    (
        space(),
        prop::collection::vec((key(), space(), value(), space()), 0..8),
        prop_oneof![Just(","), Just(","), Just(",,"), Just(";"), Just(", ")],
        prop_oneof![Just("{"), Just("{"), Just("["), Just("")],
        prop_oneof![
            Just("}"),
            Just("}"),
            Just("},"),
            Just(""),
            Just("} x"),
            Just("}\n")
        ],
    )
        .prop_map(|(lead, entries, comma, open, close)| {
            format!("{lead}{open}{}{close}", members(entries, comma))
        })
}

/// A well-formed object of the values a config holds (sometimes one the plain reader leaves),
/// with one byte sometimes replaced or removed.
fn plain_like() -> impl Strategy<Value = String> {
    let good_value = prop_oneof![
        "\"[a-z0-9:/.\\-]{0,24}\"",
        Just("\"/relay/\"".to_string()),
        prop_oneof![
            Just("\"guide\""),
            Just("\"platform\""),
            Just("\"devtest\""),
            Just("\"v27.0\"")
        ]
        .prop_map(str::to_string),
        "0|[1-9][0-9]{0,3}|[0-9]{1,21}",
        prop_oneof![
            Just("null"),
            Just("true"),
            Just("false"),
            Just("15.0"),
            Just("\"\\/\"")
        ]
        .prop_map(str::to_string),
    ];
    let good_key = prop_oneof![named_key(), "\"[a-z_\u{e9}]{0,6}\"",];
    let ws = "[ \n\r\t]{0,2}";
    (
        prop::collection::vec((good_key, ws, good_value, ws), 0..8),
        ws,
        any::<bool>(),
        any::<prop::sample::Index>(),
        prop_oneof![
            Just(""),
            Just(","),
            Just("}"),
            Just("\""),
            Just("x"),
            Just(" "),
            Just("\\"),
            Just("-")
        ],
    )
        .prop_map(|(entries, lead, mutate, at, with)| {
            let mut text = format!("{lead}{{{}}}", members(entries, ","));
            if mutate {
                let i = at.index(text.len());
                if text.is_char_boundary(i) && text.is_char_boundary(i + 1) {
                    text.replace_range(i..i + 1, with);
                }
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn the_plain_reader_reads_plain_objects_as_serde_json_does(text in plain_like()) {
        agree(&text)?;
    }

    #[test]
    fn the_plain_reader_reads_as_serde_json_does(text in object_like()) {
        agree(&text)?;
    }

    #[test]
    fn the_plain_reader_reads_any_text_as_serde_json_does(text in "\\PC{0,40}") {
        agree(&text)?;
    }
}

#[test]
fn the_plain_reader_reads_the_files_it_is_written_for() {
    for text in [
        "",
        " \n",
        "{}",
        r#"{ "relay": "/relay/", "profile": "guide", "environment": "prod", "api_host": "", "timeout": 15 }"#,
        r#"{"relay": "relay.example", "timeout": 999, "colour": "blue", "profile": "platform", "issuer": "https://cxone-gov.niceincontact.com"}"#,
        r#"{"environment": "devtest", "relay": "https://relay.example/relay/"}"#,
        "{\n  \"timeout\": 30,\n  \"api_version\": null,\n  \"relay\": true\n}\n",
        r#"{"timeout": 20, "timeout": 25}"#,
    ] {
        let plain = SiteConfig::read_plain(text, NAME).unwrap_or_else(|| panic!("{text:?}"));
        assert_eq!(plain, SiteConfig::read_json(text, NAME), "{text:?}");
    }
    let last = SiteConfig::read_plain(r#"{"timeout": 20, "timeout": 25}"#, NAME).unwrap();
    assert_eq!(
        last.defaults
            .get(agent_state_doctor::inputs::Field::Timeout),
        "25"
    );
}

#[test]
fn the_plain_reader_leaves_the_rest_to_serde_json() {
    for text in [
        "not json",
        "[1]",
        r#"{"relay": "\/relay\/"}"#,
        r#"{"timeout": 15.0}"#,
        r#"{"timeout": -1}"#,
        r#"{"timeout": 015}"#,
        r#"{"timeout": 99999999999999999999}"#,
        r#"{"relay": ["/relay/"]}"#,
        r#"{"relay": "/relay/",}"#,
        r#"{"relay": "/relay/"} x"#,
        "\u{feff}{}",
    ] {
        assert_eq!(SiteConfig::read_plain(text, NAME), None, "{text:?}");
        // And the page's reader, the two together, still says what serde_json said.
        assert_eq!(SiteConfig::parse(text), SiteConfig::read_json(text, NAME));
    }
}
