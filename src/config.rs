//! Site defaults from an optional `config.json` beside `index.html`, so a team that hosts the page
//! sets its relay, profile, environment, API host and time limit without rebuilding.
//!
//! ```json
//! { "relay": "/relay/", "profile": "guide", "environment": "prod", "api_host": "", "timeout": 15 }
//! ```
//! Every value is checked with the form's own rules; a wrong one is reported and ignored.

use crate::inputs::{Field, Form};
use serde_json::Value;

/// The keys `config.json` may set, and the field each one fills.
pub const KEYS: [(&str, Field); 7] = [
    ("relay", Field::Relay),
    ("profile", Field::Profile),
    ("environment", Field::Environment),
    ("api_host", Field::ApiHost),
    ("timeout", Field::Timeout),
    ("issuer", Field::Issuer),
    ("api_version", Field::ApiVersion),
];

/// The defaults a site configured, and what was wrong in its file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteConfig {
    /// The built-in defaults with the site's values over them.
    pub defaults: Form,
    /// One line per value that was ignored, for a notice on the page.
    pub problems: Vec<String>,
}

impl SiteConfig {
    /// Reads the text of `config.json`. Never fails: what cannot be used is listed in `problems`.
    pub fn parse(text: &str) -> SiteConfig {
        SiteConfig::parse_named(text, "config.json")
    }

    /// Like [`SiteConfig::parse`], naming the source `name` in the problems (the single-file
    /// page's `site-config` block).
    pub fn parse_named(text: &str, name: &str) -> SiteConfig {
        SiteConfig::read_plain(text, name).unwrap_or_else(|| SiteConfig::read_json(text, name))
    }

    /// [`SiteConfig::parse_named`] for the files it is written for, without serde_json (which
    /// then stays out of the page's first load): a JSON object whose values are strings without
    /// escapes, integers from 0 to 10^19 - 1, `true`, `false` or `null`. `None` for any other
    /// text (escapes, fractions, negative numbers, arrays, objects, text that is not JSON):
    /// [`SiteConfig::read_json`] reads it, with serde_json's own messages. Where both read a
    /// text, they give the same result (tests/prop_config.rs).
    pub fn read_plain(text: &str, name: &str) -> Option<SiteConfig> {
        if text.trim().is_empty() {
            return Some(SiteConfig::default());
        }
        plain_object(text.as_bytes()).map(|entries| SiteConfig::from_entries(entries, name))
    }

    /// The full reader behind [`SiteConfig::parse_named`]: serde_json, with its messages for a
    /// text that is not JSON (in the page, loaded on demand for what [`SiteConfig::read_plain`]
    /// leaves).
    pub fn read_json(text: &str, name: &str) -> SiteConfig {
        // A hand-edited block may be left empty: no defaults, not an error.
        if text.trim().is_empty() {
            return SiteConfig::default();
        }
        let object = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(object)) => object,
            Ok(_) => {
                let mut config = SiteConfig::default();
                config
                    .problems
                    .push(format!("{name} is not a JSON object; it was ignored"));
                return config;
            }
            Err(error) => {
                let mut config = SiteConfig::default();
                config.problems.push(format!(
                    "{name} is not valid JSON ({error}); it was ignored"
                ));
                return config;
            }
        };
        let entries = object
            .into_iter()
            .map(|(key, value)| {
                let value = match value {
                    Value::String(s) => Entry::Text(s),
                    Value::Number(n) => Entry::Text(n.to_string()),
                    Value::Null => Entry::Null,
                    other => Entry::Other(other.to_string()),
                };
                (key, value)
            })
            .collect();
        SiteConfig::from_entries(entries, name)
    }

    /// Applies an object's entries in key order, as serde_json's map holds them.
    fn from_entries(entries: Vec<(String, Entry)>, name: &str) -> SiteConfig {
        let mut config = SiteConfig::default();
        for (key, value) in &entries {
            let Some(&(_, field)) = KEYS.iter().find(|(k, _)| k == key) else {
                config
                    .problems
                    .push(format!("{name} key \"{key}\" is not known and was ignored"));
                continue;
            };
            let text = match value {
                Entry::Text(text) => text,
                Entry::Null => continue,
                Entry::Other(other) => {
                    config
                        .problems
                        .push(format!("{name} \"{key}\" should be text, not {other}"));
                    continue;
                }
            };
            let mut trial = config.defaults.clone();
            trial.set(field, text);
            match field_problem(&trial, field) {
                Some(message) => config
                    .problems
                    .push(format!("{name} \"{key}\": {message}; it was ignored")),
                None => config.defaults = trial,
            }
        }
        config
    }
}

/// One value of the object: text (a string, or a number as serde_json writes it), `null`, or
/// anything else as serde_json writes it.
enum Entry {
    Text(String),
    Null,
    Other(String),
}

/// The entries of a plain JSON object (see [`SiteConfig::read_plain`]), sorted by key with the
/// last of equal keys kept (serde_json's map), or `None` if the text is anything else.
fn plain_object(text: &[u8]) -> Option<Vec<(String, Entry)>> {
    let mut at = skip_space(text, 0);
    if text.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(text, at + 1);
    let mut entries: Vec<(String, Entry)> = Vec::new();
    if text.get(at) == Some(&b'}') {
        at += 1;
    } else {
        loop {
            let (key, after) = plain_string(text, at)?;
            at = skip_space(text, after);
            if text.get(at) != Some(&b':') {
                return None;
            }
            at = skip_space(text, at + 1);
            let (value, after) = match text.get(at)? {
                b'"' => {
                    let (s, after) = plain_string(text, at)?;
                    (Entry::Text(s), after)
                }
                b'0'..=b'9' => {
                    let digits = text[at..].iter().take_while(|b| b.is_ascii_digit()).count();
                    let after = at + digits;
                    // Leading zeros, fractions, exponents and numbers past u64: serde_json's.
                    if (digits > 1 && text[at] == b'0')
                        || digits > 19
                        || matches!(text.get(after), Some(b'.' | b'e' | b'E'))
                    {
                        return None;
                    }
                    let digits = std::str::from_utf8(&text[at..after]).ok()?;
                    (Entry::Text(digits.to_string()), after)
                }
                _ => {
                    let rest = &text[at..];
                    let (value, len) = if rest.starts_with(b"null") {
                        (Entry::Null, 4)
                    } else if rest.starts_with(b"true") {
                        (Entry::Other("true".to_string()), 4)
                    } else if rest.starts_with(b"false") {
                        (Entry::Other("false".to_string()), 5)
                    } else {
                        return None;
                    };
                    (value, at + len)
                }
            };
            match entries.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
                Ok(i) => entries[i].1 = value,
                Err(i) => entries.insert(i, (key, value)),
            }
            at = skip_space(text, after);
            match text.get(at) {
                Some(b',') => at = skip_space(text, at + 1),
                Some(b'}') => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_space(text, at) == text.len()).then_some(entries)
}

/// A JSON string without escapes or control characters at `at`, and the index after it.
fn plain_string(text: &[u8], at: usize) -> Option<(String, usize)> {
    if text.get(at) != Some(&b'"') {
        return None;
    }
    let len = text[at + 1..].iter().position(|&b| b == b'"')?;
    let inner = &text[at + 1..at + 1 + len];
    if inner.iter().any(|&b| b == b'\\' || b < 0x20) {
        return None;
    }
    Some((std::str::from_utf8(inner).ok()?.to_string(), at + len + 2))
}

/// The index of the first byte from `at` that is not JSON whitespace.
fn skip_space(text: &[u8], at: usize) -> usize {
    at + text[at.min(text.len())..]
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
        .count()
}

/// The form's message for `field`, whether or not the field applies to the chosen profile.
fn field_problem(form: &Form, field: Field) -> Option<String> {
    let mut probe = form.clone();
    if !field.applies_to(probe.profile()) {
        let other = if probe.profile() == crate::inputs::Profile::Guide {
            "platform"
        } else {
            "guide"
        };
        probe.set(Field::Profile, other);
    }
    probe.error_for(field)
}
