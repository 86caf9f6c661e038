/**
 * HTTPS bench (issue 5): Albatross terminating TLS next to nginx, both in front of the same two
 * keep-alive targets (bench/target.mjs), with the same self-signed RSA-2048 certificate made by
 * openssl at run time, measured the way shared/research/performance.md measured its HTTPS
 * reference figures on this machine:
 *
 *   - keep-alive: `wrk -t1 -c64 -d10s --latency https://127.0.0.1:PORT/status` after a 2 s
 *     unmeasured warm-up;
 *   - new handshakes: `ab -q -t 8 -n 100000000 -c 32 -s 10 https://127.0.0.1:PORT/status`
 *     (HTTP/1.0, no keep-alive: one TCP connect and one full TLS handshake per request);
 *   - servers pinned to CPU 0, wrk/ab to CPU 1; 3 rounds, peer order rotated each round;
 *   - CPU of each process tree from /proc, as in proxy-throughput.ts.
 *
 * Run from the repository root:  node --import tsx bench/https-throughput.ts [options]   (see --help)
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runAb, type AbResult } from './lib/ab.ts';
import { benchDir, fail, Harness, intOption, machineInfo, preflightCommon, repoDir, runBench } from './lib/harness.ts';
import { failedRun, measureWrk } from './lib/measure.ts';
import { allHttpsPeers, defaultHttpsPeers, SSL_POLICY, type HttpsPeer, type HttpsPeerContext } from './lib/https-peers.ts';
import { SkipPeer, type StartedPeer, type Target } from './lib/peers.ts';
import { freePorts, sleep } from './lib/procs.ts';
import { median, summarize, table, type RunCpu, type RunRecord, type Spread } from './lib/report.ts';
import { makeSelfSignedCert, negotiated } from './lib/tls.ts';
import { closeWindow, openWindow } from './lib/window.ts';
import { runWrk } from './lib/wrk.ts';

const HELP = `Usage: node --import tsx bench/https-throughput.ts [options]   (from the repository root; \`npm run build\` first)

Albatross terminating TLS next to nginx (worker_processes 1), same certificate, same two targets:
keep-alive HTTPS req/s (wrk) and new TLS handshakes per second (ab, no keep-alive).

Options:
  --duration <s>        measured wrk seconds per run (default 10)
  --warmup <s>          unmeasured wrk seconds before each keep-alive run, or before each
                        handshake run with --tests handshakes (default 2; 0 = none)
  --ab-duration <s>     ab's -t: seconds per handshake run (default 8)
  --rounds <n>          rounds, peer order rotated each round (default 3)
  --connections <n>     wrk connections (default 64)
  --ab-concurrency <n>  ab's -c (default 32)
  --tests <a,b>         keepalive, handshakes or both (default both)
  --only <a,b>          these peers, of ${allHttpsPeers.map((p) => p.name).join(', ')} (default ${defaultHttpsPeers.map((p) => p.name).join(',')});
                        node = a bare node:https server answering itself: Node's TLS ceiling here
  --pin <mode>          split: servers on CPU 0, wrk/ab on CPU 1 (default); none: no taskset
  --albatross-cli <f>   the Albatross CLI to run (default dist/cli/main.js)
  --keep-tmp            keep the temp dir (certificate, configs, server logs)
  -h, --help            this text

Quick check:  node --import tsx bench/https-throughput.ts --rounds 1 --duration 5 --ab-duration 4
`;

// ------------------------------------------------------------------ options

type Test = 'keepalive' | 'handshakes';

interface Options {
  durationS: number;
  warmupS: number;
  abDurationS: number;
  rounds: number;
  connections: number;
  abConcurrency: number;
  tests: Test[];
  peers: HttpsPeer[];
  pin: 'split' | 'none';
  albatrossCli: string;
  keepTmp: boolean;
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        duration: { type: 'string', default: '10' },
        warmup: { type: 'string', default: '2' },
        'ab-duration': { type: 'string', default: '8' },
        rounds: { type: 'string', default: '3' },
        connections: { type: 'string', default: '64' },
        'ab-concurrency': { type: 'string', default: '32' },
        tests: { type: 'string', default: 'keepalive,handshakes' },
        only: { type: 'string' },
        pin: { type: 'string', default: 'split' },
        'albatross-cli': { type: 'string', default: join(repoDir, 'dist/cli/main.js') },
        'keep-tmp': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);
  let peers = defaultHttpsPeers;
  if (values.only !== undefined) {
    const names = list(values.only);
    const unknown = names.filter((n) => !allHttpsPeers.some((p) => p.name === n));
    if (unknown.length > 0 || names.length === 0) {
      fail(`--only: unknown peer(s) "${unknown.join(', ')}"; known: ${allHttpsPeers.map((p) => p.name).join(', ')}`);
    }
    peers = allHttpsPeers.filter((p) => names.includes(p.name));
  }
  const tests = list(values.tests);
  if (tests.length === 0 || tests.some((t) => t !== 'keepalive' && t !== 'handshakes')) {
    fail(`--tests takes keepalive, handshakes or both (got "${values.tests}")`);
  }
  if (values.pin !== 'split' && values.pin !== 'none') fail(`--pin must be "split" or "none" (got "${values.pin}")`);
  return {
    durationS: intOption('duration', values.duration, 1),
    warmupS: intOption('warmup', values.warmup, 0),
    abDurationS: intOption('ab-duration', values['ab-duration'], 1),
    rounds: intOption('rounds', values.rounds, 1),
    connections: intOption('connections', values.connections, 1),
    abConcurrency: intOption('ab-concurrency', values['ab-concurrency'], 1),
    tests: tests as Test[],
    peers,
    pin: values.pin,
    albatrossCli: resolve(values['albatross-cli']),
    keepTmp: values['keep-tmp'],
  };
}

const o = parseOptions(process.argv.slice(2));
preflightCommon(o.pin, [
  { cmd: 'wrk', hint: 'apt-get install -y wrk' },
  { cmd: 'ab', hint: 'apt-get install -y apache2-utils' },
  { cmd: 'openssl', hint: 'apt-get install -y openssl' },
]);
const runKeepAlive = o.tests.includes('keepalive');
const runHandshakes = o.tests.includes('handshakes');

// ------------------------------------------------------------------ run state

/** One ab run: new connections (full TLS handshakes) per second. */
interface HandshakeRun {
  round: number;
  peer: string;
  position: number;
  startedAt: string;
  windowS: number;
  ab: AbResult | null;
  cpu: RunCpu | null;
  proxyUsPerConn: number | null;
  connPerProxyCore: number | null;
  failure?: string;
}

const serverCpu = o.pin === 'split' ? '0' : null;
const loadCpu = o.pin === 'split' ? '1' : null;
const keepAliveRuns: RunRecord[] = [];
const handshakeRuns: HandshakeRun[] = [];
const peerInfo: { name: string; what: string; port?: number; version?: string; tls?: string; note?: string; skipped?: string }[] = [];
let targets: Target[] = [];

const wrkCommand = `${loadCpu ? `taskset -c ${loadCpu} ` : ''}wrk -t1 -c${o.connections} -d${o.durationS}s --latency https://127.0.0.1:PORT/status`;
const abCommand = `${loadCpu ? `taskset -c ${loadCpu} ` : ''}ab -q -t ${o.abDurationS} -n 100000000 -c ${o.abConcurrency} -s 10 https://127.0.0.1:PORT/status`;

const harness: Harness = new Harness({
  name: 'https',
  keepTmp: o.keepTmp,
  budgetS: 120 + o.rounds * o.peers.length * (o.warmupS + o.durationS + o.abDurationS + 90),
  document: (partial): object | null =>
    keepAliveRuns.length + handshakeRuns.length === 0 && partial
      ? null
      : {
          bench: 'https-throughput',
          partial,
          startedAt: harness.startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          options: { ...o, peers: o.peers.map((p) => p.name) },
          pinning: { servers: serverCpu ?? 'none', load: loadCpu ?? 'none' },
          commands: { keepalive: wrkCommand, handshakes: abCommand },
          machine: { ...machineInfo(), ab: spawnSync('ab', ['-V'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? '?' },
          sslPolicy: SSL_POLICY,
          targets,
          peers: peerInfo,
          summary: {
            keepalive: keepAliveSummary(),
            handshakes: handshakeSummary(),
          },
          runs: { keepalive: keepAliveRuns, handshakes: handshakeRuns },
        },
});
harness.install();

// ------------------------------------------------------------------ measuring

function measureKeepAlive(peer: HttpsPeer, started: StartedPeer, round: number, position: number): Promise<RunRecord> {
  const wrk = { port: started.port, path: '/status', connections: o.connections, threads: 1, cpu: loadCpu, scheme: 'https' as const };
  return measureWrk({ round, peer: peer.name, position }, wrk, o, { proxyPid: started.proc?.pid ?? null, targetPids: harness.targetPids() });
}

async function measureHandshakes(peer: HttpsPeer, started: StartedPeer, round: number, position: number): Promise<HandshakeRun> {
  const rec: HandshakeRun = {
    round, peer: peer.name, position, startedAt: new Date().toISOString(), windowS: 0, ab: null, cpu: null,
    proxyUsPerConn: null, connPerProxyCore: null,
  };
  if (!runKeepAlive && o.warmupS > 0) {
    // Without the keep-alive run just before, the proxy and the targets would start cold.
    try {
      await runWrk({ port: started.port, path: '/status', connections: o.connections, threads: 1, cpu: loadCpu, scheme: 'https', durationS: o.warmupS });
    } catch (err) {
      rec.failure = `warm-up: ${(err as Error).message}`;
      return rec;
    }
  }
  const w = openWindow();
  try {
    rec.ab = await runAb({
      port: started.port, path: '/status', durationS: o.abDurationS, concurrency: o.abConcurrency, requestTimeoutS: 10,
      scheme: 'https', cpu: loadCpu,
    });
  } catch (err) {
    rec.failure = (err as Error).message;
    return rec;
  }
  const c = closeWindow(w, { proxyPid: started.proc?.pid ?? null, targetPids: harness.targetPids(), loadSeconds: rec.ab.abCpuSeconds });
  rec.windowS = c.windowS;
  rec.cpu = c.cpu;
  if (rec.ab.complete > 0 && c.proxyS !== null) rec.proxyUsPerConn = (c.proxyS / rec.ab.complete) * 1e6;
  if (c.proxyS) rec.connPerProxyCore = rec.ab.requestsPerSec / (c.proxyS / c.windowS);
  return rec;
}

// ------------------------------------------------------------------ report

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const fix = (x: number | null | undefined, d: number): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const spreadText = (s: Spread | null): string => (s ? `${int(s.median)} [${int(s.min)}–${int(s.max)}]` : 'no data');

function spread(xs: number[]): Spread | null {
  return xs.length > 0 ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) } : null;
}

function medianOf<T>(rows: T[], pick: (r: T) => number | null | undefined): number | null {
  const xs = rows.map(pick).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return xs.length > 0 ? median(xs) : null;
}

function livePeers(): string[] {
  return peerInfo.filter((p) => !p.skipped).map((p) => p.name);
}

function keepAliveSummary(): ReturnType<typeof summarize> {
  return summarize(livePeers(), keepAliveRuns);
}

interface HandshakeSummary {
  peer: string;
  runs: number;
  failedRuns: number;
  connPerSec: Spread | null;
  xNginx: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  errors: number;
  proxyCores: number | null;
  proxyUsPerConn: number | null;
  connPerProxyCore: number | null;
  abCores: number | null;
  otherCoresMax: number | null;
  tls: string | null;
}

function handshakeSummary(): HandshakeSummary[] {
  const out = livePeers().map((peer): HandshakeSummary => {
    const all = handshakeRuns.filter((r) => r.peer === peer);
    const ok = all.filter((r) => r.ab !== null);
    const others = ok.map((r) => r.cpu?.other).filter((x): x is number => typeof x === 'number');
    return {
      peer,
      runs: ok.length,
      failedRuns: all.length - ok.length,
      connPerSec: spread(ok.map((r) => r.ab!.requestsPerSec)),
      xNginx: null,
      p50Ms: medianOf(ok, (r) => r.ab?.latencyMs.p50),
      p99Ms: medianOf(ok, (r) => r.ab?.latencyMs.p99),
      maxMs: ok.length > 0 ? Math.max(...ok.map((r) => r.ab!.latencyMs.max)) : null,
      errors: ok.reduce((n, r) => n + r.ab!.errors, 0),
      proxyCores: medianOf(ok, (r) => r.cpu?.proxy),
      proxyUsPerConn: medianOf(ok, (r) => r.proxyUsPerConn),
      connPerProxyCore: medianOf(ok, (r) => r.connPerProxyCore),
      abCores: medianOf(ok, (r) => r.cpu?.wrk),
      otherCoresMax: others.length > 0 ? Math.max(...others) : null,
      tls: [...new Set(ok.map((r) => `${r.ab!.tls ?? '?'} ${r.ab!.tempKey ?? ''}`.trim()))].join('; ') || null,
    };
  });
  const nginx = out.find((s) => s.peer === 'nginx')?.connPerSec?.median ?? null;
  for (const s of out) if (s.connPerSec && nginx) s.xNginx = s.connPerSec.median / nginx;
  return out;
}

function keepAliveTable(): string {
  const head = ['peer', 'req/s median [min–max]', 'x nginx', 'p50 ms', 'p99 ms', 'errors', 'proxy cores', 'proxy µs/req',
    'req/s per proxy core', 'targets cores', 'wrk cores', 'other cores (max)', 'rounds'];
  const rows = keepAliveSummary().map((s) => [
    s.peer, spreadText(s.rps), fix(s.xNginx, 2), fix(s.p50Ms, 2), fix(s.p99Ms, 2), s.runs > 0 ? int(s.errors) : '–',
    fix(s.proxyCores, 2), fix(s.proxyUsPerReq, 1), s.rpsPerProxyCore === null ? '–' : int(s.rpsPerProxyCore),
    fix(s.targetsCores, 2), fix(s.wrkCores, 2), fix(s.otherCoresMax, 2),
    s.failedRuns > 0 ? `${s.runs} (+${s.failedRuns} failed)` : String(s.runs),
  ]);
  return table(head, rows, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
}

function handshakeTable(): string {
  const head = ['peer', 'conn/s median [min–max]', 'x nginx', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'proxy cores',
    'proxy µs/conn', 'conn/s per proxy core', 'ab cores', 'other cores (max)', 'rounds', 'TLS (ab)'];
  const rows = handshakeSummary().map((s) => [
    s.peer, spreadText(s.connPerSec), fix(s.xNginx, 2), fix(s.p50Ms, 0), fix(s.p99Ms, 0), fix(s.maxMs, 0),
    s.runs > 0 ? int(s.errors) : '–', fix(s.proxyCores, 2), fix(s.proxyUsPerConn, 0),
    s.connPerProxyCore === null ? '–' : int(s.connPerProxyCore), fix(s.abCores, 2), fix(s.otherCoresMax, 2),
    s.failedRuns > 0 ? `${s.runs} (+${s.failedRuns} failed)` : String(s.runs), s.tls ?? '–',
  ]);
  return table(head, rows, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
}

function cpuText(c: RunCpu | null): string {
  if (!c) return '';
  const who = c.other > 0.1
    ? `\n    other CPU: busiest ${c.otherTop.map((p) => `${p.comm}[${p.pid}] ${p.cores.toFixed(2)}`).join(', ')}; ${c.forks} processes started during the window`
    : '';
  return `  cpu: proxy ${fix(c.proxy, 2)} targets ${c.targets.toFixed(2)} load ${c.wrk.toFixed(2)} other ${c.other.toFixed(2)}` +
    ` (cores ${c.coreBusy.map((b) => b.toFixed(2)).join('/')})${who}`;
}

function keepAliveLine(r: RunRecord): string {
  const tag = `round ${r.round}/${o.rounds}  ${r.peer.padEnd(10)} keep-alive`;
  if (!r.wrk) return `${tag} FAILED: ${r.failure ?? 'unknown error'}`;
  return `${tag} ${int(r.wrk.requestsPerSec).padStart(7)} req/s   p50 ${r.wrk.latencyMs.p50.toFixed(2)} ms  p99 ${r.wrk.latencyMs.p99.toFixed(2)} ms` +
    `  errors ${r.wrk.errors}${cpuText(r.cpu)}`;
}

function handshakeLine(r: HandshakeRun): string {
  const tag = `round ${r.round}/${o.rounds}  ${r.peer.padEnd(10)} handshakes`;
  if (!r.ab) return `${tag} FAILED: ${r.failure ?? 'unknown error'}`;
  return `${tag} ${int(r.ab.requestsPerSec).padStart(7)} conn/s  p50 ${r.ab.latencyMs.p50} ms  p99 ${r.ab.latencyMs.p99} ms` +
    `  errors ${r.ab.errors}${cpuText(r.cpu)}`;
}

// ------------------------------------------------------------------ main

async function main(): Promise<number> {
  const pinText = o.pin === 'split' ? 'servers on CPU 0, wrk/ab on CPU 1' : 'no pinning';
  console.log(`Albatross https-throughput bench — ${harness.startedAt.toISOString()}`);
  console.log(`machine:    ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, kernel ${os.release()}, node ${process.version}`);
  if (runKeepAlive) console.log(`keep-alive: ${wrkCommand} (+${o.warmupS} s warm-up)`);
  if (runHandshakes) console.log(`handshakes: ${abCommand}`);
  console.log(`            ${o.rounds} round(s), ${pinText}`);
  console.log(`temp:       ${harness.tmpDir}\n`);

  const cert = makeSelfSignedCert(join(harness.tmpDir, 'tls'));
  targets = await harness.startTargets(join(benchDir, 'target.mjs'), serverCpu);
  const ports = await freePorts(o.peers.length);
  console.log(`targets: ${targets.map((t) => `${t.name} :${t.port}`).join(', ')}; certificate: self-signed RSA-2048 (${cert.certFile})`);

  const ctx: HttpsPeerContext = { repoDir, benchDir, tmpDir: harness.tmpDir, targets, serverCpu, albatrossCli: o.albatrossCli, cert };
  const live: { peer: HttpsPeer; started: StartedPeer }[] = [];
  for (const [i, peer] of o.peers.entries()) {
    try {
      const started = await peer.start(ctx, ports[i]!);
      if (started.proc) harness.servers.unshift(started.proc);
      const tls = negotiated(started.port);
      live.push({ peer, started });
      peerInfo.push({ name: peer.name, what: peer.what, port: started.port, version: started.version, tls, note: started.note });
      console.log(`peer:    ${peer.name.padEnd(10)} :${started.port}  ${started.version}; openssl s_client: ${tls}`);
      if (started.note) console.log(`         note: ${started.note}`);
    } catch (err) {
      if (!(err instanceof SkipPeer)) throw err;
      peerInfo.push({ name: peer.name, what: peer.what, skipped: err.message.split('\n')[0] });
      console.log(`SKIP:    ${peer.name.padEnd(10)} ${err.message.replace(/\n/g, '\n         ')}`);
    }
  }
  if (live.length === 0) {
    console.error('\nbench: no peer could be started; nothing to measure');
    return 1;
  }

  const perPeerS = (runKeepAlive ? o.warmupS + o.durationS + 1 : 0) + (runHandshakes ? o.abDurationS + 1 : 0);
  const totalS = Math.ceil(o.rounds * live.length * perPeerS);
  console.log(`\nmeasuring ${live.length} peer(s) × ${o.rounds} round(s): about ${totalS < 120 ? `${totalS} s` : `${Math.round(totalS / 60)} min`}\n`);
  for (let round = 1; round <= o.rounds; round++) {
    const shift = (round - 1) % live.length;
    const order = [...live.slice(shift), ...live.slice(0, shift)];
    for (const [position, { peer, started }] of order.entries()) {
      const gone = started.proc?.exit != null ? `${peer.name} is no longer running (exit ${started.proc.exit}); see ${started.proc.logPath}` : null;
      if (runKeepAlive) {
        const rec = gone ? failedRun({ round, peer: peer.name, position }, gone) : await measureKeepAlive(peer, started, round, position);
        keepAliveRuns.push(rec);
        console.log(keepAliveLine(rec));
        await sleep(500);
      }
      if (runHandshakes) {
        const rec = gone
          ? { round, peer: peer.name, position, startedAt: new Date().toISOString(), windowS: 0, ab: null, cpu: null,
              proxyUsPerConn: null, connPerProxyCore: null, failure: gone }
          : await measureHandshakes(peer, started, round, position);
        handshakeRuns.push(rec);
        console.log(handshakeLine(rec));
        await sleep(500);
      }
    }
  }

  if (runKeepAlive) {
    console.log(`\nHTTPS keep-alive (${o.rounds} round(s); medians, [min–max] over rounds; cores = CPU seconds per second)\n`);
    console.log(keepAliveTable());
  }
  if (runHandshakes) {
    console.log(`\nNew TLS handshakes per second (ab, one full handshake per request; ${o.rounds} round(s))\n`);
    console.log(handshakeTable());
  }

  const notes: string[] = [];
  const cpus = [...keepAliveRuns, ...handshakeRuns].map((r) => r.cpu).filter((c): c is RunCpu => c !== null);
  const otherMax = Math.max(0, ...cpus.map((c) => c.other));
  if (otherMax > 0.1) notes.push(`WARNING: "other" CPU reached ${otherMax.toFixed(2)} core(s): something else was busy; don't trust this run.`);
  const stealMax = Math.max(0, ...cpus.flatMap((c) => c.coreSteal));
  if (stealMax > 0.02) notes.push(`WARNING: CPU steal reached ${(stealMax * 100).toFixed(1)} % on a core.`);
  const loadMax = Math.max(0, ...cpus.map((c) => c.wrk));
  if (loadMax > 0.9) notes.push(`WARNING: the load generator used ${loadMax.toFixed(2)} of its core: it may be the limit.`);
  const errored = [
    ...keepAliveSummary().filter((s) => s.errors > 0).map((s) => `${s.peer} keep-alive (${s.errors})`),
    ...handshakeSummary().filter((s) => s.errors > 0).map((s) => `${s.peer} handshakes (${s.errors})`),
  ];
  if (errored.length > 0) notes.push(`WARNING: errors (socket errors, failed or non-2xx responses) from ${errored.join(', ')}.`);
  const failed = [...keepAliveRuns.filter((r) => !r.wrk), ...handshakeRuns.filter((r) => !r.ab)];
  if (failed.length > 0) notes.push(`WARNING: ${failed.length} run(s) failed: ${failed.map((r) => `${r.peer}/round ${r.round}`).join(', ')}.`);
  const ka = keepAliveSummary().find((s) => s.peer === 'albatross')?.xNginx;
  if (runKeepAlive && ka != null) notes.push(`Albatross HTTPS keep-alive: ${ka.toFixed(2)}x nginx (goal >= 0.55x): ${ka >= 0.55 ? 'MET' : 'not met'}.`);
  const hs = handshakeSummary().find((s) => s.peer === 'albatross')?.xNginx;
  if (runHandshakes && hs != null) notes.push(`Albatross new TLS handshakes: ${hs.toFixed(2)}x nginx (goal >= 0.80x): ${hs >= 0.8 ? 'MET' : 'not met'}.`);
  const vsNode = (xs: { peer: string; xNginx: number | null }[]): string | null => {
    const a = xs.find((s) => s.peer === 'albatross')?.xNginx;
    const n = xs.find((s) => s.peer === 'node')?.xNginx;
    return a != null && n != null && n > 0 ? (a / n).toFixed(2) : null;
  };
  const kaNode = runKeepAlive ? vsNode(keepAliveSummary()) : null;
  const hsNode = runHandshakes ? vsNode(handshakeSummary()) : null;
  if (kaNode || hsNode) {
    notes.push(`Albatross vs the bare node:https server (Node's ceiling, no proxy): keep-alive ${kaNode ?? '–'}x, handshakes ${hsNode ?? '–'}x.`);
  }
  for (const p of peerInfo.filter((p) => p.skipped)) notes.push(`skipped ${p.name}: ${p.skipped}`);
  notes.push(
    'Reference (performance.md run A/C, split mode): nginx-w1 21,112 HTTPS keep-alive req/s and 1,498 handshakes/s; ' +
      'a bare node:https proxy with undici 10,815 req/s (0.51x) and 1,045 handshakes/s (0.70x). Compare ratios, not absolute figures.',
  );
  console.log(`\n${notes.join('\n')}`);
  const file = harness.complete();
  if (file) console.log(`\nraw results: ${file}`);
  return [...keepAliveRuns, ...handshakeRuns].some((r) => ('wrk' in r ? r.wrk : r.ab)) ? 0 : 1;
}

await runBench(main, () => harness.finish());
