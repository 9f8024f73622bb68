//! The page's split points: code a first visit does not need, loaded from its own WebAssembly
//! file the first time the person uses it (see docs/architecture.md, "Code loaded on demand").
//!
//! Each function here is declared with [`on_demand!`]. In the page's release build (the cargo
//! feature `split`, set only by `scripts/build-wasm.mjs`), it becomes a `wasm_split` import: the
//! linked module is split after the link (`tools/wasm-split`), the function and everything only
//! it reaches go to the chunk named after it, and the first call fetches that chunk. Without
//! the feature (tests, `cargo test --target wasm32-unknown-unknown`, dev builds) the same async
//! function calls the code directly and never fails.
//!
//! A chunk that cannot be fetched (offline, blocked) is an [`Unavailable`], never a panic: the
//! caller says so on the page, and the next call tries again.

use crate::engine::{
    CachedToken, Diagnosis, Exchange, Request, RequestKind, Sweep, SweepTarget, Tree,
};
use crate::inputs::{Form, Inputs};
use crate::net::{Backend, Cancel};
use crate::report::replay::{OpenError, OpenedReport, Replayed};
use crate::run::{self, Progress};
use crate::sim::{Scenario, SimRequest, SimResponse, SimTenant};
use crate::sweep_run::{self, SweepUpdate};
use crate::team::TeamTable;
use std::cell::RefCell;
use std::rc::Rc;

/// A chunk of the page did not load (its file could not be fetched or instantiated); the
/// browser's console has the details. Nothing is cached: the next call fetches it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unavailable;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for Unavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Unavailable
    }
}

impl Unavailable {
    /// The page's sentence for a part of it (`what`: "The demo") that did not load.
    pub fn message(self, what: &str) -> String {
        format!(
            "{what} could not load: its part of the page did not arrive from the server \
             (offline, or blocked by an extension, a proxy or a policy). \
             Check the connection and try again; the rest of the page keeps working."
        )
    }
}

/// Declares an async function whose body lives in its own chunk in the split build.
/// `in chunk <name>:` names the chunk (functions naming the same chunk share it).
macro_rules! on_demand {
    (
        $(#[$meta:meta])*
        in chunk $chunk:ident:
        $vis:vis fn $name:ident ( $( $arg:ident : $ty:ty ),* $(,)? ) -> $ret:ty $body:block
    ) => {
        $(#[$meta])*
        #[cfg(feature = "split")]
        #[::leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        $vis fn $name( $( $arg : $ty ),* ) -> ::core::result::Result<$ret, $crate::chunks::Unavailable> {
            ::core::result::Result::Ok($body)
        }

        $(#[$meta])*
        #[cfg(not(feature = "split"))]
        $vis async fn $name( $( $arg : $ty ),* ) -> ::core::result::Result<$ret, $crate::chunks::Unavailable> {
            ::core::result::Result::Ok($body)
        }
    };
}

on_demand! {
    /// The simulated tenant's answer to one request of a Demo run (chunk `demo`: `src/sim/*`
    /// and its texts). The relay probe names the scenario, as the demo transport must.
    in chunk demo:
    pub fn demo_answer(
        tenant: &RefCell<SimTenant>,
        scenario: Scenario,
        request: &Request,
    ) -> SimResponse {
        let sim_request = match request.kind {
            RequestKind::RelayHealth => SimRequest::relay_health(Some(scenario)),
            _ => SimRequest::from(request),
        };
        let answer = tenant.borrow_mut().answer(&sim_request);
        answer
    }
}

on_demand! {
    /// Starts a diagnosis and answers the handle that cancels it (chunk `diagnosis`: the engine
    /// and the transport code only a run reaches, `src/run.rs`). Called through
    /// [`start_diagnosis_now`] once [`load_diagnosis`] has brought the chunk in.
    in chunk diagnosis:
    pub fn start_diagnosis(
        inputs: Inputs,
        cached: Option<CachedToken>,
        now_ms: u64,
        backend: Backend,
        report: Box<dyn Fn(Progress)>,
    ) -> Rc<Cancel> {
        run::start(Diagnosis::new(inputs, cached, now_ms), backend, report)
    }
}

on_demand! {
    /// The result section's content: the run's status, the verdict panel, the report bar and the
    /// decision tree (chunk `diagnosis`: `src/ui/tree.rs`, the report bar of `src/ui/export.rs`).
    /// Built through [`result_view_now`] once the chunk is in.
    in chunk diagnosis:
    pub fn result_view(args: crate::ui::ResultArgs) -> leptos::prelude::AnyView {
        crate::ui::result_content(args)
    }
}

on_demand! {
    /// Plays the rehearsal of a diagnosis (chunk `diagnosis`: `src/rehearsal.rs`) when the
    /// browser is next idle, nothing sent. Called through [`rehearse_once`].
    in chunk diagnosis:
    pub fn rehearse(page_url: String) -> () {
        crate::rehearsal::when_idle(page_url)
    }
}

on_demand! {
    /// Starts a Team sweep and answers the handle that cancels it (chunk `team`: the sweep
    /// machine `src/engine/sweep/*` and its driver `src/sweep_run.rs`). The table and its
    /// exports stay with the Team view.
    in chunk team:
    pub fn start_sweep(
        inputs: Inputs,
        team: String,
        ids: String,
        cached: Option<CachedToken>,
        now_ms: u64,
        backend: Backend,
        report: Box<dyn Fn(SweepUpdate)>,
    ) -> Rc<Cancel> {
        let target = SweepTarget::parse(&team, &ids);
        let sweep = Sweep::new(inputs, target, cached, now_ms);
        sweep_run::start(sweep, backend, report)
    }
}

on_demand! {
    /// Opens a saved JSON report and diagnoses it again (chunk `report`:
    /// `src/report/replay.rs` and the JSON reading it needs).
    in chunk report:
    pub fn open_report(
        text: &str,
        now_ms: u64,
    ) -> Result<(OpenedReport, Replayed), OpenError> {
        crate::report::replay::open_and_replay(text, now_ms)
    }
}

on_demand! {
    /// Site defaults that the page's own reader leaves to serde_json (escapes, fractions, text
    /// that is not JSON: `SiteConfig::read_plain`), read with its messages (chunk `report`).
    in chunk report:
    pub fn read_site_config(text: &str, name: &str) -> crate::config::SiteConfig {
        crate::config::SiteConfig::read_json(text, name)
    }
}

on_demand! {
    /// The Markdown summary of a run (chunk `export`: `src/report/markdown.rs`, with the
    /// scrubbing of secrets it shares with the JSON report).
    in chunk export:
    pub fn export_markdown(tree: &Tree, form: &Form) -> String {
        crate::report::markdown(tree, form, crate::VERSION)
    }
}

on_demand! {
    /// The JSON report of a run (chunk `export`: `src/report/json.rs`).
    in chunk export:
    pub fn export_json(tree: &Tree, form: &Form) -> String {
        crate::report::json(tree, form, crate::VERSION)
    }
}

on_demand! {
    /// One exchange as a curl command (chunk `export`: `src/report/curl.rs`): with placeholders,
    /// or, given the run's inputs (and its token), with the secrets.
    in chunk export:
    pub fn export_curl(
        exchange: &Exchange,
        inputs: Option<&Inputs>,
        token: Option<&CachedToken>,
    ) -> String {
        let secrets = inputs.map(|i| crate::report::curl_secrets(i, token));
        crate::report::curl(exchange, secrets.as_ref())
    }
}

on_demand! {
    /// The Team table as CSV (chunk `export`).
    in chunk export:
    pub fn export_team_csv(table: &TeamTable) -> String {
        table.csv()
    }
}

on_demand! {
    /// The Team table as Markdown (chunk `export`).
    in chunk export:
    pub fn export_team_markdown(table: &TeamTable) -> String {
        table.markdown()
    }
}

/// Fetches the export chunk ahead of a copy or download (when the report toolbar or a curl
/// button first gets the pointer or focus): a clipboard write must happen within the click's
/// user activation (about five seconds in Chromium), so the click should not wait for a slow
/// fetch. A failure here is silent; the export itself tries again and says so.
pub fn preload_export() {
    #[cfg(feature = "split")]
    {
        if EXPORT_PRELOADING.with(|p| p.replace(true)) {
            return;
        }
        leptos::task::spawn_local(async {
            if __wasm_split_preload_export_markdown().await.is_err() {
                EXPORT_PRELOADING.with(|p| p.set(false));
            }
        });
    }
}

#[cfg(feature = "split")]
thread_local! {
    static EXPORT_PRELOADING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Brings the diagnosis chunk in (the engine, the transport, the result views): at the first
/// sign of use (the form or the result section gets focus, input or the pointer), and before
/// any run. Several calls while it loads share one fetch; a failure is not cached, the next
/// call fetches it again.
pub async fn load_diagnosis() -> Result<(), Unavailable> {
    #[cfg(feature = "split")]
    {
        // Each split function keeps its own loader state: both are asked (the second finds
        // the chunk already fetched), so that both are ready at the first poll afterwards.
        __wasm_split_preload_start_diagnosis().await?;
        __wasm_split_preload_result_view().await?;
        Ahead::Diagnosis.arrived();
    }
    Ok(())
}

/// Whether the diagnosis chunk is in the page (always, in a build without the split).
pub fn diagnosis_loaded() -> bool {
    Ahead::Diagnosis.is_in()
}

/// The chunks the page brings in ahead of their use ([`load_diagnosis`], [`load_demo`]), so
/// that their calls then start at once.
#[derive(Clone, Copy)]
enum Ahead {
    Diagnosis = 0,
    Demo = 1,
}

thread_local! {
    /// Per [`Ahead`], whether it is in (from the start, in a build without the split).
    static AHEAD_IN: std::cell::Cell<[bool; 2]> =
        const { std::cell::Cell::new([!cfg!(feature = "split"); 2]) };
}

impl Ahead {
    fn is_in(self) -> bool {
        AHEAD_IN.with(|chunks| chunks.get()[self as usize])
    }

    #[cfg(feature = "split")]
    fn arrived(self) {
        AHEAD_IN.with(|chunks| {
            let mut now = chunks.get();
            now[self as usize] = true;
            chunks.set(now);
        });
    }
}

/// [`start_diagnosis`] at once, without a turn of the event loop: the first round leaves within
/// the click. `Err` when the chunk is not in yet (call [`load_diagnosis`] first).
pub fn start_diagnosis_now(
    inputs: Inputs,
    cached: Option<CachedToken>,
    now_ms: u64,
    backend: Backend,
    report: Box<dyn Fn(Progress)>,
) -> Result<Rc<Cancel>, Unavailable> {
    if !diagnosis_loaded() {
        return Err(Unavailable);
    }
    ready_now(start_diagnosis(inputs, cached, now_ms, backend, report))
}

/// Plays the rehearsal (`src/rehearsal.rs`) once per page, once the diagnosis chunk is in: the
/// first real run then finds its code compiled. Does nothing before the chunk is in, or a
/// second time.
pub fn rehearse_once(page_url: String) {
    if !diagnosis_loaded() || REHEARSED.with(|r| r.replace(true)) {
        return;
    }
    // Its own split function: its loader finds the chunk already fetched.
    leptos::task::spawn_local(async move {
        let _ = rehearse(page_url).await;
    });
}

thread_local! {
    static REHEARSED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// [`result_view`] at once, for a reactive view. `Err` when the chunk is not in yet.
pub fn result_view_now(
    args: crate::ui::ResultArgs,
) -> Result<leptos::prelude::AnyView, Unavailable> {
    if !diagnosis_loaded() {
        return Err(Unavailable);
    }
    ready_now(result_view(args))
}

/// Polls a split function's call once. Once its chunk is in, the call's load step is ready at
/// the first poll (the loader keeps its result), so the call completes within this one.
fn ready_now<T>(
    call: impl std::future::Future<Output = Result<T, Unavailable>>,
) -> Result<T, Unavailable> {
    use std::task::{Context, Poll, Waker};
    let mut call = std::pin::pin!(call);
    match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(Unavailable),
    }
}

/// Loads the demo's chunk before a Demo run starts, so that a chunk that cannot load is said
/// on the page once, before the run (not as a failed request in the middle of a diagnosis).
pub async fn load_demo() -> Result<(), Unavailable> {
    #[cfg(feature = "split")]
    {
        __wasm_split_preload_demo_answer().await?;
        Ahead::Demo.arrived();
    }
    Ok(())
}

/// Whether the demo's chunk is in the page (always, in a build without the split): a Demo run
/// then starts at once, like any other.
pub fn demo_loaded() -> bool {
    Ahead::Demo.is_in()
}
