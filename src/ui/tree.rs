//! The decision tree as a person reads it: the verdict and its fix first, then every check as a
//! question with its branches. The path this run took is highlighted; the branches it did not take
//! stay visible, dimmed, saying what they would have meant. Keyboard: the ARIA tree pattern.

use crate::engine::{Branch, Check, CheckNode, Exchange, Outcome, Tree, VerdictReport};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

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

/// Whether a check is worth a look when only problems are shown.
fn is_problem(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Warn | Outcome::Fail | Outcome::Unknown)
}

/// The verdict in plain words, its fix steps first: one element with `data-verdict`.
#[component]
pub fn VerdictPanel(verdict: VerdictReport) -> impl IntoView {
    let code = verdict.code.code();
    let tone = crate::session::Tone::of(verdict.code).as_str();
    view! {
        <section class=format!("verdict {tone}") id="verdict" tabindex="-1" data-verdict=code role="status" aria-live="polite">
            <p class="verdict-code">"Verdict " <code>{code}</code></p>
            <h2>{verdict.title.clone()}</h2>
            {(!verdict.fix.is_empty()).then(|| view! {
                <h3>"How to fix it"</h3>
                <ol class="fix">{verdict.fix.iter().map(|step| view! { <li>{step.clone()}</li> }).collect_view()}</ol>
            })}
            <h3>"What was found"</h3>
            <p class="explanation">{verdict.explanation.clone()}</p>
        </section>
    }
}

/// What a node's evidence offers: copying an exchange as a curl command, with or without secrets.
pub type CopyCurl = Callback<(Exchange, bool)>;

/// The whole tree: every check in order, before, during and after a run.
#[component]
pub fn DecisionTree(
    tree: Signal<Option<Tree>>,
    problems_only: Signal<bool>,
    on_curl: CopyCurl,
) -> impl IntoView {
    // Which checks are open, and which item holds the tree's one tab stop.
    let open = RwSignal::new(Vec::<Check>::new());
    let active = RwSignal::new(Check::ALL[0].id().to_string());
    let nodes = move || {
        tree.with(|t| match t {
            Some(t) => t.checks.clone(),
            None => Check::ALL.iter().map(|&c| CheckNode::pending(c)).collect(),
        })
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| keys::handle(&ev, open, active);
    // A run's verdict is drawn a frame before its finished tree (`run.rs`): this says which it is.
    let finished = move || tree.with(|t| t.as_ref().is_some_and(|t| t.finished).to_string());
    view! {
        <ul class="tree" role="tree" aria-label="Diagnosis checks" id="decision-tree" data-finished=finished on:keydown=on_key>
            <For
                each=nodes
                // An exchange answered while its check still runs (the rest of its round out)
                // draws the check again, with that answer.
                key=|node| (node.id, node.outcome, node.exchanges.len(), answered(node), node.summary.clone(), node.branch.clone())
                let:node
            >
                <CheckItem node=node open=open active=active problems_only=problems_only on_curl=on_curl />
            </For>
        </ul>
    }
}

/// How many of a check's calls have their answer.
fn answered(node: &CheckNode) -> usize {
    node.exchanges.iter().filter(|e| !e.in_flight()).count()
}

#[component]
fn CheckItem(
    node: CheckNode,
    open: RwSignal<Vec<Check>>,
    active: RwSignal<String>,
    problems_only: Signal<bool>,
    on_curl: CopyCurl,
) -> impl IntoView {
    let check = node.id;
    let id = check.id();
    let outcome = node.outcome;
    let is_open = move || open.with(|o| o.contains(&check));
    let (symbol, words) = mark(outcome);
    let time: u64 = node.exchanges.iter().filter_map(|e| e.elapsed_ms).sum();
    let head_id = format!("check-{id}-head");
    let labelled_by = head_id.clone();
    let on_path = !matches!(outcome, Outcome::Skipped | Outcome::Pending);
    let toggle = move |_| {
        active.set(id.to_string());
        open.update(|o| toggle_in(o, check));
    };
    let branches = node.branches.clone();
    view! {
        <li
            role="treeitem"
            attr:aria-level="1"
            aria-expanded=move || is_open().to_string()
            aria-labelledby=labelled_by
            tabindex=move || if active.with(|a| a == id) { "0" } else { "-1" }
            data-key=id
            data-check=id
            data-outcome=outcome.as_str()
            class=format!("check {}", outcome.as_str())
            class:on-path=on_path
            class:filtered=move || problems_only.get() && !is_problem(outcome)
            on:focus=move |_| active.set(id.to_string())
        >
            <div class="check-head" id=head_id on:click=toggle>
                <span class="mark" aria-hidden="true">{symbol}</span>
                // The outcome in words where the mark is: the visible text then reads on
                // unbroken in the item's name (WCAG 2.5.3, axe label-content-name-mismatch).
                <span class="visually-hidden">{format!("{words}: ")}</span>
                <span class="question">{node.question.clone()}</span>
                <span class="summary">{node.summary.clone()}</span>
                <span class="time">{(time > 0).then(|| format!("{time} ms"))}</span>
                <span class="chevron" aria-hidden="true">{move || if is_open() { "▾" } else { "▸" }}</span>
            </div>
            <div class="check-body" class:open=is_open>
                <dl class="facts">
                    <dt>"Outcome"</dt>
                    <dd>{format!("{symbol} {words}")}</dd>
                    {(!node.meaning.is_empty()).then(|| view! { <dt>"What it means"</dt><dd>{node.meaning.clone()}</dd> })}
                </dl>
                {(!node.fix.is_empty()).then(|| view! {
                    <h3>"How to fix it"</h3>
                    <ol class="fix">{node.fix.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}</ol>
                })}
                {(!node.exchanges.is_empty()).then(|| view! {
                    <h3>"Evidence"</h3>
                    {node.exchanges.iter().cloned().map(|e| view! { <ExchangeView exchange=e on_curl=on_curl /> }).collect_view()}
                })}
                <h3 id=format!("check-{id}-branches")>"The branches of this check"</h3>
                <ul role="group" class="branches" aria-labelledby=format!("check-{id}-branches")>
                    {branches.into_iter().map(|b| view! { <BranchItem check=check branch=b active=active /> }).collect_view()}
                </ul>
            </div>
        </li>
    }
}

/// One possible answer to a check: the one taken is highlighted, the others dimmed.
#[component]
fn BranchItem(check: Check, branch: Branch, active: RwSignal<String>) -> impl IntoView {
    let key = format!("{}/{}", check.id(), branch.id);
    let key_for_focus = key.clone();
    let key_for_tab = key.clone();
    let (symbol, words) = mark(branch.outcome);
    let leads: Vec<&'static str> = branch.leads_to.iter().map(|v| v.code()).collect();
    let prefix = if branch.taken {
        "This run: "
    } else {
        "Would mean: "
    };
    view! {
        <li
            role="treeitem"
            attr:aria-level="2"
            tabindex=move || if active.with(|a| *a == key_for_tab) { "0" } else { "-1" }
            data-key=key
            data-branch=branch.id.clone()
            data-taken=branch.taken.to_string()
            aria-current=branch.taken.then_some("step")
            class="branch"
            class:taken=branch.taken
            class:not-taken=!branch.taken
            on:focus=move |ev: leptos::ev::FocusEvent| {
                ev.stop_propagation();
                active.set(key_for_focus.clone());
            }
        >
            <span class="mark" aria-hidden="true">{symbol}</span>
            <span class="visually-hidden">{format!("{words}: ")}</span>
            <span class="when">{branch.when.clone()}</span>
            <span class="means">{prefix}{branch.means.clone()}</span>
            {(!leads.is_empty()).then(|| view! {
                <span class="leads">"Leads to " {leads.iter().map(|c| view! { <code>{*c}</code>" " }).collect_view()}</span>
            })}
        </li>
    }
}

/// One HTTP exchange: the line a person scans, and the redacted detail behind it.
#[component]
fn ExchangeView(exchange: Exchange, on_curl: CopyCurl) -> impl IntoView {
    let status = match (exchange.status, &exchange.error) {
        (Some(status), _) => status.to_string(),
        (None, Some(error)) => error.clone(),
        (None, None) => "waiting…".to_string(),
    };
    let time = exchange
        .elapsed_ms
        .map(|ms| format!(" · {ms} ms"))
        .unwrap_or_default();
    let headers = |rows: &[(String, String)]| {
        rows.iter()
            .map(|(n, v)| format!("{n}: {v}\n"))
            .collect::<String>()
    };
    let request = format!(
        "{} {}\n{}{}",
        exchange.method,
        exchange.url,
        headers(&exchange.request_headers),
        exchange
            .request_body
            .as_deref()
            .map(|b| format!("\n{b}"))
            .unwrap_or_default()
    );
    let response = format!(
        "{}\n{}{}{}",
        exchange
            .status
            .map(|s| format!("HTTP {s}"))
            .unwrap_or_else(|| exchange.error.clone().unwrap_or_default()),
        headers(&exchange.response_headers),
        exchange
            .response_body
            .as_deref()
            .map(|b| format!("\n{}", pretty(b)))
            .unwrap_or_default(),
        if exchange.response_truncated {
            "\n… (cut at 64 KB)"
        } else {
            ""
        }
    );
    let (plain, with_secret) = (exchange.clone(), exchange.clone());
    // An opened report holds no secret to put in a command.
    let report = super::open_report::viewing_report();
    view! {
        <div class="exchange" data-request=exchange.request_id>
            <p class="exchange-line">
                <code>{exchange.method.clone()}" "{exchange.url.clone()}</code>
                " → " <strong>{status}</strong> {time}
            </p>
            <details>
                <summary>"Request and response (secrets redacted)"</summary>
                <pre class="http">{request}</pre>
                <pre class="http">{response}</pre>
            </details>
            <div class="exchange-actions">
                <button type="button" class="small copy-curl" on:click=move |_| on_curl.run((plain.clone(), false))>
                    "Copy as curl"
                </button>
                <Show when=move || !report.get()>
                    <button type="button" class="small copy-curl-secret" on:click={
                        let with_secret = with_secret.clone();
                        move |_| on_curl.run((with_secret.clone(), true))
                    }>
                        "Copy as curl with secret"
                    </button>
                </Show>
            </div>
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

fn toggle_in(open: &mut Vec<Check>, check: Check) {
    match open.iter().position(|c| *c == check) {
        Some(at) => {
            open.remove(at);
        }
        None => open.push(check),
    }
}

/// The ARIA tree keyboard pattern over the items currently shown.
mod keys {
    use super::*;
    use web_sys::HtmlElement;

    pub fn handle(
        ev: &leptos::ev::KeyboardEvent,
        open: RwSignal<Vec<Check>>,
        active: RwSignal<String>,
    ) {
        let items = visible_items();
        let Some(focused) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
        else {
            return;
        };
        let Some(at) = items
            .iter()
            .position(|item| item.is_same_node(Some(&focused)))
        else {
            return;
        };
        let item = &items[at];
        let key = item.get_attribute("data-key").unwrap_or_default();
        let check = Check::ALL.iter().copied().find(|c| c.id() == key);
        let parent = key.split_once('/').map(|(parent, _)| parent.to_string());
        let is_open = check.is_some_and(|c| open.with(|o| o.contains(&c)));
        let target = match ev.key().as_str() {
            "ArrowDown" => items.get(at + 1),
            "ArrowUp" => at.checked_sub(1).and_then(|i| items.get(i)),
            "Home" => items.first(),
            "End" => items.last(),
            "ArrowRight" => match check {
                Some(c) if !is_open => {
                    open.update(|o| o.push(c));
                    None
                }
                Some(_) => items.get(at + 1),
                None => None,
            },
            "ArrowLeft" => match (check, parent) {
                (Some(c), _) if is_open => {
                    open.update(|o| o.retain(|x| *x != c));
                    None
                }
                (None, Some(parent)) => items
                    .iter()
                    .find(|i| i.get_attribute("data-key").as_deref() == Some(&parent)),
                _ => None,
            },
            "Enter" | " " => {
                if let Some(c) = check {
                    open.update(|o| toggle_in(o, c));
                }
                None
            }
            _ => return,
        };
        ev.prevent_default();
        if let Some(next) = target {
            active.set(next.get_attribute("data-key").unwrap_or_default());
            let _ = next.focus();
        }
    }

    /// Tree items in page order that are on screen (not inside a closed node or filtered out).
    fn visible_items() -> Vec<HtmlElement> {
        let Some(list) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector_all("#decision-tree [role=treeitem]").ok())
        else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
            .filter(|el| el.offset_parent().is_some())
            .collect()
    }
}
