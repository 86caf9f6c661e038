/**
 * Header handling on the request path: hop-by-hop headers are dropped in both directions
 * (RFC 9110 §7.6.1), X-Forwarded-* are set per the xff mode, a trace id is added. Index loops and
 * length checks first, so most headers cost one comparison.
 */
import type { ListenerRuntime } from './listener-runtime.ts';
import { nextTraceId } from './trace-id.ts';

/** Result flags of `forwardRequestHeaders`, kept as bits to avoid an object per request. */
export const HAS_BODY = 1;
export const BAD_HOST = 2;

/**
 * Fills `out` with the headers to send to the target and returns HAS_BODY when the request
 * carries a body (Content-Length > 0 or Transfer-Encoding).
 */
export function forwardRequestHeaders(
  raw: string[],
  l: ListenerRuntime,
  clientIp: string,
  clientPort: number | undefined,
  out: string[],
): number {
  let flags = 0;
  let xff: string | undefined;
  let traceId: string | undefined;
  let host: string | undefined;
  let connectionTokens: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    switch (name.length) {
      case 2: // te
        if (name.toLowerCase() === 'te') continue;
        break;
      case 4: // host
        if (name.toLowerCase() === 'host') {
          if (host !== undefined) flags |= BAD_HOST;
          host = value;
          continue;
        }
        break;
      case 6: // expect (Node answers 100-continue itself)
        if (name.toLowerCase() === 'expect') continue;
        break;
      case 7: // trailer, upgrade
        {
          const lower = name.toLowerCase();
          if (lower === 'trailer' || lower === 'upgrade') continue;
        }
        break;
      case 10: // connection, keep-alive
        {
          const lower = name.toLowerCase();
          if (lower === 'connection') {
            connectionTokens = connectionTokens === undefined ? value : connectionTokens + ',' + value;
            continue;
          }
          if (lower === 'keep-alive') continue;
        }
        break;
      case 14: // content-length
        if (name.toLowerCase() === 'content-length') {
          if (value !== '0') flags |= HAS_BODY;
        }
        break;
      case 15: // x-forwarded-for, x-amzn-trace-id
        {
          const lower = name.toLowerCase();
          if (lower === 'x-forwarded-for') {
            xff = xff === undefined ? value : xff + ', ' + value;
            continue;
          }
          if (lower === 'x-amzn-trace-id') traceId = value;
        }
        break;
      case 16: // x-forwarded-port, proxy-connection
        {
          const lower = name.toLowerCase();
          if (lower === 'x-forwarded-port' || lower === 'proxy-connection') continue;
        }
        break;
      case 17: // x-forwarded-proto, transfer-encoding
        {
          const lower = name.toLowerCase();
          if (lower === 'x-forwarded-proto') continue;
          if (lower === 'transfer-encoding') {
            flags |= HAS_BODY;
            continue;
          }
        }
        break;
    }
    out.push(name, value);
  }
  if (connectionTokens !== undefined) dropConnectionTokens(out, connectionTokens);
  if (host !== undefined) out.push('host', l.targetHost(host));
  const mode = l.settings.xffMode;
  if (mode !== 'remove') {
    if (mode === 'append') {
      const client = l.settings.xffClientPort && clientPort !== undefined
        ? (clientIp.includes(':') ? '[' + clientIp + ']:' : clientIp + ':') + clientPort
        : clientIp;
      out.push('x-forwarded-for', xff === undefined ? client : xff + ', ' + client);
    } else if (xff !== undefined) {
      out.push('x-forwarded-for', xff);
    }
  }
  out.push('x-forwarded-proto', l.proto, 'x-forwarded-port', l.portString);
  if (traceId === undefined) out.push('x-amzn-trace-id', nextTraceId(Date.now()));
  return flags;
}

/** Removes headers that the client's Connection header names (other than keep-alive/close). */
function dropConnectionTokens(out: string[], tokens: string): void {
  for (const token of tokens.split(',')) {
    const t = token.trim().toLowerCase();
    if (t === '' || t === 'keep-alive' || t === 'close') continue;
    for (let i = out.length - 2; i >= 0; i -= 2) {
      if (out[i]!.toLowerCase() === t) out.splice(i, 2);
    }
  }
}

/**
 * Converts the target's raw response headers (Buffers from undici) to the flat string list
 * `writeHead` takes, without hop-by-hop headers.
 */
export function forwardResponseHeaders(raw: Buffer[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const len = name.length;
    if (len === 10 || len === 17 || len === 16 || len === 7) {
      const lower = name.toLowerCase();
      if (
        lower === 'connection' ||
        lower === 'keep-alive' ||
        lower === 'transfer-encoding' ||
        lower === 'proxy-connection' ||
        lower === 'upgrade' ||
        lower === 'trailer'
      ) {
        continue;
      }
    }
    out.push(name, raw[i + 1]!.toString('latin1'));
  }
  return out;
}
