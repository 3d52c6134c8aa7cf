import type { Message } from '../broker/message.js';
import type { QueueJournal } from '../broker/persistence.js';
import type { QueueEntry } from '../broker/queue/queue-entry.js';
import type { JournalRecords } from './batch.js';
import type { GroupCommit } from './group-commit.js';

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
export class LevelQueueJournal implements QueueJournal, JournalRecords {
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
    // Not while writes fail, nor beyond the filling batch's high mark: a pass over a long backlog would put it all in one batch.
    if (this.gc.alarm || this.gc.behind) return false;
    this.gc.enqueued(entry);
    return true;
  }
  isDurable(entry: QueueEntry): boolean {
    return this.gc.isDurable(entry);
  }
  pagedOut(entry: QueueEntry): void {
    this.gc.refs.pagedOut(entry.message);
  }
  afterCommit(fn: () => void): void {
    this.gc.afterCommit(fn);
  }
  load(msgIds: ArrayLike<number>, propsLengths: ArrayLike<number>, count: number, done: (messages: (Message | undefined)[] | null) => void): void {
    this.gc.loader.load(msgIds, propsLengths, count, done);
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
