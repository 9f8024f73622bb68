//! Every call that gave nothing usable ends here: the failed check settles on the failure's
//! branch, and the failure decides the verdict (after the relay had its say, in `relay.rs`).

use super::{Diagnosis, Settled};
use crate::engine::check::{Check, Taken};
use crate::engine::classify::Failure;
use crate::engine::exchange::RequestKind;
use crate::engine::verdict::Verdict;

impl Diagnosis {
    /// `failure` of a call of `check`, a 403 naming what the profile says it refuses: a role's
    /// permission area, or (none) a scope.
    pub(super) fn named(&self, check: Check, mut failure: Failure) -> Failure {
        if let Failure::Forbidden { area, .. } = &mut failure {
            let kind = match check {
                Check::User => RequestKind::User,
                Check::AgentId => RequestKind::AgentLookup,
                Check::StateList => RequestKind::StateList,
                _ => RequestKind::AgentState,
            };
            *area = self.api().permission_area(kind);
        }
        failure
    }

    /// Ends the diagnosis on a call of `check` that gave nothing usable.
    pub(super) fn fail(&mut self, check: Check, failure: Failure) {
        let failure = self.named(check, failure);
        self.settle(Taken::new(check, failure.branch()), failure.describe());
        let via = self.via_relay();
        let verdict = self
            .relay_fault(&failure)
            .unwrap_or_else(|| failure_verdict(&failure));
        let decided_by = match verdict {
            Verdict::RelayUnreachable | Verdict::RelayMisconfigured if via => Check::Relay,
            _ => check,
        };
        let call = match check {
            Check::Token => "The token call",
            Check::Discovery => "The discovery call",
            Check::User => "The user lookup",
            Check::AgentId => "The agent lookup",
            Check::AgentState => "The agent-state call",
            Check::StateList => "The all-agents list",
            _ => "A call",
        };
        let mut finding = format!("{call}: {}", failure.describe());
        if let Failure::NotApi { .. } = failure {
            if !via {
                finding.push_str(" No relay is set, so check the API host override.");
            }
        }
        if failure == Failure::TokenRejected && self.token.expired {
            finding.push_str(
                " The token was already expired when it was issued: its exp claim is past.",
            );
        }
        if let Failure::RelayRefusedHost = failure {
            let inputs = self.inputs();
            let api = self.api();
            let host = if matches!(check, Check::Token | Check::Discovery) {
                api.auth_host(inputs)
            } else {
                api.host(inputs, inputs.environment)
            };
            finding.push_str(&format!(" Add {host} to the relay's allowlist."));
        }
        self.node_mut(check).fix = verdict.fix_for(self.tree.profile);
        let mut fix = verdict.fix_for(self.tree.profile);
        if via && failure == Failure::RelayRefusedHost {
            // Lead with the step that fits what was seen: the allowlist.
            fix.rotate_right(1);
        }
        self.finish_fixed(verdict, decided_by, finding, true, fix);
    }
}

/// The verdict a failure means by itself, when the relay does not explain it.
fn failure_verdict(failure: &Failure) -> Verdict {
    match failure {
        Failure::NoAnswer { .. } => Verdict::CorsBlocked,
        Failure::RelayRefusedHost | Failure::NotApi { .. } => Verdict::RelayMisconfigured,
        Failure::TenantUnreachable { .. } => Verdict::TenantUnreachable,
        Failure::TimedOut { .. } => Verdict::Timeout,
        Failure::RateLimited { .. } => Verdict::RateLimited,
        Failure::ServiceError { .. } => Verdict::ServiceError,
        Failure::BadCredentials { .. } => Verdict::BadCredentials,
        Failure::TokenRejected => Verdict::TokenRejected,
        Failure::Forbidden { area: Some(_), .. } => Verdict::MissingPermission,
        Failure::Forbidden { .. } => Verdict::MissingScope,
    }
}

/// What a refusal status from an API call (not the token endpoint) means; `detail` is the
/// answer's own error text (` (text)`, or empty).
pub(super) fn api_status_failure(status: u16, detail: &str) -> Failure {
    match status {
        401 => Failure::TokenRejected,
        403 => Failure::Forbidden {
            status,
            area: None,
            detail: detail.to_string(),
        },
        _ => Failure::ServiceError {
            status,
            detail: " (a status this call does not use)".into(),
        },
    }
}

/// A settled answer in a few words, for a finding that quotes it.
pub(super) fn describe(reading: &Settled) -> String {
    match reading {
        Settled::Json(_) => "an answer without what was asked".into(),
        Settled::Status { status, .. } => format!("status {status}"),
        Settled::Failed(failure) => failure.describe(),
    }
}
