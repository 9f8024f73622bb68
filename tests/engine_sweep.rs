//! The team sweep (`engine::sweep`): one test per row finding, and the request bounds (at most
//! six lookups in flight, `Retry-After` honoured, the round count of a multi-page list). Most
//! stories run against the simulated sweep tenants (`demo-sweep-<n>`); the few the simulation
//! has no agent for use canned answers.

use agent_state_doctor::engine::{
    Answer, Request, Response, Sweep, SweepReport, SweepStep, SweepTarget, Verdict, MAX_IN_FLIGHT,
};
use agent_state_doctor::inputs::{Field, Form, Inputs};
use agent_state_doctor::sim::{
    sweep_agent, sweep_agent_id, sweep_client_id, sweep_user_id, Scenario, SimRequest, SimTenant,
};
use serde_json::{json, Value};
use std::collections::VecDeque;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const NOW: u64 = 1_700_000_000_000;

fn inputs(platform: bool, agents: usize) -> Inputs {
    let mut form: Form = if platform {
        Scenario::PlatformLoggedIn.form()
    } else {
        Scenario::LoggedIn.form()
    };
    form.set(Field::ClientId, &sweep_client_id(agents));
    form.set(Field::Relay, "");
    form.validate().expect("a valid form")
}

/// What a run saw besides the report.
struct Seen {
    report: SweepReport,
    requests: Vec<Request>,
    /// The most requests out at once, of lookups (user and agent-state calls).
    peak_lookups: usize,
}

/// Drives `sweep` as a browser would: every request sent is out until answered; answers come
/// back one at a time, oldest first, and the sweep is polled after each.
fn drive(mut sweep: Sweep, mut answer: impl FnMut(&Request) -> Answer) -> Seen {
    let mut out: VecDeque<Request> = VecDeque::new();
    let mut requests = Vec::new();
    let mut peak_lookups = 0;
    loop {
        match sweep.poll() {
            SweepStep::Send(sent) => {
                requests.extend(sent.iter().cloned());
                out.extend(sent);
                let lookups = out
                    .iter()
                    .filter(|r| {
                        matches!(
                            r.kind,
                            agent_state_doctor::engine::RequestKind::User
                                | agent_state_doctor::engine::RequestKind::AgentState
                        )
                    })
                    .count();
                peak_lookups = peak_lookups.max(lookups);
            }
            SweepStep::Waiting => {
                let request = out.pop_front().expect("a request out");
                let a = answer(&request);
                assert!(sweep.receive(request.id, a));
            }
            SweepStep::Done(report) => {
                return Seen {
                    report: *report,
                    requests,
                    peak_lookups,
                }
            }
        }
    }
}

fn sim_run(platform: bool, agents: usize, target: SweepTarget) -> Seen {
    let mut tenant = SimTenant::new();
    let sweep = Sweep::new(inputs(platform, agents), target, None, NOW);
    drive(sweep, |r| {
        tenant.answer(&SimRequest::from(r)).to_answer(r.timeout_ms)
    })
}

fn finding_of(report: &SweepReport, id: &str) -> Verdict {
    report
        .rows
        .iter()
        .find(|r| r.typed.as_deref() == Some(id) || r.agent_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("a row for {id}"))
        .finding
}

/// Agent `i`'s finding as the simulated directory makes it.
fn expected(i: usize) -> Verdict {
    let a = sweep_agent(i);
    match (a.active, a.locked, a.state) {
        (false, _, _) => Verdict::AgentInactive,
        (_, true, _) => Verdict::AgentLocked,
        (_, _, Some(_)) => Verdict::LoggedIn,
        _ => Verdict::LoggedOut,
    }
}

macro_rules! both {
    ($(#[$m:meta])* fn $name:ident() $body:block) => {
        $(#[$m])*
        #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
        #[cfg_attr(not(target_arch = "wasm32"), test)]
        fn $name() $body
    };
}

// ----- one test per row finding -----

both! { fn logged_in() {
    let seen = sim_run(true, 40, SweepTarget::Ids(vec![sweep_user_id(2)]));
    assert_eq!(finding_of(&seen.report, &sweep_user_id(2)), Verdict::LoggedIn);
    let row = &seen.report.rows[0];
    assert_eq!(row.agent_id.as_deref(), Some(sweep_agent_id(2).as_str()));
    assert_eq!(row.state, "Available");
    assert_eq!(row.team, "Team C");
    assert!(!row.since.is_empty());
}}

both! { fn logged_out() {
    let seen = sim_run(true, 40, SweepTarget::Ids(vec![sweep_agent_id(1)]));
    assert_eq!(finding_of(&seen.report, &sweep_agent_id(1)), Verdict::LoggedOut);
    assert_eq!(seen.report.rows[0].state, "LoggedOut");
}}

both! { fn agent_inactive() {
    let seen = sim_run(true, 40, SweepTarget::Ids(vec![sweep_agent_id(3)]));
    assert_eq!(finding_of(&seen.report, &sweep_agent_id(3)), Verdict::AgentInactive);
}}

both! { fn agent_locked() {
    let seen = sim_run(true, 40, SweepTarget::Ids(vec![sweep_agent_id(7)]));
    assert_eq!(finding_of(&seen.report, &sweep_agent_id(7)), Verdict::AgentLocked);
}}

both! {
    /// Agent 9 is hidden from the key's user: no list shows it, User Hub knows the user, and
    /// the roster counts hidden agents.
    fn agent_hidden() {
    let seen = sim_run(true, 40, SweepTarget::Ids(vec![sweep_user_id(9), sweep_agent_id(9)]));
    assert_eq!(finding_of(&seen.report, &sweep_user_id(9)), Verdict::AgentHidden);
    assert_eq!(finding_of(&seen.report, &sweep_agent_id(9)), Verdict::AgentHidden);
    assert_eq!(seen.report.hidden, Some(2));
    // Only the user ID needed a lookup: the roster, read whole, answers for the agent ID.
    let lookups = seen.requests.iter().filter(|r| r.url.contains("/user-management/")).count();
    assert_eq!(lookups, 1);
}}

both! { fn user_not_found() {
    let unknown = "99999999-0000-4000-9000-000000000001";
    let seen = sim_run(true, 40, SweepTarget::Ids(vec![unknown.into()]));
    assert_eq!(finding_of(&seen.report, unknown), Verdict::UserNotFound);
    let seen = sim_run(false, 40, SweepTarget::Ids(vec![unknown.into()]));
    assert_eq!(finding_of(&seen.report, unknown), Verdict::UserNotFound);
}}

/// A canned platform tenant: token, discovery, then the given roster and state list (one page).
fn canned_platform(roster: Value, states: Value) -> impl FnMut(&Request) -> Answer {
    move |r: &Request| {
        let body = if r.url.contains("/auth/token") {
            json!({"access_token": "at-1", "expires_in": 3600,
                "id_token": "eyJhbGciOiJub25lIn0.eyJ0ZW5hbnRJZCI6InQxIn0."})
        } else if r.url.contains("cxone-configuration") {
            json!({"api_endpoint": "https://api-na1.niceincontact.com"})
        } else if r.url.contains("/agents/states") {
            states.clone()
        } else if r.url.contains("/agents?") {
            roster.clone()
        } else if r.url.contains("/user-management/") {
            json!({"user": {"id": "u", "firstName": "Pat", "lastName": "Admin", "status": "ACTIVE"}})
        } else {
            return answer(404, json!({}), &[]);
        };
        answer(200, body, &[])
    }
}

fn answer(status: u16, body: Value, headers: &[(&str, &str)]) -> Answer {
    let mut h = vec![("Content-Type".to_string(), "application/json".to_string())];
    h.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Answer::Response(Response {
        status,
        headers: h,
        body: body.to_string(),
        elapsed_ms: 50,
    })
}

both! {
    /// User Hub knows the user, the roster maps no agent to it and hides none.
    fn not_an_agent() {
    let user = "44444444-5555-6666-7777-888888888888";
    let roster = json!({"totalRecords": 1, "hiddenAgents": 0, "agents": [
        {"agentId": 4007, "userID": "22222222-3333-4444-5555-666666666666", "isActive": true, "locked": false}]});
    let states = json!({"totalRecords": 1, "agentStates": [{"agentId": 4007, "agentStateName": "Available"}]});
    let sweep = Sweep::new(inputs(true, 1), SweepTarget::Ids(vec![user.into()]), None, NOW);
    let seen = drive(sweep, canned_platform(roster, states));
    assert_eq!(finding_of(&seen.report, user), Verdict::NotAnAgent);
    assert_eq!(seen.report.rows[0].key(), user, "data-agent is the typed ID when no agent ID is known");
}}

both! {
    /// An agent ID that no roster entry has, with nothing hidden.
    fn agent_not_found() {
    let roster = json!({"totalRecords": 1, "hiddenAgents": 0, "agents": [
        {"agentId": 4007, "userID": "22222222-3333-4444-5555-666666666666", "isActive": true}]});
    let states = json!({"totalRecords": 1, "agentStates": [{"agentId": 4007, "agentStateName": "Available"}]});
    let sweep = Sweep::new(inputs(true, 1), SweepTarget::Ids(vec!["4999".into()]), None, NOW);
    let seen = drive(sweep, canned_platform(roster, states));
    assert_eq!(finding_of(&seen.report, "4999"), Verdict::AgentNotFound);
}}

both! {
    /// The roster says the agent cannot log in (inactive), yet the state list shows a session.
    fn inconsistent_state() {
    let roster = json!({"totalRecords": 1, "hiddenAgents": 0, "agents": [
        {"agentId": 4007, "userID": "22222222-3333-4444-5555-666666666666", "isActive": false}]});
    let states = json!({"totalRecords": 1, "agentStates": [{"agentId": 4007, "agentStateName": "Available"}]});
    let sweep = Sweep::new(inputs(true, 1), SweepTarget::All, None, NOW);
    let seen = drive(sweep, canned_platform(roster, states));
    assert_eq!(finding_of(&seen.report, "4007"), Verdict::InconsistentState);
}}

both! {
    /// The guide has no roster: pasted user IDs are looked up one by one, the state list says
    /// who is logged in, and a user without an agent ID is not an agent.
    fn guide_pasted_users() {
    let ids: Vec<String> = (0..10).map(sweep_user_id).collect();
    let seen = sim_run(false, 10, SweepTarget::Ids(ids.clone()));
    for (i, id) in ids.iter().enumerate() {
        let want = match expected(i) {
            // The guide's list shows only logged-in agents: the record's flags are not visible.
            Verdict::AgentInactive | Verdict::AgentLocked => Verdict::LoggedOut,
            v => v,
        };
        assert_eq!(finding_of(&seen.report, id), want, "agent {i}");
    }
    // Only the users the list does not show (its entries name their user) are looked up.
    let users = seen.requests.iter().filter(|r| r.url.contains("/api/v2/users/")).count();
    assert_eq!(users, (0..10).filter(|i| expected(*i) != Verdict::LoggedIn).count());
}}

// ----- the request bounds -----

both! {
    /// All agents, 5,000 on the platform: token, discovery, the first pages, every other page
    /// at once: four rounds, and every agent has its row with the directory's finding.
    fn all_agents_in_four_rounds() {
    let seen = sim_run(true, 5000, SweepTarget::All);
    let report = &seen.report;
    assert_eq!(report.rounds, 4, "rounds");
    let visible: Vec<usize> = (0..5000).filter(|i| !sweep_agent(*i).hidden).collect();
    assert_eq!(report.rows.len(), visible.len());
    // 2 + 2 first pages + 2 x 47 further pages
    assert_eq!(report.requests as usize, 2 + 2 * visible.len().div_ceil(100));
    for i in visible.iter().step_by(37) {
        assert_eq!(finding_of(report, &sweep_agent_id(*i)), expected(*i), "agent {i}");
    }
    assert_eq!(report.hidden, Some(250));
}}

both! {
    /// 250 agents in pages of 100: the first page gives the total, the two others go out
    /// together in the next round.
    fn multi_page_list_round_count() {
    let seen = sim_run(true, 250, SweepTarget::All);
    assert_eq!(seen.report.rounds, 4);
    let pages: Vec<&Request> = seen.requests.iter().filter(|r| r.url.contains("/agents/states")).collect();
    assert_eq!(pages.len(), 3);
    // On the guide, one unpaged list after the token: two rounds.
    let seen = sim_run(false, 250, SweepTarget::All);
    assert_eq!(seen.report.rounds, 2);
    assert!(seen.report.rows.iter().all(|r| r.finding == Verdict::LoggedIn));
}}

both! {
    /// 40 pasted user IDs on the guide: 40 lookups, never more than six out at once.
    fn at_most_six_lookups_in_flight() {
    let ids: Vec<String> = (0..40).map(sweep_user_id).collect();
    let seen = sim_run(false, 40, SweepTarget::Ids(ids));
    assert_eq!(seen.report.rows.len(), 40);
    assert!(seen.peak_lookups <= MAX_IN_FLIGHT, "peak {}", seen.peak_lookups);
    assert_eq!(seen.peak_lookups, MAX_IN_FLIGHT);
    assert!(seen.report.peak_in_flight <= MAX_IN_FLIGHT);
}}

both! {
    /// A 429 with Retry-After on a page: it is sent again after that wait, one call at a time
    /// while cooling, and no row fails.
    fn retry_after_honoured() {
    let roster = json!({"totalRecords": 2, "hiddenAgents": 0, "agents": [
        {"agentId": 4007, "isActive": true}, {"agentId": 4008, "isActive": true}]});
    let states = json!({"totalRecords": 2, "agentStates": [
        {"agentId": 4007, "agentStateName": "Available"}, {"agentId": 4008, "agentStateName": "LoggedOut"}]});
    let mut inner = canned_platform(roster, states);
    let mut refused = 0;
    let sweep = Sweep::new(inputs(true, 1), SweepTarget::All, None, NOW);
    let seen = drive(sweep, |r| {
        if r.url.contains("/agents/states") && refused < 2 {
            refused += 1;
            return answer(429, json!({"error": "TooManyRequests"}), &[("Retry-After", "3")]);
        }
        inner(r)
    });
    let retries: Vec<&Request> = seen.requests.iter().filter(|r| r.url.contains("/agents/states")).collect();
    assert_eq!(retries.len(), 3);
    assert_eq!(retries[1].delay_ms, 3000);
    assert_eq!(retries[2].delay_ms, 3000);
    assert_eq!(seen.report.waited_ms, 3000, "one slowdown, counted once");
    assert_eq!(finding_of(&seen.report, "4007"), Verdict::LoggedIn);
    assert_eq!(finding_of(&seen.report, "4008"), Verdict::LoggedOut);
    assert!(seen.report.failure.is_none());
}}

both! {
    /// One team by name or ID: only its agents.
    fn one_team() {
    let seen = sim_run(true, 100, SweepTarget::Team("team b".into()));
    assert!(!seen.report.rows.is_empty());
    assert!(seen.report.rows.iter().all(|r| r.team == "Team B"));
    let by_id = sim_run(true, 100, SweepTarget::Team("101".into()));
    assert_eq!(by_id.report.rows.len(), seen.report.rows.len());
}}

both! {
    /// Cancel stops everything: nothing more goes out, the report stands.
    fn cancel_stops() {
    let mut sweep = Sweep::new(inputs(true, 500), SweepTarget::All, None, NOW);
    let SweepStep::Send(first) = sweep.poll() else { panic!("the token call") };
    assert_eq!(first.len(), 1);
    sweep.cancel();
    assert!(!sweep.receive(first[0].id, answer(200, json!({}), &[])));
    assert!(matches!(sweep.poll(), SweepStep::Done(_)));
}}

both! {
    /// Pasted text: one ID per line or a CSV column, header and duplicates skipped.
    fn pasted_ids() {
    let target = SweepTarget::parse("", "userId,name\n\"4021\",Dana\n4007\n4021\n\n");
    assert_eq!(target, SweepTarget::Ids(vec!["4021".into(), "4007".into()]));
    assert_eq!(SweepTarget::parse("Team A", ""), SweepTarget::Team("Team A".into()));
    assert_eq!(SweepTarget::parse(" ", " "), SweepTarget::All);
}}

both! {
    /// The token of the sweep is handed back for the single diagnosis of a row.
    fn token_is_reused() {
    let seen = sim_run(true, 10, SweepTarget::All);
    let token = seen.report.token.clone().expect("a token");
    let mut tenant = SimTenant::new();
    let again = Sweep::new(inputs(true, 10), SweepTarget::All, Some(token), NOW);
    let seen = drive(again, |r| tenant.answer(&SimRequest::from(r)).to_answer(r.timeout_ms));
    assert!(seen.requests.iter().all(|r| !r.url.contains("/auth/token")));
    // Discovery, then one page of each list.
    assert_eq!(seen.report.rounds, 2);
}}
