//! Redaction of everything the tree shows: credentials in headers, secrets and tokens anywhere,
//! and bodies cut at 64 KB.

/// What replaces a secret or a token wherever it appears.
pub const PLACEHOLDER: &str = "<redacted>";

/// The most body text kept per answer, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Header names whose whole value is a credential.
const CREDENTIAL_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// The value shown for header `name`: for `Authorization` only the scheme word survives
/// (`Basic <redacted>`, `Bearer <redacted>`); other credential headers become `<redacted>`;
/// anything else is unchanged.
pub fn authorization_value(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if !CREDENTIAL_HEADERS.contains(&lower.as_str()) {
        return value.to_string();
    }
    match value.trim().split_once(' ') {
        Some((scheme, _)) if lower.ends_with("authorization") => format!("{scheme} {PLACEHOLDER}"),
        _ => PLACEHOLDER.to_string(),
    }
}

/// Cuts `text` to at most `limit` bytes on a character boundary; answers the text and whether it
/// was cut. A cut text ends with a line saying how many bytes were left out.
pub fn truncate(text: &str, limit: usize) -> (String, bool) {
    if text.len() <= limit {
        return (text.to_string(), false);
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let left_out = text.len() - end;
    (
        format!(
            "{}\n[... cut: {left_out} more bytes not shown]",
            &text[..end]
        ),
        true,
    )
}

/// Knows every secret of one diagnosis (client secret, Basic credentials, tokens) and replaces
/// them wherever they appear.
#[derive(Clone, Default)]
pub struct Redactor {
    values: Vec<String>,
}

impl Redactor {
    /// A redactor for `secrets` (empty strings are ignored).
    pub fn new<I, S>(secrets: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut redactor = Redactor::default();
        for secret in secrets {
            redactor.add(secret);
        }
        redactor
    }

    /// Adds one more value to hide (a token once it is known).
    pub fn add(&mut self, secret: impl Into<String>) {
        let secret = secret.into();
        if secret.is_empty() || self.values.contains(&secret) {
            return;
        }
        self.values.push(secret);
        // Longest first, so a secret inside a longer one (a token holding it) goes as a whole.
        crate::sorting::sort_by_key(&mut self.values, |v| std::cmp::Reverse(v.len()));
    }

    /// Adds the values of token fields found in a JSON body, as parsed (`access_token`,
    /// `refresh_token`, `id_token`, `token`), at the top level or one level down.
    pub fn add_tokens_in(&mut self, value: &serde_json::Value) {
        let mut objects = vec![value];
        if let Some(map) = value.as_object() {
            objects.extend(map.values().filter(|v| v.is_object()));
        }
        for object in objects {
            for key in ["access_token", "refresh_token", "id_token", "token"] {
                if let Some(token) = object.get(key).and_then(|v| v.as_str()) {
                    self.add(token);
                }
            }
        }
    }

    /// `text` with every known secret replaced by [`PLACEHOLDER`].
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.values {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), PLACEHOLDER);
            }
        }
        out
    }

    /// Headers with credential values redacted and secrets replaced.
    pub fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| (name.clone(), self.text(&authorization_value(name, value))))
            .collect()
    }

    /// A body redacted, then cut at [`BODY_LIMIT`]; answers the text and whether it was cut.
    pub fn body(&self, body: &str) -> (String, bool) {
        truncate(&self.text(body), BODY_LIMIT)
    }
}
