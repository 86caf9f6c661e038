/**
 * Listener rules: a priority, conditions that must all match, and actions (spec §5). The
 * listener's default actions appear to the API as the rule with priority `default`.
 *
 * Conditions follow ALB: host-header (case-insensitive), path-pattern (case-sensitive),
 * http-header, query-string (wildcards `*` and `?` in all four), http-request-method, source-ip
 * (CIDR). host-header, path-pattern, http-request-method and source-ip appear at most once per
 * rule; each condition has 1–3 values and a rule at most 5 values and 5 wildcards in all.
 */
import type { Action } from './action.ts';
import type { Problems } from './errors.ts';
import { checkCidr } from './security-group.ts';

export type ConditionField = 'host-header' | 'path-pattern' | 'http-header' | 'http-request-method' | 'query-string' | 'source-ip';

export const conditionFields: readonly ConditionField[] = [
  'host-header', 'path-pattern', 'http-header', 'http-request-method', 'query-string', 'source-ip',
];

export interface RuleCondition {
  field: ConditionField;
  /** host-header, path-pattern, http-request-method, source-ip and http-header values. */
  values?: string[];
  /** http-header: the header's name. */
  httpHeaderName?: string;
  /** query-string: key (optional, any key when absent) and value pairs; `*` and `?` wildcards. */
  queryStringValues?: Array<{ key?: string; value: string }>;
}

export interface Rule {
  arn: string;
  listenerArn: string;
  priority: number;
  conditions: RuleCondition[];
  actions: Action[];
}

/** A condition as users write it: ALB's `Values` (host-header, path-pattern) or the field's `*Config`. */
export interface RuleConditionInput {
  field?: string;
  values?: string[];
  hostHeaderConfig?: { values?: string[] };
  pathPatternConfig?: { values?: string[] };
  httpHeaderConfig?: { httpHeaderName?: string; values?: string[] };
  queryStringConfig?: { values?: Array<{ key?: string; value?: string }> };
  httpRequestMethodConfig?: { values?: string[] };
  sourceIpConfig?: { values?: string[] };
}

/** ALB's limits on rules. */
export const ruleLimits = {
  minPriority: 1,
  maxPriority: 50000,
  valuesPerCondition: 3,
  valuesPerRule: 5,
  wildcardsPerRule: 5,
  /** Rules per load balancer, not counting the default rules (ALB's quota). */
  rulesPerLoadBalancer: 100,
  valueLength: 128,
  httpHeaderNameLength: 40,
  httpRequestMethodLength: 40,
} as const;

/** The `*Config` member that belongs to each field, under its API name. */
const configOf: Record<ConditionField, keyof RuleConditionInput> = {
  'host-header': 'hostHeaderConfig',
  'path-pattern': 'pathPatternConfig',
  'http-header': 'httpHeaderConfig',
  'http-request-method': 'httpRequestMethodConfig',
  'query-string': 'queryStringConfig',
  'source-ip': 'sourceIpConfig',
};

const apiName: Record<string, string> = {
  hostHeaderConfig: 'HostHeaderConfig',
  pathPatternConfig: 'PathPatternConfig',
  httpHeaderConfig: 'HttpHeaderConfig',
  httpRequestMethodConfig: 'HttpRequestMethodConfig',
  queryStringConfig: 'QueryStringConfig',
  sourceIpConfig: 'SourceIpConfig',
};

/** Fields a rule may have once at most. */
const singleFields: readonly ConditionField[] = ['host-header', 'path-pattern', 'http-request-method', 'source-ip'];

const hostPattern = /^[A-Za-z0-9\-.*?]+$/;
/** ALB's path characters: A–Z a–z 0–9 _ - . $ / ~ " ' @ : + & and the wildcards. */
const pathPattern = /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/;
/** RFC 7230 token characters, without the `*` wildcard (header names take no wildcards). */
const headerNamePattern = /^[A-Za-z0-9!#$%&'+\-.^_`|~]+$/;
/** Visible ASCII and space: ALB's rules see no control characters. */
const visibleAscii = /^[\x20-\x7e]+$/;
const methodPattern = /^[A-Z_-]+$/;

/** `*` and `?` in a value; in query strings `\*` and `\?` are literal characters. */
function wildcards(value: string, escapes: boolean): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (escapes && c === '\\') {
      i++;
      continue;
    }
    if (c === '*' || c === '?') n++;
  }
  return n;
}

/** The values a condition gives, whichever form it uses, with the path they were given at. */
interface Resolved {
  field: ConditionField;
  values: string[];
  valuesPath: string;
  httpHeaderName?: string;
  queryStringValues?: Array<{ key?: string; value?: string }>;
}

function resolve(c: RuleConditionInput, problems: Problems, path: string): Resolved | undefined {
  if (c === null || typeof c !== 'object') {
    problems.add(path, 'a condition must be a structure with Field and its values');
    return undefined;
  }
  if (c.field === undefined || c.field === '') {
    problems.add(`${path}.Field`, `Field is required: one of ${conditionFields.join(', ')}`);
    return undefined;
  }
  if (!conditionFields.includes(c.field as ConditionField)) {
    problems.add(`${path}.Field`, `Condition field '${c.field}' must be one of [${conditionFields.join(', ')}]`);
    return undefined;
  }
  const field = c.field as ConditionField;
  const own = configOf[field];
  for (const key of Object.values(configOf)) {
    if (key !== own && c[key] !== undefined) {
      problems.add(`${path}.${apiName[key]}`, `${apiName[key]} does not go with the field '${field}': use ${apiName[own]}`);
    }
  }
  const legacy = c.values;
  const config = c[own] as { values?: unknown[]; httpHeaderName?: string } | undefined;
  if (legacy !== undefined && legacy.length > 0) {
    if (field !== 'host-header' && field !== 'path-pattern') {
      problems.add(`${path}.Values`, `Values can be given only for host-header and path-pattern conditions: for '${field}' use ${apiName[own]}`);
      return undefined;
    }
    if (config !== undefined) {
      problems.add(`${path}.Values`, `Give either Values or ${apiName[own]} for a '${field}' condition, not both`);
      return undefined;
    }
    if (legacy.length > 1) {
      problems.add(`${path}.Values`, `Values takes a single ${field === 'host-header' ? 'host name' : 'path pattern'}: to give several, use ${apiName[own]}`);
      return undefined;
    }
    return { field, values: legacy, valuesPath: `${path}.Values` };
  }
  if (config === undefined) {
    problems.add(path, `A '${field}' condition needs ${field === 'host-header' || field === 'path-pattern' ? `Values or ${apiName[own]}` : apiName[own]}`);
    return undefined;
  }
  const valuesPath = `${path}.${apiName[own]}.Values`;
  if (field === 'query-string') {
    const pairs = (config.values ?? []) as Array<{ key?: string; value?: string }>;
    return { field, values: pairs.map((p) => `${p.key ?? ''}${p.value ?? ''}`), valuesPath, queryStringValues: pairs };
  }
  const values = (config.values ?? []) as string[];
  if (field === 'http-header') return { field, values, valuesPath, httpHeaderName: config.httpHeaderName ?? '' };
  return { field, values, valuesPath };
}

function checkValue(r: Resolved, value: unknown, problems: Problems, path: string): void {
  if (typeof value !== 'string' || value === '') {
    problems.add(path, 'a condition value must be a non-empty string');
    return;
  }
  if (value.length > ruleLimits.valueLength) {
    problems.add(path, `'${value.slice(0, 40)}...' is ${value.length} characters long: a condition value can be at most ${ruleLimits.valueLength}`);
    return;
  }
  switch (r.field) {
    case 'host-header': {
      if (!hostPattern.test(value)) {
        problems.add(path, `Host header '${value}' can contain only A-Z, a-z, 0-9, '-', '.' and the wildcards '*' and '?'`);
      } else if (!value.includes('.')) {
        problems.add(path, `Host header '${value}' must include at least one '.'`);
      } else if (!/\.[A-Za-z]+$/.test(value)) {
        problems.add(path, `Host header '${value}' can have only alphabetical characters after its final '.'`);
      }
      break;
    }
    case 'path-pattern':
      if (!pathPattern.test(value)) {
        problems.add(path, `Path pattern '${value}' can contain only A-Z, a-z, 0-9, the characters _-.$/~"'@:+& and the wildcards '*' and '?'`);
      }
      break;
    case 'http-header':
      if (!visibleAscii.test(value)) problems.add(path, 'an HTTP header value can contain only visible ASCII characters and spaces');
      break;
    case 'http-request-method':
      if (value.length > ruleLimits.httpRequestMethodLength) {
        problems.add(path, `HTTP request method '${value.slice(0, 40)}...' can be at most ${ruleLimits.httpRequestMethodLength} characters long`);
      } else if (!methodPattern.test(value)) {
        problems.add(path, `HTTP request method '${value}' can contain only A-Z, '-' and '_' (the comparison is case-sensitive, wildcards are not supported)`);
      }
      break;
    case 'source-ip':
      checkCidr(value, undefined, problems, path, 'ValidationError');
      break;
    default:
      break;
  }
}

/**
 * Checks a rule's conditions, reporting each problem at its place (`conditions[1].HostHeaderConfig.Values[2]`).
 * `required`: a non-default rule needs at least one condition.
 */
export function checkRuleConditions(conditions: readonly RuleConditionInput[] | undefined, problems: Problems, path: string, required = true): void {
  if (conditions === undefined || conditions.length === 0) {
    if (required) problems.add(path, 'A rule must have at least one condition');
    return;
  }
  const seen = new Map<ConditionField, number>();
  let totalValues = 0;
  let totalWildcards = 0;
  conditions.forEach((c, i) => {
    const cpath = `${path}[${i}]`;
    const r = resolve(c, problems, cpath);
    if (!r) return;
    const previous = seen.get(r.field);
    if (previous !== undefined && singleFields.includes(r.field)) {
      problems.add(`${cpath}.Field`, `A rule can have only one '${r.field}' condition (also at ${path}[${previous}]): put several values in one condition`);
    }
    if (previous === undefined) seen.set(r.field, i);
    if (r.values.length === 0) {
      problems.add(r.valuesPath, `A '${r.field}' condition needs at least one value`);
      return;
    }
    if (r.values.length > ruleLimits.valuesPerCondition) {
      problems.add(r.valuesPath, `A condition can have at most ${ruleLimits.valuesPerCondition} values, this '${r.field}' condition has ${r.values.length}`, 'TooManyConditionValues');
    }
    totalValues += r.values.length;
    if (r.field === 'http-header') {
      const name = r.httpHeaderName ?? '';
      const npath = `${cpath}.HttpHeaderConfig.HttpHeaderName`;
      if (name === '') problems.add(npath, 'HttpHeaderName is required for an http-header condition');
      else if (name.length > ruleLimits.httpHeaderNameLength) problems.add(npath, `HTTP header name '${name.slice(0, 40)}...' can be at most ${ruleLimits.httpHeaderNameLength} characters long`);
      else if (!headerNamePattern.test(name)) problems.add(npath, `HTTP header name '${name}' can contain only the token characters of RFC 7230 (A-Z, a-z, 0-9 and !#$%&'+-.^_\`|~); wildcards are not supported`);
      else if (name.toLowerCase() === 'host') problems.add(npath, "Use a host-header condition, not an http-header condition, to match the Host header");
    }
    if (r.field === 'query-string') {
      r.queryStringValues!.forEach((pair, k) => {
        const ppath = `${r.valuesPath}[${k}]`;
        if (pair === null || typeof pair !== 'object') {
          problems.add(ppath, 'a query-string value is a structure with an optional Key and a Value');
          return;
        }
        if (pair.value === undefined || pair.value === '') {
          problems.add(`${ppath}.Value`, 'Value is required in each query-string pair (Key is optional)');
          return;
        }
        if (pair.key !== undefined && pair.key === '') problems.add(`${ppath}.Key`, 'Key, when given, must not be empty');
        const len = (pair.key ?? '').length + pair.value.length;
        if (len > ruleLimits.valueLength) {
          problems.add(ppath, `a query-string pair can be at most ${ruleLimits.valueLength} characters long, this one is ${len}`);
        } else if (!visibleAscii.test(pair.value) || (pair.key !== undefined && pair.key !== '' && !visibleAscii.test(pair.key))) {
          problems.add(ppath, 'a query-string key and value can contain only visible ASCII characters and spaces');
        }
        totalWildcards += wildcards(pair.value, true) + wildcards(pair.key ?? '', true);
      });
      return;
    }
    r.values.forEach((v, k) => checkValue(r, v, problems, `${r.valuesPath}[${k}]`));
    if (r.field === 'host-header' || r.field === 'path-pattern' || r.field === 'http-header') {
      for (const v of r.values) if (typeof v === 'string') totalWildcards += wildcards(v, false);
    }
  });
  if (totalValues > ruleLimits.valuesPerRule) {
    problems.add(path, `A rule can have at most ${ruleLimits.valuesPerRule} condition values in all, this one has ${totalValues}`, 'TooManyConditionValues');
  }
  if (totalWildcards > ruleLimits.wildcardsPerRule) {
    problems.add(path, `A rule can have at most ${ruleLimits.wildcardsPerRule} wildcards ('*' or '?') in its conditions, this one has ${totalWildcards}`);
  }
}

/** Checked input → the stored shape (one form per field, whichever the user wrote). */
export function normalizeRuleConditions(conditions: readonly RuleConditionInput[]): RuleCondition[] {
  return conditions.map((c): RuleCondition => {
    const field = c.field as ConditionField;
    switch (field) {
      case 'host-header':
        return { field, values: [...(c.values?.length ? c.values : c.hostHeaderConfig!.values!)] };
      case 'path-pattern':
        return { field, values: [...(c.values?.length ? c.values : c.pathPatternConfig!.values!)] };
      case 'http-header':
        return { field, httpHeaderName: c.httpHeaderConfig!.httpHeaderName!, values: [...c.httpHeaderConfig!.values!] };
      case 'query-string':
        return {
          field,
          queryStringValues: c.queryStringConfig!.values!.map((p) => ({ ...(p.key !== undefined ? { key: p.key } : {}), value: p.value! })),
        };
      case 'http-request-method':
        return { field, values: [...c.httpRequestMethodConfig!.values!] };
      default:
        return { field, values: [...c.sourceIpConfig!.values!] };
    }
  });
}

export function checkRulePriority(priority: unknown, problems: Problems, path: string): void {
  if (!Number.isInteger(priority) || (priority as number) < ruleLimits.minPriority || (priority as number) > ruleLimits.maxPriority) {
    problems.add(path, `Priority must be an integer from ${ruleLimits.minPriority} to ${ruleLimits.maxPriority}, got ${JSON.stringify(priority)}`);
  }
}

/**
 * The ARN of a listener's default rule. ALB gives it its own id; Albatross derives it from the
 * listener's id (each hex digit complemented), so it is stable and needs no storage.
 */
export function defaultRuleArn(listenerArn: string): string {
  const slash = listenerArn.lastIndexOf('/');
  const id = listenerArn.slice(slash + 1);
  const derived = id.replace(/[0-9a-f]/g, (d) => (15 - parseInt(d, 16)).toString(16));
  return `${listenerArn.replace(':listener/', ':listener-rule/')}/${derived}`;
}

/** The listener ARN a rule ARN belongs to, or undefined when it is not a listener-rule ARN. */
export function listenerArnOfRule(ruleArnValue: string): string | undefined {
  if (!/^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener-rule\/app\/[^/]+\/[^/]+\/[^/]+\/[^/]+$/.test(ruleArnValue)) return undefined;
  return ruleArnValue.slice(0, ruleArnValue.lastIndexOf('/')).replace(':listener-rule/', ':listener/');
}
