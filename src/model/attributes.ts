/**
 * Attribute keys of target groups and load balancers, with ALB's defaults and allowed values.
 * Attributes travel as strings (as in the API); `read*` helpers turn them into typed settings.
 */
import type { Problems } from './errors.ts';

/** Returns an error message for a bad value, or undefined when the value is allowed. */
type Check = (value: string) => string | undefined;

interface AttributeSpec {
  default: string;
  check: Check;
}

function intRange(min: number, max: number, alsoZero = false): Check {
  return (v) => {
    if (!/^\d+$/.test(v)) return `must be an integer from ${alsoZero ? '0 or ' : ''}${min} to ${max}`;
    const n = Number(v);
    if (alsoZero && n === 0) return undefined;
    return n >= min && n <= max ? undefined : `must be ${alsoZero ? '0 or ' : ''}from ${min} to ${max}, got ${v}`;
  };
}

function oneOf(...values: string[]): Check {
  return (v) => (values.includes(v) ? undefined : `must be one of ${values.join(', ')}, got '${v}'`);
}

const bool = oneOf('true', 'false');

const cookieName: Check = (v) =>
  v === '' || /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,255}$/.test(v) ? undefined : 'must be a valid cookie name';

export const targetGroupAttributeSpecs: Readonly<Record<string, AttributeSpec>> = {
  'deregistration_delay.timeout_seconds': { default: '300', check: intRange(0, 3600) },
  'slow_start.duration_seconds': { default: '0', check: intRange(30, 900, true) },
  'stickiness.enabled': { default: 'false', check: bool },
  'stickiness.type': { default: 'lb_cookie', check: oneOf('lb_cookie', 'app_cookie') },
  'stickiness.lb_cookie.duration_seconds': { default: '86400', check: intRange(1, 604800) },
  'stickiness.app_cookie.cookie_name': { default: '', check: cookieName },
  'stickiness.app_cookie.duration_seconds': { default: '86400', check: intRange(1, 604800) },
  'load_balancing.algorithm.type': {
    default: 'round_robin',
    check: oneOf('round_robin', 'least_outstanding_requests', 'weighted_random'),
  },
  'load_balancing.algorithm.anomaly_mitigation': { default: 'off', check: oneOf('on', 'off') },
  'load_balancing.cross_zone.enabled': {
    default: 'use_load_balancer_configuration',
    check: oneOf('true', 'false', 'use_load_balancer_configuration'),
  },
  // Albatross's own failover knobs. ALB has no such keys; the `albatross.` prefix keeps them
  // apart from any key ALB may add. The defaults are how Albatross behaves without them.
  'albatross.retry.enabled': { default: 'true', check: bool },
  'albatross.retry.max_body_bytes': { default: '65536', check: intRange(0, 1048576) },
  'albatross.outlier_detection.consecutive_5xx': { default: '5', check: intRange(0, 1000) },
  'albatross.outlier_detection.connection_errors.enabled': { default: 'true', check: bool },
};

export const loadBalancerAttributeSpecs: Readonly<Record<string, AttributeSpec>> = {
  'idle_timeout.timeout_seconds': { default: '60', check: intRange(1, 4000) },
  'client_keep_alive.seconds': { default: '3600', check: intRange(60, 604800) },
  'routing.http.desync_mitigation_mode': { default: 'defensive', check: oneOf('monitor', 'defensive', 'strictest') },
  'routing.http.drop_invalid_header_fields.enabled': { default: 'false', check: bool },
  'routing.http.preserve_host_header.enabled': { default: 'false', check: bool },
  'routing.http.xff_header_processing.mode': { default: 'append', check: oneOf('append', 'preserve', 'remove') },
  'routing.http.xff_client_port.enabled': { default: 'false', check: bool },
  'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': { default: 'false', check: bool },
  'routing.http2.enabled': { default: 'true', check: bool },
  'deletion_protection.enabled': { default: 'false', check: bool },
  'access_logs.s3.enabled': { default: 'false', check: bool },
  'access_logs.s3.bucket': { default: '', check: () => undefined },
  'access_logs.s3.prefix': { default: '', check: () => undefined },
};

export type Attributes = Record<string, string>;

export function defaultAttributes(specs: Readonly<Record<string, AttributeSpec>>): Attributes {
  const out: Attributes = {};
  for (const key of Object.keys(specs)) out[key] = specs[key]!.default;
  return out;
}

/** Checks each key and value of `changes`; problems are reported under `path`. */
export function checkAttributes(
  specs: Readonly<Record<string, AttributeSpec>>,
  changes: Attributes,
  problems: Problems,
  path: string,
): void {
  for (const [key, value] of Object.entries(changes)) {
    const spec = specs[key];
    if (!spec) {
      problems.add(`${path}.${key}`, `unknown attribute '${key}'`);
      continue;
    }
    if (typeof value !== 'string') {
      problems.add(`${path}.${key}`, 'must be a string');
      continue;
    }
    const message = spec.check(value);
    if (message) problems.add(`${path}.${key}`, `attribute '${key}' ${message}`);
  }
}

/** Combinations of target-group attributes the per-key checks cannot see (ALB refuses them too). */
export function checkTargetGroupAttributeCombination(a: Attributes, problems: Problems, path = 'attributes'): void {
  if (a['load_balancing.algorithm.anomaly_mitigation'] === 'on' && a['load_balancing.algorithm.type'] !== 'weighted_random') {
    problems.add(`${path}.load_balancing.algorithm.anomaly_mitigation`, 'anomaly mitigation can be on only with load_balancing.algorithm.type weighted_random');
  }
  if (a['stickiness.enabled'] === 'true' && a['stickiness.type'] === 'app_cookie' && !a['stickiness.app_cookie.cookie_name']) {
    problems.add(`${path}.stickiness.app_cookie.cookie_name`, 'app_cookie stickiness needs stickiness.app_cookie.cookie_name');
  }
  if (a['load_balancing.algorithm.type'] === 'least_outstanding_requests' && Number(a['slow_start.duration_seconds'] ?? '0') > 0) {
    problems.add(`${path}.slow_start.duration_seconds`, 'You cannot enable both slow start mode and least outstanding requests');
  }
  const cookie = a['stickiness.app_cookie.cookie_name'] ?? '';
  if (/^(AWSALB|AWSALBAPP|AWSALBTG)/i.test(cookie)) {
    problems.add(`${path}.stickiness.app_cookie.cookie_name`, `cookie name '${cookie}' is reserved for the load balancer's own cookies`);
  }
}

/** Typed view of the target-group attributes the data plane and health checker use. */
export interface TargetGroupSettings {
  deregistrationDelayMs: number;
  slowStartMs: number;
  stickinessEnabled: boolean;
  stickinessType: 'lb_cookie' | 'app_cookie';
  lbCookieDurationSeconds: number;
  appCookieName: string;
  appCookieDurationSeconds: number;
  algorithm: 'round_robin' | 'least_outstanding_requests' | 'weighted_random';
  anomalyMitigation: boolean;
  /**
   * A request no target can have acted on (never sent, or idempotent with its connection dead
   * before any response byte; never one that timed out) goes once to another target.
   */
  retryEnabled: boolean;
  /** The largest body kept so an idempotent request can be sent again (0: bodies are never kept). */
  retryMaxBodyBytes: number;
  /** 5XX responses in a row that eject a target; 0: never. */
  outlierConsecutive5xx: number;
  /** A refused connection, or a fresh one reset, ejects the target. */
  outlierConnectionErrors: boolean;
}

export function readTargetGroupSettings(a: Attributes): TargetGroupSettings {
  const get = (k: string): string => a[k] ?? targetGroupAttributeSpecs[k]!.default;
  return {
    deregistrationDelayMs: Number(get('deregistration_delay.timeout_seconds')) * 1000,
    slowStartMs: Number(get('slow_start.duration_seconds')) * 1000,
    stickinessEnabled: get('stickiness.enabled') === 'true',
    stickinessType: get('stickiness.type') as TargetGroupSettings['stickinessType'],
    lbCookieDurationSeconds: Number(get('stickiness.lb_cookie.duration_seconds')),
    appCookieName: get('stickiness.app_cookie.cookie_name'),
    appCookieDurationSeconds: Number(get('stickiness.app_cookie.duration_seconds')),
    algorithm: get('load_balancing.algorithm.type') as TargetGroupSettings['algorithm'],
    anomalyMitigation: get('load_balancing.algorithm.anomaly_mitigation') === 'on',
    retryEnabled: get('albatross.retry.enabled') === 'true',
    retryMaxBodyBytes: Number(get('albatross.retry.max_body_bytes')),
    outlierConsecutive5xx: Number(get('albatross.outlier_detection.consecutive_5xx')),
    outlierConnectionErrors: get('albatross.outlier_detection.connection_errors.enabled') === 'true',
  };
}

/** Typed view of the load-balancer attributes the data plane uses. */
export interface LoadBalancerSettings {
  idleTimeoutMs: number;
  clientKeepAliveMs: number;
  desyncMitigationMode: 'monitor' | 'defensive' | 'strictest';
  dropInvalidHeaderFields: boolean;
  preserveHostHeader: boolean;
  xffMode: 'append' | 'preserve' | 'remove';
  xffClientPort: boolean;
  tlsHeaders: boolean;
  http2: boolean;
  accessLogs: boolean;
}

export function readLoadBalancerSettings(a: Attributes): LoadBalancerSettings {
  const get = (k: string): string => a[k] ?? loadBalancerAttributeSpecs[k]!.default;
  return {
    idleTimeoutMs: Number(get('idle_timeout.timeout_seconds')) * 1000,
    clientKeepAliveMs: Number(get('client_keep_alive.seconds')) * 1000,
    desyncMitigationMode: get('routing.http.desync_mitigation_mode') as LoadBalancerSettings['desyncMitigationMode'],
    dropInvalidHeaderFields: get('routing.http.drop_invalid_header_fields.enabled') === 'true',
    preserveHostHeader: get('routing.http.preserve_host_header.enabled') === 'true',
    xffMode: get('routing.http.xff_header_processing.mode') as LoadBalancerSettings['xffMode'],
    xffClientPort: get('routing.http.xff_client_port.enabled') === 'true',
    tlsHeaders: get('routing.http.x_amzn_tls_version_and_cipher_suite.enabled') === 'true',
    http2: get('routing.http2.enabled') === 'true',
    accessLogs: get('access_logs.s3.enabled') === 'true',
  };
}
