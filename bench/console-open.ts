/**
 * Console bench (issue 8, Speed): what a console left open on the Monitoring tab costs the data
 * plane, and what the console downloads.
 *
 *   - albatross:    `serve --workers 1`, nobody watching — the baseline;
 *   - console-open: the same server while one headless Chromium (Debian's /usr/bin/chromium via
 *                   playwright-core) shows the target group's Monitoring tab, which polls
 *                   GetMetricData and DescribeTargetHealthEvents every 5 s.
 *
 * Method as proxy-throughput.ts (bench/lib/cases.ts): servers on CPU 0, `wrk -t1 -c64 /status` on
 * CPU 1, warm-up, interleaved rounds, medians. The browser stands for a user's machine: it runs on
 * the load generator's CPU (this process pins itself there), so what it costs the server is the
 * polling it causes, as the proxy's CPU per request shows. Also printed: the console's first load,
 * the sum of the compressed sizes of every script it loads (budget 300 KB).
 *
 * Run from the repository root, after `npm run build`:
 *   node --import tsx bench/console-open.ts [options]   (see --help)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AdminApi } from './lib/admin-api.ts';
import { CaseBench, caseOptionHelp, cpuDelta, measureCase, ratio, type Case } from './lib/cases.ts';
import { fail, runBench } from './lib/harness.ts';
import { albatrossYaml, startAlbatrossApplied } from './lib/peers.ts';
import { freePorts, sleep } from './lib/procs.ts';

const CHROMIUM = '/usr/bin/chromium';
const FIRST_LOAD_BUDGET_BYTES = 300 * 1024;

const HELP = `Usage: node --import tsx bench/console-open.ts [options]   (from the repository root; \`npm run build\` first)

Albatross's req/s with and without one headless Chromium showing the console's Monitoring tab
(polling every 5 s), and the console's first-load JavaScript (compressed).

Options:
${caseOptionHelp}

Quick check:  node --import tsx bench/console-open.ts --rounds 1 --duration 5
`;

const firstLoad: Array<{ url: string; bytes: number; encoding: string | null }> = [];
const polls: Array<{ round: number; requests: number }> = [];
const bench: CaseBench = new CaseBench({
  name: 'console-open',
  help: HELP,
  path: '/status',
  headersShown: '',
  preflight: () => {
    if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} not found (apt-get install -y chromium)`);
  },
  budget: { cases: 2, slackS: 60 },
  document: () => ({ pinning: { servers: bench.serverCpu ?? 'none', wrk: bench.wrkCpu ?? 'none', chromium: bench.wrkCpu ?? 'none' }, firstLoad, polls }),
});
const { o, wrkCpu } = bench;

interface ConsoleSession {
  browser: Browser;
  page: Page;
  /** Console API requests the page has made so far. */
  apiRequests: () => number;
}

/** Chromium signed in to the console, on the Monitoring tab of `bench-tg`, charts drawn. */
async function openConsole(endpoint: string, credentials: { id: string; secret: string }): Promise<ConsoleSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(20_000);
  let api = 0;
  page.on('request', (r) => {
    if (r.url().includes('/console/api/')) api++;
  });
  const record = firstLoad.length === 0;
  page.on('response', (r) => {
    if (record && r.request().resourceType() === 'script') {
      firstLoad.push({ url: r.url(), bytes: Number(r.headers()['content-length'] ?? 0), encoding: r.headers()['content-encoding'] ?? null });
    }
  });
  await page.goto(`${endpoint}/console`);
  await page.getByLabel('Access key ID', { exact: true }).fill(credentials.id);
  await page.getByLabel('Secret access key', { exact: true }).fill(credentials.secret);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: 'bench-tg', exact: true }).click();
  await page.getByRole('tab', { name: 'Monitoring' }).click();
  await page.getByRole('figure', { name: 'Requests per second', exact: true }).waitFor();
  return { browser, page, apiRequests: () => api };
}

async function main(): Promise<number> {
  // Chromium (started from here) shares the load generator's CPU, like a browser on another machine.
  if (wrkCpu !== null) spawnSync('taskset', ['-a', '-p', '-c', wrkCpu, String(process.pid)], { stdio: 'ignore' });
  bench.printHeader();
  const ctx = await bench.startTargets('target.mjs');
  const [port] = await freePorts(1);
  const dataDir = join(bench.harness.tmpDir, 'albatross');
  const started = await startAlbatrossApplied(ctx, port!, dataDir, albatrossYaml(ctx.targets, port!));
  bench.harness.servers.unshift(started.proc!);
  if (started.note) console.log(`note:    ${started.note}`);
  const admin = await AdminApi.of(started.proc!, dataDir);
  const endpoint = `http://127.0.0.1:${admin.port}`;
  const credentials = { id: admin.keyId, secret: admin.secret };
  const base = { port: started.port, proc: started.proc!, path: '/status', headers: [] };
  const idle: Case = { ...base, name: 'albatross', what: 'Albatross, no console open' };
  const watched: Case = { ...base, name: 'console-open', what: 'Albatross, one Chromium on the Monitoring tab (polls every 5 s)' };
  bench.cases.push(idle, watched);
  console.log(`server:  :${started.port} (admin ${endpoint})  ${started.version}`);

  const targetPids = bench.harness.targetPids();
  console.log(`\nmeasuring 2 cases × ${o.rounds} round(s): about ${Math.ceil(o.rounds * 2 * (o.warmupS + o.durationS + 5))} s\n`);
  // The order alternates as CaseBench.measureRounds's would; Chromium is open for console-open's runs only.
  for (let round = 1; round <= o.rounds; round++) {
    const order = round % 2 === 1 ? [idle, watched] : [watched, idle];
    for (const [position, c] of order.entries()) {
      const session = c === watched ? await openConsole(endpoint, credentials) : undefined;
      const before = session?.apiRequests() ?? 0;
      const r = await measureCase(c, round, position, o, wrkCpu, targetPids);
      if (session) {
        polls.push({ round, requests: session.apiRequests() - before });
        await session.browser.close();
      }
      bench.record(r);
      await sleep(500);
    }
  }

  return bench.report('Console open vs not', 'albatross', (sums) => {
    const js = firstLoad.reduce((s, f) => s + f.bytes, 0);
    return [
      `console-open ÷ albatross: ${ratio(sums, 'console-open', 'albatross')?.toFixed(3) ?? '–'} req/s; proxy CPU per request ${cpuDelta(sums, 'console-open', 'albatross')}.`,
      `Console API requests while measured: ${polls.map((p) => p.requests).join(', ') || '–'} (GetMetricData and DescribeTargetHealthEvents every 5 s).`,
      `Console first load: ${firstLoad.length} scripts, ${(js / 1024).toFixed(1)} KB compressed (budget ${FIRST_LOAD_BUDGET_BYTES / 1024} KB)` +
        `${firstLoad.every((f) => f.encoding === 'gzip') ? '' : '; WARNING: not every script was compressed'}:`,
      ...firstLoad.map((f) => `  ${(f.bytes / 1024).toFixed(1).padStart(6)} KB  ${new URL(f.url).pathname}`),
    ];
  });
}

await runBench(main, () => bench.harness.finish());
