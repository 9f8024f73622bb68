//! The sweep's answers from lists and lookups: the roster and the state list read page by page
//! (more pages asked for once a first page gives the total), one-entity lookups, and the indexes
//! that let each row find its entries in one step.

use super::*;

impl Sweep {
    pub(super) fn on_roster(&mut self, skip: u32, settled: Settled) {
        let page = match &settled {
            Settled::Json(json) => self
                .api
                .read_roster(json)
                .map(|p| (p, self.api.read_paging(json))),
            _ => None,
        };
        let Some((page, paging)) = page else {
            return self.list_failed("The roster (Admin agent list)", settled);
        };
        if skip == 0 {
            self.roster_total = paging.total;
            self.hidden = page.hidden;
        }
        let entries = page.agents.len() as u32;
        self.roster.insert(skip, page.agents);
        let more = self.more_pages(skip, entries, paging, self.roster_total, true);
        for skip in more {
            if !self.roster_asked.contains(&skip) {
                self.roster_asked.push(skip);
                self.push(Job::Roster(skip));
            }
        }
    }

    pub(super) fn on_states(&mut self, skip: u32, settled: Settled) {
        let no_data = |json: &serde_json::Value| {
            json.is_null()
                || json.as_object().is_some_and(|m| m.is_empty())
                || json.as_array().is_some_and(|a| a.is_empty())
        };
        let rows = match &settled {
            Settled::Json(json) if no_data(json) => Some((Vec::new(), profile::Paging::default())),
            Settled::Json(json) => self
                .api
                .read_state_rows(json)
                .map(|r| (r, self.api.read_paging(json))),
            // A 204 or 304 is no data: no entries on this page.
            Settled::Status { status, .. } if *status == 204 || *status == 304 => {
                Some((Vec::new(), profile::Paging::default()))
            }
            _ => None,
        };
        let Some((rows, paging)) = rows else {
            return self.list_failed("The all-agents state list", settled);
        };
        if skip == 0 {
            self.states_total = paging.total;
        }
        let entries = rows.len() as u32;
        self.states.insert(skip, rows);
        let more = self.more_pages(skip, entries, paging, self.states_total, false);
        for skip in more {
            if !self.states_asked.contains(&skip) {
                self.states_asked.push(skip);
                self.push(Job::States(skip));
            }
        }
    }

    /// The pages to ask after page `skip` of `entries` entries: with a total from the first
    /// page, all the rest at once (within the bound); without, the next when this one was full
    /// or links a next.
    pub(super) fn more_pages(
        &mut self,
        skip: u32,
        entries: u32,
        paging: profile::Paging,
        total: Option<u64>,
        roster: bool,
    ) -> Vec<u32> {
        if !self.api.capabilities().paged_lists || entries == 0 {
            return Vec::new();
        }
        let bound = u64::from(MAX_SWEEP_PAGES * PAGE_SIZE);
        let what = if roster { "roster" } else { "state list" };
        match total {
            Some(total) if skip == 0 => {
                if total > bound {
                    self.notes.push(format!(
                        "The {what} has {total} entries; the sweep reads the first {bound}."
                    ));
                }
                let size = entries.min(PAGE_SIZE);
                (1..MAX_SWEEP_PAGES)
                    .map(|i| i * size)
                    .filter(|s| u64::from(*s) < total)
                    .collect()
            }
            Some(_) => Vec::new(),
            None => {
                let next = skip + entries;
                let full = entries >= PAGE_SIZE || paging.next;
                if full && next < MAX_SWEEP_PAGES * PAGE_SIZE {
                    vec![next]
                } else {
                    if full {
                        self.notes.push(format!(
                            "The {what} goes on past {bound} entries; the sweep reads those."
                        ));
                    }
                    Vec::new()
                }
            }
        }
    }

    pub(super) fn list_failed(&mut self, what: &str, settled: Settled) {
        if self.failure.is_some() {
            return;
        }
        let verdict = match &settled {
            Settled::Failed(f) => failure_verdict(f),
            Settled::Status { status: 403, .. } => {
                if self.api.capabilities().role_permissions {
                    Verdict::MissingPermission
                } else {
                    Verdict::MissingScope
                }
            }
            Settled::Status { status: 401, .. } => Verdict::TokenRejected,
            _ => Verdict::ServiceError,
        };
        self.failure = Some((
            verdict,
            format!("{what} could not be read: {}", describe(&settled)),
        ));
        // Nothing more of the lists is worth asking.
        self.queue
            .retain(|q| !matches!(q.job, Job::Roster(_) | Job::States(_)));
    }

    pub(super) fn on_lookup(&mut self, job: Job, settled: Settled) {
        let api = self.api;
        let looked = match (&job, &settled) {
            (Job::User(_), Settled::Json(json)) => {
                let user = api.read_user(json);
                Looked::User {
                    agent_id: user.agent_id,
                    name: user.name,
                    status: user.status,
                }
            }
            (Job::User(_), Settled::Status { status, .. }) if api.is_unknown_id(*status) => {
                Looked::NoUser
            }
            (Job::AgentState(_), Settled::Json(json)) => match api.read_agent_state(json) {
                profile::AgentState::Active { state, .. } => Looked::State(Some(state)),
                profile::AgentState::NoSession => Looked::State(None),
            },
            (Job::AgentState(_), Settled::Status { status, .. }) if api.is_unknown_id(*status) => {
                Looked::NoAgent
            }
            (_, Settled::Failed(f)) => Looked::Failed(failure_verdict(f), f.describe()),
            (_, other) => Looked::Failed(Verdict::ServiceError, describe(other)),
        };
        // An ID unknown as a user, where no roster answers for agent IDs: tried as an agent ID.
        if let (Job::User(id), Looked::NoUser) = (&job, &looked) {
            let again = Job::AgentState(id.clone());
            if !self.has_roster()
                && api.could_be(id, profile::IdKind::Agent)
                && !self.looked_for(&again)
            {
                self.push(again);
            }
        }
        self.looked.push((job, looked));
    }

    pub(super) fn looked_for(&self, job: &Job) -> bool {
        self.looked.iter().any(|(j, _)| j == job)
            || self.queue.iter().any(|q| &q.job == job)
            || self.out.iter().any(|o| &o.queued.job == job)
    }

    pub(super) fn roster_all(&self) -> impl Iterator<Item = &RosterAgent> {
        self.roster.values().flatten()
    }

    pub(super) fn states_all(&self) -> impl Iterator<Item = &StateRow> {
        self.states.values().flatten()
    }

    /// Indexes the lists read (see `state_index`).
    pub(super) fn index(&mut self) {
        self.state_index.clear();
        for (skip, rows) in &self.states {
            for (i, row) in rows.iter().enumerate() {
                self.state_index
                    .entry(key(&row.agent_id))
                    .or_insert((*skip, i));
                if let Some(user) = &row.user_id {
                    self.state_index.entry(key(user)).or_insert((*skip, i));
                }
            }
        }
        self.roster_index.clear();
        for (skip, rows) in &self.roster {
            for (i, row) in rows.iter().enumerate() {
                self.roster_index
                    .entry(key(&row.agent_id))
                    .or_insert((*skip, i));
                if let Some(user) = &row.user_id {
                    self.roster_index.entry(key(user)).or_insert((*skip, i));
                }
            }
        }
    }

    /// The roster record whose agent ID or user ID is `id`.
    pub(super) fn roster_entry(&self, id: &str) -> Option<&RosterAgent> {
        let (skip, i) = self.roster_index.get(&key(id))?;
        self.roster.get(skip)?.get(*i)
    }

    /// The state entry whose agent ID (or user ID, where entries name it) is `id`.
    pub(super) fn state_entry(&self, id: &str) -> Option<&StateRow> {
        let (skip, i) = self.state_index.get(&key(id))?;
        self.states.get(skip)?.get(*i)
    }

    pub(super) fn roster_has_agent(&self, agent: &str) -> bool {
        self.roster_entry(agent)
            .is_some_and(|r| profile::same_id(&r.agent_id, agent))
    }

    pub(super) fn state_of(&self, agent: &str) -> Option<&StateRow> {
        self.state_entry(agent)
            .filter(|s| profile::same_id(&s.agent_id, agent))
    }

    pub(super) fn has_roster(&self) -> bool {
        !self.roster.is_empty() || !self.roster_asked.is_empty()
    }
}
