// Shared set-up for the real-browser tests: a static server for the built page under a sub-path,
// and Debian's Chromium driven by playwright-core.
import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, extname, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Serves `dir` at `http://127.0.0.1:PORT{prefix}`; anything outside the prefix is a 404. */
export async function serveStatic(dir, prefix = '/tools/doctor/') {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end('not under ' + prefix);
      return;
    }
    let file = normalize(path.slice(prefix.length)).replace(/^(\.\.[/\\])+/, '');
    if (file === '' || file === '.' || file.endsWith('/')) file = join(file, 'index.html');
    try {
      const body = await readFile(join(dir, file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('no such file');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${prefix}`, close: () => new Promise((r) => server.close(r)) };
}

/** Launches Chromium with the flags that work on these machines, in a fresh profile. */
export async function launchBrowser({ extraArgs = [] } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'doctor-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
      ...extraArgs,
    ],
    viewport: { width: 1100, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens `url` in a new tab and waits for the page (WebAssembly included) to draw the form. */
export async function openPage(context, url) {
  const page = await context.newPage();
  // Script errors and the page's own files failing to load. The diagnosis's calls (fetch) may
  // well answer 4xx: that is what is being diagnosed.
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'fetch') {
      problems.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(message.text());
    }
  });
  // Content-Security-Policy violations, read by the tests as `window.__cspViolations`.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  await page.waitForSelector('#diagnose', { timeout: 20000 });
  page.problems = problems;
  return page;
}

/** Whether `url` is one of the page's own chunks loaded on demand (scripts/build-wasm.mjs),
 * beside the page at `pageUrl`: the page's code, not a request the page makes for the person. */
export function isOwnChunk(url, pageUrl) {
  const at = new URL(url);
  const page = new URL(pageUrl);
  return at.origin === page.origin && /\/(split|chunk)_[^/]+-[0-9a-f]{16}\.wasm$/.test(at.pathname);
}

export const DIST = new URL('../../dist/', import.meta.url).pathname;

/** A workspace binary built with cargo `profile` (`debug` is `cargo build`'s, `dev`). */
const binaryPath = (name, profile = 'debug') =>
  new URL(`../../target/${profile === 'dev' ? 'debug' : profile}/${name}`, import.meta.url).pathname;

/**
 * Starts one of the workspace's binaries (built with cargo `profile`) and waits for its
 * "listening on http://..." line.
 */
export async function startBinary(name, args, { profile = 'debug' } = {}) {
  const { spawn } = await import('node:child_process');
  const binary = binaryPath(name, profile);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 15000);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/listening on (http:\/\/[0-9.:]+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}: ${output}`)));
  });
  return { url, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) };
}

/** Runs a workspace binary (built with cargo `profile`) to completion and answers its output. */
export async function runBinary(name, args, { profile = 'debug' } = {}) {
  const { execFileSync } = await import('node:child_process');
  return execFileSync(binaryPath(name, profile), args, { encoding: 'utf8' });
}

/**
 * The set-up the browser tests share: the simulated tenant over HTTP (`sim-tenant`), the
 * reference relay serving the page in front of it, Chromium, and the scenarios' catalogue as the
 * engine decides them natively against the same simulation. Answers what was started and one
 * `stop` for all of it (also called when a start fails half-way).
 *
 * - `sim: false`: no simulated tenant, no relay, no catalogue (the page and Chromium only).
 * - `allowHosts`: the relay relays to the hosts allowed (NICE's and 127.0.0.1, for scenarios with
 *   an API host) and `envRelay`, a second relay, sends every target to the sim (which still sees
 *   the original host); without it `relay` does that.
 * - `site`: the page on a plain static server too, no relay beside it (`/tools/doctor/`).
 * - `browser`: `launchBrowser`'s options.
 * - `rateLimit: false`: the relays without their per-address rate limit (`--rate-limit 0`), for a
 *   test that opens many pages (each with its chunks) from one address.
 * - `scenarios`: how the catalogue's links reach the relay: `relay` (`'/relay/'`, or
 *   `'absolute'` for the relay's own URL) and `apiHost` (the sim's URL as every API host).
 */
export async function startRelayWithSim({
  sim: withSim = true,
  allowHosts = false,
  site: withSite = false,
  browser: browserOptions = {},
  rateLimit = true,
  scenarios: { relay: template = '/relay/', apiHost = false } = {},
} = {}) {
  const started = {};
  const stops = [];
  const stop = async () => {
    for (const close of stops.reverse().splice(0)) await close();
  };
  const limits = rateLimit ? [] : ['--rate-limit', '0'];
  try {
    if (withSim) {
      started.sim = await startBinary('sim-tenant', ['--listen', '127.0.0.1:0', '--quiet']);
      stops.push(started.sim.stop);
      const toSim = ['--listen', '127.0.0.1:0', '--serve', DIST, '--upstream-override', started.sim.url, ...limits, '--quiet'];
      if (allowHosts) {
        started.relay = await startBinary('doctor-relay', [
          '--listen', '127.0.0.1:0', '--serve', DIST, '--allow', 'default', '--allow', 'http://127.0.0.1:*', ...limits, '--quiet',
        ]);
        stops.push(started.relay.stop);
        started.envRelay = await startBinary('doctor-relay', toSim);
        stops.push(started.envRelay.stop);
      } else {
        started.relay = await startBinary('doctor-relay', toSim);
        stops.push(started.relay.stop);
      }
    }
    if (withSite) {
      started.site = await serveStatic(DIST, '/tools/doctor/');
      stops.push(started.site.close);
    }
    started.browser = await launchBrowser(browserOptions);
    stops.push(started.browser.close);
    if (withSim) {
      const relay = template === 'absolute' ? `${started.relay.url}/relay/` : template;
      const args = ['--scenarios', ...(apiHost ? ['--api-host', started.sim.url] : []), '--relay', relay];
      started.cases = JSON.parse(await runBinary('sim-tenant', args));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...started, stop };
}

/** Fills the secret, confirms the destination when asked, presses Diagnose, waits for the verdict. */
export async function diagnose(page, secret, timeout = 40000) {
  if (secret !== undefined) await page.fill('#client_secret', secret);
  if (await page.isVisible('#confirm-destination')) await page.click('#confirm-destination');
  await page.click('#diagnose');
  return waitForVerdict(page, '[data-verdict]', timeout);
}

/**
 * Waits for `selector` (a verdict) and, when it is a run's verdict, for the run's finished tree
 * and report tools, which the page draws the frame after the verdict (src/run.rs). Answers the
 * verdict's code.
 */
export async function waitForVerdict(page, selector = '[data-verdict]', timeout = 40000) {
  await page.waitForSelector(selector, { timeout });
  if (await page.$('#verdict')) {
    await page.waitForSelector('#decision-tree[data-finished=true]', { timeout });
  }
  return page.getAttribute('[data-verdict]', 'data-verdict');
}

/** Every place a secret must never reach: the address bar, storage, the page's markup and text. */
export async function secretLeaks(page, secret) {
  const basic = (value) => Buffer.from(value).toString('base64');
  const places = await page.evaluate(() => ({
    address: location.href,
    storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    markup: document.documentElement.outerHTML,
    text: document.body.innerText,
  }));
  return Object.entries(places)
    .filter(([, value]) => value.includes(secret) || value.includes(basic(secret).slice(0, 12)))
    .map(([where]) => where);
}

/**
 * Where a README screenshot goes: `docs/NAME` only when asked (`UPDATE_SCREENSHOTS=1`), else
 * `tests/e2e/output/NAME` (git-ignored), so the test command leaves the checkout clean.
 */
export async function screenshotPath(name) {
  const { mkdir } = await import('node:fs/promises');
  const dir = process.env.UPDATE_SCREENSHOTS === '1'
    ? new URL('../../docs/', import.meta.url)
    : new URL('./output/', import.meta.url);
  await mkdir(dir, { recursive: true });
  return new URL(name, dir).pathname;
}
