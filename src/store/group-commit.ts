import type { Logger } from 'pino';
import type { ResourceAlarms } from '../broker/alarms.js';
import type { Message } from '../broker/message.js';
import { STORE_REFUSED, type DurabilityWaiter, type QueueJournal } from '../broker/message-store.js';
import type { QueueEntry } from '../broker/queue/queue-entry.js';
import { PROBE_KEY, bodyKey, indexKey, indexValue, watermarkKey, watermarkValue } from './keys.js';

/** One definition write. */
export type Op = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

/** A LevelDB chained batch as GroupCommit uses it (classic-level's ChainedBatch). */
export interface BatchSink {
  put(key: Buffer, value: Buffer): unknown;
  del(key: Buffer): unknown;
  readonly length: number;
  /** Writes the batch; GroupCommit always passes sync: true (fsync before it resolves). */
  write(options: { sync: boolean }): Promise<void>;
  /** Discards an unwritten batch. */
  close(): Promise<void>;
}

/**
 * A durable queue's records: its qid (key prefix) and its delivery watermark.
 * Instead of one record update per delivery, "delivered" is recorded as the
 * highest seq ever delivered from the queue (one small record per queue per
 * batch): a queue delivers from the head of its seq-ordered ready list, so every
 * entry at or below the watermark was delivered at least once, and recovery
 * marks exactly those redelivered. (With priorities, a queue may deliver out of
 * seq order; then some undelivered entries below the watermark come back
 * redelivered too, which the flag's "may have been delivered" meaning allows;
 * none that was delivered comes back without it.)
 */
export class LevelQueueJournal implements QueueJournal {
  /** Highest seq delivered (0: none). */
  deliveredSeq = 0;
  /** Set while the watermark waits in the filling batch. */
  watermarkDue = false;

  constructor(
    readonly qid: number,
    private readonly gc: GroupCommit,
  ) {}

  enqueued(entry: QueueEntry): void {
    this.gc.enqueued(entry);
  }
  delivered(entry: QueueEntry): void {
    if (entry.seq <= this.deliveredSeq) return;
    this.deliveredSeq = entry.seq;
    if (!this.watermarkDue) this.gc.watermarkDue(this);
  }
  removed(entry: QueueEntry): void {
    this.gc.removed(entry);
  }
}

const qidOf = (e: QueueEntry): number => (e.queue.journal as LevelQueueJournal).qid;

/**
 * What one commit will write. Message records are not serialized when they are
 * made but when the batch is written: an entry published and removed (acked,
 * no-ack delivered, purged) before then costs no write at all.
 */
class Batch {
  /** Definition records, in call order. */
  defs: Op[] = [];
  /** Entries whose index record is due (storeState 1 until serialized). */
  enqueued: QueueEntry[] = [];
  /** Written entries that left their queue (index record deleted). */
  removed: QueueEntry[] = [];
  /** Messages whose body is due (storeState 1 until serialized). */
  bodies: Message[] = [];
  /** Written bodies no entry references any more. */
  deadBodies: Message[] = [];
  /** Queues whose delivery watermark moved. */
  watermarks: LevelQueueJournal[] = [];
  /** Channels (or tx) waiting for this batch, and the token each waits with (parallel arrays). */
  waiters: DurabilityWaiter[] = [];
  tokens: number[] = [];

  get isEmpty(): boolean {
    return (
      this.defs.length === 0 &&
      this.enqueued.length === 0 &&
      this.removed.length === 0 &&
      this.bodies.length === 0 &&
      this.deadBodies.length === 0 &&
      this.watermarks.length === 0 &&
      this.waiters.length === 0
    );
  }
}

/** How often a raised alarm probes whether the disk takes writes again. */
const ALARM_PROBE_MS = 1000;
/** The alarm source name of a failing message store write. */
export const STORE_WRITE_ALARM = 'message store write';

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
    private readonly openBatch: () => BatchSink,
    private readonly logger: Logger,
    /** The node's alarms: a failed write also raises the disk alarm there (publishers are blocked). */
    private readonly alarms?: ResourceAlarms,
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

  /** A queue's delivery watermark moved. */
  watermarkDue(journal: LevelQueueJournal): void {
    journal.watermarkDue = true;
    this.filling.watermarks.push(journal);
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
    let sink: BatchSink;
    try {
      sink = this.openBatch();
      this.serialize(b, sink);
    } catch (err) {
      this.writeFailed(b, err, 0);
      return;
    }
    const records = sink.length;
    if (records === 0) {
      // Everything cancelled out (e.g. published and acked within the batch): nothing to sync.
      void sink.close();
      this.done(b, true, false);
      return;
    }
    sink.write({ sync: true }).then(
      () => this.done(b, true, true),
      (err: unknown) => this.writeFailed(b, err, records),
    );
  }

  private serialize(b: Batch, sink: BatchSink): void {
    for (const op of b.defs) {
      if (op.type === 'put') sink.put(op.key, op.value);
      else sink.del(op.key);
    }
    for (const m of b.bodies) {
      if (m.storeState !== 1) continue;
      m.storeState = 2;
      sink.put(bodyKey(m.storeId, m.propsLength), m.raw);
    }
    for (const e of b.enqueued) {
      if (e.storeState !== 1) continue;
      e.storeState = 2;
      sink.put(indexKey(qidOf(e), e.seq), indexValue(e.message.storeId));
    }
    for (const j of b.watermarks) {
      j.watermarkDue = false;
      sink.put(watermarkKey(j.qid), watermarkValue(j.deliveredSeq));
    }
    for (const e of b.removed) sink.del(indexKey(qidOf(e), e.seq));
    for (const m of b.deadBodies) sink.del(bodyKey(m.storeId, m.propsLength));
  }

  private writeFailed(b: Batch, err: unknown, records: number): void {
    this.logger.error({ err, records }, 'message store write failed: resource alarm raised, persistent publishes are nacked');
    this.done(b, false, true);
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
    this.alarms?.raise(STORE_WRITE_ALARM, 'disk');
    this.probeTimer = setInterval(() => {
      if (this.inFlight === null && this.filling.isEmpty) this.put(PROBE_KEY, Buffer.alloc(0));
    }, ALARM_PROBE_MS);
    this.probeTimer.unref();
  }

  private clearAlarm(): void {
    this.alarm = false;
    this.stop();
    this.alarms?.clear(STORE_WRITE_ALARM);
    this.logger.warn('message store writes succeed again: resource alarm cleared');
  }
}
