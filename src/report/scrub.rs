//! The exports' own redaction pass: every secret the form holds, in every form it may travel in,
//! replaced by the engine's placeholder. The tree is redacted already; this is the second lock.

use crate::engine::redact::PLACEHOLDER;
use crate::inputs::{Field, Form};
use crate::percent;
use base64::Engine as _;
use serde_json::Value;
use std::borrow::Cow;

/// Knows the secrets of one form and hides them in any text.
pub(crate) struct Scrubber {
    /// Longest first, so a value holding another goes as a whole.
    values: Vec<String>,
}

impl Scrubber {
    /// The secrets `form` holds: each secret field as typed, percent-encoded, and as the
    /// `id:secret` pair of every ID field, plain and base64 (a `Basic` credential).
    pub(crate) fn for_form(form: &Form) -> Self {
        let ids: Vec<&str> = [Field::ClientId, Field::AccessKeyId]
            .into_iter()
            .map(|f| form.get(f))
            .collect();
        let mut values = Vec::new();
        for field in Field::ALL.into_iter().filter(|f| f.is_secret()) {
            let secret = form.get(field);
            if secret.is_empty() {
                continue;
            }
            values.push(secret.to_string());
            values.push(percent::encode(secret));
            values.push(base64::engine::general_purpose::STANDARD.encode(secret));
            for id in &ids {
                for id in [*id, id.trim()] {
                    let pair = format!("{id}:{secret}");
                    values.push(base64::engine::general_purpose::STANDARD.encode(&pair));
                    values.push(base64::engine::general_purpose::URL_SAFE.encode(&pair));
                    values.push(pair);
                }
            }
        }
        values.retain(|v| !v.is_empty() && v != PLACEHOLDER);
        crate::sorting::sort_by(&mut values, |a, b| {
            b.len().cmp(&a.len()).then_with(|| a.cmp(b))
        });
        values.dedup();
        Scrubber { values }
    }

    /// `text` with every known secret replaced by the placeholder.
    pub(crate) fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.values {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), PLACEHOLDER));
            }
        }
        out
    }

    /// Replaces secrets in every string of `value` (object keys included); answers whether any
    /// was found. Working on the parsed value keeps the JSON valid whatever the secret holds.
    pub(crate) fn value(&self, value: &mut Value) -> bool {
        match value {
            Value::String(s) => match self.text(s) {
                Cow::Borrowed(_) => false,
                Cow::Owned(clean) => {
                    *s = clean;
                    true
                }
            },
            Value::Array(items) => items
                .iter_mut()
                .fold(false, |found, item| self.value(item) | found),
            Value::Object(map) => {
                let mut found = false;
                let keys: Vec<String> = map.keys().cloned().collect();
                for key in keys {
                    let Some(mut item) = map.remove(&key) else {
                        continue;
                    };
                    found |= self.value(&mut item);
                    let clean = self.text(&key).into_owned();
                    found |= clean != key;
                    map.insert(clean, item);
                }
                found
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => false,
        }
    }
}
