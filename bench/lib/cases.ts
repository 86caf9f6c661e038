/**
 * What rules.ts, stickiness.ts and console-open.ts share. A "case" is a running server plus the
 * wrk request to send it (path, headers); one server may serve several cases. Each case is
 * measured the way proxy-throughput.ts measures a peer (measure.ts), every case once per round
 * with the order rotated each round, medians over rounds. CaseBench holds a run: options,
 * harness, targets, cases, runs, and prints the header, the progress lines, the table and notes.
 */
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, fail, Harness, intOption, machineInfo, preflightCommon, repoDir } from './harness.ts';
import { failedRun, measureWrk } from './measure.ts';
import { SkipPeer, type PeerContext, type StartedPeer, type Target } from './peers.ts';
import { freePorts, signalGroup, sleep, type ServerProc } from './procs.ts';
import { fix, int, summarize, table, warnings, type PeerSummary, type RunRecord } from './report.ts';

/** parseArgs options every case bench takes. */
const caseOptionSpec = {
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

/** The case options from `argv`; `--help` prints `help` and exits 0, bad options exit 2. */
function parseCaseOptions(argv: string[], help: string): CaseOptions {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: caseOptionSpec, strict: true, allowPositionals: false }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${help}`);
  }
  if (values.help) {
    process.stdout.write(help);
    process.exit(0);
  }
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

/** A case as a server's check gives it: the server supplies port, process and path. */
export type CaseSpec = Pick<Case, 'name' | 'what' | 'headers'>;

/** A server to start for one or more cases. */
export interface CaseServer {
  /** its cases' names, for the SKIP line when it cannot start */
  names: string[];
  start: (port: number) => Promise<StartedPeer>;
  /** checks the started server and gives its cases; any error skips them all */
  cases: (p: StartedPeer) => Promise<CaseSpec[]>;
}

/** One warm-up and one measured wrk run of `c`. */
export async function measureCase(c: Case, round: number, position: number, o: CaseOptions, cpu: string | null, targetPids: number[]): Promise<RunRecord> {
  const id = { round, peer: c.name, position };
  if (c.proc.exit !== null) return failedRun(id, `${c.proc.name} is no longer running (exit ${c.proc.exit}); see ${c.proc.logPath}`);
  const wrk = { port: c.port, path: c.path, headers: c.headers, connections: o.connections, threads: 1, cpu };
  return measureWrk(id, wrk, o, { proxyPid: c.proc.pid, targetPids });
}

/** One progress line per run. */
export function caseLine(r: RunRecord, rounds: number, width: number): string {
  const tag = `round ${r.round}/${rounds}  ${r.peer.padEnd(width)}`;
  if (!r.wrk) return `${tag} FAILED: ${r.failure ?? 'unknown error'}`;
  const c = r.cpu;
  const cpu = c ? `  cpu: proxy ${fix(c.proxy, 2)} targets ${c.targets.toFixed(2)} wrk ${c.wrk.toFixed(2)} other ${c.other.toFixed(2)}` : '';
  const who = c && c.other > 0.1 ? `\n${' '.repeat(tag.length)} other CPU: busiest ${c.otherTop.map((p) => `${p.comm}[${p.pid}] ${p.cores.toFixed(2)}`).join(', ')}` : '';
  return `${tag} ${int(r.wrk.requestsPerSec).padStart(7)} req/s  p50 ${r.wrk.latencyMs.p50.toFixed(2)} ms  p99 ${r.wrk.latencyMs.p99.toFixed(2)} ms  errors ${r.wrk.errors}${cpu}${who}`;
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
function caseTable(sums: PeerSummary[], ratioTo: string): string {
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

export interface CaseBenchSpec {
  /** the title ("Albatross <name> bench") and the results file's name */
  name: string;
  help: string;
  /** the path every case requests */
  path: string;
  /** how the wrk command line shows the cases' headers, e.g. `-H 'Host: …'`; '' for none */
  headersShown: string;
  /** further checks before anything starts (exit 2 through fail()) */
  preflight?: () => void;
  /** time budget: cases per round, and seconds allowed per case on top of warm-up and duration */
  budget: { cases: number; slackS: number };
  /** the bench's own fields in the results document (they may replace the common ones) */
  document?: () => object;
}

/** One case bench run. Construct it first: it reads the options and installs the harness. */
export class CaseBench {
  readonly o: CaseOptions;
  readonly serverCpu: string | null;
  readonly wrkCpu: string | null;
  readonly wrkCommand: string;
  readonly harness: Harness;
  readonly cases: Case[] = [];
  readonly runs: RunRecord[] = [];
  readonly skipped: { name: string; why: string }[] = [];
  targets: Target[] = [];

  constructor(private readonly spec: CaseBenchSpec) {
    const o = parseCaseOptions(process.argv.slice(2), spec.help);
    preflightCommon(o.pin, [{ cmd: 'wrk', hint: 'apt-get install -y wrk' }]);
    spec.preflight?.();
    this.o = o;
    this.serverCpu = o.pin === 'split' ? '0' : null;
    this.wrkCpu = o.pin === 'split' ? '1' : null;
    const wrkArgs = ['wrk', '-t1', `-c${o.connections}`, `-d${o.durationS}s`, spec.headersShown, '--latency', `http://127.0.0.1:PORT${spec.path}`];
    this.wrkCommand = `${this.wrkCpu ? `taskset -c ${this.wrkCpu} ` : ''}${wrkArgs.filter(Boolean).join(' ')}`;
    this.harness = new Harness({
      name: spec.name,
      keepTmp: o.keepTmp,
      budgetS: 180 + o.rounds * spec.budget.cases * (o.warmupS + o.durationS + spec.budget.slackS),
      document: (partial) =>
        this.runs.length === 0 && partial
          ? null
          : {
              bench: spec.name, partial, startedAt: this.harness.startedAt.toISOString(), finishedAt: new Date().toISOString(),
              options: o, pinning: { servers: this.serverCpu ?? 'none', wrk: this.wrkCpu ?? 'none' }, wrkCommand: this.wrkCommand,
              machine: machineInfo(), targets: this.targets, cases: this.cases.map(({ name, what, port, path, headers }) => ({ name, what, port, path, headers })),
              skipped: this.skipped, ...spec.document?.(), summary: summarize(this.cases.map((c) => c.name), this.runs), runs: this.runs,
            },
    });
    this.harness.install();
  }

  printHeader(): void {
    console.log(`Albatross ${this.spec.name} bench — ${this.harness.startedAt.toISOString()}`);
    console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, kernel ${os.release()}, node ${process.version}`);
    console.log(`load:    ${this.wrkCommand} (+${this.o.warmupS} s warm-up), ${this.o.rounds} round(s)`);
    console.log(`temp:    ${this.harness.tmpDir}\n`);
  }

  /** Starts the two targets (`script`, `shown` after their ports); the context to start servers in. */
  async startTargets(script: string, shown = ''): Promise<PeerContext> {
    this.targets = await this.harness.startTargets(join(benchDir, script), this.serverCpu);
    console.log(`targets: ${this.targets.map((t) => `${t.name} :${t.port}`).join(', ')}${shown}`);
    const { harness, targets, serverCpu, o } = this;
    return { repoDir, benchDir, tmpDir: harness.tmpDir, targets, serverCpu, albatrossCli: o.albatrossCli };
  }

  /**
   * Starts each server and takes its cases. A server that cannot start (SkipPeer) or whose
   * check fails is skipped, and killed so that it is not busy while the others are measured.
   * False, with the reason printed, when there is no case to measure.
   */
  async startCases(servers: CaseServer[]): Promise<boolean> {
    const ports = await freePorts(servers.length);
    for (const [i, s] of servers.entries()) {
      let started: StartedPeer | undefined;
      try {
        started = await s.start(ports[i]!);
        this.harness.servers.unshift(started.proc!);
        for (const c of await s.cases(started)) {
          this.cases.push({ ...c, port: started.port, proc: started.proc!, path: this.spec.path });
          console.log(`case:    ${c.name.padEnd(13)} :${started.port}  ${started.version}`);
        }
        if (started.note) console.log(`         note: ${started.note}`);
      } catch (err) {
        if (!(err instanceof SkipPeer) && started === undefined) throw err;
        if (started?.proc) signalGroup(started.proc.pid, 'SIGKILL');
        const why = (err as Error).message;
        for (const name of s.names) this.skipped.push({ name, why: why.split('\n')[0]! });
        console.log(`SKIP:    ${s.names.join(', ').padEnd(13)} ${why.replace(/\n/g, '\n         ')}`);
      }
    }
    if (this.cases.length === 0) console.error('\nbench: nothing could be started; nothing to measure');
    return this.cases.length > 0;
  }

  /** Keeps a run and prints its progress line. */
  record(r: RunRecord): void {
    this.runs.push(r);
    console.log(caseLine(r, this.o.rounds, Math.max(...this.cases.map((c) => c.name.length))));
  }

  /** Every case once per round, the order rotated by one each round. */
  async measureRounds(): Promise<void> {
    const { o, cases } = this;
    console.log(`\nmeasuring ${cases.length} case(s) × ${o.rounds} round(s): about ${Math.ceil(o.rounds * cases.length * (o.warmupS + o.durationS + 0.7))} s\n`);
    const targetPids = this.harness.targetPids();
    for (let round = 1; round <= o.rounds; round++) {
      const shift = (round - 1) % cases.length;
      const order = [...cases.slice(shift), ...cases.slice(0, shift)];
      for (const [position, c] of order.entries()) {
        this.record(await measureCase(c, round, position, o, this.wrkCpu, targetPids));
        await sleep(500);
      }
    }
  }

  /**
   * Prints the table (`title`, a "x `ratioTo`" column), the bench's `notes`, the warnings and the
   * skipped cases, and writes the results; the exit code (0 when a run succeeded).
   */
  report(title: string, ratioTo: string, notes: (sums: PeerSummary[]) => string[]): number {
    const sums = summarize(this.cases.map((c) => c.name), this.runs);
    console.log(`\n${title} (${this.o.rounds} round(s); medians, [min–max] over rounds)\n`);
    console.log(caseTable(sums, ratioTo));
    const all = [...notes(sums), ...warnings(this.runs, sums), ...this.skipped.map((s) => `skipped ${s.name}: ${s.why}`)];
    console.log(`\n${all.join('\n')}`);
    const file = this.harness.complete();
    if (file) console.log(`\nraw results: ${file}`);
    return this.runs.some((x) => x.wrk) ? 0 : 1;
  }
}
