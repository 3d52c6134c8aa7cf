import type { Message } from '../message.js';
import { NOT_STORED, type StoreState } from '../persistence.js';
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
  /** Persistence (store/): where the index record stands (NOT_STORED, STORE_PENDING, STORE_WRITTEN in broker/persistence.ts). */
  storeState: StoreState = NOT_STORED;
  /**
   * Persistence: id of the group-commit batch that wrote the index record
   * while storeState is STORE_WRITTEN (0: it was on disk before this process
   * wrote anything, i.e. recovered or read back); durable once that batch is.
   */
  storeBatch = 0;

  constructor(queue: Queue, seq: number, message: Message, expiresAt: number) {
    this.queue = queue;
    this.seq = seq;
    this.message = message;
    this.expiresAt = expiresAt;
  }
}
