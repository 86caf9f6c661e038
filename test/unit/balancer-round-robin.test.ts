/*
 * round_robin: routable targets in turn, a retry skips the target it leaves, and the position
 * survives health changes; while a target is in slow start it gets a linearly growing, evenly
 * spread share (smooth weighted round robin), and plain rotation returns when the ramp ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoundRobinBalancer } from '../../src/dataplane/balancer/round-robin.ts';
import { createBalancer, type BalancedEndpoint } from '../../src/dataplane/balancer/balancer.ts';

class Target implements BalancedEndpoint {
  inflight = 0;
  constructor(readonly key: string, public healthySinceMs = 0) {}
}

const t0 = 1_700_000_000_000;

function keys(b: RoundRobinBalancer<Target>, n: number, nowMs = t0, exclude?: Target): string[] {
  return Array.from({ length: n }, () => b.pick(nowMs, exclude)?.key ?? 'none');
}

test('targets take turns; a retry skips the target it leaves; nothing to pick gives undefined', () => {
  const [a, b, c] = [new Target('a'), new Target('b'), new Target('c')];
  const rr = new RoundRobinBalancer<Target>(0);
  assert.equal(rr.pick(t0), undefined);
  rr.reset([a, b, c], t0);
  assert.deepEqual(keys(rr, 7), ['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  // The next would be b: excluding b gives c.
  assert.equal(rr.pick(t0, b), c);
  assert.equal(rr.pick(t0), a);
  // A lone target is picked even when excluded: there is nowhere else to go.
  rr.reset([a], t0);
  assert.deepEqual(keys(rr, 2, t0, a), ['a', 'a']);
});

test('a health change keeps the rotation going without restarting at the first target', () => {
  const [a, b, c, d] = [new Target('a'), new Target('b'), new Target('c'), new Target('d')];
  const rr = new RoundRobinBalancer<Target>(0);
  rr.reset([a, b, c, d], t0);
  assert.deepEqual(keys(rr, 2), ['a', 'b']);
  rr.reset([a, c, d], t0);
  assert.deepEqual(keys(rr, 3), ['d', 'a', 'c']);
  rr.reset([a], t0);
  assert.deepEqual(keys(rr, 2), ['a', 'a']);
});

test('slow start: the new target share follows its ramp, spread evenly, then plain rotation', () => {
  const duration = 100_000;
  const olds = [new Target('a'), new Target('b'), new Target('c')];
  const fresh = new Target('new', t0);
  const rr = createBalancer<Target>({ algorithm: 'round_robin', slowStartMs: duration, anomalyMitigation: false });
  rr.reset([...olds, fresh], t0);
  // weight w for the new target against three full ones: share w / (3 + w); floor 0.1 at the start.
  const cases: Array<[number, number]> = [[0, 0.1], [10_000, 0.1], [25_000, 0.25], [50_000, 0.5], [75_000, 0.75], [99_000, 0.99]];
  let previousShare = 0;
  for (const [elapsed, w] of cases) {
    const picks = 20_000;
    let mine = 0;
    let gap = 0;
    let maxGap = 0;
    for (let i = 0; i < picks; i++) {
      if (rr.pick(t0 + elapsed) === fresh) {
        mine++;
        maxGap = Math.max(maxGap, gap);
        gap = 0;
      } else {
        gap++;
      }
    }
    const share = mine / picks;
    const expected = w / (3 + w);
    assert.ok(Math.abs(share - expected) < 0.005, `at ${elapsed} ms: share ${share}, expected ${expected}`);
    assert.ok(maxGap <= Math.ceil(1 / expected) + 1, `at ${elapsed} ms: evenly spread (longest gap ${maxGap})`);
    assert.ok(share >= previousShare, 'the share only grows');
    previousShare = share;
  }
  // After the duration: a full share, in plain rotation.
  const after = keys(rr as RoundRobinBalancer<Target>, 8, t0 + duration);
  assert.equal(after.filter((k) => k === 'new').length, 2);
  assert.deepEqual(after.slice(0, 4).sort(), ['a', 'b', 'c', 'new']);
});

test('slow start off, or targets not in slow start, means equal shares', () => {
  const targets = [new Target('a', t0), new Target('b', t0), new Target('c')];
  const rr = new RoundRobinBalancer<Target>(0);
  rr.reset(targets, t0);
  assert.deepEqual(keys(rr, 6, t0 + 1), ['a', 'b', 'c', 'a', 'b', 'c']);
});

test('a retry during a ramp still skips the target it leaves', () => {
  const [a, b] = [new Target('a'), new Target('b', t0)];
  const rr = new RoundRobinBalancer<Target>(60_000);
  rr.reset([a, b], t0);
  for (let i = 0; i < 50; i++) assert.equal(rr.pick(t0 + 30_000, a), b);
  for (let i = 0; i < 50; i++) assert.equal(rr.pick(t0 + 30_000, b), a);
});
