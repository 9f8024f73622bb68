//! Handing the diagnosis on: Markdown for a ticket, JSON for tools, curl per exchange, print.
//! The texts are built by the `export` chunk (`crate::chunks`), fetched on the first export, or
//! ahead of it when the toolbar or a curl button first gets the pointer or focus.

use super::browser;
use crate::chunks::{self, Unavailable};
use crate::engine::{CachedToken, Exchange, Tree};
use crate::inputs::{Form, Inputs};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The page's words for the export chunk that did not load.
const WHAT: &str = "The export";

/// The toolbar above the tree once a run is finished.
#[component]
pub fn ReportBar(
    /// The last run's tree and form, for the reports (which hold no secrets).
    last_run: Callback<(), Option<(Tree, Form)>>,
    problems_only: RwSignal<bool>,
    on_run_again: Callback<()>,
    /// What the last copy or download did, read out by screen readers.
    notice: RwSignal<String>,
) -> impl IntoView {
    let copy_markdown = move |_| {
        let Some((tree, form)) = last_run.run(()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let text = chunks::export_markdown(&tree, &form).await;
            copy_built(text, "Markdown summary", notice).await;
        });
    };
    let download_json = move |_| {
        let Some((tree, form)) = last_run.run(()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let text = chunks::export_json(&tree, &form).await;
            notice.set(download_notice(
                text,
                "agent-state-doctor-report.json",
                "application/json",
                "JSON report downloaded (no secrets in it).",
            ));
        });
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    // An opened report has no credentials to run again with.
    let report = super::open_report::viewing_report();
    view! {
        <div class="report-bar" role="toolbar" aria-label="Report">
            <Show when=move || !report.get()>
                <button type="button" id="run-again" on:click=move |_| on_run_again.run(())>"Run again"</button>
            </Show>
            <button type="button" id="copy-markdown" on:click=copy_markdown>"Copy as Markdown"</button>
            <button type="button" id="download-json" on:click=download_json>"Download JSON"</button>
            <button type="button" id="print" on:click=print>"Print"</button>
            <span class="filter">
                <input type="checkbox" id="problems-only" name="problems_only"
                    prop:checked=move || problems_only.get()
                    on:change=move |ev| problems_only.set(event_target_checked(&ev)) />
                <label for="problems-only">"Problems only"</label>
            </span>
        </div>
    }
}

/// Fetches the export chunk ahead of a copy or download when an export button (a report
/// toolbar's, a curl button) gets the pointer or focus: the event bubbles to a handler on the
/// area around them (`chunks::preload_export`). Other targets (the verdict taking focus, the
/// tree) fetch nothing.
pub fn preload_for<E: AsRef<web_sys::Event>>(ev: E) {
    let export_button = ev
        .as_ref()
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| {
            el.closest(".report-bar button, .copy-curl, .copy-curl-secret")
                .ok()
        })
        .flatten();
    if export_button.is_some() {
        chunks::preload_export();
    }
}

/// Copies one exchange as a curl command (with the secret when `inputs` are given) and says so
/// in `notice`.
pub fn copy_curl(
    exchange: Exchange,
    inputs: Option<Inputs>,
    token: Option<CachedToken>,
    notice: RwSignal<String>,
) {
    let what = if inputs.is_some() {
        "curl command with the secret"
    } else {
        "curl command (placeholders for secrets)"
    };
    leptos::task::spawn_local(async move {
        let command = chunks::export_curl(&exchange, inputs.as_ref(), token.as_ref()).await;
        copy_built(command, what, notice).await;
    });
}

/// A built export (or the chunk that could not build it) downloaded as `name`: the notice to show.
pub fn download_notice(
    text: Result<String, Unavailable>,
    name: &str,
    mime: &str,
    done: &str,
) -> String {
    match text {
        Ok(text) if download(name, &text, mime) => done.into(),
        Ok(_) => "This browser refused the download.".into(),
        Err(unavailable) => unavailable.message(WHAT),
    }
}

/// Copies a built export (or says the chunk did not load) and says so in `notice`.
pub async fn copy_built(
    text: Result<String, Unavailable>,
    what: &'static str,
    notice: RwSignal<String>,
) {
    match text {
        Ok(text) => copy_now(text, what, notice).await,
        Err(unavailable) => notice.set(unavailable.message(WHAT)),
    }
}

async fn copy_now(text: String, what: &'static str, notice: RwSignal<String>) {
    let ok = browser::copy_text(&text).await;
    notice.set(if ok {
        format!("{what} copied.")
    } else {
        format!("The browser refused the clipboard; {what} not copied (the page needs https or localhost).")
    });
}

/// Copies `text` and says so in `notice`; when the browser refuses, says how to get it instead.
pub fn copy_with_notice(text: String, what: &'static str, notice: RwSignal<String>) {
    leptos::task::spawn_local(copy_now(text, what, notice));
}

/// Saves `text` as a file named `name`, answering whether the browser took it.
pub(super) fn download(name: &str, text: &str, mime: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let parts = web_sys::js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let Some(anchor) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // Revoked a little later: revoking at once can cancel the download in some browsers.
    leptos::task::spawn_local(async move {
        crate::net::sleep(10_000).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    true
}
