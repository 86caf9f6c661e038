/**
 * Each target's health over time: every change of state or reason the health checker reports
 * (from registration through initial to healthy, and every failure with ALB's reason code), kept
 * for the retention per target and bounded in count, so a flapping target cannot grow memory; a
 * target that left is forgotten once its leaving is older than the retention.
 */
import { DEFAULT_RETENTION_MS } from './metric-history.ts';

/** Enough for a target that changes state at every check (default interval 30 s) for the whole hour. */
export const DEFAULT_MAX_EVENTS_PER_TARGET = 200;

export interface HealthEvent {
  /** ms since the epoch */
  at: number;
  state: string;
  reason: string | undefined;
  description: string | undefined;
}

export interface TargetTimeline {
  targetKey: string;
  /** Oldest first. */
  events: HealthEvent[];
}

export interface HealthEventLogOptions {
  retentionMs?: number;
  /** Most events kept per target; the oldest go first. */
  maxEventsPerTarget?: number;
}

/** A target that is no longer registered gets this event (ALB's answer for such a target). */
export const NOT_REGISTERED: Omit<HealthEvent, 'at'> = {
  state: 'unused',
  reason: 'Target.NotRegistered',
  description: 'Target is not registered to the target group',
};

export class HealthEventLog {
  readonly #retentionMs: number;
  readonly #maxEvents: number;
  /** target group ARN → target key → events, oldest first. */
  readonly #groups = new Map<string, Map<string, HealthEvent[]>>();

  constructor(opts: HealthEventLogOptions = {}) {
    this.#retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
    this.#maxEvents = opts.maxEventsPerTarget ?? DEFAULT_MAX_EVENTS_PER_TARGET;
  }

  record(targetGroupArn: string, targetKey: string, event: HealthEvent): void {
    let targets = this.#groups.get(targetGroupArn);
    if (targets === undefined) this.#groups.set(targetGroupArn, (targets = new Map()));
    let events = targets.get(targetKey);
    if (events === undefined) targets.set(targetKey, (events = []));
    events.push(event);
    if (events.length > this.#maxEvents) events.splice(0, events.length - this.#maxEvents);
  }

  /**
   * The events of each target of a group within [startMs, endMs), with the one in force at
   * `startMs` first (so a timeline can start in the right state), targets in registration order.
   */
  timelines(targetGroupArn: string, startMs = -Infinity, endMs = Infinity): TargetTimeline[] {
    const out: TargetTimeline[] = [];
    for (const [targetKey, events] of this.#groups.get(targetGroupArn) ?? []) {
      let first = events.findIndex((e) => e.at >= startMs);
      if (first < 0) first = events.length;
      const from = first > 0 ? first - 1 : 0;
      const selected = events.slice(from).filter((e) => e.at < endMs);
      if (selected.length > 0) out.push({ targetKey, events: selected });
    }
    return out;
  }

  /**
   * Brings the log in line with the targets registered now (`registered(group, key)`): a target
   * that left gets a NOT_REGISTERED event once; events older than the retention are dropped, but
   * a registered target keeps the one in force; a target that left longer ago is forgotten.
   */
  sync(now: number, registered: (targetGroupArn: string, targetKey: string) => boolean): void {
    const horizon = now - this.#retentionMs;
    for (const [group, targets] of this.#groups) {
      for (const [key, events] of targets) {
        const last = events[events.length - 1]!;
        if (!registered(group, key)) {
          if (last.reason !== NOT_REGISTERED.reason) events.push({ ...NOT_REGISTERED, at: now });
          else if (last.at < horizon) {
            targets.delete(key);
            continue;
          }
        }
        const old = events.findIndex((e) => e.at >= horizon);
        const keepFrom = old < 0 ? events.length - 1 : Math.max(0, old - 1);
        if (keepFrom > 0) events.splice(0, keepFrom);
      }
      if (targets.size === 0) this.#groups.delete(group);
    }
  }
}
