/**
 * Turns a finished request into an access-log entry. Only called when the load balancer's access
 * logs are on, so nothing here touches the request path otherwise.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ListenerRuntime } from './listener-runtime.ts';

export interface RequestLogDetails {
  target?: string;
  requestProcessingS?: number;
  targetProcessingS?: number;
  responseProcessingS?: number;
  targetStatus?: string;
  targetGroupArn?: string;
  /** `performance.now()` at arrival; default: now. */
  receivedAt?: number;
  traceId?: string;
  errorReason?: string;
  actionsExecuted?: string;
  redirectUrl?: string;
}

export function logRequest(l: ListenerRuntime, req: IncomingMessage, res: ServerResponse, d: RequestLogDetails): void {
  const log = l.accessLog;
  if (log === undefined) return;
  const socket = req.socket as TLSSocket;
  const https = l.proto === 'https';
  const cipher = https ? socket.getCipher?.() : undefined;
  const ip = socket.remoteAddress ?? '-';
  const now = Date.now();
  const receivedAt = d.receivedAt ?? performance.now();
  const host = req.headers.host ?? req.headers[':authority'] ?? '';
  log.record(l.loadBalancerName, {
    type: req.httpVersionMajor === 2 ? 'h2' : https ? 'https' : 'http',
    loadBalancer: l.loadBalancerDimension,
    client: `${ip.startsWith('::ffff:') ? ip.slice(7) : ip}:${socket.remotePort ?? 0}`,
    target: d.target ?? '',
    requestProcessingS: d.requestProcessingS ?? 0,
    targetProcessingS: d.targetProcessingS ?? -1,
    responseProcessingS: d.responseProcessingS ?? -1,
    elbStatus: res.statusCode,
    targetStatus: d.targetStatus ?? '',
    receivedBytes: Number(req.headers['content-length'] ?? 0),
    sentBytes: Number(res.getHeader('content-length') ?? 0),
    request: `${req.method} ${l.proto}://${host}${req.url} HTTP/${req.httpVersion}`,
    userAgent: req.headers['user-agent'] ?? '',
    sslCipher: cipher?.name ?? '',
    sslProtocol: https ? (socket.getProtocol?.() ?? '') : '',
    targetGroupArn: d.targetGroupArn ?? '',
    traceId: d.traceId ?? String(req.headers['x-amzn-trace-id'] ?? ''),
    domain: String(host).replace(/:\d+$/, ''),
    chosenCertArn: '',
    matchedRulePriority: '0',
    requestCreatedAt: now - Math.max(0, performance.now() - receivedAt),
    actionsExecuted: d.actionsExecuted ?? (d.targetGroupArn ? 'forward' : 'fixed-response'),
    redirectUrl: d.redirectUrl ?? '',
    errorReason: d.errorReason ?? '',
  }, now);
}
