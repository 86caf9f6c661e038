/**
 * Security groups: named sets of inbound rules attached to load balancers (EC2's shape), with
 * EC2's validation: names and descriptions, protocols, port ranges and CIDR blocks. CIDR parsing
 * lives here because listener rules (source-ip) use it too.
 */
import { isIP } from 'node:net';
import type { Problems } from './errors.ts';

export interface IpRange {
  cidr: string;
  description?: string;
  /** EC2's security group rule id (`sgr-` + 17 hex), one per (permission, range). */
  ruleId?: string;
}

export interface IpPermission {
  /** `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for all. */
  ipProtocol: string;
  /** Absent when the protocol covers every port (`-1`, or a protocol without ports). */
  fromPort?: number;
  toPort?: number;
  ipv4Ranges: IpRange[];
  ipv6Ranges: IpRange[];
}

export interface SecurityGroup {
  /** `sg-` followed by 17 hex digits. */
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  ingress: IpPermission[];
  egress: IpPermission[];
  createdAt: number;
}

/** EC2's limits (rules count per direction and address family, as EC2's quota does). */
export const securityGroupLimits = { nameLength: 255, descriptionLength: 255, rulesPerDirection: 60 } as const;

// ---- CIDR blocks ------------------------------------------------------------------------------

export interface Cidr {
  family: 4 | 6;
  /** The network address as a number (IPv4 in the low 32 bits). */
  address: bigint;
  prefix: number;
  /** `10.0.0.0/8`, `2001:db8::/32` (IPv6 lower-case, zeros compressed). */
  canonical: string;
}

function ipv4ToBigInt(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(text: string): bigint {
  let head = text;
  // An embedded IPv4 suffix (`::ffff:1.2.3.4`) is two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]!);
    head = text.slice(0, v4.index) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const double = head.indexOf('::');
  let groups: string[];
  if (double >= 0) {
    const left = head.slice(0, double).split(':').filter((g) => g !== '');
    const right = head.slice(double + 2).split(':').filter((g) => g !== '');
    groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  } else {
    groups = head.split(':');
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function ipv6ToText(n: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  // Longest run of two or more zero groups becomes `::` (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * Parses `a.b.c.d/n` or an IPv6 `addr/n`. Returns undefined when it is not a CIDR block, and
 * `hostBits: true` when the address has bits set beyond the prefix (`10.0.0.1/8`).
 */
export function parseCidr(text: string): (Cidr & { hostBits: boolean }) | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0 || text.indexOf('/', slash + 1) >= 0) return undefined;
  const addr = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || addr.includes('%')) return undefined;
  const prefix = Number(prefixText);
  const family = isIP(addr);
  if (family === 4) {
    if (prefix > 32) return undefined;
    const address = ipv4ToBigInt(addr);
    const mask = prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n);
    const network = address & mask;
    const canonical = `${[24n, 16n, 8n, 0n].map((s) => String((network >> s) & 0xffn)).join('.')}/${prefix}`;
    return { family: 4, address: network, prefix, canonical, hostBits: network !== address };
  }
  if (family === 6) {
    if (prefix > 128) return undefined;
    const address = ipv6ToBigInt(addr);
    const all = (1n << 128n) - 1n;
    const mask = prefix === 0 ? 0n : all ^ ((1n << BigInt(128 - prefix)) - 1n);
    const network = address & mask;
    return { family: 6, address: network, prefix, canonical: `${ipv6ToText(network)}/${prefix}`, hostBits: network !== address };
  }
  return undefined;
}

/**
 * Checks a CIDR block of the given family (or either). Host bits beyond the prefix are refused:
 * `10.0.0.1/8` most likely means something else than `10.0.0.0/8`.
 */
export function checkCidr(
  value: unknown,
  family: 4 | 6 | undefined,
  problems: Problems,
  path: string,
  code: 'ValidationError' | 'InvalidParameterValue' = 'InvalidParameterValue',
): Cidr | undefined {
  const what = family === 4 ? 'an IPv4 CIDR block' : family === 6 ? 'an IPv6 CIDR block' : 'an IPv4 or IPv6 CIDR block';
  const parsed = typeof value === 'string' ? parseCidr(value) : undefined;
  if (!parsed || (family !== undefined && parsed.family !== family)) {
    problems.add(path, `CIDR block ${JSON.stringify(value)} is malformed: expected ${what} such as ${family === 6 ? '2001:db8::/32' : '203.0.113.0/24'}`, code);
    return undefined;
  }
  if (parsed.hostBits) {
    problems.add(path, `CIDR block ${value as string} is malformed: the address has bits set beyond the /${parsed.prefix} prefix (did you mean ${parsed.canonical}?)`, code);
    return undefined;
  }
  return parsed;
}

// ---- names and descriptions -------------------------------------------------------------------

/** EC2's characters for VPC security group names, descriptions and rule descriptions. */
const ec2TextPattern = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
const ec2TextCharacters = 'a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*';

export function checkSecurityGroupName(name: unknown, problems: Problems, path: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    problems.add(path, 'The request must contain the parameter GroupName', 'MissingParameter');
  } else if (name.length > securityGroupLimits.nameLength) {
    problems.add(path, `Value for parameter GroupName is invalid: it can be at most ${securityGroupLimits.nameLength} characters long`, 'InvalidParameterValue');
  } else if (/^sg-/i.test(name)) {
    problems.add(path, `Value (${name}) for parameter GroupName is invalid. Group names may not be in the format sg-*.`, 'InvalidParameterValue');
  } else if (!ec2TextPattern.test(name)) {
    problems.add(path, `Value (${name}) for parameter GroupName is invalid. Valid characters: ${ec2TextCharacters}`, 'InvalidParameterValue');
  }
}

export function checkSecurityGroupDescription(description: unknown, problems: Problems, path: string): void {
  if (typeof description !== 'string' || description.length === 0) {
    problems.add(path, 'The request must contain the parameter GroupDescription', 'MissingParameter');
  } else if (description.length > securityGroupLimits.descriptionLength) {
    problems.add(path, `Value for parameter GroupDescription is invalid: it can be at most ${securityGroupLimits.descriptionLength} characters long`, 'InvalidParameterValue');
  } else if (!ec2TextPattern.test(description)) {
    problems.add(path, `Value for parameter GroupDescription is invalid. Valid characters: ${ec2TextCharacters}`, 'InvalidParameterValue');
  }
}

// ---- permissions ----------------------------------------------------------------------------

/** A permission as users give it (AuthorizeSecurityGroupIngress's IpPermissions or short form). */
export interface IpPermissionInput {
  ipProtocol?: string;
  fromPort?: number;
  toPort?: number;
  ipv4Ranges?: Array<{ cidr?: string; description?: string }>;
  ipv6Ranges?: Array<{ cidr?: string; description?: string }>;
}

const protocolNames: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

/** `TCP`, `6` → `tcp`; `all` → `-1`; other numbers stay numbers; undefined when unknown. */
export function normalizeIpProtocol(protocol: string): string | undefined {
  const p = protocol.trim().toLowerCase();
  if (['tcp', 'udp', 'icmp', 'icmpv6', '-1'].includes(p)) return p;
  if (protocolNames[p]) return protocolNames[p];
  if (/^\d{1,3}$/.test(p) && Number(p) <= 255) return String(Number(p));
  return undefined;
}

/** Protocols whose rules name a port range (tcp, udp) or an ICMP type and code. */
function usesPorts(protocol: string): boolean {
  return protocol === 'tcp' || protocol === 'udp' || protocol === 'icmp' || protocol === 'icmpv6';
}

/** Checks one permission; problems use EC2's codes. */
export function checkIpPermission(input: IpPermissionInput, problems: Problems, path: string): void {
  const raw = input.ipProtocol;
  if (raw === undefined || raw === '') {
    problems.add(`${path}.IpProtocol`, 'The request must contain the parameter IpProtocol', 'MissingParameter');
    return;
  }
  const protocol = normalizeIpProtocol(raw);
  if (protocol === undefined) {
    problems.add(`${path}.IpProtocol`, `Invalid value '${raw}' for IP protocol. Unknown protocol: use tcp, udp, icmp, icmpv6, -1 (all) or a protocol number 0-255.`, 'InvalidParameterValue');
    return;
  }
  const { fromPort, toPort } = input;
  if (protocol === 'tcp' || protocol === 'udp') {
    if (fromPort === undefined || toPort === undefined) {
      problems.add(`${path}.FromPort`, `Invalid value for portRange. Must specify both from and to ports with TCP/UDP.`, 'InvalidParameterValue');
    } else if (fromPort === -1 && toPort === -1) {
      // -1 to -1 means every port (the AWS CLI's `--port all`).
    } else if (!inRange(fromPort, 0, 65535) || !inRange(toPort, 0, 65535)) {
      problems.add(`${path}.FromPort`, `Invalid port range ${fromPort}-${toPort}: ports are 0-65535.`, 'InvalidParameterValue');
    } else if (fromPort > toPort) {
      problems.add(`${path}.FromPort`, `Invalid port range ${fromPort}-${toPort}: FromPort must not be greater than ToPort.`, 'InvalidParameterValue');
    }
  } else if (protocol === 'icmp' || protocol === 'icmpv6') {
    // FromPort is the ICMP type, ToPort the code; -1 means all.
    if (fromPort === undefined || toPort === undefined) {
      problems.add(`${path}.FromPort`, 'Invalid value for ICMP: give FromPort (the ICMP type) and ToPort (the code), -1 for all.', 'InvalidParameterValue');
    } else if (!inRange(fromPort, -1, 255) || !inRange(toPort, -1, 255)) {
      problems.add(`${path}.FromPort`, `Invalid ICMP type ${fromPort} or code ${toPort}: each is -1 (all) or 0-255.`, 'InvalidParameterValue');
    } else if (fromPort === -1 && toPort !== -1) {
      problems.add(`${path}.ToPort`, 'Invalid ICMP code: with type -1 (all types) the code must be -1 too.', 'InvalidParameterValue');
    }
  }
  const v4 = input.ipv4Ranges ?? [];
  const v6 = input.ipv6Ranges ?? [];
  if (v4.length === 0 && v6.length === 0) {
    problems.add(path, 'The permission names no source: give CidrIp, IpRanges or Ipv6Ranges.', 'MissingParameter');
  }
  v4.forEach((r, i) => checkRange(r, 4, problems, `${path}.IpRanges.${i + 1}`));
  v6.forEach((r, i) => checkRange(r, 6, problems, `${path}.Ipv6Ranges.${i + 1}`));
}

function checkRange(r: { cidr?: string; description?: string }, family: 4 | 6, problems: Problems, path: string): void {
  const field = family === 4 ? 'CidrIp' : 'CidrIpv6';
  if (r.cidr === undefined || r.cidr === '') problems.add(`${path}.${field}`, `The request must contain the parameter ${field}`, 'MissingParameter');
  else checkCidr(r.cidr, family, problems, `${path}.${field}`);
  if (r.description !== undefined) {
    if (r.description.length > 255) problems.add(`${path}.Description`, 'Invalid rule description: it can be at most 255 characters long.', 'InvalidParameterValue');
    else if (!ec2TextPattern.test(r.description)) problems.add(`${path}.Description`, `Invalid rule description. Valid characters: ${ec2TextCharacters}`, 'InvalidParameterValue');
  }
}

function inRange(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

/** tcp/udp -1 to -1 is every port: 0 to 65535. */
function ports(protocol: string, fromPort: number, toPort: number): { fromPort: number; toPort: number } {
  if ((protocol === 'tcp' || protocol === 'udp') && fromPort === -1 && toPort === -1) return { fromPort: 0, toPort: 65535 };
  return { fromPort, toPort };
}

/** A checked permission in the stored shape: protocol normalised, ports only where they mean something. */
export function normalizeIpPermission(input: IpPermissionInput): IpPermission {
  const protocol = normalizeIpProtocol(input.ipProtocol!)!;
  const ranges = (list: IpPermissionInput['ipv4Ranges']): IpRange[] =>
    (list ?? []).map((r) => ({ cidr: parseCidr(r.cidr!)!.canonical, ...(r.description !== undefined ? { description: r.description } : {}) }));
  return {
    ipProtocol: protocol,
    ...(usesPorts(protocol) ? ports(protocol, input.fromPort!, input.toPort!) : {}),
    ipv4Ranges: ranges(input.ipv4Ranges),
    ipv6Ranges: ranges(input.ipv6Ranges),
  };
}

/** One EC2 "security group rule": a permission with exactly one source. */
export interface SecurityGroupRuleKey {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  family: 4 | 6;
  cidr: string;
}

/** The rules a permission stands for, one per source range. */
export function permissionRules(p: IpPermission): Array<SecurityGroupRuleKey & { range: IpRange }> {
  const base = { ipProtocol: p.ipProtocol, ...(p.fromPort !== undefined ? { fromPort: p.fromPort, toPort: p.toPort } : {}) };
  return [
    ...p.ipv4Ranges.map((range) => ({ ...base, family: 4 as const, cidr: range.cidr, range })),
    ...p.ipv6Ranges.map((range) => ({ ...base, family: 6 as const, cidr: range.cidr, range })),
  ];
}

/** Identity of a rule: protocol, ports and source (descriptions do not count, as in EC2). */
export function ruleKey(r: SecurityGroupRuleKey): string {
  return `${r.ipProtocol}|${r.fromPort ?? ''}|${r.toPort ?? ''}|${r.cidr}`;
}

/** EC2's wording of a rule in its duplicate / not-found messages. */
export function describeRule(r: SecurityGroupRuleKey): string {
  const proto = r.ipProtocol === '-1' ? 'ALL' : r.ipProtocol.toUpperCase();
  const ports = r.fromPort !== undefined ? `, from port: ${r.fromPort}, to port: ${r.toPort}` : '';
  return `peer: ${r.cidr}, ${proto}${ports}, ALLOW`;
}

/** Adds rules to a permission list (merging by protocol and ports); returns the new list. */
export function addRules(list: readonly IpPermission[], rules: ReadonlyArray<SecurityGroupRuleKey & { range: IpRange }>): IpPermission[] {
  const out = list.map((p) => ({ ...p, ipv4Ranges: [...p.ipv4Ranges], ipv6Ranges: [...p.ipv6Ranges] }));
  for (const r of rules) {
    let p = out.find((x) => x.ipProtocol === r.ipProtocol && x.fromPort === r.fromPort && x.toPort === r.toPort);
    if (!p) {
      p = { ipProtocol: r.ipProtocol, ...(r.fromPort !== undefined ? { fromPort: r.fromPort, toPort: r.toPort } : {}), ipv4Ranges: [], ipv6Ranges: [] };
      out.push(p);
    }
    (r.family === 4 ? p.ipv4Ranges : p.ipv6Ranges).push(r.range);
  }
  return out;
}

/** Removes the rules with these keys; permissions left without a source disappear. */
export function removeRules(list: readonly IpPermission[], keys: ReadonlySet<string>): IpPermission[] {
  return list
    .map((p) => ({
      ...p,
      ipv4Ranges: p.ipv4Ranges.filter((range) => !keys.has(ruleKey({ ...p, family: 4, cidr: range.cidr }))),
      ipv6Ranges: p.ipv6Ranges.filter((range) => !keys.has(ruleKey({ ...p, family: 6, cidr: range.cidr }))),
    }))
    .filter((p) => p.ipv4Ranges.length + p.ipv6Ranges.length > 0);
}
