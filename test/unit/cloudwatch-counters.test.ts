// The counters behind /metrics and the metric history follow the configuration: a worker's data
// plane (real listener, real loopback targets) stops reporting a target or load balancer the
// snapshot no longer has (a draining target stays), and the supervisor folds the counters of
// workers that exited into one total per load balancer and target, dropped with them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataPlane, type ListenerStatus, type WorkerStats } from '../../src/dataplane/index.ts';
import { defaultAttributes, healthCheckDefaults, loadBalancerAttributeSpecs, normalizeActions, readLoadBalancerSettings, readTargetGroupSettings } from '../../src/model/index.ts';
import type { ListenerSnapshot, Snapshot, TargetSnapshot } from '../../src/snapshot/index.ts';
import { RetiredCounters, renderMetrics } from '../../src/node/metrics.ts';
import { freePort, request } from '../helpers/net.ts';

const closers: Array<() => unknown> = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

const LB = 'arn:aws:elasticloadbalancing:local:000000000000:loadbalancer/app/web/0123456789abcdef';
const TG = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/pool/fedcba9876543210';

async function target(): Promise<number> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return (server.address() as AddressInfo).port;
}

const member = (port: number, drainUntil?: number): TargetSnapshot => ({ key: `127.0.0.1:${port}`, id: '127.0.0.1', port, address: '127.0.0.1', registeredAt: 0, drainUntil });

function snapshot(version: number, targets: TargetSnapshot[], listenPort: number | undefined): Snapshot {
  const listeners: ListenerSnapshot[] = listenPort === undefined ? [] : [{
    arn: 'listener', loadBalancerArn: LB, loadBalancerName: 'web', dnsName: 'web.local', protocol: 'HTTP', port: listenPort, bindAddress: '127.0.0.1',
    settings: readLoadBalancerSettings(defaultAttributes(loadBalancerAttributeSpecs)),
    defaultActions: normalizeActions([{ type: 'forward', targetGroupArn: TG }]), rules: [], allowedSources: undefined, tls: undefined,
  }];
  return {
    version, stickinessKey: '', tlsTicketSecret: '', listeners,
    targetGroups: [{ arn: TG, name: 'pool', protocol: 'HTTP', port: 80, inUse: true, settings: readTargetGroupSettings({}), healthCheck: { ...healthCheckDefaults, protocol: 'HTTP' }, targets }],
  };
}

const counts = (s: WorkerStats) => ({
  loadBalancers: s.loadBalancers.map((l) => [l.loadBalancerName, l.requestCount]),
  targets: s.targets.map((t) => [t.targetKey, t.requestCount]),
});

test('a worker reports only the targets and load balancers of its snapshot, a draining target included', async () => {
  const [a, b] = [await target(), await target()];
  const listenPort = await freePort();
  const statuses: ListenerStatus[] = [];
  const plane = new DataPlane((s) => statuses.push(s));
  closers.push(() => plane.close());
  plane.apply(snapshot(1, [member(a), member(b)], listenPort));
  for (let i = 0; i < 200 && !statuses.some((s) => s.ok); i++) await new Promise((r) => setTimeout(r, 10));
  for (let i = 0; i < 6; i++) assert.equal((await request(listenPort, { path: '/', agent: false })).status, 200);
  const first = counts(plane.stats());
  assert.deepEqual(first.loadBalancers, [['web', 6]]);
  assert.equal(first.targets.length, 2);
  assert.equal(first.targets.reduce((sum, [, n]) => sum + (n as number), 0), 6);

  // b deregistered and gone, a draining: a keeps its counters, b is no longer reported.
  plane.apply(snapshot(2, [member(a, Date.now() + 60_000)], listenPort));
  const second = plane.stats();
  assert.equal(second.version, 2);
  assert.deepEqual(counts(second), { loadBalancers: [['web', 6]], targets: first.targets.filter(([key]) => key === `127.0.0.1:${a}`) });

  // b registered again: its counters start from zero.
  plane.apply(snapshot(3, [member(a, Date.now() + 60_000), member(b)], listenPort));
  assert.deepEqual(plane.stats().targets.find((t) => t.targetKey === `127.0.0.1:${b}`)?.requestCount, 0);

  // The load balancer's last listener and every target gone: nothing left to report.
  plane.apply(snapshot(4, [], undefined));
  assert.deepEqual(counts(plane.stats()), { loadBalancers: [], targets: [] });
});

function workerStats(version: number, requests: number, targetKeys: string[], active = 3): WorkerStats {
  return {
    version,
    loadBalancers: [{ loadBalancerArn: LB, loadBalancerName: 'web', requestCount: requests, elb4xx: 0, elb5xx: 1, newConnectionCount: requests, activeConnectionCount: active, processedBytes: 100, clientTlsNegotiationErrors: 0, rejectedConnectionCount: 0 }],
    targets: targetKeys.map((targetKey) => ({
      targetGroupArn: TG, targetGroupName: 'pool', loadBalancerArns: [LB], targetKey,
      requestCount: requests, target2xx: requests, target3xx: 0, target4xx: 0, target5xx: 0, connectionErrors: 0,
      responseTimeCounts: [requests, 0, 0], responseTimeSum: requests / 100,
    })),
  };
}

/** The value of a Prometheus sample line `name{...labels containing match}`. */
function sample(text: string, name: string, match: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(match));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('counters of exited workers are folded into one total per load balancer and target, and leave with them', async () => {
  const retired = new RetiredCounters();
  // A worker that crash-loops: a hundred exits, one entry each for its load balancer and target.
  for (let i = 0; i < 100; i++) retired.add(workerStats(1, 5, ['10.0.0.1:80', '10.0.0.2:80']));
  const folded = retired.stats();
  assert.equal(folded.loadBalancers.length, 1);
  assert.equal(folded.targets.length, 2);
  assert.deepEqual([folded.loadBalancers[0]!.requestCount, folded.loadBalancers[0]!.elb5xx, folded.loadBalancers[0]!.activeConnectionCount], [500, 100, 0]);
  assert.deepEqual(folded.targets[0]!.responseTimeCounts, [500, 0, 0]);

  // /metrics adds the live worker's counters to the folded ones.
  const live = workerStats(2, 7, ['10.0.0.1:80', '10.0.0.2:80']);
  retired.retain([live]);
  const text = (await renderMetrics([retired.stats(), live], [])).text;
  assert.equal(sample(text, 'RequestCount', 'load_balancer="app/web/0123456789abcdef"'), 507);
  assert.equal(sample(text, 'ActiveConnectionCount', 'load_balancer="app/web/0123456789abcdef"'), 3);
  assert.equal(sample(text, 'RequestCountPerTarget', 'target="10.0.0.2:80"'), 507);

  // 10.0.0.2 deregistered: the live workers no longer report it, nor do the folded totals.
  const after = workerStats(3, 7, ['10.0.0.1:80']);
  retired.retain([after]);
  const text2 = (await renderMetrics([retired.stats(), after], [])).text;
  assert.equal(sample(text2, 'RequestCountPerTarget', 'target="10.0.0.2:80"'), undefined);
  assert.equal(sample(text2, 'RequestCountPerTarget', 'target="10.0.0.1:80"'), 507);
  assert.equal(sample(text2, 'RequestCount', 'load_balancer="app/web/0123456789abcdef"'), 507);

  // With no live worker to go by, nothing is dropped.
  retired.retain([]);
  assert.equal(retired.stats().targets.length, 1);
});
