// The decision tree and the report, in a real browser: keyboard, the path taken, the filter,
// Markdown, JSON and curl exports (none of which may carry the secret or the token).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startRelayWithSim, openPage, diagnose, waitForVerdict, screenshotPath } from './harness.mjs';

let env;
let relay;
let browser;
let cases;

before(async () => {
  env = await startRelayWithSim();
  ({ relay, browser, cases } = env);
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: relay.url });
});

after(() => env?.stop());

/** Opens the page on `scenario` and runs the diagnosis through the relay. */
async function diagnosed(id) {
  const scenario = cases.find((c) => c.id === id);
  const page = await openPage(browser.context, `${relay.url}/#${scenario.fragment}`);
  const verdict = await diagnose(page, scenario.secret);
  assert.equal(verdict, scenario.verdict);
  return { page, scenario };
}

const clipboard = (page) => page.evaluate(() => navigator.clipboard.readText());
const focused = (page) => page.evaluate(() => document.activeElement?.dataset?.key ?? null);

test('before any run the whole tree can be explored', async () => {
  const page = await openPage(browser.context, `${relay.url}/`);
  // Its code comes with the diagnosis chunk: the section's button brings it in.
  await page.click('#show-checks');
  await page.waitForSelector('#decision-tree [role=treeitem]');
  const checks = await page.$$eval('[role=tree] > [role=treeitem]', (els) => els.map((e) => e.dataset.outcome));
  assert.ok(checks.length >= 11, 'every check is drawn');
  assert.ok(checks.every((o) => o === 'pending'));
  await page.click('[data-check=user] .check-head');
  const branches = await page.$$eval('[data-check=user] [role=treeitem]', (els) => els.map((e) => e.textContent));
  assert.ok(branches.length >= 2, 'a check shows every branch it can take');
  await page.close();
});

test('the answers of a round half answered are drawn within a fraction of a second, not only when its slow call ends (src/run.rs)', async () => {
  // The timeout scenario holds every agent state call for 20 s; with the agent ID typed, that call
  // goes out beside the user lookup and the all-agents list. The live tree waits for a round's
  // last answer to draw (so that drawing never holds up the next round), but at most 100 ms, and
  // then shows the answers that are in.
  const scenario = cases.find((c) => c.id === 'timeout');
  const params = new URLSearchParams(scenario.fragment);
  params.set('agent', '4021');
  params.set('timeout', '6');
  const page = await openPage(browser.context, `${relay.url}/#${params}`);
  await page.fill('#client_secret', scenario.secret);
  if (await page.isVisible('#confirm-destination')) await page.click('#confirm-destination');
  await page.waitForSelector('.result[data-diagnosis=ready]');
  const clicked = Date.now();
  await page.click('#diagnose');
  // The check settles with its round; the user lookup's own answer shows as it arrives.
  await page.waitForFunction(() => /→ 200/.test(document.querySelector('[data-check=user] .exchange-line')?.textContent ?? ''), null, { timeout: 3000 });
  assert.ok(Date.now() - clicked < 3000, 'the answer of the user lookup is drawn while the slow call goes on');
  assert.equal(await page.getAttribute('.result', 'data-phase'), 'running', 'the slow call is still out');
  assert.match(await page.textContent('[data-check=agent_state] .exchange-line'), /waiting/);
  assert.equal(await page.$('[data-verdict]'), null);
  await page.click('#cancel');
  await page.close();
});

test('the keyboard walks and opens the tree (ARIA tree pattern)', async () => {
  const { page } = await diagnosed('wrong-environment');
  assert.equal(await page.getAttribute('[role=tree]', 'aria-label'), 'Diagnosis checks');
  await page.focus('[data-check=inputs]');
  assert.equal(await focused(page), 'inputs');
  assert.equal(await page.getAttribute('[data-check=inputs]', 'tabindex'), '0', 'one tab stop: the active item');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(page), 'relay');
  await page.keyboard.press('End');
  assert.equal(await focused(page), 'other_environment');
  await page.keyboard.press('Home');
  assert.equal(await focused(page), 'inputs');
  for (let i = 0; i < 20 && (await focused(page)) !== 'agent_state'; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await focused(page), 'agent_state');
  assert.equal(await page.getAttribute('[data-check=agent_state]', 'aria-expanded'), 'false');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('[data-check=agent_state]', 'aria-expanded'), 'true');
  assert.ok(await page.isVisible('[data-check=agent_state] .exchange'), 'the evidence shows');
  await page.keyboard.press('ArrowRight');
  assert.match(await focused(page), /^agent_state\//, 'ArrowRight on an open check enters its branches');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await focused(page), 'agent_state', 'ArrowLeft on a branch returns to its check');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getAttribute('[data-check=agent_state]', 'aria-expanded'), 'false');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('[data-check=agent_state]', 'aria-expanded'), 'true');
  await page.close();
});

test('the path taken is highlighted and the other branches are dimmed, saying what they would mean', async () => {
  const { page } = await diagnosed('wrong-environment');
  await page.$$eval('[role=tree] > [role=treeitem] .check-head', (heads) => heads.forEach((h) => h.click()));
  const nodes = await page.$$eval('[role=tree] > [role=treeitem]', (els) => els.map((el) => ({
    check: el.dataset.check,
    outcome: el.dataset.outcome,
    taken: [...el.querySelectorAll('[data-taken=true]')].map((b) => b.textContent),
    dimmed: [...el.querySelectorAll('.branch.not-taken')].map((b) => b.textContent),
  })));
  for (const node of nodes) {
    assert.equal(node.taken.length, 1, `${node.check} has exactly one branch taken`);
    assert.ok(node.dimmed.length >= 1, `${node.check} shows the branches not taken`);
    assert.ok(node.dimmed.every((text) => text.includes('Would mean')), `${node.check}'s other branches say what they mean`);
  }
  const other = nodes.find((n) => n.check === 'other_environment');
  assert.match(other.taken[0], /wrong_environment/, 'the branch taken leads to the verdict');
  await page.close();
});

test('problems only hides the checks that passed', async () => {
  const { page } = await diagnosed('wrong-environment');
  const all = await page.$$eval('[data-check]', (els) => els.map((e) => e.dataset.outcome));
  const problems = all.filter((o) => ['warn', 'fail', 'unknown'].includes(o)).length;
  assert.ok(problems > 0 && problems < all.length);
  const unlabelled = await page.$$eval('input[name], select[name]', (els) =>
    els.filter((el) => !document.querySelector(`label[for="${el.id}"]`)).map((el) => el.name));
  assert.deepEqual(unlabelled, [], 'every control, the filter included, has a <label for>');
  await page.check('#problems-only');
  const shown = await page.$$eval('[data-check]', (els) => els.filter((e) => e.offsetParent !== null).map((e) => e.dataset.outcome));
  assert.equal(shown.length, problems);
  assert.ok(!shown.includes('pass'));
  await page.uncheck('#problems-only');
  assert.equal(await page.$$eval('[data-check]', (els) => els.filter((e) => e.offsetParent !== null).length), all.length);
  await page.close();
});

test('Copy as Markdown and Download JSON carry the diagnosis but neither the secret nor the token', async () => {
  const { page, scenario } = await diagnosed('logged-in');
  await page.click('#copy-markdown');
  await page.waitForSelector('#copy-notice:has-text("copied")');
  const markdown = await clipboard(page);
  assert.match(markdown, /logged_in/);
  assert.match(markdown, /oauth\/token/);
  assert.match(markdown, /200/);
  assert.ok(!markdown.includes(scenario.secret), 'no secret in the Markdown');
  assert.ok(!/eyJ[\w-]{10,}\.[\w-]{10,}/.test(markdown), 'no token in the Markdown');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  const json = await readFile(await download.path(), 'utf8');
  const report = JSON.parse(json);
  assert.equal(report.schema_version, 2);
  assert.equal(report.diagnosis.verdict.code, 'logged_in');
  assert.ok(report.diagnosis.checks.length >= 11);
  assert.ok(!json.includes(scenario.secret), 'no secret in the JSON');
  assert.ok(!/eyJ[\w-]{10,}\.[\w-]{10,}/.test(json), 'no token in the JSON');
  await page.close();
});

test('Copy as curl uses placeholders; Copy as curl with secret is the one that carries it', async () => {
  const { page, scenario } = await diagnosed('logged-in');
  await page.click('[data-check=token] .check-head');
  await page.click('[data-check=token] .copy-curl');
  await page.waitForSelector('#copy-notice:has-text("placeholders")');
  const plain = await clipboard(page);
  assert.match(plain, /^curl|\ncurl/);
  assert.match(plain, /CXONE_CLIENT_SECRET/);
  assert.ok(!plain.includes(scenario.secret));
  await page.click('[data-check=token] .copy-curl-secret');
  await page.waitForSelector('#copy-notice:has-text("with the secret")');
  const secret = await clipboard(page);
  assert.ok(secret.includes(scenario.secret), 'the explicit copy carries the secret');
  await page.click('[data-check=agent_state] .check-head');
  await page.click('[data-check=agent_state] .copy-curl');
  await page.waitForSelector('#copy-notice:has-text("placeholders")');
  assert.match(await clipboard(page), /CXONE_ACCESS_TOKEN/);
  await page.close();
});

test('Run again reuses the unexpired token', async () => {
  const { page } = await diagnosed('logged-in');
  await page.click('#run-again');
  await waitForVerdict(page, '[data-verdict=logged_in]');
  assert.match(await page.textContent('[data-check=token] .summary'), /Reused/);
  await page.close();
});

test('screenshots of a real diagnosis tree, light and dark', async () => {
  for (const scheme of ['light', 'dark']) {
    const { page } = await diagnosed('missing-scope-silent');
    await page.emulateMedia({ colorScheme: scheme });
    await page.click('[data-check=agent_state] .check-head');
    await page.locator('main .result').screenshot({ path: await screenshotPath(`tree-${scheme}.png`) });
    await page.close();
  }
});
