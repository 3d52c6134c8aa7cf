import type { Message } from '../message.js';
import { NOT_STORED, STORE_WRITTEN, type QueueJournal } from '../persistence.js';
import { Deque } from './deque.js';
import { PAGED_REDELIVERED, PagedTail, type PagedEntry } from './paged-tail.js';
import { QueueEntry } from './queue-entry.js';
import type { Queue } from './queue.js';
import { FifoList, type ReadyList } from './ready-list.js';

/** Retry delay after a failed body read (the store logs the error). */
const LOAD_RETRY_MS = 1000;

/**
 * A FIFO ready list that pages a long backlog out to the message store
 * (RabbitMQ classic queues v2: only an index in RAM). Three segments, in seq order:
 *
 *   head     full QueueEntry + Message objects, delivered next (at most the
 *            journal's head window: headMessages / headBytes, plus requeued ones);
 *   tail     paged entries: (seq, msgId, propsLength, size, expiresAt, flags) in
 *            typed arrays, bodies on disk (PagedTail);
 *   pending  the newest entries, full, waiting until their records are synced:
 *            only then are they moved to the tail (a body is never read back
 *            before its batch is durable).
 *
 * When the head falls below half the window and the tail is not empty, the
 * next bodies are read in one batch (one callback per batch) and appended to
 * the head; until they arrive shift() may return undefined while length > 0,
 * and onLoaded tells the queue to resume. Without a journal (the memory store)
 * everything stays in the head: the plain path costs one null check. Transient
 * messages in a journaled queue (and every message of a non-durable queue,
 * whose journal stores nothing else) are written (flagged transient) and paged
 * only while the journal reports memory pressure; until then they stay in
 * `pending`, and so do the entries behind them.
 */
export class PagedList implements ReadyList {
  private readonly head = new FifoList();
  private readonly tail = new PagedTail();
  private readonly pending = new Deque<QueueEntry>(16);
  private pendingBytes = 0;
  private journal: QueueJournal | null = null;
  private headMessages = 0;
  private headBytes = 0;
  private loading = false;
  /** Bumped by drain(): a load that completes afterwards is discarded. */
  private generation = 0;
  private pageOutRequested = false;
  /** basic.get callers waiting for paged bodies to be read (see whenLoaded). */
  private loadWaiters: Array<() => void> = [];
  /** Set when an unstored (transient) entry entered `pending`: a page-out pass under memory pressure writes it. */
  private unspilled = false;
  // Scratch for one load (reused: one load at a time).
  private loadIds: number[] = [];
  private loadProps: number[] = [];
  private loadSeqs: number[] = [];
  private readonly pe: PagedEntry = { seq: 0, msgId: 0, propsLength: 0, size: 0, expiresAt: 0, flags: 0 };
  private readonly pageOutLater = (): void => {
    this.pageOutRequested = false;
    this.pageOut();
  };

  /**
   * @param queue    owner of the entries loaded back
   * @param onLoaded called after a batch of bodies was appended to the head (the queue resumes dispatch, basic.get, TTL, limits)
   */
  constructor(
    private readonly queue: Queue,
    private readonly onLoaded: (expiring: boolean) => void,
  ) {}

  /** Enables paging through the queue's journal. */
  attach(journal: QueueJournal): void {
    this.journal = journal;
    this.headMessages = journal.headMessages;
    this.headBytes = journal.headBytes;
  }

  /** Number of ready messages (head, paged and pending). */
  get length(): number {
    return this.head.length + this.tail.length + this.pending.length;
  }

  /** Body bytes of the ready messages. */
  get bytes(): number {
    return this.head.bytes + this.tail.bytes + this.pendingBytes;
  }

  /** Ready messages whose bodies are on disk only. */
  get pagedCount(): number {
    return this.tail.length;
  }

  /** Body bytes of those. */
  get pagedBytes(): number {
    return this.tail.bytes;
  }

  /** True while the head is empty and a load of paged bodies is on its way (basic.get waits for it). */
  get isLoading(): boolean {
    return this.head.length === 0 && this.tail.length !== 0;
  }

  /** Calls fn at the next wakeLoadWaiters (the next bodies are in, or the list was drained). */
  whenLoaded(fn: () => void): void {
    this.loadWaiters.push(fn);
  }

  /** Runs the waiting whenLoaded callbacks (the queue calls it once it has handled a load or a purge). */
  wakeLoadWaiters(): void {
    if (this.loadWaiters.length === 0) return;
    const ws = this.loadWaiters;
    this.loadWaiters = [];
    for (const w of ws) w();
  }

  /** Appends a new entry: to the head while the window has room and nothing is paged, else to `pending`. */
  push(e: QueueEntry): void {
    const j = this.journal;
    if (j === null || (this.pending.length === 0 && this.tail.length === 0 && this.head.length < this.headMessages && this.head.bytes < this.headBytes)) {
      this.head.push(e);
      return;
    }
    this.pending.push(e);
    this.pendingBytes += e.message.size;
    if (e.storeState === NOT_STORED) {
      // Not spilled now (not paging, or the store refuses it for now): a later page-out pass writes it.
      if (!j.pageTransient || !j.spill(e)) this.unspilled = true;
    }
    if (!this.pageOutRequested) {
      this.pageOutRequested = true;
      j.afterCommit(this.pageOutLater);
    }
  }

  /** Removes the head entry; undefined when the list is empty or the next bodies are still being read. */
  shift(): QueueEntry | undefined {
    let e = this.head.shift();
    if (this.journal !== null && this.head.length < this.headMessages >>> 1) {
      this.refill();
      if (e === undefined) e = this.head.shift();
    }
    return e;
  }

  /** The first entry whose body is in memory, without loading anything (management reads). */
  peekLoaded(): QueueEntry | undefined {
    return this.head.peek();
  }

  /** The entry shift() would return. */
  peek(): QueueEntry | undefined {
    let e = this.head.peek();
    if (e === undefined && this.journal !== null) {
      this.refill();
      e = this.head.peek();
    }
    return e;
  }

  /** Requeued entries were delivered from the head, so they precede every paged one: back into the head by seq. */
  requeue(e: QueueEntry): void {
    this.head.requeue(e);
  }

  /** Removes every entry: returns the full ones; the paged ones' records are deleted through the journal. */
  drain(): QueueEntry[] {
    this.generation++;
    this.loading = false;
    const out = this.head.drain();
    const j = this.journal;
    if (j !== null) this.tail.drain((p) => j.removedPaged(p.seq, p.msgId, p.propsLength));
    while (this.pending.length !== 0) out.push(this.pending.shift() as QueueEntry);
    this.pendingBytes = 0;
    this.unspilled = false;
    return out;
  }

  /** Drops the oldest paged entry without reading its body (drop-head with no dead-letter exchange); false when none. */
  dropPaged(): boolean {
    if (!this.tail.shiftInto(this.pe)) return false;
    (this.journal as QueueJournal).removedPaged(this.pe.seq, this.pe.msgId, this.pe.propsLength);
    return true;
  }

  /** Recovery: appends a stored entry without its body. */
  pushPaged(seq: number, msgId: number, propsLength: number, size: number, expiresAt: number, redelivered: boolean): void {
    this.tail.push(seq, msgId, propsLength, size, expiresAt, redelivered ? PAGED_REDELIVERED : 0);
  }

  /** Starts reading the head's bodies (recovery); onLoaded follows. */
  startLoading(): void {
    if (this.journal !== null && this.head.length < this.headMessages >>> 1) this.refill();
  }

  /** Tops the head up: from `pending` when nothing is paged, else by reading the next paged bodies. */
  private refill(): void {
    if (this.tail.length !== 0) {
      if (!this.loading) this.startLoad();
      return;
    }
    const p = this.pending;
    while (p.length !== 0 && this.head.length < this.headMessages && this.head.bytes < this.headBytes) {
      const e = p.shift() as QueueEntry;
      this.pendingBytes -= e.message.size;
      this.head.push(e);
    }
  }

  private startLoad(): void {
    const j = this.journal as QueueJournal;
    const max = Math.max(1, this.headMessages >>> 1);
    const maxBytes = Math.max(1, this.headBytes >>> 1);
    const ids = this.loadIds;
    const props = this.loadProps;
    const seqs = this.loadSeqs;
    let n = 0;
    let bytes = 0;
    while (n < max && bytes < maxBytes && this.tail.peekInto(n, this.pe)) {
      ids[n] = this.pe.msgId;
      props[n] = this.pe.propsLength;
      seqs[n] = this.pe.seq;
      bytes += this.pe.size;
      n++;
    }
    if (n === 0) return;
    this.loading = true;
    const gen = this.generation;
    j.load(ids, props, n, (messages) => this.loaded(gen, n, messages));
  }

  private loaded(gen: number, n: number, messages: (Message | undefined)[] | null): void {
    if (gen !== this.generation || this.journal === null) return;
    this.loading = false;
    if (messages === null) {
      setTimeout(() => {
        if (gen === this.generation) this.refill();
      }, LOAD_RETRY_MS).unref();
      return;
    }
    const pe = this.pe;
    const j = this.journal;
    let expiring = false;
    for (let i = 0; i < n; i++) {
      // Entries dropped meanwhile (drop-head while the head was empty) are no longer at the front.
      if (!this.tail.peekInto(0, pe) || pe.seq !== this.loadSeqs[i]) continue;
      this.tail.shiftInto(pe);
      const m = messages[i];
      if (m === undefined) {
        j.removedPaged(pe.seq, pe.msgId, pe.propsLength);
        continue;
      }
      const e = new QueueEntry(this.queue, pe.seq, m, pe.expiresAt);
      e.redelivered = (pe.flags & PAGED_REDELIVERED) !== 0;
      e.storeState = STORE_WRITTEN;
      if (pe.expiresAt !== 0) expiring = true;
      this.head.push(e);
    }
    this.onLoaded(expiring);
  }

  /** Moves `pending` entries whose records are durable into the tail (after each commit while any wait). */
  private pageOut(): void {
    const j = this.journal;
    if (j === null) return;
    if (this.head.length < this.headMessages >>> 1) this.refill();
    const p = this.pending;
    if (this.unspilled && j.pageTransient) {
      this.unspilled = false;
      for (let i = 0; i < p.length; i++) {
        const e = p.at(i) as QueueEntry;
        if (e.storeState === NOT_STORED && !j.spill(e)) this.unspilled = true;
      }
    }
    while (p.length !== 0) {
      const e = p.peek() as QueueEntry;
      if (!j.isDurable(e)) break;
      p.shift();
      const m = e.message;
      this.pendingBytes -= m.size;
      this.tail.push(e.seq, m.storeId, m.propsLength, m.size, e.expiresAt, e.redelivered ? PAGED_REDELIVERED : 0);
      j.pagedOut(e);
    }
    if (p.length !== 0 && !this.pageOutRequested) {
      this.pageOutRequested = true;
      j.afterCommit(this.pageOutLater);
    }
  }
}
