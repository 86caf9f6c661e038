/**
 * A cluster worker: runs the data plane on snapshots and health updates from the supervisor.
 * It holds no configuration of its own, so a restarted worker is whole as soon as it gets the
 * current snapshot.
 */
import { join, resolve } from 'node:path';
import { DataPlane } from '../dataplane/index.ts';
import type { ToSupervisor, ToWorker } from './ipc.ts';

/** `dataDir`: access logs go to `<dataDir>/access-logs/`. */
export function runWorker(dataDir: string): void {
  const send = (m: ToSupervisor): void => {
    if (process.connected) process.send!(m);
  };
  const dataPlane = new DataPlane(
    (status) => send({ type: 'listener', status }),
    (targetGroupArn, targetKey, result) => send({ type: 'eject', targetGroupArn, targetKey, result }),
    join(resolve(dataDir), 'access-logs'),
  );
  process.on('message', (m: ToWorker) => {
    if (m.type === 'snapshot') dataPlane.apply(m.snapshot);
    else if (m.type === 'health') dataPlane.applyHealth(m.updates);
    else if (m.type === 'stats-request') send({ type: 'stats', id: m.id, stats: dataPlane.stats() });
  });
  // The supervisor going away (or disconnecting us to stop) means: finish in-flight work and exit.
  process.on('disconnect', () => {
    void dataPlane.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 30_000).unref();
  });
  // One request's bug must not take every connection of this worker down with it.
  process.on('uncaughtException', (err) => {
    process.stderr.write(`albatross worker ${process.pid}: uncaught ${err.stack ?? String(err)}\n`);
  });
  process.on('SIGTERM', () => undefined);
  process.on('SIGINT', () => undefined);
  send({ type: 'ready' });
}
