/**
 * CloudWatch's metric reads (`monitoring`, 2010-08-01): GetMetricStatistics and GetMetricData
 * over this node's metric history, namespace `AWS/ApplicationELB`, ALB's metric names and
 * dimensions plus Albatross's `Target`. The history keeps 5-second intervals for an hour; other
 * namespaces, metrics and dimension sets simply have no data points, as in CloudWatch.
 */
import { AlbatrossError } from '../../../model/index.ts';
import {
  BASIC_STATISTICS,
  HealthEventLog,
  MetricHistory,
  NAMESPACE,
  alignedStart,
  isStatistic,
  percentileOf,
  queryMetrics,
  statistic,
  type MetricData,
  type MetricQuery,
  type Monitoring,
} from '../../../monitoring/index.ts';
import type { ActionContext, ActionHandler, ActionTable } from '../action.ts';
import { asList, asString, asStruct, type QueryStruct } from '../query-protocol.ts';
import type { XmlObject, XmlValue } from '../xml.ts';
import { timeValue } from './params.ts';

export const CLOUDWATCH_VERSION = '2010-08-01';
export const CLOUDWATCH_NAMESPACE = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

/** CloudWatch's limits: data points of one GetMetricStatistics answer, queries and data points of one GetMetricData page. */
const MAX_STATISTICS_DATAPOINTS = 1440;
const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

const noData: Monitoring = { metrics: new MetricHistory({ responseTimeBounds: [] }), healthEvents: new HealthEventLog() };

export function monitoringOf(ctx: ActionContext): Monitoring {
  return ctx.monitoring ?? noData;
}

const invalid = (message: string): AlbatrossError => new AlbatrossError('InvalidParameterValue', message);
const missing = (name: string): AlbatrossError => new AlbatrossError('MissingParameter', `The parameter ${name} is required.`);

function required(p: QueryStruct, name: string, where = name): string {
  const v = asString(p[name], where);
  if (v === undefined || v === '') throw missing(where);
  return v;
}

function timeRange(p: QueryStruct): { startMs: number; endMs: number } {
  const startMs = timeValue(required(p, 'StartTime'), 'StartTime', 'InvalidParameterValue');
  const endMs = timeValue(required(p, 'EndTime'), 'EndTime', 'InvalidParameterValue');
  if (startMs >= endMs) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
  return { startMs, endMs };
}

/** CloudWatch's periods for high-resolution data: 1, 5, 10, 20, 30 or a multiple of 60 seconds. */
const SHORT_PERIODS = [1, 5, 10, 20, 30];

function period(p: QueryStruct, name: string, where = name): number {
  const v = required(p, name, where);
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1) || !(SHORT_PERIODS.includes(n) || n % 60 === 0)) {
    throw invalid(`The parameter ${where} must be 1, 5, 10, 20, 30 or a multiple of 60, got '${v}'.`);
  }
  return n;
}

function dimensions(p: QueryStruct, where: string): MetricQuery['dimensions'] {
  const list = asList(p.Dimensions, `${where}Dimensions`);
  if (list.length > 30) throw invalid(`The collection ${where}Dimensions must not have more than 30 members.`);
  const seen = new Set<string>();
  return list.map((d, i) => {
    const at = `${where}Dimensions.member.${i + 1}`;
    const s = asStruct(d, at) ?? {};
    const name = required(s, 'Name', `${at}.Name`);
    const value = required(s, 'Value', `${at}.Value`);
    if (seen.has(name)) throw invalid(`The collection ${where}Dimensions must not contain duplicate dimension names; '${name}' is there twice.`);
    seen.add(name);
    return { name, value };
  });
}

/** Each query's data; other namespaces than ALB's have none. */
function metricData(ctx: ActionContext, queries: ReadonlyArray<{ namespace: string; query: MetricQuery }>): MetricData[] {
  const answers = queryMetrics(monitoringOf(ctx).metrics, queries.filter((q) => q.namespace === NAMESPACE).map((q) => q.query));
  let next = 0;
  return queries.map((q) => (q.namespace === NAMESPACE ? answers[next++]! : { unit: undefined, datapoints: [] }));
}

/** A statistic's value for XML: finite, as CloudWatch never sends NaN. */
const value = (n: number): number => (Number.isFinite(n) ? n : 0);

const getMetricStatistics: ActionHandler = async (p, ctx) => {
  const namespace = required(p, 'Namespace');
  const metricName = required(p, 'MetricName');
  const dims = dimensions(p, '');
  const { startMs, endMs } = timeRange(p);
  const periodSeconds = period(p, 'Period');
  const statistics = asList(p.Statistics, 'Statistics').map((s, i) => asString(s, `Statistics.member.${i + 1}`) ?? '');
  const extended = asList(p.ExtendedStatistics, 'ExtendedStatistics').map((s, i) => asString(s, `ExtendedStatistics.member.${i + 1}`) ?? '');
  if ((statistics.length === 0) === (extended.length === 0)) {
    throw new AlbatrossError('InvalidParameterCombination', 'Must specify either Statistics or ExtendedStatistics, but not both.');
  }
  if (statistics.length > 5) throw invalid('The collection Statistics must not have more than 5 members.');
  if (extended.length > 10) throw invalid('The collection ExtendedStatistics must not have more than 10 members.');
  for (const s of statistics) {
    if (!(BASIC_STATISTICS as readonly string[]).includes(s)) throw invalid(`The value ${s} for parameter Statistics is not valid; it must be one of ${BASIC_STATISTICS.join(', ')}.`);
  }
  for (const s of extended) {
    if (percentileOf(s) === undefined) throw invalid(`The value ${s} for parameter ExtendedStatistics is not supported: Albatross answers percentiles p0 to p100 (p50, p99.9).`);
  }
  const unit = asString(p.Unit, 'Unit');
  const requested = Math.ceil((endMs - alignedStart(startMs, periodSeconds)) / (periodSeconds * 1000));
  if (requested > MAX_STATISTICS_DATAPOINTS) {
    throw new AlbatrossError(
      'InvalidParameterCombination',
      `You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_STATISTICS_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
  const data = metricData(ctx, [{ namespace, query: { metricName, dimensions: dims, startMs, endMs, periodSeconds, ...(unit === undefined ? {} : { unit }) } }])[0]!;
  return {
    Label: metricName,
    Datapoints: data.datapoints.map((d): XmlObject => {
      const point: Record<string, XmlValue> = { Timestamp: new Date(d.timestamp) };
      for (const s of BASIC_STATISTICS) if (statistics.includes(s)) point[s] = value(statistic(d.aggregate, s));
      point.Unit = data.unit;
      if (extended.length > 0) point.ExtendedStatistics = new Map(extended.map((s) => [s, value(statistic(d.aggregate, s))]));
      return point;
    }),
  };
};

interface DataQuery {
  id: string;
  label: string;
  returnData: boolean;
  namespace: string;
  stat: string;
  query: Omit<MetricQuery, 'startMs' | 'endMs'>;
}

function dataQueries(p: QueryStruct): DataQuery[] {
  const list = asList(p.MetricDataQueries, 'MetricDataQueries');
  if (list.length === 0) throw missing('MetricDataQueries');
  if (list.length > MAX_QUERIES) throw invalid(`The collection MetricDataQueries must not have more than ${MAX_QUERIES} members.`);
  const ids = new Set<string>();
  return list.map((raw, i) => {
    const at = `MetricDataQueries.member.${i + 1}`;
    const q = asStruct(raw, at) ?? {};
    const id = required(q, 'Id', `${at}.Id`);
    if (!QUERY_ID.test(id)) throw invalid(`The value ${id} for parameter ${at}.Id is not valid: it must start with a lowercase letter and have only letters, digits and underscores.`);
    if (ids.has(id)) throw invalid(`The value ${id} for parameter ${at}.Id is not unique.`);
    ids.add(id);
    if (q.Expression !== undefined) throw invalid(`${at}.Expression: Albatross answers MetricStat queries; metric math and Metrics Insights expressions are not supported.`);
    const stat = asStruct(q.MetricStat, `${at}.MetricStat`);
    if (stat === undefined) throw new AlbatrossError('InvalidParameterCombination', `${at} must have a MetricStat.`);
    const metric = asStruct(stat.Metric, `${at}.MetricStat.Metric`);
    if (metric === undefined) throw missing(`${at}.MetricStat.Metric`);
    const metricName = required(metric, 'MetricName', `${at}.MetricStat.Metric.MetricName`);
    const statName = required(stat, 'Stat', `${at}.MetricStat.Stat`);
    if (!isStatistic(statName)) {
      throw invalid(`The value ${statName} for parameter ${at}.MetricStat.Stat is not supported: Albatross answers ${BASIC_STATISTICS.join(', ')} and percentiles (p50, p99.9).`);
    }
    const returnData = asString(q.ReturnData, `${at}.ReturnData`);
    if (returnData !== undefined && returnData !== 'true' && returnData !== 'false') throw invalid(`${at}.ReturnData must be true or false, got '${returnData}'.`);
    const unit = asString(stat.Unit, `${at}.MetricStat.Unit`);
    return {
      id,
      label: asString(q.Label, `${at}.Label`) ?? metricName,
      returnData: returnData !== 'false',
      namespace: asString(metric.Namespace, `${at}.MetricStat.Metric.Namespace`) ?? '',
      stat: statName,
      query: {
        metricName,
        dimensions: dimensions(metric, `${at}.MetricStat.Metric.`),
        periodSeconds: period(stat, 'Period', `${at}.MetricStat.Period`),
        ...(unit === undefined ? {} : { unit }),
      },
    };
  });
}

/** `NextToken` is the number of data points already returned, over every query in order. */
function pageStart(p: QueryStruct): number {
  const token = asString(p.NextToken, 'NextToken');
  if (token === undefined || token === '') return 0;
  const decoded = Buffer.from(token, 'base64url').toString();
  if (!/^\d{1,12}$/.test(decoded)) throw invalid('The parameter NextToken is not a token this endpoint gave out.');
  return Number(decoded);
}

const getMetricData: ActionHandler = async (p, ctx) => {
  const queries = dataQueries(p);
  const { startMs, endMs } = timeRange(p);
  const scanBy = asString(p.ScanBy, 'ScanBy') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalid(`The value ${scanBy} for parameter ScanBy is not valid; it must be TimestampDescending or TimestampAscending.`);
  }
  const maxText = asString(p.MaxDatapoints, 'MaxDatapoints');
  const max = maxText === undefined ? DEFAULT_MAX_DATAPOINTS : /^\d+$/.test(maxText) && Number(maxText) >= 1 ? Number(maxText) : NaN;
  if (!Number.isFinite(max)) throw invalid(`The parameter MaxDatapoints must be a positive integer, got '${maxText}'.`);
  let skip = pageStart(p);
  let room = max;
  let more = false;
  let delivered = skip;
  const results: XmlObject[] = [];
  const returned = queries.filter((q) => q.returnData);
  const answers = metricData(ctx, returned.map((q) => ({ namespace: q.namespace, query: { ...q.query, startMs, endMs } })));
  for (const [i, q] of returned.entries()) {
    // A copy: queries that differ only in their statistic share one answer.
    const points = [...answers[i]!.datapoints];
    if (scanBy === 'TimestampDescending') points.reverse();
    const from = Math.min(skip, points.length);
    skip -= from;
    const page = points.slice(from, from + room);
    room -= page.length;
    delivered += page.length;
    const partial = from + page.length < points.length;
    more ||= partial;
    results.push({
      Id: q.id,
      Label: q.label,
      Timestamps: page.map((d) => new Date(d.timestamp)),
      Values: page.map((d) => value(statistic(d.aggregate, q.stat))),
      StatusCode: partial ? 'PartialData' : 'Complete',
    });
  }
  return { MetricDataResults: results, NextToken: more ? Buffer.from(String(delivered)).toString('base64url') : undefined };
};

export const cloudwatchActions: ActionTable = {
  GetMetricStatistics: getMetricStatistics,
  GetMetricData: getMetricData,
};
