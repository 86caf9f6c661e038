/** The shape of a load test's result: what `--json` prints and what the text and HTML reports show. */

/** One second of the run: responses per target, errors per kind, that second's p99 latency. */
export interface TimelineSecond {
  /** Seconds since the start (0 = the first second). */
  second: number;
  /** Responses (any status) by the target that answered; `unknown` when the header was missing. */
  responses: Record<string, number>;
  errors: Record<string, number>;
  p99Ms: number;
}

/** A target whose health, as the admin endpoint reported it, changed during the run. */
export interface HealthMark {
  atSeconds: number;
  targetGroup: string;
  /** `id:port`, as the target is registered. */
  target: string;
  /** The name the target answers with, when the caller knows it (the demo does). */
  name?: string;
  state: string;
  reason?: string;
}

/** Something the caller did during the run (the demo's "killed demo-1"). */
export interface EventMark {
  atSeconds: number;
  text: string;
}

/** A whole run: totals, latency, errors, the split by target, the timeline and its marks. */
export interface LoadTestReport {
  url: string;
  method: string;
  connections: number;
  /** The overall request rate asked for; null = as fast as possible. */
  rate: number | null;
  targetHeader: string;
  startedAt: string;
  durationSeconds: number;
  requests: {
    sent: number;
    /** Responses of any status. */
    completed: number;
    ok: number;
    perSecond: number;
    /** Sent but not answered when the run stopped; not errors. */
    inFlightAtEnd: number;
  };
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /**
   * Kinds: `status <code>` (a non-2xx response), `timeout`, `refused`, `reset`, `dropped` (the
   * connection closed before the response), `error <CODE>` (any other connection error).
   */
  errors: { total: number; byKind: Record<string, number> };
  targets: Array<{ name: string; responses: number; share: number }>;
  timeline: TimelineSecond[];
  /** Health as first seen, then every change; empty without `--admin-url`. */
  health: { initial: HealthMark[]; changes: HealthMark[] };
  events: EventMark[];
}

/** `ECONNREFUSED` → `refused`, and so on; see `LoadTestReport.errors`. */
export function connectionErrorKind(err: { code?: string; message?: string }): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    default:
      return `error ${err.code ?? err.message ?? 'unknown'}`;
  }
}

/** A non-2xx response's kind: `status 502`. */
export function statusKind(status: number): string {
  return `status ${status}`;
}
