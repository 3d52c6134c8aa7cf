/**
 * A small, self-contained raw AMQP 0-9-1 client for protocol tests.
 *
 * Deliberately independent of the broker's codec in src/: method layouts, field tables, content headers
 * and framing are hand-written here, so a bug in the broker's codec can't hide behind the same bug in the test.
 * It does exactly what it is told (no automatic replies, no heartbeats unless asked), so tests can send
 * malformed or out-of-order frames and observe the broker's reaction byte for byte.
 */
import net from 'node:net';
import { inspect } from 'node:util';

// ---------------------------------------------------------------------------------------------------------------
// Constants

export const FRAME_METHOD = 1;
export const FRAME_HEADER = 2;
export const FRAME_BODY = 3;
export const FRAME_HEARTBEAT = 8;
export const FRAME_END = 0xce;

/** `AMQP\x00\x00\x09\x01` */
export const PROTOCOL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

/** Client capabilities amqplib sends, plus the two it doesn't (both true by default here). */
export const DEFAULT_CAPABILITIES: Record<string, boolean> = {
  publisher_confirms: true,
  exchange_exchange_bindings: true,
  'basic.nack': true,
  consumer_cancel_notify: true,
  'connection.blocked': true,
  authentication_failure_close: true,
  per_consumer_qos: true,
};

// ---------------------------------------------------------------------------------------------------------------
// Method table: name -> [class-id, method-id, "argName:type ..."] (types: octet short long longlong shortstr
// longstr bit table timestamp). Argument names are camelCase versions of the spec names.

type ArgType = 'octet' | 'short' | 'long' | 'longlong' | 'shortstr' | 'longstr' | 'bit' | 'table' | 'timestamp';

const METHOD_SPECS: Record<string, [number, number, string]> = {
  'connection.start': [10, 10, 'versionMajor:octet versionMinor:octet serverProperties:table mechanisms:longstr locales:longstr'],
  'connection.start-ok': [10, 11, 'clientProperties:table mechanism:shortstr response:longstr locale:shortstr'],
  'connection.secure': [10, 20, 'challenge:longstr'],
  'connection.secure-ok': [10, 21, 'response:longstr'],
  'connection.tune': [10, 30, 'channelMax:short frameMax:long heartbeat:short'],
  'connection.tune-ok': [10, 31, 'channelMax:short frameMax:long heartbeat:short'],
  'connection.open': [10, 40, 'virtualHost:shortstr capabilities:shortstr insist:bit'],
  'connection.open-ok': [10, 41, 'knownHosts:shortstr'],
  'connection.close': [10, 50, 'replyCode:short replyText:shortstr classId:short methodId:short'],
  'connection.close-ok': [10, 51, ''],
  'connection.blocked': [10, 60, 'reason:shortstr'],
  'connection.unblocked': [10, 61, ''],
  'connection.update-secret': [10, 70, 'newSecret:longstr reason:shortstr'],
  'connection.update-secret-ok': [10, 71, ''],
  'channel.open': [20, 10, 'outOfBand:shortstr'],
  'channel.open-ok': [20, 11, 'channelId:longstr'],
  'channel.flow': [20, 20, 'active:bit'],
  'channel.flow-ok': [20, 21, 'active:bit'],
  'channel.close': [20, 40, 'replyCode:short replyText:shortstr classId:short methodId:short'],
  'channel.close-ok': [20, 41, ''],
  'access.request': [30, 10, 'realm:shortstr exclusive:bit passive:bit active:bit write:bit read:bit'],
  'access.request-ok': [30, 11, 'ticket:short'],
  'exchange.declare': [40, 10, 'ticket:short exchange:shortstr type:shortstr passive:bit durable:bit autoDelete:bit internal:bit nowait:bit arguments:table'],
  'exchange.declare-ok': [40, 11, ''],
  'exchange.delete': [40, 20, 'ticket:short exchange:shortstr ifUnused:bit nowait:bit'],
  'exchange.delete-ok': [40, 21, ''],
  'exchange.bind': [40, 30, 'ticket:short destination:shortstr source:shortstr routingKey:shortstr nowait:bit arguments:table'],
  'exchange.bind-ok': [40, 31, ''],
  'exchange.unbind': [40, 40, 'ticket:short destination:shortstr source:shortstr routingKey:shortstr nowait:bit arguments:table'],
  'exchange.unbind-ok': [40, 51, ''],
  'queue.declare': [50, 10, 'ticket:short queue:shortstr passive:bit durable:bit exclusive:bit autoDelete:bit nowait:bit arguments:table'],
  'queue.declare-ok': [50, 11, 'queue:shortstr messageCount:long consumerCount:long'],
  'queue.bind': [50, 20, 'ticket:short queue:shortstr exchange:shortstr routingKey:shortstr nowait:bit arguments:table'],
  'queue.bind-ok': [50, 21, ''],
  'queue.purge': [50, 30, 'ticket:short queue:shortstr nowait:bit'],
  'queue.purge-ok': [50, 31, 'messageCount:long'],
  'queue.delete': [50, 40, 'ticket:short queue:shortstr ifUnused:bit ifEmpty:bit nowait:bit'],
  'queue.delete-ok': [50, 41, 'messageCount:long'],
  'queue.unbind': [50, 50, 'ticket:short queue:shortstr exchange:shortstr routingKey:shortstr arguments:table'],
  'queue.unbind-ok': [50, 51, ''],
  'basic.qos': [60, 10, 'prefetchSize:long prefetchCount:short global:bit'],
  'basic.qos-ok': [60, 11, ''],
  'basic.consume': [60, 20, 'ticket:short queue:shortstr consumerTag:shortstr noLocal:bit noAck:bit exclusive:bit nowait:bit arguments:table'],
  'basic.consume-ok': [60, 21, 'consumerTag:shortstr'],
  'basic.cancel': [60, 30, 'consumerTag:shortstr nowait:bit'],
  'basic.cancel-ok': [60, 31, 'consumerTag:shortstr'],
  'basic.publish': [60, 40, 'ticket:short exchange:shortstr routingKey:shortstr mandatory:bit immediate:bit'],
  'basic.return': [60, 50, 'replyCode:short replyText:shortstr exchange:shortstr routingKey:shortstr'],
  'basic.deliver': [60, 60, 'consumerTag:shortstr deliveryTag:longlong redelivered:bit exchange:shortstr routingKey:shortstr'],
  'basic.get': [60, 70, 'ticket:short queue:shortstr noAck:bit'],
  'basic.get-ok': [60, 71, 'deliveryTag:longlong redelivered:bit exchange:shortstr routingKey:shortstr messageCount:long'],
  'basic.get-empty': [60, 72, 'clusterId:shortstr'],
  'basic.ack': [60, 80, 'deliveryTag:longlong multiple:bit'],
  'basic.reject': [60, 90, 'deliveryTag:longlong requeue:bit'],
  'basic.recover-async': [60, 100, 'requeue:bit'],
  'basic.recover': [60, 110, 'requeue:bit'],
  'basic.recover-ok': [60, 111, ''],
  'basic.nack': [60, 120, 'deliveryTag:longlong multiple:bit requeue:bit'],
  'confirm.select': [85, 10, 'nowait:bit'],
  'confirm.select-ok': [85, 11, ''],
  'tx.select': [90, 10, ''],
  'tx.select-ok': [90, 11, ''],
  'tx.commit': [90, 20, ''],
  'tx.commit-ok': [90, 21, ''],
  'tx.rollback': [90, 30, ''],
  'tx.rollback-ok': [90, 31, ''],
};

interface MethodSpec {
  name: string;
  classId: number;
  methodId: number;
  args: Array<[string, ArgType]>;
}

const BY_NAME = new Map<string, MethodSpec>();
const BY_ID = new Map<number, MethodSpec>();
for (const [name, [classId, methodId, argText]] of Object.entries(METHOD_SPECS)) {
  const args = argText
    .split(' ')
    .filter(Boolean)
    .map((a) => a.split(':') as [string, ArgType]);
  const spec = { name, classId, methodId, args };
  BY_NAME.set(name, spec);
  BY_ID.set(classId * 65536 + methodId, spec);
}

/** [class-id, method-id] of a method name such as 'queue.declare'. */
export function methodIds(name: string): [number, number] {
  const spec = BY_NAME.get(name);
  if (!spec) throw new Error(`unknown method ${name}`);
  return [spec.classId, spec.methodId];
}

/** The name of a method id pair, or `unknown(c,m)`. */
export function methodName(classId: number, methodId: number): string {
  return BY_ID.get(classId * 65536 + methodId)?.name ?? `unknown(${classId},${methodId})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Field values

export type FieldTag = 't' | 'b' | 'B' | 's' | 'u' | 'I' | 'i' | 'l' | 'f' | 'd' | 'D' | 'S' | 'x' | 'A' | 'T' | 'F' | 'V';

/** A value with an explicit field-table tag, e.g. `new Typed('b', 5)`; the decoded form of `decodeTable(buf, true)`. */
export class Typed {
  constructor(
    readonly type: FieldTag,
    readonly value: unknown,
  ) {}
}
export const typed = (type: FieldTag, value: unknown): Typed => new Typed(type, value);

export interface Decimal {
  scale: number;
  value: number;
}

export type FieldTable = Record<string, any>;

// ---------------------------------------------------------------------------------------------------------------
// Writer

export class Writer {
  private chunks: Buffer[] = [];
  private bitByte = -1;
  private bitCount = 0;
  private bitPos = -1;

  private push(b: Buffer): this {
    this.flushBits();
    this.chunks.push(b);
    return this;
  }

  private flushBits(): void {
    if (this.bitPos >= 0) {
      this.chunks[this.bitPos] = Buffer.from([this.bitByte]);
      this.bitPos = -1;
      this.bitByte = -1;
      this.bitCount = 0;
    }
  }

  octet(v: number): this {
    const b = Buffer.alloc(1);
    b.writeUInt8(v);
    return this.push(b);
  }
  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }
  short(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    return this.push(b);
  }
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  long(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    return this.push(b);
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  longlong(v: number | bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(v));
    return this.push(b);
  }
  int64(v: number | bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return this.push(b);
  }
  float(v: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatBE(v);
    return this.push(b);
  }
  double(v: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return this.push(b);
  }
  bytes(v: Buffer | Uint8Array): this {
    return this.push(Buffer.from(v));
  }
  shortstr(v: string | Buffer): this {
    const b = Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');
    if (b.length > 255) throw new Error(`shortstr too long (${b.length})`);
    this.octet(b.length);
    return this.push(b);
  }
  longstr(v: string | Buffer | Uint8Array): this {
    const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
    this.long(b.length);
    return this.push(b);
  }
  /** Consecutive bits share an octet, first bit in the least significant position. */
  bit(v: boolean): this {
    if (this.bitPos < 0 || this.bitCount === 8) {
      this.flushBits();
      this.chunks.push(Buffer.alloc(1));
      this.bitPos = this.chunks.length - 1;
      this.bitByte = 0;
      this.bitCount = 0;
    }
    if (v) this.bitByte |= 1 << this.bitCount;
    this.bitCount++;
    return this;
  }
  table(t: FieldTable | undefined): this {
    return this.push(encodeTable(t ?? {}));
  }
  timestamp(v: number | bigint | Date): this {
    return this.longlong(v instanceof Date ? Math.floor(v.getTime() / 1000) : v);
  }
  toBuffer(): Buffer {
    this.flushBits();
    return Buffer.concat(this.chunks);
  }
}

function inferTag(v: unknown): FieldTag {
  if (v instanceof Typed) return v.type;
  if (v === null || v === undefined) return 'V';
  if (typeof v === 'boolean') return 't';
  if (typeof v === 'bigint') return 'l';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v >= -0x80000000 && v <= 0x7fffffff ? 'I' : 'l';
    return 'd';
  }
  if (typeof v === 'string') return 'S';
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return 'x';
  if (v instanceof Date) return 'T';
  if (Array.isArray(v)) return 'A';
  if (typeof v === 'object') return 'F';
  throw new Error(`cannot encode field value ${inspect(v)}`);
}

/** Encodes one field value (tag + value). Plain JS values get an inferred tag; `Typed` values keep theirs. */
export function encodeFieldValue(w: Writer, v: unknown): void {
  const tag = inferTag(v);
  const val = v instanceof Typed ? v.value : v;
  w.octet(tag.charCodeAt(0));
  switch (tag) {
    case 't':
      w.octet(val ? 1 : 0);
      break;
    case 'b':
      w.int8(Number(val));
      break;
    case 'B':
      w.octet(Number(val));
      break;
    case 's':
      w.int16(Number(val));
      break;
    case 'u':
      w.short(Number(val));
      break;
    case 'I':
      w.int32(Number(val));
      break;
    case 'i':
      w.long(Number(val));
      break;
    case 'l':
      w.int64(val as number | bigint);
      break;
    case 'f':
      w.float(Number(val));
      break;
    case 'd':
      w.double(Number(val));
      break;
    case 'D': {
      const d = val as Decimal;
      w.octet(d.scale);
      w.int32(d.value);
      break;
    }
    case 'S':
      w.longstr(val as string | Buffer);
      break;
    case 'x':
      w.longstr(val as Buffer);
      break;
    case 'A': {
      const inner = new Writer();
      for (const item of val as unknown[]) encodeFieldValue(inner, item);
      w.longstr(inner.toBuffer());
      break;
    }
    case 'T':
      w.timestamp(val as number | bigint | Date);
      break;
    case 'F':
      w.table(val as FieldTable);
      break;
    case 'V':
      break;
  }
}

/** Encodes a field table including its u32 length prefix. */
export function encodeTable(t: FieldTable): Buffer {
  const inner = new Writer();
  for (const [k, v] of Object.entries(t)) {
    inner.shortstr(k);
    encodeFieldValue(inner, v);
  }
  const body = inner.toBuffer();
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

// ---------------------------------------------------------------------------------------------------------------
// Reader

export class Reader {
  pos = 0;
  private bitByte = 0;
  private bitCount = 8;

  constructor(readonly buf: Buffer) {}

  private need(n: number): void {
    this.bitCount = 8;
    if (this.pos + n > this.buf.length) {
      throw new RangeError(`truncated: need ${n} bytes at offset ${this.pos}, have ${this.buf.length - this.pos}`);
    }
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  octet(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }
  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }
  short(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  long(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  /** u64 as a number when it is a safe integer, else a bigint. */
  longlong(): number | bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  int64(): number | bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }
  float(): number {
    this.need(4);
    const v = this.buf.readFloatBE(this.pos);
    this.pos += 4;
    return v;
  }
  double(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  shortstr(): string {
    return this.bytes(this.octet()).toString('utf8');
  }
  longstrBytes(): Buffer {
    return this.bytes(this.long());
  }
  longstr(): string {
    return this.longstrBytes().toString('utf8');
  }
  bit(): boolean {
    if (this.bitCount === 8) {
      this.bitByte = this.octet();
      this.bitCount = 0;
    }
    return (this.bitByte & (1 << this.bitCount++)) !== 0;
  }
  table(typedValues = false): FieldTable {
    return decodeTable(this.longstrBytes(), typedValues);
  }
}

/**
 * Decodes one field value. Plain form: t->boolean, integers/floats->number (l beyond 2^53 -> bigint), S->string,
 * x->Buffer, T->Date, D->{scale,value}, V->null, A->array, F->object. Typed form: every value a `Typed`.
 */
export function decodeFieldValue(r: Reader, typedValues = false): unknown {
  const tag = String.fromCharCode(r.octet()) as FieldTag;
  let v: unknown;
  switch (tag) {
    case 't':
      v = r.octet() !== 0;
      break;
    case 'b':
      v = r.int8();
      break;
    case 'B':
      v = r.octet();
      break;
    case 's':
      v = r.int16();
      break;
    case 'u':
      v = r.short();
      break;
    case 'I':
      v = r.int32();
      break;
    case 'i':
      v = r.long();
      break;
    case 'l':
      v = r.int64();
      break;
    case 'f':
      v = r.float();
      break;
    case 'd':
      v = r.double();
      break;
    case 'D': {
      const scale = r.octet();
      v = { scale, value: r.int32() } satisfies Decimal;
      break;
    }
    case 'S':
      v = r.longstr();
      break;
    case 'x':
      v = Buffer.from(r.longstrBytes());
      break;
    case 'A': {
      const inner = new Reader(r.longstrBytes());
      const items: unknown[] = [];
      while (inner.remaining > 0) items.push(decodeFieldValue(inner, typedValues));
      v = items;
      break;
    }
    case 'T': {
      const secs = r.longlong();
      v = typedValues ? secs : new Date(Number(secs) * 1000);
      break;
    }
    case 'F':
      v = r.table(typedValues);
      break;
    case 'V':
      v = null;
      break;
    default:
      throw new Error(`unknown field value tag '${tag as string}' (0x${(tag as string).charCodeAt(0).toString(16)})`);
  }
  return typedValues ? new Typed(tag, v) : v;
}

/** Decodes the bytes of a field table (without its u32 length prefix). */
export function decodeTable(buf: Buffer, typedValues = false): FieldTable {
  const r = new Reader(buf);
  const out: FieldTable = {};
  while (r.remaining > 0) {
    const key = r.shortstr();
    out[key] = decodeFieldValue(r, typedValues);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Methods, content headers, frames

export type MethodArgs = Record<string, any>;

export interface DecodedMethod {
  classId: number;
  methodId: number;
  name: string;
  args: MethodArgs;
}

function defaultFor(type: ArgType): unknown {
  switch (type) {
    case 'shortstr':
    case 'longstr':
      return '';
    case 'bit':
      return false;
    case 'table':
      return {};
    default:
      return 0;
  }
}

/** Encodes a method payload (class-id, method-id, arguments); missing arguments take zero/empty defaults. */
export function encodeMethodPayload(name: string, args: MethodArgs = {}): Buffer {
  const spec = BY_NAME.get(name);
  if (!spec) throw new Error(`unknown method ${name}`);
  const w = new Writer().short(spec.classId).short(spec.methodId);
  for (const [argName, type] of spec.args) {
    const v = args[argName] ?? defaultFor(type);
    switch (type) {
      case 'octet':
        w.octet(v);
        break;
      case 'short':
        w.short(v);
        break;
      case 'long':
        w.long(v);
        break;
      case 'longlong':
        w.longlong(v);
        break;
      case 'shortstr':
        w.shortstr(v);
        break;
      case 'longstr':
        w.longstr(v);
        break;
      case 'bit':
        w.bit(Boolean(v));
        break;
      case 'table':
        w.table(v);
        break;
      case 'timestamp':
        w.timestamp(v);
        break;
    }
  }
  return w.toBuffer();
}

/** Decodes a method payload. Unknown ids give name `unknown(c,m)` and no args. Throws on truncation. */
export function decodeMethodPayload(payload: Buffer): DecodedMethod {
  const r = new Reader(payload);
  const classId = r.short();
  const methodId = r.short();
  const spec = BY_ID.get(classId * 65536 + methodId);
  const args: MethodArgs = {};
  if (spec) {
    for (const [argName, type] of spec.args) {
      switch (type) {
        case 'octet':
          args[argName] = r.octet();
          break;
        case 'short':
          args[argName] = r.short();
          break;
        case 'long':
          args[argName] = r.long();
          break;
        case 'longlong':
        case 'timestamp':
          args[argName] = r.longlong();
          break;
        case 'shortstr':
          args[argName] = r.shortstr();
          break;
        case 'longstr':
          args[argName] = r.longstrBytes();
          break;
        case 'bit':
          args[argName] = r.bit();
          break;
        case 'table':
          args[argName] = r.table();
          break;
      }
    }
  }
  return { classId, methodId, name: spec?.name ?? `unknown(${classId},${methodId})`, args };
}

/** The 14 basic properties, in property-flag order (bit 15 first). */
export interface BasicProperties {
  contentType?: string;
  contentEncoding?: string;
  headers?: FieldTable;
  deliveryMode?: number;
  priority?: number;
  correlationId?: string;
  replyTo?: string;
  expiration?: string;
  messageId?: string;
  timestamp?: number | bigint;
  type?: string;
  userId?: string;
  appId?: string;
  clusterId?: string;
}

const PROPERTY_SPECS: Array<[keyof BasicProperties, 'shortstr' | 'table' | 'octet' | 'timestamp']> = [
  ['contentType', 'shortstr'],
  ['contentEncoding', 'shortstr'],
  ['headers', 'table'],
  ['deliveryMode', 'octet'],
  ['priority', 'octet'],
  ['correlationId', 'shortstr'],
  ['replyTo', 'shortstr'],
  ['expiration', 'shortstr'],
  ['messageId', 'shortstr'],
  ['timestamp', 'timestamp'],
  ['type', 'shortstr'],
  ['userId', 'shortstr'],
  ['appId', 'shortstr'],
  ['clusterId', 'shortstr'],
];

/** Property flags (u16) followed by the present properties. */
export function encodeProperties(props: BasicProperties = {}): Buffer {
  let flags = 0;
  const w = new Writer();
  PROPERTY_SPECS.forEach(([name, type], i) => {
    const v = props[name];
    if (v === undefined) return;
    flags |= 1 << (15 - i);
    switch (type) {
      case 'shortstr':
        w.shortstr(v as string);
        break;
      case 'table':
        w.table(v as FieldTable);
        break;
      case 'octet':
        w.octet(v as number);
        break;
      case 'timestamp':
        w.timestamp(v as number | bigint);
        break;
    }
  });
  const f = Buffer.alloc(2);
  f.writeUInt16BE(flags);
  return Buffer.concat([f, w.toBuffer()]);
}

export function decodeProperties(r: Reader): BasicProperties {
  const flags = r.short();
  if (flags & 1) throw new Error('continuation property flags are not supported');
  const props: BasicProperties = {};
  PROPERTY_SPECS.forEach(([name, type], i) => {
    if (!(flags & (1 << (15 - i)))) return;
    const p = props as Record<string, unknown>;
    switch (type) {
      case 'shortstr':
        p[name] = r.shortstr();
        break;
      case 'table':
        p[name] = r.table();
        break;
      case 'octet':
        p[name] = r.octet();
        break;
      case 'timestamp':
        p[name] = r.longlong();
        break;
    }
  });
  return props;
}

export interface ContentHeader {
  classId: number;
  weight: number;
  bodySize: number | bigint;
  properties: BasicProperties;
  /** Property flags and property list exactly as received. */
  propertiesRaw: Buffer;
}

/** Header payload: class-id, weight 0, body-size u64, property flags, properties. */
export function encodeHeaderPayload(bodySize: number | bigint, props: BasicProperties | Buffer = {}, classId = 60): Buffer {
  const w = new Writer().short(classId).short(0).longlong(bodySize);
  w.bytes(Buffer.isBuffer(props) ? props : encodeProperties(props));
  return w.toBuffer();
}

export function decodeHeaderPayload(payload: Buffer): ContentHeader {
  const r = new Reader(payload);
  const classId = r.short();
  const weight = r.short();
  const bodySize = r.longlong();
  const start = r.pos;
  const properties = decodeProperties(r);
  return { classId, weight, bodySize, properties, propertiesRaw: Buffer.from(payload.subarray(start, r.pos)) };
}

/** type(1) channel(2) size(4) payload frame-end(0xCE). */
export function encodeFrame(type: number, channel: number, payload: Buffer | Uint8Array, frameEnd = FRAME_END): Buffer {
  const head = Buffer.alloc(7);
  head.writeUInt8(type, 0);
  head.writeUInt16BE(channel, 1);
  head.writeUInt32BE(payload.length, 3);
  return Buffer.concat([head, Buffer.from(payload), Buffer.from([frameEnd])]);
}

export function encodeMethod(channel: number, name: string, args: MethodArgs = {}): Buffer {
  return encodeFrame(FRAME_METHOD, channel, encodeMethodPayload(name, args));
}

export function encodeHeader(channel: number, bodySize: number | bigint, props: BasicProperties | Buffer = {}, classId = 60): Buffer {
  return encodeFrame(FRAME_HEADER, channel, encodeHeaderPayload(bodySize, props, classId));
}

export function encodeBody(channel: number, body: Buffer | Uint8Array): Buffer {
  return encodeFrame(FRAME_BODY, channel, body);
}

export function heartbeatFrame(channel = 0): Buffer {
  return encodeFrame(FRAME_HEARTBEAT, channel, Buffer.alloc(0));
}

export interface Frame {
  type: number;
  channel: number;
  payload: Buffer;
  /** Set for method frames (type 1). */
  method?: DecodedMethod;
  /** Set for content header frames (type 2). */
  header?: ContentHeader;
  /** When the frame was parsed (Date.now()). */
  at: number;
}

/** One-line description of a frame, for error messages. */
export function describeFrame(f: Frame): string {
  if (f.method) {
    const a = f.method.args;
    if (f.method.name.endsWith('.close')) {
      return `${f.method.name} on channel ${f.channel}: ${a.replyCode} '${a.replyText}' (${a.classId},${a.methodId})`;
    }
    return `${f.method.name} on channel ${f.channel} ${JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
  }
  const names: Record<number, string> = { 2: 'header', 3: 'body', 8: 'heartbeat' };
  return `${names[f.type] ?? `type-${f.type}`} frame on channel ${f.channel} (${f.payload.length} bytes)`;
}

// ---------------------------------------------------------------------------------------------------------------
// The client

export interface Endpoint {
  host: string;
  port: number;
}

export interface HandshakeOptions {
  user?: string;
  password?: string;
  vhost?: string;
  mechanism?: 'PLAIN' | 'AMQPLAIN';
  /** Merged over DEFAULT_CAPABILITIES (set a key to false to override it), or used alone with `replaceCapabilities`. */
  capabilities?: Record<string, boolean>;
  /** Use exactly these capabilities (no defaults). */
  replaceCapabilities?: boolean;
  /** Extra client properties (merged over product/platform/capabilities). */
  clientProperties?: FieldTable;
  /** tune-ok values; channelMax/frameMax default to the server's tune values, heartbeat to 0 (off). */
  channelMax?: number;
  frameMax?: number;
  heartbeat?: number;
  /** Protocol header to send (default AMQP 0-9-1). */
  protocolHeader?: Buffer;
}

export interface HandshakeResult {
  start: MethodArgs;
  tune: MethodArgs;
}

export interface Delivery {
  method: DecodedMethod;
  header: ContentHeader;
  body: Buffer;
  /** The body frames as received (their payloads concatenate to body). */
  bodyFrames: Frame[];
  /** Method, header and body frames. */
  frames: Frame[];
}

export interface PublishOptions {
  exchange?: string;
  routingKey?: string;
  mandatory?: boolean;
  immediate?: boolean;
  properties?: BasicProperties;
  /** Largest body frame payload; defaults to negotiated frame_max - 8. */
  maxBodyFramePayload?: number;
}

interface Waiter {
  pred: (f: Frame) => boolean;
  resolve: (f: Frame) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export const DEFAULT_TIMEOUT = 5000;

let connectionCounter = 0;

export class RawClient {
  /** Frames received and not yet consumed by an expect/next call. */
  readonly queue: Frame[] = [];
  /** Every frame received, consumed or not. */
  readonly log: Frame[] = [];
  /** Every byte received, in order (includes a protocol header sent back by the server). */
  received: Buffer = Buffer.alloc(0);
  /** A protocol header the server wrote instead of frames (version mismatch), if any. */
  protocolHeaderReply?: Buffer;
  /** Set when the incoming stream could not be parsed as frames. */
  parseError?: Error;
  /** Negotiated frame_max (from tune-ok), used to split published bodies. */
  frameMax = 4096;
  channelMax = 0;
  closed = false;
  closedAt?: number;
  socketError?: Error;
  readonly id = ++connectionCounter;

  private buf: Buffer = Buffer.alloc(0);
  private waiters: Waiter[] = [];
  private closeWaiters: Array<() => void> = [];
  private heartbeatTimer?: NodeJS.Timeout;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
    socket.on('error', (e) => {
      this.socketError = e;
    });
    socket.on('close', () => {
      this.closed = true;
      this.closedAt = Date.now();
      this.stopHeartbeats();
      const err = new Error(`socket closed${this.socketError ? ` (${this.socketError.message})` : ''}`);
      for (const w of this.waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(err);
      }
      for (const cb of this.closeWaiters.splice(0)) cb();
    });
  }

  /** Opens a TCP connection; nothing is sent. */
  static connect(ep: Endpoint): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: ep.host, port: ep.port });
      const onErr = (e: Error) => reject(e);
      s.once('error', onErr);
      s.once('connect', () => {
        s.off('error', onErr);
        resolve(new RawClient(s));
      });
    });
  }

  /** Connects and completes the handshake (header, start-ok, tune-ok, open). */
  static async open(ep: Endpoint, opts: HandshakeOptions = {}): Promise<RawClient> {
    const c = await RawClient.connect(ep);
    try {
      await c.handshake(opts);
    } catch (e) {
      c.destroy();
      throw e;
    }
    return c;
  }

  // ---- raw I/O

  sendRaw(bytes: Buffer | Uint8Array | string): void {
    if (!this.socket.destroyed) this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  sendFrame(type: number, channel: number, payload: Buffer): void {
    this.sendRaw(encodeFrame(type, channel, payload));
  }

  sendMethod(channel: number, name: string, args: MethodArgs = {}): void {
    this.sendRaw(encodeMethod(channel, name, args));
  }

  sendHeartbeat(channel = 0): void {
    this.sendRaw(heartbeatFrame(channel));
  }

  /** Sends a heartbeat frame every intervalMs until stopped or closed. */
  startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), intervalMs);
  }

  stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private onData(d: Buffer): void {
    this.received = Buffer.concat([this.received, d]);
    if (this.parseError) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      if (this.log.length === 0 && !this.protocolHeaderReply && this.buf.length >= 4 && this.buf.subarray(0, 4).toString('latin1') === 'AMQP') {
        if (this.buf.length < 8) return;
        this.protocolHeaderReply = Buffer.from(this.buf.subarray(0, 8));
        this.buf = this.buf.subarray(8);
        continue;
      }
      if (this.buf.length < 7) return;
      const size = this.buf.readUInt32BE(3);
      if (this.buf.length < 8 + size) return;
      const type = this.buf.readUInt8(0);
      const channel = this.buf.readUInt16BE(1);
      const payload = Buffer.from(this.buf.subarray(7, 7 + size));
      const end = this.buf.readUInt8(7 + size);
      this.buf = this.buf.subarray(8 + size);
      if (end !== FRAME_END) {
        this.parseError = new Error(`bad frame end 0x${end.toString(16)} after a type ${type} frame`);
        return;
      }
      const frame: Frame = { type, channel, payload, at: Date.now() };
      try {
        if (type === FRAME_METHOD) frame.method = decodeMethodPayload(payload);
        else if (type === FRAME_HEADER) frame.header = decodeHeaderPayload(payload);
      } catch (e) {
        this.parseError = e as Error;
      }
      this.log.push(frame);
      this.dispatch(frame);
    }
  }

  private dispatch(f: Frame): void {
    const i = this.waiters.findIndex((w) => w.pred(f));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      clearTimeout(w.timer);
      w.resolve(f);
    } else {
      this.queue.push(f);
    }
  }

  // ---- awaiting frames

  /** Takes the first frame (queued or future) matching pred; rejects on timeout or socket close. */
  nextFrame(pred: (f: Frame) => boolean = () => true, timeoutMs = DEFAULT_TIMEOUT, what = 'frame'): Promise<Frame> {
    const i = this.queue.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]);
    if (this.closed) return Promise.reject(new Error(`socket closed while waiting for ${what}`));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        pred,
        resolve,
        reject: (e) => reject(new Error(`${e.message} while waiting for ${what}${this.pendingSummary()}`)),
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          reject(new Error(`timeout (${timeoutMs} ms) waiting for ${what}${this.pendingSummary()}`));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  private pendingSummary(): string {
    const q = this.queue.filter((f) => f.type !== FRAME_HEARTBEAT);
    return q.length ? `; unconsumed: ${q.map(describeFrame).join(' | ')}` : '';
  }

  /**
   * The next non-heartbeat frame on `channel` must be method `name`; a connection.close arriving meanwhile
   * (when waiting on another channel) fails the wait with the close's code and text.
   */
  async expectMethod(channel: number, name: string, timeoutMs = DEFAULT_TIMEOUT): Promise<DecodedMethod> {
    const f = await this.nextFrame(
      (fr) => (fr.channel === channel && fr.type !== FRAME_HEARTBEAT) || (channel !== 0 && fr.channel === 0 && fr.method?.name === 'connection.close'),
      timeoutMs,
      `${name} on channel ${channel}`,
    );
    if (f.method?.name !== name) throw new Error(`expected ${name} on channel ${channel}, got ${describeFrame(f)}`);
    return f.method;
  }

  /** Like expectMethod but accepts any of the names. */
  async expectOneOf(channel: number, names: string[], timeoutMs = DEFAULT_TIMEOUT): Promise<DecodedMethod> {
    const f = await this.nextFrame(
      (fr) => (fr.channel === channel && fr.type !== FRAME_HEARTBEAT) || (channel !== 0 && fr.channel === 0 && fr.method?.name === 'connection.close'),
      timeoutMs,
      `${names.join('|')} on channel ${channel}`,
    );
    if (!f.method || !names.includes(f.method.name)) {
      throw new Error(`expected ${names.join('|')} on channel ${channel}, got ${describeFrame(f)}`);
    }
    return f.method;
  }

  /** Reads a content header and the body frames that follow on `channel`. */
  async expectContentBody(channel: number, timeoutMs = DEFAULT_TIMEOUT): Promise<{ header: ContentHeader; body: Buffer; headerFrame: Frame; bodyFrames: Frame[] }> {
    const onCh = (fr: Frame) => fr.channel === channel && fr.type !== FRAME_HEARTBEAT;
    const headerFrame = await this.nextFrame(onCh, timeoutMs, `content header on channel ${channel}`);
    if (headerFrame.type !== FRAME_HEADER || !headerFrame.header) {
      throw new Error(`expected a content header on channel ${channel}, got ${describeFrame(headerFrame)}`);
    }
    const size = Number(headerFrame.header.bodySize);
    const bodyFrames: Frame[] = [];
    let got = 0;
    while (got < size) {
      const f = await this.nextFrame(onCh, timeoutMs, `content body on channel ${channel}`);
      if (f.type !== FRAME_BODY) throw new Error(`expected a body frame on channel ${channel}, got ${describeFrame(f)}`);
      bodyFrames.push(f);
      got += f.payload.length;
    }
    const body = Buffer.concat(bodyFrames.map((f) => f.payload));
    if (body.length !== size) throw new Error(`body frames carry ${body.length} bytes, header said ${size}`);
    return { header: headerFrame.header, body, headerFrame, bodyFrames };
  }

  /** A content-bearing method (basic.deliver / get-ok / return) with its header and body. */
  async expectDelivery(channel: number, name = 'basic.deliver', timeoutMs = DEFAULT_TIMEOUT): Promise<Delivery> {
    const f = await this.nextFrame(
      (fr) => (fr.channel === channel && fr.type !== FRAME_HEARTBEAT) || (channel !== 0 && fr.channel === 0 && fr.method?.name === 'connection.close'),
      timeoutMs,
      `${name} on channel ${channel}`,
    );
    if (f.method?.name !== name) throw new Error(`expected ${name} on channel ${channel}, got ${describeFrame(f)}`);
    const c = await this.expectContentBody(channel, timeoutMs);
    return { method: f.method, header: c.header, body: c.body, bodyFrames: c.bodyFrames, frames: [f, c.headerFrame, ...c.bodyFrames] };
  }

  /** Waits for the socket to close (by either side); resolves with the time it closed. */
  waitForSocketClose(timeoutMs = DEFAULT_TIMEOUT): Promise<number> {
    if (this.closed) return Promise.resolve(this.closedAt!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms${this.pendingSummary()}`)), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(timer);
        resolve(this.closedAt!);
      });
    });
  }

  // ---- handshake

  sendProtocolHeader(header: Buffer = PROTOCOL_HEADER): void {
    this.sendRaw(header);
  }

  sendStartOk(opts: HandshakeOptions = {}): void {
    const user = opts.user ?? 'guest';
    const password = opts.password ?? 'guest';
    const mechanism = opts.mechanism ?? 'PLAIN';
    let response: Buffer;
    if (mechanism === 'PLAIN') {
      response = Buffer.from(`\0${user}\0${password}`, 'utf8');
    } else {
      // AMQPLAIN: a field table without its length prefix.
      response = encodeTable({ LOGIN: user, PASSWORD: password }).subarray(4);
    }
    const capabilities = opts.replaceCapabilities ? { ...opts.capabilities } : { ...DEFAULT_CAPABILITIES, ...opts.capabilities };
    const clientProperties: FieldTable = {
      product: 'warren-raw-test-client',
      version: '0.0.1',
      platform: `Node.js ${process.version}`,
      capabilities,
      ...opts.clientProperties,
    };
    this.sendMethod(0, 'connection.start-ok', { clientProperties, mechanism, response, locale: 'en_US' });
  }

  sendTuneOk(channelMax: number, frameMax: number, heartbeat: number): void {
    this.frameMax = frameMax === 0 ? 131072 : frameMax;
    this.channelMax = channelMax;
    this.sendMethod(0, 'connection.tune-ok', { channelMax, frameMax, heartbeat });
  }

  /** Header, start/start-ok, tune/tune-ok, open/open-ok. */
  async handshake(opts: HandshakeOptions = {}): Promise<HandshakeResult> {
    this.sendProtocolHeader(opts.protocolHeader);
    const start = await this.expectMethod(0, 'connection.start');
    this.sendStartOk(opts);
    const tune = await this.expectMethod(0, 'connection.tune');
    this.sendTuneOk(opts.channelMax ?? tune.args.channelMax, opts.frameMax ?? tune.args.frameMax, opts.heartbeat ?? 0);
    this.sendMethod(0, 'connection.open', { virtualHost: opts.vhost ?? '/' });
    await this.expectMethod(0, 'connection.open-ok');
    return { start: start.args, tune: tune.args };
  }

  // ---- channel and connection helpers

  /** Sends a method and awaits its reply (default `<name>-ok`). */
  async call(channel: number, name: string, args: MethodArgs = {}, reply = `${name}-ok`, timeoutMs = DEFAULT_TIMEOUT): Promise<DecodedMethod> {
    this.sendMethod(channel, name, args);
    return this.expectMethod(channel, reply, timeoutMs);
  }

  async openChannel(channel: number): Promise<void> {
    await this.call(channel, 'channel.open');
  }

  async closeChannel(channel: number): Promise<void> {
    await this.call(channel, 'channel.close', { replyCode: 200, replyText: 'bye' });
  }

  /** Publish method + header + body frames, body split at maxBodyFramePayload (default frame_max - 8). */
  publishFrames(channel: number, body: Buffer | string, opts: PublishOptions = {}): Buffer[] {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    const frames = [
      encodeMethod(channel, 'basic.publish', {
        exchange: opts.exchange ?? '',
        routingKey: opts.routingKey ?? '',
        mandatory: opts.mandatory ?? false,
        immediate: opts.immediate ?? false,
      }),
      encodeHeader(channel, b.length, opts.properties ?? {}),
    ];
    const max = opts.maxBodyFramePayload ?? this.frameMax - 8;
    for (let off = 0; off < b.length; off += max) frames.push(encodeBody(channel, b.subarray(off, off + max)));
    return frames;
  }

  publish(channel: number, body: Buffer | string, opts: PublishOptions = {}): void {
    this.sendRaw(Buffer.concat(this.publishFrames(channel, body, opts)));
  }

  /** basic.get: resolves with the delivery, or null for get-empty. */
  async get(channel: number, queue: string, noAck = false): Promise<Delivery | null> {
    this.sendMethod(channel, 'basic.get', { queue, noAck });
    const m = await this.expectOneOf(channel, ['basic.get-ok', 'basic.get-empty']);
    if (m.name === 'basic.get-empty') return null;
    const c = await this.expectContentBody(channel);
    return { method: m, header: c.header, body: c.body, bodyFrames: c.bodyFrames, frames: [c.headerFrame, ...c.bodyFrames] };
  }

  /** Expects connection.close from the server, answers close-ok, waits for the socket to close. */
  async expectConnectionClose(timeoutMs = DEFAULT_TIMEOUT): Promise<MethodArgs> {
    const m = await this.expectMethod(0, 'connection.close', timeoutMs);
    this.sendMethod(0, 'connection.close-ok');
    await this.waitForSocketClose(timeoutMs);
    return m.args;
  }

  /** Expects channel.close on `channel` and answers close-ok. */
  async expectChannelClose(channel: number, timeoutMs = DEFAULT_TIMEOUT): Promise<MethodArgs> {
    const m = await this.expectMethod(channel, 'channel.close', timeoutMs);
    this.sendMethod(channel, 'channel.close-ok');
    return m.args;
  }

  /** Client-initiated connection.close / close-ok, then closes the socket. */
  async close(timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
    if (this.closed) return;
    try {
      await this.call(0, 'connection.close', { replyCode: 200, replyText: 'Goodbye' }, 'connection.close-ok', timeoutMs);
    } finally {
      this.destroy();
    }
  }

  destroy(): void {
    this.stopHeartbeats();
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error('client destroyed'));
    }
    this.socket.destroy();
  }
}

/** A short random suffix for names on a shared broker. */
export function uniq(prefix = 'raw'): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Opens a fresh connection, a channel, does a passive declare of amq.direct and closes cleanly: proves the broker
 * still accepts and serves connections (e.g. after another connection was killed by a hard error).
 */
export async function assertBrokerAlive(ep: Endpoint): Promise<void> {
  const c = await RawClient.open(ep);
  try {
    await c.openChannel(1);
    await c.call(1, 'exchange.declare', { exchange: 'amq.direct', type: 'direct', passive: true });
    await c.closeChannel(1);
    await c.close();
  } finally {
    c.destroy();
  }
}
