/**
 * Everything a load test observes, bucketed by second: responses per target, errors per kind,
 * latencies, target health from the admin endpoint, and the caller's marks. Pure: times are
 * passed in (ms since the start), so the report is a function of what happened.
 */
import { LatencyHistogram, percentileOf } from './histogram.ts';
import { statusKind, type EventMark, type HealthMark, type LoadTestReport, type TimelineSecond } from './report.ts';

/** A target health record as the admin endpoint's `GET /status` lists it. */
export interface HealthRecord {
  targetGroupArn: string;
  id: string;
  port: number;
  state: string;
  reason?: string;
}

/** What the live progress line shows: the last complete second and the totals so far. */
export interface Progress {
  elapsedSeconds: number;
  perSecond: number;
  /** Responses per target in the last second, by name. */
  targets: Array<[name: string, responses: number]>;
  p99Ms: number;
  errors: number;
}

/** The run's parameters, for the report's header. */
export interface RunMeta {
  url: string;
  method: string;
  connections: number;
  rate: number | null;
  targetHeader: string;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  inFlightAtEnd: number;
}

class Second {
  readonly responses = new Map<string, number>();
  readonly errors = new Map<string, number>();
  /** Latencies until the second is over; then only its p99 is kept. */
  latencies: number[] | undefined = [];
  p99Ms = 0;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function add(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function byNameNumeric(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** `arn:...:targetgroup/<name>/<id>` → `<name>`. */
function targetGroupName(arn: string): string {
  return arn.split('/')[1] ?? arn;
}

/** Accumulates one run's observations; `report()` turns them into a `LoadTestReport`. */
export class LoadRecorder {
  readonly #targetNames: ReadonlyMap<string, string>;
  readonly #seconds: Second[] = [];
  /** Index of the first second whose latencies are still kept. */
  #open = 0;
  readonly #latency = new LatencyHistogram();
  readonly #perTarget = new Map<string, number>();
  readonly #errors = new Map<string, number>();
  #sent = 0;
  #completed = 0;
  #ok = 0;
  #errorTotal = 0;
  #frozen = false;
  readonly #health = new Map<string, string>();
  readonly #healthInitial: HealthMark[] = [];
  readonly #healthChanges: HealthMark[] = [];
  readonly #events: EventMark[] = [];

  readonly #lastSecond: number;

  /**
   * @param seconds the planned duration: what arrives in the moment after it (autocannon stops at
   *   its next one-second sample) counts in the last second, not in a sliver of one more.
   * @param targetNames `id:port` → the name that target answers with, for the health marks.
   */
  constructor(seconds: number, targetNames: ReadonlyMap<string, string> = new Map()) {
    this.#lastSecond = Math.max(0, Math.ceil(seconds) - 1);
    this.#targetNames = targetNames;
  }

  /** Ignores everything from now on: the run was stopped early, and what follows is shutdown noise. */
  freeze(): void {
    this.#frozen = true;
  }

  sent(): void {
    if (!this.#frozen) this.#sent += 1;
  }

  response(atMs: number, status: number, target: string, latencyMs: number): void {
    if (this.#frozen) return;
    const second = this.#second(atMs);
    add(second.responses, target);
    add(this.#perTarget, target);
    second.latencies?.push(latencyMs);
    this.#latency.record(latencyMs);
    this.#completed += 1;
    if (status >= 200 && status < 300) this.#ok += 1;
    else this.error(atMs, statusKind(status));
  }

  error(atMs: number, kind: string): void {
    if (this.#frozen) return;
    add(this.#second(atMs).errors, kind);
    add(this.#errors, kind);
    this.#errorTotal += 1;
  }

  /** Records the targets' health; a state or reason other than the last one seen is a change. */
  health(atMs: number, records: readonly HealthRecord[]): void {
    for (const r of records) {
      const target = `${r.id}:${r.port}`;
      const key = `${r.targetGroupArn}\n${target}`;
      const value = `${r.state}\n${r.reason ?? ''}`;
      const before = this.#health.get(key);
      if (before === value) continue;
      this.#health.set(key, value);
      const mark: HealthMark = { atSeconds: round2(atMs / 1000), targetGroup: targetGroupName(r.targetGroupArn), target, state: r.state };
      const name = this.#targetNames.get(target);
      if (name !== undefined) mark.name = name;
      if (r.reason !== undefined) mark.reason = r.reason;
      (before === undefined ? this.#healthInitial : this.#healthChanges).push(mark);
    }
  }

  mark(atMs: number, text: string): void {
    this.#events.push({ atSeconds: round2(atMs / 1000), text });
  }

  /** Health changes and marks seen so far, for printing them as they happen. */
  get healthChanges(): readonly HealthMark[] {
    return this.#healthChanges;
  }

  get errorTotal(): number {
    return this.#errorTotal;
  }

  progress(atMs: number): Progress {
    const current = Math.floor(atMs / 1000);
    this.#closeBefore(current);
    const last = current > 0 ? this.#seconds[current - 1] : undefined;
    const targets = last ? [...last.responses.entries()].sort((a, b) => byNameNumeric(a[0], b[0])) : [];
    return {
      elapsedSeconds: atMs / 1000,
      perSecond: targets.reduce((n, [, c]) => n + c, 0),
      targets,
      p99Ms: round2(last?.p99Ms ?? 0),
      errors: this.#errorTotal,
    };
  }

  report(meta: RunMeta): LoadTestReport {
    // Seconds with no response at all (everything hung) still belong on the timeline.
    const seconds = Math.min(this.#lastSecond + 1, Math.ceil(meta.durationMs / 1000));
    while (this.#seconds.length < seconds) this.#seconds.push(new Second());
    this.#closeBefore(this.#seconds.length);
    const durationSeconds = meta.durationMs / 1000;
    const timeline: TimelineSecond[] = this.#seconds.map((s, i) => ({
      second: i,
      responses: Object.fromEntries([...s.responses.entries()].sort((a, b) => byNameNumeric(a[0], b[0]))),
      errors: Object.fromEntries([...s.errors.entries()].sort((a, b) => b[1] - a[1])),
      p99Ms: round2(s.p99Ms),
    }));
    return {
      url: meta.url,
      method: meta.method,
      connections: meta.connections,
      rate: meta.rate,
      targetHeader: meta.targetHeader,
      startedAt: new Date(meta.startedAt).toISOString(),
      durationSeconds: round2(durationSeconds),
      requests: {
        sent: this.#sent,
        completed: this.#completed,
        ok: this.#ok,
        perSecond: durationSeconds > 0 ? Math.round(this.#completed / durationSeconds) : 0,
        inFlightAtEnd: meta.inFlightAtEnd,
      },
      latencyMs: {
        p50: round2(this.#latency.percentile(50)),
        p90: round2(this.#latency.percentile(90)),
        p99: round2(this.#latency.percentile(99)),
        max: round2(this.#latency.max),
      },
      errors: { total: this.#errorTotal, byKind: Object.fromEntries([...this.#errors.entries()].sort((a, b) => b[1] - a[1])) },
      targets: [...this.#perTarget.entries()]
        .sort((a, b) => byNameNumeric(a[0], b[0]))
        .map(([name, responses]) => ({ name, responses, share: round2(responses / Math.max(1, this.#completed)) })),
      timeline,
      health: {
        initial: [...this.#healthInitial].sort((a, b) => byNameNumeric(a.name ?? a.target, b.name ?? b.target)),
        changes: [...this.#healthChanges],
      },
      events: [...this.#events],
    };
  }

  #second(atMs: number): Second {
    const i = Math.min(this.#lastSecond, Math.max(0, Math.floor(atMs / 1000)));
    while (this.#seconds.length <= i) this.#seconds.push(new Second());
    this.#closeBefore(i);
    return this.#seconds[i]!;
  }

  /** Seconds before `index` are over: keep their p99, drop their latencies. */
  #closeBefore(index: number): void {
    for (; this.#open < index && this.#open < this.#seconds.length; this.#open++) {
      const s = this.#seconds[this.#open]!;
      s.p99Ms = percentileOf(s.latencies ?? [], 99);
      s.latencies = undefined;
    }
  }
}
