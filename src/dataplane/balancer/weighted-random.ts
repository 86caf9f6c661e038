/**
 * weighted_random: each request goes to a target drawn at random in proportion to its weight.
 * A target's weight is its slow-start factor times its anomaly multiplier; both are 1 normally,
 * and then a pick is one random index.
 *
 * Anomaly mitigation (`load_balancing.algorithm.anomaly_mitigation` on), the exact rule:
 *
 * - Every outcome updates the target's EWMAs (α = 0.1): the error rate (a connection error,
 *   timeout or 5XX counts 1, anything else 0) and, for successful requests only, the latency.
 * - Every 50 outcomes in the group, each target is judged against the group's median (the
 *   lower median, so with two targets it is the better one) of the targets with at least 20
 *   outcomes (20 successes for latency), if there are at least two such targets. A target is
 *   anomalous when its error rate is at least twice the median and at least 10 points above
 *   it, or its latency is over three times the median and at least 50 ms above it. The median
 *   leaves the majority alone: a failure of every target is not an anomaly of one.
 * - An anomalous target's multiplier halves at each judgement, down to a floor of 10% of a
 *   full share (it keeps some traffic, which is how its recovery is seen); any other target's
 *   multiplier climbs back by 0.1 per judgement until it is 1.
 *
 * With mitigation off, anomalies are still judged (for the target's anomaly detection result)
 * but weights stay 1.
 */
import type { BalancedEndpoint, Balancer } from './balancer.ts';
import { slowStartFactor } from './slow-start.ts';

/** The EWMA's weight of a new outcome. */
const ALPHA = 0.1;
/** Outcomes between two judgements of the group. */
const JUDGE_EVERY = 50;
/** Outcomes a target needs before it is judged (or counts in a median). */
const MIN_SAMPLES = 20;
const ERROR_RATIO = 2;
const ERROR_MARGIN = 0.1;
const LATENCY_RATIO = 3;
const LATENCY_MARGIN_MS = 50;
/** An anomalous target's least multiplier. */
export const mitigationFloor = 0.1;
const RECOVERY_STEP = 0.1;

/** Options of a `WeightedRandomBalancer`. */
export interface WeightedRandomOptions {
  slowStartMs: number;
  anomalyMitigation: boolean;
  /** A number in [0, 1): `Math.random`, or a seeded generator in tests. */
  random: () => number;
}

/** One target's outcome statistics; carried over `reset`s by key. */
class TargetStats {
  outcomes = 0;
  errorRate = 0;
  successes = 0;
  latencyMs = 0;
  multiplier = 1;
  anomalous = false;
}

export class WeightedRandomBalancer<E extends BalancedEndpoint> implements Balancer<E> {
  readonly #slowStartMs: number;
  readonly #mitigate: boolean;
  readonly #random: () => number;
  #endpoints: readonly E[] = [];
  #stats: TargetStats[] = [];
  readonly #index = new Map<E, number>();
  #rampUntilMs = 0;
  /** True when some multiplier is below 1. */
  #mitigating = false;
  #untilJudgement = JUDGE_EVERY;
  /** Scratch for medians. */
  #values = new Float64Array(0);

  constructor(options: WeightedRandomOptions) {
    this.#slowStartMs = options.slowStartMs;
    this.#mitigate = options.anomalyMitigation;
    this.#random = options.random;
  }

  reset(endpoints: readonly E[], _nowMs: number): void {
    const previous = new Map<string, TargetStats>();
    this.#endpoints.forEach((e, i) => previous.set(e.key, this.#stats[i]!));
    this.#index.clear();
    let rampUntil = 0;
    this.#stats = endpoints.map((e, i) => {
      this.#index.set(e, i);
      if (this.#slowStartMs > 0 && e.healthySinceMs !== 0) rampUntil = Math.max(rampUntil, e.healthySinceMs + this.#slowStartMs);
      return previous.get(e.key) ?? new TargetStats();
    });
    this.#endpoints = endpoints;
    this.#rampUntilMs = rampUntil;
    this.#values = new Float64Array(endpoints.length);
    this.#mitigating = this.#stats.some((s) => s.multiplier < 1);
  }

  pick(nowMs: number, exclude?: E): E | undefined {
    const list = this.#endpoints;
    const n = list.length;
    if (n === 0) return undefined;
    const ramping = nowMs < this.#rampUntilMs;
    const skip = n > 1 ? exclude : undefined;
    if (!ramping && !this.#mitigating && skip === undefined) {
      const i = Math.floor(this.#random() * n);
      return list[i < n ? i : n - 1];
    }
    let total = 0;
    for (let i = 0; i < n; i++) total += this.#weight(i, nowMs, ramping, skip);
    let r = this.#random() * total;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const w = this.#weight(i, nowMs, ramping, skip);
      if (w === 0) continue;
      last = i;
      r -= w;
      if (r < 0) return list[i];
    }
    return list[last]; // rounding left r at (or a hair above) 0
  }

  onResult(e: E, ok: boolean, latencyMs: number): void {
    const i = this.#index.get(e);
    if (i === undefined) return; // left the routable list since it was picked
    const s = this.#stats[i]!;
    s.errorRate = s.outcomes === 0 ? (ok ? 0 : 1) : s.errorRate + ALPHA * ((ok ? 0 : 1) - s.errorRate);
    s.outcomes++;
    if (ok) {
      s.latencyMs = s.successes === 0 ? latencyMs : s.latencyMs + ALPHA * (latencyMs - s.latencyMs);
      s.successes++;
    }
    if (--this.#untilJudgement <= 0) {
      this.#untilJudgement = JUDGE_EVERY;
      this.#judge();
    }
  }

  /** Whether the target's latest judgement found it anomalous (for its anomaly detection result). */
  isAnomalous(e: E): boolean {
    const i = this.#index.get(e);
    return i !== undefined && this.#stats[i]!.anomalous;
  }

  #weight(i: number, nowMs: number, ramping: boolean, skip: E | undefined): number {
    const e = this.#endpoints[i]!;
    if (e === skip) return 0;
    const w = this.#stats[i]!.multiplier;
    return ramping ? w * slowStartFactor(e.healthySinceMs, nowMs, this.#slowStartMs) : w;
  }

  #judge(): void {
    const errorMedian = this.#median(false);
    const latencyMedian = this.#median(true);
    let mitigating = false;
    for (const s of this.#stats) {
      s.anomalous =
        (errorMedian >= 0 && s.outcomes >= MIN_SAMPLES &&
          s.errorRate >= errorMedian * ERROR_RATIO && s.errorRate >= errorMedian + ERROR_MARGIN) ||
        (latencyMedian >= 0 && s.successes >= MIN_SAMPLES &&
          s.latencyMs > latencyMedian * LATENCY_RATIO && s.latencyMs >= latencyMedian + LATENCY_MARGIN_MS);
      if (this.#mitigate) {
        if (s.anomalous) {
          s.multiplier = Math.max(mitigationFloor, s.multiplier / 2);
        } else if (s.multiplier < 1) {
          const next = s.multiplier + RECOVERY_STEP;
          s.multiplier = next > 1 - 1e-9 ? 1 : next; // 0.1 steps do not add up to exactly 1
        }
      }
      if (s.multiplier < 1) mitigating = true;
    }
    this.#mitigating = mitigating;
  }

  /**
   * The lower median of the targets' latencies (or error rates) over the targets with enough
   * samples, or -1 when fewer than two have. Insertion sort into a scratch array: n is small.
   */
  #median(latency: boolean): number {
    const values = this.#values;
    let n = 0;
    for (const s of this.#stats) {
      if ((latency ? s.successes : s.outcomes) < MIN_SAMPLES) continue;
      const v = latency ? s.latencyMs : s.errorRate;
      let j = n++;
      while (j > 0 && values[j - 1]! > v) {
        values[j] = values[j - 1]!;
        j--;
      }
      values[j] = v;
    }
    return n < 2 ? -1 : values[(n - 1) >> 1]!;
  }
}
