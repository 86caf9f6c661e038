/**
 * A time-series chart: uPlot (canvas, ~40 KB compressed) inside a figure whose caption names what
 * it shows and whose legend lists each series with its latest value and its peak, so the numbers
 * are readable without the canvas (screen readers, tests). Updates in place as data arrives.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { VNode } from 'preact';
import uPlot from 'uplot';
import { html } from './html.ts';

export interface ChartSeries {
  label: string;
  /** One value per time of the chart; null where there is no data (a gap). */
  values: Array<number | null>;
  color: string;
  dash?: number[];
}

/** Distinct colours that stay apart for the common kinds of colour blindness (Okabe–Ito). */
export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];

const HEIGHT = 180;

function latest(values: ReadonlyArray<number | null>): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i]!;
  return null;
}

function peak(values: ReadonlyArray<number | null>): number | null {
  let max: number | null = null;
  for (const v of values) if (v !== null && (max === null || v > max)) max = v;
  return max;
}

/** A tick of the value axis: three significant digits at most, no unit (the caption has it). */
export function compact(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/**
 * `times` are seconds since the epoch; every series has one value per time. `format` writes a
 * value with its unit for the legend ("12.5 req/s", "3.1 ms"); `tick` a value-axis label.
 */
export function TimeSeriesChart(props: {
  title: string;
  times: number[];
  series: ChartSeries[];
  format: (v: number) => string;
  tick?: (v: number) => string;
}): VNode {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = props.series.map((s) => `${s.label}|${s.color}`).join(',');
  const data: uPlot.AlignedData = [props.times, ...props.series.map((s) => s.values)];

  // A new set of series (a target registered) needs a new plot; new values only new data.
  useEffect(() => {
    const el = box.current!;
    const tick = props.tick ?? compact;
    const u = new uPlot(
      {
        width: Math.max(240, el.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [{ stroke: '#5f6b7a' }, { stroke: '#5f6b7a', size: 56, values: (_u, ticks) => ticks.map((t) => tick(t)) }],
        series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, ...(s.dash ? { dash: s.dash } : {}), points: { show: false } }))],
      },
      data,
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(240, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return html`<figure class="chart" aria-label=${props.title}>
    <figcaption>${props.title}</figcaption>
    <div class="chart-plot" ref=${box} aria-hidden="true"></div>
    <ul class="chart-legend">
      ${props.series.map((s) => {
        const now = latest(s.values);
        const max = peak(s.values);
        return html`<li>
          <span class=${`swatch${s.dash ? ' swatch-dashed' : ''}`} style=${{ borderColor: s.color }}></span>
          <span class="series-label">${s.label}</span>
          <span class="series-value" data-series=${s.label}>${now === null ? 'no data' : props.format(now)}</span>
          ${max === null ? null : html`<span class="series-peak">(peak ${props.format(max)})</span>`}
        </li>`;
      })}
    </ul>
  </figure>`;
}
