/** Per-run records, per-peer summaries (median [min–max] over rounds) and the printed tables. */
import type { WrkResult } from './wrk.ts';

export interface RunCpu {
  /** all in cores = CPU seconds per wall-clock second of the measured window */
  proxy: number | null;
  targets: number;
  wrk: number;
  driver: number;
  /** everything else on the machine (busy time of all cores minus the above) */
  other: number;
  /** the busiest processes outside proxy, targets, wrk and the driver (cores each) */
  otherTop: { pid: number; comm: string; cores: number }[];
  /** processes started on the machine during the window (wrk's own wrapper accounts for ~3) */
  forks: number;
  /** busy fraction per core */
  coreBusy: number[];
  /** steal fraction per core */
  coreSteal: number[];
}

export interface RunRecord {
  round: number;
  peer: string;
  /** position of the peer within its round (0-based) */
  position: number;
  startedAt: string;
  windowS: number;
  wrk: WrkResult | null;
  cpu: RunCpu | null;
  /** CPU microseconds per request */
  proxyUsPerReq: number | null;
  targetsUsPerReq: number | null;
  /** req/s divided by the CPU the proxy itself used */
  rpsPerProxyCore: number | null;
  /** set when the run failed (wrk error) */
  failure?: string;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface PeerSummary {
  peer: string;
  runs: number;
  failedRuns: number;
  rps: Spread | null;
  xDirect: number | null;
  xNginx: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** sum over rounds */
  errors: number;
  proxyCores: number | null;
  targetsCores: number | null;
  wrkCores: number | null;
  /** maximum over rounds: the interference check */
  otherCoresMax: number | null;
  proxyUsPerReq: number | null;
  targetsUsPerReq: number | null;
  rpsPerProxyCore: number | null;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function medianOf(runs: RunRecord[], pick: (r: RunRecord) => number | null | undefined): number | null {
  const xs = runs.map(pick).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return xs.length > 0 ? median(xs) : null;
}

export function summarize(peers: string[], runs: RunRecord[]): PeerSummary[] {
  const out: PeerSummary[] = peers.map((peer) => {
    const all = runs.filter((r) => r.peer === peer);
    const ok = all.filter((r) => r.wrk !== null);
    const rpsList = ok.map((r) => r.wrk!.requestsPerSec);
    const others = ok.map((r) => r.cpu?.other).filter((x): x is number => typeof x === 'number');
    return {
      peer,
      runs: ok.length,
      failedRuns: all.length - ok.length,
      rps: rpsList.length > 0 ? { median: median(rpsList), min: Math.min(...rpsList), max: Math.max(...rpsList) } : null,
      xDirect: null,
      xNginx: null,
      p50Ms: medianOf(ok, (r) => r.wrk?.latencyMs.p50),
      p99Ms: medianOf(ok, (r) => r.wrk?.latencyMs.p99),
      errors: ok.reduce((n, r) => n + r.wrk!.errors, 0),
      proxyCores: medianOf(ok, (r) => r.cpu?.proxy),
      targetsCores: medianOf(ok, (r) => r.cpu?.targets),
      wrkCores: medianOf(ok, (r) => r.cpu?.wrk),
      otherCoresMax: others.length > 0 ? Math.max(...others) : null,
      proxyUsPerReq: medianOf(ok, (r) => r.proxyUsPerReq),
      targetsUsPerReq: medianOf(ok, (r) => r.targetsUsPerReq),
      rpsPerProxyCore: medianOf(ok, (r) => r.rpsPerProxyCore),
    };
  });
  const base = (name: string): number | null => out.find((s) => s.peer === name)?.rps?.median ?? null;
  const d = base('direct');
  const n = base('nginx');
  for (const s of out) {
    if (!s.rps) continue;
    s.xDirect = d ? s.rps.median / d : null;
    s.xNginx = n ? s.rps.median / n : null;
  }
  return out;
}

// ---------------------------------------------------------------- formatting

export const int = (x: number): string => Math.round(x).toLocaleString('en-US');
export const fix = (x: number | null, digits: number): string => (x === null ? '–' : x.toFixed(digits));

/** A Markdown table with aligned columns; columns listed in `right` are right-aligned. */
export function table(head: string[], rows: string[][], right: Set<number>): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (s: string, i: number): string => (right.has(i) ? s.padStart(width[i]!) : s.padEnd(width[i]!));
  const line = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (right.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

export function throughputTable(sums: PeerSummary[]): string {
  const head = ['peer', 'req/s median [min–max]', 'x direct', 'x nginx', 'p50 ms', 'p99 ms', 'errors', 'rounds'];
  const rows = sums.map((s) => [
    s.peer,
    s.rps ? `${int(s.rps.median)} [${int(s.rps.min)}–${int(s.rps.max)}]` : 'no data',
    fix(s.xDirect, 2),
    fix(s.xNginx, 2),
    fix(s.p50Ms, 2),
    fix(s.p99Ms, 2),
    s.runs > 0 ? int(s.errors) : '–',
    s.failedRuns > 0 ? `${s.runs} (+${s.failedRuns} failed)` : String(s.runs),
  ]);
  return table(head, rows, new Set([1, 2, 3, 4, 5, 6, 7]));
}

export function cpuTable(sums: PeerSummary[]): string {
  const head = [
    'peer',
    'proxy cores',
    'targets cores',
    'proxy µs/req',
    'targets µs/req',
    'req/s per proxy core',
    'wrk cores',
    'other cores (max)',
  ];
  const rows = sums.map((s) => [
    s.peer,
    fix(s.proxyCores, 2),
    fix(s.targetsCores, 2),
    fix(s.proxyUsPerReq, 1),
    fix(s.targetsUsPerReq, 1),
    s.rpsPerProxyCore === null ? '–' : int(s.rpsPerProxyCore),
    fix(s.wrkCores, 2),
    fix(s.otherCoresMax, 2),
  ]);
  return table(head, rows, new Set([1, 2, 3, 4, 5, 6, 7]));
}

/** One progress line per measured run. */
export function runLine(r: RunRecord, rounds: number): string {
  const tag = `round ${r.round}/${rounds}  ${r.peer.padEnd(10)}`;
  if (!r.wrk) return `${tag} FAILED: ${r.failure ?? 'unknown error'}`;
  const w = r.wrk;
  const c = r.cpu;
  const cpu = c
    ? `  cpu: proxy ${fix(c.proxy, 2)} targets ${c.targets.toFixed(2)} wrk ${c.wrk.toFixed(2)} other ${c.other.toFixed(2)}` +
      ` (cores ${c.coreBusy.map((b) => b.toFixed(2)).join('/')})`
    : '';
  const who =
    c && c.other > 0.1
      ? `\n${' '.repeat(tag.length)} other CPU: busiest ${c.otherTop.map((p) => `${p.comm}[${p.pid}] ${p.cores.toFixed(2)}`).join(', ')};` +
        ` ${c.forks} processes started during the window (those that exited are not listed)`
      : '';
  return (
    `${tag} ${int(w.requestsPerSec).padStart(7)} req/s  p50 ${w.latencyMs.p50.toFixed(2)} ms  p99 ${w.latencyMs.p99.toFixed(2)} ms` +
    `  errors ${w.errors}${cpu}${who}`
  );
}

/** The interference, load-generator, error and failure warnings of the wrk benches. */
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
