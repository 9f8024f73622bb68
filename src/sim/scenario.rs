//! The scenarios: one story per verdict (and a few more), each with the form that runs it.

use super::{CLIENT_ID_PREFIX, DEMO_AGENT_ID, DEMO_SECRET, DEMO_TENANT, DEMO_USER_ID};
use crate::engine::Verdict;
use crate::inputs::{Environment, Field, Form};

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
    ];

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
        }
    }

    /// False for the scenarios that happen below HTTP ([`Scenario::CorsBlocked`],
    /// [`Scenario::RelayUnreachable`]): every answer is a [`Fault`](super::Fault), which an HTTP
    /// server cannot send.
    pub fn over_http(self) -> bool {
        !matches!(self, CorsBlocked | RelayUnreachable)
    }

    /// True when the verdict needs the other environment (DevTest) to be asked, which the engine
    /// does not do when an API host override replaces both hosts: over such an override
    /// [`Scenario::WrongEnvironment`] ends `logged_out`.
    pub fn needs_other_environment(self) -> bool {
        matches!(self, WrongEnvironment)
    }

    /// True when the scenario's form sets a relay ([`Scenario::relay`]).
    pub fn uses_relay(self) -> bool {
        self.relay().is_some()
    }

    /// The relay template the form sets, if any.
    pub fn relay(self) -> Option<&'static str> {
        match self {
            RelayMisconfigured | TenantUnreachable | RelayUnreachable => Some("/relay/"),
            _ => None,
        }
    }

    /// The demo client ID that selects this scenario: `demo-<id>`.
    pub fn client_id(self) -> String {
        format!("{CLIENT_ID_PREFIX}{}", self.id())
    }

    /// A filled guide form that runs this scenario in demo mode: tenant `demo`, Production, the
    /// scenario's client ID with [`DEMO_SECRET`], the user ID (or agent ID) the story needs, a
    /// relay where the story is about one, and a 2 s time limit for the slow scenario.
    pub fn form(self) -> Form {
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
}
