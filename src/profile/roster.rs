//! What a team sweep reads from the lists: the Admin agent list as a roster (every agent the
//! key's user may see, with team and flags) and the all-agents state list with the columns a
//! table shows. Shared by both profiles; each says whether it has a roster at all.

use super::{id_of, text_of};
use serde_json::Value;

/// Fields the sweep asks of the Admin agent list (`fields=`): the mapping's and the table's.
pub const ROSTER_FIELDS: &str =
    "agentId,userID,firstName,lastName,userName,isActive,locked,teamId,teamName";

/// One agent of the roster (the Admin agent list).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterAgent {
    /// The numeric agent ID.
    pub agent_id: String,
    /// The user's ID (`userID`/`userId`), when given.
    pub user_id: Option<String>,
    /// First and last name (else the user name), when given.
    pub name: Option<String>,
    /// `teamId`, when given.
    pub team_id: Option<String>,
    /// `teamName`, when given.
    pub team: Option<String>,
    /// `isActive`, when given.
    pub active: Option<bool>,
    /// `locked`, when given.
    pub locked: Option<bool>,
}

/// One page of the roster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterPage {
    /// The agents on the page.
    pub agents: Vec<RosterAgent>,
    /// `hiddenAgents`: agents that exist but the key's user may not see, when given.
    pub hidden: Option<u64>,
}

/// One entry of the all-agents state list, with what a table shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateRow {
    /// The agent's ID.
    pub agent_id: String,
    /// The state's name; `None` when the entry carries no session (logged out).
    pub state: Option<String>,
    /// Since when (`startDate`, `since`), when given.
    pub since: Option<String>,
    /// The user's ID, when the entry names it.
    pub user_id: Option<String>,
    /// The agent's name, when the entry names it.
    pub name: Option<String>,
    /// `teamId`, when given.
    pub team_id: Option<String>,
    /// `teamName`, when given.
    pub team: Option<String>,
}

/// A page of the Admin agent list as its two readers take it apart, the agent lookup
/// (`read_agent_lookup`) and the roster (`read_roster`): the object holding the agents, the
/// fields that may hold them, and `hiddenAgents`.
pub struct AgentPage<'a> {
    /// The older answers' `resultSet` object, else the body itself.
    pub holder: &'a Value,
    /// `hiddenAgents`: agents that exist but the key's user may not see, when given.
    pub hidden: Option<u64>,
}

impl<'a> AgentPage<'a> {
    /// Takes apart `body`, an answer of the Admin agent list.
    pub fn of(body: &'a Value) -> Self {
        let holder = result_set(body);
        AgentPage {
            holder,
            hidden: id_of(holder.get("hiddenAgents")).and_then(|h| h.parse().ok()),
        }
    }

    /// The fields of the holder that may hold the agents, present ones only, in the order they
    /// are looked for: `agents`, `agent`, `entities`, `items`.
    pub fn agent_fields(&self) -> impl Iterator<Item = &'a Value> {
        let map = self.holder.as_object();
        ["agents", "agent", "entities", "items"]
            .into_iter()
            .filter_map(move |key| map?.get(key))
    }
}

/// What a platform answer wraps in `resultSet` (the older answers), else the body itself.
pub fn result_set(body: &Value) -> &Value {
    match body.get("resultSet") {
        Some(inner) if inner.is_object() => inner,
        _ => body,
    }
}

/// A boolean from JSON: `true`/`false`, or the strings and numbers some answers use for them.
pub fn flag_of(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") || s == "1" => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") || s == "0" => Some(false),
        Value::Number(n) => n.as_u64().map(|n| n != 0),
        _ => None,
    }
}

/// `firstName lastName`, else `name`, else `userName`.
pub fn name_of(entry: &Value) -> Option<String> {
    let first = text_of(entry.get("firstName"));
    let last = text_of(entry.get("lastName"));
    match (first, last) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => text_of(entry.get("name")).or_else(|| text_of(entry.get("userName"))),
    }
}

/// The columns every state entry may carry besides its state, read tolerantly.
pub fn state_row(entry: &Value, agent_id: String, state: Option<String>) -> StateRow {
    StateRow {
        agent_id,
        state,
        since: text_of(entry.get("startDate"))
            .or_else(|| text_of(entry.get("since")))
            .or_else(|| entry.get("state").and_then(|s| text_of(s.get("since")))),
        user_id: id_of(entry.get("userId")).or_else(|| id_of(entry.get("userID"))),
        name: name_of(entry),
        team_id: id_of(entry.get("teamId")),
        team: text_of(entry.get("teamName")).or_else(|| text_of(entry.get("team"))),
    }
}

/// The state rows as the diagnosis' all-agents list reads them: ID and state only.
pub fn listed(rows: Vec<StateRow>) -> Vec<super::ListedAgent> {
    rows.into_iter()
        .map(|row| super::ListedAgent {
            agent_id: row.agent_id,
            state: row.state,
        })
        .collect()
}

/// A roster record read tolerantly; `None` without an agent ID.
pub fn roster_agent(entry: &Value) -> Option<RosterAgent> {
    Some(RosterAgent {
        agent_id: id_of(entry.get("agentId"))?,
        user_id: id_of(entry.get("userID")).or_else(|| id_of(entry.get("userId"))),
        name: name_of(entry),
        team_id: id_of(entry.get("teamId")),
        team: text_of(entry.get("teamName")),
        active: flag_of(entry.get("isActive")),
        locked: flag_of(entry.get("locked")),
    })
}
