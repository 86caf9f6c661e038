/**
 * What rules.ts and stickiness.ts share. A "case" is a running server plus the wrk request to
 * send it (path, headers); one server may serve several cases. Each case is measured the way
 * proxy-throughput.ts measures a peer: a warm-up wrk, then the measured wrk inside a CPU window,
 * every case once per round with the order rotated each round, medians over rounds.
 */
import { join, resolve } from 'node:path';
import type { Harness } from './harness.ts';
import { fail, intOption, repoDir } from './harness.ts';
import type { Target } from './peers.ts';
import { freePorts, sleep, startServer, waitReady, type ServerProc } from './procs.ts';
import { summarize, table, type PeerSummary, type RunRecord } from './report.ts';
import { closeWindow, openWindow } from './window.ts';
import { runWrk } from './wrk.ts';

/** parseArgs options every case bench takes. */
export const caseOptionSpec = {
  duration: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '2' },
  rounds: { type: 'string', default: '3' },
  connections: { type: 'string', default: '64' },
  pin: { type: 'string', default: 'split' },
  'albatross-cli': { type: 'string', default: join(repoDir, 'dist/cli/main.js') },
  'keep-tmp': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const caseOptionHelp = `  --duration <s>       measured wrk seconds per run (default 10)
  --warmup <s>         unmeasured wrk seconds before each run (default 2; 0 = none)
  --rounds <n>         rounds, case order rotated each round (default 3)
  --connections <n>    wrk connections (default 64; one wrk thread)
  --pin <mode>         split: servers on CPU 0, wrk on CPU 1 (default); none: no taskset
  --albatross-cli <f>  the Albatross CLI to run (default dist/cli/main.js)
  --keep-tmp           keep the temp dir (configs, server logs)
  -h, --help           this text`;

export interface CaseOptions {
  durationS: number;
  warmupS: number;
  rounds: number;
  connections: number;
  pin: 'split' | 'none';
  albatrossCli: string;
  keepTmp: boolean;
}

export function readCaseOptions(values: {
  duration: string; warmup: string; rounds: string; connections: string; pin: string; 'albatross-cli': string; 'keep-tmp': boolean;
}): CaseOptions {
  if (values.pin !== 'split' && values.pin !== 'none') fail(`--pin must be "split" or "none" (got "${values.pin}")`);
  return {
    durationS: intOption('duration', values.duration, 1),
    warmupS: intOption('warmup', values.warmup, 0),
    rounds: intOption('rounds', values.rounds, 1),
    connections: intOption('connections', values.connections, 1),
    pin: values.pin,
    albatrossCli: resolve(values['albatross-cli']),
    keepTmp: values['keep-tmp'],
  };
}

export interface Case {
  name: string;
  what: string;
  port: number;
  /** the server's process group (CPU is read from it) */
  proc: ServerProc;
  path: string;
  headers: string[];
}

/** Two targets `script <port> backend-N` pinned like every server; registered with the harness. */
export async function startTargets(harness: Harness, script: string, cpu: string | null): Promise<Target[]> {
  const ports = await freePorts(2);
  const targets = ports.map((port, i) => ({ name: `backend-${i + 1}`, port }));
  for (const t of targets) {
    harness.servers.push(startServer(`target ${t.name}`, process.execPath, [script, String(t.port), t.name], {
      cpu,
      logPath: join(harness.tmpDir, `${t.name}.log`),
    }));
  }
  for (const [i, t] of targets.entries()) await waitReady(t.port, [t.name], 10_000, harness.servers[i]!);
  return targets;
}

/** One warm-up and one measured wrk run of `c`. */
export async function measureCase(c: Case, round: number, position: number, o: CaseOptions, cpu: string | null, targetPids: number[]): Promise<RunRecord> {
  const rec: RunRecord = {
    round, peer: c.name, position, startedAt: new Date().toISOString(), windowS: 0, wrk: null, cpu: null,
    proxyUsPerReq: null, targetsUsPerReq: null, rpsPerProxyCore: null,
  };
  if (c.proc.exit !== null) {
    rec.failure = `${c.proc.name} is no longer running (exit ${c.proc.exit}); see ${c.proc.logPath}`;
    return rec;
  }
  const wrkOpts = { port: c.port, path: c.path, headers: c.headers, connections: o.connections, threads: 1, cpu };
  try {
    if (o.warmupS > 0) await runWrk({ ...wrkOpts, durationS: o.warmupS });
  } catch (err) {
    rec.failure = `warm-up: ${(err as Error).message}`;
    return rec;
  }
  const w = openWindow();
  try {
    rec.wrk = await runWrk({ ...wrkOpts, durationS: o.durationS });
  } catch (err) {
    rec.failure = (err as Error).message;
    return rec;
  }
  const win = closeWindow(w, { proxyPid: c.proc.pid, targetPids, loadSeconds: rec.wrk.wrkCpuSeconds });
  rec.windowS = win.windowS;
  rec.cpu = win.cpu;
  if (rec.wrk.requests > 0) {
    rec.proxyUsPerReq = win.proxyS === null ? null : (win.proxyS / rec.wrk.requests) * 1e6;
    rec.targetsUsPerReq = (win.targetsS / rec.wrk.requests) * 1e6;
  }
  if (win.proxyS) rec.rpsPerProxyCore = rec.wrk.requestsPerSec / (win.proxyS / win.windowS);
  return rec;
}

/** Every case once per round, the order rotated by one each round; `onRun` gets each record. */
export async function runRounds(cases: Case[], o: CaseOptions, cpu: string | null, targetPids: number[], onRun: (r: RunRecord) => void): Promise<void> {
  for (let round = 1; round <= o.rounds; round++) {
    const shift = (round - 1) % cases.length;
    const order = [...cases.slice(shift), ...cases.slice(0, shift)];
    for (const [position, c] of order.entries()) {
      onRun(await measureCase(c, round, position, o, cpu, targetPids));
      await sleep(500);
    }
  }
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const fix = (x: number | null, d: number): string => (x === null ? '–' : x.toFixed(d));

/** One progress line per run. */
export function caseLine(r: RunRecord, rounds: number, width: number): string {
  const tag = `round ${r.round}/${rounds}  ${r.peer.padEnd(width)}`;
  if (!r.wrk) return `${tag} FAILED: ${r.failure ?? 'unknown error'}`;
  const c = r.cpu;
  const cpu = c ? `  cpu: proxy ${fix(c.proxy, 2)} targets ${c.targets.toFixed(2)} wrk ${c.wrk.toFixed(2)} other ${c.other.toFixed(2)}` : '';
  const who = c && c.other > 0.1 ? `\n${' '.repeat(tag.length)} other CPU: busiest ${c.otherTop.map((p) => `${p.comm}[${p.pid}] ${p.cores.toFixed(2)}`).join(', ')}` : '';
  return `${tag} ${int(r.wrk.requestsPerSec).padStart(7)} req/s  p50 ${r.wrk.latencyMs.p50.toFixed(2)} ms  p99 ${r.wrk.latencyMs.p99.toFixed(2)} ms  errors ${r.wrk.errors}${cpu}${who}`;
}

export function caseSummaries(cases: Case[], runs: RunRecord[]): PeerSummary[] {
  return summarize(cases.map((c) => c.name), runs);
}

/** Median req/s of `a` ÷ that of `b`, or null when either has no data. */
export function ratio(sums: PeerSummary[], a: string, b: string): number | null {
  const x = sums.find((s) => s.peer === a)?.rps?.median;
  const y = sums.find((s) => s.peer === b)?.rps?.median;
  return x !== undefined && y !== undefined && y > 0 ? x / y : null;
}

/**
 * The proxy's CPU per request of `a` minus that of `b`, in µs ("+6.1 µs"): it depends less on
 * what else the machine runs than req/s does.
 */
export function cpuDelta(sums: PeerSummary[], a: string, b: string): string {
  const x = sums.find((s) => s.peer === a)?.proxyUsPerReq;
  const y = sums.find((s) => s.peer === b)?.proxyUsPerReq;
  if (x == null || y == null) return '–';
  const d = x - y;
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} µs`;
}

/** req/s, latency, errors and the proxy's CPU per case; `ratioTo` adds a "x <case>" column. */
export function caseTable(sums: PeerSummary[], ratioTo: string): string {
  const head = ['case', 'req/s median [min–max]', `x ${ratioTo}`, 'p50 ms', 'p99 ms', 'errors', 'proxy cores', 'proxy µs/req', 'other cores (max)', 'rounds'];
  const rows = sums.map((s) => [
    s.peer,
    s.rps ? `${int(s.rps.median)} [${int(s.rps.min)}–${int(s.rps.max)}]` : 'no data',
    fix(ratio(sums, s.peer, ratioTo), 2),
    fix(s.p50Ms, 2),
    fix(s.p99Ms, 2),
    s.runs > 0 ? int(s.errors) : '–',
    fix(s.proxyCores, 2),
    fix(s.proxyUsPerReq, 1),
    fix(s.otherCoresMax, 2),
    s.failedRuns > 0 ? `${s.runs} (+${s.failedRuns} failed)` : String(s.runs),
  ]);
  return table(head, rows, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]));
}

/** The interference, load-generator, error and failure warnings of proxy-throughput.ts. */
export function warnings(runs: RunRecord[], sums: PeerSummary[]): string[] {
  const notes: string[] = [];
  const otherMax = Math.max(0, ...runs.map((r) => r.cpu?.other ?? 0));
  if (otherMax > 0.1) notes.push(`WARNING: "other" CPU reached ${otherMax.toFixed(2)} core(s): something else was busy; don't trust this run.`);
  const stealMax = Math.max(0, ...runs.flatMap((r) => r.cpu?.coreSteal ?? []));
  if (stealMax > 0.02) notes.push(`WARNING: CPU steal reached ${(stealMax * 100).toFixed(1)} % on a core.`);
  const wrkMax = Math.max(0, ...runs.map((r) => r.cpu?.wrk ?? 0));
  if (wrkMax > 0.9) notes.push(`WARNING: wrk used ${wrkMax.toFixed(2)} of its core: the load generator may be the limit.`);
  const errored = sums.filter((s) => s.errors > 0).map((s) => `${s.peer} (${s.errors})`);
  if (errored.length > 0) notes.push(`WARNING: errors (socket errors or non-2xx/3xx) from ${errored.join(', ')}.`);
  const failed = runs.filter((r) => !r.wrk);
  if (failed.length > 0) notes.push(`WARNING: ${failed.length} run(s) failed: ${failed.map((r) => `${r.peer}/round ${r.round}`).join(', ')}.`);
  return notes;
}
