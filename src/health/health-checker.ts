/**
 * Active health checks, once per node in the supervisor: probes every target of every in-use
 * target group on its group's schedule, applies ALB's healthy/unhealthy thresholds, and reports
 * each change of state or reason as a `HealthUpdate` (spec §4). Targets that are not probed get
 * ALB's state for why (unused, unavailable, draining, IP unusable).
 */
import { health, matchesCode, parseMatcher } from '../model/index.ts';
import type { CodeRanges, TargetHealth, TargetHealthReason } from '../model/index.ts';
import type { HealthUpdate, Snapshot, TargetGroupSnapshot, TargetSnapshot } from '../snapshot/index.ts';
import type { TargetHealthRecord } from '../store/state-store.ts';
import { probe, type ProbeRequest, type ProbeResult } from './http-probe.ts';

export interface HealthCheckerOptions {
  /** This node's name, e.g. `local`; stamped on every record. */
  node: string;
  /**
   * Receives changes of state or reason only. One call per `apply()` (all its changes) and one per
   * completed probe (at most one change). Must not throw: it runs from timers and probe callbacks.
   */
  onUpdate: (updates: HealthUpdate[]) => void;
  /** Clock for `lastCheckAt` and scheduling; defaults to `Date.now`. */
  now?: () => number;
}

/** Health-check settings one target is probed with, resolved from its group and itself. */
interface ProbePlan {
  request: Omit<ProbeRequest, 'signal'>;
  intervalMs: number;
  matcher: CodeRanges;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
}

/** What the checker knows about one target of one target group. */
interface TargetRuntime {
  targetGroupArn: string;
  target: TargetSnapshot;
  health: TargetHealth;
  /** Set while the target is actively checked; undefined in the unprobed states. */
  plan: ProbePlan | undefined;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
  lastCheckAt?: number;
  lastResult?: string;
  lastProbeStartedAt?: number;
  timer?: NodeJS.Timeout;
  /** The probe in flight; its result counts only while this is still the same controller. */
  inFlight?: AbortController;
}

/** A probe that ran to an outcome (aborted ones are never counted). */
type CompletedProbe = Exclude<ProbeResult, { kind: 'aborted' }>;

/** ALB's fallback matcher; a snapshot's matcher is validated, so this is only a safety net. */
const defaultMatcher: CodeRanges = [[200, 200]];

/** Probes targets and keeps their observed health. See {@link HealthCheckerOptions}. */
export class HealthChecker {
  readonly #node: string;
  readonly #onUpdate: (updates: HealthUpdate[]) => void;
  readonly #now: () => number;
  /** targetGroupArn → target key → runtime, in the last snapshot's order. */
  #groups = new Map<string, Map<string, TargetRuntime>>();
  #stopped = false;

  constructor(opts: HealthCheckerOptions) {
    this.#node = opts.node;
    this.#onUpdate = opts.onUpdate;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * Takes the new snapshot: starts probing new targets, stops removed ones, keeps the state of
   * targets that remain (by target group ARN and target key), reschedules when settings changed.
   * Emits one `onUpdate` with every new target's state and every changed state. No-op after `stop()`.
   */
  apply(snapshot: Snapshot): void {
    if (this.#stopped) return;
    const updates: HealthUpdate[] = [];
    const toProbeNow: TargetRuntime[] = [];
    const next = new Map<string, Map<string, TargetRuntime>>();

    for (const group of snapshot.targetGroups) {
      const previous = this.#groups.get(group.arn);
      const runtimes = new Map<string, TargetRuntime>();
      next.set(group.arn, runtimes);
      for (const target of group.targets) {
        const existing = previous?.get(target.key);
        previous?.delete(target.key);
        const rt = existing ?? newRuntime(group.arn, target);
        rt.target = target;
        const before = existing ? rt.health : undefined;
        if (this.#applyTarget(rt, group)) toProbeNow.push(rt);
        if (!before || before.state !== rt.health.state || before.reason !== rt.health.reason) {
          updates.push(this.#update(rt));
        }
        runtimes.set(target.key, rt);
      }
    }
    // Whatever is left was deregistered (or its group deleted): nothing to report, just stop.
    for (const runtimes of this.#groups.values()) for (const rt of runtimes.values()) stopProbing(rt);
    this.#groups = next;

    for (const rt of toProbeNow) this.#startProbe(rt);
    if (updates.length > 0) this.#onUpdate(updates);
  }

  /** Current observed health of every target of every target group in the last snapshot. */
  records(): TargetHealthRecord[] {
    const out: TargetHealthRecord[] = [];
    for (const runtimes of this.#groups.values()) {
      for (const rt of runtimes.values()) {
        const record: TargetHealthRecord = {
          targetGroupArn: rt.targetGroupArn,
          id: rt.target.id,
          port: rt.target.port,
          node: this.#node,
          state: rt.health.state,
        };
        if (rt.health.reason !== undefined) record.reason = rt.health.reason;
        if (rt.health.description !== undefined) record.description = rt.health.description;
        if (rt.lastCheckAt !== undefined) record.lastCheckAt = rt.lastCheckAt;
        if (rt.lastResult !== undefined) record.lastResult = rt.lastResult;
        out.push(record);
      }
    }
    return out;
  }

  /** Current health of one target, or undefined if it is not in the last snapshot. */
  get(targetGroupArn: string, targetKey: string): TargetHealth | undefined {
    const rt = this.#groups.get(targetGroupArn)?.get(targetKey);
    return rt ? { ...rt.health } : undefined;
  }

  /** Clears every timer and aborts every probe in flight. Records stay readable; `apply()` is ignored. */
  stop(): void {
    this.#stopped = true;
    for (const runtimes of this.#groups.values()) for (const rt of runtimes.values()) stopProbing(rt);
  }

  /**
   * Brings one target in line with its group's settings. Returns true when it must be probed at
   * once (newly probed, or its probe endpoint changed).
   */
  #applyTarget(rt: TargetRuntime, group: TargetGroupSnapshot): boolean {
    const unprobed = unprobedHealth(group, rt.target);
    if (unprobed) {
      stopProbing(rt);
      rt.plan = undefined;
      rt.health = unprobed;
      return false;
    }

    const plan = probePlan(group, rt.target);
    const previous = rt.plan;
    rt.plan = plan;
    if (!previous) {
      // Newly checked (registered, group now in use, checks re-enabled...): ALB starts over.
      rt.health = health('initial', 'Elb.RegistrationInProgress');
      rt.consecutiveSuccesses = 0;
      rt.consecutiveFailures = 0;
      return true;
    }
    if (!sameEndpoint(previous.request, plan.request)) {
      // An answer from the old address or path says nothing about the new one.
      stopProbing(rt);
      return true;
    }
    if (previous.intervalMs !== plan.intervalMs && rt.timer) {
      clearTimeout(rt.timer);
      rt.timer = undefined;
      this.#schedule(rt);
    }
    // Matcher, thresholds and timeout simply apply from the next probe (or its result) on.
    return false;
  }

  #startProbe(rt: TargetRuntime): void {
    const plan = rt.plan;
    if (this.#stopped || !plan || rt.inFlight) return;
    rt.timer = undefined;
    const controller = new AbortController();
    rt.inFlight = controller;
    rt.lastProbeStartedAt = this.#now();
    void probe({ ...plan.request, signal: controller.signal }).then((result) => {
      // Aborted, removed or superseded: only the probe this target is waiting for counts.
      if (rt.inFlight !== controller || result.kind === 'aborted') return;
      rt.inFlight = undefined;
      const update = this.#record(rt, result);
      this.#schedule(rt);
      if (update) this.#onUpdate([update]);
    });
  }

  /** Next probe one interval after the previous one started, or at once if that is past. */
  #schedule(rt: TargetRuntime): void {
    if (this.#stopped || !rt.plan || rt.inFlight || rt.timer) return;
    const due = (rt.lastProbeStartedAt ?? this.#now()) + rt.plan.intervalMs;
    rt.timer = setTimeout(() => this.#startProbe(rt), Math.max(0, due - this.#now()));
    rt.timer.unref();
  }

  /** Counts one probe result against the thresholds; returns the update if state or reason changed. */
  #record(rt: TargetRuntime, result: CompletedProbe): HealthUpdate | undefined {
    const plan = rt.plan!;
    rt.lastCheckAt = this.#now();
    const failure = judge(result, plan.matcher);
    rt.lastResult = result.kind === 'response' ? String(result.statusCode) : result.kind === 'error' ? result.code : result.kind;
    if (failure) {
      rt.consecutiveFailures++;
      rt.consecutiveSuccesses = 0;
    } else {
      rt.consecutiveSuccesses++;
      rt.consecutiveFailures = 0;
    }

    const before = rt.health;
    const state = before.state;
    if (failure && (state === 'unhealthy' || rt.consecutiveFailures >= plan.unhealthyThresholdCount)) {
      // While unhealthy, the reason follows the latest failure (Timeout → ResponseCodeMismatch...).
      rt.health = health('unhealthy', failure.reason, failure.detail);
    } else if (!failure && state !== 'healthy' && rt.consecutiveSuccesses >= plan.healthyThresholdCount) {
      rt.health = health('healthy');
    } else if (state === 'initial') {
      rt.health = health('initial', 'Elb.InitialHealthChecking');
    }
    if (rt.health.state === before.state && rt.health.reason === before.reason) return undefined;
    return this.#update(rt);
  }

  /**
   * Passive outlier detection: the data plane saw this target fail (refused, reset, a run of 5XX).
   * It is unhealthy at once, before any probe notices, and comes back only through
   * `healthyThresholdCount` passing checks on the usual schedule.
   */
  eject(targetGroupArn: string, targetKey: string, result: string): void {
    const rt = this.#groups.get(targetGroupArn)?.get(targetKey);
    if (this.#stopped || rt === undefined || rt.plan === undefined || rt.health.state === 'unhealthy') return;
    rt.consecutiveSuccesses = 0;
    rt.consecutiveFailures = rt.plan.unhealthyThresholdCount;
    rt.lastCheckAt = this.#now();
    rt.lastResult = result;
    rt.health = health('unhealthy', 'Target.FailedHealthChecks', `${result} on a request (passive check)`);
    this.#onUpdate([this.#update(rt)]);
  }

  #update(rt: TargetRuntime): HealthUpdate {
    return { targetGroupArn: rt.targetGroupArn, targetKey: rt.target.key, state: rt.health.state, reason: rt.health.reason };
  }
}

function newRuntime(targetGroupArn: string, target: TargetSnapshot): TargetRuntime {
  return {
    targetGroupArn,
    target,
    health: health('initial', 'Elb.RegistrationInProgress'),
    plan: undefined,
    consecutiveSuccesses: 0,
    consecutiveFailures: 0,
  };
}

/**
 * The state of a target that is not probed, or undefined when it is. Draining wins: the target
 * is on its way out whatever its group's settings.
 */
function unprobedHealth(group: TargetGroupSnapshot, target: TargetSnapshot): TargetHealth | undefined {
  if (target.drainUntil !== undefined) return health('draining', 'Target.DeregistrationInProgress');
  if (!group.inUse) return health('unused', 'Target.NotInUse');
  if (!group.healthCheck.enabled) return health('unavailable', 'Target.HealthCheckDisabled');
  // Not probed until a later snapshot re-resolves the host name.
  if (target.address === undefined) return health('unhealthy', 'Target.IpUnusable');
  return undefined;
}

function probePlan(group: TargetGroupSnapshot, target: TargetSnapshot): ProbePlan {
  const hc = group.healthCheck;
  return {
    request: {
      protocol: hc.protocol,
      address: target.address!,
      port: hc.port === 'traffic-port' ? target.port : Number(hc.port),
      path: hc.path,
      hostId: target.id,
      timeoutMs: hc.timeoutSeconds * 1000,
    },
    intervalMs: hc.intervalSeconds * 1000,
    matcher: parseMatcher(hc.matcher) ?? defaultMatcher,
    healthyThresholdCount: hc.healthyThresholdCount,
    unhealthyThresholdCount: hc.unhealthyThresholdCount,
  };
}

function sameEndpoint(a: ProbePlan['request'], b: ProbePlan['request']): boolean {
  return a.protocol === b.protocol && a.address === b.address && a.port === b.port && a.path === b.path && a.hostId === b.hostId;
}

/** Clears the target's timer and abandons its probe in flight. */
function stopProbing(rt: TargetRuntime): void {
  if (rt.timer) clearTimeout(rt.timer);
  rt.timer = undefined;
  rt.inFlight?.abort();
  rt.inFlight = undefined;
}

/** Undefined when the probe passed; otherwise ALB's reason and the detail for its description. */
function judge(result: CompletedProbe, matcher: CodeRanges): { reason: TargetHealthReason; detail?: string } | undefined {
  switch (result.kind) {
    case 'response':
      return matchesCode(matcher, result.statusCode)
        ? undefined
        : { reason: 'Target.ResponseCodeMismatch', detail: `[${result.statusCode}]` };
    case 'timeout':
      return { reason: 'Target.Timeout' };
    case 'error':
      return { reason: 'Target.FailedHealthChecks', detail: result.message };
  }
}
