//! One table per check: each branch it can take ([`BranchId`]), when it takes it, its outcome,
//! what it means, and the verdicts it can lead to.

use super::{Branch, BranchId, Check};
use crate::engine::verdict::Verdict;
use crate::profile::Capabilities;

/// Whether branch `id` of `check` can be taken by a profile with `caps`.
pub(super) fn applies(check: Check, id: BranchId, caps: Capabilities) -> bool {
    use BranchId as B;
    match (check, id) {
        (_, B::NotRun) => true,
        // A 403 is a missing scope in the guide's vocabulary, a missing role permission on a
        // platform whose tokens carry a role.
        // (The agent lookup's own refusals show only where there is a lookup.)
        (_, B::Forbidden) => {
            !caps.role_permissions && (check != Check::AgentId || caps.agent_lookup)
        }
        (_, B::NoPermission) => {
            caps.role_permissions && (check != Check::AgentId || caps.agent_lookup)
        }
        (Check::User, B::Disabled) => caps.account_status,
        (Check::AgentId, B::Inactive | B::Locked | B::Hidden | B::BeyondBound) => caps.paged_lists,
        (Check::AgentState | Check::StateList, B::NoData) => caps.no_data_answers,
        // No profile is left unimplemented.
        (Check::Inputs, B::Unsupported) => false,
        (Check::Discovery, B::Guide) => !caps.discovery,
        (Check::Discovery, _) => caps.discovery,
        // A user record that names the agent ID itself needs no call of its own.
        (Check::AgentId, B::Present | B::Given | B::Matches | B::Mismatch | B::NotAnAgent) => true,
        (Check::AgentId, _) => caps.agent_lookup,
        (Check::OtherEnvironment, B::NoEnvironments) => !caps.environments,
        (Check::OtherEnvironment, _) => caps.environments,
        _ => true,
    }
}

/// The branches of `check` that `keep` accepts, in table order, `not_run` last.
pub(super) fn rows(check: Check, keep: impl Fn(BranchId) -> bool) -> Vec<Branch> {
    let mut out: Vec<&Row> = table(check).iter().collect();
    if matches!(
        check,
        Check::Token
            | Check::Discovery
            | Check::User
            | Check::AgentId
            | Check::AgentState
            | Check::StateList
    ) {
        out.extend(CALL_FAILURES.iter());
        if !matches!(check, Check::Token | Check::Discovery) {
            out.extend(API_REFUSALS.iter());
        }
    }
    out.push(&NOT_RUN);
    out.into_iter()
        .filter(|row| keep(row.0))
        .map(Branch::from_row)
        .collect()
}

/// One row of a check's table: id, outcome, when, what it means, the verdicts it leads to.
pub(super) type Row = (
    BranchId,
    super::Outcome,
    &'static str,
    &'static str,
    &'static [Verdict],
);

use super::Outcome::{Fail, Pass, Skipped, Unknown, Warn};
use BranchId as B;
use Verdict as V;

const NOT_RUN: Row = (
    B::NotRun,
    Skipped,
    "an earlier step ended the diagnosis",
    "This check did not run.",
    &[],
);

/// Ways any call can fail before the API says anything useful.
const CALL_FAILURES: [Row; 7] = [
    (
        B::NoAnswer,
        Fail,
        "the call gets no answer at all (fetch fails)",
        "The browser got no answer: CORS blocked it, the host does not exist, the network failed, or the relay is down or drops CORS headers.",
        &[V::CorsBlocked, V::RelayUnreachable, V::RelayMisconfigured],
    ),
    (
        B::NotApi,
        Fail,
        "the answer is not the API's (an HTML page, a relay's text error, a 2xx without JSON)",
        "Something between the page and the API answered instead of the API.",
        &[V::RelayMisconfigured],
    ),
    (
        B::RelayRefusedHost,
        Fail,
        "the relay answers 403 with X-Relay-Error: forbidden-host",
        "The relay refuses to forward to this host: it is not on the relay's allowlist.",
        &[V::RelayMisconfigured],
    ),
    (
        B::TenantUnreachable,
        Fail,
        "the relay answers 502 with X-Relay-Error, or a 'proxy error ... ENOTFOUND' text",
        "The relay was reached but could not reach the API host.",
        &[V::TenantUnreachable],
    ),
    (
        B::RateLimited,
        Fail,
        "429 persists after honouring Retry-After (3 tries, 10 s of waiting at most)",
        "The API keeps refusing calls because too many were made.",
        &[V::RateLimited],
    ),
    (B::ServiceError, Fail, "a 5xx answer, or a status this call never uses", "The API failed to answer normally.", &[V::ServiceError]),
    (B::Timeout, Fail, "no answer within the time limit", "The call took longer than the time limit.", &[V::Timeout]),
];

/// How the API refuses a call made with a token.
const API_REFUSALS: [Row; 3] = [
    (
        B::TokenRejected,
        Fail,
        "401 with a freshly issued token",
        "The API does not accept the token the token endpoint just issued.",
        &[V::TokenRejected],
    ),
    (
        B::Forbidden,
        Fail,
        "403",
        "The OAuth client lacks a scope this call needs.",
        &[V::MissingScope],
    ),
    (
        B::NoPermission,
        Fail,
        "403 to a valid token",
        "The access key's user lacks the role permission this call needs (Real-Time Data, Admin agents or User Hub, by the call refused).",
        &[V::MissingPermission],
    ),
];

fn table(check: Check) -> &'static [Row] {
    match check {
        Check::Inputs => &[
            (B::Ok, Pass, "every field is well formed", "The inputs can be used as given.", &[]),
            (B::Invalid, Fail, "a field fails validation", "Nothing was sent: fix the fields first.", &[V::InvalidInput]),
            (
                B::Unsupported,
                Unknown,
                "the profile chosen is not implemented in this version",
                "Nothing was sent: choose another profile.",
                &[],
            ),
        ],
        Check::Relay => &[
            (B::Direct, Skipped, "no relay is set", "Calls go straight to the API; CORS decides whether the browser may read them.", &[]),
            (
                B::Reference,
                Pass,
                "GET /healthz answers 200 with JSON naming the relay, and calls pass through",
                "The reference relay is up and forwards calls.",
                &[],
            ),
            (
                B::Answers,
                Pass,
                "the relay answers and calls pass through it",
                "A relay is up and forwards calls (not the reference relay, or its health answer differs).",
                &[],
            ),
            (
                B::NoHealth,
                Warn,
                "GET /healthz gets no answer, but calls pass through",
                "The relay forwards calls; it has no health endpoint the browser can read.",
                &[],
            ),
            (
                B::Blocked,
                Fail,
                "GET /healthz answers, but the API calls through the relay get no answer",
                "The relay is up but the browser cannot read what it forwards: it drops CORS headers, or refuses the preflight.",
                &[V::RelayMisconfigured],
            ),
            (
                B::Unreachable,
                Fail,
                "neither GET /healthz nor the API calls get any answer",
                "The relay cannot be reached at all: wrong address, not running, or blocked by the network.",
                &[V::RelayUnreachable],
            ),
            (
                B::NotApi,
                Fail,
                "calls through the relay come back with the relay's own page or error instead of the API's answer",
                "The relay is reached but does not forward the calls as the API expects.",
                &[V::RelayMisconfigured],
            ),
            (
                B::RefusedHost,
                Fail,
                "the relay answers 403 with X-Relay-Error: forbidden-host",
                "The relay is up but refuses to forward to this API host.",
                &[V::RelayMisconfigured],
            ),
            (
                B::CannotReachHost,
                Warn,
                "the relay answers, but reports that it cannot reach the API host",
                "The relay works; the host behind it cannot be reached from where the relay runs.",
                &[V::TenantUnreachable],
            ),
            (
                B::Undecided,
                Unknown,
                "GET /healthz gets no answer and the calls time out",
                "Whether the relay works could not be told.",
                &[],
            ),
        ],
        Check::Token => &[
            (B::Issued, Pass, "200 with an access_token", "The client ID and secret are accepted.", &[]),
            (
                B::Reused,
                Pass,
                "a token from the previous run is still valid for the same client and host",
                "The token issued on the previous run was reused (no token call).",
                &[],
            ),
            (
                B::Refused,
                Fail,
                "401, or 400 invalid_client (or another OAuth error)",
                "The token endpoint refuses the client ID and secret.",
                &[V::BadCredentials],
            ),
        ],
        Check::Scopes => &[
            (B::All, Pass, "the scopes include agent:state:read, agent:read and user:read", "The token may read agents, their states and users.", &[]),
            (
                B::LacksStateRead,
                Fail,
                "agent:state:read is missing",
                "The state calls may answer an empty 200 instead of 403: an empty state proves nothing.",
                &[V::MissingScope],
            ),
            (
                B::LacksOther,
                Warn,
                "agent:state:read is there, but agent:read or user:read is missing",
                "The state can be read; user and agent lookups may be refused.",
                &[],
            ),
            (
                B::Unknown,
                Unknown,
                "neither the token answer's scope nor a JWT claim names the scopes",
                "The scopes could not be read, so an empty state caused by a missing scope cannot be ruled out.",
                &[],
            ),
        ],
        Check::TokenLifetime => &[
            (
                B::Long,
                Pass,
                "expires_in (or, without it, the JWT access token's exp claim) is 5 minutes or more away",
                "The token outlives the diagnosis.",
                &[],
            ),
            (
                B::Short,
                Warn,
                "expires_in, or the JWT access token's exp claim, is under 5 minutes away",
                "The token expires soon: an integration must refresh it before it runs out, or its calls fail with 401.",
                &[],
            ),
            (
                B::Expired,
                Fail,
                "the JWT access token's exp claim is already past",
                "The token endpoint issued a token that has already expired (or this computer's clock is far off): the API will refuse it with 401.",
                &[],
            ),
            (
                B::Unknown,
                Unknown,
                "the token answer gives no expires_in, and the access token is no JWT with an exp claim",
                "The token's lifetime is not known.",
                &[],
            ),
        ],
        Check::Discovery => &[
            (
                B::Found,
                Pass,
                "the id_token names a tenantId, and /.well-known/cxone-configuration answers its api_endpoint",
                "The tenant's API host is known: every API call goes there.",
                &[],
            ),
            (
                B::Overridden,
                Skipped,
                "the API host field is set",
                "The API host field replaces discovery: every API call goes to that host.",
                &[],
            ),
            (
                B::Guide,
                Skipped,
                "the guide profile is chosen",
                "The guide profile's host comes from the tenant name: there is nothing to discover.",
                &[],
            ),
            (
                B::NoIdToken,
                Fail,
                "the token answer carries no id_token (and the access token names no tenantId)",
                "Without the tenant's ID there is no way to ask where its API lives.",
                &[V::DiscoveryFailed],
            ),
            (
                B::NoTenantId,
                Fail,
                "the id_token (and the access token) name no tenantId",
                "Without the tenant's ID there is no way to ask where its API lives.",
                &[V::DiscoveryFailed],
            ),
            (
                B::NotFound,
                Fail,
                "/.well-known/cxone-configuration answers 404 for the tenant",
                "The issuer does not know this tenant's configuration: another issuer (government cloud?) or a tenant it does not serve.",
                &[V::DiscoveryFailed],
            ),
            (
                B::Refused,
                Fail,
                "/.well-known/cxone-configuration answers another 4xx",
                "The issuer refuses to say where the tenant's API lives.",
                &[V::DiscoveryFailed],
            ),
            (
                B::NoEndpoint,
                Fail,
                "the configuration is JSON without a usable api_endpoint (an https origin)",
                "The configuration does not say where the tenant's API lives.",
                &[V::DiscoveryFailed],
            ),
        ],
        Check::User => &[
            (B::Found, Pass, "the user lookup answers the user", "The user exists in this tenant and environment.", &[]),
            (
                B::Empty,
                Warn,
                "the user lookup answers 200 with an empty record",
                "The lookup answered but said nothing about the user (often a missing user:read scope).",
                &[V::MissingScope, V::NotAnAgent],
            ),
            (
                B::NotFound,
                Fail,
                "404 (on the platform also 400, a malformed ID), and the same ID is no agent ID either",
                "No user has this ID in this tenant and environment.",
                &[V::UserNotFound],
            ),
            (
                B::IsAgentId,
                Fail,
                "404, but the same ID answers the agent-state endpoint",
                "The ID typed as the user ID is an agent ID.",
                &[V::IdIsAgentId],
            ),
            (B::NotGiven, Skipped, "only an agent ID was given", "The user lookup is skipped when an agent ID is given alone.", &[]),
            (
                B::Disabled,
                Fail,
                "User Hub's status for the user is not ACTIVE (BLOCKED, DELETED, ...)",
                "The user cannot sign in, so the agent cannot log in.",
                &[V::UserDisabled],
            ),
        ],
        Check::AgentId => &[
            (
                B::Present,
                Pass,
                "the user's agent ID is known: the user record's agentId (platform: the Admin agent lookup, or the id_token's icAgentId)",
                "The user is an agent.",
                &[],
            ),
            (B::Given, Pass, "an agent ID was typed and no user ID", "The typed agent ID is used as is.", &[]),
            (B::Matches, Pass, "the typed agent ID is the user's agentId", "The user ID and agent ID belong together.", &[]),
            (
                B::Mismatch,
                Warn,
                "the typed agent ID differs from the user's agentId",
                "The typed agent ID belongs to someone else, or is a user ID; the user's own agent ID is used.",
                &[],
            ),
            (
                B::NotAnAgent,
                Fail,
                "the user's agentId is absent, null or empty (platform: no agent maps to the user)",
                "The user is not configured as an agent and cannot log in to the agent desktop.",
                &[V::NotAnAgent],
            ),
            (
                B::LookupUnused,
                Unknown,
                "the agent lookup was answered, but the diagnosis ended before the user was known",
                "The lookup answered; the diagnosis did not need it.",
                &[],
            ),
            (
                B::Inactive,
                Warn,
                "the Admin agent record of the user has isActive: false",
                "An inactive agent cannot log in: without a session, this is the cause.",
                &[V::AgentInactive, V::LoggedIn],
            ),
            (
                B::Locked,
                Warn,
                "the Admin agent record of the user has locked: true",
                "A locked agent cannot log in: without a session, this is the cause.",
                &[V::AgentLocked, V::LoggedIn],
            ),
            (
                B::Hidden,
                Fail,
                "no agent the key's user can see maps to the user, and the Admin agent list reports hiddenAgents > 0",
                "The agent most likely exists, in a team the access key's user may not see.",
                &[V::AgentHidden],
            ),
            (
                B::BeyondBound,
                Unknown,
                "the user is not in the first pages of the Admin agent list read (the bound), and the list goes on",
                "Whether the user is an agent could not be told within the bound: no cause is named.",
                &[V::Inconclusive],
            ),
        ],
        Check::AgentState => &[
            (B::Active, Pass, "the endpoint answers a state", "The agent has an active session.", &[V::LoggedIn, V::InconsistentState]),
            (
                B::NoSession,
                Warn,
                "the endpoint answers {} (or an empty body, or a Logged Out state; platform: a LoggedOut entry, or no entry at all)",
                "The agent has no active session here, or the token may not read it.",
                &[],
            ),
            (
                B::NotFound,
                Fail,
                "404 for the user's agent ID (on the platform also 400)",
                "The agent ID does not exist in this tenant and environment.",
                &[V::AgentNotFound],
            ),
            (
                B::IsUserId,
                Fail,
                "404 for the typed agent ID, which the user lookup knows as a user ID",
                "A user ID was typed as the agent ID.",
                &[V::IdIsUserId],
            ),
            (
                B::NoData,
                Unknown,
                "the endpoint answers 204, 304, an empty body, or no state entry at all (not even LoggedOut)",
                "No data: the endpoint said nothing about the agent, which is not the same as no session.",
                &[V::LoggedIn, V::LoggedOut, V::AgentInactive, V::AgentLocked, V::Inconclusive],
            ),
        ],
        Check::StateList => &[
            (B::Listed, Pass, "the agent is in the list with a state", "The list shows the agent logged in.", &[]),
            (B::Absent, Warn, "the agent is not in the list (other agents are)", "The list does not show the agent logged in.", &[]),
            (
                B::Empty,
                Warn,
                "the list is empty",
                "No agent at all shows as logged in; if agents are working, the token may lack agent:state:read.",
                &[],
            ),
            (
                B::NoAgentId,
                Unknown,
                "the list was read, but the diagnosis ended before an agent ID was known",
                "The list answered; with no agent ID there was nothing to look for in it.",
                &[],
            ),
            (
                B::NoData,
                Unknown,
                "the list answers 204, 304 or an empty body, or the agent is not in the pages read within the bound",
                "No data to compare: the list is not shown to be empty, only unread.",
                &[],
            ),
        ],
        Check::CrossCheck => &[
            (B::AgreeIn, Pass, "both say logged in", "The agent is logged in.", &[V::LoggedIn]),
            (B::AgreeOut, Pass, "neither shows a session", "The agent has no session here (or the token cannot see it).", &[]),
            (
                B::Disagree,
                Fail,
                "one shows a session and the other does not",
                "The API contradicts itself about this agent.",
                &[V::InconsistentState],
            ),
            (B::Unknown, Unknown, "the list could not be read", "The two could not be compared.", &[]),
        ],
        Check::OtherEnvironment => &[
            (
                B::LoggedIn,
                Fail,
                "the agent has a session on the other environment",
                "The agent works on the other environment (Production vs DevTest).",
                &[V::WrongEnvironment],
            ),
            (
                B::LoggedOut,
                Pass,
                "no session on the other environment either",
                "The agent is logged out everywhere this page can see.",
                &[V::LoggedOut],
            ),
            (B::NotNeeded, Skipped, "the state here is not empty", "Asked only when the state here is empty.", &[]),
            (
                B::SameHost,
                Skipped,
                "an API host override is set",
                "The override replaces both environments' hosts, so there is no other environment to ask.",
                &[V::LoggedOut],
            ),
            (
                B::NoEnvironments,
                Skipped,
                "the platform profile is chosen",
                "The platform has no Production/DevTest host pair to compare: wrong_environment is a guide-profile verdict.",
                &[V::LoggedOut],
            ),
            (
                B::Scope,
                Skipped,
                "the token lacks agent:state:read",
                "An empty state means nothing without the scope, so another environment would not tell more.",
                &[V::MissingScope],
            ),
            (
                B::CouldNotCheck,
                Unknown,
                "the calls to the other environment fail",
                "Whether the agent is logged in on the other environment is not known.",
                &[V::LoggedOut],
            ),
        ],
    }
}
