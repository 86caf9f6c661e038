/**
 * What a bound listener needs per request, compiled from its snapshot once per config change:
 * the action to run and the header settings of its load balancer.
 */
import type { LoadBalancerSettings } from '../model/index.ts';
import type { ListenerSnapshot } from '../snapshot/index.ts';
import type { TargetSet } from './target-set.ts';
import type { LoadBalancerStats } from './stats.ts';
import type { AccessLog } from './access-log.ts';
import type { RouteTable } from './routing/route-table.ts';
import type { GroupStickiness } from './stickiness/group-stickiness.ts';
import { compileCidr, type CidrBlock } from './routing/source-ip.ts';

export type CompiledAction =
  | { kind: 'forward'; targetSet: TargetSet }
  | { kind: 'forward-weighted'; targetSets: TargetSet[]; cumulative: number[]; total: number; stickiness: GroupStickiness | undefined }
  | { kind: 'fixed-response'; status: number; contentType: string; body: Buffer }
  | { kind: 'redirect'; status: number; protocol: string; host: string; port: string; path: string; query: string };

export class ListenerRuntime {
  readonly arn: string;
  readonly loadBalancerName: string;
  readonly dnsName: string;
  readonly port: number;
  readonly portString: string;
  readonly proto: 'http' | 'https';
  readonly settings: LoadBalancerSettings;
  /** Default action when the listener has no rules; else `routes` decides. */
  readonly action: CompiledAction;
  readonly routes: RouteTable<CompiledAction>;
  /** The load balancer's counters (shared by its listeners, kept across snapshots). */
  readonly stats: LoadBalancerStats;
  /** Set when the load balancer's access logs are on. */
  readonly accessLog: AccessLog | undefined;
  /** Security groups: the client blocks let in; undefined lets everyone in. */
  readonly allowedSources: CidrBlock[] | undefined;
  /** ALB's name for it in logs and metrics: `app/<name>/<id>`. */
  readonly loadBalancerDimension: string;
  /** `x-forwarded-proto` and `x-forwarded-port` lines, the same for every request. */
  readonly forwardedProtoPortLines: string;
  /** Host rewriting memo: the last Host seen and what it became (most clients send one Host). */
  lastHostIn = '';
  lastHostOut = '';

  constructor(l: ListenerSnapshot, routes: RouteTable<CompiledAction>, defaultAction: CompiledAction, stats: LoadBalancerStats, accessLog?: AccessLog) {
    this.arn = l.arn;
    this.loadBalancerName = l.loadBalancerName;
    this.dnsName = l.dnsName;
    this.port = l.port;
    this.portString = String(l.port);
    this.proto = l.protocol === 'HTTPS' ? 'https' : 'http';
    this.settings = l.settings;
    this.action = defaultAction;
    this.routes = routes;
    this.stats = stats;
    this.accessLog = l.settings.accessLogs ? accessLog : undefined;
    this.allowedSources = l.allowedSources?.map(compileCidr);
    this.loadBalancerDimension = l.loadBalancerArn.slice(l.loadBalancerArn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
    this.forwardedProtoPortLines = `x-forwarded-proto: ${this.proto}\r\nx-forwarded-port: ${this.portString}\r\n`;
  }

  /**
   * The Host header sent to targets. With preserve_host_header off, ALB sends the request's host
   * with the listener's port (none for 80/443); on, it is passed unchanged.
   */
  targetHost(host: string): string {
    if (this.settings.preserveHostHeader) return host;
    if (host === this.lastHostIn) return this.lastHostOut;
    let name = host;
    if (host.charCodeAt(0) === 91 /* [ */) {
      const end = host.indexOf(']');
      if (end > 0) name = host.slice(0, end + 1);
    } else {
      const colon = host.indexOf(':');
      if (colon >= 0) name = host.slice(0, colon);
    }
    const defaultPort = this.proto === 'https' ? 443 : 80;
    const out = this.port === defaultPort ? name : name + ':' + this.portString;
    this.lastHostIn = host;
    this.lastHostOut = out;
    return out;
  }
}
