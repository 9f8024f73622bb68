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

/// Compared as bytes: slicing the text at `scheme.len()` could fall inside a multi-byte
/// character and panic (found by the property tests below).
fn has_scheme(text: &str, scheme: &str) -> bool {
    text.as_bytes()
        .get(..scheme.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(scheme.as_bytes()))
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

    mod properties {
        use super::super::*;
        use crate::allow::Allowlist;
        use proptest::prelude::*;

        /// Paths and queries a client could send: mostly relay-shaped, with the characters
        /// that open-proxy tricks are made of.
        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("https://".to_string()),
                Just("http://".to_string()),
                Just("https:/".to_string()),
                Just("https%3A%2F%2F".to_string()),
                Just("acme.nicecxone.com".to_string()),
                Just("nicecxone.com".to_string()),
                Just("evil.com".to_string()),
                Just("127.0.0.1".to_string()),
                Just("[::1]".to_string()),
                Just("2130706433".to_string()),
                Just("xn--nxasmq6b.com".to_string()),
                Just(":443".to_string()),
                Just(":8443".to_string()),
                prop::sample::select(vec![
                    "@", "#", "?", "/", "\\", ".", "%", "%2e", "%40", "%2F", "%00", "&", "=",
                    "url=", ":", " ", "\t", "..", "*", "\u{ff0e}", "\u{3002}",
                ])
                .prop_map(str::to_string),
                "[a-z0-9.-]{0,12}",
                any::<String>(),
            ]
        }

        fn text() -> impl Strategy<Value = String> {
            prop::collection::vec(piece(), 0..10).prop_map(|parts| parts.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// Whatever arrives, reading it never panics, and a target that reads as a URL is
            /// relayed only if the allowlist allows exactly that URL: an allowed one is an
            /// http(s) URL without user-info on an allowed host and port.
            #[test]
            fn any_path_and_query(path in text(), query in proptest::option::of(text()),
                                  under_relay in any::<bool>()) {
                let path = if under_relay { format!("/relay/{path}") } else { format!("/{path}") };
                let list = Allowlist::defaults();
                let local = Allowlist::parse(&["http://127.0.0.1:*", "*.example.co.uk"]).unwrap();
                if let Route::Relay(raw) = route(&path, query.as_deref()) {
                    if let Ok(url) = parse_target(&raw) {
                        prop_assert!(url.scheme() == "https" || url.scheme() == "http");
                        prop_assert!(url.username().is_empty() && url.password().is_none());
                        prop_assert!(url.fragment().is_none());
                        if list.allows(&url) {
                            let host = url.host_str().unwrap().to_string();
                            prop_assert_eq!(url.scheme(), "https");
                            prop_assert_eq!(url.port_or_known_default(), Some(443));
                            prop_assert!(
                                [".nicecxone.com", ".niceincontact.com", ".nice-incontact.com"]
                                    .iter()
                                    .any(|s| host.ends_with(s) && host.len() > s.len()),
                                "{} allowed by the defaults", url
                            );
                            prop_assert!(matches!(url.host(), Some(url::Host::Domain(_))));
                            // What is checked is what is requested: it reads back the same.
                            let again = parse_target(url.as_str()).unwrap();
                            prop_assert_eq!(again, url.clone());
                        }
                        if local.allows(&url) {
                            let host = url.host_str().unwrap();
                            prop_assert!(
                                (url.scheme() == "http" && host == "127.0.0.1")
                                    || (url.scheme() == "https"
                                        && host.ends_with(".example.co.uk")
                                        && url.port_or_known_default() == Some(443)),
                                "{} allowed by the local list", url
                            );
                        }
                    }
                }
            }

            /// The same for targets given whole (the `{url}` style after decoding).
            #[test]
            fn any_target(raw in text()) {
                let list = Allowlist::defaults();
                if let Ok(url) = parse_target(&raw) {
                    if list.allows(&url) {
                        let host = url.host_str().unwrap();
                        prop_assert!(host.ends_with(".nicecxone.com")
                            || host.ends_with(".niceincontact.com")
                            || host.ends_with(".nice-incontact.com"), "{}", url);
                        prop_assert!(url.username().is_empty() && url.password().is_none());
                    }
                }
            }
        }
    }
}
