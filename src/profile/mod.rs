//! API profiles: where each call of the diagnosis goes and how each answer is read.
//!
//! The engine's checks are the same for every profile; a profile only decides the URLs, the
//! headers and bodies of the calls, and how the JSON of each answer is read. Reading is tolerant
//! everywhere: unknown fields are ignored, IDs may be strings or numbers, `null` counts as absent,
//! lists may be wrapped in `{"entities": [...]}` or bare.
//!
//! Two profiles implement the [`ApiProfile`] trait: [`guide`] (the troubleshooting guide's
//! layout) and [`platform`] (NICE CXone as NICE publishes it: access keys, discovery,
//! `incontactapi` and User Hub). Every method is implemented by each profile: no default stands
//! for one profile's behaviour. What the engine may ask beyond the calls is in [`Capabilities`].

pub mod guide;
pub mod platform;
pub mod roster;

pub use roster::{RosterAgent, RosterPage, StateRow};

use crate::engine::verdict::Verdict;
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
    /// The OpenID Connect `id_token` (a JWT), when the answer carries one (the platform's does).
    pub id_token: Option<String>,
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
    /// The account's status (`ACTIVE`, `BLOCKED`, `DELETED`, ...), when the record gives one.
    pub status: Option<String>,
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

/// What a profile's API offers beyond the calls every profile has; the engine asks these, never
/// which profile it runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// The API host is found after the token, by discovery (the `discovery` check); without it
    /// the host follows from the inputs alone.
    pub discovery: bool,
    /// A user is mapped to their agent ID by a call of its own (the agent lookup, sent beside the
    /// user lookup); without it the user record names the agent ID.
    pub agent_lookup: bool,
    /// The tenant has a Production/DevTest pair of hosts to compare (the `other_environment`
    /// check).
    pub environments: bool,
    /// The user record's `status` is the account's status (`ACTIVE`, `BLOCKED`, ...): shown
    /// beside the user's name, and any status but `ACTIVE` is the `user_disabled` verdict.
    pub account_status: bool,
    /// The lists (the all-agents states, the agent lookup) come in pages (`top`/`skip`,
    /// `totalRecords`, `_links.next`) and are read to the end within the engine's bound.
    pub paged_lists: bool,
    /// A 204, a 304 or an empty body from a state endpoint is "no data", not "no session": a
    /// cross-check against it is `unknown`, and the endpoint that did answer decides.
    pub no_data_answers: bool,
    /// The token endpoint may need a second try: `token_endpoint` from OpenID discovery after a
    /// 404, the credentials in the form body after a 401 `invalid_client`.
    pub token_fallbacks: bool,
    /// What a token may do comes from a role (the access key's user's permissions), not from
    /// OAuth scopes: a 403 is `missing_permission`, naming the permission area refused.
    pub role_permissions: bool,
}

/// One page of a paged list: at most `top` entries after skipping `skip`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// Entries asked for.
    pub top: u32,
    /// Entries skipped.
    pub skip: u32,
}

/// What a list page says about the pages after it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Paging {
    /// `totalRecords`, when the page gives it.
    pub total: Option<u64>,
    /// The page links a next page (`_links.next`).
    pub next: bool,
}

/// How the token call is made: where it goes and where the client credentials travel.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenVia {
    /// The `token_endpoint` OpenID discovery named, instead of the profile's usual one.
    pub url: Option<String>,
    /// The client credentials go in the form body (`client_secret_post`), not in Basic.
    pub in_body: bool,
}

/// An agent record of the Admin agent list, read tolerantly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentRecord {
    /// The numeric agent ID.
    pub agent_id: String,
    /// `isActive`, when given.
    pub active: Option<bool>,
    /// `locked`, when given.
    pub locked: Option<bool>,
}

/// One page of the agent lookup as read for one user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentListing {
    /// Agent entries on the page.
    pub entries: usize,
    /// The entry whose user ID is the user's, if any.
    pub matched: Option<AgentRecord>,
    /// `hiddenAgents`: agents that exist but the key's user may not see, when given.
    pub hidden: Option<u64>,
}

/// Where a profile's calls go and how their answers are read. The engine drives the checks.
pub trait ApiProfile {
    /// What this profile's API offers (discovery, an agent lookup, environments).
    fn capabilities(&self) -> Capabilities;
    /// The API host used for `environment` (shown in the tree).
    fn host(&self, inputs: &Inputs, environment: Environment) -> String;
    /// The call that obtains a token with the client credentials, made `via` as the token
    /// check's fallbacks say (the first try is `TokenVia::default()`).
    fn token_call(&self, inputs: &Inputs, environment: Environment, via: &TokenVia) -> Call;
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
    /// The all-agents state list (`page` where the profile's lists are paged).
    fn state_list_call(
        &self,
        inputs: &Inputs,
        environment: Environment,
        token: &str,
        page: Page,
    ) -> Call;
    /// What a list page says about the pages after it (nothing where lists are not paged).
    fn read_paging(&self, body: &Value) -> Paging;
    /// The OpenID configuration call, asked only when the token endpoint answered 404; `None`
    /// when the profile has none.
    fn openid_call(&self, inputs: &Inputs) -> Option<Call>;
    /// The `token_endpoint` of an OpenID configuration answer, if usable.
    fn read_openid(&self, body: &Value) -> Option<String>;
    /// The one line the evidence of `check` adds where this profile's step rests on something
    /// its API's publisher does not document (an inference, not a fact); `None` where it does not.
    fn inference(&self, check: crate::engine::Check) -> Option<&'static str>;
    /// The permission area (role permissions) a 403 from a call of `kind` names; `None` where a
    /// 403 means a missing OAuth scope (the guide's vocabulary).
    fn permission_area(&self, kind: crate::engine::RequestKind) -> Option<&'static str>;
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

    /// The discovery call for tenant `tenant_id`.
    fn discovery_call(&self, inputs: &Inputs, tenant_id: &str) -> Option<Call>;

    /// Reads a 2xx discovery answer; `None` when it names no usable API endpoint.
    fn read_discovery(&self, body: &Value) -> Option<Discovered>;

    /// The call that maps user `user_id` to their agent ID, sent beside the user lookup; `None`
    /// when the user record itself names the agent ID (the guide's `agentId`).
    fn agent_lookup_call(
        &self,
        inputs: &Inputs,
        environment: Environment,
        user_id: &str,
        token: &str,
        page: Page,
    ) -> Option<Call>;

    /// Reads a 2xx agent-lookup page for user `user_id`: its entries, the one that maps the user
    /// (with `isActive`/`locked`), `hiddenAgents`. `None` when the answer is no list of agents.
    fn read_agent_lookup(&self, body: &Value, user_id: &str) -> Option<AgentListing>;

    /// The error a refused token answer names, for the tree (`invalid_client`, or with the
    /// platform's description too); `body` is the raw text when it is not JSON.
    fn token_error(&self, json: Option<&Value>, body: &str) -> Option<String>;

    /// True when an ID-addressed call (user lookup, agent state) answering `status` means the ID
    /// is unknown.
    fn is_unknown_id(&self, status: u16) -> bool;

    /// True when a 2xx agent-state answer shows the endpoint knows the agent (the ID was tried
    /// as an agent ID): any JSON for the guide, a state entry for the platform.
    fn knows_agent(&self, body: &Value) -> bool;

    /// How a 2xx agent-state answer that reads as no session says so, for the tree.
    fn no_session_detail(&self, body: &Value) -> String;

    /// True when a no-session answer names the logged-out state itself (an explicit `LoggedOut`
    /// entry), rather than being empty: then it proves the agent is logged out, scopes or not.
    fn no_session_is_explicit(&self, body: &Value) -> bool;

    /// False when `id` cannot be a `kind` ID by its shape alone (the platform's user IDs are
    /// UUIDs and its agent IDs numbers), so that trying it as one would tell nothing.
    fn could_be(&self, id: &str, kind: IdKind) -> bool;

    /// A hint when `id`, typed as a `kind` ID, has the shape of the other kind of ID.
    fn id_shape_hint(&self, id: &str, kind: IdKind) -> Option<String>;

    /// Every form of the secrets in `inputs` that a request can carry (the secrets themselves,
    /// and as they are encoded into headers and bodies), for the engine to redact.
    fn secrets(&self, inputs: &Inputs) -> Vec<String>;

    /// The host that issues tokens (and, with discovery, says where the API lives), as the relay's
    /// allowlist must name it.
    fn auth_host(&self, inputs: &Inputs) -> String;

    /// This profile's own words for what `verdict` means, where they differ from
    /// [`Verdict::meaning`]; `None` keeps those.
    fn verdict_meaning(&self, verdict: Verdict) -> Option<&'static str>;

    /// This profile's own fix steps for `verdict`, where they differ from [`Verdict::fix`];
    /// `None` keeps those.
    fn verdict_fix(&self, verdict: Verdict) -> Option<&'static [&'static str]>;

    /// What the tree adds when a token names no scopes at all; `None` when nothing is to add.
    fn unnamed_scopes_note(&self) -> Option<&'static str>;

    /// A page of the roster a team sweep reads (every agent the key's user may see, with team,
    /// `isActive`, `locked` and `hiddenAgents`); `None` when the API has no such list.
    fn roster_call(
        &self,
        inputs: &Inputs,
        environment: Environment,
        token: &str,
        page: Page,
    ) -> Option<Call>;

    /// Reads a 2xx roster page; `None` when it is no list of agents.
    fn read_roster(&self, body: &Value) -> Option<RosterPage>;

    /// Reads a 2xx state list with the columns a sweep's table shows; `None` when the JSON is
    /// not a list in any accepted shape.
    fn read_state_rows(&self, body: &Value) -> Option<Vec<StateRow>>;
}

/// The profile implementation for `profile` (`None` is kept for a profile not implemented yet;
/// both are today).
pub fn for_profile(profile: Profile) -> Option<&'static dyn ApiProfile> {
    match profile {
        Profile::Guide => Some(&guide::Guide),
        Profile::Platform => Some(&platform::Platform),
    }
}

/// What discovery found: where the API lives for this tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    /// The API base (`api_endpoint`), without a trailing slash.
    pub api_endpoint: String,
    /// The tenant's area (`na1`, `uk1`, ...), when given.
    pub area: Option<String>,
    /// The domain (`niceincontact.com`, ...), when given.
    pub domain: Option<String>,
}

/// What kind of ID a field should hold, for the hints about IDs typed in the wrong field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    /// A user ID.
    User,
    /// An agent ID.
    Agent,
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

/// The secrets of `inputs` in every form a request carries them: as typed, as `id:secret` and its
/// Basic encoding, and both secrets percent-encoded (the password grant's body, and the client
/// secret in the body under `client_secret_post`).
pub fn credential_forms(inputs: &Inputs) -> Vec<String> {
    let mut forms: Vec<String> = inputs.secrets().into_iter().map(str::to_string).collect();
    if !inputs.client_secret.is_empty() {
        forms.push(format!("{}:{}", inputs.client_id, inputs.client_secret));
        forms.push(guide::basic_credentials(
            &inputs.client_id,
            &inputs.client_secret,
        ));
    }
    if !inputs.access_key_secret.is_empty() {
        forms.push(crate::percent::encode(&inputs.access_key_secret));
    }
    // client_secret_post carries the client secret percent-encoded in the form body.
    if !inputs.client_secret.is_empty() {
        forms.push(crate::percent::encode(&inputs.client_secret));
    }
    forms
}
