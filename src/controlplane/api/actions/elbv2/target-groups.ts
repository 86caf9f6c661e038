/**
 * elasticloadbalancing target group actions: create, describe, modify and delete groups, their
 * attributes, and register, deregister and describe the health of their targets. The rules are
 * `albatross apply`'s (src/config/apply-config.ts) with ALB's error codes: the model checks every
 * value, a failed call writes nothing.
 */
import { isIP } from 'node:net';
import { unresolvedHosts } from '../../../../lib/host-checks.ts';
import {
  AlbatrossError,
  checkTargetGroupAttributeCombination,
  Problems,
  applyTargetGroupInput,
  checkAttributes,
  checkTargetGroupInput,
  checkTargetInput,
  health,
  resourceId,
  targetGroupArn,
  targetGroupAttributeSpecs,
  targetKey,
  type Attributes,
  type Target,
  type TargetGroup,
  type TargetGroupInput,
  type TargetHealth,
} from '../../../../model/index.ts';
import type { StoreTx } from '../../../../store/state-store.ts';
import type { ActionContext, ActionHandler, ActionTable } from '../../action.ts';
import type { QueryStruct } from '../../query-protocol.ts';
import type { XmlObject } from '../../xml.ts';
import {
  keyValueMap,
  optionalBool,
  optionalInt,
  optionalString,
  optionalStruct,
  paginate,
  requiredString,
  stringList,
  structList,
} from '../params.ts';
import {
  DEFAULT_NODE,
  VPC_ID,
  addTags,
  canonical,
  checkArn,
  getLoadBalancerOrThrow,
  getTargetGroupOrThrow,
  parseTags,
  targetGroupUsage,
  throwProblems,
  toXmlAttributes,
  toXmlTargetGroup,
} from './shapes.ts';

/** ALB's quota of targets per target group. */
export const MAX_TARGETS_PER_GROUP = 1000;

// ---- reading parameters ----------------------------------------------------------------------

/** The health-check parameters CreateTargetGroup and ModifyTargetGroup share. */
function healthCheckParams(p: QueryStruct): Partial<TargetGroupInput> {
  const out: Partial<TargetGroupInput> = {};
  const set = <K extends keyof TargetGroupInput>(key: K, value: TargetGroupInput[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('healthCheckProtocol', optionalString(p, 'HealthCheckProtocol'));
  set('healthCheckPort', optionalString(p, 'HealthCheckPort'));
  set('healthCheckEnabled', optionalBool(p, 'HealthCheckEnabled'));
  set('healthCheckPath', optionalString(p, 'HealthCheckPath'));
  set('healthCheckIntervalSeconds', optionalInt(p, 'HealthCheckIntervalSeconds'));
  set('healthCheckTimeoutSeconds', optionalInt(p, 'HealthCheckTimeoutSeconds'));
  set('healthyThresholdCount', optionalInt(p, 'HealthyThresholdCount'));
  set('unhealthyThresholdCount', optionalInt(p, 'UnhealthyThresholdCount'));
  const matcher = optionalStruct(p, 'Matcher');
  if (matcher !== undefined) {
    if (matcher.GrpcCode !== undefined) {
      throw new AlbatrossError('ValidationError', 'Matcher.GrpcCode is not supported by Albatross; give Matcher.HttpCode');
    }
    set('matcher', optionalString(matcher, 'HttpCode'));
  }
  return out;
}

/** The input that rebuilds `tg` as it is (for modifications and sameness checks). */
function inputOf(tg: TargetGroup): TargetGroupInput {
  const hc = tg.healthCheck;
  return {
    name: tg.name,
    protocol: tg.protocol,
    port: tg.port,
    protocolVersion: tg.protocolVersion,
    targetType: tg.targetType,
    healthCheckEnabled: hc.enabled,
    healthCheckProtocol: hc.protocol,
    healthCheckPort: hc.port,
    healthCheckPath: hc.path,
    healthCheckIntervalSeconds: hc.intervalSeconds,
    healthCheckTimeoutSeconds: hc.timeoutSeconds,
    healthyThresholdCount: hc.healthyThresholdCount,
    unhealthyThresholdCount: hc.unhealthyThresholdCount,
    matcher: hc.matcher,
  };
}

/** What makes two target groups "the same settings" for CreateTargetGroup's idempotency. */
function settingsOf(tg: TargetGroup): string {
  return canonical({ protocol: tg.protocol, port: tg.port, protocolVersion: tg.protocolVersion, targetType: tg.targetType, healthCheck: tg.healthCheck });
}

interface TargetParam {
  id: string;
  port?: number;
  availabilityZone?: string;
  where: string;
}

function targetParams(p: QueryStruct, required: boolean): TargetParam[] {
  const list = structList(p, 'Targets');
  if (required && list.length === 0) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter Targets');
  return list.map((s, i) => {
    const where = `Targets.member.${i + 1}`;
    const id = optionalString(s, 'Id');
    if (id === undefined || id === '') throw new AlbatrossError('ValidationError', `${where}.Id is required`);
    const port = optionalInt(s, 'Port');
    const availabilityZone = optionalString(s, 'AvailabilityZone');
    return { id, where, ...(port !== undefined ? { port } : {}), ...(availabilityZone !== undefined ? { availabilityZone } : {}) };
  });
}

/** Checks targets against the group with the model's rules (InvalidTarget). */
function checkTargets(targets: readonly TargetParam[], tg: TargetGroup): void {
  const problems = new Problems();
  for (const t of targets) {
    checkTargetInput({ id: t.id, ...(t.port !== undefined ? { port: t.port } : {}) }, tg.targetType, problems, t.where);
    if (t.availabilityZone !== undefined && t.availabilityZone !== 'all' && t.availabilityZone !== DEFAULT_NODE) {
      problems.add(`${t.where}.availabilityZone`, `availability zone '${t.availabilityZone}' is not a node of this Albatross (use 'all' or '${DEFAULT_NODE}')`, 'InvalidTarget');
    }
  }
  throwProblems(problems, '');
}

/** Instance targets are host names: each new one must resolve, as `albatross apply` checks. */
async function checkHostsResolve(hosts: readonly TargetParam[]): Promise<void> {
  const failures = await unresolvedHosts(hosts.filter((t) => isIP(t.id) === 0).map((t) => t.id));
  const [host, failure] = [...failures][0] ?? [];
  if (host !== undefined) throw new AlbatrossError('InvalidTarget', `target '${host}' does not resolve (${failure})`);
}

// ---- handlers --------------------------------------------------------------------------------

const createTargetGroup: ActionHandler = async (p, ctx) => {
  const vpcId = optionalString(p, 'VpcId');
  if (vpcId !== undefined && vpcId !== VPC_ID) {
    throw new AlbatrossError('ValidationError', `VPC '${vpcId}' not found: Albatross has one VPC, '${VPC_ID}'`);
  }
  const ipAddressType = optionalString(p, 'IpAddressType');
  if (ipAddressType !== undefined && ipAddressType !== 'ipv4') {
    throw new AlbatrossError('ValidationError', `IpAddressType must be ipv4, got '${ipAddressType}'`);
  }
  const input: TargetGroupInput = { name: requiredString(p, 'Name'), ...healthCheckParams(p) };
  const protocol = optionalString(p, 'Protocol');
  const port = optionalInt(p, 'Port');
  const protocolVersion = optionalString(p, 'ProtocolVersion');
  const targetType = optionalString(p, 'TargetType');
  if (protocol !== undefined) input.protocol = protocol;
  if (port !== undefined) input.port = port;
  if (protocolVersion !== undefined) input.protocolVersion = protocolVersion;
  if (targetType !== undefined) input.targetType = targetType;
  const tags = parseTags(p);
  const problems = new Problems();
  checkTargetGroupInput(input, problems, 'tg');
  throwProblems(problems, 'tg');

  return ctx.store.transaction(async (tx) => {
    const existing = await tx.findTargetGroupByName(input.name);
    if (existing) {
      const wanted = applyTargetGroupInput(input, existing.arn, existing.createdAt);
      if (settingsOf(wanted) !== settingsOf(existing)) {
        throw new AlbatrossError('DuplicateTargetGroupName', `A target group with the name '${input.name}' already exists with different settings`);
      }
      const usage = await targetGroupUsage(tx);
      return { TargetGroups: [toXmlTargetGroup(existing, usage.get(existing.arn))] };
    }
    const tg = applyTargetGroupInput(input, targetGroupArn(ctx.arnContext, input.name, resourceId(ctx.randomHex)), ctx.now());
    await tx.putTargetGroup(tg);
    await addTags(tx, tg.arn, tags);
    return { TargetGroups: [toXmlTargetGroup(tg)] };
  });
};

const describeTargetGroups: ActionHandler = async (p, ctx) => {
  const lbArn = optionalString(p, 'LoadBalancerArn');
  const arns = stringList(p, 'TargetGroupArns');
  const names = stringList(p, 'Names');
  if ([lbArn !== undefined, arns.length > 0, names.length > 0].filter(Boolean).length > 1) {
    throw new AlbatrossError('ValidationError', 'Give only one of LoadBalancerArn, TargetGroupArns and Names');
  }
  arns.forEach((arn, i) => checkArn(arn, 'targetgroup', `TargetGroupArns.member.${i + 1}`));
  return ctx.store.transaction(async (tx) => {
    const all = await tx.listTargetGroups();
    const usage = await targetGroupUsage(tx);
    let selected: TargetGroup[];
    if (lbArn !== undefined) {
      await getLoadBalancerOrThrow(tx, lbArn);
      selected = all.filter((tg) => usage.get(tg.arn)?.has(lbArn));
    } else if (arns.length > 0) {
      const missing = arns.filter((arn) => !all.some((tg) => tg.arn === arn));
      if (missing.length > 0) throw new AlbatrossError('TargetGroupNotFound', `One or more target groups not found: ${missing.join(', ')}`);
      selected = all.filter((tg) => arns.includes(tg.arn));
    } else if (names.length > 0) {
      const missing = names.filter((n) => !all.some((tg) => tg.name === n));
      if (missing.length > 0) throw new AlbatrossError('TargetGroupNotFound', `One or more target groups not found: ${missing.join(', ')}`);
      selected = all.filter((tg) => names.includes(tg.name));
    } else {
      selected = all;
    }
    const { page, nextMarker } = paginate(selected, p);
    return { TargetGroups: page.map((tg) => toXmlTargetGroup(tg, usage.get(tg.arn))), NextMarker: nextMarker };
  });
};

const modifyTargetGroup: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'TargetGroupArn');
  const changes = healthCheckParams(p);
  return ctx.store.transaction(async (tx) => {
    const tg = await getTargetGroupOrThrow(tx, arn);
    const input: TargetGroupInput = { ...inputOf(tg), ...changes };
    const problems = new Problems();
    checkTargetGroupInput(input, problems, 'tg');
    throwProblems(problems, 'tg');
    const next: TargetGroup = { ...applyTargetGroupInput(input, tg.arn, tg.createdAt), attributes: tg.attributes };
    if (canonical(next) !== canonical(tg)) await tx.putTargetGroup(next);
    const usage = await targetGroupUsage(tx);
    return { TargetGroups: [toXmlTargetGroup(next, usage.get(tg.arn))] };
  });
};

/** Deleting a group that does not exist succeeds, as ALB's does; one in use is ResourceInUse. */
const deleteTargetGroup: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'TargetGroupArn');
  checkArn(arn, 'targetgroup', 'TargetGroupArn');
  return ctx.store.transaction(async (tx) => {
    const tg = await tx.getTargetGroup(arn);
    if (!tg) return {};
    const lbs = (await targetGroupUsage(tx)).get(arn);
    if (lbs && lbs.size > 0) {
      throw new AlbatrossError('ResourceInUse', `Target group '${arn}' is currently in use by a listener or a rule`);
    }
    await tx.deleteTargetGroup(arn);
    return {};
  });
};

const describeTargetGroupAttributes: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'TargetGroupArn');
  return ctx.store.transaction(async (tx) => {
    const tg = await getTargetGroupOrThrow(tx, arn);
    return { Attributes: toXmlAttributes(tg.attributes, 'targetgroup') };
  });
};

const modifyTargetGroupAttributes: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'TargetGroupArn');
  const changes = keyValueMap(p, 'Attributes');
  if (Object.keys(changes).length === 0) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter Attributes');
  const problems = new Problems();
  checkAttributes(targetGroupAttributeSpecs, changes, problems, 'Attributes');
  problems.throwIfAny();
  return ctx.store.transaction(async (tx) => {
    const tg = await getTargetGroupOrThrow(tx, arn);
    const attributes = { ...tg.attributes, ...changes };
    const combined = new Problems();
    checkTargetGroupAttributeCombination(attributes, combined);
    combined.throwIfAny();
    if (canonical(attributes) !== canonical(tg.attributes)) await tx.putTargetGroup({ ...tg, attributes });
    return { Attributes: toXmlAttributes(attributes, 'targetgroup') };
  });
};

/**
 * Registers new targets (registeredAt now), re-registers draining ones (their drain ends), and
 * leaves targets already registered as they are.
 */
const registerTargets: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'TargetGroupArn');
  const targets = targetParams(p, true);
  checkArn(arn, 'targetgroup', 'TargetGroupArn');
  const group = await ctx.store.transaction((tx) => getTargetGroupOrThrow(tx, arn));
  checkTargets(targets, group);
  if (group.targetType === 'instance') await checkHostsResolve(targets);
  return ctx.store.transaction(async (tx) => {
    const tg = await getTargetGroupOrThrow(tx, arn);
    const stored = new Map((await tx.listTargets(tg.arn)).map((t) => [targetKey(t.id, t.port), t]));
    const writes = new Map<string, Target>();
    const now = ctx.now();
    for (const t of targets) {
      const port = t.port ?? tg.port;
      const key = targetKey(t.id, port);
      const current = stored.get(key);
      if (current && current.drainUntil === undefined) continue;
      let next: Target;
      if (current) {
        const { drainUntil: _drainUntil, ...rest } = current;
        next = { ...rest, registeredAt: now };
      } else {
        next = { id: t.id, port, registeredAt: now };
      }
      if (t.availabilityZone !== undefined) next.availabilityZone = t.availabilityZone;
      writes.set(key, next);
    }
    const total = new Set([...stored.keys(), ...writes.keys()]).size;
    if (total > MAX_TARGETS_PER_GROUP) {
      throw new AlbatrossError('TooManyTargets', `A target group can have at most ${MAX_TARGETS_PER_GROUP} targets; this would make ${total}`);
    }
    for (const t of writes.values()) await tx.putTarget(tg.arn, t);
    return {};
  });
};

/**
 * Deregistered targets drain for the group's deregistration delay and are removed at once when
 * it is 0; a target that is not registered is InvalidTarget.
 */
const deregisterTargets: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'TargetGroupArn');
  const targets = targetParams(p, true);
  return ctx.store.transaction(async (tx) => {
    const tg = await getTargetGroupOrThrow(tx, arn);
    checkTargets(targets, tg);
    const stored = new Map((await tx.listTargets(tg.arn)).map((t) => [targetKey(t.id, t.port), t]));
    const delaySeconds = Number(tg.attributes['deregistration_delay.timeout_seconds'] ?? '300');
    const now = ctx.now();
    const done = new Set<string>();
    for (const t of targets) {
      const port = t.port ?? tg.port;
      const key = targetKey(t.id, port);
      const current = stored.get(key);
      if (!current) {
        throw new AlbatrossError('InvalidTarget', `${t.where}: target ${t.id}:${port} is not registered with target group '${tg.name}'`);
      }
      if (current.drainUntil !== undefined || done.has(key)) continue;
      done.add(key);
      if (delaySeconds === 0) await tx.deleteTarget(tg.arn, current.id, current.port);
      else await tx.putTarget(tg.arn, { ...current, drainUntil: now + delaySeconds * 1000 });
    }
    return {};
  });
};

function targetHealthOf(ctx: ActionContext, tg: TargetGroup, t: Target, inUse: boolean): TargetHealth {
  if (t.drainUntil !== undefined) return health('draining', 'Target.DeregistrationInProgress');
  if (!inUse) return health('unused', 'Target.NotInUse');
  const observed = ctx.health.get(tg.arn, targetKey(t.id, t.port));
  if (observed) return observed;
  if (!tg.healthCheck.enabled) return health('unavailable', 'Target.HealthCheckDisabled');
  return health('initial', 'Elb.RegistrationInProgress');
}

function toXmlTargetHealth(tg: TargetGroup, t: { id: string; port: number; availabilityZone?: string }, h: TargetHealth): XmlObject {
  return {
    Target: { Id: t.id, Port: t.port, AvailabilityZone: t.availabilityZone ?? DEFAULT_NODE },
    HealthCheckPort: tg.healthCheck.port === 'traffic-port' ? String(t.port) : tg.healthCheck.port,
    TargetHealth: { State: h.state, Reason: h.reason, Description: h.description },
  };
}

const describeTargetHealth: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'TargetGroupArn');
  const requested = targetParams(p, false);
  return ctx.store.transaction(async (tx: StoreTx) => {
    const tg = await getTargetGroupOrThrow(tx, arn);
    checkTargets(requested, tg);
    const registered = await tx.listTargets(tg.arn);
    const inUse = ((await targetGroupUsage(tx)).get(tg.arn)?.size ?? 0) > 0;
    const out: XmlObject[] = [];
    if (requested.length === 0) {
      for (const t of registered) out.push(toXmlTargetHealth(tg, t, targetHealthOf(ctx, tg, t, inUse)));
    } else {
      const seen = new Set<string>();
      for (const r of requested) {
        const matches = registered.filter((t) => t.id === r.id && (r.port === undefined || t.port === r.port));
        if (matches.length === 0) {
          const port = r.port ?? tg.port;
          if (seen.has(targetKey(r.id, port))) continue;
          seen.add(targetKey(r.id, port));
          out.push(toXmlTargetHealth(tg, { id: r.id, port }, health('unused', 'Target.NotRegistered')));
          continue;
        }
        for (const t of matches) {
          if (seen.has(targetKey(t.id, t.port))) continue;
          seen.add(targetKey(t.id, t.port));
          out.push(toXmlTargetHealth(tg, t, targetHealthOf(ctx, tg, t, inUse)));
        }
      }
    }
    return { TargetHealthDescriptions: out };
  });
};

export const targetGroupsActions: ActionTable = {
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  ModifyTargetGroup: modifyTargetGroup,
  DeleteTargetGroup: deleteTargetGroup,
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
  ModifyTargetGroupAttributes: modifyTargetGroupAttributes,
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  DescribeTargetHealth: describeTargetHealth,
};
