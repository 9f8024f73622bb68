//! The relay against a local upstream, all on 127.0.0.1.

mod common;

use common::*;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use std::time::{Duration, Instant};

const ORIGIN: &str = "http://page.example";

fn encode(url: &str) -> String {
    utf8_percent_encode(url, NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn healthz_names_the_relay_with_cors() {
    let relay = start_relay(config(&[])).await;
    for path in ["/healthz", "/relay/healthz"] {
        let response = client().get(relay.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_cors(response.headers(), "*");
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: serde_json::Value = json_of(response).await;
        assert_eq!(body["relay"], "agent-state-doctor-relay");
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    }
    let response = client()
        .get(relay.url("/healthz"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
}

#[tokio::test]
async fn forwards_method_body_and_only_three_headers() {
    let up = upstream().await;
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    let target = format!("{}/oauth/token?x=1&y=a%20b", up.origin());
    let response = client()
        .post(relay.url(&format!("/relay/{target}")))
        .header("authorization", "Basic ZGVtbzpzZWNyZXQ=")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("cookie", "session=page")
        .header("origin", ORIGIN)
        .header("referer", "http://page.example/index.html")
        .header("x-custom", "nope")
        .body("grant_type=password&username=u")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_cors(response.headers(), ORIGIN);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.text().await.unwrap(), r#"{"ok":true}"#);

    let seen = up.seen();
    assert_eq!(seen.len(), 1);
    let call = &seen[0];
    assert_eq!(call.method, "POST");
    assert_eq!(call.path_and_query, "/oauth/token?x=1&y=a%20b");
    assert_eq!(&call.body[..], b"grant_type=password&username=u");
    assert_eq!(call.headers["authorization"], "Basic ZGVtbzpzZWNyZXQ=");
    assert_eq!(
        call.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(call.headers["accept"], "application/json");
    for name in [
        "cookie",
        "origin",
        "referer",
        "x-custom",
        "x-forwarded-host",
        "x-relay-target",
    ] {
        assert!(
            call.headers.get(name).is_none(),
            "{name} must not be forwarded"
        );
    }
    let names: Vec<&str> = call.headers.keys().map(|k| k.as_str()).collect();
    for name in &names {
        assert!(
            [
                "authorization",
                "content-type",
                "accept",
                "user-agent",
                "host",
                "content-length"
            ]
            .contains(name),
            "unexpected header {name} forwarded: {names:?}"
        );
    }

    // GET goes as GET, without a body.
    let response = client()
        .get(relay.url(&format!("/relay/{}/agents", up.origin())))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let seen = up.seen();
    assert_eq!(seen[1].method, "GET");
    assert!(seen[1].body.is_empty());
}

#[tokio::test]
async fn passes_back_status_and_exposes_retry_after() {
    let up = upstream().await;
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    for code in [429u16, 401, 403, 404, 500, 503] {
        let response = client()
            .get(relay.url(&format!("/relay/{}/status/{code}", up.origin())))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), code);
        assert_cors(response.headers(), ORIGIN);
        assert!(response.headers().get("x-relay-error").is_none());
        assert_eq!(
            response.headers()["content-type"],
            "application/json; charset=utf-8"
        );
        assert!(response.headers().get("set-cookie").is_none());
        assert!(response.headers().get("x-internal").is_none());
        if code == 429 || code == 503 {
            assert_eq!(response.headers()["retry-after"], "7");
        }
        if code == 401 {
            // As is, it would open the browser's own sign-in dialog and hang the page's call.
            assert!(response.headers().get("www-authenticate").is_none());
            assert_eq!(
                response.headers()["x-relay-www-authenticate"],
                "Basic realm=\"cxone\""
            );
        }
        assert_eq!(
            response.text().await.unwrap(),
            format!("{{\"status\":{code}}}")
        );
    }
}

#[tokio::test]
async fn both_template_styles_under_relay_and_at_the_root() {
    let up = upstream().await;
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    let target = format!("{}/api/v2/users?q=a%26b&top=1", up.origin());
    let collapsed = target.replacen("http://", "http:/", 1);
    let paths = [
        format!("/relay/{target}"),
        format!("/{target}"),
        format!("/relay/?url={}", encode(&target)),
        format!("/?url={}", encode(&target)),
        format!("/relay?url={}", encode(&target)),
        format!("/relay/{collapsed}"),
        format!("/relay/{}", encode(&target)),
    ];
    for path in &paths {
        let response = client().get(relay.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    let seen = up.seen();
    assert_eq!(seen.len(), paths.len());
    for call in seen {
        assert_eq!(call.path_and_query, "/api/v2/users?q=a%26b&top=1");
    }
    // Through a raw request line too, where nothing cleans up the doubled or merged slashes.
    let (status, _) = raw(relay.addr, &format!("/relay/{collapsed}")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn preflights_are_answered_by_the_relay() {
    let up = upstream().await;
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    for path in [
        format!("/relay/{}/oauth/token", up.origin()),
        "/relay/https://evil.com/".to_string(),
        "/healthz".to_string(),
    ] {
        let response = client()
            .request(reqwest::Method::OPTIONS, relay.url(&path))
            .header("origin", ORIGIN)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        assert_cors(response.headers(), ORIGIN);
        assert!(response
            .headers()
            .get("access-control-allow-private-network")
            .is_none());
    }
    let response = client()
        .request(
            reqwest::Method::OPTIONS,
            relay.url("/relay/https://a.nicecxone.com/"),
        )
        .header("origin", "https://public.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-private-network", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(
        response.headers()["access-control-allow-private-network"],
        "true"
    );
    assert!(up.seen().is_empty(), "a preflight never reaches the target");
}

#[tokio::test]
async fn hosts_off_the_allowlist_are_refused_and_it_is_no_open_proxy() {
    // Every allowed call would land on the upstream: a trick that got through would show there.
    let up = upstream().await;
    let mut cfg = config(&[]);
    cfg.upstream_override = Some(up.origin().parse().unwrap());
    let relay = start_relay(cfg).await;

    let refused = [
        "https://evil.com/",
        "https://nicecxone.com.evil.com/oauth/token",
        "https://evilnicecxone.com/",
        "https://nicecxone.com/",
        "https://acme.nicecxone.com@evil.com/",
        "https://evil.com@acme.nicecxone.com/",
        "https://user:pw@acme.nicecxone.com/",
        "https://evil.com#.nicecxone.com",
        "https://evil.com?.nicecxone.com",
        "https://evil.com/.nicecxone.com",
        "https://evil.com\\.nicecxone.com/",
        "https://acme.nicecxone.com.:443/",
        "http://acme.nicecxone.com/",
        "https://acme.nicecxone.com:8443/",
        "https://127.0.0.1/",
        "https://[::1]/",
        "https://2130706433/",
        &format!("{}/", up.origin()),
    ];
    for target in refused {
        let response = client()
            .get(relay.url(&format!("/relay/?url={}", encode(target))))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert_cors(response.headers(), ORIGIN);
        let (status, kind, detail) = relay_error(response).await;
        assert_eq!(
            (status, kind.as_str()),
            (403, "forbidden-host"),
            "{target}: {detail}"
        );
    }
    // The prefix style, where the browser's URL parser or a raw request line carries the trick.
    for path in [
        "/relay/https://evil.com/",
        "/relay/https://nicecxone.com.evil.com/",
        "/relay/https://acme.nicecxone.com@evil.com/",
        "/https://acme.nicecxone.com@evil.com/",
        "/relay/https:/evil.com/x",
        "/relay/https://evil.com/?.nicecxone.com",
        "/relay/https%3A%2F%2Fevil.com%2F",
    ] {
        let response = client().get(relay.url(path)).send().await.unwrap();
        let (status, kind, _) = relay_error(response).await;
        assert_eq!((status, kind.as_str()), (403, "forbidden-host"), "{path}");
        let (status, text) = raw(relay.addr, path).await;
        assert_eq!(status, 403, "{path}");
        assert!(text.contains("x-relay-error: forbidden-host"));
    }
    let (status, _) = raw(relay.addr, "/relay/https://evil.com#.nicecxone.com").await;
    assert!(status == 403 || status == 400, "raw fragment: {status}");
    // Not http(s) at all.
    for path in [
        format!("/relay/?url={}", encode("file:///etc/passwd")),
        format!("/relay/?url={}", encode("gopher://acme.nicecxone.com/")),
        "/relay/".to_string(),
        "/relay/ftp://acme.nicecxone.com/".to_string(),
    ] {
        let response = client().get(relay.url(&path)).send().await.unwrap();
        let (status, kind, _) = relay_error(response).await;
        assert_eq!((status, kind.as_str()), (400, "bad-target"), "{path}");
    }
    assert!(
        up.seen().is_empty(),
        "nothing may reach the target: {:?}",
        up.seen()
    );

    // And the allowed tenants do get through.
    for target in [
        "https://acme.nicecxone.com/x",
        "https://acme.devtest.nicecxone.com/x",
        "https://api-c7.niceincontact.com/x",
        "https://home-c7.nice-incontact.com/x",
    ] {
        let response = client()
            .get(relay.url(&format!("/relay/{target}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{target}");
    }
    assert_eq!(up.seen().len(), 4);
}

#[tokio::test]
async fn allowlist_patterns_name_scheme_and_port() {
    let up = upstream().await;
    let relay = start_relay(config(&[&format!("http://127.0.0.1:{}", up.addr.port())])).await;
    let ok = client()
        .get(relay.url(&format!("/relay/http://127.0.0.1:{}/x", up.addr.port())))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    for target in [
        format!("http://localhost:{}/x", up.addr.port()),
        format!("http://127.0.0.1:{}/x", up.addr.port() ^ 1),
        format!("https://127.0.0.1:{}/x", up.addr.port()),
        "https://acme.nicecxone.com/x".to_string(),
    ] {
        let response = client()
            .get(relay.url(&format!("/relay/{target}")))
            .send()
            .await
            .unwrap();
        let (status, kind, _) = relay_error(response).await;
        assert_eq!((status, kind.as_str()), (403, "forbidden-host"), "{target}");
    }
    assert_eq!(up.seen().len(), 1);
}

#[tokio::test]
async fn unknown_host_is_a_dns_error() {
    let relay = start_relay(config(&["https://*.relay-test.invalid"])).await;
    let response = client()
        .get(relay.url("/relay/https://tenant.relay-test.invalid/oauth/token"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, detail) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (502, "dns"), "{detail}");
    assert!(detail.contains("tenant.relay-test.invalid"), "{detail}");
}

#[tokio::test]
async fn closed_port_is_a_connect_error() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    let response = client()
        .post(relay.url(&format!("/relay/http://127.0.0.1:{closed}/oauth/token")))
        .header("origin", ORIGIN)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, detail) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (502, "connect"), "{detail}");
}

#[tokio::test]
async fn slow_upstream_is_a_timeout() {
    let up = upstream().await;
    let mut cfg = config(&["http://127.0.0.1:*"]);
    cfg.upstream_timeout = Duration::from_secs(1);
    let relay = start_relay(cfg).await;
    let started = Instant::now();
    let response = client()
        .get(relay.url(&format!("/relay/{}/slow", up.origin())))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, detail) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (502, "timeout"), "{detail}");
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_millis(2500),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn http_server_spoken_to_over_https_is_a_tls_error() {
    let up = upstream().await;
    let relay = start_relay(config(&["https://127.0.0.1:*"])).await;
    let response = client()
        .get(relay.url(&format!("/relay/https://{}/x", up.addr)))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, detail) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (502, "tls"), "{detail}");
}

#[tokio::test]
async fn request_bodies_are_bounded() {
    let up = upstream().await;
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    let url = relay.url(&format!("/relay/{}/oauth/token", up.origin()));
    let response = client()
        .post(&url)
        .header("origin", ORIGIN)
        .body(vec![b'a'; 70 * 1024])
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, _) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (413, "too-large"));
    let response = client()
        .post(&url)
        .body(vec![b'a'; 64 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "exactly the limit passes");
    assert_eq!(up.seen().len(), 1);
    assert_eq!(up.seen()[0].body.len(), 64 * 1024);

    // A chunked body without a declared length is bounded too.
    let mut cfg = config(&["http://127.0.0.1:*"]);
    cfg.max_body = 16;
    let small = start_relay(cfg).await;
    let mut stream = tokio::net::TcpStream::connect(small.addr).await.unwrap();
    let request = format!(
        "POST /relay/{}/oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nX\r\n0\r\n\r\n",
        up.origin()
    );
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("x-relay-error: too-large"));
    assert_eq!(
        up.seen().len(),
        1,
        "an oversized body never reaches the target"
    );
}

#[tokio::test]
async fn upstream_answers_are_bounded() {
    let up = upstream().await;
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    let response = client()
        .get(relay.url(&format!("/relay/{}/big/{}", up.origin(), 2 << 20)))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, _) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (502, "response-too-large"));
    let response = client()
        .get(relay.url(&format!("/relay/{}/big/{}", up.origin(), 1 << 20)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().len(), 1 << 20);
}

#[tokio::test]
async fn redirects_are_passed_back_not_followed() {
    let up = upstream().await;
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    let response = client()
        .get(relay.url(&format!("/relay/{}/redirect", up.origin())))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_cors(response.headers(), ORIGIN);
    assert!(response.headers().get("location").is_none());
    assert_eq!(
        response.headers()["x-relay-location"],
        "https://login.example/"
    );
    assert_eq!(up.seen().len(), 1);
}

#[tokio::test]
async fn other_methods_are_refused() {
    let up = upstream().await;
    let relay = start_relay(config(&["http://127.0.0.1:*"])).await;
    let response = client()
        .put(relay.url(&format!("/relay/{}/x", up.origin())))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, _) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (405, "method-not-allowed"));
    assert!(up.seen().is_empty());
}

#[tokio::test]
async fn upstream_override_keeps_the_original_host_in_headers() {
    let up = upstream().await;
    let mut cfg = config(&[]);
    cfg.upstream_override = Some(up.origin().parse().unwrap());
    let relay = start_relay(cfg).await;
    let target =
        "https://acme.devtest.nicecxone.com/inContactAPI/services/v27.0/agents?top=1&q=%20";
    let response = client()
        .get(relay.url(&format!("/relay/{target}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = client()
        .post(relay.url(&format!(
            "/?url={}",
            encode("https://acme.nicecxone.com:443/oauth/token")
        )))
        .body("b")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let seen = up.seen();
    assert_eq!(
        seen[0].path_and_query,
        "/inContactAPI/services/v27.0/agents?top=1&q=%20"
    );
    assert_eq!(
        seen[0].headers["x-forwarded-host"],
        "acme.devtest.nicecxone.com"
    );
    assert_eq!(seen[0].headers["x-relay-target"], target);
    assert_eq!(seen[0].headers["host"], up.addr.to_string().as_str());
    assert_eq!(seen[1].path_and_query, "/oauth/token");
    assert_eq!(seen[1].headers["x-forwarded-host"], "acme.nicecxone.com");
    assert_eq!(
        seen[1].headers["x-relay-target"],
        "https://acme.nicecxone.com/oauth/token"
    );
}

#[tokio::test]
async fn log_lines_hold_no_secrets() {
    let up = upstream().await;
    let mut cfg = config(&["http://127.0.0.1:*", "https://*.relay-test.invalid"]);
    cfg.max_body = 1024;
    let relay = start_relay(cfg).await;
    let secret_header = "Bearer eyJhbGciOiJub25lIn0.SECRET-TOKEN-42.";
    let requests = [
        (
            "POST",
            format!(
                "/relay/{}/status/200?client_secret=QUERY-SECRET-7&grant_type=password",
                up.origin()
            ),
            200,
        ),
        (
            "POST",
            format!(
                "/relay/?url={}",
                encode(&format!(
                    "{}/status/401?password=QUERY-SECRET-7",
                    up.origin()
                ))
            ),
            401,
        ),
        (
            "GET",
            "/relay/https://tenant.relay-test.invalid/x?token=QUERY-SECRET-7".to_string(),
            502,
        ),
        (
            "GET",
            "/relay/https://evil.com/?token=QUERY-SECRET-7".to_string(),
            403,
        ),
        (
            "GET",
            "/relay/https://user:PASSWORD-IN-URL@evil.com/".to_string(),
            403,
        ),
        ("GET", "/healthz?token=QUERY-SECRET-7".to_string(), 200),
    ];
    for (method, path, expected) in &requests {
        let response = client()
            .request(method.parse().unwrap(), relay.url(path))
            .header("authorization", secret_header)
            .body(r#"{"password":"BODY-SECRET-9"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), *expected, "{path}");
    }
    let response = client()
        .post(relay.url(&format!("/relay/{}/x", up.origin())))
        .header("authorization", secret_header)
        .body(format!("BODY-SECRET-9{}", "x".repeat(2000)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    let logs = relay.logs();
    assert_eq!(
        logs.len(),
        requests.len() + 1,
        "one line per request: {logs:#?}"
    );
    for line in &logs {
        for secret in [
            "SECRET-TOKEN-42",
            "eyJhbGci",
            "Bearer",
            "QUERY-SECRET-7",
            "BODY-SECRET-9",
            "PASSWORD-IN-URL",
        ] {
            assert!(!line.contains(secret), "{secret} in log line {line:?}");
        }
        assert!(!line.contains('\n'));
    }
    let port = up.addr.port();
    assert!(
        logs[0].contains(&format!(
            " POST relay 127.0.0.1:{port}/status/200?client_secret=*&grant_type=* -> 200 in "
        )),
        "{}",
        logs[0]
    );
    assert!(
        logs[2].contains("GET relay tenant.relay-test.invalid/x?token=* -> 502 in ")
            && logs[2].ends_with("ms [dns]"),
        "{}",
        logs[2]
    );
    assert!(logs[3].ends_with("ms [forbidden-host]"), "{}", logs[3]);
    assert!(logs[6].ends_with("ms [too-large]"), "{}", logs[6]);
}

#[tokio::test]
async fn serves_static_files_with_cors_and_types() {
    let dir = std::env::temp_dir().join(format!("doctor-relay-static-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>page</title>").unwrap();
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.join("app.js"), "export {}").unwrap();
    std::fs::write(dir.join("config.json"), "{}").unwrap();
    std::fs::write(dir.join("sub/index.html"), "sub").unwrap();
    std::fs::write(dir.join(".secret"), "no").unwrap();
    std::fs::write(
        dir.parent().unwrap().join("doctor-relay-outside.txt"),
        "outside",
    )
    .unwrap();

    let mut cfg = config(&[]);
    cfg.serve_dir = Some(dir.clone());
    let relay = start_relay(cfg).await;
    let get = |path: &str| {
        client()
            .get(relay.url(path))
            .header("origin", ORIGIN)
            .send()
    };

    let response = get("/").await.unwrap();
    assert_eq!(response.status(), 200);
    assert_cors(response.headers(), ORIGIN);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert_eq!(
        response.text().await.unwrap(),
        "<!doctype html><title>page</title>"
    );
    let response = get("/?scenario=logged_in").await.unwrap();
    assert_eq!(response.status(), 200, "a query on / is still the page");

    for (path, kind) in [
        ("/index.html", "text/html; charset=utf-8"),
        ("/app_bg.wasm", "application/wasm"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/config.json", "application/json"),
        ("/sub/", "text/html; charset=utf-8"),
    ] {
        let response = get(path).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], kind, "{path}");
    }
    let response = get("/sub").await.unwrap();
    assert_eq!(response.status(), 308);
    assert_eq!(response.headers()["location"], "/sub/");

    for path in ["/missing.js", "/.secret", "/sub/missing/"] {
        let response = get(path).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_cors(response.headers(), ORIGIN);
    }
    for path in [
        "/../doctor-relay-outside.txt",
        "/%2e%2e/doctor-relay-outside.txt",
        "/sub/..%2f..%2fdoctor-relay-outside.txt",
    ] {
        let (status, text) = raw(relay.addr, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!text.contains("outside"));
    }
    let response = client()
        .post(relay.url("/index.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);

    // A folder without its own config.json gets the relay's: the page relays through /relay/.
    std::fs::remove_file(dir.join("config.json")).unwrap();
    let response = get("/config.json").await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), r#"{"relay": "/relay/"}"#);

    // The relay and health routes still work beside the files.
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    let response = get("/relay/https://evil.com/").await.unwrap();
    assert_eq!(response.status(), 403);

    // Without a folder there is nothing else.
    let bare = relay_without_files().await;
    let response = client().get(bare.url("/")).send().await.unwrap();
    assert_cors(response.headers(), "*");
    let (status, kind, _) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (404, "not-found"));

    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(dir.parent().unwrap().join("doctor-relay-outside.txt"));
}

async fn relay_without_files() -> Relay {
    start_relay(config(&[])).await
}

#[tokio::test]
async fn shuts_down_gracefully() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(agent_state_doctor_relay::serve(
        config(&[]),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    let response = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("stops")
        .unwrap()
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
