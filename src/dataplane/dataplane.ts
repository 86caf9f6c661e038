/**
 * A worker's data plane: applies snapshots (build everything, then swap references) and health
 * updates. Per-target state — observed health, upstream pool, in-flight count — is carried over
 * by target key, so a config change never resets health or drops connections.
 */
import type { TargetHealthState } from '../model/index.ts';
import { targetGroupLoadBalancers, type HealthUpdate, type Snapshot } from '../snapshot/index.ts';
import { compileAction } from './actions.ts';
import { ListenerManager, type BindRequest, type ListenerStatus } from './listener-manager.ts';
import { ListenerRuntime } from './listener-runtime.ts';
import { TargetEndpoint, TargetSet, type EjectReporter } from './target-set.ts';
import { UpstreamPool } from './upstream/index.ts';
import { LoadBalancerStats, TargetStats, type WorkerStats } from './stats.ts';
import { AccessLog } from './access-log.ts';
import { compileRouteTable } from './routing/route-table.ts';
import { StickyCookieDecoder } from './stickiness/lb-cookie.ts';
import { stickyCookies } from './exchange.ts';
import { listenerSessionKeys } from './tls-contexts.ts';

export class DataPlane {
  readonly #listeners: ListenerManager;
  #targetSets = new Map<string, TargetSet>();
  readonly #pools = new Map<string, UpstreamPool>();
  readonly #health = new Map<string, TargetHealthState>();
  /**
   * Counters by load balancer ARN and by target group + target: they outlive snapshots while
   * their load balancer (with a listener) or target (draining included) is in them.
   */
  readonly #lbStats = new Map<string, { name: string; stats: LoadBalancerStats }>();
  readonly #targetStats = new Map<string, TargetStats>();
  /** Target group ARN → the load balancers whose listeners forward to it (metric labels). */
  #groupLoadBalancers = new Map<string, string[]>();
  #groupNames = new Map<string, string>();
  version = -1;

  readonly #reportEject: EjectReporter;
  readonly #accessLog: AccessLog | undefined;
  #stickinessKeyText = '';
  #stickinessKey: Buffer | undefined;

  /** `accessLogDir`: where load balancers with access logs on write them (none: not written). */
  constructor(reportListener: (status: ListenerStatus) => void, reportEject: EjectReporter = () => undefined, accessLogDir?: string) {
    this.#listeners = new ListenerManager(reportListener);
    this.#reportEject = reportEject;
    this.#accessLog = accessLogDir === undefined ? undefined : new AccessLog(accessLogDir);
  }

  apply(snapshot: Snapshot): void {
    if (snapshot.stickinessKey !== '' && snapshot.stickinessKey !== this.#stickinessKeyText) {
      this.#stickinessKeyText = snapshot.stickinessKey;
      this.#stickinessKey = Buffer.from(snapshot.stickinessKey, 'base64');
      stickyCookies.decoder = new StickyCookieDecoder(this.#stickinessKey);
    }
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
        const key = healthKey(tg.arn, t.key);
        let stats = this.#targetStats.get(key);
        if (stats === undefined) this.#targetStats.set(key, (stats = new TargetStats()));
        const e = new TargetEndpoint(t, this.#health.get(key) ?? 'initial', tg.protocol === 'HTTPS', stats);
        if (e.address !== undefined) {
          e.pool = this.#pool(e);
          usedOrigins.add(e.origin);
        }
        return e;
      });
      sets.set(tg.arn, new TargetSet(tg, endpoints, this.#reportEject, this.#stickinessKey));
    }
    const ticketSecret = snapshot.tlsTicketSecret === '' ? undefined : Buffer.from(snapshot.tlsTicketSecret, 'base64');
    const binds: BindRequest[] = snapshot.listeners.map((l) => {
      const defaultAction = compileAction(l.defaultActions, sets);
      const routes = compileRouteTable(
        l.rules.map((r) => ({ priority: r.priority, conditions: r.conditions, action: compileAction(r.actions, sets) })),
        defaultAction,
      );
      return {
        bindAddress: l.bindAddress,
        runtime: new ListenerRuntime(l, routes, defaultAction, this.#statsOf(l.loadBalancerArn, l.loadBalancerName), this.#accessLog),
        tls: l.tls,
        session: l.tls === undefined || ticketSecret === undefined ? undefined : listenerSessionKeys(ticketSecret, l.arn),
      };
    });
    this.#targetSets = sets;
    this.#forgetRemoved(snapshot);
    this.#groupLoadBalancers = targetGroupLoadBalancers(snapshot.listeners);
    this.#groupNames = new Map(snapshot.targetGroups.map((tg) => [tg.arn, tg.name]));
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
        const wasHealthy = e.healthy;
        e.state = u.state;
        set.noteHealthChange(e, wasHealthy);
        touched.add(set);
      }
    }
    for (const set of touched) set.rebuild();
  }

  /** Cumulative counters of this worker, for the supervisor to sum (metrics). */
  stats(): WorkerStats {
    const loadBalancers = [...this.#lbStats].map(([arn, { name, stats: s }]) => ({
      loadBalancerArn: arn,
      loadBalancerName: name,
      requestCount: s.requestCount,
      elb4xx: s.elb4xx,
      elb5xx: s.elb5xx,
      newConnectionCount: s.newConnectionCount,
      activeConnectionCount: s.activeConnectionCount,
      processedBytes: s.processedBytes,
      clientTlsNegotiationErrors: s.clientTlsNegotiationErrors,
      rejectedConnectionCount: s.rejectedConnectionCount,
    }));
    const targets = [...this.#targetStats].map(([key, s]) => {
      const [targetGroupArn, targetKey] = key.split('\n') as [string, string];
      return {
        targetGroupArn,
        targetGroupName: this.#groupNames.get(targetGroupArn) ?? '',
        loadBalancerArns: this.#groupLoadBalancers.get(targetGroupArn) ?? [],
        targetKey,
        requestCount: s.requestCount,
        target2xx: s.target2xx,
        target3xx: s.target3xx,
        target4xx: s.target4xx,
        target5xx: s.target5xx,
        connectionErrors: s.connectionErrors,
        responseTimeCounts: Array.from(s.responseTimeCounts),
        responseTimeSum: s.responseTimeSum,
      };
    });
    return { version: this.version, loadBalancers, targets };
  }

  /**
   * Drops the counters and health of targets and load balancers the snapshot no longer has, so a
   * worker's memory and its stats report follow the configuration, not its history; exchanges
   * still in flight finish on the detached objects.
   */
  #forgetRemoved(snapshot: Snapshot): void {
    const targets = new Set<string>();
    for (const tg of snapshot.targetGroups) for (const t of tg.targets) targets.add(healthKey(tg.arn, t.key));
    for (const key of this.#targetStats.keys()) if (!targets.has(key)) this.#targetStats.delete(key);
    for (const key of this.#health.keys()) if (!targets.has(key)) this.#health.delete(key);
    const loadBalancers = new Set(snapshot.listeners.map((l) => l.loadBalancerArn));
    for (const arn of this.#lbStats.keys()) if (!loadBalancers.has(arn)) this.#lbStats.delete(arn);
  }

  #statsOf(arn: string, name: string): LoadBalancerStats {
    let entry = this.#lbStats.get(arn);
    if (entry === undefined) this.#lbStats.set(arn, (entry = { name, stats: new LoadBalancerStats() }));
    entry.name = name;
    return entry.stats;
  }

  async close(): Promise<void> {
    await this.#listeners.close();
    await this.#accessLog?.flush();
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
