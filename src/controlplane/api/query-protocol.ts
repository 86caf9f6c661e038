/**
 * Decoding the AWS Query protocol: a form-encoded body (or a GET query string) with `Action`,
 * `Version` and the action's parameters, into a plain object whose lists and structures are
 * expanded. Values stay strings; the action layer converts and validates them.
 *
 *   TargetGroupArns.member.1=a&TargetGroupArns.member.2=b      → { TargetGroupArns: ['a', 'b'] }
 *   Targets.member.1.Id=i&Targets.member.1.Port=80             → { Targets: [{ Id: 'i', Port: '80' }] }
 *   GroupId.1=sg-1&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0 → EC2's lists, without `.member`
 *
 * An empty list is sent by the AWS CLI as `Name=` (an empty string): `asList` reads it as [].
 * Bad encodings throw AlbatrossError('ValidationError'); nothing is partially decoded.
 */
import { AlbatrossError } from '../../model/errors.ts';

/** Largest request body the API accepts; the caller enforces it while reading (413 beyond). */
export const MAX_QUERY_BODY_BYTES = 1024 * 1024;
/** Most `name=value` pairs in one request (query string and body together). */
export const MAX_QUERY_PARAMETERS = 10_000;
/** Longest parameter name, e.g. `DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn`. */
export const MAX_PARAMETER_NAME_LENGTH = 256;
/** Most `.`-separated parts in one parameter name. */
export const MAX_PARAMETER_NAME_PARTS = 16;

export type QueryValue = string | QueryValue[] | QueryStruct;
export interface QueryStruct {
  [name: string]: QueryValue;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const DIGITS = /^[0-9]+$/;
const INDEX = /^[1-9][0-9]*$/;

function invalid(message: string): AlbatrossError {
  return new AlbatrossError('ValidationError', message);
}

/** Decodes one form-encoded component: `+` is a space, `%XX` are UTF-8 bytes. */
function decodeComponent(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw invalid(`Invalid percent-encoding in ${what}: '${raw.length > 80 ? raw.slice(0, 80) + '...' : raw}'`);
  }
}

/**
 * Splits `application/x-www-form-urlencoded` text into decoded pairs, in order. Empty segments
 * (`a=1&&b=2`) are skipped; a segment without `=` has the value ''.
 */
export function parseFormPairs(raw: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (raw === '') return pairs;
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = raw.length;
    if (end > start) {
      if (pairs.length >= MAX_QUERY_PARAMETERS) {
        throw invalid(`Too many parameters: at most ${MAX_QUERY_PARAMETERS} are accepted.`);
      }
      const part = raw.slice(start, end);
      const eq = part.indexOf('=');
      const rawKey = eq < 0 ? part : part.slice(0, eq);
      const key = decodeComponent(rawKey, 'a parameter name');
      const value = decodeComponent(eq < 0 ? '' : part.slice(eq + 1), `the value of '${key}'`);
      pairs.push([key, value]);
    }
    start = end + 1;
  }
  return pairs;
}

// ---------------------------------------------------------------------------------------------
// Expansion into lists and structures

/** One part of a parameter name; `path` is the name as sent up to and including it. */
type Step = ({ kind: 'field'; name: string } | { kind: 'index'; index: number }) & { path: string };

type Node =
  | { kind: 'scalar'; value: string; path: string }
  | { kind: 'list'; items: Map<number, Node>; path: string }
  | { kind: 'struct'; fields: Map<string, Node>; path: string };

function parseIndex(token: string, key: string): number {
  if (!INDEX.test(token)) {
    throw invalid(`Invalid parameter name '${key}': list index '${token}' must be a positive integer (1, 2, ...).`);
  }
  const index = Number(token);
  if (index > MAX_QUERY_PARAMETERS) {
    throw invalid(`Invalid parameter name '${key}': list index ${token} is larger than ${MAX_QUERY_PARAMETERS}.`);
  }
  return index;
}

/** `A.member.1.B` and `A.1.B` → field A, index 1, field B. */
function parseName(key: string): Step[] {
  if (key.length > MAX_PARAMETER_NAME_LENGTH) {
    throw invalid(`Parameter name '${key.slice(0, 80)}...' is longer than ${MAX_PARAMETER_NAME_LENGTH} characters.`);
  }
  const tokens = key.split('.');
  if (tokens.length > MAX_PARAMETER_NAME_PARTS) {
    throw invalid(`Parameter name '${key}' is nested more than ${MAX_PARAMETER_NAME_PARTS} levels deep.`);
  }
  if (!NAME.test(tokens[0]!)) {
    throw invalid(key === '' ? 'A parameter has an empty name.' : `Invalid parameter name '${key}'.`);
  }
  const steps: Step[] = [{ kind: 'field', name: tokens[0]!, path: tokens[0]! }];
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === 'member') {
      const next = tokens[i + 1];
      if (next === undefined) throw invalid(`Invalid parameter name '${key}': 'member' must be followed by a list index.`);
      i++;
      steps.push({ kind: 'index', index: parseIndex(next, key), path: tokens.slice(0, i + 1).join('.') });
    } else if (DIGITS.test(token) || token.startsWith('-')) {
      steps.push({ kind: 'index', index: parseIndex(token, key), path: tokens.slice(0, i + 1).join('.') });
    } else if (NAME.test(token)) {
      steps.push({ kind: 'field', name: token, path: tokens.slice(0, i + 1).join('.') });
    } else {
      throw invalid(`Invalid parameter name '${key}': '${token}' is neither a name nor a list index.`);
    }
  }
  return steps;
}

function describe(node: Node): string {
  return node.kind === 'scalar' ? 'a single value' : node.kind === 'list' ? 'a list' : 'a structure';
}

function conflict(path: string, existing: Node, wanted: string): AlbatrossError {
  return invalid(`Parameter '${path}' is used both as ${describe(existing)} and as ${wanted}.`);
}

function getChild(container: Node, step: Step): Node | undefined {
  if (container.kind === 'struct' && step.kind === 'field') return container.fields.get(step.name);
  if (container.kind === 'list' && step.kind === 'index') return container.items.get(step.index);
  return undefined;
}

function setChild(container: Node, step: Step, node: Node): void {
  if (container.kind === 'struct' && step.kind === 'field') container.fields.set(step.name, node);
  else if (container.kind === 'list' && step.kind === 'index') container.items.set(step.index, node);
}

function insert(root: Node, key: string, value: string): void {
  const steps = parseName(key);
  let node = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const path = step.path;
    const last = i === steps.length - 1;
    const existing = getChild(node, step);
    if (last) {
      if (existing === undefined) setChild(node, step, { kind: 'scalar', value, path });
      else if (existing.kind === 'scalar') throw invalid(`Parameter '${key}' is given more than once.`);
      else throw conflict(path, existing, 'a single value');
      return;
    }
    const wanted: Node['kind'] = steps[i + 1]!.kind === 'index' ? 'list' : 'struct';
    if (existing === undefined) {
      const created: Node = wanted === 'list' ? { kind: 'list', items: new Map(), path } : { kind: 'struct', fields: new Map(), path };
      setChild(node, step, created);
      node = created;
    } else if (existing.kind !== wanted) {
      throw conflict(path, existing, wanted === 'list' ? 'a list' : 'a structure');
    } else {
      node = existing;
    }
  }
}

function toValue(node: Node): QueryValue {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'list') {
    const indices = [...node.items.keys()].sort((a, b) => a - b);
    const out: QueryValue[] = [];
    indices.forEach((index, position) => {
      if (index !== position + 1) {
        throw invalid(`List '${node.path}' has element ${index} but no element ${position + 1}: list indices must be 1, 2, 3, ...`);
      }
      out.push(toValue(node.items.get(index)!));
    });
    return out;
  }
  return toStruct(node);
}

function toStruct(node: Extract<Node, { kind: 'struct' }>): QueryStruct {
  const out: QueryStruct = {};
  for (const [name, child] of node.fields) out[name] = toValue(child);
  return out;
}

/** Expands decoded pairs into lists and structures. */
export function expandQueryParams(pairs: Iterable<readonly [string, string]>): QueryStruct {
  const root: Extract<Node, { kind: 'struct' }> = { kind: 'struct', fields: new Map(), path: '' };
  for (const [key, value] of pairs) insert(root, key, value);
  return toStruct(root);
}

/** Signature V4 presigned parameters (`X-Amz-Algorithm`, `X-Amz-Signature`, ...) are not API parameters. */
function isAuthParam(key: string): boolean {
  return /^x-amz-/i.test(key);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a Query-protocol request: the parameters of the query string and of the form body
 * together (a name given in both is an error), without the `X-Amz-*` signing parameters.
 */
export function decodeQueryRequest(query: string, body: Buffer | string = ''): QueryStruct {
  let text: string;
  if (typeof body === 'string') {
    text = body;
  } else {
    if (body.length > MAX_QUERY_BODY_BYTES) {
      throw invalid(`The request body is larger than ${MAX_QUERY_BODY_BYTES} bytes.`);
    }
    try {
      text = utf8.decode(body);
    } catch {
      throw invalid('The request body is not valid UTF-8.');
    }
  }
  const pairs = [...parseFormPairs(query), ...parseFormPairs(text)].filter(([key]) => !isAuthParam(key));
  if (pairs.length > MAX_QUERY_PARAMETERS) {
    throw invalid(`Too many parameters: at most ${MAX_QUERY_PARAMETERS} are accepted.`);
  }
  return expandQueryParams(pairs);
}

/** True for `application/x-www-form-urlencoded`, with or without parameters such as a charset. */
export function isFormUrlEncoded(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return contentType.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

// ---------------------------------------------------------------------------------------------
// Reading decoded values (for the action layer)

/** A list parameter: absent or `''` (the CLI's empty list) → []; a single value is an error. */
export function asList(value: QueryValue | undefined, name: string): QueryValue[] {
  if (value === undefined || value === '') return [];
  if (Array.isArray(value)) return value;
  throw invalid(`Parameter '${name}' must be a list (${name}.member.1, ${name}.member.2, ...).`);
}

/** A single-value parameter, or undefined when absent; a list or structure is an error. */
export function asString(value: QueryValue | undefined, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw invalid(`Parameter '${name}' must be a single value.`);
}

/** A structure parameter, or undefined when absent; anything else is an error. */
export function asStruct(value: QueryValue | undefined, name: string): QueryStruct | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return value;
  throw invalid(`Parameter '${name}' must be a structure (${name}.Name=...).`);
}
