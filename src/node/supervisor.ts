/**
 * The supervisor (cluster primary): owns the store, compiles snapshots when the config version
 * moves, runs the health checker once for the node, keeps workers alive and up to date, samples
 * the workers' counters into the metric history every 5 s, and serves the admin endpoint (health,
 * status, metrics and the AWS-compatible API). It never handles a proxied request itself.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { defaultArnContext, serverCertificateKeyPurpose, targetKey } from '../model/index.ts';
import { responseTimeBuckets, type WorkerStats } from '../dataplane/index.ts';
import { RetiredCounters, healthMetricsJson, renderMetrics } from './metrics.ts';
import { randomHex } from '../lib/ids.ts';
import { MasterKey, loadStickinessKey, verifyMasterKey } from '../secrets/master-key.ts';
import { bootstrapAccessKey } from '../controlplane/access-keys.ts';
import { createApiHandler, isApiRequest } from '../controlplane/api/api-server.ts';
import { createConsoleHandler, isConsoleRequest } from '../controlplane/console/console-server.ts';
import { compileSnapshot, targetGroupLoadBalancers, type HealthUpdate, type Snapshot } from '../snapshot/index.ts';
import type { StateStore } from '../store/state-store.ts';
import { SqliteStateStore, storeFileName } from '../store/sqlite/sqlite-state-store.ts';
import { HealthChecker } from '../health/index.ts';
import { HealthEventLog, MetricHistory, type HostCounts, type Monitoring } from '../monitoring/index.ts';
import type { ListenerStatus } from '../dataplane/index.ts';
import type { ToSupervisor, ToWorker } from './ipc.ts';
import { resolveHost } from './resolve.ts';

export interface ServeOptions {
  dataDir: string;
  workers: number;
  /** `host:port` of the admin endpoint; port 0 picks a free one. */
  adminListen: string;
  node: string;
  /** The console's session idle timeout (default one hour). */
  consoleSessionIdleSeconds?: number;
}

const say = (line: string): void => {
  process.stdout.write(`albatross: ${line}\n`);
};

/** A start-up problem (store, master key, admin address): one clear line on stderr, exit code 1. */
function fatal(message: string): never {
  process.stderr.write(`albatross: error: ${message}\n`);
  process.exit(1);
}

export async function runSupervisor(opts: ServeOptions): Promise<void> {
  let store: StateStore;
  let masterKey: MasterKey;
  let stickinessKey = '';
  // Like nginx's and HAProxy's default ticket keys: random at start, shared by all workers, never
  // stored, so a restart only costs clients one full handshake.
  const tlsTicketSecret = randomBytes(32).toString('base64');
  let bootstrap: Awaited<ReturnType<typeof bootstrapAccessKey>>;
  try {
    store = new SqliteStateStore(opts.dataDir);
  } catch (err) {
    fatal(`cannot open the store in ${resolvePath(opts.dataDir)}: ${(err as Error).message}`);
  }
  try {
    // A wrong master key stops here, before anything is served.
    masterKey = MasterKey.load(opts.dataDir);
    await store.transaction((tx) => verifyMasterKey(masterKey, tx));
    stickinessKey = (await store.transaction((tx) => loadStickinessKey(masterKey, tx))).toString('base64');
    bootstrap = await bootstrapAccessKey(store, masterKey, opts.dataDir, defaultArnContext.region);
  } catch (err) {
    await store.close().catch(() => undefined);
    fatal((err as Error).message);
  }
  say(`store ${resolvePath(opts.dataDir, storeFileName)} (config version ${await store.configVersion()})`);

  let snapshot: Snapshot | undefined;
  let stopping = false;
  const workers = new Set<Worker>();
  const listenerStates = new Map<string, string>();
  const listenerNames = new Map<string, string>();
  const listenerSchemes = new Map<string, 'http' | 'https'>();
  let healthDirty = false;

  const broadcast = (m: ToWorker): void => {
    for (const w of workers) if (w.isConnected()) w.send(m);
  };

  const monitoring: Monitoring = {
    metrics: new MetricHistory({ responseTimeBounds: responseTimeBuckets }),
    healthEvents: new HealthEventLog(),
  };

  const health = new HealthChecker({
    node: opts.node,
    onUpdate: (updates: HealthUpdate[]) => {
      healthDirty = true;
      const at = Date.now();
      for (const u of updates) {
        const description = health.get(u.targetGroupArn, u.targetKey)?.description;
        monitoring.healthEvents.record(u.targetGroupArn, u.targetKey, { at, state: u.state, reason: u.reason, description });
      }
      broadcast({ type: 'health', updates });
    },
  });

  const allHealth = (): HealthUpdate[] =>
    health.records().map((r) => ({ targetGroupArn: r.targetGroupArn, targetKey: targetKey(r.id, r.port), state: r.state, reason: r.reason }));

  const onListenerStatus = (s: ListenerStatus): void => {
    const line = s.ok ? 'ok' : `error ${s.error}`;
    const key = `${s.arn}|${s.address}|${s.port}`;
    if (listenerStates.get(key) === line) return;
    listenerStates.set(key, line);
    const name = listenerNames.get(s.arn) ?? s.arn;
    const shown = s.address.includes(':') ? `[${s.address}]` : s.address;
    if (s.ok) say(`listener ${name} accepting on ${listenerSchemes.get(s.arn) ?? 'http'}://${shown}:${s.port}/`);
    else if (s.tlsRefused) say(`listener ${name} on ${shown}:${s.port} cannot use its certificate and policy: ${s.error}`);
    else say(`listener ${name} cannot bind ${shown}:${s.port}: ${s.error === 'EADDRINUSE' ? 'the port is already in use' : s.error}`);
  };

  const workerStats = new Map<Worker, WorkerStats>();
  const retired = new RetiredCounters();
  const statsWaiters = new Map<number, (w: Worker) => void>();
  let statsRequestId = 0;
  /** Asks every worker for its counters; a worker that does not answer within 1 s counts as before. */
  const collectStats = async (): Promise<WorkerStats[]> => {
    const id = ++statsRequestId;
    const pending = new Set([...workers].filter((w) => w.isConnected()));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      statsWaiters.set(id, (w) => {
        pending.delete(w);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      if (pending.size === 0) resolve();
      for (const w of pending) w.send({ type: 'stats-request', id } satisfies ToWorker);
    });
    statsWaiters.delete(id);
    const live = [...workerStats.values()];
    retired.retain(live.filter((s) => s.version === snapshot?.version));
    return [retired.stats(), ...live];
  };
  const metrics = async (): Promise<{ contentType: string; text: string }> => {
    const groups = targetGroupLoadBalancers(snapshot?.listeners ?? []);
    return renderMetrics(await collectStats(), healthMetricsJson(health.records(), groups));
  };

  // The history's intervals: counters summed over workers, host counts as the checker sees them now.
  let sampling = false;
  let sampler: NodeJS.Timeout | undefined;
  const sample = async (): Promise<void> => {
    if (sampling || stopping) return;
    sampling = true;
    try {
      const stats = await collectStats();
      const records = health.records();
      const groups = targetGroupLoadBalancers(snapshot?.listeners ?? []);
      const hosts = new Map<string, HostCounts>();
      for (const tg of snapshot?.targetGroups ?? []) hosts.set(tg.arn, { targetGroupArn: tg.arn, loadBalancerArns: groups.get(tg.arn) ?? [], healthy: 0, unhealthy: 0 });
      for (const r of records) {
        const h = hosts.get(r.targetGroupArn);
        if (h !== undefined && r.state === 'healthy') h.healthy++;
        else if (h !== undefined && r.state === 'unhealthy') h.unhealthy++;
      }
      const now = Date.now();
      monitoring.metrics.record(now, { loadBalancers: stats.flatMap((s) => s.loadBalancers), targets: stats.flatMap((s) => s.targets) }, [...hosts.values()]);
      const registered = new Set(records.map((r) => `${r.targetGroupArn} ${targetKey(r.id, r.port)}`));
      monitoring.healthEvents.sync(now, (tg, key) => registered.has(`${tg} ${key}`));
    } catch (err) {
      say(`could not sample metrics: ${(err as Error).message}`);
    } finally {
      sampling = false;
    }
  };
  // Each sample is taken just after a point of the clock's 5 s grid, the interval the history stamps it with.
  const scheduleSample = (): void => {
    const step = monitoring.metrics.sampleIntervalMs;
    const now = Date.now();
    sampler = setTimeout(() => {
      scheduleSample();
      void sample();
    }, (Math.round(now / step) + 1) * step - now);
    sampler.unref();
  };
  scheduleSample();

  const fork = (): void => {
    const w = cluster.fork();
    workers.add(w);
    w.on('message', (m: ToSupervisor) => {
      if (m.type === 'ready') {
        if (snapshot) w.send({ type: 'snapshot', snapshot } satisfies ToWorker);
        w.send({ type: 'health', updates: allHealth() } satisfies ToWorker);
      } else if (m.type === 'listener') {
        onListenerStatus(m.status);
      } else if (m.type === 'eject') {
        health.eject(m.targetGroupArn, m.targetKey, m.result);
      } else if (m.type === 'stats') {
        workerStats.set(w, m.stats);
        statsWaiters.get(m.id)?.(w);
      }
    });
    w.on('exit', (code, signal) => {
      workers.delete(w);
      // Counters of a worker that is gone stay in the totals: metrics never go backwards.
      const last = workerStats.get(w);
      if (last !== undefined) retired.add(last);
      workerStats.delete(w);
      if (stopping) return;
      say(`worker ${w.process.pid} exited (${signal ?? code}); starting another`);
      setTimeout(fork, 500).unref();
    });
  };

  // Compiles are serialised; a change that arrives meanwhile triggers one more.
  let compiling = false;
  let pending = false;
  let drainTimer: NodeJS.Timeout | undefined;
  const recompile = async (): Promise<void> => {
    if (compiling) {
      pending = true;
      return;
    }
    compiling = true;
    try {
      do {
        pending = false;
        const next = await compileSnapshot(store, resolveHost, (c) =>
          masterKey.open(c.privateKeySealed, serverCertificateKeyPurpose(c.certificate.name)),
        );
        next.stickinessKey = stickinessKey;
        next.tlsTicketSecret = tlsTicketSecret;
        snapshot = next;
        for (const l of next.listeners) {
          listenerNames.set(l.arn, `${l.loadBalancerName} ${l.protocol}:${l.port}`);
          listenerSchemes.set(l.arn, l.protocol === 'HTTPS' ? 'https' : 'http');
        }
        broadcast({ type: 'snapshot', snapshot: next });
        health.apply(next);
        scheduleDrainSweep(next);
      } while (pending && !stopping);
    } catch (err) {
      say(`could not load the configuration: ${(err as Error).message}`);
    } finally {
      compiling = false;
    }
  };

  // Draining targets leave the store when their deregistration delay is over.
  const scheduleDrainSweep = (s: Snapshot): void => {
    clearTimeout(drainTimer);
    let next = Infinity;
    for (const tg of s.targetGroups) for (const t of tg.targets) if (t.drainUntil !== undefined) next = Math.min(next, t.drainUntil);
    if (next === Infinity) return;
    drainTimer = setTimeout(() => void sweepDrained(store), Math.max(0, next - Date.now()) + 10);
    drainTimer.unref();
  };

  cluster.schedulingPolicy = cluster.SCHED_NONE;
  for (let i = 0; i < opts.workers; i++) fork();
  say(`${opts.workers} worker${opts.workers === 1 ? '' : 's'}, node '${opts.node}'`);

  const stopWatch = store.watch(() => void recompile(), 200);

  const healthSaver = setInterval(() => {
    if (!healthDirty && !snapshot) return;
    healthDirty = false;
    void store.saveTargetHealth(opts.node, health.records()).catch(() => {
      healthDirty = true;
    });
  }, 1000);
  healthSaver.unref();

  const api = createApiHandler({
    store,
    masterKey,
    arnContext: defaultArnContext,
    health: { get: (targetGroupArn, key) => health.get(targetGroupArn, key) },
    monitoring,
    now: Date.now,
    randomHex,
  });
  const consoleUi = createConsoleHandler({
    store,
    masterKey,
    api,
    ...(opts.consoleSessionIdleSeconds !== undefined ? { sessionIdleMs: opts.consoleSessionIdleSeconds * 1000 } : {}),
  });
  let admin: http.Server;
  try {
    admin = await startAdmin(opts.adminListen, api, consoleUi, metrics, () => ({
      version: snapshot?.version ?? null,
      listeners: [...listenerStates.entries()].map(([key, state]) => ({ key, state })),
      targetHealth: health.records(),
    }));
  } catch (err) {
    stopping = true;
    for (const w of workers) w.process.kill('SIGKILL');
    fatal(`cannot listen on ${opts.adminListen} for the admin endpoint: ${(err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is already in use' : (err as Error).message}`);
  }
  // The first start's key is announced before the endpoint line, which tools wait for.
  if (bootstrap !== undefined) {
    const endpoint = adminUrl(admin);
    say(
      `created access key ${bootstrap.key.accessKeyId} for the admin API; credentials in ${bootstrap.credentialsFile} ` +
        `(AWS_SHARED_CREDENTIALS_FILE=${bootstrap.credentialsFile} aws elbv2 describe-load-balancers --endpoint-url ${endpoint.replace(/\/$/, '')})`,
    );
  }
  say(`admin endpoint ${adminUrl(admin)}`);

  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping (in-flight requests finish first)`);
    stopWatch();
    health.stop();
    clearInterval(healthSaver);
    clearTimeout(sampler);
    clearTimeout(drainTimer);
    admin.close();
    await Promise.all(
      [...workers].map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.disconnect();
            setTimeout(() => {
              say(`worker ${w.process.pid} had not finished after 30 s: killed`);
              w.kill('SIGKILL');
              resolve();
            }, 30_000).unref();
          }),
      ),
    );
    await store.saveTargetHealth(opts.node, []).catch(() => undefined);
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function sweepDrained(store: StateStore): Promise<void> {
  const now = Date.now();
  await store
    .transaction(async (tx) => {
      for (const tg of await tx.listTargetGroups()) {
        for (const t of await tx.listTargets(tg.arn)) {
          if (t.drainUntil !== undefined && t.drainUntil <= now) await tx.deleteTarget(tg.arn, t.id, t.port);
        }
      }
    })
    .catch(() => undefined);
}

/** `http://host:port/` of a listening server. */
function adminUrl(server: http.Server): string {
  const addr = server.address() as { address: string; port: number };
  return `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}/`;
}

/**
 * The admin endpoint: `GET /health`, `GET /status`, the AWS Query API on `/` (`POST /`,
 * `GET /?Action=...`) and the web console under `/console`. Loopback unless told otherwise.
 */
async function startAdmin(
  listen: string,
  api: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  consoleUi: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  metrics: () => Promise<{ contentType: string; text: string }>,
  status: () => unknown,
): Promise<http.Server> {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(listen.slice(colon + 1));
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK\n');
    } else if (req.method === 'GET' && req.url === '/metrics') {
      metrics().then(
        (m) => res.writeHead(200, { 'content-type': m.contentType }).end(m.text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
      );
    } else if (req.method === 'GET' && req.url === '/status') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status(), null, 2));
    } else if (isApiRequest(req)) {
      api(req, res);
    } else if (isConsoleRequest(req)) {
      consoleUi(req, res);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => resolve());
  });
  return server;
}
