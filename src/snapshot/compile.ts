/**
 * Desired state (store) → Snapshot. Pure apart from host-name resolution, which is injected so
 * that tests and other nodes can decide how names resolve.
 */
import { isIP } from 'node:net';
import {
  bindAddress,
  readLoadBalancerSettings,
  readTargetGroupSettings,
  referencedTargetGroups,
  targetKey,
} from '../model/index.ts';
import type { StateStore } from '../store/state-store.ts';
import type { ListenerSnapshot, Snapshot, TargetGroupSnapshot } from './snapshot.ts';

/** Resolves an `instance` target's host name to an address; undefined when it does not resolve. */
export type Resolve = (host: string) => Promise<string | undefined>;

export async function compileSnapshot(store: StateStore, resolve: Resolve): Promise<Snapshot> {
  const { version, lbs, listeners, groups } = await store.transaction(async (tx) => {
    const groupList = await tx.listTargetGroups();
    const withTargets = [];
    for (const tg of groupList) withTargets.push({ tg, targets: await tx.listTargets(tg.arn) });
    return {
      version: await store.configVersion(),
      lbs: await tx.listLoadBalancers(),
      listeners: await tx.listListeners(),
      groups: withTargets,
    };
  });

  const lbByArn = new Map(lbs.map((lb) => [lb.arn, lb]));
  const used = new Set<string>();
  const listenerSnapshots: ListenerSnapshot[] = [];
  for (const l of listeners) {
    const lb = lbByArn.get(l.loadBalancerArn);
    if (!lb) continue;
    for (const arn of referencedTargetGroups(l.defaultActions)) used.add(arn);
    listenerSnapshots.push({
      arn: l.arn,
      loadBalancerArn: lb.arn,
      loadBalancerName: lb.name,
      dnsName: lb.dnsName,
      protocol: l.protocol,
      port: l.port,
      bindAddress: bindAddress(lb),
      settings: readLoadBalancerSettings(lb.attributes),
      defaultActions: l.defaultActions,
    });
  }

  const names = new Set<string>();
  for (const { targets } of groups) for (const t of targets) if (isIP(t.id) === 0) names.add(t.id);
  const resolved = new Map<string, string | undefined>();
  await Promise.all([...names].map(async (n) => resolved.set(n, await resolve(n))));

  const targetGroups: TargetGroupSnapshot[] = groups.map(({ tg, targets }) => ({
    arn: tg.arn,
    name: tg.name,
    protocol: tg.protocol,
    port: tg.port,
    settings: readTargetGroupSettings(tg.attributes),
    healthCheck: tg.healthCheck,
    inUse: used.has(tg.arn),
    targets: targets.map((t) => ({
      key: targetKey(t.id, t.port),
      id: t.id,
      port: t.port,
      address: isIP(t.id) !== 0 ? t.id : resolved.get(t.id),
      registeredAt: t.registeredAt,
      drainUntil: t.drainUntil,
    })),
  }));

  return { version, listeners: listenerSnapshots, targetGroups };
}
