// The benchmark behind scripts/bench.sh. Starts sim-tenant with --delay-ms, the reference relay
// in front of it, and Debian's Chromium; for each set-up and verdict path, opens the page afresh,
// presses Diagnose and reads the page's clock (performance.now) for click and verdict, and
// window.__doctorTimings (src/timings.rs) for the rounds and the page's own time per round.
import { serveStatic, launchBrowser, startBinary, runBinary } from '../tests/e2e/harness.mjs';

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const DELAY = Number(option('delay-ms', 50));
const RUNS = Number(option('runs', 5));
const PROFILE = process.env.BENCH_PROFILE ?? 'relay';
// Verdict paths whose every round is one network round trip (no Retry-After, no time limit).
const PATHS = option('paths', [
  'logged-in', 'logged-out', 'wrong-environment', 'bad-credentials', 'user-not-found',
  'platform-logged-in', 'platform-logged-out', 'platform-discovery-failed',
].join(',')).split(',');
// Another build's dist/ (BENCH_DIST=/path/to/dist/) to compare two builds back to back.
const DIST = process.env.BENCH_DIST ?? new URL('../dist/', import.meta.url).pathname;
// The binaries of the relay's own optimised profile (`BENCH_PROFILE=dev` for a debug build).
const start = (name, args) => startBinary(name, args, { profile: PROFILE });
const run = (name, args) => runBinary(name, args, { profile: PROFILE });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One diagnosis in a fresh tab: the figures of the page's own clock. */
async function once(context, url, scenario) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('#diagnose', { timeout: 20000 });
  if (scenario.secret) await page.fill('#client_secret', scenario.secret);
  if (scenario.access_key_secret) await page.fill('#access_key_secret', scenario.access_key_secret);
  if (await page.isVisible('#confirm-destination')) await page.click('#confirm-destination');
  // A person types for seconds: by the click, the diagnosis chunk (fetched at the form's first
  // focus) is in, and the page has rehearsed a diagnosis with it at idle (src/rehearsal.rs, about
  // a third of a second here). Waiting for both keeps them out of click-to-verdict.
  await page.waitForSelector('.result[data-diagnosis=ready]', { timeout: 20000 });
  await page.waitForFunction(() => performance.getEntriesByName('doctor:rehearsed').length > 0, null, { timeout: 20000 });
  // Click and verdict both on the page's clock: the click from inside the page, the verdict by an
  // observer that fires as soon as the verdict is in the document.
  const figures = await page.evaluate(() => new Promise((resolve) => {
    const found = () => document.querySelector('[data-verdict]');
    const observer = new MutationObserver(() => {
      if (!found()) return;
      const verdictAt = performance.now();
      observer.disconnect();
      const t = window.__doctorTimings;
      // The time some request of the run was on the network (the union of their intervals, on
      // the same clock): what is left of click-to-verdict is the page's, the browser's and the
      // loopback's.
      const spans = performance.getEntriesByType('resource')
        .filter((e) => e.initiatorType === 'fetch' && e.startTime >= clickAt)
        .map((e) => [e.startTime, e.responseEnd]).sort((a, b) => a[0] - b[0]);
      let network = 0;
      let end = -Infinity;
      for (const [from, to] of spans) {
        if (to <= end) continue;
        network += to - Math.max(from, end);
        end = to;
      }
      // Where the time goes, round by round: a round is the requests that leave before the
      // answers of the round before it are all in (the engine sends the next round only then).
      // Start and end are the browser's: fetch called, and the answer's last byte in.
      const rounds = [];
      for (const [from, to] of spans) {
        const last = rounds[rounds.length - 1];
        if (last && from < last.end) last.end = Math.max(last.end, to);
        else rounds.push({ start: from, end: to });
      }
      resolve({
        network,
        firstRequest: spans[0][0] - clickAt,
        trips: rounds.map((r) => r.end - r.start),
        gaps: rounds.slice(1).map((r, i) => r.start - rounds[i].end),
        tail: verdictAt - rounds[rounds.length - 1].end,
        decided: t.doneAt - rounds[rounds.length - 1].end,
        toStart: t.startedAt - clickAt,
        clickToVerdict: verdictAt - clickAt,
        lastUrl: performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'fetch')
          .reduce((a, b) => (b.responseEnd > a.responseEnd ? b : a)).name,
        verdict: found().dataset.verdict,
        rounds: t.rounds,
        requests: t.requests,
        own: [t.firstSendMs, ...t.ownMs],
        usable: performance.getEntriesByName('doctor:usable')[0]?.startTime ?? NaN,
      });
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true });
    const clickAt = performance.now();
    document.getElementById('diagnose').click();
  }));
  // The same number of round trips with no page at all: plain GETs of the URL the run's last
  // answer came from, one after the other (no credentials, so no preflight either; the tenant
  // holds every answer for the delay). The best any page could do here, for reference only.
  await page.waitForTimeout(100);
  figures.bare = await page.evaluate(async ({ url, rounds }) => {
    const from = performance.now();
    for (let i = 0; i < rounds; i++) await (await fetch(url, { cache: 'no-store' })).text();
    return performance.now() - from;
  }, { url: figures.lastUrl, rounds: figures.rounds });
  // The browser's own cost of one fetch, with no delay behind it: the relay's /healthz, which the
  // relay answers itself (median of 10, one after the other).
  figures.instant = await page.evaluate(async (url) => {
    const times = [];
    for (let i = 0; i < 10; i++) {
      const from = performance.now();
      await (await fetch(url, { cache: 'no-store' })).text();
      times.push(performance.now() - from);
    }
    return times.sort((a, b) => a - b)[5];
  }, `${new URL(figures.lastUrl).origin}/healthz`);
  await page.close();
  return figures;
}

const sim = await start('sim-tenant', ['--listen', '127.0.0.1:0', '--delay-ms', String(DELAY), '--quiet']);
const site = await serveStatic(DIST, '/doctor/');
const siteOrigin = new URL(site.url).origin;
const relayArgs = ['--listen', '127.0.0.1:0', '--serve', DIST, '--upstream-override', sim.url,
  '--rate-limit', '10000', '--rate-burst', '10000', '--quiet'];
const relay = await start('doctor-relay', relayArgs);
const crossRelay = await start('doctor-relay', [...relayArgs, '--allow-origin', siteOrigin]);
const browser = await launchBrowser();
const setups = [
  { name: 'same origin', page: `${relay.url}/`, template: '/relay/' },
  { name: 'cross-origin', page: site.url, template: `${crossRelay.url}/relay/` },
];

const rows = [];
try {
  for (const setup of setups) {
    const cases = JSON.parse(await run('sim-tenant', ['--scenarios', '--relay', setup.template]));
    for (const id of PATHS) {
      const scenario = cases.find((c) => c.id === id);
      if (!scenario) throw new Error(`no scenario ${id}`);
      const params = new URLSearchParams(scenario.fragment);
      params.set('relay', setup.template);
      const url = `${setup.page}#${params}`;
      await once(browser.context, url, scenario); // warm-up: caches, JIT
      const results = [];
      for (let i = 0; i < RUNS; i++) results.push(await once(browser.context, url, scenario));
      const wrong = results.find((r) => r.verdict !== scenario.verdict);
      if (wrong) throw new Error(`${setup.name} ${id}: verdict ${wrong.verdict}, expected ${scenario.verdict}`);
      const rounds = results[0].rounds;
      const floor = rounds * DELAY;
      const total = median(results.map((r) => r.clickToVerdict));
      rows.push({
        setup: setup.name, path: id, verdict: scenario.verdict, rounds, floor, total,
        ratio: total / floor, goal: total <= 1.05 * floor + 10,
        network: median(results.map((r) => r.network)),
        outside: median(results.map((r) => r.clickToVerdict - r.network)),
        ownMedian: median(results.flatMap((r) => r.own)),
        ownMax: Math.max(...results.flatMap((r) => r.own)),
        usable: median(results.map((r) => r.usable)),
        firstRequest: median(results.map((r) => r.firstRequest)),
        // Per round index, the median over the runs.
        trips: results[0].trips.map((_, i) => median(results.map((r) => r.trips[i] ?? NaN))),
        gaps: results[0].gaps.map((_, i) => median(results.map((r) => r.gaps[i] ?? NaN))),
        tail: median(results.map((r) => r.tail)),
        decided: median(results.map((r) => r.decided)),
        toStart: median(results.map((r) => r.toStart)),
        bare: median(results.map((r) => r.bare)),
        instant: median(results.map((r) => r.instant)),
      });
    }
  }
} finally {
  await browser.close();
  await site.close();
  for (const server of [sim, relay, crossRelay]) await server.stop();
}

const f = (n, d = 0) => n.toFixed(d);
console.log(`\nAgent State Doctor benchmark: ${DELAY} ms per request, median of ${RUNS} runs per path, relay profile ${PROFILE}`);
console.log('(floor = rounds × delay. Cross-origin, the browser caches each call\'s preflight for the relay\'s Access-Control-Max-Age (600 s): the warm-up run sends them, the measured runs none. A first visit sends one per call, answered by the relay itself, a loopback round trip with no tenant delay, inside the measured time.)\n');
console.log('(network = time some request of the run was in flight, from the browser\'s resource timing; off-network = click→verdict − network)\n');
console.log('| set-up | verdict path | rounds | floor ms | click→verdict ms | ratio | ≤ 1.05×floor+10 | network ms | off-network ms | own ms/round (median / max) | navigation→usable ms |');
console.log('|---|---|---:|---:|---:|---:|:---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.setup} | ${r.path} | ${r.rounds} | ${r.floor} | ${f(r.total, 1)} | ${f(r.ratio, 3)} | ${r.goal ? 'yes' : 'NO'} | ${f(r.network, 1)} | ${f(r.outside, 1)} | ${f(r.ownMedian, 2)} / ${f(r.ownMax, 2)} | ${f(r.usable)} |`);
}
console.log('\nWhere the time goes (medians, ms; a round trip is from the first fetch of a round to its last answer\'s last byte, both on the browser\'s clock, so it holds the delay, the relay, the simulated tenant and the browser\'s own handling of the requests; between rounds is from that last byte to the next fetch: the browser handing the answer over, and the page; run start is when the click handler had the run allowed and started; decided is when the engine had the verdict, the rest of last answer→verdict being its drawing):\n');
console.log('| set-up | verdict path | click→1st request (of it: click→run start) | round trips | between rounds | last answer→verdict (of it: →decided) | the same round trips as bare fetches | one fetch with no delay |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
const list = (values) => values.map((v) => f(v, 1)).join(' · ') || '–';
for (const r of rows) {
  console.log(`| ${r.setup} | ${r.path} | ${f(r.firstRequest, 1)} (${f(r.toStart, 1)}) | ${list(r.trips)} | ${list(r.gaps)} | ${f(r.tail, 1)} (${f(r.decided, 1)}) | ${f(r.bare, 1)} | ${f(r.instant, 1)} |`);
}
console.log('\n(bare fetches: as many plain GETs of the URL of the run\'s last answer as the run has rounds, one after the other, in the same page after the run: the relay, the tenant\'s delay and the browser, without the page. One fetch with no delay: a GET of the relay\'s own /healthz, no tenant behind it, median of 10: what the browser and the loopback add to every round trip.)');
const misses = rows.filter((r) => !r.goal).length;
console.log(misses ? `\n${misses} path(s) above 1.05 × floor + 10 ms` : '\nevery path within 1.05 × floor + 10 ms');
