//! Calling the target and passing its answer back, or telling why it could not be reached.

use crate::{relay_error, Config};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderName, Method, Response, StatusCode};
use std::error::Error as StdError;
use url::Url;

/// The request headers passed to the target; nothing else is (no cookies, no Origin, no Referer).
const FORWARDED_REQUEST_HEADERS: [HeaderName; 3] =
    [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT];

/// The answer headers passed back to the page.
const PASSED_BACK_HEADERS: [HeaderName; 3] = [
    header::CONTENT_TYPE,
    header::RETRY_AFTER,
    header::CACHE_CONTROL,
];

/// Builds the client used for every upstream call: rustls with the bundled Mozilla roots, no
/// redirects followed, no proxy from the environment, the configured time limit.
pub(crate) fn client(config: &Config) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(config.upstream_timeout)
        .connect_timeout(
            config
                .upstream_timeout
                .min(std::time::Duration::from_secs(10)),
        )
        .user_agent(concat!(
            "agent-state-doctor-relay/",
            env!("CARGO_PKG_VERSION")
        ))
        .https_only(false)
        .build()
        .expect("the TLS client builds")
}

/// Sends the call to `target` (already allowlisted) and returns the target's answer, or a 502
/// with `X-Relay-Error`.
pub(crate) async fn forward(
    config: &Config,
    client: &reqwest::Client,
    method: Method,
    headers: &HeaderMap,
    body: Bytes,
    target: &Url,
) -> Response<Body> {
    let mut upstream_url = target.clone();
    let mut extra: Vec<(&'static str, String)> = Vec::new();
    if let Some(origin) = &config.upstream_override {
        upstream_url = override_url(origin, target);
        let mut host = target.host_str().unwrap_or_default().to_string();
        if let Some(port) = target.port() {
            host.push_str(&format!(":{port}"));
        }
        extra.push(("x-forwarded-host", host));
        extra.push(("x-relay-target", target.to_string()));
    }

    let mut request = client.request(method.clone(), upstream_url);
    for name in FORWARDED_REQUEST_HEADERS {
        for value in headers.get_all(&name) {
            request = request.header(name.clone(), value.clone());
        }
    }
    for (name, value) in extra {
        request = request.header(name, value);
    }
    if method == Method::POST || !body.is_empty() {
        request = request.body(body);
    }

    let mut answer = match request.send().await {
        Ok(answer) => answer,
        Err(err) => return upstream_failure(config, target, &err),
    };

    let limit = config.max_upstream_body;
    if answer.content_length().is_some_and(|n| n > limit as u64) {
        return too_large_answer(target, limit);
    }
    let mut collected: Vec<u8> = Vec::new();
    loop {
        match answer.chunk().await {
            Ok(Some(chunk)) => {
                if collected.len() + chunk.len() > limit {
                    return too_large_answer(target, limit);
                }
                collected.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(err) => return upstream_failure(config, target, &err),
        }
    }

    let mut response = Response::new(Body::from(collected));
    *response.status_mut() = answer.status();
    for name in PASSED_BACK_HEADERS {
        for value in answer.headers().get_all(&name) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    // A 401's WWW-Authenticate: Basic makes the browser open its own sign-in dialog for a call
    // to the page's own origin, and the call then hangs until the time limit. It travels renamed.
    for value in answer.headers().get_all(header::WWW_AUTHENTICATE) {
        response
            .headers_mut()
            .append("x-relay-www-authenticate", value.clone());
    }
    // A redirect is passed back without its Location: the browser would otherwise follow it
    // straight to the tenant, around the relay. The page sees the 3xx status itself.
    if answer.status().is_redirection() {
        if let Some(location) = answer.headers().get(header::LOCATION) {
            response
                .headers_mut()
                .insert("x-relay-location", location.clone());
        }
    }
    response
}

/// The override origin with the target's path and query.
fn override_url(origin: &Url, target: &Url) -> Url {
    let mut url = origin.clone();
    url.set_path(target.path());
    url.set_query(target.query());
    url
}

fn too_large_answer(target: &Url, limit: usize) -> Response<Body> {
    relay_error(
        StatusCode::BAD_GATEWAY,
        "response-too-large",
        &format!(
            "{} answered more than {limit} bytes, the relay's limit",
            target.host_str().unwrap_or_default()
        ),
    )
}

fn upstream_failure(config: &Config, target: &Url, err: &reqwest::Error) -> Response<Body> {
    let host = target.host_str().unwrap_or_default();
    let (kind, cause) = classify(err);
    let detail = match kind {
        UpstreamError::Timeout => format!(
            "{host} did not answer within {} s",
            config.upstream_timeout.as_secs_f64()
        ),
        UpstreamError::Dns => format!("the name {host} could not be resolved ({cause})"),
        UpstreamError::Tls => format!("no secure connection to {host} ({cause})"),
        UpstreamError::Connect => format!("could not connect to {host} ({cause})"),
        UpstreamError::NoAnswer => {
            format!("{host} closed the connection without answering ({cause})")
        }
    };
    relay_error(StatusCode::BAD_GATEWAY, kind.as_str(), &detail)
}

/// Why the target could not be reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpstreamError {
    Dns,
    Connect,
    Tls,
    Timeout,
    /// Connected, but the connection ended before an answer. Reported as `connect`, the closest
    /// kind of the contract.
    NoAnswer,
}

impl UpstreamError {
    /// The `X-Relay-Error` value.
    pub fn as_str(self) -> &'static str {
        match self {
            UpstreamError::Dns => "dns",
            UpstreamError::Connect | UpstreamError::NoAnswer => "connect",
            UpstreamError::Tls => "tls",
            UpstreamError::Timeout => "timeout",
        }
    }
}

/// Classifies a client error from its chain of causes, with the innermost cause's text (which
/// never holds the URL: reqwest adds the URL only at the top of the chain).
pub fn classify(err: &reqwest::Error) -> (UpstreamError, String) {
    let mut chain: Vec<&(dyn StdError + 'static)> = Vec::new();
    let mut next = err.source();
    while let Some(e) = next {
        chain.push(e);
        // io::Error::source skips the error it wraps; look inside it as well.
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            chain.push(inner);
        }
        next = e.source();
    }
    let cause = chain
        .last()
        .map(|e| e.to_string())
        .unwrap_or_else(|| "no further detail".into());
    let cause: String = cause.chars().take(300).collect();

    if err.is_timeout()
        || chain.iter().any(|e| {
            e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        })
    {
        return (UpstreamError::Timeout, cause);
    }
    if chain.iter().any(|e| e.is::<rustls::Error>()) {
        return (UpstreamError::Tls, cause);
    }
    let texts: Vec<String> = chain
        .iter()
        .map(|e| e.to_string().to_ascii_lowercase())
        .collect();
    let said = |words: &[&str]| texts.iter().any(|t| words.iter().any(|w| t.contains(w)));
    if said(&[
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "no such host",
    ]) {
        return (UpstreamError::Dns, cause);
    }
    if said(&[
        "tls",
        "certificate",
        "handshake",
        "invalidcontenttype",
        "corrupt message",
    ]) {
        return (UpstreamError::Tls, cause);
    }
    if err.is_connect() {
        return (UpstreamError::Connect, cause);
    }
    (UpstreamError::NoAnswer, cause)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_keeps_path_and_query() {
        let origin = Url::parse("http://127.0.0.1:9000").unwrap();
        let target = Url::parse("https://acme.nicecxone.com/inContactAPI/x?a=1&b=%20").unwrap();
        assert_eq!(
            override_url(&origin, &target).as_str(),
            "http://127.0.0.1:9000/inContactAPI/x?a=1&b=%20"
        );
    }
}
