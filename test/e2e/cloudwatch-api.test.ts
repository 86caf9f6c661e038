// CloudWatch's metric reads, driven by the real AWS CLI v2 (/usr/bin/aws cloudwatch ...) against a
// real `albatross serve` with two workers and the tutorial's two Flask instances: after a known
// number of requests, RequestCount adds up exactly per load balancer, per target group and per
// target; TargetResponseTime has percentiles; get-metric-data answers the same; bad input gets
// CloudWatch's error codes. Killing one instance shows in UnHealthyHostCount and in its health
// timeline (DescribeTargetHealthEvents, Albatross's own action) with ALB's reason.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePort, request } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';
import {
  applyOk,
  config,
  detectionMs,
  removeTempDirs,
  slackMs,
  startTutorialPair,
  waitForTargetState,
  writeConfig,
} from '../helpers/albatross.ts';
import { AWS_CLI_SERVICE_ERROR, awsErrorCode, queryRequest, readCredentials, runAws, type AwsResult } from '../helpers/albatross-api.ts';

after(removeTempDirs);

/** The history samples every 5 s; a request shows within one interval plus the CLI's start-up. */
const SAMPLE_WAIT_MS = 20_000;

interface Datapoint {
  Timestamp: string;
  Sum?: number;
  SampleCount?: number;
  Maximum?: number;
  Unit?: string;
  ExtendedStatistics?: Record<string, number>;
}

test('the AWS CLI reads ALB metrics and health from albatross serve', async (t) => {
  const { dir, dataDir, a, b, server } = await startTutorialPair(t);
  const port = await freePort();
  const file = await writeConfig(dir, 'cw.yaml', config({ loadBalancer: 'cw-alb', listeners: [{ port, targetGroup: 'cw-tg' }], targetGroups: [{ name: 'cw-tg', ports: [a.port, b.port] }] }));
  await applyOk(file, dataDir);
  await server.waitForListener(port);
  for (const f of [a, b]) await waitForTargetState(dataDir, 'cw-tg', f.port, 'healthy', { timeoutMs: detectionMs + slackMs, server });

  const endpoint = `http://127.0.0.1:${server.adminPort}`;
  const credentialsFile = join(dataDir, 'admin-credentials');
  const aws = async (...args: string[]): Promise<any> => {
    const r = await runAws(args, { endpoint, credentialsFile });
    assert.equal(r.code, 0, `aws ${args.join(' ')} exited ${r.code}: ${r.stderr}\n${server.logs()}`);
    return r.json;
  };
  const fails = async (code: string, ...args: string[]): Promise<AwsResult> => {
    const r = await runAws(args, { endpoint, credentialsFile });
    assert.equal(r.code, AWS_CLI_SERVICE_ERROR, `aws ${args.join(' ')} should fail with ${code}: ${r.stdout}${r.stderr}`);
    assert.equal(awsErrorCode(r), code, r.stderr);
    return r;
  };
  const lbArn: string = (await aws('elbv2', 'describe-load-balancers', '--names', 'cw-alb')).LoadBalancers[0].LoadBalancerArn;
  const tgArn: string = (await aws('elbv2', 'describe-target-groups', '--names', 'cw-tg')).TargetGroups[0].TargetGroupArn;
  const lbDim = lbArn.slice(lbArn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
  const tgDim = tgArn.slice(tgArn.indexOf(':targetgroup/') + 1);
  assert.match(lbDim, /^app\/cw-alb\/[0-9a-f]{16}$/);
  assert.match(tgDim, /^targetgroup\/cw-tg\/[0-9a-f]{16}$/);

  // N requests, counted per instance from the answers.
  const n = 30;
  const perInstance = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = await request(port, { path: '/' });
    assert.equal(r.status, 200);
    perInstance.set(r.body, (perInstance.get(r.body) ?? 0) + 1);
  }
  assert.equal(perInstance.size, 2, `both instances answer: ${[...perInstance.keys()]}`);

  const window = (): string[] => ['--start-time', new Date(Date.now() - 10 * 60_000).toISOString(), '--end-time', new Date(Date.now() + 60_000).toISOString()];
  const statistics = async (metric: string, dims: Record<string, string>, stats: string[], extended = false): Promise<Datapoint[]> => {
    const dimensions = Object.entries(dims).map(([k, v]) => `Name=${k},Value=${v}`);
    const out = await aws('cloudwatch', 'get-metric-statistics', '--namespace', 'AWS/ApplicationELB', '--metric-name', metric,
      '--dimensions', ...dimensions, ...window(), '--period', '60', extended ? '--extended-statistics' : '--statistics', ...stats);
    assert.equal(out.Label, metric);
    return out.Datapoints as Datapoint[];
  };
  const sum = (points: Datapoint[], field: 'Sum' | 'SampleCount' = 'Sum'): number => points.reduce((s, d) => s + (d[field] ?? 0), 0);

  await pollUntil(async () => sum(await statistics('RequestCount', { LoadBalancer: lbDim }, ['Sum'])) === n, {
    timeoutMs: SAMPLE_WAIT_MS,
    what: `RequestCount of ${lbDim} to reach ${n}`,
  });
  const lbPoints = await statistics('RequestCount', { LoadBalancer: lbDim }, ['Sum', 'SampleCount']);
  assert.ok(lbPoints.every((d) => d.Unit === 'Count' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00/.test(d.Timestamp)), JSON.stringify(lbPoints));
  assert.equal(sum(await statistics('RequestCount', { LoadBalancer: lbDim, TargetGroup: tgDim }, ['Sum'])), n);
  assert.equal(sum(await statistics('HTTPCode_Target_2XX_Count', { LoadBalancer: lbDim, TargetGroup: tgDim }, ['Sum'])), n);
  assert.equal(sum(await statistics('HTTPCode_ELB_5XX_Count', { LoadBalancer: lbDim }, ['Sum'])), 0);
  for (const [f, name] of [[a, 'instance-a'], [b, 'instance-b']] as const) {
    const expected = [...perInstance].filter(([body]) => body.includes(name)).reduce((s, [, c]) => s + c, 0);
    assert.equal(sum(await statistics('RequestCount', { TargetGroup: tgDim, Target: `127.0.0.1:${f.port}` }, ['Sum'])), expected, name);
  }
  assert.equal(sum(await statistics('TargetResponseTime', { LoadBalancer: lbDim }, ['SampleCount']), 'SampleCount'), n);
  const times = await statistics('TargetResponseTime', { LoadBalancer: lbDim, TargetGroup: tgDim }, ['p50', 'p99'], true);
  assert.ok(times.length > 0);
  for (const d of times) {
    assert.equal(d.Unit, 'Seconds');
    assert.ok(d.ExtendedStatistics!.p50! > 0 && d.ExtendedStatistics!.p50! <= d.ExtendedStatistics!.p99!, JSON.stringify(d));
  }
  const healthy = await statistics('HealthyHostCount', { LoadBalancer: lbDim, TargetGroup: tgDim }, ['Maximum']);
  assert.equal(Math.max(...healthy.map((d) => d.Maximum ?? 0)), 2);

  // get-metric-data: the same numbers, newest first, several queries in one call.
  const queries = [
    { Id: 'requests', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: lbDim }] }, Period: 5, Stat: 'Sum' } },
    { Id: 'p99', Label: 'p99 response time', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'TargetGroup', Value: tgDim }] }, Period: 60, Stat: 'p99' } },
    { Id: 'other', MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' }, Period: 60, Stat: 'Average' } },
  ];
  const data = await aws('cloudwatch', 'get-metric-data', '--metric-data-queries', JSON.stringify(queries), ...window());
  const [requests, p99, other] = data.MetricDataResults;
  assert.equal(requests.Id, 'requests');
  assert.equal(requests.Label, 'RequestCount');
  assert.equal(requests.StatusCode, 'Complete');
  assert.equal(requests.Values.reduce((s: number, v: number) => s + v, 0), n);
  assert.equal(requests.Timestamps.length, requests.Values.length);
  const stamps = requests.Timestamps.map((s: string) => Date.parse(s));
  assert.deepEqual(stamps, [...stamps].sort((x: number, y: number) => y - x), 'newest first');
  assert.equal(p99.Label, 'p99 response time');
  assert.ok(p99.Values.length > 0 && p99.Values.every((v: number) => v > 0));
  assert.deepEqual([other.Values, other.Timestamps], [[], []]);

  // CloudWatch's errors for bad input.
  const base = ['cloudwatch', 'get-metric-statistics', '--namespace', 'AWS/ApplicationELB', '--metric-name', 'RequestCount', '--dimensions', `Name=LoadBalancer,Value=${lbDim}`];
  await fails('InvalidParameterCombination', ...base, ...window(), '--period', '60', '--statistics', 'Sum', '--extended-statistics', 'p99');
  await fails('InvalidParameterCombination', ...base, ...window(), '--period', '60');
  await fails('InvalidParameterValue', ...base, ...window(), '--period', '7', '--statistics', 'Sum');
  await fails('InvalidParameterValue', ...base, ...window(), '--period', '60', '--extended-statistics', 'tm99');
  await fails('InvalidParameterValue', ...base, '--start-time', '2026-01-02T00:00:00Z', '--end-time', '2026-01-01T00:00:00Z', '--period', '60', '--statistics', 'Sum');
  const tooMany = await fails('InvalidParameterCombination', ...base, '--start-time', '2026-01-01T00:00:00Z', '--end-time', '2026-01-03T00:00:00Z', '--period', '60', '--statistics', 'Sum');
  assert.match(tooMany.stderr, /2880 datapoints, which exceeds the limit of 1440/);
  await fails('InvalidParameterValue', 'cloudwatch', 'get-metric-data', '--metric-data-queries',
    JSON.stringify([{ Id: 'e1', Expression: 'SUM(METRICS())' }]), ...window());

  // One instance dies: unhealthy with ALB's reason, in the host count and in its timeline.
  await a.kill();
  await waitForTargetState(dataDir, 'cw-tg', a.port, 'unhealthy', { timeoutMs: detectionMs + slackMs, server });
  await pollUntil(async () => Math.max(0, ...(await statistics('UnHealthyHostCount', { LoadBalancer: lbDim, TargetGroup: tgDim }, ['Maximum'])).map((d) => d.Maximum ?? 0)) === 1, {
    timeoutMs: SAMPLE_WAIT_MS,
    what: 'UnHealthyHostCount to show the dead instance',
  });
  const events = await queryRequest(server.adminPort, readCredentials(credentialsFile), {
    body: new URLSearchParams({ Action: 'DescribeTargetHealthEvents', Version: '2015-12-01', TargetGroupArn: tgArn, 'Targets.member.1.Id': '127.0.0.1', 'Targets.member.1.Port': String(a.port) }).toString(),
  });
  assert.equal(events.status, 200, events.body);
  const timeline = [...events.body.matchAll(/<member><Target><Id>127\.0\.0\.1<\/Id><Port>(\d+)<\/Port><\/Target><Timestamp>[^<]+<\/Timestamp><State>(\w+)<\/State>(?:<Reason>([\w.]+)<\/Reason>)?/g)].map((m) => [Number(m[1]), m[2], m[3]]);
  assert.deepEqual(timeline, [
    [a.port, 'initial', 'Elb.RegistrationInProgress'],
    [a.port, 'initial', 'Elb.InitialHealthChecking'],
    [a.port, 'healthy', undefined],
    [a.port, 'unhealthy', 'Target.FailedHealthChecks'],
  ]);
  assert.match(events.body, /<Description>Health checks failed[^<]*<\/Description><\/member><\/TargetHealthEvents>/);
  const unknown = await queryRequest(server.adminPort, readCredentials(credentialsFile), {
    body: new URLSearchParams({ Action: 'DescribeTargetHealthEvents', Version: '2015-12-01', TargetGroupArn: tgArn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff') }).toString(),
  });
  assert.equal(unknown.code, 'TargetGroupNotFound');
});
