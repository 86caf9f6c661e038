// The active health checker against real HTTP targets on 127.0.0.1: initial → healthy after the
// threshold; unhealthy with ALB's reason for a 503, a timeout and a refused connection; the unprobed
// states (unused, unavailable, draining, IP unusable) with no request made; state kept across
// apply(); and stop() leaving nothing behind (this file's process must exit on its own).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HealthChecker } from '../../src/health/index.ts';
import type { HealthUpdate, Snapshot, TargetGroupSnapshot, TargetSnapshot } from '../../src/snapshot/index.ts';
import type { HealthCheckSettings } from '../../src/model/index.ts';
import { freePort } from '../helpers/net.ts';

type Mode = 'ok' | 'fail' | 'hang' | 'endless';

interface TestTarget {
  port: number;
  requests: http.IncomingMessage[];
  /** Connections currently open from the checker. */
  openConnections(): number;
  mode: Mode;
  close(): Promise<void>;
}

/** A target whose answer the test can change: 200, 503, no answer at all, or an endless 200 body. */
async function startTarget(mode: Mode): Promise<TestTarget> {
  const requests: http.IncomingMessage[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    requests.push(req);
    switch (t.mode) {
      case 'ok':
        return void res.end('ok');
      case 'fail':
        return void res.writeHead(503).end('down');
      case 'hang':
        return; // never answers
      case 'endless': {
        res.writeHead(200);
        const chunk = Buffer.alloc(16 * 1024, 'x');
        const pump = (): void => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        return pump();
      }
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const t: TestTarget = {
    port: (server.address() as AddressInfo).port,
    requests,
    openConnections: () => sockets.size,
    mode,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(t);
  return t;
}

const servers: TestTarget[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A port nothing listens on: bound once, then released. */

/** Fast settings (below ALB's minimums, which the checker does not enforce). */
const fastCheck: HealthCheckSettings = {
  enabled: true,
  protocol: 'HTTP',
  port: 'traffic-port',
  path: '/health',
  intervalSeconds: 0.2,
  timeoutSeconds: 0.4,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
  matcher: '200-299',
};

function target(port: number, extra: Partial<TargetSnapshot> = {}): TargetSnapshot {
  return { key: `127.0.0.1:${port}`, id: '127.0.0.1', port, address: '127.0.0.1', registeredAt: 0, drainUntil: undefined, ...extra };
}

function group(name: string, targets: TargetSnapshot[], extra: Partial<TargetGroupSnapshot> = {}, hc: Partial<HealthCheckSettings> = {}): TargetGroupSnapshot {
  return {
    arn: `arn:aws:elasticloadbalancing:local:000000000000:targetgroup/${name}/0123456789abcdef`,
    name,
    protocol: 'HTTP',
    port: 80,
    settings: {
      deregistrationDelayMs: 0,
      slowStartMs: 0,
      stickinessEnabled: false,
      stickinessType: 'lb_cookie',
      lbCookieDurationSeconds: 86400,
      appCookieName: '',
      appCookieDurationSeconds: 86400,
      algorithm: 'round_robin',
      anomalyMitigation: false,
      retryEnabled: true,
      retryMaxBodyBytes: 65536,
      outlierConsecutive5xx: 5,
      outlierConnectionErrors: true,
    },
    healthCheck: { ...fastCheck, ...hc },
    inUse: true,
    targets,
    ...extra,
  };
}

function snapshot(version: number, ...targetGroups: TargetGroupSnapshot[]): Snapshot {
  return { version, listeners: [], targetGroups, stickinessKey: '', tlsTicketSecret: '' };
}

/** A checker that records every onUpdate call; stopped after the test. */
function checker(t: { after(fn: () => void): void }): { hc: HealthChecker; calls: HealthUpdate[][]; seen(arn: string, key: string): string[] } {
  const calls: HealthUpdate[][] = [];
  const hc = new HealthChecker({ node: 'local', onUpdate: (u) => calls.push(u) });
  t.after(() => hc.stop());
  const seen = (arn: string, key: string): string[] =>
    calls.flat().filter((u) => u.targetGroupArn === arn && u.targetKey === key).map((u) => `${u.state}/${u.reason ?? '-'}`);
  return { hc, calls, seen };
}

/** Polls until `check` holds, failing with `what` after a generous deadline. */
async function until(what: string, check: () => boolean, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a target answering 200 goes initial → healthy after healthyThresholdCount checks', async (t) => {
  const ok = await startTarget('ok');
  const { hc, calls, seen } = checker(t);
  const g = group('web', [target(ok.port)]);
  const key = g.targets[0]!.key;
  hc.apply(snapshot(1, g));

  assert.deepEqual(calls, [[{ targetGroupArn: g.arn, targetKey: key, state: 'initial', reason: 'Elb.RegistrationInProgress' }]]);
  await until('healthy', () => hc.get(g.arn, key)?.state === 'healthy');
  assert.deepEqual(seen(g.arn, key), ['initial/Elb.RegistrationInProgress', 'initial/Elb.InitialHealthChecking', 'healthy/-']);
  assert.deepEqual(hc.get(g.arn, key), { state: 'healthy' });

  const [record] = hc.records();
  assert.equal(record?.node, 'local');
  assert.equal(record?.state, 'healthy');
  assert.equal(record?.reason, undefined);
  assert.equal(record?.lastResult, '200');
  assert.equal(typeof record?.lastCheckAt, 'number');

  // What the target saw is ALB's health-check request.
  const req = ok.requests[0]!;
  assert.equal(req.method, 'GET');
  assert.equal(req.url, '/health');
  assert.equal(req.headers['host'], `127.0.0.1:${ok.port}`);
  assert.equal(req.headers['user-agent'], 'ELB-HealthChecker/2.0');
  assert.equal(req.headers['connection'], 'close');
});

test('a target answering 503 becomes unhealthy with Target.ResponseCodeMismatch', async (t) => {
  const down = await startTarget('fail');
  const { hc, seen } = checker(t);
  const g = group('web', [target(down.port)]);
  const key = g.targets[0]!.key;
  hc.apply(snapshot(1, g));

  await until('unhealthy', () => hc.get(g.arn, key)?.state === 'unhealthy');
  assert.deepEqual(seen(g.arn, key), ['initial/Elb.RegistrationInProgress', 'initial/Elb.InitialHealthChecking', 'unhealthy/Target.ResponseCodeMismatch']);
  assert.deepEqual(hc.get(g.arn, key), {
    state: 'unhealthy',
    reason: 'Target.ResponseCodeMismatch',
    description: 'Health checks failed with these codes: [503]',
  });
  assert.equal(hc.records()[0]?.lastResult, '503');
});

test('a target that never answers becomes unhealthy with Target.Timeout', async (t) => {
  const silent = await startTarget('hang');
  const { hc } = checker(t);
  const g = group('web', [target(silent.port)]);
  const key = g.targets[0]!.key;
  hc.apply(snapshot(1, g));

  await until('unhealthy', () => hc.get(g.arn, key)?.state === 'unhealthy');
  assert.deepEqual(hc.get(g.arn, key), { state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' });
  assert.equal(hc.records()[0]?.lastResult, 'timeout');
});

test('a port with nothing listening becomes unhealthy with Target.FailedHealthChecks', async (t) => {
  const port = await freePort();
  const { hc } = checker(t);
  const g = group('web', [target(port)]);
  const key = g.targets[0]!.key;
  hc.apply(snapshot(1, g));

  await until('unhealthy', () => hc.get(g.arn, key)?.state === 'unhealthy');
  const h = hc.get(g.arn, key)!;
  assert.equal(h.reason, 'Target.FailedHealthChecks');
  assert.equal(h.description, `Health checks failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  assert.equal(hc.records()[0]?.lastResult, 'ECONNREFUSED');
});

test('an endless 200 body still counts as a healthy answer (the body is capped)', async (t) => {
  const chatty = await startTarget('endless');
  const { hc } = checker(t);
  const g = group('web', [target(chatty.port)]);
  hc.apply(snapshot(1, g));
  await until('healthy', () => hc.get(g.arn, g.targets[0]!.key)?.state === 'healthy');
});

test('unused, unavailable, draining and unresolved targets get their state and are never probed', async (t) => {
  const watched = await startTarget('ok');
  const control = await startTarget('ok');
  const { hc, calls } = checker(t);
  const unused = group('unused', [target(watched.port)], { inUse: false });
  const disabled = group('disabled', [target(watched.port)], {}, { enabled: false });
  const draining = group('draining', [target(watched.port, { drainUntil: Date.now() + 60_000 })]);
  const unresolved = group('unresolved', [target(watched.port, { id: 'nowhere.invalid', key: `nowhere.invalid:${watched.port}`, address: undefined })]);
  const probed = group('probed', [target(control.port)]);
  hc.apply(snapshot(1, unused, disabled, draining, unresolved, probed));

  // One batch, with every target's first state.
  assert.equal(calls.length, 1);
  const first = new Map(calls[0]!.map((u) => [u.targetGroupArn, `${u.state}/${u.reason}`]));
  assert.deepEqual(Object.fromEntries(first), {
    [unused.arn]: 'unused/Target.NotInUse',
    [disabled.arn]: 'unavailable/Target.HealthCheckDisabled',
    [draining.arn]: 'draining/Target.DeregistrationInProgress',
    [unresolved.arn]: 'unhealthy/Target.IpUnusable',
    [probed.arn]: 'initial/Elb.RegistrationInProgress',
  });

  // By the time the probed group has had several checks, the others would have had theirs too.
  await until('control target healthy', () => hc.get(probed.arn, probed.targets[0]!.key)?.state === 'healthy');
  await until('a few more checks', () => control.requests.length >= 4);
  assert.equal(watched.requests.length, 0);
  assert.equal(hc.get(unused.arn, unused.targets[0]!.key)?.state, 'unused');
  assert.equal(hc.records().length, 5);
});

test('apply() keeps the state of unchanged targets, starts new ones, reports derived changes and drops removed ones', async (t) => {
  const a = await startTarget('ok');
  const b = await startTarget('ok');
  const { hc, calls, seen } = checker(t);
  const ta = target(a.port);
  const tb = target(b.port);
  hc.apply(snapshot(1, group('web', [ta])));
  const arn = group('web', []).arn;
  await until('a healthy', () => hc.get(arn, ta.key)?.state === 'healthy');

  // Same target plus a new one: a stays healthy with no update; b starts at initial.
  const before = calls.length;
  hc.apply(snapshot(2, group('web', [ta, tb])));
  assert.deepEqual(calls.slice(before), [[{ targetGroupArn: arn, targetKey: tb.key, state: 'initial', reason: 'Elb.RegistrationInProgress' }]]);
  assert.equal(hc.get(arn, ta.key)?.state, 'healthy');
  await until('b healthy', () => hc.get(arn, tb.key)?.state === 'healthy');
  assert.deepEqual(seen(arn, ta.key), ['initial/Elb.RegistrationInProgress', 'initial/Elb.InitialHealthChecking', 'healthy/-']);

  // a deregistered (draining), b removed: one batch with a's new state; b is gone.
  const drained = calls.length;
  hc.apply(snapshot(3, group('web', [{ ...ta, drainUntil: Date.now() + 60_000 }])));
  assert.deepEqual(calls.slice(drained), [[{ targetGroupArn: arn, targetKey: ta.key, state: 'draining', reason: 'Target.DeregistrationInProgress' }]]);
  assert.equal(hc.get(arn, tb.key), undefined);
  assert.deepEqual(hc.records().map((r) => `${r.port}/${r.state}`), [`${a.port}/draining`]);

  // Neither is probed any more: the next target's checks come and go while their counts stand still.
  // (Counted from c's first check on, so a probe aborted by the apply above cannot land late.)
  const c = await startTarget('ok');
  hc.apply(snapshot(4, group('web', [{ ...ta, drainUntil: Date.now() + 60_000 }]), group('other', [target(c.port)])));
  await until('c checked once', () => c.requests.length >= 1);
  const counts = [a.requests.length, b.requests.length];
  await until('c checked a few more times', () => c.requests.length >= 4);
  assert.deepEqual([a.requests.length, b.requests.length], counts);
});

test('an unhealthy target reports a change of reason, then recovers after healthyThresholdCount successes', async (t) => {
  const flaky = await startTarget('fail');
  const { hc, seen } = checker(t);
  const g = group('web', [target(flaky.port)]);
  const key = g.targets[0]!.key;
  hc.apply(snapshot(1, g));

  await until('unhealthy (503)', () => hc.get(g.arn, key)?.reason === 'Target.ResponseCodeMismatch');
  flaky.mode = 'hang';
  await until('unhealthy (timeout)', () => hc.get(g.arn, key)?.reason === 'Target.Timeout');
  flaky.mode = 'ok';
  await until('healthy', () => hc.get(g.arn, key)?.state === 'healthy');
  assert.deepEqual(seen(g.arn, key), [
    'initial/Elb.RegistrationInProgress',
    'initial/Elb.InitialHealthChecking',
    'unhealthy/Target.ResponseCodeMismatch',
    'unhealthy/Target.Timeout',
    'healthy/-',
  ]);
});

test('a numeric health-check port is probed instead of the traffic port', async (t) => {
  const checkPort = await startTarget('ok');
  const trafficPort = await freePort();
  const { hc } = checker(t);
  const g = group('web', [target(trafficPort)], {}, { port: String(checkPort.port) });
  hc.apply(snapshot(1, g));
  await until('healthy', () => hc.get(g.arn, g.targets[0]!.key)?.state === 'healthy');
  assert.equal(checkPort.requests[0]?.headers['host'], `127.0.0.1:${checkPort.port}`);
});

test('stop() aborts the probe in flight and no update follows', async () => {
  const silent = await startTarget('hang');
  const calls: HealthUpdate[][] = [];
  const hc = new HealthChecker({ node: 'local', onUpdate: (u) => calls.push(u) });
  // A long timeout, so the probe is surely still in flight when we stop.
  const g = group('web', [target(silent.port)], {}, { timeoutSeconds: 30, intervalSeconds: 60 });
  hc.apply(snapshot(1, g));
  await until('probe connected', () => silent.requests.length === 1);
  hc.stop();
  await until('connection closed', () => silent.openConnections() === 0);
  assert.equal(calls.length, 1); // only apply()'s initial state
  assert.equal(hc.get(g.arn, g.targets[0]!.key)?.reason, 'Elb.RegistrationInProgress');
  hc.apply(snapshot(2, group('other', [target(silent.port)])));
  assert.equal(calls.length, 1); // apply() after stop() is ignored
});

test('eject(): a target the data plane saw fail is unhealthy at once and recovers only through its checks', async (t) => {
  const ok = await startTarget('ok');
  const { hc, seen } = checker(t);
  const g = group('web', [target(ok.port)]);
  const key = g.targets[0]!.key;
  hc.apply(snapshot(1, g));
  await until('healthy', () => hc.get(g.arn, key)?.state === 'healthy');
  hc.eject(g.arn, key, 'ECONNREFUSED');
  assert.equal(hc.get(g.arn, key)?.state, 'unhealthy');
  assert.equal(hc.get(g.arn, key)?.reason, 'Target.FailedHealthChecks');
  assert.equal(hc.records()[0]?.lastResult, 'ECONNREFUSED');
  await until('healthy again', () => hc.get(g.arn, key)?.state === 'healthy');
  const states = seen(g.arn, key);
  assert.deepEqual(states.slice(-2), ['unhealthy/Target.FailedHealthChecks', 'healthy/-']);
});
