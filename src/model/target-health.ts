/** Observed health of a target, with ALB's states, reason codes and descriptions (spec §4). */

export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export type TargetHealthReason =
  | 'Elb.RegistrationInProgress'
  | 'Elb.InitialHealthChecking'
  | 'Target.ResponseCodeMismatch'
  | 'Target.Timeout'
  | 'Target.FailedHealthChecks'
  | 'Target.NotRegistered'
  | 'Target.NotInUse'
  | 'Target.DeregistrationInProgress'
  | 'Target.InvalidState'
  | 'Target.IpUnusable'
  | 'Target.HealthCheckDisabled'
  | 'Elb.InternalError';

export interface TargetHealth {
  state: TargetHealthState;
  reason?: TargetHealthReason;
  description?: string;
}

/** ALB's descriptions for each reason, as DescribeTargetHealth shows them. */
export const reasonDescriptions: Readonly<Record<TargetHealthReason, string>> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Target.ResponseCodeMismatch': 'Health checks failed with these codes',
  'Target.Timeout': 'Request timed out',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.NotRegistered': 'Target is not registered to the target group',
  'Target.NotInUse': 'Target group is not configured to receive traffic from the load balancer',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.InvalidState': 'Target is in the stopped or terminated state',
  'Target.IpUnusable': 'The target host name does not resolve to a usable address',
  'Target.HealthCheckDisabled': 'Health checks are disabled',
  'Elb.InternalError': 'Health checks failed due to an internal error',
};

export function health(state: TargetHealthState, reason?: TargetHealthReason, detail?: string): TargetHealth {
  if (!reason) return { state };
  const base = reasonDescriptions[reason];
  return { state, reason, description: detail ? `${base}: ${detail}` : base };
}
