// The sweep benchmark (issue 14): for 10, 100, 1,000 and 5,000 agents of the simulated sweep
// tenant (platform profile, "all agents"), prints one Markdown table with
//  - the sweep's requests, rounds and time when every request takes 50 ms, and the same for
//    one agent at a time (examples/bench_sweep.rs, a virtual clock, natively);
//  - the page's CPU time and memory for the sweep, measured in Chromium (the release page in
//    dist/, served by the reference relay in front of the HTTP simulation), from the DevTools
//    protocol's Performance metrics: TaskDuration (main-thread work) and JSHeapUsedSize.
//
// Needs: trunk build --release; cargo build -p agent-state-doctor-relay --bins.
// Run: node scripts/bench-sweep.mjs   (bench.sh: add the line `node scripts/bench-sweep.mjs`)
import { execFileSync } from 'node:child_process';
import { startRelayWithSim, openPage } from '../tests/e2e/harness.mjs';

const SIZES = [10, 100, 1000, 5000];
const root = new URL('..', import.meta.url).pathname;

const native = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'bench_sweep', '--', '--json'], {
  cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
}));

const env = await startRelayWithSim({ scenarios: { apiHost: true } });
const { relay, browser, cases } = env;
const scenario = cases.find((c) => c.id === 'platform-logged-in');

const page_ = {};
try {
  for (const agents of SIZES) {
    const page = await openPage(browser.context, `${relay.url}/#${scenario.fragment}`);
    await page.fill('#client_id', `demo-sweep-${agents}`);
    await page.fill('#client_secret', scenario.secret);
    await page.fill('#access_key_secret', scenario.access_key_secret);
    if (await page.isVisible('#confirm-destination')) await page.click('#confirm-destination');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metric = async (name) => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0;
    await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
    const before = { task: await metric('TaskDuration'), heap: await metric('JSHeapUsedSize') };
    const started = Date.now();
    await page.click('#sweep');
    await page.waitForSelector('#sweep-table', { timeout: 120000 });
    const wall = Date.now() - started;
    const after = { task: await metric('TaskDuration'), heap: await metric('JSHeapUsedSize') };
    page_[agents] = {
      cpu_ms: Math.round((after.task - before.task) * 1000),
      heap_mb: (after.heap / 1048576).toFixed(1),
      heap_delta_mb: ((after.heap - before.heap) / 1048576).toFixed(1),
      wall_ms: wall,
      rows: await page.$$eval('#sweep-counts [data-n]', (els) => els.reduce((a, el) => a + Number(el.dataset.n), 0)),
      rounds: Number(await page.getAttribute('#sweep-cost', 'data-rounds')),
      requests: Number(await page.getAttribute('#sweep-cost', 'data-requests')),
    };
    await page.close();
  }
} finally {
  await env.stop();
}

console.log('| agents | sweep: requests | rounds | time at 50 ms | page CPU | page JS heap (growth) | one at a time: requests | rounds | time at 50 ms |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of native) {
  const p = page_[row.agents];
  if (p.requests !== row.sweep.requests || p.rounds !== row.sweep.rounds) {
    console.error(`note: the page sent ${p.requests} requests in ${p.rounds} rounds for ${row.agents} agents (natively ${row.sweep.requests} in ${row.sweep.rounds})`);
  }
  console.log(`| ${row.agents.toLocaleString('en')} | ${row.sweep.requests} | ${row.sweep.rounds} | ${(row.sweep.time_ms / 1000).toFixed(2)} s | ${p.cpu_ms} ms | ${p.heap_mb} MB (+${p.heap_delta_mb}) | ${row.one_at_a_time.requests.toLocaleString('en')} | ${row.one_at_a_time.rounds.toLocaleString('en')} | ${(row.one_at_a_time.time_ms / 1000).toFixed(1)} s |`);
}
