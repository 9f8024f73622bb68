//! Simulated tenants for the team sweep: `n` agents (up to any size), in five teams, with
//! inactive, locked, hidden and logged-out agents mixed in, for both profiles.
//!
//! The token request selects the tenant: client ID `demo-sweep-<n>` ([`sweep_client_id`]) with
//! [`DEMO_SECRET`] (and, on the platform, the demo access key). The access token (an unsigned JWT)
//! carries `sweep: n`; the platform's `id_token` names tenant `sweep-<n>`, which discovery
//! answers. Every other request of those tokens is answered from the same directory:
//!
//! | agent `i` (`agentId` 10000 + i) | `isActive` | `locked` | state |
//! |---|---|---|---|
//! | `i % 20 == 9` | hidden from the key's user (`hiddenAgents`) | | |
//! | `i % 10 == 3` | false | false | `LoggedOut` |
//! | `i % 10 == 7` | true | true | `LoggedOut` |
//! | `i % 10 == 1` or `4` | true | false | `LoggedOut` |
//! | `i % 10 == 0` or `5` | true | false | `Unavailable` |
//! | the rest | true | false | `Available` |
//!
//! Teams: `i % 5` gives team ID `100 + i % 5`, named `Team A` to `Team E`.

use super::common::{json, Target, LIST_DELAY_MS, TOKEN_DELAY_MS, USER_DELAY_MS};
use super::token::{basic, bearer};
use super::{
    SimRequest, SimResponse, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_API_ENDPOINT,
    DEMO_SECRET,
};
use crate::engine::jwt;
use crate::percent;
use base64::Engine;
use serde_json::{json, Value};

/// The client ID of the simulated sweep tenant with `agents` agents.
pub fn sweep_client_id(agents: usize) -> String {
    format!("demo-sweep-{agents}")
}

/// The agent ID of agent `i`.
pub fn sweep_agent_id(i: usize) -> String {
    (10_000 + i).to_string()
}

/// The user ID of agent `i`.
pub fn sweep_user_id(i: usize) -> String {
    format!("00000000-0000-4000-9000-{i:012}")
}

/// The names of the simulated teams.
pub const SWEEP_TEAMS: [&str; 5] = ["Team A", "Team B", "Team C", "Team D", "Team E"];

/// What agent `i` of a sweep tenant is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SweepAgent {
    pub hidden: bool,
    pub active: bool,
    pub locked: bool,
    /// `None` when logged out.
    pub state: Option<&'static str>,
}

/// Agent `i` of every sweep tenant.
pub fn sweep_agent(i: usize) -> SweepAgent {
    let hidden = i % 20 == 9;
    let (active, locked, state) = match i % 10 {
        3 => (false, false, None),
        7 => (true, true, None),
        1 | 4 => (true, false, None),
        0 | 5 => (true, false, Some("Unavailable")),
        _ => (true, false, Some("Available")),
    };
    SweepAgent {
        hidden,
        active,
        locked,
        state,
    }
}

fn encode(value: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

fn unsigned(payload: Value) -> String {
    format!(
        "{}.{}.",
        encode(&json!({"alg": "none", "typ": "JWT"})),
        encode(&payload)
    )
}

/// The answer when `request` is for a sweep tenant; `None` leaves it to the scenarios.
pub(super) fn answer(request: &SimRequest, target: &Target) -> Option<SimResponse> {
    let path = target.path.trim_end_matches('/');
    if path.ends_with("/oauth/token") || path.ends_with("/auth/token") {
        let (client, secret) = basic(request.header("authorization")?)?;
        let n: usize = client.strip_prefix("demo-sweep-")?.parse().ok()?;
        if secret != DEMO_SECRET {
            return Some(json(401, json!({"error": "invalid_client"})));
        }
        let platform = path.ends_with("/auth/token");
        if platform {
            let body = request.body.as_deref().unwrap_or("");
            let field = |name: &str| {
                body.split('&').find_map(|pair| {
                    let (k, v) = pair.split_once('=')?;
                    (k == name).then(|| percent::decode(v))
                })
            };
            if field("username").as_deref() != Some(DEMO_ACCESS_KEY_ID)
                || field("password").as_deref() != Some(DEMO_ACCESS_KEY_SECRET)
            {
                return Some(json(400, json!({"error": "invalid_grant"})));
            }
        }
        let access = unsigned(
            json!({"sweep": n, "tenantId": format!("sweep-{n}"), "exp": 4_102_444_800u64,
            "scope": "agent:state:read agent:read user:read"}),
        );
        let mut body = json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600,
            "scope": "agent:state:read agent:read user:read"});
        if platform {
            body["id_token"] = json!(unsigned(
                json!({"tenantId": format!("sweep-{n}"), "userId": sweep_user_id(0)})
            ));
        }
        return Some(json(200, body).with_delay(TOKEN_DELAY_MS));
    }
    if path.ends_with("/.well-known/cxone-configuration") {
        let tenant = target.query_param("tenantId")?;
        tenant.strip_prefix("sweep-")?;
        return Some(json(
            200,
            json!({"api_endpoint": DEMO_API_ENDPOINT, "area": "na1",
            "domain": "niceincontact.com", "tenantId": tenant}),
        ));
    }
    let token = bearer(request.header("authorization")?)?;
    let claims = jwt::claims(token)?;
    let n = claims.get("sweep")?.as_u64()? as usize;
    let tenant = Tenant { n };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    Some(match segments.as_slice() {
        [.., "agents", "states"] => tenant.states(target, path.contains("/incontactapi/")),
        [.., "agents"] => tenant.roster(target),
        ["user-management", "v1", "users", id] => tenant.user(&percent::decode(id), true),
        ["api", "v2", "users", id] => tenant.user(&percent::decode(id), false),
        [.., "agents", id, "state"] | [.., "agents", id, "states"] => {
            tenant.agent_state(&percent::decode(id), path.contains("/incontactapi/"))
        }
        _ => json(404, json!({"error": "not_found"})),
    })
}

struct Tenant {
    n: usize,
}

impl Tenant {
    fn visible(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.n).filter(|i| !sweep_agent(*i).hidden)
    }

    fn hidden(&self) -> usize {
        (0..self.n).filter(|i| sweep_agent(*i).hidden).count()
    }

    fn team(i: usize) -> (usize, &'static str) {
        (100 + i % 5, SWEEP_TEAMS[i % 5])
    }

    fn since(i: usize) -> String {
        format!("2025-03-04T{:02}:{:02}:00.000Z", 7 + (i / 60) % 5, i % 60)
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        let id = id.trim();
        let i = match id.parse::<usize>() {
            Ok(agent) if agent >= 10_000 => agent - 10_000,
            _ => (0..self.n).find(|i| sweep_user_id(*i).eq_ignore_ascii_case(id))?,
        };
        (i < self.n).then_some(i)
    }

    /// One page as `top`/`skip` ask (at most 100), with `totalRecords`.
    fn page(&self, key: &str, rows: Vec<Value>, target: &Target) -> SimResponse {
        let total = rows.len();
        let top = target
            .query_param("top")
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(100)
            .clamp(1, 100);
        let skip = target
            .query_param("skip")
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(0);
        let page: Vec<Value> = rows.into_iter().skip(skip).take(top).collect();
        let mut body = json!({"totalRecords": total, "lastPollTime": "2025-03-04T12:00:00.000Z"});
        if key == "agents" {
            body["hiddenAgents"] = json!(self.hidden());
        }
        body[key] = Value::Array(page);
        json(200, body).with_delay(LIST_DELAY_MS)
    }

    fn roster(&self, target: &Target) -> SimResponse {
        let rows = self
            .visible()
            .map(|i| {
                let a = sweep_agent(i);
                let (team_id, team) = Tenant::team(i);
                json!({"agentId": 10_000 + i, "userID": sweep_user_id(i), "firstName": "Agent",
                    "lastName": format!("{:04}", i), "isActive": a.active, "locked": a.locked,
                    "teamId": team_id, "teamName": team})
            })
            .collect();
        self.page("agents", rows, target)
    }

    fn states(&self, target: &Target, platform: bool) -> SimResponse {
        if !platform {
            // The guide's list: every logged-in agent, at once.
            let entities: Vec<Value> = (0..self.n)
                .filter(|i| sweep_agent(*i).state.is_some() && sweep_agent(*i).active && !sweep_agent(*i).locked)
                .map(|i| {
                    let (_, team) = Tenant::team(i);
                    json!({"agentId": 10_000 + i, "userId": sweep_user_id(i), "name": format!("Agent {:04}", i),
                        "teamName": team, "state": {"name": sweep_agent(i).state, "since": Tenant::since(i)}})
                })
                .collect();
            return json(200, json!({"entities": entities})).with_delay(LIST_DELAY_MS);
        }
        let rows = self
            .visible()
            .map(|i| {
                let a = sweep_agent(i);
                let (team_id, team) = Tenant::team(i);
                json!({"agentId": 10_000 + i, "agentStateId": if a.state.is_some() { 1 } else { 0 },
                    "agentStateName": a.state.unwrap_or("LoggedOut"), "startDate": Tenant::since(i),
                    "teamId": team_id, "teamName": team, "firstName": "Agent", "lastName": format!("{:04}", i)})
            })
            .collect();
        self.page("agentStates", rows, target)
    }

    fn user(&self, id: &str, platform: bool) -> SimResponse {
        let Some(i) = self.index_of(id).filter(|_| id.contains('-')) else {
            return json(
                404,
                json!({"error": "Not Found", "message": "User not found"}),
            )
            .with_delay(USER_DELAY_MS);
        };
        let body = if platform {
            json!({"user": {"id": sweep_user_id(i), "firstName": "Agent", "lastName": format!("{:04}", i), "status": "ACTIVE"}})
        } else {
            json!({"id": sweep_user_id(i), "name": format!("Agent {:04}", i), "agentId": 10_000 + i})
        };
        json(200, body).with_delay(USER_DELAY_MS)
    }

    fn agent_state(&self, id: &str, platform: bool) -> SimResponse {
        let Some(i) = self.index_of(id).filter(|_| !id.contains('-')) else {
            return json(404, json!({"error": "Invalid Agent Id"})).with_delay(USER_DELAY_MS);
        };
        let a = sweep_agent(i);
        let body = if platform {
            json!({"agentStates": [{"agentId": 10_000 + i, "agentStateName": a.state.unwrap_or("LoggedOut")}]})
        } else if a.state.is_some() && a.active && !a.locked {
            json!({"agentId": 10_000 + i, "state": {"name": a.state}})
        } else {
            json!({})
        };
        json(200, body).with_delay(USER_DELAY_MS)
    }
}
