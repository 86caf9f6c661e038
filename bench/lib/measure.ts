/**
 * One measured wrk run, as the throughput benches take it: an unmeasured warm-up wrk, then the
 * measured wrk inside a CPU window (window.ts), and the proxy's and targets' CPU per request.
 */
import type { RunRecord } from './report.ts';
import { closeWindow, openWindow } from './window.ts';
import { runWrk, type WrkOptions } from './wrk.ts';

/** Which run: the round, the peer (or case) and its position within the round. */
export type RunId = Pick<RunRecord, 'round' | 'peer' | 'position'>;

function emptyRun(id: RunId): RunRecord {
  return {
    ...id, startedAt: new Date().toISOString(), windowS: 0, wrk: null, cpu: null,
    proxyUsPerReq: null, targetsUsPerReq: null, rpsPerProxyCore: null,
  };
}

/** A run that measured nothing, and why. */
export function failedRun(id: RunId, failure: string): RunRecord {
  return { ...emptyRun(id), failure };
}

/**
 * `timing.warmupS` seconds of wrk (none if 0), then `timing.durationS` measured; the CPU of the
 * proxy's process tree (`proxyPid`, null without a proxy) and of the targets is read around the
 * measured run. A wrk that fails gives a record with `failure` set.
 */
export async function measureWrk(
  id: RunId,
  wrk: Omit<WrkOptions, 'durationS'>,
  timing: { warmupS: number; durationS: number },
  parties: { proxyPid: number | null; targetPids: number[] },
): Promise<RunRecord> {
  const rec = emptyRun(id);
  try {
    if (timing.warmupS > 0) await runWrk({ ...wrk, durationS: timing.warmupS });
  } catch (err) {
    rec.failure = `warm-up: ${(err as Error).message}`;
    return rec;
  }
  const w = openWindow();
  try {
    rec.wrk = await runWrk({ ...wrk, durationS: timing.durationS });
  } catch (err) {
    rec.failure = (err as Error).message;
    return rec;
  }
  const win = closeWindow(w, { ...parties, loadSeconds: rec.wrk.wrkCpuSeconds });
  rec.windowS = win.windowS;
  rec.cpu = win.cpu;
  if (rec.wrk.requests > 0) {
    rec.proxyUsPerReq = win.proxyS === null ? null : (win.proxyS / rec.wrk.requests) * 1e6;
    rec.targetsUsPerReq = (win.targetsS / rec.wrk.requests) * 1e6;
  }
  if (win.proxyS) rec.rpsPerProxyCore = rec.wrk.requestsPerSec / (win.proxyS / win.windowS);
  return rec;
}
