//! The allowlist: which targets the relay forwards to. Anything not on it is refused, so the relay
//! is never an open proxy.
//!
//! A pattern is `[scheme://]host[:port]`:
//! - the scheme is `https` unless the pattern names `http://` explicitly;
//! - the host is exact (`acme.nicecxone.com`, `127.0.0.1`, `[::1]`) or `*.` + a suffix, which
//!   matches any name with one or more labels before the suffix (`*.nicecxone.com` matches
//!   `acme.nicecxone.com` and `acme.devtest.nicecxone.com`, not `nicecxone.com` itself);
//! - without a port only the scheme's default port (443, 80) matches; `:*` matches any port.
//!
//! Matching is done on the target after a full URL parse (the same parsed URL that is then
//! requested), so fragments, user-info and odd slashes cannot smuggle another host past it.

use std::fmt;
use url::Url;

/// The patterns used when none are configured. The sovereign clouds' issuers are bare domains
/// (`https://nicecxone-sov1.au`) with their API hosts beneath them, so both forms are named.
pub const DEFAULT_PATTERNS: [&str; 7] = [
    "*.nicecxone.com",
    "*.niceincontact.com",
    "*.nice-incontact.com",
    "nicecxone-sov1.au",
    "*.nicecxone-sov1.au",
    "nicecxone-sov1.eu",
    "*.nicecxone-sov1.eu",
];

/// One allowlist entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    scheme: &'static str,
    host: HostPattern,
    port: PortPattern,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum HostPattern {
    /// The host itself, lowercase (IPv6 with brackets, as `Url::host_str` gives it).
    Exact(String),
    /// `.suffix`: any host that ends with it and has something before it.
    Subdomains(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PortPattern {
    Default,
    Any,
    Exact(u16),
}

impl Pattern {
    /// Reads a pattern such as `*.nicecxone.com`, `https://acme.example.com:8443` or
    /// `http://127.0.0.1:*`.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let original = text;
        let text = text.trim().to_ascii_lowercase();
        let err = |why: &str| format!("allow pattern {original:?}: {why}");
        if text.is_empty() {
            return Err(err("is empty"));
        }
        let (scheme, rest) = match text.split_once("://") {
            Some(("https", rest)) => ("https", rest),
            Some(("http", rest)) => ("http", rest),
            Some((other, _)) => return Err(err(&format!("scheme {other:?} is not http or https"))),
            None => ("https", text.as_str()),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#', '@', '\\']) {
            return Err(err(
                "must be a host with an optional port, without path or user",
            ));
        }
        let (host, port) = split_host_port(rest).map_err(|why| err(&why))?;
        let port = match port {
            None => PortPattern::Default,
            Some("*") => PortPattern::Any,
            Some(p) => PortPattern::Exact(
                p.parse::<u16>()
                    .map_err(|_| err(&format!("port {p:?} is not a number or *")))?,
            ),
        };
        let host = if let Some(suffix) = host.strip_prefix("*.") {
            check_host(suffix).map_err(|why| err(&why))?;
            if suffix.starts_with('[') || suffix.parse::<std::net::Ipv4Addr>().is_ok() {
                return Err(err("a wildcard needs a domain name after *."));
            }
            if is_public_suffix(suffix) {
                return Err(err(&format!(
                    "*.{suffix} covers a public suffix (every site registered under {suffix}); \
                     name your own domain, such as *.example.{suffix}"
                )));
            }
            HostPattern::Subdomains(format!(".{suffix}"))
        } else if host.contains('*') {
            return Err(err(
                "a wildcard is only allowed as a leading *. (a bare * would make an open proxy)",
            ));
        } else {
            check_host(host).map_err(|why| err(&why))?;
            HostPattern::Exact(host.to_string())
        };
        Ok(Pattern { scheme, host, port })
    }

    /// Whether this pattern allows the parsed target.
    pub fn matches(&self, target: &Url) -> bool {
        if target.scheme() != self.scheme {
            return false;
        }
        let Some(host) = target.host_str() else {
            return false;
        };
        let host_ok = match &self.host {
            HostPattern::Exact(h) => host == h,
            HostPattern::Subdomains(suffix) => {
                matches!(target.host(), Some(url::Host::Domain(_)))
                    && host.len() > suffix.len()
                    && host.ends_with(suffix.as_str())
            }
        };
        if !host_ok {
            return false;
        }
        let port = target.port_or_known_default();
        match self.port {
            PortPattern::Any => true,
            PortPattern::Exact(p) => port == Some(p),
            PortPattern::Default => port == Some(if self.scheme == "https" { 443 } else { 80 }),
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scheme != "https" {
            write!(f, "{}://", self.scheme)?;
        }
        match &self.host {
            HostPattern::Exact(h) => write!(f, "{h}")?,
            HostPattern::Subdomains(s) => write!(f, "*{s}")?,
        }
        match self.port {
            PortPattern::Default => Ok(()),
            PortPattern::Any => write!(f, ":*"),
            PortPattern::Exact(p) => write!(f, ":{p}"),
        }
    }
}

/// Public suffixes with more than one label, under which anyone can register a name. A small
/// hand-written selection of the Public Suffix List (publicsuffix.org), not the list itself:
/// the common second-level registries, and shared hosting domains where every customer gets a
/// subdomain. Single labels (`com`, `uk`, `dev`) are all treated as public, and so is any
/// `com.XX`-style pair of a generic second level and a two-letter country code.
const PUBLIC_SUFFIXES: &[&str] = &[
    // Country registries whose second level is not a generic word.
    "nhs.uk",
    "police.uk",
    "sch.uk",
    "asn.au",
    "id.au",
    "csiro.au",
    "lg.jp",
    "ed.jp",
    "ad.jp",
    "gr.jp",
    "lg.kr",
    "re.kr",
    "pe.kr",
    "in.th",
    "go.th",
    "gv.at",
    "priv.at",
    "qc.ca",
    "on.ca",
    "bc.ca",
    "gouv.fr",
    "asso.fr",
    "k12.ca.us",
    "ny.us",
    "ca.us",
    "tx.us",
    "blogspot.com",
    // Shared hosting: every customer is a subdomain.
    "github.io",
    "githubusercontent.com",
    "gitlab.io",
    "herokuapp.com",
    "herokudns.com",
    "azurewebsites.net",
    "azureedge.net",
    "azurestaticapps.net",
    "cloudapp.net",
    "trafficmanager.net",
    "blob.core.windows.net",
    "cloudfront.net",
    "amazonaws.com",
    "s3.amazonaws.com",
    "elasticbeanstalk.com",
    "elb.amazonaws.com",
    "appspot.com",
    "firebaseapp.com",
    "web.app",
    "run.app",
    "cloudfunctions.net",
    "vercel.app",
    "now.sh",
    "netlify.app",
    "netlify.com",
    "pages.dev",
    "workers.dev",
    "fly.dev",
    "onrender.com",
    "glitch.me",
    "repl.co",
    "ngrok.io",
    "ngrok-free.app",
    "duckdns.org",
    "dyndns.org",
    "no-ip.org",
    "ddns.net",
    "myshopify.com",
    "wordpress.com",
    "wixsite.com",
    "surge.sh",
    "readthedocs.io",
    "digitaloceanspaces.com",
    "ondigitalocean.app",
    "pythonanywhere.com",
];

/// Generic words used as a second level under country codes (`co.uk`, `com.au`, `ne.jp`).
const GENERIC_SECOND_LEVELS: &[&str] = &[
    "ac", "biz", "co", "com", "edu", "gen", "go", "gob", "gouv", "gov", "govt", "info", "int",
    "ltd", "me", "mil", "ne", "net", "nic", "nom", "or", "org", "plc", "sch",
];

/// Whether `domain` (lowercase, no trailing dot) is a public suffix: a wildcard over it would
/// allow everybody's sites.
pub fn is_public_suffix(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    match labels.as_slice() {
        [_] => true,
        [second, country] if country.len() == 2 && GENERIC_SECOND_LEVELS.contains(second) => true,
        _ => PUBLIC_SUFFIXES.contains(&domain),
    }
}

fn split_host_port(text: &str) -> Result<(&str, Option<&str>), String> {
    if text.starts_with('[') {
        let end = text.find(']').ok_or("an IPv6 address needs a closing ]")?;
        let (host, after) = text.split_at(end + 1);
        return match after {
            "" => Ok((host, None)),
            _ => after
                .strip_prefix(':')
                .map(|p| (host, Some(p)))
                .ok_or_else(|| "unexpected text after the IPv6 address".to_string()),
        };
    }
    Ok(match text.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    })
}

fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("has no host".into());
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner
            .parse::<std::net::Ipv6Addr>()
            .map(|_| ())
            .map_err(|_| format!("{host:?} is not an IPv6 address"));
    }
    let ok_chars = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !ok_chars || host.starts_with('.') || host.ends_with('.') || host.contains("..") {
        return Err(format!("{host:?} is not a host name"));
    }
    Ok(())
}

/// The configured patterns. Never empty: with nothing configured it holds the defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allowlist {
    patterns: Vec<Pattern>,
}

impl Allowlist {
    /// `*.nicecxone.com`, `*.niceincontact.com`, `*.nice-incontact.com`, https on port 443.
    pub fn defaults() -> Allowlist {
        Allowlist {
            patterns: DEFAULT_PATTERNS
                .iter()
                .map(|p| Pattern::parse(p).expect("default pattern"))
                .collect(),
        }
    }

    /// Builds a list from pattern texts. The word `default` stands for the default patterns; an
    /// empty list gives the defaults.
    pub fn parse<S: AsRef<str>>(texts: &[S]) -> Result<Allowlist, String> {
        let mut patterns = Vec::new();
        for text in texts {
            let text = text.as_ref().trim();
            if text.eq_ignore_ascii_case("default") || text.eq_ignore_ascii_case("defaults") {
                patterns.extend(Allowlist::defaults().patterns);
            } else if !text.is_empty() {
                patterns.push(Pattern::parse(text)?);
            }
        }
        if patterns.is_empty() {
            return Ok(Allowlist::defaults());
        }
        patterns.dedup();
        Ok(Allowlist { patterns })
    }

    /// Whether any pattern allows the target.
    pub fn allows(&self, target: &Url) -> bool {
        self.patterns.iter().any(|p| p.matches(target))
    }

    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }
}

impl Default for Allowlist {
    fn default() -> Self {
        Allowlist::defaults()
    }
}

impl fmt::Display for Allowlist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.patterns.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(list: &Allowlist, url: &str) -> bool {
        list.allows(&Url::parse(url).unwrap())
    }

    #[test]
    fn defaults_allow_tenants_on_https_only() {
        let list = Allowlist::defaults();
        assert!(allows(&list, "https://acme.nicecxone.com/oauth/token"));
        assert!(allows(&list, "https://ACME.NiceCXone.com:443/x"));
        assert!(allows(&list, "https://acme.devtest.nicecxone.com/x"));
        assert!(allows(&list, "https://api-c7.niceincontact.com/x"));
        assert!(allows(&list, "https://home-c7.nice-incontact.com/x"));
        assert!(!allows(&list, "http://acme.nicecxone.com/x"));
        assert!(!allows(&list, "https://acme.nicecxone.com:8443/x"));
        assert!(!allows(&list, "https://nicecxone.com/x"));
        assert!(!allows(&list, "https://nicecxone.com.evil.com/x"));
        assert!(!allows(&list, "https://evilnicecxone.com/x"));
        assert!(!allows(&list, "https://acme.nicecxone.com.:443/x"));
        // The sovereign clouds: the issuer is the bare domain, the API hosts sit beneath it.
        assert!(allows(&list, "https://nicecxone-sov1.au/auth/token"));
        assert!(allows(&list, "https://api-au2.nicecxone-sov1.au/x"));
        assert!(allows(&list, "https://nicecxone-sov1.eu/auth/token"));
        assert!(allows(&list, "https://api-eu2.nicecxone-sov1.eu/x"));
        assert!(!allows(&list, "https://nicecxone-sov1.au.evil.example/x"));
        assert!(!allows(&list, "https://evil-nicecxone-sov1.au/x"));
        assert!(!allows(&list, "https://evil.com#.nicecxone.com"));
        assert!(!allows(&list, "https://acme.nicecxone.com@evil.com/"));
        assert!(!allows(&list, "https://evil.com\\.nicecxone.com/"));
        assert!(!allows(&list, "https://127.0.0.1/"));
    }

    #[test]
    fn patterns_name_scheme_and_port() {
        let list =
            Allowlist::parse(&["http://127.0.0.1:*", "https://tenant.example:8443"]).unwrap();
        assert!(allows(&list, "http://127.0.0.1:9000/x"));
        assert!(allows(&list, "http://127.0.0.1/x"));
        assert!(!allows(&list, "https://127.0.0.1:9000/x"));
        assert!(!allows(&list, "http://127.0.0.2:9000/x"));
        assert!(!allows(&list, "http://0x7f.0.0.2:9000/x"));
        assert!(allows(&list, "https://tenant.example:8443/"));
        assert!(!allows(&list, "https://tenant.example/"));
        assert!(
            !allows(&list, "https://acme.nicecxone.com/"),
            "configured list replaces defaults"
        );
        let list = Allowlist::parse(&["default", "http://[::1]:*"]).unwrap();
        assert!(allows(&list, "https://acme.nicecxone.com/"));
        assert!(allows(&list, "http://[::1]:8080/"));
        assert_eq!(
            list.to_string(),
            "*.nicecxone.com, *.niceincontact.com, *.nice-incontact.com, nicecxone-sov1.au, *.nicecxone-sov1.au, nicecxone-sov1.eu, *.nicecxone-sov1.eu, http://[::1]:*"
        );
    }

    #[test]
    fn bad_patterns_are_refused() {
        for bad in [
            "*",
            "https://*",
            "*.",
            "ftp://x.com",
            "x.com/path",
            "user@x.com",
            "*.*.com",
            "a*.com",
            "x.com:port",
            "*.127.0.0.1",
            "http://*:*",
            "",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Allowlist::parse(&[""]).unwrap() == Allowlist::defaults());
    }

    #[test]
    fn wildcards_over_public_suffixes_are_refused() {
        for bad in [
            "*.com",
            "*.uk",
            "*.co.uk",
            "*.com.au",
            "*.co.jp",
            "*.com.br",
            "https://*.org.uk:*",
            "*.github.io",
            "*.azurewebsites.net",
            "*.COM",
        ] {
            let why = Pattern::parse(bad).expect_err(bad);
            assert!(why.contains("public suffix"), "{bad}: {why}");
        }
        for good in [
            "*.nicecxone.com",
            "*.example.co.uk",
            "*.acme.com.au",
            "*.tenant.github.io",
            "com",
            "localhost",
        ] {
            assert!(Pattern::parse(good).is_ok(), "{good}");
        }
    }
}
