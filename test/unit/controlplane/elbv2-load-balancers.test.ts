/*
 * Load balancer actions run directly against a real SQLite store: create (ALB's shape, nodes as
 * subnets and zones, security groups, idempotency), describe, attributes, security groups,
 * subnets and delete (deletion protection, listeners go too); refused calls change nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, get, seedCertificateAndGroup } from './elbv2-fixture.ts';

const sg = 'sg-0123456789abcdef0';

test('CreateLoadBalancer returns ALB\'s shape, field by field', async () => {
  const f = await fixture();
  const r = await f.call('CreateLoadBalancer', { Name: 'tutorial-alb', Scheme: 'internet-facing', IpAddressType: 'ipv4' });
  const lb = get(r, 'LoadBalancers', 0);
  assert.match(lb.LoadBalancerArn, /^arn:aws:elasticloadbalancing:local:000000000000:loadbalancer\/app\/tutorial-alb\/[0-9a-f]{16}$/);
  const id = lb.LoadBalancerArn.split('/').pop();
  assert.deepEqual(lb, {
    LoadBalancerArn: lb.LoadBalancerArn,
    DNSName: `tutorial-alb-${id.slice(0, 10)}.albatross.local`,
    CanonicalHostedZoneId: 'ZALBATROSSLOCAL',
    CreatedTime: new Date(f.clock.now),
    LoadBalancerName: 'tutorial-alb',
    Scheme: 'internet-facing',
    VpcId: 'vpc-local',
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: [{ ZoneName: 'local', SubnetId: 'subnet-local', LoadBalancerAddresses: [] }],
    SecurityGroups: [],
    IpAddressType: 'ipv4',
  });
  const internal = get(await f.call('CreateLoadBalancer', { Name: 'inside', Scheme: 'internal', Type: 'application' }), 'LoadBalancers', 0);
  assert.match(internal.DNSName, /^internal-inside-/);
  assert.equal(internal.Scheme, 'internal');
});

test('CreateLoadBalancer takes nodes as subnets, existing security groups and tags', async () => {
  const f = await fixture();
  await seedCertificateAndGroup(f);
  const r = await f.call('CreateLoadBalancer', {
    Name: 'web',
    Subnets: ['subnet-local'],
    SecurityGroups: [sg],
    Tags: [{ Key: 'team', Value: 'edge' }],
  });
  const lb = get(r, 'LoadBalancers', 0);
  assert.deepEqual(lb.AvailabilityZones, [{ ZoneName: 'local', SubnetId: 'subnet-local', LoadBalancerAddresses: [] }]);
  assert.deepEqual(lb.SecurityGroups, [sg]);
  assert.deepEqual(get(await f.call('DescribeTags', { ResourceArns: [lb.LoadBalancerArn] }), 'TagDescriptions', 0, 'Tags'), [{ Key: 'team', Value: 'edge' }]);
  const stored = await f.store.transaction((tx) => tx.getLoadBalancer(lb.LoadBalancerArn));
  assert.deepEqual(stored?.nodes, ['local']);
  // SubnetMappings name nodes too, with or without the subnet- prefix.
  const m = get(await f.call('CreateLoadBalancer', { Name: 'mapped', SubnetMappings: [{ SubnetId: 'local' }] }), 'LoadBalancers', 0);
  assert.deepEqual(m.AvailabilityZones.map((z: any) => z.ZoneName), ['local']);
});

test('CreateLoadBalancer: same settings return the same load balancer; other settings are DuplicateLoadBalancerName', async () => {
  const f = await fixture();
  const a = get(await f.call('CreateLoadBalancer', { Name: 'lb', Scheme: 'internal' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  const version = await f.store.configVersion();
  assert.equal(get(await f.call('CreateLoadBalancer', { Name: 'lb', Scheme: 'internal' }), 'LoadBalancers', 0, 'LoadBalancerArn'), a);
  assert.equal(await f.store.configVersion(), version);
  await f.fails('CreateLoadBalancer', { Name: 'lb', Scheme: 'internet-facing' }, 'DuplicateLoadBalancerName', /already exists/);
  await f.fails('CreateLoadBalancer', { Name: 'lb', Scheme: 'internal', IpAddressType: 'dualstack' }, 'DuplicateLoadBalancerName');
});

test('CreateLoadBalancer refuses bad input with ALB\'s codes and changes nothing', async () => {
  const f = await fixture();
  await seedCertificateAndGroup(f);
  await f.fails('CreateLoadBalancer', {}, 'MissingParameter');
  await f.fails('CreateLoadBalancer', { Name: 'has space' }, 'ValidationError', /alphanumeric/);
  await f.fails('CreateLoadBalancer', { Name: 'internal-x' }, 'ValidationError', /internal-/);
  await f.fails('CreateLoadBalancer', { Name: 'x'.repeat(33) }, 'ValidationError');
  await f.fails('CreateLoadBalancer', { Name: 'x', Scheme: 'public' }, 'ValidationError', /scheme/);
  await f.fails('CreateLoadBalancer', { Name: 'x', IpAddressType: 'ipv6' }, 'ValidationError');
  await f.fails('CreateLoadBalancer', { Name: 'x', Type: 'network' }, 'ValidationError', /application/);
  await f.fails('CreateLoadBalancer', { Name: 'x', Subnets: ['subnet-0abc123'] }, 'InvalidSubnet', /not an Albatross node/);
  await f.fails('CreateLoadBalancer', { Name: 'x', Subnets: ['subnet-local', 'local'] }, 'ValidationError', /more than once/);
  await f.fails('CreateLoadBalancer', { Name: 'x', Subnets: ['subnet-local'], SubnetMappings: [{ SubnetId: 'subnet-local' }] }, 'ValidationError');
  await f.fails('CreateLoadBalancer', { Name: 'x', SubnetMappings: [{ SubnetId: 'subnet-local', AllocationId: 'eipalloc-1' }] }, 'ValidationError', /AllocationId/);
  await f.fails('CreateLoadBalancer', { Name: 'x', SecurityGroups: ['sg-00000000000000000'] }, 'InvalidSecurityGroup', /does not exist/);
  await f.fails('CreateLoadBalancer', { Name: 'x', SecurityGroups: ['web'] }, 'InvalidSecurityGroup');
  await f.fails('CreateLoadBalancer', { Name: 'x', Tags: [{ Key: 'aws:reserved', Value: '1' }] }, 'ValidationError', /reserved/);
  await f.fails('CreateLoadBalancer', { Name: 'x', Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: '' })) }, 'TooManyTags');
  assert.deepEqual(get(await f.call('DescribeLoadBalancers'), 'LoadBalancers'), []);
});

test('DescribeLoadBalancers: all, by ARN, by name, paginated; unknown ones are LoadBalancerNotFound', async () => {
  const f = await fixture();
  const arns: string[] = [];
  for (const name of ['b', 'c', 'a']) arns.push(get(await f.call('CreateLoadBalancer', { Name: name }), 'LoadBalancers', 0, 'LoadBalancerArn'));
  const names = (r: unknown) => get(r, 'LoadBalancers').map((lb: any) => lb.LoadBalancerName);
  assert.deepEqual(names(await f.call('DescribeLoadBalancers')), ['a', 'b', 'c']);
  assert.deepEqual(names(await f.call('DescribeLoadBalancers', { Names: ['c'] })), ['c']);
  assert.deepEqual(names(await f.call('DescribeLoadBalancers', { LoadBalancerArns: [arns[0]!, arns[2]!] })), ['a', 'b']);
  const p1 = await f.call('DescribeLoadBalancers', { PageSize: 1 });
  const p2 = await f.call('DescribeLoadBalancers', { PageSize: 1, Marker: p1.NextMarker as string });
  const p3 = await f.call('DescribeLoadBalancers', { PageSize: 1, Marker: p2.NextMarker as string });
  assert.deepEqual([...names(p1), ...names(p2), ...names(p3)], ['a', 'b', 'c']);
  assert.equal(p3.NextMarker, undefined);
  await f.fails('DescribeLoadBalancers', { Names: ['nope'] }, 'LoadBalancerNotFound', /nope/);
  await f.fails('DescribeLoadBalancers', { LoadBalancerArns: [arns[0]!.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff')] }, 'LoadBalancerNotFound');
  await f.fails('DescribeLoadBalancers', { LoadBalancerArns: ['arn:aws:elasticloadbalancing:local:000000000000:targetgroup/x/1'] }, 'ValidationError', /load balancer ARN/);
  await f.fails('DescribeLoadBalancers', { Names: ['a'], LoadBalancerArns: [arns[0]!] }, 'ValidationError');
});

test('load balancer attributes: defaults, changes, bad keys and values', async () => {
  const f = await fixture();
  const arn = get(await f.call('CreateLoadBalancer', { Name: 'lb' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  const attrs = (r: unknown) => Object.fromEntries(get(r, 'Attributes').map((a: any) => [a.Key, a.Value]));
  const d = attrs(await f.call('DescribeLoadBalancerAttributes', { LoadBalancerArn: arn }));
  assert.equal(d['idle_timeout.timeout_seconds'], '60');
  assert.equal(d['routing.http.desync_mitigation_mode'], 'defensive');
  assert.equal(d['routing.http2.enabled'], 'true');
  assert.equal(d['deletion_protection.enabled'], 'false');
  assert.equal(d['routing.http.xff_header_processing.mode'], 'append');
  const changed = attrs(
    await f.call('ModifyLoadBalancerAttributes', {
      LoadBalancerArn: arn,
      Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '120' }, { Key: 'routing.http.desync_mitigation_mode', Value: 'strictest' }],
    }),
  );
  assert.equal(changed['idle_timeout.timeout_seconds'], '120');
  assert.equal(changed['routing.http.desync_mitigation_mode'], 'strictest');
  assert.deepEqual(attrs(await f.call('DescribeLoadBalancerAttributes', { LoadBalancerArn: arn })), changed);
  const bad = (Key: string, Value: string) => ({ LoadBalancerArn: arn, Attributes: [{ Key, Value }] });
  await f.fails('ModifyLoadBalancerAttributes', bad('idle_timeout.timeout_seconds', '0'), 'ValidationError', /1 to 4000/);
  await f.fails('ModifyLoadBalancerAttributes', bad('idle_timeout.timeout_seconds', '4001'), 'ValidationError');
  await f.fails('ModifyLoadBalancerAttributes', bad('routing.http.desync_mitigation_mode', 'lenient'), 'ValidationError');
  await f.fails('ModifyLoadBalancerAttributes', bad('waf.fail_open.enabled', 'true'), 'ValidationError', /unknown attribute/);
  await f.fails('ModifyLoadBalancerAttributes', { LoadBalancerArn: arn, Attributes: [] }, 'MissingParameter');
  await f.fails('ModifyLoadBalancerAttributes', { ...bad('idle_timeout.timeout_seconds', '5'), LoadBalancerArn: arn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff') }, 'LoadBalancerNotFound');
  await f.fails('DescribeLoadBalancerAttributes', { LoadBalancerArn: 'nope' }, 'ValidationError');
});

test('DeleteLoadBalancer: deletion protection is OperationNotPermitted; otherwise listeners go too; unknown succeeds', async () => {
  const f = await fixture();
  const lb = get(await f.call('CreateLoadBalancer', { Name: 'lb', Tags: [{ Key: 'a', Value: 'b' }] }), 'LoadBalancers', 0, 'LoadBalancerArn');
  const tg = get(await f.call('CreateTargetGroup', { Name: 'tg' }), 'TargetGroups', 0, 'TargetGroupArn');
  await f.call('RegisterTargets', { TargetGroupArn: tg, Targets: [{ Id: '127.0.0.1', Port: 9001 }] });
  await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18090, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });
  await f.call('ModifyLoadBalancerAttributes', { LoadBalancerArn: lb, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }] });
  await f.fails('DeleteLoadBalancer', { LoadBalancerArn: lb }, 'OperationNotPermitted', /deletion protection/);
  await f.call('ModifyLoadBalancerAttributes', { LoadBalancerArn: lb, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }] });
  assert.deepEqual(await f.call('DeleteLoadBalancer', { LoadBalancerArn: lb }), {});
  await f.store.transaction(async (tx) => {
    assert.equal(await tx.getLoadBalancer(lb), undefined);
    assert.deepEqual(await tx.listListeners(), []);
    assert.deepEqual(await tx.getTags(lb), {});
    assert.equal((await tx.listTargets(tg)).length, 1, 'targets stay registered');
  });
  // The group is no longer in use: it can go now.
  await f.call('DeleteTargetGroup', { TargetGroupArn: tg });
  assert.deepEqual(await f.call('DeleteLoadBalancer', { LoadBalancerArn: lb }), {});
  await f.fails('DeleteLoadBalancer', { LoadBalancerArn: 'tutorial-alb' }, 'ValidationError');
});

test('SetSecurityGroups and SetSubnets replace what the load balancer has', async () => {
  const f = await fixture();
  await seedCertificateAndGroup(f);
  const arn = get(await f.call('CreateLoadBalancer', { Name: 'lb' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  assert.deepEqual(await f.call('SetSecurityGroups', { LoadBalancerArn: arn, SecurityGroups: [sg] }), { SecurityGroupIds: [sg] });
  assert.deepEqual(get(await f.call('DescribeLoadBalancers', { LoadBalancerArns: [arn] }), 'LoadBalancers', 0, 'SecurityGroups'), [sg]);
  assert.deepEqual(await f.call('SetSecurityGroups', { LoadBalancerArn: arn, SecurityGroups: [] }), { SecurityGroupIds: [] });
  await f.fails('SetSecurityGroups', { LoadBalancerArn: arn, SecurityGroups: ['sg-00000000000000000'] }, 'InvalidSecurityGroup');
  await f.fails('SetSecurityGroups', { LoadBalancerArn: arn }, 'MissingParameter');

  const r = await f.call('SetSubnets', { LoadBalancerArn: arn, Subnets: ['subnet-local'], IpAddressType: 'dualstack' });
  assert.deepEqual(r, { AvailabilityZones: [{ ZoneName: 'local', SubnetId: 'subnet-local', LoadBalancerAddresses: [] }], IpAddressType: 'dualstack' });
  const stored = await f.store.transaction((tx) => tx.getLoadBalancer(arn));
  assert.deepEqual(stored?.nodes, ['local']);
  assert.equal(stored?.ipAddressType, 'dualstack');
  await f.fails('SetSubnets', { LoadBalancerArn: arn, Subnets: ['subnet-elsewhere'] }, 'InvalidSubnet');
  await f.fails('SetSubnets', { LoadBalancerArn: arn }, 'ValidationError', /at least one subnet/);
  await f.fails('SetSubnets', { LoadBalancerArn: arn, Subnets: ['subnet-local'], IpAddressType: 'ipv6' }, 'ValidationError');
  await f.fails('SetSubnets', { LoadBalancerArn: arn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff'), Subnets: ['subnet-local'] }, 'LoadBalancerNotFound');
});

test('a node that has reported health is a known subnet', async () => {
  const f = await fixture();
  await f.store.saveTargetHealth('node-b', [
    { targetGroupArn: 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/x/0000000000000001', id: '127.0.0.1', port: 1, node: 'node-b', state: 'healthy' },
  ]);
  const lb = get(await f.call('CreateLoadBalancer', { Name: 'lb', Subnets: ['subnet-node-b'] }), 'LoadBalancers', 0);
  assert.deepEqual(lb.AvailabilityZones.map((z: any) => z.SubnetId), ['subnet-node-b']);
  const all = get(await f.call('CreateLoadBalancer', { Name: 'everywhere' }), 'LoadBalancers', 0);
  assert.deepEqual(all.AvailabilityZones.map((z: any) => z.ZoneName), ['local', 'node-b']);
});
