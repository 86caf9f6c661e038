/**
 * One keep-alive connection to a target, carrying one request at a time. The socket's events
 * and the parser's callbacks are module-level functions that find the connection through a
 * field, and the connection finds its request through `handler`: nothing is allocated per
 * request here beyond what the bytes need.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { HTTPParser, type NativeHttpParser } from './http-parser.ts';
import type { UpstreamHandler, UpstreamPhase } from './upstream-handler.ts';
import type { UpstreamPool } from './upstream-pool.ts';
import type { ReplayBody } from './replay-body.ts';

const kConnection = Symbol('albatross.upstreamConnection');

type TaggedSocket = net.Socket & { [kConnection]: UpstreamConnection };
type TaggedParser = NativeHttpParser & { connection: UpstreamConnection };
type TaggedBody = IncomingMessage & { [kConnection]?: UpstreamConnection };

/** Largest response head accepted from a target (ALB's limit for request heads is 64 KiB too). */
const maxHeaderBytes = 65536;

export class UpstreamConnection {
  readonly pool: UpstreamPool;
  readonly socket: net.Socket;
  readonly parser: NativeHttpParser;
  handler: UpstreamHandler | null = null;
  /** It served a response before this request: the target may have closed it meanwhile. */
  reused = false;
  connected = false;
  closed = false;
  /** A response head arrived for the current request. */
  responding = false;
  keepAlive = false;
  skipBody = false;
  /** The request (head and body) is fully written. */
  requestDone = false;
  /** Skips 1xx responses that precede the real one. */
  informational = false;
  partialHeaders: string[] | null = null;
  /**
   * The latest body chunk of this read, held until the parser says whether the message ends
   * with it (then it goes with the end) or the read is over (then it goes on its own).
   */
  heldChunk: Buffer | null = null;
  /** Reading stopped for the response consumer's backpressure (`pause()`). */
  paused = false;
  body: TaggedBody | null = null;
  /** Where the body's bytes are kept for a retry, when the request may be replayed. */
  replay: ReplayBody | null = null;
  chunked = false;
  /** Epoch ms after which the current step (connect, or waiting on the target) has timed out. */
  deadline = 0;
  /** Idle timeout of the current request, in ms. */
  timeoutMs = 0;
  idleSince = 0;

  constructor(pool: UpstreamPool) {
    this.pool = pool;
    const socket = (pool.tls
      ? tls.connect({ host: pool.host, port: pool.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }).setNoDelay(true)
      : net.connect({ host: pool.host, port: pool.port, noDelay: true })) as TaggedSocket;
    socket[kConnection] = this;
    socket.on(pool.tls ? 'secureConnect' : 'connect', onSocketConnect);
    socket.on('end', onSocketEnd);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    socket.on('drain', onSocketDrain);
    this.socket = socket;
    const parser = new HTTPParser() as TaggedParser;
    parser.initialize(HTTPParser.RESPONSE, {}, maxHeaderBytes, 0);
    parser.connection = this;
    parser[HTTPParser.kOnHeaders] = onParserHeaders;
    parser[HTTPParser.kOnHeadersComplete] = onParserHeadersComplete;
    parser[HTTPParser.kOnBody] = onParserBody;
    parser[HTTPParser.kOnMessageComplete] = onParserMessageComplete;
    parser[HTTPParser.kOnExecute] = onParserExecute;
    this.parser = parser;
  }

  /**
   * Sends one request: `head` is the request line and headers with the final blank line;
   * `body` streams after it (re-chunked when `chunked`), once the connection is up. With
   * `replay`, the body's bytes are kept there as they go; a `replay` that already holds bytes
   * (a retry) is sent first, then whatever of the body is still to come.
   */
  send(handler: UpstreamHandler, head: string, isHead: boolean, body: IncomingMessage | null, chunked: boolean, replay: ReplayBody | null, timeoutMs: number, connectTimeoutMs: number): void {
    this.handler = handler;
    this.responding = false;
    this.keepAlive = false;
    this.informational = false;
    this.skipBody = isHead;
    this.timeoutMs = timeoutMs;
    this.body = body;
    this.replay = replay;
    this.chunked = chunked;
    this.requestDone = body === null;
    this.deadline = Date.now() + (this.connected ? timeoutMs : connectTimeoutMs);
    this.socket.write(head, 'latin1');
    if (body === null) return;
    if (this.connected) startBody(this);
    // The body waits for the connection (on a retry it was flowing to the one that failed).
    else body.pause();
  }

  /** The response consumer can take more: let the target's bytes flow again. */
  resume(): void {
    this.paused = false;
    if (!this.closed) handleOf(this.socket).readStart();
  }

  /** The response consumer is full: stop reading from the target until `resume()`. */
  pause(): void {
    this.paused = true;
    if (!this.closed) handleOf(this.socket).readStop();
  }

  /** Drops the request (the client went away): the connection cannot be reused. */
  abandon(): void {
    this.handler = null;
    stopBody(this);
    this.destroy();
  }

  /** Called by the pool's sweep when `deadline` passed. */
  timeout(): void {
    this.fail(this.connected ? 'ETIMEDOUT' : 'ECONNTIMEOUT');
  }

  fail(code: string): void {
    const h = this.handler;
    this.handler = null;
    this.heldChunk = null;
    stopBody(this);
    const phase: UpstreamPhase = !this.connected ? 'connect' : this.responding ? 'responding' : 'sent';
    this.destroy();
    if (h !== null) h.onUpstreamError(code, phase, this.reused);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.pool.remove(this);
    this.socket.destroy();
  }
}

function startBody(c: UpstreamConnection): void {
  const body = c.body!;
  const replay = c.replay;
  if (replay !== null) {
    // On a retry: what the failed attempt had sent, again, then the rest as it comes.
    const kept = replay.chunks;
    for (let i = 0; i < kept.length; i++) writeBodyChunk(c, kept[i]!);
    if (replay.ended) {
      endBody(c);
      return;
    }
  }
  body[kConnection] = c;
  body.on('data', onBodyData);
  body.on('end', onBodyEnd);
  body.resume();
}

function stopBody(c: UpstreamConnection): void {
  const body = c.body;
  if (body === null) return;
  c.body = null;
  c.replay = null;
  body.removeListener('data', onBodyData);
  body.removeListener('end', onBodyEnd);
  body[kConnection] = undefined;
}

/** Writes one body chunk (framed when chunked); false when the socket's buffer is full. */
function writeBodyChunk(c: UpstreamConnection, chunk: Buffer): boolean {
  const socket = c.socket;
  if (!c.chunked) return socket.write(chunk);
  socket.cork();
  socket.write(chunk.length.toString(16) + '\r\n', 'latin1');
  socket.write(chunk);
  const ok = socket.write('\r\n', 'latin1');
  socket.uncork();
  return ok;
}

function endBody(c: UpstreamConnection): void {
  if (c.chunked) c.socket.write('0\r\n\r\n', 'latin1');
  c.requestDone = true;
  stopBody(c);
}

function onBodyData(this: TaggedBody, chunk: Buffer): void {
  const c = this[kConnection];
  if (c === undefined || c.closed) return;
  c.deadline = Date.now() + c.timeoutMs; // an upload in progress is not idle
  if (c.replay !== null) c.replay.keep(chunk);
  if (!writeBodyChunk(c, chunk)) this.pause();
}

function onBodyEnd(this: TaggedBody): void {
  const c = this[kConnection];
  if (c === undefined || c.closed) return;
  if (c.replay !== null) c.replay.ended = true;
  endBody(c);
}

function onSocketDrain(this: TaggedSocket): void {
  const c = this[kConnection];
  if (c.body !== null) c.body.resume();
}

interface StreamHandle {
  readStart(): number;
  readStop(): number;
}

function handleOf(socket: net.Socket): StreamHandle {
  return (socket as unknown as { _handle: StreamHandle })._handle;
}

function onSocketConnect(this: TaggedSocket): void {
  const c = this[kConnection];
  c.connected = true;
  // The native parser reads the socket itself, as Node's HTTP server does: no 'data' events.
  c.parser.consume(handleOf(this));
  if (c.handler !== null) {
    c.deadline = Date.now() + c.timeoutMs;
    if (c.body !== null) startBody(c);
  }
}

/** After each read the native parser consumed: an Error when the target's bytes are not HTTP. */
function onParserExecute(this: TaggedParser, ret: number | Error): void {
  const c = this.connection;
  if (typeof ret !== 'number') {
    c.heldChunk = null;
    c.fail((ret as NodeJS.ErrnoException).code ?? 'HPE_INVALID');
  } else if (c.heldChunk !== null) {
    releaseHeldChunk(c);
  }
}

/** Hands the held body chunk to the handler: the message goes on past this read. */
function releaseHeldChunk(c: UpstreamConnection): void {
  const chunk = c.heldChunk!;
  c.heldChunk = null;
  const h = c.handler;
  if (h !== null && !h.onUpstreamData(chunk)) c.pause();
}

function onSocketEnd(this: TaggedSocket): void {
  const c = this[kConnection];
  // A response without length ends with the connection; the parser completes it here.
  const r = c.parser.finish();
  if (r !== undefined) c.fail((r as NodeJS.ErrnoException).code ?? 'HPE_INVALID');
  else if (c.handler !== null) c.fail('ECONNRESET');
  else c.destroy();
}

function onSocketError(this: TaggedSocket, err: NodeJS.ErrnoException): void {
  this[kConnection].fail(err.code ?? 'ECONNRESET');
}

function onSocketClose(this: TaggedSocket): void {
  const c = this[kConnection];
  if (c.handler !== null) c.fail('ECONNRESET');
  c.closed = true;
  c.pool.remove(c);
  c.parser.close();
}

function onParserHeaders(this: TaggedParser, headers: string[]): void {
  const c = this.connection;
  c.partialHeaders = c.partialHeaders === null ? headers : c.partialHeaders.concat(headers);
}

function onParserHeadersComplete(
  this: TaggedParser,
  _versionMajor: number,
  _versionMinor: number,
  headers: string[],
  _method: unknown,
  _url: unknown,
  statusCode: number,
  statusMessage: string,
  _upgrade: boolean,
  shouldKeepAlive: boolean,
): number {
  const c = this.connection;
  if (c.partialHeaders !== null) {
    headers = c.partialHeaders.concat(headers);
    c.partialHeaders = null;
  }
  if (statusCode < 200) {
    c.informational = true;
    return 0;
  }
  const h = c.handler;
  if (h === null) return 1;
  c.responding = true;
  c.keepAlive = shouldKeepAlive;
  c.deadline = Date.now() + c.timeoutMs;
  if (!h.onUpstreamHead(statusCode, statusMessage, headers)) {
    c.handler = null;
    c.destroy();
    return 1;
  }
  return c.skipBody ? 1 : 0;
}

function onParserBody(this: TaggedParser, chunk: Buffer): void {
  const c = this.connection;
  if (c.handler === null) return;
  c.deadline = Date.now() + c.timeoutMs;
  if (c.heldChunk !== null) releaseHeldChunk(c);
  c.heldChunk = chunk;
}

function onParserMessageComplete(this: TaggedParser): void {
  const c = this.connection;
  if (c.informational) {
    c.informational = false;
    return;
  }
  const h = c.handler;
  const last = c.heldChunk;
  c.handler = null;
  c.heldChunk = null;
  if (c.keepAlive && c.requestDone && !c.closed) {
    // The response may have ended while its consumer was full: the next request must be read.
    if (c.paused) c.resume();
    c.pool.release(c);
  } else {
    stopBody(c);
    c.destroy();
  }
  if (h !== null) h.onUpstreamEnd(last);
}
