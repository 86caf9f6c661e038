/**
 * EC2 security groups: CreateSecurityGroup, DescribeSecurityGroups, AuthorizeSecurityGroupIngress,
 * RevokeSecurityGroupIngress, DeleteSecurityGroup (Version 2016-11-15, EC2's XML: lowerCamel
 * element names and `<item>` lists).
 *
 * One machine is one "VPC" (`vpc-local`); the owner is the configured account. A new group gets
 * EC2's default egress rule (all traffic to 0.0.0.0/0). Each (permission, source) pair is an EC2
 * "security group rule" with its own `sgr-` id. Sources are CIDR blocks only: rules naming other
 * security groups or prefix lists are refused. The data plane enforces ingress at accept.
 */
import {
  AlbatrossError,
  Problems,
  addRules,
  checkIpPermission,
  checkSecurityGroupDescription,
  checkSecurityGroupName,
  describeRule,
  normalizeIpPermission,
  permissionRules,
  removeRules,
  ruleKey,
  securityGroupLimits,
  type IpPermission,
  type IpPermissionInput,
  type IpRange,
  type SecurityGroup,
  type SecurityGroupRuleKey,
} from '../../../../model/index.ts';
import type { StoreTx } from '../../../../store/state-store.ts';
import type { ActionContext, ActionTable } from '../../action.ts';
import { asList, asString, asStruct, type QueryStruct, type QueryValue } from '../../query-protocol.ts';
import type { XmlObject } from '../../xml.ts';

export const VPC_ID = 'vpc-local';

function invalidValue(message: string): AlbatrossError {
  return new AlbatrossError('InvalidParameterValue', message);
}

function missing(name: string): AlbatrossError {
  return new AlbatrossError('MissingParameter', `The request must contain the parameter ${name}`);
}

// ---- reading EC2 parameters (`Name.N` lists) ---------------------------------------------------

function str(s: QueryStruct, key: string, where = key): string | undefined {
  return asString(s[key], where);
}

function int(s: QueryStruct, key: string, where = key): number | undefined {
  const v = str(s, key, where);
  if (v === undefined) return undefined;
  if (!/^-?\d{1,10}$/.test(v)) throw invalidValue(`Invalid value '${v}' for ${where}: it must be an integer`);
  return Number(v);
}

function bool(s: QueryStruct, key: string): boolean {
  const v = str(s, key);
  if (v === undefined) return false;
  if (v !== 'true' && v !== 'false') throw invalidValue(`Invalid value '${v}' for ${key}: it must be true or false`);
  return v === 'true';
}

function strings(s: QueryStruct, key: string, where = key): string[] {
  return asList(s[key], where).map((v, i) => {
    if (typeof v !== 'string') throw invalidValue(`${where}.${i + 1} must be a single value`);
    return v;
  });
}

function structs(s: QueryStruct, key: string, where = key): QueryStruct[] {
  return asList(s[key] as QueryValue | undefined, where).map((v, i) => {
    const item = asStruct(v, `${where}.${i + 1}`);
    if (item === undefined) throw invalidValue(`${where}.${i + 1} must be a structure`);
    return item;
  });
}

/** DryRun: every check runs, then EC2's DryRunOperation instead of the change. */
function dryRunDone(): AlbatrossError {
  return new AlbatrossError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
}

/** `TagSpecification.N.ResourceType=security-group`, `.Tag.M.Key/Value` → tags. */
function parseTagSpecifications(params: QueryStruct, resourceType: string): Record<string, string> {
  const out: Record<string, string> = {};
  structs(params, 'TagSpecification').forEach((spec, i) => {
    const where = `TagSpecification.${i + 1}`;
    const type = str(spec, 'ResourceType', `${where}.ResourceType`);
    if (type !== resourceType) throw invalidValue(`'${type ?? ''}' is not a valid taggable resource type for this operation: use ${resourceType}`);
    structs(spec, 'Tag', `${where}.Tag`).forEach((t, k) => {
      const twhere = `${where}.Tag.${k + 1}`;
      const key = str(t, 'Key', `${twhere}.Key`);
      const value = str(t, 'Value', `${twhere}.Value`) ?? '';
      if (key === undefined || key === '') throw invalidValue(`${twhere}.Key: a tag key must not be empty`);
      if ([...key].length > 128) throw invalidValue(`${twhere}.Key: a tag key can be at most 128 characters long`);
      if ([...value].length > 256) throw invalidValue(`${twhere}.Value: a tag value can be at most 256 characters long`);
      if (key.toLowerCase().startsWith('aws:')) throw invalidValue(`${twhere}.Key: tag keys starting with 'aws:' are reserved for AWS use`);
      if (Object.hasOwn(out, key)) throw invalidValue(`${twhere}.Key: the tag key '${key}' is given more than once`);
      out[key] = value;
    });
  });
  if (Object.keys(out).length > 50) throw new AlbatrossError('InvalidParameterValue', 'A resource can have at most 50 tags');
  return out;
}

function toXmlTags(tags: Record<string, string>): XmlObject[] | undefined {
  const keys = Object.keys(tags).sort();
  return keys.length > 0 ? keys.map((key) => ({ key, value: tags[key]! })) : undefined;
}

/**
 * The permissions of an Authorize/Revoke call: `IpPermissions.N.*`, or the short form
 * (`IpProtocol`, `FromPort`, `ToPort`, `CidrIp`), never both.
 */
function parsePermissions(params: QueryStruct): IpPermissionInput[] {
  const short = ['IpProtocol', 'FromPort', 'ToPort', 'CidrIp'].filter((k) => params[k] !== undefined);
  for (const k of ['SourceSecurityGroupName', 'SourceSecurityGroupOwnerId']) {
    if (params[k] !== undefined) throw invalidValue(`${k} is not supported: Albatross security group rules take CIDR sources only`);
  }
  const list = structs(params, 'IpPermissions');
  if (short.length > 0 && list.length > 0) {
    throw new AlbatrossError('InvalidParameterCombination', `The parameter IpPermissions cannot be used with ${short.join(', ')}: use one form or the other`);
  }
  if (short.length > 0) {
    const cidr = str(params, 'CidrIp');
    return [{
      ...(params.IpProtocol !== undefined ? { ipProtocol: str(params, 'IpProtocol')! } : {}),
      ...(params.FromPort !== undefined ? { fromPort: int(params, 'FromPort')! } : {}),
      ...(params.ToPort !== undefined ? { toPort: int(params, 'ToPort')! } : {}),
      ipv4Ranges: cidr !== undefined ? [{ cidr }] : [],
      ipv6Ranges: [],
    }];
  }
  return list.map((p, i): IpPermissionInput => {
    const where = `IpPermissions.${i + 1}`;
    for (const k of ['Groups', 'UserIdGroupPairs', 'PrefixListIds']) {
      if (p[k] !== undefined) throw invalidValue(`${where}.${k} is not supported: Albatross security group rules take CIDR sources only`);
    }
    const protocol = str(p, 'IpProtocol', `${where}.IpProtocol`);
    const fromPort = int(p, 'FromPort', `${where}.FromPort`);
    const toPort = int(p, 'ToPort', `${where}.ToPort`);
    const range = (r: QueryStruct, cidrKey: string, rwhere: string): { cidr?: string; description?: string } => {
      const cidr = str(r, cidrKey, `${rwhere}.${cidrKey}`);
      const description = str(r, 'Description', `${rwhere}.Description`);
      return { ...(cidr !== undefined ? { cidr } : {}), ...(description !== undefined ? { description } : {}) };
    };
    return {
      ...(protocol !== undefined ? { ipProtocol: protocol } : {}),
      ...(fromPort !== undefined ? { fromPort } : {}),
      ...(toPort !== undefined ? { toPort } : {}),
      ipv4Ranges: structs(p, 'IpRanges', `${where}.IpRanges`).map((r, k) => range(r, 'CidrIp', `${where}.IpRanges.${k + 1}`)),
      ipv6Ranges: structs(p, 'Ipv6Ranges', `${where}.Ipv6Ranges`).map((r, k) => range(r, 'CidrIpv6', `${where}.Ipv6Ranges.${k + 1}`)),
    };
  });
}

/** Checks permissions (EC2's codes) and expands them into single-source rules. */
function checkedRules(inputs: IpPermissionInput[]): Array<SecurityGroupRuleKey & { range: IpRange }> {
  if (inputs.length === 0) throw missing('IpPermissions');
  const problems = new Problems();
  inputs.forEach((p, i) => checkIpPermission(p, problems, `IpPermissions.${i + 1}`));
  if (!problems.empty) {
    const first = problems.list[0]!;
    throw new AlbatrossError(first.code, problems.list.length === 1 ? first.message : problems.list.map((p) => `${p.path}: ${p.message}`).join('; '), problems.list);
  }
  return inputs.flatMap((p) => permissionRules(normalizeIpPermission(p)));
}

// ---- lookups ---------------------------------------------------------------------------------

const groupIdPattern = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

function checkGroupId(id: string): void {
  if (!groupIdPattern.test(id)) throw new AlbatrossError('InvalidGroupId.Malformed', `Invalid id: "${id}" (expecting "sg-...")`);
}

function groupNotFound(what: string, byName: boolean): AlbatrossError {
  return new AlbatrossError(
    'InvalidGroup.NotFound',
    byName ? `The security group '${what}' does not exist in default VPC '${VPC_ID}'` : `The security group '${what}' does not exist`,
  );
}

/** The group named by `GroupId` or `GroupName` (GroupId wins when both are given, as in EC2). */
async function targetGroup(tx: StoreTx, params: QueryStruct): Promise<SecurityGroup> {
  const id = str(params, 'GroupId');
  const name = str(params, 'GroupName');
  if (id !== undefined && id !== '') {
    checkGroupId(id);
    const sg = await tx.getSecurityGroup(id);
    if (!sg) throw groupNotFound(id, false);
    return sg;
  }
  if (name !== undefined && name !== '') {
    const sg = await tx.findSecurityGroupByName(name);
    if (!sg) throw groupNotFound(name, true);
    return sg;
  }
  throw new AlbatrossError('MissingParameter', 'The request must contain the parameter GroupName or GroupId');
}

// ---- rendering -------------------------------------------------------------------------------

function toXmlPermission(p: IpPermission): XmlObject {
  return {
    ipProtocol: p.ipProtocol,
    fromPort: p.fromPort,
    toPort: p.toPort,
    groups: [],
    ipRanges: p.ipv4Ranges.map((r) => ({ cidrIp: r.cidr, description: r.description })),
    ipv6Ranges: p.ipv6Ranges.map((r) => ({ cidrIpv6: r.cidr, description: r.description })),
    prefixListIds: [],
  };
}

function toXmlGroup(sg: SecurityGroup, owner: string, tags: Record<string, string>): XmlObject {
  return {
    ownerId: owner,
    groupId: sg.groupId,
    groupName: sg.groupName,
    groupDescription: sg.description,
    ipPermissions: sg.ingress.map(toXmlPermission),
    ipPermissionsEgress: sg.egress.map(toXmlPermission),
    vpcId: sg.vpcId,
    tagSet: toXmlTags(tags),
  };
}

function toXmlRule(sg: SecurityGroup, owner: string, r: SecurityGroupRuleKey & { range: IpRange }, egress: boolean): XmlObject {
  return {
    securityGroupRuleId: r.range.ruleId,
    groupId: sg.groupId,
    groupOwnerId: owner,
    isEgress: egress,
    ipProtocol: r.ipProtocol,
    fromPort: r.fromPort ?? -1,
    toPort: r.toPort ?? -1,
    ...(r.family === 4 ? { cidrIpv4: r.cidr } : { cidrIpv6: r.cidr }),
    description: r.range.description,
  };
}

// ---- actions ---------------------------------------------------------------------------------

function newGroupId(randomHex: (bytes: number) => string): string {
  return `sg-${randomHex(9).slice(0, 17)}`;
}

function newRuleId(randomHex: (bytes: number) => string): string {
  return `sgr-${randomHex(9).slice(0, 17)}`;
}

async function createSecurityGroup(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const name = str(params, 'GroupName');
  const description = str(params, 'GroupDescription');
  const problems = new Problems();
  checkSecurityGroupName(name, problems, 'GroupName');
  checkSecurityGroupDescription(description, problems, 'GroupDescription');
  if (!problems.empty) throw new AlbatrossError(problems.list[0]!.code, problems.list[0]!.message, problems.list);
  const vpcId = str(params, 'VpcId');
  if (vpcId !== undefined && vpcId !== '' && vpcId !== VPC_ID) {
    throw new AlbatrossError('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist: Albatross has one VPC, '${VPC_ID}'`);
  }
  const tags = parseTagSpecifications(params, 'security-group');
  const dryRun = bool(params, 'DryRun');
  return ctx.store.transaction(async (tx) => {
    if (await tx.findSecurityGroupByName(name!)) {
      throw new AlbatrossError('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${VPC_ID}'`);
    }
    if (dryRun) throw dryRunDone();
    const sg: SecurityGroup = {
      groupId: newGroupId(ctx.randomHex),
      groupName: name!,
      description: description!,
      vpcId: VPC_ID,
      ingress: [],
      egress: [{ ipProtocol: '-1', ipv4Ranges: [{ cidr: '0.0.0.0/0', ruleId: newRuleId(ctx.randomHex) }], ipv6Ranges: [] }],
      createdAt: ctx.now(),
    };
    await tx.putSecurityGroup(sg);
    if (Object.keys(tags).length > 0) await tx.putTags(sg.groupId, tags);
    return { return: true, groupId: sg.groupId, tagSet: toXmlTags(tags) };
  });
}

/** EC2 filter values take `*` (any run) and `?` (one character); `\` escapes them. */
function filterMatches(pattern: string, value: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(value);
}

type Filter = { name: string; values: string[] };

function filterValues(f: Filter, sg: SecurityGroup, owner: string, tags: Record<string, string>): string[] | undefined {
  switch (f.name) {
    case 'group-name': return [sg.groupName];
    case 'group-id': return [sg.groupId];
    case 'description': return [sg.description];
    case 'vpc-id': return [sg.vpcId];
    case 'owner-id': return [owner];
    case 'tag-key': return Object.keys(tags);
    case 'ip-permission.cidr': return sg.ingress.flatMap((p) => p.ipv4Ranges.map((r) => r.cidr));
    case 'ip-permission.ipv6-cidr': return sg.ingress.flatMap((p) => p.ipv6Ranges.map((r) => r.cidr));
    case 'ip-permission.protocol': return sg.ingress.map((p) => p.ipProtocol);
    case 'ip-permission.from-port': return sg.ingress.map((p) => String(p.fromPort ?? -1));
    case 'ip-permission.to-port': return sg.ingress.map((p) => String(p.toPort ?? -1));
    default:
      if (f.name.startsWith('tag:')) {
        const key = f.name.slice(4);
        return Object.hasOwn(tags, key) ? [tags[key]!] : [];
      }
      return undefined;
  }
}

const filterNames = [
  'group-name', 'group-id', 'description', 'vpc-id', 'owner-id', 'tag-key', 'tag:<key>',
  'ip-permission.cidr', 'ip-permission.ipv6-cidr', 'ip-permission.protocol', 'ip-permission.from-port', 'ip-permission.to-port',
];

async function describeSecurityGroups(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const ids = strings(params, 'GroupId');
  const names = strings(params, 'GroupName');
  for (const id of ids) checkGroupId(id);
  const filters: Filter[] = structs(params, 'Filter').map((f, i) => {
    const name = str(f, 'Name', `Filter.${i + 1}.Name`);
    if (name === undefined || name === '') throw missing(`Filter.${i + 1}.Name`);
    if (!filterNames.includes(name) && !(name.startsWith('tag:') && name.length > 4)) {
      throw invalidValue(`The filter '${name}' is invalid: use one of ${filterNames.join(', ')}`);
    }
    return { name, values: strings(f, 'Value', `Filter.${i + 1}.Value`) };
  });
  const maxResults = int(params, 'MaxResults');
  if (maxResults !== undefined && (maxResults < 5 || maxResults > 1000)) {
    throw invalidValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  }
  if (maxResults !== undefined && (ids.length > 0 || names.length > 0)) {
    throw new AlbatrossError('InvalidParameterCombination', 'The parameter MaxResults cannot be used with the parameter GroupIds or GroupNames');
  }
  const token = str(params, 'NextToken');
  const dryRun = bool(params, 'DryRun');
  const owner = ctx.arnContext.account;
  return ctx.store.transaction(async (tx) => {
    let groups: SecurityGroup[];
    if (ids.length > 0 || names.length > 0) {
      groups = [];
      for (const id of ids) {
        const sg = await tx.getSecurityGroup(id);
        if (!sg) throw groupNotFound(id, false);
        if (!groups.some((g) => g.groupId === sg.groupId)) groups.push(sg);
      }
      for (const name of names) {
        const sg = await tx.findSecurityGroupByName(name);
        if (!sg) throw groupNotFound(name, true);
        if (!groups.some((g) => g.groupId === sg.groupId)) groups.push(sg);
      }
    } else {
      groups = await tx.listSecurityGroups();
    }
    if (dryRun) throw dryRunDone();
    const items: XmlObject[] = [];
    for (const sg of groups) {
      const tags = await tx.getTags(sg.groupId);
      const ok = filters.every((f) => {
        const have = filterValues(f, sg, owner, tags) ?? [];
        return f.values.some((pattern) => have.some((v) => filterMatches(pattern, v)));
      });
      if (ok) items.push(toXmlGroup(sg, owner, tags));
    }
    let start = 0;
    if (token !== undefined && token !== '') {
      const decoded = Buffer.from(token, 'base64url').toString();
      start = /^\d+$/.test(decoded) ? Number(decoded) : -1;
      if (start < 0 || start > items.length || Buffer.from(decoded).toString('base64url') !== token) {
        throw invalidValue('The NextToken is not valid: pass the NextToken of a previous DescribeSecurityGroups response');
      }
    }
    const size = maxResults ?? items.length;
    const page = items.slice(start, start + size);
    const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
    return { securityGroupInfo: page, nextToken: next };
  });
}

async function authorizeSecurityGroupIngress(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const rules = checkedRules(parsePermissions(params));
  if (params.TagSpecification !== undefined) parseTagSpecifications(params, 'security-group-rule');
  const dryRun = bool(params, 'DryRun');
  return ctx.store.transaction(async (tx) => {
    const sg = await targetGroup(tx, params);
    const existing = new Set(sg.ingress.flatMap(permissionRules).map(ruleKey));
    const added = new Set<string>();
    for (const r of rules) {
      const key = ruleKey(r);
      if (existing.has(key) || added.has(key)) {
        throw new AlbatrossError('InvalidPermission.Duplicate', `the specified rule "${describeRule(r)}" already exists`);
      }
      added.add(key);
    }
    for (const family of [4, 6] as const) {
      const count = sg.ingress.flatMap(permissionRules).filter((r) => r.family === family).length + rules.filter((r) => r.family === family).length;
      if (count > securityGroupLimits.rulesPerDirection) {
        throw new AlbatrossError(
          'RulesPerSecurityGroupLimitExceeded',
          `The maximum number of rules per security group has been reached: at most ${securityGroupLimits.rulesPerDirection} inbound IPv${family} rules`,
        );
      }
    }
    if (dryRun) throw dryRunDone();
    const withIds = rules.map((r) => ({ ...r, range: { ...r.range, ruleId: newRuleId(ctx.randomHex) } }));
    const next: SecurityGroup = { ...sg, ingress: addRules(sg.ingress, withIds) };
    await tx.putSecurityGroup(next);
    const owner = ctx.arnContext.account;
    return { return: true, securityGroupRuleSet: withIds.map((r) => toXmlRule(next, owner, r, false)) };
  });
}

async function revokeSecurityGroupIngress(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const ruleIds = strings(params, 'SecurityGroupRuleId');
  const hasPermissions = params.IpPermissions !== undefined || ['IpProtocol', 'FromPort', 'ToPort', 'CidrIp'].some((k) => params[k] !== undefined);
  if (ruleIds.length > 0 && hasPermissions) {
    throw new AlbatrossError('InvalidParameterCombination', 'Give either SecurityGroupRuleIds or IpPermissions, not both');
  }
  const rules = ruleIds.length > 0 ? [] : checkedRules(parsePermissions(params));
  const dryRun = bool(params, 'DryRun');
  return ctx.store.transaction(async (tx) => {
    const sg = await targetGroup(tx, params);
    const current = sg.ingress.flatMap(permissionRules);
    const remove = new Set<string>();
    if (ruleIds.length > 0) {
      for (const id of ruleIds) {
        const found = current.find((r) => r.range.ruleId === id);
        if (!found) throw new AlbatrossError('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist in security group '${sg.groupId}'`);
        remove.add(ruleKey(found));
      }
    } else {
      const have = new Set(current.map(ruleKey));
      for (const r of rules) {
        if (!have.has(ruleKey(r))) {
          throw new AlbatrossError('InvalidPermission.NotFound', `The specified rule "${describeRule(r)}" does not exist in this security group.`);
        }
        remove.add(ruleKey(r));
      }
    }
    if (dryRun) throw dryRunDone();
    await tx.putSecurityGroup({ ...sg, ingress: removeRules(sg.ingress, remove) });
    return { return: true };
  });
}

async function deleteSecurityGroup(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const dryRun = bool(params, 'DryRun');
  return ctx.store.transaction(async (tx) => {
    const sg = await targetGroup(tx, params);
    const users = (await tx.listLoadBalancers()).filter((lb) => lb.securityGroups.includes(sg.groupId));
    if (users.length > 0) {
      throw new AlbatrossError(
        'DependencyViolation',
        `resource ${sg.groupId} has a dependent object: it is attached to load balancer ${users.map((lb) => lb.name).join(', ')}`,
      );
    }
    if (dryRun) throw dryRunDone();
    const tags = await tx.getTags(sg.groupId);
    if (Object.keys(tags).length > 0) await tx.removeTags(sg.groupId, Object.keys(tags));
    await tx.deleteSecurityGroup(sg.groupId);
    return { return: true, groupId: sg.groupId };
  });
}

export const securityGroupsActions: ActionTable = {
  CreateSecurityGroup: createSecurityGroup,
  DescribeSecurityGroups: describeSecurityGroups,
  AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
  RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
  DeleteSecurityGroup: deleteSecurityGroup,
};
