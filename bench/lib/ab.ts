/**
 * Runs ApacheBench (apache2-utils) for new-connection rates: no `-k`, so every request is
 * HTTP/1.0 on a fresh TCP connection and, over https, a full TLS handshake (ab never
 * resumes sessions).
 */
import { runLoad } from './load.ts';
import { HOST } from './procs.ts';

export interface AbOptions {
  port: number;
  path: string;
  /** `-t`: seconds to run */
  durationS: number;
  /** `-c` */
  concurrency: number;
  /** `-s`: per-request timeout in seconds */
  requestTimeoutS: number;
  scheme: 'http' | 'https';
  /** CPU list for `taskset -c`, or null for no pinning */
  cpu: string | null;
}

export interface AbResult {
  requestsPerSec: number;
  complete: number;
  /** ab's "Failed requests" (connect, receive, length, exceptions) */
  failed: number;
  non2xx: number;
  /** `SSL/TLS Protocol` as ab reports it, e.g. "TLSv1.3,TLS_AES_256_GCM_SHA384,2048,256" */
  tls: string | null;
  /** `Server Temp Key`, e.g. "X25519 253 bits" */
  tempKey: string | null;
  /** from ab's percentile table (whole milliseconds) */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** failed + non-2xx */
  errors: number;
  abCpuSeconds: number;
  raw: string;
}

/**
 * `taskset -c <cpu> ab -q -t <d> -n 100000000 -c <c> -s <s> <scheme>://127.0.0.1:<port><path>`:
 * `-n` is huge so that `-t` alone ends the run. Rejects when ab exits non-zero (it aborts on
 * some socket errors) or runs 20 s past its duration plus its request timeout.
 */
export async function runAb(o: AbOptions): Promise<AbResult> {
  const url = `${o.scheme}://${HOST}:${o.port}${o.path}`;
  const args = ['-q', '-t', String(o.durationS), '-n', '100000000', '-c', String(o.concurrency), '-s', String(o.requestTimeoutS), url];
  const timeoutMs = (o.durationS + o.requestTimeoutS + 20) * 1000;
  const r = await runLoad('ab', args, o.cpu, timeoutMs);
  if (r.code !== 0) {
    const why = r.signal ? `killed by ${r.signal} (timeout ${timeoutMs / 1000} s?)` : `exit code ${r.code}`;
    throw new Error(`ab ${why}: ${`${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-3).join(' | ')}`);
  }
  try {
    return { ...parseAb(r.stdout), abCpuSeconds: r.cpuSeconds };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- ab output ---\n${r.stdout}${r.stderr}`);
  }
}

/** Parses ab 2.3's report. */
export function parseAb(text: string): Omit<AbResult, 'abCpuSeconds'> {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(text);
    if (!m) throw new Error(`could not find ${what} in ab output`);
    return m;
  };
  const pct = (p: number): number => Number(need(new RegExp(`^\\s*${p}%\\s+(\\d+)`, 'm'), `${p}% latency`)[1]);
  const complete = Number(need(/^Complete requests:\s+(\d+)/m, 'Complete requests')[1]);
  const failed = Number(need(/^Failed requests:\s+(\d+)/m, 'Failed requests')[1]);
  const non2xx = Number(/^Non-2xx responses:\s+(\d+)/m.exec(text)?.[1] ?? 0);
  return {
    requestsPerSec: Number(need(/^Requests per second:\s+([\d.]+)/m, 'Requests per second')[1]),
    complete,
    failed,
    non2xx,
    tls: /^SSL\/TLS Protocol:\s+(\S+)/m.exec(text)?.[1] ?? null,
    tempKey: /^Server Temp Key:\s+(.+?)\s*$/m.exec(text)?.[1] ?? null,
    latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100) },
    errors: failed + non2xx,
    raw: text,
  };
}
