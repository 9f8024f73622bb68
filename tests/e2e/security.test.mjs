// What the page promises about where credentials go, in a real browser: a link that chooses a
// hostile relay gets no request out of the page, whichever button is pressed, until the person
// confirms it; the confirmation cannot be clicked through a frame; the page carries its CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { startRelayWithSim, openPage, diagnose, waitForVerdict, DIST } from './harness.mjs';

let env;      // the simulated tenant, the relay, the plain site and the browser
let relay;    // serves the page and relays every call to the sim
let site;     // the page on a plain static server
let evil;     // the hostile relay: a local server that records every request it receives
let framer;   // a page on another origin that puts the page in an iframe
let browser;
let cases;

/** A server on 127.0.0.1 that records each request and answers 404 without CORS headers. */
async function recordingServer(handler) {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler ? handler(req, res) : res.writeHead(404).end('nothing here');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => server.close(r)) };
}

before(async () => {
  env = await startRelayWithSim({ site: true });
  ({ relay, site, browser, cases } = env);
  evil = await recordingServer();
  framer = await recordingServer((req, res) => {
    const src = decodeURIComponent(new URL(req.url, 'http://x').searchParams.get('src') ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>framer</title><h1>Win a prize</h1>
      <iframe id="victim" src="${src.replace(/"/g, '&quot;')}" width="1000" height="800"></iframe>`);
  });
});

after(async () => {
  for (const server of [evil, framer]) await server?.close();
  await env?.stop();
});

const loggedIn = () => cases.find((c) => c.id === 'logged-in');

/** The logged-in scenario's link with the relay pointed at the hostile server. */
function hostileFragment() {
  const params = new URLSearchParams(loggedIn().fragment);
  params.set('relay', `${evil.url}/`);
  return params.toString();
}

/** Records every request the page makes to the hostile server, as the browser sees them. */
function watchHostile(page) {
  const seen = [];
  page.on('request', (request) => {
    if (request.url().startsWith(evil.url)) seen.push(`${request.method()} ${request.url()}`);
  });
  return seen;
}

/** Presses every button that can start a run, and waits long enough for a request to leave. */
async function pressEverything(page) {
  for (const id of ['#run-again', '#diagnose']) {
    if (await page.isVisible(id)) await page.click(id);
  }
  await page.waitForTimeout(1500);
}

/** Moves the open page to the hostile link, as a pasted link or an opener setting location does. */
async function followHostileLink(page) {
  const fragment = hostileFragment();
  await page.evaluate((f) => { location.hash = `#${f}`; }, fragment);
  await page.waitForSelector('#confirm-panel');
  assert.equal((await page.textContent('#relay-origin')).trim(), evil.url);
}

async function assertRefused(page, seen, hitsBefore) {
  assert.ok(await page.isVisible('#confirm-panel'), 'the confirmation is still asked for');
  assert.match(await page.textContent('#needs-confirmation'), /confirm/i);
  assert.deepEqual(seen, [], 'the browser made no request to the hostile relay');
  assert.equal(evil.hits.length, hitsBefore, `the hostile relay saw nothing: ${evil.hits}`);
}

test('(a) after a real run, a hostile link: Run again and Diagnose send nothing', async () => {
  const page = await openPage(browser.context, `${relay.url}/#${loggedIn().fragment}`);
  const seen = watchHostile(page);
  assert.equal(await diagnose(page, loggedIn().secret), 'logged_in');
  const hits = evil.hits.length;
  await followHostileLink(page);
  assert.ok(await page.isVisible('#run-again'), 'Run again is on screen, the button of the bug');
  assert.equal(await page.inputValue('#client_secret'), loggedIn().secret, 'the typed secret stays');
  await pressEverything(page);
  await assertRefused(page, seen, hits);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm-destination');
  // Once the person confirms, the page does call the relay: the check above is not blind. This
  // page comes from doctor-relay, whose CSP header names only its own origin in connect-src, so
  // the browser itself then blocks the hostile origin: a second wall, seen as a CSP violation.
  await page.click('#confirm-destination');
  await page.click('#run-again');
  await page.waitForFunction(() => document.querySelector('.result').dataset.phase === 'done', null, { timeout: 30000 });
  const violations = await page.evaluate(() => window.__cspViolations);
  assert.ok(
    violations.some((v) => v.startsWith('connect-src') && v.includes(evil.url)),
    `confirmed: the page tries the relay, and the relay-served CSP blocks it: ${violations}`,
  );
  assert.equal(evil.hits.length, hits, 'the CSP header kept even the confirmed call in the page');
  await page.close();
});

test('(b) after a demo run, a hostile link: Run again and Diagnose send nothing', async () => {
  const page = await openPage(browser.context, `${site.url}#${loggedIn().fragment}`);
  const seen = watchHostile(page);
  await page.fill('#client_secret', 'typed-for-my-tenant');
  await page.selectOption('#mode', 'demo');
  await page.click('#diagnose');
  await waitForVerdict(page, '[data-verdict]', 30000);
  const hits = evil.hits.length;
  await followHostileLink(page);
  assert.equal(await page.inputValue('#mode'), 'real', 'the link switched to the real tenant');
  assert.equal(await page.inputValue('#client_secret'), 'typed-for-my-tenant');
  assert.ok(await page.isVisible('#run-again'), 'Run again is on screen');
  await pressEverything(page);
  await assertRefused(page, seen, hits);
  // Demo and back does not launder the link's destination.
  await page.selectOption('#mode', 'demo');
  await page.selectOption('#mode', 'real');
  await pressEverything(page);
  await assertRefused(page, seen, hits);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('(c) opened fresh from a hostile link: Diagnose (and Run again) send nothing', async () => {
  const hits = evil.hits.length;
  const page = await openPage(browser.context, `${site.url}#${hostileFragment()}`);
  const seen = watchHostile(page);
  assert.ok(await page.isVisible('#confirm-panel'));
  await page.fill('#client_secret', loggedIn().secret);
  await pressEverything(page);
  await assertRefused(page, seen, hits);
  assert.equal(await page.$('[data-verdict]'), null, 'no diagnosis ran');
  await page.focus('#tenant');
  await page.keyboard.press('Enter'); // submitting the form from a field, too
  await pressEverything(page);
  await assertRefused(page, seen, hits);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('in a frame the destination cannot be confirmed, and nothing is sent', async () => {
  const hits = evil.hits.length;
  const victim = `${site.url}#${hostileFragment()}`;
  const page = await browser.context.newPage();
  const seen = watchHostile(page);
  await page.goto(`${framer.url}/?src=${encodeURIComponent(victim)}`);
  const frame = await (await page.waitForSelector('#victim')).contentFrame();
  await frame.waitForSelector('#confirm-panel', { timeout: 20000 });
  assert.equal(await frame.isDisabled('#confirm-destination'), true, 'the confirm button is disabled');
  assert.match(await frame.textContent('#framed-warning'), /own tab/i);
  assert.equal(await frame.getAttribute('#framed-warning a', 'target'), '_blank');
  await frame.fill('#client_secret', 'typed-in-a-frame');
  await frame.click('#confirm-destination', { force: true }); // a forced click on the disabled button
  await frame.click('#diagnose');
  await page.waitForTimeout(1500);
  assert.ok(await frame.isVisible('#confirm-panel'), 'still unconfirmed');
  assert.deepEqual(seen, []);
  assert.equal(evil.hits.length, hits);
  await page.close();
  // Opened on its own, the same link can be confirmed.
  const own = await openPage(browser.context, victim);
  assert.equal(await own.isEnabled('#confirm-destination'), true);
  assert.equal(await own.$('#framed-warning'), null);
  await own.close();
});

test('the built page carries its Content-Security-Policy and runs under it', async () => {
  const html = await readFile(new URL('index.html', `file://${DIST}`), 'utf8');
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
  assert.ok(meta, 'dist/index.html has the CSP <meta>');
  const policy = Object.fromEntries(meta[1].split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(policy['default-src'], ["'self'"]);
  assert.deepEqual(policy['script-src'].slice(0, 2), ["'self'", "'wasm-unsafe-eval'"]);
  assert.ok(policy['script-src'].slice(2).every((h) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(h)));
  assert.ok(policy['script-src'].length > 2, 'the inline bootstrap is allowed by its hash');
  assert.ok(!policy['script-src'].includes("'unsafe-inline'") && !policy['script-src'].includes("'unsafe-eval'"));
  assert.deepEqual(policy['style-src'], ["'self'"]);
  assert.deepEqual(policy['img-src'], ["'self'", 'data:']);
  assert.deepEqual(policy['object-src'], ["'none'"]);
  assert.deepEqual(policy['base-uri'], ["'none'"]);
  assert.deepEqual(policy['form-action'], ["'none'"]);
  assert.deepEqual(policy['connect-src'], ["'self'", 'https:', 'http://localhost:*', 'http://127.0.0.1:*']);
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'), 'the policy comes before any script');
  const metas = html.match(/<meta\b[^>]*>/g);
  assert.ok(metas.some((m) => /name="?referrer/.test(m) && /content="?no-referrer/.test(m)), 'referrer: no-referrer stays');
  // The page boots (its inline script matched the hash) and reports no violation.
  const page = await openPage(browser.context, site.url);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});
