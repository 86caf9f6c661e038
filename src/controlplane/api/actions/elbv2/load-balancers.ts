/**
 * elasticloadbalancing load balancer actions: create, describe and delete load balancers, their
 * attributes, security groups and subnets (Albatross nodes). ALB's rules: creating one that
 * exists with the same settings returns it, deletion protection stops DeleteLoadBalancer, and
 * deleting one that does not exist succeeds.
 */
import {
  AlbatrossError,
  Problems,
  applyLoadBalancerInput,
  checkAttributes,
  checkLoadBalancerInput,
  ipAddressTypes,
  loadBalancerArn,
  loadBalancerAttributeSpecs,
  resourceId,
  type LoadBalancer,
  type LoadBalancerInput,
} from '../../../../model/index.ts';
import type { ActionHandler, ActionTable } from '../../action.ts';
import { keyValueMap, optionalString, paginate, requiredString, stringList } from '../params.ts';
import {
  addTags,
  availabilityZones,
  canonical,
  checkArn,
  getLoadBalancerOrThrow,
  knownNodes,
  parseSubnets,
  parseTags,
  resolveSecurityGroups,
  throwProblems,
  toXmlAttributes,
  toXmlLoadBalancer,
} from './shapes.ts';

const createLoadBalancer: ActionHandler = async (p, ctx) => {
  const input: LoadBalancerInput = { name: requiredString(p, 'Name') };
  const scheme = optionalString(p, 'Scheme');
  const ipAddressType = optionalString(p, 'IpAddressType');
  const type = optionalString(p, 'Type');
  if (scheme !== undefined) input.scheme = scheme;
  if (ipAddressType !== undefined) input.ipAddressType = ipAddressType;
  if (type !== undefined) input.type = type;
  if (optionalString(p, 'CustomerOwnedIpv4Pool') !== undefined) {
    throw new AlbatrossError('ValidationError', 'CustomerOwnedIpv4Pool is not supported by Albatross');
  }
  const securityGroupIds = stringList(p, 'SecurityGroups');
  const tags = parseTags(p);
  const problems = new Problems();
  checkLoadBalancerInput(input, problems, 'lb');
  throwProblems(problems, 'lb');

  return ctx.store.transaction(async (tx) => {
    const known = await knownNodes(ctx.store, tx);
    const nodes = parseSubnets(p, known) ?? [];
    const securityGroups = await resolveSecurityGroups(tx, securityGroupIds);
    const existing = await tx.findLoadBalancerByName(input.name);
    if (existing) {
      const wanted = applyLoadBalancerInput({ ...input, nodes, securityGroups }, existing.arn, existing.createdAt);
      const same = (lb: LoadBalancer): string =>
        canonical({ scheme: lb.scheme, ipAddressType: lb.ipAddressType, nodes: [...lb.nodes].sort(), securityGroups: [...lb.securityGroups].sort() });
      if (same(wanted) !== same(existing)) {
        throw new AlbatrossError('DuplicateLoadBalancerName', `A load balancer with the name '${input.name}' already exists with different settings`);
      }
      return { LoadBalancers: [toXmlLoadBalancer(existing, known)] };
    }
    const lb = applyLoadBalancerInput({ ...input, nodes, securityGroups }, loadBalancerArn(ctx.arnContext, input.name, resourceId(ctx.randomHex)), ctx.now());
    await tx.putLoadBalancer(lb);
    await addTags(tx, lb.arn, tags);
    return { LoadBalancers: [toXmlLoadBalancer(lb, known)] };
  });
};

const describeLoadBalancers: ActionHandler = async (p, ctx) => {
  const arns = stringList(p, 'LoadBalancerArns');
  const names = stringList(p, 'Names');
  if (arns.length > 0 && names.length > 0) throw new AlbatrossError('ValidationError', 'Give either LoadBalancerArns or Names, not both');
  arns.forEach((arn, i) => checkArn(arn, 'loadbalancer', `LoadBalancerArns.member.${i + 1}`));
  return ctx.store.transaction(async (tx) => {
    const all = await tx.listLoadBalancers();
    let selected = all;
    if (arns.length > 0 || names.length > 0) {
      const missing = arns.length > 0 ? arns.filter((a) => !all.some((lb) => lb.arn === a)) : names.filter((n) => !all.some((lb) => lb.name === n));
      if (missing.length > 0) throw new AlbatrossError('LoadBalancerNotFound', `One or more load balancers not found: ${missing.join(', ')}`);
      selected = all.filter((lb) => (arns.length > 0 ? arns.includes(lb.arn) : names.includes(lb.name)));
    }
    const { page, nextMarker } = paginate(selected, p);
    const known = await knownNodes(ctx.store, tx);
    return { LoadBalancers: page.map((lb) => toXmlLoadBalancer(lb, known)), NextMarker: nextMarker };
  });
};

const deleteLoadBalancer: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'LoadBalancerArn');
  checkArn(arn, 'loadbalancer', 'LoadBalancerArn');
  return ctx.store.transaction(async (tx) => {
    const lb = await tx.getLoadBalancer(arn);
    if (!lb) return {};
    if (lb.attributes['deletion_protection.enabled'] === 'true') {
      throw new AlbatrossError(
        'OperationNotPermitted',
        `Load balancer '${arn}' cannot be deleted because deletion protection is enabled (set deletion_protection.enabled to false first)`,
      );
    }
    await tx.deleteLoadBalancer(arn);
    return {};
  });
};

const describeLoadBalancerAttributes: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'LoadBalancerArn');
  return ctx.store.transaction(async (tx) => {
    const lb = await getLoadBalancerOrThrow(tx, arn);
    return { Attributes: toXmlAttributes(lb.attributes, 'loadbalancer') };
  });
};

const modifyLoadBalancerAttributes: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'LoadBalancerArn');
  const changes = keyValueMap(p, 'Attributes');
  if (Object.keys(changes).length === 0) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter Attributes');
  const problems = new Problems();
  checkAttributes(loadBalancerAttributeSpecs, changes, problems, 'Attributes');
  problems.throwIfAny();
  return ctx.store.transaction(async (tx) => {
    const lb = await getLoadBalancerOrThrow(tx, arn);
    const attributes = { ...lb.attributes, ...changes };
    if (canonical(attributes) !== canonical(lb.attributes)) await tx.putLoadBalancer({ ...lb, attributes });
    return { Attributes: toXmlAttributes(attributes, 'loadbalancer') };
  });
};

const setSecurityGroups: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'LoadBalancerArn');
  if (p.SecurityGroups === undefined) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter SecurityGroups');
  const ids = stringList(p, 'SecurityGroups');
  return ctx.store.transaction(async (tx) => {
    const lb = await getLoadBalancerOrThrow(tx, arn);
    const securityGroups = await resolveSecurityGroups(tx, ids);
    if (canonical(securityGroups) !== canonical(lb.securityGroups)) await tx.putLoadBalancer({ ...lb, securityGroups });
    return { SecurityGroupIds: securityGroups };
  });
};

const setSubnets: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'LoadBalancerArn');
  const ipAddressType = optionalString(p, 'IpAddressType');
  if (ipAddressType !== undefined && !(ipAddressTypes as readonly string[]).includes(ipAddressType)) {
    throw new AlbatrossError('ValidationError', `IpAddressType must be one of ${ipAddressTypes.join(', ')}, got '${ipAddressType}'`);
  }
  return ctx.store.transaction(async (tx) => {
    const lb = await getLoadBalancerOrThrow(tx, arn);
    const known = await knownNodes(ctx.store, tx);
    const nodes = parseSubnets(p, known);
    if (nodes === undefined || nodes.length === 0) {
      throw new AlbatrossError('ValidationError', 'Give at least one subnet (Subnets or SubnetMappings); subnets are Albatross nodes, e.g. subnet-local');
    }
    const next: LoadBalancer = { ...lb, nodes, ...(ipAddressType !== undefined ? { ipAddressType: ipAddressType as LoadBalancer['ipAddressType'] } : {}) };
    if (canonical(next) !== canonical(lb)) await tx.putLoadBalancer(next);
    return { AvailabilityZones: availabilityZones(next, known), IpAddressType: next.ipAddressType };
  });
};

export const loadBalancersActions: ActionTable = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  DeleteLoadBalancer: deleteLoadBalancer,
  DescribeLoadBalancerAttributes: describeLoadBalancerAttributes,
  ModifyLoadBalancerAttributes: modifyLoadBalancerAttributes,
  SetSecurityGroups: setSecurityGroups,
  SetSubnets: setSubnets,
};
