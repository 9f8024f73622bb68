//! The sweep's first answers: the token (or the reason there is none) and, where the profile
//! finds its API host that way, discovery.

use super::*;

impl Sweep {
    pub(super) fn on_token(&mut self, settled: Settled) {
        let answer = match &settled {
            Settled::Json(json) => self.api.read_token(json),
            _ => None,
        };
        match answer {
            Some(answer) => {
                let expires = self
                    .now_ms
                    .saturating_add(answer.expires_in.unwrap_or(300).saturating_mul(1000));
                let claims = answer.id_token.as_deref().and_then(jwt::claims);
                self.new_token = Some(
                    CachedToken::new(
                        answer.access_token.clone(),
                        expires,
                        answer.scope.clone(),
                        &self.inputs,
                    )
                    .with_id_claims(claims),
                );
                self.access_token = Some(answer.access_token);
            }
            None => {
                let detail = describe(&settled);
                self.failure = Some((
                    match settled {
                        Settled::Failed(f) => failure_verdict(&f),
                        _ => Verdict::BadCredentials,
                    },
                    format!("The token endpoint did not issue a token: {detail}"),
                ));
            }
        }
    }

    pub(super) fn on_discovery(&mut self, settled: Settled) {
        let found = match &settled {
            Settled::Json(json) => self.api.read_discovery(json),
            _ => None,
        };
        match found {
            Some(found) => self.inputs.api_host = Some(found.api_endpoint),
            None => {
                self.failure = Some((
                    Verdict::DiscoveryFailed,
                    format!("Discovery named no API host: {}", describe(&settled)),
                ))
            }
        }
    }
}
