/**
 * The persistence interface for desired state (what users configured) and for observed target
 * health. Asynchronous so that a PostgreSQL implementation shared by several nodes fits behind
 * it; the data plane never sees it (it gets compiled snapshots).
 */
import type {
  AccessKey, LoadBalancer, Listener, Rule, SecurityGroup, ServerCertificate, TargetGroup, Target, TargetHealthState, TargetHealthReason,
} from '../model/index.ts';

/** A certificate with its private key sealed under the master key (see src/secrets). */
export interface StoredServerCertificate {
  certificate: ServerCertificate;
  privateKeySealed: string;
}

/** An access key with its secret sealed under the master key. */
export interface StoredAccessKey {
  key: AccessKey;
  secretSealed: string;
}

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

  /** Rules of one listener (or of all), by priority. The default rule is not stored. */
  listRules(listenerArn?: string): Promise<Rule[]>;
  getRule(arn: string): Promise<Rule | undefined>;
  putRule(rule: Rule): Promise<void>;
  deleteRule(arn: string): Promise<void>;

  /** Tags of a resource, by key. */
  getTags(resourceArn: string): Promise<Record<string, string>>;
  putTags(resourceArn: string, tags: Record<string, string>): Promise<void>;
  removeTags(resourceArn: string, keys: readonly string[]): Promise<void>;

  listServerCertificates(): Promise<StoredServerCertificate[]>;
  getServerCertificate(name: string): Promise<StoredServerCertificate | undefined>;
  findServerCertificateByArn(arn: string): Promise<StoredServerCertificate | undefined>;
  putServerCertificate(cert: StoredServerCertificate): Promise<void>;
  deleteServerCertificate(name: string): Promise<void>;

  listSecurityGroups(): Promise<SecurityGroup[]>;
  getSecurityGroup(groupId: string): Promise<SecurityGroup | undefined>;
  findSecurityGroupByName(groupName: string): Promise<SecurityGroup | undefined>;
  putSecurityGroup(group: SecurityGroup): Promise<void>;
  deleteSecurityGroup(groupId: string): Promise<void>;

  listAccessKeys(): Promise<StoredAccessKey[]>;
  getAccessKey(accessKeyId: string): Promise<StoredAccessKey | undefined>;
  putAccessKey(key: StoredAccessKey): Promise<void>;
  deleteAccessKey(accessKeyId: string): Promise<void>;

  /** Small named values the control plane keeps (e.g. the master-key check). */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
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
