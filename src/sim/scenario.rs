//! The scenarios: one story per verdict (and a few more) for each profile, each with the form
//! that runs it. The platform's scenario IDs start with `platform-`.

use super::{
    CLIENT_ID_PREFIX, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_AGENT_ID, DEMO_SECRET,
    DEMO_TENANT, DEMO_USER_ID,
};
use crate::engine::Verdict;
use crate::inputs::{Environment, Field, Form, Profile, DEFAULT_API_VERSION, DEFAULT_ISSUER};

/// What the simulated tenant does. The demo client ID `demo-<id>` selects it at the token
/// request (see the [module docs](super)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// Dana Whitfield is Available in skill group Billing; both state endpoints agree.
    LoggedIn,
    /// Everything works and Dana has no session on Production or DevTest.
    LoggedOut,
    /// Dana has no session on Production but is logged in on DevTest.
    WrongEnvironment,
    /// The client lacks `agent:state:read`, and the state endpoints answer `200 {}` and `[]`
    /// instead of 403, although Dana is in fact Available.
    MissingScopeSilent,
    /// The client lacks `agent:state:read`, and the state endpoints answer 403.
    MissingScopeForbidden,
    /// The token endpoint refuses the client with `401 invalid_client` (a rotated secret).
    BadCredentials,
    /// The user ID is one digit off: the user lookup and the agent-state endpoint answer 404.
    UserNotFound,
    /// The agent ID 4021 was typed into the User ID field.
    IdIsAgentId,
    /// Only an agent ID was typed, and it is Dana's user ID.
    IdIsUserId,
    /// The user exists, but their `agentId` is `null`.
    NotAnAgent,
    /// The user's `agentId` points at an agent the state endpoint does not know (404).
    AgentNotFound,
    /// The agent's own endpoint answers `{}` while the all-agents list shows her Available.
    InconsistentState,
    /// The user lookup answers 429 with `Retry-After: 1` on the first try, then Dana is logged in.
    RateLimitedThenOk,
    /// Every API call answers 429 with `Retry-After: 1`, however long one waits.
    RateLimited,
    /// The agent-state endpoint answers 503.
    ServiceError,
    /// The token endpoint issues an already expired token, and the API refuses it with 401.
    TokenRejected,
    /// The relay path is not set up: the web server answers its own HTML 404 page.
    RelayMisconfigured,
    /// The agent-state endpoint takes 20 s to answer; the form's time limit is 2 s.
    Timeout,
    /// A cors-anywhere relay cannot resolve the tenant's host: `proxy error ... ENOTFOUND`.
    TenantUnreachable,
    /// No relay, and the tenant sends no CORS headers: the browser gets no answer.
    CorsBlocked,
    /// The relay is down: neither its `/healthz` nor any call through it answers.
    RelayUnreachable,
    /// The form's tenant has a space in it; nothing is sent.
    InvalidInput,
    /// Platform: Dana is Available on skill Billing; discovery, User Hub, the Admin lookup and
    /// both state endpoints agree.
    PlatformLoggedIn,
    /// Platform: Dana's state entry is `LoggedOut` (state 0), in her own answer and the list.
    PlatformLoggedOut,
    /// Platform: the older `resultSet` answer shape; Dana is Unavailable (Lunch).
    PlatformResultSet,
    /// Platform: the access key's role may not view agent states: both state calls answer 403.
    PlatformMissingPermission,
    /// Platform: the token endpoint answers 401 "Client application ... not authorized for user".
    PlatformBadCredentials,
    /// Platform: the issuer's cxone-configuration answers 404 for the tenant.
    PlatformDiscoveryFailed,
    /// Platform: the user ID is one digit off: User Hub answers 404.
    PlatformUserNotFound,
    /// Platform: the agent ID 4021 was typed into the User ID field.
    PlatformIdIsAgentId,
    /// Platform: only an agent ID was typed, and it is Dana's user ID (a UUID).
    PlatformIdIsUserId,
    /// Platform: Dana exists in User Hub, but no ACD agent maps to her.
    PlatformNotAnAgent,
    /// Platform: only an agent ID was typed, 4999, which no agent has.
    PlatformAgentNotFound,
    /// Platform: Dana's own state is `LoggedOut` while the all-agents list shows her Available.
    PlatformInconsistentState,
    /// Platform: User Hub answers 429 once per run, then Dana is logged in.
    PlatformRateLimitedThenOk,
    /// Platform: every API call answers 429.
    PlatformRateLimited,
    /// Platform: the agent's own state call answers 503.
    PlatformServiceError,
    /// Platform: the API answers 401 to the token the issuer just issued.
    PlatformTokenRejected,
    /// Platform: the relay path answers the web server's HTML 404 page.
    PlatformRelayMisconfigured,
    /// Platform: the agent's own state call takes 20 s; the form's time limit is 2 s.
    PlatformTimeout,
    /// Platform: the relay reaches the issuer but cannot resolve the API host.
    PlatformTenantUnreachable,
    /// Platform: no relay, and NICE sends no CORS headers.
    PlatformCorsBlocked,
    /// Platform: the relay is down.
    PlatformRelayUnreachable,
    /// Platform: the issuer is typed with http://, which the page refuses; nothing is sent.
    PlatformInvalidInput,
    /// Platform: User Hub's status for Dana is BLOCKED.
    PlatformUserDisabled,
    /// Platform: Dana's agent record is inactive (`isActive: false`) and she is logged out.
    PlatformAgentInactive,
    /// Platform: Dana's agent record is locked (`locked: true`) and she is logged out.
    PlatformAgentLocked,
    /// Platform: Dana's agent is in a team the key's user may not see (`hiddenAgents: 1`).
    PlatformAgentHidden,
    /// Platform: Dana is on the third page of both lists (250 agents, pages of 100).
    PlatformThirdPage,
    /// Platform: the all-agents list answers 304 (no data) while Dana is Available.
    PlatformListNoData,
    /// Platform: neither state endpoint gives data (the agent's own answers 204, the list 304).
    PlatformNoData,
    /// Platform: the agent's state answers 503 with a Retry-After HTTP-date once, then works.
    PlatformBusyThenOk,
    /// Platform: the app takes its client credentials only in the form body.
    PlatformClientSecretPost,
    /// Platform: `/auth/token` answers 404; the OpenID configuration names the token endpoint.
    PlatformTokenEndpointMoved,
}

use Scenario::*;

impl Scenario {
    /// Every scenario, in the order the demo picker shows them.
    pub const ALL: &'static [Scenario] = &[
        LoggedIn,
        LoggedOut,
        WrongEnvironment,
        MissingScopeSilent,
        MissingScopeForbidden,
        BadCredentials,
        UserNotFound,
        IdIsAgentId,
        IdIsUserId,
        NotAnAgent,
        AgentNotFound,
        InconsistentState,
        RateLimitedThenOk,
        RateLimited,
        ServiceError,
        TokenRejected,
        RelayMisconfigured,
        Timeout,
        TenantUnreachable,
        CorsBlocked,
        RelayUnreachable,
        InvalidInput,
        PlatformLoggedIn,
        PlatformLoggedOut,
        PlatformResultSet,
        PlatformMissingPermission,
        PlatformBadCredentials,
        PlatformDiscoveryFailed,
        PlatformUserNotFound,
        PlatformIdIsAgentId,
        PlatformIdIsUserId,
        PlatformNotAnAgent,
        PlatformAgentNotFound,
        PlatformInconsistentState,
        PlatformRateLimitedThenOk,
        PlatformRateLimited,
        PlatformServiceError,
        PlatformTokenRejected,
        PlatformRelayMisconfigured,
        PlatformTimeout,
        PlatformTenantUnreachable,
        PlatformCorsBlocked,
        PlatformRelayUnreachable,
        PlatformInvalidInput,
        PlatformUserDisabled,
        PlatformAgentInactive,
        PlatformAgentLocked,
        PlatformAgentHidden,
        PlatformThirdPage,
        PlatformListNoData,
        PlatformNoData,
        PlatformBusyThenOk,
        PlatformClientSecretPost,
        PlatformTokenEndpointMoved,
    ];

    /// The profile the scenario's form runs.
    pub fn profile(self) -> Profile {
        if self.id().starts_with("platform-") {
            Profile::Platform
        } else {
            Profile::Guide
        }
    }

    /// The stable kebab-case ID (`logged-in`, `wrong-environment`, ...).
    pub fn id(self) -> &'static str {
        match self {
            LoggedIn => "logged-in",
            LoggedOut => "logged-out",
            WrongEnvironment => "wrong-environment",
            MissingScopeSilent => "missing-scope-silent",
            MissingScopeForbidden => "missing-scope-forbidden",
            BadCredentials => "bad-credentials",
            UserNotFound => "user-not-found",
            IdIsAgentId => "id-is-agent-id",
            IdIsUserId => "id-is-user-id",
            NotAnAgent => "not-an-agent",
            AgentNotFound => "agent-not-found",
            InconsistentState => "inconsistent-state",
            RateLimitedThenOk => "rate-limited-then-ok",
            RateLimited => "rate-limited",
            ServiceError => "service-error",
            TokenRejected => "token-rejected",
            RelayMisconfigured => "relay-misconfigured",
            Timeout => "timeout",
            TenantUnreachable => "tenant-unreachable",
            CorsBlocked => "cors-blocked",
            RelayUnreachable => "relay-unreachable",
            InvalidInput => "invalid-input",
            PlatformLoggedIn => "platform-logged-in",
            PlatformLoggedOut => "platform-logged-out",
            PlatformResultSet => "platform-result-set",
            PlatformMissingPermission => "platform-missing-permission",
            PlatformBadCredentials => "platform-bad-credentials",
            PlatformDiscoveryFailed => "platform-discovery-failed",
            PlatformUserNotFound => "platform-user-not-found",
            PlatformIdIsAgentId => "platform-id-is-agent-id",
            PlatformIdIsUserId => "platform-id-is-user-id",
            PlatformNotAnAgent => "platform-not-an-agent",
            PlatformAgentNotFound => "platform-agent-not-found",
            PlatformInconsistentState => "platform-inconsistent-state",
            PlatformRateLimitedThenOk => "platform-rate-limited-then-ok",
            PlatformRateLimited => "platform-rate-limited",
            PlatformServiceError => "platform-service-error",
            PlatformTokenRejected => "platform-token-rejected",
            PlatformRelayMisconfigured => "platform-relay-misconfigured",
            PlatformTimeout => "platform-timeout",
            PlatformTenantUnreachable => "platform-tenant-unreachable",
            PlatformCorsBlocked => "platform-cors-blocked",
            PlatformRelayUnreachable => "platform-relay-unreachable",
            PlatformInvalidInput => "platform-invalid-input",
            PlatformUserDisabled => "platform-user-disabled",
            PlatformAgentInactive => "platform-agent-inactive",
            PlatformAgentLocked => "platform-agent-locked",
            PlatformAgentHidden => "platform-agent-hidden",
            PlatformThirdPage => "platform-third-page",
            PlatformListNoData => "platform-list-no-data",
            PlatformNoData => "platform-no-data",
            PlatformBusyThenOk => "platform-busy-then-ok",
            PlatformClientSecretPost => "platform-client-secret-post",
            PlatformTokenEndpointMoved => "platform-token-endpoint-moved",
        }
    }

    /// The scenario with ID `id` (surrounding spaces and case ignored).
    pub fn parse(id: &str) -> Option<Scenario> {
        let id = id.trim();
        Scenario::ALL
            .iter()
            .copied()
            .find(|s| s.id().eq_ignore_ascii_case(id))
    }

    /// The scenario a demo client ID (`demo-<id>`) selects.
    pub fn from_client_id(client_id: &str) -> Option<Scenario> {
        let client_id = client_id.trim();
        let prefix = client_id.get(..CLIENT_ID_PREFIX.len())?;
        if !prefix.eq_ignore_ascii_case(CLIENT_ID_PREFIX) {
            return None;
        }
        Scenario::parse(&client_id[CLIENT_ID_PREFIX.len()..])
    }

    /// The label in the demo tenant picker.
    pub fn title(self) -> &'static str {
        match self {
            LoggedIn => "Logged in (Available, skill group Billing)",
            LoggedOut => "Logged out (no session on Production or DevTest)",
            WrongEnvironment => "Logged in on DevTest only (wrong environment)",
            MissingScopeSilent => "Looks logged out: missing scope, silent empty answer",
            MissingScopeForbidden => "Missing scope: the API answers 403",
            BadCredentials => "Bad credentials: the token endpoint answers 401",
            UserNotFound => "Unknown user ID (404)",
            IdIsAgentId => "Agent ID typed as the user ID",
            IdIsUserId => "User ID typed as the agent ID",
            NotAnAgent => "User without an agent ID",
            AgentNotFound => "Unknown agent ID (the user's agentId answers 404)",
            InconsistentState => "The two state endpoints disagree",
            RateLimitedThenOk => "Rate limited once (429), then logged in",
            RateLimited => "Rate limited: 429 on every try",
            ServiceError => "Service error: the state endpoint answers 503",
            TokenRejected => "Token rejected: the API refuses a fresh token (401)",
            RelayMisconfigured => "Relay misconfigured: an HTML page instead of JSON",
            Timeout => "Slow answer: 20 s against a 2 s time limit",
            TenantUnreachable => "Tenant unreachable: the relay cannot resolve the host",
            CorsBlocked => "CORS blocked: no relay, no CORS headers",
            RelayUnreachable => "Relay down: nothing answers",
            InvalidInput => "Invalid input: a tenant name with a space",
            PlatformLoggedIn => "Platform: logged in (Available, skill Billing)",
            PlatformLoggedOut => "Platform: logged out (a LoggedOut state entry)",
            PlatformResultSet => "Platform: older resultSet answers, Unavailable (Lunch)",
            PlatformMissingPermission => "Platform: no permission to view agent states (403)",
            PlatformBadCredentials => "Platform: client application not authorized for user (401)",
            PlatformDiscoveryFailed => "Platform: discovery finds no configuration (404)",
            PlatformUserNotFound => "Platform: unknown user ID (User Hub 404)",
            PlatformIdIsAgentId => "Platform: agent ID typed as the user ID",
            PlatformIdIsUserId => "Platform: user ID (UUID) typed as the agent ID",
            PlatformNotAnAgent => "Platform: user with no ACD agent",
            PlatformAgentNotFound => "Platform: unknown agent ID (404)",
            PlatformInconsistentState => "Platform: the two state endpoints disagree",
            PlatformRateLimitedThenOk => "Platform: rate limited once (429), then logged in",
            PlatformRateLimited => "Platform: rate limited, 429 on every try",
            PlatformServiceError => "Platform: the state call answers 503",
            PlatformTokenRejected => "Platform: the API refuses a fresh token (401)",
            PlatformRelayMisconfigured => {
                "Platform: relay misconfigured, an HTML page instead of JSON"
            }
            PlatformTimeout => "Platform: slow answer, 20 s against a 2 s time limit",
            PlatformTenantUnreachable => "Platform: the relay cannot resolve the API host",
            PlatformCorsBlocked => "Platform: CORS blocked, no relay",
            PlatformRelayUnreachable => "Platform: relay down, nothing answers",
            PlatformInvalidInput => "Platform: invalid input, an http:// issuer",
            PlatformUserDisabled => "Platform: the user is BLOCKED in User Hub",
            PlatformAgentInactive => "Platform: the agent record is inactive",
            PlatformAgentLocked => "Platform: the agent record is locked",
            PlatformAgentHidden => "Platform: the agent is hidden from the key's user",
            PlatformThirdPage => "Platform: logged in, on the third page of both lists",
            PlatformListNoData => "Platform: the all-agents list answers 304 (no data)",
            PlatformNoData => "Platform: neither state endpoint gives data",
            PlatformBusyThenOk => "Platform: 503 with a Retry-After date once, then logged in",
            PlatformClientSecretPost => {
                "Platform: client credentials accepted only in the form body"
            }
            PlatformTokenEndpointMoved => "Platform: /auth/token answers 404, OpenID names another",
        }
    }

    /// One sentence: what the tenant does.
    pub fn description(self) -> &'static str {
        match self {
            LoggedIn => "The tenant issues a token with every scope, finds Dana Whitfield with agent ID 4021, and both the agent's own state and the all-agents list show her Available in skill group Billing.",
            LoggedOut => "Every call works and the scopes are fine, but agent 4021 has no session: the state endpoint answers {} on Production and an empty 204 on DevTest, and the all-agents list (a bare array) does not include her.",
            WrongEnvironment => "On Production the agent's state is {} and the list leaves her out, but on DevTest the same user's agent 4021 is Available in skill group Training.",
            MissingScopeSilent => "The token's scope lacks agent:state:read, and instead of a 403 the state endpoints answer 200 {} and [] even though Dana is Available: the guide's silent failure that looks like a logged-out agent.",
            MissingScopeForbidden => "The token (whose scopes are only in its JWT scp claim) lacks agent:state:read, and both state endpoints answer 403 insufficient_scope.",
            BadCredentials => "The token endpoint answers 401 invalid_client to this client, as it does after the client secret was rotated.",
            UserNotFound => "The user ID typed is one digit off, so the user lookup answers 404 and the same ID is no agent ID either (404).",
            IdIsAgentId => "The form carries the agent ID 4021 as the user ID: the user lookup answers 404, but the agent-state endpoint knows 4021.",
            IdIsUserId => "The form carries Dana's user ID as the agent ID: the agent-state endpoint answers 404, but the user lookup knows the ID.",
            NotAnAgent => "The user lookup finds Dana Whitfield with \"agentId\": null, so she can never log in to the agent desktop.",
            AgentNotFound => "The user record's agentId is \"4999\", an agent the state endpoint answers 404 for.",
            InconsistentState => "The agent's own state endpoint answers {} while the all-agents list shows agent 4021 Available.",
            RateLimitedThenOk => "The user lookup answers 429 with Retry-After: 1 on each run's first try and works on the retry, and Dana is logged in.",
            RateLimited => "Every API call answers 429 Too Many Requests with Retry-After: 1, on every retry.",
            ServiceError => "The token, the user lookup and the all-agents list work, but the agent's state endpoint answers 503 Service Unavailable.",
            TokenRejected => "The token endpoint issues a token that has already expired, and the API answers 401 invalid_token to it.",
            RelayMisconfigured => "Every call through the relay path comes back as the web server's HTML 404 page instead of the API's JSON.",
            Timeout => "The agent-state endpoint takes 20 seconds to answer, far beyond the form's 2-second time limit.",
            TenantUnreachable => "The relay, like cors-anywhere, answers 404 \"Not found because of proxy error: Error: getaddrinfo ENOTFOUND\" because it cannot resolve the tenant's host.",
            CorsBlocked => "Without a relay, the tenant's answers carry no CORS headers, so the browser gets no answer it may read (a TypeError).",
            RelayUnreachable => "The relay is not running: its /healthz and every call through it get no answer at all.",
            InvalidInput => "The form's tenant is \"demo tenant\", which is no host name, so the page refuses it and sends nothing.",
            PlatformLoggedIn => "The issuer grants the access key a token whose id_token names the tenant, discovery answers https://api-na1.niceincontact.com, User Hub finds Dana Whitfield, the Admin lookup maps her to agent 4021, and both state endpoints show her Available on skill Billing.",
            PlatformLoggedOut => "Everything works, and both state endpoints list agent 4021 with agentStateName LoggedOut (agentStateId 0): a logged-out agent is an entry, not an empty list.",
            PlatformResultSet => "The state endpoints answer in the older shape, {\"resultSet\": {\"agentState\"|\"agentStates\": [...]}}, and show agent 4021 Unavailable with the reason Lunch.",
            PlatformMissingPermission => "The access key's role may not view agent states: both state endpoints answer 403 Forbidden, while User Hub and the Admin lookup work.",
            PlatformBadCredentials => "The token endpoint answers 401 with errorDescription \"Client application 'demo-platform-bad-credentials' not authorized for user\".",
            PlatformDiscoveryFailed => "The token is issued, but the issuer's /.well-known/cxone-configuration answers 404 for the id_token's tenant, so the API host stays unknown.",
            PlatformUserNotFound => "The user ID typed is one digit off: User Hub answers 404, the Admin lookup finds nobody, and the agent-state endpoint refuses the UUID (400).",
            PlatformIdIsAgentId => "The form carries the agent ID 4021 as the user ID: User Hub refuses it (400, not a UUID), and the all-agents list has agent 4021 (LoggedOut).",
            PlatformIdIsUserId => "The form carries Dana's user ID (a UUID) as the agent ID: the agent-state endpoint refuses it (400), but User Hub knows it and the Admin lookup maps it to agent 4021.",
            PlatformNotAnAgent => "User Hub finds Dana Whitfield, but the Admin lookup answers 204: no ACD agent maps to her, so she can never log in to the agent desktop.",
            PlatformAgentNotFound => "The form carries only the agent ID 4999: the agent-state endpoint answers 404, and it is no user ID either.",
            PlatformInconsistentState => "Agent 4021's own state entry is LoggedOut while the all-agents list shows her Available.",
            PlatformRateLimitedThenOk => "User Hub answers 429 with Retry-After: 1 on each run's first try and works on the retry, and Dana is logged in.",
            PlatformRateLimited => "Every API call (User Hub, Admin and the state endpoints) answers 429 Too Many Requests with Retry-After: 1, on every retry.",
            PlatformServiceError => "The token, discovery, User Hub, the lookup and the all-agents list work, but the agent's own state endpoint answers 503 Service Unavailable.",
            PlatformTokenRejected => "The issuer grants a token, and every API call answers 401 with User Hub's {timestamp, status, error, message, path} body.",
            PlatformRelayMisconfigured => "Every call through the relay path comes back as the web server's HTML 404 page instead of the API's JSON.",
            PlatformTimeout => "The agent's own state endpoint takes 20 seconds to answer, far beyond the form's 2-second time limit.",
            PlatformTenantUnreachable => "The relay reaches the issuer (token and discovery work) but, like cors-anywhere, answers \"proxy error ... ENOTFOUND\" for the API host.",
            PlatformCorsBlocked => "Without a relay, NICE's answers carry no CORS headers for this page, so the browser gets no answer it may read (a TypeError).",
            PlatformRelayUnreachable => "The relay is not running: its /healthz and every call through it get no answer at all.",
            PlatformInvalidInput => "The form's issuer is http://cxone.niceincontact.com, and the page refuses to send credentials over plain http, so nothing is sent.",
            PlatformUserDisabled => "User Hub finds Dana Whitfield with status BLOCKED: she cannot sign in, whatever the agent lists say.",
            PlatformAgentInactive => "The Admin agent list maps Dana to agent 4021 with isActive: false, and both state endpoints list her LoggedOut.",
            PlatformAgentLocked => "The Admin agent list maps Dana to agent 4021 with locked: true, and both state endpoints list her LoggedOut.",
            PlatformAgentHidden => "User Hub knows Dana, but her agent is in a team the access key's user may not see: no list has it, and the Admin agent list reports hiddenAgents: 1.",
            PlatformThirdPage => "The tenant has 250 agents, paged at 100: Dana (agent 4021, Available) is on the third page of both the Admin agent list and the all-agents state list.",
            PlatformListNoData => "Dana's own state shows her Available, but the all-agents list answers 304 Not Modified: no data, which is not an empty list.",
            PlatformNoData => "Dana's own state endpoint answers 204 No Content and the all-agents list 304 Not Modified: nothing says whether she is logged in, so the page says it could not tell.",
            PlatformBusyThenOk => "The agent's own state call answers 503 with Retry-After as an HTTP-date 2 s after the answer's Date on each run's first try, then shows Dana Available.",
            PlatformClientSecretPost => "The client application accepts its credentials only in the form body: HTTP Basic gets 401 invalid_client, client_secret_post gets the token, and Dana is Available.",
            PlatformTokenEndpointMoved => "The issuer's /auth/token answers 404; its /.well-known/openid-configuration names token_endpoint /connect/token, which issues the token, and Dana is Available.",
        }
    }

    /// The verdict the engine reaches on this scenario's [`Scenario::form`].
    pub fn verdict(self) -> Verdict {
        match self {
            LoggedIn | RateLimitedThenOk => Verdict::LoggedIn,
            LoggedOut => Verdict::LoggedOut,
            WrongEnvironment => Verdict::WrongEnvironment,
            MissingScopeSilent | MissingScopeForbidden => Verdict::MissingScope,
            BadCredentials => Verdict::BadCredentials,
            UserNotFound => Verdict::UserNotFound,
            IdIsAgentId => Verdict::IdIsAgentId,
            IdIsUserId => Verdict::IdIsUserId,
            NotAnAgent => Verdict::NotAnAgent,
            AgentNotFound => Verdict::AgentNotFound,
            InconsistentState => Verdict::InconsistentState,
            RateLimited => Verdict::RateLimited,
            ServiceError => Verdict::ServiceError,
            TokenRejected => Verdict::TokenRejected,
            RelayMisconfigured => Verdict::RelayMisconfigured,
            Timeout => Verdict::Timeout,
            TenantUnreachable => Verdict::TenantUnreachable,
            CorsBlocked => Verdict::CorsBlocked,
            RelayUnreachable => Verdict::RelayUnreachable,
            InvalidInput => Verdict::InvalidInput,
            PlatformLoggedIn | PlatformResultSet | PlatformRateLimitedThenOk => Verdict::LoggedIn,
            PlatformLoggedOut => Verdict::LoggedOut,
            PlatformMissingPermission => Verdict::MissingPermission,
            PlatformUserDisabled => Verdict::UserDisabled,
            PlatformAgentInactive => Verdict::AgentInactive,
            PlatformAgentLocked => Verdict::AgentLocked,
            PlatformAgentHidden => Verdict::AgentHidden,
            PlatformNoData => Verdict::Inconclusive,
            PlatformThirdPage
            | PlatformListNoData
            | PlatformBusyThenOk
            | PlatformClientSecretPost
            | PlatformTokenEndpointMoved => Verdict::LoggedIn,
            PlatformBadCredentials => Verdict::BadCredentials,
            PlatformDiscoveryFailed => Verdict::DiscoveryFailed,
            PlatformUserNotFound => Verdict::UserNotFound,
            PlatformIdIsAgentId => Verdict::IdIsAgentId,
            PlatformIdIsUserId => Verdict::IdIsUserId,
            PlatformNotAnAgent => Verdict::NotAnAgent,
            PlatformAgentNotFound => Verdict::AgentNotFound,
            PlatformInconsistentState => Verdict::InconsistentState,
            PlatformRateLimited => Verdict::RateLimited,
            PlatformServiceError => Verdict::ServiceError,
            PlatformTokenRejected => Verdict::TokenRejected,
            PlatformRelayMisconfigured => Verdict::RelayMisconfigured,
            PlatformTimeout => Verdict::Timeout,
            PlatformTenantUnreachable => Verdict::TenantUnreachable,
            PlatformCorsBlocked => Verdict::CorsBlocked,
            PlatformRelayUnreachable => Verdict::RelayUnreachable,
            PlatformInvalidInput => Verdict::InvalidInput,
        }
    }

    /// False for the scenarios that happen below HTTP ([`Scenario::CorsBlocked`],
    /// [`Scenario::RelayUnreachable`] and their platform twins): every answer is a
    /// [`Fault`](super::Fault), which an HTTP server cannot send.
    pub fn over_http(self) -> bool {
        !matches!(
            self,
            CorsBlocked | RelayUnreachable | PlatformCorsBlocked | PlatformRelayUnreachable
        )
    }

    /// True when the verdict needs the other environment (DevTest) to be asked, which the engine
    /// does not do when an API host override replaces both hosts: over such an override
    /// [`Scenario::WrongEnvironment`] ends `logged_out`.
    pub fn needs_other_environment(self) -> bool {
        matches!(self, WrongEnvironment)
    }

    /// True when the verdict needs discovery to run, which the API host field replaces: over
    /// such an override [`Scenario::PlatformDiscoveryFailed`] never asks the issuer and ends
    /// `logged_in`.
    pub fn needs_discovery(self) -> bool {
        matches!(self, PlatformDiscoveryFailed)
    }

    /// True when an API host override would change the verdict: the scenario needs the hosts its
    /// form derives (the other environment's, or the discovered one).
    pub fn needs_own_hosts(self) -> bool {
        self.needs_other_environment() || self.needs_discovery()
    }

    /// The verdict the engine reaches when the form also sets an API host (as the end-to-end
    /// tests do to reach the HTTP server): [`Scenario::verdict`], except `logged_out` for
    /// [`Scenario::WrongEnvironment`] and `logged_in` for [`Scenario::PlatformDiscoveryFailed`].
    pub fn verdict_with_api_host(self) -> Verdict {
        match self {
            WrongEnvironment => Verdict::LoggedOut,
            PlatformDiscoveryFailed => Verdict::LoggedIn,
            other => other.verdict(),
        }
    }

    /// True when the scenario's form sets a relay ([`Scenario::relay`]).
    pub fn uses_relay(self) -> bool {
        self.relay().is_some()
    }

    /// The relay template the form sets, if any.
    pub fn relay(self) -> Option<&'static str> {
        match self {
            RelayMisconfigured
            | TenantUnreachable
            | RelayUnreachable
            | PlatformRelayMisconfigured
            | PlatformTenantUnreachable
            | PlatformRelayUnreachable => Some("/relay/"),
            _ => None,
        }
    }

    /// The demo client ID that selects this scenario: `demo-<id>`.
    pub fn client_id(self) -> String {
        format!("{CLIENT_ID_PREFIX}{}", self.id())
    }

    /// A filled form that runs this scenario in demo mode. Guide: tenant `demo`, Production, the
    /// scenario's client ID with [`DEMO_SECRET`], the user ID (or agent ID) the story needs, a
    /// relay where the story is about one, and a 2 s time limit for the slow scenario. Platform:
    /// the platform profile, no tenant, the same client, the demo access key
    /// ([`DEMO_ACCESS_KEY_ID`], [`DEMO_ACCESS_KEY_SECRET`]), the default issuer and API version.
    pub fn form(self) -> Form {
        if self.profile() == Profile::Platform {
            return self.platform_form();
        }
        let mut form = Form::default();
        form.set(Field::Tenant, DEMO_TENANT);
        form.set(Field::Environment, Environment::Prod.as_str());
        form.set(Field::ClientId, &self.client_id());
        form.set(Field::ClientSecret, DEMO_SECRET);
        form.set(Field::UserId, DEMO_USER_ID);
        match self {
            UserNotFound => form.set(Field::UserId, super::data::TYPO_USER_ID),
            IdIsAgentId => form.set(Field::UserId, DEMO_AGENT_ID),
            IdIsUserId => {
                form.set(Field::UserId, "");
                form.set(Field::AgentId, DEMO_USER_ID);
            }
            Timeout => form.set(Field::Timeout, "2"),
            InvalidInput => form.set(Field::Tenant, "demo tenant"),
            _ => {}
        }
        if let Some(relay) = self.relay() {
            form.set(Field::Relay, relay);
        }
        form
    }

    fn platform_form(self) -> Form {
        let mut form = Form::default();
        form.set(Field::Profile, Profile::Platform.as_str());
        form.set(Field::ClientId, &self.client_id());
        form.set(Field::ClientSecret, DEMO_SECRET);
        form.set(Field::AccessKeyId, DEMO_ACCESS_KEY_ID);
        form.set(Field::AccessKeySecret, DEMO_ACCESS_KEY_SECRET);
        form.set(Field::Issuer, DEFAULT_ISSUER);
        form.set(Field::ApiVersion, DEFAULT_API_VERSION);
        form.set(Field::UserId, DEMO_USER_ID);
        match self {
            PlatformUserNotFound => form.set(Field::UserId, super::data::TYPO_USER_ID),
            PlatformIdIsAgentId => form.set(Field::UserId, DEMO_AGENT_ID),
            PlatformIdIsUserId => {
                form.set(Field::UserId, "");
                form.set(Field::AgentId, DEMO_USER_ID);
            }
            PlatformAgentNotFound => {
                form.set(Field::UserId, "");
                form.set(Field::AgentId, super::platform::MISSING_AGENT_ID);
            }
            PlatformTimeout => form.set(Field::Timeout, "2"),
            PlatformInvalidInput => form.set(Field::Issuer, "http://cxone.niceincontact.com"),
            _ => {}
        }
        if let Some(relay) = self.relay() {
            form.set(Field::Relay, relay);
        }
        form
    }
}
