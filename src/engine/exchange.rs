//! What goes out ([`Request`]), what comes back ([`Answer`]), and the evidence kept of both
//! ([`Exchange`], redacted).

use crate::inputs::Environment;
use crate::profile::Method;
use std::fmt;

/// Identifies one request of one diagnosis; hand it back with its answer to
/// [`Diagnosis::receive`](super::Diagnosis::receive).
pub type RequestId = u32;

/// What a request is for. The transport needs to tell [`RequestKind::RelayHealth`] apart: its URL
/// is the relay's own, which only the transport can compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// `GET <relay origin>/healthz`, sent as is (never wrapped in the relay template).
    RelayHealth,
    /// The token request (client credentials; the platform's `password` grant with an access key).
    Token,
    /// Platform: `GET {issuer}/.well-known/cxone-configuration?tenantId=...`, to find the API host.
    Discovery,
    /// Platform: `GET {issuer}/.well-known/openid-configuration`, for `token_endpoint`, asked only
    /// after the token endpoint answered 404.
    OpenId,
    /// The user lookup.
    User,
    /// Platform: a page of the Admin agent list (`agents?fields=...&top=&skip=`), matched
    /// locally by `userID` to map the user to their agent ID.
    AgentLookup,
    /// The agent's own state endpoint.
    AgentState,
    /// The all-agents state list.
    StateList,
}

/// One HTTP request the engine wants sent.
///
/// The transport sends every request of one [`Step::Send`](super::Step::Send) batch in parallel,
/// waits `delay_ms` before sending (to honour `Retry-After`), gives up after `timeout_ms`
/// (answering [`Answer::TimedOut`]), and wraps `url` in the relay template itself.
/// The headers hold real credentials: never log a `Request` except through its `Debug`, which
/// redacts them.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// Hand this back with the answer.
    pub id: RequestId,
    /// What the request is for.
    pub kind: RequestKind,
    /// The environment whose host is called.
    pub environment: Environment,
    /// 1 for the first try, 2 and 3 for retries after a 429.
    pub attempt: u32,
    /// The method.
    pub method: Method,
    /// The API URL (not relay-wrapped). For [`RequestKind::RelayHealth`] it is
    /// `<relay origin>/healthz` when the relay template is absolute and empty when it is relative:
    /// the transport computes that URL itself from the page's address in any case.
    pub url: String,
    /// Headers to send, credentials included.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<String>,
    /// The time limit for this request, in milliseconds.
    pub timeout_ms: u64,
    /// How long to wait before sending, in milliseconds (0 except for retries).
    pub delay_ms: u64,
}

impl Request {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), super::redact::authorization_value(n, v)))
            .collect();
        f.debug_struct("Request")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("environment", &self.environment)
            .field("attempt", &self.attempt)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(|_| "<body>"))
            .field("timeout_ms", &self.timeout_ms)
            .field("delay_ms", &self.delay_ms)
            .finish()
    }
}

/// What the transport got for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// An HTTP answer, whatever its status.
    Response(Response),
    /// No answer at all: `fetch` rejected (CORS, DNS, network, a relay that is down).
    NoAnswer {
        /// The browser's message (e.g. `TypeError: Failed to fetch`).
        message: String,
        /// Time until the failure, in milliseconds.
        elapsed_ms: u64,
    },
    /// The time limit passed without an answer.
    TimedOut {
        /// Time waited, in milliseconds.
        elapsed_ms: u64,
    },
}

impl Answer {
    /// Time the request took, in milliseconds.
    pub fn elapsed_ms(&self) -> u64 {
        match self {
            Answer::Response(r) => r.elapsed_ms,
            Answer::NoAnswer { elapsed_ms, .. } | Answer::TimedOut { elapsed_ms } => *elapsed_ms,
        }
    }

    /// The HTTP answer, if there was one.
    pub fn response(&self) -> Option<&Response> {
        match self {
            Answer::Response(r) => Some(r),
            _ => None,
        }
    }
}

/// An HTTP answer as the transport saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The response headers the transport could read (names in any case).
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
    /// Time from sending to the complete body, in milliseconds.
    pub elapsed_ms: u64,
}

impl Response {
    /// An answer with `status` and `body` and no headers.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
            elapsed_ms: 0,
        }
    }

    /// The same answer with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The same answer with its elapsed time set.
    pub fn with_elapsed(mut self, elapsed_ms: u64) -> Self {
        self.elapsed_ms = elapsed_ms;
        self
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The media type of `Content-Type`, lowercased, parameters dropped (`application/json`).
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The evidence of one request and its answer, as the tree shows it. Everything here is redacted:
/// `Authorization` values keep only their scheme (`Bearer <redacted>`), and the client secret and
/// every token seen are replaced by `<redacted>` wherever they appear.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Exchange {
    /// The request's ID in this diagnosis.
    pub request_id: RequestId,
    /// What the request was for.
    pub kind: RequestKind,
    /// The environment whose host was called.
    pub environment: Environment,
    /// 1 for the first try, more for retries after a 429.
    pub attempt: u32,
    /// `GET` or `POST`.
    pub method: String,
    /// The API URL (not relay-wrapped).
    pub url: String,
    /// Request headers, redacted.
    pub request_headers: Vec<(String, String)>,
    /// Request body, redacted.
    pub request_body: Option<String>,
    /// The wait before sending, in milliseconds (honouring `Retry-After`).
    pub delay_ms: u64,
    /// The HTTP status; `None` while in flight or when there was no HTTP answer.
    pub status: Option<u16>,
    /// Why there was no HTTP answer (`no answer: ...`, `timed out after ...`), if so.
    pub error: Option<String>,
    /// Time taken, in milliseconds; `None` while in flight.
    pub elapsed_ms: Option<u64>,
    /// Response headers, redacted.
    pub response_headers: Vec<(String, String)>,
    /// Response body, redacted, at most 64 KB; a cut is marked at the end.
    pub response_body: Option<String>,
    /// The response body's full size in bytes.
    pub response_bytes: usize,
    /// True when the body shown was cut at 64 KB.
    pub response_truncated: bool,
    /// The claims (decoded payload) of each JWT in the answer's token fields (`access_token`,
    /// `id_token`, ...), by field name: evidence, and what a replay needs. Never the token itself
    /// nor its signature; secrets inside are redacted like everywhere else.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_claims: Vec<(String, serde_json::Value)>,
}

impl Exchange {
    /// True while the request is out and unanswered.
    pub fn in_flight(&self) -> bool {
        self.elapsed_ms.is_none()
    }
}
