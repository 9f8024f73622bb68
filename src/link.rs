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
/// Fragment values win over query values. Pairs are split on `&` and `;`; keys are read the
/// forgiving way ([`normalize_key`]) so that no spelling of a secret key slips through.
pub fn read(query: &str, fragment: &str, base: &Form) -> LinkRead {
    let mut result = LinkRead {
        form: base.clone(),
        set: Vec::new(),
        had_secret: false,
        unknown: Vec::new(),
        rerouted: Vec::new(),
    };
    let mut unreadable = false;
    for pair in pairs(query.trim_start_matches('?')).chain(pairs(fragment.trim_start_matches('#')))
    {
        match pair {
            Pair::Secret => result.had_secret = true,
            Pair::Known(field, value) => {
                result.form.set(field, &value);
                if !result.set.contains(&field) {
                    result.set.push(field);
                }
            }
            Pair::Unknown(key) => {
                // The Team view reads its own keys (`crate::team::read_link`).
                if key.is_empty() || crate::team::LINK_KEYS.contains(&key.as_str()) {
                    continue;
                }
                if shows_as_typed(&key) {
                    if !result.unknown.contains(&key) {
                        result.unknown.push(key);
                    }
                } else {
                    unreadable = true;
                }
            }
        }
    }
    if unreadable {
        // Never echo a key that does not look like a plain name: it may be a pasted value.
        result.unknown.push(UNREADABLE_KEY.into());
    }
    crate::sorting::sort_by_key(&mut result.set, |f| Field::ALL.iter().position(|x| x == f));
    result.rerouted = result
        .set
        .iter()
        .copied()
        .filter(|f| f.routes_credentials() && result.form.get(*f).trim() != base.get(*f).trim())
        .collect();
    result
}

/// How the unknown-keys notice names a key it will not echo.
pub const UNREADABLE_KEY: &str = "(a key that is not a plain name)";

/// How many times a key is percent-decoded at most: enough for any honest double encoding.
pub const MAX_KEY_DECODES: usize = 4;

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
    split_pairs(part)
        .filter(|pair| !matches!(classify(pair), Pair::Secret))
        .collect::<Vec<_>>()
        .join("&")
}

/// One `key=value` of a link, read.
enum Pair {
    /// A secret key, in whatever spelling, or a key that could not be read to the end.
    Secret,
    Known(Field, String),
    /// A key the page does not know, normalised.
    Unknown(String),
}

/// The pairs of a query or fragment: separated by `&` or `;`, empty ones skipped.
fn split_pairs(part: &str) -> impl Iterator<Item = &str> {
    part.split(['&', ';']).filter(|pair| !pair.is_empty())
}

fn pairs(part: &str) -> impl Iterator<Item = Pair> + '_ {
    split_pairs(part).map(classify)
}

fn classify(pair: &str) -> Pair {
    let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
    let Some(key) = normalize_key(raw_key) else {
        return Pair::Secret;
    };
    if is_secret_key(&key) {
        return Pair::Secret;
    }
    let value = percent::decode(raw_value);
    // A value that hides a secret pair (`tenant=acme%26client_secret%3Dx`) is dropped whole.
    if hides_secret_pair(&value) {
        return Pair::Secret;
    }
    match field_for_key(&key) {
        Some(field) => Pair::Known(field, value),
        None => Pair::Unknown(key),
    }
}

/// A link key as the page compares it: percent-decoded until it stops changing (at most
/// [`MAX_KEY_DECODES`] times), cut at an `=` it decoded to, `[...]` suffixes dropped, whitespace
/// and control characters removed, lowercased. `None` when it still changes after the bound:
/// such a key is treated as a secret.
pub fn normalize_key(raw: &str) -> Option<String> {
    let mut key = raw.to_string();
    let mut settled = false;
    for _ in 0..=MAX_KEY_DECODES {
        let next = percent::decode(&key);
        if next == key {
            settled = true;
            break;
        }
        key = next;
    }
    if !settled {
        return None;
    }
    let key = key.split(['=', '&', ';']).next().unwrap_or("");
    let key = key.split('[').next().unwrap_or("");
    Some(
        key.chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

/// Whether a normalised key names a secret: one of [`SECRET_KEYS`], or anything that reads like
/// a secret, password or token once separators are ignored (`client-secret`, `ClientSecret`).
pub fn is_secret_key(key: &str) -> bool {
    let squashed: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_KEYS.contains(&key)
        || ["secret", "password", "passwd", "token"]
            .iter()
            .any(|word| squashed.contains(word))
}

fn hides_secret_pair(value: &str) -> bool {
    value.contains(['=', '&', ';', '%'])
        && split_pairs(value).any(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            // Only a plain name counts as a key here: a URL before its `?x=` is no key.
            normalize_key(key).is_none_or(|k| shows_as_typed(&k) && is_secret_key(&k))
        })
}

/// Keys the unknown-keys notice may show as they are: short plain names.
fn shows_as_typed(key: &str) -> bool {
    key.len() <= 32
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn field_for_key(key: &str) -> Option<Field> {
    Field::ALL.into_iter().find(|f| f.link_key() == Some(key))
}
