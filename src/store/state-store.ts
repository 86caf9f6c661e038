/**
 * The persistence interface for desired state (what users configured) and for observed target
 * health. Asynchronous so that a PostgreSQL implementation shared by several nodes fits behind
 * it; the data plane never sees it (it gets compiled snapshots).
 */
import type { LoadBalancer, Listener, TargetGroup, Target, TargetHealthState, TargetHealthReason } from '../model/index.ts';

/** Reads and writes inside one transaction. */
export interface StoreTx {
  listLoadBalancers(): Promise<LoadBalancer[]>;
  getLoadBalancer(arn: string): Promise<LoadBalancer | undefined>;
  findLoadBalancerByName(name: string): Promise<LoadBalancer | undefined>;
  putLoadBalancer(lb: LoadBalancer): Promise<void>;
  /** Deletes the load balancer with its listeners. */
  deleteLoadBalancer(arn: string): Promise<void>;

  listListeners(loadBalancerArn?: string): Promise<Listener[]>;
  getListener(arn: string): Promise<Listener | undefined>;
  putListener(listener: Listener): Promise<void>;
  deleteListener(arn: string): Promise<void>;

  listTargetGroups(): Promise<TargetGroup[]>;
  getTargetGroup(arn: string): Promise<TargetGroup | undefined>;
  findTargetGroupByName(name: string): Promise<TargetGroup | undefined>;
  putTargetGroup(tg: TargetGroup): Promise<void>;
  /** Deletes the target group with its targets. */
  deleteTargetGroup(arn: string): Promise<void>;

  listTargets(targetGroupArn: string): Promise<Target[]>;
  putTarget(targetGroupArn: string, target: Target): Promise<void>;
  deleteTarget(targetGroupArn: string, id: string, port: number): Promise<void>;
}

/** One target's observed health on one node, as the health checker last recorded it. */
export interface TargetHealthRecord {
  targetGroupArn: string;
  id: string;
  port: number;
  node: string;
  state: TargetHealthState;
  reason?: TargetHealthReason;
  description?: string;
  /** Epoch ms of the last completed check, if any. */
  lastCheckAt?: number;
  /** What the last check saw: `200`, `503`, `timeout`, `ECONNREFUSED`. */
  lastResult?: string;
}

export interface StateStore {
  /**
   * Runs `fn` as one transaction: every write commits together or none does, and the config
   * version goes up once if anything was written. Transactions are serialised.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Monotonic version of the desired state; changes whenever any transaction wrote. */
  configVersion(): Promise<number>;
  /** Calls `onChange` (at most every `intervalMs`) when the config version moves; returns a stop function. */
  watch(onChange: (version: number) => void, intervalMs?: number): () => void;
  /** Replaces this node's observed health records. Does not change the config version. */
  saveTargetHealth(node: string, records: readonly TargetHealthRecord[]): Promise<void>;
  listTargetHealth(): Promise<TargetHealthRecord[]>;
  close(): Promise<void>;
}
