//! Branches by name: [`BranchId`] lists every branch id the tree can carry, and each check has an
//! enum of its own branches ([`UserBranch`], ...) that converts into a [`Taken`] for that check,
//! so a misspelt branch, or a branch of another check, does not compile. Only the call failures
//! and `not_run`, which every call check shares, are named with their check at run time
//! (`Taken::new`).

use super::Check;

/// Declares [`BranchId`] with the stable id each variant serializes to.
macro_rules! branch_ids {
    ($($variant:ident => $id:literal,)*) => {
        /// A branch of a check, by name. Its [`BranchId::id`] is what the tree carries (the
        /// `branch` of a node, the `id` of a [`Branch`](super::Branch)); the check it belongs to comes from the
        /// table of that check, or from its own enum ([`UserBranch`], ...).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum BranchId {
            $(
                #[doc = concat!("`", $id, "`")]
                $variant,
            )*
        }

        impl BranchId {
            /// Every branch id.
            pub const ALL: &'static [BranchId] = &[$(BranchId::$variant),*];

            /// The stable id (`not_found`, `no_session`, ...).
            pub fn id(self) -> &'static str {
                match self {
                    $(BranchId::$variant => $id,)*
                }
            }
        }
    };
}

branch_ids! {
    Absent => "absent",
    Active => "active",
    AgreeIn => "agree_in",
    AgreeOut => "agree_out",
    All => "all",
    Answers => "answers",
    BeyondBound => "beyond_bound",
    Blocked => "blocked",
    CannotReachHost => "cannot_reach_host",
    CouldNotCheck => "could_not_check",
    Direct => "direct",
    Disabled => "disabled",
    Disagree => "disagree",
    Empty => "empty",
    Expired => "expired",
    Forbidden => "forbidden",
    Found => "found",
    Given => "given",
    Guide => "guide",
    Hidden => "hidden",
    Inactive => "inactive",
    Invalid => "invalid",
    IsAgentId => "is_agent_id",
    IsUserId => "is_user_id",
    Issued => "issued",
    LacksOther => "lacks_other",
    LacksStateRead => "lacks_state_read",
    Listed => "listed",
    Locked => "locked",
    LoggedIn => "logged_in",
    LoggedOut => "logged_out",
    Long => "long",
    LookupUnused => "lookup_unused",
    Matches => "matches",
    Mismatch => "mismatch",
    NoAgentId => "no_agent_id",
    NoAnswer => "no_answer",
    NoData => "no_data",
    NoEndpoint => "no_endpoint",
    NoEnvironments => "no_environments",
    NoHealth => "no_health",
    NoIdToken => "no_id_token",
    NoPermission => "no_permission",
    NoSession => "no_session",
    NoTenantId => "no_tenant_id",
    NotAnAgent => "none",
    NotApi => "not_api",
    NotFound => "not_found",
    NotGiven => "not_given",
    NotNeeded => "not_needed",
    NotRun => "not_run",
    Ok => "ok",
    Overridden => "overridden",
    Present => "present",
    RateLimited => "rate_limited",
    Reference => "reference",
    Refused => "refused",
    RefusedHost => "refused_host",
    RelayRefusedHost => "relay_refused_host",
    Reused => "reused",
    SameHost => "same_host",
    Scope => "scope",
    ServiceError => "service_error",
    Short => "short",
    TenantUnreachable => "tenant_unreachable",
    Timeout => "timeout",
    TokenRejected => "token_rejected",
    Undecided => "undecided",
    Unknown => "unknown",
    Unreachable => "unreachable",
    Unsupported => "unsupported",
}

/// A branch taken by a check: what the diagnosis settles a node with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Taken {
    /// The check.
    pub check: Check,
    /// The branch it takes.
    pub id: BranchId,
}

impl Taken {
    /// Branch `id` of `check`, for the branches every call check shares (a call's failure,
    /// `not_run`); each check's own branches convert from its enum instead.
    pub(crate) fn new(check: Check, id: BranchId) -> Self {
        Taken { check, id }
    }
}

/// Declares one enum per check, each variant a [`BranchId`] of the same name, converting into a
/// [`Taken`] for that check.
macro_rules! check_branches {
    ($($(#[$doc:meta])* $name:ident for $check:ident { $($variant:ident),* $(,)? })*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub enum $name {
                $(
                    #[doc = concat!("See [`BranchId::", stringify!($variant), "`].")]
                    $variant,
                )*
            }

            impl $name {
                /// Every branch of this check's own.
                pub const ALL: &'static [$name] = &[$($name::$variant),*];

                /// The check these branches belong to.
                pub const CHECK: Check = Check::$check;

                /// The branch's id.
                pub fn id(self) -> BranchId {
                    match self {
                        $($name::$variant => BranchId::$variant,)*
                    }
                }
            }

            impl From<$name> for Taken {
                fn from(branch: $name) -> Taken {
                    Taken { check: $name::CHECK, id: branch.id() }
                }
            }
        )*

        /// Every check's own branches, by check (for the tests that hold them to the tables).
        #[cfg(test)]
        pub(super) fn own_branches(check: Check) -> Vec<BranchId> {
            match check {
                $(Check::$check => $name::ALL.iter().map(|b| b.id()).collect(),)*
            }
        }
    };
}

check_branches! {
    /// The branches of `inputs` of its own (besides the call failures and `not_run`).
    InputsBranch for Inputs { Ok, Invalid, Unsupported }
    /// The branches of `relay` of its own (besides the call failures and `not_run`).
    RelayBranch for Relay { Direct, Reference, Answers, NoHealth, Blocked, Unreachable, NotApi, RefusedHost, CannotReachHost, Undecided }
    /// The branches of `token` of its own (besides the call failures and `not_run`).
    TokenBranch for Token { Issued, Reused, Refused }
    /// The branches of `scopes` of its own (besides the call failures and `not_run`).
    ScopesBranch for Scopes { All, LacksStateRead, LacksOther, Unknown }
    /// The branches of `token_lifetime` of its own (besides the call failures and `not_run`).
    TokenLifetimeBranch for TokenLifetime { Long, Short, Expired, Unknown }
    /// The branches of `discovery` of its own (besides the call failures and `not_run`).
    DiscoveryBranch for Discovery { Found, Overridden, Guide, NoIdToken, NoTenantId, NotFound, Refused, NoEndpoint }
    /// The branches of `user` of its own (besides the call failures and `not_run`).
    UserBranch for User { Found, Empty, NotFound, IsAgentId, NotGiven, Disabled }
    /// The branches of `agent_id` of its own (besides the call failures and `not_run`).
    AgentIdBranch for AgentId { Present, Given, Matches, Mismatch, NotAnAgent, LookupUnused, Inactive, Locked, Hidden, BeyondBound }
    /// The branches of `agent_state` of its own (besides the call failures and `not_run`).
    AgentStateBranch for AgentState { Active, NoSession, NotFound, IsUserId, NoData }
    /// The branches of `state_list` of its own (besides the call failures and `not_run`).
    StateListBranch for StateList { Listed, Absent, Empty, NoAgentId, NoData }
    /// The branches of `cross_check` of its own (besides the call failures and `not_run`).
    CrossCheckBranch for CrossCheck { AgreeIn, AgreeOut, Disagree, Unknown }
    /// The branches of `other_environment` of its own (besides the call failures and `not_run`).
    OtherEnvironmentBranch for OtherEnvironment { LoggedIn, LoggedOut, NotNeeded, SameHost, NoEnvironments, Scope, CouldNotCheck }
}
