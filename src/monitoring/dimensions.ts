/**
 * CloudWatch's dimensions for ALB metrics (namespace `AWS/ApplicationELB`): `LoadBalancer`
 * (`app/<name>/<id>`) and `TargetGroup` (`targetgroup/<name>/<id>`), as ALB publishes them, plus
 * Albatross's own `Target` (`<id>:<port>`, with `TargetGroup`) for per-target series.
 */

export const NAMESPACE = 'AWS/ApplicationELB';

export const DIMENSION_NAMES = ['LoadBalancer', 'TargetGroup', 'Target'] as const;
export type DimensionName = (typeof DIMENSION_NAMES)[number];

/** ALB's dimension value of an ARN: `app/<name>/<id>` for a load balancer, `targetgroup/<name>/<id>` for a group. */
export function dimensionValue(arn: string): string {
  const lb = arn.indexOf(':loadbalancer/');
  if (lb >= 0) return arn.slice(lb + ':loadbalancer/'.length);
  const tg = arn.indexOf(':targetgroup/');
  return tg >= 0 ? arn.slice(tg + 1) : arn;
}
