// CloudWatch's read actions and DescribeTargetHealthEvents run directly (no HTTP, no signing) over
// a metric history and health log the test fills, with parameters through the real Query decoder:
// CloudWatch's periods (20 s included), StartTime rounded as CloudWatch rounds it, the time stamp
// forms both services accept and their own error codes, host counts only per group and load
// balancer, and several statistics of one metric in one GetMetricData call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { services } from '../../src/controlplane/api/actions/index.ts';
import { decodeQueryRequest } from '../../src/controlplane/api/query-protocol.ts';
import { renderResult, type XmlObject } from '../../src/controlplane/api/xml.ts';
import { CLOUDWATCH_NAMESPACE } from '../../src/controlplane/api/actions/cloudwatch.ts';
import { HealthEventLog, MetricHistory } from '../../src/monitoring/index.ts';
import { AlbatrossError } from '../../src/model/index.ts';
import { fixture, form, get, type Fixture, type Param } from './controlplane/elbv2-fixture.ts';
import { LB, LB_DIM, TG, lb } from './monitoring-fixture.ts';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const STEP = 5000;

/** A fixture whose node has `minutes` of history: one request per 5 s interval from T0. */
async function withHistory(minutes: number): Promise<Fixture & { monitoring: { metrics: MetricHistory; healthEvents: HealthEventLog } }> {
  const f = await fixture();
  const metrics = new MetricHistory({ responseTimeBounds: [0.01, 0.1, 1], startedAt: T0, sampleIntervalMs: STEP });
  for (let i = 1; i <= (minutes * 60_000) / STEP; i++) metrics.record(T0 + i * STEP, { loadBalancers: [lb(i)], targets: [] }, []);
  const monitoring = { metrics, healthEvents: new HealthEventLog() };
  f.ctx.monitoring = monitoring;
  return Object.assign(f, { monitoring });
}

async function cloudwatch(f: Fixture, action: string, params: Record<string, Param>): Promise<XmlObject> {
  const decoded = decodeQueryRequest('', `Action=${action}&Version=2010-08-01&${form(params)}`);
  const result = await services.monitoring.actions[action]!(decoded, f.ctx);
  renderResult(action, CLOUDWATCH_NAMESPACE, result!, 'req-1');
  return result!;
}

async function refused(call: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(err instanceof AlbatrossError, String(err));
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();

function requests(extra: Record<string, Param>): Record<string, Param> {
  return {
    Namespace: 'AWS/ApplicationELB',
    MetricName: 'RequestCount',
    Dimensions: [{ Name: 'LoadBalancer', Value: LB_DIM }],
    Statistics: ['Sum'],
    ...extra,
  };
}

/** [seconds after T0, Sum] of each data point, oldest first. */
async function sums(f: Fixture, extra: Record<string, Param>): Promise<Array<[number, number]>> {
  const points = get(await cloudwatch(f, 'GetMetricStatistics', requests(extra)), 'Datapoints') as Array<{ Timestamp: Date; Sum: number }>;
  return points.map((d) => [(d.Timestamp.getTime() - T0) / 1000, d.Sum]);
}

test('periods of 1, 5, 10, 20, 30 s or a multiple of 60 are answered; others are refused', async () => {
  const f = await withHistory(1);
  assert.deepEqual(await sums(f, { StartTime: iso(T0), EndTime: iso(T0 + 60_000), Period: 20 }), [[0, 4], [20, 4], [40, 4]]);
  assert.deepEqual(await sums(f, { StartTime: iso(T0), EndTime: iso(T0 + 60_000), Period: 120 }), [[0, 12]]);
  for (const period of [7, 0, 90]) {
    await refused(cloudwatch(f, 'GetMetricStatistics', requests({ StartTime: iso(T0), EndTime: iso(T0 + 60_000), Period: period })), 'InvalidParameterValue', /must be 1, 5, 10, 20, 30 or a multiple of 60/);
  }
});

test('StartTime is rounded down to the minute (to the period under a minute), and periods count from there', async () => {
  const f = await withHistory(3);
  // An hour's period asked from 12:01:35: one point at 12:01 with nothing from before it.
  assert.deepEqual(await sums(f, { StartTime: iso(T0 + 95_000), EndTime: iso(T0 + 3600_000), Period: 3600 }), [[60, 24]]);
  // Ten-second periods from 12:00:23: from 12:00:20.
  assert.deepEqual(await sums(f, { StartTime: iso(T0 + 23_000), EndTime: iso(T0 + 50_000), Period: 10 }), [[20, 2], [30, 2], [40, 2]]);
  // 1440 hourly points from 12:32 fit (they would not if the start went back to 12:00); 1441 do not.
  const from = T0 + 32 * 60_000;
  assert.deepEqual(await sums(f, { StartTime: iso(from), EndTime: iso(from + 1440 * 3600_000), Period: 3600 }), []);
  await refused(
    cloudwatch(f, 'GetMetricStatistics', requests({ StartTime: iso(from), EndTime: iso(from + 1440 * 3600_000 + 1000), Period: 3600 })),
    'InvalidParameterCombination',
    /1441 datapoints, which exceeds the limit of 1440/,
  );
});

test('time stamps: ISO 8601 or seconds since the epoch for both services, each refusing others with its own code', async () => {
  const f = await withHistory(1);
  assert.deepEqual(await sums(f, { StartTime: String(T0 / 1000), EndTime: String((T0 + 60_000) / 1000), Period: 60 }), [[0, 12]]);
  await refused(cloudwatch(f, 'GetMetricStatistics', requests({ StartTime: 'yesterday', EndTime: iso(T0), Period: 60 })), 'InvalidParameterValue', /StartTime must be an ISO 8601 time stamp/);
  await refused(cloudwatch(f, 'GetMetricStatistics', requests({ StartTime: '', EndTime: iso(T0), Period: 60 })), 'MissingParameter');

  const arn = get(await f.call('CreateTargetGroup', { Name: 'tg', Protocol: 'HTTP', Port: 80, TargetType: 'instance' }), 'TargetGroups', 0, 'TargetGroupArn');
  f.monitoring.healthEvents.record(arn, '10.0.0.1:80', { at: T0, state: 'initial', reason: 'Elb.RegistrationInProgress', description: undefined });
  f.monitoring.healthEvents.record(arn, '10.0.0.1:80', { at: T0 + 30_000, state: 'healthy', reason: undefined, description: undefined });
  const events = async (extra: Record<string, Param>): Promise<string[]> =>
    (get(await f.call('DescribeTargetHealthEvents', { TargetGroupArn: arn, ...extra }), 'TargetHealthEvents') as Array<{ State: string }>).map((e) => e.State);
  assert.deepEqual(await events({ StartTime: String((T0 + 40_000) / 1000) }), ['healthy']);
  assert.deepEqual(await events({ StartTime: iso(T0), EndTime: iso(T0 + 10_000) }), ['initial']);
  await f.fails('DescribeTargetHealthEvents', { TargetGroupArn: arn, StartTime: '2026-01-15' }, 'ValidationError', /StartTime must be an ISO 8601 time stamp/);
});

test('HealthyHostCount and UnHealthyHostCount: per target group and load balancer only', async () => {
  const f = await withHistory(0);
  for (let i = 1; i <= 12; i++) f.monitoring.metrics.record(T0 + i * STEP, { loadBalancers: [], targets: [] }, [{ targetGroupArn: TG, loadBalancerArns: [LB], healthy: 2, unhealthy: 1 }]);
  const hosts = async (metric: string, dims: Record<string, string>): Promise<number[]> => {
    const r = await cloudwatch(f, 'GetMetricStatistics', {
      Namespace: 'AWS/ApplicationELB',
      MetricName: metric,
      Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
      StartTime: iso(T0),
      EndTime: iso(T0 + 60_000),
      Period: 60,
      Statistics: ['Maximum'],
    });
    return (get(r, 'Datapoints') as Array<{ Maximum: number }>).map((d) => d.Maximum);
  };
  const both = { TargetGroup: 'targetgroup/pool/fedcba9876543210', LoadBalancer: LB_DIM };
  assert.deepEqual(await hosts('HealthyHostCount', both), [2]);
  assert.deepEqual(await hosts('UnHealthyHostCount', both), [1]);
  assert.deepEqual(await hosts('HealthyHostCount', { TargetGroup: both.TargetGroup }), []);
  assert.deepEqual(await hosts('UnHealthyHostCount', { LoadBalancer: LB_DIM }), []);
});

test('GetMetricData: several statistics of one metric in one call, each in the order asked for', async () => {
  const f = await withHistory(2);
  const query = (Id: string, Stat: string) => ({
    Id,
    MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: LB_DIM }] }, Period: 60, Stat },
  });
  const r = await cloudwatch(f, 'GetMetricData', { MetricDataQueries: [query('sum', 'Sum'), query('max', 'Maximum'), query('n', 'SampleCount')], StartTime: iso(T0), EndTime: iso(T0 + 120_000) });
  const results = get(r, 'MetricDataResults') as Array<{ Id: string; Timestamps: Date[]; Values: number[] }>;
  assert.deepEqual(
    results.map((q) => [q.Id, q.Timestamps.map((t) => (t.getTime() - T0) / 1000), q.Values]),
    [['sum', [60, 0], [12, 12]], ['max', [60, 0], [1, 1]], ['n', [60, 0], [12, 12]]],
  );
});
