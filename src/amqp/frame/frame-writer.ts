/**
 * The one writer of frames that need no method codec: heartbeats, content headers and body frames. The
 * connection's hot path (content-writer.ts) encodes deliveries with the put… functions into a buffer it has
 * pre-sized, so a delivery is one allocation at most (ARCHITECTURE "Hot path"); the write… functions are the
 * same encoders behind an up-front size check, so an undersized target throws RangeError instead of
 * silently truncating a frame (the put… ones skip it: their callers sized the buffer from the …Size functions).
 */
import { FRAME_BODY, FRAME_END, FRAME_HEADER, FRAME_HEARTBEAT, FRAME_METHOD, FRAME_OVERHEAD } from '../spec.generated.js';
import { copyBytes } from './copy-bytes.js';

// The frame constants are the spec's (generated); re-exported so the frame layer has one import.
export { FRAME_END, FRAME_OVERHEAD } from '../spec.generated.js';

/** Frame type octets (AMQP 0-9-1 section 4.2.3; heartbeat 8 per the errata). */
export const FrameType = {
  METHOD: FRAME_METHOD,
  HEADER: FRAME_HEADER,
  BODY: FRAME_BODY,
  HEARTBEAT: FRAME_HEARTBEAT,
} as const;

/** Octets before a frame's payload: type(1) channel(2) size(4). */
const FRAME_HEADER_SIZE = 7;

/** A heartbeat: type 8, channel 0, empty payload. Shared; never write into it. */
export const HEARTBEAT_FRAME: Buffer = Buffer.from([FrameType.HEARTBEAT, 0, 0, 0, 0, 0, 0, FRAME_END]);

/** Writes the 7-octet frame header (type, channel, payload size) at offset; returns the offset after it. */
export function writeFrameHeader(buf: Buffer, offset: number, type: number, channel: number, size: number): number {
  offset = buf.writeUInt8(type, offset);
  offset = buf.writeUInt16BE(channel, offset);
  return buf.writeUInt32BE(size, offset);
}

/**
 * Closes a frame whose payload was written at start + 7 up to end: fills in the 7-octet header before it
 * and the frame-end octet after it; returns the offset after the frame. Writing the payload first means
 * its size need not be known in advance (a shortstr's UTF-8 length, say).
 */
export function putFrameEnvelope(b: Buffer, start: number, end: number, type: number, channel: number): number {
  b[start] = type;
  b.writeUInt16BE(channel, start + 1);
  b.writeUInt32BE(end - start - FRAME_HEADER_SIZE, start + 3);
  b[end] = FRAME_END;
  return end + 1;
}

/** Writes v as a u64 at p as two u32 halves (values stay far below 2^53, and this avoids a BigInt); returns p + 8. */
export function putU64(b: Buffer, p: number, v: number): number {
  b.writeUInt32BE(Math.floor(v / 0x100000000), p);
  b.writeUInt32BE(v >>> 0, p + 4);
  return p + 8;
}

/** Octets of a content header frame whose property block (flags + values) is propsLength long. */
export function contentHeaderFrameSize(propsLength: number): number {
  return FRAME_OVERHEAD + 12 + propsLength;
}

/**
 * Writes a content header frame: class-id u16, weight u16 (always 0), body-size u64, then the property
 * octets props[propsStart, propsEnd) (flags and values, already encoded). Returns the offset after it.
 */
export function writeContentHeaderFrame(
  target: Buffer,
  offset: number,
  channel: number,
  classId: number,
  bodySize: number,
  props: Buffer,
  propsStart: number,
  propsEnd: number,
): number {
  checkRoom(target, offset, contentHeaderFrameSize(propsEnd - propsStart));
  return putContentHeaderFrame(target, offset, channel, classId, bodySize, props, propsStart, propsEnd);
}

/** writeContentHeaderFrame into a target the caller has sized (no up-front check). */
export function putContentHeaderFrame(
  b: Buffer,
  offset: number,
  channel: number,
  classId: number,
  bodySize: number,
  props: Buffer,
  propsStart: number,
  propsEnd: number,
): number {
  const p = offset + FRAME_HEADER_SIZE;
  b.writeUInt16BE(classId, p);
  b.writeUInt16BE(0, p + 2);
  const end = copyBytes(props, propsStart, b, putU64(b, p + 4, bodySize), propsEnd - propsStart);
  return putFrameEnvelope(b, offset, end, FRAME_HEADER, channel);
}

/**
 * Octets of the body frames for a body of bodyLength, split at maxPayload (frame_max - 8) octets per frame.
 * An empty body has no body frames: the content header's body-size 0 says it all, as RabbitMQ sends it.
 */
export function bodyFramesSize(bodyLength: number, maxPayload: number): number {
  checkMaxPayload(maxPayload);
  return bodyLength + Math.ceil(bodyLength / maxPayload) * FRAME_OVERHEAD;
}

/**
 * Writes body as body frames on channel, each payload at most maxPayload (frame_max - 8) octets, all full but
 * the last. Writes nothing for an empty body. Returns the offset after the last frame.
 */
export function writeBodyFrames(target: Buffer, offset: number, channel: number, body: Buffer, maxPayload: number): number {
  checkRoom(target, offset, bodyFramesSize(body.length, maxPayload));
  return putBodyFrames(target, offset, channel, body, 0, body.length, maxPayload);
}

/** writeBodyFrames of src[from, to) into a target the caller has sized (no checks: a delivery's body is a slice of the message). */
export function putBodyFrames(
  b: Buffer,
  offset: number,
  channel: number,
  src: Buffer,
  from: number,
  to: number,
  maxPayload: number,
): number {
  let p = offset;
  for (let off = from; off < to; off += maxPayload) {
    const n = Math.min(maxPayload, to - off);
    const start = p;
    p = putFrameEnvelope(b, start, copyBytes(src, off, b, start + FRAME_HEADER_SIZE, n), FRAME_BODY, channel);
  }
  return p;
}

/** The up-front check of the write… functions: index stores past the end of a Buffer are silently dropped. */
function checkRoom(target: Buffer, offset: number, size: number): void {
  if (offset < 0 || offset + size > target.length) {
    throw new RangeError(`frame of ${size} octets does not fit at offset ${offset} of a ${target.length}-octet buffer`);
  }
}

/** A zero or fractional limit would loop forever or mis-size the target: a programming error, not a wire one. */
function checkMaxPayload(maxPayload: number): void {
  if (!Number.isInteger(maxPayload) || maxPayload < 1) {
    throw new RangeError(`maxPayload must be a positive integer, got ${maxPayload}`);
  }
}
