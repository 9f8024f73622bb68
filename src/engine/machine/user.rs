//! The `user` and `agent_id` checks: does the user exist, and which agent ID is theirs (from the
//! user record, or the profile's agent lookup)? Decides `user_not_found`, `id_is_agent_id`,
//! `not_an_agent`, `missing_scope` for an empty user record without `user:read`, and the
//! platform's causes: `user_disabled` (User Hub's status), `agent_hidden` (`hiddenAgents`), and
//! `agent_inactive` / `agent_locked` (the agent record), the last two once the state calls show
//! no session (`finish_if_flagged`, called from `agent_state.rs`).

use super::failure::api_status_failure;
use super::round::{Slot, Target};
use super::{Diagnosis, Phase, Settled};
use crate::engine::check::{AgentIdBranch, Check, OtherEnvironmentBranch, Taken, UserBranch};
use crate::engine::classify::Failure;
use crate::engine::verdict::Verdict;
use crate::profile::{self, IdKind, UserRecord};

impl Diagnosis {
    /// After the token (and discovery): the user lookup and the all-agents list go out together
    /// (and the typed agent ID's state with them, when one was typed; on the platform also the
    /// agent lookup that maps the user to an agent ID, unless the id_token already does).
    pub(super) fn begin_lookup(&mut self) {
        let inputs = self.inputs().clone();
        let env = inputs.environment;
        let mut slots = Vec::new();
        if let Some(user) = &inputs.user_id {
            slots.push(Slot::new(Target::User(env, user.clone()), Check::User));
            let mapped = self.token_user_agent(user).is_some();
            if self.api().capabilities().agent_lookup && !mapped {
                slots.push(Slot::new(
                    Target::AgentLookup(env, user.clone(), 0),
                    Check::AgentId,
                ));
            }
        }
        slots.push(Slot::new(Target::StateList(env, 0), Check::StateList));
        if let Some(agent) = &inputs.agent_id {
            slots.push(Slot::new(
                Target::AgentState(env, agent.clone()),
                Check::AgentState,
            ));
        }
        self.phase = Phase::Lookup;
        self.round.slots = self.with_probe(slots);
    }

    /// The user lookup, every page of the lists and what went out beside them answered (the
    /// pages are read into `found` by `pages.rs`).
    pub(super) fn on_lookup_answered(&mut self, slots: Vec<Slot>) {
        let state = slots
            .iter()
            .find(|s| s.check == Check::AgentState)
            .map(|s| self.reading(s));
        let Some(user_slot) = slots.iter().find(|s| s.check == Check::User) else {
            // An agent ID given alone: its state went out with the list.
            return self.on_agent_state(state.expect("agent state slot"), true);
        };
        self.found.typed_state = state.clone();
        match self.reading(user_slot) {
            Settled::Json(json) => {
                let record = self.api().read_user(&json);
                self.on_user_found(record, state);
            }
            Settled::Status { status, .. } if self.api().is_unknown_id(status) => {
                self.on_user_not_found(status)
            }
            Settled::Status { status, detail, .. } => {
                self.fail(Check::User, api_status_failure(status, &detail))
            }
            Settled::Failed(failure) => {
                // When another call of the same round failed more fundamentally, that one speaks.
                let mut worst = (Check::User, failure.clone());
                for (check, reading) in [
                    (Check::AgentState, state.as_ref()),
                    (Check::AgentId, self.found.lookup.as_ref()),
                ] {
                    if let Some(Settled::Failed(other)) = reading {
                        if other.rank() < worst.1.rank() {
                            worst = (check, other.clone());
                        }
                    }
                }
                if worst.0 != Check::User {
                    // The user lookup was answered too: it shows its own failure.
                    self.settle(
                        Taken::new(Check::User, failure.branch()),
                        failure.describe(),
                    );
                }
                self.fail(worst.0, worst.1)
            }
        }
    }

    /// The user's agent ID when the user record does not name it (platform): from the agent
    /// lookup sent beside the user lookup, else the id_token when the user is the access key's
    /// own. `Err` when the lookup failed; `Ok((None, ..))` when nothing maps the user. The flag
    /// says the agent lookup's pages were read (`found.listing` holds them).
    fn mapped_agent(
        &mut self,
        user: &str,
    ) -> Result<(Option<String>, &'static str, bool), Failure> {
        let api = self.api();
        match self.found.lookup.take() {
            Some(Settled::Json(_)) => match &self.found.listing {
                Some(listing) => Ok((
                    listing.found.matched.as_ref().map(|r| r.agent_id.clone()),
                    "the Admin agent list",
                    true,
                )),
                None => Err(Failure::NotApi {
                    detail: "a 2xx answer to the agent lookup that is not a list of agents".into(),
                }),
            },
            Some(Settled::Status { status, .. }) if api.is_unknown_id(status) => {
                Ok((None, "the Admin agent lookup", false))
            }
            Some(Settled::Status { status, detail, .. }) => {
                Err(api_status_failure(status, &detail))
            }
            Some(Settled::Failed(failure)) => Err(failure),
            None => Ok((
                self.token_user_agent(user),
                "the id_token's icAgentId (the access key's own user)",
                false,
            )),
        }
    }

    /// The agent ID the `id_token` gives for `user`, when `user` is the access key's own user
    /// (`userId`, else `sub` without its `user:` prefix) and the token names its `icAgentId`
    /// (optional: NICE's published sample has none).
    pub(super) fn token_user_agent(&self, user: &str) -> Option<String> {
        let claims = self.token.id_claims.as_ref()?;
        let own = profile::id_of(claims.get("userId")).or_else(|| {
            profile::id_of(claims.get("sub"))
                .map(|sub| sub.strip_prefix("user:").unwrap_or(&sub).to_string())
        })?;
        let agent = profile::id_of(claims.get("icAgentId")).filter(|a| a != "0")?;
        profile::same_id(&own, user).then_some(agent)
    }

    /// The user lookup found a record: its agent ID (or the lookup's) is the one to ask about.
    fn on_user_found(&mut self, mut record: UserRecord, typed_state: Option<Settled>) {
        let inputs = self.inputs().clone();
        let caps = self.api().capabilities();
        let name = record.name.clone().unwrap_or_else(|| "(no name)".into());
        let disabled = record
            .status
            .clone()
            .filter(|s| caps.account_status && !s.eq_ignore_ascii_case("ACTIVE"));
        if let Some(status) = disabled {
            // A user who cannot sign in names the cause, whatever the agent lists say.
            self.found.user = Some(record.clone());
            self.settle(
                UserBranch::Disabled,
                format!("Found the user: {name}, but User Hub's status is {status}, not ACTIVE."),
            );
            let finding = format!(
                "User {name} has the status {status} in User Hub, not ACTIVE: they cannot sign in."
            );
            return self.finish(Verdict::UserDisabled, Check::User, finding);
        }
        if record.empty {
            self.settle(
                UserBranch::Empty,
                "The user lookup answered 200 with an empty record.",
            );
        } else {
            let status = match &record.status {
                Some(status) if caps.account_status => format!(" (status {status})"),
                _ => String::new(),
            };
            self.settle(
                UserBranch::Found,
                format!("Found the user: {name}{status}."),
            );
        }
        let user_id = inputs.user_id.clone().unwrap_or_default();
        let mut source = "the user record";
        let mut from_listing = false;
        if record.agent_id.is_none() {
            match self.mapped_agent(&user_id) {
                Ok((agent, from, listed)) => {
                    record.agent_id = agent;
                    source = from;
                    from_listing = listed;
                }
                Err(failure) => {
                    self.found.user = Some(record);
                    return self.fail(Check::AgentId, failure);
                }
            }
        } else {
            // The record named the agent: the lookup beside it is not needed.
            self.found.lookup = None;
        }
        self.found.user = Some(record.clone());
        let listing = self.found.listing.clone().filter(|_| from_listing);
        if record.agent_id.is_none() {
            if let Some(listing) = &listing {
                if listing.cut {
                    let read = listing.found.entries;
                    let total = listing
                        .total
                        .map(|t| format!(" of {t}"))
                        .unwrap_or_default();
                    let summary = format!("User {user_id} was not found in the first {read}{total} agents of the Admin agent list ({} page(s) read, the bound): whether they are an agent could not be told.", listing.pages);
                    self.settle(AgentIdBranch::BeyondBound, summary);
                    let finding = format!("Could not tell whether {name} is an agent: not found in the first {read}{total} agents of the Admin agent list, and the list goes on past the pages this page reads. Look the user up in CXone Admin > Users, or type their numeric agent ID in the Agent ID field.");
                    return self.finish_with(Verdict::Inconclusive, Check::AgentId, finding, false);
                }
                if let Some(hidden) = listing.found.hidden.filter(|h| *h > 0) {
                    let summary = format!("No agent the access key's user can see maps to user {user_id}, and the Admin agent list reports {hidden} hidden agent(s) (hiddenAgents).");
                    self.settle(AgentIdBranch::Hidden, summary);
                    let finding = format!("User {name} exists in User Hub, but no agent list the access key's user can see has their agent, and {hidden} agent(s) are hidden from that user (hiddenAgents).");
                    return self.finish(Verdict::AgentHidden, Check::AgentId, finding);
                }
            }
        }
        let Some(agent) = record.agent_id.clone() else {
            let summary = if caps.agent_lookup {
                format!("No agent maps to this user: {source} names no agent whose user ID is {user_id}, and the User Hub record names none.")
            } else {
                "The user record has no agentId (absent, null or empty).".to_string()
            };
            self.settle(AgentIdBranch::NotAnAgent, summary);
            if record.empty && self.lacks_scope("user:read") {
                let finding =
                    "The user lookup answered an empty record and the token lacks user:read."
                        .to_string();
                return self.finish(Verdict::MissingScope, Check::User, finding);
            }
            let finding = format!("User {name} exists but has no agent ID.");
            return self.finish(Verdict::NotAnAgent, Check::AgentId, finding);
        };
        // The agent record's own flags: a cause, once the state calls show no session.
        let matched = listing.as_ref().and_then(|l| l.found.matched.clone());
        let inactive = matched.as_ref().is_some_and(|m| m.active == Some(false));
        let locked = matched.as_ref().is_some_and(|m| m.locked == Some(true));
        self.found.agent_flag = if inactive {
            Some(Verdict::AgentInactive)
        } else if locked {
            Some(Verdict::AgentLocked)
        } else {
            None
        };
        match &inputs.agent_id {
            Some(typed) if profile::same_id(typed, &agent) => self.settle(
                AgentIdBranch::Matches,
                format!("The agent ID given is the user's agentId: {agent}."),
            ),
            Some(typed) => self.settle(
                AgentIdBranch::Mismatch,
                format!("The user's agentId is {agent}, not {typed} as given; using {agent}."),
            ),
            None if caps.agent_lookup => {
                if inactive {
                    self.settle(
                        AgentIdBranch::Inactive,
                        format!("The user's agent ID is {agent} (from {source}), and the agent record is inactive (isActive: false)."),
                    );
                } else if locked {
                    self.settle(
                        AgentIdBranch::Locked,
                        format!("The user's agent ID is {agent} (from {source}), and the agent record is locked (locked: true)."),
                    );
                } else {
                    self.settle(
                        AgentIdBranch::Present,
                        format!("The user's agent ID is {agent} (from {source})."),
                    );
                }
            }
            None => self.settle(
                AgentIdBranch::Present,
                format!("The user's agentId is {agent}."),
            ),
        }
        self.found.agent_id = Some(agent.clone());
        match (typed_state, &inputs.agent_id) {
            (Some(reading), Some(typed)) if profile::same_id(typed, &agent) => {
                self.on_agent_state(reading, false)
            }
            _ => {
                let env = inputs.environment;
                self.phase = Phase::AgentState;
                self.round.slots =
                    vec![Slot::new(Target::AgentState(env, agent), Check::AgentState)];
            }
        }
    }

    /// A hint, as a sentence, when `id` has the shape of the other kind of ID than `kind`.
    pub(super) fn shape_hint(&self, id: &str, kind: IdKind) -> String {
        self.api()
            .id_shape_hint(id, kind)
            .map(|h| format!(" ({h})"))
            .unwrap_or_default()
    }

    /// The user lookup found no user (`status`): is the ID an agent ID?
    fn on_user_not_found(&mut self, status: u16) {
        let user = self.inputs().user_id.clone().unwrap_or_default();
        self.found.no_such_user = true;
        let listed = match &self.found.list {
            Some(Ok(list)) => list.iter().any(|a| profile::same_id(&a.agent_id, &user)),
            _ => false,
        };
        let hint = self.shape_hint(&user, IdKind::User);
        if listed {
            self.settle(
                UserBranch::IsAgentId,
                format!("No user {user} ({status}), but the all-agents list has an agent with this ID{hint}."),
            );
            let finding = format!(
                "{user} is not a user ID ({status}), but the all-agents list shows it as an agent ID{hint}."
            );
            return self.finish(Verdict::IdIsAgentId, Check::User, finding);
        }
        if !self.api().could_be(&user, IdKind::Agent) {
            let why = format!("by its shape it cannot be an agent ID either ({user} is no number, and CXone agent IDs are numbers)");
            self.settle(
                UserBranch::NotFound,
                format!("No user {user} ({status}); {why}."),
            );
            let finding = format!("The user lookup answers {status} for {user}, and {why}.");
            return self.finish(Verdict::UserNotFound, Check::User, finding);
        }
        // Try the same ID as an agent ID before calling it unknown.
        let env = self.inputs().environment;
        self.phase = Phase::UserIdAsAgent { status };
        self.round.slots = vec![Slot::new(Target::AgentState(env, user), Check::User)];
    }

    /// The user ID, unknown as a user (`status`), was tried as an agent ID.
    pub(super) fn on_user_id_as_agent(&mut self, slots: Vec<Slot>, status: u16) {
        let user = self.inputs().user_id.clone().unwrap_or_default();
        let hint = self.shape_hint(&user, IdKind::User);
        match self.reading(&slots[0]) {
            Settled::Json(json) if self.api().knows_agent(&json) => {
                self.settle(
                    UserBranch::IsAgentId,
                    format!("No user {user} ({status}), but the agent-state endpoint knows it as an agent ID{hint}."),
                );
                let finding = format!(
                    "{user} is not a user ID ({status}), but it answers the agent-state endpoint{hint}."
                );
                self.finish(Verdict::IdIsAgentId, Check::User, finding);
            }
            other => {
                let api = self.api();
                let tried = match other {
                    Settled::Status { status, .. } if api.is_unknown_id(status) => {
                        format!("it is no agent ID either ({status})")
                    }
                    Settled::Json(_) => {
                        "it is no agent ID either (the agent-state endpoint answers no state for it)"
                            .to_string()
                    }
                    Settled::Status { status, .. } => {
                        format!("trying it as an agent ID answered {status}")
                    }
                    Settled::Failed(f) => {
                        format!("trying it as an agent ID failed: {}", f.describe())
                    }
                };
                self.settle(
                    UserBranch::NotFound,
                    format!("No user {user} ({status}); {tried}."),
                );
                let finding = format!("The user lookup answers {status} for {user}, and {tried}.");
                self.finish(Verdict::UserNotFound, Check::User, finding);
            }
        }
    }

    /// Ends in the cause the agent record named (`agent_inactive`, `agent_locked`), if it did:
    /// it wins over a missing session and an unknown agent ID.
    pub(super) fn finish_if_flagged(&mut self, agent: &str) -> bool {
        let Some(verdict) = self.found.agent_flag else {
            return false;
        };
        let who = self.agent_label(agent);
        let what = match verdict {
            Verdict::AgentInactive => "is inactive (isActive: false in the Admin agent list)",
            _ => "is locked (locked: true in the Admin agent list)",
        };
        self.settle_other(
            OtherEnvironmentBranch::NotNeeded,
            "Not asked: the agent record names the cause.",
        );
        let finding =
            format!("{who} {what}, and the API shows no session: the agent cannot log in.");
        self.finish(verdict, Check::AgentId, finding);
        true
    }
}
