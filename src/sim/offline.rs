//! The whole diagnosis against the simulation in one synchronous call, no waiting: what the
//! end-to-end tests compare the browser's run with.

use super::{SimRequest, SimTenant};
use crate::engine::{Diagnosis, Report, RequestKind, Step};
use crate::inputs::Form;

/// Diagnoses `form` against `tenant`, answering every request at once (a fault is no answer, an
/// answer slower than the time limit is a time-out, as the browser transport would see them).
pub fn diagnose_offline(form: &Form, tenant: &mut SimTenant, now_ms: u64) -> Report {
    let mut diagnosis = Diagnosis::from_form(form, None, now_ms);
    let scenario = super::Scenario::from_client_id(form.get(crate::inputs::Field::ClientId));
    // Bounded: a diagnosis takes a handful of rounds; this only guards against a bug looping.
    for _ in 0..64 {
        match diagnosis.poll() {
            Step::Send(requests) => {
                for request in requests {
                    let sim_request = match request.kind {
                        RequestKind::RelayHealth => SimRequest::relay_health(scenario),
                        _ => SimRequest::from(&request),
                    };
                    let answer = tenant.answer(&sim_request).to_answer(request.timeout_ms);
                    diagnosis.receive(request.id, answer);
                }
            }
            Step::Waiting => {
                unreachable!("every request of a round is answered before polling again")
            }
            Step::Done(report) => return *report,
        }
    }
    panic!("the diagnosis did not finish within 64 rounds")
}
