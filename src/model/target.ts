/** Targets: a host name (instance) or IP literal (ip) plus a port, registered in a target group. */
import { isIP } from 'node:net';
import type { Problems } from './errors.ts';
import type { TargetType } from './target-group.ts';

export interface Target {
  /** Host name for `instance` targets, IP literal for `ip` targets. */
  id: string;
  port: number;
  availabilityZone?: string;
  registeredAt: number;
  /** Set while the target drains after deregistration; it is removed at `drainUntil`. */
  drainUntil?: number;
}

export interface TargetInput {
  id: string;
  port?: number;
}

/** The identity of a target inside its group: the same id on two ports is two targets. */
export function targetKey(id: string, port: number): string {
  return `${id}:${port}`;
}

const hostnamePattern = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

export function checkTargetInput(input: TargetInput, targetType: TargetType, problems: Problems, path: string): void {
  if (typeof input.id !== 'string' || input.id.length === 0) {
    problems.add(`${path}.id`, 'target id is required', 'InvalidTarget');
  } else if (targetType === 'ip' && isIP(input.id) === 0) {
    problems.add(`${path}.id`, `target '${input.id}' is not an IPv4 or IPv6 address (the target group's targetType is ip)`, 'InvalidTarget');
  } else if (targetType === 'instance' && isIP(input.id) === 0 && !hostnamePattern.test(input.id)) {
    problems.add(`${path}.id`, `target '${input.id}' is not a valid host name or address`, 'InvalidTarget');
  }
  if (input.port !== undefined && (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)) {
    problems.add(`${path}.port`, `port must be an integer from 1 to 65535, got ${JSON.stringify(input.port)}`, 'InvalidTarget');
  }
}
