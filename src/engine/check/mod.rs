//! The checks of the diagnosis (the README's Checks table), their outcomes, and the branches each
//! check can take, so a page can draw the whole decision tree with the untaken branches dimmed.
//! The branches themselves are listed in [`table`].

mod branch;
mod table;

pub use branch::{
    AgentIdBranch, AgentStateBranch, BranchId, CrossCheckBranch, DiscoveryBranch, InputsBranch,
    OtherEnvironmentBranch, RelayBranch, ScopesBranch, StateListBranch, Taken, TokenBranch,
    TokenLifetimeBranch, UserBranch,
};

use super::exchange::Exchange;
use super::verdict::Verdict;
use crate::inputs::Profile;
use table::Row;

/// One step of the diagnosis, in the order of the README's Checks table. The serialized name
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
        table::rows(self, |_| true)
    }

    /// The branches this check can take under `profile`: [`Check::branches`] without the ones
    /// only the other profile reaches (discovery and the agent lookup's calls are the
    /// platform's; the other environment is the guide's).
    pub fn branches_for(self, profile: Profile) -> Vec<Branch> {
        let caps = crate::profile::for_profile(profile)
            .map(|p| p.capabilities())
            .unwrap_or_default();
        table::rows(self, |id| table::applies(self, id, caps))
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

impl Branch {
    pub(super) fn from_row(row: &Row) -> Self {
        let (id, outcome, when, means, leads_to) = *row;
        Branch {
            id: id.id().into(),
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
        CheckNode::pending_with(check, check.branches())
    }

    /// A pending node for `check` with the branches `profile` can take.
    pub fn pending_for(check: Check, profile: Profile) -> Self {
        // Not `..CheckNode::pending(check)`: that would build every profile's branches (the
        // check's whole table, strings and all) only to drop them, at the start of every run.
        CheckNode::pending_with(check, check.branches_for(profile))
    }

    fn pending_with(check: Check, branches: Vec<Branch>) -> Self {
        CheckNode {
            id: check,
            question: check.question().into(),
            outcome: Outcome::Pending,
            branch: None,
            summary: "Not started yet.".into(),
            meaning: String::new(),
            fix: Vec::new(),
            exchanges: Vec::new(),
            branches,
        }
    }

    /// Settles the node on branch `branch` with a one-line `summary`: outcome and meaning come
    /// from the branch, so the tree and the branch list never disagree.
    pub(crate) fn settle(&mut self, branch: BranchId, summary: impl Into<String>) {
        let branch_id = branch.id();
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

#[cfg(test)]
mod tests {
    use super::table::rows;
    use super::{BranchId, Check};

    #[test]
    fn each_checks_own_branches_are_its_table_but_the_shared_rows() {
        use super::branch::own_branches;
        // The user lookup has every shared row: the call failures, the API refusals, not_run.
        let user_own = own_branches(Check::User);
        let shared: Vec<String> = rows(Check::User, |_| true)
            .into_iter()
            .map(|b| b.id)
            .filter(|id| !user_own.iter().any(|o| o.id() == id))
            .collect();
        for check in Check::ALL {
            let own = own_branches(check);
            let table = rows(check, |_| true);
            for id in &own {
                assert!(
                    table.iter().any(|b| b.id == id.id()),
                    "{} is not in the table of {}",
                    id.id(),
                    check.id()
                );
            }
            for row in &table {
                assert!(
                    own.iter().any(|o| o.id() == row.id) || shared.contains(&row.id),
                    "{} of {} has no variant in its check's enum",
                    row.id,
                    check.id()
                );
            }
        }
    }

    #[test]
    fn every_branch_id_is_in_some_table_and_none_twice_in_one() {
        for id in BranchId::ALL {
            assert!(
                Check::ALL
                    .iter()
                    .any(|c| rows(*c, |_| true).iter().any(|b| b.id == id.id())),
                "{} is in no table",
                id.id()
            );
        }
        for check in Check::ALL {
            let rows = rows(check, |_| true);
            for (i, row) in rows.iter().enumerate() {
                assert!(
                    rows[..i].iter().all(|r| r.id != row.id),
                    "{} twice in {}",
                    row.id,
                    check.id()
                );
            }
        }
    }
}
