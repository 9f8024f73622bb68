//! The Team view: a team or pasted IDs, a **Sweep** button, a progress bar, the counts per
//! finding with a small bar chart (each a filter), and the table of rows, one page at a time.
//! It renders a [`TeamTable`] and a [`Sweep`]'s progress; what a row says is decided in
//! `engine::sweep`, how the table sorts and exports in `team.rs`.

use super::{browser, export};
use crate::engine::{CachedToken, SweepProgress, SweepReport, SweepRow};
use crate::inputs::{Form, Inputs};
use crate::net::{self, Backend, Cancel};
use crate::sweep_run::SweepUpdate;
use crate::team::{Column, TeamTable};
use leptos::prelude::*;
use std::rc::Rc;

/// Where a sweep stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SweepPhase {
    Idle,
    Running,
    Done,
    Cancelled,
}

/// What the page hands the Team view to start a sweep: the session's checked inputs, where
/// they go, and the token to reuse; `None` when the session refused (it says why by the form).
pub type PlanSweep = Callback<(), Option<(Inputs, Form, Backend, Option<CachedToken>)>>;

/// The Team view.
#[component]
pub fn TeamView(
    /// Asks the session for a sweep (`Session::request_run(Trigger::Sweep)`).
    plan: PlanSweep,
    /// Keeps the sweep's token for the single diagnosis of a row.
    on_token: Callback<CachedToken>,
    /// Opens the single diagnosis of a row (`Session::request_run(Trigger::TeamRow)`).
    on_open: Callback<SweepRow>,
    /// The team and IDs a link carried.
    initial_team: String,
    initial_ids: String,
) -> impl IntoView {
    let team = RwSignal::new(initial_team);
    let ids = RwSignal::new(initial_ids);
    let phase = RwSignal::new(SweepPhase::Idle);
    let progress = RwSignal::new(SweepProgress::default());
    let table = RwSignal::new(TeamTable::default());
    let report = RwSignal::new(None::<SweepReport>);
    let last_form = StoredValue::new(None::<Form>);
    let cancel = StoredValue::new_local(None::<Rc<Cancel>>);
    let notice = RwSignal::new(String::new());
    // The sweep's chunk that could not load.
    let failure = RwSignal::new(String::new());
    // The page's session, for the rule of whether a finished table may take focus.
    let session = use_context::<RwSignal<crate::session::Session>>();

    let sweep = move |_| {
        let Some((inputs, form, backend, cached)) = plan.run(()) else {
            return;
        };
        if let Some(previous) = cancel.get_value() {
            previous.cancel();
        }
        last_form.set_value(Some(form));
        phase.set(SweepPhase::Running);
        progress.set(SweepProgress::default());
        report.set(None);
        table.set(TeamTable::default());
        failure.set(String::new());
        let on_update = move |update| match update {
            SweepUpdate::Progress(p) => progress.set(p),
            SweepUpdate::Done(done) => {
                if let Some(token) = done.token.clone() {
                    on_token.run(token);
                }
                table.set(TeamTable::new(done.rows.clone()));
                report.set(Some(*done));
                phase.set(SweepPhase::Done);
                // The table comes to the person as a verdict does, unless they are typing.
                let focus = browser::focus_now();
                if session.and_then(|s| s.try_update(|s| s.result_arrived(focus)))
                    == Some(crate::session::Arrival::TakeFocus)
                {
                    browser::bring_into_view("sweep-table");
                }
            }
        };
        // The sweep's code is a chunk of the page, fetched on the first sweep.
        let (team, ids) = (team.get_untracked(), ids.get_untracked());
        let now = net::wall_clock_ms();
        leptos::task::spawn_local(async move {
            let started = crate::chunks::start_sweep(
                inputs,
                team,
                ids,
                cached,
                now,
                backend,
                Box::new(on_update),
            )
            .await;
            match started {
                // Cancelled while the chunk was loading: nothing more is sent.
                Ok(handle) if phase.get_untracked() == SweepPhase::Cancelled => handle.cancel(),
                Ok(handle) => cancel.set_value(Some(handle)),
                Err(unavailable) => {
                    phase.set(SweepPhase::Idle);
                    failure.set(unavailable.message("The Team view's sweep"));
                }
            }
        });
    };
    let stop = move |_| {
        if let Some(handle) = cancel.get_value() {
            handle.cancel();
        }
        phase.set(SweepPhase::Cancelled);
    };

    // The texts come from the export chunk (`crate::chunks`), fetched ahead when the toolbar
    // first gets the pointer or focus.
    let download_csv = move |_| {
        let table = table.get_untracked();
        leptos::task::spawn_local(async move {
            let text = crate::chunks::export_team_csv(&table).await;
            notice.set(export::download_notice(
                text,
                "team-sweep.csv",
                "text/csv",
                "CSV downloaded.",
            ));
        });
    };
    let copy_markdown = move |_| {
        let table = table.get_untracked();
        leptos::task::spawn_local(async move {
            let text = crate::chunks::export_team_markdown(&table).await;
            export::copy_built(text, "Markdown table", notice).await;
        });
    };
    let copy_link = move |_| {
        let Some(form) = last_form.get_value() else {
            return;
        };
        let pasted = crate::engine::sweep::parse_ids(&ids.get_untracked());
        let fragment = crate::team::link(&form, &team.get_untracked(), &pasted);
        let address = format!("{}#{fragment}", browser::page_address());
        export::copy_with_notice(address, "Link (no secrets)", notice);
    };

    let running = move || phase.get() == SweepPhase::Running;
    view! {
        <section class="team" id="team" aria-labelledby="team-title">
            <h2 id="team-title">"Team view"</h2>
            <p class="hint">
                "Every agent of the tenant, one team, or the IDs you paste, with the tenant and credentials above. "
                "Lists are read whole; single lookups only where no list answers."
            </p>
            <div class="team-inputs">
                <label for="sweep_team">"Team (name or ID; empty for all agents)"</label>
                <input id="sweep_team" name="sweep_team" type="text" autocomplete="off"
                    prop:value=move || team.get() on:input=move |ev| team.set(event_target_value(&ev)) />
                <label for="sweep_ids">"User IDs or agent IDs (one per line, or a CSV column)"</label>
                <textarea id="sweep_ids" name="sweep_ids" rows="4" spellcheck="false"
                    prop:value=move || ids.get() on:input=move |ev| ids.set(event_target_value(&ev))></textarea>
                <div class="actions">
                    <button type="button" id="sweep" class="primary" on:click=sweep disabled=running>"Sweep"</button>
                    <Show when=running>
                        <button type="button" id="sweep-cancel" on:click=stop>"Cancel"</button>
                    </Show>
                </div>
            </div>
            <p class="notice warn" role="alert" id="sweep-load-error" class:hidden=move || failure.with(String::is_empty)>
                {move || failure.get()}
            </p>
            <Show when=move || phase.get() != SweepPhase::Idle>
                <p class="sweep-progress">
                    <label for="sweep-progress">"Pages and lookups"</label>
                    <progress id="sweep-progress" max=move || progress.get().total.max(1)
                        value=move || progress.get().done></progress>
                    <span id="sweep-progress-text">{move || {
                        let p = progress.get();
                        format!("{} of {} done", p.done, p.total)
                    }}</span>
                </p>
            </Show>
            <Show when=move || phase.get() == SweepPhase::Cancelled>
                <p class="notice" role="status">"Cancelled: nothing more is sent."</p>
            </Show>
            {move || report.get().map(|r| view! { <SweepSummary report=r /> })}
            <Show when=move || phase.get() == SweepPhase::Done>
                <Counts table=table />
                <div class="report-bar" role="toolbar" aria-label="Team export"
                    on:pointerover=export::preload_for on:focusin=export::preload_for>
                    <button type="button" id="sweep-csv" on:click=download_csv>"Download CSV"</button>
                    <button type="button" id="sweep-markdown" on:click=copy_markdown>"Copy as Markdown"</button>
                    <button type="button" id="sweep-link" on:click=copy_link>"Copy link"</button>
                </div>
                <p class="notice copy-notice" aria-live="polite" id="sweep-notice"
                    class:hidden=move || notice.with(String::is_empty)>{move || notice.get()}</p>
                <Table table=table on_open=on_open />
            </Show>
        </section>
    }
}

/// What the sweep cost and what it could not say.
#[component]
fn SweepSummary(report: SweepReport) -> impl IntoView {
    let failure = report.failure.clone().map(|(verdict, text)| {
        view! { <p class="notice warn" role="alert" id="sweep-failure" data-verdict-code=verdict.code()>{text}</p> }
    });
    view! {
        <p class="sweep-cost" id="sweep-cost" data-rounds=report.rounds data-requests=report.requests>
            {format!("{} agents, {} requests in {} rounds.", report.rows.len(), report.requests, report.rounds)}
        </p>
        {failure}
        <ul class="sweep-notes">{report.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
    }
}

/// The counts per finding, each with a bar and a button that filters the table to it.
#[component]
fn Counts(table: RwSignal<TeamTable>) -> impl IntoView {
    view! {
        <div class="sweep-counts" id="sweep-counts" role="group" aria-label="Findings (press one to filter)">
            {move || {
                let counts = table.with(TeamTable::counts);
                let filter = table.with(TeamTable::filter);
                let most = counts.first().map(|c| c.1).unwrap_or(1).max(1);
                counts.into_iter().map(|(verdict, n)| {
                    view! {
                        <button type="button" class="count" data-count=verdict.code() data-n=n
                            aria-pressed=if filter == Some(verdict) { "true" } else { "false" }
                            on:click=move |_| table.update(|t| t.toggle_filter(Some(verdict)))>
                            <span class="count-label"><code>{verdict.code()}</code>" "{n}</span>
                            // A meter, not a styled span: the page's CSP refuses inline styles.
                            <meter class=format!("bar {}", crate::session::Tone::of(verdict).as_str())
                                min="0" max=most value=n aria-hidden="true"></meter>
                        </button>
                    }
                }).collect_view()
            }}
        </div>
    }
}

/// The table, one page of rows at a time.
#[component]
fn Table(table: RwSignal<TeamTable>, on_open: Callback<SweepRow>) -> impl IntoView {
    let header = Column::ALL
        .iter()
        .map(|column| {
            let column = *column;
            view! {
                <div role="columnheader" aria-sort=move || table.with(|t| t.aria_sort(column))
                    data-column=column.label()>
                    <button type="button" class="sort" on:click=move |_| table.update(|t| t.sort_by(column))>
                        {column.label()}
                    </button>
                </div>
            }
        })
        .collect_view();
    let rows = move || {
        table.with(|t| {
            t.page_rows()
                .into_iter()
                .map(|(n, row)| {
                    let cells = Column::ALL
                        .iter()
                        .map(|c| {
                            let text = c.cell(&row);
                            if *c == Column::Finding {
                                view! { <div role="cell"><code>{text}</code></div> }.into_any()
                            } else {
                                view! { <div role="cell">{text}</div> }.into_any()
                            }
                        })
                        .collect_view();
                    let open = row.clone();
                    view! {
                        <div role="row" class="sweep-row" aria-rowindex=n + 2 data-agent=row.key().to_string()
                            data-finding=row.finding.code()>
                            {cells}
                            <div role="cell">
                                <button type="button" class="open-row" on:click=move |_| on_open.run(open.clone())>
                                    "Diagnose"
                                </button>
                            </div>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    let pages = move || table.with(TeamTable::page);
    view! {
        <div role="table" id="sweep-table" tabindex="-1" class="sweep-table" aria-label="Agents swept"
            aria-rowcount=move || table.with(TeamTable::shown_len) + 1>
            <div role="rowgroup">
                <div role="row" class="sweep-head" aria-rowindex="1">
                    {header}
                    <div role="columnheader">"Open"</div>
                </div>
            </div>
            <div role="rowgroup">{rows}</div>
        </div>
        <nav class="pager" aria-label="Table pages">
            <button type="button" id="sweep-prev" disabled=move || pages().0 == 0
                on:click=move |_| table.update(|t| { let p = t.page().0; t.go_to(p.saturating_sub(1)) })>"Previous"</button>
            <span id="sweep-page">{move || {
                let (page, count) = pages();
                let shown = table.with(TeamTable::shown_len);
                format!("Page {} of {count} ({shown} rows)", page + 1)
            }}</span>
            // Braced: a bare `>=` in an attribute would end the tag, and the rest become text.
            <button type="button" id="sweep-next" disabled=move || { let (page, count) = pages(); page + 1 >= count }
                on:click=move |_| table.update(|t| { let p = t.page().0; t.go_to(p + 1) })>"Next"</button>
        </nav>
    }
}
