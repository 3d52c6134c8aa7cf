import type { Message } from '../broker/message.js';
import { STORE_PENDING, STORE_WRITTEN, type DurabilityWaiter, type QueueJournal } from '../broker/persistence.js';
import type { QueueEntry } from '../broker/queue/queue-entry.js';
import { INDEX_TRANSIENT, bodyKey, indexKey, indexValue, watermarkKey, watermarkValue } from './keys.js';

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

/** What a batch reads and writes of a queue's journal (LevelQueueJournal): its key prefix and delivery watermark. */
export interface JournalRecords {
  /** The queue's key prefix in index and watermark records. */
  readonly qid: number;
  /** True for a non-durable queue's journal: its index records are flagged transient. */
  readonly transient: boolean;
  /** Highest seq delivered (0: none). */
  deliveredSeq: number;
  /** Set while the watermark waits in a batch. */
  watermarkDue: boolean;
}

/** The journal of a queue with stored entries. */
type StoreJournal = QueueJournal & JournalRecords;

const qidOf = (e: QueueEntry): number => (e.queue.journal as StoreJournal).qid;

/**
 * What one commit will write. Message records are not serialized when they are
 * made but when the batch is written: an entry published and removed (acked,
 * no-ack delivered, purged) before then costs no write at all.
 */
export class Batch {
  /** Definition records, in call order. */
  defs: Op[] = [];
  /** Entries whose index record is due (STORE_PENDING until serialized). */
  enqueued: QueueEntry[] = [];
  /** Written entries that left their queue (index record deleted). */
  removed: QueueEntry[] = [];
  /** Messages whose body is due (STORE_PENDING until serialized). */
  bodies: Message[] = [];
  /** Keys to delete: written bodies no entry references any more, index records of paged entries that left. */
  dels: Buffer[] = [];
  /** Queues whose delivery watermark moved. */
  watermarks: JournalRecords[] = [];
  /** What its entries and bodies count in GroupCommit.unwrittenBytes (taken off once it is written or failed). */
  bytes = 0;
  /** Set when the batch is committed: the QueueEntry.storeBatch of the entries it writes. */
  id = 0;
  /** Channels (or tx) waiting for this batch, and the token each waits with (parallel arrays). */
  waiters: DurabilityWaiter[] = [];
  tokens: number[] = [];

  /** True when the batch writes nothing and nobody waits for it. */
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

  /** Adds a waiter; consecutive publishes of one channel share one slot: the highest token covers the others. */
  addWaiter(waiter: DurabilityWaiter, token: number): void {
    const n = this.waiters.length;
    if (n !== 0 && this.waiters[n - 1] === waiter) this.tokens[n - 1] = token;
    else {
      this.waiters.push(waiter);
      this.tokens.push(token);
    }
  }

  /** Serializes the records still due into sink; bodies and index records become STORE_WRITTEN. */
  writeTo(sink: BatchSink): void {
    for (const op of this.defs) {
      if (op.type === 'put') sink.put(op.key, op.value);
      else sink.del(op.key);
    }
    for (const m of this.bodies) {
      if (m.storeState !== STORE_PENDING) continue;
      m.storeState = STORE_WRITTEN;
      sink.put(bodyKey(m.storeId, m.propsLength), m.raw);
    }
    for (const e of this.enqueued) {
      if (e.storeState !== STORE_PENDING) continue;
      e.storeState = STORE_WRITTEN;
      e.storeBatch = this.id;
      const m = e.message;
      const j = e.queue.journal as StoreJournal;
      sink.put(indexKey(j.qid, e.seq), indexValue(m.storeId, m.propsLength, m.size, e.expiresAt, m.persistent && !j.transient ? 0 : INDEX_TRANSIENT));
    }
    for (const j of this.watermarks) {
      j.watermarkDue = false;
      sink.put(watermarkKey(j.qid), watermarkValue(j.deliveredSeq));
    }
    for (const e of this.removed) sink.del(indexKey(qidOf(e), e.seq));
    for (const k of this.dels) sink.del(k);
  }

  /**
   * After this batch failed: its definition changes and deletions go again
   * with `next` (before anything newer), so an acked message does not come
   * back after a restart and a deleted queue stays deleted. Its new messages
   * were nacked and are not written again. Keys are never reused (queue ids,
   * sequence numbers and message ids only grow), so a late delete is safe.
   */
  carryOverTo(next: Batch): void {
    if (this.defs.length !== 0) next.defs = this.defs.concat(next.defs);
    for (const e of this.removed) next.dels.push(indexKey(qidOf(e), e.seq));
    for (const k of this.dels) next.dels.push(k);
    for (const j of this.watermarks) {
      if (j.watermarkDue) continue;
      j.watermarkDue = true;
      next.watermarks.push(j);
    }
  }

  /** Tells the waiters, in order, that the batch is durable (ok) or failed. */
  notify(ok: boolean): void {
    const { waiters, tokens } = this;
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i];
      if (ok) w.durable(tokens[i]);
      else w.failed(tokens[i]);
    }
  }
}
