import type { Logger } from 'pino';
import type { ResourceAlarms } from '../resources/alarms.js';
import type { Message } from '../broker/message.js';
import { STORED_ON_DISK, STORE_REFUSED, type DurabilityWaiter, type QueueJournal } from '../broker/persistence.js';
import type { QueueEntry } from '../broker/queue/queue-entry.js';
import { INDEX_TRANSIENT, PROBE_KEY, bodyKey, describeKey, indexKey, indexValue, watermarkKey, watermarkValue } from './keys.js';
import { decodeStoredMessage } from './stored-message.js';

/** Reads body records by key (classic-level getMany): undefined for a missing one. */
export type BodyReader = (keys: Buffer[]) => Promise<(Buffer | undefined)[]>;

/** Paging settings (config: head window and the memory threshold for transient messages). */
export interface PagingOptions {
  /** Full entries a queue keeps in RAM before paging the rest (messages). */
  headMessages: number;
  /** ... and body bytes. */
  headBytes: number;
}

/** Default head window: 4096 messages or 8 MiB of bodies, whichever is reached first. */
export const DEFAULT_PAGING: PagingOptions = { headMessages: 4096, headBytes: 8 * 1024 * 1024 };

/**
 * Message.storeRefs of a message whose reference count lives in GroupCommit's
 * `shared` map: a body referenced by several queues of which at least one paged
 * its entry out (the count then cannot live on one Message object, since each
 * queue that loads the body back gets its own).
 */
export const SHARED_REFS = -1;

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
  /** True for a non-durable queue's journal (TransientQueueJournal): its records are all flagged transient. */
  readonly transient: boolean = false;

  constructor(
    public qid: number,
    protected readonly gc: GroupCommit,
  ) {}

  get headMessages(): number {
    return this.gc.paging.headMessages;
  }
  get headBytes(): number {
    return this.gc.paging.headBytes;
  }
  get pageTransient(): boolean {
    return this.gc.pageTransient;
  }
  enqueued(entry: QueueEntry): void {
    this.gc.enqueued(entry);
  }
  spill(entry: QueueEntry): boolean {
    if (this.gc.alarm) return false;
    this.gc.enqueued(entry);
    return true;
  }
  isDurable(entry: QueueEntry): boolean {
    return this.gc.isDurable(entry.storeState);
  }
  pagedOut(entry: QueueEntry): void {
    this.gc.pagedOut(entry.message);
  }
  afterCommit(fn: () => void): void {
    this.gc.afterCommit(fn);
  }
  load(msgIds: ArrayLike<number>, propsLengths: ArrayLike<number>, count: number, done: (messages: (Message | undefined)[] | null) => void): void {
    this.gc.load(msgIds, propsLengths, count, done);
  }
  removedPaged(seq: number, msgId: number, propsLength: number): void {
    this.gc.removedPaged(this.qid, seq, msgId, propsLength);
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

/**
 * A non-durable queue's journal: it stores nothing (a persistent message in a
 * non-durable queue is not written) until memory pressure makes the queue page
 * its backlog like a durable queue's transient messages (spill: flagged
 * transient). Its qid is taken when it first writes, from the store's qid
 * space, and is never stored as a queue definition: the next start deletes
 * whatever it left as records of an unknown queue.
 */
export class TransientQueueJournal extends LevelQueueJournal {
  override readonly transient = true;

  constructor(
    gc: GroupCommit,
    /** Allocates a qid no stored queue has, nor will have. */
    private readonly newQid: () => number,
  ) {
    super(0, gc);
  }

  override enqueued(): void {}
  override spill(entry: QueueEntry): boolean {
    if (this.gc.alarm) return false;
    if (this.qid === 0) this.qid = this.newQid();
    this.gc.enqueued(entry);
    return true;
  }
  /** Nothing is recovered, so no delivery watermark. */
  override delivered(): void {}
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
  /** Keys to delete: written bodies no entry references any more, index records of paged entries that left. */
  dels: Buffer[] = [];
  /** Queues whose delivery watermark moved. */
  watermarks: LevelQueueJournal[] = [];
  /** Set when the batch is committed: QueueEntry.storeState of the entries it writes (see isDurable). */
  id = 0;
  /** Channels (or tx) waiting for this batch, and the token each waits with (parallel arrays). */
  waiters: DurabilityWaiter[] = [];
  tokens: number[] = [];

  get isEmpty(): boolean {
    return (
      this.defs.length === 0 &&
      this.enqueued.length === 0 &&
      this.removed.length === 0 &&
      this.bodies.length === 0 &&
      this.dels.length === 0 &&
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
  /** Set by flush() at shutdown: failed writes are no longer carried over. */
  private stopping = false;
  /** Paging: head window (set by the store from its config). */
  paging: PagingOptions = DEFAULT_PAGING;
  /** Paging: set while memory use is above the paging threshold (transient messages are paged too). */
  pageTransient = false;
  /** Reference counts of bodies shared by several queues once one of them paged its entry out (see SHARED_REFS). */
  readonly shared = new Map<number, number>();
  /** Id of the next batch to commit; ids start above STORED_ON_DISK. */
  private nextBatchId = STORED_ON_DISK + 1;
  /** Highest batch id synced (every earlier batch is done too: one write in flight at a time). */
  private durableBatch = STORED_ON_DISK;
  /** Ids of batches whose write failed: their entries never become durable. */
  private readonly lostBatches = new Set<number>();
  /** Paging passes waiting for the next durable batch. */
  private commitWatchers: Array<() => void> = [];
  private readonly commitLater = (): void => {
    this.scheduled = false;
    if (this.inFlight === null) this.commit();
  };

  constructor(
    private readonly openBatch: () => BatchSink,
    private readonly logger: Logger,
    private readonly readBodies: BodyReader | null = null,
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
    if (m.storeRefs === SHARED_REFS) this.shared.set(m.storeId, (this.shared.get(m.storeId) ?? 0) + 1);
    else m.storeRefs++;
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
    if (s !== 1) this.filling.removed.push(entry);
    const m = entry.message;
    if (m.storeRefs === SHARED_REFS) this.unshare(m.storeId, m.propsLength);
    else if (--m.storeRefs === 0) {
      if (m.storeState === 2) this.filling.dels.push(bodyKey(m.storeId, m.propsLength));
      m.storeState = 0;
    }
    this.schedule();
  }

  // ---- paging ------------------------------------------------------------------------------

  /** True when the batch that wrote an entry (its storeState) is synced. */
  isDurable(storeState: number): boolean {
    return storeState >= STORED_ON_DISK && storeState <= this.durableBatch && (this.lostBatches.size === 0 || !this.lostBatches.has(storeState));
  }

  /**
   * An entry left RAM with its records on disk. A body no other entry uses
   * belongs to that index record from now on: the Message object forgets it
   * was stored (were it ever enqueued again it gets a body of its own). A body
   * other entries still use moves its count to `shared`.
   */
  pagedOut(m: Message): void {
    if (m.storeRefs === SHARED_REFS) return;
    if (m.storeRefs > 1) {
      this.shared.set(m.storeId, m.storeRefs);
      m.storeRefs = SHARED_REFS;
      return;
    }
    m.storeRefs = 0;
    m.storeState = 0;
    m.storeId = 0;
  }

  /** A paged entry left its queue: its index record goes, and its body unless shared with another entry still. */
  removedPaged(qid: number, seq: number, msgId: number, propsLength: number): void {
    this.filling.dels.push(indexKey(qid, seq));
    this.unshare(msgId, propsLength);
    this.schedule();
  }

  private unshare(msgId: number, propsLength: number): void {
    const n = this.shared.get(msgId);
    if (n !== undefined && n > 1) {
      this.shared.set(msgId, n - 1);
      return;
    }
    this.shared.delete(msgId);
    this.filling.dels.push(bodyKey(msgId, propsLength));
  }

  /** fn runs once after the next batch completes (or on kick()). */
  afterCommit(fn: () => void): void {
    this.commitWatchers.push(fn);
  }

  /** Runs the waiting paging passes now (memory pressure started: transient entries can be written and paged). */
  kick(): void {
    if (this.commitWatchers.length === 0) return;
    const ws = this.commitWatchers;
    this.commitWatchers = [];
    for (const w of ws) w();
  }

  /** Reads bodies of paged entries (one getMany); done(null) when the read failed. */
  load(msgIds: ArrayLike<number>, propsLengths: ArrayLike<number>, count: number, done: (messages: (Message | undefined)[] | null) => void): void {
    const keys: Buffer[] = new Array(count);
    for (let i = 0; i < count; i++) keys[i] = bodyKey(msgIds[i] as number, propsLengths[i] as number);
    const ids = Array.from({ length: count }, (_, i) => msgIds[i] as number);
    const props = Array.from({ length: count }, (_, i) => propsLengths[i] as number);
    (this.readBodies as BodyReader)(keys).then(
      (values) => done(this.decodeLoaded(values, keys, ids, props)),
      (err: unknown) => {
        this.logger.error({ err }, 'reading paged message bodies failed; retrying');
        done(null);
      },
    );
  }

  private decodeLoaded(values: (Buffer | undefined)[], keys: Buffer[], ids: number[], props: number[]): (Message | undefined)[] {
    const out: (Message | undefined)[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const raw = values[i];
      if (raw === undefined) {
        this.logger.error({ key: describeKey(keys[i] as Buffer) }, 'dropping a paged message whose body record is missing');
        continue;
      }
      try {
        const m = decodeStoredMessage(raw, props[i] as number);
        const id = ids[i] as number;
        m.storeId = id;
        m.storeState = 2;
        m.storeRefs = this.shared.has(id) ? SHARED_REFS : 1;
        out[i] = m;
      } catch (e) {
        this.logger.error({ key: describeKey(keys[i] as Buffer), reason: (e as Error).message }, 'skipping undecodable message body record');
      }
    }
    return out;
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
    this.stopping = true;
    if (!this.hasPendingWrites) return Promise.resolve();
    // During an alarm: one last attempt now; what fails then is given up (not carried over).
    if (this.alarm && this.inFlight === null) this.commit();
    else this.schedule();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops the alarm probe. */
  stop(): void {
    if (this.probeTimer !== null) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  private schedule(): void {
    // While the alarm is raised, writes wait for the probe (once a second) instead of failing every tick.
    if (this.scheduled || this.inFlight !== null || this.alarm) return;
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
    b.id = this.nextBatchId++;
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
      e.storeState = b.id;
      const m = e.message;
      const j = e.queue.journal as LevelQueueJournal;
      sink.put(indexKey(j.qid, e.seq), indexValue(m.storeId, m.propsLength, m.size, e.expiresAt, m.persistent && !j.transient ? 0 : INDEX_TRANSIENT));
    }
    for (const j of b.watermarks) {
      j.watermarkDue = false;
      sink.put(watermarkKey(j.qid), watermarkValue(j.deliveredSeq));
    }
    for (const e of b.removed) sink.del(indexKey(qidOf(e), e.seq));
    for (const k of b.dels) sink.del(k);
  }

  private writeFailed(b: Batch, err: unknown, records: number): void {
    this.logger.error({ err, records }, 'message store write failed: resource alarm raised, persistent publishes are nacked');
    this.done(b, false, true);
  }

  private done(b: Batch, ok: boolean, wrote: boolean): void {
    this.inFlight = null;
    if (ok) this.durableBatch = b.id;
    else {
      this.lostBatches.add(b.id);
      if (!this.stopping) this.carryOver(b);
    }
    if (ok && wrote && this.alarm) this.clearAlarm();
    if (!ok && !this.alarm) this.raiseAlarm();
    const { waiters, tokens } = b;
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i] as DurabilityWaiter;
      if (ok) w.durable(tokens[i] as number);
      else w.failed(tokens[i] as number);
    }
    this.kick();
    if (!this.filling.isEmpty && (!this.alarm || this.stopping)) this.commit();
    else this.settleIdle();
  }

  /**
   * A failed batch's definition changes and deletions go again with the next
   * write (before anything newer), so an acked message does not come back
   * after a restart and a deleted queue stays deleted. Its new messages were
   * nacked and are not written again. Keys are never reused (queue ids,
   * sequence numbers and message ids only grow), so a late delete is safe.
   */
  private carryOver(b: Batch): void {
    const f = this.filling;
    if (b.defs.length !== 0) f.defs = b.defs.concat(f.defs);
    for (const e of b.removed) f.dels.push(indexKey(qidOf(e), e.seq));
    for (const k of b.dels) f.dels.push(k);
    for (const j of b.watermarks) {
      if (j.watermarkDue) continue;
      j.watermarkDue = true;
      f.watermarks.push(j);
    }
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
    // The probe writes what is waiting (or an empty record): its success clears the alarm.
    this.probeTimer = setInterval(() => {
      if (this.inFlight !== null) return;
      if (this.filling.isEmpty) this.filling.defs.push({ type: 'put', key: PROBE_KEY, value: Buffer.alloc(0) });
      this.commit();
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
