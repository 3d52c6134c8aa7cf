import type { FieldTable } from '../../amqp/codec/field-value.js';
import type { Consumer } from '../consumer.js';
import type { Message } from '../message.js';
import { ConsumerList } from './consumer-list.js';
import type { DeadLetterer, DeadLetterReason } from './dead-letterer.js';
import { NOT_STORED, type QueueJournal } from '../persistence.js';
import { hasLengthLimit, isOverLimit, wouldOverflow } from './length-limit.js';
import { MessageExpiry, expiryOf } from './message-expiry.js';
import { QueueEntry } from './queue-entry.js';
import { QueueExpiry } from './queue-expiry.js';
import { resolveQueueSettings, type QueueSettings } from './queue-settings.js';
import { PagedList } from './paged-list.js';
import { PriorityList, type ReadyList } from './ready-list.js';
import { QueueCounters } from '../../stats/counters.js';

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
 * A classic queue: ready messages in publication order (or by priority),
 * consumers served round robin (highest x-priority first, or one single
 * active consumer), deliveries counted against prefetch; message TTL expiring
 * at the head, queue expiry, length limits and dead-lettering as its settings
 * (arguments + policy) say.
 */
export class Queue {
  readonly name: string;
  readonly vhost: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly exclusiveOwner: object | null;
  readonly arguments: FieldTable;
  /** Effective behaviour from arguments and policy; recomputed by applyPolicy. */
  settings: QueueSettings;
  /** Name of the policy that applies, if any (management API). */
  policyName: string | undefined = undefined;
  /** Name of the operator policy that applies, if any (management API `operator_policy`). */
  operatorPolicyName: string | undefined = undefined;
  /** The policy's and operator policy's definitions merged (management API `effective_policy_definition`); undefined: none. */
  effectivePolicyDefinition: Readonly<Record<string, unknown>> | undefined = undefined;
  /** Republishes dead-lettered messages (set by the vhost); used only when settings name a dead-letter exchange. */
  deadLetterer: DeadLetterer | null = null;
  /** Persistence: set by the message store through attachJournal (null = nothing is stored; a non-durable queue's journal writes only to page under memory pressure). */
  journal: QueueJournal | null = null;
  /** Called when x-expires runs out (the vhost deletes the queue). */
  onExpire: (q: Queue) => void = () => {};
  /** Reports an unexpected error from deferred work (nothing else is on the stack to catch it). */
  onError: (err: unknown) => void = () => {};
  /** Delivered to a consumer or basic.get and not yet acked. */
  unackedCount = 0;
  /** Body bytes of the unacked deliveries (message_bytes_unacknowledged). */
  unackedBytes = 0;
  /** Set once a consumer ever attached (auto-delete only applies after that). */
  hadConsumers = false;
  /** Set when deleted; late acks and requeues are then dropped. */
  deleted = false;
  /**
   * message_stats counters: publish is counted by vhost.publish (channel publishes only, not
   * dead-lettered copies or recovered messages), deliveries and gets by the channel that made them,
   * ack by settle.
   */
  readonly stats = new QueueCounters();

  private readonly ready: ReadyList;
  /** The ready list when it can page (no x-max-priority), else null: priority queues keep every message in RAM. */
  private readonly paged: PagedList | null;
  private readonly consumerList: ConsumerList;
  /** Resume callbacks of publishers paused by flow control. */
  private readonly flowWaiters = new Set<() => void>();
  private nextSeq = 1;
  private dispatching = false;
  private dispatchScheduled = false;
  /** Message TTL: `ttl.active` while the ready list may hold entries that expire. */
  private readonly ttl: MessageExpiry;
  /** True when x-max-length or x-max-length-bytes is set. */
  private limited: boolean;
  /** x-expires: counts down while the queue has no consumers. */
  private readonly expiry = new QueueExpiry(this);
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
    this.settings = resolveQueueSettings(opts.arguments);
    this.limited = hasLengthLimit(this.settings);
    if (this.settings.maxPriority > 0) {
      this.ready = new PriorityList(this.settings.maxPriority);
      this.paged = null;
    } else {
      this.ready = this.paged = new PagedList(this, (expiring) => this.loaded(expiring));
    }
    this.ttl = new MessageExpiry(
      this.ready,
      (e) => this.removed(e, 'expired'),
      () => {
        if (this.flowWaiters.size !== 0 && this.ready.length <= FLOW_LOW) this.relieve();
      },
      (e) => this.onError(e),
    );
    this.consumerList = new ConsumerList(this.settings.singleActiveConsumer);
    this.expiry.arm();
  }

  /** True for an exclusive queue. */
  get isExclusive(): boolean {
    return this.exclusiveOwner !== null;
  }

  /** Consumers, highest priority first (registration order with single active consumer). */
  get consumers(): readonly Consumer[] {
    return this.consumerList.all;
  }

  /** Messages ready for delivery. */
  get messageCount(): number {
    return this.ready.length;
  }

  /** Body bytes of the ready messages. */
  get messageBytes(): number {
    return this.ready.bytes;
  }

  /** Ready messages whose bodies are paged out to the message store (only an index entry in RAM). */
  get messagesPaged(): number {
    return this.paged === null ? 0 : this.paged.pagedCount;
  }

  /** Body bytes of the paged-out ready messages. */
  get messageBytesPaged(): number {
    return this.paged === null ? 0 : this.paged.pagedBytes;
  }

  /** The next ready message (management: head_message_timestamp); undefined when empty or its body is paged out (nothing is loaded). */
  get head(): QueueEntry | undefined {
    return this.paged !== null ? this.paged.peekLoaded() : this.ready.peek();
  }

  /**
   * True while the queue has ready messages but the next ones' bodies are
   * still being read from disk: basic.get must wait (whenLoaded) instead of
   * answering get-empty.
   */
  get isLoading(): boolean {
    return this.paged !== null && this.paged.isLoading;
  }

  /** Calls fn once the next paged bodies are in (or the queue was purged or deleted meanwhile). */
  whenLoaded(fn: () => void): void {
    if (this.paged !== null) this.paged.whenLoaded(fn);
    else fn();
  }

  /** Links the queue to the message store; a FIFO queue then pages long backlogs out through it. */
  attachJournal(journal: QueueJournal): void {
    this.journal = journal;
    if (this.paged !== null) this.paged.attach(journal);
  }

  /** Number of consumers. */
  get consumerCount(): number {
    return this.consumerList.all.length;
  }

  /** True when publishers to this queue should pause (it has consumers and a long backlog). */
  get congested(): boolean {
    return this.ready.length > FLOW_HIGH && this.consumerList.all.length !== 0;
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

  // ---- messages in and out -----------------------------------------------------------------

  /**
   * Appends a message (or hands it straight to a consumer when nothing is
   * waiting ahead of it). Returns false when a length limit with x-overflow
   * reject-publish(-dlx) refuses it: the publisher gets a nack.
   */
  enqueue(message: Message): boolean {
    const s = this.settings;
    // RabbitMQ will_overflow: checked against the ready length before any delivery attempt.
    if (this.limited && s.overflow !== 'drop-head' && wouldOverflow(s, this.ready, message.size)) {
      if (s.overflow === 'reject-publish-dlx') this.deadLetter(message, 'maxlen');
      return false;
    }
    let expiresAt = 0;
    if (message.ttl >= 0 || s.messageTtl >= 0) expiresAt = expiryOf(message.ttl, s.messageTtl, Date.now());
    const entry = new QueueEntry(this, this.nextSeq++, message, expiresAt);
    this.entered(entry);
    // RabbitMQ attempt_delivery: straight to a consumer when the queue is empty (so TTL 0 means "now or never").
    if (this.ready.length === 0 && this.consumerList.all.length !== 0 && !this.dispatching) {
      const c = this.consumerList.pick();
      if (c !== undefined) {
        this.deliverTo(c, entry);
        return true;
      }
    }
    this.ready.push(entry);
    if (this.limited) this.dropOverLimit();
    if (expiresAt !== 0) {
      this.ttl.active = true;
      this.ttl.run();
    }
    if (this.consumerList.all.length !== 0 && !this.dispatching) this.dispatch();
    return true;
  }

  /** basic.get: takes the head message (the caller tracks it as unacked unless no-ack); renews x-expires. */
  take(noAck: boolean): QueueEntry | undefined {
    this.touch();
    let entry = this.ready.shift();
    while (entry !== undefined && entry.expiresAt !== 0 && entry.expiresAt <= Date.now()) {
      this.removed(entry, 'expired');
      entry = this.ready.shift();
    }
    // undefined with ready messages left: their bodies are being read (the caller checks isLoading and waits).
    if (this.ttl.active) this.ttl.run();
    if (entry === undefined) return undefined;
    if (noAck) this.removed(entry, null);
    else {
      this.unackedCount++;
      this.unackedBytes += entry.message.size;
      this.journalDelivered(entry);
    }
    return entry;
  }

  /** An unacked entry was acknowledged. */
  settle(entry: QueueEntry): void {
    this.release(entry);
    this.stats.ack++;
    this.removed(entry, null);
  }

  /** An unacked entry was rejected without requeue: dead-lettered (reason rejected) when the queue has a DLX. */
  reject(entry: QueueEntry): void {
    this.release(entry);
    this.removed(entry, 'rejected');
  }

  /**
   * Puts unacked entries back at their original positions (RabbitMQ keeps
   * publication order on requeue since 2.7.0), marked redelivered. They keep
   * their expiry: one that expired meanwhile goes when it reaches the head.
   */
  requeue(entries: QueueEntry[]): void {
    if (entries.length === 0) return;
    for (const e of entries) this.release(e);
    if (this.deleted) {
      for (const e of entries) this.removed(e, null);
      return;
    }
    // Newest first, so each one goes in front of the previous when they precede the ready list.
    entries.sort((a, b) => b.seq - a.seq);
    for (const e of entries) {
      e.redelivered = true;
      e.deliveryTag = 0;
      if (e.expiresAt !== 0) this.ttl.active = true;
      this.ready.requeue(e);
    }
    if (this.limited) this.dropOverLimit();
    if (this.ttl.active) this.ttl.run();
    this.scheduleDispatch();
  }

  /** Removes every ready message; returns how many. */
  purge(): number {
    const n = this.ready.length;
    const entries = this.ready.drain();
    for (const e of entries) this.removed(e, null);
    this.ttl.clear();
    this.relieve();
    if (this.paged !== null) this.paged.wakeLoadWaiters();
    return n;
  }

  /** Drops all state at deletion; returns the consumers to cancel. */
  markDeleted(): Consumer[] {
    this.deleted = true;
    this.purge();
    this.expiry.clear();
    return this.consumerList.all.splice(0, this.consumerList.all.length);
  }

  /** Every new entry enters the queue here (the persistence seam: one hook for "stored"). */
  private entered(entry: QueueEntry): void {
    if (this.journal !== null && entry.message.persistent) this.journal.enqueued(entry);
  }

  /**
   * Persistence (recovery): appends a stored message at its stored position,
   * before any consumer exists, with its stored expiry (ms since the epoch, 0: never;
   * RabbitMQ keeps the deadline across a restart, it does not restart the TTL).
   */
  restore(seq: number, message: Message, expiresAt: number, redelivered: boolean): QueueEntry {
    const entry = new QueueEntry(this, seq, message, expiresAt);
    entry.redelivered = redelivered;
    this.ready.push(entry);
    if (entry.expiresAt !== 0) this.ttl.active = true;
    if (seq >= this.nextSeq) this.nextSeq = seq + 1;
    return entry;
  }

  /** True when recovery may restore this queue's messages as paged entries (restorePaged) rather than loading every body. */
  get canPage(): boolean {
    return this.paged !== null && this.journal !== null;
  }

  /**
   * Persistence (recovery, canPage queues): appends a stored message at its
   * stored position from its index record alone (expiresAt: its stored expiry,
   * 0 = never); restored() then reads the head's bodies.
   */
  restorePaged(seq: number, msgId: number, propsLength: number, size: number, expiresAt: number, redelivered: boolean): void {
    (this.paged as PagedList).pushPaged(seq, msgId, propsLength, size, expiresAt, redelivered);
    if (expiresAt !== 0) this.ttl.active = true;
    if (seq >= this.nextSeq) this.nextSeq = seq + 1;
  }

  /** Called once recovery has restored the queue's messages: applies length limits and TTLs to them. */
  restored(): void {
    if (this.limited) this.dropOverLimit();
    if (this.ttl.active) this.ttl.run();
    if (this.paged !== null) this.paged.startLoading();
  }

  /** A batch of paged bodies arrived at the head: limits, TTL, waiting basic.gets and consumers go on. */
  private loaded(expiring: boolean): void {
    if (this.deleted) return;
    if (expiring) this.ttl.active = true;
    if (this.limited) this.dropOverLimit();
    if (this.ttl.active) this.ttl.run();
    (this.paged as PagedList).wakeLoadWaiters();
    this.scheduleDispatch();
  }

  /** A stored entry was delivered for an ack: recovery must mark it redelivered. */
  private journalDelivered(entry: QueueEntry): void {
    if (entry.storeState !== NOT_STORED && !entry.redelivered) (this.journal as QueueJournal).delivered(entry);
  }

  /**
   * Every entry leaves the queue for good here: acked, delivered no-ack,
   * expired, dropped by a length limit, rejected, purged or deleted (the
   * persistence seam: one hook for "removed"). reason, when set, dead-letters it.
   */
  private removed(entry: QueueEntry, reason: DeadLetterReason | null): void {
    if (reason !== null && !this.deleted) this.deadLetter(entry.message, reason);
    if (entry.storeState !== NOT_STORED) (this.journal as QueueJournal).removed(entry);
  }

  private deadLetter(message: Message, reason: DeadLetterReason): void {
    if (this.settings.deadLetterExchange !== undefined && this.deadLetterer !== null) {
      this.deadLetterer.deadLetter(this, message, reason);
    }
  }

  /** Undoes an unacked entry's bookkeeping. */
  private release(entry: QueueEntry): void {
    this.unackedCount--;
    this.unackedBytes -= entry.message.size;
    const c = entry.consumer;
    if (c !== null) {
      c.unacked--;
      entry.consumer = null;
    }
  }

  // ---- length limits -----------------------------------------------------------------------

  /** x-overflow drop-head: drops (or dead-letters, reason maxlen) head messages until within the limits. */
  private dropOverLimit(): void {
    const s = this.settings;
    if (s.overflow !== 'drop-head') return;
    while (isOverLimit(s, this.ready)) {
      const e = this.ready.shift();
      if (e !== undefined) this.removed(e, 'maxlen');
      // The head is paged out. Without a dead-letter exchange the body is not needed: drop by index.
      // With one, wait for the bodies (loaded() trims again) so the dead-lettered copy is complete.
      else if (this.settings.deadLetterExchange !== undefined || !(this.paged as PagedList).dropPaged()) break;
    }
  }

  // ---- queue expiry (x-expires) ------------------------------------------------------------

  /** The queue was used (basic.get, redeclare): restarts the x-expires countdown. */
  touch(): void {
    this.expiry.touch();
  }

  // ---- policies ----------------------------------------------------------------------------

  /**
   * A policy now applies (or none: both undefined), with the definition merged with the
   * operator policy's (named by operatorPolicyName, if one applies). Recomputes the settings
   * and acts at once: a lower length limit trims (drop-head), a new x-expires
   * restarts its countdown. A new message TTL applies to messages published
   * from now on (RabbitMQ stores the expiry with each message).
   */
  applyPolicy(name: string | undefined, definition: Readonly<Record<string, unknown>> | undefined, operatorPolicyName?: string): void {
    const old = this.settings;
    this.policyName = name;
    this.operatorPolicyName = operatorPolicyName;
    this.effectivePolicyDefinition = definition;
    this.settings = resolveQueueSettings(this.arguments, definition);
    this.limited = hasLengthLimit(this.settings);
    if (this.limited) this.dropOverLimit();
    if (this.settings.expires !== old.expires) this.expiry.arm();
  }

  // ---- consumers and delivery --------------------------------------------------------------

  /** Registers a consumer and starts delivering to it. */
  addConsumer(c: Consumer): void {
    this.consumerList.add(c);
    this.hadConsumers = true;
    this.expiry.clear();
    this.scheduleDispatch();
  }

  /** Unregisters a consumer; returns true when it was the last one and the queue is auto-delete. */
  removeConsumer(c: Consumer): boolean {
    if (!this.consumerList.remove(c)) return false;
    if (this.consumerList.all.length !== 0) {
      // Single active consumer: the next one may have taken over.
      this.scheduleDispatch();
      return false;
    }
    this.relieve();
    this.expiry.arm();
    return this.autoDelete;
  }

  /** Delivers on the next turn of the event loop (after acks free capacity, after drain). */
  scheduleDispatch(): void {
    if (this.dispatchScheduled || this.deleted || this.consumerList.all.length === 0) return;
    this.dispatchScheduled = true;
    setImmediate(this.dispatchLater);
  }

  /** Hands ready messages to consumers with capacity; expired ones are dropped instead, never delivered. */
  dispatch(): void {
    if (this.dispatching || this.deleted) return;
    this.dispatching = true;
    try {
      let budget = DISPATCH_BUDGET;
      while (this.ready.length !== 0) {
        const c = this.consumerList.pick();
        if (c === undefined) return;
        if (--budget === 0) {
          this.scheduleDispatch();
          return;
        }
        const entry = this.ready.shift();
        // Paged bodies are being read: loaded() resumes dispatch.
        if (entry === undefined) return;
        if (entry.expiresAt !== 0 && entry.expiresAt <= Date.now()) this.removed(entry, 'expired');
        else this.deliverTo(c, entry);
      }
    } finally {
      this.dispatching = false;
      if (this.ttl.active) this.ttl.run();
      if (this.flowWaiters.size !== 0 && this.ready.length <= FLOW_LOW) this.relieve();
    }
  }

  private deliverTo(c: Consumer, entry: QueueEntry): void {
    if (c.noAck) {
      c.owner.deliver(c, entry);
      this.removed(entry, null);
      return;
    }
    c.unacked++;
    this.unackedCount++;
    this.unackedBytes += entry.message.size;
    entry.consumer = c;
    c.owner.deliver(c, entry);
    this.journalDelivered(entry);
  }
}
