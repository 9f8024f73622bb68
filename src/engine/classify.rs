//! Reading an answer before any call-specific meaning: is it the API's JSON, a refusal status,
//! or one of the ways a call fails (no answer, a relay's error, an HTML page, 429, 5xx, timeout)?

use super::check::{BranchId, TokenBranch};
use super::exchange::{Answer, RequestKind, Response};
use serde_json::Value;

/// Why a call gave nothing usable. Each maps to one verdict (see `Diagnosis::fail`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// `fetch` failed: CORS, DNS, network, or a relay that is down or drops CORS headers.
    NoAnswer { message: String },
    /// Over the time limit.
    TimedOut { after_ms: u64 },
    /// The relay reports that it cannot reach the host (`X-Relay-Error`, `proxy error ... ENOTFOUND`).
    TenantUnreachable { detail: String },
    /// An answer that is not the API's.
    NotApi { detail: String },
    /// The reference relay refuses the host (403 `X-Relay-Error: forbidden-host`).
    RelayRefusedHost,
    /// 429 after the retries allowed.
    RateLimited { tries: u32, waited_ms: u64 },
    /// 5xx, or a status the call never uses.
    ServiceError { status: u16, detail: String },
    /// The token endpoint refuses the credentials.
    BadCredentials { status: u16, error: Option<String> },
    /// 401 from the API on a fresh token.
    TokenRejected,
    /// 403 from the API; `area` is the permission area the profile names for the call refused
    /// (`None` where a 403 means a missing scope), `detail` the API's own text, if any.
    Forbidden {
        status: u16,
        area: Option<&'static str>,
        detail: String,
    },
}

impl Failure {
    /// Lower ranks are more fundamental and win when several calls of one round fail.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Failure::NoAnswer { .. } => 0,
            Failure::RelayRefusedHost => 1,
            Failure::TenantUnreachable { .. } => 2,
            Failure::NotApi { .. } => 3,
            Failure::TimedOut { .. } => 4,
            Failure::BadCredentials { .. } => 5,
            Failure::TokenRejected => 6,
            Failure::RateLimited { .. } => 7,
            Failure::ServiceError { .. } => 8,
            Failure::Forbidden { .. } => 9,
        }
    }

    /// The branch id every call check has for this failure.
    pub(crate) fn branch(&self) -> BranchId {
        match self {
            Failure::NoAnswer { .. } => BranchId::NoAnswer,
            Failure::TimedOut { .. } => BranchId::Timeout,
            Failure::TenantUnreachable { .. } => BranchId::TenantUnreachable,
            Failure::NotApi { .. } => BranchId::NotApi,
            Failure::RelayRefusedHost => BranchId::RelayRefusedHost,
            Failure::RateLimited { .. } => BranchId::RateLimited,
            Failure::ServiceError { .. } => BranchId::ServiceError,
            Failure::BadCredentials { .. } => TokenBranch::Refused.id(),
            Failure::TokenRejected => BranchId::TokenRejected,
            Failure::Forbidden { area: Some(_), .. } => BranchId::NoPermission,
            Failure::Forbidden { .. } => BranchId::Forbidden,
        }
    }

    /// One line describing what happened.
    pub(crate) fn describe(&self) -> String {
        match self {
            Failure::NoAnswer { message } => format!("No answer at all ({message})."),
            Failure::TimedOut { after_ms } => {
                format!("No answer within the time limit ({} s).", after_ms / 1000)
            }
            Failure::TenantUnreachable { detail } => {
                format!("The relay could not reach the API host: {detail}.")
            }
            Failure::NotApi { detail } => format!("The answer is not the API's: {detail}."),
            Failure::RelayRefusedHost => {
                "The relay refused to forward to this host (403, X-Relay-Error: forbidden-host)."
                    .into()
            }
            Failure::RateLimited { tries, waited_ms } => {
                format!(
                    "Still 429 Too Many Requests after {tries} tries and {} s of waiting.",
                    tenths_of_seconds(*waited_ms)
                )
            }
            Failure::ServiceError { status, detail } => {
                format!("The API answered {status}{detail}.")
            }
            Failure::BadCredentials {
                status,
                error: Some(error),
            } => format!("The token endpoint answered {status} ({error})."),
            Failure::BadCredentials {
                status,
                error: None,
            } => format!("The token endpoint answered {status}."),
            Failure::TokenRejected => {
                "The API answered 401 to a token issued moments before.".into()
            }
            Failure::Forbidden {
                status,
                area: Some(area),
                detail,
            } => format!(
                "The API answered {status} Forbidden{detail} to a valid token: the access key's user lacks the {area} permission."
            ),
            Failure::Forbidden { status, detail, .. } => {
                format!("The API answered {status} Forbidden{detail}.")
            }
        }
    }
}

/// An answer read without call-specific meaning.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Reading {
    /// A 2xx answer with JSON (an empty body counts as `{}` or `[]` where the endpoint allows it).
    Json(Value),
    /// A 4xx status for the call to interpret (401, 403, 404, 400 ...), with its JSON if any
    /// and its error text (` (text)`, from the body or `icStatusDescription`; empty if none).
    Status {
        status: u16,
        json: Option<Value>,
        detail: String,
    },
    /// 429, or 503 with `Retry-After`: with the wait `Retry-After` asks for, if readable.
    TooMany {
        status: u16,
        retry_after_ms: Option<u64>,
        detail: String,
    },
    /// The call gave nothing usable.
    Failed(Failure),
}

/// An answer as a check reads it, once its retries are over: a 429 that outlived them has
/// become [`Failure::RateLimited`], so no check ever meets a 429.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Settled {
    /// A 2xx answer with JSON.
    Json(Value),
    /// A 4xx status for the call to interpret, with its JSON if any and its error text.
    Status {
        status: u16,
        json: Option<Value>,
        detail: String,
    },
    /// The call gave nothing usable.
    Failed(Failure),
}

impl Settled {
    /// `reading` as final: a 429 becomes `rate_limited` after `tries` tries and `waited_ms`.
    pub(crate) fn from_reading(reading: Reading, tries: u32, waited_ms: u64) -> Self {
        match reading {
            Reading::Json(json) => Settled::Json(json),
            Reading::Status {
                status,
                json,
                detail,
            } => Settled::Status {
                status,
                json,
                detail,
            },
            Reading::TooMany { status: 429, .. } => {
                Settled::Failed(Failure::RateLimited { tries, waited_ms })
            }
            // A 503 that persists through its retries is the service failing.
            Reading::TooMany { status, detail, .. } => {
                Settled::Failed(Failure::ServiceError { status, detail })
            }
            Reading::Failed(failure) => Settled::Failed(failure),
        }
    }
}

/// Reads `answer` to a call of `kind`; `now_ms` (the caller's clock) reads a `Retry-After`
/// HTTP-date when the answer has no `Date` header to measure it against.
pub(crate) fn read(answer: &Answer, kind: RequestKind, timeout_ms: u64, now_ms: u64) -> Reading {
    let json = match answer {
        Answer::Response(response) => parse_body(&response.body),
        _ => None,
    };
    read_parsed(answer, json, kind, timeout_ms, now_ms)
}

/// An answer's body as JSON (surrounding whitespace ignored), parsed once for all its readers:
/// [`read_parsed`], and the token fields the redaction and the evidence look for.
pub(crate) fn parse_body(body: &str) -> Option<Value> {
    serde_json::from_str::<Value>(body.trim()).ok()
}

/// `json` as `serde_json::from_str(body)` without trimming would read it: the same value, unless
/// the body ends in whitespace JSON does not allow (a form feed, a no-break space), which that
/// parse refuses. For the readers that never trimmed (the token fields), so none reads differently.
pub(crate) fn untrimmed<'a>(body: &str, json: Option<&'a Value>) -> Option<&'a Value> {
    let json_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    json.filter(|_| body.trim_matches(json_space).len() == body.trim().len())
}

/// [`read`] with the body already parsed (`json`: [`parse_body`] of the answer's body).
pub(crate) fn read_parsed(
    answer: &Answer,
    json: Option<Value>,
    kind: RequestKind,
    timeout_ms: u64,
    now_ms: u64,
) -> Reading {
    let response = match answer {
        Answer::Response(r) => r,
        Answer::NoAnswer { message, .. } => {
            return Reading::Failed(Failure::NoAnswer {
                message: message.clone(),
            })
        }
        Answer::TimedOut { elapsed_ms } => {
            return Reading::Failed(Failure::TimedOut {
                after_ms: (*elapsed_ms).max(timeout_ms),
            })
        }
    };
    // The relay's own load limits answer 429/503 with Retry-After, like the API's: they slow the
    // run down (retried below by status), they say nothing about the relay's setup.
    let relay_kind = response
        .header("x-relay-error")
        .map(|k| k.trim().to_ascii_lowercase())
        .filter(|k| !matches!(k.as_str(), "rate-limited" | "too-many-connections"));
    if let Some(kind) = relay_kind {
        if kind == "forbidden-host" {
            return Reading::Failed(Failure::RelayRefusedHost);
        }
        let detail = relay_error_detail(json.as_ref()).unwrap_or_default();
        let detail = if detail.is_empty() {
            kind.clone()
        } else {
            format!("{kind}: {detail}")
        };
        // Only these kinds say the tenant host could not be reached; the others (a bad target,
        // a refused method, a body over the relay's limit) are the relay's setup or its use.
        const UNREACHABLE: [&str; 5] = ["dns", "connect", "tls", "timeout", "response-too-large"];
        if !UNREACHABLE.contains(&kind.as_str()) {
            return Reading::Failed(Failure::NotApi {
                detail: format!("the relay's own error ({detail})"),
            });
        }
        return Reading::Failed(Failure::TenantUnreachable { detail });
    }
    let trimmed = response.body.trim();
    // cors-anywhere reports its own failures as plain text, whatever the status.
    let lower = || response.body.to_ascii_lowercase();
    if json.is_none() && lower().contains("proxy error") {
        let lower = lower();
        const HOST_ERRORS: [&str; 6] = [
            "enotfound",
            "eai_again",
            "econnrefused",
            "etimedout",
            "econnreset",
            "ehostunreach",
        ];
        let first_line = response
            .body
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .chars()
            .take(200)
            .collect::<String>();
        return Reading::Failed(if HOST_ERRORS.iter().any(|e| lower.contains(e)) {
            Failure::TenantUnreachable { detail: first_line }
        } else {
            Failure::NotApi {
                detail: format!("a relay's error text ({first_line})"),
            }
        });
    }
    // Only failures carry the error text: a 2xx answer does not look for it.
    let detail = || match status_text(response, json.as_ref()) {
        Some(text) => format!(" ({text})"),
        None => String::new(),
    };
    if response.status == 429 {
        return Reading::TooMany {
            status: 429,
            retry_after_ms: retry_after_ms(response, now_ms),
            detail: detail(),
        };
    }
    // NICE's SDK backs off on 503 as on 429: with a Retry-After, it is retried the same way.
    if response.status == 503 && response.header("retry-after").is_some() {
        return Reading::TooMany {
            status: 503,
            retry_after_ms: retry_after_ms(response, now_ms),
            detail: detail(),
        };
    }
    if response.status >= 500 {
        return Reading::Failed(Failure::ServiceError {
            status: response.status,
            detail: detail(),
        });
    }
    if is_html(response) {
        return Reading::Failed(Failure::NotApi {
            detail: format!(
                "an HTML page with status {} came back instead of JSON",
                response.status
            ),
        });
    }
    if (200..300).contains(&response.status) {
        if let Some(json) = json {
            return Reading::Json(json);
        }
        if trimmed.is_empty() {
            if let Some(empty) = empty_answer(kind) {
                return Reading::Json(empty);
            }
        }
        let what = if trimmed.is_empty() {
            "an empty body".to_string()
        } else {
            format!("text that is not JSON ({})", preview(trimmed))
        };
        return Reading::Failed(Failure::NotApi {
            detail: format!("a {} answer with {what}", response.status),
        });
    }
    // NICE's SDK reads 304 as "no new data" from the state calls: an empty answer.
    if response.status == 304 {
        if let Some(empty) = empty_answer(kind).filter(|_| kind != RequestKind::User) {
            return Reading::Json(empty);
        }
    }
    if (300..400).contains(&response.status) {
        return Reading::Failed(Failure::NotApi {
            detail: format!("a redirect ({})", response.status),
        });
    }
    let detail = detail();
    Reading::Status {
        status: response.status,
        json,
        detail,
    }
}

/// What an empty 2xx body stands for on a call of `kind`, where the call allows one: `{}` for a
/// record, `[]` for the all-agents list.
fn empty_answer(kind: RequestKind) -> Option<Value> {
    match kind {
        RequestKind::AgentState | RequestKind::User | RequestKind::AgentLookup => {
            Some(Value::Object(Default::default()))
        }
        RequestKind::StateList => Some(Value::Array(Vec::new())),
        _ => None,
    }
}

/// `Retry-After` in milliseconds (RFC 9110 10.2.3): whole or decimal seconds, or an HTTP-date,
/// measured against the answer's own `Date` header (the server's clock, so clock skew does not
/// count), else against `now_ms`. A date already past asks for no wait.
fn retry_after_ms(response: &Response, now_ms: u64) -> Option<u64> {
    let value = response.header("retry-after")?.trim();
    if let Ok(ms) = super::seconds::as_ms(value, super::seconds::Rounding::Nearest) {
        return ms;
    }
    let at = http_date_ms(value)?;
    let base = response
        .header("date")
        .and_then(http_date_ms)
        .unwrap_or(now_ms);
    Some(at.saturating_sub(base))
}

/// An HTTP-date (IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, or the obsolete RFC 850 and asctime
/// forms) as milliseconds since the Unix epoch.
pub(crate) fn http_date_ms(text: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let text = text.trim();
    // Drop the weekday: "Sun, ", "Sunday, ", or asctime's "Sun ".
    let rest = match text.split_once(',') {
        Some((_, rest)) => rest.trim(),
        None => text.split_once(' ')?.1.trim(),
    };
    let parts: Vec<&str> = rest.split([' ', '-']).filter(|p| !p.is_empty()).collect();
    let month_of = |m: &str| {
        MONTHS
            .iter()
            .position(|n| n.eq_ignore_ascii_case(m))
            .map(|i| i as u64 + 1)
    };
    let (day, month, year, time): (u64, u64, u64, &str) = match parts.as_slice() {
        // IMF-fixdate and RFC 850: day month year time GMT
        [day, month, year, time, zone] if zone.eq_ignore_ascii_case("GMT") => {
            let mut year: u64 = year.parse().ok()?;
            if year < 100 {
                year += if year < 70 { 2000 } else { 1900 };
            }
            (day.parse().ok()?, month_of(month)?, year, *time)
        }
        // asctime: month day time year
        [month, day, time, year] => (
            day.parse().ok()?,
            month_of(month)?,
            year.parse().ok()?,
            *time,
        ),
        _ => return None,
    };
    let clock: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = clock.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || *h > 23 || *m > 59 || *s > 60 || year < 1970 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), March-based years.
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + m) * 60_000 + s * 1000)
}

fn is_html(response: &Response) -> bool {
    let media = response.media_type().unwrap_or_default();
    if media == "text/html" || media == "application/xhtml+xml" {
        return true;
    }
    let start: String = response
        .body
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype")
        || start.starts_with("<html")
        || start.starts_with("<head")
        || start.starts_with("<body")
}

fn relay_error_detail(json: Option<&Value>) -> Option<String> {
    json?
        .get("detail")
        .and_then(Value::as_str)
        .map(|s| s.chars().take(200).collect())
}

/// The error text of an answer: the body's description (`json`, the body as parsed), else NICE's
/// `icStatusDescription` header.
fn status_text(response: &Response, json: Option<&Value>) -> Option<String> {
    let from_body = json.and_then(|json| {
        [
            "error_description",
            "errorDescription",
            "message",
            "error",
            "detail",
        ]
        .iter()
        .find_map(|k| json.get(*k).and_then(Value::as_str).map(str::to_string))
    });
    from_body
        .or_else(|| {
            response
                .header("icStatusDescription")
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        })
        .map(|s| s.chars().take(200).collect())
}

fn preview(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("\"{short}...\"")
    } else {
        format!("\"{short}\"")
    }
}

/// Milliseconds as seconds with one decimal (`1.5`), rounded half up, in integers: formatting an
/// `f64` would bring the standard library's float printing (about 10 KB) into the page.
fn tenths_of_seconds(ms: u64) -> String {
    let tenths = (ms + 50) / 100;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    /// The same text as `{:.1}` of the seconds as a float, for every wait that is not a tie
    /// (a tie such as 1150 ms rounds up here; the float rounded it by its binary value).
    #[test]
    fn tenths_of_seconds_reads_like_float_formatting() {
        for ms in (0..200_000u64).filter(|ms| ms % 100 != 50) {
            let float = format!("{:.1}", ms as f64 / 1000.0);
            assert_eq!(super::tenths_of_seconds(ms), float, "{ms} ms");
        }
        assert_eq!(super::tenths_of_seconds(1150), "1.2");
    }
}
