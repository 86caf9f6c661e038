/**
 * `--report out.html`: one self-contained page (inline SVG and CSS, no script, nothing fetched)
 * with the totals, timelines of requests per second per target, errors per second per kind and
 * p99 latency, numbered marks where a target changed health or the caller did something, and
 * the report itself as JSON in a `<script type="application/json" id="report">` element.
 */
import type { LoadTestReport, TimelineSecond } from './report.ts';
import { formatEvent, formatHealthMark, formatMs, healthTarget } from './text-report.ts';

const palette = ['#1f77b4', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#2ca02c', '#d62728', '#7f7f7f'];
const unknownColor = '#999999';
const number = new Intl.NumberFormat('en-US');

interface Series {
  name: string;
  color: string;
  values: number[];
}

interface Mark {
  n: number;
  atSeconds: number;
  color: string;
  text: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten at or above `n` (at least 1). */
function niceCeil(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8]) if (m * p >= n) return m * p;
  return 10 * p;
}

function healthColor(state: string): string {
  return state === 'healthy' ? '#2ca02c' : state === 'unhealthy' ? '#d62728' : '#7f7f7f';
}

const width = 900;
const height = 240;
const left = 60;
const right = 16;
const top = 30;
const bottom = 28;

function lineChart(title: string, series: readonly Series[], marks: readonly Mark[], seconds: number): string {
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const span = Math.max(1, seconds);
  const max = niceCeil(Math.max(0, ...series.flatMap((s) => s.values)));
  const x = (s: number): number => left + (Math.min(span, Math.max(0, s)) / span) * plotW;
  const y = (v: number): number => top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${number.format(Math.round(v * 100) / 100)}</text>`);
  }
  const step = Math.max(1, Math.round(niceCeil(span / 10)));
  for (let s = 0; s <= span; s += step) {
    parts.push(`<text x="${x(s).toFixed(1)}" y="${height - 8}" text-anchor="middle">${s}s</text>`);
  }
  for (const s of series) {
    // Each second's value sits in the middle of that second.
    const points = s.values.map((v, i) => `${x(i + 0.5).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"><title>${escapeHtml(s.name)}</title></polyline>`);
  }
  for (const m of marks) {
    const mx = x(m.atSeconds).toFixed(1);
    parts.push(
      `<g class="mark"><title>${escapeHtml(m.text)}</title>` +
        `<line x1="${mx}" x2="${mx}" y1="${top - 6}" y2="${top + plotH}" stroke="${m.color}" stroke-dasharray="4 3"/>` +
        `<circle cx="${mx}" cy="${top - 14}" r="9" fill="${m.color}"/>` +
        `<text x="${mx}" y="${top - 10}" text-anchor="middle" class="badge">${m.n}</text></g>`,
    );
  }
  const legend = series.length === 0
    ? '<span class="none">none</span>'
    : series.map((s) => `<span><i style="background:${s.color}"></i>${escapeHtml(s.name)}</span>`).join(' ');
  return (
    `<section><h2>${escapeHtml(title)}</h2><div class="legend">${legend}</div>` +
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" class="axis"/>` +
    `<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" class="axis"/>` +
    parts.join('') +
    `</svg></section>`
  );
}

function seriesOf(timeline: readonly TimelineSecond[], names: readonly string[], pick: (s: TimelineSecond) => Record<string, number>): Series[] {
  let next = 0;
  return names.map((name) => ({
    name,
    color: name === 'unknown' ? unknownColor : palette[next++ % palette.length]!,
    values: timeline.map((s) => pick(s)[name] ?? 0),
  }));
}

/** The page for `--report`. */
export function renderHtmlReport(r: LoadTestReport): string {
  const seconds = r.timeline.length;
  const marks: Mark[] = [
    ...r.events.map((e) => ({ atSeconds: e.atSeconds, color: '#333333', text: formatEvent(e) })),
    ...r.health.changes.map((m) => ({ atSeconds: m.atSeconds, color: healthColor(m.state), text: formatHealthMark(m) })),
  ]
    .sort((a, b) => a.atSeconds - b.atSeconds)
    .map((m, i) => ({ ...m, n: i + 1 }));

  const errorKinds = Object.keys(r.errors.byKind);
  const errorSeries = seriesOf(r.timeline, errorKinds, (s) => s.errors).map((s, i) => ({ ...s, color: palette[(i + 8) % palette.length]! }));
  const latency: Series[] = seconds > 0 ? [{ name: 'p99', color: '#555555', values: r.timeline.map((s) => s.p99Ms) }] : [];

  const rows: Array<[string, string]> = [
    ['requests', `${number.format(r.requests.completed)} completed, ${number.format(r.requests.perSecond)}/s (${number.format(r.requests.ok)} 2xx)`],
    ['sent', `${number.format(r.requests.sent)} (${number.format(r.requests.inFlightAtEnd)} in flight at the end)`],
    ['latency', `p50 ${formatMs(r.latencyMs.p50)}, p90 ${formatMs(r.latencyMs.p90)}, p99 ${formatMs(r.latencyMs.p99)}, max ${formatMs(r.latencyMs.max)}`],
    ['errors', r.errors.total === 0 ? 'none' : `${number.format(r.errors.total)}: ${Object.entries(r.errors.byKind).map(([k, n]) => `${k} ${number.format(n)}`).join(', ')}`],
  ];
  const targetRows = r.targets
    .map((t) => `<tr><td>${escapeHtml(t.name)}</td><td>${number.format(t.responses)}</td><td>${Math.round(t.share * 100)}%</td></tr>`)
    .join('');
  const initial = r.health.initial.length > 0
    ? `<p>At the start: ${escapeHtml(r.health.initial.map((m) => `${healthTarget(m)} ${m.state}`).join(', '))}</p>`
    : '';
  const markList = marks.length > 0
    ? `<ol class="marks">${marks.map((m) => `<li style="--c:${m.color}">${escapeHtml(m.text)}</li>`).join('')}</ol>`
    : '<p class="none">No target changed health and nothing else happened.</p>';
  const title = `Load test: ${r.method} ${r.url}`;
  // `<` inside the JSON would let a string close the script element.
  const json = JSON.stringify(r).replace(/</g, '\\u003c');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:960px}
h1{font-size:20px}h2{font-size:16px;margin:20px 0 4px}
table{border-collapse:collapse}td,th{padding:2px 12px 2px 0;text-align:left}th{color:#555;font-weight:600}
svg{display:block;max-width:100%;height:auto}svg text{font-size:11px;fill:#555}svg text.badge{fill:#fff;font-weight:700}
.grid{stroke:#e5e5e5}.axis{stroke:#999}
.legend span{margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.marks li::marker{color:var(--c);font-weight:700}.none{color:#777}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${r.connections} connection${r.connections === 1 ? '' : 's'}${r.rate !== null ? `, at most ${number.format(r.rate)} req/s` : ''}, ${r.durationSeconds.toFixed(1)} s from ${escapeHtml(r.startedAt)}; targets named by the <code>${escapeHtml(r.targetHeader)}</code> response header.</p>
<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
${lineChart('Requests per second by target', seriesOf(r.timeline, r.targets.map((t) => t.name), (s) => s.responses), marks, seconds)}
${lineChart('Errors per second by kind', errorSeries, marks, seconds)}
${lineChart('p99 latency per second (ms)', latency, marks, seconds)}
<h2>What happened</h2>
${initial}
${markList}
<h2>Requests by target</h2>
<table><tr><th>target</th><th>responses</th><th>share</th></tr>${targetRows}</table>
<script type="application/json" id="report">${json}</script>
</body></html>
`;
}
