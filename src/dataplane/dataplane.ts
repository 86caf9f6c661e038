/**
 * A worker's data plane: applies snapshots (build everything, then swap references) and health
 * updates. Per-target state — observed health, upstream pool, in-flight count — is carried over
 * by target key, so a config change never resets health or drops connections.
 */
import type { TargetHealthState } from '../model/index.ts';
import type { HealthUpdate, Snapshot } from '../snapshot/index.ts';
import { compileAction } from './actions.ts';
import { ListenerManager, type BindRequest, type ListenerStatus } from './listener-manager.ts';
import { ListenerRuntime } from './listener-runtime.ts';
import { TargetEndpoint, TargetSet } from './target-set.ts';
import { UpstreamPool } from './upstream/index.ts';

export class DataPlane {
  readonly #listeners: ListenerManager;
  #targetSets = new Map<string, TargetSet>();
  readonly #pools = new Map<string, UpstreamPool>();
  readonly #health = new Map<string, TargetHealthState>();
  version = -1;

  constructor(reportListener: (status: ListenerStatus) => void) {
    this.#listeners = new ListenerManager(reportListener);
  }

  apply(snapshot: Snapshot): void {
    const sets = new Map<string, TargetSet>();
    const usedOrigins = new Set<string>();
    for (const tg of snapshot.targetGroups) {
      const previous = this.#targetSets.get(tg.arn);
      const endpoints = tg.targets.map((t) => {
        // The same target keeps its object: in-flight exchanges hold it and count on it.
        const old = previous?.endpoint(t.key);
        if (old !== undefined && old.address === t.address && old.tls === (tg.protocol === 'HTTPS')) {
          old.draining = t.drainUntil !== undefined;
          if (old.pool !== undefined) usedOrigins.add(old.origin);
          return old;
        }
        const e = new TargetEndpoint(t, this.#health.get(healthKey(tg.arn, t.key)) ?? 'initial', tg.protocol === 'HTTPS');
        if (e.address !== undefined) {
          e.pool = this.#pool(e);
          usedOrigins.add(e.origin);
        }
        return e;
      });
      sets.set(tg.arn, new TargetSet(tg, endpoints));
    }
    const binds: BindRequest[] = snapshot.listeners.map((l) => ({
      bindAddress: l.bindAddress,
      runtime: new ListenerRuntime(l, compileAction(l.defaultActions, sets)),
      tls: l.tls,
    }));
    this.#targetSets = sets;
    this.#listeners.apply(binds);
    for (const [origin, pool] of this.#pools) {
      if (!usedOrigins.has(origin)) {
        this.#pools.delete(origin);
        pool.close();
      }
    }
    this.version = snapshot.version;
  }

  applyHealth(updates: readonly HealthUpdate[]): void {
    const touched = new Set<TargetSet>();
    for (const u of updates) {
      this.#health.set(healthKey(u.targetGroupArn, u.targetKey), u.state);
      const set = this.#targetSets.get(u.targetGroupArn);
      const e = set?.endpoint(u.targetKey);
      if (set && e) {
        e.state = u.state;
        touched.add(set);
      }
    }
    for (const set of touched) set.rebuild();
  }

  async close(): Promise<void> {
    await this.#listeners.close();
    for (const p of this.#pools.values()) p.close();
    this.#pools.clear();
  }

  #pool(e: TargetEndpoint): UpstreamPool {
    let pool = this.#pools.get(e.origin);
    if (pool === undefined) {
      pool = new UpstreamPool(e.address!, e.port, e.tls);
      this.#pools.set(e.origin, pool);
    }
    return pool;
  }
}

function healthKey(targetGroupArn: string, targetKey: string): string {
  return targetGroupArn + '\n' + targetKey;
}
