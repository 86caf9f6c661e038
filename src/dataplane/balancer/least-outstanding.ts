/**
 * least_outstanding_requests: the routable target with the fewest requests in flight (in this
 * worker), by a full scan: exact for any number of targets, where power-of-two-choices would
 * only approximate it. Ties go round robin: the scan starts after the last pick, so equally
 * loaded targets (an idle group, say) take turns. ALB does not combine this algorithm with slow
 * start; it has none.
 */
import type { BalancedEndpoint, Balancer } from './balancer.ts';

export class LeastOutstandingBalancer<E extends BalancedEndpoint> implements Balancer<E> {
  #endpoints: readonly E[] = [];
  /** Where the next scan starts. */
  #next = 0;

  reset(endpoints: readonly E[], _nowMs: number): void {
    this.#endpoints = endpoints;
    if (this.#next >= endpoints.length) this.#next = 0;
  }

  pick(_nowMs: number, exclude?: E): E | undefined {
    const list = this.#endpoints;
    const n = list.length;
    if (n === 0) return undefined;
    const skip = n > 1 ? exclude : undefined;
    let best = -1;
    let bestLoad = Infinity;
    let i = this.#next;
    for (let k = 0; k < n; k++) {
      const e = list[i]!;
      if (e !== skip && e.inflight < bestLoad) {
        best = i;
        bestLoad = e.inflight;
      }
      i = i + 1 === n ? 0 : i + 1;
    }
    this.#next = best + 1 === n ? 0 : best + 1;
    return list[best];
  }
}
