// The form in a real browser: the release build served under a sub-path, filled from links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRelayWithSim, openPage, screenshotPath } from './harness.mjs';

let env;
let site;
let browser;

before(async () => {
  env = await startRelayWithSim({ sim: false, site: true });
  ({ site, browser } = env);
});

after(() => env?.stop());

test('the page loads under a sub-path and every input has a visible label', async () => {
  const page = await openPage(browser.context, site.url);
  const inputs = await page.$$eval('input[name], select[name]', (els) =>
    els.map((el) => {
      const label = document.querySelector(`label[for="${el.id}"]`);
      return { name: el.name, id: el.id, label: label?.textContent ?? null, shown: label ? label.offsetParent !== null : false };
    }),
  );
  const names = inputs.map((i) => i.name);
  for (const name of ['profile', 'tenant', 'environment', 'client_id', 'client_secret', 'user_id', 'agent_id', 'api_host', 'relay']) {
    assert.ok(names.includes(name), `input ${name} is on the page`);
  }
  for (const input of inputs) {
    assert.ok(input.label, `${input.name} has a <label for>`);
    assert.ok(input.shown, `${input.name}'s label is visible`);
  }
  assert.equal(await page.getAttribute('input[name=client_secret]', 'type'), 'password');
  assert.equal((await page.textContent('button[type=submit]')).trim(), 'Diagnose');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a link fills the form and the destination shows where credentials go', async () => {
  const page = await openPage(browser.context, `${site.url}#tenant=acme&env=devtest&user=u-42&client_id=cid&agent=4021`);
  assert.equal(await page.inputValue('#tenant'), 'acme');
  assert.equal(await page.inputValue('#environment'), 'devtest');
  assert.equal(await page.inputValue('#user_id'), 'u-42');
  assert.equal(await page.inputValue('#agent_id'), '4021');
  assert.equal(await page.inputValue('#client_id'), 'cid');
  assert.equal((await page.textContent('#token-url')).trim(), 'https://acme.devtest.nicecxone.com/oauth/token');
  await page.screenshot({ path: await screenshotPath('form.png'), fullPage: true });
  assert.match(await page.textContent('#relay-origin'), /none/);
  assert.equal(await page.$('#confirm-panel'), null, 'no relay or host in the link: nothing to confirm');
  await page.close();
});

test('a bad tenant gets its message next to the field and keeps what was typed', async () => {
  const page = await openPage(browser.context, `${site.url}#user=u-1&client_id=cid`);
  await page.fill('#tenant', 'Acme Corp');
  await page.fill('#client_secret', 'typed-secret');
  await page.click('#diagnose');
  const message = await page.textContent('#tenant-error');
  assert.match(message, /tenant|lowercase|a-z/i);
  assert.equal(await page.getAttribute('#tenant', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#tenant'), 'Acme Corp', 'the typed value stays');
  assert.equal(await page.inputValue('#client_secret'), 'typed-secret');
  assert.equal(await page.getAttribute('[data-verdict]', 'data-verdict'), 'invalid_input');
  assert.equal(await page.getAttribute('[data-verdict]', 'role'), 'status');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tenant', 'focus moves to the first wrong field');
  await page.fill('#tenant', 'acme');
  assert.equal((await page.textContent('#tenant-error')).trim(), '', 'the message goes once the tenant is fixed');
  await page.close();
});

test('Copy link round-trips the inputs without the secret', async () => {
  const page = await openPage(browser.context, site.url);
  await page.fill('#tenant', 'acme-eu');
  await page.selectOption('#environment', 'devtest');
  await page.fill('#client_id', 'my client');
  await page.fill('#client_secret', 'do-not-share-me');
  await page.fill('#user_id', '11111111-2222-3333-4444-555555555555');
  await page.fill('#relay', 'https://relay.example/?url={url}');
  await page.click('#copy-link');
  const link = await page.inputValue('#copied-link');
  assert.ok(link.startsWith(site.url), link);
  assert.ok(!link.includes('do-not-share-me'), 'no secret in the link');
  assert.ok(!/secret/i.test(link), 'no secret key in the link');
  const again = await openPage(browser.context, link);
  assert.equal(await again.inputValue('#tenant'), 'acme-eu');
  assert.equal(await again.inputValue('#environment'), 'devtest');
  assert.equal(await again.inputValue('#client_id'), 'my client');
  assert.equal(await again.inputValue('#user_id'), '11111111-2222-3333-4444-555555555555');
  assert.equal(await again.inputValue('#relay'), 'https://relay.example/?url={url}');
  assert.equal(await again.inputValue('#client_secret'), '');
  await again.close();
  await page.close();
});

test('a secret in a link is ignored, scrubbed from the address bar, and the page says so', async () => {
  const page = await openPage(browser.context, `${site.url}?client_secret=QUERYSECRET#tenant=acme&client_secret=TOPSECRET&user=u-1`);
  assert.ok(!page.url().includes('TOPSECRET'), page.url());
  assert.ok(!page.url().includes('QUERYSECRET'), page.url());
  assert.ok(page.url().includes('tenant=acme'), 'other keys stay in the address bar');
  assert.match(await page.textContent('#secret-scrubbed'), /secret/i);
  assert.equal(await page.inputValue('#client_secret'), '');
  assert.equal(await page.inputValue('#tenant'), 'acme');
  await page.close();
});

test('a link that sets the relay must be confirmed before anything is sent', async () => {
  const page = await openPage(browser.context, `${site.url}#tenant=acme&user=u-1&client_id=cid&relay=https%3A%2F%2Frelay.example%2F`);
  const outside = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(site.url)) outside.push(request.url());
  });
  assert.ok(await page.isVisible('#confirm-panel'));
  assert.equal((await page.textContent('#relay-origin')).trim(), 'https://relay.example');
  await page.fill('#client_secret', 'typed');
  await page.click('#diagnose');
  assert.match(await page.textContent('[role=status]'), /confirm/i);
  assert.equal(await page.$('[data-verdict]'), null);
  await page.click('#confirm-destination');
  assert.equal(await page.$('#confirm-panel'), null, 'asked once');
  assert.deepEqual(outside, [], 'nothing left the page before confirmation');
  await page.close();
});

test('a link pasted into the open page fills the form, scrubs its secret and keeps the typed one', async () => {
  const page = await openPage(browser.context, `${site.url}#tenant=acme&user=u-1`);
  await page.fill('#client_secret', 'typed-before');
  await page.evaluate(() => { location.hash = '#tenant=globex&env=devtest&client_secret=PASTED&relay=https%3A%2F%2Fr.example%2F'; });
  await page.waitForFunction(() => document.querySelector('#tenant').value === 'globex');
  assert.equal(await page.inputValue('#environment'), 'devtest');
  assert.equal(await page.inputValue('#client_secret'), 'typed-before', 'the typed secret stays; the link secret is ignored');
  assert.ok(!page.url().includes('PASTED'), page.url());
  assert.ok(await page.isVisible('#secret-scrubbed'));
  assert.ok(await page.isVisible('#confirm-panel'), 'the new relay must be confirmed');
  await page.close();
});

test('Run again on a form made invalid shows the messages and focuses the first wrong field', async () => {
  const page = await openPage(browser.context, site.url);
  await page.selectOption('#mode', 'demo');
  await page.click('#diagnose');
  await page.waitForFunction(() => document.querySelector('.result').dataset.phase === 'done', null, { timeout: 30000 });
  await page.click('#edit-form'); // the result folded the form to its summary
  await page.fill('#tenant', 'Acme Corp');
  await page.click('#run-again');
  assert.equal(await page.getAttribute('[data-verdict]', 'data-verdict'), 'invalid_input');
  assert.match(await page.textContent('#tenant-error'), /tenant|lowercase|a-z/i);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tenant');
  assert.equal(await page.$('#run-again'), null, 'the earlier result is gone: one verdict at a time');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a secret key in an unusual spelling is scrubbed from the address bar and never echoed', async () => {
  const spellings = 'client_secret%3DSPELL1;Client_Secret=SPELL2&client%255Fsecret=SPELL3&client_secret[]=SPELL4&%20secret%20=SPELL5';
  const page = await openPage(browser.context, `${site.url}#tenant=acme&${spellings}&colour=blue`);
  await page.waitForSelector('#secret-scrubbed');
  assert.ok(!/SPELL/.test(page.url()), page.url());
  assert.ok(page.url().includes('tenant=acme'), page.url());
  assert.ok(!/SPELL|secret/i.test(await page.textContent('#unknown-keys')), 'the notice names only plain keys');
  assert.match(await page.textContent('#unknown-keys'), /colour/);
  assert.ok(!/SPELL/.test(await page.evaluate(() => document.body.innerText)));
  assert.equal(await page.inputValue('#client_secret'), '');
  await page.close();
});
