/**
 * ALB's CloudWatch metrics over the history: which series and field each metric is read from for
 * a set of dimensions, and its data points per period. A metric asked for with dimensions ALB
 * does not publish it with has no data points (as in CloudWatch), rather than an error.
 */
import { DIMENSION_NAMES, type DimensionName } from './dimensions.ts';
import {
  HISTOGRAM_OFFSET,
  HOST_FIELDS,
  LOAD_BALANCER_FIELDS,
  TARGET_FIELDS,
  type Interval,
  type MetricHistory,
  type SeriesDimensions,
  type SeriesKind,
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
}

const METRICS: Readonly<Record<string, MetricDefinition>> = {
  RequestCount: { unit: 'Count', loadBalancer: 'requestCount', target: 'requestCount' },
  HTTPCode_ELB_4XX_Count: { unit: 'Count', loadBalancer: 'elb4xx' },
  HTTPCode_ELB_5XX_Count: { unit: 'Count', loadBalancer: 'elb5xx' },
  NewConnectionCount: { unit: 'Count', loadBalancer: 'newConnectionCount' },
  ActiveConnectionCount: { unit: 'Count', loadBalancer: 'activeConnectionCount' },
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
  HealthyHostCount: { unit: 'Count', hosts: 'healthy' },
  UnHealthyHostCount: { unit: 'Count', hosts: 'unhealthy' },
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

type Selection = Partial<Record<DimensionName, string>>;

/** The dimensions as a selection; undefined when a name is not one of ALB's (or Albatross's `Target`). */
function selection(dimensions: MetricQuery['dimensions']): Selection | undefined {
  const out: Selection = {};
  for (const d of dimensions) {
    if (!(DIMENSION_NAMES as readonly string[]).includes(d.name)) return undefined;
    out[d.name as DimensionName] = d.value;
  }
  return out;
}

function matcher(sel: Selection): (d: SeriesDimensions) => boolean {
  return (d) =>
    (sel.LoadBalancer === undefined || d.loadBalancers.includes(sel.LoadBalancer)) &&
    (sel.TargetGroup === undefined || d.targetGroup === sel.TargetGroup) &&
    (sel.Target === undefined || d.target === sel.Target);
}

/** One value per interval of the series the metric and dimensions select; undefined: not published so. */
function intervalValues(
  history: MetricHistory,
  def: MetricDefinition,
  sel: Selection,
  startMs: number,
  endMs: number,
): { intervals: Interval[]; value: (i: Interval) => number } | undefined {
  const byLoadBalancerAlone = sel.LoadBalancer !== undefined && sel.TargetGroup === undefined && sel.Target === undefined;
  const withGroup = sel.TargetGroup !== undefined;
  if (sel.Target !== undefined && !withGroup) return undefined;
  const read = (kind: SeriesKind, field: number) => ({
    intervals: history.intervals(kind, matcher(sel), startMs, endMs),
    value: (i: Interval) => i.row[field]!,
  });
  const requests = TARGET_FIELDS.indexOf('requestCount');
  if (def.perTarget) {
    if (!withGroup) return undefined;
    if (sel.Target !== undefined) return read('target', requests);
    // ALB's definition: the group's requests over its healthy targets; none healthy, no value.
    const healthy = new Map(history.intervals('hosts', matcher(sel), startMs, endMs).map((i) => [i.start, i.row[HOST_FIELDS.indexOf('healthy')]!]));
    return {
      intervals: history.intervals('target', matcher(sel), startMs, endMs).filter((i) => (healthy.get(i.start) ?? 0) > 0),
      value: (i) => i.row[requests]! / healthy.get(i.start)!,
    };
  }
  if (def.loadBalancer !== undefined && byLoadBalancerAlone) return read('loadBalancer', LOAD_BALANCER_FIELDS.indexOf(def.loadBalancer));
  if (def.loadBalancer !== undefined && def.target === undefined) return undefined;
  if (sel.LoadBalancer === undefined && !withGroup) return undefined;
  if (def.target !== undefined || def.histogram) return read('target', def.target === undefined ? requests : TARGET_FIELDS.indexOf(def.target));
  if (def.hosts !== undefined && sel.Target === undefined) return read('hosts', HOST_FIELDS.indexOf(def.hosts));
  return undefined;
}

/** The data points of one metric, one per period with data, oldest first. */
export function queryMetric(history: MetricHistory, q: MetricQuery): MetricData {
  const def = Object.hasOwn(METRICS, q.metricName) ? METRICS[q.metricName] : undefined;
  const sel = selection(q.dimensions);
  if (def === undefined) return { unit: undefined, datapoints: [] };
  if (sel === undefined || (q.unit !== undefined && q.unit !== def.unit)) return { unit: def.unit, datapoints: [] };
  const periodMs = q.periodSeconds * 1000;
  // As CloudWatch: the start is rounded down to the period, data points are stamped with their period's start.
  const startMs = Math.floor(q.startMs / periodMs) * periodMs;
  const found = intervalValues(history, def, sel, startMs, q.endMs);
  if (found === undefined) return { unit: def.unit, datapoints: [] };

  const periods = new Map<number, Interval[]>();
  for (const i of found.intervals) {
    const at = Math.floor(i.start / periodMs) * periodMs;
    const list = periods.get(at);
    if (list === undefined) periods.set(at, [i]);
    else list.push(i);
  }
  const datapoints: Datapoint[] = [];
  for (const [timestamp, intervals] of periods) {
    if (def.histogram) {
      const width = intervals[0]!.row.length - HISTOGRAM_OFFSET;
      const counts = new Float64Array(width);
      let sum = 0;
      for (const { row } of intervals) {
        sum += row[TARGET_FIELDS.indexOf('responseTimeSum')]!;
        for (let b = 0; b < width; b++) counts[b]! += row[HISTOGRAM_OFFSET + b]!;
      }
      const aggregate = histogramAggregate(counts, sum, history.responseTimeBounds);
      // No response in the period: no data point, as ALB publishes none.
      if (aggregate.sampleCount > 0) datapoints.push({ timestamp, aggregate });
    } else {
      datapoints.push({ timestamp, aggregate: valuesAggregate(intervals.map(found.value)) });
    }
  }
  datapoints.sort((a, b) => a.timestamp - b.timestamp);
  return { unit: def.unit, datapoints };
}
