//! The simulated tenant itself: routes each request to the guide's or the platform's simulated
//! API (`guide.rs`, `platform.rs`, sharing `common.rs`), and answers the relay's `/healthz`.

use super::common::{json, Counted, Target, HEALTH_DELAY_MS, NO_ANSWER_DELAY_MS, USER_DELAY_MS};
use super::{guide, platform};
use super::{Fault, Scenario, SimRequest, SimResponse, SCENARIO_HEADER};
use serde_json::json;
use std::collections::HashMap;

/// What a request is for, read from its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Endpoint {
    Health,
    /// One of the guide's paths.
    Guide(guide::Endpoint),
    /// One of the platform's paths.
    Platform(platform::Endpoint),
    Unknown,
}

/// The endpoint `target` names (`raw_url` is the request's URL as sent).
fn endpoint(target: &Target, raw_url: &str) -> Endpoint {
    let path = target.path.trim_end_matches('/');
    if raw_url.trim().is_empty() || path.ends_with("/healthz") || path == "healthz" {
        return Endpoint::Health;
    }
    if path.ends_with("/oauth/token") {
        return Endpoint::Guide(guide::Endpoint::Token);
    }
    if let Some(endpoint) = platform::endpoint(path) {
        return Endpoint::Platform(endpoint);
    }
    match guide::api_endpoint(path) {
        Some(endpoint) => Endpoint::Guide(endpoint),
        None => Endpoint::Unknown,
    }
}

/// A simulated tenant that serves every [`Scenario`] at once (see the [module docs](super)).
/// It keeps only counters: tokens issued, calls per scenario and kind, and the scenario of the
/// latest token request (for the relay probe).
#[derive(Clone, Debug, Default)]
pub struct SimTenant {
    pub(super) issued: u64,
    pub(super) calls: HashMap<(Scenario, Counted), u64>,
    pub(super) latest: Option<Scenario>,
}

impl SimTenant {
    /// A tenant that has answered nothing yet.
    pub fn new() -> Self {
        SimTenant::default()
    }

    /// The answer to `request`.
    pub fn answer(&mut self, request: &SimRequest) -> SimResponse {
        let target = Target::of(request);
        // The sweep tenants (`demo-sweep-<n>`) answer first; every scenario is left as it was.
        if let Some(answer) = super::sweep::answer(request, &target) {
            return answer;
        }
        match endpoint(&target, &request.url) {
            Endpoint::Health => self.health(request, &target),
            Endpoint::Guide(endpoint) => self.guide(request, &target, endpoint),
            Endpoint::Platform(endpoint) => self.platform(request, &target, endpoint),
            Endpoint::Unknown => json(
                404,
                json!({"error": "not_found", "message": format!("No route for {} {}", request.method, target.path)}),
            )
            .with_delay(USER_DELAY_MS),
        }
    }

    /// How many tokens this tenant has issued.
    pub fn tokens_issued(&self) -> u64 {
        self.issued
    }

    /// The scenario of the latest token request, which the relay probe falls back on.
    pub fn latest_scenario(&self) -> Option<Scenario> {
        self.latest
    }

    /// Forgets every counter, as a freshly started tenant.
    pub fn reset(&mut self) {
        *self = SimTenant::new();
    }

    /// `GET <relay>/healthz`: the relay's own answer (see the module docs for the scenario).
    fn health(&mut self, request: &SimRequest, target: &Target) -> SimResponse {
        let scenario = request
            .header(SCENARIO_HEADER)
            .and_then(Scenario::parse)
            .or_else(|| {
                target
                    .query_param("scenario")
                    .as_deref()
                    .and_then(Scenario::parse)
            })
            .or(self.latest);
        if matches!(
            scenario,
            Some(Scenario::RelayUnreachable | Scenario::PlatformRelayUnreachable)
        ) {
            return SimResponse::fault(Fault::NoAnswer, NO_ANSWER_DELAY_MS);
        }
        json(
            200,
            json!({"relay": "agent-state-doctor-relay (simulated)", "version": "sim", "status": "ok"}),
        )
        .with_delay(HEALTH_DELAY_MS)
    }
}
