//! Just enough JWT reading to find the scopes of an access token (the payload's `scope` or `scp`
//! claim) and its expiry (`exp`). The signature is not checked; the claims only explain, they
//! authorise nothing.

use base64::Engine as _;
use serde_json::Value;

/// The payload of a JWT as JSON, or `None` when `token` is not a JWT (three dot-separated
/// base64url parts whose middle one is a JSON object). Padding is tolerated.
pub fn claims(token: &str) -> Option<Value> {
    let mut parts = token.trim().split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let payload = payload.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(payload))
        .ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    value.is_object().then_some(value)
}

/// The scopes a JWT access token names in its `scope` or `scp` claim (a space-separated string or
/// an array of strings); `None` when the token is no JWT or names none.
pub fn scopes(token: &str) -> Option<Vec<String>> {
    let claims = claims(token)?;
    crate::profile::scopes_of(claims.get("scope").filter(|v| !v.is_null()))
        .or_else(|| crate::profile::scopes_of(claims.get("scp")))
}

/// When a JWT access token expires, from its `exp` claim (seconds since the Unix epoch, a number
/// or a numeric string), in milliseconds; `None` when the token is no JWT or has no usable `exp`.
pub fn expires_at_ms(token: &str) -> Option<u64> {
    let claims = claims(token)?;
    let exp = claims.get("exp")?;
    match exp {
        Value::String(s) => super::seconds::as_ms(s.trim(), super::seconds::Rounding::Down).ok()?,
        other => {
            let seconds = other.as_f64()?;
            (seconds.is_finite() && seconds >= 0.0).then_some((seconds * 1000.0) as u64)
        }
    }
}
