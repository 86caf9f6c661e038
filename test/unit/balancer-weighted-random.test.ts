/*
 * weighted_random with a seeded random source: equal shares by default, slow-start weights, and
 * anomaly mitigation — a target whose error rate or latency stands out from its peers loses
 * most of its share (never below the floor), gets it back as it recovers, and a failure of every
 * target mitigates nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WeightedRandomBalancer, mitigationFloor } from '../../src/dataplane/balancer/weighted-random.ts';
import { createBalancer, type BalancedEndpoint } from '../../src/dataplane/balancer/balancer.ts';

class Target implements BalancedEndpoint {
  inflight = 0;
  constructor(readonly key: string, public healthySinceMs = 0) {}
}

/** mulberry32: a small seeded generator in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const t0 = 1_700_000_000_000;

function balancer(targets: Target[], options: { slowStartMs?: number; anomalyMitigation?: boolean; seed?: number } = {}): WeightedRandomBalancer<Target> {
  const b = new WeightedRandomBalancer<Target>({
    slowStartMs: options.slowStartMs ?? 0,
    anomalyMitigation: options.anomalyMitigation ?? true,
    random: seeded(options.seed ?? 1),
  });
  b.reset(targets, t0);
  return b;
}

/** Picks `n` times, reporting each outcome with `serve`; returns each target's share. */
function run(b: WeightedRandomBalancer<Target>, n: number, serve: (t: Target) => [boolean, number], nowMs = t0): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const t = b.pick(nowMs)!;
    counts[t.key] = (counts[t.key] ?? 0) + 1;
    const [ok, latency] = serve(t);
    b.onResult(t, ok, latency);
  }
  for (const k of Object.keys(counts)) counts[k] = counts[k]! / n;
  return counts;
}

const healthy = (): [boolean, number] => [true, 20];

test('without slow start or anomalies, every target gets an equal share', () => {
  const targets = ['a', 'b', 'c'].map((k) => new Target(k));
  const shares = run(balancer(targets), 30_000, healthy);
  for (const k of ['a', 'b', 'c']) assert.ok(Math.abs(shares[k]! - 1 / 3) < 0.02, JSON.stringify(shares));
  const viaFactory = createBalancer<Target>({ algorithm: 'weighted_random', slowStartMs: 0, anomalyMitigation: false }, seeded(3));
  viaFactory.reset(targets, t0);
  assert.ok(targets.includes(viaFactory.pick(t0)!));
});

test('a random source that returns almost 1 still picks a target', () => {
  const targets = ['a', 'b'].map((k) => new Target(k));
  const b = new WeightedRandomBalancer<Target>({ slowStartMs: 60_000, anomalyMitigation: false, random: () => 0.9999999999999999 });
  b.reset(targets, t0);
  assert.equal(b.pick(t0)?.key, 'b');
  targets[1]!.healthySinceMs = t0;
  b.reset(targets, t0);
  assert.equal(b.pick(t0 + 30_000)?.key, 'b');
  const empty = new WeightedRandomBalancer<Target>({ slowStartMs: 0, anomalyMitigation: false, random: Math.random });
  assert.equal(empty.pick(t0), undefined);
});

test('a retry skips the target it leaves', () => {
  const targets = ['a', 'b', 'c'].map((k) => new Target(k));
  const b = balancer(targets);
  for (let i = 0; i < 300; i++) assert.notEqual(b.pick(t0, targets[1]), targets[1]);
});

test('slow start: a new target share follows its linear ramp', () => {
  const targets = [new Target('a'), new Target('b'), new Target('new', t0)];
  const b = balancer(targets, { slowStartMs: 100_000, seed: 7 });
  for (const [elapsed, w] of [[0, 0.1], [50_000, 0.5], [90_000, 0.9], [100_000, 1]] as const) {
    const shares = run(b, 20_000, healthy, t0 + elapsed);
    const expected = w / (2 + w);
    assert.ok(Math.abs(shares.new! - expected) < 0.015, `at ${elapsed}: ${shares.new} vs ${expected}`);
  }
});

test('a target with a standing-out error rate loses its share down to the floor, and regains it on recovery', () => {
  const targets = ['a', 'b', 'c', 'bad'].map((k) => new Target(k));
  const b = balancer(targets, { seed: 11 });
  const coin = seeded(99);
  let broken = true;
  const serve = (t: Target): [boolean, number] => [t.key !== 'bad' || !broken || coin() < 0.5, 20];
  run(b, 4000, serve); // detection and mitigation
  assert.equal(b.isAnomalous(targets[3]!), true);
  const mitigated = run(b, 20_000, serve);
  const floorShare = mitigationFloor / (3 + mitigationFloor);
  assert.ok(mitigated.bad! < 0.06, `mitigated share ${mitigated.bad}`);
  assert.ok(mitigated.bad! > floorShare * 0.6, `never below the floor: ${mitigated.bad} vs ${floorShare}`);
  for (const k of ['a', 'b', 'c']) assert.ok(mitigated[k]! > 0.3, JSON.stringify(mitigated));
  broken = false;
  run(b, 30_000, serve); // recovery
  assert.equal(b.isAnomalous(targets[3]!), false);
  const recovered = run(b, 20_000, serve);
  assert.ok(Math.abs(recovered.bad! - 0.25) < 0.02, `recovered share ${recovered.bad}`);
});

test('a target whose latency stands out is mitigated too', () => {
  const targets = ['a', 'b', 'c', 'slow'].map((k) => new Target(k));
  const b = balancer(targets, { seed: 5 });
  const serve = (t: Target): [boolean, number] => [true, t.key === 'slow' ? 900 : 30];
  run(b, 4000, serve);
  const shares = run(b, 20_000, serve);
  assert.ok(shares.slow! < 0.06, `slow target share ${shares.slow}`);
  // Latency a little above its peers (under 3× and 50 ms) is not an anomaly.
  const mild = ['a', 'b', 'c', 'd'].map((k) => new Target(k));
  const m = balancer(mild, { seed: 6 });
  const mildServe = (t: Target): [boolean, number] => [true, t.key === 'd' ? 70 : 30];
  run(m, 4000, mildServe);
  assert.ok(Math.abs(run(m, 20_000, mildServe).d! - 0.25) < 0.02);
});

test('when every target fails alike, no one is singled out', () => {
  const targets = ['a', 'b', 'c'].map((k) => new Target(k));
  const b = balancer(targets, { seed: 21 });
  const coin = seeded(4);
  const serve = (): [boolean, number] => [coin() < 0.4, 20];
  run(b, 5000, serve);
  const shares = run(b, 30_000, serve);
  for (const k of ['a', 'b', 'c']) {
    assert.equal(b.isAnomalous(targets.find((t) => t.key === k)!), false);
    assert.ok(Math.abs(shares[k]! - 1 / 3) < 0.02, JSON.stringify(shares));
  }
});

test('with mitigation off an anomaly is detected but shares stay equal', () => {
  const targets = ['a', 'b', 'c', 'bad'].map((k) => new Target(k));
  const b = balancer(targets, { anomalyMitigation: false, seed: 8 });
  const serve = (t: Target): [boolean, number] => [t.key !== 'bad', 20];
  run(b, 4000, serve);
  assert.equal(b.isAnomalous(targets[3]!), true);
  const shares = run(b, 20_000, serve);
  assert.ok(Math.abs(shares.bad! - 0.25) < 0.02, JSON.stringify(shares));
});

test('statistics and mitigation carry over a reset by key; a removed target is forgotten', () => {
  const targets = ['a', 'b', 'c', 'bad'].map((k) => new Target(k));
  const b = balancer(targets, { seed: 13 });
  const serve = (t: Target): [boolean, number] => [t.key !== 'bad', 20];
  run(b, 4000, serve);
  // A config change rebuilds the endpoint objects; the same keys keep their state.
  const rebuilt = ['a', 'b', 'c', 'bad'].map((k) => new Target(k));
  b.reset(rebuilt, t0);
  assert.equal(b.isAnomalous(rebuilt[3]!), true);
  assert.ok(run(b, 10_000, serve).bad! < 0.06);
  assert.equal(b.isAnomalous(targets[3]!), false, 'the old object is no longer a routable target');
  // An outcome for a target that left the list is ignored.
  b.onResult(targets[0]!, false, 1);
  b.reset(rebuilt.slice(0, 3), t0);
  assert.equal(b.pick(t0, undefined)?.key === 'bad', false);
});
