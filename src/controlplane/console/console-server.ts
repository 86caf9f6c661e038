/**
 * The web console on the admin endpoint (`/console`): its static files, its sessions, and its
 * bridge to the public API.
 *
 * A browser never holds a signing secret. It posts an access key id and secret once to
 * `POST /console/session`; the key is checked against the store's access keys (the same opened
 * secrets the API verifies signatures with), and the browser gets a random session id as an
 * HttpOnly, SameSite=Strict cookie plus a CSRF token it keeps in memory. The console then sends
 * AWS Query requests to `POST /console/api/<service>` with the cookie and `x-csrf-token`; each one
 * is signed here with SigV4 by the session's key and handed to the API server's own handler, so it
 * meets exactly the authentication, validation and actions a signed CLI request meets (a key
 * deleted meanwhile fails with InvalidClientTokenId). Sessions live in this process's memory and
 * expire after an hour idle (only requests the page marks as the user's own count as use, not its
 * polls) or twelve hours in all; logout ends one at once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { IncomingMessage, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { StateStore } from '../../store/state-store.ts';
import type { MasterKey } from '../../secrets/master-key.ts';
import { AccessKeySecrets } from '../access-keys.ts';
import { MAX_QUERY_BODY_BYTES } from '../api/query-protocol.ts';
import { signSigV4 } from '../api/sigv4.ts';

export const CONSOLE_PATH = '/console';
export const SESSION_COOKIE = 'albatross-console-session';
/** A session unused this long is gone. */
export const SESSION_IDLE_MS = 60 * 60 * 1000;
/** A session is gone this long after sign-in, used or not. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
/** Sessions kept at most; beyond, the oldest is dropped (sign-ins cannot grow memory without bound). */
const MAX_SESSIONS = 1000;
const MAX_LOGIN_BODY_BYTES = 4096;
/** The services the bridge signs for (the API's SigV4 signing names). */
const SERVICES = new Set(['elasticloadbalancing', 'iam', 'ec2', 'monitoring']);
/** The region a console request is signed for; Albatross answers any. */
const SIGNING_REGION = 'local';

export interface ConsoleServerOptions {
  store: StateStore;
  masterKey: MasterKey;
  /** The admin endpoint's API handler (`createApiHandler`); console requests are signed and passed to it. */
  api: (req: IncomingMessage, res: ServerResponse) => void;
  now?: () => number;
  /** A session unused this long is gone (default SESSION_IDLE_MS). */
  sessionIdleMs?: number;
  /** The console's files (index.html, style.css, dist/); default the package's `web/`. */
  webRoot?: string;
  log?: (line: string) => void;
}

interface Session {
  accessKeyId: string;
  csrfToken: string;
  createdAt: number;
  lastUsedAt: number;
}

interface StaticFile {
  body: Buffer;
  gzipped: Buffer;
  contentType: string;
  /** Extra headers (the page's Content-Security-Policy). */
  headers: Record<string, string>;
}

/** True for `/console` and everything under `/console/`. */
export function isConsoleRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return url === CONSOLE_PATH || url.startsWith(`${CONSOLE_PATH}/`) || url.startsWith(`${CONSOLE_PATH}?`);
}

const defaultWebRoot = fileURLToPath(new URL('../../../web/', import.meta.url));

/** The browser modules the console imports by bare name (its import map), from node_modules. */
function vendorFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  return {
    'preact.js': join(dirname(require.resolve('preact')), 'preact.module.js'),
    'hooks.js': join(dirname(require.resolve('preact/hooks')), 'hooks.module.js'),
    'htm.js': join(dirname(require.resolve('htm')), 'htm.module.js'),
    'uplot.js': join(dirname(require.resolve('uplot')), 'uPlot.esm.js'),
  };
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

const APP_FILE = /^\/console\/app\/([a-z][a-z0-9-]*\.js)$/;
const VENDOR_FILE = /^\/console\/vendor\/([a-z]+\.js)$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Same bytes, compared in constant time (by digest, so lengths do not leak either). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | 'too-large' | 'aborted'): void => {
      if (done) return;
      done = true;
      resolve(v);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.pause();
        finish('too-large');
        return;
      }
      chunks.push(c);
    });
    req.once('end', () => finish(Buffer.concat(chunks, size)));
    req.once('error', () => finish('aborted'));
    req.once('close', () => finish(req.complete ? Buffer.concat(chunks, size) : 'aborted'));
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(body.length),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { code, message }, headers);
}

/** Serves the console; see the file comment. */
export class ConsoleServer {
  readonly #api: (req: IncomingMessage, res: ServerResponse) => void;
  readonly #now: () => number;
  readonly #idleMs: number;
  readonly #webRoot: string;
  readonly #log: (line: string) => void;
  readonly #secrets: AccessKeySecrets;
  readonly #sessions = new Map<string, Session>();
  readonly #files = new Map<string, Promise<StaticFile | undefined>>();
  #vendor: Record<string, string> | undefined;

  constructor(opts: ConsoleServerOptions) {
    this.#api = opts.api;
    this.#now = opts.now ?? Date.now;
    this.#idleMs = opts.sessionIdleMs ?? SESSION_IDLE_MS;
    this.#webRoot = opts.webRoot ?? defaultWebRoot;
    this.#log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.#secrets = new AccessKeySecrets(opts.store, opts.masterKey, this.#log);
  }

  /** The node:http request listener for `/console*`; never throws. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.#serve(req, res).catch((err: unknown) => {
      this.#log(`albatross: console: ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent && !res.destroyed) sendError(res, 500, 'InternalFailure', 'The console failed to answer; see the server log.');
      else res.destroy();
    });
  };

  /** Sessions currently alive (for tests and status). */
  get sessionCount(): number {
    this.#sweep();
    return this.#sessions.size;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';

    if (path === `${CONSOLE_PATH}/session`) {
      if (method === 'POST') return this.#signIn(req, res);
      if (method === 'GET') return this.#whoAmI(req, res);
      if (method === 'DELETE') return this.#signOut(req, res);
      req.resume();
      return sendError(res, 405, 'MethodNotAllowed', `${method} is not allowed here.`, { allow: 'GET, POST, DELETE' });
    }
    if (path.startsWith(`${CONSOLE_PATH}/api/`)) {
      if (method !== 'POST') {
        req.resume();
        return sendError(res, 405, 'MethodNotAllowed', 'The console API answers POST only.', { allow: 'POST' });
      }
      return this.#bridge(req, res, path.slice(`${CONSOLE_PATH}/api/`.length));
    }
    req.resume();
    if (method !== 'GET' && method !== 'HEAD') {
      return sendError(res, 405, 'MethodNotAllowed', `${method} is not allowed here.`, { allow: 'GET, HEAD' });
    }
    return this.#static(req, res, path);
  }

  // -------------------------------------------------------------------------------------------
  // Static files

  async #static(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    let file: string | undefined;
    if (path === CONSOLE_PATH || path === `${CONSOLE_PATH}/`) file = join(this.#webRoot, 'index.html');
    else if (path === `${CONSOLE_PATH}/style.css`) file = join(this.#webRoot, 'style.css');
    else if (path === `${CONSOLE_PATH}/monitoring.css`) file = join(this.#webRoot, 'monitoring.css');
    else if (path === `${CONSOLE_PATH}/favicon.svg`) file = join(this.#webRoot, 'favicon.svg');
    else {
      const app = APP_FILE.exec(path);
      const vendor = VENDOR_FILE.exec(path);
      if (app) file = join(this.#webRoot, 'dist', app[1]!);
      else if (vendor) {
        this.#vendor ??= vendorFiles();
        file = Object.hasOwn(this.#vendor, vendor[1]!) ? this.#vendor[vendor[1]!] : undefined;
      }
    }
    const loaded = file === undefined ? undefined : await this.#load(file);
    if (loaded === undefined) {
      const built = path.startsWith(`${CONSOLE_PATH}/app/`) ? ' (is the console built? npm run build)' : '';
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found${built}\n`);
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? loaded.gzipped : loaded.body;
    res.writeHead(200, {
      'content-type': loaded.contentType,
      'content-length': String(body.length),
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...loaded.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** Reads (once) and compresses a file; the page gets a CSP that allows only its own import map inline. */
  #load(file: string): Promise<StaticFile | undefined> {
    let cached = this.#files.get(file);
    if (cached === undefined) {
      cached = readFile(file).then(
        (body) => {
          const ext = file.slice(file.lastIndexOf('.') + 1);
          const headers: Record<string, string> = {};
          if (ext === 'html') {
            const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(body.toString('utf8'))?.[1] ?? '';
            const hash = sha256(importMap).toString('base64');
            headers['content-security-policy'] =
              `default-src 'self'; script-src 'self' 'sha256-${hash}'; style-src 'self'; img-src 'self' data:; ` +
              `connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;
            headers['referrer-policy'] = 'no-referrer';
          }
          return { body, gzipped: gzipSync(body), contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream', headers };
        },
        () => undefined,
      );
      // A missing file is looked for again next time (a build may come later).
      void cached.then((f) => {
        if (f === undefined) this.#files.delete(file);
      });
      this.#files.set(file, cached);
    }
    return cached;
  }

  // -------------------------------------------------------------------------------------------
  // Sessions

  #sweep(): void {
    const now = this.#now();
    for (const [id, s] of this.#sessions) if (this.#expired(s, now)) this.#sessions.delete(id);
  }

  #expired(s: Session, now: number): boolean {
    return now - s.lastUsedAt > this.#idleMs || now - s.createdAt > SESSION_MAX_MS;
  }

  /** The live session of the request's cookie (touched when `used`), or undefined. */
  #session(req: IncomingMessage, used = true): Session | undefined {
    const id = readCookie(req, SESSION_COOKIE);
    if (id === undefined) return undefined;
    const s = this.#sessions.get(id);
    if (s === undefined) return undefined;
    const now = this.#now();
    if (this.#expired(s, now)) {
      this.#sessions.delete(id);
      return undefined;
    }
    if (used) s.lastUsedAt = now;
    return s;
  }

  /**
   * A state-changing request must come from the console's own page: an `Origin`, when the
   * browser sends one, naming this host, and (for everything but sign-in) the session's CSRF token.
   */
  #sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  #csrfOk(req: IncomingMessage, s: Session): boolean {
    const token = req.headers['x-csrf-token'];
    return typeof token === 'string' && this.#sameOrigin(req) && sameSecret(token, s.csrfToken);
  }

  #sessionInfo(s: Session): { accessKeyId: string; csrfToken: string; expiresAt: string } {
    const expiresAt = Math.min(s.lastUsedAt + this.#idleMs, s.createdAt + SESSION_MAX_MS);
    return { accessKeyId: s.accessKeyId, csrfToken: s.csrfToken, expiresAt: new Date(expiresAt).toISOString() };
  }

  async #signIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readLimited(req, MAX_LOGIN_BODY_BYTES);
    if (body === 'aborted') return;
    if (body === 'too-large') return sendError(res, 413, 'RequestEntityTooLarge', 'The sign-in request is too large.', { connection: 'close' });
    // JSON only: a cross-site form cannot send it without a CORS preflight, which is never granted.
    if (!/^application\/json\b/.test(String(req.headers['content-type'] ?? '')) || !this.#sameOrigin(req)) {
      return sendError(res, 403, 'InvalidOrigin', 'Sign in from the console page.');
    }
    let accessKeyId: unknown;
    let secretAccessKey: unknown;
    try {
      ({ accessKeyId, secretAccessKey } = JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    } catch {
      return sendError(res, 400, 'ValidationError', 'The sign-in request must be JSON with accessKeyId and secretAccessKey.');
    }
    if (typeof accessKeyId !== 'string' || accessKeyId.trim() === '') {
      return sendError(res, 400, 'ValidationError', 'Access key ID is required.');
    }
    if (typeof secretAccessKey !== 'string' || secretAccessKey === '') {
      return sendError(res, 400, 'ValidationError', 'Secret access key is required.');
    }
    await this.#secrets.refresh();
    const known = this.#secrets.secretFor(accessKeyId.trim());
    // Both checks run whatever the first says, so a wrong id and a wrong secret take the same time.
    const matches = sameSecret(known ?? '', secretAccessKey) && known !== undefined;
    if (!matches) {
      return sendError(res, 401, 'InvalidClientTokenId', 'The access key ID or secret access key is not valid.');
    }
    this.#sweep();
    if (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    const now = this.#now();
    const session: Session = { accessKeyId: accessKeyId.trim(), csrfToken: randomBytes(32).toString('base64url'), createdAt: now, lastUsedAt: now };
    this.#sessions.set(id, session);
    sendJson(res, 200, this.#sessionInfo(session), {
      'set-cookie': `${SESSION_COOKIE}=${id}; Path=${CONSOLE_PATH}; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_MS / 1000}`,
    });
  }

  /** The page asks after a reload: a same-origin read, so handing back the CSRF token is safe. */
  #whoAmI(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const s = this.#session(req);
    if (s === undefined) return sendError(res, 401, 'SessionExpired', 'Not signed in, or the session has expired.');
    sendJson(res, 200, this.#sessionInfo(s));
  }

  #signOut(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const s = this.#session(req);
    if (s !== undefined && !this.#csrfOk(req, s)) return sendError(res, 403, 'InvalidCsrfToken', 'The request did not come from the console page.');
    const id = readCookie(req, SESSION_COOKIE);
    if (id !== undefined) this.#sessions.delete(id);
    res.writeHead(204, { 'set-cookie': `${SESSION_COOKIE}=; Path=${CONSOLE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0`, 'cache-control': 'no-store' }).end();
  }

  // -------------------------------------------------------------------------------------------
  // The bridge to the API

  async #bridge(req: IncomingMessage, res: ServerResponse, service: string): Promise<void> {
    const s = this.#session(req, req.headers['x-console-activity'] === 'user');
    if (s === undefined) {
      req.resume();
      return sendError(res, 401, 'SessionExpired', 'Your console session has expired; sign in again.');
    }
    if (!this.#csrfOk(req, s)) {
      req.resume();
      return sendError(res, 403, 'InvalidCsrfToken', 'The request did not come from the console page.');
    }
    if (!SERVICES.has(service)) {
      req.resume();
      return sendError(res, 404, 'UnknownService', `The console API answers ${[...SERVICES].join(', ')}, not '${service}'.`);
    }
    const body = await readLimited(req, MAX_QUERY_BODY_BYTES);
    if (body === 'aborted') return;
    if (body === 'too-large') {
      return sendError(res, 413, 'RequestEntityTooLarge', `The request body is larger than the ${MAX_QUERY_BODY_BYTES} bytes the API accepts.`, { connection: 'close' });
    }
    await this.#secrets.refresh();
    const secretAccessKey = this.#secrets.secretFor(s.accessKeyId);
    if (secretAccessKey === undefined) {
      // The key was deleted: its sessions end with it.
      for (const [id, other] of this.#sessions) if (other.accessKeyId === s.accessKeyId) this.#sessions.delete(id);
      return sendError(res, 401, 'SessionExpired', `The access key ${s.accessKeyId} no longer exists; sign in again.`);
    }
    const headers = signSigV4(
      {
        method: 'POST',
        path: '/',
        query: '',
        headers: { host: req.headers.host ?? 'localhost', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
      },
      { accessKeyId: s.accessKeyId, secretAccessKey },
      { region: SIGNING_REGION, service, nowMs: this.#now() },
    );
    // A request of its own (not the browser's socket): the API server reads it as if it came signed.
    const signed = new IncomingMessage(new Socket());
    signed.method = 'POST';
    signed.url = '/';
    signed.headers = headers;
    signed.complete = true;
    signed.push(body);
    signed.push(null);
    this.#api(signed, res);
  }
}

/** The request listener for `/console*` of the admin endpoint. */
export function createConsoleHandler(opts: ConsoleServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return new ConsoleServer(opts).handle;
}
