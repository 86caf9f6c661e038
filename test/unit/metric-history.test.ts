// The metric history behind the CloudWatch API and the console's charts: bounded rings, deltas
// of cumulative counters summed over workers, ALB's dimension sets, statistics per period,
// percentiles from histogram deltas, and the per-target health timelines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_MAX_EVENTS_PER_TARGET,
  HealthEventLog,
  MetricHistory,
  histogramPercentile,
  queryMetric,
  queryMetrics,
  statistic,
  type MetricQuery,
  type TargetTotals,
} from '../../src/monitoring/index.ts';
import { LB, LB_DIM, TG, TG_DIM, lb } from './monitoring-fixture.ts';

const BOUNDS = [0.01, 0.1, 1];
const T0 = 1_800_000_000_000; // a whole minute
const STEP = 5000;

function target(key: string, requestCount: number, responseTimeCounts: number[] = [requestCount, 0, 0, 0], extra: Partial<TargetTotals> = {}): TargetTotals {
  return {
    targetGroupArn: TG,
    loadBalancerArns: [LB],
    targetKey: key,
    requestCount,
    target2xx: requestCount,
    target3xx: 0,
    target4xx: 0,
    target5xx: 0,
    connectionErrors: 0,
    responseTimeCounts,
    responseTimeSum: 0,
    ...extra,
  };
}

/** Equal within floating-point rounding. */
function near(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);
}

function history(retentionMs = 60 * 60 * 1000): MetricHistory {
  return new MetricHistory({ responseTimeBounds: BOUNDS, startedAt: T0, sampleIntervalMs: STEP, retentionMs });
}

function query(h: MetricHistory, metricName: string, dims: Record<string, string>, periodSeconds = 60, extra: Partial<MetricQuery> = {}) {
  return queryMetric(h, {
    metricName,
    dimensions: Object.entries(dims).map(([name, value]) => ({ name, value })),
    startMs: T0,
    endMs: T0 + 3600_000,
    periodSeconds,
    ...extra,
  });
}

function stats(h: MetricHistory, metricName: string, dims: Record<string, string>, periodSeconds: number, stat: string): number[] {
  return query(h, metricName, dims, periodSeconds).datapoints.map((d) => statistic(d.aggregate, stat));
}

function sums(h: MetricHistory, metricName: string, dims: Record<string, string>, periodSeconds = 60): number[] {
  return stats(h, metricName, dims, periodSeconds, 'Sum');
}

test('each interval keeps the deltas of cumulative counters, summed over workers', () => {
  const h = history();
  // Two workers, cumulative counters.
  h.record(T0 + STEP, { loadBalancers: [lb(3), lb(4)], targets: [target('10.0.0.1:80', 3), target('10.0.0.1:80', 4)] }, []);
  h.record(T0 + 2 * STEP, { loadBalancers: [lb(5), lb(4)], targets: [target('10.0.0.1:80', 5), target('10.0.0.1:80', 4)] }, []);
  assert.deepEqual(sums(h, 'RequestCount', { LoadBalancer: LB_DIM }, 5), [7, 2]);
  assert.deepEqual(sums(h, 'RequestCount', { LoadBalancer: LB_DIM }), [9]);
  assert.deepEqual(sums(h, 'HTTPCode_Target_2XX_Count', { TargetGroup: TG_DIM, Target: '10.0.0.1:80' }, 5), [7, 2]);
  const points = query(h, 'RequestCount', { LoadBalancer: LB_DIM }, 5).datapoints;
  assert.deepEqual(points.map((d) => d.timestamp), [T0, T0 + STEP]);
  assert.deepEqual(points.map((d) => statistic(d.aggregate, 'SampleCount')), [1, 1]);
});

test('a counter that goes down counts from zero again; a series that comes back counts from zero', () => {
  const h = history();
  // The target left and came back between two samples: its new counters started from zero.
  h.record(T0 + STEP, { loadBalancers: [], targets: [target('10.0.0.1:80', 10)] }, []);
  h.record(T0 + 2 * STEP, { loadBalancers: [], targets: [target('10.0.0.1:80', 2)] }, []);
  h.record(T0 + 3 * STEP, { loadBalancers: [], targets: [target('10.0.0.1:80', 5)] }, []);
  // It left for a sample, then came back with 15 requests on its new counters.
  h.record(T0 + 4 * STEP, { loadBalancers: [], targets: [] }, []);
  h.record(T0 + 5 * STEP, { loadBalancers: [], targets: [target('10.0.0.1:80', 15)] }, []);
  assert.deepEqual(sums(h, 'RequestCount', { TargetGroup: TG_DIM, Target: '10.0.0.1:80' }, 5), [10, 2, 3, 0, 15]);
});

test("a gauge's Sum weighs each sample by its share of a minute: a minute's Sum is the average level", () => {
  const h = history();
  h.record(T0 + STEP, { loadBalancers: [lb(0, { activeConnectionCount: 4 })], targets: [] }, []);
  h.record(T0 + 2 * STEP, { loadBalancers: [lb(0, { activeConnectionCount: 1 })], targets: [] }, []);
  h.record(T0 + 3 * STEP, { loadBalancers: [lb(0, { activeConnectionCount: 1 })], targets: [] }, []);
  const fiveSeconds = stats(h, 'ActiveConnectionCount', { LoadBalancer: LB_DIM }, 5, 'Sum');
  assert.equal(fiveSeconds.length, 3);
  [4 / 12, 1 / 12, 1 / 12].forEach((v, i) => near(fiveSeconds[i]!, v));
  assert.deepEqual(stats(h, 'ActiveConnectionCount', { LoadBalancer: LB_DIM }, 5, 'Average'), [4, 1, 1]);
  const minute = query(h, 'ActiveConnectionCount', { LoadBalancer: LB_DIM }).datapoints[0]!.aggregate;
  assert.deepEqual(['Minimum', 'Maximum', 'Average', 'SampleCount'].map((s) => statistic(minute, s)), [1, 4, 2, 3]);
  near(statistic(minute, 'Sum'), 0.5);
  // A full minute at a steady 6 connections: Sum 6, not 12 samples × 6; counters are not weighed.
  const steady = history();
  for (let i = 1; i <= 12; i++) steady.record(T0 + i * STEP, { loadBalancers: [lb(i, { activeConnectionCount: 6 })], targets: [] }, []);
  near(stats(steady, 'ActiveConnectionCount', { LoadBalancer: LB_DIM }, 60, 'Sum')[0]!, 6);
  assert.deepEqual(sums(steady, 'RequestCount', { LoadBalancer: LB_DIM }), [12]);
});

test('intervals are stamped on the sampling grid: a late sample and the next on-time one share one interval', () => {
  const h = history();
  h.record(T0 + STEP + 40, { loadBalancers: [lb(3)], targets: [] }, []);
  // The sampler was late (9.99 s, then 10.01 s): both samples belong to the 10 s grid point.
  h.record(T0 + 2 * STEP - 10, { loadBalancers: [lb(5)], targets: [] }, []);
  h.record(T0 + 2 * STEP + 10, { loadBalancers: [lb(6)], targets: [] }, []);
  // A stall: nothing sampled at 15 s, the next sample at 20 s covers both steps.
  h.record(T0 + 4 * STEP + 300, { loadBalancers: [lb(10)], targets: [] }, []);
  const points = query(h, 'RequestCount', { LoadBalancer: LB_DIM }, 5).datapoints;
  assert.deepEqual(
    points.map((d) => [d.timestamp - T0, statistic(d.aggregate, 'SampleCount'), statistic(d.aggregate, 'Sum')]),
    [[0, 1, 3], [5000, 1, 3], [10_000, 1, 4]],
  );
});

test('the ring is bounded: old intervals fall out, series gone longer than the retention are dropped', () => {
  const h = history(30_000);
  assert.equal(h.capacity, 6);
  for (let i = 1; i <= 20; i++) {
    const targets = i <= 3 ? [target('10.0.0.2:80', i)] : [];
    h.record(T0 + i * STEP, { loadBalancers: [lb(i * 2)], targets: [target('10.0.0.1:80', i), ...targets] }, []);
  }
  const points = query(h, 'RequestCount', { LoadBalancer: LB_DIM }, 5).datapoints;
  assert.equal(points.length, 6);
  assert.equal(points[0]!.timestamp, T0 + 14 * STEP);
  assert.deepEqual(points.map((d) => statistic(d.aggregate, 'Sum')), [2, 2, 2, 2, 2, 2]);
  // The LB, the remaining target; the target that left 17 intervals ago is gone.
  assert.equal(h.seriesCount, 2);
  assert.deepEqual(sums(h, 'RequestCount', { TargetGroup: TG_DIM, Target: '10.0.0.2:80' }, 5), []);
});

test('ALB dimension sets: LoadBalancer, LoadBalancer+TargetGroup, TargetGroup (+Target); others have no data', () => {
  const h = history();
  h.record(T0 + STEP, { loadBalancers: [lb(12, { elb5xx: 2 })], targets: [target('10.0.0.1:80', 6), target('10.0.0.2:80', 4)] }, []);
  // The LB's own count includes requests it answered itself (its 503s).
  assert.deepEqual(sums(h, 'RequestCount', { LoadBalancer: LB_DIM }), [12]);
  assert.deepEqual(sums(h, 'RequestCount', { LoadBalancer: LB_DIM, TargetGroup: TG_DIM }), [10]);
  assert.deepEqual(sums(h, 'RequestCount', { TargetGroup: TG_DIM }), [10]);
  assert.deepEqual(sums(h, 'RequestCount', { TargetGroup: TG_DIM, Target: '10.0.0.2:80' }), [4]);
  assert.deepEqual(sums(h, 'HTTPCode_ELB_5XX_Count', { LoadBalancer: LB_DIM }), [2]);
  assert.deepEqual(sums(h, 'HTTPCode_ELB_5XX_Count', { LoadBalancer: LB_DIM, TargetGroup: TG_DIM }), []);
  assert.deepEqual(sums(h, 'RequestCount', {}), []);
  assert.deepEqual(sums(h, 'RequestCount', { Target: '10.0.0.2:80' }), []);
  assert.deepEqual(sums(h, 'RequestCount', { LoadBalancer: LB_DIM, AvailabilityZone: 'local' }), []);
  assert.deepEqual(sums(h, 'RequestCount', { LoadBalancer: 'app/other/0000000000000000' }), []);
  assert.deepEqual(sums(h, 'NoSuchMetric', { LoadBalancer: LB_DIM }), []);
  assert.deepEqual(query(h, 'RequestCount', { LoadBalancer: LB_DIM }, 60, { unit: 'Seconds' }).datapoints, []);
  assert.equal(query(h, 'RequestCount', { LoadBalancer: LB_DIM }).unit, 'Count');
});

test('periods count from StartTime rounded down to the minute (or the period under a minute), and cover only intervals within the window', () => {
  const h = history();
  for (let i = 1; i <= 24; i++) h.record(T0 + i * STEP, { loadBalancers: [lb(i)], targets: [] }, []);
  // 24 intervals from T0: two whole minutes of one request each.
  assert.deepEqual(sums(h, 'RequestCount', { LoadBalancer: LB_DIM }), [12, 12]);
  assert.deepEqual(sums(h, 'RequestCount', { LoadBalancer: LB_DIM }, 30), [6, 6, 6, 6]);
  assert.deepEqual(sums(h, 'RequestCount', { LoadBalancer: LB_DIM }, 20), [4, 4, 4, 4, 4, 4]);
  const at = (periodSeconds: number, startMs: number, endMs = T0 + 3600_000) =>
    query(h, 'RequestCount', { LoadBalancer: LB_DIM }, periodSeconds, { startMs, endMs }).datapoints.map((d) => [d.timestamp - T0, statistic(d.aggregate, 'Sum')]);
  // The end is exclusive; 1:01 is rounded down to 1:00.
  assert.deepEqual(at(60, T0 + 61_000, T0 + 90_000), [[60_000, 6]]);
  // An hour's period from 0:01:02 (T0 is on the hour): one point at 0:01, nothing from before it.
  assert.deepEqual(at(3600, T0 + 62_000), [[60_000, 12]]);
  assert.deepEqual(at(120, T0 + 30_000), [[0, 24]]);
  // Under a minute: down to that division of the minute (0:23 → 0:20 for 10 s periods).
  assert.deepEqual(at(10, T0 + 23_000, T0 + 40_000), [[20_000, 2], [30_000, 2]]);
});

test('TargetResponseTime percentiles come from the histogram deltas of the period only', () => {
  const h = history();
  // First minute: 100 fast responses (≤ 10 ms). Second minute: 100 slow ones (0.1–1 s).
  const fastOnes = target('10.0.0.1:80', 100, [100, 0, 0, 0], { responseTimeSum: 0.5 });
  h.record(T0 + STEP, { loadBalancers: [], targets: [fastOnes] }, []);
  h.record(T0 + 60_000, { loadBalancers: [], targets: [fastOnes] }, []);
  h.record(T0 + 60_000 + STEP, { loadBalancers: [], targets: [target('10.0.0.1:80', 200, [100, 0, 100, 0], { responseTimeSum: 50.5 })] }, []);
  const points = query(h, 'TargetResponseTime', { TargetGroup: TG_DIM }).datapoints;
  assert.equal(points.length, 2);
  const [fast, slow] = points.map((d) => d.aggregate);
  assert.equal(statistic(fast!, 'SampleCount'), 100);
  near(statistic(fast!, 'p50'), 0.005);
  near(statistic(fast!, 'p99'), 0.0099);
  near(statistic(fast!, 'Average'), 0.005);
  near(statistic(slow!, 'p50'), 0.55);
  near(statistic(slow!, 'p99'), 0.991);
  near(statistic(slow!, 'Average'), 0.5);
  near(statistic(slow!, 'Minimum'), 0.1);
  near(statistic(slow!, 'Maximum'), 1);
  // Both minutes at once: half fast, half slow.
  const hour = query(h, 'TargetResponseTime', { TargetGroup: TG_DIM }, 3600).datapoints[0]!.aggregate;
  assert.equal(statistic(hour, 'SampleCount'), 200);
  near(statistic(hour, 'p25'), 0.005);
  near(statistic(hour, 'p75'), 0.55);
  // A period without responses has no TargetResponseTime data point.
  const same = target('10.0.0.1:80', 200, [100, 0, 100, 0], { responseTimeSum: 50.5 });
  h.record(T0 + 180_000, { loadBalancers: [], targets: [same] }, []);
  h.record(T0 + 180_000 + STEP, { loadBalancers: [], targets: [same] }, []);
  assert.equal(query(h, 'RequestCount', { TargetGroup: TG_DIM }).datapoints.length, 3);
  assert.equal(query(h, 'TargetResponseTime', { TargetGroup: TG_DIM }).datapoints.length, 2);
});

test('histogram percentiles interpolate within the bucket; the open top bucket is at the highest bound', () => {
  near(histogramPercentile([0, 10, 0, 0], BOUNDS, 50), 0.055);
  assert.equal(histogramPercentile([0, 0, 0, 4], BOUNDS, 99), 1);
  assert.equal(histogramPercentile([0, 0, 0, 0], BOUNDS, 50), 0);
  assert.equal(histogramPercentile([4, 0, 0, 0], BOUNDS, 0), 0);
});

test('host counts per target group; RequestCountPerTarget is the group requests over its healthy targets', () => {
  const h = history();
  const hosts = (healthy: number, unhealthy: number) => [{ targetGroupArn: TG, loadBalancerArns: [LB], healthy, unhealthy }];
  h.record(T0 + STEP, { loadBalancers: [], targets: [target('10.0.0.1:80', 10), target('10.0.0.2:80', 10)] }, hosts(2, 0));
  h.record(T0 + 2 * STEP, { loadBalancers: [], targets: [target('10.0.0.1:80', 16), target('10.0.0.2:80', 10)] }, hosts(1, 1));
  h.record(T0 + 3 * STEP, { loadBalancers: [], targets: [target('10.0.0.1:80', 16), target('10.0.0.2:80', 10)] }, hosts(0, 2));
  const both = { LoadBalancer: LB_DIM, TargetGroup: TG_DIM };
  assert.deepEqual(stats(h, 'HealthyHostCount', both, 5, 'Maximum'), [2, 1, 0]);
  assert.deepEqual(stats(h, 'UnHealthyHostCount', both, 5, 'Maximum'), [0, 1, 2]);
  // ALB publishes host counts only per target group and load balancer.
  const others: Array<Record<string, string>> = [{ TargetGroup: TG_DIM }, { LoadBalancer: LB_DIM }, { ...both, Target: '10.0.0.1:80' }, { TargetGroup: TG_DIM, Target: '10.0.0.1:80' }];
  for (const dims of others) {
    assert.deepEqual(stats(h, 'HealthyHostCount', dims, 5, 'Maximum'), [], JSON.stringify(dims));
    assert.deepEqual(stats(h, 'UnHealthyHostCount', dims, 5, 'Maximum'), [], JSON.stringify(dims));
  }
  assert.deepEqual(sums(h, 'RequestCountPerTarget', { TargetGroup: TG_DIM }, 5), [10, 6]);
  assert.deepEqual(sums(h, 'RequestCountPerTarget', { TargetGroup: TG_DIM, Target: '10.0.0.1:80' }, 5), [10, 6, 0]);
  assert.deepEqual(sums(h, 'RequestCountPerTarget', { LoadBalancer: LB_DIM }, 5), []);
});

test('several queries in one read: each its own answer, those differing only in statistic alike', () => {
  const h = history();
  h.record(T0 + STEP, { loadBalancers: [lb(12)], targets: [target('10.0.0.1:80', 6, [6, 0, 0, 0], { responseTimeSum: 0.03 }), target('10.0.0.2:80', 4, [0, 0, 4, 0], { responseTimeSum: 2 })] }, []);
  const q = (metricName: string, dims: Record<string, string>) => ({
    metricName,
    dimensions: Object.entries(dims).map(([name, value]) => ({ name, value })),
    startMs: T0,
    endMs: T0 + 60_000,
    periodSeconds: 60,
  });
  const [p50, p99, requests, perTarget, other] = queryMetrics(h, [
    q('TargetResponseTime', { TargetGroup: TG_DIM }),
    q('TargetResponseTime', { TargetGroup: TG_DIM }),
    q('RequestCount', { TargetGroup: TG_DIM }),
    q('RequestCount', { TargetGroup: TG_DIM, Target: '10.0.0.2:80' }),
    q('RequestCount', { LoadBalancer: LB_DIM }),
  ]);
  near(statistic(p50!.datapoints[0]!.aggregate, 'p50'), 0.01 * (5 / 6));
  near(statistic(p99!.datapoints[0]!.aggregate, 'p99'), 0.1 + 0.9 * (3.9 / 4));
  assert.deepEqual([requests, perTarget, other].map((d) => statistic(d!.datapoints[0]!.aggregate, 'Sum')), [10, 4, 12]);
});

test('the health log keeps 200 events per target unless told otherwise', () => {
  const log = new HealthEventLog();
  for (let i = 0; i < 250; i++) log.record(TG, '10.0.0.1:80', { at: T0 + i * 1000, state: i % 2 === 0 ? 'healthy' : 'unhealthy', reason: undefined, description: undefined });
  const [timeline] = log.timelines(TG);
  assert.equal(DEFAULT_MAX_EVENTS_PER_TARGET, 200);
  assert.equal(timeline!.events.length, 200);
  assert.equal(timeline!.events[0]!.at, T0 + 50_000);
});

test('health timelines: every change in order, the one in force at the window start, bounded, not-registered once', () => {
  const log = new HealthEventLog({ retentionMs: 60_000, maxEventsPerTarget: 3 });
  const ev = (at: number, state: string, reason?: string) => ({ at, state, reason, description: reason && `because ${reason}` });
  log.record(TG, '10.0.0.1:80', ev(T0, 'initial', 'Elb.RegistrationInProgress'));
  log.record(TG, '10.0.0.1:80', ev(T0 + 1000, 'initial', 'Elb.InitialHealthChecking'));
  log.record(TG, '10.0.0.1:80', ev(T0 + 10_000, 'healthy'));
  log.record(TG, '10.0.0.2:80', ev(T0 + 2000, 'healthy'));
  log.record(TG, '10.0.0.1:80', ev(T0 + 20_000, 'unhealthy', 'Target.FailedHealthChecks'));
  const all = log.timelines(TG);
  assert.deepEqual(all.map((t) => t.targetKey), ['10.0.0.1:80', '10.0.0.2:80']);
  // At most three kept: the oldest went first.
  assert.deepEqual(all[0]!.events.map((e) => e.state), ['initial', 'healthy', 'unhealthy']);
  assert.equal(all[0]!.events[2]!.description, 'because Target.FailedHealthChecks');
  const window = log.timelines(TG, T0 + 15_000, T0 + 30_000);
  assert.deepEqual(window.map((t) => [t.targetKey, t.events.map((e) => e.state)]), [['10.0.0.1:80', ['healthy', 'unhealthy']], ['10.0.0.2:80', ['healthy']]]);
  assert.deepEqual(log.timelines('arn:other'), []);

  // 10.0.0.2 leaves: one not-registered event, however often the log is synced.
  const onlyFirst = (_tg: string, key: string) => key === '10.0.0.1:80';
  log.sync(T0 + 40_000, onlyFirst);
  log.sync(T0 + 45_000, onlyFirst);
  assert.deepEqual(log.timelines(TG)[1]!.events.map((e) => [e.state, e.reason, e.at - T0]), [['healthy', undefined, 2000], ['unused', 'Target.NotRegistered', 40_000]]);
  // Past the retention: the registered target keeps the event in force; the one that left is forgotten.
  log.sync(T0 + 200_000, onlyFirst);
  assert.deepEqual(log.timelines(TG).map((t) => [t.targetKey, t.events.map((e) => e.state)]), [['10.0.0.1:80', ['unhealthy']]]);
});
