/**
 * How a person sees an API result: tables for describe/list actions, one line for a change.
 * Helpers shared by the command table's renderers (commands.ts).
 */
import Table from 'cli-table3';
import type { JsonObject, JsonValue } from './shorthand.ts';

/** Box characters without a rule between rows: a list reads as a list. */
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** A table without colours (plain text: it reads the same in a terminal, a file or a test). */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const t = new Table({ head: [...head], style: { head: [], border: [] }, chars: compact });
  for (const row of rows) t.push([...row]);
  // Only the heading gets a rule under it (its cells are one line each).
  const lines = t.toString().split('\n');
  const rule = lines[0]!.replace('┌', '├').replace(/┬/g, '┼').replace('┐', '┤');
  return [lines[0]!, lines[1]!, rule, ...lines.slice(2)].join('\n');
}

/** A table, or `none` when there is no row. */
export function tableOrNone(head: readonly string[], rows: ReadonlyArray<readonly string[]>, none: string): string {
  return rows.length === 0 ? none : table(head, rows);
}

export function obj(v: JsonValue | undefined): JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

export function arr(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}

export function objs(v: JsonValue | undefined): JsonObject[] {
  return arr(v).map(obj);
}

export function text(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * The name inside an ARN: `targetgroup/<name>/<id>` and `loadbalancer/app/<name>/<id>` → name,
 * `listener/app/<lb>/<id>/<listener id>` → `<lb>/<listener id>`, IAM `server-certificate/<path><name>`
 * → name. Anything else is returned whole.
 */
export function arnName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  let m = /^targetgroup\/([^/]+)\//.exec(resource) ?? /^loadbalancer\/app\/([^/]+)\//.exec(resource);
  if (m) return m[1]!;
  m = /^listener\/app\/([^/]+)\/[^/]+\/([^/]+)$/.exec(resource);
  if (m) return `${m[1]}/${m[2]}`;
  m = /^listener-rule\/app\/([^/]+)\/[^/]+\/([^/]+)\/([^/]+)$/.exec(resource);
  if (m) return `${m[1]}/${m[2]}/${m[3]}`;
  m = /^server-certificate\/(?:.*\/)?([^/]+)$/.exec(resource);
  if (m) return m[1]!;
  return arn;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One action in words: `forward to tutorial-tg`, `redirect HTTP_301 to https://#{host}:443/#{path}?#{query}`. */
export function describeAction(action: JsonObject): string {
  const type = text(action.Type);
  if (type === 'forward') {
    const fc = obj(action.ForwardConfig);
    const groups = objs(fc.TargetGroups);
    const sticky = obj(fc.TargetGroupStickinessConfig);
    if (groups.length > 1 || sticky.Enabled === true || (groups.length === 1 && action.TargetGroupArn === undefined)) {
      const weighted = groups.map((g) => `${arnName(text(g.TargetGroupArn))}${groups.length > 1 && g.Weight !== undefined ? ` (weight ${text(g.Weight)})` : ''}`);
      return `forward to ${weighted.join(', ')}${sticky.Enabled === true ? ` (group stickiness ${text(sticky.DurationSeconds)}s)` : ''}`;
    }
    return `forward to ${arnName(text(action.TargetGroupArn ?? groups[0]?.TargetGroupArn))}`;
  }
  if (type === 'redirect') {
    const r = obj(action.RedirectConfig);
    const protocol = text(r.Protocol) || '#{protocol}';
    const host = text(r.Host) || '#{host}';
    const port = text(r.Port) || '#{port}';
    const path = text(r.Path) || '/#{path}';
    const query = text(r.Query) || '#{query}';
    return `redirect ${text(r.StatusCode)} to ${protocol.toLowerCase()}://${host}:${port}${path}?${query}`;
  }
  if (type === 'fixed-response') {
    const f = obj(action.FixedResponseConfig);
    const body = text(f.MessageBody);
    return `fixed-response ${text(f.StatusCode)}${f.ContentType ? ` ${text(f.ContentType)}` : ''}${body ? ` ${JSON.stringify(body.length > 40 ? body.slice(0, 40) + '...' : body)}` : ''}`;
  }
  return type;
}

/** Several actions, in their order. */
export function describeActions(actions: JsonValue | undefined): string {
  return objs(actions)
    .slice()
    .sort((a, b) => Number(a.Order ?? 0) - Number(b.Order ?? 0))
    .map(describeAction)
    .join('; ');
}

/** One rule condition in words: `path-pattern /api/*`, `http-header X-Env=prod,staging`. */
export function describeCondition(c: JsonObject): string {
  const field = text(c.Field);
  const configs: Record<string, string> = {
    'host-header': 'HostHeaderConfig',
    'path-pattern': 'PathPatternConfig',
    'http-header': 'HttpHeaderConfig',
    'query-string': 'QueryStringConfig',
    'http-request-method': 'HttpRequestMethodConfig',
    'source-ip': 'SourceIpConfig',
  };
  const config = obj(c[configs[field] ?? '']);
  let values: string[];
  if (field === 'query-string') {
    values = objs(config.Values).map((kv) => (kv.Key !== undefined ? `${text(kv.Key)}=${text(kv.Value)}` : text(kv.Value)));
  } else {
    values = arr(config.Values ?? c.Values).map(text);
    if (values.length === 0) values = arr(c.Values).map(text);
  }
  const header = field === 'http-header' ? `${text(config.HttpHeaderName)}=` : '';
  return `${field} ${header}${values.join(',')}`;
}

/** An EC2 permission in words: `tcp 80 from 0.0.0.0/0`, `all from sg-0123`. */
export function describePermission(p: JsonObject): string {
  const protocol = text(p.IpProtocol);
  const proto = protocol === '-1' ? 'all' : protocol;
  let ports = '';
  if (protocol !== '-1' && p.FromPort !== undefined) {
    ports = p.FromPort === p.ToPort || p.ToPort === undefined ? ` ${text(p.FromPort)}` : ` ${text(p.FromPort)}-${text(p.ToPort)}`;
  }
  const sources = [
    ...objs(p.IpRanges).map((r) => text(r.CidrIp)),
    ...objs(p.Ipv6Ranges).map((r) => text(r.CidrIpv6)),
    ...objs(p.UserIdGroupPairs).map((g) => text(g.GroupId ?? g.GroupName)),
    ...objs(p.PrefixListIds).map((g) => text(g.PrefixListId)),
  ];
  return `${proto}${ports}${sources.length > 0 ? ` from ${sources.join(', ')}` : ''}`;
}

/** `stickiness.enabled=true, stickiness.type=lb_cookie` */
export function keyValues(list: JsonValue | undefined): string {
  return objs(list)
    .map((kv) => `${text(kv.Key)}=${text(kv.Value)}`)
    .join(', ');
}

/** `127.0.0.1:8081, 127.0.0.1:8082` */
export function targetList(list: JsonValue | undefined): string {
  return objs(list)
    .map((t) => (t.Port !== undefined ? `${text(t.Id)}:${text(t.Port)}` : text(t.Id)))
    .join(', ');
}
