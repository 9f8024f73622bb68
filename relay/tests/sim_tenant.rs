//! The simulated tenant over HTTP, alone and behind the relay's upstream override.
#![cfg(feature = "sim")]

mod common;

use agent_state_doctor::sim::{DEMO_SECRET, DEMO_USER_ID};
use agent_state_doctor_relay::sim_server::{serve, SimOptions};
use agent_state_doctor_relay::LogSink;
use common::*;
use std::net::SocketAddr;

const ORIGIN: &str = "http://page.example";

async fn sim(cors: bool) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let options = SimOptions {
        cors,
        log: LogSink::off(),
        ..SimOptions::default()
    };
    tokio::spawn(serve(listener, options));
    addr
}

fn basic(client_id: &str) -> String {
    // Standard base64 of "id:secret", written out to keep the test free of another crate.
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{client_id}:{DEMO_SECRET}").into_bytes();
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

async fn token(relay: &Relay, host: &str, scenario: &str) -> reqwest::Response {
    client()
        .post(relay.url(&format!("/relay/https://{host}/oauth/token")))
        .header("authorization", basic(&format!("demo-{scenario}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", ORIGIN)
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_simulation_answers_through_the_relay_and_knows_the_original_host() {
    let sim = sim(false).await;
    let mut cfg = config(&[]);
    cfg.upstream_override = Some(format!("http://{sim}").parse().unwrap());
    let relay = start_relay(cfg).await;

    let response = token(&relay, "demo.nicecxone.com", "logged-in").await;
    assert_eq!(response.status(), 200);
    assert_cors(response.headers(), ORIGIN);
    let body: serde_json::Value = json_of(response).await;
    let prod_token = body["access_token"].as_str().unwrap().to_string();

    let user = |host: &'static str, token: String| {
        let url = relay.url(&format!(
            "/relay/https://{host}/api/v2/users/{DEMO_USER_ID}"
        ));
        async move {
            client()
                .get(url)
                .header("authorization", format!("Bearer {token}"))
                .header("accept", "application/json")
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(user("demo.nicecxone.com", prod_token.clone()).await, 200);
    // The token was issued for Production: the simulation saw which host the relay was asked for.
    assert_eq!(user("demo.devtest.nicecxone.com", prod_token).await, 401);

    let response = token(&relay, "demo.nicecxone.com", "no-such-scenario").await;
    assert_eq!(response.status(), 401);
    assert_cors(response.headers(), ORIGIN);
}

#[tokio::test]
async fn a_simulated_no_answer_closes_the_connection() {
    let sim = sim(false).await;
    let mut cfg = config(&[]);
    cfg.upstream_override = Some(format!("http://{sim}").parse().unwrap());
    let relay = start_relay(cfg).await;
    let response = token(&relay, "demo.nicecxone.com", "cors-blocked").await;
    assert_cors(response.headers(), ORIGIN);
    let (status, kind, detail) = relay_error(response).await;
    assert_eq!((status, kind.as_str()), (502, "connect"), "{detail}");
    assert!(detail.contains("without answering"), "{detail}");

    // Straight to the simulation, there is no HTTP answer at all.
    let error = client()
        .post(format!("http://{sim}/oauth/token"))
        .header("authorization", basic("demo-cors-blocked"))
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap_err();
    assert!(!error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn cors_headers_only_when_asked() {
    for cors in [false, true] {
        let sim = sim(cors).await;
        let response = client()
            .post(format!("http://{sim}/oauth/token"))
            .header("authorization", basic("demo-logged-in"))
            .header("origin", ORIGIN)
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response
                .headers()
                .get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap().to_string()),
            cors.then(|| ORIGIN.to_string())
        );
        let preflight = client()
            .request(
                reqwest::Method::OPTIONS,
                format!("http://{sim}/oauth/token"),
            )
            .header("origin", ORIGIN)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        assert_eq!(preflight.status() == 204, cors);
    }
}
