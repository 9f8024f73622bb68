//! `src/url.rs` reads only what the form accepts (`http(s)://host[:port][/rest]`), with its own
//! plain-words errors. Whatever it accepts, the `url` crate (a full WHATWG URL parser) must read
//! the same way: same scheme, host and port, and the same path, query and fragment where neither
//! side has anything to normalise. Native only: the crate is a native dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use agent_state_doctor::url::AbsoluteUrl;

/// Inputs the reader accepts, and whether the rest (path, query, fragment) is already in the
/// form the `url` crate writes it (no empty path, no character it would percent-encode).
const ACCEPTED: &[(&str, bool)] = &[
    ("https://acme.nicecxone.com", false),
    ("https://acme.nicecxone.com/", true),
    ("https://ACME.NiceCXone.com/api/v2/users/42", true),
    ("https://acme.devtest.nicecxone.com/oauth/token", true),
    ("https://cxone.niceincontact.com", false),
    ("https://cxone-gov.niceincontact.com/auth/token", true),
    (
        "https://api-na1.niceincontact.com/incontactapi/services/v27.0/agents?x=1",
        true,
    ),
    ("http://localhost:8788", false),
    ("http://localhost:8788/relay/", true),
    ("http://127.0.0.1:8788/relay/?url={url}", false),
    ("http://[::1]:3000/", true),
    ("https://r.example:443/", true),
    ("https://r.example:8443/prefix/#top", true),
    ("HTTPS://Relay.Example.COM/a?b=c#d", true),
    ("http://app.localhost/x/y", true),
];

fn default_port(scheme: &str) -> u16 {
    if scheme == "https" {
        443
    } else {
        80
    }
}

#[test]
fn whatever_the_reader_accepts_the_url_crate_reads_the_same_way() {
    for (text, comparable_rest) in ACCEPTED {
        let ours = AbsoluteUrl::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let theirs = url::Url::parse(text).unwrap_or_else(|e| panic!("{text}: url says {e}"));
        assert_eq!(ours.scheme, theirs.scheme(), "scheme of {text}");
        assert_eq!(
            Some(ours.host.as_str()),
            theirs.host_str(),
            "host of {text}"
        );
        assert_eq!(
            Some(ours.port.unwrap_or(default_port(&ours.scheme))),
            theirs.port_or_known_default(),
            "port of {text}"
        );
        // The crate drops a default port from the origin; the reader keeps what was typed.
        let origin = match ours.port {
            Some(port) if port == default_port(&ours.scheme) => {
                format!("{}://{}", ours.scheme, ours.host)
            }
            _ => ours.origin(),
        };
        assert_eq!(
            origin,
            theirs.origin().ascii_serialization(),
            "origin of {text}"
        );
        if *comparable_rest {
            assert_eq!(
                ours.rest,
                &theirs[url::Position::BeforePath..],
                "path, query and fragment of {text}"
            );
        }
    }
}

#[test]
fn what_the_reader_refuses_is_what_the_form_refuses_not_always_what_urls_forbid() {
    // The reader is stricter than a URL parser on purpose: these are URLs, but not what the
    // form takes (credentials in the authority, other schemes, odd host characters, port 0).
    for text in [
        "https://user:pass@acme.nicecxone.com",
        "ftp://acme.nicecxone.com",
        "https://acme_tenant.nicecxone.com",
        "https://acme.nicecxone.com:0/",
    ] {
        assert!(AbsoluteUrl::parse(text).is_err(), "{text} is refused");
        assert!(
            url::Url::parse(text).is_ok(),
            "{text} is a URL all the same"
        );
    }
}
