/** The load generator behind `albatross loadtest` and `albatross demo --failover`. */
export { runLoadTestInConsole, type ConsoleLoadTestOptions, type RunControl } from './console-run.ts';
export type { EventMark, HealthMark, LoadTestReport, TimelineSecond } from './report.ts';
