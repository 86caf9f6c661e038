/**
 * `/metrics`: ALB's CloudWatch metrics (spec §7) in Prometheus's text format. At each scrape the
 * supervisor pulls every worker's cumulative counters over IPC (the request path only ever adds
 * to plain numbers), states them in prom-client's metric JSON, and lets prom-client's cluster
 * aggregator sum the workers and render the text. Health gauges come from this node's checker.
 */
import client from 'prom-client';
import { responseTimeBuckets, type WorkerStats } from '../dataplane/index.ts';
import type { TargetHealthRecord } from '../store/state-store.ts';
import { dimensionValue as dimension } from '../monitoring/index.ts';

type Labels = Record<string, string | number>;
interface MetricJson {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: Array<{ value: number; labels: Labels; metricName?: string }>;
  aggregator: 'sum';
}

const lbCounters = [
  ['requestCount', 'RequestCount', 'counter', 'Requests received by the load balancer'],
  ['elb4xx', 'HTTPCode_ELB_4XX_Count', 'counter', '4XX responses the load balancer made itself'],
  ['elb5xx', 'HTTPCode_ELB_5XX_Count', 'counter', '5XX responses the load balancer made itself'],
  ['newConnectionCount', 'NewConnectionCount', 'counter', 'Client connections opened'],
  ['activeConnectionCount', 'ActiveConnectionCount', 'gauge', 'Client connections open now'],
  ['processedBytes', 'ProcessedBytes', 'counter', 'Bytes received and sent on client connections that have closed'],
  ['clientTlsNegotiationErrors', 'ClientTLSNegotiationErrorCount', 'counter', 'TLS handshakes with clients that failed'],
  ['rejectedConnectionCount', 'RejectedConnectionCount', 'counter', 'Client connections refused by security groups'],
] as const;

const targetCounters = [
  ['requestCount', 'RequestCountPerTarget', 'Requests sent to each target'],
  ['target2xx', 'HTTPCode_Target_2XX_Count', '2XX responses from targets'],
  ['target3xx', 'HTTPCode_Target_3XX_Count', '3XX responses from targets'],
  ['target4xx', 'HTTPCode_Target_4XX_Count', '4XX responses from targets'],
  ['target5xx', 'HTTPCode_Target_5XX_Count', '5XX responses from targets'],
  ['connectionErrors', 'TargetConnectionErrorCount', 'Connections to targets that could not be made'],
] as const;

/** One worker's counters as prom-client metric JSON (what `getMetricsAsJSON` returns). */
export function workerMetricsJson(s: WorkerStats): MetricJson[] {
  const out: MetricJson[] = [];
  for (const [field, name, type, help] of lbCounters) {
    out.push({ name, help, type, aggregator: 'sum', values: s.loadBalancers.map((l) => ({ value: l[field], labels: { load_balancer: dimension(l.loadBalancerArn) } })) });
  }
  const targetLabels = s.targets.flatMap((t) =>
    (t.loadBalancerArns.length > 0 ? t.loadBalancerArns : ['']).map((lb) => ({
      t,
      labels: { load_balancer: dimension(lb), target_group: dimension(t.targetGroupArn), target: t.targetKey },
    })),
  );
  for (const [field, name, help] of targetCounters) {
    out.push({ name, help, type: 'counter', aggregator: 'sum', values: targetLabels.map(({ t, labels }) => ({ value: t[field], labels })) });
  }
  const histogram: MetricJson = {
    name: 'TargetResponseTime',
    help: 'Seconds from sending a request to a target until its response headers arrived',
    type: 'histogram',
    aggregator: 'sum',
    values: [],
  };
  for (const { t, labels } of targetLabels) {
    let cumulative = 0;
    responseTimeBuckets.forEach((le, i) => {
      cumulative += t.responseTimeCounts[i] ?? 0;
      histogram.values.push({ metricName: 'TargetResponseTime_bucket', value: cumulative, labels: { ...labels, le } });
    });
    cumulative += t.responseTimeCounts[responseTimeBuckets.length] ?? 0;
    histogram.values.push({ metricName: 'TargetResponseTime_bucket', value: cumulative, labels: { ...labels, le: '+Inf' } });
    histogram.values.push({ metricName: 'TargetResponseTime_sum', value: t.responseTimeSum, labels });
    histogram.values.push({ metricName: 'TargetResponseTime_count', value: cumulative, labels });
  }
  out.push(histogram);
  return out;
}

/** Healthy and unhealthy target counts per target group and load balancer, from the health checker. */
export function healthMetricsJson(records: readonly TargetHealthRecord[], groupLoadBalancers: ReadonlyMap<string, readonly string[]>): MetricJson[] {
  const counts = new Map<string, { healthy: number; unhealthy: number }>();
  for (const r of records) {
    const c = counts.get(r.targetGroupArn) ?? { healthy: 0, unhealthy: 0 };
    if (r.state === 'healthy') c.healthy++;
    else if (r.state === 'unhealthy') c.unhealthy++;
    counts.set(r.targetGroupArn, c);
  }
  const healthy: MetricJson = { name: 'HealthyHostCount', help: 'Healthy targets, as this node sees them', type: 'gauge', aggregator: 'sum', values: [] };
  const unhealthy: MetricJson = { name: 'UnHealthyHostCount', help: 'Unhealthy targets, as this node sees them', type: 'gauge', aggregator: 'sum', values: [] };
  for (const [tg, c] of counts) {
    for (const lb of groupLoadBalancers.get(tg) ?? []) {
      const labels = { load_balancer: dimension(lb), target_group: dimension(tg) };
      healthy.values.push({ value: c.healthy, labels });
      unhealthy.values.push({ value: c.unhealthy, labels });
    }
  }
  return [healthy, unhealthy];
}

type LoadBalancerCounters = WorkerStats['loadBalancers'][number];
type TargetCounters = WorkerStats['targets'][number];

const foldedLbFields = ['requestCount', 'elb4xx', 'elb5xx', 'newConnectionCount', 'processedBytes', 'clientTlsNegotiationErrors', 'rejectedConnectionCount'] as const;
const foldedTargetFields = ['requestCount', 'target2xx', 'target3xx', 'target4xx', 'target5xx', 'connectionErrors', 'responseTimeSum'] as const;

/**
 * The counters of workers that exited, folded into one total per load balancer and per target,
 * so totals never go backwards when a worker is replaced and a crash-looping worker adds to the
 * same entries rather than growing a list. An entry goes when the live workers no longer report
 * its load balancer or target (it left the configuration), as their own entries do.
 */
export class RetiredCounters {
  readonly #loadBalancers = new Map<string, LoadBalancerCounters>();
  readonly #targets = new Map<string, TargetCounters>();

  /** Folds in the last counters of a worker that exited; its open connections are closed. */
  add(s: WorkerStats): void {
    for (const l of s.loadBalancers) {
      const into = this.#loadBalancers.get(l.loadBalancerArn);
      if (into === undefined) this.#loadBalancers.set(l.loadBalancerArn, { ...l, activeConnectionCount: 0 });
      else for (const f of foldedLbFields) into[f] += l[f];
    }
    for (const t of s.targets) {
      const key = `${t.targetGroupArn}\n${t.targetKey}`;
      const into = this.#targets.get(key);
      if (into === undefined) {
        this.#targets.set(key, { ...t, responseTimeCounts: [...t.responseTimeCounts] });
        continue;
      }
      for (const f of foldedTargetFields) into[f] += t[f];
      t.responseTimeCounts.forEach((c, i) => (into.responseTimeCounts[i] = (into.responseTimeCounts[i] ?? 0) + c));
    }
  }

  /**
   * Keeps only what `live` (workers on the current snapshot) report, with their names and load
   * balancers as labels; with none to go by, keeps everything.
   */
  retain(live: readonly WorkerStats[]): void {
    if (live.length === 0) return;
    const loadBalancers = new Map<string, LoadBalancerCounters>(live.flatMap((s) => s.loadBalancers.map((l) => [l.loadBalancerArn, l] as const)));
    const targets = new Map<string, TargetCounters>(live.flatMap((s) => s.targets.map((t) => [`${t.targetGroupArn}\n${t.targetKey}`, t] as const)));
    for (const [arn, l] of this.#loadBalancers) {
      const now = loadBalancers.get(arn);
      if (now === undefined) this.#loadBalancers.delete(arn);
      else l.loadBalancerName = now.loadBalancerName;
    }
    for (const [key, t] of this.#targets) {
      const now = targets.get(key);
      if (now === undefined) {
        this.#targets.delete(key);
      } else {
        t.targetGroupName = now.targetGroupName;
        t.loadBalancerArns = now.loadBalancerArns;
      }
    }
  }

  /** The folded totals, in a worker's shape. */
  stats(): WorkerStats {
    return { version: -1, loadBalancers: [...this.#loadBalancers.values()], targets: [...this.#targets.values()] };
  }
}

/** Sums the workers' metrics (and those of workers that exited) and renders Prometheus text. */
export async function renderMetrics(workers: readonly WorkerStats[], health: MetricJson[]): Promise<{ contentType: string; text: string }> {
  const registry = client.AggregatorRegistry.aggregate([...workers.map(workerMetricsJson), health] as unknown as Parameters<typeof client.AggregatorRegistry.aggregate>[0]);
  return { contentType: registry.contentType, text: await registry.metrics() };
}
