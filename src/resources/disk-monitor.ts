import { statfs } from 'node:fs';
import type { Logger } from 'pino';
import type { ResourceAlarms } from './alarms.js';

/** The alarm source name of the free disk space check. */
export const DISK_FREE_ALARM = 'disk_free_limit';
/** RabbitMQ rabbit_disk_monitor: checks at least every 10 s, at most every 100 ms. */
const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 10_000;
/** RabbitMQ's assumed fastest disk write rate, bytes per ms (250 MiB/s): how soon free space could reach the limit. */
const FAST_RATE = (250 * 1024 * 1024) / 1000;

/**
 * RabbitMQ's disk free limit: the free space of the file system holding the
 * data directory is checked with statfs (cheap, no child process), sooner the
 * closer it is to the limit; below `disk_free_limit` bytes the disk alarm is
 * raised (publishers are blocked), at or above it the alarm clears.
 */
export class DiskMonitor {
  /** Free bytes at the last check (-1 before the first), for the management API. */
  free = -1;
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly dir: string,
    private limitBytes: number,
    private readonly alarms: ResourceAlarms,
    private readonly logger: Logger,
  ) {}

  /** The limit in bytes. */
  get limit(): number {
    return this.limitBytes;
  }

  /** Checks now, then periodically until stop(). */
  start(): void {
    this.stopped = false;
    this.check();
  }

  /** Stops checking and clears the alarm this monitor raised. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.alarms.clear(DISK_FREE_ALARM);
  }

  /** Changes the limit and checks at once (rabbitmqctl set_disk_free_limit). */
  setLimit(bytes: number): void {
    this.limitBytes = bytes;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.check();
  }

  private check(): void {
    if (this.checking || this.stopped) return;
    this.checking = true;
    statfs(this.dir, (err, s) => {
      this.checking = false;
      if (this.stopped) return;
      if (err) {
        // Like RabbitMQ when it cannot determine the free space: log it, keep the alarm state as it is.
        if (!this.failing) this.logger.error({ err: err.message, dir: this.dir }, 'cannot determine free disk space');
        this.failing = true;
        this.schedule(MAX_INTERVAL_MS);
        return;
      }
      this.failing = false;
      const free = s.bavail * s.bsize;
      this.free = free;
      const limit = this.limitBytes;
      if (free < limit && !this.alarms.has(DISK_FREE_ALARM)) {
        this.logger.warn({ free, limit }, 'free disk space is below the limit: disk alarm raised, publishers are blocked');
        this.alarms.raise(DISK_FREE_ALARM, 'disk');
      } else if (free >= limit && this.alarms.has(DISK_FREE_ALARM)) {
        this.logger.warn({ free, limit }, 'free disk space is back above the limit: disk alarm cleared');
        this.alarms.clear(DISK_FREE_ALARM);
      }
      // RabbitMQ rabbit_disk_monitor interval/1: every 10 s while alarmed, else 2 * (free - limit) / fast rate within [100 ms, 10 s].
      const ideal = free < limit ? MAX_INTERVAL_MS : (2 * (free - limit)) / FAST_RATE;
      this.schedule(Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, ideal)));
    });
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.check();
    }, ms);
    this.timer.unref();
  }
}
