/** Metric history and target health timelines: recorded by the supervisor, read by the API. */
import type { MetricHistory } from './metric-history.ts';
import type { HealthEventLog } from './health-events.ts';

export * from './dimensions.ts';
export * from './metric-history.ts';
export * from './metric-query.ts';
export * from './statistics.ts';
export * from './health-events.ts';

/** What the supervisor records and the monitoring API reads. */
export interface Monitoring {
  metrics: MetricHistory;
  healthEvents: HealthEventLog;
}
