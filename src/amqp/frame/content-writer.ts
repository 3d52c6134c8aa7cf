/**
 * The hot path's frames: the three content-carrying methods (basic.deliver, basic.get-ok, basic.return)
 * with their content header and body frames, encoded straight into the connection's write buffer with one
 * size computation and no intermediate buffers. The header and body frames are frame-writer.ts's; the
 * property bytes are the publisher's own, re-sent as they came.
 */
import { ClassId, MethodId } from '../spec.generated.js';
import { copyBytes } from './copy-bytes.js';
import { FrameType, FRAME_END, FRAME_OVERHEAD, putBodyFrames, putContentHeaderFrame, putFrameEnvelope, putU64 } from './frame-writer.js';

/** Bodies at least this large are handed to the sink as they are (zero-copy), not copied into its buffer. */
export const ZERO_COPY_MIN = 16 * 1024;

/** Room for a shortstr: length octet + 255 bytes. */
const SHORTSTR_MAX = 256;
/** Octets before a method's arguments: the frame header (7) and the class and method ids (4). */
const METHOD_PREFIX = 7 + 4;

/**
 * Where frames are encoded: a buffer written at `pos` after `ensure(n)` made room for n octets, and a
 * way to pass large buffers through without copying them (after what is buffered, keeping the order).
 * The connection's ordered writer is one.
 */
export interface FrameSink {
  buf: Buffer;
  pos: number;
  ensure(n: number): void;
  writeDirect(bytes: Buffer): void;
}

/**
 * A message in the wire form deliveries re-send: `[exchange shortstr][routing-key shortstr][property
 * flags + list][body]` in one buffer (the broker's Message is one).
 */
export interface WireContent {
  readonly raw: Buffer;
  /** Length of the two shortstrs at the start of raw. */
  readonly keysLength: number;
  /** Length of the property octets after them. */
  readonly propsLength: number;
}

/** basic.deliver + content. consumerTag is the tag's pre-encoded UTF-8 bytes. */
export function writeDeliver(
  w: FrameSink,
  channel: number,
  consumerTag: Buffer,
  deliveryTag: number,
  redelivered: boolean,
  msg: WireContent,
  maxPayload: number,
): void {
  w.ensure(METHOD_PREFIX + 1 + consumerTag.length + 8 + 1 + msg.keysLength + 1 + contentSize(msg, maxPayload));
  const b = w.buf;
  const start = w.pos;
  b.writeUInt32BE(MethodId.BasicDeliver, start + 7);
  let p = start + METHOD_PREFIX;
  b[p++] = consumerTag.length;
  consumerTag.copy(b, p);
  p = putU64(b, p + consumerTag.length, deliveryTag);
  b[p++] = redelivered ? 1 : 0;
  p = copyBytes(msg.raw, 0, b, p, msg.keysLength);
  w.pos = putFrameEnvelope(b, start, p, FrameType.METHOD, channel);
  writeContent(w, channel, msg, maxPayload);
}

/** basic.get-ok + content. */
export function writeGetOk(
  w: FrameSink,
  channel: number,
  deliveryTag: number,
  redelivered: boolean,
  msg: WireContent,
  messageCount: number,
  maxPayload: number,
): void {
  w.ensure(METHOD_PREFIX + 8 + 1 + msg.keysLength + 4 + 1 + contentSize(msg, maxPayload));
  const b = w.buf;
  const start = w.pos;
  b.writeUInt32BE(MethodId.BasicGetOk, start + 7);
  let p = putU64(b, start + METHOD_PREFIX, deliveryTag);
  b[p++] = redelivered ? 1 : 0;
  p = copyBytes(msg.raw, 0, b, p, msg.keysLength);
  b.writeUInt32BE(messageCount, p);
  w.pos = putFrameEnvelope(b, start, p + 4, FrameType.METHOD, channel);
  writeContent(w, channel, msg, maxPayload);
}

/** basic.return + content (e.g. 312 NO_ROUTE for an unroutable mandatory message). */
export function writeReturn(
  w: FrameSink,
  channel: number,
  replyCode: number,
  replyText: string,
  msg: WireContent,
  maxPayload: number,
): void {
  w.ensure(METHOD_PREFIX + 2 + SHORTSTR_MAX + msg.keysLength + 1 + contentSize(msg, maxPayload));
  const b = w.buf;
  const start = w.pos;
  b.writeUInt32BE(MethodId.BasicReturn, start + 7);
  b.writeUInt16BE(replyCode, start + METHOD_PREFIX);
  let p = putShortstr(b, start + METHOD_PREFIX + 2, replyText);
  p = copyBytes(msg.raw, 0, b, p, msg.keysLength);
  w.pos = putFrameEnvelope(b, start, p, FrameType.METHOD, channel);
  writeContent(w, channel, msg, maxPayload);
}

/** Octets of the header frame plus the body frames (bodies copied into the buffer only). */
function contentSize(msg: WireContent, maxPayload: number): number {
  const header = FRAME_OVERHEAD + 12 + msg.propsLength;
  const len = msg.raw.length - msg.keysLength - msg.propsLength;
  if (len >= ZERO_COPY_MIN) return header + FRAME_OVERHEAD;
  const frames = len === 0 ? 0 : Math.ceil(len / maxPayload);
  return header + frames * FRAME_OVERHEAD + len;
}

function writeContent(w: FrameSink, channel: number, msg: WireContent, maxPayload: number): void {
  const raw = msg.raw;
  const propsStart = msg.keysLength;
  const bodyStart = propsStart + msg.propsLength;
  const len = raw.length - bodyStart;
  const p = putContentHeaderFrame(w.buf, w.pos, channel, ClassId.BASIC, len, raw, propsStart, bodyStart);
  if (len >= ZERO_COPY_MIN) {
    w.pos = p;
    writeBodyZeroCopy(w, channel, raw.subarray(bodyStart), maxPayload);
    return;
  }
  w.pos = putBodyFrames(w.buf, p, channel, raw, bodyStart, raw.length, maxPayload);
}

/** Large bodies: frame headers go through the buffer, the body slices straight to the socket. */
function writeBodyZeroCopy(w: FrameSink, channel: number, body: Buffer, maxPayload: number): void {
  for (let off = 0; off < body.length; off += maxPayload) {
    const n = Math.min(maxPayload, body.length - off);
    w.ensure(8);
    const b = w.buf;
    b[w.pos] = FrameType.BODY;
    b.writeUInt16BE(channel, w.pos + 1);
    b.writeUInt32BE(n, w.pos + 3);
    w.pos += 7;
    w.writeDirect(body.subarray(off, off + n));
    w.ensure(1);
    w.buf[w.pos++] = FRAME_END;
  }
}

function putShortstr(b: Buffer, p: number, s: string): number {
  const n = s.length === 0 ? 0 : b.write(s, p + 1, SHORTSTR_MAX - 1, 'utf8');
  b[p] = n;
  return p + 1 + n;
}
