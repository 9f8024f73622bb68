// Opening a saved report in a real browser: the report the page downloads for every scenario
// opens in a fresh page, by the file picker and by dropping it, shows the same verdict and tree,
// and sends nothing. A changed answer shows both verdicts; a bad file only shows its message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelayWithSim, openPage, diagnose, isOwnChunk } from './harness.mjs';

let env;
let sim;
let relay;       // relays to the hosts allowed, 127.0.0.1 included (scenarios with an API host)
let envRelay;    // every target goes to the sim, which still sees the original host
let browser;
let cases;

before(async () => {
  // No rate limit: this test opens about 130 pages from one address within a minute or two, each
  // fetching the page and its chunks (the diagnosis's, the report's) from the relay's --serve,
  // which the default 20 requests/s (burst 200) would answer 429 (the benchmark does the same).
  env = await startRelayWithSim({ allowHosts: true, scenarios: { apiHost: true }, rateLimit: false });
  ({ sim, relay, envRelay, browser, cases } = env);
});

after(() => env?.stop());

/** The tree as the page draws it: each check's id and outcome, in order. */
const shape = (page) => page.$$eval('[role=tree] > [role=treeitem]',
  (els) => els.map((e) => `${e.dataset.check} ${e.dataset.outcome}`));

/** Diagnoses `scenario` through the relay (as diagnose.test.mjs does) and downloads its report. */
async function downloaded(scenario) {
  const base = scenario.api_host_override ? relay.url : envRelay.url;
  const page = await openPage(browser.context, `${base}/#${scenario.fragment}`);
  if (scenario.access_key_secret) await page.fill('#access_key_secret', scenario.access_key_secret);
  const verdict = await diagnose(page, scenario.secret);
  assert.equal(verdict, scenario.verdict, scenario.id);
  const tree = await shape(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  const json = await readFile(await download.path(), 'utf8');
  await page.close();
  return { verdict, tree, json };
}

/** A fresh page with nothing typed, counting every request it makes once loaded. */
async function freshPage() {
  const page = await openPage(browser.context, `${relay.url}/`);
  page.sent = [];
  page.on('request', (request) => {
    // Opening a report loads the page's own code for it (a chunk, fetched on first use): not a
    // request of the report.
    if (!isOwnChunk(request.url(), page.url())) page.sent.push(request.url());
  });
  return page;
}

/** Opens `json` by the file picker. */
async function pick(page, json, name = 'report.json') {
  await page.setInputFiles('#open-report', { name, mimeType: 'application/json', buffer: Buffer.from(json) });
}

/** Opens `json` by dropping a file holding it on the page. */
async function drop(page, json) {
  const dataTransfer = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'report.json', { type: 'application/json' }));
    return transfer;
  }, json);
  await page.dispatchEvent('main', 'drop', { dataTransfer });
}

/** The banner and the verdict once a report opened. */
async function opened(page) {
  await page.waitForSelector('#report-banner', { timeout: 10000 });
  // The tree and the verdict are drawn by the diagnosis chunk, which opening a report fetches.
  await page.waitForSelector('.result[data-diagnosis=ready]', { timeout: 10000 });
  return {
    recorded: await page.getAttribute('#report-banner', 'data-recorded-verdict'),
    today: await page.getAttribute('#report-banner', 'data-today-verdict'),
    verdict: await page.getAttribute('[data-verdict]', 'data-verdict').catch(() => null),
    tree: await shape(page),
  };
}

test('every scenario report the page downloads opens by picker and by drop, same verdict and tree, nothing sent', async () => {
  // A form that fails validation never runs, so it has no report to download (tests/reports
  // still replays the invalid_input reports natively).
  const overHttp = cases.filter((c) => c.over_http && c.verdict !== 'invalid_input');
  assert.ok(overHttp.length >= 40, `${overHttp.length} scenarios`);
  const failures = [];
  for (const scenario of overHttp) {
    const made = await downloaded(scenario);
    const report = JSON.parse(made.json);
    // The page's report is the one tests/reports holds for this scenario (made natively by the
    // same report::json): the same verdict, replayed natively by tests/report_replay.rs.
    const committed = JSON.parse(await readFile(new URL(`../reports/${scenario.id}.json`, import.meta.url), 'utf8'));
    if (report.diagnosis.verdict.code !== committed.diagnosis.verdict.code) {
      failures.push(`${scenario.id}: page made ${report.diagnosis.verdict.code}, tests/reports has ${committed.diagnosis.verdict.code}`);
    }
    for (const [how, open] of [['picker', pick], ['drop', drop]]) {
      const page = await freshPage();
      await open(page, made.json);
      const seen = await opened(page);
      if (seen.verdict !== made.verdict || seen.today !== made.verdict || seen.recorded !== made.verdict) {
        failures.push(`${scenario.id} (${how}): verdict ${JSON.stringify(seen)} vs ${made.verdict}`);
      }
      if (JSON.stringify(seen.tree) !== JSON.stringify(made.tree)) {
        failures.push(`${scenario.id} (${how}): tree ${seen.tree} vs ${made.tree}`);
      }
      if (page.sent.length) failures.push(`${scenario.id} (${how}): sent ${page.sent}`);
      if (await page.isVisible('.copy-curl-secret')) failures.push(`${scenario.id}: curl with secret offered`);
      if (await page.isVisible('#run-again')) failures.push(`${scenario.id}: Run again offered`);
      assert.deepEqual(page.problems, []);
      await page.close();
    }
  }
  assert.deepEqual(failures, []);
});

test('a changed answer changes the verdict, and the banner shows both', async () => {
  const scenario = cases.find((c) => c.id === 'logged-in');
  const made = await downloaded(scenario);
  const changed = made.json.replace('\\"agentId\\":4021', '\\"agentId\\":null');
  assert.notEqual(changed, made.json, 'the user answer names agent 4021');
  const page = await freshPage();
  await pick(page, changed);
  const seen = await opened(page);
  assert.equal(seen.recorded, 'logged_in');
  assert.equal(seen.today, 'not_an_agent');
  assert.equal(seen.verdict, 'not_an_agent');
  const line = await page.textContent('#report-verdicts');
  assert.match(line, /recorded: logged_in · today: not_an_agent/);
  assert.deepEqual(page.sent, []);
  // Every export still works on it, with placeholders.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  const again = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(again.diagnosis.verdict.code, 'not_an_agent');
  await page.close();
});

test('a report pasted into the page opens too', async () => {
  const scenario = cases.find((c) => c.id === 'platform-agent-hidden');
  const made = await downloaded(scenario);
  const page = await freshPage();
  await page.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.setData('text/plain', text);
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true }));
  }, made.json);
  const seen = await opened(page);
  assert.equal(seen.today, 'agent_hidden');
  assert.deepEqual(seen.tree, made.tree);
  assert.deepEqual(page.sent, []);
  await page.close();
});

test('bad files get a clear message and nothing else on the page changes', async () => {
  const scenario = cases.find((c) => c.id === 'logged-in');
  const made = await downloaded(scenario);
  const newer = made.json.replace('"schema_version": 2', '"schema_version": 99');
  const page = await freshPage();
  // The tree to explore, as it stands before any file (its code loads at the first use).
  await page.hover('#result-title');
  await page.waitForSelector('.result[data-diagnosis=ready]', { timeout: 10000 });
  const before = await shape(page);
  const bad = [
    ['not json', 'hello, world', /not a JSON report/],
    ['truncated', made.json.slice(0, made.json.length / 2), /not a JSON report|cut short/],
    ['another schema', '{"schema":"something/else","schema_version":1}', /not an Agent State Doctor report/],
    ['newer', newer, /newer than this page/],
    ['hostile', JSON.stringify({ schema: 'agent-state-doctor/report', schema_version: 2, page_version: '<img src=x onerror=alert(1)>', inputs: {}, diagnosis: { checks: '<script>' } }), /damaged/],
  ];
  const error = () => page.textContent('#open-report-error');
  let previous = '';
  for (const [what, text, message] of bad) {
    await pick(page, text, `${what}.json`);
    await page.waitForFunction((p) => document.querySelector('#open-report-error').textContent !== p, previous);
    previous = await error();
    assert.match(previous, message, what);
    assert.equal(await page.$('#report-banner'), null, what);
    assert.equal(await page.$('[data-verdict]'), null, what);
    assert.deepEqual(await shape(page), before, what);
  }
  // 50 MB: refused by its size, before the page reads it.
  const dir = await mkdtemp(join(tmpdir(), 'doctor-big-'));
  const big = join(dir, 'big.json');
  await writeFile(big, Buffer.alloc(50 * 1024 * 1024, 'x'));
  await page.setInputFiles('#open-report', big);
  await page.waitForFunction((p) => document.querySelector('#open-report-error').textContent !== p, previous);
  assert.match(await error(), /51200 KB/);
  assert.equal(await page.$('#report-banner'), null);
  assert.deepEqual(await shape(page), before);
  await rm(dir, { recursive: true, force: true });
  assert.equal(await page.$('img[src=x]'), null);
  assert.deepEqual(page.sent, []);
  assert.deepEqual(page.problems, []);
  await page.close();
});
