/**
 * Proxy throughput bench: Albatross against nginx, the fastest Node proxy we know
 * (fastify + @fastify/reply-from) and the bare backend ("direct"), measured the way
 * shared/research/performance.md measured its reference figures on this machine:
 *
 *   - two keep-alive node:http targets (bench/target.mjs);
 *   - servers (targets and proxies) pinned to CPU 0, wrk to CPU 1 ("split" mode);
 *   - `wrk -t1 -c64 -d10s --latency http://127.0.0.1:PORT/status`, a 2 s unmeasured
 *     warm-up before each measured run, 3 rounds with the peer order rotated each round;
 *   - CPU of each process tree from /proc/<pid>/stat, per-core busy time from /proc/stat.
 *
 * Run from the repository root:  npm run bench -- [options]   (see --help and bench/README.md)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, fail, intOption, preflightCommon, repoDir, runBench } from './lib/harness.ts';
import { failedRun, measureWrk } from './lib/measure.ts';
import { allPeers, SkipPeer, type Peer, type PeerContext, type StartedPeer, type Target } from './lib/peers.ts';
import { freePorts, killAllGroupsSync, killGroup, sleep, startServer, waitReady, type ServerProc } from './lib/procs.ts';
import { cpuTable, runLine, summarize, throughputTable, warnings, type RunRecord } from './lib/report.ts';

const HELP = `Usage: npm run bench -- [options]
       node --import tsx bench/proxy-throughput.ts [options]   (from the repository root)

Measures req/s, p50/p99 latency, errors and CPU of: ${allPeers.map((p) => p.name).join(', ')}.

Options:
  --duration <s>      measured seconds per run (default 10)
  --warmup <s>        unmeasured wrk seconds before each run (default 2; 0 = none)
  --rounds <n>        rounds, peer order rotated each round (default 3)
  --connections <n>   wrk connections (default 64)
  --threads <n>       wrk threads (default 1)
  --path <path>       request path (default /status)
  --only <a,b,...>    only these peers (default: all)
  --pin <mode>        split: servers on CPU 0, wrk on CPU 1 (default); none: no taskset
  --albatross-cli <f> the Albatross CLI to run (default dist/cli/main.js; e.g. a copy of an older build)
  --keep-tmp          keep the temp dir (configs, server logs) after the run
  -h, --help          this text

Quick check:  npm run bench -- --duration 3 --rounds 1
`;

// ------------------------------------------------------------------ options

interface Options {
  durationS: number;
  warmupS: number;
  rounds: number;
  connections: number;
  threads: number;
  path: string;
  peers: Peer[];
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
        rounds: { type: 'string', default: '3' },
        connections: { type: 'string', default: '64' },
        threads: { type: 'string', default: '1' },
        path: { type: 'string', default: '/status' },
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
  let peers = allPeers;
  if (values.only !== undefined) {
    const names = values.only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !allPeers.some((p) => p.name === n));
    if (unknown.length > 0 || names.length === 0) {
      fail(`--only: unknown peer(s) "${unknown.join(', ')}"; known: ${allPeers.map((p) => p.name).join(', ')}`);
    }
    peers = allPeers.filter((p) => names.includes(p.name));
  }
  if (values.pin !== 'split' && values.pin !== 'none') fail(`--pin must be "split" or "none" (got "${values.pin}")`);
  if (!values.path.startsWith('/')) fail('--path must start with /');
  const threads = intOption('threads', values.threads, 1);
  const connections = intOption('connections', values.connections, 1);
  if (connections < threads) fail('--connections must be >= --threads (wrk needs one connection per thread)');
  return {
    durationS: intOption('duration', values.duration, 1),
    warmupS: intOption('warmup', values.warmup, 0),
    rounds: intOption('rounds', values.rounds, 1),
    connections,
    threads,
    path: values.path,
    peers,
    pin: values.pin,
    albatrossCli: resolve(values['albatross-cli']),
    keepTmp: values['keep-tmp'],
  };
}

// ------------------------------------------------------------------ run state and cleanup

const o = parseOptions(process.argv.slice(2));
preflightCommon(o.pin, [{ cmd: 'wrk', hint: 'apt-get install -y wrk' }]);

const serverCpu = o.pin === 'split' ? '0' : null;
const wrkCpu = o.pin === 'split' ? '1' : null;
const tmpDir = mkdtempSync(join(os.tmpdir(), 'albatross-bench-'));
const startedAt = new Date();
const runs: RunRecord[] = [];
const peerInfo: { name: string; what: string; port?: number; version?: string; note?: string; skipped?: string }[] = [];
const servers: ServerProc[] = []; // proxies first, then targets (stop order)
let targets: Target[] = [];
let finished = false;

function resultsFile(): string {
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  return join(benchDir, 'results', `${stamp}.json`);
}

function writeResults(partial: boolean): string {
  const file = resultsFile();
  mkdirSync(dirname(file), { recursive: true });
  const doc = {
    bench: 'proxy-throughput',
    partial,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: { ...o, peers: o.peers.map((p) => p.name) },
    pinning: { servers: serverCpu ?? 'none', wrk: wrkCpu ?? 'none' },
    wrkCommand: `${wrkCpu ? `taskset -c ${wrkCpu} ` : ''}wrk -t${o.threads} -c${o.connections} -d${o.durationS}s --latency http://127.0.0.1:PORT${o.path}`,
    machine: {
      cpuModel: os.cpus()[0]?.model ?? '?',
      cpus: os.cpus().length,
      kernel: os.release(),
      node: process.version,
      wrk: spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? '?',
    },
    targets,
    peers: peerInfo,
    summary: summarize(
      peerInfo.filter((p) => !p.skipped).map((p) => p.name),
      runs,
    ),
    runs,
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

function removeTmp(): void {
  if (o.keepTmp) console.log(`temp dir kept: ${tmpDir}`);
  else rmSync(tmpDir, { recursive: true, force: true });
}

/** Last-resort cleanup for signals, crashes and the watchdog: synchronous only. */
function abort(reason: string, code: number): never {
  console.error(`\nbench: ${reason}; stopping all servers`);
  killAllGroupsSync();
  if (!finished && runs.length > 0) {
    try {
      console.error(`partial results: ${relative(process.cwd(), writeResults(true))}`);
    } catch {
      /* best effort */
    }
  }
  try {
    removeTmp();
  } catch {
    /* best effort */
  }
  process.exit(code);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => abort(`got ${sig}`, 130));
process.on('uncaughtException', (err) => abort(`crashed: ${err.stack ?? err.message}`, 1));
process.on('unhandledRejection', (err) => abort(`crashed: ${(err as Error)?.stack ?? String(err)}`, 1));
process.on('exit', () => killAllGroupsSync());

// Hard bound on the whole run: each wrk is itself bounded by its duration + 20 s.
const budgetS = 120 + o.rounds * o.peers.length * (o.warmupS + o.durationS + 45);
setTimeout(() => abort(`exceeded the time budget of ${budgetS} s`, 124), budgetS * 1000).unref();

// ------------------------------------------------------------------ measuring

function measure(peer: Peer, started: StartedPeer, round: number, position: number): Promise<RunRecord> {
  const wrk = { port: started.port, path: o.path, connections: o.connections, threads: o.threads, cpu: wrkCpu };
  const targetPids = servers.filter((s) => s.name.startsWith('target')).map((s) => s.pid);
  return measureWrk({ round, peer: peer.name, position }, wrk, o, { proxyPid: started.proc?.pid ?? null, targetPids });
}

// ------------------------------------------------------------------ main

async function main(): Promise<number> {
  const pinText = o.pin === 'split' ? 'servers on CPU 0, wrk on CPU 1' : 'no pinning';
  console.log(`Albatross proxy-throughput bench — ${startedAt.toISOString()}`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, kernel ${os.release()}, node ${process.version}`);
  console.log(
    `load:    wrk -t${o.threads} -c${o.connections} -d${o.durationS}s --latency ${o.path}` +
      ` (+${o.warmupS} s warm-up), ${o.rounds} round(s), ${pinText}`,
  );
  console.log(`temp:    ${tmpDir}\n`);

  // Ports for the targets and every peer that listens, all picked at run time.
  const ports = await freePorts(2 + o.peers.length);
  targets = [
    { name: 'backend-1', port: ports[0]! },
    { name: 'backend-2', port: ports[1]! },
  ];
  for (const t of targets) {
    const proc = startServer(`target ${t.name}`, process.execPath, [join(benchDir, 'target.mjs'), String(t.port), t.name], {
      cpu: serverCpu,
      logPath: join(tmpDir, `${t.name}.log`),
    });
    servers.push(proc);
  }
  for (const [i, t] of targets.entries()) {
    await waitReady(t.port, [t.name], 10_000, servers[i]!);
  }
  console.log(`targets: ${targets.map((t) => `${t.name} :${t.port}`).join(', ')}`);

  const ctx: PeerContext = { repoDir, benchDir, tmpDir, targets, serverCpu, albatrossCli: o.albatrossCli };
  const live: { peer: Peer; started: StartedPeer }[] = [];
  for (const [i, peer] of o.peers.entries()) {
    try {
      const started = await peer.start(ctx, ports[2 + i]!);
      if (started.proc) servers.unshift(started.proc);
      live.push({ peer, started });
      peerInfo.push({ name: peer.name, what: peer.what, port: started.port, version: started.version, note: started.note });
      console.log(`peer:    ${peer.name.padEnd(10)} :${started.port}  ${started.version}`);
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

  const totalS = Math.ceil(o.rounds * live.length * (o.warmupS + o.durationS + 0.7));
  const eta = totalS < 120 ? `${totalS} s` : `${Math.round(totalS / 60)} min`;
  console.log(`\nmeasuring ${live.length} peer(s) × ${o.rounds} round(s): about ${eta}\n`);
  for (let round = 1; round <= o.rounds; round++) {
    const shift = (round - 1) % live.length;
    const order = [...live.slice(shift), ...live.slice(0, shift)];
    for (const [position, { peer, started }] of order.entries()) {
      if (started.proc?.exit != null) {
        const rec = failedRun({ round, peer: peer.name, position }, `${peer.name} is no longer running (exit ${started.proc.exit}); see ${started.proc.logPath}`);
        runs.push(rec);
        console.log(runLine(rec, o.rounds));
        continue;
      }
      const rec = await measure(peer, started, round, position);
      runs.push(rec);
      console.log(runLine(rec, o.rounds));
      await sleep(500);
    }
  }

  const sums = summarize(live.map((l) => l.peer.name), runs);
  console.log(`\nThroughput (${o.rounds} round(s); medians, [min–max] over rounds; ratios are of medians in this run)\n`);
  console.log(throughputTable(sums));
  console.log('\nCPU (medians over rounds; cores = CPU seconds per second of the measured window)\n');
  console.log(cpuTable(sums));

  // Sanity checks and the goal.
  const notes = warnings(runs, sums);
  const alb = sums.find((s) => s.peer === 'albatross');
  if (alb?.xNginx != null) {
    notes.push(`Albatross: ${alb.xNginx.toFixed(2)}x nginx (goal >= 0.50x): ${alb.xNginx >= 0.5 ? 'MET' : 'not met'}.`);
  }
  for (const p of peerInfo.filter((p) => p.skipped)) notes.push(`skipped ${p.name}: ${p.skipped}`);
  notes.push(
    'Reference (performance.md run A, split mode, 3 × 10 s): direct 64,587, nginx 28,597 (0.44x direct), ' +
      'fastify 7,968 (0.28x nginx) req/s.',
  );
  console.log(`\n${notes.join('\n')}`);

  finished = true;
  console.log(`\nraw results: ${relative(process.cwd(), writeResults(false))}`);
  return runs.some((r) => r.wrk) ? 0 : 1;
}

await runBench(main, async () => {
  // Proxies first, then the targets.
  for (const s of servers) await killGroup(s);
  removeTmp();
});
