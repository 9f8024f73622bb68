//! The Team view's table as a pure model: sorting, the filter per finding, the counts above the
//! table, one page of rows at a time (so 5,000 rows stay smooth), the CSV and Markdown exports,
//! and the link that keeps a sweep's inputs. The page renders a [`TeamTable`] and forwards
//! clicks to it; nothing here touches the browser.

use crate::engine::{SweepRow, Verdict};
use crate::inputs::Form;
use crate::percent;

/// Rows shown per page of the table.
pub const ROWS_PER_PAGE: usize = 100;

/// The link keys of the Team view: which view, the team, the pasted IDs. Never a secret.
pub const LINK_KEYS: [&str; 3] = ["view", "team", "ids"];

/// A column of the table, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Agent,
    User,
    Name,
    Team,
    State,
    Since,
    Finding,
}

impl Column {
    /// Every column, in display order.
    pub const ALL: [Column; 7] = [
        Column::Agent,
        Column::User,
        Column::Name,
        Column::Team,
        Column::State,
        Column::Since,
        Column::Finding,
    ];

    /// The header text.
    pub fn label(self) -> &'static str {
        match self {
            Column::Agent => "Agent ID",
            Column::User => "User",
            Column::Name => "Name",
            Column::Team => "Team",
            Column::State => "State",
            Column::Since => "Since",
            Column::Finding => "Finding",
        }
    }

    /// The cell text of `row`.
    pub fn cell(self, row: &SweepRow) -> String {
        match self {
            Column::Agent => row.agent_id.clone().unwrap_or_default(),
            Column::User => row
                .user_id
                .clone()
                .or_else(|| row.typed.clone().filter(|_| row.agent_id.is_none()))
                .unwrap_or_default(),
            Column::Name => row.name.clone(),
            Column::Team => row.team.clone(),
            Column::State => row.state.clone(),
            Column::Since => row.since.clone(),
            Column::Finding => row.finding.code().to_string(),
        }
    }
}

/// Sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

impl Direction {
    /// The `aria-sort` value.
    pub fn aria(self) -> &'static str {
        match self {
            Direction::Ascending => "ascending",
            Direction::Descending => "descending",
        }
    }
}

/// The table: the sweep's rows, and how the person sorts, filters and pages them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TeamTable {
    rows: Vec<SweepRow>,
    sort: Option<(Column, Direction)>,
    filter: Option<Verdict>,
    page: usize,
    /// Row indices in display order (sorted and filtered), kept until the next change.
    order: Vec<usize>,
}

impl TeamTable {
    /// A table of `rows` in the sweep's order, unfiltered.
    pub fn new(rows: Vec<SweepRow>) -> Self {
        let mut table = TeamTable {
            rows,
            ..TeamTable::default()
        };
        table.reorder();
        table
    }

    /// Every row, in the sweep's order.
    pub fn rows(&self) -> &[SweepRow] {
        &self.rows
    }

    /// The sort, if any.
    pub fn sort(&self) -> Option<(Column, Direction)> {
        self.sort
    }

    /// The `aria-sort` of `column`'s header.
    pub fn aria_sort(&self, column: Column) -> &'static str {
        match self.sort {
            Some((c, d)) if c == column => d.aria(),
            _ => "none",
        }
    }

    /// The finding shown alone, if one is.
    pub fn filter(&self) -> Option<Verdict> {
        self.filter
    }

    /// Sorts by `column`: ascending first, then descending on a second click.
    pub fn sort_by(&mut self, column: Column) {
        self.sort = Some(match self.sort {
            Some((c, Direction::Ascending)) if c == column => (column, Direction::Descending),
            _ => (column, Direction::Ascending),
        });
        self.page = 0;
        self.reorder();
    }

    /// Shows only `finding`, or every row again when it is already the filter (or `None`).
    pub fn toggle_filter(&mut self, finding: Option<Verdict>) {
        self.filter = if self.filter == finding {
            None
        } else {
            finding
        };
        self.page = 0;
        self.reorder();
    }

    fn reorder(&mut self) {
        let mut order: Vec<usize> = (0..self.rows.len())
            .filter(|i| self.filter.is_none_or(|f| self.rows[*i].finding == f))
            .collect();
        if let Some((column, direction)) = self.sort {
            let keys: Vec<(String, u64)> = self
                .rows
                .iter()
                .map(|r| {
                    let text = column.cell(r);
                    // IDs sort as numbers when they are numbers.
                    let number = text.parse::<u64>().unwrap_or(u64::MAX);
                    (text.to_ascii_lowercase(), number)
                })
                .collect();
            crate::sorting::sort_positions(&mut order, &|a, b| {
                let (ka, kb) = (&keys[a], &keys[b]);
                let by = ka.1.cmp(&kb.1).then_with(|| ka.0.cmp(&kb.0));
                match direction {
                    Direction::Ascending => by,
                    Direction::Descending => by.reverse(),
                }
            });
        }
        self.order = order;
    }

    /// Rows shown with the filter, in display order.
    pub fn shown(&self) -> impl Iterator<Item = &SweepRow> {
        self.order.iter().map(|i| &self.rows[*i])
    }

    /// How many rows the filter shows.
    pub fn shown_len(&self) -> usize {
        self.order.len()
    }

    /// The page shown (0-based) and how many pages there are.
    pub fn page(&self) -> (usize, usize) {
        (self.page, self.order.len().div_ceil(ROWS_PER_PAGE).max(1))
    }

    /// Moves to page `page` (clamped).
    pub fn go_to(&mut self, page: usize) {
        self.page = page.min(self.page().1 - 1);
    }

    /// The rows of the page shown, with their position in the display order.
    pub fn page_rows(&self) -> Vec<(usize, SweepRow)> {
        let start = self.page * ROWS_PER_PAGE;
        self.order
            .iter()
            .enumerate()
            .skip(start)
            .take(ROWS_PER_PAGE)
            .map(|(n, i)| (n, self.rows[*i].clone()))
            .collect()
    }

    /// Rows per finding, most common first (ties in the verdicts' order).
    pub fn counts(&self) -> Vec<(Verdict, usize)> {
        let mut counts: Vec<(Verdict, usize)> = Verdict::ALL
            .iter()
            .map(|v| (*v, self.rows.iter().filter(|r| r.finding == *v).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        crate::sorting::sort_by_key(&mut counts, |c| std::cmp::Reverse(c.1));
        counts
    }

    /// The rows shown (filter and sort applied) as CSV, with a header line.
    pub fn csv(&self) -> String {
        let mut out = String::from("agent_id,user,name,team,state,since,finding\n");
        for row in self.shown() {
            let cells: Vec<String> = Column::ALL.iter().map(|c| csv_cell(&c.cell(row))).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    /// The counts and the rows shown as Markdown, for a ticket.
    pub fn markdown(&self) -> String {
        let mut out = String::from("## Team sweep\n\n| finding | agents |\n|---|---|\n");
        for (verdict, n) in self.counts() {
            out.push_str(&format!("| `{}` | {n} |\n", verdict.code()));
        }
        out.push('\n');
        let header: Vec<&str> = Column::ALL.iter().map(|c| c.label()).collect();
        out.push_str(&format!("| {} |\n", header.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
        for row in self.shown() {
            let cells: Vec<String> = Column::ALL
                .iter()
                .map(|c| c.cell(row).replace('|', "\\|"))
                .collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }
}

fn csv_cell(text: &str) -> String {
    // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe.
    let text = if text.starts_with(['=', '+', '@'])
        || (text.starts_with('-')
            && text.len() > 1
            && !text[1..].starts_with(|c: char| c.is_ascii_digit()))
    {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The fragment (without `#`) that reopens the Team view with the form's non-secret fields and
/// the sweep's inputs: the team and the pasted IDs (one per line, kept as commas).
pub fn link(form: &Form, team: &str, ids: &[String]) -> String {
    let mut parts = vec![crate::link::write(form), "view=team".to_string()];
    if !team.trim().is_empty() {
        parts.push(format!("team={}", percent::encode(team.trim())));
    }
    if !ids.is_empty() {
        parts.push(format!("ids={}", percent::encode(&ids.join(","))));
    }
    parts.retain(|p| !p.is_empty());
    parts.join("&")
}

/// The Team view's inputs a link carries: whether it asks for the Team view, the team, and the
/// IDs (one per line, as the text area shows them).
pub fn read_link(query: &str, fragment: &str) -> (bool, String, String) {
    let mut view = false;
    let (mut team, mut ids) = (String::new(), String::new());
    let all = format!(
        "{}&{}",
        query.trim_start_matches('?'),
        fragment.trim_start_matches('#')
    );
    for pair in all.split(['&', ';']) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent::decode(value);
        match key.trim().to_ascii_lowercase().as_str() {
            "view" => view = value.eq_ignore_ascii_case("team"),
            "team" => team = value,
            "ids" => {
                ids = value
                    .split(',')
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            _ => {}
        }
    }
    (view || !team.is_empty() || !ids.is_empty(), team, ids)
}
