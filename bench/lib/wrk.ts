/** Runs wrk (pinned with taskset) and parses its `--latency` report. */
import { runLoad } from './load.ts';
import { HOST } from './procs.ts';

export interface WrkOptions {
  port: number;
  path: string;
  durationS: number;
  connections: number;
  threads: number;
  /** CPU list for `taskset -c`, or null for no pinning. */
  cpu: string | null;
  /** default http */
  scheme?: 'http' | 'https';
  /** a Lua script (`-s`) */
  script?: string;
  /** wrk's per-request timeout (`--timeout`), in seconds; wrk's default is 2 s */
  requestTimeoutS?: number;
  /** request headers (`-H 'Name: value'`), sent on every request */
  headers?: readonly string[];
}

export interface WrkResult {
  requestsPerSec: number;
  requests: number;
  /** wrk's own measured duration, in seconds */
  durationS: number;
  latencyMs: { avg: number; max: number; p50: number; p75: number; p90: number; p99: number };
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  non2xx3xx: number;
  /** socket errors + non-2xx/3xx responses */
  errors: number;
  /** user+system CPU seconds used by wrk itself */
  wrkCpuSeconds: number;
  raw: string;
}

/**
 * `taskset -c <cpu> wrk -t<threads> -c<conns> -d<duration>s [--timeout <t>s] [-s <script>] [-H <header>...] --latency
 * <scheme>://127.0.0.1:<port><path>`, with wrk's own CPU (see load.ts). Rejects when wrk fails or
 * runs 20 s past its duration.
 */
export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const url = `${o.scheme ?? 'http'}://${HOST}:${o.port}${o.path}`;
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.durationS}s`];
  if (o.requestTimeoutS !== undefined) args.push('--timeout', `${o.requestTimeoutS}s`);
  if (o.script !== undefined) args.push('-s', o.script);
  for (const h of o.headers ?? []) args.push('-H', h);
  args.push('--latency', url);
  const timeoutMs = (o.durationS + 20) * 1000;
  const r = await runLoad('wrk', args, o.cpu, timeoutMs);
  if (r.code !== 0) {
    const why = r.signal ? `killed by ${r.signal} (timeout ${timeoutMs / 1000} s?)` : `exit code ${r.code}`;
    throw new Error(`wrk ${why}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  }
  try {
    return { ...parseWrk(r.stdout), wrkCpuSeconds: r.cpuSeconds };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- wrk output ---\n${r.stdout}${r.stderr}`);
  }
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function toMs(value: string, unit: string): number {
  const f = UNIT_MS[unit];
  if (f === undefined) throw new Error(`unknown wrk time unit "${unit}"`);
  return Number(value) * f;
}

/** Parses wrk 4.x output (with `--latency`). */
export function parseWrk(text: string): Omit<WrkResult, 'wrkCpuSeconds'> {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(text);
    if (!m) throw new Error(`could not find ${what} in wrk output`);
    return m;
  };
  const lat = need(/^\s*Latency\s+([\d.]+)(us|ms|s|m|h)\s+[\d.]+\w+\s+([\d.]+)(us|ms|s|m|h)/m, 'latency stats');
  const pct = (p: number): number => {
    const m = need(new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm'), `${p}% latency`);
    return toMs(m[1]!, m[2]!);
  };
  const total = need(/^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)/m, 'request count');
  const rps = need(/^Requests\/sec:\s+([\d.]+)/m, 'Requests/sec');
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = {
    connect: Number(sock?.[1] ?? 0),
    read: Number(sock?.[2] ?? 0),
    write: Number(sock?.[3] ?? 0),
    timeout: Number(sock?.[4] ?? 0),
  };
  const non2xx3xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  return {
    requestsPerSec: Number(rps[1]),
    requests: Number(total[1]),
    durationS: toMs(total[2]!, total[3]!) / 1000,
    latencyMs: {
      avg: toMs(lat[1]!, lat[2]!),
      max: toMs(lat[3]!, lat[4]!),
      p50: pct(50),
      p75: pct(75),
      p90: pct(90),
      p99: pct(99),
    },
    socketErrors,
    non2xx3xx,
    errors: socketErrors.connect + socketErrors.read + socketErrors.write + socketErrors.timeout + non2xx3xx,
    raw: text,
  };
}
