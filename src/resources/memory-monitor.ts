/** How often memory use is sampled when no threshold is near (RabbitMQ's memory monitor checks every 2.5 s by default). */
const SAMPLE_MS = 1000;
/** The shortest interval, close to a threshold. */
const MIN_SAMPLE_MS = 100;
/** The fastest RSS growth assumed, bytes per ms (256 MiB/s: a fast publisher of small transient messages): how soon a threshold could be reached. */
const FAST_GROWTH = (256 * 1024 * 1024) / 1000;

/** A memory threshold and who is told when use crosses it. */
interface MemoryWatch {
  thresholdBytes: number;
  over: boolean;
  onChange: (over: boolean) => void;
}

/**
 * The process's memory use (resident set size, as RabbitMQ's `rss` strategy
 * measures it), sampled while anything watches a threshold (the store's paging
 * threshold, the memory alarm's high watermark): once a second when far from
 * every threshold below use, sooner the closer use is to one (as the disk
 * monitor does), down to every 100 ms, so a fast publisher cannot run far past
 * the watermark between two samples. A sample costs one read of the RSS.
 */
export class MemoryMonitor {
  /** Bytes in use at the last sample (-1 before the first), for the management API. */
  used = -1;
  private readonly watches: MemoryWatch[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly tick = (): void => {
    this.timer = null;
    this.sample();
    this.schedule();
  };

  /**
   * Calls onChange(true) when a sample is at or above thresholdBytes and
   * onChange(false) when one is below it again (use starts out counted as
   * below). Returns the function that stops watching.
   */
  watch(thresholdBytes: number, onChange: (over: boolean) => void): () => void {
    const w: MemoryWatch = { thresholdBytes, over: false, onChange };
    this.watches.push(w);
    if (this.timer === null) this.schedule();
    return () => this.unwatch(w);
  }

  private unwatch(w: MemoryWatch): void {
    const i = this.watches.indexOf(w);
    if (i !== -1) this.watches.splice(i, 1);
    if (this.watches.length === 0 && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** The next sample: sooner the closer use is to a threshold it has not reached yet. */
  private schedule(): void {
    if (this.watches.length === 0) return;
    let ms = SAMPLE_MS;
    if (this.used >= 0) {
      for (const w of this.watches) {
        if (w.over) continue;
        const t = (w.thresholdBytes - this.used) / FAST_GROWTH;
        if (t < ms) ms = t;
      }
    }
    this.timer = setTimeout(this.tick, Math.max(MIN_SAMPLE_MS, Math.floor(ms)));
    this.timer.unref();
  }

  private sample(): void {
    const used = process.memoryUsage.rss();
    this.used = used;
    // A copy: a watcher may stop watching (or start another watch) from its callback.
    for (const w of [...this.watches]) {
      const over = used >= w.thresholdBytes;
      if (over === w.over) continue;
      w.over = over;
      w.onChange(over);
    }
  }
}
