/**
 * Latency percentiles in constant memory: log-spaced buckets 1 % wide from 1 µs to ~17 min.
 * autocannon keeps its own histogram, but in whole milliseconds (a load balancer's p50 is often
 * below one) and out of reach while the run is going.
 */

const minMs = 0.001;
const growth = 1.01;
const logGrowth = Math.log(growth);
const bucketCount = 2200;

/** A histogram of latencies in milliseconds; `percentile` is accurate to 1 %. */
export class LatencyHistogram {
  readonly #buckets = new Uint32Array(bucketCount);
  #count = 0;
  #max = 0;

  record(ms: number): void {
    const i = ms <= minMs ? 0 : Math.min(bucketCount - 1, Math.ceil(Math.log(ms / minMs) / logGrowth));
    this.#buckets[i]! += 1;
    this.#count += 1;
    if (ms > this.#max) this.#max = ms;
  }

  get count(): number {
    return this.#count;
  }

  get max(): number {
    return this.#max;
  }

  /** The latency `p` % of the recorded values are at or below (0 when nothing was recorded). */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < bucketCount; i++) {
      seen += this.#buckets[i]!;
      if (seen >= rank) return Math.min(this.#max, minMs * growth ** i);
    }
    return this.#max;
  }
}

/** The `p` percentile of `values` (sorted in place); for small windows such as one second. */
export function percentileOf(values: number[], p: number): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))]!;
}
