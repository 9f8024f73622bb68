//! Routing a request and reading the relay target out of it, in both PRODUCT.md template styles:
//! prefix (`/relay/https://host/path?query`) and `{url}` (`/relay/?url=<percent-encoded URL>`),
//! under `/relay/` and at the root.

use percent_encoding::percent_decode_str;
use url::Url;

/// What a request asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/healthz` or `/relay/healthz`.
    Health,
    /// A relay call with the target as the client wrote it (not yet parsed).
    Relay(String),
    /// Under `/relay/` but without a readable target.
    NoTarget,
    /// Anything else: a static file, when a folder is served.
    Other,
}

pub(crate) fn route(path: &str, query: Option<&str>) -> Route {
    if path == "/healthz" || path == "/relay/healthz" {
        return Route::Health;
    }
    let (rest, under_relay) = if path == "/relay" {
        ("", true)
    } else if let Some(rest) = path.strip_prefix("/relay/") {
        (rest, true)
    } else {
        (path.strip_prefix('/').unwrap_or(path), false)
    };
    if looks_like_target(rest) {
        let mut target = if has_scheme(rest, "http%3a") || has_scheme(rest, "https%3a") {
            // The whole target percent-encoded into the path.
            percent_decode_str(rest).decode_utf8_lossy().into_owned()
        } else {
            rest.to_string()
        };
        if let Some(q) = query {
            target.push('?');
            target.push_str(q);
        }
        return Route::Relay(target);
    }
    if rest.is_empty() {
        if let Some(value) = query.and_then(url_param) {
            return match percent_decode_str(value).decode_utf8() {
                Ok(v) if !v.is_empty() => Route::Relay(v.into_owned()),
                _ => Route::NoTarget,
            };
        }
    }
    if under_relay {
        Route::NoTarget
    } else {
        Route::Other
    }
}

fn has_scheme(text: &str, scheme: &str) -> bool {
    text.len() >= scheme.len() && text[..scheme.len()].eq_ignore_ascii_case(scheme)
}

fn looks_like_target(rest: &str) -> bool {
    ["http:", "https:", "http%3a", "https%3a"]
        .iter()
        .any(|s| has_scheme(rest, s))
}

/// The raw value of the first `url=` parameter.
fn url_param(query: &str) -> Option<&str> {
    query.split('&').find_map(|pair| pair.strip_prefix("url="))
}

/// Why a target cannot be relayed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TargetError {
    /// Not an absolute http(s) URL.
    Bad(String),
    /// Carries user-info (`https://user@host`): never relayed.
    UserInfo,
}

/// Parses the target. Proxies that merge slashes turn `https://host` into `https:/host`; that is
/// put back. The fragment is dropped (a browser never sends one). What is returned is exactly
/// what the allowlist checks and what is requested.
pub(crate) fn parse_target(raw: &str) -> Result<Url, TargetError> {
    let repaired;
    let mut text = raw.trim();
    for scheme in ["https:/", "http:/"] {
        if has_scheme(text, scheme) && !text[scheme.len()..].starts_with('/') {
            repaired = format!("{}/{}", &text[..scheme.len()], &text[scheme.len()..]);
            text = &repaired;
            break;
        }
    }
    let mut url = Url::parse(text).map_err(|e| TargetError::Bad(format!("not a URL ({e})")))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(TargetError::Bad(format!(
            "scheme {:?} is not http or https",
            url.scheme()
        )));
    }
    if url.host().is_none() {
        return Err(TargetError::Bad("no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(TargetError::UserInfo);
    }
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay(t: &str) -> Route {
        Route::Relay(t.to_string())
    }

    #[test]
    fn both_styles_under_relay_and_at_root() {
        let t = "https://acme.nicecxone.com/oauth/token";
        assert_eq!(
            route("/relay/https://acme.nicecxone.com/oauth/token", None),
            relay(t)
        );
        assert_eq!(
            route(
                "/relay/https://acme.nicecxone.com/oauth/token",
                Some("x=1&y=2")
            ),
            relay("https://acme.nicecxone.com/oauth/token?x=1&y=2")
        );
        assert_eq!(
            route("/https://acme.nicecxone.com/oauth/token", None),
            relay(t)
        );
        assert_eq!(
            route(
                "/relay/",
                Some("url=https%3A%2F%2Facme.nicecxone.com%2Foauth%2Ftoken%3Fx%3D1")
            ),
            relay("https://acme.nicecxone.com/oauth/token?x=1")
        );
        assert_eq!(
            route("/relay", Some("a=b&url=https%3A%2F%2Fa.b%2F")),
            relay("https://a.b/")
        );
        assert_eq!(
            route("/", Some("url=https%3A%2F%2Fa.b%2F")),
            relay("https://a.b/")
        );
        assert_eq!(
            route("/relay/https%3A%2F%2Fa.b%2Fc", None),
            relay("https://a.b/c")
        );
        assert_eq!(route("/relay/https:/a.b/c", None), relay("https:/a.b/c"));
    }

    #[test]
    fn other_routes() {
        assert_eq!(route("/healthz", None), Route::Health);
        assert_eq!(route("/relay/healthz", None), Route::Health);
        assert_eq!(route("/relay/", None), Route::NoTarget);
        assert_eq!(route("/relay/", Some("url=")), Route::NoTarget);
        assert_eq!(route("/relay/foo", None), Route::NoTarget);
        assert_eq!(route("/", None), Route::Other);
        assert_eq!(route("/", Some("scenario=x")), Route::Other);
        assert_eq!(route("/index.html", None), Route::Other);
        assert_eq!(route("/httpdocs/a.js", None), Route::Other);
    }

    #[test]
    fn targets_parse_strictly() {
        let u = parse_target("https:/acme.nicecxone.com/x?y=1#frag").unwrap();
        assert_eq!(u.as_str(), "https://acme.nicecxone.com/x?y=1");
        let u = parse_target("HTTPS:/acme.nicecxone.com/x").unwrap();
        assert_eq!(u.as_str(), "https://acme.nicecxone.com/x");
        assert_eq!(
            parse_target("https://evil.com#.nicecxone.com")
                .unwrap()
                .host_str(),
            Some("evil.com")
        );
        assert_eq!(
            parse_target("https://acme.nicecxone.com@evil.com/"),
            Err(TargetError::UserInfo)
        );
        assert!(matches!(
            parse_target("ftp://a.b/"),
            Err(TargetError::Bad(_))
        ));
        assert!(matches!(parse_target("https://"), Err(TargetError::Bad(_))));
        assert!(matches!(
            parse_target("file:///etc/passwd"),
            Err(TargetError::Bad(_))
        ));
    }
}
