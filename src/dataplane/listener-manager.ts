/**
 * Binds, updates and closes listener sockets to match the snapshot. Each port has one acceptor
 * (a plain TCP server) that owns the listening socket for as long as a listener is on that port,
 * and hands each admitted connection to the port's current protocol server (HTTP, HTTPS, or HTTPS
 * with HTTP/2). A listener that stays gets its new runtime by a reference swap; one that changes
 * protocol gets a new protocol server behind the same socket, so no client is refused while the
 * old server drains; a removed one stops accepting and lets in-flight requests finish (its
 * keep-alive connections close after their current response).
 */
import http from 'node:http';
import http2 from 'node:http2';
import type { Http2Session } from 'node:http2';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { ListenerTls } from '../snapshot/index.ts';
import type { ListenerRuntime } from './listener-runtime.ts';
import { buildTls, contextForName, tlsFingerprint, type TlsSessionKeys, type TlsSetup } from './tls-contexts.ts';
import { cidrContains, parseIp } from './routing/source-ip.ts';
import { runAction } from './actions.ts';
import { onClientError, replies } from './local-reply.ts';
import { localReply } from './exchange.ts';
import type { LoadBalancerStats } from './stats.ts';

export interface ListenerStatus {
  arn: string;
  port: number;
  address: string;
  ok: boolean;
  error?: string;
  /** The error is Node refusing the listener's certificate under its policy, not the bind. */
  tlsRefused?: boolean;
}

/** `http` (HTTP/1.1), `https` (TLS, HTTP/1.1), `h2` (TLS, HTTP/2 and HTTP/1.1 by ALPN). */
type ServerKind = 'http' | 'https' | 'h2';

interface ListenerServer extends http.Server {
  /** Node's http server reads it at a client's FIN (undocumented, stable since Node 0.x). */
  httpAllowHalfOpen: boolean;
  runtime: ListenerRuntime;
  closing: boolean;
  kind: ServerKind;
  /** HTTPS only: the current TLS material, read by the SNI callback at each handshake. */
  tls: TlsHolder | undefined;
  setSecureContext?(options: object): void;
  /** Connections handed to this server by its acceptor and not yet closed. */
  connections: number;
  /** HTTP/2 listeners: open sessions, told to go away when the server drains. */
  sessions: Set<Http2Session>;
}

/**
 * A port's listening socket. It outlives the protocol servers behind it: `replace` hands new
 * connections to another one at once, and `close` (ours, or the cluster's when the supervisor
 * disconnects the worker) stops accepting and drains every one it had.
 */
class Acceptor extends net.Server {
  current: ListenerServer;
  readonly #draining = new Set<Promise<void>>();

  constructor(current: ListenerServer) {
    // The socket options Node's HTTP and HTTPS servers give the connections they accept.
    super({ allowHalfOpen: true, noDelay: true }, onAccept);
    this.current = current;
  }

  replace(next: ListenerServer): void {
    const old = this.current;
    this.current = next;
    this.#retire(old);
  }

  override close(callback?: (err?: Error) => void): this {
    super.close(callback);
    if (!this.current.closing) this.#retire(this.current);
    return this;
  }

  /** Resolves when every protocol server it has let go of has drained. */
  async drained(): Promise<void> {
    await Promise.all(this.#draining);
  }

  #retire(server: ListenerServer): void {
    const done = closeGracefully(server);
    this.#draining.add(done);
    void done.then(() => this.#draining.delete(done));
  }
}

interface TlsHolder {
  setup: TlsSetup;
}

export interface BindRequest {
  bindAddress: string;
  runtime: ListenerRuntime;
  tls: ListenerTls | undefined;
  /** HTTPS: the ticket keys every worker shares for this listener (undefined: Node's own). */
  session: TlsSessionKeys | undefined;
}

function kindOf(b: BindRequest): ServerKind {
  if (b.tls === undefined) return 'http';
  return b.runtime.settings.http2 ? 'h2' : 'https';
}

/** Requests headers must arrive within this, whatever the idle timeout (slowloris). */
const headerReadTimeoutMs = 60_000;

const kSince = Symbol('albatross.connectedAt');
const kStats = Symbol('albatross.loadBalancerStats');
/** Set until the connection's first request: only then does it carry a socket timeout. */
const kAwaitingRequest = Symbol('albatross.awaitingRequest');
const kServer = Symbol('albatross.protocolServer');
type AcceptedSocket = Socket & { [kServer]: ListenerServer };
type ServedSession = Http2Session & { [kServer]: ListenerServer };
type CountedSocket = Socket & { [kSince]: number; [kStats]: LoadBalancerStats; [kAwaitingRequest]?: boolean; alpnProtocol?: string | false };

const sourceWords = new Uint32Array(4);

/**
 * Security groups, at accept (before any TLS or HTTP work): a client no inbound rule allows is
 * disconnected and counted (ALB's RejectedConnectionCount). Then the connection goes to the
 * port's current protocol server, which counts it until it closes.
 */
function onAccept(this: Acceptor, socket: Socket): void {
  const server = this.current;
  const allowed = server.runtime.allowedSources;
  if (allowed !== undefined && !admitted(allowed, socket)) {
    server.runtime.stats.rejectedConnectionCount++;
    socket.destroy();
    return;
  }
  (socket as AcceptedSocket)[kServer] = server;
  server.connections++;
  socket.on('close', onAcceptedClose);
  server.emit('connection', socket);
}

function admitted(allowed: NonNullable<ListenerRuntime['allowedSources']>, socket: Socket): boolean {
  const raw = socket.remoteAddress ?? '';
  const family = parseIp(raw.startsWith('::ffff:') ? raw.slice(7) : raw, sourceWords);
  if (family === 0) return false;
  for (let i = 0; i < allowed.length; i++) if (cidrContains(allowed[i]!, family, sourceWords)) return true;
  return false;
}

function onAcceptedClose(this: AcceptedSocket): void {
  const server = this[kServer];
  if (--server.connections === 0 && server.closing) server.emit('drained');
}

/** A client connection (after its TLS handshake, on HTTPS listeners). */
function onConnection(this: ListenerServer, socket: CountedSocket): void {
  const stats = this.runtime.stats;
  socket[kSince] = Date.now();
  socket[kStats] = stats;
  stats.newConnectionCount++;
  stats.activeConnectionCount++;
  socket.on('close', onConnectionClose);
  // A connection that never sends a request is closed after the idle timeout (Node's checks only
  // see connections whose request has begun). HTTP/2 sessions have their own idle timer.
  if (socket.alpnProtocol !== 'h2') {
    socket[kAwaitingRequest] = true;
    socket.setTimeout(this.runtime.settings.idleTimeoutMs);
  }
}

function onConnectionClose(this: CountedSocket): void {
  const stats = this[kStats];
  stats.activeConnectionCount--;
  stats.processedBytes += this.bytesRead + this.bytesWritten;
}

function onTlsClientError(this: ListenerServer): void {
  this.runtime.stats.clientTlsNegotiationErrors++;
}

function onRequest(this: ListenerServer, req: IncomingMessage, res: ServerResponse): void {
  const runtime = this.runtime;
  runtime.stats.requestCount++;
  const socket = req.socket as CountedSocket;
  if (socket[kAwaitingRequest] === true) {
    socket[kAwaitingRequest] = false;
    socket.setTimeout(0);
  }
  // Keep-alive ends when the listener is going away or the connection outlived client_keep_alive.
  if (this.closing || Date.now() - socket[kSince] > runtime.settings.clientKeepAliveMs) {
    res.shouldKeepAlive = false;
  }
  try {
    runAction(req, res, runtime);
  } catch (err) {
    // A bug must cost one request, never the worker.
    process.emitWarning(`albatross: request failed: ${(err as Error).stack ?? String(err)}`);
    if (!res.headersSent) localReply(runtime, res, replies.internalError);
    else res.destroy();
  }
}

/**
 * The idle timeout without a socket timer for the life of each connection: one until the first
 * request (onConnection), then Node's keep-alive timeout between requests, its periodic check for
 * a request head that stalls, and the upstream side for a request waiting on its target (504). A
 * socket timeout for every connection (`server.timeout`) re-arms its timer on every read and write.
 */
function configure(server: ListenerServer, runtime: ListenerRuntime): void {
  server.runtime = runtime;
  const idle = runtime.settings.idleTimeoutMs;
  server.keepAliveTimeout = idle;
  server.timeout = 0;
  server.headersTimeout = Math.min(idle, headerReadTimeoutMs);
  server.requestTimeout = 0;
}

/** HTTP/2 sessions multiplex requests, so their idle timeout is the session's: no frame for that long. */
function onH2Session(this: ListenerServer, session: Http2Session): void {
  session.setTimeout(this.runtime.settings.idleTimeoutMs, onH2SessionIdle);
  (session as ServedSession)[kServer] = this;
  this.sessions.add(session);
  session.once('close', onH2SessionClose);
}

function onH2SessionClose(this: ServedSession): void {
  this[kServer].sessions.delete(this);
}

function onH2SessionIdle(this: Http2Session): void {
  this.close();
}

export class ListenerManager {
  readonly #acceptors = new Map<string, Acceptor>();
  /** Acceptors of removed listeners whose connections are still finishing. */
  readonly #closing = new Set<Acceptor>();
  readonly #report: (status: ListenerStatus) => void;
  constructor(report: (status: ListenerStatus) => void) {
    this.#report = report;
  }

  apply(wanted: readonly BindRequest[]): void {
    const keep = new Set<string>();
    for (const b of wanted) {
      const key = `${b.bindAddress}|${b.runtime.port}`;
      keep.add(key);
      const acceptor = this.#acceptors.get(key);
      try {
        if (acceptor === undefined) {
          this.#open(key, b);
        } else if (acceptor.current.kind !== kindOf(b)) {
          // HTTP <-> HTTPS, or HTTP/2 turned on or off: new connections go to a new protocol
          // server at once, while the old one drains behind the same listening socket.
          acceptor.replace(protocolServer(b));
        } else {
          configure(acceptor.current, b.runtime);
          if (b.tls !== undefined) rotateTls(acceptor.current, b.tls, b.session);
        }
      } catch (err) {
        // Node refused the TLS material (say, a key too small for the policy): this listener
        // stays as it was, and every other one still changes.
        const error = (err as Error).message;
        this.#report({ arn: b.runtime.arn, port: b.runtime.port, address: b.bindAddress, ok: false, error, tlsRefused: true });
      }
    }
    for (const [key, acceptor] of this.#acceptors) {
      if (!keep.has(key)) {
        this.#acceptors.delete(key);
        this.#retire(acceptor);
      }
    }
  }

  #open(key: string, b: BindRequest): void {
    const { bindAddress: address, runtime } = b;
    const acceptor = new Acceptor(protocolServer(b));
    acceptor.on('error', (err: NodeJS.ErrnoException) => {
      if (acceptor.listening) {
        // An accept that failed (the connection is gone); the listener goes on.
        process.emitWarning(`albatross: listener ${address}:${runtime.port}: ${err.message}`);
        return;
      }
      if (this.#acceptors.get(key) === acceptor) this.#acceptors.delete(key);
      acceptor.close();
      this.#report({ arn: acceptor.current.runtime.arn, port: runtime.port, address, ok: false, error: err.code ?? err.message });
    });
    acceptor.listen({ port: runtime.port, host: address, exclusive: false }, () => {
      this.#report({ arn: acceptor.current.runtime.arn, port: runtime.port, address, ok: true });
    });
    this.#acceptors.set(key, acceptor);
  }

  #retire(acceptor: Acceptor): void {
    acceptor.close();
    this.#closing.add(acceptor);
    void acceptor.drained().then(() => this.#closing.delete(acceptor));
  }

  /** Stops every listener; resolves when in-flight requests have finished. */
  async close(): Promise<void> {
    for (const acceptor of this.#acceptors.values()) this.#retire(acceptor);
    this.#acceptors.clear();
    await Promise.all([...this.#closing].map((a) => a.drained()));
  }
}

/** The HTTP, HTTPS or HTTP/2 server for a listener; it never listens itself (its acceptor does). */
function protocolServer(b: BindRequest): ListenerServer {
  const kind = kindOf(b);
  const holder = b.tls === undefined ? undefined : { setup: buildTls(b.tls, b.session) };
  const server = createServer(kind, holder) as ListenerServer;
  server.closing = false;
  server.connections = 0;
  server.sessions = new Set();
  // A client that half-closes after its request still gets the response (as from nginx or
  // HAProxy); Node's default would end the connection at the client's FIN and drop it.
  server.httpAllowHalfOpen = true;
  server.kind = kind;
  server.tls = holder;
  configure(server, b.runtime);
  if (kind !== 'http') server.on('tlsClientError', onTlsClientError);
  server.on(kind === 'http' ? 'connection' : 'secureConnection', onConnection);
  server.on('request', onRequest);
  server.on('clientError', onClientError);
  if (kind === 'h2') server.on('session', onH2Session);
  // Node starts an HTTP server's connection tracking (headers timeout, idle connections) when
  // it starts listening; this one is fed by its acceptor instead.
  server.emit('listening');
  return server;
}

const http1Options = { maxHeaderSize: 65536, connectionsCheckingInterval: 2000, requireHostHeader: false } as const;

function createServer(kind: ServerKind, holder: TlsHolder | undefined): http.Server {
  if (kind === 'http' || holder === undefined) return http.createServer(http1Options);
  // One closure per listener (not per request): rotation replaces `holder.setup` in place.
  const options = {
    ...http1Options,
    // Without it a TLS socket ends itself at the client's FIN, before the response (see httpAllowHalfOpen).
    allowHalfOpen: true,
    ...holder.setup.defaults,
    SNICallback: (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => {
      cb(null, contextForName(holder.setup, servername));
    },
  };
  if (kind === 'https') return https.createServer(options) as unknown as http.Server;
  // The HTTP/2 server keeps none of the HTTP/1 options for its HTTP/1.1 connections: they are
  // read from the server object, so they go there.
  return Object.assign(http2.createSecureServer({ ...options, allowHTTP1: true }), http1Options) as unknown as http.Server;
}

/** New certificates or policy take effect for new handshakes; open connections are not cut. */
function rotateTls(server: ListenerServer, tls: ListenerTls, session: TlsSessionKeys | undefined): void {
  const holder = server.tls;
  if (holder === undefined || holder.setup.fingerprint === tlsFingerprint(tls, session)) return;
  const setup = buildTls(tls, session);
  holder.setup = setup;
  server.setSecureContext?.(setup.defaults);
}

/** Resolves once every connection the server was handed has closed. */
function closeGracefully(server: ListenerServer): Promise<void> {
  server.closing = true;
  // Not listening, so close() only stops Node's checks and closes idle HTTP/1 connections.
  server.close();
  // HTTP/2: GOAWAY; streams in flight finish, then the session closes.
  for (const session of server.sessions) session.close();
  if (server.connections === 0) return Promise.resolve();
  return new Promise((resolve) => {
    // Connections that were mid-request become idle once answered (keep-alive is off now).
    const sweep = setInterval(() => server.closeIdleConnections(), 500);
    sweep.unref();
    server.once('drained', () => {
      clearInterval(sweep);
      resolve();
    });
  });
}
