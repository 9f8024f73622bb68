//! The page: components that render state and hand events to the pure modules. Nothing here
//! decides anything a test would want to check; that lives in `inputs`, `link`, `relay` and
//! `engine`.

mod browser;
mod demo;
mod export;
mod form;
mod tree;

use crate::config::SiteConfig;
use crate::engine::{CachedToken, Diagnosis, Exchange, Tree};
use crate::inputs::{Form, Inputs};
use crate::link;
use crate::net::{self, Backend, Cancel};
use crate::run::{self, Progress};
use crate::sim::SimTenant;
use demo::{Mode, ModePicker};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

pub use form::DiagnoseForm;

/// What the page learned from the link it was opened with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkNotice {
    /// A secret was in the link; it was ignored and removed from the address bar.
    pub scrubbed_secret: bool,
    /// Keys the page does not know.
    pub unknown_keys: Vec<String>,
    /// The link chose where credentials go; nothing is sent until the person confirms.
    pub needs_confirmation: bool,
}

/// A bug must never leave a blank page: say so on the page and in the console, keep the form.
pub fn show_panics_on_the_page() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("Agent State Doctor stopped on an internal error: {info}");
        web_sys::console::error_1(&message.as_str().into());
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let (Some(body), Ok(note)) = (document.body(), document.create_element("p")) {
            note.set_class_name("notice warn crash");
            note.set_attribute("role", "alert").ok();
            note.set_text_content(Some(&format!(
                "{message}. What you typed is still in the form above, but the page cannot continue: \
                 copy what you need, then reload. Please report this error."
            )));
            body.prepend_with_node_1(&note).ok();
        }
    }));
}

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    Running,
    Done,
    Cancelled,
}

/// Reads the address bar once at start, over the site's defaults: fills the form, scrubs any
/// secret from the address bar.
fn form_from_address(defaults: &Form) -> (Form, LinkNotice) {
    let (query, fragment) = browser::query_and_fragment();
    let read = link::read(&query, &fragment, defaults);
    if read.had_secret {
        let (query, fragment) = link::scrub(&query, &fragment);
        browser::replace_address(&query, &fragment);
    }
    let notice = LinkNotice {
        scrubbed_secret: read.had_secret,
        unknown_keys: read.unknown.clone(),
        needs_confirmation: read.routes_credentials(),
    };
    (read.form, notice)
}

/// The whole page.
#[component]
pub fn App(site: SiteConfig) -> impl IntoView {
    let (initial, first_notice) = form_from_address(&site.defaults);
    let confirmed = RwSignal::new(!first_notice.needs_confirmation);
    let notice = RwSignal::new(first_notice);
    let form = RwSignal::new(initial);
    let mode = RwSignal::new(Mode::Real);
    // What the person typed for their own tenant, kept while the demo fills the form.
    let saved_form = StoredValue::new(None::<Form>);
    let tree = RwSignal::new(None::<Tree>);
    let phase = RwSignal::new(Phase::Idle);
    // The token of the last run, in memory only, reused while it is valid for the same inputs.
    let token = StoredValue::new(None::<CachedToken>);
    let cancel = StoredValue::new_local(None::<Rc<Cancel>>);
    // The inputs of the last run, secrets included, in memory only: for "Copy as curl with secret".
    let last_inputs = StoredValue::new(None::<Inputs>);
    // The form as it was for the last run, for the report's inputs (the report skips secrets).
    let last_form = StoredValue::new(None::<Form>);

    let change_mode = Callback::new(move |next: Mode| {
        match (mode.get_untracked(), next) {
            (Mode::Real, Mode::Demo(_)) => saved_form.set_value(Some(form.get_untracked())),
            (Mode::Demo(_), Mode::Real) => {
                if let Some(saved) = saved_form.get_value() {
                    form.set(saved);
                }
            }
            _ => {}
        }
        if let Mode::Demo(scenario) = next {
            form.set(scenario.form());
        }
        mode.set(next);
    });

    // Counts runs, so a page (or a test) can tell one finished run from the next.
    let runs = RwSignal::new(0u32);
    let diagnose = Callback::new(move |inputs: Inputs| {
        if let Some(previous) = cancel.get_value() {
            previous.cancel();
        }
        runs.update(|n| *n += 1);
        last_inputs.set_value(Some(inputs.clone()));
        last_form.set_value(Some(form.get_untracked()));
        let backend = match mode.get_untracked() {
            Mode::Real => Backend::Network {
                relay: inputs.relay.clone(),
                page_url: browser::page_url(),
            },
            Mode::Demo(scenario) => Backend::Demo {
                tenant: Rc::new(RefCell::new(SimTenant::new())),
                scenario,
            },
        };
        let now = net::wall_clock_ms();
        let cached = token.get_value().filter(|t| t.is_valid_for(&inputs, now));
        let diagnosis = Diagnosis::new(inputs, cached, now);
        tree.set(Some(diagnosis.tree()));
        phase.set(Phase::Running);
        let handle = run::start(diagnosis, backend, move |progress| match progress {
            Progress::Live(live) => tree.set(Some(live)),
            Progress::Done(report) => {
                token.set_value(report.token.clone());
                tree.set(Some(report.tree));
                phase.set(Phase::Done);
            }
        });
        cancel.set_value(Some(handle));
    });

    // A form that fails validation ends any earlier result: one verdict on the page at a time.
    let clear = Callback::new(move |()| {
        if let Some(handle) = cancel.get_value() {
            handle.cancel();
        }
        tree.set(None);
        phase.set(Phase::Idle);
    });

    let stop = Callback::new(move |()| {
        if let Some(handle) = cancel.get_value() {
            handle.cancel();
        }
        phase.set(Phase::Cancelled);
    });

    // Run again: the current form, diagnosed again; a still-valid token is reused.
    let run_again = Callback::new(move |()| {
        if let Ok(inputs) = form.with_untracked(Form::validate) {
            diagnose.run(inputs);
        }
    });

    let copy_notice = RwSignal::new(String::new());
    let markdown = Callback::new(move |()| {
        let form = last_form.get_value()?;
        tree.with_untracked(|t| {
            t.as_ref()
                .map(|t| crate::report::markdown(t, &form, crate::VERSION))
        })
    });
    let json = Callback::new(move |()| {
        let form = last_form.get_value()?;
        tree.with_untracked(|t| {
            t.as_ref()
                .map(|t| crate::report::json(t, &form, crate::VERSION))
        })
    });
    let copy_curl = Callback::new(move |(exchange, with_secret): (Exchange, bool)| {
        let secrets = with_secret
            .then(|| {
                last_inputs
                    .get_value()
                    .map(|i| crate::report::curl_secrets(&i, token.get_value().as_ref()))
            })
            .flatten();
        let command = crate::report::curl(&exchange, secrets.as_ref());
        let what = if with_secret {
            "curl command with the secret"
        } else {
            "curl command (placeholders for secrets)"
        };
        export::copy_with_notice(command, what, copy_notice);
    });

    // A link pasted into the address bar of the open page changes only the fragment: read it as
    // on opening (secrets scrubbed, destination confirmed), keeping the secrets already typed.
    let defaults = site.defaults.clone();
    let on_link = move || {
        let (next, next_notice) = form_from_address(&defaults);
        let typed = match mode.get_untracked() {
            Mode::Real => form.get_untracked(),
            Mode::Demo(_) => saved_form.get_value().unwrap_or_default(),
        };
        let mut next = next;
        for field in crate::inputs::Field::ALL
            .into_iter()
            .filter(|f| f.is_secret())
        {
            next.set(field, typed.get(field));
        }
        if next_notice.needs_confirmation {
            confirmed.set(false);
        }
        mode.set(Mode::Real);
        form.set(next);
        notice.set(next_notice);
    };
    let _ = window_event_listener(leptos::ev::hashchange, move |_| on_link());

    let demo = Signal::derive(move || matches!(mode.get(), Mode::Demo(_)));
    let running = Signal::derive(move || phase.get() == Phase::Running);

    view! {
        <header class="masthead">
            <h1>"Agent State Doctor"</h1>
            <p class="tagline">
                "Why does a NICE CXone agent show as not logged in, or the API answer "
                <code>"[]"</code>" or "<code>"{}"</code>"? Enter the tenant, credentials and user, then Diagnose."
            </p>
        </header>
        <main>
            {(!site.problems.is_empty()).then(|| view! {
                <div class="notice warn" id="config-problems">
                    <p>"This site's config.json has values that were ignored:"</p>
                    <ul>{site.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
            <ModePicker mode=mode on_change=change_mode />
            <DiagnoseForm form=form notice=notice confirmed=confirmed demo=demo on_diagnose=diagnose on_invalid=clear running=running on_cancel=stop />
            <Result tree=tree.into() phase=phase.into() runs=runs.into() markdown=markdown json=json on_run_again=run_again
                on_curl=copy_curl notice=copy_notice />
        </main>
        <footer class="colophon">
            "Agent State Doctor " {crate::VERSION}
            " · runs in your browser; secrets stay in this tab's memory."
        </footer>
    }
}

/// The verdict, the report tools and the decision tree of the current or last run; before any
/// run, the tree alone, to explore.
#[component]
fn Result(
    tree: Signal<Option<Tree>>,
    phase: Signal<Phase>,
    runs: Signal<u32>,
    markdown: Callback<(), Option<String>>,
    json: Callback<(), Option<String>>,
    on_run_again: Callback<()>,
    on_curl: tree::CopyCurl,
    notice: RwSignal<String>,
) -> impl IntoView {
    let problems_only = RwSignal::new(false);
    let verdict = move || tree.with(|t| t.as_ref().and_then(|t| t.verdict.clone()));
    let status = move || match phase.get() {
        Phase::Idle => None,
        Phase::Running => Some("Diagnosing…".to_string()),
        Phase::Cancelled => {
            Some("Cancelled: nothing more is sent. Press Diagnose to start again.".to_string())
        }
        Phase::Done => tree.with(|t| {
            t.as_ref()
                .filter(|t| t.verdict.is_none())
                .map(|t| t.summary.clone())
        }),
    };
    let title = move || match phase.get() {
        Phase::Idle => "How the diagnosis decides",
        _ => "The checks",
    };
    view! {
        <section class="result" aria-labelledby="result-title" data-run=move || runs.get()
            data-phase=move || format!("{:?}", phase.get()).to_lowercase()>
            {move || status().map(|text| view! { <p class="notice" role="status" id="run-status">{text}</p> })}
            {move || (phase.get() == Phase::Done).then(verdict).flatten().map(|v| view! { <tree::VerdictPanel verdict=v /> })}
            <Show when=move || phase.get() == Phase::Done>
                <export::ReportBar markdown=markdown json=json problems_only=problems_only on_run_again=on_run_again notice=notice />
            </Show>
            <p class="notice copy-notice" aria-live="polite" id="copy-notice" class:hidden=move || notice.with(String::is_empty)>
                {move || notice.get()}
            </p>
            <h2 id="result-title">{title}</h2>
            <Show when=move || phase.get() == Phase::Idle>
                <p class="hint tree-hint">
                    "Every check the diagnosis makes, in order. Open one (click, or arrow keys then Enter) to see "
                    "its branches: what each possible answer means and the verdict it leads to."
                </p>
            </Show>
            <tree::DecisionTree tree=tree problems_only=problems_only.into() on_curl=on_curl />
        </section>
    }
}
