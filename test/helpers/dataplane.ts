/**
 * A data plane in the test process, without the control plane: snapshots built by hand for
 * targets on loopback, every target reported healthy, and a wait until the listeners are bound.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { DataPlane, type ListenerStatus } from '../../src/dataplane/index.ts';
import {
  defaultAttributes, healthCheckDefaults, loadBalancerAttributeSpecs, normalizeActions, readLoadBalancerSettings, readTargetGroupSettings,
  type ActionInput, type RuleCondition, type TargetGroupProtocol,
} from '../../src/model/index.ts';
import type { ListenerSnapshot, ListenerTls, Snapshot, TargetGroupSnapshot } from '../../src/snapshot/index.ts';

export type Closers = Array<() => unknown>;

/** A list the test file pushes its cleanups to; they run last-first once all its tests are done. */
export function closersAfterAll(first: Closers = []): Closers {
  const closers = [...first];
  after(async () => {
    for (const c of closers.reverse()) await c();
  });
  return closers;
}

/** A target group of loopback targets on `ports`; `draining` ports drain for the next 5 minutes. */
export function targetGroupSnapshot(
  arn: string,
  ports: number[],
  attributes: Record<string, string> = {},
  opts: { name?: string; protocol?: TargetGroupProtocol; draining?: number[] } = {},
): TargetGroupSnapshot {
  return {
    arn, name: opts.name ?? arn, protocol: opts.protocol ?? 'HTTP', port: 80, inUse: true,
    settings: readTargetGroupSettings(attributes),
    healthCheck: { ...healthCheckDefaults, protocol: 'HTTP' },
    targets: ports.map((port) => ({
      key: `127.0.0.1:${port}`, id: '127.0.0.1', port, address: '127.0.0.1', registeredAt: 0,
      drainUntil: opts.draining?.includes(port) ? Date.now() + 300_000 : undefined,
    })),
  };
}

export const forward = (targetGroupArn: string): ActionInput[] => [{ type: 'forward', targetGroupArn }];
export const fixed = (code: string, body: string): ActionInput[] => [{ type: 'fixed-response', fixedResponseConfig: { statusCode: code, contentType: 'text/plain', messageBody: body } }];
export const rule = (priority: number, conditions: RuleCondition[], actions: ActionInput[]): ListenerSnapshot['rules'][number] =>
  ({ priority, conditions, actions: normalizeActions(actions) });

/** A listener of load balancer `lb` on 127.0.0.1:`port` (HTTP unless it has `tls`), no rules, no security group. */
export function listenerSnapshot(l: {
  port: number;
  defaultActions: ActionInput[];
  rules?: ListenerSnapshot['rules'];
  attributes?: Record<string, string>;
  tls?: ListenerTls;
  allowedSources?: string[];
  arn?: string;
  loadBalancerArn?: string;
  loadBalancerName?: string;
  bindAddress?: string;
}): ListenerSnapshot {
  return {
    arn: l.arn ?? `listener-${l.port}`, loadBalancerArn: l.loadBalancerArn ?? 'lb', loadBalancerName: l.loadBalancerName ?? 'lb', dnsName: 'lb.albatross.local',
    protocol: l.tls ? 'HTTPS' : 'HTTP', port: l.port, bindAddress: l.bindAddress ?? '127.0.0.1',
    settings: readLoadBalancerSettings({ ...defaultAttributes(loadBalancerAttributeSpecs), ...l.attributes }),
    defaultActions: normalizeActions(l.defaultActions),
    rules: l.rules ?? [],
    allowedSources: l.allowedSources,
    tls: l.tls,
  };
}

export function snapshot(
  targetGroups: TargetGroupSnapshot[],
  listeners: ListenerSnapshot[],
  opts: { version?: number; stickinessKey?: string; tlsTicketSecret?: string } = {},
): Snapshot {
  return { version: opts.version ?? 1, stickinessKey: opts.stickinessKey ?? '', tlsTicketSecret: opts.tlsTicketSecret ?? '', targetGroups, listeners };
}

/** Applies `s` and reports every target in it healthy. */
export function applyHealthy(plane: DataPlane, s: Snapshot): void {
  plane.apply(s);
  plane.applyHealth(s.targetGroups.flatMap((g) => g.targets.map((t) => ({ targetGroupArn: g.arn, targetKey: t.key, state: 'healthy' as const, reason: undefined }))));
}

/**
 * A data plane running `s` with every target healthy, closed by `closers`; resolves once a
 * listener is bound. `onEject` hears each target passive outlier detection ejects.
 */
export async function startDataPlane(
  s: Snapshot,
  closers: Closers,
  opts: { onEject?: (targetGroupArn: string, targetKey: string, result: string) => void } = {},
): Promise<DataPlane> {
  const statuses: ListenerStatus[] = [];
  const plane = new DataPlane((status) => statuses.push(status), opts.onEject);
  closers.push(() => plane.close());
  applyHealthy(plane, s);
  for (let i = 0; i < 200 && !statuses.some((status) => status.ok); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(statuses.some((status) => status.ok), `listener did not bind: ${JSON.stringify(statuses)}`);
  return plane;
}
