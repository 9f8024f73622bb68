//! The `token`, `scopes` and `token_lifetime` checks: the token is issued (or reused), what it
//! may do and how long it lives are read from its answer and its JWT claims, and a reused token
//! refused with 401 is replaced once. An empty state read without `agent:state:read` ends here
//! in `missing_scope` (decided by `scopes`).

use super::round::{Slot, Target};
use super::{Diagnosis, Phase, Settled, REQUIRED_SCOPES, SHORT_LIFETIME_SECS};
use crate::engine::check::{
    Check, OtherEnvironmentBranch, Outcome, ScopesBranch, TokenBranch, TokenLifetimeBranch,
};
use crate::engine::classify::Failure;
use crate::engine::exchange::Answer;
use crate::engine::jwt;
use crate::engine::tree::CachedToken;
use crate::engine::verdict::Verdict;
use crate::inputs::Inputs;
use crate::profile::TokenVia;
use serde_json::Value;

/// What the token check learned.
#[derive(Default)]
pub(super) struct TokenFacts {
    /// The token a previous report handed back, until it is used or dropped.
    pub(super) cached: Option<CachedToken>,
    /// The bearer token of the diagnosed environment.
    pub(super) access_token: Option<String>,
    /// The token is the cached one (no token call was made).
    pub(super) reused: bool,
    /// The access token's `exp` claim was already past when the diagnosis read it.
    pub(super) expired: bool,
    /// When the token expires, in the caller's clock.
    pub(super) expires_at_ms: Option<u64>,
    /// The scopes the token answer (or the cached token) named.
    pub(super) answer_scope: Option<Vec<String>>,
    /// The scopes known from the answer or the JWT; `None` when neither names them.
    pub(super) scopes: Option<Vec<String>>,
    /// The claims of the token answer's `id_token` (platform), or of the reused token's.
    pub(super) id_claims: Option<Value>,
    /// How the token call is made: the first try, or a fallback (OpenID's `token_endpoint`,
    /// credentials in the form body).
    pub(super) via: TokenVia,
}

impl TokenFacts {
    /// Nothing known yet but the token a previous report handed back.
    pub(super) fn with_cached(cached: Option<CachedToken>) -> Self {
        TokenFacts {
            cached,
            ..TokenFacts::default()
        }
    }
}

impl Diagnosis {
    /// The token phase: a cached token still valid for these inputs is reused (and the run goes
    /// on at once); otherwise the token call goes out, with the relay's probe beside it.
    pub(super) fn begin_token(&mut self, inputs: &Inputs) {
        match self
            .token
            .cached
            .clone()
            .filter(|c| c.is_valid_for(inputs, self.now_ms))
        {
            Some(cached) => {
                self.token.access_token = Some(cached.access_token().to_string());
                self.token.reused = true;
                self.token.expires_at_ms = Some(cached.expires_at_ms);
                self.token.answer_scope = cached.scope.clone();
                self.token.id_claims = cached.id_claims.clone();
                let left = cached.expires_at_ms.saturating_sub(self.now_ms) / 1000;
                self.settle(
                    TokenBranch::Reused,
                    format!("Reused the token from the previous run ({left} s left)."),
                );
                self.token_facts(Some(left), cached.scope.clone(), true);
                self.after_token();
            }
            None => {
                self.phase = Phase::Token;
                let via = self.token.via.clone();
                let slots = vec![Slot::new(
                    Target::Token(inputs.environment, via),
                    Check::Token,
                )];
                self.round.slots = self.with_probe(slots);
            }
        }
    }

    /// The token call answered.
    pub(super) fn on_token(&mut self, slots: Vec<Slot>) {
        self.settle_relay(&slots);
        let slot = slots
            .iter()
            .find(|s| s.check == Check::Token)
            .expect("token slot");
        match self.reading(slot) {
            Settled::Json(json) => match self.api().read_token(&json) {
                Some(answer) => {
                    self.redactor.add(answer.access_token.clone());
                    if let Some(id_token) = &answer.id_token {
                        self.redactor.add(id_token.clone());
                    }
                    self.token.id_claims = answer.id_token.as_deref().and_then(jwt::claims);
                    self.token.access_token = Some(answer.access_token.clone());
                    self.token.expires_at_ms = answer.expires_in.map(|s| self.now_ms + s * 1000);
                    self.token.answer_scope = answer.scope.clone();
                    let kind = answer.token_type.clone().unwrap_or_else(|| "access".into());
                    let lifetime = match answer.expires_in {
                        Some(s) => format!(", expires in {s} s"),
                        None => String::new(),
                    };
                    let how = self.token_method_note();
                    self.settle(
                        TokenBranch::Issued,
                        format!("The token endpoint issued a {kind} token{lifetime}.{how}"),
                    );
                    self.token_facts(answer.expires_in, answer.scope, false);
                    self.after_token();
                }
                // Some servers answer an OAuth error with 200; it is still a refusal.
                None => match self
                    .api()
                    .token_error(Some(&json), "")
                    .filter(|_| json.get("error").is_some())
                {
                    Some(error) => self.fail(
                        Check::Token,
                        Failure::BadCredentials {
                            status: 200,
                            error: Some(error),
                        },
                    ),
                    None => self.fail(
                        Check::Token,
                        Failure::NotApi {
                            detail: "a 2xx answer without an access_token".into(),
                        },
                    ),
                },
            },
            Settled::Status { status: 404, .. } if self.can_ask_openid() => {
                // Only now is OpenID discovery worth a round: the common case costs none.
                self.phase = Phase::OpenId;
                self.round.slots = vec![Slot::new(Target::OpenId, Check::Token)];
            }
            Settled::Status {
                status: 401,
                json: Some(json),
                ..
            } if self.can_post_credentials(&json) => {
                self.token.via.in_body = true;
                let env = self.inputs().environment;
                self.phase = Phase::Token;
                self.round.slots = vec![Slot::new(
                    Target::Token(env, self.token.via.clone()),
                    Check::Token,
                )];
            }
            Settled::Status { status, json, .. } if matches!(status, 400 | 401 | 403) => {
                let body = slot
                    .answer
                    .as_ref()
                    .and_then(Answer::response)
                    .map(|r| r.body.clone())
                    .unwrap_or_default();
                let error = self.api().token_error(json.as_ref(), &body);
                let error = error.map(|e| self.redactor.text(&e));
                self.fail(Check::Token, Failure::BadCredentials { status, error });
            }
            Settled::Status { status, .. } => self.fail(
                Check::Token,
                Failure::ServiceError {
                    status,
                    detail: " (a status the token endpoint does not use)".into(),
                },
            ),
            Settled::Failed(failure) => self.fail(Check::Token, failure),
        }
    }

    /// The token endpoint answered 404 to the first try: the profile may name another one in its
    /// OpenID configuration.
    fn can_ask_openid(&self) -> bool {
        self.api().capabilities().token_fallbacks && self.token.via.url.is_none()
    }

    /// A 401 `invalid_client` to credentials in Basic: the profile may take them in the form body.
    fn can_post_credentials(&self, json: &Value) -> bool {
        self.api().capabilities().token_fallbacks
            && !self.token.via.in_body
            && json
                .get("error")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case("invalid_client"))
    }

    /// How the token was obtained, where a profile has fallbacks (one sentence, or empty).
    fn token_method_note(&self) -> String {
        if !self.api().capabilities().token_fallbacks {
            return String::new();
        }
        let via = &self.token.via;
        let method = if via.in_body {
            " Client credentials went in the form body (client_secret_post), after HTTP Basic was refused with 401 invalid_client."
        } else {
            " Client credentials went in HTTP Basic (client_secret_basic)."
        };
        let url = match &via.url {
            Some(url) => format!(" The token endpoint is {url}, from the issuer's OpenID configuration, after /auth/token answered 404."),
            None => String::new(),
        };
        format!("{method}{url}")
    }

    /// The issuer's OpenID configuration answered (asked after the token endpoint's 404).
    pub(super) fn on_openid(&mut self, slots: Vec<Slot>) {
        let slot = slots
            .iter()
            .find(|s| s.target == Target::OpenId)
            .expect("openid slot");
        let endpoint = match self.reading(slot) {
            Settled::Json(json) => self.api().read_openid(&json),
            _ => None,
        };
        match endpoint {
            Some(url) if Some(&url) != Some(&self.inputs().token_url()) => {
                self.token.via.url = Some(url);
                let env = self.inputs().environment;
                self.phase = Phase::Token;
                self.round.slots = vec![Slot::new(
                    Target::Token(env, self.token.via.clone()),
                    Check::Token,
                )];
            }
            _ => self.fail(
                Check::Token,
                Failure::ServiceError {
                    status: 404,
                    detail: " to the token request, and the issuer's OpenID configuration names no other token_endpoint".into(),
                },
            ),
        }
    }

    /// Settles `scopes` and `token_lifetime` from what the token answer (or cache) says.
    fn token_facts(
        &mut self,
        lifetime_secs: Option<u64>,
        answer_scope: Option<Vec<String>>,
        reused: bool,
    ) {
        let token = self.token.access_token.clone().unwrap_or_default();
        let found = match answer_scope {
            Some(scopes) => Some((scopes, "the token answer's scope")),
            None => jwt::scopes(&token).map(|s| (s, "the access token's scope claim (JWT)")),
        };
        match found {
            None => {
                let mut summary =
                    "Neither the token answer nor the access token names its scopes.".to_string();
                if let Some(note) = self.api().unnamed_scopes_note() {
                    summary.push(' ');
                    summary.push_str(note);
                }
                self.settle(ScopesBranch::Unknown, summary)
            }
            Some((scopes, source)) => {
                let missing: Vec<&str> = REQUIRED_SCOPES
                    .into_iter()
                    .filter(|need| !scopes.iter().any(|s| s.eq_ignore_ascii_case(need)))
                    .collect();
                let named = if scopes.is_empty() {
                    "none".to_string()
                } else {
                    scopes.join(" ")
                };
                let branch = if missing.contains(&"agent:state:read") {
                    ScopesBranch::LacksStateRead
                } else if missing.is_empty() {
                    ScopesBranch::All
                } else {
                    ScopesBranch::LacksOther
                };
                let summary = if missing.is_empty() {
                    format!("From {source}: {named}.")
                } else {
                    format!("From {source}: {named}; missing {}.", missing.join(", "))
                };
                self.settle(branch, summary);
                if branch != ScopesBranch::All {
                    self.node_mut(Check::Scopes).fix =
                        Verdict::MissingScope.fix_for(self.tree.profile);
                }
                self.token.scopes = Some(scopes);
            }
        }
        self.lifetime_facts(&token, lifetime_secs, reused);
    }

    /// Settles `token_lifetime` from `expires_in` (or what is left on a reused token) and, when the
    /// access token is a JWT, its `exp` claim against `now_ms`: the sooner of the two counts, and
    /// an `exp` already past fails.
    fn lifetime_facts(&mut self, token: &str, lifetime_secs: Option<u64>, reused: bool) {
        let what = if reused {
            "left on the reused token"
        } else {
            "expires_in"
        };
        let exp_at = jwt::expires_at_ms(token);
        self.token.expired = exp_at.is_some_and(|at| at <= self.now_ms);
        if let (Some(at), Some(until)) = (exp_at, self.token.expires_at_ms) {
            // The token is not to be reused past its own exp.
            self.token.expires_at_ms = Some(until.min(at));
        }
        if let Some(at) = exp_at.filter(|at| *at <= self.now_ms) {
            let ago = duration((self.now_ms - at) / 1000);
            let besides = match lifetime_secs {
                Some(s) if reused => {
                    format!(", although {s} s were counted as left on the reused token")
                }
                Some(s) => format!(", although expires_in says {s} s"),
                None => String::new(),
            };
            self.settle(
                TokenLifetimeBranch::Expired,
                format!(
                    "The access token's exp claim (JWT) is {ago} in the past: the token has already expired{besides}."
                ),
            );
            self.node_mut(Check::TokenLifetime).fix = vec![
                "Check the clock of the computer running this page, and the token server's: a token that is expired when issued points at one of them.".into(),
                "Ask for a fresh token; if the token endpoint keeps issuing expired tokens, report it to the administrator of the CXone tenant (or of the identity provider).".into(),
            ];
            return;
        }
        let exp_left = exp_at.map(|at| (at - self.now_ms) / 1000);
        let by_exp = "left by the access token's exp claim (JWT)";
        let (left, source, other) = match (lifetime_secs, exp_left) {
            (None, None) => {
                return self.settle(
                    TokenLifetimeBranch::Unknown,
                    "The token answer gives no expires_in, and the access token is no JWT with an exp claim.",
                )
            }
            (Some(s), None) => (s, what, None),
            (None, Some(e)) => (e, by_exp, Some("no expires_in".to_string())),
            (Some(s), Some(e)) if e < s => (e, by_exp, Some(format!("{s} s {what}"))),
            (Some(s), Some(_)) => (s, what, None),
        };
        let besides = other.map(|o| format!(" ({o})")).unwrap_or_default();
        if left < SHORT_LIFETIME_SECS {
            self.settle(
                TokenLifetimeBranch::Short,
                format!("{left} s {source}{besides}: under 5 minutes."),
            );
            self.node_mut(Check::TokenLifetime).fix = vec![
                "Refresh the token before it expires: invalidate a cached token 5 minutes before it runs out (expires_in, or the JWT's exp)."
                    .into(),
            ];
        } else {
            self.settle(
                TokenLifetimeBranch::Long,
                format!("{left} s {source}{besides} ({} min).", left / 60),
            );
        }
    }

    /// False when the scopes are known and lack `scope`; true when present or unknown.
    pub(super) fn lacks_scope(&self, scope: &str) -> bool {
        self.token
            .scopes
            .as_ref()
            .is_some_and(|s| !s.iter().any(|x| x.eq_ignore_ascii_case(scope)))
    }

    /// After the token: discovery when the profile finds its API host that way (and the API host
    /// field does not replace it), else the lookups.
    fn after_token(&mut self) {
        if self.api().capabilities().discovery && !self.is_settled(Check::Discovery) {
            self.begin_discovery();
        } else {
            self.begin_lookup();
        }
    }

    /// When the state calls answered empty and the token's known scopes lack `agent:state:read`,
    /// the empty state proves nothing (CXone answers an empty 200 instead of 403 then): ends in
    /// `missing_scope`, decided by `scopes`. Answers whether it did.
    pub(super) fn finish_if_state_unreadable(&mut self) -> bool {
        if !self.lacks_scope("agent:state:read") {
            return false;
        }
        self.settle_other(
            OtherEnvironmentBranch::Scope,
            "Not asked: without agent:state:read an empty state means nothing.",
        );
        let finding = "The state calls answered empty, and the token lacks agent:state:read: CXone answers an empty 200 instead of 403 then, so this is no proof the agent is logged out.".to_string();
        self.finish(Verdict::MissingScope, Check::Scopes, finding);
        true
    }

    /// A reused token refused with 401 is dropped and a fresh one fetched (once).
    pub(super) fn refresh_if_stale(&mut self, slots: &[Slot]) -> bool {
        if !self.token.reused {
            return false;
        }
        let refused = slots.iter().any(|s| {
            s.target != Target::RelayHealth
                && s.answer
                    .as_ref()
                    .and_then(Answer::response)
                    .is_some_and(|r| r.status == 401)
        });
        if !refused {
            return false;
        }
        self.token.reused = false;
        self.token.access_token = None;
        self.token.cached = None;
        for check in [
            Check::Token,
            Check::Scopes,
            Check::TokenLifetime,
            Check::StateList,
            Check::AgentState,
        ] {
            let node = self.node_mut(check);
            node.outcome = Outcome::Pending;
            node.branch = None;
            node.branches.iter_mut().for_each(|b| b.taken = false);
        }
        if self.inputs().user_id.is_some() {
            self.node_mut(Check::User).outcome = Outcome::Pending;
        }
        for node in &mut self.tree.checks {
            if node.outcome == Outcome::Running {
                node.outcome = Outcome::Pending;
            }
        }
        self.node_mut(Check::Token).summary =
            "The reused token was refused (401); getting a fresh one.".into();
        let env = self.inputs().environment;
        self.phase = Phase::Token;
        self.round.slots = vec![Slot::new(
            Target::Token(env, self.token.via.clone()),
            Check::Token,
        )];
        true
    }

    pub(super) fn reusable_token(&self, verdict: Verdict) -> Option<CachedToken> {
        if verdict == Verdict::TokenRejected {
            return None;
        }
        if self.token.reused {
            return self.token.cached.clone();
        }
        let inputs = self.inputs.as_ref()?;
        Some(
            CachedToken::new(
                self.token.access_token.clone()?,
                self.token.expires_at_ms?,
                self.token.answer_scope.clone(),
                inputs,
            )
            .with_id_claims(self.token.id_claims.clone()),
        )
    }
}

/// A duration in seconds as a person reads it: seconds, minutes, hours or days.
fn duration(secs: u64) -> String {
    match secs {
        0..=119 => format!("{secs} s"),
        120..=7_199 => format!("{} min", secs / 60),
        7_200..=172_799 => format!("{} h", secs / 3_600),
        _ => format!("{} days", secs / 86_400),
    }
}
