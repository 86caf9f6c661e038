/**
 * The run lifecycle shared by https-throughput.ts, failover.ts and the case benches (cases.ts)
 * (proxy-throughput.ts has its own, older copy): a temp dir, the servers to stop, a hard time
 * budget, cleanup on signals and crashes (every process group is killed, partial results are
 * still written), and the raw JSON in bench/results/. runBench() runs every bench's main.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target } from './peers.ts';
import { freePorts, killAllGroupsSync, killGroup, startServer, waitReady, type ServerProc } from './procs.ts';

export const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const repoDir = dirname(benchDir);

/** Bad usage or a missing prerequisite: exit code 2. */
export function fail(msg: string): never {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Integer option >= min, or exit 2. */
export function intOption(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min} (got "${v}")`);
  return n;
}

/** Linux with /proc, and taskset plus 2 CPUs when pinning. */
export function preflightCommon(pin: 'split' | 'none', tools: { cmd: string; hint: string }[]): void {
  if (process.platform !== 'linux' || !existsSync('/proc/stat')) fail('needs Linux (/proc) for the CPU accounting');
  for (const t of tools) if (!hasCommand(t.cmd)) fail(`${t.cmd} not found (${t.hint})`);
  if (pin === 'split') {
    if (!hasCommand('taskset')) fail('taskset not found (util-linux); or use --pin none');
    if (os.cpus().length < 2) fail(`split pinning needs 2 CPUs, this machine has ${os.cpus().length}; use --pin none`);
  }
}

export function machineInfo(): Record<string, string | number> {
  const firstLine = (cmd: string, args: string[]): string => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0]?.trim() ?? '?';
  };
  return {
    cpuModel: os.cpus()[0]?.model ?? '?',
    cpus: os.cpus().length,
    kernel: os.release(),
    node: process.version,
    wrk: firstLine('wrk', ['-v']),
    openssl: firstLine('openssl', ['version']),
  };
}

export interface HarnessOptions {
  /** the bench's name: results go to bench/results/<name>-<timestamp>.json */
  name: string;
  keepTmp: boolean;
  /** hard bound on the whole run, in seconds */
  budgetS: number;
  /** the results document so far; null while there is nothing worth writing */
  document: (partial: boolean) => object | null;
}

/** One bench run: call `install()` first, `finish()` at the end. */
export class Harness {
  readonly startedAt = new Date();
  readonly tmpDir: string;
  /** stopped in this order at the end: put proxies first, then targets */
  readonly servers: ServerProc[] = [];
  private finished = false;

  constructor(private readonly o: HarnessOptions) {
    this.tmpDir = mkdtempSync(join(os.tmpdir(), `albatross-bench-${o.name}-`));
  }

  /** Signal/crash handlers and the watchdog. */
  install(): void {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => this.abort(`got ${sig}`, 130));
    process.on('uncaughtException', (err) => this.abort(`crashed: ${err.stack ?? err.message}`, 1));
    process.on('unhandledRejection', (err) => this.abort(`crashed: ${(err as Error)?.stack ?? String(err)}`, 1));
    process.on('exit', () => killAllGroupsSync());
    setTimeout(() => this.abort(`exceeded the time budget of ${this.o.budgetS} s`, 124), this.o.budgetS * 1000).unref();
  }

  resultsFile(): string {
    const stamp = this.startedAt.toISOString().replace(/[:.]/g, '-');
    return join(benchDir, 'results', `${this.o.name}-${stamp}.json`);
  }

  /** Writes the results document; returns its path relative to the cwd, or null if there is none. */
  writeResults(partial: boolean): string | null {
    const doc = this.o.document(partial);
    if (doc === null) return null;
    const file = this.resultsFile();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    return relative(process.cwd(), file);
  }

  /** Marks the run complete (no "partial" results on a later abort) and writes the results. */
  complete(): string | null {
    this.finished = true;
    return this.writeResults(false);
  }

  private removeTmp(): void {
    if (this.o.keepTmp) console.log(`temp dir kept: ${this.tmpDir}`);
    else rmSync(this.tmpDir, { recursive: true, force: true });
  }

  /** Last-resort cleanup for signals, crashes and the watchdog: synchronous only. */
  abort(reason: string, code: number): never {
    console.error(`\nbench: ${reason}; stopping all servers`);
    killAllGroupsSync();
    if (!this.finished) {
      try {
        const file = this.writeResults(true);
        if (file) console.error(`partial results: ${file}`);
      } catch {
        /* best effort */
      }
    }
    try {
      this.removeTmp();
    } catch {
      /* best effort */
    }
    process.exit(code);
  }

  /** Two targets `script <port> backend-N` on free ports, pinned to `cpu`, to be stopped at the end. */
  async startTargets(script: string, cpu: string | null): Promise<Target[]> {
    const ports = await freePorts(2);
    const targets = ports.map((port, i) => ({ name: `backend-${i + 1}`, port }));
    const procs = targets.map((t) => startServer(`target ${t.name}`, process.execPath, [script, String(t.port), t.name], { cpu, logPath: join(this.tmpDir, `${t.name}.log`) }));
    this.servers.push(...procs);
    for (const [i, t] of targets.entries()) await waitReady(t.port, [t.name], 10_000, procs[i]!);
    return targets;
  }

  /** The process groups of the targets (CPU is read from them). */
  targetPids(): number[] {
    return this.servers.filter((s) => s.name.startsWith('target')).map((s) => s.pid);
  }

  /** Stops every server (SIGTERM, then SIGKILL) and removes the temp dir. */
  async finish(): Promise<void> {
    for (const s of this.servers) await killGroup(s);
    this.removeTmp();
  }
}

/**
 * Runs a bench's `main`, then `cleanup` whatever happened, and exits with main's code: 1 when
 * it threw (the stack is printed).
 */
export async function runBench(main: () => Promise<number>, cleanup: () => Promise<void> | void): Promise<never> {
  let code = 1;
  try {
    code = await main();
  } catch (err) {
    console.error(`\nbench: ${(err as Error).stack ?? String(err)}`);
  } finally {
    await cleanup();
  }
  process.exit(code);
}
