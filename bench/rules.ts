/**
 * Listener rules bench (issue 6): what 100 rules cost when only the last one matches, Albatross
 * next to nginx with the equivalent regex locations, both in front of the same two targets.
 *
 *   - Albatross: one HTTP listener, 100 rules (priorities 1–100) made through the admin API.
 *     Rules 1–99 answer a fixed 404 "rule N": odd ones on path-pattern `/api/vN/*`, even ones on
 *     host-header `*.example.com` and path-pattern `/api/vN/*`. Rule 100 (path-pattern
 *     `/api/v100/*`) forwards to the targets; so does the default action.
 *   - nginx: the same in its terms: regex locations `~ ^/api/vN/` in the same order (nginx tries
 *     regex locations in the order written, first match wins), the path-only ones in the
 *     default server, all 100 in a server for `*.example.com`; `location /` forwards.
 *   - the request, `GET /api/v100/items` with `Host: api.example.com`, tests every rule: the host
 *     matches and the path fails for rules 1–99 (a wrong match would be a 404: wrk counts it as
 *     an error). The target answers any path but `/` with 200 "OK" (lib/any-path-target.mjs).
 *   - for reference, each again with no rules (only the default action / `location /`).
 *
 * Method as proxy-throughput.ts: servers on CPU 0, `wrk -t1 -c64` on CPU 1, warm-up, interleaved
 * rounds, medians, CPU per request from /proc. Run from the repository root, after `npm run build`:
 *   node --import tsx bench/rules.ts [options]   (see --help)
 */
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AdminApi } from './lib/admin-api.ts';
import { caseLine, caseOptionHelp, cpuDelta, caseOptionSpec, caseSummaries, caseTable, ratio, readCaseOptions, runRounds, startTargets, warnings, type Case } from './lib/cases.ts';
import { benchDir, fail, Harness, machineInfo, preflightCommon, repoDir } from './lib/harness.ts';
import { albatrossYaml, nginxProxy, SkipPeer, startAlbatrossApplied, startNginx, type PeerContext, type StartedPeer, type Target } from './lib/peers.ts';
import { freePorts, httpGet, signalGroup, sleep, type ServerProc } from './lib/procs.ts';
import type { RunRecord } from './lib/report.ts';

const RULES = 100;
const PATH = `/api/v${RULES}/items`;
const HOST_HEADER = 'api.example.com';

const HELP = `Usage: node --import tsx bench/rules.ts [options]   (from the repository root; \`npm run build\` first)

GET ${PATH} (Host: ${HOST_HEADER}) through a listener of ${RULES} rules where only the last matches:
Albatross and nginx (equivalent regex locations), each also with no rules. Prints req/s, p99,
Albatross ÷ nginx, and ${RULES} rules ÷ no rules.

Options:
${caseOptionHelp}

Quick check:  node --import tsx bench/rules.ts --rounds 1 --duration 3
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
let cases: Case[] = [];
let targets: Target[] = [];
const skipped: { name: string; why: string }[] = [];
const wrkCommand = `${wrkCpu ? `taskset -c ${wrkCpu} ` : ''}wrk -t1 -c${o.connections} -d${o.durationS}s -H 'Host: ${HOST_HEADER}' --latency http://127.0.0.1:PORT${PATH}`;

const harness: Harness = new Harness({
  name: 'rules',
  keepTmp: o.keepTmp,
  budgetS: 180 + o.rounds * 4 * (o.warmupS + o.durationS + 45),
  document: (partial) =>
    runs.length === 0 && partial
      ? null
      : {
          bench: 'rules', partial, startedAt: harness.startedAt.toISOString(), finishedAt: new Date().toISOString(),
          options: o, pinning: { servers: serverCpu ?? 'none', wrk: wrkCpu ?? 'none' }, wrkCommand, rules: RULES,
          machine: machineInfo(), targets, cases: cases.map(({ name, what, port, path, headers }) => ({ name, what, port, path, headers })),
          skipped, summary: caseSummaries(cases, runs), runs,
        },
});
harness.install();

/** nginx's equivalent of the rules: regex locations in priority order, host rules in a `*.example.com` server. */
function ruleServers(listen: string): string {
  const location = (i: number): string =>
    i === RULES
      ? `    location ~ ^/api/v${i}/ {\n${nginxProxy}\n    }`
      : `    location ~ ^/api/v${i}/ { default_type text/plain; return 404 "rule ${i}"; }`;
  const all = Array.from({ length: RULES }, (_, k) => k + 1);
  const server = (name: string, numbers: number[]): string =>
    `  server {\n${listen}\n${name}${numbers.map(location).join('\n')}\n    location / {\n${nginxProxy}\n    }\n  }`;
  return [
    server('', all.filter((i) => i % 2 === 1 || i === RULES)),
    server('    server_name *.example.com;\n', all),
  ].join('\n');
}

/** Rules 1–100 on bench-alb's listener, through the admin API, as `aws elbv2 create-rule` would. */
async function addRules(proc: ServerProc, dataDir: string): Promise<void> {
  try {
    await createRules(await AdminApi.of(proc, dataDir));
  } catch (err) {
    throw new SkipPeer(`could not create the rules: ${(err as Error).message}`);
  }
}

async function createRules(api: AdminApi): Promise<void> {
  const lbArn = await api.first('DescribeLoadBalancers', { 'Names.member.1': 'bench-alb' }, 'LoadBalancerArn');
  const listenerArn = await api.first('DescribeListeners', { LoadBalancerArn: lbArn }, 'ListenerArn');
  const tgArn = await api.first('DescribeTargetGroups', { 'Names.member.1': 'bench-tg' }, 'TargetGroupArn');
  for (let i = 1; i <= RULES; i++) {
    const p: Record<string, string> = {
      ListenerArn: listenerArn,
      Priority: String(i),
      'Conditions.member.1.Field': 'path-pattern',
      'Conditions.member.1.PathPatternConfig.Values.member.1': `/api/v${i}/*`,
    };
    if (i % 2 === 0 && i !== RULES) {
      p['Conditions.member.2.Field'] = 'host-header';
      p['Conditions.member.2.HostHeaderConfig.Values.member.1'] = '*.example.com';
    }
    if (i === RULES) {
      Object.assign(p, { 'Actions.member.1.Type': 'forward', 'Actions.member.1.TargetGroupArn': tgArn });
    } else {
      Object.assign(p, {
        'Actions.member.1.Type': 'fixed-response',
        'Actions.member.1.FixedResponseConfig.StatusCode': '404',
        'Actions.member.1.FixedResponseConfig.ContentType': 'text/plain',
        'Actions.member.1.FixedResponseConfig.MessageBody': `rule ${i}`,
      });
    }
    await api.call('CreateRule', p);
  }
}

/**
 * The request answers 200 "OK" and, with rules, `/api/v99/…` answers rule 99's 404: the rules
 * are live (Albatross applies a change within a second: polled).
 */
async function checkAnswers(name: string, port: number, withRules: boolean): Promise<void> {
  const host = { host: HOST_HEADER };
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const hit = await httpGet(port, PATH, 2000, 'http', host);
      const miss = withRules ? await httpGet(port, `/api/v${RULES - 1}/items`, 2000, 'http', host) : null;
      last = `${PATH} -> ${hit.status} ${JSON.stringify(hit.body)}${miss ? `; /api/v${RULES - 1}/items -> ${miss.status} ${JSON.stringify(miss.body)}` : ''}`;
      if (hit.status === 200 && hit.body === 'OK' && (!miss || (miss.status === 404 && miss.body === `rule ${RULES - 1}`))) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(200);
  }
  throw new SkipPeer(`${name} does not answer as its rules say: ${last}`);
}

async function main(): Promise<number> {
  console.log(`Albatross rules bench — ${harness.startedAt.toISOString()}`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, kernel ${os.release()}, node ${process.version}`);
  console.log(`load:    ${wrkCommand} (+${o.warmupS} s warm-up), ${o.rounds} round(s)`);
  console.log(`temp:    ${harness.tmpDir}\n`);

  targets = await startTargets(harness, join(benchDir, 'lib/any-path-target.mjs'), serverCpu);
  console.log(`targets: ${targets.map((t) => `${t.name} :${t.port}`).join(', ')} (lib/any-path-target.mjs)`);
  const ctx: PeerContext = { repoDir, benchDir, tmpDir: harness.tmpDir, targets, serverCpu, albatrossCli: o.albatrossCli };
  const ports = await freePorts(4);
  const by = 'bench/rules.ts';
  const wanted: { name: string; what: string; rules: boolean; start: (port: number) => Promise<StartedPeer>; prepare?: (p: StartedPeer) => Promise<void> }[] = [
    { name: `nginx-${RULES}`, what: `nginx, ${RULES} regex locations`, rules: true, start: (port) => startNginx(ctx, port, { dirName: 'nginx-rules', by, servers: ruleServers }) },
    { name: 'nginx-0', what: 'nginx, location / only', rules: false, start: (port) => startNginx(ctx, port, { dirName: 'nginx-plain', by }) },
    {
      name: `albatross-${RULES}`, what: `Albatross, ${RULES} rules`, rules: true,
      start: (port) => startAlbatrossApplied(ctx, port, join(harness.tmpDir, 'albatross-rules'), albatrossYaml(targets, port)),
      prepare: (p) => addRules(p.proc!, join(harness.tmpDir, 'albatross-rules')),
    },
    { name: 'albatross-0', what: 'Albatross, default action only', rules: false, start: (port) => startAlbatrossApplied(ctx, port, join(harness.tmpDir, 'albatross-plain'), albatrossYaml(targets, port)) },
  ];
  for (const [i, w] of wanted.entries()) {
    let started: StartedPeer | undefined;
    try {
      started = await w.start(ports[i]!);
      harness.servers.unshift(started.proc!);
      await w.prepare?.(started);
      await checkAnswers(w.name, started.port, w.rules);
      cases.push({ name: w.name, what: w.what, port: started.port, proc: started.proc!, path: PATH, headers: [`Host: ${HOST_HEADER}`] });
      console.log(`case:    ${w.name.padEnd(13)} :${started.port}  ${started.version}`);
      if (started.note) console.log(`         note: ${started.note}`);
    } catch (err) {
      if (!(err instanceof SkipPeer)) throw err;
      // A skipped case must not stay up (and busy) while the others are measured.
      if (started?.proc) signalGroup(started.proc.pid, 'SIGKILL');
      skipped.push({ name: w.name, why: err.message.split('\n')[0]! });
      console.log(`SKIP:    ${w.name.padEnd(13)} ${err.message.replace(/\n/g, '\n         ')}`);
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
  console.log(`\n${RULES} rules, the last one matching (${o.rounds} round(s); medians, [min–max] over rounds)\n`);
  console.log(caseTable(sums, `nginx-${RULES}`));
  const r = (a: string, b: string): string => ratio(sums, a, b)?.toFixed(2) ?? '–';
  const notes = [
    `Albatross ÷ nginx, ${RULES} rules: ${r(`albatross-${RULES}`, `nginx-${RULES}`)}x;  no rules: ${r('albatross-0', 'nginx-0')}x.`,
    `${RULES} rules ÷ no rules: Albatross ${r(`albatross-${RULES}`, 'albatross-0')}x, nginx ${r(`nginx-${RULES}`, 'nginx-0')}x.`,
    `Proxy CPU per request, ${RULES} rules − no rules: Albatross ${cpuDelta(sums, `albatross-${RULES}`, 'albatross-0')}, nginx ${cpuDelta(sums, `nginx-${RULES}`, 'nginx-0')}.`,
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
