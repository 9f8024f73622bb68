//! The verdicts (the README's Verdicts table): what each means and how to fix it. The fix steps
//! follow the guide's "How to fix it" lists, with more where the guide is silent.

/// The one conclusion of a finished diagnosis. The serialized name (`wrong_environment`, ...) is
/// the stable `data-verdict` code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The inputs fail validation; nothing was sent.
    InvalidInput,
    /// No relay, and the browser blocked the call (CORS or network).
    CorsBlocked,
    /// The relay cannot be reached at all.
    RelayUnreachable,
    /// An answer that is not the API's, a relay that drops CORS headers, or a relay refusing the host.
    RelayMisconfigured,
    /// The relay was reached but could not reach the tenant host.
    TenantUnreachable,
    /// The token endpoint refuses the client ID/secret.
    BadCredentials,
    /// Platform: a token was issued, but the tenant's API host could not be discovered.
    DiscoveryFailed,
    /// A 403 from the API, or scopes lacking `agent:state:read` while the state data is empty.
    MissingScope,
    /// The API refuses a freshly issued token (401).
    TokenRejected,
    /// The user lookup answers 404 and the same ID is no agent ID either.
    UserNotFound,
    /// The user lookup answers 404 but the same ID answers the agent-state endpoint.
    IdIsAgentId,
    /// The agent ID given answers 404 as an agent but is a known user ID.
    IdIsUserId,
    /// The user exists and has no agent ID.
    NotAnAgent,
    /// The agent-state endpoint answers 404 for the user's agent ID.
    AgentNotFound,
    /// The agent's own endpoint and the all-agents list disagree.
    InconsistentState,
    /// Logged out here, logged in on the other environment.
    WrongEnvironment,
    /// Everything works and the agent has no session in this environment or the other.
    LoggedOut,
    /// The agent has an active session.
    LoggedIn,
    /// 429 persists after honouring `Retry-After`.
    RateLimited,
    /// The API answers 5xx.
    ServiceError,
    /// A call takes longer than the time limit.
    Timeout,
    /// Platform: the API answers 403 to a valid token; the access key's user lacks a permission.
    MissingPermission,
    /// Platform: User Hub knows the user, no visible list has the agent, and `/agents` reports
    /// `hiddenAgents` > 0.
    AgentHidden,
    /// Platform: the agent record has `isActive: false`.
    AgentInactive,
    /// Platform: the agent record has `locked: true`.
    AgentLocked,
    /// Platform: User Hub's `status` is not `ACTIVE`.
    UserDisabled,
    /// The calls that answered cannot decide: the user is past the pages of a list read within
    /// the bound, or neither state endpoint gave data. No cause is named.
    Inconclusive,
}

impl Verdict {
    /// Every verdict, in the README's order.
    pub const ALL: [Verdict; 27] = [
        Verdict::InvalidInput,
        Verdict::CorsBlocked,
        Verdict::RelayUnreachable,
        Verdict::RelayMisconfigured,
        Verdict::TenantUnreachable,
        Verdict::BadCredentials,
        Verdict::DiscoveryFailed,
        Verdict::MissingScope,
        Verdict::TokenRejected,
        Verdict::UserNotFound,
        Verdict::IdIsAgentId,
        Verdict::IdIsUserId,
        Verdict::NotAnAgent,
        Verdict::AgentNotFound,
        Verdict::InconsistentState,
        Verdict::WrongEnvironment,
        Verdict::LoggedOut,
        Verdict::LoggedIn,
        Verdict::RateLimited,
        Verdict::ServiceError,
        Verdict::Timeout,
        Verdict::MissingPermission,
        Verdict::AgentHidden,
        Verdict::AgentInactive,
        Verdict::AgentLocked,
        Verdict::UserDisabled,
        Verdict::Inconclusive,
    ];

    /// The stable code (`data-verdict`).
    pub fn code(self) -> &'static str {
        match self {
            Verdict::InvalidInput => "invalid_input",
            Verdict::CorsBlocked => "cors_blocked",
            Verdict::RelayUnreachable => "relay_unreachable",
            Verdict::RelayMisconfigured => "relay_misconfigured",
            Verdict::TenantUnreachable => "tenant_unreachable",
            Verdict::BadCredentials => "bad_credentials",
            Verdict::DiscoveryFailed => "discovery_failed",
            Verdict::MissingScope => "missing_scope",
            Verdict::TokenRejected => "token_rejected",
            Verdict::UserNotFound => "user_not_found",
            Verdict::IdIsAgentId => "id_is_agent_id",
            Verdict::IdIsUserId => "id_is_user_id",
            Verdict::NotAnAgent => "not_an_agent",
            Verdict::AgentNotFound => "agent_not_found",
            Verdict::InconsistentState => "inconsistent_state",
            Verdict::WrongEnvironment => "wrong_environment",
            Verdict::LoggedOut => "logged_out",
            Verdict::LoggedIn => "logged_in",
            Verdict::RateLimited => "rate_limited",
            Verdict::ServiceError => "service_error",
            Verdict::Timeout => "timeout",
            Verdict::MissingPermission => "missing_permission",
            Verdict::AgentHidden => "agent_hidden",
            Verdict::AgentInactive => "agent_inactive",
            Verdict::AgentLocked => "agent_locked",
            Verdict::UserDisabled => "user_disabled",
            Verdict::Inconclusive => "inconclusive",
        }
    }

    /// A short title for the verdict.
    pub fn title(self) -> &'static str {
        match self {
            Verdict::InvalidInput => "Some inputs need fixing",
            Verdict::CorsBlocked => "The browser blocked the call",
            Verdict::RelayUnreachable => "The relay cannot be reached",
            Verdict::RelayMisconfigured => {
                "The relay (or something in between) answered instead of the API"
            }
            Verdict::TenantUnreachable => "The relay cannot reach the tenant's host",
            Verdict::BadCredentials => "The client ID or secret is refused",
            Verdict::DiscoveryFailed => "The tenant's API host could not be found",
            Verdict::MissingScope => "The OAuth client lacks a scope",
            Verdict::TokenRejected => "The API refuses a freshly issued token",
            Verdict::UserNotFound => "No such user",
            Verdict::IdIsAgentId => "That user ID is an agent ID",
            Verdict::IdIsUserId => "That agent ID is a user ID",
            Verdict::NotAnAgent => "The user is not an agent",
            Verdict::AgentNotFound => "The agent ID does not exist",
            Verdict::InconsistentState => "The API contradicts itself",
            Verdict::WrongEnvironment => "Logged in on the other environment",
            Verdict::LoggedOut => "The agent is logged out",
            Verdict::LoggedIn => "The agent is logged in",
            Verdict::RateLimited => "Too many calls: rate limited",
            Verdict::ServiceError => "The API is failing",
            Verdict::Timeout => "A call took too long",
            Verdict::MissingPermission => "The access key's user lacks a permission",
            Verdict::AgentHidden => "The agent is hidden from the access key's user",
            Verdict::AgentInactive => "The agent is inactive",
            Verdict::AgentLocked => "The agent is locked",
            Verdict::UserDisabled => "The user account is not active",
            Verdict::Inconclusive => "Could not tell",
        }
    }

    /// What the verdict means, in plain words, whatever the run's details.
    pub fn meaning(self) -> &'static str {
        match self {
            Verdict::InvalidInput => "Nothing was sent: the form has fields that cannot be used as they are.",
            Verdict::CorsBlocked => {
                "The browser got no answer from the API. Calling the API straight from a web page is usually blocked by CORS, because the API does not allow other sites to read its answers; a wrong host name or a network problem looks the same from here."
            }
            Verdict::RelayUnreachable => {
                "Neither the relay's health check nor the API calls through it got any answer: the relay's address is wrong, it is not running, or the network blocks it."
            }
            Verdict::RelayMisconfigured => {
                "What came back is not the API's answer: a web page, a relay's own error, or nothing readable from a relay that is up. The relay is not forwarding the calls correctly."
            }
            Verdict::TenantUnreachable => {
                "The relay answered, but it could not reach the API host: the tenant name or environment is wrong, or the relay's network cannot reach NICE CXone."
            }
            Verdict::BadCredentials => {
                "The token endpoint does not accept this client ID and secret, so no call can be made."
            }
            Verdict::DiscoveryFailed => {
                "The token was issued, but where the tenant's API lives could not be found: the id_token names no tenant, or the issuer's /.well-known/cxone-configuration does not answer an api_endpoint for it. No API call can be made without it."
            }
            Verdict::MissingScope => {
                "The OAuth client is not allowed to read what the diagnosis needs. CXone may answer an empty 200 instead of 403 when agent:state:read is missing, which looks exactly like a logged-out agent."
            }
            Verdict::TokenRejected => {
                "The token endpoint issued a token, and the API refused it straight away: the client is not allowed to call this API, or the token is meant for another host."
            }
            Verdict::UserNotFound => "No user has this ID in this tenant and environment, and it is no agent ID either.",
            Verdict::IdIsAgentId => {
                "The ID typed as the user ID is an agent ID, not a user ID."
            }
            Verdict::IdIsUserId => {
                "The ID typed as the agent ID is not an agent, but the user lookup knows it: it is a user ID. The state endpoint needs the user's agentId."
            }
            Verdict::NotAnAgent => {
                "Without an agent ID they cannot log in to the agent desktop and never have an agent state."
            }
            Verdict::AgentNotFound => "This agent ID is unknown in this tenant and environment.",
            Verdict::InconsistentState => {
                "The agent's own state endpoint and the all-agents list disagree about whether the agent is logged in."
            }
            Verdict::WrongEnvironment => {
                "Production and DevTest keep separate sessions: the agent signed in to the other one."
            }
            Verdict::LoggedOut => {
                "Everything works: the credentials, the scopes and the IDs are fine, and the agent simply has no active session."
            }
            Verdict::LoggedIn => "The agent has an active session.",
            Verdict::RateLimited => {
                "The API kept answering 429 Too Many Requests after waiting as long as it asked (within the page's bounds)."
            }
            Verdict::ServiceError => "The API answered with a server error (5xx) or a status it does not use here.",
            Verdict::Timeout => "The API, the relay or the network was slower than the time limit allows.",
            Verdict::MissingPermission => {
                "On CXone what an access key may read comes from the role of the user who owns it, and from that user's data visibility, not from OAuth scopes."
            }
            Verdict::AgentHidden => {
                "The agent most likely exists outside the teams the access key's user may see."
            }
            Verdict::AgentInactive => {
                "The agent record is inactive (isActive: false): an inactive agent cannot log in, so they always show as not logged in."
            }
            Verdict::AgentLocked => {
                "The agent record is locked (locked: true), usually after too many failed sign-ins: a locked agent cannot log in until unlocked."
            }
            Verdict::UserDisabled => {
                "User Hub's status for the user is not ACTIVE (for example BLOCKED or DELETED): the user cannot sign in, so the agent shows as not logged in."
            }
            Verdict::Inconclusive => {
                "The calls that answered cannot decide this: the user was not in the part of a list the page reads (it stops at a bound, so as not to page through a whole tenant), or the state endpoints gave no data. This names no cause; nothing here says the agent is missing or logged out."
            }
        }
    }

    /// What to do, step by step, in words that hold for every profile (a profile may have its
    /// own: see [`Verdict::fix_for`]).
    pub fn fix(self) -> Vec<String> {
        let steps: &[&str] = match self {
            Verdict::InvalidInput => &["Correct the fields marked in the form, then press Diagnose again."],
            Verdict::CorsBlocked => &[
                "Set a CORS relay (for example the reference relay in this repository) and run again.",
                "Check the tenant name and environment: a host that does not exist also gets no answer.",
                "Open the browser's developer console: a CORS error there confirms the cause.",
            ],
            Verdict::RelayUnreachable => &[
                "Check the relay address in the CORS relay field.",
                "Make sure the relay is running, and open its /healthz address in a tab to see that it answers.",
                "Check that no proxy or firewall between the browser and the relay blocks it.",
            ],
            Verdict::RelayMisconfigured => &[
                "Check the relay template: a prefix ending in / (https://relay.example/) or a template with {url}.",
                "Make sure the relay forwards the Authorization, Content-Type and Accept headers and sends CORS headers on every answer, errors and preflights included.",
                "If the relay answers with a web page, the address points at a web site instead of the relay.",
                "If the relay refuses the host (X-Relay-Error: forbidden-host), add the API host to the relay's allowlist.",
            ],
            Verdict::TenantUnreachable => &[
                "Check the tenant name: it is the first label of the host, as in acme.nicecxone.com.",
                "Check the environment (Production or DevTest) and the API host override, if set.",
                "Make sure the relay's network can reach NICE CXone (DNS, outbound HTTPS).",
            ],
            Verdict::DiscoveryFailed => &[
                "Set the API host field to your tenant's API endpoint (for example https://api-na1.niceincontact.com, or api-eu1, api-au1, api-uk1 for your area) and run again.",
                "Check the issuer: the government cloud uses https://cxone-gov.niceincontact.com.",
                "With a relay, make sure it forwards /.well-known/cxone-configuration to the issuer and allows the issuer's host.",
            ],
            Verdict::BadCredentials => &[
                "Verify the client ID and client secret (copy them again from the OAuth client).",
                "Check that the OAuth client is enabled in the CXone Admin Console (Admin > Security > OAuth Clients).",
                "Check that the client belongs to this tenant and environment.",
            ],
            Verdict::MissingScope => &[
                "Go to Admin > Security > OAuth Clients in the CXone Admin Console.",
                "Select your client.",
                "In the Scopes tab, make sure agent:state:read is checked (and agent:read and user:read).",
                "Save the changes, then run again: a new token carries the new scopes.",
            ],
            Verdict::TokenRejected => &[
                "Check that the OAuth client is enabled in the CXone Admin Console.",
                "Check that the token is used on the same host that issued it (environment, API host override).",
                "Refresh tokens before they expire: invalidate a cached token 5 minutes before expires_in runs out.",
            ],
            Verdict::UserNotFound => &[
                "Check the user ID for typos; it is the user's ID, not their name or agent ID.",
                "Check that the user belongs to this tenant and environment.",
            ],
            Verdict::IdIsAgentId => &[
                "Type this ID in the Agent ID field instead, or look up the user's own ID.",
                "In scripts, call /api/v2/agents/{agentId}/state with the agentId and /api/v2/users/{userId} with the user ID.",
            ],
            Verdict::IdIsUserId => &[
                "Use the agentId field from the user profile, not the user ID.",
                "Leave the Agent ID field empty and give the user ID: the page looks up the agent ID itself.",
            ],
            Verdict::NotAnAgent => &[
                "Make the user an agent in the CXone Admin Console (give them an agent profile), or check the user ID.",
                "Only agents have an agent state; other users always show as not logged in.",
            ],
            Verdict::AgentNotFound => &[
                "Ensure you are using the agentId field from the user profile, not the user ID.",
                "Check the ID for typos; agent IDs are UUIDs.",
                "Check that the agent belongs to this tenant and environment.",
            ],
            Verdict::InconsistentState => &[
                "Run again in a minute: a session that has just started or ended can show in one place first.",
                "If it persists, report it to NICE support with the exchanges below as evidence.",
                "Meanwhile, trust the agent desktop or Workforce Management > Agents > View Agents.",
            ],
            Verdict::WrongEnvironment => &[
                "Switch the Environment field (and your integration) to the environment where the agent is logged in.",
                "Verify that the tenant in your script matches the environment where the agent works.",
            ],
            Verdict::LoggedOut => &[
                "Confirm in the CXone Admin Console > Workforce Management > Agents > View Agents that the agent shows 'Logged In'.",
                "Ask the agent to log in to the agent desktop, then run again.",
            ],
            Verdict::LoggedIn => &[],
            Verdict::RateLimited => &[
                "Wait a minute and run again.",
                "Find what else uses this OAuth client heavily, and space its calls out.",
            ],
            Verdict::ServiceError => &[
                "Run again in a few minutes.",
                "Check NICE CXone's status page; if it persists, report it to NICE support with the exchange below.",
            ],
            Verdict::Timeout => &[
                "Run again; raise the time limit if the network is slow.",
                "Check the network path (and the relay) to the API host.",
            ],
            Verdict::MissingPermission => &[
                "In CXone Admin > Security Settings > Roles and Permissions, open the role of the access key's user.",
                "Grant the permission area the finding names (Real-Time Data for agent states, Admin agents (Users) for the agent list, User Hub for users), with view rights.",
                "Check that user's data visibility (teams it may see) covers the agent's team.",
                "Save, then run again with a new token.",
            ],
            Verdict::AgentHidden => &[
                "Give the access key's user visibility of the agent's team (Admin > Users > the key's user > Teams it may view), or use an access key of a user who can see every team.",
                "Run again: the agent list should then include the agent.",
            ],
            Verdict::AgentInactive => &[
                "In CXone Admin > Users, open the user and activate them (the agent record's Active flag).",
                "Ask the agent to log in again, then run again.",
            ],
            Verdict::AgentLocked => &[
                "In CXone Admin > Users, open the user and unlock them (or reset their password).",
                "Ask the agent to log in again, then run again.",
            ],
            Verdict::UserDisabled => &[
                "In CXone User Hub (Admin > Users), open the user and check their status: reactivate a BLOCKED user; a DELETED user must be recreated.",
                "Check that the user ID is the one of the person now working: a deleted account's ID may still be in scripts.",
            ],
            Verdict::Inconclusive => &[
                "Type the agent's numeric agent ID in the Agent ID field (CXone Admin > Users > the user > ACD): the page then asks the agent's own endpoints and needs no list.",
                "Run again in a minute: a state list that gave no data (304, 204, an empty body) may answer next time.",
                "Open the check marked ? (could not check) to see how far the page read.",
            ],
        };
        steps.iter().map(|s| s.to_string()).collect()
    }
}
