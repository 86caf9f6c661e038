/**
 * Albatross as a user runs it: the built CLI (`dist/cli/main.js`, the package's `albatross`
 * binary) as child processes — `serve` in the background, `apply` and `status` to completion.
 * Build first: `npm run build`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile, type ChildProcess } from 'node:child_process';
import { stringify } from 'yaml';
import { pollUntil, StopPolling } from './poll.ts';
import { exited, isRunning, spawnTracked, stopProcess } from './processes.ts';
import { startFlask, type FlaskTarget } from './flask.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const albatrossBin = join(repoRoot, 'dist', 'cli', 'main.js');

function requireBuild(): void {
  if (!existsSync(albatrossBin)) throw new Error(`${albatrossBin} is missing: run 'npm run build' first`);
}

// ---------------------------------------------------------------------------------------------
// Temporary directories

const tempDirs = new Set<string>();

/** A new directory under os.tmpdir(); removed by `removeTempDirs()` (set E2E_KEEP_TMP=1 to keep). */
export async function tempDir(prefix = 'albatross-e2e-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  if (process.env.E2E_KEEP_TMP) return;
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// ---------------------------------------------------------------------------------------------
// `albatross serve`

export interface ServeOptions {
  dataDir: string;
  workers?: number;
}

export class AlbatrossServer {
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly lines: string[] = [];
  stderr = '';
  adminPort = 0;
  #partial = '';

  constructor(child: ChildProcess, dataDir: string) {
    this.child = child;
    this.dataDir = dataDir;
    child.stdout!.on('data', (c: Buffer) => {
      const text = this.#partial + c.toString();
      const parts = text.split('\n');
      this.#partial = parts.pop()!;
      this.lines.push(...parts);
    });
    child.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return isRunning(this.child);
  }

  /** Everything it printed, for error messages. */
  logs(): string {
    return `--- albatross serve stdout ---\n${this.lines.join('\n')}${this.#partial}\n--- stderr ---\n${this.stderr.slice(-4000)}`;
  }

  /**
   * Waits for a stdout line matching `re` (among lines from index `from` on) and returns its
   * match. Fails early if the process exits.
   */
  async waitForLine(re: RegExp, opts: { timeoutMs?: number; from?: number } = {}): Promise<RegExpMatchArray> {
    const from = opts.from ?? 0;
    return pollUntil(
      () => {
        for (let i = from; i < this.lines.length; i++) {
          const m = re.exec(this.lines[i]!);
          if (m) return m;
        }
        if (!this.running) throw new StopPolling(`albatross serve exited (${this.child.exitCode ?? this.child.signalCode})`);
        return undefined;
      },
      { timeoutMs: opts.timeoutMs ?? 15_000, intervalMs: 50, what: `albatross serve to print ${re}`, context: () => this.logs() },
    );
  }

  /** Waits until the listener on `port` reports it is accepting. */
  async waitForListener(port: number, timeoutMs = 10_000): Promise<void> {
    await this.waitForLine(new RegExp(`^albatross: listener .* accepting on https?://[^ ]+:${port}/$`), { timeoutMs });
  }

  /** PIDs of its data-plane workers (its child processes). */
  async workerPids(): Promise<number[]> {
    const out = await new Promise<string>((resolve) =>
      execFile('ps', ['--ppid', String(this.pid), '-o', 'pid='], (_err, stdout) => resolve(stdout)),
    );
    return out
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
  }

  /** SIGTERM (graceful), then SIGKILL of its process group if it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    await stopProcess(this.child, 'SIGTERM', graceMs);
  }

  /** SIGKILL of the whole process group, as a crash. */
  async kill(): Promise<void> {
    await stopProcess(this.child, 'SIGKILL', 0);
  }

  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return exited(this.child);
  }
}

/** Starts `albatross serve` with its admin endpoint on a free loopback port; resolves once it is up. */
export async function startServer(opts: ServeOptions): Promise<AlbatrossServer> {
  requireBuild();
  const args = [albatrossBin, 'serve', '--data-dir', opts.dataDir, '--admin-listen', '127.0.0.1:0', '--workers', String(opts.workers ?? 2)];
  const server = new AlbatrossServer(spawnTracked(process.execPath, args, { background: true }), opts.dataDir);
  const m = await server.waitForLine(/^albatross: admin endpoint http:\/\/127\.0\.0\.1:(\d+)\/$/);
  server.adminPort = Number(m[1]);
  return server;
}

// ---------------------------------------------------------------------------------------------
// `albatross apply`, `albatross status`

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Starts `albatross <args>`; `done` resolves when it exits. */
export function spawnCli(args: readonly string[]): CliRun {
  requireBuild();
  const child = spawnTracked(process.execPath, [albatrossBin, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `albatross <args>` to completion (killed after `timeoutMs`). */
export async function runCli(args: readonly string[], timeoutMs = 30_000): Promise<CliResult> {
  const run = spawnCli(args);
  const timer = setTimeout(() => void stopProcess(run.child, 'SIGKILL', 0), timeoutMs);
  try {
    return await run.done;
  } finally {
    clearTimeout(timer);
  }
}

/** `albatross apply -f <file> --data-dir <dir> [extra]`. */
export function apply(file: string, dataDir: string, extra: readonly string[] = []): Promise<CliResult> {
  return runCli(['apply', '-f', file, '--data-dir', dataDir, ...extra]);
}

/** `apply`, failing with its output unless it exits 0. */
export async function applyOk(file: string, dataDir: string, extra: readonly string[] = []): Promise<CliResult> {
  const r = await apply(file, dataDir, extra);
  if (r.code !== 0) throw new Error(`albatross apply -f ${file} exited ${r.code ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

export interface StatusTarget {
  id: string;
  port: number;
  state: string;
  reason: string | null;
  description: string | null;
  lastCheckAt: number | null;
  lastResult: string | null;
}

export interface StatusGroup {
  targetGroup: string;
  targetGroupArn: string;
  targets: StatusTarget[];
}

/** `albatross status --output json`, parsed. */
export async function status(dataDir: string): Promise<StatusGroup[]> {
  const r = await runCli(['status', '--data-dir', dataDir, '--output', 'json']);
  if (r.code !== 0) throw new Error(`albatross status exited ${r.code ?? r.signal}: ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusGroup[];
}

/** One target's row in `status`, or undefined when the group or target is not listed. */
export async function targetStatus(dataDir: string, group: string, port: number): Promise<StatusTarget | undefined> {
  const groups = await status(dataDir);
  return groups.find((g) => g.targetGroup === group)?.targets.find((t) => t.port === port);
}

/**
 * Polls `status` until the target on `port` of `group` is in `state` (and has `reason`, when
 * given); returns its row.
 */
export async function waitForTargetState(
  dataDir: string,
  group: string,
  port: number,
  state: string,
  opts: { timeoutMs: number; reason?: string; server?: AlbatrossServer },
): Promise<StatusTarget> {
  let last: StatusTarget | undefined;
  return pollUntil(
    async () => {
      last = await targetStatus(dataDir, group, port);
      return last && last.state === state && (opts.reason === undefined || last.reason === opts.reason) ? last : undefined;
    },
    {
      timeoutMs: opts.timeoutMs,
      intervalMs: 250,
      what: `target 127.0.0.1:${port} of ${group} to be ${state}${opts.reason ? ` (${opts.reason})` : ''}`,
      context: () => `last status row: ${JSON.stringify(last)}${opts.server ? '\n' + opts.server.logs() : ''}`,
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Config files

/** Writes `config` as YAML to `<dir>/<name>` and returns the path. */
export async function writeConfig(dir: string, name: string, config: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof config === 'string' ? config : stringify(config));
  return file;
}

/** The health check every test uses: ALB's smallest interval and thresholds (detection ~10 s). */
export const fastHealthCheck = {
  healthCheckPath: '/status',
  healthCheckIntervalSeconds: 5,
  healthCheckTimeoutSeconds: 2,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
} as const;

/** Protocol time to a state change: interval × threshold. */
export const detectionMs = fastHealthCheck.healthCheckIntervalSeconds * 1000 * fastHealthCheck.unhealthyThresholdCount;
/** Slack on top of the protocol's own times: probe timeout, status saved once a second, CLI start-up. */
export const slackMs = 6000;

export interface TargetGroupSpec {
  name: string;
  ports: number[];
  attributes?: Record<string, string | number | boolean>;
  healthCheck?: Record<string, unknown>;
}

export interface ListenerSpec {
  port: number;
  targetGroup?: string;
  /** A default action other than forward (e.g. fixed-response). */
  action?: Record<string, unknown>;
}

export interface ConfigSpec {
  loadBalancer: string;
  lbAttributes?: Record<string, string | number | boolean>;
  listeners: ListenerSpec[];
  targetGroups: TargetGroupSpec[];
}

/**
 * A tutorial-shaped file: HTTP target groups of `instance` targets on 127.0.0.1 with a
 * `/status` health check, one load balancer (scheme internal, so listeners bind loopback only)
 * with HTTP listeners forwarding to them.
 */
export function config(spec: ConfigSpec): Record<string, unknown> {
  return {
    targetGroups: spec.targetGroups.map((tg) => ({
      name: tg.name,
      protocol: 'HTTP',
      port: 8080,
      protocolVersion: 'HTTP1',
      targetType: 'instance',
      ...fastHealthCheck,
      ...(tg.healthCheck ?? {}),
      ...(tg.attributes ? { attributes: tg.attributes } : {}),
      targets: tg.ports.map((port) => ({ id: '127.0.0.1', port })),
    })),
    loadBalancers: [
      {
        name: spec.loadBalancer,
        scheme: 'internal',
        ipAddressType: 'ipv4',
        ...(spec.lbAttributes ? { attributes: spec.lbAttributes } : {}),
        listeners: spec.listeners.map((l) => ({
          protocol: 'HTTP',
          port: l.port,
          defaultActions: [l.action ?? { type: 'forward', targetGroupName: l.targetGroup }],
        })),
      },
    ],
  };
}

/**
 * The tutorial's pair: two Flask instances and `albatross serve` on a fresh data dir (nothing
 * configured yet), all stopped when the test ends.
 */
export async function startTutorialPair(
  t: { after(fn: () => unknown): void },
  opts: { workers?: number } = {},
): Promise<{ dir: string; dataDir: string; a: FlaskTarget; b: FlaskTarget; server: AlbatrossServer }> {
  const dir = await tempDir();
  const dataDir = join(dir, 'data');
  const a = await startFlask('instance-a');
  t.after(() => a.stop());
  const b = await startFlask('instance-b');
  t.after(() => b.stop());
  const server = await startServer({ dataDir, workers: opts.workers ?? 2 });
  t.after(() => server.stop());
  return { dir, dataDir, a, b, server };
}
