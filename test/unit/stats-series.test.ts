// stats/series.ts: the shared sample clock and one object's compact history (a ring of per-tick
// changes, allocated only for values that changed, freed after a quiet window) give the same
// answers as a full table of every value at every tick.
import { describe, expect, it } from 'vitest';
import { BEFORE_FIRST, LIVE_TICK, OLDER_THAN_KEPT, Series, StatsClock } from '../../src/stats/series.js';
import { prng } from '../helpers/prng.js';

const I = 5000;

/** A clock and a series fed `rows` (one row of values per tick, at t0 + n * I). */
function feed(rows: number[][], opts: { capacity?: number; wide?: boolean; t0?: number } = {}): { clock: StatsClock; s: Series } {
  const clock = new StatsClock(I, (opts.capacity ?? 121) * I - I);
  const s = new Series(rows[0].length, opts.wide ?? false);
  const t0 = opts.t0 ?? 1_000_000_000_000;
  for (const row of rows) s.record(clock, clock.advance(t0 + (clock.tick + 1) * I), row);
  return { clock, s };
}

/** Values of column i at every kept tick, newest first, through valuesAt. */
function history(clock: StatsClock, s: Series, i: number): number[] {
  const ticks: number[] = [];
  for (let n = clock.tick; n >= clock.oldest; n--) ticks.push(n);
  const out = new Float64Array(ticks.length);
  s.valuesAt(clock, i, ticks, -1, out);
  return [...out];
}

describe('StatsClock', () => {
  it('keeps 10 minutes (605 s) of 5 s ticks and finds the latest tick at or before a time', () => {
    const c = new StatsClock(I);
    expect(c.capacity).toBe(122);
    expect(c.tickAt(123)).toBe(BEFORE_FIRST);
    c.advance(10_000);
    c.advance(15_000);
    expect(c.tickAt(14_999)).toBe(0);
    expect(c.tickAt(15_000)).toBe(1);
    expect(c.tickAt(99_999)).toBe(1);
    expect(c.tickAt(9_999)).toBe(BEFORE_FIRST);
    for (let n = 2; n < 200; n++) c.advance(10_000 + n * I);
    expect(c.oldest).toBe(200 - c.capacity);
    expect(c.tickAt(10_000)).toBe(OLDER_THAN_KEPT);
    expect(c.timeOf(199)).toBe(10_000 + 199 * I);
  });
});

describe('Series', () => {
  it('an object whose values never change keeps no history ring', () => {
    const { clock, s } = feed(Array.from({ length: 50 }, () => [3, 0, 7]));
    expect(s.hasHistory).toBe(false);
    expect(s.bytes).toBe(3 * 8);
    expect(history(clock, s, 0)).toEqual(Array(50).fill(3));
    expect(s.rate(clock, 0)).toBe(0);
  });

  it('gives only the changing values a column', () => {
    const rows = Array.from({ length: 10 }, (_, n) => [n, 5, n * 2, 0]);
    const { clock, s } = feed(rows);
    expect(s.hasHistory).toBe(true);
    // 121 ticks x 2 changing columns x 4 bytes, plus the last values.
    expect(s.bytes).toBe(4 * 8 + 121 * 2 * 4);
    expect(history(clock, s, 0)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(history(clock, s, 1)).toEqual(Array(10).fill(5));
    expect(history(clock, s, 2)).toEqual([18, 16, 14, 12, 10, 8, 6, 4, 2, 0]);
  });

  it('answers exactly as a full table, for random values over several windows', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = prng(seed);
      const rows: number[][] = [];
      const v = [0, 0, 0, 0, 0, 0];
      for (let n = 0; n < 400; n++) {
        // Bursts of change and long quiet stretches (so the ring is freed and made again).
        const busy = Math.floor(n / 60) % 3 !== 2;
        if (busy) for (let i = 0; i < v.length; i++) if (r() < 0.3 * (i + 1) / v.length) v[i] += Math.floor(r() * 1000) - (i === 5 ? 500 : 0);
        rows.push([...v]);
      }
      const { clock, s } = feed(rows, { capacity: 50 });
      for (let i = 0; i < v.length; i++) {
        const want = rows.slice(-50).map((row) => row[i]).reverse();
        expect(history(clock, s, i), `seed ${seed} value ${i}`).toEqual(want);
        const d = rows[399][i] - rows[398][i];
        expect(s.rate(clock, i)).toBe((d * 1000) / I);
      }
    }
  });

  it('frees the ring after a whole window without change and starts again at the next change', () => {
    const rows = [[0], [1], [2], ...Array.from({ length: 20 }, () => [2])];
    const { clock, s } = feed(rows, { capacity: 10 });
    expect(s.hasHistory).toBe(false);
    s.record(clock, clock.advance(clock.timeOf(clock.tick) + I), [5]);
    expect(s.hasHistory).toBe(true);
    expect(history(clock, s, 0)).toEqual([5, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(s.rate(clock, 0)).toBe((3 * 1000) / I);
  });

  it('values before the first sample are 0, older than the window the oldest kept, LIVE_TICK the live value', () => {
    const clock = new StatsClock(I, 4 * I);
    for (let n = 0; n < 3; n++) clock.advance(n * I);
    const s = new Series(1, true);
    for (let v = 10; v <= 40; v += 10) s.record(clock, clock.advance((clock.tick + 1) * I), [v]);
    // ticks 3..6 hold 10, 20, 30, 40; 5 are kept (2..6).
    const out = new Float64Array(5);
    s.valuesAt(clock, 0, [LIVE_TICK, 6, 4, 2, OLDER_THAN_KEPT], 99, out);
    expect([...out]).toEqual([99, 40, 20, 0, 0]);
    for (let n = 0; n < 6; n++) s.record(clock, clock.advance((clock.tick + 1) * I), [40 + n]);
    // ticks 3..12: 10 20 30 40 40 41 42 43 44 45; kept: 8..12 (older ones read as the oldest kept).
    s.valuesAt(clock, 0, [12, 8, 7, OLDER_THAN_KEPT, BEFORE_FIRST], 0, out);
    expect([...out]).toEqual([45, 41, 41, 41, 0]);
  });

  it('wide series keep changes above 32 bits (byte counters)', () => {
    const big = 2 ** 40;
    const { clock, s } = feed([[0], [big], [3 * big]], { wide: true });
    expect(history(clock, s, 0)).toEqual([3 * big, big, 0]);
    expect(s.rate(clock, 0)).toBe((2 * big * 1000) / I);
  });

  it('has no rate before its second sample or when it was not sampled at the last tick', () => {
    const clock = new StatsClock(I);
    const s = new Series(1, false);
    s.record(clock, clock.advance(0), [5]);
    expect(s.rate(clock, 0)).toBe(0);
    s.record(clock, clock.advance(I), [10]);
    expect(s.rate(clock, 0)).toBe(1);
    clock.advance(2 * I);
    expect(s.rate(clock, 0)).toBe(0);
  });
});
