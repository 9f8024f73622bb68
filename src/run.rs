//! Drives one [`Diagnosis`] over a [`Backend`]: sends each round's requests in parallel, hands
//! every answer back as it arrives, and reports the live tree at most once per browser frame.
//!
//! Send first, render after: when an answer completes a round, the next round's requests are
//! handed to `fetch` before anything is drawn; the tree is drawn in the next animation frame, once
//! for every answer that arrived since the last frame (the first round's tree too: the page draws
//! nothing of a run before its first requests have left). The page's own time per round (answer
//! in, next request out) is recorded in [`crate::timings`].

use crate::engine::{Diagnosis, Report, Step, Tree};
use crate::net::{Backend, Cancel};
use crate::timings;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What a run tells the page.
pub enum Progress {
    /// The tree as it stands (checks pending, running or settled).
    Live(Tree),
    /// The finished diagnosis.
    Done(Report),
}

struct Run {
    diagnosis: RefCell<Diagnosis>,
    backend: Backend,
    cancel: Rc<Cancel>,
    report: Box<dyn Fn(Progress)>,
    /// A live render is already asked of the next frame.
    frame_pending: Cell<bool>,
}

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
            (run.report)(Progress::Done(*report));
        }
    }
}

/// Draws the live tree in the next animation frame, once however many answers arrive before it.
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
        (target.report)(Progress::Live(target.diagnosis.borrow().tree()));
    });
    let asked = web_sys::window()
        .map(|w| w.request_animation_frame(draw.unchecked_ref()).is_ok())
        .unwrap_or(false);
    if !asked {
        run.frame_pending.set(false);
    }
}
