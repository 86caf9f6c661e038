/*
 * Compiling the store into a snapshot: a load balancer's security groups become the client
 * blocks each listener lets in (tcp or all-protocol rules covering its port), and a load
 * balancer without security groups lets everyone in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStateStore } from '../../src/store/sqlite/sqlite-state-store.ts';
import { compileSnapshot } from '../../src/snapshot/index.ts';
import { buildLoadBalancer, defaultArnContext, listenerArn, loadBalancerArn, type SecurityGroup } from '../../src/model/index.ts';

function sg(groupId: string, ingress: SecurityGroup['ingress']): SecurityGroup {
  return { groupId, groupName: groupId, description: 'd', vpcId: 'vpc-local', ingress, egress: [], createdAt: 0 };
}

test('security-group rules covering a listener port become its allowed sources', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'albatross-compile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new SqliteStateStore(dir);
  t.after(() => store.close());
  await store.transaction(async (tx) => {
    await tx.putSecurityGroup(sg('sg-web', [
      { ipProtocol: 'tcp', fromPort: 80, toPort: 80, ipv4Ranges: [{ cidr: '127.0.0.2/32' }], ipv6Ranges: [{ cidr: '::1/128' }] },
      { ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipv4Ranges: [{ cidr: '10.0.0.0/8' }], ipv6Ranges: [] },
      { ipProtocol: 'udp', fromPort: 0, toPort: 65535, ipv4Ranges: [{ cidr: '192.0.2.0/24' }], ipv6Ranges: [] },
    ]));
    await tx.putSecurityGroup(sg('sg-all', [{ ipProtocol: '-1', ipv4Ranges: [{ cidr: '198.51.100.0/24' }], ipv6Ranges: [] }]));
    const guarded = buildLoadBalancer({ name: 'guarded', securityGroups: ['sg-web', 'sg-all'] }, loadBalancerArn(defaultArnContext, 'guarded', '0000000000000001'), 0);
    const open = buildLoadBalancer({ name: 'open' }, loadBalancerArn(defaultArnContext, 'open', '0000000000000002'), 0);
    await tx.putLoadBalancer(guarded);
    await tx.putLoadBalancer(open);
    await tx.putListener({ arn: listenerArn(guarded.arn, 'a'), loadBalancerArn: guarded.arn, protocol: 'HTTP', port: 80, defaultActions: [], certificates: [] });
    await tx.putListener({ arn: listenerArn(open.arn, 'b'), loadBalancerArn: open.arn, protocol: 'HTTP', port: 81, defaultActions: [], certificates: [] });
  });
  const snapshot = await compileSnapshot(store, async () => undefined, () => '');
  const byPort = new Map(snapshot.listeners.map((l) => [l.port, l.allowedSources]));
  assert.deepEqual(byPort.get(80)?.sort(), ['127.0.0.2/32', '198.51.100.0/24', '::1/128']);
  assert.equal(byPort.get(81), undefined);
});
