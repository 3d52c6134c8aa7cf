/**
 * Basic content properties (the content header frame's property list).
 *
 * The full codec is generated from the spec (decodeBasicProperties /
 * writeBasicProperties in spec.generated.ts) and re-exported here under the
 * names the rest of the code uses. The peeks below are hand-written for the
 * hot path: routing and queueing need delivery-mode, priority and expiration
 * of every message, and decoding all 14 properties (headers table included)
 * just to read one octet would dominate the publish path.
 */
import {
  BASIC_PROPERTIES,
  BASIC_PROPERTY_FLAGS,
  decodeBasicProperties,
  writeBasicProperties,
  type BasicProperties,
} from '../spec.generated.js';
import { syntaxError } from '../errors.js';
import { BufferWriter } from './buffer-writer.js';

export { decodeBasicProperties as decodeProperties, type BasicProperties } from '../spec.generated.js';

const scratch = new BufferWriter(512);

/** Encodes property flags + present properties: exactly the bytes decodeProperties reads. */
export function encodeProperties(props: BasicProperties): Buffer {
  scratch.reset();
  writeBasicProperties(scratch, props);
  return scratch.toBuffer();
}

/**
 * The property list at buf[start..end) decoded, changed by edit and encoded
 * again (dead-lettering, direct reply-to). Returns the edited properties and
 * their new bytes; buf is not changed. Not for the plain publish path, which
 * forwards the publisher's bytes as they are.
 */
export function rewriteProperties(
  buf: Buffer,
  start: number,
  end: number,
  edit: (props: BasicProperties) => void,
): { props: BasicProperties; bytes: Buffer } {
  const props = decodeBasicProperties(buf, start, end);
  edit(props);
  return { props, bytes: encodeProperties(props) };
}

/**
 * A content header payload: class-id 60, weight 0, body-size u64, then the
 * encoded properties (from encodeProperties, or forwarded unchanged from the publisher).
 */
export function encodeContentHeaderPayload(bodySize: number, propsBytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + propsBytes.length);
  out.writeUInt16BE(60, 0);
  out.writeUInt16BE(0, 2);
  out.writeUInt32BE(Math.floor(bodySize / 4294967296), 4);
  out.writeUInt32BE(bodySize >>> 0, 8);
  propsBytes.copy(out, 12);
  return out;
}

/** The first property-flags word at `start` (0 when the list is empty, i.e. too short). */
export function propertyFlags(buf: Buffer, start: number, end: number): number {
  return end - start >= 2 ? buf.readUInt16BE(start) : 0;
}

/** True when the flags say a headers table is present. */
export function hasHeaders(flags: number): boolean {
  return (flags & BASIC_PROPERTY_FLAGS.headers) !== 0;
}

function truncated(): never {
  throw syntaxError('content header properties are truncated');
}

/**
 * Offset of the property with `flag` in buf[start..end), or -1 when absent:
 * skips the earlier present properties by their type without decoding them.
 */
function seek(buf: Buffer, start: number, end: number, flag: number): number {
  if (end - start < 2) return -1;
  const flags = buf.readUInt16BE(start);
  if ((flags & flag) === 0) return -1;
  let p = start + 2;
  // Continuation words (bit 0) carry no basic properties: step over them.
  for (let more = flags; (more & 1) !== 0; p += 2) {
    if (p + 2 > end) truncated();
    more = buf.readUInt16BE(p);
  }
  for (const prop of BASIC_PROPERTIES) {
    if (prop.flag === flag) return p;
    if ((flags & prop.flag) === 0) continue;
    switch (prop.type) {
      case 'shortstr':
        if (p >= end) truncated();
        p += 1 + buf[p];
        break;
      case 'table':
        if (p + 4 > end) truncated();
        p += 4 + buf.readUInt32BE(p);
        break;
      case 'octet':
        p += 1;
        break;
      default: // timestamp
        p += 8;
    }
  }
  return -1;
}

/** delivery-mode (2 = persistent) without decoding the rest; 0 when absent. */
export function peekDeliveryMode(buf: Buffer, start: number, end: number): number {
  const p = seek(buf, start, end, BASIC_PROPERTY_FLAGS.deliveryMode);
  if (p < 0) return 0;
  if (p >= end) truncated();
  return buf[p];
}

/** priority without decoding the rest; undefined when absent (RabbitMQ then treats it as 0). */
export function peekPriority(buf: Buffer, start: number, end: number): number | undefined {
  const p = seek(buf, start, end, BASIC_PROPERTY_FLAGS.priority);
  if (p < 0) return undefined;
  if (p >= end) truncated();
  return buf[p];
}

/** expiration (per-message TTL in ms, as a string) without decoding the rest; undefined when absent. */
export function peekExpiration(buf: Buffer, start: number, end: number): string | undefined {
  const p = seek(buf, start, end, BASIC_PROPERTY_FLAGS.expiration);
  if (p < 0) return undefined;
  if (p >= end || p + 1 + buf[p] > end) truncated();
  return buf.toString('utf8', p + 1, p + 1 + buf[p]);
}
