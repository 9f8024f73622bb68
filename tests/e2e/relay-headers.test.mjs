// The page served by the reference relay, under its own security headers (issue 9): the headers
// are there, and Chromium reports no Content-Security-Policy violation while the page loads and
// runs a Demo diagnosis and a real one through the relay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { startRelayWithSim, openPage, diagnose, DIST } from './harness.mjs';

let env;
let relay;
let browser;
let cases;

before(async () => {
  env = await startRelayWithSim();
  ({ relay, browser, cases } = env);
  // Every CSP violation of every page in this context, recorded from the first script on.
  await browser.context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
});

after(() => env?.stop());

test('the page comes with its security headers, its inline script named by hash', async () => {
  const response = await fetch(`${relay.url}/`);
  assert.equal(response.status, 200);
  const csp = response.headers.get('content-security-policy');
  const html = await readFile(new URL('index.html', `file://${DIST}`), 'utf8');
  const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]);
  assert.ok(inline.length >= 1, 'Trunk writes an inline start-up script');
  for (const script of inline) {
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    assert.ok(csp.includes(`'sha256-${hash}'`), `the CSP names the inline script: ${csp}`);
  }
  for (const directive of [
    "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'",
    "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'",
    "form-action 'none'", "object-src 'none'",
  ]) {
    assert.ok(csp.includes(directive), `${directive} in ${csp}`);
  }
  assert.ok(!csp.includes('unsafe-inline'));
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.match(response.headers.get('permissions-policy'), /camera=\(\).*microphone=\(\).*usb=\(\)/);

  // A relay path opened as a page is refused, and its answers could not become one anyway.
  const navigation = await fetch(`${relay.url}/relay/https://acme.nicecxone.com/oauth/token`, {
    headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
  });
  assert.equal(navigation.status, 403);
  assert.equal(navigation.headers.get('x-relay-error'), 'navigation');
  assert.equal(navigation.headers.get('content-security-policy'), 'sandbox');
  assert.equal(navigation.headers.get('content-disposition'), 'attachment');
});

test('no CSP violation while the page runs a Demo diagnosis and a real one through the relay', async () => {
  const page = await openPage(browser.context, `${relay.url}/`);
  await page.selectOption('#mode', 'demo');
  await page.selectOption('#scenario', 'logged-in');
  await page.click('#diagnose');
  await page.waitForSelector('[data-verdict=logged_in]', { timeout: 30000 });
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(page.problems, [], 'no console error (Chromium reports a CSP violation there too)');
  await page.close();

  const scenario = cases.find((c) => c.id === 'logged-in');
  const real = await openPage(browser.context, `${relay.url}/#${scenario.fragment}`);
  assert.equal(await diagnose(real, scenario.secret), scenario.verdict);
  await real.click('[data-check=agent_state] .check-head');
  const violations = await real.evaluate(() => window.__cspViolations);
  assert.deepEqual(violations, []);
  assert.deepEqual(real.problems, []);
  await real.close();

  const again = await openPage(browser.context, `${relay.url}/`);
  await again.selectOption('#mode', 'demo');
  await again.selectOption('#scenario', 'wrong-environment');
  await again.click('#diagnose');
  await again.waitForSelector('[data-verdict]', { timeout: 30000 });
  assert.deepEqual(await again.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(again.problems, []);

  // And the listening works: an injected inline script is refused and reported.
  await again.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.head.append(script);
  });
  await again.waitForFunction(() => window.__cspViolations.length > 0);
  assert.equal(await again.evaluate(() => window.__injected), undefined);
  assert.match((await again.evaluate(() => window.__cspViolations))[0], /^script-src/);
  await again.close();
});
