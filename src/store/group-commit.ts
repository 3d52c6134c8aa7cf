import type { Logger } from 'pino';
import type { Message } from '../broker/message.js';
import { STORE_REFUSED, type DurabilityWaiter } from '../broker/message-store.js';
import type { QueueEntry } from '../broker/queue/queue-entry.js';
import { DELIVERED, PROBE_KEY, bodyKey, indexKey, indexValue } from './keys.js';

/** One LevelDB batch operation. */
export type Op = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

/** Writes one batch with sync: true (fsync before it resolves). */
export type BatchWriter = (ops: Op[]) => Promise<void>;

/** Gives the qid of the queue an entry belongs to. */
export type QidOf = (entry: QueueEntry) => number;

/**
 * What one commit will write. Message records are not serialized when they are
 * made but when the batch is written: an entry published and removed (acked,
 * no-ack delivered, purged) before then costs no write at all, and a delivery
 * before then just sets the flag of the one index record.
 */
class Batch {
  /** Definition records, in call order. */
  defs: Op[] = [];
  /** Entries whose index record is due (storeState 1 until serialized). */
  enqueued: QueueEntry[] = [];
  /** Written entries delivered for the first time (index record rewritten with DELIVERED). */
  delivered: QueueEntry[] = [];
  /** Written entries that left their queue (index record deleted). */
  removed: QueueEntry[] = [];
  /** Messages whose body is due (storeState 1 until serialized). */
  bodies: Message[] = [];
  /** Written bodies no entry references any more. */
  deadBodies: Message[] = [];
  /** Channels (or tx) waiting for this batch, and the token each waits with (parallel arrays). */
  waiters: DurabilityWaiter[] = [];
  tokens: number[] = [];

  get isEmpty(): boolean {
    return (
      this.defs.length === 0 &&
      this.enqueued.length === 0 &&
      this.delivered.length === 0 &&
      this.removed.length === 0 &&
      this.bodies.length === 0 &&
      this.deadBodies.length === 0 &&
      this.waiters.length === 0
    );
  }
}

/** How often a raised alarm probes whether the disk takes writes again. */
const ALARM_PROBE_MS = 1000;

/**
 * Group commit. Everything written during an event-loop tick goes into the
 * filling batch; at the end of the tick (setImmediate) it is written with
 * sync: true. While a batch is on its way to disk the next one keeps filling
 * over as many ticks as the fsync takes, and is written as soon as the
 * previous one completes: one write in flight at a time, because classic-level
 * runs each write on a libuv pool thread and two concurrent batches could reach
 * LevelDB in either order (a removal overtaking its own record). Waiters are
 * told in batch order.
 */
export class GroupCommit {
  /** Next message (body) record id. */
  nextMsgId = 1;
  /** Set by a failed write; persistent publishes are then refused (nacked) until a write succeeds. */
  alarm = false;
  private filling = new Batch();
  private inFlight: Batch | null = null;
  private scheduled = false;
  private probeTimer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  private readonly commitLater = (): void => {
    this.scheduled = false;
    if (this.inFlight === null) this.commit();
  };

  constructor(
    private readonly write: BatchWriter,
    private readonly qidOf: QidOf,
    private readonly logger: Logger,
  ) {}

  /** True when something is buffered or being written. */
  get hasPendingWrites(): boolean {
    return this.inFlight !== null || !this.filling.isEmpty;
  }

  /** A definition record. */
  put(key: Buffer, value: Buffer): void {
    this.filling.defs.push({ type: 'put', key, value });
    this.schedule();
  }

  /** Deletes a definition record. */
  del(key: Buffer): void {
    this.filling.defs.push({ type: 'del', key });
    this.schedule();
  }

  /** A persistent message entered a durable queue. */
  enqueued(entry: QueueEntry): void {
    const m = entry.message;
    if (this.alarm) {
      if (m.storeId === 0) m.storeId = STORE_REFUSED;
      return;
    }
    if (m.storeId <= 0) m.storeId = this.nextMsgId++;
    if (m.storeState === 0) {
      m.storeState = 1;
      this.filling.bodies.push(m);
    }
    m.storeRefs++;
    entry.storeState = 1;
    this.filling.enqueued.push(entry);
    this.schedule();
  }

  /** First delivery of a stored entry. */
  delivered(entry: QueueEntry): void {
    // Not yet serialized: the flag is taken from the entry when it is.
    if (entry.storeState !== 2) return;
    this.filling.delivered.push(entry);
    this.schedule();
  }

  /** A stored entry left its queue for good. */
  removed(entry: QueueEntry): void {
    const s = entry.storeState;
    if (s === 0) return;
    entry.storeState = 0;
    if (s === 2) this.filling.removed.push(entry);
    const m = entry.message;
    if (--m.storeRefs === 0) {
      if (m.storeState === 2) this.filling.deadBodies.push(m);
      m.storeState = 0;
    }
    this.schedule();
  }

  /** waiter.durable(token) once everything written so far is on disk. */
  waitDurable(waiter: DurabilityWaiter, token: number): void {
    const b = this.filling;
    const n = b.waiters.length;
    // Consecutive publishes of one channel share one slot: the highest token covers the others.
    if (n !== 0 && b.waiters[n - 1] === waiter) b.tokens[n - 1] = token;
    else {
      b.waiters.push(waiter);
      b.tokens.push(token);
    }
    this.schedule();
  }

  /** Resolves once nothing is buffered or in flight (shutdown). */
  flush(): Promise<void> {
    if (!this.hasPendingWrites) return Promise.resolve();
    this.schedule();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops the alarm probe. */
  stop(): void {
    if (this.probeTimer !== null) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight !== null) return;
    this.scheduled = true;
    setImmediate(this.commitLater);
  }

  private commit(): void {
    const b = this.filling;
    if (b.isEmpty) {
      this.settleIdle();
      return;
    }
    this.filling = new Batch();
    this.inFlight = b;
    const ops = this.serialize(b);
    if (ops.length === 0) {
      // Everything cancelled out (e.g. published and acked within the batch): nothing to sync.
      this.done(b, true, false);
      return;
    }
    this.write(ops).then(
      () => this.done(b, true, true),
      (err: unknown) => {
        this.logger.error({ err, records: ops.length }, 'message store write failed: resource alarm raised, persistent publishes are nacked');
        this.done(b, false, true);
      },
    );
  }

  private serialize(b: Batch): Op[] {
    const ops = b.defs;
    for (const m of b.bodies) {
      if (m.storeState !== 1) continue;
      m.storeState = 2;
      ops.push({ type: 'put', key: bodyKey(m.storeId, m.propsLength), value: m.raw });
    }
    for (const e of b.enqueued) {
      if (e.storeState !== 1) continue;
      e.storeState = 2;
      const flags = e.redelivered || e.deliveryTag !== 0 || e.consumer !== null ? DELIVERED : 0;
      ops.push({ type: 'put', key: indexKey(this.qidOf(e), e.seq), value: indexValue(e.message.storeId, flags) });
    }
    for (const e of b.delivered) {
      if (e.storeState !== 2) continue;
      ops.push({ type: 'put', key: indexKey(this.qidOf(e), e.seq), value: indexValue(e.message.storeId, DELIVERED) });
    }
    for (const e of b.removed) ops.push({ type: 'del', key: indexKey(this.qidOf(e), e.seq) });
    for (const m of b.deadBodies) ops.push({ type: 'del', key: bodyKey(m.storeId, m.propsLength) });
    return ops;
  }

  private done(b: Batch, ok: boolean, wrote: boolean): void {
    this.inFlight = null;
    if (ok && wrote && this.alarm) this.clearAlarm();
    if (!ok && !this.alarm) this.raiseAlarm();
    const { waiters, tokens } = b;
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i] as DurabilityWaiter;
      if (ok) w.durable(tokens[i] as number);
      else w.failed(tokens[i] as number);
    }
    if (!this.filling.isEmpty) this.commit();
    else this.settleIdle();
  }

  private settleIdle(): void {
    if (this.idleWaiters.length === 0 || this.hasPendingWrites) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }

  private raiseAlarm(): void {
    this.alarm = true;
    this.probeTimer = setInterval(() => {
      if (this.inFlight === null && this.filling.isEmpty) this.put(PROBE_KEY, Buffer.alloc(0));
    }, ALARM_PROBE_MS);
    this.probeTimer.unref();
  }

  private clearAlarm(): void {
    this.alarm = false;
    this.stop();
    this.logger.warn('message store writes succeed again: resource alarm cleared');
  }
}
