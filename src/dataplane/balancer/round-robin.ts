/**
 * round_robin: each routable target in turn. While a target is in slow start, nginx's smooth
 * weighted round robin with slow-start weights: every pick adds each target's weight to its
 * running score, takes the highest and subtracts the total from it, which spreads a target of
 * weight w/W over the sequence evenly (no bursts) at exactly w/W of the picks. When no target is
 * ramping all weights are equal and that is plain rotation, done with a cursor in O(1).
 */
import type { BalancedEndpoint, Balancer } from './balancer.ts';
import { slowStartFactor } from './slow-start.ts';

export class RoundRobinBalancer<E extends BalancedEndpoint> implements Balancer<E> {
  readonly #slowStartMs: number;
  #endpoints: readonly E[] = [];
  /** Smooth weighted round robin's running scores, by position in `#endpoints`. */
  #scores = new Float64Array(0);
  /** Plain rotation's next position. */
  #next = 0;
  /** Until this time some target ramps up and picks are weighted. */
  #rampUntilMs = 0;

  constructor(slowStartMs: number) {
    this.#slowStartMs = slowStartMs;
  }

  reset(endpoints: readonly E[], _nowMs: number): void {
    const previous = new Map<string, number>();
    this.#endpoints.forEach((e, i) => previous.set(e.key, this.#scores[i]!));
    const scores = new Float64Array(endpoints.length);
    let rampUntil = 0;
    endpoints.forEach((e, i) => {
      scores[i] = previous.get(e.key) ?? 0;
      if (this.#slowStartMs > 0 && e.healthySinceMs !== 0) rampUntil = Math.max(rampUntil, e.healthySinceMs + this.#slowStartMs);
    });
    this.#endpoints = endpoints;
    this.#scores = scores;
    this.#rampUntilMs = rampUntil;
    if (this.#next >= endpoints.length) this.#next = 0;
  }

  pick(nowMs: number, exclude?: E): E | undefined {
    const list = this.#endpoints;
    const n = list.length;
    if (n === 0) return undefined;
    if (nowMs < this.#rampUntilMs) return this.#pickWeighted(nowMs, n > 1 ? exclude : undefined);
    let i = this.#next;
    let e = list[i]!;
    if (e === exclude && n > 1) {
      i = i + 1 === n ? 0 : i + 1;
      e = list[i]!;
    }
    this.#next = i + 1 === n ? 0 : i + 1;
    return e;
  }

  #pickWeighted(nowMs: number, exclude: E | undefined): E {
    const list = this.#endpoints;
    const scores = this.#scores;
    const duration = this.#slowStartMs;
    let total = 0;
    let best = -1;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e === exclude) continue;
      const w = slowStartFactor(e.healthySinceMs, nowMs, duration);
      const score = scores[i]! + w;
      scores[i] = score;
      total += w;
      if (best < 0 || score > scores[best]!) best = i;
    }
    scores[best] = scores[best]! - total;
    return list[best]!;
  }
}
