//! **Copy as Markdown**: a ticket-ready summary that reads well rendered (GitHub, Jira's Markdown
//! paste) and as plain text (ServiceNow, e-mail).

use super::scrub::Scrubber;
use super::{GENERATED_BY, REPORT_SCHEMA_VERSION};
use crate::engine::{Exchange, Outcome, Tree};
use crate::inputs::{Environment, Field, Form};
use std::fmt::Write as _;

/// A ticket-ready summary of `tree`: the verdict's code and title, the inputs of `form` without
/// any secret, the explanation and numbered fix steps, one table row per check of the tree (in
/// tree order) with its outcome as a mark and a word, its one-line finding and its calls'
/// status codes and times, the total time, and `page_version` with the report's schema version.
///
/// Secret fields are never read into the text, and whatever secret the form holds is redacted
/// from every line even if it slipped into the tree.
pub fn markdown(tree: &Tree, form: &Form, page_version: &str) -> String {
    let scrub = Scrubber::for_form(form);
    let text = |s: &str| inline(&scrub.text(s));
    let cell = |s: &str| table_cell(&scrub.text(s));
    let mut out = String::new();

    // The verdict, above everything.
    match &tree.verdict {
        Some(verdict) => {
            let _ = writeln!(
                out,
                "# Agent State Doctor: `{}`: {}",
                verdict.code.code(),
                text(&verdict.title)
            );
        }
        None => out.push_str("# Agent State Doctor: no verdict\n"),
    }
    out.push('\n');
    if let Some(verdict) = &tree.verdict {
        let _ = writeln!(
            out,
            "- **Verdict:** `{}`: {}",
            verdict.code.code(),
            text(&verdict.title)
        );
    } else if tree.finished {
        out.push_str("- **Verdict:** none (this profile has no verdicts yet)\n");
    } else {
        out.push_str("- **Verdict:** none yet: the diagnosis was still running\n");
    }
    if !tree.summary.is_empty() {
        let _ = writeln!(out, "- **Summary:** {}", text(&tree.summary));
    }
    if let Some(verdict) = &tree.verdict {
        let decided_by = tree
            .checks
            .iter()
            .find(|n| n.id == verdict.decided_by)
            .map_or(String::new(), |n| format!(": {}", text(&n.question)));
        let _ = writeln!(
            out,
            "- **Decided by:** check `{}`{decided_by}",
            verdict.decided_by.id()
        );
    }
    if Field::Environment.applies_to(tree.profile) {
        let _ = writeln!(
            out,
            "- **Environment:** {}",
            environment_label(tree.environment)
        );
    }
    if !tree.host.is_empty() {
        let _ = writeln!(out, "- **API host:** {}", text(&tree.host));
    }

    if let Some(verdict) = &tree.verdict {
        out.push_str("\n## What it means\n\n");
        let _ = writeln!(out, "{}", text(&verdict.explanation));
        out.push_str("\n## How to fix it\n\n");
        if verdict.fix.is_empty() {
            out.push_str("Nothing to fix.\n");
        }
        for (i, step) in verdict.fix.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, text(step));
        }
    }

    // The inputs, secrets left out by field, never by value.
    out.push_str("\n## Inputs\n\n| Field | Value |\n|---|---|\n");
    let profile = form.profile();
    let mut left_out = Vec::new();
    for field in Field::ALL {
        if !field.applies_to(profile) {
            continue;
        }
        if field.is_secret() {
            left_out.push(field.label().to_ascii_lowercase());
            continue;
        }
        let _ = writeln!(
            out,
            "| {} | {} |",
            table_cell(field.label()),
            cell(&input_value(form, field))
        );
    }
    if !left_out.is_empty() {
        let _ = writeln!(
            out,
            "\nNot included: the {} (secrets never leave the page in a report).",
            left_out.join(" and the ")
        );
    }

    // Every check the tree holds, in its order.
    out.push_str(
        "\n## Checks\n\n| # | Check | Outcome | Finding | Calls |\n|---|---|---|---|---|\n",
    );
    for (i, node) in tree.checks.iter().enumerate() {
        let calls: Vec<String> = node
            .exchanges
            .iter()
            .map(|e| exchange_line(e, tree.environment))
            .collect();
        let _ = writeln!(
            out,
            "| {} | `{}` {} | {} | {} | {} |",
            i + 1,
            node.id.id(),
            cell(&node.question),
            outcome_label(node.outcome),
            cell(&node.summary),
            if calls.is_empty() {
                "none".to_string()
            } else {
                cell(&calls.join("; "))
            }
        );
    }
    out.push('\n');
    let _ = writeln!(out, "{}", text(&timing(tree)));

    out.push_str("\n---\n\n");
    let _ = writeln!(
        out,
        "{GENERATED_BY} {} · report schema {REPORT_SCHEMA_VERSION} · diagnosis schema {} · secrets and tokens are not included.",
        text(page_version),
        tree.schema
    );
    // The last lock: nothing the form holds as a secret leaves, whatever built the lines above.
    scrub.text(&out).into_owned()
}

/// The outcome as a mark and a word, so that it reads without colour (`✓ pass`, `✗ fail`).
pub fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "✓ pass",
        Outcome::Warn => "⚠ warn",
        Outcome::Fail => "✗ fail",
        Outcome::Skipped => "– skipped",
        Outcome::Unknown => "? unknown",
        Outcome::Pending => "… pending",
        Outcome::Running => "↻ running",
    }
}

fn environment_label(environment: Environment) -> String {
    format!("{} (`{}`)", environment.label(), environment.as_str())
}

/// A non-secret field's value as the report shows it.
fn input_value(form: &Form, field: Field) -> String {
    let value = form.get(field).trim();
    match field {
        Field::Environment => match Environment::parse(value) {
            Some(environment) => environment_label(environment),
            None => value.to_string(),
        },
        Field::Relay if value.is_empty() => "none (direct calls)".into(),
        Field::Timeout if !value.is_empty() => format!("{value} s"),
        _ if value.is_empty() => "(empty)".into(),
        _ => value.to_string(),
    }
}

/// `POST /oauth/token → 200 in 120 ms`, with the try and the wait of a retry and the
/// environment when it is not the diagnosed one.
fn exchange_line(exchange: &Exchange, diagnosed: Environment) -> String {
    let mut line = format!("{} {}", exchange.method, short_url(exchange));
    if exchange.environment != diagnosed {
        let _ = write!(line, " ({})", exchange.environment.label());
    }
    line.push_str(" → ");
    match (exchange.status, &exchange.error, exchange.elapsed_ms) {
        (Some(status), _, Some(ms)) => {
            let _ = write!(line, "{status} in {ms} ms");
        }
        (Some(status), _, None) => {
            let _ = write!(line, "{status}");
        }
        (None, Some(error), _) => line.push_str(error),
        (None, None, Some(ms)) => {
            let _ = write!(line, "no HTTP answer after {ms} ms");
        }
        (None, None, None) => line.push_str("no answer yet"),
    }
    if exchange.attempt > 1 {
        let _ = write!(line, " (try {}", exchange.attempt);
        if exchange.delay_ms > 0 {
            let _ = write!(line, ", after waiting {} ms", exchange.delay_ms);
        }
        line.push(')');
    }
    line
}

/// The URL without its scheme and host (the host is in the report's header), or what the
/// request was for when it has no URL of its own (a relative relay's health check).
fn short_url(exchange: &Exchange) -> String {
    let url = exchange.url.as_str();
    if url.is_empty() {
        let kind = serde_json::to_value(exchange.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        return format!("({kind}, relative to the page)");
    }
    match url.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(slash) => rest[slash..].to_string(),
            None => "/".to_string(),
        },
        None => url.to_string(),
    }
}

/// One line: how many calls, in how many rounds, and how long they took.
fn timing(tree: &Tree) -> String {
    let answered: Vec<&Exchange> = tree
        .checks
        .iter()
        .flat_map(|n| n.exchanges.iter())
        .collect();
    let total: u64 = answered.iter().filter_map(|e| e.elapsed_ms).sum();
    let slowest = answered.iter().filter_map(|e| e.elapsed_ms).max();
    let waited = answered.iter().map(|e| e.delay_ms).max().unwrap_or(0);
    if answered.is_empty() {
        return "**Total time:** 0 ms: no call was sent.".into();
    }
    let mut line = format!(
        "**Total time:** {total} ms in {} call{} over {} round{}",
        answered.len(),
        plural(answered.len() as u64),
        tree.rounds,
        plural(u64::from(tree.rounds))
    );
    if let Some(slowest) = slowest {
        let _ = write!(line, " (slowest call: {slowest} ms");
        if tree.rounds > 0 && (answered.len() as u64) > u64::from(tree.rounds) {
            line.push_str("; the calls of one round run side by side");
        }
        line.push(')');
    }
    if waited > 0 {
        let _ = write!(
            line,
            ", and up to {waited} ms waited before a retry (Retry-After)"
        );
    }
    line.push('.');
    line
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Text for a paragraph or list item: one line, backslashes escaped first (so that a `\` in the
/// text cannot cancel an escape added below), then tag-like `<` escaped so that a renderer does
/// not swallow `<redacted>` as an HTML tag.
fn inline(text: &str) -> String {
    let one_line = text.replace("\r\n", " ").replace(['\r', '\n'], " ");
    let mut out = String::with_capacity(one_line.len());
    let mut chars = one_line.chars().peekable();
    while let Some(c) = chars.next() {
        let tag_like = c == '<'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == '/');
        if c == '\\' || tag_like {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text for a table cell: [`inline`], with `|` escaped so that it cannot end the cell.
fn table_cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}
