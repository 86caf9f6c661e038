/**
 * Header handling on the request path: hop-by-hop headers are dropped in both directions
 * (RFC 9110 §7.6.1), X-Forwarded-* are set per the xff mode, a trace id is added. Index loops and
 * length checks first, so most headers cost one comparison; the request head is built as one
 * string, ready for one socket write.
 */
import type { ListenerRuntime } from './listener-runtime.ts';
import { nextTraceId } from './trace-id.ts';

/** Flags of the last `forwardRequestHeaders` call (module state: no object per request). */
export const requestFlags = { hasBody: false, chunked: false, badHost: false, noHost: false, traceId: '', contentLength: '' };

/**
 * The header lines (each ending in CRLF, without the request line or the final blank line) to
 * send to the target. Sets `requestFlags`. `drop` names headers the client's Connection header
 * listed; it is found on a first pass and applied on a second, which only such requests pay.
 */
export function forwardRequestHeaders(
  raw: string[],
  l: ListenerRuntime,
  clientIp: string,
  clientPort: number | undefined,
  drop?: ReadonlySet<string>,
): string {
  let hasBody = false;
  let chunked = false;
  let contentLength = '';
  let badHost = false;
  let xff: string | undefined;
  let traceId: string | undefined;
  let host: string | undefined;
  let sawHost = false;
  let connectionTokens: string | undefined;
  let out = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (name.charCodeAt(0) === 58 /* : */) {
      // HTTP/2 pseudo-headers: only :authority carries something HTTP/1.1 has (the Host).
      if (name === ':authority' && host === undefined) host = value;
      continue;
    }
    switch (name.length) {
      case 2: // te
        if (name.toLowerCase() === 'te') continue;
        break;
      case 4: // host
        if (name.toLowerCase() === 'host') {
          if (host !== undefined && !sawHost) host = value; // HTTP/2: Host wins over :authority
          else if (host !== undefined) badHost = true;
          else host = value;
          sawHost = true;
          continue;
        }
        break;
      case 6: // expect (Node answers 100-continue itself)
        if (name.toLowerCase() === 'expect') continue;
        break;
      case 7: {
        const lower = name.toLowerCase();
        if (lower === 'trailer' || lower === 'upgrade') continue;
        break;
      }
      case 10: {
        const lower = name.toLowerCase();
        if (lower === 'connection') {
          connectionTokens = connectionTokens === undefined ? value : connectionTokens + ',' + value;
          continue;
        }
        if (lower === 'keep-alive') continue;
        break;
      }
      case 14:
        if (value !== '0' && name.toLowerCase() === 'content-length') {
          hasBody = true;
          contentLength = value;
        }
        break;
      case 15: {
        const lower = name.toLowerCase();
        if (lower === 'x-forwarded-for') {
          xff = xff === undefined ? value : xff + ', ' + value;
          continue;
        }
        if (lower === 'x-amzn-trace-id') traceId = value;
        break;
      }
      case 16: {
        const lower = name.toLowerCase();
        if (lower === 'x-forwarded-port' || lower === 'proxy-connection') continue;
        break;
      }
      case 17: {
        const lower = name.toLowerCase();
        if (lower === 'x-forwarded-proto') continue;
        if (lower === 'transfer-encoding') {
          hasBody = true;
          chunked = true;
          continue;
        }
        break;
      }
    }
    if (drop !== undefined && drop.has(name.toLowerCase())) continue;
    out += name + ': ' + value + '\r\n';
  }
  if (connectionTokens !== undefined && drop === undefined) {
    const named = connectionHeaderNames(connectionTokens);
    if (named.size > 0) return forwardRequestHeaders(raw, l, clientIp, clientPort, named);
  }
  out += 'host: ' + l.targetHost(host ?? l.dnsName) + '\r\n';
  const mode = l.settings.xffMode;
  if (mode === 'append') {
    const client = l.settings.xffClientPort && clientPort !== undefined
      ? (clientIp.includes(':') ? '[' + clientIp + ']:' : clientIp + ':') + clientPort
      : clientIp;
    out += 'x-forwarded-for: ' + (xff === undefined ? client : xff + ', ' + client) + '\r\n';
  } else if (mode === 'preserve' && xff !== undefined) {
    out += 'x-forwarded-for: ' + xff + '\r\n';
  }
  out += l.forwardedProtoPortLines;
  if (traceId === undefined) {
    traceId = nextTraceId(Date.now());
    out += 'x-amzn-trace-id: ' + traceId + '\r\n';
  }
  requestFlags.traceId = traceId;
  if (chunked) out += 'transfer-encoding: chunked\r\n';
  requestFlags.hasBody = hasBody;
  requestFlags.chunked = chunked;
  requestFlags.contentLength = contentLength;
  requestFlags.badHost = badHost;
  requestFlags.noHost = host === undefined;
  return out;
}

/** Header names a Connection header lists, other than keep-alive/close. */
function connectionHeaderNames(tokens: string): Set<string> {
  const names = new Set<string>();
  for (const token of tokens.split(',')) {
    const t = token.trim().toLowerCase();
    if (t !== '' && t !== 'keep-alive' && t !== 'close') names.add(t);
  }
  return names;
}

/** The target's response headers, as `writeHead` takes them, without hop-by-hop headers. */
export function forwardResponseHeaders(raw: string[]): string[] {
  // Most responses have no hop-by-hop header at all: then the parser's array is used as it is.
  let i = 0;
  for (; i < raw.length; i += 2) if (isHopByHop(raw[i]!)) break;
  if (i >= raw.length) return raw;
  const out = raw.slice(0, i);
  for (; i < raw.length; i += 2) {
    if (!isHopByHop(raw[i]!)) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

function isHopByHop(name: string): boolean {
  const len = name.length;
  if (len !== 10 && len !== 17 && len !== 16 && len !== 7) return false;
  const lower = name.toLowerCase();
  return (
    lower === 'connection' ||
    lower === 'keep-alive' ||
    lower === 'transfer-encoding' ||
    lower === 'proxy-connection' ||
    lower === 'upgrade' ||
    lower === 'trailer'
  );
}
