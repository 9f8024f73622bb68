//! The page: components that render state and hand events to the pure modules. Nothing here
//! decides anything a test would want to check; that lives in `inputs`, `link` and `relay`.

mod browser;
mod form;

use crate::inputs::Form;
use crate::link;
use leptos::prelude::*;

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

/// Reads the address bar once at start: fills the form, scrubs any secret from the address bar.
fn form_from_address() -> (Form, LinkNotice) {
    let (query, fragment) = browser::query_and_fragment();
    let read = link::read(&query, &fragment, &Form::default());
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
pub fn App() -> impl IntoView {
    let (initial, notice) = form_from_address();
    let form = RwSignal::new(initial);
    view! {
        <header class="masthead">
            <h1>"Agent State Doctor"</h1>
            <p class="tagline">
                "Why does a NICE CXone agent show as not logged in, or the API answer "
                <code>"[]"</code>" or "<code>"{}"</code>"? Enter the tenant, credentials and user, then Diagnose."
            </p>
        </header>
        <main>
            <DiagnoseForm form=form notice=notice />
        </main>
        <footer class="colophon">
            "Agent State Doctor " {crate::VERSION}
            " · runs in your browser; the secret stays in this tab's memory."
        </footer>
    }
}
