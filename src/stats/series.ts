/**
 * Sampled history: the clock of sample times every object shares, and one object's series.
 *
 * Every collect_statistics_interval the sampler records each object's values (its counters and
 * lengths) at the same tick, so the tick times are kept once, in StatsClock, and a Series keeps
 * only numbers: its values at the last tick and, per tick, how much each value changed since the
 * tick before. The changes live in a ring of `clock.capacity` rows (10 minutes of ticks) that is
 * allocated only once a value changes, has one column per value that has changed (a queue that
 * is only published to and consumed from keeps 5 of its 10 columns), and is freed again after a
 * whole window without a change. An idle object so costs its last values and nothing else, and
 * every answer (value at any tick of the window, the rate over the last interval) is the same as
 * with the full table.
 */

/** The sample times: tick n happened at times[n % capacity] (ms since the epoch, a multiple of the interval). */
export class StatsClock {
  /** Ticks kept: RabbitMQ 3.10's basic retention, 10 minutes (605 s) of samples. */
  readonly capacity: number;
  /** The last tick taken; -1 before the first. */
  tick = -1;
  private readonly times: Float64Array;

  constructor(intervalMs: number, retentionMs = RETENTION_MS) {
    this.capacity = Math.max(2, Math.ceil(retentionMs / intervalMs) + 1);
    this.times = new Float64Array(this.capacity);
  }

  /** Starts tick tick + 1 at time t; returns its number. */
  advance(t: number): number {
    this.tick++;
    this.times[this.tick % this.capacity] = t;
    return this.tick;
  }

  /** The time of tick n (n within the last `capacity` ticks). */
  timeOf(n: number): number {
    return this.times[n % this.capacity];
  }

  /** The oldest tick whose time and deltas are still kept. */
  get oldest(): number {
    return Math.max(0, this.tick - this.capacity + 1);
  }

  /** The latest tick at or before time t; BEFORE_FIRST before any tick, OLDER_THAN_KEPT before the kept ones. */
  tickAt(t: number): number {
    // Ticks are in time order: walk back from the newest (grids ask for recent times first).
    for (let n = this.tick; n >= this.oldest; n--) if (this.timeOf(n) <= t) return n;
    return this.tick < 0 || this.oldest === 0 ? BEFORE_FIRST : OLDER_THAN_KEPT;
  }
}

/** 10 minutes and 5 s, as RabbitMQ's basic sample_retention_policies ({605, 5}). */
export const RETENTION_MS = 605_000;
/** tickAt: no tick has been taken yet (or t is before the first one and nothing older was kept). */
export const BEFORE_FIRST = -1;
/** tickAt: t is older than the kept ticks (the window has moved past it). */
export const OLDER_THAN_KEPT = -2;

/** One object's sampled values: `width` numbers per tick (at most 31). */
export class Series {
  /** Values at lastTick (a plain array: an idle object's whole cost, kept small). */
  readonly last: number[];
  /** The tick of the first sample (values before it are 0: the object did not exist). */
  firstTick = -1;
  /** The tick of the latest sample. */
  lastTick = -1;
  /** Per-tick changes: capacity rows of `columns` numbers; null while nothing changed in the window. */
  private ring: Int32Array | Float64Array | null = null;
  /** Bit i set: value i has a ring column, the popcount of the bits below i. */
  private mask = 0;
  private columns = 0;
  /** The last tick at which a value changed. */
  private changedTick = -1;

  /**
   * width: values per tick; wide: changes may exceed 32 bits per tick (byte counters),
   * so the ring holds doubles instead of 32-bit integers.
   */
  constructor(
    readonly width: number,
    private readonly wide: boolean,
  ) {
    this.last = new Array<number>(width).fill(0);
  }

  /** Bytes of values this series holds now (the last values and the ring; for the memory figures in tests). */
  get bytes(): number {
    return this.width * 8 + (this.ring?.byteLength ?? 0);
  }

  /** True when the history ring is allocated (some value changed in the last window). */
  get hasHistory(): boolean {
    return this.ring !== null;
  }

  /** Records values (width numbers) as tick `tick` of clock. */
  record(clock: StatsClock, tick: number, values: ArrayLike<number>): void {
    const last = this.last;
    const w = this.width;
    if (this.lastTick < 0) {
      for (let i = 0; i < w; i++) last[i] = values[i];
      this.firstTick = this.lastTick = tick;
      return;
    }
    let changed = 0;
    for (let i = 0; i < w; i++) if (values[i] !== last[i]) changed |= 1 << i;
    const cap = clock.capacity;
    if (changed === 0) {
      if (this.ring !== null) {
        if (tick - this.changedTick >= cap) this.dropRing();
        else this.zeroRows(cap, this.lastTick + 1, tick);
      }
      this.lastTick = tick;
      return;
    }
    if ((changed & ~this.mask) !== 0 || this.ring === null) this.addColumns(cap, changed);
    // Ticks skipped (none normally: every object is sampled at every tick) changed nothing.
    this.zeroRows(cap, this.lastTick + 1, tick - 1);
    const ring = this.ring as Int32Array | Float64Array;
    const mask = this.mask;
    let at = (tick % cap) * this.columns;
    for (let i = 0; i < w; i++) {
      if ((mask & (1 << i)) !== 0) ring[at++] = values[i] - last[i];
      last[i] = values[i];
    }
    this.changedTick = tick;
    this.lastTick = tick;
  }

  /** The change of value i at tick n (from tick n - 1), n within the window. */
  delta(clock: StatsClock, i: number, n: number): number {
    const bit = 1 << i;
    if (this.ring === null || (this.mask & bit) === 0 || n <= this.firstTick || n > this.lastTick) return 0;
    return this.ring[(n % clock.capacity) * this.columns + popcount(this.mask & (bit - 1))];
  }

  /**
   * The per-second rate of value i over the last interval (RabbitMQ's instant rate: the last two
   * samples); 0 with fewer than two samples or when the series is not current.
   */
  rate(clock: StatsClock, i: number): number {
    const n = this.lastTick;
    if (n !== clock.tick || n <= this.firstTick) return 0;
    const d = this.delta(clock, i, n);
    if (d === 0) return 0;
    return (d * 1000) / (clock.timeOf(n) - clock.timeOf(n - 1));
  }

  /**
   * Values of i at the given ticks (newest first, non-increasing), written to out: a tick before
   * the first sample gives 0, one older than the window the oldest kept value, LIVE_TICK `live`.
   */
  valuesAt(clock: StatsClock, i: number, ticks: ArrayLike<number>, live: number, out: Float64Array): void {
    let n = this.lastTick;
    let v = this.last[i];
    const oldest = Math.max(clock.oldest, this.firstTick);
    for (let j = 0; j < ticks.length; j++) {
      let t = ticks[j];
      if (t === LIVE_TICK) {
        out[j] = live;
        continue;
      }
      // Before the object's first sample it did not exist (a tick older than the window too, if
      // it was first sampled inside the window).
      if (this.lastTick < 0 || t === BEFORE_FIRST || (t >= 0 && t < this.firstTick) || (t === OLDER_THAN_KEPT && this.firstTick >= clock.oldest)) {
        out[j] = 0;
        continue;
      }
      if (t === OLDER_THAN_KEPT || t < oldest) t = oldest;
      while (n > t) {
        v -= this.delta(clock, i, n);
        n--;
      }
      out[j] = v;
    }
  }

  /** Gives the values in `bits` a column too (zeros: they did not change before), re-laying the ring in bit order. */
  private addColumns(cap: number, bits: number): void {
    const oldMask = this.mask;
    const mask = oldMask | bits;
    const k = popcount(mask);
    const ring = this.wide ? new Float64Array(cap * k) : new Int32Array(cap * k);
    const old = this.ring;
    if (old !== null) {
      const oldK = this.columns;
      // Where each old column goes in the new layout.
      const to: number[] = [];
      for (let i = 0; i < this.width; i++) if ((oldMask & (1 << i)) !== 0) to.push(popcount(mask & ((1 << i) - 1)));
      for (let r = 0; r < cap; r++) for (let c = 0; c < oldK; c++) ring[r * k + to[c]] = old[r * oldK + c];
    }
    this.ring = ring;
    this.mask = mask;
    this.columns = k;
  }

  private zeroRows(cap: number, from: number, to: number): void {
    const ring = this.ring;
    if (ring === null || to < from) return;
    const k = this.columns;
    for (let n = Math.max(from, to - cap + 1); n <= to; n++) ring.fill(0, (n % cap) * k, (n % cap) * k + k);
  }

  private dropRing(): void {
    this.ring = null;
    this.mask = 0;
    this.columns = 0;
  }
}

/** Set bits of a 32-bit integer. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** valuesAt: a grid point after the last tick, answered with the live value. */
export const LIVE_TICK = -3;
