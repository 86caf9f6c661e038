/**
 * Keep-alive connections to one target (`host:port`), shared by every request of the worker to
 * it. Idle connections are reused newest first, so a few stay hot and the rest age out. One
 * coarse sweep for all pools enforces connect, response and idle timeouts: no timer per request.
 */
import { UpstreamConnection } from './upstream-connection.ts';

/** Idle keep-alive connections are closed after this (below Node's and most servers' 5 s). */
const idleTimeoutMs = 4000;
const sweepIntervalMs = 250;
/** ALB's connection timeout to targets. */
export const connectTimeoutMs = 10_000;

const pools = new Set<UpstreamPool>();
let sweeper: NodeJS.Timeout | undefined;

export class UpstreamPool {
  readonly host: string;
  readonly port: number;
  /** Connections are TLS (an HTTPS target group); target certificates are not verified, as ALB. */
  readonly tls: boolean;
  readonly idle: UpstreamConnection[] = [];
  readonly all = new Set<UpstreamConnection>();
  closed = false;

  constructor(host: string, port: number, tls = false) {
    this.host = host;
    this.port = port;
    this.tls = tls;
    pools.add(this);
    if (sweeper === undefined) {
      sweeper = setInterval(sweep, sweepIntervalMs);
      sweeper.unref();
    }
  }

  acquire(): UpstreamConnection {
    const idle = this.idle;
    while (idle.length > 0) {
      const c = idle.pop()!;
      if (!c.closed) {
        c.reused = true;
        return c;
      }
    }
    const c = new UpstreamConnection(this);
    this.all.add(c);
    return c;
  }

  release(c: UpstreamConnection): void {
    if (this.closed) {
      c.destroy();
      return;
    }
    c.idleSince = Date.now();
    this.idle.push(c);
  }

  remove(c: UpstreamConnection): void {
    this.all.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.closed && this.all.size === 0) pools.delete(this);
  }

  /** Closes idle connections now and busy ones when their request ends. */
  close(): void {
    this.closed = true;
    for (const c of [...this.idle]) c.destroy();
    if (this.all.size === 0) pools.delete(this);
  }

  /** Number of connections open to the target (busy and idle). */
  get size(): number {
    return this.all.size;
  }
}

function sweep(): void {
  const now = Date.now();
  for (const pool of pools) {
    for (const c of pool.all) {
      if (c.handler !== null) {
        if (now > c.deadline) c.timeout();
      } else if (!pool.closed && now - c.idleSince > idleTimeoutMs && pool.idle.includes(c)) {
        c.destroy();
      }
    }
  }
}
