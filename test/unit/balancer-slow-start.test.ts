/*
 * Slow start's ramp and ALB's entry rules: linear from a 10% floor to a full share over the
 * duration; a target enters slow start on becoming healthy only when another routable target
 * is already out of it (not the first targets of a group, not when slow start is off).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inSlowStart, slowStartBegins, slowStartFactor, slowStartFloor } from '../../src/dataplane/balancer/slow-start.ts';
import type { BalancedEndpoint } from '../../src/dataplane/balancer/balancer.ts';

const t0 = 1_700_000_000_000;

test('the factor ramps linearly from the floor to 1 over the duration', () => {
  const cases: Array<[number, number, number, number]> = [
    // healthySinceMs, nowMs, durationMs, factor
    [t0, t0, 0, 1],
    [0, t0, 60_000, 1],
    [t0, t0, 60_000, slowStartFloor],
    [t0, t0 + 3_000, 60_000, slowStartFloor],
    [t0, t0 + 6_000, 60_000, 0.1],
    [t0, t0 + 15_000, 60_000, 0.25],
    [t0, t0 + 30_000, 60_000, 0.5],
    [t0, t0 + 59_999, 60_000, 59_999 / 60_000],
    [t0, t0 + 60_000, 60_000, 1],
    [t0, t0 + 900_000, 60_000, 1],
    [t0 + 5_000, t0, 60_000, slowStartFloor], // a clock step back is not a negative weight
  ];
  for (const [since, now, duration, expected] of cases) {
    assert.equal(slowStartFactor(since, now, duration), expected, `${since - t0} ${now - t0} ${duration}`);
  }
});

test('a target enters slow start only when another routable target is out of it', () => {
  const e = (healthySinceMs: number): BalancedEndpoint => ({ key: 'k', inflight: 0, healthySinceMs });
  const d = 60_000;
  assert.equal(slowStartBegins(t0, d, []), 0, 'the first target of a group takes full traffic');
  assert.equal(slowStartBegins(t0, d, [e(0)]), t0, 'a serving peer: ramp up');
  assert.equal(slowStartBegins(t0, d, [e(t0 - 10_000)]), 0, 'every peer is itself ramping');
  assert.equal(slowStartBegins(t0, d, [e(t0 - 10_000), e(t0 - d)]), t0, 'a peer whose ramp is over');
  assert.equal(slowStartBegins(t0, 0, [e(0)]), 0, 'slow start off');
  assert.equal(inSlowStart(e(t0), t0 + d - 1, d), true);
  assert.equal(inSlowStart(e(t0), t0 + d, d), false);
  assert.equal(inSlowStart(e(0), t0, d), false);
  assert.equal(inSlowStart(e(t0), t0, 0), false);
});
