/**
 * One health-check request to one target, as ALB sends it: a fresh connection, `GET <path>`,
 * `User-Agent: ELB-HealthChecker/2.0`, a deadline for the whole exchange. It only reports what
 * happened; judging the answer (matcher, thresholds) is the health checker's job.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { TargetGroupProtocol } from '../model/index.ts';

/** The body is read only to let the target finish its answer; past this many bytes we stop listening. */
export const maxProbeBodyBytes = 64 * 1024;

export interface ProbeRequest {
  protocol: TargetGroupProtocol;
  /** The target's resolved IP address. */
  address: string;
  port: number;
  path: string;
  /** The target's id (host name or IP) as registered, for the `Host` header. */
  hostId: string;
  /** Deadline for connect, request, status line, headers and body together. */
  timeoutMs: number;
  /** Aborting resolves the probe with `aborted` and closes its connection. */
  signal?: AbortSignal;
}

export type ProbeResult =
  /** A complete response (or one whose body passed {@link maxProbeBodyBytes}). */
  | { kind: 'response'; statusCode: number }
  | { kind: 'timeout' }
  /** Connection refused or reset, TLS failure, bad HTTP...: `code` like `ECONNREFUSED`. */
  | { kind: 'error'; code: string; message: string }
  | { kind: 'aborted' };

/** Sends one health-check request. Never rejects and never throws: every outcome is a result. */
export function probe(req: ProbeRequest): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let request: http.ClientRequest | undefined;

    const settle = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      // Always a fresh connection (ALB's behaviour), so whatever the outcome it can go.
      request?.destroy();
      resolve(result);
    };
    const onAbort = (): void => settle({ kind: 'aborted' });

    if (req.signal?.aborted) return settle({ kind: 'aborted' });
    req.signal?.addEventListener('abort', onAbort, { once: true });

    timer = setTimeout(() => settle({ kind: 'timeout' }), req.timeoutMs);
    timer.unref();

    try {
      const options: https.RequestOptions = {
        host: req.address,
        port: req.port,
        method: 'GET',
        path: req.path,
        agent: false,
        headers: {
          Host: hostHeader(req.hostId, req.port),
          'User-Agent': 'ELB-HealthChecker/2.0',
          Connection: 'close',
        },
      };
      request =
        req.protocol === 'HTTPS'
          ? // Targets commonly use self-signed certificates; ALB does not verify them either.
            https.request({ ...options, rejectUnauthorized: false })
          : http.request(options);
    } catch (err) {
      // e.g. a path Node refuses (ERR_UNESCAPED_CHARACTERS); validation should prevent it.
      return settle(errorResult(err));
    }

    // The listener stays for the request's lifetime: a late 'error' after settle must not be unhandled.
    request.on('error', (err) => settle(errorResult(err)));
    request.on('response', (res) => {
      res.on('error', (err) => settle(errorResult(err)));
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxProbeBodyBytes) settle({ kind: 'response', statusCode: res.statusCode ?? 0 });
      });
      res.on('end', () => settle({ kind: 'response', statusCode: res.statusCode ?? 0 }));
      // A connection that closes before the body ends is a failed exchange, not an answer.
      res.on('close', () => {
        if (!res.complete) settle({ kind: 'error', code: 'ECONNRESET', message: 'connection closed before the response ended' });
      });
    });
    request.end();
  });
}

/** `Host: <id>:<port>`, with brackets around an IPv6 literal. */
function hostHeader(id: string, port: number): string {
  return isIP(id) === 6 ? `[${id}]:${port}` : `${id}:${port}`;
}

function errorResult(err: unknown): ProbeResult {
  const e = err as NodeJS.ErrnoException;
  const message = e instanceof Error ? e.message : String(err);
  return { kind: 'error', code: typeof e?.code === 'string' ? e.code : 'ERROR', message };
}
