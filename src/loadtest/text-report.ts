/** The load test's words for a terminal: the live progress line and the final report. */
import Table from 'cli-table3';
import type { Progress } from './recorder.ts';
import type { EventMark, HealthMark, LoadTestReport } from './report.ts';

const number = new Intl.NumberFormat('en-US');

/** `0.42 ms`, `3.1 ms`, `120 ms`. */
export function formatMs(ms: number): string {
  return `${ms < 1 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** `12s/30s  4,810 req/s  0 errors  p99 3.1 ms  demo-1 2,405  demo-2 2,405` (last second). */
export function formatProgress(p: Progress, durationSeconds: number): string {
  const split = p.targets.map(([name, n]) => `${name} ${number.format(n)}`).join('  ');
  return [
    `${Math.floor(p.elapsedSeconds)}s/${durationSeconds}s`,
    `${number.format(p.perSecond)} req/s`,
    `${number.format(p.errors)} error${p.errors === 1 ? '' : 's'}`,
    `p99 ${formatMs(p.p99Ms)}`,
    split,
  ]
    .filter((s) => s !== '')
    .join('  ');
}

/** `demo-1 (127.0.0.1:8081)` when the target's name is known, else `127.0.0.1:8081`. */
export function healthTarget(m: HealthMark): string {
  return m.name !== undefined ? `${m.name} (${m.target})` : m.target;
}

/** `17.2s  demo-1 (127.0.0.1:8081) unhealthy: Target.FailedHealthChecks`. */
export function formatHealthMark(m: HealthMark): string {
  return `${m.atSeconds.toFixed(1)}s  ${healthTarget(m)} ${m.state}${m.reason !== undefined ? `: ${m.reason}` : ''}`;
}

/** `10.0s  killed demo-1 (SIGKILL)`. */
export function formatEvent(e: EventMark): string {
  return `${e.atSeconds.toFixed(1)}s  ${e.text}`;
}

/** The whole run as text: totals, latency, errors, requests per target over time, what happened. */
export function formatReport(r: LoadTestReport): string {
  const lines: string[] = [];
  const rate = r.rate !== null ? `, at most ${number.format(r.rate)} req/s` : '';
  lines.push(`${r.method} ${r.url} for ${r.durationSeconds.toFixed(1)} s, ${r.connections} connection${r.connections === 1 ? '' : 's'}${rate}`);
  lines.push(
    `requests  ${number.format(r.requests.completed)} completed, ${number.format(r.requests.perSecond)}/s ` +
      `(${number.format(r.requests.ok)} 2xx; ${number.format(r.requests.sent)} sent, ${number.format(r.requests.inFlightAtEnd)} in flight at the end)`,
  );
  const l = r.latencyMs;
  lines.push(`latency   p50 ${formatMs(l.p50)}  p90 ${formatMs(l.p90)}  p99 ${formatMs(l.p99)}  max ${formatMs(l.max)}`);
  const kinds = Object.entries(r.errors.byKind).map(([kind, n]) => `${kind}: ${number.format(n)}`);
  lines.push(`errors    ${r.errors.total === 0 ? 'none' : `${number.format(r.errors.total)} (${kinds.join(', ')})`}`);

  if (r.timeline.length > 0) {
    lines.push('', `requests per second by target (${r.targetHeader} header)`);
    lines.push(perTargetTable(r));
  }

  const happened = [
    ...r.events.map((e) => ({ at: e.atSeconds, text: formatEvent(e) })),
    ...r.health.changes.map((m) => ({ at: m.atSeconds, text: formatHealthMark(m) })),
  ].sort((a, b) => a.at - b.at);
  if (r.health.initial.length > 0 || happened.length > 0) {
    lines.push('', 'what happened');
    if (r.health.initial.length > 0) {
      lines.push(`  at the start: ${r.health.initial.map((m) => `${healthTarget(m)} ${m.state}`).join(', ')}`);
    }
    for (const h of happened) lines.push(`  ${h.text}`);
  }
  return lines.join('\n') + '\n';
}

/** Rows: targets and errors; columns: total, share, then req/s in up to 8 spans of the run. */
function perTargetTable(r: LoadTestReport): string {
  const seconds = r.timeline.length;
  const step = Math.max(1, Math.ceil(seconds / 8));
  const spans: Array<[from: number, to: number]> = [];
  for (let from = 0; from < seconds; from += step) spans.push([from, Math.min(seconds, from + step)]);
  const rateIn = (count: (s: number) => number, [from, to]: [number, number]): string => {
    let n = 0;
    for (let s = from; s < to; s++) n += count(s);
    return number.format(Math.round(n / (to - from)));
  };
  const table = new Table({
    head: ['target', 'total', 'share', ...spans.map(([from, to]) => (to - from === 1 ? `${from}s` : `${from}-${to}s`))],
    style: { head: [], border: [] },
  });
  for (const t of r.targets) {
    table.push([t.name, number.format(t.responses), `${Math.round(t.share * 100)}%`, ...spans.map((span) => rateIn((s) => r.timeline[s]!.responses[t.name] ?? 0, span))]);
  }
  const errorsIn = (s: number): number => Object.values(r.timeline[s]!.errors).reduce((a, b) => a + b, 0);
  table.push(['errors', number.format(r.errors.total), '', ...spans.map((span) => rateIn(errorsIn, span))]);
  return table.toString();
}
