/**
 * Makes the store match a `DesiredConfig`, by name, in one store transaction: create or update
 * target groups and load balancers, register and deregister targets, create, update and remove
 * listeners (matched by port). Applying the same file twice changes nothing the second time:
 * the plan compares normalised values (what the model would store), never object identity.
 *
 * Resources in the store that the file does not name are left alone, unless `prune` is set.
 * Nothing is written when there is any problem; a dry run plans and writes nothing.
 */
import { isIP } from 'node:net';
import {
  AlbatrossError,
  Problems,
  applyLoadBalancerInput,
  applyTargetGroupInput,
  defaultArnContext,
  defaultAttributes,
  loadBalancerAttributeSpecs,
  targetGroupAttributeSpecs,
  listenerArn,
  loadBalancerArn,
  normalizeActions,
  resourceId,
  targetGroupArn,
  targetKey,
  type Action,
  type ArnContext,
  type Listener,
  type LoadBalancer,
  type Problem,
  type Target,
  type TargetGroup,
} from '../model/index.ts';
import type { StateStore, StoreTx } from '../store/state-store.ts';
import { randomHex as defaultRandomHex } from '../lib/ids.ts';
import {
  actionInputs,
  checkConsistency,
  displayTarget,
  type DesiredConfig,
  type DesiredListener,
  type DesiredTargetGroup,
  type KnownResources,
} from './config-file.ts';
import { checkHostsResolve, checkPortsFree, type HostCheckOptions } from './host-checks.ts';

/** What happened to a resource; `delete` prints as "removed". */
export type ChangeAction = 'create' | 'update' | 'delete' | 'register' | 'deregister';
/** The kind of resource changed, in ALB's words. */
export type ChangeKind = 'target group' | 'target' | 'load balancer' | 'listener';

/** One change the apply made (or, on a dry run, would make). */
export interface Change {
  action: ChangeAction;
  kind: ChangeKind;
  /** Resource name; `id:port` for targets, `PROTOCOL:port` for listeners. */
  name: string;
  /** The target group of a target, the load balancer of a listener. */
  parent?: string;
  /** What changed, for updates; a short summary otherwise. */
  detail?: string;
}

export interface PlanOptions {
  /** `--prune`: remove target groups and load balancers that are not in the file. */
  prune?: boolean;
  /** Epoch ms used for `createdAt`, `registeredAt` and `drainUntil`; default now. */
  now?: number;
  arnContext?: ArnContext;
  /** Source of ARN resource ids; injectable for tests. */
  randomHex?: (bytes: number) => string;
}

export interface ApplyOptions extends PlanOptions {
  /** Plan and print only: nothing is written. */
  dryRun?: boolean;
  /** Check ports and host names against this machine (default true). */
  checkHost?: boolean;
  host?: HostCheckOptions;
}

/** The changes applying would make, and the problems that stop it. */
export interface ConfigPlan {
  changes: Change[];
  problems: Problem[];
}

type Write = (tx: StoreTx) => Promise<void>;

interface InternalPlan extends ConfigPlan {
  writes: Write[];
}

/** Plans against the store as it is now, without writing and without the host checks. */
export async function planConfig(store: StateStore, desired: DesiredConfig, opts: PlanOptions = {}): Promise<ConfigPlan> {
  const plan = await store.transaction((tx) => buildPlan(tx, desired, opts));
  return { changes: plan.changes, problems: plan.problems };
}

/**
 * Checks the configuration against this machine, then plans and applies it in one transaction.
 * Returns the changes made (or, with `dryRun`, the changes it would make); throws an
 * `AlbatrossError` listing every problem, having changed nothing.
 */
export async function applyConfig(store: StateStore, desired: DesiredConfig, opts: ApplyOptions = {}): Promise<Change[]> {
  const hostProblems = new Problems();
  if (opts.checkHost !== false) await checkHost(store, desired, hostProblems, opts.host);
  return store.transaction(async (tx) => {
    const plan = await buildPlan(tx, desired, opts);
    const problems = [...hostProblems.list, ...plan.problems];
    if (problems.length > 0) throw AlbatrossError.fromProblems(problems);
    if (!opts.dryRun) for (const write of plan.writes) await write(tx);
    return plan.changes;
  });
}

/** The store's target groups, load balancers and listeners, for `readConfigFile`'s checks. */
export async function readKnownResources(store: StateStore): Promise<KnownResources> {
  return store.transaction(async (tx) => ({
    targetGroups: await tx.listTargetGroups(),
    loadBalancers: await tx.listLoadBalancers(),
    listeners: await tx.listListeners(),
  }));
}

// ---- host checks ----------------------------------------------------------------------------

/**
 * Only what is new is checked: a port that is already a listener's port is held by `serve`
 * itself, and a target already registered was checked when it was.
 */
async function checkHost(store: StateStore, desired: DesiredConfig, problems: Problems, options?: HostCheckOptions): Promise<void> {
  const { storePorts, registered } = await store.transaction(async (tx) => {
    const storePorts = new Set((await tx.listListeners()).map((l) => l.port));
    const registered = new Set<string>();
    for (const dtg of desired.targetGroups) {
      const tg = await tx.findTargetGroupByName(dtg.input.name);
      if (!tg) continue;
      for (const t of await tx.listTargets(tg.arn)) {
        if (t.drainUntil === undefined) registered.add(`${dtg.input.name}\n${targetKey(t.id, t.port)}`);
      }
    }
    return { storePorts, registered };
  });
  const ports = desired.loadBalancers
    .flatMap((lb) => lb.listeners ?? [])
    .filter((l) => !storePorts.has(l.port))
    .map((l) => ({ port: l.port, path: `${l.path}.port` }));
  const hosts = desired.targetGroups
    .filter((dtg) => (dtg.input.targetType ?? 'instance') === 'instance')
    .flatMap((dtg) => (dtg.targets ?? []).filter((t) => !registered.has(`${dtg.input.name}\n${targetKey(t.id, t.port)}`)))
    .filter((t) => isIP(t.id) === 0)
    .map((t) => ({ host: t.id, path: `${t.path}.id` }));
  await Promise.all([checkPortsFree(ports, problems, options?.probePort), checkHostsResolve(hosts, problems, options)]);
}

// ---- planning -------------------------------------------------------------------------------

async function buildPlan(tx: StoreTx, desired: DesiredConfig, opts: PlanOptions): Promise<InternalPlan> {
  const ctx: PlanContext = {
    now: opts.now ?? Date.now(),
    arnContext: opts.arnContext ?? defaultArnContext,
    randomHex: opts.randomHex ?? defaultRandomHex,
    problems: new Problems(),
    changes: [],
    writes: [],
  };
  const storedGroups = await tx.listTargetGroups();
  const storedLbs = await tx.listLoadBalancers();
  const storedListeners = await tx.listListeners();
  const prune = opts.prune ?? false;
  checkConsistency(desired, { targetGroups: storedGroups, loadBalancers: storedLbs, listeners: storedListeners }, prune, ctx.problems);

  const groupByName = new Map(storedGroups.map((tg) => [tg.name, tg]));
  const lbByName = new Map(storedLbs.map((lb) => [lb.name, lb]));
  const arnByName = new Map(storedGroups.map((tg) => [tg.name, tg.arn]));
  const nameByArn = new Map(storedGroups.map((tg) => [tg.arn, tg.name]));

  for (const dtg of desired.targetGroups) {
    const tg = await planTargetGroup(tx, ctx, dtg, groupByName.get(dtg.input.name));
    arnByName.set(tg.name, tg.arn);
    nameByArn.set(tg.arn, tg.name);
  }
  for (const dlb of desired.loadBalancers) {
    const existing = lbByName.get(dlb.input.name);
    const lb = planLoadBalancer(ctx, dlb, existing);
    if (dlb.listeners === undefined) continue;
    const current = existing ? storedListeners.filter((l) => l.loadBalancerArn === existing.arn) : [];
    planListeners(ctx, lb, dlb.listeners, current, arnByName, nameByArn);
  }
  if (prune) planPrune(ctx, desired, storedLbs, storedListeners, storedGroups);
  return { changes: ctx.changes, problems: ctx.problems.list, writes: ctx.writes };
}

interface PlanContext {
  now: number;
  arnContext: ArnContext;
  randomHex: (bytes: number) => string;
  problems: Problems;
  changes: Change[];
  writes: Write[];
}

/** Fields ALB cannot modify after creation: changing them means a new target group. */
const immutableGroupFields = ['protocol', 'port', 'targetType', 'protocolVersion'] as const;

/** Health check fields under the API's names, for "what changed". */
const healthCheckNames: Record<keyof TargetGroup['healthCheck'], string> = {
  enabled: 'healthCheckEnabled',
  protocol: 'healthCheckProtocol',
  port: 'healthCheckPort',
  path: 'healthCheckPath',
  intervalSeconds: 'healthCheckIntervalSeconds',
  timeoutSeconds: 'healthCheckTimeoutSeconds',
  healthyThresholdCount: 'healthyThresholdCount',
  unhealthyThresholdCount: 'unhealthyThresholdCount',
  matcher: 'matcher',
};

async function planTargetGroup(tx: StoreTx, ctx: PlanContext, dtg: DesiredTargetGroup, existing: TargetGroup | undefined): Promise<TargetGroup> {
  let next: TargetGroup;
  if (!existing) {
    const arn = targetGroupArn(ctx.arnContext, dtg.input.name, resourceId(ctx.randomHex));
    next = applyTargetGroupInput(dtg.input, arn, ctx.now);
    ctx.changes.push({ action: 'create', kind: 'target group', name: next.name, detail: `${next.protocol}:${next.port}, ${next.targetType}` });
    ctx.writes.push((t) => t.putTargetGroup(next));
  } else {
    next = applyTargetGroupInput(dtg.input, existing.arn, existing.createdAt);
    for (const field of immutableGroupFields) {
      if (next[field] !== existing[field]) {
        ctx.problems.add(
          `${dtg.path}.${field}`,
          `target group '${existing.name}' has ${field} ${existing[field]}, and ${field} cannot be modified: delete the target group first (or use a new name) to get ${next[field]}`,
        );
      }
    }
    const diffs = [...diffHealthCheck(existing.healthCheck, next.healthCheck), ...diffAttributes(existing.attributes, next.attributes, targetGroupDefaults)];
    if (diffs.length > 0) {
      ctx.changes.push({ action: 'update', kind: 'target group', name: next.name, detail: diffs.join(', ') });
      ctx.writes.push((t) => t.putTargetGroup(next));
    }
  }
  if (dtg.targets !== undefined) {
    const stored = existing ? await tx.listTargets(existing.arn) : [];
    planTargets(ctx, next, dtg, stored);
  }
  return next;
}

function diffHealthCheck(prev: TargetGroup['healthCheck'], next: TargetGroup['healthCheck']): string[] {
  const out: string[] = [];
  for (const key of Object.keys(healthCheckNames) as Array<keyof TargetGroup['healthCheck']>) {
    if (prev[key] !== next[key]) out.push(`${healthCheckNames[key]} ${String(prev[key])} -> ${String(next[key])}`);
  }
  return out;
}

const targetGroupDefaults = defaultAttributes(targetGroupAttributeSpecs);
const loadBalancerDefaults = defaultAttributes(loadBalancerAttributeSpecs);

/**
 * `attributes: key old -> new, ...`, or nothing when they are the same. A key the store lacks
 * (an attribute added after the resource was saved) has its default value.
 */
function diffAttributes(stored: Record<string, string>, next: Record<string, string>, defaults: Record<string, string>): string[] {
  const prev = { ...defaults, ...stored };
  const keys = [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort();
  const changed = keys.filter((k) => prev[k] !== next[k]).map((k) => `${k} ${prev[k] ?? '(unset)'} -> ${next[k] ?? '(unset)'}`);
  return changed.length > 0 ? [`attributes: ${changed.join(', ')}`] : [];
}

/**
 * Registers targets new to the group, re-registers draining ones the file lists again, and
 * deregisters the others: they drain for the group's deregistration delay (as ALB does) and are
 * removed at once when it is 0. Targets already draining and not listed keep draining.
 */
function planTargets(ctx: PlanContext, tg: TargetGroup, dtg: DesiredTargetGroup, stored: readonly Target[]): void {
  const storedByKey = new Map(stored.map((t) => [targetKey(t.id, t.port), t]));
  const wanted = new Set<string>();
  for (const dt of dtg.targets ?? []) {
    const key = targetKey(dt.id, dt.port);
    wanted.add(key);
    const current = storedByKey.get(key);
    if (current && current.drainUntil === undefined) continue;
    let target: Target;
    if (current) {
      const { drainUntil: _drainUntil, ...rest } = current;
      target = { ...rest, registeredAt: ctx.now };
    } else {
      target = { id: dt.id, port: dt.port, registeredAt: ctx.now };
    }
    ctx.changes.push({ action: 'register', kind: 'target', name: displayTarget(dt.id, dt.port), parent: tg.name, ...(current ? { detail: 'was draining' } : {}) });
    ctx.writes.push((t) => t.putTarget(tg.arn, target));
  }
  const delaySeconds = Number(tg.attributes['deregistration_delay.timeout_seconds'] ?? '300');
  for (const current of stored) {
    if (wanted.has(targetKey(current.id, current.port)) || current.drainUntil !== undefined) continue;
    const name = displayTarget(current.id, current.port);
    if (delaySeconds === 0) {
      ctx.changes.push({ action: 'deregister', kind: 'target', name, parent: tg.name, detail: 'removed at once: deregistration delay is 0' });
      ctx.writes.push((t) => t.deleteTarget(tg.arn, current.id, current.port));
    } else {
      const draining: Target = { ...current, drainUntil: ctx.now + delaySeconds * 1000 };
      ctx.changes.push({ action: 'deregister', kind: 'target', name, parent: tg.name, detail: `draining ${delaySeconds} s` });
      ctx.writes.push((t) => t.putTarget(tg.arn, draining));
    }
  }
}

function planLoadBalancer(ctx: PlanContext, dlb: DesiredConfig['loadBalancers'][number], existing: LoadBalancer | undefined): LoadBalancer {
  if (!existing) {
    const arn = loadBalancerArn(ctx.arnContext, dlb.input.name, resourceId(ctx.randomHex));
    const lb = applyLoadBalancerInput(dlb.input, arn, ctx.now);
    ctx.changes.push({ action: 'create', kind: 'load balancer', name: lb.name, detail: `${lb.scheme}, ${lb.ipAddressType}` });
    ctx.writes.push((t) => t.putLoadBalancer(lb));
    return lb;
  }
  // The file does not speak of nodes or security groups yet: keep what the store has.
  const built = applyLoadBalancerInput(
    { ...dlb.input, nodes: existing.nodes, securityGroups: existing.securityGroups },
    existing.arn,
    existing.createdAt,
  );
  const next: LoadBalancer = { ...built, dnsName: existing.dnsName };
  if (next.scheme !== existing.scheme) {
    ctx.problems.add(
      `${dlb.path}.scheme`,
      `load balancer '${existing.name}' has scheme ${existing.scheme}, and the scheme cannot be modified: delete the load balancer first (or use a new name) to get ${next.scheme}`,
    );
  }
  const diffs: string[] = [];
  if (next.ipAddressType !== existing.ipAddressType) diffs.push(`ipAddressType ${existing.ipAddressType} -> ${next.ipAddressType}`);
  diffs.push(...diffAttributes(existing.attributes, next.attributes, loadBalancerDefaults));
  if (diffs.length > 0) {
    ctx.changes.push({ action: 'update', kind: 'load balancer', name: next.name, detail: diffs.join(', ') });
    ctx.writes.push((t) => t.putLoadBalancer(next));
  }
  return next;
}

/** Listeners are matched by port: new ports are created, listed ones updated, the rest removed. */
function planListeners(
  ctx: PlanContext,
  lb: LoadBalancer,
  desired: readonly DesiredListener[],
  current: readonly Listener[],
  arnByName: ReadonlyMap<string, string>,
  nameByArn: ReadonlyMap<string, string>,
): void {
  const wantedPorts = new Set(desired.map((l) => l.port));
  // Removals first, so a port that moves to another load balancer is free when it gets there.
  for (const l of current) {
    if (wantedPorts.has(l.port)) continue;
    ctx.changes.push({ action: 'delete', kind: 'listener', name: `${l.protocol}:${l.port}`, parent: lb.name });
    ctx.writes.unshift((t) => t.deleteListener(l.arn));
  }
  const currentByPort = new Map(current.map((l) => [l.port, l]));
  for (const dl of desired) {
    const defaultActions = normalizeActions(actionInputs(dl.defaultActions, (ref) => (ref.name !== undefined ? arnByName.get(ref.name) ?? '' : ref.arn)));
    const existing = currentByPort.get(dl.port);
    const next: Listener = {
      arn: existing?.arn ?? listenerArn(lb.arn, resourceId(ctx.randomHex)),
      loadBalancerArn: lb.arn,
      protocol: dl.protocol,
      port: dl.port,
      defaultActions,
      certificates: dl.certificates,
      ...(dl.sslPolicy !== undefined ? { sslPolicy: dl.sslPolicy } : {}),
    };
    const name = `${next.protocol}:${next.port}`;
    if (!existing) {
      ctx.changes.push({ action: 'create', kind: 'listener', name, parent: lb.name, detail: describeActions(defaultActions, nameByArn) });
      ctx.writes.push((t) => t.putListener(next));
      continue;
    }
    const diffs: string[] = [];
    if (existing.protocol !== next.protocol) diffs.push(`protocol ${existing.protocol} -> ${next.protocol}`);
    if (canonical(existing.defaultActions) !== canonical(next.defaultActions)) diffs.push(`defaultActions: ${describeActions(defaultActions, nameByArn)}`);
    if (existing.sslPolicy !== next.sslPolicy) diffs.push(`sslPolicy ${existing.sslPolicy ?? '(none)'} -> ${next.sslPolicy ?? '(none)'}`);
    if (canonical(existing.certificates) !== canonical(next.certificates)) diffs.push('certificates');
    if (diffs.length > 0) {
      ctx.changes.push({ action: 'update', kind: 'listener', name, parent: lb.name, detail: diffs.join(', ') });
      ctx.writes.push((t) => t.putListener(next));
    }
  }
}

/**
 * `--prune`: load balancers (with their listeners) and target groups (with their targets) that
 * are not in the file are removed; deletion protection is honoured, as DeleteLoadBalancer does.
 * The consistency checks have already refused groups that a remaining listener forwards to.
 */
function planPrune(ctx: PlanContext, desired: DesiredConfig, lbs: readonly LoadBalancer[], listeners: readonly Listener[], groups: readonly TargetGroup[]): void {
  const lbNames = new Set(desired.loadBalancers.map((lb) => lb.input.name));
  const groupNames = new Set(desired.targetGroups.map((tg) => tg.input.name));
  for (const lb of lbs) {
    if (lbNames.has(lb.name)) continue;
    if (lb.attributes['deletion_protection.enabled'] === 'true') {
      ctx.problems.add('loadBalancers', `load balancer '${lb.name}' is not in the file, but --prune cannot remove it: deletion protection is enabled`, 'OperationNotPermitted');
      continue;
    }
    const own = listeners.filter((l) => l.loadBalancerArn === lb.arn).map((l) => `${l.protocol}:${l.port}`);
    ctx.changes.push({ action: 'delete', kind: 'load balancer', name: lb.name, ...(own.length > 0 ? { detail: `with listeners ${own.join(', ')}` } : {}) });
    ctx.writes.push((t) => t.deleteLoadBalancer(lb.arn));
  }
  for (const tg of groups) {
    if (groupNames.has(tg.name)) continue;
    ctx.changes.push({ action: 'delete', kind: 'target group', name: tg.name });
    ctx.writes.push((t) => t.deleteTargetGroup(tg.arn));
  }
}

/** `forward to tutorial-tg`, `redirect HTTP_301 to HTTPS://#{host}:443/#{path}?#{query}`, `fixed-response 404`. */
export function describeActions(actions: readonly Action[], nameByArn: ReadonlyMap<string, string>): string {
  return actions
    .map((a) => {
      switch (a.type) {
        case 'forward': {
          const groups = a.forwardConfig.targetGroups;
          const names = groups.map((g) => nameByArn.get(g.targetGroupArn) ?? g.targetGroupArn);
          return groups.length === 1 ? `forward to ${names[0]}` : `forward to ${groups.map((g, i) => `${names[i]} (weight ${g.weight})`).join(', ')}`;
        }
        case 'redirect': {
          const r = a.redirectConfig;
          return `redirect ${r.statusCode} to ${r.protocol}://${r.host}:${r.port}${r.path}${r.query ? `?${r.query}` : ''}`;
        }
        default:
          return `fixed-response ${a.fixedResponseConfig.statusCode}`;
      }
    })
    .join('; ');
}

/** JSON with sorted keys and no undefined values: equal values give equal strings. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
