import { Deque } from '../../broker/queue/deque.js';

/** Writes one basic.ack or basic.nack on the channel. */
export type ConfirmSender = (ack: boolean, deliveryTag: number, multiple: boolean) => void;

/**
 * A confirm-mode channel's publisher confirms. Sequence numbers start at 1;
 * at each flush one basic.ack (multiple) covers every confirm that is ready.
 * A publish can be held until the store has made it durable (`hold`, then
 * `release` when its batch is on disk) or refused (`nack`: x-overflow
 * reject-publish, a failed write). Held sequence numbers are a barrier: acks
 * never go past the oldest one still held, so acks stay in order; a nack is
 * sent as soon as it is known (RabbitMQ also confirms out of order).
 */
export class ConfirmTracker {
  /** Last sequence number handed out. */
  private published = 0;
  /** Every sequence number up to this one has been acked or nacked on the wire. */
  private confirmed = 0;
  /** Sequence numbers waiting for the disk, ascending. */
  private readonly held = new Deque<number>(16);
  /** Sequence numbers to nack at the next flush, ascending. */
  private nacks: number[] = [];
  /** Nacks sent so far (statistics: the acked ones are the rest). */
  private nacked = 0;

  /** Assigns the next publish sequence number. */
  next(): number {
    return ++this.published;
  }

  /** The publish `seq` may only be acked once `release(seq)` (or a later one) is called. */
  hold(seq: number): void {
    this.held.push(seq);
  }

  /** The store made every held publish up to and including `seq` durable. */
  release(seq: number): void {
    while (this.held.length !== 0 && (this.held.peek() as number) <= seq) this.held.shift();
  }

  /** The store failed to write held publishes up to `seq`: they are nacked instead. */
  fail(seq: number): void {
    while (this.held.length !== 0 && (this.held.peek() as number) <= seq) this.nacks.push(this.held.shift() as number);
    this.nacks.sort((a, b) => a - b);
  }

  /** The publish `seq` was refused (reject-publish): nack it at the next flush. */
  nack(seq: number): void {
    const n = this.nacks;
    if (n.length === 0 || n[n.length - 1] < seq) n.push(seq);
    else {
      n.push(seq);
      n.sort((a, b) => a - b);
    }
  }

  /** Number of publishes not yet confirmed on the wire (RabbitMQ's messages_unconfirmed). */
  get unconfirmed(): number {
    return this.published - this.confirmed;
  }

  /** Every sequence number up to this one has been acked or nacked on the wire. */
  get settled(): number {
    return this.confirmed;
  }

  /** Sequence numbers handed out so far (publishes in confirm mode). */
  get sequenced(): number {
    return this.published;
  }

  /** Publishes confirmed with basic.ack so far (RabbitMQ's confirm count): everything settled on the wire but the nacks. */
  get acked(): number {
    return this.confirmed - this.nacked;
  }

  /** True when a flush would send something. */
  get hasPending(): boolean {
    return this.nacks.length !== 0 || this.ackable > this.confirmed;
  }

  /** Highest sequence number that may be acked now. */
  private get ackable(): number {
    return this.held.length === 0 ? this.published : (this.held.peek() as number) - 1;
  }

  /** Sends what is ready: acks before each nack so a multiple ack never covers a nacked publish. */
  flush(send: ConfirmSender): void {
    const ackable = this.ackable;
    if (this.nacks.length !== 0) {
      for (const n of this.nacks) {
        if (n <= this.confirmed) continue;
        const before = Math.min(n - 1, ackable);
        if (before > this.confirmed) {
          send(true, before, before - this.confirmed > 1);
          this.confirmed = before;
        }
        send(false, n, false);
        this.nacked++;
        if (n === this.confirmed + 1) this.confirmed = n;
      }
      this.nacks = [];
    }
    if (ackable > this.confirmed) {
      send(true, ackable, ackable - this.confirmed > 1);
      this.confirmed = ackable;
    }
  }
}
