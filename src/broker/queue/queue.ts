import type { FieldTable } from '../field-table-types.js';
import type { Consumer } from '../consumer.js';
import type { Message } from '../message.js';
import type { QueueJournal } from '../message-store.js';
import { Deque } from './deque.js';
import { QueueEntry } from './queue-entry.js';

/** How many deliveries one dispatch pass makes before it yields to the event loop (heartbeats, other sockets). */
const DISPATCH_BUDGET = 2048;

/**
 * Flow control (RabbitMQ's credit flow, simplified): while a queue that has
 * consumers holds more than FLOW_HIGH ready messages, publishers to it are
 * paused until it drains below FLOW_LOW. Queues without consumers take
 * backlogs at full speed.
 */
const FLOW_HIGH = 10_000;
const FLOW_LOW = 5_000;

/** Declared properties of a queue. */
export interface QueueOptions {
  durable: boolean;
  autoDelete: boolean;
  /** The owning connection for an exclusive queue, null otherwise. */
  exclusiveOwner: object | null;
  arguments: FieldTable;
}

/**
 * A classic queue: ready messages in publication order, consumers served round
 * robin (highest x-priority first), deliveries counted against prefetch.
 */
export class Queue {
  readonly name: string;
  readonly vhost: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly exclusiveOwner: object | null;
  readonly arguments: FieldTable;
  /** Consumers, highest priority first, registration order within a priority. */
  readonly consumers: Consumer[] = [];
  /** Delivered to a consumer or basic.get and not yet acked. */
  unackedCount = 0;
  /** Set once a consumer ever attached (auto-delete only applies after that). */
  hadConsumers = false;
  /** Set when deleted; late acks and requeues are then dropped. */
  deleted = false;
  /** Counters for statistics. */
  readonly stats = { published: 0, delivered: 0, acked: 0, redelivered: 0 };
  /** Persistence: set on durable queues by the message store (null = nothing is stored). */
  journal: QueueJournal | null = null;

  private readonly ready = new Deque<QueueEntry>(64);
  /** Resume callbacks of publishers paused by flow control. */
  private readonly flowWaiters = new Set<() => void>();
  private nextSeq = 1;
  private rr = 0;
  private mixedPriorities = false;
  private dispatching = false;
  private dispatchScheduled = false;
  /** Reports an unexpected error from a deferred dispatch (nothing else is on the stack to catch it). */
  onError: (err: unknown) => void = () => {};
  private readonly dispatchLater = (): void => {
    this.dispatchScheduled = false;
    try {
      this.dispatch();
    } catch (e) {
      this.onError(e);
    }
  };

  constructor(name: string, vhost: string, opts: QueueOptions) {
    this.name = name;
    this.vhost = vhost;
    this.durable = opts.durable;
    this.autoDelete = opts.autoDelete;
    this.exclusiveOwner = opts.exclusiveOwner;
    this.arguments = opts.arguments;
  }

  /** True for an exclusive queue. */
  get isExclusive(): boolean {
    return this.exclusiveOwner !== null;
  }

  /** Messages ready for delivery. */
  get messageCount(): number {
    return this.ready.length;
  }

  /** Number of consumers. */
  get consumerCount(): number {
    return this.consumers.length;
  }

  /** True when publishers to this queue should pause (it has consumers and a long backlog). */
  get congested(): boolean {
    return this.ready.length > FLOW_HIGH && this.consumers.length !== 0;
  }

  /** Registers a paused publisher's resume callback, called once the backlog drains or consumers go. */
  onRelief(resume: () => void): void {
    this.flowWaiters.add(resume);
  }

  private relieve(): void {
    if (this.flowWaiters.size === 0) return;
    const waiters = [...this.flowWaiters];
    this.flowWaiters.clear();
    for (const w of waiters) w();
  }

  /** Appends a message and delivers it at once when a consumer has room. */
  enqueue(message: Message): void {
    const entry = new QueueEntry(this, this.nextSeq++, message);
    if (this.journal !== null && message.persistent) this.journal.enqueued(entry); // persistence hook
    this.ready.push(entry);
    this.stats.published++;
    if (this.consumers.length !== 0 && !this.dispatching) this.dispatch();
  }

  /** basic.get: takes the head message (the caller tracks it as unacked unless no-ack). */
  take(noAck: boolean): QueueEntry | undefined {
    const entry = this.ready.shift();
    if (entry === undefined) return undefined;
    this.stats.delivered++;
    if (!noAck) this.unackedCount++;
    if (entry.storeState !== 0) this.persistDelivery(entry, noAck); // persistence hook
    return entry;
  }

  /** Persistence hook: a stored entry was delivered (no-ack: it is gone; otherwise mark it delivered once). */
  private persistDelivery(entry: QueueEntry, noAck: boolean): void {
    const j = this.journal as QueueJournal;
    if (noAck) j.removed(entry);
    else if (!entry.redelivered) j.delivered(entry);
  }

  /** An unacked entry was acknowledged (or rejected without requeue). */
  settle(entry: QueueEntry): void {
    this.unlink(entry);
    if (entry.storeState !== 0) (this.journal as QueueJournal).removed(entry); // persistence hook
  }

  private unlink(entry: QueueEntry): void {
    this.unackedCount--;
    this.stats.acked++;
    const c = entry.consumer;
    if (c !== null) {
      c.unacked--;
      entry.consumer = null;
    }
  }

  /**
   * Puts unacked entries back at their original positions (RabbitMQ keeps
   * publication order on requeue since 2.7.0), marked redelivered.
   */
  requeue(entries: QueueEntry[]): void {
    if (entries.length === 0) return;
    for (const e of entries) this.unlink(e);
    if (this.deleted) {
      for (const e of entries) if (e.storeState !== 0) (this.journal as QueueJournal).removed(e); // persistence hook
      return;
    }
    // Newest first, so each one goes in front of the previous when they precede the ready list.
    entries.sort((a, b) => b.seq - a.seq);
    for (const e of entries) {
      e.redelivered = true;
      e.deliveryTag = 0;
      this.stats.redelivered++;
      this.insertBySeq(e);
    }
    this.scheduleDispatch();
  }

  /** Removes every ready message; returns how many. */
  purge(): number {
    const n = this.ready.length;
    const gone = this.ready.drain();
    if (this.journal !== null) this.journalRemoveAll(gone); // persistence hook
    this.relieve();
    return n;
  }

  /** Persistence hook: stored entries dropped by purge or deletion. */
  private journalRemoveAll(entries: QueueEntry[]): void {
    const j = this.journal as QueueJournal;
    for (const e of entries) if (e.storeState !== 0) j.removed(e);
  }

  /** Persistence (recovery): appends a stored message at its stored position, before any consumer exists. */
  restore(seq: number, message: Message, redelivered: boolean): QueueEntry {
    const entry = new QueueEntry(this, seq, message);
    entry.redelivered = redelivered;
    this.ready.push(entry);
    this.stats.published++;
    if (seq >= this.nextSeq) this.nextSeq = seq + 1;
    return entry;
  }

  /** Registers a consumer and starts delivering to it. */
  addConsumer(c: Consumer): void {
    let i = this.consumers.length;
    while (i > 0 && (this.consumers[i - 1] as Consumer).priority < c.priority) i--;
    this.consumers.splice(i, 0, c);
    if (this.consumers.length > 1 && (this.consumers[0] as Consumer).priority !== (this.consumers[this.consumers.length - 1] as Consumer).priority) {
      this.mixedPriorities = true;
    }
    this.hadConsumers = true;
    this.scheduleDispatch();
  }

  /** Unregisters a consumer; returns true when it was the last one and the queue is auto-delete. */
  removeConsumer(c: Consumer): boolean {
    const i = this.consumers.indexOf(c);
    if (i < 0) return false;
    this.consumers.splice(i, 1);
    if (this.rr > i) this.rr--;
    if (this.consumers.length === 0) {
      this.mixedPriorities = false;
      this.relieve();
      return this.autoDelete;
    }
    return false;
  }

  /** Drops all state at deletion; returns the consumers to cancel. */
  markDeleted(): Consumer[] {
    this.deleted = true;
    const gone = this.ready.drain();
    if (this.journal !== null) this.journalRemoveAll(gone); // persistence hook
    this.relieve();
    return this.consumers.splice(0, this.consumers.length);
  }

  /** Delivers on the next turn of the event loop (after acks free capacity, after drain). */
  scheduleDispatch(): void {
    if (this.dispatchScheduled || this.deleted || this.consumers.length === 0) return;
    this.dispatchScheduled = true;
    setImmediate(this.dispatchLater);
  }

  /** Hands ready messages to consumers with capacity, round robin. */
  dispatch(): void {
    if (this.dispatching || this.deleted) return;
    this.dispatching = true;
    try {
      let budget = DISPATCH_BUDGET;
      while (this.ready.length !== 0) {
        const c = this.mixedPriorities ? this.nextByPriority() : this.nextRoundRobin();
        if (c === undefined) return;
        if (--budget === 0) {
          this.scheduleDispatch();
          return;
        }
        const entry = this.ready.shift() as QueueEntry;
        this.stats.delivered++;
        if (!c.noAck) {
          c.unacked++;
          this.unackedCount++;
          entry.consumer = c;
        }
        c.owner.deliver(c, entry);
        if (entry.storeState !== 0) this.persistDelivery(entry, c.noAck); // persistence hook
      }
    } finally {
      this.dispatching = false;
      if (this.flowWaiters.size !== 0 && this.ready.length <= FLOW_LOW) this.relieve();
    }
  }

  private nextRoundRobin(): Consumer | undefined {
    const cs = this.consumers;
    const n = cs.length;
    if (n === 0) return undefined;
    if (this.rr >= n) this.rr = 0;
    for (let k = 0; k < n; k++) {
      const i = this.rr + k < n ? this.rr + k : this.rr + k - n;
      const c = cs[i] as Consumer;
      if (c.hasCapacity()) {
        this.rr = i + 1;
        return c;
      }
    }
    return undefined;
  }

  /** RabbitMQ consumer priorities: lower-priority consumers only get messages when all higher ones are blocked. */
  private nextByPriority(): Consumer | undefined {
    const cs = this.consumers;
    let start = 0;
    while (start < cs.length) {
      const p = (cs[start] as Consumer).priority;
      let end = start;
      while (end < cs.length && (cs[end] as Consumer).priority === p) end++;
      for (let i = start; i < end; i++) {
        const c = cs[i] as Consumer;
        if (c.hasCapacity()) {
          // Round robin within the priority group: move the served consumer to the end of its group.
          if (i !== end - 1) {
            cs.splice(i, 1);
            cs.splice(end - 1, 0, c);
          }
          return c;
        }
      }
      start = end;
    }
    return undefined;
  }

  private insertBySeq(e: QueueEntry): void {
    const head = this.ready.peek();
    if (head === undefined || e.seq < head.seq) {
      this.ready.unshift(e);
      return;
    }
    // Rare: a requeued entry lands between ready ones (e.g. other entries were requeued earlier). Binary search.
    let lo = 0;
    let hi = this.ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ready.at(mid) as QueueEntry).seq < e.seq) lo = mid + 1;
      else hi = mid;
    }
    this.ready.insertAt(lo, e);
  }
}
