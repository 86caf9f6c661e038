/**
 * ALB's CloudWatch metrics over the history: which series and field each metric is read from for
 * a set of dimensions, and its data points per period. Answered dimension sets: `LoadBalancer`
 * (its own counters, or its targets' for target metrics), `LoadBalancer`+`TargetGroup` and
 * `TargetGroup` (the group's targets), `TargetGroup`+`Target` (Albatross's per-target series,
 * target metrics only); HealthyHostCount and UnHealthyHostCount only with
 * `TargetGroup`+`LoadBalancer`, as ALB publishes them. Any other set has no data points (as in
 * CloudWatch), rather than an error.
 */
import { DIMENSION_NAMES, type DimensionName } from './dimensions.ts';
import {
  HISTOGRAM_OFFSET,
  HOST_FIELDS,
  LOAD_BALANCER_FIELDS,
  TARGET_FIELDS,
  type Intervals,
  type MetricHistory,
  type SeriesKind,
  type SeriesSelection,
} from './metric-history.ts';
import { histogramAggregate, valuesAggregate, type Aggregate } from './statistics.ts';

export type MetricUnit = 'Count' | 'Seconds' | 'Bytes';

interface MetricDefinition {
  unit: MetricUnit;
  /** Read from the load balancer's own counters when asked for by `LoadBalancer` alone. */
  loadBalancer?: (typeof LOAD_BALANCER_FIELDS)[number];
  /** Read from the targets' counters, summed over those the dimensions select. */
  target?: (typeof TARGET_FIELDS)[number];
  /** Read from the target groups' host counts. */
  hosts?: (typeof HOST_FIELDS)[number];
  /** TargetResponseTime: the targets' histograms. */
  histogram?: true;
  /** RequestCountPerTarget: the group's requests over its healthy targets. */
  perTarget?: true;
  /** A level sampled each interval rather than a count (see `valuesAggregate`). */
  gauge?: true;
}

const METRICS: Readonly<Record<string, MetricDefinition>> = {
  RequestCount: { unit: 'Count', loadBalancer: 'requestCount', target: 'requestCount' },
  HTTPCode_ELB_4XX_Count: { unit: 'Count', loadBalancer: 'elb4xx' },
  HTTPCode_ELB_5XX_Count: { unit: 'Count', loadBalancer: 'elb5xx' },
  NewConnectionCount: { unit: 'Count', loadBalancer: 'newConnectionCount' },
  ActiveConnectionCount: { unit: 'Count', loadBalancer: 'activeConnectionCount', gauge: true },
  ProcessedBytes: { unit: 'Bytes', loadBalancer: 'processedBytes' },
  ClientTLSNegotiationErrorCount: { unit: 'Count', loadBalancer: 'clientTlsNegotiationErrors' },
  RejectedConnectionCount: { unit: 'Count', loadBalancer: 'rejectedConnectionCount' },
  HTTPCode_Target_2XX_Count: { unit: 'Count', target: 'target2xx' },
  HTTPCode_Target_3XX_Count: { unit: 'Count', target: 'target3xx' },
  HTTPCode_Target_4XX_Count: { unit: 'Count', target: 'target4xx' },
  HTTPCode_Target_5XX_Count: { unit: 'Count', target: 'target5xx' },
  TargetConnectionErrorCount: { unit: 'Count', target: 'connectionErrors' },
  TargetResponseTime: { unit: 'Seconds', histogram: true },
  RequestCountPerTarget: { unit: 'Count', target: 'requestCount', perTarget: true },
  HealthyHostCount: { unit: 'Count', hosts: 'healthy', gauge: true },
  UnHealthyHostCount: { unit: 'Count', hosts: 'unhealthy', gauge: true },
};

export interface MetricQuery {
  metricName: string;
  dimensions: ReadonlyArray<{ name: string; value: string }>;
  startMs: number;
  endMs: number;
  periodSeconds: number;
  /** Only data of this unit; another unit than the metric's gives no data points (as in CloudWatch). */
  unit?: string;
}

export interface Datapoint {
  /** Start of the period (ms since the epoch). */
  timestamp: number;
  aggregate: Aggregate;
}

export interface MetricData {
  unit: MetricUnit | undefined;
  /** Oldest first. */
  datapoints: Datapoint[];
}

/**
 * Where the first period begins, as CloudWatch rounds StartTime: down to the whole minute, or
 * for periods under a minute (1, 5, 10, 20, 30 s) down to that division of the minute.
 */
export function alignedStart(startMs: number, periodSeconds: number): number {
  const unit = Math.min(periodSeconds, 60) * 1000;
  return Math.floor(startMs / unit) * unit;
}

/** The dimensions as a selection; undefined when a name is not one of ALB's (or Albatross's `Target`). */
function selection(dimensions: MetricQuery['dimensions']): Partial<Record<DimensionName, string>> | undefined {
  const out: Partial<Record<DimensionName, string>> = {};
  for (const d of dimensions) {
    if (!(DIMENSION_NAMES as readonly string[]).includes(d.name)) return undefined;
    out[d.name as DimensionName] = d.value;
  }
  return out;
}

/** Several queries' reads of the same series over the same time share one pass over the history. */
class IntervalReader {
  readonly #history: MetricHistory;
  readonly #memo = new Map<string, Intervals>();

  constructor(history: MetricHistory) {
    this.#history = history;
  }

  /** With `field`, rows of that field only (see `MetricHistory.intervals`). */
  read(kind: SeriesKind, sel: SeriesSelection, startMs: number, endMs: number, field?: number): Intervals {
    const key = `${kind}\n${sel.loadBalancer ?? ''}\n${sel.targetGroup ?? ''}\n${sel.target ?? ''}\n${startMs}\n${endMs}\n${field ?? ''}`;
    let found = this.#memo.get(key);
    if (found === undefined) this.#memo.set(key, (found = this.#history.intervals(kind, sel, startMs, endMs, field)));
    return found;
  }
}

/**
 * The intervals of the series the metric and dimensions select, and the metric's value in
 * interval i (undefined: none in that interval); undefined: the metric is not published so.
 */
function intervalValues(
  reader: IntervalReader,
  def: MetricDefinition,
  dims: Partial<Record<DimensionName, string>>,
  startMs: number,
  endMs: number,
): { intervals: Intervals; value: (i: number) => number | undefined } | undefined {
  const sel: SeriesSelection = { loadBalancer: dims.LoadBalancer, targetGroup: dims.TargetGroup, target: dims.Target };
  const withGroup = sel.targetGroup !== undefined;
  if (sel.target !== undefined && !withGroup) return undefined;
  const read = (kind: SeriesKind, field: number) => {
    const intervals = reader.read(kind, sel, startMs, endMs, field);
    return { intervals, value: (i: number) => intervals.rows[i]! };
  };
  const requests = TARGET_FIELDS.indexOf('requestCount');
  if (def.hosts !== undefined) {
    return withGroup && sel.loadBalancer !== undefined && sel.target === undefined ? read('hosts', HOST_FIELDS.indexOf(def.hosts)) : undefined;
  }
  if (def.perTarget) {
    if (!withGroup) return undefined;
    if (sel.target !== undefined) return read('target', requests);
    // ALB's definition: the group's requests over its healthy targets; none healthy, no value.
    const hosts = reader.read('hosts', sel, startMs, endMs, HOST_FIELDS.indexOf('healthy'));
    const healthy = new Map<number, number>();
    for (let i = 0; i < hosts.count; i++) healthy.set(hosts.starts[i]!, hosts.rows[i]!);
    const intervals = reader.read('target', sel, startMs, endMs, requests);
    return {
      intervals,
      value: (i) => {
        const n = healthy.get(intervals.starts[i]!) ?? 0;
        return n > 0 ? intervals.rows[i]! / n : undefined;
      },
    };
  }
  if (def.loadBalancer !== undefined && sel.loadBalancer !== undefined && !withGroup) return read('loadBalancer', LOAD_BALANCER_FIELDS.indexOf(def.loadBalancer));
  if (sel.loadBalancer === undefined && !withGroup) return undefined;
  if (def.histogram) return { intervals: reader.read('target', sel, startMs, endMs), value: () => undefined };
  if (def.target !== undefined) return read('target', TARGET_FIELDS.indexOf(def.target));
  return undefined;
}

/** One period's data point from its intervals [from, to); undefined: none (no value, or no response). */
function datapoint(history: MetricHistory, def: MetricDefinition, found: NonNullable<ReturnType<typeof intervalValues>>, from: number, to: number): Aggregate | undefined {
  const { intervals } = found;
  if (def.histogram) {
    const buckets = intervals.width - HISTOGRAM_OFFSET;
    const counts = new Float64Array(buckets);
    let sum = 0;
    for (let i = from; i < to; i++) {
      const row = i * intervals.width;
      sum += intervals.rows[row + TARGET_FIELDS.indexOf('responseTimeSum')]!;
      for (let b = 0; b < buckets; b++) counts[b]! += intervals.rows[row + HISTOGRAM_OFFSET + b]!;
    }
    const aggregate = histogramAggregate(counts, sum, history.responseTimeBounds);
    // No response in the period: no data point, as ALB publishes none.
    return aggregate.sampleCount > 0 ? aggregate : undefined;
  }
  const values: number[] = [];
  const seconds: number[] = [];
  for (let i = from; i < to; i++) {
    const v = found.value(i);
    if (v === undefined) continue;
    values.push(v);
    seconds.push((intervals.ends[i]! - intervals.starts[i]!) / 1000);
  }
  if (values.length === 0) return undefined;
  return valuesAggregate(values, def.gauge ? seconds : undefined);
}

function query(reader: IntervalReader, history: MetricHistory, q: MetricQuery): MetricData {
  const def = Object.hasOwn(METRICS, q.metricName) ? METRICS[q.metricName] : undefined;
  const dims = selection(q.dimensions);
  if (def === undefined) return { unit: undefined, datapoints: [] };
  if (dims === undefined || (q.unit !== undefined && q.unit !== def.unit)) return { unit: def.unit, datapoints: [] };
  const periodMs = q.periodSeconds * 1000;
  // Periods count from the rounded start; each data point is stamped with its period's start.
  const startMs = alignedStart(q.startMs, q.periodSeconds);
  const found = intervalValues(reader, def, dims, startMs, q.endMs);
  if (found === undefined) return { unit: def.unit, datapoints: [] };

  // Intervals come oldest first, so each period's are a run.
  const datapoints: Datapoint[] = [];
  const { starts, count } = found.intervals;
  for (let from = 0; from < count; ) {
    const timestamp = startMs + Math.floor((starts[from]! - startMs) / periodMs) * periodMs;
    let to = from + 1;
    while (to < count && starts[to]! < timestamp + periodMs) to++;
    const aggregate = datapoint(history, def, found, from, to);
    if (aggregate !== undefined) datapoints.push({ timestamp, aggregate });
    from = to;
  }
  return { unit: def.unit, datapoints };
}

/** The data points of one metric, one per period with data, oldest first. */
export function queryMetric(history: MetricHistory, q: MetricQuery): MetricData {
  return query(new IntervalReader(history), history, q);
}

/**
 * The data points of several metrics, in order. Queries that differ only in their statistic
 * (p50 and p99 of one metric) are answered once, and queries of the same series (a group's
 * requests, response times and error counts) read the history once.
 */
export function queryMetrics(history: MetricHistory, queries: readonly MetricQuery[]): MetricData[] {
  const reader = new IntervalReader(history);
  const answered = new Map<string, MetricData>();
  return queries.map((q) => {
    const key = JSON.stringify([q.metricName, q.dimensions.map((d) => [d.name, d.value]), q.startMs, q.endMs, q.periodSeconds, q.unit ?? null]);
    let data = answered.get(key);
    if (data === undefined) answered.set(key, (data = query(reader, history, q)));
    return data;
  });
}
