/**
 * Process plumbing for the bench: free ports, servers started in their own session
 * (`setsid`) and CPU pinned (`taskset`), readiness polling, and killing whole process
 * groups, also from signal and exit handlers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export const HOST = '127.0.0.1';

/** Free TCP ports on 127.0.0.1: bind port 0, read the port, close. All distinct. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, HOST, () => resolve());
      });
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') throw new Error('could not read a free port');
      ports.push(addr.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** A server started by the bench: the leader of its own session and process group. */
export interface ServerProc {
  name: string;
  /** pid of the leader; also the process-group id (the process was started with setsid). */
  pid: number;
  logPath: string;
  child: ChildProcess;
  /** null while running; the exit code or signal name once the leader has exited. */
  exit: string | null;
}

/** Process groups (by pgid) that must not outlive the driver. */
const groups = new Set<number>();

export function trackGroup(pgid: number): void {
  groups.add(pgid);
}

export function untrackGroup(pgid: number): void {
  groups.delete(pgid);
}

export interface StartOptions {
  /** CPU list for `taskset -c`, or null for no pinning. */
  cpu: string | null;
  cwd?: string;
  /** stdout and stderr of the server go here. */
  logPath: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts `command args...` as `setsid taskset -c <cpu> command args...`: Node's
 * `detached: true` is exactly a setsid() in the child, so the server and all its
 * descendants form one process group that killGroup() can signal at once, and a
 * Ctrl-C in the terminal reaches only the driver, which then kills every group.
 */
export function startServer(name: string, command: string, args: string[], opts: StartOptions): ServerProc {
  const fd = openSync(opts.logPath, 'a');
  const [cmd, argv] = opts.cpu === null ? [command, args] : ['taskset', ['-c', opts.cpu, command, ...args]];
  let child: ChildProcess;
  try {
    child = spawn(cmd, argv, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  const proc: ServerProc = { name, pid: child.pid, logPath: opts.logPath, child, exit: null };
  child.on('exit', (code, signal) => {
    proc.exit = signal ?? String(code);
  });
  child.on('error', (err) => {
    proc.exit = `spawn error: ${err.message}`;
  });
  groups.add(proc.pid);
  return proc;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

/** SIGTERM the whole group, then SIGKILL whatever is left after `graceMs`. */
export async function killGroup(proc: ServerProc, graceMs = 3000): Promise<void> {
  signalGroup(proc.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(proc.pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(proc.pid)) signalGroup(proc.pid, 'SIGKILL');
  groups.delete(proc.pid);
}

/** For exit/signal handlers, where nothing asynchronous can run any more. */
export function killAllGroupsSync(): void {
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
  groups.clear();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface HttpResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * One GET on a fresh connection, bounded by `timeoutMs`. Over https the bench's self-signed
 * certificate is accepted as it is.
 */
export function httpGet(
  port: number,
  path: string,
  timeoutMs = 1000,
  scheme: 'http' | 'https' = 'http',
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const opts = { host: HOST, port, path, headers, agent: false as const, timeout: timeoutMs };
    const onResponse = (res: http.IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    };
    const req = scheme === 'https' ? https.get({ ...opts, rejectUnauthorized: false }, onResponse) : http.get(opts, onResponse);
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/**
 * Polls until `GET /status` answers 200 "OK" and `GET /` has been answered by every
 * backend in `backends` (round robin over both targets works). Throws with the last
 * problem seen if `timeoutMs` passes or the server exits first.
 */
export async function waitReady(
  port: number,
  backends: string[],
  timeoutMs: number,
  proc: ServerProc | null,
  scheme: 'http' | 'https' = 'http',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (proc?.exit != null) throw new Error(`exited (${proc.exit}) before it was ready; last check: ${last}`);
    try {
      const st = await httpGet(port, '/status', 1000, scheme);
      if (st.status !== 200 || st.body !== 'OK') {
        last = `GET /status -> ${st.status} ${JSON.stringify(st.body.slice(0, 80))}`;
      } else {
        const seen = new Set<string>();
        for (let i = 0; i < 4 * backends.length && seen.size < backends.length; i++) {
          const r = await httpGet(port, '/', 1000, scheme);
          if (r.status === 200) seen.add(r.body.replace(/^hello from /, ''));
        }
        if (backends.every((b) => seen.has(b))) return;
        last = `GET / answered by [${[...seen].join(', ')}], expected [${backends.join(', ')}]`;
      }
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`not ready after ${timeoutMs / 1000} s; last check: ${last}`);
}
