/**
 * The incremental AMQP 0-9-1 frame parser: type(u8) channel(u16) size(u32) payload[size] frame-end(0xCE).
 *
 * Hot path rules (ARCHITECTURE "Hot path"): a frame that lies whole inside a socket chunk is handed to the
 * callback as (chunk, start, end) with no copy and no subarray. Bytes are copied only across a frame
 * boundary: a header split between chunks goes to a 7-byte scratch, and a payload that spans chunks goes
 * to one buffer of exactly size+1 bytes (payload + frame-end), allocated after the size has been checked.
 *
 * Errors mirror rabbit_reader. Observed on RabbitMQ 3.10.8 / Erlang 25 (127.0.0.1:5682) with raw frames
 * sent after connection.open-ok (frame_max 131072):
 *   header size 200000     -> 501 "FRAME_ERROR - type 1, all octets = <<>>: {frame_too_large,200000,131064}"
 *                             (sent as soon as the 7 header octets arrive; payload octets are never shown)
 *   header size 131072     -> accepted; 131073 -> {frame_too_large,131073,131064}   (FRAME_SIZE_FUDGE below)
 *   end octet 0xAB         -> 501 "FRAME_ERROR - type 1, all octets = <<0,20,0,10,0>>: {invalid_frame_end_marker,171}"
 *   type 5, 7, 0, 4, 255   -> 501 "FRAME_ERROR - type 5, all octets = <<...>>: unknown_frame"
 *   unknown type + bad end -> invalid_frame_end_marker (the end octet is checked before the type)
 *   heartbeat with payload, method payload < 4 octets, header payload < 12 octets -> unknown_frame
 *                             (rabbit_command_assembler:analyze_frame only matches those shapes)
 *   > 16 payload octets    -> "first 16 octets = <<...>>"; long renderings wrap like Erlang's ~p (codec/erlang-term.ts)
 * RabbitMQ closes the socket after frame_too_large and invalid_frame_end_marker without waiting for
 * close-ok (the stream is out of sync). Before start-ok it sends no close at all, just drops the socket,
 * and its limit there is frame_max 4096 (a 4096-octet payload passes, 4097 does not).
 */
import { prettyErlangBinary, prettyTaggedTuple } from '../codec/erlang-term.js';
import { type AmqpError, frameError } from '../errors.js';
import { FRAME_END, FrameType } from './frame-writer.js';

/**
 * Called once per complete frame. payload is buf[start, end). buf may be the socket chunk itself (zero copy) or a
 * scratch buffer when the frame spanned chunks; it is only valid during the call — the callee copies what it keeps.
 */
export type FrameCallback = (type: number, channel: number, buf: Buffer, start: number, end: number) => void;

/** Octets before the payload: type(1) channel(2) size(4). */
const HEADER_SIZE = 7;
/** RabbitMQ: ?FRAME_SIZE_FUDGE — accepts payloads up to frame_max (not frame_max - 8) but reports frame_max - 8. */
export const FRAME_SIZE_FUDGE = 8;

/**
 * Splits a byte stream into AMQP frames, keeping partial state across push() calls.
 *
 * Errors: a parse error (501 FRAME_ERROR) marks the parser dead — every later push() rethrows the same error,
 * because the connection is closing. An exception thrown by the callback propagates unchanged and the parser
 * stays consistent: the frame it was called for counts as consumed, the unparsed rest of that chunk is copied
 * and parsed first on the next push() (push an empty buffer to resume without new data).
 *
 * push() keeps no reference to a chunk once it returns, so the caller may reuse its read buffer.
 * push() must not be called from inside the callback.
 */
export class FrameParser {
  /**
   * The negotiated payload limit, frame_max - 8, as RabbitMQ reports it in frame_too_large. Settable later
   * (after tune-ok). A declared size above maxPayload + FRAME_SIZE_FUDGE is rejected before anything is
   * buffered, so memory held for one frame never exceeds maxPayload + 9 bytes; keep it finite.
   */
  maxPayload: number;

  /** A header split between chunks; the first headerFill octets are valid. */
  private readonly header = Buffer.allocUnsafe(HEADER_SIZE);
  private headerFill = 0;
  /** The payload + frame-end of a frame spanning chunks; the first payloadFill octets are valid. */
  private payload: Buffer | null = null;
  private payloadFill = 0;
  private payloadType = 0;
  private payloadChannel = 0;
  /** The unparsed rest of a chunk whose callback threw. */
  private rest: Buffer | null = null;
  /** Set while cb runs, with the chunk position after its frame: tells a callback error from a parse error. */
  private delivering = false;
  private resumeAt = 0;
  private dead = false;
  private failure: unknown = undefined;

  /** maxPayload: frame_max - 8 (4088 before tune-ok, as RabbitMQ). Settable later (after tune-ok). */
  constructor(maxPayload: number) {
    this.maxPayload = maxPayload;
  }

  /** True while the rest of a chunk whose callback threw waits to be parsed (push an empty buffer to go on). */
  get hasLeftover(): boolean {
    return this.rest !== null;
  }

  /** True when no partial frame is buffered (nor leftovers of a chunk whose callback threw). */
  get isIdle(): boolean {
    return this.headerFill === 0 && this.payload === null && this.rest === null;
  }

  /**
   * Feed a socket chunk; invokes cb for each complete frame, in order. Keeps partial state across calls.
   * Throws ConnectionError 501 (frameError) on: size > maxPayload + FRAME_SIZE_FUDGE (checked on the 7 header
   * octets, before anything is buffered), a bad frame-end octet, an unknown frame type or a malformed
   * method/header/heartbeat shape. After such a throw the parser is dead: further push() calls throw the same
   * error again (connection is closing). A callback's exception propagates and leaves the parser usable.
   */
  push(chunk: Buffer, cb: FrameCallback): void {
    if (this.dead) throw this.failure;
    if (this.rest !== null) {
      // Cold path: a callback threw last time; its leftovers come first, in order.
      chunk = chunk.length === 0 ? this.rest : Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    const len = chunk.length;
    let pos = 0; // the chunk position after the last frame handed on or buffered
    try {
      if (this.payload !== null) {
        const payload = this.payload;
        const n = Math.min(payload.length - this.payloadFill, len);
        chunk.copy(payload, this.payloadFill, 0, n);
        this.payloadFill += n;
        pos = n;
        if (this.payloadFill < payload.length) return;
        this.payload = null;
        const end = payload.length - 1;
        this.check(this.payloadType, payload, 0, end);
        this.delivering = true;
        this.resumeAt = pos;
        cb(this.payloadType, this.payloadChannel, payload, 0, end);
        this.delivering = false;
      } else if (this.headerFill > 0) {
        const n = Math.min(HEADER_SIZE - this.headerFill, len);
        chunk.copy(this.header, this.headerFill, 0, n);
        this.headerFill += n;
        if (this.headerFill < HEADER_SIZE) return;
        this.headerFill = 0;
        const h = this.header;
        pos = this.frame(h[0], (h[1] << 8) | h[2], h.readUInt32BE(3), chunk, n, cb);
      }
      while (len - pos >= HEADER_SIZE) {
        pos = this.frame(chunk[pos], (chunk[pos + 1] << 8) | chunk[pos + 2], chunk.readUInt32BE(pos + 3), chunk,
          pos + HEADER_SIZE, cb);
      }
      if (pos < len) {
        chunk.copy(this.header, 0, pos, len);
        this.headerFill = len - pos;
      }
    } catch (err) {
      if (this.delivering) {
        // The callback's frame is consumed; keep a copy of what followed it (the chunk is the caller's).
        this.delivering = false;
        if (this.resumeAt < len) this.rest = Buffer.from(chunk.subarray(this.resumeAt));
      } else if (!this.dead) {
        // Not ours and not the callback's (e.g. allocation failure): the state is unknown, stop here.
        this.dead = true;
        this.failure = err;
      }
      throw err;
    }
  }

  /**
   * One frame whose header is known and whose payload starts at chunk[start]: delivers it in place when the
   * frame-end octet is inside chunk, else starts buffering it. Returns the chunk position after it.
   */
  private frame(type: number, channel: number, size: number, chunk: Buffer, start: number, cb: FrameCallback): number {
    if (size > this.maxPayload + FRAME_SIZE_FUDGE) throw this.fail(frameTooLarge(type, size, this.maxPayload));
    const end = start + size;
    if (end < chunk.length) {
      this.check(type, chunk, start, end);
      this.delivering = true;
      this.resumeAt = end + 1;
      cb(type, channel, chunk, start, end);
      this.delivering = false;
      return end + 1;
    }
    // Spans chunks: exactly size + 1 octets, filled as chunks arrive (allocUnsafe: every octet gets written).
    const payload = Buffer.allocUnsafe(size + 1);
    chunk.copy(payload, 0, start);
    this.payload = payload;
    this.payloadFill = chunk.length - start;
    this.payloadType = type;
    this.payloadChannel = channel;
    return chunk.length;
  }

  /** RabbitMQ's order: the frame-end octet first, then the type and the payload shape analyze_frame accepts. */
  private check(type: number, buf: Buffer, start: number, end: number): void {
    if (buf[end] !== FRAME_END) throw this.fail(invalidFrameEnd(type, buf, start, end));
    const size = end - start;
    switch (type) {
      case FrameType.METHOD: // class-id u16, method-id u16, arguments
        if (size >= 4) return;
        break;
      case FrameType.HEADER: // class-id u16, weight u16, body-size u64, properties
        if (size >= 12) return;
        break;
      case FrameType.BODY: // any size, including 0
        return;
      case FrameType.HEARTBEAT: // always empty
        if (size === 0) return;
        break;
    }
    throw this.fail(unknownFrame(type, buf, start, end));
  }

  private fail(err: AmqpError): AmqpError {
    this.dead = true;
    this.failure = err;
    return err;
  }
}

const EMPTY = Buffer.alloc(0);

/** RabbitMQ: {frame_too_large,Size,FrameMax-8}, with an empty snippet (checked before the payload is read). */
function frameTooLarge(type: number, size: number, maxPayload: number): AmqpError {
  return frameErrorTuple(formatFrameSnippet(type, EMPTY, 0, 0), 'frame_too_large', [size, maxPayload]);
}

/** RabbitMQ: {invalid_frame_end_marker,Octet}. */
function invalidFrameEnd(type: number, buf: Buffer, start: number, end: number): AmqpError {
  return frameErrorTuple(formatFrameSnippet(type, buf, start, end), 'invalid_frame_end_marker', [buf[end]]);
}

/** RabbitMQ: unknown_frame (an atom never wraps). */
function unknownFrame(type: number, buf: Buffer, start: number, end: number): AmqpError {
  return frameError(`${formatFrameSnippet(type, buf, start, end)}: unknown_frame`);
}

/** rabbit_reader's "type ~p, ~s octets = ~p: ~p" with a tuple as the last ~p. */
function frameErrorTuple(snippet: string, tag: string, values: number[]): AmqpError {
  const col = lastLine(snippet) + 2;
  return frameError(`${snippet}: ${prettyTaggedTuple(tag, values.map(String), col)}`);
}

/** Characters on the last line of s: Erlang's io_lib_format indents each ~p from there. */
function lastLine(s: string): number {
  return s.length - (s.lastIndexOf('\n') + 1);
}

/**
 * RabbitMQ's frame description, rabbit_reader's "type ~p, ~s octets = ~p" with payload_snippet: all octets
 * when there are at most 16, else the first 16, printed as an Erlang binary. Used in 501 FRAME_ERROR and
 * 505 UNEXPECTED_FRAME texts, e.g. `UNEXPECTED_FRAME - type 8, all octets = <<>>` for a heartbeat on channel 1.
 */
export function formatFrameSnippet(type: number, buf: Buffer, start: number, end: number): string {
  const all = end - start <= 16;
  const prefix = `type ${type}, ${all ? 'all' : 'first 16'} octets = `;
  return prefix + prettyErlangBinary(buf, start, all ? end : start + 16, prefix.length);
}
