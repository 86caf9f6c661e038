/**
 * Reading typed parameters out of a decoded Query request, with AWS's error codes: a missing
 * required parameter is `MissingParameter`, a malformed value `ValidationError`.
 */
import { AlbatrossError, type ErrorCode } from '../../../model/index.ts';
import { asList, asString, asStruct, type QueryStruct, type QueryValue } from '../query-protocol.ts';

export function optionalString(p: QueryStruct, name: string): string | undefined {
  return asString(p[name], name);
}

export function requiredString(p: QueryStruct, name: string): string {
  const v = asString(p[name], name);
  if (v === undefined || v === '') throw new AlbatrossError('MissingParameter', `The request must contain the parameter ${name}`);
  return v;
}

export function optionalInt(p: QueryStruct, name: string): number | undefined {
  const v = asString(p[name], name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new AlbatrossError('ValidationError', `${name} must be an integer, got '${v}'`);
  return Number(v);
}

export function requiredInt(p: QueryStruct, name: string): number {
  const v = optionalInt(p, name);
  if (v === undefined) throw new AlbatrossError('MissingParameter', `The request must contain the parameter ${name}`);
  return v;
}

export function optionalBool(p: QueryStruct, name: string): boolean | undefined {
  const v = asString(p[name], name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw new AlbatrossError('ValidationError', `${name} must be true or false, got '${v}'`);
  return v === 'true';
}

export function stringList(p: QueryStruct, name: string): string[] {
  return asList(p[name], name).map((v, i) => {
    if (typeof v !== 'string') throw new AlbatrossError('ValidationError', `${name}.member.${i + 1} must be a single value`);
    return v;
  });
}

export function structList(p: QueryStruct, name: string): QueryStruct[] {
  return asList(p[name], name).map((v, i) => {
    const s = asStruct(v, `${name}.member.${i + 1}`);
    if (s === undefined) throw new AlbatrossError('ValidationError', `${name}.member.${i + 1} must be a structure`);
    return s;
  });
}

export function optionalStruct(p: QueryStruct, name: string): QueryStruct | undefined {
  return asStruct(p[name], name);
}

/** `Attributes.member.N.Key/Value` → a map; duplicate keys are refused. */
export function keyValueMap(p: QueryStruct, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of structList(p, name)) {
    const key = requiredString(s, 'Key');
    if (key in out) throw new AlbatrossError('ValidationError', `${name} has the key '${key}' more than once`);
    out[key] = asString(s.Value as QueryValue | undefined, 'Value') ?? '';
  }
  return out;
}

/**
 * AWS's pagination: `Marker` is an opaque position from a previous `NextMarker`, `PageSize`
 * 1–400. Returns the page and the marker of the next one, if any.
 */
export function paginate<T>(items: readonly T[], p: QueryStruct, maxPageSize = 400): { page: T[]; nextMarker: string | undefined } {
  const pageSize = optionalInt(p, 'PageSize') ?? maxPageSize;
  if (pageSize < 1 || pageSize > maxPageSize) {
    throw new AlbatrossError('ValidationError', `PageSize must be from 1 to ${maxPageSize}, got ${pageSize}`);
  }
  const marker = optionalString(p, 'Marker');
  let start = 0;
  if (marker !== undefined && marker !== '') {
    const decoded = /^[0-9]+$/.test(Buffer.from(marker, 'base64url').toString()) ? Number(Buffer.from(marker, 'base64url').toString()) : NaN;
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length) throw new AlbatrossError('ValidationError', 'The marker is not valid');
    start = decoded;
  }
  const page = items.slice(start, start + pageSize);
  const next = start + pageSize;
  return { page, nextMarker: next < items.length ? Buffer.from(String(next)).toString('base64url') : undefined };
}

const EPOCH_SECONDS = /^\d+(\.\d+)?$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A time stamp parameter's value (ms since the epoch): ISO 8601 with a zone, as the AWS CLI
 * sends it, or seconds since the epoch. A malformed one is refused with the calling service's
 * error code (CloudWatch: InvalidParameterValue; Elastic Load Balancing: ValidationError).
 */
export function timeValue(v: string, name: string, code: ErrorCode): number {
  const ms = EPOCH_SECONDS.test(v) ? Number(v) * 1000 : ISO_TIME.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new AlbatrossError(code, `The parameter ${name} must be an ISO 8601 time stamp (2026-11-25T10:15:00Z), got '${v}'.`);
  return ms;
}

/** ISO-8601 for XML timestamps. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
