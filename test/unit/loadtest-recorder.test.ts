/*
 * What `albatross loadtest` counts, from the events of a run: responses per second and per
 * target, non-2xx and connection errors by kind, latency percentiles, target health changes
 * (named as the targets name themselves), and nothing after an early stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram, percentileOf } from '../../src/loadtest/histogram.ts';
import { LoadRecorder, type RunMeta } from '../../src/loadtest/recorder.ts';
import { connectionErrorKind } from '../../src/loadtest/report.ts';

const arn = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/demo-tg/0123456789abcdef';

function meta(durationMs: number, inFlightAtEnd = 0): RunMeta {
  return { url: 'http://127.0.0.1:8000/', method: 'GET', connections: 2, rate: null, targetHeader: 'x-albatross-target', startedAt: 0, durationMs, inFlightAtEnd };
}

test('responses land in the second they arrived in, per target; non-2xx responses are errors by status', () => {
  const r = new LoadRecorder(3);
  for (const [at, status, target] of [
    [100, 200, 'demo-1'],
    [200, 200, 'demo-2'],
    [1100, 200, 'demo-2'],
    [1200, 503, 'demo-2'],
    [2500, 502, 'unknown'],
  ] as const) {
    r.sent();
    r.response(at, status, target, 1);
  }
  r.sent();
  r.error(2600, 'dropped');
  const report = r.report(meta(3000));
  assert.deepEqual(
    report.timeline.map((s) => [s.second, s.responses, s.errors]),
    [
      [0, { 'demo-1': 1, 'demo-2': 1 }, {}],
      [1, { 'demo-2': 2 }, { 'status 503': 1 }],
      [2, { unknown: 1 }, { 'status 502': 1, dropped: 1 }],
    ],
  );
  assert.deepEqual(report.requests, { sent: 6, completed: 5, ok: 3, perSecond: 2, inFlightAtEnd: 0 });
  assert.deepEqual(report.errors, { total: 3, byKind: { 'status 503': 1, 'status 502': 1, dropped: 1 } });
  assert.deepEqual(report.targets, [
    { name: 'demo-1', responses: 1, share: 0.2 },
    { name: 'demo-2', responses: 3, share: 0.6 },
    { name: 'unknown', responses: 1, share: 0.2 },
  ]);
});

test('responses just after the planned end count in the last second; quiet seconds stay on the timeline', () => {
  const r = new LoadRecorder(3);
  r.response(500, 200, 'a', 1);
  r.response(3004, 200, 'a', 1);
  const report = r.report(meta(3010));
  assert.deepEqual(
    report.timeline.map((s) => s.responses),
    [{ a: 1 }, {}, { a: 1 }],
  );
});

test('after an early stop nothing more is counted: what follows is shutdown noise', () => {
  const r = new LoadRecorder(10);
  r.sent();
  r.response(100, 200, 'a', 1);
  r.freeze();
  r.sent();
  r.response(200, 200, 'a', 1);
  r.error(300, 'refused');
  const report = r.report(meta(250, 1));
  assert.equal(report.requests.sent, 1);
  assert.equal(report.requests.completed, 1);
  assert.equal(report.errors.total, 0);
});

test('target health: the first record of each target is its initial state, later differences are changes', () => {
  const r = new LoadRecorder(10, new Map([['127.0.0.1:8081', 'demo-1']]));
  const healthy = [
    { targetGroupArn: arn, id: '127.0.0.1', port: 8081, state: 'healthy' },
    { targetGroupArn: arn, id: '127.0.0.1', port: 8082, state: 'healthy' },
  ];
  r.health(0, healthy);
  r.health(500, healthy);
  r.health(5250, [{ ...healthy[0]!, state: 'unhealthy', reason: 'Target.FailedHealthChecks' }, healthy[1]!]);
  r.health(5750, [{ ...healthy[0]!, state: 'unhealthy', reason: 'Target.FailedHealthChecks' }, healthy[1]!]);
  r.health(9000, healthy);
  r.mark(5000, 'killed demo-1 (SIGKILL)');
  const { health, events } = r.report(meta(10_000));
  // Listed by the name a target goes by (its address when it has no name).
  assert.deepEqual(health.initial, [
    { atSeconds: 0, targetGroup: 'demo-tg', target: '127.0.0.1:8082', state: 'healthy' },
    { atSeconds: 0, targetGroup: 'demo-tg', target: '127.0.0.1:8081', name: 'demo-1', state: 'healthy' },
  ]);
  assert.deepEqual(health.changes, [
    { atSeconds: 5.25, targetGroup: 'demo-tg', target: '127.0.0.1:8081', name: 'demo-1', state: 'unhealthy', reason: 'Target.FailedHealthChecks' },
    { atSeconds: 9, targetGroup: 'demo-tg', target: '127.0.0.1:8081', name: 'demo-1', state: 'healthy' },
  ]);
  assert.deepEqual(events, [{ atSeconds: 5, text: 'killed demo-1 (SIGKILL)' }]);
});

test('the progress line shows the last complete second: its rate, split and p99', () => {
  const r = new LoadRecorder(10);
  for (let i = 1; i <= 100; i++) r.response(1000 + i, 200, i % 4 === 0 ? 'b' : 'a', i);
  r.response(2100, 200, 'a', 1);
  r.error(2200, 'reset');
  const p = r.progress(2300);
  assert.equal(p.perSecond, 100);
  assert.deepEqual(p.targets, [
    ['a', 75],
    ['b', 25],
  ]);
  assert.equal(p.p99Ms, 99);
  assert.equal(p.errors, 1);
  assert.equal(r.report(meta(2300)).timeline[1]!.p99Ms, 99);
});

test('latency percentiles are within 1 % of the exact values, the maximum exact', () => {
  const h = new LatencyHistogram();
  const values: number[] = [];
  for (let i = 1; i <= 10_000; i++) {
    const v = i / 100; // 0.01 ms .. 100 ms
    values.push(v);
    h.record(v);
  }
  for (const p of [50, 90, 99]) {
    const exact = percentileOf([...values], p);
    assert.ok(Math.abs(h.percentile(p) - exact) <= exact * 0.01, `p${p}: ${h.percentile(p)} vs ${exact}`);
  }
  assert.equal(h.max, 100);
  assert.equal(new LatencyHistogram().percentile(99), 0);
});

test('connection errors are named by kind', () => {
  assert.equal(connectionErrorKind({ code: 'ECONNREFUSED' }), 'refused');
  assert.equal(connectionErrorKind({ code: 'ECONNRESET' }), 'reset');
  assert.equal(connectionErrorKind({ code: 'EPIPE' }), 'reset');
  assert.equal(connectionErrorKind({ code: 'EHOSTUNREACH' }), 'error EHOSTUNREACH');
});
