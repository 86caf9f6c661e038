/**
 * Route-table micro benchmark: ns per `match` for listeners of 1, 10 and 100 rules, where the
 * request matches only the last rule ("hit last") or none ("miss": the default action), for
 * plain host+path rules and for rules that also test a header, a query string and the source IP.
 *
 *   node --import tsx bench/route-table.ts
 */
import { compileRouteTable, type RouteRequest, type RouteRule } from '../src/dataplane/routing/route-table.ts';
import type { RuleCondition } from '../src/model/index.ts';

function plainRule(i: number): RuleCondition[] {
  return [
    { field: 'host-header', values: [`svc${i}.example.com`, `*.svc${i}.example.net`] },
    { field: 'path-pattern', values: [`/api/v${i}/*`] },
  ];
}

function richRule(i: number): RuleCondition[] {
  return [
    { field: 'path-pattern', values: [`/api/v${i}/*`, '/shared/*'] },
    { field: 'http-header', httpHeaderName: 'x-tenant', values: [`tenant-${i}`] },
    { field: 'query-string', queryStringValues: [{ key: 'version', value: `${i}*` }] },
    { field: 'source-ip', values: ['10.0.0.0/8', '2001:db8::/32'] },
  ];
}

const rawHeaders = ['Host', 'svc.example.com', 'User-Agent', 'bench/1.0', 'Accept', '*/*', 'X-Tenant', 'tenant-x'];

function measure(label: string, count: number, make: (i: number) => RuleCondition[], req: RouteRequest, expect: number): void {
  const rules: RouteRule<number>[] = [];
  for (let i = 0; i < count; i++) rules.push({ priority: i + 1, conditions: make(i), action: i });
  const table = compileRouteTable(rules, -1);
  if (table.match(req) !== expect) throw new Error(`${label}: matched ${table.match(req)}, expected ${expect}`);
  const iterations = Math.max(200_000, Math.floor(20_000_000 / count));
  let sink = 0;
  for (let i = 0; i < iterations; i++) sink += table.match(req); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += table.match(req);
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`${label.padEnd(34)} ${String(count).padStart(4)} rules  ${ns.toFixed(1).padStart(8)} ns/match${sink === 0.5 ? ' ' : ''}`);
}

for (const count of [1, 10, 100]) {
  const last = count - 1;
  const base: RouteRequest = { host: `svc${last}.example.com`, path: `/api/v${last}/items/42`, query: 'a=1', method: 'GET', rawHeaders, clientIp: '10.1.2.3' };
  measure('host+path, hit last', count, plainRule, base, last);
  measure('host+path, miss', count, plainRule, { ...base, host: 'other.example.org' }, -1);
  const rich: RouteRequest = {
    ...base,
    query: `q=x&version=${last}.2&z=%20`,
    rawHeaders: ['Host', 'svc.example.com', 'User-Agent', 'bench/1.0', 'X-Tenant', `tenant-${last}`],
  };
  measure('path+header+query+ip, hit last', count, richRule, rich, last);
  measure('path+header+query+ip, miss', count, richRule, { ...rich, path: '/other' }, -1);
  measure('path+header+query+ip, miss late', count, richRule, { ...rich, clientIp: '192.0.2.1' }, -1);
}
