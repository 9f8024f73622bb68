//! Drives one [`Diagnosis`] over a [`Backend`]: sends each round's requests in parallel, hands
//! every answer back as it arrives, and reports the live tree after each one.

use crate::engine::{Diagnosis, Report, Step, Tree};
use crate::net::{Backend, Cancel};
use std::cell::RefCell;
use std::rc::Rc;

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
    });
    pump(run);
    cancel
}

/// Polls until the engine waits for answers or is done.
fn pump(run: Rc<Run>) {
    let step = run.diagnosis.borrow_mut().poll();
    match step {
        Step::Send(requests) => {
            (run.report)(Progress::Live(run.diagnosis.borrow().tree()));
            for request in requests {
                let run = run.clone();
                leptos::task::spawn_local(async move {
                    let answer = run.backend.answer(&request, &run.cancel).await;
                    if run.cancel.is_cancelled() {
                        return;
                    }
                    run.diagnosis.borrow_mut().receive(request.id, answer);
                    (run.report)(Progress::Live(run.diagnosis.borrow().tree()));
                    pump(run);
                });
            }
        }
        Step::Waiting => {}
        Step::Done(report) => (run.report)(Progress::Done(*report)),
    }
}
