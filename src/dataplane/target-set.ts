/**
 * Runtime form of a target group in one worker: its endpoints (targets with their upstream pool,
 * health and in-flight count) and the routable list the balancer picks from. The routable list is
 * rebuilt on config and health events, never filtered per request (HAProxy's lb_ops lesson).
 */
import type { UpstreamPool } from './upstream/index.ts';
import { TargetStats } from './stats.ts';
import { createBalancer, type Balancer } from './balancer/balancer.ts';
import { slowStartBegins } from './balancer/slow-start.ts';
import { StickyCookieIssuer, appCookieLifetimeSec, appCookieName, stickyGroupId, type StickyCookieIssuerOptions } from './stickiness/lb-cookie.ts';
import type { TargetGroupSettings, TargetHealthState } from '../model/index.ts';
import type { TargetGroupSnapshot, TargetSnapshot } from '../snapshot/index.ts';

export class TargetEndpoint {
  readonly key: string;
  readonly id: string;
  readonly port: number;
  readonly address: string | undefined;
  /** `http://address:port` or `https://…`: the origin its pool connects to. */
  readonly origin: string;
  /** The target group speaks HTTPS to its targets. */
  readonly tls: boolean;
  pool: UpstreamPool | undefined;
  state: TargetHealthState;
  draining: boolean;
  /** Requests sent to this target and not yet finished, in this worker. */
  inflight = 0;
  /** 5XX responses in a row (passive outlier detection). */
  consecutive5xx = 0;
  /** Epoch ms at which the target entered slow start; 0 when it is not ramping. */
  healthySinceMs = 0;
  /** This target's counters in this worker, kept across snapshots. */
  readonly stats: TargetStats;

  constructor(t: TargetSnapshot, state: TargetHealthState, tls = false, stats: TargetStats = new TargetStats()) {
    this.stats = stats;
    this.key = t.key;
    this.id = t.id;
    this.port = t.port;
    this.address = t.address;
    this.tls = tls;
    this.origin = t.address === undefined ? '' : `${tls ? 'https' : 'http'}://${t.address.includes(':') ? `[${t.address}]` : t.address}:${t.port}`;
    this.pool = undefined;
    this.state = state;
    this.draining = t.drainUntil !== undefined;
  }

  /** Eligible when healthy, or when health checks are off (ALB routes to `unavailable` targets). */
  get healthy(): boolean {
    return this.state === 'healthy' || this.state === 'unavailable';
  }
}

/** Tells the supervisor that the data plane ejected a target. */
export type EjectReporter = (targetGroupArn: string, targetKey: string, result: string) => void;

export class TargetSet {
  readonly arn: string;
  readonly name: string;
  readonly settings: TargetGroupSettings;
  readonly endpoints: TargetEndpoint[];
  readonly #byKey = new Map<string, TargetEndpoint>();
  /** What `pick` chooses from: healthy targets, or every usable one when none is healthy. */
  routable: TargetEndpoint[] = [];
  /** True while no target is healthy and requests fail open to all registered targets. */
  failOpen = false;
  /** The group's algorithm (`load_balancing.algorithm.type`), fed the routable list on change. */
  readonly balancer: Balancer<TargetEndpoint>;
  readonly #onEject: EjectReporter;

  /**
   * Set when the group has stickiness on (and a stickiness key exists): AWSALB/AWSALBCORS for
   * lb_cookie, AWSALBAPP-0 for app_cookie (`stickyKind` says which).
   */
  readonly sticky: StickyCookieIssuer | undefined;
  readonly stickyKind: 'lb' | 'app' | undefined;
  /** app_cookie: the application's own cookie, whose Set-Cookie starts a sticky session. */
  readonly appCookie: string;
  readonly stickyGroup: number;
  /** How AWSALBTG cookies (group stickiness of a weighted forward) name this group. */
  readonly stickyToken: string;

  constructor(tg: TargetGroupSnapshot, endpoints: TargetEndpoint[], onEject: EjectReporter = () => undefined, stickinessKey?: Buffer) {
    this.#onEject = onEject;
    this.stickyGroup = stickyGroupId(tg.arn);
    this.stickyToken = this.stickyGroup.toString(36);
    const s = tg.settings;
    this.stickyKind = s.stickinessEnabled && stickinessKey !== undefined ? (s.stickinessType === 'app_cookie' ? 'app' : 'lb') : undefined;
    this.appCookie = s.appCookieName;
    this.sticky = this.stickyKind === undefined ? undefined : new StickyCookieIssuer(stickinessKey!, stickyCookieOptions(this.stickyKind, s, this.stickyGroup));
    this.balancer = createBalancer<TargetEndpoint>(tg.settings);
    this.arn = tg.arn;
    this.name = tg.name;
    this.settings = tg.settings;
    this.endpoints = endpoints;
    for (const e of endpoints) this.#byKey.set(e.key, e);
    this.rebuild();
  }

  endpoint(key: string): TargetEndpoint | undefined {
    return this.#byKey.get(key);
  }

  /** Recomputes the routable list; call after any endpoint's health or draining changed. */
  rebuild(): void {
    const usable = this.endpoints.filter((e) => !e.draining && e.pool !== undefined);
    const healthy = usable.filter((e) => e.healthy);
    this.failOpen = healthy.length === 0 && usable.length > 0;
    this.routable = this.failOpen ? usable : healthy;
    this.balancer.reset(this.routable, Date.now());
  }

  /** A target turned healthy (or stopped being): slow start begins, or ends, for it. */
  noteHealthChange(e: TargetEndpoint, wasHealthy: boolean): void {
    if (e.healthy && !wasHealthy) {
      e.healthySinceMs = slowStartBegins(Date.now(), this.settings.slowStartMs, this.routable.filter((x) => x !== e));
    } else if (!e.healthy) {
      e.healthySinceMs = 0;
    }
  }

  /**
   * The data plane saw `e` fail: stop sending it requests in this worker now, and report it so the
   * health checker marks it unhealthy for every worker until its checks pass again.
   */
  eject(e: TargetEndpoint, result: string): void {
    if (e.state === 'unhealthy' || e.state === 'unavailable') return;
    e.state = 'unhealthy';
    this.rebuild();
    this.#onEject(this.arn, e.key, result);
  }

  /** The target a valid sticky cookie names, if it can still take requests. */
  stuckTarget(key: string): TargetEndpoint | undefined {
    const e = this.#byKey.get(key);
    return e !== undefined && this.routable.includes(e) ? e : undefined;
  }

  /** The target for the next request by the group's algorithm, skipping `exclude` when another is available. */
  pick(exclude?: TargetEndpoint): TargetEndpoint | undefined {
    return this.balancer.pick(Date.now(), exclude);
  }
}

function stickyCookieOptions(kind: 'lb' | 'app', s: TargetGroupSettings, group: number): StickyCookieIssuerOptions {
  if (kind === 'lb') return { kind, name: 'AWSALB', corsName: 'AWSALBCORS', group, durationSec: s.lbCookieDurationSeconds };
  // ALB: the session lasts the app cookie duration; the AWSALBAPP cookie itself is kept 7 days.
  return { kind, name: appCookieName(0), corsName: undefined, group, durationSec: s.appCookieDurationSeconds, lifetimeSec: appCookieLifetimeSec };
}
