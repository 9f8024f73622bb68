//! The simulation's access tokens: unsigned JWTs (`alg: none`) that carry the scenario, the
//! environment and the scopes, and the Basic credentials of the token request.

use super::Scenario;
use crate::engine::jwt;
use crate::inputs::Environment;
use base64::Engine as _;
use serde_json::{json, Value};

/// `exp` of a healthy token: 2100-01-01 (the simulation has no clock to count from).
const FAR_FUTURE: u64 = 4_102_444_800;
/// `exp` of the token that is already expired when issued: 2000-01-01.
const LONG_AGO: u64 = 946_684_800;

/// What an access token says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Claims {
    pub scenario: Scenario,
    pub environment: Environment,
    pub scopes: Vec<String>,
}

impl Claims {
    /// True when the token names `scope`.
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s.eq_ignore_ascii_case(scope))
    }
}

fn encode(value: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

/// Issues token number `serial` for `scenario` on `environment` with `scopes`, by `issuer`.
/// The scopes go in a `scope` string, or in a `scp` array when `as_scp`.
pub(crate) fn issue(
    scenario: Scenario,
    environment: Environment,
    scopes: &[&str],
    as_scp: bool,
    issuer: &str,
    serial: u64,
) -> String {
    let header = json!({"alg": "none", "typ": "JWT", "kid": "sim"});
    let exp = if scenario == Scenario::TokenRejected {
        LONG_AGO
    } else {
        FAR_FUTURE
    };
    let mut payload = json!({
        "iss": issuer,
        "sub": scenario.client_id(),
        "client_id": scenario.client_id(),
        "scenario": scenario.id(),
        "env": environment.as_str(),
        "exp": exp,
        "jti": format!("sim-{serial}"),
    });
    if as_scp {
        payload["scp"] = json!(scopes);
    } else {
        payload["scope"] = json!(scopes.join(" "));
    }
    // An unsigned JWT has an empty signature part.
    format!("{}.{}.", encode(&header), encode(&payload))
}

/// Reads back a token this simulation issued; `None` for anything else.
pub(crate) fn read(token: &str) -> Option<Claims> {
    let claims = jwt::claims(token)?;
    let scenario = Scenario::parse(claims.get("scenario")?.as_str()?)?;
    let environment = Environment::parse(claims.get("env")?.as_str()?)?;
    let scopes = jwt::scopes(token).unwrap_or_default();
    Some(Claims {
        scenario,
        environment,
        scopes,
    })
}

/// The client ID and secret of a `Basic` authorization header value.
pub(crate) fn basic(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// The token of a `Bearer` authorization header value.
pub(crate) fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The user the demo access key belongs to (Pat Admin, no agent).
pub(crate) const ACCESS_KEY_USER_ID: &str = "33333333-4444-5555-6666-777777777777";

/// The tokens the simulated platform issues for `scenario`: an access token (a JWT naming the
/// scenario and the tenant, no scopes, as NICE's names none), a refresh token, and an
/// `id_token` whose claims say whose access key it is (`tenantId`, `userId`, `area`, ...).
pub(crate) fn issue_platform(
    scenario: Scenario,
    client_id: &str,
    issuer: &str,
    serial: u64,
) -> (String, String, String) {
    let header = json!({"alg": "none", "typ": "JWT", "kid": "sim"});
    let tenant = super::platform_tenant_id(scenario);
    let access = json!({
        "iss": issuer,
        "sub": ACCESS_KEY_USER_ID,
        "aud": client_id,
        "scenario": scenario.id(),
        "env": Environment::Prod.as_str(),
        "tenantId": tenant,
        "exp": FAR_FUTURE,
        "jti": format!("sim-{serial}"),
    });
    let id_token = json!({
        "iss": issuer,
        "sub": ACCESS_KEY_USER_ID,
        "aud": client_id,
        "userId": ACCESS_KEY_USER_ID,
        "tenantId": tenant,
        "icBUId": 4_600_123,
        "icClusterId": "NA1",
        "area": "na1",
        "name": "Pat Admin",
        "exp": FAR_FUTURE,
    });
    (
        format!("{}.{}.", encode(&header), encode(&access)),
        format!("sim-refresh-{serial}-{}", scenario.id()),
        format!("{}.{}.", encode(&header), encode(&id_token)),
    )
}
