/**
 * The node's metric history, behind the CloudWatch-compatible read API and the console's live
 * charts. Every sampling interval the supervisor hands over its workers' cumulative counters and
 * its health checker's host counts; the history keeps what happened in each interval (counter
 * deltas, gauge values, TargetResponseTime histogram deltas) in fixed-size rings — one row per
 * interval per load balancer, per target and per target group — so memory is bounded by the
 * retention whatever the traffic.
 */
import { dimensionValue } from './dimensions.ts';

/** CloudWatch's high-resolution periods are 1, 5, 10, 30 s; 5 s keeps the charts live at little cost. */
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

/** One interval's summed row of the matching series. */
export interface Interval {
  /** When the interval began (ms since the epoch); it lasted until the next one began. */
  start: number;
  row: Float64Array;
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
  #series = new Map<string, Series>();
  /** Samples taken so far; sample `seq` lives in slot `seq % capacity`. */
  #taken = 0;
  #lastAt: number;
  readonly #targetGauges: boolean[];

  constructor(opts: MetricHistoryOptions) {
    this.responseTimeBounds = opts.responseTimeBounds;
    this.sampleIntervalMs = opts.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
    this.#capacity = Math.max(1, Math.ceil((opts.retentionMs ?? DEFAULT_RETENTION_MS) / this.sampleIntervalMs));
    this.#starts = new Float64Array(this.#capacity);
    this.#lastAt = opts.startedAt ?? Date.now();
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

  /**
   * Records the interval that ends at `at`: the workers' cumulative totals (several rows for the
   * same load balancer or target are summed) and the host counts at that moment. A counter that
   * went down (a worker restarted without its totals) counts from zero again.
   */
  record(at: number, totals: CounterTotals, hosts: readonly HostCounts[]): void {
    const seq = this.#taken;
    const slot = seq % this.#capacity;
    this.#starts[slot] = this.#lastAt;
    this.#lastAt = at;
    const seen = new Set<Series>();
    const touch = (key: string, kind: SeriesKind, gauges: readonly boolean[], dims: SeriesDimensions): Series => {
      let s = this.#series.get(key);
      if (s === undefined) {
        s = new Series(kind, dims, gauges, this.#capacity, seq);
        this.#series.set(key, s);
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
      const s = touch(`lb ${l.loadBalancerArn}`, 'loadBalancer', LB_GAUGES, { loadBalancers: [dimensionValue(l.loadBalancerArn)], targetGroup: undefined, target: undefined });
      LOAD_BALANCER_FIELDS.forEach((f, i) => (s.current[i]! += l[f]));
    }
    for (const t of totals.targets) {
      const s = touch(`target ${t.targetGroupArn} ${t.targetKey}`, 'target', this.#targetGauges, {
        loadBalancers: t.loadBalancerArns.map(dimensionValue),
        targetGroup: dimensionValue(t.targetGroupArn),
        target: t.targetKey,
      });
      TARGET_FIELDS.forEach((f, i) => (s.current[i]! += f === 'responseTimeSum' ? t.responseTimeSum : t[f]));
      for (let i = 0; i < t.responseTimeCounts.length && HISTOGRAM_OFFSET + i < s.current.length; i++) s.current[HISTOGRAM_OFFSET + i]! += t.responseTimeCounts[i]!;
    }
    for (const h of hosts) {
      const s = touch(`hosts ${h.targetGroupArn}`, 'hosts', HOST_GAUGES, {
        loadBalancers: h.loadBalancerArns.map(dimensionValue),
        targetGroup: dimensionValue(h.targetGroupArn),
        target: undefined,
      });
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
          s.rows[base + i] = s.gauges[i] ? now : now >= before ? now - before : now;
          s.previous[i] = now;
        }
      } else if (seq - s.lastSeenSeq >= this.#capacity) {
        // Gone for longer than the ring reaches back: nothing of it is left to show.
        this.#series.delete(key);
      } else {
        s.rows.fill(0, base, base + width);
      }
    }
    this.#taken++;
  }

  /**
   * The intervals that began within [startMs, endMs), oldest first, each with the sum of the
   * rows of the `kind` series `match` accepts. Intervals before any such series existed are left
   * out, so a metric has no data points from before its load balancer or target existed.
   */
  intervals(kind: SeriesKind, match: (dims: SeriesDimensions) => boolean, startMs: number, endMs: number): Interval[] {
    const selected = [...this.#series.values()].filter((s) => s.kind === kind && match(s.dims));
    if (selected.length === 0) return [];
    const width = selected[0]!.gauges.length;
    const out: Interval[] = [];
    for (let seq = Math.max(0, this.#taken - this.#capacity); seq < this.#taken; seq++) {
      const slot = seq % this.#capacity;
      const start = this.#starts[slot]!;
      if (start < startMs || start >= endMs) continue;
      let row: Float64Array | undefined;
      for (const s of selected) {
        if (seq < s.firstSeq) continue;
        row ??= new Float64Array(width);
        const base = slot * width;
        for (let i = 0; i < width; i++) row[i]! += s.rows[base + i]!;
      }
      if (row !== undefined) out.push({ start, row });
    }
    return out;
  }
}

const LB_GAUGES = LOAD_BALANCER_FIELDS.map((f) => f === 'activeConnectionCount');
const HOST_GAUGES = HOST_FIELDS.map(() => true);
