/** Active health checks (supervisor only): the checker and its HTTP probe. */
export * from './health-checker.ts';
export * from './http-probe.ts';
