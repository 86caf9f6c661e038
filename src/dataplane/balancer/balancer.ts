/**
 * How a target group picks a target for a request (`load_balancing.algorithm.type`). A
 * balancer is per target group and per worker; it is given the group's routable targets on
 * every change (`reset`, never per request), and `pick` is O(n) at most with no allocation.
 */
import type { TargetGroupSettings } from '../../model/index.ts';
import { LeastOutstandingBalancer } from './least-outstanding.ts';
import { RoundRobinBalancer } from './round-robin.ts';
import { WeightedRandomBalancer } from './weighted-random.ts';

/** What a balancer reads of a target; the data plane's `TargetEndpoint` has these fields. */
export interface BalancedEndpoint {
  /** `id:port`, unique in the group: state carries over `reset`s by it. */
  readonly key: string;
  /** Requests sent to the target and not finished, in this worker. */
  inflight: number;
  /**
   * Epoch ms at which the target entered slow start (see `slowStartBegins`); 0 when it is not
   * in slow start. Changing it needs a `reset`.
   */
  healthySinceMs: number;
}

/** A target group's picking policy over its routable targets. */
export interface Balancer<E extends BalancedEndpoint = BalancedEndpoint> {
  /**
   * The routable targets changed (config, health, draining, slow start entry). Per-target
   * state (round-robin position, error statistics) carries over by key.
   */
  reset(endpoints: readonly E[], nowMs: number): void;
  /**
   * The target for the next request, or undefined when there is none. `exclude` (the target
   * a retry is leaving) is skipped when another target is available.
   */
  pick(nowMs: number, exclude?: E): E | undefined;
  /**
   * The outcome of a request the balancer's target served: `ok` false for a connection error,
   * a timeout or a 5XX response; `latencyMs` from sending the request to the response head.
   * Only balancers that learn from outcomes have it.
   */
  onResult?(e: E, ok: boolean, latencyMs: number): void;
}

/** The balancer a target group's settings ask for; `random` is injectable for tests. */
export function createBalancer<E extends BalancedEndpoint>(
  settings: Pick<TargetGroupSettings, 'algorithm' | 'slowStartMs' | 'anomalyMitigation'>,
  random: () => number = Math.random,
): Balancer<E> {
  switch (settings.algorithm) {
    case 'least_outstanding_requests':
      return new LeastOutstandingBalancer<E>();
    case 'weighted_random':
      return new WeightedRandomBalancer<E>({ slowStartMs: settings.slowStartMs, anomalyMitigation: settings.anomalyMitigation, random });
    default:
      return new RoundRobinBalancer<E>(settings.slowStartMs);
  }
}
