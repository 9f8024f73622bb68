//! The page: components that render state and hand events to the pure modules. Nothing here
//! decides anything a test would want to check; that lives in `inputs`, `link`, `relay` and
//! `engine`.

mod browser;
mod demo;
mod form;
mod tree;

use crate::config::SiteConfig;
use crate::engine::{CachedToken, Diagnosis, Tree};
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
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
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
    let (initial, notice) = form_from_address(&site.defaults);
    let form = RwSignal::new(initial);
    let mode = RwSignal::new(Mode::Real);
    // What the person typed for their own tenant, kept while the demo fills the form.
    let saved_form = StoredValue::new(None::<Form>);
    let tree = RwSignal::new(None::<Tree>);
    let phase = RwSignal::new(Phase::Idle);
    // The token of the last run, in memory only, reused while it is valid for the same inputs.
    let token = StoredValue::new(None::<CachedToken>);
    let cancel = StoredValue::new_local(None::<Rc<Cancel>>);

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

    let diagnose = Callback::new(move |inputs: Inputs| {
        if let Some(previous) = cancel.get_value() {
            previous.cancel();
        }
        let backend = match mode.get_untracked() {
            Mode::Real => Backend::Network { relay: inputs.relay.clone(), page_url: browser::page_url() },
            Mode::Demo(scenario) => Backend::Demo { tenant: Rc::new(RefCell::new(SimTenant::new())), scenario },
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

    let stop = Callback::new(move |()| {
        if let Some(handle) = cancel.get_value() {
            handle.cancel();
        }
        phase.set(Phase::Cancelled);
    });

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
            <DiagnoseForm form=form notice=notice demo=demo on_diagnose=diagnose running=running on_cancel=stop />
            <Result tree=tree.into() phase=phase.into() />
        </main>
        <footer class="colophon">
            "Agent State Doctor " {crate::VERSION}
            " · runs in your browser; secrets stay in this tab's memory."
        </footer>
    }
}

/// The verdict and the checks of the current or last run.
#[component]
fn Result(tree: Signal<Option<Tree>>, phase: Signal<Phase>) -> impl IntoView {
    let verdict = move || tree.with(|t| t.as_ref().and_then(|t| t.verdict.clone()));
    let status = move || match phase.get() {
        Phase::Idle => None,
        Phase::Running => Some("Diagnosing…".to_string()),
        Phase::Cancelled => Some("Cancelled: nothing more is sent. Press Diagnose to start again.".to_string()),
        Phase::Done => tree.with(|t| t.as_ref().filter(|t| t.verdict.is_none()).map(|t| t.summary.clone())),
    };
    view! {
        <Show when=move || tree.with(Option::is_some)>
            <section class="result" aria-labelledby="result-title" data-phase=move || format!("{:?}", phase.get()).to_lowercase()>
                <h2 id="result-title" class="visually-hidden">"Diagnosis"</h2>
                {move || status().map(|text| view! { <p class="notice" role="status" id="run-status">{text}</p> })}
                {move || (phase.get() == Phase::Done).then(verdict).flatten().map(|v| view! { <tree::VerdictPanel verdict=v /> })}
                <tree::CheckList tree=tree />
            </section>
        </Show>
    }
}
