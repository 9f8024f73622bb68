//! A verdict in the words of the profile that ran: the profile's own meaning and fix steps where
//! it has them (the profile's `verdict_meaning` and `verdict_fix`),
//! else the words every profile shares.

use super::verdict::Verdict;
use crate::inputs::Profile;
use crate::profile;

impl Verdict {
    /// What the verdict means under `profile`: the profile's own words where they differ
    /// (the platform's access keys, role permissions, numeric agent IDs and UUID user IDs).
    pub fn meaning_for(self, profile: Profile) -> &'static str {
        profile::for_profile(profile)
            .and_then(|p| p.verdict_meaning(self))
            .unwrap_or_else(|| self.meaning())
    }

    /// What to do under `profile`, step by step: the profile's own steps where they differ.
    pub fn fix_for(self, profile: Profile) -> Vec<String> {
        match profile::for_profile(profile).and_then(|p| p.verdict_fix(self)) {
            Some(steps) => steps.iter().map(|s| s.to_string()).collect(),
            None => self.fix(),
        }
    }
}
