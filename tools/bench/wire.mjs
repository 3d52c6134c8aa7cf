// AMQP 0-9-1 wire constants and the few encoders the bench needs.
// Deliberately independent of src/amqp: the bench must measure Warren, not share its codec
// (a codec bug on both sides would cancel out), and it must also run against RabbitMQ.

export const FRAME_METHOD = 1;
export const FRAME_HEADER = 2;
export const FRAME_BODY = 3;
export const FRAME_HEARTBEAT = 8;
export const FRAME_END = 0xce;
/** "AMQP" 0 0 9 1 */
export const PROTOCOL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

const id = (classId, methodId) => ((classId << 16) | methodId) >>> 0;

/** Method ids as one 32-bit number: (class << 16) | method, as read from the frame payload. */
export const M = {
  CONNECTION_START: id(10, 10), CONNECTION_START_OK: id(10, 11),
  CONNECTION_SECURE: id(10, 20),
  CONNECTION_TUNE: id(10, 30), CONNECTION_TUNE_OK: id(10, 31),
  CONNECTION_OPEN: id(10, 40), CONNECTION_OPEN_OK: id(10, 41),
  CONNECTION_CLOSE: id(10, 50), CONNECTION_CLOSE_OK: id(10, 51),
  CONNECTION_BLOCKED: id(10, 60), CONNECTION_UNBLOCKED: id(10, 61),
  CHANNEL_OPEN: id(20, 10), CHANNEL_OPEN_OK: id(20, 11),
  CHANNEL_FLOW: id(20, 20), CHANNEL_FLOW_OK: id(20, 21),
  CHANNEL_CLOSE: id(20, 40), CHANNEL_CLOSE_OK: id(20, 41),
  QUEUE_DECLARE: id(50, 10), QUEUE_DECLARE_OK: id(50, 11),
  QUEUE_PURGE: id(50, 30), QUEUE_PURGE_OK: id(50, 31),
  QUEUE_DELETE: id(50, 40), QUEUE_DELETE_OK: id(50, 41),
  BASIC_QOS: id(60, 10), BASIC_QOS_OK: id(60, 11),
  BASIC_CONSUME: id(60, 20), BASIC_CONSUME_OK: id(60, 21),
  BASIC_CANCEL: id(60, 30), BASIC_CANCEL_OK: id(60, 31),
  BASIC_PUBLISH: id(60, 40), BASIC_RETURN: id(60, 50),
  BASIC_DELIVER: id(60, 60), BASIC_GET: id(60, 70), BASIC_GET_OK: id(60, 71), BASIC_GET_EMPTY: id(60, 72), BASIC_ACK: id(60, 80), BASIC_NACK: id(60, 120),
  CONFIRM_SELECT: id(85, 10), CONFIRM_SELECT_OK: id(85, 11),
};

const NAMES = new Map(Object.entries(M).map(([k, v]) => [v, k.toLowerCase().replace('_', '.').replace(/_/g, '-')]));

/** "queue.declare-ok" for a method id, or "class/method" numbers when unknown. */
export function methodName(mid) {
  return NAMES.get(mid) ?? `${mid >>> 16}/${mid & 0xffff}`;
}

/** Growable big-endian argument writer (slow path only: handshake and declares). */
export class ArgWriter {
  constructor(size = 128) { this.buf = Buffer.allocUnsafe(size); this.off = 0; }
  room(n) {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }
  octet(v) { this.room(1); this.buf[this.off++] = v & 0xff; return this; }
  short(v) { this.room(2); this.buf.writeUInt16BE(v, this.off); this.off += 2; return this; }
  long(v) { this.room(4); this.buf.writeUInt32BE(v >>> 0, this.off); this.off += 4; return this; }
  bytes(b) { this.room(b.length); b.copy(this.buf, this.off); this.off += b.length; return this; }
  shortstr(s) {
    const b = Buffer.from(s, 'utf8');
    if (b.length > 255) throw new RangeError(`shortstr longer than 255 bytes: ${s}`);
    return this.octet(b.length).bytes(b);
  }
  longstr(s) { const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'); return this.long(b.length).bytes(b); }
  /** Bits packed into one octet, first argument = bit 0. */
  bits(...flags) { let v = 0; flags.forEach((f, i) => { if (f) v |= 1 << i; }); return this.octet(v); }
  /** Field table of strings (S), booleans (t), int32s (I) and nested tables (F): all the bench sends. */
  table(obj = {}) {
    const inner = new ArgWriter(64);
    for (const [k, v] of Object.entries(obj)) {
      inner.shortstr(k);
      if (typeof v === 'boolean') inner.octet(0x74).octet(v ? 1 : 0);
      else if (Number.isInteger(v)) { inner.octet(0x49).room(4); inner.buf.writeInt32BE(v, inner.off); inner.off += 4; }
      else if (typeof v === 'string') inner.octet(0x53).longstr(v);
      else if (v !== null && typeof v === 'object') inner.octet(0x46).table(v);
      else throw new TypeError(`unsupported field value for ${k}`);
    }
    return this.long(inner.off).bytes(inner.result());
  }
  result() { return this.buf.subarray(0, this.off); }
}

/** Reader over a method's arguments (slow path only). */
export class ArgReader {
  constructor(buf, off, end) { this.buf = buf; this.off = off; this.end = end; }
  octet() { return this.buf[this.off++]; }
  short() { const v = this.buf.readUInt16BE(this.off); this.off += 2; return v; }
  long() { const v = this.buf.readUInt32BE(this.off); this.off += 4; return v; }
  shortstr() { const n = this.buf[this.off]; const s = this.buf.toString('utf8', this.off + 1, this.off + 1 + n); this.off += 1 + n; return s; }
  longstr() { const n = this.long(); const s = this.buf.toString('utf8', this.off, this.off + n); this.off += n; return s; }
}

/** One method frame. */
export function methodFrame(channel, mid, args) {
  const alen = args ? args.length : 0;
  const b = Buffer.allocUnsafe(12 + alen);
  b[0] = FRAME_METHOD;
  b.writeUInt16BE(channel, 1);
  b.writeUInt32BE(4 + alen, 3);
  b.writeUInt32BE(mid, 7);
  if (alen) args.copy(b, 11);
  b[11 + alen] = FRAME_END;
  return b;
}

function frame(type, channel, payload) {
  const b = Buffer.allocUnsafe(8 + payload.length);
  b[0] = type;
  b.writeUInt16BE(channel, 1);
  b.writeUInt32BE(payload.length, 3);
  payload.copy(b, 7);
  b[7 + payload.length] = FRAME_END;
  return b;
}

/**
 * basic.publish + content header + body frame(s) for one message. Properties (optional):
 * `persistent` (delivery-mode 2), `priority` (a number: the priority octet) and/or `shortstrs`, a list of [flag bit, string] for
 * shortstr properties in flag order (e.g. [[0x0400, 'x'], [0x0100, '1000']] = correlation-id, expiration).
 * Returns the bytes, the offset of the first body byte (where the caller patches the sequence), and the offsets
 * of the priority octet and of each shortstr's first character (for patching), -1 / [] when absent.
 */
export function publishFrames(channel, exchange, routingKey, body, frameMax, props = {}) {
  const method = methodFrame(channel, M.BASIC_PUBLISH,
    new ArgWriter(64).short(0).shortstr(exchange).shortstr(routingKey).bits(false, false).result());
  const pw = new ArgWriter(32);
  let flags = 0;
  if (props.persistent === true) { flags |= 0x1000; pw.octet(2); } // delivery-mode 2 (comes before priority)
  if (props.priority !== undefined) flags |= 0x0800;
  for (const [bit] of props.shortstrs ?? []) flags |= bit;
  let prioAt = -1;
  const strAt = [];
  if (props.priority !== undefined) { prioAt = pw.off; pw.octet(props.priority); }
  for (const [, str] of props.shortstrs ?? []) { strAt.push(pw.off + 1); pw.shortstr(str); }
  const propBytes = pw.result();
  const hdr = Buffer.alloc(14 + propBytes.length); // class, weight, body size (64 bit), property flags, properties
  hdr.writeUInt16BE(60, 0);
  hdr.writeUInt32BE(Math.floor(body.length / 2 ** 32), 4);
  hdr.writeUInt32BE(body.length >>> 0, 8);
  hdr.writeUInt16BE(flags, 12);
  propBytes.copy(hdr, 14);
  const parts = [method, frame(FRAME_HEADER, channel, hdr)];
  const maxBody = frameMax - 8; // frame overhead: 7 header + 1 end
  for (let o = 0; o < body.length; o += maxBody) parts.push(frame(FRAME_BODY, channel, body.subarray(o, o + maxBody)));
  const propsAt = method.length + 7 + 14;
  return {
    buf: Buffer.concat(parts), bodyOffset: method.length + parts[1].length + 7,
    priorityOffset: prioAt < 0 ? -1 : propsAt + prioAt, shortstrOffsets: strAt.map((o) => propsAt + o),
  };
}

/** A basic.ack frame template (21 bytes); the tag goes at offset 11, the multiple bit at 19. */
export function ackFrameTemplate(channel) {
  return methodFrame(channel, M.BASIC_ACK, Buffer.alloc(9));
}
export const ACK_FRAME_LEN = 21;
