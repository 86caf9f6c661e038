/** One load balancer and one target group, and a load balancer's counters, for the monitoring tests. */
import type { LoadBalancerTotals } from '../../src/monitoring/index.ts';

export const LB = 'arn:aws:elasticloadbalancing:local:000000000000:loadbalancer/app/web/0123456789abcdef';
export const LB_DIM = 'app/web/0123456789abcdef';
export const TG = 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/pool/fedcba9876543210';
export const TG_DIM = 'targetgroup/pool/fedcba9876543210';

/** LB's counters with `requestCount` requests and nothing else, unless `extra` says so. */
export function lb(requestCount: number, extra: Partial<LoadBalancerTotals> = {}): LoadBalancerTotals {
  return {
    loadBalancerArn: LB,
    requestCount,
    elb4xx: 0,
    elb5xx: 0,
    newConnectionCount: 0,
    activeConnectionCount: 0,
    processedBytes: 0,
    clientTlsNegotiationErrors: 0,
    rejectedConnectionCount: 0,
    ...extra,
  };
}
