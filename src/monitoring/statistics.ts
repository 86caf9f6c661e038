/**
 * CloudWatch's statistics over one period: SampleCount, Sum, Average, Minimum, Maximum and
 * percentiles (`p50`, `p99.9`). Counts and gauges are one value per sampled interval; a gauge's
 * Sum weighs each value by its interval's share of a minute (see `valuesAggregate`);
 * TargetResponseTime is a histogram of every response, so its percentiles are interpolated within
 * a bucket (as Prometheus's histogram_quantile does) and its Minimum and Maximum are the edges of
 * the lowest and highest non-empty buckets.
 */

export const BASIC_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type BasicStatistic = (typeof BASIC_STATISTICS)[number];

const PERCENTILE = /^p(\d{1,2}(?:\.\d{1,10})?|100(?:\.0{1,10})?)$/;

/** The percentile of `p50`, `p99.9`...; undefined for anything else. */
export function percentileOf(statistic: string): number | undefined {
  return PERCENTILE.test(statistic) ? Number(statistic.slice(1)) : undefined;
}

export function isStatistic(statistic: string): boolean {
  return (BASIC_STATISTICS as readonly string[]).includes(statistic) || percentileOf(statistic) !== undefined;
}

/** One period's data: every statistic on demand. */
export interface Aggregate {
  readonly sampleCount: number;
  readonly sum: number;
  readonly average: number;
  readonly minimum: number;
  readonly maximum: number;
  percentile(p: number): number;
}

/** A statistic of an aggregate (`isStatistic` must hold). */
export function statistic(a: Aggregate, name: string): number {
  switch (name) {
    case 'SampleCount':
      return a.sampleCount;
    case 'Sum':
      return a.sum;
    case 'Average':
      return a.average;
    case 'Minimum':
      return a.minimum;
    case 'Maximum':
      return a.maximum;
    default:
      return a.percentile(percentileOf(name) ?? 100);
  }
}

/**
 * Values, one per sampled interval. With `seconds` (each value's interval) they are a gauge's
 * samples: Sum adds each level times its share of a minute, so a minute's Sum is its average
 * level (as ALB reports a gauge once a minute) whatever the sampling step, and Average is the
 * level averaged over time. Without, they are counts: Sum adds them, Average is per interval.
 */
export function valuesAggregate(values: readonly number[], seconds?: readonly number[]): Aggregate {
  const sorted = [...values].sort((x, y) => x - y);
  let total = 0;
  let time = 0;
  for (let i = 0; i < values.length; i++) {
    const s = seconds === undefined ? 1 : seconds[i]!;
    total += values[i]! * s;
    time += s;
  }
  return {
    sampleCount: sorted.length,
    sum: seconds === undefined ? total : total / 60,
    average: time === 0 ? 0 : total / time,
    minimum: sorted[0] ?? 0,
    maximum: sorted[sorted.length - 1] ?? 0,
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    percentile: (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0,
  };
}

/**
 * A histogram of observations: `counts[i]` in (bounds[i-1], bounds[i]] (the first from 0), the
 * last count above the highest bound; `sum` of the observations.
 */
export function histogramAggregate(counts: ArrayLike<number>, sum: number, bounds: readonly number[]): Aggregate {
  let total = 0;
  let lowest = -1;
  let highest = -1;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! <= 0) continue;
    total += counts[i]!;
    if (lowest < 0) lowest = i;
    highest = i;
  }
  const lower = (i: number): number => (i === 0 ? 0 : bounds[i - 1]!);
  // The open top bucket has no upper edge: its observations are said to be at the highest bound.
  const upper = (i: number): number => bounds[Math.min(i, bounds.length - 1)]!;
  const average = total === 0 ? 0 : sum / total;
  return {
    sampleCount: total,
    sum,
    average,
    minimum: total === 0 ? 0 : Math.min(lower(lowest), average),
    maximum: total === 0 ? 0 : Math.max(upper(highest), average),
    percentile: (p) => histogramPercentile(counts, bounds, p),
  };
}

/** The p-th percentile of a histogram, interpolated linearly within its bucket. */
export function histogramPercentile(counts: ArrayLike<number>, bounds: readonly number[], p: number): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += Math.max(0, counts[i]!);
  if (total === 0) return 0;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = Math.max(0, counts[i]!);
    if (c === 0) continue;
    if (below + c >= rank) {
      if (i >= bounds.length) return bounds[bounds.length - 1]!;
      const lo = i === 0 ? 0 : bounds[i - 1]!;
      return lo + ((bounds[i]! - lo) * Math.max(0, rank - below)) / c;
    }
    below += c;
  }
  return bounds[bounds.length - 1]!;
}
