//! Links that fill the form: `#tenant=acme&env=prod&user=...` (the query string is read too).
//!
//! A link never carries a secret. A secret key found in one is ignored and reported, so the page
//! can say so and remove it from the address bar.

use crate::inputs::{Field, Form};
use crate::percent;

/// Link keys that name a secret. Whatever they hold is dropped, never put in the form.
pub const SECRET_KEYS: [&str; 3] = ["client_secret", "access_key_secret", "secret"];

/// What a link said, once read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRead {
    /// The form: `base` with every field the link sets.
    pub form: Form,
    /// The fields the link set, in form order.
    pub set: Vec<Field>,
    /// The link held a secret, which was ignored.
    pub had_secret: bool,
    /// Keys the page does not know, ignored (shown to help spot a typo).
    pub unknown: Vec<String>,
    /// Fields that decide where credentials go and that the link set to something other than
    /// the defaults it was read over (a site's own configured relay needs no confirmation).
    pub rerouted: Vec<Field>,
}

impl LinkRead {
    /// The link chose where credentials go (relay, API host or issuer): confirm before sending.
    pub fn routes_credentials(&self) -> bool {
        !self.rerouted.is_empty()
    }
}

/// Reads the query string and the fragment (either may start with `?`/`#` or not) over `base`.
/// Fragment values win over query values.
pub fn read(query: &str, fragment: &str, base: &Form) -> LinkRead {
    let mut result = LinkRead {
        form: base.clone(),
        set: Vec::new(),
        had_secret: false,
        unknown: Vec::new(),
        rerouted: Vec::new(),
    };
    for (key, value) in
        pairs(query.trim_start_matches('?')).chain(pairs(fragment.trim_start_matches('#')))
    {
        if is_secret_key(&key) {
            result.had_secret = true;
        } else if let Some(field) = field_for_key(&key) {
            result.form.set(field, &value);
            if !result.set.contains(&field) {
                result.set.push(field);
            }
        } else if !key.is_empty() && !result.unknown.contains(&key) {
            result.unknown.push(key);
        }
    }
    result
        .set
        .sort_by_key(|f| Field::ALL.iter().position(|x| x == f));
    result.rerouted = result
        .set
        .iter()
        .copied()
        .filter(|f| f.routes_credentials() && result.form.get(*f).trim() != base.get(*f).trim())
        .collect();
    result
}

/// The fragment (without `#`) that reproduces the form's non-secret fields for its profile.
/// Empty fields are left out; the profile is written only when it is not the default.
pub fn write(form: &Form) -> String {
    let profile = form.profile();
    let mut parts = Vec::new();
    for field in Field::ALL {
        let Some(key) = field.link_key() else {
            continue;
        };
        let value = form.get(field).trim();
        if value.is_empty() || !field.applies_to(profile) {
            continue;
        }
        if field == Field::Profile && value == crate::inputs::Profile::Guide.as_str() {
            continue;
        }
        parts.push(format!("{key}={}", percent::encode(value)));
    }
    parts.join("&")
}

/// `query` and `fragment` with every secret key removed, other parameters kept in order
/// (for rewriting the address bar). Each answer keeps no leading `?`/`#`.
pub fn scrub(query: &str, fragment: &str) -> (String, String) {
    (
        scrub_one(query.trim_start_matches('?')),
        scrub_one(fragment.trim_start_matches('#')),
    )
}

fn scrub_one(part: &str) -> String {
    part.split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            !pair.is_empty() && !is_secret_key(&percent::decode(key))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn pairs(part: &str) -> impl Iterator<Item = (String, String)> + '_ {
    part.split('&').filter(|pair| !pair.is_empty()).map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (
            percent::decode(key).trim().to_ascii_lowercase(),
            percent::decode(value),
        )
    })
}

fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.contains(&key.trim().to_ascii_lowercase().as_str())
}

fn field_for_key(key: &str) -> Option<Field> {
    Field::ALL.into_iter().find(|f| f.link_key() == Some(key))
}
