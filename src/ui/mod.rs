//! The page: components that render state and hand events to the pure modules. Nothing here
//! decides anything a test would want to check; that lives in `session` (the page's state and
//! when a run may start), `inputs`, `link`, `relay` and `engine`.

mod browser;
mod demo;
mod export;
mod form;
mod open_report;
mod team;
mod tree;

use crate::chunks;
use crate::config::SiteConfig;
use crate::engine::{CachedToken, Exchange, Tree};
use crate::inputs::{Form, Inputs};
use crate::net::{self, Backend, Cancel};
use crate::run::Progress;
use crate::session::{Arrival, Blocked, RunPlan, Session, Target, Trigger};
use crate::sim::SimTenant;
use demo::ModePicker;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

pub use crate::session::LinkNotice;
pub use form::DiagnoseForm;

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
pub enum Phase {
    Idle,
    Running,
    Done,
    Cancelled,
}

impl Phase {
    /// The result's `data-phase`, which tests wait on.
    fn name(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Running => "running",
            Phase::Done => "done",
            Phase::Cancelled => "cancelled",
        }
    }
}

/// Reads the address bar into the session and writes back the address with any secret removed.
fn follow_address(session: &mut Session) {
    let (query, fragment) = browser::query_and_fragment();
    let address = session.follow_link(&query, &fragment);
    if address.changed {
        browser::replace_address(&address.query, &address.fragment);
    }
}

/// The whole page. The [`Session`] holds the state and its rules and is shared through
/// `provide_context`; `App` wires events to it and runs what [`Session::request_run`] allows.
#[component]
pub fn App(site: SiteConfig) -> impl IntoView {
    let mut initial = Session::new(
        site.defaults.clone(),
        &browser::page_url(),
        browser::is_framed(),
    );
    follow_address(&mut initial);
    let session = RwSignal::new(initial);
    provide_context(session);
    let tree = RwSignal::new(None::<Tree>);
    let phase = RwSignal::new(Phase::Idle);
    // The token of the last run, in memory only, reused while it is valid for the same inputs.
    let token = StoredValue::new(None::<CachedToken>);
    let cancel = StoredValue::new_local(None::<Rc<Cancel>>);
    // The inputs of the last run, secrets included, in memory only: for "Copy as curl with secret".
    let last_inputs = StoredValue::new(None::<Inputs>);
    // The form as it was for the last run, for the report's inputs (the report skips secrets).
    let last_form = StoredValue::new(None::<Form>);
    // Counts runs, so a page (or a test) can tell one finished run from the next.
    let runs = RwSignal::new(0u32);
    // The report opened (and diagnosed again), while its tree is the one shown.
    let opened = RwSignal::new(
        None::<(
            crate::report::replay::OpenedReport,
            crate::report::replay::Replayed,
        )>,
    );
    let open_error = RwSignal::new(String::new());
    // A chunk of the page (the demo's code) that could not load.
    let demo_error = RwSignal::new(String::new());
    // The diagnosis chunk (the engine's run, the transport, the result views): whether it is in,
    // whether it is on its way, and why it did not arrive (said beside the result).
    let diagnosis_ready = RwSignal::new(chunks::diagnosis_loaded());
    let diagnosis_loading = RwSignal::new(false);
    let diagnosis_error = RwSignal::new(String::new());
    // A run the session allowed before the diagnosis chunk was in: it starts when it arrives.
    let queued = StoredValue::new_local(None::<RunPlan>);
    let waiting = RwSignal::new(false);
    provide_context(open_report::ViewingReport(Signal::derive(move || {
        opened.with(Option::is_some)
    })));

    let launch = move |plan: RunPlan| {
        if let Some(previous) = cancel.get_value() {
            previous.cancel();
        }
        runs.update(|n| *n += 1);
        opened.set(None);
        open_error.set(String::new());
        let RunPlan {
            inputs,
            form,
            target,
            ..
        } = plan;
        last_inputs.set_value(Some(inputs.clone()));
        last_form.set_value(Some(form));
        let backend = backend_for(target);
        let now = net::wall_clock_ms();
        let cached = token.get_value().filter(|t| t.is_valid_for(&inputs, now));
        // Send first, render after: the first round leaves before the page redraws, and the
        // run draws its tree in the next frame.
        let finished = Rc::new(std::cell::Cell::new(false));
        let done = finished.clone();
        let report = Box::new(move |progress| match progress {
            Progress::Live(live) => tree.set(Some(live)),
            Progress::Done(report) => {
                done.set(true);
                token.set_value(report.token.clone());
                tree.set(Some(report.tree));
                phase.set(Phase::Done);
                // The verdict comes to the person, unless they are typing (the session decides).
                let focus = browser::focus_now();
                if session.try_update(|s| s.result_arrived(focus)) == Some(Arrival::TakeFocus) {
                    browser::bring_into_view("verdict");
                }
            }
        });
        // Only called once the chunk is in (`go` below); should it not be, nothing starts.
        let Ok(handle) = chunks::start_diagnosis_now(inputs, cached, now, backend, report) else {
            diagnosis_error.set(chunks::Unavailable.message("The diagnosis"));
            return;
        };
        cancel.set_value(Some(handle));
        // A run that ended at once (a form the engine refuses) has drawn its verdict already.
        if !finished.get() {
            phase.set(Phase::Running);
        }
    };

    // Brings the diagnosis chunk in, at the first sign of use and before any run; a run the
    // session allowed meanwhile starts when it arrives. A chunk that does not arrive is said
    // beside the result, the waiting run is dropped (nothing was sent), and the next sign of use
    // or the next Diagnose fetches it again.
    let load_diagnosis = Callback::new(move |()| {
        if diagnosis_ready.get_untracked() || diagnosis_loading.get_untracked() {
            return;
        }
        diagnosis_loading.set(true);
        leptos::task::spawn_local(async move {
            let loaded = chunks::load_diagnosis().await;
            diagnosis_loading.set(false);
            waiting.set(false);
            match loaded {
                Ok(()) => {
                    diagnosis_error.set(String::new());
                    diagnosis_ready.set(true);
                    if let Some(plan) = queued.try_update_value(Option::take).flatten() {
                        launch(plan);
                    }
                    chunks::rehearse_once(browser::page_url());
                }
                Err(unavailable) => {
                    queued.set_value(None);
                    diagnosis_error.set(unavailable.message("The diagnosis"));
                }
            }
        });
    });
    // A run the session allowed: now when the diagnosis chunk is in, else when it arrives.
    let go = move |plan: RunPlan| {
        if diagnosis_ready.get_untracked() {
            launch(plan);
        } else {
            queued.set_value(Some(plan));
            waiting.set(true);
            diagnosis_error.set(String::new());
            load_diagnosis.run(());
        }
    };

    // Every way to start a run ends here, and only the session decides whether it may.
    let request_run = Callback::new(move |trigger: Trigger| {
        let Some(result) = session.try_update(|s| s.request_run(trigger)) else {
            return;
        };
        demo_error.set(String::new());
        match result {
            // The demo's code is fetched on its first run; a run waits for it, and a chunk that
            // cannot load is said beside the tenant choice (the next run tries again).
            Ok(plan) if matches!(plan.target, Target::Demo(_)) && !crate::chunks::demo_loaded() => {
                load_diagnosis.run(());
                leptos::task::spawn_local(async move {
                    match crate::chunks::load_demo().await {
                        Ok(()) => go(plan),
                        Err(unavailable) => demo_error.set(unavailable.message("The demo")),
                    }
                });
            }
            Ok(plan) => go(plan),
            Err(blocked) => {
                if matches!(blocked, Blocked::Invalid(_)) {
                    // A form that fails validation ends any earlier result: one verdict at a time.
                    // So does it a run still waiting for the diagnosis chunk.
                    if let Some(handle) = cancel.get_value() {
                        handle.cancel();
                    }
                    queued.set_value(None);
                    waiting.set(false);
                    tree.set(None);
                    phase.set(Phase::Idle);
                }
                // After the form has opened (it may be folded) and drawn its messages.
                let id = blocked.focus();
                request_animation_frame(move || form::focus(id));
            }
        }
    });

    // A report opens only when it reads; a file that does not changes nothing but the message.
    // The code that opens a report is a chunk of the page, fetched on the first report opened.
    let open_text = Callback::new(move |text: String| {
        // Its tree is shown by the result views, in the diagnosis chunk.
        load_diagnosis.run(());
        leptos::task::spawn_local(async move {
            let opened_now = crate::chunks::open_report(&text, net::wall_clock_ms()).await;
            match opened_now {
                Err(unavailable) => open_error.set(unavailable.message("Opening a report")),
                Ok(Ok((report, replayed))) => {
                    if let Some(handle) = cancel.get_value() {
                        handle.cancel();
                    }
                    runs.update(|n| *n += 1);
                    last_inputs.set_value(None);
                    last_form.set_value(Some(report.form.clone()));
                    tree.set(Some(replayed.tree.clone()));
                    phase.set(Phase::Done);
                    open_error.set(String::new());
                    opened.set(Some((report, replayed)));
                }
                Ok(Err(error)) => open_error.set(error.to_string()),
            }
        });
    });

    let stop = Callback::new(move |()| {
        if let Some(handle) = cancel.get_value() {
            handle.cancel();
        }
        phase.set(Phase::Cancelled);
    });

    let run_again = Callback::new(move |()| request_run.run(Trigger::RunAgain));

    // The Team view: a sweep asks the session like every run, with the same credentials, and
    // hands its token back for the single diagnosis of a row.
    let plan_sweep: team::PlanSweep = Callback::new(move |()| {
        let result = session.try_update(|s| s.request_run(Trigger::Sweep))?;
        match result {
            Ok(plan) => {
                let now = net::wall_clock_ms();
                let cached = token
                    .get_value()
                    .filter(|t| t.is_valid_for(&plan.inputs, now));
                Some((plan.inputs, plan.form, backend_for(plan.target), cached))
            }
            Err(blocked) => {
                form::focus(blocked.focus());
                None
            }
        }
    });
    let keep_token = Callback::new(move |t: CachedToken| token.set_value(Some(t)));
    let open_row = Callback::new(move |row: crate::engine::SweepRow| {
        session.update(|s| team_row_into_form(s, &row));
        request_run.run(Trigger::TeamRow);
        form::focus("result-title");
    });
    let (link_query, link_fragment) = browser::query_and_fragment();
    let (_, link_team, link_ids) = crate::team::read_link(&link_query, &link_fragment);

    let copy_notice = RwSignal::new(String::new());
    let last_run = Callback::new(move |()| {
        let form = last_form.get_value()?;
        Some((tree.get_untracked()?, form))
    });
    let copy_curl = Callback::new(move |(exchange, with_secret): (Exchange, bool)| {
        let inputs = with_secret.then(|| last_inputs.get_value()).flatten();
        export::copy_curl(exchange, inputs, token.get_value(), copy_notice);
    });

    // A link pasted into the address bar of the open page changes only the fragment: the session
    // reads it as on opening (secrets scrubbed, destination to confirm), keeping typed secrets.
    let _ = window_event_listener(leptos::ev::hashchange, move |_| {
        session.update(follow_address);
    });

    let running = Signal::derive(move || phase.get() == Phase::Running);
    // The first sign of use: focus or input anywhere in the page's main part (the form, the
    // tenant choice, the result, the Team view) brings the diagnosis chunk in.
    let args = ResultArgs {
        tree: tree.into(),
        phase: phase.into(),
        last_run,
        on_run_again: run_again,
        on_curl: copy_curl,
        notice: copy_notice,
    };

    view! {
        <header class="masthead">
            <h1>"Agent State Doctor"</h1>
            <p class="tagline">
                "Why does a NICE CXone agent show as not logged in, or the API answer "
                <code>"[]"</code>" or "<code>"{}"</code>"? Enter the tenant, credentials and user, then Diagnose."
            </p>
        </header>
        <main on:focusin=move |_| load_diagnosis.run(()) on:input=move |_| load_diagnosis.run(())>
            {(!site.problems.is_empty()).then(|| view! {
                <div class="notice warn" id="config-problems">
                    <p>"This site's config.json has values that were ignored:"</p>
                    <ul>{site.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
            <ModePicker />
            <p class="notice warn" role="alert" id="demo-error" class:hidden=no_message(demo_error)>
                {text(move || demo_error.get())}
            </p>
            <DiagnoseForm on_run=request_run running=running on_cancel=stop />
            <open_report::OpenReport on_text=open_text error=open_error />
            <open_report::ReportBanner opened=opened />
            <Result args=args runs=runs.into() ready=diagnosis_ready loading=diagnosis_loading waiting=waiting
                error=diagnosis_error on_load=load_diagnosis />
            <team::TeamView plan=plan_sweep on_token=keep_token on_open=open_row
                initial_team=link_team initial_ids=link_ids />
        </main>
        <footer class="colophon">
            "Agent State Doctor " {crate::VERSION}
            " · runs in your browser; secrets stay in this tab's memory."
        </footer>
    }
}

/// A text that changes. Boxed, so that every such text on the page has one type and the code
/// that renders and redraws a reactive text is there once, not once per closure.
type Text = Box<dyn Fn() -> String + Send + Sync>;

fn text(read: impl Fn() -> String + Send + Sync + 'static) -> Text {
    Box::new(read)
}

/// A yes or no that changes, for `class:` and boolean attributes: boxed like [`Text`], so the code
/// that sets and updates such an attribute is there once for all of them.
type Flag = Box<dyn Fn() -> bool + Send + Sync>;

fn flag(read: impl Fn() -> bool + Send + Sync + 'static) -> Flag {
    Box::new(read)
}

/// Whether a message is empty, for the `class:hidden` of the paragraph that shows it.
fn no_message(message: RwSignal<String>) -> Flag {
    flag(move || message.with(String::is_empty))
}

/// Where a run's requests go, as the transport knows it.
fn backend_for(target: Target) -> Backend {
    match target {
        Target::Network { relay } => Backend::Network {
            relay,
            page_url: browser::page_url(),
        },
        Target::Demo(scenario) => Backend::Demo {
            tenant: Rc::new(RefCell::new(SimTenant::new())),
            scenario,
        },
    }
}

/// A Team row's agent in the form's ID fields (tenant and credentials stay): its user ID and
/// agent ID when known (both: the diagnosis then cross-checks them, without paging for the
/// user), else the ID that was pasted.
fn team_row_into_form(session: &mut Session, row: &crate::engine::SweepRow) {
    use crate::inputs::Field;
    let user = row.user_id.clone().unwrap_or_default();
    let agent = row.agent_id.clone().unwrap_or_default();
    if user.is_empty() && agent.is_empty() {
        session.edit(Field::UserId, row.typed.as_deref().unwrap_or_default());
        session.edit(Field::AgentId, "");
    } else {
        session.edit(Field::UserId, &user);
        session.edit(Field::AgentId, &agent);
    }
}

/// What the result views need from the page (all `Copy`: signals and callbacks), handed to the
/// diagnosis chunk that builds them (`chunks::result_view`).
#[derive(Clone, Copy)]
pub struct ResultArgs {
    tree: Signal<Option<Tree>>,
    phase: Signal<Phase>,
    last_run: Callback<(), Option<(Tree, Form)>>,
    on_run_again: Callback<()>,
    on_curl: tree::CopyCurl,
    notice: RwSignal<String>,
}

/// The result section. Its content (the verdict, the report tools and the decision tree of the
/// current or last run; before any run, the tree alone, to explore) is built by the diagnosis
/// chunk once it is in (`data-diagnosis="ready"`, which tests and the benchmark wait on); until
/// then the section holds its title and a button that brings the chunk in.
#[component]
fn Result(
    args: ResultArgs,
    runs: Signal<u32>,
    ready: RwSignal<bool>,
    loading: RwSignal<bool>,
    waiting: RwSignal<bool>,
    error: RwSignal<String>,
    on_load: Callback<()>,
) -> impl IntoView {
    let phase = args.phase;
    let state = move || {
        if ready.get() {
            "ready"
        } else if loading.get() {
            "loading"
        } else {
            "absent"
        }
    };
    let content = move || {
        if !ready.get() {
            return None;
        }
        // Built once per arrival of the chunk, not tracked by this closure.
        untrack(|| chunks::result_view_now(args).ok())
    };
    let load = move |ev: leptos::ev::PointerEvent| {
        on_load.run(());
        export::preload_for(ev);
    };
    view! {
        // The exports' chunk, fetched ahead of a copy once the report toolbar or a curl button
        // first gets the pointer or focus (`export::preload_for`); the diagnosis chunk, once the
        // pointer enters the section (focus in it counts as a first use, `App`).
        <section class="result" aria-labelledby="result-title" data-run=move || runs.get()
            data-phase=move || phase.get().name() data-diagnosis=state
            on:pointerover=load on:focusin=export::preload_for>
            <p class="notice warn" role="alert" id="diagnosis-error" class:hidden=no_message(error)>
                {text(move || error.get())}
            </p>
            {move || (!ready.get()).then(|| view! {
                {move || waiting.get().then(|| view! {
                    <p class="notice" role="status" id="run-status">"Diagnosing… (loading the diagnosis)"</p>
                })}
                <h2 id="result-title">{title(phase)}</h2>
                <p class="hint tree-hint">
                    "Every check the diagnosis makes, in order, with what each possible answer means."
                </p>
                <button type="button" id="show-checks" on:click=move |_| on_load.run(())>
                    "Show the checks"
                </button>
            })}
            {content}
        </section>
    }
}

/// The result section's title.
fn title(phase: Signal<Phase>) -> impl Fn() -> &'static str + Send + Sync + Copy {
    move || match phase.get() {
        Phase::Idle => "How the diagnosis decides",
        _ => "The checks",
    }
}

/// Builds the result views for the finished `tree` in an element outside the document and takes
/// them down at once: the rehearsal's last step (`src/rehearsal.rs`), so that the first real
/// verdict is drawn by code the browser has already compiled. Nothing is drawn, focused or
/// announced, and the page's own signals are not touched.
pub fn rehearse_result(tree: Tree) {
    use wasm_bindgen::JsCast;
    let parent = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("div").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    let Some(parent) = parent else {
        return;
    };
    let shown = leptos::mount::mount_to(parent, move || {
        result_content(ResultArgs {
            tree: Signal::stored(Some(tree)),
            phase: Signal::stored(Phase::Done),
            last_run: Callback::new(|()| None),
            on_run_again: Callback::new(|()| {}),
            on_curl: Callback::new(|_| {}),
            notice: RwSignal::new(String::new()),
        })
    });
    drop(shown);
}

/// The result section's content once the diagnosis chunk is in (called there:
/// `chunks::result_view`): the status, the verdict, the report tools and the decision tree.
pub fn result_content(args: ResultArgs) -> AnyView {
    let ResultArgs {
        tree,
        phase,
        last_run,
        on_run_again,
        on_curl,
        notice,
    } = args;
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
    // Memos, as <Show> had: setting the same phase again does not rebuild what they show. The
    // report tools act on the finished tree, so they come with it (a run's verdict is drawn a
    // frame before its finished tree: `run.rs`).
    let done = Memo::new(move |_| {
        phase.get() == Phase::Done && tree.with(|t| t.as_ref().is_some_and(|t| t.finished))
    });
    let idle = Memo::new(move |_| phase.get() == Phase::Idle);
    // The verdict shown: a memo, so that the finished tree (a frame after the verdict) does not
    // draw the same verdict again. A new panel would be a new element, and the focus the verdict
    // took (`bring_into_view`) would fall to the page's body.
    let shown_verdict = Memo::new(move |_| (phase.get() == Phase::Done).then(verdict).flatten());
    view! {
        {move || status().map(|text| view! { <p class="notice" role="status" id="run-status">{text}</p> })}
        {move || shown_verdict.get().map(|v| view! { <tree::VerdictPanel verdict=v /> })}
        {move || done.get().then(|| view! {
            <export::ReportBar last_run=last_run problems_only=problems_only on_run_again=on_run_again notice=notice />
        })}
        <p class="notice copy-notice" aria-live="polite" id="copy-notice" class:hidden=no_message(notice)>
            {text(move || notice.get())}
        </p>
        <h2 id="result-title">{title(phase)}</h2>
        {move || idle.get().then(|| view! {
            <p class="hint tree-hint">
                "Every check the diagnosis makes, in order. Open one (click, or arrow keys then Enter) to see "
                "its branches: what each possible answer means and the verdict it leads to."
            </p>
        })}
        <tree::DecisionTree tree=tree problems_only=problems_only.into() on_curl=on_curl />
    }
    .into_any()
}
