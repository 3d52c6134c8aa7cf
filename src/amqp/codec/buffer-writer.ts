/**
 * The write side of the AMQP codec primitives: a growable big-endian writer.
 *
 * Encoders write into one long-lived scratch writer per module and copy the
 * result out once, so encoding a frame costs a single exact-size allocation
 * instead of a Buffer per field plus a concat.
 */

const TWO_32 = 4294967296;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** RabbitMQ cuts exception reply texts to 252 bytes + "..." (`rabbit_binary_generator:amqp_exception_explanation`). */
const REPLY_TEXT_CUT = 252;

/** A growable buffer with AMQP's primitive types; `pos` is the write offset. */
export class BufferWriter {
  /** Backing storage; only [0, pos) is meaningful. Replaced when it grows. */
  buf: Buffer;
  /** Offset of the next byte to write (= bytes written so far). */
  pos = 0;
  private readonly initialCapacity: number;
  private readonly maxRetained: number;

  /**
   * @param capacity initial size of the backing buffer
   * @param maxRetained reset() drops a backing buffer grown past this, so one
   *   huge table does not keep a scratch writer big forever
   */
  constructor(capacity = 1024, maxRetained = 65536) {
    this.initialCapacity = capacity;
    this.maxRetained = maxRetained;
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Starts over at offset 0, shrinking an oversized backing buffer. */
  reset(): this {
    this.pos = 0;
    if (this.buf.length > this.maxRetained) this.buf = Buffer.allocUnsafe(this.initialCapacity);
    return this;
  }

  /** Makes room for n more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An exact-size copy of everything written so far. */
  toBuffer(): Buffer {
    const n = this.pos;
    const out = Buffer.allocUnsafe(n);
    if (n <= 64) {
      // Most method frames are tiny; a plain loop beats the native copy's call overhead there.
      const b = this.buf;
      for (let i = 0; i < n; i++) out[i] = b[i];
    } else {
      this.buf.copy(out, 0, 0, n);
    }
    return out;
  }

  /** octet. */
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** Signed 8-bit. */
  i8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  /** short (unsigned 16-bit). */
  u16(v: number): void {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }

  /** Signed 16-bit (two's complement: same bits as u16 of the low half). */
  i16(v: number): void {
    this.u16(v & 0xffff);
  }

  /** long (unsigned 32-bit). */
  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  /** Signed 32-bit. */
  i32(v: number): void {
    this.u32(v >>> 0);
  }

  /** longlong (unsigned 64-bit) from a non-negative safe integer. */
  u64(v: number): void {
    const hi = Math.floor(v / TWO_32);
    this.u32(hi);
    this.u32(v - hi * TWO_32);
  }

  /** Signed 64-bit from a safe integer or a bigint in int64 range. */
  i64(v: number | bigint): void {
    if (typeof v === 'bigint') {
      if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`${v} does not fit a signed 64-bit integer`);
      this.ensure(8);
      this.buf.writeBigInt64BE(v, this.pos);
      this.pos += 8;
      return;
    }
    const hi = Math.floor(v / TWO_32);
    this.i32(hi);
    this.u32(v - hi * TWO_32);
  }

  /** IEEE-754 single. */
  f32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatBE(v, this.pos);
    this.pos += 4;
  }

  /** IEEE-754 double. */
  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** shortstr: u8 length + UTF-8; throws RangeError past 255 bytes (a caller bug, never peer input). */
  shortstr(s: string): void {
    // More than 255 UTF-16 units is always more than 255 UTF-8 bytes: fail before sizing for it.
    if (s.length > 255) throw new RangeError(`shortstr longer than 255 bytes: '${s.slice(0, 40)}...'`);
    this.ensure(1 + s.length * 3);
    const n = s.length === 0 ? 0 : this.buf.write(s, this.pos + 1, 'utf8');
    if (n > 255) throw new RangeError(`shortstr longer than 255 bytes: '${s.slice(0, 40)}...'`);
    this.buf[this.pos] = n;
    this.pos += 1 + n;
  }

  /**
   * A reply-text shortstr: texts over 255 bytes are cut to 252 bytes + "..."
   * as RabbitMQ does (it cuts mid-character; we back up to a UTF-8 boundary).
   */
  replyText(s: string): void {
    const len = Buffer.byteLength(s);
    if (len <= 255) {
      this.shortstr(s);
      return;
    }
    const bytes = Buffer.from(s);
    let cut = REPLY_TEXT_CUT;
    while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
    this.u8(cut + 3);
    this.raw(bytes, 0, cut);
    this.ensure(3);
    this.buf.write('...', this.pos, 'latin1');
    this.pos += 3;
  }

  /** longstr: u32 length + bytes (strings as UTF-8). */
  longstr(v: Buffer | string): void {
    if (typeof v === 'string') {
      this.ensure(4 + v.length * 3);
      const n = v.length === 0 ? 0 : this.buf.write(v, this.pos + 4, 'utf8');
      this.u32(n);
      this.pos += n;
      return;
    }
    this.u32(v.length);
    this.raw(v, 0, v.length);
  }

  /** Raw bytes src[start..end), no length prefix. */
  raw(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    this.buf.set(start === 0 && end === src.length ? src : src.subarray(start, end), this.pos);
    this.pos += n;
  }

  /** Overwrites a u32 written earlier (length prefixes known only after the body). */
  patchU32(at: number, v: number): void {
    this.buf.writeUInt32BE(v >>> 0, at);
  }
}
