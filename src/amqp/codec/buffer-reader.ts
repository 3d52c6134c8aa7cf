/**
 * The read side of the AMQP codec primitives: a bounds-checked cursor over a
 * slice of a (possibly larger) socket buffer.
 *
 * Reads check against `end`, not `buf.length`, because a method frame's payload
 * usually sits inside a bigger socket chunk: running past the frame must be a
 * protocol error, not a silent read of the next frame. Overruns throw
 * 502 SYNTAX_ERROR (never a RangeError), so a malformed peer can only ever close
 * its own connection.
 */
import { frameError, syntaxError, type AmqpError } from '../errors.js';
import { formatErlangBinary } from './erlang-term.js';

const TWO_32 = 4294967296;

/** A cursor over buf[pos..end) with AMQP's big-endian primitive types. */
export class BufferReader {
  /** The underlying bytes (shared, never copied by the reader itself). */
  buf: Buffer;
  /** Offset of the next byte to read. */
  pos: number;
  /** Offset one past the last readable byte. */
  end: number;

  constructor(buf: Buffer, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    // A caller's end past the buffer would read `undefined` bytes as NaN: clamp instead.
    this.end = end < buf.length ? end : buf.length;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws 502 unless n more bytes are available. */
  need(n: number): void {
    if (this.pos + n > this.end) {
      throw syntaxError(`truncated data: needed ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  /** Throws 502 when bytes are left over: RabbitMQ rejects trailing garbage after the last argument. */
  finish(): void {
    if (this.pos !== this.end) {
      throw syntaxError(`${this.end - this.pos} unexpected bytes after the last field`);
    }
  }

  /** Skips n bytes. */
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** octet. */
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  /** Signed 8-bit (field-table 'b'). */
  i8(): number {
    this.need(1);
    return (this.buf[this.pos++] << 24) >> 24;
  }

  /** short (unsigned 16-bit). */
  u16(): number {
    this.need(2);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p] << 8) | b[p + 1];
  }

  /** Signed 16-bit (field-table 's'). */
  i16(): number {
    return (this.u16() << 16) >> 16;
  }

  /** long (unsigned 32-bit). */
  u32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    // Multiply the top byte instead of shifting it: `<< 24` would go negative.
    return b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
  }

  /** Signed 32-bit (field-table 'I'). */
  i32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }

  /**
   * longlong (unsigned 64-bit) as a number. Delivery tags, body sizes and
   * timestamps stay far below 2^53; larger values lose low bits rather than
   * allocating a BigInt on the hot path.
   */
  u64(): number {
    const hi = this.u32();
    return hi * TWO_32 + this.u32();
  }

  /** Signed 64-bit (field-table 'l'): a number when it is a safe integer, else a bigint. */
  i64(): number | bigint {
    this.need(8);
    const p = this.pos;
    const hi = this.i32();
    const v = hi * TWO_32 + this.u32();
    // hi * 2^32 is exact and rounding is monotonic, so an unsafe true value never looks safe.
    return Number.isSafeInteger(v) ? v : this.buf.readBigInt64BE(p);
  }

  /** IEEE-754 single (field-table 'f'). */
  f32(): number {
    this.need(4);
    const v = this.buf.readFloatBE(this.pos);
    this.pos += 4;
    return v;
  }

  /** IEEE-754 double (field-table 'd'). */
  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** shortstr: u8 length + UTF-8 bytes. */
  shortstr(): string {
    const n = this.u8();
    this.need(n);
    const p = this.pos;
    this.pos = p + n;
    return n === 0 ? '' : this.buf.toString('utf8', p, p + n);
  }

  /** Skips a shortstr without decoding it. */
  skipShortstr(): void {
    this.skip(this.u8());
  }

  /**
   * longstr: u32 length + bytes, copied out so a long-lived value (a SASL
   * response, a stored argument) never pins the whole socket chunk.
   */
  longstr(): Buffer {
    return this.bytes(this.u32());
  }

  /** A copy of the next n bytes. */
  bytes(n: number): Buffer {
    this.need(n);
    const p = this.pos;
    this.pos = p + n;
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, p, p + n);
    return out;
  }
}

/**
 * The error for a method whose arguments do not decode (short, trailing bytes,
 * bad table). RabbitMQ 3.10.8, probed with raw frames: truncated fields and
 * trailing bytes both get connection.close 501 "FRAME_ERROR - cannot decode
 * <<...method field bytes...>>" naming the method's class and method id.
 */
export function cannotDecode(cause: unknown, buf: Buffer, start: number, end: number, id: number): AmqpError {
  const err = frameError(`cannot decode ${formatErlangBinary(buf, start, end)}`);
  err.classId = id >>> 16;
  err.methodId = id & 0xffff;
  err.cause = cause;
  return err;
}
