//! What a sweep covers: all agents, one team, or pasted IDs (one per line, or a CSV column).

use crate::profile;

/// Whom to sweep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SweepTarget {
    /// Every agent the lists show.
    All,
    /// One team, by its ID or its name (case-insensitive).
    Team(String),
    /// Pasted user IDs or agent IDs, in the order given.
    Ids(Vec<String>),
}

impl SweepTarget {
    /// Reads what a person pasted: with `team` non-empty, that team; with IDs (one per line, or
    /// a CSV column: the first cell of each line that looks like an ID, a header line skipped),
    /// those IDs; otherwise all agents.
    pub fn parse(team: &str, pasted: &str) -> SweepTarget {
        let ids = parse_ids(pasted);
        if !ids.is_empty() {
            return SweepTarget::Ids(ids);
        }
        match team.trim() {
            "" => SweepTarget::All,
            team => SweepTarget::Team(team.to_string()),
        }
    }
}

/// The IDs in pasted text: one per line, or a CSV column (the first cell that holds an ID-like
/// value: digits, or a UUID; a header such as `userId` is skipped). Duplicates are dropped.
pub fn parse_ids(pasted: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for line in pasted.lines() {
        let cell = line
            .split([',', ';', '\t'])
            .map(|c| c.trim().trim_matches('"').trim())
            .find(|c| looks_like_id(c));
        if let Some(cell) = cell {
            if !ids.iter().any(|i| profile::same_id(i, cell)) {
                ids.push(cell.to_string());
            }
        }
    }
    ids
}

fn looks_like_id(cell: &str) -> bool {
    !cell.is_empty()
        && cell.len() <= 64
        && cell.chars().any(|c| c.is_ascii_digit())
        && cell
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
