/**
 * Failover bench (issue 7): the kill/restart experiment of shared/research/performance.md,
 * run against nginx, HAProxy and Albatross one after the other in one run, with the same two
 * keep-alive targets (bench/target.mjs) and the same load:
 *
 *   taskset -c 1 wrk -t1 -c32 -d20s --timeout 5s --latency -s bench/lib/failover.lua http://127.0.0.1:PORT/
 *
 * Target 2 is SIGKILLed 5.0 s after wrk starts and started again on the same port at +12.0 s.
 * The Lua script buckets every response per 100 ms by status and by which target answered; the
 * driver reads the kernel's failed-connect counter every 50 ms to see how long the dead target
 * still got traffic. Everything runs in a private network namespace when possible (root and
 * `unshare`), so that counter and the ports are this bench's alone.
 *
 * Run from the repository root:  node --import tsx bench/failover.ts [options]   (see --help)
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, parseLuaOutput, perSecond, type ConnectSample, type FailoverFigures, type Timeline } from './lib/failover-analysis.ts';
import { allFailoverPeers, type FailoverPeer } from './lib/failover-peers.ts';
import { benchDir, fail, Harness, hasCommand, intOption, machineInfo, preflightCommon, repoDir, runBench } from './lib/harness.ts';
import { SkipPeer, type PeerContext, type Target } from './lib/peers.ts';
import { freePorts, httpGet, killGroup, signalGroup, sleep, startServer, untrackGroup, waitReady, type ServerProc } from './lib/procs.ts';
import { table, type RunCpu } from './lib/report.ts';
import { closeWindow, cpuSinceOpen, openWindow } from './lib/window.ts';
import { runWrk, type WrkResult } from './lib/wrk.ts';

const HELP = `Usage: node --import tsx bench/failover.ts [options]   (from the repository root; \`npm run build\` first)

Kills target 2 (SIGKILL) during a wrk run and restarts it on the same port, behind nginx,
HAProxy and Albatross in turn; reports client-visible errors, how long the dead target still
got traffic, when the restarted one got its share back, the longest stretch without a
successful response, throughput before/during the outage and the worst latency.

Options:
  --duration <s>      wrk seconds per experiment (default 20)
  --kill-at <s>       SIGKILL target 2 this long after wrk starts (default 5, or duration/4)
  --restart-at <s>    start it again at (default 12, or 0.6 × duration)
  --connections <n>   wrk connections (default 32)
  --timeout <s>       wrk's per-request timeout (default 5)
  --warmup <s>        unmeasured wrk seconds before each experiment (default 2; 0 = none)
  --reps <n>          repetitions; the proxy order is rotated each time (default 1)
  --only <a,b>        only these proxies: ${allFailoverPeers.map((p) => p.name).join(', ')} (default all)
  --pin <mode>        split: servers on CPU 0, wrk on CPU 1 (default); none: no taskset
  --no-netns          don't run in a private network namespace (the failed-connect counter
                      then counts the whole machine's failed connects)
  --timeline          print 2xx per target, non-2xx and failed connects for every second
  --albatross-cli <f> the Albatross CLI to run (default dist/cli/main.js)
  --keep-tmp          keep the temp dir (configs, server logs)
  -h, --help          this text

Quick check:  node --import tsx bench/failover.ts --duration 10 --kill-at 2 --restart-at 5
`;

// ------------------------------------------------------------------ options

interface Options {
  durationS: number;
  killAtS: number;
  restartAtS: number;
  connections: number;
  timeoutS: number;
  warmupS: number;
  reps: number;
  peers: FailoverPeer[];
  pin: 'split' | 'none';
  netns: boolean;
  timeline: boolean;
  albatrossCli: string;
  keepTmp: boolean;
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        duration: { type: 'string', default: '20' },
        'kill-at': { type: 'string' },
        'restart-at': { type: 'string' },
        connections: { type: 'string', default: '32' },
        timeout: { type: 'string', default: '5' },
        warmup: { type: 'string', default: '2' },
        reps: { type: 'string', default: '1' },
        only: { type: 'string' },
        pin: { type: 'string', default: 'split' },
        'no-netns': { type: 'boolean', default: false },
        timeline: { type: 'boolean', default: false },
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
  const durationS = intOption('duration', values.duration, 3);
  const seconds = (name: string, v: string | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a number of seconds > 0 (got "${v}")`);
    return n;
  };
  const killAtS = seconds('kill-at', values['kill-at'], durationS === 20 ? 5 : durationS / 4);
  const restartAtS = seconds('restart-at', values['restart-at'], durationS === 20 ? 12 : durationS * 0.6);
  if (!(killAtS >= 1 && killAtS < restartAtS && restartAtS < durationS)) {
    fail(`need 1 <= --kill-at < --restart-at < --duration (got ${killAtS}, ${restartAtS}, ${durationS})`);
  }
  let peers = allFailoverPeers;
  if (values.only !== undefined) {
    const names = values.only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !allFailoverPeers.some((p) => p.name === n));
    if (unknown.length > 0 || names.length === 0) {
      fail(`--only: unknown proxy(s) "${unknown.join(', ')}"; known: ${allFailoverPeers.map((p) => p.name).join(', ')}`);
    }
    peers = allFailoverPeers.filter((p) => names.includes(p.name));
  }
  if (values.pin !== 'split' && values.pin !== 'none') fail(`--pin must be "split" or "none" (got "${values.pin}")`);
  return {
    durationS,
    killAtS,
    restartAtS,
    connections: intOption('connections', values.connections, 1),
    timeoutS: intOption('timeout', values.timeout, 1),
    warmupS: intOption('warmup', values.warmup, 0),
    reps: intOption('reps', values.reps, 1),
    peers,
    pin: values.pin,
    netns: !values['no-netns'],
    timeline: values.timeline,
    albatrossCli: resolve(values['albatross-cli']),
    keepTmp: values['keep-tmp'],
  };
}

const o = parseOptions(process.argv.slice(2));
preflightCommon(o.pin, [{ cmd: 'wrk', hint: 'apt-get install -y wrk' }]);

// ------------------------------------------------------------------ private network namespace

const NETNS_ENV = 'ALBATROSS_BENCH_NETNS';

/**
 * Re-runs this script inside `unshare --net` (loopback brought up first) and exits with its
 * code. Returns a note instead when that is not possible, or null when already inside one.
 */
async function enterNetns(): Promise<string | null> {
  if (process.env[NETNS_ENV] === '1') return null;
  if (!o.netns) return 'not in a private network namespace (--no-netns): failed connects are counted machine-wide';
  if (process.getuid?.() !== 0 || !hasCommand('unshare') || !hasCommand('ip') || spawnSync('unshare', ['--net', 'true']).status !== 0) {
    return 'no private network namespace (needs root, unshare and ip): failed connects are counted machine-wide';
  }
  const child = spawn(
    'unshare',
    ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, [NETNS_ENV]: '1' } },
  );
  // The child handles Ctrl-C itself (it is in the terminal's process group); pass on the rest.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  const code = await new Promise<number>((res) => child.on('exit', (c, s) => res(c ?? (s ? 130 : 1))));
  process.exit(code);
}

const netnsNote = await enterNetns();

// ------------------------------------------------------------------ run state

interface Experiment {
  rep: number;
  proxy: string;
  what: string;
  port?: number;
  version?: string;
  note?: string;
  skipped?: string;
  failure?: string;
  /** event times relative to wrk's start, in seconds */
  events?: { killS: number; restartS: number; listeningS: number | null; endS: number };
  timeline?: Timeline;
  figures?: FailoverFigures;
  cpu?: RunCpu;
  wrk?: WrkResult;
  perSecond?: ReturnType<typeof perSecond>;
}

const serverCpu = o.pin === 'split' ? '0' : null;
const wrkCpu = o.pin === 'split' ? '1' : null;
const luaScript = join(benchDir, 'lib/failover.lua');
const experiments: Experiment[] = [];
let targets: Target[] = [];
/** the running process of each target, by index */
const targetProcs: ServerProc[] = [];
const wrkCommand =
  `${wrkCpu ? `taskset -c ${wrkCpu} ` : ''}wrk -t1 -c${o.connections} -d${o.durationS}s --timeout ${o.timeoutS}s --latency ` +
  `-s bench/lib/failover.lua http://127.0.0.1:PORT/`;

const harness: Harness = new Harness({
  name: 'failover',
  keepTmp: o.keepTmp,
  budgetS: 120 + o.reps * o.peers.length * (o.warmupS + o.durationS + 100),
  document: (partial): object | null =>
    experiments.length === 0 && partial
      ? null
      : {
          bench: 'failover',
          partial,
          startedAt: harness.startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          options: { ...o, peers: o.peers.map((p) => p.name) },
          pinning: { servers: serverCpu ?? 'none', wrk: wrkCpu ?? 'none' },
          networkNamespace: netnsNote ?? 'private (unshare --net)',
          wrkCommand,
          kill: `SIGKILL target 2 at +${o.killAtS} s, start it again on the same port at +${o.restartAtS} s`,
          machine: machineInfo(),
          targets,
          experiments,
        },
});
harness.install();

// ------------------------------------------------------------------ one experiment

/** The kernel's count of failed TCP connects (refused, timed out): in our namespace, connects to the dead target. */
function attemptFails(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Tcp:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  return Number(values[names.indexOf('AttemptFails')]);
}

/** Drops a stopped server from the harness's stop list. */
function forget(proc: ServerProc): void {
  const i = harness.servers.indexOf(proc);
  if (i >= 0) harness.servers.splice(i, 1);
}

function startTarget(i: number): ServerProc {
  const t = targets[i]!;
  const proc = startServer(`target ${t.name}`, process.execPath, [join(benchDir, 'target.mjs'), String(t.port), t.name], {
    cpu: serverCpu,
    logPath: join(harness.tmpDir, `${t.name}.log`),
  });
  targetProcs[i] = proc;
  harness.servers.push(proc);
  return proc;
}

function logLength(path: string): number {
  try {
    return readFileSync(path, 'utf8').length;
  } catch {
    return 0;
  }
}

/** Polls the target's log for its "listening" line; returns when it appeared (epoch ms) or null. */
async function listeningAt(proc: ServerProc, logOffset: number, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && proc.exit == null) {
    try {
      if (readFileSync(proc.logPath, 'utf8').slice(logOffset).includes('listening on')) return Date.now();
    } catch {
      /* not there yet */
    }
    await sleep(10);
  }
  return null;
}

/**
 * Sends 4 GETs in a row every 100 ms until 2 of them are answered by `target` (its round-robin
 * share); returns when that happened (epoch ms) or null at the deadline.
 */
async function probeBack(port: number, target: string, deadlineMs: number): Promise<number | null> {
  while (Date.now() < deadlineMs) {
    const at = Date.now();
    let hits = 0;
    for (let i = 0; i < 4; i++) {
      try {
        if ((await httpGet(port, '/', 1000)).body === `hello from ${target}`) hits++;
      } catch {
        /* counted as a miss */
      }
    }
    if (hits >= 2) return at;
    await sleep(100);
  }
  return null;
}

async function experiment(peer: FailoverPeer, rep: number, run: number): Promise<Experiment> {
  const exp: Experiment = { rep, proxy: peer.name, what: peer.what };
  // Both targets up (target 2 is the process the previous experiment restarted).
  for (const [i, t] of targets.entries()) {
    if (targetProcs[i]!.exit != null) startTarget(i);
    await waitReady(t.port, [t.name], 10_000, targetProcs[i]!);
  }
  const [port] = await freePorts(1);
  const ctx: PeerContext = { repoDir, benchDir, tmpDir: harness.tmpDir, targets, serverCpu, albatrossCli: o.albatrossCli };
  let proc: ServerProc | null = null;
  try {
    const started = await peer.start(ctx, port!, run);
    proc = started.proc;
    if (proc) harness.servers.unshift(proc);
    Object.assign(exp, { port: started.port, version: started.version, note: started.note });
    console.log(`\n${peer.name} (rep ${rep}): :${started.port}  ${started.version}\n  ${peer.what}`);
    if (started.note) console.log(`  note: ${started.note}`);

    const wrkBase = { port: started.port, path: '/', connections: o.connections, threads: 1, cpu: wrkCpu, requestTimeoutS: o.timeoutS };
    if (o.warmupS > 0) await runWrk({ ...wrkBase, durationS: o.warmupS });

    const samples: ConnectSample[] = [];
    const sample = (): void => {
      samples.push({ atMs: Date.now(), attemptFails: attemptFails() });
    };
    const victim = targetProcs[1]!;
    let killMs = 0;
    let restartMs = 0;
    let victimCpuS = 0;
    let listening: Promise<number | null> = Promise.resolve(null);
    const w = openWindow();
    sample();
    const sampler = setInterval(sample, 50);
    const startMs = Date.now();
    const wrkRun = runWrk({ ...wrkBase, durationS: o.durationS, script: luaScript });
    const kill = (): void => {
      victimCpuS = cpuSinceOpen(w, victim.pid);
      signalGroup(victim.pid, 'SIGKILL');
      killMs = Date.now();
      untrackGroup(victim.pid);
      forget(victim);
      console.log(`  +${((killMs - startMs) / 1000).toFixed(2)} s  SIGKILL ${targets[1]!.name} (pid ${victim.pid})`);
    };
    const restart = (): void => {
      const logOffset = logLength(victim.logPath); // the restarted target appends to the same log
      const proc2 = startTarget(1);
      restartMs = Date.now();
      listening = listeningAt(proc2, logOffset, 10_000);
      console.log(`  +${((restartMs - startMs) / 1000).toFixed(2)} s  started ${targets[1]!.name} again on :${targets[1]!.port} (pid ${proc2.pid})`);
    };
    const killTimer = setTimeout(kill, o.killAtS * 1000 - (Date.now() - startMs));
    const restartTimer = setTimeout(restart, o.restartAtS * 1000 - (Date.now() - startMs));
    let wrk: WrkResult;
    try {
      wrk = await wrkRun;
    } finally {
      clearInterval(sampler);
      clearTimeout(killTimer);
      clearTimeout(restartTimer);
      if (killMs !== 0 && restartMs === 0) restart(); // wrk failed in between: leave both targets running
    }
    sample();
    const endMs = Date.now();
    const listeningMs = await listening;
    const c = closeWindow(w, {
      proxyPid: proc?.pid ?? null,
      targetPids: targetProcs.map((p) => p.pid),
      loadSeconds: wrk.wrkCpuSeconds,
      goneTargetsSeconds: victimCpuS,
    });
    exp.cpu = c.cpu;
    exp.wrk = wrk;
    const timeline: Timeline = { startMs, killMs, restartMs, listeningMs, endMs };
    exp.timeline = timeline;
    const rel = (ms: number): number => Math.round(ms - startMs) / 1000;
    exp.events = { killS: rel(killMs), restartS: rel(restartMs), listeningS: listeningMs === null ? null : rel(listeningMs), endS: rel(endMs) };
    const lua = parseLuaOutput(wrk.raw);
    exp.figures = analyze(timeline, lua, samples, wrk, targets[1]!.name);
    if (exp.figures.backAfterS === null) {
      // Not back before wrk ended (health checks can take longer than the rest of the run):
      // keep asking through the proxy, one GET at a time, until 20 s after the restart.
      const backMs = await probeBack(started.port, targets[1]!.name, restartMs + 20_000);
      if (backMs !== null) {
        exp.figures.backAfterS = Math.max(0, backMs - restartMs) / 1000;
        exp.figures.backSeenBy = 'probe after the run';
      }
    }
    exp.perSecond = perSecond(timeline, lua, samples, targets.map((t) => t.name));
  } catch (err) {
    if (err instanceof SkipPeer) {
      exp.skipped = err.message.split('\n')[0];
      console.log(`\nSKIP ${peer.name} (rep ${rep}): ${err.message.replace(/\n/g, '\n  ')}`);
    } else {
      exp.failure = (err as Error).message;
      console.log(`\n${peer.name} (rep ${rep}) FAILED: ${exp.failure}`);
    }
  } finally {
    if (proc) {
      await killGroup(proc);
      forget(proc);
    }
  }
  return exp;
}

// ------------------------------------------------------------------ report

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const s1 = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${x.toFixed(1)} s`);

function backText(f: FailoverFigures): string {
  if (f.backAfterS === null) return 'not within 20 s';
  return `${f.backAfterS.toFixed(1)} s${f.backSeenBy === 'load' ? '' : ' (probe)'}`;
}

function errorsText(f: FailoverFigures): string {
  const parts: string[] = [];
  const byStatus = Object.entries(f.non2xxByStatus).map(([s, n]) => `${n} × ${s}`).join(', ');
  if (f.non2xx > 0) parts.push(byStatus || `${f.non2xx} non-2xx`);
  const se = f.socketErrors;
  for (const k of ['connect', 'read', 'write', 'timeout'] as const) if (se[k] > 0) parts.push(`${se[k]} ${k}`);
  return `${int(f.errors)}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

function resultsTable(done: Experiment[]): string {
  const head = ['proxy', 'rep', 'requests', 'client errors', 'dead target out after', 'failed connects 1st s / rest',
    'back after restart', 'longest gap', '2xx/s before / during', 'max latency', 'p99', 'other cores'];
  const rows = done.map((e) => {
    const f = e.figures!;
    const fc = f.failedConnects ? `${int(f.failedConnects.firstSecond)} / ${int(f.failedConnects.rest)}` : '–';
    const gap = f.longestGapMs === null ? '< 20 ms' : `${int(f.longestGapMs)} ms at ${f.longestGapAfterKillS! >= 0 ? '+' : ''}${f.longestGapAfterKillS!.toFixed(1)} s`;
    return [
      e.proxy, String(e.rep), int(f.requests), errorsText(f), s1(f.deadOutAfterS), fc, backText(f), gap,
      `${f.okPerSecBefore === null ? '–' : int(f.okPerSecBefore)} / ${f.okPerSecDuring === null ? '–' : int(f.okPerSecDuring)}`,
      `${int(f.maxLatencyMs)} ms`, `${f.p99Ms.toFixed(1)} ms`, e.cpu ? e.cpu.other.toFixed(2) : '–',
    ];
  });
  return table(head, rows, new Set([1, 2, 4, 5, 6, 7, 8, 9, 10, 11]));
}

function timelineTable(e: Experiment): string {
  const names = targets.map((t) => t.name);
  const ev = e.events!;
  const head = ['s', ...names.map((n) => `2xx ${n}`), 'non-2xx', 'failed connects', 'event'];
  const rows = e.perSecond!.map((r) => {
    const events: string[] = [];
    if (ev.killS >= r.fromS && ev.killS < r.fromS + 1) events.push(`kill +${ev.killS.toFixed(2)}`);
    if (ev.restartS >= r.fromS && ev.restartS < r.fromS + 1) events.push(`restart +${ev.restartS.toFixed(2)}`);
    if (ev.listeningS !== null && ev.listeningS >= r.fromS && ev.listeningS < r.fromS + 1) events.push(`listening +${ev.listeningS.toFixed(2)}`);
    return [String(r.fromS), ...names.map((n) => int(r.ok[n] ?? 0)), int(r.non2xx), r.failedConnects === null ? '–' : int(r.failedConnects), events.join(', ')];
  });
  return table(head, rows, new Set([0, 1, 2, 3, 4]));
}

// ------------------------------------------------------------------ main

async function main(): Promise<number> {
  const pinText = o.pin === 'split' ? 'servers on CPU 0, wrk on CPU 1' : 'no pinning';
  console.log(`Albatross failover bench — ${harness.startedAt.toISOString()}`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, kernel ${os.release()}, node ${process.version}`);
  console.log(`load:    ${wrkCommand} (+${o.warmupS} s warm-up without the script)`);
  console.log(`event:   SIGKILL target 2 at +${o.killAtS} s, start it again on the same port at +${o.restartAtS} s; ${o.reps} rep(s), ${pinText}`);
  console.log(`network: ${netnsNote ?? 'private network namespace (unshare --net): the failed-connect counter and the ports are this bench\'s alone'}`);
  console.log(`temp:    ${harness.tmpDir}`);

  const ports = await freePorts(2);
  targets = [
    { name: 'backend-1', port: ports[0]! },
    { name: 'backend-2', port: ports[1]! },
  ];
  for (const i of [0, 1]) startTarget(i);
  console.log(`targets: ${targets.map((t) => `${t.name} :${t.port}`).join(', ')}`);

  let run = 0;
  for (let rep = 1; rep <= o.reps; rep++) {
    const shift = (rep - 1) % o.peers.length;
    const order = [...o.peers.slice(shift), ...o.peers.slice(0, shift)];
    for (const peer of order) {
      const exp = await experiment(peer, rep, ++run);
      experiments.push(exp);
      if (exp.figures) {
        const f = exp.figures;
        console.log(
          `  errors ${errorsText(f)}; dead target out after ${s1(f.deadOutAfterS)};` +
            ` back ${backText(f)} after the restart (listening after ${s1(f.listeningAfterS)});` +
            ` longest gap ${f.longestGapMs === null ? '< 20 ms' : `${int(f.longestGapMs)} ms`}; max latency ${int(f.maxLatencyMs)} ms`,
        );
        if (f.gapsOver50ms.length > 0) {
          const list = f.gapsOver50ms.map((g) => `${int(g.gapMs)} ms at ${g.afterKillS >= 0 ? '+' : ''}${g.afterKillS.toFixed(2)} s`);
          console.log(`  gaps >= 50 ms without a 2xx (relative to the kill): ${list.join(', ')}`);
        }
        if (exp.cpu && exp.cpu.other > 0.1) {
          console.log(`  other CPU ${exp.cpu.other.toFixed(2)} cores: busiest ${exp.cpu.otherTop.map((p) => `${p.comm}[${p.pid}] ${p.cores.toFixed(2)}`).join(', ')}`);
        }
        if (o.timeline) console.log(`\n${timelineTable(exp)}`);
      }
    }
  }

  const done = experiments.filter((e) => e.figures);
  if (done.length > 0) {
    console.log(`\nFailover (wrk -c${o.connections} -d${o.durationS}s to GET /; target 2 killed at +${o.killAtS} s, restarted at +${o.restartAtS} s)\n`);
    console.log(resultsTable(done));
    console.log(
      '\nclient errors: non-2xx responses and socket errors as wrk counts them. dead target out after: from the kill to the end' +
        ' of the last 100 ms with >= 3 failed connects or a non-2xx (a lone health check or probe does not count).' +
        ' back after restart: from the restart to the 100 ms from which the restarted target served >= 40 % of the 2xx' +
        ' responses (also over the next second); "(probe)": the run ended first, found by single GETs through the proxy' +
        ' afterwards (2 of 4 from the restarted target). longest gap: between two successive 2xx responses, and when it ended' +
        ' relative to the kill. 2xx/s before: from +1 s to the kill; during: kill to restart. other cores: CPU used by the' +
        ' rest of the machine during the run (> 0.10: noisy).',
    );
  }

  const notes: string[] = [];
  for (const e of done.filter((e) => e.proxy === 'albatross')) {
    const f = e.figures!;
    const checks = [
      `${f.errors === 0 ? 'MET' : 'not met'}: 0 client errors (${int(f.errors)})`,
      `${(f.longestGapMs ?? 0) <= 50 ? 'MET' : 'not met'}: no gap over 50 ms (${f.longestGapMs === null ? '< 20' : int(f.longestGapMs)} ms)`,
      `${f.backAfterS !== null && f.backAfterS <= 10 ? 'MET' : 'not met'}: back within 2 × 5 s = 10 s (${backText(f)})`,
    ];
    notes.push(`Albatross rep ${e.rep}: ${checks.join('; ')}.`);
  }
  const otherMax = Math.max(0, ...done.map((e) => e.cpu?.other ?? 0));
  if (otherMax > 0.1) notes.push(`WARNING: "other" CPU reached ${otherMax.toFixed(2)} core(s): something else was busy; latencies and rates are not clean.`);
  const wrkMax = Math.max(0, ...done.map((e) => e.cpu?.wrk ?? 0));
  if (wrkMax > 0.9) notes.push(`WARNING: wrk used ${wrkMax.toFixed(2)} of its core: the load generator may be the limit.`);
  for (const e of experiments.filter((e) => e.skipped || e.failure)) notes.push(`${e.skipped ? 'skipped' : 'FAILED'} ${e.proxy} (rep ${e.rep}): ${e.skipped ?? e.failure}`);
  notes.push(
    'Reference (performance.md run D, split mode): nginx 0 errors, back 1.1–1.2 s after the restart, max latency 63–73 ms; ' +
      'HAProxy 4 × 502 and 32–33 read errors, back 1.4 s, max 1,001 ms; a Node proxy without checks or retries ~25,000 × 502.',
  );
  console.log(`\n${notes.join('\n')}`);
  const file = harness.complete();
  if (file) console.log(`\nraw results: ${file}`);
  return done.length > 0 ? 0 : 1;
}

await runBench(main, () => harness.finish());
