/**
 * Slow start (`slow_start.duration_seconds`): a target that becomes healthy gets a share that
 * grows linearly over the duration, from a floor of 10% of a full share (so the first requests
 * still reach it, as Envoy's `min_weight_percent`) to its full share.
 *
 * ALB's entry rules, which `slowStartBegins` applies: a target enters slow start when it becomes
 * healthy, but only if some other routable target is already out of slow start (the first
 * targets of an empty group, or all targets of a group whose slow start was just turned on,
 * take full traffic at once); a target that turns unhealthy leaves slow start and enters it
 * again when it is healthy again. ALB does not combine slow start with
 * least_outstanding_requests.
 */
import type { BalancedEndpoint } from './balancer.ts';

/** The smallest share of a target in slow start, as a fraction of a full share. */
export const slowStartFloor = 0.1;

/**
 * The weight factor of a target, in [slowStartFloor, 1]: 1 when slow start is off
 * (`durationMs` 0), when the target is not in slow start (`healthySinceMs` 0), or when the
 * duration has passed since it became healthy.
 */
export function slowStartFactor(healthySinceMs: number, nowMs: number, durationMs: number): number {
  if (durationMs <= 0 || healthySinceMs === 0) return 1;
  const elapsed = nowMs - healthySinceMs;
  if (elapsed >= durationMs) return 1;
  const f = elapsed / durationMs;
  return f > slowStartFloor ? f : slowStartFloor;
}

/** True while `e` is ramping up at `nowMs`. */
export function inSlowStart(e: BalancedEndpoint, nowMs: number, durationMs: number): boolean {
  return durationMs > 0 && e.healthySinceMs !== 0 && nowMs - e.healthySinceMs < durationMs;
}

/**
 * The `healthySinceMs` to give a target that has just become healthy: `nowMs` (it ramps up)
 * when slow start is on and one of `routable` (the group's other routable targets) is already
 * out of slow start, else 0 (full share at once).
 */
export function slowStartBegins(nowMs: number, durationMs: number, routable: readonly BalancedEndpoint[]): number {
  if (durationMs <= 0) return 0;
  for (const e of routable) if (!inSlowStart(e, nowMs, durationMs)) return nowMs;
  return 0;
}
