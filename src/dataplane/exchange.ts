/**
 * One proxied request. The ProxyExchange object is the per-request state and the upstream
 * connection's handler, so the request path creates no closures; event listeners are
 * module-level functions that find their exchange through a field on the emitter.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { forwardRequestHeaders, forwardResponseHeaders, requestFlags } from './headers.ts';
import { replies, sendLocalReply, type LocalReply } from './local-reply.ts';
import type { ListenerRuntime } from './listener-runtime.ts';
import type { TargetEndpoint, TargetSet } from './target-set.ts';
import { logRequest } from './request-log.ts';
import { cookieValue, responseSetsCookie, type StickyCookieDecoder, type StickyPayload } from './stickiness/lb-cookie.ts';
import type { GroupStickiness } from './stickiness/group-stickiness.ts';
import { connectTimeoutMs, ReplayBody, type UpstreamConnection, type UpstreamHandler, type UpstreamPhase } from './upstream/index.ts';

const kExchange = Symbol('albatross.exchange');

type ResponseWithExchange = ServerResponse & { [kExchange]?: ProxyExchange };

export class ProxyExchange implements UpstreamHandler {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly listener: ListenerRuntime;
  readonly targetSet: TargetSet;
  endpoint: TargetEndpoint;
  /** Request line, headers and the blank line, as sent to the target. */
  readonly head: string;
  readonly hasBody: boolean;
  readonly chunked: boolean;
  /** The body's bytes, kept while they may have to be sent again (small bodies of idempotent requests). */
  replay: ReplayBody | null;
  /** The client speaks HTTP/2: no reason phrase, no connection-level headers. */
  readonly h2: boolean;
  connection: UpstreamConnection | null = null;
  /** `performance.now()` when the request went to the target: TargetResponseTime starts here. */
  sentAt = 0;
  /** `performance.now()` when the target's response head arrived (0: none). */
  headAt = 0;
  /** The target's status code (0: no response). */
  targetStatus = 0;
  /** `performance.now()` when the request arrived, and its trace id (set only when access logs are on). */
  receivedAt = 0;
  traceId = '';
  /** app_cookie: the request came in a sticky session, so the response renews (or repoints) it. */
  inSession = false;
  /** Group stickiness of the weighted forward that chose this target group (AWSALBTG). */
  groupSticky: GroupStickiness | undefined = undefined;
  /** Response headers went to the client: from here on nothing can be retried or replaced. */
  responded = false;
  done = false;
  attempts = 0;

  constructor(req: IncomingMessage, res: ServerResponse, listener: ListenerRuntime, targetSet: TargetSet, endpoint: TargetEndpoint, head: string, hasBody: boolean, chunked: boolean, replay: ReplayBody | null) {
    this.req = req;
    this.res = res;
    this.listener = listener;
    this.targetSet = targetSet;
    this.endpoint = endpoint;
    this.head = head;
    this.hasBody = hasBody;
    this.chunked = chunked;
    this.replay = replay;
    this.h2 = req.httpVersionMajor === 2;
  }

  /** Sends the request to `this.endpoint`. */
  dispatch(): void {
    const e = this.endpoint;
    e.inflight++;
    this.attempts++;
    e.stats.requestCount++;
    this.sentAt = performance.now();
    const c = e.pool!.acquire();
    this.connection = c;
    const req = this.req;
    c.send(this, this.head, req.method === 'HEAD', this.hasBody ? req : null, this.chunked, this.replay, this.listener.settings.idleTimeoutMs, connectTimeoutMs);
  }

  onUpstreamHead(status: number, statusMessage: string, headers: string[]): boolean {
    const e = this.endpoint;
    this.headAt = performance.now();
    this.targetStatus = status;
    e.stats.countResponse(status, (this.headAt - this.sentAt) / 1000);
    this.targetSet.balancer.onResult?.(e, status < 500, this.headAt - this.sentAt);
    if (status < 500) e.consecutive5xx = 0;
    else this.onTarget5xx(e);
    // A response began: the request will not be sent again, so its body need not be kept.
    this.replay = null;
    if (this.connection !== null) this.connection.replay = null;
    const res = this.res;
    if (res.destroyed) return false;
    try {
      const out = forwardResponseHeaders(headers);
      if (this.targetSet.sticky !== undefined || this.groupSticky !== undefined) this.appendStickyCookies(out, headers, e);
      if (this.h2) res.writeHead(status, out);
      else res.writeHead(status, statusMessage, out);
    } catch {
      // A header Node refuses to send (bad characters): the response is not valid HTTP.
      this.finish();
      localReply(this.listener, res, replies.targetGarbage);
      return false;
    }
    this.responded = true;
    return true;
  }

  /**
   * AWSALB is refreshed on every response; AWSALBAPP-0 when the target sets the app's cookie or
   * the request was in a session (both name the target that answered); AWSALBTG names the group.
   */
  appendStickyCookies(out: string[], targetHeaders: string[], e: TargetEndpoint): void {
    const set = this.targetSet;
    const now = (Date.now() / 1000) | 0;
    const sticky = set.sticky;
    if (sticky !== undefined && (set.stickyKind === 'lb' || this.inSession || responseSetsCookie(targetHeaders, set.appCookie))) {
      sticky.appendTo(out, e.key, now);
    }
    if (this.groupSticky !== undefined) this.groupSticky.issuer.appendTo(out, set.stickyToken, now);
  }

  /** Passive outlier detection: a run of 5XX responses ejects the target (`consecutive_5xx`, 0: never). */
  onTarget5xx(e: TargetEndpoint): void {
    const limit = this.targetSet.settings.outlierConsecutive5xx;
    if (++e.consecutive5xx >= limit && limit > 0) this.targetSet.eject(e, `${e.consecutive5xx}x5XX`);
  }

  onUpstreamData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    this.res.once('drain', onResponseDrain);
    return false;
  }

  onUpstreamEnd(last: Buffer | null): void {
    this.finish();
    if (last !== null) this.res.end(last);
    else this.res.end();
  }

  onUpstreamError(code: string, phase: UpstreamPhase, reused: boolean): void {
    if (this.done) return;
    this.finish();
    if (phase === 'connect') this.endpoint.stats.connectionErrors++;
    this.targetSet.balancer.onResult?.(this.endpoint, false, performance.now() - this.sentAt);
    // No answer within the idle timeout: the target has the request and may still act on it, and
    // slow is not dead. 504, as ALB: no second target, no ejection.
    const timedOut = code === 'ETIMEDOUT';
    // Refused, or reset on a fresh connection: the target is down or dying. (A reused connection
    // that died is the ordinary keep-alive race, not the target's fault.)
    if (!timedOut && (phase === 'connect' || (phase === 'sent' && !reused)) && this.targetSet.settings.outlierConnectionErrors) {
      this.targetSet.eject(this.endpoint, code);
    }
    if (this.responded) {
      // Part of the response is already with the client: the only honest signal left is to cut it.
      this.res.destroy();
      return;
    }
    if (this.res.destroyed) return; // the client is gone (460)
    if (this.attempts === 1 && !timedOut && isSafeToRetry(this, phase) && this.retry(phase)) return;
    localReply(this.listener, this.res, replyFor(code));
  }

  /**
   * Once more, to another target if there is one. Only called when the first target cannot
   * have acted on the request. A target that could not be connected to is not tried again; one
   * whose reused connection had just closed may get the request on a fresh connection.
   */
  retry(phase: UpstreamPhase): boolean {
    const next = this.targetSet.pick(this.endpoint);
    if (next === undefined || next.pool === undefined) return false;
    if (next === this.endpoint && phase === 'connect') return false;
    this.done = false;
    this.endpoint = next;
    this.dispatch();
    return true;
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.endpoint.inflight--;
    this.connection = null;
  }
}

/**
 * A request may go to another target (when the target group's `albatross.retry.enabled` is on)
 * when the first never saw it (no connection: its body, if any, is still unread), or when the
 * connection died (not timed out) after sending and before any response byte and the request is idempotent
 * (the target died, or closed a keep-alive connection as we wrote) and its body, if any, was
 * kept in full. POST and PATCH may have been acted on: never sent twice. Once a response
 * began, nothing is retried.
 */
function isSafeToRetry(ex: ProxyExchange, phase: UpstreamPhase): boolean {
  if (!ex.targetSet.settings.retryEnabled) return false;
  if (phase === 'connect') return true;
  if (phase !== 'sent' || !isIdempotent(ex.req.method!)) return false;
  return !ex.hasBody || (ex.replay !== null && !ex.replay.overflow);
}

function isIdempotent(m: string): boolean {
  return m === 'GET' || m === 'HEAD' || m === 'OPTIONS' || m === 'PUT' || m === 'DELETE';
}

/**
 * The body keeper of a request that may be replayed: an idempotent method with a body of at most
 * the group's `albatross.retry.max_body_bytes` (declared by Content-Length, or counted as a
 * chunked body streams); null for the rest, and for bodiless requests, which need none.
 */
function replayFor(req: IncomingMessage, set: TargetSet, chunked: boolean, contentLength: string): ReplayBody | null {
  const s = set.settings;
  if (!s.retryEnabled || s.retryMaxBodyBytes === 0 || !isIdempotent(req.method!)) return null;
  if (!chunked && !(Number(contentLength) <= s.retryMaxBodyBytes)) return null;
  return new ReplayBody(s.retryMaxBodyBytes);
}

/** A response the load balancer makes itself, counted as ALB's HTTPCode_ELB_4XX/5XX. */
export function localReply(listener: ListenerRuntime, res: ServerResponse, r: LocalReply): void {
  listener.stats.countLocalReply(r.status);
  sendLocalReply(res, r);
  if (listener.accessLog !== undefined && (res as ResponseWithExchange)[kExchange] === undefined) {
    logRequest(listener, res.req, res, { errorReason: r.status === 503 ? 'NoRegisteredTargets' : 'LoadBalancerResponse' });
  }
}

function replyFor(code: string): LocalReply {
  switch (code) {
    case 'ECONNREFUSED':
      return replies.targetRefused;
    case 'ETIMEDOUT':
      return replies.targetTimeout;
    case 'ECONNTIMEOUT':
      return replies.connectTimeout;
    case 'ECONNRESET':
    case 'EPIPE':
      return replies.targetReset;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return replies.targetUnreachable;
    default:
      return code.startsWith('HPE_') ? replies.targetGarbage : replies.targetReset;
  }
}

function onResponseDrain(this: ResponseWithExchange): void {
  this[kExchange]?.connection?.resume();
}

/** The client went away before the exchange finished: drop the upstream side too. */
function onResponseClose(this: ResponseWithExchange): void {
  const ex = this[kExchange];
  if (ex === undefined) return;
  if (ex.listener.accessLog !== undefined) logExchange(ex);
  if (ex.done) return;
  const c = ex.connection;
  ex.finish();
  c?.abandon();
}

/** The access-log line of a forwarded request (only when the load balancer's access logs are on). */
function logExchange(ex: ProxyExchange): void {
  const now = performance.now();
  const e = ex.endpoint;
  const res = ex.res;
  const answered = ex.targetStatus !== 0;
  logRequest(ex.listener, ex.req, res, {
    target: `${e.address}:${e.port}`,
    requestProcessingS: (ex.sentAt - ex.receivedAt) / 1000,
    targetProcessingS: answered ? (ex.headAt - ex.sentAt) / 1000 : -1,
    responseProcessingS: answered ? (now - ex.headAt) / 1000 : -1,
    targetStatus: answered ? String(ex.targetStatus) : '',
    targetGroupArn: ex.targetSet.arn,
    receivedAt: ex.receivedAt,
    traceId: ex.traceId,
    errorReason: !res.writableFinished ? 'ClientClosed' : answered ? '' : 'TargetUnavailable',
  });
}

/**
 * Forward `req` to a target of `set`. Called by the listener for forward actions; `groupSticky`
 * when a weighted forward with group stickiness chose `set`.
 */
export function forward(req: IncomingMessage, res: ServerResponse, listener: ListenerRuntime, set: TargetSet, groupSticky?: GroupStickiness): void {
  const socket = req.socket;
  const clientIp = socket.remoteAddress;
  if (clientIp === undefined) return; // the client is already gone
  const url = req.url!;
  if (url.charCodeAt(0) !== 47 /* / */ && url !== '*') {
    localReply(listener, res, replies.badRequest);
    return;
  }
  const headers = forwardRequestHeaders(
    req.rawHeaders,
    listener,
    clientIp.startsWith('::ffff:') ? clientIp.slice(7) : clientIp,
    socket.remotePort,
  );
  if (requestFlags.badHost || (requestFlags.noHost && req.httpVersionMinor === 1)) {
    res.shouldKeepAlive = false;
    localReply(listener, res, replies.noHost);
    return;
  }
  const endpoint = (set.sticky !== undefined ? stuckTarget(req.rawHeaders, set) : undefined) ?? set.pick();
  if (endpoint === undefined) {
    localReply(listener, res, replies.noTargets);
    return;
  }
  let hasBody = requestFlags.hasBody;
  let chunked = requestFlags.chunked;
  let extra = '';
  if (req.httpVersionMajor === 2) {
    // HTTP/2 frames the body itself: a body without Content-Length goes to the target chunked.
    const stream = (req as unknown as { stream: { endAfterHeaders: boolean } }).stream;
    if (!hasBody && !stream.endAfterHeaders && req.headers['content-length'] === undefined) {
      hasBody = true;
      chunked = true;
      extra = 'transfer-encoding: chunked\r\n';
    }
  }
  if (listener.settings.tlsHeaders && listener.proto === 'https') extra += tlsHeaderLines(socket as TLSSocket);
  const head = req.method + ' ' + url + ' HTTP/1.1\r\n' + headers + extra + '\r\n';
  const replay = hasBody ? replayFor(req, set, chunked, requestFlags.contentLength) : null;
  const ex = new ProxyExchange(req, res, listener, set, endpoint, head, hasBody, chunked, replay);
  if (set.sticky !== undefined && stickySession.found) ex.inSession = true;
  if (groupSticky !== undefined) ex.groupSticky = groupSticky;
  if (listener.accessLog !== undefined) {
    ex.receivedAt = performance.now();
    ex.traceId = requestFlags.traceId;
  }
  (res as ResponseWithExchange)[kExchange] = ex;
  res.on('close', onResponseClose);
  ex.dispatch();
}

/** The worker's sticky-cookie decoder; set when the first snapshot brings the key. */
export const stickyCookies: { decoder: StickyCookieDecoder | undefined } = { decoder: undefined };

/** Set by `stuckTarget`: the request carried a genuine, unexpired cookie of the group's stickiness. */
const stickySession = { found: false };

/**
 * The target a stickiness cookie names — AWSALB (or AWSALBCORS) for lb_cookie; AWSALBAPP-0 for
 * app_cookie, which counts only alongside the application's own cookie (ALB: the client sends
 * both back) — if the cookie is genuine, unexpired, for this target group, and the target can
 * still take requests. Anything else: none, and the balancer picks.
 */
function stuckTarget(raw: readonly string[], set: TargetSet): TargetEndpoint | undefined {
  stickySession.found = false;
  const decoder = stickyCookies.decoder;
  if (decoder === undefined) return undefined;
  const kind = set.stickyKind!;
  let appCookieSent = kind === 'lb';
  let payload: StickyPayload | undefined;
  for (let i = 0; i < raw.length && (payload === undefined || !appCookieSent); i += 2) {
    const name = raw[i]!;
    if (name.length !== 6 || name.toLowerCase() !== 'cookie') continue;
    const header = raw[i + 1]!;
    if (!appCookieSent) appCookieSent = cookieValue(header, set.appCookie) !== undefined;
    if (payload !== undefined) continue;
    const value = kind === 'app' ? cookieValue(header, 'AWSALBAPP-0') : cookieValue(header, 'AWSALB') ?? cookieValue(header, 'AWSALBCORS');
    if (value === undefined) continue;
    const p = decoder.decode(kind, value, (Date.now() / 1000) | 0);
    if (p !== undefined && p.group === set.stickyGroup) payload = p;
  }
  if (payload === undefined || !appCookieSent) return undefined;
  stickySession.found = true;
  return set.stuckTarget(payload.target);
}

/** `x-amzn-tls-version` and `x-amzn-tls-cipher-suite`, when the load balancer attribute asks for them. */
function tlsHeaderLines(socket: TLSSocket): string {
  const version = socket.getProtocol?.() ?? undefined;
  const cipher = socket.getCipher?.();
  let out = '';
  if (version) out += 'x-amzn-tls-version: ' + version + '\r\n';
  if (cipher) out += 'x-amzn-tls-cipher-suite: ' + cipher.name + '\r\n'; // OpenSSL's name, as ALB sends it
  return out;
}
