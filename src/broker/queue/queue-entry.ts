import type { Message } from '../message.js';
import type { Consumer } from '../consumer.js';
import type { Queue } from './queue.js';

/**
 * One message's place in one queue. The same object travels from the queue's
 * ready list to a channel's unacked map and back on requeue, so a delivery
 * allocates nothing more.
 */
export class QueueEntry {
  /** Position in the queue's publication order; requeued entries go back by it. */
  readonly seq: number;
  readonly message: Message;
  readonly queue: Queue;
  /**
   * When the message expires (Date.now() ms), 0 when it never does. Always a
   * number so entries with and without TTL share one shape; kept on requeue.
   */
  readonly expiresAt: number;
  /** True once it has been delivered and requeued. */
  redelivered = false;
  /** Set while delivered and unacknowledged on a channel. */
  deliveryTag = 0;
  /** The consumer it was delivered to; null for basic.get. */
  consumer: Consumer | null = null;
  /** When it was last delivered for an ack (ms since the epoch), for the consumer timeout. */
  deliveredAt = 0;
  /** Persistence (store/): 0 not stored, 1 index record waiting in the filling batch, 2 written (or being written). */
  storeState = 0;

  constructor(queue: Queue, seq: number, message: Message, expiresAt: number) {
    this.queue = queue;
    this.seq = seq;
    this.message = message;
    this.expiresAt = expiresAt;
  }
}
