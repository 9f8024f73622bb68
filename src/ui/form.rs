//! The form: fields with their labels and messages, where the credentials go, Diagnose and Copy link.

use super::{browser, flag, text, LinkNotice};
use crate::inputs::{Environment, Field, Profile, Route, DEFAULT_ISSUER, GOV_ISSUER};
use crate::link;
use crate::session::{Attempt, Blocked, Session, Trigger};
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

/// The diagnosis form. It renders the [`Session`] from context and forwards what the person does
/// to it; pressing Diagnose asks `on_run` for a run, which the session may refuse.
#[component]
pub fn DiagnoseForm(
    /// Asks for a run (the session decides whether it starts).
    on_run: Callback<Trigger>,
    /// While a run is going, Diagnose turns into Cancel.
    running: Signal<bool>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<RwSignal<Session>>();
    let profile = Memo::new(move |_| session.with(|s| s.form().profile()));
    let demo = Memo::new(move |_| session.with(Session::is_demo));
    let needs_confirmation = Memo::new(move |_| session.with(Session::needs_confirmation));
    // Memos, so that a keystroke elsewhere does not redraw (and re-announce) the notices.
    let notice = Memo::new(move |_| session.with(|s| s.notice().clone()));
    let folded = Memo::new(move |_| session.with(Session::is_folded));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_run.run(Trigger::Diagnose);
    };

    // Diagnose runs from the button's click, which Enter in a field also fires, and cancels the
    // form's submission: before a submit event the browser reads the whole form for autofill
    // (1 to 5 ms here), all before the first request could leave. `on_submit` stays for any
    // other way a submission comes.
    let on_diagnose = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        on_run.run(Trigger::Diagnose);
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
                            .then(|| view! { <FieldRow field=field /> })
                    }
                })
                .collect_view();
            view! {
                <fieldset class="group" class:hidden=flag(move || !any_visible())>
                    <legend>{*legend}</legend>
                    {rows}
                </fieldset>
            }
        })
        .collect_view();

    view! {
        <form class="diagnose-form" class:folded=flag(move || folded.get()) novalidate on:submit=on_submit autocomplete="off"
            aria-label="Diagnosis inputs">
            {move || folded.get().then(|| view! { <FormSummary /> })}
            {move || view! { <LinkNotices notice=notice.get() /> }}
            {groups}
            <DestinationPanel demo=demo.into() />
            {move || needs_confirmation.get().then(|| view! { <ConfirmDestination /> })}
            <div class="actions">
                <button type="submit" class="primary" id="diagnose" disabled=flag(move || running.get()) on:click=on_diagnose>"Diagnose"</button>
                {move || running.get().then(|| view! {
                    <button type="button" id="cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                })}
                <CopyLink />
            </div>
            <OutcomeView />
        </form>
    }
}

/// The folded form: one line of what was asked (no secrets) and Edit, which opens the form.
#[component]
fn FormSummary() -> impl IntoView {
    let session = expect_context::<RwSignal<Session>>();
    let summary = Memo::new(move |_| session.with(Session::summary));
    let on_edit = move |_| {
        session.update(Session::unfold);
        let first = session.with_untracked(|s| {
            if s.form().profile() == crate::inputs::Profile::Guide {
                "tenant"
            } else {
                "profile"
            }
        });
        request_animation_frame(move || focus(first));
    };
    view! {
        <div class="form-summary" id="form-summary">
            <p><span class="visually-hidden">"Diagnosed: "</span>{text(move || summary.get())}</p>
            <button type="button" id="edit-form" on:click=on_edit aria-label="Edit the inputs">"Edit"</button>
        </div>
    }
}

/// One labelled input with its hint and its message.
#[component]
fn FieldRow(field: Field) -> impl IntoView {
    let session = expect_context::<RwSignal<Session>>();
    let name = field.name();
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let value = Memo::new(move |_| session.with(|s| s.form().get(field).to_string()));
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        session.update(|s| s.edit(field, &typed));
    };
    let mark_touched = move |_| session.update(|s| s.touch(field));
    let message = Memo::new(move |_| session.with(|s| s.message_for(field)));
    let invalid = move || {
        if message.with(Option::is_some) {
            "true"
        } else {
            "false"
        }
    };
    let described = format!("{hint_id} {error_id}");
    // Profile and Environment are both a choice of two: one <select> shape serves both.
    let choices = match field {
        Field::Profile => Some(Profile::ALL.map(|p| (p.as_str(), p.label()))),
        Field::Environment => Some(Environment::ALL.map(|e| (e.as_str(), e.label()))),
        _ => None,
    };
    let control = match choices {
        Some(choices) => view! {
            <select id=name name=name prop:value=value on:change=on_input aria-describedby=described.clone()>
                {choices.map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        None => {
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
        <div class="field" class:invalid=flag(move || message.with(Option::is_some)) data-field=name>
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
fn DestinationPanel(demo: Signal<bool>) -> impl IntoView {
    let session = expect_context::<RwSignal<Session>>();
    let destination = Memo::new(move |_| session.with(Session::destination));
    view! {
        {move || demo.get().then(|| view! {
            <p class="notice demo" id="demo-destination">
                "Demo tenant: the diagnosis runs against a simulated tenant inside this page. Nothing is sent anywhere."
            </p>
        })}
        <section class="destination" aria-labelledby="destination-title" class:hidden=flag(move || demo.get())>
            <h2 id="destination-title">"Credentials will be sent to"</h2>
            <dl>
                <dt>"Token URL"</dt>
                <dd id="token-url">
                    {text(move || destination.with(|d| d.token_url.clone()).unwrap_or_else(|| "not known yet: complete the fields above".into()))}
                </dd>
                <dt>"Relay"</dt>
                <dd id="relay-origin">
                    {text(move || match destination.with(|d| d.route.clone()) {
                        Route::Direct => "none: the browser calls the API directly".to_string(),
                        Route::Relay(origin) => origin,
                        Route::Unknown => "not known yet: fix the relay field".to_string(),
                    })}
                </dd>
            </dl>
        </section>
    }
}

/// Asked once when a link chose the relay, API host or issuer: nothing is sent before this.
/// Inside a frame the button is disabled: a page laid over this one could steer the click.
#[component]
fn ConfirmDestination() -> impl IntoView {
    let session = expect_context::<RwSignal<Session>>();
    let framed = session.with_untracked(Session::is_framed);
    let on_confirm = move |_| {
        session.update(|s| {
            let _ = s.confirm();
        })
    };
    view! {
        <div class="notice warn confirm" role="alert" id="confirm-panel" data-framed=framed.to_string()>
            <p>
                "This link chose where your credentials go (see above). Check the token URL and relay, "
                "then confirm. Nothing is sent before you do."
            </p>
            {framed.then(|| view! {
                <p id="framed-warning">
                    "This page is shown inside another page, which could trick your click, so it cannot be confirmed here. "
                    <a href=browser::page_url() target="_blank" rel="noopener noreferrer">"Open the page in its own tab"</a>
                    " and confirm there."
                </p>
            })}
            <button type="button" id="confirm-destination" on:click=on_confirm
                disabled=flag(move || !session.with(Session::can_confirm))>
                "I trust this destination"
            </button>
        </div>
    }
}

/// Copy link: the current inputs as a fragment link, without the secrets.
#[component]
fn CopyLink() -> impl IntoView {
    let session = expect_context::<RwSignal<Session>>();
    let copied = RwSignal::new(None::<(String, bool)>);
    let on_click = move |_| {
        let url = format!(
            "{}#{}",
            browser::page_address(),
            session.with_untracked(|s| link::write(s.form()))
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

/// What the last request for a run led to (Diagnose or Run again).
#[component]
fn OutcomeView() -> impl IntoView {
    let session = expect_context::<RwSignal<Session>>();
    let attempt = Memo::new(move |_| session.with(|s| s.attempt().clone()));
    move || {
        match attempt.get() {
        Attempt::Idle | Attempt::Started(_) => ().into_any(),
        Attempt::Refused(Blocked::Unconfirmed(_)) => view! {
            <p class="notice warn" role="status" id="needs-confirmation">"Confirm where the credentials go before diagnosing."</p>
        }
        .into_any(),
        Attempt::Refused(Blocked::Invalid(errors)) => view! {
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
    }
    }
}

/// Moves focus to the element with `id`, when there is one.
pub fn focus(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
