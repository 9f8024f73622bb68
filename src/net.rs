//! The one place that touches `fetch`: relay wrapping, the time limit, cancellation, and telling
//! failures apart as far as a browser allows (no answer, timed out, an HTTP status).
//! The demo tenant answers through the same door, so the engine cannot tell them apart.

use crate::engine::{Answer, Request, RequestKind, Response};
use crate::relay::Relay;
use crate::sim::{Scenario, SimTenant};
use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::js_sys::Promise;
use web_sys::AbortController;

/// Where the requests go.
#[derive(Clone)]
pub enum Backend {
    /// The real network: through `relay` (resolved against `page_url`), or direct.
    Network { relay: Relay, page_url: String },
    /// The simulated tenant inside the page, playing `scenario`: no network at all.
    Demo {
        tenant: Rc<RefCell<SimTenant>>,
        scenario: Scenario,
    },
}

/// Stops every request of a run at once (the Cancel button).
#[derive(Default)]
pub struct Cancel {
    cancelled: Cell<bool>,
    controllers: RefCell<Vec<AbortController>>,
}

impl Cancel {
    /// Aborts the requests in flight; answers that arrive later are dropped by the runner.
    pub fn cancel(&self) {
        self.cancelled.set(true);
        for controller in self.controllers.borrow_mut().drain(..) {
            controller.abort();
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.get()
    }
}

/// Milliseconds since the page started, for timings.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Milliseconds since the Unix epoch, for token expiry.
pub fn wall_clock_ms() -> u64 {
    web_sys::js_sys::Date::now() as u64
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep(ms: u64) {
    if ms == 0 {
        return;
    }
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                ms.min(i32::MAX as u64) as i32,
            );
        }
    });
    let _ = JsFuture::from(promise).await;
}

impl Backend {
    /// Starts one request and answers its answer to come. A request to send at once over the
    /// network is handed to the browser's `fetch` before this returns, so a round leaves before
    /// the page does anything else (send first, render after); a held-back one (a retry's
    /// `delay_ms`) and the demo's start when the future is first polled.
    pub fn answer(
        &self,
        request: &Request,
        cancel: &Rc<Cancel>,
    ) -> Pin<Box<dyn Future<Output = Answer>>> {
        if let (Backend::Network { relay, page_url }, 0) = (self, request.delay_ms) {
            let (handed, answer) = send(request, relay, page_url, cancel);
            // The bookkeeping after the request has left.
            crate::timings::request_leaving(handed, false);
            return Box::pin(answer);
        }
        let backend = self.clone();
        let request = request.clone();
        let cancel = cancel.clone();
        Box::pin(async move { backend.answer_later(&request, &cancel).await })
    }

    /// Sends one request after its `delay_ms` and answers what came back.
    async fn answer_later(&self, request: &Request, cancel: &Rc<Cancel>) -> Answer {
        sleep(request.delay_ms).await;
        let waited = request.delay_ms > 0;
        if cancel.is_cancelled() {
            crate::timings::request_leaving(now_ms(), waited);
            return Answer::NoAnswer {
                message: "cancelled".into(),
                elapsed_ms: 0,
            };
        }
        match self {
            Backend::Network { relay, page_url } => {
                let (handed, answer) = send(request, relay, page_url, cancel);
                crate::timings::request_leaving(handed, waited);
                answer.await
            }
            Backend::Demo { tenant, scenario } => {
                crate::timings::request_leaving(now_ms(), waited);
                simulate(tenant, *scenario, request).await
            }
        }
    }
}

/// Puts `request` on the network through `relay` at once: when the browser had it, and its answer.
fn send(
    request: &Request,
    relay: &Relay,
    page_url: &str,
    cancel: &Rc<Cancel>,
) -> (f64, impl Future<Output = Answer> + 'static) {
    start_fetch(
        &target_url(request, relay, page_url),
        request.method,
        &request.headers,
        request.body.as_deref(),
        request.timeout_ms,
        cancel,
    )
}

/// The URL the browser fetches for `request`: the relay's own `/healthz` for the probe, the
/// relay-wrapped API URL otherwise.
pub fn target_url(request: &Request, relay: &Relay, page_url: &str) -> String {
    match request.kind {
        RequestKind::RelayHealth => match relay.origin(page_url) {
            Some(origin) => format!("{origin}/healthz"),
            None => request.url.clone(),
        },
        _ => relay.wrap(&request.url, page_url),
    }
}

/// Fetches `url` within `timeout_ms`.
pub async fn fetch(
    url: &str,
    method: crate::profile::Method,
    headers: &[(String, String)],
    body: Option<&str>,
    timeout_ms: u64,
    cancel: &Rc<Cancel>,
) -> Answer {
    start_fetch(url, method, headers, body, timeout_ms, cancel)
        .1
        .await
}

/// The one call into the browser's `fetch`, made before this returns. Answers when the page
/// handed the request to `fetch` (`performance.now()`; when it refused the request, when it did
/// so), and the future that reads the answer. Fetches `url` within `timeout_ms`.
fn start_fetch(
    url: &str,
    method: crate::profile::Method,
    headers: &[(String, String)],
    body: Option<&str>,
    timeout_ms: u64,
    cancel: &Rc<Cancel>,
) -> (f64, impl Future<Output = Answer> + 'static) {
    let started = now_ms();
    let elapsed = move || (now_ms() - started).max(0.0) as u64;
    let Ok(controller) = AbortController::new() else {
        let refused = Sent::Refused("this browser cannot abort requests".into());
        return (now_ms(), refused.finish(None, Rc::default(), elapsed));
    };
    cancel.controllers.borrow_mut().push(controller.clone());
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let timed_out = timed_out.clone();
        let controller = controller.clone();
        let on_timeout = Closure::once_into_js(move || {
            timed_out.set(true);
            controller.abort();
        });
        web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                on_timeout.unchecked_ref(),
                timeout_ms.min(i32::MAX as u64) as i32,
            )
            .ok()
        })
    };
    let built = build_request(url, method, headers, body, Some(&controller.signal()));
    let (handed, sent) = match (built, web_sys::window()) {
        (Ok(request), Some(window)) => {
            let handed = now_ms();
            let promise = window.fetch_with_request(&request);
            (handed, Sent::Fetching(JsFuture::from(promise)))
        }
        (Err(error), _) => (now_ms(), Sent::Refused(error)),
        (_, None) => (now_ms(), Sent::Refused("no window to fetch from".into())),
    };
    (handed, sent.finish(timer, timed_out, elapsed))
}

/// The browser's request for `url`, built but not sent.
fn build_request(
    url: &str,
    method: crate::profile::Method,
    headers: &[(String, String)],
    body: Option<&str>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<web_sys::Request, String> {
    let method = match method {
        crate::profile::Method::Get => HttpMethod::GET,
        crate::profile::Method::Post => HttpMethod::POST,
    };
    let mut builder = RequestBuilder::new(url).method(method).abort_signal(signal);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let built = match body {
        Some(body) => builder.body(body.to_string()),
        None => builder.build(),
    };
    built.map(Into::into).map_err(|error| error.to_string())
}

/// The rehearsal's transport (`src/rehearsal.rs`): `request` built for the network as a run
/// builds it, then dropped unsent, and `canned` read back as the browser's answer to it is read.
/// Nothing is fetched and nothing is counted in the page's timings.
pub async fn rehearse_answer(
    request: &Request,
    canned: Response,
    relay: &Relay,
    page_url: &str,
) -> Answer {
    let url = target_url(request, relay, page_url);
    let built = build_request(
        &url,
        request.method,
        &request.headers,
        request.body.as_deref(),
        None,
    );
    if built.is_err() {
        return Answer::Response(canned);
    }
    let init = web_sys::ResponseInit::new();
    init.set_status(canned.status);
    if let Ok(headers) = web_sys::Headers::new() {
        for (name, value) in &canned.headers {
            let _ = headers.append(name, value);
        }
        init.set_headers(&headers);
    }
    let Ok(response) = web_sys::Response::new_with_opt_str_and_init(Some(&canned.body), &init)
    else {
        return Answer::Response(canned);
    };
    let started = now_ms();
    let elapsed = move || (now_ms() - started).max(0.0) as u64;
    let arrived = Sent::Fetching(JsFuture::from(Promise::resolve(&JsValue::from(response))));
    arrived.finish(None, Rc::default(), elapsed).await
}

/// A request handed to `fetch`, or refused before it.
enum Sent {
    Fetching(JsFuture),
    Refused(String),
}

impl Sent {
    /// Reads the answer, clears the time limit and tells a timeout from other failures.
    async fn finish(
        self,
        timer: Option<i32>,
        timed_out: Rc<Cell<bool>>,
        elapsed: impl Fn() -> u64,
    ) -> Answer {
        let result = match self {
            Sent::Fetching(promise) => match promise.await {
                Ok(value) => {
                    let response =
                        gloo_net::http::Response::from(value.unchecked_into::<web_sys::Response>());
                    let status = response.status();
                    let headers: Vec<(String, String)> = response.headers().entries().collect();
                    match response.text().await {
                        Ok(body) => Ok(Response {
                            status,
                            headers,
                            body,
                            elapsed_ms: elapsed(),
                        }),
                        Err(error) => Err(error.to_string()),
                    }
                }
                Err(error) => Err(js_error_text(&error)),
            },
            Sent::Refused(message) => Err(message),
        };
        if let (Some(handle), Some(window)) = (timer, web_sys::window()) {
            window.clear_timeout_with_handle(handle);
        }
        match result {
            Ok(response) => Answer::Response(response),
            Err(_) if timed_out.get() => Answer::TimedOut {
                elapsed_ms: elapsed(),
            },
            Err(message) => Answer::NoAnswer {
                message,
                elapsed_ms: elapsed(),
            },
        }
    }
}

/// A rejected `fetch`'s reason as text, the way gloo-net words it (`TypeError: Failed to fetch`).
fn js_error_text(error: &JsValue) -> String {
    match error.dyn_ref::<web_sys::js_sys::Error>() {
        Some(error) => format!(
            "{}: {}",
            String::from(error.name()),
            String::from(error.message())
        ),
        None => error.as_string().unwrap_or_else(|| "fetch failed".into()),
    }
}

/// Answers from the simulated tenant, taking the time it says (up to the time limit).
async fn simulate(
    tenant: &Rc<RefCell<SimTenant>>,
    scenario: Scenario,
    request: &Request,
) -> Answer {
    // The simulated tenant is its own chunk of the page, fetched the first time it answers.
    let answer = match crate::chunks::demo_answer(tenant, scenario, request).await {
        Ok(answer) => answer,
        Err(unavailable) => {
            return Answer::NoAnswer {
                message: unavailable.message("The demo"),
                elapsed_ms: 0,
            }
        }
    };
    // A short pause even for instant answers, so the live tree can be seen working.
    sleep(answer.delay_ms.clamp(120, request.timeout_ms)).await;
    answer.to_answer(request.timeout_ms)
}

/// The site's defaults: the `<script type="application/json" id="site-config">` block inside the
/// page when it has one (the single-file page, edited by hand), else `config.json` beside the page.
/// A missing file, or an HTML page that a server answers for every path, means no configuration;
/// a slow server is given 4 seconds. A page opened from disk does not ask for `config.json`
/// (browsers refuse `file:` fetches, and the console would show an error for it).
pub async fn load_site_config() -> crate::config::SiteConfig {
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(block) = document
        .as_ref()
        .and_then(|d| d.get_element_by_id("site-config"))
    {
        let text = block.text_content().unwrap_or_default();
        return read_site_config(&text, "the site-config block").await;
    }
    let from_disk = document
        .and_then(|d| d.location())
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "file:");
    if from_disk {
        return crate::config::SiteConfig::default();
    }
    let cancel = Rc::new(Cancel::default());
    let answer = fetch(
        "config.json",
        crate::profile::Method::Get,
        &[],
        None,
        4_000,
        &cancel,
    )
    .await;
    match answer {
        Answer::Response(response)
            if response.status == 200 && !response.body.trim_start().starts_with('<') =>
        {
            read_site_config(&response.body, "config.json").await
        }
        _ => crate::config::SiteConfig::default(),
    }
}

/// [`crate::config::SiteConfig::parse_named`]: the plain files it is written for without
/// serde_json, anything else (escapes, fractions, text that is not JSON) by serde_json from the
/// `report` chunk, fetched then. A chunk that cannot load is said among the problems.
async fn read_site_config(text: &str, name: &str) -> crate::config::SiteConfig {
    use crate::config::SiteConfig;
    if let Some(config) = SiteConfig::read_plain(text, name) {
        return config;
    }
    crate::chunks::read_site_config(text, name)
        .await
        .unwrap_or_else(|unavailable| SiteConfig {
            problems: vec![unavailable.message(&format!("The reader of {name}"))],
            ..SiteConfig::default()
        })
}
