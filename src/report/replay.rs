//! **Open a report**: a saved JSON report read back ([`open`], bounded, every failure a clear
//! [`OpenError`]) and diagnosed again with today's rules ([`replay`]).
//!
//! The replay drives the same [`Diagnosis`] as a live run, with a backend of recorded answers:
//! each request the engine asks for is matched to the first unused recorded exchange with the
//! same method and URL, in the order they were recorded, so retries and pages come back in their
//! order. A call the report does not hold is answered "not in the report": its check becomes
//! `unknown`, and today's verdict is left undecided rather than invented.
//!
//! No secret comes back: the form's secrets are the redaction placeholder, tokens stay
//! `<redacted>`, and a JWT the engine needs to read (the platform's `id_token` names the tenant)
//! is rebuilt, unsigned, from the claims the report kept ([`Exchange::token_claims`]). The clock
//! is the report's own (`started_at_ms`), so a JWT's `exp` decides as it did when recorded.

use super::{REPORT_SCHEMA, REPORT_SCHEMA_VERSION};
use crate::engine::redact::PLACEHOLDER;
use crate::engine::{
    Answer, CachedToken, Check, Diagnosis, Exchange, Outcome, Request, Response, Step, Tree,
    Verdict,
};
use crate::inputs::{Field, Form};
use base64::Engine as _;
use serde_json::Value;
use std::fmt;

/// The largest report file opened, in bytes: checked before parsing. A page's own report is a
/// few hundred KB at most (bodies are cut at 64 KB).
pub const MAX_REPORT_BYTES: usize = 4 * 1024 * 1024;
/// The most exchanges a report may hold (a diagnosis sends a few dozen at most).
pub const MAX_EXCHANGES: usize = 1_000;
/// The oldest report schema version that still opens.
pub const OLDEST_SCHEMA_VERSION: u32 = 1;
/// The error message a replayed call the report does not hold is answered with.
pub const NOT_IN_REPORT: &str = "not in the report";
/// Replay rounds at most (a diagnosis takes a handful; this guards against a loop).
const MAX_ROUNDS: usize = 64;

/// Why a file did not open. Its `Display` is the message the page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenError {
    /// Nothing to read.
    Empty,
    /// Larger than [`MAX_REPORT_BYTES`].
    TooLarge(usize),
    /// Not JSON (or cut short), with the parser's message.
    NotJson(String),
    /// JSON, but not this page's report (`schema` differs or is absent).
    NotAReport,
    /// A report of a newer schema than this page knows.
    Newer(u32),
    /// A report older than [`OLDEST_SCHEMA_VERSION`], or no readable version.
    Unsupported,
    /// The right schema, but a field does not read (named in the message).
    Malformed(String),
    /// More exchanges than [`MAX_EXCHANGES`].
    TooManyExchanges(usize),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Empty => write!(f, "The file is empty: nothing to open."),
            OpenError::TooLarge(bytes) => write!(
                f,
                "The file is {} KB; a report opens up to {} KB. It is not an Agent State Doctor report, or it was changed.",
                bytes / 1024,
                MAX_REPORT_BYTES / 1024
            ),
            OpenError::NotJson(why) => write!(
                f,
                "This is not a JSON report (or it is cut short): {why}."
            ),
            OpenError::NotAReport => write!(
                f,
                "This JSON is not an Agent State Doctor report: its \"schema\" is not \"{REPORT_SCHEMA}\"."
            ),
            OpenError::Newer(version) => write!(
                f,
                "This report has schema version {version}, newer than this page reads ({REPORT_SCHEMA_VERSION}). Open it with a newer version of the page."
            ),
            OpenError::Unsupported => write!(
                f,
                "This report's schema_version is missing or not one this page reads ({OLDEST_SCHEMA_VERSION} to {REPORT_SCHEMA_VERSION})."
            ),
            OpenError::Malformed(why) => {
                write!(f, "This report is damaged and cannot be opened: {why}.")
            }
            OpenError::TooManyExchanges(n) => write!(
                f,
                "This report holds {n} exchanges; a report opens with at most {MAX_EXCHANGES}."
            ),
        }
    }
}

/// A report that opened: what it says about itself, and its recorded tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedReport {
    /// Its `schema_version`.
    pub schema_version: u32,
    /// The page version that made it.
    pub page_version: String,
    /// Its inputs as a form; the secret fields are empty (the report never holds them).
    pub form: Form,
    /// The tree as recorded.
    pub recorded: Tree,
}

impl OpenedReport {
    /// The inputs the report names, in the form's order, non-empty ones only (never a secret).
    pub fn inputs(&self) -> Vec<(&'static str, String)> {
        let profile = self.form.profile();
        Field::ALL
            .into_iter()
            .filter(|f| f.applies_to(profile) && !f.is_secret())
            .filter(|f| !self.form.get(*f).is_empty())
            .map(|f| (f.label(), self.form.get(f).to_string()))
            .collect()
    }

    /// What this report lacks for a faithful replay, one sentence each (empty for a report of
    /// the current version).
    pub fn lacks(&self) -> Vec<String> {
        let mut lacks = Vec::new();
        if self.recorded.started_at_ms == 0 {
            lacks.push(
                "It does not say when it was made: the token's expiry is judged at today's time."
                    .to_string(),
            );
        }
        if self.schema_version < 2 {
            lacks.push(
                "It keeps no token claims (schema 1): a step that reads them (the platform's tenant for discovery) cannot be replayed."
                    .to_string(),
            );
        }
        if reused_token_branch(&self.recorded) {
            lacks.push(
                "Its run reused a token from an earlier run: that token's scopes and claims are not in it."
                    .to_string(),
            );
        }
        if exchanges(&self.recorded).any(|e| e.response_truncated) {
            lacks.push(
                "An answer in it was cut at 64 KB: today's reading of that answer may differ."
                    .to_string(),
            );
        }
        lacks
    }
}

/// Reads `text` as a report: size first, then JSON, then the envelope, then the tree.
pub fn open(text: &str) -> Result<OpenedReport, OpenError> {
    if text.len() > MAX_REPORT_BYTES {
        return Err(OpenError::TooLarge(text.len()));
    }
    if text.trim().is_empty() {
        return Err(OpenError::Empty);
    }
    // serde_json bounds nesting (128 levels), so a hostile file cannot exhaust the stack.
    let value: Value = serde_json::from_str(text).map_err(|e| OpenError::NotJson(e.to_string()))?;
    let Value::Object(mut envelope) = value else {
        return Err(OpenError::NotAReport);
    };
    if envelope.get("schema").and_then(Value::as_str) != Some(REPORT_SCHEMA) {
        return Err(OpenError::NotAReport);
    }
    let version = envelope
        .get("schema_version")
        .and_then(Value::as_u64)
        .ok_or(OpenError::Unsupported)?;
    if version > u64::from(REPORT_SCHEMA_VERSION) {
        return Err(OpenError::Newer(u32::try_from(version).unwrap_or(u32::MAX)));
    }
    if version < u64::from(OLDEST_SCHEMA_VERSION) {
        return Err(OpenError::Unsupported);
    }
    let page_version = envelope
        .get("page_version")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .chars()
        .take(64)
        .collect();
    let mut form = Form::default();
    if let Some(Value::Object(inputs)) = envelope.get("inputs") {
        for field in Field::ALL.into_iter().filter(|f| !f.is_secret()) {
            if let Some(value) = inputs.get(field.name()).and_then(Value::as_str) {
                form.set(field, &value.chars().take(2048).collect::<String>());
            }
        }
    } else {
        return Err(OpenError::Malformed("\"inputs\" is not an object".into()));
    }
    let diagnosis = envelope
        .remove("diagnosis")
        .ok_or_else(|| OpenError::Malformed("\"diagnosis\" is missing".into()))?;
    let recorded: Tree = serde_json::from_value(diagnosis)
        .map_err(|e| OpenError::Malformed(format!("\"diagnosis\": {e}")))?;
    let count = exchanges(&recorded).count();
    if count > MAX_EXCHANGES {
        return Err(OpenError::TooManyExchanges(count));
    }
    let missing: Vec<&str> = Check::ALL
        .into_iter()
        .filter(|c| !recorded.checks.iter().any(|n| n.id == *c))
        .map(|c| c.id())
        .collect();
    if !missing.is_empty() {
        return Err(OpenError::Malformed(format!(
            "the tree lacks the checks {}",
            missing.join(", ")
        )));
    }
    Ok(OpenedReport {
        schema_version: version as u32,
        page_version,
        form,
        recorded,
    })
}

/// A report diagnosed again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replayed {
    /// Today's tree: the recorded answers read by today's rules. Its verdict is `None` when
    /// today's rules ask for a call the report does not hold.
    pub tree: Tree,
    /// The verdict the report recorded.
    pub recorded: Option<Verdict>,
    /// Today's verdict (`None`: undecided, a call is not in the report).
    pub today: Option<Verdict>,
    /// The calls today's rules asked for that the report does not hold (`GET url`).
    pub not_in_report: Vec<String>,
}

impl Replayed {
    /// True when today's rules decide differently from the recorded verdict.
    pub fn differs(&self) -> bool {
        self.recorded != self.today
    }
}

/// Diagnoses `report` again from its recorded answers. `fallback_now_ms` is the clock used
/// only when the report does not say when it was made.
pub fn replay(report: &OpenedReport, fallback_now_ms: u64) -> Replayed {
    let recorded = &report.recorded;
    let now_ms = match recorded.started_at_ms {
        0 => fallback_now_ms,
        at => at,
    };
    let form = replay_form(report);
    let mut backend = Recorded::new(recorded);
    let cached = reused_token(recorded, &form, now_ms);
    let mut diagnosis = Diagnosis::from_form(&form, cached, now_ms);
    let mut tree = None;
    for _ in 0..MAX_ROUNDS {
        match diagnosis.poll() {
            Step::Send(requests) => {
                for request in requests {
                    let answer = backend.answer(&request);
                    diagnosis.receive(request.id, answer);
                }
            }
            // Every request of a round is answered before polling again.
            Step::Waiting => break,
            Step::Done(report) => {
                tree = Some(report.tree);
                break;
            }
        }
    }
    let mut tree = tree.unwrap_or_else(|| diagnosis.tree());
    if !backend.not_in_report.is_empty() || !tree.finished {
        mark_not_in_report(&mut tree);
    }
    Replayed {
        today: tree.verdict_code(),
        recorded: recorded.verdict_code(),
        tree,
        not_in_report: backend.not_in_report,
    }
}

/// Opens `text` and replays it: what the page and the report tests do.
pub fn open_and_replay(
    text: &str,
    fallback_now_ms: u64,
) -> Result<(OpenedReport, Replayed), OpenError> {
    let opened = open(text)?;
    let replayed = replay(&opened, fallback_now_ms);
    Ok((opened, replayed))
}

/// The report's form with placeholders for its secrets, so the engine proceeds without them.
/// A secret field the recorded `inputs` check names as a problem stays empty: that is what was
/// wrong then.
fn replay_form(report: &OpenedReport) -> Form {
    let mut form = report.form.clone();
    let inputs = report
        .recorded
        .checks
        .iter()
        .find(|n| n.id == Check::Inputs);
    let refused = inputs.is_some_and(|n| n.outcome == Outcome::Fail);
    for field in Field::ALL.into_iter().filter(|f| f.is_secret()) {
        let named = inputs.is_some_and(|n| n.summary.contains(field.label()));
        if !(refused && named) {
            form.set(field, PLACEHOLDER);
        }
    }
    form
}

/// The token a run reused, as a placeholder: when the recorded `token` check took `reused`
/// and recorded no token call, the replay starts with a token too.
fn reused_token(recorded: &Tree, form: &Form, now_ms: u64) -> Option<CachedToken> {
    if !reused_token_branch(recorded) {
        return None;
    }
    let inputs = form.validate().ok()?;
    Some(CachedToken::new(
        PLACEHOLDER,
        now_ms.saturating_add(3_600_000),
        None,
        &inputs,
    ))
}

/// True when the recorded `token` check reused a token and recorded no token call.
fn reused_token_branch(recorded: &Tree) -> bool {
    recorded
        .checks
        .iter()
        .find(|n| n.id == Check::Token)
        .is_some_and(|n| n.branch.as_deref() == Some("reused") && n.exchanges.is_empty())
}

/// Every exchange of `tree`, in no particular order.
fn exchanges(tree: &Tree) -> impl Iterator<Item = &Exchange> {
    tree.checks.iter().flat_map(|n| n.exchanges.iter())
}

/// The recorded answers, handed out by method and URL in recorded order.
struct Recorded<'a> {
    exchanges: Vec<(&'a Exchange, bool)>,
    not_in_report: Vec<String>,
}

impl<'a> Recorded<'a> {
    fn new(tree: &'a Tree) -> Self {
        let mut exchanges: Vec<(&Exchange, bool)> = exchanges(tree).map(|e| (e, false)).collect();
        crate::sorting::sort_by_key(&mut exchanges, |(e, _)| e.request_id);
        Recorded {
            exchanges,
            not_in_report: Vec::new(),
        }
    }

    fn answer(&mut self, request: &Request) -> Answer {
        let method = request.method.as_str();
        let found = self.exchanges.iter_mut().find(|(e, used)| {
            !*used && e.method == method && e.url == request.url && !e.in_flight()
        });
        match found.and_then(|(e, used)| {
            let answer = answer_of(e)?;
            *used = true;
            Some(answer)
        }) {
            Some(answer) => answer,
            None => {
                self.not_in_report.push(format!("{method} {}", request.url));
                Answer::NoAnswer {
                    message: NOT_IN_REPORT.into(),
                    elapsed_ms: 0,
                }
            }
        }
    }
}

/// The answer an exchange records; `None` when it recorded none (in flight when saved).
fn answer_of(exchange: &Exchange) -> Option<Answer> {
    let elapsed_ms = exchange.elapsed_ms?;
    if let Some(status) = exchange.status {
        let body = with_rebuilt_tokens(
            exchange.response_body.as_deref().unwrap_or(""),
            &exchange.token_claims,
        );
        return Some(Answer::Response(Response {
            status,
            headers: exchange.response_headers.clone(),
            body,
            elapsed_ms,
        }));
    }
    let error = exchange.error.as_deref()?;
    if error.starts_with("timed out") {
        return Some(Answer::TimedOut { elapsed_ms });
    }
    let message = error.strip_prefix("no answer: ").unwrap_or(error);
    Some(Answer::NoAnswer {
        message: message.to_string(),
        elapsed_ms,
    })
}

/// `body` with each token field that has recorded claims set to an unsigned JWT holding them:
/// what the engine reads from a token, without the token.
fn with_rebuilt_tokens(body: &str, claims: &[(String, Value)]) -> String {
    if claims.is_empty() {
        return body.to_string();
    }
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(body) else {
        return body.to_string();
    };
    for (field, claims) in claims {
        if map.contains_key(field.as_str()) {
            map.insert(field.clone(), Value::String(unsigned_jwt(claims)));
        }
    }
    Value::Object(map).to_string()
}

/// `{"alg":"none"}.claims.` base64url-encoded: a JWT shape with no signature.
fn unsigned_jwt(claims: &Value) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.",
        b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    )
}

/// Today's rules asked for a call the report does not hold: the checks whose call that was are
/// `unknown` ("not in the report"), and no verdict is invented.
fn mark_not_in_report(tree: &mut Tree) {
    let mut named = Vec::new();
    for node in &mut tree.checks {
        let missing = node
            .exchanges
            .iter()
            .any(|e| e.error.as_deref() == Some(&format!("no answer: {NOT_IN_REPORT}")));
        if missing || matches!(node.outcome, Outcome::Running | Outcome::Pending) {
            node.outcome = Outcome::Unknown;
            node.branch = None;
            node.summary =
                "Not in the report: today's rules ask for a call it does not hold.".to_string();
            named.push(node.id.id());
        }
    }
    tree.verdict = None;
    tree.finished = true;
    tree.summary = format!(
        "Undecided: today's rules ask for calls the report does not hold ({}).",
        named.join(", ")
    );
}

impl Replayed {
    /// The banner's verdict line: `recorded: <code> · today: <code>` (`undecided` for none).
    pub fn verdict_line(&self) -> String {
        let code = |v: Option<Verdict>| v.map_or("undecided", |v| v.code());
        format!(
            "recorded: {} · today: {}",
            code(self.recorded),
            code(self.today)
        )
    }
}

/// `ms` since the Unix epoch as `YYYY-MM-DD HH:MM UTC`; "unknown" for 0.
pub fn utc_time(ms: u64) -> String {
    if ms == 0 {
        return "unknown".to_string();
    }
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}
