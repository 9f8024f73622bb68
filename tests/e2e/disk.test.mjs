// Opened from disk: the single-file page (file://, origin null) runs a Demo diagnosis from a
// fragment link and a real one through the reference relay over HTTP; the folder form, which
// browsers cannot start from disk, says so on its boot screen instead of "Loading…" forever.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { startRelayWithSim, launchBrowser, openPage, diagnose, secretLeaks, DIST } from './harness.mjs';

const SINGLE = pathToFileURL(join(DIST, 'agent-state-doctor.html')).href;
let env;
let relay;
let browser;
let cases;

before(async () => {
  // The relay as the other tests start it, with its defaults for calling pages: `null` is
  // allowed. A page opened from disk calls it by its full URL.
  env = await startRelayWithSim({ scenarios: { relay: 'absolute' } });
  ({ relay, browser, cases } = env);
});

after(() => env?.stop());

test('the single file opened from disk runs a Demo diagnosis from a fragment link', async () => {
  const page = await openPage(browser.context, `${SINGLE}#tenant=acme&env=devtest`);
  assert.equal(await page.evaluate(() => location.protocol), 'file:');
  assert.equal(await page.inputValue('#tenant'), 'acme', 'the fragment fills the form');
  await page.selectOption('#mode', 'demo');
  await page.click('#diagnose');
  await page.waitForSelector('[data-verdict]', { timeout: 30000 });
  assert.ok(await page.getAttribute('[data-verdict]', 'data-verdict'));
  assert.equal(await page.$('#config-problems'), null, 'the empty site-config block is no problem');
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the single file opened from disk diagnoses for real through the relay (origin null)', async () => {
  const scenario = cases.find((c) => c.id === 'logged-in');
  const page = await openPage(browser.context, `${SINGLE}#${scenario.fragment}`);
  assert.equal(await page.inputValue('#relay'), `${relay.url}/relay/`);
  assert.equal(await diagnose(page, scenario.secret), scenario.verdict);
  const shown = await page.$$eval('[data-check]', (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.check, el.dataset.outcome])));
  assert.deepEqual(shown, scenario.outcomes);
  // The embedded program holds the demo tenant's own secret (its base64 can match by chance):
  // look for leaks in the page without it. A script that has run is not affected by removal.
  await page.evaluate(() => document.querySelector('script[data-single-file]').remove());
  assert.deepEqual(await secretLeaks(page, scenario.secret), []);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the single file reads the site defaults from its JSON block', async () => {
  const { readFile, writeFile, mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const html = await readFile(join(DIST, 'agent-state-doctor.html'), 'utf8');
  const edited = html.replace('<script type="application/json" id="site-config">{}</script>',
    '<script type="application/json" id="site-config">{"environment": "devtest", "relay": "https://relay.example/relay/"}</script>');
  assert.notEqual(edited, html, 'the block is there to edit');
  const dir = await mkdtemp(join(tmpdir(), 'doctor-single-'));
  const file = join(dir, 'agent-state-doctor.html');
  await writeFile(file, edited);
  const page = await openPage(browser.context, pathToFileURL(file).href);
  assert.equal(await page.inputValue('#environment'), 'devtest');
  assert.equal(await page.inputValue('#relay'), 'https://relay.example/relay/');
  assert.deepEqual(page.problems, []);
  await page.close();
  await rm(dir, { recursive: true, force: true });
});

test('the folder form opened from disk explains on its boot screen why it cannot start', async () => {
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(join(DIST, 'index.html')).href);
  await page.waitForSelector('#boot.failed', { timeout: 5000 });
  const text = await page.textContent('#boot');
  assert.match(text, /from a folder on disk/);
  assert.match(text, /agent-state-doctor\.html/);
  await page.close();
});

test('a blocked WebAssembly file: the boot screen says so at once, not "Loading…"', async () => {
  const page = await browser.context.newPage();
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(`${relay.url}/`);
  await page.waitForSelector('#boot.failed', { timeout: 5000 });
  assert.match(await page.textContent('#boot'), /could not load or start its WebAssembly/);
  assert.equal(await page.$('#diagnose'), null);
  await page.close();
});

test('WebAssembly turned off: the boot screen says so at once, for the folder and the single file', async () => {
  // V8's jitless mode (what hardened browser settings such as Edge's enhanced security mode turn
  // on) removes the WebAssembly global altogether: the page must say so, not stay on "Loading…".
  const jitless = await launchBrowser({ extraArgs: ['--js-flags=--jitless'] });
  try {
    for (const url of [`${relay.url}/`, `${SINGLE}#tenant=acme`]) {
      const page = await jitless.context.newPage();
      await page.goto(url);
      assert.equal(await page.evaluate(() => typeof WebAssembly), 'undefined', 'the browser runs without WebAssembly');
      await page.waitForSelector('#boot.failed', { timeout: 3000 });
      const text = await page.textContent('#boot');
      assert.match(text, /WebAssembly turned off/);
      assert.match(text, /another browser/);
      assert.equal(await page.$('#diagnose'), null);
      await page.close();
    }
  } finally {
    await jitless.close();
  }
});
