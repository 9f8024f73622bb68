//! The paged lists (profiles with `paged_lists`): the first page of the all-agents list and of
//! the agent lookup go out with the user lookup; once a first page says how many entries there
//! are (`totalRecords`), every further page within the bound ([`MAX_PAGES`]) goes out in one
//! round, in parallel. Without a total, a full page or a `_links.next` asks for the next page,
//! one round each. The agent lookup stops once a page maps the user. A 204, 304 or empty body
//! from the all-agents list is "no data" (`no_data_answers`), not an empty list.

use super::round::{Slot, Target};
use super::{Diagnosis, Phase, MAX_PAGES, PAGE_SIZE};
use crate::engine::classify::Failure;
use crate::engine::exchange::{Answer, RequestKind};
use crate::profile::{AgentListing, ListedAgent, Paging};
use serde_json::Value;

/// The agent lookup's pages, read together for one user.
#[derive(Clone, Debug, Default)]
pub(super) struct Listing {
    /// The pages as one: entries read, the user's record if a page had it, `hiddenAgents`.
    pub(super) found: AgentListing,
    /// Pages read.
    pub(super) pages: u32,
    /// `totalRecords`, when the first page gave it.
    pub(super) total: Option<u64>,
    /// The list goes on past what was read (the bound, or a page that failed).
    pub(super) cut: bool,
}

/// The all-agents list's pages, read together.
#[derive(Clone, Debug, Default)]
pub(super) struct ListCut {
    /// Entries read.
    pub(super) read: usize,
    /// `totalRecords`, when the first page gave it.
    pub(super) total: Option<u64>,
}

/// One page of a paged list as read on its arrival (`Diagnosis::receive`), kept in its slot:
/// the pages already in are not read again each time further pages come in.
pub(super) struct ListPage {
    /// What the page says of the pages after it.
    paging: Paging,
    entries: PageEntries,
}

/// A list page's entries, as the list's reader reads them.
enum PageEntries {
    /// A page of the all-agents list; `None` when the JSON is no list in any accepted shape.
    States(Option<Vec<ListedAgent>>),
    /// A page of the agent lookup, read for the user its call asked about; `None` when it is
    /// no list of agents.
    Agents(Option<AgentListing>),
}

/// One page as read: where it starts, its entries, what it says of the next.
struct PageRead {
    skip: u32,
    entries: usize,
    paging: Paging,
}

fn skip_of(slot: &Slot) -> u32 {
    match &slot.target {
        Target::StateList(_, skip) | Target::AgentLookup(_, _, skip) => *skip,
        _ => 0,
    }
}

impl Slot {
    /// The all-agents list's entries on this page, when it answered with a list.
    pub(super) fn listed(&self) -> Option<&Vec<ListedAgent>> {
        match &self.page.as_ref()?.entries {
            PageEntries::States(list) => list.as_ref(),
            PageEntries::Agents(_) => None,
        }
    }

    /// The agent lookup's page as read for its user, when it answered with a list of agents.
    pub(super) fn listing(&self) -> Option<&AgentListing> {
        match &self.page.as_ref()?.entries {
            PageEntries::Agents(listing) => listing.as_ref(),
            PageEntries::States(_) => None,
        }
    }

    /// What the page says of the pages after it; `None` unless it answered with JSON.
    fn paging(&self) -> Option<Paging> {
        self.page.as_ref().map(|p| p.paging)
    }
}

impl Diagnosis {
    /// Reads the page a 2xx answer with `json` brought to `target`, when `target` is a page of
    /// a list (the all-agents list, the agent lookup); `None` for any other call.
    pub(super) fn read_page(&self, target: &Target, json: &Value) -> Option<ListPage> {
        let api = self.api();
        let entries = match target {
            Target::StateList(..) => PageEntries::States(api.read_state_list(json)),
            Target::AgentLookup(_, user, _) => {
                PageEntries::Agents(api.read_agent_lookup(json, user))
            }
            _ => return None,
        };
        Some(ListPage {
            paging: api.read_paging(json),
            entries,
        })
    }

    /// The user lookup and the first pages answered.
    pub(super) fn on_lookup(&mut self, slots: Vec<Slot>) {
        self.settle_relay(&slots);
        if self.refresh_if_stale(&slots) {
            return;
        }
        self.found.paged = slots;
        self.more_pages();
    }

    /// Further pages answered.
    pub(super) fn on_pages(&mut self, slots: Vec<Slot>) {
        self.found.paged.extend(slots);
        self.more_pages();
    }

    /// Asks for the pages still to read, or goes on with every list read.
    fn more_pages(&mut self) {
        let mut next = Vec::new();
        if self.api().capabilities().paged_lists {
            next.extend(self.next_pages(RequestKind::StateList));
            next.extend(self.next_pages(RequestKind::AgentLookup));
        }
        if next.is_empty() {
            let slots = std::mem::take(&mut self.found.paged);
            self.read_pages(&slots);
            return self.on_lookup_answered(slots);
        }
        self.phase = Phase::Pages;
        self.round.slots = next;
    }

    /// The pages of list `kind` read so far, in order; `None` when one gave no list (paging
    /// stops there: the failure is the list's).
    fn pages_of(&self, kind: RequestKind) -> Option<Vec<(PageRead, Option<&AgentListing>)>> {
        let mut pages = Vec::new();
        for slot in self.found.paged.iter().filter(|s| s.target.kind() == kind) {
            if self.is_no_data(slot) {
                return None;
            }
            let (entries, listing) = match kind {
                RequestKind::AgentLookup => {
                    let listing = slot.listing()?;
                    (listing.entries, Some(listing))
                }
                _ => (slot.listed()?.len(), None),
            };
            let page = PageRead {
                skip: skip_of(slot),
                entries,
                paging: slot.paging()?,
            };
            pages.push((page, listing));
        }
        crate::sorting::sort_by_key(&mut pages, |(p, _)| p.skip);
        Some(pages)
    }

    /// The further pages of list `kind` to ask for now.
    fn next_pages(&self, kind: RequestKind) -> Vec<Slot> {
        let Some(first_slot) = self.found.paged.iter().find(|s| s.target.kind() == kind) else {
            return Vec::new();
        };
        let Some(pages) = self.pages_of(kind) else {
            return Vec::new();
        };
        if pages
            .iter()
            .any(|(_, l)| l.as_ref().is_some_and(|l| l.matched.is_some()))
        {
            return Vec::new();
        }
        if kind == RequestKind::StateList && self.agent_in_list_read() {
            // The agent is known and its entry is read: the rest of the list tells no more.
            return Vec::new();
        }
        let Some((first, _)) = pages.first() else {
            return Vec::new();
        };
        if first.entries == 0 {
            return Vec::new();
        }
        // The server may page at less than asked: its first page's size is the step.
        let size = (first.entries as u32).min(PAGE_SIZE);
        let wanted: Vec<u32> = match first.paging.total {
            Some(total) => (1..MAX_PAGES)
                .map(|i| i * size)
                .filter(|skip| u64::from(*skip) < total)
                .collect(),
            None => {
                let (last, _) = pages.last().expect("a first page");
                let more = last.entries > 0
                    && (last.entries as u32 >= PAGE_SIZE || last.paging.next)
                    && (pages.len() as u32) < MAX_PAGES;
                if more {
                    vec![last.skip + last.entries as u32]
                } else {
                    Vec::new()
                }
            }
        };
        let asked: Vec<u32> = self
            .found
            .paged
            .iter()
            .filter(|s| s.target.kind() == kind)
            .map(skip_of)
            .collect();
        wanted
            .into_iter()
            .filter(|skip| !asked.contains(skip))
            .map(|skip| {
                let target = match &first_slot.target {
                    Target::StateList(env, _) => Target::StateList(*env, skip),
                    Target::AgentLookup(env, user, _) => {
                        Target::AgentLookup(*env, user.clone(), skip)
                    }
                    other => other.clone(),
                };
                Slot::new(target, first_slot.check)
            })
            .collect()
    }

    /// True when the agent ID is already known (typed alone, or mapped by a page of the agent
    /// lookup, or by the id_token) and a page of the all-agents list read so far has its entry.
    fn agent_in_list_read(&self) -> bool {
        let inputs = self.inputs();
        let user = inputs.user_id.clone().unwrap_or_default();
        let known = match &inputs.user_id {
            None => inputs.agent_id.clone(),
            Some(_) => self.pages_of(RequestKind::AgentLookup).and_then(|pages| {
                pages.into_iter().find_map(|(_, l)| {
                    l.and_then(|l| l.matched.as_ref())
                        .map(|m| m.agent_id.clone())
                })
            }),
        }
        .or_else(|| self.token_user_agent(&user));
        let Some(agent) = known else {
            return false;
        };
        self.found
            .paged
            .iter()
            .filter(|s| s.target.kind() == RequestKind::StateList)
            .filter_map(Slot::listed)
            .any(|list| {
                list.iter()
                    .any(|a| crate::profile::same_id(&a.agent_id, &agent))
            })
    }

    /// True when `slot`'s answer is "no data" for a profile that says so: 204, 304, or a 2xx
    /// with an empty body.
    pub(super) fn is_no_data(&self, slot: &Slot) -> bool {
        if !self.api().capabilities().no_data_answers {
            return false;
        }
        match slot.answer.as_ref().and_then(Answer::response) {
            Some(r) => {
                r.status == 204
                    || r.status == 304
                    || ((200..300).contains(&r.status) && r.body.trim().is_empty())
            }
            None => false,
        }
    }

    /// Reads every page gathered into what the checks use: the all-agents list (or why it could
    /// not be read, or that it gave no data) and the agent lookup's pages as one.
    fn read_pages(&mut self, slots: &[Slot]) {
        let mut lists: Vec<&Slot> = slots
            .iter()
            .filter(|s| s.target.kind() == RequestKind::StateList)
            .collect();
        crate::sorting::sort_by_key(&mut lists, |s| skip_of(s));
        if let Some(first) = lists.first() {
            self.found.list = Some(self.read_list_pages(&lists));
            if self.is_no_data(first) {
                let status = first
                    .answer
                    .as_ref()
                    .and_then(Answer::response)
                    .map(|r| r.status)
                    .unwrap_or_default();
                let what = match status {
                    204 => "204 No Content",
                    304 => "304 Not Modified",
                    _ => "an empty body",
                };
                self.found.list = Some(Ok(Vec::new()));
                self.found.list_gap = Some(format!(
                    "The all-agents list answered {what}: no data, which is not an empty list."
                ));
            }
        }
        let mut lookups: Vec<&Slot> = slots
            .iter()
            .filter(|s| s.target.kind() == RequestKind::AgentLookup)
            .collect();
        crate::sorting::sort_by_key(&mut lookups, |s| skip_of(s));
        if let Some(first) = lookups.first() {
            self.found.lookup = Some(self.reading(first));
            self.found.listing = self.read_listing(&lookups);
        }
    }

    fn read_list_pages(&mut self, pages: &[&Slot]) -> Result<Vec<ListedAgent>, Failure> {
        let mut all = Vec::new();
        let mut total = None;
        for (i, slot) in pages.iter().enumerate() {
            if i > 0 && self.is_no_data(slot) {
                continue;
            }
            all.extend(self.read_list(slot)?);
            if i == 0 {
                total = slot.paging().and_then(|p| p.total);
            }
        }
        if total.is_some_and(|t| t > all.len() as u64) {
            self.found.list_cut = Some(ListCut {
                read: all.len(),
                total,
            });
        }
        Ok(all)
    }

    fn read_listing(&self, pages: &[&Slot]) -> Option<Listing> {
        let mut listing = Listing::default();
        for (i, slot) in pages.iter().enumerate() {
            let paging = match slot.paging() {
                Some(paging) if !(i > 0 && self.is_no_data(slot)) => paging,
                // A later page that failed leaves the list unread past it.
                _ if i > 0 => {
                    listing.cut = true;
                    continue;
                }
                _ => return None,
            };
            let page = slot.listing()?;
            if i == 0 {
                listing.total = paging.total;
            }
            listing.pages += 1;
            listing.found.entries += page.entries;
            listing.found.hidden = listing.found.hidden.or(page.hidden);
            if listing.found.matched.is_none() {
                listing.found.matched = page.matched.clone();
            }
        }
        let unread = match listing.total {
            Some(total) => total > listing.found.entries as u64,
            // Without a total, the bound was reached with full pages.
            None => listing.pages >= MAX_PAGES,
        };
        if listing.found.matched.is_none() && unread {
            listing.cut = true;
        }
        Some(listing)
    }
}
