//! The `discovery` check (profiles with discovery): the tenant the token names, then where its
//! API lives. Fails with `discovery_failed` when no tenant is known or the issuer cannot say.

use super::round::{Slot, Target};
use super::{Diagnosis, Phase, Settled};
use crate::engine::check::{Check, DiscoveryBranch};
use crate::engine::jwt;
use crate::engine::verdict::Verdict;
use crate::profile;

impl Diagnosis {
    /// The tenant ID: the `id_token`'s `tenantId` claim, else the access token's (when a JWT).
    fn tenant_id(&self) -> Option<String> {
        let from_id_token = self
            .token
            .id_claims
            .as_ref()
            .and_then(|c| profile::id_of(c.get("tenantId")));
        from_id_token.or_else(|| {
            let claims = jwt::claims(self.token.access_token.as_deref()?)?;
            profile::id_of(claims.get("tenantId"))
        })
    }

    /// What the `id_token` says about whom the access key belongs to, for the tree.
    fn id_token_note(&self) -> String {
        let Some(claims) = &self.token.id_claims else {
            return String::new();
        };
        let parts: Vec<String> = [
            ("tenantId", "tenant"),
            ("area", "area"),
            ("userId", "user"),
            ("icAgentId", "agent"),
            ("icBUId", "business unit"),
        ]
        .iter()
        .filter_map(|(claim, label)| {
            profile::id_of(claims.get(*claim)).map(|v| format!("{label} {v}"))
        })
        .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" The id_token says: {}.", parts.join(", "))
        }
    }

    /// After the token, when the profile finds its API host by discovery: the tenant the token
    /// names is looked up, or discovery fails at once when the token names none.
    pub(super) fn begin_discovery(&mut self) {
        match self.tenant_id() {
            Some(tenant) => {
                let slots = vec![Slot::new(
                    Target::Discovery(tenant.clone()),
                    Check::Discovery,
                )];
                self.phase = Phase::Discovery { tenant };
                self.round.slots = self.with_probe(slots);
            }
            None => {
                let (branch, summary) = if self.token.id_claims.is_none() {
                    (
                        DiscoveryBranch::NoIdToken,
                        "The token answer carries no id_token (and the access token names no tenantId), so the tenant is unknown.",
                    )
                } else {
                    (
                        DiscoveryBranch::NoTenantId,
                        "The id_token (and the access token) name no tenantId, so the tenant is unknown.",
                    )
                };
                let note = self.id_token_note();
                self.discovery_failed(branch, format!("{summary}{note}"));
            }
        }
    }

    fn discovery_failed(&mut self, branch: DiscoveryBranch, summary: String) {
        self.settle(branch, summary.clone());
        self.node_mut(Check::Discovery).fix = Verdict::DiscoveryFailed.fix_for(self.tree.profile);
        self.finish(Verdict::DiscoveryFailed, Check::Discovery, summary);
    }

    /// The discovery call for `tenant` answered.
    pub(super) fn on_discovery(&mut self, slots: Vec<Slot>, tenant: String) {
        self.settle_relay(&slots);
        let slot = slots
            .iter()
            .find(|s| s.check == Check::Discovery)
            .expect("discovery slot");
        let note = self.id_token_note();
        match self.reading(slot) {
            Settled::Json(json) => match self.api().read_discovery(&json) {
                Some(found) => {
                    let place = [
                        found.area.as_ref().map(|a| format!("area {a}")),
                        found.domain.as_ref().map(|d| format!("domain {d}")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>();
                    let place = if place.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", place.join(", "))
                    };
                    self.settle(
                        DiscoveryBranch::Found,
                        format!(
                            "Tenant {tenant}: api_endpoint {}{place}.{note}",
                            found.api_endpoint
                        ),
                    );
                    self.tree.host = found.api_endpoint.clone();
                    if let Some(inputs) = self.inputs.as_mut() {
                        inputs.api_host = Some(found.api_endpoint);
                    }
                    self.begin_lookup();
                }
                None => self.discovery_failed(
                    DiscoveryBranch::NoEndpoint,
                    format!("The configuration of tenant {tenant} names no usable api_endpoint (an https origin).{note}"),
                ),
            },
            Settled::Status { status: 404, .. } => self.discovery_failed(
                DiscoveryBranch::NotFound,
                format!("The issuer's cxone-configuration answers 404 for tenant {tenant}.{note}"),
            ),
            Settled::Status { status, .. } => self.discovery_failed(
                DiscoveryBranch::Refused,
                format!("The issuer's cxone-configuration answers {status} for tenant {tenant}.{note}"),
            ),
            Settled::Failed(failure) => self.fail(Check::Discovery, failure),
                    }
    }
}
