//! The reference CORS relay for Agent State Doctor.
//!
//! It forwards the page's calls to allowlisted CXone hosts only (never an open proxy), adds CORS
//! headers to every answer, reports why a tenant could not be reached in `X-Relay-Error`, bounds
//! body sizes and upstream time, logs one line per request without secrets, and can serve the
//! built page from a folder so page and relay share one origin.
//!
//! ```text
//! GET  /healthz, /relay/healthz            200 {"relay":"agent-state-doctor-relay","version":...}
//! ANY  /relay/https://host/path?query      relay, prefix style (also at the root: /https://...)
//! ANY  /relay/?url=<percent-encoded URL>   relay, {url} style (also at the root: /?url=...)
//! OPTIONS anything                         204 preflight
//! GET  anything else                       a file from --serve DIR, or 404
//! ```

pub mod allow;
mod forward;
pub mod log;
pub mod origin;
mod ratelimit;
mod server;
mod statics;
mod target;

#[cfg(feature = "sim")]
pub mod sim_server;

pub use allow::{Allowlist, Pattern};
pub use forward::{classify, UpstreamError};
pub use log::LogSink;
pub use origin::OriginList;
pub use server::ClientAddr;
pub use statics::{
    content_security_policy, inline_script_hashes, relay_origin, PERMISSIONS_POLICY,
};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use axum::middleware::Next;
use axum::Router;
use std::any::Any;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use target::{Route, TargetError};
use tower_http::catch_panic::CatchPanicLayer;
use url::Url;

/// The name `/healthz` answers with.
pub const RELAY_NAME: &str = "agent-state-doctor-relay";
/// This relay's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Everything the relay needs to know.
#[derive(Clone, Debug)]
pub struct Config {
    /// Targets that may be relayed.
    pub allow: Allowlist,
    /// A folder to serve static files from (the built page).
    pub serve_dir: Option<PathBuf>,
    /// The time limit for one upstream call, answer body included.
    pub upstream_timeout: Duration,
    /// The largest request body relayed (bytes); larger gets 413.
    pub max_body: usize,
    /// The largest upstream answer body passed back (bytes); larger gets 502.
    pub max_upstream_body: usize,
    /// FOR TESTS AND DEMOS ONLY: send every allowed call to this origin instead, keeping path and
    /// query, with the original host in `X-Forwarded-Host` and the target in `X-Relay-Target`.
    pub upstream_override: Option<Url>,
    /// Where the per-request log lines go.
    pub log: LogSink,
    /// The pages that may call the relay (the `Origin` header); others get 403.
    pub allow_origins: OriginList,
    /// Connection and request limits (timeouts, caps, rate).
    pub limits: Limits,
}

/// nginx-style limits on connections and requests.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// A new request's header must be complete within this (nginx `client_header_timeout`).
    pub header_timeout: Duration,
    /// A request body must be complete within this, else 408 (nginx `client_body_timeout`,
    /// counted for the whole body rather than between two reads, so dribbling does not help).
    pub body_timeout: Duration,
    /// A kept-alive connection may wait this long for its next request (`keepalive_timeout`).
    pub idle_timeout: Duration,
    /// Open connections at most; more are answered 503 and closed (`worker_connections`).
    pub max_connections: usize,
    /// Request header fields at most, else 431.
    pub max_headers: usize,
    /// Bytes of request header fields at most (names, values, separators), else 431.
    pub max_header_bytes: usize,
    /// Bytes of the request target (path and query) at most, else 414
    /// (`large_client_header_buffers`).
    pub max_uri: usize,
    /// Requests per second per client address (IPv6: per /64); 0 turns the limit off (`limit_req`).
    pub rate_per_second: f64,
    /// How many requests a client may make at once before the rate applies (`burst`).
    pub rate_burst: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: 512,
            max_headers: 64,
            max_header_bytes: 16 * 1024,
            max_uri: 8 * 1024,
            rate_per_second: 20.0,
            rate_burst: 200.0,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            allow: Allowlist::defaults(),
            serve_dir: None,
            upstream_timeout: Duration::from_secs(20),
            max_body: 64 * 1024,
            max_upstream_body: 1024 * 1024,
            upstream_override: None,
            log: LogSink::stderr(),
            allow_origins: OriginList::defaults(),
            limits: Limits::default(),
        }
    }
}

struct Shared {
    config: Config,
    client: reqwest::Client,
    limiter: ratelimit::RateLimiter,
}

/// What the log line says the request asked for, set by the handler on its answer.
#[derive(Clone)]
struct LogWhat(String);

/// The relay as an axum router: one handler for every path, inside a panic catcher, inside
/// the front door (`front`: limits, origins, CORS, security headers, the log line).
pub fn app(config: Config) -> Router {
    let client = forward::client(&config);
    let limiter =
        ratelimit::RateLimiter::new(config.limits.rate_per_second, config.limits.rate_burst);
    let shared = Arc::new(Shared {
        config,
        client,
        limiter,
    });
    Router::new()
        .fallback(handle)
        .layer(CatchPanicLayer::custom(panic_answer))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            front,
        ))
        .with_state(shared)
}

/// Serves the relay on `listener` until `shutdown` completes, then lets open requests finish.
pub async fn serve(
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = app(config.clone());
    server::serve(config, router, listener, shutdown).await
}

/// A handler that panicked: 500, and the relay goes on (the front door adds CORS and logs it).
fn panic_answer(_panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    relay_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the relay failed on this request (a bug); it keeps running",
    )
}

/// Which part of the relay a path belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Area {
    Health,
    /// `/relay/...`, `/https://...`, `/?url=...`: answers that hold a target's bytes.
    Relay,
    /// Everything else (static files, or 404).
    Other,
}

fn area(path: &str, query: Option<&str>) -> Area {
    match target::route(path, query) {
        Route::Health => Area::Health,
        Route::Relay(_) | Route::NoTarget => Area::Relay,
        Route::Other => Area::Other,
    }
}

/// The front door, around every request. Hand-written because the contract needs what no tower
/// layer does: the relay's own error answers (CORS + `X-Relay-Error`) for its limits, the origin
/// allowlist, per-path security headers, and one log line per request that holds no secret.
async fn front(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response<Body> {
    let started = Instant::now();
    let config = &shared.config;
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let area = area(&path, query.as_deref());
    let origin = request.headers().get(header::ORIGIN).cloned();
    let origin_allowed = origin.as_ref().is_none_or(|o| {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok());
        o.to_str()
            .is_ok_and(|o| config.allow_origins.allows(o, host))
    });
    let private_network = method == Method::OPTIONS
        && origin_allowed
        && request
            .headers()
            .contains_key("access-control-request-private-network");

    let (mut response, what) = match refusal(&shared, &request, area, origin_allowed) {
        Some(response) => (response, describe_request(&path, query.as_deref())),
        None => {
            let mut response = next.run(request).await;
            let what = response
                .extensions_mut()
                .remove::<LogWhat>()
                .map(|w| w.0)
                .unwrap_or_else(|| describe_request(&path, query.as_deref()));
            (response, what)
        }
    };

    let headers = response.headers_mut();
    add_cors(headers, origin, private_network);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if area == Area::Relay {
        // A relayed answer is the target's bytes on the page's origin: it must never become a
        // document there (sandboxed, no sniffing, downloaded rather than shown).
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox"),
        );
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment"),
        );
    }
    let relay_error = response
        .headers()
        .get("x-relay-error")
        .and_then(|v| v.to_str().ok());
    shared.config.log.write(&log::format_line(&log::Entry {
        method: method.as_str(),
        what: &what,
        status: response.status().as_u16(),
        elapsed_ms: started.elapsed().as_millis(),
        relay_error,
    }));
    response
}

/// What the log says a request asked for when the handler did not say (a refusal at the front
/// door, a panic): a relay target as `describe_target` writes it (no user-info, no query
/// values), never the raw path, where `https://user:password@host` could stand.
fn describe_request(path: &str, query: Option<&str>) -> String {
    match target::route(path, query) {
        Route::Relay(raw) => match target::parse_target(&raw) {
            Ok(url) => log::describe_target(&url),
            Err(TargetError::UserInfo) => "relay (target with user-info)".into(),
            Err(TargetError::Bad(_)) => "relay (unreadable target)".into(),
        },
        Route::NoTarget => log::describe_path("/relay/", query),
        Route::Health | Route::Other => log::describe_path(path, query),
    }
}

/// The relay's own refusals, checked before anything else runs.
fn refusal(
    shared: &Shared,
    request: &Request,
    area: Area,
    origin_allowed: bool,
) -> Option<Response<Body>> {
    let limits = &shared.config.limits;
    let target_len = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if target_len > limits.max_uri {
        return Some(relay_error(
            StatusCode::URI_TOO_LONG,
            "uri-too-long",
            &format!(
                "the request target is {target_len} bytes; the relay takes {} at most",
                limits.max_uri
            ),
        ));
    }
    let headers = request.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers.len() > limits.max_headers || header_bytes > limits.max_header_bytes {
        return Some(relay_error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers-too-large",
            &format!(
                "{} header fields, {header_bytes} bytes; the relay takes {} fields and {} bytes at most",
                headers.len(),
                limits.max_headers,
                limits.max_header_bytes
            ),
        ));
    }
    if area != Area::Health {
        if let Some(ClientAddr(peer)) = request.extensions().get::<ClientAddr>() {
            if let Err(wait) = shared.limiter.check(peer.ip(), Instant::now()) {
                let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
                let mut response = relay_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate-limited",
                    &format!(
                        "more than {} requests per second from this address; try again in {seconds} s",
                        limits.rate_per_second
                    ),
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                return Some(response);
            }
        }
    }
    // A preflight is answered even for a refused origin, so that the call itself can come and
    // be refused with a reason the page can read.
    if !origin_allowed && request.method() != Method::OPTIONS {
        return Some(relay_error(
            StatusCode::FORBIDDEN,
            "forbidden-origin",
            "this relay does not take calls from this page's origin (see --allow-origin)",
        ));
    }
    if area == Area::Relay && is_navigation(headers) {
        return Some(relay_error(
            StatusCode::FORBIDDEN,
            "navigation",
            "relayed answers are for the page's fetch calls only, never opened as a page",
        ));
    }
    None
}

/// Whether the browser is opening the address as a page or in a frame (Fetch Metadata).
fn is_navigation(headers: &HeaderMap) -> bool {
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
    };
    let mode = value("sec-fetch-mode");
    let dest = value("sec-fetch-dest");
    matches!(mode.as_deref(), Some("navigate" | "nested-navigate"))
        || matches!(
            dest.as_deref(),
            Some("document" | "iframe" | "frame" | "embed" | "object" | "fencedframe")
        )
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response<Body> {
    let (mut response, what) = dispatch(&shared, request).await;
    response.extensions_mut().insert(LogWhat(what));
    response
}

/// Answers the request; also returns what to write in the log line.
async fn dispatch(shared: &Shared, request: Request) -> (Response<Body>, String) {
    let config = &shared.config;
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let described = || log::describe_path(&path, query.as_deref());

    if request.method() == Method::OPTIONS {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        return (response, described());
    }

    #[cfg(test)]
    if path == "/__test/panic" {
        panic!("a test asked the relay to panic");
    }

    let raw_target = match target::route(&path, query.as_deref()) {
        Route::Health => return (health(request.method()), described()),
        Route::Other => {
            let response = match &config.serve_dir {
                Some(dir) => statics::serve(dir, request.method(), &path).await,
                None => relay_error(
                    StatusCode::NOT_FOUND,
                    "not-found",
                    "nothing here: relay with /relay/https://host/path or /relay/?url=<encoded URL>",
                ),
            };
            return (response, described());
        }
        Route::NoTarget => {
            let response = relay_error(
                StatusCode::BAD_REQUEST,
                "bad-target",
                "no target URL: use /relay/https://host/path or /relay/?url=<percent-encoded URL>",
            );
            return (response, described());
        }
        Route::Relay(raw) => raw,
    };

    let target = match target::parse_target(&raw_target) {
        Ok(url) => url,
        Err(TargetError::Bad(why)) => {
            let response = relay_error(
                StatusCode::BAD_REQUEST,
                "bad-target",
                &format!("the target is not an http(s) URL: {why}"),
            );
            return (response, "relay (unreadable target)".into());
        }
        Err(TargetError::UserInfo) => {
            let response = relay_error(
                StatusCode::FORBIDDEN,
                "forbidden-host",
                "a target URL with user name or password (user@host) is never relayed",
            );
            return (response, "relay (target with user-info)".into());
        }
    };
    let what = log::describe_target(&target);

    if !config.allow.allows(&target) {
        let response = relay_error(
            StatusCode::FORBIDDEN,
            "forbidden-host",
            &format!(
                "{}://{} is not on this relay's allowlist ({})",
                target.scheme(),
                host_port(&target),
                config.allow
            ),
        );
        return (response, what);
    }

    let method = request.method().clone();
    if method != Method::GET && method != Method::POST {
        let mut response = relay_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "the relay forwards GET and POST only",
        );
        response.headers_mut().insert(
            header::ALLOW,
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        return (response, what);
    }

    let (parts, body) = request.into_parts();
    let read = read_body(body, &parts.headers, config.max_body);
    let body = match tokio::time::timeout(config.limits.body_timeout, read).await {
        Ok(Ok(body)) => body,
        Ok(Err(response)) => return (response, what),
        Err(_) => return (body_timeout(config.limits.body_timeout), what),
    };
    let response = forward::forward(
        config,
        &shared.client,
        method,
        &parts.headers,
        body,
        &target,
    )
    .await;
    (response, what)
}

async fn read_body(body: Body, headers: &HeaderMap, max: usize) -> Result<Bytes, Response<Body>> {
    let too_large = || {
        relay_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            &format!("the request body is larger than the relay's limit of {max} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    // A body that ends early or breaks off has no one left to answer; 413 covers the limit.
    axum::body::to_bytes(body, max)
        .await
        .map_err(|_| too_large())
}

/// A body that did not arrive in time: 408, and the connection is closed (its rest is unread).
fn body_timeout(limit: Duration) -> Response<Body> {
    let mut response = relay_error(
        StatusCode::REQUEST_TIMEOUT,
        "body-timeout",
        &format!(
            "the request body did not arrive within {} s",
            limit.as_secs_f64()
        ),
    );
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

fn health(method: &Method) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        return relay_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "/healthz answers GET",
        );
    }
    let body = serde_json::json!({ "relay": RELAY_NAME, "version": VERSION }).to_string();
    own_json(method, body, "no-store")
}

/// A small JSON answer of the relay's own (no body for HEAD).
pub(crate) fn own_json(method: &Method, body: String, cache: &'static str) -> Response<Body> {
    let mut response = Response::new(if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(body)
    });
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// An answer from the relay itself: `X-Relay-Error: <kind>` and
/// `{"relay_error": "<kind>", "detail": "..."}`.
pub(crate) fn relay_error(status: StatusCode, kind: &'static str, detail: &str) -> Response<Body> {
    let body = serde_json::json!({ "relay_error": kind, "detail": detail }).to_string();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-relay-error", HeaderValue::from_static(kind));
    response
}

/// CORS on every answer. The request's Origin is echoed (no credentials are ever allowed, so
/// this grants nothing `*` would not), `*` without one.
pub(crate) fn add_cors(
    headers: &mut HeaderMap,
    origin: Option<HeaderValue>,
    private_network: bool,
) {
    let origin = origin
        .filter(|o| !o.is_empty())
        .unwrap_or(HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Authorization, Content-Type, Accept"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(
            "Retry-After, X-Relay-Error, X-Relay-WWW-Authenticate, X-Relay-Location",
        ),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if private_network {
        // Chrome asks before a public page may call a relay on localhost or the LAN.
        headers.insert(
            "access-control-allow-private-network",
            HeaderValue::from_static("true"),
        );
    }
}

fn host_port(url: &Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A handler that panics answers 500 with CORS headers, and the relay keeps answering.
    #[tokio::test]
    async fn a_panic_is_a_500_and_the_relay_goes_on() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (sink, lines) = LogSink::memory();
        let config = Config {
            log: sink,
            allow_origins: OriginList::parse(&["http://page.example"]).unwrap(),
            ..Config::default()
        };
        tokio::spawn(serve(config, listener, std::future::pending()));
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        for _ in 0..3 {
            let response = client
                .get(format!("http://{addr}/__test/panic"))
                .header("origin", "http://page.example")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 500);
            let headers = response.headers();
            assert_eq!(
                headers["access-control-allow-origin"],
                "http://page.example"
            );
            assert_eq!(headers["x-relay-error"], "internal");
            assert_eq!(headers["content-type"], "application/json");
            let body: serde_json::Value =
                serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
            assert_eq!(body["relay_error"], "internal");
        }
        let response = client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let lines = lines.lock().unwrap().clone();
        assert_eq!(lines.len(), 4, "{lines:#?}");
        assert!(
            lines[0].contains("GET /__test/panic -> 500 in "),
            "{}",
            lines[0]
        );
        assert!(lines[0].ends_with("[internal]"), "{}", lines[0]);
    }
}
