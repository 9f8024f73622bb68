//! **Copy as curl** and **Copy as curl with secret**: one exchange as a POSIX shell command.
//!
//! The exchange's headers and body are redacted, so no credential is ever taken from them: a
//! `Basic` authorization becomes `-u` with the client ID and secret, a `Bearer` one the access
//! token, a form body's `password` the access key secret and its `client_secret` the client
//! secret, each either a shell variable (`$CXONE_CLIENT_SECRET`) or, with [`CurlSecrets`], the
//! real value. Anything else still redacted becomes a variable too, never the placeholder text.

use crate::engine::redact::PLACEHOLDER;
use crate::engine::{CachedToken, Exchange};
use crate::inputs::{Environment, Inputs};
use std::fmt;

/// The real credentials for **Copy as curl with secret**. Its `Debug` prints none of them.
#[derive(Clone, PartialEq, Eq)]
pub struct CurlSecrets {
    /// The OAuth client ID (the user name of a `Basic` authorization).
    pub client_id: String,
    /// The OAuth client secret.
    pub client_secret: String,
    /// The access key secret (the `password` of the platform profile's token request).
    pub access_key_secret: String,
    /// The bearer token, when one is known.
    pub access_token: Option<String>,
    /// The environment [`CurlSecrets::access_token`] was issued for: an exchange with the other
    /// environment gets the `$CXONE_ACCESS_TOKEN` variable instead, as the token would not work
    /// there.
    pub environment: Environment,
}

impl fmt::Debug for CurlSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |value: &str| {
            if value.is_empty() {
                "<empty>"
            } else {
                "<redacted>"
            }
        };
        f.debug_struct("CurlSecrets")
            .field("client_id", &shown(&self.client_id))
            .field("client_secret", &shown(&self.client_secret))
            .field("access_key_secret", &shown(&self.access_key_secret))
            .field("access_token", &self.access_token.as_deref().map(shown))
            .field("environment", &self.environment)
            .finish()
    }
}

/// The secrets of `inputs`, with `token`'s access token when it was issued for these inputs'
/// token URL and client ID (the diagnosed environment).
pub fn curl_secrets(inputs: &Inputs, token: Option<&CachedToken>) -> CurlSecrets {
    let access_token = token
        .filter(|t| t.token_url == inputs.token_url() && t.client_id == inputs.client_id)
        .map(|t| t.access_token().to_string());
    CurlSecrets {
        client_id: inputs.client_id.clone(),
        client_secret: inputs.client_secret.clone(),
        access_key_secret: inputs.access_key_secret.clone(),
        access_token,
        environment: inputs.environment,
    }
}

/// `text` single-quoted for a POSIX shell: `it's` becomes `'it'\''s'`. Nothing inside is
/// expanded, whatever it holds.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A copy-pasteable POSIX shell `curl` command reproducing `exchange` against the API's own URL
/// (no relay: curl needs no CORS relay), with its method, headers and body.
///
/// Without `secrets`, every credential is a shell variable (`$CXONE_CLIENT_ID`,
/// `$CXONE_CLIENT_SECRET`, `$CXONE_ACCESS_KEY_SECRET`, `$CXONE_ACCESS_TOKEN`), and a comment
/// line above says which to set. With `secrets`, the real values are written in, and a comment
/// warns that the command holds them; a value `secrets` lacks stays a variable.
pub fn curl(exchange: &Exchange, secrets: Option<&CurlSecrets>) -> String {
    let mut command = Command {
        secrets,
        environment: exchange.environment,
        variables: Vec::new(),
        inlined: false,
    };
    let mut args: Vec<String> = Vec::new();

    let has_body = exchange.request_body.is_some();
    let method = exchange.method.trim().to_ascii_uppercase();
    let implied = (method == "GET" && !has_body) || (method == "POST" && has_body);
    if !implied && !method.is_empty() {
        args.push(format!("-X {}", word_arg(&method)));
    }

    for (name, value) in &exchange.request_headers {
        if ["host", "content-length"].contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        if name.eq_ignore_ascii_case("authorization") {
            let scheme = value.split_whitespace().next().unwrap_or("");
            if scheme.eq_ignore_ascii_case("basic") {
                let user = command.secret(Credential::ClientId);
                let mut parts = vec![user, Part::Lit(":".into())];
                parts.push(command.secret(Credential::ClientSecret));
                args.push(format!("-u {}", command.render(&parts)));
            } else if scheme.eq_ignore_ascii_case("bearer") {
                let parts = vec![
                    Part::Lit(format!("{name}: Bearer ")),
                    command.secret(Credential::AccessToken),
                ];
                args.push(format!("-H {}", command.render(&parts)));
            } else {
                let prefix = if scheme.is_empty() {
                    format!("{name}: ")
                } else {
                    format!("{name}: {scheme} ")
                };
                let parts = vec![Part::Lit(prefix), command.variable("CXONE_AUTHORIZATION")];
                args.push(format!("-H {}", command.render(&parts)));
            }
            continue;
        }
        let variable = format!("CXONE_{}", variable_name(name));
        let parts = command.unredact(&format!("{name}: {value}"), &variable);
        args.push(format!("-H {}", command.render(&parts)));
    }

    if let Some(body) = &exchange.request_body {
        let form = exchange.request_headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("content-type")
                && v.to_ascii_lowercase()
                    .contains("application/x-www-form-urlencoded")
        });
        if form {
            command.form_body(body, &mut args);
        } else {
            let parts = command.unredact(body, "CXONE_REDACTED_VALUE");
            args.push(format!("--data-raw {}", command.render(&parts)));
        }
    }

    let url = if exchange.url.is_empty() {
        // Only a relative relay's health check has no URL of its own.
        vec![
            command.variable("CXONE_RELAY_ORIGIN"),
            Part::Lit("/healthz".into()),
        ]
    } else {
        command.unredact(&exchange.url, "CXONE_REDACTED_VALUE")
    };
    let url = command.render(&url);

    let mut out = String::new();
    if !command.variables.is_empty() {
        out.push_str("# Set these shell variables first: ");
        out.push_str(&command.variables.join(" "));
        out.push('\n');
    }
    if command.inlined {
        out.push_str("# This command holds a secret or token in clear: do not paste it into a ticket or chat.\n");
    }
    out.push_str("curl -i ");
    out.push_str(&url);
    for arg in args {
        out.push_str(" \\\n  ");
        out.push_str(&arg);
    }
    out.push('\n');
    out
}

/// A credential the command rebuilds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Credential {
    ClientId,
    ClientSecret,
    AccessKeySecret,
    AccessToken,
}

impl Credential {
    fn variable(self) -> &'static str {
        match self {
            Credential::ClientId => "CXONE_CLIENT_ID",
            Credential::ClientSecret => "CXONE_CLIENT_SECRET",
            Credential::AccessKeySecret => "CXONE_ACCESS_KEY_SECRET",
            Credential::AccessToken => "CXONE_ACCESS_TOKEN",
        }
    }
}

/// One piece of a shell word: literal text, or a variable's value.
enum Part {
    Lit(String),
    Var(String),
}

struct Command<'a> {
    secrets: Option<&'a CurlSecrets>,
    environment: Environment,
    /// The variables used, in order of first use.
    variables: Vec<String>,
    /// True once a real secret was written in.
    inlined: bool,
}

impl Command<'_> {
    /// A variable the person must set.
    fn variable(&mut self, name: &str) -> Part {
        if !self.variables.iter().any(|v| v == name) {
            self.variables.push(name.to_string());
        }
        Part::Var(name.to_string())
    }

    /// The real value of `credential` when the secrets are given and hold it, else its variable.
    fn secret(&mut self, credential: Credential) -> Part {
        let value = self.secrets.and_then(|s| match credential {
            Credential::ClientId => Some(s.client_id.as_str()),
            Credential::ClientSecret => Some(s.client_secret.as_str()),
            Credential::AccessKeySecret => Some(s.access_key_secret.as_str()),
            Credential::AccessToken => s
                .access_token
                .as_deref()
                .filter(|_| s.environment == self.environment),
        });
        match value.filter(|v| !v.is_empty()) {
            Some(value) => {
                if credential != Credential::ClientId {
                    self.inlined = true;
                }
                Part::Lit(value.to_string())
            }
            None => self.variable(credential.variable()),
        }
    }

    /// `text` with every redaction placeholder (plain or percent-encoded) turned into variable
    /// `name`, so that the placeholder is never sent as if it were the value.
    fn unredact(&mut self, text: &str, name: &str) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some((at, len)) = find_placeholder(rest) {
            if at > 0 {
                parts.push(Part::Lit(rest[..at].to_string()));
            }
            parts.push(self.variable(name));
            rest = &rest[at + len..];
        }
        if !rest.is_empty() || parts.is_empty() {
            parts.push(Part::Lit(rest.to_string()));
        }
        parts
    }

    /// A form-encoded body: plain parameters kept as sent (`--data-raw`), credentials rebuilt and
    /// sent with `--data-urlencode`, so a secret holding `&` or `+` still arrives intact.
    fn form_body(&mut self, body: &str, args: &mut Vec<String>) {
        let mut plain: Vec<&str> = Vec::new();
        let flush = |plain: &mut Vec<&str>, args: &mut Vec<String>| {
            if !plain.is_empty() {
                args.push(format!("--data-raw {}", shell_quote(&plain.join("&"))));
                plain.clear();
            }
        };
        for pair in body.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let credential = match crate::percent::decode(key).as_str() {
                "password" => Some(Credential::AccessKeySecret),
                "client_secret" => Some(Credential::ClientSecret),
                "access_token" => Some(Credential::AccessToken),
                "client_id" if find_placeholder(value).is_some() => Some(Credential::ClientId),
                _ => None,
            };
            let secret = match credential {
                Some(credential) => self.secret(credential),
                None if find_placeholder(value).is_some() || find_placeholder(key).is_some() => {
                    let name = format!("CXONE_{}", variable_name(&crate::percent::decode(key)));
                    self.variable(&name)
                }
                None => {
                    plain.push(pair);
                    continue;
                }
            };
            flush(&mut plain, args);
            let parts = vec![Part::Lit(format!("{key}=")), secret];
            args.push(format!("--data-urlencode {}", self.render(&parts)));
        }
        flush(&mut plain, args);
    }

    /// One shell word from `parts`: single-quoted when all literal; one double-quoted string
    /// (`"Authorization: Bearer $CXONE_ACCESS_TOKEN"`) when the literals hold nothing a double
    /// quote would expand; otherwise single-quoted literals joined with `"$VARIABLE"`s.
    fn render(&self, parts: &[Part]) -> String {
        if parts.iter().all(|p| matches!(p, Part::Lit(_))) {
            let text: String = parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) | Part::Var(s) => s.as_str(),
                })
                .collect();
            return shell_quote(&text);
        }
        let safe_in_double_quotes = parts.iter().all(|p| match p {
            Part::Lit(s) => s
                .chars()
                .all(|c| !matches!(c, '$' | '`' | '"' | '\\' | '!') && !c.is_control()),
            Part::Var(_) => true,
        });
        let mut out = String::new();
        if safe_in_double_quotes {
            out.push('"');
            for (i, part) in parts.iter().enumerate() {
                match part {
                    Part::Lit(s) => out.push_str(s),
                    Part::Var(name) => {
                        let glued = matches!(
                            parts.get(i + 1),
                            Some(Part::Lit(next)) if next.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                        );
                        if glued {
                            out.push_str(&format!("${{{name}}}"));
                        } else {
                            out.push_str(&format!("${name}"));
                        }
                    }
                }
            }
            out.push('"');
        } else {
            for part in parts {
                match part {
                    Part::Lit(s) if s.is_empty() => {}
                    Part::Lit(s) => out.push_str(&shell_quote(s)),
                    Part::Var(name) => out.push_str(&format!("\"${{{name}}}\"")),
                }
            }
        }
        out
    }
}

/// The first redaction placeholder in `text`, plain or percent-encoded: its start and length.
fn find_placeholder(text: &str) -> Option<(usize, usize)> {
    let encoded = crate::percent::encode(PLACEHOLDER);
    let plain = text.find(PLACEHOLDER).map(|at| (at, PLACEHOLDER.len()));
    let lower = text.to_ascii_lowercase();
    let percent = lower
        .find(&encoded.to_ascii_lowercase())
        .map(|at| (at, encoded.len()));
    match (plain, percent) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// A shell variable name from a header or parameter name: `X-Api-Key` → `X_API_KEY`.
fn variable_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// A flag's value: bare when it is a plain token, single-quoted otherwise.
fn word_arg(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric()) {
        text.to_string()
    } else {
        shell_quote(text)
    }
}
