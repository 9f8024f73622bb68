//! Drives one [`Sweep`] over a [`Backend`]: sends every request the sweep allows at once, hands
//! each answer back as it arrives and polls again (so a window of lookups slides), and reports
//! progress after each answer. Beside `run.rs`, which drives the single diagnosis.

use crate::engine::{Sweep, SweepProgress, SweepReport, SweepStep};
use crate::net::{Backend, Cancel};
use std::cell::RefCell;
use std::rc::Rc;

/// What a sweep tells the page.
pub enum SweepUpdate {
    /// Pages and lookups done out of those known.
    Progress(SweepProgress),
    /// The finished sweep.
    Done(Box<SweepReport>),
}

struct Run {
    sweep: RefCell<Sweep>,
    backend: Backend,
    cancel: Rc<Cancel>,
    report: Box<dyn Fn(SweepUpdate)>,
}

/// Starts `sweep` and answers the handle that cancels it: cancelling aborts every request out
/// and nothing more is sent.
pub fn start(sweep: Sweep, backend: Backend, report: impl Fn(SweepUpdate) + 'static) -> Rc<Cancel> {
    let cancel = Rc::new(Cancel::default());
    let run = Rc::new(Run {
        sweep: RefCell::new(sweep),
        backend,
        cancel: cancel.clone(),
        report: Box::new(report),
    });
    pump(run);
    cancel
}

fn pump(run: Rc<Run>) {
    let step = run.sweep.borrow_mut().poll();
    match step {
        SweepStep::Send(requests) => {
            (run.report)(SweepUpdate::Progress(run.sweep.borrow().progress()));
            for request in requests {
                let run = run.clone();
                leptos::task::spawn_local(async move {
                    let answer = run.backend.answer(&request, &run.cancel).await;
                    if run.cancel.is_cancelled() {
                        return;
                    }
                    run.sweep.borrow_mut().receive(request.id, answer);
                    (run.report)(SweepUpdate::Progress(run.sweep.borrow().progress()));
                    pump(run);
                });
            }
        }
        SweepStep::Waiting => {}
        SweepStep::Done(report) => (run.report)(SweepUpdate::Done(report)),
    }
}
