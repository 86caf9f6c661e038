/**
 * CPU accounting around one measured window (a wrk or ab run), the way proxy-throughput.ts
 * does it: process trees from /proc/<pid>/stat before and after, per-core busy time from
 * /proc/stat, and "other" = everything the machine did besides proxy, targets, load
 * generator and driver.
 */
import { CLK_TCK, coreUsage, processTicks, snapshot, topProcesses, treeCpuSeconds, type CpuSnapshot } from './cpu.ts';
import type { RunCpu } from './report.ts';

export interface OpenWindow {
  before: CpuSnapshot;
  driver0: NodeJS.CpuUsage;
}

export function openWindow(): OpenWindow {
  return { before: snapshot(), driver0: process.cpuUsage() };
}

export interface WindowParties {
  /** the proxy's process-group leader, or null when there is no proxy */
  proxyPid: number | null;
  /** the targets that were alive at the end of the window */
  targetPids: number[];
  /** CPU seconds of the load generator (wrk/ab), measured by its wrapper */
  loadSeconds: number;
  /**
   * CPU seconds of targets that ended inside the window (a killed target): /proc no longer
   * has them at the end, so the caller read them just before the kill.
   */
  goneTargetsSeconds?: number;
}

export interface ClosedWindow {
  windowS: number;
  cpu: RunCpu;
  /** CPU seconds of the proxy tree (null without a proxy) and of the targets */
  proxyS: number | null;
  targetsS: number;
}

export function closeWindow(w: OpenWindow, p: WindowParties): ClosedWindow {
  const after = snapshot();
  const driverCpu = process.cpuUsage(w.driver0);
  const windowS = Number(after.at - w.before.at) / 1e9;
  const proxyS = p.proxyPid === null ? null : treeCpuSeconds([p.proxyPid], w.before, after);
  const targetsS = treeCpuSeconds(p.targetPids, w.before, after) + (p.goneTargetsSeconds ?? 0);
  const loadS = Number.isFinite(p.loadSeconds) ? p.loadSeconds : 0;
  const driverS = (driverCpu.user + driverCpu.system) / 1e6;
  const cores = coreUsage(w.before, after);
  const otherS = cores.busySeconds - (proxyS ?? 0) - targetsS - loadS - driverS;
  const mine = [process.pid, ...p.targetPids, ...(p.proxyPid === null ? [] : [p.proxyPid])];
  return {
    windowS,
    proxyS,
    targetsS,
    cpu: {
      proxy: proxyS === null ? null : proxyS / windowS,
      targets: targetsS / windowS,
      wrk: loadS / windowS,
      driver: driverS / windowS,
      other: Math.max(0, otherS / windowS), // tick rounding can make it slightly negative
      // The load generator (a child of a short-lived sh) has exited by now: not listed.
      otherTop: topProcesses(mine, w.before, after).map((x) => ({ pid: x.pid, comm: x.comm, cores: x.seconds / windowS })),
      forks: after.forks - w.before.forks,
      coreBusy: cores.busy,
      coreSteal: cores.steal,
    },
  };
}

/** CPU seconds `pid` has used since the window opened (read it just before killing the process). */
export function cpuSinceOpen(w: OpenWindow, pid: number): number {
  const now = processTicks(pid);
  if (now === null) return 0;
  return (now - (w.before.procs.get(pid)?.ticks ?? 0)) / CLK_TCK;
}
