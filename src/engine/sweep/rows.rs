//! How the lists and lookups become one row per agent, each with its finding in the verdict
//! vocabulary. Pure reading of what the sweep gathered: no request is decided here.

use super::{Job, Looked, Sweep, SweepTarget};
use crate::engine::verdict::Verdict;
use crate::profile::{same_id, IdKind, RosterAgent, StateRow};

/// One agent of a sweep, as the Team view's table shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SweepRow {
    /// The ID as pasted, for a sweep of pasted IDs.
    pub typed: Option<String>,
    /// The agent ID, when known.
    pub agent_id: Option<String>,
    /// The user ID, when known.
    pub user_id: Option<String>,
    /// The agent's name, when known.
    pub name: String,
    /// The team's name (or ID), when known.
    pub team: String,
    /// The state's name, `LoggedOut` without a session, empty when unknown.
    pub state: String,
    /// Since when the state holds, when the list says.
    pub since: String,
    /// The finding, in the verdict vocabulary.
    pub finding: Verdict,
}

impl SweepRow {
    /// The ID a row stands for: the agent ID, else the ID pasted, else empty.
    pub fn key(&self) -> &str {
        self.agent_id
            .as_deref()
            .or(self.typed.as_deref())
            .unwrap_or_default()
    }

    /// A pasted ID that could not be read (`finding` the reason, `rate_limited` without one).
    pub(super) fn unread(id: &str, finding: Option<Verdict>) -> SweepRow {
        SweepRow {
            typed: Some(id.to_string()),
            agent_id: None,
            user_id: None,
            name: String::new(),
            team: String::new(),
            state: String::new(),
            since: String::new(),
            finding: finding.unwrap_or(Verdict::RateLimited),
        }
    }

    fn from_state(state: &StateRow, typed: Option<&str>) -> SweepRow {
        SweepRow {
            typed: typed.map(str::to_string),
            agent_id: Some(state.agent_id.clone()),
            user_id: state.user_id.clone(),
            name: state.name.clone().unwrap_or_default(),
            team: state
                .team
                .clone()
                .or(state.team_id.clone())
                .unwrap_or_default(),
            state: state.state.clone().unwrap_or_else(|| "LoggedOut".into()),
            since: state.since.clone().unwrap_or_default(),
            finding: if state.state.is_some() {
                Verdict::LoggedIn
            } else {
                Verdict::LoggedOut
            },
        }
    }
}

/// True when the roster record or state entry belongs to team `team` (ID, or name ignoring case).
fn in_team(team: &str, id: Option<&String>, name: Option<&String>) -> bool {
    id.is_some_and(|i| same_id(i, team))
        || name.is_some_and(|n| n.trim().eq_ignore_ascii_case(team.trim()))
}

impl Sweep {
    /// The row of a roster record, its state from the state list.
    fn row_of_roster(&self, agent: &RosterAgent, typed: Option<&str>) -> SweepRow {
        let state = self.state_of(&agent.agent_id);
        let session = state.and_then(|s| s.state.clone());
        let finding = match (agent.active, agent.locked, &session) {
            // The record says the agent cannot log in, yet a session shows.
            (Some(false), _, Some(_)) | (_, Some(true), Some(_)) => Verdict::InconsistentState,
            (Some(false), _, None) => Verdict::AgentInactive,
            (_, Some(true), None) => Verdict::AgentLocked,
            (_, _, Some(_)) => Verdict::LoggedIn,
            (_, _, None) => Verdict::LoggedOut,
        };
        SweepRow {
            typed: typed.map(str::to_string),
            agent_id: Some(agent.agent_id.clone()),
            user_id: agent.user_id.clone(),
            name: agent
                .name
                .clone()
                .or_else(|| state.and_then(|s| s.name.clone()))
                .unwrap_or_default(),
            team: agent
                .team
                .clone()
                .or(agent.team_id.clone())
                .unwrap_or_default(),
            state: match (&session, state) {
                (Some(s), _) => s.clone(),
                (None, Some(_)) => "LoggedOut".into(),
                (None, None) => String::new(),
            },
            since: state.and_then(|s| s.since.clone()).unwrap_or_default(),
            finding,
        }
    }

    fn looked(&self, job: &Job) -> Option<&Looked> {
        self.looked.iter().find(|(j, _)| j == job).map(|(_, l)| l)
    }

    fn hidden_agents(&self) -> bool {
        self.hidden.is_some_and(|h| h > 0)
    }

    /// Every row of the finished sweep.
    pub(super) fn decide_rows(&mut self) -> Vec<SweepRow> {
        let has_roster = !self.roster.is_empty();
        match self.target.clone() {
            SweepTarget::All => {
                if !has_roster {
                    return self
                        .states_all()
                        .map(|s| SweepRow::from_state(s, None))
                        .collect();
                }
                let mut rows: Vec<SweepRow> = self
                    .roster_all()
                    .map(|r| self.row_of_roster(r, None))
                    .collect();
                // A state entry for an agent the roster does not show: the lists disagree.
                for state in self.states_all() {
                    if !self.roster_has_agent(&state.agent_id) {
                        let mut row = SweepRow::from_state(state, None);
                        row.finding = Verdict::InconsistentState;
                        rows.push(row);
                    }
                }
                rows
            }
            SweepTarget::Team(team) => {
                if has_roster {
                    return self
                        .roster_all()
                        .filter(|r| in_team(&team, r.team_id.as_ref(), r.team.as_ref()))
                        .map(|r| self.row_of_roster(r, None))
                        .collect();
                }
                if !self
                    .states_all()
                    .any(|s| s.team.is_some() || s.team_id.is_some())
                {
                    self.notes.push(
                        "This API's lists name no team: sweep all agents, or paste the team's IDs."
                            .into(),
                    );
                }
                self.states_all()
                    .filter(|s| in_team(&team, s.team_id.as_ref(), s.team.as_ref()))
                    .map(|s| SweepRow::from_state(s, None))
                    .collect()
            }
            SweepTarget::Ids(ids) => ids.iter().map(|id| self.row_for_id(id)).collect(),
        }
    }

    /// The row of a pasted ID: the roster or the state list when either shows it, else what
    /// its lookups found.
    fn row_for_id(&self, id: &str) -> SweepRow {
        if let Some(agent) = self.roster_entry(id) {
            return self.row_of_roster(agent, Some(id));
        }
        if let Some(state) = self.state_entry(id) {
            return SweepRow::from_state(state, Some(id));
        }
        let has_roster = !self.roster.is_empty();
        let mut row = SweepRow::unread(id, None);
        let as_agent = self.looked(&Job::AgentState(id.to_string()));
        row.finding = match self.looked(&Job::User(id.to_string())) {
            Some(Looked::User {
                agent_id,
                name,
                status,
            }) => {
                row.user_id = Some(id.to_string());
                row.name = name.clone().unwrap_or_default();
                let disabled = self.api.capabilities().account_status
                    && status
                        .as_deref()
                        .is_some_and(|s| !s.eq_ignore_ascii_case("ACTIVE"));
                match agent_id {
                    _ if disabled => Verdict::UserDisabled,
                    None if self.hidden_agents() => Verdict::AgentHidden,
                    None => Verdict::NotAnAgent,
                    Some(agent) => {
                        row.agent_id = Some(agent.clone());
                        match self.state_of(agent) {
                            Some(state) => {
                                let mut found = SweepRow::from_state(state, Some(id));
                                found.name = row.name.clone();
                                return found;
                            }
                            None if has_roster && !self.roster_has_agent(agent) => {
                                Verdict::AgentNotFound
                            }
                            // The list shows every logged-in agent: not in it is logged out.
                            None => {
                                row.state = "LoggedOut".into();
                                Verdict::LoggedOut
                            }
                        }
                    }
                }
            }
            Some(Looked::NoUser) => match as_agent {
                Some(Looked::State(state)) => is_agent_id(&mut row, id, state),
                _ => Verdict::UserNotFound,
            },
            Some(Looked::Failed(verdict, _)) => *verdict,
            Some(Looked::State(_) | Looked::NoAgent) => Verdict::UserNotFound,
            None => match as_agent {
                Some(Looked::State(state)) => is_agent_id(&mut row, id, state),
                Some(Looked::Failed(verdict, _)) => *verdict,
                _ if self.hidden_agents() => Verdict::AgentHidden,
                _ => Verdict::AgentNotFound,
            },
        };
        row
    }

    /// The lookups a sweep of pasted IDs needs once the lists are read: only IDs no list shows.
    pub(super) fn lookups_needed(&self) -> Vec<Job> {
        let SweepTarget::Ids(ids) = &self.target else {
            return Vec::new();
        };
        let has_roster = !self.roster.is_empty();
        ids.iter()
            .filter(|id| self.roster_entry(id).is_none() && self.state_entry(id).is_none())
            .filter_map(|id| {
                if self.api.could_be(id, IdKind::User) {
                    Some(Job::User(id.clone()))
                } else if !has_roster && self.api.could_be(id, IdKind::Agent) {
                    Some(Job::AgentState(id.clone()))
                } else {
                    // The roster, read whole, already says the agent is not there.
                    None
                }
            })
            .collect()
    }
}

/// The pasted ID turned out to be an agent ID, with this state (`None`: no session).
fn is_agent_id(row: &mut SweepRow, id: &str, state: &Option<String>) -> Verdict {
    row.agent_id = Some(id.to_string());
    row.state = state.clone().unwrap_or_else(|| "LoggedOut".into());
    if state.is_some() {
        Verdict::LoggedIn
    } else {
        Verdict::LoggedOut
    }
}
