//! What the guide's and the platform's simulated APIs share: the request's target after the
//! relay, the delays, the answers every API gives alike (JSON, 429, 405, a relay's errors), the
//! faults below the API, and the bookkeeping of token requests and calls.

use super::token;
use super::{Fault, Scenario, SimRequest, SimResponse, SimTenant};
use crate::inputs::Environment;
use crate::percent;
use serde_json::{json, Value};

/// How long each kind of call takes, in milliseconds: enough to look real in the demo, little
/// enough to keep tests and the HTTP server quick.
pub(super) const TOKEN_DELAY_MS: u64 = 120;
pub(super) const USER_DELAY_MS: u64 = 60;
pub(super) const STATE_DELAY_MS: u64 = 45;
pub(super) const LIST_DELAY_MS: u64 = 90;
pub(super) const HEALTH_DELAY_MS: u64 = 15;
pub(super) const NO_ANSWER_DELAY_MS: u64 = 30;

/// The nginx page a web server answers for a path it does not know.
pub(super) const NGINX_404: &str = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n";

/// The counted kinds of API call (for scenarios that answer differently on later tries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Counted {
    User,
    AgentState,
    StateList,
}

/// The request's target after unwrapping a relay: host, path and query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) host: String,
    pub(super) path: String,
    pub(super) query: String,
}

impl Target {
    /// The target of `request`, a relay unwrapped.
    pub(super) fn of(request: &SimRequest) -> Target {
        let url = unwrap_relay(request.url.trim());
        let (host, rest) = match url.split_once("://") {
            Some((_, after)) => {
                let end = after.find(['/', '?', '#']).unwrap_or(after.len());
                (host_of(&after[..end]), after[end..].to_string())
            }
            None => {
                let host = request
                    .header("x-forwarded-host")
                    .or_else(|| request.header("host"))
                    .map(|h| host_of(h.split(',').next().unwrap_or("")))
                    .unwrap_or_default();
                (host, url)
            }
        };
        let rest = rest.split('#').next().unwrap_or("");
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        Target {
            host,
            path: path.to_string(),
            query: query.to_string(),
        }
    }

    /// DevTest when the host contains `.devtest.`, Production otherwise.
    pub(super) fn environment(&self) -> Environment {
        if self.host.contains(".devtest.") {
            Environment::Devtest
        } else {
            Environment::Prod
        }
    }

    pub(super) fn query_param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| percent::decode(value))
        })
    }
}

/// A relay-wrapped URL's target: the `url` query parameter of a `{url}` template, or the
/// absolute URL that follows a prefix (`/relay/https://...`); the URL itself otherwise.
fn unwrap_relay(url: &str) -> String {
    if let Some((_, query)) = url.split_once('?') {
        for pair in query.split('&') {
            if let Some(value) = pair.strip_prefix("url=") {
                let decoded = percent::decode(value);
                if decoded.starts_with("http://") || decoded.starts_with("https://") {
                    return decoded;
                }
            }
        }
    }
    let inner = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| url.get(1..)?.find(scheme).map(|i| i + 1))
        .min();
    match inner {
        Some(i) => url[i..].to_string(),
        None => url.to_string(),
    }
}

/// The host of an authority (`user@host:port` → `host`), lowercased.
fn host_of(authority: &str) -> String {
    let authority = authority.trim();
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let host = if authority.starts_with('[') {
        authority.split(']').next().map(|h| format!("{h}]"))
    } else {
        authority.split(':').next().map(str::to_string)
    };
    host.unwrap_or_default().to_ascii_lowercase()
}

/// A JSON answer as the tenant sends it.
pub(super) fn json(status: u16, body: Value) -> SimResponse {
    SimResponse::new(status, body.to_string())
        .with_header("Content-Type", "application/json; charset=utf-8")
        .with_header("Cache-Control", "no-store")
}

/// 429 with `Retry-After: 1`.
pub(super) fn too_many() -> SimResponse {
    json(
        429,
        json!({"error": "too_many_requests", "message": "Too Many Requests: rate limit exceeded"}),
    )
    .with_header("Retry-After", "1")
}

/// 405 naming the method allowed.
pub(super) fn method_not_allowed(allowed: &str) -> SimResponse {
    json(
        405,
        json!({"error": "method_not_allowed", "message": format!("Use {allowed}")}),
    )
    .with_header("Allow", allowed)
}

/// cors-anywhere's answer when it cannot resolve the target's host (`fallback` when the request
/// names none). It sets no Content-Type on its own error text.
pub(super) fn proxy_error(target: &Target, fallback: &str) -> SimResponse {
    let host = if target.host.is_empty() {
        fallback
    } else {
        &target.host
    };
    SimResponse::new(
        404,
        format!("Not found because of proxy error: Error: getaddrinfo ENOTFOUND {host}"),
    )
    .with_header("Access-Control-Allow-Origin", "*")
    .with_delay(NO_ANSWER_DELAY_MS)
}

/// What happens below the API in scenarios about the path to it: the same for every call.
pub(super) fn transport(scenario: Scenario, target: &Target) -> Option<SimResponse> {
    match scenario {
        Scenario::CorsBlocked
        | Scenario::RelayUnreachable
        | Scenario::PlatformCorsBlocked
        | Scenario::PlatformRelayUnreachable => {
            Some(SimResponse::fault(Fault::NoAnswer, NO_ANSWER_DELAY_MS))
        }
        Scenario::RelayMisconfigured | Scenario::PlatformRelayMisconfigured => Some(
            SimResponse::new(404, NGINX_404)
                .with_header("Content-Type", "text/html")
                .with_header("Server", "nginx/1.24.0")
                .with_delay(HEALTH_DELAY_MS),
        ),
        Scenario::TenantUnreachable => Some(proxy_error(target, "demo.nicecxone.com")),
        _ => None,
    }
}

impl SimTenant {
    /// The Basic credentials of a token request, after what every token request meets first:
    /// the scenario they select is remembered (the relay probe may need it), its transport fault
    /// answers at once, and only `POST` is accepted. `Err` is the answer to give.
    pub(super) fn token_client(
        &mut self,
        request: &SimRequest,
        target: &Target,
    ) -> Result<Option<(String, String)>, SimResponse> {
        let client = request.header("authorization").and_then(token::basic);
        let scenario = client
            .as_ref()
            .and_then(|(id, _)| Scenario::from_client_id(id));
        if let Some(scenario) = scenario {
            self.latest = Some(scenario);
            if let Some(answer) = transport(scenario, target) {
                return Err(answer);
            }
        }
        if !request.method.eq_ignore_ascii_case("POST") {
            return Err(method_not_allowed("POST"));
        }
        Ok(client)
    }

    /// Counts this call in `scenario` and answers which try it is (1 for the first): scenarios
    /// such as "429 then success" answer differently on later tries.
    pub(super) fn count_call(&mut self, scenario: Scenario, counted: Counted) -> u64 {
        let calls = self.calls.entry((scenario, counted)).or_insert(0);
        *calls += 1;
        *calls
    }
}
