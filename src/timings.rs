//! The page's own time, for the benchmark (`scripts/bench.sh`): how long the page holds each
//! round between an answer arriving and the next request leaving. Kept in
//! `window.__doctorTimings` as plain numbers (no URLs, no inputs, no secrets):
//!
//! - `runs`: runs started; `startedAt`, `doneAt`: `performance.now()` of the last run's start and
//!   of its verdict being decided (drawn in the same task; the finished tree a frame later);
//! - `firstSendMs`: from the run's start to its first request leaving;
//! - `ownMs`: one figure per later round, answer in to next request out (rounds held back by a
//!   retry's `Retry-After` are left out, that wait being the tenant's).
//!
//! A request leaves when the page calls `fetch` with it (`src/net.rs`): building it is the page's
//! own time, the browser's `fetch` call itself (about 1 ms here) is not; this bookkeeping runs
//! after that call.
//! - `requests`, `rounds`: requests sent by the last run, and in how many rounds (a round is the
//!   requests that leave together, after the start or after an answer).

use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{Array, Object, Reflect};

#[derive(Default)]
struct State {
    started: f64,
    /// When the latest answer arrived, until a request leaves after it.
    answered: Option<f64>,
    first_sent: bool,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn now() -> f64 {
    crate::net::now_ms()
}

/// `window.__doctorTimings`, created on first use.
fn object() -> Option<Object> {
    let window = web_sys::window()?;
    let key = JsValue::from_str("__doctorTimings");
    let existing = Reflect::get(&window, &key).ok().filter(|v| v.is_object());
    Some(match existing {
        Some(value) => value.into(),
        None => {
            let created = Object::new();
            Reflect::set(&window, &key, &created).ok()?;
            set(&created, "runs", 0.0);
            created
        }
    })
}

fn set(target: &Object, key: &str, value: f64) {
    let _ = Reflect::set(target, &key.into(), &value.into());
}

fn get(target: &Object, key: &str) -> f64 {
    Reflect::get(target, &key.into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// A run starts (Diagnose pressed, or a link run).
pub fn run_started() {
    let at = now();
    STATE.with_borrow_mut(|s| {
        *s = State {
            started: at,
            answered: None,
            first_sent: false,
        }
    });
    if let Some(o) = object() {
        set(&o, "runs", get(&o, "runs") + 1.0);
        set(&o, "startedAt", at);
        set(&o, "doneAt", 0.0);
        set(&o, "requests", 0.0);
        set(&o, "rounds", 0.0);
        set(&o, "firstSendMs", 0.0);
        let _ = Reflect::set(&o, &"ownMs".into(), &Array::new());
    }
}

/// An answer has arrived (before the page reads it).
pub fn answer_arrived() {
    let at = now();
    // The latest one counts: a round's next requests leave only once its last answer is in.
    STATE.with_borrow_mut(|s| s.answered = Some(at));
}

/// A request was handed to `fetch` at `at` (`performance.now()`); `waited` when it was held back
/// on purpose (a retry's delay).
pub fn request_leaving(at: f64, waited: bool) {
    let (first, round, own) = STATE.with_borrow_mut(|s| {
        let first = (!s.first_sent).then_some(at - s.started);
        let round = first.is_some() || s.answered.is_some();
        s.first_sent = true;
        let own = s.answered.take().filter(|_| !waited).map(|t| at - t);
        (first, round, own)
    });
    let Some(o) = object() else { return };
    set(&o, "requests", get(&o, "requests") + 1.0);
    if round {
        set(&o, "rounds", get(&o, "rounds") + 1.0);
    }
    if let Some(ms) = first {
        set(&o, "firstSendMs", ms);
    }
    if let Some(ms) = own {
        if let Ok(list) = Reflect::get(&o, &"ownMs".into()) {
            list.unchecked_into::<Array>().push(&ms.into());
        }
    }
}

/// The verdict is about to be drawn.
pub fn run_done() {
    STATE.with_borrow_mut(|s| s.answered = None);
    if let Some(o) = object() {
        set(&o, "doneAt", now());
    }
}
