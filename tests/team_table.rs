//! The Team view's pure parts: the table model (sorting, the filter per finding, counts, pages,
//! CSV and Markdown), the link that keeps a sweep's inputs without a secret, and the session's
//! door for a sweep (`Trigger::Sweep`: no user ID needed, an unconfirmed destination refused).

use agent_state_doctor::engine::{SweepRow, Verdict};
use agent_state_doctor::inputs::{Field, Form};
use agent_state_doctor::session::{Blocked, Session, Trigger};
use agent_state_doctor::team::{self, Column, Direction, TeamTable, ROWS_PER_PAGE};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const PAGE: &str = "https://tools.example/doctor/";
const SECRET: &str = "Sup3r-s3cret-Value!";

fn row(agent: &str, name: &str, finding: Verdict) -> SweepRow {
    SweepRow {
        typed: None,
        agent_id: Some(agent.into()),
        user_id: None,
        name: name.into(),
        team: "Team A".into(),
        state: String::new(),
        since: String::new(),
        finding,
    }
}

fn table() -> TeamTable {
    TeamTable::new(vec![
        row("9", "Zoe", Verdict::LoggedIn),
        row("100", "amy, \"A\"", Verdict::AgentLocked),
        row("20", "=cmd", Verdict::LoggedIn),
    ])
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sorting_is_numeric_for_ids_and_toggles() {
    let mut t = table();
    t.sort_by(Column::Agent);
    assert_eq!(t.aria_sort(Column::Agent), "ascending");
    assert_eq!(t.aria_sort(Column::Name), "none");
    let ids: Vec<_> = t.shown().map(|r| r.key().to_string()).collect();
    assert_eq!(ids, ["9", "20", "100"]);
    t.sort_by(Column::Agent);
    assert_eq!(t.sort(), Some((Column::Agent, Direction::Descending)));
    assert_eq!(t.shown().next().unwrap().key(), "100");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_finding_filters_and_counts_stay_whole() {
    let mut t = table();
    assert_eq!(
        t.counts(),
        vec![(Verdict::LoggedIn, 2), (Verdict::AgentLocked, 1)]
    );
    t.toggle_filter(Some(Verdict::AgentLocked));
    assert_eq!(t.shown_len(), 1);
    assert_eq!(t.counts().len(), 2);
    t.toggle_filter(Some(Verdict::AgentLocked));
    assert_eq!(t.shown_len(), 3);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn five_thousand_rows_show_one_page_at_a_time() {
    let rows = (0..5000)
        .map(|i| row(&i.to_string(), "A", Verdict::LoggedOut))
        .collect();
    let mut t = TeamTable::new(rows);
    assert_eq!(t.page(), (0, 50));
    assert_eq!(t.page_rows().len(), ROWS_PER_PAGE);
    t.go_to(99);
    assert_eq!(t.page(), (49, 50));
    assert_eq!(t.page_rows()[0].1.key(), "4900");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn csv_quotes_and_defuses_formulas() {
    let csv = table().csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "agent_id,user,name,team,state,since,finding");
    assert!(lines.contains(&"100,,\"amy, \"\"A\"\"\",Team A,,,agent_locked"));
    assert!(lines.contains(&"20,,'=cmd,Team A,,,logged_in"));
    assert!(table().markdown().contains("| `logged_in` | 2 |"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_link_keeps_the_sweep_inputs_never_a_secret() {
    let mut form = Form::default();
    form.set(Field::Tenant, "acme");
    form.set(Field::ClientId, "c1");
    form.set(Field::ClientSecret, SECRET);
    let link = team::link(&form, "Team B", &["4021".into(), "4007".into()]);
    assert!(!link.contains(SECRET));
    assert!(link.contains("tenant=acme"));
    let (team_view, team_name, ids) = team::read_link("", &link);
    assert!(team_view);
    assert_eq!(team_name, "Team B");
    assert_eq!(ids, "4021\n4007");
    // The session reads the same link without calling the Team keys unknown.
    let (session, _) = Session::open(Form::default(), PAGE, false, "", &link);
    assert!(session.notice().unknown_keys.is_empty());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_sweep_needs_no_user_id_but_a_confirmed_destination() {
    let mut session = Session::new(Form::default(), PAGE, false);
    session.edit(Field::Tenant, "acme");
    session.edit(Field::ClientId, "c1");
    session.edit(Field::ClientSecret, SECRET);
    let plan = session
        .request_run(Trigger::Sweep)
        .expect("a sweep without a user ID");
    assert_eq!(plan.inputs.user_id, None);
    assert!(matches!(
        session.request_run(Trigger::Diagnose),
        Err(Blocked::Invalid(_))
    ));
    session.follow_link(
        "",
        "tenant=acme&client_id=c1&relay=https%3A%2F%2Fevil.example%2F",
    );
    assert!(matches!(
        session.request_run(Trigger::Sweep),
        Err(Blocked::Unconfirmed(_))
    ));
    assert!(matches!(
        session.request_run(Trigger::TeamRow),
        Err(Blocked::Unconfirmed(_))
    ));
}
