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
        // A hand-edited block may be left empty: no defaults, not an error.
        if text.trim().is_empty() {
            return SiteConfig::default();
        }
        let mut config = SiteConfig::default();
        let object = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(object)) => object,
            Ok(_) => {
                config
                    .problems
                    .push(format!("{name} is not a JSON object; it was ignored"));
                return config;
            }
            Err(error) => {
                config.problems.push(format!(
                    "{name} is not valid JSON ({error}); it was ignored"
                ));
                return config;
            }
        };
        for (key, value) in &object {
            let Some(&(_, field)) = KEYS.iter().find(|(k, _)| k == key) else {
                config
                    .problems
                    .push(format!("{name} key \"{key}\" is not known and was ignored"));
                continue;
            };
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Null => continue,
                other => {
                    config
                        .problems
                        .push(format!("{name} \"{key}\" should be text, not {other}"));
                    continue;
                }
            };
            let mut trial = config.defaults.clone();
            trial.set(field, &text);
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
