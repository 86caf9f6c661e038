/** Ports and small HTTP clients for the end-to-end tests; all traffic stays on 127.0.0.1. */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export const host = '127.0.0.1';

/**
 * A port that was free a moment ago, for configurations that must name their port before the
 * server binds it. It is drawn below the kernel's ephemeral range (32768–60999 by default), so
 * the many outgoing connections of parallel tests cannot take it between now and the bind, and
 * checked by binding it; port 0 (read back) is the fallback.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate = belowEphemeral.low + Math.floor(Math.random() * (belowEphemeral.high - belowEphemeral.low));
    const port = await tryBind(candidate);
    if (port !== undefined) return port;
  }
  const port = await tryBind(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return port;
}

const belowEphemeral = { low: 20_000, high: 32_000 };

function tryBind(port: number): Promise<number | undefined> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const bound = (server.address() as AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

/** `n` distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpOptions {
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Default: a fresh connection per request (`agent: false`). Pass a keep-alive agent to reuse one. */
  agent?: http.Agent | false;
  /** Abort with an error after this long (ms); default 30 s. */
  timeoutMs?: number;
}

/** One HTTP/1.1 request to 127.0.0.1:`port`; resolves with status, headers and the whole body as text. */
export function request(port: number, opts: HttpOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host,
        port,
        method: opts.method ?? 'GET',
        path: opts.path ?? '/',
        headers: opts.headers,
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`no response from 127.0.0.1:${port}${opts.path ?? '/'} within ${opts.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** GET `path` and return the body, failing unless the status is 200. */
export async function getText(port: number, path = '/', opts: HttpOptions = {}): Promise<string> {
  const res = await request(port, { ...opts, path });
  if (res.status !== 200) throw new Error(`GET ${path} on port ${port}: ${res.status} ${res.body.trim()}`);
  return res.body;
}

export interface RawExchange {
  /** Everything the server sent until it closed the connection (or until the timeout). */
  text: string;
  /** True when the server closed the connection (FIN or reset) before the timeout. */
  closedByServer: boolean;
}

/**
 * Writes `bytes` on a new TCP connection and reads until the server closes it or `timeoutMs`
 * passes (then the client closes and `closedByServer` is false). For requests no HTTP client
 * library would send.
 */
export function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 5000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (closedByServer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closedByServer });
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => done(true));
    socket.on('close', () => done(true));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (chunks.length > 0 || err.code === 'ECONNRESET' || err.code === 'EPIPE') return done(true);
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(err);
      }
    });
  });
}

/** Parses the status code and body out of a raw HTTP/1.1 response text. */
export function parseRawResponse(text: string): { status: number; headers: string; body: string } {
  const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(text);
  if (!m) throw new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const end = text.indexOf('\r\n\r\n');
  return { status: Number(m[1]), headers: end < 0 ? text : text.slice(0, end), body: end < 0 ? '' : text.slice(end + 4) };
}

/** Resolves true when a TCP connection to 127.0.0.1:`port` is accepted, false when refused. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
