//! The rehearsal the page plays at idle (`src/rehearsal.rs`) must walk a whole diagnosis: if a
//! change to the engine stopped it short (a canned answer no longer accepted), the first real
//! run would pay the browser's compilation again, and nothing else would say so.

use agent_state_doctor::engine::{Check, Outcome, RequestKind, Verdict};
use agent_state_doctor::inputs::Profile;
use agent_state_doctor::rehearsal;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn both_rehearsals_reach_logged_in_through_every_call_of_their_profile() {
    let forms = rehearsal::forms();
    let profiles: Vec<Profile> = forms
        .iter()
        .map(|f| f.validate().expect("a valid rehearsal form").profile)
        .collect();
    assert_eq!(profiles, [Profile::Guide, Profile::Platform]);
    for form in &forms {
        let report = rehearsal::play(form).expect("the rehearsal reaches a report");
        let tree = &report.tree;
        assert_eq!(
            report.verdict(),
            Some(Verdict::LoggedIn),
            "{:?}",
            tree.summary
        );
        assert!(tree.finished);
        for check in [
            Check::Token,
            Check::User,
            Check::AgentState,
            Check::StateList,
            Check::CrossCheck,
            Check::Relay,
        ] {
            assert_eq!(tree.node(check).outcome, Outcome::Pass, "{check:?}");
        }
        let kinds: Vec<RequestKind> = tree
            .checks
            .iter()
            .flat_map(|n| n.exchanges.iter().map(|e| e.kind))
            .collect();
        for kind in [
            RequestKind::RelayHealth,
            RequestKind::Token,
            RequestKind::User,
            RequestKind::AgentState,
            RequestKind::StateList,
        ] {
            assert!(kinds.contains(&kind), "{kind:?} was played: {kinds:?}");
        }
    }
    let platform = rehearsal::play(&forms[1]).unwrap();
    assert_eq!(platform.tree.node(Check::Discovery).outcome, Outcome::Pass);
    assert_eq!(platform.tree.node(Check::AgentId).outcome, Outcome::Pass);
}
