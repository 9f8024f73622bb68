// Real diagnoses in a real browser: the release page, served by the reference relay, diagnoses
// every scenario of the simulated tenant over real HTTP and must show what the engine decides.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startRelayWithSim, openPage, diagnose, secretLeaks, screenshotPath, isOwnChunk,
} from './harness.mjs';

let env;
let sim;          // the simulated tenant over HTTP, no CORS headers (a real tenant sends none)
let relay;        // serves the page and relays to *.nicecxone.com and to 127.0.0.1
let envRelay;     // the same, but every target goes to the sim, which still sees the original host
let site;         // the page on a plain static server, no relay beside it
let browser;
let cases;

before(async () => {
  // `cases`: what each scenario must show, as the engine decides it natively against the same
  // simulation, relayed through /relay/ as the page served by the relay is.
  env = await startRelayWithSim({ allowHosts: true, site: true, scenarios: { apiHost: true } });
  ({ sim, relay, envRelay, site, browser, cases } = env);
});

after(() => env?.stop());

// The catalogue is read in before(), so the per-scenario tests are generated from a fixed list
// and checked against it: a scenario added to the simulation without a browser test fails here.
const GUIDE = [
  'logged-in', 'logged-out', 'wrong-environment', 'missing-scope-silent', 'missing-scope-forbidden',
  'bad-credentials', 'user-not-found', 'id-is-agent-id', 'id-is-user-id', 'not-an-agent',
  'agent-not-found', 'inconsistent-state', 'rate-limited-then-ok', 'rate-limited', 'service-error',
  'token-rejected', 'relay-misconfigured', 'timeout', 'tenant-unreachable', 'invalid-input',
];
const PLATFORM = [
  'logged-in', 'logged-out', 'result-set', 'missing-permission', 'bad-credentials', 'discovery-failed',
  'user-not-found', 'id-is-agent-id', 'id-is-user-id', 'not-an-agent', 'agent-not-found',
  'inconsistent-state', 'rate-limited-then-ok', 'rate-limited', 'service-error', 'token-rejected',
  'relay-misconfigured', 'timeout', 'tenant-unreachable', 'invalid-input',
  // Issue 11: published behaviour, and the causes that have a verdict of their own.
  'user-disabled', 'agent-inactive', 'agent-locked', 'agent-hidden', 'third-page', 'list-no-data', 'no-data',
  'busy-then-ok', 'client-secret-post', 'token-endpoint-moved',
].map((id) => `platform-${id}`);
const SCENARIOS = [...GUIDE, ...PLATFORM];

test('every scenario the HTTP simulation can play has a browser test', () => {
  const overHttp = cases.filter((c) => c.over_http).map((c) => c.id);
  assert.deepEqual([...overHttp].sort(), [...SCENARIOS].sort());
});

for (const id of SCENARIOS) {
  test(`scenario ${id}: the page shows the engine's verdict and every check's outcome`, async () => {
    const scenario = cases.find((c) => c.id === id);
    assert.ok(scenario, `${id} is in the catalogue`);
    assert.equal(scenario.engine_verdict, scenario.verdict, 'the engine reaches the intended verdict natively');
    const base = scenario.api_host_override ? relay.url : envRelay.url;
    const page = await openPage(browser.context, `${base}/#${scenario.fragment}`);
    if (scenario.access_key_secret) await page.fill('#access_key_secret', scenario.access_key_secret);
    const verdict = await diagnose(page, scenario.secret);
    assert.equal(verdict, scenario.verdict);
    assert.equal(await page.getAttribute('[data-verdict]', 'role'), 'status');
    if (scenario.verdict !== 'invalid_input') {
      const shown = await page.$$eval('[data-check]', (els) =>
        Object.fromEntries(els.map((el) => [el.dataset.check, el.dataset.outcome])));
      assert.deepEqual(shown, scenario.outcomes);
    }
    assert.deepEqual(await secretLeaks(page, scenario.secret), [], 'the secret stays out of the page');
    if (scenario.access_key_secret) {
      assert.deepEqual(await secretLeaks(page, scenario.access_key_secret), [], 'so does the access key secret');
    }
    if (id === 'wrong-environment') {
      await page.screenshot({ path: await screenshotPath('diagnosis.png'), fullPage: true });
    }
    assert.deepEqual(page.problems, []);
    await page.close();
  });
}

/** The logged-in scenario's link with its relay replaced (`''` for direct calls). */
function loggedInWithRelay(relayTemplate) {
  const logged = cases.find((c) => c.id === 'logged-in');
  const params = new URLSearchParams(logged.fragment);
  params.set('relay', relayTemplate);
  return { fragment: params.toString(), secret: logged.secret };
}

test('a relay that is down gives relay_unreachable', async () => {
  const closed = 'http://127.0.0.1:9/relay/'; // the discard port: nothing listens there
  const logged = loggedInWithRelay(closed);
  const link = `${site.url}#${logged.fragment}`;
  const page = await openPage(browser.context, link);
  assert.equal(await diagnose(page, logged.secret), 'relay_unreachable');
  assert.equal(await page.getAttribute('[data-check=relay]', 'data-outcome'), 'fail');
  assert.deepEqual(await secretLeaks(page, logged.secret), []);
  await page.close();
});

test('no relay against a host without CORS gives cors_blocked', async () => {
  const logged = loggedInWithRelay('');
  const page = await openPage(browser.context, `${site.url}#${logged.fragment}`);
  assert.equal(await page.inputValue('#relay'), '', 'a plain static site has no relay by default');
  assert.equal(await diagnose(page, logged.secret), 'cors_blocked');
  assert.equal(await page.getAttribute('[data-check=relay]', 'data-outcome'), 'skipped');
  assert.deepEqual(await secretLeaks(page, logged.secret), []);
  await page.close();
});

test('the page served by the relay relays through /relay/ without being told', async () => {
  const page = await openPage(browser.context, `${relay.url}/`);
  assert.equal(await page.inputValue('#relay'), '/relay/');
  assert.equal((await page.textContent('#relay-origin')).trim(), relay.url);
  await page.close();
});

test('Cancel stops a slow run and leaves the form as typed', async () => {
  const slow = cases.find((c) => c.id === 'timeout');
  const page = await openPage(browser.context, `${relay.url}/#${slow.fragment.replace(/timeout=\d+/, 'timeout=60')}`);
  await page.fill('#client_secret', slow.secret);
  await page.click('#confirm-destination');
  await page.click('#diagnose');
  await page.waitForSelector('#cancel');
  await page.click('#cancel');
  assert.match(await page.textContent('#run-status'), /Cancelled/);
  assert.equal(await page.$('[data-verdict]'), null);
  assert.equal(await page.inputValue('#client_secret'), slow.secret);
  assert.equal(await page.isEnabled('#diagnose'), true);
  await page.close();
});

test('the Demo tenant diagnoses every scenario inside the page, with no network', async () => {
  const page = await openPage(browser.context, site.url);
  const sent = [];
  page.on('request', (request) => {
    // The demo's own code (a chunk of the page, loaded on its first run) is not a request of the demo.
    if (request.resourceType() === 'fetch' && !isOwnChunk(request.url(), page.url())) sent.push(request.url());
  });
  await page.selectOption('#mode', 'demo');
  const options = await page.$$eval('#scenario option', (els) => els.map((o) => o.value));
  assert.ok(options.length >= cases.length, 'the picker offers every scenario');
  for (const id of options) {
    const expected = cases.find((c) => c.id === id);
    assert.ok(expected, `${id} is a known scenario`);
    await page.selectOption('#scenario', id);
    const before = await page.getAttribute('.result', 'data-run');
    await page.click('#diagnose');
    if (expected.verdict === 'invalid_input') {
      await page.waitForSelector('[data-verdict=invalid_input]');
    } else {
      await page.waitForFunction(
        (run) => {
          const result = document.querySelector('.result');
          return result.dataset.run !== run && result.dataset.phase === 'done';
        },
        before,
        { timeout: 30000 },
      );
    }
    const verdicts = await page.$$eval('[data-verdict]', (els) => els.map((e) => e.dataset.verdict));
    assert.deepEqual(verdicts, [expected.verdict], `${id}: one verdict, the right one`);
  }
  assert.deepEqual(sent, [], 'the demo sends nothing over the network');
  await page.selectOption('#mode', 'real');
  assert.equal(await page.inputValue('#tenant'), '', 'what was typed for the real tenant comes back');
  assert.deepEqual(page.problems, []);
  await page.close();
});
