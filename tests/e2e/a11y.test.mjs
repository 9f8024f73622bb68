// axe-core on every view of the page, in light and dark, with zero violations allowed. Each case
// draws one view, then audits it (`auditBothThemes`, tests/e2e/a11y.mjs); the last prints what
// was checked. The demo tenant gives finished diagnoses without a network; a relay that never
// answers keeps a real one running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic, launchBrowser, openPage, DIST } from './harness.mjs';
import { auditBothThemes, audited, AXE_TAGS } from './a11y.mjs';

let site;
let browser;
const HELD_RELAY = 'https://relay.example/';
const WITH_RELAY = `#tenant=acme&user=u-1&client_id=cid&relay=${encodeURIComponent(HELD_RELAY)}`;

before(async () => {
  site = await serveStatic(DIST, '/tools/doctor/');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** The demo tenant on `scenario`, diagnosed to its verdict. */
async function demo(scenario) {
  const page = await openPage(browser.context, site.url);
  await page.selectOption('#mode', 'demo');
  await page.selectOption('#scenario', scenario);
  await page.click('#diagnose');
  await page.waitForSelector('.result[data-phase=done] [data-verdict]', { timeout: 30000 });
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

// ---- Views being built on other branches (issue 13: report banner, issue 14: Team view). ----
// They skip while their element is absent; once merged, drive the page to the view where the
// TODO says, and the audit below runs unchanged.

test('the report banner (issue 13)', async (t) => {
  const page = await openPage(browser.context, site.url);
  // TODO after merging issue 13: open a saved report here (the way its own e2e test does).
  const banner = await page.$('#report-banner, .report-banner');
  if (!banner) {
    await page.close();
    t.skip('view not built yet');
    return;
  }
  await auditBothThemes(page, 'report banner');
  await page.close();
});

test('the Team view with results (issue 14)', async (t) => {
  const page = await openPage(browser.context, site.url);
  // TODO after merging issue 14: open the Team view and run it to its results here.
  const team = await page.$('#team, .team-view');
  if (!team) {
    await page.close();
    t.skip('view not built yet');
    return;
  }
  await auditBothThemes(page, 'Team view with results');
  await page.close();
});

test('what was checked', () => {
  console.log(`axe-core ${AXE_TAGS.join(', ')}; zero violations on:`);
  for (const a of audited) console.log(`  ${a.label}: ${a.passed} rules passed, ${a.incomplete.length} to review`);
  assert.equal(audited.length, 12, 'six views, two themes each');
});
