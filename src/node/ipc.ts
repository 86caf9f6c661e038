/** Messages between the supervisor (cluster primary) and its workers. */
import type { HealthUpdate, Snapshot } from '../snapshot/index.ts';
import type { ListenerStatus } from '../dataplane/index.ts';

export type ToWorker =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'health'; updates: HealthUpdate[] };

export type ToSupervisor =
  | { type: 'ready' }
  | { type: 'listener'; status: ListenerStatus };
