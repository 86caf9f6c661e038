/**
 * The Monitoring tab of the target group and load balancer details pages: live charts from the
 * CloudWatch-compatible API (GetMetricData over the node's 5-second metric history), refreshed
 * every 5 s, and — for a target group — each target's health timeline with every change and its
 * reason (DescribeTargetHealthEvents, Albatross's own action). Per-target series are asked for
 * only for the busiest few registered targets, so a poll costs the same for 5 targets or 1000.
 */
import { useState } from 'preact/hooks';
import type { ComponentChildren, VNode } from 'preact';
import { ELB, call, field, list, text, type Xml } from './api.ts';
import { html } from './html.ts';
import { ErrorAlert, StateBadge, usePoll } from './ui.ts';
import { PALETTE, TimeSeriesChart, compact, type ChartSeries } from './charts.ts';

const REFRESH_MS = 5000;
/** Per-target request rates drawn at most; CloudWatch answers at most 500 queries per call. */
const TOP_TARGETS = 10;
const MAX_QUERIES = 500;

interface TimeRange {
  label: string;
  minutes: number;
  /** Seconds per data point. */
  period: number;
}

const RANGES: TimeRange[] = [
  { label: 'Last 5 minutes', minutes: 5, period: 5 },
  { label: 'Last 15 minutes', minutes: 15, period: 5 },
  { label: 'Last hour', minutes: 60, period: 30 },
];

/** One series asked of GetMetricData. */
interface MetricSpec {
  id: string;
  metric: string;
  dims: Record<string, string>;
  stat: string;
}

interface Window {
  /** ms since the epoch: the first period's start, the end of the last complete period. */
  start: number;
  end: number;
  periodMs: number;
  /** Chart times, seconds since the epoch. */
  times: number[];
}

function timeWindow(range: TimeRange, now: number): Window {
  const periodMs = range.period * 1000;
  // The period in progress has no complete interval yet: the chart ends where the data does.
  const end = Math.floor(now / periodMs) * periodMs;
  const start = end - range.minutes * 60_000;
  const times: number[] = [];
  for (let t = start; t < end; t += periodMs) times.push(t / 1000);
  return { start, end, periodMs, times };
}

/** GetMetricData's results for the specs, each `period` seconds over the window. */
/** What both Monitoring tabs chart for their dimensions: requests, response time p50/p99, targets' 4XX/5XX. */
function trafficSpecs(dims: Record<string, string>): MetricSpec[] {
  return [
    { id: 'req', metric: 'RequestCount', dims, stat: 'Sum' },
    { id: 'p50', metric: 'TargetResponseTime', dims, stat: 'p50' },
    { id: 'p99', metric: 'TargetResponseTime', dims, stat: 'p99' },
    { id: 't4', metric: 'HTTPCode_Target_4XX_Count', dims, stat: 'Sum' },
    { id: 't5', metric: 'HTTPCode_Target_5XX_Count', dims, stat: 'Sum' },
  ];
}

async function metricData(specs: MetricSpec[], w: Window, period: number): Promise<Xml[]> {
  const result = await call('monitoring', 'GetMetricData', {
    MetricDataQueries: specs.map((s) => ({
      Id: s.id,
      MetricStat: {
        Metric: { Namespace: 'AWS/ApplicationELB', MetricName: s.metric, Dimensions: Object.entries(s.dims).map(([Name, Value]) => ({ Name, Value })) },
        Period: period,
        Stat: s.stat,
      },
    })),
    StartTime: new Date(w.start).toISOString(),
    EndTime: new Date(w.end).toISOString(),
    ScanBy: 'TimestampAscending',
  });
  return list(field(result, 'MetricDataResults'));
}

/** Values of each spec, one per chart time (null: no data point). */
async function metricValues(specs: MetricSpec[], w: Window): Promise<Map<string, Array<number | null>>> {
  const out = new Map<string, Array<number | null>>();
  if (specs.length === 0) return out;
  for (const r of await metricData(specs, w, w.periodMs / 1000)) {
    const values: Array<number | null> = w.times.map(() => null);
    const stamps = list(field(r, 'Timestamps'));
    const numbers = list(field(r, 'Values'));
    stamps.forEach((s, i) => {
      const at = Math.round((Date.parse(String(s)) - w.start) / w.periodMs);
      if (at >= 0 && at < values.length) values[at] = Number(numbers[i]);
    });
    out.set(text(r, 'Id'), values);
  }
  return out;
}

const perSecond = (values: Array<number | null> | undefined, w: Window): Array<number | null> =>
  (values ?? w.times.map(() => null)).map((v) => (v === null ? null : v / (w.periodMs / 1000)));
const asIs = (values: Array<number | null> | undefined, w: Window): Array<number | null> => values ?? w.times.map(() => null);

const rate = (unit: string) => (v: number): string => `${v.toFixed(v !== 0 && Math.abs(v) < 10 ? 2 : 1)} ${unit}`;
const seconds = (v: number): string => (v < 1 ? `${(v * 1000).toFixed(v < 0.01 ? 2 : 1)} ms` : `${v.toFixed(2)} s`);
const hosts = (v: number): string => `${Number.isInteger(v) ? v : v.toFixed(1)}`;
const millisecondTick = (v: number): string => `${compact(v * 1000)} ms`;

const timeOfDay = (ms: number): string => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function dimension(arn: string, kind: 'loadbalancer' | 'targetgroup'): string {
  const at = arn.indexOf(`:${kind}/`);
  if (at < 0) return arn;
  return kind === 'loadbalancer' ? arn.slice(at + ':loadbalancer/'.length) : arn.slice(at + 1);
}

function RangePicker({ value, onChange }: { value: number; onChange: (i: number) => void }): VNode {
  return html`<label class="range-picker">Time range
    <select value=${value} onChange=${(e: Event) => onChange(Number((e.target as HTMLSelectElement).value))}>
      ${RANGES.map((r, i) => html`<option value=${i}>${r.label}</option>`)}
    </select>
  </label>`;
}

/**
 * The tab's frame: heading, time range, when it was updated, the error if the last poll failed,
 * and the charts once there is data. `load` is polled every 5 s with the chosen range.
 */
function MonitoringTab<T extends { w: Window; values: Map<string, Array<number | null>>; at: number }>(props: {
  arn: string;
  load: (arn: string, range: TimeRange) => Promise<T>;
  children: (data: T) => ComponentChildren;
}): VNode {
  const [range, setRange] = useState(1);
  const { data, error } = usePoll(() => props.load(props.arn, RANGES[range]!), REFRESH_MS, [props.arn, range]);
  return html`<section class="monitoring">
    <div class="monitoring-head">
      <h2>Monitoring</h2>
      <${RangePicker} value=${range} onChange=${setRange} />
      <p class="updated" aria-live="polite">${data === undefined ? 'Loading metrics…' : `Updated ${timeOfDay(data.at)}, every ${REFRESH_MS / 1000} s`}</p>
    </div>
    <${ErrorAlert} error=${error} title="Metrics could not be loaded" />
    ${data === undefined ? null : props.children(data)}
  </section>`;
}

/** p50 and p99 of TargetResponseTime (one query each, answered from one read of the history). */
function ResponseTimeChart({ v, w }: { v: Map<string, Array<number | null>>; w: Window }): VNode {
  return html`<${TimeSeriesChart} title="Target response time" times=${w.times} format=${seconds} tick=${millisecondTick}
    series=${[
      { label: 'p50', values: asIs(v.get('p50'), w), color: PALETTE[0]! },
      { label: 'p99', values: asIs(v.get('p99'), w), color: PALETTE[1]!, dash: [6, 4] },
    ]} />`;
}

// ---------------------------------------------------------------------------------------------
// Health timeline

interface HealthEvent {
  target: string;
  at: number;
  state: string;
  reason: string;
  description: string;
}

async function healthEvents(arn: string, w: Window): Promise<HealthEvent[]> {
  const result = await call('elasticloadbalancing', 'DescribeTargetHealthEvents', { TargetGroupArn: arn, StartTime: new Date(w.start).toISOString() });
  return list(field(result, 'TargetHealthEvents')).map((e: Xml) => ({
    target: `${text(field(e, 'Target'), 'Id')}:${text(field(e, 'Target'), 'Port')}`,
    at: Date.parse(text(e, 'Timestamp')),
    state: text(e, 'State'),
    reason: text(e, 'Reason'),
    description: text(e, 'Description'),
  }));
}

/** Each target's state as bands over the window, and every change as a table row. */
function HealthTimeline({ events, from, to }: { events: HealthEvent[]; from: number; to: number }): VNode {
  const targets = [...new Set(events.map((e) => e.target))];
  const x = (t: number): number => ((Math.min(to, Math.max(from, t)) - from) / (to - from)) * 1000;
  const changes = events.filter((e) => e.at >= from).reverse();
  return html`<section class="health-timeline" aria-labelledby="health-timeline-title">
    <h3 id="health-timeline-title">Target health timeline</h3>
    ${targets.length === 0
      ? html`<p class="empty">No targets registered.</p>`
      : html`<div class="timeline-rows">
          ${targets.map((target) => {
            const mine = events.filter((e) => e.target === target);
            const last = mine[mine.length - 1]!;
            const summary = `${target}: ${last.state}${last.reason ? ` (${last.reason})` : ''} since ${timeOfDay(Math.max(from, last.at))}`;
            return html`<div class="timeline-row">
              <span class="timeline-target">${target}</span>
              <svg class="timeline-bands" viewBox="0 0 1000 16" preserveAspectRatio="none" role="img" aria-label=${summary}>
                ${mine.map((e, i) => {
                  const until = mine[i + 1]?.at ?? to;
                  return html`<rect class=${`band band-${e.state}`} x=${x(e.at)} width=${Math.max(0, x(until) - x(e.at))} y="0" height="16"><title>${e.state}${e.reason ? ` — ${e.reason}` : ''}</title></rect>`;
                })}
              </svg>
              <${StateBadge} state=${last.state} />
            </div>`;
          })}
          <div class="timeline-axis" aria-hidden="true"><span>${timeOfDay(from)}</span><span>now</span></div>
        </div>`}
    <table class="health-changes">
      <caption>Health changes, newest first</caption>
      <thead><tr><th scope="col">Time</th><th scope="col">Target</th><th scope="col">State</th><th scope="col">Reason</th><th scope="col">Description</th></tr></thead>
      <tbody>
        ${changes.length === 0
          ? html`<tr><td colspan="5" class="empty">No changes in this time range.</td></tr>`
          : changes.map(
              (e) => html`<tr>
                <td>${timeOfDay(e.at)}</td><td>${e.target}</td><td><${StateBadge} state=${e.state} /></td>
                <td>${e.reason ? html`<code>${e.reason}</code>` : '—'}</td><td>${e.description || '—'}</td>
              </tr>`,
            )}
      </tbody>
    </table>
  </section>`;
}

// ---------------------------------------------------------------------------------------------
// Target group

interface TargetGroupView {
  w: Window;
  values: Map<string, Array<number | null>>;
  /** The busiest registered targets, most requests first, and how many are registered. */
  targets: string[];
  registered: number;
  events: HealthEvent[];
  at: number;
}

/** The busiest targets change slowly and ranking costs a query per target: ranked at most this often. */
const RANK_EVERY_MS = 30_000;
let lastRanking: { group: string; registered: string; at: number; top: string[] } | undefined;

/**
 * The registered targets with the most requests over the window, most first (registration order
 * among equals): one whole-window Sum per target, at most 500 to a call; the last ranking of the
 * same group, range and targets is reused for 30 s.
 */
async function busiestTargets(tg: Record<string, string>, registered: string[], w: Window): Promise<string[]> {
  if (registered.length <= TOP_TARGETS) return registered;
  const group = `${tg.TargetGroup} ${w.end - w.start}`;
  const key = registered.join(' ');
  const now = Date.now();
  if (lastRanking !== undefined && lastRanking.group === group && lastRanking.registered === key && now - lastRanking.at < RANK_EVERY_MS) return lastRanking.top;
  const requests = new Map<string, number>();
  for (let from = 0; from < registered.length; from += MAX_QUERIES) {
    const specs = registered.slice(from, from + MAX_QUERIES).map((t, i) => ({ id: `rank${from + i}`, metric: 'RequestCount', dims: { ...tg, Target: t }, stat: 'Sum' }));
    for (const r of await metricData(specs, w, (w.end - w.start) / 1000)) {
      requests.set(registered[Number(text(r, 'Id').slice('rank'.length))]!, list(field(r, 'Values')).reduce((sum: number, v) => sum + Number(v), 0));
    }
  }
  const top = registered
    .map((t, i) => ({ t, i, n: requests.get(t) ?? 0 }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .slice(0, TOP_TARGETS)
    .map(({ t }) => t);
  lastRanking = { group, registered: key, at: now, top };
  return top;
}

async function loadTargetGroup(arn: string, range: TimeRange): Promise<TargetGroupView> {
  const at = Date.now();
  const w = timeWindow(range, at);
  const tg = { TargetGroup: dimension(arn, 'targetgroup') };
  const [described, health, events] = await Promise.all([
    call(ELB, 'DescribeTargetGroups', { TargetGroupArns: [arn] }),
    call(ELB, 'DescribeTargetHealth', { TargetGroupArn: arn }),
    healthEvents(arn, w),
  ]);
  // Host counts are published per load balancer too; the group's health is the same for each.
  const loadBalancer = list(field(list(field(described, 'TargetGroups'))[0], 'LoadBalancerArns'))[0];
  const hostDims = typeof loadBalancer === 'string' ? { ...tg, LoadBalancer: dimension(loadBalancer, 'loadbalancer') } : undefined;
  const registered = list(field(health, 'TargetHealthDescriptions')).map((d) => `${text(field(d, 'Target'), 'Id')}:${text(field(d, 'Target'), 'Port')}`);
  const targets = await busiestTargets(tg, registered, w);
  const specs: MetricSpec[] = [
    ...trafficSpecs(tg),
    ...(hostDims === undefined
      ? []
      : [
          { id: 'healthy', metric: 'HealthyHostCount', dims: hostDims, stat: 'Maximum' },
          { id: 'unhealthy', metric: 'UnHealthyHostCount', dims: hostDims, stat: 'Maximum' },
        ]),
    ...targets.map((t, i) => ({ id: `target${i}`, metric: 'RequestCount', dims: { ...tg, Target: t }, stat: 'Sum' })),
  ];
  return { w, values: await metricValues(specs, w), targets, registered: registered.length, events, at };
}

export function TargetGroupMonitoring({ arn }: { arn: string }): VNode {
  return html`<${MonitoringTab} arn=${arn} load=${loadTargetGroup}>${(data: TargetGroupView) => {
    const { w, values: v } = data;
    const byTarget = data.registered > data.targets.length ? `Requests per second by target (busiest ${data.targets.length} of ${data.registered})` : 'Requests per second by target';
    return html`<div class="charts">
        <${TimeSeriesChart} title="Requests per second" times=${w.times} format=${rate('req/s')}
          series=${[{ label: 'All targets', values: perSecond(v.get('req'), w), color: PALETTE[0]! }]} />
        <${TimeSeriesChart} title=${byTarget} times=${w.times} format=${rate('req/s')}
          series=${data.targets.map((t, i): ChartSeries => ({ label: t, values: perSecond(v.get(`target${i}`), w), color: PALETTE[i % PALETTE.length]! }))} />
        <${ResponseTimeChart} v=${v} w=${w} />
        <${TimeSeriesChart} title="HTTP 4XX and 5XX responses from targets" times=${w.times} format=${rate('/s')}
          series=${[
            { label: 'Target 4XX', values: perSecond(v.get('t4'), w), color: PALETTE[4]! },
            { label: 'Target 5XX', values: perSecond(v.get('t5'), w), color: PALETTE[1]! },
          ]} />
        <${TimeSeriesChart} title="Healthy and unhealthy hosts" times=${w.times} format=${hosts}
          series=${[
            { label: 'Healthy', values: asIs(v.get('healthy'), w), color: PALETTE[2]! },
            { label: 'Unhealthy', values: asIs(v.get('unhealthy'), w), color: PALETTE[1]!, dash: [6, 4] },
          ]} />
      </div>
      <${HealthTimeline} events=${data.events} from=${w.start} to=${data.at} />`;
  }}<//>`;
}

// ---------------------------------------------------------------------------------------------
// Load balancer

interface LoadBalancerView {
  w: Window;
  values: Map<string, Array<number | null>>;
  groups: Array<{ name: string; dimension: string }>;
  at: number;
}

async function loadLoadBalancer(arn: string, range: TimeRange): Promise<LoadBalancerView> {
  const at = Date.now();
  const w = timeWindow(range, at);
  const lb = { LoadBalancer: dimension(arn, 'loadbalancer') };
  const described = await call(ELB, 'DescribeTargetGroups', { LoadBalancerArn: arn });
  const groups = list(field(described, 'TargetGroups')).map((g) => ({ name: text(g, 'TargetGroupName'), dimension: dimension(text(g, 'TargetGroupArn'), 'targetgroup') }));
  const specs: MetricSpec[] = [
    ...trafficSpecs(lb),
    { id: 'e4', metric: 'HTTPCode_ELB_4XX_Count', dims: lb, stat: 'Sum' },
    { id: 'e5', metric: 'HTTPCode_ELB_5XX_Count', dims: lb, stat: 'Sum' },
    ...groups.flatMap((g, i) => [
      { id: `healthy${i}`, metric: 'HealthyHostCount', dims: { ...lb, TargetGroup: g.dimension }, stat: 'Maximum' },
      { id: `unhealthy${i}`, metric: 'UnHealthyHostCount', dims: { ...lb, TargetGroup: g.dimension }, stat: 'Maximum' },
    ]),
  ];
  return { w, values: await metricValues(specs, w), groups, at };
}

export function LoadBalancerMonitoring({ arn }: { arn: string }): VNode {
  return html`<${MonitoringTab} arn=${arn} load=${loadLoadBalancer}>${(data: LoadBalancerView) => {
    const { w, values: v } = data;
    return html`<div class="charts">
        <${TimeSeriesChart} title="Requests per second" times=${w.times} format=${rate('req/s')}
          series=${[{ label: 'Load balancer', values: perSecond(v.get('req'), w), color: PALETTE[0]! }]} />
        <${ResponseTimeChart} v=${v} w=${w} />
        <${TimeSeriesChart} title="HTTP 4XX and 5XX responses" times=${w.times} format=${rate('/s')}
          series=${[
            { label: 'Target 4XX', values: perSecond(v.get('t4'), w), color: PALETTE[4]! },
            { label: 'Target 5XX', values: perSecond(v.get('t5'), w), color: PALETTE[1]! },
            { label: 'Load balancer 4XX', values: perSecond(v.get('e4'), w), color: PALETTE[3]!, dash: [6, 4] },
            { label: 'Load balancer 5XX', values: perSecond(v.get('e5'), w), color: PALETTE[6]!, dash: [6, 4] },
          ]} />
        <${TimeSeriesChart} title="Healthy and unhealthy hosts by target group" times=${w.times} format=${hosts}
          series=${data.groups.flatMap((g, i): ChartSeries[] => [
            { label: `${g.name} healthy`, values: asIs(v.get(`healthy${i}`), w), color: PALETTE[(2 * i) % PALETTE.length]! },
            { label: `${g.name} unhealthy`, values: asIs(v.get(`unhealthy${i}`), w), color: PALETTE[(2 * i + 1) % PALETTE.length]!, dash: [6, 4] },
          ])} />
      </div>`;
  }}<//>`;
}
