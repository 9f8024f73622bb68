//! The page's state as one pure model, in the manner of Leptos' todomvc: the form, the tenant
//! mode (real or a demo scenario), the real form kept while the demo fills it, which destination
//! the person trusts, what the link did, and what the last request to run led to.
//!
//! Every way to start a run (Diagnose, Run again, a Team row later) goes through
//! [`Session::request_run`]. It refuses while the destination is not confirmed and while the form
//! is invalid, so no button can reach the network around it. The page only renders a `Session`
//! and forwards events to its methods; nothing here touches the browser.

use crate::engine::Verdict;
use crate::inputs::{Destination, Field, FieldError, Form, Inputs, Route};
use crate::link;
use crate::relay::Relay;
use crate::sim::Scenario;
use crate::url::AbsoluteUrl;

/// Real tenant, or the simulated one playing a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Real,
    Demo(Scenario),
}

/// What asked for a run. Every trigger meets the same rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The form's Diagnose button (or Enter in a field).
    Diagnose,
    /// The Run again button under a finished result.
    RunAgain,
    /// A row of the Team view: the form's tenant and credentials for another agent.
    TeamRow,
    /// The Team view's Sweep button: the form's tenant and credentials for many agents (the
    /// user and agent ID fields are not needed).
    Sweep,
}

/// Where a run's requests go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The real network, through `relay` (or direct).
    Network { relay: Relay },
    /// The simulated tenant inside the page: nothing leaves it.
    Demo(Scenario),
}

/// A run the session allowed: the checked inputs and where they go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunPlan {
    pub trigger: Trigger,
    /// The checked inputs, secrets included (memory only).
    pub inputs: Inputs,
    /// The form as it was, for the report's inputs (reports skip the secrets).
    pub form: Form,
    pub target: Target,
}

/// Why a run was refused. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// A link chose where the credentials go and the person has not confirmed this destination.
    Unconfirmed(Destination),
    /// Some fields are wrong, in form order.
    Invalid(Vec<FieldError>),
}

impl Blocked {
    /// The element id the page moves focus to: the confirm button, or the first wrong field.
    pub fn focus(&self) -> &'static str {
        match self {
            Blocked::Unconfirmed(_) => "confirm-destination",
            Blocked::Invalid(errors) => errors
                .first()
                .map_or(Field::Tenant.name(), |e| e.field.name()),
        }
    }
}

/// What the last request to run led to, for the message under the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// No run asked for yet (or the refusal no longer applies).
    Idle,
    Refused(Blocked),
    Started(Trigger),
}

/// Why the confirm button does nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfirmRefused {
    /// The page is inside a frame: the click may come from a page laid over it (clickjacking).
    Framed,
}

/// What the link the page was opened with (or moved to) did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkNotice {
    /// A secret was in the link; it was ignored and removed from the address bar.
    pub scrubbed_secret: bool,
    /// Keys the page does not know (never secret-looking ones), for spotting a typo.
    pub unknown_keys: Vec<String>,
    /// The link chose where credentials go; nothing is sent until the person confirms.
    pub needs_confirmation: bool,
}

/// The address bar after a link was read: write it back when `changed` (a secret was removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// Without the leading `?`.
    pub query: String,
    /// Without the leading `#`.
    pub fragment: String,
    pub changed: bool,
}

/// Where credentials would go, reduced to what trust is about: the origin that receives the
/// client secret, the relay origin every call passes, and the API host that receives the token.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DestinationKey {
    token_origin: Option<String>,
    route: Route,
    api_host: String,
}

/// How a verdict is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Pass,
    Warn,
    Fail,
}

impl Tone {
    /// The verdict panel's class.
    pub fn of(verdict: Verdict) -> Tone {
        match verdict {
            Verdict::LoggedIn => Tone::Pass,
            Verdict::LoggedOut | Verdict::WrongEnvironment | Verdict::Inconclusive => Tone::Warn,
            _ => Tone::Fail,
        }
    }

    /// The class name, as the stylesheet knows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Pass => "pass",
            Tone::Warn => "warn",
            Tone::Fail => "fail",
        }
    }
}

/// Where keyboard focus is when a result arrives, as the page sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FocusNow {
    /// In a text entry (an input or a textarea): the person may be typing there.
    TextEntry,
    /// Anywhere else: a button, a link, the tree, or nowhere.
    Elsewhere,
}

/// What the page does when a result arrives (a verdict, or a Team table's results).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// Scroll the result into view and move focus to it; the form folds to its summary.
    TakeFocus,
    /// Leave focus and the form where they are: the person is typing. The result is announced
    /// by its live region only.
    Announce,
}

/// The page's whole state, with every rule about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    form: Form,
    mode: Mode,
    /// What the person typed for their own tenant, kept while a demo scenario fills the form.
    saved_real: Option<Form>,
    /// The site's defaults, which links are read over.
    defaults: Form,
    /// The page's own address, to resolve a relative relay.
    page_url: String,
    /// The page runs inside a frame: confirming is refused.
    framed: bool,
    /// The destination the person trusts: chosen by the site, typed by them, or confirmed.
    /// `None` while a link's destination waits for confirmation.
    trusted: Option<DestinationKey>,
    notice: LinkNotice,
    attempt: Attempt,
    /// Fields the person has left once (their messages show from then on).
    touched: Vec<Field>,
    /// A run was asked for once: every field's message shows.
    submitted: bool,
    /// The form is folded to its one-line summary (after a result took focus); Edit opens it.
    folded: bool,
    /// The person typed into the form since the last run started.
    edited_during_run: bool,
}

impl Session {
    /// A session over the site's `defaults`, before any link is read. `page_url` is the page's
    /// address; `framed` says whether the page is inside a frame.
    pub fn new(defaults: Form, page_url: &str, framed: bool) -> Session {
        let mut session = Session {
            form: defaults.clone(),
            mode: Mode::Real,
            saved_real: None,
            defaults,
            page_url: page_url.to_string(),
            framed,
            trusted: None,
            notice: LinkNotice::default(),
            attempt: Attempt::Idle,
            touched: Vec::new(),
            submitted: false,
            folded: false,
            edited_during_run: false,
        };
        // What the site itself configured needs no confirmation.
        session.trusted = Some(session.key());
        session
    }

    /// A session opened from the address `query` and `fragment`, and the address to show.
    pub fn open(
        defaults: Form,
        page_url: &str,
        framed: bool,
        query: &str,
        fragment: &str,
    ) -> (Session, Address) {
        let mut session = Session::new(defaults, page_url, framed);
        let address = session.follow_link(query, fragment);
        (session, address)
    }

    // ----- reading -----

    /// The form as typed (in demo mode, the scenario's form).
    pub fn form(&self) -> &Form {
        &self.form
    }

    /// The real tenant or the demo scenario.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// True while a demo scenario fills the form: nothing leaves the page.
    pub fn is_demo(&self) -> bool {
        matches!(self.mode, Mode::Demo(_))
    }

    /// What the last link did, for the notices above the form.
    pub fn notice(&self) -> &LinkNotice {
        &self.notice
    }

    /// What the last request for a run led to.
    pub fn attempt(&self) -> &Attempt {
        &self.attempt
    }

    /// True when the page runs inside a frame.
    pub fn is_framed(&self) -> bool {
        self.framed
    }

    /// Where the credentials would go if a run started now.
    pub fn destination(&self) -> Destination {
        self.form.destination(&self.page_url)
    }

    /// True while real credentials would go to a destination the person has not confirmed.
    /// The demo sends nothing, so it never needs confirmation.
    pub fn needs_confirmation(&self) -> bool {
        !self.is_demo() && self.trusted.as_ref() != Some(&self.key())
    }

    /// Whether the confirm button works here (not inside a frame).
    pub fn can_confirm(&self) -> bool {
        !self.framed
    }

    /// The message shown under `field`: once the field was left, or after a run was asked for.
    pub fn message_for(&self, field: Field) -> Option<String> {
        if self.submitted || self.touched.contains(&field) {
            self.form.error_for(field)
        } else {
            None
        }
    }

    /// True while the form shows only its one-line summary and Edit.
    pub fn is_folded(&self) -> bool {
        self.folded
    }

    /// The folded form's one line: what the run was asked about, never a secret. Guide:
    /// `guide · acme · Production · user u-42 · agent 4021 · relay /relay/`; in demo mode the
    /// scenario's title leads.
    pub fn summary(&self) -> String {
        let form = &self.form;
        let mut parts: Vec<String> = Vec::new();
        if let Mode::Demo(scenario) = self.mode {
            parts.push(format!("Demo: {}", scenario.title()));
        }
        parts.push(form.profile().as_str().to_string());
        for field in [Field::Tenant, Field::Environment, Field::Issuer] {
            if field.applies_to(form.profile()) && !form.get(field).trim().is_empty() {
                parts.push(match field {
                    Field::Environment => crate::inputs::Environment::parse(form.get(field))
                        .map_or_else(
                            || form.get(field).trim().to_string(),
                            |e| e.label().to_string(),
                        ),
                    _ => form.get(field).trim().to_string(),
                });
            }
        }
        for (field, word) in [
            (Field::UserId, "user"),
            (Field::AgentId, "agent"),
            (Field::Relay, "relay"),
            (Field::ApiHost, "API host"),
        ] {
            let value = form.get(field).trim();
            if field.applies_to(form.profile()) && !value.is_empty() && !field.is_secret() {
                parts.push(format!("{word} {value}"));
            }
        }
        parts.join(" · ")
    }

    /// Whether a result arriving now moves focus to itself: unless focus is in a text entry
    /// *and* the person typed into the form while the run went (pressing Enter in a field to
    /// diagnose is not typing: the result takes focus then).
    pub fn focus_rule(&self, focus: FocusNow) -> Arrival {
        if focus == FocusNow::TextEntry && self.edited_during_run {
            Arrival::Announce
        } else {
            Arrival::TakeFocus
        }
    }

    /// A run's result arrived (the verdict; the Team view calls it when its table is complete).
    /// When it takes focus the form folds to its summary; when the person is typing nothing
    /// moves and the form stays open.
    pub fn result_arrived(&mut self, focus: FocusNow) -> Arrival {
        let arrival = self.focus_rule(focus);
        if arrival == Arrival::TakeFocus {
            self.folded = true;
        }
        self.edited_during_run = false;
        arrival
    }

    // ----- events -----

    /// Edit: the folded form opens again.
    pub fn unfold(&mut self) {
        self.folded = false;
    }

    /// The person typed `value` into `field`. A destination the person trusted stays trusted as
    /// they edit it (they chose it); one waiting for confirmation keeps waiting.
    pub fn edit(&mut self, field: Field, value: &str) {
        if matches!(self.attempt, Attempt::Started(_)) {
            self.edited_during_run = true;
        }
        if self.is_demo() {
            self.form.set(field, value);
            return;
        }
        let trusted_before = self.trusted.as_ref() == Some(&self.key());
        self.form.set(field, value);
        if trusted_before {
            self.trusted = Some(self.key());
        }
    }

    /// The person left `field`: its message may show from now on.
    pub fn touch(&mut self, field: Field) {
        if !self.touched.contains(&field) {
            self.touched.push(field);
        }
    }

    /// Real tenant or a demo scenario. The demo fills the form with its scenario and keeps what
    /// was typed for the real tenant, which comes back on switching to it.
    pub fn set_mode(&mut self, next: Mode) {
        match (self.mode, next) {
            (Mode::Real, Mode::Demo(_)) => self.saved_real = Some(self.form.clone()),
            (Mode::Demo(_), Mode::Real) => {
                if let Some(saved) = self.saved_real.take() {
                    self.form = saved;
                }
            }
            _ => {}
        }
        if let Mode::Demo(scenario) = next {
            self.form = scenario.form();
        }
        self.mode = next;
        self.attempt = Attempt::Idle;
        // Another tenant or scenario: Diagnose must be in reach again.
        self.folded = false;
    }

    /// A link was opened or pasted (the query string and fragment of the address bar): the form
    /// is read from it over the site's defaults, back in real mode, keeping the secrets the
    /// person already typed for their own tenant. A link that chooses the relay, API host or
    /// issuer leaves the destination unconfirmed. Answers the address bar with secrets removed.
    pub fn follow_link(&mut self, query: &str, fragment: &str) -> Address {
        let read = link::read(query, fragment, &self.defaults);
        let typed = match self.mode {
            Mode::Real => self.form.clone(),
            Mode::Demo(_) => self.saved_real.clone().unwrap_or_default(),
        };
        let mut next = read.form.clone();
        for field in Field::ALL.into_iter().filter(|f| f.is_secret()) {
            next.set(field, typed.get(field));
        }
        self.form = next;
        self.mode = Mode::Real;
        self.saved_real = None;
        self.trusted = if read.routes_credentials() {
            None
        } else {
            Some(self.key())
        };
        self.notice = LinkNotice {
            scrubbed_secret: read.had_secret,
            unknown_keys: read.unknown.clone(),
            needs_confirmation: read.routes_credentials(),
        };
        self.attempt = Attempt::Idle;
        // A link filled the form: show what it put there.
        self.folded = false;
        let (query_out, fragment_out) = link::scrub(query, fragment);
        Address {
            changed: read.had_secret,
            query: query_out,
            fragment: fragment_out,
        }
    }

    /// The person confirmed the destination now shown. Refused inside a frame, where the click
    /// may not be theirs.
    pub fn confirm(&mut self) -> Result<(), ConfirmRefused> {
        if self.framed {
            return Err(ConfirmRefused::Framed);
        }
        self.trusted = Some(self.key());
        if matches!(self.attempt, Attempt::Refused(Blocked::Unconfirmed(_))) {
            self.attempt = Attempt::Idle;
        }
        Ok(())
    }

    /// The one door to a run. Refused while real credentials would go to an unconfirmed
    /// destination, and while the form is invalid (with every field's message); otherwise the
    /// plan says what to send and where.
    pub fn request_run(&mut self, trigger: Trigger) -> Result<RunPlan, Blocked> {
        self.submitted = true;
        let result = self.plan(trigger);
        self.attempt = match &result {
            Ok(_) => Attempt::Started(trigger),
            Err(blocked) => Attempt::Refused(blocked.clone()),
        };
        self.edited_during_run = false;
        if result.is_err() {
            // The messages, the wrong field or the confirm button are in the form: open it.
            self.folded = false;
        }
        result
    }

    fn plan(&self, trigger: Trigger) -> Result<RunPlan, Blocked> {
        if self.needs_confirmation() {
            return Err(Blocked::Unconfirmed(self.destination()));
        }
        let inputs = if trigger == Trigger::Sweep {
            sweep_inputs(&self.form)?
        } else {
            self.form.validate().map_err(Blocked::Invalid)?
        };
        let target = match self.mode {
            Mode::Real => Target::Network {
                relay: inputs.relay.clone(),
            },
            Mode::Demo(scenario) => Target::Demo(scenario),
        };
        Ok(RunPlan {
            trigger,
            inputs,
            form: self.form.clone(),
            target,
        })
    }

    fn key(&self) -> DestinationKey {
        let destination = self.destination();
        DestinationKey {
            token_origin: destination
                .token_url
                .map(|u| AbsoluteUrl::parse(&u).map_or(u, |u| u.origin())),
            route: destination.route,
            api_host: self.form.get(Field::ApiHost).trim().to_ascii_lowercase(),
        }
    }
}

/// The inputs of a sweep: the form's, without requiring a user or agent ID (a sweep names its
/// agents itself); the ID fields, even when filled, are not part of it.
fn sweep_inputs(form: &Form) -> Result<Inputs, Blocked> {
    let mut form = form.clone();
    form.set(Field::UserId, "sweep");
    form.set(Field::AgentId, "");
    let mut inputs = form.validate().map_err(Blocked::Invalid)?;
    inputs.user_id = None;
    inputs.agent_id = None;
    Ok(inputs)
}
