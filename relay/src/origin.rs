//! Which pages may call the relay (like cors-anywhere's `originWhitelist`).
//!
//! A browser names the calling page in the `Origin` header. The page's own origin (the origin the
//! relay is reached at, read from the `Host` header) is always allowed, so the page served by
//! `--serve` works; by default so is `null`, the single-file page opened from disk. Configured
//! origins replace that `null`. A request without an `Origin` (curl, a same-origin GET) is not a
//! cross-origin call and is not refused here.

use std::fmt;
use url::Url;

/// The allowed calling origins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginList {
    any: bool,
    null: bool,
    /// Normalised `scheme://host[:port]`, the port only when not the scheme's default.
    exact: Vec<String>,
}

impl Default for OriginList {
    fn default() -> Self {
        OriginList::defaults()
    }
}

impl OriginList {
    /// The page's own origin and `null`.
    pub fn defaults() -> OriginList {
        OriginList {
            any: false,
            null: true,
            exact: Vec::new(),
        }
    }

    /// Builds a list from `--allow-origin` values: `https://host[:port]`, `null`, or `*` (any page
    /// at all). An empty list gives the defaults.
    pub fn parse<S: AsRef<str>>(texts: &[S]) -> Result<OriginList, String> {
        let mut list = OriginList {
            any: false,
            null: false,
            exact: Vec::new(),
        };
        let mut any_given = false;
        for text in texts {
            let text = text.as_ref().trim();
            if text.is_empty() {
                continue;
            }
            any_given = true;
            if text == "*" {
                list.any = true;
            } else if text.eq_ignore_ascii_case("null") {
                list.null = true;
            } else {
                let normal = normalise(text).ok_or_else(|| {
                    format!(
                        "allow origin {text:?}: not an origin such as https://intranet.example or \
                         http://127.0.0.1:8080 (scheme and host, no path)"
                    )
                })?;
                if !list.exact.contains(&normal) {
                    list.exact.push(normal);
                }
            }
        }
        if !any_given {
            return Ok(OriginList::defaults());
        }
        Ok(list)
    }

    /// Whether a call from `origin` (the `Origin` header's value) may use the relay, when the
    /// relay is reached as `host` (the `Host` header's value).
    pub fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        let origin = origin.trim();
        if self.any {
            return true;
        }
        if origin.eq_ignore_ascii_case("null") {
            return self.null;
        }
        let Some(normal) = normalise(origin) else {
            return false;
        };
        if self.exact.contains(&normal) {
            return true;
        }
        // Same origin: the page was loaded from the very host and port this request reached.
        // (Behind a TLS proxy the page is https while the relay hears http, so either scheme.)
        let Some(host) = host else { return false };
        let Ok(url) = Url::parse(&normal) else {
            return false;
        };
        let authority = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_string(),
        };
        let host = host.trim().to_ascii_lowercase();
        let default_port = if url.scheme() == "https" { 443 } else { 80 };
        authority == host || (url.port().is_none() && host == format!("{authority}:{default_port}"))
    }
}

/// `scheme://host[:port]` in the form browsers send, or `None` when `text` is not an origin.
fn normalise(text: &str) -> Option<String> {
    let url = Url::parse(text).ok()?;
    let plain = (url.scheme() == "http" || url.scheme() == "https")
        && url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && !text.trim_end_matches('/').ends_with(':');
    if !plain {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

impl fmt::Display for OriginList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.any {
            return f.write_str("any origin (*)");
        }
        f.write_str("the page's own origin")?;
        for origin in &self.exact {
            write!(f, ", {origin}")?;
        }
        if self.null {
            f.write_str(", null")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_allow_own_origin_and_null_only() {
        let list = OriginList::defaults();
        assert!(list.allows("null", Some("127.0.0.1:8080")));
        assert!(list.allows("http://127.0.0.1:8080", Some("127.0.0.1:8080")));
        assert!(list.allows("https://intranet.example", Some("intranet.example")));
        assert!(list.allows("https://intranet.example", Some("intranet.example:443")));
        assert!(list.allows(
            "http://Intranet.Example:8080",
            Some("intranet.example:8080")
        ));
        assert!(!list.allows("http://127.0.0.1:8081", Some("127.0.0.1:8080")));
        assert!(!list.allows("https://evil.example", Some("127.0.0.1:8080")));
        assert!(!list.allows("https://evil.example", None));
        assert!(!list.allows("garbage", Some("garbage")));
        assert!(!list.allows("", Some("")));
    }

    #[test]
    fn configured_origins_replace_null() {
        let list =
            OriginList::parse(&["https://intranet.example/", "http://127.0.0.1:3000"]).unwrap();
        assert!(list.allows("https://intranet.example", Some("relay.example")));
        assert!(list.allows("https://INTRANET.example:443", Some("relay.example")));
        assert!(list.allows("http://127.0.0.1:3000", Some("127.0.0.1:8080")));
        assert!(list.allows("http://127.0.0.1:8080", Some("127.0.0.1:8080")));
        assert!(!list.allows("null", Some("127.0.0.1:8080")));
        assert!(!list.allows("https://intranet.example.evil.com", Some("x")));
        assert!(!list.allows("http://intranet.example", Some("x")));
        let list = OriginList::parse(&["null", "https://a.example"]).unwrap();
        assert!(list.allows("null", None));
        let list = OriginList::parse(&["*"]).unwrap();
        assert!(list.allows("https://anyone.example", None));
        assert_eq!(OriginList::parse(&[""]).unwrap(), OriginList::defaults());
        for bad in [
            "intranet.example",
            "https://a.example/path",
            "ftp://a.example",
            "https://",
        ] {
            assert!(OriginList::parse(&[bad]).is_err(), "{bad}");
        }
    }
}
