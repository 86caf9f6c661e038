/**
 * Binds, updates and closes listener sockets to match the snapshot. A listener that stays gets
 * its new runtime by a reference swap; a removed one stops accepting and lets in-flight requests
 * finish (its keep-alive connections close after their current response).
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ListenerRuntime } from './listener-runtime.ts';
import { runAction } from './actions.ts';
import { onClientError } from './local-reply.ts';

export interface ListenerStatus {
  arn: string;
  port: number;
  address: string;
  ok: boolean;
  error?: string;
}

interface ListenerServer extends http.Server {
  runtime: ListenerRuntime;
  closing: boolean;
}

export interface BindRequest {
  bindAddress: string;
  runtime: ListenerRuntime;
}

/** Requests headers must arrive within this, whatever the idle timeout (slowloris). */
const headerReadTimeoutMs = 60_000;

const kSince = Symbol('albatross.connectedAt');
type TimedSocket = Socket & { [kSince]: number };

function onConnection(socket: TimedSocket): void {
  socket[kSince] = Date.now();
}

function onRequest(this: ListenerServer, req: IncomingMessage, res: ServerResponse): void {
  // Keep-alive ends when the listener is going away or the connection outlived client_keep_alive.
  if (this.closing || Date.now() - (req.socket as TimedSocket)[kSince] > this.runtime.settings.clientKeepAliveMs) {
    res.shouldKeepAlive = false;
  }
  try {
    runAction(req, res, this.runtime);
  } catch (err) {
    // A bug must cost one request, never the worker.
    process.emitWarning(`albatross: request failed: ${(err as Error).stack ?? String(err)}`);
    if (!res.headersSent) {
      res.writeHead(500, ['content-type', 'text/plain', 'content-length', '34']);
      res.end('500 Internal Server Error: albatross\n'.slice(0, 34));
    } else {
      res.destroy();
    }
  }
}

/**
 * A client connection idle for the idle timeout: closed, unless a request on it is waiting on
 * its target (the upstream side times that out and answers 504).
 */
function onSocketTimeout(socket: Socket & { _httpMessage?: unknown }): void {
  if (socket._httpMessage == null) socket.destroy();
}

function configure(server: ListenerServer, runtime: ListenerRuntime): void {
  server.runtime = runtime;
  const idle = runtime.settings.idleTimeoutMs;
  server.keepAliveTimeout = idle;
  server.timeout = idle;
  server.headersTimeout = Math.min(idle, headerReadTimeoutMs);
  server.requestTimeout = 0;
}

export class ListenerManager {
  readonly #servers = new Map<string, ListenerServer>();
  readonly #report: (status: ListenerStatus) => void;

  constructor(report: (status: ListenerStatus) => void) {
    this.#report = report;
  }

  apply(wanted: readonly BindRequest[]): void {
    const keep = new Set<string>();
    for (const { bindAddress, runtime } of wanted) {
      const key = `${bindAddress}|${runtime.port}`;
      keep.add(key);
      const existing = this.#servers.get(key);
      if (existing) {
        configure(existing, runtime);
        continue;
      }
      this.#open(key, bindAddress, runtime);
    }
    for (const [key, server] of this.#servers) {
      if (!keep.has(key)) {
        this.#servers.delete(key);
        closeGracefully(server);
      }
    }
  }

  #open(key: string, address: string, runtime: ListenerRuntime): void {
    const server = http.createServer({ maxHeaderSize: 65536, connectionsCheckingInterval: 2000, requireHostHeader: false }) as ListenerServer;
    server.closing = false;
    configure(server, runtime);
    server.on('connection', onConnection);
    server.on('request', onRequest);
    server.on('clientError', onClientError);
    server.on('timeout', onSocketTimeout);
    server.once('error', (err: NodeJS.ErrnoException) => {
      this.#servers.delete(key);
      this.#report({ arn: server.runtime.arn, port: runtime.port, address, ok: false, error: err.code ?? err.message });
    });
    server.listen({ port: runtime.port, host: address, exclusive: false }, () => {
      this.#report({ arn: server.runtime.arn, port: runtime.port, address, ok: true });
    });
    this.#servers.set(key, server);
  }

  /** Stops every listener; resolves when in-flight requests have finished. */
  async close(): Promise<void> {
    const all = [...this.#servers.values()];
    this.#servers.clear();
    await Promise.all(all.map((s) => closeGracefully(s)));
  }
}

function closeGracefully(server: ListenerServer): Promise<void> {
  server.closing = true;
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Connections that were mid-request become idle once answered (keep-alive is off now).
    const sweep = setInterval(() => server.closeIdleConnections(), 500);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
  });
}
