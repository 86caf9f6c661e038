/** Messages between the supervisor (cluster primary) and its workers. */
import type { HealthUpdate, Snapshot } from '../snapshot/index.ts';
import type { ListenerStatus, WorkerStats } from '../dataplane/index.ts';

export type ToWorker =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'health'; updates: HealthUpdate[] }
  | { type: 'stats-request'; id: number };

export type ToSupervisor =
  | { type: 'ready' }
  | { type: 'listener'; status: ListenerStatus }
  | { type: 'stats'; id: number; stats: WorkerStats }
  | { type: 'eject'; targetGroupArn: string; targetKey: string; result: string };
