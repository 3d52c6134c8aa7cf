/**
 * The wire codec of AMQP field tables: decoding into the value model of
 * field-value.ts (recording each value's tag) and encoding from it (keeping a
 * recorded tag while the value still fits it, else inferring one).
 */
import { isUtf8 } from 'node:buffer';
import { syntaxError } from '../errors.js';
import { BufferReader } from './buffer-reader.js';
import { BufferWriter } from './buffer-writer.js';
import { Decimal, FIELD_TYPES, inferFieldType, isDecimal, type FieldTable, type FieldValue, type Tagged } from './field-value.js';

/** The table type, also from here: the generated method codec and the server take it from the module that reads and writes it. */
export type { FieldTable } from './field-value.js';

// Deep nesting costs 5+ bytes a level, so a 128 KiB frame could otherwise
// recurse ~25k deep and blow the stack with a RangeError. RabbitMQ (Erlang)
// decodes any depth; Warren refuses a deeper table with a 502 syntax error,
// which the method decoder reports as RabbitMQ's 501 "cannot decode" and a
// content header as its 541 (the connection logs this text as the cause).
export const MAX_DEPTH = 100;

// ---------------------------------------------------------------- decoding

/** Reads a u32-length-prefixed table at the reader's position. */
export function readTable(r: BufferReader, depth = 0): FieldTable {
  const len = r.u32();
  r.need(len);
  return readTableBody(r, r.pos + len, depth);
}

/** Reads table entries up to `end` (no length prefix). */
export function readTableBody(r: BufferReader, end: number, depth = 0): FieldTable {
  if (depth > MAX_DEPTH) throw syntaxError(`field table nested deeper than ${MAX_DEPTH} levels`);
  const outer = r.end;
  r.end = end;
  const table: FieldTable = {};
  const types: Record<string, string> = {};
  while (r.pos < end) {
    const key = r.shortstr();
    const tag = r.u8();
    const value = readValue(r, tag, depth);
    if (key === '__proto__') {
      // A plain assignment would replace the table's prototype instead of adding a key.
      Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
    } else {
      table[key] = value;
    }
    types[key] = String.fromCharCode(tag);
  }
  r.end = outer;
  Object.defineProperty(table, FIELD_TYPES, { value: types });
  return table;
}

function readArray(r: BufferReader, depth: number): FieldValue[] {
  if (depth > MAX_DEPTH) throw syntaxError(`field array nested deeper than ${MAX_DEPTH} levels`);
  const len = r.u32();
  r.need(len);
  const end = r.pos + len;
  const outer = r.end;
  r.end = end;
  const arr: FieldValue[] = [];
  const types: Record<string, string> = {};
  while (r.pos < end) {
    const tag = r.u8();
    types[arr.length] = String.fromCharCode(tag);
    arr.push(readValue(r, tag, depth));
  }
  r.end = outer;
  Object.defineProperty(arr, FIELD_TYPES, { value: types });
  return arr;
}

function readValue(r: BufferReader, tag: number, depth: number): FieldValue {
  switch (tag) {
    case 0x74: // t
      return r.u8() !== 0;
    case 0x62: // b
      return r.i8();
    case 0x42: // B
      return r.u8();
    case 0x73: // s
    case 0x55: // U (pika)
      return r.i16();
    case 0x75: // u
      return r.u16();
    case 0x49: // I
      return r.i32();
    case 0x69: // i
      return r.u32();
    case 0x6c: // l
    case 0x4c: // L (pika)
      return r.i64();
    case 0x66: // f
      return r.f32();
    case 0x64: // d
      return r.f64();
    case 0x44: {
      // D: errata says the int32 is signed
      const scale = r.u8();
      return new Decimal(scale, r.i32());
    }
    case 0x53: {
      // S: text as a string; bytes that are not UTF-8 stay a Buffer so a re-encode is lossless.
      const n = r.u32();
      r.need(n);
      const p = r.pos;
      r.pos = p + n;
      const bytes = r.buf.subarray(p, p + n);
      return isUtf8(bytes) ? bytes.toString('utf8') : Buffer.from(bytes);
    }
    case 0x78: // x
      return r.longstr();
    case 0x41: // A
      return readArray(r, depth + 1);
    case 0x54: // T: u64 seconds
      return new Date(r.u64() * 1000);
    case 0x46: // F
      return readTable(r, depth + 1);
    case 0x56: // V
      return null;
    default:
      throw syntaxError(`unknown field table value type ${JSON.stringify(String.fromCharCode(tag))} (0x${tag.toString(16)})`);
  }
}

/** Decodes a table whose u32 length prefix is at `offset`; `end` is where the next field starts. */
export function decodeTable(buf: Buffer, offset: number): { value: FieldTable; end: number } {
  const r = new BufferReader(buf, offset, buf.length);
  const value = readTable(r);
  return { value, end: r.pos };
}

/** Decodes buf[start..end) as table entries without a length prefix (AMQPLAIN SASL responses). */
export function decodeTableBody(buf: Buffer, start: number, end: number): FieldTable {
  const r = new BufferReader(buf, start, end);
  return readTableBody(r, r.end);
}

// ---------------------------------------------------------------- encoding

function isIntIn(v: unknown, min: number, max: number): boolean {
  if (typeof v === 'number') return Number.isInteger(v) && v >= min && v <= max;
  return typeof v === 'bigint' && v >= BigInt(min) && v <= BigInt(max);
}

function isInt64(v: unknown): boolean {
  if (typeof v === 'number') return Number.isSafeInteger(v);
  return typeof v === 'bigint' && v >= -(2n ** 63n) && v < 2n ** 63n;
}

function isPlainTable(v: unknown): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Date) &&
    !(v instanceof Decimal) &&
    !Array.isArray(v)
  );
}

/** Whether a recorded tag can still carry a (possibly modified) value. */
function fits(tag: string, v: unknown): boolean {
  switch (tag) {
    case 't':
      return typeof v === 'boolean';
    case 'b':
      return isIntIn(v, -0x80, 0x7f);
    case 'B':
      return isIntIn(v, 0, 0xff);
    case 's':
    case 'U':
      return isIntIn(v, -0x8000, 0x7fff);
    case 'u':
      return isIntIn(v, 0, 0xffff);
    case 'I':
      return isIntIn(v, -0x80000000, 0x7fffffff);
    case 'i':
      return isIntIn(v, 0, 0xffffffff);
    case 'l':
    case 'L':
      return isInt64(v);
    case 'f':
    case 'd':
      return typeof v === 'number';
    case 'D':
      return isDecimal(v);
    case 'S':
    case 'x':
      return typeof v === 'string' || v instanceof Uint8Array;
    case 'A':
      return Array.isArray(v);
    case 'T':
      return v instanceof Date || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
    case 'F':
      return isPlainTable(v);
    case 'V':
      return v === null || v === undefined;
    default:
      return false;
  }
}

/** Writes tag + value, keeping `recorded` when the value still fits it. */
export function writeFieldValue(w: BufferWriter, v: FieldValue | undefined, recorded?: string, depth = 0): void {
  let tag = recorded !== undefined && fits(recorded, v) ? recorded : inferFieldType(v);
  // pika's aliases are not understood by RabbitMQ or amqplib: send the standard tag.
  if (tag === 'U') tag = 's';
  else if (tag === 'L') tag = 'l';
  w.u8(tag.charCodeAt(0));
  switch (tag) {
    case 't':
      w.u8(v ? 1 : 0);
      return;
    case 'b':
      w.i8(Number(v));
      return;
    case 'B':
      w.u8(Number(v));
      return;
    case 's':
      w.i16(Number(v));
      return;
    case 'u':
      w.u16(Number(v));
      return;
    case 'I':
      w.i32(Number(v));
      return;
    case 'i':
      w.u32(Number(v));
      return;
    case 'l':
      w.i64(v as number | bigint);
      return;
    case 'f':
      w.f32(v as number);
      return;
    case 'd':
      w.f64(v as number);
      return;
    case 'D':
      w.u8((v as Decimal).scale);
      w.i32((v as Decimal).value);
      return;
    case 'S':
    case 'x':
      w.longstr(typeof v === 'string' ? v : Buffer.isBuffer(v) ? v : Buffer.from(v as unknown as Uint8Array));
      return;
    case 'T': {
      const secs = v instanceof Date ? Math.floor(v.getTime() / 1000) : (v as number);
      if (!(secs >= 0)) throw new RangeError(`timestamp before 1970 cannot be encoded: ${secs}`);
      w.u64(secs);
      return;
    }
    case 'A':
      writeArray(w, v as FieldValue[], depth + 1);
      return;
    case 'F':
      writeTable(w, v as FieldTable, depth + 1);
      return;
    case 'V':
      return;
  }
}

function writeArray(w: BufferWriter, arr: FieldValue[], depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError(`field array nested deeper than ${MAX_DEPTH} levels`);
  const at = w.pos;
  w.u32(0);
  const types = (arr as Tagged)[FIELD_TYPES];
  for (let i = 0; i < arr.length; i++) writeFieldValue(w, arr[i], types?.[i], depth);
  w.patchU32(at, w.pos - at - 4);
}

/** Writes a table with its u32 length prefix; undefined writes an empty table. */
export function writeTable(w: BufferWriter, table: FieldTable | undefined, depth = 0): void {
  if (depth > MAX_DEPTH) throw new RangeError(`field table nested deeper than ${MAX_DEPTH} levels`);
  const at = w.pos;
  w.u32(0);
  if (table !== undefined) {
    const types = (table as Tagged)[FIELD_TYPES];
    for (const key in table) {
      if (!Object.prototype.hasOwnProperty.call(table, key)) continue;
      w.shortstr(key);
      writeFieldValue(w, table[key], types?.[key], depth);
    }
  }
  w.patchU32(at, w.pos - at - 4);
}

const scratch = new BufferWriter(1024);

/** Encodes a table with its u32 length prefix, in one exact-size buffer. */
export function encodeTable(table: FieldTable | undefined): Buffer {
  scratch.reset();
  writeTable(scratch, table);
  return scratch.toBuffer();
}
