/** The data plane's public surface, used by the worker process. */
export { DataPlane } from './dataplane.ts';
export type { ListenerStatus } from './listener-manager.ts';
export { responseTimeBuckets, type WorkerStats } from './stats.ts';
