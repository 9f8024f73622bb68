//! The simulated tenant over HTTP (`sim-tenant`): every request is answered by the page crate's
//! pure simulation ([`agent_state_doctor::sim`]), after the answer's delay. For end-to-end tests
//! and demos, usually behind the relay started with `--upstream-override`.
//!
//! Like a real tenant it sends no CORS headers, unless `cors` is set (then it echoes the Origin
//! and answers preflights itself). A [`Fault::NoAnswer`] closes the connection without an answer.

use crate::log::{self, LogSink};
use agent_state_doctor::sim::{Fault, SimRequest, SimResponse, SimTenant};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest an answer is held back, whatever the simulation asks.
pub const MAX_DELAY: Duration = Duration::from_secs(30);
/// The largest request body read.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// How the simulated tenant serves.
#[derive(Clone, Debug)]
pub struct SimOptions {
    /// Echo the Origin in `Access-Control-Allow-Origin` and answer preflights (a tenant that
    /// allows CORS, which real ones do not).
    pub cors: bool,
    /// Where the per-request lines go (method, path, status; never headers or bodies).
    pub log: LogSink,
    /// Every answer takes this long instead of the simulation's own timings (preflights included,
    /// when `cors` answers them), except the slow scenario's: a flat network round trip, for the
    /// benchmark (`scripts/bench.sh`).
    pub delay: Option<Duration>,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            cors: false,
            log: LogSink::stderr(),
            delay: None,
        }
    }
}

/// The fault raised to make hyper drop a connection without answering.
#[derive(Debug)]
struct NoAnswer;

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the simulation gives no answer")
    }
}

impl std::error::Error for NoAnswer {}

/// Serves the simulation on `listener` until the task is dropped. One [`SimTenant`] answers every
/// connection, as one real tenant serves every client.
pub async fn serve(listener: tokio::net::TcpListener, options: SimOptions) -> std::io::Result<()> {
    let tenant = Arc::new(Mutex::new(SimTenant::new()));
    let options = Arc::new(options);
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Too many open files and the like: wait a little rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Small answers leave at once rather than waiting on Nagle's algorithm for an ACK.
        let _ = stream.set_nodelay(true);
        let tenant = Arc::clone(&tenant);
        let options = Arc::clone(&options);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                answer(Arc::clone(&tenant), Arc::clone(&options), request)
            });
            // A NoAnswer error ends the connection here, without a response.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    tenant: Arc<Mutex<SimTenant>>,
    options: Arc<SimOptions>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, NoAnswer> {
    let started = Instant::now();
    let method = request.method().clone();
    let what = log::describe_path(request.uri().path(), request.uri().query());
    let origin = request.headers().get(hyper::header::ORIGIN).cloned();
    let done = |status: u16| {
        options.log.write(&log::format_line(&log::Entry {
            method: method.as_str(),
            what: &format!("sim {what}"),
            status,
            elapsed_ms: started.elapsed().as_millis(),
            relay_error: None,
        }))
    };

    if options.cors && method == Method::OPTIONS {
        sleep_until(started + options.delay.unwrap_or_default()).await;
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::NO_CONTENT;
        add_cors(response.headers_mut(), origin);
        done(204);
        return Ok(response);
    }

    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            done(0);
            return Err(NoAnswer);
        }
    };
    let sim_request = sim_request(&parts.method, &parts.uri, &parts.headers, &body);
    let sim_response = tenant
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .answer(&sim_request);

    let own = Duration::from_millis(sim_response.delay_ms).min(MAX_DELAY);
    let delay = match options.delay {
        Some(flat) if sim_response.delay_ms < agent_state_doctor::sim::SLOW_DELAY_MS => flat,
        _ => own,
    };
    // Counted from the request's arrival: reading it and computing the answer are part of the
    // time the answer takes, not added to it.
    sleep_until(started + delay).await;
    if sim_response.fault == Some(Fault::NoAnswer) {
        done(0);
        return Err(NoAnswer);
    }
    let mut response = http_response(&sim_response);
    if options.cors {
        add_cors(response.headers_mut(), origin);
    }
    done(response.status().as_u16());
    Ok(response)
}

/// Waits until `deadline`, never returning before it and at most about 0.1 ms after it.
///
/// tokio's timer counts whole milliseconds and rounds every deadline up to the next one, and its
/// driver wakes on the next millisecond tick: a 50 ms sleep takes 50 to 52 ms. That would add up
/// to 2 ms to every answer `--delay-ms` is meant to hold for exactly its delay (the benchmark's
/// floor is rounds × delay). So tokio sleeps until 2 ms before the deadline and a blocking-pool
/// thread sleeps the rest (`std::thread::sleep`, the operating system's nanosecond timer).
async fn sleep_until(deadline: Instant) {
    const FINE: Duration = Duration::from_millis(2);
    if let Some(coarse) = deadline.checked_sub(FINE) {
        if coarse > Instant::now() {
            tokio::time::sleep_until(coarse.into()).await;
        }
    }
    let rest = deadline.saturating_duration_since(Instant::now());
    if !rest.is_zero() {
        let _ = tokio::task::spawn_blocking(move || std::thread::sleep(rest)).await;
    }
}

/// The simulation's view of an HTTP request. The URL is `X-Relay-Target` when the relay sent
/// one, else `https://<X-Forwarded-Host><path?query>` behind a relay, else
/// `http://<Host><path?query>`.
pub fn sim_request(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> SimRequest {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let url = if let Some(target) = header("x-relay-target") {
        target.to_string()
    } else if let Some(host) = header("x-forwarded-host") {
        let scheme = header("x-forwarded-proto").unwrap_or("https");
        format!("{scheme}://{host}{path_and_query}")
    } else if let Some(host) = header("host").or(uri.authority().map(|a| a.as_str())) {
        format!("http://{host}{path_and_query}")
    } else {
        path_and_query.to_string()
    };
    SimRequest {
        method: method.as_str().to_string(),
        url,
        headers: headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect(),
        body: if body.is_empty() && method != Method::POST {
            None
        } else {
            Some(String::from_utf8_lossy(body).into_owned())
        },
    }
}

/// The simulation's answer as HTTP. Headers that are not valid HTTP are left out.
pub fn http_response(answer: &SimResponse) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(answer.body.clone())));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in &answer.headers {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) else {
            continue;
        };
        // hyper computes the length itself.
        if name != hyper::header::CONTENT_LENGTH {
            response.headers_mut().append(name, value);
        }
    }
    response
}

fn add_cors(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    headers.insert(
        hyper::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        origin.unwrap_or(HeaderValue::from_static("*")),
    );
    headers.insert(
        hyper::header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    headers.insert(
        hyper::header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Authorization, Content-Type, Accept"),
    );
    headers.insert(
        hyper::header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Retry-After"),
    );
    headers.append(hyper::header::VARY, HeaderValue::from_static("Origin"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[(&str, &str)]) -> HeaderMap {
        list.iter()
            .map(|(n, v)| {
                (
                    HeaderName::from_bytes(n.as_bytes()).unwrap(),
                    HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn urls_come_from_the_relay_headers_or_host() {
        let uri: Uri = "/api/v2/x?a=1".parse().unwrap();
        let r = sim_request(
            &Method::GET,
            &uri,
            &headers(&[("host", "127.0.0.1:9000")]),
            b"",
        );
        assert_eq!(r.url, "http://127.0.0.1:9000/api/v2/x?a=1");
        assert_eq!(r.body, None);
        let r = sim_request(
            &Method::GET,
            &uri,
            &headers(&[
                ("host", "127.0.0.1:9000"),
                ("x-forwarded-host", "acme.devtest.nicecxone.com"),
            ]),
            b"",
        );
        assert_eq!(r.url, "https://acme.devtest.nicecxone.com/api/v2/x?a=1");
        let r = sim_request(
            &Method::POST,
            &uri,
            &headers(&[
                ("x-forwarded-host", "acme.nicecxone.com"),
                ("x-relay-target", "https://acme.nicecxone.com/api/v2/x?a=1"),
            ]),
            b"grant_type=password",
        );
        assert_eq!(r.url, "https://acme.nicecxone.com/api/v2/x?a=1");
        assert_eq!(r.body.as_deref(), Some("grant_type=password"));
        assert_eq!(r.header("X-Forwarded-Host"), Some("acme.nicecxone.com"));
    }

    #[test]
    fn answers_become_http() {
        let answer = SimResponse::new(429, "{}")
            .with_header("Retry-After", "1")
            .with_header("Content-Length", "999")
            .with_header("bad header", "x");
        let response = http_response(&answer);
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "1");
        assert!(response.headers().get("content-length").is_none());
        assert_eq!(response.headers().len(), 1);
    }
}
