//! The `other_environment` check (profiles with a Production/DevTest pair): when the state here
//! is empty, is the agent logged in on the other environment? Decides `wrong_environment`, and
//! `logged_out` once the other environment was asked (or could not be).

use super::failure::describe;
use super::round::{Slot, Target};
use super::{Diagnosis, Phase, Settled};
use crate::engine::check::{Check, OtherEnvironmentBranch};
use crate::engine::verdict::Verdict;
use crate::inputs::Environment;
use crate::profile::{AgentState, TokenVia};

/// What the other environment showed, for the `logged_out` finding.
enum Elsewhere {
    /// Asked: no session there either.
    NoSession(Environment),
    /// Not asked, or the calls there failed: why.
    Unknown(String),
}

impl Diagnosis {
    /// Settles `other_environment`, unless the profile has no other environment (then it was
    /// settled `no_environments` at the start).
    pub(super) fn settle_other(&mut self, branch: OtherEnvironmentBranch, summary: &str) {
        if self.api().capabilities().environments {
            self.settle(branch, summary);
        }
    }

    /// The state here is empty and readable: ask the other environment, where there is one.
    pub(super) fn begin_other_environment(&mut self) {
        if !self.api().capabilities().environments {
            return self.finish_logged_out_here();
        }
        match self.api().other_environment(self.inputs()) {
            Err(reason) => {
                self.settle(OtherEnvironmentBranch::SameHost, reason.clone());
                self.finish_logged_out(Elsewhere::Unknown(reason));
            }
            Ok(env) => {
                self.phase = Phase::OtherToken { env };
                self.round.slots = vec![Slot::new(
                    Target::Token(env, TokenVia::default()),
                    Check::OtherEnvironment,
                )];
            }
        }
    }

    /// The other environment could not be asked: `logged_out`, saying why.
    fn other_unknown(&mut self, env: Environment, why: String) {
        let summary = format!("Could not check {}: {why}", env.label());
        self.settle(OtherEnvironmentBranch::CouldNotCheck, summary.clone());
        self.finish_logged_out(Elsewhere::Unknown(summary));
    }

    /// No session on the other environment either: `logged_out`, decided there.
    fn other_logged_out(&mut self, env: Environment, why: String) {
        let summary = format!("No session on {} either: {why}", env.label());
        self.settle(OtherEnvironmentBranch::LoggedOut, summary);
        self.finish_logged_out(Elsewhere::NoSession(env));
    }

    /// The other environment's token call answered.
    pub(super) fn on_other_token(&mut self, slots: Vec<Slot>, env: Environment) {
        let reading = self.reading(&slots[0]);
        let answer = match &reading {
            Settled::Json(json) => self.api().read_token(json),
            _ => None,
        };
        let Some(answer) = answer else {
            return self.other_unknown(
                env,
                format!(
                    "its token endpoint did not issue a token ({}).",
                    describe(&reading)
                ),
            );
        };
        self.redactor.add(answer.access_token.clone());
        let token = answer.access_token;
        let inputs = self.inputs().clone();
        match (&inputs.user_id, &inputs.agent_id) {
            (Some(user), _) => {
                self.phase = Phase::OtherUser { env, token };
                self.round.slots = vec![Slot::new(
                    Target::User(env, user.clone()),
                    Check::OtherEnvironment,
                )];
            }
            (None, Some(agent)) => {
                self.phase = Phase::OtherState { env, token };
                self.round.slots = vec![Slot::new(
                    Target::AgentState(env, agent.clone()),
                    Check::OtherEnvironment,
                )];
            }
            (None, None) => self.other_unknown(env, "no ID to look up.".into()),
        }
    }

    /// The user lookup on the other environment answered.
    pub(super) fn on_other_user(&mut self, slots: Vec<Slot>, env: Environment, token: String) {
        match self.reading(&slots[0]) {
            Settled::Json(json) => match self.api().read_user(&json).agent_id {
                Some(agent) => {
                    self.phase = Phase::OtherState { env, token };
                    self.round.slots = vec![Slot::new(
                        Target::AgentState(env, agent),
                        Check::OtherEnvironment,
                    )];
                }
                None => self.other_logged_out(env, "the user is not an agent there.".into()),
            },
            Settled::Status { status: 404, .. } => {
                self.other_logged_out(env, "the user does not exist there (404).".into())
            }
            other => self.other_unknown(
                env,
                format!("the user lookup there failed ({}).", describe(&other)),
            ),
        }
    }

    /// The agent's state on the other environment answered.
    pub(super) fn on_other_state(&mut self, slots: Vec<Slot>, env: Environment) {
        let other = env.label();
        match self.reading(&slots[0]) {
            Settled::Json(json) => match self.api().read_agent_state(&json) {
                AgentState::Active { state, skill_group } => {
                    let group = skill_group
                        .map(|g| format!(", skill group {g}"))
                        .unwrap_or_default();
                    self.settle(
                        OtherEnvironmentBranch::LoggedIn,
                        format!("Logged in on {other}: state {state}{group}."),
                    );
                    let here = self.inputs().environment.label();
                    let finding =
                        format!("The agent has no session on {here}, but is logged in on {other} (state {state}{group}).");
                    self.finish(Verdict::WrongEnvironment, Check::OtherEnvironment, finding);
                }
                AgentState::NoSession => {
                    self.other_logged_out(env, "its state endpoint answers no session.".into())
                }
            },
            Settled::Status { status: 404, .. } => {
                self.other_logged_out(env, "the agent ID is unknown there (404).".into())
            }
            other => self.other_unknown(
                env,
                format!("the state call there failed ({}).", describe(&other)),
            ),
        }
    }

    /// `logged_out` where there is another environment: decided by `other_environment` when it
    /// was asked and showed no session either, by `cross_check` when it could not be asked.
    fn finish_logged_out(&mut self, elsewhere: Elsewhere) {
        let agent = self.found.agent_id.clone().unwrap_or_default();
        let here = self.inputs().environment.label();
        let mut finding = format!(
            "{} has no active session on {here}",
            self.agent_label(&agent)
        );
        let decided_by = match &elsewhere {
            Elsewhere::NoSession(env) => {
                finding.push_str(&format!(" or {}.", env.label()));
                Check::OtherEnvironment
            }
            Elsewhere::Unknown(note) => {
                finding.push_str(&format!(". {note}"));
                Check::CrossCheck
            }
        };
        let scopes_known = self.token.scopes.is_some();
        if !scopes_known {
            finding.push_str(" The token's scopes could not be read, so an empty answer caused by a missing agent:state:read cannot be ruled out");
            match &self.found.list {
                Some(Ok(list)) if list.iter().any(|a| a.state.is_some()) => finding.push_str(
                    "; but the all-agents list shows other agents, so the token can read states.",
                ),
                _ => finding.push('.'),
            }
        }
        // "The scopes are fine" would overstate what is known when they could not be read.
        self.finish_with(Verdict::LoggedOut, decided_by, finding, scopes_known);
    }
}
