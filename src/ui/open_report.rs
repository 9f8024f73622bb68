//! Opening a saved report: the file picker, a file dropped on the page, text pasted into it, and
//! the banner that says the tree is a report. Reading and deciding are `report::replay`'s; this
//! only fetches the text and shows what it answered.

use crate::report::replay::{utc_time, OpenError, OpenedReport, Replayed, MAX_REPORT_BYTES};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// True while the tree shown is an opened report: no credentials, so no "Copy as curl with
/// secret" and no "Run again". Provided by `App` as context.
#[derive(Clone, Copy)]
pub struct ViewingReport(pub Signal<bool>);

/// Whether an opened report is shown (false when no `App` provides it, as in a lone component).
pub fn viewing_report() -> Signal<bool> {
    use_context::<ViewingReport>()
        .map(|v| v.0)
        .unwrap_or_else(|| Signal::stored(false))
}

/// The file picker, and the page-wide drop and paste that do the same. `on_text` gets the
/// report's text; a file too large is refused here, before it is read.
#[component]
pub fn OpenReport(on_text: Callback<String>, error: RwSignal<String>) -> impl IntoView {
    let read_file = move |file: web_sys::File| {
        let size = file.size();
        if size > MAX_REPORT_BYTES as f64 {
            error.set(OpenError::TooLarge(size as usize).to_string());
            return;
        }
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => on_text.run(text.as_string().unwrap_or_default()),
                Err(_) => error.set("The browser could not read this file.".into()),
            }
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            read_file(file);
        }
        // The same file chosen again opens again.
        input.set_value("");
    };
    let _ = window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let _ = window_event_listener(leptos::ev::drop, move |ev| {
        ev.prevent_default();
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            read_file(file);
        }
    });
    let _ = window_event_listener(leptos::ev::paste, move |ev| {
        // Pasting into a field is typing, not opening a report.
        let in_field = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| {
                matches!(
                    el.tag_name().to_ascii_lowercase().as_str(),
                    "input" | "textarea" | "select"
                )
            });
        if in_field {
            return;
        }
        let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
            return;
        };
        ev.prevent_default();
        on_text.run(text);
    });
    view! {
        <section class="open-report" aria-labelledby="open-report-title">
            <h2 id="open-report-title">"Open a report"</h2>
            <p class="hint">
                "A saved JSON report opens here, read-only, and is diagnosed again with today's rules from the "
                "answers it recorded: nothing is sent. Choose the file, drop it on the page, or paste its text."
            </p>
            <label for="open-report">"Report file"</label>
            <input type="file" id="open-report" name="open_report" accept=".json,application/json" on:change=on_change />
            <p class="notice warn" role="alert" id="open-report-error" class:hidden=super::no_message(error)>
                {super::text(move || error.get())}
            </p>
        </section>
    }
}

/// Says the tree is an opened report: when it was made, by which page version, its profile and
/// inputs (never a secret), today's verdict beside the recorded one, and what it lacks.
#[component]
pub fn ReportBanner(opened: RwSignal<Option<(OpenedReport, Replayed)>>) -> impl IntoView {
    move || {
        opened.with(|o| {
            o.as_ref().map(|(report, replayed)| {
                let recorded = replayed.recorded.map_or("undecided", |v| v.code());
                let today = replayed.today.map_or("undecided", |v| v.code());
                let inputs = report
                    .inputs()
                    .into_iter()
                    .map(|(label, value)| view! { <li>{label}": " <code>{value}</code></li> })
                    .collect_view();
                let lacks = report.lacks();
                let missing = replayed.not_in_report.clone();
                view! {
                    <section class="notice report-banner" id="report-banner" role="status"
                        data-recorded-verdict=recorded data-today-verdict=today
                        data-differs=replayed.differs().to_string()>
                        <p><strong>"This is a saved report, not a live run."</strong>
                            " Made " {utc_time(report.recorded.started_at_ms)}
                            " by page version " <code>{report.page_version.clone()}</code>
                            ", profile " <code>{report.form.profile().as_str()}</code>
                            ", diagnosed again with today's rules from its recorded answers."</p>
                        <ul class="report-inputs">{inputs}</ul>
                        <p class="report-verdicts" id="report-verdicts">
                            "recorded: " <code>{recorded}</code> " · today: " <code>{today}</code>
                            {replayed.differs().then_some(" (today's rules decide differently)")}
                        </p>
                        {(!missing.is_empty()).then(|| view! {
                            <p>"Not in the report, so not decided: " {missing.join(", ")}</p>
                        })}
                        {(!lacks.is_empty()).then(|| view! {
                            <ul class="report-lacks">{lacks.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                        })}
                    </section>
                }
            })
        })
    }
}
