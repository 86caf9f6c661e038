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
import { join } from 'node:path';
import { CaseBench, caseOptionHelp, cpuDelta, ratio } from './lib/cases.ts';
import { runBench } from './lib/harness.ts';
import { albatrossYaml, SkipPeer, startAlbatrossApplied, startNginx } from './lib/peers.ts';
import { httpGet } from './lib/procs.ts';

const HELP = `Usage: node --import tsx bench/stickiness.ts [options]   (from the repository root; \`npm run build\` first)

Albatross with lb_cookie stickiness off and on (requests with the AWSALB cookie, and without it:
a new cookie per response), next to nginx. Prints req/s, p99 and the ratios.

Options:
${caseOptionHelp}

Quick check:  node --import tsx bench/stickiness.ts --rounds 1 --duration 3
`;

const checks: string[] = [];
const bench = new CaseBench({
  name: 'stickiness',
  help: HELP,
  path: '/status',
  headersShown: "[-H 'Cookie: AWSALB=…; AWSALBCORS=…']",
  budget: { cases: 4, slackS: 45 },
  document: () => ({ checks }),
});

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
  bench.printHeader();
  const ctx = await bench.startTargets('target.mjs');
  const dataDir = (name: string): string => join(bench.harness.tmpDir, name);
  const started = await bench.startCases([
    {
      names: ['nginx'],
      start: (port) => startNginx(ctx, port, { by: 'bench/stickiness.ts' }),
      cases: async () => [{ name: 'nginx', what: 'nginx, round robin', headers: [] }],
    },
    {
      names: ['albatross'],
      start: (port) => startAlbatrossApplied(ctx, port, dataDir('albatross-off'), albatrossYaml(ctx.targets, port)),
      cases: async (p) => {
        const r = await httpGet(p.port, '/status', 2000);
        if (cookiePairs(r.headers['set-cookie'], ['AWSALB']).length > 0) throw new SkipPeer('stickiness is off, yet the response sets AWSALB');
        return [{ name: 'albatross', what: 'Albatross, stickiness off', headers: [] }];
      },
    },
    {
      names: ['sticky-cookie', 'sticky-new'],
      start: (port) =>
        startAlbatrossApplied(ctx, port, dataDir('albatross-sticky'), albatrossYaml(ctx.targets, port, "'stickiness.enabled': true, 'stickiness.type': lb_cookie")),
      cases: async (p) => [
        { name: 'sticky-cookie', what: 'Albatross, lb_cookie, requests carry the cookie', headers: [`Cookie: ${await stickyCookie(p.port)}`] },
        { name: 'sticky-new', what: 'Albatross, lb_cookie, no cookie: a new one per response', headers: [] },
      ],
    },
  ]);
  if (!started) return 1;
  await bench.measureRounds();

  return bench.report('Stickiness', 'albatross', (sums) => {
    const r = (a: string, b: string): string => ratio(sums, a, b)?.toFixed(2) ?? '–';
    return [
      `Stickiness on ÷ off: with the cookie ${r('sticky-cookie', 'albatross')}x; a new cookie per response ${r('sticky-new', 'albatross')}x.`,
      `Proxy CPU per request, on − off: with the cookie ${cpuDelta(sums, 'sticky-cookie', 'albatross')}; a new cookie per response ${cpuDelta(sums, 'sticky-new', 'albatross')}.`,
      `x nginx: albatross ${r('albatross', 'nginx')}, sticky-cookie ${r('sticky-cookie', 'nginx')}, sticky-new ${r('sticky-new', 'nginx')}.`,
    ];
  });
}

await runBench(main, () => bench.harness.finish());
