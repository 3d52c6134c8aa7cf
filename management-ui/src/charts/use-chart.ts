/**
 * useChart: a chart's data for the latest answer, remembering what was seen before when the
 * broker sends no samples. `source` is the answer the inputs were read from (the data is
 * recomputed only when it changes); `resetKey` starts the history afresh (another object).
 */
import { useMemo, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import { chartData, History, type SeriesInput } from './series';

/** The chart data of `inputs` (undefined while nothing is loaded). */
export function useChart(source: unknown, inputs: () => SeriesInput[], ageSeconds: number, resetKey: string): uPlot.AlignedData {
  const hist = useRef<{ key: string; h: History }>({ key: '', h: new History() });
  const key = `${resetKey}|${ageSeconds}`;
  if (hist.current.key !== key) hist.current = { key, h: new History() };
  return useMemo(() => {
    if (source === undefined) return [[]];
    const ins = inputs();
    return chartData(ins, hist.current.h, ageSeconds);
  }, [source, key]);
}
