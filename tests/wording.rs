//! Findings say each thing once: for every simulated scenario, no text shown with the verdict
//! (its explanation, each evidence line, each check's finding and meaning) holds the same clause
//! twice, nor two clauses that share most of their words: six words or more in the same order,
//! making up at least 60% of the shorter clause (a near-duplicate, such as a finding followed by
//! the verdict's meaning in other words). Runs natively and in headless Chromium.

use agent_state_doctor::sim::{diagnose_offline, Scenario, SimTenant};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const NOW: u64 = 1_700_000_000_000;
/// Two clauses sharing this many words in order (their longest common subsequence)...
const NEAR: usize = 6;
/// ...that make up at least this share of the shorter one say the same thing twice.
const SHARE: f64 = 0.6;

/// A text's clauses: split at sentence ends and `;`, each as its lowercase words (punctuation
/// dropped), empty ones left out.
fn clauses(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let sentence_end = matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace);
        if c == ';' || sentence_end {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.into_iter()
        .map(|clause| {
            clause
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '/'))
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .filter(|words| !words.is_empty())
        .collect()
}

/// How many words `a` and `b` share in the same order (longest common subsequence).
fn common(a: &[String], b: &[String]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The first clause said twice in `text`, if any: `(earlier, later)`.
fn repeated(text: &str) -> Option<(String, String)> {
    let all = clauses(text);
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            let shared = common(a, b);
            let shorter = a.len().min(b.len());
            if a == b || (shared >= NEAR && shared as f64 >= SHARE * shorter as f64) {
                return Some((a.join(" "), b.join(" ")));
            }
        }
    }
    None
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_clause_splitter_finds_repeats_and_near_repeats() {
    assert!(repeated("Logged out. logged  OUT!").is_some());
    assert!(repeated(
        "No session on Production. The agent has no session on Production; try DevTest."
    )
    .is_none());
    assert!(repeated("The agent has no session on Production, but one on DevTest. The agent has no session on Production").is_some());
    assert!(repeated(
        "The agent has no session on Production, but is logged in on DevTest (state Available). \
         The agent has no session in this environment but is logged in on the other one."
    )
    .is_some());
    assert!(repeated("It is 1.5 s. See https://x.example/a.b").is_none());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn no_finding_shown_with_a_verdict_says_the_same_clause_twice() {
    let mut problems = Vec::new();
    for &scenario in Scenario::ALL {
        let report = diagnose_offline(&scenario.form(), &mut SimTenant::new(), NOW);
        let verdict = report.tree.verdict.as_ref().expect("a verdict");
        let mut texts = vec![("explanation".to_string(), verdict.explanation.clone())];
        texts.extend(
            verdict
                .evidence
                .iter()
                .map(|e| ("evidence".to_string(), e.clone())),
        );
        for node in &report.tree.checks {
            texts.push((format!("{} finding", node.id.id()), node.summary.clone()));
            texts.push((format!("{} meaning", node.id.id()), node.meaning.clone()));
        }
        for (what, text) in texts {
            if let Some((a, b)) = repeated(&text) {
                problems.push(format!(
                    "{} {what}: \"{a}\" / \"{b}\"\n    in: {text}",
                    scenario.id()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} texts say a clause twice:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
