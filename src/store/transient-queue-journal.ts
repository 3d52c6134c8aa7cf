import type { QueueEntry } from '../broker/queue/queue-entry.js';
import type { GroupCommit } from './group-commit.js';
import { LevelQueueJournal } from './queue-journal.js';

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
    if (this.gc.alarm || this.gc.behind) return false;
    if (this.qid === 0) this.qid = this.newQid();
    this.gc.enqueued(entry);
    return true;
  }
  /** Nothing is recovered, so no delivery watermark. */
  override delivered(): void {}
}
