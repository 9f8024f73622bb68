//! Issue 9, relay side: relayed answers never become a page, the page's own headers, nginx-style
//! timeouts and caps, the origin allowlist, and the smaller holes. All on 127.0.0.1.

mod common;

use agent_state_doctor_relay::{Config, Limits, OriginList};
use common::*;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const ORIGIN: &str = "http://page.example";

/// Test-sized limits: 300 ms for a header, 300 ms for a body, 600 ms idle.
fn small_limits() -> Limits {
    Limits {
        header_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(600),
        ..Limits::default()
    }
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", response.headers()))
        .to_str()
        .unwrap()
}

fn assert_relay_path_headers(response: &reqwest::Response) {
    assert_eq!(header(response, "content-security-policy"), "sandbox");
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert_eq!(header(response, "content-disposition"), "attachment");
}

/// Reads until the relay closes the connection (or 5 s pass); the text read and when it closed.
async fn read_until_closed(stream: &mut TcpStream) -> (String, Instant) {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => all.extend_from_slice(&buf[..n]),
            Err(_) => panic!(
                "the connection stayed open: {}",
                String::from_utf8_lossy(&all)
            ),
        }
    }
    (String::from_utf8_lossy(&all).into_owned(), Instant::now())
}

async fn healthz_answers(addr: SocketAddr) {
    let response = client()
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

// 1. Relayed answers cannot become a page.

#[tokio::test]
async fn navigations_to_relay_paths_are_refused() {
    let up = upstream().await;
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    let path = format!("/relay/{}/api/v2/users/1", up.origin());
    for (name, value) in [
        ("sec-fetch-mode", "navigate"),
        ("sec-fetch-mode", "nested-navigate"),
        ("sec-fetch-dest", "document"),
        ("sec-fetch-dest", "iframe"),
        ("sec-fetch-dest", "frame"),
        ("sec-fetch-dest", "embed"),
        ("sec-fetch-dest", "object"),
    ] {
        for p in [
            path.clone(),
            format!("/{}/x", up.origin()),
            "/relay/".into(),
        ] {
            let response = client()
                .get(relay.url(&p))
                .header(name, value)
                .header("origin", ORIGIN)
                .send()
                .await
                .unwrap();
            assert_cors(response.headers(), ORIGIN);
            assert_relay_path_headers(&response);
            let (status, kind, _) = relay_error(response).await;
            assert_eq!(
                (status, kind.as_str()),
                (403, "navigation"),
                "{name}: {value}"
            );
        }
    }
    assert!(
        up.seen().is_empty(),
        "a navigation never reaches the target"
    );

    // The page's own fetch calls go through, and the answer still cannot become a document.
    let response = client()
        .get(relay.url(&path))
        .header("sec-fetch-mode", "cors")
        .header("sec-fetch-dest", "empty")
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_cors(response.headers(), ORIGIN);
    assert_relay_path_headers(&response);

    // The relay's own errors on relay paths too.
    let response = client()
        .get(relay.url("/relay/https://evil.example/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_relay_path_headers(&response);
    let response = client()
        .get(relay.url(&format!("/?url={}/x", up.origin())))
        .send()
        .await
        .unwrap();
    assert_relay_path_headers(&response);

    // /healthz is no relay path: a navigation to it is fine.
    let response = client()
        .get(relay.url("/healthz"))
        .header("sec-fetch-mode", "navigate")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

// 2. The page's own headers.

#[tokio::test]
async fn the_served_page_carries_its_security_headers() {
    let dir = temp_dir("page-headers");
    let script = "import init from './app.js';await init('./app_bg.wasm');";
    std::fs::write(
        dir.join("index.html"),
        format!("<!doctype html><head><script type=\"module\">{script}</script><script src=\"app.js\"></script></head>"),
    )
    .unwrap();
    std::fs::write(dir.join("app.js"), "export default async function () {}").unwrap();
    let mut cfg = config(&[]);
    cfg.serve_dir = Some(dir.clone());
    let relay = start_relay(cfg).await;

    let expected_hash = agent_state_doctor_relay::inline_script_hashes(
        format!("<script>{script}</script>").as_bytes(),
    )[0]
    .clone();
    let response = client().get(relay.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let csp = header(&response, "content-security-policy").to_string();
    for directive in [
        "default-src 'self'",
        &format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{expected_hash}'"),
        "connect-src 'self';",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header(&response, "x-frame-options"), "DENY");
    assert_eq!(
        header(&response, "cross-origin-opener-policy"),
        "same-origin"
    );
    assert_eq!(header(&response, "referrer-policy"), "no-referrer");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    let permissions = header(&response, "permissions-policy");
    for feature in [
        "camera=()",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
    ] {
        assert!(permissions.contains(feature), "{permissions}");
    }
    assert!(response.headers().get("content-disposition").is_none());

    // An absolute relay in config.json may be called too.
    std::fs::write(
        dir.join("config.json"),
        r#"{"relay": "https://relay.example:8443/?url={url}"}"#,
    )
    .unwrap();
    let response = client().get(relay.url("/index.html")).send().await.unwrap();
    let csp = header(&response, "content-security-policy");
    assert!(
        csp.contains("connect-src 'self' https://relay.example:8443;"),
        "{csp}"
    );
    std::fs::write(dir.join("config.json"), r#"{"relay": "/relay/"}"#).unwrap();
    let response = client().get(relay.url("/")).send().await.unwrap();
    assert!(header(&response, "content-security-policy").contains("connect-src 'self';"));
    let _ = std::fs::remove_dir_all(&dir);
}

// 3. Timeouts and caps.

#[tokio::test]
async fn slow_and_idle_connections_are_closed_while_healthz_answers() {
    let mut cfg = config(&["http://127.0.0.1:*"]);
    cfg.limits = small_limits();
    let relay = start_relay(cfg).await;

    // A header dribbled a line every 100 ms: closed 300 ms after the connection opened.
    let dribble_header = async {
        let mut stream = TcpStream::connect(relay.addr).await.unwrap();
        let start = Instant::now();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let mut closed_at = None;
        for i in 0..30 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if stream
                .write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())
                .await
                .is_err()
            {
                closed_at = Some(Instant::now());
                break;
            }
            let mut probe = [0u8; 64];
            if let Ok(Ok(0) | Err(_)) =
                tokio::time::timeout(Duration::from_millis(1), stream.read(&mut probe)).await
            {
                closed_at = Some(Instant::now());
                break;
            }
        }
        let elapsed = closed_at
            .expect("the slow header was let go on")
            .duration_since(start);
        assert!(
            elapsed >= Duration::from_millis(250) && elapsed < Duration::from_millis(1200),
            "slow header closed after {elapsed:?}"
        );
    };

    // A connection that never says anything: closed after the header timeout.
    let silent = async {
        let mut stream = TcpStream::connect(relay.addr).await.unwrap();
        let start = Instant::now();
        let (text, closed) = read_until_closed(&mut stream).await;
        let elapsed = closed.duration_since(start);
        assert!(text.is_empty(), "{text}");
        assert!(
            elapsed >= Duration::from_millis(250) && elapsed < Duration::from_millis(1200),
            "silent connection closed after {elapsed:?}"
        );
    };

    // A kept-alive connection after one answer: closed after the idle timeout (600 ms).
    let idle = async {
        let mut stream = TcpStream::connect(relay.addr).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 4096];
        let n = stream.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        let answered = Instant::now();
        let (_, closed) = read_until_closed(&mut stream).await;
        let elapsed = closed.duration_since(answered);
        assert!(
            elapsed >= Duration::from_millis(500) && elapsed < Duration::from_millis(1500),
            "idle connection closed after {elapsed:?}"
        );
    };

    // A body dribbled a byte every 100 ms: 408 after 300 ms, with CORS, and closed.
    let dribble_body = async {
        let mut stream = TcpStream::connect(relay.addr).await.unwrap();
        stream
            .write_all(
                b"POST /relay/http://127.0.0.1:9/oauth/token HTTP/1.1\r\nHost: x\r\n\
                  Origin: http://page.example\r\nContent-Length: 100\r\n\r\n",
            )
            .await
            .unwrap();
        let start = Instant::now();
        let writer = async {
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if stream.write_all(b"a").await.is_err() {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_millis(450), writer).await;
        let (text, closed) = read_until_closed(&mut stream).await;
        assert!(text.starts_with("HTTP/1.1 408"), "{text}");
        assert!(text.contains("x-relay-error: body-timeout"), "{text}");
        assert!(
            text.contains("access-control-allow-origin: http://page.example"),
            "{text}"
        );
        assert!(closed.duration_since(start) < Duration::from_millis(1500));
    };

    // Meanwhile /healthz keeps answering.
    let health = async {
        for _ in 0..8 {
            healthz_answers(relay.addr).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::join!(dribble_header, silent, idle, dribble_body, health);
}

#[tokio::test]
async fn connections_over_the_cap_get_503_with_cors() {
    let mut cfg = config(&[]);
    cfg.limits = Limits {
        max_connections: 2,
        header_timeout: Duration::from_secs(5),
        ..Limits::default()
    };
    let relay = start_relay(cfg).await;
    let held: Vec<TcpStream> = vec![
        TcpStream::connect(relay.addr).await.unwrap(),
        TcpStream::connect(relay.addr).await.unwrap(),
    ];
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = client()
        .get(relay.url("/healthz"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
    assert_eq!(header(&response, "retry-after"), "1");
    let (status, kind, _) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (503, "too-many-connections"));
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    healthz_answers(relay.addr).await;
}

#[tokio::test]
async fn header_limits_answer_with_cors_and_a_reason() {
    let mut cfg = config(&[]);
    cfg.limits = Limits {
        max_headers: 10,
        max_header_bytes: 2000,
        max_uri: 1000,
        ..Limits::default()
    };
    let relay = start_relay(cfg).await;
    let mut many = client().get(relay.url("/healthz")).header("origin", ORIGIN);
    for i in 0..12 {
        many = many.header(format!("x-extra-{i}"), "1");
    }
    let response = many.send().await.unwrap();
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, _) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (431, "headers-too-large"));

    let response = client()
        .get(relay.url("/healthz"))
        .header("origin", ORIGIN)
        .header("x-big", "b".repeat(3000))
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, _) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (431, "headers-too-large"));

    let response = client()
        .get(relay.url(&format!(
            "/relay/https://a.nicecxone.com/{}",
            "u".repeat(1200)
        )))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, _) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (414, "uri-too-long"));

    // Within the limits all is well.
    let response = client()
        .get(relay.url("/healthz"))
        .header("x-fine", "f".repeat(500))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn each_client_address_is_rate_limited() {
    let up = upstream().await;
    let mut cfg = config(&["http://127.0.0.1:*"]);
    cfg.limits = Limits {
        rate_per_second: 2.0,
        rate_burst: 3.0,
        ..Limits::default()
    };
    let relay = start_relay(cfg).await;
    let url = relay.url(&format!("/relay/{}/x", up.origin()));
    for _ in 0..3 {
        let response = client().get(&url).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let response = client()
        .get(&url)
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
    assert_eq!(header(&response, "retry-after"), "1");
    let (status, kind, _) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (429, "rate-limited"));
    // Health checks are not counted.
    healthz_answers(relay.addr).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(client().get(&url).send().await.unwrap().status(), 200);
    assert_eq!(up.seen().len(), 4);
}

// 4. The origin allowlist.

#[tokio::test]
async fn only_allowed_origins_may_call() {
    let up = upstream().await;
    let mut cfg = config(&["http://127.0.0.1:*"]);
    cfg.allow_origins = OriginList::defaults();
    let relay = start_relay(cfg).await;
    let path = format!("/relay/{}/x", up.origin());
    let own = format!("http://{}", relay.addr);
    for allowed in [own.as_str(), "null"] {
        let response = client()
            .get(relay.url(&path))
            .header("origin", allowed)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{allowed}");
        assert_cors(response.headers(), allowed);
    }
    let response = client().get(relay.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "no Origin: not a cross-origin call");

    for refused in [
        "https://evil.example",
        "http://127.0.0.1:1",
        "http://page.example",
    ] {
        let response = client()
            .post(relay.url(&path))
            .header("origin", refused)
            .body("x")
            .send()
            .await
            .unwrap();
        assert_cors(response.headers(), refused);
        let (status, kind, _) = relay_error(response).await;
        assert_eq!(
            (status, kind.as_str()),
            (403, "forbidden-origin"),
            "{refused}"
        );
    }
    assert_eq!(up.seen().len(), 3);

    // Preflights are answered (so the call can come and read its refusal), but the private
    // network grant goes to allowed origins only.
    for (origin, grant) in [("https://evil.example", false), (own.as_str(), true)] {
        let response = client()
            .request(reqwest::Method::OPTIONS, relay.url(&path))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-private-network", "true")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        assert_eq!(
            response
                .headers()
                .get("access-control-allow-private-network")
                .is_some(),
            grant,
            "{origin}"
        );
    }

    // Configured origins replace `null`; the page's own origin stays.
    let mut cfg = config(&["http://127.0.0.1:*"]);
    cfg.allow_origins = OriginList::parse(&["https://intranet.example"]).unwrap();
    let relay = start_relay(cfg).await;
    let own = format!("http://{}", relay.addr);
    for (origin, status) in [
        ("https://intranet.example", 200),
        (own.as_str(), 200),
        ("null", 403),
    ] {
        let response = client()
            .get(relay.url(&path))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{origin}");
    }
}

// 5. The smaller holes.

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("doctor-relay-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[cfg(unix)]
#[tokio::test]
async fn symbolic_links_into_hidden_files_are_not_served() {
    let dir = temp_dir("hidden-links");
    std::fs::write(dir.join("index.html"), "page").unwrap();
    std::fs::write(dir.join(".env"), "SECRET=env").unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git/config"), "[core] secret").unwrap();
    std::fs::create_dir_all(dir.join("sub/.hidden")).unwrap();
    std::fs::write(dir.join("sub/.hidden/file.js"), "hidden").unwrap();
    std::os::unix::fs::symlink(".env", dir.join("x")).unwrap();
    std::os::unix::fs::symlink(".git", dir.join("gitlink")).unwrap();
    std::os::unix::fs::symlink(".hidden/file.js", dir.join("sub/file.js")).unwrap();
    std::os::unix::fs::symlink("index.html", dir.join("alias.html")).unwrap();
    let mut cfg = config(&[]);
    cfg.serve_dir = Some(dir.clone());
    let relay = start_relay(cfg).await;
    for path in ["/x", "/gitlink/config", "/gitlink/", "/sub/file.js"] {
        let (status, text) = raw(relay.addr, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!text.contains("secret") && !text.contains("SECRET") && !text.contains("hidden"));
    }
    let (status, text) = raw(relay.addr, "/alias.html").await;
    assert_eq!(status, 200, "a link to a visible file inside still works");
    assert!(text.ends_with("page"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn folder_redirects_are_never_protocol_relative() {
    let dir = temp_dir("redirects");
    std::fs::create_dir_all(dir.join("evil.example")).unwrap();
    std::fs::write(dir.join("evil.example/index.html"), "x").unwrap();
    let mut cfg = config(&[]);
    cfg.serve_dir = Some(dir.clone());
    let relay = start_relay(cfg).await;
    for path in ["//evil.example", "///evil.example", "/evil.example"] {
        let (status, text) = raw(relay.addr, path).await;
        assert_eq!(status, 308, "{path}");
        let location = text
            .lines()
            .find_map(|l| l.strip_prefix("location: "))
            .unwrap_or_else(|| panic!("{text}"));
        assert_eq!(location, "/evil.example/", "{path}");
    }
    for path in ["/\\evil.example", "/%5Cevil.example", "/%2F%2Fevil.example"] {
        let (status, text) = raw(relay.addr, path).await;
        assert!(status == 404 || status == 308, "{path}: {status}");
        if let Some(location) = text.lines().find_map(|l| l.strip_prefix("location: ")) {
            assert!(
                !location.starts_with("//") && !location.starts_with("/\\"),
                "{location}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn bare_query_tokens_and_huge_methods_stay_out_of_the_log() {
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    for path in [
        "/healthz?BARE-TOKEN-1",
        "/relay/https://a.nicecxone.com/x?BARE-TOKEN-2&k=v",
        "/missing?x=1&BARE-TOKEN-3",
    ] {
        let _ = raw(relay.addr, path).await;
    }
    // Refused at the front door (an origin it does not take): the target is still written
    // without its user-info.
    let response = client()
        .get(relay.url("/relay/https://user:PASSWORD-IN-PATH@a.nicecxone.com/x?k=QUERY-VALUE"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let method = "M".repeat(10 * 1024);
    let mut stream = TcpStream::connect(relay.addr).await.unwrap();
    stream
        .write_all(
            format!("{method} /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let (text, _) = read_until_closed(&mut stream).await;
    assert!(
        text.starts_with("HTTP/1.1 405"),
        "{}",
        &text[..text.len().min(200)]
    );
    let logs = relay.logs();
    assert_eq!(logs.len(), 5, "{logs:#?}");
    for line in &logs {
        assert!(!line.contains("BARE-TOKEN"), "{line}");
        assert!(
            !line.contains("PASSWORD-IN-PATH") && !line.contains("QUERY-VALUE"),
            "{line}"
        );
        assert!(line.len() < 400, "a {}-byte log line", line.len());
    }
    assert!(logs[0].contains(" GET /healthz?* -> 200 "), "{}", logs[0]);
    assert!(
        logs[3].contains(" GET relay (target with user-info) -> 403 "),
        "{}",
        logs[3]
    );
    assert!(
        logs[4].contains(&format!(" {}... /healthz -> 405 ", "M".repeat(64))),
        "{}",
        logs[4]
    );
}

/// The limits, options and origins a config holds after `..Config::default()`.
#[test]
fn defaults_are_as_documented() {
    let config = Config::default();
    let l = &config.limits;
    assert_eq!(l.header_timeout, Duration::from_secs(10));
    assert_eq!(l.body_timeout, Duration::from_secs(10));
    assert_eq!(l.idle_timeout, Duration::from_secs(30));
    assert_eq!(l.max_connections, 512);
    assert_eq!(
        (l.max_headers, l.max_header_bytes, l.max_uri),
        (64, 16384, 8192)
    );
    assert_eq!((l.rate_per_second, l.rate_burst), (20.0, 200.0));
    assert_eq!(config.allow_origins, OriginList::defaults());
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for row in [
        "| `--header-timeout SECS` | `10` |",
        "| `--body-timeout SECS` | `10` |",
        "| `--idle-timeout SECS` | `30` |",
        "| `--max-connections N` | `512` |",
        "| `--max-headers N` | `64` |",
        "| `--max-header-bytes BYTES` | `16384` |",
        "| `--max-uri BYTES` | `8192` |",
        "| `--rate-limit N` | `20` |",
        "| `--rate-burst N` | `200` |",
        "| `--allow-origin ORIGIN` (repeatable) |",
    ] {
        assert!(readme.contains(row), "relay/README.md lacks the row {row}");
    }
}

/// Requests hyper's parser refuses by itself still get CORS headers and a reason.
#[tokio::test]
async fn parser_refusals_carry_cors_and_a_reason() {
    let relay = start_relay(config(&[])).await;
    let huge = "h".repeat(100 * 1024);
    for (request, status, kind) in [
        (
            "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n".to_string(),
            400,
            "bad-request",
        ),
        (
            "BAD\0 / HTTP/1.1\r\nHost: x\r\n\r\n".to_string(),
            400,
            "bad-request",
        ),
        (
            format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Huge: {huge}\r\n\r\n"),
            431,
            "headers-too-large",
        ),
    ] {
        let mut stream = TcpStream::connect(relay.addr).await.unwrap();
        let _ = stream.write_all(request.as_bytes()).await;
        let (text, _) = read_until_closed(&mut stream).await;
        assert!(text.starts_with(&format!("HTTP/1.1 {status} ")), "{text}");
        assert!(
            text.contains(&format!("x-relay-error: {kind}\r\n")),
            "{text}"
        );
        assert!(
            text.contains("access-control-allow-origin: *\r\n"),
            "{text}"
        );
        assert!(text.contains("access-control-expose-headers: "), "{text}");
        let body = text.split("\r\n\r\n").nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["relay_error"], kind);
    }
    healthz_answers(relay.addr).await;
}
