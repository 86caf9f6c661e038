/**
 * A rule's conditions, compiled once per config change, and their test against one request.
 * ALB's semantics: the values of one condition are alternatives (any may match); a rule's
 * conditions must all match. host-header and path-pattern compare with wildcards, host without
 * case and path with case; http-header values without case, trying every occurrence of a
 * repeated header in order; http-request-method exactly; query-string key/value pairs without
 * case, after percent-decoding, with `\*` and `\?` as literal characters; source-ip by CIDR.
 */
import type { RuleCondition } from '../../model/index.ts';
import { cidrContains, compileCidr, parseIp, type CidrBlock } from './source-ip.ts';
import { compileWildcard, wildcardMatches, type Wildcard } from './wildcard.ts';

/** What matching reads from a request; the listener fills one object per request. */
export interface RouteRequest {
  /** The Host header's name: port stripped, lower case (`routingHost` makes it). */
  readonly host: string;
  /** The request target's path, without the query; as received (not decoded). */
  readonly path: string;
  /** The query string without `?`, or ''. */
  readonly query: string;
  readonly method: string;
  /**
   * Node's `req.rawHeaders` (name, value, name, value, ...). Used rather than `req.headers`,
   * which Node builds lazily (an object per request) and which joins repeated headers into one
   * value, while ALB tries each occurrence on its own.
   */
  readonly rawHeaders: readonly string[];
  /** The peer's address; an IPv4-mapped IPv6 address counts as IPv4. */
  readonly clientIp: string;
}

// Condition kinds, in the order a rule tests them: cheapest and most selective first.
const METHOD = 0;
const HOST = 1;
const PATH = 2;
const SOURCE_IP = 3;
const HEADER = 4;
const QUERY = 5;

/** One compiled condition. One class for every field keeps the matching loop monomorphic. */
export class CompiledCondition {
  /** METHOD, HOST, PATH, SOURCE_IP, HEADER or QUERY. */
  readonly kind: number;
  /** host-header, path-pattern and http-header values. */
  readonly patterns: readonly Wildcard[];
  /** http-header: the name, lower case. */
  readonly headerName: string;
  /** http-request-method values. */
  readonly methods: readonly string[];
  /** query-string: each pair's key pattern (null: any key) and value pattern. */
  readonly queryKeys: readonly (Wildcard | null)[];
  readonly queryValues: readonly Wildcard[];
  /** source-ip blocks. */
  readonly cidrs: readonly CidrBlock[];

  constructor(
    kind: number,
    patterns: readonly Wildcard[],
    headerName: string,
    methods: readonly string[],
    queryKeys: readonly (Wildcard | null)[],
    queryValues: readonly Wildcard[],
    cidrs: readonly CidrBlock[],
  ) {
    this.kind = kind;
    this.patterns = patterns;
    this.headerName = headerName;
    this.methods = methods;
    this.queryKeys = queryKeys;
    this.queryValues = queryValues;
    this.cidrs = cidrs;
  }
}

const caseless = { caseInsensitive: true, escapes: false };
const exactCase = { caseInsensitive: false, escapes: false };
const queryPattern = { caseInsensitive: true, escapes: true };

/**
 * Compiles a rule's conditions (as stored, checked by the model), cheapest first. Throws on a
 * condition the model would have refused; the snapshot never carries one.
 */
export function compileConditions(conditions: readonly RuleCondition[]): CompiledCondition[] {
  const out = conditions.map(compileCondition);
  return out.sort((a, b) => a.kind - b.kind);
}

function compileCondition(c: RuleCondition): CompiledCondition {
  const values = c.values ?? [];
  switch (c.field) {
    case 'host-header':
      // The request's host arrives lower case, so the comparison needs no folding.
      return new CompiledCondition(HOST, values.map((v) => compileWildcard(v.toLowerCase(), exactCase)), '', [], [], [], []);
    case 'path-pattern':
      return new CompiledCondition(PATH, values.map((v) => compileWildcard(v, exactCase)), '', [], [], [], []);
    case 'http-header':
      return new CompiledCondition(HEADER, values.map((v) => compileWildcard(v, caseless)), (c.httpHeaderName ?? '').toLowerCase(), [], [], [], []);
    case 'http-request-method':
      return new CompiledCondition(METHOD, [], '', [...values], [], [], []);
    case 'query-string': {
      const pairs = c.queryStringValues ?? [];
      return new CompiledCondition(
        QUERY,
        [],
        '',
        [],
        pairs.map((p) => (p.key === undefined || p.key === '' ? null : compileWildcard(p.key, queryPattern))),
        pairs.map((p) => compileWildcard(p.value, queryPattern)),
        [],
      );
    }
    case 'source-ip':
      return new CompiledCondition(SOURCE_IP, [], '', [], [], [], values.map(compileCidr));
    default:
      throw new Error(`unknown condition field: ${String(c.field)}`);
  }
}

/**
 * Per-request facts parsed at most once per `match`, and only when a condition needs them: the
 * query's parameters (percent-decoded) and the client address as numbers. Owned by one route
 * table; `reset` before each request. Arrays are reused across requests.
 */
export class MatchScratch {
  queryParsed = false;
  paramCount = 0;
  /** Parameter k's key is `keySource[k][keyFrom[k], keyTo[k])`; the same for values. */
  readonly keySource: string[] = [];
  readonly keyFrom: number[] = [];
  readonly keyTo: number[] = [];
  readonly valueSource: string[] = [];
  readonly valueFrom: number[] = [];
  readonly valueTo: number[] = [];
  ipParsed = false;
  /** 0 (not an address), 4 or 6. */
  ipFamily: 0 | 4 | 6 = 0;
  readonly ipWords = new Uint32Array(4);

  reset(): void {
    this.queryParsed = false;
    this.ipParsed = false;
  }
}

/** True when the request satisfies `c` (any of its values). */
export function conditionMatches(c: CompiledCondition, req: RouteRequest, scratch: MatchScratch): boolean {
  switch (c.kind) {
    case METHOD: {
      const m = req.method;
      const methods = c.methods;
      for (let i = 0; i < methods.length; i++) if (methods[i] === m) return true;
      return false;
    }
    case HOST:
      return anyPattern(c.patterns, req.host);
    case PATH:
      return anyPattern(c.patterns, req.path);
    case SOURCE_IP: {
      if (!scratch.ipParsed) {
        scratch.ipFamily = parseIp(req.clientIp, scratch.ipWords);
        scratch.ipParsed = true;
      }
      const family = scratch.ipFamily;
      if (family === 0) return false;
      const cidrs = c.cidrs;
      for (let i = 0; i < cidrs.length; i++) if (cidrContains(cidrs[i]!, family, scratch.ipWords)) return true;
      return false;
    }
    case HEADER:
      return headerMatches(c, req.rawHeaders);
    default:
      return queryMatches(c, req.query, scratch);
  }
}

function anyPattern(patterns: readonly Wildcard[], s: string): boolean {
  for (let i = 0; i < patterns.length; i++) if (wildcardMatches(patterns[i]!, s, 0, s.length)) return true;
  return false;
}

/** Each occurrence of the header, in order, against each value (ALB). */
function headerMatches(c: CompiledCondition, raw: readonly string[]): boolean {
  const name = c.headerName;
  const len = name.length;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length !== len || !sameNameIgnoringCase(n, name)) continue;
    if (anyPattern(c.patterns, raw[i + 1]!)) return true;
  }
  return false;
}

/** `a` equals `lower` (lower case) ignoring ASCII case; same length assumed. */
function sameNameIgnoringCase(a: string, lower: string): boolean {
  for (let i = 0; i < a.length; i++) {
    let c = a.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function queryMatches(c: CompiledCondition, query: string, scratch: MatchScratch): boolean {
  if (!scratch.queryParsed) {
    parseQuery(query, scratch);
    scratch.queryParsed = true;
  }
  const keys = c.queryKeys;
  const values = c.queryValues;
  const n = scratch.paramCount;
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < values.length; j++) {
      const key = keys[j]!;
      if (key !== null && !wildcardMatches(key, scratch.keySource[k]!, scratch.keyFrom[k]!, scratch.keyTo[k]!)) continue;
      if (wildcardMatches(values[j]!, scratch.valueSource[k]!, scratch.valueFrom[k]!, scratch.valueTo[k]!)) return true;
    }
  }
  return false;
}

/**
 * Splits `query` on `&` into key and value ranges. A part without `=` is a key with an empty
 * value; empty parts are skipped. Only a part holding `%` is decoded (RFC 3986 percent-encoding;
 * `+` stays a plus) into a new string, so an ordinary query allocates nothing; a malformed
 * escape leaves the part as it came.
 */
function parseQuery(query: string, scratch: MatchScratch): void {
  let n = 0;
  let start = 0;
  const end = query.length;
  while (start < end) {
    let amp = query.indexOf('&', start);
    if (amp < 0) amp = end;
    if (amp > start) {
      let eq = query.indexOf('=', start);
      if (eq < 0 || eq > amp) eq = amp;
      setRange(scratch.keySource, scratch.keyFrom, scratch.keyTo, n, query, start, eq);
      setRange(scratch.valueSource, scratch.valueFrom, scratch.valueTo, n, query, eq < amp ? eq + 1 : amp, amp);
      n++;
    }
    start = amp + 1;
  }
  scratch.paramCount = n;
}

function setRange(sources: string[], froms: number[], tos: number[], k: number, query: string, from: number, to: number): void {
  const pct = query.indexOf('%', from);
  if (pct >= 0 && pct < to) {
    const decoded = percentDecode(query.slice(from, to));
    sources[k] = decoded;
    froms[k] = 0;
    tos[k] = decoded.length;
    return;
  }
  sources[k] = query;
  froms[k] = from;
  tos[k] = to;
}

function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
