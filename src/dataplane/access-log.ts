/**
 * ALB-format access logs (spec §7), one line per request, for load balancers with
 * `access_logs.s3.enabled=true`. Lines are appended to an in-memory buffer on the request path
 * (one string, no I/O) and written once a second, per worker, to
 * `<dir>/<load-balancer>/YYYY/MM/DD/<load-balancer>_YYYYMMDD_<pid>.log` — a new file each UTC day.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

const flushIntervalMs = 1000;

/** Fields of one line, in ALB's order (only what Albatross knows; others are `-`). */
export interface AccessLogEntry {
  type: 'http' | 'https' | 'h2';
  loadBalancer: string;
  client: string;
  target: string;
  requestProcessingS: number;
  targetProcessingS: number;
  responseProcessingS: number;
  elbStatus: number;
  targetStatus: string;
  receivedBytes: number;
  sentBytes: number;
  request: string;
  userAgent: string;
  sslCipher: string;
  sslProtocol: string;
  targetGroupArn: string;
  traceId: string;
  domain: string;
  chosenCertArn: string;
  matchedRulePriority: string;
  requestCreatedAt: number;
  actionsExecuted: string;
  redirectUrl: string;
  errorReason: string;
}

function quoted(s: string): string {
  return '"' + (s === '' ? '-' : s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')) + '"';
}

function seconds(s: number): string {
  return s < 0 ? '-1' : s.toFixed(3);
}

/** One line in ALB's field order. */
export function formatAccessLogLine(e: AccessLogEntry, endedAt: number): string {
  return [
    e.type,
    new Date(endedAt).toISOString(),
    e.loadBalancer,
    e.client,
    e.target === '' ? '-' : e.target,
    seconds(e.requestProcessingS),
    seconds(e.targetProcessingS),
    seconds(e.responseProcessingS),
    String(e.elbStatus),
    e.targetStatus === '' ? '-' : e.targetStatus,
    String(e.receivedBytes),
    String(e.sentBytes),
    quoted(e.request),
    quoted(e.userAgent),
    e.sslCipher === '' ? '-' : e.sslCipher,
    e.sslProtocol === '' ? '-' : e.sslProtocol,
    e.targetGroupArn === '' ? '-' : e.targetGroupArn,
    quoted(e.traceId),
    quoted(e.domain),
    quoted(e.chosenCertArn),
    e.matchedRulePriority,
    new Date(e.requestCreatedAt).toISOString(),
    quoted(e.actionsExecuted),
    quoted(e.redirectUrl),
    quoted(e.errorReason),
    quoted(e.target),
    quoted(e.targetStatus),
    quoted('-'),
    quoted('-'),
  ].join(' ');
}

export class AccessLog {
  readonly #dir: string;
  /** Lines waiting to be written, by load balancer name. */
  readonly #pending = new Map<string, string[]>();
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Buffers one line for the load balancer named `name` (its folder and file are named after it). */
  record(name: string, e: AccessLogEntry, endedAt: number): void {
    let lines = this.#pending.get(name);
    if (lines === undefined) this.#pending.set(name, (lines = []));
    lines.push(formatAccessLogLine(e, endedAt));
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.flush(), flushIntervalMs);
      this.#timer.unref();
    }
  }

  /** Writes everything buffered; resolves when it is on disk (in the page cache). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batches = [...this.#pending];
    this.#pending.clear();
    this.#writing = this.#writing.then(async () => {
      for (const [lb, lines] of batches) {
        const day = new Date().toISOString().slice(0, 10);
        const [y, m, d] = day.split('-') as [string, string, string];
        const folder = join(this.#dir, lb, y, m, d);
        await mkdir(folder, { recursive: true });
        await appendFile(join(folder, `${lb}_${y}${m}${d}_${process.pid}.log`), lines.join('\n') + '\n');
      }
    }).catch((err: Error) => {
      process.stderr.write(`albatross: access log write failed: ${err.message}\n`);
    });
    return this.#writing;
  }
}
