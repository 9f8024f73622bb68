//! API profiles: where each call of the diagnosis goes and how each answer is read.
//!
//! The engine's checks are the same for every profile; a profile only decides the URLs, the
//! headers and bodies of the calls, and how the JSON of each answer is read. Reading is tolerant
//! everywhere: unknown fields are ignored, IDs may be strings or numbers, `null` counts as absent,
//! lists may be wrapped in `{"entities": [...]}` or bare.
//!
//! Only [`guide`] exists today. The `platform` profile (discovery, access keys) will implement the
//! same [`ApiProfile`] trait; [`for_profile`] answers `None` for it until then.

pub mod guide;

use crate::inputs::{Environment, Inputs, Profile};
use serde_json::Value;

/// HTTP method of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Method {
    /// `GET`
    #[serde(rename = "GET")]
    Get,
    /// `POST`
    #[serde(rename = "POST")]
    Post,
}

impl Method {
    /// The method as it goes on the wire (`GET`, `POST`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One call as a profile lays it out: the API URL (never relay-wrapped), headers and body.
#[derive(Clone, PartialEq, Eq)]
pub struct Call {
    /// The method.
    pub method: Method,
    /// The API's own URL; the transport applies the relay template.
    pub url: String,
    /// Request headers, credentials included (the engine redacts them in evidence).
    pub headers: Vec<(String, String)>,
    /// The request body, if any.
    pub body: Option<String>,
}

/// What a token answer says, read tolerantly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenAnswer {
    /// The bearer token for the API calls.
    pub access_token: String,
    /// Seconds the token lives, when the answer says (number or numeric string).
    pub expires_in: Option<u64>,
    /// `token_type`, when given.
    pub token_type: Option<String>,
    /// The scopes the answer's `scope` field names (space-separated string or array), if present.
    pub scope: Option<Vec<String>>,
}

/// A user record, read tolerantly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserRecord {
    /// The user's ID as the record states it.
    pub id: Option<String>,
    /// The display name.
    pub name: Option<String>,
    /// The agent's ID; `None` when absent, `null` or `""` (the user is not an agent).
    pub agent_id: Option<String>,
    /// True when the answer held no user fields at all (a silent empty `{}`).
    pub empty: bool,
}

/// What an agent's own state endpoint says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgentState {
    /// `{}`, `[]`, an empty body, a `null` state, or a state named "Logged Out": no active session.
    NoSession,
    /// An active session.
    Active {
        /// The state's name (e.g. `Available`).
        state: String,
        /// The skill group's name, when given.
        skill_group: Option<String>,
    },
}

/// One entry of the all-agents state list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedAgent {
    /// The agent's ID, as a string whatever its JSON type.
    pub agent_id: String,
    /// The state's name; `None` when the entry carries no session.
    pub state: Option<String>,
}

/// Where a profile's calls go and how their answers are read. The engine drives the checks.
pub trait ApiProfile {
    /// The API host used for `environment` (shown in the tree).
    fn host(&self, inputs: &Inputs, environment: Environment) -> String;
    /// The call that obtains a token with the client credentials.
    fn token_call(&self, inputs: &Inputs, environment: Environment) -> Call;
    /// The user lookup.
    fn user_call(
        &self,
        inputs: &Inputs,
        environment: Environment,
        user_id: &str,
        token: &str,
    ) -> Call;
    /// The agent's own state endpoint.
    fn agent_state_call(
        &self,
        inputs: &Inputs,
        environment: Environment,
        agent_id: &str,
        token: &str,
    ) -> Call;
    /// The all-agents state list.
    fn state_list_call(&self, inputs: &Inputs, environment: Environment, token: &str) -> Call;
    /// The environment to try when the state is empty, or why there is none to try.
    fn other_environment(&self, inputs: &Inputs) -> Result<Environment, String>;
    /// Reads a 2xx token answer; `None` when it carries no access token.
    fn read_token(&self, body: &Value) -> Option<TokenAnswer>;
    /// Reads a 2xx user answer.
    fn read_user(&self, body: &Value) -> UserRecord;
    /// Reads a 2xx agent-state answer (`{}` stands for an empty body).
    fn read_agent_state(&self, body: &Value) -> AgentState;
    /// Reads a 2xx state list; `None` when the JSON is not a list in any accepted shape.
    fn read_state_list(&self, body: &Value) -> Option<Vec<ListedAgent>>;
}

/// The profile implementation for `profile`, or `None` while it is not implemented (`platform`).
pub fn for_profile(profile: Profile) -> Option<&'static dyn ApiProfile> {
    match profile {
        Profile::Guide => Some(&guide::Guide),
        Profile::Platform => None,
    }
}

/// An ID from JSON: a non-empty string (trimmed) or a number; `null`, `""` and others are absent.
pub fn id_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A text field from JSON: a non-empty string, or a number or boolean written out.
pub fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Scopes from a JSON value: a string split on spaces and commas, or an array of strings.
pub fn scopes_of(value: Option<&Value>) -> Option<Vec<String>> {
    match value? {
        Value::String(s) => Some(
            s.split([' ', ',', '\t', '\n'])
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str())
                .flat_map(|s| s.split_whitespace())
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    }
}

/// The entries of a list answer: a bare array, or the array under `entities` (or `items`/`data`).
pub fn entries_of(value: &Value) -> Option<&Vec<Value>> {
    match value {
        Value::Array(items) => Some(items),
        Value::Object(map) => ["entities", "items", "data", "agentStates"]
            .iter()
            .find_map(|key| map.get(*key).and_then(Value::as_array)),
        _ => None,
    }
}

/// Whether two IDs are the same agent or user: compared as trimmed strings, ignoring case (UUIDs).
pub fn same_id(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}
