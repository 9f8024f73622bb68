//! Test helpers: a relay and a recording upstream, both in-process on 127.0.0.1.
#![allow(dead_code)]

use agent_state_doctor_relay::{Allowlist, Config, LogSink, OriginList};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A request the upstream received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A local upstream that records every request and answers by path:
/// - `/status/<code>`: that status, JSON body, `Retry-After: 7` for 429 and 503,
///   `WWW-Authenticate: Basic` for 401;
/// - `/slow`: answers after 3 s;
/// - `/big/<bytes>`: a body of that many bytes;
/// - `/redirect`: 302 to `https://login.example/`;
/// - anything else: 200 with a JSON body.
pub struct Upstream {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Upstream {
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

pub async fn upstream() -> Upstream {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .fallback(upstream_answer)
        .with_state(Arc::clone(&seen));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Upstream { addr, seen }
}

async fn upstream_answer(State(seen): State<Arc<Mutex<Vec<Seen>>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 10 << 20).await.unwrap();
    let path = parts.uri.path().to_string();
    seen.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        headers: parts.headers.clone(),
        body,
    });
    if let Some(code) = path.strip_prefix("/status/") {
        let status = StatusCode::from_u16(code.parse().unwrap()).unwrap();
        let mut response = (
            status,
            [("content-type", "application/json; charset=utf-8")],
            format!("{{\"status\":{code}}}"),
        )
            .into_response();
        if code == "429" || code == "503" {
            response
                .headers_mut()
                .insert("retry-after", "7".parse().unwrap());
        }
        if code == "401" {
            response
                .headers_mut()
                .insert("www-authenticate", "Basic realm=\"cxone\"".parse().unwrap());
        }
        response
            .headers_mut()
            .insert("set-cookie", "session=upstream".parse().unwrap());
        response
            .headers_mut()
            .insert("x-internal", "hidden".parse().unwrap());
        return response;
    }
    if path == "/slow" {
        tokio::time::sleep(Duration::from_secs(3)).await;
        return "late".into_response();
    }
    if let Some(n) = path.strip_prefix("/big/") {
        return vec![b'x'; n.parse().unwrap()].into_response();
    }
    if path == "/redirect" {
        return (
            StatusCode::FOUND,
            [("location", "https://login.example/")],
            "",
        )
            .into_response();
    }
    ([("content-type", "application/json")], r#"{"ok":true}"#).into_response()
}

/// A running relay.
pub struct Relay {
    pub addr: SocketAddr,
    pub logs: Arc<Mutex<Vec<String>>>,
}

impl Relay {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }
}

/// The pages the tests call from: taken by `config`, with the defaults (own origin, `null`).
pub const TEST_ORIGINS: [&str; 3] = ["http://page.example", "https://public.example", "null"];

/// A config allowing the given patterns, taking calls from `TEST_ORIGINS`, logging to memory.
pub fn config(allow: &[&str]) -> Config {
    Config {
        allow: Allowlist::parse(allow).unwrap(),
        allow_origins: OriginList::parse(&TEST_ORIGINS).unwrap(),
        log: LogSink::off(),
        ..Config::default()
    }
}

pub async fn start_relay(mut config: Config) -> Relay {
    let (sink, logs) = LogSink::memory();
    config.log = sink;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(agent_state_doctor_relay::serve(
        config,
        listener,
        std::future::pending(),
    ));
    Relay { addr, logs }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// A raw HTTP/1.1 exchange, for request targets a URL library would clean up. Returns the status
/// and the whole answer text.
pub async fn raw(addr: SocketAddr, request_line_target: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request =
        format!("GET {request_line_target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Asserts the CORS headers every answer carries.
pub fn assert_cors(headers: &reqwest::header::HeaderMap, origin: &str) {
    let get = |name: &str| {
        headers
            .get(name)
            .unwrap_or_else(|| panic!("missing {name} in {headers:?}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(get("access-control-allow-origin"), origin);
    assert_eq!(get("access-control-allow-methods"), "GET, POST, OPTIONS");
    assert_eq!(
        get("access-control-allow-headers"),
        "Authorization, Content-Type, Accept"
    );
    assert_eq!(
        get("access-control-expose-headers"),
        "Retry-After, X-Relay-Error, X-Relay-WWW-Authenticate, X-Relay-Location"
    );
    assert_eq!(get("access-control-max-age"), "600");
    assert_eq!(get("vary"), "Origin");
}

/// The `X-Relay-Error` header and the JSON body's `relay_error`, which must agree.
pub async fn relay_error(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let header = response
        .headers()
        .get("x-relay-error")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "relay errors are JSON"
    );
    let body: serde_json::Value = json_of(response).await;
    assert_eq!(body["relay_error"], header, "header and body agree");
    let detail = body["detail"].as_str().unwrap().to_string();
    assert!(!detail.is_empty());
    (status, header, detail)
}

/// The body as JSON.
pub async fn json_of(response: reqwest::Response) -> serde_json::Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}
