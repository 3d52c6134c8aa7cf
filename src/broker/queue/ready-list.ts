import { Deque } from './deque.js';
import type { QueueEntry } from './queue-entry.js';

/** A queue's ready messages: what is delivered next, and where a requeued one goes back. */
export interface ReadyList {
  /** Number of ready messages. */
  readonly length: number;
  /** Body bytes of the ready messages (x-max-length-bytes, message_bytes_ready). */
  readonly bytes: number;
  /** Appends a newly published entry. */
  push(e: QueueEntry): void;
  /** Removes and returns the next entry to deliver. */
  shift(): QueueEntry | undefined;
  /** The next entry to deliver, left in place. */
  peek(): QueueEntry | undefined;
  /** Puts a requeued entry back at its original place (by seq). */
  requeue(e: QueueEntry): void;
  /** Removes every entry and returns them. */
  drain(): QueueEntry[];
}

/** Publication order: a deque, requeued entries inserted back by seq (RabbitMQ keeps order on requeue since 2.7.0). */
export class FifoList implements ReadyList {
  private readonly items: Deque<QueueEntry>;
  bytes = 0;

  constructor(initialCapacity = 64) {
    this.items = new Deque<QueueEntry>(initialCapacity);
  }

  /** Number of ready messages. */
  get length(): number {
    return this.items.length;
  }

  /** Appends at the tail. */
  push(e: QueueEntry): void {
    this.items.push(e);
    this.bytes += e.message.size;
  }

  /** Removes the head. */
  shift(): QueueEntry | undefined {
    const e = this.items.shift();
    if (e !== undefined) this.bytes -= e.message.size;
    return e;
  }

  /** The head. */
  peek(): QueueEntry | undefined {
    return this.items.peek();
  }

  /** Inserts e before the first entry with a higher seq. */
  requeue(e: QueueEntry): void {
    this.bytes += e.message.size;
    const items = this.items;
    const head = items.peek();
    if (head === undefined || e.seq < head.seq) {
      items.unshift(e);
      return;
    }
    // Rare: a requeued entry lands between ready ones (e.g. other entries were requeued earlier). Binary search.
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((items.at(mid) as QueueEntry).seq < e.seq) lo = mid + 1;
      else hi = mid;
    }
    items.insertAt(lo, e);
  }

  /** Removes every entry, in order. */
  drain(): QueueEntry[] {
    this.bytes = 0;
    return this.items.drain();
  }
}

/**
 * x-max-priority: one FIFO per priority level in use, the highest non-empty
 * level first. A message's level is its priority property capped at the
 * queue's maximum (RabbitMQ: above max is treated as max).
 */
export class PriorityList implements ReadyList {
  private readonly levels: (FifoList | undefined)[];
  private readonly max: number;
  /** Highest level that may be non-empty (levels above it are empty). */
  private top = -1;
  length = 0;
  bytes = 0;

  constructor(maxPriority: number) {
    this.max = maxPriority;
    this.levels = new Array<FifoList | undefined>(maxPriority + 1);
  }

  private level(e: QueueEntry): FifoList {
    const p = e.message.priority > this.max ? this.max : e.message.priority;
    let l = this.levels[p];
    if (l === undefined) this.levels[p] = l = new FifoList(16);
    if (p > this.top) this.top = p;
    return l;
  }

  /** Appends at the tail of its priority. */
  push(e: QueueEntry): void {
    this.level(e).push(e);
    this.length++;
    this.bytes += e.message.size;
  }

  /** Removes the oldest entry of the highest priority. */
  shift(): QueueEntry | undefined {
    const l = this.topLevel();
    if (l === undefined) return undefined;
    const e = l.shift() as QueueEntry;
    this.length--;
    this.bytes -= e.message.size;
    return e;
  }

  /** The entry shift() would return. */
  peek(): QueueEntry | undefined {
    return this.topLevel()?.peek();
  }

  /** Back to its place by seq within its priority. */
  requeue(e: QueueEntry): void {
    this.level(e).requeue(e);
    this.length++;
    this.bytes += e.message.size;
  }

  /** Removes every entry, highest priority first. */
  drain(): QueueEntry[] {
    const out: QueueEntry[] = [];
    for (let p = this.top; p >= 0; p--) {
      const l = this.levels[p];
      if (l !== undefined && l.length !== 0) for (const e of l.drain()) out.push(e);
    }
    this.top = -1;
    this.length = 0;
    this.bytes = 0;
    return out;
  }

  private topLevel(): FifoList | undefined {
    while (this.top >= 0) {
      const l = this.levels[this.top];
      if (l !== undefined && l.length !== 0) return l;
      this.top--;
    }
    return undefined;
  }
}
