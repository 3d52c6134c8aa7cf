import type { Logger } from 'pino';
import { NOT_STORED, STORE_PENDING, STORE_REFUSED, STORE_WRITTEN, type DurabilityWaiter } from '../broker/persistence.js';
import type { QueueEntry } from '../broker/queue/queue-entry.js';
import type { ResourceAlarms } from '../resources/alarms.js';
import { StoreWriteAlarm } from '../resources/store-write-alarm.js';
import { Batch, type BatchSink, type JournalRecords } from './batch.js';
import { BodyLoader, type BodyReader } from './body-loader.js';
import { BodyRefs } from './body-refs.js';
import { PROBE_KEY, bodyKey, indexKey } from './keys.js';
import { DEFAULT_PAGING, type PagingOptions } from './paging-options.js';

/**
 * The filling batch's bytes (bodies accepted for writing plus ENTRY_BYTES per index record)
 * at which publishers are paused while a batch is being written; they are resumed as soon as
 * that write completes and the filling batch goes to disk in turn (a new one starts empty).
 * So at most two batches of about this size wait in RAM: the one written and the one filling.
 * A batch's memory is held two or three times over while it is written (the messages,
 * LevelDB's write batch, its memtable), and a publisher that outruns the fsync would
 * otherwise grow the filling batch without bound. The disk stays busy all the time (the next
 * batch is ready when a write completes), so only a publisher faster than the disk waits.
 * Measured (1M x 1 KiB persistent, no confirms, tools/bench backlog-noconfirm-1m): 16 MiB
 * settled at ~420 MiB RSS, 2 MiB at ~230 MiB and a higher enqueue rate: batches of many MiB
 * (LevelDB's write batch and memtable grow in big steps) leave glibc's heap fragmented.
 */
export const BACKLOG_HIGH_BYTES = 2 * 1024 * 1024;
/** What an entry costs besides its body while it waits: its QueueEntry, its index record, its slot in the batch. */
const ENTRY_BYTES = 128;

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
  /** Paging: head window (set by the store from its config). */
  paging: PagingOptions = DEFAULT_PAGING;
  /** Paging: set while memory use is above the paging threshold (transient messages are paged too). */
  pageTransient = false;
  /** Publishers are paused once the filling batch holds this many bytes (BACKLOG_HIGH_BYTES). */
  backlogHigh = BACKLOG_HIGH_BYTES;
  /** True while publishers are paused: from the high mark until the write in flight completes. */
  behind = false;
  /** Reference counts of the bodies the batches write and delete. */
  readonly refs = new BodyRefs();
  /** Reads paged entries' bodies back. */
  readonly loader: BodyLoader;
  private filling = new Batch();
  private inFlight: Batch | null = null;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  /** Set by flush() at shutdown: failed writes are no longer carried over. */
  private stopping = false;
  /** Id of the next batch to commit (QueueEntry.storeBatch 0 means "on disk before this process wrote anything"). */
  private nextBatchId = 1;
  /** Highest batch id synced (every earlier batch is done too: one write in flight at a time). */
  private durableBatch = 0;
  /** Ids of batches whose write failed: their entries never become durable. */
  private readonly lostBatches = new Set<number>();
  /** Paging passes waiting for the next durable batch. */
  private commitWatchers: Array<() => void> = [];
  private readonly writeAlarm: StoreWriteAlarm;
  private readonly commitLater = (): void => {
    this.scheduled = false;
    if (this.inFlight === null) this.commit();
  };
  /** The write-failure alarm's probe: writes what is waiting (or an empty record); its success clears the alarm. */
  private readonly probe = (): void => {
    if (this.inFlight !== null) return;
    if (this.filling.isEmpty) this.filling.defs.push({ type: 'put', key: PROBE_KEY, value: Buffer.alloc(0) });
    this.commit();
  };

  constructor(
    private readonly openBatch: () => BatchSink,
    private readonly logger: Logger,
    readBodies: BodyReader | null = null,
    /** The node's alarms: a failed write also raises the disk alarm there (publishers are blocked); told when the store is behind. */
    private readonly alarms?: ResourceAlarms,
  ) {
    this.loader = new BodyLoader(readBodies, this.refs, logger);
    this.writeAlarm = new StoreWriteAlarm(this.probe, logger, alarms);
  }

  /** Set by a failed write; persistent publishes are then refused (nacked) until a write succeeds. */
  get alarm(): boolean {
    return this.writeAlarm.raised;
  }

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

  /** A persistent message entered a durable queue (or a transient one is paged). */
  enqueued(entry: QueueEntry): void {
    const m = entry.message;
    if (this.writeAlarm.raised) {
      if (m.storeId === 0) m.storeId = STORE_REFUSED;
      return;
    }
    if (m.storeId <= 0) m.storeId = this.nextMsgId++;
    const b = this.filling;
    let bytes = ENTRY_BYTES;
    if (m.storeState === NOT_STORED) {
      m.storeState = STORE_PENDING;
      b.bodies.push(m);
      bytes += m.raw.length;
    }
    this.refs.acquire(m);
    entry.storeState = STORE_PENDING;
    b.enqueued.push(entry);
    // The store's one comparison per stored message: at the high mark, publishers are paused.
    if ((b.bytes += bytes) >= this.backlogHigh && !this.behind) this.setBehind(true);
    this.schedule();
  }

  /** Bytes accepted but not written yet: the filling batch's and the one in flight. */
  get unwrittenBytes(): number {
    return this.filling.bytes + (this.inFlight === null ? 0 : this.inFlight.bytes);
  }

  private setBehind(behind: boolean): void {
    this.behind = behind;
    this.alarms?.setStoreBehind(behind);
  }

  /** A queue's delivery watermark moved. */
  watermarkDue(journal: JournalRecords): void {
    journal.watermarkDue = true;
    this.filling.watermarks.push(journal);
    this.schedule();
  }

  /** A stored entry left its queue for good. */
  removed(entry: QueueEntry): void {
    const s = entry.storeState;
    if (s === NOT_STORED) return;
    entry.storeState = NOT_STORED;
    // A pending index record is simply not written; a written one is deleted.
    if (s === STORE_WRITTEN) this.filling.removed.push(entry);
    const m = entry.message;
    if (this.refs.release(m)) this.filling.dels.push(bodyKey(m.storeId, m.propsLength));
    this.schedule();
  }

  /** A paged entry left its queue: its index record goes, and its body unless shared with another entry still. */
  removedPaged(qid: number, seq: number, msgId: number, propsLength: number): void {
    this.filling.dels.push(indexKey(qid, seq));
    if (this.refs.releaseShared(msgId)) this.filling.dels.push(bodyKey(msgId, propsLength));
    this.schedule();
  }

  /** True when the batch that wrote the entry's index record is synced (so the entry may be paged out). */
  isDurable(entry: QueueEntry): boolean {
    const b = entry.storeBatch;
    return entry.storeState === STORE_WRITTEN && b <= this.durableBatch && (this.lostBatches.size === 0 || !this.lostBatches.has(b));
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

  /** waiter.durable(token) once everything written so far is on disk. */
  waitDurable(waiter: DurabilityWaiter, token: number): void {
    this.filling.addWaiter(waiter, token);
    this.schedule();
  }

  /** Resolves once nothing is buffered or in flight (shutdown). */
  flush(): Promise<void> {
    this.stopping = true;
    if (!this.hasPendingWrites) return Promise.resolve();
    // During an alarm: one last attempt now; what fails then is given up (not carried over).
    if (this.writeAlarm.raised && this.inFlight === null) this.commit();
    else this.schedule();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops the alarm probe. */
  stop(): void {
    this.writeAlarm.stop();
  }

  private schedule(): void {
    // While the alarm is raised, writes wait for the probe (once a second) instead of failing every tick.
    if (this.scheduled || this.inFlight !== null || this.writeAlarm.raised) return;
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
      b.writeTo(sink);
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

  private writeFailed(b: Batch, err: unknown, records: number): void {
    this.logger.error({ err, records }, 'message store write failed: resource alarm raised, persistent publishes are nacked');
    this.done(b, false, true);
  }

  private done(b: Batch, ok: boolean, wrote: boolean): void {
    this.inFlight = null;
    if (ok) this.durableBatch = b.id;
    else {
      this.lostBatches.add(b.id);
      if (!this.stopping) b.carryOverTo(this.filling);
    }
    const alarm = this.writeAlarm;
    if (ok && wrote && alarm.raised) alarm.clear();
    if (!ok && !alarm.raised) alarm.raise();
    b.notify(ok);
    this.kick();
    if (!this.filling.isEmpty && (!alarm.raised || this.stopping)) this.commit();
    else this.settleIdle();
    // The batch that filled while this one was written is on its way (or failed): publishers go on filling the next.
    if (this.behind && this.filling.bytes < this.backlogHigh) this.setBehind(false);
  }

  private settleIdle(): void {
    if (this.idleWaiters.length === 0 || this.hasPendingWrites) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }
}
