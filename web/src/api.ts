/**
 * The console's only way to the server: its session (`/console/session`) and the public AWS
 * Query API through `/console/api/<service>`, which the server signs with the session's key.
 * Requests are the API's own (Action, Version, `Name.member.N` lists); answers are its XML.
 */

export type Service = 'elasticloadbalancing' | 'iam' | 'ec2' | 'monitoring';

export const ELB = 'elasticloadbalancing';

const VERSIONS: Record<Service, string> = { elasticloadbalancing: '2015-12-01', iam: '2010-05-08', ec2: '2016-11-15', monitoring: '2010-08-01' };

/** An error the API (or the console's session layer) answered with: AWS's code and message. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export interface SessionInfo {
  accessKeyId: string;
  expiresAt: string;
}

/**
 * A request sent within this long of the user's last key press, click or edit counts as use of
 * the session (the server's idle timeout starts again); polls of an untouched tab do not, so an
 * abandoned console signs itself out.
 */
const ACTIVE_WINDOW_MS = 5000;
let lastInputAt = performance.now();
for (const type of ['pointerdown', 'keydown', 'input']) {
  addEventListener(type, () => (lastInputAt = performance.now()), { capture: true, passive: true });
}

function activityHeader(): Record<string, string> {
  return performance.now() - lastInputAt < ACTIVE_WINDOW_MS ? { 'x-console-activity': 'user' } : {};
}

/** The CSRF token lives in this module's memory only: never in storage, gone with the tab. */
let csrfToken: string | undefined;
let onSessionLost: () => void = () => undefined;

/** Called when the server says the session is gone (expired, key deleted): the app shows sign-in. */
export function whenSessionLost(fn: () => void): void {
  onSessionLost = fn;
}

async function jsonError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { code?: string; message?: string };
    return new ApiError(body.code ?? `HTTP${res.status}`, body.message ?? res.statusText, res.status);
  } catch {
    return new ApiError(`HTTP${res.status}`, res.statusText, res.status);
  }
}

function remember(info: SessionInfo & { csrfToken: string }): SessionInfo {
  csrfToken = info.csrfToken;
  return { accessKeyId: info.accessKeyId, expiresAt: info.expiresAt };
}

/** Signs in; the secret goes to the server once and is not kept anywhere here. */
export async function signIn(accessKeyId: string, secretAccessKey: string): Promise<SessionInfo> {
  const res = await fetch('/console/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKeyId, secretAccessKey }),
    credentials: 'same-origin',
  });
  if (!res.ok) throw await jsonError(res);
  return remember(await res.json());
}

/** The current session after a reload, or undefined. */
export async function currentSession(): Promise<SessionInfo | undefined> {
  const res = await fetch('/console/session', { credentials: 'same-origin' });
  if (!res.ok) return undefined;
  return remember(await res.json());
}

export async function signOut(): Promise<void> {
  await fetch('/console/session', { method: 'DELETE', headers: { 'x-csrf-token': csrfToken ?? '' }, credentials: 'same-origin' });
  csrfToken = undefined;
}

// ---------------------------------------------------------------------------------------------
// Query parameters

export type Param = string | number | boolean | undefined | Param[] | { [name: string]: Param };

/**
 * Flattens to the Query protocol: lists as `Name.member.N` (EC2: `Name.N`), structures as
 * `Name.Field`. An empty list is `Name=` (as botocore sends it), so "none" differs from "absent".
 */
function flatten(prefix: string, value: Param, ec2: boolean, out: URLSearchParams): void {
  if (value === undefined) return;
  if (Array.isArray(value) && value.length === 0 && !ec2) {
    out.append(prefix, '');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(ec2 ? `${prefix}.${i + 1}` : `${prefix}.member.${i + 1}`, v, ec2, out));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(prefix === '' ? k : `${prefix}.${k}`, v, ec2, out);
  } else {
    out.append(prefix, String(value));
  }
}

// ---------------------------------------------------------------------------------------------
// XML answers

/** An XML answer as plain data: text leaves, `member`/`item` lists as arrays, the rest objects. */
export type Xml = string | Xml[] | { [name: string]: Xml };

function toData(el: Element): Xml {
  const children = Array.from(el.children);
  if (children.length === 0) return el.textContent ?? '';
  if (children.every((c) => c.localName === 'member' || c.localName === 'item')) return children.map(toData);
  const out: { [name: string]: Xml } = {};
  for (const c of children) out[c.localName] = toData(c);
  return out;
}

/** A list field: an empty list arrives as an empty element (''). */
export function list(v: Xml | undefined): Xml[] {
  return Array.isArray(v) ? v : [];
}

export function field(v: Xml | undefined, name: string): Xml | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v[name] : undefined;
}

export function text(v: Xml | undefined, name: string): string {
  const f = field(v, name);
  return typeof f === 'string' ? f : '';
}

function parseXml(body: string): Document {
  return new DOMParser().parseFromString(body, 'application/xml');
}

/**
 * Calls one API action. Resolves to the action's result (`<ActionResult>`, or EC2's response
 * element); rejects with ApiError carrying the API's own code and message.
 */
export async function call(service: Service, action: string, params: { [name: string]: Param } = {}): Promise<Xml> {
  const form = new URLSearchParams();
  form.append('Action', action);
  form.append('Version', VERSIONS[service]);
  flatten('', params, service === 'ec2', form);
  const res = await fetch(`/console/api/${service}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'x-csrf-token': csrfToken ?? '', ...activityHeader() },
    body: form.toString(),
    credentials: 'same-origin',
  });
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) {
    const err = await jsonError(res);
    if (err.code === 'SessionExpired') onSessionLost();
    throw err;
  }
  const doc = parseXml(await res.text());
  const root = doc.documentElement;
  if (!res.ok || root.localName === 'ErrorResponse' || root.localName === 'Response') {
    const error = root.getElementsByTagName('Error')[0];
    const code = error?.getElementsByTagName('Code')[0]?.textContent ?? `HTTP${res.status}`;
    const message = error?.getElementsByTagName('Message')[0]?.textContent ?? res.statusText;
    throw new ApiError(code, message, res.status);
  }
  if (service === 'ec2') return toData(root);
  const result = Array.from(root.children).find((c) => c.localName === `${action}Result`);
  return result === undefined ? '' : toData(result);
}
