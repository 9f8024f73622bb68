//! The diagnosis as a person reads it: the verdict first, then every check with its evidence.

use crate::engine::{CheckNode, Exchange, Outcome, Tree, VerdictReport};
use leptos::prelude::*;

/// A mark that does not rely on colour alone, and its words for screen readers.
pub fn mark(outcome: Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Pass => ("✓", "passed"),
        Outcome::Warn => ("!", "warning"),
        Outcome::Fail => ("✗", "failed"),
        Outcome::Skipped => ("–", "skipped"),
        Outcome::Unknown => ("?", "could not check"),
        Outcome::Pending => ("○", "pending"),
        Outcome::Running => ("◌", "running"),
    }
}

/// The verdict, its explanation and its fix steps: one element with `data-verdict`.
#[component]
pub fn VerdictPanel(verdict: VerdictReport) -> impl IntoView {
    let code = verdict.code.code();
    let tone = match code {
        "logged_in" => "pass",
        "logged_out" | "wrong_environment" => "warn",
        _ => "fail",
    };
    view! {
        <section class=format!("verdict {tone}") data-verdict=code role="status" aria-live="polite">
            <p class="verdict-code"><code>{code}</code></p>
            <h2>{verdict.title.clone()}</h2>
            <p>{verdict.explanation.clone()}</p>
            {(!verdict.fix.is_empty()).then(|| view! {
                <h3>"How to fix it"</h3>
                <ol class="fix">{verdict.fix.iter().map(|step| view! { <li>{step.clone()}</li> }).collect_view()}</ol>
            })}
        </section>
    }
}

/// Every check of the run, in order, each opening to its evidence.
#[component]
pub fn CheckList(tree: Signal<Option<Tree>>) -> impl IntoView {
    let nodes = move || tree.with(|t| t.as_ref().map(|t| t.checks.clone()).unwrap_or_default());
    view! {
        <ol class="checks" aria-label="Checks">
            <For each=nodes key=|node| (node.id, node.outcome, node.exchanges.len(), node.summary.clone()) let:node>
                <CheckItem node=node />
            </For>
        </ol>
    }
}

#[component]
fn CheckItem(node: CheckNode) -> impl IntoView {
    let open = RwSignal::new(matches!(node.outcome, Outcome::Fail | Outcome::Warn));
    let (symbol, words) = mark(node.outcome);
    let id = node.id.id();
    let time: u64 = node.exchanges.iter().filter_map(|e| e.elapsed_ms).sum();
    let body_id = format!("check-{id}-body");
    view! {
        <li class=format!("check {}", node.outcome.as_str()) data-check=id data-outcome=node.outcome.as_str()>
            <button type="button" class="check-head" aria-expanded=move || open.get().to_string() aria-controls=body_id.clone()
                on:click=move |_| open.update(|o| *o = !*o)>
                <span class="mark" aria-hidden="true">{symbol}</span>
                <span class="visually-hidden">{words}": "</span>
                <span class="question">{node.question.clone()}</span>
                <span class="summary">{node.summary.clone()}</span>
                {(time > 0).then(|| view! { <span class="time">{format!("{time} ms")}</span> })}
            </button>
            <div class="check-body" id=body_id hidden=move || !open.get()>
                {(!node.meaning.is_empty()).then(|| view! { <p class="meaning">{node.meaning.clone()}</p> })}
                {(!node.fix.is_empty()).then(|| view! {
                    <ol class="fix">{node.fix.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}</ol>
                })}
                {node.exchanges.iter().cloned().map(|e| view! { <ExchangeView exchange=e /> }).collect_view()}
            </div>
        </li>
    }
}

/// One HTTP exchange: the line a person scans, and the redacted detail behind it.
#[component]
fn ExchangeView(exchange: Exchange) -> impl IntoView {
    let status = match (exchange.status, &exchange.error) {
        (Some(status), _) => status.to_string(),
        (None, Some(error)) => error.clone(),
        (None, None) => "waiting…".to_string(),
    };
    let time = exchange.elapsed_ms.map(|ms| format!(" · {ms} ms")).unwrap_or_default();
    let headers = |rows: &[(String, String)]| {
        rows.iter().map(|(n, v)| format!("{n}: {v}")).collect::<Vec<_>>().join("\n")
    };
    view! {
        <div class="exchange">
            <p class="exchange-line">
                <code>{exchange.method.clone()}" "{exchange.url.clone()}</code>
                " → " <strong>{status}</strong> {time}
            </p>
            <details>
                <summary>"Request and response"</summary>
                <pre class="http">{headers(&exchange.request_headers)}
                    {exchange.request_body.clone().map(|b| format!("\n\n{b}"))}</pre>
                <pre class="http">{headers(&exchange.response_headers)}
                    {exchange.response_body.as_deref().map(|b| format!("\n\n{}", pretty(b)))}</pre>
            </details>
        </div>
    }
}

/// JSON bodies pretty-printed; anything else as it came.
fn pretty(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_string())
}
