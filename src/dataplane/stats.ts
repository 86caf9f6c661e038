/**
 * Counters a worker keeps for metrics (ALB's CloudWatch names, spec §7). They are plain numbers
 * on objects that outlive snapshots — one per load balancer, one per target — incremented on the
 * request path at the cost of an addition; the supervisor pulls and sums them across workers.
 */

/** Upper bounds (seconds) of the TargetResponseTime histogram buckets. */
export const responseTimeBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export class LoadBalancerStats {
  requestCount = 0;
  elb4xx = 0;
  elb5xx = 0;
  newConnectionCount = 0;
  activeConnectionCount = 0;
  processedBytes = 0;
  clientTlsNegotiationErrors = 0;
  rejectedConnectionCount = 0;

  countLocalReply(status: number): void {
    if (status >= 500) this.elb5xx++;
    else if (status >= 400) this.elb4xx++;
  }
}

export class TargetStats {
  requestCount = 0;
  target2xx = 0;
  target3xx = 0;
  target4xx = 0;
  target5xx = 0;
  connectionErrors = 0;
  /** Cumulative-free bucket counts (index i counts responses in (bounds[i-1], bounds[i]]; last: above). */
  readonly responseTimeCounts = new Float64Array(responseTimeBuckets.length + 1);
  responseTimeSum = 0;

  /** A response head arrived `seconds` after the request was sent. */
  countResponse(status: number, seconds: number): void {
    if (status < 300) this.target2xx++;
    else if (status < 400) this.target3xx++;
    else if (status < 500) this.target4xx++;
    else this.target5xx++;
    let i = 0;
    while (i < responseTimeBuckets.length && seconds > responseTimeBuckets[i]!) i++;
    this.responseTimeCounts[i]!++;
    this.responseTimeSum += seconds;
  }
}

/**
 * What a worker reports: cumulative since it started, keyed so the supervisor can sum workers,
 * for the load balancers and targets of the snapshot it runs (`version`; -1 before the first).
 */
export interface WorkerStats {
  version: number;
  loadBalancers: Array<{ loadBalancerArn: string; loadBalancerName: string } & Omit<LoadBalancerStats, 'countLocalReply'>>;
  targets: Array<
    { targetGroupArn: string; targetGroupName: string; loadBalancerArns: string[]; targetKey: string; responseTimeCounts: number[] } &
      Omit<TargetStats, 'countResponse' | 'responseTimeCounts'>
  >;
}
