//! Handing the diagnosis on: Markdown for a ticket, JSON for tools, curl per exchange, print.

use super::browser;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The toolbar above the tree once a run is finished.
#[component]
pub fn ReportBar(
    /// Builds the Markdown summary of the last run (no secrets).
    markdown: Callback<(), Option<String>>,
    /// Builds the JSON report of the last run (no secrets).
    json: Callback<(), Option<String>>,
    problems_only: RwSignal<bool>,
    on_run_again: Callback<()>,
    /// What the last copy or download did, read out by screen readers.
    notice: RwSignal<String>,
) -> impl IntoView {
    let copy_markdown = move |_| {
        if let Some(text) = markdown.run(()) {
            copy_with_notice(text, "Markdown summary", notice);
        }
    };
    let download_json = move |_| {
        if let Some(text) = json.run(()) {
            let ok = download("agent-state-doctor-report.json", &text, "application/json");
            notice.set(
                if ok {
                    "JSON report downloaded (no secrets in it)."
                } else {
                    "This browser refused the download."
                }
                .into(),
            );
        }
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

/// Copies `text` and says so in `notice`; when the browser refuses, says how to get it instead.
pub fn copy_with_notice(text: String, what: &'static str, notice: RwSignal<String>) {
    leptos::task::spawn_local(async move {
        let ok = browser::copy_text(&text).await;
        notice.set(if ok {
            format!("{what} copied.")
        } else {
            format!("The browser refused the clipboard; {what} not copied (the page needs https or localhost).")
        });
    });
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
