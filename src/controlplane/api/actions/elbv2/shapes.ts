/**
 * Shared pieces of the elasticloadbalancing actions: reading Query structures (actions, tags,
 * certificates, subnets) into the model's inputs, looking resources up with ALB's not-found
 * codes, and rendering resources in the XML shapes botocore's elbv2 model expects.
 *
 * `parseActions` / `resolveActions` / `toXmlAction` are also used by the rules actions: keep
 * their signatures stable.
 */
import {
  AlbatrossError,
  Problems,
  arnKind,
  checkActions,
  loadBalancerAttributeSpecs,
  normalizeActions,
  referencedTargetGroups,
  targetGroupAttributeSpecs,
  type Action,
  type ActionInput,
  type Attributes,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '../../../../model/index.ts';
import type { StateStore, StoreTx } from '../../../../store/state-store.ts';
import { asList, asString, asStruct, type QueryStruct, type QueryValue } from '../../query-protocol.ts';
import type { XmlObject } from '../../xml.ts';
import { structList } from '../params.ts';

/** One machine, one "VPC". */
export const VPC_ID = 'vpc-local';
/** Route 53 zone id shown for every load balancer (there is no Route 53 here). */
export const CANONICAL_HOSTED_ZONE_ID = 'ZALBATROSSLOCAL';
/** The node a single machine runs as (`albatross serve --node`, default `local`). */
export const DEFAULT_NODE = 'local';

// ---- reading Query values --------------------------------------------------------------------

function invalid(message: string): AlbatrossError {
  return new AlbatrossError('ValidationError', message);
}

function str(s: QueryStruct, key: string, where: string): string | undefined {
  return asString(s[key], `${where}.${key}`);
}

function int(s: QueryStruct, key: string, where: string): number | undefined {
  const v = str(s, key, where);
  if (v === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(v)) throw invalid(`${where}.${key} must be an integer, got '${v}'`);
  return Number(v);
}

function bool(s: QueryStruct, key: string, where: string): boolean | undefined {
  const v = str(s, key, where);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw invalid(`${where}.${key} must be true or false, got '${v}'`);
  return v === 'true';
}

function struct(s: QueryStruct, key: string, where: string): QueryStruct | undefined {
  return asStruct(s[key], `${where}.${key}`);
}

function list(s: QueryStruct, key: string, where: string): QueryStruct[] {
  return asList(s[key] as QueryValue | undefined, `${where}.${key}`).map((v, i) => {
    const item = asStruct(v, `${where}.${key}.member.${i + 1}`);
    if (item === undefined) throw invalid(`${where}.${key}.member.${i + 1} must be a structure`);
    return item;
  });
}

const actionTypes = ['forward', 'redirect', 'fixed-response', 'authenticate-oidc', 'authenticate-cognito'];

/**
 * `DefaultActions.member.N.*` (or `Actions.member.N.*`) → the model's action inputs, unchecked
 * beyond types and shapes: pass them to `resolveActions` (or the model's `checkActions`).
 * An empty or missing list gives []; `checkActions` reports that at least one is required.
 */
export function parseActions(params: QueryStruct, name: string): ActionInput[] {
  return structList(params, name).map((s, i): ActionInput => {
    const where = `${name}.member.${i + 1}`;
    const type = str(s, 'Type', where);
    if (type === undefined || type === '') throw invalid(`${where}.Type is required (one of ${actionTypes.join(', ')})`);
    if (type === 'authenticate-oidc' || type === 'authenticate-cognito') {
      throw new AlbatrossError('InvalidConfigurationRequest', `${where}: action type '${type}' is not supported by Albatross (use forward, redirect or fixed-response)`);
    }
    const out: ActionInput = { type };
    const order = int(s, 'Order', where);
    if (order !== undefined) out.order = order;
    const tgArn = str(s, 'TargetGroupArn', where);
    if (tgArn !== undefined) out.targetGroupArn = tgArn;
    const fc = struct(s, 'ForwardConfig', where);
    if (fc !== undefined) {
      const fwhere = `${where}.ForwardConfig`;
      const forwardConfig: NonNullable<ActionInput['forwardConfig']> = {};
      if (fc.TargetGroups !== undefined) {
        forwardConfig.targetGroups = list(fc, 'TargetGroups', fwhere).map((g, j) => {
          const gwhere = `${fwhere}.TargetGroups.member.${j + 1}`;
          const arn = str(g, 'TargetGroupArn', gwhere);
          if (arn === undefined || arn === '') throw invalid(`${gwhere}.TargetGroupArn is required`);
          const weight = int(g, 'Weight', gwhere);
          return weight === undefined ? { targetGroupArn: arn } : { targetGroupArn: arn, weight };
        });
      }
      const sc = struct(fc, 'TargetGroupStickinessConfig', fwhere);
      if (sc !== undefined) {
        const swhere = `${fwhere}.TargetGroupStickinessConfig`;
        const enabled = bool(sc, 'Enabled', swhere);
        const durationSeconds = int(sc, 'DurationSeconds', swhere);
        forwardConfig.targetGroupStickinessConfig = {
          ...(enabled !== undefined ? { enabled } : {}),
          ...(durationSeconds !== undefined ? { durationSeconds } : {}),
        };
      }
      out.forwardConfig = forwardConfig;
    }
    const rc = struct(s, 'RedirectConfig', where);
    if (rc !== undefined) {
      const rwhere = `${where}.RedirectConfig`;
      const redirect: NonNullable<ActionInput['redirectConfig']> = {};
      const protocol = str(rc, 'Protocol', rwhere);
      const port = str(rc, 'Port', rwhere);
      const host = str(rc, 'Host', rwhere);
      const path = str(rc, 'Path', rwhere);
      const query = str(rc, 'Query', rwhere);
      const statusCode = str(rc, 'StatusCode', rwhere);
      if (protocol !== undefined) redirect.protocol = protocol;
      if (port !== undefined) redirect.port = port;
      if (host !== undefined) redirect.host = host;
      if (path !== undefined) redirect.path = path;
      if (query !== undefined) redirect.query = query;
      if (statusCode !== undefined) redirect.statusCode = statusCode as 'HTTP_301' | 'HTTP_302';
      out.redirectConfig = redirect;
    }
    const fr = struct(s, 'FixedResponseConfig', where);
    if (fr !== undefined) {
      const fwhere = `${where}.FixedResponseConfig`;
      const fixed: NonNullable<ActionInput['fixedResponseConfig']> = {};
      const statusCode = str(fr, 'StatusCode', fwhere);
      const contentType = str(fr, 'ContentType', fwhere);
      const messageBody = str(fr, 'MessageBody', fwhere);
      if (statusCode !== undefined) fixed.statusCode = statusCode;
      if (contentType !== undefined) fixed.contentType = contentType;
      if (messageBody !== undefined) fixed.messageBody = messageBody;
      out.fixedResponseConfig = fixed;
    }
    return out;
  });
}

/**
 * Checks action inputs with the model (a forward to a group that does not exist is
 * TargetGroupNotFound) and returns them in the stored shape; throws with every problem.
 */
export async function resolveActions(tx: StoreTx, inputs: ActionInput[], name: string): Promise<Action[]> {
  const groups = new Set((await tx.listTargetGroups()).map((tg) => tg.arn));
  const problems = new Problems();
  checkActions(inputs, problems, name, (arn) => groups.has(arn));
  const orders = inputs.map((a) => a.order).filter((o): o is number => o !== undefined);
  if (new Set(orders).size !== orders.length) problems.add(name, 'each action must have a different Order');
  problems.throwIfAny();
  return normalizeActions(inputs);
}

// ---- tags ------------------------------------------------------------------------------------

export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * `Tags.member.N.Key/Value` → a map, checked as ALB does: keys 1–128 characters and not
 * starting with `aws:`, values 0–256, a key given twice is DuplicateTagKeys.
 */
export function parseTags(params: QueryStruct, name = 'Tags'): Record<string, string> {
  const out: Record<string, string> = {};
  structList(params, name).forEach((s, i) => {
    const where = `${name}.member.${i + 1}`;
    const key = str(s, 'Key', where);
    const value = str(s, 'Value', where) ?? '';
    checkTagKey(key, where);
    if ([...value].length > 256) throw invalid(`${where}.Value must be at most 256 characters`);
    if (Object.hasOwn(out, key!)) throw new AlbatrossError('DuplicateTagKeys', `Tag key '${key}' is given more than once`);
    out[key!] = value;
  });
  if (Object.keys(out).length > MAX_TAGS_PER_RESOURCE) {
    throw new AlbatrossError('TooManyTags', `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags; ${Object.keys(out).length} were given`);
  }
  return out;
}

export function checkTagKey(key: string | undefined, where: string): void {
  if (key === undefined || key === '') throw invalid(`${where}.Key is required`);
  if ([...key].length > 128) throw invalid(`${where}.Key must be at most 128 characters`);
  if (key.toLowerCase().startsWith('aws:')) throw invalid(`${where}.Key '${key}': the prefix 'aws:' is reserved`);
}

/** Adds `tags` to a resource, refusing to go over the limit (TooManyTags). */
export async function addTags(tx: StoreTx, arn: string, tags: Record<string, string>): Promise<void> {
  if (Object.keys(tags).length === 0) return;
  const current = await tx.getTags(arn);
  const total = new Set([...Object.keys(current), ...Object.keys(tags)]).size;
  if (total > MAX_TAGS_PER_RESOURCE) {
    throw new AlbatrossError('TooManyTags', `'${arn}' would have ${total} tags; a resource can have at most ${MAX_TAGS_PER_RESOURCE}`);
  }
  await tx.putTags(arn, tags);
}

export function toXmlTags(tags: Record<string, string>): XmlObject[] {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key]! }));
}

// ---- ARNs and lookups ------------------------------------------------------------------------

type ArnKind = 'targetgroup' | 'loadbalancer' | 'listener' | 'listener-rule';

const kindWords: Record<ArnKind, string> = {
  targetgroup: 'target group',
  loadbalancer: 'load balancer',
  listener: 'listener',
  'listener-rule': 'rule',
};

/** Refuses a value that is not an elasticloadbalancing ARN of `kind` (ValidationError). */
export function checkArn(arn: string, kind: ArnKind, param: string): void {
  if (arnKind(arn) !== kind || arn.length > 2048) throw invalid(`${param}: '${arn}' is not a valid ${kindWords[kind]} ARN`);
}

export async function getTargetGroupOrThrow(tx: StoreTx, arn: string, param = 'TargetGroupArn'): Promise<TargetGroup> {
  checkArn(arn, 'targetgroup', param);
  const tg = await tx.getTargetGroup(arn);
  if (!tg) throw new AlbatrossError('TargetGroupNotFound', `Target group '${arn}' not found`);
  return tg;
}

export async function getLoadBalancerOrThrow(tx: StoreTx, arn: string, param = 'LoadBalancerArn'): Promise<LoadBalancer> {
  checkArn(arn, 'loadbalancer', param);
  const lb = await tx.getLoadBalancer(arn);
  if (!lb) throw new AlbatrossError('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
  return lb;
}

export async function getListenerOrThrow(tx: StoreTx, arn: string, param = 'ListenerArn'): Promise<Listener> {
  checkArn(arn, 'listener', param);
  const l = await tx.getListener(arn);
  if (!l) throw new AlbatrossError('ListenerNotFound', `Listener '${arn}' not found`);
  return l;
}

/** Target group ARN → the load balancers whose listeners or rules forward to it. */
export async function targetGroupUsage(tx: StoreTx): Promise<Map<string, Set<string>>> {
  const usage = new Map<string, Set<string>>();
  const listeners = await tx.listListeners();
  const lbOfListener = new Map(listeners.map((l) => [l.arn, l.loadBalancerArn]));
  const note = (actions: readonly Action[], lbArn: string | undefined): void => {
    if (lbArn === undefined) return;
    for (const tg of referencedTargetGroups(actions)) {
      let set = usage.get(tg);
      if (!set) usage.set(tg, (set = new Set()));
      set.add(lbArn);
    }
  };
  for (const l of listeners) note(l.defaultActions, l.loadBalancerArn);
  for (const r of await tx.listRules()) note(r.actions, lbOfListener.get(r.listenerArn));
  return usage;
}

// ---- nodes (ALB's subnets and zones) ---------------------------------------------------------

const nodeNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * The nodes Albatross knows: `local`, every node that has reported target health, and every
 * node a load balancer already names.
 */
export async function knownNodes(store: StateStore, tx: StoreTx): Promise<Set<string>> {
  const nodes = new Set<string>([DEFAULT_NODE]);
  for (const r of await store.listTargetHealth()) nodes.add(r.node);
  for (const lb of await tx.listLoadBalancers()) for (const n of lb.nodes) nodes.add(n);
  return nodes;
}

/** `subnet-local` or `local` → `local`; undefined when it is not a node name at all. */
function nodeOfSubnet(subnet: string): string | undefined {
  const name = subnet.startsWith('subnet-') ? subnet.slice('subnet-'.length) : subnet;
  return nodeNamePattern.test(name) ? name : undefined;
}

/**
 * Reads `Subnets` and `SubnetMappings` (subnet ids are node names, with or without `subnet-`)
 * into node names; undefined when neither is given. Unknown nodes are InvalidSubnet.
 */
export function parseSubnets(params: QueryStruct, known: ReadonlySet<string>): string[] | undefined {
  const subnets = asList(params.Subnets, 'Subnets').map((v, i) => {
    if (typeof v !== 'string') throw invalid(`Subnets.member.${i + 1} must be a single value`);
    return { subnet: v, where: `Subnets.member.${i + 1}` };
  });
  const mappings = structList(params, 'SubnetMappings').map((s, i) => {
    const where = `SubnetMappings.member.${i + 1}`;
    for (const unsupported of ['AllocationId', 'PrivateIPv4Address', 'IPv6Address', 'SourceNatIpv6Prefix']) {
      if (s[unsupported] !== undefined) throw invalid(`${where}.${unsupported} is not supported by Application Load Balancers`);
    }
    const subnet = str(s, 'SubnetId', where);
    if (subnet === undefined || subnet === '') throw invalid(`${where}.SubnetId is required`);
    return { subnet, where };
  });
  if (subnets.length > 0 && mappings.length > 0) throw invalid('Give either Subnets or SubnetMappings, not both');
  const given = subnets.length > 0 ? subnets : mappings;
  if (given.length === 0) return params.Subnets === undefined && params.SubnetMappings === undefined ? undefined : [];
  const nodes: string[] = [];
  for (const { subnet, where } of given) {
    const node = nodeOfSubnet(subnet);
    if (node === undefined || !known.has(node)) {
      throw new AlbatrossError(
        'InvalidSubnet',
        `${where}: subnet '${subnet}' is not an Albatross node (known: ${[...known].map((n) => `subnet-${n}`).join(', ')})`,
      );
    }
    if (nodes.includes(node)) throw invalid(`${where}: subnet '${subnet}' is given more than once`);
    nodes.push(node);
  }
  return nodes;
}

/** The zones a load balancer is in: its nodes, or every known node when it names none. */
export function availabilityZones(lb: LoadBalancer, known: ReadonlySet<string>): XmlObject[] {
  const nodes = lb.nodes.length > 0 ? lb.nodes : [...known].sort();
  return nodes.map((n) => ({ ZoneName: n, SubnetId: `subnet-${n}`, LoadBalancerAddresses: [] }));
}

// ---- security groups -------------------------------------------------------------------------

/** `SecurityGroups.member.N` → group ids that exist (InvalidSecurityGroup otherwise). */
export async function resolveSecurityGroups(tx: StoreTx, ids: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const sg = await tx.getSecurityGroup(id);
    if (!sg) throw new AlbatrossError('InvalidSecurityGroup', `Security group '${id}' does not exist (give group ids, sg-...)`);
    if (!out.includes(sg.groupId)) out.push(sg.groupId);
  }
  return out;
}

// ---- attributes ------------------------------------------------------------------------------

/** Attributes as `[{Key, Value}]`, in the order of the specs (ALB's), then any others. */
export function toXmlAttributes(attributes: Attributes, kind: 'targetgroup' | 'loadbalancer'): XmlObject[] {
  const specs = kind === 'targetgroup' ? targetGroupAttributeSpecs : loadBalancerAttributeSpecs;
  const keys = [...Object.keys(specs), ...Object.keys(attributes).filter((k) => !(k in specs)).sort()];
  return keys.map((Key) => ({ Key, Value: attributes[Key] ?? specs[Key]?.default ?? '' }));
}

// ---- rendering -------------------------------------------------------------------------------

export function toXmlAction(a: Action): XmlObject {
  switch (a.type) {
    case 'forward':
      return {
        Type: 'forward',
        TargetGroupArn: a.targetGroupArn,
        Order: a.order,
        ForwardConfig: {
          TargetGroups: a.forwardConfig.targetGroups.map((g) => ({ TargetGroupArn: g.targetGroupArn, Weight: g.weight })),
          TargetGroupStickinessConfig: {
            Enabled: a.forwardConfig.targetGroupStickinessConfig.enabled,
            DurationSeconds: a.forwardConfig.targetGroupStickinessConfig.durationSeconds,
          },
        },
      };
    case 'redirect': {
      const r = a.redirectConfig;
      return {
        Type: 'redirect',
        Order: a.order,
        RedirectConfig: { Protocol: r.protocol, Port: r.port, Host: r.host, Path: r.path, Query: r.query, StatusCode: r.statusCode },
      };
    }
    case 'fixed-response': {
      const f = a.fixedResponseConfig;
      return {
        Type: 'fixed-response',
        Order: a.order,
        FixedResponseConfig: { MessageBody: f.messageBody, StatusCode: f.statusCode, ContentType: f.contentType },
      };
    }
  }
}

export function toXmlTargetGroup(tg: TargetGroup, loadBalancerArns: Iterable<string> = []): XmlObject {
  const hc = tg.healthCheck;
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: VPC_ID,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckEnabled: hc.enabled,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThresholdCount,
    UnhealthyThresholdCount: hc.unhealthyThresholdCount,
    HealthCheckPath: hc.path,
    Matcher: { HttpCode: hc.matcher },
    LoadBalancerArns: [...loadBalancerArns].sort(),
    TargetType: tg.targetType,
    ProtocolVersion: tg.protocolVersion,
    IpAddressType: 'ipv4',
  };
}

export function toXmlLoadBalancer(lb: LoadBalancer, known: ReadonlySet<string>): XmlObject {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: CANONICAL_HOSTED_ZONE_ID,
    CreatedTime: new Date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: VPC_ID,
    State: { Code: 'active' },
    Type: lb.type,
    AvailabilityZones: availabilityZones(lb, known),
    SecurityGroups: lb.securityGroups,
    IpAddressType: lb.ipAddressType,
  };
}

/** A listener as DescribeListeners shows it: `Certificates` holds the default certificate only. */
export function toXmlListener(l: Listener): XmlObject {
  const first = l.certificates[0];
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    Certificates: first ? [{ CertificateArn: first.certificateArn }] : undefined,
    SslPolicy: l.sslPolicy,
    DefaultActions: l.defaultActions.map(toXmlAction),
  };
}

/** JSON with sorted keys and no undefined values: equal values give equal strings. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

// ---- problems --------------------------------------------------------------------------------

/**
 * Throws the model's problems with paths in the API's words: the model's `prefix.fieldName`
 * becomes `FieldName` (`healthCheckIntervalSeconds` → `HealthCheckIntervalSeconds`).
 */
export function throwProblems(problems: Problems, prefix: string): void {
  if (problems.empty) return;
  throw AlbatrossError.fromProblems(
    problems.list.map((p) => {
      const rest = p.path.startsWith(`${prefix}.`) ? p.path.slice(prefix.length + 1) : p.path;
      return { ...p, path: rest.charAt(0).toUpperCase() + rest.slice(1) };
    }),
  );
}
