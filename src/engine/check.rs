//! The checks of the diagnosis (PRODUCT.md's Checks table), their outcomes, and the branches each
//! check can take, so a page can draw the whole decision tree with the untaken branches dimmed.

use super::exchange::Exchange;
use super::verdict::Verdict;
use crate::inputs::Profile;

/// One step of the diagnosis, in the order of PRODUCT.md's Checks table. The serialized name
/// (`state_list`, ...) is the stable `data-check` id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Are the inputs well formed?
    Inputs,
    /// Does the relay answer? (skipped when direct)
    Relay,
    /// Does the token endpoint issue a token?
    Token,
    /// Does the token carry `agent:state:read`, `agent:read`, `user:read`?
    Scopes,
    /// Is `expires_in` (or the JWT access token's `exp`) long enough, and not already past?
    TokenLifetime,
    /// Where is the tenant's API? (platform: the `id_token`'s tenant and
    /// `/.well-known/cxone-configuration`; skipped for the guide and with an API host override)
    Discovery,
    /// Does the user exist?
    User,
    /// Does the user have an agent ID?
    AgentId,
    /// What does the agent's own state endpoint say?
    AgentState,
    /// Is the agent in the all-agents list?
    StateList,
    /// Do the two agree?
    CrossCheck,
    /// Is the agent logged in on the other environment?
    OtherEnvironment,
}

impl Check {
    /// Every check, in the tree's order.
    pub const ALL: [Check; 12] = [
        Check::Inputs,
        Check::Relay,
        Check::Token,
        Check::Scopes,
        Check::TokenLifetime,
        Check::Discovery,
        Check::User,
        Check::AgentId,
        Check::AgentState,
        Check::StateList,
        Check::CrossCheck,
        Check::OtherEnvironment,
    ];

    /// The stable id (`data-check`).
    pub fn id(self) -> &'static str {
        match self {
            Check::Inputs => "inputs",
            Check::Relay => "relay",
            Check::Token => "token",
            Check::Scopes => "scopes",
            Check::TokenLifetime => "token_lifetime",
            Check::Discovery => "discovery",
            Check::User => "user",
            Check::AgentId => "agent_id",
            Check::AgentState => "agent_state",
            Check::StateList => "state_list",
            Check::CrossCheck => "cross_check",
            Check::OtherEnvironment => "other_environment",
        }
    }

    /// The question the check answers, as the tree shows it.
    pub fn question(self) -> &'static str {
        match self {
            Check::Inputs => "Are the inputs well formed?",
            Check::Relay => "Does the relay answer?",
            Check::Token => "Does the token endpoint issue a token?",
            Check::Scopes => "Does the token carry agent:state:read, agent:read and user:read?",
            Check::TokenLifetime => {
                "Is the token's lifetime (expires_in, or its JWT exp) long enough?"
            }
            Check::Discovery => "Where is the tenant's API host?",
            Check::User => "Does the user exist?",
            Check::AgentId => "Does the user have an agent ID?",
            Check::AgentState => "What does the agent's own state endpoint say?",
            Check::StateList => "Is the agent in the all-agents list?",
            Check::CrossCheck => "Do the agent's own state and the all-agents list agree?",
            Check::OtherEnvironment => "Is the agent logged in on the other environment?",
        }
    }

    /// Every outcome this check can have under any profile and what each would mean, the
    /// run-independent shape of the decision tree. Every check also has `not_run` (skipped: an
    /// earlier step ended the run).
    pub fn branches(self) -> Vec<Branch> {
        let mut out: Vec<Branch> = table(self).iter().map(Branch::from_row).collect();
        if matches!(
            self,
            Check::Token
                | Check::Discovery
                | Check::User
                | Check::AgentId
                | Check::AgentState
                | Check::StateList
        ) {
            out.extend(CALL_FAILURES.iter().map(Branch::from_row));
            if !matches!(self, Check::Token | Check::Discovery) {
                out.extend(API_REFUSALS.iter().map(Branch::from_row));
            }
        }
        out.push(Branch::from_row(&NOT_RUN));
        out
    }

    /// The branches this check can take under `profile`: [`Check::branches`] without the ones
    /// only the other profile reaches (discovery and the agent lookup's calls are the
    /// platform's; the other environment is the guide's).
    pub fn branches_for(self, profile: Profile) -> Vec<Branch> {
        self.branches()
            .into_iter()
            .filter(|b| branch_applies(self, &b.id, profile))
            .collect()
    }
}

/// Whether branch `id` of `check` can be taken under `profile`.
fn branch_applies(check: Check, id: &str, profile: Profile) -> bool {
    let platform = profile == Profile::Platform;
    match (check, id) {
        (_, "not_run") => true,
        // No profile is left unimplemented.
        (Check::Inputs, "unsupported") => false,
        (Check::Discovery, "guide") => !platform,
        (Check::Discovery, _) => platform,
        // The guide's user record names the agent ID itself: no call of its own.
        (Check::AgentId, "present" | "given" | "matches" | "mismatch" | "none") => true,
        (Check::AgentId, _) => platform,
        (Check::OtherEnvironment, "no_environments") => platform,
        (Check::OtherEnvironment, _) => !platform,
        _ => true,
    }
}

/// The state of one check. `pending` and `running` exist only while the diagnosis runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The answer is the good one.
    Pass,
    /// Works, but something deserves attention.
    Warn,
    /// The answer is a problem.
    Fail,
    /// Not run, on purpose or because an earlier step ended the diagnosis.
    Skipped,
    /// Could not be checked.
    Unknown,
    /// Not started yet.
    Pending,
    /// Its calls are out.
    Running,
}

impl Outcome {
    /// The `data-outcome` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::Skipped => "skipped",
            Outcome::Unknown => "unknown",
            Outcome::Pending => "pending",
            Outcome::Running => "running",
        }
    }

    /// True once the check has its answer (neither pending nor running).
    pub fn is_settled(self) -> bool {
        !matches!(self, Outcome::Pending | Outcome::Running)
    }
}

/// One possible outcome of a check.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Branch {
    /// A short stable id within the check (`not_found`, `no_session`, ...).
    pub id: String,
    /// The outcome the check has on this branch.
    pub outcome: Outcome,
    /// When the check takes this branch.
    pub when: String,
    /// What it means.
    pub means: String,
    /// Verdicts this branch can end in; empty when the diagnosis simply goes on.
    pub leads_to: Vec<Verdict>,
    /// True for the branch this run took.
    pub taken: bool,
}

type Row = (
    &'static str,
    Outcome,
    &'static str,
    &'static str,
    &'static [Verdict],
);

impl Branch {
    fn from_row(row: &Row) -> Self {
        let (id, outcome, when, means, leads_to) = *row;
        Branch {
            id: id.into(),
            outcome,
            when: when.into(),
            means: means.into(),
            leads_to: leads_to.to_vec(),
            taken: false,
        }
    }
}

/// One node of the tree: a check, its outcome in this run, and the evidence behind it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckNode {
    /// Which check (serialized as its stable id).
    pub id: Check,
    /// The question it answers.
    pub question: String,
    /// Its outcome so far.
    pub outcome: Outcome,
    /// The id of the branch taken, once settled.
    pub branch: Option<String>,
    /// One line: what was found.
    pub summary: String,
    /// What the outcome means.
    pub meaning: String,
    /// What to do about it, when something is wrong here.
    pub fix: Vec<String>,
    /// The requests and answers behind the finding, in the order sent.
    pub exchanges: Vec<Exchange>,
    /// Every branch this check can take; the taken one is marked.
    pub branches: Vec<Branch>,
}

impl CheckNode {
    /// A pending node for `check`, with every branch of any profile.
    pub fn pending(check: Check) -> Self {
        CheckNode {
            id: check,
            question: check.question().into(),
            outcome: Outcome::Pending,
            branch: None,
            summary: "Not started yet.".into(),
            meaning: String::new(),
            fix: Vec::new(),
            exchanges: Vec::new(),
            branches: check.branches(),
        }
    }

    /// A pending node for `check` with the branches `profile` can take.
    pub fn pending_for(check: Check, profile: Profile) -> Self {
        CheckNode {
            branches: check.branches_for(profile),
            ..CheckNode::pending(check)
        }
    }

    /// Settles the node on branch `branch_id` with a one-line `summary`: outcome and meaning come
    /// from the branch, so the tree and the branch list never disagree.
    pub(crate) fn settle(&mut self, branch_id: &str, summary: impl Into<String>) {
        let Some(index) = self.branches.iter().position(|b| b.id == branch_id) else {
            debug_assert!(false, "check {} has no branch {branch_id}", self.id.id());
            return;
        };
        for (i, branch) in self.branches.iter_mut().enumerate() {
            branch.taken = i == index;
        }
        let branch = &self.branches[index];
        self.outcome = branch.outcome;
        self.meaning = branch.means.clone();
        self.branch = Some(branch.id.clone());
        self.summary = summary.into();
    }
}

use Outcome::{Fail, Pass, Skipped, Unknown, Warn};
use Verdict as V;

const NOT_RUN: Row = (
    "not_run",
    Skipped,
    "an earlier step ended the diagnosis",
    "This check did not run.",
    &[],
);

/// Ways any call can fail before the API says anything useful.
const CALL_FAILURES: [Row; 7] = [
    (
        "no_answer",
        Fail,
        "the call gets no answer at all (fetch fails)",
        "The browser got no answer: CORS blocked it, the host does not exist, the network failed, or the relay is down or drops CORS headers.",
        &[V::CorsBlocked, V::RelayUnreachable, V::RelayMisconfigured],
    ),
    (
        "not_api",
        Fail,
        "the answer is not the API's (an HTML page, a relay's text error, a 2xx without JSON)",
        "Something between the page and the API answered instead of the API.",
        &[V::RelayMisconfigured],
    ),
    (
        "relay_refused_host",
        Fail,
        "the relay answers 403 with X-Relay-Error: forbidden-host",
        "The relay refuses to forward to this host: it is not on the relay's allowlist.",
        &[V::RelayMisconfigured],
    ),
    (
        "tenant_unreachable",
        Fail,
        "the relay answers 502 with X-Relay-Error, or a 'proxy error ... ENOTFOUND' text",
        "The relay was reached but could not reach the API host.",
        &[V::TenantUnreachable],
    ),
    (
        "rate_limited",
        Fail,
        "429 persists after honouring Retry-After (3 tries, 10 s of waiting at most)",
        "The API keeps refusing calls because too many were made.",
        &[V::RateLimited],
    ),
    ("service_error", Fail, "a 5xx answer, or a status this call never uses", "The API failed to answer normally.", &[V::ServiceError]),
    ("timeout", Fail, "no answer within the time limit", "The call took longer than the time limit.", &[V::Timeout]),
];

/// How the API refuses a call made with a token.
const API_REFUSALS: [Row; 2] = [
    (
        "token_rejected",
        Fail,
        "401 with a freshly issued token",
        "The API does not accept the token the token endpoint just issued.",
        &[V::TokenRejected],
    ),
    (
        "forbidden",
        Fail,
        "403",
        "The OAuth client lacks a scope this call needs.",
        &[V::MissingScope],
    ),
];

fn table(check: Check) -> &'static [Row] {
    match check {
        Check::Inputs => &[
            ("ok", Pass, "every field is well formed", "The inputs can be used as given.", &[]),
            ("invalid", Fail, "a field fails validation", "Nothing was sent: fix the fields first.", &[V::InvalidInput]),
            (
                "unsupported",
                Unknown,
                "the profile chosen is not implemented in this version",
                "Nothing was sent: choose another profile.",
                &[],
            ),
        ],
        Check::Relay => &[
            ("direct", Skipped, "no relay is set", "Calls go straight to the API; CORS decides whether the browser may read them.", &[]),
            (
                "reference",
                Pass,
                "GET /healthz answers 200 with JSON naming the relay, and calls pass through",
                "The reference relay is up and forwards calls.",
                &[],
            ),
            (
                "answers",
                Pass,
                "the relay answers and calls pass through it",
                "A relay is up and forwards calls (not the reference relay, or its health answer differs).",
                &[],
            ),
            (
                "no_health",
                Warn,
                "GET /healthz gets no answer, but calls pass through",
                "The relay forwards calls; it has no health endpoint the browser can read.",
                &[],
            ),
            (
                "blocked",
                Fail,
                "GET /healthz answers, but the API calls through the relay get no answer",
                "The relay is up but the browser cannot read what it forwards: it drops CORS headers, or refuses the preflight.",
                &[V::RelayMisconfigured],
            ),
            (
                "unreachable",
                Fail,
                "neither GET /healthz nor the API calls get any answer",
                "The relay cannot be reached at all: wrong address, not running, or blocked by the network.",
                &[V::RelayUnreachable],
            ),
            (
                "not_api",
                Fail,
                "calls through the relay come back with the relay's own page or error instead of the API's answer",
                "The relay is reached but does not forward the calls as the API expects.",
                &[V::RelayMisconfigured],
            ),
            (
                "refused_host",
                Fail,
                "the relay answers 403 with X-Relay-Error: forbidden-host",
                "The relay is up but refuses to forward to this API host.",
                &[V::RelayMisconfigured],
            ),
            (
                "cannot_reach_host",
                Warn,
                "the relay answers, but reports that it cannot reach the API host",
                "The relay works; the host behind it cannot be reached from where the relay runs.",
                &[V::TenantUnreachable],
            ),
            (
                "undecided",
                Unknown,
                "GET /healthz gets no answer and the calls time out",
                "Whether the relay works could not be told.",
                &[],
            ),
        ],
        Check::Token => &[
            ("issued", Pass, "200 with an access_token", "The client ID and secret are accepted.", &[]),
            (
                "reused",
                Pass,
                "a token from the previous run is still valid for the same client and host",
                "The token issued on the previous run was reused (no token call).",
                &[],
            ),
            (
                "refused",
                Fail,
                "401, or 400 invalid_client (or another OAuth error)",
                "The token endpoint refuses the client ID and secret.",
                &[V::BadCredentials],
            ),
        ],
        Check::Scopes => &[
            ("all", Pass, "the scopes include agent:state:read, agent:read and user:read", "The token may read agents, their states and users.", &[]),
            (
                "lacks_state_read",
                Fail,
                "agent:state:read is missing",
                "The state calls may answer an empty 200 instead of 403: an empty state proves nothing.",
                &[V::MissingScope],
            ),
            (
                "lacks_other",
                Warn,
                "agent:state:read is there, but agent:read or user:read is missing",
                "The state can be read; user and agent lookups may be refused.",
                &[],
            ),
            (
                "unknown",
                Unknown,
                "neither the token answer's scope nor a JWT claim names the scopes",
                "The scopes could not be read, so an empty state caused by a missing scope cannot be ruled out.",
                &[],
            ),
        ],
        Check::TokenLifetime => &[
            (
                "long",
                Pass,
                "expires_in (or, without it, the JWT access token's exp claim) is 5 minutes or more away",
                "The token outlives the diagnosis.",
                &[],
            ),
            (
                "short",
                Warn,
                "expires_in, or the JWT access token's exp claim, is under 5 minutes away",
                "The token expires soon: an integration must refresh it before it runs out, or its calls fail with 401.",
                &[],
            ),
            (
                "expired",
                Fail,
                "the JWT access token's exp claim is already past",
                "The token endpoint issued a token that has already expired (or this computer's clock is far off): the API will refuse it with 401.",
                &[],
            ),
            (
                "unknown",
                Unknown,
                "the token answer gives no expires_in, and the access token is no JWT with an exp claim",
                "The token's lifetime is not known.",
                &[],
            ),
        ],
        Check::Discovery => &[
            (
                "found",
                Pass,
                "the id_token names a tenantId, and /.well-known/cxone-configuration answers its api_endpoint",
                "The tenant's API host is known: every API call goes there.",
                &[],
            ),
            (
                "overridden",
                Skipped,
                "the API host field is set",
                "The API host field replaces discovery: every API call goes to that host.",
                &[],
            ),
            (
                "guide",
                Skipped,
                "the guide profile is chosen",
                "The guide profile's host comes from the tenant name: there is nothing to discover.",
                &[],
            ),
            (
                "no_id_token",
                Fail,
                "the token answer carries no id_token (and the access token names no tenantId)",
                "Without the tenant's ID there is no way to ask where its API lives.",
                &[V::DiscoveryFailed],
            ),
            (
                "no_tenant_id",
                Fail,
                "the id_token (and the access token) name no tenantId",
                "Without the tenant's ID there is no way to ask where its API lives.",
                &[V::DiscoveryFailed],
            ),
            (
                "not_found",
                Fail,
                "/.well-known/cxone-configuration answers 404 for the tenant",
                "The issuer does not know this tenant's configuration: another issuer (government cloud?) or a tenant it does not serve.",
                &[V::DiscoveryFailed],
            ),
            (
                "refused",
                Fail,
                "/.well-known/cxone-configuration answers another 4xx",
                "The issuer refuses to say where the tenant's API lives.",
                &[V::DiscoveryFailed],
            ),
            (
                "no_endpoint",
                Fail,
                "the configuration is JSON without a usable api_endpoint (an https origin)",
                "The configuration does not say where the tenant's API lives.",
                &[V::DiscoveryFailed],
            ),
        ],
        Check::User => &[
            ("found", Pass, "the user lookup answers the user", "The user exists in this tenant and environment.", &[]),
            (
                "empty",
                Warn,
                "the user lookup answers 200 with an empty record",
                "The lookup answered but said nothing about the user (often a missing user:read scope).",
                &[V::MissingScope, V::NotAnAgent],
            ),
            (
                "not_found",
                Fail,
                "404 (on the platform also 400, a malformed ID), and the same ID is no agent ID either",
                "No user has this ID in this tenant and environment.",
                &[V::UserNotFound],
            ),
            (
                "is_agent_id",
                Fail,
                "404, but the same ID answers the agent-state endpoint",
                "The ID typed as the user ID is an agent ID.",
                &[V::IdIsAgentId],
            ),
            ("not_given", Skipped, "only an agent ID was given", "The user lookup is skipped when an agent ID is given alone.", &[]),
        ],
        Check::AgentId => &[
            (
                "present",
                Pass,
                "the user's agent ID is known: the user record's agentId (platform: the Admin agent lookup, or the id_token's icAgentId)",
                "The user is an agent.",
                &[],
            ),
            ("given", Pass, "an agent ID was typed and no user ID", "The typed agent ID is used as is.", &[]),
            ("matches", Pass, "the typed agent ID is the user's agentId", "The user ID and agent ID belong together.", &[]),
            (
                "mismatch",
                Warn,
                "the typed agent ID differs from the user's agentId",
                "The typed agent ID belongs to someone else, or is a user ID; the user's own agent ID is used.",
                &[],
            ),
            (
                "none",
                Fail,
                "the user's agentId is absent, null or empty (platform: no agent maps to the user)",
                "The user is not configured as an agent and cannot log in to the agent desktop.",
                &[V::NotAnAgent],
            ),
            (
                "lookup_unused",
                Unknown,
                "the agent lookup was answered, but the diagnosis ended before the user was known",
                "The lookup answered; the diagnosis did not need it.",
                &[],
            ),
        ],
        Check::AgentState => &[
            ("active", Pass, "the endpoint answers a state", "The agent has an active session.", &[V::LoggedIn, V::InconsistentState]),
            (
                "no_session",
                Warn,
                "the endpoint answers {} (or an empty body, or a Logged Out state; platform: a LoggedOut entry, or no entry at all)",
                "The agent has no active session here, or the token may not read it.",
                &[],
            ),
            (
                "not_found",
                Fail,
                "404 for the user's agent ID (on the platform also 400)",
                "The agent ID does not exist in this tenant and environment.",
                &[V::AgentNotFound],
            ),
            (
                "is_user_id",
                Fail,
                "404 for the typed agent ID, which the user lookup knows as a user ID",
                "A user ID was typed as the agent ID.",
                &[V::IdIsUserId],
            ),
        ],
        Check::StateList => &[
            ("listed", Pass, "the agent is in the list with a state", "The list shows the agent logged in.", &[]),
            ("absent", Warn, "the agent is not in the list (other agents are)", "The list does not show the agent logged in.", &[]),
            (
                "empty",
                Warn,
                "the list is empty",
                "No agent at all shows as logged in; if agents are working, the token may lack agent:state:read.",
                &[],
            ),
            (
                "no_agent_id",
                Unknown,
                "the list was read, but the diagnosis ended before an agent ID was known",
                "The list answered; with no agent ID there was nothing to look for in it.",
                &[],
            ),
        ],
        Check::CrossCheck => &[
            ("agree_in", Pass, "both say logged in", "The agent is logged in.", &[V::LoggedIn]),
            ("agree_out", Pass, "neither shows a session", "The agent has no session here (or the token cannot see it).", &[]),
            (
                "disagree",
                Fail,
                "one shows a session and the other does not",
                "The API contradicts itself about this agent.",
                &[V::InconsistentState],
            ),
            ("unknown", Unknown, "the list could not be read", "The two could not be compared.", &[]),
        ],
        Check::OtherEnvironment => &[
            (
                "logged_in",
                Fail,
                "the agent has a session on the other environment",
                "The agent works on the other environment (Production vs DevTest).",
                &[V::WrongEnvironment],
            ),
            (
                "logged_out",
                Pass,
                "no session on the other environment either",
                "The agent is logged out everywhere this page can see.",
                &[V::LoggedOut],
            ),
            ("not_needed", Skipped, "the state here is not empty", "Asked only when the state here is empty.", &[]),
            (
                "same_host",
                Skipped,
                "an API host override is set",
                "The override replaces both environments' hosts, so there is no other environment to ask.",
                &[V::LoggedOut],
            ),
            (
                "no_environments",
                Skipped,
                "the platform profile is chosen",
                "The platform has no Production/DevTest host pair to compare: wrong_environment is a guide-profile verdict.",
                &[V::LoggedOut],
            ),
            (
                "scope",
                Skipped,
                "the token lacks agent:state:read",
                "An empty state means nothing without the scope, so another environment would not tell more.",
                &[V::MissingScope],
            ),
            (
                "could_not_check",
                Unknown,
                "the calls to the other environment fail",
                "Whether the agent is logged in on the other environment is not known.",
                &[V::LoggedOut],
            ),
        ],
    }
}
