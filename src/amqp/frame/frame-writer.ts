/**
 * Writers for whole frames that need no method codec: heartbeats, content headers and body frames.
 * They write into a buffer the caller has pre-sized (…Size functions), so the connection's ordered writer can
 * encode a delivery into one allocation (ARCHITECTURE "Hot path"). Writes go through the bounds-checked
 * Buffer methods, so an undersized target throws RangeError instead of silently truncating a frame.
 */

/** Frame type octets (AMQP 0-9-1 section 4.2.3). */
export const FrameType = {
  METHOD: 1,
  HEADER: 2,
  BODY: 3,
  HEARTBEAT: 8,
} as const;

/** The octet that closes every frame. */
export const FRAME_END = 0xce;

/** Octets a frame adds around its payload: type(1) channel(2) size(4) before, frame-end(1) after. */
export const FRAME_OVERHEAD = 8;

/** A heartbeat: type 8, channel 0, empty payload. Shared; never write into it. */
export const HEARTBEAT_FRAME: Buffer = Buffer.from([FrameType.HEARTBEAT, 0, 0, 0, 0, 0, 0, FRAME_END]);

/** Writes the 7-octet frame header (type, channel, payload size) at offset; returns the offset after it. */
export function writeFrameHeader(buf: Buffer, offset: number, type: number, channel: number, size: number): number {
  offset = buf.writeUInt8(type, offset);
  offset = buf.writeUInt16BE(channel, offset);
  return buf.writeUInt32BE(size, offset);
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
  const propsLength = propsEnd - propsStart;
  offset = writeFrameHeader(target, offset, FrameType.HEADER, channel, 12 + propsLength);
  offset = target.writeUInt16BE(classId, offset);
  offset = target.writeUInt16BE(0, offset);
  // u64 as two u32 halves: bodies are far below 2^53 (max message 128 MiB), and this avoids a BigInt.
  offset = target.writeUInt32BE(Math.floor(bodySize / 0x100000000), offset);
  offset = target.writeUInt32BE(bodySize >>> 0, offset);
  offset += props.copy(target, offset, propsStart, propsEnd);
  return target.writeUInt8(FRAME_END, offset);
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
  checkMaxPayload(maxPayload);
  for (let start = 0; start < body.length; start += maxPayload) {
    const end = Math.min(start + maxPayload, body.length);
    offset = writeFrameHeader(target, offset, FrameType.BODY, channel, end - start);
    offset += body.copy(target, offset, start, end);
    offset = target.writeUInt8(FRAME_END, offset);
  }
  return offset;
}

/** A zero or fractional limit would loop forever or mis-size the target: a programming error, not a wire one. */
function checkMaxPayload(maxPayload: number): void {
  if (!Number.isInteger(maxPayload) || maxPayload < 1) {
    throw new RangeError(`maxPayload must be a positive integer, got ${maxPayload}`);
  }
}
