/**
 * The supervisor (cluster primary): owns the store, compiles snapshots when the config version
 * moves, runs the health checker once for the node, keeps workers alive and up to date, and
 * serves the admin endpoint. It never handles a proxied request itself.
 */
import cluster, { type Worker } from 'node:cluster';
import http from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { targetKey } from '../model/index.ts';
import { compileSnapshot, type HealthUpdate, type Snapshot } from '../snapshot/index.ts';
import type { StateStore } from '../store/state-store.ts';
import { SqliteStateStore, storeFileName } from '../store/sqlite/sqlite-state-store.ts';
import { HealthChecker } from '../health/index.ts';
import type { ListenerStatus } from '../dataplane/index.ts';
import type { ToSupervisor, ToWorker } from './ipc.ts';
import { resolveHost } from './resolve.ts';

export interface ServeOptions {
  dataDir: string;
  workers: number;
  /** `host:port` of the admin endpoint; port 0 picks a free one. */
  adminListen: string;
  node: string;
}

const say = (line: string): void => {
  process.stdout.write(`albatross: ${line}\n`);
};

export async function runSupervisor(opts: ServeOptions): Promise<void> {
  const store: StateStore = new SqliteStateStore(opts.dataDir);
  say(`store ${resolvePath(opts.dataDir, storeFileName)} (config version ${await store.configVersion()})`);

  let snapshot: Snapshot | undefined;
  let stopping = false;
  const workers = new Set<Worker>();
  const listenerStates = new Map<string, string>();
  const listenerNames = new Map<string, string>();
  let healthDirty = false;

  const broadcast = (m: ToWorker): void => {
    for (const w of workers) if (w.isConnected()) w.send(m);
  };

  const health = new HealthChecker({
    node: opts.node,
    onUpdate: (updates: HealthUpdate[]) => {
      healthDirty = true;
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
    if (s.ok) say(`listener ${name} accepting on http://${shown}:${s.port}/`);
    else say(`listener ${name} cannot bind ${shown}:${s.port}: ${s.error === 'EADDRINUSE' ? 'the port is already in use' : s.error}`);
  };

  const fork = (): void => {
    const w = cluster.fork();
    workers.add(w);
    w.on('message', (m: ToSupervisor) => {
      if (m.type === 'ready') {
        if (snapshot) w.send({ type: 'snapshot', snapshot } satisfies ToWorker);
        w.send({ type: 'health', updates: allHealth() } satisfies ToWorker);
      } else if (m.type === 'listener') {
        onListenerStatus(m.status);
      }
    });
    w.on('exit', (code, signal) => {
      workers.delete(w);
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
        const next = await compileSnapshot(store, resolveHost);
        snapshot = next;
        for (const l of next.listeners) listenerNames.set(l.arn, `${l.loadBalancerName} ${l.protocol}:${l.port}`);
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

  const admin = await startAdmin(opts.adminListen, () => ({
    version: snapshot?.version ?? null,
    listeners: [...listenerStates.entries()].map(([key, state]) => ({ key, state })),
    targetHealth: health.records(),
  }));

  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping (in-flight requests finish first)`);
    stopWatch();
    health.stop();
    clearInterval(healthSaver);
    clearTimeout(drainTimer);
    admin.close();
    await Promise.all(
      [...workers].map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.disconnect();
            setTimeout(() => {
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

/** The admin endpoint; the AWS-compatible API joins it later. Loopback unless told otherwise. */
async function startAdmin(listen: string, status: () => unknown): Promise<http.Server> {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(listen.slice(colon + 1));
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK\n');
    } else if (req.method === 'GET' && req.url === '/status') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status(), null, 2));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => resolve());
  });
  const addr = server.address() as { address: string; port: number };
  say(`admin endpoint http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}/`);
  return server;
}
