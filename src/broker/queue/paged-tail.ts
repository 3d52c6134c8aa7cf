import { Deque } from './deque.js';

/** Entries per chunk: 4096 x 29-37 B, so a chunk is ~150 KiB of typed arrays and a million entries are ~245 chunks. */
const CHUNK = 4096;

/** Flag bits of a paged entry. */
export const PAGED_REDELIVERED = 1;

/** One chunk of paged entries: parallel typed arrays, entries [start, end) in use. */
class Chunk {
  readonly seq = new Float64Array(CHUNK);
  readonly msgId = new Float64Array(CHUNK);
  readonly propsLength = new Uint32Array(CHUNK);
  readonly size = new Uint32Array(CHUNK);
  readonly flags = new Uint8Array(CHUNK);
  /** Allocated only once an entry with an expiry arrives (most queues have no TTL). */
  expiresAt: Float64Array | null = null;
  start = 0;
  end = 0;
}

/** What one paged entry holds in RAM (read from the tail's front with peekInto). */
export interface PagedEntry {
  seq: number;
  msgId: number;
  propsLength: number;
  size: number;
  expiresAt: number;
  flags: number;
}

/**
 * The compact tail of a queue's ready messages: the entries whose bodies are on
 * disk, in seq order, as (seq, msgId, propsLength, size, expiresAt, flags) in
 * typed-array chunks (about 29 B per entry, 37 B with TTLs) instead of a
 * QueueEntry + Message + body each. Appended at the back, consumed at the front.
 */
export class PagedTail {
  private readonly chunks = new Deque<Chunk>(16);
  /** Number of entries. */
  length = 0;
  /** Sum of the entries' body sizes. */
  bytes = 0;

  /** Appends an entry. */
  push(seq: number, msgId: number, propsLength: number, size: number, expiresAt: number, flags: number): void {
    let c = this.chunks.at(this.chunks.length - 1);
    if (c === undefined || c.end === CHUNK) {
      c = new Chunk();
      this.chunks.push(c);
    }
    const i = c.end++;
    c.seq[i] = seq;
    c.msgId[i] = msgId;
    c.propsLength[i] = propsLength;
    c.size[i] = size;
    c.flags[i] = flags;
    if (expiresAt !== 0) {
      if (c.expiresAt === null) c.expiresAt = new Float64Array(CHUNK);
      c.expiresAt[i] = expiresAt;
    } else if (c.expiresAt !== null) c.expiresAt[i] = 0;
    this.length++;
    this.bytes += size;
  }

  /** Copies the n-th entry from the front (0 = front) into out; false when there is none. */
  peekInto(n: number, out: PagedEntry): boolean {
    if (n >= this.length) return false;
    let k = 0;
    let c = this.chunks.at(0) as Chunk;
    while (n >= c.end - c.start) {
      n -= c.end - c.start;
      c = this.chunks.at(++k) as Chunk;
    }
    const i = c.start + n;
    out.seq = c.seq[i];
    out.msgId = c.msgId[i];
    out.propsLength = c.propsLength[i];
    out.size = c.size[i];
    out.expiresAt = c.expiresAt === null ? 0 : c.expiresAt[i];
    out.flags = c.flags[i];
    return true;
  }

  /** Removes the front entry, copying it into out; false when empty. */
  shiftInto(out: PagedEntry): boolean {
    if (!this.peekInto(0, out)) return false;
    const c = this.chunks.peek() as Chunk;
    c.start++;
    if (c.start === c.end) this.chunks.shift();
    this.length--;
    this.bytes -= out.size;
    return true;
  }

  /** Removes every entry, calling fn for each in order (records to delete). */
  drain(fn: (e: PagedEntry) => void): void {
    const e: PagedEntry = { seq: 0, msgId: 0, propsLength: 0, size: 0, expiresAt: 0, flags: 0 };
    while (this.shiftInto(e)) fn(e);
  }
}
