// The result comes to the person: the verdict scrolls into view and takes focus, the form folds
// to one line with Edit, and nothing moves while the person is typing. Run again on an invalid
// form opens the form, shows its messages and focuses the first wrong field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRelayWithSim, openPage } from './harness.mjs';

let env;
let site;
let browser;
const SLOW_RELAY = 'https://relay.example/';

before(async () => {
  env = await startRelayWithSim({ sim: false, site: true });
  ({ site, browser } = env);
});

after(() => env?.stop());

const activeId = (page) => page.evaluate(() => document.activeElement?.id ?? null);
const done = (page, run) => page.waitForFunction(
  (n) => document.querySelector('.result').dataset.phase === 'done' && Number(document.querySelector('.result').dataset.run) >= n,
  run, { timeout: 30000 },
);

test('a finished diagnosis takes focus, scrolls into view and folds the form; Edit opens it', async () => {
  const page = await openPage(browser.context, site.url);
  await page.selectOption('#mode', 'demo');
  await page.selectOption('#scenario', 'wrong-environment');
  await page.click('#diagnose');
  await done(page, 1);
  await page.waitForFunction(() => document.activeElement?.id === 'verdict');
  const box = await page.evaluate(() => document.querySelector('#verdict').getBoundingClientRect().top);
  assert.ok(box >= 0 && box < 300, `the verdict is at the top of the view (${box})`);
  assert.ok(await page.isVisible('#form-summary'), 'the form is one line');
  assert.equal(await page.isVisible('#tenant'), false, 'its fields are folded away');
  const summary = await page.textContent('#form-summary p');
  assert.match(summary, /Demo: .*guide · demo · Production · user /);
  assert.ok(!/demo-secret|secret/i.test(summary), `no secret in the summary: ${summary}`);
  await page.click('#edit-form');
  await page.waitForSelector('#tenant', { state: 'visible' });
  assert.equal(await activeId(page), 'tenant', 'Edit puts focus on the first field');
  assert.equal(await page.$('#form-summary'), null);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Enter in a field diagnoses, and the verdict still takes focus (pressing Enter is not typing)', async () => {
  const page = await openPage(browser.context, site.url);
  await page.selectOption('#mode', 'demo');
  await page.focus('#user_id');
  await page.keyboard.press('Enter');
  await done(page, 1);
  await page.waitForFunction(() => document.activeElement?.id === 'verdict');
  await page.close();
});

test('a result arriving while the person types does not take focus or fold the form', async () => {
  const page = await openPage(browser.context, `${site.url}#tenant=acme&user=u-1&client_id=cid&relay=${encodeURIComponent(SLOW_RELAY)}`);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(`${SLOW_RELAY}**`, async (route) => { await held; await route.abort(); });
  await page.fill('#client_secret', 'typed');
  await page.click('#confirm-destination');
  await page.click('#diagnose');
  await page.waitForSelector('.result[data-phase=running]');
  await page.click('#agent_id');
  await page.keyboard.type('40');
  release();
  await done(page, 1);
  await page.waitForTimeout(300);
  assert.equal(await activeId(page), 'agent_id', 'focus stays where the person types');
  assert.equal(await page.inputValue('#agent_id'), '40');
  assert.equal(await page.$('#form-summary'), null, 'the form stays open');
  assert.equal(await page.getAttribute('#verdict', 'role'), 'status', 'the verdict is announced instead');
  await page.close();
});

test('Run again on a form made invalid after Edit: messages, and focus on the first wrong field', async () => {
  const page = await openPage(browser.context, site.url);
  await page.selectOption('#mode', 'demo');
  await page.click('#diagnose');
  await done(page, 1);
  assert.ok(await page.isVisible('#form-summary'));
  await page.click('#edit-form');
  await page.fill('#user_id', '');
  await page.fill('#tenant', 'Acme Corp');
  await page.click('#run-again');
  await page.waitForSelector('[data-verdict=invalid_input]');
  assert.equal(await page.$('#form-summary'), null, 'the form is open');
  assert.match(await page.textContent('#tenant-error'), /./);
  assert.match(await page.textContent('#user_id-error'), /./);
  await page.waitForFunction(() => document.activeElement?.id === 'tenant');
  assert.deepEqual(page.problems, []);
  await page.close();
});
