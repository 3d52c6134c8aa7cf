/**
 * Chart data from the API's answers. With a range (`?msg_rates_age=600&msg_rates_incr=5`) the
 * broker sends `samples` (newest first): counters become rates (the difference between two
 * samples over their interval), gauges (queue lengths) are drawn as they are. A broker that
 * sends no samples is charted from what the dashboard itself saw at each refresh (the `rate`
 * beside each counter, the gauge's value), kept in memory for the chosen range.
 */
import type uPlot from 'uplot';
import type { Details } from '../api/types';

/** One line of a chart. */
export interface SeriesInput {
  label: string;
  /** counter: draw its rate; gauge: draw its value. */
  kind: 'counter' | 'gauge';
  /** The `<x>_details` of the answer; several are summed (deliver = deliver + deliver_no_ack). */
  details: (Details | undefined)[];
  /** The value itself (gauges; counters' current rate comes from details.rate). */
  current: number | undefined;
}

/** Points of one series, oldest first: [seconds, value]. */
type Points = [number, number][];

/** The samples of all of `s.details`, summed per timestamp, oldest first. */
function summed(s: SeriesInput): { timestamp: number; sample: number }[] | null {
  const lists = s.details.map((d) => d?.samples).filter((x) => x !== undefined);
  if (lists.length === 0 || lists.every((l) => l.length < 2)) return null;
  const byTime = new Map<number, number>();
  for (const l of lists) for (const p of l) byTime.set(p.timestamp, (byTime.get(p.timestamp) ?? 0) + p.sample);
  return [...byTime].map(([timestamp, sample]) => ({ timestamp, sample })).sort((a, b) => a.timestamp - b.timestamp);
}

function fromSamples(s: SeriesInput): Points | null {
  const asc = summed(s);
  if (asc === null) return null;
  if (s.kind === 'gauge') return asc.map((p) => [p.timestamp / 1000, p.sample]);
  const out: Points = [];
  for (let i = 1; i < asc.length; i++) {
    const dt = (asc[i].timestamp - asc[i - 1].timestamp) / 1000;
    if (dt <= 0) continue;
    out.push([asc[i].timestamp / 1000, Math.max(0, (asc[i].sample - asc[i - 1].sample) / dt)]);
  }
  return out;
}

/** What the dashboard saw itself, per chart: times and one value per series. */
export class History {
  private readonly times: number[] = [];
  private readonly values: (number | null)[][] = [];

  /** Adds what the answer says now; keeps `ageSeconds` of history. */
  add(inputs: SeriesInput[], ageSeconds: number, now = Date.now() / 1000): void {
    const last = this.times[this.times.length - 1];
    if (last !== undefined && now - last < 0.5) return;
    this.times.push(now);
    inputs.forEach((s, i) => {
      this.values[i] ??= new Array<number | null>(this.times.length - 1).fill(null);
      const rates = s.details.map((d) => d?.rate).filter((r) => r !== undefined);
      const v = s.kind === 'counter' ? rates.reduce((a, b) => a + b, 0) : s.current;
      this.values[i].push(v === undefined ? null : v);
    });
    while (this.times.length > 0 && now - this.times[0] > ageSeconds) {
      this.times.shift();
      for (const v of this.values) v.shift();
    }
  }

  /** The data as uPlot wants it. */
  data(n: number): uPlot.AlignedData {
    const ys = Array.from({ length: n }, (_, i) => this.values[i] ?? new Array<number | null>(this.times.length).fill(null));
    return [this.times.slice(), ...ys.map((y) => y.slice())];
  }
}

/** The chart's data: from the broker's samples when it sent them, else from `history`. */
export function chartData(inputs: SeriesInput[], history: History, ageSeconds: number): uPlot.AlignedData {
  const sampled = inputs.map(fromSamples);
  if (sampled.some((p) => p !== null)) {
    const times = [...new Set(sampled.flatMap((p) => (p ?? []).map(([t]) => t)))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const ys = sampled.map((p) => {
      // A counter the broker has not seen yet (no publish so far) has no samples: it is 0.
      const y = new Array<number | null>(times.length).fill(p === null ? 0 : null);
      for (const [t, v] of p ?? []) y[index.get(t) ?? 0] = v;
      return y;
    });
    return [times, ...ys];
  }
  history.add(inputs, ageSeconds);
  return history.data(inputs.length);
}
