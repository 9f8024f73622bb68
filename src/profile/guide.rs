//! The `guide` profile: the layout the troubleshooting guide describes.
//!
//! - `POST {host}/oauth/token`, form body `grant_type=client_credentials`, Basic credentials;
//! - `GET {host}/api/v2/users/{userId}` (the user's `agentId` and `name`);
//! - `GET {host}/api/v2/agents/{agentId}/state` (`{}` or empty when there is no session);
//! - `GET {host}/api/v2/agents/states` (every logged-in agent, bare array or `{"entities": [...]}`).
//!
//! The host is `https://{tenant}.nicecxone.com` (Production) or
//! `https://{tenant}.devtest.nicecxone.com` (DevTest), unless the API host override replaces it.

use super::{
    entries_of, id_of, scopes_of, text_of, AgentListing, AgentState, ApiProfile, Call,
    Capabilities, Discovered, IdKind, ListedAgent, Method, Page, Paging, TokenAnswer, TokenVia,
    UserRecord,
};
use crate::engine::verdict::Verdict;
use crate::inputs::{Environment, Inputs};
use crate::percent;
use base64::Engine as _;
use serde_json::Value;

/// The guide's API layout.
#[derive(Clone, Copy, Debug, Default)]
pub struct Guide;

fn bearer(token: &str) -> Vec<(String, String)> {
    vec![
        ("Authorization".into(), format!("Bearer {token}")),
        ("Accept".into(), "application/json".into()),
    ]
}

fn get(url: String, token: &str) -> Call {
    Call {
        method: Method::Get,
        url,
        headers: bearer(token),
        body: None,
    }
}

/// The value of a `Basic` authorization for the client credentials.
pub fn basic_credentials(client_id: &str, client_secret: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{client_secret}"))
}

impl ApiProfile for Guide {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            discovery: false,
            agent_lookup: false,
            environments: true,
            account_status: false,
            paged_lists: false,
            no_data_answers: false,
            token_fallbacks: false,
            role_permissions: false,
        }
    }

    fn host(&self, inputs: &Inputs, environment: Environment) -> String {
        inputs.guide_host(environment)
    }

    fn token_call(&self, inputs: &Inputs, environment: Environment, _via: &TokenVia) -> Call {
        let basic = basic_credentials(&inputs.client_id, &inputs.client_secret);
        Call {
            method: Method::Post,
            url: format!("{}/oauth/token", self.host(inputs, environment)),
            headers: vec![
                ("Authorization".into(), format!("Basic {basic}")),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("Accept".into(), "application/json".into()),
            ],
            body: Some("grant_type=client_credentials".into()),
        }
    }

    fn user_call(
        &self,
        inputs: &Inputs,
        environment: Environment,
        user_id: &str,
        token: &str,
    ) -> Call {
        let host = self.host(inputs, environment);
        get(
            format!("{host}/api/v2/users/{}", percent::encode(user_id)),
            token,
        )
    }

    fn agent_state_call(
        &self,
        inputs: &Inputs,
        environment: Environment,
        agent_id: &str,
        token: &str,
    ) -> Call {
        let host = self.host(inputs, environment);
        get(
            format!("{host}/api/v2/agents/{}/state", percent::encode(agent_id)),
            token,
        )
    }

    /// The guide's list is not paged: `page` is not used.
    fn state_list_call(
        &self,
        inputs: &Inputs,
        environment: Environment,
        token: &str,
        _page: Page,
    ) -> Call {
        get(
            format!("{}/api/v2/agents/states", self.host(inputs, environment)),
            token,
        )
    }

    fn read_paging(&self, _body: &Value) -> Paging {
        Paging::default()
    }

    fn openid_call(&self, _inputs: &Inputs) -> Option<Call> {
        None
    }

    fn read_openid(&self, _body: &Value) -> Option<String> {
        None
    }

    fn permission_area(&self, _kind: crate::engine::RequestKind) -> Option<&'static str> {
        None
    }

    /// The guide's layout is implemented as the guide describes it: nothing to flag per step.
    fn inference(&self, _check: crate::engine::Check) -> Option<&'static str> {
        None
    }

    fn other_environment(&self, inputs: &Inputs) -> Result<Environment, String> {
        match &inputs.api_host {
            Some(host) => Err(format!(
                "The API host override ({host}) replaces both environments' hosts, so there is no other environment to ask"
            )),
            None => Ok(inputs.environment.other()),
        }
    }

    fn read_token(&self, body: &Value) -> Option<TokenAnswer> {
        let access_token = text_of(body.get("access_token"))?;
        let expires_in = match body.get("expires_in") {
            Some(Value::Number(n)) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        Some(TokenAnswer {
            access_token,
            expires_in,
            token_type: text_of(body.get("token_type")),
            scope: scopes_of(body.get("scope")),
            id_token: text_of(body.get("id_token")),
        })
    }

    fn read_user(&self, body: &Value) -> UserRecord {
        // Tolerate a record wrapped as {"user": {...}} or as a one-entry list.
        let record = match body {
            Value::Object(map) if map.get("user").is_some_and(Value::is_object) => &map["user"],
            other => entries_of(other).and_then(|e| e.first()).unwrap_or(other),
        };
        let name = text_of(record.get("name")).or_else(|| {
            let first = text_of(record.get("firstName"));
            let last = text_of(record.get("lastName"));
            match (first, last) {
                (Some(f), Some(l)) => Some(format!("{f} {l}")),
                (f, l) => f.or(l),
            }
        });
        let id = id_of(record.get("id")).or_else(|| id_of(record.get("userId")));
        let agent_id = id_of(record.get("agentId"));
        let empty = record
            .as_object()
            .is_none_or(|m| m.values().all(Value::is_null));
        UserRecord {
            id,
            name,
            agent_id,
            empty,
            status: text_of(record.get("status")),
        }
    }

    fn read_agent_state(&self, body: &Value) -> AgentState {
        let record = match body {
            Value::Array(items) => match items.first() {
                Some(first) => first,
                None => return AgentState::NoSession,
            },
            other => other,
        };
        let Some(state) = record.get("state").filter(|s| !s.is_null()) else {
            return AgentState::NoSession;
        };
        let (name, skill_group) = match state {
            Value::Object(_) => (
                text_of(state.get("name")).or_else(|| text_of(state.get("stateName"))),
                state
                    .get("skillGroup")
                    .and_then(|g| text_of(g.get("name")).or_else(|| text_of(Some(g)))),
            ),
            other => (text_of(Some(other)), None),
        };
        match name {
            Some(name) if !is_logged_out(&name) => AgentState::Active {
                state: name,
                skill_group,
            },
            Some(_) => AgentState::NoSession,
            // A state object without a name is still a session: name it plainly.
            None if state.as_object().is_some_and(|m| !m.is_empty()) => AgentState::Active {
                state: "(unnamed state)".into(),
                skill_group,
            },
            None => AgentState::NoSession,
        }
    }

    fn read_state_list(&self, body: &Value) -> Option<Vec<ListedAgent>> {
        Some(super::roster::listed(self.read_state_rows(body)?))
    }

    fn discovery_call(&self, _inputs: &Inputs, _tenant_id: &str) -> Option<Call> {
        None
    }

    fn read_discovery(&self, _body: &Value) -> Option<Discovered> {
        None
    }

    fn agent_lookup_call(
        &self,
        _inputs: &Inputs,
        _environment: Environment,
        _user_id: &str,
        _token: &str,
        _page: Page,
    ) -> Option<Call> {
        None
    }

    fn read_agent_lookup(&self, _body: &Value, _user_id: &str) -> Option<AgentListing> {
        None
    }

    fn token_error(&self, json: Option<&Value>, _body: &str) -> Option<String> {
        json.and_then(|j| text_of(j.get("error")))
    }

    fn is_unknown_id(&self, status: u16) -> bool {
        status == 404
    }

    fn knows_agent(&self, _body: &Value) -> bool {
        true
    }

    fn no_session_detail(&self, _body: &Value) -> String {
        "{} or empty".into()
    }

    fn no_session_is_explicit(&self, _body: &Value) -> bool {
        false
    }

    fn could_be(&self, _id: &str, _kind: IdKind) -> bool {
        true
    }

    fn id_shape_hint(&self, _id: &str, _kind: IdKind) -> Option<String> {
        None
    }

    fn secrets(&self, inputs: &Inputs) -> Vec<String> {
        super::credential_forms(inputs)
    }

    fn auth_host(&self, inputs: &Inputs) -> String {
        self.host(inputs, inputs.environment)
    }

    fn verdict_meaning(&self, _verdict: Verdict) -> Option<&'static str> {
        None
    }

    fn verdict_fix(&self, _verdict: Verdict) -> Option<&'static [&'static str]> {
        None
    }

    fn unnamed_scopes_note(&self) -> Option<&'static str> {
        None
    }

    /// The guide's API has no roster: a sweep reads the all-agents list and looks users up.
    fn roster_call(
        &self,
        _inputs: &Inputs,
        _environment: Environment,
        _token: &str,
        _page: Page,
    ) -> Option<Call> {
        None
    }

    fn read_roster(&self, _body: &Value) -> Option<super::RosterPage> {
        None
    }

    fn read_state_rows(&self, body: &Value) -> Option<Vec<super::StateRow>> {
        let entries = entries_of(body)?;
        Some(
            entries
                .iter()
                .filter_map(|entry| {
                    let agent_id =
                        id_of(entry.get("agentId")).or_else(|| id_of(entry.get("id")))?;
                    let state = match self.read_agent_state(entry) {
                        AgentState::Active { state, .. } => Some(state),
                        AgentState::NoSession => None,
                    };
                    Some(super::roster::state_row(entry, agent_id, state))
                })
                .collect(),
        )
    }
}

/// "Logged Out", "LOGGED_OUT", "loggedout": a state that means no session.
pub(crate) fn is_logged_out(name: &str) -> bool {
    let squashed: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    squashed.eq_ignore_ascii_case("loggedout") || squashed.eq_ignore_ascii_case("logout")
}
