/**
 * ALB's condition wildcards: `*` matches zero or more characters, `?` exactly one. A pattern is
 * compiled once per config change into the cheapest form that decides it: an exact comparison,
 * a prefix, a suffix, a substring, "anything", or a token array walked by a backtracking matcher
 * (linear for the usual one or two stars). Matching takes a range of a string, so callers match
 * parts of a query string without slicing it, and never allocates.
 */

// How a compiled pattern is decided, roughly by cost.
/** No wildcard: the whole range equals `literal`. */
const EXACT = 0;
/** `literal*` */
const PREFIX = 1;
/** `*literal` */
const SUFFIX = 2;
/** `*literal*` */
const CONTAINS = 3;
/** Only stars: any range, the empty one too. */
const ANY = 4;
/** Anything else: walk `tokens`. */
const GLOB = 5;

/** Token values in `Wildcard.tokens` besides character codes. */
const STAR = -1;
const ONE = -2;

/** Options of `compileWildcard`. */
export interface WildcardOptions {
  /** ASCII letters compare without case (http-header and query-string values, ALB). */
  caseInsensitive: boolean;
  /** `\*`, `\?` and `\\` stand for the literal character (ALB's query-string values). */
  escapes: boolean;
}

/** A compiled wildcard pattern; test it with `wildcardMatches`. */
export class Wildcard {
  /** EXACT, PREFIX, SUFFIX, CONTAINS, ANY or GLOB. */
  readonly shape: number;
  /** The literal of Exact/Prefix/Suffix/Contains, lower-cased when `fold`. */
  readonly literal: string;
  /** Glob tokens: character codes (lower-cased when `fold`), STAR and ONE. */
  readonly tokens: Int32Array;
  readonly fold: boolean;
  /** The fewest characters a match needs (the non-star tokens). */
  readonly minLength: number;

  constructor(shape: number, literal: string, tokens: Int32Array, fold: boolean, minLength: number) {
    this.shape = shape;
    this.literal = literal;
    this.tokens = tokens;
    this.fold = fold;
    this.minLength = minLength;
  }
}

/** Compiles an ALB condition value. */
export function compileWildcard(pattern: string, options: WildcardOptions): Wildcard {
  const tokens: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern.charCodeAt(i);
    if (options.escapes && c === 92 /* \ */ && i + 1 < pattern.length) {
      const next = pattern.charCodeAt(i + 1);
      if (next === 42 || next === 63 || next === 92) {
        tokens.push(options.caseInsensitive ? foldCode(next) : next);
        i++;
        continue;
      }
    }
    if (c === 42 /* * */) {
      // Consecutive stars mean the same as one.
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
      continue;
    }
    if (c === 63 /* ? */) {
      tokens.push(ONE);
      continue;
    }
    if (options.caseInsensitive) c = foldCode(c);
    tokens.push(c);
  }
  const fold = options.caseInsensitive;
  const stars = tokens.filter((t) => t === STAR).length;
  const ones = tokens.filter((t) => t === ONE).length;
  const minLength = tokens.length - stars;
  const text = (from: number, to: number): string => String.fromCharCode(...tokens.slice(from, to));
  const n = tokens.length;
  let shape = GLOB;
  let literal = '';
  if (ones === 0) {
    if (stars === 0) {
      shape = EXACT;
      literal = text(0, n);
    } else if (stars === n) {
      shape = ANY;
    } else if (stars === 1 && tokens[n - 1] === STAR) {
      shape = PREFIX;
      literal = text(0, n - 1);
    } else if (stars === 1 && tokens[0] === STAR) {
      shape = SUFFIX;
      literal = text(1, n);
    } else if (stars === 2 && tokens[0] === STAR && tokens[n - 1] === STAR) {
      shape = CONTAINS;
      literal = text(1, n - 1);
    }
  }
  return new Wildcard(shape, literal, Int32Array.from(tokens), fold, minLength);
}

/** True when `s[from, to)` matches `w` as a whole. */
export function wildcardMatches(w: Wildcard, s: string, from: number, to: number): boolean {
  const len = to - from;
  if (len < w.minLength) return false;
  const lit = w.literal;
  switch (w.shape) {
    case EXACT:
      if (len !== lit.length) return false;
      if (w.fold) return equalsFolded(s, from, lit, len);
      return len === s.length ? s === lit : equalsExact(s, from, lit, len);
    case PREFIX:
      // Backwards: prefixes of one listener share their start (`/api/v1/`, `/api/v2/`).
      return w.fold ? equalsFoldedBackwards(s, from, lit) : equalsExactBackwards(s, from, lit);
    case SUFFIX:
      // Forwards: suffixes share their end (`*.a.example.com`, `*.b.example.com`).
      return w.fold ? equalsFolded(s, to - lit.length, lit, lit.length) : equalsExact(s, to - lit.length, lit, lit.length);
    case CONTAINS:
      return w.fold ? containsFolded(s, from, to, lit) : containsRange(s, from, to, lit);
    case ANY:
      return true;
    default:
      return globMatches(w.tokens, w.fold, s, from, to);
  }
}

/** ASCII upper case to lower case; everything else unchanged. */
function foldCode(c: number): number {
  return c >= 65 && c <= 90 ? c | 32 : c;
}

/**
 * `s[from, from+len)` equals `lit[0, len)`. A loop rather than `startsWith(lit, from)`: the
 * builtin costs about 20 ns per call, and most comparisons fail at the first character.
 */
function equalsExact(s: string, from: number, lit: string, len: number): boolean {
  for (let i = 0; i < len; i++) {
    if (s.charCodeAt(from + i) !== lit.charCodeAt(i)) return false;
  }
  return true;
}

function equalsExactBackwards(s: string, from: number, lit: string): boolean {
  for (let i = lit.length - 1; i >= 0; i--) {
    if (s.charCodeAt(from + i) !== lit.charCodeAt(i)) return false;
  }
  return true;
}

function equalsFoldedBackwards(s: string, from: number, lit: string): boolean {
  for (let i = lit.length - 1; i >= 0; i--) {
    if (foldCode(s.charCodeAt(from + i)) !== lit.charCodeAt(i)) return false;
  }
  return true;
}

/** `s[from, from+len)` equals `lit[0, len)` ignoring ASCII case; `lit` is lower case. */
function equalsFolded(s: string, from: number, lit: string, len: number): boolean {
  for (let i = 0; i < len; i++) {
    if (foldCode(s.charCodeAt(from + i)) !== lit.charCodeAt(i)) return false;
  }
  return true;
}

function containsRange(s: string, from: number, to: number, lit: string): boolean {
  const at = s.indexOf(lit, from);
  return at >= 0 && at + lit.length <= to;
}

function containsFolded(s: string, from: number, to: number, lit: string): boolean {
  const last = to - lit.length;
  for (let i = from; i <= last; i++) if (equalsFolded(s, i, lit, lit.length)) return true;
  return false;
}

/**
 * The classic wildcard walk: on a mismatch, go back to the last star and let it swallow one
 * more character. Linear when there is one star; at worst O(pattern × input).
 */
function globMatches(tokens: Int32Array, fold: boolean, s: string, from: number, to: number): boolean {
  const n = tokens.length;
  let p = 0;
  let i = from;
  let star = -1;
  let resume = from;
  while (i < to) {
    if (p < n) {
      const t = tokens[p]!;
      if (t === STAR) {
        star = p++;
        resume = i;
        continue;
      }
      if (t === ONE || t === (fold ? foldCode(s.charCodeAt(i)) : s.charCodeAt(i))) {
        p++;
        i++;
        continue;
      }
    }
    if (star < 0) return false;
    p = star + 1;
    i = ++resume;
  }
  while (p < n && tokens[p] === STAR) p++;
  return p === n;
}
