/** Load balancers: a named set of listeners with a scheme, address type and attributes (spec §5). */
import { Problems } from './errors.ts';
import { checkOneOf, checkResourceName } from './names.ts';
import { checkAttributes, defaultAttributes, loadBalancerAttributeSpecs, type Attributes } from './attributes.ts';

export type Scheme = 'internet-facing' | 'internal';
export type IpAddressType = 'ipv4' | 'dualstack';

export interface LoadBalancer {
  arn: string;
  name: string;
  scheme: Scheme;
  ipAddressType: IpAddressType;
  type: 'application';
  /** Albatross nodes that serve it (ALB's subnets / zones); empty means every node. */
  nodes: string[];
  securityGroups: string[];
  attributes: Attributes;
  dnsName: string;
  createdAt: number;
}

export interface LoadBalancerInput {
  name: string;
  scheme?: string;
  ipAddressType?: string;
  type?: string;
  nodes?: string[];
  securityGroups?: string[];
  attributes?: Attributes;
}

export const schemes = ['internet-facing', 'internal'] as const;
export const ipAddressTypes = ['ipv4', 'dualstack'] as const;

export function checkLoadBalancerInput(input: LoadBalancerInput, problems: Problems, path: string): void {
  checkResourceName(input.name, 'Load balancer', problems, `${path}.name`);
  if (input.scheme !== undefined) checkOneOf(input.scheme, schemes, 'scheme', problems, `${path}.scheme`);
  if (input.ipAddressType !== undefined) checkOneOf(input.ipAddressType, ipAddressTypes, 'ipAddressType', problems, `${path}.ipAddressType`);
  if (input.type !== undefined) checkOneOf(input.type, ['application'], 'type', problems, `${path}.type`);
  if (input.attributes !== undefined) checkAttributes(loadBalancerAttributeSpecs, input.attributes, problems, `${path}.attributes`);
}

export function buildLoadBalancer(input: LoadBalancerInput, arn: string, createdAt: number, path = 'loadBalancer'): LoadBalancer {
  const problems = new Problems();
  checkLoadBalancerInput(input, problems, path);
  problems.throwIfAny();
  return applyLoadBalancerInput(input, arn, createdAt);
}

export function applyLoadBalancerInput(input: LoadBalancerInput, arn: string, createdAt: number): LoadBalancer {
  const scheme = (input.scheme ?? 'internet-facing') as Scheme;
  const id = arn.slice(arn.lastIndexOf('/') + 1);
  return {
    arn,
    name: input.name,
    scheme,
    ipAddressType: (input.ipAddressType ?? 'ipv4') as IpAddressType,
    type: 'application',
    nodes: input.nodes ?? [],
    securityGroups: input.securityGroups ?? [],
    attributes: { ...defaultAttributes(loadBalancerAttributeSpecs), ...(input.attributes ?? {}) },
    dnsName: `${scheme === 'internal' ? 'internal-' : ''}${input.name}-${id.slice(0, 10)}.albatross.local`,
    createdAt,
  };
}

/** The address a listener of this load balancer binds: all addresses, or loopback for `internal`. */
export function bindAddress(lb: Pick<LoadBalancer, 'scheme' | 'ipAddressType'>): string {
  if (lb.scheme === 'internal') return lb.ipAddressType === 'dualstack' ? '::1' : '127.0.0.1';
  return lb.ipAddressType === 'dualstack' ? '::' : '0.0.0.0';
}
