// The code loaded on demand (src/chunks.rs, scripts/build-wasm.mjs): a first visit that only
// shows the form downloads none of the chunks; the first use of the form or the result fetches
// the diagnosis (the engine's run, the transport, the result views) once; the Demo, a Team sweep, opening a report and the
// exports (JSON, Markdown, curl, CSV) each fetch theirs the first time they are used; a chunk that cannot load says so on the page, and
// the next try loads it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { launchBrowser, openPage, serveStatic, DIST } from './harness.mjs';

let site;
let browser;
let chunkFiles;

before(async () => {
  chunkFiles = (await readdir(DIST)).filter((f) => /^(split|chunk)_.*\.wasm$/.test(f));
  site = await serveStatic(DIST);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** The page's chunk files requested so far, as `split_<name>` / `chunk_<n>` (no hash). */
function watchChunks(page) {
  const fetched = [];
  page.on('request', (request) => {
    const file = new URL(request.url()).pathname.split('/').pop();
    const m = file.match(/^((?:split|chunk)_[^-]+)-[0-9a-f]+\.wasm$/);
    if (m) fetched.push(m[1]);
  });
  return fetched;
}

const settle = (page) => page.waitForTimeout(300);

/** Lets `chunk` load again and presses Diagnose: the run ends on one verdict, `alert` is gone. */
async function diagnoseAgainOnline(page, chunk, alert) {
  await page.unroute(`**/${chunk}-*.wasm`);
  await page.click('#diagnose');
  await finished(page);
  assert.ok(await page.isHidden(alert), 'the message is gone');
  assert.equal((await page.$$('[data-verdict]')).length, 1, 'one verdict');
}

/** Nothing went wrong with the page itself: no uncaught error, no panic screen. */
async function noCrash(page, errors) {
  assert.deepEqual(errors, [], 'no uncaught error, no panic');
  assert.equal(await page.$('.crash'), null, 'no panic screen');
}
/** Waits until the run ends (the result's phase is `done`). */
const finished = (page) => page.waitForFunction(() => document.querySelector('.result')?.dataset.phase === 'done', null, { timeout: 30000 });

test('the release build has chunks loaded on demand: the diagnosis, the demo, the team sweep, opening a report, the exports', () => {
  for (const name of ['diagnosis', 'demo', 'team', 'report', 'export']) {
    assert.ok(chunkFiles.some((f) => f.startsWith(`split_${name}-`)), `dist/ has split_${name}-*.wasm`);
  }
});

test('a first visit that only shows the form downloads no chunk, and preloads none', async () => {
  const page = await browser.context.newPage();
  const fetched = watchChunks(page);
  await page.goto(site.url);
  await page.waitForSelector('#diagnose', { timeout: 20000 });
  await page.waitForLoadState('networkidle');
  assert.deepEqual(fetched, [], 'no chunk was requested');
  assert.equal(await page.getAttribute('.result', 'data-diagnosis'), 'absent');
  // Before the chunk, the result section keeps its title and a way to bring the tree in.
  assert.equal(await page.textContent('#result-title'), 'How the diagnosis decides');
  assert.ok(await page.isVisible('#show-checks'));
  const preloads = await page.$$eval('link[rel=preload], link[rel=modulepreload]', (els) => els.map((e) => e.getAttribute('href')));
  assert.ok(preloads.some((h) => /_bg\.wasm$/.test(h)), 'the main wasm is preloaded');
  assert.ok(!preloads.some((h) => /(split|chunk)_/.test(h)), `no chunk is preloaded: ${preloads}`);
  await page.close();
});

test('the first use of the form fetches the diagnosis chunk, once; the tree then shows', async () => {
  const page = await openPage(browser.context, site.url);
  const fetched = watchChunks(page);
  await page.fill('#tenant', 'acme');
  await page.waitForSelector('.result[data-diagnosis=ready]', { timeout: 20000 });
  assert.equal(fetched.filter((c) => c === 'split_diagnosis').length, 1, `the diagnosis chunk was fetched: ${fetched}`);
  assert.ok(!fetched.some((c) => ['split_demo', 'split_team', 'split_report', 'split_export'].includes(c)), `only the diagnosis's: ${fetched}`);
  assert.ok((await page.$$('#decision-tree [role=treeitem]')).length >= 11, 'the tree to explore is drawn');
  assert.equal(await page.$('#show-checks'), null, 'its placeholder is gone');
  // More use (typing, the pointer in the result, a Demo run) fetches it no more.
  await page.fill('#user_id', 'u-1');
  await page.hover('#decision-tree');
  await page.selectOption('#mode', 'demo');
  await page.click('#diagnose');
  await finished(page);
  assert.equal(fetched.filter((c) => c === 'split_diagnosis').length, 1, 'the chunk is fetched once');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('once the diagnosis chunk is in, the page rehearses a diagnosis at idle (src/rehearsal.rs): nothing sent, drawn, counted or moved', async () => {
  const page = await openPage(browser.context, `${site.url}#tenant=acme&client_id=app-1&user=11111111-2222-3333-4444-555555555555`);
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.focus('#client_secret');
  await page.keyboard.type('s3cret');
  await page.waitForSelector('.result[data-diagnosis=ready]', { timeout: 20000 });
  await page.waitForFunction(() => performance.getEntriesByName('doctor:rehearsed').length === 1, null, { timeout: 10000 });
  await settle(page);
  const origin = new URL(site.url).origin;
  const other = requests.filter((url) => !(url.startsWith(origin) && /\/(split|chunk)_[^/]*\.wasm$/.test(url)));
  assert.deepEqual(other, [], 'only the chunk files were requested: no call, no relay probe');
  assert.equal(await page.evaluate(() => window.__doctorTimings), undefined, 'no run was counted');
  assert.equal((await page.$$('[data-verdict]')).length, 0, 'no verdict is drawn');
  assert.equal(await page.getAttribute('.result', 'data-phase'), 'idle');
  assert.equal(await page.getAttribute('.result', 'data-run'), '0');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'client_secret', 'the focus stays where the person is typing');
  assert.equal(await page.inputValue('#client_secret'), 's3cret');
  assert.equal((await page.$$('#decision-tree [data-check][data-outcome=pass]')).length, 0, 'the tree shows no result');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the pointer entering the result section fetches the diagnosis chunk', async () => {
  const page = await openPage(browser.context, site.url);
  const fetched = watchChunks(page);
  await page.hover('#result-title');
  await page.waitForSelector('.result[data-diagnosis=ready]', { timeout: 20000 });
  assert.ok(fetched.includes('split_diagnosis'), `the diagnosis chunk was fetched: ${fetched}`);
  await page.close();
});

test('a Diagnose pressed before the diagnosis chunk is in waits for it, then runs', async () => {
  const page = await openPage(browser.context, site.url);
  const fetched = watchChunks(page);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/split_diagnosis-*.wasm', async (route) => { await held; await route.continue(); });
  await page.selectOption('#mode', 'demo');
  await page.click('#diagnose');
  await page.waitForSelector('#run-status', { timeout: 10000 });
  assert.match(await page.textContent('#run-status'), /Diagnosing/);
  assert.equal(await page.getAttribute('.result', 'data-diagnosis'), 'loading');
  release();
  await finished(page);
  assert.equal((await page.$$('[data-verdict]')).length, 1, 'one verdict');
  assert.equal(fetched.filter((c) => c === 'split_diagnosis').length, 1);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the Demo fetches its chunk on its first run, and only then', async () => {
  const page = await openPage(browser.context, site.url);
  const fetched = watchChunks(page);
  await page.selectOption('#mode', 'demo');
  await settle(page);
  assert.ok(!fetched.includes('split_demo'), `picking Demo fetches no demo code yet: ${fetched}`);
  await page.click('#diagnose');
  await finished(page);
  assert.ok(fetched.includes('split_demo'), `the demo's chunk was fetched: ${fetched}`);
  assert.ok(!fetched.some((c) => ['split_team', 'split_report', 'split_export'].includes(c)), `only the demo's: ${fetched}`);
  // A second run uses the chunk already there.
  const count = fetched.length;
  await page.selectOption('#scenario', 'logged-out');
  await page.click('#diagnose');
  await finished(page);
  assert.equal(fetched.length, count, 'the chunk is fetched once');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('opening a report fetches its chunk when a file is opened', async () => {
  const page = await openPage(browser.context, site.url);
  const fetched = watchChunks(page);
  await page.setInputFiles('#open-report', { name: 'report.json', mimeType: 'application/json', buffer: Buffer.from('{"not": "a report"}') });
  await page.waitForSelector('#open-report-error:not(.hidden)');
  assert.ok(fetched.includes('split_report'), `the report chunk was fetched: ${fetched}`);
  assert.ok(!fetched.includes('split_demo') && !fetched.includes('split_team'), `only the report's: ${fetched}`);
  const message = await page.textContent('#open-report-error');
  assert.doesNotMatch(message, /could not load/, 'the chunk loaded: the message is about the file');
  await page.close();
});

test('the exports fetch their chunk on the first export (or when its toolbar first gets the pointer), once', async () => {
  const page = await openPage(browser.context, site.url);
  const fetched = watchChunks(page);
  await page.selectOption('#mode', 'demo');
  await page.click('#diagnose');
  await finished(page);
  await settle(page);
  assert.ok(!fetched.includes('split_export'), `a finished run fetches no export code yet: ${fetched}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  assert.match(download.suggestedFilename(), /\.json$/);
  assert.ok(fetched.includes('split_export'), `the export chunk was fetched: ${fetched}`);
  const count = fetched.filter((c) => c === 'split_export').length;
  await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  assert.equal(fetched.filter((c) => c === 'split_export').length, count, 'the chunk is fetched once');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a Team sweep fetches its chunk when it starts', async () => {
  const page = await openPage(browser.context, site.url);
  const fetched = watchChunks(page);
  await page.selectOption('#mode', 'demo');
  await page.selectOption('#scenario', 'platform-logged-in');
  await page.click('#sweep');
  await page.waitForFunction(() => document.querySelector('#sweep-progress, #sweep-load-error:not(.hidden), #sweep-failure'), null, { timeout: 30000 });
  assert.ok(fetched.includes('split_team'), `the team chunk was fetched: ${fetched}`);
  assert.ok(!fetched.includes('split_report'), `not the report's: ${fetched}`);
  await page.close();
});

test('a chunk that cannot load says so on the page, and the next try loads it', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(site.url);
  await page.waitForSelector('#diagnose', { timeout: 20000 });

  // The demo, offline.
  await page.route('**/split_demo-*.wasm', (route) => route.abort('internetdisconnected'));
  await page.selectOption('#mode', 'demo');
  await page.click('#diagnose');
  const alert = page.locator('#demo-error');
  await alert.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await alert.textContent(), /^The demo could not load: /);
  assert.equal(await page.getAttribute('.result', 'data-phase'), 'idle', 'no run started, no spinner');
  assert.ok(await page.isEnabled('#diagnose'), 'the button works again');

  // Back online: the next run fetches the chunk and diagnoses; the message goes.
  await diagnoseAgainOnline(page, 'split_demo', '#demo-error');

  // Opening a report, with its chunk answered 404.
  await page.route('**/split_report-*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.setInputFiles('#open-report', { name: 'report.json', mimeType: 'application/json', buffer: Buffer.from('{}') });
  await page.waitForSelector('#open-report-error:not(.hidden)');
  assert.match(await page.textContent('#open-report-error'), /^Opening a report could not load: /);

  // An export, its chunk offline: the message sits by the report toolbar, and the next try works.
  await page.route('**/split_export-*.wasm', (route) => route.abort('internetdisconnected'));
  await page.click('#download-json');
  await page.waitForSelector('#copy-notice:has-text("could not load")', { timeout: 10000 });
  assert.match(await page.textContent('#copy-notice'), /^The export could not load: /);
  await page.unroute('**/split_export-*.wasm');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  assert.match(download.suggestedFilename(), /\.json$/);
  await page.waitForSelector('#copy-notice:has-text("downloaded")');

  // A team sweep, its chunk blocked.
  await page.route('**/split_team-*.wasm', (route) => route.abort('blockedbyclient'));
  await page.selectOption('#scenario', 'platform-logged-in');
  await page.click('#sweep');
  await page.waitForSelector('#sweep-load-error:not(.hidden)', { timeout: 10000 });
  assert.match(await page.textContent('#sweep-load-error'), /^The Team view's sweep could not load: /);
  assert.ok(await page.isEnabled('#sweep'), 'the Sweep button works again');

  await noCrash(page, errors);
  await page.close();
});

test('a diagnosis chunk that cannot load says so beside the result, never "Diagnosing…" for ever, and the next try loads it', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  const fetched = watchChunks(page);
  await page.route('**/split_diagnosis-*.wasm', (route) => route.abort('internetdisconnected'));
  // A real destination (a closed port: the run ends on its own verdict), confirmed, so that
  // Diagnose goes straight to the session and waits for the chunk (no demo chunk in between).
  await page.goto(`${site.url}#tenant=acme&user=u-1&client_id=cid&relay=${encodeURIComponent('http://127.0.0.1:9/')}`);
  await page.waitForSelector('#diagnose', { timeout: 20000 });
  await page.fill('#client_secret', 'typed');
  if (await page.isVisible('#confirm-destination')) await page.click('#confirm-destination');
  await page.click('#diagnose');
  const alert = page.locator('#diagnosis-error');
  await page.waitForFunction(() => document.querySelector('#diagnosis-error')?.textContent
    && !document.querySelector('#run-status')
    && document.querySelector('.result')?.dataset.diagnosis === 'absent', null, { timeout: 10000 });
  assert.ok(await alert.isVisible());
  assert.match(await alert.textContent(), /^The diagnosis could not load: /);
  assert.equal(await page.getAttribute('.result', 'data-phase'), 'idle', 'no run started');
  assert.notEqual(await page.getAttribute('.result', 'data-diagnosis'), 'ready');
  assert.ok(await page.isEnabled('#diagnose'), 'the button works again');

  // Back online: the next Diagnose fetches it and runs; the message goes.
  await diagnoseAgainOnline(page, 'split_diagnosis', '#diagnosis-error');
  assert.ok(fetched.filter((c) => c === 'split_diagnosis').length >= 2, `fetched again: ${fetched}`);
  await noCrash(page, errors);
  await page.close();
});
