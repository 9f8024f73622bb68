//! The Demo tenant choice: run the real engine against the simulated tenant, one scenario at a time.

use crate::inputs::Profile;
use crate::session::{Mode, Session};
use crate::sim::Scenario;
use leptos::prelude::*;

/// The tenant choice and, in demo mode, the scenario picker. Choices go to [`Session::set_mode`].
#[component]
pub fn ModePicker() -> impl IntoView {
    let session = expect_context::<RwSignal<Session>>();
    let mode = Memo::new(move |_| session.with(Session::mode));
    let first = Scenario::ALL[0];
    let on_mode = move |ev: leptos::ev::Event| {
        let next = if event_target_value(&ev) == "demo" {
            Mode::Demo(match mode.get_untracked() {
                Mode::Demo(s) => s,
                Mode::Real => first,
            })
        } else {
            Mode::Real
        };
        session.update(|s| s.set_mode(next));
    };
    let on_scenario = move |ev: leptos::ev::Event| {
        if let Some(scenario) = Scenario::parse(&event_target_value(&ev)) {
            session.update(|s| s.set_mode(Mode::Demo(scenario)));
        }
    };
    let scenario = move || match mode.get() {
        Mode::Demo(s) => Some(s),
        Mode::Real => None,
    };
    view! {
        <section class="mode group">
            <div class="field">
                <label for="mode">"Tenant to diagnose"</label>
                <select id="mode" name="mode" on:change=on_mode
                    prop:value=move || if scenario().is_some() { "demo" } else { "real" }>
                    <option value="real">"My tenant (real API calls)"</option>
                    <option value="demo">"Demo tenant (simulated, no network)"</option>
                </select>
                <p class="hint">"The demo runs the real diagnosis against a simulated tenant: every failure can be shown."</p>
            </div>
            {move || scenario().map(|current| view! {
                <div class="field">
                    <label for="scenario">"Scenario"</label>
                    <select id="scenario" name="scenario" on:change=on_scenario prop:value=current.id()>
                        {Profile::ALL.map(|profile| view! {
                            <optgroup label=format!("{} profile", profile.as_str())>
                                {Scenario::ALL.iter().filter(|s| s.profile() == profile)
                                    .map(|s| view! { <option value=s.id()>{s.title()}</option> }).collect_view()}
                            </optgroup>
                        }).collect_view()}
                    </select>
                    <p class="hint">{current.description()}</p>
                </div>
            })}
        </section>
    }
}
