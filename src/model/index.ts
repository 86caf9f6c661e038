/** The model's public surface: resource shapes, defaults, validation and errors. Pure, no I/O. */
export * from './errors.ts';
export * from './arn.ts';
export * from './attributes.ts';
export * from './names.ts';
export * from './target-group.ts';
export * from './target.ts';
export * from './target-health.ts';
export * from './load-balancer.ts';
export * from './listener.ts';
export * from './action.ts';
export * from './rule.ts';
export * from './certificate.ts';
export * from './security-group.ts';
export * from './access-key.ts';
export * from './ssl-policy.ts';
