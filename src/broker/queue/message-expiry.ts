import { DeadlineTimer } from './deadline-timer.js';
import type { QueueEntry } from './queue-entry.js';
import type { ReadyList } from './ready-list.js';

/** How many expired messages one pass drops before it yields (a million expiring at once must not block). */
const EXPIRE_BUDGET = 4096;

/**
 * The absolute expiry of a message published now: the lower of its own TTL
 * (expiration property) and the queue's x-message-ttl, -1 meaning none; 0 when
 * neither is set (never expires).
 */
export function expiryOf(messageTtl: number, queueTtl: number, now: number): number {
  if (messageTtl < 0 && queueTtl < 0) return 0;
  return now + (messageTtl < 0 ? queueTtl : queueTtl < 0 ? messageTtl : Math.min(messageTtl, queueTtl));
}

/**
 * Message TTL of a queue: only the head expires (RabbitMQ: a long-TTL message
 * shields expired ones behind it), checked whenever the head changes while
 * `active`, and by one timer armed for the head's deadline.
 */
export class MessageExpiry {
  /** True while the ready list may hold entries that expire: only then does the queue call run() after the head changes. */
  active = false;
  private readonly timer = new DeadlineTimer(() => this.guarded());
  private scheduled = false;
  private readonly later = (): void => {
    this.scheduled = false;
    this.guarded();
  };

  /**
   * @param ready     the queue's ready list
   * @param expire    removes an expired entry (dead-letters it, reason expired)
   * @param afterDrop called after a pass that dropped entries (flow control relief)
   * @param onError   reports an error thrown from a timer-driven pass
   */
  constructor(
    private readonly ready: ReadyList,
    private readonly expire: (entry: QueueEntry) => void,
    private readonly afterDrop: () => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Drops expired messages at the head and arms the timer for the new head's deadline; yields every EXPIRE_BUDGET drops. */
  run(): void {
    const ready = this.ready;
    const now = Date.now();
    let n = 0;
    for (;;) {
      const head = ready.peek();
      if (head === undefined || head.expiresAt === 0) {
        // Paged entries keep their expiry: checked when they are loaded into the head.
        if (head === undefined && ready.length === 0) this.active = false;
        break;
      }
      if (head.expiresAt > now) {
        this.timer.armBy(head.expiresAt, now);
        break;
      }
      if (n++ === EXPIRE_BUDGET) {
        if (!this.scheduled) {
          this.scheduled = true;
          setImmediate(this.later);
        }
        break;
      }
      this.expire(ready.shift() as QueueEntry);
    }
    if (n !== 0) this.afterDrop();
  }

  /** Disarms the timer (the ready list was emptied). */
  clear(): void {
    this.timer.clear();
  }

  private guarded(): void {
    try {
      this.run();
    } catch (e) {
      this.onError(e);
    }
  }
}
