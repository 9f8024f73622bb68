//! One line per request: time, method, what was asked for, status, elapsed time.
//!
//! Only the target's host, port and path are written, with query values replaced by `*` (a query
//! may hold a secret). Headers and bodies are never passed to the logger at all, so neither an
//! `Authorization` value nor a token or password in a body can reach a log.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use url::Url;

/// Where log lines go. Cheap to clone.
#[derive(Clone)]
pub struct LogSink(Arc<dyn Fn(&str) + Send + Sync>);

impl LogSink {
    /// Standard error, one line per call.
    pub fn stderr() -> LogSink {
        LogSink(Arc::new(|line| eprintln!("{line}")))
    }

    /// Discards everything.
    pub fn off() -> LogSink {
        LogSink(Arc::new(|_| {}))
    }

    /// Keeps lines in memory (for tests), returning the sink and the lines it collects.
    pub fn memory() -> (LogSink, Arc<Mutex<Vec<String>>>) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&lines);
        let sink = LogSink(Arc::new(move |line: &str| {
            kept.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(line.to_string())
        }));
        (sink, lines)
    }

    /// Any function of a line.
    pub fn new(f: impl Fn(&str) + Send + Sync + 'static) -> LogSink {
        LogSink(Arc::new(f))
    }

    pub fn write(&self, line: &str) {
        (self.0)(line)
    }
}

impl fmt::Debug for LogSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LogSink")
    }
}

/// What one log line says.
pub struct Entry<'a> {
    pub method: &'a str,
    /// Already safe to write: see [`describe_target`] and [`describe_path`].
    pub what: &'a str,
    pub status: u16,
    pub elapsed_ms: u128,
    /// The `X-Relay-Error` kind, if the relay answered with one.
    pub relay_error: Option<&'a str>,
}

/// The most characters any one field of a log line takes (a method, a host, a path, a query
/// key, an error kind); longer is cut with `...`, so a 10 KB method makes no 10 KB line.
pub const FIELD_MAX: usize = 64;
/// The most query keys written; more become `&...`.
const QUERY_KEYS_MAX: usize = 10;

/// `2025-01-31T12:00:00Z GET acme.nicecxone.com/oauth/token -> 200 in 123 ms`
pub fn format_line(entry: &Entry<'_>) -> String {
    let mut line = format!(
        "{} {} {} -> {} in {} ms",
        utc_now(),
        clip(entry.method, FIELD_MAX),
        entry.what,
        entry.status,
        entry.elapsed_ms
    );
    if let Some(kind) = entry.relay_error {
        line.push_str(" [");
        line.push_str(&clip(kind, FIELD_MAX));
        line.push(']');
    }
    line
}

/// `host[:port]/path[?key=*&key=*]` for a relay target: no user-info, no query values.
pub fn describe_target(url: &Url) -> String {
    let mut out = String::from("relay ");
    out.push_str(&clip(url.host_str().unwrap_or("?"), FIELD_MAX));
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(&clip(url.path(), FIELD_MAX));
    if let Some(query) = url.query() {
        out.push_str(&redact_query(query));
    }
    out
}

/// A request path for a static file or a refused call, without its query values.
pub fn describe_path(path: &str, query: Option<&str>) -> String {
    let mut out = clip(path, FIELD_MAX);
    if let Some(query) = query {
        out.push_str(&redact_query(query));
    }
    out
}

/// Keys only: `a=1&b=2` is `?a=*&b=*`. A part without `=` (`?s3cr3t`) may be a bare token, so
/// it is written as `*` alone.
fn redact_query(query: &str) -> String {
    let parts: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    let mut keys: Vec<String> = parts
        .iter()
        .take(QUERY_KEYS_MAX)
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) => format!("{}=*", clip(key, FIELD_MAX)),
            None => "*".to_string(),
        })
        .collect();
    if parts.len() > QUERY_KEYS_MAX {
        keys.push("...".to_string());
    }
    format!("?{}", keys.join("&"))
}

fn clip(text: &str, max: usize) -> String {
    // Log lines stay on one line and printable.
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(max + 1)
        .collect();
    if clean.chars().count() > max {
        format!("{}...", clean.chars().take(max).collect::<String>())
    } else {
        clean
    }
}

fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_described_without_secrets() {
        let url = Url::parse(
            "https://acme.nicecxone.com:8443/oauth/token?client_secret=s3cr3t&grant_type=password",
        )
        .unwrap();
        let what = describe_target(&url);
        assert_eq!(
            what,
            "relay acme.nicecxone.com:8443/oauth/token?client_secret=*&grant_type=*"
        );
        let line = format_line(&Entry {
            method: "POST",
            what: &what,
            status: 502,
            elapsed_ms: 12,
            relay_error: Some("dns"),
        });
        assert!(line.ends_with(" POST relay acme.nicecxone.com:8443/oauth/token?client_secret=*&grant_type=* -> 502 in 12 ms [dns]"), "{line}");
        assert!(!line.contains("s3cr3t"));
        assert_eq!(describe_path("/a\nb", Some("k=v")), "/a?b?k=*");
    }

    #[test]
    fn bare_query_tokens_are_redacted() {
        assert_eq!(describe_path("/", Some("BARE-TOKEN-1&k=v&&x")), "/?*&k=*&*");
        let url = Url::parse("https://a.nicecxone.com/x?BARE-TOKEN-2").unwrap();
        assert_eq!(describe_target(&url), "relay a.nicecxone.com/x?*");
    }

    #[test]
    fn every_field_is_bounded() {
        let huge = "M".repeat(10_000);
        let path = format!("/{}", "p".repeat(10_000));
        let query = (0..1000)
            .map(|i| format!("{}{i}=v", "k".repeat(500)))
            .collect::<Vec<_>>()
            .join("&");
        let what = describe_path(&path, Some(&query));
        let line = format_line(&Entry {
            method: &huge,
            what: &what,
            status: 200,
            elapsed_ms: 1,
            relay_error: Some(&huge),
        });
        assert!(line.len() < 2000, "{} bytes: {line}", line.len());
        assert!(line.contains(&format!(" {}... ", "M".repeat(FIELD_MAX))));
        let url = Url::parse(&format!(
            "https://{}.example/{}",
            "h".repeat(60),
            "p".repeat(500)
        ))
        .unwrap();
        assert!(describe_target(&url).len() < 200);
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
    }
}
