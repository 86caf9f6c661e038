/**
 * Target groups: where a listener's forward action sends requests, and how their targets are
 * health-checked. Defaults and ranges are ALB's (spec §4).
 */
import { Problems } from './errors.ts';
import { checkIntRange, checkOneOf, checkPort, checkResourceName } from './names.ts';
import { checkAttributes, checkTargetGroupAttributeCombination, defaultAttributes, targetGroupAttributeSpecs, type Attributes } from './attributes.ts';

export type TargetGroupProtocol = 'HTTP' | 'HTTPS';
export type ProtocolVersion = 'HTTP1' | 'HTTP2' | 'GRPC';
export type TargetType = 'instance' | 'ip';

export interface HealthCheckSettings {
  enabled: boolean;
  protocol: TargetGroupProtocol;
  /** `traffic-port` (the target's own port) or a port number as a string, as in the API. */
  port: string;
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
  /** HTTP codes that count as healthy: `200`, `200,202`, `200-299`. */
  matcher: string;
}

export interface TargetGroup {
  arn: string;
  name: string;
  protocol: TargetGroupProtocol;
  port: number;
  protocolVersion: ProtocolVersion;
  targetType: TargetType;
  healthCheck: HealthCheckSettings;
  attributes: Attributes;
  createdAt: number;
}

/** What a user gives to create or change a target group; omitted fields take ALB's defaults. */
export interface TargetGroupInput {
  name: string;
  protocol?: string;
  port?: number;
  protocolVersion?: string;
  targetType?: string;
  healthCheckEnabled?: boolean;
  healthCheckProtocol?: string;
  healthCheckPort?: string | number;
  healthCheckPath?: string;
  healthCheckIntervalSeconds?: number;
  healthCheckTimeoutSeconds?: number;
  healthyThresholdCount?: number;
  unhealthyThresholdCount?: number;
  matcher?: string;
  attributes?: Attributes;
}

export const targetGroupProtocols = ['HTTP', 'HTTPS'] as const;
export const protocolVersions = ['HTTP1', 'HTTP2', 'GRPC'] as const;
export const targetTypes = ['instance', 'ip'] as const;

export const healthCheckDefaults = {
  enabled: true,
  port: 'traffic-port',
  path: '/',
  intervalSeconds: 30,
  timeoutSeconds: 5,
  healthyThresholdCount: 5,
  unhealthyThresholdCount: 2,
  matcher: '200',
} as const;

/** A parsed matcher: inclusive [low, high] code ranges. */
export type CodeRanges = ReadonlyArray<readonly [number, number]>;

/** Parses `200`, `200,202`, `200-299`; returns undefined when malformed or outside 200–499. */
export function parseMatcher(matcher: string): CodeRanges | undefined {
  const ranges: Array<[number, number]> = [];
  for (const part of matcher.split(',')) {
    const m = /^\s*(\d{3})(?:-(\d{3}))?\s*$/.exec(part);
    if (!m) return undefined;
    const low = Number(m[1]);
    const high = m[2] ? Number(m[2]) : low;
    if (low < 200 || high > 499 || high < low) return undefined;
    ranges.push([low, high]);
  }
  return ranges;
}

export function matchesCode(ranges: CodeRanges, code: number): boolean {
  for (const [low, high] of ranges) if (code >= low && code <= high) return true;
  return false;
}

/** Builds a complete target group from input, or throws with every problem found. */
export function buildTargetGroup(input: TargetGroupInput, arn: string, createdAt: number, path = 'targetGroup'): TargetGroup {
  const problems = new Problems();
  checkTargetGroupInput(input, problems, path);
  problems.throwIfAny();
  return applyTargetGroupInput(input, arn, createdAt);
}

/** Fills defaults; input must have passed `checkTargetGroupInput`. */
export function applyTargetGroupInput(input: TargetGroupInput, arn: string, createdAt: number): TargetGroup {
  const protocol = (input.protocol ?? 'HTTP') as TargetGroupProtocol;
  return {
    arn,
    name: input.name,
    protocol,
    port: input.port ?? (protocol === 'HTTPS' ? 443 : 80),
    protocolVersion: (input.protocolVersion ?? 'HTTP1') as ProtocolVersion,
    targetType: (input.targetType ?? 'instance') as TargetType,
    healthCheck: {
      enabled: input.healthCheckEnabled ?? healthCheckDefaults.enabled,
      protocol: (input.healthCheckProtocol ?? protocol) as TargetGroupProtocol,
      port: input.healthCheckPort === undefined ? healthCheckDefaults.port : String(input.healthCheckPort),
      path: input.healthCheckPath ?? healthCheckDefaults.path,
      intervalSeconds: input.healthCheckIntervalSeconds ?? healthCheckDefaults.intervalSeconds,
      timeoutSeconds: input.healthCheckTimeoutSeconds ?? healthCheckDefaults.timeoutSeconds,
      healthyThresholdCount: input.healthyThresholdCount ?? healthCheckDefaults.healthyThresholdCount,
      unhealthyThresholdCount: input.unhealthyThresholdCount ?? healthCheckDefaults.unhealthyThresholdCount,
      matcher: (input.matcher ?? healthCheckDefaults.matcher).replace(/\s+/g, ''),
    },
    attributes: { ...defaultAttributes(targetGroupAttributeSpecs), ...(input.attributes ?? {}) },
    createdAt,
  };
}

export function checkTargetGroupInput(input: TargetGroupInput, problems: Problems, path: string): void {
  checkResourceName(input.name, 'Target group', problems, `${path}.name`);
  if (input.protocol !== undefined) checkOneOf(input.protocol, targetGroupProtocols, 'protocol', problems, `${path}.protocol`);
  if (input.port !== undefined) checkPort(input.port, problems, `${path}.port`);
  if (input.protocolVersion !== undefined) {
    checkOneOf(input.protocolVersion, protocolVersions, 'protocolVersion', problems, `${path}.protocolVersion`);
  }
  if (input.targetType !== undefined) checkOneOf(input.targetType, targetTypes, 'targetType', problems, `${path}.targetType`);
  if (input.healthCheckEnabled !== undefined && typeof input.healthCheckEnabled !== 'boolean') {
    problems.add(`${path}.healthCheckEnabled`, 'must be true or false');
  }
  if (input.healthCheckProtocol !== undefined) {
    checkOneOf(input.healthCheckProtocol, targetGroupProtocols, 'healthCheckProtocol', problems, `${path}.healthCheckProtocol`);
  }
  if (input.healthCheckPort !== undefined && input.healthCheckPort !== 'traffic-port') {
    const n = typeof input.healthCheckPort === 'number' ? input.healthCheckPort : Number(input.healthCheckPort);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      problems.add(`${path}.healthCheckPort`, `healthCheckPort must be 'traffic-port' or a port from 1 to 65535, got ${JSON.stringify(input.healthCheckPort)}`);
    }
  }
  if (input.healthCheckPath !== undefined) {
    const p = input.healthCheckPath;
    if (typeof p !== 'string' || !p.startsWith('/') || p.length > 1024 || /[\s\x00-\x1f\x7f]/.test(p)) {
      problems.add(`${path}.healthCheckPath`, `healthCheckPath must start with '/', be at most 1024 characters and contain no spaces or control characters, got ${JSON.stringify(p)}`);
    }
  }
  const interval = input.healthCheckIntervalSeconds ?? healthCheckDefaults.intervalSeconds;
  const timeout = input.healthCheckTimeoutSeconds ?? healthCheckDefaults.timeoutSeconds;
  if (input.healthCheckIntervalSeconds !== undefined) {
    checkIntRange(interval, 5, 300, 'healthCheckIntervalSeconds', problems, `${path}.healthCheckIntervalSeconds`);
  }
  if (input.healthCheckTimeoutSeconds !== undefined) {
    checkIntRange(timeout, 2, 120, 'healthCheckTimeoutSeconds', problems, `${path}.healthCheckTimeoutSeconds`);
  }
  const inRange = Number.isInteger(interval) && interval >= 5 && interval <= 300 && Number.isInteger(timeout) && timeout >= 2 && timeout <= 120;
  if (inRange && timeout >= interval) {
    problems.add(`${path}.healthCheckTimeoutSeconds`, `health check timeout (${timeout}) must be smaller than the interval (${interval})`);
  }
  if (input.healthyThresholdCount !== undefined) {
    checkIntRange(input.healthyThresholdCount, 2, 10, 'healthyThresholdCount', problems, `${path}.healthyThresholdCount`);
  }
  if (input.unhealthyThresholdCount !== undefined) {
    checkIntRange(input.unhealthyThresholdCount, 2, 10, 'unhealthyThresholdCount', problems, `${path}.unhealthyThresholdCount`);
  }
  if (input.matcher !== undefined && (typeof input.matcher !== 'string' || !parseMatcher(input.matcher))) {
    problems.add(`${path}.matcher`, `matcher must be HTTP codes from 200 to 499 like '200', '200,202' or '200-299', got ${JSON.stringify(input.matcher)}`);
  }
  if (input.attributes !== undefined) {
    const before = problems.list.length;
    checkAttributes(targetGroupAttributeSpecs, input.attributes, problems, `${path}.attributes`);
    if (problems.list.length === before) {
      checkTargetGroupAttributeCombination({ ...defaultAttributes(targetGroupAttributeSpecs), ...input.attributes }, problems, `${path}.attributes`);
    }
  }
}
