/*
 * Listener rules in the data plane: a table of requests against one listener with a dozen rules
 * (hosts, paths, headers, methods, query strings, source addresses from several loopback
 * addresses) says which target group, fixed response or redirect answers; changing priorities
 * re-orders the rules live.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { closersAfterAll, fixed, forward as forwardTo, listenerSnapshot, rule, snapshot, startDataPlane, targetGroupSnapshot } from '../helpers/dataplane.ts';
import { freePort } from '../helpers/net.ts';

const closers = closersAfterAll();

async function namedTarget(name: string): Promise<number> {
  const server = http.createServer((req, res) => res.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return (server.address() as net.AddressInfo).port;
}

const group = (name: string, port: number) => targetGroupSnapshot(`arn:tg/${name}`, [port], {}, { name });
const forward = (name: string) => forwardTo(`arn:tg/${name}`);

function send(port: number, opts: { path?: string; method?: string; host?: string; headers?: Record<string, string>; localAddress?: string }): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path: opts.path ?? '/', method: opts.method ?? 'GET', agent: false, localAddress: opts.localAddress,
      headers: { host: opts.host ?? 'www.example.com', ...(opts.headers ?? {}) },
    }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a dozen rules route by host, path, header, method, query and source address, lowest priority first', async () => {
  const names = ['web', 'api', 'images', 'canary', 'admin'];
  const ports = await Promise.all(names.map(namedTarget));
  const groups = names.map((n, i) => group(n, ports[i]!));
  const listenPort = await freePort();
  const rules = [
    rule(10, [{ field: 'source-ip', values: ['127.0.0.2/32'] }], fixed('403', 'blocked address')),
    rule(20, [{ field: 'http-header', httpHeaderName: 'X-Canary', values: ['yes', 'true'] }], forward('canary')),
    rule(30, [{ field: 'host-header', values: ['admin.example.com'] }, { field: 'path-pattern', values: ['/admin/*'] }], forward('admin')),
    rule(40, [{ field: 'host-header', values: ['*.images.example.com'] }], forward('images')),
    rule(50, [{ field: 'path-pattern', values: ['/api/v?/*'] }], forward('api')),
    rule(60, [{ field: 'http-request-method', values: ['DELETE', 'PATCH'] }], fixed('405', 'not here')),
    rule(70, [{ field: 'query-string', queryStringValues: [{ key: 'version', value: 'legacy' }] }],
      [{ type: 'redirect', redirectConfig: { host: 'old.example.com', statusCode: 'HTTP_302' } }]),
    rule(80, [{ field: 'query-string', queryStringValues: [{ value: 'debug*' }] }], fixed('200', 'debug mode')),
    rule(90, [{ field: 'path-pattern', values: ['/API/*'] }], fixed('200', 'upper-case API')),
    rule(100, [{ field: 'source-ip', values: ['127.0.0.3/32', '::1/128'] }], forward('admin')),
    rule(110, [{ field: 'host-header', values: ['exact.example.com'] }], fixed('200', 'exact host')),
    rule(120, [{ field: 'path-pattern', values: ['/static/*.css'] }], forward('images')),
  ];
  const at = (rs: typeof rules) => snapshot(groups, [listenerSnapshot({ port: listenPort, arn: 'listener', loadBalancerArn: 'arn:lb', bindAddress: '0.0.0.0', defaultActions: forward('web'), rules: rs })]);
  const plane = await startDataPlane(at(rules), closers);

  const table: Array<[string, Parameters<typeof send>[1], string]> = [
    ['no rule matches: the default action', {}, '200 web'],
    ['blocked source address (127.0.0.2)', { localAddress: '127.0.0.2' }, '403 blocked address'],
    ['header value, case-insensitive', { headers: { 'x-canary': 'YES' } }, '200 canary'],
    ['host and path together', { host: 'admin.example.com', path: '/admin/users' }, '200 admin'],
    ['host alone is not enough for that rule', { host: 'admin.example.com', path: '/public' }, '200 web'],
    ['wildcard host, any case, port ignored', { host: 'CDN.Images.Example.com:8080' }, '200 images'],
    ['path with ? wildcard', { path: '/api/v2/orders' }, '200 api'],
    ['path pattern does not see the query', { path: '/home?x=/api/v1/' }, '200 web'],
    ['method', { method: 'DELETE', path: '/x' }, '405 not here'],
    ['query key and value', { path: '/?version=legacy&x=1' }, '302 -> http://old.example.com:' + listenPort + '/?version=legacy&x=1'],
    ['query value wildcard, any key', { path: '/?mode=debugging' }, '200 debug mode'],
    ['path pattern is case-sensitive', { path: '/API/thing' }, '200 upper-case API'],
    ['another source address (127.0.0.3)', { localAddress: '127.0.0.3' }, '200 admin'],
    ['exact host', { host: 'exact.example.com' }, '200 exact host'],
    ['path suffix wildcard', { path: '/static/site.css' }, '200 images'],
    ['lower priority wins when several match', { localAddress: '127.0.0.2', headers: { 'x-canary': 'yes' } }, '403 blocked address'],
  ];
  for (const [what, req, expected] of table) {
    const r = await send(listenPort, req);
    const got = r.location ? `${r.status} -> ${r.location}` : `${r.status} ${r.body}`;
    assert.equal(got, expected, what);
  }

  // Priorities re-ordered live: the canary rule now comes before the address block.
  plane.apply(at(rules.map((r) => (r.priority === 20 ? { ...r, priority: 5 } : r))));
  const r = await send(listenPort, { localAddress: '127.0.0.2', headers: { 'x-canary': 'yes' } });
  assert.equal(`${r.status} ${r.body}`, '200 canary');
});

test('security groups: only allowed sources get in, a change applies to new connections, refusals are counted', async () => {
  const port = await namedTarget('web');
  const listenPort = await freePort();
  const tg = group('web', port);
  const at = (allowedSources: string[] | undefined) => snapshot([tg], [listenerSnapshot({
    port: listenPort, arn: 'sg-listener', loadBalancerArn: 'arn:aws:elasticloadbalancing:local:000000000000:loadbalancer/app/sg/0123456789abcdef', loadBalancerName: 'sg',
    bindAddress: '0.0.0.0', defaultActions: forward('web'), allowedSources,
  })]);
  const plane = await startDataPlane(at(['127.0.0.2/32']), closers);
  const apply = (allowedSources: string[] | undefined): void => plane.apply(at(allowedSources));
  const from = (localAddress: string) => send(listenPort, { localAddress }).then((r) => `${r.status} ${r.body}`, (e: NodeJS.ErrnoException) => e.code ?? 'error');
  assert.equal(await from('127.0.0.2'), '200 web');
  assert.match(await from('127.0.0.1'), /ECONNRESET|EPIPE|socket hang up/);
  apply([]);
  assert.match(await from('127.0.0.2'), /ECONNRESET|EPIPE|socket hang up/, 'revoked: nobody gets in');
  apply(undefined);
  assert.equal(await from('127.0.0.1'), '200 web', 'no security group: everyone gets in');
  const rejected = plane.stats().loadBalancers.find((l) => l.loadBalancerName === 'sg')?.rejectedConnectionCount;
  assert.equal(rejected, 2);
});
