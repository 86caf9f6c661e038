/**
 * The compiled, immutable configuration the data plane runs on: the only contract between the
 * control side (supervisor) and the workers. Plain data, so it crosses IPC as it is. Observed
 * health is not in it: it travels separately as `HealthUpdate`s, and survives snapshot swaps.
 */
import type { Action, RuleCondition, TlsProtocol, LoadBalancerSettings, TargetGroupSettings, TargetHealthState, TargetHealthReason, HealthCheckSettings, TargetGroupProtocol } from '../model/index.ts';

export interface Snapshot {
  /** The store's config version this snapshot was compiled from. */
  version: number;
  listeners: ListenerSnapshot[];
  targetGroups: TargetGroupSnapshot[];
  /** Base64 of the 32-byte key sealing sticky cookies ('' until the supervisor sets it). */
  stickinessKey: string;
  /**
   * Base64 of 32 random bytes the supervisor draws at start ('' until it sets it): every worker
   * derives each HTTPS listener's session ticket keys from it, so a client resumes its TLS
   * session on whichever worker it reaches.
   */
  tlsTicketSecret: string;
}

export interface ListenerSnapshot {
  arn: string;
  loadBalancerArn: string;
  loadBalancerName: string;
  /** The load balancer's DNS name: the Host sent for HTTP/1.0 requests that carry none. */
  dnsName: string;
  protocol: 'HTTP' | 'HTTPS';
  port: number;
  /** Address to bind: `0.0.0.0`, `::`, `127.0.0.1` or `::1`. */
  bindAddress: string;
  settings: LoadBalancerSettings;
  defaultActions: Action[];
  /** The listener's rules (not the default one), in any order: the data plane sorts by priority. */
  rules: Array<{ priority: number; conditions: RuleCondition[]; actions: Action[] }>;
  /**
   * Client CIDRs the load balancer's security groups let in on this port (tcp or all
   * protocols); undefined when it has no security group, which lets everything in.
   */
  allowedSources: string[] | undefined;
  /** HTTPS listeners only: certificates (the first is the default) and the security policy. */
  tls: ListenerTls | undefined;
}

/**
 * What an HTTPS listener terminates TLS with. Private keys are here in clear: a snapshot lives
 * in memory and crosses IPC only, never disk.
 */
export interface ListenerTls {
  policyName: string;
  minVersion: TlsProtocol;
  maxVersion: TlsProtocol;
  /** Node's `ciphers` string (TLS 1.3 suites and OpenSSL names, in the policy's order). */
  ciphers: string;
  certificates: ListenerTlsCertificate[];
}

export interface ListenerTlsCertificate {
  arn: string;
  /** DNS names it serves (subject alternative names, else the common name); `*.` wildcards kept. */
  names: string[];
  /** Certificate body followed by its chain, PEM. */
  cert: string;
  key: string;
}

export interface TargetGroupSnapshot {
  arn: string;
  name: string;
  protocol: TargetGroupProtocol;
  port: number;
  settings: TargetGroupSettings;
  healthCheck: HealthCheckSettings;
  /** True when some listener forwards to it; otherwise its targets are `unused`. */
  inUse: boolean;
  targets: TargetSnapshot[];
}

export interface TargetSnapshot {
  /** `id:port`, unique within the group. */
  key: string;
  id: string;
  port: number;
  /** Resolved IP address; undefined when the host name does not resolve. */
  address: string | undefined;
  registeredAt: number;
  /** Epoch ms at which a draining target is removed; undefined when not draining. */
  drainUntil: number | undefined;
}

/** A change of one target's observed health, broadcast by the health checker. */
export interface HealthUpdate {
  targetGroupArn: string;
  targetKey: string;
  state: TargetHealthState;
  reason: TargetHealthReason | undefined;
}
