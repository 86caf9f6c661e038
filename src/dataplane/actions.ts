/**
 * Running a listener's action for one request: forward (to one target group or weighted across
 * several), fixed-response, or redirect with ALB's `#{…}` placeholders.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Action } from '../model/index.ts';
import type { CompiledAction, ListenerRuntime } from './listener-runtime.ts';
import type { TargetSet } from './target-set.ts';
import { forward, localReply, stickyCookies } from './exchange.ts';
import { GroupStickiness } from './stickiness/group-stickiness.ts';
import { replies } from './local-reply.ts';
import { logRequest } from './request-log.ts';
import { routingHost } from './routing/route-table.ts';

/** Compiles a listener's actions once per snapshot; the terminal action is the one that runs. */
export function compileAction(actions: readonly Action[], sets: ReadonlyMap<string, TargetSet>): CompiledAction {
  const a = actions[actions.length - 1]!;
  switch (a.type) {
    case 'forward': {
      const groups = a.forwardConfig.targetGroups.filter((g) => sets.has(g.targetGroupArn));
      if (groups.length === 1) return { kind: 'forward', targetSet: sets.get(groups[0]!.targetGroupArn)! };
      const cumulative: number[] = [];
      let total = 0;
      for (const g of groups) {
        total += g.weight;
        cumulative.push(total);
      }
      const targetSets = groups.map((g) => sets.get(g.targetGroupArn)!);
      const stick = a.forwardConfig.targetGroupStickinessConfig;
      const decoder = stickyCookies.decoder;
      const stickiness = stick.enabled && stick.durationSeconds !== undefined && decoder !== undefined
        ? new GroupStickiness(decoder, targetSets, groups.map((g) => g.weight), stick.durationSeconds)
        : undefined;
      return { kind: 'forward-weighted', targetSets, cumulative, total, stickiness };
    }
    case 'fixed-response': {
      const f = a.fixedResponseConfig;
      return {
        kind: 'fixed-response',
        status: Number(f.statusCode),
        contentType: f.contentType ?? 'text/plain',
        body: Buffer.from(f.messageBody ?? ''),
      };
    }
    case 'redirect': {
      const r = a.redirectConfig;
      return {
        kind: 'redirect',
        status: r.statusCode === 'HTTP_301' ? 301 : 302,
        protocol: r.protocol,
        host: r.host,
        port: r.port,
        path: r.path,
        query: r.query,
      };
    }
  }
}

/** What rule matching reads of the request in hand: one object, refilled for each request. */
const routeRequest = { host: '', path: '', query: '', method: '', rawHeaders: [] as readonly string[], clientIp: '' };

function routeFor(req: IncomingMessage, l: ListenerRuntime): CompiledAction {
  if (l.routes.ruleCount === 0) return l.action;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const raw = req.rawHeaders;
  let host = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if ((name.length === 4 && name.toLowerCase() === 'host') || name === ':authority') {
      host = raw[i + 1]!;
      break;
    }
  }
  const ip = req.socket.remoteAddress ?? '';
  routeRequest.host = routingHost(host);
  routeRequest.path = q < 0 ? url : url.slice(0, q);
  routeRequest.query = q < 0 ? '' : url.slice(q + 1);
  routeRequest.method = req.method ?? 'GET';
  routeRequest.rawHeaders = raw;
  routeRequest.clientIp = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return l.routes.match(routeRequest);
}

export function runAction(req: IncomingMessage, res: ServerResponse, l: ListenerRuntime): void {
  const a = routeFor(req, l);
  switch (a.kind) {
    case 'forward':
      forward(req, res, l, a.targetSet);
      return;
    case 'forward-weighted': {
      const g = a.stickiness;
      const set = (g !== undefined ? g.stuckGroup(req.rawHeaders) : undefined) ?? pickWeighted(a.targetSets, a.cumulative, a.total);
      if (set === undefined) {
        localReply(l, res, replies.noTargets);
        return;
      }
      forward(req, res, l, set, g);
      return;
    }
    case 'fixed-response':
      res.writeHead(a.status, ['content-type', a.contentType, 'content-length', String(a.body.length)]);
      res.end(a.body);
      if (l.accessLog !== undefined) logRequest(l, req, res, { actionsExecuted: 'fixed-response' });
      return;
    case 'redirect':
      redirect(req, res, l, a);
  }
}

function pickWeighted(sets: TargetSet[], cumulative: number[], total: number): TargetSet | undefined {
  if (total === 0) return undefined;
  const r = Math.random() * total;
  for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return sets[i];
  return sets[sets.length - 1];
}

function redirect(req: IncomingMessage, res: ServerResponse, l: ListenerRuntime, a: Extract<CompiledAction, { kind: 'redirect' }>): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(/^\//, '');
  const query = q < 0 ? '' : url.slice(q + 1);
  const hostHeader = req.headers.host ?? (req.headers[':authority'] as string | undefined) ?? '';
  const host = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!;
  const fill = (s: string): string =>
    s
      .replaceAll('#{protocol}', l.proto)
      .replaceAll('#{host}', host)
      .replaceAll('#{port}', l.portString)
      .replaceAll('#{path}', path)
      .replaceAll('#{query}', query);
  const protocol = fill(a.protocol).toLowerCase();
  const port = fill(a.port);
  const defaultPort = protocol === 'https' ? '443' : '80';
  const queryOut = fill(a.query);
  const location = `${protocol}://${fill(a.host)}${port === defaultPort ? '' : ':' + port}${fill(a.path)}${queryOut ? '?' + queryOut : ''}`;
  res.writeHead(a.status, ['location', location, 'content-length', '0']);
  res.end();
  if (l.accessLog !== undefined) logRequest(l, req, res, { actionsExecuted: 'redirect', redirectUrl: location });
}
