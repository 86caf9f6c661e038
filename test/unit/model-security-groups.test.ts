/*
 * The model's security-group checks, as EC2: names and descriptions, protocols (names, numbers,
 * -1), port ranges and ICMP type/code, CIDR blocks (IPv4 and IPv6, canonical forms, host bits);
 * and the rule bookkeeping: permissions expand to single-source rules, merge and remove by key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Problems, addRules, checkCidr, checkIpPermission, checkSecurityGroupDescription, checkSecurityGroupName, describeRule,
  normalizeIpPermission, normalizeIpProtocol, parseCidr, permissionRules, removeRules, ruleKey, type IpPermissionInput,
} from '../../src/model/index.ts';

function codes(fn: (p: Problems) => void): string[] {
  const p = new Problems();
  fn(p);
  return p.list.map((x) => `${x.code}: ${x.message}`);
}

test('CIDR blocks: IPv4 and IPv6, canonical forms, host bits refused', () => {
  assert.deepEqual(parseCidr('10.0.0.0/8'), { family: 4, address: 0x0a000000n, prefix: 8, canonical: '10.0.0.0/8', hostBits: false });
  assert.equal(parseCidr('0.0.0.0/0')?.canonical, '0.0.0.0/0');
  assert.equal(parseCidr('192.0.2.7/32')?.canonical, '192.0.2.7/32');
  assert.equal(parseCidr('10.1.2.3/8')?.hostBits, true);
  assert.equal(parseCidr('10.1.2.3/8')?.canonical, '10.0.0.0/8');
  assert.equal(parseCidr('2001:DB8:0:0::/32')?.canonical, '2001:db8::/32');
  assert.equal(parseCidr('::/0')?.canonical, '::/0');
  assert.equal(parseCidr('::ffff:192.0.2.0/120')?.canonical, '::ffff:c000:200/120');
  assert.equal(parseCidr('2001:db8:0:1:0:0:0:0/64')?.canonical, '2001:db8:0:1::/64');
  assert.equal(parseCidr('2001:0:0:1:0:0:0:1/128')?.canonical, '2001:0:0:1::1/128');
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0/8', '256.0.0.0/8', '01.0.0.0/8', '10.0.0.0/8/8', '10.0.0.0/-1', '2001:db8::/129', 'fe80::1%eth0/64', 'x/8', '10.0.0.0/ 8', '']) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
  assert.deepEqual(codes((p) => checkCidr('10.0.0.0/8', 6, p, 'c')).length, 1);
  assert.match(codes((p) => checkCidr('10.0.0.1/24', 4, p, 'c'))[0]!, /^InvalidParameterValue: .*did you mean 10\.0\.0\.0\/24/);
  assert.deepEqual(codes((p) => checkCidr('2001:db8::/32', undefined, p, 'c')), []);
});

test('group names and descriptions follow EC2', () => {
  assert.deepEqual(codes((p) => checkSecurityGroupName('web servers (prod) #1', p, 'n')), []);
  assert.deepEqual(codes((p) => checkSecurityGroupName('x'.repeat(255), p, 'n')), []);
  assert.match(codes((p) => checkSecurityGroupName('x'.repeat(256), p, 'n'))[0]!, /^InvalidParameterValue/);
  assert.match(codes((p) => checkSecurityGroupName('sg-web', p, 'n'))[0]!, /sg-\*/);
  assert.match(codes((p) => checkSecurityGroupName('SG-web', p, 'n'))[0]!, /sg-\*/);
  assert.match(codes((p) => checkSecurityGroupName('a|b', p, 'n'))[0]!, /Valid characters/);
  assert.match(codes((p) => checkSecurityGroupName(undefined, p, 'n'))[0]!, /^MissingParameter/);
  assert.deepEqual(codes((p) => checkSecurityGroupDescription('Allow HTTP from anywhere', p, 'd')), []);
  assert.match(codes((p) => checkSecurityGroupDescription('tab\there', p, 'd'))[0]!, /^InvalidParameterValue/);
  assert.match(codes((p) => checkSecurityGroupDescription('', p, 'd'))[0]!, /^MissingParameter/);
});

test('protocols: names, numbers and -1', () => {
  assert.equal(normalizeIpProtocol('TCP'), 'tcp');
  assert.equal(normalizeIpProtocol('6'), 'tcp');
  assert.equal(normalizeIpProtocol('17'), 'udp');
  assert.equal(normalizeIpProtocol('1'), 'icmp');
  assert.equal(normalizeIpProtocol('58'), 'icmpv6');
  assert.equal(normalizeIpProtocol('all'), '-1');
  assert.equal(normalizeIpProtocol('-1'), '-1');
  assert.equal(normalizeIpProtocol('50'), '50');
  assert.equal(normalizeIpProtocol('050'), '50');
  assert.equal(normalizeIpProtocol('256'), undefined);
  assert.equal(normalizeIpProtocol('sctp'), undefined);
});

test('permissions: port ranges, ICMP type/code, sources', () => {
  const check = (p: IpPermissionInput) => codes((x) => checkIpPermission(p, x, 'IpPermissions.1'));
  const src = { ipv4Ranges: [{ cidr: '0.0.0.0/0' }] };
  assert.deepEqual(check({ ipProtocol: 'tcp', fromPort: 0, toPort: 65535, ...src }), []);
  assert.deepEqual(check({ ipProtocol: 'tcp', fromPort: -1, toPort: -1, ...src }), []);
  assert.equal(check({ ipProtocol: 'tcp', fromPort: 80, ...src }).length, 1);
  assert.equal(check({ ipProtocol: 'udp', fromPort: 53, toPort: 52, ...src }).length, 1);
  assert.equal(check({ ipProtocol: 'tcp', fromPort: -1, toPort: 80, ...src }).length, 1);
  assert.deepEqual(check({ ipProtocol: 'icmp', fromPort: 8, toPort: -1, ...src }), []);
  assert.deepEqual(check({ ipProtocol: 'icmp', fromPort: 3, toPort: 4, ...src }), []);
  assert.equal(check({ ipProtocol: 'icmp', fromPort: 256, toPort: 0, ...src }).length, 1);
  assert.deepEqual(check({ ipProtocol: '-1', ...src }), []);
  assert.deepEqual(check({ ipProtocol: '50', fromPort: 1, toPort: 2, ...src }), [], 'ports of protocols without ports are ignored');
  assert.match(check({ ipProtocol: 'tcp', fromPort: 1, toPort: 2 })[0]!, /^MissingParameter: .*no source/);
  assert.match(check({ ipProtocol: 'tcp', fromPort: 1, toPort: 2, ipv6Ranges: [{}] })[0]!, /^MissingParameter: .*CidrIpv6/);
  assert.match(check({ ipProtocol: 'tcp', fromPort: 1, toPort: 2, ipv4Ranges: [{ cidr: '0.0.0.0/0', description: 'd'.repeat(256) }] })[0]!, /255/);
});

test('normalised permissions and rule bookkeeping', () => {
  const p = normalizeIpPermission({ ipProtocol: '6', fromPort: 80, toPort: 80, ipv4Ranges: [{ cidr: '0.0.0.0/0', description: 'web' }], ipv6Ranges: [{ cidr: '2001:DB8::/32' }] });
  assert.deepEqual(p, { ipProtocol: 'tcp', fromPort: 80, toPort: 80, ipv4Ranges: [{ cidr: '0.0.0.0/0', description: 'web' }], ipv6Ranges: [{ cidr: '2001:db8::/32' }] });
  assert.deepEqual(normalizeIpPermission({ ipProtocol: 'all', fromPort: 1, toPort: 2, ipv4Ranges: [{ cidr: '10.0.0.0/8' }] }), { ipProtocol: '-1', ipv4Ranges: [{ cidr: '10.0.0.0/8' }], ipv6Ranges: [] });
  assert.deepEqual(normalizeIpPermission({ ipProtocol: 'udp', fromPort: -1, toPort: -1, ipv4Ranges: [{ cidr: '10.0.0.0/8' }] }).fromPort, 0);

  const rules = permissionRules(p);
  assert.deepEqual(rules.map(ruleKey), ['tcp|80|80|0.0.0.0/0', 'tcp|80|80|2001:db8::/32']);
  assert.equal(describeRule(rules[0]!), 'peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW');
  const list = addRules([], rules);
  assert.deepEqual(list, [p]);
  const more = addRules(list, permissionRules(normalizeIpPermission({ ipProtocol: 'tcp', fromPort: 80, toPort: 80, ipv4Ranges: [{ cidr: '10.0.0.0/8' }] })));
  assert.equal(more.length, 1, 'same protocol and ports merge into one permission');
  assert.deepEqual(more[0]!.ipv4Ranges.map((r) => r.cidr), ['0.0.0.0/0', '10.0.0.0/8']);
  assert.equal(list[0]!.ipv4Ranges.length, 1, 'addRules does not change its input');
  const fewer = removeRules(more, new Set(['tcp|80|80|0.0.0.0/0', 'tcp|80|80|2001:db8::/32']));
  assert.deepEqual(fewer, [{ ...p, ipv4Ranges: [{ cidr: '10.0.0.0/8' }], ipv6Ranges: [] }]);
  assert.deepEqual(removeRules(fewer, new Set(['tcp|80|80|10.0.0.0/8'])), []);
});
