//! Every ending: the checks whose calls were answered show what the answers said, the rest
//! become `not_run`, and the verdict another file decided is written with its evidence and fix.

use super::failure::api_status_failure;
use super::{BranchId as B, Diagnosis, Phase, Settled};
use crate::engine::check::{AgentIdBranch, Check, CheckNode, Outcome, Taken};
use crate::engine::tree::{Report, Tree, VerdictReport, SCHEMA_VERSION};
use crate::engine::verdict::Verdict;
use crate::inputs::{Environment, Profile};
use crate::profile;

impl Diagnosis {
    /// Ends the diagnosis in `verdict`, decided by `decided_by`'s `finding`.
    pub(super) fn finish(&mut self, verdict: Verdict, decided_by: Check, finding: String) {
        self.finish_with(verdict, decided_by, finding, true);
    }

    /// [`Diagnosis::finish`], the verdict's meaning added to the explanation only `with_meaning`.
    pub(super) fn finish_with(
        &mut self,
        verdict: Verdict,
        decided_by: Check,
        finding: String,
        with_meaning: bool,
    ) {
        let fix = verdict.fix_for(self.tree.profile);
        self.finish_fixed(verdict, decided_by, finding, with_meaning, fix);
    }

    /// [`Diagnosis::finish_with`] with the fix steps given.
    pub(super) fn finish_fixed(
        &mut self,
        verdict: Verdict,
        decided_by: Check,
        finding: String,
        with_meaning: bool,
        fix: Vec<String>,
    ) {
        self.settle_answered();
        let ended_at = decided_by.id();
        for node in &mut self.tree.checks {
            if !node.outcome.is_settled() {
                node.settle(
                    B::NotRun,
                    format!("Not run: the diagnosis ended at the {ended_at} check."),
                );
            }
        }
        // Every assumption shows: a check whose call went out says where its step is inferred.
        let api = self.api;
        for node in &mut self.tree.checks {
            let note = api.and_then(|a| a.inference(node.id));
            if let Some(note) = note.filter(|_| !node.exchanges.is_empty()) {
                node.summary = format!("{} {note}", node.summary);
            }
        }
        let profile = self.tree.profile;
        if self.node_mut(decided_by).fix.is_empty() {
            self.node_mut(decided_by).fix = fix.clone();
        }
        let evidence = self
            .tree
            .checks
            .iter()
            .filter(|n| n.id == decided_by || matches!(n.outcome, Outcome::Fail | Outcome::Warn))
            .map(|n| format!("{}: {}", n.id.id(), n.summary))
            .collect();
        let explanation = if with_meaning {
            format!("{finding} {}", verdict.meaning_for(profile))
        } else {
            finding.clone()
        };
        self.tree.summary = format!("{}: {finding}", verdict.title());
        self.tree.verdict = Some(VerdictReport {
            code: verdict,
            title: verdict.title().into(),
            explanation,
            fix,
            decided_by,
            evidence,
        });
        self.tree.finished = true;
        self.phase = Phase::Done;
        self.round.slots.clear();
        let token = self.reusable_token(verdict);
        self.report = Some(Report {
            tree: self.tree.clone(),
            token,
        });
    }

    /// Before the diagnosis ends: a check whose call went out and was answered shows what that
    /// answer said, even when the path never reached it. Only checks with no call answered are
    /// left to `not_run`.
    pub(super) fn settle_answered(&mut self) {
        if !self.is_settled(Check::StateList) && self.found.list.is_some() {
            let agent = self.list_candidate();
            self.settle_list(agent.as_deref());
        }
        if !self.is_settled(Check::AgentState) {
            if let Some(reading) = self.found.typed_state.take() {
                self.settle_typed_state(reading);
            }
        }
        if !self.is_settled(Check::AgentId) {
            if let Some(reading) = self.found.lookup.take() {
                match reading {
                    Settled::Failed(failure) => self.settle(
                        Taken::new(Check::AgentId, failure.branch()),
                        failure.describe(),
                    ),
                    Settled::Status { status, detail, .. } if !self.api().is_unknown_id(status) => {
                        let failure =
                            self.named(Check::AgentId, api_status_failure(status, &detail));
                        self.settle(
                            Taken::new(Check::AgentId, failure.branch()),
                            failure.describe(),
                        )
                    }
                    other => {
                        let said = match other {
                            Settled::Status { status, .. } => format!("answered {status}"),
                            _ => "answered".into(),
                        };
                        self.settle(
                            AgentIdBranch::LookupUnused,
                            format!("The agent lookup {said}, but the diagnosis ended before it was needed."),
                        )
                    }
                }
            }
        }
    }
}

/// The tree before anything ran: every check `pending`, with the branches `profile` can take.
pub(super) fn blank_tree(profile: Profile, environment: Environment, host: String) -> Tree {
    Tree {
        schema: SCHEMA_VERSION,
        profile,
        environment,
        host,
        finished: false,
        rounds: 0,
        summary: "Not started.".into(),
        verdict: None,
        checks: Check::ALL
            .into_iter()
            .map(|check| match profile::for_profile(profile) {
                Some(_) => CheckNode::pending_for(check, profile),
                None => CheckNode::pending(check),
            })
            .collect(),
        started_at_ms: 0,
    }
}
