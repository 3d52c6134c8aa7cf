import { unknownDeliveryTag } from '../../broker/errors.js';
import type { QueueEntry } from '../../broker/queue/queue-entry.js';
import type { Queue } from '../../broker/queue/queue.js';

/**
 * A channel's deliveries waiting for an acknowledgement, by delivery tag.
 * Tags only grow, so the Map's insertion order is tag order: the oldest
 * delivery is first (the consumer timeout looks at it) and `multiple` acks
 * walk from the front.
 */
export class Unacked {
  private readonly byTag = new Map<number, QueueEntry>();

  /** Number of unacknowledged deliveries. */
  get size(): number {
    return this.byTag.size;
  }

  /** The delivery tags waiting for an ack, ascending (read by the management API). */
  tags(): IterableIterator<number> {
    return this.byTag.keys();
  }

  /** The oldest unacknowledged delivery, if any. */
  oldest(): QueueEntry | undefined {
    return this.byTag.values().next().value;
  }

  /** Records a delivery (basic.deliver or get-ok) that needs an ack, stamped for the consumer timeout. */
  add(tag: number, entry: QueueEntry): void {
    entry.deliveryTag = tag;
    entry.deliveredAt = Date.now();
    this.byTag.set(tag, entry);
  }

  /**
   * The entries an ack/nack/reject names, removed. Like RabbitMQ's
   * collect_acks: tag 0 + multiple = all; an unknown tag is 406 and settles nothing.
   */
  collect(tag: number, multiple: boolean): QueueEntry[] {
    if (multiple && tag === 0) return this.takeAll();
    const entry = this.byTag.get(tag);
    if (entry === undefined) throw unknownDeliveryTag(tag);
    if (!multiple) {
      this.byTag.delete(tag);
      return [entry];
    }
    const out: QueueEntry[] = [];
    for (const [t, e] of this.byTag) {
      if (t > tag) break;
      out.push(e);
      this.byTag.delete(t);
    }
    return out;
  }

  /** Removes and returns every unacknowledged delivery (recover, channel close). */
  takeAll(): QueueEntry[] {
    const all = [...this.byTag.values()];
    this.byTag.clear();
    return all;
  }
}

/** Puts entries back in their queues at their original positions, marked redelivered: one requeue per queue. */
export function requeueEntries(entries: readonly QueueEntry[]): void {
  if (entries.length === 0) return;
  const byQueue = new Map<Queue, QueueEntry[]>();
  for (const e of entries) {
    let list = byQueue.get(e.queue);
    if (list === undefined) byQueue.set(e.queue, (list = []));
    list.push(e);
  }
  for (const [q, list] of byQueue) q.requeue(list);
}
