/*
 * Which target a request goes to: round robin over healthy targets only; when none is healthy,
 * every registered, non-draining target (ALB's fail-open); draining targets never; nothing
 * registered means no pick (the listener answers 503).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TargetEndpoint, TargetSet } from '../../src/dataplane/target-set.ts';
import { UpstreamPool } from '../../src/dataplane/upstream/index.ts';
import { readTargetGroupSettings, healthCheckDefaults } from '../../src/model/index.ts';
import type { TargetGroupSnapshot } from '../../src/snapshot/index.ts';
import type { TargetHealthState } from '../../src/model/index.ts';

const pool = new UpstreamPool('127.0.0.1', 9);
test.after(() => pool.close());

function group(specs: Array<{ key: string; state: TargetHealthState; draining?: boolean }>): TargetSet {
  const tg: TargetGroupSnapshot = {
    arn: 'arn:tg', name: 'tg', protocol: 'HTTP', port: 80, inUse: true,
    settings: readTargetGroupSettings({}),
    healthCheck: { ...healthCheckDefaults, protocol: 'HTTP' },
    targets: [],
  };
  const endpoints = specs.map((s) => {
    const e = new TargetEndpoint({ key: s.key, id: '127.0.0.1', port: 1, address: '127.0.0.1', registeredAt: 0, drainUntil: s.draining ? 1 : undefined }, s.state);
    e.pool = pool;
    return e;
  });
  return new TargetSet(tg, endpoints);
}

function picks(set: TargetSet, n: number): string[] {
  return Array.from({ length: n }, () => set.pick()?.key ?? 'none');
}

test('round robin alternates over healthy targets and skips unhealthy ones', () => {
  const set = group([{ key: 'a', state: 'healthy' }, { key: 'b', state: 'unhealthy' }, { key: 'c', state: 'healthy' }]);
  assert.deepEqual(picks(set, 4), ['a', 'c', 'a', 'c']);
  assert.equal(set.failOpen, false);
});

test('with no healthy target, requests fail open to all registered non-draining targets', () => {
  const set = group([{ key: 'a', state: 'unhealthy' }, { key: 'b', state: 'initial' }, { key: 'c', state: 'unhealthy', draining: true }]);
  assert.equal(set.failOpen, true);
  assert.deepEqual(picks(set, 4), ['a', 'b', 'a', 'b']);
});

test('a health change takes effect on rebuild', () => {
  const set = group([{ key: 'a', state: 'healthy' }, { key: 'b', state: 'healthy' }]);
  set.endpoint('b')!.state = 'unhealthy';
  set.rebuild();
  assert.deepEqual(picks(set, 3), ['a', 'a', 'a']);
  set.endpoint('b')!.state = 'healthy';
  set.rebuild();
  assert.deepEqual(new Set(picks(set, 4)), new Set(['a', 'b']));
});

test('health checks disabled (unavailable) count as routable', () => {
  const set = group([{ key: 'a', state: 'unavailable' }, { key: 'b', state: 'unavailable' }]);
  assert.equal(set.failOpen, false);
  assert.deepEqual(picks(set, 2).sort(), ['a', 'b']);
});

test('pick can exclude the target that just failed', () => {
  const set = group([{ key: 'a', state: 'healthy' }, { key: 'b', state: 'healthy' }]);
  const a = set.endpoint('a')!;
  for (let i = 0; i < 5; i++) assert.equal(set.pick(a)?.key, 'b');
});

test('no registered (or only draining) targets: nothing to pick', () => {
  assert.equal(group([]).pick(), undefined);
  assert.equal(group([{ key: 'a', state: 'healthy', draining: true }]).pick(), undefined);
});
