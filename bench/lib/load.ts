/**
 * Runs a load generator (wrk, ab) pinned with taskset and measures its own CPU: the command
 * runs under a tiny `sh` that prints its children's utime+stime afterwards (fields 16-17 of
 * its own /proc/<pid>/stat). The shell is started in its own process group so that a hung
 * load generator can be killed as a whole, also by the driver's exit handlers.
 */
import { spawn } from 'node:child_process';
import { CLK_TCK } from './cpu.ts';
import { signalGroup, trackGroup, untrackGroup } from './procs.ts';

export interface LoadRun {
  /** exit code of the command (through the shell), or null when it was killed */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** user+system CPU seconds of the command and its descendants; NaN if unknown */
  cpuSeconds: number;
  /** the timeout killed it */
  timedOut: boolean;
}

const CPU_MARK = '__load_child_cpu_ticks__';

/** `[taskset -c <cpu>] <command> <args...>`, killed with its process group after `timeoutMs`. */
export function runLoad(command: string, args: string[], cpu: string | null, timeoutMs: number): Promise<LoadRun> {
  const pin = cpu === null ? '' : `taskset -c ${cpu} `;
  const script = `${pin}${command} "$@"; rc=$?; echo "${CPU_MARK} $(cut -d' ' -f16,17 /proc/$$/stat)"; exit $rc`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script, 'sh', ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pgid = child.pid;
    if (pgid !== undefined) trackGroup(pgid);
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => {
      timedOut = true;
      if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pgid !== undefined) untrackGroup(pgid);
      const m = new RegExp(`${CPU_MARK} (\\d+) (\\d+)`).exec(out);
      resolve({
        code,
        signal,
        stdout: out.replace(new RegExp(`${CPU_MARK}.*\\n?`), ''),
        stderr: err,
        cpuSeconds: m ? (Number(m[1]) + Number(m[2])) / CLK_TCK : NaN,
        timedOut,
      });
    });
  });
}
