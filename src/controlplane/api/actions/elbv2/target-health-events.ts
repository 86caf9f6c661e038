/**
 * `DescribeTargetHealthEvents` — Albatross only, not an ALB action: each target's health over
 * time as this node's health checker saw it (every change of state or reason, with ALB's reason
 * code and description), for the console's health timeline and for scripts. Kept for an hour.
 *
 *   TargetGroupArn (required), Targets.member.N.Id/Port (optional filter),
 *   StartTime/EndTime (optional, ISO 8601 or seconds since the epoch) → TargetHealthEvents.member.N:
 *   Target{Id, Port}, Timestamp, State, Reason, Description — oldest first; the event in force at
 *   StartTime comes first, so the state at the start of the window is known.
 */
import { AlbatrossError } from '../../../../model/index.ts';
import type { ActionHandler, ActionTable } from '../../action.ts';
import type { XmlObject } from '../../xml.ts';
import { monitoringOf } from '../cloudwatch.ts';
import { optionalInt, optionalString, requiredString, structList, timeValue } from '../params.ts';
import { getTargetGroupOrThrow } from './shapes.ts';
import type { QueryStruct } from '../../query-protocol.ts';

function time(p: QueryStruct, name: string): number | undefined {
  const v = optionalString(p, name);
  return v === undefined ? undefined : timeValue(v, name, 'ValidationError');
}

/** `<id>:<port>` back to its parts (an IPv6 id has colons of its own). */
function splitKey(key: string): { id: string; port: number } {
  const colon = key.lastIndexOf(':');
  return { id: key.slice(0, colon), port: Number(key.slice(colon + 1)) };
}

const describeTargetHealthEvents: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'TargetGroupArn');
  const targets = structList(p, 'Targets').map((s, i) => {
    const id = optionalString(s, 'Id');
    if (id === undefined || id === '') throw new AlbatrossError('ValidationError', `Targets.member.${i + 1}.Id is required`);
    return { id, port: optionalInt(s, 'Port') };
  });
  const startMs = time(p, 'StartTime');
  const endMs = time(p, 'EndTime');
  if (startMs !== undefined && endMs !== undefined && startMs >= endMs) throw new AlbatrossError('ValidationError', 'StartTime must be before EndTime');
  await ctx.store.transaction((tx) => getTargetGroupOrThrow(tx, arn));

  const out: Array<XmlObject & { at: number }> = [];
  for (const timeline of monitoringOf(ctx).healthEvents.timelines(arn, startMs, endMs)) {
    const target = splitKey(timeline.targetKey);
    if (targets.length > 0 && !targets.some((t) => t.id === target.id && (t.port === undefined || t.port === target.port))) continue;
    for (const e of timeline.events) {
      out.push({ at: e.at, Target: { Id: target.id, Port: target.port }, Timestamp: new Date(e.at), State: e.state, Reason: e.reason, Description: e.description });
    }
  }
  out.sort((a, b) => a.at - b.at);
  return { TargetHealthEvents: out.map(({ at: _at, ...event }) => event) };
};

export const targetHealthEventsActions: ActionTable = {
  DescribeTargetHealthEvents: describeTargetHealthEvents,
};
