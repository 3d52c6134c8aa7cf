import { DeadlineTimer } from './deadline-timer.js';
import type { Queue } from './queue.js';

/**
 * x-expires (queue TTL): a queue unused for that long is deleted. "Unused"
 * means no consumers, no basic.get and no redeclaration (RabbitMQ): the
 * countdown runs only while the queue has no consumers and restarts on each
 * use. One unref'd timer per queue, armed only when x-expires is set.
 */
export class QueueExpiry {
  private readonly timer = new DeadlineTimer(() => {
    try {
      this.check();
    } catch (e) {
      this.queue.onError(e);
    }
  });
  private idleSince = 0;

  constructor(private readonly queue: Queue) {}

  /** The queue was used (basic.get, redeclare): restarts the countdown. */
  touch(): void {
    if (this.queue.settings.expires >= 0) this.idleSince = Date.now();
  }

  /** Starts the countdown when x-expires is set and the queue has no consumers, else stops it. */
  arm(): void {
    const q = this.queue;
    const ms = q.settings.expires;
    if (ms < 0 || q.deleted || q.consumerCount !== 0) {
      this.timer.clear();
      return;
    }
    const now = Date.now();
    this.idleSince = now;
    this.timer.arm(now + ms, now);
  }

  /** Stops the countdown (a consumer attached, or the queue was deleted). */
  clear(): void {
    this.timer.clear();
  }

  private check(): void {
    const q = this.queue;
    const ms = q.settings.expires;
    if (ms < 0 || q.deleted || q.consumerCount !== 0) return;
    const now = Date.now();
    if (now >= this.idleSince + ms) q.onExpire(q);
    else this.timer.arm(this.idleSince + ms, now);
  }
}
