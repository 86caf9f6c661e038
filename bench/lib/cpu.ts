/**
 * CPU accounting from /proc: utime+stime of process trees (`/proc/<pid>/stat`) and
 * per-core busy/steal time (`/proc/stat`), sampled before and after a measured window.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second (USER_HZ) used by /proc. */
export const CLK_TCK: number = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  comm: string;
  ppid: number;
  /** utime + stime, in ticks */
  ticks: number;
}

export interface CpuSnapshot {
  procs: Map<number, ProcStat>;
  /** per core, in ticks */
  cores: { busy: number; idle: number; steal: number }[];
  /** processes forked since boot (`processes` in /proc/stat) */
  forks: number;
  /** hrtime in ns */
  at: bigint;
}

function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ..."
  // comm may contain spaces and parentheses: split after the last ')'.
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' ');
  return { comm: text.slice(text.indexOf('(') + 1, close), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

/** utime+stime of one process in ticks, or null once it has exited. */
export function processTicks(pid: number): number | null {
  return readProcStat(pid)?.ticks ?? null;
}

function readSystem(): Pick<CpuSnapshot, 'cores' | 'forks'> {
  const cores: CpuSnapshot['cores'] = [];
  let forks = 0;
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    if (line.startsWith('processes ')) forks = Number(line.slice(10));
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    // user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2]!.trim().split(/\s+/).map(Number) as number[];
    cores[Number(m[1])] = {
      busy: user! + nice! + system! + irq! + softirq!,
      idle: idle! + iowait!,
      steal: steal ?? 0,
    };
  }
  return { cores, forks };
}

export function snapshot(): CpuSnapshot {
  const procs = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readProcStat(Number(name));
    if (st) procs.set(Number(name), st);
  }
  return { procs, ...readSystem(), at: process.hrtime.bigint() };
}

/** `roots` and all their descendants, as found in either snapshot. */
function tree(roots: number[], ...snaps: CpuSnapshot[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const s of snaps) {
    for (const [pid, st] of s.procs) {
      const list = children.get(st.ppid) ?? [];
      if (!list.includes(pid)) list.push(pid);
      children.set(st.ppid, list);
    }
  }
  const out = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (out.has(pid)) continue;
    out.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * CPU seconds used between the snapshots by `roots` and their descendants. A process
 * that started inside the window counts from zero; one that ended inside it is lost.
 */
export function treeCpuSeconds(roots: number[], before: CpuSnapshot, after: CpuSnapshot): number {
  let ticks = 0;
  for (const pid of tree(roots, before, after)) {
    const a = after.procs.get(pid);
    if (!a) continue;
    const b = before.procs.get(pid);
    ticks += a.ticks - (b?.ticks ?? 0);
  }
  return ticks / CLK_TCK;
}

export interface ProcCpu {
  pid: number;
  comm: string;
  /** CPU seconds in the window */
  seconds: number;
}

/** The busiest processes outside `exclude` trees: who the "other" CPU was. */
export function topProcesses(exclude: number[], before: CpuSnapshot, after: CpuSnapshot, n = 3): ProcCpu[] {
  const skip = tree(exclude, before, after);
  const out: ProcCpu[] = [];
  for (const [pid, a] of after.procs) {
    if (skip.has(pid)) continue;
    const ticks = a.ticks - (before.procs.get(pid)?.ticks ?? 0);
    if (ticks > 0) out.push({ pid, comm: a.comm, seconds: ticks / CLK_TCK });
  }
  return out.sort((x, y) => y.seconds - x.seconds).slice(0, n);
}

export interface CoreUsage {
  /** busy time of each core over the window, as a fraction of the wall-clock window */
  busy: number[];
  /** steal time of each core, as a fraction of the window */
  steal: number[];
  /** all cores' busy time, in CPU seconds */
  busySeconds: number;
}

/**
 * Per-core busy (user+nice+system+irq+softirq) and steal time between the snapshots.
 * Fractions are taken of the wall-clock window, not of the core's tick total: on this
 * (tickless, virtualised) kernel a mostly idle core's idle counter lags, so
 * busy/(busy+idle) overstates its load.
 */
export function coreUsage(before: CpuSnapshot, after: CpuSnapshot): CoreUsage {
  const windowS = Number(after.at - before.at) / 1e9;
  const busy: number[] = [];
  const steal: number[] = [];
  let busyTicks = 0;
  after.cores.forEach((a, i) => {
    const b = before.cores[i];
    if (!b) return;
    const db = a.busy - b.busy;
    busy[i] = Math.min(1, db / CLK_TCK / windowS);
    steal[i] = (a.steal - b.steal) / CLK_TCK / windowS;
    busyTicks += db;
  });
  return { busy, steal, busySeconds: busyTicks / CLK_TCK };
}
