/**
 * Reads the declarative file (`albatross apply -f albatross.yaml`) into a checked `DesiredConfig`.
 *
 * A bad file is rejected whole: every problem is collected, each with its path in the file
 * (`targetGroups[0].healthCheckIntervalSeconds`), and thrown as one `AlbatrossError`. Checks run
 * in tiers: YAML/JSON syntax (stops here, nothing else can be read), then shape (zod: types and
 * unknown keys), then values (the model's own checks, so the words match the API's), then
 * consistency (duplicate names and ports, target group references, the store's listeners).
 * A problem in an earlier tier hides later-tier problems at or below the same path, so a wrong
 * type is reported once, not once more as "out of range".
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import {
  AlbatrossError,
  Problems,
  checkListenerInput,
  checkLoadBalancerInput,
  checkTargetGroupInput,
  checkTargetInput,
  referencedTargetGroups,
  targetKey,
  targetTypes,
  type ActionInput,
  type Listener,
  type ListenerCertificate,
  type ListenerProtocol,
  type LoadBalancer,
  type LoadBalancerInput,
  type Problem,
  type TargetGroup,
  type TargetGroupInput,
  type TargetType,
} from '../model/index.ts';
import { allowedKeysAt, configFileSchema, type ConfigAction, type ConfigFile } from './schema.ts';

export type { ConfigAction } from './schema.ts';

/** A target group as the file wants it; `input` has passed the model's checks. */
export interface DesiredTargetGroup {
  /** Where it is in the file (`targetGroups[0]`), for problems found while applying. */
  path: string;
  input: TargetGroupInput;
  /** `undefined` when the file has no `targets` key: the group's targets are left as they are. */
  targets: DesiredTarget[] | undefined;
}

export interface DesiredTarget {
  path: string;
  id: string;
  /** The target's port, or the group's when the file gives none (as RegisterTargets does). */
  port: number;
}

export interface DesiredLoadBalancer {
  path: string;
  input: LoadBalancerInput;
  /** `undefined` when the file has no `listeners` key: the listeners are left as they are. */
  listeners: DesiredListener[] | undefined;
}

export interface DesiredListener {
  path: string;
  protocol: ListenerProtocol;
  port: number;
  /** As written: target groups are named (or given by ARN) and resolved when applying. */
  defaultActions: ConfigAction[];
  sslPolicy: string | undefined;
  certificates: ListenerCertificate[];
}

/** The checked contents of a configuration file. */
export interface DesiredConfig {
  targetGroups: DesiredTargetGroup[];
  loadBalancers: DesiredLoadBalancer[];
}

/** What the store already holds, for the checks that look beyond the file. */
export interface KnownResources {
  targetGroups: ReadonlyArray<Pick<TargetGroup, 'name' | 'arn'>>;
  loadBalancers: ReadonlyArray<Pick<LoadBalancer, 'name' | 'arn'>>;
  listeners: ReadonlyArray<Pick<Listener, 'port' | 'protocol' | 'loadBalancerArn' | 'defaultActions'>>;
}

export interface ConfigCheckOptions {
  /** The store's contents; omitted means an empty store. */
  existing?: KnownResources;
  /** `--prune`: store resources missing from the file will be removed. */
  prune?: boolean;
}

/** A forward action's target group, as the file names it. */
export type TargetGroupRef = { name: string; arn?: undefined } | { arn: string; name?: undefined };

/** One target group reference in a listener, with its path in the file. */
export interface TargetGroupRefAt {
  ref: TargetGroupRef;
  /** Path of the `targetGroupName` / `targetGroupArn` field. */
  path: string;
}

const emptyStore: KnownResources = { targetGroups: [], loadBalancers: [], listeners: [] };

/** Path used for problems with the file as a whole. */
export const filePath = '(file)';
const rootPath = '(top level)';

/** Reads and checks a YAML or JSON file; throws an `AlbatrossError` listing every problem. */
export async function readConfigFile(file: string, options: ConfigCheckOptions = {}): Promise<DesiredConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw AlbatrossError.fromProblems([{ path: filePath, message: `cannot read ${file}: ${e.code ?? e.message}`, code: 'ValidationError' }]);
  }
  return parseConfigText(text, options);
}

/** Parses and checks the text of a configuration file (YAML, or JSON which is YAML too). */
export function parseConfigText(text: string, options: ConfigCheckOptions = {}): DesiredConfig {
  const { raw, doc, lineCounter } = parseYaml(text);
  const shape = checkShape(raw);
  const later = new Problems();
  checkValues(shape.file, later);
  const desired = toDesired(shape.file);
  checkConsistency(desired, options.existing ?? emptyStore, options.prune ?? false, later);
  const problems = [...shape.problems, ...later.list.filter((p) => !isCovered(p.path, shape.problems))];
  if (problems.length > 0) throw AlbatrossError.fromProblems(inFileOrder(problems, doc, lineCounter));
  return desired;
}

// ---- tier 1: syntax -------------------------------------------------------------------------

function parseYaml(text: string): { raw: unknown; doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems = new Problems();
  // Warnings (an unknown tag, say) change what a value means, so they reject the file too.
  for (const e of [...doc.errors, ...doc.warnings]) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    problems.add(`line ${line}:${col}`, e.message);
  }
  problems.throwIfAny();
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    problems.add(filePath, (err as Error).message);
  }
  if (raw === null || raw === undefined) {
    problems.add(filePath, 'the file is empty: expected targetGroups and/or loadBalancers');
  }
  problems.throwIfAny();
  return { raw, doc, lineCounter };
}

/**
 * Sorts problems by where they are in the file and adds the line to each message, so a long
 * file's problems read top to bottom. A path to a missing key points at its parent.
 */
function inFileOrder(problems: readonly Problem[], doc: Document, lineCounter: LineCounter): Problem[] {
  const located = problems.map((p) => ({ p, offset: locate(doc.contents, p.path) }));
  located.sort((a, b) => (a.offset ?? -1) - (b.offset ?? -1));
  return located.map(({ p, offset }) =>
    offset === undefined ? p : { ...p, message: `${p.message} (line ${lineCounter.linePos(offset).line})` },
  );
}

/** Offset of the deepest node on `path`; attribute keys may contain dots, so keys match greedily. */
function locate(node: unknown, path: string): number | undefined {
  if (path.startsWith('(')) return undefined;
  let rest = path;
  let offset = isNode(node) ? node.range?.[0] : undefined;
  while (rest.length > 0) {
    let next: unknown;
    const index = /^\[(\d+)\]/.exec(rest);
    if (index && isSeq(node)) {
      next = node.items[Number(index[1])];
      rest = rest.slice(index[0].length);
    } else if (isMap(node)) {
      const want = rest.replace(/^\./, '');
      let best: { pair: (typeof node.items)[number]; key: string } | undefined;
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const boundary = want.charAt(key.length);
        if (want.startsWith(key) && (boundary === '' || boundary === '.' || boundary === '[') && (!best || key.length > best.key.length)) {
          best = { pair, key };
        }
      }
      if (!best) break;
      // `key:` with no value has no value node: point at the key then.
      next = isNode(best.pair.value) ? best.pair.value : best.pair.key;
      rest = want.slice(best.key.length);
    } else break;
    if (!isNode(next)) break;
    node = next;
    offset = next.range?.[0] ?? offset;
  }
  return offset;
}

// ---- tier 2: shape --------------------------------------------------------------------------

/**
 * Checks types and keys. Also returns a usable `ConfigFile` when there are problems, with the bad
 * parts removed, so the value checks can still run on the rest of the file.
 */
function checkShape(raw: unknown): { file: ConfigFile; problems: Problem[] } {
  const first = configFileSchema.safeParse(raw);
  if (first.success) return { file: first.data, problems: [] };
  const problems = first.error.issues.flatMap((issue) => describeIssue(issue, raw));
  let data: unknown = structuredClone(raw);
  let issues = first.error.issues;
  // Every field is optional, so removing what zod rejected leaves a valid file; array elements
  // become `{}` first (keeps later indexes right) and, should that not fit, the array goes.
  for (let round = 0; round < 5; round++) {
    for (const issue of issues) data = prune(data, issue, round);
    const again = configFileSchema.safeParse(data);
    if (again.success) return { file: again.data, problems };
    issues = again.error.issues;
  }
  return { file: { targetGroups: [], loadBalancers: [] }, problems };
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): Problem[] {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(issue.path);
    return issue.keys.map((key) => ({
      path: joinPath(path, key),
      message: `unknown key '${key}'${suggest(key, allowed)}`,
      code: 'ValidationError' as const,
    }));
  }
  if (issue.code === 'invalid_type') {
    const value = valueAt(raw, issue.path);
    const message = value === undefined ? 'is required' : `must be ${typeName(issue.expected)}, got ${describeValue(value)}`;
    return [{ path: path || rootPath, message, code: 'ValidationError' }];
  }
  if (issue.code === 'invalid_union') {
    return [{ path: path || rootPath, message: `${issue.message}, got ${describeValue(valueAt(raw, issue.path))}`, code: 'ValidationError' }];
  }
  return [{ path: path || rootPath, message: issue.message, code: 'ValidationError' }];
}

function prune(data: unknown, issue: z.core.$ZodIssue, round: number): unknown {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const target = valueAt(data, path);
    if (isRecord(target)) for (const key of issue.keys) delete target[key];
    return data;
  }
  if (path.length === 0) return {};
  const parent = valueAt(data, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number') {
    if (round === 0) parent[last] = {};
    else if (path.length >= 2) {
      const grand = valueAt(data, path.slice(0, -2));
      if (isRecord(grand)) delete grand[path[path.length - 2] as string];
    } else return {};
  } else if (isRecord(parent)) {
    delete parent[last as string];
  }
  return data;
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = data;
  for (const step of path) {
    if (Array.isArray(v) && typeof step === 'number') v = v[step];
    else if (isRecord(v) && typeof step === 'string') v = v[step];
    else return undefined;
  }
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(expected: string): string {
  switch (expected) {
    case 'object': return 'a mapping';
    case 'array': return 'a list';
    case 'boolean': return 'true or false';
    case 'number': return 'a number';
    case 'string': return 'a string';
    default: return expected;
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v);
}

/** "did you mean" for a misspelt or wrongly cased key (`HealthCheckPath`, `healthCheckPathh`). */
function suggest(key: string, allowed: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 4))) return ` (did you mean '${best}'?)`;
  return allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** `['targetGroups', 0, 'port']` → `targetGroups[0].port`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const step of path) out = typeof step === 'number' ? `${out}[${step}]` : joinPath(out, String(step));
  return out;
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

/** True when an earlier-tier problem sits at `path` or above it. */
function isCovered(path: string, earlier: readonly Problem[]): boolean {
  return earlier.some((e) => e.path === rootPath || e.path === path || path.startsWith(`${e.path}.`) || path.startsWith(`${e.path}[`));
}

// ---- tier 3: values (the model's checks) ----------------------------------------------------

function checkValues(file: ConfigFile, problems: Problems): void {
  file.targetGroups.forEach((tg, i) => {
    const path = `targetGroups[${i}]`;
    const { targets, ...input } = tg;
    checkTargetGroupInput(input as TargetGroupInput, problems, path);
    // An invalid targetType is reported above; check the targets as instance targets meanwhile.
    const targetType: TargetType = (targetTypes as readonly string[]).includes(tg.targetType ?? '') ? (tg.targetType as TargetType) : 'instance';
    targets?.forEach((t, j) => checkTargetInput({ id: t.id as string, port: t.port }, targetType, problems, `${path}.targets[${j}]`));
  });
  file.loadBalancers.forEach((lb, i) => {
    const path = `loadBalancers[${i}]`;
    const { listeners, ...input } = lb;
    checkLoadBalancerInput(input as LoadBalancerInput, problems, path);
    listeners?.forEach((l, j) => {
      const lpath = `${path}.listeners[${j}]`;
      l.certificates?.forEach((c, k) => {
        if (!c.certificateArn) problems.add(`${lpath}.certificates[${k}].certificateArn`, 'certificateArn is required', 'CertificateNotFound');
      });
      l.defaultActions?.forEach((a, k) => checkActionFields(a, problems, `${lpath}.defaultActions[${k}]`));
      // References are resolved in the consistency checks, where the store is known.
      const defaultActions = l.defaultActions && actionInputs(l.defaultActions, (ref) => ref.arn ?? `name:${ref.name}`);
      checkListenerInput({ ...l, certificates: l.certificates as ListenerCertificate[] | undefined, defaultActions }, problems, lpath, () => true);
    });
  });
}

/** What the model does not check: how the file names target groups, and fields of another action type. */
function checkActionFields(a: ConfigAction, problems: Problems, path: string): void {
  if (a.targetGroupName !== undefined && a.targetGroupArn !== undefined) {
    problems.add(path, 'give targetGroupName or targetGroupArn, not both');
  }
  a.forwardConfig?.targetGroups?.forEach((g, i) => {
    const p = `${path}.forwardConfig.targetGroups[${i}]`;
    if (g.targetGroupName === undefined && g.targetGroupArn === undefined) problems.add(p, 'give targetGroupName or targetGroupArn');
    else if (g.targetGroupName !== undefined && g.targetGroupArn !== undefined) problems.add(p, 'give targetGroupName or targetGroupArn, not both');
  });
  const owners: Array<[keyof ConfigAction, string]> = [
    ['targetGroupName', 'forward'],
    ['targetGroupArn', 'forward'],
    ['forwardConfig', 'forward'],
    ['redirectConfig', 'redirect'],
    ['fixedResponseConfig', 'fixed-response'],
  ];
  const known = ['forward', 'redirect', 'fixed-response'];
  for (const [key, type] of owners) {
    if (a[key] !== undefined && a.type !== type && known.includes(a.type ?? '')) {
      problems.add(`${path}.${key}`, `${key} is only for ${type} actions, this one is ${a.type}`);
    }
  }
}

/**
 * Turns actions as written into the model's `ActionInput`, with `resolve` giving each named (or
 * ARN-given) target group its ARN.
 */
export function actionInputs(actions: readonly ConfigAction[], resolve: (ref: TargetGroupRef) => string): ActionInput[] {
  return actions.map((a) => {
    const out: ActionInput = { type: a.type as string };
    if (a.order !== undefined) out.order = a.order;
    const single = refOf(a.targetGroupName, a.targetGroupArn);
    if (single) out.targetGroupArn = resolve(single);
    if (a.forwardConfig) {
      const groups = a.forwardConfig.targetGroups?.map((g) => {
        const ref = refOf(g.targetGroupName, g.targetGroupArn);
        return { targetGroupArn: ref ? resolve(ref) : '', ...(g.weight !== undefined ? { weight: g.weight } : {}) };
      });
      out.forwardConfig = {
        ...(groups ? { targetGroups: groups } : {}),
        ...(a.forwardConfig.targetGroupStickinessConfig ? { targetGroupStickinessConfig: a.forwardConfig.targetGroupStickinessConfig } : {}),
      };
    }
    if (a.redirectConfig) out.redirectConfig = a.redirectConfig as ActionInput['redirectConfig'];
    if (a.fixedResponseConfig) out.fixedResponseConfig = a.fixedResponseConfig;
    return out;
  });
}

function refOf(name: string | undefined, arn: string | undefined): TargetGroupRef | undefined {
  if (name !== undefined) return { name };
  if (arn !== undefined) return { arn };
  return undefined;
}

/** Every target group a listener's actions refer to, with the path of each reference. */
export function targetGroupRefs(listener: DesiredListener): TargetGroupRefAt[] {
  const out: TargetGroupRefAt[] = [];
  listener.defaultActions.forEach((a, i) => {
    if (a.type !== 'forward') return; // other actions do not send to target groups
    const path = `${listener.path}.defaultActions[${i}]`;
    if (a.targetGroupName !== undefined) out.push({ ref: { name: a.targetGroupName }, path: `${path}.targetGroupName` });
    else if (a.targetGroupArn !== undefined) out.push({ ref: { arn: a.targetGroupArn }, path: `${path}.targetGroupArn` });
    a.forwardConfig?.targetGroups?.forEach((g, j) => {
      const p = `${path}.forwardConfig.targetGroups[${j}]`;
      if (g.targetGroupName !== undefined) out.push({ ref: { name: g.targetGroupName }, path: `${p}.targetGroupName` });
      else if (g.targetGroupArn !== undefined) out.push({ ref: { arn: g.targetGroupArn }, path: `${p}.targetGroupArn` });
    });
  });
  return out;
}

function toDesired(file: ConfigFile): DesiredConfig {
  return {
    targetGroups: file.targetGroups.map((tg, i) => {
      const path = `targetGroups[${i}]`;
      const { targets, ...input } = tg;
      const groupPort = input.port ?? (input.protocol === 'HTTPS' ? 443 : 80);
      return {
        path,
        input: { ...input, name: input.name ?? '' },
        targets: targets?.map((t, j) => ({ path: `${path}.targets[${j}]`, id: t.id ?? '', port: t.port ?? groupPort })),
      };
    }),
    loadBalancers: file.loadBalancers.map((lb, i) => {
      const path = `loadBalancers[${i}]`;
      const { listeners, ...input } = lb;
      return {
        path,
        input: { ...input, name: input.name ?? '' },
        listeners: listeners?.map((l, j) => ({
          path: `${path}.listeners[${j}]`,
          protocol: (l.protocol ?? 'HTTP') as ListenerProtocol,
          port: l.port ?? 0,
          defaultActions: l.defaultActions ?? [],
          sslPolicy: l.sslPolicy,
          certificates: (l.certificates ?? []).map((c) => ({ certificateArn: c.certificateArn ?? '' })),
        })),
      };
    }),
  };
}

// ---- tier 4: consistency --------------------------------------------------------------------

/**
 * Checks what no single resource shows: names used twice, targets listed twice, listener ports
 * used twice (ports are unique on a host, across every load balancer, in the file and in the
 * store), target group references that resolve nowhere, and what `--prune` would break.
 * Runs again inside the apply transaction against the store as it then is.
 */
export function checkConsistency(desired: DesiredConfig, existing: KnownResources, prune: boolean, problems: Problems): void {
  const fileGroups = firstByName(desired.targetGroups, 'target group', 'DuplicateTargetGroupName', problems);
  const fileLbs = firstByName(desired.loadBalancers, 'load balancer', 'DuplicateLoadBalancerName', problems);

  for (const tg of desired.targetGroups) {
    const seen = new Map<string, string>();
    for (const t of tg.targets ?? []) {
      if (!t.id) continue;
      const key = targetKey(t.id, t.port);
      const first = seen.get(key);
      if (first !== undefined) problems.add(t.path, `target ${displayTarget(t.id, t.port)} is listed twice in this target group (also ${first})`, 'InvalidTarget');
      else seen.set(key, t.path);
    }
  }

  // Listener ports: in the file...
  const ports = new Map<number, { path: string; lb: string }>();
  for (const lb of desired.loadBalancers) {
    for (const l of lb.listeners ?? []) {
      if (!isPort(l.port)) continue; // reported by the value checks
      const first = ports.get(l.port);
      if (first !== undefined) {
        problems.add(`${l.path}.port`, `listener port ${l.port} is already used by ${first.path} (load balancer '${first.lb}')`, 'DuplicateListener');
      } else ports.set(l.port, { path: `${l.path}`, lb: lb.input.name });
    }
  }
  // ...and against the store's listeners that stay: those of load balancers not in the file
  // (unless pruned) and of load balancers in the file whose listeners the file does not manage.
  const lbNameByArn = new Map(existing.loadBalancers.map((lb) => [lb.arn, lb.name]));
  const staying = existing.listeners.filter((l) => {
    const owner = lbNameByArn.get(l.loadBalancerArn);
    const inFile = owner !== undefined ? fileLbs.get(owner) : undefined;
    return inFile ? inFile.listeners === undefined : !prune;
  });
  for (const lb of desired.loadBalancers) {
    for (const l of lb.listeners ?? []) {
      const other = staying.find((s) => s.port === l.port && lbNameByArn.get(s.loadBalancerArn) !== lb.input.name);
      if (other) {
        const owner = lbNameByArn.get(other.loadBalancerArn) ?? other.loadBalancerArn;
        const hint = fileLbs.has(owner) ? '' : ' (not in this file; remove that listener first, or use --prune)';
        problems.add(`${l.path}.port`, `listener port ${l.port} is already used by load balancer '${owner}'${hint}`, 'DuplicateListener');
      }
    }
  }

  // Target group references.
  const storeByName = new Map(existing.targetGroups.map((tg) => [tg.name, tg]));
  const storeByArn = new Map(existing.targetGroups.map((tg) => [tg.arn, tg]));
  const pruned = (name: string): boolean => prune && !fileGroups.has(name);
  for (const lb of desired.loadBalancers) {
    for (const l of lb.listeners ?? []) {
      for (const { ref, path } of targetGroupRefs(l)) {
        if (ref.name !== undefined) {
          if (fileGroups.has(ref.name)) continue;
          if (!storeByName.has(ref.name)) {
            problems.add(path, `target group '${ref.name}' is not in the file or the store`, 'TargetGroupNotFound');
          } else if (pruned(ref.name)) {
            problems.add(path, `target group '${ref.name}' is not in the file, so --prune would remove it while this listener forwards to it`, 'ResourceInUse');
          }
        } else {
          const tg = storeByArn.get(ref.arn);
          if (!tg) problems.add(path, `target group '${ref.arn}' not found`, 'TargetGroupNotFound');
          else if (pruned(tg.name)) {
            problems.add(path, `target group '${tg.name}' is not in the file, so --prune would remove it while this listener forwards to it`, 'ResourceInUse');
          }
        }
      }
    }
  }
  // Listeners the file leaves alone may forward to a group --prune would remove.
  if (prune) {
    for (const lb of desired.loadBalancers) {
      if (lb.listeners !== undefined) continue;
      const lbArn = existing.loadBalancers.find((s) => s.name === lb.input.name)?.arn;
      for (const l of existing.listeners.filter((s) => s.loadBalancerArn === lbArn)) {
        for (const arn of referencedTargetGroups(l.defaultActions)) {
          const tg = storeByArn.get(arn);
          if (tg && pruned(tg.name)) {
            problems.add(`${lb.path}.listeners`, `target group '${tg.name}' is not in the file, so --prune would remove it, but listener ${l.protocol}:${l.port} of '${lb.input.name}' forwards to it`, 'ResourceInUse');
          }
        }
      }
    }
  }
}

function firstByName<T extends { path: string; input: { name: string } }>(
  items: readonly T[],
  what: string,
  code: 'DuplicateTargetGroupName' | 'DuplicateLoadBalancerName',
  problems: Problems,
): Map<string, T> {
  const byName = new Map<string, T>();
  for (const item of items) {
    const name = item.input.name;
    if (!name) continue;
    const first = byName.get(name);
    if (first) problems.add(`${item.path}.name`, `${what} name '${name}' is already used by ${first.path}`, code);
    else byName.set(name, item);
  }
  return byName;
}

function isPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** `127.0.0.1:8081`, `[::1]:8081`. */
export function displayTarget(id: string, port: number): string {
  return id.includes(':') ? `[${id}]:${port}` : `${id}:${port}`;
}
