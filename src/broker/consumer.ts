import type { FieldTable } from '../amqp/codec/field-value.js';
import type { Queue } from './queue/queue.js';
import type { QueueEntry } from './queue/queue-entry.js';

/**
 * What a consumer is attached to: in practice a server channel. The broker
 * calls it to hand over deliveries and never sees sockets or frames.
 */
export interface ConsumerOwner {
  /** True when the channel and its connection can take one more delivery now (global prefetch, socket backpressure). */
  canDeliver(consumer: Consumer): boolean;
  /** Sends entry to the consumer's client (basic.deliver). */
  deliver(consumer: Consumer, entry: QueueEntry): void;
  /** The queue went away under the consumer (server-side basic.cancel). */
  cancelledByBroker(consumer: Consumer): void;
  /** The owning connection, for exclusive-queue checks. */
  readonly connectionOwner: object;
}

/** A basic.consume subscription. */
export class Consumer {
  readonly tag: string;
  readonly queue: Queue;
  readonly owner: ConsumerOwner;
  readonly noAck: boolean;
  readonly exclusive: boolean;
  /** x-priority from basic.consume arguments (RabbitMQ consumer priorities). */
  readonly priority: number;
  readonly arguments: FieldTable;
  /** Per-consumer prefetch (basic.qos global=false in force when it was created; 0 = unlimited). */
  prefetch: number;
  /** Deliveries not yet acknowledged. */
  unacked = 0;
  /** False for a waiting consumer of a single-active-consumer queue; true otherwise. */
  active = true;

  constructor(
    tag: string,
    queue: Queue,
    owner: ConsumerOwner,
    opts: { noAck: boolean; exclusive: boolean; priority: number; prefetch: number; arguments: FieldTable },
  ) {
    this.tag = tag;
    this.queue = queue;
    this.owner = owner;
    this.noAck = opts.noAck;
    this.exclusive = opts.exclusive;
    this.priority = opts.priority;
    this.prefetch = opts.prefetch;
    this.arguments = opts.arguments;
  }

  /** True when this consumer may receive another message now. */
  hasCapacity(): boolean {
    if (!this.noAck && this.prefetch !== 0 && this.unacked >= this.prefetch) return false;
    return this.owner.canDeliver(this);
  }
}
