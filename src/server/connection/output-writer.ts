import type { Socket } from 'node:net';
import { ZERO_COPY_MIN, type FrameSink } from '../../amqp/frame/content-writer.js';
import type { ConnectionCounters } from '../../stats/counters.js';

/** Bytes gathered before a write is forced within a tick. */
const CHUNK = 64 * 1024;
/** A connection starts with a small buffer (from Node's pool) and grows to CHUNK once it is busy. */
const INITIAL = 2048;
/** Above this many queued bytes (ours + the socket's) deliveries pause until 'drain'. */
const HIGH_WATER = 512 * 1024;
/** Writes smaller than this are copied out so the 64 KiB buffer can be reused. */
const COPY_OUT_MAX = 8 * 1024;
/**
 * The hard cap on a connection's unsent bytes (ours + the socket's): past it the connection stops reading
 * its client (replies, confirms, returns and basic.get-ok keep coming otherwise) until the socket drains.
 * One frame may still take it over the cap (a large message's get-ok or return); nothing more is read.
 */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

/**
 * The single ordered writer of a connection. Frames are encoded straight into
 * a pre-allocated buffer and handed to the socket once per event-loop turn
 * (setImmediate), so a burst of deliveries costs one write, not one per frame.
 *
 * Backpressure works like a Node stream's write()/'drain': once queued bytes
 * reach the high-water mark the writer remembers it (`saturated`), and when a
 * flush or a socket drain brings them back below it calls `onWritable`, which
 * resumes the deliveries that `writable` turned away meanwhile. Recording it
 * here, where the bytes are counted, keeps `writable` (and the channel's
 * canDeliver built on it) a pure question.
 */
export class OutputWriter implements FrameSink {
  /** The buffer frames are encoded into; callers write at `pos` after ensure(). */
  buf: Buffer = Buffer.allocUnsafe(INITIAL);
  pos = 0;
  private flushScheduled = false;
  private closed = false;
  /**
   * Queued bytes reached MAX_UNSENT_BYTES: the connection stops reading after the frame in hand and
   * `onDrained` is called once the socket has drained. Read once per frame, so a plain field.
   */
  overCap = false;
  /** Queued bytes reached HIGH_WATER since onWritable was last called. */
  private saturated = false;
  private readonly flushLater = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(
    private readonly socket: Socket,
    /** The connection's socket counters: send_oct and send_cnt are counted per socket write. */
    private readonly counters: ConnectionCounters,
    /** Called before each flush: lets channels add coalesced confirms. */
    private readonly beforeFlush: () => void,
    /** Called once queued bytes are back below the high-water mark after reaching it. */
    private readonly onWritable: () => void,
    /** Called once the socket drained after the queued bytes reached MAX_UNSENT_BYTES (overCap cleared). */
    private readonly onDrained: () => void = () => {},
  ) {}

  /** Bytes handed to the socket so far (the heartbeat watches it). */
  get bytesOut(): number {
    return this.counters.sendOct;
  }

  /** True while more deliveries may be queued without exceeding the high-water mark. */
  get writable(): boolean {
    return !this.closed && this.pos + this.socket.writableLength < HIGH_WATER;
  }

  /** Makes room for n bytes at `pos` (flushing what is there if needed) and schedules a flush. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) {
      if (this.buf.length < CHUNK && this.pos + n <= CHUNK) {
        // Busy now: grow once, keeping what is buffered (idle connections never pay for 64 KiB).
        const grown = Buffer.allocUnsafe(CHUNK);
        this.buf.copy(grown, 0, 0, this.pos);
        this.buf = grown;
      } else {
        if (this.pos > 0) this.writeOut();
        if (n > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(n, CHUNK));
      }
    }
    // n may overstate the frame (a shortstr's room): at worst one needless onWritable.
    const queued = this.pos + n + this.socket.writableLength;
    if (queued >= HIGH_WATER) {
      this.saturated = true;
      if (queued >= MAX_UNSENT_BYTES) this.overCap = true;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushLater);
    }
  }

  /** Makes sure a flush (and so beforeFlush) runs at the end of this event-loop turn. */
  scheduleFlush(): void {
    if (!this.flushScheduled && !this.closed) {
      this.flushScheduled = true;
      setImmediate(this.flushLater);
    }
  }

  /** Appends a complete frame (copied). */
  write(frame: Buffer): void {
    if (this.closed) return;
    if (frame.length >= ZERO_COPY_MIN) {
      this.writeDirect(frame);
      return;
    }
    this.ensure(frame.length);
    frame.copy(this.buf, this.pos);
    this.pos += frame.length;
  }

  /** Appends bytes without copying them: flushes what is buffered first to keep the order. */
  writeDirect(bytes: Buffer): void {
    if (this.closed) return;
    if (this.pos > 0) this.writeOut();
    const s = this.counters;
    s.sendOct += bytes.length;
    s.sendCnt++;
    this.socket.write(bytes);
    const queued = this.pos + this.socket.writableLength;
    if (queued >= HIGH_WATER) {
      this.saturated = true;
      if (queued >= MAX_UNSENT_BYTES) this.overCap = true;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushLater);
    }
  }

  /** Writes what is buffered now. */
  flush(): void {
    if (this.closed) return;
    this.beforeFlush();
    if (this.pos > 0) this.writeOut();
    this.checkWritable();
  }

  /** The socket emptied its buffer ('drain'). */
  drained(): void {
    if (this.overCap && !this.closed && this.pos + this.socket.writableLength < MAX_UNSENT_BYTES) {
      this.overCap = false;
      this.onDrained();
    }
    this.checkWritable();
  }

  /** Stops writing (the socket is going away). */
  close(): void {
    this.closed = true;
  }

  private checkWritable(): void {
    if (!this.saturated || !this.writable) return;
    this.saturated = false;
    this.onWritable();
  }

  private writeOut(): void {
    const n = this.pos;
    const s = this.counters;
    s.sendOct += n;
    s.sendCnt++;
    this.pos = 0;
    if (n < COPY_OUT_MAX) {
      // Small writes (a confirm, a heartbeat, a few deliveries): copy out and keep the big buffer.
      const out = Buffer.allocUnsafe(n);
      this.buf.copy(out, 0, 0, n);
      this.socket.write(out);
      return;
    }
    const out = n === this.buf.length ? this.buf : this.buf.subarray(0, n);
    // The socket owns `out` until written, so continue in a fresh buffer.
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.socket.write(out);
  }
}
