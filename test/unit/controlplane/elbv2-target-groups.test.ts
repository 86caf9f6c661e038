/*
 * Target group actions run directly against a real SQLite store: create (with ALB's defaults and
 * idempotency), describe (filters, pagination), modify, attributes, targets and their health, and
 * delete; every refused call names ALB's error code and leaves the store exactly as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { health, normalizeActions, ruleArn } from '../../../src/model/index.ts';
import { fixture, get, type Fixture } from './elbv2-fixture.ts';

const tutorial = {
  Name: 'tutorial-tg',
  Protocol: 'HTTP',
  Port: 8080,
  ProtocolVersion: 'HTTP1',
  TargetType: 'instance',
  HealthCheckPath: '/status',
  HealthCheckIntervalSeconds: 5,
  HealthCheckTimeoutSeconds: 2,
  HealthyThresholdCount: 2,
};

async function createGroup(f: Fixture, params: Record<string, any> = tutorial): Promise<string> {
  const r = await f.call('CreateTargetGroup', params);
  return get(r, 'TargetGroups', 0, 'TargetGroupArn');
}

test('CreateTargetGroup returns the group with ALB defaults filled in, field by field', async () => {
  const f = await fixture();
  const r = await f.call('CreateTargetGroup', tutorial);
  const tg = get(r, 'TargetGroups', 0);
  assert.match(tg.TargetGroupArn, /^arn:aws:elasticloadbalancing:local:000000000000:targetgroup\/tutorial-tg\/[0-9a-f]{16}$/);
  assert.deepEqual(tg, {
    TargetGroupArn: tg.TargetGroupArn,
    TargetGroupName: 'tutorial-tg',
    Protocol: 'HTTP',
    Port: 8080,
    VpcId: 'vpc-local',
    HealthCheckProtocol: 'HTTP',
    HealthCheckPort: 'traffic-port',
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: 5,
    HealthCheckTimeoutSeconds: 2,
    HealthyThresholdCount: 2,
    UnhealthyThresholdCount: 2,
    HealthCheckPath: '/status',
    Matcher: { HttpCode: '200' },
    LoadBalancerArns: [],
    TargetType: 'instance',
    ProtocolVersion: 'HTTP1',
    IpAddressType: 'ipv4',
  });
  // Minimal call: ALB's defaults.
  const min = get(await f.call('CreateTargetGroup', { Name: 'min' }), 'TargetGroups', 0);
  assert.equal(min.Port, 80);
  assert.equal(min.Protocol, 'HTTP');
  assert.equal(min.HealthCheckIntervalSeconds, 30);
  assert.equal(min.HealthyThresholdCount, 5);
  assert.equal(min.HealthCheckPath, '/');
});

test('CreateTargetGroup with the same settings returns the same group; different settings are DuplicateTargetGroupName', async () => {
  const f = await fixture();
  const arn = await createGroup(f);
  const version = await f.store.configVersion();
  assert.equal(await createGroup(f), arn);
  assert.equal(await f.store.configVersion(), version, 'an identical create writes nothing');
  await f.fails('CreateTargetGroup', { ...tutorial, Port: 8081 }, 'DuplicateTargetGroupName', /already exists/);
  await f.fails('CreateTargetGroup', { ...tutorial, HealthCheckPath: '/' }, 'DuplicateTargetGroupName');
});

test('CreateTargetGroup refuses bad values with ValidationError and changes nothing', async () => {
  const f = await fixture();
  await f.fails('CreateTargetGroup', { Name: 'bad_name' }, 'ValidationError', /alphanumeric/);
  await f.fails('CreateTargetGroup', { Name: 'a'.repeat(33) }, 'ValidationError', /32 characters/);
  await f.fails('CreateTargetGroup', { Name: '-lead' }, 'ValidationError');
  await f.fails('CreateTargetGroup', {}, 'MissingParameter', /Name/);
  await f.fails('CreateTargetGroup', { Name: 'p', Port: 0 }, 'ValidationError', /Port/);
  await f.fails('CreateTargetGroup', { Name: 'p', Port: 65536 }, 'ValidationError');
  await f.fails('CreateTargetGroup', { Name: 'p', Port: 'eighty' }, 'ValidationError', /integer/);
  await f.fails('CreateTargetGroup', { Name: 'p', Protocol: 'TCP' }, 'ValidationError', /HTTP, HTTPS/);
  await f.fails('CreateTargetGroup', { Name: 'p', TargetType: 'lambda' }, 'ValidationError');
  await f.fails('CreateTargetGroup', { Name: 'p', ProtocolVersion: 'HTTP3' }, 'ValidationError');
  await f.fails('CreateTargetGroup', { Name: 'p', HealthCheckIntervalSeconds: 4 }, 'ValidationError', /5 to 300/);
  await f.fails('CreateTargetGroup', { Name: 'p', HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 10 }, 'ValidationError', /smaller than the interval/);
  // As on ALB: interval 5 with the default timeout (5) is refused; the timeout must be given.
  await f.fails('CreateTargetGroup', { Name: 'p', HealthCheckIntervalSeconds: 5 }, 'ValidationError', /timeout \(5\) must be smaller than the interval \(5\)/);
  await f.fails('CreateTargetGroup', { Name: 'p', HealthyThresholdCount: 11 }, 'ValidationError');
  await f.fails('CreateTargetGroup', { Name: 'p', UnhealthyThresholdCount: 1 }, 'ValidationError');
  await f.fails('CreateTargetGroup', { Name: 'p', HealthCheckPath: 'status' }, 'ValidationError', /start with '\/'/);
  await f.fails('CreateTargetGroup', { Name: 'p', HealthCheckPort: '70000' }, 'ValidationError');
  await f.fails('CreateTargetGroup', { Name: 'p', HealthCheckEnabled: 'yes' }, 'ValidationError', /true or false/);
  await f.fails('CreateTargetGroup', { Name: 'p', Matcher: { HttpCode: '600' } }, 'ValidationError', /Matcher/);
  await f.fails('CreateTargetGroup', { Name: 'p', Matcher: { GrpcCode: '12' } }, 'ValidationError', /GrpcCode/);
  await f.fails('CreateTargetGroup', { Name: 'p', VpcId: 'vpc-123' }, 'ValidationError', /vpc-local/);
  await f.fails('CreateTargetGroup', { Name: 'p', IpAddressType: 'ipv6' }, 'ValidationError');
  await f.fails('CreateTargetGroup', { Name: 'p', Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] }, 'DuplicateTagKeys');
  assert.deepEqual(get(await f.call('DescribeTargetGroups'), 'TargetGroups'), []);
});

test('CreateTargetGroup with Tags stores them', async () => {
  const f = await fixture();
  const arn = await createGroup(f, { ...tutorial, Tags: [{ Key: 'env', Value: 'test' }] });
  const r = await f.call('DescribeTags', { ResourceArns: [arn] });
  assert.deepEqual(get(r, 'TagDescriptions'), [{ ResourceArn: arn, Tags: [{ Key: 'env', Value: 'test' }] }]);
});

test('DescribeTargetGroups: all, by ARN, by name, by load balancer, paginated; unknown ones are TargetGroupNotFound', async () => {
  const f = await fixture();
  const arns: string[] = [];
  for (const name of ['c', 'a', 'b']) arns.push(await createGroup(f, { Name: name }));
  const names = (r: unknown) => get(r, 'TargetGroups').map((tg: any) => tg.TargetGroupName);
  assert.deepEqual(names(await f.call('DescribeTargetGroups')), ['a', 'b', 'c']);
  assert.deepEqual(names(await f.call('DescribeTargetGroups', { TargetGroupArns: [arns[0]!] })), ['c']);
  assert.deepEqual(names(await f.call('DescribeTargetGroups', { Names: ['b', 'a'] })), ['a', 'b']);

  const first = await f.call('DescribeTargetGroups', { PageSize: 2 });
  assert.deepEqual(names(first), ['a', 'b']);
  assert.ok(first.NextMarker);
  const second = await f.call('DescribeTargetGroups', { PageSize: 2, Marker: first.NextMarker as string });
  assert.deepEqual(names(second), ['c']);
  assert.equal(second.NextMarker, undefined);

  await f.fails('DescribeTargetGroups', { Names: ['a', 'nope'] }, 'TargetGroupNotFound', /nope/);
  await f.fails('DescribeTargetGroups', { TargetGroupArns: [arns[0]!.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff')] }, 'TargetGroupNotFound');
  await f.fails('DescribeTargetGroups', { TargetGroupArns: ['not-an-arn'] }, 'ValidationError', /not a valid target group ARN/);
  await f.fails('DescribeTargetGroups', { Names: ['a'], TargetGroupArns: [arns[0]!] }, 'ValidationError', /only one/);
  await f.fails('DescribeTargetGroups', { PageSize: 0 }, 'ValidationError', /PageSize/);
  await f.fails('DescribeTargetGroups', { PageSize: 401 }, 'ValidationError');
  await f.fails('DescribeTargetGroups', { Marker: 'garbage!' }, 'ValidationError', /marker/);

  // By load balancer: the groups its listeners forward to, with LoadBalancerArns filled in.
  const lb = get(await f.call('CreateLoadBalancer', { Name: 'lb' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  await f.call('CreateListener', { LoadBalancerArn: lb, Protocol: 'HTTP', Port: 18080, DefaultActions: [{ Type: 'forward', TargetGroupArn: arns[1]! }] });
  const byLb = await f.call('DescribeTargetGroups', { LoadBalancerArn: lb });
  assert.deepEqual(names(byLb), ['a']);
  assert.deepEqual(get(byLb, 'TargetGroups', 0, 'LoadBalancerArns'), [lb]);
  await f.fails('DescribeTargetGroups', { LoadBalancerArn: lb.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff') }, 'LoadBalancerNotFound');
});

test('ModifyTargetGroup changes health-check settings, checked together with the rest', async () => {
  const f = await fixture();
  const arn = await createGroup(f);
  const r = await f.call('ModifyTargetGroup', {
    TargetGroupArn: arn,
    HealthCheckPath: '/healthz',
    HealthCheckIntervalSeconds: 10,
    HealthCheckTimeoutSeconds: 6,
    UnhealthyThresholdCount: 3,
    HealthCheckPort: '9000',
    Matcher: { HttpCode: '200-299' },
  });
  const tg = get(r, 'TargetGroups', 0);
  assert.equal(tg.HealthCheckPath, '/healthz');
  assert.equal(tg.HealthCheckIntervalSeconds, 10);
  assert.equal(tg.HealthCheckTimeoutSeconds, 6);
  assert.equal(tg.UnhealthyThresholdCount, 3);
  assert.equal(tg.HealthCheckPort, '9000');
  assert.deepEqual(tg.Matcher, { HttpCode: '200-299' });
  assert.equal(tg.Port, 8080, 'the rest is kept');
  assert.equal(get(await f.call('DescribeTargetGroups', { TargetGroupArns: [arn] }), 'TargetGroups', 0, 'HealthCheckPath'), '/healthz');

  // The timeout must stay below the interval, whichever of the two is changed.
  await f.fails('ModifyTargetGroup', { TargetGroupArn: arn, HealthCheckIntervalSeconds: 6 }, 'ValidationError', /smaller than the interval/);
  await f.fails('ModifyTargetGroup', { TargetGroupArn: arn, HealthCheckTimeoutSeconds: 10 }, 'ValidationError', /smaller than the interval/);
  await f.fails('ModifyTargetGroup', { TargetGroupArn: arn, HealthCheckProtocol: 'TCP' }, 'ValidationError');
  await f.fails('ModifyTargetGroup', { TargetGroupArn: arn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff'), HealthCheckPath: '/' }, 'TargetGroupNotFound');
  await f.fails('ModifyTargetGroup', { TargetGroupArn: 'arn:aws:elasticloadbalancing:local:000000000000:loadbalancer/app/x/1' }, 'ValidationError', /target group ARN/);
  await f.fails('ModifyTargetGroup', {}, 'MissingParameter');
});

test('target group attributes: ALB defaults, changes, bad keys and values', async () => {
  const f = await fixture();
  const arn = await createGroup(f);
  const attrs = (r: unknown) => Object.fromEntries(get(r, 'Attributes').map((a: any) => [a.Key, a.Value]));
  const defaults = attrs(await f.call('DescribeTargetGroupAttributes', { TargetGroupArn: arn }));
  assert.equal(defaults['deregistration_delay.timeout_seconds'], '300');
  assert.equal(defaults['stickiness.enabled'], 'false');
  assert.equal(defaults['stickiness.type'], 'lb_cookie');
  assert.equal(defaults['stickiness.lb_cookie.duration_seconds'], '86400');
  assert.equal(defaults['load_balancing.algorithm.type'], 'round_robin');
  assert.equal(defaults['slow_start.duration_seconds'], '0');

  const changed = attrs(
    await f.call('ModifyTargetGroupAttributes', {
      TargetGroupArn: arn,
      Attributes: [
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
        { Key: 'stickiness.lb_cookie.duration_seconds', Value: '120' },
      ],
    }),
  );
  assert.equal(changed['stickiness.enabled'], 'true');
  assert.equal(changed['stickiness.lb_cookie.duration_seconds'], '120');
  assert.equal(changed['deregistration_delay.timeout_seconds'], '300');
  assert.deepEqual(attrs(await f.call('DescribeTargetGroupAttributes', { TargetGroupArn: arn })), changed);

  const bad = (Key: string, Value: string) => ({ TargetGroupArn: arn, Attributes: [{ Key, Value }] });
  await f.fails('ModifyTargetGroupAttributes', bad('no.such.key', '1'), 'ValidationError', /unknown attribute/);
  await f.fails('ModifyTargetGroupAttributes', bad('deregistration_delay.timeout_seconds', '3601'), 'ValidationError', /0 to 3600/);
  await f.fails('ModifyTargetGroupAttributes', bad('slow_start.duration_seconds', '10'), 'ValidationError');
  await f.fails('ModifyTargetGroupAttributes', bad('stickiness.enabled', 'yes'), 'ValidationError');
  await f.fails('ModifyTargetGroupAttributes', bad('stickiness.type', 'source_ip'), 'ValidationError');
  await f.fails('ModifyTargetGroupAttributes', bad('load_balancing.algorithm.anomaly_mitigation', 'on'), 'ValidationError', /weighted_random/);
  await f.fails('ModifyTargetGroupAttributes', bad('stickiness.type', 'app_cookie'), 'ValidationError', /cookie_name/);
  await f.fails('ModifyTargetGroupAttributes', bad('stickiness.app_cookie.cookie_name', 'AWSALBAPP-0'), 'ValidationError', /reserved/);
  await f.fails(
    'ModifyTargetGroupAttributes',
    { TargetGroupArn: arn, Attributes: [{ Key: 'stickiness.enabled', Value: 'true' }, { Key: 'stickiness.enabled', Value: 'false' }] },
    'ValidationError',
    /more than once/,
  );
  await f.fails('ModifyTargetGroupAttributes', { TargetGroupArn: arn }, 'MissingParameter', /Attributes/);
  await f.fails('DescribeTargetGroupAttributes', { TargetGroupArn: arn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff') }, 'TargetGroupNotFound');
  // weighted_random with anomaly mitigation together is fine.
  await f.call('ModifyTargetGroupAttributes', {
    TargetGroupArn: arn,
    Attributes: [{ Key: 'load_balancing.algorithm.type', Value: 'weighted_random' }, { Key: 'load_balancing.algorithm.anomaly_mitigation', Value: 'on' }],
  });
});

test('RegisterTargets, DeregisterTargets and DescribeTargetHealth follow ALB', async () => {
  const f = await fixture();
  const arn = await createGroup(f);
  await f.call('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 9001 }, { Id: '127.0.0.1', Port: 9002 }, { Id: 'localhost' }] });
  const targets = await f.store.transaction((tx) => tx.listTargets(arn));
  assert.deepEqual(
    targets.map((t) => [t.id, t.port, t.registeredAt]),
    [['127.0.0.1', 9001, f.clock.now], ['127.0.0.1', 9002, f.clock.now], ['localhost', 8080, f.clock.now]],
  );
  const state = async (params: Record<string, any> = {}) =>
    get(await f.call('DescribeTargetHealth', { TargetGroupArn: arn, ...params }), 'TargetHealthDescriptions');

  // Not used by any listener: unused / Target.NotInUse.
  const unused = await state();
  assert.equal(unused.length, 3);
  assert.deepEqual(unused[0], {
    Target: { Id: '127.0.0.1', Port: 9001, AvailabilityZone: 'local' },
    HealthCheckPort: '9001',
    TargetHealth: { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' },
  });

  const lb = get(await f.call('CreateLoadBalancer', { Name: 'lb' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18081, DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }] });
  // In use, nothing observed yet: initial / Elb.RegistrationInProgress; observed: the checker's view.
  f.health.set(`${arn} 127.0.0.1:9001`, health('healthy'));
  f.health.set(`${arn} 127.0.0.1:9002`, health('unhealthy', 'Target.ResponseCodeMismatch', '503'));
  const used = await state();
  assert.deepEqual(used.map((d: any) => d.TargetHealth), [
    { State: 'healthy', Reason: undefined, Description: undefined },
    { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: 503' },
    { State: 'initial', Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' },
  ]);

  // Requested targets: one registered, one not.
  const some = await state({ Targets: [{ Id: '127.0.0.1', Port: 9002 }, { Id: '10.9.9.9', Port: 80 }] });
  assert.deepEqual(some.map((d: any) => [d.Target.Id, d.Target.Port, d.TargetHealth.State, d.TargetHealth.Reason]), [
    ['127.0.0.1', 9002, 'unhealthy', 'Target.ResponseCodeMismatch'],
    ['10.9.9.9', 80, 'unused', 'Target.NotRegistered'],
  ]);

  // Deregistering drains for the deregistration delay (300 s by default).
  await f.call('DeregisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 9002 }] });
  const draining = (await f.store.transaction((tx) => tx.listTargets(arn))).find((t) => t.port === 9002)!;
  assert.equal(draining.drainUntil, f.clock.now + 300_000);
  assert.deepEqual(get(await state({ Targets: [{ Id: '127.0.0.1', Port: 9002 }] }), 0, 'TargetHealth'), {
    State: 'draining',
    Reason: 'Target.DeregistrationInProgress',
    Description: 'Target deregistration is in progress',
  });
  // Registering it again ends the drain.
  f.clock.now += 1000;
  await f.call('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 9002 }] });
  const back = (await f.store.transaction((tx) => tx.listTargets(arn))).find((t) => t.port === 9002)!;
  assert.equal(back.drainUntil, undefined);
  assert.equal(back.registeredAt, f.clock.now);
  // Registering a target already registered changes nothing.
  const version = await f.store.configVersion();
  await f.call('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 9001 }] });
  assert.equal(await f.store.configVersion(), version);

  // With a delay of 0 a deregistered target is removed at once.
  await f.call('ModifyTargetGroupAttributes', { TargetGroupArn: arn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '0' }] });
  await f.call('DeregisterTargets', { TargetGroupArn: arn, Targets: [{ Id: 'localhost' }] });
  assert.deepEqual((await f.store.transaction((tx) => tx.listTargets(arn))).map((t) => t.id + ':' + t.port), ['127.0.0.1:9001', '127.0.0.1:9002']);
});

test('DescribeTargetHealth: health checks disabled and a health-check port of its own', async () => {
  const f = await fixture();
  const arn = await createGroup(f, { Name: 'nocheck', Port: 80, HealthCheckEnabled: false, HealthCheckPort: '8081' });
  await f.call('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1' }] });
  const lb = get(await f.call('CreateLoadBalancer', { Name: 'lb' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18082, DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }] });
  const d = get(await f.call('DescribeTargetHealth', { TargetGroupArn: arn }), 'TargetHealthDescriptions', 0);
  assert.equal(d.HealthCheckPort, '8081');
  assert.equal(d.TargetHealth.State, 'unavailable');
  assert.equal(d.TargetHealth.Reason, 'Target.HealthCheckDisabled');
});

test('target calls refuse bad targets with InvalidTarget and change nothing', async () => {
  const f = await fixture();
  const arn = await createGroup(f);
  const ipArn = await createGroup(f, { Name: 'ips', TargetType: 'ip' });
  await f.call('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 9001 }] });
  await f.fails('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: 'bad host!' }] }, 'InvalidTarget', /host name/);
  await f.fails('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 0 }] }, 'InvalidTarget', /port/);
  await f.fails('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 70000 }] }, 'InvalidTarget');
  await f.fails('RegisterTargets', { TargetGroupArn: ipArn, Targets: [{ Id: 'localhost' }] }, 'InvalidTarget', /IPv4 or IPv6/);
  await f.fails('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: 'no-such-host.invalid' }] }, 'InvalidTarget', /does not resolve/);
  await f.fails('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', AvailabilityZone: 'us-east-1a' }] }, 'InvalidTarget', /availability zone/);
  await f.fails('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Port: 80 }] }, 'ValidationError', /Id is required/);
  await f.fails('RegisterTargets', { TargetGroupArn: arn }, 'MissingParameter', /Targets/);
  await f.fails('RegisterTargets', { TargetGroupArn: arn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff'), Targets: [{ Id: '127.0.0.1' }] }, 'TargetGroupNotFound');
  await f.fails('DeregisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 9009 }] }, 'InvalidTarget', /not registered/);
  // One bad target in a batch: nothing of the batch is applied.
  await f.fails('DeregisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 9001 }, { Id: '127.0.0.2', Port: 9001 }] }, 'InvalidTarget');
  await f.fails('DescribeTargetHealth', { TargetGroupArn: arn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff') }, 'TargetGroupNotFound');
  await f.fails('DescribeTargetHealth', { TargetGroupArn: 'garbage' }, 'ValidationError');
});

test('DeleteTargetGroup: in use is ResourceInUse; otherwise it goes with its targets and tags; unknown succeeds', async () => {
  const f = await fixture();
  const arn = await createGroup(f, { ...tutorial, Tags: [{ Key: 'k', Value: 'v' }] });
  await f.call('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 9001 }] });
  const lb = get(await f.call('CreateLoadBalancer', { Name: 'lb' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  const listener = get(
    await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18083, DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }] }),
    'Listeners', 0, 'ListenerArn',
  );
  await f.fails('DeleteTargetGroup', { TargetGroupArn: arn }, 'ResourceInUse', /in use/);
  await f.call('DeleteListener', { ListenerArn: listener });
  assert.deepEqual(await f.call('DeleteTargetGroup', { TargetGroupArn: arn }), {});
  await f.store.transaction(async (tx) => {
    assert.equal(await tx.getTargetGroup(arn), undefined);
    assert.deepEqual(await tx.listTargets(arn), []);
    assert.deepEqual(await tx.getTags(arn), {});
  });
  // Deleting what is already gone succeeds, as ALB's does; a malformed ARN does not.
  assert.deepEqual(await f.call('DeleteTargetGroup', { TargetGroupArn: arn }), {});
  await f.fails('DeleteTargetGroup', { TargetGroupArn: 'tutorial-tg' }, 'ValidationError');
  await f.fails('DeleteTargetGroup', {}, 'MissingParameter');
});

test('a group that only a rule forwards to is in use too, and shows that rule\'s load balancer', async () => {
  const f = await fixture();
  const arn = await createGroup(f);
  const other = await createGroup(f, { Name: 'default-tg' });
  const lb = get(await f.call('CreateLoadBalancer', { Name: 'lb' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  const listener = get(
    await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18084, DefaultActions: [{ Type: 'forward', TargetGroupArn: other }] }),
    'Listeners', 0, 'ListenerArn',
  );
  await f.store.transaction((tx) =>
    tx.putRule({
      arn: ruleArn(listener, '00000000000000aa'),
      listenerArn: listener,
      priority: 5,
      conditions: [{ field: 'path-pattern', values: ['/api/*'] }],
      actions: normalizeActions([{ type: 'forward', targetGroupArn: arn }]),
    }),
  );
  assert.deepEqual(get(await f.call('DescribeTargetGroups', { TargetGroupArns: [arn] }), 'TargetGroups', 0, 'LoadBalancerArns'), [lb]);
  await f.fails('DeleteTargetGroup', { TargetGroupArn: arn }, 'ResourceInUse');
});
