/**
 * Runs a load test with autocannon and watches every one of its connections: which target
 * answered (a response header), latencies, and each request that ended without a response.
 *
 * autocannon counts refused and reset connections and timeouts, but a connection the server
 * closes before answering is silently reconnected and its request forgotten. Each connection's
 * client sends one request at a time (pipelining 1), so a request still outstanding when the
 * client moves to a new socket was lost with the old one: a `timeout` if autocannon reports one
 * in the same turn (it reconnects first, then reports), otherwise `dropped`.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { LoadRecorder, type HealthRecord, type Progress } from './recorder.ts';
import { connectionErrorKind, type HealthMark, type LoadTestReport } from './report.ts';

/** What to send, how hard and for how long, and where to report progress. */
export interface LoadTestOptions {
  url: string;
  durationSeconds: number;
  connections: number;
  /** Requests per second over all connections; undefined = as fast as possible. */
  rate?: number;
  method: string;
  body?: string;
  headers?: Record<string, string>;
  timeoutSeconds: number;
  /** The response header naming the target that answered (lower case). */
  targetHeader: string;
  /** The admin endpoint (`http://127.0.0.1:8400/`): its `GET /status` is polled for target health. */
  adminUrl?: string;
  /** `id:port` → the name that target answers with, to label health marks. */
  targetNames?: ReadonlyMap<string, string>;
  /** Called once a second. */
  onProgress?: (progress: Progress) => void;
  onHealthChange?: (mark: HealthMark) => void;
  /** Something the user should know that does not stop the run (the admin endpoint is unreachable). */
  onWarning?: (text: string) => void;
}

/** A running load test. */
export interface LoadTestRun {
  /** Notes an event on the timeline, now. */
  mark(text: string): void;
  /** Milliseconds since the start. */
  elapsedMs(): number;
  /** Ends the run early (within a second); `done` still resolves with the report. */
  stop(): void;
  done: Promise<LoadTestReport>;
}

const healthPollMs = 500;

/** Reads the target name from raw response headers (name, value, name, value...). */
function headerValue(raw: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return raw[i + 1];
  }
  return undefined;
}

/** One autocannon connection's bookkeeping. */
class ConnectionWatch {
  readonly #client: autocannon.Client;
  readonly #recorder: LoadRecorder;
  readonly #now: () => number;
  readonly #targetHeader: string;
  #conn: object | undefined = undefined;
  /** Sent on the current socket, not answered yet. */
  outstanding = 0;
  /** Lost with the previous socket; timeouts or drops, decided at the end of this turn. */
  #lost = 0;
  #target = 'unknown';

  constructor(client: autocannon.Client, recorder: LoadRecorder, now: () => number, targetHeader: string) {
    this.#client = client;
    this.#recorder = recorder;
    this.#now = now;
    this.#targetHeader = targetHeader;
    client.on('request', () => this.#onRequest());
    client.on('headers', (head) => {
      this.#target = headerValue(head.headers, this.#targetHeader) ?? 'unknown';
    });
    client.on('response', (status, _bytes, durationMs) => {
      this.outstanding -= 1;
      this.#recorder.response(this.#now(), status, this.#target, durationMs);
      this.#target = 'unknown';
    });
    client.on('connError', (err) => {
      this.outstanding = 0;
      // autocannon keeps the lost request queued, which would skew every later latency.
      this.#client.pipelinedRequests.clear();
      this.#recorder.error(this.#now(), connectionErrorKind(err));
    });
    client.on('timeout', () => {
      if (this.#lost > 0) this.#lost -= 1;
      this.#recorder.error(this.#now(), 'timeout');
    });
  }

  #onRequest(): void {
    if (this.#client.conn !== this.#conn) {
      if (this.#conn !== undefined && this.outstanding > 0) {
        this.#lost += this.outstanding;
        this.outstanding = 0;
        this.#client.pipelinedRequests.clear();
        queueMicrotask(() => this.#settleLost());
      }
      this.#conn = this.#client.conn;
    }
    this.outstanding += 1;
    this.#recorder.sent();
  }

  #settleLost(): void {
    for (; this.#lost > 0; this.#lost--) this.#recorder.error(this.#now(), 'dropped');
  }
}

/** Starts a load test; see `LoadTestRun`. */
export function startLoadTest(opts: LoadTestOptions): LoadTestRun {
  const recorder = new LoadRecorder(opts.durationSeconds, opts.targetNames);
  const watches: ConnectionWatch[] = [];
  const t0 = performance.now();
  const startedAt = Date.now();
  const now = (): number => performance.now() - t0;
  const targetHeader = opts.targetHeader.toLowerCase();

  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationSeconds,
    ...(opts.rate !== undefined ? { overallRate: opts.rate } : {}),
    method: opts.method,
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    headers: opts.headers ?? {},
    timeout: opts.timeoutSeconds,
    pipelining: 1,
    setupClient: (client) => {
      watches.push(new ConnectionWatch(client, recorder, now, targetHeader));
    },
  });

  const progressTimer = setInterval(() => opts.onProgress?.(recorder.progress(now())), 1000);
  const stopHealth = opts.adminUrl !== undefined ? watchHealth(opts.adminUrl, recorder, now, opts) : () => undefined;

  const inFlight = (): number => watches.reduce((n, w) => n + w.outstanding, 0);
  // An early stop takes effect at autocannon's next one-second sample; the report ends at once.
  let stoppedAt: { ms: number; inFlight: number } | undefined;

  const done = new Promise<LoadTestReport>((resolve, reject) => {
    instance.then(
      () => {
        clearInterval(progressTimer);
        stopHealth();
        resolve(
          recorder.report({
            url: opts.url,
            method: opts.method,
            connections: watches.length,
            rate: opts.rate ?? null,
            targetHeader,
            startedAt,
            durationMs: stoppedAt?.ms ?? now(),
            inFlightAtEnd: stoppedAt?.inFlight ?? inFlight(),
          }),
        );
      },
      (err: unknown) => {
        clearInterval(progressTimer);
        stopHealth();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });

  return {
    mark: (text) => recorder.mark(now(), text),
    elapsedMs: now,
    stop: () => {
      if (stoppedAt === undefined) {
        stoppedAt = { ms: now(), inFlight: inFlight() };
        recorder.freeze();
      }
      instance.stop();
    },
    done,
  };
}

/** Polls the admin endpoint's `GET /status` for target health; returns a function that stops it. */
function watchHealth(adminUrl: string, recorder: LoadRecorder, now: () => number, opts: LoadTestOptions): () => void {
  const statusUrl = new URL('/status', adminUrl);
  let stopped = false;
  let warned = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async (): Promise<void> => {
    try {
      const res = await fetch(statusUrl, { signal: AbortSignal.timeout(2000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { targetHealth?: HealthRecord[] };
      if (stopped) return;
      const before = recorder.healthChanges.length;
      recorder.health(now(), body.targetHealth ?? []);
      for (const mark of recorder.healthChanges.slice(before)) opts.onHealthChange?.(mark);
    } catch (err) {
      if (!warned && !stopped) opts.onWarning?.(`cannot read target health from ${statusUrl.href}: ${(err as Error).message}`);
      warned = true;
    }
    if (!stopped) timer = setTimeout(() => void poll(), healthPollMs);
  };
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
