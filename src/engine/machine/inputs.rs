//! The `inputs` check: the checked inputs are described, the checks this run skips from the
//! start are settled, and a form that failed validation ends in `invalid_input`.

use super::{BranchId as B, Diagnosis, Phase};
use crate::engine::check::{
    AgentIdBranch, Check, DiscoveryBranch, InputsBranch, OtherEnvironmentBranch, RelayBranch,
    UserBranch,
};
use crate::engine::tree::Report;
use crate::engine::verdict::Verdict;
use crate::relay::Relay;

impl Diagnosis {
    /// The first step: the inputs are settled (they come validated: [`Inputs`] is made only by
    /// `Form::validate`), the checks this run skips from the start are settled, and the token
    /// phase begins.
    pub(super) fn start(&mut self) {
        if self.api.is_none() {
            return self.finish_unsupported();
        }
        let inputs = self.inputs().clone();
        let api = self.api();
        let caps = api.capabilities();
        let host = api.host(&inputs, inputs.environment);
        let who = match (&inputs.user_id, &inputs.agent_id) {
            (Some(u), Some(a)) => format!("user {u} with agent ID {a}"),
            (Some(u), None) => format!("user {u}"),
            (None, Some(a)) => format!("agent ID {a}"),
            (None, None) => String::new(),
        };
        let summary = if caps.discovery {
            let host = if host.is_empty() {
                "found by discovery".to_string()
            } else {
                format!("{host} (API host field)")
            };
            format!(
                "{who} on the tenant of access key {}: issuer {}, API host {host}, API {}, client {}.",
                inputs.access_key_id, inputs.issuer, inputs.api_version, inputs.client_id
            )
        } else {
            format!(
                "{} on {} ({host}), client {}.",
                who,
                inputs.environment.label(),
                inputs.client_id
            )
        };
        self.settle(InputsBranch::Ok, summary);
        if !caps.discovery {
            self.settle(
                DiscoveryBranch::Guide,
                "Not needed: the guide profile's host comes from the tenant name.",
            );
        } else if let Some(host) = &inputs.api_host {
            self.settle(
                DiscoveryBranch::Overridden,
                format!("Skipped: the API host field sends every API call to {host}."),
            );
        }
        if !caps.environments {
            let why = api.other_environment(&inputs).err().unwrap_or_default();
            self.settle(
                OtherEnvironmentBranch::NoEnvironments,
                format!("Not asked: {why}."),
            );
        }
        if inputs.relay == Relay::Direct {
            self.settle(
                RelayBranch::Direct,
                "No relay: calls go straight to the API.",
            );
        }
        if inputs.user_id.is_none() {
            self.settle(
                UserBranch::NotGiven,
                "Only an agent ID was given, so the user lookup is skipped.",
            );
            let agent = inputs.agent_id.clone().unwrap_or_default();
            self.settle(
                AgentIdBranch::Given,
                format!("Using the agent ID given: {agent}."),
            );
            self.found.agent_id = Some(agent);
        }
        self.begin_token(&inputs);
    }

    /// Ends a diagnosis whose form failed validation: nothing is sent.
    pub(super) fn finish_invalid(&mut self, problems: Vec<String>) {
        self.settle(InputsBranch::Invalid, problems.join("; "));
        let finding = format!("Nothing was sent. {}.", problems.join("; "));
        self.finish(Verdict::InvalidInput, Check::Inputs, finding);
    }

    /// Ends a diagnosis whose profile this version does not implement.
    fn finish_unsupported(&mut self) {
        let message = "This profile is not supported by this version; nothing was sent. Choose another profile.";
        for node in &mut self.tree.checks {
            if node.id == Check::Inputs {
                node.settle(InputsBranch::Unsupported.id(), message);
            } else {
                node.settle(B::NotRun, "Not run: the profile is not supported.");
            }
        }
        self.tree.summary = message.into();
        self.tree.finished = true;
        self.phase = Phase::Done;
        self.report = Some(Report {
            tree: self.tree.clone(),
            token: None,
        });
    }
}
