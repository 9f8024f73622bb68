//! The `relay` check: the relay's `/healthz` probe goes out with the first round; the relay
//! passes when calls come back through it, and explains a call that got no answer
//! (`relay_unreachable`, `relay_misconfigured`; `cors_blocked` when there is no relay).

use super::round::{Slot, Target};
use super::Diagnosis;
use crate::engine::check::{Check, RelayBranch};
use crate::engine::classify::Failure;
use crate::engine::exchange::Answer;
use crate::engine::verdict::Verdict;
use serde_json::Value;

/// What the relay showed so far.
#[derive(Default)]
pub(super) struct RelaySeen {
    /// The `/healthz` probe went out (with the first round).
    pub(super) probe_sent: bool,
    /// The relay answered its health check.
    pub(super) probe_up: bool,
    /// Some API call came back with an HTTP answer through the relay.
    pub(super) relay_up: bool,
}

impl Diagnosis {
    /// Settles the relay check from the first round, when an API call came back through it.
    pub(super) fn settle_relay(&mut self, slots: &[Slot]) {
        let Some(probe) = slots.iter().find(|s| s.target == Target::RelayHealth) else {
            return;
        };
        let response = probe.answer.as_ref().and_then(Answer::response);
        self.relay.probe_up = response.is_some();
        let passed_through = slots.iter().any(|s| {
            s.target != Target::RelayHealth
                && s.answer.as_ref().is_some_and(|a| a.response().is_some())
        });
        if !passed_through {
            return; // The failing call settles the relay check (see `fail`).
        }
        match response {
            Some(r) if r.status == 200 && is_reference_health(&r.body) => self.settle(
                RelayBranch::Reference,
                "The reference relay answers /healthz and forwards calls.",
            ),
            Some(r) => self.settle(
                RelayBranch::Answers,
                format!(
                    "The relay answers (/healthz: {}) and forwards calls.",
                    r.status
                ),
            ),
            None => self.settle(
                RelayBranch::NoHealth,
                "/healthz got no answer, but calls pass through the relay.",
            ),
        }
    }

    /// When the calls go through a relay, settles the relay check from a failed call and answers
    /// the verdict the relay explains: `relay_unreachable` when nothing answers,
    /// `relay_misconfigured` when the relay answers but its calls get no readable answer, refuses
    /// the host, or sends something that is not the API's. `None` when the failure is not the
    /// relay's to explain (the caller then reads the failure itself, in `failure.rs`).
    pub(super) fn relay_fault(&mut self, failure: &Failure) -> Option<Verdict> {
        if !self.via_relay() {
            return None;
        }
        let verdict = match failure {
            Failure::NoAnswer { .. } if self.relay.probe_up || self.relay.relay_up => {
                self.settle(
                    RelayBranch::Blocked,
                    "The relay answers, but the calls through it get no answer the browser can read.",
                );
                Some(Verdict::RelayMisconfigured)
            }
            Failure::NoAnswer { .. } => {
                self.settle(
                    RelayBranch::Unreachable,
                    "Neither /healthz nor the calls through the relay got any answer.",
                );
                Some(Verdict::RelayUnreachable)
            }
            Failure::RelayRefusedHost => {
                self.settle(
                    RelayBranch::RefusedHost,
                    "The relay refuses to forward to this API host.",
                );
                Some(Verdict::RelayMisconfigured)
            }
            Failure::NotApi { detail } => {
                self.settle(
                    RelayBranch::NotApi,
                    format!("Through the relay came {detail}."),
                );
                Some(Verdict::RelayMisconfigured)
            }
            Failure::TenantUnreachable { .. } => {
                self.settle(
                    RelayBranch::CannotReachHost,
                    "The relay answers, but cannot reach the API host.",
                );
                None
            }
            _ => None,
        };
        if !self.is_settled(Check::Relay) {
            if self.relay.probe_up {
                self.settle(RelayBranch::Answers, "The relay answers /healthz.");
            } else {
                self.settle(
                    RelayBranch::Undecided,
                    "/healthz got no answer, and no call came back through the relay.",
                );
            }
        }
        verdict
    }
}

/// The reference relay's health answer: 200 JSON that names a relay.
fn is_reference_health(body: &str) -> bool {
    serde_json::from_str::<Value>(body.trim())
        .is_ok_and(|v| v.is_object() && body.to_ascii_lowercase().contains("relay"))
}
