/*
 * The load test's reports as a user reads them: the text report's totals, per-target rates over
 * time and what happened in order; the HTML page self-contained (nothing to fetch), one line per
 * target, numbered marks, names escaped, and the JSON report embedded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport } from '../../src/loadtest/text-report.ts';
import { renderHtmlReport } from '../../src/loadtest/html-report.ts';
import type { LoadTestReport, TimelineSecond } from '../../src/loadtest/report.ts';

function report(): LoadTestReport {
  const timeline = Array.from({ length: 6 }, (_, s): TimelineSecond => ({
    second: s,
    responses: s >= 2 && s < 4 ? { 'demo-2': 200 } : { 'demo-1': 100, 'demo-2': 100 },
    errors: s === 2 ? { dropped: 1 } : {},
    p99Ms: 2.5,
  }));
  return {
    url: 'http://127.0.0.1:8000/',
    method: 'GET',
    connections: 4,
    rate: null,
    targetHeader: 'x-albatross-target',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationSeconds: 6,
    requests: { sent: 1205, completed: 1200, ok: 1200, perSecond: 200, inFlightAtEnd: 4 },
    latencyMs: { p50: 0.42, p90: 1.25, p99: 2.5, max: 31 },
    errors: { total: 1, byKind: { dropped: 1 } },
    targets: [
      { name: 'demo-1', responses: 400, share: 0.33 },
      { name: 'demo-2', responses: 800, share: 0.67 },
    ],
    timeline,
    health: {
      initial: [{ atSeconds: 0, targetGroup: 'demo-tg', target: '127.0.0.1:8081', name: 'demo-1', state: 'healthy' }],
      changes: [
        { atSeconds: 2.4, targetGroup: 'demo-tg', target: '127.0.0.1:8081', name: 'demo-1', state: 'unhealthy', reason: 'Target.FailedHealthChecks' },
        { atSeconds: 4.1, targetGroup: 'demo-tg', target: '127.0.0.1:8081', name: 'demo-1', state: 'healthy' },
      ],
    },
    events: [{ atSeconds: 2, text: 'killed demo-1 (SIGKILL)' }],
  };
}

test('the text report gives totals, latency, errors by kind, req/s per target over time and what happened', () => {
  const text = formatReport(report());
  assert.match(text, /^GET http:\/\/127\.0\.0\.1:8000\/ for 6\.0 s, 4 connections$/m);
  assert.match(text, /^requests {2}1,200 completed, 200\/s \(1,200 2xx; 1,205 sent, 4 in flight at the end\)$/m);
  assert.match(text, /^latency {3}p50 0\.42 ms {2}p90 1\.3 ms {2}p99 2\.5 ms {2}max 31\.0 ms$/m);
  assert.match(text, /^errors {4}1 \(dropped: 1\)$/m);
  // 6 seconds in spans of 1 s: demo-1 has no traffic in seconds 2 and 3.
  assert.match(text, /│ demo-1 │ 400 +│ 33% +│ 100 +│ 100 +│ 0 +│ 0 +│ 100 +│ 100 +│/);
  assert.match(text, /│ demo-2 │ 800 +│ 67% +│ 100 +│ 100 +│ 200 +│ 200 +│ 100 +│ 100 +│/);
  assert.match(text, /│ errors │ 1 +│ +│ 0 +│ 0 +│ 1 +│ 0 +│ 0 +│ 0 +│/);
  const happened = text.slice(text.indexOf('what happened')).split('\n').slice(1, 5);
  assert.deepEqual(happened, [
    '  at the start: demo-1 (127.0.0.1:8081) healthy',
    '  2.0s  killed demo-1 (SIGKILL)',
    '  2.4s  demo-1 (127.0.0.1:8081) unhealthy: Target.FailedHealthChecks',
    '  4.1s  demo-1 (127.0.0.1:8081) healthy',
  ]);
});

test('the HTML report is one self-contained page with a line per target and numbered marks', () => {
  const html = renderHtmlReport(report());
  assert.doesNotMatch(html, /<link|<img|\ssrc=|\shref=|@import|url\(/i, 'the page must not load anything');
  assert.match(html, /^<!doctype html>/);
  const charts = html.split('<section>').slice(1);
  assert.equal(charts.length, 3);
  assert.match(charts[0]!, /Requests per second by target/);
  assert.equal((charts[0]!.match(/<polyline /g) ?? []).length, 2);
  assert.match(charts[0]!, /<title>demo-1<\/title>/);
  // Marks in time order: the kill, unhealthy, healthy again; each on every chart.
  assert.equal((charts[0]!.match(/class="mark"/g) ?? []).length, 3);
  assert.match(html, /<ol class="marks"><li[^>]*>2\.0s {2}killed demo-1 \(SIGKILL\)<\/li><li[^>]*>2\.4s {2}demo-1 \(127\.0\.0\.1:8081\) unhealthy: Target\.FailedHealthChecks<\/li>/);
  assert.match(charts[1]!, /Errors per second by kind/);
  assert.match(charts[1]!, /<title>dropped<\/title>/);
  const json = /<script type="application\/json" id="report">(.*)<\/script>/s.exec(html);
  assert.deepEqual(JSON.parse(json![1]!), report());
});

test('names from the network are escaped in the HTML report', () => {
  const r = report();
  r.targets[0]!.name = '<script>alert(1)</script>';
  r.timeline[0]!.responses = { '<script>alert(1)</script>': 1 };
  const html = renderHtmlReport(r);
  assert.equal(html.match(/<script/g)?.length, 1, 'only the JSON data element is a script');
  assert.match(html, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
});
