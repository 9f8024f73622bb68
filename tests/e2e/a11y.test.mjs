// axe-core on every view of the page, in light and dark, with zero violations allowed. Each case
// draws one view, then audits it (`auditBothThemes`, tests/e2e/a11y.mjs); the last prints what
// was checked. The demo tenant gives finished diagnoses without a network; a relay that never
// answers keeps a real one running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startRelayWithSim, openPage, waitForVerdict } from './harness.mjs';
import { auditBothThemes, audited, AXE_TAGS } from './a11y.mjs';

let env;
let site;
let browser;
let cases;  // the simulated tenant's scenarios, with its address as the API host
let relay;  // serves the page and relays to the sim
const HELD_RELAY = 'https://relay.example/';
const WITH_RELAY = `#tenant=acme&user=u-1&client_id=cid&relay=${encodeURIComponent(HELD_RELAY)}`;

before(async () => {
  env = await startRelayWithSim({ site: true, scenarios: { apiHost: true } });
  ({ site, browser, relay, cases } = env);
});

after(() => env?.stop());

/** The demo tenant on `scenario`, diagnosed to its verdict. */
async function demo(scenario) {
  const page = await openPage(browser.context, site.url);
  await page.selectOption('#mode', 'demo');
  await page.selectOption('#scenario', scenario);
  await page.click('#diagnose');
  await waitForVerdict(page, '.result[data-phase=done] [data-verdict]', 30000);
  return page;
}

test('the empty form', async () => {
  const page = await openPage(browser.context, site.url);
  await auditBothThemes(page, 'empty form');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the form with every validation message showing', async () => {
  const page = await openPage(browser.context, site.url);
  await page.fill('#tenant', 'Acme Corp');
  await page.fill('#timeout', 'soon');
  await page.fill('#relay', 'relay.example');
  await page.fill('#api_host', 'not a host/');
  await page.click('#diagnose');
  await page.waitForSelector('[data-verdict=invalid_input]');
  const shown = await page.$$eval('.field-error', (els) => els.filter((e) => e.textContent.trim()).length);
  assert.ok(shown >= 5, `messages under the fields (${shown})`);
  await auditBothThemes(page, `form with ${shown} validation messages`);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the confirmation panel', async () => {
  const page = await openPage(browser.context, site.url + WITH_RELAY);
  await page.waitForSelector('#confirm-panel');
  await auditBothThemes(page, 'confirmation panel');
  await page.close();
});

test('a running diagnosis', async () => {
  const page = await openPage(browser.context, site.url + WITH_RELAY);
  await page.route(`${HELD_RELAY}**`, () => {}); // never answers: the run stays in its first round
  await page.fill('#client_secret', 'typed');
  await page.click('#confirm-destination');
  await page.click('#diagnose');
  await page.waitForSelector('.result[data-phase=running] .check.running');
  await auditBothThemes(page, 'running diagnosis');
  assert.equal(await page.getAttribute('.result', 'data-phase'), 'running', 'audited while it ran');
  await page.click('#cancel');
  await page.close();
});

test('a finished diagnosis with a check opened and its evidence shown', async () => {
  const page = await demo('wrong-environment');
  await page.click('[data-check=agent_state] .check-head');
  await page.waitForSelector('[data-check=agent_state] .exchange');
  await page.click('[data-check=agent_state] .exchange summary');
  await auditBothThemes(page, 'finished diagnosis, agent_state opened');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a finished diagnosis that stopped early (skipped checks)', async () => {
  const page = await demo('bad-credentials');
  assert.ok((await page.$$('.check.skipped, .check.not_run, [data-outcome=skipped]')).length > 0, 'checks were skipped');
  await auditBothThemes(page, 'finished diagnosis, skipped checks');
  await page.close();
});

test('the report banner, with the recorded and today\'s verdicts side by side', async () => {
  const page = await openPage(browser.context, site.url);
  const report = JSON.parse(await readFile(new URL('../reports/logged-in.json', import.meta.url), 'utf8'));
  // One recorded answer changed, so the banner shows both verdicts (its fullest form).
  const user = report.diagnosis.checks.find((c) => c.id === 'user').exchanges[0];
  user.response_body = JSON.stringify({ id: '11111111-2222-3333-4444-555555555555', firstName: 'Dana' });
  await page.setInputFiles('#open-report', {
    name: 'report.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(report)),
  });
  await page.waitForSelector('#report-banner');
  assert.match(await page.textContent('#report-banner'), /recorded/);
  await auditBothThemes(page, 'report banner');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the Team view with results', async () => {
  const scenario = cases.find((c) => c.id === 'platform-logged-in');
  const page = await openPage(browser.context, `${relay.url}/#${scenario.fragment}`);
  await page.fill('#client_id', 'demo-sweep-200');
  await page.fill('#client_secret', scenario.secret);
  await page.fill('#access_key_secret', scenario.access_key_secret);
  if (await page.isVisible('#confirm-destination')) await page.click('#confirm-destination');
  await page.click('#sweep');
  await page.waitForSelector('#sweep-table .sweep-row', { timeout: 60000 });
  await auditBothThemes(page, 'Team view with results');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('what was checked', () => {
  console.log(`axe-core ${AXE_TAGS.join(', ')}; zero violations on:`);
  for (const a of audited) console.log(`  ${a.label}: ${a.passed} rules passed, ${a.incomplete.length} to review`);
  assert.equal(audited.length, 16, 'eight views, two themes each');
});
