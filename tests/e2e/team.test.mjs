// The Team view in a real browser: the release page, served by the reference relay, sweeps a
// simulated tenant of 200 agents (demo-sweep-200, platform profile) over real HTTP through the
// relay, and shows the counts, each row's finding, sorting, filtering, the CSV export, and one
// row's single diagnosis with the sweep's token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startRelayWithSim, openPage, secretLeaks, screenshotPath } from './harness.mjs';

let env;
let relay;
let browser;
let cases;

const AGENTS = 200;

// The simulated directory (src/sim/sweep.rs): agent i is 10000 + i; every 20th from 9 is hidden.
function expected(i) {
  if (i % 20 === 9) return null;
  switch (i % 10) {
    case 3: return 'agent_inactive';
    case 7: return 'agent_locked';
    case 1: case 4: return 'logged_out';
    default: return 'logged_in';
  }
}
const userId = (i) => `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;

before(async () => {
  env = await startRelayWithSim({ scenarios: { apiHost: true } });
  ({ relay, browser, cases } = env);
});

after(() => env?.stop());

/** Opens the page with the platform demo's form, on the sweep tenant's client. */
async function openSweepPage() {
  const scenario = cases.find((c) => c.id === 'platform-logged-in');
  const page = await openPage(browser.context, `${relay.url}/#${scenario.fragment}`);
  await page.fill('#client_id', `demo-sweep-${AGENTS}`);
  await page.fill('#client_secret', scenario.secret);
  await page.fill('#access_key_secret', scenario.access_key_secret);
  if (await page.isVisible('#confirm-destination')) await page.click('#confirm-destination');
  return { page, scenario };
}

async function sweep(page) {
  await page.click('#sweep');
  await page.waitForSelector('#sweep-table', { timeout: 60000 });
}

const firstAgent = (page) => page.getAttribute('#sweep-table .sweep-row', 'data-agent');

test('a team sweep over HTTP through the relay: counts, findings, sorting, filtering, CSV, one row diagnosed', async () => {
  const { page, scenario } = await openSweepPage();
  await sweep(page);

  // The finished table comes to the person: it takes focus and the form folds to one line.
  await page.waitForFunction(() => document.activeElement?.id === 'sweep-table');
  assert.ok(await page.isVisible('#form-summary'), 'the form is folded');

  // Counts per finding, as the directory makes them.
  const want = {};
  for (let i = 0; i < AGENTS; i++) {
    const f = expected(i);
    if (f) want[f] = (want[f] ?? 0) + 1;
  }
  const counts = await page.$$eval('[data-count]', (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.count, Number(el.dataset.n)])));
  assert.deepEqual(counts, want);
  const rounds = Number(await page.getAttribute('#sweep-cost', 'data-rounds'));
  assert.ok(rounds <= 4, `rounds ${rounds}`);

  // The screenshot for the README: the Team view with its counts and the first rows.
  const box = await page.$eval('#team', (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
  });
  await page.screenshot({
    path: await screenshotPath('team.png'),
    clip: { ...box, height: Math.min(box.height, 760) },
    fullPage: true,
  });

  // Each row's finding (the first page of 100, in the lists' order).
  const rows = await page.$$eval('#sweep-table .sweep-row', (els) =>
    els.map((el) => [el.dataset.agent, el.dataset.finding]));
  assert.equal(rows.length, 100);
  for (const [agent, finding] of rows) {
    assert.equal(finding, expected(Number(agent) - 10000), `agent ${agent}`);
  }
  assert.equal(await page.getAttribute('#sweep-table', 'role'), 'table');
  assert.equal(await page.locator('#sweep-table [role="columnheader"]').count(), 8);

  // Sorting: by agent ID descending on a second click.
  const header = page.locator('[role="columnheader"][data-column="Agent ID"]');
  await header.locator('button').click();
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  assert.equal(await firstAgent(page), '10000');
  await header.locator('button').click();
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  assert.equal(await firstAgent(page), String(10000 + AGENTS - 1));

  // Filtering: one finding alone, then all again.
  await page.click('[data-count="agent_locked"]');
  const locked = await page.$$eval('#sweep-table .sweep-row', (els) => els.map((el) => el.dataset.finding));
  assert.equal(locked.length, want.agent_locked);
  assert.ok(locked.every((f) => f === 'agent_locked'));
  assert.equal(await page.getAttribute('[data-count="agent_locked"]', 'aria-pressed'), 'true');
  await page.click('[data-count="agent_locked"]');
  assert.equal(await page.locator('#sweep-table .sweep-row').count(), 100);

  // The CSV export: every row, header first.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sweep-csv')]);
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'agent_id,user,name,team,state,since,finding');
  assert.equal(lines.length, 1 + Object.values(want).reduce((a, b) => a + b, 0));
  assert.ok(lines.some((l) => l.startsWith('10007,') && l.endsWith(',agent_locked')), 'agent 10007 is locked');


  // One row opens the single diagnosis of that agent, with the form's credentials.
  await header.locator('button').click();
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  await page.click('#sweep-table .sweep-row[data-agent="10002"] .open-row');
  await page.waitForSelector('[data-verdict]', { timeout: 40000 });
  assert.equal(await page.getAttribute('[data-verdict]', 'data-verdict'), 'logged_in');
  assert.equal(await page.inputValue('#user_id'), userId(2));
  assert.equal(await page.inputValue('#agent_id'), '10002');

  assert.deepEqual(await secretLeaks(page, scenario.secret), [], 'the secret stays out of the page');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the table pages: the 190 agents listed are two pages, Next and Previous move between them', async () => {
  const { page } = await openSweepPage();
  await sweep(page);
  const state = () => page.evaluate(() => ({
    label: document.getElementById('sweep-page').textContent,
    prev: document.getElementById('sweep-prev').disabled,
    next: document.getElementById('sweep-next').disabled,
    nextText: document.getElementById('sweep-next').textContent,
    rows: document.querySelectorAll('#sweep-table .sweep-row').length,
  }));
  // The hidden agents (every 20th) are not in the list, so not in the table.
  const shown = [...Array(AGENTS).keys()].filter((i) => expected(i)).length;
  assert.deepEqual(await state(), { label: `Page 1 of 2 (${shown} rows)`, prev: true, next: false, nextText: 'Next', rows: 100 });
  const onFirst = await firstAgent(page);
  await page.click('#sweep-next');
  await page.waitForFunction(() => document.getElementById('sweep-page').textContent.startsWith('Page 2'));
  assert.deepEqual(await state(), { label: `Page 2 of 2 (${shown} rows)`, prev: false, next: true, nextText: 'Next', rows: shown - 100 });
  assert.notEqual(await firstAgent(page), onFirst, 'the second page shows other agents');
  await page.click('#sweep-prev');
  await page.waitForFunction(() => document.getElementById('sweep-page').textContent.startsWith('Page 1'));
  assert.equal(await firstAgent(page), onFirst);
  await page.close();
});

test('one team by name', async () => {
  const { page } = await openSweepPage();
  await page.fill('#sweep_team', 'Team B');
  await sweep(page);
  const teams = await page.$$eval('#sweep-table .sweep-row [role="cell"]:nth-child(4)', (els) => els.map((el) => el.textContent));
  assert.ok(teams.length > 0);
  assert.ok(teams.every((t) => t === 'Team B'));
  await page.close();
});

test('pasted IDs: a CSV column of user and agent IDs, an unknown user, a hidden agent', async () => {
  const { page } = await openSweepPage();
  await page.fill('#sweep_ids', `id,note\n${userId(2)},a\n10003,b\n99999999-0000-4000-9000-000000000001,c\n${userId(9)},d\n`);
  await sweep(page);
  const rows = await page.$$eval('#sweep-table .sweep-row', (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.agent, el.dataset.finding])));
  assert.deepEqual(rows, {
    10002: 'logged_in',
    10003: 'agent_inactive',
    '99999999-0000-4000-9000-000000000001': 'user_not_found',
    [userId(9)]: 'agent_hidden',
  });
  await page.close();
});
