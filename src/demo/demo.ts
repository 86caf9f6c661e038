/**
 * `albatross demo`: the tutorial on one machine in one command. Starts N demo instances (each its
 * own process, so killing one is a real process death), puts a target group, a load balancer and
 * a listener in front of them into the store, starts `albatross serve`, and waits until the
 * listener answers and every instance is healthy. Then either waits for Ctrl-C, or (`--failover`)
 * runs a load test through the listener, kills one instance at a third of it, restarts it at two
 * thirds, and prints the report: the tutorial's step 4 with numbers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadTestInConsole, type LoadTestReport, type RunControl } from '../loadtest/index.ts';
import { targetHeader } from './demo-target.ts';

const demoTargetGroup = 'demo-tg';
const demoLoadBalancer = 'demo-alb';
const host = '127.0.0.1';

/** The health check: the tutorial's (ALB's shortest interval, thresholds of 2). */
const healthCheck = {
  healthCheckPath: '/status',
  healthCheckIntervalSeconds: 5,
  healthCheckTimeoutSeconds: 2,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
  matcher: '200',
};
/** Starting up: two healthy checks 5 s apart, plus the store's and processes' own delays. */
const readyTimeoutMs = 30_000;

/** The options of `albatross demo`. */
export interface DemoOptions {
  instances: number;
  /** The listener's port; a free one when undefined. */
  port?: number;
  failover: boolean;
  durationSeconds: number;
  connections: number;
  workers: number;
  /** Where the store lives; a temporary directory (removed afterwards) when undefined. */
  dataDir?: string;
  json: boolean;
  reportFile?: string;
}

/** What the demo needs from the command that runs it. */
export interface DemoHost {
  /** How to start this CLI again: `command ...args serve ...`. */
  cli: { command: string; args: readonly string[] };
  /** Puts `config` (an `albatross apply` file's content) into the store in `dataDir`. */
  configure(dataDir: string, config: DemoConfig): Promise<void>;
}

/** The demo's configuration, in the shape of an `albatross apply` file. */
export interface DemoConfig {
  targetGroups: Array<Record<string, unknown>>;
  loadBalancers: Array<Record<string, unknown>>;
}

/** One target group of `instances` on 127.0.0.1 behind an internal load balancer's HTTP listener. */
function demoConfig(listenerPort: number, instancePorts: readonly number[]): DemoConfig {
  return {
    targetGroups: [
      {
        name: demoTargetGroup,
        protocol: 'HTTP',
        port: 80,
        protocolVersion: 'HTTP1',
        targetType: 'instance',
        ...healthCheck,
        targets: instancePorts.map((port) => ({ id: host, port })),
      },
    ],
    loadBalancers: [
      {
        name: demoLoadBalancer,
        scheme: 'internal',
        ipAddressType: 'ipv4',
        listeners: [{ protocol: 'HTTP', port: listenerPort, defaultActions: [{ type: 'forward', targetGroupName: demoTargetGroup }] }],
      },
    ],
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Collects a child's output lines; keeps the last 200 for error messages. */
class Output {
  readonly lines: string[] = [];
  #partial = '';

  constructor(child: ChildProcess) {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        const parts = (this.#partial + chunk.toString()).split('\n');
        this.#partial = parts.pop()!;
        this.lines.push(...parts);
        if (this.lines.length > 200) this.lines.splice(0, this.lines.length - 200);
      });
    }
  }

  text(): string {
    return [...this.lines, this.#partial].join('\n').trim();
  }
}

/**
 * Waits for `check` to return a value, for the child to exit (an error with its output), or for
 * the deadline (an error naming `what`).
 */
async function waitFor<T>(what: string, child: ChildProcess, output: Output, timeoutMs: number, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what}: the process exited (${child.exitCode ?? child.signalCode})\n${output.text()}`);
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s\n${output.text()}`);
    await delay(100);
  }
}

/** A demo instance as a child process that can be killed and started again on the same port. */
class DemoInstance {
  readonly name: string;
  readonly port: number;
  readonly #cli: DemoHost['cli'];
  #child: ChildProcess | undefined;

  constructor(name: string, port: number, cli: DemoHost['cli']) {
    this.name = name;
    this.port = port;
    this.#cli = cli;
  }

  get address(): string {
    return `${host}:${this.port}`;
  }

  /** Starts the process (an IPC channel: it exits when this process goes); resolves once it listens. */
  async start(): Promise<void> {
    const args = [...this.#cli.args, 'demo-target', '--name', this.name, '--port', String(this.port), '--host', host];
    const child = spawn(this.#cli.command, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.#child = child;
    const output = new Output(child);
    await waitFor(`demo instance ${this.name} to listen on ${this.address}`, child, output, 15_000, () =>
      output.lines.some((l) => l.includes('listening on')) ? true : undefined,
    );
  }

  /** SIGKILL: the instance dies as a crashed machine would. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  }
}

/** `albatross serve` as a child process of the demo. */
class Server {
  readonly child: ChildProcess;
  readonly output: Output;

  constructor(cli: DemoHost['cli'], dataDir: string, workers: number) {
    const args = [...cli.args, 'serve', '--data-dir', dataDir, '--admin-listen', `${host}:0`, '--workers', String(workers)];
    this.child = spawn(cli.command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.output = new Output(this.child);
  }

  /** The admin endpoint's URL, from the line `serve` prints once it listens. */
  adminUrl(): Promise<string> {
    return waitFor('albatross serve to start', this.child, this.output, 20_000, () => {
      for (const line of this.output.lines) {
        const m = /admin endpoint (http:\/\/\S+)$/.exec(line);
        if (m) return m[1]!;
      }
      return undefined;
    });
  }

  /** SIGTERM (it finishes in-flight requests), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited(this.child);
    clearTimeout(timer);
  }
}

async function getStatus(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** True once the admin endpoint reports every target of the demo's group healthy. */
async function allHealthy(adminUrl: string, instances: number): Promise<boolean> {
  try {
    const res = await fetch(new URL('/status', adminUrl), { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { targetHealth?: Array<{ state: string }> };
    const health = body.targetHealth ?? [];
    return health.length === instances && health.every((h) => h.state === 'healthy');
  } catch {
    return false;
  }
}

/**
 * Runs the demo. Without `--failover` it returns when Ctrl-C (or SIGTERM) arrives; with it, after
 * the report. Returns the exit code: 1 when the load test saw errors.
 */
export async function runDemo(opts: DemoOptions, demoHost: DemoHost): Promise<number> {
  // With --json, stdout carries only the report.
  const say = (line: string): void => {
    (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
  };
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'albatross-demo-')));
  const instances: DemoInstance[] = [];
  let server: Server | undefined;
  let phase: 'starting' | 'loadtest' | 'waiting' | 'stopping' = 'starting';
  let running: RunControl | undefined;
  let wakeUp: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wakeUp = resolve));

  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      phase = 'stopping';
      await Promise.all([server?.stop(), ...instances.map((i) => i.kill())]);
      if (opts.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    })());
  // Ctrl-C during the load test ends the run early (the load test's own handler) and the report
  // follows; at any other time it stops the demo.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (phase === 'loadtest') {
      if (signal === 'SIGTERM') running?.stop();
      return;
    }
    if (phase === 'starting') {
      void cleanUp().then(() => process.exit(130));
      return;
    }
    wakeUp();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // A port the system just handed out can come again on the next ask: insist on distinct ones.
    const ports = new Set<number>(opts.port !== undefined ? [opts.port] : []);
    while (ports.size < opts.instances + 1) ports.add(await freePort());
    const [listenerPort, ...instancePorts] = [...ports] as [number, ...number[]];
    instancePorts.forEach((port, i) => instances.push(new DemoInstance(`demo-${i + 1}`, port, demoHost.cli)));
    await Promise.all(instances.map((i) => i.start()));
    await demoHost.configure(dataDir, demoConfig(listenerPort, instances.map((i) => i.port)));
    server = new Server(demoHost.cli, dataDir, opts.workers);
    const adminUrl = await server.adminUrl();
    const listenerUrl = `http://${host}:${listenerPort}/`;
    await waitFor('the listener to answer and every instance to be healthy', server.child, server.output, readyTimeoutMs, async () =>
      (await getStatus(listenerUrl)) === 200 && (await allHealthy(adminUrl, instances.length)) ? true : undefined,
    );

    say(`albatross demo: load balancer ${demoLoadBalancer} in front of ${instances.length} demo instances (store in ${dataDir})`);
    say(`  listener  ${listenerUrl}`);
    for (const i of instances) say(`  ${i.name.padEnd(8)}  http://${i.address}/  healthy`);
    say(`  admin     ${adminUrl}  (target health: ${new URL('/status', adminUrl).href})`);

    if (!opts.failover) {
      say('try:');
      say(`  curl ${listenerUrl}`);
      say(`  albatross status --data-dir ${dataDir}`);
      say(`  albatross loadtest ${listenerUrl} --admin-url ${adminUrl}`);
      say('Ctrl-C stops everything.');
      phase = 'waiting';
      await stopped;
      say('stopping the load balancer and the demo instances');
      return 0;
    }

    const victim = instances[0]!;
    const killAt = (opts.durationSeconds * 1000) / 3;
    const restartAt = (opts.durationSeconds * 2000) / 3;
    say(
      `load test: ${opts.durationSeconds} s through ${listenerUrl}; ${victim.name} is killed at ${(killAt / 1000).toFixed(1)} s ` +
        `and restarted at ${(restartAt / 1000).toFixed(1)} s`,
    );
    phase = 'loadtest';
    const report: LoadTestReport = await runLoadTestInConsole(
      {
        url: listenerUrl,
        durationSeconds: opts.durationSeconds,
        connections: opts.connections,
        method: 'GET',
        timeoutSeconds: 10,
        targetHeader,
        adminUrl,
        targetNames: new Map(instances.map((i) => [i.address, i.name])),
        json: opts.json,
        ...(opts.reportFile !== undefined ? { reportFile: opts.reportFile } : {}),
      },
      async (control) => {
        running = control;
        if (!(await sleepUntil(control, killAt))) return;
        const killed = victim.kill();
        control.mark(`killed ${victim.name} (SIGKILL)`);
        await killed;
        if (!(await sleepUntil(control, restartAt))) return;
        await victim.start();
        control.mark(`restarted ${victim.name}`);
      },
    );
    return report.errors.total > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

/** Waits until `atMs` into the run; false when the run ended first. */
async function sleepUntil(control: RunControl, atMs: number): Promise<boolean> {
  let ended = false;
  void control.ended.then(() => (ended = true));
  while (!ended && control.elapsedMs() < atMs) await delay(Math.min(100, Math.max(1, atMs - control.elapsedMs())));
  return !ended;
}
