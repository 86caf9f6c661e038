/** Name and value rules shared by several resources, with ALB's wording. */
import type { Problems } from './errors.ts';

const resourceNamePattern = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

/** Target group and load balancer names: 1–32 alphanumerics or hyphens, no hyphen at either end. */
export function checkResourceName(name: unknown, what: string, problems: Problems, path: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    problems.add(path, `${what} name is required`);
  } else if (name.length > 32) {
    problems.add(path, `${what} name '${name}' cannot be longer than 32 characters`);
  } else if (!resourceNamePattern.test(name)) {
    problems.add(path, `${what} name '${name}' can contain only alphanumeric characters and hyphens, and cannot begin or end with a hyphen`);
  } else if (name.toLowerCase().startsWith('internal-')) {
    problems.add(path, `${what} name '${name}' cannot begin with 'internal-'`);
  }
}

export function checkPort(port: unknown, problems: Problems, path: string): void {
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
    problems.add(path, `port must be an integer from 1 to 65535, got ${JSON.stringify(port)}`);
  }
}

export function checkIntRange(value: unknown, min: number, max: number, what: string, problems: Problems, path: string): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    problems.add(path, `${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], what: string, problems: Problems, path: string): value is T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    problems.add(path, `${what} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return false;
  }
  return true;
}
