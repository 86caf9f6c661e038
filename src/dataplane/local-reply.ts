/**
 * Responses the load balancer makes itself (spec §6): 400 malformed request, 502 bad target
 * response, 503 no registered target, 504 target timeout. Bodies are short and say which.
 * Prebuilt per reason, so an error costs no string building.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface LocalReply {
  status: number;
  headers: string[];
  body: Buffer;
}

function reply(status: number, title: string, reason: string): LocalReply {
  const body = Buffer.from(`${status} ${title}: ${reason}\n`);
  return {
    status,
    headers: ['content-type', 'text/plain; charset=utf-8', 'content-length', String(body.length), 'server', 'albatross'],
    body,
  };
}

export const replies = {
  noTargets: reply(503, 'Service Temporarily Unavailable', 'the target group has no registered targets'),
  targetRefused: reply(502, 'Bad Gateway', 'the target refused the connection'),
  targetReset: reply(502, 'Bad Gateway', 'the target closed the connection without a complete response'),
  targetGarbage: reply(502, 'Bad Gateway', 'the target sent a response that is not valid HTTP'),
  targetUnreachable: reply(502, 'Bad Gateway', 'the target could not be reached'),
  targetTimeout: reply(504, 'Gateway Timeout', 'the target did not respond within the idle timeout'),
  connectTimeout: reply(504, 'Gateway Timeout', 'the connection to the target timed out'),
  badRequest: reply(400, 'Bad Request', 'the request is malformed'),
  noHost: reply(400, 'Bad Request', 'an HTTP/1.1 request must have one Host header'),
  incompleteBody: reply(400, 'Bad Request', 'the request body ended before its declared length'),
  internalError: reply(500, 'Internal Server Error', 'the load balancer failed to handle the request'),
} as const;

export function sendLocalReply(res: ServerResponse, r: LocalReply): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}

function rawReply(status: number, title: string, reason: string): Buffer {
  const body = `${status} ${title}: ${reason}\n`;
  return Buffer.from(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\nserver: albatross\r\n\r\n${body}`,
  );
}

const malformed = rawReply(400, 'Bad Request', 'the request is malformed');
const headersTooLarge = rawReply(431, 'Request Header Fields Too Large', 'the request headers are too large');
const requestTimeout = rawReply(408, 'Request Timeout', 'the request was not received in time');

/**
 * Node's `clientError`: the parser rejected the request (or it timed out). Answer once, then
 * close, so nothing after the bad bytes is ever parsed as another request (no desync).
 */
export function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const raw =
    err.code === 'HPE_HEADER_OVERFLOW' ? headersTooLarge
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT' ? requestTimeout
    : malformed;
  socket.end(raw);
  socket.destroySoon();
}
