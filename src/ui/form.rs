//! The form: fields with their labels and messages, where the credentials go, Diagnose and Copy link.

use super::{browser, LinkNotice};
use crate::inputs::{
    Environment, Field, FieldError, Form, Inputs, Profile, Route, DEFAULT_ISSUER, GOV_ISSUER,
};
use crate::link;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Field groups, in the order the form shows them.
const GROUPS: [(&str, &[Field]); 4] = [
    (
        "Tenant",
        &[
            Field::Profile,
            Field::Tenant,
            Field::Environment,
            Field::Issuer,
        ],
    ),
    (
        "Credentials",
        &[
            Field::ClientId,
            Field::ClientSecret,
            Field::AccessKeyId,
            Field::AccessKeySecret,
        ],
    ),
    ("Who to check", &[Field::UserId, Field::AgentId]),
    (
        "Connection",
        &[
            Field::Relay,
            Field::ApiHost,
            Field::ApiVersion,
            Field::Timeout,
        ],
    ),
];

/// What the last press of Diagnose led to.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    /// Not pressed yet.
    Idle,
    /// The link chose where credentials go and the person has not confirmed it.
    NeedsConfirmation,
    /// Some fields are wrong; nothing was sent.
    Invalid(Vec<FieldError>),
    /// The inputs are valid and the diagnosis was started.
    Started,
}

/// The diagnosis form.
#[component]
pub fn DiagnoseForm(
    form: RwSignal<Form>,
    /// What the link the page was opened with (or moved to) did.
    notice: RwSignal<LinkNotice>,
    /// False while a link has chosen where credentials go and the person has not confirmed it.
    confirmed: RwSignal<bool>,
    /// True in demo mode: nothing leaves the page, so there is nothing to confirm.
    demo: Signal<bool>,
    /// Called with the checked inputs when Diagnose is pressed on a valid form.
    on_diagnose: Callback<Inputs>,
    /// Called when Diagnose is pressed on a form with wrong fields (nothing is sent).
    on_invalid: Callback<()>,
    /// While a run is going, Diagnose turns into Cancel.
    running: Signal<bool>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let touched = RwSignal::new(Vec::<Field>::new());
    let submitted = RwSignal::new(false);
    let outcome = RwSignal::new(Outcome::Idle);
    let profile = Memo::new(move |_| form.with(Form::profile));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if !confirmed.get_untracked() && !demo.get_untracked() {
            outcome.set(Outcome::NeedsConfirmation);
            focus("confirm-destination");
            return;
        }
        match form.with_untracked(Form::validate) {
            Err(errors) => {
                on_invalid.run(());
                if let Some(first) = errors.first() {
                    focus(first.field.name());
                }
                outcome.set(Outcome::Invalid(errors));
            }
            Ok(inputs) => {
                outcome.set(Outcome::Started);
                on_diagnose.run(inputs);
            }
        }
    };

    let groups = GROUPS
        .iter()
        .map(|(legend, fields)| {
            let fields: &'static [Field] = fields;
            let any_visible = move || fields.iter().any(|f| f.applies_to(profile.get()));
            let rows = fields
                .iter()
                .map(|&field| {
                    move || {
                        field
                            .applies_to(profile.get())
                            .then(|| view! { <FieldRow field=field form=form touched=touched submitted=submitted /> })
                    }
                })
                .collect_view();
            view! {
                <fieldset class="group" class:hidden=move || !any_visible()>
                    <legend>{*legend}</legend>
                    {rows}
                </fieldset>
            }
        })
        .collect_view();

    view! {
        <form class="diagnose-form" novalidate on:submit=on_submit autocomplete="off">
            {move || view! { <LinkNotices notice=notice.get() /> }}
            {groups}
            <DestinationPanel form=form demo=demo />
            {move || (!confirmed.get() && !demo.get()).then(|| view! { <ConfirmDestination confirmed=confirmed /> })}
            <div class="actions">
                <button type="submit" class="primary" id="diagnose" disabled=move || running.get()>"Diagnose"</button>
                {move || running.get().then(|| view! {
                    <button type="button" id="cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                })}
                <CopyLink form=form />
            </div>
            <OutcomeView outcome=outcome />
        </form>
    }
}

/// One labelled input with its hint and its message.
#[component]
fn FieldRow(
    field: Field,
    form: RwSignal<Form>,
    touched: RwSignal<Vec<Field>>,
    submitted: RwSignal<bool>,
) -> impl IntoView {
    let name = field.name();
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let value = move || form.with(|f| f.get(field).to_string());
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        form.update(|f| f.set(field, &typed));
    };
    let mark_touched = move |_| {
        touched.update(|t| {
            if !t.contains(&field) {
                t.push(field);
            }
        })
    };
    let message = Memo::new(move |_| {
        let shown = submitted.get() || touched.with(|t| t.contains(&field));
        if shown {
            form.with(|f| f.error_for(field))
        } else {
            None
        }
    });
    let invalid = move || {
        if message.with(Option::is_some) {
            "true"
        } else {
            "false"
        }
    };
    let described = format!("{hint_id} {error_id}");
    let control = match field {
        Field::Profile => view! {
            <select id=name name=name prop:value=value on:change=on_input aria-describedby=described.clone()>
                {Profile::ALL.map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        Field::Environment => view! {
            <select id=name name=name prop:value=value on:change=on_input aria-describedby=described.clone()>
                {Environment::ALL.map(|e| view! { <option value=e.as_str()>{e.label()}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        _ => {
            let kind = if field.is_secret() { "password" } else { "text" };
            let mode = if field == Field::Timeout { "numeric" } else { "text" };
            let list = (field == Field::Issuer).then_some("issuer-presets");
            view! {
                <input
                    id=name
                    name=name
                    type=kind
                    inputmode=mode
                    list=list
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete=if field.is_secret() { "new-password" } else { "off" }
                    prop:value=value
                    on:input=on_input
                    on:blur=mark_touched
                    aria-invalid=invalid
                    aria-describedby=described.clone()
                />
            }
            .into_any()
        }
    };
    view! {
        <div class="field" class:invalid=move || message.with(Option::is_some) data-field=name>
            <label for=name>{field.label()}</label>
            {control}
            {(field == Field::Issuer).then(|| view! {
                <datalist id="issuer-presets">
                    <option value=DEFAULT_ISSUER>"Commercial cloud"</option>
                    <option value=GOV_ISSUER>"Government cloud"</option>
                    <option value="https://nicecxone-sov1.au">"Sovereign cloud, Australia"</option>
                    <option value="https://nicecxone-sov1.eu">"Sovereign cloud, Europe"</option>
                </datalist>
            })}
            <p class="hint" id=hint_id>{field.hint()}</p>
            <p class="field-error" id=error_id aria-live="polite">{move || message.get()}</p>
        </div>
    }
}

/// What the link did: a scrubbed secret, unknown keys.
#[component]
fn LinkNotices(notice: LinkNotice) -> impl IntoView {
    let secret = notice.scrubbed_secret.then(|| {
        view! {
            <p class="notice warn" id="secret-scrubbed" role="alert">
                "This link carried a secret. It was ignored and removed from the address bar; "
                "type the secret into the form instead. Links never carry secrets."
            </p>
        }
    });
    let unknown = (!notice.unknown_keys.is_empty()).then(|| {
        view! {
            <p class="notice" id="unknown-keys">
                "The link's keys " {notice.unknown_keys.join(", ")} " are not known here and were ignored."
            </p>
        }
    });
    view! { {secret} {unknown} }
}

/// The exact token URL and relay origin that the credentials go to, always shown before Diagnose.
#[component]
fn DestinationPanel(form: RwSignal<Form>, demo: Signal<bool>) -> impl IntoView {
    let page = browser::page_url();
    let destination = Memo::new(move |_| form.with(|f| f.destination(&page)));
    view! {
        <Show when=move || demo.get()>
            <p class="notice demo" id="demo-destination">
                "Demo tenant: the diagnosis runs against a simulated tenant inside this page. Nothing is sent anywhere."
            </p>
        </Show>
        <section class="destination" aria-labelledby="destination-title" class:hidden=move || demo.get()>
            <h2 id="destination-title">"Credentials will be sent to"</h2>
            <dl>
                <dt>"Token URL"</dt>
                <dd id="token-url">
                    {move || destination.with(|d| d.token_url.clone()).unwrap_or_else(|| "not known yet: complete the fields above".into())}
                </dd>
                <dt>"Relay"</dt>
                <dd id="relay-origin">
                    {move || match destination.with(|d| d.route.clone()) {
                        Route::Direct => "none: the browser calls the API directly".to_string(),
                        Route::Relay(origin) => origin,
                        Route::Unknown => "not known yet: fix the relay field".to_string(),
                    }}
                </dd>
            </dl>
        </section>
    }
}

/// Asked once when a link chose the relay, API host or issuer: nothing is sent before this.
#[component]
fn ConfirmDestination(confirmed: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="notice warn confirm" role="alert" id="confirm-panel">
            <p>
                "This link chose where your credentials go (see above). Check the token URL and relay, "
                "then confirm. Nothing is sent before you do."
            </p>
            <button type="button" id="confirm-destination" on:click=move |_| confirmed.set(true)>
                "I trust this destination"
            </button>
        </div>
    }
}

/// Copy link: the current inputs as a fragment link, without the secrets.
#[component]
fn CopyLink(form: RwSignal<Form>) -> impl IntoView {
    let copied = RwSignal::new(None::<(String, bool)>);
    let on_click = move |_| {
        let url = format!(
            "{}#{}",
            browser::page_address(),
            form.with_untracked(link::write)
        );
        copied.set(Some((url.clone(), false)));
        leptos::task::spawn_local(async move {
            let ok = browser::copy_text(&url).await;
            copied.set(Some((url, ok)));
        });
    };
    view! {
        <button type="button" id="copy-link" on:click=on_click>"Copy link"</button>
        {move || copied.get().map(|(url, ok)| view! {
            <p class="copied" aria-live="polite">
                {if ok { "Link copied (no secrets in it): " } else { "Copy this link (no secrets in it): " }}
                <input id="copied-link" readonly prop:value=url aria-label="Link to this form" />
            </p>
        })}
    }
}

/// The answer to the last Diagnose press.
#[component]
fn OutcomeView(outcome: RwSignal<Outcome>) -> impl IntoView {
    move || {
        match outcome.get() {
        Outcome::Idle => ().into_any(),
        Outcome::NeedsConfirmation => view! {
            <p class="notice warn" role="status">"Confirm where the credentials go before diagnosing."</p>
        }
        .into_any(),
        Outcome::Invalid(errors) => view! {
            <div class="verdict fail" data-verdict="invalid_input" role="status">
                <h2>"Check the form"</h2>
                <p>"Nothing was sent. Fix these fields:"</p>
                <ul>
                    {errors.into_iter().map(|e| view! {
                        <li><a href=format!("#{}", e.field.name()) on:click=move |ev| { ev.prevent_default(); focus(e.field.name()); }>
                            {e.field.label()}</a>": " {e.message}</li>
                    }).collect_view()}
                </ul>
            </div>
        }
        .into_any(),
        Outcome::Started => ().into_any(),
    }
    }
}

fn focus(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
