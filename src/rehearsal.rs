//! A rehearsal of the two common diagnoses (a logged-in agent, guide and platform), played once
//! at idle after the diagnosis chunk arrives, on canned answers, with nothing sent.
//!
//! Why: browsers compile WebAssembly lazily, each function on its first call (Chromium's
//! Liftoff). Without a rehearsal, the first real run pays that compilation in the middle of its
//! rounds: between an answer arriving and the next request leaving, and between the last answer
//! and the verdict on screen. With every function compiled ahead, the benchmark
//! (`scripts/bench.sh`) measured the page's own time per round fall from about 3 ms to under 1.
//!
//! What is played: the engine ([`Diagnosis`]) from a validated form to its report, each canned
//! answer read by the transport as a real one is (`net::rehearse_answer`: the request is built,
//! never handed to `fetch`), and the result views built for the finished tree in an element that
//! is not in the document (`ui::rehearse_result`). It touches no state of the page: no request,
//! no timings, no session, nothing drawn or announced.
//!
//! The forms and answers are made up (`rehearsal.invalid` is a reserved name that never
//! resolves); `tests/rehearsal.rs` checks that both rehearsals still reach `logged_in` through
//! every check, so a change to the engine cannot quietly shorten them.

use crate::engine::{Diagnosis, Report, Request, RequestKind, Response, Step};
use crate::inputs::{Field, Form};

/// The caller's clock in a rehearsal (the canned token's lifetime is counted from it).
pub const NOW_MS: u64 = 1_700_000_000_000;

const USER: &str = "4f1c8a52-7c1e-4b7e-9a57-2b6f0d1e3c11";

/// The rehearsed forms: the guide (through a relative relay, as most sites host the page) and
/// the platform profile.
pub fn forms() -> [Form; 2] {
    let mut guide = Form::default();
    for (field, value) in [
        (Field::Tenant, "rehearsal"),
        (Field::ClientId, "rehearsal"),
        (Field::ClientSecret, "rehearsal"),
        (Field::UserId, USER),
        (Field::Relay, "/relay/"),
    ] {
        guide.set(field, value);
    }
    let mut platform = guide.clone();
    for (field, value) in [
        (Field::Profile, "platform"),
        (Field::AccessKeyId, "rehearsal"),
        (Field::AccessKeySecret, "rehearsal"),
    ] {
        platform.set(field, value);
    }
    [guide, platform]
}

/// The canned answer to `request`: a tenant where the user is agent 1204587, Available.
pub fn answer(request: &Request) -> Response {
    let body = match request.kind {
        RequestKind::RelayHealth => r#"{"relay":"agent-state-doctor-relay","version":"0"}"#,
        RequestKind::Token => TOKEN,
        RequestKind::Discovery | RequestKind::OpenId => {
            r#"{"tenantId":"11eb2c3d-4e5f-6789-abcd-ef0123456789","area":"na1","api_endpoint":"https://api-na1.rehearsal.invalid"}"#
        }
        RequestKind::User if request.url.contains("/user-management/") => {
            r#"{"user":{"id":"4f1c8a52-7c1e-4b7e-9a57-2b6f0d1e3c11","userName":"dana@example.invalid","firstName":"Dana","lastName":"Whitfield","status":"ACTIVE"}}"#
        }
        RequestKind::User => {
            r#"{"id":"4f1c8a52-7c1e-4b7e-9a57-2b6f0d1e3c11","name":"Dana Whitfield","agentId":"1204587","status":"ACTIVE"}"#
        }
        RequestKind::AgentLookup => {
            r#"{"totalRecords":1,"agents":[{"agentId":1204587,"userID":"4f1c8a52-7c1e-4b7e-9a57-2b6f0d1e3c11","isActive":true,"locked":false}]}"#
        }
        RequestKind::AgentState | RequestKind::StateList if request.url.contains("/services/") => {
            r#"{"totalRecords":1,"agentStates":[{"agentId":1204587,"agentStateId":1,"agentStateName":"Available","skillName":"Billing","outStateDescription":""}]}"#
        }
        RequestKind::AgentState => {
            r#"{"agentId":"1204587","state":{"name":"Available","skillGroup":{"id":88,"name":"Billing"}}}"#
        }
        RequestKind::StateList => {
            r#"{"entities":[{"agentId":"1204587","state":{"name":"Available"}}]}"#
        }
    };
    Response::new(200, body)
        .with_header("Content-Type", "application/json; charset=utf-8")
        .with_elapsed(50)
}

/// A token answer both profiles accept: scopes for the guide, an `id_token` naming the tenant
/// (and another user, the access key's) for the platform.
const TOKEN: &str = concat!(
    r#"{"access_token":"rehearsal","token_type":"bearer","expires_in":3600,"#,
    r#""scope":"agent:read agent:state:read user:read","id_token":"#,
    r#""eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2N4b25lLm5pY2VpbmNvbnRhY3QuY29tIiwidGVuYW50SWQiOiIxMWViMmMzZC00ZTVmLTY3ODktYWJjZC1lZjAxMjM0NTY3ODkiLCJ1c2VySWQiOiI5YTlhOWE5YS0xMTExLTIyMjItMzMzMy00NDQ0NDQ0NDQ0NDQiLCJpY0FnZW50SWQiOiIxMjAwNzc3IiwiaWNCVUlkIjo0NjAwMTIzLCJhcmVhIjoibmExIn0."}"#,
);

/// Plays `form` to its report with the canned answers, drawing the live tree after each round
/// as the page does (natively, for the tests). `None` if the form is not valid or the engine
/// waits for an answer it was given.
pub fn play(form: &Form) -> Option<Report> {
    let mut diagnosis = Diagnosis::new(form.validate().ok()?, None, NOW_MS);
    loop {
        match diagnosis.poll() {
            Step::Send(requests) => {
                for request in requests {
                    let answer = crate::engine::Answer::Response(self::answer(&request));
                    diagnosis.receive(request.id, answer);
                }
                let _ = diagnosis.tree();
            }
            Step::Waiting => return None,
            Step::Done(report) => return Some(*report),
        }
    }
}

/// Plays [`in_page`] when the browser is next idle (within a second): after what the page is
/// doing, never in the way of a click.
#[cfg(target_arch = "wasm32")]
pub fn when_idle(page_url: String) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(window) = web_sys::window() else {
        return;
    };
    let play = Closure::once_into_js(move || leptos::task::spawn_local(in_page(page_url)));
    let options = web_sys::IdleRequestOptions::new();
    options.set_timeout(1000);
    let asked = window.request_idle_callback_with_options(play.unchecked_ref(), &options);
    if asked.is_err() {
        // A browser without requestIdleCallback (Safari): after the current work.
        let _ =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(play.unchecked_ref(), 50);
    }
}

/// The rehearsal in the page (see the module docs). Each answer goes through the transport's
/// reading of a response; each finished tree through the result views.
#[cfg(target_arch = "wasm32")]
pub async fn in_page(page_url: String) {
    for form in forms() {
        let Ok(inputs) = form.validate() else {
            continue;
        };
        let relay = inputs.relay.clone();
        let mut diagnosis = Diagnosis::new(inputs, None, NOW_MS);
        let report = loop {
            match diagnosis.poll() {
                Step::Send(requests) => {
                    for request in requests {
                        let answer = crate::net::rehearse_answer(
                            &request,
                            answer(&request),
                            &relay,
                            &page_url,
                        )
                        .await;
                        diagnosis.receive(request.id, answer);
                    }
                    let _ = diagnosis.tree();
                }
                Step::Waiting => break None,
                Step::Done(report) => break Some(*report),
            }
        };
        if let Some(report) = report {
            crate::ui::rehearse_result(report.tree);
        }
    }
    // For the benchmark, which presses Diagnose after it as a person would (seconds later).
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("doctor:rehearsed");
    }
}
