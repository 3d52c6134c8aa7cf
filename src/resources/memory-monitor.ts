/** How often memory use is sampled (RabbitMQ's memory monitor checks about every second). */
const SAMPLE_MS = 1000;

/** A memory threshold and who is told when use crosses it. */
interface MemoryWatch {
  thresholdBytes: number;
  over: boolean;
  onChange: (over: boolean) => void;
}

/**
 * The process's memory use (resident set size, as RabbitMQ's `rss` strategy
 * measures it), sampled once a second while anything watches a threshold
 * (the store's paging threshold; a memory alarm's high watermark would be one
 * more watch on the same sample).
 */
export class MemoryMonitor {
  /** Bytes in use at the last sample (-1 before the first), for the management API. */
  used = -1;
  private readonly watches: MemoryWatch[] = [];
  private timer: NodeJS.Timeout | null = null;

  /**
   * Calls onChange(true) when a sample is at or above thresholdBytes and
   * onChange(false) when one is below it again (use starts out counted as
   * below). Returns the function that stops watching.
   */
  watch(thresholdBytes: number, onChange: (over: boolean) => void): () => void {
    const w: MemoryWatch = { thresholdBytes, over: false, onChange };
    this.watches.push(w);
    if (this.timer === null) {
      this.timer = setInterval(() => this.sample(), SAMPLE_MS);
      this.timer.unref();
    }
    return () => this.unwatch(w);
  }

  private unwatch(w: MemoryWatch): void {
    const i = this.watches.indexOf(w);
    if (i !== -1) this.watches.splice(i, 1);
    if (this.watches.length === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private sample(): void {
    const used = process.memoryUsage.rss();
    this.used = used;
    for (const w of this.watches) {
      const over = used >= w.thresholdBytes;
      if (over === w.over) continue;
      w.over = over;
      w.onChange(over);
    }
  }
}
