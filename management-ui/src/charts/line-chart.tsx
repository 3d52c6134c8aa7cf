/**
 * <LineChart>: a uPlot time-series chart (canvas, a few kB, fast with many points) sized to its
 * box, updated in place on each refresh (setData, no re-creation, no flicker), in the page's
 * colours for light and dark schemes. Below it a legend with each line's latest value, which is
 * also what a screen reader reads (the canvas itself is decorative).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A line of the chart. */
export interface ChartLine {
  label: string;
  color: string;
}

/** Props of LineChart. */
export interface LineChartProps {
  lines: ChartLine[];
  data: uPlot.AlignedData;
  /** Formats a y value (axis and legend). */
  format: (v: number) => string;
  label: string;
  height?: number;
  /** The y axis goes at least this high (5 for counts: whole-number ticks). */
  minMax?: number;
  /** The time window shown (seconds up to the newest point): the chart's range, not the data's. */
  ageSeconds: number;
}

// Tick steps of the time axis, in seconds: never below a second.
const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

function clock(ts: number, withSeconds: boolean): string {
  const d = new Date(ts * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return withSeconds ? `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` : `${p(d.getHours())}:${p(d.getMinutes())}`;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

function lastValue(ys: ArrayLike<number | null | undefined>): number | undefined {
  for (let i = ys.length - 1; i >= 0; i--) {
    const v = ys[i];
    if (v !== null && v !== undefined) return v;
  }
  return undefined;
}

/** The chart. */
export function LineChart({ lines, data: given, format, label, height = 180, minMax = 1, ageSeconds }: LineChartProps) {
  // One array per line, as uPlot wants, even before the first answer.
  const data: uPlot.AlignedData =
    given.length >= lines.length + 1 ? given : [given[0] ?? [], ...lines.map((_, i) => given[i + 1] ?? new Array<number | null>((given[0] ?? []).length).fill(null))];
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    let u: uPlot | null = null;
    const create = () => {
      u?.destroy();
      const fg = cssVar('--muted', '#666');
      const grid = cssVar('--grid', 'rgba(128,128,128,0.2)');
      const opts: uPlot.Options = {
        width: Math.max(200, el.clientWidth),
        height,
        legend: { show: false },
        // Room on the right for the last time label.
        padding: [8, 32, 0, 0],
        cursor: { drag: { x: false, y: false } },
        scales: {
          // The last `ageSeconds` up to the newest point (or now), however few points there are yet.
          x: { time: true, range: (_u, _min, max) => { const end = Number.isFinite(max) ? max : Date.now() / 1000; return [end - ageSeconds, end]; } },
          y: { range: (_u, _min, max) => [0, Math.max(minMax, max * 1.1)] },
        },
        axes: [
          {
            stroke: fg,
            grid: { stroke: grid, width: 1 },
            ticks: { stroke: grid },
            incrs: TIME_INCRS,
            space: 60,
            values: (_u, splits, _ax, _space, incr) => splits.map((t) => clock(t, incr < 60)),
          },
          { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 60, values: (_u, vals) => vals.map((v) => format(v)) },
        ],
        series: [{}, ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 2, points: { show: false }, spanGaps: true }))],
      };
      u = new uPlot(opts, dataRef.current, el);
      plot.current = u;
    };
    create();
    const ro = new ResizeObserver(() => {
      if (u !== null && Math.abs(u.width - el.clientWidth) > 2) u.setSize({ width: Math.max(200, el.clientWidth), height });
    });
    ro.observe(el);
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', create);
    return () => {
      ro.disconnect();
      mq.removeEventListener('change', create);
      u?.destroy();
      plot.current = null;
    };
  }, [lines.map((l) => l.label).join('|'), height, ageSeconds]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [given]);

  const points = data[0].length;
  let max = 0;
  for (let i = 1; i < data.length; i++) for (const v of data[i]) if (typeof v === 'number' && v > max) max = v;
  return (
    <figure class="chart" aria-label={label} data-points={points} data-max={max}>
      <div ref={box} class="chart-canvas" aria-hidden="true" />
      <figcaption class="legend">
        {lines.map((l, i) => {
          const v = lastValue(data[i + 1] ?? []);
          return (
            <span key={l.label} class="legend-item">
              <span class="swatch" style={{ background: l.color }} />
              {l.label} <b>{v === undefined ? '–' : format(v)}</b>
            </span>
          );
        })}
      </figcaption>
    </figure>
  );
}
