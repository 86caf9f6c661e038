/*
 * The load generator against in-process loopback servers: a server that closes three connections
 * without answering, lets one request hang past the timeout and answers one 503 shows exactly
 * those as `dropped`, `timeout` and `status 503` (autocannon itself reports no error for a drop),
 * the split follows the target header, and health changes are read from an admin `/status` stub.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLoadTest } from '../../src/loadtest/run-loadtest.ts';

async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('drops, timeouts and non-2xx responses are counted by kind; every sent request is accounted for', async (t) => {
  let n = 0;
  const drops = new Set([5, 10, 15]);
  const target = await listen((req, res) => {
    n += 1;
    if (drops.has(n)) return void req.socket.destroy();
    if (n === 7) return; // never answered: a timeout
    if (n === 3) return void res.writeHead(503).end('busy');
    res.writeHead(200, { 'x-albatross-target': n % 2 === 0 ? 'even' : 'odd' }).end('ok');
  });
  t.after(target.close);

  const run = startLoadTest({ url: target.url, durationSeconds: 2, connections: 2, rate: 200, method: 'GET', timeoutSeconds: 1, targetHeader: 'x-albatross-target' });
  const report = await run.done;

  assert.deepEqual(report.errors.byKind, { dropped: 3, timeout: 1, 'status 503': 1 });
  const { sent, completed, inFlightAtEnd } = report.requests;
  assert.equal(sent, completed + 3 + 1 + inFlightAtEnd, JSON.stringify(report.requests));
  assert.deepEqual(
    report.targets.map((x) => x.name),
    ['even', 'odd', 'unknown'],
  );
  assert.equal(report.targets.find((x) => x.name === 'unknown')!.responses, 1, 'the 503 named no target');
});

test('target health changes are read from the admin endpoint and named with the given target names', async (t) => {
  const target = await listen((_req, res) => void res.writeHead(200, { 'x-albatross-target': 'demo-1' }).end('ok'));
  t.after(target.close);
  const arn = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/demo-tg/0123456789abcdef';
  let polls = 0;
  const admin = await listen((req, res) => {
    assert.equal(req.url, '/status');
    polls += 1;
    const state = polls < 3 ? 'healthy' : 'unhealthy';
    const reason = polls < 3 ? {} : { reason: 'Target.FailedHealthChecks' };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ targetHealth: [{ targetGroupArn: arn, id: '127.0.0.1', port: 8081, state, ...reason }] }));
  });
  t.after(admin.close);

  const seen: string[] = [];
  const run = startLoadTest({
    url: target.url,
    durationSeconds: 2,
    connections: 1,
    rate: 50,
    method: 'GET',
    timeoutSeconds: 5,
    targetHeader: 'x-albatross-target',
    adminUrl: admin.url,
    targetNames: new Map([['127.0.0.1:8081', 'demo-1']]),
    onHealthChange: (m) => seen.push(`${m.name} ${m.state}`),
  });
  const report = await run.done;
  assert.deepEqual(report.health.initial.map((m) => [m.name, m.state]), [['demo-1', 'healthy']]);
  assert.deepEqual(report.health.changes.map((m) => [m.targetGroup, m.target, m.name, m.state, m.reason]), [
    ['demo-tg', '127.0.0.1:8081', 'demo-1', 'unhealthy', 'Target.FailedHealthChecks'],
  ]);
  assert.deepEqual(seen, ['demo-1 unhealthy']);
  assert.deepEqual(report.errors.byKind, {});
});
