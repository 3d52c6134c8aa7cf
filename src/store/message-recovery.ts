import type { Logger } from 'pino';
import type { Message } from '../broker/message.js';
import { STORE_WRITTEN } from '../broker/persistence.js';
import type { Queue } from '../broker/queue/queue.js';
import type { Op } from './batch.js';
import type { BodyRefs } from './body-refs.js';
import { BODY, INDEX, INDEX_TRANSIENT, INDEX_VALUE_LENGTH, WATERMARK, bodyKey, describeKey, indexExpiresAt, indexFlags, readU64, tagRange } from './keys.js';
import type { Db } from './level-store.js';
import type { LevelQueueJournal } from './queue-journal.js';
import { decodeStoredMessage } from './stored-message.js';

/** Records read per iterator step, and the bytes one step may buffer (index records are ~34 B each). */
const STEP = 1000;
const STEP_BYTES = 4 * 1024 * 1024;
/** Bodies read per getMany for queues that cannot page (x-max-priority). */
const BODY_STEP = 1000;

/** A recovered durable queue with its journal attached. */
export type JournaledQueue = Queue & { journal: LevelQueueJournal };

/** Index records of a queue that keeps every message in RAM (x-max-priority), in seq order (parallel arrays). */
interface FullQueueIndex {
  queue: JournaledQueue;
  seqs: number[];
  msgIds: number[];
  propsLengths: number[];
  expiresAts: number[];
}

/** What recovery learned about the id spaces. */
export interface RecoveryResult {
  maxMsgId: number;
  maxQid: number;
  /** Entries restored, over all queues. */
  entries: number;
}

/** A growable Float64Array of message ids (one per kept index record; sorted to find shared bodies). */
class IdList {
  ids = new Float64Array(1024);
  length = 0;
  push(id: number): void {
    if (this.length === this.ids.length) {
      const next = new Float64Array(this.ids.length * 2);
      next.set(this.ids);
      this.ids = next;
    }
    this.ids[this.length++] = id;
  }
  /** The ids, sorted. */
  sorted(): Float64Array {
    return this.ids.subarray(0, this.length).sort();
  }
}

/** True when sorted holds id. */
function contains(sorted: Float64Array, id: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === id;
}

/**
 * Rebuilds the durable queues in `byQid` from the index records alone, so the
 * time it takes grows with the number of stored entries, not with their bytes:
 * 1. each index record (key qid, seq; value msgId, propsLength, size,
 *    absolute expiry, flags) becomes a paged entry of its queue (PagedList), redelivered when at
 *    or below the queue's delivery watermark; records of queues that no longer
 *    exist and transient records (written only to page under memory pressure)
 *    are deleted, with their bodies once nothing else references them;
 * 2. bodies referenced by more than one record get their count in `refs.shared`;
 * 3. x-max-priority queues, which keep everything in RAM, read their bodies;
 * 4. every queue applies its limits and reads its head's bodies; messages
 *    whose stored expiry passed while the broker was down expire (dropped, or
 *    dead-lettered with reason expired, into durable queues' records too) as
 *    they reach the head; the returned promise resolves once the heads are in.
 * Undecodable records are logged with their key and skipped. The clean-up
 * deletions are written in one synced batch before the listener opens.
 */
export async function recoverMessages(db: Db, byQid: Map<number, JournaledQueue>, refs: BodyRefs, logger: Logger): Promise<RecoveryResult> {
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
  const kept = new IdList();
  /** Bodies of deleted records (msgId -> propsLength): deleted too unless a kept record references them. */
  const dropped = new Map<number, number>();
  const full = new Map<number, FullQueueIndex>();
  const touched = new Set<JournaledQueue>();
  let queue: JournaledQueue | undefined;
  let fullIndex: FullQueueIndex | undefined;
  let currentQid = -1;
  let watermark = 0;
  const it = db.iterator({ ...tagRange(INDEX), highWaterMarkBytes: STEP_BYTES } as never);
  try {
    for (;;) {
      const batch = await it.nextv(STEP);
      if (batch.length === 0) break;
      for (const [key, value] of batch) {
        if (key.length !== 13 || value.length !== INDEX_VALUE_LENGTH) {
          logger.error({ key: describeKey(key) }, 'skipping undecodable message index record');
          continue;
        }
        const qid = key.readUInt32BE(1);
        if (qid > result.maxQid) result.maxQid = qid;
        const msgId = readU64(value, 0);
        if (msgId > result.maxMsgId) result.maxMsgId = msgId;
        const propsLength = value.readUInt32BE(8);
        if (qid !== currentQid) {
          currentQid = qid;
          queue = byQid.get(qid);
          fullIndex = undefined;
          if (queue !== undefined) {
            touched.add(queue);
            watermark = queue.journal.deliveredSeq;
            if (!queue.canPage) {
              fullIndex = { queue, seqs: [], msgIds: [], propsLengths: [], expiresAts: [] };
              full.set(qid, fullIndex);
            }
          }
        }
        // A deleted (or no longer durable) queue's leftover, or a transient message paged under memory pressure.
        if (queue === undefined || indexFlags(value) & INDEX_TRANSIENT) {
          cleanup.push({ type: 'del', key });
          dropped.set(msgId, propsLength);
          continue;
        }
        const seq = readU64(key, 5);
        kept.push(msgId);
        result.entries++;
        if (fullIndex !== undefined) {
          fullIndex.seqs.push(seq);
          fullIndex.msgIds.push(msgId);
          fullIndex.propsLengths.push(propsLength);
          fullIndex.expiresAts.push(indexExpiresAt(value));
        } else queue.restorePaged(seq, msgId, propsLength, value.readUInt32BE(12), indexExpiresAt(value), seq <= watermark);
      }
    }
  } finally {
    await it.close();
  }

  // 2. shared bodies, and bodies left without a record
  const ids = kept.sorted();
  for (let i = 0; i < ids.length; ) {
    let j = i + 1;
    while (j < ids.length && ids[j] === ids[i]) j++;
    if (j - i > 1) refs.shared.set(ids[i], j - i);
    i = j;
  }
  for (const [msgId, propsLength] of dropped) if (!contains(ids, msgId)) cleanup.push({ type: 'del', key: bodyKey(msgId, propsLength) });
  // Body ids beyond every index record (bodies outlive no record, but never reuse an id).
  for await (const key of db.keys({ ...tagRange(BODY), reverse: true, limit: 1 })) {
    if (key.length === 13) result.maxMsgId = Math.max(result.maxMsgId, readU64(key, 1));
  }

  // 3. queues that keep everything in RAM
  for (const [, ix] of full) result.entries -= await restoreFull(db, ix, refs, logger);

  // 4. limits and TTLs apply to what came back (after every queue is rebuilt: expiry may dead-letter into
  // another); then the heads are read.
  for (const q of touched) q.restored();
  await Promise.all([...touched].filter((q) => q.isLoading).map((q) => new Promise<void>((resolve) => q.whenLoaded(resolve))));

  if (cleanup.length !== 0) {
    await db.batch(cleanup, { sync: true } as never);
    logger.info({ records: cleanup.length }, 'deleted message records of deleted queues, transient messages and unreferenced bodies');
  }
  return result;
}

/** Reads every body of a queue that cannot page and restores its entries; returns how many were missing. */
async function restoreFull(db: Db, ix: FullQueueIndex, refs: BodyRefs, logger: Logger): Promise<number> {
  const { queue, seqs, msgIds, propsLengths, expiresAts } = ix;
  const watermark = queue.journal.deliveredSeq;
  let missing = 0;
  for (let i = 0; i < seqs.length; i += BODY_STEP) {
    const n = Math.min(BODY_STEP, seqs.length - i);
    const keys: Buffer[] = [];
    for (let k = 0; k < n; k++) keys.push(bodyKey(msgIds[i + k], propsLengths[i + k]));
    const values = await db.getMany(keys);
    for (let k = 0; k < n; k++) {
      const raw = values[k];
      const msgId = msgIds[i + k];
      let m: Message | undefined;
      if (raw !== undefined) {
        try {
          m = decodeStoredMessage(raw, propsLengths[i + k]);
        } catch (e) {
          logger.error({ key: describeKey(keys[k]), reason: (e as Error).message }, 'skipping undecodable message body record');
        }
      }
      if (m === undefined) {
        missing++;
        continue;
      }
      m.storeId = msgId;
      m.storeState = STORE_WRITTEN;
      m.storeRefs = refs.loadedRefs(msgId);
      const seq = seqs[i + k];
      queue.restore(seq, m, expiresAts[i + k], seq <= watermark).storeState = STORE_WRITTEN;
    }
  }
  if (missing !== 0) {
    logger.error({ vhost: queue.vhost, queue: queue.name, missing }, 'skipped stored messages whose body record is missing or undecodable');
  }
  return missing;
}
