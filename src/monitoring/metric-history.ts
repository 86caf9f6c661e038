/**
 * The node's metric history, behind the CloudWatch-compatible read API and the console's live
 * charts. Every sampling interval the supervisor hands over its workers' cumulative counters and
 * its health checker's host counts; the history keeps what happened in each interval (counter
 * deltas, gauge values, TargetResponseTime histogram deltas) in a fixed-size ring per series —
 * one per load balancer, per target and per target group. Traffic does not grow it: each series
 * costs capacity × row width × 8 bytes (about 120 KB for a target with the default hour of 5 s
 * intervals), for every series seen within the retention; a series not reported for a whole
 * retention (its target or load balancer left the configuration) is dropped.
 */
import { dimensionValue } from './dimensions.ts';

/** The sampling step: CloudWatch's high-resolution periods go down to 1 s; 5 s keeps the charts live at little cost. */
export const DEFAULT_SAMPLE_INTERVAL_MS = 5_000;
export const DEFAULT_RETENTION_MS = 60 * 60 * 1000;

/** Cumulative counters of one load balancer in one worker (rows with the same ARN add up). */
export interface LoadBalancerTotals {
  loadBalancerArn: string;
  requestCount: number;
  elb4xx: number;
  elb5xx: number;
  newConnectionCount: number;
  activeConnectionCount: number;
  processedBytes: number;
  clientTlsNegotiationErrors: number;
  rejectedConnectionCount: number;
}

/** Cumulative counters of one target of one target group in one worker. */
export interface TargetTotals {
  targetGroupArn: string;
  loadBalancerArns: readonly string[];
  targetKey: string;
  requestCount: number;
  target2xx: number;
  target3xx: number;
  target4xx: number;
  target5xx: number;
  connectionErrors: number;
  /** Per-bucket (not cumulative) response counts; the last bucket is above the highest bound. */
  responseTimeCounts: ArrayLike<number>;
  responseTimeSum: number;
}

export interface CounterTotals {
  loadBalancers: readonly LoadBalancerTotals[];
  targets: readonly TargetTotals[];
}

/** Healthy and unhealthy targets of one target group, as the health checker sees them now. */
export interface HostCounts {
  targetGroupArn: string;
  loadBalancerArns: readonly string[];
  healthy: number;
  unhealthy: number;
}

export type SeriesKind = 'loadBalancer' | 'target' | 'hosts';

/** Each kind's row, field by field; the target row continues with the histogram's bucket counts. */
export const LOAD_BALANCER_FIELDS = [
  'requestCount',
  'elb4xx',
  'elb5xx',
  'newConnectionCount',
  'activeConnectionCount',
  'processedBytes',
  'clientTlsNegotiationErrors',
  'rejectedConnectionCount',
] as const;
export const TARGET_FIELDS = ['requestCount', 'target2xx', 'target3xx', 'target4xx', 'target5xx', 'connectionErrors', 'responseTimeSum'] as const;
export const HOST_FIELDS = ['healthy', 'unhealthy'] as const;
/** Where the target row's histogram starts. */
export const HISTOGRAM_OFFSET = TARGET_FIELDS.length;

/** The dimension values a series counts for. */
export interface SeriesDimensions {
  /** `app/<name>/<id>` of every load balancer it counts for (a target group may serve several). */
  loadBalancers: readonly string[];
  targetGroup: string | undefined;
  target: string | undefined;
}

/** Which series a read sums: each given dimension value must match. */
export interface SeriesSelection {
  loadBalancer?: string | undefined;
  targetGroup?: string | undefined;
  target?: string | undefined;
}

/**
 * The intervals that began within a window, oldest first, with the summed rows of the series a
 * read selected: interval i ran from `starts[i]` to `ends[i]` (ms since the epoch, on the
 * sampling grid) and its row is `rows[i * width]` onwards.
 */
export interface Intervals {
  count: number;
  width: number;
  starts: Float64Array;
  ends: Float64Array;
  rows: Float64Array;
}

class Series {
  readonly kind: SeriesKind;
  dims: SeriesDimensions;
  /** Which fields are gauges (kept as sampled) rather than counters (kept as deltas). */
  readonly gauges: readonly boolean[];
  readonly rows: Float64Array;
  /** The totals of the last sample, to take deltas from. */
  readonly previous: Float64Array;
  /** This sample's totals, summed over workers. */
  readonly current: Float64Array;
  readonly firstSeq: number;
  lastSeenSeq: number;

  constructor(kind: SeriesKind, dims: SeriesDimensions, gauges: readonly boolean[], capacity: number, seq: number) {
    this.kind = kind;
    this.dims = dims;
    this.gauges = gauges;
    this.rows = new Float64Array(capacity * gauges.length);
    this.previous = new Float64Array(gauges.length);
    this.current = new Float64Array(gauges.length);
    this.firstSeq = seq;
    this.lastSeenSeq = seq;
  }

  matches(sel: SeriesSelection): boolean {
    return (
      (sel.loadBalancer === undefined || this.dims.loadBalancers.includes(sel.loadBalancer)) &&
      (sel.targetGroup === undefined || this.dims.targetGroup === sel.targetGroup) &&
      (sel.target === undefined || this.dims.target === sel.target)
    );
  }
}

export interface MetricHistoryOptions {
  /** Upper bounds (seconds) of the TargetResponseTime buckets the workers count in. */
  responseTimeBounds: readonly number[];
  /** When the first interval began (the supervisor's start); default now. */
  startedAt?: number;
  sampleIntervalMs?: number;
  retentionMs?: number;
}

/** The rings of every series; see the file comment. */
export class MetricHistory {
  readonly responseTimeBounds: readonly number[];
  readonly sampleIntervalMs: number;
  readonly #capacity: number;
  /** Start and end of each interval in the ring, by slot. */
  readonly #starts: Float64Array;
  readonly #ends: Float64Array;
  /** By kind and dimension values: `lb <lb>`, `target <group> <target>`, `hosts <group>`. */
  readonly #series = new Map<string, Series>();
  /** Target group dimension value → its target and host series, so a group's reads skip the rest. */
  readonly #byGroup = new Map<string, Set<Series>>();
  /** Samples taken so far; sample `seq` lives in slot `seq % capacity`. */
  #taken = 0;
  /** Where the last interval ended, on the sampling grid. */
  #lastEnd: number;
  readonly #targetGauges: boolean[];

  constructor(opts: MetricHistoryOptions) {
    this.responseTimeBounds = opts.responseTimeBounds;
    this.sampleIntervalMs = opts.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
    this.#capacity = Math.max(1, Math.ceil((opts.retentionMs ?? DEFAULT_RETENTION_MS) / this.sampleIntervalMs));
    this.#starts = new Float64Array(this.#capacity);
    this.#ends = new Float64Array(this.#capacity);
    this.#lastEnd = this.#onGrid(opts.startedAt ?? Date.now());
    this.#targetGauges = new Array<boolean>(HISTOGRAM_OFFSET + opts.responseTimeBounds.length + 1).fill(false);
  }

  /** Intervals the ring holds at most. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Series currently kept (for tests and bounds checks). */
  get seriesCount(): number {
    return this.#series.size;
  }

  #onGrid(ms: number): number {
    return Math.round(ms / this.sampleIntervalMs) * this.sampleIntervalMs;
  }

  /**
   * Records the interval that ends at `at` (rounded to the sampling grid): the workers'
   * cumulative totals (several rows for the same load balancer or target are summed) and the
   * host counts at that moment. A sample that lands on the same grid point as the previous one
   * (the sampler was late, then on time) adds to that interval, so no period gets two intervals
   * for one grid step. A series missing from a sample starts again from zero when it comes back
   * (its target left and returned, with new counters); a counter that went down between two
   * samples (it left and returned in between) counts from zero again.
   */
  record(at: number, totals: CounterTotals, hosts: readonly HostCounts[]): void {
    const end = this.#onGrid(at);
    const merge = this.#taken > 0 && end <= this.#lastEnd;
    const seq = merge ? this.#taken - 1 : this.#taken;
    const slot = seq % this.#capacity;
    if (!merge) {
      this.#starts[slot] = this.#lastEnd;
      this.#ends[slot] = end;
      this.#lastEnd = end;
    }
    const seen = new Set<Series>();
    const touch = (key: string, kind: SeriesKind, gauges: readonly boolean[], dims: SeriesDimensions): Series => {
      let s = this.#series.get(key);
      if (s === undefined) {
        s = new Series(kind, dims, gauges, this.#capacity, seq);
        this.#series.set(key, s);
        if (dims.targetGroup !== undefined) {
          let group = this.#byGroup.get(dims.targetGroup);
          if (group === undefined) this.#byGroup.set(dims.targetGroup, (group = new Set()));
          group.add(s);
        }
      }
      if (!seen.has(s)) {
        seen.add(s);
        s.current.fill(0);
        s.dims = dims;
      } else if (dims.loadBalancers !== s.dims.loadBalancers) {
        s.dims = { ...dims, loadBalancers: [...new Set([...s.dims.loadBalancers, ...dims.loadBalancers])] };
      }
      return s;
    };

    for (const l of totals.loadBalancers) {
      const lb = dimensionValue(l.loadBalancerArn);
      const s = touch(`lb ${lb}`, 'loadBalancer', LB_GAUGES, { loadBalancers: [lb], targetGroup: undefined, target: undefined });
      LOAD_BALANCER_FIELDS.forEach((f, i) => (s.current[i]! += l[f]));
    }
    for (const t of totals.targets) {
      const group = dimensionValue(t.targetGroupArn);
      const s = touch(`target ${group} ${t.targetKey}`, 'target', this.#targetGauges, {
        loadBalancers: t.loadBalancerArns.map(dimensionValue),
        targetGroup: group,
        target: t.targetKey,
      });
      TARGET_FIELDS.forEach((f, i) => (s.current[i]! += t[f]));
      for (let i = 0; i < t.responseTimeCounts.length && HISTOGRAM_OFFSET + i < s.current.length; i++) s.current[HISTOGRAM_OFFSET + i]! += t.responseTimeCounts[i]!;
    }
    for (const h of hosts) {
      const group = dimensionValue(h.targetGroupArn);
      const s = touch(`hosts ${group}`, 'hosts', HOST_GAUGES, { loadBalancers: h.loadBalancerArns.map(dimensionValue), targetGroup: group, target: undefined });
      s.current[0]! += h.healthy;
      s.current[1]! += h.unhealthy;
    }

    for (const [key, s] of this.#series) {
      const width = s.gauges.length;
      const base = slot * width;
      if (seen.has(s)) {
        s.lastSeenSeq = seq;
        for (let i = 0; i < width; i++) {
          const now = s.current[i]!;
          const before = s.previous[i]!;
          const value = s.gauges[i] ? now : now >= before ? now - before : now;
          s.rows[base + i] = merge && !s.gauges[i] ? s.rows[base + i]! + value : value;
          s.previous[i] = now;
        }
      } else if (seq - s.lastSeenSeq >= this.#capacity) {
        // Gone for longer than the ring reaches back: nothing of it is left to show.
        this.#series.delete(key);
        if (s.dims.targetGroup !== undefined) {
          const group = this.#byGroup.get(s.dims.targetGroup);
          group?.delete(s);
          if (group?.size === 0) this.#byGroup.delete(s.dims.targetGroup);
        }
      } else {
        if (!merge) s.rows.fill(0, base, base + width);
        s.previous.fill(0);
      }
    }
    if (!merge) this.#taken++;
  }

  /**
   * The intervals that began within [startMs, endMs), each with the sum of the rows of the
   * `kind` series the selection matches. Intervals before any such series existed are left out,
   * so a metric has no data points from before its load balancer or target existed. With
   * `field`, the rows have that field only (a read of one metric over many series stays cheap).
   */
  intervals(kind: SeriesKind, sel: SeriesSelection, startMs: number, endMs: number, field?: number): Intervals {
    const selected: Series[] = [];
    const candidates =
      kind === 'target' && sel.targetGroup !== undefined && sel.target !== undefined
        ? [this.#series.get(`target ${sel.targetGroup} ${sel.target}`)]
        : sel.targetGroup !== undefined
          ? (this.#byGroup.get(sel.targetGroup) ?? [])
          : this.#series.values();
    let firstSeq = Infinity;
    for (const s of candidates) {
      if (s === undefined || s.kind !== kind || !s.matches(sel)) continue;
      selected.push(s);
      firstSeq = Math.min(firstSeq, s.firstSeq);
    }
    if (selected.length === 0) return { count: 0, width: 0, starts: new Float64Array(0), ends: new Float64Array(0), rows: new Float64Array(0) };
    // Intervals start later with every sample, so the window is one run of samples.
    const from = this.#firstStartingAt(Math.max(firstSeq, this.#taken - this.#capacity), startMs);
    const count = this.#firstStartingAt(from, endMs) - from;
    const seriesWidth = selected[0]!.gauges.length;
    const first = field ?? 0;
    const width = field === undefined ? seriesWidth : 1;
    const starts = new Float64Array(count);
    const ends = new Float64Array(count);
    const rows = new Float64Array(count * width);
    for (let i = 0; i < count; i++) {
      const slot = (from + i) % this.#capacity;
      starts[i] = this.#starts[slot]!;
      ends[i] = this.#ends[slot]!;
    }
    // Series by series, each ring read in order; a series' slots from before it existed are
    // still zero, so every selected series can add.
    for (const s of selected) {
      for (let i = 0; i < count; i++) {
        const source = ((from + i) % this.#capacity) * seriesWidth + first;
        const to = i * width;
        for (let f = 0; f < width; f++) rows[to + f]! += s.rows[source + f]!;
      }
    }
    return { count, width, starts, ends, rows };
  }

  /** The first sample from `seq` on whose interval starts at or after `ms` (`#taken` if none). */
  #firstStartingAt(seq: number, ms: number): number {
    let lo = seq;
    let hi = this.#taken;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#starts[mid % this.#capacity]! < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const LB_GAUGES = LOAD_BALANCER_FIELDS.map((f) => f === 'activeConnectionCount');
const HOST_GAUGES = HOST_FIELDS.map(() => true);
