/**
 * Stickiness cookies, ALB's names and formats: `AWSALB`/`AWSALBCORS` (lb_cookie), `AWSALBTG`/
 * `AWSALBTGCORS` (group stickiness of a weighted forward) and `AWSALBAPP-<slot>` (app_cookie).
 *
 * A value is opaque and tamper-proof: base64url of `version (1) | nonce (12) | AES-256-GCM
 * ciphertext | tag (16)`, the version and the cookie's kind bound in as associated data, so a
 * value is accepted only by the kind that issued it. The plaintext is `expiresAtSec (u32) |
 * group (u32) | target key (UTF-8)`: 82 characters for `i-0123456789abcdef0:8080`. The key
 * (32 bytes) is shared by every worker and node, so any of them accepts any other's cookies.
 *
 * Nonces are a random 96-bit start per process, then a counter, so two encryptions never share
 * one; and encryptions are rare, since an issuer reuses a target's value for the rest of the
 * second (the values then differ only by the expiry they carry, which is the same).
 *
 * Decoding never throws: a truncated, tampered, expired, foreign-key or other-kind value is
 * `undefined`, and the caller picks a target as if there were no cookie.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Which cookie a value belongs to; bound into the value, so one kind never accepts another's. */
export type StickyCookieKind = 'lb' | 'tg' | 'app';

/** What a stickiness cookie says. */
export interface StickyPayload {
  /**
   * Whose stickiness it is, as a 32-bit id (`stickyGroupId`): for AWSALB and AWSALBAPP the
   * target group; for AWSALBTG whatever scope the caller chose (the cookie's target names the
   * group). A value whose group is not the one asking is someone else's: ignore it.
   */
  readonly group: number;
  /** AWSALB/AWSALBAPP: the target's key (`id:port`). AWSALBTG: the chosen group's token. */
  readonly target: string;
  /** Epoch seconds after which the value is refused. */
  readonly expiresAtSec: number;
}

const VERSION = 1;
const NONCE = 12;
const TAG = 16;
const PLAIN_HEAD = 8;
/** version + nonce + the plaintext's fixed part + tag. */
const MIN_BYTES = 1 + NONCE + PLAIN_HEAD + TAG;
/** Longer values are not ours (a target key with a 253-character host name gives about 400). */
const MAX_TEXT = 512;

const kindCode: Record<StickyCookieKind, number> = { lb: 1, tg: 2, app: 3 };
const aad: Record<StickyCookieKind, Buffer> = {
  lb: Buffer.from([VERSION, kindCode.lb]),
  tg: Buffer.from([VERSION, kindCode.tg]),
  app: Buffer.from([VERSION, kindCode.app]),
};

/** The next nonce: random start, then the low 8 bytes count up (big-endian). */
const nonce = randomBytes(NONCE);

function nextNonce(): Buffer {
  for (let i = NONCE - 1; i >= 4; i--) {
    nonce[i] = (nonce[i]! + 1) & 0xff;
    if (nonce[i] !== 0) break;
  }
  return nonce;
}

/** Encrypts a payload into a cookie value. `key` is 32 bytes; `expiresAtSec` fits 32 bits. */
export function encodeStickyCookie(key: Buffer, kind: StickyCookieKind, payload: StickyPayload): string {
  const targetBytes = Buffer.byteLength(payload.target);
  const plain = Buffer.allocUnsafe(PLAIN_HEAD + targetBytes);
  plain.writeUInt32BE(payload.expiresAtSec >>> 0, 0);
  plain.writeUInt32BE(payload.group >>> 0, 4);
  plain.write(payload.target, PLAIN_HEAD, 'utf8');
  const iv = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG });
  cipher.setAAD(aad[kind]);
  const body = cipher.update(plain);
  cipher.final(); // GCM is a stream mode: update returned every byte
  const out = Buffer.allocUnsafe(1 + NONCE + body.length + TAG);
  out[0] = VERSION;
  iv.copy(out, 1);
  body.copy(out, 1 + NONCE);
  cipher.getAuthTag().copy(out, 1 + NONCE + body.length);
  return out.toString('base64url');
}

/** Opens a cookie value; `undefined` for anything but an unexpired value of `kind` under `key`. */
export function decodeStickyCookie(key: Buffer, kind: StickyCookieKind, value: string, nowSec: number): StickyPayload | undefined {
  if (value.length > MAX_TEXT) return undefined;
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.length < MIN_BYTES || bytes[0] !== VERSION) return undefined;
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + NONCE), { authTagLength: TAG });
    decipher.setAAD(aad[kind]);
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG));
    plain = decipher.update(bytes.subarray(1 + NONCE, bytes.length - TAG));
    decipher.final(); // throws when the tag does not verify: tampered, truncated or another key
  } catch {
    return undefined;
  }
  const expiresAtSec = plain.readUInt32BE(0);
  if (expiresAtSec <= nowSec) return undefined;
  return { group: plain.readUInt32BE(4), target: plain.toString('utf8', PLAIN_HEAD), expiresAtSec };
}

/**
 * Decodes with a memo of recent values, so a busy target's cookie, which many clients carry
 * within the same second, is decrypted once rather than per request; refusals are remembered
 * too (a refusal is final: an expired value stays expired). One memo per kind, dropped whole
 * when it fills. One decoder per worker and key.
 */
export class StickyCookieDecoder {
  readonly #key: Buffer;
  readonly #limit: number;
  readonly #memo: Record<StickyCookieKind, Map<string, StickyPayload | null>> = { lb: new Map(), tg: new Map(), app: new Map() };

  constructor(key: Buffer, limit = 2048) {
    this.#key = key;
    this.#limit = limit;
  }

  /** An issuer of cookies this decoder accepts (the same key). */
  issuer(options: StickyCookieIssuerOptions): StickyCookieIssuer {
    return new StickyCookieIssuer(this.#key, options);
  }

  /** As `decodeStickyCookie`; the payload returned is shared: do not change it. */
  decode(kind: StickyCookieKind, value: string, nowSec: number): StickyPayload | undefined {
    const memo = this.#memo[kind];
    const known = memo.get(value);
    if (known === null) return undefined;
    if (known !== undefined) return known.expiresAtSec > nowSec ? known : undefined;
    const payload = decodeStickyCookie(this.#key, kind, value, nowSec);
    if (!isBase64url(value)) return payload; // only our alphabet is remembered, copied exactly
    if (memo.size >= this.#limit) memo.clear();
    // A copy: the value is a slice of the request's Cookie header, which it would keep alive.
    memo.set(Buffer.from(value, 'latin1').toString('latin1'), payload ?? null);
    return payload;
  }
}

function isBase64url(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95)) return false;
  }
  return true;
}

/** A 32-bit id for a target group ARN (FNV-1a): the `group` of its cookies. */
export function stickyGroupId(arn: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < arn.length; i++) {
    h ^= arn.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The value of cookie `name` in a Cookie header (several headers joined by `; `), or undefined.
 * An index scan: no parsing of the other cookies, no object per cookie. Quotes around the value
 * are dropped; a longer name that starts with `name` (`AWSALBCORS` for `AWSALB`) is not it.
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const n = name.length;
  for (let at = header.indexOf(name); at >= 0; at = header.indexOf(name, at + 1)) {
    if (header.charCodeAt(at + n) !== 61 /* = */ || !startsCookie(header, at)) continue;
    let start = at + n + 1;
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    while (end > start && isSpace(header.charCodeAt(end - 1))) end--;
    if (end - start >= 2 && header.charCodeAt(start) === 34 /* " */ && header.charCodeAt(end - 1) === 34) {
      start++;
      end--;
    }
    return header.slice(start, end);
  }
  return undefined;
}

/** True when the name at `at` begins a cookie pair: at the start, or after `;` and spaces. */
function startsCookie(header: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && isSpace(header.charCodeAt(i))) i--;
  return i < 0 || header.charCodeAt(i) === 59 /* ; */;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * True when a target's response (raw headers: name, value, ...) sets cookie `name`: what
 * app_cookie stickiness waits for before it issues AWSALBAPP.
 */
export function responseSetsCookie(rawHeaders: readonly string[], name: string): boolean {
  const n = name.length;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const h = rawHeaders[i]!;
    if (h.length !== 10 || h.toLowerCase() !== 'set-cookie') continue;
    const v = rawHeaders[i + 1]!;
    if (v.charCodeAt(n) === 61 /* = */ && v.startsWith(name)) return true;
  }
  return false;
}

/** ALB's app_cookie cookie for stickiness slot 0–3. */
export function appCookieName(slot: number): string {
  return `AWSALBAPP-${slot & 3}`;
}

/** AWSALBAPP's own lifetime in the browser: 7 days, whatever the stickiness duration (ALB). */
export const appCookieLifetimeSec = 604800;

/** One target's Set-Cookie values, reused for the rest of the second they were made in. */
class IssuedCookies {
  sec = -1;
  setCookie = '';
  corsSetCookie = '';
}

/** Options of a `StickyCookieIssuer`. */
export interface StickyCookieIssuerOptions {
  kind: StickyCookieKind;
  /** `AWSALB`, `AWSALBTG` or `appCookieName(slot)`. */
  name: string;
  /** The CORS twin (`AWSALBCORS`, `AWSALBTGCORS`) with `SameSite=None; Secure`; none for app cookies. */
  corsName: string | undefined;
  /** The group every cookie of this issuer carries (`stickyGroupId` of the target group). */
  group: number;
  /** How long a value routes to its target, from the response that carried it. */
  durationSec: number;
  /** The cookie's `Expires` from now; defaults to `durationSec` (AWSALBAPP: `appCookieLifetimeSec`). */
  lifetimeSec?: number;
}

/**
 * Makes the Set-Cookie headers for one stickiness scope (one target group's AWSALB, say), as
 * ALB formats them: `AWSALB=<v>; Expires=<IMF-fixdate>; Path=/` and `AWSALBCORS=<v>;
 * Expires=<date>; Path=/; SameSite=None; Secure`. A response costs a map lookup: the value is
 * encrypted once per target per second and the date formatted once per second.
 */
export class StickyCookieIssuer {
  readonly #key: Buffer;
  readonly #options: StickyCookieIssuerOptions;
  readonly #lifetimeSec: number;
  readonly #byTarget = new Map<string, IssuedCookies>();

  constructor(key: Buffer, options: StickyCookieIssuerOptions) {
    if (key.length !== 32) throw new Error('a stickiness key is 32 bytes');
    this.#key = key;
    this.#options = options;
    this.#lifetimeSec = options.lifetimeSec ?? options.durationSec;
  }

  /** Appends `set-cookie` name/value pairs for `target` to `headers` (the flat form `writeHead` takes). */
  appendTo(headers: string[], target: string, nowSec: number): void {
    const issued = this.#issued(target, nowSec);
    headers.push('set-cookie', issued.setCookie);
    if (issued.corsSetCookie !== '') headers.push('set-cookie', issued.corsSetCookie);
  }

  #issued(target: string, nowSec: number): IssuedCookies {
    let issued = this.#byTarget.get(target);
    if (issued === undefined) {
      issued = new IssuedCookies();
      this.#byTarget.set(target, issued);
    }
    if (issued.sec === nowSec) return issued;
    const o = this.#options;
    const value = encodeStickyCookie(this.#key, o.kind, { group: o.group, target, expiresAtSec: nowSec + o.durationSec });
    const attributes = '; Expires=' + httpDate(nowSec + this.#lifetimeSec) + '; Path=/';
    issued.sec = nowSec;
    issued.setCookie = o.name + '=' + value + attributes;
    issued.corsSetCookie = o.corsName === undefined ? '' : o.corsName + '=' + value + attributes + '; SameSite=None; Secure';
    return issued;
  }
}

let dateSec = -1;
let dateText = '';

/** `Thu, 01 Jan 1970 00:00:00 GMT` for epoch seconds; the last one is remembered. */
export function httpDate(sec: number): string {
  if (sec !== dateSec) {
    dateText = new Date(sec * 1000).toUTCString();
    dateSec = sec;
  }
  return dateText;
}
