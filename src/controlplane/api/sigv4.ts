/**
 * AWS Signature Version 4: verifying the signature of an incoming API request (header form
 * `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` with
 * `X-Amz-Date`, and the presigned query-string form `X-Amz-Algorithm=...&X-Amz-Signature=...`),
 * and signing one (for Albatross's own CLI and tests). Pure: no I/O, the clock is a parameter.
 *
 * Canonicalisation follows AWS's specification as botocore (the AWS CLI) and the AWS SDKs apply
 * it for every service but S3:
 * - canonical URI: the raw request path (as it arrived, still percent-encoded) with `.`/`..`
 *   segments and repeated slashes removed, then URI-encoded once more (AWS's "double encoding";
 *   `/a%20b` signs as `/a%2520b`);
 * - canonical query: every parameter but `X-Amz-Signature`, keys and values normalised to RFC 3986
 *   encoding (unreserved characters bare, everything else `%XX` upper-case; `+` is a literal plus),
 *   sorted by key then value;
 * - canonical headers: the signed headers, lower-case names, values trimmed with inner runs of
 *   white space collapsed to one space, several values joined with `,`;
 * - payload hash: hex SHA-256 of the body (`X-Amz-Content-Sha256`, when sent, must equal it).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** How far `X-Amz-Date` may be from the server's clock, either way (AWS: 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** Longest `X-Amz-Expires` of a presigned request (AWS: 7 days). */
export const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;

export interface SignedRequest {
  method: string;
  /** Raw path as received, e.g. '/' (no query string). */
  path: string;
  /** Raw query string without '?' ('' when none). */
  query: string;
  /** Node's lower-cased `req.headers` (or `req.headersDistinct`). */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type SigV4ErrorCode =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'InvalidClientTokenId'
  | 'SignatureDoesNotMatch'
  | 'RequestExpired';

export type SigV4Result =
  | { ok: true; accessKeyId: string; region: string; service: string; date: string }
  | { ok: false; code: SigV4ErrorCode; message: string; httpStatus: number };

export interface CredentialScope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

export interface VerifyOptions {
  /** Allowed clock skew; default MAX_CLOCK_SKEW_MS. */
  maxSkewMs?: number;
  /** When given, a credential scoped to another service is refused (IncompleteSignature). */
  service?: string | readonly string[];
}

/** HTTP statuses AWS's Query APIs answer with (Elastic Load Balancing's "Common Errors"). */
export const SIGV4_HTTP_STATUS: Readonly<Record<SigV4ErrorCode, number>> = {
  MissingAuthenticationToken: 403,
  IncompleteSignature: 400,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  RequestExpired: 400,
};

export const SIGV4_MESSAGES = {
  missing: 'Request is missing Authentication Token',
  invalidKey: 'The security token included in the request is invalid.',
  mismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
} as const;

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** Header names as RFC 9110 tokens, lower case (SignedHeaders must be lower case). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

function fail(code: SigV4ErrorCode, message: string): SigV4Result {
  return { ok: false, code, message, httpStatus: SIGV4_HTTP_STATUS[code] };
}

// ---------------------------------------------------------------------------------------------
// Encoding and canonical forms

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e // - . _ ~
  );
}

function pctByte(byte: number): string {
  return '%' + byte.toString(16).toUpperCase().padStart(2, '0');
}

/** RFC 3986 encoding of a string's UTF-8 bytes: unreserved characters bare, the rest %XX. */
export function uriEncode(text: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += isUnreserved(byte) || (keepSlash && byte === 0x2f) ? String.fromCharCode(byte) : pctByte(byte);
  }
  return out;
}

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/**
 * Brings an already-encoded query component to the canonical encoding without decoding it to
 * text (so malformed escapes or UTF-8 cannot throw): valid `%XX` escapes are kept (upper-cased,
 * or decoded when they name an unreserved character), everything else is encoded.
 */
function normalizeEncoded(raw: string): string {
  let out = '';
  const bytes = Buffer.from(raw, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]!) && isHex(bytes[i + 2]!)) {
      const value = parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16);
      out += isUnreserved(value) ? String.fromCharCode(value) : pctByte(value);
      i += 2;
    } else {
      out += isUnreserved(byte) ? String.fromCharCode(byte) : pctByte(byte);
    }
  }
  return out;
}

/** Removes `.`/`..` segments and empty segments (repeated slashes), keeping a trailing slash. */
export function normalizePath(path: string): string {
  if (path === '') return '/';
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const first = path.startsWith('/') ? '/' : '';
  const last = path.endsWith('/') && out.length > 0 ? '/' : '';
  return first + out.join('/') + last;
}

/** Canonical URI of a raw (as received) path: normalised, then encoded once more. */
export function canonicalUri(rawPath: string): string {
  return uriEncode(normalizePath(rawPath), true);
}

interface QueryPair {
  rawKey: string;
  key: string;
  value: string;
}

function splitQuery(query: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push({ rawKey, key: normalizeEncoded(rawKey), value: normalizeEncoded(rawValue) });
  }
  return pairs;
}

/** Canonical query string of a raw query, leaving out the parameters named in `exclude`. */
export function canonicalQuery(query: string, exclude: readonly string[] = []): string {
  return splitQuery(query)
    .filter((p) => !exclude.includes(p.key))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .map((p) => `${p.key}=${p.value}`)
    .join('&');
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

/** The canonical request of AWS's specification, from the already-parsed parts. */
export function canonicalRequest(
  req: Pick<SignedRequest, 'method' | 'path' | 'query' | 'headers'>,
  signedHeaders: readonly string[],
  payloadHash: string,
  excludeQuery: readonly string[] = [],
): string {
  const headerLines = signedHeaders.map((name) => `${name}:${headerValue(req.headers, name) ?? ''}\n`).join('');
  return [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQuery(req.query, excludeQuery),
    headerLines,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** kSigning = HMAC(HMAC(HMAC(HMAC('AWS4' + secret, date), region), service), 'aws4_request'). */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secretAccessKey, date), region), service), 'aws4_request');
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
}

/** Milliseconds since the epoch of an ISO 8601 basic timestamp (`20261125T101500Z`), or undefined. */
export function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return ms;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

// ---------------------------------------------------------------------------------------------
// Parsing the authorization

interface ParsedAuth {
  scope: CredentialScope;
  /** The whole scope string after the access key id (`date/region/service/aws4_request`). */
  scopeString: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string | undefined;
  /** Presigned: seconds of validity; header form: undefined. */
  expires: string | undefined;
  presigned: boolean;
}

type ParseOutcome = { ok: true; auth: ParsedAuth } | { ok: false; code: SigV4ErrorCode; message: string };

function firstHeader(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Decoded top-level query parameters named X-Amz-* (for the presigned form). */
function amzQueryParams(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    if (!/^X-Amz-/i.test(rawKey)) continue;
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey);
      value = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1));
    } catch {
      continue;
    }
    if (!out.has(key)) out.set(key, value);
  }
  return out;
}

function parseCredential(credential: string): { scope: CredentialScope; scopeString: string; terminator: string } | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5) return undefined;
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (accessKeyId === '') return undefined;
  return {
    scope: { accessKeyId, date, region, service },
    scopeString: `${date}/${region}/${service}/${terminator}`,
    terminator,
  };
}

function parseHeaderAuth(authorization: string, headers: SignedRequest['headers']): ParseOutcome {
  const trimmed = authorization.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    return {
      ok: false,
      code: 'IncompleteSignature',
      message: `Unsupported AWS 'algorithm': '${algorithm}'; only '${SIGV4_ALGORITHM}' is supported.`,
    };
  }
  const fields = new Map<string, string>();
  for (const item of (space < 0 ? '' : trimmed.slice(space + 1)).split(',')) {
    const text = item.trim();
    if (text === '') continue;
    const eq = text.indexOf('=');
    if (eq <= 0) {
      return { ok: false, code: 'IncompleteSignature', message: `Authorization header has a malformed element: '${text}'.` };
    }
    fields.set(text.slice(0, eq).trim(), text.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !fields.get(k));
  if (missing.length > 0) {
    return {
      ok: false,
      code: 'IncompleteSignature',
      message: missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' '),
    };
  }
  return finishParse(fields.get('Credential')!, fields.get('SignedHeaders')!, fields.get('Signature')!,
    firstHeader(headers, 'x-amz-date'), undefined, false);
}

function parseQueryAuth(params: Map<string, string>): ParseOutcome {
  const algorithm = params.get('X-Amz-Algorithm');
  if (algorithm !== SIGV4_ALGORITHM) {
    return {
      ok: false,
      code: 'IncompleteSignature',
      message: `Unsupported AWS 'algorithm': '${algorithm ?? ''}'; only '${SIGV4_ALGORITHM}' is supported.`,
    };
  }
  const missing = ['X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Date'].filter((k) => !params.get(k));
  if (missing.length > 0) {
    return {
      ok: false,
      code: 'IncompleteSignature',
      message: missing.map((k) => `AWS query-string parameters must include '${k}'.`).join(' '),
    };
  }
  return finishParse(params.get('X-Amz-Credential')!, params.get('X-Amz-SignedHeaders')!, params.get('X-Amz-Signature')!,
    params.get('X-Amz-Date'), params.get('X-Amz-Expires') ?? '', true);
}

function finishParse(
  credential: string,
  signedHeaderList: string,
  signature: string,
  amzDate: string | undefined,
  expires: string | undefined,
  presigned: boolean,
): ParseOutcome {
  const cred = parseCredential(credential);
  if (!cred) {
    return {
      ok: false,
      code: 'IncompleteSignature',
      message: `Credential must have the form <AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request, not '${credential}'.`,
    };
  }
  if (cred.terminator !== 'aws4_request') {
    return {
      ok: false,
      code: 'IncompleteSignature',
      message: `Credential should be scoped with a valid terminator: 'aws4_request', not '${cred.terminator}'.`,
    };
  }
  if (!/^\d{8}$/.test(cred.scope.date)) {
    return { ok: false, code: 'IncompleteSignature', message: `Credential date '${cred.scope.date}' is not in the form YYYYMMDD.` };
  }
  if (cred.scope.region === '') {
    return { ok: false, code: 'IncompleteSignature', message: 'Credential should be scoped to a valid region.' };
  }
  if (cred.scope.service === '') {
    return { ok: false, code: 'IncompleteSignature', message: 'Credential should be scoped to a valid service.' };
  }
  const signedHeaders = signedHeaderList.split(';');
  if (signedHeaders.some((h) => !HEADER_NAME.test(h))) {
    return {
      ok: false,
      code: 'IncompleteSignature',
      message: `SignedHeaders must be lower-case header names separated by ';', not '${signedHeaderList}'.`,
    };
  }
  if (!signedHeaders.includes('host')) {
    return { ok: false, code: 'IncompleteSignature', message: "'Host' must be a 'SignedHeader' in the AWS Authorization." };
  }
  if (amzDate === undefined || amzDate === '') {
    return {
      ok: false,
      code: 'IncompleteSignature',
      message: "Authorization header requires existence of a 'X-Amz-Date' header.",
    };
  }
  return {
    ok: true,
    auth: { scope: cred.scope, scopeString: cred.scopeString, signedHeaders, signature, amzDate, expires, presigned },
  };
}

function parseAuth(req: Pick<SignedRequest, 'headers' | 'query'>): ParseOutcome | undefined {
  const authorization = firstHeader(req.headers, 'authorization');
  if (authorization !== undefined && authorization.trim() !== '') return parseHeaderAuth(authorization, req.headers);
  const params = amzQueryParams(req.query);
  if (params.has('X-Amz-Algorithm') || params.has('X-Amz-Signature') || params.has('X-Amz-Credential')) {
    return parseQueryAuth(params);
  }
  return undefined;
}

/**
 * The credential scope a request claims, without verifying anything: lets the caller route the
 * request to a service (and render errors in that service's shape) before authenticating it.
 * Reads the Authorization header, else the presigned query parameters.
 */
export function credentialScope(
  headers: SignedRequest['headers'],
  query = '',
): CredentialScope | undefined {
  const authorization = firstHeader(headers, 'authorization');
  let credential: string | undefined;
  if (authorization !== undefined && authorization.trim() !== '') {
    const m = /(?:^|[\s,])Credential=([^,\s]+)/.exec(authorization);
    credential = m?.[1];
  } else {
    credential = amzQueryParams(query).get('X-Amz-Credential');
  }
  if (credential === undefined) return undefined;
  return parseCredential(credential)?.scope;
}

// ---------------------------------------------------------------------------------------------
// Verifying

/**
 * Verifies a request's Signature V4. Checks, in order: an authorization is present
 * (MissingAuthenticationToken), it is well-formed and consistent (IncompleteSignature), its date
 * is within the allowed skew or, presigned, not past its expiry (RequestExpired), the access key
 * is known (InvalidClientTokenId), the signature matches (SignatureDoesNotMatch).
 */
export function verifySigV4(
  req: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  nowMs: number,
  options: VerifyOptions = {},
): SigV4Result {
  const parsed = parseAuth(req);
  if (parsed === undefined) return fail('MissingAuthenticationToken', SIGV4_MESSAGES.missing);
  if (!parsed.ok) return fail(parsed.code, parsed.message);
  const { auth } = parsed;
  const amzDate = auth.amzDate!;

  const services = options.service === undefined ? undefined : typeof options.service === 'string' ? [options.service] : options.service;
  if (services !== undefined && !services.includes(auth.scope.service)) {
    return fail('IncompleteSignature', `Credential should be scoped to correct service: '${services[0] ?? ''}'.`);
  }

  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) {
    return fail('IncompleteSignature', `X-Amz-Date must be an ISO 8601 basic timestamp such as 20261125T101500Z, not '${amzDate}'.`);
  }
  if (amzDate.slice(0, 8) !== auth.scope.date) {
    return fail(
      'IncompleteSignature',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }

  const skew = options.maxSkewMs ?? MAX_CLOCK_SKEW_MS;
  const skewMinutes = Math.round(skew / 60_000);
  if (signedAt > nowMs + skew) {
    return fail(
      'RequestExpired',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(nowMs + skew)} (${formatAmzDate(nowMs)} + ${skewMinutes} min.)`,
    );
  }
  if (auth.presigned) {
    if (!/^\d{1,7}$/.test(auth.expires ?? '')) {
      return fail('IncompleteSignature', "X-Amz-Expires must be a whole number of seconds.");
    }
    const expires = Number(auth.expires);
    if (expires < 1 || expires > MAX_PRESIGN_EXPIRES_SECONDS) {
      return fail('IncompleteSignature', `X-Amz-Expires must be between 1 and ${MAX_PRESIGN_EXPIRES_SECONDS} seconds.`);
    }
    if (nowMs > signedAt + expires * 1000) {
      return fail('RequestExpired', `Request has expired: it was valid until ${formatAmzDate(signedAt + expires * 1000)}.`);
    }
  } else if (signedAt < nowMs - skew) {
    return fail(
      'RequestExpired',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(nowMs - skew)} (${formatAmzDate(nowMs)} - ${skewMinutes} min.)`,
    );
  }

  for (const name of auth.signedHeaders) {
    if (req.headers[name] === undefined) {
      return fail('IncompleteSignature', `The signed header '${name}' is not present in the request.`);
    }
  }

  const secret = secretFor(auth.scope.accessKeyId);
  if (secret === undefined) return fail('InvalidClientTokenId', SIGV4_MESSAGES.invalidKey);

  const bodyHash = sha256Hex(req.body);
  const claimedHash = firstHeader(req.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash.trim().toLowerCase() !== bodyHash) {
    // UNSIGNED-PAYLOAD and streaming payloads are S3's; here the body must be signed.
    return fail('SignatureDoesNotMatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const payloadHash = claimedHash !== undefined ? claimedHash.trim() : bodyHash;

  const canonical = canonicalRequest(req, auth.signedHeaders, payloadHash, auth.presigned ? ['X-Amz-Signature'] : []);
  const key = signingKey(secret, auth.scope.date, auth.scope.region, auth.scope.service);
  const expected = createHmac('sha256', key).update(stringToSign(amzDate, auth.scopeString, canonical), 'utf8').digest();
  const provided = auth.signature.toLowerCase();
  if (!HEX64.test(provided) || !timingSafeEqual(expected, Buffer.from(provided, 'hex'))) {
    return fail('SignatureDoesNotMatch', SIGV4_MESSAGES.mismatch);
  }
  return { ok: true, accessKeyId: auth.scope.accessKeyId, region: auth.scope.region, service: auth.scope.service, date: amzDate };
}

// ---------------------------------------------------------------------------------------------
// Signing (for Albatross's own clients and for tests)

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignOptions {
  region: string;
  service: string;
  nowMs: number;
  /** Also send and sign X-Amz-Content-Sha256. */
  contentSha256?: boolean;
}

/**
 * Signs a request in the header form: returns its headers plus `x-amz-date` (and
 * `x-amz-content-sha256` when asked) and `authorization`. Every header given is signed; `host`
 * must be among them.
 */
export function signSigV4(
  req: { method: string; path: string; query: string; headers: Record<string, string>; body: Buffer | string },
  credentials: SigningCredentials,
  options: SignOptions,
): Record<string, string> {
  const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
  const amzDate = formatAmzDate(options.nowMs);
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = value;
  if (headers.host === undefined) throw new Error('signSigV4: the host header is required');
  headers['x-amz-date'] = amzDate;
  const payloadHash = body.length === 0 ? EMPTY_SHA256 : sha256Hex(body);
  if (options.contentSha256) headers['x-amz-content-sha256'] = payloadHash;
  delete headers.authorization;
  const signedHeaders = Object.keys(headers).sort();
  const scope = `${date}/${options.region}/${options.service}/aws4_request`;
  const canonical = canonicalRequest({ method: req.method, path: req.path, query: req.query, headers }, signedHeaders, payloadHash);
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, date, options.region, options.service))
    .update(stringToSign(amzDate, scope, canonical), 'utf8')
    .digest('hex');
  headers.authorization =
    `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return headers;
}
