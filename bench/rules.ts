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
import { join } from 'node:path';
import { AdminApi } from './lib/admin-api.ts';
import { CaseBench, caseOptionHelp, cpuDelta, ratio, type CaseServer } from './lib/cases.ts';
import { runBench } from './lib/harness.ts';
import { albatrossYaml, nginxProxy, SkipPeer, startAlbatrossApplied, startNginx, type StartedPeer } from './lib/peers.ts';
import { httpGet, sleep, type ServerProc } from './lib/procs.ts';

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

const bench = new CaseBench({
  name: 'rules',
  help: HELP,
  path: PATH,
  headersShown: `-H 'Host: ${HOST_HEADER}'`,
  budget: { cases: 4, slackS: 45 },
  document: () => ({ rules: RULES }),
});

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

/** A server for one case; `rules`: whether it has the rules (then rule 99 must answer as well). */
function ruleCase(name: string, what: string, rules: boolean, start: (port: number) => Promise<StartedPeer>, prepare?: (p: StartedPeer) => Promise<void>): CaseServer {
  return {
    names: [name],
    start,
    cases: async (p) => {
      await prepare?.(p);
      await checkAnswers(name, p.port, rules);
      return [{ name, what, headers: [`Host: ${HOST_HEADER}`] }];
    },
  };
}

async function main(): Promise<number> {
  bench.printHeader();
  const ctx = await bench.startTargets('lib/any-path-target.mjs', ' (lib/any-path-target.mjs)');
  const { tmpDir } = bench.harness;
  const albatross = (dir: string) => (port: number) => startAlbatrossApplied(ctx, port, join(tmpDir, dir), albatrossYaml(ctx.targets, port));
  const by = 'bench/rules.ts';
  const started = await bench.startCases([
    ruleCase(`nginx-${RULES}`, `nginx, ${RULES} regex locations`, true, (port) => startNginx(ctx, port, { dirName: 'nginx-rules', by, servers: ruleServers })),
    ruleCase('nginx-0', 'nginx, location / only', false, (port) => startNginx(ctx, port, { dirName: 'nginx-plain', by })),
    ruleCase(`albatross-${RULES}`, `Albatross, ${RULES} rules`, true, albatross('albatross-rules'), (p) => addRules(p.proc!, join(tmpDir, 'albatross-rules'))),
    ruleCase('albatross-0', 'Albatross, default action only', false, albatross('albatross-plain')),
  ]);
  if (!started) return 1;
  await bench.measureRounds();

  return bench.report(`${RULES} rules, the last one matching`, `nginx-${RULES}`, (sums) => {
    const r = (a: string, b: string): string => ratio(sums, a, b)?.toFixed(2) ?? '–';
    return [
      `Albatross ÷ nginx, ${RULES} rules: ${r(`albatross-${RULES}`, `nginx-${RULES}`)}x;  no rules: ${r('albatross-0', 'nginx-0')}x.`,
      `${RULES} rules ÷ no rules: Albatross ${r(`albatross-${RULES}`, 'albatross-0')}x, nginx ${r(`nginx-${RULES}`, 'nginx-0')}x.`,
      `Proxy CPU per request, ${RULES} rules − no rules: Albatross ${cpuDelta(sums, `albatross-${RULES}`, 'albatross-0')}, nginx ${cpuDelta(sums, `nginx-${RULES}`, 'nginx-0')}.`,
    ];
  });
}

await runBench(main, () => bench.harness.finish());
