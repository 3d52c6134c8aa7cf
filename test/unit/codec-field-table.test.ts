import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTable, decodeTableBody, encodeTable } from '../../src/amqp/codec/field-table.js';
import { Decimal, FIELD_TYPES, fieldTypeOf, rabbitTypeName, type FieldTable, type FieldValue } from '../../src/amqp/codec/field-value.js';
import { AmqpError } from '../../src/amqp/errors.js';

const require = createRequire(import.meta.url);
// amqplib's own table encoder: the bytes real Node clients send (by path: the package exports hide lib/).
const amqplibCodec = require(join(dirname(require.resolve('amqplib')), 'lib/codec.js')) as { encodeTable(buf: Buffer, val: unknown, offset: number): number };

function amqplibTable(val: Record<string, unknown>): Buffer {
  const buf = Buffer.alloc(4096);
  return buf.subarray(0, amqplibCodec.encodeTable(buf, val, 0));
}

// ---- hand-built wire bytes, independent of the code under test
const u8 = (n: number): Buffer => Buffer.from([n]);
const be16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n & 0xffff); return b; };
const be32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const key = (k: string): Buffer => Buffer.concat([u8(Buffer.byteLength(k)), Buffer.from(k)]);
const tagged = (tag: string, payload: Buffer): Buffer => Buffer.concat([Buffer.from(tag, 'latin1'), payload]);
const long = (s: string | Buffer): Buffer => { const b = Buffer.from(s); return Buffer.concat([be32(b.length), b]); };
const body = (...entries: [string, Buffer][]): Buffer => Buffer.concat(entries.map(([k, v]) => Buffer.concat([key(k), v])));
const table = (...entries: [string, Buffer][]): Buffer => long(body(...entries));

function expectSyntaxError(fn: () => unknown): AmqpError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AmqpError);
  expect((caught as AmqpError).replyCode).toBe(502);
  return caught as AmqpError;
}

describe('field table decoding: every tag of the RabbitMQ errata', () => {
  const i64 = Buffer.alloc(8);
  i64.writeBigInt64BE(-(2n ** 40n));
  const bigI64 = Buffer.alloc(8);
  bigI64.writeBigInt64BE(2n ** 62n + 1n);
  const f32 = Buffer.alloc(4);
  f32.writeFloatBE(1.5);
  const f64 = Buffer.alloc(8);
  f64.writeDoubleBE(-2.25);
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(1700000000n);
  const cases: [string, Buffer, FieldValue, string][] = [
    ['t', u8(1), true, 'bool'],
    ['b', u8(0xfe), -2, 'byte'],
    ['B', u8(0xfe), 254, 'unsignedbyte'],
    ['s', be16(-300), -300, 'short'],
    ['u', be16(65000), 65000, 'unsignedshort'],
    ['I', be32(-70000), -70000, 'signedint'],
    ['i', be32(4000000000), 4000000000, 'unsignedint'],
    ['l', i64, -(2 ** 40), 'long'],
    ['f', f32, 1.5, 'float'],
    ['d', f64, -2.25, 'double'],
    ['D', Buffer.concat([u8(2), be32(-12345)]), new Decimal(2, -12345), 'decimal'],
    ['S', long('héllo'), 'héllo', 'longstr'],
    ['x', long(Buffer.from([0, 255, 1])), Buffer.from([0, 255, 1]), 'binary'],
    ['A', long(Buffer.concat([tagged('b', u8(1)), tagged('S', long('a'))])), [1, 'a'], 'array'],
    ['T', ts, new Date(1700000000 * 1000), 'timestamp'],
    ['F', table(['k', tagged('t', u8(0))]), { k: false }, 'table'],
    ['V', Buffer.alloc(0), null, 'void'],
    ['U', be16(-5), -5, 'short'], // pika's int16 alias
    ['L', i64, -(2 ** 40), 'long'], // pika's int64 alias
  ];
  for (const [tag, payload, value, typeName] of cases) {
    it(`decodes '${tag}' and records the tag (RabbitMQ type '${typeName}')`, () => {
      const { value: t } = decodeTable(table(['v', tagged(tag, payload)]), 0);
      expect(t.v).toEqual(value);
      expect(fieldTypeOf(t, 'v')).toBe(tag);
      expect(rabbitTypeName(tag)).toBe(typeName);
    });
  }

  it("decodes 'l' beyond 2^53 as a bigint and within it as a number", () => {
    const { value: t } = decodeTable(table(['big', tagged('l', bigI64)], ['small', tagged('l', i64)]), 0);
    expect(t.big).toBe(2n ** 62n + 1n);
    expect(t.small).toBe(-(2 ** 40));
  });

  it('records tags of array elements and nested tables', () => {
    const bytes = table(['a', tagged('A', long(Buffer.concat([tagged('s', be16(7)), tagged('F', table(['n', tagged('B', u8(3))]))])))]);
    const { value: t } = decodeTable(bytes, 0);
    const arr = t.a as FieldValue[];
    expect(fieldTypeOf(arr, 0)).toBe('s');
    expect(fieldTypeOf(arr, 1)).toBe('F');
    expect(fieldTypeOf(arr[1] as FieldTable, 'n')).toBe('B');
    expect(encodeTable(t)).toEqual(bytes);
  });

  it('keeps tags under the registered symbol the broker layer reads', () => {
    expect(FIELD_TYPES).toBe(Symbol.for('warren.amqp.fieldTypes'));
  });

  it('keeps FIELD_TYPES out of enumeration, JSON and spreads', () => {
    const { value: t } = decodeTable(table(['x', tagged('b', u8(1))]), 0);
    expect(Object.keys(t)).toEqual(['x']);
    expect(JSON.stringify(t)).toBe('{"x":1}');
    expect((t as Record<symbol, unknown>)[FIELD_TYPES]).toEqual({ x: 'b' });
    expect(({ ...t } as Record<symbol, unknown>)[FIELD_TYPES]).toBeUndefined();
  });

  it('returns where the table ends, decoding from an offset inside a larger buffer', () => {
    const bytes = Buffer.concat([Buffer.from([9, 9, 9]), table(['a', tagged('t', u8(1))]), Buffer.from([7])]);
    const { value, end } = decodeTable(bytes, 3);
    expect(value).toEqual({ a: true });
    expect(end).toBe(bytes.length - 1);
  });

  it('keeps a longstr that is not UTF-8 as a Buffer, and re-encodes it byte for byte', () => {
    const bytes = table(['bin', tagged('S', long(Buffer.from([0xff, 0xfe, 0x41])))]);
    const { value: t } = decodeTable(bytes, 0);
    expect(t.bin).toEqual(Buffer.from([0xff, 0xfe, 0x41]));
    expect(encodeTable(t)).toEqual(bytes);
  });

  it('copies binary values so they do not pin the socket buffer', () => {
    const bytes = table(['x', tagged('x', long(Buffer.from('abc')))]);
    const { value: t } = decodeTable(bytes, 0);
    bytes.fill(0);
    expect(t.x).toEqual(Buffer.from('abc'));
  });

  it("treats a '__proto__' key as data, not as the table's prototype", () => {
    const { value: t } = decodeTable(table(['__proto__', tagged('F', table(['polluted', tagged('t', u8(1))]))]), 0);
    expect(Object.getPrototypeOf(t)).toBe(Object.prototype);
    expect(Object.keys(t)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('field tables as clients send them', () => {
  it('decodes a pika-style table (ints as I, str as S, bytes as x)', () => {
    const bytes = table(
      ['x-max-priority', tagged('I', be32(10))],
      ['x-queue-type', tagged('S', long('quorum'))],
      ['x-message-ttl', tagged('I', be32(60000))],
      ['blob', tagged('x', long(Buffer.from([1, 2])))],
    );
    const { value: t } = decodeTable(bytes, 0);
    expect(t).toEqual({ 'x-max-priority': 10, 'x-queue-type': 'quorum', 'x-message-ttl': 60000, blob: Buffer.from([1, 2]) });
    expect(rabbitTypeName(fieldTypeOf(t, 'x-max-priority')!)).toBe('signedint');
    expect(encodeTable(t)).toEqual(bytes);
  });

  it('decodes an amqplib-style table (smallest signed int, doubles for fractions)', () => {
    const bytes = amqplibTable({ p: 10, s: 300, i: 70000, l: 2 ** 40, neg: -1, d: 1.5, str: 'v', t: true, n: null, buf: Buffer.from('z') });
    const { value: t } = decodeTable(bytes, 0);
    expect(t).toEqual({ p: 10, s: 300, i: 70000, l: 2 ** 40, neg: -1, d: 1.5, str: 'v', t: true, n: null, buf: Buffer.from('z') });
    const tags = Object.fromEntries(Object.keys(t).map((k) => [k, fieldTypeOf(t, k)]));
    expect(tags).toEqual({ p: 'b', s: 's', i: 'I', l: 'l', neg: 'b', d: 'd', str: 'S', t: 't', n: 'V', buf: 'x' });
    expect(rabbitTypeName(tags.p!)).toBe('byte');
  });

  it('re-encodes a decoded amqplib table with its original tags (byte-identical)', () => {
    const bytes = amqplibTable({
      p: 10,
      s: -300,
      ts: { '!': 'timestamp', value: 1700000000 },
      f: { '!': 'float', value: 0.5 },
      u: { '!': 'uint32', value: 4000000000 },
      nested: { arr: [1, 'two', [3.5]], deep: { x: -70000 } },
    });
    const { value: t } = decodeTable(bytes, 0);
    expect(encodeTable(t)).toEqual(bytes);
  });

  it('keeps a recorded tag while a modified value still fits it, infers one otherwise', () => {
    const { value: t } = decodeTable(amqplibTable({ a: 1, b: 2, c: 3 }), 0);
    t.a = 100; // still fits 'b'
    t.b = 1000; // no longer fits 'b': inferred 'I'
    t.c = 'text'; // different type: inferred 'S'
    const { value: again } = decodeTable(encodeTable(t), 0);
    expect(again).toEqual({ a: 100, b: 1000, c: 'text' });
    expect([fieldTypeOf(again, 'a'), fieldTypeOf(again, 'b'), fieldTypeOf(again, 'c')]).toEqual(['b', 'I', 'S']);
  });

  it("re-encodes a recorded decimal rebuilt as a plain { scale, value } object as 'D'", () => {
    const bytes = table(['d', tagged('D', Buffer.concat([u8(2), be32(150)]))]);
    const { value: t } = decodeTable(bytes, 0);
    t.d = { scale: 2, value: 150 };
    expect(encodeTable(t)).toEqual(bytes);
  });

  it("sends pika's U and L as the standard s and l", () => {
    const { value: t } = decodeTable(table(['u', tagged('U', be16(3))], ['l', tagged('L', Buffer.alloc(8))]), 0);
    expect(encodeTable(t)).toEqual(table(['u', tagged('s', be16(3))], ['l', tagged('l', Buffer.alloc(8))]));
  });

  it('decodes an AMQPLAIN response: a table body without the length prefix', () => {
    const resp = body(['LOGIN', tagged('S', long('guest'))], ['PASSWORD', tagged('S', long('secret'))]);
    const framed = Buffer.concat([Buffer.from([1, 2]), resp, Buffer.from([3])]);
    expect(decodeTableBody(framed, 2, 2 + resp.length)).toEqual({ LOGIN: 'guest', PASSWORD: 'secret' });
  });
});

describe('field table encoding of untagged JS values', () => {
  const cases: [string, FieldValue | undefined, string][] = [
    ['boolean', false, 't'],
    ['int32 number', -2147483648, 'I'],
    ['int32 max', 2147483647, 'I'],
    ['safe integer beyond int32', 2 ** 31, 'l'],
    ['bigint', 5n, 'l'],
    ['fraction', 0.1, 'd'],
    ['unsafe integer', 2 ** 60, 'd'],
    ['string', 'héllo', 'S'],
    ['Buffer', Buffer.from('x'), 'x'],
    ['Date', new Date(5000), 'T'],
    ['Decimal', new Decimal(1, 5), 'D'],
    ['array', [1, 'a'], 'A'],
    ['object', { a: 1 }, 'F'],
    ['null', null, 'V'],
    ['undefined', undefined, 'V'],
  ];
  for (const [what, value, tag] of cases) {
    it(`encodes a ${what} as '${tag}' and decodes it back`, () => {
      const bytes = encodeTable({ v: value as FieldValue });
      expect(String.fromCharCode(bytes[4 + 2])).toBe(tag);
      const { value: t } = decodeTable(bytes, 0);
      // undefined travels as void; a small bigint comes back as a plain number (safe integers are numbers).
      expect(t.v).toEqual(value === undefined ? null : typeof value === 'bigint' ? Number(value) : value);
    });
  }

  it('writes golden bytes for a small table', () => {
    expect(encodeTable({ a: 1, b: 'x' }).toString('hex')).toBe(
      '0000000f' + '0161' + '49' + '00000001' + '0162' + '53' + '00000001' + '78',
    );
  });

  it('encodes undefined as an empty table', () => {
    expect(encodeTable(undefined)).toEqual(Buffer.from([0, 0, 0, 0]));
  });

  it('round-trips every tag through encode and decode', () => {
    const t: FieldTable = {
      bool: true,
      int: -5,
      long: -(2 ** 50),
      bigint: -(2n ** 63n),
      double: Math.PI,
      str: 'ünïcode ✓',
      bin: Buffer.from([0, 1, 2, 255]),
      time: new Date(1700000000000),
      dec: new Decimal(3, -1),
      arr: [true, [null], { x: 'y' }],
      tab: { inner: { deeper: 1 } },
      nul: null,
    };
    const { value } = decodeTable(encodeTable(t), 0);
    expect(value).toEqual(t);
  });

  it('refuses values a field table cannot carry', () => {
    expect(() => encodeTable({ f: (() => 1) as unknown as FieldValue })).toThrow(TypeError);
    expect(() => encodeTable({ big: 2n ** 64n })).toThrow(RangeError);
    expect(() => encodeTable({ ['k'.repeat(256)]: 1 })).toThrow(RangeError);
  });
});

describe('malformed field tables', () => {
  it('rejects an unknown tag with 502 SYNTAX_ERROR', () => {
    const err = expectSyntaxError(() => decodeTable(table(['k', tagged('Z', u8(1))]), 0));
    expect(err.message).toContain("unknown field table value type");
  });

  it('rejects a length running past the end of the buffer', () => {
    expectSyntaxError(() => decodeTable(Buffer.concat([be32(100), key('k')]), 0));
    expectSyntaxError(() => decodeTable(table(['k', tagged('S', Buffer.concat([be32(50), Buffer.from('ab')]))]), 0));
    expectSyntaxError(() => decodeTable(Buffer.from([0, 0]), 0));
  });

  it('rejects a nested table longer than its parent', () => {
    const inner = table(['n', tagged('t', u8(1))]);
    const outer = Buffer.concat([be32(5), key('k'), u8(0x46), inner]); // parent claims 5 bytes only
    expectSyntaxError(() => decodeTable(Buffer.concat([outer, Buffer.alloc(16)]), 0));
  });

  it('rejects absurd nesting instead of overflowing the stack', () => {
    let bytes = table();
    for (let i = 0; i < 5000; i++) bytes = table(['k', tagged('F', bytes)]);
    expectSyntaxError(() => decodeTable(bytes, 0));
  });

  it('throws only 502 AmqpErrors when a valid table is cut anywhere (never a RangeError)', () => {
    const full = amqplibTable({ a: 1, s: 'str', n: { d: 2.5, arr: [1, 2, 'x'] }, l: 2 ** 40, b: Buffer.from('bin') });
    for (let cut = 0; cut < full.length; cut++) {
      const truncated = Buffer.from(full.subarray(0, cut));
      expectSyntaxError(() => decodeTable(truncated, 0));
      // Same bytes but with the outer length intact and the body cut short.
      if (cut > 4) {
        const short = Buffer.from(full.subarray(0, cut));
        short.writeUInt32BE(cut - 4, 0);
        try {
          decodeTable(short, 0);
        } catch (e) {
          expect(e).toBeInstanceOf(AmqpError);
          expect((e as AmqpError).replyCode).toBe(502);
        }
      }
    }
  });
});

describe('tag helpers', () => {
  it('reports recorded, inferred or no tag', () => {
    const { value: t } = decodeTable(amqplibTable({ a: 1 }), 0);
    expect(fieldTypeOf(t, 'a')).toBe('b');
    expect(fieldTypeOf({ a: 1 }, 'a')).toBe('I');
    expect(fieldTypeOf({ a: 'x' }, 'missing')).toBeUndefined();
  });
});
