/**
 * One proxied request: the ProxyExchange object is both the per-request state and the undici
 * dispatch handler (undici calls its methods), so the request path creates no closures. Event
 * listeners are module-level functions that find their exchange through a field on the emitter.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { forwardRequestHeaders, forwardResponseHeaders, BAD_HOST, HAS_BODY } from './headers.ts';
import { replies, sendLocalReply, type LocalReply } from './local-reply.ts';
import type { ListenerRuntime } from './listener-runtime.ts';
import type { TargetEndpoint, TargetSet } from './target-set.ts';

const kExchange = Symbol('albatross.exchange');

type ResponseWithExchange = ServerResponse & { [kExchange]?: ProxyExchange };

export class ProxyExchange implements Dispatcher.DispatchHandler {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly listener: ListenerRuntime;
  readonly targetSet: TargetSet;
  endpoint: TargetEndpoint;
  readonly headers: string[];
  readonly hasBody: boolean;
  abortUpstream: ((err?: Error) => void) | null = null;
  resumeUpstream: (() => void) | null = null;
  /** Response headers went to the client: from here on nothing can be retried or replaced. */
  responded = false;
  done = false;
  attempts = 1;

  constructor(req: IncomingMessage, res: ServerResponse, listener: ListenerRuntime, targetSet: TargetSet, endpoint: TargetEndpoint, headers: string[], hasBody: boolean) {
    this.req = req;
    this.res = res;
    this.listener = listener;
    this.targetSet = targetSet;
    this.endpoint = endpoint;
    this.headers = headers;
    this.hasBody = hasBody;
  }

  /** Sends the request to `this.endpoint`. */
  dispatch(): void {
    const e = this.endpoint;
    e.inflight++;
    const idle = this.listener.settings.idleTimeoutMs;
    e.pool!.dispatch(
      {
        path: this.req.url!,
        method: this.req.method as Dispatcher.HttpMethod,
        headers: this.headers,
        body: this.hasBody ? this.req : null,
        headersTimeout: idle,
        bodyTimeout: idle,
      },
      this,
    );
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx informational: Node already handled Expect itself
    const res = this.res;
    if (res.destroyed) return true;
    try {
      res.writeHead(statusCode, forwardResponseHeaders(rawHeaders));
    } catch {
      // A header Node refuses to send (bad characters): the response is not valid HTTP.
      this.finish();
      sendLocalReply(res, replies.targetGarbage);
      this.abortUpstream?.();
      return false;
    }
    this.responded = true;
    this.resumeUpstream = resume;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    this.res.once('drain', onResponseDrain);
    return false;
  }

  onComplete(): void {
    this.finish();
    this.res.end();
  }

  onError(err: Error): void {
    if (this.done) return; // already answered (or abandoned) by this side
    this.finish();
    if (this.responded) {
      // Part of the response is already with the client: the only honest signal left is to cut it.
      this.res.destroy();
      return;
    }
    if (this.res.destroyed || this.req.destroyed && !this.req.complete) return; // client is gone (460)
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' && !this.hasBody && this.attempts === 1 && this.retry()) return;
    sendLocalReply(this.res, replyFor(code));
  }

  /** Once, to another target, only when nothing reached the first one (connection refused). */
  retry(): boolean {
    const next = this.targetSet.pick(this.endpoint);
    if (next === undefined || next === this.endpoint) return false;
    this.attempts++;
    this.done = false;
    this.endpoint = next;
    this.abortUpstream = null;
    this.dispatch();
    return true;
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.endpoint.inflight--;
  }
}

function replyFor(code: string | undefined): LocalReply {
  switch (code) {
    case 'ECONNREFUSED':
      return replies.targetRefused;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return replies.targetTimeout;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return replies.connectTimeout;
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
      return replies.targetReset;
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return replies.incompleteBody;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return replies.targetUnreachable;
    default:
      return code !== undefined && code.startsWith('HPE_') ? replies.targetGarbage : replies.targetReset;
  }
}

function onResponseDrain(this: ResponseWithExchange): void {
  this[kExchange]?.resumeUpstream?.();
}

/** The client went away before the exchange finished: stop the upstream side too. */
function onResponseClose(this: ResponseWithExchange): void {
  const ex = this[kExchange];
  if (ex === undefined || ex.done) return;
  ex.abortUpstream?.(new Error('client closed the connection'));
}

/** Forward `req` to a target of `set`. Called by the listener for forward actions. */
export function forward(req: IncomingMessage, res: ServerResponse, listener: ListenerRuntime, set: TargetSet): void {
  const endpoint = set.pick();
  if (endpoint === undefined) {
    sendLocalReply(res, replies.noTargets);
    return;
  }
  const socket = req.socket;
  const clientIp = socket.remoteAddress;
  if (clientIp === undefined) return; // the client is already gone
  const url = req.url!;
  if (url.charCodeAt(0) !== 47 /* / */ && url !== '*') {
    sendLocalReply(res, replies.badRequest);
    return;
  }
  const headers: string[] = [];
  const flags = forwardRequestHeaders(
    req.rawHeaders,
    listener,
    clientIp.startsWith('::ffff:') ? clientIp.slice(7) : clientIp,
    socket.remotePort,
    headers,
  );
  if ((flags & BAD_HOST) !== 0) {
    res.shouldKeepAlive = false;
    sendLocalReply(res, replies.badRequest);
    return;
  }
  const ex = new ProxyExchange(req, res, listener, set, endpoint, headers, (flags & HAS_BODY) !== 0);
  (res as ResponseWithExchange)[kExchange] = ex;
  res.on('close', onResponseClose);
  ex.dispatch();
}
