/*
 * least_outstanding_requests: the target with the fewest requests in flight always wins (an
 * exact scan, not an approximation); equally loaded targets take turns; a retry skips the target
 * it leaves; a target stuck on slow requests stops getting new ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeastOutstandingBalancer } from '../../src/dataplane/balancer/least-outstanding.ts';
import { createBalancer, type BalancedEndpoint } from '../../src/dataplane/balancer/balancer.ts';

class Target implements BalancedEndpoint {
  healthySinceMs = 0;
  constructor(readonly key: string, public inflight = 0) {}
}

test('the least loaded target is picked, whatever its position', () => {
  const cases: Array<[number[], string]> = [
    [[3, 1, 2], 't1'],
    [[0, 5, 5], 't0'],
    [[5, 5, 0], 't2'],
    [[9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1], 't9'],
  ];
  for (const [loads, expected] of cases) {
    const b = new LeastOutstandingBalancer<Target>();
    b.reset(loads.map((l, i) => new Target(`t${i}`, l)), 0);
    assert.equal(b.pick(0)?.key, expected, JSON.stringify(loads));
  }
  const empty = new LeastOutstandingBalancer<Target>();
  empty.reset([], 0);
  assert.equal(empty.pick(0), undefined);
});

test('ties take turns, so an idle group is used evenly', () => {
  const targets = [new Target('a'), new Target('b'), new Target('c')];
  const b = createBalancer<Target>({ algorithm: 'least_outstanding_requests', slowStartMs: 0, anomalyMitigation: false });
  b.reset(targets, 0);
  assert.deepEqual(Array.from({ length: 6 }, () => b.pick(0)!.key), ['a', 'b', 'c', 'a', 'b', 'c']);
  targets[1]!.inflight = 1;
  assert.deepEqual(Array.from({ length: 4 }, () => b.pick(0)!.key), ['a', 'c', 'a', 'c']);
});

test('a retry skips the target it leaves, unless it is the only one', () => {
  const [a, b] = [new Target('a', 0), new Target('b', 10)];
  const lor = new LeastOutstandingBalancer<Target>();
  lor.reset([a, b], 0);
  assert.equal(lor.pick(0, a), b);
  lor.reset([a], 0);
  assert.equal(lor.pick(0, a), a);
});

test('in a simulation, a target that holds its requests stops receiving new ones', () => {
  const targets = [new Target('fast1'), new Target('fast2'), new Target('stuck')];
  const lor = new LeastOutstandingBalancer<Target>();
  lor.reset(targets, 0);
  const counts: Record<string, number> = { fast1: 0, fast2: 0, stuck: 0 };
  for (let i = 0; i < 3000; i++) {
    const t = lor.pick(0)!;
    counts[t.key]!++;
    t.inflight++;
    // The fast targets answer at once; the stuck one never does.
    if (t.key !== 'stuck') t.inflight--;
  }
  assert.equal(counts.stuck, 1);
  assert.ok(Math.abs(counts.fast1! - counts.fast2!) <= 1, JSON.stringify(counts));
});
