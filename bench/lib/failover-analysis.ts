/**
 * What one failover experiment showed: parses failover.lua's output (responses per 100 ms by
 * status and target, gaps between successes) and the failed-connect counter samples, and
 * turns them into the figures failover.ts prints. Pure functions, no I/O.
 */
import type { WrkResult } from './wrk.ts';

/** Epoch milliseconds of the experiment's events, as the driver saw them. */
export interface Timeline {
  /** wrk spawned */
  startMs: number;
  /** SIGKILL sent to the target */
  killMs: number;
  /** the target started again (same port) */
  restartMs: number;
  /** the restarted target printed that it listens; null if it never did */
  listeningMs: number | null;
  /** wrk finished */
  endMs: number;
}

export interface LuaBuckets {
  /** 100 ms bucket (epoch ms / 100) -> "status target" -> responses */
  buckets: Map<number, Map<string, number>>;
  /** gaps >= 20 ms between successive 2xx responses of one wrk thread */
  gaps: { atMs: number; gapMs: number }[];
  /** the longest gap between successive 2xx responses (of one thread; -t1 = all traffic) */
  maxGap: { gapMs: number; atMs: number } | null;
}

/** One reading of the kernel's TCP `AttemptFails` counter (connects that failed, e.g. refused). */
export interface ConnectSample {
  atMs: number;
  attemptFails: number;
}

export interface FailoverFigures {
  requests: number;
  /** client-visible failures: non-2xx responses plus socket errors */
  errors: number;
  non2xx: number;
  /** non-2xx responses by status, from the buckets */
  non2xxByStatus: Record<string, number>;
  socketErrors: WrkResult['socketErrors'];
  /** seconds from the kill to the first / last 100 ms bucket with a non-2xx response (null: none) */
  firstNon2xxAfterKillS: number | null;
  lastNon2xxAfterKillS: number | null;
  /** failed connects between kill and restart, in the first second and afterwards (null: no counter) */
  failedConnects: { firstSecond: number; rest: number } | null;
  /**
   * Seconds from the kill to the end of the last 100 ms bucket before the restart in which the
   * dead target still got traffic: >= 3 failed connects (a lone health check or probe doesn't
   * count) or a non-2xx response. 0 when no bucket qualifies.
   */
  deadOutAfterS: number;
  /** seconds from the restart until the target listened again */
  listeningAfterS: number | null;
  /** seconds from the restart to its first 2xx response through the proxy */
  firstResponseAfterRestartS: number | null;
  /**
   * Seconds from the restart to the 100 ms bucket from which the restarted target served
   * >= 40 % of the 2xx responses, in that bucket and over the following second (round robin
   * gives it 50 %). null: not within the run.
   */
  backAfterS: number | null;
  /**
   * How backAfterS was found: from the load itself, or (when the run ended first) by GETs sent
   * one at a time through the proxy after the run.
   */
  backSeenBy: 'load' | 'probe after the run' | null;
  /** the longest stretch without a 2xx response, and when it ended (seconds after the kill) */
  longestGapMs: number | null;
  longestGapAfterKillS: number | null;
  /** gaps of 50 ms or more: when they ended (seconds after the kill) and how long they were */
  gapsOver50ms: { afterKillS: number; gapMs: number }[];
  /** 2xx responses per second: from 1 s after the start to the kill; kill to restart; once back to the end */
  okPerSecBefore: number | null;
  okPerSecDuring: number | null;
  okPerSecAfter: number | null;
  /** share of the 2xx responses the killed target served between kill and restart (should be 0) */
  deadShareDuring: number | null;
  maxLatencyMs: number;
  p99Ms: number;
}

/** Splits failover.lua's `@@` lines out of wrk's output. */
export function parseLuaOutput(text: string): LuaBuckets {
  const buckets = new Map<number, Map<string, number>>();
  const gaps: LuaBuckets['gaps'] = [];
  let maxGap: LuaBuckets['maxGap'] = null;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === '@@bucket' && f.length === 5) {
      const b = Number(f[1]);
      const key = `${f[2]} ${f[3]}`;
      const m = buckets.get(b) ?? new Map<string, number>();
      m.set(key, (m.get(key) ?? 0) + Number(f[4]));
      buckets.set(b, m);
    } else if (f[0] === '@@gap' && f.length === 3) {
      gaps.push({ atMs: Number(f[1]), gapMs: Number(f[2]) });
    } else if (f[0] === '@@maxgap' && f.length === 3) {
      const g = { gapMs: Number(f[1]), atMs: Number(f[2]) };
      if (g.atMs > 0 && (maxGap === null || g.gapMs > maxGap.gapMs)) maxGap = g;
    }
  }
  return { buckets, gaps, maxGap };
}

const BUCKET_MS = 100;

interface BucketCounts {
  ok: number;
  okDead: number;
  non2xx: number;
}

function countsOf(m: Map<string, number> | undefined, deadTarget: string): BucketCounts {
  const c: BucketCounts = { ok: 0, okDead: 0, non2xx: 0 };
  if (!m) return c;
  for (const [key, n] of m) {
    const [status, who] = key.split(' ') as [string, string];
    const s = Number(status);
    if (s >= 200 && s < 300) {
      c.ok += n;
      if (who === deadTarget) c.okDead += n;
    } else {
      c.non2xx += n;
    }
  }
  return c;
}

/** 2xx per second over the whole buckets inside [fromMs, toMs); null if there are none. */
function okRate(l: LuaBuckets, fromMs: number, toMs: number, deadTarget: string): { perSec: number; ok: number; okDead: number } | null {
  let ok = 0;
  let okDead = 0;
  let n = 0;
  for (let b = Math.ceil(fromMs / BUCKET_MS); (b + 1) * BUCKET_MS <= toMs; b++) {
    if (!l.buckets.has(b)) continue; // the unreported last bucket, or no traffic at all
    const c = countsOf(l.buckets.get(b), deadTarget);
    ok += c.ok;
    okDead += c.okDead;
    n++;
  }
  // Buckets with no response at all are real stalls: count them as time.
  const span = Math.max(0, Math.floor(toMs / BUCKET_MS) - Math.ceil(fromMs / BUCKET_MS));
  if (n === 0 || span === 0) return null;
  return { perSec: ok / ((span * BUCKET_MS) / 1000), ok, okDead };
}

/** Failed connects per 100 ms bucket, each sample's increase put in the bucket it was read in. */
function failedConnectBuckets(samples: ConnectSample[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 1; i < samples.length; i++) {
    const d = samples[i]!.attemptFails - samples[i - 1]!.attemptFails;
    if (d <= 0) continue;
    const b = Math.floor(samples[i]!.atMs / BUCKET_MS);
    out.set(b, (out.get(b) ?? 0) + d);
  }
  return out;
}

export function analyze(
  t: Timeline,
  lua: LuaBuckets,
  samples: ConnectSample[] | null,
  wrk: WrkResult,
  deadTarget: string,
): FailoverFigures {
  const sec = (ms: number): number => ms / 1000;
  const killB = Math.floor(t.killMs / BUCKET_MS);
  const restartB = Math.floor(t.restartMs / BUCKET_MS);
  const sorted = [...lua.buckets.keys()].sort((a, b) => a - b);

  // Non-2xx by status, and when they happened relative to the kill.
  const non2xxByStatus: Record<string, number> = {};
  let firstNon2xx: number | null = null;
  let lastNon2xx: number | null = null;
  for (const b of sorted) {
    for (const [key, n] of lua.buckets.get(b)!) {
      const status = key.split(' ')[0]!;
      const s = Number(status);
      if (s >= 200 && s < 300) continue;
      non2xxByStatus[status] = (non2xxByStatus[status] ?? 0) + n;
      if (b >= killB) {
        firstNon2xx ??= b;
        lastNon2xx = b;
      }
    }
  }

  // Traffic to the dead target between kill and restart.
  let failedConnects: FailoverFigures['failedConnects'] = null;
  const fcb = samples ? failedConnectBuckets(samples) : new Map<number, number>();
  if (samples) {
    failedConnects = { firstSecond: 0, rest: 0 };
    for (const [b, n] of fcb) {
      if (b < killB || b >= restartB) continue;
      if (b * BUCKET_MS < t.killMs + 1000) failedConnects.firstSecond += n;
      else failedConnects.rest += n;
    }
  }
  let lastTraffic: number | null = null;
  for (let b = killB; b < restartB; b++) {
    if ((fcb.get(b) ?? 0) >= 3 || countsOf(lua.buckets.get(b), deadTarget).non2xx > 0) lastTraffic = b;
  }
  const deadOutAfterS = lastTraffic === null ? 0 : sec((lastTraffic + 1) * BUCKET_MS - t.killMs);

  // The restarted target getting its share back.
  let firstResponse: number | null = null;
  let back: number | null = null;
  const lastB = sorted.length > 0 ? sorted[sorted.length - 1]! : restartB;
  for (let b = restartB; b <= lastB; b++) {
    const c = countsOf(lua.buckets.get(b), deadTarget);
    if (c.okDead > 0) firstResponse ??= b;
    if (back !== null || c.ok === 0 || c.okDead / c.ok < 0.4) continue;
    let ok = 0;
    let okDead = 0;
    for (let k = b; k < b + 10 && k <= lastB; k++) {
      const d = countsOf(lua.buckets.get(k), deadTarget);
      ok += d.ok;
      okDead += d.okDead;
    }
    if (ok > 0 && okDead / ok >= 0.4) back = b;
  }
  const sinceRestart = (b: number | null): number | null => (b === null ? null : sec(Math.max(0, b * BUCKET_MS - t.restartMs)));

  const before = okRate(lua, t.startMs + 1000, t.killMs, deadTarget);
  const during = okRate(lua, t.killMs, t.restartMs, deadTarget);
  // wrk stops inside the last reported bucket: leave it out.
  const after = back === null ? null : okRate(lua, back * BUCKET_MS, Math.min(t.endMs, lastB * BUCKET_MS), deadTarget);
  const non2xx = wrk.non2xx3xx;
  const sockets = wrk.socketErrors;
  return {
    requests: wrk.requests,
    errors: non2xx + sockets.connect + sockets.read + sockets.write + sockets.timeout,
    non2xx,
    non2xxByStatus,
    socketErrors: sockets,
    firstNon2xxAfterKillS: firstNon2xx === null ? null : sec(Math.max(0, firstNon2xx * BUCKET_MS - t.killMs)),
    lastNon2xxAfterKillS: lastNon2xx === null ? null : sec((lastNon2xx + 1) * BUCKET_MS - t.killMs),
    failedConnects,
    deadOutAfterS,
    listeningAfterS: t.listeningMs === null ? null : sec(t.listeningMs - t.restartMs),
    firstResponseAfterRestartS: sinceRestart(firstResponse),
    backAfterS: sinceRestart(back),
    backSeenBy: back === null ? null : 'load',
    longestGapMs: lua.maxGap?.gapMs ?? null,
    longestGapAfterKillS: lua.maxGap ? sec(lua.maxGap.atMs - t.killMs) : null,
    gapsOver50ms: lua.gaps.filter((g) => g.gapMs >= 50).map((g) => ({ afterKillS: sec(g.atMs - t.killMs), gapMs: g.gapMs })),
    okPerSecBefore: before?.perSec ?? null,
    okPerSecDuring: during?.perSec ?? null,
    okPerSecAfter: after?.perSec ?? null,
    deadShareDuring: during && during.ok > 0 ? during.okDead / during.ok : null,
    maxLatencyMs: wrk.latencyMs.max,
    p99Ms: wrk.latencyMs.p99,
  };
}

/** Per-second rows around the events, for `--timeline`: 2xx per target, non-2xx, failed connects. */
export function perSecond(
  t: Timeline,
  lua: LuaBuckets,
  samples: ConnectSample[] | null,
  targets: string[],
): { fromS: number; ok: Record<string, number>; non2xx: number; failedConnects: number | null }[] {
  const fcb = samples ? failedConnectBuckets(samples) : null;
  const rows: ReturnType<typeof perSecond> = [];
  for (let s = 0; t.startMs + s * 1000 < t.endMs; s++) {
    const ok: Record<string, number> = Object.fromEntries(targets.map((n) => [n, 0]));
    let non2xx = 0;
    let fc = 0;
    const from = Math.floor((t.startMs + s * 1000) / BUCKET_MS);
    for (let b = from; b < from + 10; b++) {
      for (const [key, n] of lua.buckets.get(b) ?? []) {
        const [status, who] = key.split(' ') as [string, string];
        const st = Number(status);
        if (st >= 200 && st < 300) ok[who] = (ok[who] ?? 0) + n;
        else non2xx += n;
      }
      fc += fcb?.get(b) ?? 0;
    }
    rows.push({ fromS: s, ok, non2xx, failedConnects: fcb ? fc : null });
  }
  return rows;
}
