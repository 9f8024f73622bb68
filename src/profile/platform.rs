//! The `platform` profile: NICE CXone as NICE publishes its API (`/work/shared/API.md` holds the
//! facts; "seen" there means seen in NICE's SDK and specs, "likely" means inferred).
//!
//! - Token (seen): `POST {issuer}/auth/token`, Basic client credentials, form body
//!   `grant_type=password&username=<access key ID>&password=<access key secret>`. After a 401
//!   `invalid_client` the credentials go once in the form body instead (`client_secret_post`,
//!   listed by the OpenID configuration); after a 404, `token_endpoint` comes from
//!   `{issuer}/.well-known/openid-configuration`. The answer carries `id_token`, a JWT with
//!   `tenantId` and `userId` (`sub` is `user:<UUID>`); `icAgentId` and `area` are optional.
//! - Discovery (seen): `GET {issuer}/.well-known/cxone-configuration?tenantId=...` answers
//!   `api_endpoint`, the base of every API call below, with `area` and `domain`. The *API host*
//!   field replaces it. The call carries no credentials: it is a public, well-known document.
//! - User (seen): User Hub `GET {api}/user-management/v1/users/{userId}` (`{"user": {...}}`), whose
//!   `status` is the account's (`ACTIVE`, `BLOCKED`, `DELETED`, ...).
//! - User to agent (seen fields): Admin
//!   `GET {api}/incontactapi/services/{version}/agents?fields=agentId,userID,isActive,locked&top=&skip=`,
//!   paged, matched locally by `userID`/`userId`; `searchString` is not used, since NICE does not
//!   document it matching a UUID. The list's `hiddenAgents` counts agents the key's user may not
//!   see. When the `id_token` says the access key's own user is the user diagnosed and names its
//!   `icAgentId`, that maps it without a call. An agent ID in the User Hub record itself
//!   (`agentId`, `icAgentId`, or in an ACD mapping) is used too (likely: API.md names "ACD
//!   mappings" without their fields).
//! - Agent state (seen): `GET {api}/incontactapi/services/{version}/agents/{agentId}/states` and
//!   `.../agents/states`, answered as `{"agentStates": [...]}` or the older
//!   `{"resultSet": {"agentStates"|"agentState": [...]}}`. `LoggedOut` (or `agentStateId` 0) is a
//!   state entry; an empty list, 204 or 304 is "no data" (NICE answers those to `updatedSince`,
//!   which this page never sends). The all-agents list is paged like the Admin list (likely).
//! - A 403 is a missing role permission, named after the call refused (Real-Time Data, Admin
//!   agents, User Hub): tokens carry a role, not scopes. [`ApiProfile::inference`] gives the one
//!   line each check's evidence adds where a step rests on an inference.
//! - The version goes in the path as the form normalises it (`v27.0`; likely: API.md writes
//!   `v{N}`, NICE's published URLs carry `vNN.0`).
//! - A 400 from an ID-addressed call (user lookup, agent state) reads as an unknown ID, like 404
//!   (likely: a user ID on the numeric agent endpoint, or digits on User Hub, is malformed there).

use super::guide::{self, basic_credentials};
use super::roster::{flag_of, result_set, AgentPage};
use super::{
    entries_of, id_of, same_id, text_of, AgentListing, AgentRecord, AgentState, ApiProfile, Call,
    Capabilities, Discovered, IdKind, ListedAgent, Method, Page, Paging, TokenAnswer, TokenVia,
    UserRecord,
};
use crate::engine::verdict::Verdict;
use crate::inputs::{Environment, Inputs};
use crate::percent;
use crate::url::AbsoluteUrl;
use serde_json::Value;

/// NICE CXone's published API layout.
#[derive(Clone, Copy, Debug, Default)]
pub struct Platform;

/// Why the platform has no `other_environment` to ask, as the tree says it.
pub const NO_ENVIRONMENTS: &str = "The platform profile has no Production/DevTest host pair: the tenant's API host comes from discovery (or the API host field), so there is no other environment to ask; wrong_environment is a guide-profile verdict";

fn get(url: String, token: &str) -> Call {
    Call {
        method: Method::Get,
        url,
        headers: vec![
            ("Authorization".into(), format!("Bearer {token}")),
            ("Accept".into(), "application/json".into()),
        ],
        body: None,
    }
}

/// The form body of the `password` grant: the access key ID and secret, percent-encoded.
pub fn password_grant_body(access_key_id: &str, access_key_secret: &str) -> String {
    format!(
        "grant_type=password&username={}&password={}",
        percent::encode(access_key_id),
        percent::encode(access_key_secret)
    )
}

/// The Admin agent list's fields the user-to-agent mapping reads (API.md: `agentId`, `userID`,
/// `isActive`, `locked`).
pub const AGENT_FIELDS: &str = "agentId,userID,isActive,locked";

/// True when `id` has the shape of a CXone user ID: a UUID (8-4-4-4-12 hex digits).
pub fn is_uuid(id: &str) -> bool {
    let id = id.trim();
    id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// True when `id` has the shape of a CXone agent ID: digits only.
pub fn is_numeric_id(id: &str) -> bool {
    let id = id.trim();
    !id.is_empty() && id.chars().all(|c| c.is_ascii_digit())
}

impl Platform {
    fn services(&self, inputs: &Inputs) -> String {
        format!(
            "{}/incontactapi/services/{}",
            self.host(inputs, inputs.environment),
            inputs.api_version
        )
    }

    /// One page of the Admin agent list, with the columns `fields` names.
    fn agents_page(&self, inputs: &Inputs, fields: &str, page: Page) -> String {
        format!(
            "{}/agents?fields={fields}&top={}&skip={}",
            self.services(inputs),
            page.top,
            page.skip
        )
    }
}

/// The agent-state entries of an answer: `agentStates`, the older `resultSet` wrapper (with
/// `agentStates` or `agentState`, a list or one object), a bare list, or one entry by itself.
fn state_entries(body: &Value) -> Vec<&Value> {
    let holder = result_set(body);
    for key in ["agentStates", "agentState"] {
        match holder.get(key) {
            Some(Value::Array(items)) => return items.iter().collect(),
            Some(one @ Value::Object(_)) => return vec![one],
            _ => {}
        }
    }
    match holder {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map)
            if map.contains_key("agentStateName") || map.contains_key("agentStateId") =>
        {
            vec![holder]
        }
        _ => Vec::new(),
    }
}

/// How an agent-state entry reads: `None` for a logged-out state, else the state's label (with
/// the unavailable reason) and the skill.
fn entry_state(entry: &Value) -> Option<(String, Option<String>)> {
    let name = text_of(entry.get("agentStateName"));
    let id = id_of(entry.get("agentStateId"));
    let logged_out = match &name {
        Some(name) => guide::is_logged_out(name),
        None => id.as_deref() == Some("0"),
    };
    if logged_out {
        return None;
    }
    let mut label = name
        .or_else(|| id.map(|i| format!("state {i}")))
        .unwrap_or_else(|| "(unnamed state)".into());
    if let Some(reason) = text_of(entry.get("outStateDescription")) {
        label = format!("{label} ({reason})");
    }
    Some((label, text_of(entry.get("skillName"))))
}

fn is_logged_out_entry(entry: &Value) -> bool {
    entry.is_object() && entry_state(entry).is_none()
}

/// Whether a (possibly nested) record names an agent ID: `agentId`, `icAgentId`, `acdAgentId`,
/// or one of those (or `agentNo`) inside a field whose name mentions ACD.
fn agent_in_record(record: &Value) -> Option<String> {
    let direct = ["agentId", "icAgentId", "acdAgentId"]
        .iter()
        .find_map(|k| id_of(record.get(*k)));
    if direct.is_some() {
        return direct;
    }
    let map = record.as_object()?;
    map.iter()
        .filter(|(k, _)| k.to_ascii_lowercase().contains("acd"))
        .flat_map(|(_, v)| match v {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
        .find_map(|m| {
            ["agentId", "agentNo", "acdAgentId", "icAgentId"]
                .iter()
                .find_map(|k| id_of(m.get(*k)))
        })
}

impl ApiProfile for Platform {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            discovery: true,
            agent_lookup: true,
            environments: false,
            account_status: true,
            paged_lists: true,
            no_data_answers: true,
            token_fallbacks: true,
            role_permissions: true,
        }
    }

    /// The API base: the API host field, or what discovery found (the engine fills
    /// `inputs.api_host` with the discovered `api_endpoint`). Empty before discovery.
    fn host(&self, inputs: &Inputs, _environment: Environment) -> String {
        inputs.api_host.clone().unwrap_or_default()
    }

    /// Basic credentials first (`client_secret_basic`, as discovery lists first); `via.in_body`
    /// puts them in the form body instead (`client_secret_post`); `via.url` is the
    /// `token_endpoint` OpenID discovery named after `/auth/token` answered 404.
    fn token_call(&self, inputs: &Inputs, _environment: Environment, via: &TokenVia) -> Call {
        let mut headers = Vec::new();
        let mut body = password_grant_body(&inputs.access_key_id, &inputs.access_key_secret);
        if via.in_body {
            body.push_str(&format!(
                "&client_id={}&client_secret={}",
                percent::encode(&inputs.client_id),
                percent::encode(&inputs.client_secret)
            ));
        } else {
            let basic = basic_credentials(&inputs.client_id, &inputs.client_secret);
            headers.push(("Authorization".into(), format!("Basic {basic}")));
        }
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        headers.push(("Accept".into(), "application/json".into()));
        Call {
            method: Method::Post,
            url: via.url.clone().unwrap_or_else(|| inputs.token_url()),
            headers,
            body: Some(body),
        }
    }

    fn user_call(
        &self,
        inputs: &Inputs,
        environment: Environment,
        user_id: &str,
        token: &str,
    ) -> Call {
        get(
            format!(
                "{}/user-management/v1/users/{}",
                self.host(inputs, environment),
                percent::encode(user_id)
            ),
            token,
        )
    }

    fn agent_state_call(
        &self,
        inputs: &Inputs,
        _environment: Environment,
        agent_id: &str,
        token: &str,
    ) -> Call {
        get(
            format!(
                "{}/agents/{}/states",
                self.services(inputs),
                percent::encode(agent_id)
            ),
            token,
        )
    }

    fn state_list_call(
        &self,
        inputs: &Inputs,
        _environment: Environment,
        token: &str,
        page: Page,
    ) -> Call {
        get(
            format!(
                "{}/agents/states?top={}&skip={}",
                self.services(inputs),
                page.top,
                page.skip
            ),
            token,
        )
    }

    fn read_paging(&self, body: &Value) -> Paging {
        let holder = result_set(body);
        let total = id_of(holder.get("totalRecords")).and_then(|t| t.parse().ok());
        let next = [holder, body].iter().any(|h| {
            h.get("_links")
                .and_then(|l| l.get("next"))
                .is_some_and(|n| !n.is_null() && n.as_str() != Some(""))
        });
        Paging { total, next }
    }

    fn openid_call(&self, inputs: &Inputs) -> Option<Call> {
        Some(Call {
            method: Method::Get,
            url: format!("{}/.well-known/openid-configuration", inputs.issuer),
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
        })
    }

    fn read_openid(&self, body: &Value) -> Option<String> {
        let endpoint = text_of(body.get("token_endpoint"))?;
        let url = AbsoluteUrl::parse(&endpoint).ok()?;
        url.require_secure().ok()?;
        Some(endpoint)
    }

    fn inference(&self, check: crate::engine::Check) -> Option<&'static str> {
        use crate::engine::Check as C;
        Some(match check {
            C::Token => "Inference: the status of a refused access key (400 or 401) is not published; 401 invalid_client is read as \"send the client credentials in the form body\" (client_secret_post, which the OpenID configuration lists).",
            C::User => "Inference: a 400 from User Hub for an ID that is no UUID is read as an unknown ID; NICE publishes no such rule.",
            C::AgentId => "Inference: the user is matched locally by userID on the Admin agent list's pages (searchString is not documented to match a UUID); isActive, locked and hiddenAgents are read as one published client shows them.",
            C::AgentState => "Inference: the API version in the path (v27.0 unless set) is this page's choice, NICE documents v{N} without a default; a 400 for an ID that is no number is read as an unknown agent ID.",
            C::StateList => "Inference: /agents/states is paged with top/skip and totalRecords as the Admin agent list is (_links.next followed without a total); a 204, 304 or empty body is read as no data, as NICE's SDK reads 304.",
            _ => return None,
        })
    }

    fn permission_area(&self, kind: crate::engine::RequestKind) -> Option<&'static str> {
        use crate::engine::RequestKind as K;
        Some(match kind {
            K::User => "User Hub (view users)",
            K::AgentLookup => "Admin agents (view agents)",
            K::AgentState | K::StateList => "Real-Time Data (view agent states)",
            _ => "the API call refused",
        })
    }

    fn other_environment(&self, _inputs: &Inputs) -> Result<Environment, String> {
        Err(NO_ENVIRONMENTS.into())
    }

    fn read_token(&self, body: &Value) -> Option<TokenAnswer> {
        guide::Guide.read_token(body)
    }

    fn read_user(&self, body: &Value) -> UserRecord {
        let record = match body {
            Value::Object(map) if map.get("user").is_some_and(Value::is_object) => &map["user"],
            other => entries_of(other).and_then(|e| e.first()).unwrap_or(other),
        };
        let first = text_of(record.get("firstName"));
        let last = text_of(record.get("lastName"));
        let name = match (first, last) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (f, l) => f.or(l),
        }
        .or_else(|| text_of(record.get("userName")));
        let id = ["id", "userId", "userID"]
            .iter()
            .find_map(|k| id_of(record.get(*k)));
        let empty = record
            .as_object()
            .is_none_or(|m| m.values().all(Value::is_null));
        UserRecord {
            id,
            name,
            agent_id: agent_in_record(record),
            empty,
            status: text_of(record.get("status")),
        }
    }

    fn read_agent_state(&self, body: &Value) -> AgentState {
        let Some(entry) = state_entries(body).into_iter().find(|e| e.is_object()) else {
            return AgentState::NoSession;
        };
        match entry_state(entry) {
            Some((state, skill_group)) => AgentState::Active { state, skill_group },
            None => AgentState::NoSession,
        }
    }

    fn read_state_list(&self, body: &Value) -> Option<Vec<ListedAgent>> {
        Some(super::roster::listed(self.read_state_rows(body)?))
    }

    fn secrets(&self, inputs: &Inputs) -> Vec<String> {
        super::credential_forms(inputs)
    }

    fn auth_host(&self, inputs: &Inputs) -> String {
        inputs.issuer.clone()
    }

    fn verdict_meaning(&self, verdict: Verdict) -> Option<&'static str> {
        verdict_meaning(verdict)
    }

    fn verdict_fix(&self, verdict: Verdict) -> Option<&'static [&'static str]> {
        verdict_fix(verdict)
    }

    /// The Admin agent list with the columns a sweep shows, paged like the agent lookup.
    fn roster_call(
        &self,
        inputs: &Inputs,
        _environment: Environment,
        token: &str,
        page: Page,
    ) -> Option<Call> {
        Some(get(
            self.agents_page(inputs, super::roster::ROSTER_FIELDS, page),
            token,
        ))
    }

    fn read_roster(&self, body: &Value) -> Option<super::RosterPage> {
        let page = AgentPage::of(body);
        let entries: &Vec<Value> = match page.holder {
            Value::Array(items) => items,
            Value::Object(_) => page.agent_fields().find_map(Value::as_array)?,
            _ => return None,
        };
        Some(super::RosterPage {
            agents: entries
                .iter()
                .filter_map(super::roster::roster_agent)
                .collect(),
            hidden: page.hidden,
        })
    }

    fn read_state_rows(&self, body: &Value) -> Option<Vec<super::StateRow>> {
        let listed = body.get("agentStates").is_some()
            || body.get("resultSet").is_some_and(Value::is_object)
            || body.is_array();
        if !listed {
            return None;
        }
        Some(
            state_entries(body)
                .into_iter()
                .filter_map(|entry| {
                    // The unified service names the numeric ID `agentNo` (and the UUID `agentId`).
                    let agent_id =
                        id_of(entry.get("agentNo")).or_else(|| id_of(entry.get("agentId")))?;
                    let state = entry_state(entry).map(|(state, _)| state);
                    Some(super::roster::state_row(entry, agent_id, state))
                })
                .collect(),
        )
    }

    fn unnamed_scopes_note(&self) -> Option<&'static str> {
        Some("Platform tokens usually name none: what an access key may do comes from its user's role, and a refusal shows as 403.")
    }

    fn discovery_call(&self, inputs: &Inputs, tenant_id: &str) -> Option<Call> {
        Some(Call {
            method: Method::Get,
            url: format!(
                "{}/.well-known/cxone-configuration?tenantId={}",
                inputs.issuer,
                percent::encode(tenant_id)
            ),
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
        })
    }

    fn read_discovery(&self, body: &Value) -> Option<Discovered> {
        let endpoint =
            text_of(body.get("api_endpoint")).or_else(|| text_of(body.get("apiEndpoint")))?;
        let url = AbsoluteUrl::parse(&endpoint).ok()?;
        url.require_secure().ok()?;
        Some(Discovered {
            api_endpoint: endpoint.trim_end_matches('/').to_string(),
            area: text_of(body.get("area")),
            domain: text_of(body.get("domain")),
        })
    }

    /// A page of the Admin agent list with the fields the mapping needs; the user is matched
    /// locally by `userID`, since NICE does not document `searchString` matching a UUID.
    fn agent_lookup_call(
        &self,
        inputs: &Inputs,
        _environment: Environment,
        _user_id: &str,
        token: &str,
        page: Page,
    ) -> Option<Call> {
        Some(get(self.agents_page(inputs, AGENT_FIELDS, page), token))
    }

    fn read_agent_lookup(&self, body: &Value, user_id: &str) -> Option<AgentListing> {
        let page = AgentPage::of(body);
        let entries: Vec<&Value> = match page.holder {
            Value::Array(items) => items.iter().collect(),
            Value::Object(map) => match page.agent_fields().next() {
                Some(Value::Array(items)) => items.iter().collect(),
                Some(one @ Value::Object(_)) => vec![one],
                // `{}` (an empty body) is an empty page.
                _ if map.is_empty() || map.contains_key("totalRecords") => Vec::new(),
                _ if map.contains_key("agentId") => vec![page.holder],
                _ => return None,
            },
            _ => return None,
        };
        let matched = entries.iter().find_map(|entry| {
            let user = ["userID", "userId", "userid", "userUUID"]
                .iter()
                .find_map(|k| id_of(entry.get(*k)))?;
            if !same_id(&user, user_id) {
                return None;
            }
            Some(AgentRecord {
                agent_id: id_of(entry.get("agentId"))?,
                active: flag_of(entry.get("isActive")),
                locked: flag_of(entry.get("locked")),
            })
        });
        Some(AgentListing {
            entries: entries.len(),
            matched,
            hidden: page.hidden,
        })
    }

    fn token_error(&self, json: Option<&Value>, body: &str) -> Option<String> {
        let Some(json) = json else {
            let line: String = body.lines().next()?.trim().chars().take(200).collect();
            return (!line.is_empty()).then_some(line);
        };
        let error = text_of(json.get("error"));
        let description = ["errorDescription", "error_description", "message"]
            .iter()
            .find_map(|k| text_of(json.get(*k)));
        match (error, description) {
            (Some(e), Some(d)) => Some(format!("{e}: {d}")),
            (e, d) => e.or(d),
        }
    }

    fn is_unknown_id(&self, status: u16) -> bool {
        matches!(status, 400 | 404)
    }

    fn knows_agent(&self, body: &Value) -> bool {
        !state_entries(body).is_empty()
    }

    fn no_session_detail(&self, body: &Value) -> String {
        if self.no_session_is_explicit(body) {
            "its state entry is LoggedOut".into()
        } else {
            "an empty answer with no state entry at all, not even LoggedOut: no data".into()
        }
    }

    fn no_session_is_explicit(&self, body: &Value) -> bool {
        state_entries(body).into_iter().any(is_logged_out_entry)
    }

    fn could_be(&self, id: &str, kind: IdKind) -> bool {
        match kind {
            IdKind::User => is_uuid(id),
            IdKind::Agent => is_numeric_id(id),
        }
    }

    fn id_shape_hint(&self, id: &str, kind: IdKind) -> Option<String> {
        match kind {
            IdKind::User if is_numeric_id(id) => Some(format!(
                "{id} is all digits, the shape of an agent ID: CXone user IDs are UUIDs"
            )),
            IdKind::Agent if is_uuid(id) => Some(format!(
                "{id} is a UUID, the shape of a user ID: CXone agent IDs are numbers"
            )),
            _ => None,
        }
    }
}

/// The platform's words for what `verdict` means, where they differ from [`Verdict::meaning`]
/// (access keys, role permissions, numeric agent IDs and UUID user IDs).
fn verdict_meaning(verdict: Verdict) -> Option<&'static str> {
    let words = match verdict {
            Verdict::TenantUnreachable => {
                "The relay answered, but it could not reach the issuer or the tenant's API host: the issuer, the discovered API endpoint or the API host field is wrong, or the relay's network cannot reach NICE CXone."
            }
            Verdict::BadCredentials => {
                "The token endpoint does not accept these credentials (the client ID and secret, or the access key ID and secret), or the client application is not authorized for the access key's user, so no call can be made."
            }
            Verdict::MissingScope => {
                "The API refused the call (403): the access key's user lacks the permission this call needs. On the platform what an access key may do comes from its user's role (security profile), not from OAuth scopes."
            }
            Verdict::TokenRejected => {
                "The token endpoint issued a token, and the API refused it straight away (401): the token is meant for another tenant or area than the API host called, or the access key's user may not use this API."
            }
            Verdict::UserNotFound => {
                "No user has this ID in this tenant (User Hub answers 404), and it is no agent ID either."
            }
            Verdict::IdIsAgentId => {
                "The ID typed as the user ID is not a user, but the agent-state API knows it: it is a numeric agent ID. CXone user IDs are UUIDs."
            }
            Verdict::IdIsUserId => {
                "The ID typed as the agent ID is not an agent, but User Hub knows it: it is a user ID (a UUID). The agent-state API needs the numeric agent ID."
            }
            Verdict::NotAnAgent => {
                "The user exists in User Hub, but no ACD agent maps to them, so they cannot log in to the agent desktop and never have an agent state."
            }
            Verdict::AgentNotFound => {
                "This agent ID is unknown in this tenant, and it is no user ID either."
            }
            Verdict::LoggedOut => {
                "The calls work and the IDs are right, and the agent has no active session."
            }
        _ => return None,
    };
    Some(words)
}

/// The platform's fix steps for `verdict`, where they differ from [`Verdict::fix`].
fn verdict_fix(verdict: Verdict) -> Option<&'static [&'static str]> {
    let steps: &'static [&'static str] = match verdict {
            Verdict::CorsBlocked => &[
                "Set a CORS relay (for example the reference relay in this repository) and run again: NICE's API is not known to allow other sites to read its answers.",
                "Check the issuer and the API host field: a host that does not exist also gets no answer.",
                "Open the browser's developer console: a CORS error there confirms the cause.",
            ],
            Verdict::TenantUnreachable => &[
                "Check the issuer (https://cxone.niceincontact.com, or https://cxone-gov.niceincontact.com for the government cloud).",
                "Check the API host field, if set, or the api_endpoint that discovery found (see the discovery check).",
                "Make sure the relay's network can reach NICE CXone (DNS, outbound HTTPS).",
            ],
            Verdict::BadCredentials => &[
                "Verify the access key ID and secret: create a new access key in CXone (your user profile > Access keys, or Admin > Employees > the user > Access keys) if the secret was lost.",
                "Verify the client ID and client secret of the application registered with NICE.",
                "'Client application ... not authorized for user' means the application is not enabled for this tenant or user: ask your NICE representative or administrator to authorize it.",
            ],
            Verdict::MissingScope => &[
                "In CXone Admin > Security Settings > Roles and Permissions, open the role of the access key's user.",
                "Grant the permissions to view agents, agent states (real-time) and users.",
                "Save, then run again with a new token.",
            ],
            Verdict::TokenRejected => &[
                "Check that the API host field (if set) is your tenant's own API endpoint: clear it to use discovery.",
                "Check that the access key's user is active and allowed to use the API.",
                "Refresh tokens before they expire: invalidate a cached token 5 minutes before expires_in runs out.",
            ],
            Verdict::UserNotFound => &[
                "Check the user ID for typos: it is the user's UUID (like 11111111-2222-3333-4444-555555555555), not their name or agent ID.",
                "Check that the user belongs to the tenant of the access key.",
            ],
            Verdict::IdIsAgentId => &[
                "Type this number in the Agent ID field instead, or look up the user's UUID in User Hub.",
                "In scripts, call incontactapi/services/v{N}/agents/{agentId}/states with the numeric agent ID and user-management/v1/users/{userId} with the UUID.",
            ],
            Verdict::IdIsUserId => &[
                "Use the user's numeric agent ID (icAgentId, or agentId in Admin > Users), not their UUID.",
                "Leave the Agent ID field empty and give the user ID: the page looks up the agent ID itself.",
            ],
            Verdict::NotAnAgent => &[
                "Make the user an agent in CXone Admin (give them an ACD agent / agent profile), or check the user ID.",
                "Only agents have an agent state; other users always show as not logged in.",
            ],
            Verdict::AgentNotFound => &[
                "Use the numeric agent ID of the user (icAgentId), not the user's UUID.",
                "Check the agent ID for typos, and that the agent belongs to the access key's tenant.",
            ],
            Verdict::LoggedOut => &[
                "Confirm in CXone (Supervisor, or the agent list in Admin) that the agent shows as logged out.",
                "Ask the agent to log in to the agent desktop, then run again.",
            ],
        _ => return None,
    };
    Some(steps)
}
