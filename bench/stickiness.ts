/**
 * Sticky sessions bench (issue 6): what lb_cookie stickiness costs Albatross per request.
 *
 *   - albatross:     stickiness off (round robin), `GET /status` — the baseline;
 *   - sticky-cookie: stickiness on (lb_cookie), every request carries the AWSALB/AWSALBCORS
 *                    cookies the load balancer gave a first request, as a browser would send
 *                    them: the cookie is opened, its target used, the cookie refreshed. All
 *                    requests then go to one target, as one client's do;
 *   - sticky-new:    the same server, no cookie: every response issues a new cookie (a target
 *                    picked by round robin, then sealed): the cost of a client's first request;
 *   - nginx:         the reference point of every bench (round robin, no stickiness: nginx has
 *                    no lb cookie without nginx Plus).
 *
 * Before measuring, the cookie is checked to stick (10 requests with it reach one target, 10
 * without it reach both). Method as proxy-throughput.ts: servers on CPU 0, `wrk -t1 -c64` on
 * CPU 1, warm-up, interleaved rounds, medians. Run from the repository root, after `npm run build`:
 *   node --import tsx bench/stickiness.ts [options]   (see --help)
 */
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { caseLine, caseOptionHelp, cpuDelta, caseOptionSpec, caseSummaries, caseTable, ratio, readCaseOptions, runRounds, startTargets, warnings, type Case } from './lib/cases.ts';
import { benchDir, fail, Harness, machineInfo, preflightCommon, repoDir } from './lib/harness.ts';
import { albatrossYaml, SkipPeer, startAlbatrossApplied, startNginx, type PeerContext, type StartedPeer, type Target } from './lib/peers.ts';
import { freePorts, httpGet, signalGroup } from './lib/procs.ts';
import type { RunRecord } from './lib/report.ts';

const HELP = `Usage: node --import tsx bench/stickiness.ts [options]   (from the repository root; \`npm run build\` first)

Albatross with lb_cookie stickiness off and on (requests with the AWSALB cookie, and without it:
a new cookie per response), next to nginx. Prints req/s, p99 and the ratios.

Options:
${caseOptionHelp}

Quick check:  node --import tsx bench/stickiness.ts --rounds 1 --duration 3
`;

let values;
try {
  ({ values } = parseArgs({ args: process.argv.slice(2), options: caseOptionSpec, strict: true, allowPositionals: false }));
} catch (err) {
  fail(`${(err as Error).message}\n\n${HELP}`);
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const o = readCaseOptions(values);
preflightCommon(o.pin, [{ cmd: 'wrk', hint: 'apt-get install -y wrk' }]);

const serverCpu = o.pin === 'split' ? '0' : null;
const wrkCpu = o.pin === 'split' ? '1' : null;
const runs: RunRecord[] = [];
const cases: Case[] = [];
let targets: Target[] = [];
const skipped: { name: string; why: string }[] = [];
const checks: string[] = [];
const wrkCommand = `${wrkCpu ? `taskset -c ${wrkCpu} ` : ''}wrk -t1 -c${o.connections} -d${o.durationS}s [-H 'Cookie: AWSALB=…; AWSALBCORS=…'] --latency http://127.0.0.1:PORT/status`;

const harness: Harness = new Harness({
  name: 'stickiness',
  keepTmp: o.keepTmp,
  budgetS: 180 + o.rounds * 4 * (o.warmupS + o.durationS + 45),
  document: (partial) =>
    runs.length === 0 && partial
      ? null
      : {
          bench: 'stickiness', partial, startedAt: harness.startedAt.toISOString(), finishedAt: new Date().toISOString(),
          options: o, pinning: { servers: serverCpu ?? 'none', wrk: wrkCpu ?? 'none' }, wrkCommand,
          machine: machineInfo(), targets, cases: cases.map(({ name, what, port, path, headers }) => ({ name, what, port, path, headers })),
          checks, skipped, summary: caseSummaries(cases, runs), runs,
        },
});
harness.install();

/** `name=value` of each of the response's cookies named in `names`. */
function cookiePairs(setCookie: string[] | undefined, names: string[]): string[] {
  return (setCookie ?? []).map((c) => c.slice(0, c.indexOf(';') < 0 ? c.length : c.indexOf(';'))).filter((pair) => names.includes(pair.slice(0, pair.indexOf('='))));
}

/** The backends that answered `GET /` `n` times, with `headers`. */
async function answeredBy(port: number, n: number, headers: Record<string, string>): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await httpGet(port, '/', 2000, 'http', headers)).body.replace(/^hello from /, ''));
  return out;
}

/** The sticky server's cookie header, after checking that it sticks and that no cookie means round robin. */
async function stickyCookie(port: number): Promise<string> {
  const first = await httpGet(port, '/status', 2000);
  const pairs = cookiePairs(first.headers['set-cookie'], ['AWSALB', 'AWSALBCORS']);
  if (pairs.length !== 2) throw new SkipPeer(`a first response should set AWSALB and AWSALBCORS; Set-Cookie: ${JSON.stringify(first.headers['set-cookie'] ?? [])}`);
  const cookie = pairs.join('; ');
  const withCookie = await answeredBy(port, 10, { cookie });
  const without = await answeredBy(port, 10, {});
  const line = `stickiness check: with the cookie ${withCookie.length} requests reached [${[...new Set(withCookie)].join(', ')}]; without it [${[...new Set(without)].join(', ')}]`;
  checks.push(line);
  console.log(`         ${line}`);
  if (new Set(withCookie).size !== 1 || new Set(without).size !== 2) throw new SkipPeer(`the cookie does not stick as it should: ${line}`);
  return cookie;
}

async function main(): Promise<number> {
  console.log(`Albatross stickiness bench — ${harness.startedAt.toISOString()}`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, kernel ${os.release()}, node ${process.version}`);
  console.log(`load:    ${wrkCommand} (+${o.warmupS} s warm-up), ${o.rounds} round(s)`);
  console.log(`temp:    ${harness.tmpDir}\n`);

  targets = await startTargets(harness, join(benchDir, 'target.mjs'), serverCpu);
  console.log(`targets: ${targets.map((t) => `${t.name} :${t.port}`).join(', ')}`);
  const ctx: PeerContext = { repoDir, benchDir, tmpDir: harness.tmpDir, targets, serverCpu, albatrossCli: o.albatrossCli };
  const ports = await freePorts(3);
  const servers: { names: string[]; start: (port: number) => Promise<StartedPeer>; cases: (p: StartedPeer) => Promise<Omit<Case, 'port' | 'proc' | 'path'>[]> }[] = [
    {
      names: ['nginx'],
      start: (port) => startNginx(ctx, port, { by: 'bench/stickiness.ts' }),
      cases: async () => [{ name: 'nginx', what: 'nginx, round robin', headers: [] }],
    },
    {
      names: ['albatross'],
      start: (port) => startAlbatrossApplied(ctx, port, join(harness.tmpDir, 'albatross-off'), albatrossYaml(targets, port)),
      cases: async (p) => {
        const r = await httpGet(p.port, '/status', 2000);
        if (cookiePairs(r.headers['set-cookie'], ['AWSALB']).length > 0) throw new SkipPeer('stickiness is off, yet the response sets AWSALB');
        return [{ name: 'albatross', what: 'Albatross, stickiness off', headers: [] }];
      },
    },
    {
      names: ['sticky-cookie', 'sticky-new'],
      start: (port) =>
        startAlbatrossApplied(ctx, port, join(harness.tmpDir, 'albatross-sticky'), albatrossYaml(targets, port, "'stickiness.enabled': true, 'stickiness.type': lb_cookie")),
      cases: async (p) => [
        { name: 'sticky-cookie', what: 'Albatross, lb_cookie, requests carry the cookie', headers: [`Cookie: ${await stickyCookie(p.port)}`] },
        { name: 'sticky-new', what: 'Albatross, lb_cookie, no cookie: a new one per response', headers: [] },
      ],
    },
  ];
  for (const [i, s] of servers.entries()) {
    let started: StartedPeer | undefined;
    try {
      started = await s.start(ports[i]!);
      harness.servers.unshift(started.proc!);
      for (const c of await s.cases(started)) {
        cases.push({ ...c, port: started.port, proc: started.proc!, path: '/status' });
        console.log(`case:    ${c.name.padEnd(13)} :${started.port}  ${started.version}`);
      }
      if (started.note) console.log(`         note: ${started.note}`);
    } catch (err) {
      // Once the server is up, a failed check (or request) skips its cases too.
      if (!(err instanceof SkipPeer) && started === undefined) throw err;
      if (started?.proc) signalGroup(started.proc.pid, 'SIGKILL');
      const why = (err as Error).message;
      for (const name of s.names) skipped.push({ name, why: why.split('\n')[0]! });
      console.log(`SKIP:    ${s.names.join(', ').padEnd(13)} ${why.replace(/\n/g, '\n         ')}`);
    }
  }
  if (cases.length === 0) {
    console.error('\nbench: nothing could be started; nothing to measure');
    return 1;
  }

  const targetPids = harness.servers.filter((s) => s.name.startsWith('target')).map((s) => s.pid);
  console.log(`\nmeasuring ${cases.length} case(s) × ${o.rounds} round(s): about ${Math.ceil(o.rounds * cases.length * (o.warmupS + o.durationS + 0.7))} s\n`);
  const width = Math.max(...cases.map((c) => c.name.length));
  await runRounds(cases, o, wrkCpu, targetPids, (r) => {
    runs.push(r);
    console.log(caseLine(r, o.rounds, width));
  });

  const sums = caseSummaries(cases, runs);
  console.log(`\nStickiness (${o.rounds} round(s); medians, [min–max] over rounds)\n`);
  console.log(caseTable(sums, 'albatross'));
  const r = (a: string, b: string): string => ratio(sums, a, b)?.toFixed(2) ?? '–';
  const notes = [
    `Stickiness on ÷ off: with the cookie ${r('sticky-cookie', 'albatross')}x; a new cookie per response ${r('sticky-new', 'albatross')}x.`,
    `Proxy CPU per request, on − off: with the cookie ${cpuDelta(sums, 'sticky-cookie', 'albatross')}; a new cookie per response ${cpuDelta(sums, 'sticky-new', 'albatross')}.`,
    `x nginx: albatross ${r('albatross', 'nginx')}, sticky-cookie ${r('sticky-cookie', 'nginx')}, sticky-new ${r('sticky-new', 'nginx')}.`,
    ...warnings(runs, sums),
    ...skipped.map((s) => `skipped ${s.name}: ${s.why}`),
  ];
  console.log(`\n${notes.join('\n')}`);
  const file = harness.complete();
  if (file) console.log(`\nraw results: ${file}`);
  return runs.some((x) => x.wrk) ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`\nbench: ${(err as Error).stack ?? String(err)}`);
  code = 1;
} finally {
  await harness.finish();
}
process.exit(code);
