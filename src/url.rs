//! Just enough URL reading for what the form accepts: `http(s)://host[:port][/path...]`.
//! The page never needs general URL parsing, and a small strict reader gives clearer messages.

/// The parts of an absolute `http`/`https` URL that the checks need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbsoluteUrl {
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
    /// Everything after the authority: path, query and fragment, possibly empty.
    pub rest: String,
}

impl AbsoluteUrl {
    /// Reads `text` as an absolute http(s) URL, or says in plain words what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (scheme, after) = text
            .split_once("://")
            .ok_or_else(|| "must start with https:// (or http:// for localhost)".to_string())?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(format!("{scheme}:// is not supported; use https://"));
        }
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (authority, rest) = after.split_at(end);
        if authority.contains('@') {
            return Err("must not carry a user name or password before the host".into());
        }
        let (host, port) = split_port(authority)?;
        if host.is_empty() {
            return Err("has no host name".into());
        }
        let bracketed = host.starts_with('[') && host.ends_with(']');
        if !bracketed
            && !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return Err(format!(
                "host \"{host}\" has characters a host name cannot have"
            ));
        }
        Ok(Self {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
            rest: rest.to_string(),
        })
    }

    /// `scheme://host[:port]`, the browser's notion of an origin.
    pub fn origin(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// Loopback, the only hosts where plain `http` is accepted: the name `localhost`, the IPv6
    /// literal `[::1]`, and IPv4 literals in `127.0.0.0/8` written as four plain decimal parts.
    /// A name that merely starts with `127.` (`127.evil.example`) is a DNS name anyone can own.
    pub fn is_localhost(&self) -> bool {
        matches!(self.host.as_str(), "localhost" | "[::1]") || is_loopback_ipv4(&self.host)
    }

    /// Plain `http` is refused except on loopback: credentials would cross the network in clear.
    pub fn require_secure(&self) -> Result<(), String> {
        if self.scheme == "http" && !self.is_localhost() {
            return Err(format!(
                "http:// would send credentials unencrypted; use https://{} (http is only for localhost)",
                self.host
            ));
        }
        Ok(())
    }
}

fn split_port(authority: &str) -> Result<(&str, Option<u16>), String> {
    let colon = if authority.starts_with('[') {
        authority
            .find(']')
            .and_then(|close| authority[close..].find(':').map(|i| close + i))
    } else {
        authority.rfind(':')
    };
    match colon {
        None => Ok((authority, None)),
        Some(at) => {
            let digits = &authority[at + 1..];
            match digits.parse::<u16>() {
                Ok(port) if port > 0 => Ok((&authority[..at], Some(port))),
                _ => Err(format!("port \"{digits}\" is not a number from 1 to 65535")),
            }
        }
    }
}

/// `127.a.b.c` with each part a decimal from 0 to 255 and no leading zeros (browsers read
/// `0177` as octal, so such spellings are refused rather than guessed).
fn is_loopback_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts[0] == "127"
        && parts.iter().all(|part| {
            !part.is_empty()
                && part.len() <= 3
                && part.bytes().all(|b| b.is_ascii_digit())
                && (part.len() == 1 || !part.starts_with('0'))
                && part.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}
