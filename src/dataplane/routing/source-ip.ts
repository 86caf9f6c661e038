/**
 * source-ip conditions: CIDR blocks compiled to 32-bit words (network and mask), and a client
 * address parser that writes into a caller's `Uint32Array` so matching a request allocates
 * nothing and needs no BigInt. An IPv4-mapped IPv6 client (`::ffff:192.0.2.1`) counts as the
 * IPv4 address it carries, as the socket's peer is the same host either way.
 */
import { parseCidr } from '../../model/index.ts';

/** A CIDR block: `family` 4 uses word 0 only, 6 uses words 0–3 (most significant first). */
export class CidrBlock {
  readonly family: 4 | 6;
  readonly network: Uint32Array;
  readonly mask: Uint32Array;

  constructor(family: 4 | 6, network: Uint32Array, mask: Uint32Array) {
    this.family = family;
    this.network = network;
    this.mask = mask;
  }
}

/** Compiles `10.0.0.0/8` or `2001:db8::/32` (checked by the model); throws on anything else. */
export function compileCidr(text: string): CidrBlock {
  const cidr = parseCidr(text);
  if (cidr === undefined) throw new Error(`not a CIDR block: ${text}`);
  const words = cidr.family === 4 ? 1 : 4;
  const network = new Uint32Array(words);
  const mask = new Uint32Array(words);
  for (let k = 0; k < words; k++) {
    const shift = BigInt(32 * (words - 1 - k));
    const bits = Math.min(32, Math.max(0, cidr.prefix - 32 * k));
    mask[k] = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    network[k] = Number((cidr.address >> shift) & 0xffffffffn) & mask[k]!;
  }
  return new CidrBlock(cidr.family, network, mask);
}

/** True when the address in `words` (as `parseIp` wrote it, of `family`) is inside `block`. */
export function cidrContains(block: CidrBlock, family: 4 | 6, words: Uint32Array): boolean {
  if (block.family !== family) return false;
  const net = block.network;
  const mask = block.mask;
  for (let k = 0; k < net.length; k++) {
    if (((words[k]! & mask[k]!) >>> 0) !== net[k]) return false;
  }
  return true;
}

/** Scratch for the groups of an IPv6 address while it is parsed. */
const groups = new Uint16Array(8);

/**
 * Parses an IPv4 or IPv6 address (a zone `%eth0` is ignored) into `out` (at least 4 words).
 * Returns the family, or 0 when `s` is not an address. An IPv4-mapped IPv6 address gives 4.
 */
export function parseIp(s: string, out: Uint32Array): 0 | 4 | 6 {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  if (s.indexOf(':') < 0) {
    const v4 = parseIpv4(s, 0, end);
    if (v4 < 0) return 0;
    out[0] = v4;
    return 4;
  }
  if (!parseIpv6(s, end)) return 0;
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    out[0] = ((groups[6]! << 16) | groups[7]!) >>> 0;
    return 4;
  }
  for (let k = 0; k < 4; k++) out[k] = ((groups[2 * k]! << 16) | groups[2 * k + 1]!) >>> 0;
  return 6;
}

/** Dotted quad in `s[from, to)` as an unsigned 32-bit number, or -1. */
function parseIpv4(s: string, from: number, to: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + part;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** IPv6 text in `s[0, end)` into `groups`; false when malformed. */
function parseIpv6(s: string, end: number): boolean {
  let n = 0;
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 58 /* : */) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    if (n === 8) return false;
    let j = i;
    let value = 0;
    while (j < end && j - i < 5) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
      j++;
    }
    if (j < end && s.charCodeAt(j) === 46 /* . */) {
      // An IPv4 tail (`::ffff:192.0.2.1`) fills the last two groups.
      if (n > 6) return false;
      const v4 = parseIpv4(s, i, end);
      if (v4 < 0) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    const digits = j - i;
    if (digits === 0 || digits > 4) return false;
    groups[n++] = value;
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    } else if (i === end) {
      return false; // a single trailing colon
    }
  }
  if (gap < 0) return n === 8;
  if (n === 8) return false;
  // Move the groups after `::` to the end and zero the gap.
  const tail = n - gap;
  for (let k = 0; k < tail; k++) groups[7 - k] = groups[n - 1 - k]!;
  for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  return true;
}
