/**
 * Child processes of the end-to-end tests. Each one is started in its own process group
 * (`detached`), so that stopping it also stops whatever it started (Albatross's cluster workers).
 * Every process is remembered until it has exited; `killAllSync()` runs on this test process's
 * exit (and on SIGINT/SIGTERM) as the last resort, so nothing outlives a test file even when a
 * test fails or forgets to stop something.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const live = new Set<ChildProcess>();

/** Environment for children: no test-runner context, no Albatross defaults from the caller's shell. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  delete env.ALBATROSS_DATA_DIR;
  delete env.ALBATROSS_ADMIN_LISTEN;
  return env;
}

/**
 * Spawns `command` in a new process group and tracks it until it exits. A `background` process
 * (a server) does not keep this test process alive: if a test forgets it, the test file still
 * ends, and the exit hook kills it.
 */
export function spawnTracked(command: string, args: readonly string[], opts: SpawnOptions & { background?: boolean } = {}): ChildProcess {
  const { background = false, ...spawnOpts } = opts;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(), ...spawnOpts, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  if (background) {
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
  return child;
}

/** True until the process has exited (its 'exit' event has been seen). */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Sends `signal` to the child's whole process group (falls back to the child alone). */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!isRunning(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  // Someone waits for it now: keep this process alive until it has exited.
  const keepAlive = setInterval(() => undefined, 1000);
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      clearInterval(keepAlive);
      resolve({ code, signal });
    }),
  );
}

/**
 * Stops a child: `signal` to the process only (so it can shut down its own children), then
 * SIGKILL to its whole group after `graceMs`. Always ends with the group killed, so nothing the
 * child started is left behind.
 */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (isRunning(child) && child.pid !== undefined) {
    try {
      process.kill(child.pid, signal);
    } catch {
      // already gone
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited(child), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
  signalGroup(child, 'SIGKILL');
  if (isRunning(child)) await exited(child);
}

/** Kills every tracked process group at once; synchronous, for exit handlers. */
export function killAllSync(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
}

process.once('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    killAllSync();
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
  });
}
