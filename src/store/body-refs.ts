import type { Message } from '../broker/message.js';
import { NOT_STORED, STORE_WRITTEN } from '../broker/persistence.js';

/**
 * Message.storeRefs of a message whose reference count lives in BodyRefs'
 * `shared` map: a body referenced by several queues of which at least one paged
 * its entry out (the count then cannot live on one Message object, since each
 * queue that loads the body back gets its own).
 */
export const SHARED_REFS = -1;

/**
 * Reference counts of stored bodies: one body record per message however many
 * durable queues hold it, deleted when the last entry referencing it leaves.
 * The count lives on the Message (storeRefs) while every entry is in RAM, and
 * in `shared` once an entry that shares the body is paged out.
 */
export class BodyRefs {
  /** Reference counts of bodies shared by several entries once one of them was paged out (see SHARED_REFS); recovery fills it. */
  readonly shared = new Map<number, number>();

  /** One more stored entry references m's body. */
  acquire(m: Message): void {
    if (m.storeRefs === SHARED_REFS) this.shared.set(m.storeId, (this.shared.get(m.storeId) ?? 0) + 1);
    else m.storeRefs++;
  }

  /**
   * One stored entry fewer references m's body: true when its record must be
   * deleted (written, and referenced by no entry any more). A body nobody
   * references that is not written yet is dropped from its batch instead.
   */
  release(m: Message): boolean {
    if (m.storeRefs === SHARED_REFS) return this.releaseShared(m.storeId);
    if (--m.storeRefs !== 0) return false;
    const written = m.storeState === STORE_WRITTEN;
    m.storeState = NOT_STORED;
    return written;
  }

  /** One paged entry fewer references body msgId: true when its record must be deleted. */
  releaseShared(msgId: number): boolean {
    const n = this.shared.get(msgId);
    if (n !== undefined && n > 1) {
      this.shared.set(msgId, n - 1);
      return false;
    }
    this.shared.delete(msgId);
    return true;
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
    m.storeState = NOT_STORED;
    m.storeId = 0;
  }

  /** Message.storeRefs of body msgId read back from disk for one entry. */
  loadedRefs(msgId: number): number {
    return this.shared.has(msgId) ? SHARED_REFS : 1;
  }
}
