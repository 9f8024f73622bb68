//! What the simulated tenant knows: its users and agents, per scenario and environment, and the
//! JSON it answers about them.

use super::{Scenario, DEMO_AGENT_ID, DEMO_USER_ID};
use crate::inputs::Environment;
use crate::profile::same_id;
use serde_json::{json, Map, Value};

/// Dana's user ID, one digit off (the unknown-user scenario's form).
pub(crate) const TYPO_USER_ID: &str = "11111111-2222-3333-4444-555555555556";
/// The agent ID Dana's record points at in the agent-not-found scenario.
const MISSING_AGENT_ID: &str = "4999";

/// A session: the state's name and, optionally, the skill group (ID and name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Session {
    state: &'static str,
    skill: Option<(u32, &'static str)>,
    since: &'static str,
}

const AVAILABLE_BILLING: Session = Session {
    state: "Available",
    skill: Some((88, "Billing")),
    since: "2025-03-04T08:01:12Z",
};
const AVAILABLE_TRAINING: Session = Session {
    state: "Available",
    skill: Some((12, "Training")),
    since: "2025-03-04T07:45:03Z",
};
const UNAVAILABLE_LUNCH: Session = Session {
    state: "Unavailable",
    skill: None,
    since: "2025-03-04T11:30:40Z",
};
const WORKING_SUPPORT: Session = Session {
    state: "Working",
    skill: Some((91, "Support")),
    since: "2025-03-04T09:12:55Z",
};

/// How the user record gives its `agentId`.
#[derive(Clone, Debug, PartialEq)]
enum AgentRef {
    /// No `agentId` key at all.
    Absent,
    /// `"agentId": <value>` (a number, a string or `null`).
    Value(Value),
}

#[derive(Clone, Debug)]
struct User {
    id: &'static str,
    first: &'static str,
    last: &'static str,
    agent: AgentRef,
    team: Option<&'static str>,
}

#[derive(Clone, Debug)]
struct Agent {
    id: &'static str,
    user_id: &'static str,
    /// What the agent's own state endpoint says.
    own: Option<Session>,
    /// What the all-agents list says.
    listed: Option<Session>,
}

/// How the all-agents list is shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListShape {
    /// `{"entities": [...], "totalRecords": n, ...}`
    Entities,
    /// `[...]`
    Bare,
}

/// How the agent's own state endpoint says "no session".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NoSession {
    /// `200 {}`
    EmptyObject,
    /// `204` with no body.
    NoContent,
}

/// One environment of the tenant, as one scenario sees it.
pub(crate) struct Directory {
    users: Vec<User>,
    agents: Vec<Agent>,
    list: ListShape,
    no_session: NoSession,
}

/// An answer before headers: a status and a JSON body, or no body at all.
pub(crate) enum Body {
    Json(u16, Value),
    Empty(u16),
}

fn dana(agent: AgentRef) -> User {
    User {
        id: DEMO_USER_ID,
        first: "Dana",
        last: "Whitfield",
        agent,
        team: Some("Billing East"),
    }
}

fn dana_agent(own: Option<Session>, listed: Option<Session>) -> Agent {
    Agent {
        id: DEMO_AGENT_ID,
        user_id: DEMO_USER_ID,
        own,
        listed,
    }
}

impl Directory {
    /// What `environment` holds in `scenario`.
    pub(crate) fn of(scenario: Scenario, environment: Environment) -> Directory {
        let mut dana_user = dana(AgentRef::Value(json!(4021)));
        let mut dana_state = dana_agent(Some(AVAILABLE_BILLING), Some(AVAILABLE_BILLING));
        let mut list = ListShape::Entities;
        let mut no_session = NoSession::EmptyObject;
        if environment == Environment::Devtest {
            // DevTest has the same people; nobody is logged in there unless the story says so.
            dana_user.agent = AgentRef::Value(json!("4021"));
            dana_state = dana_agent(None, None);
        }
        match (scenario, environment) {
            (Scenario::LoggedOut, Environment::Prod) => {
                dana_user.agent = AgentRef::Value(json!("4021"));
                dana_state = dana_agent(None, None);
                list = ListShape::Bare;
            }
            (Scenario::LoggedOut, Environment::Devtest) => no_session = NoSession::NoContent,
            (Scenario::WrongEnvironment, Environment::Prod) => dana_state = dana_agent(None, None),
            (Scenario::WrongEnvironment, Environment::Devtest) => {
                dana_state = dana_agent(Some(AVAILABLE_TRAINING), Some(AVAILABLE_TRAINING));
            }
            (Scenario::InconsistentState, _) => dana_state.own = None,
            (Scenario::IdIsAgentId, _) => dana_state = dana_agent(None, None),
            (Scenario::NotAnAgent, _) => dana_user.agent = AgentRef::Value(Value::Null),
            (Scenario::AgentNotFound, _) => {
                dana_user.agent = AgentRef::Value(json!(MISSING_AGENT_ID));
            }
            _ => {}
        }
        let others_working = environment == Environment::Prod;
        Directory {
            users: vec![
                dana_user,
                User {
                    id: "22222222-3333-4444-5555-666666666666",
                    first: "Sam",
                    last: "Okafor",
                    agent: AgentRef::Value(json!("4007")),
                    team: None,
                },
                User {
                    id: "33333333-4444-5555-6666-777777777777",
                    first: "Pat",
                    last: "Admin",
                    agent: AgentRef::Absent,
                    team: Some("Administrators"),
                },
            ],
            agents: vec![
                dana_state,
                Agent {
                    id: "4007",
                    user_id: "22222222-3333-4444-5555-666666666666",
                    own: others_working.then_some(UNAVAILABLE_LUNCH),
                    listed: others_working.then_some(UNAVAILABLE_LUNCH),
                },
                Agent {
                    id: "4133",
                    user_id: "44444444-5555-6666-7777-888888888888",
                    own: others_working.then_some(WORKING_SUPPORT),
                    listed: others_working.then_some(WORKING_SUPPORT),
                },
            ],
            list,
            no_session,
        }
    }

    /// `GET /api/v2/users/{id}`.
    pub(crate) fn user(&self, id: &str) -> Body {
        let Some(user) = self.users.iter().find(|u| same_id(u.id, id)) else {
            return Body::Json(
                404,
                json!({"error": "not_found", "message": "User not found", "userId": id}),
            );
        };
        let mut record = Map::new();
        record.insert("id".into(), json!(user.id));
        record.insert("firstName".into(), json!(user.first));
        record.insert("lastName".into(), json!(user.last));
        record.insert(
            "name".into(),
            json!(format!("{} {}", user.first, user.last)),
        );
        if let AgentRef::Value(agent) = &user.agent {
            record.insert("agentId".into(), agent.clone());
        }
        record.insert(
            "emailAddress".into(),
            json!(format!(
                "{}.{}@demo.example",
                user.first.to_lowercase(),
                user.last.to_lowercase()
            )),
        );
        record.insert("teamName".into(), json!(user.team));
        record.insert("status".into(), json!("ACTIVE"));
        record.insert("lastLogin".into(), Value::Null);
        record.insert("timeZone".into(), json!("America/Denver"));
        Body::Json(200, Value::Object(record))
    }

    /// `GET /api/v2/agents/{id}/state`.
    pub(crate) fn agent_state(&self, id: &str) -> Body {
        let Some(agent) = self.agents.iter().find(|a| same_id(a.id, id)) else {
            return Body::Json(
                404,
                json!({"error": "not_found", "message": "Agent not found", "agentId": id}),
            );
        };
        match agent.own {
            Some(session) => Body::Json(
                200,
                json!({
                    "agentId": number_or_string(agent.id),
                    "userId": agent.user_id,
                    "state": session_json(session, true),
                    "contactId": null,
                    "stationId": "S-201",
                }),
            ),
            None => match self.no_session {
                NoSession::EmptyObject => Body::Json(200, json!({})),
                NoSession::NoContent => Body::Empty(204),
            },
        }
    }

    /// `GET /api/v2/agents/states`: every agent the list shows in a session.
    pub(crate) fn state_list(&self) -> Body {
        let entries: Vec<Value> = self
            .agents
            .iter()
            .filter_map(|a| {
                a.listed.map(|session| {
                    json!({
                        "agentId": a.id,
                        "userId": a.user_id,
                        "state": session_json(session, false),
                        "since": session.since,
                        "teamName": null,
                    })
                })
            })
            .collect();
        match self.list {
            ListShape::Bare => Body::Json(200, Value::Array(entries)),
            ListShape::Entities => Body::Json(
                200,
                json!({
                    "totalRecords": entries.len(),
                    "entities": entries,
                    "_links": {"self": "/api/v2/agents/states", "next": null},
                }),
            ),
        }
    }
}

/// The state object; the agent's own endpoint gives the skill group's ID too.
fn session_json(session: Session, full: bool) -> Value {
    let mut state = json!({"name": session.state, "reason": null});
    if let Some((id, name)) = session.skill {
        state["skillGroup"] = if full {
            json!({"id": id, "name": name})
        } else {
            json!({"name": name})
        };
    }
    if full {
        state["since"] = json!(session.since);
    }
    state
}

/// An ID as a JSON number when it is one, as a string otherwise.
fn number_or_string(id: &str) -> Value {
    id.parse::<u64>()
        .map(Value::from)
        .unwrap_or_else(|_| json!(id))
}
