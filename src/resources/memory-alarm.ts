import type { Logger } from 'pino';
import type { ResourceAlarms } from './alarms.js';
import { collectGarbage } from './collect-garbage.js';
import type { MemoryMonitor } from './memory-monitor.js';

/** The alarm source name of the memory high watermark (RabbitMQ: {resource_limit, memory, Node}). */
export const MEMORY_ALARM = 'vm_memory_high_watermark';
/**
 * The alarm clears once RSS is below this fraction of the limit. RabbitMQ clears as soon as
 * use is below the limit, so a node at the limit flaps (blocked, one read's worth of
 * publishes accepted, blocked again) every sample; 5 % below the limit the freed room is
 * worth unblocking for, and it is well within what a drain gives back (the queue's bodies
 * are most of what grew), so an alarm never stays raised on an idle node.
 */
export const CLEAR_RATIO = 0.95;
/** While raised, a full garbage collection this often (what consumers release is then given back soon). */
const GC_MS = 1000;

/** What the process holds of JS objects and Buffers (V8 heap in use, external memory). */
function allocated(m: NodeJS.MemoryUsage): number {
  return m.heapUsed + m.external;
}

/**
 * RabbitMQ's memory alarm (vm_memory_monitor): the process's RSS at or above the high
 * watermark raises the 'memory' alarm (publishers are blocked); below CLEAR_RATIO of it the
 * alarm clears (RSS, or RSS less what was freed since the raise: see collect()). One pair of
 * watches on the node's MemoryMonitor sample, and a once-a-second GC and check while raised;
 * each raise and clear is logged once.
 */
export class MemoryAlarm {
  private unwatch: Array<() => void> = [];
  private gcTimer: NodeJS.Timeout | null = null;
  /** The JS heap and Buffers in use when the alarm was raised. */
  private allocatedAtRaise = 0;

  constructor(
    private readonly monitor: MemoryMonitor,
    /** The high watermark in bytes. */
    readonly limit: number,
    private readonly alarms: ResourceAlarms,
    private readonly logger: Logger,
  ) {}

  /** The RSS below which a raised alarm clears. */
  get clearBelow(): number {
    return Math.floor(this.limit * CLEAR_RATIO);
  }

  /** True while raised. */
  get raised(): boolean {
    return this.alarms.has(MEMORY_ALARM);
  }

  /** Starts watching (idempotent). */
  start(): void {
    if (this.unwatch.length !== 0) return;
    this.unwatch.push(
      this.monitor.watch(this.limit, (over) => {
        if (!over || this.raised) return;
        this.logger.warn({ used: this.monitor.used, limit: this.limit }, 'memory use is above the high watermark: memory alarm raised, publishers are blocked');
        this.alarms.raise(MEMORY_ALARM, 'memory');
        this.startCollecting();
      }),
      this.monitor.watch(this.clearBelow, (over) => {
        if (over || !this.raised) return;
        this.logger.warn({ used: this.monitor.used, limit: this.limit, clearBelow: this.clearBelow }, 'memory use is back below the high watermark: memory alarm cleared');
        this.alarms.clear(MEMORY_ALARM);
        this.stopCollecting();
      }),
    );
  }

  /**
   * While raised: a full GC once a second. The bodies a drain releases are external memory
   * that V8 frees only when it collects their Buffers, and a broker whose publishers are
   * blocked allocates little that would make it collect: without this the alarm could stay
   * raised on a drained node.
   */
  private startCollecting(): void {
    if (this.gcTimer !== null) return;
    this.allocatedAtRaise = allocated(process.memoryUsage());
    this.gcTimer = setInterval(() => this.collect(), GC_MS);
    this.gcTimer.unref();
  }

  /**
   * One tick while raised: a full GC, then the clear check on what the process really holds.
   * glibc keeps most of what the freed bodies occupied (a heap of small chunks is not given back
   * to the kernel), so RSS alone hardly falls after a drain and the alarm would stay raised on
   * an empty node. That memory is the process's to reuse: new messages fill it before RSS grows
   * again. So use here is RSS less what was freed since the raise (JS heap plus Buffers then,
   * minus now), and the alarm clears once that is under CLEAR_RATIO of the limit.
   */
  private collect(): void {
    collectGarbage();
    const m = process.memoryUsage();
    const reusable = Math.max(0, this.allocatedAtRaise - allocated(m));
    if (m.rss - reusable < this.clearBelow && this.raised) {
      this.logger.warn({ used: m.rss, reusable, limit: this.limit, clearBelow: this.clearBelow }, 'memory use is back below the high watermark: memory alarm cleared');
      this.alarms.clear(MEMORY_ALARM);
      this.stopCollecting();
    }
  }

  private stopCollecting(): void {
    if (this.gcTimer !== null) clearInterval(this.gcTimer);
    this.gcTimer = null;
  }

  /** Stops watching and clears the alarm. */
  stop(): void {
    for (const u of this.unwatch) u();
    this.unwatch = [];
    this.stopCollecting();
    this.alarms.clear(MEMORY_ALARM);
  }
}
