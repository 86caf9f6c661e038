/*
 * The EC2 security-group actions against a real SQLite store, with parameters as the AWS CLI
 * sends them (EC2's `Name.N` lists): create (with EC2's default egress rule), describe by id,
 * name and filters, authorize and revoke ingress in both forms, delete (refused while a load
 * balancer uses the group); each refusal answers EC2's code and changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLoadBalancer, defaultArnContext, loadBalancerArn } from '../../../src/model/index.ts';
import { harness, list, type Harness } from './store-harness.ts';

async function create(h: Harness, name: string, description = `${name} group`, extra: Record<string, string> = {}): Promise<string> {
  const out = await h.call('ec2', 'CreateSecurityGroup', { GroupName: name, GroupDescription: description, ...extra });
  assert.equal(out!.return, true);
  return out!.groupId as string;
}

async function describe(h: Harness, params: Record<string, string> = {}): Promise<Array<Record<string, unknown>>> {
  return list((await h.call('ec2', 'DescribeSecurityGroups', params))!.securityGroupInfo);
}

const web = (n = 1, port = '80', cidr = '0.0.0.0/0') => ({
  [`IpPermissions.${n}.IpProtocol`]: 'tcp', [`IpPermissions.${n}.FromPort`]: port, [`IpPermissions.${n}.ToPort`]: port,
  [`IpPermissions.${n}.IpRanges.1.CidrIp`]: cidr,
});

test('CreateSecurityGroup makes sg-<17 hex> in vpc-local with the default egress rule', async () => {
  const h = await harness();
  const id = await create(h, 'web-sg', 'Web servers', {
    'TagSpecification.1.ResourceType': 'security-group', 'TagSpecification.1.Tag.1.Key': 'Name', 'TagSpecification.1.Tag.1.Value': 'web',
  });
  assert.match(id, /^sg-[0-9a-f]{17}$/);
  const [sg] = await describe(h, { 'GroupId.1': id });
  assert.deepEqual(sg, {
    ownerId: '000000000000', groupId: id, groupName: 'web-sg', groupDescription: 'Web servers', ipPermissions: [],
    ipPermissionsEgress: [{ ipProtocol: '-1', fromPort: undefined, toPort: undefined, groups: [], ipRanges: [{ cidrIp: '0.0.0.0/0', description: undefined }], ipv6Ranges: [], prefixListIds: [] }],
    vpcId: 'vpc-local', tagSet: [{ key: 'Name', value: 'web' }],
  });
  await create(h, 'Name with spaces ._-:/()#,@[]+=&;{}!$*', 'ok');
});

test('CreateSecurityGroup refuses bad names and descriptions and duplicates, changing nothing', async () => {
  const h = await harness();
  await create(h, 'taken');
  await h.fails('ec2', 'CreateSecurityGroup', { GroupName: 'taken', GroupDescription: 'd' }, 'InvalidGroup.Duplicate', /'taken' already exists for VPC 'vpc-local'/);
  await h.fails('ec2', 'CreateSecurityGroup', { GroupName: 'sg-123', GroupDescription: 'd' }, 'InvalidParameterValue', /sg-\*/);
  await h.fails('ec2', 'CreateSecurityGroup', { GroupName: 'x'.repeat(256), GroupDescription: 'd' }, 'InvalidParameterValue', /255/);
  await h.fails('ec2', 'CreateSecurityGroup', { GroupName: 'bad<name>', GroupDescription: 'd' }, 'InvalidParameterValue', /Valid characters/);
  await h.fails('ec2', 'CreateSecurityGroup', { GroupDescription: 'd' }, 'MissingParameter', /GroupName/);
  await h.fails('ec2', 'CreateSecurityGroup', { GroupName: 'n' }, 'MissingParameter', /GroupDescription/);
  await h.fails('ec2', 'CreateSecurityGroup', { GroupName: 'n', GroupDescription: 'é' }, 'InvalidParameterValue', /GroupDescription/);
  await h.fails('ec2', 'CreateSecurityGroup', { GroupName: 'n', GroupDescription: 'd'.repeat(256) }, 'InvalidParameterValue', /255/);
  await h.fails('ec2', 'CreateSecurityGroup', { GroupName: 'n', GroupDescription: 'd', VpcId: 'vpc-123' }, 'InvalidVpcID.NotFound');
  await h.fails('ec2', 'CreateSecurityGroup', { GroupName: 'n', GroupDescription: 'd', 'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'a' }, 'InvalidParameterValue');
  await h.fails('ec2', 'CreateSecurityGroup', { GroupName: 'n', GroupDescription: 'd', DryRun: 'true' }, 'DryRunOperation');
  // VpcId vpc-local is this machine's one VPC.
  await create(h, 'n', 'd', { VpcId: 'vpc-local' });
});

test('DescribeSecurityGroups by ids, names and filters (with wildcards), and pages', async () => {
  const h = await harness();
  const a = await create(h, 'alpha', 'first');
  const b = await create(h, 'beta', 'second');
  const c = await create(h, 'gamma', 'third');
  assert.deepEqual((await describe(h)).map((g) => g.groupName), ['alpha', 'beta', 'gamma']);
  assert.deepEqual((await describe(h, { 'GroupId.1': c, 'GroupId.2': a })).map((g) => g.groupId), [c, a]);
  assert.deepEqual((await describe(h, { 'GroupName.1': 'beta' })).map((g) => g.groupId), [b]);
  assert.deepEqual((await describe(h, { 'Filter.1.Name': 'group-name', 'Filter.1.Value.1': 'al*', 'Filter.1.Value.2': 'gam?a' })).map((g) => g.groupName), ['alpha', 'gamma']);
  assert.deepEqual((await describe(h, { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': b })).map((g) => g.groupName), ['beta']);
  assert.deepEqual((await describe(h, { 'Filter.1.Name': 'group-name', 'Filter.1.Value.1': '*a', 'Filter.2.Name': 'description', 'Filter.2.Value.1': 's*' })).map((g) => g.groupName), ['beta']);
  assert.deepEqual(await describe(h, { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-other' }), []);

  const p1 = await h.call('ec2', 'DescribeSecurityGroups', { MaxResults: '5' });
  assert.equal(list(p1!.securityGroupInfo).length, 3);
  assert.equal(p1!.nextToken, undefined);
  for (let i = 0; i < 4; i++) await create(h, `more-${i}`);
  const q1 = await h.call('ec2', 'DescribeSecurityGroups', { MaxResults: '5' });
  const q2 = await h.call('ec2', 'DescribeSecurityGroups', { MaxResults: '5', NextToken: q1!.nextToken as string });
  assert.equal(list(q1!.securityGroupInfo).length + list(q2!.securityGroupInfo).length, 7);
  assert.equal(q2!.nextToken, undefined);

  await h.fails('ec2', 'DescribeSecurityGroups', { 'GroupId.1': 'sg-00000000000000000' }, 'InvalidGroup.NotFound', /'sg-00000000000000000' does not exist/);
  await h.fails('ec2', 'DescribeSecurityGroups', { 'GroupId.1': 'sg-xyz' }, 'InvalidGroupId.Malformed', /Invalid id/);
  await h.fails('ec2', 'DescribeSecurityGroups', { 'GroupName.1': 'nope' }, 'InvalidGroup.NotFound', /default VPC/);
  await h.fails('ec2', 'DescribeSecurityGroups', { 'Filter.1.Name': 'colour', 'Filter.1.Value.1': 'x' }, 'InvalidParameterValue', /filter 'colour'/);
  await h.fails('ec2', 'DescribeSecurityGroups', { MaxResults: '4' }, 'InvalidParameterValue', /between 5 and 1000/);
  await h.fails('ec2', 'DescribeSecurityGroups', { NextToken: 'bogus' }, 'InvalidParameterValue', /NextToken/);
});

test('AuthorizeSecurityGroupIngress adds rules (both forms), answers them with sgr- ids, and refuses duplicates', async () => {
  const h = await harness();
  const id = await create(h, 'web');
  const out = await h.call('ec2', 'AuthorizeSecurityGroupIngress', {
    GroupId: id, ...web(1, '80'),
    'IpPermissions.1.IpRanges.2.CidrIp': '10.0.0.0/8', 'IpPermissions.1.IpRanges.2.Description': 'office',
    'IpPermissions.1.Ipv6Ranges.1.CidrIpv6': '2001:DB8::/32',
    'IpPermissions.2.IpProtocol': 'icmp', 'IpPermissions.2.FromPort': '-1', 'IpPermissions.2.ToPort': '-1', 'IpPermissions.2.IpRanges.1.CidrIp': '192.0.2.0/24',
  });
  assert.equal(out!.return, true);
  const rules = list(out!.securityGroupRuleSet);
  assert.equal(rules.length, 4);
  for (const r of rules) {
    assert.match(r.securityGroupRuleId as string, /^sgr-[0-9a-f]{17}$/);
    assert.equal(r.groupId, id);
    assert.equal(r.groupOwnerId, '000000000000');
    assert.equal(r.isEgress, false);
  }
  assert.deepEqual(rules.map((r) => [r.ipProtocol, r.fromPort, r.toPort, r.cidrIpv4 ?? r.cidrIpv6, r.description]), [
    ['tcp', 80, 80, '0.0.0.0/0', undefined], ['tcp', 80, 80, '10.0.0.0/8', 'office'], ['tcp', 80, 80, '2001:db8::/32', undefined], ['icmp', -1, -1, '192.0.2.0/24', undefined],
  ]);
  // The short form (CidrIp / IpProtocol / FromPort / ToPort), by group name; protocol numbers and names normalise.
  await h.call('ec2', 'AuthorizeSecurityGroupIngress', { GroupName: 'web', IpProtocol: '6', FromPort: '443', ToPort: '443', CidrIp: '0.0.0.0/0' });
  await h.call('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, 'IpPermissions.1.IpProtocol': 'all', 'IpPermissions.1.IpRanges.1.CidrIp': '198.51.100.0/24' });
  await h.call('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, 'IpPermissions.1.IpProtocol': 'udp', 'IpPermissions.1.FromPort': '-1', 'IpPermissions.1.ToPort': '-1', 'IpPermissions.1.IpRanges.1.CidrIp': '203.0.113.0/24' });
  const [sg] = await describe(h, { 'GroupId.1': id });
  const perms = list(sg!.ipPermissions).map((p) => [p.ipProtocol, p.fromPort, p.toPort, list(p.ipRanges).map((r) => r.cidrIp), list(p.ipv6Ranges).map((r) => r.cidrIpv6)]);
  assert.deepEqual(perms, [
    ['tcp', 80, 80, ['0.0.0.0/0', '10.0.0.0/8'], ['2001:db8::/32']],
    ['icmp', -1, -1, ['192.0.2.0/24'], []],
    ['tcp', 443, 443, ['0.0.0.0/0'], []],
    ['-1', undefined, undefined, ['198.51.100.0/24'], []],
    ['udp', 0, 65535, ['203.0.113.0/24'], []],
  ]);
  assert.deepEqual(list(sg!.ipPermissions)[0]!.ipRanges, [{ cidrIp: '0.0.0.0/0', description: undefined }, { cidrIp: '10.0.0.0/8', description: 'office' }]);

  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, ...web(1, '80') }, 'InvalidPermission.Duplicate', /peer: 0\.0\.0\.0\/0, TCP, from port: 80, to port: 80, ALLOW/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, ...web(1, '81'), ...web(2, '81') }, 'InvalidPermission.Duplicate');
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', {
    GroupId: id, 'IpPermissions.1.IpProtocol': 'tcp', 'IpPermissions.1.FromPort': '80', 'IpPermissions.1.ToPort': '80',
    'IpPermissions.1.Ipv6Ranges.1.CidrIpv6': '2001:db8:0::/32',
  }, 'InvalidPermission.Duplicate', /2001:db8::\/32/);
});

test('AuthorizeSecurityGroupIngress refuses malformed permissions with EC2 codes and changes nothing', async () => {
  const h = await harness();
  const id = await create(h, 'web');
  const tcp = (from: string | undefined, to: string | undefined, cidr = '0.0.0.0/0') => ({
    GroupId: id, 'IpPermissions.1.IpProtocol': 'tcp', ...(from !== undefined ? { 'IpPermissions.1.FromPort': from } : {}),
    ...(to !== undefined ? { 'IpPermissions.1.ToPort': to } : {}), 'IpPermissions.1.IpRanges.1.CidrIp': cidr,
  });
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', tcp('90', '80'), 'InvalidParameterValue', /90-80/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', tcp('0', '65536'), 'InvalidParameterValue', /0-65535/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', tcp(undefined, undefined), 'InvalidParameterValue', /both from and to ports/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', tcp('eighty', '80'), 'InvalidParameterValue', /integer/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', tcp('80', '80', '10.0.0.0/33'), 'InvalidParameterValue', /malformed/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', tcp('80', '80', '10.0.0.1/8'), 'InvalidParameterValue', /did you mean 10\.0\.0\.0\/8/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', tcp('80', '80', '2001:db8::/32'), 'InvalidParameterValue', /IPv4/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { ...tcp('80', '80'), 'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0', 'IpPermissions.1.IpRanges.1.Description': 'bad<desc>' }, 'InvalidParameterValue', /description/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, 'IpPermissions.1.IpProtocol': 'tcp', 'IpPermissions.1.FromPort': '80', 'IpPermissions.1.ToPort': '80', 'IpPermissions.1.Ipv6Ranges.1.CidrIpv6': '10.0.0.0/8' }, 'InvalidParameterValue', /IPv6/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, 'IpPermissions.1.IpProtocol': 'gre', 'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0' }, 'InvalidParameterValue', /Unknown protocol/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, 'IpPermissions.1.IpProtocol': '256', 'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0' }, 'InvalidParameterValue');
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, 'IpPermissions.1.IpProtocol': 'icmp', 'IpPermissions.1.FromPort': '-1', 'IpPermissions.1.ToPort': '3', 'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0' }, 'InvalidParameterValue', /ICMP/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, 'IpPermissions.1.IpProtocol': 'tcp', 'IpPermissions.1.FromPort': '80', 'IpPermissions.1.ToPort': '80' }, 'MissingParameter', /no source/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, 'IpPermissions.1.FromPort': '80', 'IpPermissions.1.ToPort': '80', 'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0' }, 'MissingParameter', /IpProtocol/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id }, 'MissingParameter', /IpPermissions/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { ...web(1), GroupId: id, CidrIp: '0.0.0.0/0' }, 'InvalidParameterCombination');
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { ...web(1), GroupId: id, 'IpPermissions.1.Groups.1.GroupId': id }, 'InvalidParameterValue', /CIDR sources only/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { ...web(1), GroupId: 'sg-00000000000000000' }, 'InvalidGroup.NotFound');
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { ...web(1), GroupId: 'sg-bad' }, 'InvalidGroupId.Malformed');
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { ...web(1), GroupName: 'nope' }, 'InvalidGroup.NotFound');
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { ...web(1) }, 'MissingParameter', /GroupName or GroupId/);
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', { ...web(1), GroupId: id, DryRun: 'true' }, 'DryRunOperation');
  // At most 60 inbound IPv4 rules.
  const many: Record<string, string> = { GroupId: id, 'IpPermissions.1.IpProtocol': 'tcp', 'IpPermissions.1.FromPort': '80', 'IpPermissions.1.ToPort': '80' };
  for (let i = 1; i <= 61; i++) many[`IpPermissions.1.IpRanges.${i}.CidrIp`] = `10.0.${i}.0/24`;
  await h.fails('ec2', 'AuthorizeSecurityGroupIngress', many, 'RulesPerSecurityGroupLimitExceeded');
  delete many['IpPermissions.1.IpRanges.61.CidrIp'];
  await h.call('ec2', 'AuthorizeSecurityGroupIngress', many);
});

test('RevokeSecurityGroupIngress removes exactly the named rules, by permission or rule id', async () => {
  const h = await harness();
  const id = await create(h, 'web');
  const out = await h.call('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: id, ...web(1, '80'), 'IpPermissions.1.IpRanges.2.CidrIp': '10.0.0.0/8', ...web(2, '443') });
  const [r80a, , r443] = list(out!.securityGroupRuleSet);
  await h.fails('ec2', 'RevokeSecurityGroupIngress', { GroupId: id, ...web(1, '81') }, 'InvalidPermission.NotFound', /does not exist in this security group/);
  // All-or-nothing: one missing rule keeps the existing one too.
  await h.fails('ec2', 'RevokeSecurityGroupIngress', { GroupId: id, ...web(1, '80'), ...web(2, '8080') }, 'InvalidPermission.NotFound');
  await h.fails('ec2', 'RevokeSecurityGroupIngress', { GroupId: id, 'SecurityGroupRuleId.1': 'sgr-00000000000000000' }, 'InvalidSecurityGroupRuleId.NotFound');
  await h.fails('ec2', 'RevokeSecurityGroupIngress', { GroupId: id, ...web(1, '80'), 'SecurityGroupRuleId.1': r443!.securityGroupRuleId as string }, 'InvalidParameterCombination');

  assert.deepEqual(await h.call('ec2', 'RevokeSecurityGroupIngress', { GroupId: id, IpProtocol: 'tcp', FromPort: '80', ToPort: '80', CidrIp: '0.0.0.0/0' }), { return: true });
  let [sg] = await describe(h, { 'GroupId.1': id });
  assert.deepEqual(list(sg!.ipPermissions).map((p) => [p.fromPort, list(p.ipRanges).map((r) => r.cidrIp)]), [[80, ['10.0.0.0/8']], [443, ['0.0.0.0/0']]]);
  await h.call('ec2', 'RevokeSecurityGroupIngress', { GroupId: id, 'SecurityGroupRuleId.1': r443!.securityGroupRuleId as string });
  await h.call('ec2', 'RevokeSecurityGroupIngress', { GroupName: 'web', ...web(1, '80', '10.0.0.0/8') });
  [sg] = await describe(h, { 'GroupId.1': id });
  assert.deepEqual(sg!.ipPermissions, []);
  assert.notEqual(r80a!.securityGroupRuleId, r443!.securityGroupRuleId);
});

test('DeleteSecurityGroup by id or name; refused while a load balancer uses the group', async () => {
  const h = await harness();
  const used = await create(h, 'used', 'd', { 'TagSpecification.1.ResourceType': 'security-group', 'TagSpecification.1.Tag.1.Key': 'k', 'TagSpecification.1.Tag.1.Value': 'v' });
  const free = await create(h, 'free');
  const lbArn = loadBalancerArn(defaultArnContext, 'web', 'aaaaaaaaaaaaaaaa');
  await h.store.transaction((tx) => tx.putLoadBalancer(buildLoadBalancer({ name: 'web', securityGroups: [used] }, lbArn, 1)));
  await h.fails('ec2', 'DeleteSecurityGroup', { GroupId: used }, 'DependencyViolation', new RegExp(`resource ${used} has a dependent object`));
  await h.fails('ec2', 'DeleteSecurityGroup', { GroupName: 'used' }, 'DependencyViolation');
  await h.fails('ec2', 'DeleteSecurityGroup', { GroupId: 'sg-00000000000000000' }, 'InvalidGroup.NotFound');
  await h.fails('ec2', 'DeleteSecurityGroup', { GroupName: 'nope' }, 'InvalidGroup.NotFound');
  await h.fails('ec2', 'DeleteSecurityGroup', { GroupId: 'nope' }, 'InvalidGroupId.Malformed');
  await h.fails('ec2', 'DeleteSecurityGroup', {}, 'MissingParameter');
  await h.fails('ec2', 'DeleteSecurityGroup', { GroupId: free, DryRun: 'true' }, 'DryRunOperation');
  assert.deepEqual(await h.call('ec2', 'DeleteSecurityGroup', { GroupName: 'free' }), { return: true, groupId: free });
  await h.store.transaction((tx) => tx.putLoadBalancer(buildLoadBalancer({ name: 'web', securityGroups: [] }, lbArn, 1)));
  await h.call('ec2', 'DeleteSecurityGroup', { GroupId: used });
  assert.deepEqual(await describe(h), []);
  assert.deepEqual(await h.store.transaction((tx) => tx.getTags(used)), {});
});
