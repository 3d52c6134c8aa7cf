import type { Message } from '../broker/message.js';
import { copyBytes } from './bytes.js';
import type { OutputWriter } from './output-writer.js';

const FRAME_METHOD = 1;
const FRAME_HEADER = 2;
const FRAME_BODY = 3;
const FRAME_END = 0xce;
const BASIC = 60;
const BASIC_RETURN = 50;
const BASIC_DELIVER = 60;
const BASIC_GET_OK = 71;
/** Room for a shortstr: length octet + 255 bytes. */
const SHORTSTR_MAX = 256;
/** Bodies this large are handed to the socket as they are, not copied into the write buffer. */
const ZERO_COPY_MIN = 16 * 1024;

/**
 * Encodes the three content-carrying methods (basic.deliver, basic.get-ok,
 * basic.return) with their header and body frames straight into the
 * connection's write buffer: one size computation, no intermediate buffers.
 * The property bytes are the publisher's own, re-sent as they came.
 */

/** basic.deliver + content. consumerTag is the tag's pre-encoded UTF-8 bytes. */
export function writeDeliver(
  w: OutputWriter,
  channel: number,
  consumerTag: Buffer,
  deliveryTag: number,
  redelivered: boolean,
  msg: Message,
  maxPayload: number,
): void {
  w.ensure(7 + 4 + 1 + consumerTag.length + 8 + 1 + msg.keysLength + 1 + contentSize(msg, maxPayload));
  const b = w.buf;
  const start = w.pos;
  let p = start + 7;
  b.writeUInt16BE(BASIC, p);
  b.writeUInt16BE(BASIC_DELIVER, p + 2);
  p += 4;
  b[p++] = consumerTag.length;
  consumerTag.copy(b, p);
  p += consumerTag.length;
  p = writeU64(b, p, deliveryTag);
  b[p++] = redelivered ? 1 : 0;
  p = copyBytes(msg.raw, 0, b, p, msg.keysLength);
  w.pos = endFrame(b, start, p, FRAME_METHOD, channel);
  writeContent(w, channel, msg, maxPayload);
}

/** basic.get-ok + content. */
export function writeGetOk(
  w: OutputWriter,
  channel: number,
  deliveryTag: number,
  redelivered: boolean,
  msg: Message,
  messageCount: number,
  maxPayload: number,
): void {
  w.ensure(7 + 4 + 8 + 1 + msg.keysLength + 4 + 1 + contentSize(msg, maxPayload));
  const b = w.buf;
  const start = w.pos;
  let p = start + 7;
  b.writeUInt16BE(BASIC, p);
  b.writeUInt16BE(BASIC_GET_OK, p + 2);
  p += 4;
  p = writeU64(b, p, deliveryTag);
  b[p++] = redelivered ? 1 : 0;
  p = copyBytes(msg.raw, 0, b, p, msg.keysLength);
  b.writeUInt32BE(messageCount, p);
  p += 4;
  w.pos = endFrame(b, start, p, FRAME_METHOD, channel);
  writeContent(w, channel, msg, maxPayload);
}

/** basic.return + content (e.g. 312 NO_ROUTE for an unroutable mandatory message). */
export function writeReturn(
  w: OutputWriter,
  channel: number,
  replyCode: number,
  replyText: string,
  msg: Message,
  maxPayload: number,
): void {
  w.ensure(7 + 4 + 2 + SHORTSTR_MAX + msg.keysLength + 1 + contentSize(msg, maxPayload));
  const b = w.buf;
  const start = w.pos;
  let p = start + 7;
  b.writeUInt16BE(BASIC, p);
  b.writeUInt16BE(BASIC_RETURN, p + 2);
  p += 4;
  b.writeUInt16BE(replyCode, p);
  p += 2;
  p = writeShortstr(b, p, replyText);
  p = copyBytes(msg.raw, 0, b, p, msg.keysLength);
  w.pos = endFrame(b, start, p, FRAME_METHOD, channel);
  writeContent(w, channel, msg, maxPayload);
}

/** Bytes of the header frame plus the body frames (bodies copied into the buffer only). */
function contentSize(msg: Message, maxPayload: number): number {
  const header = 7 + 12 + msg.propsLength + 1;
  const len = msg.size;
  if (len >= ZERO_COPY_MIN) return header + 8;
  const frames = len === 0 ? 0 : Math.ceil(len / maxPayload);
  return header + frames * 8 + len;
}

function writeContent(w: OutputWriter, channel: number, msg: Message, maxPayload: number): void {
  const b = w.buf;
  const start = w.pos;
  let p = start + 7;
  b.writeUInt16BE(BASIC, p);
  b.writeUInt16BE(0, p + 2);
  const raw = msg.raw;
  const bodyStart = msg.bodyOffset;
  const len = raw.length - bodyStart;
  p = writeU64(b, p + 4, len);
  p = copyBytes(raw, msg.keysLength, b, p, msg.propsLength);
  p = endFrame(b, start, p, FRAME_HEADER, channel);
  if (len >= ZERO_COPY_MIN) {
    w.pos = p;
    writeBodyZeroCopy(w, channel, raw.subarray(bodyStart), maxPayload);
    return;
  }
  for (let off = 0; off < len; off += maxPayload) {
    const n = Math.min(maxPayload, len - off);
    const fs = p;
    p = copyBytes(raw, bodyStart + off, b, p + 7, n);
    p = endFrame(b, fs, p, FRAME_BODY, channel);
  }
  w.pos = p;
}

/** Large bodies: frame headers go through the buffer, the body slices straight to the socket. */
function writeBodyZeroCopy(w: OutputWriter, channel: number, body: Buffer, maxPayload: number): void {
  for (let off = 0; off < body.length; off += maxPayload) {
    const n = Math.min(maxPayload, body.length - off);
    w.ensure(8);
    const b = w.buf;
    b[w.pos] = FRAME_BODY;
    b.writeUInt16BE(channel, w.pos + 1);
    b.writeUInt32BE(n, w.pos + 3);
    w.pos += 7;
    w.writeDirect(body.subarray(off, off + n));
    w.ensure(1);
    w.buf[w.pos++] = FRAME_END;
  }
}

/** Fills in the 7-byte frame header at start for a payload ending at end; writes frame-end; returns the next offset. */
function endFrame(b: Buffer, start: number, end: number, type: number, channel: number): number {
  b[start] = type;
  b.writeUInt16BE(channel, start + 1);
  b.writeUInt32BE(end - start - 7, start + 3);
  b[end] = FRAME_END;
  return end + 1;
}

function writeU64(b: Buffer, p: number, v: number): number {
  b.writeUInt32BE(Math.floor(v / 0x100000000), p);
  b.writeUInt32BE(v >>> 0, p + 4);
  return p + 8;
}

function writeShortstr(b: Buffer, p: number, s: string): number {
  const n = s.length === 0 ? 0 : b.write(s, p + 1, SHORTSTR_MAX - 1, 'utf8');
  b[p] = n;
  return p + 1 + n;
}
