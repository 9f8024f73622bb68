//! The page's session: one door to a run, and what keeps it shut. A link that chooses where the
//! credentials go must be confirmed before anything is sent, whichever button asks for the run:
//! after a real run, after a demo run, and on a page opened fresh from the link.
//! Runs natively (`cargo test`) and in headless Chromium (wasm-bindgen-test).

use agent_state_doctor::engine::{Answer, Diagnosis, RequestKind, Step, Verdict};
use agent_state_doctor::inputs::{Field, Form, Route};
use agent_state_doctor::session::{
    Arrival, Attempt, Blocked, ConfirmRefused, FocusNow, Mode, Session, Target, Tone, Trigger,
};
use agent_state_doctor::sim::{Scenario, SimRequest, SimTenant};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const PAGE: &str = "https://tools.example/doctor/";
const SECRET: &str = "typed-s3cret-value";
const HOSTILE: &str = "relay=https%3A%2F%2Fevil.example%2F";
const TRIGGERS: [Trigger; 3] = [Trigger::Diagnose, Trigger::RunAgain, Trigger::TeamRow];

/// What a run would have put on the network: every URL the browser would fetch.
#[derive(Default, Debug)]
struct Wire {
    urls: Vec<String>,
}

impl Wire {
    fn to_host(&self, host: &str) -> usize {
        self.urls.iter().filter(|u| u.contains(host)).count()
    }
}

/// Asks `session` for a run as the page does, and when it is allowed drives the engine to the
/// end: the network target answers every call with "no answer" and records the URL the browser
/// would have fetched; the demo target answers from the simulated tenant and records nothing.
fn press(session: &mut Session, trigger: Trigger, wire: &mut Wire) -> Result<Verdict, Blocked> {
    let plan = session.request_run(trigger)?;
    let mut dx = Diagnosis::new(plan.inputs.clone(), None, 1_700_000_000_000);
    let mut tenant = SimTenant::new();
    loop {
        match dx.poll() {
            Step::Send(requests) => {
                for request in requests {
                    let answer = match &plan.target {
                        Target::Network { relay } => {
                            wire.urls.push(match request.kind {
                                RequestKind::RelayHealth => {
                                    format!("{}/healthz", relay.origin(PAGE).unwrap_or_default())
                                }
                                _ => relay.wrap(&request.url, PAGE),
                            });
                            Answer::NoAnswer {
                                message: "TypeError: Failed to fetch".into(),
                                elapsed_ms: 3,
                            }
                        }
                        Target::Demo(scenario) => {
                            let sim = match request.kind {
                                RequestKind::RelayHealth => {
                                    SimRequest::relay_health(Some(*scenario))
                                }
                                _ => SimRequest::from(&request),
                            };
                            tenant.answer(&sim).to_answer(request.timeout_ms)
                        }
                    };
                    dx.receive(request.id, answer);
                }
            }
            Step::Waiting => panic!("every request was answered"),
            Step::Done(report) => {
                return Ok(report.tree.verdict.map(|v| v.code).expect("a verdict"))
            }
        }
    }
}

/// A complete guide form, typed by the person, with no link.
fn typed_session() -> Session {
    let mut session = Session::new(Form::default(), PAGE, false);
    session.edit(Field::Tenant, "acme");
    session.edit(Field::ClientId, "client-1");
    session.edit(Field::ClientSecret, SECRET);
    session.edit(Field::UserId, "u-1");
    session
}

/// The hostile link arriving in the open page (pasted, or set by an opener).
fn follow_hostile_link(session: &mut Session) {
    session.follow_link(
        "",
        &format!("tenant=acme&client_id=client-1&user=u-1&{HOSTILE}"),
    );
}

/// Every trigger is refused for an unconfirmed destination, and none reaches the network.
fn assert_every_trigger_refused(session: &mut Session, wire: &mut Wire) {
    for trigger in TRIGGERS {
        let before = wire.urls.len();
        match press(session, trigger, wire) {
            Err(Blocked::Unconfirmed(destination)) => {
                assert_eq!(
                    destination.route,
                    Route::Relay("https://evil.example".into())
                );
            }
            other => panic!("{trigger:?} must be refused, got {other:?}"),
        }
        assert_eq!(wire.urls.len(), before, "{trigger:?} sent nothing");
        assert!(matches!(
            session.attempt(),
            Attempt::Refused(Blocked::Unconfirmed(_))
        ));
    }
    assert_eq!(wire.to_host("evil.example"), 0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn after_a_real_run_a_hostile_link_blocks_every_trigger() {
    let mut session = typed_session();
    let mut wire = Wire::default();
    assert_eq!(
        press(&mut session, Trigger::Diagnose, &mut wire),
        Ok(Verdict::CorsBlocked)
    );
    assert!(!wire.urls.is_empty(), "the counter sees a real run");
    assert_eq!(wire.to_host("evil.example"), 0);
    follow_hostile_link(&mut session);
    assert!(session.needs_confirmation());
    assert_eq!(
        session.form().get(Field::ClientSecret),
        SECRET,
        "the typed secret stays"
    );
    assert_every_trigger_refused(&mut session, &mut wire);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn after_a_demo_run_a_hostile_link_blocks_every_trigger() {
    let mut session = typed_session();
    let mut wire = Wire::default();
    session.set_mode(Mode::Demo(Scenario::LoggedIn));
    assert!(
        !session.needs_confirmation(),
        "the demo sends nothing: no confirmation"
    );
    assert_eq!(
        press(&mut session, Trigger::Diagnose, &mut wire),
        Ok(Verdict::LoggedIn)
    );
    assert_eq!(
        wire.urls,
        Vec::<String>::new(),
        "the demo touches no network"
    );
    follow_hostile_link(&mut session);
    assert_eq!(
        session.mode(),
        Mode::Real,
        "a link switches to the real tenant"
    );
    assert_eq!(
        session.form().get(Field::ClientSecret),
        SECRET,
        "the secret typed for the real tenant, not the demo's"
    );
    assert_every_trigger_refused(&mut session, &mut wire);
    // Switching to the demo and back does not launder the link's destination.
    session.set_mode(Mode::Demo(Scenario::LoggedIn));
    session.set_mode(Mode::Real);
    assert_every_trigger_refused(&mut session, &mut wire);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_page_opened_from_a_hostile_link_blocks_every_trigger() {
    let (mut session, address) = Session::open(
        Form::default(),
        PAGE,
        false,
        "",
        &format!("#tenant=acme&client_id=client-1&user=u-1&{HOSTILE}"),
    );
    assert!(!address.changed);
    assert!(session.notice().needs_confirmation);
    session.edit(Field::ClientSecret, SECRET);
    let mut wire = Wire::default();
    assert_every_trigger_refused(&mut session, &mut wire);
    // Typing elsewhere, even the relay field itself, confirms nothing.
    session.edit(Field::Tenant, "acme2");
    session.edit(Field::Relay, "https://evil.example/x/");
    assert_every_trigger_refused(&mut session, &mut wire);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_link_setting_the_api_host_or_issuer_must_be_confirmed_too() {
    for fragment in [
        "tenant=acme&client_id=c&user=u&host=https%3A%2F%2Fapi.evil.example",
        "profile=platform&client_id=c&access_key_id=k&user=u&issuer=https%3A%2F%2Fevil.example",
    ] {
        let (mut session, _) = Session::open(Form::default(), PAGE, false, "", fragment);
        session.edit(Field::ClientSecret, SECRET);
        session.edit(Field::AccessKeySecret, SECRET);
        assert!(matches!(
            session.request_run(Trigger::RunAgain),
            Err(Blocked::Unconfirmed(_))
        ));
        session.confirm().unwrap();
        assert!(session.request_run(Trigger::RunAgain).is_ok(), "{fragment}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn confirming_then_running_sends_to_the_confirmed_destination() {
    let mut session = typed_session();
    follow_hostile_link(&mut session);
    let mut wire = Wire::default();
    assert!(press(&mut session, Trigger::RunAgain, &mut wire).is_err());
    assert_eq!(session.confirm(), Ok(()));
    assert!(!session.needs_confirmation());
    assert_eq!(*session.attempt(), Attempt::Idle, "the refusal is gone");
    assert_eq!(
        press(&mut session, Trigger::RunAgain, &mut wire),
        Ok(Verdict::RelayUnreachable)
    );
    assert!(wire.to_host("evil.example") > 0, "{:?}", wire.urls);
    // Asked once: editing the confirmed destination is the person's own choice.
    session.edit(Field::UserId, "u-2");
    assert!(!session.needs_confirmation());
    // A new link asks again.
    session.follow_link("", &format!("tenant=acme&user=u-1&{HOSTILE}x%2F"));
    assert!(session.needs_confirmation());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn inside_a_frame_the_destination_cannot_be_confirmed() {
    let (mut session, _) = Session::open(
        Form::default(),
        PAGE,
        true,
        "",
        &format!("tenant=acme&client_id=c&user=u&{HOSTILE}"),
    );
    session.edit(Field::ClientSecret, SECRET);
    assert!(!session.can_confirm());
    assert_eq!(session.confirm(), Err(ConfirmRefused::Framed));
    assert!(session.needs_confirmation());
    for trigger in TRIGGERS {
        assert!(matches!(
            session.request_run(trigger),
            Err(Blocked::Unconfirmed(_))
        ));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_destination_the_person_typed_or_the_site_set_needs_no_confirmation() {
    let mut session = typed_session();
    session.edit(Field::Relay, "https://my-relay.example/");
    assert!(!session.needs_confirmation(), "typed by the person");
    let run = session.request_run(Trigger::Diagnose).expect("runs");
    assert_eq!(run.trigger, Trigger::Diagnose);
    let mut site = Form::default();
    site.set(Field::Relay, "/relay/");
    let (session, _) = Session::open(site, PAGE, false, "", "#tenant=acme&relay=%2Frelay%2F");
    assert!(!session.needs_confirmation(), "the site's own relay");
    // A link that changes nothing about the destination keeps it trusted.
    let mut session = typed_session();
    session.follow_link("", "tenant=globex&user=u-9");
    assert!(!session.needs_confirmation());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn run_again_on_an_invalid_form_shows_the_fields_and_sends_nothing() {
    let mut session = typed_session();
    session.edit(Field::Tenant, "Acme Corp");
    assert_eq!(
        session.message_for(Field::Tenant),
        None,
        "not shown before a run is asked for"
    );
    let mut wire = Wire::default();
    let refused = press(&mut session, Trigger::RunAgain, &mut wire).unwrap_err();
    let Blocked::Invalid(errors) = &refused else {
        panic!("{refused:?}")
    };
    assert_eq!(errors[0].field, Field::Tenant);
    assert_eq!(
        refused.focus(),
        "tenant",
        "focus goes to the first wrong field"
    );
    assert!(session.message_for(Field::Tenant).is_some());
    assert!(wire.urls.is_empty());
    assert_eq!(*session.attempt(), Attempt::Refused(refused));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_link_keeps_the_typed_secrets_and_scrubs_its_own() {
    let mut session = typed_session();
    session.edit(Field::AccessKeySecret, "typed-access-secret");
    let address = session.follow_link(
        "?x=1&client_secret=FROMQUERY",
        "#tenant=globex&Client_Secret=FROMLINK&user=u-2",
    );
    assert!(address.changed);
    assert_eq!(address.query, "x=1");
    assert_eq!(address.fragment, "tenant=globex&user=u-2");
    assert_eq!(session.form().get(Field::Tenant), "globex");
    assert_eq!(session.form().get(Field::ClientSecret), SECRET);
    assert_eq!(
        session.form().get(Field::AccessKeySecret),
        "typed-access-secret"
    );
    assert!(session.notice().scrubbed_secret);
    assert!(!format!("{:?}", session.notice()).contains("FROM"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_demo_fills_the_form_and_switching_back_restores_what_was_typed() {
    let mut session = typed_session();
    let typed = session.form().clone();
    session.set_mode(Mode::Demo(Scenario::WrongEnvironment));
    assert_eq!(session.form(), &Scenario::WrongEnvironment.form());
    session.set_mode(Mode::Demo(Scenario::LoggedOut));
    assert_eq!(session.form(), &Scenario::LoggedOut.form());
    let plan = session
        .request_run(Trigger::Diagnose)
        .expect("the demo runs");
    assert_eq!(plan.target, Target::Demo(Scenario::LoggedOut));
    session.set_mode(Mode::Real);
    assert_eq!(session.form(), &typed);
    let plan = session
        .request_run(Trigger::RunAgain)
        .expect("the real form runs");
    assert!(matches!(plan.target, Target::Network { .. }));
    assert_eq!(plan.inputs.client_secret, SECRET);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn verdicts_have_a_tone() {
    assert_eq!(Tone::of(Verdict::LoggedIn), Tone::Pass);
    assert_eq!(Tone::of(Verdict::LoggedOut).as_str(), "warn");
    assert_eq!(Tone::of(Verdict::WrongEnvironment), Tone::Warn);
    assert_eq!(Tone::of(Verdict::BadCredentials), Tone::Fail);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_result_takes_focus_and_folds_the_form_to_a_summary_without_secrets() {
    let mut session = typed_session();
    session.edit(Field::AgentId, "4021");
    assert!(!session.is_folded());
    let mut wire = Wire::default();
    press(&mut session, Trigger::Diagnose, &mut wire).unwrap();
    assert_eq!(
        session.result_arrived(FocusNow::Elsewhere),
        Arrival::TakeFocus
    );
    assert!(session.is_folded());
    let summary = session.summary();
    assert_eq!(summary, "guide · acme · Production · user u-1 · agent 4021");
    assert!(!summary.contains(SECRET));
    session.unfold();
    assert!(!session.is_folded(), "Edit opens the form again");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_result_does_not_take_focus_from_a_person_typing() {
    let mut session = typed_session();
    let mut wire = Wire::default();
    press(&mut session, Trigger::Diagnose, &mut wire).unwrap();
    session.edit(Field::UserId, "u-2");
    assert_eq!(
        session.result_arrived(FocusNow::TextEntry),
        Arrival::Announce,
        "typed while it ran, focus in a field: it stays"
    );
    assert!(!session.is_folded(), "the field typed in stays on screen");

    // Typing before the run, then Enter in the field: the result takes focus.
    press(&mut session, Trigger::Diagnose, &mut wire).unwrap();
    assert_eq!(session.focus_rule(FocusNow::TextEntry), Arrival::TakeFocus);
    // Typed while it ran, but focus went elsewhere (a button): the result takes it.
    session.edit(Field::UserId, "u-3");
    assert_eq!(session.focus_rule(FocusNow::Elsewhere), Arrival::TakeFocus);
    assert_eq!(session.focus_rule(FocusNow::TextEntry), Arrival::Announce);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_refused_run_a_link_or_another_scenario_unfolds_the_form() {
    let mut wire = Wire::default();
    let mut session = typed_session();
    press(&mut session, Trigger::Diagnose, &mut wire).unwrap();
    session.result_arrived(FocusNow::Elsewhere);
    session.edit(Field::Tenant, "Acme Corp");
    assert!(press(&mut session, Trigger::RunAgain, &mut wire).is_err());
    assert!(!session.is_folded(), "the wrong field must be reachable");

    session.edit(Field::Tenant, "acme");
    press(&mut session, Trigger::RunAgain, &mut wire).unwrap();
    session.result_arrived(FocusNow::Elsewhere);
    follow_hostile_link(&mut session);
    assert!(!session.is_folded(), "a link shows what it filled in");

    session.set_mode(Mode::Demo(Scenario::ALL[0]));
    press(&mut session, Trigger::Diagnose, &mut wire).unwrap();
    session.result_arrived(FocusNow::Elsewhere);
    assert!(
        session.summary().starts_with("Demo: "),
        "{}",
        session.summary()
    );
    session.set_mode(Mode::Demo(Scenario::ALL[1]));
    assert!(
        !session.is_folded(),
        "another scenario: Diagnose is in reach"
    );
}
