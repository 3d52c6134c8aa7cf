import type { Logger } from 'pino';
import type { Message } from '../broker/message.js';
import type { Queue } from '../broker/queue/queue.js';
import type { LevelQueueJournal, Op } from './group-commit.js';
import { BODY, INDEX, WATERMARK, describeKey, readU64, tagRange } from './keys.js';
import type { Db } from './level-store.js';
import { decodeStoredMessage } from './stored-message.js';

/** Records read per iterator step, and the bytes one step may buffer (classic-level stops a step at 16 KiB by default: 16 bodies). */
const STEP = 1000;
const STEP_BYTES = 4 * 1024 * 1024;

/** A recovered durable queue with its journal attached. */
export type JournaledQueue = Queue & { journal: LevelQueueJournal };

/** One queue's index records, in seq order (parallel arrays: no object per record). */
interface QueueIndex {
  queue: JournaledQueue;
  seqs: number[];
  msgIds: number[];
}

/** What recovery learned about the id spaces. */
export interface RecoveryResult {
  maxMsgId: number;
  maxQid: number;
  /** Entries restored, over all queues. */
  entries: number;
}

/**
 * Rebuilds the durable queues in `byQid` from the stored messages:
 * 1. the index records (one per queue entry, in key = qid, seq order) give each
 *    queue its entries and each body its reference count; records of queues that
 *    no longer exist are deleted;
 * 2. the bodies referenced are read once each and shared by every queue
 *    holding them; unreferenced bodies (e.g. a crash between an ack and the body's
 *    deletion) are deleted;
 * 3. entries are appended to their queues in seq order, redelivered when at or
 *    below their queue's delivery watermark.
 * Undecodable records are logged with their key and skipped. The clean-up
 * deletions are written in one synced batch before the listener opens.
 */
export async function recoverMessages(db: Db, byQid: Map<number, JournaledQueue>, logger: Logger): Promise<RecoveryResult> {
  const indexes = new Map<number, QueueIndex>();
  const refs = new Map<number, number>();
  const cleanup: Op[] = [];
  const result: RecoveryResult = { maxMsgId: 0, maxQid: 0, entries: 0 };

  // 0. delivery watermarks
  for await (const [key, value] of db.iterator(tagRange(WATERMARK))) {
    const q = key.length === 5 ? byQid.get(key.readUInt32BE(1)) : undefined;
    if (q === undefined) cleanup.push({ type: 'del', key });
    else if (value.length !== 8) logger.error({ key: describeKey(key) }, 'skipping undecodable delivery watermark record');
    else q.journal.deliveredSeq = readU64(value, 0);
  }

  // 1. index records
  let current: QueueIndex | undefined;
  let currentQid = -1;
  const it = db.iterator({ ...tagRange(INDEX), highWaterMarkBytes: STEP_BYTES } as never);
  try {
    for (;;) {
      const batch = await it.nextv(STEP);
      if (batch.length === 0) break;
      for (const [key, value] of batch) {
        if (key.length !== 13 || value.length !== 8) {
          logger.error({ key: describeKey(key) }, 'skipping undecodable message index record');
          continue;
        }
        const qid = key.readUInt32BE(1);
        if (qid > result.maxQid) result.maxQid = qid;
        const msgId = readU64(value, 0);
        if (msgId > result.maxMsgId) result.maxMsgId = msgId;
        if (qid !== currentQid) {
          currentQid = qid;
          const q = byQid.get(qid);
          current = q === undefined ? undefined : { queue: q, seqs: [], msgIds: [] };
          if (current !== undefined) indexes.set(qid, current);
        }
        if (current === undefined) {
          cleanup.push({ type: 'del', key }); // a deleted (or no longer durable) queue's leftover
          continue;
        }
        current.seqs.push(readU64(key, 5));
        current.msgIds.push(msgId);
        refs.set(msgId, (refs.get(msgId) ?? 0) + 1);
      }
    }
  } finally {
    await it.close();
  }

  // 2. bodies
  const messages = new Map<number, Message>();
  const bodies = db.iterator({ ...tagRange(BODY), highWaterMarkBytes: STEP_BYTES } as never);
  try {
    for (;;) {
      const batch = await bodies.nextv(STEP);
      if (batch.length === 0) break;
      for (const [key, value] of batch) {
        if (key.length !== 13) {
          logger.error({ key: describeKey(key) }, 'skipping undecodable message body record');
          continue;
        }
        const msgId = readU64(key, 1);
        if (msgId > result.maxMsgId) result.maxMsgId = msgId;
        const n = refs.get(msgId);
        if (n === undefined) {
          cleanup.push({ type: 'del', key });
          continue;
        }
        let m: Message;
        try {
          m = decodeStoredMessage(value, key.readUInt32BE(9));
        } catch (e) {
          logger.error({ key: describeKey(key), reason: (e as Error).message }, 'skipping undecodable message body record');
          continue;
        }
        m.storeId = msgId;
        m.storeRefs = n;
        m.storeState = 2;
        messages.set(msgId, m);
      }
    }
  } finally {
    await bodies.close();
  }

  // 3. queues
  for (const [, ix] of indexes) {
    const { queue, seqs, msgIds } = ix;
    const watermark = queue.journal.deliveredSeq;
    let missing = 0;
    for (let i = 0; i < seqs.length; i++) {
      const m = messages.get(msgIds[i] as number);
      if (m === undefined) {
        missing++;
        continue;
      }
      const seq = seqs[i] as number;
      const e = queue.restore(seq, m, seq <= watermark);
      e.storeState = 2;
      result.entries++;
    }
    if (missing !== 0) {
      logger.error({ vhost: queue.vhost, queue: queue.name, missing }, 'skipped stored messages whose body record is missing or undecodable');
    }
  }

  // Length limits and TTLs apply to what came back (after every queue is rebuilt: expiry may dead-letter into another).
  for (const [, ix] of indexes) ix.queue.restored();

  if (cleanup.length !== 0) {
    await db.batch(cleanup, { sync: true } as never);
    logger.info({ records: cleanup.length }, 'deleted message records of deleted queues and unreferenced bodies');
  }
  return result;
}
