/**
 * The tutorial's Flask "instances" as real processes (`flask_target.py` under Debian's
 * /usr/bin/python3 with python3-flask). A target keeps its port, so it can be killed with
 * SIGKILL and started again on the same port, as a user would restart an instance.
 */
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { freePort, request } from './net.ts';
import { pollUntil, StopPolling } from './poll.ts';
import { exited, signalGroup, spawnTracked, stopProcess } from './processes.ts';

/** Debian's python3 (the one with python3-flask); a pyenv python3 may come first on PATH. */
export const python = '/usr/bin/python3';
export const flaskScript = fileURLToPath(new URL('./flask_target.py', import.meta.url));

export class FlaskTarget {
  readonly name: string;
  readonly port: number;
  #child: ChildProcess | undefined;
  #output = '';

  constructor(name: string, port: number) {
    this.name = name;
    this.port = port;
  }

  /** Starts the process and waits until `GET /status` answers. */
  async start(): Promise<void> {
    if (this.#child) throw new Error(`flask target ${this.name} is already running`);
    const child = spawnTracked(python, [flaskScript, String(this.port), this.name], { background: true });
    this.#child = child;
    child.stdout!.on('data', (c: Buffer) => (this.#output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.#output += c.toString()));
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new StopPolling(`flask target ${this.name} exited with ${child.exitCode}`);
        return (await request(this.port, { path: '/status', timeoutMs: 2000 })).status > 0;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: `flask target ${this.name} on port ${this.port} to answer /status`, context: () => this.#output },
    );
  }

  /** SIGKILL, like an instance that dies; resolves when the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    signalGroup(child, 'SIGKILL');
    await exited(child);
    this.#child = undefined;
  }

  /** Starts it again on the same port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** Makes `GET /status` answer `code` from now on (the instance keeps serving `/`). */
  async setStatus(code: number): Promise<void> {
    const res = await request(this.port, { method: 'POST', path: `/set-status?code=${code}` });
    if (res.status !== 200) throw new Error(`set-status on ${this.name}: ${res.status}`);
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  output(): string {
    return this.#output;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child) await stopProcess(child, 'SIGKILL', 0);
    this.#child = undefined;
  }
}

/** Starts a Flask target named `name` on a free port (or `port`). */
export async function startFlask(name: string, port?: number): Promise<FlaskTarget> {
  const t = new FlaskTarget(name, port ?? (await freePort()));
  await t.start();
  return t;
}
