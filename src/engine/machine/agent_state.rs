//! The `agent_state`, `state_list` and `cross_check` checks: what the agent's own state endpoint
//! says, whether the all-agents list shows the agent, and whether the two agree. Decides
//! `logged_in`, `agent_not_found`, `id_is_user_id`, `inconsistent_state`, and `logged_out` where
//! there is no other environment to ask.

use super::failure::api_status_failure;
use super::round::{Slot, Target};
use super::{Diagnosis, Phase, Settled};
use crate::engine::check::{
    AgentStateBranch, Check, CrossCheckBranch, OtherEnvironmentBranch, StateListBranch, Taken,
};
use crate::engine::classify::Failure;
use crate::engine::exchange::RequestKind;
use crate::engine::verdict::Verdict;
use crate::profile::{self, AgentState, IdKind, ListedAgent};

impl Diagnosis {
    /// The all-agents list as read, or why it could not be.
    pub(super) fn read_list(&self, slot: &Slot) -> Result<Vec<ListedAgent>, Failure> {
        let not_a_list = || Failure::NotApi {
            detail: "a 2xx answer that is not a list of agents".into(),
        };
        // A 2xx answer with JSON was read into its page when it arrived.
        if slot.page.is_some() {
            return slot.listed().cloned().ok_or_else(not_a_list);
        }
        match self.reading(slot) {
            Settled::Status { status, detail, .. } => {
                Err(self.named(Check::StateList, api_status_failure(status, &detail)))
            }
            Settled::Failed(failure) => Err(failure),
            Settled::Json(_) => Err(not_a_list()),
        }
    }

    /// The agent's own state answered (`typed_alone`: for an agent ID typed without a user ID).
    pub(super) fn on_agent_state(&mut self, reading: Settled, typed_alone: bool) {
        let agent = self.found.agent_id.clone().unwrap_or_default();
        let api = self.api();
        match reading {
            Settled::Json(json) => {
                let own = api.read_agent_state(&json);
                let detail = api.no_session_detail(&json);
                let explicit = api.no_session_is_explicit(&json);
                self.decide(own, detail, explicit);
            }
            Settled::Status { status, .. }
                if typed_alone
                    && api.is_unknown_id(status)
                    && api.could_be(&agent, IdKind::User) =>
            {
                // Before calling it unknown: is it a user ID typed as the agent ID?
                let env = self.inputs().environment;
                self.phase = Phase::AgentIdAsUser { status };
                let mut slots = vec![Slot::new(
                    Target::User(env, agent.clone()),
                    Check::AgentState,
                )];
                if api.capabilities().agent_lookup {
                    slots.push(Slot::new(
                        Target::AgentLookup(env, agent, 0),
                        Check::AgentState,
                    ));
                }
                self.round.slots = slots;
            }
            Settled::Status { status, .. } if api.is_unknown_id(status) => {
                self.settle(
                    AgentStateBranch::NotFound,
                    format!("The state endpoint answers {status} for agent {agent}."),
                );
                if self.finish_if_flagged(&agent) {
                    return;
                }
                let finding =
                    format!("The state endpoint does not know agent ID {agent} ({status}).");
                self.finish(Verdict::AgentNotFound, Check::AgentState, finding);
            }
            Settled::Status { status, detail, .. } => {
                self.fail(Check::AgentState, api_status_failure(status, &detail))
            }
            Settled::Failed(failure) => self.fail(Check::AgentState, failure),
        }
    }

    /// The typed agent ID, unknown as an agent (`status`), was tried as a user ID.
    pub(super) fn on_agent_id_as_user(&mut self, slots: Vec<Slot>, status: u16) {
        let agent = self.found.agent_id.clone().unwrap_or_default();
        let hint = self.shape_hint(&agent, IdKind::Agent);
        let user_slot = slots
            .iter()
            .find(|s| s.target.kind() == RequestKind::User)
            .expect("user slot");
        let mapped = slots
            .iter()
            .find(|s| s.target.kind() == RequestKind::AgentLookup)
            .and_then(Slot::listing)
            .and_then(|l| l.matched.as_ref())
            .map(|r| r.agent_id.clone());
        if let Settled::Json(json) = self.reading(user_slot) {
            let record = self.api().read_user(&json);
            if !record.empty {
                let real = match record.agent_id.clone().or(mapped) {
                    Some(real) => format!("; that user's agent ID is {real}"),
                    None => "; no agent ID is known for that user".into(),
                };
                self.settle(
                    AgentStateBranch::IsUserId,
                    format!(
                        "No agent {agent} ({status}), but the user lookup knows it as a user{real}{hint}."
                    ),
                );
                let finding = format!(
                    "{agent} answers {status} as an agent ID but is a user ID{real}{hint}."
                );
                return self.finish(Verdict::IdIsUserId, Check::AgentState, finding);
            }
        }
        self.settle(
            AgentStateBranch::NotFound,
            format!(
                "The state endpoint answers {status} for agent {agent}, and it is no user ID either."
            ),
        );
        let finding = format!(
            "The state endpoint does not know agent ID {agent} ({status}), nor is it a user ID."
        );
        self.finish(Verdict::AgentNotFound, Check::AgentState, finding);
    }

    /// The agent's own state is known: compare with the list, then conclude or look elsewhere.
    fn decide(&mut self, own: AgentState, detail: String, explicit: bool) {
        let agent = self.found.agent_id.clone().unwrap_or_default();
        self.found.no_session_explicit = explicit;
        if self.found.list.is_none() {
            self.found.list = Some(Ok(Vec::new()));
        }
        let list = self.found.list.clone().unwrap_or(Ok(Vec::new()));
        let in_list = self.settle_list(Some(&agent));
        match own {
            AgentState::Active { state, skill_group } => {
                let group = skill_group
                    .clone()
                    .map(|g| format!(", skill group {g}"))
                    .unwrap_or_default();
                self.settle(
                    AgentStateBranch::Active,
                    format!("Agent {agent} is in state {state}{group}."),
                );
                self.settle_other(
                    OtherEnvironmentBranch::NotNeeded,
                    "Not asked: the agent has a session here.",
                );
                let who = self.agent_label(&agent);
                match in_list {
                    Some(true) => {
                        self.settle(CrossCheckBranch::AgreeIn, "Both show the agent logged in.");
                        let finding = format!("{who} is logged in: state {state}{group}.");
                        self.finish(Verdict::LoggedIn, Check::AgentState, finding);
                    }
                    Some(false) => {
                        self.settle(
                            CrossCheckBranch::Disagree,
                            "The agent's own endpoint shows a session; the all-agents list does not.",
                        );
                        let finding = format!(
                            "The state endpoint shows {who} in state {state}{group}, but the all-agents list does not include the agent."
                        );
                        self.finish(Verdict::InconsistentState, Check::CrossCheck, finding);
                    }
                    None => {
                        // No data (or the agent past the pages read) is not a failed read.
                        let why = if self.found.list_gap.is_some() || self.found.list_cut.is_some()
                        {
                            "gave no data about the agent"
                        } else {
                            "could not be read"
                        };
                        self.settle(
                            CrossCheckBranch::Unknown,
                            format!("The all-agents list {why} to compare."),
                        );
                        let finding = format!(
                            "{who} is logged in: state {state}{group}. (The all-agents list {why} to confirm.)"
                        );
                        self.finish(Verdict::LoggedIn, Check::AgentState, finding);
                    }
                }
            }
            AgentState::NoSession if !explicit && self.api().capabilities().no_data_answers => {
                self.on_own_no_data(&agent, detail, in_list)
            }
            AgentState::NoSession => {
                self.settle(
                    AgentStateBranch::NoSession,
                    format!("No active session for agent {agent} ({detail})."),
                );
                match (&list, in_list) {
                    (_, Some(true)) => {
                        self.settle(
                            CrossCheckBranch::Disagree,
                            "The all-agents list shows a session; the agent's own endpoint does not.",
                        );
                        self.settle_other(
                            OtherEnvironmentBranch::NotNeeded,
                            "Not asked: the list shows a session here.",
                        );
                        let finding = format!(
                            "The all-agents list shows agent {agent} logged in, but the agent's own state endpoint answers no session."
                        );
                        self.finish(Verdict::InconsistentState, Check::CrossCheck, finding);
                    }
                    (Err(failure), _) => {
                        self.settle(
                            CrossCheckBranch::Unknown,
                            "The all-agents list could not be read to compare.",
                        );
                        self.fail(Check::StateList, failure.clone());
                    }
                    (Ok(_), None) => {
                        self.settle(
                            CrossCheckBranch::Unknown,
                            "The all-agents list gave no data to compare.",
                        );
                        if self.finish_if_flagged(&agent) {
                            return;
                        }
                        self.begin_other_environment();
                    }
                    (Ok(_), _) => {
                        self.settle(
                            CrossCheckBranch::AgreeOut,
                            "Neither shows a session for the agent.",
                        );
                        if self.finish_if_flagged(&agent) {
                            return;
                        }
                        // A LoggedOut entry proves the state was read, whatever the scopes say.
                        if !explicit && self.finish_if_state_unreadable() {
                            return;
                        }
                        self.begin_other_environment();
                    }
                }
            }
        }
    }

    /// The agent's own endpoint gave no data (a 204, 304, empty body, or no state entry at all):
    /// the list, where it answered, decides; a cross-check against no data is `unknown`.
    fn on_own_no_data(&mut self, agent: &str, detail: String, in_list: Option<bool>) {
        self.settle(
            AgentStateBranch::NoData,
            format!("No data for agent {agent} ({detail})."),
        );
        let listed_state = match &self.found.list {
            Some(Ok(list)) if in_list == Some(true) => list
                .iter()
                .find(|a| profile::same_id(&a.agent_id, agent))
                .and_then(|a| a.state.clone()),
            _ => None,
        };
        if let Some(state) = listed_state {
            self.settle(
                CrossCheckBranch::Unknown,
                "The agent's own endpoint gave no data to compare; the all-agents list shows a session.",
            );
            let who = self.agent_label(agent);
            let finding = format!("{who} is logged in: the all-agents list shows state {state}. (The agent's own state endpoint gave no data.)");
            return self.finish(Verdict::LoggedIn, Check::StateList, finding);
        }
        let summary = match in_list {
            Some(false) => {
                "The agent's own endpoint gave no data; the all-agents list shows no session."
            }
            _ => "Neither endpoint gave data about the agent to compare.",
        };
        self.settle(CrossCheckBranch::Unknown, summary);
        if self.finish_if_flagged(agent) {
            return;
        }
        if in_list.is_none() {
            // Neither endpoint said anything: no verdict can come from one that answered.
            self.settle_other(
                OtherEnvironmentBranch::NotNeeded,
                "Not asked: neither state endpoint gave data to go on.",
            );
            let who = self.agent_label(agent);
            let finding = format!("Could not tell whether {who} is logged in: neither the agent's own state endpoint ({detail}) nor the all-agents list gave data about the agent.");
            return self.finish(Verdict::Inconclusive, Check::AgentState, finding);
        }
        self.begin_other_environment();
    }

    /// Settles `state_list` from the list's answer: the list call failed, the list is empty, or
    /// `agent` is (or is not) in it with a state; with no agent ID known, only that it was read.
    /// Answers whether the list shows `agent` with a state (`None` when the list failed).
    pub(super) fn settle_list(&mut self, agent: Option<&str>) -> Option<bool> {
        if let Some(gap) = self.found.list_gap.clone() {
            self.settle(StateListBranch::NoData, gap);
            return None;
        }
        let list = match self.found.list.clone()? {
            Ok(list) => list,
            Err(failure) => {
                self.settle(
                    Taken::new(Check::StateList, failure.branch()),
                    failure.describe(),
                );
                return None;
            }
        };
        if list.is_empty() {
            self.settle(StateListBranch::Empty, "The all-agents list is empty.");
            return Some(false);
        }
        let Some(agent) = agent else {
            self.settle(
                StateListBranch::NoAgentId,
                format!(
                    "The list was read ({} agent(s)), but the diagnosis ended before an agent ID was known to look for.",
                    list.len()
                ),
            );
            return Some(false);
        };
        let entry = list.iter().find(|a| profile::same_id(&a.agent_id, agent));
        let others = list.len() - usize::from(entry.is_some());
        match entry.map(|a| a.state.clone()) {
            Some(Some(state)) => {
                self.settle(
                    StateListBranch::Listed,
                    format!("The list shows agent {agent} in state {state}."),
                );
                Some(true)
            }
            Some(None) => {
                self.settle(
                    StateListBranch::Absent,
                    format!("The list names agent {agent} with no session (a logged-out entry), beside {others} other agent(s)."),
                );
                Some(false)
            }
            None if self.found.list_cut.is_some() => {
                let cut = self.found.list_cut.clone().expect("cut");
                let total = cut.total.map(|t| format!(" of {t}")).unwrap_or_default();
                self.settle(
                    StateListBranch::NoData,
                    format!(
                        "Agent {agent} is not in the first {}{total} entries of the list (the pages read within the bound): not found there, which tells nothing.",
                        cut.read
                    ),
                );
                None
            }
            None => {
                self.settle(
                    StateListBranch::Absent,
                    format!(
                        "Agent {agent} is not in the list, which shows {others} other agent(s)."
                    ),
                );
                Some(false)
            }
        }
    }

    /// The ID to look for in the all-agents list when the diagnosis ends before the user's agent
    /// ID is known: the user ID when it was tried as an agent ID, else the agent ID typed.
    pub(super) fn list_candidate(&self) -> Option<String> {
        if let Some(agent) = &self.found.agent_id {
            return Some(agent.clone());
        }
        let inputs = self.inputs.as_ref()?;
        match &inputs.user_id {
            Some(user) if self.found.no_such_user => Some(user.clone()),
            _ => inputs.agent_id.clone(),
        }
    }

    /// Settles `agent_state` from the typed agent ID's answer (sent beside the user lookup) when
    /// the diagnosis ended before the path reached it.
    pub(super) fn settle_typed_state(&mut self, reading: Settled) {
        let agent = self.inputs().agent_id.clone().unwrap_or_default();
        match reading {
            Settled::Json(json) => match self.api().read_agent_state(&json) {
                AgentState::Active { state, skill_group } => {
                    let group = skill_group
                        .map(|g| format!(", skill group {g}"))
                        .unwrap_or_default();
                    self.settle(
                        AgentStateBranch::Active,
                        format!("Agent {agent} (as typed) is in state {state}{group}."),
                    );
                }
                AgentState::NoSession => self.settle(
                    AgentStateBranch::NoSession,
                    format!("No active session for agent {agent} (as typed; {{}} or empty)."),
                ),
            },
            Settled::Status { status, .. } if self.api().is_unknown_id(status) => self.settle(
                AgentStateBranch::NotFound,
                format!("The state endpoint answers {status} for agent {agent} (as typed)."),
            ),
            Settled::Status { status, detail, .. } => {
                let failure = self.named(Check::AgentState, api_status_failure(status, &detail));
                self.settle(
                    Taken::new(Check::AgentState, failure.branch()),
                    failure.describe(),
                );
            }
            Settled::Failed(failure) => self.settle(
                Taken::new(Check::AgentState, failure.branch()),
                failure.describe(),
            ),
        }
    }

    pub(super) fn agent_label(&self, agent: &str) -> String {
        match self.found.user.as_ref().and_then(|u| u.name.clone()) {
            Some(name) => format!("{name} (agent {agent})"),
            None => format!("Agent {agent}"),
        }
    }

    /// The platform's `logged_out`: no other environment; a `LoggedOut` entry proves it, an
    /// empty answer ("no data") is reported with its caveat.
    pub(super) fn finish_logged_out_here(&mut self) {
        let agent = self.found.agent_id.clone().unwrap_or_default();
        let label = self.agent_label(&agent);
        let explicit = self.found.no_session_explicit;
        let mut finding = if explicit {
            format!("{label} is logged out: the agent-state API names the state LoggedOut, and the all-agents list shows no session either.")
        } else {
            format!("{label} has no active session that the API shows: the agent's own state call answered no state entry at all (not even LoggedOut), and the all-agents list shows no session.")
        };
        if !explicit {
            finding.push_str(" CXone lists a logged-out agent as a LoggedOut entry, so an empty answer means no data, not proof");
            match &self.found.list {
                Some(Ok(list)) if !list.is_empty() => finding.push_str(
                    "; the all-agents list does answer entries, so the access key can read states.",
                ),
                _ => finding.push_str(
                    "; if the agent is working, the access key's role may lack the permission to view agent states.",
                ),
            }
        }
        let decided_by = if explicit {
            Check::AgentState
        } else {
            Check::CrossCheck
        };
        self.finish_with(Verdict::LoggedOut, decided_by, finding, explicit);
    }
}
