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
mod statics;
mod target;

#[cfg(feature = "sim")]
pub mod sim_server;

pub use allow::{Allowlist, Pattern};
pub use forward::{classify, UpstreamError};
pub use log::LogSink;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use axum::Router;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use target::{Route, TargetError};
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
        }
    }
}

struct Shared {
    config: Config,
    client: reqwest::Client,
}

/// The relay as an axum router (every path goes through one handler).
pub fn app(config: Config) -> Router {
    let client = forward::client(&config);
    Router::new()
        .fallback(handle)
        .with_state(Arc::new(Shared { config, client }))
}

/// Serves the relay on `listener` until `shutdown` completes, then lets open requests finish.
pub async fn serve(
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(config))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response<Body> {
    let started = Instant::now();
    let origin = request.headers().get(header::ORIGIN).cloned();
    let private_network = request
        .headers()
        .contains_key("access-control-request-private-network");
    let method = request.method().clone();
    let (mut response, what) = dispatch(&shared, request).await;
    add_cors(
        response.headers_mut(),
        origin,
        method == Method::OPTIONS && private_network,
    );
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
    let body = match read_body(body, &parts.headers, config.max_body).await {
        Ok(body) => body,
        Err(response) => return (response, what),
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
fn add_cors(headers: &mut HeaderMap, origin: Option<HeaderValue>, private_network: bool) {
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
