/** Upstream side of the data plane: keep-alive connections to targets. */
export { UpstreamPool, connectTimeoutMs } from './upstream-pool.ts';
export type { UpstreamConnection } from './upstream-connection.ts';
export { ReplayBody } from './replay-body.ts';
export type { UpstreamHandler, UpstreamPhase } from './upstream-handler.ts';
