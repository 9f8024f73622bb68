//! Drives one [`Diagnosis`] over a [`Backend`]: sends each round's requests in parallel, hands
//! every answer back as it arrives, and reports the live tree at most once per browser frame.
//!
//! Send first, render after: when an answer completes a round, the next round's requests are
//! handed to `fetch` before anything is drawn; the tree is drawn in the next animation frame, once
//! for every answer that arrived since the last frame (the first round's tree too: the page draws
//! nothing of a run before its first requests have left), and not while a round is half
//! answered (its last answer, and the next round, would wait for the drawing; see
//! [`render_next_frame`]). The page's own time per round (answer in, next request out) is
//! recorded in [`crate::timings`].
//!
//! Verdict first: the last answer's verdict is reported at once ([`Progress::Done`]), drawn into
//! the tree the page already shows, so that only the verdict and the finished state (Diagnose
//! back, the form folded) are new to the document. Redrawing the checks the last round settled is
//! the heavier part (each becomes a new item with its evidence and branches); the finished tree
//! follows as one more [`Progress::Live`] after the browser has painted the verdict, and the
//! page's report tools, which act on it, come with it.

use crate::engine::{Diagnosis, Report, Step, Tree};
use crate::net::{Backend, Cancel};
use crate::timings;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What a run tells the page.
pub enum Progress {
    /// The tree to draw: as it stands during the run (checks pending, running or settled), and
    /// once more after [`Progress::Done`], finished.
    Live(Tree),
    /// The diagnosis is over: show its verdict now. When a live tree of this run was drawn,
    /// `report.tree` is that tree carrying the verdict and the summary (not yet `finished`), and
    /// the finished tree follows as [`Progress::Live`] after the next paint; otherwise it is the
    /// finished tree itself.
    Done(Report),
}

struct Run {
    diagnosis: RefCell<Diagnosis>,
    backend: Backend,
    cancel: Rc<Cancel>,
    report: Box<dyn Fn(Progress)>,
    /// A live render is already asked of the next frame.
    frame_pending: Cell<bool>,
    /// The last live tree given to the page, while the run goes.
    drawn: RefCell<Option<Tree>>,
    /// Requests sent and not answered yet.
    in_flight: Cell<usize>,
    /// When the first answer of a round that is still partly in flight arrived.
    round_answered_at: Cell<Option<f64>>,
}

/// How long a live render waits, from the first answer of a round, for the rest of that round
/// (see [`render_next_frame`]).
const ROUND_HOLD_MS: f64 = 100.0;

/// Starts `diagnosis` and answers the handle that cancels it.
pub fn start(
    diagnosis: Diagnosis,
    backend: Backend,
    report: impl Fn(Progress) + 'static,
) -> Rc<Cancel> {
    let cancel = Rc::new(Cancel::default());
    let run = Rc::new(Run {
        diagnosis: RefCell::new(diagnosis),
        backend,
        cancel: cancel.clone(),
        report: Box::new(report),
        frame_pending: Cell::new(false),
        drawn: RefCell::new(None),
        in_flight: Cell::new(0),
        round_answered_at: Cell::new(None),
    });
    timings::run_started();
    pump(&run);
    cancel
}

/// Polls until the engine waits for answers or is done; sends a round before drawing anything.
fn pump(run: &Rc<Run>) {
    let step = run.diagnosis.borrow_mut().poll();
    match step {
        Step::Send(requests) => {
            run.in_flight.set(run.in_flight.get() + requests.len());
            for request in requests {
                // Handed to `fetch` here and now, before anything else the page has queued.
                let answer = run.backend.answer(&request, &run.cancel);
                let run = run.clone();
                leptos::task::spawn_local(async move {
                    let answer = answer.await;
                    if run.cancel.is_cancelled() {
                        return;
                    }
                    timings::answer_arrived();
                    run.in_flight.set(run.in_flight.get().saturating_sub(1));
                    if run.in_flight.get() == 0 {
                        run.round_answered_at.set(None);
                    } else if run.round_answered_at.get().is_none() {
                        run.round_answered_at.set(Some(crate::net::now_ms()));
                    }
                    run.diagnosis.borrow_mut().receive(request.id, answer);
                    pump(&run);
                    render_next_frame(&run);
                });
            }
            render_next_frame(run);
        }
        Step::Waiting => {}
        Step::Done(report) => {
            timings::run_done();
            finish(run, *report);
        }
    }
}

/// Reports the verdict at once and the finished tree after the next paint (see the module docs).
/// A run that ends before any of its trees was drawn reports the finished tree at once.
fn finish(run: &Rc<Run>, report: Report) {
    let Some(mut drawn) = run.drawn.take() else {
        (run.report)(Progress::Done(report));
        return;
    };
    let Report { tree, token } = report;
    drawn.verdict = tree.verdict.clone();
    drawn.summary = tree.summary.clone();
    (run.report)(Progress::Done(Report { tree: drawn, token }));
    let run = run.clone();
    after_next_paint(move || {
        // A run started since (or a report opened) has cancelled this one: its tree is gone.
        if !run.cancel.is_cancelled() {
            (run.report)(Progress::Live(tree));
        }
    });
}

/// Runs `task` after the browser's next paint: queued as a task from the next animation frame,
/// whose callbacks run just before that frame is painted.
fn after_next_paint(task: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let task = Closure::once_into_js(task);
    let queued = task.clone();
    let frame = Closure::once_into_js(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(queued.unchecked_ref());
        }
    });
    if window
        .request_animation_frame(frame.unchecked_ref())
        .is_err()
    {
        let _ = window.set_timeout_with_callback(task.unchecked_ref());
    }
}

/// Draws the live tree in the next animation frame, once however many answers arrive before it.
///
/// Not in the middle of a round: while some answers of a round are in and others still in flight
/// (they mostly come within milliseconds of each other), drawing would hold up the last answer,
/// and with it the next round, for as long as the drawing takes. So the drawing waits for the
/// round's last answer, up to [`ROUND_HOLD_MS`] after its first one (a slow call still lets the
/// others' results show), frame by frame.
fn render_next_frame(run: &Rc<Run>) {
    if run.frame_pending.replace(true) {
        return;
    }
    let target = run.clone();
    let draw = Closure::once_into_js(move || {
        target.frame_pending.set(false);
        // A finished or cancelled run has already drawn its last state.
        if target.cancel.is_cancelled() || target.diagnosis.borrow().is_finished() {
            return;
        }
        let mid_round = target
            .round_answered_at
            .get()
            .is_some_and(|at| crate::net::now_ms() - at < ROUND_HOLD_MS);
        if mid_round {
            render_next_frame(&target);
            return;
        }
        let tree = target.diagnosis.borrow().tree();
        target.drawn.replace(Some(tree.clone()));
        (target.report)(Progress::Live(tree));
    });
    let asked = web_sys::window()
        .map(|w| w.request_animation_frame(draw.unchecked_ref()).is_ok())
        .unwrap_or(false);
    if !asked {
        run.frame_pending.set(false);
    }
}
